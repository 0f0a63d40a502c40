#!/bin/sh
# Builds without libudev, as CI does (a step of scripts/test-all.sh):
#  1. glibc, configure --without-libudev: the whole host test suite (unit
#     tests under valgrind included; discovery answers -EOPNOTSUPP), then
#     a program linked fully statically (-static) against the installed
#     libiommufd.a through `pkg-config --static`, and run;
#  2. musl-gcc (Debian's musl-tools), --without-libudev: the library (shared
#     and static), the examples and lsiommufd; the host tests that need
#     neither cmocka (not built for musl) nor C++ (musl-gcc has none): the
#     public header as C99/C11, the version, the exported symbols and frozen
#     nodes, the ABI baseline, @since, the man pages, lsiommufd's options
#     and JSON; then lsiommufd and an example linked fully statically, and run.
# Build trees: $LIBIOMMUFD_BUILD/{noudev,musl} (default ./build).
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${LIBIOMMUFD_BUILD:-$src/build}
jobs=$(nproc)
[ -x "$src/configure" ] || (cd "$src" && ./autogen.sh)
step() { printf '\n== portability: %s\n' "$*"; }
# check_in DIR: make check, showing the logs of failed tests.
check_in() {
	if ! LIBIOMMUFD_VM_TESTS=0 make -C "$1" -j"$jobs" check >"$1/check.out" 2>&1; then
		cat "$1/check.out"
		for f in $(find "$1" -name '*.trs'); do
			grep -q '^:test-result: \(FAIL\|ERROR\)' "$f" && cat "${f%.trs}.log"
		done
		exit 1
	fi
	grep -E '^(PASS|SKIP|FAIL|ERROR|# TOTAL|# PASS|# SKIP)' "$1/check.out"
}

step "glibc, --without-libudev"
b=$build/noudev
rm -rf "$b" && mkdir -p "$b"
(cd "$b" && "$src/configure" -q --enable-werror --without-libudev)
make -C "$b" -j"$jobs" >/dev/null
check_in "$b"
make -C "$b" install DESTDIR="$b/stage" >/dev/null
pcdir=$(dirname "$(find "$b/stage" -name libiommufd.pc)")
# shellcheck disable=SC2046
PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$b/stage \
	gcc -static -std=gnu11 -Wall -Wextra -Werror -o "$b/iommufd-info-static" \
	"$src/examples/iommufd-info.c" $(PKG_CONFIG_PATH=$pcdir PKG_CONFIG_SYSROOT_DIR=$b/stage \
		pkg-config --static --cflags --libs libiommufd)
file "$b/iommufd-info-static" | grep -q 'statically linked' ||
	{ echo "portability: $b/iommufd-info-static is not statically linked"; exit 1; }
# It runs: with or without /dev/iommu here (1 when discovery cannot list).
rc=0
"$b/iommufd-info-static" >"$b/static.out" 2>&1 || rc=$?
cat "$b/static.out"
grep -q 'built without libudev\|Not supported\|Operation not supported' "$b/static.out" ||
	[ -e /dev/iommu ] || { echo "portability: the static program did not report discovery's answer"; exit 1; }
echo "glibc --without-libudev: tests passed; static program ran (exit $rc)"

step "musl-gcc, --without-libudev"
command -v musl-gcc >/dev/null || { echo "portability: musl-gcc missing (apt-get install musl-tools)"; exit 1; }
b=$build/musl
rm -rf "$b" && mkdir -p "$b/kernel-headers"
# The kernel's uapi headers for the examples (<linux/vfio.h>); musl's
# include path has none, and the library itself needs none.
for d in linux asm-generic; do ln -s "/usr/include/$d" "$b/kernel-headers/$d"; done
ln -s "/usr/include/$(gcc -print-multiarch)/asm" "$b/kernel-headers/asm"
# PKG_CONFIG_LIBDIR: none of the host's glibc libraries (cmocka) is used.
(cd "$b" && PKG_CONFIG_LIBDIR=$b/no-pc "$src/configure" -q --enable-werror --without-libudev \
	--disable-valgrind --disable-cxx-tests CC=musl-gcc CXX=false \
	CPPFLAGS="-idirafter $b/kernel-headers") 2>&1 | grep -v 'problem compiling CXX test program' || true
grep -q '^#define HAVE_STRERRORNAME_NP' "$b/config.h" &&
	{ echo "portability: musl has strerrorname_np? the fallback table is not exercised"; exit 1; }
make -C "$b" -j"$jobs" >/dev/null
check_in "$b"
for p in tools/lsiommufd examples/iommufd-info; do
	musl-gcc -static -std=gnu11 -Wall -Wextra -Werror -I"$b/include" -I"$src/include" \
		-idirafter "$b/kernel-headers" -o "$b/$(basename $p)-static" "$src/$p.c" \
		"$b/libiommufd/.libs/libiommufd.a"
	file "$b/$(basename $p)-static" | grep -q 'statically linked' ||
		{ echo "portability: $b/$(basename $p)-static is not statically linked"; exit 1; }
done
"$b/lsiommufd-static" --version
rc=0
"$b/lsiommufd-static" --json >"$b/lsiommufd.json" || rc=$?
python3 "$src/tests/lsiommufd-json.py" "$b/lsiommufd.json"
echo "musl: library built (shared and static), host tests above passed, lsiommufd and iommufd-info linked statically and ran (lsiommufd exit $rc)"
