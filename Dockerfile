# Healing Together — production image.
#
#   docker build -t healing-together .
#   docker run -p 8000:8000 -e DJANGO_SECRET_KEY=… -e DJANGO_ALLOWED_HOSTS=… -e DATABASE_URL=… \
#       healing-together
#
# The builder stage installs the Python dependencies into /opt/venv, compiles the gettext
# catalogs and collects the (compressed, hashed) static files. The final stage copies only the
# venv and the prepared app: no compiler, no gettext, no pip cache. psycopg[binary] ships its
# own libpq, so the runtime needs no extra OS packages.

# ---------------------------------------------------------------------------------------------
FROM python:3.11.14-slim-bookworm AS builder

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_STATIC_ROOT=/app/staticfiles

# gettext provides msgfmt for compilemessages (build time only).
RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext=0.21-12 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY requirements/base.txt requirements/base.txt
RUN python -m venv /opt/venv \
    && pip install --no-cache-dir -r requirements/base.txt

COPY . .

# Build-only settings: nothing here reaches the final image's environment.
RUN DJANGO_SECRET_KEY=build-only-not-a-secret-0123456789-abcdefghijklmnopqrstuvwxyz \
    DJANGO_ALLOWED_HOSTS=localhost \
    DATABASE_URL=sqlite:////tmp/build.sqlite3 \
    sh -c 'python manage.py compilemessages -v0 && python manage.py collectstatic --no-input -v0' \
    && rm -f /tmp/build.sqlite3

# ---------------------------------------------------------------------------------------------
FROM python:3.11.14-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_STATIC_ROOT=/app/staticfiles

# An unprivileged user; the code stays owned by root so the app cannot rewrite it. Only var/
# (file-based email in development setups, media) is writable.
RUN groupadd --system --gid 10001 app \
    && useradd --system --no-log-init --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

COPY --from=builder /opt/venv /opt/venv
COPY --from=builder /app /app
# var/media: uploaded files; a volume mounted there starts with this owner.
RUN mkdir -p /app/var/media && chown -R app:app /app/var

USER 10001:10001

EXPOSE 8000

# Standard library only: the slim image has no curl.
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/healthz' % os.environ.get('PORT', '8000'), timeout=4)"]

CMD ["gunicorn", "--config", "gunicorn.conf.py", "healing_together.wsgi:application"]
