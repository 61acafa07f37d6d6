#!/usr/bin/env bash
# h2bench against h2load as load generators (issue 6 targets): both drive the same h2server
# (inline actors, one worker, pinned to CPU 0) with the same flags from CPU 1, twice each.
# For each run: req/s, client CPU time (user+sys from /usr/bin/time) per request, and the
# client's CPU utilisation; then the ratios h2bench/h2load.
#
#   bench/run_client_bench.sh [build-dir]        (default: build)
#   N=1000000 C=64 M=32 PATH_=/bytes/100 bench/run_client_bench.sh build-hb
#
# On a 2-core machine the server (one core) is usually the bottleneck, so req/s says little
# about the client: "client-bound req/s" = req/s / client CPU utilisation, the rate the client
# would reach if it had its core to itself and the server kept up.
set -euo pipefail

BUILD=${1:-build}
N=${N:-1000000}
C=${C:-64}
M=${M:-32}
PATH_=${PATH_:-/bytes/100}
REPEAT=${REPEAT:-2}
H2SERVER=$BUILD/bin/h2server
H2BENCH=$BUILD/bin/h2bench
for tool in "$H2SERVER" "$H2BENCH" /usr/bin/h2load /usr/bin/time taskset; do
  command -v "$tool" > /dev/null || { echo "missing: $tool" >&2; exit 1; }
done

WORK_PREFIX=client-bench
# shellcheck source=bench/lib/h2server.sh
source "$(dirname "$0")/lib/h2server.sh"
start_h2server "$H2SERVER"
URL="http://127.0.0.1:$PORT$PATH_"
FLAGS=(-n "$N" -c "$C" -m "$M" -t 1)
echo "server: h2server --workers 1 --actors inline (CPU 0); clients on CPU 1: ${FLAGS[*]} $URL"

# run NAME CMD... -> prints one line; appends "name rps cpu_s elapsed_s" to $WORK/results
run() {
  local name=$1; shift
  taskset -c 1 /usr/bin/time -f "%U %S %e" -o "$WORK/time" timeout 300 "$@" > "$WORK/out" 2>&1 || {
    echo "$name failed:" >&2; tail -5 "$WORK/out" >&2; exit 1; }
  local rps succeeded
  rps=$(sed -n 's/^finished in [^,]*, \([0-9.]*\) req\/s.*/\1/p' "$WORK/out")
  succeeded=$(sed -n 's/^requests: .* \([0-9]*\) succeeded.*/\1/p' "$WORK/out")
  read -r user sys elapsed < "$WORK/time"
  awk -v name="$name" -v rps="$rps" -v u="$user" -v s="$sys" -v e="$elapsed" -v n="$N" \
      -v ok="$succeeded" 'BEGIN {
    cpu = u + s; util = cpu / e;
    printf "%-8s %10.0f req/s  %6.3f us CPU/req (user %.2fs sys %.2fs, %3.0f%% of a core)  client-bound %10.0f req/s  (%s ok)\n",
           name, rps, cpu * 1e6 / n, u, s, util * 100, rps / util, ok }'
  echo "$name $rps $(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }') $elapsed" >> "$WORK/results"
}

for i in $(seq "$REPEAT"); do
  run h2load /usr/bin/h2load "${FLAGS[@]}" "$URL"
  run h2bench "$H2BENCH" --no-progress "${FLAGS[@]}" "$URL"
done

awk -v n="$N" '
  { rps[$1] += $2; cpu[$1] += $3; el[$1] += $4; k[$1]++ }
  END {
    for (t in k) { r[t] = rps[t] / k[t]; c[t] = cpu[t] / k[t] * 1e6 / n; b[t] = rps[t] / (cpu[t] / el[t]) / k[t] }
    printf "\nmeans over %d runs each\n", k["h2bench"]
    printf "client CPU-us per request: h2bench %.3f, h2load %.3f -> ratio %.2fx (target <= 0.5x)\n",
           c["h2bench"], c["h2load"], c["h2bench"] / c["h2load"]
    printf "req/s (one thread each):   h2bench %.0f, h2load %.0f -> ratio %.2fx (target >= 2x)\n",
           r["h2bench"], r["h2load"], r["h2bench"] / r["h2load"]
    printf "client-bound req/s:        h2bench %.0f, h2load %.0f -> ratio %.2fx\n",
           b["h2bench"], b["h2load"], b["h2bench"] / b["h2load"]
  }' "$WORK/results"

# The VM's speed drifts by up to 2x between runs a minute apart, and both tools drift together:
# the ratio within each back-to-back pair (h2load run, then h2bench run) is steadier than the
# ratio of means. Median over the pairs.
awk '
  $1 == "h2load" { l = $3 }
  $1 == "h2bench" { r[++k] = $3 / l }
  END {
    for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (r[j] < r[i]) { t = r[i]; r[i] = r[j]; r[j] = t }
    m = (k % 2) ? r[(k + 1) / 2] : (r[k / 2] + r[k / 2 + 1]) / 2
    printf "client CPU per request, median of %d back-to-back pairs: ratio %.2fx (pairs:", k, m
    for (i = 1; i <= k; i++) printf " %.2f", r[i]
    printf ")\n"
  }' "$WORK/results"
