// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for everything that parses bytes from the kernel or
 * turns caller values into bytes for it: the hw-info decoders and the
 * nested-data and invalidation builders (the selftest mock's included).
 *
 * Invariants checked beyond what ASan/UBSan see: a builder writes nothing
 * when it fails, and on success exactly the layout's length and the data
 * type it announces; a decoder never reads past the length it is given
 * (the input is copied to an exact-size heap buffer, so ASan sees it).
 *
 * Built and run by scripts/fuzz.sh (clang, -fsanitize=fuzzer,address,undefined).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libiommufd.h"

/* Reads fields from the fuzzer's bytes; zeros once they run out. */
struct reader {
	const uint8_t *p;
	size_t left;
};

static uint64_t take(struct reader *r, size_t n)
{
	uint64_t v = 0;

	for (size_t i = 0; i < n && r->left; i++, r->left--)
		v |= (uint64_t)*r->p++ << (8 * i);
	return v;
}

static bool take_bool(struct reader *r)
{
	return take(r, 1) & 1;
}

#define BUF_LEN 64
#define POISON 0xa5

static void check_build(int rc, const uint8_t *buf, uint32_t type, size_t len,
			uint32_t want_type, size_t want_len)
{
	if (rc == 0) {
		if (type != want_type || len != want_len)
			abort();
		return;
	}
	for (size_t i = 0; i < BUF_LEN; i++)
		if (buf[i] != POISON)
			abort();	/* a failed builder wrote to the buffer */
}

/* Decoded hardware info the builders check against, from the fuzzer too. */
static void decode_hw(struct reader *r, uint32_t type, void *out)
{
	uint8_t rec[48];

	for (size_t i = 0; i < sizeof(rec); i++)
		rec[i] = (uint8_t)take(r, 1);
	if (type == IOMMUFD_HW_INFO_INTEL_VTD)
		iommufd_vtd_info_decode(NULL, rec, 24, out);
	else if (type == IOMMUFD_HW_INFO_ARM_SMMUV3)
		iommufd_smmuv3_info_decode(NULL, rec, 40, out);
	else if (type == IOMMUFD_HW_INFO_AMD)
		iommufd_amd_info_decode(NULL, rec, 16, out);
	else
		iommufd_selftest_info_decode(NULL, rec, 8, out);
}

static void fuzz_decode(struct reader *r)
{
	static const uint32_t types[] = {
		IOMMUFD_HW_INFO_NONE, IOMMUFD_HW_INFO_INTEL_VTD, IOMMUFD_HW_INFO_ARM_SMMUV3,
		IOMMUFD_HW_INFO_TEGRA241_CMDQV, IOMMUFD_HW_INFO_AMD, IOMMUFD_HW_INFO_SELFTEST,
	};
	struct iommufd_hw_info_decoded d = { .sz = (size_t)take(r, 1) * 8 };
	uint32_t type = types[take(r, 1) % (sizeof(types) / sizeof(types[0]))];
	size_t len = r->left;
	uint8_t *copy = malloc(len ? len : 1);

	if (!copy)
		return;
	memcpy(copy, r->p, len);
	if (d.sz > sizeof(d) || d.sz < sizeof(d.sz))
		d.sz = sizeof(d);
	iommufd_hw_info_decode(NULL, type, copy, len, &d);
	free(copy);
}

static void fuzz_vtd(struct reader *r)
{
	struct iommufd_vtd_s1 s1 = { .sz = sizeof(s1) };
	struct iommufd_vtd_inv inv = { .sz = sizeof(inv) };
	struct iommufd_vtd_info hw = { .sz = sizeof(hw) };
	uint8_t buf[BUF_LEN];
	uint32_t type = 0;
	size_t len = 0;
	bool with_hw = take_bool(r);
	int rc;

	s1.flags = take(r, 1);
	s1.pgtbl_addr = take(r, 8);
	s1.addr_width = (uint32_t)take(r, 1);
	inv.addr = take(r, 8);
	inv.npages = take(r, 8);
	inv.flags = (uint32_t)take(r, 1);
	if (with_hw)
		decode_hw(r, IOMMUFD_HW_INFO_INTEL_VTD, &hw);
	memset(buf, POISON, sizeof(buf));
	rc = iommufd_vtd_s1_build(NULL, &s1, with_hw ? &hw : NULL, buf, sizeof(buf), &type, &len);
	check_build(rc, buf, type, len, IOMMUFD_HWPT_DATA_VTD_S1, IOMMUFD_HWPT_DATA_VTD_S1_LEN);
	memset(buf, POISON, sizeof(buf));
	rc = iommufd_vtd_inv_build(NULL, &inv, with_hw ? &hw : NULL, buf, sizeof(buf), &type,
				   &len);
	check_build(rc, buf, type, len, IOMMUFD_INVALIDATE_VTD_S1, IOMMUFD_INVALIDATE_VTD_S1_LEN);
}

static void fuzz_smmuv3(struct reader *r)
{
	struct iommufd_smmuv3_ste ste = { .sz = sizeof(ste) };
	struct iommufd_smmuv3_cmd cmd = { .sz = sizeof(cmd) };
	struct iommufd_smmuv3_info hw = { .sz = sizeof(hw) };
	uint8_t buf[BUF_LEN];
	uint32_t type = 0;
	size_t len = 0;
	bool with_hw = take_bool(r);
	int rc;

	ste.config = (uint32_t)take(r, 1) % 6;
	ste.s1fmt = (uint32_t)take(r, 1) % 4;
	ste.s1_context_ptr = take(r, 8);
	ste.s1cdmax = (uint8_t)take(r, 1);
	ste.s1dss = (uint8_t)take(r, 1);
	ste.s1cir = (uint8_t)take(r, 1);
	ste.s1cor = (uint8_t)take(r, 1);
	ste.s1csh = (uint8_t)take(r, 1);
	ste.s1stalld = take_bool(r);
	ste.eats = take_bool(r);
	cmd.opcode = (uint32_t)take(r, 1);
	cmd.sid = (uint32_t)take(r, 4);
	cmd.ssid = (uint32_t)take(r, 4);
	cmd.asid = (uint16_t)take(r, 2);
	cmd.leaf = take_bool(r);
	cmd.ssv = take_bool(r);
	cmd.global = take_bool(r);
	cmd.addr = take(r, 8);
	cmd.size = (uint8_t)take(r, 1);
	cmd.tg = (uint8_t)take(r, 1);
	cmd.num = (uint8_t)take(r, 1);
	cmd.scale = (uint8_t)take(r, 1);
	cmd.ttl = (uint8_t)take(r, 1);
	if (with_hw)
		decode_hw(r, IOMMUFD_HW_INFO_ARM_SMMUV3, &hw);
	memset(buf, POISON, sizeof(buf));
	rc = iommufd_smmuv3_ste_build(NULL, &ste, with_hw ? &hw : NULL, buf, sizeof(buf), &type, &len);
	check_build(rc, buf, type, len, IOMMUFD_HWPT_DATA_ARM_SMMUV3, IOMMUFD_HWPT_DATA_ARM_SMMUV3_LEN);
	memset(buf, POISON, sizeof(buf));
	rc = iommufd_smmuv3_cmd_build(NULL, &cmd, with_hw ? &hw : NULL, buf, sizeof(buf), &type, &len);
	check_build(rc, buf, type, len, IOMMUFD_INVALIDATE_ARM_SMMUV3, IOMMUFD_INVALIDATE_ARM_SMMUV3_LEN);
	/* Only a built command with the erratum flag, and never ATC_INV, repeats. */
	if (!rc && iommufd_smmuv3_cmd_repeats(with_hw ? &hw : NULL, buf) &&
	    (!with_hw || !hw.errata_repeat_tlbi_cfgi || cmd.opcode == IOMMUFD_SMMUV3_CMD_ATC_INV))
		abort();
}

static void fuzz_amd(struct reader *r)
{
	struct iommufd_amd_dte dte = { .sz = sizeof(dte) };
	struct iommufd_amd_info hw = { .sz = sizeof(hw) };
	uint8_t buf[BUF_LEN];
	uint32_t type = 0;
	size_t len = 0;
	bool with_hw = take_bool(r);
	int rc;

	dte.valid = take_bool(r);
	dte.gv = take_bool(r);
	dte.giov = take_bool(r);
	dte.ppr = take_bool(r);
	dte.glx = (uint8_t)take(r, 1);
	dte.guest_levels = (uint8_t)take(r, 1);
	dte.domain_id = (uint16_t)take(r, 2);
	dte.gcr3_table = take(r, 8);
	if (with_hw)
		decode_hw(r, IOMMUFD_HW_INFO_AMD, &hw);
	memset(buf, POISON, sizeof(buf));
	rc = iommufd_amd_dte_build(NULL, &dte, with_hw ? &hw : NULL, buf, sizeof(buf), &type, &len);
	check_build(rc, buf, type, len, IOMMUFD_HWPT_DATA_AMD_GUEST, IOMMUFD_HWPT_DATA_AMD_GUEST_LEN);
}

static void fuzz_selftest(struct reader *r)
{
	struct iommufd_selftest_hwpt hwpt = { .sz = sizeof(hwpt) };
	struct iommufd_selftest_inv inv = { .sz = sizeof(inv) };
	struct iommufd_selftest_viommu_inv vinv = { .sz = sizeof(vinv) };
	struct iommufd_selftest_info hw = { .sz = sizeof(hw) };
	uint8_t buf[BUF_LEN];
	uint32_t type = 0;
	size_t len = 0;
	bool with_hw = take_bool(r);
	int rc;

	hwpt.iotlb = (uint32_t)take(r, 4);
	inv.flags = (uint32_t)take(r, 1);
	inv.iotlb_id = (uint32_t)take(r, 4);
	vinv.flags = (uint32_t)take(r, 1);
	vinv.vdev_id = (uint32_t)take(r, 4);
	vinv.cache_id = (uint32_t)take(r, 4);
	if (with_hw)
		decode_hw(r, IOMMUFD_HW_INFO_SELFTEST, &hw);
	memset(buf, POISON, sizeof(buf));
	rc = iommufd_selftest_hwpt_build(NULL, &hwpt, with_hw ? &hw : NULL, buf, sizeof(buf),
					 &type, &len);
	check_build(rc, buf, type, len, IOMMUFD_HWPT_DATA_SELFTEST, IOMMUFD_HWPT_DATA_SELFTEST_LEN);
	memset(buf, POISON, sizeof(buf));
	rc = iommufd_selftest_inv_build(NULL, &inv, with_hw ? &hw : NULL, buf, sizeof(buf),
					&type, &len);
	check_build(rc, buf, type, len, IOMMUFD_INVALIDATE_SELFTEST, IOMMUFD_INVALIDATE_SELFTEST_LEN);
	memset(buf, POISON, sizeof(buf));
	rc = iommufd_selftest_viommu_inv_build(NULL, &vinv, with_hw ? &hw : NULL, buf,
					       sizeof(buf), &type, &len);
	check_build(rc, buf, type, len, IOMMUFD_INVALIDATE_SELFTEST,
		    IOMMUFD_INVALIDATE_SELFTEST_VIOMMU_LEN);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct reader r = { data, size };

	switch (take(&r, 1) % 5) {
	case 0: fuzz_decode(&r); break;
	case 1: fuzz_vtd(&r); break;
	case 2: fuzz_smmuv3(&r); break;
	case 3: fuzz_selftest(&r); break;
	default: fuzz_amd(&r); break;
	}
	return 0;
}
