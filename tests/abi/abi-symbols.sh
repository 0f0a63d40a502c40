#!/bin/sh
# The dynamic symbols the shared library exports are exactly the ones the
# version script lists, and every one is in the iommufd_ namespace.
set -eu
lib="$top_builddir/libiommufd/.libs/libiommufd.so"
sym="$top_srcdir/libiommufd/libiommufd.sym"
[ -f "$lib" ] || { echo "no $lib (shared library disabled?)"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

${NM:-nm} -D --defined-only "$lib" | awk '$2 ~ /^[TDBRVWi]$/ { print $3 }' |
	sed 's/@.*//' | grep -v '^LIBIOMMUFD_' | sort -u > "$tmp/exported"
sed -n 's/^[[:space:]]*\(iommufd_[a-z0-9_]*\);$/\1/p' "$sym" | sort -u > "$tmp/script"

rc=0
if ! diff -u "$tmp/script" "$tmp/exported"; then
	echo "FAIL: exported symbols differ from $sym (- script, + exported)"
	rc=1
fi
if grep -v '^iommufd_' "$tmp/exported"; then
	echo "FAIL: symbols outside the iommufd_ namespace are exported"
	rc=1
fi
[ -s "$tmp/exported" ] || { echo "FAIL: nothing exported"; rc=1; }
echo "$(wc -l < "$tmp/exported") symbols exported, all in the version script"
exit $rc
