#!/bin/sh
# The ABI of the built library is compatible with the committed baseline
# (abidw output): abidiff fails this test on any incompatible change, and
# reports compatible additions without failing. What abidiff calls
# compatible may still move a frozen struct's member: abi-layout.sh checks
# the layouts themselves.
set -u
lib="$top_builddir/libiommufd/.libs/libiommufd.so"
base="$top_srcdir/libiommufd/libiommufd.abi"
[ -n "${ABIDIFF:-}" ] || { echo "abidiff not found (abigail-tools): skipped"; exit 77; }
[ -f "$lib" ] || { echo "no $lib: skipped"; exit 77; }
"$ABIDIFF" --headers-dir2 "$top_srcdir/include" "$base" "$lib"
rc=$?
# abidiff's exit status is a bit field: 4 = ABI change, 8 = incompatible.
if [ $((rc & 8)) -ne 0 ] || [ $((rc & 3)) -ne 0 ]; then
	echo "FAIL: abidiff exit status $rc (incompatible ABI change or abidiff error)"
	echo "  After a release this is never fine. Before the release that takes the"
	echo "  baseline, an intended change is recorded with 'make abi-baseline' in the"
	echo "  build tree, which rewrites libiommufd/libiommufd.abi in the sources."
	exit 1
fi
[ $((rc & 4)) -ne 0 ] && echo "compatible ABI change against the baseline (run make abi-baseline when releasing)"
exit 0
