// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dirty tracking of HWPTs, for live migration: switch it on and off, and
 * read the bitmap of pages the IOMMU saw written.
 */
#include <stdlib.h>
#include <unistd.h>

#include "private.h"

/* The kernel's bitmap is in 64-bit words; chunks are whole words of it. */
#define BITS_PER_WORD 64

static int set_dirty(struct iommufd_hwpt *hwpt, bool enable)
{
	struct kabi_hwpt_set_dirty_tracking cmd = {
		.size = sizeof(cmd),
		.flags = enable ? KABI_HWPT_DIRTY_TRACKING_ENABLE : 0,
		.hwpt_id = hwpt->pt.id,
	};
	int rc = kernel_ioctl(hwpt->pt.ctx->fd, KABI_IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd);

	if (rc)
		log_cmd_err(hwpt->pt.ctx, KCMD_SET_DIRTY_TRACKING, rc, NULL,
			    "HWPT_SET_DIRTY_TRACKING %s HWPT %u", enable ? "on" : "off",
			    hwpt->pt.id);
	else
		hwpt->dirty_on = enable;
	return rc;
}

IOMMUFD_EXPORT int iommufd_hwpt_set_dirty_tracking(struct iommufd_hwpt *hwpt,
						   bool enable)
{
	if (!hwpt)
		return bad_args(NULL, "!hwpt");
	return set_dirty(hwpt, enable);
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

/* What the library can see is wrong with a dirty read of @kind @id's range. */
static int check_dirty_args(struct iommufd_ctx *ctx, const char *kind, uint32_t id,
			    uint64_t iova, uint64_t length, uint64_t page_size,
			    const uint64_t *bitmap, uint32_t flags)
{
	const char *why = NULL;

	if (!bitmap)
		why = "the bitmap is NULL";
	else if (!is_pow2(page_size) || page_size < 4096)
		why = "the page size must be a power of two of at least 4096";
	else if (!length || (iova | length) & (page_size - 1))
		why = "IOVA and length must be non-zero multiples of the page size";
	else if (iova + (length - 1) < iova)
		why = "the range wraps around";
	else if (flags & ~(uint32_t)IOMMUFD_DIRTY_NO_CLEAR)
		why = "unknown flags";
	if (!why)
		return 0;
	log_err(ctx, "HWPT_GET_DIRTY_BITMAP %s %u iova 0x%llx length 0x%llx page 0x%llx: %s",
		kind, id, (unsigned long long)iova, (unsigned long long)length,
		(unsigned long long)page_size, why);
	return -EINVAL;
}

static int read_dirty(struct iommufd_hwpt *hwpt, uint64_t iova, uint64_t length,
		      uint64_t page_size, uint64_t *bitmap, uint32_t flags)
{
	struct kabi_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd),
		.hwpt_id = hwpt->pt.id,
		.flags = flags & IOMMUFD_DIRTY_NO_CLEAR ? KABI_HWPT_GET_DIRTY_BITMAP_NO_CLEAR : 0,
		.iova = iova,
		.length = length,
		.page_size = page_size,
		.data = (uintptr_t)bitmap,
	};
	int rc = kernel_ioctl(hwpt->pt.ctx->fd, KABI_IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);

	if (rc)
		log_cmd_err(hwpt->pt.ctx, KCMD_GET_DIRTY_BITMAP, rc, NULL,
			    "HWPT_GET_DIRTY_BITMAP HWPT %u iova 0x%llx length 0x%llx", hwpt->pt.id,
			    (unsigned long long)iova, (unsigned long long)length);
	return rc;
}

IOMMUFD_EXPORT int iommufd_hwpt_get_dirty_bitmap(struct iommufd_hwpt *hwpt,
						 uint64_t iova, uint64_t length,
						 uint64_t page_size, uint64_t *bitmap,
						 uint32_t flags)
{
	int rc;

	if (!hwpt)
		return bad_args(NULL, "!hwpt");
	rc = check_dirty_args(hwpt->pt.ctx, "HWPT", hwpt->pt.id, iova, length, page_size, bitmap,
			      flags);
	return rc ? rc : read_dirty(hwpt, iova, length, page_size, bitmap, flags);
}

