// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scenario 9: the hw-info decoders on real (emulated) IOMMU registers.
 *
 * The registers come from the running kernel through the library
 * (iommufd_device_get_hw_info() on edu behind QEMU's VT-d or AMD-Vi, or on
 * a selftest mock device), are decoded with the library's vendor decoder,
 * printed, and every decoded field is compared with the bits this test
 * extracts itself from the raw registers, at the positions the
 * specifications give:
 *   - Intel VT-d Architecture Specification, 11.4.2 Capability Register and
 *     11.4.3 Extended Capability Register;
 *   - AMD I/O Virtualization Technology (IOMMU) Specification (48882),
 *     3.4 MMIO Offset 0030h Extended Feature Register and MMIO Offset 01A0h
 *     Extended Feature 2 Register.
 * The positions are written down here a second time on purpose: a slip in
 * either place shows as a mismatch.
 *
 * Then the nest-parent request on these IOMMUs: the kernel refuses it
 * (EOPNOTSUPP), the decoded registers must agree with the refusal (the
 * capabilities the kernel requires are missing), and the library's log
 * must name them.
 */
#include <inttypes.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

/* Bits [hi:lo] of @v. */
static uint64_t bits(uint64_t v, unsigned int hi, unsigned int lo)
{
	return (v >> lo) & (hi - lo >= 63 ? ~0ull : (1ull << (hi - lo + 1)) - 1);
}

