// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scenario 1: the IOAS lifecycle on a real kernel.
 *
 * Mapping at fixed and kernel-chosen IOVAs, the IOVA ranges, unmapping one
 * range and everything, and the kernel's own errors reaching the caller
 * unchanged: EEXIST for an overlapping fixed map, ENOENT for an unmap of
 * nothing or of a range that cuts a mapping, EINVAL for misalignment.
 *
 * The kernel enforces alignment only once a domain is attached to the IOAS
 * (an empty IOAS has an alignment of 1), so each test attaches something:
 * a selftest mock device on the mock machine, QEMU's edu device (bound and
 * attached through the library) where there is a vIOMMU, and edu as a
 * noiommu device on the noiommu machine (7.3+: the kernel's noiommu domain,
 * whose IOVAs no IOMMU translates, keeps the same rules). What the domain
 * really maps is read back where the kernel can say: on the mock machine
 * with the selftest op MD_CHECK_MAP, on the noiommu machine with
 * iommufd_ioas_noiommu_get_pa(), whose physical address of each mapped
 * page must be non-zero and the one /proc/self/pagemap gives for the page
 * the test wrote there.
 */
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

#define PAGE 4096ull

/* What a test runs on: an IOAS with something attached to it. */
struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;	/* edu machines */
	uint32_t stdev, mock_hwpt;	/* mock machine */
	bool noiommu;			/* edu as a noiommu device */
	uint64_t base;			/* a free, allowed IOVA with 1 MiB of room */
	uint64_t align;			/* what IOVA_RANGES says after attaching */
	void *buf;
	size_t buf_len;
};

static bool is_mock(const struct env *e)
{
	return e->stdev != 0;
}

/* Whether the test can read back what the IOAS maps (mock and noiommu). */
static bool reads_back(const struct env *e)
{
	return is_mock(e) || e->noiommu;
}

/* The first IOVA >= @floor, in an allowed range, with @len bytes of room. */
static bool pick_base(struct iommufd_ioas *ioas, uint64_t floor, uint64_t len,
		      uint64_t ceiling, uint64_t *ret_base, uint64_t *ret_align)
{
	struct iommufd_iova_range *r;
	size_t n;
	bool found = false;

	if (iommufd_ioas_get_iova_ranges(ioas, &r, &n, ret_align))
		return false;
	for (size_t i = 0; i < n && !found; i++) {
		uint64_t s = r[i].start < floor ? floor : r[i].start;

		s = (s + 0xfffff) & ~0xfffffull;	/* 1 MiB aligned */
		if (s >= r[i].start && s + len - 1 <= r[i].last && s + len <= ceiling) {
			*ret_base = s;
			found = true;
		}
	}
	free(r);
	return found;
}

static bool env_setup(struct vmt_case *t, struct env *e)
{
	int rc, fd;

	memset(e, 0, sizeof(*e));
	if (!vmt_need_iommufd(t))
		return false;
	if (!vmt_machine_is("mock") && !vmt_machine_has_edu() && !vmt_machine_is("noiommu")) {
		vmt_skip_(t, "unknown machine '%s'", vmt_machine());
		return false;
	}
	rc = vmt_ctx_new(&e->ctx);
	if (!REQUIRE(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc)))
		return false;
	rc = iommufd_ioas_alloc(e->ctx, &e->ioas);
	if (!REQUIRE(rc == 0, "iommufd_ioas_alloc: %s", vmt_errname(rc)))
		return false;
	fd = iommufd_ctx_get_fd(e->ctx);
	if (vmt_machine_is("mock")) {
		rc = vmt_st_mock_domain(fd, iommufd_ioas_get_id(e->ioas), 0, &e->stdev,
					&e->mock_hwpt, NULL);
		if (!REQUIRE(rc == 0, "selftest MOCK_DOMAIN: %s", vmt_errname(rc)))
			return false;
	} else {
		e->noiommu = vmt_machine_is("noiommu");
		if (e->noiommu ? !vmt_noiommu_bind(t, e->ctx, &e->dev) :
				 !vmt_edu_bind(t, e->ctx, &e->dev))
			return false;
		rc = iommufd_device_attach(e->dev, iommufd_ioas_as_pt(e->ioas));
		if (!REQUIRE(rc == 0, "iommufd_device_attach: %s", vmt_errname(rc)))
			return false;
	}
	if (!REQUIRE(pick_base(e->ioas, 0x100000, 1ull << 20, VMT_EDU_DMA_LIMIT, &e->base,
			       &e->align),
		     "no free 1 MiB IOVA window below 256 MiB"))
		return false;
	e->buf_len = 16 * PAGE;
	e->buf = vmt_pages(e->buf_len);
	if (!REQUIRE(e->buf != NULL, "out of memory"))
		return false;
	vmt_note("IOAS %u, base IOVA 0x%llx, alignment 0x%llx, attached %s",
		 iommufd_ioas_get_id(e->ioas), (unsigned long long)e->base,
		 (unsigned long long)e->align, is_mock(e) ? "mock device" :
		 vmt_machine_is("noiommu") ? "noiommu edu" : "edu");
	return true;
}

