// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for the size-first structs (issue 11): every input
 * struct of the vendor builders and every output struct of the decoders,
 * at every `sz` from 0 to twice the struct, with fuzzed contents and tails.
 *
 * Input struct of S bytes with size sz: below sizeof(size_t) -EINVAL; above
 * S with a non-zero byte in [S, sz) -E2BIG; otherwise exactly what the same
 * call gives for the struct cut at sz (bytes from sz on read as zero) with
 * sz = S -- the same errno, or the same bytes built. A failed call writes
 * nothing.
 * Output struct of S bytes with size sz: below the decoder's minimum
 * -EINVAL and nothing written; otherwise 0, the first min(sz, S) bytes as a
 * full-size decode has them, nothing written from there on.
 *
 * Built and run by scripts/fuzz.sh.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libiommufd.h"

#define GUARD 0xa5
#define MAX_STRUCT 512

struct reader {
	const uint8_t *p;
	size_t left;
};

static void take_bytes(struct reader *r, void *out, size_t n)
{
	size_t k = n < r->left ? n : r->left;

	memcpy(out, r->p, k);
	memset((uint8_t *)out + k, 0, n - k);
	r->p += k;
	r->left -= k;
}

static size_t take(struct reader *r, size_t n)
{
	size_t v = 0;

	for (size_t i = 0; i < n && r->left; i++, r->left--)
		v |= (size_t)*r->p++ << (8 * i);
	return v;
}

/* ---- input structs: the builders ---------------------------------------- */

/* One builder through a common signature, and the struct's bool members. */
struct builder {
	size_t size;
	int (*build)(const void *in, void *buf, size_t len, uint32_t *type, size_t *out_len);
	void (*fix_bools)(void *in);	/* a bool holds 0 or 1: set them so */
};

#define BUILDER(name, type, fn)							\
	static int name(const void *in, void *buf, size_t len, uint32_t *t, size_t *l) \
	{									\
		return fn(NULL, (const struct type *)in, NULL, buf, len, t, l);	\
	}

BUILDER(b_vtd_s1, iommufd_vtd_s1, iommufd_vtd_s1_build)
BUILDER(b_vtd_inv, iommufd_vtd_inv, iommufd_vtd_inv_build)
BUILDER(b_ste, iommufd_smmuv3_ste, iommufd_smmuv3_ste_build)
BUILDER(b_cmd, iommufd_smmuv3_cmd, iommufd_smmuv3_cmd_build)
BUILDER(b_dte, iommufd_amd_dte, iommufd_amd_dte_build)
BUILDER(b_st_hwpt, iommufd_selftest_hwpt, iommufd_selftest_hwpt_build)
BUILDER(b_st_inv, iommufd_selftest_inv, iommufd_selftest_inv_build)
BUILDER(b_st_vinv, iommufd_selftest_viommu_inv, iommufd_selftest_viommu_inv_build)

#define FIX(member) (p->member = *(uint8_t *)&p->member & 1)

static void fix_ste(void *in)
{
	struct iommufd_smmuv3_ste *p = in;

	FIX(s1stalld);
	FIX(eats);
}

static void fix_cmd(void *in)
{
	struct iommufd_smmuv3_cmd *p = in;

	FIX(leaf);
	FIX(ssv);
	FIX(global);
}

static void fix_dte(void *in)
{
	struct iommufd_amd_dte *p = in;

	FIX(valid);
	FIX(gv);
	FIX(giov);
	FIX(ppr);
}

static const struct builder builders[] = {
	{ sizeof(struct iommufd_vtd_s1), b_vtd_s1, NULL },
	{ sizeof(struct iommufd_vtd_inv), b_vtd_inv, NULL },
	{ sizeof(struct iommufd_smmuv3_ste), b_ste, fix_ste },
	{ sizeof(struct iommufd_smmuv3_cmd), b_cmd, fix_cmd },
	{ sizeof(struct iommufd_amd_dte), b_dte, fix_dte },
	{ sizeof(struct iommufd_selftest_hwpt), b_st_hwpt, NULL },
	{ sizeof(struct iommufd_selftest_inv), b_st_inv, NULL },
	{ sizeof(struct iommufd_selftest_viommu_inv), b_st_vinv, NULL },
};

#define OUT_LEN 64

static void fuzz_builder(struct reader *r)
{
	const struct builder *b = &builders[take(r, 1) % (sizeof(builders) / sizeof(builders[0]))];
	_Alignas(16) uint8_t in[2 * MAX_STRUCT], ref[MAX_STRUCT];
	uint8_t out[OUT_LEN], ref_out[OUT_LEN];
	size_t sz = take(r, 2) % (2 * b->size + 1), len = 0, ref_len = 0;
	uint32_t type = 0, ref_type = 0;
	bool tail_set = false;
	int rc, ref_rc;

	take_bytes(r, in, 2 * b->size);
	if (b->fix_bools)
		b->fix_bools(in);
	*(size_t *)in = sz;
	for (size_t i = b->size; i < sz; i++)
		tail_set |= in[i] != 0;
	/* The reference: the struct cut at sz, at full size. */
	memcpy(ref, in, b->size);
	if (sz < b->size)
		memset(ref + sz, 0, b->size - sz);
	*(size_t *)ref = b->size;
	memset(out, GUARD, sizeof(out));
	memset(ref_out, GUARD, sizeof(ref_out));
	rc = b->build(in, out, sizeof(out), &type, &len);
	if (sz < sizeof(size_t) || tail_set) {
		if (rc != (sz < sizeof(size_t) ? -EINVAL : -E2BIG))
			abort();
	} else {
		ref_rc = b->build(ref, ref_out, sizeof(ref_out), &ref_type, &ref_len);
		if (rc != ref_rc || memcmp(out, ref_out, sizeof(out)) ||
		    (!rc && (type != ref_type || len != ref_len)))
			abort();
	}
	if (rc)
		for (size_t i = 0; i < sizeof(out); i++)
			if (out[i] != GUARD)
				abort();
}