static uint64_t le64_at(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

static uint32_t le32_at(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

/* A decoded field, the value the test expects, and its name. */
struct fld {
	const char *name;
	uint64_t got;
	uint64_t want;
};
#define FLD(n, g, w) { n, (uint64_t)(g), (uint64_t)(w) }

/*
 * Print every field (several to a line) and check each against the raw
 * bits. Returns the index of the first mismatch, or -1.
 */
static int fields_check(const struct fld *f, size_t n)
{
	char line[160];
	size_t len = 0;
	int bad = -1;

	for (size_t i = 0; i < n; i++) {
		int w = snprintf(line + len, sizeof(line) - len, "%s=%" PRIu64 "%s ", f[i].name,
				 f[i].got, f[i].got == f[i].want ? "" : "(!)");

		if (w > 0)
			len += (size_t)w < sizeof(line) - len ? (size_t)w : sizeof(line) - len - 1;
		if (len > 100 || i + 1 == n) {
			vmt_note("  %s", line);
			len = 0;
		}
		if (f[i].got != f[i].want && bad < 0)
			bad = (int)i;
	}
	return bad;
}

#define CHECK_FIELDS(arr)								\
	do {										\
		int b_ = fields_check(arr, sizeof(arr) / sizeof((arr)[0]));		\
		for (size_t i_ = 0; i_ < sizeof(arr) / sizeof((arr)[0]); i_++)		\
			t->checks++;							\
		CHECK(b_ < 0, "decoded %s = %" PRIu64 ", but the raw bits give %" PRIu64,	\
		      b_ < 0 ? "" : (arr)[b_].name, b_ < 0 ? 0 : (arr)[b_].got,		\
		      b_ < 0 ? 0 : (arr)[b_].want);					\
	} while (0)

/* ---- reading the record ---------------------------------------------------- */

struct rec {
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev;
	struct iommufd_hw_info info;
	uint8_t data[128];
	uint32_t stdev;		/* a mock device: its selftest object */
};

static void rec_release(struct rec *r)
{
	if (r->stdev)
		vmt_destroy(iommufd_ctx_get_fd(r->ctx), r->stdev);
	r->stdev = 0;
	r->dev = iommufd_device_unref(r->dev);
	r->ctx = iommufd_ctx_unref(r->ctx);
}

/* edu behind the machine's IOMMU, bound with the library, and its record. */
static bool rec_read_edu(struct vmt_case *t, struct rec *r)
{
	int rc;

	memset(r, 0, sizeof(*r));
	if (!vmt_need_iommufd(t))
		return false;
	rc = vmt_ctx_new(&r->ctx);
	if (!REQUIRE(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc)))
		return false;
	if (!vmt_edu_bind(t, r->ctx, &r->dev))
		return false;
	r->info.sz = sizeof(r->info);
	memset(r->data, 0xa5, sizeof(r->data));
	rc = iommufd_device_get_hw_info(r->dev, r->data, sizeof(r->data), &r->info);
	if (!REQUIRE(rc == 0, "iommufd_device_get_hw_info: %s (%s)", vmt_errname(rc),
		     vmt_log_last()))
		return false;
	vmt_note("%s: hw info type %u, %u bytes, capabilities 0x%" PRIx64, vmt_machine(),
		 r->info.type, r->info.data_len, r->info.capabilities);
	return true;
}

/* ---- VT-d ------------------------------------------------------------------ */

/*
 * What a VT-d nest parent needs: the kernel's driver requires scalable mode
 * (ECAP.SMTS) and nesting (ECAP.NEST); nested stage-1 tables also need
 * first- and second-stage translation (ECAP.FSTS, ECAP.SSTS). Each with
 * how the library's log must show it missing.
 */
static const char *const vtd_nest_caps[] = { "ECAP.SMTS", "ECAP.NEST", "ECAP.FSTS", "ECAP.SSTS" };
static const char *const vtd_nest_logged[] = { "SMTS=0", "NEST=0", "FSTS=0", "SSTS=0" };

static void vtd_missing(const struct iommufd_vtd_info *v, bool miss[4])
{
	miss[0] = !v->smts;
	miss[1] = !v->nest;
	miss[2] = !v->fsts;
	miss[3] = !v->ssts;
}

static void test_vtd_decode(struct vmt_case *t)
{
	struct iommufd_hw_info_decoded any = { .sz = sizeof(any) };
	struct iommufd_vtd_info v = { .sz = sizeof(v) };
	uint64_t cap, ecap;
	uint32_t flags;
	struct rec r = { 0 };

	if (!vmt_machine_is("vtd"))
		SKIP("machine %s has no VT-d", vmt_machine());
	if (!rec_read_edu(t, &r))
		goto out;
	CHECK(r.info.type == IOMMUFD_HW_INFO_INTEL_VTD && r.info.data_len == 24,
	      "VT-d hw info: type %u, %u bytes", r.info.type, r.info.data_len);
	/* The kernel's record: flags, 4 reserved bytes, CAP, ECAP (little-endian). */
	flags = le32_at(r.data);
	cap = le64_at(r.data + 8);
	ecap = le64_at(r.data + 16);
	vmt_note("raw: flags 0x%x CAP 0x%016" PRIx64 " ECAP 0x%016" PRIx64, flags, cap, ecap);
	CHECK_RC(iommufd_vtd_info_decode(r.ctx, r.data, r.info.data_len, &v), 0);
	CHECK(v.sz == sizeof(v), "the decoder changed sz");
	{
		uint64_t nd = bits(cap, 2, 0), pasid = bits(ecap, 40, 40);
		const struct fld f[] = {
			FLD("cap_reg", v.cap_reg, cap),
			FLD("ecap_reg", v.ecap_reg, ecap),
			FLD("flags", v.flags, flags),
			FLD("errata_772415_spr17", v.errata_772415_spr17, bits(flags, 0, 0)),
			/* 11.4.2 Capability Register */
			FLD("ND", v.nd, nd),
			FLD("domains", v.num_domains, nd <= 6 ? 1ull << (4 + 2 * nd) : 0),
			FLD("AFL", v.afl, bits(cap, 3, 3)),
			FLD("RWBF", v.rwbf, bits(cap, 4, 4)),
			FLD("PLMR", v.plmr, bits(cap, 5, 5)),
			FLD("PHMR", v.phmr, bits(cap, 6, 6)),
			FLD("CM", v.cm, bits(cap, 7, 7)),
			FLD("SAGAW", v.sagaw, bits(cap, 12, 8)),
			FLD("MGAW", v.mgaw, bits(cap, 21, 16) + 1),
			FLD("ZLR", v.zlr, bits(cap, 22, 22)),
			FLD("FRO", v.fro, bits(cap, 33, 24) * 16),
			FLD("SSLPS", v.sslps, bits(cap, 37, 34)),
			FLD("PSI", v.psi, bits(cap, 39, 39)),
			FLD("NFR", v.nfr, bits(cap, 47, 40) + 1),
			FLD("MAMV", v.mamv, bits(cap, 53, 48)),
			FLD("DWD", v.dwd, bits(cap, 54, 54)),
			FLD("DRD", v.drd, bits(cap, 55, 55)),
			FLD("FS1GP", v.fs1gp, bits(cap, 56, 56)),
			FLD("PI", v.pi, bits(cap, 59, 59)),
			FLD("FS5LP", v.fs5lp, bits(cap, 60, 60)),
			FLD("ECMDS", v.ecmds, bits(cap, 61, 61)),
			FLD("ESIRTPS", v.esirtps, bits(cap, 62, 62)),
			FLD("ESRTPS", v.esrtps, bits(cap, 63, 63)),
			/* 11.4.3 Extended Capability Register */
			FLD("C", v.c, bits(ecap, 0, 0)),
			FLD("QI", v.qi, bits(ecap, 1, 1)),
			FLD("DT", v.dt, bits(ecap, 2, 2)),
			FLD("IR", v.ir, bits(ecap, 3, 3)),
			FLD("EIM", v.eim, bits(ecap, 4, 4)),
			FLD("PT", v.pt, bits(ecap, 6, 6)),
			FLD("SC", v.sc, bits(ecap, 7, 7)),
			FLD("IRO", v.iro, bits(ecap, 17, 8) * 16),
			FLD("MHMV", v.mhmv, bits(ecap, 23, 20)),
			FLD("ECS", v.ecs, bits(ecap, 24, 24)),
			FLD("MTS", v.mts, bits(ecap, 25, 25)),
			FLD("NEST", v.nest, bits(ecap, 26, 26)),
			FLD("PRS", v.prs, bits(ecap, 29, 29)),
			FLD("ERS", v.ers, bits(ecap, 30, 30)),
			FLD("SRS", v.srs, bits(ecap, 31, 31)),
			FLD("NWFS", v.nwfs, bits(ecap, 33, 33)),
			FLD("EAFS", v.eafs, bits(ecap, 34, 34)),
			FLD("PSS", v.pss, bits(ecap, 39, 35)),
			FLD("PASID", v.pasid, pasid),
			FLD("pasid_bits", v.pasid_bits, pasid ? bits(ecap, 39, 35) + 1 : 0),
			FLD("DIT", v.dit, bits(ecap, 41, 41)),
			FLD("PDS", v.pds, bits(ecap, 42, 42)),
			FLD("SMTS", v.smts, bits(ecap, 43, 43)),
			FLD("VCS", v.vcs, bits(ecap, 44, 44)),
			FLD("SSADS", v.ssads, bits(ecap, 45, 45)),
			FLD("SSTS", v.ssts, bits(ecap, 46, 46)),
			FLD("FSTS", v.fsts, bits(ecap, 47, 47)),
			FLD("SMPWCS", v.smpwcs, bits(ecap, 48, 48)),
			FLD("RPS", v.rps, bits(ecap, 49, 49)),
			FLD("PMS", v.pms, bits(ecap, 51, 51)),
			/* Nesting: scalable mode, nesting, first and second stage. */
			FLD("nesting", v.nesting, bits(ecap, 43, 43) && bits(ecap, 26, 26) &&
				       bits(ecap, 47, 47) && bits(ecap, 46, 46)),
		};

		CHECK_FIELDS(f);
	}
	/* The type dispatcher gives the same decoding. */
	CHECK_RC(iommufd_hw_info_decode(r.ctx, r.info.type, r.data, r.info.data_len, &any), 0);
	CHECK(any.known && any.type == IOMMUFD_HW_INFO_INTEL_VTD && any.raw == r.data &&
	      any.raw_len == r.info.data_len, "iommufd_hw_info_decode: known %d type %u len %zu",
	      any.known, any.type, any.raw_len);
	CHECK(any.u.vtd.cap_reg == cap && any.u.vtd.ecap_reg == ecap &&
	      any.u.vtd.mgaw == v.mgaw && any.u.vtd.nesting == v.nesting &&
	      any.u.vtd.pasid_bits == v.pasid_bits,
	      "iommufd_hw_info_decode's VT-d fields differ from iommufd_vtd_info_decode's");
	/* A record shorter than the layout is refused. */
	CHECK_RC(iommufd_vtd_info_decode(r.ctx, r.data, 23, &v), -EINVAL);
out:
	rec_release(&r);
}

/* ---- AMD ------------------------------------------------------------------- */

/* What the kernel's AMD driver requires for a nest parent. */
static const char *const amd_nest_caps[] = { "EFR.GTSup", "EFR.GIoSup", "EFR2.GCR3TRPMode" };
static const char *const amd_nest_logged[] = { "EFR.GTSup=0", "EFR.GIoSup=0", "EFR2.GCR3TRPMode=0" };

static void amd_missing(const struct iommufd_amd_info *a, bool miss[3])
{
	miss[0] = !a->gt_sup;
	miss[1] = !a->gio_sup;
	miss[2] = !a->gcr3trp_mode;
}

/* 6.x AMD reports no record: checked, then a skip. True when there is one. */
static bool amd_has_record(struct vmt_case *t, const struct rec *r)
{
	if (vmt_kernel_version() < VMT_KV(7, 0, 0) && r->info.type == IOMMUFD_HW_INFO_NONE) {
		REQUIRE(r->info.data_len == 0, "type 0 with %u bytes", r->info.data_len);
		return false;
	}
	return REQUIRE(r->info.type == IOMMUFD_HW_INFO_AMD && r->info.data_len == 16,
		       "AMD hw info: type %u, %u bytes", r->info.type, r->info.data_len);
}

static void test_amd_decode(struct vmt_case *t)
{
	struct iommufd_hw_info_decoded any = { .sz = sizeof(any) };
	struct iommufd_amd_info a = { .sz = sizeof(a) };
	uint64_t efr, efr2;
	struct rec r = { 0 };

	if (!vmt_machine_is("amd"))
		SKIP("machine %s has no AMD IOMMU", vmt_machine());
	if (!rec_read_edu(t, &r))
		goto out;
	if (!amd_has_record(t, &r))
		SKIP("kernel %s: its AMD IOMMU driver reports no hw info record (type 0, 0 bytes; "
		     "the EFR/EFR2 record came with 7.x)", vmt_kernel_release());
	efr = le64_at(r.data);
	efr2 = le64_at(r.data + 8);
	vmt_note("raw: EFR 0x%016" PRIx64 " EFR2 0x%016" PRIx64, efr, efr2);
	CHECK_RC(iommufd_amd_info_decode(r.ctx, r.data, r.info.data_len, &a), 0);
	CHECK(a.sz == sizeof(a), "the decoder changed sz");
	{
		uint64_t hats = bits(efr, 11, 10), gats = bits(efr, 13, 12);
		uint64_t gt = bits(efr, 4, 4);
		const struct fld f[] = {
			FLD("efr", a.efr, efr),
			FLD("efr2", a.efr2, efr2),
			/* EFR, MMIO 0030h */
			FLD("PreFSup", a.pref_sup, bits(efr, 0, 0)),
			FLD("PPRSup", a.ppr_sup, bits(efr, 1, 1)),
			FLD("XTSup", a.xt_sup, bits(efr, 2, 2)),
			FLD("NXSup", a.nx_sup, bits(efr, 3, 3)),
			FLD("GTSup", a.gt_sup, gt),
			FLD("IASup", a.ia_sup, bits(efr, 6, 6)),
			FLD("GASup", a.ga_sup, bits(efr, 7, 7)),
			FLD("HESup", a.he_sup, bits(efr, 8, 8)),
			FLD("PCSup", a.pc_sup, bits(efr, 9, 9)),
			FLD("HATS", a.hats, hats),
			FLD("host_levels", a.host_levels, hats < 3 ? hats + 4 : 0),
			FLD("GATS", a.gats, gats),
			FLD("guest_levels", a.guest_levels, gats < 2 ? gats + 4 : 0),
			FLD("GLXSup", a.glx_sup, bits(efr, 15, 14)),
			FLD("GAMSup", a.gam_sup, bits(efr, 23, 21)),
			FLD("PASmax", a.pasmax, bits(efr, 36, 32)),
			FLD("pasid_bits", a.pasid_bits, gt ? bits(efr, 36, 32) + 1 : 0),
			FLD("USSup", a.us_sup, bits(efr, 37, 37)),
			FLD("GIoSup", a.gio_sup, bits(efr, 48, 48)),
			FLD("HASup", a.ha_sup, bits(efr, 49, 49)),
			FLD("EPHSup", a.eph_sup, bits(efr, 50, 50)),
			FLD("HDSup", a.hd_sup, bits(efr, 52, 52)),
			FLD("SNPSup", a.snp_sup, bits(efr, 63, 63)),
			/* EFR2, MMIO 01A0h */
			FLD("SEVSNPIOSup", a.sevsnpio_sup, bits(efr2, 1, 1)),
			FLD("GCR3TRPMode", a.gcr3trp_mode, bits(efr2, 3, 3)),
			FLD("SNPAVICSup", a.snpavic_sup, bits(efr2, 7, 5)),
			FLD("NumIntRemapSup", a.num_int_remap_sup, bits(efr2, 9, 8)),
			FLD("HtRangeIgnore", a.ht_range_ignore, bits(efr2, 11, 11)),
			/* The kernel's nest-parent condition. */
			FLD("nesting", a.nesting, gt && bits(efr, 48, 48) && bits(efr2, 3, 3)),
		};

		CHECK_FIELDS(f);
	}
	CHECK_RC(iommufd_hw_info_decode(r.ctx, r.info.type, r.data, r.info.data_len, &any), 0);
	CHECK(any.known && any.type == IOMMUFD_HW_INFO_AMD && any.u.amd.efr == efr &&
	      any.u.amd.efr2 == efr2 && any.u.amd.nesting == a.nesting &&
	      any.u.amd.guest_levels == a.guest_levels,
	      "iommufd_hw_info_decode's AMD fields differ from iommufd_amd_info_decode's");
	CHECK_RC(iommufd_amd_info_decode(r.ctx, r.data, 15, &a), -EINVAL);
out:
	rec_release(&r);
}

/* ---- the selftest mock ----------------------------------------------------- */

static void test_selftest_decode(struct vmt_case *t)
{
	struct iommufd_hw_info_decoded any = { .sz = sizeof(any) };
	struct iommufd_selftest_info s = { .sz = sizeof(s) };
	struct iommufd_ioas *ioas = NULL;
	struct rec r = { 0 };
	int rc;

	if (!vmt_need_iommufd(t))
		goto out;
	CHECK_RC(vmt_ctx_new(&r.ctx), 0);
	CHECK_RC(iommufd_ioas_alloc(r.ctx, &ioas), 0);
	if (!vmt_mock_device(t, r.ctx, iommufd_ioas_get_id(ioas), 0, &r.stdev, &r.dev))
		goto out;
	r.info.sz = sizeof(r.info);
	rc = iommufd_device_get_hw_info(r.dev, r.data, sizeof(r.data), &r.info);
	CHECK(rc == 0, "hw info of the mock device: %s", vmt_errname(rc));
	CHECK(r.info.type == IOMMUFD_HW_INFO_SELFTEST && r.info.data_len == 8,
	      "mock hw info: type 0x%x, %u bytes", r.info.type, r.info.data_len);
	CHECK_RC(iommufd_selftest_info_decode(r.ctx, r.data, r.info.data_len, &s), 0);
	vmt_note("mock: flags 0x%x test_reg 0x%x (raw 0x%x)", s.flags, s.test_reg,
		 le32_at(r.data + 4));
	CHECK(s.test_reg == IOMMUFD_SELFTEST_TEST_REG && s.test_reg == le32_at(r.data + 4),
	      "test_reg 0x%x, raw 0x%x, expected 0xdeadbeef", s.test_reg, le32_at(r.data + 4));
	CHECK(s.flags == le32_at(r.data), "flags 0x%x, raw 0x%x", s.flags, le32_at(r.data));
	CHECK_RC(iommufd_hw_info_decode(r.ctx, r.info.type, r.data, r.info.data_len, &any), 0);
	CHECK(any.known && any.u.selftest.test_reg == IOMMUFD_SELFTEST_TEST_REG,
	      "iommufd_hw_info_decode: known %d test_reg 0x%x", any.known, any.u.selftest.test_reg);
	/* A type the library does not know is raw bytes, not an error. */
	CHECK_RC(iommufd_hw_info_decode(r.ctx, 0x7777, r.data, r.info.data_len, &any), 0);
	CHECK(!any.known && any.raw == r.data && any.raw_len == r.info.data_len,
	      "unknown type: known %d raw_len %zu", any.known, any.raw_len);
out:
	if (r.stdev)
		vmt_destroy(iommufd_ctx_get_fd(r.ctx), r.stdev);
	r.stdev = 0;
	iommufd_ioas_unref(ioas);
	rec_release(&r);
}

/* ---- hw info of a chosen type ----------------------------------------------- */

static void test_hw_info_of_type(struct vmt_case *t)
{
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	struct iommufd_ioas *ioas = NULL;
	uint8_t buf[128];
	uint32_t other;
	struct rec r = { 0 };
	int rc;

	if (vmt_machine_is("mock")) {
		memset(&r, 0, sizeof(r));
		if (!vmt_need_iommufd(t))
			goto out;
		CHECK_RC(vmt_ctx_new(&r.ctx), 0);
		CHECK_RC(iommufd_ioas_alloc(r.ctx, &ioas), 0);
		if (!vmt_mock_device(t, r.ctx, iommufd_ioas_get_id(ioas), 0, &r.stdev, &r.dev))
			goto out;
		r.info.sz = sizeof(r.info);
		CHECK_RC(iommufd_device_get_hw_info(r.dev, r.data, sizeof(r.data), &r.info), 0);
	} else if (vmt_machine_is("vtd") || vmt_machine_is("amd")) {
		if (!rec_read_edu(t, &r))
			goto out;
		if (vmt_machine_is("amd") && !amd_has_record(t, &r))
			SKIP("kernel %s: its AMD IOMMU driver has no hw info record to choose",
			     vmt_kernel_release());
	} else {
		SKIP("machine %s: its IOMMU has no hw info record (type 0)", vmt_machine());
	}
	other = r.info.type == IOMMUFD_HW_INFO_INTEL_VTD ? IOMMUFD_HW_INFO_AMD :
		IOMMUFD_HW_INFO_INTEL_VTD;
	memset(buf, 0, sizeof(buf));
	rc = iommufd_device_get_hw_info_of_type(r.dev, r.info.type, buf, sizeof(buf), &info);
	if (vmt_kernel_version() < VMT_KV(6, 17, 0)) {
		/* The input type came with 6.17: older kernels refuse the flag. */
		CHECK(rc == -EOPNOTSUPP, "kernel %s: of_type = %s, expected EOPNOTSUPP",
		      vmt_kernel_release(), vmt_errname(rc));
		CHECK(vmt_log_has("6.17"), "the log does not name 6.17: '%s'", vmt_log_last());
		SKIP("kernel %s cannot choose the hw info type (6.17+): EOPNOTSUPP, as the library "
		     "documents", vmt_kernel_release());
	}
	CHECK(rc == 0, "of_type(own type 0x%x) = %s", r.info.type, vmt_errname(rc));
	CHECK(info.type == r.info.type && info.data_len == r.info.data_len &&
	      memcmp(buf, r.data, r.info.data_len) == 0,
	      "the chosen type's record (type 0x%x, %u bytes) differs from the default one",
	      info.type, info.data_len);
	CHECK_RC(iommufd_device_get_hw_info_of_type(r.dev, other, buf, sizeof(buf), &info),
		 -EOPNOTSUPP);
	vmt_note("type 0x%x chosen: same record; type 0x%x: EOPNOTSUPP", r.info.type, other);
out:
	if (r.stdev)
		vmt_destroy(iommufd_ctx_get_fd(r.ctx), r.stdev);
	r.stdev = 0;
	iommufd_ioas_unref(ioas);
	rec_release(&r);
}

/* ---- nest parent on IOMMUs that cannot nest -------------------------------- */

static void test_nest_parent_refused(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_vtd_info v = { .sz = sizeof(v) };
	struct iommufd_amd_info a = { .sz = sizeof(a) };
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_hwpt *hwpt = NULL;
	const char *const *names = NULL, *const *logged = NULL;
	bool miss[4] = { false }, decoded = false;
	char missing[128] = "";
	size_t nnames = 0;
	struct rec r = { 0 };
	int rc;

	if (!vmt_machine_has_edu())
		SKIP("machine %s: the mock IOMMU can nest (see vm-nested)", vmt_machine());
	if (!rec_read_edu(t, &r))
		goto out;
	/* Decode first, as a VMM does before it decides to offer nesting. */
	if (vmt_machine_is("vtd")) {
		CHECK_RC(iommufd_vtd_info_decode(r.ctx, r.data, r.info.data_len, &v), 0);
		vtd_missing(&v, miss);
		names = vtd_nest_caps;
		logged = vtd_nest_logged;
		nnames = 4;
		decoded = true;
	} else if (vmt_machine_is("amd") && r.info.type == IOMMUFD_HW_INFO_AMD) {
		CHECK_RC(iommufd_amd_info_decode(r.ctx, r.data, r.info.data_len, &a), 0);
		amd_missing(&a, miss);
		names = amd_nest_caps;
		logged = amd_nest_logged;
		nnames = 3;
		decoded = true;
	}
	for (size_t i = 0; i < nnames; i++)
		if (miss[i])
			snprintf(missing + strlen(missing), sizeof(missing) - strlen(missing),
				 "%s%s", *missing ? " " : "", names[i]);

	CHECK_RC(iommufd_ioas_alloc(r.ctx, &ioas), 0);
	vmt_log_reset();
	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas), r.dev, &o, &hwpt);
	CHECK(rc == -EOPNOTSUPP, "NEST_PARENT on %s = %s, expected EOPNOTSUPP", vmt_machine(),
	      vmt_errname(rc));
	CHECK(hwpt == NULL, "ret_hwpt written on failure");
	CHECK(vmt_log_has("cannot nest"), "no log line says the driver cannot nest: '%s'",
	      vmt_log_last());
	if (!decoded) {
		/* No vendor record (virtio-iommu; AMD on 6.x): the log says so. */
		CHECK(r.info.type == IOMMUFD_HW_INFO_NONE, "type %u was not decoded", r.info.type);
		CHECK(vmt_log_has("reports no hw info"),
		      "the log does not say the IOMMU reports no hw info: '%s'", vmt_log_last());
		vmt_note("no vendor record on %s/%s: nothing to name", vmt_kernel_release(),
			 vmt_machine());
		goto out;
	}
	vmt_note("decoded: nesting=%d; missing for a nest parent: %s",
		 vmt_machine_is("vtd") ? v.nesting : a.nesting, *missing ? missing : "(none)");
	/*
	 * Consistency: the kernel refused, so the registers must lack what its
	 * driver requires (VT-d: scalable mode and nesting, ECAP.SMTS and
	 * ECAP.NEST; AMD: EFR.GTSup, EFR.GIoSup and EFR2.GCR3TRPMode), and the
	 * decoder must not claim nesting.
	 */
	if (vmt_machine_is("vtd")) {
		CHECK(!v.nesting && (miss[0] || miss[1]),
		      "VT-d refused NEST_PARENT but the decoded registers allow it (SMTS %d NEST %d)",
		      v.smts, v.nest);
	} else {
		CHECK(!a.nesting && *missing, "AMD refused NEST_PARENT but GTSup %d GIoSup %d "
		      "GCR3TRPMode %d allow it", a.gt_sup, a.gio_sup, a.gcr3trp_mode);
	}
	/*
	 * The library's log names every missing capability. It explains from
	 * the hw info read through the device handle above (no extra ioctl).
	 */
	for (size_t i = 0; i < nnames; i++)
		if (miss[i])
			CHECK(vmt_log_has(logged[i]), "the log does not name the missing %s (%s): '%s'",
			      names[i], logged[i], vmt_log_last());
out:
	iommufd_hwpt_unref(hwpt);
	iommufd_ioas_unref(ioas);
	rec_release(&r);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 5);
	vmt_run("vtd-decode", test_vtd_decode);
	vmt_run("amd-decode", test_amd_decode);
	vmt_run("selftest-decode", test_selftest_decode);
	vmt_run("hw-info-of-type", test_hw_info_of_type);
	vmt_run("nest-parent-refused", test_nest_parent_refused);
	return vmt_end();
}
