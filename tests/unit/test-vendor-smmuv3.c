// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ARM SMMUv3 and NVIDIA Tegra241 CMDQV: iommufd_smmuv3_info_decode(),
 * iommufd_smmuv3_ste_build(), iommufd_smmuv3_cmd_build() and
 * iommufd_tegra241_cmdqv_info_decode().
 *
 * Byte vectors come from the ARM SMMUv3 specification (IHI 0070): 6.3.1 to
 * 6.3.6 SMMU_IDR0 to SMMU_IDR5, SMMU_IIDR and SMMU_AIDR; 5.2 Stream Table
 * Entry; 4.1.1 Command opcodes and the command layouts of chapter 4; all
 * SMMU structures are little-endian. Record layouts are the kernel uAPI's:
 * struct iommu_hw_info_arm_smmuv3 {u32 flags; u32 rsvd; u32 idr[6]@8;
 * u32 iidr@32; u32 aidr@36} and struct iommu_hw_info_tegra241_cmdqv
 * {u32 flags; u8 version@4; u8 log2vcmdqs@5; u8 log2vsids@6; u8 rsvd@7}.
 */
#include <errno.h>
#include <stdlib.h>

#include "vendor-test.h"

/*
 * SMMU_IDR0 (6.3.1): S2P 0, S1P 1, TTF 3:2 = 0b10 (AArch64), COHACC 4,
 *   HTTU 7:6 = 0b10 (access and dirty), ATS 10, ASID16 12, MSI 13, PRI 16,
 *   VMID16 18, CD2L 19, TTENDIAN 22:21 = 0b10 (little), STALL_MODEL 25:24 =
 *   0b00, TERM_MODEL 26 = 0, ST_LEVEL 28:27 = 0b01 (two-level).
 */
#define IDR0 0x084d349bu
/* SMMU_IDR1 (6.3.2): SIDSIZE 5:0 = 16, SSIDSIZE 10:6 = 20. */
#define IDR1 0x00000510u
/* SMMU_IDR3 (6.3.4): FWB 8, RIL 10, BBML 12:11 = 0b10. */
#define IDR3 0x00001500u
/*
 * SMMU_IDR5 (6.3.6): OAS 2:0 = 0b101 (48 bits), GRAN4K 4, GRAN64K 6,
 *   VAX 11:10 = 0b01 (52-bit VA), STALL_MAX 31:16 = 0x80.
 */
#define IDR5 0x00800455u
/* SMMU_IIDR: Implementer 11:0 = 0x43b, Revision 15:12 = 2, Variant 19:16 = 1, ProductID 31:20 = 0x483. */
#define IIDR 0x4831243bu
/* SMMU_AIDR: ArchMajorRev 7:4 = 0 (SMMUv3), ArchMinorRev 3:0 = 2: SMMUv3.2. */
#define AIDR 0x00000002u

static void make_record(unsigned char rec[40], uint32_t idr0, uint32_t idr1,
			uint32_t idr3, uint32_t idr5)
{
	memset(rec, 0, 40);
	vt_put32(rec, 8 + 0 * 4, idr0);
	vt_put32(rec, 8 + 1 * 4, idr1);
	vt_put32(rec, 8 + 2 * 4, 0x3ff);	/* IDR2: BA_VATOS, not decoded */
	vt_put32(rec, 8 + 3 * 4, idr3);
	vt_put32(rec, 8 + 4 * 4, 0x12345678);	/* IDR4: implementation defined */
	vt_put32(rec, 8 + 5 * 4, idr5);
	vt_put32(rec, 32, IIDR);
	vt_put32(rec, 36, AIDR);
}

static void decode(uint32_t idr0, uint32_t idr1, uint32_t idr3, uint32_t idr5,
		   struct iommufd_smmuv3_info *info)
{
	unsigned char rec[40];

	make_record(rec, idr0, idr1, idr3, idr5);
	memset(info, 0, sizeof(*info));
	info->sz = sizeof(*info);
	assert_int_equal(iommufd_smmuv3_info_decode(vt_ctx, rec, sizeof(rec), info), 0);
}

static void good_hw(struct iommufd_smmuv3_info *hw)
{
	decode(IDR0, IDR1, IDR3, IDR5, hw);
}

static void test_decode_vector(void **state)
{
	struct iommufd_smmuv3_info info;

	(void)state;
	good_hw(&info);
	assert_int_equal(info.idr[0], IDR0);
	assert_int_equal(info.idr[1], IDR1);
	assert_int_equal(info.idr[2], 0x3ff);
	assert_int_equal(info.idr[3], IDR3);
	assert_int_equal(info.idr[4], 0x12345678);
	assert_int_equal(info.idr[5], IDR5);
	assert_int_equal(info.iidr, IIDR);
	assert_int_equal(info.aidr, AIDR);
	assert_int_equal(info.flags, 0);
	/* IDR0 */
	assert_true(info.s2p && info.s1p);
	assert_int_equal(info.ttf, 2);
	assert_true(info.cohacc);
	assert_false(info.btm);
	assert_int_equal(info.httu, 2);
	assert_false(info.hyp);
	assert_true(info.ats && info.asid16 && info.msi);
	assert_false(info.sev);
	assert_true(info.pri && info.vmid16 && info.cd2l);
	assert_int_equal(info.ttendian, 2);
	assert_int_equal(info.stall_model, 0);
	assert_false(info.term_model);
	assert_int_equal(info.st_level, 1);
	/* IDR1 */
	assert_int_equal(info.sidsize, 16);
	assert_int_equal(info.ssidsize, 20);
	/* IDR3 */
	assert_true(info.fwb && info.ril);
	assert_int_equal(info.bbml, 2);
	/* IDR5 */
	assert_int_equal(info.oas, 5);
	assert_int_equal(info.oas_bits, 48);
	assert_true(info.gran4k);
	assert_false(info.gran16k);
	assert_true(info.gran64k);
	assert_int_equal(info.vax, 1);
	assert_int_equal(info.stall_max, 0x80);
	/* IIDR, AIDR */
	assert_int_equal(info.implementer, 0x43b);
	assert_int_equal(info.revision, 2);
	assert_int_equal(info.variant, 1);
	assert_int_equal(info.product_id, 0x483);
	assert_int_equal(info.arch_major, 0);
	assert_int_equal(info.arch_minor, 2);
}

