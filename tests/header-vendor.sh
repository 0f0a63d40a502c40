#!/bin/sh
# <libiommufd/vendor.h> is the vendor section of <libiommufd.h>, which
# includes it at its end. Alone it refuses to compile, with an #error naming
# the header to include (not some error deep inside it); included again
# after <libiommufd.h> it adds nothing and breaks nothing, as strict C99 and
# C++11. Installed, it sits in $(includedir)/libiommufd/.
set -u
srcdir=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
builddir=${top_builddir:-$srcdir}
CC=${CC:-cc}
CXX=${CXX:-c++}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
inc="-I$builddir/include -I$srcdir/include"
strict="-pedantic-errors -Wall -Wextra -Werror"
want='include <libiommufd.h>, which includes <libiommufd/vendor.h>'
rc=0

printf '#include <libiommufd/vendor.h>\nint main(void) { return 0; }\n' >"$tmp/alone.c"
# shellcheck disable=SC2086
if $CC -std=c99 $inc -fsyntax-only "$tmp/alone.c" >"$tmp/alone.err" 2>&1; then
	echo "FAIL: <libiommufd/vendor.h> compiled alone"
	rc=1
elif ! grep -qF "$want" "$tmp/alone.err"; then
	echo "FAIL: <libiommufd/vendor.h> alone failed, but not with its #error:"
	sed 's/^/    /' "$tmp/alone.err" | head -20
	rc=1
else
	echo "PASS: alone, <libiommufd/vendor.h> stops with: $want"
fi

# Both headers, the vendor one named again; a vendor type and macro in use.
cat >"$tmp/both.c" <<'END'
#include <libiommufd.h>
#include <libiommufd/vendor.h>
int main(void)
{
	return (int)(sizeof(struct iommufd_vtd_s1) + IOMMUFD_VENDOR_DATA_MAX == 0);
}
END
cp "$tmp/both.c" "$tmp/both.cc"
# shellcheck disable=SC2086
if $CC -std=c99 $strict $inc -fsyntax-only "$tmp/both.c" >"$tmp/c.err" 2>&1; then
	echo "PASS: C99: <libiommufd.h> then <libiommufd/vendor.h>"
else
	echo "FAIL: C99: <libiommufd.h> then <libiommufd/vendor.h>:"
	sed 's/^/    /' "$tmp/c.err" | head -20
	rc=1
fi
# configure --disable-cxx-tests (a toolchain without C++, such as musl-gcc).
if [ "${CXX_TESTS:-yes}" = no ]; then
	echo "SKIP: C++11: configured with --disable-cxx-tests"
# shellcheck disable=SC2086
elif $CXX -std=c++11 $strict $inc -fsyntax-only "$tmp/both.cc" >"$tmp/cxx.err" 2>&1; then
	echo "PASS: C++11: <libiommufd.h> then <libiommufd/vendor.h>"
else
	echo "FAIL: C++11: <libiommufd.h> then <libiommufd/vendor.h>:"
	sed 's/^/    /' "$tmp/cxx.err" | head -20
	rc=1
fi
exit $rc
