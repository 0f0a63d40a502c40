#!/usr/bin/env bash
# Prepare the kernels the libiommufd VM tests boot, and print one line per kernel:
#   <name> <path-to-bzImage> <path-to-installed-uapi-headers-dir-or-"-">
#
# Kernels:
#   6.12        built from Debian 12's linux-source-6.12 with tests/vm/kernel.config
#   7.N         built from the newest *released* linux-source-7.* in Debian's unstable,
#               experimental and current stable's backports (same fragment); skipped with
#               a loud warning when none is there / reachable / cached
#   KEEP_7      older 7.N series kept on purpose (see KEEP_7 below), built the same way;
#               LIBIOMMUFD_VM_KEEP_7 overrides the list
#   7.N-rcM     the newest release candidate (experimental), only with LIBIOMMUFD_VM_RC=1
#               or --only rc, and only when it is newer than the newest release
#   6.1-debian  Debian 12's stock linux-image-6.1.0-N-amd64, unmodified (no iommufd): it
#               proves the library's behaviour on a kernel without /dev/iommu
#
# Usage: kernels.sh [--only NAME[,NAME...]]...   NAME: 6.12, 7 (the newest release; 7.x),
#        an exact 7.N (its newest release, else its newest candidate), rc, 6.1-debian
# Environment: LIBIOMMUFD_VM_CACHE (default /var/cache/libiommufd-vm)
#              LIBIOMMUFD_VM_RC=1 adds the newest 7.x release candidate (see above)
#              LIBIOMMUFD_VM_REFRESH=1 forces a refresh of the private package lists
#              (otherwise it is refreshed when older than a day, so warm runs stay fast)
#
# Everything expensive is cached outside the clone, keyed by (package, version, fragment
# hash), so CI and later runs skip the builds. All progress goes to stderr; only the kernel
# lines go to stdout.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
FRAGMENT=$HERE/kernel.config
CACHE=${LIBIOMMUFD_VM_CACHE:-/var/cache/libiommufd-vm}
# shellcheck source=lib.sh
. "$HERE/lib.sh"

loud() {
	{
		printf '\n'
		printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n'
		printf '!!! WARNING: %s\n' "$@"
		printf '!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!\n\n'
	} >&2
}

usage() { print_header "${BASH_SOURCE[0]}"; exit "${1:-2}"; }

ONLY=()
while (($#)); do
	case $1 in
	--only) [[ $# -ge 2 ]] || usage; IFS=, read -ra _o <<<"$2"; ONLY+=("${_o[@]}"); shift 2 ;;
	--only=*) IFS=, read -ra _o <<<"${1#--only=}"; ONLY+=("${_o[@]}"); shift ;;
	-h | --help) usage 0 ;;
	*) usage ;;
	esac
done

# wanted GROUP [EXACT]: is this kernel selected by --only? GROUP is 6.12, 7 or 6.1-debian;
# EXACT (the real name, e.g. 7.2) also matches.
wanted() {
	((${#ONLY[@]} == 0)) && return 0
	local o
	for o in "${ONLY[@]}"; do
		case $o in
		"$1" | "${2:-$1}") return 0 ;;
		7 | 7.x | latest) [[ $1 == 7 ]] && return 0 ;;
		debian | 6.1) [[ $1 == 6.1-debian ]] && return 0 ;;
		esac
	done
	return 1
}

[[ -r $FRAGMENT ]] || die "missing $FRAGMENT"
FRAG_HASH=$(sha256sum "$FRAGMENT" | cut -c1-16)

mkdir -p "$CACHE"
# One run at a time per cache: a second concurrent run waits here, then finds the kernels
# the first one built instead of building them again.
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
	log "another kernels.sh holds $CACHE/.lock; waiting"
	flock 9
	log "got the lock"
fi
# Leftovers of an interrupted build (we hold the lock, so nobody else is using them); a
# failed build's source tree (GBs) goes too, its log is kept as <key>.failed.log.
rm -rf "$CACHE"/tmp.*
trap 'rm -rf "$CACHE"/tmp.*' EXIT

ensure_pkgs build-essential flex bison bc libelf-dev libssl-dev rsync xz-utils \
	ca-certificates debian-archive-keyring