static void env_teardown(struct env *e)
{
	if (e->stdev)
		vmt_destroy(iommufd_ctx_get_fd(e->ctx), e->stdev);
	iommufd_device_unref(e->dev);
	iommufd_ioas_unref(e->ioas);
	iommufd_ctx_unref(e->ctx);
	vmt_pages_free(e->buf, e->buf_len);
}

/*
 * Where reads_back(): does the domain map [iova, +len) to @va? The mock
 * domain says with MD_CHECK_MAP; on noiommu the physical address of each
 * IOVA must be that of the page at @va (vmt_noiommu_check_map()).
 */
static int maps(struct env *e, uint64_t iova, uint64_t len, void *va)
{
	if (is_mock(e))
		return vmt_st_check_map(iommufd_ctx_get_fd(e->ctx), e->mock_hwpt, iova, len, va);
	return vmt_noiommu_check_map(e->ioas, iova, len, va, NULL);
}

/*
 * noiommu, map-fixed's five pages mapped at base (4) and base + 8 pages (1):
 * the physical address of each, one GET_PA per page, is non-zero and the
 * one pagemap gives for the page of @b that the test wrote there; a GET_PA
 * over the four-page mapping finds no more contiguous bytes than those
 * addresses allow.
 */
static bool noiommu_pages(struct vmt_case *t, struct env *e, char *b)
{
	const uint64_t at[5] = { 0, 1, 2, 3, 8 };
	uint64_t pa[5], want, len, run = PAGE;
	int rc;

	for (int i = 0; i < 5; i++) {
		b[i * PAGE + 7] = (char)(0x70 + i);	/* a write of the test's own */
		rc = iommufd_ioas_noiommu_get_pa(e->ioas, e->base + at[i] * PAGE, PAGE, &pa[i], &len);
		if (!REQUIRE(rc == 0, "GET_PA of IOVA 0x%llx: %s (%s)",
			     (unsigned long long)(e->base + at[i] * PAGE), vmt_errname(rc),
			     vmt_log_last()))
			return false;
		if (!REQUIRE(pa[i] != 0 && !(pa[i] & (PAGE - 1)) && len == PAGE,
			     "IOVA 0x%llx: physical address 0x%llx, %llu contiguous bytes",
			     (unsigned long long)(e->base + at[i] * PAGE), (unsigned long long)pa[i],
			     (unsigned long long)len))
			return false;
		rc = vmt_pagemap_phys(b + i * PAGE, &want);
		if (!REQUIRE(rc == 0, "pagemap of page %d: %s", i, vmt_errname(rc)))
			return false;
		if (!REQUIRE(pa[i] == want, "IOVA 0x%llx: GET_PA 0x%llx, pagemap says the page the"
			     " test wrote is at 0x%llx", (unsigned long long)(e->base + at[i] * PAGE),
			     (unsigned long long)pa[i], (unsigned long long)want))
			return false;
	}
	/* Contiguity over the four-page mapping: as far as the addresses run on. */
	for (int i = 1; i < 4 && pa[i] == pa[i - 1] + PAGE; i++)
		run += PAGE;
	rc = iommufd_ioas_noiommu_get_pa(e->ioas, e->base, 4 * PAGE, &want, &len);
	if (!REQUIRE(rc == 0 && want == pa[0] && len == run,
		     "GET_PA of the 4 pages: %s, 0x%llx, %llu bytes (expected 0x%llx, %llu)",
		     vmt_errname(rc), (unsigned long long)want, (unsigned long long)len,
		     (unsigned long long)pa[0], (unsigned long long)run))
		return false;
	vmt_note("noiommu: IOVA 0x%llx.. -> physical 0x%llx 0x%llx 0x%llx 0x%llx, 0x%llx -> "
		 "0x%llx, each as pagemap says; %llu bytes contiguous from the first",
		 (unsigned long long)e->base, (unsigned long long)pa[0], (unsigned long long)pa[1],
		 (unsigned long long)pa[2], (unsigned long long)pa[3],
		 (unsigned long long)(e->base + 8 * PAGE), (unsigned long long)pa[4],
		 (unsigned long long)run);
	return true;
}

