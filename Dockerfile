# tocsin worker image. The deployment issue completes and tests this; see docker-compose.yml.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY tocsin ./tocsin
COPY workflows ./workflows
COPY activities ./activities
COPY playbooks ./playbooks
COPY templates ./templates
RUN pip install --no-cache-dir -e . && useradd --create-home tocsin
USER tocsin
ENV TOCSIN_DATA_DIR=/data
ENTRYPOINT ["tocsin"]
CMD ["worker"]
