#!/bin/sh
# Build the Debian packages from the upstream tarball and check them, as CI
# does (a step of scripts/test-all.sh):
#  1. debian/libiommufd1.symbols is what scripts/deb-symbols.sh generates;
#  2. `make dist` gives libiommufd_<version>.orig.tar.xz, debian/ is added
#     and `dpkg-buildpackage -us -uc` builds the source and binary packages
#     (the symbols file must match the library: dh_makeshlibs -- -c4);
#  3. lintian on the .changes: no error and no warning (informational tags
#     are printed);
#  4. each package's file list;
#  5. the packages are installed, in a private mount namespace whose /usr,
#     /etc and /var are overlays (so this machine is left as it was), and
#     debian/tests/* (a consumer built with pkg-config, shared and static,
#     and the installed lsiommufd) run against them.
# Needs root (apt-get, the namespace). Output and packages: $LIBIOMMUFD_BUILD/deb.
# LIBIOMMUFD_DEB_INSTALL=host installs on this machine instead (then purges),
# for machines where overlay mounts are not allowed.
set -eu

src=$(cd "$(dirname "$0")/.." && pwd)
out=${LIBIOMMUFD_BUILD:-$src/build}/deb
step() { printf '\n== deb-check: %s\n' "$*"; }

step "packages the build and the checks need"
need="build-essential debhelper dpkg-dev fakeroot lintian pkg-config python3
	libudev-dev libcmocka-dev mandoc autoconf automake libtool xz-utils"
missing=""
for p in $need; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "installing:$missing"
	apt-get update -q
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
fi

step "the symbols file is generated from the version script"
if ! "$src/scripts/deb-symbols.sh" | diff -u "$src/debian/libiommufd1.symbols" -; then
	echo "deb-check: debian/libiommufd1.symbols is stale: run scripts/deb-symbols.sh > debian/libiommufd1.symbols"
	exit 1
fi
echo "debian/libiommufd1.symbols: $(grep -c '@LIBIOMMUFD_' "$src/debian/libiommufd1.symbols") symbols, up to date"
# A symbol of node LIBIOMMUFD_X.Y comes with release X.Y.0: the package
# must be at least that version (dpkg-gensymbols would otherwise stamp the
# symbol with the current Debian revision, which lintian rejects).
upstream=$(dpkg-parsechangelog -l "$src/debian/changelog" -S Version | sed 's/-[^-]*$//')
newest=$(awk '{ print $2 }' "$src/debian/libiommufd1.symbols" | grep '^[0-9]' | sort -V | tail -1)
if dpkg --compare-versions "$upstream" lt "$newest"; then
	echo "deb-check: the version script has symbols of release $newest but debian/changelog packages $upstream:"
	echo "  bump the version (configure.ac) and add a debian/changelog entry for $newest"
	exit 1
fi

step "the upstream tarball (make dist)"
rm -rf "$out"
mkdir -p "$out/dist"
[ -x "$src/configure" ] || (cd "$src" && ./autogen.sh)
(cd "$out/dist" && "$src/configure" -q && make -s dist >/dev/null)
tarball=$(ls "$out"/dist/libiommufd-*.tar.xz)
version=$(basename "$tarball" .tar.xz | sed 's/^libiommufd-//')
[ "$version" = "$upstream" ] || {
	echo "deb-check: the tarball is $version but debian/changelog packages $upstream"
	exit 1
}
cp "$tarball" "$out/libiommufd_$version.orig.tar.xz"
tar -C "$out" -xf "$out/libiommufd_$version.orig.tar.xz"
cp -a "$src/debian" "$out/libiommufd-$version/"

step "dpkg-buildpackage -us -uc"
(cd "$out/libiommufd-$version" &&
	DEB_BUILD_OPTIONS="parallel=$(nproc) ${DEB_BUILD_OPTIONS:-}" dpkg-buildpackage -us -uc) \
	>"$out/build.log" 2>&1 || {
	tail -60 "$out/build.log"
	echo "deb-check: dpkg-buildpackage failed (log: $out/build.log)"
	exit 1
}
grep -E '^(# TOTAL|# PASS|# SKIP|# FAIL|# ERROR|dpkg-(gensymbols|buildpackage): )' "$out/build.log" || true
changes=$(ls "$out"/libiommufd_*.changes)

step "lintian (fails on errors and warnings)"
# The verdict from a plain run: with --show-overrides, lintian 2.116 also
# fails on the overridden tags it shows. The report shows them, with their
# reasons.
lrc=0
lintian --fail-on error,warning --display-info "$changes" >/dev/null 2>&1 || lrc=$?
lintian --display-info --show-overrides "$changes" >"$out/lintian.txt" 2>&1 || true
cat "$out/lintian.txt"
echo "lintian: $(grep -c '^E: ' "$out/lintian.txt") errors, $(grep -c '^W: ' "$out/lintian.txt") warnings, $(grep -c '^I: ' "$out/lintian.txt") informational tags, $(grep -c "^O: " "$out/lintian.txt") overridden (exit $lrc)"
[ $lrc = 0 ] || { echo "deb-check: lintian failed"; exit 1; }

step "the packages' files"
for deb in "$out"/*.deb; do
	echo "--- $(basename "$deb")"
	dpkg-deb -c "$deb" | awk '{ $1 = $2 = $3 = $4 = $5 = ""; sub(/^ +/, ""); print }'
done

step "install the packages and build a consumer against them"
debs=$(ls "$out"/*.deb | grep -v -- '-dbgsym_')
# shellcheck disable=SC2016
inside='
	set -eu
	dpkg -i $debs >/dev/null
	for p in libiommufd1 libiommufd-dev iommufd-tools; do
		dpkg-query -W -f="installed: \${Package} \${Version}\n" "$p"
	done
	sh "$src/debian/tests/pkg-config-consumer"
	sh "$src/debian/tests/lsiommufd"
	man -w lsiommufd iommufd_ioas_map libiommufd
	pkg-config --modversion libiommufd
'
export debs src
case ${LIBIOMMUFD_DEB_INSTALL:-overlay} in
overlay)
	ov="$out/overlay"
	unshare -m sh -c '
		set -eu
		for d in usr etc var; do
			mkdir -p "'"$ov"'/$d/upper" "'"$ov"'/$d/work"
			mount -t overlay overlay -o "lowerdir=/$d,upperdir='"$ov"'/$d/upper,workdir='"$ov"'/$d/work" "/$d"
		done
		'"$inside"
	;;
host)
	rc=0
	sh -c "$inside" || rc=$?
	dpkg --purge iommufd-tools libiommufd-dev libiommufd1 >/dev/null
	[ $rc = 0 ] || exit $rc
	;;
*)
	echo "deb-check: LIBIOMMUFD_DEB_INSTALL is overlay or host"
	exit 2
	;;
esac

step "all Debian package checks passed ($(ls "$out"/*.deb | wc -l) packages in $out)"
