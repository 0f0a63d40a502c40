// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IO address spaces: allocation, mapping user memory, unmapping and the
 * IOVA ranges a mapping may use.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

/* Bounds the EMSGSIZE retry loop should ranges keep changing under us. */
#define IOVA_RANGES_TRIES 8
/*
 * Room for the ranges the first IOVA_RANGES call asks for, on the stack:
 * an IOAS has one range, or a few around reserved windows (MSI, a
 * device's reserved regions), so one call is the rule and two the
 * exception.
 */
#define IOVA_RANGES_ROOM 8

IOMMUFD_EXPORT int iommufd_ioas_alloc(struct iommufd_ctx *ctx,
				      struct iommufd_ioas **ret_ioas)
{
	struct kabi_ioas_alloc cmd = { .size = sizeof(cmd) };
	struct iommufd_ioas *ioas;
	int rc;

	if (!ctx || !ret_ioas)
		return bad_args(ctx, "!ctx || !ret_ioas");
	/*
	 * malloc and a whole initializer, not calloc: glibc's calloc skips its
	 * per-thread cache and costs twice as much (tests/bench, host table).
	 */
	ioas = malloc(sizeof(*ioas));
	if (!ioas)
		return log_oom(ctx, "ioas_alloc", sizeof(*ioas), "the IOAS handle");
	rc = kernel_ioctl(ctx->fd, KABI_IOMMU_IOAS_ALLOC, &cmd);
	if (rc) {
		log_err(ctx, "IOAS_ALLOC: %s", iommufd_errname(rc));
		free(ioas);
		return rc;
	}
	*ioas = (struct iommufd_ioas){
		.pt = { .kind = PT_IOAS, .id = cmd.out_ioas_id, .ctx = iommufd_ctx_ref(ctx) },
	};
	atomic_init(&ioas->pt.refcount, 1);
	log_dbg(ctx, "IOAS %u allocated", ioas->pt.id);
	*ret_ioas = ioas;
	return 0;
}

IOMMUFD_EXPORT struct iommufd_ioas *iommufd_ioas_ref(struct iommufd_ioas *ioas)
{
	if (ioas)
		iommufd_pt_ref(&ioas->pt);
	return ioas;
}

static void ioas_free(struct iommufd_ioas *ioas)
{
	iommufd_ctx_unref(ioas->pt.ctx);
	free(ioas);
}

IOMMUFD_EXPORT struct iommufd_ioas *iommufd_ioas_unref(struct iommufd_ioas *ioas)
{
	if (!ioas || atomic_fetch_sub(&ioas->pt.refcount, 1) != 1)
		return NULL;
	if (!ioas->pt.borrowed)
		iommufd_release_id(ioas->pt.ctx, ioas->pt.id, "IOAS");
	ioas_free(ioas);
	return NULL;
}

IOMMUFD_EXPORT int iommufd_ioas_destroy(struct iommufd_ioas *ioas)
{
	int rc;

	if (!ioas)
		return bad_args(NULL, "!ioas");
	rc = iommufd_destroy_handle(ioas->pt.ctx, &ioas->pt.refcount, NULL, ioas->pt.id, "IOAS");
	if (!rc)
		ioas_free(ioas);
	return rc;
}

/* One IOVA_RANGES call into @ranges (room for *count); updates *count. */
static int query_ranges(struct iommufd_ctx *ctx, uint32_t ioas_id,
			struct kabi_iova_range *ranges, size_t *count,
			uint64_t *alignment)
{
	struct kabi_ioas_iova_ranges cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas_id,
		.num_iovas = (uint32_t)*count,
		.allowed_iovas = (uintptr_t)ranges,
	};
	int rc = kernel_ioctl(ctx->fd, KABI_IOMMU_IOAS_IOVA_RANGES, &cmd);

	if (rc == 0 || rc == -EMSGSIZE)
		*count = cmd.num_iovas;
	if (rc == 0)
		*alignment = cmd.out_iova_alignment;
	return rc;
}

