#!/bin/sh
# Install everything libiommufd's build, tests, docs and test VM need on a
# Debian 12 machine. Idempotent: packages already installed are skipped.
# The last two lines are tests/qemu/build.sh's (QEMU from Debian unstable's source;
# its meson >= 1.5 comes from unstable's .deb, unpacked by the script, as Debian 12 has
# 1.0.1).
set -eu

PACKAGES="
	autoconf automake libtool pkg-config make gcc g++ clang libclang-rt-14-dev
	libudev-dev libcmocka-dev doxygen valgrind abigail-tools
	python3 mandoc musl-tools debhelper lintian fakeroot
	qemu-system-x86 busybox-static cpio xz-utils file
	build-essential flex bison bc libelf-dev libssl-dev linux-source-6.12
	dpkg-dev patch debian-archive-keyring ca-certificates ninja-build python3-venv
	python3-setuptools libglib2.0-dev seabios strace
"

missing=""
for p in $PACKAGES; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -z "$missing" ]; then
	echo "setup-debian: all packages present"
	exit 0
fi

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "setup-debian: installing:$missing"
$SUDO apt-get update -q
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends $missing
