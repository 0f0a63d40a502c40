// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scenarios 2, 3 and 4: real DMA through an emulated IOMMU, a replace
 * proven by where the DMA lands, and a failed replace that leaves the
 * device on its old page table.
 *
 * QEMU's edu device copies between its 4 KiB buffer and a bus address; with
 * a vIOMMU that bus address is an IOVA of whatever page table the device is
 * attached to. The library finds, binds, attaches and replaces; the test
 * drives edu's registers through the VFIO BAR0 mmap and checks the bytes.
 * edu masks DMA addresses to 28 bits, so every IOVA here is below 256 MiB.
 *
 * On the mock machine (no vIOMMU, no edu) the replace-failure check runs
 * against the selftest mock driver instead: a mock device without dirty
 * tracking cannot join a dirty-tracking HWPT, and the kernel must leave it
 * where it was.
 */
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

#define PAGE 4096u
#define LEN VMT_EDU_DMA_LEN	/* bytes per DMA */

struct fx {
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev;
	struct vmt_edu edu;
	struct iommufd_ioas *ioas1;
	uint8_t *out, *in;		/* edu reads @out, writes @in (IOAS 1) */
	uint64_t iova_out, iova_in;
};

static bool fx_setup(struct vmt_case *t, struct fx *f)
{
	char err[256];
	uint64_t base = 0;
	int rc;

	memset(f, 0, sizeof(*f));
	f->edu.fd = -1;
	if (!vmt_need_iommufd(t))
		return false;
	if (!vmt_machine_has_edu()) {
		vmt_skip_(t, "machine %s has no edu device behind an IOMMU", vmt_machine());
		return false;
	}
	rc = vmt_ctx_new(&f->ctx);
	if (!REQUIRE(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc)))
		return false;
	if (!vmt_edu_bind(t, f->ctx, &f->dev))
		return false;
	rc = vmt_edu_open(&f->edu, iommufd_device_get_fd(f->dev), err, sizeof(err));
	if (!REQUIRE(rc == 0, "edu: %s", err))
		return false;
	rc = iommufd_ioas_alloc(f->ctx, &f->ioas1);
	if (!REQUIRE(rc == 0, "iommufd_ioas_alloc: %s", vmt_errname(rc)))
		return false;
	/* Attach before mapping: the mappings must respect the device's reserved ranges. */
	rc = iommufd_device_attach(f->dev, iommufd_ioas_as_pt(f->ioas1));
	if (!REQUIRE(rc == 0, "iommufd_device_attach(IOAS %u): %s", iommufd_ioas_get_id(f->ioas1),
		     vmt_errname(rc)))
		return false;
	if (!REQUIRE(vmt_pick_iova(f->ioas1, 0, 2 * PAGE, &base), "no allowed IOVA below 256 MiB"))
		return false;
	f->iova_out = base;
	f->iova_in = base + PAGE;
	f->out = vmt_pages(PAGE);
	f->in = vmt_pages(PAGE);
	if (!REQUIRE(f->out && f->in, "out of memory"))
		return false;
	rc = iommufd_ioas_map_fixed(f->ioas1, f->out, PAGE, f->iova_out, IOMMUFD_MAP_READ);
	if (!REQUIRE(rc == 0, "map out-buffer: %s", vmt_errname(rc)))
		return false;
	rc = iommufd_ioas_map_fixed(f->ioas1, f->in, PAGE, f->iova_in,
				    IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);
	if (!REQUIRE(rc == 0, "map in-buffer: %s", vmt_errname(rc)))
		return false;
	vmt_note("device %u on IOAS %u: out-buffer at IOVA 0x%llx, in-buffer at 0x%llx",
		 iommufd_device_get_id(f->dev), iommufd_ioas_get_id(f->ioas1),
		 (unsigned long long)f->iova_out, (unsigned long long)f->iova_in);
	return true;
}

static void fx_teardown(struct fx *f)
{
	vmt_edu_close(&f->edu);
	iommufd_device_unref(f->dev);
	iommufd_ioas_unref(f->ioas1);
	iommufd_ctx_unref(f->ctx);
	vmt_pages_free(f->out, PAGE);
	vmt_pages_free(f->in, PAGE);
}

