#!/usr/bin/env bash
# Build the gzip'd newc initramfs of the libiommufd test VM.
#
# Usage: mkinitramfs.sh OUT.cpio.gz [--file SRC:DEST]... [--bin SRC:DEST]... PROGRAM...
#
# Contents: busybox (static) with a symlink per applet, tests/vm/init as /init, every
# PROGRAM in /tests/ (basename kept), and every shared library ldd reports for them, both at
# its host path (so the ELF interpreter and the default search path find it) and in /lib
# (init sets LD_LIBRARY_PATH=/lib, which finds libraries that lived in a build tree).
# A libtool wrapper script is replaced by the real ELF in its sibling .libs/ directory.
# --file copies SRC to DEST (absolute path inside the initramfs). --bin does the same for a
# program that is not a test (an example run by a wrapper): its real ELF and its libraries.
#
# Reproducible-ish: sorted entries, fixed owner and mtime (SOURCE_DATE_EPOCH, default 0),
# gzip -n.
# shellcheck source-path=SCRIPTDIR
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=lib.sh
. "$HERE/lib.sh"

usage() { print_header "${BASH_SOURCE[0]}"; exit 2; }

(($# >= 1)) || usage
case $1 in -h | --help | -*) usage ;; esac
OUT=$1
shift
FILES=()
BINS=()
PROGS=()
while (($#)); do
	case $1 in
	--file) [[ $# -ge 2 && $2 == *:/* ]] || die "--file wants SRC:/ABS/DEST"; FILES+=("$2"); shift 2 ;;
	--file=*) FILES+=("${1#--file=}"); shift ;;
	--bin) [[ $# -ge 2 && $2 == *:/* ]] || die "--bin wants SRC:/ABS/DEST"; BINS+=("$2"); shift 2 ;;
	-h | --help) usage ;;
	--) shift; PROGS+=("$@"); break ;;
	*) PROGS+=("$1"); shift ;;
	esac
done

ensure_pkgs busybox-static cpio file gzip

BUSYBOX=/bin/busybox
[[ -x $BUSYBOX ]] || die "$BUSYBOX missing (busybox-static)"
# A dynamically linked busybox (package 'busybox') would need its libc: insist on static.
file -L "$BUSYBOX" | grep -q 'statically linked' || die "$BUSYBOX is not static: install busybox-static"

STAGE=$(mktemp -d "${TMPDIR:-/tmp}/libiommufd-initramfs.XXXXXX")
trap 'rm -rf "$STAGE"' EXIT
mkdir -p "$STAGE"/{bin,sbin,usr/bin,usr/sbin,dev,proc,sys,tmp,tests,lib,etc}

install -m 0755 "$BUSYBOX" "$STAGE/bin/busybox"
# One symlink per applet at the path busybox expects (bin/sh, sbin/poweroff, ...).
while read -r applet; do
	[[ -e $STAGE/$applet || -L $STAGE/$applet ]] && continue
	mkdir -p "$STAGE/$(dirname "$applet")"
	ln -s /bin/busybox "$STAGE/$applet"
done < <("$BUSYBOX" --list-full)
install -m 0755 "$HERE/init" "$STAGE/init"
# The kernel opens /dev/console for init before devtmpfs is mounted; without the node init
# starts with no stdio (init re-opens it after mounting devtmpfs, so this is a nicety that
# needs root).
mknod -m 600 "$STAGE/dev/console" c 5 1 2>/dev/null || true

# real_elf PATH: sets ELF to the ELF to copy for PATH (follows a libtool wrapper to .libs/).
# Also adds to LT_LIBDIRS to the .libs directories the wrapper puts on LD_LIBRARY_PATH, which
# ldd needs to resolve the uninstalled library.
LT_LIBDIRS=""
ELF=""
# Not called in $(...): it must set globals.
real_elf() {
	local p=$1 real
	if [[ $(head -c 4 "$p" | od -An -c | tr -d ' ') == '177ELF' ]]; then
		ELF=$p
		return 0
	fi
	if grep -q 'temporary wrapper script for' "$p" 2>/dev/null; then
		real=$(dirname "$p")/.libs/$(basename "$p")
		[[ -f $real ]] || real=$(dirname "$p")/.libs/lt-$(basename "$p")
		[[ -f $real ]] || die "$p is a libtool wrapper but $(dirname "$p")/.libs/ has no binary"
		local d
		while read -r d; do
			LT_LIBDIRS+=${LT_LIBDIRS:+:}$d
		done < <(grep -oE '/[^":$ ]*/\.libs' "$p" | sort -u)
		ELF=$real
		return 0
	fi
	die "$p is neither an ELF nor a libtool wrapper ($(file -b "$p"))"
}

# copy_lib HOSTPATH: at its own path and in /lib.
copy_lib() {
	local lib=$1
	if [[ ! -e $STAGE$lib ]]; then
		mkdir -p "$STAGE$(dirname "$lib")"
		cp -L "$lib" "$STAGE$lib"
	fi
	[[ -e $STAGE/lib/${lib##*/} ]] || cp -L "$lib" "$STAGE/lib/${lib##*/}"
}

# add_elf SRC DEST: the real ELF of SRC at DEST, and every library ldd reports for it.
add_elf() {
	local p=$1 dest=$2 elf lddout lib
	[[ -f $p ]] || die "no such program: $p"
	real_elf "$p"
	elf=$ELF
	[[ -e $STAGE$dest ]] && die "two programs at $dest"
	mkdir -p "$STAGE$(dirname "$dest")"
	install -m 0755 "$elf" "$STAGE$dest"
	# ldd lines: "libx.so => /path (0x..)", "/lib64/ld-linux-x86-64.so.2 (0x..)",
	# "linux-vdso.so.1 (0x..)" (virtual: skip), "libx.so => not found" (error). A static
	# program makes ldd fail with "not a dynamic executable": nothing to copy.
	lddout=$(LD_LIBRARY_PATH=${LT_LIBDIRS}${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH} ldd "$elf" 2>&1) || lddout=""
	if grep -q 'not found' <<<"$lddout"; then
		die "$p: unresolved libraries: $(grep 'not found' <<<"$lddout" | tr -s '\t\n' ' ')"
	fi
	while read -r lib; do
		copy_lib "$lib"
	done < <(awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' <<<"$lddout")
}

for p in "${PROGS[@]}"; do
	add_elf "$p" "/tests/$(basename "$p")"
done
for b in "${BINS[@]}"; do
	add_elf "${b%%:/*}" "/${b#*:/}"
done

for f in "${FILES[@]}"; do
	src=${f%%:/*}
	dest=/${f#*:/}
	[[ -e $src ]] || die "--file: no such file: $src"
	mkdir -p "$STAGE$(dirname "$dest")"
	cp -a "$src" "$STAGE$dest"
done

mkdir -p "$(dirname "$OUT")"
# Fixed mtimes/owners and sorted names keep the archive stable across runs.
find "$STAGE" -exec touch -h -d "@${SOURCE_DATE_EPOCH:-0}" {} +
(
	cd "$STAGE"
	find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
		cpio -o -H newc --owner=0:0 --reproducible --quiet
) | gzip -n -6 >"$OUT.tmp"
mv "$OUT.tmp" "$OUT"
log "wrote $OUT ($(du -k "$OUT" | cut -f1) KiB, ${#PROGS[@]} program(s))"
