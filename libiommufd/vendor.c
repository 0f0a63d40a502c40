// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Vendor data, the common part: iommufd_hw_info_decode(), which picks the
 * decoder by the record's type and reports a type it does not know as raw
 * bytes, and iommufd_hw_info_type_name(). The rules every decoder and
 * builder of vendor-*.c follows are in vendor-args.c.
 */
#include <stdio.h>

#include "vendor.h"

/* ---- the table ---------------------------------------------------------- */

static const struct vendor_type *const vendor_types[] = {
	&vendor_type_vtd, &vendor_type_smmuv3, &vendor_type_tegra241_cmdqv,
	&vendor_type_amd, &vendor_type_selftest,
};

const struct vendor_type *vendor_find(uint32_t hw_info_type)
{
	for (size_t i = 0; i < ARRAY_SIZE(vendor_types); i++)
		if (vendor_types[i]->hw_info_type == hw_info_type)
			return vendor_types[i];
	return NULL;
}

bool vendor_has_viommu(const struct vendor_type *type, uint32_t viommu_type)
{
	for (const uint32_t *t = type ? type->viommu_types : NULL; t && *t; t++)
		if (*t == viommu_type)
			return true;
	return false;
}

/* ---- names ------------------------------------------------------------- */

IOMMUFD_EXPORT const char *iommufd_hw_info_type_name(uint32_t type)
{
	const struct vendor_type *t = vendor_find(type);

	if (t)
		return t->name;
	return type == IOMMUFD_HW_INFO_NONE ? "none" : "unknown";
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
	const struct vendor_type *t = vendor_find(type);
	struct iommufd_hw_info_decoded out = {
		.sz = sizeof(out),
		.type = type,
		.known = t != NULL,
		.raw = data,
		.raw_len = data_len,
	};
	int rc;

	rc = vendor_out_check(ctx, ret_info, DECODED_MIN, "hw info decode");
	if (rc)
		return rc;
	if (!data && data_len) {
		log_err(ctx, "hw info decode: %zu bytes at NULL", data_len);
		return -EINVAL;
	}
	if (!t) {
		if (type == IOMMUFD_HW_INFO_NONE)
			log_dbg(ctx, "hw info decode: type NONE: the IOMMU driver reports no vendor record (%zu bytes)",
				data_len);
		else
			log_dbg(ctx, "hw info decode: type %#x is unknown to this library: %zu raw bytes",
				type, data_len);
		vendor_copy_out(ret_info, &out, sizeof(out));
		return 0;
	}
	rc = vendor_len_check(ctx, data, data_len, t->rec_len, t->what);
	if (rc)
		return rc;
	/* Every member of u starts with its size_t sz, at the union's start. */
	t->decode(data, &out.u);
	*(size_t *)(void *)&out.u = member_room(ret_info, t->info_size);
	vendor_copy_out(ret_info, &out, sizeof(out));
	return 0;
}

unsigned int iommufd_hw_queue_max_log2(uint32_t type, const void *rec, size_t len)
{
	const struct vendor_type *t = vendor_find(type);
	struct iommufd_hw_info_decoded d = { .sz = sizeof(d) };

	if (!t || !t->hw_queue_max_log2 || iommufd_hw_info_decode(NULL, type, rec, len, &d))
		return 0;
	return t->hw_queue_max_log2(&d.u);
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
_Static_assert(IOMMUFD_SMMUV3_ERRATA_REPEAT_TLBI_CFGI == KABI_HW_INFO_SMMUV3_REPEAT_TLBI_CFGI,
	       "SMMUv3 erratum flag");

const char *iommufd_nesting_missing(uint32_t type, const void *rec, size_t len,
				    char *buf, size_t buflen)
{
	const struct vendor_type *t = vendor_find(type);
	struct iommufd_hw_info_decoded d = { .sz = sizeof(d) };

	if (type == KABI_HW_INFO_TYPE_NONE) {
		snprintf(buf, buflen, "its IOMMU reports no hw info");
		return buf;
	}
	if (!t || !t->nesting || iommufd_hw_info_decode(NULL, type, rec, len, &d))
		return NULL;
	/* What each kernel driver requires of the hardware for a nest parent. */
	buf[0] = 0;
	t->nesting(&d.u, buf, buflen);
	return buf[0] ? buf : NULL;
}
