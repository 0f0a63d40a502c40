// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dirty tracking (live migration) on real kernels.
 *
 * No emulated IOMMU of QEMU tracks dirty pages, so the bits are made by the
 * kernel's selftest mock driver: its DIRTY op marks pages of a mock HWPT as
 * if a device had written them, and the library must read back exactly those
 * bits, with the clearing and NO_CLEAR semantics, in one call or in chunks.
 * A mock device made without dirty support must not get onto a
 * dirty-tracking HWPT, and a dirty-tracking request for it (or for QEMU's
 * edu behind VT-d/AMD-Vi/virtio-iommu, which cannot track) fails with
 * EOPNOTSUPP and is never downgraded to a plain HWPT.
 *
 * Facts used (6.12 and 7.2 sources): the mock IOMMU page is 2 KiB and the
 * DIRTY op takes its bitmap in those units (6.12 indexes its page table by
 * iova / page_size); the IOAS's huge pages are switched off before mapping
 * so every IOMMU page is at most one CPU page and a marked page never makes
 * its neighbours dirty; tracking must be on for the DIRTY op (EINVAL).
 */
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

#define PAGE 4096ull
#define BASE ST_MOCK_APERTURE_START	/* IOVA of the mapping */
#define CHUNK_PAGES 64ull		/* the chunked helper's unit */

/* A mock device on an IOAS mapping @npages at BASE, and its dirty HWPT. */
struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct iommufd_hwpt *hwpt;	/* DIRTY_TRACKING, the device on it */
	uint32_t stdev;
	int fd;
	void *buf;
	uint64_t npages;
	uint64_t *bits;			/* the caller bitmap: npages bits */
	uint64_t *marks;		/* the DIRTY op's bitmap: 2 bits per page */
};

static size_t words(uint64_t nbits)
{
	return (size_t)((nbits + 63) / 64);
}

static bool env_setup(struct vmt_case *t, struct env *e, uint64_t npages)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	bool huge = true;
	uint32_t used = 0;
	int rc;

	memset(e, 0, sizeof(*e));
	e->npages = npages;
	if (!vmt_need_iommufd(t))
		return false;
	rc = vmt_ctx_new(&e->ctx);
	if (!REQUIRE(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc)))
		return false;
	e->fd = iommufd_ctx_get_fd(e->ctx);
	rc = iommufd_ioas_alloc(e->ctx, &e->ioas);
	if (!REQUIRE(rc == 0, "iommufd_ioas_alloc: %s", vmt_errname(rc)))
		return false;
	/* One bit per IOMMU page: no huge IOMMU pages (the IOAS is still empty). */
	rc = iommufd_ioas_set_huge_pages(e->ioas, false);
	if (!REQUIRE(rc == 0, "iommufd_ioas_set_huge_pages(false): %s", vmt_errname(rc)))
		return false;
	rc = iommufd_ioas_get_huge_pages(e->ioas, &huge);
	if (!REQUIRE(rc == 0 && !huge, "iommufd_ioas_get_huge_pages: %s, enabled %d",
		     vmt_errname(rc), huge))
		return false;
	e->buf = vmt_pages(npages * PAGE);
	e->bits = calloc(words(npages), 8);
	e->marks = calloc(words(2 * npages), 8);
	if (!REQUIRE(e->buf && e->bits && e->marks, "out of memory"))
		return false;
	rc = iommufd_ioas_map_fixed(e->ioas, e->buf, npages * PAGE, BASE,
				    IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);
	if (!REQUIRE(rc == 0, "map %llu pages at 0x%llx: %s", (unsigned long long)npages,
		     (unsigned long long)BASE, vmt_errname(rc)))
		return false;
	if (!vmt_mock_device(t, e->ctx, iommufd_ioas_get_id(e->ioas), 0, &e->stdev, &e->dev))
		return false;
	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(e->ioas), e->dev, &o, &e->hwpt);
	if (!REQUIRE(rc == 0, "DIRTY_TRACKING HWPT for the mock: %s (%s)", vmt_errname(rc),
		     vmt_log_last()))
		return false;
	if (!REQUIRE(iommufd_hwpt_get_flags(e->hwpt) == IOMMUFD_HWPT_DIRTY_TRACKING &&
		     !iommufd_hwpt_is_kernel_allocated(e->hwpt),
		     "HWPT flags 0x%x, kernel-allocated %d", iommufd_hwpt_get_flags(e->hwpt),
		     iommufd_hwpt_is_kernel_allocated(e->hwpt)))
		return false;
	/* The device moves onto it, as a VMM's device would for migration. */
	rc = vmt_st_replace(e->fd, e->stdev, iommufd_hwpt_get_id(e->hwpt), &used);
	if (!REQUIRE(rc == 0 && used == iommufd_hwpt_get_id(e->hwpt),
		     "mock device onto the dirty HWPT %u: %s (HWPT %u)",
		     iommufd_hwpt_get_id(e->hwpt), vmt_errname(rc), used))
		return false;
	return true;
}

