# tocsin: the worker (`worker`, the default), the Slack app (`slack`) or any other command.
# Used by docker-compose.yml; tests/test_deployment.py checks it against the project.
FROM python:3.11-slim-bookworm

# EXTRAS: names adds spaCy and its French model (names of persons in statements, R-PRIVACY);
# tracing adds OpenTelemetry's SDK and OTLP/HTTP exporter (TOCSIN_OTLP_ENDPOINT).
ARG EXTRAS=names,tracing
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

WORKDIR /app
COPY pyproject.toml README.md ./
COPY tocsin ./tocsin
COPY workflows ./workflows
COPY activities ./activities
COPY playbooks ./playbooks
COPY templates ./templates
COPY slack ./slack
# Editable: the bundled playbooks and templates are read from /app, beside the code.
RUN pip install -e ".[${EXTRAS}]" \
    && useradd --create-home --uid 10001 tocsin \
    && mkdir -p /data /org \
    && chown tocsin:tocsin /data

USER tocsin
ENV TOCSIN_DATA_DIR=/data
VOLUME ["/data"]
ENTRYPOINT ["tocsin"]
CMD ["worker"]
