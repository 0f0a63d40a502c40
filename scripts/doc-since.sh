#!/bin/sh
# Give every public symbol's doc comment an "@since" line.
#
#   scripts/doc-since.sh VERSION FILE...   add "@since VERSION" where it is missing
#   scripts/doc-since.sh --check FILE...   list doc comments without @since (exit 1)
#
# A public symbol's doc comment is a "/**" comment starting in column 0 of
# the public header (functions, structs, enums, typedefs, macros, the
# handle types' @struct blocks). Members and enumerators, documented in
# indented or "/**<" comments, came with their struct or enum unless their
# own comment says otherwise. @file, @defgroup and "@}" blocks describe no
# symbol. A one-line comment becomes a block, so @since gets its own line.
# Running it twice changes nothing.
set -eu
[ $# -ge 2 ] || { echo "usage: $0 VERSION|--check FILE..." >&2; exit 2; }
mode=$1
shift
rc=0
for f in "$@"; do
	out=$(mktemp)
	awk -v mode="$mode" -v file="$f" '
	function skip(text) { return text ~ /@since|@file|@defgroup|@\}/ }
	function missing(first) {
		printf "%s:%d: no @since: %s\n", file, first, line1 > "/dev/stderr"
		bad++
	}
	inblock {
		block = block "\n" $0
		if ($0 ~ /^ \*\/$/) {
			inblock = 0
			if (skip(block)) { print block; next }
			if (mode == "--check") { missing(start); print block; next }
			sub(/\n \*\/$/, "", block)
			print block
			print " * @since " mode
			print " */"
		}
		next
	}
	/^\/\*\*.*\*\/$/ {
		if (skip($0)) { print; next }
		line1 = $0
		if (mode == "--check") { missing(NR); print; next }
		text = $0
		sub(/^\/\*\*[ ]*/, "", text)
		sub(/[ ]*\*\/$/, "", text)
		print "/**"
		print " * " text
		print " * @since " mode
		print " */"
		next
	}
	/^\/\*\*/ { inblock = 1; start = NR; line1 = $0; block = $0; next }
	{ print }
	END {
		if (inblock) { printf "%s: unterminated doc comment at line %d\n", file, start; exit 2 }
		if (bad) exit 1
	}
	' "$f" >"$out" || rc=$?
	if [ "$mode" = --check ] || [ $rc -ne 0 ]; then
		rm -f "$out"
	else
		cat "$out" >"$f"
		rm -f "$out"
	fi
done
exit $rc
