// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ARM SMMUv3: the GET_HW_INFO record (ID registers) into named fields, the
 * guest STE of a nested HWPT, and vIOMMU invalidation commands. Also the
 * NVIDIA Tegra241 CMDQV record: CMDQV is an SMMUv3 extension, reported by
 * the SMMUv3 driver for the same devices.
 *
 * Bit positions follow the ARM System Memory Management Unit Architecture
 * Specification, SMMU architecture version 3 (ARM IHI 0070): 6.3.1 to 6.3.6
 * SMMU_IDR0 to SMMU_IDR5, SMMU_IIDR and SMMU_AIDR, 5.2 Stream Table Entry,
 * 4.1.1 Command opcodes and chapter 4 for the command layouts. All SMMU
 * structures and commands are little-endian. Which STE bits and which
 * opcodes the kernel accepts is from its uAPI (struct
 * iommu_hwpt_arm_smmuv3, iommu_viommu_arm_smmuv3_invalidate) and its SMMUv3
 * driver: anything else makes it fail with EIO, which these builders
 * prevent.
 */
#include <stdio.h>

#include "vendor.h"

/* ---- 5.2 Stream Table Entry: the fields a guest may set ----------------- */

/* Word 0 */
#define STE0_V(v)		FIELD(0, 0, v)
#define STE0_CONFIG(v)		FIELD(3, 1, v)
#define  STE_CONFIG_ABORT	0u	/* 0b000 */
#define  STE_CONFIG_BYPASS	4u	/* 0b100 */
#define  STE_CONFIG_S1_TRANS	5u	/* 0b101: stage 1 translates, stage 2 (host) too */
#define STE0_S1FMT(v)		FIELD(5, 4, v)
#define STE0_S1CTXPTR_MASK	(~0ull >> 12 & ~0x3full)	/* bits 51:6 */
#define STE0_S1CDMAX(v)		FIELD(63, 59, v)
/* Word 1 */
#define STE1_S1DSS(v)		FIELD(1, 0, v)
#define STE1_S1CIR(v)		FIELD(3, 2, v)
#define STE1_S1COR(v)		FIELD(5, 4, v)
#define STE1_S1CSH(v)		FIELD(7, 6, v)
#define STE1_S1STALLD		FIELD(27, 27, 1)
#define STE1_EATS(v)		FIELD(29, 28, v)
#define  STE_EATS_FULL		1u	/* 0b01: full ATS */

#define SSID_BITS_MAX		20	/* SubstreamIDs are at most 20 bits */

/* ---- hw info ----------------------------------------------------------- */

/* 6.3.6 SMMU_IDR5.OAS: 0b000 32 bits up to 0b110 52 bits. */
static uint8_t oas_bits(unsigned int oas)
{
	static const uint8_t bits[] = { 32, 36, 40, 42, 44, 48, 52 };

	return oas < ARRAY_SIZE(bits) ? bits[oas] : 0;
}

