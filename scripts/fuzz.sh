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
# The public header includes the version header configure generates; make
# it here from configure.ac's version, so fuzzing needs no configured tree.
ver_part() { sed -n "s/^m4_define(\[libiommufd_$1\], \[\([0-9]*\)\])\$/\1/p" "$src/configure.ac"; }
major=$(ver_part major) minor=$(ver_part minor) micro=$(ver_part micro)
[ -n "$major" ] && [ -n "$minor" ] && [ -n "$micro" ] ||
	{ echo "fuzz: no version in $src/configure.ac"; exit 1; }
mkdir -p "$out/include/libiommufd"
sed -e "s/@LIBIOMMUFD_VERSION_MAJOR@/$major/" -e "s/@LIBIOMMUFD_VERSION_MINOR@/$minor/" \
	-e "s/@LIBIOMMUFD_VERSION_MICRO@/$micro/" -e "s/@PACKAGE_VERSION@/$major.$minor.$micro/" \
	"$src/include/libiommufd/version.h.in" >"$out/include/libiommufd/version.h"
cflags="-std=gnu11 -g -O1 -fno-sanitize-recover=undefined -I$out/include -I$src/include -I$src/libiommufd"
# The library once, instrumented for coverage, then each harness linked to it.
mkdir -p "$out/obj"
lib_objs=
for c in $lib_sources; do
	o="$out/obj/$(basename "$c" .c).o"
	# shellcheck disable=SC2086
	clang $cflags -fsanitize=fuzzer-no-link,address,undefined -c -o "$o" "$c"
	lib_objs="$lib_objs $o"
done
for harness in "$src"/tests/fuzz/*.c; do
	name=$(basename "$harness" .c)
	# A harness that stands in for the kernel says so: "fuzz.sh: ldflags: ...".
	ldflags=$(sed -n 's/^ \* fuzz\.sh: ldflags: //p' "$harness")
	# shellcheck disable=SC2086
	clang $cflags -fsanitize=fuzzer,address,undefined \
		-o "$out/$name" "$harness" $lib_objs -ludev $ldflags
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
