#!/usr/bin/env bash
# User-space instructions per request of h2bench and of h2load, each driving the same
# h2server under callgrind: a deterministic companion to run_client_bench.sh, whose CPU-time
# figures move by up to 2x from run to run on this VM. Kernel work (syscalls, TCP) is not
# counted, and neither are cache misses, so this ranks code changes; the CPU-time ratio of
# run_client_bench.sh remains the issue's measure.
#
#   bench/count_client_instructions.sh [build-dir]     env: N (requests, default 100000), C (64),
#     M (32), PATH_ (/bytes/100)
#
# Under callgrind a client is ~20-40x slower, so the server answers every batch at once; both
# tools see the same batching.
set -euo pipefail

BUILD=${1:-build}
N=${N:-100000}
C=${C:-64}
M=${M:-32}
PATH_=${PATH_:-/bytes/100}
H2SERVER=$BUILD/bin/h2server
H2BENCH=$BUILD/bin/h2bench
for tool in "$H2SERVER" "$H2BENCH" /usr/bin/h2load /usr/bin/valgrind taskset; do
  command -v "$tool" > /dev/null || { echo "missing: $tool" >&2; exit 1; }
done

WORK_PREFIX=client-instr
# shellcheck source=bench/lib/h2server.sh
source "$(dirname "$0")/lib/h2server.sh"
start_h2server "$H2SERVER"
URL="http://127.0.0.1:$PORT$PATH_"
FLAGS=(-n "$N" -c "$C" -m "$M" -t 1)
echo "server: h2server --workers 1 (CPU 0); clients under callgrind on CPU 1: ${FLAGS[*]} $URL"

# count NAME CMD... -> prints instructions per request; appends "name count" to results
count() {
  local name=$1; shift
  taskset -c 1 timeout 900 valgrind --tool=callgrind --callgrind-out-file="$WORK/$name.out" \
    "$@" > "$WORK/$name.log" 2>&1 || { echo "$name failed:" >&2; tail -5 "$WORK/$name.log" >&2; exit 1; }
  grep -q "succeeded, 0 failed" "$WORK/$name.log" || {
    echo "$name: not every request succeeded" >&2; grep "requests:" "$WORK/$name.log" >&2; exit 1; }
  local total
  total=$(sed -n 's/.*Collected : \([0-9]*\).*/\1/p' "$WORK/$name.log")
  awk -v name="$name" -v t="$total" -v n="$N" \
    'BEGIN { printf "%-8s %12d instructions, %7.0f per request\n", name, t, t / n }'
  echo "$name $total" >> "$WORK/results"
}

count h2load /usr/bin/h2load "${FLAGS[@]}" "$URL"
count h2bench "$H2BENCH" --no-progress "${FLAGS[@]}" "$URL"
awk '{ t[$1] = $2 } END { printf "ratio h2bench / h2load: %.2fx (instructions, user space only)\n",
  t["h2bench"] / t["h2load"] }' "$WORK/results"
