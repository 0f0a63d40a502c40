#!/bin/sh
# The man pages: every function the library exports (libiommufd.sym) has a
# page (generated from the public headers by docs/man/gen-pages.py), every
# page's NAME line is what lexgrog (man-db's whatis parser) reads, and
# `mandoc -T lint` finds nothing at warning level or above, in these and
# in the written pages, lsiommufd(1) and libiommufd(3) (configured from
# docs/man/*.in).
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
sym=$srcdir/libiommufd/libiommufd.sym
gen=$builddir/docs/man
written="$builddir/docs/man/lsiommufd.1 $builddir/docs/man/libiommufd.3"
rc=0

[ -f "$gen/pages.list" ] || { echo "FAIL: no $gen/pages.list (make has not generated the pages)"; exit 1; }
exports=$(sed -n 's/^[[:space:]]*\(iommufd_[a-z0-9_]*\);$/\1/p' "$sym" | sort -u)
nexports=$(echo "$exports" | wc -l)
missing=0
for f in $exports; do
	if [ ! -f "$gen/$f.3" ] || ! grep -qx "$f.3" "$gen/pages.list"; then
		echo "FAIL: $f is exported (libiommufd.sym) but has no man page"
		missing=$((missing + 1))
	fi
done
[ "$missing" = 0 ] || rc=1
npages=$(wc -l <"$gen/pages.list")
echo "man pages: $npages function pages for $nexports exported functions, plus lsiommufd(1) and libiommufd(3)"

lexgrog=${LEXGROG:-$(command -v lexgrog)}
if [ -n "$lexgrog" ]; then
	for p in $(sed "s|^|$gen/|" "$gen/pages.list") $written; do
		name=$(basename "$p" | sed 's/\.[0-9]$//')
		"$lexgrog" "$p" | grep -q ": \"$name - ." ||
			{ echo "FAIL: lexgrog cannot read the NAME of $p: $("$lexgrog" "$p")"; rc=1; }
	done
fi
mandoc=${MANDOC:-$(command -v mandoc)}
if [ -z "$mandoc" ]; then
	[ $rc = 0 ] || exit $rc
	echo "SKIP: mandoc is not installed (Debian: apt-get install mandoc): pages not linted"
	exit 77
fi
# shellcheck disable=SC2046
if ! "$mandoc" -T lint -W warning $(sed "s|^|$gen/|" "$gen/pages.list") $written; then
	echo "FAIL: mandoc -T lint reports warnings or errors"
	rc=1
else
	echo "mandoc -T lint -W warning: clean ($((npages + 2)) pages)"
fi
exit $rc
