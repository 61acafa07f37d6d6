#!/bin/sh
# Runs the HPACK benchmark (h2::hpack beside libnghttp2) and prints its ratio summary.
#   bench/run_hpack.sh [BUILD_DIR] [extra Google Benchmark flags...]
# BUILD_DIR defaults to ./build; MIN_TIME (seconds, default 2) and REPETITIONS (default 3)
# can be set in the environment. With repetitions the summary uses the means.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../build}
[ $# -gt 0 ] && shift
bench=$build/bin/bench_hpack
if [ ! -x "$bench" ]; then
  echo "run_hpack.sh: $bench not found; build it with: ninja -C $build bench_hpack" >&2
  exit 2
fi

exec "$bench" --benchmark_min_time="${MIN_TIME:-2}" \
  --benchmark_repetitions="${REPETITIONS:-3}" --benchmark_report_aggregates_only=true "$@"
