// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Peer-to-peer through dma-bufs (1.1): the VFIO DMA_BUF export of a BAR
 * range (the fd the ioctl returns), its map at a fixed IOVA, revocation
 * explained (ENODEV) and the remap that replaces the stale mapping, and the
 * memory-decode bit read from PCI config space (pread(2) wrapped).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "kernel-script.h"

#define IOAS_ID TEST_ENV_IOAS_ID
/* An open fd (/dev/null) at a number the scripted commands can name. */
#define DMABUF_FD 77
#define CFG_OFFSET 0x70000000000ull
/* All 64 bits used: a truncation to 32 would show. */
#define BIG_IOVA 0x0000123400000000ull

/* ---- pread(2) of PCI config space --------------------------------------- */

ssize_t __wrap_pread(int fd, void *buf, size_t count, off_t off);

static struct {
	int calls, fd;
	off_t off;
	size_t count;
	uint8_t bytes[2];
	ssize_t ret;
} pr;

ssize_t __wrap_pread(int fd, void *buf, size_t count, off_t off)
{
	pr.calls++;
	pr.fd = fd;
	pr.off = off;
	pr.count = count;
	if (pr.ret > 0)
		memcpy(buf, pr.bytes, (size_t)pr.ret < count ? (size_t)pr.ret : count);
	if (pr.ret < 0)
		errno = EIO;
	return pr.ret;
}

/* The shared test_env, and around it the dma-buf fd and a fresh pread(2). */
static int setup(void **state)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	memset(&pr, 0, sizeof(pr));
	assert_true(null >= 0);
	assert_int_equal(dup3(null, DMABUF_FD, O_CLOEXEC), DMABUF_FD);
	close(null);
	return test_env_setup(state);
}

static int teardown(void **state)
{
	int rc = test_env_teardown(state);

	close(DMABUF_FD);
	return rc;
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ==== export ============================================================== */

struct export_arg {
	struct kabi_vfio_device_feature hdr;
	struct kabi_vfio_device_feature_dma_buf buf;
	struct kabi_vfio_region_dma_range range;
};

static void check_export(const struct ks_entry *e, void *arg)
{
	const struct export_arg *a = arg;

	KS_EQ(e, "argsz", a->hdr.argsz, sizeof(*a));
	KS_EQ(e, "flags", a->hdr.flags, KABI_VFIO_DEVICE_FEATURE_GET | 11);
	KS_EQ(e, "region_index", a->buf.region_index, e->in[0]);
	KS_EQ(e, "open_flags", a->buf.open_flags, O_RDWR | O_CLOEXEC);
	KS_EQ(e, "flags", a->buf.flags, 0);
	KS_EQ(e, "nr_ranges", a->buf.nr_ranges, 1);
	KS_EQ(e, "offset", a->range.offset, e->in[1]);
	KS_EQ(e, "length", a->range.length, e->in[2]);
}

static struct ks_entry *expect_export(uint32_t bar, uint64_t offset, uint64_t length,
				      int ret_fd, int err)
{
	struct ks_entry *e = script_expect(KABI_VFIO_DEVICE_FEATURE, check_export, NULL, err);

	e->in[0] = bar;
	e->in[1] = offset;
	e->in[2] = length;
	e->ret = ret_fd;
	return e;
}

static void export_sends_one_range_and_returns_the_fd(void **state)
{
	struct test_env *f = *state;
	int fd = -1;

	expect_export(2, 0x0000000100000000ull, 0x200000, DMABUF_FD, 0)->fd =
		iommufd_device_get_fd(f->dev);
	assert_int_equal(iommufd_device_export_dmabuf(f->dev, 2, 0x0000000100000000ull,
						      0x200000, &fd), 0);
	assert_int_equal(fd, DMABUF_FD);
}

static void export_explains_the_kernel(void **state)
{
	static const struct {
		int err;
		const char *why;
	} cases[] = {
		{ ENOTTY, "6.19" }, { EOPNOTSUPP, "exports no dma-bufs" },
		{ ENODEV, "not a BAR" }, { EINVAL, "outside the BAR" }, { ENOMEM, "ENOMEM" },
	};
	struct test_env *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int fd = -1;

		log_reset();
		expect_export(0, 0, 4096, 0, cases[i].err);
		assert_int_equal(iommufd_device_export_dmabuf(f->dev, 0, 0, 4096, &fd),
				 -cases[i].err);
		assert_int_equal(fd, -1);
		assert_logged("DMA_BUF export of device 2 BAR 0", cases[i].why);
	}
}

