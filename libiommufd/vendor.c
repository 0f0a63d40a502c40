// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Vendor data, the common part: iommufd_hw_info_decode(), which picks the
 * decoder by the record's type and reports a type it does not know as raw
 * bytes, and iommufd_hw_info_type_name(). The rules every decoder and
 * builder of vendor-*.c follows are in vendor-args.c.
 */
#include <stdio.h>

#include "vendor.h"

/* ---- names ------------------------------------------------------------- */

IOMMUFD_EXPORT const char *iommufd_hw_info_type_name(uint32_t type)
{
	/* The kernel's numbers; SELFTEST is far from the others on purpose. */
	switch (type) {
	case IOMMUFD_HW_INFO_NONE:
		return "none";
	case IOMMUFD_HW_INFO_INTEL_VTD:
		return "Intel VT-d";
	case IOMMUFD_HW_INFO_ARM_SMMUV3:
		return "ARM SMMUv3";
	case IOMMUFD_HW_INFO_TEGRA241_CMDQV:
		return "NVIDIA Tegra241 CMDQV";
	case IOMMUFD_HW_INFO_AMD:
		return "AMD IOMMU";
	case IOMMUFD_HW_INFO_SELFTEST:
		return "iommufd selftest mock";
	default:
		return "unknown";
	}
}

/* ---- any type ---------------------------------------------------------- */

#define DECODED_MIN \
	(offsetof(struct iommufd_hw_info_decoded, raw_len) + sizeof(size_t))

/* The size a member of u is given: what of it fits in the caller's struct. */
static size_t member_room(const struct iommufd_hw_info_decoded *ret,
			  size_t member_size)
{
	size_t off = offsetof(struct iommufd_hw_info_decoded, u);
	size_t room = ret->sz > off ? ret->sz - off : 0;

	return room < member_size ? room : member_size;
}

IOMMUFD_EXPORT int iommufd_hw_info_decode(struct iommufd_ctx *ctx, uint32_t type,
					  const void *data, size_t data_len,
					  struct iommufd_hw_info_decoded *ret_info)
{
	struct iommufd_hw_info_decoded out = {
		.sz = sizeof(out),
		.type = type,
		.known = true,
		.raw = data,
		.raw_len = data_len,
	};
	size_t need = 0;
	const char *what = NULL;
	int rc;

