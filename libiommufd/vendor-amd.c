// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * AMD IOMMU: the GET_HW_INFO record (extended feature registers) into named
 * fields, and the guest device table entry of a nested HWPT.
 *
 * Bit positions follow the AMD I/O Virtualization Technology (IOMMU)
 * Specification (48882): 3.4 MMIO Offset 0030h IOMMU Extended Feature
 * Register, MMIO Offset 01A0h IOMMU Extended Feature 2 Register, and 2.2.2
 * Device Table Entry (DTE). Which DTE fields a guest may set, and which
 * values the kernel refuses, is from its uAPI (struct iommu_hwpt_amd_guest)
 * and its AMD nesting code.
 */
#include <stdio.h>

#include "vendor.h"

/* ---- 2.2.2 Device Table Entry: the fields nesting takes from a guest ---- */

/* Quadword 0 (DTE bits 63:0) */
#define DTE0_V			FIELD(0, 0, 1)
#define DTE0_PPR		FIELD(52, 52, 1)
#define DTE0_GIOV		FIELD(54, 54, 1)
#define DTE0_GV			FIELD(55, 55, 1)
#define DTE0_GLX(v)		FIELD(57, 56, v)
#define DTE0_GCR3_14_12(p)	FIELD(60, 58, (p) >> 12)
/* Quadword 1 (DTE bits 127:64) */
#define DTE1_DOMAIN_ID(v)	FIELD(15, 0, v)
#define DTE1_GCR3_30_15(p)	FIELD(31, 16, (p) >> 15)
#define DTE1_GCR3_51_31(p)	FIELD(63, 43, (p) >> 31)
/* Quadword 2 (DTE bits 191:128): guest paging mode, 0 4-level, 1 5-level */
#define DTE2_GPM(v)		FIELD(55, 54, v)

#define GCR3_MASK		(~0ull >> 12 & ~0xfffull)	/* bits 51:12 */

/* ---- hw info ----------------------------------------------------------- */

/* The kernel's record at @raw (any alignment), decoded into the whole struct at @out. */
static void amd_decode(const void *raw, void *out)
{
	struct kabi_hw_info_amd rec;
	struct iommufd_amd_info *info = out;
	uint64_t efr, efr2;

	memcpy(&rec, raw, sizeof(rec));
	efr = rec.efr;
	efr2 = rec.efr2;
	memset(info, 0, sizeof(*info));
	info->sz = sizeof(*info);
	info->efr = efr;
	info->efr2 = efr2;

	/* MMIO Offset 0030h IOMMU Extended Feature Register */
	info->pref_sup = BIT_SET(efr, 0);
	info->ppr_sup = BIT_SET(efr, 1);
	info->xt_sup = BIT_SET(efr, 2);
	info->nx_sup = BIT_SET(efr, 3);
	info->gt_sup = BIT_SET(efr, 4);
	info->ia_sup = BIT_SET(efr, 6);
	info->ga_sup = BIT_SET(efr, 7);
	info->he_sup = BIT_SET(efr, 8);
	info->pc_sup = BIT_SET(efr, 9);
	info->hats = BITS(efr, 11, 10);
	info->host_levels = info->hats < 3 ? info->hats + 4 : 0;
	info->gats = BITS(efr, 13, 12);
	info->guest_levels = info->gats < 2 ? info->gats + 4 : 0;
	info->glx_sup = BITS(efr, 15, 14);
	info->gam_sup = BITS(efr, 23, 21);
	info->pasmax = BITS(efr, 36, 32);
	info->pasid_bits = info->gt_sup ? info->pasmax + 1 : 0;
	info->us_sup = BIT_SET(efr, 37);
	info->gio_sup = BIT_SET(efr, 48);
	info->ha_sup = BIT_SET(efr, 49);
	info->eph_sup = BIT_SET(efr, 50);
	info->hd_sup = BIT_SET(efr, 52);
	info->snp_sup = BIT_SET(efr, 63);

	/* MMIO Offset 01A0h IOMMU Extended Feature 2 Register */
	info->sevsnpio_sup = BIT_SET(efr2, 1);
	info->gcr3trp_mode = BIT_SET(efr2, 3);
	info->snpavic_sup = BITS(efr2, 7, 5);
	info->num_int_remap_sup = BITS(efr2, 9, 8);
	info->ht_range_ignore = BIT_SET(efr2, 11);

	/* What the kernel requires of the IOMMU to make a nest parent. */
	info->nesting = info->gt_sup && info->gio_sup && info->gcr3trp_mode;
}

