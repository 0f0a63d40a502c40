// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Ownership (issue 8): destroys the kernel refuses at a last unref are
 * deferred and retried, never forgotten; HW queues are released top-down
 * whatever the order of unrefs; explicit destroys report; handles made for
 * existing objects (by ID, a bound cdev, an adopted iommufd) borrow or own
 * them; and the per-thread explanation of the last failure.
 *
 * Each test here fails on the library before the ownership API: there the
 * last unref forgot a refused DESTROY, queue 0 could be destroyed before
 * queue 1, and none of the adoption or destroy calls existed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "kernel-script.h"

#define DEV_ID 2
#define IOAS_ID 3
#define IOAS2_ID 4
#define PARENT_ID 5
#define HWPT_ID 6
#define KERNEL_HWPT_ID 7
#define VIOMMU_ID 8
#define VDEV_ID 9
#define FAULT_ID 20
#define VEVENTQ_ID 21
#define QUEUE0_ID 30
#define QUEUE1_ID 31
#define QUEUE2_ID 32
#define QTYPE 1			/* a HW queue type (Tegra241 CMDQV's is 1) */

static struct iommufd_pt *ioas_pt(struct iommufd_ioas *ioas)
{
	return iommufd_ioas_as_pt(ioas);
}

/* A context adopting a fresh fd of /dev/null, validated as the kernel would. */
static struct iommufd_ctx *adopted_ctx(uint32_t adopt, int *ret_fd)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .log_fn = log_capture,
			.log_priority = LOG_DEBUG);
	struct iommufd_ctx *ctx = NULL;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	script_set_iommufd(fd);
	expect_destroy(0, ENOENT);
	assert_int_equal(iommufd_ctx_new_from_fd(fd, adopt, &opts, &ctx), 0);
	script_assert_done();
	*ret_fd = fd;
	return ctx;
}

/* ==== deferred destroys ================================================== */

/* EBUSY at the last unref: kept, and retried after the next destroy. */
static void deferred_destroy_is_retried_after_the_next_destroy(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *a = test_ioas_new(ctx, IOAS_ID);
	struct iommufd_ioas *b = test_ioas_new(ctx, IOAS2_ID);
	struct iommufd_ioas *c = test_ioas_new(ctx, 10);

	(void)state;
	expect_destroy(IOAS_ID, EBUSY);
	iommufd_ioas_unref(a);
	assert_logged("<6>", "DESTROY IOAS 3: EBUSY", "retried after the next destroy");
	assert_false(log_has("<3>"));
	/* The next successful destroy retries it: still busy, kept. */
	expect_destroy(IOAS2_ID, 0);
	expect_destroy(IOAS_ID, EBUSY);
	iommufd_ioas_unref(b);
	script_assert_done();
	/* An explicit destroy retries it too: now it goes. */
	expect_destroy(10, 0);
	expect_destroy(IOAS_ID, 0);
	assert_int_equal(iommufd_ioas_destroy(c), 0);
	script_assert_done();		/* not left for the close to find */
	assert_logged("<7>", "DESTROY IOAS 3: done, once what used it went");
	iommufd_ctx_unref(ctx);		/* nothing left: no ioctl at close */
}

/* A refused DESTROY that is not EBUSY is logged, never retried. */
static void deferred_destroy_failing_otherwise_is_logged_and_dropped(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *a = test_ioas_new(ctx, IOAS_ID);
	size_t left = 99;

	(void)state;
	expect_destroy(IOAS_ID, EBUSY);
	iommufd_ioas_unref(a);
	expect_destroy(IOAS_ID, ENOENT);
	assert_int_equal(iommufd_ctx_retry_destroys(ctx, &left), 0);
	assert_int_equal(left, 0);
	assert_logged("<3>", "DESTROY IOAS 3 (deferred): ENOENT");
	iommufd_ctx_unref(ctx);		/* dropped: nothing at close */
}

/* One retry pass can unblock another destroy: the IOAS once its HWPT went. */
static void deferred_destroys_unblock_each_other(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, np, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = test_ioas_new(ctx, IOAS_ID);
	struct iommufd_device *dev = test_device_new(ctx, DEV_ID);
	struct iommufd_hwpt *hwpt = NULL;
	size_t left = 99;

	(void)state;
	expect_hwpt_alloc(KABI_HWPT_ALLOC_NEST_PARENT, DEV_ID, IOAS_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(ioas_pt(ioas), dev, &np, &hwpt), 0);
	iommufd_ioas_unref(ioas);	/* the HWPT holds it */
	/* Something the library cannot see uses the HWPT; the IOAS is under it. */
	expect_destroy(HWPT_ID, EBUSY);
	expect_destroy(IOAS_ID, EBUSY);
	iommufd_hwpt_unref(hwpt);
	script_assert_done();
	/* One pass: the HWPT goes and the IOAS is still busy; a second: it goes. */
	script_unordered_begin();
	expect_destroy(HWPT_ID, 0);
	expect_destroy(IOAS_ID, EBUSY);
	script_unordered_end();
	expect_destroy(IOAS_ID, 0);
	assert_int_equal(iommufd_ctx_retry_destroys(ctx, &left), 0);
	assert_int_equal(left, 0);
	iommufd_device_unref(dev);
	iommufd_ctx_unref(ctx);
}

/* The library's own detach retries what the device may have blocked. */
static void deferred_destroy_is_retried_after_a_detach(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = test_ioas_new(ctx, IOAS_ID);
	struct iommufd_device *dev = test_device_new(ctx, DEV_ID);
	struct iommufd_hwpt *hwpt = NULL;

	(void)state;
	assert_int_equal(iommufd_hwpt_new_from_id(ctx, HWPT_ID, 0, IOMMUFD_ADOPT_OWN, &hwpt), 0);
	test_attach(dev, ioas_pt(ioas), IOAS_ID, KERNEL_HWPT_ID);
	expect_destroy(HWPT_ID, EBUSY);
	iommufd_hwpt_unref(hwpt);
	expect_detach(0);
	expect_destroy(HWPT_ID, 0);
	assert_int_equal(iommufd_device_detach(dev), 0);
	script_assert_done();
	iommufd_device_unref(dev);	/* detached: no ioctl */
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
}

static void retry_destroys_reports_what_is_left(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *a = test_ioas_new(ctx, IOAS_ID);
	size_t left = 99;

	(void)state;
	assert_int_equal(iommufd_ctx_retry_destroys(NULL, &left), -EINVAL);
	assert_int_equal(iommufd_ctx_retry_destroys(ctx, &left), 0);	/* no ioctl */
	assert_int_equal(left, 0);
	expect_destroy(IOAS_ID, EBUSY);
	iommufd_ioas_unref(a);
	log_reset();
	expect_destroy(IOAS_ID, EBUSY);
	assert_int_equal(iommufd_ctx_retry_destroys(ctx, &left), -EBUSY);
	assert_int_equal(left, 1);
	assert_logged("<3>", "1 destroys are still refused with EBUSY");
	assert_non_null(strstr(iommufd_last_error(), "still refused"));
	expect_destroy(IOAS_ID, 0);
	assert_int_equal(iommufd_ctx_retry_destroys(ctx, NULL), 0);
	iommufd_ctx_unref(ctx);
}

