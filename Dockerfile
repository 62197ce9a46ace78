# Production image: gunicorn + whitenoise; the same image runs the Celery worker and beat.
FROM node:20-bookworm-slim AS frontend
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund

FROM python:3.11-slim-bookworm
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH="/opt/venv/bin:$PATH" DJANGO_SETTINGS_MODULE=clinic.settings.production
# WeasyPrint (the patient's PDF program) needs Pango and HarfBuzz, and a font to draw with.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
RUN pip install --no-cache-dir uv
WORKDIR /app
COPY pyproject.toml uv.lock ./
RUN uv sync --frozen --no-dev --no-install-project
COPY --from=frontend /app/node_modules ./node_modules
COPY . .
RUN SECRET_KEY=build-only ALLOWED_HOSTS=localhost python manage.py collectstatic --noinput
RUN useradd --create-home groundwork && mkdir -p var/media && chown -R groundwork var
USER groundwork
EXPOSE 8000
# The web process's check; compose gives the worker and beat their own.
HEALTHCHECK --interval=30s --timeout=15s --start-period=30s CMD ["python", "deploy/healthcheck.py"]
# Exec form: gunicorn is PID 1 and receives SIGTERM itself.
CMD ["gunicorn", "clinic.site.wsgi", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-", \
     "--logger-class", "clinic.gunicorn_logging.Logger"]