struct bit_field {
	unsigned int reg;	/* IDR number */
	unsigned int bit;
	size_t off;		/* bool member */
	const char *name;
};

#define B(r, b, f) { r, b, offsetof(struct iommufd_smmuv3_info, f), #f }

static const struct bit_field bit_fields[] = {
	/* 6.3.1 SMMU_IDR0 */
	B(0, 0, s2p), B(0, 1, s1p), B(0, 4, cohacc), B(0, 5, btm), B(0, 9, hyp),
	B(0, 10, ats), B(0, 12, asid16), B(0, 13, msi), B(0, 14, sev),
	B(0, 16, pri), B(0, 18, vmid16), B(0, 19, cd2l), B(0, 26, term_model),
	/* 6.3.4 SMMU_IDR3 */
	B(3, 8, fwb), B(3, 10, ril),
	/* 6.3.6 SMMU_IDR5 */
	B(5, 4, gran4k), B(5, 5, gran16k), B(5, 6, gran64k),
};

static void decode_one(unsigned int reg, uint32_t v, struct iommufd_smmuv3_info *info)
{
	decode(reg == 0 ? v : 0, reg == 1 ? v : 0, reg == 3 ? v : 0, reg == 5 ? v : 0, info);
}

static bool field(const struct iommufd_smmuv3_info *info, size_t off)
{
	bool v;

	memcpy(&v, (const char *)info + off, sizeof(v));
	return v;
}

static void test_decode_single_bits(void **state)
{
	struct iommufd_smmuv3_info info;

	(void)state;
	for (size_t i = 0; i < sizeof(bit_fields) / sizeof(bit_fields[0]); i++) {
		const struct bit_field *f = &bit_fields[i];

		decode_one(f->reg, 1u << f->bit, &info);
		if (!field(&info, f->off))
			fail_msg("%s: IDR%u bit %u alone does not set it", f->name, f->reg, f->bit);
		decode_one(f->reg, ~(1u << f->bit), &info);
		if (field(&info, f->off))
			fail_msg("%s: set without IDR%u bit %u", f->name, f->reg, f->bit);
	}
}

static void test_decode_multi_bit_fields(void **state)
{
	/* IDR5.OAS encodings, 6.3.6 */
	static const uint8_t oas[8] = { 32, 36, 40, 42, 44, 48, 52, 0 };
	struct iommufd_smmuv3_info info;

	(void)state;
	for (unsigned int i = 0; i < 8; i++) {
		decode_one(5, i, &info);
		assert_int_equal(info.oas, i);
		assert_int_equal(info.oas_bits, oas[i]);
	}
	/* IDR0: TTF 3:2, HTTU 7:6, TTENDIAN 22:21, STALL_MODEL 25:24, ST_LEVEL 28:27 */
	decode_one(0, 3u << 2 | 3u << 6 | 3u << 21 | 2u << 24 | 2u << 27, &info);
	assert_int_equal(info.ttf, 3);
	assert_int_equal(info.httu, 3);
	assert_int_equal(info.ttendian, 3);
	assert_int_equal(info.stall_model, 2);
	assert_int_equal(info.st_level, 2);
	assert_false(info.s1p);
	/* IDR1: SIDSIZE 5:0 = 32, SSIDSIZE 10:6 = 0; the rest of IDR1 ignored */
	decode_one(1, 32u | 0xfffff800u, &info);
	assert_int_equal(info.sidsize, 32);
	assert_int_equal(info.ssidsize, 0);
	/* IDR3: BBML 12:11 = 1; IDR5: VAX 11:10 = 2, STALL_MAX 31:16 = 0xffff */
	decode_one(3, 1u << 11, &info);
	assert_int_equal(info.bbml, 1);
	decode_one(5, 2u << 10 | 0xffffu << 16, &info);
	assert_int_equal(info.vax, 2);
	assert_int_equal(info.stall_max, 0xffff);
}

static void test_decode_bad_arguments(void **state)
{
	struct iommufd_smmuv3_info info;
	unsigned char rec[48];
	size_t small = offsetof(struct iommufd_smmuv3_info, s2p);
	struct iommufd_smmuv3_info *old = malloc(sizeof(*old));

	(void)state;
	make_record(rec, IDR0, IDR1, IDR3, IDR5);
	info.sz = sizeof(info);
	assert_int_equal(iommufd_smmuv3_info_decode(vt_ctx, rec, 39, &info), -EINVAL);
	assert_logged("record of 39 bytes is shorter than its 40-byte layout");
	assert_int_equal(iommufd_smmuv3_info_decode(vt_ctx, NULL, 40, &info), -EINVAL);
	assert_int_equal(iommufd_smmuv3_info_decode(vt_ctx, rec, 40, NULL), -EINVAL);
	info.sz = offsetof(struct iommufd_smmuv3_info, idr) + 4;	/* not all the IDRs */
	assert_int_equal(iommufd_smmuv3_info_decode(vt_ctx, rec, 40, &info), -EINVAL);
	info.sz = sizeof(info);
	assert_int_equal(iommufd_smmuv3_info_decode(vt_ctx, rec, sizeof(rec), &info), 0);
	/* Only what fits in an older caller's struct. */
	assert_non_null(old);
	memset(old, 0x5a, sizeof(*old));
	old->sz = small;
	assert_int_equal(iommufd_smmuv3_info_decode(vt_ctx, rec, 40, old), 0);
	assert_int_equal(old->sz, small);
	assert_int_equal(old->aidr, AIDR);
	assert_true(vt_all((char *)old + small, sizeof(*old) - small, 0x5a));
	free(old);
}

