#!/usr/bin/env bash
# Fetch, patch, build and cache the QEMUs of the libiommufd QEMU tier, and print one line
# per QEMU built (or found in the cache):
#   stock   <path-to-qemu-system-x86_64>
#   patched <path-to-qemu-system-x86_64>
#
# Both come from the same Debian QEMU source (Debian unstable's, with Debian's own patches
# applied by dpkg-source): "stock" as is, "patched" with the series in the patch directory
# applied and built against the libiommufd that pkg-config finds (set PKG_CONFIG_PATH, and
# PKG_CONFIG_SYSROOT_DIR for a DESTDIR staging install, to use a staging prefix). With no
# patches in the directory, only the stock QEMU is built, and the script says so.
# Bug fixes to QEMU itself that have nothing to do with the library (the patch directory's
# fixes/ subdirectory) go into both builds, so that the two stay comparable.
#
# Usage: tests/qemu/build.sh [--patches DIR] [--only stock|patched]
#   --patches DIR  the patch series, applied in name order with patch -p1
#                  (default: contrib/qemu of this tree); DIR/fixes/*.patch are applied
#                  to both builds, before the series
#   --only WHAT    build (and print) only the stock or only the patched QEMU
# Environment:
#   LIBIOMMUFD_QEMU_CACHE    cache directory (default /var/cache/libiommufd-qemu)
#   LIBIOMMUFD_QEMU_VERSION  Debian version to use, exact (1:10.2.2+ds-1) or an upstream
#                            prefix (10.2); else a `qemu-version` file in the patch directory
#                            (same syntax) pins it; else the newest one that downloads
#   LIBIOMMUFD_QEMU_REFRESH=1  refresh the unstable package lists now (otherwise daily)
#   LIBIOMMUFD_QEMU_NODES    the library's version nodes the series imports (default
#                            LIBIOMMUFD_1.0): they, and the SONAME, key the patched build
#
# Each output directory (its path is the printed one's dirname) also holds: `libs` (the
# shared libraries the binary needs, from ldd, for tests/vm/mkinitramfs.sh --bin), `ldd`
# (ldd's raw output), `firmware/bios-256k.bin` (for -L), `configure-args`, `version`,
# `inputs` (what the cache key was made of), `build.log`, `facts` (sizes, build time),
# and `qemu-system-x86_64.unstripped`. The printed binary is stripped (it goes into the
# test VM's initramfs).
#
# Everything expensive is cached outside the clone, keyed by (QEMU version, build recipe,
# patch series hash, libiommufd ABI hash); a warm run needs no network. Progress goes to
# stderr; only the QEMU lines go to stdout.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${LIBIOMMUFD_QEMU_CACHE:-/var/cache/libiommufd-qemu}
PATCHDIR=$TOP/contrib/qemu
ONLY=""
LOG_TAG=qemu/build.sh
# shellcheck source=../vm/lib.sh
. "$HERE/../vm/lib.sh"

usage() { print_header "${BASH_SOURCE[0]}"; exit "${1:-2}"; }

while (($#)); do
	case $1 in
	--patches) [[ $# -ge 2 ]] || usage; PATCHDIR=$2; shift 2 ;;
	--patches=*) PATCHDIR=${1#--patches=}; shift ;;
	--only) [[ $# -ge 2 ]] || usage; ONLY=$2; shift 2 ;;
	--only=*) ONLY=${1#--only=}; shift ;;
	-h | --help) usage 0 ;;
	*) usage ;;
	esac
done
case $ONLY in "" | stock | patched) ;; *) usage ;; esac

