#!/usr/bin/env bash
# The VM half of the benchmark: tests/bench/bench-vm booted on real kernels
# (tests/vm/run.sh), one VM at a time so the two never share the host's
# cores, and a table of its BENCH lines: median and p99 of the library and
# of the raw ioctls, and their ratios. Also the DISCOVER line (syscalls by
# strace, which the initramfs carries, and heap calls of one discovery).
#
# Usage: vm.sh [OUTDIR]   (default: $top_builddir/tests/bench/out)
# Environment: top_builddir (default: .)
#   LIBIOMMUFD_BENCH_KERNELS   kernels.sh names (default: 7, the newest)
#   LIBIOMMUFD_BENCH_MACHINES  machines (default: mock,vtd: the selftest driver
#                              and a real emulated IOMMU with edu)
#   LIBIOMMUFD_VM_TESTS=0      skip (as the VM tier does)
# Exit status: 1 when a call failed in the VM (a broken run), never for a
# timing.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VMDIR=$HERE/../vm
# shellcheck source=../vm/lib.sh
. "$VMDIR/lib.sh"

builddir=${top_builddir:-.}
out=${1:-$builddir/tests/bench/out}
bench=$builddir/tests/bench/bench-vm
if [[ ${LIBIOMMUFD_VM_TESTS:-1} == 0 ]]; then
	log "LIBIOMMUFD_VM_TESTS=0: the VM benchmark is skipped"
	exit 0
fi
[[ -x $bench ]] || die "$bench is not built (make check or make bench)"
ensure_pkgs strace
mkdir -p "$out"
"$VMDIR/mkinitramfs.sh" "$out/bench.cpio.gz" --bin "$(command -v strace):/bin/strace" "$bench"
rc=0
LIBIOMMUFD_VM_OUT=$out/vm "$VMDIR/run.sh" --jobs 1 --cpio "$out/bench.cpio.gz" \
	--kernels "${LIBIOMMUFD_BENCH_KERNELS:-7}" \
	--machines "${LIBIOMMUFD_BENCH_MACHINES:-mock,vtd}" >"$out/vm-run.txt" 2>&1 || rc=$?
if ((rc)); then
	cat "$out/vm-run.txt"
	log "the VM run failed (a call failed or the VM broke; see above)"
fi

# Console lines end in CR LF; each log names its kernel in VM-BEGIN (which
# the firmware's terminal escapes may precede on its line).
for log in "$out"/vm/*.log; do
	[[ -f $log ]] || continue
	tr -d '\r' <"$log" | awk '
		match($0, /VM-BEGIN kernel=[^ ]+/) { k = substr($0, RSTART + 16, RLENGTH - 16) }
		$1 == "BENCH" || $1 == "DISCOVER" || $1 == "DISCOVER-SYSCALL" { print k, $0 }'
done >"$out/vm.lines"

awk '
	$2 == "BENCH" {
		if (!hdr++) printf "%-8s %-7s %-20s %5s %11s %11s %6s %11s %11s %6s %6s %6s\n", \
			"kernel", "machine", "op", "n", "lib med ns", "raw med ns", "ratio", \
			"lib p99", "raw p99", "ratio", "heap l", "heap r"
		printf "%-8s %-7s %-20s %5s %11s %11s %6s %11s %11s %6s %6s %6s\n", \
			substr($1, 1, 8), $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13
	}
	$2 == "DISCOVER" {
		d[++nd] = sprintf("%-8s %-7s %-20s %5s %11s %11s  heap calls/call %s, syscalls/call %s", \
			substr($1, 1, 8), $3, "discover_list", $4, $5, "-", $7, $8 < 0 ? "(no strace)" : $8)
	}
	$2 == "DISCOVER-SYSCALL" { sc = sc " " $3 "=" $4 }
	END {
		for (i = 1; i <= nd; i++) print d[i]
		if (sc != "") print "discover_list syscalls:" sc
		print "(ratio = library / raw ioctls, interleaved per iteration; times under TCG, compare ratios only)"
	}' "$out/vm.lines" | tee "$out/vm.txt"
exit "$rc"
