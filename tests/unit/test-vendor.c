// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The vendor data entry points common to all types: iommufd_hw_info_decode()
 * (dispatch by type, unknown types as raw bytes, write only what fits), and
 * the kernel selftest mock IOMMU's record and data.
 *
 * Selftest layouts are those of the kernel's
 * drivers/iommu/iommufd/iommufd_test.h (6.12 and 7.2): struct
 * iommu_test_hw_info {u32 flags; u32 test_reg} (type 0xfeedbeef, test_reg
 * 0xdeadbeef), struct iommu_hwpt_selftest {u32 iotlb} (type 0xdead; 7.2
 * appends a paging-only u32), struct iommu_hwpt_invalidate_selftest
 * {u32 flags; u32 iotlb_id} and struct iommu_viommu_invalidate_selftest
 * {u32 flags; u32 vdev_id; u32 cache_id} (type 0xdeadbeef, flag ALL = 1,
 * IDs 0 to 3), all in host byte order.
 */
#include <errno.h>
#include <stdlib.h>

#include "vendor-test.h"

/* ---- dispatch ------------------------------------------------------------ */

static void test_dispatch_vtd(void **state)
{
	unsigned char rec[24] = { 0 };
	struct iommufd_hw_info_decoded d;
	struct iommufd_vtd_info direct = { .sz = sizeof(direct) };

	(void)state;
	vt_put32(rec, 0, 1);
	vt_put64(rec, 8, 1ull << 60);	/* CAP.FS5LP */
	vt_put64(rec, 16, 1ull << 26);	/* ECAP.NEST */
	memset(&d, 0x5a, sizeof(d));
	d.sz = sizeof(d);
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_INTEL_VTD, rec,
						sizeof(rec), &d), 0);
	assert_int_equal(d.type, IOMMUFD_HW_INFO_INTEL_VTD);
	assert_true(d.known);
	assert_ptr_equal(d.raw, rec);
	assert_int_equal(d.raw_len, 24);
	assert_int_equal(d.u.vtd.sz, sizeof(d.u.vtd));
	assert_true(d.u.vtd.fs5lp && d.u.vtd.nest && d.u.vtd.errata_772415_spr17);
	/* The same fields as the VT-d decoder's. */
	assert_int_equal(iommufd_vtd_info_decode(vt_ctx, rec, sizeof(rec), &direct), 0);
	assert_memory_equal(&d.u.vtd, &direct, sizeof(direct));
}

static void test_dispatch_all_known(void **state)
{
	unsigned char rec[40];
	struct iommufd_hw_info_decoded d;

	(void)state;
	memset(rec, 0, sizeof(rec));
	/* SMMUv3: IDR1.SSIDSIZE 10:6 = 20 at idr[1] (offset 12), AIDR minor 1 */
	vt_put32(rec, 12, 20u << 6);
	vt_put32(rec, 36, 1);
	d.sz = sizeof(d);
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_ARM_SMMUV3, rec, 40, &d), 0);
	assert_true(d.known);
	assert_int_equal(d.u.smmuv3.sz, sizeof(d.u.smmuv3));
	assert_int_equal(d.u.smmuv3.ssidsize, 20);
	assert_int_equal(d.u.smmuv3.arch_minor, 1);
	/* Tegra241 CMDQV: version 2, log2vcmdqs 1, log2vsids 3 */
	memset(rec, 0, sizeof(rec));
	rec[4] = 2;
	rec[5] = 1;
	rec[6] = 3;
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_TEGRA241_CMDQV, rec, 8, &d), 0);
	assert_true(d.known);
	assert_int_equal(d.u.tegra241_cmdqv.sz, sizeof(d.u.tegra241_cmdqv));
	assert_int_equal(d.u.tegra241_cmdqv.param, 0x3012);
	/* AMD: EFR.GTSup (4), PASmax 36:32 = 9 */
	memset(rec, 0, sizeof(rec));
	vt_put64(rec, 0, 1ull << 4 | 9ull << 32);
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_AMD, rec, 16, &d), 0);
	assert_true(d.known);
	assert_int_equal(d.u.amd.sz, sizeof(d.u.amd));
	assert_int_equal(d.u.amd.pasid_bits, 10);
	/* Selftest */
	memset(rec, 0, sizeof(rec));
	vt_put32(rec, 4, 0xdeadbeef);
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_SELFTEST, rec, 8, &d), 0);
	assert_true(d.known);
	assert_int_equal(d.type, 0xfeedbeefu);
	assert_int_equal(d.u.selftest.test_reg, IOMMUFD_SELFTEST_TEST_REG);
}