# The build recipe. Why each option:
#  --python: the meson taken from unstable is unpacked into a dist-packages tree for Debian's
#    python3; another python3 first on PATH (pyenv, a venv) would not find it.
#  --target-list: the test needs x86_64 only; --without-default-features: no optional
#    library (smaller binary, fewer shared libraries to copy into the initramfs, fewer build
#    deps); vfio-pci, the iommufd backend and edu are Kconfig devices of x86_64 and stay in.
#  --disable-fdt: fdt is a combo option, not a feature, so --without-default-features leaves
#    it 'auto': with libfdt-dev installed (by anything) the binary would gain libfdt.so.1 and
#    the microvm machine, without it not. x86_64 does not need it; off makes the build the
#    same on every machine.
#  --disable-download: the build must not fetch anything (subprojects, wheels) behind our
#    back; --disable-install-blobs: the +ds tarball has no firmware blobs (seabios' comes
#    from Debian 12's seabios package through -L).
CONFIGURE_ARGS=(
	--python=/usr/bin/python3
	--target-list=x86_64-softmmu
	--disable-download
	--without-default-features
	--disable-fdt
	--disable-install-blobs
)
# Bump when the way the output is made changes (smoke checks, files kept), so that cached
# builds made the old way are redone.
RECIPE_VERSION=1
# QEMU bug fixes for both builds (see the header); their names and contents are part of
# the recipe, so a new fix rebuilds both. No fixes: the recipe hash is what it always was.
FIXES=()
if [[ -d $PATCHDIR/fixes ]]; then
	while IFS= read -r -d '' p; do FIXES+=("$p"); done < <(
		find "$PATCHDIR/fixes" -maxdepth 1 -type f -name '*.patch' -print0 | LC_ALL=C sort -z)
fi
RECIPE_HASH=$( {
	printf '%s\n' "$RECIPE_VERSION" "${CONFIGURE_ARGS[@]}"
	for p in "${FIXES[@]}"; do
		printf 'fix %s\n' "${p##*/}"
		sha256sum <"$p"
	done
} | sha256sum | cut -c1-8)

# dpkg-dev: dpkg-source; patch: the series; the rest: QEMU's build deps on Debian 12
# (meson >= 1.5 is not among them: Debian 12 has 1.0.1, see get_meson below).
ensure_pkgs dpkg-dev patch xz-utils ca-certificates debian-archive-keyring build-essential \
	pkg-config ninja-build python3 python3-venv python3-setuptools libglib2.0-dev seabios \
	binutils
[[ -f /usr/share/seabios/bios-256k.bin ]] || die "seabios installed but no /usr/share/seabios/bios-256k.bin"

mkdir -p "$CACHE"
# One run at a time per cache: a second concurrent run waits here, then finds the QEMUs the
# first one built instead of building them again.
exec 9>"$CACHE/.lock"
if ! flock -n 9; then
	log "another tests/qemu/build.sh holds $CACHE/.lock; waiting"
	flock 9
	log "got the lock"
fi
# Leftovers of an interrupted build (we hold the lock, so nobody else uses them); a failed
# build's tree (about 1 GB) goes too, its log is kept as <key>.failed.log.
rm -rf "$CACHE"/tmp.*
trap 'rm -rf "$CACHE"/tmp.*' EXIT

# ---- the patch series and the library it is built against ---------------------------
PATCHES=()
if [[ -d $PATCHDIR ]]; then
	while IFS= read -r -d '' p; do PATCHES+=("$p"); done < <(
		find "$PATCHDIR" -maxdepth 1 -type f -name '*.patch' -print0 | LC_ALL=C sort -z)