# build_kernel PKG VERSION TARBALL-GETTER: ensures $CACHE/<pkg>_<ver>_<hash>/ exists, sets
# KDIR to it. TARBALL-GETTER is a function called with a destination dir; it echoes the path
# of the source tarball (lets the 7.x path extract the .deb only when a build is needed).
KDIR=
build_kernel() {
	local pkg=$1 ver=$2 getter=$3
	KDIR=$CACHE/${pkg}_${ver}_${FRAG_HASH}
	if [[ -f $KDIR/bzImage && -f $KDIR/headers/include/linux/iommufd.h ]]; then
		log "$pkg $ver: cached in $KDIR"
		return 0
	fi
	rm -rf "$KDIR"
	local tmp t0=$SECONDS tarball src
	tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
	mkdir -p "$tmp/out"
	local blog=$tmp/out/build.log
	tarball=$("$getter" "$tmp")
	log "$pkg $ver: extracting $(basename "$tarball")"
	tar -C "$tmp" -xf "$tarball" || die "cannot extract $tarball"
	src=$(find "$tmp" -mindepth 1 -maxdepth 1 -type d -name 'linux-source-*' | head -1)
	[[ -n $src && -f $src/Makefile ]] || die "no kernel tree in $tarball"
	log "$pkg $ver: configuring (tinyconfig + $(basename "$FRAGMENT")), log: $blog"
	# The build log is kept in the cache next to the bzImage; on failure its tail is shown
	# and a copy is left at $CACHE/<key>.failed.log.
	if ! (
		set -e
		cd "$src"
		make tinyconfig
		scripts/kconfig/merge_config.sh -m .config "$FRAGMENT"
		make olddefconfig
	) >"$blog" 2>&1; then
		cp "$blog" "$KDIR.failed.log"
		tail -30 "$blog" >&2
		die "$pkg $ver: configuration failed (log: $KDIR.failed.log)"
	fi
	# merge_config only warns when a symbol does not stick (missing dependency): the test VM
	# is useless without these, so refuse to build a kernel that lacks them.
	local sym bad=()
	for sym in CONFIG_IOMMUFD CONFIG_IOMMUFD_TEST CONFIG_VFIO_DEVICE_CDEV CONFIG_VFIO_PCI CONFIG_UNIX; do
		grep -qx "$sym=y" "$src/.config" || bad+=("$sym")
	done
	if ((${#bad[@]})); then
		cp "$blog" "$KDIR.failed.log"
		grep -E 'Value requested|Actual value' "$blog" >&2 || true
		die "$pkg $ver: ${bad[*]} not =y after olddefconfig (log: $KDIR.failed.log)"
	fi
	log "$pkg $ver: building bzImage with -j$(nproc) (takes minutes under 2 cores)"
	if ! (
		set -e
		cd "$src"
		make -j"$(nproc)" bzImage
		make headers_install INSTALL_HDR_PATH="$tmp/out/headers"
	) >>"$blog" 2>&1; then
		cp "$blog" "$KDIR.failed.log"
		tail -30 "$blog" >&2
		die "$pkg $ver: build failed (log: $KDIR.failed.log)"
	fi
	cp "$src/arch/x86/boot/bzImage" "$tmp/out/bzImage"
	cp "$src/.config" "$tmp/out/config"
	printf '%s\n' "$ver" >"$tmp/out/version"
	# Same filesystem, so the rename is atomic: a cache dir is either complete or absent.
	mv "$tmp/out" "$KDIR"
	rm -rf "$tmp" "$KDIR.failed.log"
	log "$pkg $ver: built in $((SECONDS - t0))s -> $KDIR"
}

RESULTS=()

# ---- 6.12 from Debian 12 --------------------------------------------------------------
get_612_tarball() { echo /usr/src/linux-source-6.12.tar.xz; }
if wanted 6.12; then
	ensure_pkgs linux-source-6.12
	ver612=$(dpkg-query -W -f='${Version}' linux-source-6.12)
	[[ -f /usr/src/linux-source-6.12.tar.xz ]] || die "linux-source-6.12 installed but no tarball"
	build_kernel linux-source-6.12 "$ver612" get_612_tarball
	RESULTS+=("6.12 $KDIR/bzImage $KDIR/headers")
fi

# ---- 7.x kernels from Debian's archive, via a private apt configuration ----------------
# Debian publishes kernels in unstable, in experimental (release candidates) and in the
# current stable's backports, which may be ahead of unstable (seen: 7.3.4 in
# trixie-backports while unstable had 7.2.13). "7" is the newest released linux-source-7.*
# of them all; a Debian version with "~rc" is a release candidate, used only on request.
APTDIR=$CACHE/apt
DEBS=$CACHE/debs
mkdir -p "$DEBS"
# apt downloads as the unprivileged _apt user, which cannot write to our root-owned cache
# (it falls back to root with a warning): download as root directly.
DL_OPTS=(-o APT::Sandbox::User=root)
UNSTABLE_DIR=$APTDIR
UNSTABLE_SUITES="unstable experimental stable-backports"
UNSTABLE_REFRESH=${LIBIOMMUFD_VM_REFRESH:-0}
# shellcheck source=unstable.sh
. "$HERE/unstable.sh"

# Older 7.N series kept in the default matrix beside the newest release, each for a reason
# (tests/vm/README.md, "Kernels"). 7.2: the kernel Debian unstable and testing ship (what a
# VMM developer on Debian runs), and the one with a known oops (docs/kernel-quirks.md).
# LIBIOMMUFD_VM_KEEP_7 replaces the list (space separated; empty: the newest alone), e.g. to
# save a kernel build (7 to 30 minutes on 2 cores) where CI time is short.
read -ra KEEP_7 <<<"${LIBIOMMUFD_VM_KEEP_7-7.2}"

# "<package> <version>" of every linux-source-7.N the private lists name, in any suite.
list_7_archive() {
	local pkgs
	pkgs=$(apt-cache "${UNSTABLE_OPTS[@]}" search '^linux-source-7' 2>/dev/null |
		awk '$1 ~ /^linux-source-7\.[0-9]+$/ { print $1 }')
	[[ -n $pkgs ]] || return 0
	# shellcheck disable=SC2086 # package names
	apt-cache "${UNSTABLE_OPTS[@]}" madison $pkgs 2>/dev/null |
		awk -F'|' '{ gsub(/ /, "", $1); gsub(/ /, "", $2); if ($2 != "") print $1, $2 }' |
		sort -u
}

# The same for the .debs already downloaded, for when the archive is unreachable.
list_7_cached() {
	find "$DEBS" -maxdepth 1 -name 'linux-source-7.*_*_all.deb' -printf '%f\n' |
		sed 's/_all\.deb$//; s/_/ /'
}

# pick_7 released|rc [PACKAGE]: the newest "<package> <version>" of $CANDIDATES that is a
# release (or a release candidate), of any 7.N or of PACKAGE only.
CANDIDATES=""
pick_7() {
	local v
	v=$(awk -v k="$1" -v p="${2:-}" '(p == "" || $1 == p) && ((k == "rc") == ($2 ~ /~rc/)) {
		print $2 }' <<<"$CANDIDATES" | sort_versions_desc | head -1)
	[[ -n $v ]] && awk -v v="$v" '$2 == v { print; exit }' <<<"$CANDIDATES"
	return 0
}

# name_7 PACKAGE VERSION: the kernel's name in the matrix: 7.3, or 7.4-rc3 for 7.4~rc3-1~exp1.
name_7() {
	local up=${2%%-*}
	if [[ $2 == *~rc* ]]; then echo "${up/\~/-}"; else echo "${1#linux-source-}"; fi
}

DEB7=
get_7_tarball() {
	local dest=$1/deb
	mkdir -p "$dest"
	dpkg-deb -x "$DEBS/$DEB7" "$dest"
	find "$dest/usr/src" -maxdepth 1 -name 'linux-source-7.*.tar.xz' | head -1
}

# use_7 PACKAGE VERSION: download (unless cached) and build it, add it to the results.
USED_7=" "
use_7() {
	local pkg=$1 ver=$2 name
	name=$(name_7 "$pkg" "$ver")
	[[ $USED_7 == *" $name "* ]] && return 0
	DEB7=${pkg}_${ver}_all.deb
	if [[ ! -f $DEBS/$DEB7 ]]; then
		log "downloading $pkg $ver"
		if ! (cd "$DEBS" && apt-get "${UNSTABLE_OPTS[@]}" "${DL_OPTS[@]}" -q download "$pkg=$ver" >&2) ||
			[[ ! -f $DEBS/$DEB7 ]]; then
			loud "cannot download $pkg $ver: testing without kernel $name"
			return 0
		fi
	fi
	build_kernel "$pkg" "$ver" get_7_tarball
	RESULTS+=("$name $KDIR/bzImage $KDIR/headers")
	USED_7+="$name "
}

# The 7.N series asked for by name (--only 7.2), or kept by default.
EXACT_7=()
if ((${#ONLY[@]})); then
	for o in "${ONLY[@]}"; do [[ $o =~ ^7\.[0-9]+$ ]] && EXACT_7+=("$o"); done
else
	EXACT_7=("${KEEP_7[@]}")
fi
WANT_RC=0
[[ ${LIBIOMMUFD_VM_RC:-0} == 1 ]] && WANT_RC=1
for o in "${ONLY[@]}"; do [[ $o == rc ]] && WANT_RC=1; done

if wanted 7 || ((${#EXACT_7[@]} || WANT_RC)); then
	if update_unstable || [[ -d $APTDIR/lists ]]; then
		CANDIDATES=$(list_7_archive)
	else
		log "WARNING: cannot refresh the package lists of Debian's archive; using what is cached"
	fi
	if [[ -z $CANDIDATES ]]; then
		CANDIDATES=$(list_7_cached)
		[[ -z $CANDIDATES ]] ||
			loud "Debian's archive is unreachable or names no linux-source-7.*:" \
				"choosing among the cached .debs in $DEBS"
	fi
	newest=$(pick_7 released)
	# shellcheck disable=SC2086 # "<package> <version>"
	if wanted 7 "$([[ -n $newest ]] && name_7 $newest)"; then
		if [[ -n $newest ]]; then
			# shellcheck disable=SC2086 # "<package> <version>"
			use_7 $newest
		else
			loud "no released linux-source-7.* in Debian's unstable, experimental or stable" \
				"backports (or unreachable) and none is cached: testing WITHOUT a 7.x kernel"
		fi
	fi
	for n in "${EXACT_7[@]}"; do
		p=$(pick_7 released "linux-source-$n")
		[[ -n $p ]] || p=$(pick_7 rc "linux-source-$n")
		if [[ -n $p ]]; then
			# shellcheck disable=SC2086
			use_7 $p
		else
			loud "no linux-source-$n in Debian's archive or the cache: testing without $n"
		fi
	done
	if ((WANT_RC)); then
		rc=$(pick_7 rc)
		if [[ -z $rc ]]; then
			log "no 7.x release candidate in Debian's archive"
		elif [[ -n $newest ]] && dpkg --compare-versions "${rc#* }" lt "${newest#* }"; then
			log "release candidate ${rc#* } is older than the release ${newest#* }: not used"
		else
			# shellcheck disable=SC2086
			use_7 $rc
		fi
	fi
fi

# ---- Debian 12's stock 6.1 kernel (no iommufd) -----------------------------------------
if wanted 6.1-debian; then
	search_61() {
		apt-cache search '^linux-image-6\.1\.0-[0-9]+-amd64$' | awk '{print $1}' |
			grep -E '^linux-image-6\.1\.0-[0-9]+-amd64$' | sort -V | tail -1 || true
	}
	img=$(search_61)
	if [[ -z $img ]]; then
		apt_update_once
		img=$(search_61)
	fi
	[[ -n $img ]] || die "no linux-image-6.1.0-*-amd64 in this machine's apt lists"
	imgver=$(apt-cache show --no-all-versions "$img" | sed -n 's/^Version: //p' | head -1)
	KDIR=$CACHE/${img}_${imgver}
	if [[ ! -f $KDIR/bzImage ]]; then
		debfile=$(find "$DEBS" -maxdepth 1 -name "${img}_${imgver//:/%3a}_*.deb" | head -1)
		if [[ -z $debfile ]]; then
			log "downloading $img $imgver"
			(cd "$DEBS" && apt-get "${DL_OPTS[@]}" -q download "$img=$imgver" >&2)
			debfile=$(find "$DEBS" -maxdepth 1 -name "${img}_*.deb" | sort -V | tail -1)
		fi
		tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
		mkdir -p "$tmp/out"
		# Only the kernel image is needed (its modules are not used: the VM has no disk).
		dpkg-deb --fsys-tarfile "$debfile" | tar -C "$tmp" -x --wildcards './boot/vmlinuz-*'
		cp "$tmp"/boot/vmlinuz-* "$tmp/out/bzImage"
		printf '%s\n' "$imgver" >"$tmp/out/version"
		mv "$tmp/out" "$KDIR"
		rm -rf "$tmp"
		log "$img $imgver: extracted -> $KDIR"
	else
		log "$img $imgver: cached in $KDIR"
	fi
	RESULTS+=("6.1-debian $KDIR/bzImage -")
fi

((${#RESULTS[@]})) || die "no kernel selected"
log "done"
printf '%s\n' "${RESULTS[@]}"
