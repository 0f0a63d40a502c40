// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The rest of the IOAS and context uAPI on real kernels: memfd mappings
 * (IOAS_MAP_FILE), copies between IOASes, allowed IOVA ranges, the per-IOAS
 * huge-page option, the per-context memory accounting mode, moving the
 * accounting to another process (IOAS_CHANGE_PROCESS) and the VFIO compat
 * IOAS.
 *
 * Each mapping is proven, not just accepted: on the mock machine the
 * selftest MD_CHECK_MAP op compares what the mock domain of an attached
 * mock device maps with the pages behind a user address; on vtd/amd/virtio
 * QEMU's edu device DMAs through the IOMMU and the bytes are compared. On
 * the noiommu machine (7.3+) edu is a noiommu device: its IOAS is a real
 * IOAS whose software domain holds the pinned pages, so each IOVA's
 * physical address (iommufd_ioas_noiommu_get_pa()) must be the one
 * /proc/self/pagemap gives for the page behind the user address, and edu
 * then DMAs to those physical addresses (where they are below its 28-bit
 * limit) and the bytes are compared. Pages enter that domain at attach:
 * before it, GET_PA finds no domain (EOPNOTSUPP); a noiommu device reserves
 * no IOVA, so a range an IOMMU would reserve can be allowed.
 *
 * Kernel facts asserted here (6.12 and 7.2 sources, io_pagetable.c,
 * ioas.c, vfio_compat.c): allowed ranges steer only the IOVAs the kernel
 * picks (a fixed map outside them is accepted) and keep devices from
 * reserving inside them (EADDRINUSE); the huge-page option cannot be
 * switched off once a domain maps pages (EINVAL); the accounting mode
 * belongs to one context and cannot change once it has objects (EBUSY);
 * CHANGE_PROCESS refuses a context with a mapping of user memory (EINVAL);
 * the compat IOAS is gone when none is set or it was destroyed (ENODEV).
 * Commands 6.12 lacks (MAP_FILE, CHANGE_PROCESS) are skips quoting the
 * probe, after checking the library passes the kernel's ENOTTY on.
 */
#define _GNU_SOURCE
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vmtest.h"

#define PAGE 4096ull
#define MIB (1ull << 20)
#define RW (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)

/* ---- environment: an IOAS with a device on it --------------------------------- */

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *edu;	/* vtd/amd/virtio, noiommu */
	struct vmt_edu e;
	bool noiommu;			/* edu is a noiommu device: DMA to physical addresses */
	unsigned int dma_made, dma_beyond;	/* noiommu: edu DMAs made, not made (>= 256 MiB) */
	uint32_t stdev, mock_hwpt;	/* mock machine */
	int fd;
	uint64_t base;			/* a free IOVA with 16 MiB of room, below 256 MiB */
	struct iommufd_probe probe;
};

/* Attach a mock device (mock machine) or edu (the others; noiommu: its noiommu cdev). */
static bool attach_something(struct vmt_case *t, struct env *e, struct iommufd_ioas *ioas,
			     uint32_t *ret_stdev, uint32_t *ret_hwpt)
{
	int rc;

	if (vmt_machine_is("mock")) {
		rc = vmt_st_mock_domain(e->fd, iommufd_ioas_get_id(ioas), 0, ret_stdev, ret_hwpt,
					NULL);
		return REQUIRE(rc == 0, "selftest MOCK_DOMAIN: %s", vmt_errname(rc));
	}
	if (!e->edu) {
		char err[256];

		if (e->noiommu ? !vmt_noiommu_bind(t, e->ctx, &e->edu) :
				 !vmt_edu_bind(t, e->ctx, &e->edu))
			return false;
		rc = vmt_edu_open(&e->e, iommufd_device_get_fd(e->edu), err, sizeof(err));
		if (!REQUIRE(rc == 0, "edu: %s", err))
			return false;
	}
	rc = iommufd_device_attach(e->edu, iommufd_ioas_as_pt(ioas));
	return REQUIRE(rc == 0, "attach edu to IOAS %u: %s (%s)", iommufd_ioas_get_id(ioas),
		       vmt_errname(rc), vmt_log_last());
}

static bool env_setup(struct vmt_case *t, struct env *e, bool attach)
{
	int rc;

	memset(e, 0, sizeof(*e));
	e->e.fd = -1;
	if (!vmt_need_iommufd(t))
		return false;
	e->noiommu = vmt_machine_is("noiommu");
	if (!vmt_machine_is("mock") && !vmt_machine_has_edu() && !e->noiommu) {
		vmt_skip_(t, "unknown machine '%s'", vmt_machine());
		return false;
	}
	rc = vmt_ctx_new(&e->ctx);
	if (!REQUIRE(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc)))
		return false;
	e->fd = iommufd_ctx_get_fd(e->ctx);
	rc = vmt_ctx_probe(e->ctx, &e->probe);
	if (!REQUIRE(rc == 0, "iommufd_ctx_probe: %s", vmt_errname(rc)))
		return false;
	rc = iommufd_ioas_alloc(e->ctx, &e->ioas);
	if (!REQUIRE(rc == 0, "iommufd_ioas_alloc: %s", vmt_errname(rc)))
		return false;
	if (attach && !attach_something(t, e, e->ioas, &e->stdev, &e->mock_hwpt))
		return false;
	/* Mock: inside its aperture (16 MiB..2 GiB); edu: below its 256 MiB (noiommu: any). */
	return REQUIRE(vmt_pick_iova(e->ioas, 32 * MIB, 16 * MIB, &e->base),
		       "no free 16 MiB IOVA window below 256 MiB");
}

