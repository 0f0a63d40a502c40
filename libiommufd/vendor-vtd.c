// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Intel VT-d: the GET_HW_INFO record (capability registers) into named
 * fields, and the bytes of a nested stage-1 HWPT and of its invalidation
 * entries.
 *
 * Bit positions follow the Intel Virtualization Technology for Directed
 * I/O Architecture Specification: 11.4.2 Capability Register (CAP), 11.4.3
 * Extended Capability Register (ECAP), and 9.6 Scalable-Mode PASID Table
 * Entry for the first-stage fields that nesting passes on. What the kernel
 * accepts is from its uAPI (struct iommu_hwpt_vtd_s1 and
 * iommu_hwpt_vtd_s1_invalidate) and how its Intel driver uses them.
 */
#include <stdio.h>

#include "vendor.h"

#define VTD_PAGE_SIZE		4096ull
#define VTD_S1_FLAGS		(IOMMUFD_VTD_S1_SRE | IOMMUFD_VTD_S1_EAFE | IOMMUFD_VTD_S1_WPE)
#define VTD_INV_FLAGS		IOMMUFD_VTD_INV_LEAF

/* ---- hw info ----------------------------------------------------------- */

/* The kernel's record at @raw (any alignment), decoded into the whole struct at @out. */
static void vtd_decode(const void *raw, void *out)
{
	struct kabi_hw_info_vtd rec;
	struct iommufd_vtd_info *info = out;
	uint64_t cap, ecap;

	memcpy(&rec, raw, sizeof(rec));
	cap = rec.cap_reg;
	ecap = rec.ecap_reg;
	memset(info, 0, sizeof(*info));
	info->sz = sizeof(*info);
	info->cap_reg = cap;
	info->ecap_reg = ecap;
	info->flags = rec.flags;
	info->errata_772415_spr17 = rec.flags & KABI_HW_INFO_VTD_ERRATA_772415_SPR17;

	/* 11.4.2 Capability Register */
	info->nd = BITS(cap, 2, 0);
	info->num_domains = info->nd <= 6 ? 1u << (4 + 2 * info->nd) : 0;
	info->afl = BIT_SET(cap, 3);
	info->rwbf = BIT_SET(cap, 4);
	info->plmr = BIT_SET(cap, 5);
	info->phmr = BIT_SET(cap, 6);
	info->cm = BIT_SET(cap, 7);
	info->sagaw = BITS(cap, 12, 8);
	info->mgaw = BITS(cap, 21, 16) + 1;
	info->zlr = BIT_SET(cap, 22);
	info->fro = BITS(cap, 33, 24) * 16;
	info->sslps = BITS(cap, 37, 34);
	info->psi = BIT_SET(cap, 39);
	info->nfr = BITS(cap, 47, 40) + 1;
	info->mamv = BITS(cap, 53, 48);
	info->dwd = BIT_SET(cap, 54);
	info->drd = BIT_SET(cap, 55);
	info->fs1gp = BIT_SET(cap, 56);
	info->pi = BIT_SET(cap, 59);
	info->fs5lp = BIT_SET(cap, 60);
	info->ecmds = BIT_SET(cap, 61);
	info->esirtps = BIT_SET(cap, 62);
	info->esrtps = BIT_SET(cap, 63);

	/* 11.4.3 Extended Capability Register */
	info->c = BIT_SET(ecap, 0);
	info->qi = BIT_SET(ecap, 1);
	info->dt = BIT_SET(ecap, 2);
	info->ir = BIT_SET(ecap, 3);
	info->eim = BIT_SET(ecap, 4);
	info->pt = BIT_SET(ecap, 6);
	info->sc = BIT_SET(ecap, 7);
	info->iro = BITS(ecap, 17, 8) * 16;
	info->mhmv = BITS(ecap, 23, 20);
	info->ecs = BIT_SET(ecap, 24);
	info->mts = BIT_SET(ecap, 25);
	info->nest = BIT_SET(ecap, 26);
	info->prs = BIT_SET(ecap, 29);
	info->ers = BIT_SET(ecap, 30);
	info->srs = BIT_SET(ecap, 31);
	info->nwfs = BIT_SET(ecap, 33);
	info->eafs = BIT_SET(ecap, 34);
	info->pss = BITS(ecap, 39, 35);
	info->pasid = BIT_SET(ecap, 40);
	info->pasid_bits = info->pasid ? info->pss + 1 : 0;
	info->dit = BIT_SET(ecap, 41);
	info->pds = BIT_SET(ecap, 42);
	info->smts = BIT_SET(ecap, 43);
	info->vcs = BIT_SET(ecap, 44);
	info->ssads = BIT_SET(ecap, 45);
	info->ssts = BIT_SET(ecap, 46);
	info->fsts = BIT_SET(ecap, 47);
	info->smpwcs = BIT_SET(ecap, 48);
	info->rps = BIT_SET(ecap, 49);
	info->pms = BIT_SET(ecap, 51);

	/* Guest first stage over host second stage, in a scalable-mode entry. */
	info->nesting = info->smts && info->nest && info->fsts && info->ssts;
}

