// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Out of memory at every allocation of every entry point that allocates
 * (issue 11): for n = 1, 2, ... the n-th allocation of the call fails,
 * until the call makes fewer than n and succeeds. After each failure:
 * -ENOMEM, explained as every failure is (iommufd_last_error() says "out of
 * memory" and names the call, and the context's log has that sentence at
 * LOG_ERR), the out-parameter untouched, no kernel object left behind (the
 * model kernel counts them), no fd left open, and the context still usable
 * (an IOAS can be allocated and freed). valgrind, under which the unit
 * tests run, finds any byte leaked. The number of points tried is printed.
 * Entry points that answer from the stack (the probes, most 1.1 calls) are
 * in the sweep too, checked to allocate nothing.
 *
 * The kernel is the model kernel (model-kernel.h), so every call can reach
 * its end whatever the library asks on the way.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "config.h"	/* HAVE_LIBUDEV */
#include "kernel-script.h"
#include "model-kernel.h"

#define SENTINEL ((void *)0x5a5a)

/* What the entry points are called on, made afresh for every point. */
struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct iommufd_hwpt *parent;	/* a nest parent */
	struct iommufd_viommu *viommu;
	struct iommufd_viommu *st;	/* selftest type, allocated with output data */
	struct iommufd_hwpt *dirty[2];	/* dirty tracking, on the IOAS */
	struct iommufd_fault_queue *fault;
	int cdev_fd;			/* a second, unbound "cdev" */
};

static void env_new(struct env *e)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, nest, .flags = IOMMUFD_HWPT_NEST_PARENT);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, dirty, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_selftest_viommu_data out = { .in_data = 1 };
	LIBIOMMUFD_OPTS(iommufd_viommu_opts, st, .data = &out, .data_len = sizeof(out));

	memset(e, 0, sizeof(*e));
	e->ctx = test_ctx_new();
	assert_int_equal(iommufd_ioas_alloc(e->ctx, &e->ioas), 0);
	assert_int_equal(iommufd_device_bind_path(e->ctx, "/dev/null", &e->dev), 0);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e->ioas), e->dev, &nest,
					    &e->parent), 0);
	for (size_t i = 0; i < 2; i++)
		assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e->ioas), e->dev, &dirty,
						    &e->dirty[i]), 0);
	assert_int_equal(iommufd_viommu_alloc(e->parent, e->dev, 1, NULL, &e->viommu), 0);
	assert_int_equal(iommufd_viommu_alloc(e->parent, e->dev, IOMMUFD_VIOMMU_SELFTEST, &st,
					      &e->st), 0);
	assert_int_equal(iommufd_fault_queue_alloc(e->ctx, &e->fault), 0);
	e->cdev_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_true(e->cdev_fd >= 0);
}

static void env_free(struct env *e)
{
	iommufd_fault_queue_unref(e->fault);
	iommufd_viommu_unref(e->st);
	iommufd_viommu_unref(e->viommu);
	for (size_t i = 0; i < 2; i++)
		iommufd_hwpt_unref(e->dirty[i]);
	iommufd_hwpt_unref(e->parent);
	iommufd_device_unref(e->dev);
	iommufd_ioas_unref(e->ioas);
	iommufd_ctx_unref(e->ctx);
	close(e->cdev_fd);
}

/*
 * One entry point: makes its call, with *ret as the out-parameter (a handle
 * or a buffer), and releases *ret after a success.
 */
struct op {
	const char *name;		/* the call, then what variant of it */
	int (*call)(struct env *e, void **ret);
	void (*release)(struct env *e, void *ret);
	bool allocates_nothing;		/* answers kept on the stack: checked to stay so */
	bool before_ctx;		/* fails before there is a context to log to */
};

/* ---- the calls ----------------------------------------------------------- */

static int call_ctx_new(struct env *e, void **ret)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/dev/null");

	(void)e;
	return iommufd_ctx_new(&opts, (struct iommufd_ctx **)ret);
}

static int call_ctx_new_from_fd(struct env *e, void **ret)
{
	return iommufd_ctx_new_from_fd(e->cdev_fd, IOMMUFD_ADOPT_BORROW, NULL,
				       (struct iommufd_ctx **)ret);
}