static void test_map_fixed(struct vmt_case *t)
{
	struct env e;
	uint64_t unmapped = 0;
	char *b;

	if (!env_setup(t, &e))
		goto out;
	b = e.buf;
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b, 4 * PAGE, e.base,
					IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), 0);
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b + 4 * PAGE, PAGE, e.base + 8 * PAGE,
					IOMMUFD_MAP_READ), 0);
	if (reads_back(&e)) {
		CHECK_RC(maps(&e, e.base, 4 * PAGE, b), 0);
		CHECK_RC(maps(&e, e.base + 8 * PAGE, PAGE, b + 4 * PAGE), 0);
		/* The check is not vacuous: other pages are not what is mapped there. */
		CHECK(maps(&e, e.base, PAGE, b + 8 * PAGE) != 0,
		      "the read-back accepts a page that is not mapped there");
	}
	if (e.noiommu && !noiommu_pages(t, &e, b))
		goto out;
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base, 4 * PAGE, 0, &unmapped), 0);
	CHECK(unmapped == 4 * PAGE, "unmapped 0x%llx bytes, expected 0x%llx",
	      (unsigned long long)unmapped, 4 * PAGE);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base + 8 * PAGE, PAGE, 0, &unmapped), 0);
	CHECK(unmapped == PAGE, "unmapped 0x%llx bytes of the read-only page",
	      (unsigned long long)unmapped);
	if (reads_back(&e))
		CHECK(maps(&e, e.base, 4 * PAGE, b) != 0,
		      "the domain still maps the IOVA after unmap");
	if (e.noiommu) {
		uint64_t pa = 0, len = 0;

		/* Nothing there any more: no physical address either. */
		CHECK_RC(iommufd_ioas_noiommu_get_pa(e.ioas, e.base, PAGE, &pa, &len), -ENOENT);
		CHECK_RC(iommufd_ioas_noiommu_get_pa(e.ioas, e.base + 8 * PAGE, PAGE, &pa, &len),
			 -ENOENT);
	}
out:
	env_teardown(&e);
}

static bool in_ranges(const struct iommufd_iova_range *r, size_t n, uint64_t iova,
		      uint64_t len)
{
	for (size_t i = 0; i < n; i++)
		if (iova >= r[i].start && iova + len - 1 <= r[i].last)
			return true;
	return false;
}

static void test_map_auto(struct vmt_case *t)
{
	struct iommufd_iova_range *r = NULL;
	uint64_t iova1 = 0, iova2 = 0, align = 0, unmapped = 0;
	size_t n = 0;
	struct env e;
	char *b;

	if (!env_setup(t, &e))
		goto out;
	b = e.buf;
	CHECK_RC(iommufd_ioas_get_iova_ranges(e.ioas, &r, &n, &align), 0);
	CHECK_RC(iommufd_ioas_map(e.ioas, b, 2 * PAGE, IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE,
				  &iova1), 0);
	CHECK_RC(iommufd_ioas_map(e.ioas, b + 2 * PAGE, 2 * PAGE, IOMMUFD_MAP_READ, &iova2), 0);
	vmt_note("kernel chose IOVA 0x%llx and 0x%llx", (unsigned long long)iova1,
		 (unsigned long long)iova2);
	CHECK(align && iova1 % align == 0 && iova2 % align == 0,
	      "chosen IOVAs 0x%llx 0x%llx not aligned to 0x%llx", (unsigned long long)iova1,
	      (unsigned long long)iova2, (unsigned long long)align);
	CHECK(in_ranges(r, n, iova1, 2 * PAGE) && in_ranges(r, n, iova2, 2 * PAGE),
	      "a chosen IOVA is outside the allowed ranges");
	CHECK(iova1 + 2 * PAGE <= iova2 || iova2 + 2 * PAGE <= iova1,
	      "the two mappings overlap");
	if (reads_back(&e)) {
		CHECK_RC(maps(&e, iova1, 2 * PAGE, b), 0);
		CHECK_RC(maps(&e, iova2, 2 * PAGE, b + 2 * PAGE), 0);
	}
	/* The kernel's choice is a real mapping: a fixed map over it collides. */
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b + 4 * PAGE, PAGE, iova1, IOMMUFD_MAP_READ),
		 -EEXIST);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, iova1, 2 * PAGE, 0, &unmapped), 0);
	CHECK(unmapped == 2 * PAGE, "unmapped 0x%llx", (unsigned long long)unmapped);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, iova2, 2 * PAGE, 0, &unmapped), 0);
	CHECK(unmapped == 2 * PAGE, "unmapped 0x%llx", (unsigned long long)unmapped);