/* ---- STE ----------------------------------------------------------------- */

/*
 * 5.2: the STE bits the kernel lets a guest set. Word 0: V 0, Config 3:1,
 * S1Fmt 5:4, S1ContextPtr 51:6, S1CDMax 63:59. Word 1: S1DSS 1:0, S1CIR
 * 3:2, S1COR 5:4, S1CSH 7:6, S1STALLD 27, EATS 29:28.
 */
#define STE0_ALLOWED 0xf80fffffffffffffull
#define STE1_ALLOWED 0x380000ffull

static void build_ste(const struct iommufd_smmuv3_ste *ste,
		      const struct iommufd_smmuv3_info *hw, uint64_t *w0, uint64_t *w1)
{
	unsigned char buf[16];
	uint32_t type = 0;
	size_t len = 0;

	assert_int_equal(iommufd_smmuv3_ste_build(vt_ctx, ste, hw, buf, sizeof(buf), &type, &len), 0);
	assert_int_equal(type, IOMMUFD_HWPT_DATA_ARM_SMMUV3);
	assert_int_equal(type, 2);
	assert_int_equal(len, 16);
	*w0 = vt_le64(buf, 0);
	*w1 = vt_le64(buf, 8);
	/* What the kernel would reject with EIO never leaves the builder. */
	assert_true((*w0 & ~STE0_ALLOWED) == 0);
	assert_true((*w1 & ~STE1_ALLOWED) == 0);
}

static void test_ste_configs(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_smmuv3_ste, ste, .config = IOMMUFD_SMMUV3_STE_ABORT);
	struct iommufd_smmuv3_info hw;
	uint64_t w0, w1;

	(void)state;
	good_hw(&hw);
	/* V=1, Config 0b000 */
	build_ste(&ste, &hw, &w0, &w1);
	assert_true(w0 == 0x1 && w1 == 0);
	/* V=1, Config 0b100 */
	ste.config = IOMMUFD_SMMUV3_STE_BYPASS;
	build_ste(&ste, &hw, &w0, &w1);
	assert_true(w0 == 0x9 && w1 == 0);
	/* V=0: all zero */
	ste.config = IOMMUFD_SMMUV3_STE_INVALID;
	build_ste(&ste, NULL, &w0, &w1);
	assert_true(w0 == 0 && w1 == 0);
}

static void test_ste_s1_vector(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_smmuv3_ste, ste, .config = IOMMUFD_SMMUV3_STE_S1_TRANSLATE,
			.s1fmt = IOMMUFD_SMMUV3_S1FMT_2LVL_4K, .s1_context_ptr = 0x880001000ull,
			.s1cdmax = 8, .s1dss = IOMMUFD_SMMUV3_S1DSS_SSID0, .s1cir = 1,
			.s1cor = 1, .s1csh = 3, .eats = true);
	struct iommufd_smmuv3_info hw;
	unsigned char buf[24];
	uint64_t w0, w1;

	(void)state;
	good_hw(&hw);
	/*
	 * Word 0: V 1 | Config 0b101 << 1 | S1Fmt 0b01 << 4 | ptr 0x880001000 |
	 * S1CDMax 8 << 59. Word 1: S1DSS 0b10 | S1CIR 0b01 << 2 | S1COR 0b01 << 4
	 * | S1CSH 0b11 << 6 | EATS 0b01 << 28.
	 */
	build_ste(&ste, &hw, &w0, &w1);
	assert_true(w0 == 0x400000088000101bull);
	assert_true(w1 == 0x100000d6ull);
	/* The bytes are little-endian, whatever the host. */
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(iommufd_smmuv3_ste_build(NULL, &ste, &hw, buf, sizeof(buf), NULL, NULL), 0);
	assert_int_equal(buf[0], 0x1b);
	assert_int_equal(buf[7], 0x40);
	assert_int_equal(buf[8], 0xd6);
	assert_int_equal(buf[11], 0x10);
	assert_true(vt_all(buf + 16, 8, 0xee));
	/* S1STALLD 27, with STALL_MODEL 0 */
	ste.s1stalld = true;
	ste.eats = false;
	build_ste(&ste, &hw, &w0, &w1);
	assert_true(w1 == 0x080000d6ull);
}