fi
WANT_STOCK=1 WANT_PATCHED=1
[[ $ONLY == patched ]] && WANT_STOCK=0
[[ $ONLY == stock ]] && WANT_PATCHED=0
if ((${#PATCHES[@]} == 0)); then
	[[ $ONLY == patched ]] && die "--only patched, but $PATCHDIR has no *.patch"
	((WANT_PATCHED)) && log "no *.patch in $PATCHDIR: building the stock QEMU only"
	WANT_PATCHED=0
fi

SERIES_HASH="" ABI_HASH="" LIB_DIR="" ABI_INPUTS=""
# The library's version nodes the series may import (space separated).
IMPORT_NODES=${LIBIOMMUFD_QEMU_NODES:-LIBIOMMUFD_1.0}
# QEMU's configure sees only this directory for libiommufd (PKG_CONFIG_PATH), and the
# system's own .pc files for everything else. PKG_CONFIG_SYSROOT_DIR, as used for a DESTDIR
# staging install, cannot be passed through: pkg-config prefixes it to every package's
# paths, glib's too, and meson then fails ("sizeof(size_t) doesn't match
# GLIB_SIZEOF_SIZE_T"). So libiommufd.pc is copied here with the sysroot folded into its
# absolute paths.
PC_DIR=$CACHE/tmp.pkgconfig
if ((WANT_PATCHED)); then
	# Names are part of the hash: the order patches apply in is the order of their names.
	SERIES_HASH=$(for p in "${PATCHES[@]}"; do
		printf '%s\n' "${p##*/}"
		sha256sum <"$p"
	done | sha256sum | cut -c1-12)
	pkg-config --exists libiommufd ||
		die "the patched QEMU needs an installed libiommufd: pkg-config finds none" \
			"(PKG_CONFIG_PATH=${PKG_CONFIG_PATH:-unset})"
	pc=$(pkg-config --path libiommufd)
	mkdir -p "$PC_DIR"
	sed -E "s|^([A-Za-z_]+=)/|\1${PKG_CONFIG_SYSROOT_DIR:-}/|" "$pc" >"$PC_DIR/libiommufd.pc"
	lib_pc() { env -u PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_PATH="$PC_DIR" pkg-config "$@" libiommufd; }
	LIB_DIR=$(lib_pc --variable=libdir)
	inc_dir=$(lib_pc --variable=includedir)
	# The key is the library's stable ABI, not its every byte: the SONAME and the
	# versioned symbols of the ABI nodes the series was written against (IMPORT_NODES),
	# read from the installed .so that pkg-config points at. A distribution does not
	# rebuild QEMU when libiommufd1 gains a 1.x release, and neither do we: a QEMU built
	# against an earlier 1.x header that still runs against this library is the proof
	# that those nodes held (the 1.0 layouts themselves are checked by abidiff in make
	# check). New nodes, doc-only header edits or changes inside the library need no
	# rebuild; a cached binary whose imports this library no longer exports is rebuilt
	# (see imports_ok).
	so=$LIB_DIR/libiommufd.so
	[[ -e $so ]] || die "pkg-config's libiommufd ($pc) has no $so"
	[[ -f $inc_dir/libiommufd.h ]] || die "pkg-config's libiommufd ($pc) has no $inc_dir/libiommufd.h"
	SONAME=$(objdump -p "$so" | awk '$1 == "SONAME" {print $2}')
	ABI_INPUTS="$SONAME, nodes $IMPORT_NODES of $(readlink -f "$so") ($(lib_pc --modversion))"
	ABI_HASH=$( {
		printf '%s\n' "$SONAME"
		nm -D --defined-only --with-symbol-versions "$so" | awk '{print $NF}' |
			grep -E "@@?(${IMPORT_NODES// /|})\$" | LC_ALL=C sort
	} | sha256sum | cut -c1-12)
	log "patch series: ${#PATCHES[@]} patch(es) in $PATCHDIR, hash $SERIES_HASH"
	log "libiommufd: $ABI_INPUTS, ABI hash $ABI_HASH"
fi

# ---- the QEMU source: newest version in unstable whose files download ---------------
UNSTABLE_DIR=$CACHE/apt
UNSTABLE_SRC=1
UNSTABLE_REFRESH=${LIBIOMMUFD_QEMU_REFRESH:-0}
# shellcheck source=../vm/unstable.sh
. "$HERE/../vm/unstable.sh"
SRCS=$CACHE/src
mkdir -p "$SRCS"

PIN=${LIBIOMMUFD_QEMU_VERSION:-}
if [[ -z $PIN ]] && ((WANT_PATCHED)) && [[ -f $PATCHDIR/qemu-version ]]; then
	PIN=$(sed -n '/^[^#]/{s/[[:space:]]//g;p;q}' "$PATCHDIR/qemu-version")
	log "the patch series is for QEMU $PIN ($PATCHDIR/qemu-version)"
fi
# pinned VERSION: does the Debian version match the pin (exact, or upstream prefix)?
pinned() {
	[[ -z $PIN ]] && return 0
	local v=$1 up=${1#*:}
	[[ $v == "$PIN" || $up == "$PIN" || $up == "$PIN".* || $up == "$PIN"+* || $up == "$PIN"-* ]]
}

REACHABLE=0
update_unstable && REACHABLE=1
((REACHABLE)) || log "WARNING: cannot refresh Debian unstable's package lists; using what is cached"
CANDIDATES=()
if [[ -f $UNSTABLE_DIR/sources.list && -d $UNSTABLE_DIR/lists ]]; then
	while read -r v; do pinned "$v" && CANDIDATES+=("$v"); done < <(
		apt-cache "${UNSTABLE_OPTS[@]}" showsrc qemu 2>/dev/null | sed -n 's/^Version: //p' |
			sort_versions_desc)
fi
log "qemu versions in unstable's index${PIN:+ matching $PIN}: ${CANDIDATES[*]:-none}"

# fetch_source VERSION: ensures $SRCS/<version without epoch>/ holds the .dsc and its files.
# A version whose files the mirror does not have (seen: listed in Sources, 404 on download)
# is remembered for a day, so warm runs do not ask again each time.
fetch_source() {
	local v=$1 d=$SRCS/${1#*:} tmp out
	[[ -f $d/done ]] && return 0
	if [[ -n $(find "$SRCS/${v#*:}.failed" -mmin -1440 2>/dev/null) ]]; then
		log "qemu $v: its download failed less than a day ago; skipping it"
		return 1
	fi
	((REACHABLE)) || return 1
	tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
	log "qemu $v: apt-get source --download-only"
	if out=$(cd "$tmp" && apt-get "${UNSTABLE_OPTS[@]}" -q source --download-only "qemu=$v" 2>&1) &&
		compgen -G "$tmp/qemu_*.dsc" >/dev/null; then
		touch "$tmp/done"
		rm -rf "$d"
		mv "$tmp" "$d"
		rm -f "$SRCS/${v#*:}.failed"
		log "qemu $v: downloaded ($(du -sm "$d" | cut -f1) MB)"
		return 0
	fi
	printf '%s\n' "$out" | grep -E '^(E|W):|Err:' | head -4 >&2 || true
	rm -rf "$tmp"
	touch "$SRCS/${v#*:}.failed"
	log "qemu $v: listed in the index but its files do not download; trying an older one"
	return 1
}

QVER=""
for v in "${CANDIDATES[@]}"; do
	if fetch_source "$v"; then QVER=$v; break; fi
done
if [[ -z $QVER ]]; then
	# Unstable unreachable (or nothing downloads): the newest source already in the cache.
	while read -r v; do
		pinned "$v" && [[ -f $SRCS/${v#*:}/done ]] && { QVER=$v; break; }
	done < <(find "$SRCS" -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort_versions_desc)
	[[ -n $QVER ]] || die "no qemu source${PIN:+ matching $PIN} downloads from Debian unstable and none is cached"
	log "WARNING: using the cached qemu source $QVER (none downloaded from unstable)"
fi
QV=${QVER#*:}
DSC=$(compgen -G "$SRCS/$QV/qemu_*.dsc" | head -1)
log "qemu source: $QVER ($DSC)"

# ---- meson >= 1.5 from unstable (Debian 12 has 1.0.1) --------------------------------
# Pure Python: unpacked with dpkg-deb -x (nothing installed on the system) and put on
# PYTHONPATH for configure and for ninja (ninja re-runs meson when a meson.build changes).
# Debian's disable-pycotap.patch drops QEMU's pycotap requirement (functional tests only),
# so meson is the only Python package needed.
MESON_ROOT=""
get_meson() {
	local tools=$CACHE/tools v deb tmp
	mkdir -p "$tools"
	v=""
	if [[ -f $UNSTABLE_DIR/sources.list ]]; then
		v=$(apt-cache "${UNSTABLE_OPTS[@]}" show --no-all-versions meson 2>/dev/null |
			sed -n 's/^Version: //p' | head -1)
	fi
	if [[ -n $v && ! -f $tools/meson_$v/done ]] && ((REACHABLE)); then
		tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
		if (cd "$tmp" && apt-get "${UNSTABLE_OPTS[@]}" -q download "meson=$v" >&2); then
			deb=$(compgen -G "$tmp/meson_*.deb" | head -1)
			mkdir -p "$tmp/root"
			dpkg-deb -x "$deb" "$tmp/root"
			touch "$tmp/root/done"
			rm -rf "$tools/meson_$v"
			mv "$tmp/root" "$tools/meson_$v"
		fi
		rm -rf "$tmp"
	fi
	if [[ -z $v || ! -f $tools/meson_$v/done ]]; then
		v=$(find "$tools" -mindepth 1 -maxdepth 1 -name 'meson_*' -printf '%f\n' |
			sed 's/^meson_//' | sort_versions_desc | head -1)
		[[ -n $v && -f $tools/meson_$v/done ]] || die "cannot get meson from Debian unstable, and none is cached"
		log "WARNING: using the cached meson $v"
	fi
	MESON_ROOT=$tools/meson_$v
	log "meson $v from unstable: $MESON_ROOT"
}

# ---- one QEMU build -------------------------------------------------------------------
# smoke BINARY FIRMWARE-DIR: the devices and objects the test needs are in, and the binary runs a
# q35 machine under qtest (no guest code) and answers a qtest command.
smoke() {
	local bin=$1 fw=$2 out resp pid
	out=$("$bin" -device help 2>&1)
	grep -q '^name "vfio-pci"' <<<"$out" || { log "no vfio-pci in -device help"; return 1; }
	grep -q '^name "edu"' <<<"$out" || { log "no edu in -device help"; return 1; }
	"$bin" -object help 2>&1 | grep -qx '  iommufd' || { log "no iommufd in -object help"; return 1; }
	# QEMU does not exit when qtest's stdin closes: talk to it as a coprocess, then kill it.
	# 0xcf8/0xcfc: q35's PCI config cycle; device 0:0.0 is the MCH, id 0x29c08086. Its
	# stderr (qtest's own log of the exchange, a harmless "kvmvapic.bin" warning) goes to
	# our log; stdout has one answer per command ("OK", then "OK 0x29c08086").
	coproc QT { exec "$bin" -L "$fw" -accel qtest -qtest stdio -M q35 -m 64 -display none \
		-nodefaults -monitor none -serial none; }
	pid=$QT_PID
	printf 'outl 0xcf8 0x80000000\ninl 0xcfc\n' >&"${QT[1]}"
	resp=""
	local line i
	for i in 1 2 3 4 5 6 7 8 9 10; do
		IFS= read -r -t 60 line <&"${QT[0]}" || break
		case $line in "OK 0x"*) resp=$line; break ;; esac
	done
	kill "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	[[ $resp == "OK 0x29c08086" ]] ||
		{ log "qtest: config read of 0:0.0 answered '${resp:-nothing}'"; return 1; }
	log "smoke: vfio-pci, edu, iommufd present; qtest q35 answers $resp"
}

# imports_ok BINARY: every libiommufd symbol BINARY imports is exported, at the same
# version, by the library pkg-config found (trivially true for the stock build).
imports_ok() {
	local want have
	[[ -n $LIB_DIR ]] || return 0
	want=$(nm -D --undefined-only --with-symbol-versions "$1" | awk '{print $NF}' |
		grep '@LIBIOMMUFD_' | sed 's/@@*/@/' | LC_ALL=C sort -u)
	have=$(nm -D --defined-only --with-symbol-versions "$LIB_DIR/libiommufd.so" |
		awk '{print $NF}' | sed 's/@@*/@/' | LC_ALL=C sort -u)
	[[ -z $(LC_ALL=C comm -23 <(printf '%s\n' "$want") <(printf '%s\n' "$have")) ]]
}

# build_qemu NAME KEYDIR [PATCH...]: ensures KEYDIR holds a complete build; sets OUTDIR.
OUTDIR=""
build_qemu() {
	local name=$1 key=$2
	shift 2
	local patches=("$@") args=("${CONFIGURE_ARGS[@]}") tmp src blog t0=$SECONDS t p
	OUTDIR=$key
	if [[ -x $key/qemu-system-x86_64 && -f $key/libs ]]; then
		if imports_ok "$key/qemu-system-x86_64"; then
			log "$name: cached in $key"
			return 0
		fi
		log "$name: the cached binary imports libiommufd symbols this library lacks: rebuilding"
	fi
	[[ -n $MESON_ROOT ]] || get_meson
	# The same environment for configure and ninja (ninja re-runs meson when a meson.build
	# changes): meson on PYTHONPATH; for the stock build no libiommufd at all, for the
	# patched one only ours (see PC_DIR).
	local qenv=(env -u PKG_CONFIG_SYSROOT_DIR -u PKG_CONFIG_PATH
		PYTHONPATH="$MESON_ROOT/usr/lib/python3/dist-packages")
	((${#patches[@]})) && qenv+=(PKG_CONFIG_PATH="$PC_DIR")
	rm -rf "$key"
	tmp=$(mktemp -d "$CACHE/tmp.XXXXXX")
	src=$tmp/qemu
	mkdir -p "$tmp/out/firmware"
	blog=$tmp/out/build.log
	fail() {
		cp "$blog" "$key.failed.log"
		tail -30 "$blog" >&2
		die "$name: $1 (log: $key.failed.log)"
	}
	# Debian's source as Debian builds it: dpkg-source applies debian/patches, which also
	# fix the +ds tarball's gaps (skip-unpack-edk2-blobs, skip-install-dtb, disable-pycotap).
	log "$name: unpacking $(basename "$DSC") (with Debian's patches)"
	t=$SECONDS
	dpkg-source -x "$DSC" "$src" >"$blog" 2>&1 || fail "dpkg-source -x failed"
	local t_unpack=$((SECONDS - t))
	# The +ds tarball has no edk2 .fd.bz2 files, but pc-bios/meson.build unpacks them when
	# bzip2 is found (and --disable-install-blobs does not stop it). Debian's patch turns
	# that off; should a later Debian drop it, do the same here.
	if ! compgen -G "$src/pc-bios/edk2-*.fd.bz2" >/dev/null &&
		grep -qx 'if unpack_edk2_blobs' "$src/pc-bios/meson.build"; then
		log "$name: edk2 blobs absent and not skipped by Debian's patches: skipping them"
		sed -i 's/^if unpack_edk2_blobs$/if unpack_edk2_blobs and false/' "$src/pc-bios/meson.build"
	fi
	for p in "${FIXES[@]}" "${patches[@]}"; do
		log "$name: applying ${p##*/}"
		# --fuzz=0: a patch that no longer applies exactly is a failure, not a guess.
		(cd "$src" && patch -p1 --batch --forward --fuzz=0 -i "$p") >>"$blog" 2>&1 ||
			fail "${p##*/} does not apply to qemu $QVER"
	done
	# A series that adds a meson feature option for the library: --without-default-features
	# turns 'auto' features off, so ask for it.
	if ((${#patches[@]})) && grep -q "option('libiommufd'" "$src/meson_options.txt"; then
		args+=(-Dlibiommufd=enabled)
	fi
	printf '%s\n' "${args[@]}" >"$tmp/out/configure-args"
	log "$name: configure ${args[*]}"
	t=$SECONDS
	mkdir -p "$src/build"
	(cd "$src/build" && "${qenv[@]}" ../configure "${args[@]}") \
		>>"$blog" 2>&1 || fail "configure failed"
	local t_conf=$((SECONDS - t))
	log "$name: ninja qemu-system-x86_64 with -j$(nproc) (minutes on 2 cores), log: $blog"
	t=$SECONDS
	(cd "$src/build" && "${qenv[@]}" ninja -j"$(nproc)" qemu-system-x86_64) \
		>>"$blog" 2>&1 || fail "build failed"
	local t_build=$((SECONDS - t))
	cp "$src/build/qemu-system-x86_64" "$tmp/out/qemu-system-x86_64.unstripped"
	strip -o "$tmp/out/qemu-system-x86_64" "$src/build/qemu-system-x86_64"
	cp /usr/share/seabios/bios-256k.bin "$tmp/out/firmware/"
	# The libraries the binary needs, for the initramfs; a staging libiommufd is found
	# through LD_LIBRARY_PATH (the binary has no rpath to it).
	LD_LIBRARY_PATH=${LIB_DIR}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} ldd "$tmp/out/qemu-system-x86_64" \
		>"$tmp/out/ldd" 2>&1 || fail "ldd failed on the binary"
	grep -q 'not found' "$tmp/out/ldd" && { cat "$tmp/out/ldd" >>"$blog"; fail "unresolved shared libraries"; }
	awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' "$tmp/out/ldd" >"$tmp/out/libs"
	if ((${#patches[@]})) && ! grep -q '/libiommufd\.so' "$tmp/out/libs"; then
		fail "the patched QEMU does not link libiommufd: the series was not picked up"
	fi
	LD_LIBRARY_PATH=${LIB_DIR}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} \
		smoke "$tmp/out/qemu-system-x86_64" "$tmp/out/firmware" 2>>"$blog" || {
		# Keep what was built (not the tree): a smoke failure is worth a look at the binary.
		rm -rf "$key.failed"
		mv "$tmp/out" "$key.failed"
		blog=$key.failed/build.log
		fail "smoke test failed (the build is kept in $key.failed/)"
	}
	printf '%s\n' "$QVER" >"$tmp/out/version"
	{
		printf 'qemu %s (%s)\nrecipe %s\n' "$QVER" "$DSC" "$RECIPE_HASH"
		((${#FIXES[@]})) && printf 'fixes: %s\n' "${FIXES[*]##*/}"
		if ((${#patches[@]})); then
			printf 'series %s: %s\n' "$SERIES_HASH" "${patches[*]##*/}"
			printf 'libiommufd %s: %s\n' "$ABI_HASH" "$ABI_INPUTS"
		fi
	} >"$tmp/out/inputs"
	{
		printf 'unpack_s %s\nconfigure_s %s\nbuild_s %s\n' "$t_unpack" "$t_conf" "$t_build"
		printf 'ninja_steps %s\n' "$(sed -n 's/^\[[0-9]*\/\([0-9]*\)\].*/\1/p' "$blog" | tail -1)"
		printf 'size_unstripped %s\nsize_stripped %s\nshared_libs %s\n' \
			"$(stat -c %s "$tmp/out/qemu-system-x86_64.unstripped")" \
			"$(stat -c %s "$tmp/out/qemu-system-x86_64")" \
			"$(grep -cv -e ld-linux -e '^$' "$tmp/out/libs")"
	} >"$tmp/out/facts"
	# Same filesystem, so the rename is atomic: a cache dir is either complete or absent.
	mv "$tmp/out" "$key"
	rm -rf "$tmp" "$key.failed.log"
	log "$name: built in $((SECONDS - t0))s (unpack ${t_unpack}s, configure ${t_conf}s, build ${t_build}s) -> $key"
}

RESULTS=()
if ((WANT_STOCK)); then
	build_qemu stock "$CACHE/stock_${QV}_${RECIPE_HASH}"
	RESULTS+=("stock $OUTDIR/qemu-system-x86_64")
fi
if ((WANT_PATCHED)); then
	build_qemu patched "$CACHE/patched_${QV}_${RECIPE_HASH}_${SERIES_HASH}_${ABI_HASH}" "${PATCHES[@]}"
	RESULTS+=("patched $OUTDIR/qemu-system-x86_64")
fi
((${#RESULTS[@]})) || die "nothing to build"
log "done"
printf '%s\n' "${RESULTS[@]}"