static void export_rejects_bad_ranges_before_the_kernel(void **state)
{
	struct test_env *f = *state;
	int fd = -1;

	assert_int_equal(iommufd_device_export_dmabuf(NULL, 0, 0, 4096, &fd), -EINVAL);
	assert_int_equal(iommufd_device_export_dmabuf(f->dev, 0, 0, 4096, NULL), -EINVAL);
	assert_int_equal(iommufd_device_export_dmabuf(f->dev, 6, 0, 4096, &fd), -EINVAL);
	assert_logged("region 6", "BARs 0-5");
	assert_int_equal(iommufd_device_export_dmabuf(f->dev, 0, 0, 0, &fd), -EINVAL);
	assert_int_equal(iommufd_device_export_dmabuf(f->dev, 0, 100, 4096, &fd), -EINVAL);
	assert_int_equal(iommufd_device_export_dmabuf(f->dev, 0, 0, 4095, &fd), -EINVAL);
	assert_int_equal(iommufd_device_export_dmabuf(f->dev, 0, UINT64_MAX - 4095, 8192, &fd),
			 -EINVAL);
	assert_int_equal(fd, -1);
}

/* ==== map and remap ======================================================= */

#define RW (KABI_IOAS_MAP_READABLE | KABI_IOAS_MAP_WRITEABLE)

static void map_is_a_fixed_map_file(void **state)
{
	struct test_env *f = *state;

	expect_ioas_map_file(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | RW, DMABUF_FD, 0x1000, 0x4000,
			     BIG_IOVA, BIG_IOVA, 0);
	assert_int_equal(iommufd_ioas_map_dmabuf(f->ioas, DMABUF_FD, 0x1000, 0x4000, BIG_IOVA,
						 IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), 0);
	expect_ioas_map_file(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | KABI_IOAS_MAP_READABLE,
			     DMABUF_FD, 0, 0x1000, 0x10000, 0x10000, 0);
	assert_int_equal(iommufd_ioas_map_dmabuf(f->ioas, DMABUF_FD, 0, 0x1000, 0x10000,
						 IOMMUFD_MAP_READ), 0);
}

static void map_explains_revocation_and_the_rest(void **state)
{
	static const struct {
		int err;
		const char *why;
	} cases[] = {
		{ ENODEV, "revoked" }, { EOPNOTSUPP, "only VFIO PCI BARs" },
		{ EINVAL, "6.19" }, { EEXIST, "iommufd_ioas_remap_dmabuf" },
		{ ENOTTY, "6.13" }, { EBADF, "not an open file" },
	};
	struct test_env *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		log_reset();
		expect_ioas_map_file(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | KABI_IOAS_MAP_READABLE,
				     DMABUF_FD, 0, 0x1000, 0x10000, 0, cases[i].err);
		assert_int_equal(iommufd_ioas_map_dmabuf(f->ioas, DMABUF_FD, 0, 0x1000, 0x10000,
							 IOMMUFD_MAP_READ), -cases[i].err);
		assert_logged("dma-buf fd 77", cases[i].why);
	}
}