/* Put pattern @seed into edu's buffer, by DMA from the out-buffer (IOAS 1). */
static int load_device(struct fx *f, uint32_t seed)
{
	vmt_fill(f->out, PAGE, seed);
	return vmt_edu_dma(&f->edu, f->iova_out, 0, LEN, false);
}

static void test_dma_roundtrip(struct vmt_case *t)
{
	char addr[64], cdev[256];
	char *path = NULL;
	struct fx f;
	long diff;

	if (!fx_setup(t, &f))
		goto out;
	/* Discovery agrees with itself: the list and the by-address lookup. */
	CHECK_RC(vmt_edu_find(f.ctx, addr, sizeof(addr), cdev, sizeof(cdev)), 0);
	CHECK_RC(iommufd_discover_pci(f.ctx, addr, &path), 0);
	CHECK(strcmp(path, cdev) == 0, "discover_pci(%s) = %s, the list says %s", addr, path, cdev);

	/* RAM -> device -> RAM, through the IOMMU both ways. */
	memset(f.in, 0, PAGE);
	CHECK_RC(load_device(&f, 1), 0);
	CHECK_RC(vmt_edu_dma(&f.edu, f.iova_in, 0, LEN, true), 0);
	diff = vmt_pattern_diff(f.in, LEN, 1);
	CHECK(diff < 0, "in-buffer differs from what edu read at byte %ld", diff);

	/* A part of the buffer to an offset inside the page: addresses are honoured. */
	memset(f.in, 0, PAGE);
	CHECK_RC(vmt_edu_dma(&f.edu, f.iova_in + 0x800, 0, 0x100, true), 0);
	diff = vmt_pattern_diff(f.in + 0x800, 0x100, 1);
	CHECK(diff < 0, "partial DMA differs at byte %ld", diff);
	for (unsigned int i = 0; i < PAGE; i++)
		if (i < 0x800 || i >= 0x900)
			CHECK(f.in[i] == 0, "byte 0x%x outside the DMA window was written", i);
	vmt_note("%u bytes out and back, and 256 bytes at an offset, verified", LEN);
out:
	free(path);
	fx_teardown(&f);
}

static bool all_zero(const uint8_t *p, size_t n)
{
	const volatile uint8_t *v = p;

	for (size_t i = 0; i < n; i++)
		if (v[i])
			return false;
	return true;
}

/* Whether @ioas lets [iova, iova + len) be mapped; the ranges go to the log. */
static bool ioas_allows(struct iommufd_ioas *ioas, uint64_t iova, uint64_t len)
{
	struct iommufd_iova_range *r = NULL;
	bool ok = false;
	size_t n = 0;

	if (iommufd_ioas_get_iova_ranges(ioas, &r, &n, NULL))
		return false;
	for (size_t i = 0; i < n; i++) {
		vmt_note("IOAS %u range %zu: 0x%llx-0x%llx", iommufd_ioas_get_id(ioas), i,
			 (unsigned long long)r[i].start, (unsigned long long)r[i].last);
		if (iova >= r[i].start && iova + len - 1 <= r[i].last)
			ok = true;
	}
	free(r);
	return ok;
}

/*
 * IOAS 2 allows no IOVA for buffer B once its new domain is in: seen on 6.12
 * with virtio-iommu, whose domains get their aperture only when a device is
 * attached (viommu_domain_finalise). iommufd attaches before adding a domain
 * to the IOAS only on a first attach to an IOAS ("immediate attach"); a
 * domain from HWPT_ALLOC or from a replace enters the IOAS with an empty
 * aperture, and iommufd reserves every IOVA but 0. Anywhere else: a failure.
 */
