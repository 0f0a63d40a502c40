#!/bin/sh
# Runs the edu DMA example (/usr/bin/edu-dma) inside the test VM and reports
# its outcome in the console protocol of tests/vm/README.md. The example
# stays a plain program a user can copy: it prints its steps and exits 0
# only when every byte it checked arrived where it should (77: the replace
# cannot be shown on this kernel and IOMMU, the rest was verified).
# Installed by tests/vm/check.sh as /tests/edu-dma.
prog=${0##*/}
echo "PLAN $prog 1"
case ${LIBIOMMUFD_MACHINE:-unknown} in
vtd | amd | virtio) ;;
*)
	echo "RESULT $prog example skip machine ${LIBIOMMUFD_MACHINE:-unknown} has no edu device behind an IOMMU"
	exit 0
	;;
esac
if [ ! -e /dev/iommu ]; then
	echo "RESULT $prog example fail /dev/iommu is absent on $(uname -r)"
	exit 1
fi
/usr/bin/edu-dma
rc=$?
if [ "$rc" = 77 ]; then
	echo "RESULT $prog example skip DMA through IOAS A verified, but on $(uname -r)/$LIBIOMMUFD_MACHINE the IOMMU driver gives a new page table no aperture until a first attach, so no replace can be shown"
	exit 0
fi
if [ "$rc" = 0 ]; then
	echo "RESULT $prog example pass edu DMA out, back and after a replace verified byte by byte"
	exit 0
fi
echo "RESULT $prog example fail edu-dma exited with status $rc"
exit 1
