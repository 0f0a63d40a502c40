#!/bin/sh
# lsiommufd's command line on this machine: --help, --version, the exit
# status of bad usage, the filters' checks, and --json parsed by python3's
# JSON parser (tests/lsiommufd-json.py, which also checks the documented
# keys). A machine without /dev/iommu gives the short report; the full one
# (devices, features, filters) is checked in the VM (tests/vm/lsiommufd-result.sh,
# whose JSON tests/vm/check.sh feeds to the same checker).
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
ls=$builddir/tools/lsiommufd
check=$srcdir/tests/lsiommufd-json.py
command -v python3 >/dev/null || { echo "SKIP: no python3 for the JSON parser"; exit 77; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fails=0
n=0
# expect STATUS DESCRIPTION COMMAND...: the command exits STATUS.
expect() {
	want=$1 what=$2
	shift 2
	n=$((n + 1))
	"$@" >"$tmp/out" 2>"$tmp/err"
	got=$?
	if [ "$got" != "$want" ]; then
		echo "FAIL: $what: exit $got, not $want"
		cat "$tmp/out" "$tmp/err"
		fails=$((fails + 1))
		return 1
	fi
	return 0
}
# has REGEX FILE DESCRIPTION
has() {
	n=$((n + 1))
	grep -Eq -- "$1" "$2" || { echo "FAIL: $3: no line matches '$1'"; cat "$2"; fails=$((fails + 1)); }
}

version=$(sed -n 's/^#define PACKAGE_VERSION "\(.*\)"$/\1/p' "$builddir/config.h")
expect 0 "--help" "$ls" --help && has '^Usage: lsiommufd ' "$tmp/out" "--help" &&
	has '[-]-json' "$tmp/out" "--help names --json" && has '^Exit status' "$tmp/out" "--help"
expect 0 "-h" "$ls" -h
expect 0 "--version" "$ls" --version && has "^lsiommufd \(libiommufd\) $version, library $version\$" "$tmp/out" "--version"
expect 0 "--list-features" "$ls" --list-features &&
	has '^nest_parent \(device\)$' "$tmp/out" "--list-features" &&
	has '^hwpt_alloc \(kernel command\)$' "$tmp/out" "--list-features"
expect 2 "an unknown option" "$ls" --bogus && has '^Usage:' "$tmp/err" "usage on stderr"
expect 2 "an operand" "$ls" extra
expect 2 "an unknown feature" "$ls" --feature no_such_thing &&
	has "unknown feature 'no_such_thing'" "$tmp/err" "the unknown feature named"
expect 2 "--device without its argument" "$ls" --device

# The report: human and JSON, with and without filters. Without /dev/iommu
# the report is complete (exit 0) and says so; with one, a --device that
# names nothing makes it incomplete (exit 1).
if [ -e /dev/iommu ]; then nodev=1; else nodev=0; fi
expect 0 "--json" "$ls" --json && cp "$tmp/out" "$tmp/plain.json"
"$ls" --json --feature nest_parent --feature hwpt_alloc >"$tmp/filtered.json"
expect "$nodev" "--device of nothing" "$ls" --json --device 0000:ff:1f.7 && cp "$tmp/out" "$tmp/nodev.json"
expect 0 "the human report" "$ls" && has '^lsiommufd: kernel ' "$tmp/out" "the kernel line" &&
	has "^libiommufd: $version\$" "$tmp/out" "the library line"
if [ $nodev = 0 ]; then
	has '^/dev/iommu: .*this kernel has no iommufd' "$tmp/out" "the no-iommufd line"
fi
n=$((n + 1))
if ! python3 "$check" "$tmp/plain.json" "$tmp/filtered.json" "$tmp/nodev.json"; then
	echo "FAIL: lsiommufd --json is not a valid report"
	fails=$((fails + 1))
fi
# The checker itself rejects what it must (so its "valid" means something).
n=$((n + 1))
printf '{"lsiommufd": 1, "libiommufd": "1.0.0"' >"$tmp/bad1.json"
sed 's/"available": [a-z]*/"available": "no"/' "$tmp/plain.json" >"$tmp/bad2.json"
sed 's/"lsiommufd": 1/"lsiommufd": 2/' "$tmp/plain.json" >"$tmp/bad3.json"
for bad in bad1 bad2 bad3; do
	if python3 "$check" "$tmp/$bad.json" >/dev/null; then
		echo "FAIL: the checker accepted $bad.json"; cat "$tmp/$bad.json"
		fails=$((fails + 1))
	fi
done
echo "lsiommufd: $n checks, $fails failed"
[ "$fails" = 0 ]
