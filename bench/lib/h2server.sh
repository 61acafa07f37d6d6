# Sourced by the client benchmarks: one h2server (one inline worker, pinned to CPU 0) for the
# duration of the script, stopped by its PID on exit, and a scratch directory removed with it.
#
#   WORK_PREFIX=client-bench; source bench/lib/h2server.sh; start_h2server "$BUILD/bin/h2server"
#   -> WORK (scratch directory), SERVER_PID, PORT

WORK=$(mktemp -d "${TMPDIR:-/tmp}/${WORK_PREFIX:-h2bench-run}.XXXXXX")
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2> /dev/null; then
    kill -TERM "$SERVER_PID"
    for _ in $(seq 50); do kill -0 "$SERVER_PID" 2> /dev/null || break; sleep 0.1; done
    kill -KILL "$SERVER_PID" 2> /dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

# start_h2server BINARY -> SERVER_PID and PORT set, or the script exits with the server's log.
start_h2server() {
  # The log exists before the server starts: the loop below may read it before the background
  # shell has opened it.
  : > "$WORK/server.log"
  taskset -c 0 "$1" --port 0 --workers 1 --actors inline --log-level warn \
    > "$WORK/server.log" 2>&1 &
  SERVER_PID=$!
  PORT=
  for _ in $(seq 100); do
    PORT=$(sed -n 's/^listening on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.log")
    [ -n "$PORT" ] && break
    sleep 0.05
  done
  [ -n "$PORT" ] || { echo "h2server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
}