	rc = vendor_out_check(ctx, ret_info, DECODED_MIN, "hw info decode");
	if (rc)
		return rc;
	if (!data && data_len) {
		log_err(ctx, "hw info decode: %zu bytes at NULL", data_len);
		return -EINVAL;
	}
	switch (type) {
	case IOMMUFD_HW_INFO_INTEL_VTD:
		need = sizeof(struct kabi_hw_info_vtd);
		what = "VT-d hw info";
		break;
	case IOMMUFD_HW_INFO_ARM_SMMUV3:
		need = sizeof(struct kabi_hw_info_arm_smmuv3);
		what = "SMMUv3 hw info";
		break;
	case IOMMUFD_HW_INFO_TEGRA241_CMDQV:
		need = sizeof(struct kabi_hw_info_tegra241_cmdqv);
		what = "Tegra241 CMDQV hw info";
		break;
	case IOMMUFD_HW_INFO_AMD:
		need = sizeof(struct kabi_hw_info_amd);
		what = "AMD hw info";
		break;
	case IOMMUFD_HW_INFO_SELFTEST:
		need = sizeof(struct kabi_hw_info_selftest);
		what = "selftest hw info";
		break;
	default:
		out.known = false;
		if (type == IOMMUFD_HW_INFO_NONE)
			log_dbg(ctx, "hw info decode: type NONE: the IOMMU driver reports no vendor record (%zu bytes)",
				data_len);
		else
			log_dbg(ctx, "hw info decode: type %#x is unknown to this library: %zu raw bytes",
				type, data_len);
		break;
	}
	if (out.known) {
		rc = vendor_len_check(ctx, data, data_len, need, what);
		if (rc)
			return rc;
	}
	switch (out.known ? type : IOMMUFD_HW_INFO_NONE) {
	case IOMMUFD_HW_INFO_INTEL_VTD: {
		struct kabi_hw_info_vtd rec;

		memcpy(&rec, data, sizeof(rec));
		vendor_vtd_decode(&rec, &out.u.vtd);
		out.u.vtd.sz = member_room(ret_info, sizeof(out.u.vtd));
		break;
	}
	case IOMMUFD_HW_INFO_ARM_SMMUV3: {
		struct kabi_hw_info_arm_smmuv3 rec;

		memcpy(&rec, data, sizeof(rec));
		vendor_smmuv3_decode(&rec, &out.u.smmuv3);
		out.u.smmuv3.sz = member_room(ret_info, sizeof(out.u.smmuv3));
		break;
	}
	case IOMMUFD_HW_INFO_TEGRA241_CMDQV: {
		struct kabi_hw_info_tegra241_cmdqv rec;

		memcpy(&rec, data, sizeof(rec));
		vendor_tegra241_cmdqv_decode(&rec, &out.u.tegra241_cmdqv);
		out.u.tegra241_cmdqv.sz =
			member_room(ret_info, sizeof(out.u.tegra241_cmdqv));
		break;
	}
	case IOMMUFD_HW_INFO_AMD: {
		struct kabi_hw_info_amd rec;

		memcpy(&rec, data, sizeof(rec));
		vendor_amd_decode(&rec, &out.u.amd);
		out.u.amd.sz = member_room(ret_info, sizeof(out.u.amd));
		break;
	}
	case IOMMUFD_HW_INFO_SELFTEST: {
		struct kabi_hw_info_selftest rec;

		memcpy(&rec, data, sizeof(rec));
		vendor_selftest_decode(&rec, &out.u.selftest);
		out.u.selftest.sz = member_room(ret_info, sizeof(out.u.selftest));
		break;
	}
	default:
		break;
	}
	vendor_copy_out(ret_info, &out, sizeof(out));
	return 0;
}

/* ---- our public numbers are the kernel's ------------------------------- */

_Static_assert(IOMMUFD_HWPT_DATA_VTD_S1 == KABI_HWPT_DATA_VTD_S1, "VTD_S1 type");
_Static_assert(IOMMUFD_HWPT_DATA_ARM_SMMUV3 == KABI_HWPT_DATA_ARM_SMMUV3, "SMMUv3 type");
_Static_assert(IOMMUFD_HWPT_DATA_AMD_GUEST == KABI_HWPT_DATA_AMD_GUEST, "AMD type");
_Static_assert(IOMMUFD_HWPT_DATA_SELFTEST == KABI_HWPT_DATA_SELFTEST, "selftest type");
_Static_assert(IOMMUFD_HWPT_DATA_VTD_S1_LEN == sizeof(struct kabi_hwpt_vtd_s1), "VT-d len");
_Static_assert(IOMMUFD_HWPT_DATA_ARM_SMMUV3_LEN == sizeof(struct kabi_hwpt_arm_smmuv3),
	       "SMMUv3 len");
_Static_assert(IOMMUFD_HWPT_DATA_AMD_GUEST_LEN == sizeof(struct kabi_hwpt_amd_guest), "AMD len");
_Static_assert(IOMMUFD_HWPT_DATA_SELFTEST_LEN == KABI_HWPT_SELFTEST_SIZE_V1, "selftest len");
_Static_assert(IOMMUFD_INVALIDATE_VTD_S1 == KABI_HWPT_INVALIDATE_DATA_VTD_S1, "VT-d inv");
_Static_assert(IOMMUFD_INVALIDATE_ARM_SMMUV3 == KABI_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3,
	       "SMMUv3 inv");
_Static_assert(IOMMUFD_INVALIDATE_SELFTEST == KABI_INVALIDATE_DATA_SELFTEST, "selftest inv");
_Static_assert(IOMMUFD_INVALIDATE_VTD_S1_LEN == sizeof(struct kabi_hwpt_vtd_s1_invalidate),
	       "VT-d inv len");