static void test_dispatch_unknown_is_raw(void **state)
{
	static const unsigned char rec[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	struct iommufd_hw_info_decoded d;

	(void)state;
	memset(&d, 0x5a, sizeof(d));
	d.sz = sizeof(d);
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, 0x77, rec, sizeof(rec), &d), 0);
	assert_int_equal(d.type, 0x77);
	assert_false(d.known);
	assert_ptr_equal(d.raw, rec);
	assert_int_equal(d.raw_len, sizeof(rec));
	assert_true(vt_all(&d.u, sizeof(d.u), 0));
	assert_logged("type 0x77 is unknown to this library: 12 raw bytes");
	/* Type NONE: a driver with no record; no bytes at all is fine. */
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_NONE, NULL, 0, &d), 0);
	assert_false(d.known);
	assert_null(d.raw);
	assert_int_equal(d.raw_len, 0);
	assert_logged("type NONE");
	/* Even a short record of an unknown type is no error. */
	assert_int_equal(iommufd_hw_info_decode(NULL, 0x12345678, rec, 1, &d), 0);
	assert_false(d.known);
}

static void test_dispatch_errors(void **state)
{
	unsigned char rec[40] = { 0 };
	struct iommufd_hw_info_decoded d;

	(void)state;
	d.sz = sizeof(d);
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_INTEL_VTD, rec, 16, &d), -EINVAL);
	assert_logged("VT-d hw info: record of 16 bytes is shorter than its 24-byte layout");
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_ARM_SMMUV3, rec, 39, &d), -EINVAL);
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_AMD, rec, 8, &d), -EINVAL);
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_TEGRA241_CMDQV, rec, 4, &d), -EINVAL);
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_SELFTEST, rec, 7, &d), -EINVAL);
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_AMD, NULL, 16, &d), -EINVAL);
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_AMD, rec, 16, NULL), -EINVAL);
	d.sz = offsetof(struct iommufd_hw_info_decoded, raw_len);	/* raw_len does not fit */
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_AMD, rec, 16, &d), -EINVAL);
	assert_logged("output struct size");
}

/* An older caller whose union is shorter: each part only what fits. */
static void test_dispatch_writes_only_what_fits(void **state)
{
	unsigned char rec[24] = { 0 };
	size_t off = offsetof(struct iommufd_hw_info_decoded, u);
	size_t small = off + offsetof(struct iommufd_vtd_info, flags);
	struct iommufd_hw_info_decoded *d = malloc(sizeof(*d));

	(void)state;
	assert_non_null(d);
	vt_put64(rec, 8, 0x1234);
	vt_put64(rec, 16, 0x5678);
	/* Room for the head only: the union is not touched. */
	memset(d, 0x5a, sizeof(*d));
	d->sz = off;
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_INTEL_VTD, rec, 24, d), 0);
	assert_int_equal(d->sz, off);
	assert_true(d->known);
	assert_true(vt_all(&d->u, sizeof(*d) - off, 0x5a));
	/* Room for the raw registers of the VT-d part. */
	memset(d, 0x5a, sizeof(*d));
	d->sz = small;
	assert_int_equal(iommufd_hw_info_decode(vt_ctx, IOMMUFD_HW_INFO_INTEL_VTD, rec, 24, d), 0);
	assert_int_equal(d->u.vtd.sz, small - off);
	assert_true(d->u.vtd.cap_reg == 0x1234 && d->u.vtd.ecap_reg == 0x5678);
	assert_true(vt_all((char *)d + small, sizeof(*d) - small, 0x5a));
	free(d);
}