/* Owned: the library closes the fd on failure too; so it gets a dup. */
static int call_ctx_new_from_fd_owned(struct env *e, void **ret)
{
	return iommufd_ctx_new_from_fd(dup(e->cdev_fd), IOMMUFD_ADOPT_OWN, NULL,
				       (struct iommufd_ctx **)ret);
}

static void release_ctx(struct env *e, void *ret)
{
	(void)e;
	iommufd_ctx_unref(ret);
}

static int call_ioas_alloc(struct env *e, void **ret)
{
	return iommufd_ioas_alloc(e->ctx, (struct iommufd_ioas **)ret);
}

static int call_ioas_new_from_id(struct env *e, void **ret)
{
	return iommufd_ioas_new_from_id(e->ctx, iommufd_ioas_get_id(e->ioas),
					IOMMUFD_ADOPT_BORROW, (struct iommufd_ioas **)ret);
}

static void release_ioas(struct env *e, void *ret)
{
	(void)e;
	iommufd_ioas_unref(ret);
}

static int call_iova_ranges(struct env *e, void **ret)
{
	size_t count = 0;

	return iommufd_ioas_get_iova_ranges(e->ioas, (struct iommufd_iova_range **)ret, &count,
					    NULL);
}

static void release_free(struct env *e, void *ret)
{
	(void)e;
	free(ret);
}

static int call_hwpt_alloc(struct env *e, void **ret)
{
	return iommufd_hwpt_alloc(iommufd_ioas_as_pt(e->ioas), e->dev, NULL,
				  (struct iommufd_hwpt **)ret);
}

/* The plain path: the kernel refuses HWPT_ALLOC, the device is attached. */
static int call_hwpt_alloc_plain(struct env *e, void **ret)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .fallback = IOMMUFD_HWPT_FALLBACK_ATTACH);

	model_fail_next(KABI_IOMMU_HWPT_ALLOC, EOPNOTSUPP);
	return iommufd_hwpt_alloc(iommufd_ioas_as_pt(e->ioas), e->dev, &opts,
				  (struct iommufd_hwpt **)ret);
}

static int call_hwpt_alloc_fault(struct env *e, void **ret)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .fault_queue = e->fault);

	return iommufd_hwpt_alloc(iommufd_ioas_as_pt(e->ioas), e->dev, &opts,
				  (struct iommufd_hwpt **)ret);
}

static int call_hwpt_new_from_id(struct env *e, void **ret)
{
	return iommufd_hwpt_new_from_id(e->ctx, iommufd_hwpt_get_id(e->parent),
					IOMMUFD_HWPT_NEST_PARENT, IOMMUFD_ADOPT_BORROW,
					(struct iommufd_hwpt **)ret);
}

static int call_viommu_alloc_hwpt(struct env *e, void **ret)
{
	static const uint8_t ste[16] = { 1 };
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = IOMMUFD_HWPT_DATA_ARM_SMMUV3,
			.data = ste, .data_len = sizeof(ste));

	return iommufd_viommu_alloc_hwpt(e->viommu, e->dev, &opts, (struct iommufd_hwpt **)ret);
}

static int call_hwpt_alloc_nested(struct env *e, void **ret)
{
	static const uint8_t ste[16] = { 1 };
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = IOMMUFD_HWPT_DATA_ARM_SMMUV3,
			.data = ste, .data_len = sizeof(ste));

	return iommufd_hwpt_alloc(iommufd_hwpt_as_pt(e->parent), e->dev, &opts,
				  (struct iommufd_hwpt **)ret);
}

static int call_viommu_abort_hwpt(struct env *e, void **ret)
{
	return iommufd_viommu_alloc_abort_hwpt(e->viommu, e->dev, (struct iommufd_hwpt **)ret);
}

static int call_viommu_bypass_hwpt(struct env *e, void **ret)
{
	return iommufd_viommu_alloc_bypass_hwpt(e->viommu, e->dev, (struct iommufd_hwpt **)ret);
}

static void release_hwpt(struct env *e, void *ret)
{
	if (iommufd_hwpt_is_kernel_allocated(ret))
		assert_int_equal(iommufd_device_detach(e->dev), 0);
	iommufd_hwpt_unref(ret);
}

