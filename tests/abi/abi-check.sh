#!/bin/sh
# ABI cross-check, run on the host: for each kernel tests/vm/kernels.sh
# provides (building it on first use), compile tests/abi/abi-check.c against
# that kernel's installed uapi headers, so that every size, offset and
# number of libiommufd/uapi.h, include/libiommufd.h (with the
# include/libiommufd/vendor.h it includes) and tests/vm/selftest.h is
# checked against the kernel's own <linux/iommufd.h> and <linux/vfio.h>,
# and against the selftest driver's iommufd_test.h taken from the kernel's
# source package. See the comment at the top of abi-check.c for the probes.
#
# Environment: top_srcdir, top_builddir, CC (set by `make check`),
#   LIBIOMMUFD_VM_TESTS=0 to skip (exit 77), LIBIOMMUFD_VM_KERNELS (kernels.sh --only).
# Exit status: 0 when every kernel agrees, 1 otherwise, 77 when skipped.
set -u

if [ "${LIBIOMMUFD_VM_TESTS:-1}" = 0 ]; then
	echo "SKIP: LIBIOMMUFD_VM_TESTS=0"
	exit 77
fi
here=$(cd "$(dirname "$0")" && pwd)
srcdir=${top_srcdir:-$(cd "$here/../.." && pwd)}
builddir=${top_builddir:-$srcdir}
CC=${CC:-cc}
src=$srcdir/tests/abi/abi-check.c
work=$builddir/tests/abi/work
mkdir -p "$work" || exit 99
# Keep the probes out of git in an in-tree build, as run.sh does for its logs.
[ -f "$work/.gitignore" ] || echo '*' >"$work/.gitignore"

if [ -n "${LIBIOMMUFD_VM_KERNELS:-}" ]; then
	klines=$(bash "$srcdir/tests/vm/kernels.sh" --only "$LIBIOMMUFD_VM_KERNELS") || exit 1
else
	klines=$(bash "$srcdir/tests/vm/kernels.sh") || exit 1
fi

# The selftest header of the kernel built in $1 (a kernels.sh cache dir), from its
# Debian source package, into $2. Returns non-zero when the sources are not at hand.
extract_selftest_header() {
	base=${1##*/}				# <package>_<version>_<fragment hash>
	pkg=${base%%_*}
	ver=${base#*_}
	ver=${ver%_*}
	member='*/drivers/iommu/iommufd/iommufd_test.h'
	if [ -f "/usr/src/$pkg.tar.xz" ] &&
		[ "$(dpkg-query -W -f='${Version}' "$pkg" 2>/dev/null)" = "$ver" ]; then
		tar -xJOf "/usr/src/$pkg.tar.xz" --wildcards "$member" >"$2.tmp" 2>/dev/null
	elif [ -f "${1%/*}/debs/${pkg}_${ver}_all.deb" ]; then
		dpkg-deb --fsys-tarfile "${1%/*}/debs/${pkg}_${ver}_all.deb" |
			tar -xO --wildcards './usr/src/linux-source-*.tar.xz' |
			tar -xJO --wildcards "$member" >"$2.tmp" 2>/dev/null
	else
		return 1
	fi
	[ -s "$2.tmp" ] && mv "$2.tmp" "$2"
}

# "6.12" from a version.h
version_of() {
	awk '/LINUX_VERSION_MAJOR/ {a=$3} /LINUX_VERSION_PATCHLEVEL/ {b=$3}
	     /LINUX_VERSION_SUBLEVEL/ {c=$3} END {print a "." b "." c}' "$1"
}

# ge A.B C.D: is A.B >= C.D?
ge() {
	[ "$(printf '%s\n%s\n' "$1" "$2" | sort -V | head -1)" = "$2" ]
}

echo "$klines" | while read -r name image headers; do
	[ -n "$name" ] || continue
	if [ "$headers" = - ]; then
		echo "abi-check $name: no iommufd uapi headers (stock kernel without iommufd): nothing to check"
		continue
	fi
	kh=$headers/include
	kver=$(version_of "$kh/linux/version.h")
	kwork=$work/$name
	mkdir -p "$kwork"
	stflags=""
	if [ -f "$kwork/iommufd_test.h" ] || extract_selftest_header "${image%/*}" "$kwork/iommufd_test.h"; then
		stflags="-I$kwork -DKHAS_SELFTEST_HEADER"
		st="selftest header from the kernel sources"
	else
		st="NO selftest header (kernel sources not found): selftest.h not cross-checked"
	fi

	# Probes (see abi-check.c): compile each alone against this kernel's headers.
	defs=""
	have=0
	total=0
	bad=""
	absent=""
	sed -n 's/^ \* PROBE //p' "$src" >"$kwork/probes"
	while read -r pname since expr; do
		total=$((total + 1))
		{
			echo '#include <stddef.h>'
			echo '#include <linux/iommufd.h>'
			echo '#include <linux/vfio.h>'
			echo '#include <linux/nsfs.h>'
			echo '#ifdef KHAS_SELFTEST_HEADER'
			echo '#include "iommufd_test.h"'
			echo '#endif'
			echo "static const unsigned long long probe_value = (unsigned long long)($expr);"
		} >"$kwork/probe.c"
		# shellcheck disable=SC2086
		if $CC -std=gnu11 -fsyntax-only -I"$kh" $stflags "$kwork/probe.c" 2>/dev/null; then
			defs="$defs -D$pname"
			have=$((have + 1))
		else
			absent="$absent ${pname#KHAS_}"
			if [ "$since" != - ] && ge "$kver" "$since"; then
				bad="$bad $pname(since $since)"
			fi
		fi
	done <"$kwork/probes"
	if [ -n "$bad" ]; then
		echo "FAIL abi-check $name ($kver): probes failed on a kernel that must have them:$bad"
		echo 1 >"$work/failed"
		continue
	fi

	# shellcheck disable=SC2086
	flags="-std=gnu11 -Wall -Wextra -Werror -I$kh -I$builddir/include -I$srcdir/include -I$srcdir/libiommufd -I$srcdir/tests/vm $stflags $defs"
	# shellcheck disable=SC2086
	if $CC $flags -fsyntax-only "$src" 2>"$kwork/errors"; then
		# shellcheck disable=SC2086
		n=$($CC $flags -E "$src" | grep -o '"abi: ' | wc -l)
		echo "PASS abi-check $name ($kver): $n checks agree; $have of $total probed features present; $st"
		[ -z "$absent" ] || echo "    not in this kernel (their checks skipped):$absent"
	else
		echo "FAIL abi-check $name ($kver): the kernel's headers disagree with ours:"
		sed 's/^/    /' "$kwork/errors" | head -40
		echo 1 >"$work/failed"
	fi
done
if [ -f "$work/failed" ]; then
	rm -f "$work/failed"
	exit 1
fi
exit 0
