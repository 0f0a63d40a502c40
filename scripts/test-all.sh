#!/bin/sh
# Build and run every test libiommufd has, as CI does:
#  1. gcc, -Werror: build, unit tests under valgrind, ABI checks, the
#     real-kernel VM tier (tests/vm/check.sh), docs with warnings as errors;
#  2. clang, -Werror: build and the host tests again;
#  3. libFuzzer (ASan + UBSan) on the decoders and builders;
#  4. install into a staging root and build the examples against the
#     installed library through pkg-config;
#  5. builds without libudev: glibc (fully static link) and musl-gcc
#     (scripts/portability.sh);
#  6. the Debian packages: build, lintian, install (scripts/deb-check.sh);
#  7. make distcheck.
# Build trees go to $LIBIOMMUFD_BUILD (default: ./build), out of the source.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
build=${LIBIOMMUFD_BUILD:-$src/build}
jobs=$(nproc)
start=$(date +%s)

step() { printf '\n==== [%ss] %s\n' "$(($(date +%s) - start))" "$*"; }
# On failure, show the logs of the tests that failed.
show_failed_logs() {
	for f in $(find "$1" -name '*.trs' 2>/dev/null); do
		if grep -q '^:test-result: \(FAIL\|ERROR\)' "$f"; then
			echo "---- ${f%.trs}.log"
			cat "${f%.trs}.log"
		fi
	done
}
check_in() {
	dir=$1
	shift
	if ! make -C "$dir" -j"$jobs" "$@" check; then
		show_failed_logs "$dir"
		exit 1
	fi
}

cd "$src"
step "autogen"
./autogen.sh

step "gcc build, unit tests, VM tier"
mkdir -p "$build/gcc"
(cd "$build/gcc" && "$src/configure" -q --enable-werror CC=gcc CXX=g++)
make -C "$build/gcc" -j"$jobs"
check_in "$build/gcc"
make -C "$build/gcc" doc

step "clang build and host tests"
mkdir -p "$build/clang"
# DWARF 4: Debian 12's valgrind (3.19) cannot read all of clang 14's default
# DWARF 5 and gives up on some test binaries ("possibly corrupted debuginfo").
(cd "$build/clang" && "$src/configure" -q --enable-werror CC=clang CXX=clang++ \
	CFLAGS="-g -gdwarf-4 -O2" CXXFLAGS="-g -gdwarf-4 -O2")
make -C "$build/clang" -j"$jobs"
LIBIOMMUFD_VM_TESTS=0 check_in "$build/clang"

step "fuzz the decoders and builders (libFuzzer, ASan, UBSan)"
LIBIOMMUFD_FUZZ_SECONDS=${LIBIOMMUFD_FUZZ_SECONDS:-30} LIBIOMMUFD_BUILD="$build" \
	"$src/scripts/fuzz.sh"

step "install, then build the examples against the installed library"
stage="$build/stage"
rm -rf "$stage"
make -C "$build/gcc" install DESTDIR="$stage" >/dev/null
pcdir=$(dirname "$(find "$stage" -name libiommufd.pc)")
export PKG_CONFIG_PATH="$pcdir" PKG_CONFIG_SYSROOT_DIR="$stage"
for ex in "$src"/examples/*.c; do
	out="$build/stage/$(basename "$ex" .c)"
	# shellcheck disable=SC2046
	gcc -std=gnu11 -Wall -Wextra -Werror -o "$out" "$ex" $(pkg-config --cflags --libs libiommufd)
	echo "built $(basename "$out") with: pkg-config --cflags --libs libiommufd"
done
LD_LIBRARY_PATH="$(dirname "$(find "$stage" -name 'libiommufd.so.1')")" \
	"$build/stage/iommufd-info"

step "portability: without libudev (glibc, fully static link) and musl-gcc"
LIBIOMMUFD_BUILD="$build" "$src/scripts/portability.sh"

step "Debian packages: build, symbols, lintian, file lists, install, pkg-config consumer"
LIBIOMMUFD_BUILD="$build" "$src/scripts/deb-check.sh"

step "make distcheck (the VM tier already ran on these sources above)"
LIBIOMMUFD_VM_TESTS=0 make -C "$build/gcc" -j"$jobs" distcheck \
	DISTCHECK_CONFIGURE_FLAGS="--enable-werror"

step "all tests passed"