/* The kernel's record at @raw (any alignment), decoded into the whole struct at @out. */
static void smmuv3_decode(const void *raw, void *out)
{
	struct kabi_hw_info_arm_smmuv3 rec;
	struct iommufd_smmuv3_info *info = out;
	uint32_t idr0, idr1, idr3, idr5;

	memcpy(&rec, raw, sizeof(rec));
	idr0 = rec.idr[0];
	idr1 = rec.idr[1];
	idr3 = rec.idr[3];
	idr5 = rec.idr[5];
	memset(info, 0, sizeof(*info));
	info->sz = sizeof(*info);
	memcpy(info->idr, rec.idr, sizeof(info->idr));
	info->iidr = rec.iidr;
	info->aidr = rec.aidr;
	info->flags = rec.flags;
	info->errata_repeat_tlbi_cfgi = rec.flags & KABI_HW_INFO_SMMUV3_REPEAT_TLBI_CFGI;

	/* 6.3.1 SMMU_IDR0 */
	info->s2p = BIT_SET(idr0, 0);
	info->s1p = BIT_SET(idr0, 1);
	info->ttf = BITS(idr0, 3, 2);
	info->cohacc = BIT_SET(idr0, 4);
	info->btm = BIT_SET(idr0, 5);
	info->httu = BITS(idr0, 7, 6);
	info->hyp = BIT_SET(idr0, 9);
	info->ats = BIT_SET(idr0, 10);
	info->asid16 = BIT_SET(idr0, 12);
	info->msi = BIT_SET(idr0, 13);
	info->sev = BIT_SET(idr0, 14);
	info->pri = BIT_SET(idr0, 16);
	info->vmid16 = BIT_SET(idr0, 18);
	info->cd2l = BIT_SET(idr0, 19);
	info->ttendian = BITS(idr0, 22, 21);
	info->stall_model = BITS(idr0, 25, 24);
	info->term_model = BIT_SET(idr0, 26);
	info->st_level = BITS(idr0, 28, 27);
	/* 6.3.2 SMMU_IDR1 */
	info->sidsize = BITS(idr1, 5, 0);
	info->ssidsize = BITS(idr1, 10, 6);
	info->cmdqs = BITS(idr1, 25, 21);
	/* 6.3.4 SMMU_IDR3 */
	info->fwb = BIT_SET(idr3, 8);
	info->ril = BIT_SET(idr3, 10);
	info->bbml = BITS(idr3, 12, 11);
	/* 6.3.6 SMMU_IDR5 */
	info->oas = BITS(idr5, 2, 0);
	info->oas_bits = oas_bits(info->oas);
	info->gran4k = BIT_SET(idr5, 4);
	info->gran16k = BIT_SET(idr5, 5);
	info->gran64k = BIT_SET(idr5, 6);
	info->ds = BIT_SET(idr5, 7);
	info->vax = BITS(idr5, 11, 10);
	info->stall_max = BITS(idr5, 31, 16);
	/* SMMU_IIDR */
	info->implementer = BITS(rec.iidr, 11, 0);
	info->revision = BITS(rec.iidr, 15, 12);
	info->variant = BITS(rec.iidr, 19, 16);
	info->product_id = BITS(rec.iidr, 31, 20);
	/* SMMU_AIDR */
	info->arch_minor = BITS(rec.aidr, 3, 0);
	info->arch_major = BITS(rec.aidr, 7, 4);
}

#define SMMUV3_INFO_MIN \
	(offsetof(struct iommufd_smmuv3_info, idr) + sizeof(uint32_t[6]))

IOMMUFD_EXPORT int iommufd_smmuv3_info_decode(struct iommufd_ctx *ctx,
					      const void *data, size_t data_len,
					      struct iommufd_smmuv3_info *ret_info)
{
	struct iommufd_smmuv3_info info;
	int rc;

	rc = vendor_out_check(ctx, ret_info, SMMUV3_INFO_MIN, "SMMUv3 hw info");
	if (!rc)
		rc = vendor_len_check(ctx, data, data_len, vendor_type_smmuv3.rec_len,
				      vendor_type_smmuv3.what);
	if (rc)
		return rc;
	smmuv3_decode(data, &info);
	vendor_copy_out(ret_info, &info, sizeof(info));
	return 0;
}

/* The caller's decoded info, re-derived from its raw registers. */
static int smmuv3_hw(struct iommufd_ctx *ctx, const struct iommufd_smmuv3_info *hw,
		     struct iommufd_smmuv3_info *info, const char *what)
{
	struct iommufd_smmuv3_info copy;
	struct kabi_hw_info_arm_smmuv3 rec = { 0 };
	int rc = vendor_hw_copy(ctx, hw, &copy, sizeof(copy), SMMUV3_INFO_MIN, what);

	if (rc <= 0)
		return rc;
	memcpy(rec.idr, copy.idr, sizeof(rec.idr));
	rec.iidr = copy.iidr;
	rec.aidr = copy.aidr;
	rec.flags = copy.flags;
	smmuv3_decode(&rec, info);
	return 1;
}

/* ---- nested STE -------------------------------------------------------- */

static const char *ste_config_name(uint32_t config)
{
	switch (config) {
	case IOMMUFD_SMMUV3_STE_INVALID: return "INVALID";
	case IOMMUFD_SMMUV3_STE_ABORT: return "ABORT";
	case IOMMUFD_SMMUV3_STE_BYPASS: return "BYPASS";
	case IOMMUFD_SMMUV3_STE_S1_TRANSLATE: return "S1_TRANSLATE";
	default: return "?";
	}
}