static void env_teardown(struct env *e)
{
	if (e->stdev)
		vmt_destroy(e->fd, e->stdev);
	iommufd_hwpt_unref(e->hwpt);
	iommufd_device_unref(e->dev);
	iommufd_ioas_unref(e->ioas);
	iommufd_ctx_unref(e->ctx);
	vmt_pages_free(e->buf, e->npages * PAGE);
	free(e->bits);
	free(e->marks);
}

static bool bit(const uint64_t *map, uint64_t i)
{
	return (map[i / 64] >> (i % 64)) & 1;
}

static void set_bit(uint64_t *map, uint64_t i)
{
	map[i / 64] |= 1ull << (i % 64);
}

/* The DIRTY op marks the first 2 KiB half of each CPU page in @pages. */
static int mark(struct env *e, const uint64_t *pages, size_t n, uint64_t *ret_nr)
{
	memset(e->marks, 0, words(2 * e->npages) * 8);
	for (size_t i = 0; i < n; i++)
		set_bit(e->marks, 2 * pages[i]);
	return vmt_st_dirty(e->fd, iommufd_hwpt_get_id(e->hwpt), BASE, e->npages * PAGE,
			    e->marks, ret_nr);
}

/*
 * The first page where @map differs from "exactly @pages set": its index,
 * or -1 when they agree.
 */
static long diff(const uint64_t *map, uint64_t npages, const uint64_t *pages, size_t n)
{
	for (uint64_t p = 0; p < npages; p++) {
		bool want = false;

		for (size_t i = 0; i < n && !want; i++)
			want = pages[i] == p;
		if (bit(map, p) != want)
			return (long)p;
	}
	return -1;
}

/* Reads [BASE, +npages) into e->bits (cleared first). */
static int read_bits(struct env *e, uint32_t flags)
{
	memset(e->bits, 0, words(e->npages) * 8);
	return iommufd_hwpt_get_dirty_bitmap(e->hwpt, BASE, e->npages * PAGE, PAGE, e->bits,
					     flags);
}

static int read_chunked(struct env *e, uint32_t flags, uint64_t chunk)
{
	memset(e->bits, 0, words(e->npages) * 8);
	return iommufd_hwpt_get_dirty_bitmap_chunked(e->hwpt, BASE, e->npages * PAGE, PAGE,
						     e->bits, flags, chunk);
}

#define CHECK_BITS(e, pages, n, what)							\
	do {										\
		long d_ = diff((e)->bits, (e)->npages, pages, n);			\
		CHECK(d_ < 0, "%s: page %ld is %s", what, d_,				\
		      d_ >= 0 && bit((e)->bits, (uint64_t)d_) ? "dirty, but was not marked" \
							      : "clean, but was marked"); \
	} while (0)

/* ---- tests ------------------------------------------------------------------ */