IOMMUFD_EXPORT int iommufd_ioas_new_from_id(struct iommufd_ctx *ctx, uint32_t ioas_id,
					    uint32_t adopt, struct iommufd_ioas **ret_ioas)
{
	struct iommufd_ioas *ioas;
	uint64_t alignment;
	size_t count = 0;
	int rc;

	if (!ctx || !ioas_id || !ret_ioas) {
		log_err(ctx, "ioas_new_from_id: NULL context or result, or ID 0");
		return -EINVAL;
	}
	rc = iommufd_check_adopt(ctx, adopt, "ioas_new_from_id");
	if (rc)
		return rc;
	/* Only an IOAS answers IOVA_RANGES: 0, or EMSGSIZE with no room given. */
	rc = query_ranges(ctx, ioas_id, NULL, &count, &alignment);
	if (rc && rc != -EMSGSIZE) {
		log_cmd_err(ctx, KCMD_IOAS_BY_ID, rc, NULL,
			    "ioas_new_from_id: ID %u: IOAS_IOVA_RANGES gave", ioas_id);
		return rc;
	}
	ioas = calloc(1, sizeof(*ioas));
	if (!ioas)
		return log_oom(ctx, "ioas_new_from_id", sizeof(*ioas), "the handle of IOAS %u",
			       ioas_id);
	atomic_init(&ioas->pt.refcount, 1);
	ioas->pt.kind = PT_IOAS;
	ioas->pt.id = ioas_id;
	ioas->pt.borrowed = adopt == IOMMUFD_ADOPT_BORROW;
	ioas->pt.ctx = iommufd_ctx_ref(ctx);
	log_dbg(ctx, "IOAS %u adopted (%s)", ioas_id, ioas->pt.borrowed ? "borrowed" : "owned");
	*ret_ioas = ioas;
	return 0;
}

const char *iommufd_explain_ranges(struct iommufd_ctx *ctx, uint32_t ioas_id,
				   char *buf, size_t len)
{
	struct kabi_iova_range ranges[4];
	size_t count = ARRAY_SIZE(ranges), used;
	uint64_t alignment = 0;
	int rc = query_ranges(ctx, ioas_id, ranges, &count, &alignment);

	if (rc && rc != -EMSGSIZE)
		return "";
	if (!count || (count == 1 && ranges[0].start == 0 && ranges[0].last == 0)) {
		snprintf(buf, len, "; IOAS %u has no usable IOVA range left: a kernel bug gives a"
			 " HWPT allocated on an IOAS that already has mappings the aperture [0, 0]"
			 " (6.12 with virtio-iommu; fixed by 7.2): allocate HWPTs before mapping",
			 ioas_id);
		return buf;
	}
	used = (size_t)snprintf(buf, len, "; usable IOVA ranges of IOAS %u:", ioas_id);
	for (size_t i = 0; i < count && i < ARRAY_SIZE(ranges) && used < len; i++)
		used += (size_t)snprintf(buf + used, len - used, " [0x%llx, 0x%llx]",
					 (unsigned long long)ranges[i].start,
					 (unsigned long long)ranges[i].last);
	if (count > ARRAY_SIZE(ranges) && used < len)
		snprintf(buf + used, len - used, " ...");
	return buf;
}

IOMMUFD_EXPORT uint32_t iommufd_ioas_get_id(const struct iommufd_ioas *ioas)
{
	return ioas ? ioas->pt.id : 0;
}

IOMMUFD_EXPORT struct iommufd_pt *iommufd_ioas_as_pt(struct iommufd_ioas *ioas)
{
	return ioas ? &ioas->pt : NULL;
}

/* True when [start, start + length) wraps past the end of the 64-bit space. */
static bool range_wraps(uint64_t start, uint64_t length)
{
	return start + (length - 1) < start;
}