/* Stage-1 members must be zero unless the config is S1_TRANSLATE. */
static int ste_check_no_s1(struct iommufd_ctx *ctx, const struct iommufd_smmuv3_ste *in,
			   const char *what)
{
	static const struct { const char *name; size_t off, size; } m[] = {
#define M(f) { #f, offsetof(struct iommufd_smmuv3_ste, f), \
	       sizeof(((struct iommufd_smmuv3_ste *)0)->f) }
		M(s1fmt), M(s1_context_ptr), M(s1cdmax), M(s1dss), M(s1cir),
		M(s1cor), M(s1csh), M(s1stalld), M(eats),
#undef M
	};

	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		const unsigned char *p = (const unsigned char *)in + m[i].off;

		for (size_t b = 0; b < m[i].size; b++) {
			if (p[b]) {
				log_err(ctx, "%s: %s is set, but config %s uses no stage-1 field (only S1_TRANSLATE does)",
					what, m[i].name, ste_config_name(in->config));
				return -EINVAL;
			}
		}
	}
	return 0;
}

static int ste_check_s1(struct iommufd_ctx *ctx, const struct iommufd_smmuv3_ste *in,
			const char *what)
{
	if (in->s1fmt > IOMMUFD_SMMUV3_S1FMT_2LVL_64K) {
		log_err(ctx, "%s: s1fmt %u is reserved (0 linear, 1 2-level 4K, 2 2-level 64K)",
			what, in->s1fmt);
		return -EINVAL;
	}
	if (in->s1fmt != IOMMUFD_SMMUV3_S1FMT_LINEAR && !in->s1cdmax) {
		log_err(ctx, "%s: s1fmt %u: a two-level CD table needs s1cdmax > 0 (one CD is always linear)",
			what, in->s1fmt);
		return -EINVAL;
	}
	if (in->s1_context_ptr & ~STE0_S1CTXPTR_MASK) {
		log_err(ctx, "%s: s1_context_ptr %#llx: must be 64-byte aligned and below 2^52 (STE bits 51:6)",
			what, (unsigned long long)in->s1_context_ptr);
		return -EINVAL;
	}
	if (in->s1cdmax > SSID_BITS_MAX) {
		log_err(ctx, "%s: s1cdmax %u: SubstreamIDs have at most %u bits",
			what, in->s1cdmax, SSID_BITS_MAX);
		return -EINVAL;
	}
	if (in->s1dss > IOMMUFD_SMMUV3_S1DSS_SSID0) {
		log_err(ctx, "%s: s1dss %u is reserved (0 terminate, 1 bypass, 2 SSID 0)",
			what, in->s1dss);
		return -EINVAL;
	}
	if (in->s1cir > 3 || in->s1cor > 3) {
		log_err(ctx, "%s: %s %u: a cacheability is 0 to 3", what,
			in->s1cir > 3 ? "s1cir" : "s1cor",
			in->s1cir > 3 ? in->s1cir : in->s1cor);
		return -EINVAL;
	}
	if (in->s1csh > 3 || in->s1csh == 1) {
		log_err(ctx, "%s: s1csh %u: shareability is 0 (non), 2 (outer) or 3 (inner)",
			what, in->s1csh);
		return -EINVAL;
	}
	return 0;
}

static int ste_check_hw(struct iommufd_ctx *ctx, const struct iommufd_smmuv3_ste *in,
			const struct iommufd_smmuv3_info *hw, const char *what)
{
	if (!hw->s1p) {
		log_err(ctx, "%s: config S1_TRANSLATE: the SMMU has no stage 1 (IDR0.S1P=0)", what);
		return -EOPNOTSUPP;
	}
	if (in->s1cdmax > hw->ssidsize) {
		log_err(ctx, "%s: s1cdmax %u: more CDs than the SMMU's %u SubstreamID bits (IDR1.SSIDSIZE)",
			what, in->s1cdmax, hw->ssidsize);
		return -EOPNOTSUPP;
	}
	if (in->s1fmt != IOMMUFD_SMMUV3_S1FMT_LINEAR && !hw->cd2l) {
		log_err(ctx, "%s: s1fmt %u: the SMMU has no two-level CD tables (IDR0.CD2L=0)",
			what, in->s1fmt);
		return -EOPNOTSUPP;
	}
	if (in->s1stalld && hw->stall_model != 0) {
		log_err(ctx, "%s: s1stalld: stalls cannot be disabled per stream when IDR0.STALL_MODEL is %u (needs 0)",
			what, hw->stall_model);
		return -EOPNOTSUPP;
	}
	if (in->eats && !hw->ats) {
		log_err(ctx, "%s: eats: the SMMU has no ATS (IDR0.ATS=0)", what);
		return -EOPNOTSUPP;
	}
	return 0;
}