#define VTD_INFO_MIN \
	(offsetof(struct iommufd_vtd_info, cap_reg) + sizeof(uint64_t))

IOMMUFD_EXPORT int iommufd_vtd_info_decode(struct iommufd_ctx *ctx,
					   const void *data, size_t data_len,
					   struct iommufd_vtd_info *ret_info)
{
	struct iommufd_vtd_info info;
	int rc;

	rc = vendor_out_check(ctx, ret_info, VTD_INFO_MIN, "VT-d hw info");
	if (!rc)
		rc = vendor_len_check(ctx, data, data_len, vendor_type_vtd.rec_len,
				      vendor_type_vtd.what);
	if (rc)
		return rc;
	vtd_decode(data, &info);
	vendor_copy_out(ret_info, &info, sizeof(info));
	return 0;
}

/* The caller's decoded info, re-derived from its raw registers. */
static int vtd_hw(struct iommufd_ctx *ctx, const struct iommufd_vtd_info *hw,
		  struct iommufd_vtd_info *info, const char *what)
{
	struct iommufd_vtd_info copy;
	struct kabi_hw_info_vtd rec = { 0 };
	int rc = vendor_hw_copy(ctx, hw, &copy, sizeof(copy),
				offsetof(struct iommufd_vtd_info, ecap_reg) + sizeof(uint64_t),
				what);

	if (rc <= 0)
		return rc;
	rec.cap_reg = copy.cap_reg;
	rec.ecap_reg = copy.ecap_reg;
	rec.flags = copy.flags;
	vtd_decode(&rec, info);
	return 1;
}

/* ---- nested stage-1 HWPT ----------------------------------------------- */