/*
 * The kernel pins whole pages; its IOVA alignment is that of the domains
 * attached to the IOAS, 1 byte while none is. So it accepts a misaligned
 * mapping in an IOAS without devices, and from then on refuses every
 * attach to that IOAS with EADDRINUSE (the new domain cannot hold the
 * mapping). No caller wants that: the library refuses it first.
 */
int iommufd_check_aligned(struct iommufd_ioas *ioas, const char *what, const char *start_name,
			  uint64_t start, uint64_t length, uint64_t iova, bool fixed)
{
	uint64_t mask = (uint64_t)sysconf(_SC_PAGESIZE) - 1;
	char at[32] = "";

	if (!(start & mask) && !(length & mask) && (!fixed || !(iova & mask)))
		return 0;
	if (fixed)
		snprintf(at, sizeof(at), " iova 0x%llx", (unsigned long long)iova);
	log_err(ioas->pt.ctx, "%s IOAS %u: %s 0x%llx length 0x%llx%s: EINVAL: not a multiple of"
		" the page size (%llu): the kernel would take it while no device is attached,"
		" then refuse every attach to the IOAS with EADDRINUSE", what, ioas->pt.id,
		start_name, (unsigned long long)start, (unsigned long long)length, at,
		(unsigned long long)mask + 1);
	return -EINVAL;
}

/* What the library can see is wrong with a map request. */
static int check_map_args(struct iommufd_ioas *ioas, void *va, uint64_t length,
			  uint64_t iova, uint32_t prot, bool fixed)
{
	struct iommufd_ctx *ctx = ioas->pt.ctx;

	if (!va || !length) {
		log_err(ctx, "IOAS_MAP IOAS %u: %s", ioas->pt.id,
			!va ? "NULL address" : "zero length");
		return -EINVAL;
	}
	if (!prot || (prot & ~(uint32_t)(IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE))) {
		log_err(ctx, "IOAS_MAP IOAS %u: prot 0x%x: need READ and/or WRITE and nothing else",
			ioas->pt.id, prot);
		return -EINVAL;
	}
	if (range_wraps((uintptr_t)va, length) || (fixed && range_wraps(iova, length))) {
		log_err(ctx, "IOAS_MAP IOAS %u: length 0x%llx wraps around the address space",
			ioas->pt.id, (unsigned long long)length);
		return -EINVAL;
	}
	return iommufd_check_aligned(ioas, "IOAS_MAP", "va", (uintptr_t)va, length, iova, fixed);
}

/* Why IOAS_MAP or IOAS_MAP_FILE failed, as ": ..." (asks the kernel on EINVAL/ENOSPC). */
static const char *explain_map_error(struct iommufd_ioas *ioas, int rc, char *buf,
				     size_t len)
{
	char more[384];

	switch (rc) {
	case -EEXIST:
		return ": the IOVA range is already mapped";
	case -ENOMEM:
		snprintf(buf, len, ": %s",
			 iommufd_explain_memlock(ioas->pt.ctx, more, sizeof(more)));
		return buf;
	case -ENOSPC:
	case -EINVAL:
		snprintf(buf, len, "%s%s", rc == -ENOSPC ?
			 ": no free IOVA range is large enough" :
			 ": misaligned for a domain attached to the IOAS, or outside its usable IOVA ranges",
			 iommufd_explain_ranges(ioas->pt.ctx, ioas->pt.id, more, sizeof(more)));
		return buf;
	default:
		return "";
	}
}

static uint32_t map_flags(uint32_t prot, bool fixed)
{
	return (fixed ? KABI_IOAS_MAP_FIXED_IOVA : 0) |
	       (prot & IOMMUFD_MAP_READ ? KABI_IOAS_MAP_READABLE : 0) |
	       (prot & IOMMUFD_MAP_WRITE ? KABI_IOAS_MAP_WRITEABLE : 0);
}

