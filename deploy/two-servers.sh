#!/usr/bin/env bash
# Two application servers (gunicorn) behind nginx, on loopback, sharing one PostgreSQL database and one Redis.
#
#   DATABASE_URL=postgres://… REDIS_URL=redis://… deploy/two-servers.sh start   # prints the proxy's address
#   deploy/two-servers.sh stop
#
# PROXY_PORT (8100), APP1_PORT (8101), APP2_PORT (8102) and RUN_DIR (var/two-servers) choose where.
# The application's environment (SECRET_KEY, DEBUG, ALLOWED_HOSTS…) is passed on to both servers as it is.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
RUN=${RUN_DIR:-$ROOT/var/two-servers}
PROXY=${PROXY_PORT:-8100}
APP1=${APP1_PORT:-8101}
APP2=${APP2_PORT:-8102}
PYTHON=${PYTHON:-$ROOT/.venv/bin/python}
NGINX=${NGINX:-$(command -v nginx || echo /usr/sbin/nginx)}

wait_for() {
  for _ in $(seq 1 120); do
    if "$PYTHON" -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$1" 2>/dev/null; then
      return 0
    fi
    sleep 0.5
  done
  echo "no answer from $1" >&2
  return 1
}

start() {
  : "${DATABASE_URL:?DATABASE_URL must name the shared PostgreSQL database}"
  case "$DATABASE_URL" in postgres*) ;; *) echo "two servers need PostgreSQL (DATABASE_URL=postgres://…)" >&2; exit 2;; esac
  [ -x "$NGINX" ] || { echo "nginx is not installed (apt-get install nginx-light)" >&2; exit 3; }
  mkdir -p "$RUN"
  for name in 1 2; do
    port=$([ "$name" = 1 ] && echo "$APP1" || echo "$APP2")
    # Behind one proxy: the client's address is the last one nginx adds to X-Forwarded-For.
    TRUSTED_PROXY_COUNT=1 GUNICORN_BIND="127.0.0.1:$port" "$PYTHON" -m gunicorn -c deploy/gunicorn.conf.py \
      --pid "$RUN/app$name.pid" --daemon --error-logfile "$RUN/app$name.log" aiguillage.wsgi
  done
  sed -e "s#@RUN@#$RUN#g" -e "s#@APP1@#$APP1#g" -e "s#@APP2@#$APP2#g" -e "s#@PROXY@#$PROXY#g" \
    deploy/nginx.conf > "$RUN/nginx.conf"
  "$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log"
  wait_for "http://127.0.0.1:$APP1/sante/"
  wait_for "http://127.0.0.1:$APP2/sante/"
  wait_for "http://127.0.0.1:$PROXY/sante/"
  echo "http://127.0.0.1:$PROXY"
}

stop() {
  if [ -f "$RUN/nginx.pid" ]; then
    "$NGINX" -p "$RUN" -c "$RUN/nginx.conf" -e "$RUN/nginx-error.log" -s quit || true
  fi
  for name in 1 2; do
    if [ -f "$RUN/app$name.pid" ]; then
      kill "$(cat "$RUN/app$name.pid")" 2>/dev/null || true
    fi
  done
  for _ in $(seq 1 40); do
    [ -f "$RUN/app1.pid" ] || [ -f "$RUN/app2.pid" ] || [ -f "$RUN/nginx.pid" ] || break
    sleep 0.25
  done
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 64 ;;
esac
