#!/usr/bin/env bash
# Installs the Debian 12 packages the project needs, only those missing. Run as root.
#   install-deps.sh          build + run (compilers, CMake, libraries, nghttp2 for comparisons)
#   install-deps.sh --ci     also what CI needs on top (clang + libFuzzer runtime)
set -euo pipefail

packages=(
  g++ cmake ninja-build pkg-config git ca-certificates
  liburing-dev libspdlog-dev libconcurrentqueue-dev libreaderwriterqueue-dev
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev
  libnghttp2-dev nghttp2-client
  curl nghttp2-server h2o python3-h2 python3-pytest
  pybind11-dev python3-dev python3-hypothesis python3-hyperframe python3-hpack
  iproute2  # ss: the interop tests read a socket's congestion control with it
)
if [[ "${1:-}" == "--ci" ]]; then
  packages+=(clang libclang-rt-14-dev llvm clang-format)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

if [[ $(id -u) -ne 0 ]]; then
  echo "install-deps: missing ${missing[*]}; run as root (apt-get)" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
# A bare machine may have empty package lists; refresh them once before installing.
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