/* Round trip: every field comes back from its bit position. */
static void test_ste_round_trip(void **state)
{
	struct iommufd_smmuv3_info hw;
	uint64_t w0, w1;

	(void)state;
	good_hw(&hw);
	for (unsigned int i = 0; i < 64; i++) {
		LIBIOMMUFD_OPTS(iommufd_smmuv3_ste, ste,
				.config = IOMMUFD_SMMUV3_STE_S1_TRANSLATE,
				.s1cdmax = (uint8_t)(i % 21),
				.s1fmt = i % 21 ? i % 3 : 0,
				.s1_context_ptr = ((uint64_t)i * 0x9e3779b97f4a7c15ull) &
						  0x000fffffffffffc0ull,
				.s1dss = (uint8_t)(i % 3), .s1cir = (uint8_t)(i % 4),
				.s1cor = (uint8_t)((i / 4) % 4),
				.s1csh = (uint8_t)(i % 3 ? 2 + i % 2 : 0),
				.s1stalld = i & 1, .eats = i & 2);

		build_ste(&ste, &hw, &w0, &w1);
		assert_int_equal(w0 & 1, 1);				/* V */
		assert_int_equal(w0 >> 1 & 7, 5);			/* Config */
		assert_int_equal(w0 >> 4 & 3, ste.s1fmt);		/* S1Fmt */
		assert_true((w0 & 0x000fffffffffffc0ull) == ste.s1_context_ptr);
		assert_int_equal(w0 >> 59, ste.s1cdmax);		/* S1CDMax */
		assert_int_equal(w1 & 3, ste.s1dss);			/* S1DSS */
		assert_int_equal(w1 >> 2 & 3, ste.s1cir);		/* S1CIR */
		assert_int_equal(w1 >> 4 & 3, ste.s1cor);		/* S1COR */
		assert_int_equal(w1 >> 6 & 3, ste.s1csh);		/* S1CSH */
		assert_int_equal(w1 >> 27 & 1, ste.s1stalld);		/* S1STALLD */
		assert_int_equal(w1 >> 28 & 3, ste.eats ? 1 : 0);	/* EATS */
	}
}

static void expect_ste_error(const struct iommufd_smmuv3_ste *ste,
			     const struct iommufd_smmuv3_info *hw, int err,
			     const char *logged)
{
	unsigned char buf[16];
	uint32_t type = 0x77;

	vt_log_clear();
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(iommufd_smmuv3_ste_build(vt_ctx, ste, hw, buf, sizeof(buf), &type, NULL), err);
	assert_logged(logged);
	assert_true(vt_all(buf, sizeof(buf), 0xee));
	assert_int_equal(type, 0x77);
}

static void test_ste_errors(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_smmuv3_ste, ste, .config = IOMMUFD_SMMUV3_STE_S1_TRANSLATE,
			.s1_context_ptr = 0x1000);
	struct iommufd_smmuv3_ste s;
	unsigned char buf[16];

	(void)state;
	s = ste;
	s.config = 0;
	expect_ste_error(&s, NULL, -EINVAL, "config 0: not one of");
	s.config = 5;
	expect_ste_error(&s, NULL, -EINVAL, "config 5");
	/* 5.2: S1ContextPtr is bits 51:6 */
	s = ste;
	s.s1_context_ptr = 0x1020;
	expect_ste_error(&s, NULL, -EINVAL, "s1_context_ptr 0x1020: must be 64-byte aligned");
	s.s1_context_ptr = 1ull << 52;
	expect_ste_error(&s, NULL, -EINVAL, "below 2^52");
	s = ste;
	s.s1fmt = 3;
	s.s1cdmax = 4;
	expect_ste_error(&s, NULL, -EINVAL, "s1fmt 3 is reserved");
	s.s1fmt = IOMMUFD_SMMUV3_S1FMT_2LVL_64K;
	s.s1cdmax = 0;
	expect_ste_error(&s, NULL, -EINVAL, "s1fmt 2: a two-level CD table needs s1cdmax > 0");
	s = ste;
	s.s1cdmax = 21;
	expect_ste_error(&s, NULL, -EINVAL, "s1cdmax 21");
	s = ste;
	s.s1dss = 3;
	expect_ste_error(&s, NULL, -EINVAL, "s1dss 3 is reserved");
	s = ste;
	s.s1cir = 4;
	expect_ste_error(&s, NULL, -EINVAL, "s1cir 4");
	s = ste;
	s.s1cor = 9;
	expect_ste_error(&s, NULL, -EINVAL, "s1cor 9");
	s = ste;
	s.s1csh = 1;	/* 0b01 is reserved shareability */
	expect_ste_error(&s, NULL, -EINVAL, "s1csh 1");
	/* Stage-1 fields with a config that has no stage 1 */
	s = ste;
	s.config = IOMMUFD_SMMUV3_STE_BYPASS;
	expect_ste_error(&s, NULL, -EINVAL, "s1_context_ptr is set, but config BYPASS");
	s.s1_context_ptr = 0;
	s.eats = true;
	s.config = IOMMUFD_SMMUV3_STE_ABORT;
	expect_ste_error(&s, NULL, -EINVAL, "eats is set, but config ABORT");
	s.eats = false;
	s.s1csh = 3;
	s.config = IOMMUFD_SMMUV3_STE_INVALID;
	expect_ste_error(&s, NULL, -EINVAL, "s1csh is set, but config INVALID");
	/* Arguments */
	assert_int_equal(iommufd_smmuv3_ste_build(vt_ctx, &ste, NULL, buf, 15, NULL, NULL), -EINVAL);
	assert_logged("cannot take the 16 bytes");
	assert_int_equal(iommufd_smmuv3_ste_build(vt_ctx, NULL, NULL, buf, 16, NULL, NULL), -EINVAL);
}

