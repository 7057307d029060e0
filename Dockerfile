FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
# WeasyPrint renders letters and reports with Pango.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY . .
# With DEBUG off, as in production, so that the manifest of hashed names the pages link to is written.
RUN DEBUG=0 SECRET_KEY=collectstatic-only-not-a-secret python manage.py collectstatic --noinput -v0 \
    && useradd --system --home /app hrddp && mkdir -p /app/var && chown -R hrddp /app/var
USER hrddp
EXPOSE 8000
CMD ["gunicorn", "config.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
