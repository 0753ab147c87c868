#!/usr/bin/env bash
# On-sale rush: 50 concurrent buyers against one event over HTTP, one order per request, first
# through the storefront's one-page checkout, then through the REST API (POST /api/v1/orders/
# with an API key and an Idempotency-Key), each against a fresh event of the same capacity.
# gunicorn as deployed (deploy/gunicorn.conf.py: 3 sync workers on 2 cores, persistent DB
# connections), a real Celery worker on a private Redis for the after-commit work, wrk with a
# Lua script for unique bodies.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${BENCH_PORT:-8765}
REDIS_PORT=${BENCH_REDIS_PORT:-6399}
DURATION=${BENCH_DURATION:-10s}
CAPACITY=${BENCH_CAPACITY:-12000}
OUT=bench-results
mkdir -p "$OUT"

command -v wrk >/dev/null || { apt-get install -y -qq wrk >/dev/null 2>&1 || { echo "wrk is needed (apt-get install wrk)"; exit 1; }; }
command -v redis-server >/dev/null || apt-get install -y -qq redis-server >/dev/null 2>&1

pids=()
# CPU clock ticks (utime + stime) used so far by the given processes.
cpu_ticks() { local total=0 pid; for pid in "$@"; do
  [ -r "/proc/$pid/stat" ] || continue
  read -r -a f < <(sed 's/^.*) //' "/proc/$pid/stat"); total=$((total + f[11] + f[12])); done; echo "$total"; }
worker_ticks() { if [ "$worker_pid" = 0 ]; then echo 0; else cpu_ticks "$worker_pid" $(pgrep -P "$worker_pid"); fi; }
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no --daemonize no >"$OUT/redis.log" 2>&1 &
pids+=($!)
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0" CELERY_BROKER_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DEBUG=0 CONN_MAX_AGE=600 LOG_LEVEL=WARNING
# The rush comes from one address with one key: the API's rate limits must not be what is measured.
export API_RATE_LIMIT_PER_MINUTE=100000000 API_RATE_LIMIT_PER_MINUTE_PER_IP=100000000
export EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend EMAIL_FILE_PATH="$PWD/$OUT/mail"
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

$PY manage.py migrate_schemas --noinput -v 0
# Every run starts from an empty bench shop: orders of earlier runs would grow its indexes.
$PY manage.py bench_onsale reset
eval "$($PY manage.py bench_onsale prepare --capacity "$CAPACITY")"
export BENCH_HOST BENCH_EVENT BENCH_TICKET_TYPE
# The API rush buys a second event of its own, with a key of the bench reseller.
api_vars=$($PY manage.py bench_onsale prepare --capacity "$CAPACITY")
BENCH_API_EVENT=$(echo "$api_vars" | sed -n 's/^BENCH_EVENT=//p')
BENCH_API_TICKET_TYPE=$(echo "$api_vars" | sed -n 's/^BENCH_TICKET_TYPE=//p')
eval "$($PY manage.py bench_api --event "$BENCH_API_EVENT")"
export BENCH_API_EVENT BENCH_API_TICKET_TYPE BENCH_API_KEY BENCH_API_EVENT_ID

# After-commit work (confirmation e-mails) runs in a real worker, below the web's priority.
# BENCH_WORKER=0 leaves it out (the confirmations wait in Redis), to measure what it costs.
worker_pid=0
if [ "${BENCH_WORKER:-1}" != 0 ]; then
  chrt --idle 0 .venv/bin/celery --workdir platform -A controlplane worker --concurrency 1 --loglevel WARNING \
    >"$OUT/worker.log" 2>&1 &
  pids+=($!)
  worker_pid=$!
fi
# The production layout (deploy/gunicorn.conf.py: 3 sync workers here, preloaded app); only
# the address and the listen backlog for 50 simultaneous connections are the bench's own.
GUNICORN_BIND="127.0.0.1:$PORT" .venv/bin/gunicorn -c deploy/gunicorn.conf.py controlplane.wsgi:application \
  --pythonpath platform,. --workers 3 --backlog 512 >"$OUT/gunicorn.log" 2>&1 &
pids+=($!)
for _ in $(seq 100); do curl -s -o /dev/null -H "Host: $BENCH_HOST" "http://127.0.0.1:$PORT/" && break; sleep 0.1; done
# Warm every worker (imports, connections, caches) with page views, not orders.
for _ in $(seq 30); do curl -s -o /dev/null -H "Host: $BENCH_HOST" "http://127.0.0.1:$PORT/events/$BENCH_EVENT/"; done

gunicorn_pid=${pids[-1]}
web_pids=$(pgrep -P "$gunicorn_pid")
postmaster_pid=$(head -1 .data/postgres/postmaster.pid 2>/dev/null || echo 0)

# rush NAME LUA EVENT_SLUG TITLE: wrk against the app, then the figures and the oversell check.
rush() {
  local name=$1 script=$2 event=$3 title=$4
  local web_before db_pids db_before web_cpu db_cpu worker_before worker_cpu stats accepted refused
  # PostgreSQL's CPU: its backends and helpers, those that start during the rush included
  # (autovacuum, the Celery worker's connection); those that end during it are missed.
  web_before=$(cpu_ticks $web_pids)
  db_pids=$(pgrep -P "$postmaster_pid" | sort)
  db_before=$(cpu_ticks $db_pids)
  worker_before=$(worker_ticks)
  wrk -t 2 -c ${BENCH_CONNECTIONS:-50} -d "$DURATION" --timeout 5s --latency -s "$script" "http://127.0.0.1:$PORT" \
    | tee "$OUT/wrk-$name.txt"
  web_cpu=$(echo "($(cpu_ticks $web_pids) - $web_before) / $(getconf CLK_TCK)" | bc -l)
  db_cpu=$(echo "($(cpu_ticks $(pgrep -P "$postmaster_pid")) - $db_before) / $(getconf CLK_TCK)" | bc -l)
  worker_cpu=$(echo "($(worker_ticks) - $worker_before) / $(getconf CLK_TCK)" | bc -l)
  stats=$(grep '^BENCH_STATS=' "$OUT/wrk-$name.txt" | cut -d= -f2-)
  accepted=$(echo "$stats" | $PY -c 'import json,sys; print(json.load(sys.stdin)["accepted"])')
  refused=$(echo "$stats" | $PY -c 'import json,sys; s=json.load(sys.stdin); print(s["refused"] + s["other"])')
  stats=$(echo "$stats" | $PY -c "import json,sys; s=json.load(sys.stdin); s['refused']=$refused; s['web_cpu_seconds']=$web_cpu; s['db_cpu_seconds']=$db_cpu; s['worker_cpu_seconds']=$worker_cpu; print(json.dumps(s))")
  $PY manage.py bench_onsale report --event "$event" --accepted "$accepted" --stats "$stats" --title "$title" \
    | tee "$OUT/report-$name.txt"
}

rush storefront bench/onsale.lua "$BENCH_EVENT" "On-sale rush, storefront: 50 concurrent buyers, one order per request (HTTP 302)"
# Warm the API path (key and plan caches) without buying: 403, the key may only create orders.
for _ in $(seq 30); do
  curl -s -o /dev/null -H "Host: $BENCH_HOST" -H "Authorization: Bearer $BENCH_API_KEY" "http://127.0.0.1:$PORT/api/v1/orders/"
done
rush api bench/onsale_api.lua "$BENCH_API_EVENT" "On-sale rush, REST API: 50 concurrent clients, POST /api/v1/orders/ with Idempotency-Key (HTTP 201)"
