// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Intel VT-d: iommufd_vtd_info_decode(), iommufd_vtd_s1_build() and
 * iommufd_vtd_inv_build().
 *
 * Byte vectors come from the Intel Virtualization Technology for Directed
 * I/O Architecture Specification: 11.4.2 Capability Register (CAP), 11.4.3
 * Extended Capability Register (ECAP), 9.6 Scalable-Mode PASID Table Entry
 * (first-stage fields), and from the kernel uAPI layouts
 * struct iommu_hw_info_vtd {u32 flags; u32 rsvd; u64 cap@8; u64 ecap@16},
 * struct iommu_hwpt_vtd_s1 {u64 flags; u64 pgtbl_addr@8; u32 addr_width@16;
 * u32 rsvd@20} and struct iommu_hwpt_vtd_s1_invalidate {u64 addr; u64
 * npages@8; u32 flags@16; u32 rsvd@20}, all in host byte order.
 */
#include <errno.h>
#include <stdlib.h>

#include "vendor-test.h"

/*
 * CAP of a scalable-mode IOMMU (11.4.2), field by field:
 *   ND 2:0 = 2 (256 domains), CM 7, SAGAW 12:8 = 0b00110 (39/48-bit),
 *   MGAW 21:16 = 47 (48-bit), ZLR 22, FRO 33:24 = 0x22 (offset 0x220),
 *   SSLPS 37:34 = 0b0011 (2M, 1G), PSI 39, NFR 47:40 = 7 (8 registers),
 *   MAMV 53:48 = 0x12, DWD 54, DRD 55, FS1GP 56, PI 59, FS5LP 60.
 */
#define CAP_VECTOR 0x19d2078c226f0682ull
/*
 * ECAP (11.4.3): C 0, QI 1, DT 2, IR 3, EIM 4, PT 6, SC 7,
 *   IRO 17:8 = 0x50 (offset 0x500), MHMV 23:20 = 0xf, NEST 26, PRS 29,
 *   SRS 31, EAFS 34, PSS 39:35 = 19 (20-bit PASIDs), PASID 40, PDS 42,
 *   SMTS 43, SSADS 45, SSTS 46, FSTS 47, SMPWCS 48, RPS 49.
 */
#define ECAP_VECTOR 0x3ed9ca4f050dfull

/* The kernel's VT-d record: flags (bit 0: erratum 772415), cap, ecap. */
static void make_record(unsigned char rec[24], uint32_t flags, uint64_t cap,
			uint64_t ecap)
{
	memset(rec, 0, 24);
	vt_put32(rec, 0, flags);
	vt_put64(rec, 8, cap);
	vt_put64(rec, 16, ecap);
}

static void decode(uint64_t cap, uint64_t ecap, struct iommufd_vtd_info *info)
{
	unsigned char rec[24];

	make_record(rec, 0, cap, ecap);
	memset(info, 0, sizeof(*info));
	info->sz = sizeof(*info);
	assert_int_equal(iommufd_vtd_info_decode(vt_ctx, rec, sizeof(rec), info), 0);
}