/* The context's close retries; what stays is logged at LOG_INFO (owned fd). */
static void close_retries_and_logs_what_is_left_of_an_owned_fd(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *a = test_ioas_new(ctx, IOAS_ID);
	struct iommufd_ioas *b = test_ioas_new(ctx, IOAS2_ID);
	int fd = iommufd_ctx_get_fd(ctx);

	(void)state;
	expect_destroy(IOAS_ID, EBUSY);
	iommufd_ioas_unref(a);
	expect_destroy(IOAS2_ID, EBUSY);
	iommufd_ioas_unref(b);
	log_reset();
	/* One goes at the close; the other is named, the kernel frees it. */
	script_unordered_begin();
	expect_destroy(IOAS_ID, 0);
	expect_destroy(IOAS2_ID, EBUSY);
	script_unordered_end();
	expect_destroy(IOAS2_ID, EBUSY);	/* the pass after the progress */
	iommufd_ctx_unref(ctx);
	assert_false(fd_is_open(fd));
	assert_logged("<6>", "context close: IOAS 4 still refused its destroy",
		      "frees it as the iommufd closes");
	assert_false(log_has("context close: IOAS 3"));
	assert_false(log_has("<3>"));
}

/* With a borrowed fd the object outlives the context: an error, said so. */
static void close_logs_what_is_left_of_a_borrowed_fd_as_an_error(void **state)
{
	int fd;
	struct iommufd_ctx *ctx = adopted_ctx(IOMMUFD_ADOPT_BORROW, &fd);
	struct iommufd_ioas *a = test_ioas_new(ctx, IOAS_ID);

	(void)state;
	expect_destroy(IOAS_ID, EBUSY);
	iommufd_ioas_unref(a);
	expect_destroy(IOAS_ID, EBUSY);
	iommufd_ctx_unref(ctx);
	assert_logged("<3>", "context close: IOAS 3 still refused its destroy",
		      "borrowed iommufd");
	assert_true(fd_is_open(fd));
	close(fd);
}

/*
 * Defect 2 of issue 8: a HWPT in use by an attach the library did not make
 * (QEMU's layering: the device was attached by other code) gets EBUSY at
 * its last unref. The destroy is deferred and the replace that moves the
 * device away, through a handle adopted with its cdev, unblocks it.
 */
static void replace_of_an_adopted_device_unblocks_a_deferred_destroy(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = test_ioas_new(ctx, IOAS_ID);
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *hwpt = NULL;
	int cdev = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)state;
	assert_true(cdev >= 0);
	assert_int_equal(iommufd_hwpt_new_from_id(ctx, HWPT_ID, 0, IOMMUFD_ADOPT_OWN, &hwpt), 0);
	assert_int_equal(iommufd_device_new_from_id(ctx, DEV_ID, cdev, IOMMUFD_ADOPT_BORROW,
						    &dev), 0);
	script_set_devfd(cdev);
	expect_destroy(HWPT_ID, EBUSY);	/* the device is on it, unknown to us */
	iommufd_hwpt_unref(hwpt);
	expect_attach(IOAS_ID, KERNEL_HWPT_ID, 0);
	expect_destroy(HWPT_ID, 0);
	assert_int_equal(iommufd_device_replace(dev, ioas_pt(ioas)), 0);
	assert_ptr_equal(iommufd_device_get_pt(dev), ioas_pt(ioas));
	script_assert_done();
	expect_detach(0);
	iommufd_device_unref(dev);	/* attached through the handle: detached */
	assert_true(fd_is_open(cdev));	/* borrowed */
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
	close(cdev);
}

/* ==== HW queues (defect 1) =============================================== */

struct viommu_fixture {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct iommufd_hwpt *parent;
	struct iommufd_viommu *viommu;
};

static void viommu_fixture(struct viommu_fixture *f)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, np, .flags = IOMMUFD_HWPT_NEST_PARENT);

	f->ctx = test_ctx_new();
	f->ioas = test_ioas_new(f->ctx, IOAS_ID);
	f->dev = test_device_new(f->ctx, DEV_ID);
	expect_hwpt_alloc(KABI_HWPT_ALLOC_NEST_PARENT, DEV_ID, IOAS_ID, PARENT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(ioas_pt(f->ioas), f->dev, &np, &f->parent), 0);
	expect_viommu_alloc(DEV_ID, PARENT_ID, IOMMUFD_VIOMMU_TEGRA241_CMDQV, NULL, 0,
			    VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, IOMMUFD_VIOMMU_TEGRA241_CMDQV,
					      NULL, &f->viommu), 0);
	script_assert_done();
}

static struct iommufd_hw_queue *queue_new(struct viommu_fixture *f, uint32_t index,
					  uint32_t id)
{
	struct iommufd_hw_queue *q = NULL;

	expect_hw_queue_alloc(VIOMMU_ID, QTYPE, index, 0x100000 + index * 0x1000, 0x1000, id, 0);
	assert_int_equal(iommufd_hw_queue_alloc(f->viommu, QTYPE, index,
						0x100000 + index * 0x1000, 0x1000, &q), 0);
	return q;
}

/*
 * Every handle released before the queues, queue 0 before queue 1: no
 * ioctl until queue 1's last unref, then queue 1, queue 0 and everything
 * under them, each destroyed once, top-down. (The old library destroyed
 * queue 0 first, the kernel said EBUSY, and four objects stayed.)
 */
static void hw_queue_0_released_first_is_destroyed_after_queue_1(void **state)
{
	struct viommu_fixture f;
	struct iommufd_hw_queue *q0, *q1;

	(void)state;
	viommu_fixture(&f);
	q0 = queue_new(&f, 0, QUEUE0_ID);
	q1 = queue_new(&f, 1, QUEUE1_ID);
	iommufd_viommu_unref(f.viommu);
	iommufd_hwpt_unref(f.parent);
	iommufd_device_unref(f.dev);
	iommufd_ioas_unref(f.ioas);
	iommufd_ctx_unref(f.ctx);
	iommufd_hw_queue_unref(q0);	/* queue 1 holds it: no ioctl */
	script_assert_done();
	expect_destroy(QUEUE1_ID, 0);
	expect_destroy(QUEUE0_ID, 0);
	expect_destroy(VIOMMU_ID, 0);
	expect_destroy(PARENT_ID, 0);
	expect_destroy(IOAS_ID, 0);
	iommufd_hw_queue_unref(q1);
	assert_false(log_has("<3>"));
}