static int call_bind_fd(struct env *e, void **ret)
{
	return iommufd_device_bind_fd(e->ctx, e->cdev_fd, (struct iommufd_device **)ret);
}

static int call_bind_fd_token(struct env *e, void **ret)
{
	static const uint8_t token[16] = { 0x11 };

	return iommufd_device_bind_fd_token(e->ctx, e->cdev_fd, token,
					    (struct iommufd_device **)ret);
}

static int call_bind_path(struct env *e, void **ret)
{
	return iommufd_device_bind_path(e->ctx, "/dev/null", (struct iommufd_device **)ret);
}

static int call_device_new_from_id(struct env *e, void **ret)
{
	return iommufd_device_new_from_id(e->ctx, iommufd_device_get_id(e->dev), -1,
					  IOMMUFD_ADOPT_BORROW, (struct iommufd_device **)ret);
}

static void release_device(struct env *e, void *ret)
{
	(void)e;
	iommufd_device_unref(ret);
}

/* Grows the PASID table: the out-parameter is the device's PASID 5. */
static int call_attach_pasid(struct env *e, void **ret)
{
	int rc = iommufd_device_attach_pasid(e->dev, 5, iommufd_ioas_as_pt(e->ioas));

	if (!rc)
		*ret = iommufd_device_get_pasid_pt(e->dev, 5);
	else
		assert_null(iommufd_device_get_pasid_pt(e->dev, 5));
	return rc;
}

static void release_pasid(struct env *e, void *ret)
{
	(void)ret;
	assert_int_equal(iommufd_device_detach_pasid(e->dev, 5), 0);
}

static int call_viommu_alloc(struct env *e, void **ret)
{
	return iommufd_viommu_alloc(e->parent, e->dev, 1, NULL, (struct iommufd_viommu **)ret);
}

/* With output data (1.1): the kernel is given a private copy of the input. */
static int call_viommu_alloc_out(struct env *e, void **ret)
{
	static struct iommufd_selftest_viommu_data out;
	const struct iommufd_selftest_viommu_data in = { .in_data = 0xcafe };
	LIBIOMMUFD_OPTS(iommufd_viommu_opts, opts, .data = &in, .data_len = sizeof(in),
			.out_data = &out);
	int rc;

	memset(&out, 0x5a, sizeof(out));
	rc = iommufd_viommu_alloc(e->parent, e->dev, IOMMUFD_VIOMMU_SELFTEST, &opts,
				  (struct iommufd_viommu **)ret);
	/* The outputs reach out_data only on success. */
	assert_int_equal(out.in_data, rc ? 0x5a5a5a5au : 0xcafe);
	assert_int_equal(out.out_data, rc ? 0x5a5a5a5au : 0xcafe);
	return rc;
}

static int call_viommu_new_from_id(struct env *e, void **ret)
{
	return iommufd_viommu_new_from_id(e->ctx, iommufd_viommu_get_id(e->viommu), 1,
					  IOMMUFD_ADOPT_BORROW, (struct iommufd_viommu **)ret);
}

static void release_viommu(struct env *e, void *ret)
{
	(void)e;
	iommufd_viommu_unref(ret);
}

static int call_vdevice_alloc(struct env *e, void **ret)
{
	return iommufd_vdevice_alloc(e->viommu, e->dev, 0x42, (struct iommufd_vdevice **)ret);
}

static int call_vdevice_new_from_id(struct env *e, void **ret)
{
	return iommufd_vdevice_new_from_id(e->viommu, e->dev, 99, 0x42, IOMMUFD_ADOPT_BORROW,
					   (struct iommufd_vdevice **)ret);
}

static void release_vdevice(struct env *e, void *ret)
{
	(void)e;
	iommufd_vdevice_unref(ret);
}

static int call_fault_queue_alloc(struct env *e, void **ret)
{
	return iommufd_fault_queue_alloc(e->ctx, (struct iommufd_fault_queue **)ret);
}

static void release_fault_queue(struct env *e, void *ret)
{
	(void)e;
	iommufd_fault_queue_unref(ret);
}

