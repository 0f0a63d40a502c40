/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the vendor decoders and builders (vendor*.c): reading
 * the caller's size-versioned structs, writing only what fits, and the
 * little-endian words of SMMUv3 structures. Nothing here is part of the ABI.
 */
#ifndef LIBIOMMUFD_VENDOR_PRIVATE_H
#define LIBIOMMUFD_VENDOR_PRIVATE_H

#include <endian.h>
#include <string.h>

#include "private.h"

/* The value of bits [hi:lo] of @v. */
#define BITS(v, hi, lo) \
	((uint64_t)(v) >> (lo) & (~0ull >> (63 - (hi) + (lo))))
/* Bit @n of @v, as a bool. */
#define BIT_SET(v, n) (((uint64_t)(v) >> (n) & 1) != 0)
/* @val placed at bits [hi:lo] (the caller has range-checked it). */
#define FIELD(hi, lo, val) \
	(((uint64_t)(val) & (~0ull >> (63 - (hi) + (lo)))) << (lo))

/*
 * Whether the caller's output struct @ret (size_t sz first) may be written:
 * it must hold at least @min bytes (the first members after sz).
 */
int vendor_out_check(struct iommufd_ctx *ctx, const void *ret, size_t min,
		     const char *what);

/*
 * Copy @full (@size bytes, size_t sz first) into @ret: only the bytes that
 * fit in ret->sz, and never sz itself, which stays as the caller set it.
 */
void vendor_copy_out(void *ret, const void *full, size_t size);

/*
 * Read the caller's input struct @in (size_t sz first) into the zeroed
 * @local of @size bytes: -EINVAL for NULL or a too small sz, -E2BIG for set
 * bytes past what this library knows.
 */
int vendor_in_copy(struct iommufd_ctx *ctx, const void *in, void *local,
		   size_t size, const char *what);

/*
 * Read the caller's decoded hardware info @hw (NULL: none) into @local as
 * vendor_in_copy() does; its raw registers, the first @min bytes, must fit.
 * Returns 1 when @local holds hardware info, 0 when @hw is NULL, or -EINVAL.
 */
int vendor_hw_copy(struct iommufd_ctx *ctx, const void *hw, void *local,
		   size_t size, size_t min, const char *what);

/* A record of @len bytes must hold the @need bytes of its layout. */
int vendor_len_check(struct iommufd_ctx *ctx, const void *data, size_t len,
		     size_t need, const char *what);

/* A builder's output buffer must hold @need bytes. */
int vendor_buf_check(struct iommufd_ctx *ctx, const void *buf, size_t buf_len,
		     size_t need, const char *what);

/* The builder's success: @len bytes to @buf, and the optional ret_ values. */
void vendor_emit(void *buf, const void *bytes, size_t len, uint32_t type,
		 uint32_t *ret_type, size_t *ret_len);

/*
 * One IOMMU family, as far as the library tells them apart: all that
 * vendor.c and probe.c know of a hw-info type. Each vendor-*.c defines the
 * entries of its types; vendor_find() looks them up. Nothing outside these
 * entries switches on the hw-info type.
 */
struct vendor_type {
	uint32_t hw_info_type;		/* KABI_HW_INFO_TYPE_* */
	const char *name;		/* iommufd_hw_info_type_name() */
	const char *what;		/* "VT-d hw info", for log lines */
	size_t rec_len;			/* the kernel's record */
	size_t info_size;		/* its decoded struct (size_t sz first) */
	/* The @rec_len bytes at @rec (any alignment) into the whole *@info. */
	void (*decode)(const void *rec, void *info);
	/*
	 * Whether the decoded @info lets the kernel driver make a nest
	 * parent; when @buf is not NULL, the register bits that decide it as
	 * "hw info ECAP.SMTS=1 ..." (nothing written when none do). NULL: the
	 * record does not tell.
	 */
	bool (*nesting)(const void *info, char *buf, size_t len);
	uint32_t nested_data_type;	/* IOMMUFD_HWPT_DATA_*, 0: none */
	/*
	 * What the probe allocates a trial nested HWPT with: valid data that
	 * touches no guest memory, and the vIOMMU type the driver wants the
	 * nested HWPT on (0: on the nest parent itself).
	 */
	const void *trial_data;
	size_t trial_len;
	uint32_t trial_viommu_type;
	/* The vIOMMU types (KABI_VIOMMU_TYPE_*) its kernel driver has, 0-ended. */
	const uint32_t *viommu_types;
	/* log2 of the largest HW queue in bytes the decoded @info allows; NULL: no bound known. */
	unsigned int (*hw_queue_max_log2)(const void *info);
};

extern const struct vendor_type vendor_type_vtd, vendor_type_smmuv3,
	vendor_type_tegra241_cmdqv, vendor_type_amd, vendor_type_selftest;

/* The entry of @hw_info_type, or NULL for NONE and types the library does not know. */
const struct vendor_type *vendor_find(uint32_t hw_info_type);

/* Whether @type's driver has vIOMMUs of @viommu_type. */
bool vendor_has_viommu(const struct vendor_type *type, uint32_t viommu_type);

#endif /* LIBIOMMUFD_VENDOR_PRIVATE_H */