static void hw_queue_1_released_first_is_destroyed_first(void **state)
{
	struct viommu_fixture f;
	struct iommufd_hw_queue *q0, *q1;

	(void)state;
	viommu_fixture(&f);
	q0 = queue_new(&f, 0, QUEUE0_ID);
	q1 = queue_new(&f, 1, QUEUE1_ID);
	iommufd_viommu_unref(f.viommu);
	iommufd_hwpt_unref(f.parent);
	iommufd_device_unref(f.dev);
	iommufd_ioas_unref(f.ioas);
	iommufd_ctx_unref(f.ctx);
	expect_destroy(QUEUE1_ID, 0);
	iommufd_hw_queue_unref(q1);
	script_assert_done();
	expect_destroy(QUEUE0_ID, 0);
	expect_destroy(VIOMMU_ID, 0);
	expect_destroy(PARENT_ID, 0);
	expect_destroy(IOAS_ID, 0);
	iommufd_hw_queue_unref(q0);
}

/* Three queues released bottom-up: one burst, top-down. */
static void hw_queues_chain_over_every_index(void **state)
{
	struct viommu_fixture f;
	struct iommufd_hw_queue *q0, *q1, *q2;

	(void)state;
	viommu_fixture(&f);
	q0 = queue_new(&f, 0, QUEUE0_ID);
	q1 = queue_new(&f, 1, QUEUE1_ID);
	q2 = queue_new(&f, 2, QUEUE2_ID);
	iommufd_hw_queue_unref(q0);
	iommufd_hw_queue_unref(q1);
	script_assert_done();
	expect_destroy(QUEUE2_ID, 0);
	expect_destroy(QUEUE1_ID, 0);
	expect_destroy(QUEUE0_ID, 0);
	iommufd_hw_queue_unref(q2);
	expect_destroy(VIOMMU_ID, 0);
	iommufd_viommu_unref(f.viommu);
	expect_destroy(PARENT_ID, 0);
	iommufd_hwpt_unref(f.parent);
	iommufd_device_unref(f.dev);
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(f.ioas);
	iommufd_ctx_unref(f.ctx);
}

static void hw_queue_destroy_of_a_queue_below_another_is_ebusy(void **state)
{
	struct viommu_fixture f;
	struct iommufd_hw_queue *q0, *q1;

	(void)state;
	viommu_fixture(&f);
	q0 = queue_new(&f, 0, QUEUE0_ID);
	q1 = queue_new(&f, 1, QUEUE1_ID);
	assert_int_equal(iommufd_hw_queue_destroy(q0), -EBUSY);	/* no ioctl */
	assert_logged("<3>", "DESTROY HW queue 30: EBUSY", "1 other references");
	assert_int_equal(iommufd_hw_queue_get_id(q0), QUEUE0_ID);	/* still valid */
	expect_destroy(QUEUE1_ID, 0);
	assert_int_equal(iommufd_hw_queue_destroy(q1), 0);
	expect_destroy(QUEUE0_ID, 0);
	assert_int_equal(iommufd_hw_queue_destroy(q0), 0);
	expect_destroy(VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_destroy(f.viommu), 0);
	expect_destroy(PARENT_ID, 0);
	assert_int_equal(iommufd_hwpt_destroy(f.parent), 0);
	iommufd_device_unref(f.dev);
	expect_destroy(IOAS_ID, 0);
	assert_int_equal(iommufd_ioas_destroy(f.ioas), 0);
	iommufd_ctx_unref(f.ctx);
}

/* ==== explicit destroys ================================================== */

static void ioas_destroy_reports_and_keeps_the_handle_on_failure(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = test_ioas_new(ctx, IOAS_ID);

	(void)state;
	assert_int_equal(iommufd_ioas_destroy(NULL), -EINVAL);
	/* Another reference: refused without asking the kernel. */
	iommufd_ioas_ref(ioas);
	assert_int_equal(iommufd_ioas_destroy(ioas), -EBUSY);
	assert_logged("<3>", "DESTROY IOAS 3: EBUSY", "1 other references");
	iommufd_ioas_unref(ioas);
	/* The kernel's EBUSY: returned, the handle stays valid, not deferred. */
	log_reset();
	expect_destroy(IOAS_ID, EBUSY);
	assert_int_equal(iommufd_ioas_destroy(ioas), -EBUSY);
	assert_logged("<3>", "DESTROY IOAS 3: EBUSY", "still in use");
	assert_int_equal(iommufd_ioas_get_id(ioas), IOAS_ID);
	expect_destroy(IOAS_ID, ENOENT);
	assert_int_equal(iommufd_ioas_destroy(ioas), -ENOENT);
	/* Retrying succeeds and frees the handle (valgrind sees no leak). */
	expect_destroy(IOAS_ID, 0);
	assert_int_equal(iommufd_ioas_destroy(ioas), 0);
	iommufd_ctx_unref(ctx);		/* nothing deferred: no ioctl */
}

static void hwpt_destroy_reports(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .fallback = IOMMUFD_HWPT_FALLBACK_ATTACH);
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = test_ioas_new(ctx, IOAS_ID);
	struct iommufd_device *dev = test_device_new(ctx, DEV_ID);
	struct iommufd_hwpt *hwpt = NULL, *kernel = NULL;

	(void)state;
	assert_int_equal(iommufd_hwpt_destroy(NULL), -EINVAL);
	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(ioas_pt(ioas), dev, NULL, &hwpt), 0);
	test_attach(dev, iommufd_hwpt_as_pt(hwpt), HWPT_ID, HWPT_ID);
	assert_int_equal(iommufd_hwpt_destroy(hwpt), -EBUSY);	/* the device holds it */
	expect_detach(0);
	assert_int_equal(iommufd_device_detach(dev), 0);
	expect_destroy(HWPT_ID, EBUSY);
	assert_int_equal(iommufd_hwpt_destroy(hwpt), -EBUSY);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), HWPT_ID);
	expect_destroy(HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_destroy(hwpt), 0);
	/* A kernel-allocated HWPT with no device on it just goes: no ioctl. */
	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, 0, EOPNOTSUPP);
	expect_attach(IOAS_ID, KERNEL_HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(ioas_pt(ioas), dev, &opts, &kernel), 0);
	expect_detach(0);
	assert_int_equal(iommufd_device_detach(dev), 0);
	assert_int_equal(iommufd_hwpt_destroy(kernel), 0);
	iommufd_device_unref(dev);
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
}