static void env_teardown(struct env *e)
{
	if (e->stdev)
		vmt_destroy(e->fd, e->stdev);
	vmt_edu_close(&e->e);
	iommufd_device_unref(e->edu);
	iommufd_ioas_unref(e->ioas);
	iommufd_ctx_unref(e->ctx);
}

/*
 * The address edu's DMA engine is given for @iova of @ioas: the IOVA behind
 * an IOMMU; on noiommu the physical address of its page, false when that is
 * beyond edu's 28-bit reach (or has none: then the errno in @ret_rc).
 */
static bool dma_addr(struct env *e, struct iommufd_ioas *ioas, uint64_t iova, uint64_t *ret,
		     int *ret_rc)
{
	uint64_t len = 0;

	*ret_rc = 0;
	if (!e->noiommu) {
		*ret = iova;
		return true;
	}
	*ret_rc = iommufd_ioas_noiommu_get_pa(ioas, iova, PAGE, ret, &len);
	return !*ret_rc && *ret + PAGE <= VMT_EDU_DMA_LIMIT;
}

/*
 * Whatever is attached to @ioas reads @len bytes at @iova and they equal
 * @va's: MD_CHECK_MAP of @mock_hwpt on the mock, an edu DMA into its buffer
 * and back out to @out (a mapped scratch page at @out_iova) elsewhere. On
 * noiommu, first every page's physical address against pagemap's
 * (vmt_noiommu_check_map()), then the same DMA to physical addresses when
 * both pages are in edu's reach (counted in dma_made or dma_beyond).
 * 0, or -errno/-EIO.
 */
static int device_sees(struct env *e, struct iommufd_ioas *ioas, uint32_t mock_hwpt,
		       uint64_t iova, const void *va, uint64_t len, void *out, uint64_t out_iova)
{
	uint64_t src = iova, dst = out_iova;
	int rc;

	if (vmt_machine_is("mock"))
		return vmt_st_check_map(e->fd, mock_hwpt, iova, len, va);
	if (e->noiommu) {
		rc = vmt_noiommu_check_map(ioas, iova, len, va, NULL);
		if (rc)
			return rc;
		if (!dma_addr(e, ioas, iova, &src, &rc) || !dma_addr(e, ioas, out_iova, &dst, &rc)) {
			e->dma_beyond++;
			return rc;
		}
		e->dma_made++;
	}
	if (len > VMT_EDU_DMA_LEN)
		len = VMT_EDU_DMA_LEN;
	memset(out, 0, len);
	rc = vmt_edu_dma(&e->e, src, 0, (uint32_t)len, false);
	if (!rc)
		rc = vmt_edu_dma(&e->e, dst, 0, (uint32_t)len, true);
	if (!rc && memcmp(out, va, len))
		rc = -EIO;
	return rc;
}

/* noiommu: how many of the DMA checks edu could make (free-form note). */
static void note_noiommu_dma(const struct env *e)
{
	if (e->noiommu)
		vmt_note("noiommu: %u edu DMA round trips to physical addresses, %u not made (a"
			 " page at or above 256 MiB: pagemap compared only)", e->dma_made,
			 e->dma_beyond);
}

/* ---- memfd mappings ----------------------------------------------------------- */

static int new_memfd(size_t len, void **ret_va)
{
	int fd = (int)syscall(SYS_memfd_create, "vm-uapi", 0);
	void *va;

	if (fd < 0)
		return -errno;
	if (ftruncate(fd, (off_t)len)) {
		close(fd);
		return -errno;
	}
	va = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (va == MAP_FAILED) {
		close(fd);
		return -errno;
	}
	*ret_va = va;
	return fd;
}