static void test_ste_hw_refusals(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_smmuv3_ste, ste, .config = IOMMUFD_SMMUV3_STE_S1_TRANSLATE,
			.s1_context_ptr = 0x1000);
	struct iommufd_smmuv3_info hw;
	struct iommufd_smmuv3_ste s;

	(void)state;
	/* IDR0.S1P (bit 1) clear */
	decode(IDR0 & ~2u, IDR1, IDR3, IDR5, &hw);
	expect_ste_error(&ste, &hw, -EOPNOTSUPP, "IDR0.S1P=0");
	/* IDR1.SSIDSIZE 10:6 = 4: S1CDMax 5 is too many CDs, 4 is fine */
	decode(IDR0, 16u | 4u << 6, IDR3, IDR5, &hw);
	s = ste;
	s.s1cdmax = 5;
	expect_ste_error(&s, &hw, -EOPNOTSUPP, "s1cdmax 5: more CDs than the SMMU's 4 SubstreamID bits (IDR1.SSIDSIZE)");
	s.s1cdmax = 4;
	{
		uint64_t w0, w1;

		build_ste(&s, &hw, &w0, &w1);
		assert_int_equal(w0 >> 59, 4);
	}
	/* IDR0.CD2L (bit 19) clear: two-level S1Fmt refused */
	decode(IDR0 & ~(1u << 19), IDR1, IDR3, IDR5, &hw);
	s = ste;
	s.s1cdmax = 10;
	s.s1fmt = IOMMUFD_SMMUV3_S1FMT_2LVL_4K;
	expect_ste_error(&s, &hw, -EOPNOTSUPP, "IDR0.CD2L=0");
	/* IDR0.STALL_MODEL 25:24 = 0b01 (no stall) or 0b10 (forced): S1STALLD is ILLEGAL */
	s = ste;
	s.s1stalld = true;
	decode(IDR0 | 1u << 24, IDR1, IDR3, IDR5, &hw);
	expect_ste_error(&s, &hw, -EOPNOTSUPP, "IDR0.STALL_MODEL is 1");
	decode(IDR0 | 2u << 24, IDR1, IDR3, IDR5, &hw);
	expect_ste_error(&s, &hw, -EOPNOTSUPP, "IDR0.STALL_MODEL is 2");
	/* IDR0.ATS (bit 10) clear: EATS refused */
	s = ste;
	s.eats = true;
	decode(IDR0 & ~(1u << 10), IDR1, IDR3, IDR5, &hw);
	expect_ste_error(&s, &hw, -EOPNOTSUPP, "eats: the SMMU has no ATS (IDR0.ATS=0)");
}

/* ---- commands ------------------------------------------------------------ */

static void build_cmd(const struct iommufd_smmuv3_cmd *cmd,
		      const struct iommufd_smmuv3_info *hw, uint64_t *w0, uint64_t *w1)
{
	unsigned char buf[16];
	uint32_t type = 0x77;
	size_t len = 0;

	assert_int_equal(iommufd_smmuv3_cmd_build(vt_ctx, cmd, hw, buf, sizeof(buf), &type, &len), 0);
	assert_int_equal(type, IOMMUFD_INVALIDATE_ARM_SMMUV3);
	assert_int_equal(type, 1);
	assert_int_equal(len, 16);
	*w0 = vt_le64(buf, 0);
	*w1 = vt_le64(buf, 8);
}

static void test_cmd_vectors(void **state)
{
	struct iommufd_smmuv3_info hw;
	uint64_t w0, w1;

	(void)state;
	good_hw(&hw);
	{	/* CMD_CFGI_CD 0x05: SSID 31:12, SID 63:32; Leaf at word 1 bit 0 */
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, c, .opcode = IOMMUFD_SMMUV3_CMD_CFGI_CD,
				.sid = 0x100, .ssid = 5, .leaf = true);
		build_cmd(&c, &hw, &w0, &w1);
		assert_true(w0 == 0x0000010000005005ull && w1 == 1);
	}
	{	/* CMD_CFGI_CD_ALL 0x06: SID 63:32 */
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, c, .opcode = IOMMUFD_SMMUV3_CMD_CFGI_CD_ALL,
				.sid = 0x42);
		build_cmd(&c, &hw, &w0, &w1);
		assert_true(w0 == 0x0000004200000006ull && w1 == 0);
	}
	{	/* CMD_TLBI_NH_ALL 0x10: the kernel fills the VMID */
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, c, .opcode = IOMMUFD_SMMUV3_CMD_TLBI_NH_ALL);
		build_cmd(&c, &hw, &w0, &w1);
		assert_true(w0 == 0x10 && w1 == 0);
	}
	{	/* CMD_TLBI_NH_ASID 0x11: ASID 63:48 */
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, c, .opcode = IOMMUFD_SMMUV3_CMD_TLBI_NH_ASID,
				.asid = 0x1234);
		build_cmd(&c, &hw, &w0, &w1);
		assert_true(w0 == 0x1234000000000011ull && w1 == 0);
	}
	{	/* CMD_TLBI_NH_VA 0x12: ASID 63:48; word 1: Leaf 0, Address 63:12 */
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, c, .opcode = IOMMUFD_SMMUV3_CMD_TLBI_NH_VA,
				.asid = 7, .addr = 0xffff800012345000ull, .leaf = true);
		build_cmd(&c, &hw, &w0, &w1);
		assert_true(w0 == 0x0007000000000012ull);
		assert_true(w1 == 0xffff800012345001ull);
	}
	{	/* Range: NUM 16:12, SCALE 24:20; word 1: TTL 9:8, TG 11:10 */
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, c, .opcode = IOMMUFD_SMMUV3_CMD_TLBI_NH_VA,
				.asid = 7, .addr = 0x40000000, .leaf = true, .tg = 1,
				.num = 3, .scale = 2, .ttl = 3);
		build_cmd(&c, &hw, &w0, &w1);
		assert_true(w0 == 0x0007000000203012ull);
		assert_true(w1 == 0x40000701ull);
	}
	{	/* CMD_TLBI_NH_VAA 0x13: no ASID */
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, c, .opcode = IOMMUFD_SMMUV3_CMD_TLBI_NH_VAA,
				.addr = 0x2000);
		build_cmd(&c, &hw, &w0, &w1);
		assert_true(w0 == 0x13 && w1 == 0x2000);
	}
	{	/* CMD_TLBI_NSNH_ALL 0x30 */
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, c, .opcode = IOMMUFD_SMMUV3_CMD_TLBI_NSNH_ALL);
		build_cmd(&c, NULL, &w0, &w1);
		assert_true(w0 == 0x30 && w1 == 0);
	}
	{	/* CMD_ATC_INV 0x40: Global 9, SSV 11, SSID 31:12, SID 63:32; Size 5:0, Address 63:12 */
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, c, .opcode = IOMMUFD_SMMUV3_CMD_ATC_INV,
				.sid = 0x10, .ssid = 3, .ssv = true, .global = true,
				.size = 4, .addr = 0x10000);
		build_cmd(&c, &hw, &w0, &w1);
		assert_true(w0 == 0x0000001000003a40ull);
		assert_true(w1 == 0x10004ull);
	}
	{	/* ATC_INV of everything: Size 52, address 0 */
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, c, .opcode = IOMMUFD_SMMUV3_CMD_ATC_INV,
				.sid = 1, .size = 52);
		build_cmd(&c, &hw, &w0, &w1);
		assert_true(w0 == 0x0000000100000040ull && w1 == 52);
	}
}

