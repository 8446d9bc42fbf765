# tocsin: the worker (`worker`, the default), the Slack app (`slack`) or any other command.
# Used by docker-compose.yml; tests/test_deployment.py checks it against the project.
FROM python:3.11-slim-bookworm

# EXTRAS: names adds spaCy, its French models and the polarity lexicons (persons, judgements:
# R-PRIVACY, R-NEUTRAL, R-ELECTION); tracing adds OpenTelemetry's SDK and OTLP/HTTP exporter
# (TOCSIN_OTLP_ENDPOINT); pdf adds WeasyPrint for `tocsin review --pdf`, which needs Pango.
ARG EXTRAS=names,tracing,pdf
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
    && rm -rf /var/lib/apt/lists/*

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