static void test_map_file(struct vmt_case *t)
{
	const size_t flen = 2 * MIB;
	void *va = NULL, *scratch = NULL;
	uint64_t iova = 0, fixed, unmapped = 0, sc_iova;
	int mfd = -1, rc;
	struct env e;

	if (!env_setup(t, &e, true))
		goto out;
	mfd = new_memfd(flen, &va);
	CHECK(mfd >= 0, "memfd: %s", vmt_errname(mfd));
	vmt_fill(va, flen, 0x3e3e);
	if (e.probe.map_file.support != IOMMUFD_FEATURE_SUPPORTED) {
		rc = iommufd_ioas_map_file(e.ioas, mfd, 0, flen, RW, &iova);
		CHECK(rc == e.probe.map_file.err, "map_file = %s, the probe said %s",
		      vmt_errname(rc), vmt_verdict("map_file", e.probe.map_file));
		CHECK(vmt_log_has("6.13"), "the log does not say when it came: '%s'",
		      vmt_log_last());
		vmt_skip_probe(t, "map_file", e.probe.map_file, "kernel %s (IOAS_MAP_FILE: %s)",
			       vmt_kernel_release(), vmt_errname(rc));
		goto out;
	}
	/* A scratch page edu writes back to (user memory, for the DMA check). */
	scratch = vmt_pages(PAGE);
	sc_iova = e.base + 8 * MIB;
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, scratch, PAGE, sc_iova, RW), 0);

	/* The whole file at an IOVA the kernel picks. */
	CHECK_RC(iommufd_ioas_map_file(e.ioas, mfd, 0, flen, RW, &iova), 0);
	CHECK(iova != 0 && !(iova & (PAGE - 1)), "map_file chose IOVA 0x%llx",
	      (unsigned long long)iova);
	if (!vmt_machine_is("mock")) {
		/* edu cannot reach IOVAs above 256 MiB: map it again where it can. */
		uint64_t u = 0;

		CHECK_RC(iommufd_ioas_unmap(e.ioas, iova, flen, 0, &u), 0);
		iova = e.base;
		CHECK_RC(iommufd_ioas_map_file_fixed(e.ioas, mfd, 0, flen, iova, RW), 0);
	}
	CHECK_RC(device_sees(&e, e.ioas, e.mock_hwpt, iova, va, flen, scratch, sc_iova), 0);
	/* A slice at a fixed IOVA: offset 1 MiB + 64 KiB of the file, 64 KiB long. */
	fixed = e.base + 4 * MIB;
	CHECK_RC(iommufd_ioas_map_file_fixed(e.ioas, mfd, MIB + 16 * PAGE, 16 * PAGE, fixed, RW),
		 0);
	CHECK_RC(device_sees(&e, e.ioas, e.mock_hwpt, fixed, (char *)va + MIB + 16 * PAGE, 16 * PAGE,
			     scratch, sc_iova), 0);
	/* The check tells pages apart: the slice is not the file's start. */
	CHECK(device_sees(&e, e.ioas, e.mock_hwpt, fixed, va, 16 * PAGE, scratch, sc_iova) != 0,
	      "the file's first pages also match at the slice's IOVA");
	/* Overlap: EEXIST. */
	CHECK_RC(iommufd_ioas_map_file_fixed(e.ioas, mfd, 0, 16 * PAGE, fixed + 8 * PAGE, RW),
		 -EEXIST);
	/* The kernel holds the file: closing ours changes nothing. */
	close(mfd);
	mfd = -1;
	vmt_fill(va, flen, 0x4f4f);
	CHECK_RC(device_sees(&e, e.ioas, e.mock_hwpt, iova, va, flen, scratch, sc_iova), 0);
	if (!vmt_machine_is("mock")) {
		/*
		 * And a device write lands in the file's pages. Behind an IOMMU
		 * edu's buffer holds the first bytes of the file from the last
		 * check; a noiommu edu reads them again from the file's first page,
		 * if both pages are in its reach.
		 */
		uint64_t src = iova, dst = iova + PAGE;

		if (!e.noiommu || (dma_addr(&e, e.ioas, iova, &src, &rc) &&
				   dma_addr(&e, e.ioas, iova + PAGE, &dst, &rc))) {
			memset((char *)va + PAGE, 0, VMT_EDU_DMA_LEN);
			if (e.noiommu) {
				e.dma_made++;
				CHECK_RC(vmt_edu_dma(&e.e, src, 0, VMT_EDU_DMA_LEN, false), 0);
			}
			CHECK_RC(vmt_edu_dma(&e.e, dst, 0, VMT_EDU_DMA_LEN, true), 0);
			CHECK(memcmp((char *)va + PAGE, va, VMT_EDU_DMA_LEN) == 0,
			      "the DMA into the memfd did not land in its pages");
		} else {
			CHECK(rc == 0, "GET_PA of the file's first pages: %s", vmt_errname(rc));
			e.dma_beyond++;
		}
	}
	CHECK_RC(iommufd_ioas_unmap(e.ioas, fixed, 16 * PAGE, 0, &unmapped), 0);
	CHECK(unmapped == 16 * PAGE, "unmapped %llu", (unsigned long long)unmapped);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, iova, flen, 0, &unmapped), 0);
	CHECK(unmapped == flen, "unmapped %llu", (unsigned long long)unmapped);
	/* Library checks: no fd, no length. */
	CHECK_RC(iommufd_ioas_map_file(e.ioas, -1, 0, PAGE, RW, &iova), -EINVAL);
	CHECK_RC(iommufd_ioas_map_file(e.ioas, 0, 0, 0, RW, &iova), -EINVAL);
	vmt_note("memfd of 2 MiB mapped (kernel IOVA, fixed slice), %s after closing the fd",
		 vmt_machine_is("mock") ? "MD_CHECK_MAP" : e.noiommu ?
		 "GET_PA = pagemap page by page, edu DMA to physical addresses" :
		 "edu DMA both ways");
	note_noiommu_dma(&e);
out:
	if (mfd >= 0)
		close(mfd);
	if (va)
		munmap(va, flen);
	vmt_pages_free(scratch, PAGE);
	env_teardown(&e);
}

/* ---- IOAS copy ---------------------------------------------------------------- */