IOMMUFD_EXPORT int iommufd_hwpt_get_dirty_bitmap_chunked(struct iommufd_hwpt *hwpt,
							 uint64_t iova, uint64_t length,
							 uint64_t page_size,
							 uint64_t *bitmap, uint32_t flags,
							 uint64_t chunk)
{
	uint64_t step, done = 0;
	int rc;

	if (!hwpt)
		return bad_args(NULL, "!hwpt");
	rc = check_dirty_args(hwpt->pt.ctx, "HWPT", hwpt->pt.id, iova, length, page_size, bitmap,
			      flags);
	if (rc)
		return rc;
	/* Whole words of bitmap per call: chunk rounded down to 64 pages. */
	step = page_size > UINT64_MAX / BITS_PER_WORD ? 0 :
	       chunk / (page_size * BITS_PER_WORD) * (page_size * BITS_PER_WORD);
	if (!step) {
		log_err(hwpt->pt.ctx, "HWPT_GET_DIRTY_BITMAP HWPT %u: chunk 0x%llx is below 64 pages of 0x%llx",
			hwpt->pt.id, (unsigned long long)chunk, (unsigned long long)page_size);
		return -EINVAL;
	}
	while (done < length) {
		uint64_t len = length - done < step ? length - done : step;
		uint64_t *words = bitmap + done / page_size / BITS_PER_WORD;

		rc = read_dirty(hwpt, iova + done, len, page_size, words, flags);
		if (rc)
			return rc;
		done += len;
	}
	return 0;
}

/* ---- sets of HWPTs: every HWPT of an IOAS, or the caller's list ---------- */

void iommufd_dirty_register(struct iommufd_hwpt *hwpt)
{
	struct iommufd_ioas *ioas;

	if (!(hwpt->flags & IOMMUFD_HWPT_DIRTY_TRACKING) || !hwpt->parent ||
	    hwpt->parent->kind != PT_IOAS)
		return;
	ioas = (struct iommufd_ioas *)hwpt->parent;
	pthread_mutex_lock(&hwpt->pt.ctx->lock);
	hwpt->dirty_next = ioas->dirty_hwpts;
	ioas->dirty_hwpts = hwpt;
	pthread_mutex_unlock(&hwpt->pt.ctx->lock);
}

void iommufd_dirty_unregister(struct iommufd_hwpt *hwpt)
{
	struct iommufd_hwpt **p;

	if (!hwpt->parent || hwpt->parent->kind != PT_IOAS)
		return;
	pthread_mutex_lock(&hwpt->pt.ctx->lock);
	for (p = &((struct iommufd_ioas *)hwpt->parent)->dirty_hwpts; *p; p = &(*p)->dirty_next) {
		if (*p == hwpt) {
			*p = hwpt->dirty_next;
			break;
		}
	}
	pthread_mutex_unlock(&hwpt->pt.ctx->lock);
}

