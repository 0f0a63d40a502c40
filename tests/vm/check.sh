#!/bin/sh
# The real-kernel tier as one test of `make check`: put the VM test programs
# (tests/vm/vm-*, tests/vm/smoke) and the edu DMA, nested VMM and lsiommufd
# examples into an initramfs
# and boot it on every kernel x machine pair with tests/vm/run.sh (which
# builds and caches the kernels on first use: several minutes each).
#
# Usage: tests/vm/check.sh [run.sh options, e.g. --kernels 6.12 --machines vtd]
# Environment:
#   top_srcdir, top_builddir   set by `make check`; default: this clone, built in place
#   LIBIOMMUFD_VM_TESTS=0      skip (exit 77)
#   LIBIOMMUFD_VM_KERNELS      comma list for run.sh --kernels (default: all)
#   LIBIOMMUFD_VM_MACHINES     comma list for run.sh --machines (default: all)
#   LIBIOMMUFD_VM_OUT          logs and matrix (default: <builddir>/tests/vm/out)
# Exit status: run.sh's (0 only when every pair is clean); 77 when skipped:
# only when QEMU is not installed or LIBIOMMUFD_VM_TESTS=0.
#
# The examples examples/edu-dma, examples/nested-vmm and the tool tools/lsiommufd
# are not protocol programs: they print their steps (lsiommufd its report)
# and exit 0 when they verified what they did (nested-vmm also when the
# IOMMU cannot nest, which it says). Each goes into the VM as
# /usr/bin/<name>, and tests/vm/<name>-result.sh, installed as
# /tests/<name>, runs it and turns its outcome into one RESULT line
# (lsiommufd-result.sh checks the report's key lines for the kernel and
# machine).
set -u

if [ "${LIBIOMMUFD_VM_TESTS:-1}" = 0 ]; then
	echo "SKIP: LIBIOMMUFD_VM_TESTS=0"
	exit 77
fi
if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
	echo "SKIP: qemu-system-x86_64 is not installed (Debian: apt-get install qemu-system-x86)"
	exit 77
fi

here=$(cd "$(dirname "$0")" && pwd)
srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
vmdir=$srcdir/tests/vm
out=${LIBIOMMUFD_VM_OUT:-$builddir/tests/vm/out}
export LIBIOMMUFD_VM_OUT="$out"
start=$(date +%s)

progs=""
for p in "$builddir"/tests/vm/vm-* "$builddir"/tests/vm/smoke; do
	case ${p##*/} in *.*) continue ;; esac	# sources, objects
	[ -f "$p" ] && [ -x "$p" ] && progs="$progs $p"
done
# lsiommufd: its -no-install build (tools/lsiommufd is the installed one).
examples="examples/edu-dma examples/nested-vmm tests/vm/lsiommufd"
for ex in $examples; do
	if [ -z "$progs" ] || [ ! -x "$builddir/$ex" ]; then
		echo "ERROR: the VM programs or $ex are not built in $builddir (run make check)"
		exit 99
	fi
done

mkdir -p "$out/stage" || exit 99
exargs=""
for ex in $examples; do
	name=${ex##*/}
	# A copy with the mode init needs (a dist tarball or a VPATH build may lose it).
	cp "$vmdir/$name-result.sh" "$out/stage/$name" && chmod 755 "$out/stage/$name" || exit 99
	exargs="$exargs --bin $builddir/$ex:/usr/bin/$name --file $out/stage/$name:/tests/$name"
done

echo "check.sh: programs:$progs + examples: $examples"
# shellcheck disable=SC2086 # $exargs and $progs: paths without spaces
bash "$vmdir/mkinitramfs.sh" "$out/initramfs.cpio.gz" $exargs $progs || exit 99

set -- --cpio "$out/initramfs.cpio.gz" \
	${LIBIOMMUFD_VM_KERNELS:+--kernels "$LIBIOMMUFD_VM_KERNELS"} \
	${LIBIOMMUFD_VM_MACHINES:+--machines "$LIBIOMMUFD_VM_MACHINES"} "$@"
bash "$vmdir/run.sh" "$@"
rc=$?
# lsiommufd --json, as each VM printed it, through python3's JSON parser.
if command -v python3 >/dev/null 2>&1; then
	python3 "$srcdir/tests/lsiommufd-json.py" --logs "$out"/*.log || rc=1
else
	echo "check.sh: no python3: lsiommufd's JSON reports not parsed"
fi
echo "check.sh: run.sh exited $rc after $(($(date +%s) - start))s; logs in $out"
exit $rc
