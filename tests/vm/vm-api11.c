// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The 1.1 calls on real kernels (issue 10 items 2, 3, 4, 6).
 *
 * - vIOMMU data out and mmap (mock, 7.x): the selftest vIOMMU echoes its
 *   input into the output data and into the first word of a two-page
 *   region of the iommufd; the library hands the output back from a
 *   read-only input, mmaps exactly that region and reads the word; the
 *   kernel refuses the vIOMMU's destroy while mapped.
 * - dirty tracking of a whole IOAS (mock): two dirty-tracking HWPTs, each
 *   with its own mock device; the DIRTY op marks different pages in each and
 *   the IOAS-wide read returns their OR bit for bit; a set whose last HWPT
 *   does not exist is rolled back (the mock then refuses to mark: tracking
 *   is off again); read-then-unmap returns the bits and unmaps.
 * - dma-buf (mock, 7.x with the selftest's dma-buf ops): a mock dma-buf
 *   mapped into an IOAS; revoked by the selftest op, a new map fails with
 *   ENODEV explained; un-revoked, the remap at the same IOVA works.
 * - noiommu (machine "noiommu", 7.3): edu bound through its noiommu cdev,
 *   found as noiommu by discovery; a buffer mapped; the physical address
 *   from iommufd_ioas_noiommu_get_pa() given to edu's DMA engine, which
 *   copies bytes RAM -> device -> RAM, byte-checked.
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vmtest.h"

#define PAGE 4096ull
#define BASE ST_MOCK_APERTURE_START

/* ---- raw selftest commands this program needs ----------------------------- */

struct st_raw {
	uint32_t size, op, id, reserved;
	uint32_t a, b;
	uint8_t pad[64 - 24];
	uint32_t last;
	uint32_t pad2;
};
_Static_assert(sizeof(struct st_raw) == 72, "st_raw");

static int st_raw(int fd, uint32_t op, uint32_t a, uint32_t b)
{
	struct st_raw c = { .size = sizeof(c), .op = op, .a = a, .b = b };
	int rc = ioctl(fd, ST_TEST_CMD, &c);

	return rc < 0 ? -errno : rc;
}

/* The dma-buf fds this process holds (anon inodes named dmabuf). */
static int dmabuf_fds(int *fds, int room)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char path[300], link[128];
		ssize_t len;

		snprintf(path, sizeof(path), "/proc/self/fd/%s", de->d_name);
		len = readlink(path, link, sizeof(link) - 1);
		if (len <= 0)
			continue;
		link[len] = 0;
		if (strstr(link, "dmabuf") && n < room)
			fds[n++] = atoi(de->d_name);
	}
	closedir(d);
	return n;
}

/*
 * A selftest dma-buf of @len bytes: 7.2 returns its fd, 7.3 installs it
 * and returns 0 (see docs/kernel-quirks.md): then it is the new dmabuf fd.
 */
static int st_dmabuf_get(int fd, uint32_t len, int *ret_fd)
{
	int before[64], after[64], nb = dmabuf_fds(before, 64), na, rc;

	rc = st_raw(fd, ST_OP_DMABUF_GET, len, O_RDWR | O_CLOEXEC);
	if (rc < 0)
		return rc;
	if (rc > 0) {
		*ret_fd = rc;
		return 0;
	}
	na = dmabuf_fds(after, 64);
	for (int i = 0; i < na; i++) {
		bool old = false;

		for (int j = 0; j < nb; j++)
			old = old || before[j] == after[i];
		if (!old) {
			*ret_fd = after[i];
			return 0;
		}
	}
	return -ENOENT;
}

/* ---- common: a mock device on an IOAS ------------------------------------- */

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev[2];
	uint32_t stdev[2];
	int fd;
	void *buf;
	uint64_t npages;
};

static bool env_setup(struct vmt_case *t, struct env *e, int ndev, uint64_t npages)
{
	int rc;

	memset(e, 0, sizeof(*e));
	e->npages = npages;
	if (!vmt_need_iommufd(t))
		return false;
	if (!vmt_machine_is("mock")) {
		vmt_skip_(t, "mock devices are tested on the mock machine");
		return false;
	}
	rc = vmt_ctx_new(&e->ctx);
	if (!REQUIRE(rc == 0, "ctx: %s", vmt_errname(rc)))
		return false;
	e->fd = iommufd_ctx_get_fd(e->ctx);
	rc = iommufd_ioas_alloc(e->ctx, &e->ioas);
	if (!REQUIRE(rc == 0, "ioas: %s", vmt_errname(rc)))
		return false;
	rc = iommufd_ioas_set_huge_pages(e->ioas, false);
	if (!REQUIRE(rc == 0, "base pages: %s", vmt_errname(rc)))
		return false;
	if (npages) {
		e->buf = vmt_pages(npages * PAGE);
		rc = iommufd_ioas_map_fixed(e->ioas, e->buf, npages * PAGE, BASE,
					    IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);
		if (!REQUIRE(rc == 0, "map: %s", vmt_errname(rc)))
			return false;
	}
	for (int i = 0; i < ndev; i++)
		if (!vmt_mock_device(t, e->ctx, iommufd_ioas_get_id(e->ioas), 0, &e->stdev[i],
				     &e->dev[i]))
			return false;
	return true;
}

