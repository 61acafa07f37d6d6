#!/usr/bin/env bash
# The main job: install what is missing, build Release, and run it.
# Until the engine exists (issue 5) the main job is the benchmark summary: HPACK, frame
# reading and the in-memory H2Connection exchange, each beside libnghttp2 in the same run,
# with the ratios printed at the end.
set -euo pipefail
cd "$(dirname "$0")/../.."
tools/scripts/install-deps.sh
cmake --preset release >/dev/null
cmake --build build -j"$(nproc)"
min_time=${BENCH_MIN_TIME:-0.5}
echo
echo "=== HPACK: decode of the hpack-test-case corpus, encode of raw-data (h2 vs libnghttp2)"
build/bin/bench_hpack --benchmark_min_time="$min_time" 2>/dev/null | sed -n '/^Ratios/,$p'
echo
echo "=== Frame reading (h2 Reader vs nghttp2_session_mem_recv)"
build/bin/bench_frames --benchmark_min_time="$min_time" 2>/dev/null | sed -n '/^Ratios/,$p'
echo
echo "=== H2Connection: in-memory request/response exchange (h2 vs libnghttp2)"
build/bin/bench_exchange --benchmark_min_time="$min_time" 2>/dev/null | sed -n '/^Ratios/,$p'