static void map_rejects_bad_arguments(void **state)
{
	struct test_env *f = *state;
	int closed = open("/dev/null", O_RDONLY | O_CLOEXEC);

	assert_int_equal(iommufd_ioas_map_dmabuf(NULL, DMABUF_FD, 0, 4096, 0, 1), -EINVAL);
	assert_int_equal(iommufd_ioas_map_dmabuf(f->ioas, -1, 0, 4096, 0, 1), -EINVAL);
	assert_int_equal(iommufd_ioas_map_dmabuf(f->ioas, DMABUF_FD, 0, 0, 0, 1), -EINVAL);
	assert_int_equal(iommufd_ioas_map_dmabuf(f->ioas, DMABUF_FD, 0, 4096, 0, 0), -EINVAL);
	assert_int_equal(iommufd_ioas_map_dmabuf(f->ioas, DMABUF_FD, 0, 4096, 0, 8), -EINVAL);
	assert_int_equal(iommufd_ioas_map_dmabuf(f->ioas, DMABUF_FD, 0, 4096, UINT64_MAX, 1),
			 -EINVAL);
	assert_int_equal(iommufd_ioas_remap_dmabuf(f->ioas, DMABUF_FD, UINT64_MAX, 4096, 0, 1),
			 -EINVAL);
	/* A closed fd: the caller's EBADF, said before the kernel. */
	assert_int_equal(close(closed), 0);
	assert_int_equal(iommufd_ioas_map_dmabuf(f->ioas, closed, 0, 4096, 0, 1), -EBADF);
	assert_logged("MAP_FILE of a dma-buf IOAS 3", "not an open file descriptor");
	assert_int_equal(iommufd_ioas_remap_dmabuf(f->ioas, closed, 0, 4096, 0, 1), -EBADF);
}

/* Issue 11 defect 1's rule, as for iommufd_ioas_map(): whole CPU pages. */
static void map_and_remap_refuse_misaligned_ranges(void **state)
{
	struct test_env *f = *state;
	const uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);

	for (int remap = 0; remap < 2; remap++) {
		int (*map)(struct iommufd_ioas *, int, uint64_t, uint64_t, uint64_t, uint32_t) =
			remap ? iommufd_ioas_remap_dmabuf : iommufd_ioas_map_dmabuf;

		log_reset();
		assert_int_equal(map(f->ioas, DMABUF_FD, pg / 2, pg, BIG_IOVA, 1), -EINVAL);
		assert_logged("dma-buf IOAS 3", "offset 0x", "not a multiple of the page size",
			      "EADDRINUSE");
		assert_int_equal(map(f->ioas, DMABUF_FD, 0, pg + 1, BIG_IOVA, 1), -EINVAL);
		assert_int_equal(map(f->ioas, DMABUF_FD, 0, pg, BIG_IOVA + 0x800, 1), -EINVAL);
		assert_logged("iova 0x1234000008", "not a multiple of the page size");
	}
}

static void remap_unmaps_the_stale_range_then_maps(void **state)
{
	struct test_env *f = *state;

	expect_ioas_unmap(IOAS_ID, BIG_IOVA, 0x4000, 0x4000, 0);
	expect_ioas_map_file(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | RW, DMABUF_FD, 0, 0x4000,
			     BIG_IOVA, BIG_IOVA, 0);
	assert_int_equal(iommufd_ioas_remap_dmabuf(f->ioas, DMABUF_FD, 0, 0x4000, BIG_IOVA,
						   IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), 0);
	/* Nothing mapped there any more: fine, it maps. */
	expect_ioas_unmap(IOAS_ID, BIG_IOVA, 0x4000, 0, ENOENT);
	expect_ioas_map_file(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | RW, DMABUF_FD, 0, 0x4000,
			     BIG_IOVA, BIG_IOVA, 0);
	assert_int_equal(iommufd_ioas_remap_dmabuf(f->ioas, DMABUF_FD, 0, 0x4000, BIG_IOVA,
						   IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), 0);
	/* Still revoked: the map says so. */
	expect_ioas_unmap(IOAS_ID, BIG_IOVA, 0x4000, 0x4000, 0);
	expect_ioas_map_file(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | RW, DMABUF_FD, 0, 0x4000,
			     BIG_IOVA, 0, ENODEV);
	assert_int_equal(iommufd_ioas_remap_dmabuf(f->ioas, DMABUF_FD, 0, 0x4000, BIG_IOVA,
						   IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE), -ENODEV);
	assert_logged("remap of a dma-buf IOAS 3", "revoked", "memory decode");
	/* A range that cuts another mapping: the unmap's error, no map. */
	expect_ioas_unmap(IOAS_ID, BIG_IOVA, 0x4000, 0, EBUSY);
	assert_int_equal(iommufd_ioas_remap_dmabuf(f->ioas, DMABUF_FD, 0, 0x4000, BIG_IOVA,
						   IOMMUFD_MAP_READ), -EBUSY);
}