static void test_decode_vector(void **state)
{
	struct iommufd_vtd_info info;
	unsigned char rec[24];

	(void)state;
	make_record(rec, 1, CAP_VECTOR, ECAP_VECTOR);
	info.sz = sizeof(info);
	assert_int_equal(iommufd_vtd_info_decode(vt_ctx, rec, sizeof(rec), &info), 0);
	assert_int_equal(info.sz, sizeof(info));
	assert_true(info.cap_reg == CAP_VECTOR);
	assert_true(info.ecap_reg == ECAP_VECTOR);
	assert_int_equal(info.flags, 1);
	assert_true(info.errata_772415_spr17);
	/* CAP */
	assert_int_equal(info.nd, 2);
	assert_int_equal(info.num_domains, 256);
	assert_false(info.afl);
	assert_false(info.rwbf);
	assert_false(info.plmr);
	assert_false(info.phmr);
	assert_true(info.cm);
	assert_int_equal(info.sagaw, 0x6);
	assert_int_equal(info.mgaw, 48);
	assert_true(info.zlr);
	assert_int_equal(info.fro, 0x220);
	assert_int_equal(info.sslps, 0x3);
	assert_true(info.psi);
	assert_int_equal(info.nfr, 8);
	assert_int_equal(info.mamv, 0x12);
	assert_true(info.dwd);
	assert_true(info.drd);
	assert_true(info.fs1gp);
	assert_true(info.pi);
	assert_true(info.fs5lp);
	assert_false(info.ecmds);
	assert_false(info.esirtps);
	assert_false(info.esrtps);
	/* ECAP */
	assert_true(info.c && info.qi && info.dt && info.ir && info.eim && info.pt && info.sc);
	assert_int_equal(info.iro, 0x500);
	assert_int_equal(info.mhmv, 0xf);
	assert_false(info.ecs);
	assert_false(info.mts);
	assert_true(info.nest);
	assert_true(info.prs);
	assert_false(info.ers);
	assert_true(info.srs);
	assert_false(info.nwfs);
	assert_true(info.eafs);
	assert_int_equal(info.pss, 19);
	assert_true(info.pasid);
	assert_int_equal(info.pasid_bits, 20);
	assert_false(info.dit);
	assert_true(info.pds);
	assert_true(info.smts);
	assert_false(info.vcs);
	assert_true(info.ssads);
	assert_true(info.ssts);
	assert_true(info.fsts);
	assert_true(info.smpwcs);
	assert_true(info.rps);
	assert_false(info.pms);
	assert_true(info.nesting);
}

/* One-bit fields: the bit alone sets the field, every other bit does not. */
struct bit_field {
	bool ecap;		/* else CAP */
	unsigned int bit;	/* position in the spec's register table */
	size_t off;		/* bool member of struct iommufd_vtd_info */
	const char *name;
};

#define CAPB(b, f) { false, b, offsetof(struct iommufd_vtd_info, f), #f }
#define ECAPB(b, f) { true, b, offsetof(struct iommufd_vtd_info, f), #f }

static const struct bit_field bit_fields[] = {
	/* 11.4.2 Capability Register */
	CAPB(3, afl), CAPB(4, rwbf), CAPB(5, plmr), CAPB(6, phmr), CAPB(7, cm),
	CAPB(22, zlr), CAPB(39, psi), CAPB(54, dwd), CAPB(55, drd),
	CAPB(56, fs1gp), CAPB(59, pi), CAPB(60, fs5lp), CAPB(61, ecmds),
	CAPB(62, esirtps), CAPB(63, esrtps),
	/* 11.4.3 Extended Capability Register */
	ECAPB(0, c), ECAPB(1, qi), ECAPB(2, dt), ECAPB(3, ir), ECAPB(4, eim),
	ECAPB(6, pt), ECAPB(7, sc), ECAPB(24, ecs), ECAPB(25, mts),
	ECAPB(26, nest), ECAPB(29, prs), ECAPB(30, ers), ECAPB(31, srs),
	ECAPB(33, nwfs), ECAPB(34, eafs), ECAPB(40, pasid), ECAPB(41, dit),
	ECAPB(42, pds), ECAPB(43, smts), ECAPB(44, vcs), ECAPB(45, ssads),
	ECAPB(46, ssts), ECAPB(47, fsts), ECAPB(48, smpwcs), ECAPB(49, rps),
	ECAPB(51, pms),
};

static bool field(const struct iommufd_vtd_info *info, size_t off)
{
	bool v;

	memcpy(&v, (const char *)info + off, sizeof(v));
	return v;
}

static void test_decode_single_bits(void **state)
{
	struct iommufd_vtd_info info;

	(void)state;
	for (size_t i = 0; i < sizeof(bit_fields) / sizeof(bit_fields[0]); i++) {
		const struct bit_field *f = &bit_fields[i];
		uint64_t v = 1ull << f->bit;

		decode(f->ecap ? 0 : v, f->ecap ? v : 0, &info);
		if (!field(&info, f->off))
			fail_msg("%s: bit %u alone does not set it", f->name, f->bit);
		decode(f->ecap ? 0 : ~v, f->ecap ? ~v : 0, &info);
		if (field(&info, f->off))
			fail_msg("%s: set without its bit %u", f->name, f->bit);
	}
}