static void test_copy(struct vmt_case *t)
{
	const uint64_t len = 16 * PAGE;
	struct iommufd_ioas *b = NULL;
	uint32_t bstdev = 0, bhwpt = 0;
	uint64_t src, dst, unmapped = 0, sc_iova;
	void *buf = NULL, *scratch = NULL;
	struct env e;

	/* A has the mapping; the device sits on B, which gets it by copy. */
	if (!env_setup(t, &e, false))
		goto out;
	CHECK_RC(iommufd_ioas_alloc(e.ctx, &b), 0);
	if (!attach_something(t, &e, b, &bstdev, &bhwpt))
		goto out;
	CHECK(vmt_pick_iova(b, 32 * MIB, 16 * MIB, &dst), "no IOVA window in B");
	src = e.base + 2 * MIB;
	buf = vmt_pages(len);
	scratch = vmt_pages(PAGE);
	CHECK(buf && scratch, "out of memory");
	vmt_fill(buf, len, 0xc0b1);
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, buf, len, src, RW), 0);
	sc_iova = dst + 8 * MIB;
	CHECK_RC(iommufd_ioas_map_fixed(b, scratch, PAGE, sc_iova, RW), 0);
	/* Nothing at dst in B yet. */
	CHECK(device_sees(&e, b, bhwpt, dst, buf, PAGE, scratch, sc_iova) != 0,
	      "B maps the pages before the copy");

	CHECK_RC(iommufd_ioas_copy(b, dst, e.ioas, src, len, RW), 0);
	CHECK_RC(device_sees(&e, b, bhwpt, dst, buf, len, scratch, sc_iova), 0);
	/* The same pages, not a snapshot. */
	vmt_fill(buf, len, 0xc0b2);
	CHECK_RC(device_sees(&e, b, bhwpt, dst, buf, len, scratch, sc_iova), 0);
	/* A part of a mapping copies too (the second half, to its own IOVA). */
	CHECK_RC(iommufd_ioas_copy(b, dst + MIB, e.ioas, src + len / 2, len / 2, RW), 0);
	CHECK_RC(device_sees(&e, b, bhwpt, dst + MIB, (char *)buf + len / 2, len / 2, scratch,
			     sc_iova), 0);
	/* Kernel refusals: nothing mapped at the source; destination taken. */
	CHECK_RC(iommufd_ioas_copy(b, dst + 2 * MIB, e.ioas, src + MIB, len, RW), -ENOENT);
	CHECK_RC(iommufd_ioas_copy(b, dst + PAGE, e.ioas, src, len, RW), -EEXIST);
	/* Within one IOAS. */
	CHECK_RC(iommufd_ioas_copy(e.ioas, src + MIB, e.ioas, src, len, RW), 0);
	/* The copy is a mapping of B: its own length, its own unmap. */
	CHECK_RC(iommufd_ioas_unmap(b, dst, len, 0, &unmapped), 0);
	CHECK(unmapped == len, "unmap of the copy: %llu bytes", (unsigned long long)unmapped);
	CHECK(device_sees(&e, b, bhwpt, dst, buf, PAGE, scratch, sc_iova) != 0,
	      "B still maps the pages after unmapping the copy");
	/* A's mapping is untouched. */
	CHECK_RC(iommufd_ioas_unmap(e.ioas, src, len, 0, &unmapped), 0);
	CHECK(unmapped == len, "unmap of the source: %llu", (unsigned long long)unmapped);
	vmt_note("IOAS %u -> IOAS %u: copy seen by the %s, partial copy, ENOENT/EEXIST, "
		 "unmapped on its own", iommufd_ioas_get_id(e.ioas), iommufd_ioas_get_id(b),
		 vmt_machine_is("mock") ? "mock domain (MD_CHECK_MAP)" : e.noiommu ?
		 "noiommu domain (GET_PA = pagemap, edu DMA)" : "edu (DMA)");
	note_noiommu_dma(&e);
out:
	if (bstdev)
		vmt_destroy(e.fd, bstdev);
	if (e.edu)
		iommufd_device_detach(e.edu);
	iommufd_ioas_unref(b);
	vmt_pages_free(buf, len);
	vmt_pages_free(scratch, PAGE);
	env_teardown(&e);
}

/* ---- allowed IOVAs ------------------------------------------------------------ */

/*
 * A range the device of this machine reserves: below the mock aperture,
 * x86's MSI window (behind an IOMMU; a noiommu device reserves nothing).
 */
static struct iommufd_iova_range reserved_by_device(void)
{
	if (vmt_machine_is("mock"))
		return (struct iommufd_iova_range){ .start = ST_MOCK_APERTURE_START - MIB,
						    .last = ST_MOCK_APERTURE_START + MIB - 1 };
	return (struct iommufd_iova_range){ .start = 0xfe000000ull, .last = 0xfeffffffull };
}