IOMMUFD_EXPORT int iommufd_smmuv3_ste_build(struct iommufd_ctx *ctx,
					    const struct iommufd_smmuv3_ste *ste,
					    const struct iommufd_smmuv3_info *hw,
					    void *buf, size_t buf_len,
					    uint32_t *ret_type, size_t *ret_len)
{
	static const char what[] = "SMMUv3 STE";
	struct iommufd_smmuv3_info info;
	struct iommufd_smmuv3_ste in;
	uint64_t w0 = 0, w1 = 0;
	struct kabi_hwpt_arm_smmuv3 out;
	int have_hw, rc;

	rc = vendor_buf_check(ctx, buf, buf_len, sizeof(out), what);
	if (!rc)
		rc = vendor_in_copy(ctx, ste, &in, sizeof(in), what);
	if (rc)
		return rc;
	have_hw = smmuv3_hw(ctx, hw, &info, what);
	if (have_hw < 0)
		return have_hw;

	switch (in.config) {
	case IOMMUFD_SMMUV3_STE_INVALID:
	case IOMMUFD_SMMUV3_STE_ABORT:
	case IOMMUFD_SMMUV3_STE_BYPASS:
		rc = ste_check_no_s1(ctx, &in, what);
		if (rc)
			return rc;
		if (in.config == IOMMUFD_SMMUV3_STE_ABORT)
			w0 = STE0_V(1) | STE0_CONFIG(STE_CONFIG_ABORT);
		else if (in.config == IOMMUFD_SMMUV3_STE_BYPASS)
			w0 = STE0_V(1) | STE0_CONFIG(STE_CONFIG_BYPASS);
		break;
	case IOMMUFD_SMMUV3_STE_S1_TRANSLATE:
		rc = ste_check_s1(ctx, &in, what);
		if (!rc && have_hw)
			rc = ste_check_hw(ctx, &in, &info, what);
		if (rc)
			return rc;
		w0 = STE0_V(1) | STE0_CONFIG(STE_CONFIG_S1_TRANS) |
		     STE0_S1FMT(in.s1fmt) | in.s1_context_ptr |
		     STE0_S1CDMAX(in.s1cdmax);
		w1 = STE1_S1DSS(in.s1dss) | STE1_S1CIR(in.s1cir) |
		     STE1_S1COR(in.s1cor) | STE1_S1CSH(in.s1csh) |
		     (in.s1stalld ? STE1_S1STALLD : 0) |
		     STE1_EATS(in.eats ? STE_EATS_FULL : 0);
		break;
	default:
		log_err(ctx, "%s: config %u: not one of INVALID, ABORT, BYPASS, S1_TRANSLATE",
			what, in.config);
		return -EINVAL;
	}
	out.ste[0] = htole64(w0);
	out.ste[1] = htole64(w1);
	vendor_emit(buf, &out, sizeof(out), IOMMUFD_HWPT_DATA_ARM_SMMUV3, ret_type, ret_len);
	log_dbg(ctx, "%s: %s: %#018llx %#018llx", what, ste_config_name(in.config),
		(unsigned long long)w0, (unsigned long long)w1);
	return 0;
}

/* ---- invalidation commands --------------------------------------------- */

/* Members of struct iommufd_smmuv3_cmd an opcode may set. */
enum {
	USE_SID = 1 << 0,
	USE_SSID = 1 << 1,
	USE_ASID = 1 << 2,
	USE_LEAF = 1 << 3,
	USE_SSV = 1 << 4,
	USE_GLOBAL = 1 << 5,
	USE_ADDR = 1 << 6,
	USE_SIZE = 1 << 7,
	USE_RANGE = 1 << 8,	/* tg, num, scale, ttl */
};