/* ---- selftest mock IOMMU ------------------------------------------------- */

static void test_selftest_info(void **state)
{
	unsigned char rec[8];
	struct iommufd_selftest_info info = { .sz = sizeof(info) };

	(void)state;
	vt_put32(rec, 0, 0);
	vt_put32(rec, 4, 0xdeadbeef);
	assert_int_equal(iommufd_selftest_info_decode(vt_ctx, rec, sizeof(rec), &info), 0);
	assert_int_equal(info.flags, 0);
	assert_int_equal(info.test_reg, 0xdeadbeef);
	assert_null(strstr(vt_log, "test_reg"));
	/* Another value decodes, and says so. */
	vt_put32(rec, 4, 0x1);
	assert_int_equal(iommufd_selftest_info_decode(vt_ctx, rec, sizeof(rec), &info), 0);
	assert_int_equal(info.test_reg, 1);
	assert_logged("test_reg is 0x1, not 0xdeadbeef");
	assert_int_equal(iommufd_selftest_info_decode(vt_ctx, rec, 7, &info), -EINVAL);
	info.sz = sizeof(size_t);
	assert_int_equal(iommufd_selftest_info_decode(vt_ctx, rec, 8, &info), -EINVAL);
}

static int hwpt_build(uint32_t iotlb, const struct iommufd_selftest_info *hw, void *buf,
		      size_t buf_len, uint32_t *ret_type, size_t *ret_len)
{
	LIBIOMMUFD_OPTS(iommufd_selftest_hwpt, hwpt, .iotlb = iotlb);

	return iommufd_selftest_hwpt_build(vt_ctx, &hwpt, hw, buf, buf_len, ret_type, ret_len);
}

static int inv_build(uint32_t flags, uint32_t iotlb_id, void *buf, size_t buf_len,
		     uint32_t *ret_type, size_t *ret_len)
{
	LIBIOMMUFD_OPTS(iommufd_selftest_inv, inv, .flags = flags, .iotlb_id = iotlb_id);

	return iommufd_selftest_inv_build(vt_ctx, &inv, NULL, buf, buf_len, ret_type, ret_len);
}

static int viommu_inv_build(uint32_t flags, uint32_t vdev_id, uint32_t cache_id, void *buf,
			    size_t buf_len, uint32_t *ret_type, size_t *ret_len)
{
	LIBIOMMUFD_OPTS(iommufd_selftest_viommu_inv, inv, .flags = flags, .vdev_id = vdev_id,
			.cache_id = cache_id);

	return iommufd_selftest_viommu_inv_build(vt_ctx, &inv, NULL, buf, buf_len, ret_type,
						 ret_len);
}

static void test_selftest_hwpt(void **state)
{
	unsigned char buf[8];
	uint32_t type = 0;
	size_t len = 0;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(hwpt_build(IOMMUFD_SELFTEST_IOTLB_DEFAULT, NULL, buf, sizeof(buf), &type,
				    &len), 0);
	assert_int_equal(type, 0xdead);
	assert_int_equal(type, IOMMUFD_HWPT_DATA_SELFTEST);
	assert_int_equal(len, 4);
	assert_int_equal(vt_get32(buf, 0), 0xbadbeef);
	assert_true(vt_all(buf + 4, 4, 0xee));
	/* 4 bytes are enough room */
	assert_int_equal(hwpt_build(7, NULL, buf, 4, NULL, NULL), 0);
	assert_int_equal(vt_get32(buf, 0), 7);
	/* 0 would be all-zero data, which iommufd_hwpt_alloc() reads as none */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(hwpt_build(0, NULL, buf, sizeof(buf), &type, NULL), -EINVAL);
	assert_logged("iotlb 0: all-zero data reads as no data");
	assert_true(vt_all(buf, sizeof(buf), 0xee));
	assert_int_equal(hwpt_build(1, NULL, buf, 3, NULL, NULL), -EINVAL);
	assert_int_equal(hwpt_build(1, NULL, NULL, 4, NULL, NULL), -EINVAL);
	assert_int_equal(iommufd_selftest_hwpt_build(vt_ctx, NULL, NULL, buf, 4, NULL, NULL),
			 -EINVAL);
}

