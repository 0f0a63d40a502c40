#!/bin/sh
# Runs tools/lsiommufd (/usr/bin/lsiommufd) inside the test VM, prints
# what it says (so every console log of the matrix carries its report) and
# checks its key lines for this kernel and machine, in the console protocol
# of tests/vm/README.md (one RESULT). The tool stays a plain program a
# user can paste into a bug report; this wrapper knows what it must say:
#
#   every kernel with iommufd   the kernel command verdicts; 6.12 lacks
#                               map_file/viommu/change_process/veventq/
#                               hw_queue ("kernel lacks it"), 7.x has them
#   mock (lsiommufd --mock)     the selftest mock device and its features:
#                               nest_parent and dirty_tracking supported,
#                               viommu_selftest supported on 7.x
#   vtd / amd / virtio          edu (1234:11e8) with its IOMMU; nest_parent
#                               and dirty_tracking "IOMMU/driver cannot"
#   noiommu (7.3+)              edu as a noiommu device (noiommu-vfioN):
#                               "iommu: none", the library's noiommu
#                               explanation, no hw info, no verdicts;
#                               before 7.3 no VFIO device at all
#   a kernel without iommufd    the one line that says so (Debian's 6.1)
#
# and its options: --json (printed between "JSON-BEGIN lsiommufd <what>" and
# "JSON-END lsiommufd" lines, which tests/vm/check.sh feeds to python3's
# JSON parser on the host: tests/lsiommufd-json.py), --feature (only the
# verdicts asked for) and --device (the edu device by its PCI address; an
# address that names nothing makes the report incomplete: exit 1).
#
# Installed by tests/vm/check.sh (and examples/run-in-vm.sh) as /tests/lsiommufd.
prog=${0##*/}
machine=${LIBIOMMUFD_MACHINE:-unknown}
echo "PLAN $prog 1"
out=/tmp/lsiommufd.out
if [ "$machine" = mock ]; then
	/usr/bin/lsiommufd --mock >"$out" 2>&1
else
	/usr/bin/lsiommufd >"$out" 2>&1
fi
rc=$?
cat "$out"
cp "$out" /tmp/lsiommufd.full

missing=""
checked=0
# need REGEX DESCRIPTION: the output must have a line matching REGEX (grep -E).
need() {
	checked=$((checked + 1))
	grep -Eq -- "$1" "$out" || missing="$missing; $2"
}

if [ ! -e /dev/iommu ]; then
	case $(uname -r) in
	[0-5].* | 6.[01].* | 6.[01])
		need '^/dev/iommu: .*this kernel has no iommufd' "the no-iommufd line"
		;;
	*)
		echo "RESULT $prog example fail /dev/iommu is absent on $(uname -r)"
		exit 1
		;;
	esac