/* ==== memory decode ======================================================= */

static void check_region_info(const struct ks_entry *e, void *arg)
{
	const struct kabi_vfio_region_info *info = arg;

	KS_EQ(e, "argsz", info->argsz, sizeof(*info));
	KS_EQ(e, "index", info->index, 7);
}

static void reply_region_info(const struct ks_entry *e, void *arg)
{
	struct kabi_vfio_region_info *info = arg;

	(void)e;
	info->size = 4096;
	info->offset = CFG_OFFSET;
}

static void memory_decode_reads_the_command_register(void **state)
{
	struct test_env *f = *state;
	bool on = false;

	script_expect(KABI_VFIO_DEVICE_GET_REGION_INFO, check_region_info, reply_region_info, 0);
	pr.ret = 2;
	pr.bytes[0] = 0x06;	/* MEMORY | MASTER, little endian */
	assert_int_equal(iommufd_device_get_memory_decode(f->dev, &on), 0);
	assert_true(on);
	assert_int_equal(pr.off, (off_t)(CFG_OFFSET + 4));
	assert_int_equal(pr.count, 2);
	assert_int_equal(pr.fd, iommufd_device_get_fd(f->dev));

	script_expect(KABI_VFIO_DEVICE_GET_REGION_INFO, check_region_info, reply_region_info, 0);
	pr.bytes[0] = 0x04;	/* MASTER only: decode off */
	pr.bytes[1] = 0x02;	/* a high byte bit that is not MEMORY */
	on = true;
	assert_int_equal(iommufd_device_get_memory_decode(f->dev, &on), 0);
	assert_false(on);
}

static void memory_decode_failures(void **state)
{
	struct test_env *f = *state;
	bool on = true;

	assert_int_equal(iommufd_device_get_memory_decode(NULL, &on), -EINVAL);
	assert_int_equal(iommufd_device_get_memory_decode(f->dev, NULL), -EINVAL);
	script_expect(KABI_VFIO_DEVICE_GET_REGION_INFO, check_region_info, NULL, EINVAL);
	assert_int_equal(iommufd_device_get_memory_decode(f->dev, &on), -EINVAL);
	assert_logged("device 2", "PCI config space", "not a PCI device");
	script_expect(KABI_VFIO_DEVICE_GET_REGION_INFO, check_region_info, reply_region_info, 0);
	pr.ret = 1;
	assert_int_equal(iommufd_device_get_memory_decode(f->dev, &on), -EIO);
	assert_logged("PCI command register", "short read");
	script_expect(KABI_VFIO_DEVICE_GET_REGION_INFO, check_region_info, reply_region_info, 0);
	pr.ret = -1;
	assert_int_equal(iommufd_device_get_memory_decode(f->dev, &on), -EIO);
	assert_true(on);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(export_sends_one_range_and_returns_the_fd),
		T(export_explains_the_kernel),
		T(export_rejects_bad_ranges_before_the_kernel),
		T(map_is_a_fixed_map_file),
		T(map_explains_revocation_and_the_rest),
		T(map_rejects_bad_arguments),
		T(map_and_remap_refuse_misaligned_ranges),
		T(remap_unmaps_the_stale_range_then_maps),
		T(memory_decode_reads_the_command_register),
		T(memory_decode_failures),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