out:
	free(r);
	env_teardown(&e);
}

static uint64_t coverage(const struct iommufd_iova_range *r, size_t n)
{
	uint64_t total = 0;

	for (size_t i = 0; i < n; i++)
		total += r[i].last - r[i].start;	/* +1 would overflow for the full space */
	return total;
}

static void test_iova_ranges(struct vmt_case *t)
{
	struct iommufd_iova_range *r0 = NULL, *r = NULL;
	struct iommufd_ioas *empty = NULL;
	uint64_t align0 = 0, align = 0;
	size_t n0 = 0, n = 0;
	struct env e;

	if (!env_setup(t, &e))
		goto out;
	/* An IOAS nothing is attached to: all of the 64-bit space, alignment 1. */
	CHECK_RC(iommufd_ioas_alloc(e.ctx, &empty), 0);
	CHECK_RC(iommufd_ioas_get_iova_ranges(empty, &r0, &n0, &align0), 0);
	CHECK(n0 == 1 && r0[0].start == 0 && r0[0].last == UINT64_MAX,
	      "empty IOAS: %zu ranges, first 0x%llx-0x%llx", n0,
	      n0 ? (unsigned long long)r0[0].start : 0ull,
	      n0 ? (unsigned long long)r0[0].last : 0ull);
	CHECK(align0 == 1, "empty IOAS alignment 0x%llx", (unsigned long long)align0);

	CHECK_RC(iommufd_ioas_get_iova_ranges(e.ioas, &r, &n, &align), 0);
	for (size_t i = 0; i < n; i++)
		vmt_note("attached IOAS range %zu: 0x%llx-0x%llx", i,
			 (unsigned long long)r[i].start, (unsigned long long)r[i].last);
	CHECK(n >= 1, "no IOVA range left after attaching");
	for (size_t i = 0; i < n; i++) {
		CHECK(r[i].start <= r[i].last, "range %zu is inverted", i);
		CHECK(i == 0 || r[i].start > r[i - 1].last, "ranges %zu and %zu overlap or are unsorted",
		      i - 1, i);
	}
	if (vmt_machine_is("noiommu"))
		/*
		 * No IOMMU: no aperture and no reserved MSI window, the whole space
		 * stays (seen on 7.3.4); the domain brings only its page size.
		 */
		CHECK(n == 1 && r[0].start == 0 && r[0].last == UINT64_MAX,
		      "noiommu: expected the whole 64-bit space, got %zu ranges", n);
	else
		CHECK(coverage(r, n) < coverage(r0, n0), "attaching did not shrink the ranges");
	if (is_mock(&e)) {
		/* The mock domain's aperture, exactly, and its 2 KiB pages. */
		CHECK(n == 1 && r[0].start == ST_MOCK_APERTURE_START &&
		      r[0].last == ST_MOCK_APERTURE_LAST,
		      "mock: expected the aperture 0x%llx-0x%llx", ST_MOCK_APERTURE_START,
		      ST_MOCK_APERTURE_LAST);
		CHECK(align == 2048, "mock alignment 0x%llx, expected 0x800",
		      (unsigned long long)align);
	} else {
		CHECK(align == PAGE, "alignment 0x%llx, expected the 4 KiB IOMMU page",
		      (unsigned long long)align);
		if (vmt_machine_has_edu() && !vmt_machine_is("virtio"))
			/* VT-d and AMD-Vi both reserve the x86 MSI window. */
			CHECK(!in_ranges(r, n, 0xfee00000, 1), "the MSI window 0xfee00000 is mappable");
	}
out:
	free(r0);
	free(r);
	iommufd_ioas_unref(empty);
	env_teardown(&e);
}