static void no_aperture_skip(struct vmt_case *t, struct iommufd_ioas *ioas, uint64_t iova,
			     const char *how)
{
	if (!REQUIRE(vmt_machine_is("virtio") && vmt_kernel_version() < VMT_KV(7, 0, 0),
		     "IOAS %u does not allow IOVA 0x%llx after %s", iommufd_ioas_get_id(ioas),
		     (unsigned long long)iova, how))
		return;
	vmt_skip_(t, "kernel %s: virtio-iommu gives a domain its aperture only at a first attach;"
		  " one made by %s has none, so IOAS %u allows no IOVA for buffer B",
		  vmt_kernel_release(), how, iommufd_ioas_get_id(ioas));
}

/*
 * Replace the device from IOAS 1 onto a second page table that maps the
 * in-buffer's IOVA to buffer B, prove by DMA where the bytes land, and
 * replace back. The second page table is HWPT B, allocated on IOAS 2 with
 * iommufd_hwpt_alloc() (@use_hwpt), or IOAS 2 itself, where the kernel
 * allocates the domain when the device arrives.
 */
static void replace_dma(struct vmt_case *t, bool use_hwpt)
{
	struct iommufd_ioas *ioas2 = NULL;
	struct iommufd_hwpt *hwpt_b = NULL;
	struct iommufd_pt *target;
	uint8_t *b = NULL;
	uint32_t id = 0, hwpt1 = 0, on_b = 0;
	struct fx f;
	long diff;

	if (!fx_setup(t, &f))
		goto out;
	CHECK_RC(iommufd_device_get_hwpt_id(f.dev, &hwpt1), 0);
	CHECK_RC(iommufd_ioas_alloc(f.ctx, &ioas2), 0);
	b = vmt_pages(PAGE);
	CHECK(b != NULL, "out of memory");
	if (use_hwpt) {
		/*
		 * HWPT B on IOAS 2, allocated before IOAS 2 maps anything: a
		 * HWPT reserves the device's reserved ranges in its IOAS, and
		 * that fails (EADDRINUSE) over an existing mapping.
		 */
		CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas2), f.dev, NULL, &hwpt_b), 0);
		vmt_note("HWPT B %u on IOAS %u (%s)", iommufd_hwpt_get_id(hwpt_b),
			 iommufd_ioas_get_id(ioas2),
			 iommufd_hwpt_is_kernel_allocated(hwpt_b) ? "kernel-allocated" : "HWPT_ALLOC");
		/* The allocation did not move the device (no plain-path attach). */
		CHECK(iommufd_device_get_pt(f.dev) == iommufd_ioas_as_pt(f.ioas1),
		      "allocating HWPT B moved the device");
		if (!ioas_allows(ioas2, f.iova_in, PAGE))
			no_aperture_skip(t, ioas2, f.iova_in, "HWPT_ALLOC");
		if (t->failed || t->skipped)
			goto out;
		target = iommufd_hwpt_as_pt(hwpt_b);
	} else {
		target = iommufd_ioas_as_pt(ioas2);
	}

	/* Pattern 2 into the device while on IOAS 1, then replace and write it out. */
	CHECK_RC(load_device(&f, 2), 0);
	memset(f.in, 0, PAGE);
	memset(b, 0, PAGE);
	if (use_hwpt) {
		/* IOAS 2 maps the in-buffer's IOVA to buffer B. */
		CHECK_RC(iommufd_ioas_map_fixed(ioas2, b, PAGE, f.iova_in,
						IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), 0);
		CHECK_RC(iommufd_device_replace(f.dev, target), 0);
	} else {
		/* The kernel's domain for IOAS 2 exists once the device is there: map after. */
		CHECK_RC(iommufd_device_replace(f.dev, target), 0);
		if (!ioas_allows(ioas2, f.iova_in, PAGE))
			no_aperture_skip(t, ioas2, f.iova_in, "a replace onto the IOAS");
		if (t->failed || t->skipped)
			goto out;
		CHECK_RC(iommufd_ioas_map_fixed(ioas2, b, PAGE, f.iova_in,
						IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), 0);
	}
	CHECK(iommufd_device_get_pt(f.dev) == target, "get_pt is not the new page table");
	CHECK_RC(iommufd_device_get_hwpt_id(f.dev, &on_b), 0);
	if (use_hwpt)
		CHECK(on_b == iommufd_hwpt_get_id(hwpt_b), "kernel reports HWPT %u, HWPT B is %u",
		      on_b, iommufd_hwpt_get_id(hwpt_b));
	else
		CHECK(on_b != hwpt1, "IOAS 2 is served by IOAS 1's HWPT %u", hwpt1);
	CHECK_RC(vmt_edu_dma(&f.edu, f.iova_in, 0, LEN, true), 0);
	diff = vmt_pattern_diff(b, LEN, 2);
	CHECK(diff < 0, "after replace: buffer B differs at byte %ld", diff);
	CHECK(all_zero(f.in, PAGE), "after replace: the DMA also wrote buffer A");
	vmt_note("on HWPT %u: IOVA 0x%llx landed in buffer B, buffer A untouched", on_b,
		 (unsigned long long)f.iova_in);

	/* Back to IOAS 1: the same IOVA is buffer A again. */
	CHECK_RC(iommufd_device_replace(f.dev, iommufd_ioas_as_pt(f.ioas1)), 0);
	CHECK(iommufd_device_get_pt(f.dev) == iommufd_ioas_as_pt(f.ioas1), "get_pt is not IOAS 1");
	CHECK_RC(iommufd_device_get_hwpt_id(f.dev, &id), 0);
	CHECK(id != on_b, "still on HWPT %u after replacing back", on_b);
	CHECK_RC(load_device(&f, 3), 0);	/* reads IOAS 1's out-buffer: proves it too */
	CHECK_RC(vmt_edu_dma(&f.edu, f.iova_in, 0, LEN, true), 0);
	diff = vmt_pattern_diff(f.in, LEN, 3);
	CHECK(diff < 0, "after replace back: buffer A differs at byte %ld", diff);
	diff = vmt_pattern_diff(b, LEN, 2);
	CHECK(diff < 0, "after replace back: buffer B changed (byte %ld)", diff);
	vmt_note("back on IOAS 1 (HWPT %u, first %u): DMA landed in buffer A, B untouched", id,
		 hwpt1);
