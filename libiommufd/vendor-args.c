// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * How the vendor decoders and builders of vendor-*.c take their arguments
 * and give their results: size-versioned structs in and out, records and
 * buffers checked for length, buffers written only on success.
 */
#include "vendor.h"

int vendor_out_check(struct iommufd_ctx *ctx, const void *ret, size_t min,
		     const char *what)
{
	size_t sz;

	if (!ret) {
		log_err(ctx, "%s: no output struct", what);
		return -EINVAL;
	}
	sz = *(const size_t *)ret;
	if (sz < min) {
		log_err(ctx, "%s: output struct size %zu holds none of its fields (needs %zu; set sz to its sizeof)",
			what, sz, min);
		return -EINVAL;
	}
	return 0;
}

void vendor_copy_out(void *ret, const void *full, size_t size)
{
	size_t sz = *(const size_t *)ret;

	if (sz > size)
		sz = size;
	memcpy((char *)ret + sizeof(size_t), (const char *)full + sizeof(size_t),
	       sz - sizeof(size_t));
}

int vendor_in_copy(struct iommufd_ctx *ctx, const void *in, void *local,
		   size_t size, const char *what)
{
	size_t sz;
	int rc;

	if (!in) {
		log_err(ctx, "%s: no input struct", what);
		return -EINVAL;
	}
	rc = iommufd_opts_check(ctx, in, size, what);
	if (rc)
		return rc;
	sz = *(const size_t *)in;
	memset(local, 0, size);
	memcpy(local, in, sz < size ? sz : size);
	*(size_t *)local = size;
	return 0;
}

int vendor_hw_copy(struct iommufd_ctx *ctx, const void *hw, void *local,
		   size_t size, size_t min, const char *what)
{
	size_t sz;

	if (!hw)
		return 0;
	sz = *(const size_t *)hw;
	if (sz < min) {
		log_err(ctx, "%s: hardware info size %zu does not hold its raw registers (needs %zu)",
			what, sz, min);
		return -EINVAL;
	}
	/* Bytes past what we know came from a newer decoder: ignore them. */
	memset(local, 0, size);
	memcpy(local, hw, sz < size ? sz : size);
	*(size_t *)local = size;
	return 1;
}

int vendor_len_check(struct iommufd_ctx *ctx, const void *data, size_t len,
		     size_t need, const char *what)
{
	if (!data) {
		log_err(ctx, "%s: no record", what);
		return -EINVAL;
	}
	if (len < need) {
		log_err(ctx, "%s: record of %zu bytes is shorter than its %zu-byte layout (truncated copy?)",
			what, len, need);
		return -EINVAL;
	}
	return 0;
}

int vendor_buf_check(struct iommufd_ctx *ctx, const void *buf, size_t buf_len,
		     size_t need, const char *what)
{
	if (!buf || buf_len < need) {
		log_err(ctx, "%s: output buffer %p of %zu bytes cannot take the %zu bytes",
			what, buf, buf_len, need);
		return -EINVAL;
	}
	return 0;
}

void vendor_emit(void *buf, const void *bytes, size_t len, uint32_t type,
		 uint32_t *ret_type, size_t *ret_len)
{
	memcpy(buf, bytes, len);
	if (ret_type)
		*ret_type = type;
	if (ret_len)
		*ret_len = len;
}