static void test_eexist(struct vmt_case *t)
{
	struct env e;
	uint64_t unmapped = 0;
	char *b;

	if (!env_setup(t, &e))
		goto out;
	b = e.buf;
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b, 2 * PAGE, e.base + 4 * PAGE,
					IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), 0);
	vmt_log_reset();
	/* Same start, inside, overlapping the head, overlapping the tail. */
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b + 4 * PAGE, 2 * PAGE, e.base + 4 * PAGE,
					IOMMUFD_MAP_READ), -EEXIST);
	CHECK(vmt_log_has("EEXIST"), "no log line names EEXIST: '%s'", vmt_log_last());
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b + 4 * PAGE, PAGE, e.base + 5 * PAGE,
					IOMMUFD_MAP_READ), -EEXIST);
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b + 4 * PAGE, 2 * PAGE, e.base + 3 * PAGE,
					IOMMUFD_MAP_READ), -EEXIST);
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b + 4 * PAGE, 2 * PAGE, e.base + 5 * PAGE,
					IOMMUFD_MAP_READ), -EEXIST);
	/* Adjacent is fine. */
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b + 4 * PAGE, PAGE, e.base + 6 * PAGE,
					IOMMUFD_MAP_READ), 0);
	if (reads_back(&e))	/* the failed maps did not replace the first one */
		CHECK_RC(maps(&e, e.base + 4 * PAGE, 2 * PAGE, b), 0);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base + 4 * PAGE, 3 * PAGE, 0, &unmapped), 0);
	CHECK(unmapped == 3 * PAGE, "unmapped 0x%llx", (unsigned long long)unmapped);
out:
	env_teardown(&e);
}

static void test_enoent(struct vmt_case *t)
{
	struct env e;
	uint64_t unmapped = 0;
	char *b;

	if (!env_setup(t, &e))
		goto out;
	b = e.buf;
	vmt_log_reset();
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base, PAGE, 0, NULL), -ENOENT);
	CHECK(vmt_log_has("ENOENT"), "no log line names ENOENT: '%s'", vmt_log_last());
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b, 2 * PAGE, e.base,
					IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), 0);
	/* The kernel never splits a mapping: both halves are ENOENT. */
	unmapped = 12345;
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base, PAGE, 0, &unmapped), -ENOENT);
	CHECK(unmapped == 12345, "ret_unmapped was written on failure");
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base + PAGE, PAGE, 0, NULL), -ENOENT);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base + PAGE, 4 * PAGE, 0, NULL), -ENOENT);
	if (reads_back(&e))
		CHECK_RC(maps(&e, e.base, 2 * PAGE, b), 0);
	/* A range covering the whole mapping and more works. */
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base - PAGE, 8 * PAGE, 0, &unmapped), 0);
	CHECK(unmapped == 2 * PAGE, "unmapped 0x%llx", (unsigned long long)unmapped);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base, 2 * PAGE, 0, NULL), -ENOENT);
out:
	env_teardown(&e);
}