static void viommu_and_vdevice_destroy_report(void **state)
{
	struct viommu_fixture f;
	struct iommufd_vdevice *vdev = NULL;

	(void)state;
	viommu_fixture(&f);
	assert_int_equal(iommufd_viommu_destroy(NULL), -EINVAL);
	assert_int_equal(iommufd_vdevice_destroy(NULL), -EINVAL);
	expect_vdevice_alloc(VIOMMU_ID, DEV_ID, 0x42, VDEV_ID, 0);
	assert_int_equal(iommufd_vdevice_alloc(f.viommu, f.dev, 0x42, &vdev), 0);
	assert_int_equal(iommufd_viommu_destroy(f.viommu), -EBUSY);	/* the vDevice */
	expect_destroy(VDEV_ID, EBUSY);
	assert_int_equal(iommufd_vdevice_destroy(vdev), -EBUSY);
	assert_int_equal(iommufd_vdevice_get_virt_id(vdev), 0x42);
	expect_destroy(VDEV_ID, 0);
	assert_int_equal(iommufd_vdevice_destroy(vdev), 0);
	expect_destroy(VIOMMU_ID, EBUSY);
	assert_int_equal(iommufd_viommu_destroy(f.viommu), -EBUSY);
	assert_int_equal(iommufd_viommu_get_id(f.viommu), VIOMMU_ID);
	expect_destroy(VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_destroy(f.viommu), 0);
	expect_destroy(PARENT_ID, 0);
	iommufd_hwpt_unref(f.parent);
	iommufd_device_unref(f.dev);
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(f.ioas);
	iommufd_ctx_unref(f.ctx);
}

/* Queues with fds: the fd is closed first; a failed destroy keeps the handle. */
static void fault_queue_and_veventq_destroy_report(void **state)
{
	struct viommu_fixture f;
	struct iommufd_fault_queue *fq = NULL;
	struct iommufd_veventq *eq = NULL;
	int fq_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int eq_fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)state;
	assert_true(fq_fd >= 0 && eq_fd >= 0);
	viommu_fixture(&f);
	assert_int_equal(iommufd_fault_queue_destroy(NULL), -EINVAL);
	assert_int_equal(iommufd_veventq_destroy(NULL), -EINVAL);
	expect_fault_alloc(FAULT_ID, fq_fd, 0);
	assert_int_equal(iommufd_fault_queue_alloc(f.ctx, &fq), 0);
	iommufd_fault_queue_ref(fq);
	assert_int_equal(iommufd_fault_queue_destroy(fq), -EBUSY);	/* no ioctl */
	assert_true(fd_is_open(fq_fd));
	iommufd_fault_queue_unref(fq);
	expect_destroy_closed(FAULT_ID, fq_fd, EBUSY);
	assert_int_equal(iommufd_fault_queue_destroy(fq), -EBUSY);
	assert_int_equal(iommufd_fault_queue_get_fd(fq), -EBADF);
	assert_int_equal(iommufd_fault_queue_get_id(fq), FAULT_ID);
	expect_destroy(FAULT_ID, 0);
	assert_int_equal(iommufd_fault_queue_destroy(fq), 0);

	expect_veventq_alloc(VIOMMU_ID, 1, 16, VEVENTQ_ID, eq_fd, 0);
	assert_int_equal(iommufd_veventq_alloc(f.viommu, 1, 16, &eq), 0);
	expect_destroy_closed(VEVENTQ_ID, eq_fd, EBUSY);
	assert_int_equal(iommufd_veventq_destroy(eq), -EBUSY);
	assert_int_equal(iommufd_veventq_get_fd(eq), -EBADF);
	expect_destroy(VEVENTQ_ID, 0);
	assert_int_equal(iommufd_veventq_destroy(eq), 0);

	expect_destroy(VIOMMU_ID, 0);
	iommufd_viommu_unref(f.viommu);
	expect_destroy(PARENT_ID, 0);
	iommufd_hwpt_unref(f.parent);
	iommufd_device_unref(f.dev);
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(f.ioas);
	iommufd_ctx_unref(f.ctx);
}

/* A successful explicit destroy retries what was deferred. */
static void explicit_destroy_retries_the_deferred(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *a = test_ioas_new(ctx, IOAS_ID);
	struct iommufd_hwpt *hwpt = NULL;

	(void)state;
	assert_int_equal(iommufd_hwpt_new_from_id(ctx, HWPT_ID, 0, IOMMUFD_ADOPT_OWN, &hwpt), 0);
	expect_destroy(IOAS_ID, EBUSY);
	iommufd_ioas_unref(a);
	expect_destroy(HWPT_ID, 0);
	expect_destroy(IOAS_ID, 0);
	assert_int_equal(iommufd_hwpt_destroy(hwpt), 0);
	script_assert_done();		/* not left for the close to find */
	iommufd_ctx_unref(ctx);
}

/* ==== handles for existing objects ====================================== */

static void ioas_new_from_id_rejects_bad_arguments(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = (void *)0x1;

	(void)state;
	/* Nothing scripted: none of these reaches the kernel. */
	assert_int_equal(iommufd_ioas_new_from_id(NULL, IOAS_ID, IOMMUFD_ADOPT_BORROW, &ioas),
			 -EINVAL);
	assert_int_equal(iommufd_ioas_new_from_id(ctx, 0, IOMMUFD_ADOPT_BORROW, &ioas), -EINVAL);
	assert_int_equal(iommufd_ioas_new_from_id(ctx, IOAS_ID, IOMMUFD_ADOPT_BORROW, NULL),
			 -EINVAL);
	assert_int_equal(iommufd_ioas_new_from_id(ctx, IOAS_ID, 2, &ioas), -EINVAL);
	assert_logged("ioas_new_from_id", "adopt 2");
	assert_ptr_equal(ioas, (void *)0x1);
	iommufd_ctx_unref(ctx);
}

/* The ID is checked with IOVA_RANGES: only an IOAS answers it. */
static void ioas_new_from_id_validates_the_id(void **state)
{
	static const struct kabi_iova_range one[] = { { .start = 0, .last = UINT64_MAX } };
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = (void *)0x1;

	(void)state;
	expect_iova_ranges(HWPT_ID, 0, NULL, 0, 0, ENOENT);	/* a HWPT's ID */
	assert_int_equal(iommufd_ioas_new_from_id(ctx, HWPT_ID, IOMMUFD_ADOPT_BORROW, &ioas),
			 -ENOENT);
	assert_logged("<3>", "ioas_new_from_id: ID 6", "ENOENT", "no IOAS of this ID");
	assert_ptr_equal(ioas, (void *)0x1);
	/* An IOAS with ranges says EMSGSIZE to no room; one with none says 0. */
	expect_iova_ranges(IOAS_ID, 0, one, 1, 0, EMSGSIZE);
	assert_int_equal(iommufd_ioas_new_from_id(ctx, IOAS_ID, IOMMUFD_ADOPT_BORROW, &ioas), 0);
	assert_int_equal(iommufd_ioas_get_id(ioas), IOAS_ID);
	iommufd_ioas_unref(ioas);	/* borrowed: no DESTROY */
	expect_iova_ranges(IOAS2_ID, 0, NULL, 0, 4096, 0);
	assert_int_equal(iommufd_ioas_new_from_id(ctx, IOAS2_ID, IOMMUFD_ADOPT_OWN, &ioas), 0);
	expect_destroy(IOAS2_ID, 0);
	iommufd_ioas_unref(ioas);	/* owned */
	iommufd_ctx_unref(ctx);
}