/* ---- output structs: the decoders --------------------------------------- */

struct decoder {
	size_t size, min, rec_len;
	int (*decode)(const void *data, size_t len, void *ret);
};

#define DECODER(name, type, fn)							\
	static int name(const void *data, size_t len, void *ret)		\
	{									\
		return fn(NULL, data, len, (struct type *)ret);			\
	}

DECODER(d_vtd, iommufd_vtd_info, iommufd_vtd_info_decode)
DECODER(d_smmuv3, iommufd_smmuv3_info, iommufd_smmuv3_info_decode)
DECODER(d_tegra, iommufd_tegra241_cmdqv_info, iommufd_tegra241_cmdqv_info_decode)
DECODER(d_amd, iommufd_amd_info, iommufd_amd_info_decode)
DECODER(d_selftest, iommufd_selftest_info, iommufd_selftest_info_decode)

static int d_any_type;

static int d_any(const void *data, size_t len, void *ret)
{
	return iommufd_hw_info_decode(NULL, (uint32_t)d_any_type, data, len, ret);
}

static const struct decoder decoders[] = {
	{ sizeof(struct iommufd_vtd_info),
	  offsetof(struct iommufd_vtd_info, cap_reg) + sizeof(uint64_t), 24, d_vtd },
	{ sizeof(struct iommufd_smmuv3_info),
	  offsetof(struct iommufd_smmuv3_info, idr) + sizeof(uint32_t[6]), 40, d_smmuv3 },
	{ sizeof(struct iommufd_tegra241_cmdqv_info),
	  offsetof(struct iommufd_tegra241_cmdqv_info, flags) + sizeof(uint32_t), 8, d_tegra },
	{ sizeof(struct iommufd_amd_info),
	  offsetof(struct iommufd_amd_info, efr) + sizeof(uint64_t), 16, d_amd },
	{ sizeof(struct iommufd_selftest_info),
	  offsetof(struct iommufd_selftest_info, flags) + sizeof(uint32_t), 8, d_selftest },
	{ sizeof(struct iommufd_hw_info_decoded),
	  offsetof(struct iommufd_hw_info_decoded, raw_len) + sizeof(size_t), 48, d_any },
};

static void fuzz_decoder(struct reader *r)
{
	const struct decoder *d = &decoders[take(r, 1) % (sizeof(decoders) / sizeof(decoders[0]))];
	_Alignas(16) uint8_t out[2 * MAX_STRUCT], full[MAX_STRUCT];
	size_t sz = take(r, 2) % (2 * d->size + 1), len = take(r, 1) % (d->rec_len + 9);
	uint8_t rec[64];
	int rc, full_rc;

	d_any_type = (int)(take(r, 1) % 6);
	take_bytes(r, rec, sizeof(rec));
	/* Both start alike, so bytes a decoder leaves alone (padding) compare. */
	memset(out, GUARD, sizeof(out));
	memset(full, GUARD, sizeof(full));
	*(size_t *)out = sz;
	*(size_t *)full = d->size;
	rc = d->decode(rec, len, out);
	full_rc = d->decode(rec, len, full);
	if (sz < d->min) {
		if (rc != -EINVAL)
			abort();
		for (size_t i = sizeof(size_t); i < 2 * d->size; i++)
			if (out[i] != GUARD)
				abort();
		return;
	}
	if (rc != full_rc)
		abort();
	for (size_t i = sz < d->size ? sz : d->size; i < 2 * d->size; i++)
		if (out[i] != GUARD)
			abort();	/* written past sz (or past the struct) */
	if (rc)
		return;
	/*
	 * A decoded record's own sz says how much of it fits the caller's
	 * struct: min(room, its size). Checked, then taken as equal.
	 */
	if (d->decode == d_any && sz > offsetof(struct iommufd_hw_info_decoded, u)) {
		size_t off = offsetof(struct iommufd_hw_info_decoded, u), whole, room;

		memcpy(&whole, full + off, sizeof(whole));
		room = (sz < d->size ? sz : d->size) - off;
		/* When a record was decoded: the bytes of its sz that fit. */
		if (whole != (size_t)GUARD * 0x0101010101010101ull) {
			room = room < whole ? room : whole;
			memcpy(full + off, &room, sizeof(room));
		}
	}
	/* Pointers (hw_info_decoded.raw) point at rec in both: same bytes too. */
	if (memcmp(out + sizeof(size_t), full + sizeof(size_t),
		   (sz < d->size ? sz : d->size) - sizeof(size_t)))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };

	if (take(&r, 1) & 1)
		fuzz_builder(&r);
	else
		fuzz_decoder(&r);
	return 0;
}