IOMMUFD_EXPORT int iommufd_vtd_s1_build(struct iommufd_ctx *ctx,
					const struct iommufd_vtd_s1 *s1,
					const struct iommufd_vtd_info *hw,
					void *buf, size_t buf_len,
					uint32_t *ret_type, size_t *ret_len)
{
	static const char what[] = "VT-d stage-1";
	struct kabi_hwpt_vtd_s1 out = { 0 };
	struct iommufd_vtd_info info;
	struct iommufd_vtd_s1 in;
	int have_hw, rc;

	rc = vendor_buf_check(ctx, buf, buf_len, sizeof(out), what);
	if (!rc)
		rc = vendor_in_copy(ctx, s1, &in, sizeof(in), what);
	if (rc)
		return rc;
	have_hw = vtd_hw(ctx, hw, &info, what);
	if (have_hw < 0)
		return have_hw;

	if (in.flags & ~(uint64_t)VTD_S1_FLAGS) {
		log_err(ctx, "%s: flags: unknown bits %#llx (known: SRE, EAFE, WPE)",
			what, (unsigned long long)(in.flags & ~(uint64_t)VTD_S1_FLAGS));
		return -EINVAL;
	}
	if (in.pgtbl_addr & (VTD_PAGE_SIZE - 1)) {
		log_err(ctx, "%s: pgtbl_addr %#llx is not 4 KiB aligned (the PASID entry holds bits 63:12)",
			what, (unsigned long long)in.pgtbl_addr);
		return -EINVAL;
	}
	if (in.addr_width != 48 && in.addr_width != 57) {
		log_err(ctx, "%s: addr_width %u: must be 48 (4-level) or 57 (5-level)",
			what, in.addr_width);
		return -EINVAL;
	}
	if ((in.flags & IOMMUFD_VTD_S1_WPE) && !(in.flags & IOMMUFD_VTD_S1_SRE))
		log_dbg(ctx, "%s: flags: WPE without SRE has no effect", what);

	if (have_hw) {
		if (!info.nesting) {
			log_err(ctx, "%s: the IOMMU cannot nest: ECAP.SMTS=%d NEST=%d FSTS=%d SSTS=%d (all are needed)",
				what, info.smts, info.nest, info.fsts, info.ssts);
			return -EOPNOTSUPP;
		}
		if (in.addr_width == 57 && !info.fs5lp) {
			log_err(ctx, "%s: addr_width 57: the IOMMU has no first-stage 5-level paging (CAP.FS5LP=0)",
				what);
			return -EOPNOTSUPP;
		}
		if ((in.flags & IOMMUFD_VTD_S1_SRE) && !info.srs) {
			log_err(ctx, "%s: flags: SRE needs supervisor requests (ECAP.SRS=0)", what);
			return -EOPNOTSUPP;
		}
		if ((in.flags & IOMMUFD_VTD_S1_EAFE) && !info.eafs) {
			log_err(ctx, "%s: flags: EAFE needs the extended accessed flag (ECAP.EAFS=0)",
				what);
			return -EOPNOTSUPP;
		}
		if (info.mgaw < 64 && in.pgtbl_addr >> info.mgaw) {
			log_err(ctx, "%s: pgtbl_addr %#llx is beyond the %u-bit guest address width (CAP.MGAW)",
				what, (unsigned long long)in.pgtbl_addr, info.mgaw);
			return -EINVAL;
		}
	}

	out.flags = in.flags;	/* our flag bits are the kernel's */
	out.pgtbl_addr = in.pgtbl_addr;
	out.addr_width = in.addr_width;
	vendor_emit(buf, &out, sizeof(out), IOMMUFD_HWPT_DATA_VTD_S1, ret_type, ret_len);
	log_dbg(ctx, "%s: table %#llx, %u-bit, flags %#llx", what,
		(unsigned long long)in.pgtbl_addr, in.addr_width,
		(unsigned long long)in.flags);
	return 0;
}

/* ---- invalidation ------------------------------------------------------ */

