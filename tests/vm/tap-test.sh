#!/bin/sh
# tests/vm/tap.sh on a made-up console log: every RESULT becomes its test
# point (pass, fail with its reason, skip as a SKIP directive), run.sh's
# findings become "not ok", a "#" in a reason cannot start a directive,
# and prove (when installed) reads the result: it fails this log, and
# passes one whose points all pass.
set -eu
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/../.." && pwd)}
tap=$srcdir/tests/vm/tap.sh
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

printf 'SeaBIOS\r\nVM-BEGIN kernel=7.3.4 machine=mock\r\nRUN vm-a\nPLAN vm-a 3\r\n%s\n%s\n%s\nEXIT vm-a 1\nVM-END\n' \
	'RESULT vm-a one pass' 'RESULT vm-a two fail value #3, not 4' \
	'RESULT vm-a three skip the kernel lacks it' >"$tmp/log"
printf 'CELL 1/1/1 0\nKERNEL WARNING: at somewhere\nERR vm-b: no PLAN\nFAIL vm-a two\n' >"$tmp/findings"
cat >"$tmp/want" <<'TAP'
TAP version 13
# kernel=7.3.4 machine=mock
ok 1 - vm-a one
not ok 2 - vm-a two: value \#3, not 4
ok 3 - vm-a three # SKIP the kernel lacks it
not ok 4 - KERNEL WARNING: at somewhere
not ok 5 - ERR vm-b: no PLAN
1..5
TAP
sh "$tap" "$tmp/log" "$tmp/findings" >"$tmp/got"
diff -u "$tmp/want" "$tmp/got"

# No findings, no RESULT: an empty plan, which TAP readers take as a skip.
printf 'VM-BEGIN kernel=6.12 machine=vtd\n' >"$tmp/empty"
[ "$(sh "$tap" "$tmp/empty" | tail -1)" = "1..0" ]

if command -v prove >/dev/null 2>&1; then
	if prove -e cat "$tmp/got" >/dev/null 2>&1; then
		echo "FAIL: prove passed a TAP stream with failures"
		exit 1
	fi
	printf 'VM-BEGIN kernel=7.3.4 machine=amd\nRESULT vm-a one pass\nRESULT vm-a two skip no\n' >"$tmp/ok"
	sh "$tap" "$tmp/ok" >"$tmp/ok.tap"
	prove -e cat "$tmp/ok.tap"
fi
echo "tap.sh: ok"
