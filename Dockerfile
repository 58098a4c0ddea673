# Production image: the same server, on PostgreSQL through DATABASE_URL, as a non-root user,
# with the migrations applied at start.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    HOST=0.0.0.0 \
    PORT=8000

WORKDIR /srv
COPY pyproject.toml README.md ./
COPY app ./app
COPY alembic.ini ./
COPY migrations ./migrations
# Editable, so the package runs from /srv where alembic.ini and migrations/ sit beside it.
RUN pip install -e .

RUN useradd --system --uid 10001 --home-dir /srv api && mkdir -p /srv/data && chown -R api /srv/data
USER api

EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s \
    CMD python -c "import os, urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health')"
CMD ["sh", "-c", "python -m app migrate && exec python -m app serve"]
