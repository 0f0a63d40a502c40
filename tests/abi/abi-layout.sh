#!/bin/sh
# The frozen ABI's layouts, member by member (tests/abi/abi-layout.py): the
# built library's structs against the committed baseline. abi-baseline.sh
# fails only on what abidiff calls incompatible; this fails on any move,
# resize or retype of an existing member, and lets a size_t-sz struct grow
# only at its end. The checker first proves on the baseline that it catches
# a moved member and a grown struct.
set -u
lib="$top_builddir/libiommufd/.libs/libiommufd.so"
base="$top_srcdir/libiommufd/libiommufd.abi"
py="$top_srcdir/tests/abi/abi-layout.py"
[ -n "${ABIDW:-}" ] || { echo "abidw not found (abigail-tools): skipped"; exit 77; }
command -v python3 >/dev/null 2>&1 || { echo "python3 not found: skipped"; exit 77; }
[ -f "$lib" ] || { echo "no $lib: skipped"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
python3 "$py" --self-test "$base" || exit 1
"$ABIDW" --no-corpus-path --headers-dir "$top_srcdir/include" --out-file "$tmp/current.abi" \
	"$lib" || { echo "FAIL: abidw"; exit 1; }
python3 "$py" "$base" "$tmp/current.abi"