static void test_decode_multi_bit_fields(void **state)
{
	struct iommufd_vtd_info info;

	(void)state;
	/* ND 2:0 = 6: 2^(4 + 12) domains; the largest defined value */
	decode(6, 0, &info);
	assert_int_equal(info.nd, 6);
	assert_int_equal(info.num_domains, 65536);
	/* SAGAW 12:8 = 0b01000: 5-level (57-bit) only */
	decode(0x8ull << 8, 0, &info);
	assert_int_equal(info.sagaw, 0x8);
	/* MGAW 21:16 = 56: 57 bits; MGAW 0: 1 bit */
	decode(56ull << 16, 0, &info);
	assert_int_equal(info.mgaw, 57);
	decode(0, 0, &info);
	assert_int_equal(info.mgaw, 1);
	assert_int_equal(info.nfr, 1);		/* NFR 0 means one register */
	assert_int_equal(info.num_domains, 16);	/* ND 0: 2^4 */
	/* FRO 33:24 all ones: 0x3ff * 16 */
	decode(0x3ffull << 24, 0, &info);
	assert_int_equal(info.fro, 0x3ff0);
	/* SSLPS 37:34 = 0b0001 (2 MiB only), NFR 47:40 = 0xff (256) */
	decode(0x1ull << 34 | 0xffull << 40, 0, &info);
	assert_int_equal(info.sslps, 1);
	assert_int_equal(info.nfr, 256);
	/* MAMV 53:48 = 0x3f */
	decode(0x3full << 48, 0, &info);
	assert_int_equal(info.mamv, 0x3f);
	/* IRO 17:8 = 0x3ff, MHMV 23:20 = 0x5 */
	decode(0, 0x3ffull << 8 | 0x5ull << 20, &info);
	assert_int_equal(info.iro, 0x3ff0);
	assert_int_equal(info.mhmv, 5);
	/* PSS 39:35 = 31 without ECAP.PASID: no PASID bits */
	decode(0, 31ull << 35, &info);
	assert_int_equal(info.pss, 31);
	assert_int_equal(info.pasid_bits, 0);
	decode(0, 31ull << 35 | 1ull << 40, &info);
	assert_int_equal(info.pasid_bits, 32);
}

static void test_decode_nesting_needs_all(void **state)
{
	/* SMTS 43, NEST 26, FSTS 47, SSTS 46 */
	static const unsigned int bits[] = { 43, 26, 47, 46 };
	uint64_t all = 0;
	struct iommufd_vtd_info info;

	(void)state;
	for (size_t i = 0; i < 4; i++)
		all |= 1ull << bits[i];
	decode(0, all, &info);
	assert_true(info.nesting);
	for (size_t i = 0; i < 4; i++) {
		decode(0, all & ~(1ull << bits[i]), &info);
		assert_false(info.nesting);
	}
}

static void test_decode_errata_flag(void **state)
{
	struct iommufd_vtd_info info = { .sz = sizeof(info) };
	unsigned char rec[24];

	(void)state;
	make_record(rec, 0, 0, 0);
	assert_int_equal(iommufd_vtd_info_decode(NULL, rec, sizeof(rec), &info), 0);
	assert_false(info.errata_772415_spr17);
	make_record(rec, 3, 0, 0);	/* an unknown flag bit is kept raw */
	assert_int_equal(iommufd_vtd_info_decode(NULL, rec, sizeof(rec), &info), 0);
	assert_true(info.errata_772415_spr17);
	assert_int_equal(info.flags, 3);
}

static void test_decode_bad_arguments(void **state)
{
	struct iommufd_vtd_info info;
	unsigned char rec[32];

	(void)state;
	make_record(rec, 0, CAP_VECTOR, ECAP_VECTOR);
	memset(&info, 0x5a, sizeof(info));
	info.sz = sizeof(info);
	/* Short record: a truncated copy, not an older layout. */
	assert_int_equal(iommufd_vtd_info_decode(vt_ctx, rec, 23, &info), -EINVAL);
	assert_logged("shorter than its 24-byte layout");
	assert_true(vt_all((char *)&info + sizeof(size_t), sizeof(info) - sizeof(size_t), 0x5a));
	assert_int_equal(iommufd_vtd_info_decode(vt_ctx, NULL, 24, &info), -EINVAL);
	assert_int_equal(iommufd_vtd_info_decode(vt_ctx, rec, 24, NULL), -EINVAL);
	info.sz = sizeof(size_t);	/* holds no field */
	assert_int_equal(iommufd_vtd_info_decode(vt_ctx, rec, 24, &info), -EINVAL);
	assert_logged("output struct size");
	/* A longer record (a later kernel) decodes what this library knows. */
	info.sz = sizeof(info);
	assert_int_equal(iommufd_vtd_info_decode(vt_ctx, rec, sizeof(rec), &info), 0);
	assert_true(info.cap_reg == CAP_VECTOR);
}

