# One image for every role: `serve` (the default), `worker`, `migrate` (see docs/operations.md).
# `make image` builds it; `make image-test` and `make compose-test` run it.
# The base pinned by digest (the tag says which it is): a rebuild gets the same bytes. Move it
# on deliberately, e.g. `podman pull python:3.11-slim` and its RepoDigests.
FROM python:3.11-slim@sha256:9c900dea9e8fb7e16277c179b555cc72d29a352dbc33cff48ad5a0412fd5bfc7

# The staging key lives apart from the database it seals (its own volume, /srv/keys), as does
# the first admin key a lone container writes (`serve --prepare`), readable by uid 10001 only.
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////srv/data/userimport.db \
    USERIMPORT_STAGING_KEY_FILE=/srv/keys/staging.key \
    USERIMPORT_FIRST_KEY_FILE=/srv/keys/first-admin.key \
    USERIMPORT_LOG_FORMAT=json

RUN useradd --create-home --uid 10001 --user-group app
WORKDIR /srv
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN pip install --no-cache-dir . && rm -rf build ./*.egg-info \
    && mkdir -p /srv/data /srv/keys && chown app:app /srv/data /srv/keys \
    && chmod 0700 /srv/keys

USER 10001:10001
# The embedded SQLite database; the staging key file (and a lone container's first admin key)
# when no other is configured: two volumes, so a copy of the database holds no key.
VOLUME /srv/data /srv/keys
EXPOSE 8000
# Web: /readyz. A worker started with --metrics-port sets USERIMPORT_HEALTHCHECK_URL to its
# metrics (compose.yaml does); without, override or disable the check.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["userimport", "healthcheck"]
ENTRYPOINT ["userimport"]
# A single container: migrate, make the keys it lacks (the admin key is written to
# USERIMPORT_FIRST_KEY_FILE, never to the log), serve.
CMD ["serve", "--host", "0.0.0.0", "--port", "8000", "--prepare"]