static void env_teardown(struct env *e)
{
	for (int i = 0; i < 2; i++) {
		if (e->stdev[i])
			vmt_destroy(e->fd, e->stdev[i]);
		iommufd_device_unref(e->dev[i]);
	}
	iommufd_ioas_unref(e->ioas);
	iommufd_ctx_unref(e->ctx);
	if (e->buf)
		vmt_pages_free(e->buf, e->npages * PAGE);
}

/* ---- item 4: vIOMMU output data and mmap ---------------------------------- */

static void test_viommu_out_mmap(struct vmt_case *t)
{
	/* const and static: in .rodata, where a kernel write would fault. */
	static const struct iommufd_selftest_viommu_data in = { .in_data = 0xcafe1234 };
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, np, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_selftest_viommu_data out;
	LIBIOMMUFD_OPTS(iommufd_viommu_opts, vo, .data = &in, .data_len = sizeof(in),
			.out_data = &out);
	struct iommufd_hwpt *parent = NULL;
	struct iommufd_viommu *viommu = NULL;
	uint64_t off = 0, len = 0;
	size_t maplen = 0;
	void *addr = NULL;
	struct env e;
	int rc;

	memset(&out, 0, sizeof(out));
	if (!env_setup(t, &e, 1, 0))
		goto out;
	if (vmt_kernel_version() < VMT_KV(6, 17, 0))
		SKIP("kernel %s: vIOMMU data and iommufd mmap are 6.17+", vmt_kernel_release());
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), e.dev[0], &np, &parent), 0);
	rc = iommufd_viommu_alloc(parent, e.dev[0], IOMMUFD_VIOMMU_SELFTEST, &vo, &viommu);
	CHECK(rc == 0, "selftest vIOMMU from read-only data: %s (%s)", vmt_errname(rc),
	      vmt_log_last());
	CHECK(out.out_data == in.in_data, "out_data 0x%x, the kernel echoes 0x%x",
	      out.out_data, in.in_data);
	CHECK(out.out_mmap_length == 2 * PAGE, "out_mmap_length 0x%llx, expected two pages",
	      (unsigned long long)out.out_mmap_length);
	CHECK_RC(iommufd_viommu_get_mmap_region(viommu, &off, &len), 0);
	CHECK(off == out.out_mmap_offset && len == out.out_mmap_length,
	      "region 0x%llx+0x%llx, output 0x%llx+0x%llx", (unsigned long long)off,
	      (unsigned long long)len, (unsigned long long)out.out_mmap_offset,
	      (unsigned long long)out.out_mmap_length);
	rc = iommufd_viommu_mmap(viommu, PROT_READ | PROT_WRITE, &addr, &maplen);
	CHECK(rc == 0, "mmap: %s (%s)", vmt_errname(rc), vmt_log_last());
	CHECK(maplen == 2 * PAGE, "mapped 0x%zx bytes", maplen);
	CHECK(*(volatile uint32_t *)addr == in.in_data,
	      "the region's first word is 0x%x, the kernel wrote 0x%x",
	      *(volatile uint32_t *)addr, in.in_data);
	/* The kernel's own refusal while mapped, through the raw destroy. */
	CHECK_RC(vmt_destroy(e.fd, iommufd_viommu_get_id(viommu)), -EBUSY);
	CHECK_RC(iommufd_viommu_destroy(viommu), -EBUSY);
	CHECK_RC(iommufd_viommu_munmap(viommu), 0);
	CHECK_RC(iommufd_viommu_destroy(viommu), 0);
	viommu = NULL;
	vmt_note("selftest vIOMMU: out_data 0x%x, region 0x%llx+0x%llx, word read 0x%x",
		 out.out_data, (unsigned long long)off, (unsigned long long)len, in.in_data);
out:
	iommufd_viommu_unref(viommu);
	iommufd_hwpt_unref(parent);
	env_teardown(&e);
}