static const struct cmd_desc {
	uint32_t opcode;
	const char *name;
	unsigned int use;
} cmd_descs[] = {
	{ IOMMUFD_SMMUV3_CMD_CFGI_CD, "CFGI_CD", USE_SID | USE_SSID | USE_LEAF },
	{ IOMMUFD_SMMUV3_CMD_CFGI_CD_ALL, "CFGI_CD_ALL", USE_SID },
	{ IOMMUFD_SMMUV3_CMD_TLBI_NH_ALL, "TLBI_NH_ALL", 0 },
	{ IOMMUFD_SMMUV3_CMD_TLBI_NH_ASID, "TLBI_NH_ASID", USE_ASID },
	{ IOMMUFD_SMMUV3_CMD_TLBI_NH_VA, "TLBI_NH_VA",
	  USE_ASID | USE_LEAF | USE_ADDR | USE_RANGE },
	{ IOMMUFD_SMMUV3_CMD_TLBI_NH_VAA, "TLBI_NH_VAA", USE_LEAF | USE_ADDR | USE_RANGE },
	{ IOMMUFD_SMMUV3_CMD_TLBI_NSNH_ALL, "TLBI_NSNH_ALL", 0 },
	{ IOMMUFD_SMMUV3_CMD_ATC_INV, "ATC_INV",
	  USE_SID | USE_SSID | USE_SSV | USE_GLOBAL | USE_ADDR | USE_SIZE },
};

/* Opcodes of other commands, for a clearer refusal (4.1.1). */
static const char *other_opcode_name(uint32_t opcode)
{
	switch (opcode) {
	case 0x01: return "PREFETCH_CONFIG";
	case 0x02: return "PREFETCH_ADDR";
	case 0x03: return "CFGI_STE";
	case 0x04: return "CFGI_STE_RANGE/CFGI_ALL";
	case 0x20: return "TLBI_EL2_ALL";
	case 0x28: return "TLBI_S12_VMALL";
	case 0x2a: return "TLBI_S2_IPA";
	case 0x41: return "PRI_RESP";
	case 0x44: return "RESUME";
	case 0x46: return "SYNC";
	default: return "unknown";
	}
}

static int cmd_check_unused(struct iommufd_ctx *ctx, const struct iommufd_smmuv3_cmd *in,
			    const struct cmd_desc *d, const char *what)
{
	static const struct { unsigned int use; const char *name; } m[] = {
		{ USE_SID, "sid" }, { USE_SSID, "ssid" }, { USE_ASID, "asid" },
		{ USE_LEAF, "leaf" }, { USE_SSV, "ssv" }, { USE_GLOBAL, "global" },
		{ USE_ADDR, "addr" }, { USE_SIZE, "size" }, { USE_RANGE, "tg" },
		{ USE_RANGE, "num" }, { USE_RANGE, "scale" }, { USE_RANGE, "ttl" },
	};
	const uint64_t val[] = {
		in->sid, in->ssid, in->asid, in->leaf, in->ssv, in->global,
		in->addr, in->size, in->tg, in->num, in->scale, in->ttl,
	};

	for (size_t i = 0; i < ARRAY_SIZE(m); i++) {
		if (val[i] && !(d->use & m[i].use)) {
			log_err(ctx, "%s: %s is set, but %s has no such field", what,
				m[i].name, d->name);
			return -EINVAL;
		}
	}
	return 0;
}

/* TLBI_NH_VA(A): one address, or a range in granules of tg (SMMUv3.2 RIL). */
static int cmd_check_tlbi_va(struct iommufd_ctx *ctx, const struct iommufd_smmuv3_cmd *in,
			     const struct iommufd_smmuv3_info *hw, const char *what)
{
	static const unsigned int granule_shift[] = { 12, 12, 14, 16 };
	uint64_t granule;

	if (in->tg > 3) {
		log_err(ctx, "%s: tg %u: 0 (no range), 1 (4 KiB), 2 (16 KiB) or 3 (64 KiB)",
			what, in->tg);
		return -EINVAL;
	}
	if (!in->tg && (in->num || in->scale || in->ttl)) {
		log_err(ctx, "%s: %s is set, but a range (num, scale, ttl) needs tg", what,
			in->num ? "num" : in->scale ? "scale" : "ttl");
		return -EINVAL;
	}
	if (in->num > 31 || in->scale > 31 || in->ttl > 3) {
		log_err(ctx, "%s: %s %u is too large (num and scale 0 to 31, ttl 0 to 3)", what,
			in->num > 31 ? "num" : in->scale > 31 ? "scale" : "ttl",
			in->num > 31 ? in->num : in->scale > 31 ? in->scale : in->ttl);
		return -EINVAL;
	}
	granule = 1ull << granule_shift[in->tg];
	if (in->addr & (granule - 1)) {
		log_err(ctx, "%s: addr %#llx is not aligned to the %llu KiB granule", what,
			(unsigned long long)in->addr, (unsigned long long)(granule >> 10));
		return -EINVAL;
	}
	if (hw && in->tg) {
		bool gran = in->tg == 1 ? hw->gran4k : in->tg == 2 ? hw->gran16k : hw->gran64k;

		if (!hw->ril) {
			log_err(ctx, "%s: tg %u: the SMMU has no range invalidation (IDR3.RIL=0)",
				what, in->tg);
			return -EOPNOTSUPP;
		}
		if (!gran) {
			log_err(ctx, "%s: tg %u: the SMMU has no %llu KiB granule (IDR5.GRAN*)",
				what, in->tg, (unsigned long long)(granule >> 10));
			return -EOPNOTSUPP;
		}
	}
	return 0;
}