/* An adopted IOAS works like one the library made: map, attach... */
static void adopted_ioas_is_usable(void **state)
{
	static char page[4096] __attribute__((aligned(4096)));
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = test_device_new(ctx, DEV_ID);
	struct iommufd_ioas *ioas = NULL;

	(void)state;
	expect_iova_ranges(IOAS_ID, 0, NULL, 2, 0, EMSGSIZE);
	assert_int_equal(iommufd_ioas_new_from_id(ctx, IOAS_ID, IOMMUFD_ADOPT_BORROW, &ioas), 0);
	expect_ioas_map(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | KABI_IOAS_MAP_READABLE, page,
			sizeof(page), 0x1000, 0x1000, 0);
	assert_int_equal(iommufd_ioas_map_fixed(ioas, page, sizeof(page), 0x1000,
						IOMMUFD_MAP_READ), 0);
	test_attach(dev, ioas_pt(ioas), IOAS_ID, KERNEL_HWPT_ID);
	iommufd_ioas_unref(ioas);	/* the device holds it */
	expect_detach(0);
	iommufd_device_unref(dev);	/* and never a DESTROY of the borrowed IOAS */
	iommufd_ctx_unref(ctx);
}

static void hwpt_new_from_id_borrows_or_owns(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_hwpt *hwpt = (void *)0x1;

	(void)state;
	assert_int_equal(iommufd_hwpt_new_from_id(NULL, HWPT_ID, 0, IOMMUFD_ADOPT_BORROW, &hwpt),
			 -EINVAL);
	assert_int_equal(iommufd_hwpt_new_from_id(ctx, 0, 0, IOMMUFD_ADOPT_BORROW, &hwpt), -EINVAL);
	assert_int_equal(iommufd_hwpt_new_from_id(ctx, HWPT_ID, 0, IOMMUFD_ADOPT_BORROW, NULL),
			 -EINVAL);
	assert_int_equal(iommufd_hwpt_new_from_id(ctx, HWPT_ID, 1u << 20, IOMMUFD_ADOPT_BORROW,
						  &hwpt), -EINVAL);
	assert_logged("unknown flags");
	assert_int_equal(iommufd_hwpt_new_from_id(ctx, HWPT_ID, 0, 7, &hwpt), -EINVAL);
	assert_ptr_equal(hwpt, (void *)0x1);
	/* The flags are the caller's word (the kernel cannot report them). */
	assert_int_equal(iommufd_hwpt_new_from_id(ctx, HWPT_ID, IOMMUFD_HWPT_NEST_PARENT,
						  IOMMUFD_ADOPT_BORROW, &hwpt), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), HWPT_ID);
	assert_int_equal(iommufd_hwpt_get_flags(hwpt), IOMMUFD_HWPT_NEST_PARENT);
	assert_false(iommufd_hwpt_is_kernel_allocated(hwpt));
	iommufd_hwpt_unref(hwpt);	/* borrowed: no DESTROY */
	assert_int_equal(iommufd_hwpt_new_from_id(ctx, HWPT_ID, 0, IOMMUFD_ADOPT_OWN, &hwpt), 0);
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(hwpt);
	iommufd_ctx_unref(ctx);
}

/* An adopted nest parent can carry a vIOMMU made on it. */
static void adopted_nest_parent_takes_a_viommu(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *parent = NULL;
	struct iommufd_viommu *viommu = NULL;

	(void)state;
	assert_int_equal(iommufd_device_new_from_id(ctx, DEV_ID, -1, IOMMUFD_ADOPT_BORROW, &dev), 0);
	assert_int_equal(iommufd_hwpt_new_from_id(ctx, PARENT_ID, IOMMUFD_HWPT_NEST_PARENT,
						  IOMMUFD_ADOPT_BORROW, &parent), 0);
	expect_viommu_alloc(DEV_ID, PARENT_ID, IOMMUFD_VIOMMU_ARM_SMMUV3, NULL, 0, VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(parent, dev, IOMMUFD_VIOMMU_ARM_SMMUV3, NULL,
					      &viommu), 0);
	iommufd_hwpt_unref(parent);
	expect_destroy(VIOMMU_ID, 0);	/* made by the library: owned */
	iommufd_viommu_unref(viommu);	/* then the borrowed parent: nothing */
	iommufd_device_unref(dev);
	iommufd_ctx_unref(ctx);
}

static void viommu_new_from_id_borrows_or_owns(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_viommu *viommu = (void *)0x1;

	(void)state;
	assert_int_equal(iommufd_viommu_new_from_id(NULL, VIOMMU_ID, IOMMUFD_VIOMMU_ARM_SMMUV3,
						    IOMMUFD_ADOPT_BORROW, &viommu), -EINVAL);
	assert_int_equal(iommufd_viommu_new_from_id(ctx, 0, IOMMUFD_VIOMMU_ARM_SMMUV3,
						    IOMMUFD_ADOPT_BORROW, &viommu), -EINVAL);
	assert_int_equal(iommufd_viommu_new_from_id(ctx, VIOMMU_ID, 0, IOMMUFD_ADOPT_BORROW,
						    &viommu), -EINVAL);
	assert_int_equal(iommufd_viommu_new_from_id(ctx, VIOMMU_ID, IOMMUFD_VIOMMU_ARM_SMMUV3,
						    IOMMUFD_ADOPT_BORROW, NULL), -EINVAL);
	assert_int_equal(iommufd_viommu_new_from_id(ctx, VIOMMU_ID, IOMMUFD_VIOMMU_ARM_SMMUV3, 5,
						    &viommu), -EINVAL);
	assert_ptr_equal(viommu, (void *)0x1);
	assert_int_equal(iommufd_viommu_new_from_id(ctx, VIOMMU_ID, IOMMUFD_VIOMMU_ARM_SMMUV3,
						    IOMMUFD_ADOPT_BORROW, &viommu), 0);
	assert_int_equal(iommufd_viommu_get_id(viommu), VIOMMU_ID);
	assert_int_equal(iommufd_viommu_get_type(viommu), IOMMUFD_VIOMMU_ARM_SMMUV3);
	iommufd_viommu_unref(viommu);	/* borrowed: no DESTROY */
	assert_int_equal(iommufd_viommu_new_from_id(ctx, VIOMMU_ID, IOMMUFD_VIOMMU_ARM_SMMUV3,
						    IOMMUFD_ADOPT_OWN, &viommu), 0);
	expect_destroy(VIOMMU_ID, 0);
	iommufd_viommu_unref(viommu);
	iommufd_ctx_unref(ctx);
}