/* The input structs grow like the others: unknown set bytes are -E2BIG. */
static void test_selftest_sized_input(void **state)
{
	struct {
		struct iommufd_selftest_hwpt hwpt;
		uint64_t newer;
	} h;
	struct {
		struct iommufd_selftest_inv inv;
		uint64_t newer;
	} i;
	struct {
		struct iommufd_selftest_viommu_inv inv;
		uint64_t newer;
	} v;
	unsigned char buf[16];

	(void)state;
	memset(&h, 0, sizeof(h));
	memset(&i, 0, sizeof(i));
	memset(&v, 0, sizeof(v));
	h.hwpt.sz = sizeof(h);
	h.hwpt.iotlb = 5;
	i.inv.sz = sizeof(i);
	v.inv.sz = sizeof(v);
	assert_int_equal(iommufd_selftest_hwpt_build(vt_ctx, &h.hwpt, NULL, buf, sizeof(buf),
						     NULL, NULL), 0);
	assert_int_equal(iommufd_selftest_inv_build(vt_ctx, &i.inv, NULL, buf, sizeof(buf),
						    NULL, NULL), 0);
	assert_int_equal(iommufd_selftest_viommu_inv_build(vt_ctx, &v.inv, NULL, buf, sizeof(buf),
							   NULL, NULL), 0);
	h.newer = i.newer = v.newer = 1;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(iommufd_selftest_hwpt_build(vt_ctx, &h.hwpt, NULL, buf, sizeof(buf),
						     NULL, NULL), -E2BIG);
	assert_int_equal(iommufd_selftest_inv_build(vt_ctx, &i.inv, NULL, buf, sizeof(buf),
						    NULL, NULL), -E2BIG);
	assert_int_equal(iommufd_selftest_viommu_inv_build(vt_ctx, &v.inv, NULL, buf, sizeof(buf),
							   NULL, NULL), -E2BIG);
	assert_true(vt_all(buf, sizeof(buf), 0xee));
	/* An older struct ending before iotlb_id: the ID reads as 0. */
	i.newer = 0;
	i.inv.sz = offsetof(struct iommufd_selftest_inv, iotlb_id);
	i.inv.iotlb_id = 99;	/* past its sz: not read */
	assert_int_equal(iommufd_selftest_inv_build(vt_ctx, &i.inv, NULL, buf, sizeof(buf),
						    NULL, NULL), 0);
	assert_int_equal(vt_get32(buf, 4), 0);
}

/* With the mock's decoded record, the builders require its test_reg. */
static void test_selftest_hw(void **state)
{
	unsigned char rec[8] = { 0 };
	struct iommufd_selftest_info hw = { .sz = sizeof(hw) };
	LIBIOMMUFD_OPTS(iommufd_selftest_inv, inv, .iotlb_id = 1);
	LIBIOMMUFD_OPTS(iommufd_selftest_viommu_inv, vinv, .cache_id = 1);
	unsigned char buf[16];

	(void)state;
	vt_put32(rec, 4, IOMMUFD_SELFTEST_TEST_REG);
	assert_int_equal(iommufd_selftest_info_decode(vt_ctx, rec, sizeof(rec), &hw), 0);
	assert_int_equal(hwpt_build(9, &hw, buf, sizeof(buf), NULL, NULL), 0);
	assert_int_equal(iommufd_selftest_inv_build(vt_ctx, &inv, &hw, buf, sizeof(buf), NULL,
						    NULL), 0);
	assert_int_equal(iommufd_selftest_viommu_inv_build(vt_ctx, &vinv, &hw, buf, sizeof(buf),
							   NULL, NULL), 0);
	/* A record that is not the working mock's */
	hw.test_reg = 0x1234;
	vt_log_clear();
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(hwpt_build(9, &hw, buf, sizeof(buf), NULL, NULL), -EOPNOTSUPP);
	assert_logged("test_reg is 0x1234, not the mock driver's 0xdeadbeef");
	assert_int_equal(iommufd_selftest_inv_build(vt_ctx, &inv, &hw, buf, sizeof(buf), NULL,
						    NULL), -EOPNOTSUPP);
	assert_int_equal(iommufd_selftest_viommu_inv_build(vt_ctx, &vinv, &hw, buf, sizeof(buf),
							   NULL, NULL), -EOPNOTSUPP);
	assert_true(vt_all(buf, sizeof(buf), 0xee));
	/* A record too small to hold test_reg */
	hw.sz = offsetof(struct iommufd_selftest_info, test_reg);
	assert_int_equal(hwpt_build(9, &hw, buf, sizeof(buf), NULL, NULL), -EINVAL);
	assert_logged("does not hold its raw registers");
}