static void test_einval_align(struct vmt_case *t)
{
	struct iommufd_ioas *empty = NULL;
	uint64_t unmapped = 0, mis;
	struct env e;
	char *b;

	if (!env_setup(t, &e))
		goto out;
	b = e.buf;
	/*
	 * An IOAS with nothing attached: the kernel would take a byte-aligned
	 * IOVA and then refuse every attach with EADDRINUSE (issue 11, defect
	 * 1), so the library refuses it first and says why.
	 */
	CHECK_RC(iommufd_ioas_alloc(e.ctx, &empty), 0);
	vmt_log_reset();
	CHECK_RC(iommufd_ioas_map_fixed(empty, b, PAGE, e.base + 1, IOMMUFD_MAP_READ), -EINVAL);
	CHECK(vmt_log_has("not a multiple of the page size"), "no log line says why: '%s'",
	      vmt_log_last());
	CHECK_RC(iommufd_ioas_unmap_all(empty, &unmapped), 0);
	CHECK(unmapped == 0, "the refused map left 0x%llx bytes", (unsigned long long)unmapped);

	/* With a domain attached the kernel enforces its page size. */
	CHECK(e.align > 1, "IOAS alignment %llu after attaching", (unsigned long long)e.align);
	mis = e.align / 2;
	vmt_log_reset();
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b, PAGE, e.base + 1, IOMMUFD_MAP_READ), -EINVAL);
	CHECK(vmt_log_has("EINVAL"), "no log line names EINVAL: '%s'", vmt_log_last());
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b, PAGE, e.base + mis, IOMMUFD_MAP_READ), -EINVAL);
	/* A length that is not a multiple of the alignment, fixed or not. */
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b, PAGE + 1, e.base, IOMMUFD_MAP_READ), -EINVAL);
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b, PAGE + mis, e.base, IOMMUFD_MAP_READ), -EINVAL);
	{
		uint64_t iova = 0xdead;

		CHECK_RC(iommufd_ioas_map(e.ioas, b, PAGE + 1, IOMMUFD_MAP_READ, &iova), -EINVAL);
		CHECK(iova == 0xdead, "ret_iova was written on failure");
	}
	/* Nothing was mapped by the failed calls. */
	CHECK_RC(iommufd_ioas_unmap_all(e.ioas, &unmapped), 0);
	CHECK(unmapped == 0, "failed maps left 0x%llx bytes mapped", (unsigned long long)unmapped);
	/* And the aligned request works. */
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b, PAGE, e.base, IOMMUFD_MAP_READ), 0);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base, PAGE, 0, NULL), 0);
out:
	iommufd_ioas_unref(empty);
	env_teardown(&e);
}

static void test_unmap_all(struct vmt_case *t)
{
	uint64_t unmapped = 0, iova = 0;
	struct env e;
	char *b;

	if (!env_setup(t, &e))
		goto out;
	b = e.buf;
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b, PAGE, e.base, IOMMUFD_MAP_READ), 0);
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b + PAGE, 2 * PAGE, e.base + 4 * PAGE,
					IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), 0);
	CHECK_RC(iommufd_ioas_map(e.ioas, b + 3 * PAGE, PAGE, IOMMUFD_MAP_WRITE, &iova), 0);
	CHECK_RC(iommufd_ioas_unmap_all(e.ioas, &unmapped), 0);
	CHECK(unmapped == 4 * PAGE, "unmap-all unmapped 0x%llx bytes, expected 0x%llx",
	      (unsigned long long)unmapped, 4 * PAGE);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base, PAGE, 0, NULL), -ENOENT);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, iova, PAGE, 0, NULL), -ENOENT);
	if (reads_back(&e)) {
		CHECK(maps(&e, e.base, PAGE, b) != 0, "the domain still maps 0x%llx",
		      (unsigned long long)e.base);
		CHECK(maps(&e, e.base + 4 * PAGE, 2 * PAGE, b + PAGE) != 0,
		      "the domain still maps 0x%llx", (unsigned long long)e.base + 4 * PAGE);
	}
	/* Unmapping everything in an empty IOAS succeeds with 0 bytes. */
	unmapped = 1;
	CHECK_RC(iommufd_ioas_unmap_all(e.ioas, &unmapped), 0);
	CHECK(unmapped == 0, "second unmap-all unmapped 0x%llx", (unsigned long long)unmapped);
	/* The IOAS is usable again at the same IOVA. */
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, b, PAGE, e.base, IOMMUFD_MAP_READ), 0);
	if (reads_back(&e))
		CHECK_RC(maps(&e, e.base, PAGE, b), 0);
out:
	env_teardown(&e);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 7);
	vmt_run("map-fixed", test_map_fixed);
	vmt_run("map-auto", test_map_auto);
	vmt_run("iova-ranges", test_iova_ranges);
	vmt_run("eexist", test_eexist);
	vmt_run("enoent", test_enoent);
	vmt_run("einval-align", test_einval_align);
	vmt_run("unmap-all", test_unmap_all);
	return vmt_end();
}