/* A caller built against an older, shorter struct: nothing past its sz. */
static void test_decode_writes_only_what_fits(void **state)
{
	unsigned char rec[24];
	size_t small = offsetof(struct iommufd_vtd_info, fs1gp);
	struct iommufd_vtd_info *info = malloc(sizeof(*info));

	(void)state;
	assert_non_null(info);
	make_record(rec, 0, CAP_VECTOR, ECAP_VECTOR);
	memset(info, 0x5a, sizeof(*info));
	info->sz = small;
	assert_int_equal(iommufd_vtd_info_decode(vt_ctx, rec, sizeof(rec), info), 0);
	assert_int_equal(info->sz, small);
	assert_true(info->cap_reg == CAP_VECTOR);
	assert_int_equal(info->mgaw, 48);
	assert_true(vt_all((char *)info + small, sizeof(*info) - small, 0x5a));
	free(info);
}

/* ---- stage-1 data ------------------------------------------------------- */

/* Decoded hw info of CAP_VECTOR/ECAP_VECTOR: nests, FS5LP, SRS, EAFS, MGAW 48. */
static void good_hw(struct iommufd_vtd_info *hw)
{
	decode(CAP_VECTOR, ECAP_VECTOR, hw);
}

static void test_s1_vector(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_vtd_s1, s1, .flags = IOMMUFD_VTD_S1_SRE | IOMMUFD_VTD_S1_WPE,
			.pgtbl_addr = 0x123456000ull, .addr_width = 57);
	struct iommufd_vtd_info hw;
	unsigned char buf[IOMMUFD_VENDOR_DATA_MAX];
	uint32_t type = 0;
	size_t len = 0;

	(void)state;
	good_hw(&hw);
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(iommufd_vtd_s1_build(vt_ctx, &s1, &hw, buf, sizeof(buf), &type, &len), 0);
	assert_int_equal(type, IOMMUFD_HWPT_DATA_VTD_S1);
	assert_int_equal(type, 1);
	assert_int_equal(len, IOMMUFD_HWPT_DATA_VTD_S1_LEN);
	assert_int_equal(len, 24);
	/* flags: SRE bit 0 | WPE bit 2 */
	assert_true(vt_get64(buf, 0) == 0x5);
	assert_true(vt_get64(buf, 8) == 0x123456000ull);
	assert_int_equal(vt_get32(buf, 16), 57);
	assert_int_equal(vt_get32(buf, 20), 0);	/* reserved */
	assert_true(vt_all(buf + 24, sizeof(buf) - 24, 0xee));	/* nothing past it */
}

static void test_s1_without_hw(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_vtd_s1, s1, .flags = IOMMUFD_VTD_S1_EAFE,
			.pgtbl_addr = 0xfffffffffffff000ull, .addr_width = 57);
	unsigned char buf[24];

	(void)state;
	/* Without hw info only the hardware-independent checks apply. */
	assert_int_equal(iommufd_vtd_s1_build(NULL, &s1, NULL, buf, sizeof(buf), NULL, NULL), 0);
	assert_true(vt_get64(buf, 0) == 0x2);
	assert_true(vt_get64(buf, 8) == 0xfffffffffffff000ull);
	s1.addr_width = 48;
	s1.flags = 0;
	assert_int_equal(iommufd_vtd_s1_build(NULL, &s1, NULL, buf, sizeof(buf), NULL, NULL), 0);
	assert_int_equal(vt_get32(buf, 16), 48);
	assert_true(vt_get64(buf, 0) == 0);
}