static void expect_cmd_error(const struct iommufd_smmuv3_cmd *cmd,
			     const struct iommufd_smmuv3_info *hw, int err,
			     const char *logged)
{
	unsigned char buf[16];

	vt_log_clear();
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(iommufd_smmuv3_cmd_build(vt_ctx, cmd, hw, buf, sizeof(buf), NULL, NULL), err);
	assert_logged(logged);
	assert_true(vt_all(buf, sizeof(buf), 0xee));
}

static void test_cmd_errors(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, c);
	struct iommufd_smmuv3_cmd base;

	(void)state;
	base = c;
	/* Opcodes the kernel refuses for a vIOMMU (4.1.1) */
	c.opcode = 0x03;
	expect_cmd_error(&c, NULL, -EINVAL, "opcode 0x3 (CFGI_STE)");
	c.opcode = 0x46;
	expect_cmd_error(&c, NULL, -EINVAL, "opcode 0x46 (SYNC)");
	c.opcode = 0x99;
	expect_cmd_error(&c, NULL, -EINVAL, "opcode 0x99 (unknown)");
	c.opcode = 0;
	expect_cmd_error(&c, NULL, -EINVAL, "opcode 0");
	/* Fields an opcode lacks */
	c = base;
	c.opcode = IOMMUFD_SMMUV3_CMD_TLBI_NH_ALL;
	c.asid = 1;
	expect_cmd_error(&c, NULL, -EINVAL, "asid is set, but TLBI_NH_ALL has no such field");
	c = base;
	c.opcode = IOMMUFD_SMMUV3_CMD_TLBI_NH_VAA;
	c.asid = 1;
	expect_cmd_error(&c, NULL, -EINVAL, "asid is set, but TLBI_NH_VAA");
	c = base;
	c.opcode = IOMMUFD_SMMUV3_CMD_CFGI_CD_ALL;
	c.leaf = true;
	expect_cmd_error(&c, NULL, -EINVAL, "leaf is set, but CFGI_CD_ALL");
	c = base;
	c.opcode = IOMMUFD_SMMUV3_CMD_CFGI_CD;
	c.size = 3;
	expect_cmd_error(&c, NULL, -EINVAL, "size is set, but CFGI_CD");
	c.size = 0;
	c.ssid = 1u << 20;
	expect_cmd_error(&c, NULL, -EINVAL, "ssid 0x100000: SubstreamIDs have 20 bits");
	/* TLBI_NH_VA */
	c = base;
	c.opcode = IOMMUFD_SMMUV3_CMD_TLBI_NH_VA;
	c.addr = 0x1800;
	expect_cmd_error(&c, NULL, -EINVAL, "addr 0x1800 is not aligned to the 4 KiB granule");
	c.addr = 0x1000;
	c.num = 1;
	expect_cmd_error(&c, NULL, -EINVAL, "num is set, but a range");
	c.num = 0;
	c.ttl = 1;
	expect_cmd_error(&c, NULL, -EINVAL, "ttl is set, but a range");
	c.ttl = 0;
	c.tg = 4;
	expect_cmd_error(&c, NULL, -EINVAL, "tg 4");
	c.tg = 3;	/* 64 KiB granule */
	expect_cmd_error(&c, NULL, -EINVAL, "addr 0x1000 is not aligned to the 64 KiB granule");
	c.addr = 0x10000;
	c.scale = 32;
	expect_cmd_error(&c, NULL, -EINVAL, "scale 32 is too large");
	/* ATC_INV */
	c = base;
	c.opcode = IOMMUFD_SMMUV3_CMD_ATC_INV;
	c.size = 53;
	expect_cmd_error(&c, NULL, -EINVAL, "size 53");
	c.size = 2;
	c.addr = 0x1000;	/* span of 4 pages: 16 KiB aligned */
	expect_cmd_error(&c, NULL, -EINVAL, "addr 0x1000 is not aligned to its span of 2^2 pages");
	c.addr = 0x4000;
	c.ssid = 9;
	expect_cmd_error(&c, NULL, -EINVAL, "ssid 9 is set without ssv");
	c.size = 52;
	c.ssid = 0;
	expect_cmd_error(&c, NULL, -EINVAL, "not aligned to its span of 2^52");
}