else
	kernel=$(uname -r)
	# Which of the six newer commands to expect: none up to 6.12, all on 7.x
	# (they came with 6.13 to 6.17); other kernels: not checked.
	case $kernel in
	6.[2-9].* | 6.1[0-2].*) new=no ;;
	[7-9].*) new=yes ;;
	*) new=unknown ;;
	esac
	need "^lsiommufd: kernel Linux $kernel" "the kernel line"
	need '^  kernel commands:' "the kernel commands heading"
	for c in hwpt_alloc hw_info dirty_tracking invalidate fault_queue vfio_compat options ioas_copy; do
		need "^    $c +supported\$" "$c supported"
	done
	for c in map_file viommu vdevice change_process veventq hw_queue; do
		case $new in
		yes) need "^    $c +supported\$" "$c supported" ;;
		no) need "^    $c +kernel lacks it \(" "$c kernel lacks it" ;;
		esac
	done
	case $machine in
	mock)
		need '^selftest mock device:' "the mock device section"
		need '^    iommu: iommufd selftest mock \(type 0xfeedbeef\)' "the mock IOMMU type"
		need '^      nest_parent +supported$' "nest_parent supported"
		need '^      nesting +supported$' "nesting supported"
		need '^      dirty_tracking +supported$' "dirty_tracking supported"
		case $new in
		yes) need '^      viommu_selftest +supported$' "viommu_selftest supported" ;;
		no) need '^      viommu_selftest +kernel lacks it \(' "viommu_selftest kernel lacks it" ;;
		esac
		;;
	vtd | amd | virtio)
		need '^VFIO devices: 1$' "one VFIO device"
		need '\[1234:11e8\]' "edu's IDs"
		case $machine in
		vtd) need '^    iommu: Intel VT-d \(type 0x1\)' "the VT-d IOMMU" ;;
		amd)
			case $new in
			yes) need '^    iommu: AMD IOMMU \(type 0x4\)' "the AMD IOMMU" ;;
			no) need '^    iommu: none \(type 0\)' "no hw info type (6.12 AMD)" ;;
			esac
			;;
		virtio) need '^    iommu: none \(type 0\)' "no hw info type (virtio-iommu)" ;;
		esac
		need '^      nest_parent +IOMMU/driver cannot \(' "nest_parent IOMMU/driver cannot"
		need '^      dirty_tracking +IOMMU/driver cannot \(' "dirty_tracking IOMMU/driver cannot"
		need '^      pasid +IOMMU/driver cannot \(' "pasid IOMMU/driver cannot"
		;;
	noiommu)
		case $kernel in
		6.* | 7.[0-2] | 7.[0-2].*) need '^VFIO devices: 0$' "no VFIO cdev (noiommu cdevs: 7.3+)" ;;
		*)
			need '^VFIO devices: 1$' "one VFIO device"
			need '^  [0-9a-f:.]+: /dev/vfio/devices/noiommu-vfio[0-9]+ \[1234:11e8\]' \
				"edu's noiommu cdev"
			need '^    iommu: none: a noiommu device, .*GET_HW_INFO device [0-9]+: EOPNOTSUPP: the device is a noiommu device' \
				"iommu none, explained as noiommu"
			checked=$((checked + 1))
			! grep -Eq '^    (hw info|features|probe|bind)' "$out" ||
				missing="$missing; hw info, verdicts or a failure for the noiommu device"
			;;
		esac
		;;
	*)
		echo "RESULT $prog example fail unknown machine '$machine'"
		exit 1
		;;
	esac
fi

# The options. mockopt: the mock machine's device comes with --mock.
mockopt=""
[ "$machine" = mock ] && mockopt=--mock
# json WHAT ARGS...: a JSON report, printed for the host's parser.
json() {
	what=$1
	shift
	echo "JSON-BEGIN lsiommufd $what"
	/usr/bin/lsiommufd --json "$@" 2>&1
	status=$?
	echo "JSON-END lsiommufd"
	return $status
}
json "$(uname -r)/$machine full" $mockopt ||
	{ checked=$((checked + 1)); missing="$missing; --json exited non-zero"; }
if [ -e /dev/iommu ]; then
	/usr/bin/lsiommufd --feature hwpt_alloc --feature nest_parent $mockopt >"$out" 2>&1
	need '^    hwpt_alloc +supported$' "--feature hwpt_alloc kept"
	checked=$((checked + 1))
	! grep -Eq '^ +(ioas_copy|dirty_tracking|pasid) ' "$out" ||
		missing="$missing; --feature left other verdicts in"
	json "$(uname -r)/$machine --feature" --feature hwpt_alloc --feature nest_parent $mockopt
	/usr/bin/lsiommufd --device 0000:ff:1f.7 >"$out" 2>&1
	st=$?
	checked=$((checked + 1))
	[ $st = 1 ] || missing="$missing; --device of nothing exited $st, not 1"
	need '^VFIO devices: 0$' "--device of nothing lists none"
	# The noiommu machine has edu as a VFIO device from 7.3 only.
	edu=$machine
	grep -q '\[1234:11e8\]' /tmp/lsiommufd.full || edu=none
	case $edu in
	vtd | amd | virtio | noiommu)
		addr=$(sed -n 's/^  \([0-9a-f:.]*\): .*\[1234:11e8\].*/\1/p' /tmp/lsiommufd.full)
		/usr/bin/lsiommufd --device "${addr:-none}" >"$out" 2>&1
		st=$?
		checked=$((checked + 1))
		[ $st = 0 ] || missing="$missing; --device $addr exited $st"
		need '^VFIO devices: 1$' "--device $addr lists it"
		json "$(uname -r)/$machine --device" --device "${addr:-none}"
		;;
	esac
fi

if [ "$rc" != 0 ]; then
	echo "RESULT $prog example fail lsiommufd exited with status $rc${missing}"
	exit 1
fi
if [ -n "$missing" ]; then
	echo "RESULT $prog example fail missing from the report${missing}"
	exit 1
fi
echo "RESULT $prog example pass $checked key lines of the report checked on $(uname -r)/$machine"
exit 0
