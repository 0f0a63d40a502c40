// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * AMD IOMMU: iommufd_amd_info_decode() and iommufd_amd_dte_build().
 *
 * Byte vectors come from the AMD I/O Virtualization Technology (IOMMU)
 * Specification (48882): 3.4 MMIO Offset 0030h IOMMU Extended Feature
 * Register (EFR), MMIO Offset 01A0h IOMMU Extended Feature 2 Register
 * (EFR2), 2.2.2 Device Table Entry; and from the kernel uAPI layouts
 * struct iommu_hw_info_amd {u64 efr; u64 efr2@8} and struct
 * iommu_hwpt_amd_guest {u64 dte[4]}, in host byte order.
 */
#include <errno.h>
#include <stdlib.h>

#include "vendor-test.h"

/*
 * EFR: PreFSup 0, PPRSup 1, XTSup 2, NXSup 3, GTSup 4, IASup 6, GASup 7,
 *   PCSup 9, HATS 11:10 = 0b01 (5 levels), GATS 13:12 = 0b01 (5 levels),
 *   GLXSup 15:14 = 0b01 (two-level GCR3 tables), GAMSup 23:21 = 0b001,
 *   PASmax 36:32 = 15 (16-bit PASIDs), GIoSup 48, EPHSup 50, HDSup 52.
 */
#define EFR 0x0015000f002056dfull
/* EFR2: GCR3TRPMode 3, NumIntRemapSup 9:8 = 0b01 (2048), HtRangeIgnore 11. */
#define EFR2 0x0000000000000908ull

static void decode(uint64_t efr, uint64_t efr2, struct iommufd_amd_info *info)
{
	unsigned char rec[16];

	vt_put64(rec, 0, efr);
	vt_put64(rec, 8, efr2);
	memset(info, 0, sizeof(*info));
	info->sz = sizeof(*info);
	assert_int_equal(iommufd_amd_info_decode(vt_ctx, rec, sizeof(rec), info), 0);
}

static void test_decode_vector(void **state)
{
	struct iommufd_amd_info info;

	(void)state;
	decode(EFR, EFR2, &info);
	assert_true(info.efr == EFR);
	assert_true(info.efr2 == EFR2);
	assert_true(info.pref_sup && info.ppr_sup && info.xt_sup && info.nx_sup);
	assert_true(info.gt_sup && info.ia_sup && info.ga_sup);
	assert_false(info.he_sup);
	assert_true(info.pc_sup);
	assert_int_equal(info.hats, 1);
	assert_int_equal(info.host_levels, 5);
	assert_int_equal(info.gats, 1);
	assert_int_equal(info.guest_levels, 5);
	assert_int_equal(info.glx_sup, 1);
	assert_int_equal(info.gam_sup, 1);
	assert_int_equal(info.pasmax, 15);
	assert_int_equal(info.pasid_bits, 16);
	assert_false(info.us_sup);
	assert_true(info.gio_sup);
	assert_false(info.ha_sup);
	assert_true(info.eph_sup && info.hd_sup);
	assert_false(info.snp_sup);
	assert_false(info.sevsnpio_sup);
	assert_true(info.gcr3trp_mode);
	assert_int_equal(info.snpavic_sup, 0);
	assert_int_equal(info.num_int_remap_sup, 1);
	assert_true(info.ht_range_ignore);
	assert_true(info.nesting);
}

struct bit_field {
	bool efr2;
	unsigned int bit;
	size_t off;
	const char *name;
};

#define E1(b, f) { false, b, offsetof(struct iommufd_amd_info, f), #f }
#define E2(b, f) { true, b, offsetof(struct iommufd_amd_info, f), #f }

static const struct bit_field bit_fields[] = {
	/* EFR, MMIO 0030h */
	E1(0, pref_sup), E1(1, ppr_sup), E1(2, xt_sup), E1(3, nx_sup), E1(4, gt_sup),
	E1(6, ia_sup), E1(7, ga_sup), E1(8, he_sup), E1(9, pc_sup), E1(37, us_sup),
	E1(48, gio_sup), E1(49, ha_sup), E1(50, eph_sup), E1(52, hd_sup),
	E1(63, snp_sup),
	/* EFR2, MMIO 01A0h */
	E2(1, sevsnpio_sup), E2(3, gcr3trp_mode), E2(11, ht_range_ignore),
};

static bool field(const struct iommufd_amd_info *info, size_t off)
{
	bool v;

	memcpy(&v, (const char *)info + off, sizeof(v));
	return v;
}

