#!/bin/sh
# Every public symbol's doc comment in the public headers says since which
# release it exists (@since): a new call or type without one fails here.
set -eu
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
sh "$srcdir/scripts/doc-since.sh" --check "$srcdir/include/libiommufd.h" \
	"$srcdir/include/libiommufd/version.h.in"
echo "every public doc comment has @since"
