#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
#
# Count what QEMU's iommufd code asks of the kernel directly, and what it
# asks of libiommufd, in the files the contrib/qemu patches change.
#
# usage: tests/qemu/count-ioctls.sh QEMU_SOURCE_DIR [LIBIOMMUFD_SYM]
#
# Per file it prints:
#   lines        wc -l
#   code         lines that are neither blank nor only comment
#   iommufd      ioctl( call sites whose request is an iommufd command
#                (IOMMU_*) or a VFIO-iommufd one (VFIO_DEVICE_BIND_IOMMUFD,
#                VFIO_DEVICE_ATTACH_IOMMUFD_PT, VFIO_DEVICE_DETACH_IOMMUFD_PT)
#   other        other ioctl( call sites (VFIO device ioctls that never
#                touch iommufd state)
#   uapi         uses of the kernel's iommufd argument structs
#                (struct iommu_*, struct vfio_device_{bind,attach,detach}*)
#   lib          call sites of exported libiommufd functions (names taken
#                from LIBIOMMUFD_SYM, default libiommufd/libiommufd.sym
#                next to this script)
#
# A call site is a line with "ioctl(" outside a comment; the request is the
# constant named on that line. Comment lines are those whose first
# non-blank characters are "/*", "*" or "//".

set -eu

src=${1:?usage: $0 QEMU_SOURCE_DIR [LIBIOMMUFD_SYM]}
sym=${2:-$(dirname "$0")/../../libiommufd/libiommufd.sym}
files="backends/iommufd.c hw/vfio/iommufd.c hw/vfio/cpr-iommufd.c"

[ -r "$sym" ] || { echo "$0: no symbol file $sym" >&2; exit 1; }
funcs=$(sed -n 's/^[[:space:]]*\(iommufd_[a-z0-9_]*\);.*/\1/p' "$sym" |
	paste -sd'|' -)

# Lines of code: drop blank lines and comment-only lines.
code_lines() {
	grep -v -E '^[[:space:]]*($|/\*|\*|//)' "$1" | wc -l
}

ioctl_sites() {
	grep -v -E '^[[:space:]]*(/\*|\*|//)' "$1" | grep -E '(^|[^_a-z])ioctl\(' || true
}

printf '%-24s %6s %6s %8s %6s %5s %4s\n' file lines code iommufd other uapi lib
t_l=0 t_c=0 t_i=0 t_o=0 t_u=0 t_lib=0
for f in $files; do
	p=$src/$f
	[ -r "$p" ] || { echo "$0: missing $p" >&2; exit 1; }
	l=$(wc -l < "$p")
	c=$(code_lines "$p")
	i=$(ioctl_sites "$p" |
	    grep -c -E 'IOMMU_[A-Z_]+|VFIO_DEVICE_(BIND_IOMMUFD|ATTACH_IOMMUFD_PT|DETACH_IOMMUFD_PT)' || true)
	a=$(ioctl_sites "$p" | wc -l)
	o=$((a - i))
	u=$(grep -v -E '^[[:space:]]*(/\*|\*|//)' "$p" |
	    grep -o -E 'struct (iommu_[a-z_]+|vfio_device_(bind|attach|detach)_iommufd[a-z_]*)' |
	    wc -l)
	lib=$(grep -v -E '^[[:space:]]*(/\*|\*|//)' "$p" |
	      grep -o -E "(^|[^a-z_])($funcs)\(" | wc -l)
	printf '%-24s %6d %6d %8d %6d %5d %4d\n' "$f" "$l" "$c" "$i" "$o" "$u" "$lib"
	t_l=$((t_l + l)) t_c=$((t_c + c)) t_i=$((t_i + i)) t_o=$((t_o + o))
	t_u=$((t_u + u)) t_lib=$((t_lib + lib))
done
printf '%-24s %6d %6d %8d %6d %5d %4d\n' total "$t_l" "$t_c" "$t_i" "$t_o" "$t_u" "$t_lib"

# Which iommufd requests remain, one per line with its file.
for f in $files; do
	ioctl_sites "$src/$f" |
	grep -o -E 'IOMMU_[A-Z_]+|VFIO_DEVICE_[A-Z_]+' |
	sed "s|^|  $f: |"
done