#define AMD_INFO_MIN (offsetof(struct iommufd_amd_info, efr) + sizeof(uint64_t))

IOMMUFD_EXPORT int iommufd_amd_info_decode(struct iommufd_ctx *ctx,
					   const void *data, size_t data_len,
					   struct iommufd_amd_info *ret_info)
{
	struct iommufd_amd_info info;
	int rc;

	rc = vendor_out_check(ctx, ret_info, AMD_INFO_MIN, "AMD hw info");
	if (!rc)
		rc = vendor_len_check(ctx, data, data_len, vendor_type_amd.rec_len,
				      vendor_type_amd.what);
	if (rc)
		return rc;
	amd_decode(data, &info);
	vendor_copy_out(ret_info, &info, sizeof(info));
	return 0;
}

/* The caller's decoded info, re-derived from its raw registers. */
static int amd_hw(struct iommufd_ctx *ctx, const struct iommufd_amd_info *hw,
		  struct iommufd_amd_info *info, const char *what)
{
	struct iommufd_amd_info copy;
	struct kabi_hw_info_amd rec;
	int rc = vendor_hw_copy(ctx, hw, &copy, sizeof(copy),
				offsetof(struct iommufd_amd_info, efr2) + sizeof(uint64_t),
				what);

	if (rc <= 0)
		return rc;
	rec.efr = copy.efr;
	rec.efr2 = copy.efr2;
	amd_decode(&rec, info);
	return 1;
}

/* ---- guest DTE --------------------------------------------------------- */

static int dte_check_hw(struct iommufd_ctx *ctx, const struct iommufd_amd_dte *in,
			const struct iommufd_amd_info *hw, const char *what)
{
	if (!hw->nesting) {
		log_err(ctx, "%s: the IOMMU cannot nest: EFR.GTSup=%d EFR.GIoSup=%d EFR2.GCR3TRPMode=%d (all are needed)",
			what, hw->gt_sup, hw->gio_sup, hw->gcr3trp_mode);
		return -EOPNOTSUPP;
	}
	if (in->ppr && !hw->ppr_sup) {
		log_err(ctx, "%s: ppr: the IOMMU has no peripheral page requests (EFR.PPRSup=0)",
			what);
		return -EOPNOTSUPP;
	}
	if (in->glx > hw->glx_sup) {
		log_err(ctx, "%s: glx %u: the IOMMU walks at most %u GCR3 table levels (EFR.GLXSup=%u)",
			what, in->glx, hw->glx_sup + 1u, hw->glx_sup);
		return -EOPNOTSUPP;
	}
	if (in->guest_levels == 5 && hw->guest_levels != 5) {
		log_err(ctx, "%s: guest_levels 5: the IOMMU has no 5-level guest tables (EFR.GATS=%u)",
			what, hw->gats);
		return -EOPNOTSUPP;
	}
	return 0;
}