static void test_allow_iovas(struct vmt_case *t)
{
	struct iommufd_iova_range r[2], clash = reserved_by_device();
	struct iommufd_ioas *fresh = NULL;
	uint64_t iova = 0, out = 0, u = 0;
	uint32_t st = 0, hw = 0;
	void *buf = NULL;
	struct env e;
	int rc;

	if (!env_setup(t, &e, true))
		goto out;
	buf = vmt_pages(2 * MIB);
	CHECK(buf != NULL, "out of memory");
	r[0] = (struct iommufd_iova_range){ .start = e.base, .last = e.base + MIB - 1 };
	CHECK_RC(iommufd_ioas_allow_iovas(e.ioas, r, 1), 0);
	/* Nothing may reserve inside it now (the selftest stands in for a device). */
	if (vmt_machine_is("mock"))
		CHECK_RC(vmt_st_add_reserved(e.fd, iommufd_ioas_get_id(e.ioas), r[0].start + PAGE,
					     PAGE), -EADDRINUSE);
	/* The kernel picks IOVAs inside the allowed range... */
	CHECK_RC(iommufd_ioas_map(e.ioas, buf, 16 * PAGE, RW, &iova), 0);
	CHECK(iova >= r[0].start && iova + 16 * PAGE - 1 <= r[0].last,
	      "auto IOVA 0x%llx outside [0x%llx, 0x%llx]", (unsigned long long)iova,
	      (unsigned long long)r[0].start, (unsigned long long)r[0].last);
	/* ...and finds no room for more than it holds. */
	CHECK_RC(iommufd_ioas_map(e.ioas, buf, 2 * MIB, RW, &out), -ENOSPC);
	/* A fixed IOVA outside is the caller's choice: the kernel accepts it. */
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, buf, 16 * PAGE, e.base + 4 * MIB, RW), 0);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base + 4 * MIB, 16 * PAGE, 0, &u), 0);
	/* A range over what the attached device reserves: EADDRINUSE. */
	r[1] = clash;
	if (e.noiommu) {
		/* No IOMMU, no MSI window: allowed (then the old list again). */
		CHECK_RC(iommufd_ioas_allow_iovas(e.ioas, &r[1], 1), 0);
		CHECK_RC(iommufd_ioas_allow_iovas(e.ioas, r, 1), 0);
	} else {
		CHECK_RC(iommufd_ioas_allow_iovas(e.ioas, &r[1], 1), -EADDRINUSE);
	}
	/* Malformed lists: overlapping (kernel), a one-byte range (kernel), reversed (library). */
	r[1] = (struct iommufd_iova_range){ .start = e.base + PAGE, .last = e.base + 2 * MIB };
	CHECK_RC(iommufd_ioas_allow_iovas(e.ioas, r, 2), -EINVAL);
	r[1] = (struct iommufd_iova_range){ .start = e.base + 8 * MIB, .last = e.base + 8 * MIB };
	CHECK_RC(iommufd_ioas_allow_iovas(e.ioas, &r[1], 1), -EINVAL);
	r[1] = (struct iommufd_iova_range){ .start = e.base + 8 * MIB, .last = e.base };
	CHECK_RC(iommufd_ioas_allow_iovas(e.ioas, &r[1], 1), -EINVAL);
	CHECK_RC(iommufd_ioas_allow_iovas(e.ioas, NULL, 1), -EINVAL);
	/* The refused calls kept the old list: still no room for 2 MiB. */
	CHECK_RC(iommufd_ioas_map(e.ioas, buf, 2 * MIB, RW, &out), -ENOSPC);
	/* Count 0: anything again. */
	CHECK_RC(iommufd_ioas_allow_iovas(e.ioas, NULL, 0), 0);
	CHECK_RC(iommufd_ioas_map(e.ioas, buf, 2 * MIB, RW, &out), 0);

	/* A device whose reserved range is allowed cannot attach. */
	CHECK_RC(iommufd_ioas_alloc(e.ctx, &fresh), 0);
	CHECK_RC(iommufd_ioas_allow_iovas(fresh, &clash, 1), 0);
	if (e.noiommu) {
		/* A noiommu device reserves nothing there: replace and attach both work. */
		rc = iommufd_device_replace(e.edu, iommufd_ioas_as_pt(fresh));
		CHECK(rc == 0, "noiommu edu replace onto an IOAS allowing [0x%llx, 0x%llx]: %s (%s)",
		      (unsigned long long)clash.start, (unsigned long long)clash.last,
		      vmt_errname(rc), vmt_log_last());
		CHECK(iommufd_device_get_pt(e.edu) == iommufd_ioas_as_pt(fresh),
		      "the replace did not move edu");
		CHECK_RC(iommufd_device_detach(e.edu), 0);
		rc = iommufd_device_attach(e.edu, iommufd_ioas_as_pt(fresh));
		CHECK(rc == 0, "noiommu edu attach to an IOAS allowing [0x%llx, 0x%llx]: %s (%s)",
		      (unsigned long long)clash.start, (unsigned long long)clash.last,
		      vmt_errname(rc), vmt_log_last());
		CHECK(iommufd_device_get_pt(e.edu) == iommufd_ioas_as_pt(fresh),
		      "the attach did not attach edu");
		/* And it maps there: the range no IOMMU machine could use. */
		CHECK_RC(iommufd_ioas_map_fixed(fresh, buf, 16 * PAGE, clash.start, RW), 0);
		CHECK_RC(vmt_noiommu_check_map(fresh, clash.start, 16 * PAGE, buf, NULL), 0);
	} else if (vmt_machine_is("mock")) {
		rc = vmt_st_mock_domain(e.fd, iommufd_ioas_get_id(fresh), 0, &st, &hw, NULL);
		CHECK(rc == -EADDRINUSE, "mock device on an IOAS allowing its reserved range: %s",
		      vmt_errname(rc));
	} else {
		rc = iommufd_device_replace(e.edu, iommufd_ioas_as_pt(fresh));
		CHECK(rc == -EADDRINUSE, "edu replace onto an IOAS allowing its reserved range: %s",
		      vmt_errname(rc));
		CHECK(iommufd_device_get_pt(e.edu) == iommufd_ioas_as_pt(e.ioas),
		      "the failed replace moved edu");
		CHECK_RC(iommufd_device_detach(e.edu), 0);
		rc = iommufd_device_attach(e.edu, iommufd_ioas_as_pt(fresh));
		CHECK(rc == -EADDRINUSE, "edu attach to an IOAS allowing its reserved range: %s",
		      vmt_errname(rc));
		CHECK(iommufd_device_get_pt(e.edu) == NULL, "the failed attach attached edu");
	}
	vmt_note("allowed [0x%llx, 0x%llx]: auto IOVA 0x%llx inside, 2 MiB ENOSPC, fixed "
		 "outside accepted; [0x%llx, 0x%llx] %s",
		 (unsigned long long)r[0].start, (unsigned long long)r[0].last,
		 (unsigned long long)iova, (unsigned long long)clash.start,
		 (unsigned long long)clash.last, e.noiommu ?
		 "allowed, attached to and mapped (noiommu: nothing reserved)" :
		 "EADDRINUSE both ways");
