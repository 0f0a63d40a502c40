#!/usr/bin/env bash
# Boot the libiommufd test programs on real kernels under QEMU and report a matrix.
#
# Usage: run.sh [--kernels LIST] [--machines LIST] [--jobs N] [--cpio FILE]
#               [--programs PROG...]
#   --kernels   comma list for kernels.sh --only (6.12, 7, 6.1-debian); default: all
#   --machines  comma list of mock, vtd, amd, virtio, noiommu; default: all five
#               (noiommu: edu without any IOMMU, for noiommu VFIO cdevs; it only
#               ever runs on kernels 7.3 and newer, which have them)
#               (6.1-debian, which has no iommufd, only ever runs on mock)
#   --cpio      use this initramfs (from mkinitramfs.sh) instead of building one
#   --programs  the test programs to put in the initramfs (up to the next --option)
#   --jobs      boots run in parallel (default: number of CPUs; each TCG VM uses one)
# Environment: LIBIOMMUFD_VM_TIMEOUT  seconds per boot (default 300)
#              LIBIOMMUFD_VM_MEM      MiB of RAM per VM (default 512)
#              LIBIOMMUFD_VM_OUT      results dir (default tests/vm/out in this clone)
#              LIBIOMMUFD_VM_CACHE    kernel cache (see kernels.sh)
#              LIBIOMMUFD_VM_APPEND   more kernel parameters (NAME=VALUE without a '.'
#                                     reaches the programs' environment, e.g.
#                                     LIBIOMMUFD_QUIRK_CRASH=1 or LIBIOMMUFD_FAULTINJ_CRASH=1:
#                                     see docs/kernel-quirks.md)
#
# A (kernel, machine) pair fails if the VM times out (HANG), the kernel panics, oopses or
# warns (PANIC), the protocol is broken (ERR: no VM-END, a missing PLAN, a RESULT count
# that differs from the PLAN, a non-zero EXIT), or any RESULT is fail. Exit 0 only when
# every pair is clean. Console logs: <out>/<kernel>-<machine>.log; matrix: <out>/matrix.txt;
# each pair's results as TAP (tap.sh: one point per RESULT, one "not ok" per finding):
# <out>/<kernel>-<machine>.tap, for `prove -e cat <out>/*.tap` or a CI's TAP reader.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

usage() { print_header "${BASH_SOURCE[0]}"; exit "${1:-2}"; }