static int ioas_map(struct iommufd_ioas *ioas, void *va, uint64_t length,
		    uint64_t iova, uint32_t prot, bool fixed, uint64_t *ret_iova)
{
	struct kabi_ioas_map cmd = {
		.size = sizeof(cmd),
		.flags = map_flags(prot, fixed),
		.ioas_id = ioas->pt.id,
		.user_va = (uintptr_t)va,
		.length = length,
		.iova = fixed ? iova : 0,
	};
	int rc = check_map_args(ioas, va, length, iova, prot, fixed);

	if (rc)
		return rc;
	rc = kernel_ioctl(ioas->pt.ctx->fd, KABI_IOMMU_IOAS_MAP, &cmd);
	if (rc) {
		char why[512];

		log_err(ioas->pt.ctx, "IOAS_MAP IOAS %u va %p length 0x%llx iova %s0x%llx: %s%s",
			ioas->pt.id, va, (unsigned long long)length,
			fixed ? "" : "(any) ", (unsigned long long)iova,
			iommufd_errname(rc), explain_map_error(ioas, rc, why, sizeof(why)));
		return rc;
	}
	if (ret_iova)
		*ret_iova = cmd.iova;
	return 0;
}

IOMMUFD_EXPORT int iommufd_ioas_map(struct iommufd_ioas *ioas, void *va,
				    uint64_t length, uint32_t prot,
				    uint64_t *ret_iova)
{
	if (!ioas || !ret_iova)
		return bad_args(ioas ? ioas->pt.ctx : NULL, !ioas ? "!ioas" :
				"NULL ret_iova: the kernel chooses the IOVA, the caller must"
				" learn it (iommufd_ioas_map_fixed() takes one)");
	return ioas_map(ioas, va, length, 0, prot, false, ret_iova);
}

IOMMUFD_EXPORT int iommufd_ioas_map_fixed(struct iommufd_ioas *ioas, void *va,
					  uint64_t length, uint64_t iova,
					  uint32_t prot)
{
	if (!ioas)
		return bad_args(NULL, "!ioas");
	return ioas_map(ioas, va, length, iova, prot, true, NULL);
}

static int ioas_unmap(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length,
		      uint32_t flags, uint64_t *ret_unmapped)
{
	struct kabi_ioas_unmap cmd = {
		.size = sizeof(cmd),
		.ioas_id = ioas->pt.id,
		.iova = iova,
		.length = length,
	};
	int rc = kernel_ioctl(ioas->pt.ctx->fd, KABI_IOMMU_IOAS_UNMAP, &cmd);

	if (rc == -ENOENT && (flags & IOMMUFD_UNMAP_ABSENT_OK)) {
		log_dbg(ioas->pt.ctx, "IOAS_UNMAP IOAS %u iova 0x%llx length 0x%llx: nothing"
			" (whole) mapped there, as the caller allows", ioas->pt.id,
			(unsigned long long)iova, (unsigned long long)length);
		if (ret_unmapped)
			*ret_unmapped = 0;
		return 0;
	}
	if (rc) {
		log_cmd_err(ioas->pt.ctx, KCMD_IOAS_UNMAP, rc, NULL,
			    "IOAS_UNMAP IOAS %u iova 0x%llx length 0x%llx", ioas->pt.id,
			    (unsigned long long)iova, (unsigned long long)length);
		return rc;
	}
	if (ret_unmapped)
		*ret_unmapped = cmd.length;
	return 0;
}

IOMMUFD_EXPORT int iommufd_ioas_unmap(struct iommufd_ioas *ioas, uint64_t iova,
				      uint64_t length, uint32_t flags,
				      uint64_t *ret_unmapped)
{
	if (!ioas)
		return bad_args(NULL, "!ioas");
	if (!length || range_wraps(iova, length) || (flags & ~(uint32_t)IOMMUFD_UNMAP_ABSENT_OK)) {
		log_err(ioas->pt.ctx, "IOAS_UNMAP IOAS %u: %s", ioas->pt.id,
			!length ? "zero length" : flags & ~(uint32_t)IOMMUFD_UNMAP_ABSENT_OK ?
			"unknown flags" : "range wraps around");
		return -EINVAL;
	}
	return ioas_unmap(ioas, iova, length, flags, ret_unmapped);
}

