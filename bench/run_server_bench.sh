#!/usr/bin/env bash
# Servers side by side under the same h2load load (issue 5 targets):
#   h2server (inline actors), h2server (threaded actors), nghttpd, h2o
# each serving the same docroot over h2c (prior knowledge), one server thread each (plus one
# actor thread for the threaded mode), h2load on the other core. Prints req/s, server
# CPU-microseconds per request (utime+stime of the server process from /proc) and the ratio
# to h2o.
#   bench/run_server_bench.sh [build-dir]     env: N (requests, default 1000000), C (64), M (32),
#     SIZE (body bytes, 100), ROUNDS (1): the servers run in turn ROUNDS times, interleaved, and
#     the summary uses each server's median (one run's figure moves by 20-30 % on this VM,
#     mostly with how fast the client happens to read), SERVERS (default: all four; a subset
#     of "inline threads nghttpd h2o"), CC (a TCP congestion control, e.g. cubic: set as the
#     system default for the whole run, so every server gets it, and restored at exit; needs
#     root. This VM defaults to bbr, whose internal pacing (no fq qdisc) costs about as much
#     kernel CPU per 64 KiB response as the copy itself; docs/performance.md), H2SERVER_ARGS
#     (more h2server flags, e.g. "--tcp-congestion cubic" for h2server's listener only).
set -euo pipefail
cd "$(dirname "$0")/.."
build=${1:-build}
n=${N:-1000000}
c=${C:-64}
m=${M:-32}
size=${SIZE:-100}
rounds=${ROUNDS:-1}
servers=${SERVERS:-inline threads nghttpd h2o}
work=$(mktemp -d)
cc_sysctl=/proc/sys/net/ipv4/tcp_congestion_control
cc_before=$(cat "$cc_sysctl")
restore() {
  kill $(jobs -p) 2>/dev/null || true
  rm -rf "$work"
  [[ -n "${CC:-}" ]] && echo "$cc_before" > "$cc_sysctl" 2>/dev/null || true
}
trap restore EXIT
if [[ -n "${CC:-}" ]]; then
  echo "$CC" > "$cc_sysctl" || { echo "cannot set congestion control $CC (root?)" >&2; exit 1; }
fi
mkdir -p "$work/docroot"
chmod 755 "$work" "$work/docroot"  # h2o drops to user nobody when started as root
head -c "$size" /dev/zero | tr '\0' 'x' > "$work/docroot/file"
tick=$(getconf CLK_TCK)

free_port() { /usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
wait_port() {
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.05
  done
  echo "server on port $1 did not start" >&2; return 1
}

declare -A rps cpu cpus rpss
run_one() {  # name, port, pid
  local name=$1 port=$2 pid=$3
  wait_port "$port"
  # Warm-up, then the measured run.
  h2load -n 20000 -c "$c" -m "$m" -t 1 "http://127.0.0.1:$port/file" >/dev/null 2>&1 || true
  local before after out
  before=$(cpu_ticks "$pid")
  out=$(taskset -c 1 h2load -n "$n" -c "$c" -m "$m" -t 1 "http://127.0.0.1:$port/file" 2>&1)
  after=$(cpu_ticks "$pid")
  local ok
  ok=$(echo "$out" | awk '/^requests:/ {print $8}')
  rps[$name]=$(echo "$out" | awk '/^finished in/ {print $4}')
  cpu[$name]=$(awk -v t=$((after - before)) -v hz="$tick" -v n="$n" 'BEGIN {printf "%.3f", t / hz * 1e6 / n}')
  printf "%-18s %12s req/s  %8s CPU-us/request  (%s succeeded)\n" "$name" "${rps[$name]}" "${cpu[$name]}" "$ok"
  cpus[$name]+="${cpu[$name]} "
  rpss[$name]+="${rps[$name]} "
  kill "$pid"; wait "$pid" 2>/dev/null || true
}

echo "h2load -n $n -c $c -m $m -t 1, body $size bytes; servers on CPU 0, h2load on CPU 1;" \
  "TCP congestion control $(cat "$cc_sysctl")"
wants() { [[ " $servers " == *" $1 "* ]]; }
for round in $(seq "$rounds"); do
  [[ $rounds -gt 1 ]] && echo "-- round $round of $rounds"
  if wants inline; then
    port=$(free_port)
    taskset -c 0 "$build/bin/h2server" --port "$port" --workers 1 --no-pin --actors inline \
      --docroot "$work/docroot" ${H2SERVER_ARGS:-} >/dev/null & run_one "h2server inline" "$port" $!
  fi
  if wants threads; then
    port=$(free_port)
    taskset -c 0 "$build/bin/h2server" --port "$port" --workers 1 --no-pin --actors threads:1 \
      --docroot "$work/docroot" ${H2SERVER_ARGS:-} >/dev/null & run_one "h2server threads" "$port" $!
  fi
  if wants nghttpd; then
    port=$(free_port)
    taskset -c 0 nghttpd --no-tls -d "$work/docroot" "$port" >/dev/null 2>&1 & run_one "nghttpd" "$port" $!
  fi
  if wants h2o && command -v h2o >/dev/null; then
    port=$(free_port)
    # No access-log: h2o then logs nothing per request, like the other servers here. With
    # "access-log: /dev/null" it formats and write(2)s a line per request, which cost it 1.5 us
    # per request on this VM (2026-12-05: 3.5 against 2.0 us for 100-byte bodies).
    cat > "$work/h2o.conf" <<CONF
listen:
  host: 127.0.0.1
  port: $port
num-threads: 1
$( [[ $(id -u) -eq 0 ]] && echo "user: nobody" )
hosts:
  default:
    paths:
      /:
        file.dir: $work/docroot
CONF
    taskset -c 0 h2o -c "$work/h2o.conf" >/dev/null 2>&1 & run_one "h2o" "$port" $!
  fi
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2}'; }
if [[ $rounds -gt 1 ]]; then
  echo
  echo "Medians of $rounds rounds"
  for name in "${!cpus[@]}"; do
    cpu[$name]=$(echo "${cpus[$name]}" | median)
    rps[$name]=$(echo "${rpss[$name]}" | median)
    printf "%-18s %12s req/s  %8s CPU-us/request  (runs: %s)\n" "$name" "${rps[$name]}" "${cpu[$name]}" "${cpus[$name]% }"
  done
fi
echo
echo "Ratios (server CPU-us per request, lower is better; target: inline <= 0.5x h2o, threads <= 1.0x h2o)"
for name in "h2server inline" "h2server threads" "nghttpd"; do
  [[ -n "${cpu[h2o]:-}" && -n "${cpu[$name]:-}" ]] && awk -v a="${cpu[$name]}" -v b="${cpu[h2o]}" -v n="$name" \
    'BEGIN {printf "  %-18s / h2o     = x%.2f\n", n, a / b}'
done