static int cmd_check_atc(struct iommufd_ctx *ctx, const struct iommufd_smmuv3_cmd *in,
			 const struct iommufd_smmuv3_info *hw, const char *what)
{
	if (in->size > 52) {
		log_err(ctx, "%s: size %u: the span is 2^size pages, size at most 52 (everything)",
			what, in->size);
		return -EINVAL;
	}
	if (in->size >= 52 ? in->addr != 0 : (in->addr & ((4096ull << in->size) - 1)) != 0) {
		log_err(ctx, "%s: addr %#llx is not aligned to its span of 2^%u pages",
			what, (unsigned long long)in->addr, in->size);
		return -EINVAL;
	}
	if (in->ssid && !in->ssv) {
		log_err(ctx, "%s: ssid %u is set without ssv", what, in->ssid);
		return -EINVAL;
	}
	if (hw && !hw->ats) {
		log_err(ctx, "%s: ATC_INV: the SMMU has no ATS (IDR0.ATS=0)", what);
		return -EOPNOTSUPP;
	}
	return 0;
}

IOMMUFD_EXPORT int iommufd_smmuv3_cmd_build(struct iommufd_ctx *ctx,
					    const struct iommufd_smmuv3_cmd *cmd,
					    const struct iommufd_smmuv3_info *hw,
					    void *buf, size_t buf_len,
					    uint32_t *ret_type, size_t *ret_len)
{
	static const char what[] = "SMMUv3 command";
	struct iommufd_smmuv3_info info;
	struct kabi_viommu_arm_smmuv3_invalidate out;
	const struct iommufd_smmuv3_info *hwp = NULL;
	const struct cmd_desc *d = NULL;
	struct iommufd_smmuv3_cmd in;
	uint64_t w0, w1 = 0;
	int have_hw, rc;

	rc = vendor_buf_check(ctx, buf, buf_len, sizeof(out), what);
	if (!rc)
		rc = vendor_in_copy(ctx, cmd, &in, sizeof(in), what);
	if (rc)
		return rc;
	have_hw = smmuv3_hw(ctx, hw, &info, what);
	if (have_hw < 0)
		return have_hw;
	if (have_hw)
		hwp = &info;

	for (size_t i = 0; i < ARRAY_SIZE(cmd_descs); i++)
		if (cmd_descs[i].opcode == in.opcode)
			d = &cmd_descs[i];
	if (!d) {
		log_err(ctx, "%s: opcode %#x (%s): not one the kernel takes for a vIOMMU (CFGI_CD(_ALL), TLBI_NH_*, TLBI_NSNH_ALL, ATC_INV)",
			what, in.opcode, other_opcode_name(in.opcode));
		return -EINVAL;
	}
	rc = cmd_check_unused(ctx, &in, d, what);
	if (rc)
		return rc;
	if ((d->use & USE_SSID) && in.ssid >> SSID_BITS_MAX) {
		log_err(ctx, "%s: ssid %#x: SubstreamIDs have %u bits", what, in.ssid,
			SSID_BITS_MAX);
		return -EINVAL;
	}
	if (in.opcode == IOMMUFD_SMMUV3_CMD_TLBI_NH_VA ||
	    in.opcode == IOMMUFD_SMMUV3_CMD_TLBI_NH_VAA)
		rc = cmd_check_tlbi_va(ctx, &in, hwp, what);
	else if (in.opcode == IOMMUFD_SMMUV3_CMD_ATC_INV)
		rc = cmd_check_atc(ctx, &in, hwp, what);
	if (rc)
		return rc;
	if (hwp) {
		if ((d->use & USE_ASID) && !hwp->asid16 && in.asid > 0xff) {
			log_err(ctx, "%s: asid %#x: the SMMU has 8-bit ASIDs (IDR0.ASID16=0)",
				what, in.asid);
			return -EOPNOTSUPP;
		}
		if ((d->use & USE_SSID) && in.ssid >> hwp->ssidsize) {
			log_err(ctx, "%s: ssid %#x: the SMMU has %u SubstreamID bits (IDR1.SSIDSIZE)",
				what, in.ssid, hwp->ssidsize);
			return -EOPNOTSUPP;
		}
	}

	w0 = FIELD(7, 0, in.opcode);
	switch (in.opcode) {
	case IOMMUFD_SMMUV3_CMD_CFGI_CD:
		w0 |= FIELD(31, 12, in.ssid) | FIELD(63, 32, in.sid);
		w1 = FIELD(0, 0, in.leaf);
		break;
	case IOMMUFD_SMMUV3_CMD_CFGI_CD_ALL:
		w0 |= FIELD(63, 32, in.sid);
		break;
	case IOMMUFD_SMMUV3_CMD_TLBI_NH_ASID:
		w0 |= FIELD(63, 48, in.asid);
		break;
	case IOMMUFD_SMMUV3_CMD_TLBI_NH_VA:
	case IOMMUFD_SMMUV3_CMD_TLBI_NH_VAA:
		w0 |= FIELD(16, 12, in.num) | FIELD(24, 20, in.scale) |
		      FIELD(63, 48, in.asid);
		w1 = FIELD(0, 0, in.leaf) | FIELD(9, 8, in.ttl) |
		     FIELD(11, 10, in.tg) | (in.addr & ~0xfffull);
		break;
	case IOMMUFD_SMMUV3_CMD_ATC_INV:
		w0 |= FIELD(9, 9, in.global) | FIELD(11, 11, in.ssv) |
		      FIELD(31, 12, in.ssid) | FIELD(63, 32, in.sid);
		w1 = FIELD(5, 0, in.size) | (in.addr & ~0xfffull);
		break;
	default:	/* TLBI_NH_ALL, TLBI_NSNH_ALL: the opcode alone */
		break;
	}
	out.cmd[0] = htole64(w0);
	out.cmd[1] = htole64(w1);
	vendor_emit(buf, &out, sizeof(out), IOMMUFD_INVALIDATE_ARM_SMMUV3, ret_type, ret_len);
	return 0;
}

