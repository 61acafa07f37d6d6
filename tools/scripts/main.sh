#!/usr/bin/env bash
# The main job: install what is missing, build Release, then put build/bin/h2server under
# load from the bundled harness build/bin/h2bench for about 10 s and print the summary.
# The HTML report and the JSON figures land in build/.
#   MAIN_SECONDS=10      length of the measured run (after 1 s of warm-up)
#   MAIN_COMPARE=1       afterwards, h2server beside nghttpd and h2o under h2load
#                        (bench/run_server_bench.sh) and the micro-benchmark ratios
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build build -j"$(nproc)"

seconds=${MAIN_SECONDS:-10}
out=$(mktemp)
trap 'kill "$server" 2>/dev/null || true; rm -f "$out"' EXIT
cpus=$(nproc)
# Server on the first CPU, harness on the others (both on the only one if there is one).
server_cpu=0
bench_cpus=$([[ $cpus -gt 1 ]] && echo "1-$((cpus - 1))" || echo 0)
taskset -c "$server_cpu" build/bin/h2server --port 0 --workers 1 --no-pin --actors inline >"$out" &
server=$!
for _ in $(seq 100); do grep -q listening "$out" && break; sleep 0.05; done
port=$(grep -o ':[0-9]*' "$out" | head -1 | tr -d :)
echo
echo "=== h2server (1 worker, inline actors) under h2bench for ${seconds} s: GET /bytes/100, 64 connections x 32 streams"
start_ticks=$(awk '{print $14 + $15}' "/proc/$server/stat")
status=0
taskset -c "$bench_cpus" build/bin/h2bench -D "$seconds" --warm-up-time 1 -c 64 -m 32 -t 1 \
  --json build/h2bench.json --report build/h2bench-report.html \
  "http://127.0.0.1:$port/bytes/100" || status=$?
end_ticks=$(awk '{print $14 + $15}' "/proc/$server/stat")
kill -TERM "$server"
wait "$server" || true
server=
# The server's own count (warm-up included, like the CPU ticks).
streams=$(sed -n 's/.* \([0-9]*\) streams.*/\1/p' "$out" | tail -1)
if [[ -n "$streams" && "$streams" -gt 0 ]]; then
  awk -v t=$((end_ticks - start_ticks)) -v hz="$(getconf CLK_TCK)" -v n="$streams" \
    'BEGIN {printf "server CPU: %.3f us per request (%d requests served)\n", t / hz * 1e6 / n, n}'
fi
echo "report: build/h2bench-report.html, figures: build/h2bench.json"

if [[ "${MAIN_COMPARE:-0}" == 1 ]]; then
  echo
  echo "=== servers side by side under h2load"
  N=${N:-300000} bench/run_server_bench.sh build
  min_time=${BENCH_MIN_TIME:-0.5}
  for b in bench_hpack bench_frames bench_exchange; do
    echo; echo "=== $b"
    build/bin/$b --benchmark_min_time="$min_time" 2>/dev/null | sed -n '/^Ratios/,$p'
  done
fi
exit "$status"