IOMMUFD_EXPORT int iommufd_vtd_inv_build(struct iommufd_ctx *ctx,
					 const struct iommufd_vtd_inv *inv,
					 const struct iommufd_vtd_info *hw,
					 void *buf, size_t buf_len,
					 uint32_t *ret_type, size_t *ret_len)
{
	static const char what[] = "VT-d stage-1 invalidation";
	struct kabi_hwpt_vtd_s1_invalidate out = { 0 };
	struct iommufd_vtd_info info;
	struct iommufd_vtd_inv in;
	int have_hw, rc;

	rc = vendor_buf_check(ctx, buf, buf_len, sizeof(out), what);
	if (!rc)
		rc = vendor_in_copy(ctx, inv, &in, sizeof(in), what);
	if (rc)
		return rc;
	have_hw = vtd_hw(ctx, hw, &info, what);
	if (have_hw < 0)
		return have_hw;

	/* The kernel's own checks (flags, alignment, "all" from 0) first. */
	if (in.flags & ~(uint32_t)VTD_INV_FLAGS) {
		log_err(ctx, "%s: flags: unknown bits %#x (known: LEAF)", what,
			in.flags & ~(uint32_t)VTD_INV_FLAGS);
		return -EINVAL;
	}
	if (in.addr & (VTD_PAGE_SIZE - 1)) {
		log_err(ctx, "%s: addr %#llx is not 4 KiB aligned", what,
			(unsigned long long)in.addr);
		return -EINVAL;
	}
	if (in.npages == IOMMUFD_VTD_INV_ALL) {
		if (in.addr) {
			log_err(ctx, "%s: npages: \"all\" (UINT64_MAX) needs addr 0, not %#llx",
				what, (unsigned long long)in.addr);
			return -EINVAL;
		}
	} else if (!in.npages) {
		log_err(ctx, "%s: npages is 0: nothing to invalidate", what);
		return -EINVAL;
	} else if (in.npages > (in.addr ? (0 - in.addr) / VTD_PAGE_SIZE : 1ull << 52)) {
		/* The kernel would compute an end that wraps around. */
		log_err(ctx, "%s: npages %llu from addr %#llx passes the end of the 64-bit space (IOMMUFD_VTD_INV_ALL means everything)",
			what, (unsigned long long)in.npages, (unsigned long long)in.addr);
		return -EINVAL;
	}

	/*
	 * Only nesting is checked against the hardware. CAP.PSI and CAP.MAMV
	 * are not: the kernel turns any range into what its IOMMU can do
	 * (page-selective, or domain-selective when PSI is absent or the
	 * range's mask exceeds MAMV), and the guest shapes its ranges by its
	 * virtual IOMMU's CAP. Nor is the address checked against the first
	 * stage's width: a guest aligns a range down to a power of two of
	 * pages, which may leave the canonical space and is still correct.
	 */
	if (have_hw && !info.nesting) {
		log_err(ctx, "%s: the IOMMU cannot nest, so there is no stage-1 table to invalidate: ECAP.SMTS=%d NEST=%d FSTS=%d SSTS=%d (all are needed)",
			what, info.smts, info.nest, info.fsts, info.ssts);
		return -EOPNOTSUPP;
	}

	out.addr = in.addr;
	out.npages = in.npages;
	out.flags = in.flags;	/* our LEAF is the kernel's */
	vendor_emit(buf, &out, sizeof(out), IOMMUFD_INVALIDATE_VTD_S1, ret_type, ret_len);
	return 0;
}

/* ---- the vendor table's entry ------------------------------------------ */

static bool vtd_nesting(const void *info, char *buf, size_t len)
{
	const struct iommufd_vtd_info *d = info;

	if (buf)
		snprintf(buf, len, "hw info ECAP.SMTS=%d NEST=%d FSTS=%d SSTS=%d %s",
			 d->smts, d->nest, d->fsts, d->ssts, d->nesting ?
			 "allows it (is scalable mode off in the kernel?)" : "(all are needed)");
	return d->nesting;
}

/* A stage-1 table at 0: the driver keeps the address, reads nothing there. */
static const struct kabi_hwpt_vtd_s1 vtd_trial = { .addr_width = 48 };

const struct vendor_type vendor_type_vtd = {
	.hw_info_type = KABI_HW_INFO_TYPE_INTEL_VTD,
	.name = "Intel VT-d",
	.what = "VT-d hw info",
	.rec_len = sizeof(struct kabi_hw_info_vtd),
	.info_size = sizeof(struct iommufd_vtd_info),
	.decode = vtd_decode,
	.nesting = vtd_nesting,
	.nested_data_type = IOMMUFD_HWPT_DATA_VTD_S1,
	.trial_data = &vtd_trial,
	.trial_len = sizeof(vtd_trial),
	/* The Intel driver has no vIOMMU (7.3). */
};