IOMMUFD_EXPORT int iommufd_amd_dte_build(struct iommufd_ctx *ctx,
					 const struct iommufd_amd_dte *dte,
					 const struct iommufd_amd_info *hw,
					 void *buf, size_t buf_len,
					 uint32_t *ret_type, size_t *ret_len)
{
	static const char what[] = "AMD guest DTE";
	struct kabi_hwpt_amd_guest out = { { 0 } };
	struct iommufd_amd_info info;
	struct iommufd_amd_dte in;
	int have_hw, rc;

	rc = vendor_buf_check(ctx, buf, buf_len, sizeof(out), what);
	if (!rc)
		rc = vendor_in_copy(ctx, dte, &in, sizeof(in), what);
	if (rc)
		return rc;
	have_hw = amd_hw(ctx, hw, &info, what);
	if (have_hw < 0)
		return have_hw;

	if (in.glx > 2) {
		log_err(ctx, "%s: glx %u: 0 to 2 (GCR3 table levels minus one; 3 is reserved)",
			what, in.glx);
		return -EINVAL;
	}
	if (in.guest_levels != 4 && in.guest_levels != 5) {
		log_err(ctx, "%s: guest_levels %u: must be 4 or 5", what, in.guest_levels);
		return -EINVAL;
	}
	if (in.gcr3_table & ~GCR3_MASK) {
		log_err(ctx, "%s: gcr3_table %#llx: must be 4 KiB aligned and below 2^52",
			what, (unsigned long long)in.gcr3_table);
		return -EINVAL;
	}
	if (in.valid && in.gv && !in.gcr3_table) {
		log_err(ctx, "%s: gcr3_table: a valid entry with guest translation (V, GV) needs a GCR3 table",
			what);
		return -EINVAL;
	}
	if (have_hw) {
		rc = dte_check_hw(ctx, &in, &info, what);
		if (rc)
			return rc;
	}

	out.dte[0] = (in.valid ? DTE0_V : 0) | (in.ppr ? DTE0_PPR : 0) |
		     (in.giov ? DTE0_GIOV : 0) | (in.gv ? DTE0_GV : 0) |
		     DTE0_GLX(in.glx) | DTE0_GCR3_14_12(in.gcr3_table);
	out.dte[1] = DTE1_DOMAIN_ID(in.domain_id) | DTE1_GCR3_30_15(in.gcr3_table) |
		     DTE1_GCR3_51_31(in.gcr3_table);
	out.dte[2] = DTE2_GPM(in.guest_levels == 5 ? 1 : 0);
	vendor_emit(buf, &out, sizeof(out), IOMMUFD_HWPT_DATA_AMD_GUEST, ret_type, ret_len);
	log_dbg(ctx, "%s: %#018llx %#018llx %#018llx", what,
		(unsigned long long)out.dte[0], (unsigned long long)out.dte[1],
		(unsigned long long)out.dte[2]);
	return 0;
}

/* ---- the vendor table's entry ------------------------------------------ */

static bool amd_nesting(const void *info, char *buf, size_t len)
{
	const struct iommufd_amd_info *d = info;

	if (buf)
		snprintf(buf, len, "hw info EFR.GTSup=%d EFR.GIoSup=%d EFR2.GCR3TRPMode=%d %s",
			 d->gt_sup, d->gio_sup, d->gcr3trp_mode,
			 d->nesting ? "allows it" : "(all are needed)");
	return d->nesting;
}

/* A valid entry without guest translation (V only): no guest table to read. */
static const struct kabi_hwpt_amd_guest amd_trial = { .dte = { 1 } };

/*
 * 7.0 to 7.3 make AMD nest parents and size a vIOMMU of any non-zero type,
 * but wire no nested allocation, neither on the parent nor on a vIOMMU: the
 * probe's trial nested HWPT is what says so. None of the vIOMMU types the
 * library knows is AMD's.
 */
const struct vendor_type vendor_type_amd = {
	.hw_info_type = KABI_HW_INFO_TYPE_AMD,
	.name = "AMD IOMMU",
	.what = "AMD hw info",
	.rec_len = sizeof(struct kabi_hw_info_amd),
	.info_size = sizeof(struct iommufd_amd_info),
	.decode = amd_decode,
	.nesting = amd_nesting,
	.nested_data_type = IOMMUFD_HWPT_DATA_AMD_GUEST,
	.trial_data = &amd_trial,
	.trial_len = sizeof(amd_trial),
};