IOMMUFD_EXPORT int iommufd_ioas_unmap_all(struct iommufd_ioas *ioas,
					  uint64_t *ret_unmapped)
{
	if (!ioas)
		return bad_args(NULL, "!ioas");
	/* The kernel's spelling of "all": IOVA 0, length of the whole space. */
	return ioas_unmap(ioas, 0, UINT64_MAX, 0, ret_unmapped);
}

_Static_assert(sizeof(struct iommufd_iova_range) == sizeof(struct kabi_iova_range),
	       "public and kernel IOVA range layouts match");

static int ranges_oom(struct iommufd_ioas *ioas, size_t count)
{
	return log_oom(ioas->pt.ctx, "ioas_get_iova_ranges", count * sizeof(struct kabi_iova_range),
		       "the %zu IOVA ranges of IOAS %u", count, ioas->pt.id);
}

/*
 * The ranges of @ioas in a new array: one call with room on the stack
 * (copied out), or, when the kernel has more, a heap array grown to what
 * it says until they fit.
 */
static int read_ranges(struct iommufd_ioas *ioas, struct kabi_iova_range **ret_ranges,
		       size_t *ret_count, uint64_t *ret_alignment)
{
	struct kabi_iova_range stack[IOVA_RANGES_ROOM], *ranges = NULL;
	size_t room = 0, count = ARRAY_SIZE(stack);
	int rc = query_ranges(ioas->pt.ctx, ioas->pt.id, stack, &count, ret_alignment);

	if (rc == 0 && count) {
		ranges = malloc(count * sizeof(*ranges));
		if (!ranges)
			return ranges_oom(ioas, count);
		memcpy(ranges, stack, count * sizeof(*ranges));
	}
	/* Grow to what the kernel says, then ask again. */
	for (int tries = 1; rc == -EMSGSIZE && tries < IOVA_RANGES_TRIES; tries++) {
		if (count > room) {
			struct kabi_iova_range *bigger = realloc(ranges, count * sizeof(*ranges));

			if (!bigger) {
				free(ranges);
				return ranges_oom(ioas, count);
			}
			ranges = bigger;
			room = count;
		}
		count = room;
		rc = query_ranges(ioas->pt.ctx, ioas->pt.id, ranges, &count, ret_alignment);
	}
	if (rc || !count) {
		free(ranges);
		ranges = NULL;
	}
	if (rc)
		log_err(ioas->pt.ctx, "IOAS_IOVA_RANGES IOAS %u: %s", ioas->pt.id,
			iommufd_errname(rc));
	*ret_ranges = ranges;
	*ret_count = count;
	return rc;
}

IOMMUFD_EXPORT int iommufd_ioas_get_iova_ranges(struct iommufd_ioas *ioas,
						struct iommufd_iova_range **ret_ranges,
						size_t *ret_count,
						uint64_t *ret_alignment)
{
	struct kabi_iova_range *ranges;
	uint64_t alignment = 0;
	size_t count;
	int rc;

	if (!ioas || !ret_ranges || !ret_count)
		return bad_args(ioas ? ioas->pt.ctx : NULL, "!ioas || !ret_ranges || !ret_count");
	rc = read_ranges(ioas, &ranges, &count, &alignment);
	if (rc)
		return rc;
	*ret_ranges = (struct iommufd_iova_range *)ranges;
	*ret_count = count;
	if (ret_alignment)
		*ret_alignment = alignment;
	return 0;
}

/* ---- memfd mappings ------------------------------------------------------ */