static int call_veventq_alloc(struct env *e, void **ret)
{
	return iommufd_veventq_alloc(e->viommu, 1, 16, (struct iommufd_veventq **)ret);
}

static void release_veventq(struct env *e, void *ret)
{
	(void)e;
	iommufd_veventq_unref(ret);
}

static int call_hw_queue_alloc(struct env *e, void **ret)
{
	return iommufd_hw_queue_alloc(e->viommu, 1, 0, 0x100000, 0x10000,
				      (struct iommufd_hw_queue **)ret);
}

static void release_hw_queue(struct env *e, void *ret)
{
	(void)e;
	iommufd_hw_queue_unref(ret);
}

/*
 * The 1.1 calls over the IOAS's dirty-tracking HWPTs collect them into an
 * array first; the calls over a caller's set of HWPTs allocate nothing.
 * The out-parameter is the bitmap, set on success only.
 */
static uint64_t bitmap[1];

static int call_ioas_set_dirty_tracking(struct env *e, void **ret)
{
	int rc = iommufd_ioas_set_dirty_tracking(e->ioas, true);

	if (!rc)
		*ret = e->ioas;
	return rc;
}

static int call_ioas_get_dirty_bitmap(struct env *e, void **ret)
{
	int rc = iommufd_ioas_get_dirty_bitmap(e->ioas, 0, 8 * 4096, 4096, bitmap, 0);

	if (!rc)
		*ret = bitmap;
	return rc;
}

static int call_ioas_unmap_dirty(struct env *e, void **ret)
{
	uint64_t unmapped = 0x5a5a;
	int rc = iommufd_ioas_unmap_dirty(e->ioas, 0, 8 * 4096, 4096, bitmap, &unmapped);

	if (!rc)
		*ret = bitmap;
	else
		assert_int_equal(unmapped, 0x5a5a);
	return rc;
}

static int call_hwpts_set_dirty_tracking(struct env *e, void **ret)
{
	int rc = iommufd_hwpts_set_dirty_tracking(e->dirty, 2, true);

	if (!rc)
		*ret = e->dirty;
	return rc;
}

static int call_hwpts_get_dirty_bitmap(struct env *e, void **ret)
{
	int rc = iommufd_hwpts_get_dirty_bitmap(e->dirty, 2, 0, 8 * 4096, 4096, bitmap, 0);

	if (!rc)
		*ret = bitmap;
	return rc;
}

/* The dma-buf maps (1.1): the "dma-buf" is the env's spare open fd. */
static int call_map_dmabuf(struct env *e, void **ret)
{
	int rc = iommufd_ioas_map_dmabuf(e->ioas, e->cdev_fd, 0, 4096, 0x100000,
					 IOMMUFD_MAP_READ);

	if (!rc)
		*ret = e->ioas;
	return rc;
}

static int call_remap_dmabuf(struct env *e, void **ret)
{
	int rc = iommufd_ioas_remap_dmabuf(e->ioas, e->cdev_fd, 0, 4096, 0x100000,
					   IOMMUFD_MAP_READ);

	if (!rc)
		*ret = e->ioas;
	return rc;
}

static int call_noiommu_get_pa(struct env *e, void **ret)
{
	static uint64_t phys;
	uint64_t len = 0;
	int rc = iommufd_ioas_noiommu_get_pa(e->ioas, 0x1000, 4096, &phys, &len);

	if (!rc)
		*ret = &phys;
	return rc;
}

/* The region the selftest vIOMMU's output data named at allocation. */
static int call_viommu_get_mmap_region(struct env *e, void **ret)
{
	static uint64_t off;
	uint64_t len = 0;
	int rc = iommufd_viommu_get_mmap_region(e->st, &off, &len);

	if (!rc) {
		assert_int_equal(len, 4096);
		*ret = &off;
	}
	return rc;
}

static int call_viommu_invalidate_smmuv3(struct env *e, void **ret)
{
	static const uint8_t cmds[2][16] = { { 0x12 }, { 0x12 } };
	static uint32_t done;
	int rc = iommufd_viommu_invalidate_smmuv3(e->viommu, NULL, cmds, 2, &done);

	if (!rc)
		*ret = &done;
	return rc;
}