static void test_decode_single_bits(void **state)
{
	struct iommufd_amd_info info;

	(void)state;
	for (size_t i = 0; i < sizeof(bit_fields) / sizeof(bit_fields[0]); i++) {
		const struct bit_field *f = &bit_fields[i];
		uint64_t v = 1ull << f->bit;

		decode(f->efr2 ? 0 : v, f->efr2 ? v : 0, &info);
		if (!field(&info, f->off))
			fail_msg("%s: bit %u alone does not set it", f->name, f->bit);
		decode(f->efr2 ? 0 : ~v, f->efr2 ? ~v : 0, &info);
		if (field(&info, f->off))
			fail_msg("%s: set without its bit %u", f->name, f->bit);
	}
}

static void test_decode_multi_bit_fields(void **state)
{
	struct iommufd_amd_info info;

	(void)state;
	/* HATS 11:10: 0b00 4, 0b10 6 levels, 0b11 reserved */
	decode(0, 0, &info);
	assert_int_equal(info.host_levels, 4);
	assert_int_equal(info.guest_levels, 4);
	assert_int_equal(info.pasid_bits, 0);	/* no GTSup */
	decode(2ull << 10, 0, &info);
	assert_int_equal(info.host_levels, 6);
	decode(3ull << 10, 0, &info);
	assert_int_equal(info.hats, 3);
	assert_int_equal(info.host_levels, 0);
	/* GATS 13:12: 0b1x reserved */
	decode(2ull << 12, 0, &info);
	assert_int_equal(info.gats, 2);
	assert_int_equal(info.guest_levels, 0);
	/* GLXSup 15:14, GAMSup 23:21, PASmax 36:32 (with GTSup 4) */
	decode(2ull << 14 | 7ull << 21 | 19ull << 32 | 1ull << 4, 0, &info);
	assert_int_equal(info.glx_sup, 2);
	assert_int_equal(info.gam_sup, 7);
	assert_int_equal(info.pasmax, 19);
	assert_int_equal(info.pasid_bits, 20);
	/* EFR2: SNPAVICSup 7:5, NumIntRemapSup 9:8 */
	decode(0, 5ull << 5 | 2ull << 8, &info);
	assert_int_equal(info.snpavic_sup, 5);
	assert_int_equal(info.num_int_remap_sup, 2);
}

static void test_decode_nesting_needs_all(void **state)
{
	struct iommufd_amd_info info;

	(void)state;
	/* GTSup (EFR 4), GIoSup (EFR 48), GCR3TRPMode (EFR2 3) */
	decode(1ull << 4 | 1ull << 48, 1ull << 3, &info);
	assert_true(info.nesting);
	decode(1ull << 48, 1ull << 3, &info);
	assert_false(info.nesting);
	decode(1ull << 4, 1ull << 3, &info);
	assert_false(info.nesting);
	decode(1ull << 4 | 1ull << 48, 0, &info);
	assert_false(info.nesting);
}

static void test_decode_bad_arguments(void **state)
{
	unsigned char rec[24] = { 0 };
	struct iommufd_amd_info info;
	size_t small = offsetof(struct iommufd_amd_info, nesting);
	struct iommufd_amd_info *old = malloc(sizeof(*old));

	(void)state;
	vt_put64(rec, 0, EFR);
	vt_put64(rec, 8, EFR2);
	info.sz = sizeof(info);
	assert_int_equal(iommufd_amd_info_decode(vt_ctx, rec, 15, &info), -EINVAL);
	assert_logged("record of 15 bytes is shorter than its 16-byte layout");
	assert_int_equal(iommufd_amd_info_decode(vt_ctx, NULL, 16, &info), -EINVAL);
	assert_int_equal(iommufd_amd_info_decode(vt_ctx, rec, 16, NULL), -EINVAL);
	assert_int_equal(iommufd_amd_info_decode(vt_ctx, rec, sizeof(rec), &info), 0);
	assert_non_null(old);
	memset(old, 0x5a, sizeof(*old));
	old->sz = small;
	assert_int_equal(iommufd_amd_info_decode(vt_ctx, rec, 16, old), 0);
	assert_true(old->efr2 == EFR2);
	assert_true(vt_all((char *)old + small, sizeof(*old) - small, 0x5a));
	free(old);
}

/* ---- guest DTE ----------------------------------------------------------- */

/*
 * 2.2.2 DTE fields nesting takes from a guest: V 0, PPR 52, GIoV 54, GV 55,
 * GLX 57:56, GCR3 root [14:12] at 60:58 (quadword 0); DomainID 15:0,
 * GCR3 [30:15] at 31:16, GCR3 [51:31] at 63:43 (quadword 1); guest paging
 * mode 55:54 (quadword 2). Mode 11:9 and the host table root 51:12 must
 * stay zero (the kernel refuses them).
 */
#define DTE0_ALLOWED 0x1fd0000000000001ull
#define DTE1_ALLOWED 0xfffff800ffffffffull
#define DTE2_ALLOWED 0x00c0000000000000ull