/* The set's own checks; @fn names the public call in the explanation. */
static int check_set(struct iommufd_hwpt *const *hwpts, size_t count, const char *fn)
{
	struct iommufd_ctx *ctx = NULL;

	if (!hwpts || !count)
		return iommufd_bad_args_at(NULL, __FILE__, __LINE__, fn, "!hwpts || !count");
	/* A context to log to, from any HWPT of the set. */
	for (size_t i = 0; i < count && !ctx; i++)
		ctx = hwpts[i] ? hwpts[i]->pt.ctx : NULL;
	for (size_t i = 0; i < count; i++) {
		if (!hwpts[i])
			return iommufd_bad_args_at(ctx, __FILE__, __LINE__, fn,
						   "a NULL HWPT in the set");
		if (hwpts[i]->pt.ctx != hwpts[0]->pt.ctx) {
			log_err(hwpts[0]->pt.ctx, "%s: HWPT %u and HWPT %u belong to different"
				" contexts", fn, hwpts[0]->pt.id, hwpts[i]->pt.id);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Switches every HWPT of the set on, all or nothing: when one refuses, the
 * ones this call switched on are switched off again (those already on stay
 * on). Switching off goes through the whole set and reports the first
 * failure: off is where a VMM wants to end up, and switching a HWPT back on
 * would clear the dirty bits it holds.
 */
static int set_dirty_set(struct iommufd_hwpt *const *hwpts, size_t count, bool enable)
{
	int first = 0;

	for (size_t i = 0; i < count; i++)
		hwpts[i]->dirty_switched = false;
	for (size_t i = 0; i < count; i++) {
		bool was_on = hwpts[i]->dirty_on;
		int rc = set_dirty(hwpts[i], enable);

		if (!rc) {
			/* Not reset by a second entry of the same HWPT: that one found it on. */
			if (enable && !was_on)
				hwpts[i]->dirty_switched = true;
			continue;
		}
		if (!enable) {
			first = first ? first : rc;
			continue;
		}
		/* Undo what this call did: the ones it switched on go off again. */
		for (size_t j = i; j-- > 0;) {
			if (hwpts[j]->dirty_switched && set_dirty(hwpts[j], false) == 0)
				log_info(hwpts[j]->pt.ctx, "HWPT %u: dirty tracking off again:"
					 " HWPT %u refused it", hwpts[j]->pt.id, hwpts[i]->pt.id);
			hwpts[j]->dirty_switched = false;
		}
		return rc;
	}
	return first;
}

IOMMUFD_EXPORT int iommufd_hwpts_set_dirty_tracking(struct iommufd_hwpt *const *hwpts,
						    size_t count, bool enable)
{
	int rc = check_set(hwpts, count, __func__);

	return rc ? rc : set_dirty_set(hwpts, count, enable);
}

/*
 * The kernel only sets bits: reading each HWPT into one bitmap ORs them.
 * The arguments were checked.
 */
static int read_dirty_set(struct iommufd_hwpt *const *hwpts, size_t count, uint64_t iova,
			  uint64_t length, uint64_t page_size, uint64_t *bitmap,
			  uint32_t flags)
{
	int rc = 0;

	for (size_t i = 0; !rc && i < count; i++)
		rc = read_dirty(hwpts[i], iova, length, page_size, bitmap, flags);
	return rc;
}

IOMMUFD_EXPORT int iommufd_hwpts_get_dirty_bitmap(struct iommufd_hwpt *const *hwpts,
						  size_t count, uint64_t iova,
						  uint64_t length, uint64_t page_size,
						  uint64_t *bitmap, uint32_t flags)
{
	int rc = check_set(hwpts, count, __func__);

	if (!rc)
		rc = check_dirty_args(hwpts[0]->pt.ctx, "HWPT", hwpts[0]->pt.id, iova, length,
				      page_size, bitmap, flags);
	return rc ? rc : read_dirty_set(hwpts, count, iova, length, page_size, bitmap, flags);
}

/*
 * The IOAS's dirty-tracking HWPTs as an array (the caller frees it), with
 * ctx->lock held, so none of them can be freed while the caller works.
 * @what names the command, @call the public call, for log lines.
 */
static int ioas_dirty_set(struct iommufd_ioas *ioas, const char *what, const char *call,
			  struct iommufd_hwpt ***ret_set, size_t *ret_count)
{
	struct iommufd_hwpt **set, *h;
	size_t n = 0;

	for (h = ioas->dirty_hwpts; h; h = h->dirty_next)
		n++;
	if (!n) {
		log_err(ioas->pt.ctx, "%s IOAS %u: no HWPT allocated on it with"
			" IOMMUFD_HWPT_DIRTY_TRACKING (through this library) is left",
			what, ioas->pt.id);
		return -ENOENT;
	}
	set = malloc(n * sizeof(*set));
	if (!set)
		return log_oom(ioas->pt.ctx, call, n * sizeof(*set),
			       "the list of the %zu dirty-tracking HWPTs of IOAS %u", n,
			       ioas->pt.id);
	n = 0;
	/* Oldest first: the list is newest first. */
	for (h = ioas->dirty_hwpts; h; h = h->dirty_next)
		set[n++] = h;
	for (size_t i = 0; i < n / 2; i++) {
		h = set[i];
		set[i] = set[n - 1 - i];
		set[n - 1 - i] = h;
	}
	*ret_set = set;
	*ret_count = n;
	return 0;
}

IOMMUFD_EXPORT int iommufd_ioas_set_dirty_tracking(struct iommufd_ioas *ioas, bool enable)
{
	struct iommufd_hwpt **set;
	size_t n;
	int rc;

	if (!ioas)
		return bad_args(NULL, "!ioas");
	pthread_mutex_lock(&ioas->pt.ctx->lock);
	rc = ioas_dirty_set(ioas, "HWPT_SET_DIRTY_TRACKING", "ioas_set_dirty_tracking", &set, &n);
	if (!rc) {
		rc = set_dirty_set(set, n, enable);
		free(set);
	}
	pthread_mutex_unlock(&ioas->pt.ctx->lock);
	return rc;
}

/* iommufd_ioas_get_dirty_bitmap() for the public call @call. */
static int ioas_read_dirty(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length,
			   uint64_t page_size, uint64_t *bitmap, uint32_t flags,
			   const char *call)
{
	struct iommufd_hwpt **set;
	size_t n;
	int rc;

	/* Bad arguments are said as such, before whether the IOAS has HWPTs to read. */
	rc = check_dirty_args(ioas->pt.ctx, "IOAS", ioas->pt.id, iova, length, page_size,
			      bitmap, flags);
	if (rc)
		return rc;
	pthread_mutex_lock(&ioas->pt.ctx->lock);
	rc = ioas_dirty_set(ioas, "HWPT_GET_DIRTY_BITMAP", call, &set, &n);
	if (!rc) {
		rc = read_dirty_set(set, n, iova, length, page_size, bitmap, flags);
		free(set);
	}
	pthread_mutex_unlock(&ioas->pt.ctx->lock);
	return rc;
}

IOMMUFD_EXPORT int iommufd_ioas_get_dirty_bitmap(struct iommufd_ioas *ioas, uint64_t iova,
						 uint64_t length, uint64_t page_size,
						 uint64_t *bitmap, uint32_t flags)
{
	if (!ioas)
		return bad_args(NULL, "!ioas");
	return ioas_read_dirty(ioas, iova, length, page_size, bitmap, flags,
			       "ioas_get_dirty_bitmap");
}

IOMMUFD_EXPORT int iommufd_ioas_unmap_dirty(struct iommufd_ioas *ioas, uint64_t iova,
					    uint64_t length, uint64_t page_size,
					    uint64_t *bitmap, uint64_t *ret_unmapped)
{
	uint64_t mask = (uint64_t)sysconf(_SC_PAGESIZE) - 1;
	int rc;

	if (!ioas)
		return bad_args(NULL, "!ioas");
	rc = check_dirty_args(ioas->pt.ctx, "IOAS", ioas->pt.id, iova, length, page_size,
			      bitmap, 0);
	if (rc)
		return rc;
	/*
	 * The mappings are whole CPU pages (iommufd_ioas_map()), so a range
	 * that is not cannot be unmapped: refused before its bits are cleared.
	 */
	if ((iova | length) & mask) {
		log_err(ioas->pt.ctx, "IOAS_UNMAP with dirty bits IOAS %u iova 0x%llx length"
			" 0x%llx: EINVAL: not a multiple of the page size (%llu): mappings are whole"
			" pages, the unmap would fail after the dirty bits were read and cleared",
			ioas->pt.id, (unsigned long long)iova, (unsigned long long)length,
			(unsigned long long)mask + 1);
		return -EINVAL;
	}
	/* The bits are read (and cleared) first: once unmapped, they are gone. */
	rc = ioas_read_dirty(ioas, iova, length, page_size, bitmap, 0, "ioas_unmap_dirty");
	if (rc)
		return rc;
	return iommufd_ioas_unmap(ioas, iova, length, 0, ret_unmapped);
}
