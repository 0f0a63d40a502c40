#!/usr/bin/env bash
# Run tests/qemu/qemu-edu.c in the test VM: a nested stock and patched QEMU (qtest
# accelerator) each get the VM's edu through vfio-pci + iommufd; DMA both ways, byte
# compared, hot-unplug, iommufd released, same bytes from both, and the start-up timing
# side by side.
#
# Usage: tests/qemu/run-in-vm.sh [--stock QEMU] [--patched QEMU] [--pairs LIST]
#   --stock, --patched  the qemu-system-x86_64 binaries (default: what tests/qemu/build.sh
#                       prints; it builds them when they are not cached, so give it
#                       PKG_CONFIG_PATH / PKG_CONFIG_SYSROOT_DIR as tests/qemu/README.md says)
#   --pairs LIST        kernel/machine pairs, comma separated (default 7/vtd,7/amd,6.12/vtd)
#   --serial            one VM at a time (quieter timing; default: one run.sh per kernel,
#                       side by side)
# Environment: LIBIOMMUFD_VM_TIMEOUT (default here 1500 s per boot), LIBIOMMUFD_VM_MEM
#   (default here 2048 MiB: L2's RAM is pinned, up to 1 GiB of it, next to two 27 MB QEMUs
#   in the initramfs), LIBIOMMUFD_VM_OUT (default tests/qemu/out), QEMU_EDU_ARGS (extra
#   arguments for the driver inside the VM, e.g. "--runs 3 --sizes 64,256").
# Exit 0 only when every pair is clean (see tests/vm/run.sh).
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
LOG_TAG=qemu/run-in-vm.sh
# shellcheck source=../vm/lib.sh
. "$TOP/tests/vm/lib.sh"

usage() { print_header "${BASH_SOURCE[0]}"; exit "${1:-2}"; }

STOCK=""
PATCHED=""
PAIRS=7/vtd,7/amd,6.12/vtd
SERIAL=0
while (($#)); do
	case $1 in
	--stock) [[ $# -ge 2 ]] || usage; STOCK=$2; shift 2 ;;
	--patched) [[ $# -ge 2 ]] || usage; PATCHED=$2; shift 2 ;;
	--pairs) [[ $# -ge 2 ]] || usage; PAIRS=$2; shift 2 ;;
	--serial) SERIAL=1; shift ;;
	-h | --help) usage 0 ;;
	*) usage ;;
	esac
done

if [[ -z $STOCK || -z $PATCHED ]]; then
	while read -r what path; do
		case $what in
		stock) [[ -n $STOCK ]] || STOCK=$path ;;
		patched) [[ -n $PATCHED ]] || PATCHED=$path ;;
		esac
	done < <("$HERE/build.sh")
fi
[[ -x $STOCK ]] || die "no stock QEMU ($STOCK)"
[[ -x $PATCHED ]] || die "no patched QEMU ($PATCHED)"
FW=$(dirname "$STOCK")/firmware/bios-256k.bin
[[ -f $FW ]] || FW=/usr/share/seabios/bios-256k.bin
[[ -f $FW ]] || die "no bios-256k.bin"

export LIBIOMMUFD_VM_TIMEOUT=${LIBIOMMUFD_VM_TIMEOUT:-1500}
export LIBIOMMUFD_VM_MEM=${LIBIOMMUFD_VM_MEM:-2048}
export LIBIOMMUFD_VM_OUT=${LIBIOMMUFD_VM_OUT:-$HERE/out}
mkdir -p "$LIBIOMMUFD_VM_OUT"
[[ -f $LIBIOMMUFD_VM_OUT/.gitignore ]] || echo '*' >"$LIBIOMMUFD_VM_OUT/.gitignore"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/qemu-edu.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
gcc -O2 -Wall -Wextra -Werror -o "$WORK/qemu-edu.bin" "$HERE/qemu-edu.c"
# The program init runs: the driver with any extra arguments (init passes none).
{
	echo '#!/bin/sh'
	echo "exec /usr/bin/qemu-edu ${QEMU_EDU_ARGS:-} \"\$@\""
} >"$WORK/qemu-edu"
chmod +x "$WORK/qemu-edu"
# mkinitramfs wants ELF programs in /tests: put the wrapper in with --file and give the
# driver as a --bin. The patched QEMU finds a staging libiommufd through its RUNPATH (or
# the caller's LD_LIBRARY_PATH); mkinitramfs copies what ldd resolves.
CPIO=$LIBIOMMUFD_VM_OUT/initramfs.cpio.gz
# strace counts each QEMU's iommufd and VFIO ioctls (qemu-edu's "ioctls" result).
STRACE=()
if [[ -x /usr/bin/strace ]]; then
	STRACE=(--bin /usr/bin/strace:/usr/bin/strace)
else
	log "no /usr/bin/strace (Debian: strace): the ioctl counts will be skipped"
fi
"$TOP/tests/vm/mkinitramfs.sh" "$CPIO" \
	--bin "$WORK/qemu-edu.bin:/usr/bin/qemu-edu" \
	--bin "$STOCK:/usr/bin/qemu-stock" \
	--bin "$PATCHED:/usr/bin/qemu-patched" \
	--file "$FW:/usr/share/qemu-fw/bios-256k.bin" \
	--file "$WORK/qemu-edu:/tests/qemu-edu" \
	"${STRACE[@]}"
log "stock:   $STOCK"
log "patched: $PATCHED ($(grep -o 'libiommufd[^ ]*' "$(dirname "$PATCHED")/libs" 2>/dev/null | head -1 || echo '?'))"

# run.sh boots kernels x machines; group the pairs by kernel so each run is one call.
rc=0
declare -A BYK
IFS=, read -ra PL <<<"$PAIRS"
for p in "${PL[@]}"; do
	k=${p%%/*} m=${p#*/}
	BYK[$k]+=${BYK[$k]:+,}$m
done
# One run.sh per kernel, side by side (each VM is one TCG thread).
declare -A PID
for k in "${!BYK[@]}"; do
	JOPT=()
	((SERIAL)) && JOPT=(--jobs 1)
	LIBIOMMUFD_VM_OUT=$LIBIOMMUFD_VM_OUT/$k "$TOP/tests/vm/run.sh" --kernels "$k" \
		--machines "${BYK[$k]}" --cpio "$CPIO" "${JOPT[@]}" >"$LIBIOMMUFD_VM_OUT/run-$k.txt" 2>&1 &
	PID[$k]=$!
	((SERIAL)) && { wait "${PID[$k]}" || rc=1; PID[$k]=""; }
done
for k in "${!BYK[@]}"; do
	[[ -z ${PID[$k]} ]] || wait "${PID[$k]}" || rc=1
	printf '==== kernel %s (machines %s)\n' "$k" "${BYK[$k]}"
	cat "$LIBIOMMUFD_VM_OUT/run-$k.txt"
	# The driver's own lines, results and notes, from each console log.
	for f in "$LIBIOMMUFD_VM_OUT/$k"/*.log; do
		[[ -f $f ]] || continue
		printf -- '---- %s\n' "${f##*/}"
		tr -d '\r' <"$f" | grep -E '^(RESULT|# )' || true
	done
done
exit $rc
