FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    DATABASE_URL=sqlite:////srv/data/userimport.db

RUN useradd --create-home --uid 10001 app
WORKDIR /srv
COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
RUN pip install --no-cache-dir . && mkdir -p /srv/data && chown app:app /srv/data

USER app
EXPOSE 8000
CMD ["sh", "-c", "alembic upgrade head && userimport keys ensure && exec userimport serve --host 0.0.0.0 --port 8000"]