/* ---- item 6: dirty tracking of every HWPT of an IOAS ---------------------- */

static void set_bit64(uint64_t *map, uint64_t i)
{
	map[i / 64] |= 1ull << (i % 64);
}

/* The DIRTY op marks the first mock (2 KiB) page of each CPU page in @pages. */
static int mark(struct env *e, struct iommufd_hwpt *h, const uint64_t *pages, size_t n)
{
	uint64_t marks[2 * 256 / 64] = { 0 }, nr = 0;

	for (size_t i = 0; i < n; i++)
		set_bit64(marks, 2 * pages[i]);
	return vmt_st_dirty(e->fd, iommufd_hwpt_get_id(h), BASE, e->npages * PAGE, marks, &nr);
}

static void test_dirty_ioas(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	static const uint64_t pa[] = { 0, 3, 64, 200 }, pb[] = { 3, 5, 127, 255 };
	struct iommufd_hwpt *h[3] = { NULL, NULL, NULL };
	uint64_t bits[4], want[4] = { 0 }, unmapped = 0;
	uint32_t used;
	struct env e;

	if (!env_setup(t, &e, 2, 256))
		goto out;
	for (int i = 0; i < 2; i++) {
		CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), e.dev[i], &o, &h[i]), 0);
		CHECK_RC(vmt_st_replace(e.fd, e.stdev[i], iommufd_hwpt_get_id(h[i]), &used), 0);
	}
	/* Rollback: the third HWPT of the set does not exist in the kernel. */
	CHECK_RC(iommufd_hwpt_new_from_id(e.ctx, vmt_next_free_id(e.ctx),
					  IOMMUFD_HWPT_DIRTY_TRACKING, IOMMUFD_ADOPT_BORROW,
					  &h[2]), 0);
	CHECK_RC(iommufd_hwpts_set_dirty_tracking(h, 3, true), -ENOENT);
	CHECK_RC(mark(&e, h[0], pa, 4), -EINVAL);	/* off again: the mock refuses */
	CHECK_RC(mark(&e, h[1], pb, 4), -EINVAL);

	/* The whole IOAS: both HWPTs on, their bits ORed. */
	CHECK_RC(iommufd_ioas_set_dirty_tracking(e.ioas, true), 0);
	CHECK_RC(mark(&e, h[0], pa, 4), 0);
	CHECK_RC(mark(&e, h[1], pb, 4), 0);
	for (int i = 0; i < 4; i++) {
		set_bit64(want, pa[i]);
		set_bit64(want, pb[i]);
	}
	memset(bits, 0, sizeof(bits));
	CHECK_RC(iommufd_ioas_get_dirty_bitmap(e.ioas, BASE, 256 * PAGE, PAGE, bits,
					       IOMMUFD_DIRTY_NO_CLEAR), 0);
	CHECK(!memcmp(bits, want, sizeof(bits)), "OR of both HWPTs: %016llx %016llx %016llx"
	      " %016llx, expected %016llx %016llx %016llx %016llx",
	      (unsigned long long)bits[0], (unsigned long long)bits[1],
	      (unsigned long long)bits[2], (unsigned long long)bits[3],
	      (unsigned long long)want[0], (unsigned long long)want[1],
	      (unsigned long long)want[2], (unsigned long long)want[3]);
	/* The same through the set call; then clearing reads leave nothing. */
	memset(bits, 0, sizeof(bits));
	CHECK_RC(iommufd_hwpts_get_dirty_bitmap(h, 2, BASE, 256 * PAGE, PAGE, bits, 0), 0);
	CHECK(!memcmp(bits, want, sizeof(bits)), "set read differs from the IOAS read");
	memset(bits, 0, sizeof(bits));
	CHECK_RC(iommufd_ioas_get_dirty_bitmap(e.ioas, BASE, 256 * PAGE, PAGE, bits, 0), 0);
	CHECK(!bits[0] && !bits[1] && !bits[2] && !bits[3], "bits left after a clearing read");

	/* Read, then unmap: page 7 written by the second device only. */
	CHECK_RC(mark(&e, h[1], (const uint64_t[]){ 7 }, 1), 0);
	memset(bits, 0, sizeof(bits));
	CHECK_RC(iommufd_ioas_unmap_dirty(e.ioas, BASE, 256 * PAGE, PAGE, bits, &unmapped), 0);
	CHECK(bits[0] == 1ull << 7 && !bits[1] && !bits[2] && !bits[3],
	      "unmap_dirty bits %016llx...", (unsigned long long)bits[0]);
	CHECK(unmapped == 256 * PAGE, "unmapped 0x%llx", (unsigned long long)unmapped);
	CHECK_RC(iommufd_ioas_set_dirty_tracking(e.ioas, false), 0);