static int call_ctx_probe(struct env *e, void **ret)
{
	static struct iommufd_probe probe;

	memset(&probe, 0, sizeof(probe));
	probe.sz = sizeof(probe);
	*ret = &probe;
	return iommufd_ctx_probe(e->ctx, &probe);
}

static int call_device_probe(struct env *e, void **ret)
{
	static struct iommufd_probe probe;

	memset(&probe, 0, sizeof(probe));
	probe.sz = sizeof(probe);
	*ret = &probe;
	return iommufd_device_probe(e->dev, &probe);
}

static void release_nothing(struct env *e, void *ret)
{
	(void)e;
	(void)ret;
}

#ifdef HAVE_LIBUDEV	/* without it, discovery is -EOPNOTSUPP before any allocation */
static int call_discover_list(struct env *e, void **ret)
{
	size_t count = 0;

	return iommufd_discover_list(e->ctx, (struct iommufd_vfio_cdev ***)ret, &count);
}

static void release_discover_list(struct env *e, void *ret)
{
	(void)e;
	iommufd_discover_list_free(ret);
}
#endif

static const struct op ops[] = {
	{ "ctx_new", call_ctx_new, release_ctx, false, true },
	{ "ctx_new_from_fd (borrowed)", call_ctx_new_from_fd, release_ctx, false, true },
	{ "ctx_new_from_fd (owned)", call_ctx_new_from_fd_owned, release_ctx, false, true },
	{ "ioas_alloc", call_ioas_alloc, release_ioas, false, false },
	{ "ioas_new_from_id", call_ioas_new_from_id, release_ioas, false, false },
	{ "ioas_get_iova_ranges", call_iova_ranges, release_free, false, false },
	{ "hwpt_alloc", call_hwpt_alloc, release_hwpt, false, false },
	{ "hwpt_alloc (plain path)", call_hwpt_alloc_plain, release_hwpt, false, false },
	{ "hwpt_alloc (fault queue)", call_hwpt_alloc_fault, release_hwpt, false, false },
	{ "hwpt_new_from_id", call_hwpt_new_from_id, release_hwpt, false, false },
	{ "viommu_alloc_hwpt", call_viommu_alloc_hwpt, release_hwpt, false, false },
	{ "hwpt_alloc (nested)", call_hwpt_alloc_nested, release_hwpt, false, false },
	{ "viommu_alloc_abort_hwpt", call_viommu_abort_hwpt, release_hwpt, false, false },
	{ "viommu_alloc_bypass_hwpt", call_viommu_bypass_hwpt, release_hwpt, false, false },
	{ "device_bind_fd", call_bind_fd, release_device, false, false },
	{ "device_bind_fd_token", call_bind_fd_token, release_device, false, false },
	{ "device_bind_path", call_bind_path, release_device, false, false },
	{ "device_new_from_id", call_device_new_from_id, release_device, false, false },
	{ "device_attach_pasid", call_attach_pasid, release_pasid, false, false },
	{ "viommu_alloc", call_viommu_alloc, release_viommu, false, false },
	{ "viommu_alloc (output data)", call_viommu_alloc_out, release_viommu, false, false },
	{ "viommu_new_from_id", call_viommu_new_from_id, release_viommu, false, false },
	{ "vdevice_alloc", call_vdevice_alloc, release_vdevice, false, false },
	{ "vdevice_new_from_id", call_vdevice_new_from_id, release_vdevice, false, false },
	{ "fault_queue_alloc", call_fault_queue_alloc, release_fault_queue, false, false },
	{ "veventq_alloc", call_veventq_alloc, release_veventq, false, false },
	{ "hw_queue_alloc", call_hw_queue_alloc, release_hw_queue, false, false },
	/* The 1.1 calls; export_dmabuf, get_memory_decode and viommu_mmap/munmap need
	 * a device region or mmap the model has not: test-dmabuf.c, test-viommu-out.c. */
	{ "ioas_set_dirty_tracking", call_ioas_set_dirty_tracking, release_nothing, false, false },
	{ "ioas_get_dirty_bitmap", call_ioas_get_dirty_bitmap, release_nothing, false, false },
	{ "ioas_unmap_dirty", call_ioas_unmap_dirty, release_nothing, false, false },
	{ "hwpts_set_dirty_tracking", call_hwpts_set_dirty_tracking, release_nothing, true, false },
	{ "hwpts_get_dirty_bitmap", call_hwpts_get_dirty_bitmap, release_nothing, true, false },
	{ "ioas_map_dmabuf", call_map_dmabuf, release_nothing, true, false },
	{ "ioas_remap_dmabuf", call_remap_dmabuf, release_nothing, true, false },
	{ "ioas_noiommu_get_pa", call_noiommu_get_pa, release_nothing, true, false },
	{ "viommu_get_mmap_region", call_viommu_get_mmap_region, release_nothing, true, false },
	{ "viommu_invalidate_smmuv3", call_viommu_invalidate_smmuv3, release_nothing, true, false },
	{ "ctx_probe", call_ctx_probe, release_nothing, true, false },
	{ "device_probe", call_device_probe, release_nothing, true, false },
#ifdef HAVE_LIBUDEV
	{ "discover_list", call_discover_list, release_discover_list, false, false },
#endif
};

