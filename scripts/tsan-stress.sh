#!/bin/sh
# The thread stress (tests/stress/stress-threads.c) on the model kernel,
# built with ThreadSanitizer: $LIBIOMMUFD_TSAN_THREADS threads (default 8)
# x $LIBIOMMUFD_TSAN_ROUNDS rounds (default 400). A data race, a failed
# check or a leak of a kernel object fails the run; TSan's report is in
# $out/tsan.log.
set -eu
src=$(cd "$(dirname "$0")/.." && pwd)
out=${LIBIOMMUFD_TSAN_OUT:-${LIBIOMMUFD_BUILD:-$src/build}/tsan}
threads=${LIBIOMMUFD_TSAN_THREADS:-8}
rounds=${LIBIOMMUFD_TSAN_ROUNDS:-400}
mkdir -p "$out/include/libiommufd"
# The generated version header, from configure.ac's version (as scripts/fuzz.sh).
ver_part() { sed -n "s/^m4_define(\[libiommufd_$1\], \[\([0-9]*\)\])\$/\1/p" "$src/configure.ac"; }
major=$(ver_part major) minor=$(ver_part minor) micro=$(ver_part micro)
sed -e "s/@LIBIOMMUFD_VERSION_MAJOR@/$major/" -e "s/@LIBIOMMUFD_VERSION_MINOR@/$minor/" \
	-e "s/@LIBIOMMUFD_VERSION_MICRO@/$micro/" -e "s/@PACKAGE_VERSION@/$major.$minor.$micro/" \
	"$src/include/libiommufd/version.h.in" >"$out/include/libiommufd/version.h"
# shellcheck disable=SC2046
clang -std=gnu11 -g -O1 -fsanitize=thread -pthread -DSTRESS_MODEL \
	-I"$out/include" -I"$src/include" -I"$src/libiommufd" -I"$src/tests/unit" \
	-o "$out/stress-tsan" "$src/tests/stress/stress-threads.c" "$src/tests/stress/model-wrap.c" \
	"$src/tests/unit/model-kernel.c" $(ls "$src"/libiommufd/*.c) -Wl,--wrap=ioctl -ludev
echo "tsan: $threads threads x $rounds rounds"
# TSan maps its shadow at fixed addresses, which some kernels' ASLR layouts
# collide with ("unexpected memory mapping"): run without ASLR.
if ! TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1" \
	setarch "$(uname -m)" -R "$out/stress-tsan" -t "$threads" -r "$rounds" >"$out/tsan.log" 2>&1; then
	cat "$out/tsan.log"
	echo "tsan: FAILED (report above, also in $out/tsan.log)"
	exit 1
fi
cat "$out/tsan.log"