/* Every refusal: the errno, the field named in the log, the buffer untouched. */
static void expect_s1_error(const struct iommufd_vtd_s1 *s1,
			    const struct iommufd_vtd_info *hw, int err,
			    const char *logged)
{
	unsigned char buf[24];
	uint32_t type = 0x77;
	size_t len = 0x77;

	vt_log_clear();
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(iommufd_vtd_s1_build(vt_ctx, s1, hw, buf, sizeof(buf), &type, &len), err);
	assert_logged(logged);
	assert_true(vt_all(buf, sizeof(buf), 0xee));
	assert_int_equal(type, 0x77);
	assert_int_equal(len, 0x77);
}

static void test_s1_errors(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_vtd_s1, s1, .pgtbl_addr = 0x1000, .addr_width = 48);
	struct iommufd_vtd_info hw;
	unsigned char buf[24];

	(void)state;
	good_hw(&hw);
	s1.flags = 1u << 3;
	expect_s1_error(&s1, &hw, -EINVAL, "flags: unknown bits 0x8");
	s1.flags = 0;
	s1.pgtbl_addr = 0x1800;
	expect_s1_error(&s1, &hw, -EINVAL, "pgtbl_addr 0x1800 is not 4 KiB aligned");
	s1.pgtbl_addr = 0x1000;
	s1.addr_width = 39;
	expect_s1_error(&s1, &hw, -EINVAL, "addr_width 39");
	s1.addr_width = 0;
	expect_s1_error(&s1, NULL, -EINVAL, "addr_width 0");
	s1.addr_width = 48;
	/* MGAW 48: the table pointer is a guest address below 2^48 */
	s1.pgtbl_addr = 1ull << 48;
	expect_s1_error(&s1, &hw, -EINVAL, "pgtbl_addr 0x1000000000000 is beyond the 48-bit");
	s1.pgtbl_addr = 0x1000;
	/* Sizes */
	assert_int_equal(iommufd_vtd_s1_build(vt_ctx, &s1, &hw, buf, 23, NULL, NULL), -EINVAL);
	assert_logged("cannot take the 24 bytes");
	assert_int_equal(iommufd_vtd_s1_build(vt_ctx, &s1, &hw, NULL, 24, NULL, NULL), -EINVAL);
	assert_int_equal(iommufd_vtd_s1_build(vt_ctx, NULL, &hw, buf, 24, NULL, NULL), -EINVAL);
	assert_logged("no input struct");
	s1.sz = 4;
	assert_int_equal(iommufd_vtd_s1_build(vt_ctx, &s1, &hw, buf, 24, NULL, NULL), -EINVAL);
	s1.sz = sizeof(s1);
	hw.sz = offsetof(struct iommufd_vtd_info, ecap_reg);	/* no ECAP */
	assert_int_equal(iommufd_vtd_s1_build(vt_ctx, &s1, &hw, buf, 24, NULL, NULL), -EINVAL);
	assert_logged("does not hold its raw registers");
}

static void test_s1_hw_refusals(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_vtd_s1, s1, .pgtbl_addr = 0x1000, .addr_width = 57);
	struct iommufd_vtd_info hw;

	(void)state;
	/* CAP.FS5LP (60) clear: 57-bit refused; 48 fine */
	decode(CAP_VECTOR & ~(1ull << 60), ECAP_VECTOR, &hw);
	expect_s1_error(&s1, &hw, -EOPNOTSUPP, "addr_width 57: the IOMMU has no first-stage 5-level paging (CAP.FS5LP=0)");
	s1.addr_width = 48;
	/* ECAP.SRS (31) clear: SRE refused */
	decode(CAP_VECTOR, ECAP_VECTOR & ~(1ull << 31), &hw);
	s1.flags = IOMMUFD_VTD_S1_SRE;
	expect_s1_error(&s1, &hw, -EOPNOTSUPP, "SRE needs supervisor requests (ECAP.SRS=0)");
	/* ECAP.EAFS (34) clear: EAFE refused */
	decode(CAP_VECTOR, ECAP_VECTOR & ~(1ull << 34), &hw);
	s1.flags = IOMMUFD_VTD_S1_EAFE;
	expect_s1_error(&s1, &hw, -EOPNOTSUPP, "EAFE needs the extended accessed flag (ECAP.EAFS=0)");
	s1.flags = 0;
	/* ECAP.NEST (26) clear: no nesting at all */
	decode(CAP_VECTOR, ECAP_VECTOR & ~(1ull << 26), &hw);
	expect_s1_error(&s1, &hw, -EOPNOTSUPP, "cannot nest: ECAP.SMTS=1 NEST=0 FSTS=1 SSTS=1");
	/* ECAP.FSTS (47) clear */
	decode(CAP_VECTOR, ECAP_VECTOR & ~(1ull << 47), &hw);
	expect_s1_error(&s1, &hw, -EOPNOTSUPP, "FSTS=0");
}

