// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's selftest mock IOMMU (CONFIG_IOMMUFD_TEST) as a vendor of its
 * own: its GET_HW_INFO record, its nested HWPT data and its invalidation
 * entries. The layouts are those of the kernel's
 * drivers/iommu/iommufd/iommufd_test.h (6.12 and 7.x agree on what is
 * built here); they let the VM tests drive nesting with no IOMMU hardware.
 */
#include "vendor.h"

void vendor_selftest_decode(const struct kabi_hw_info_selftest *rec,
			    struct iommufd_selftest_info *info)
{
	memset(info, 0, sizeof(*info));
	info->sz = sizeof(*info);
	info->flags = rec->flags;
	info->test_reg = rec->test_reg;
}

#define SELFTEST_INFO_MIN \
	(offsetof(struct iommufd_selftest_info, flags) + sizeof(uint32_t))

IOMMUFD_EXPORT int iommufd_selftest_info_decode(struct iommufd_ctx *ctx,
						const void *data, size_t len,
						struct iommufd_selftest_info *ret_info)
{
	struct kabi_hw_info_selftest rec;
	struct iommufd_selftest_info info;
	int rc;

	rc = vendor_out_check(ctx, ret_info, SELFTEST_INFO_MIN, "selftest hw info");
	if (!rc)
		rc = vendor_len_check(ctx, data, len, sizeof(rec), "selftest hw info");
	if (rc)
		return rc;
	memcpy(&rec, data, sizeof(rec));
	vendor_selftest_decode(&rec, &info);
	if (info.test_reg != KABI_TEST_HW_INFO_REGVAL)
		log_info(ctx, "selftest hw info: test_reg is %#x, not %#x", info.test_reg,
			 KABI_TEST_HW_INFO_REGVAL);
	vendor_copy_out(ret_info, &info, sizeof(info));
	return 0;
}

IOMMUFD_EXPORT int iommufd_selftest_hwpt_build(struct iommufd_ctx *ctx,
					       uint32_t iotlb, void *buf,
					       size_t buf_len, uint32_t *ret_type,
					       size_t *ret_len)
{
	static const char what[] = "selftest HWPT data";
	struct kabi_hwpt_selftest out = { .iotlb = iotlb };
	int rc;

	rc = vendor_buf_check(ctx, buf, buf_len, KABI_HWPT_SELFTEST_SIZE_V1, what);
	if (rc)
		return rc;
	if (!iotlb) {
		log_err(ctx, "%s: iotlb 0: all-zero data reads as no data (use e.g. IOMMUFD_SELFTEST_IOTLB_DEFAULT)",
			what);
		return -EINVAL;
	}
	/* Only the first member: every kernel with the mock driver takes it. */
	vendor_emit(buf, &out, KABI_HWPT_SELFTEST_SIZE_V1, IOMMUFD_HWPT_DATA_SELFTEST,
		    ret_type, ret_len);
	return 0;
}

static int selftest_inv_check(struct iommufd_ctx *ctx, uint32_t flags,
			      const char *id_name, uint32_t id, uint32_t max,
			      const char *what)
{
	if (flags & ~KABI_TEST_INVALIDATE_FLAG_ALL) {
		log_err(ctx, "%s: flags: unknown bits %#x (known: ALL)", what,
			flags & ~KABI_TEST_INVALIDATE_FLAG_ALL);
		return -EINVAL;
	}
	/* The kernel range-checks the ID even when ALL makes it ignore it. */
	if (id > max) {
		log_err(ctx, "%s: %s %u: the mock has entries 0 to %u", what, id_name,
			id, max);
		return -EINVAL;
	}
	return 0;
}

IOMMUFD_EXPORT int iommufd_selftest_inv_build(struct iommufd_ctx *ctx,
					      uint32_t flags, uint32_t iotlb_id,
					      void *buf, size_t buf_len,
					      uint32_t *ret_type, size_t *ret_len)
{
	static const char what[] = "selftest HWPT invalidation";
	struct kabi_hwpt_invalidate_selftest out = {
		.flags = flags,
		.iotlb_id = iotlb_id,
	};
	int rc;

	rc = vendor_buf_check(ctx, buf, buf_len, sizeof(out), what);
	if (!rc)
		rc = selftest_inv_check(ctx, flags, "iotlb_id", iotlb_id,
					KABI_TEST_IOTLB_ID_MAX, what);
	if (rc)
		return rc;
	vendor_emit(buf, &out, sizeof(out), IOMMUFD_INVALIDATE_SELFTEST, ret_type, ret_len);
	return 0;
}

IOMMUFD_EXPORT int iommufd_selftest_viommu_inv_build(struct iommufd_ctx *ctx,
						     uint32_t flags, uint32_t vdev_id,
						     uint32_t cache_id, void *buf,
						     size_t buf_len, uint32_t *ret_type,
						     size_t *ret_len)
{
	static const char what[] = "selftest vIOMMU invalidation";
	struct kabi_viommu_invalidate_selftest out = {
		.flags = flags,
		.vdev_id = vdev_id,
		.cache_id = cache_id,
	};
	int rc;

	rc = vendor_buf_check(ctx, buf, buf_len, sizeof(out), what);
	if (!rc)
		rc = selftest_inv_check(ctx, flags, "cache_id", cache_id,
					KABI_TEST_DEV_CACHE_ID_MAX, what);
	if (rc)
		return rc;
	vendor_emit(buf, &out, sizeof(out), IOMMUFD_INVALIDATE_SELFTEST, ret_type, ret_len);
	return 0;
}