_Static_assert(IOMMUFD_INVALIDATE_ARM_SMMUV3_LEN ==
	       sizeof(struct kabi_viommu_arm_smmuv3_invalidate), "SMMUv3 inv len");
_Static_assert(IOMMUFD_INVALIDATE_SELFTEST_LEN == sizeof(struct kabi_hwpt_invalidate_selftest),
	       "selftest inv len");
_Static_assert(IOMMUFD_INVALIDATE_SELFTEST_VIOMMU_LEN ==
	       sizeof(struct kabi_viommu_invalidate_selftest), "selftest vIOMMU inv len");
_Static_assert(IOMMUFD_VENDOR_DATA_MAX >= sizeof(struct kabi_hwpt_amd_guest), "data max");
_Static_assert(IOMMUFD_VTD_S1_SRE == KABI_VTD_S1_SRE && IOMMUFD_VTD_S1_EAFE == KABI_VTD_S1_EAFE &&
	       IOMMUFD_VTD_S1_WPE == KABI_VTD_S1_WPE, "VT-d stage-1 flags");
_Static_assert(IOMMUFD_VTD_INV_LEAF == KABI_VTD_INV_FLAGS_LEAF, "VT-d LEAF");
_Static_assert(IOMMUFD_SELFTEST_INV_ALL == KABI_TEST_INVALIDATE_FLAG_ALL, "selftest ALL");
_Static_assert(IOMMUFD_SELFTEST_IOTLB_ID_MAX == KABI_TEST_IOTLB_ID_MAX, "selftest IOTLB max");
_Static_assert(IOMMUFD_SELFTEST_CACHE_ID_MAX == KABI_TEST_DEV_CACHE_ID_MAX, "selftest cache max");
_Static_assert(IOMMUFD_SELFTEST_IOTLB_DEFAULT == KABI_TEST_IOTLB_DEFAULT, "selftest IOTLB");
_Static_assert(IOMMUFD_SELFTEST_TEST_REG == KABI_TEST_HW_INFO_REGVAL, "selftest test_reg");
_Static_assert(IOMMUFD_HW_INFO_SELFTEST == KABI_HW_INFO_TYPE_SELFTEST, "selftest hw info");

const char *iommufd_nesting_missing(uint32_t type, const void *rec, size_t len,
				    char *buf, size_t buflen)
{
	struct iommufd_hw_info_decoded d = { .sz = sizeof(d) };

	if (type == KABI_HW_INFO_TYPE_NONE) {
		snprintf(buf, buflen, "its IOMMU reports no hw info");
		return buf;
	}
	if (iommufd_hw_info_decode(NULL, type, rec, len, &d) || !d.known)
		return NULL;
	/* What each kernel driver requires of the hardware for a nest parent. */
	switch (type) {
	case KABI_HW_INFO_TYPE_INTEL_VTD:
		snprintf(buf, buflen, "hw info ECAP.SMTS=%d NEST=%d FSTS=%d SSTS=%d %s",
			 d.u.vtd.smts, d.u.vtd.nest, d.u.vtd.fsts, d.u.vtd.ssts,
			 d.u.vtd.nesting ? "allows it (is scalable mode off in the kernel?)" :
			 "(all are needed)");
		return buf;
	case KABI_HW_INFO_TYPE_AMD:
		snprintf(buf, buflen, "hw info EFR.GTSup=%d EFR.GIoSup=%d EFR2.GCR3TRPMode=%d %s",
			 d.u.amd.gt_sup, d.u.amd.gio_sup, d.u.amd.gcr3trp_mode,
			 d.u.amd.nesting ? "allows it" : "(all are needed)");
		return buf;
	case KABI_HW_INFO_TYPE_ARM_SMMUV3:
		snprintf(buf, buflen, "hw info IDR0.S1P=%d S2P=%d %s", d.u.smmuv3.s1p,
			 d.u.smmuv3.s2p, d.u.smmuv3.s1p && d.u.smmuv3.s2p ? "allows it" :
			 "(both are needed)");
		return buf;
	default:
		return NULL;
	}
}