out:
	if (st)
		vmt_destroy(e.fd, st);
	iommufd_ioas_unref(fresh);
	vmt_pages_free(buf, 2 * MIB);
	env_teardown(&e);
}

/* ---- huge pages --------------------------------------------------------------- */

static void test_huge_pages(struct vmt_case *t)
{
	struct iommufd_ioas *ioas2 = NULL;
	uint32_t st = 0, hw = 0;
	bool on = false;
	void *buf = NULL;
	struct env e;

	if (!env_setup(t, &e, false))
		goto out;
	buf = vmt_pages(16 * PAGE);
	CHECK(buf != NULL, "out of memory");
	CHECK_RC(iommufd_ioas_get_huge_pages(e.ioas, &on), 0);
	CHECK(on, "huge pages are off on a new IOAS");
	CHECK_RC(iommufd_ioas_set_huge_pages(e.ioas, false), 0);
	CHECK_RC(iommufd_ioas_get_huge_pages(e.ioas, &on), 0);
	CHECK(!on, "still on after switching off");
	CHECK_RC(iommufd_ioas_set_huge_pages(e.ioas, true), 0);
	CHECK_RC(iommufd_ioas_get_huge_pages(e.ioas, &on), 0);
	CHECK(on, "still off after switching on");
	/* Mapped but with no domain: still free to change. */
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, buf, 16 * PAGE, e.base, RW), 0);
	CHECK_RC(iommufd_ioas_set_huge_pages(e.ioas, false), 0);
	CHECK_RC(iommufd_ioas_set_huge_pages(e.ioas, true), 0);
	if (e.noiommu) {
		uint64_t pa = 0, len = 0;

		/* No domain holds the pages yet: nothing to ask for an address. */
		CHECK_RC(iommufd_ioas_noiommu_get_pa(e.ioas, e.base, PAGE, &pa, &len), -EOPNOTSUPP);
	}
	/* Mapped into a domain: it can no longer be switched off (EINVAL), on is fine. */
	if (!attach_something(t, &e, e.ioas, &st, &hw))
		goto out;
	if (e.noiommu)	/* the attach put the mapped pages into the noiommu domain */
		CHECK_RC(vmt_noiommu_check_map(e.ioas, e.base, 16 * PAGE, buf, NULL), 0);
	CHECK_RC(iommufd_ioas_set_huge_pages(e.ioas, false), -EINVAL);
	CHECK_RC(iommufd_ioas_get_huge_pages(e.ioas, &on), 0);
	CHECK(on, "the refused switch changed the option");
	CHECK_RC(iommufd_ioas_set_huge_pages(e.ioas, true), 0);
	/* A domain but no mapping: allowed again. */
	CHECK_RC(iommufd_ioas_unmap_all(e.ioas, NULL), 0);
	CHECK_RC(iommufd_ioas_set_huge_pages(e.ioas, false), 0);
	CHECK_RC(iommufd_ioas_get_huge_pages(e.ioas, &on), 0);
	CHECK(!on, "off with a domain and no mappings did not stick");
	/* The option is per IOAS. */
	CHECK_RC(iommufd_ioas_alloc(e.ctx, &ioas2), 0);
	CHECK_RC(iommufd_ioas_get_huge_pages(ioas2, &on), 0);
	CHECK(on, "another IOAS sees the option switched off");
	vmt_note("huge pages: on by default, off/on freely until a domain maps pages "
		 "(then off is EINVAL), per IOAS%s", e.noiommu ? "; noiommu: GET_PA EOPNOTSUPP "
		 "before the attach, the mapped pages' addresses after it" : "");
out:
	if (st)
		vmt_destroy(e.fd, st);
	iommufd_ioas_unref(ioas2);
	vmt_pages_free(buf, 16 * PAGE);
	env_teardown(&e);
}

/* ---- accounting mode ---------------------------------------------------------- */