static void test_selftest_hwpt_plugs_into_opts(void **state)
{
	unsigned char buf[IOMMUFD_VENDOR_DATA_MAX];
	uint32_t type = 0;
	size_t len = 0;

	(void)state;
	assert_int_equal(hwpt_build(IOMMUFD_SELFTEST_IOTLB_DEFAULT, NULL, buf, sizeof(buf), &type,
				    &len), 0);
	{
		/* The builder's output is what iommufd_hwpt_alloc() takes. */
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = type, .data = buf,
				.data_len = len);

		assert_int_equal(opts.data_type, IOMMUFD_HWPT_DATA_SELFTEST);
		assert_int_equal(opts.data_len, IOMMUFD_HWPT_DATA_SELFTEST_LEN);
		assert_ptr_equal(opts.data, buf);
	}
}

static void test_selftest_inv(void **state)
{
	unsigned char buf[12];
	uint32_t type = 0;
	size_t len = 0;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(inv_build(0, 3, buf, sizeof(buf), &type, &len), 0);
	assert_int_equal(type, 0xdeadbeef);
	assert_int_equal(type, IOMMUFD_INVALIDATE_SELFTEST);
	assert_int_equal(len, 8);
	assert_int_equal(len, IOMMUFD_INVALIDATE_SELFTEST_LEN);
	assert_int_equal(vt_get32(buf, 0), 0);
	assert_int_equal(vt_get32(buf, 4), 3);
	assert_true(vt_all(buf + 8, 4, 0xee));
	assert_int_equal(inv_build(IOMMUFD_SELFTEST_INV_ALL, 0, buf, 8, NULL, NULL), 0);
	assert_int_equal(vt_get32(buf, 0), 1);
	/* Refusals: the kernel checks the ID even with ALL */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(inv_build(0, 4, buf, 8, NULL, NULL), -EINVAL);
	assert_logged("iotlb_id 4: the mock has entries 0 to 3");
	assert_int_equal(inv_build(1, 4, buf, 8, NULL, NULL), -EINVAL);
	assert_int_equal(inv_build(2, 0, buf, 8, NULL, NULL), -EINVAL);
	assert_logged("flags: unknown bits 0x2");
	assert_true(vt_all(buf, sizeof(buf), 0xee));
	assert_int_equal(inv_build(0, 0, buf, 7, NULL, NULL), -EINVAL);
	assert_int_equal(iommufd_selftest_inv_build(vt_ctx, NULL, NULL, buf, 8, NULL, NULL),
			 -EINVAL);
}

static void test_selftest_viommu_inv(void **state)
{
	unsigned char buf[16];
	uint32_t type = 0;
	size_t len = 0;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(viommu_inv_build(IOMMUFD_SELFTEST_INV_ALL, 0x99, 2, buf, sizeof(buf),
					  &type, &len), 0);
	assert_int_equal(type, IOMMUFD_INVALIDATE_SELFTEST);
	assert_int_equal(len, 12);
	assert_int_equal(vt_get32(buf, 0), 1);
	assert_int_equal(vt_get32(buf, 4), 0x99);
	assert_int_equal(vt_get32(buf, 8), 2);
	assert_true(vt_all(buf + 12, 4, 0xee));
	assert_int_equal(viommu_inv_build(0, 1, 4, buf, 12, NULL, NULL), -EINVAL);
	assert_logged("cache_id 4: the mock has entries 0 to 3");
	assert_int_equal(viommu_inv_build(8, 1, 0, buf, 12, NULL, NULL), -EINVAL);
	assert_int_equal(viommu_inv_build(0, 1, 0, buf, 11, NULL, NULL), -EINVAL);
	assert_int_equal(iommufd_selftest_viommu_inv_build(vt_ctx, NULL, NULL, buf, 12, NULL,
							   NULL), -EINVAL);
}