static void vdevice_new_from_id_borrows_or_owns(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ctx *other = test_ctx_new();
	struct iommufd_device *dev = NULL, *foreign = NULL;
	struct iommufd_viommu *viommu = NULL;
	struct iommufd_vdevice *vdev = (void *)0x1;

	(void)state;
	script_set_iommufd(iommufd_ctx_get_fd(ctx));
	assert_int_equal(iommufd_device_new_from_id(ctx, DEV_ID, -1, IOMMUFD_ADOPT_BORROW, &dev), 0);
	assert_int_equal(iommufd_device_new_from_id(other, DEV_ID, -1, IOMMUFD_ADOPT_BORROW,
						    &foreign), 0);
	assert_int_equal(iommufd_viommu_new_from_id(ctx, VIOMMU_ID, IOMMUFD_VIOMMU_ARM_SMMUV3,
						    IOMMUFD_ADOPT_BORROW, &viommu), 0);
	assert_int_equal(iommufd_vdevice_new_from_id(NULL, dev, VDEV_ID, 0x42,
						     IOMMUFD_ADOPT_BORROW, &vdev), -EINVAL);
	assert_int_equal(iommufd_vdevice_new_from_id(viommu, dev, 0, 0x42,
						     IOMMUFD_ADOPT_BORROW, &vdev), -EINVAL);
	assert_int_equal(iommufd_vdevice_new_from_id(viommu, dev, VDEV_ID, 0x42,
						     IOMMUFD_ADOPT_BORROW, NULL), -EINVAL);
	assert_int_equal(iommufd_vdevice_new_from_id(viommu, foreign, VDEV_ID, 0x42,
						     IOMMUFD_ADOPT_BORROW, &vdev), -EINVAL);
	assert_logged("another context");
	assert_int_equal(iommufd_vdevice_new_from_id(viommu, dev, VDEV_ID, 0x42, 3, &vdev),
			 -EINVAL);
	assert_ptr_equal(vdev, (void *)0x1);
	iommufd_device_unref(foreign);
	iommufd_ctx_unref(other);
	/* Borrowed, with a device; it holds the vIOMMU and the device. */
	assert_int_equal(iommufd_vdevice_new_from_id(viommu, dev, VDEV_ID, 0x42,
						     IOMMUFD_ADOPT_BORROW, &vdev), 0);
	assert_int_equal(iommufd_vdevice_get_id(vdev), VDEV_ID);
	assert_int_equal(iommufd_vdevice_get_virt_id(vdev), 0x42);
	assert_int_equal(iommufd_viommu_destroy(viommu), -EBUSY);
	iommufd_vdevice_unref(vdev);	/* no DESTROY */
	/* Owned, without a device handle. */
	assert_int_equal(iommufd_vdevice_new_from_id(viommu, NULL, VDEV_ID, 0x43,
						     IOMMUFD_ADOPT_OWN, &vdev), 0);
	iommufd_viommu_unref(viommu);	/* the vDevice holds it */
	expect_destroy(VDEV_ID, 0);
	iommufd_vdevice_unref(vdev);	/* then the borrowed vIOMMU: nothing */
	iommufd_device_unref(dev);
	iommufd_ctx_unref(ctx);
}

/* ==== a device adopted with its cdev ===================================== */

/* The attachment starts unknown: attach, replace and detach all work. */
static void adopted_cdev_starts_with_an_unknown_attachment(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = test_ioas_new(ctx, IOAS_ID);
	struct iommufd_device *dev = NULL;
	int cdev = open("/dev/null", O_RDWR | O_CLOEXEC);
	uint32_t hwpt_id = 0;

	(void)state;
	assert_true(cdev >= 0);
	script_set_devfd(cdev);
	/* replace first: the kernel may have it attached somewhere. */
	assert_int_equal(iommufd_device_new_from_id(ctx, DEV_ID, cdev, IOMMUFD_ADOPT_BORROW,
						    &dev), 0);
	assert_int_equal(iommufd_device_get_fd(dev), cdev);
	assert_null(iommufd_device_get_pt(dev));
	expect_attach(IOAS_ID, KERNEL_HWPT_ID, 0);
	assert_int_equal(iommufd_device_replace(dev, ioas_pt(ioas)), 0);
	assert_int_equal(iommufd_device_get_hwpt_id(dev, &hwpt_id), 0);
	assert_int_equal(hwpt_id, KERNEL_HWPT_ID);
	expect_detach(0);
	iommufd_device_unref(dev);
	assert_true(fd_is_open(cdev));
	/* attach first. */
	assert_int_equal(iommufd_device_new_from_id(ctx, DEV_ID, cdev, IOMMUFD_ADOPT_BORROW,
						    &dev), 0);
	expect_attach(IOAS_ID, KERNEL_HWPT_ID, 0);
	assert_int_equal(iommufd_device_attach(dev, ioas_pt(ioas)), 0);
	assert_ptr_equal(iommufd_device_get_pt(dev), ioas_pt(ioas));
	expect_detach(0);
	assert_int_equal(iommufd_device_detach(dev), 0);
	iommufd_device_unref(dev);	/* detached: no ioctl */
	/* detach first; then it is known to be detached. */
	assert_int_equal(iommufd_device_new_from_id(ctx, DEV_ID, cdev, IOMMUFD_ADOPT_BORROW,
						    &dev), 0);
	expect_detach(0);
	assert_int_equal(iommufd_device_detach(dev), 0);
	assert_int_equal(iommufd_device_replace(dev, ioas_pt(ioas)), -EINVAL);
	assert_int_equal(iommufd_device_detach(dev), -EINVAL);
	assert_logged("DETACH device 2", "not attached");
	/* A failed replace leaves it unknown: a later one is still allowed. */
	iommufd_device_unref(dev);
	assert_int_equal(iommufd_device_new_from_id(ctx, DEV_ID, cdev, IOMMUFD_ADOPT_BORROW,
						    &dev), 0);
	expect_attach(IOAS_ID, 0, EINVAL);
	assert_int_equal(iommufd_device_replace(dev, ioas_pt(ioas)), -EINVAL);
	assert_logged("<7>", "REPLACE device 2 to IOAS 3", "stays where it was");
	expect_attach(IOAS_ID, KERNEL_HWPT_ID, 0);
	assert_int_equal(iommufd_device_replace(dev, ioas_pt(ioas)), 0);
	expect_detach(0);
	iommufd_device_unref(dev);
	/* Unref of an unknown attachment detaches nothing: not ours. */
	assert_int_equal(iommufd_device_new_from_id(ctx, DEV_ID, cdev, IOMMUFD_ADOPT_BORROW,
						    &dev), 0);
	iommufd_device_unref(dev);
	assert_true(fd_is_open(cdev));
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
	close(cdev);
}

/* An owned cdev is closed at the last unref (which unbinds the device). */
static void adopted_cdev_owned_is_closed_at_the_last_unref(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = NULL;
	int cdev = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)state;
	assert_true(cdev >= 0);
	assert_int_equal(iommufd_device_new_from_id(ctx, DEV_ID, cdev, IOMMUFD_ADOPT_OWN, &dev), 0);
	iommufd_device_ref(dev);
	iommufd_device_unref(dev);
	assert_true(fd_is_open(cdev));
	iommufd_device_unref(dev);
	assert_false(fd_is_open(cdev));
	iommufd_ctx_unref(ctx);
}

