#!/bin/sh
# The main job: run the example programs against a real kernel.
#
# No machine here has /dev/iommu, so the examples run in the test VM
# (tests/vm): the newest kernel built with iommufd, on QEMU's emulated Intel
# VT-d and AMD IOMMUs, with QEMU's edu device doing real DMA, and on the
# "mock" machine, where the kernel's selftest IOMMU driver stands in for an
# IOMMU that can nest (no QEMU IOMMU can without KVM). What each example
# prints is shown below its machine's heading.
#
#   examples/iommufd-info   what the machine offers: VFIO cdevs, IOMMU type
#   examples/edu-dma        a userspace driver: bind, map, DMA, replace, verify
#                           (skipped on mock: no edu there)
#   examples/nested-vmm     a VMM's nested translation: stage 2, guest stage-1
#                           tables, replace on mode switches, invalidation
#                           (on vtd/amd it says why the IOMMU cannot nest)
#   tools/lsiommufd         the report for a bug: VFIO devices, their IOMMU,
#                           decoded hw info and the capability probe's verdicts
#                           (with --mock on the mock machine: a selftest device)
#
# Usage: examples/run-in-vm.sh [run.sh options, e.g. --kernels 6.12 --machines vtd]
# Environment: LIBIOMMUFD_BUILD = the build tree (default: the source tree).
# The first run builds the test kernels (~5 min each, then cached).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${LIBIOMMUFD_BUILD:-$top}
out=${LIBIOMMUFD_VM_OUT:-$build/examples/vm-out}
vm=$top/tests/vm
examples="edu-dma iommufd-info nested-vmm lsiommufd"
# Where each is built: the examples in examples/, lsiommufd (tools/) as
# tests/vm/lsiommufd, without the libtool wrapper.
bin_of() { case $1 in lsiommufd) echo "$build/tests/vm/$1" ;; *) echo "$build/examples/$1" ;; esac; }
for ex in $examples; do
	[ -x "$(bin_of "$ex")" ] || { echo "$(bin_of "$ex") is not built: run make"; exit 1; }
done
mkdir -p "$out/stage"

# Each example runs under a wrapper that speaks the VM runner's result
# protocol (tests/vm/README.md); the examples themselves do not. edu-dma,
# nested-vmm and lsiommufd use the wrappers of the test tier, which know
# when a machine lacks what the example needs (a skip line saying so, not a
# failure) and what lsiommufd's report must say there; iommufd-info runs
# anywhere.
cat > "$out/stage/iommufd-info" <<'WRAP'
#!/bin/sh
echo "PLAN iommufd-info 1"
/usr/bin/iommufd-info; rc=$?
[ $rc = 0 ] && echo "RESULT iommufd-info example pass" || echo "RESULT iommufd-info example fail exit $rc"
WRAP
for ex in edu-dma nested-vmm lsiommufd; do
	cp "$vm/$ex-result.sh" "$out/stage/$ex"
done
# (A function: its "set --" leaves the script's run.sh options alone.)
make_initramfs() {
	set --
	for ex in $examples; do
		chmod 755 "$out/stage/$ex"
		set -- "$@" --bin "$(bin_of "$ex"):/usr/bin/$ex" --file "$out/stage/$ex:/tests/$ex"
	done
	bash "$vm/mkinitramfs.sh" "$out/examples.cpio.gz" "$@" >/dev/null 2>&1
}
make_initramfs

[ $# -gt 0 ] || set -- --kernels 7 --machines vtd,amd,mock
rc=0
LIBIOMMUFD_VM_OUT=$out bash "$vm/run.sh" --cpio "$out/examples.cpio.gz" "$@" >"$out/run.txt" 2>&1 || rc=$?

# Show what the examples printed, machine by machine, without the kernel's
# boot messages and the protocol lines.
for log in "$out"/*.log; do
	[ -f "$log" ] || continue
	echo
	echo "=== $(basename "$log" .log): $(sed -n 's/.*VM-BEGIN //p' "$log" | tr -d '\r')"
	tr -d '\r' < "$log" | sed -n '/^RUN /,/^VM-END/p' |
		grep -vE '^(RUN|EXIT|PLAN|VM-END|KMSG)' | sed 's/^RESULT [^ ]* example /  => /'
done
echo
sed -n '/^kernel /,$p' "$out/matrix.txt" 2>/dev/null || cat "$out/run.txt"
[ $rc = 0 ] && echo "main job: all examples succeeded" || echo "main job: FAILED (run.sh exit $rc; details: $out/run.txt)"
exit $rc