/* In a child: drop CAP_SYS_RESOURCE and try to set the mode. Exit code = -rc. */
static int child_without_cap_sys_resource(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];
	struct iommufd_ctx *c = NULL;
	int rc;

	if (syscall(SYS_capget, &h, d))
		return 100;
	d[CAP_SYS_RESOURCE / 32].effective &= ~(1u << (CAP_SYS_RESOURCE % 32));
	if (syscall(SYS_capset, &h, d))
		return 101;
	if (iommufd_ctx_new(NULL, &c))
		return 102;
	rc = iommufd_ctx_set_rlimit_mode(c, IOMMUFD_RLIMIT_PER_PROCESS);
	iommufd_ctx_unref(c);
	return -rc;
}

static void test_rlimit_mode(struct vmt_case *t)
{
	struct iommufd_ctx *other = NULL;
	struct iommufd_ioas *io = NULL;
	uint64_t iova = 0;
	uint32_t mode = 99;
	void *buf = NULL;
	int status = 0;
	pid_t pid;
	struct env e;

	if (!env_setup(t, &e, false))
		goto out;
	/* The IOAS of env_setup is an object: this context cannot change any more. */
	CHECK_RC(iommufd_ctx_get_rlimit_mode(e.ctx, &mode), 0);
	CHECK(mode == IOMMUFD_RLIMIT_PER_USER, "default mode %u", mode);
	CHECK_RC(iommufd_ctx_set_rlimit_mode(e.ctx, IOMMUFD_RLIMIT_PER_PROCESS), -EBUSY);
	/* A fresh context (root has CAP_SYS_RESOURCE). */
	CHECK_RC(vmt_ctx_new(&other), 0);
	CHECK_RC(iommufd_ctx_set_rlimit_mode(other, IOMMUFD_RLIMIT_PER_PROCESS), 0);
	CHECK_RC(iommufd_ctx_get_rlimit_mode(other, &mode), 0);
	CHECK(mode == IOMMUFD_RLIMIT_PER_PROCESS, "mode %u after setting per-process", mode);
	CHECK_RC(iommufd_ctx_set_rlimit_mode(other, IOMMUFD_RLIMIT_PER_USER), 0);
	CHECK_RC(iommufd_ctx_set_rlimit_mode(other, IOMMUFD_RLIMIT_PER_PROCESS), 0);
	/* It is the context's mode, not the system's. */
	CHECK_RC(iommufd_ctx_get_rlimit_mode(e.ctx, &mode), 0);
	CHECK(mode == IOMMUFD_RLIMIT_PER_USER, "another context's mode changed to %u", mode);
	/* Mapping works in it; with the IOAS gone the mode can change again. */
	buf = vmt_pages(16 * PAGE);
	CHECK(buf != NULL, "out of memory");
	CHECK_RC(iommufd_ioas_alloc(other, &io), 0);
	CHECK_RC(iommufd_ioas_map(io, buf, 16 * PAGE, RW, &iova), 0);
	CHECK_RC(iommufd_ctx_set_rlimit_mode(other, IOMMUFD_RLIMIT_PER_USER), -EBUSY);
	io = iommufd_ioas_unref(io);
	CHECK_RC(iommufd_ctx_set_rlimit_mode(other, IOMMUFD_RLIMIT_PER_USER), 0);
	/* Unknown modes: the library refuses them. */
	CHECK_RC(iommufd_ctx_set_rlimit_mode(other, 2), -EINVAL);
	/* Without CAP_SYS_RESOURCE: EPERM. */
	pid = fork();
	CHECK(pid >= 0, "fork: %s", vmt_errname(errno));
	if (pid == 0)
		_exit(child_without_cap_sys_resource());
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status), "child status 0x%x", status);
	CHECK(WEXITSTATUS(status) == EPERM, "set_rlimit_mode without CAP_SYS_RESOURCE: exit %d "
	      "(%s)", WEXITSTATUS(status), vmt_errname(WEXITSTATUS(status)));
	vmt_note("rlimit mode: per-user by default, per context, EBUSY once the context has "
		 "objects, EPERM without CAP_SYS_RESOURCE");
out:
	iommufd_ioas_unref(io);
	iommufd_ctx_unref(other);
	vmt_pages_free(buf, 16 * PAGE);
	env_teardown(&e);
}

/* ---- change process ----------------------------------------------------------- */