/* ==== handing the context over =========================================== */

/*
 * A process that sent its fds to another one and goes on: after the
 * hand-over its last unrefs destroy and detach nothing (no ioctl is
 * scripted), deferred destroys are dropped, owned fds are still closed.
 */
static void hand_over_makes_unrefs_leave_the_kernel_state(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = test_ioas_new(ctx, IOAS_ID);
	struct iommufd_hwpt *hwpt = NULL, *busy = NULL;
	struct iommufd_device *dev = NULL;
	int cdev = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)state;
	assert_true(cdev >= 0);
	assert_int_equal(iommufd_hwpt_new_from_id(ctx, HWPT_ID, 0, IOMMUFD_ADOPT_OWN, &hwpt), 0);
	assert_int_equal(iommufd_hwpt_new_from_id(ctx, PARENT_ID, 0, IOMMUFD_ADOPT_OWN, &busy), 0);
	assert_int_equal(iommufd_device_new_from_id(ctx, DEV_ID, cdev, IOMMUFD_ADOPT_OWN, &dev), 0);
	script_set_devfd(cdev);
	expect_attach(HWPT_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_device_attach(dev, iommufd_hwpt_as_pt(hwpt)), 0);
	expect_destroy(PARENT_ID, EBUSY);
	iommufd_hwpt_unref(busy);		/* deferred */
	script_assert_done();
	log_reset();
	assert_int_equal(iommufd_ctx_hand_over(ctx), 0);
	iommufd_device_unref(dev);		/* no DETACH */
	assert_false(fd_is_open(cdev));		/* owned: our copy is closed */
	iommufd_hwpt_unref(hwpt);		/* no DESTROY */
	iommufd_ioas_unref(ioas);		/* no DESTROY */
	iommufd_ctx_unref(ctx);			/* no retry of the deferred one */
	script_assert_done();
	assert_logged("<7>", "HWPT 6 left to the process");
	assert_logged("<7>", "HWPT 5 left to the process");
	assert_false(log_has("<3>"));
	assert_int_equal(iommufd_ctx_hand_over(NULL), -EINVAL);
}

/* The probe's trial objects could not go after a hand-over: refused. */
static void probe_after_hand_over_is_refused(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = NULL;
	struct iommufd_probe p = { .sz = sizeof(p) };

	(void)state;
	assert_int_equal(iommufd_device_new_from_id(ctx, DEV_ID, -1, IOMMUFD_ADOPT_BORROW, &dev), 0);
	assert_int_equal(iommufd_ctx_hand_over(ctx), 0);
	assert_int_equal(iommufd_device_probe(dev, &p), -EINVAL);
	assert_logged("handed over");
	iommufd_device_unref(dev);
	iommufd_ctx_unref(ctx);
}

/* ==== adopting an iommufd ================================================ */

/* Defect 3: /dev/null was accepted; the kernel's answer now decides. */
static void ctx_new_from_fd_refuses_a_file_that_is_not_an_iommufd(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .log_fn = log_capture);
	struct iommufd_ctx *ctx = (void *)0x1;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	script_set_iommufd(fd);
	expect_destroy(0, ENOTTY);	/* what /dev/null answers */
	assert_int_equal(iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_BORROW, &opts, &ctx), -ENOTTY);
	assert_ptr_equal(ctx, (void *)0x1);
	assert_logged("<3>", "fd", "is not an iommufd", "gave ENOTTY", "/dev/iommu");
	assert_true(fd_is_open(fd));	/* borrowed: the caller's still */
	/* A success to DESTROY 0 is no iommufd either. */
	log_reset();
	expect_destroy(0, 0);
	assert_int_equal(iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_BORROW, &opts, &ctx), -ENOTTY);
	assert_logged("is not an iommufd", "gave success");
	/* Handed over: closed on the failure too, not leaked. */
	expect_destroy(0, EINVAL);
	assert_int_equal(iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_OWN, &opts, &ctx), -ENOTTY);
	assert_false(fd_is_open(fd));
	assert_ptr_equal(ctx, (void *)0x1);
	/* Also when the arguments are refused: ownership was handed over. */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_OWN, &opts, NULL), -EINVAL);
	assert_false(fd_is_open(fd));
}

static void ctx_new_from_fd_of_a_closed_fd_is_ebadf(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .log_fn = log_capture);
	struct iommufd_ctx *ctx = (void *)0x1;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	/* Nothing scripted: no ioctl on a closed fd. */
	assert_int_equal(iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_BORROW, &opts, &ctx), -EBADF);
	assert_logged("<3>", "EBADF", "not an open file descriptor");
	assert_int_equal(iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_OWN, &opts, &ctx), -EBADF);
	assert_int_equal(iommufd_ctx_new_from_fd(fd, 2, &opts, &ctx), -EINVAL);
	assert_ptr_equal(ctx, (void *)0x1);
}

/* OWN: the context closes the fd at its last unref, after its children. */
static void ctx_new_from_fd_owned_closes_at_the_last_unref(void **state)
{
	int fd;
	struct iommufd_ctx *ctx = adopted_ctx(IOMMUFD_ADOPT_OWN, &fd);
	struct iommufd_ioas *ioas = test_ioas_new(ctx, IOAS_ID);

	(void)state;
	assert_int_equal(iommufd_ctx_get_fd(ctx), fd);
	assert_logged("adopted iommufd fd", "closed by the context");
	iommufd_ctx_unref(ctx);
	assert_true(fcntl(fd, F_GETFD) >= 0);	/* the IOAS holds the context */
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(ioas);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
}

static void ctx_new_from_fd_borrowed_never_closes(void **state)
{
	int fd;
	struct iommufd_ctx *ctx = adopted_ctx(IOMMUFD_ADOPT_BORROW, &fd);

	(void)state;
	assert_logged("adopted iommufd fd", "the caller keeps ownership");
	iommufd_ctx_unref(ctx);
	assert_true(fcntl(fd, F_GETFD) >= 0);
	close(fd);
}

/* ==== iommufd_last_error() =============================================== */

/* The line after "<prio> fn: " of the last captured log line. */
static const char *last_logged_message(void)
{
	const char *line = log_line(log_count() - 1);
	const char *msg;

	assert_non_null(line);
	msg = strstr(line, ": ");
	assert_non_null(msg);
	return msg + 2;
}