static void test_bitmap(struct vmt_case *t)
{
	static const uint64_t pages[] = { 0, 1, 5, 63, 64, 100, 200, 255 };
	const size_t n = sizeof(pages) / sizeof(pages[0]);
	uint64_t nr = 0;
	struct env e;

	if (!env_setup(t, &e, 256))
		goto out;
	/* Tracking off: the mock refuses to mark (its own check). */
	CHECK_RC(mark(&e, pages, n, &nr), -EINVAL);
	CHECK_RC(iommufd_hwpt_set_dirty_tracking(e.hwpt, true), 0);
	/* Nothing written yet: nothing dirty, with or without clearing. */
	CHECK_RC(read_bits(&e, IOMMUFD_DIRTY_NO_CLEAR), 0);
	CHECK_BITS(&e, pages, 0, "before any write (NO_CLEAR)");
	CHECK_RC(read_bits(&e, 0), 0);
	CHECK_BITS(&e, pages, 0, "before any write");

	CHECK_RC(mark(&e, pages, n, &nr), 0);
	CHECK(nr == n, "the DIRTY op marked %llu pages, not %zu", (unsigned long long)nr, n);
	/* NO_CLEAR: the same bits, twice. */
	CHECK_RC(read_bits(&e, IOMMUFD_DIRTY_NO_CLEAR), 0);
	CHECK_BITS(&e, pages, n, "first NO_CLEAR read");
	CHECK_RC(read_bits(&e, IOMMUFD_DIRTY_NO_CLEAR), 0);
	CHECK_BITS(&e, pages, n, "second NO_CLEAR read");
	/* A clearing read returns them and leaves nothing behind. */
	CHECK_RC(read_bits(&e, 0), 0);
	CHECK_BITS(&e, pages, n, "clearing read");
	CHECK_RC(read_bits(&e, 0), 0);
	CHECK_BITS(&e, pages, 0, "read after the clearing read");

	/* The kernel only sets bits: one the caller left set stays set. */
	CHECK_RC(mark(&e, pages, 1, NULL), 0);
	memset(e.bits, 0, words(e.npages) * 8);
	set_bit(e.bits, 77);
	CHECK_RC(iommufd_hwpt_get_dirty_bitmap(e.hwpt, BASE, e.npages * PAGE, PAGE, e.bits, 0),
		 0);
	CHECK(bit(e.bits, 77) && bit(e.bits, pages[0]),
	      "stale caller bit 77 %d, dirty page %llu %d", bit(e.bits, 77),
	      (unsigned long long)pages[0], bit(e.bits, pages[0]));

	/* A sub-range: bit 0 stands for its first page. */
	CHECK_RC(mark(&e, pages, n, NULL), 0);
	memset(e.bits, 0, words(e.npages) * 8);
	CHECK_RC(iommufd_hwpt_get_dirty_bitmap(e.hwpt, BASE + 64 * PAGE, 64 * PAGE, PAGE, e.bits,
					       0), 0);
	CHECK(e.bits[0] == (1ull | 1ull << 36),
	      "pages 64..127 read as 0x%llx, expected bits 0 and 36 (pages 64 and 100)",
	      (unsigned long long)e.bits[0]);
	/* The rest is still dirty: the sub-range read cleared only its own. */
	CHECK_RC(read_bits(&e, 0), 0);
	{
		static const uint64_t rest[] = { 0, 1, 5, 63, 200, 255 };

		CHECK_BITS(&e, rest, 6, "after clearing pages 64..127");
	}

	/* Off and on again: the switch works both ways. */
	CHECK_RC(iommufd_hwpt_set_dirty_tracking(e.hwpt, false), 0);
	CHECK_RC(mark(&e, pages, n, NULL), -EINVAL);
	CHECK_RC(iommufd_hwpt_set_dirty_tracking(e.hwpt, true), 0);
	/* The library's own argument checks, before the kernel. */
	CHECK_RC(iommufd_hwpt_get_dirty_bitmap(e.hwpt, BASE, e.npages * PAGE, 2048, e.bits, 0),
		 -EINVAL);
	CHECK_RC(iommufd_hwpt_get_dirty_bitmap(e.hwpt, BASE + 1, PAGE, PAGE, e.bits, 0), -EINVAL);
	CHECK_RC(iommufd_hwpt_get_dirty_bitmap(e.hwpt, BASE, PAGE, PAGE, e.bits, 0x80), -EINVAL);
	vmt_note("HWPT %u: %zu marked pages read back exactly (NO_CLEAR twice, then clearing), "
		 "then none", iommufd_hwpt_get_id(e.hwpt), n);
out:
	env_teardown(&e);
}

