#!/bin/sh
# Every public symbol's doc comment in the public headers says since which
# release it exists (@since): a new call or type without one fails here.
# And every exported function's @since names the version node of the
# version script it is in (LIBIOMMUFD_1.1 -> "@since 1.1"): a new call
# documented as older than its node, or put in an older node, fails.
set -eu
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
sh "$srcdir/scripts/doc-since.sh" --check "$srcdir/include/libiommufd.h" \
	"$srcdir/include/libiommufd/vendor.h" "$srcdir/include/libiommufd/version.h.in"
echo "every public doc comment has @since"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# "symbol version" from the version script.
awk '
	/^[[:space:]]*#/ { next }
	/^[A-Za-z0-9_.]+[[:space:]]*\{/ { node = $1; sub(/\{.*/, "", node); next }
	/^[[:space:]]*(global|local):/ { next }
	/^\}/ { node = ""; next }
	node != "" {
		s = $1; sub(/;$/, "", s); v = node; sub(/^LIBIOMMUFD_/, "", v)
		if (s != "*" && s != "") print s, v
	}
' "$srcdir/libiommufd/libiommufd.sym" | sort > "$tmp/nodes"
# "function since" from the headers: the @since of the doc comment right
# before a declaration, for the first iommufd_ name followed by "(".
awk '
	/^\/\*\*/ { indoc = 1; since = "" }
	indoc && /@since/ { s = $0; sub(/.*@since[[:space:]]*/, "", s); sub(/[[:space:]].*/, "", s); since = s }
	indoc && /\*\// { indoc = 0; want = (since != ""); next }
	indoc { next }
	want && match($0, /iommufd_[a-z0-9_]+\(/) {
		name = substr($0, RSTART, RLENGTH - 1)
		print name, since
		want = 0
		next
	}
	want && /;/ { want = 0 }
' "$srcdir/include/libiommufd.h" "$srcdir/include/libiommufd/vendor.h" | sort > "$tmp/docs"
rc=0
while read -r sym ver; do
	doc=$(awk -v s="$sym" '$1 == s { print $2; exit }' "$tmp/docs")
	if [ -z "$doc" ]; then
		echo "FAIL: $sym (node $ver) has no documented declaration with @since"
		rc=1
	elif [ "$doc" != "$ver" ]; then
		echo "FAIL: $sym is in node LIBIOMMUFD_$ver but documented @since $doc"
		rc=1
	fi
done < "$tmp/nodes"
[ $rc -ne 0 ] || echo "every exported function's @since matches its version node ($(wc -l < "$tmp/nodes") symbols)"
exit $rc