static void test_cmd_hw_refusals(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, c, .opcode = IOMMUFD_SMMUV3_CMD_TLBI_NH_VA,
			.addr = 0x4000, .tg = 2, .num = 1);
	struct iommufd_smmuv3_info hw;
	uint64_t w0, w1;

	(void)state;
	/* IDR3.RIL (bit 10) clear: no range invalidation */
	decode(IDR0, IDR1, IDR3 & ~(1u << 10), IDR5, &hw);
	expect_cmd_error(&c, &hw, -EOPNOTSUPP, "IDR3.RIL=0");
	/* IDR5.GRAN16K (bit 5) clear in the vector: TG 0b10 refused */
	decode(IDR0, IDR1, IDR3, IDR5, &hw);
	expect_cmd_error(&c, &hw, -EOPNOTSUPP, "tg 2: the SMMU has no 16 KiB granule");
	decode(IDR0, IDR1, IDR3, IDR5 | 1u << 5, &hw);
	build_cmd(&c, &hw, &w0, &w1);
	assert_int_equal(w1 >> 10 & 3, 2);
	/* IDR0.ASID16 (bit 12) clear: 8-bit ASIDs */
	c.tg = 0;
	c.num = 0;
	c.asid = 0x100;
	decode(IDR0 & ~(1u << 12), IDR1, IDR3, IDR5, &hw);
	expect_cmd_error(&c, &hw, -EOPNOTSUPP, "asid 0x100: the SMMU has 8-bit ASIDs");
	c.asid = 0xff;
	build_cmd(&c, &hw, &w0, &w1);
	/* IDR1.SSIDSIZE = 4: SubstreamID 16 is out of range */
	{
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, cd, .opcode = IOMMUFD_SMMUV3_CMD_CFGI_CD,
				.sid = 1, .ssid = 16);

		decode(IDR0, 16u | 4u << 6, IDR3, IDR5, &hw);
		expect_cmd_error(&cd, &hw, -EOPNOTSUPP, "ssid 0x10: the SMMU has 4 SubstreamID bits");
		cd.ssid = 15;
		build_cmd(&cd, &hw, &w0, &w1);
	}
	/* IDR0.ATS (bit 10) clear: no ATC to invalidate */
	{
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, atc, .opcode = IOMMUFD_SMMUV3_CMD_ATC_INV,
				.sid = 1);

		decode(IDR0 & ~(1u << 10), IDR1, IDR3, IDR5, &hw);
		expect_cmd_error(&atc, &hw, -EOPNOTSUPP, "ATC_INV: the SMMU has no ATS");
	}
}

static void test_cmd_sized_input(void **state)
{
	struct {
		struct iommufd_smmuv3_cmd c;
		uint32_t newer;
	} big;
	unsigned char buf[16];

	(void)state;
	memset(&big, 0, sizeof(big));
	big.c.sz = sizeof(big);
	big.c.opcode = IOMMUFD_SMMUV3_CMD_TLBI_NH_ALL;
	assert_int_equal(iommufd_smmuv3_cmd_build(vt_ctx, &big.c, NULL, buf, 16, NULL, NULL), 0);
	big.newer = 1;
	assert_int_equal(iommufd_smmuv3_cmd_build(vt_ctx, &big.c, NULL, buf, 16, NULL, NULL), -E2BIG);
	assert_int_equal(iommufd_smmuv3_cmd_build(vt_ctx, NULL, NULL, buf, 16, NULL, NULL), -EINVAL);
	assert_int_equal(iommufd_smmuv3_cmd_build(vt_ctx, &big.c, NULL, buf, 8, NULL, NULL), -EINVAL);
}

/* ---- Tegra241 CMDQV ------------------------------------------------------ */

static void test_tegra_decode(void **state)
{
	/* flags 0; version 1, log2vcmdqs 7, log2vsids 4 at bytes 4, 5, 6 */
	static const unsigned char rec[8] = { 0, 0, 0, 0, 1, 7, 4, 0 };
	struct iommufd_tegra241_cmdqv_info info;

	(void)state;
	memset(&info, 0, sizeof(info));
	info.sz = sizeof(info);
	assert_int_equal(iommufd_tegra241_cmdqv_info_decode(vt_ctx, rec, sizeof(rec), &info), 0);
	assert_int_equal(info.flags, 0);
	assert_int_equal(info.version, 1);
	assert_int_equal(info.log2vcmdqs, 7);
	assert_int_equal(info.log2vsids, 4);
	assert_int_equal(info.num_vcmdqs, 128);
	assert_int_equal(info.num_vsids, 16);
	/* PARAM: VER 3:0 = 1, NUM_VCMDQ_LOG2 7:4 = 7, NUM_VINTF_LOG2 11:8 = 0, NUM_SID_PER_VM_LOG2 15:12 = 4 */
	assert_int_equal(info.param, 0x4071);
	assert_int_equal(iommufd_tegra241_cmdqv_info_decode(vt_ctx, rec, 7, &info), -EINVAL);
	assert_logged("record of 7 bytes is shorter than its 8-byte layout");
	info.sz = 4;
	assert_int_equal(iommufd_tegra241_cmdqv_info_decode(vt_ctx, rec, 8, &info), -EINVAL);
}