static void test_s1_sized_input(void **state)
{
	struct {
		struct iommufd_vtd_s1 s1;
		uint64_t newer;		/* a member of a later library */
	} big;
	struct iommufd_vtd_s1 old;
	unsigned char buf[24];

	(void)state;
	memset(&big, 0, sizeof(big));
	big.s1.sz = sizeof(big);
	big.s1.pgtbl_addr = 0x2000;
	big.s1.addr_width = 48;
	assert_int_equal(iommufd_vtd_s1_build(vt_ctx, &big.s1, NULL, buf, sizeof(buf), NULL, NULL), 0);
	big.newer = 1;
	assert_int_equal(iommufd_vtd_s1_build(vt_ctx, &big.s1, NULL, buf, sizeof(buf), NULL, NULL), -E2BIG);
	assert_logged("this library knows only");
	/* An older caller's struct that ends before addr_width: read as 0. */
	memset(&old, 0, sizeof(old));
	old.sz = offsetof(struct iommufd_vtd_s1, addr_width);
	old.pgtbl_addr = 0x2000;
	old.addr_width = 48;	/* past its sz: not read */
	assert_int_equal(iommufd_vtd_s1_build(vt_ctx, &old, NULL, buf, sizeof(buf), NULL, NULL), -EINVAL);
	assert_logged("addr_width 0");
}

/* Round trip: the bytes read back as the PASID-entry fields they came from. */
static void test_s1_round_trip(void **state)
{
	static const uint64_t flags[] = {
		0, IOMMUFD_VTD_S1_SRE, IOMMUFD_VTD_S1_EAFE, IOMMUFD_VTD_S1_WPE,
		IOMMUFD_VTD_S1_SRE | IOMMUFD_VTD_S1_EAFE | IOMMUFD_VTD_S1_WPE,
	};
	static const uint32_t widths[] = { 48, 57 };
	struct iommufd_vtd_info hw;
	unsigned char buf[24];

	(void)state;
	good_hw(&hw);
	for (size_t f = 0; f < 5; f++) {
		for (size_t w = 0; w < 2; w++) {
			LIBIOMMUFD_OPTS(iommufd_vtd_s1, s1, .flags = flags[f],
					.pgtbl_addr = (0xabcdeull + f) << 12,
					.addr_width = widths[w]);

			assert_int_equal(iommufd_vtd_s1_build(vt_ctx, &s1, &hw, buf, sizeof(buf),
							      NULL, NULL), 0);
			assert_true(vt_get64(buf, 0) == s1.flags);
			assert_true(vt_get64(buf, 8) == s1.pgtbl_addr);
			assert_int_equal(vt_get32(buf, 16), s1.addr_width);
			assert_int_equal(vt_get32(buf, 20), 0);
		}
	}
}

/* ---- invalidation ------------------------------------------------------- */

/* Build one entry from a range and flags, with or without hardware info. */
static int inv_build(uint64_t addr, uint64_t npages, uint32_t flags,
		     const struct iommufd_vtd_info *hw, void *buf, size_t buf_len,
		     uint32_t *ret_type, size_t *ret_len)
{
	LIBIOMMUFD_OPTS(iommufd_vtd_inv, inv, .addr = addr, .npages = npages, .flags = flags);

	return iommufd_vtd_inv_build(vt_ctx, &inv, hw, buf, buf_len, ret_type, ret_len);
}

