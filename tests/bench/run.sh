#!/bin/sh
# make bench: the host half (tests/bench/host.sh: callgrind instruction
# counts, heap calls and ioctls per call with a stub kernel), then the VM
# half (tests/bench/vm.sh: interleaved timings against raw ioctls on real
# kernels). Prints both tables; they are also kept in OUTDIR/host.txt and
# OUTDIR/vm.txt. A report: it fails only when a measured call fails.
#
# Usage: run.sh [OUTDIR]   (default: $top_builddir/tests/bench/out)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
builddir=${top_builddir:-.}
out=${1:-$builddir/tests/bench/out}
mkdir -p "$out"
[ -f "$out/.gitignore" ] || echo '*' >"$out/.gitignore"

echo "== benchmark, host (stub kernel)"
sh "$here/host.sh" "$out"
echo
echo "== benchmark, VM (real kernels)"
bash "$here/vm.sh" "$out"