out:
	/* Any order: a device attached to HWPT B holds a reference on it. */
	iommufd_hwpt_unref(hwpt_b);
	iommufd_ioas_unref(ioas2);
	vmt_pages_free(b, PAGE);
	fx_teardown(&f);
}

static void test_replace_dma(struct vmt_case *t)
{
	replace_dma(t, true);
}

static void test_replace_dma_ioas(struct vmt_case *t)
{
	replace_dma(t, false);
}

/* The device still reports @pt / @hwpt_id after a failed replace. */
#define CHECK_STILL_ON(dev, pt, hwpt_id)						\
	do {										\
		uint32_t now_ = 0;							\
		CHECK(iommufd_device_get_pt(dev) == (pt),				\
		      "after the failed replace get_pt() changed");			\
		CHECK_RC(iommufd_device_get_hwpt_id(dev, &now_), 0);			\
		CHECK(now_ == (hwpt_id), "after the failed replace the HWPT ID is %u, was %u", \
		      now_, (hwpt_id));							\
	} while (0)

static void replace_fail_edu(struct vmt_case *t)
{
	struct iommufd_ioas *ioas3 = NULL, *ioas2 = NULL;
	struct iommufd_hwpt *hwpt_c = NULL;
	struct iommufd_pt *pt1;
	uint32_t hwpt1 = 0;
	int fd, rc;
	struct fx f;
	long diff;

	if (!fx_setup(t, &f))
		goto out;
	fd = iommufd_ctx_get_fd(f.ctx);
	pt1 = iommufd_device_get_pt(f.dev);
	CHECK_RC(iommufd_device_get_hwpt_id(f.dev, &hwpt1), 0);

	/* An IOAS the kernel no longer has: destroyed behind the library's back. */
	CHECK_RC(iommufd_ioas_alloc(f.ctx, &ioas3), 0);
	CHECK_RC(vmt_destroy(fd, iommufd_ioas_get_id(ioas3)), 0);
	vmt_log_reset();
	rc = iommufd_device_replace(f.dev, iommufd_ioas_as_pt(ioas3));
	CHECK(rc == -ENOENT, "replace to destroyed IOAS %u = %d (%s), expected ENOENT",
	      iommufd_ioas_get_id(ioas3), rc, vmt_errname(rc));
	CHECK(vmt_log_has("stays on its old page table"),
	      "the log does not say the device stays: '%s'", vmt_log_last());
	CHECK_STILL_ON(f.dev, pt1, hwpt1);

	/* A HWPT made for this very device, then destroyed behind the library's back. */
	CHECK_RC(iommufd_ioas_alloc(f.ctx, &ioas2), 0);
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas2), f.dev, NULL, &hwpt_c), 0);
	CHECK(!iommufd_hwpt_is_kernel_allocated(hwpt_c),
	      "HWPT_ALLOC took the plain path: this kernel/driver cannot allocate a HWPT");
	CHECK_STILL_ON(f.dev, pt1, hwpt1);
	CHECK_RC(vmt_destroy(fd, iommufd_hwpt_get_id(hwpt_c)), 0);
	rc = iommufd_device_replace(f.dev, iommufd_hwpt_as_pt(hwpt_c));
	CHECK(rc == -ENOENT, "replace to destroyed HWPT %u = %d (%s), expected ENOENT",
	      iommufd_hwpt_get_id(hwpt_c), rc, vmt_errname(rc));
	CHECK_STILL_ON(f.dev, pt1, hwpt1);

	/* The IOMMU still translates through the old table: DMA lands in buffer A. */
	memset(f.in, 0, PAGE);
	CHECK_RC(load_device(&f, 4), 0);
	CHECK_RC(vmt_edu_dma(&f.edu, f.iova_in, 0, LEN, true), 0);
	diff = vmt_pattern_diff(f.in, LEN, 4);
	CHECK(diff < 0, "after the failed replaces DMA did not land in buffer A (byte %ld)", diff);
	vmt_note("two refused replaces (ENOENT), device still on HWPT %u, DMA verified", hwpt1);