static int ioas_map_file(struct iommufd_ioas *ioas, int fd, uint64_t start,
			 uint64_t length, uint64_t iova, uint32_t prot, bool fixed,
			 uint64_t *ret_iova)
{
	struct kabi_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = map_flags(prot, fixed),
		.ioas_id = ioas->pt.id,
		.fd = fd,
		.start = start,
		.length = length,
		.iova = fixed ? iova : 0,
	};
	struct iommufd_ctx *ctx = ioas->pt.ctx;
	int rc;

	if (fd < 0 || !length || range_wraps(start, length) ||
	    (fixed && range_wraps(iova, length)) || !prot ||
	    (prot & ~(uint32_t)(IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE))) {
		log_err(ctx, "IOAS_MAP_FILE IOAS %u: fd %d start 0x%llx length 0x%llx prot 0x%x: invalid",
			ioas->pt.id, fd, (unsigned long long)start,
			(unsigned long long)length, prot);
		return -EINVAL;
	}
	/* A closed fd is the caller's mistake, said as such, not the kernel's EBADF. */
	if (fcntl(fd, F_GETFD) < 0) {
		log_err(ctx, "IOAS_MAP_FILE IOAS %u: fd %d start 0x%llx length 0x%llx: EBADF:"
			" not an open file descriptor", ioas->pt.id, fd,
			(unsigned long long)start, (unsigned long long)length);
		return -EBADF;
	}
	rc = iommufd_check_aligned(ioas, "IOAS_MAP_FILE", "start", start, length, iova, fixed);
	if (rc)
		return rc;
	rc = kernel_ioctl(ctx->fd, KABI_IOMMU_IOAS_MAP_FILE, &cmd);
	if (rc) {
		char why[512];

		log_cmd_err(ctx, KCMD_IOAS_MAP_FILE, rc, explain_map_error(ioas, rc, why, sizeof(why)),
			    "IOAS_MAP_FILE IOAS %u fd %d length 0x%llx", ioas->pt.id, fd,
			    (unsigned long long)length);
		return rc;
	}
	if (ret_iova)
		*ret_iova = cmd.iova;
	return 0;
}

IOMMUFD_EXPORT int iommufd_ioas_map_file(struct iommufd_ioas *ioas, int fd,
					 uint64_t start, uint64_t length,
					 uint32_t prot, uint64_t *ret_iova)
{
	if (!ioas || !ret_iova)
		return bad_args(ioas ? ioas->pt.ctx : NULL, !ioas ? "!ioas" :
				"NULL ret_iova: the kernel chooses the IOVA, the caller must"
				" learn it (iommufd_ioas_map_file_fixed() takes one)");
	return ioas_map_file(ioas, fd, start, length, 0, prot, false, ret_iova);
}

IOMMUFD_EXPORT int iommufd_ioas_map_file_fixed(struct iommufd_ioas *ioas, int fd,
					       uint64_t start, uint64_t length,
					       uint64_t iova, uint32_t prot)
{
	if (!ioas)
		return bad_args(NULL, "!ioas");
	return ioas_map_file(ioas, fd, start, length, iova, prot, true, NULL);
}

/* ---- copy and allowed ranges --------------------------------------------- */

