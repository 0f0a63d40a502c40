// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dirty tracking of HWPTs, for live migration: switch it on and off, and
 * read the bitmap of pages the IOMMU saw written.
 */
#include "private.h"

/* The kernel's bitmap is in 64-bit words; chunks are whole words of it. */
#define BITS_PER_WORD 64

IOMMUFD_EXPORT int iommufd_hwpt_set_dirty_tracking(struct iommufd_hwpt *hwpt,
						   bool enable)
{
	struct kabi_hwpt_set_dirty_tracking cmd = {
		.size = sizeof(cmd),
		.flags = enable ? KABI_HWPT_DIRTY_TRACKING_ENABLE : 0,
	};
	int rc;

	if (!hwpt)
		return iommufd_bad_args(__func__, "!hwpt");
	cmd.hwpt_id = hwpt->pt.id;
	rc = kernel_ioctl(hwpt->pt.ctx->fd, KABI_IOMMU_HWPT_SET_DIRTY_TRACKING, &cmd);
	if (rc)
		log_cmd_err(hwpt->pt.ctx, KCMD_SET_DIRTY_TRACKING, rc, NULL,
			    "HWPT_SET_DIRTY_TRACKING %s HWPT %u", enable ? "on" : "off",
			    hwpt->pt.id);
	return rc;
}

static bool is_pow2(uint64_t v)
{
	return v && !(v & (v - 1));
}

static int check_dirty_args(struct iommufd_hwpt *hwpt, uint64_t iova,
			    uint64_t length, uint64_t page_size,
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
	log_err(hwpt->pt.ctx, "HWPT_GET_DIRTY_BITMAP HWPT %u iova 0x%llx length 0x%llx page 0x%llx: %s",
		hwpt->pt.id, (unsigned long long)iova, (unsigned long long)length,
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
		return iommufd_bad_args(__func__, "!hwpt");
	rc = check_dirty_args(hwpt, iova, length, page_size, bitmap, flags);
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
		return iommufd_bad_args(__func__, "!hwpt");
	rc = check_dirty_args(hwpt, iova, length, page_size, bitmap, flags);
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
