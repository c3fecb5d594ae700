# One image for every role: `serve` (the default), `worker`, `migrate` (see docs/operations.md).
# `make image` builds it; `make image-test` and `make compose-test` run it.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////srv/data/userimport.db \
    USERIMPORT_STAGING_KEY_FILE=/srv/data/staging.key \
    USERIMPORT_WORKER_METRICS_HOST=0.0.0.0 \
    USERIMPORT_LOG_FORMAT=json

RUN useradd --create-home --uid 10001 --user-group app
WORKDIR /srv
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN pip install --no-cache-dir . && rm -rf build ./*.egg-info \
    && mkdir -p /srv/data && chown app:app /srv/data

USER 10001:10001
# The embedded SQLite database and the staging key file when no other is configured.
VOLUME /srv/data
EXPOSE 8000
# Web: /readyz. A worker started with --metrics-port sets USERIMPORT_HEALTHCHECK_URL to its
# metrics (compose.yaml does); without, override or disable the check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["userimport", "healthcheck"]
ENTRYPOINT ["userimport"]
# A single container: migrate, make the keys it lacks (the admin key is printed once), serve.
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--prepare"]