static void last_error_is_the_logged_sentence(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = NULL;

	(void)state;
	log_reset();
	expect_ioas_alloc(0, ENOSPC);
	assert_int_equal(iommufd_ioas_alloc(ctx, &ioas), -ENOSPC);
	assert_string_equal(iommufd_last_error(), last_logged_message());
	assert_non_null(strstr(iommufd_last_error(), "IOAS_ALLOC: ENOSPC"));
	/* A success leaves it as it was. */
	ioas = test_ioas_new(ctx, IOAS_ID);
	assert_non_null(strstr(iommufd_last_error(), "IOAS_ALLOC: ENOSPC"));
	/* The next failure replaces it. */
	expect_ioas_unmap(IOAS_ID, 0x1000, 0x1000, 0, ENOENT);
	assert_int_equal(iommufd_ioas_unmap(ioas, 0x1000, 0x1000, 0, NULL), -ENOENT);
	assert_string_equal(iommufd_last_error(), last_logged_message());
	assert_non_null(strstr(iommufd_last_error(), "IOAS_UNMAP IOAS 3"));
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
}

/* Without a log function (and below the log priority) it is still set. */
static void last_error_is_set_without_a_log_fn(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = NULL;

	(void)state;
	assert_int_equal(iommufd_ctx_set_log_fn(ctx, NULL, NULL), 0);
	log_reset();
	expect_ioas_alloc(0, EMFILE);
	assert_int_equal(iommufd_ioas_alloc(ctx, &ioas), -EMFILE);
	assert_int_equal(log_count(), 0);
	assert_string_equal(iommufd_last_error(), "IOAS_ALLOC: EMFILE");
	/* A failure with no context at all. */
	assert_int_equal(iommufd_ctx_new_from_fd(-1, IOMMUFD_ADOPT_BORROW, NULL, &ctx), -EINVAL);
	assert_non_null(strstr(iommufd_last_error(), "ctx_new_from_fd: fd -1"));
	assert_int_equal(iommufd_ioas_new_from_id(NULL, 3, IOMMUFD_ADOPT_BORROW, &ioas), -EINVAL);
	assert_non_null(strstr(iommufd_last_error(), "ioas_new_from_id"));
	/* Logged at LOG_DEBUG, filtered by LOG_ERR: still the thread's error. */
	assert_int_equal(iommufd_ctx_set_log_fn(ctx, log_capture, NULL), 0);
	assert_int_equal(iommufd_ctx_set_log_priority(ctx, LOG_ERR), 0);
	{
		struct iommufd_device *dev = test_device_new(ctx, DEV_ID);

		ioas = test_ioas_new(ctx, IOAS_ID);
		log_reset();
		expect_attach(IOAS_ID, 0, EINVAL);
		assert_int_equal(iommufd_device_attach(dev, ioas_pt(ioas)), -EINVAL);
		assert_int_equal(log_count(), 0);
		assert_non_null(strstr(iommufd_last_error(), "ATTACH device 2 to IOAS 3: EINVAL"));
		iommufd_device_unref(dev);
	}
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
}

struct thread_result {
	struct iommufd_ctx *ctx;
	char before[256];	/* the thread's last error at its start */
	char after[256];	/* after its own failure */
};

static void *failing_thread(void *arg)
{
	struct thread_result *r = arg;
	struct iommufd_ioas *ioas = NULL;

	snprintf(r->before, sizeof(r->before), "%s", iommufd_last_error());
	/* No ioctl: a caller's mistake is explained too (NULL result). */
	if (iommufd_ioas_new_from_id(r->ctx, 0, IOMMUFD_ADOPT_BORROW, &ioas) == -EINVAL)
		snprintf(r->after, sizeof(r->after), "%s", iommufd_last_error());
	return NULL;
}

/* Threads sharing a context each see their own last error. */
static void last_error_is_per_thread(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = NULL;
	struct thread_result r = { .ctx = ctx };
	pthread_t t;

	(void)state;
	expect_ioas_alloc(0, ENOSPC);
	assert_int_equal(iommufd_ioas_alloc(ctx, &ioas), -ENOSPC);
	assert_int_equal(pthread_create(&t, NULL, failing_thread, &r), 0);
	assert_int_equal(pthread_join(t, NULL), 0);
	assert_string_equal(r.before, "");	/* nothing failed in that thread yet */
	assert_non_null(strstr(r.after, "ioas_new_from_id"));
	assert_null(strstr(r.after, "ENOSPC"));
	/* This thread's error is still its own. */
	assert_string_equal(iommufd_last_error(), "IOAS_ALLOC: ENOSPC");
	iommufd_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KS_TEST(deferred_destroy_is_retried_after_the_next_destroy),
		KS_TEST(deferred_destroy_failing_otherwise_is_logged_and_dropped),
		KS_TEST(deferred_destroys_unblock_each_other),
		KS_TEST(deferred_destroy_is_retried_after_a_detach),
		KS_TEST(retry_destroys_reports_what_is_left),
		KS_TEST(close_retries_and_logs_what_is_left_of_an_owned_fd),
		KS_TEST(close_logs_what_is_left_of_a_borrowed_fd_as_an_error),
		KS_TEST(replace_of_an_adopted_device_unblocks_a_deferred_destroy),
		KS_TEST(hw_queue_0_released_first_is_destroyed_after_queue_1),
		KS_TEST(hw_queue_1_released_first_is_destroyed_first),
		KS_TEST(hw_queues_chain_over_every_index),
		KS_TEST(hw_queue_destroy_of_a_queue_below_another_is_ebusy),
		KS_TEST(ioas_destroy_reports_and_keeps_the_handle_on_failure),
		KS_TEST(hwpt_destroy_reports),
		KS_TEST(viommu_and_vdevice_destroy_report),
		KS_TEST(fault_queue_and_veventq_destroy_report),
		KS_TEST(explicit_destroy_retries_the_deferred),
		KS_TEST(ioas_new_from_id_rejects_bad_arguments),
		KS_TEST(ioas_new_from_id_validates_the_id),
		KS_TEST(adopted_ioas_is_usable),
		KS_TEST(hwpt_new_from_id_borrows_or_owns),
		KS_TEST(adopted_nest_parent_takes_a_viommu),
		KS_TEST(viommu_new_from_id_borrows_or_owns),
		KS_TEST(vdevice_new_from_id_borrows_or_owns),
		KS_TEST(adopted_cdev_starts_with_an_unknown_attachment),
		KS_TEST(adopted_cdev_owned_is_closed_at_the_last_unref),
		KS_TEST(hand_over_makes_unrefs_leave_the_kernel_state),
		KS_TEST(probe_after_hand_over_is_refused),
		KS_TEST(ctx_new_from_fd_refuses_a_file_that_is_not_an_iommufd),
		KS_TEST(ctx_new_from_fd_of_a_closed_fd_is_ebadf),
		KS_TEST(ctx_new_from_fd_owned_closes_at_the_last_unref),
		KS_TEST(ctx_new_from_fd_borrowed_never_closes),
		KS_TEST(last_error_is_the_logged_sentence),
		KS_TEST(last_error_is_set_without_a_log_fn),
		KS_TEST(last_error_is_per_thread),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