out:
	if (e.stdev[0])
		vmt_st_replace(e.fd, e.stdev[0], iommufd_ioas_get_id(e.ioas), &used);
	if (e.stdev[1])
		vmt_st_replace(e.fd, e.stdev[1], iommufd_ioas_get_id(e.ioas), &used);
	for (int i = 0; i < 3; i++)
		iommufd_hwpt_unref(h[i]);
	env_teardown(&e);
}

/* ---- item 3: dma-buf map, revocation and remap (selftest dma-buf) ------- */

static void test_dmabuf_revoke(struct vmt_case *t)
{
	uint64_t iova = BASE + 0x100000;
	int dfd = -1, rc;
	struct env e;

	if (!env_setup(t, &e, 1, 0))
		goto out;
	rc = st_dmabuf_get(e.fd, 4 * PAGE, &dfd);
	if (rc < 0 && vmt_kernel_version() < VMT_KV(6, 19, 0))
		SKIP("kernel %s: no selftest dma-buf ops (%s)", vmt_kernel_release(),
		     vmt_errname(rc));
	CHECK(rc == 0, "selftest DMABUF_GET: %s", vmt_errname(rc));
	rc = iommufd_ioas_map_dmabuf(e.ioas, dfd, 0, 4 * PAGE, iova,
				     IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);
	CHECK(rc == 0, "map of the dma-buf: %s (%s)", vmt_errname(rc), vmt_log_last());
	CHECK_RC(iommufd_ioas_map_dmabuf(e.ioas, dfd, 0, PAGE, iova, IOMMUFD_MAP_READ), -EEXIST);
	/* Revoked: the kernel drops the IOMMU mapping; a new import is refused. */
	CHECK_RC(st_raw(e.fd, ST_OP_DMABUF_REVOKE, (uint32_t)dfd, 1), 0);
	vmt_log_reset();
	CHECK_RC(iommufd_ioas_map_dmabuf(e.ioas, dfd, 0, PAGE, iova + 0x100000,
					 IOMMUFD_MAP_READ), -ENODEV);
	CHECK(vmt_log_has("revoked"), "no explanation: %s", vmt_log_last());
	CHECK_RC(iommufd_ioas_remap_dmabuf(e.ioas, dfd, 0, 4 * PAGE, iova, IOMMUFD_MAP_READ),
		 -ENODEV);
	/* Back: the remap at the same IOVA works. */
	CHECK_RC(st_raw(e.fd, ST_OP_DMABUF_REVOKE, (uint32_t)dfd, 0), 0);
	rc = iommufd_ioas_remap_dmabuf(e.ioas, dfd, 0, 4 * PAGE, iova,
				       IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);
	CHECK(rc == 0, "remap after the revocation ended: %s (%s)", vmt_errname(rc),
	      vmt_log_last());
	CHECK_RC(iommufd_ioas_unmap(e.ioas, iova, 4 * PAGE, 0, NULL), 0);
out:
	if (dfd >= 0)
		close(dfd);
	env_teardown(&e);
}

/* ---- item 2: noiommu edu DMA to physical addresses ------------------------ */

