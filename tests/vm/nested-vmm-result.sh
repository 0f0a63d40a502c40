#!/bin/sh
# Runs the nested VMM example (/usr/bin/nested-vmm) inside the test VM and
# reports its outcome in the console protocol of tests/vm/README.md. The
# example stays a plain program a user can copy: it prints its steps and
# exits 0 when the whole flow was verified, or when the IOMMU cannot nest
# (it then says so in a line starting "nested-vmm: no nesting"), when the
# device has no IOMMU at all (a noiommu device: "nested-vmm: no nesting:
# the device is a noiommu device") or nests only through a vIOMMU, 1 when
# a step failed. Installed by tests/vm/check.sh as /tests/nested-vmm.
prog=${0##*/}
echo "PLAN $prog 1"
if [ ! -e /dev/iommu ]; then
	case $(uname -r) in
	[0-5].* | 6.[01].* | 6.[01]) echo "RESULT $prog example skip kernel $(uname -r) has no iommufd (/dev/iommu absent)"; exit 0 ;;
	esac
	echo "RESULT $prog example fail /dev/iommu is absent on $(uname -r)"
	exit 1
fi
out=/tmp/nested-vmm.out
/usr/bin/nested-vmm >"$out" 2>&1
rc=$?
cat "$out"
if [ "$rc" != 0 ]; then
	echo "RESULT $prog example fail nested-vmm exited with status $rc"
	exit 1
fi
if grep -q '^nested-vmm: done' "$out"; then
	echo "RESULT $prog example pass nest parent, nested HWPTs, replace and invalidation verified on the ${LIBIOMMUFD_MACHINE:-?} IOMMU"
	exit 0
fi
# A noiommu device (machine noiommu, 7.3+): no IOMMU, so no hw info; the
# library's log must say why (a noiommu device), not only EOPNOTSUPP.
if grep -q '^nested-vmm: no nesting: the device is a noiommu device' "$out"; then
	if grep -q 'GET_HW_INFO device [0-9]*: EOPNOTSUPP: the device is a noiommu device' "$out"; then
		echo "RESULT $prog example skip the device is a noiommu device: no IOMMU, nothing to nest (GET_HW_INFO: EOPNOTSUPP, explained as noiommu by the library)"
		exit 0
	fi
	echo "RESULT $prog example fail a noiommu device, but the library's log does not explain GET_HW_INFO's EOPNOTSUPP as noiommu"
	exit 1
fi
if [ "${LIBIOMMUFD_MACHINE:-}" = noiommu ] && [ -e /dev/vfio/devices/noiommu-vfio0 ]; then
	echo "RESULT $prog example fail machine noiommu with a noiommu cdev, but nested-vmm did not say the device has no IOMMU"
	exit 1
fi
reason=$(sed -n 's/^nested-vmm:   \(Intel VT-d\|AMD IOMMU\|IOMMU type\)/\1/p' "$out" | head -1)
if grep -q '^nested-vmm: no nesting' "$out" && grep -q 'EOPNOTSUPP' "$out"; then
	echo "RESULT $prog example skip the ${LIBIOMMUFD_MACHINE:-?} IOMMU cannot nest (NEST_PARENT: EOPNOTSUPP; ${reason:-no vendor record})"
	exit 0
fi
if grep -q '^nested-vmm: this IOMMU nests another way' "$out"; then
	echo "RESULT $prog example skip the ${LIBIOMMUFD_MACHINE:-?} IOMMU nests through a vIOMMU, which the example does not drive"
	exit 0
fi
echo "RESULT $prog example fail exit 0 without the done line or a no-nesting explanation"
exit 1