static void build_dte(const struct iommufd_amd_dte *dte, const struct iommufd_amd_info *hw,
		      uint64_t q[4])
{
	unsigned char buf[IOMMUFD_VENDOR_DATA_MAX + 8];
	uint32_t type = 0;
	size_t len = 0;

	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(iommufd_amd_dte_build(vt_ctx, dte, hw, buf, sizeof(buf), &type, &len), 0);
	assert_int_equal(type, IOMMUFD_HWPT_DATA_AMD_GUEST);
	assert_int_equal(type, 3);
	assert_int_equal(len, 32);
	assert_true(vt_all(buf + 32, 8, 0xee));
	for (int i = 0; i < 4; i++)
		q[i] = vt_get64(buf, 8 * i);
	assert_true((q[0] & ~DTE0_ALLOWED) == 0);
	assert_true((q[1] & ~DTE1_ALLOWED) == 0);
	assert_true((q[2] & ~DTE2_ALLOWED) == 0);
	assert_true(q[3] == 0);
	assert_true((q[0] >> 9 & 7) == 0);			/* Mode */
	assert_true((q[0] & 0x000ffffffffff000ull) == 0);	/* host table root */
}

static void test_dte_vector(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_amd_dte, dte, .valid = true, .gv = true, .giov = true,
			.ppr = true, .glx = 1, .guest_levels = 5, .domain_id = 0x2a,
			.gcr3_table = 0x123456789000ull);
	struct iommufd_amd_info hw;
	uint64_t q[4];

	(void)state;
	decode(EFR, EFR2, &hw);
	build_dte(&dte, &hw, q);
	/* V | PPR 52 | GIoV 54 | GV 55 | GLX 0b01 << 56 | GCR3[14:12] = 1 << 58 */
	assert_true(q[0] == 0x05d0000000000001ull);
	/* DomainID 0x2a | GCR3[30:15] = 0xacf1 << 16 | GCR3[51:31] = 0x2468 << 43 */
	assert_true(q[1] == 0x01234000acf1002aull);
	/* guest paging mode 0b01 (5 levels) << 54 */
	assert_true(q[2] == 0x0040000000000000ull);
}

static void test_dte_round_trip(void **state)
{
	struct iommufd_amd_info hw;
	uint64_t q[4];

	(void)state;
	decode(EFR | 2ull << 14, EFR2, &hw);	/* GLXSup 2 */
	for (unsigned int i = 0; i < 64; i++) {
		uint64_t gcr3 = ((uint64_t)i * 0x9e3779b97f4a7c15ull) & 0x000ffffffffff000ull;
		LIBIOMMUFD_OPTS(iommufd_amd_dte, dte, .valid = i & 1, .gv = i & 2,
				.giov = i & 4, .ppr = i & 8, .glx = (uint8_t)(i % 3),
				.guest_levels = i & 16 ? 5 : 4,
				.domain_id = (uint16_t)(i * 0x1111), .gcr3_table = gcr3 | 0x1000);
		uint64_t back;

		build_dte(&dte, &hw, q);
		assert_int_equal(q[0] & 1, dte.valid);
		assert_int_equal(q[0] >> 52 & 1, dte.ppr);
		assert_int_equal(q[0] >> 54 & 1, dte.giov);
		assert_int_equal(q[0] >> 55 & 1, dte.gv);
		assert_int_equal(q[0] >> 56 & 3, dte.glx);
		assert_int_equal(q[1] & 0xffff, dte.domain_id);
		assert_int_equal(q[2] >> 54 & 3, dte.guest_levels == 5);
		back = (q[0] >> 58 & 7) << 12 | (q[1] >> 16 & 0xffff) << 15 |
		       (q[1] >> 43) << 31;
		assert_true(back == dte.gcr3_table);
	}
}

static void test_dte_without_hw(void **state)
{
	/* A not-valid entry, 4-level, no GCR3: the kernel takes it */
	LIBIOMMUFD_OPTS(iommufd_amd_dte, dte, .guest_levels = 4);
	uint64_t q[4];

	(void)state;
	build_dte(&dte, NULL, q);
	assert_true(q[0] == 0 && q[1] == 0 && q[2] == 0);
	/* GV without V needs no GCR3 either; 5 levels without hw info is fine */
	dte.gv = true;
	dte.guest_levels = 5;
	dte.glx = 2;
	build_dte(&dte, NULL, q);
	assert_true(q[0] == (1ull << 55 | 2ull << 56));
}

static void expect_dte_error(const struct iommufd_amd_dte *dte,
			     const struct iommufd_amd_info *hw, int err,
			     const char *logged)
{
	unsigned char buf[32];
	size_t len = 0x77;

	vt_log_clear();
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(iommufd_amd_dte_build(vt_ctx, dte, hw, buf, sizeof(buf), NULL, &len), err);
	assert_logged(logged);
	assert_true(vt_all(buf, sizeof(buf), 0xee));
	assert_int_equal(len, 0x77);
}