IOMMUFD_EXPORT int iommufd_ioas_copy(struct iommufd_ioas *dst, uint64_t dst_iova,
				     struct iommufd_ioas *src, uint64_t src_iova,
				     uint64_t length, uint32_t prot)
{
	struct kabi_ioas_copy cmd = {
		.size = sizeof(cmd),
		/* A copy always lands at the IOVA asked for. */
		.flags = map_flags(prot, true),
		.length = length,
		.dst_iova = dst_iova,
		.src_iova = src_iova,
	};
	int rc;

	if (!dst || !src)
		return bad_args(dst ? dst->pt.ctx : src ? src->pt.ctx : NULL, "!dst || !src");
	if (dst->pt.ctx != src->pt.ctx || !length || range_wraps(dst_iova, length) ||
	    range_wraps(src_iova, length) || !prot ||
	    (prot & ~(uint32_t)(IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE))) {
		log_err(dst->pt.ctx, "IOAS_COPY IOAS %u -> IOAS %u length 0x%llx prot 0x%x: invalid%s",
			src->pt.id, dst->pt.id, (unsigned long long)length, prot,
			dst->pt.ctx != src->pt.ctx ? " (the IOASes belong to different contexts)" : "");
		return -EINVAL;
	}
	/* The copy lands at dst_iova with src_iova's offset in its page. */
	rc = iommufd_check_aligned(dst, "IOAS_COPY", "src_iova", src_iova, length, dst_iova, true);
	if (rc)
		return rc;
	cmd.dst_ioas_id = dst->pt.id;
	cmd.src_ioas_id = src->pt.id;
	rc = kernel_ioctl(dst->pt.ctx->fd, KABI_IOMMU_IOAS_COPY, &cmd);
	if (rc)
		log_cmd_err(dst->pt.ctx, KCMD_IOAS_COPY, rc, NULL,
			    "IOAS_COPY IOAS %u iova 0x%llx -> IOAS %u iova 0x%llx length 0x%llx",
			    src->pt.id, (unsigned long long)src_iova, dst->pt.id,
			    (unsigned long long)dst_iova, (unsigned long long)length);
	return rc;
}

_Static_assert(offsetof(struct iommufd_iova_range, last) ==
	       offsetof(struct kabi_iova_range, last), "range layouts match");

IOMMUFD_EXPORT int iommufd_ioas_allow_iovas(struct iommufd_ioas *ioas,
					    const struct iommufd_iova_range *ranges,
					    size_t count)
{
	struct kabi_ioas_allow_iovas cmd = { .size = sizeof(cmd) };
	int rc;

	if (!ioas || (count && !ranges) || count > UINT32_MAX)
		return bad_args(ioas ? ioas->pt.ctx : NULL,
				"!ioas || (count && !ranges) || count > UINT32_MAX");
	for (size_t i = 0; i < count; i++) {
		if (ranges[i].start > ranges[i].last) {
			log_err(ioas->pt.ctx, "IOAS_ALLOW_IOVAS IOAS %u: range %zu ends before it starts",
				ioas->pt.id, i);
			return -EINVAL;
		}
	}
	cmd.ioas_id = ioas->pt.id;
	cmd.num_iovas = (uint32_t)count;
	cmd.allowed_iovas = (uintptr_t)ranges;
	rc = kernel_ioctl(ioas->pt.ctx->fd, KABI_IOMMU_IOAS_ALLOW_IOVAS, &cmd);
	if (rc)
		log_cmd_err(ioas->pt.ctx, KCMD_IOAS_ALLOW_IOVAS, rc, NULL,
			    "IOAS_ALLOW_IOVAS IOAS %u (%zu ranges)", ioas->pt.id, count);
	return rc;
}

/* ---- per-IOAS options ---------------------------------------------------- */

IOMMUFD_EXPORT int iommufd_ioas_set_huge_pages(struct iommufd_ioas *ioas, bool enable)
{
	uint64_t val = enable;

	if (!ioas)
		return bad_args(NULL, "!ioas");
	return iommufd_option(ioas->pt.ctx, KABI_OPTION_HUGE_PAGES, KABI_OPTION_OP_SET,
			      ioas->pt.id, &val, "HUGE_PAGES");
}

IOMMUFD_EXPORT int iommufd_ioas_get_huge_pages(struct iommufd_ioas *ioas,
					       bool *ret_enabled)
{
	uint64_t val = 0;
	int rc;

	if (!ioas || !ret_enabled)
		return bad_args(ioas ? ioas->pt.ctx : NULL, "!ioas || !ret_enabled");
	rc = iommufd_option(ioas->pt.ctx, KABI_OPTION_HUGE_PAGES, KABI_OPTION_OP_GET,
			    ioas->pt.id, &val, "HUGE_PAGES");
	if (!rc)
		*ret_enabled = val != 0;
	return rc;
}

