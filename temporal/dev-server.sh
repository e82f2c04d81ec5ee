#!/usr/bin/env bash
# temporal/dev-server.sh start|stop|status [--port 7233] [--ui-port 8233]
#
# Runs the Temporal dev server (`temporal server start-dev`, from .temporal/bin/temporal; see temporal/install.sh)
# with a persistent SQLite DB, for local development:
#   gRPC      127.0.0.1:$TEMPORAL_PORT (default 7233; --port overrides)
#   Web UI    http://127.0.0.1:$TEMPORAL_UI_PORT (default 8233; --ui-port overrides)
#   namespace default
#   DB        data/temporal/temporal.db       log  data/temporal/dev-server.log
#   pid file  data/temporal/dev-server.pid    (the server runs in its own process group; pid = group id)
#   search attributes KapLane, KapMode, KapEnv, KapStatus (Keyword): the Web UI's lane filters (README)
#
#   start   no-op if a server already answers at the address; else starts one in the background and waits
#           (at most $TEMPORAL_START_TIMEOUT seconds, default 60) until the cluster is healthy and the namespace
#           is served, then prints the Web UI URL. Exits non-zero (and stops what it started) if it never gets there.
#   stop    stops the process group started by `start` (SIGTERM, then SIGKILL after 15 s) and waits until it is gone.
#   status  prints whether it is running and healthy. Exit 0 healthy, 1 running but not healthy, 3 not running.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
CLI="${TEMPORAL_CLI_PATH:-$ROOT/.temporal/bin/temporal}"
DATA_DIR="$ROOT/data/temporal"
DB="$DATA_DIR/temporal.db"
LOG="$DATA_DIR/dev-server.log"
PIDFILE="$DATA_DIR/dev-server.pid"
PORTFILE="$DATA_DIR/dev-server.ports"
NAMESPACE=default
IP=127.0.0.1
START_TIMEOUT="${TEMPORAL_START_TIMEOUT:-60}"
STOP_TIMEOUT=15

usage() {
  echo "usage: temporal/dev-server.sh start|stop|status [--port N] [--ui-port N]" >&2
  exit 2
}

CMD="${1:-}"
[ -n "$CMD" ] || usage
shift
PORT="${TEMPORAL_PORT:-7233}"
UI_PORT="${TEMPORAL_UI_PORT:-}"
PORT_GIVEN=0
[ -z "${TEMPORAL_PORT:-}" ] || PORT_GIVEN=1
while [ $# -gt 0 ]; do
  case "$1" in
    --port) [ $# -ge 2 ] || usage; PORT="$2"; PORT_GIVEN=1; shift 2 ;;
    --port=*) PORT="${1#*=}"; PORT_GIVEN=1; shift ;;
    --ui-port) [ $# -ge 2 ] || usage; UI_PORT="$2"; shift 2 ;;
    --ui-port=*) UI_PORT="${1#*=}"; shift ;;
    *) echo "temporal/dev-server.sh: unknown argument '$1'" >&2; usage ;;
  esac
done
for p in "$PORT" "${UI_PORT:-1}"; do
  if ! [[ "$p" =~ ^[0-9]+$ ]] || [ "$p" -lt 1 ] || [ "$p" -gt 65535 ]; then
    echo "temporal/dev-server.sh: invalid port '$p'" >&2
    exit 2
  fi
done
[ -n "$UI_PORT" ] || UI_PORT=$((PORT + 1000))

say() { echo "temporal/dev-server.sh: $*"; }

# The pid from the pid file if that process is alive and is our dev server (guards against pid reuse).
running_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid="$(head -n1 "$PIDFILE" 2> /dev/null || true)"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  kill -0 "$pid" 2> /dev/null || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2> /dev/null | grep -q "server start-dev" || return 1
  echo "$pid"
}

group_alive() { kill -0 -- "-$1" 2> /dev/null; }

# When a server we started is running, status/stop/start use the ports it was started with (unless --port given).
if [ "$PORT_GIVEN" = 0 ] && [ -f "$PORTFILE" ] && running_pid > /dev/null; then
  read -r PORT UI_PORT < "$PORTFILE" || true
fi
ADDRESS="$IP:$PORT"
UI_URL="http://$IP:$UI_PORT"

need_cli() {
  if [ ! -x "$CLI" ]; then
    say "no Temporal CLI at $CLI; running temporal/install.sh --quiet"
    bash "$ROOT/temporal/install.sh" --quiet
  fi
  [ -x "$CLI" ] || { say "still no Temporal CLI at $CLI (see temporal/install.sh)"; exit 1; }
}

healthy() {
  "$CLI" operator cluster health --address "$ADDRESS" --client-connect-timeout 3s --command-timeout 3s > /dev/null 2>&1 \
    && "$CLI" operator namespace describe --namespace "$NAMESPACE" --address "$ADDRESS" --client-connect-timeout 3s --command-timeout 3s \
      > /dev/null 2>&1
}

stop_group() { # stop_group PGID: TERM, wait, KILL, wait
  local pgid="$1" i
  kill -TERM -- "-$pgid" 2> /dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    group_alive "$pgid" || return 0
    sleep 0.1
  done
  say "process group $pgid still alive after ${STOP_TIMEOUT}s; sending SIGKILL"
  kill -KILL -- "-$pgid" 2> /dev/null || true
  for ((i = 0; i < 50; i++)); do
    group_alive "$pgid" || return 0
    sleep 0.1
  done
  say "process group $pgid did not exit"
  return 1
}

