#!/bin/sh
# Print debian/libiommufd1.symbols from the version script: every symbol of
# node LIBIOMMUFD_X.Y (libiommufd/libiommufd.sym) first appeared in release
# X.Y.0, and so did the node itself. Released nodes are frozen
# (libiommufd/libiommufd-X.Y.symbols, checked by tests/abi/abi-nodes.sh), so the
# lines of a released node never change here either.
#
#   scripts/deb-symbols.sh > debian/libiommufd1.symbols
#
# scripts/deb-check.sh fails when the committed file differs from this
# output, and the package build (dh_makeshlibs -- -c4) fails when it differs
# from what the built library exports.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
sym=$src/libiommufd/libiommufd.sym
echo "libiommufd.so.1 libiommufd1 #MINVER#"
echo "* Build-Depends-Package: libiommufd-dev"
awk '
	/^[[:space:]]*#/ { next }
	/^LIBIOMMUFD_[0-9]+\.[0-9]+[[:space:]]*\{/ {
		node = $1; sub(/\{.*/, "", node)
		ver = node; sub(/^LIBIOMMUFD_/, "", ver); ver = ver ".0"
		print " " node "@" node " " ver
		next
	}
	/^[[:space:]]*(global|local):/ { next }
	/^\}/ { node = ""; next }
	node != "" {
		s = $1; sub(/;$/, "", s)
		if (s != "*" && s != "") print " " s "@" node " " ver
	}
' "$sym" | LC_ALL=C sort
