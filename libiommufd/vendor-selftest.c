// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's selftest mock IOMMU (CONFIG_IOMMUFD_TEST) as a vendor of its
 * own: its GET_HW_INFO record, its nested HWPT data and its invalidation
 * entries. The layouts are those of the kernel's
 * drivers/iommu/iommufd/iommufd_test.h (6.12 and 7.x agree on what is
 * built here); they let the VM tests drive nesting with no IOMMU hardware.
 */
#include "vendor.h"

/* The kernel's record at @raw (any alignment), decoded into the whole struct at @out. */
static void selftest_decode(const void *raw, void *out)
{
	struct kabi_hw_info_selftest rec;
	struct iommufd_selftest_info *info = out;

	memcpy(&rec, raw, sizeof(rec));
	memset(info, 0, sizeof(*info));
	info->sz = sizeof(*info);
	info->flags = rec.flags;
	info->test_reg = rec.test_reg;
}

#define SELFTEST_INFO_MIN \
	(offsetof(struct iommufd_selftest_info, flags) + sizeof(uint32_t))

IOMMUFD_EXPORT int iommufd_selftest_info_decode(struct iommufd_ctx *ctx,
						const void *data, size_t data_len,
						struct iommufd_selftest_info *ret_info)
{
	struct iommufd_selftest_info info;
	int rc;

	rc = vendor_out_check(ctx, ret_info, SELFTEST_INFO_MIN, "selftest hw info");
	if (!rc)
		rc = vendor_len_check(ctx, data, data_len, vendor_type_selftest.rec_len,
				      vendor_type_selftest.what);
	if (rc)
		return rc;
	selftest_decode(data, &info);
	if (info.test_reg != KABI_TEST_HW_INFO_REGVAL)
		log_info(ctx, "selftest hw info: test_reg is %#x, not %#x", info.test_reg,
			 KABI_TEST_HW_INFO_REGVAL);
	vendor_copy_out(ret_info, &info, sizeof(info));
	return 0;
}

/*
 * The caller's decoded mock record (NULL: none): with one, the builders
 * require the mock's test_reg, the one thing that says the record came
 * from a working mock driver and so that the mock will take the data.
 */
static int selftest_hw_check(struct iommufd_ctx *ctx,
			     const struct iommufd_selftest_info *hw,
			     const char *what)
{
	struct iommufd_selftest_info info;
	int rc = vendor_hw_copy(ctx, hw, &info, sizeof(info),
				offsetof(struct iommufd_selftest_info, test_reg) +
				sizeof(uint32_t), what);

	if (rc <= 0)
		return rc;
	if (info.test_reg != KABI_TEST_HW_INFO_REGVAL) {
		log_err(ctx, "%s: hw info test_reg is %#x, not the mock driver's %#x",
			what, info.test_reg, KABI_TEST_HW_INFO_REGVAL);
		return -EOPNOTSUPP;
	}
	return 0;
}

IOMMUFD_EXPORT int iommufd_selftest_hwpt_build(struct iommufd_ctx *ctx,
					       const struct iommufd_selftest_hwpt *hwpt,
					       const struct iommufd_selftest_info *hw,
					       void *buf, size_t buf_len,
					       uint32_t *ret_type, size_t *ret_len)
{
	static const char what[] = "selftest HWPT data";
	struct kabi_hwpt_selftest out = { 0 };
	struct iommufd_selftest_hwpt in;
	int rc;

	rc = vendor_buf_check(ctx, buf, buf_len, KABI_HWPT_SELFTEST_SIZE_V1, what);
	if (!rc)
		rc = vendor_in_copy(ctx, hwpt, &in, sizeof(in), what);
	if (rc)
		return rc;
	if (!in.iotlb) {
		log_err(ctx, "%s: iotlb 0: all-zero data reads as no data (use e.g. IOMMUFD_SELFTEST_IOTLB_DEFAULT)",
			what);
		return -EINVAL;
	}
	rc = selftest_hw_check(ctx, hw, what);
	if (rc)
		return rc;
	out.iotlb = in.iotlb;
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
					      const struct iommufd_selftest_inv *inv,
					      const struct iommufd_selftest_info *hw,
					      void *buf, size_t buf_len,
					      uint32_t *ret_type, size_t *ret_len)
{
	static const char what[] = "selftest HWPT invalidation";
	struct kabi_hwpt_invalidate_selftest out = { 0 };
	struct iommufd_selftest_inv in;
	int rc;

	rc = vendor_buf_check(ctx, buf, buf_len, sizeof(out), what);
	if (!rc)
		rc = vendor_in_copy(ctx, inv, &in, sizeof(in), what);
	if (!rc)
		rc = selftest_inv_check(ctx, in.flags, "iotlb_id", in.iotlb_id,
					KABI_TEST_IOTLB_ID_MAX, what);
	if (!rc)
		rc = selftest_hw_check(ctx, hw, what);
	if (rc)
		return rc;
	out.flags = in.flags;
	out.iotlb_id = in.iotlb_id;
	vendor_emit(buf, &out, sizeof(out), IOMMUFD_INVALIDATE_SELFTEST, ret_type, ret_len);
	return 0;
}

IOMMUFD_EXPORT int iommufd_selftest_viommu_inv_build(struct iommufd_ctx *ctx,
						     const struct iommufd_selftest_viommu_inv *inv,
						     const struct iommufd_selftest_info *hw,
						     void *buf, size_t buf_len,
						     uint32_t *ret_type, size_t *ret_len)
{
	static const char what[] = "selftest vIOMMU invalidation";
	struct kabi_viommu_invalidate_selftest out = { 0 };
	struct iommufd_selftest_viommu_inv in;
	int rc;

	rc = vendor_buf_check(ctx, buf, buf_len, sizeof(out), what);
	if (!rc)
		rc = vendor_in_copy(ctx, inv, &in, sizeof(in), what);
	if (!rc)
		rc = selftest_inv_check(ctx, in.flags, "cache_id", in.cache_id,
					KABI_TEST_DEV_CACHE_ID_MAX, what);
	if (!rc)
		rc = selftest_hw_check(ctx, hw, what);
	if (rc)
		return rc;
	out.flags = in.flags;
	out.vdev_id = in.vdev_id;
	out.cache_id = in.cache_id;
	vendor_emit(buf, &out, sizeof(out), IOMMUFD_INVALIDATE_SELFTEST, ret_type, ret_len);
	return 0;
}

/* ---- the vendor table's entry ------------------------------------------ */

/* The mock always makes nest parents; no register decides it. */
static bool selftest_nesting(const void *info, char *buf, size_t len)
{
	(void)info;
	(void)buf;
	(void)len;
	return true;
}

static const struct kabi_hwpt_selftest selftest_trial = { .iotlb = KABI_TEST_IOTLB_DEFAULT };
static const uint32_t selftest_viommus[] = { KABI_VIOMMU_TYPE_SELFTEST, 0 };

const struct vendor_type vendor_type_selftest = {
	.hw_info_type = KABI_HW_INFO_TYPE_SELFTEST,
	.name = "iommufd selftest mock",
	.what = "selftest hw info",
	.rec_len = sizeof(struct kabi_hw_info_selftest),
	.info_size = sizeof(struct iommufd_selftest_info),
	.decode = selftest_decode,
	.nesting = selftest_nesting,
	.nested_data_type = IOMMUFD_HWPT_DATA_SELFTEST,
	.trial_data = &selftest_trial,
	.trial_len = KABI_HWPT_SELFTEST_SIZE_V1,
	.viommu_types = selftest_viommus,
};