static void test_inv_vector(void **state)
{
	unsigned char buf[IOMMUFD_INVALIDATE_VTD_S1_LEN + 8];
	uint32_t type = 0x77;
	size_t len = 0;

	(void)state;
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(inv_build(0x7f000000ull, 16, IOMMUFD_VTD_INV_LEAF, NULL, buf,
				   sizeof(buf), &type, &len), 0);
	assert_int_equal(type, IOMMUFD_INVALIDATE_VTD_S1);
	assert_int_equal(type, 0);
	assert_int_equal(len, 24);
	assert_true(vt_get64(buf, 0) == 0x7f000000ull);
	assert_true(vt_get64(buf, 8) == 16);
	assert_int_equal(vt_get32(buf, 16), 1);		/* LEAF */
	assert_int_equal(vt_get32(buf, 20), 0);
	assert_true(vt_all(buf + 24, 8, 0xee));
}

static void test_inv_flush_all(void **state)
{
	unsigned char buf[24];

	(void)state;
	/* uAPI: addr 0 and npages UINT64_MAX invalidate everything */
	assert_int_equal(inv_build(0, IOMMUFD_VTD_INV_ALL, 0, NULL, buf, sizeof(buf), NULL,
				   NULL), 0);
	assert_true(vt_get64(buf, 0) == 0);
	assert_true(vt_get64(buf, 8) == UINT64_MAX);
	assert_int_equal(vt_get32(buf, 16), 0);
	/* The whole space in pages, and the last page, are ranges too. */
	assert_int_equal(inv_build(0, 1ull << 52, 0, NULL, buf, sizeof(buf), NULL, NULL), 0);
	assert_int_equal(inv_build(0xfffffffffffff000ull, 1, 0, NULL, buf, sizeof(buf), NULL,
				   NULL), 0);
}

static void expect_inv_error(uint64_t addr, uint64_t npages, uint32_t flags,
			     const char *logged)
{
	unsigned char buf[24];

	vt_log_clear();
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(inv_build(addr, npages, flags, NULL, buf, sizeof(buf), NULL, NULL),
			 -EINVAL);
	assert_logged(logged);
	assert_true(vt_all(buf, sizeof(buf), 0xee));
}

static void test_inv_errors(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_vtd_inv, inv, .npages = 1);
	unsigned char buf[24];

	(void)state;
	expect_inv_error(0x1001, 1, 0, "addr 0x1001 is not 4 KiB aligned");
	expect_inv_error(0x1000, 0, 0, "npages is 0");
	expect_inv_error(0x1000, IOMMUFD_VTD_INV_ALL, 0, "needs addr 0");
	expect_inv_error(0x1000, 0, 2, "flags: unknown bits 0x2");
	expect_inv_error(0xfffffffffffff000ull, 2, 0, "passes the end of the 64-bit space");
	expect_inv_error(0, (1ull << 52) + 1, 0, "passes the end of the 64-bit space");
	assert_int_equal(inv_build(0, 1, 0, NULL, buf, 23, NULL, NULL), -EINVAL);
	assert_int_equal(inv_build(0, 1, 0, NULL, NULL, 24, NULL, NULL), -EINVAL);
	/* No input struct, or one too small to hold its size */
	vt_log_clear();
	assert_int_equal(iommufd_vtd_inv_build(vt_ctx, NULL, NULL, buf, 24, NULL, NULL), -EINVAL);
	assert_logged("no input struct");
	inv.sz = 4;
	assert_int_equal(iommufd_vtd_inv_build(vt_ctx, &inv, NULL, buf, 24, NULL, NULL), -EINVAL);
}

