#!/bin/sh
# Every public doc comment of the public headers lies inside a Doxygen
# group (@defgroup NAME ... @{ ... @}), so the generated docs file each
# declaration under its topic: a call added outside the groups, a group
# left open or one opened inside another fails here.
set -eu
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
rc=0
for f in "$srcdir/include/libiommufd.h" "$srcdir/include/libiommufd/vendor.h"; do
	awk -v file="${f#"$srcdir"/}" '
	function fail(msg) { printf "FAIL: %s:%d: %s\n", file, NR, msg; bad = 1 }
	# A top-level doc comment: its first line and whole text.
	inblock {
		if (line1 == "/**") line1 = $0
		block = block "\n" $0
		if ($0 ~ /\*\//) { inblock = 0; judge() }
		next
	}
	/^\/\*\*/ { start = NR; line1 = $0; block = $0; if ($0 ~ /\*\//) judge(); else inblock = 1; next }
	function judge() {
		if (block ~ /@file/)
			return
		if (block ~ /@defgroup/) {
			if (block !~ /@\{/) { fail("@defgroup without @{"); return }
			if (group != "") fail("group opened inside group " group)
			group = block; sub(/.*@defgroup[ ]+/, "", group); sub(/[ \n].*/, "", group)
			groups++
			return
		}
		if (block ~ /@\}/) {
			if (group == "") fail("@} without an open group")
			group = ""
			return
		}
		if (group == "") {
			printf "FAIL: %s:%d: outside every group: %s\n", file, start, line1
			bad = 1
		}
	}
	END {
		if (group != "") fail("group " group " is not closed")
		if (!groups) fail("no group")
		if (bad) exit 1
		printf "%s: %d groups, every doc comment in one\n", file, groups
	}
	' "$f" || rc=1
done
exit $rc