out:
	iommufd_hwpt_unref(hwpt_c);	/* its DESTROY fails with ENOENT: logged */
	iommufd_ioas_unref(ioas3);	/* likewise */
	iommufd_ioas_unref(ioas2);
	fx_teardown(&f);
}

/*
 * Mock machine: mock device B (no dirty tracking) sits on the IOAS's
 * kernel-allocated HWPT H; the selftest replace op asks the kernel to move
 * it to dirty-tracking HWPT D (allocated through the library for a
 * dirty-capable mock device A). The kernel must refuse and keep B on H.
 */
static void replace_fail_mock(struct vmt_case *t)
{
	struct iommufd_device *dev_a = NULL, *dev_b = NULL;
	struct iommufd_hwpt *hwpt_d = NULL, *hwpt_p = NULL;
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	uint32_t stdev_a = 0, idev_a = 0, stdev_b = 0, idev_b = 0, h = 0, got = 0;
	bool have_pasid_check;
	uint8_t *buf = NULL;
	int fd = -1, rc;

	if (!vmt_need_iommufd(t))
		goto out;
	CHECK_RC(vmt_ctx_new(&ctx), 0);
	fd = iommufd_ctx_get_fd(ctx);
	CHECK_RC(iommufd_ioas_alloc(ctx, &ioas), 0);
	CHECK_RC(vmt_st_mock_domain(fd, iommufd_ioas_get_id(ioas), 0, &stdev_a, NULL, &idev_a), 0);
	CHECK_RC(iommufd_device_new_from_id(ctx, idev_a, -1, IOMMUFD_ADOPT_BORROW, &dev_a), 0);
	{
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);

		CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas), dev_a, &o, &hwpt_d), 0);
	}
	CHECK(iommufd_hwpt_get_flags(hwpt_d) == IOMMUFD_HWPT_DIRTY_TRACKING,
	      "HWPT D flags 0x%x", iommufd_hwpt_get_flags(hwpt_d));
	/* A is only needed to allocate D. */
	CHECK_RC(vmt_destroy(fd, stdev_a), 0);
	stdev_a = 0;

	CHECK_RC(vmt_st_mock_domain(fd, iommufd_ioas_get_id(ioas), ST_MOCK_DEV_NO_DIRTY,
				    &stdev_b, &h, &idev_b), 0);
	CHECK_RC(iommufd_device_new_from_id(ctx, idev_b, -1, IOMMUFD_ADOPT_BORROW, &dev_b), 0);
	vmt_note("mock device B (stdev %u, device %u, no dirty tracking) on HWPT %u; dirty HWPT D %u",
		 stdev_b, idev_b, h, iommufd_hwpt_get_id(hwpt_d));

	/* The library cannot replace a device it holds by ID only: by design. */
	CHECK_RC(iommufd_device_replace(dev_b, iommufd_hwpt_as_pt(hwpt_d)), -EOPNOTSUPP);

	/* Probe the 7.x op that reads which domain a mock device sits on. */
	rc = vmt_st_pasid_check(fd, stdev_b, 0, h);
	have_pasid_check = rc != -EOPNOTSUPP;
	if (have_pasid_check)
		CHECK(rc == 0, "PASID_CHECK_HWPT says B is not on HWPT %u before: %s", h,
		      vmt_errname(rc));
	else
		vmt_note("kernel has no PASID_CHECK_HWPT op: using DESTROY/EBUSY evidence only");

	CHECK_RC(vmt_st_replace(fd, stdev_b, iommufd_hwpt_get_id(hwpt_d), NULL), -EINVAL);

	/* Kernel state: B still on H, not on D. */
	if (have_pasid_check) {
		CHECK_RC(vmt_st_pasid_check(fd, stdev_b, 0, h), 0);
		CHECK_RC(vmt_st_pasid_check(fd, stdev_b, 0, iommufd_hwpt_get_id(hwpt_d)), -EINVAL);
	}
	CHECK_RC(vmt_destroy(fd, h), -EBUSY);	/* H still has a user */
	buf = vmt_pages(PAGE);
	CHECK(buf != NULL, "out of memory");
	CHECK_RC(iommufd_ioas_map_fixed(ioas, buf, PAGE, ST_MOCK_APERTURE_START, IOMMUFD_MAP_READ), 0);
	CHECK_RC(vmt_st_check_map(fd, h, ST_MOCK_APERTURE_START, PAGE, buf), 0);

	/* A replace the kernel accepts moves B off H, and H (kernel-made) goes away. */
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas), dev_b, NULL, &hwpt_p), 0);
	CHECK_RC(vmt_st_replace(fd, stdev_b, iommufd_hwpt_get_id(hwpt_p), &got), 0);
	CHECK(got == iommufd_hwpt_get_id(hwpt_p), "replace reports HWPT %u", got);
	if (have_pasid_check)
		CHECK_RC(vmt_st_pasid_check(fd, stdev_b, 0, iommufd_hwpt_get_id(hwpt_p)), 0);
	CHECK_RC(vmt_destroy(fd, h), -ENOENT);	/* B was its last user until now */
	vmt_note("refused replace kept B on HWPT %u (%s); the accepted one freed it",
		 h, have_pasid_check ? "PASID_CHECK_HWPT + EBUSY" : "EBUSY");
out:
	if (stdev_b)
		vmt_destroy(fd, stdev_b);
	if (stdev_a)
		vmt_destroy(fd, stdev_a);
	iommufd_device_unref(dev_a);
	iommufd_device_unref(dev_b);
	iommufd_hwpt_unref(hwpt_d);
	iommufd_hwpt_unref(hwpt_p);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
	vmt_pages_free(buf, PAGE);
}

static void test_replace_fail(struct vmt_case *t)
{
	if (vmt_machine_is("mock"))
		replace_fail_mock(t);
	else
		replace_fail_edu(t);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 4);
	vmt_run("dma-roundtrip", test_dma_roundtrip);
	vmt_run("replace-dma", test_replace_dma);
	vmt_run("replace-dma-ioas", test_replace_dma_ioas);
	vmt_run("replace-fail", test_replace_fail);
	return vmt_end();
}