/* A NULL context is silent and changes nothing else. */
static void test_null_ctx(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_vtd_inv, vinv, .addr = 1, .npages = 1);
	LIBIOMMUFD_OPTS(iommufd_selftest_inv, sinv, .iotlb_id = 9);
	unsigned char buf[24];

	(void)state;
	vt_log_clear();
	assert_int_equal(iommufd_vtd_inv_build(NULL, &vinv, NULL, buf, sizeof(buf), NULL, NULL),
			 -EINVAL);
	assert_int_equal(iommufd_selftest_inv_build(NULL, &sinv, NULL, buf, 8, NULL, NULL),
			 -EINVAL);
	assert_int_equal(vt_log_len, 0);
}

/* ---- type names ----------------------------------------------------------- */

static void test_hw_info_type_name(void **state)
{
	(void)state;
	assert_string_equal(iommufd_hw_info_type_name(IOMMUFD_HW_INFO_NONE), "none");
	assert_string_equal(iommufd_hw_info_type_name(IOMMUFD_HW_INFO_INTEL_VTD), "Intel VT-d");
	assert_string_equal(iommufd_hw_info_type_name(IOMMUFD_HW_INFO_ARM_SMMUV3), "ARM SMMUv3");
	assert_string_equal(iommufd_hw_info_type_name(IOMMUFD_HW_INFO_TEGRA241_CMDQV),
			    "NVIDIA Tegra241 CMDQV");
	assert_string_equal(iommufd_hw_info_type_name(IOMMUFD_HW_INFO_AMD), "AMD IOMMU");
	assert_string_equal(iommufd_hw_info_type_name(IOMMUFD_HW_INFO_SELFTEST),
			    "iommufd selftest mock");
	/* Types after AMD, the ones around the selftest's, and the extremes */
	assert_string_equal(iommufd_hw_info_type_name(5), "unknown");
	assert_string_equal(iommufd_hw_info_type_name(IOMMUFD_HW_INFO_SELFTEST - 1), "unknown");
	assert_string_equal(iommufd_hw_info_type_name(IOMMUFD_HW_INFO_SELFTEST + 1), "unknown");
	assert_string_equal(iommufd_hw_info_type_name(UINT32_MAX), "unknown");
	/* Every type the decoder knows has a name, and only those */
	for (uint32_t t = 0; t < 64; t++) {
		struct iommufd_hw_info_decoded d = { .sz = sizeof(d) };
		unsigned char rec[64] = { 0 };

		assert_int_equal(iommufd_hw_info_decode(NULL, t, rec, sizeof(rec), &d), 0);
		assert_int_equal(d.known || t == IOMMUFD_HW_INFO_NONE,
				 strcmp(iommufd_hw_info_type_name(t), "unknown") != 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VT_TEST(test_dispatch_vtd),
		VT_TEST(test_dispatch_all_known),
		VT_TEST(test_dispatch_unknown_is_raw),
		VT_TEST(test_dispatch_errors),
		VT_TEST(test_dispatch_writes_only_what_fits),
		VT_TEST(test_selftest_info),
		VT_TEST(test_selftest_hwpt),
		VT_TEST(test_selftest_sized_input),
		VT_TEST(test_selftest_hw),
		VT_TEST(test_selftest_hwpt_plugs_into_opts),
		VT_TEST(test_selftest_inv),
		VT_TEST(test_selftest_viommu_inv),
		VT_TEST(test_null_ctx),
		VT_TEST(test_hw_info_type_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