static void test_dte_errors(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_amd_dte, dte, .valid = true, .gv = true, .guest_levels = 4,
			.gcr3_table = 0x1000);
	struct iommufd_amd_dte d;
	unsigned char buf[32];

	(void)state;
	d = dte;
	d.glx = 3;	/* reserved */
	expect_dte_error(&d, NULL, -EINVAL, "glx 3");
	d = dte;
	d.guest_levels = 0;
	expect_dte_error(&d, NULL, -EINVAL, "guest_levels 0: must be 4 or 5");
	d.guest_levels = 6;
	expect_dte_error(&d, NULL, -EINVAL, "guest_levels 6");
	d = dte;
	d.gcr3_table = 0x1800;
	expect_dte_error(&d, NULL, -EINVAL, "gcr3_table 0x1800: must be 4 KiB aligned");
	d.gcr3_table = 1ull << 52;
	expect_dte_error(&d, NULL, -EINVAL, "below 2^52");
	d.gcr3_table = 0;	/* V and GV need a table */
	expect_dte_error(&d, NULL, -EINVAL, "gcr3_table: a valid entry with guest translation (V, GV) needs a GCR3 table");
	assert_int_equal(iommufd_amd_dte_build(vt_ctx, &dte, NULL, buf, 31, NULL, NULL), -EINVAL);
	assert_logged("cannot take the 32 bytes");
	assert_int_equal(iommufd_amd_dte_build(vt_ctx, NULL, NULL, buf, 32, NULL, NULL), -EINVAL);
	{
		struct {
			struct iommufd_amd_dte d;
			uint64_t newer;
		} big;

		memset(&big, 0, sizeof(big));
		big.d = dte;
		big.d.sz = sizeof(big);
		big.newer = 7;
		assert_int_equal(iommufd_amd_dte_build(vt_ctx, &big.d, NULL, buf, 32, NULL, NULL), -E2BIG);
	}
}

static void test_dte_hw_refusals(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_amd_dte, dte, .valid = true, .gv = true, .guest_levels = 4,
			.gcr3_table = 0x1000);
	struct iommufd_amd_info hw;
	struct iommufd_amd_dte d;

	(void)state;
	/* No EFR2.GCR3TRPMode (bit 3): no nesting */
	decode(EFR, EFR2 & ~(1ull << 3), &hw);
	expect_dte_error(&dte, &hw, -EOPNOTSUPP, "cannot nest: EFR.GTSup=1 EFR.GIoSup=1 EFR2.GCR3TRPMode=0");
	/* No EFR.GIoSup (bit 48) */
	decode(EFR & ~(1ull << 48), EFR2, &hw);
	expect_dte_error(&dte, &hw, -EOPNOTSUPP, "EFR.GIoSup=0");
	/* EFR.PPRSup (bit 1) clear: PPR refused */
	decode(EFR & ~(1ull << 1), EFR2, &hw);
	d = dte;
	d.ppr = true;
	expect_dte_error(&d, &hw, -EOPNOTSUPP, "ppr: the IOMMU has no peripheral page requests (EFR.PPRSup=0)");
	/* EFR.GLXSup 15:14 = 1: GLX 2 refused */
	decode(EFR, EFR2, &hw);
	d = dte;
	d.glx = 2;
	expect_dte_error(&d, &hw, -EOPNOTSUPP, "glx 2: the IOMMU walks at most 2 GCR3 table levels (EFR.GLXSup=1)");
	/* EFR.GATS 13:12 = 0 (4 levels): 5-level guest tables refused */
	decode(EFR & ~(3ull << 12), EFR2, &hw);
	d = dte;
	d.guest_levels = 5;
	expect_dte_error(&d, &hw, -EOPNOTSUPP, "guest_levels 5: the IOMMU has no 5-level guest tables (EFR.GATS=0)");
	/* hw info that does not hold EFR2 */
	decode(EFR, EFR2, &hw);
	hw.sz = offsetof(struct iommufd_amd_info, efr2);
	expect_dte_error(&dte, &hw, -EINVAL, "does not hold its raw registers");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VT_TEST(test_decode_vector),
		VT_TEST(test_decode_single_bits),
		VT_TEST(test_decode_multi_bit_fields),
		VT_TEST(test_decode_nesting_needs_all),
		VT_TEST(test_decode_bad_arguments),
		VT_TEST(test_dte_vector),
		VT_TEST(test_dte_round_trip),
		VT_TEST(test_dte_without_hw),
		VT_TEST(test_dte_errors),
		VT_TEST(test_dte_hw_refusals),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
