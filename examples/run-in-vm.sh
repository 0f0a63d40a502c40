#!/bin/sh
# The main job: run the example programs against a real kernel.
#
# No machine here has /dev/iommu, so the examples run in the test VM
# (tests/vm): the newest kernel built with iommufd, on QEMU's emulated Intel
# VT-d and AMD IOMMUs, with QEMU's edu device doing real DMA. What each
# example prints is shown below its machine's heading.
#
#   examples/iommufd-info   what the machine offers: VFIO cdevs, IOMMU type
#   examples/edu-dma        a userspace driver: bind, map, DMA, replace, verify
#
# Usage: examples/run-in-vm.sh [run.sh options, e.g. --kernels 6.12 --machines vtd]
# Environment: LIBIOMMUFD_BUILD = the build tree (default: the source tree).
# The first run builds the test kernels (~5 min each, then cached).
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
build=${LIBIOMMUFD_BUILD:-$top}
out=${LIBIOMMUFD_VM_OUT:-$build/examples/vm-out}
vm=$top/tests/vm
for ex in edu-dma iommufd-info; do
	[ -x "$build/examples/$ex" ] || { echo "examples/$ex is not built in $build: run make"; exit 1; }
done
mkdir -p "$out/stage"

# Each example runs under a two-line wrapper that speaks the VM runner's
# result protocol (tests/vm/README.md); the examples themselves do not.
for ex in edu-dma iommufd-info; do
	cat > "$out/stage/$ex" <<WRAP
#!/bin/sh
echo "PLAN $ex 1"
/usr/bin/$ex; rc=\$?
[ \$rc = 0 ] && echo "RESULT $ex example pass" || echo "RESULT $ex example fail exit \$rc"
WRAP
	chmod 755 "$out/stage/$ex"
done

bash "$vm/mkinitramfs.sh" "$out/examples.cpio.gz" \
	--bin "$build/examples/edu-dma:/usr/bin/edu-dma" --file "$out/stage/edu-dma:/tests/edu-dma" \
	--bin "$build/examples/iommufd-info:/usr/bin/iommufd-info" \
	--file "$out/stage/iommufd-info:/tests/iommufd-info" >/dev/null 2>&1

[ $# -gt 0 ] || set -- --kernels 7 --machines vtd,amd
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
