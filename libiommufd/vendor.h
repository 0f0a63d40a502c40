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

/* Decoders into full-size structs, used by the per-type entry points, the
 * generic dispatcher and builders that re-derive fields from raw registers. */
void vendor_vtd_decode(const struct kabi_hw_info_vtd *rec,
		       struct iommufd_vtd_info *info);
void vendor_smmuv3_decode(const struct kabi_hw_info_arm_smmuv3 *rec,
			  struct iommufd_smmuv3_info *info);
void vendor_tegra241_cmdqv_decode(const struct kabi_hw_info_tegra241_cmdqv *rec,
				  struct iommufd_tegra241_cmdqv_info *info);
void vendor_amd_decode(const struct kabi_hw_info_amd *rec,
		       struct iommufd_amd_info *info);
void vendor_selftest_decode(const struct kabi_hw_info_selftest *rec,
			    struct iommufd_selftest_info *info);

#endif /* LIBIOMMUFD_VENDOR_PRIVATE_H */