/* ---- the sweep ----------------------------------------------------------- */

/* The context still works: an IOAS comes and goes. */
static void assert_ctx_usable(struct env *e)
{
	struct iommufd_ioas *ioas = NULL;

	assert_int_equal(iommufd_ioas_alloc(e->ctx, &ioas), 0);
	assert_null(iommufd_ioas_unref(ioas));
}

/*
 * Sets iommufd_last_error() to a sentence of another failure, so that the
 * check after the call sees only what the call itself said.
 */
static void last_error_other(void)
{
	assert_int_equal(iommufd_ioas_alloc(NULL, NULL), -EINVAL);
	assert_non_null(strstr(iommufd_last_error(), "invalid arguments"));
}

/*
 * The ENOMEM of allocation @n of @op was explained: "<call>: out of memory
 * for ..." for the thread, where <call> is the op's name up to its first
 * space, and the same sentence in the context's log at LOG_ERR.
 */
static void assert_oom_explained(const struct op *op, unsigned long n)
{
	const char *err = iommufd_last_error();
	size_t len = strcspn(op->name, " ");
	char want[64];

	snprintf(want, sizeof(want), "%.*s: out of memory for ", (int)len, op->name);
	if (strncmp(err, want, strlen(want)))
		fail_msg("%s: allocation %lu failed, the last error is \"%s\", not \"%s...\"",
			 op->name, n, err, want);
	if (!op->before_ctx && !log_has("<3> ", err))
		fail_msg("%s: allocation %lu failed, no LOG_ERR line says \"%s\"", op->name, n,
			 err);
}

/* Fails allocation n of @op for n = 1.. until it succeeds; the points tried. */
static unsigned int sweep_op(const struct op *op)
{
	unsigned int points = 0;

	for (unsigned long n = 1;; n++) {
		struct env e;
		void *ret = SENTINEL;
		unsigned int objects;
		int fds, rc;

		env_new(&e);
		objects = model_live_objects();
		fds = count_open_fds();
		last_error_other();
		log_reset();
		alloc_fail_nth(n);
		rc = op->call(&e, &ret);
		alloc_fail_nth(0);
		model_fail_next(0, 0);	/* a refusal the call did not reach */
		if (!alloc_fail_hit()) {
			if (rc)
				fail_msg("%s: %d without a failed allocation: %s", op->name, rc,
					 iommufd_last_error());
			op->release(&e, ret);
			env_free(&e);
			break;
		}
		points++;
		if (rc != -ENOMEM)
			fail_msg("%s: allocation %lu failed, the call returned %d, not -ENOMEM",
				 op->name, n, rc);
		assert_oom_explained(op, n);
		if (ret != SENTINEL)
			fail_msg("%s: allocation %lu failed, the out-parameter was written",
				 op->name, n);
		if (model_live_objects() != objects)
			fail_msg("%s: allocation %lu failed, %u kernel objects where %u were",
				 op->name, n, model_live_objects(), objects);
		if (count_open_fds() != fds)
			fail_msg("%s: allocation %lu failed, %d fds open where %d were",
				 op->name, n, count_open_fds(), fds);
		assert_ctx_usable(&e);
		env_free(&e);
	}
	return points;
}