/* ---- NVIDIA Tegra241 CMDQV --------------------------------------------- */

/* The kernel's record at @raw (any alignment), decoded into the whole struct at @out. */
static void tegra241_cmdqv_decode(const void *raw, void *out)
{
	struct kabi_hw_info_tegra241_cmdqv rec;
	struct iommufd_tegra241_cmdqv_info *info = out;

	memcpy(&rec, raw, sizeof(rec));
	memset(info, 0, sizeof(*info));
	info->sz = sizeof(*info);
	info->flags = rec.flags;
	info->version = rec.version;
	info->log2vcmdqs = rec.log2vcmdqs;
	info->log2vsids = rec.log2vsids;
	/* Each is a 4-bit field of PARAM, so the counts fit. */
	info->num_vcmdqs = 1u << (rec.log2vcmdqs & 0xf);
	info->num_vsids = 1u << (rec.log2vsids & 0xf);
	/* PARAM: VER 3:0, NUM_VCMDQ_LOG2 7:4, NUM_VINTF_LOG2 11:8 (0), NUM_SID_PER_VM_LOG2 15:12 */
	info->param = (uint32_t)FIELD(3, 0, rec.version) |
		      (uint32_t)FIELD(7, 4, rec.log2vcmdqs) |
		      (uint32_t)FIELD(15, 12, rec.log2vsids);
}

#define TEGRA_INFO_MIN \
	(offsetof(struct iommufd_tegra241_cmdqv_info, flags) + sizeof(uint32_t))

IOMMUFD_EXPORT int iommufd_tegra241_cmdqv_info_decode(struct iommufd_ctx *ctx,
						      const void *data, size_t data_len,
						      struct iommufd_tegra241_cmdqv_info *ret_info)
{
	struct iommufd_tegra241_cmdqv_info info;
	int rc;

	rc = vendor_out_check(ctx, ret_info, TEGRA_INFO_MIN, "Tegra241 CMDQV hw info");
	if (!rc)
		rc = vendor_len_check(ctx, data, data_len, vendor_type_tegra241_cmdqv.rec_len,
				      vendor_type_tegra241_cmdqv.what);
	if (rc)
		return rc;
	tegra241_cmdqv_decode(data, &info);
	vendor_copy_out(ret_info, &info, sizeof(info));
	return 0;
}