static void test_chunked(struct vmt_case *t)
{
	/* Pages on both sides of chunk boundaries, and the last one. */
	static const uint64_t pages[] = { 0, 63, 64, 127, 128, 300, 511, 512, 777, 999 };
	const size_t n = sizeof(pages) / sizeof(pages[0]);
	const uint64_t npages = 1000;	/* 15 whole chunks and a 40-page tail */
	uint64_t *one = NULL;
	struct env e;

	if (!env_setup(t, &e, npages))
		goto out;
	one = calloc(words(npages), 8);
	CHECK(one != NULL, "out of memory");
	CHECK_RC(iommufd_hwpt_set_dirty_tracking(e.hwpt, true), 0);
	CHECK_RC(mark(&e, pages, n, NULL), 0);

	/* One call over the whole range, then in 64-page chunks: the same bits. */
	CHECK_RC(read_bits(&e, IOMMUFD_DIRTY_NO_CLEAR), 0);
	CHECK_BITS(&e, pages, n, "one NO_CLEAR call");
	memcpy(one, e.bits, words(npages) * 8);
	CHECK_RC(read_chunked(&e, IOMMUFD_DIRTY_NO_CLEAR, CHUNK_PAGES * PAGE), 0);
	CHECK(memcmp(one, e.bits, words(npages) * 8) == 0,
	      "chunked and single-call reads differ");
	CHECK_BITS(&e, pages, n, "chunked NO_CLEAR, 64-page chunks");
	/* A chunk that is not a multiple of 64 pages is rounded down: still the same. */
	CHECK_RC(read_chunked(&e, IOMMUFD_DIRTY_NO_CLEAR, 300 * PAGE), 0);
	CHECK_BITS(&e, pages, n, "chunked NO_CLEAR, 300-page chunk (256 used)");
	/* Chunked with clearing: the bits once, then nothing. */
	CHECK_RC(read_chunked(&e, 0, CHUNK_PAGES * PAGE), 0);
	CHECK_BITS(&e, pages, n, "chunked clearing read");
	CHECK_RC(read_bits(&e, IOMMUFD_DIRTY_NO_CLEAR), 0);
	CHECK_BITS(&e, pages, 0, "single read after the chunked clearing read");
	/* Below 64 pages no chunk is possible: the library refuses. */
	CHECK_RC(read_chunked(&e, 0, 63 * PAGE), -EINVAL);
	vmt_note("%llu pages in chunks of 64 (16 kernel calls): %zu marked pages, same bits "
		 "as one call", (unsigned long long)npages, n);
out:
	free(one);
	env_teardown(&e);
}

static void test_no_dirty_device(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	static char marker_byte;
	struct iommufd_hwpt *marker = (struct iommufd_hwpt *)(void *)&marker_byte;
	struct iommufd_hwpt *h = marker;
	struct iommufd_device *nd = NULL;
	uint32_t nstdev = 0, other = 0, before, after, used = 0;
	struct env e;

	if (!env_setup(t, &e, 16))
		goto out;
	/* The capable device says so in its hw info... */
	CHECK_RC(iommufd_device_get_hw_info(e.dev, NULL, 0, &info), 0);
	CHECK(info.capabilities & IOMMUFD_HW_CAP_DIRTY_TRACKING,
	      "the dirty-capable mock reports capabilities 0x%llx",
	      (unsigned long long)info.capabilities);
	/* ...a device made without dirty support does not. */
	if (!vmt_mock_device(t, e.ctx, iommufd_ioas_get_id(e.ioas), ST_MOCK_DEV_NO_DIRTY, &nstdev,
			     &nd))
		goto out;
	CHECK_RC(iommufd_device_get_hw_info(nd, NULL, 0, &info), 0);
	CHECK(!(info.capabilities & IOMMUFD_HW_CAP_DIRTY_TRACKING),
	      "the no-dirty mock reports capabilities 0x%llx",
	      (unsigned long long)info.capabilities);

	/* It cannot be put on the dirty-tracking HWPT (the mock driver's EINVAL). */
	CHECK_RC(vmt_st_replace(e.fd, nstdev, iommufd_hwpt_get_id(e.hwpt), &used), -EINVAL);
	CHECK_RC(vmt_st_pasid_check(e.fd, nstdev, 0, iommufd_hwpt_get_id(e.hwpt)),
		 vmt_kernel_version() >= VMT_KV(7, 0, 0) ? -EINVAL : -EOPNOTSUPP);
	/* Nor made on it. */
	CHECK_RC(vmt_st_mock_domain(e.fd, iommufd_hwpt_get_id(e.hwpt), ST_MOCK_DEV_NO_DIRTY,
				    &other, NULL, NULL), -EINVAL);

	/* And a dirty-tracking HWPT for it is refused, not downgraded. */
	before = vmt_next_free_id(e.ctx);
	vmt_log_reset();
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), nd, &o, &h), -EOPNOTSUPP);
	CHECK(h == marker, "ret_hwpt written on failure");
	CHECK(vmt_log_has("dirty") || vmt_log_has("DIRTY"),
	      "the log does not say dirty tracking was refused: '%s'", vmt_log_last());
	after = vmt_next_free_id(e.ctx);
	CHECK(before && after == before, "the next object ID moved from %u to %u: something "
	      "was allocated", before, after);
	vmt_note("no-dirty mock %u: replace onto dirty HWPT %u EINVAL, MOCK_DOMAIN on it EINVAL, "
		 "DIRTY_TRACKING alloc EOPNOTSUPP (next ID %u unchanged)",
		 iommufd_device_get_id(nd), iommufd_hwpt_get_id(e.hwpt), after);
