#!/bin/sh
# Released symbol version nodes are frozen. For every committed list
# libiommufd/libiommufd-<version>.symbols, the node LIBIOMMUFD_<version> of
# the version script, and the symbols the built library exports at that
# version, are exactly that list: a symbol added to a released node (rather
# than to a new one) or removed from it fails here. Nodes without a list
# are unreleased and may still change; each must name the node before it
# as its parent, and no symbol may be in two nodes.
set -eu
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
sym="$srcdir/libiommufd/libiommufd.sym"
lib="$builddir/libiommufd/.libs/libiommufd.so"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The version script as "node symbol" lines, and "node parent" lines.
awk '
	/^[[:space:]]*#/ { next }
	/^[A-Za-z0-9_.]+[[:space:]]*\{/ { node = $1; sub(/\{.*/, "", node); next }
	/^[[:space:]]*(global|local):/ { next }
	/^\}/ {
		parent = $0; sub(/^\}[[:space:]]*/, "", parent); sub(/;.*/, "", parent)
		print node, (parent == "" ? "-" : parent) > "'"$tmp"'/parents"
		node = ""; next
	}
	node != "" {
		s = $1; sub(/;$/, "", s)
		if (s != "*" && s != "") print node, s
	}
' "$sym" > "$tmp/script"

rc=0
nodes=$(cut -d' ' -f1 "$tmp/parents")
[ -n "$nodes" ] || { echo "FAIL: no version node in $sym"; exit 1; }

# A symbol in two nodes would bind to whichever the linker picks.
dups=$(cut -d' ' -f2 "$tmp/script" | sort | uniq -d)
if [ -n "$dups" ]; then
	echo "FAIL: symbols in more than one node of $sym: $dups"
	rc=1
fi

# Nodes are LIBIOMMUFD_<major>.<minor>, each inheriting from the one before.
prev=-
for n in $nodes; do
	case $n in
	LIBIOMMUFD_[0-9]*.[0-9]*) ;;
	*) echo "FAIL: node $n is not named LIBIOMMUFD_<major>.<minor>"; rc=1 ;;
	esac
	parent=$(awk -v n="$n" '$1 == n { print $2 }' "$tmp/parents")
	if [ "$parent" != "$prev" ]; then
		echo "FAIL: node $n has parent '$parent', expected '$prev' (the node before it)"
		rc=1
	fi
	prev=$n
done

# The library's exports by node (when the shared library was built).
if [ -f "$lib" ]; then
	${NM:-nm} -D --defined-only "$lib" | awk '$3 ~ /@@?LIBIOMMUFD_/ {
		split($3, p, "@+"); v = $3; sub(/^[^@]*@+/, "", v); print v, p[1] }' |
		sort -u > "$tmp/exported"
else
	echo "no $lib (shared library disabled?): checking the version script only"
	: > "$tmp/exported"
fi

released=0
for list in "$srcdir"/libiommufd/libiommufd-*.symbols; do
	[ -f "$list" ] || continue
	ver=${list##*/libiommufd-}
	ver=${ver%.symbols}
	node=LIBIOMMUFD_$ver
	released=$((released + 1))
	grep -v '^#' "$list" | grep -v '^$' | sort -u > "$tmp/frozen"
	if ! echo "$nodes" | grep -qx "$node"; then
		echo "FAIL: released node $node is gone from $sym"
		rc=1
		continue
	fi
	awk -v n="$node" '$1 == n { print $2 }' "$tmp/script" | sort -u > "$tmp/node"
	if ! diff -u "$tmp/frozen" "$tmp/node" > "$tmp/diff"; then
		echo "FAIL: node $node of $sym differs from the released list ${list##*/}"
		echo "  (- released, + script; a new call goes into a new node, never into a released one)"
		sed -n 's/^\([-+]\)\([a-z]\)/  \1\2/p' "$tmp/diff"
		rc=1
	fi
	if [ -s "$tmp/exported" ]; then
		awk -v n="$node" '$1 == n { print $2 }' "$tmp/exported" | sort -u > "$tmp/lib"
		if ! diff -u "$tmp/frozen" "$tmp/lib" > "$tmp/diff"; then
			echo "FAIL: the library exports at $node other symbols than ${list##*/}"
			echo "  (- released, + exported)"
			sed -n 's/^\([-+]\)\([a-z]\)/  \1\2/p' "$tmp/diff"
			rc=1
		fi
	fi
	[ $rc -ne 0 ] || echo "$node: $(wc -l < "$tmp/frozen") symbols, as released"
done
# Unreleased nodes (LIBIOMMUFD_1.1 while it is being written) are not
# frozen yet, but the library must export exactly their symbols at them: a
# call defined without IOMMUFD_EXPORT, or bound to another node, fails.
for node in $nodes; do
	[ -f "$srcdir/libiommufd/libiommufd-${node#LIBIOMMUFD_}.symbols" ] && continue
	[ -s "$tmp/exported" ] || continue
	awk -v n="$node" '$1 == n { print $2 }' "$tmp/script" | sort -u > "$tmp/node"
	awk -v n="$node" '$1 == n { print $2 }' "$tmp/exported" | sort -u > "$tmp/lib"
	if ! diff -u "$tmp/node" "$tmp/lib" > "$tmp/diff"; then
		echo "FAIL: the library exports at $node other symbols than the version script lists"
		echo "  (- script, + exported)"
		sed -n 's/^\([-+]\)\([a-z]\)/  \1\2/p' "$tmp/diff"
		rc=1
	else
		echo "$node: $(wc -l < "$tmp/node") symbols, unreleased"
	fi
done
if [ "$released" -eq 0 ]; then
	echo "FAIL: no released symbol list (libiommufd/libiommufd-*.symbols)"
	rc=1
fi
exit $rc