/* ---- the vendor table's entries ---------------------------------------- */

static bool smmuv3_nesting(const void *info, char *buf, size_t len)
{
	const struct iommufd_smmuv3_info *d = info;

	if (buf)
		snprintf(buf, len, "hw info IDR0.S1P=%d S2P=%d %s", d->s1p, d->s2p,
			 d->s1p && d->s2p ? "allows it" : "(both are needed)");
	return d->s1p && d->s2p;
}

/* IDR1.CMDQS bounds a Tegra241 HW queue: 2^CMDQS commands of 16 bytes. */
static unsigned int smmuv3_hw_queue_max_log2(const void *info)
{
	return ((const struct iommufd_smmuv3_info *)info)->cmdqs + KABI_SMMUV3_CMD_LOG2;
}

/* A valid STE of config ABORT (V=1, Config 0b000): no guest table to read. */
static const uint8_t smmuv3_trial[16] = { 0x01 };
/* CMDQV extends the SMMUv3: its SMMUs have both vIOMMU types. */
static const uint32_t smmuv3_viommus[] = {
	KABI_VIOMMU_TYPE_ARM_SMMUV3, KABI_VIOMMU_TYPE_TEGRA241_CMDQV, 0
};

/* Since 6.13 an SMMUv3 nested HWPT is allocated on a vIOMMU only. */
const struct vendor_type vendor_type_smmuv3 = {
	.hw_info_type = KABI_HW_INFO_TYPE_ARM_SMMUV3,
	.name = "ARM SMMUv3",
	.what = "SMMUv3 hw info",
	.rec_len = sizeof(struct kabi_hw_info_arm_smmuv3),
	.info_size = sizeof(struct iommufd_smmuv3_info),
	.decode = smmuv3_decode,
	.nesting = smmuv3_nesting,
	.nested_data_type = IOMMUFD_HWPT_DATA_ARM_SMMUV3,
	.trial_data = smmuv3_trial,
	.trial_len = sizeof(smmuv3_trial),
	.trial_viommu_type = KABI_VIOMMU_TYPE_ARM_SMMUV3,
	.viommu_types = smmuv3_viommus,
	.hw_queue_max_log2 = smmuv3_hw_queue_max_log2,
};

/*
 * Reported only when asked for by type; whether its SMMU nests is told by
 * the SMMUv3 record of the same device.
 */
const struct vendor_type vendor_type_tegra241_cmdqv = {
	.hw_info_type = KABI_HW_INFO_TYPE_TEGRA241_CMDQV,
	.name = "NVIDIA Tegra241 CMDQV",
	.what = "Tegra241 CMDQV hw info",
	.rec_len = sizeof(struct kabi_hw_info_tegra241_cmdqv),
	.info_size = sizeof(struct iommufd_tegra241_cmdqv_info),
	.decode = tegra241_cmdqv_decode,
	.nested_data_type = IOMMUFD_HWPT_DATA_ARM_SMMUV3,
	.viommu_types = smmuv3_viommus,
};

/* ---- the "repeat TLBI/CFGI" erratum (7.3) ------------------------------- */

/*
 * The opcodes the erratum covers: the configuration and TLB invalidations,
 * CFGI_STE (0x03) up to ATC_INV (0x40), which is not one of them.
 */
static bool opcode_repeats(const void *cmd)
{
	uint64_t w0;

	memcpy(&w0, cmd, sizeof(w0));
	w0 = le64toh(w0);
	return BITS(w0, 7, 0) >= 0x03 && BITS(w0, 7, 0) < IOMMUFD_SMMUV3_CMD_ATC_INV;
}

/* Whether the caller's decoded info reports the erratum: its raw flags. */
static bool hw_has_erratum(const struct iommufd_smmuv3_info *hw)
{
	size_t end = offsetof(struct iommufd_smmuv3_info, flags) + sizeof(hw->flags);

	return hw && hw->sz >= end && (hw->flags & KABI_HW_INFO_SMMUV3_REPEAT_TLBI_CFGI);
}

IOMMUFD_EXPORT bool iommufd_smmuv3_cmd_repeats(const struct iommufd_smmuv3_info *hw,
					       const void *cmd)
{
	return cmd && hw_has_erratum(hw) && opcode_repeats(cmd);
}