static void test_change_process(struct vmt_case *t)
{
	const size_t flen = MIB;
	void *va = NULL, *buf = NULL;
	uint64_t u = 0, uiova = 0;
	int mfd = -1, rc, status = 0;
	pid_t pid;
	struct env e;

	if (!env_setup(t, &e, true))
		goto out;
	if (e.probe.change_process.support != IOMMUFD_FEATURE_SUPPORTED) {
		rc = iommufd_ctx_change_process(e.ctx);
		CHECK(rc == e.probe.change_process.err, "change_process = %s, the probe said %s",
		      vmt_errname(rc), vmt_verdict("change_process", e.probe.change_process));
		vmt_skip_probe(t, "change_process", e.probe.change_process,
			       "kernel %s (IOAS_CHANGE_PROCESS: %s)", vmt_kernel_release(),
			       vmt_errname(rc));
		goto out;
	}
	/* Nothing mapped: nothing to move. */
	CHECK_RC(iommufd_ctx_change_process(e.ctx), 0);
	mfd = new_memfd(flen, &va);
	CHECK(mfd >= 0, "memfd: %s", vmt_errname(mfd));
	CHECK_RC(iommufd_ioas_map_file_fixed(e.ioas, mfd, 0, flen, e.base, RW), 0);
	/* Only file mappings: they move. */
	CHECK_RC(iommufd_ctx_change_process(e.ctx), 0);
	/* A mapping of this process's memory cannot move: EINVAL, and the log says why. */
	buf = vmt_pages(16 * PAGE);
	CHECK_RC(iommufd_ioas_map(e.ioas, buf, 16 * PAGE, RW, &uiova), 0);
	vmt_log_reset();
	CHECK_RC(iommufd_ctx_change_process(e.ctx), -EINVAL);
	CHECK(vmt_log_has("user address"), "the log does not say why: '%s'", vmt_log_last());
	CHECK_RC(iommufd_ioas_unmap(e.ioas, uiova, 16 * PAGE, 0, &u), 0);
	/* A new process (a live update's successor) takes the accounting over. */
	pid = fork();
	CHECK(pid >= 0, "fork: %s", vmt_errname(errno));
	if (pid == 0) {
		struct iommufd_ctx *c = NULL;
		int r = iommufd_ctx_new_from_fd(iommufd_ctx_get_fd(e.ctx), IOMMUFD_ADOPT_BORROW, NULL, &c);

		if (!r)
			r = iommufd_ctx_change_process(c);
		iommufd_ctx_unref(c);
		_exit(-r);
	}
	CHECK(waitpid(pid, &status, 0) == pid && WIFEXITED(status), "child status 0x%x", status);
	CHECK(WEXITSTATUS(status) == 0, "change_process in the child: %s",
	      vmt_errname(WEXITSTATUS(status)));
	/* And back to us; the mapping is intact throughout. */
	CHECK_RC(iommufd_ctx_change_process(e.ctx), 0);
	if (vmt_machine_is("mock")) {
		vmt_fill(va, flen, 0x77);
		CHECK_RC(vmt_st_check_map(e.fd, e.mock_hwpt, e.base, flen, va), 0);
	} else if (e.noiommu) {
		/* The memfd's pages, still where the domain maps them. */
		vmt_fill(va, flen, 0x77);
		CHECK_RC(vmt_noiommu_check_map(e.ioas, e.base, flen, va, NULL), 0);
	}
	CHECK_RC(iommufd_ioas_unmap(e.ioas, e.base, flen, 0, &u), 0);
	CHECK(u == flen, "unmapped %llu", (unsigned long long)u);
	vmt_note("change_process: 0 empty, 0 with a memfd mapping, EINVAL with user memory, "
		 "0 in a forked successor and back");
out:
	if (mfd >= 0)
		close(mfd);
	if (va)
		munmap(va, flen);
	vmt_pages_free(buf, 16 * PAGE);
	env_teardown(&e);
}

/* ---- VFIO compat IOAS ----------------------------------------------------------- */

static void test_vfio_compat(struct vmt_case *t)
{
	struct iommufd_ioas *b = NULL;
	uint32_t id = 0, aid;
	struct env e;

	if (!env_setup(t, &e, false))
		goto out;
	aid = iommufd_ioas_get_id(e.ioas);
	/* None set: the kernel's ENODEV. */
	CHECK_RC(iommufd_ctx_get_vfio_compat_ioas(e.ctx, &id), -ENODEV);
	CHECK(id == 0, "ret_ioas_id written on failure");
	CHECK_RC(iommufd_ctx_set_vfio_compat_ioas(e.ctx, e.ioas), 0);
	CHECK_RC(iommufd_ctx_get_vfio_compat_ioas(e.ctx, &id), 0);
	CHECK(id == aid, "compat IOAS %u, expected %u", id, aid);
	CHECK_RC(iommufd_ioas_alloc(e.ctx, &b), 0);
	CHECK_RC(iommufd_ctx_set_vfio_compat_ioas(e.ctx, b), 0);
	CHECK_RC(iommufd_ctx_get_vfio_compat_ioas(e.ctx, &id), 0);
	CHECK(id == iommufd_ioas_get_id(b), "compat IOAS %u after setting %u", id,
	      iommufd_ioas_get_id(b));
	CHECK_RC(iommufd_ctx_clear_vfio_compat_ioas(e.ctx), 0);
	CHECK_RC(iommufd_ctx_get_vfio_compat_ioas(e.ctx, &id), -ENODEV);
	/* Clearing twice is fine. */
	CHECK_RC(iommufd_ctx_clear_vfio_compat_ioas(e.ctx), 0);
	/* The compat IOAS going away clears it. */
	CHECK_RC(iommufd_ctx_set_vfio_compat_ioas(e.ctx, b), 0);
	b = iommufd_ioas_unref(b);
	CHECK_RC(iommufd_ctx_get_vfio_compat_ioas(e.ctx, &id), -ENODEV);
	vmt_note("compat IOAS: ENODEV when none, set/get %u, replaced, cleared, gone with "
		 "its IOAS", aid);
out:
	iommufd_ioas_unref(b);
	env_teardown(&e);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 7);
	vmt_run("map-file", test_map_file);
	vmt_run("ioas-copy", test_copy);
	vmt_run("allow-iovas", test_allow_iovas);
	vmt_run("huge-pages", test_huge_pages);
	vmt_run("rlimit-mode", test_rlimit_mode);
	vmt_run("change-process", test_change_process);
	vmt_run("vfio-compat", test_vfio_compat);
	return vmt_end();
}