static unsigned int total_points;

static void every_allocation_of_every_entry_point_fails_cleanly(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		unsigned int points = sweep_op(&ops[i]);

		print_message("malloc failure: %-28s %u point(s)\n", ops[i].name, points);
		if (!points != ops[i].allocates_nothing)
			fail_msg("%s: %u allocation points, expected %s", ops[i].name, points,
				 ops[i].allocates_nothing ? "none" : "some");
		total_points += points;
	}
	print_message("malloc failure: %u points tried over %zu entry points: -ENOMEM,"
		      " explained, nothing left, context usable\n", total_points,
		      sizeof(ops) / sizeof(ops[0]));
}

/*
 * A destroy the kernel refuses with EBUSY at the last unref is kept to retry;
 * with no memory for that, the library says so (the object stays until the
 * iommufd closes) and goes on.
 */
static void deferred_destroy_without_memory_is_logged(void **state)
{
	struct env e;
	struct iommufd_ioas *ioas = NULL;

	(void)state;
	env_new(&e);
	assert_int_equal(iommufd_ioas_alloc(e.ctx, &ioas), 0);
	model_fail_next(KABI_IOMMU_DESTROY, EBUSY);
	alloc_fail_nth(1);
	assert_null(iommufd_ioas_unref(ioas));
	alloc_fail_nth(0);
	assert_true(alloc_fail_hit());
	assert_logged("DESTROY IOAS", "EBUSY", "no memory to retry it later");
	assert_ctx_usable(&e);
	env_free(&e);
	total_points++;
}

/*
 * The IOVA ranges that do not fit on the stack are read into a heap array
 * grown to what the kernel says (the model kernel has one range, so the
 * sweep never gets there): the first growth and a second one, after the
 * kernel said more again, fail. The scripted kernel answers here.
 */
static void iova_ranges_growth_without_memory_is_explained(void **state)
{
	static const char *const want[] = {
		"ioas_get_iova_ranges: out of memory for the 12 IOVA ranges of IOAS 3 (192 bytes)",
		"ioas_get_iova_ranges: out of memory for the 20 IOVA ranges of IOAS 3 (320 bytes)",
	};
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = test_ioas_new(ctx, 3);

	(void)state;
	for (unsigned long n = 1; n <= 2; n++) {
		struct iommufd_iova_range *ranges = SENTINEL;
		size_t count = 0x5a5a;

		last_error_other();
		log_reset();
		expect_iova_ranges(3, 8, NULL, 12, 0, EMSGSIZE);
		if (n == 2)
			expect_iova_ranges(3, 12, NULL, 20, 0, EMSGSIZE);
		alloc_fail_nth(n);
		assert_int_equal(iommufd_ioas_get_iova_ranges(ioas, &ranges, &count, NULL),
				 -ENOMEM);
		alloc_fail_nth(0);
		assert_true(alloc_fail_hit());
		assert_ptr_equal(ranges, SENTINEL);
		assert_int_equal(count, 0x5a5a);
		assert_string_equal(iommufd_last_error(), want[n - 1]);
		assert_logged("<3> ", want[n - 1]);
		script_assert_done();
		total_points++;
	}
	expect_destroy(3, 0);
	assert_null(iommufd_ioas_unref(ioas));
	iommufd_ctx_unref(ctx);
}

static int setup(void **state)
{
	ks_setup(state);
	model_reset();
	script_route_to(model_ioctl);
	return 0;
}

static int teardown(void **state)
{
	alloc_fail_nth(0);
	script_route_to(NULL);
	return ks_teardown(state);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(every_allocation_of_every_entry_point_fails_cleanly,
						setup, teardown),
		cmocka_unit_test_setup_teardown(deferred_destroy_without_memory_is_logged,
						setup, teardown),
		cmocka_unit_test_setup_teardown(iova_ranges_growth_without_memory_is_explained,
						ks_setup, teardown),
	};
	int rc = cmocka_run_group_tests(tests, NULL, NULL);

	printf("malloc failure: %u points in all\n", total_points);
	return rc;
}
