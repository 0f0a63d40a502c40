#!/bin/sh
# The VM tier's results as TAP (version 13), so that standard tools (prove,
# CI result parsers) read them: run.sh writes <out>/<kernel>-<machine>.tap
# with it for every pair it boots.
#
# Usage: tap.sh LOG [FINDINGS]
#   LOG       a pair's console log: the programs' "RESULT <prog> <test> pass|fail|skip
#             [reason]" lines become one test point each, in order
#             (pass: ok; fail: not ok, the reason as its description's tail;
#             skip: ok with a SKIP directive and the reason)
#   FINDINGS  run.sh's findings for the pair ("KERNEL <line>", "ERR <what>"): each is
#             one more "not ok" (a kernel oops, a missing PLAN or EXIT, a hang...)
# The plan comes last ("1..N"), as the number of points is known only then.
set -eu

[ $# -ge 1 ] && [ $# -le 2 ] || { echo "usage: tap.sh LOG [FINDINGS]" >&2; exit 2; }
findings=${2:-/dev/null}
tr '\r' '\n' <"$1" | awk -v findings="$findings" '
	# A description may not hold "#": it would start a directive.
	function esc(s) { gsub(/#/, "\\#", s); return s }
	BEGIN { print "TAP version 13" }
	$1 == "VM-BEGIN" { sub(/^VM-BEGIN +/, ""); print "# " $0 }
	$1 == "RESULT" && NF >= 4 {
		r = $0; sub(/^RESULT +[^ ]+ +[^ ]+ +[^ ]+ */, "", r)
		name = esc($2 " " $3)
		if ($4 == "pass") print "ok " ++n " - " name
		else if ($4 == "skip") print "ok " ++n " - " name " # SKIP " esc(r)
		else print "not ok " ++n " - " name (r != "" ? ": " esc(r) : "")
	}
	END {
		while ((getline line < findings) > 0) {
			if (line ~ /^(KERNEL|ERR) /) print "not ok " ++n " - " esc(line)
		}
		print "1.." n + 0
	}'