/*
 * Kernel 7.3: flags bit 0 is the "repeat TLBI/CFGI" erratum; IDR5.DS (7) and
 * IDR1.CMDQS (25:21) are decoded too (issue 10 item 5).
 */
static void test_decode_7_3_fields(void **state)
{
	unsigned char rec[40];
	struct iommufd_smmuv3_info info;

	(void)state;
	decode(IDR0, IDR1, IDR3, IDR5, &info);
	assert_false(info.errata_repeat_tlbi_cfgi);
	assert_int_equal(info.flags, 0);
	make_record(rec, IDR0, 19u << 21 | 0x1fu, IDR3, 1u << 7);
	vt_put32(rec, 0, 1);	/* IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI */
	memset(&info, 0, sizeof(info));
	info.sz = sizeof(info);
	assert_int_equal(iommufd_smmuv3_info_decode(vt_ctx, rec, sizeof(rec), &info), 0);
	assert_true(info.errata_repeat_tlbi_cfgi);
	assert_int_equal(info.flags, IOMMUFD_SMMUV3_ERRATA_REPEAT_TLBI_CFGI);
	assert_int_equal(info.cmdqs, 19);
	assert_int_equal(info.sidsize, 0x1f);
	assert_true(info.ds);
	assert_false(info.gran64k);	/* bit 6, beside it */
	/* A flag bit the library does not know is kept raw, and decodes to nothing. */
	vt_put32(rec, 0, 2);
	assert_int_equal(iommufd_smmuv3_info_decode(vt_ctx, rec, sizeof(rec), &info), 0);
	assert_false(info.errata_repeat_tlbi_cfgi);
	assert_int_equal(info.flags, 2);
	/* The 7.3 fields went into the tail padding: the 1.0 size is kept. */
	assert_int_equal(offsetof(struct iommufd_smmuv3_info, errata_repeat_tlbi_cfgi),
			 offsetof(struct iommufd_smmuv3_info, arch_minor) + 1);
	assert_true(sizeof(struct iommufd_smmuv3_info) == 88 || sizeof(void *) != 8);
}

/* Which commands the erratum makes the caller send twice. */
static void test_cmd_repeats(void **state)
{
	static const struct { uint32_t opcode; bool repeats; } ops[] = {
		{ IOMMUFD_SMMUV3_CMD_CFGI_CD, true }, { IOMMUFD_SMMUV3_CMD_CFGI_CD_ALL, true },
		{ IOMMUFD_SMMUV3_CMD_TLBI_NH_ALL, true }, { IOMMUFD_SMMUV3_CMD_TLBI_NH_ASID, true },
		{ IOMMUFD_SMMUV3_CMD_TLBI_NH_VA, true }, { IOMMUFD_SMMUV3_CMD_TLBI_NH_VAA, true },
		{ IOMMUFD_SMMUV3_CMD_TLBI_NSNH_ALL, true }, { IOMMUFD_SMMUV3_CMD_ATC_INV, false },
	};
	struct iommufd_smmuv3_info hw, erratum;
	unsigned char raw[16] = { 0 };

	(void)state;
	good_hw(&hw);
	erratum = hw;
	erratum.flags = IOMMUFD_SMMUV3_ERRATA_REPEAT_TLBI_CFGI;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, cmd, .opcode = ops[i].opcode);
		unsigned char buf[16];

		assert_int_equal(iommufd_smmuv3_cmd_build(vt_ctx, &cmd, NULL, buf, sizeof(buf),
							  NULL, NULL), 0);
		assert_false(iommufd_smmuv3_cmd_repeats(&hw, buf));
		if (iommufd_smmuv3_cmd_repeats(&erratum, buf) != ops[i].repeats)
			fail_msg("opcode %#x: repeats should be %d", ops[i].opcode, ops[i].repeats);
	}
	/* The range the kernel repeats: CFGI_STE (0x03) up to ATC_INV (0x40). */
	raw[0] = 0x03;
	assert_true(iommufd_smmuv3_cmd_repeats(&erratum, raw));
	raw[0] = 0x02;	/* PREFETCH_ADDR */
	assert_false(iommufd_smmuv3_cmd_repeats(&erratum, raw));
	raw[0] = 0x46;	/* CMD_SYNC */
	assert_false(iommufd_smmuv3_cmd_repeats(&erratum, raw));
	assert_false(iommufd_smmuv3_cmd_repeats(NULL, raw));
	assert_false(iommufd_smmuv3_cmd_repeats(&erratum, NULL));
	/* A struct too small to hold the flags reports no erratum. */
	erratum.sz = offsetof(struct iommufd_smmuv3_info, flags);
	raw[0] = 0x10;
	assert_false(iommufd_smmuv3_cmd_repeats(&erratum, raw));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VT_TEST(test_decode_vector),
		VT_TEST(test_decode_single_bits),
		VT_TEST(test_decode_multi_bit_fields),
		VT_TEST(test_decode_bad_arguments),
		VT_TEST(test_ste_configs),
		VT_TEST(test_ste_s1_vector),
		VT_TEST(test_ste_round_trip),
		VT_TEST(test_ste_errors),
		VT_TEST(test_ste_hw_refusals),
		VT_TEST(test_cmd_vectors),
		VT_TEST(test_cmd_errors),
		VT_TEST(test_cmd_hw_refusals),
		VT_TEST(test_cmd_sized_input),
		VT_TEST(test_tegra_decode),
		VT_TEST(test_decode_7_3_fields),
		VT_TEST(test_cmd_repeats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
