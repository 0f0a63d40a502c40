#!/bin/sh
# Fuzz the byte parsers and builders (tests/fuzz/*.c) with libFuzzer under
# ASan and UBSan, for $LIBIOMMUFD_FUZZ_SECONDS (default 60) each.
# A crash, a sanitizer report or a broken invariant fails the run; the
# reproducer is left in $out.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${LIBIOMMUFD_FUZZ_OUT:-${LIBIOMMUFD_BUILD:-$src/build}/fuzz}
secs=${LIBIOMMUFD_FUZZ_SECONDS:-60}
mkdir -p "$out"
lib_sources=$(ls "$src"/libiommufd/*.c)
for harness in "$src"/tests/fuzz/*.c; do
	name=$(basename "$harness" .c)
	# shellcheck disable=SC2086
	clang -std=gnu11 -g -O1 -fsanitize=fuzzer,address,undefined \
		-fno-sanitize-recover=undefined -I"$src/include" -I"$src/libiommufd" \
		-o "$out/$name" "$harness" $lib_sources -ludev
	mkdir -p "$out/$name.corpus"
	echo "fuzz: $name for ${secs}s"
	if ! (cd "$out" && "./$name" -max_total_time="$secs" -seed=1 -print_final_stats=1 \
		"$name.corpus" >"$name.log" 2>&1); then
		cat "$out/$name.log"
		echo "fuzz: $name FAILED (reproducer: $out/crash-* / leak-* / timeout-*)"
		exit 1
	fi
	grep -E '^(Done|stat::number_of_executed_units|stat::new_units_added)' "$out/$name.log"
done
