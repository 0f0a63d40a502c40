#!/bin/sh
# Build and run every test libiommufd has, as CI does:
#  1. gcc, -Werror: build, unit tests under valgrind, ABI checks (make
#     check), the real-kernel VM tier (make check-vm: tests/abi/abi-check.sh
#     and tests/vm/check.sh), docs with warnings as errors, and the
#     benchmark's table (make bench, tests/bench/README.md);
#  2. clang, -Werror: build and the host tests again;
#  3. the host tests once more, built with ASan + UBSan (valgrind off);
#  4. the thread stress under ThreadSanitizer (scripts/tsan-stress.sh);
#  5. libFuzzer (ASan + UBSan) on the decoders, builders, queue records,
#     PCI addresses and size-first structs (scripts/fuzz.sh);
#  6. install into a staging root and build the examples against the
#     installed library through pkg-config;
#  7. builds without libudev: glibc (fully static link) and musl-gcc
#     (scripts/portability.sh);
#  8. the Debian packages: build, lintian, install (scripts/deb-check.sh);
#  9. the QEMU tier: stock and patched QEMU (tests/qemu/) in the test VM,
#     against that installed library (LIBIOMMUFD_QEMU_TESTS=0 skips it);
# 10. make distcheck.
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

step "gcc build, unit tests"
mkdir -p "$build/gcc"
(cd "$build/gcc" && "$src/configure" -q --enable-werror CC=gcc CXX=g++)
make -C "$build/gcc" -j"$jobs"
check_in "$build/gcc"

step "VM tier: real kernels under QEMU (TAP per pair in $build/gcc/tests/vm/out)"
make -C "$build/gcc" -j"$jobs" check-vm
make -C "$build/gcc" doc

step "benchmark: library against raw ioctls (a report, never a pass/fail timing)"
# About a minute: callgrind on the host, then one VM at a time (mock, vtd).
make -C "$build/gcc" bench

step "clang build and host tests"
mkdir -p "$build/clang"
# DWARF 4: Debian 12's valgrind (3.19) cannot read all of clang 14's default
# DWARF 5 and gives up on some test binaries ("possibly corrupted debuginfo").
(cd "$build/clang" && "$src/configure" -q --enable-werror CC=clang CXX=clang++ \
	CFLAGS="-g -gdwarf-4 -O2" CXXFLAGS="-g -gdwarf-4 -O2")
make -C "$build/clang" -j"$jobs"
LIBIOMMUFD_VM_TESTS=0 check_in "$build/clang"

step "host tests built with ASan + UBSan (valgrind off)"
mkdir -p "$build/asan"
san="-fsanitize=address,undefined -fno-sanitize-recover=undefined"
(cd "$build/asan" && "$src/configure" -q --enable-werror --disable-valgrind \
	CFLAGS="-g -O1 -fno-omit-frame-pointer $san" CXXFLAGS="-g -O1 $san" LDFLAGS="$san")
make -C "$build/asan" -j"$jobs" >/dev/null
# Also stack use after return: a scripted reply left on a returned stack
# frame is how a test once passed by chance.
ASAN_OPTIONS=detect_stack_use_after_return=1 UBSAN_OPTIONS=print_stacktrace=1 \
	LIBIOMMUFD_VM_TESTS=0 check_in "$build/asan"

step "thread stress under ThreadSanitizer (model kernel)"
LIBIOMMUFD_BUILD="$build" "$src/scripts/tsan-stress.sh"

step "fuzz (libFuzzer, ASan, UBSan): decoders, builders, queue records, PCI addresses, struct sizes"
LIBIOMMUFD_FUZZ_SECONDS=${LIBIOMMUFD_FUZZ_SECONDS:-25} LIBIOMMUFD_BUILD="$build" \
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

# The QEMU tier (tests/qemu/README.md): QEMU built from Debian's source twice, stock and
# with contrib/qemu's series on the library installed just above; in the test VM each one
# gets edu through vfio-pci + iommufd, DMAs both ways (byte-checked), unplugs it and
# releases the iommufd, and their start-up is timed side by side (a ratio, not a verdict).
# Cold: fetch + two QEMU builds (cached outside the clone); warm: cached.
if [ "${LIBIOMMUFD_VM_TESTS:-1}" != 0 ] && [ "${LIBIOMMUFD_QEMU_TESTS:-1}" != 0 ]; then
	step "QEMU tier: build stock and patched QEMU"
	tests/qemu/build.sh
	step "QEMU tier: stock and patched QEMU with edu passthrough in the test VM"
	# The patched QEMU links the library staged above (not a copy cached with it).
	LD_LIBRARY_PATH="$(dirname "$(find "$stage" -name 'libiommufd.so.1')")" \
		LIBIOMMUFD_VM_OUT="$build/qemu-tier" \
		QEMU_EDU_ARGS="${LIBIOMMUFD_QEMU_EDU_ARGS:---runs 3 --sizes 64,256}" \
		tests/qemu/run-in-vm.sh
fi

step "make distcheck (the VM tier already ran on these sources above)"
LIBIOMMUFD_VM_TESTS=0 make -C "$build/gcc" -j"$jobs" distcheck \
	DISTCHECK_CONFIGURE_FLAGS="--enable-werror"

step "all tests passed"