out:
	if (other)
		vmt_destroy(e.fd, other);
	if (nstdev)
		vmt_destroy(e.fd, nstdev);
	iommufd_device_unref(nd);
	env_teardown(&e);
}

/* QEMU's IOMMUs cannot track dirty pages: refused with EOPNOTSUPP, never downgraded. */
static void test_refused(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	struct iommufd_probe p = { .sz = sizeof(p) };
	static char marker_byte;
	struct iommufd_hwpt *marker = (struct iommufd_hwpt *)(void *)&marker_byte;
	struct iommufd_hwpt *h = marker;
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	uint32_t before, after;
	int rc;

	if (!vmt_need_iommufd(t))
		goto out;
	rc = vmt_ctx_new(&ctx);
	CHECK(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc));
	if (!vmt_edu_bind(t, ctx, &dev))
		goto out;
	CHECK_RC(iommufd_ioas_alloc(ctx, &ioas), 0);
	CHECK_RC(iommufd_device_get_hw_info(dev, NULL, 0, &info), 0);
	CHECK(!(info.capabilities & IOMMUFD_HW_CAP_DIRTY_TRACKING),
	      "the %s IOMMU claims dirty tracking (capabilities 0x%llx)", vmt_machine(),
	      (unsigned long long)info.capabilities);
	before = vmt_next_free_id(ctx);
	vmt_log_reset();
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas), dev, &o, &h), -EOPNOTSUPP);
	CHECK(h == marker, "ret_hwpt written on failure");
	CHECK(iommufd_device_get_pt(dev) == NULL,
	      "the refused request attached the device (a downgrade to the plain path)");
	after = vmt_next_free_id(ctx);
	CHECK(before && after == before, "the next object ID moved from %u to %u", before, after);
	CHECK(vmt_log_has("dirty") || vmt_log_has("DIRTY"),
	      "the log does not say dirty tracking was refused: '%s'", vmt_log_last());
	/* The probe says the same. */
	CHECK_RC(iommufd_device_probe(dev, &p), 0);
	CHECK(p.dirty_tracking.support == IOMMUFD_FEATURE_NO_IOMMU &&
	      p.dirty_tracking.err == -EOPNOTSUPP, "probe: %s",
	      vmt_verdict("dirty_tracking", p.dirty_tracking));
	vmt_note("edu on %s: DIRTY_TRACKING EOPNOTSUPP, nothing allocated, not attached; %s",
		 vmt_machine(), vmt_verdict("dirty_tracking", p.dirty_tracking));
out:
	iommufd_device_unref(dev);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 4);
	vmt_run("dirty-bitmap", test_bitmap);
	vmt_run("dirty-chunked", test_chunked);
	vmt_run("dirty-no-dirty-device", test_no_dirty_device);
	vmt_run("dirty-refused", test_refused);
	return vmt_end();
}