static void test_noiommu_dma(struct vmt_case *t)
{
	struct iommufd_vfio_cdev **list = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_ioas *ioas = NULL, *empty = NULL;
	struct iommufd_ctx *ctx = NULL;
	struct vmt_edu edu = { .fd = -1 };
	const char *cdev = NULL;
	const size_t npages = 64;
	uint64_t src = 0, dst = 0, phys, len;
	long src_i = -1, dst_i = -1;
	uint8_t *buf = NULL;
	size_t count = 0;
	char err[256];
	int rc;

	if (!vmt_machine_is("noiommu"))
		SKIP("edu without an IOMMU is on the noiommu machine");
	if (!vmt_need_iommufd(t))
		goto out;
	CHECK_RC(vmt_ctx_new(&ctx), 0);
	CHECK_RC(iommufd_discover_list(ctx, &list, &count), 0);
	for (size_t i = 0; i < count; i++)
		if (list[i]->vendor == VMT_EDU_VENDOR && list[i]->device == VMT_EDU_DEVICE)
			cdev = list[i]->cdev_path;
	if (!cdev && vmt_kernel_version() < VMT_KV(7, 3, 0))
		SKIP("kernel %s: no noiommu cdevs (7.3+)", vmt_kernel_release());
	CHECK(cdev, "no edu among %zu VFIO cdevs", count);
	for (size_t i = 0; i < count; i++)
		if (list[i]->cdev_path == cdev)
			CHECK(list[i]->noiommu && strstr(cdev, "noiommu-"),
			      "%s: discovery says noiommu %d", cdev, list[i]->noiommu);
	rc = iommufd_device_bind_path(ctx, cdev, &dev);
	CHECK(rc == 0, "bind %s: %s (%s)", cdev, vmt_errname(rc), vmt_log_last());
	CHECK_RC(iommufd_ioas_alloc(ctx, &ioas), 0);
	CHECK_RC(iommufd_ioas_alloc(ctx, &empty), 0);
	buf = vmt_pages(npages * PAGE);
	CHECK(buf, "no memory");
	CHECK_RC(iommufd_ioas_map_fixed(ioas, buf, npages * PAGE, 0x100000,
					IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), 0);
	rc = iommufd_device_attach(dev, iommufd_ioas_as_pt(ioas));
	CHECK(rc == 0, "attach the noiommu device: %s (%s)", vmt_errname(rc), vmt_log_last());
	/* No noiommu device on this IOAS: it would translate, so no physical address. */
	CHECK_RC(iommufd_ioas_map_fixed(empty, buf, PAGE, 0x100000, IOMMUFD_MAP_READ), 0);
	vmt_log_reset();
	rc = iommufd_ioas_noiommu_get_pa(empty, 0x100000, PAGE, &phys, &len);
	CHECK(rc == -EOPNOTSUPP && vmt_log_has("translates"), "GET_PA without a noiommu"
	      " device: %s (%s)", vmt_errname(rc), vmt_log_last());
	/* Two pages below edu's 28-bit DMA limit, for source and destination. */
	for (size_t i = 0; i < npages && dst_i < 0; i++) {
		rc = iommufd_ioas_noiommu_get_pa(ioas, 0x100000 + i * PAGE, PAGE, &phys, &len);
		CHECK(rc == 0, "GET_PA page %zu: %s (%s)", i, vmt_errname(rc), vmt_log_last());
		CHECK(len == PAGE && !(phys & (PAGE - 1)), "page %zu: phys 0x%llx, %llu"
		      " contiguous bytes", i, (unsigned long long)phys, (unsigned long long)len);
		if (phys + PAGE > VMT_EDU_DMA_LIMIT)
			continue;
		if (src_i < 0) {
			src_i = (long)i;
			src = phys;
		} else {
			dst_i = (long)i;
			dst = phys;
		}
	}
	CHECK(dst_i >= 0, "no two of %zu pages below 256 MiB", npages);
	rc = vmt_edu_open(&edu, iommufd_device_get_fd(dev), err, sizeof(err));
	CHECK(rc == 0, "edu: %s", err);
	vmt_fill(buf + src_i * PAGE, VMT_EDU_DMA_LEN, 0x5eed);
	memset(buf + dst_i * PAGE, 0, PAGE);
	CHECK_RC(vmt_edu_dma(&edu, src, 0, VMT_EDU_DMA_LEN, false), 0);
	CHECK_RC(vmt_edu_dma(&edu, dst, 0, VMT_EDU_DMA_LEN, true), 0);
	CHECK(vmt_pattern_diff(buf + dst_i * PAGE, VMT_EDU_DMA_LEN, 0x5eed) < 0,
	      "edu copied phys 0x%llx -> device -> phys 0x%llx: byte %ld differs",
	      (unsigned long long)src, (unsigned long long)dst,
	      vmt_pattern_diff(buf + dst_i * PAGE, VMT_EDU_DMA_LEN, 0x5eed));
	vmt_note("noiommu: edu DMA RAM(phys 0x%llx, IOVA page %ld) -> device -> RAM(phys"
		 " 0x%llx, IOVA page %ld), %u bytes byte-checked", (unsigned long long)src,
		 src_i, (unsigned long long)dst, dst_i, VMT_EDU_DMA_LEN);
out:
	vmt_edu_close(&edu);
	if (dev)
		iommufd_device_detach(dev);
	iommufd_device_unref(dev);
	iommufd_ioas_unref(ioas);
	iommufd_ioas_unref(empty);
	iommufd_discover_list_free(list);
	iommufd_ctx_unref(ctx);
	if (buf)
		vmt_pages_free(buf, npages * PAGE);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 4);
	vmt_run("viommu-out-mmap", test_viommu_out_mmap);
	vmt_run("dirty-ioas-or-rollback-unmap", test_dirty_ioas);
	vmt_run("dmabuf-map-revoke-remap", test_dmabuf_revoke);
	vmt_run("noiommu-edu-dma-phys", test_noiommu_dma);
	return vmt_end();
}