KERNELS=""
MACHINES=mock,vtd,amd,virtio,noiommu
CPIO=""
PROGS=()
JOBS=$(nproc)
while (($#)); do
	case $1 in
	--kernels) [[ $# -ge 2 ]] || usage; KERNELS=$2; shift 2 ;;
	--machines) [[ $# -ge 2 ]] || usage; MACHINES=$2; shift 2 ;;
	--cpio) [[ $# -ge 2 ]] || usage; CPIO=$2; shift 2 ;;
	--jobs) [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || usage; JOBS=$2; shift 2 ;;
	--programs) shift; while (($#)) && [[ $1 != --* ]]; do PROGS+=("$1"); shift; done ;;
	-h | --help) usage 0 ;;
	*) usage ;;
	esac
done
TIMEOUT=${LIBIOMMUFD_VM_TIMEOUT:-300}
[[ $TIMEOUT =~ ^[0-9]+$ ]] || die "LIBIOMMUFD_VM_TIMEOUT must be seconds"
VM_MEM=${LIBIOMMUFD_VM_MEM:-512}
[[ $VM_MEM =~ ^[1-9][0-9]*$ ]] || die "LIBIOMMUFD_VM_MEM must be MiB"
OUT=${LIBIOMMUFD_VM_OUT:-$HERE/out}
IFS=, read -ra MACHLIST <<<"$MACHINES"
for m in "${MACHLIST[@]}"; do
	case $m in mock | vtd | amd | virtio | noiommu) ;; *) die "unknown machine '$m'" ;; esac
done

ensure_pkgs qemu-system-x86
mkdir -p "$OUT"
# Keep the results out of git without touching the project's .gitignore.
[[ -f $OUT/.gitignore ]] || echo '*' >"$OUT/.gitignore"
rm -f "$OUT"/*.log "$OUT"/*.res "$OUT"/*.tap "$OUT/matrix.txt"

# ---- kernels -----------------------------------------------------------------------------
KOPTS=()
[[ -n $KERNELS ]] && KOPTS=(--only "$KERNELS")
KLINES=$("$HERE/kernels.sh" "${KOPTS[@]}") || die "kernels.sh failed"
KNAMES=()
declare -A KIMAGE
while read -r name image _headers; do
	[[ -n $name ]] || continue
	KNAMES+=("$name")
	KIMAGE[$name]=$image
done <<<"$KLINES"
((${#KNAMES[@]})) || die "no kernels"

# ---- initramfs ---------------------------------------------------------------------------
if [[ -z $CPIO ]]; then
	((${#PROGS[@]})) || log "warning: no --programs: the VMs only boot and power off"
	CPIO=$OUT/initramfs.cpio.gz
	"$HERE/mkinitramfs.sh" "$CPIO" "${PROGS[@]}"
elif ((${#PROGS[@]})); then
	die "--cpio and --programs are exclusive"
fi
[[ -f $CPIO ]] || die "no such initramfs: $CPIO"
# The programs that must report are those in the initramfs, whoever built it.
# (init runs the executable regular files directly in /tests; cpio -tv: mode, ..., name.)
mapfile -t INRAM < <(gzip -dc "$CPIO" | cpio -tv --quiet 2>/dev/null |
	awk '$1 ~ /^-..x/ { print $NF }' |
	sed -n 's|^\(\./\)\{0,1\}tests/\([^/]\{1,\}\)$|\2|p' | LC_ALL=C sort)

# ---- boots -------------------------------------------------------------------------------
# machine_args MACHINE: prints QEMU device args and kernel parameters, one per line, as
# "dev ARG" / "append PARAM".
machine_args() {
	case $1 in
	mock) ;; # no vIOMMU, no edu: the iommufd selftest mock driver only
	vtd) printf '%s\n' 'dev -device' 'dev intel-iommu' 'dev -device' 'dev edu' 'append intel_iommu=on' ;;
	# With AMD-Vi's interrupt remapping the kernel panics ("timer doesn't work through
	# Interrupt-remapped IO-APIC") when TCG on a busy host is too slow for its boot-time
	# timer check (seen on 6.12 and 7.2 while kernels built alongside): skip the check.
	# From 7.3 the kernel wants a southbridge (SMBus or ISA bridge) at the PCI address
	# QEMU's IVRS gives the IOAPIC, 00:14.0, where q35 has nothing: it turns interrupt
	# remapping off and iommufd refuses to bind edu (EPERM) unless allowed as on virtio
	# (docs/kernel-quirks.md, amd-ioapic; 6.12 and 7.2 remap and ignore the parameter).
	amd) printf '%s\n' 'dev -device' 'dev amd-iommu' 'dev -device' 'dev edu' \
		'append no_timer_check' 'append iommufd.allow_unsafe_interrupts=1' ;;
	# No interrupt remapping behind virtio-iommu: without this iommufd refuses to bind edu
	# (EPERM) because its MSIs would not be isolated.
	virtio) printf '%s\n' 'dev -device' 'dev virtio-iommu-pci' 'dev -device' 'dev edu' \
		'append iommufd.allow_unsafe_interrupts=1' ;;
	# No IOMMU at all: vfio-pci binds edu as a noiommu device (tainting the kernel), whose
	# cdev is /dev/vfio/devices/noiommu-vfioN on 7.3+ (CONFIG_VFIO_NOIOMMU).
	noiommu) printf '%s\n' 'dev -device' 'dev edu' 'append vfio.enable_unsafe_noiommu_mode=1' ;;
	esac
}

boot() {
	local k=$1 m=$2 log=$OUT/$1-$2.log
	local -a qargs=() append=()
	local kind arg
	while read -r kind arg; do
		case $kind in dev) qargs+=("$arg") ;; append) append+=("$arg") ;; esac
	done < <(machine_args "$m")
	local mem=$VM_MEM
	# Leave the programs time to report before the boot's own timeout hits.
	local ptimeout=$((TIMEOUT > 60 ? TIMEOUT - 30 : TIMEOUT))
	local cmdline="console=ttyS0 panic=-1 quiet ${append[*]} LIBIOMMUFD_MACHINE=$m LIBIOMMUFD_TEST_TIMEOUT=$ptimeout${LIBIOMMUFD_VM_APPEND:+ $LIBIOMMUFD_VM_APPEND}"
	local t0=$EPOCHREALTIME rc=0
	# -net none: no default NIC (a PCI device nobody needs, slower boot).
	timeout -k 10 "$TIMEOUT" qemu-system-x86_64 -M q35 -accel tcg -m "$mem" -smp 1 \
		-nographic -no-reboot -net none -kernel "${KIMAGE[$k]}" -initrd "$CPIO" \
		-append "$cmdline" "${qargs[@]}" </dev/null >"$log" 2>&1 || rc=$?
	echo "$rc $(awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.1f", b - a }')" >"$OUT/$k-$m.rc"
}

# noiommu_kernel NAME: true for a kernel with noiommu VFIO cdevs (7.3+; NAME as kernels.sh
# prints it: 6.12, 7.3, 7.4-rc2, 6.1-debian).
noiommu_kernel() {
	local major minor
	[[ $1 =~ ^([0-9]+)\.([0-9]+) ]] || return 1
	major=${BASH_REMATCH[1]} minor=${BASH_REMATCH[2]}
	((major > 7 || (major == 7 && minor >= 3)))
}

PAIRS=()
for k in "${KNAMES[@]}"; do
	for m in "${MACHLIST[@]}"; do
		# The stock Debian kernel has no iommufd and no VFIO cdev: booting it with a
		# vIOMMU would only repeat the mock run.
		[[ $k == 6.1-debian && $m != mock ]] && continue
		# Before 7.3 vfio-pci's noiommu mode makes no cdev, only a legacy group the
		# library does not use: a boot (a minute under TCG) that could only skip.
		if [[ $m == noiommu ]] && ! noiommu_kernel "$k"; then
			log "not booting $k on noiommu: no noiommu VFIO cdevs before 7.3"
			continue
		fi
		PAIRS+=("$k $m")
	done
done
((${#PAIRS[@]})) || die "no (kernel, machine) pair to boot (6.1-debian runs only on mock," \
	"noiommu only on 7.3+)"

log "booting ${#PAIRS[@]} pair(s), $JOBS at a time, timeout ${TIMEOUT}s each"
T_BOOTS=$SECONDS
for pair in "${PAIRS[@]}"; do
	while (($(jobs -rp | wc -l) >= JOBS)); do wait -n || true; done
	read -r k m <<<"$pair"
	boot "$k" "$m" &
done
wait
log "all boots done in $((SECONDS - T_BOOTS))s"

# ---- verdicts ----------------------------------------------------------------------------
# parse LOG RC: prints "CELL <cell> <clean 0|1>" first, then one detail line per finding.
# A carriage return counts as a line break: the serial console ends lines with CR LF and
# BIOS/kernel output can leave a bare CR before a protocol line.
parse() {
	awk -v rc="$2" -v progs="${INRAM[*]}" '
	BEGIN { n = split(progs, want, " ") }
	/Kernel panic|BUG:|Oops|WARNING:/ && $1 != "RESULT" && $1 != "PLAN" { kern[++nk] = $0 }
	$1 == "VM-END" { ended = 1 }
	$1 == "PLAN" {
		if (NF != 3 || $3 !~ /^[0-9]+$/) { err[++ne] = "malformed: " $0; next }
		if ($2 in plan) err[++ne] = $2 ": PLAN printed twice"
		plan[$2] = $3
	}
	$1 == "RESULT" {
		if (NF < 4) { err[++ne] = "malformed: " $0; next }
		got[$2]++
		r = $0; sub(/^RESULT +[^ ]+ +[^ ]+ +[^ ]+ */, "", r)
		if ($4 == "pass") P++
		else if ($4 == "fail") { F++; failed[$2]++; det[++nd] = "FAIL " $2 " " $3 (r != "" ? ": " r : "") }
		else if ($4 == "skip") { S++; det[++nd] = "SKIP " $2 " " $3 (r != "" ? ": " r : "") }
		else err[++ne] = "unknown status: " $0
	}
	$1 == "EXIT" && NF == 3 { exitrc[$2] = $3 }
	$1 == "TIMEOUT" { err[++ne] = $0 }
	END {
		for (i = 1; i <= n; i++) {
			p = want[i]
			if (!(p in plan)) err[++ne] = p ": no PLAN"
			else if (got[p] + 0 != plan[p]) err[++ne] = p ": " got[p] + 0 " RESULT lines, PLAN said " plan[p]
			if (!(p in exitrc)) { if (ended || !(rc == 124 || rc == 137)) err[++ne] = p ": no EXIT (did not finish)" }
			# A non-zero exit is expected after a reported fail (which fails the pair
			# anyway); without one it is an error of its own (crash, kill, bad exit).
			else if (exitrc[p] != 0 && !(p in failed)) err[++ne] = p ": exit status " exitrc[p] " without a RESULT fail"
			else if (exitrc[p] == 0 && (p in failed)) err[++ne] = p ": reported a fail but exited 0"
		}
		for (p in got) if (!(p in plan)) err[++ne] = p ": RESULT lines from a program that printed no PLAN"
		if (!ended) err[++ne] = "VM-END missing (qemu/timeout status " rc ")"
		if (rc == 124 || rc == 137) cell = "HANG"
		else if (nk) cell = "PANIC"
		else if (ne) cell = "ERR"
		else cell = (P + 0) "/" (F + 0) "/" (S + 0)
		print "CELL " cell " " ((cell ~ /\// && F == 0) ? 1 : 0)
		for (i = 1; i <= nk; i++) print "KERNEL " kern[i]
		for (i = 1; i <= ne; i++) print "ERR " err[i]
		for (i = 1; i <= nd; i++) print det[i]
	}' < <(tr '\r' '\n' <"$1")
}

declare -A CELL
ALLCLEAN=1
for pair in "${PAIRS[@]}"; do
	read -r k m <<<"$pair"
	read -r rc secs <"$OUT/$k-$m.rc"
	res=$(parse "$OUT/$k-$m.log" "$rc")
	"$HERE/tap.sh" "$OUT/$k-$m.log" <(printf '%s\n' "$res") >"$OUT/$k-$m.tap"
	read -r _ cell clean <<<"$(head -1 <<<"$res")"
	CELL[$k/$m]=$cell
	((clean)) || ALLCLEAN=0
	printf '== %s / %s: %s (%ss, log %s)\n' "$k" "$m" "$cell" "$secs" "$OUT/$k-$m.log"
	tail -n +2 <<<"$res" | sed 's/^/   /'
done

{
	printf '%-12s' kernel
	for m in "${MACHLIST[@]}"; do printf ' %-8s' "$m"; done
	printf '\n'
	for k in "${KNAMES[@]}"; do
		printf '%-12s' "$k"
		for m in "${MACHLIST[@]}"; do printf ' %-8s' "${CELL[$k/$m]:--}"; done
		printf '\n'
	done
	printf '(cells: pass/fail/skip, HANG = timeout, PANIC = kernel panic/oops/warning, ERR = protocol error; - = not run)\n'
} | tee "$OUT/matrix.txt"

if ((ALLCLEAN)); then
	log "all ${#PAIRS[@]} pair(s) clean"
	exit 0
fi
log "FAILED: see the findings above and the logs in $OUT"
exit 1