do_start() {
  local pid deadline extra=()
  need_cli
  mkdir -p "$DATA_DIR"
  if pid="$(running_pid)"; then
    if healthy; then
      say "already running (pid $pid) at $ADDRESS, namespace $NAMESPACE"
      say "Web UI: $UI_URL"
      return 0
    fi
  elif healthy; then
    say "a Temporal server not started by this script already answers at $ADDRESS; nothing to do"
    return 0
  fi
  if [ -n "${pid:-}" ]; then
    say "pid $pid is running but not healthy; waiting for it"
  else
    rm -f "$PIDFILE"
    # The Web UI would otherwise fetch a news feed from the internet.
    if "$CLI" server start-dev --help 2> /dev/null | grep -q -- '--ui-disable-news-fetch'; then
      extra+=(--ui-disable-news-fetch)
    fi
    {
      echo "=== $(date -u +%Y-%m-%dT%H:%M:%SZ) start-dev on $ADDRESS (UI $UI_URL, db $DB)"
    } >> "$LOG"
    # setsid: own session + process group, so `stop` can signal every process it spawned. The inner shell writes
    # its own pid (= the group id) and then execs the server, so the pid file names the server process itself.
    # shellcheck disable=SC2016 # $$ and $@ are for the inner shell
    setsid bash -c 'echo $$ > "$0"; exec "$@"' "$PIDFILE" \
      "$CLI" server start-dev \
      --ip "$IP" --port "$PORT" --ui-port "$UI_PORT" --ui-ip "$IP" \
      --db-filename "$DB" --namespace "$NAMESPACE" \
      --log-format pretty --log-level warn \
      --dynamic-config-value frontend.enableServerVersionCheck=false \
      --search-attribute KapLane=Keyword --search-attribute KapMode=Keyword \
      --search-attribute KapEnv=Keyword --search-attribute KapStatus=Keyword \
      "${extra[@]}" \
      < /dev/null >> "$LOG" 2>&1 &
    disown $! 2> /dev/null || true
    echo "$PORT $UI_PORT" > "$PORTFILE"
    for _ in $(seq 1 50); do # wait for the pid file (normally instant)
      [ -s "$PIDFILE" ] && break
      sleep 0.1
    done
    pid="$(head -n1 "$PIDFILE" 2> /dev/null || true)"
    say "started pid $pid; waiting up to ${START_TIMEOUT}s for $ADDRESS (log: ${LOG#"$ROOT"/})"
  fi
  deadline=$((SECONDS + START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! kill -0 "$pid" 2> /dev/null; then
      say "the dev server exited during startup; last lines of ${LOG#"$ROOT"/}:" >&2
      tail -n 20 "$LOG" | sed 's/^/    /' >&2
      group_alive "$pid" && stop_group "$pid"
      rm -f "$PIDFILE" "$PORTFILE"
      return 1
    fi
    if healthy; then
      say "ready: gRPC $ADDRESS, namespace $NAMESPACE, db ${DB#"$ROOT"/}"
      say "Web UI: $UI_URL"
      return 0
    fi
    sleep 0.5
  done
  say "not healthy after ${START_TIMEOUT}s; stopping it. Last lines of ${LOG#"$ROOT"/}:" >&2
  tail -n 20 "$LOG" | sed 's/^/    /' >&2
  stop_group "$pid" || true
  rm -f "$PIDFILE" "$PORTFILE"
  return 1
}

do_stop() {
  local pid
  if ! pid="$(running_pid)"; then
    # The leader may be gone while children of its group linger: clean those up too.
    pid="$(head -n1 "$PIDFILE" 2> /dev/null || true)"
    if [[ "$pid" =~ ^[0-9]+$ ]] && group_alive "$pid" \
      && pgrep -g "$pid" -f "temporal" > /dev/null 2>&1; then
      say "server pid $pid is gone but its process group lingers; stopping it"
      stop_group "$pid"
    else
      say "not running"
    fi
    rm -f "$PIDFILE" "$PORTFILE"
    return 0
  fi
  say "stopping pid $pid (process group $pid)"
  if stop_group "$pid"; then
    rm -f "$PIDFILE" "$PORTFILE"
    say "stopped"
  else
    return 1
  fi
}

do_status() {
  local pid
  if pid="$(running_pid)"; then
    if [ -x "$CLI" ] && healthy; then
      say "running and healthy: pid $pid, gRPC $ADDRESS, namespace $NAMESPACE, Web UI $UI_URL"
      say "db ${DB#"$ROOT"/}, log ${LOG#"$ROOT"/}"
      return 0
    fi
    say "running (pid $pid) but not healthy at $ADDRESS (see ${LOG#"$ROOT"/})"
    return 1
  fi
  if [ -x "$CLI" ] && healthy; then
    say "not started by this script, but a Temporal server answers at $ADDRESS"
    return 0
  fi
  say "not running (nothing answers at $ADDRESS)"
  return 3
}

case "$CMD" in
  start) do_start ;;
  stop) do_stop ;;
  status) do_status ;;
  -h | --help) sed -n '2,17p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//' ;;
  *) usage ;;
esac