static void test_inv_sized_input(void **state)
{
	struct {
		struct iommufd_vtd_inv inv;
		uint64_t newer;		/* a member of a later library */
	} big;
	struct iommufd_vtd_inv old;
	unsigned char buf[24];

	(void)state;
	memset(&big, 0, sizeof(big));
	big.inv.sz = sizeof(big);
	big.inv.addr = 0x2000;
	big.inv.npages = 1;
	assert_int_equal(iommufd_vtd_inv_build(vt_ctx, &big.inv, NULL, buf, sizeof(buf), NULL,
					       NULL), 0);
	/* A later caller's member set: refused, the buffer untouched. */
	big.newer = 1;
	vt_log_clear();
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(iommufd_vtd_inv_build(vt_ctx, &big.inv, NULL, buf, sizeof(buf), NULL,
					       NULL), -E2BIG);
	assert_logged("this library knows only");
	assert_true(vt_all(buf, sizeof(buf), 0xee));
	/* An older caller's struct that ends before flags: flags read as 0. */
	memset(&old, 0, sizeof(old));
	old.sz = offsetof(struct iommufd_vtd_inv, flags);
	old.addr = 0x3000;
	old.npages = 2;
	old.flags = 0x80;	/* past its sz: not read */
	assert_int_equal(iommufd_vtd_inv_build(vt_ctx, &old, NULL, buf, sizeof(buf), NULL, NULL),
			 0);
	assert_true(vt_get64(buf, 0) == 0x3000);
	assert_true(vt_get64(buf, 8) == 2);
	assert_int_equal(vt_get32(buf, 16), 0);
}

static void test_inv_hw(void **state)
{
	struct iommufd_vtd_info hw;
	unsigned char buf[24];

	(void)state;
	/* A nesting IOMMU: the entry is built as without hw. */
	decode(CAP_VECTOR, ECAP_VECTOR, &hw);
	assert_true(hw.nesting);
	assert_int_equal(inv_build(0x4000, 4, IOMMUFD_VTD_INV_LEAF, &hw, buf, sizeof(buf),
				   NULL, NULL), 0);
	assert_true(vt_get64(buf, 0) == 0x4000);
	/*
	 * No page-selective invalidation (CAP.PSI, 39) and the smallest
	 * address mask (CAP.MAMV 53:48 = 0): still built, on purpose (the
	 * kernel falls back to a domain-selective flush).
	 */
	decode(CAP_VECTOR & ~(1ull << 39) & ~(0x3full << 48), ECAP_VECTOR, &hw);
	assert_false(hw.psi);
	assert_int_equal(hw.mamv, 0);
	assert_int_equal(inv_build(0x4000, 1ull << 20, 0, &hw, buf, sizeof(buf), NULL, NULL), 0);
	/* An IOMMU that cannot nest has no stage-1 table to invalidate. */
	decode(CAP_VECTOR, ECAP_VECTOR & ~(1ull << 43), &hw);	/* ECAP.SMTS */
	vt_log_clear();
	memset(buf, 0xee, sizeof(buf));
	assert_int_equal(inv_build(0, IOMMUFD_VTD_INV_ALL, 0, &hw, buf, sizeof(buf), NULL, NULL),
			 -EOPNOTSUPP);
	assert_logged("the IOMMU cannot nest");
	assert_logged("ECAP.SMTS=0");
	assert_true(vt_all(buf, sizeof(buf), 0xee));
	/* Malformed input is -EINVAL before the hardware is looked at. */
	expect_inv_error(0x1001, 1, 0, "not 4 KiB aligned");
	/* Hardware info too small to hold its registers */
	decode(CAP_VECTOR, ECAP_VECTOR, &hw);
	hw.sz = offsetof(struct iommufd_vtd_info, ecap_reg);
	assert_int_equal(inv_build(0, 1, 0, &hw, buf, sizeof(buf), NULL, NULL), -EINVAL);
	assert_logged("does not hold its raw registers");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		VT_TEST(test_decode_vector),
		VT_TEST(test_decode_single_bits),
		VT_TEST(test_decode_multi_bit_fields),
		VT_TEST(test_decode_nesting_needs_all),
		VT_TEST(test_decode_errata_flag),
		VT_TEST(test_decode_bad_arguments),
		VT_TEST(test_decode_writes_only_what_fits),
		VT_TEST(test_s1_vector),
		VT_TEST(test_s1_without_hw),
		VT_TEST(test_s1_errors),
		VT_TEST(test_s1_hw_refusals),
		VT_TEST(test_s1_sized_input),
		VT_TEST(test_s1_round_trip),
		VT_TEST(test_inv_vector),
		VT_TEST(test_inv_flush_all),
		VT_TEST(test_inv_errors),
		VT_TEST(test_inv_sized_input),
		VT_TEST(test_inv_hw),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
