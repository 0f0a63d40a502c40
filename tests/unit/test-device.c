// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Devices: bind (fd, path, PCI address), attach, replace, detach, release
 * in any order, hw info, and handles adopted by ID.
 */
#define _GNU_SOURCE
#ifdef HAVE_CONFIG_H
#include "config.h"	/* HAVE_LIBUDEV */
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "kernel-script.h"

#define DEV_ID TEST_ENV_DEV_ID
#define IOAS_ID TEST_ENV_IOAS_ID
#define IOAS2_ID 4
#define HWPT_ID 5
#define KERNEL_HWPT_ID 7
#define KERNEL_HWPT2_ID 8

#define T(fn) ENV_TEST(fn)

/* Asserts the device is attached to @pt with the kernel's HWPT @hwpt_id. */
static void assert_attached(struct iommufd_device *dev, struct iommufd_pt *pt,
			    uint32_t hwpt_id)
{
	uint32_t id = 0;

	assert_ptr_equal(iommufd_device_get_pt(dev), pt);
	assert_int_equal(iommufd_device_get_hwpt_id(dev, &id), 0);
	assert_int_equal(id, hwpt_id);
}

static void assert_detached(struct iommufd_device *dev)
{
	uint32_t id = 0x5a5a;

	assert_null(iommufd_device_get_pt(dev));
	assert_int_equal(iommufd_device_get_hwpt_id(dev, &id), -ENOENT);
	assert_int_equal(id, 0x5a5a);
}

/* ---- bind -------------------------------------------------------------- */

static void bind_fd_keeps_the_callers_fd(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = NULL;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)state;
	script_set_devfd(fd);
	expect_bind(iommufd_ctx_get_fd(ctx), 12, 0);
	assert_int_equal(iommufd_device_bind_fd(ctx, fd, &dev), 0);
	assert_int_equal(iommufd_device_get_id(dev), 12);
	assert_int_equal(iommufd_device_get_fd(dev), fd);
	assert_detached(dev);
	assert_null(iommufd_device_unref(dev));
	assert_true(fd_is_open(fd));
	iommufd_ctx_unref(ctx);
	close(fd);
}

static void bind_fd_failure_keeps_the_callers_fd(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = (void *)0x1;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)state;
	script_set_devfd(fd);
	expect_bind(iommufd_ctx_get_fd(ctx), 0, EBUSY);
	assert_int_equal(iommufd_device_bind_fd(ctx, fd, &dev), -EBUSY);
	assert_ptr_equal(dev, (void *)0x1);
	assert_true(fd_is_open(fd));
	iommufd_ctx_unref(ctx);
	close(fd);
}

/* A VF token: 24 bytes, the TOKEN flag, the token's address; errors explained. */
static void bind_fd_token_sends_the_token(void **state)
{
	static const uint8_t token[16] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4 };
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = (void *)0x1;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)state;
	script_set_devfd(fd);
	assert_int_equal(iommufd_device_bind_fd_token(ctx, fd, NULL, &dev), -EINVAL);
	assert_int_equal(iommufd_device_bind_fd_token(NULL, fd, token, &dev), -EINVAL);
	assert_int_equal(iommufd_device_bind_fd_token(ctx, -1, token, &dev), -EINVAL);
	assert_int_equal(iommufd_device_bind_fd_token(ctx, fd, token, NULL), -EINVAL);
	assert_ptr_equal(dev, (void *)0x1);
	log_reset();
	expect_bind_token(iommufd_ctx_get_fd(ctx), token, 0, EACCES);
	assert_int_equal(iommufd_device_bind_fd_token(ctx, fd, token, &dev), -EACCES);
	assert_logged("VFIO BIND", "EACCES", "VF token");
	log_reset();
	expect_bind_token(iommufd_ctx_get_fd(ctx), token, 0, EINVAL);
	assert_int_equal(iommufd_device_bind_fd_token(ctx, fd, token, &dev), -EINVAL);
	assert_logged("VFIO BIND", "EINVAL", "before 6.17");
	assert_ptr_equal(dev, (void *)0x1);
	expect_bind_token(iommufd_ctx_get_fd(ctx), token, 14, 0);
	assert_int_equal(iommufd_device_bind_fd_token(ctx, fd, token, &dev), 0);
	assert_int_equal(iommufd_device_get_id(dev), 14);
	assert_null(iommufd_device_unref(dev));
	assert_true(fd_is_open(fd));	/* the caller's, as with bind_fd */
	iommufd_ctx_unref(ctx);
	close(fd);
}

static void bind_path_opens_and_closes_the_cdev(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	int before = count_open_fds();
	struct iommufd_device *dev = test_device_new(ctx, DEV_ID);
	int fd = iommufd_device_get_fd(dev);

	(void)state;
	assert_int_equal(count_open_fds(), before + 1);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	assert_null(iommufd_device_unref(dev));
	assert_false(fd_is_open(fd));
	assert_int_equal(count_open_fds(), before);
	iommufd_ctx_unref(ctx);
}

static void bind_errors_pass_through_and_are_explained(void **state)
{
	static const struct { int err; const char *w1, *w2; } cases[] = {
		{ EPERM, "no interrupt remapping", "allow_unsafe_interrupts" },
		{ EBUSY, "EBUSY", "VFIO group" },
		{ ENOTTY, "ENOTTY", "not a VFIO device cdev" },
		/* Both kernels answer a second bind with EINVAL (issue 8, defect 7). */
		{ EINVAL, "bound already", "iommufd_device_new_from_id" },
		{ ENOMEM, "ENOMEM", "VFIO BIND" },
	};
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = (void *)0x1;
	int before = count_open_fds();

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		log_reset();
		expect_bind(iommufd_ctx_get_fd(ctx), 0, cases[i].err);
		assert_int_equal(iommufd_device_bind_path(ctx, "/dev/null", &dev),
				 -cases[i].err);
		assert_logged(cases[i].w1, cases[i].w2);
		assert_false(fd_is_open(script_last_fd()));	/* closed again */
	}
	assert_ptr_equal(dev, (void *)0x1);
	assert_int_equal(count_open_fds(), before);
	iommufd_ctx_unref(ctx);
}

static void bind_path_open_failure(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = (void *)0x1;

	(void)state;
	assert_int_equal(iommufd_device_bind_path(ctx, "/nonexistent/vfio0", &dev), -ENOENT);
	assert_ptr_equal(dev, (void *)0x1);
	assert_logged("open /nonexistent/vfio0", "ENOENT");
	iommufd_ctx_unref(ctx);
}

static void bind_rejects_bad_arguments(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = NULL;

	(void)state;
	assert_int_equal(iommufd_device_bind_fd(NULL, 0, &dev), -EINVAL);
	assert_int_equal(iommufd_device_bind_fd(ctx, -1, &dev), -EINVAL);
	assert_int_equal(iommufd_device_bind_fd(ctx, 0, NULL), -EINVAL);
	assert_int_equal(iommufd_device_bind_path(NULL, "/dev/null", &dev), -EINVAL);
	assert_int_equal(iommufd_device_bind_path(ctx, NULL, &dev), -EINVAL);
	assert_int_equal(iommufd_device_bind_path(ctx, "", &dev), -EINVAL);
	assert_int_equal(iommufd_device_bind_path(ctx, "/dev/null", NULL), -EINVAL);
	assert_int_equal(iommufd_device_bind_pci(NULL, "00:03.0", &dev), -EINVAL);
	assert_int_equal(iommufd_device_bind_pci(ctx, NULL, &dev), -EINVAL);
	assert_int_equal(iommufd_device_bind_pci(ctx, "00:03.0", NULL), -EINVAL);
	assert_null(dev);
	iommufd_ctx_unref(ctx);
}

static void bind_pci_rejects_malformed_addresses(void **state)
{
	static const char *const bad[] = {
		"", "0000:00:03", "00:03.8", "00:20.0", "0000:00:03.0/..", "zz:03.0",
		"0000:00:03.00", "../../../dev/null",
	};
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(iommufd_device_bind_pci(ctx, bad[i], &dev), -EINVAL);
	assert_logged("is not a PCI address");
	assert_null(dev);
	iommufd_ctx_unref(ctx);
}

static void bind_pci_of_an_absent_device(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = NULL;

	(void)state;
#ifdef HAVE_LIBUDEV
	assert_int_equal(iommufd_device_bind_pci(ctx, "00fe:fd:1f.7", &dev), -ENODEV);
	assert_logged("/sys/bus/pci/devices/00fe:fd:1f.7", "no such device");
#else	/* configure --without-libudev: no discovery (test-discover-none.c) */
	assert_int_equal(iommufd_device_bind_pci(ctx, "00fe:fd:1f.7", &dev), -EOPNOTSUPP);
	assert_logged("/sys/bus/pci/devices/00fe:fd:1f.7", "without libudev");
#endif
	assert_null(dev);
	iommufd_ctx_unref(ctx);
}

static void device_keeps_its_ctx_alive(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = test_device_new(ctx, DEV_ID);
	int fd = iommufd_ctx_get_fd(ctx);

	(void)state;
	iommufd_ctx_unref(ctx);
	assert_true(fd_is_open(fd));
	assert_ptr_equal(iommufd_device_ref(dev), dev);
	iommufd_device_unref(dev);
	assert_true(fd_is_open(fd));
	iommufd_device_unref(dev);
	assert_false(fd_is_open(fd));
}

static void null_handle_getters(void **state)
{
	uint32_t id;

	(void)state;
	assert_null(iommufd_device_ref(NULL));
	assert_null(iommufd_device_unref(NULL));
	assert_int_equal(iommufd_device_get_id(NULL), 0);
	assert_int_equal(iommufd_device_get_fd(NULL), -EINVAL);
	assert_null(iommufd_device_get_pt(NULL));
	assert_int_equal(iommufd_device_get_hwpt_id(NULL, &id), -EINVAL);
}

/* ---- attach ------------------------------------------------------------ */

static void attach_to_ioas_reports_the_kernel_hwpt(void **state)
{
	struct test_env *f = *state;

	expect_attach(IOAS_ID, KERNEL_HWPT_ID, 0);
	assert_int_equal(iommufd_device_attach(f->dev, test_env_pt(f)), 0);
	assert_attached(f->dev, test_env_pt(f), KERNEL_HWPT_ID);
	assert_logged("device 2", "IOAS 3", "HWPT 7");
}

static void attached_device_holds_its_ioas(void **state)
{
	struct test_env *f = *state;

	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	iommufd_ioas_unref(f->ioas);		/* no DESTROY: the device holds it */
	expect_detach(0);
	expect_destroy(IOAS_ID, 0);
	assert_int_equal(iommufd_device_detach(f->dev), 0);
	f->ioas = test_ioas_new(f->ctx, IOAS_ID);
}

static void attach_while_attached_is_ebusy(void **state)
{
	struct test_env *f = *state;
	struct iommufd_ioas *other = test_ioas_new(f->ctx, IOAS2_ID);

	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	assert_int_equal(iommufd_device_attach(f->dev, iommufd_ioas_as_pt(other)), -EBUSY);
	assert_int_equal(iommufd_device_attach(f->dev, test_env_pt(f)), -EBUSY);
	assert_logged("already attached to IOAS 3", "iommufd_device_replace");
	assert_attached(f->dev, test_env_pt(f), KERNEL_HWPT_ID);
	expect_destroy(IOAS2_ID, 0);		/* not held by the device */
	iommufd_ioas_unref(other);
}

static void attach_errors_pass_through(void **state)
{
	static const int errs[] = { EINVAL, EBUSY, ENODEV, ENOMEM };
	struct test_env *f = *state;

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		expect_attach(IOAS_ID, KERNEL_HWPT_ID, errs[i]);
		assert_int_equal(iommufd_device_attach(f->dev, test_env_pt(f)), -errs[i]);
		assert_detached(f->dev);
	}
	assert_logged("ATTACH device 2 to IOAS 3", "EINVAL", "incompatible");
	expect_destroy(IOAS_ID, 0);		/* no reference was kept */
	iommufd_ioas_unref(f->ioas);
	f->ioas = test_ioas_new(f->ctx, IOAS_ID);
}

/*
 * VMMs try their HWPTs in turn and take EINVAL as "incompatible": an
 * expected answer, logged at LOG_DEBUG (issue 8, defect 4), but still the
 * thread's last error.
 */
static void attach_einval_is_logged_at_debug(void **state)
{
	struct test_env *f = *state;
	struct iommufd_ioas *other = test_ioas_new(f->ctx, IOAS2_ID);

	expect_attach(IOAS_ID, 0, EINVAL);
	assert_int_equal(iommufd_device_attach(f->dev, test_env_pt(f)), -EINVAL);
	assert_logged("<7>", "ATTACH device 2 to IOAS 3", "EINVAL", "incompatible");
	assert_false(log_has("<3>"));
	assert_non_null(strstr(iommufd_last_error(), "ATTACH device 2 to IOAS 3: EINVAL"));
	/* The same for a replace. */
	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	log_reset();
	expect_attach(IOAS2_ID, 0, EINVAL);
	assert_int_equal(iommufd_device_replace(f->dev, iommufd_ioas_as_pt(other)), -EINVAL);
	assert_logged("<7>", "REPLACE device 2 to IOAS 4", "EINVAL", "stays on its old");
	assert_false(log_has("<3>"));
	assert_non_null(strstr(iommufd_last_error(), "REPLACE device 2 to IOAS 4: EINVAL"));
	expect_destroy(IOAS2_ID, 0);
	iommufd_ioas_unref(other);
}

/* Pinning happens at attach: an ENOMEM there names RLIMIT_MEMLOCK. */
static void attach_enomem_explains_memlock(void **state)
{
	struct test_env *f = *state;

	expect_attach(IOAS_ID, 0, ENOMEM);
	assert_int_equal(iommufd_device_attach(f->dev, test_env_pt(f)), -ENOMEM);
	assert_logged("<3>", "ATTACH device 2 to IOAS 3", "ENOMEM", "pins", "RLIMIT_MEMLOCK",
		      "KiB pinned");
	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	log_reset();
	expect_attach(IOAS_ID, 0, ENOMEM);
	assert_int_equal(iommufd_device_replace(f->dev, test_env_pt(f)), -ENOMEM);
	assert_logged("<3>", "REPLACE device 2 to IOAS 3", "ENOMEM", "RLIMIT_MEMLOCK");
	assert_attached(f->dev, test_env_pt(f), KERNEL_HWPT_ID);
}

/* With CAP_IPC_LOCK the pages are not charged: the ENOMEM is the kernel's memory. */
static void attach_enomem_with_cap_ipc_lock_does_not_blame_the_limit(void **state)
{
	struct test_env *f = *state;

	host_set_cap_ipc_lock(true);
	expect_attach(IOAS_ID, 0, ENOMEM);
	assert_int_equal(iommufd_device_attach(f->dev, test_env_pt(f)), -ENOMEM);
	assert_logged("<3>", "ATTACH device 2 to IOAS 3", "ENOMEM", "pins",
		      "ran out of memory", "not RLIMIT_MEMLOCK: this thread holds CAP_IPC_LOCK");
	assert_false(log_has("raise the limit"));
	assert_null(strstr(iommufd_last_error(), "would exceed"));
}

static const struct kabi_iova_range low_range[] = {
	{ .start = 0x1000, .last = 0xfedfffff },
};
static const struct kabi_iova_range zero_range[] = { { .start = 0, .last = 0 } };

/* EADDRINUSE: the IOAS's usable ranges are asked for and shown. */
static void attach_eaddrinuse_lists_the_iova_ranges(void **state)
{
	struct test_env *f = *state;

	expect_attach(IOAS_ID, 0, EADDRINUSE);
	expect_iova_ranges(IOAS_ID, 4, low_range, 1, 4096, 0);
	assert_int_equal(iommufd_device_attach(f->dev, test_env_pt(f)), -EADDRINUSE);
	assert_logged("<3>", "ATTACH device 2 to IOAS 3", "EADDRINUSE", "reserves",
		      "usable IOVA ranges of IOAS 3: [0x1000, 0xfedfffff]");
	/* Issue 11, defect 1: a misaligned mapping is named as a cause too. */
	assert_logged("EADDRINUSE", "not aligned to the IOMMU's page size");
	assert_detached(f->dev);
}

/* 6.12 virtio-iommu: an IOAS left with the aperture [0, 0] is named. */
static void replace_eaddrinuse_names_the_zero_aperture_bug(void **state)
{
	struct test_env *f = *state;
	struct iommufd_ioas *other = test_ioas_new(f->ctx, IOAS2_ID);
	struct iommufd_hwpt *hwpt = NULL;

	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	log_reset();
	expect_attach(IOAS2_ID, 0, EADDRINUSE);
	expect_iova_ranges(IOAS2_ID, 4, zero_range, 1, 4096, 0);
	assert_int_equal(iommufd_device_replace(f->dev, iommufd_ioas_as_pt(other)), -EADDRINUSE);
	assert_logged("<3>", "REPLACE device 2 to IOAS 4", "EADDRINUSE",
		      "no usable IOVA range", "[0, 0]", "6.12", "virtio-iommu");
	assert_attached(f->dev, test_env_pt(f), KERNEL_HWPT_ID);
	/* A HWPT on the IOAS: the ranges asked for are its IOAS's. */
	expect_hwpt_alloc(0, DEV_ID, IOAS2_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(other), f->dev, NULL, &hwpt), 0);
	log_reset();
	expect_attach(HWPT_ID, 0, EADDRINUSE);
	expect_iova_ranges(IOAS2_ID, 4, NULL, 0, 4096, 0);
	assert_int_equal(iommufd_device_replace(f->dev, iommufd_hwpt_as_pt(hwpt)), -EADDRINUSE);
	assert_logged("REPLACE device 2 to HWPT 5", "EADDRINUSE", "no usable IOVA range");
	expect_destroy(HWPT_ID, 0);
	expect_destroy(IOAS2_ID, 0);
	iommufd_hwpt_unref(hwpt);
	iommufd_ioas_unref(other);
}

static void attach_rejects_bad_arguments(void **state)
{
	struct test_env *f = *state;
	struct iommufd_ctx *other_ctx = test_ctx_new();
	struct iommufd_ioas *other = test_ioas_new(other_ctx, IOAS_ID);

	assert_int_equal(iommufd_device_attach(NULL, test_env_pt(f)), -EINVAL);
	assert_int_equal(iommufd_device_attach(f->dev, NULL), -EINVAL);
	assert_int_equal(iommufd_device_attach(f->dev, iommufd_ioas_as_pt(other)), -EINVAL);
	assert_logged("another context");
	assert_detached(f->dev);
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(other);
	iommufd_ctx_unref(other_ctx);
}

static struct iommufd_hwpt *alloc_hwpt(struct test_env *f)
{
	struct iommufd_hwpt *hwpt = NULL;

	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, NULL, &hwpt), 0);
	return hwpt;
}

static void attach_to_hwpt_sends_its_id(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hwpt *hwpt = alloc_hwpt(f);

	expect_attach(HWPT_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_device_attach(f->dev, iommufd_hwpt_as_pt(hwpt)), 0);
	assert_attached(f->dev, iommufd_hwpt_as_pt(hwpt), HWPT_ID);
	iommufd_hwpt_unref(hwpt);		/* the device holds it */
	expect_detach(0);
	expect_destroy(HWPT_ID, 0);
	assert_int_equal(iommufd_device_detach(f->dev), 0);
}

static void attach_to_kernel_allocated_hwpt_sends_the_ioas_id(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hwpt *hwpt = test_env_kernel_hwpt(f, KERNEL_HWPT_ID);
	struct iommufd_device *dev2 = test_device_new(f->ctx, 9);

	expect_attach(IOAS_ID, KERNEL_HWPT_ID, 0);
	assert_int_equal(iommufd_device_attach(dev2, iommufd_hwpt_as_pt(hwpt)), 0);
	assert_attached(dev2, iommufd_hwpt_as_pt(hwpt), KERNEL_HWPT_ID);
	iommufd_hwpt_unref(hwpt);
	expect_detach(0);			/* dev2, no DESTROY of a kernel HWPT */
	iommufd_device_unref(dev2);
}

static void kernel_allocated_hwpt_follows_a_new_kernel_id(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hwpt *hwpt = test_env_kernel_hwpt(f, KERNEL_HWPT_ID);

	/* The last device left: the kernel freed its domain... */
	expect_detach(0);
	assert_int_equal(iommufd_device_detach(f->dev), 0);
	/* ...and makes a new one with a new ID on the next attach. */
	expect_attach(IOAS_ID, KERNEL_HWPT2_ID, 0);
	assert_int_equal(iommufd_device_attach(f->dev, iommufd_hwpt_as_pt(hwpt)), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), KERNEL_HWPT2_ID);
	assert_attached(f->dev, iommufd_hwpt_as_pt(hwpt), KERNEL_HWPT2_ID);
	iommufd_hwpt_unref(hwpt);
}

/* ---- replace ----------------------------------------------------------- */

static void replace_moves_without_detach(void **state)
{
	struct test_env *f = *state;
	struct iommufd_ioas *other = test_ioas_new(f->ctx, IOAS2_ID);

	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	expect_attach(IOAS2_ID, KERNEL_HWPT2_ID, 0);	/* and no DETACH before */
	assert_int_equal(iommufd_device_replace(f->dev, iommufd_ioas_as_pt(other)), 0);
	assert_attached(f->dev, iommufd_ioas_as_pt(other), KERNEL_HWPT2_ID);
	/* The old IOAS is no longer held: the caller's unref destroys it. */
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(f->ioas);
	script_assert_done();
	f->ioas = other;	/* the teardown detaches, then destroys it */
}

static void replace_to_a_hwpt(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hwpt *hwpt = alloc_hwpt(f);

	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	expect_attach(HWPT_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_device_replace(f->dev, iommufd_hwpt_as_pt(hwpt)), 0);
	assert_attached(f->dev, iommufd_hwpt_as_pt(hwpt), HWPT_ID);
	iommufd_hwpt_unref(hwpt);
	expect_detach(0);
	expect_destroy(HWPT_ID, 0);
	assert_int_equal(iommufd_device_detach(f->dev), 0);
}

/*
 * The device attached to @f's IOAS holds it: the caller's unref destroys
 * nothing; the device's release detaches, then destroys the IOAS.
 */
static void release_holding_the_ioas(struct test_env *f)
{
	iommufd_ioas_unref(f->ioas);
	f->ioas = NULL;
	script_assert_done();
	expect_detach(0);
	expect_destroy(IOAS_ID, 0);
	f->dev = iommufd_device_unref(f->dev);
}

static void replace_failure_keeps_the_old_attachment(void **state)
{
	static const int errs[] = { EINVAL, EBUSY, ENOMEM };
	struct test_env *f = *state;
	struct iommufd_ioas *other = test_ioas_new(f->ctx, IOAS2_ID);

	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		expect_attach(IOAS2_ID, KERNEL_HWPT2_ID, errs[i]);
		assert_int_equal(iommufd_device_replace(f->dev, iommufd_ioas_as_pt(other)),
				 -errs[i]);
		assert_attached(f->dev, test_env_pt(f), KERNEL_HWPT_ID);
	}
	assert_logged("REPLACE device 2 to IOAS 4", "ENOMEM", "stays on its old page table");
	/* References unchanged: the new IOAS goes at once, the old one is held. */
	expect_destroy(IOAS2_ID, 0);
	iommufd_ioas_unref(other);
	release_holding_the_ioas(f);
}

static void replace_with_the_same_pt_keeps_one_reference(void **state)
{
	struct test_env *f = *state;

	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	expect_attach(IOAS_ID, KERNEL_HWPT_ID, 0);
	assert_int_equal(iommufd_device_replace(f->dev, test_env_pt(f)), 0);
	assert_attached(f->dev, test_env_pt(f), KERNEL_HWPT_ID);
	release_holding_the_ioas(f);
}

static void replace_allocates_nothing(void **state)
{
	struct test_env *f = *state;
	struct iommufd_ioas *other = test_ioas_new(f->ctx, IOAS2_ID);
	unsigned long before;

	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	before = alloc_count();
	expect_attach(IOAS2_ID, KERNEL_HWPT2_ID, 0);
	assert_int_equal(iommufd_device_replace(f->dev, iommufd_ioas_as_pt(other)), 0);
	expect_attach(IOAS_ID, 0, EBUSY);
	assert_int_equal(iommufd_device_replace(f->dev, test_env_pt(f)), -EBUSY);
	expect_attach(IOAS_ID, KERNEL_HWPT_ID, 0);
	assert_int_equal(iommufd_device_replace(f->dev, test_env_pt(f)), 0);
	assert_int_equal(alloc_count(), before);
	expect_destroy(IOAS2_ID, 0);
	iommufd_ioas_unref(other);
}

static void replace_rejects_bad_arguments(void **state)
{
	struct test_env *f = *state;
	struct iommufd_ctx *other_ctx = test_ctx_new();
	struct iommufd_ioas *foreign = test_ioas_new(other_ctx, IOAS2_ID);

	script_set_iommufd(iommufd_ctx_get_fd(f->ctx));
	assert_int_equal(iommufd_device_replace(f->dev, test_env_pt(f)), -EINVAL);
	assert_logged("REPLACE device 2", "not attached", "iommufd_device_attach");
	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	assert_int_equal(iommufd_device_replace(NULL, test_env_pt(f)), -EINVAL);
	assert_int_equal(iommufd_device_replace(f->dev, NULL), -EINVAL);
	assert_logged("NULL page table", "iommufd_device_detach");
	assert_int_equal(iommufd_device_replace(f->dev, iommufd_ioas_as_pt(foreign)), -EINVAL);
	assert_logged("another context");
	assert_attached(f->dev, test_env_pt(f), KERNEL_HWPT_ID);
	expect_destroy(IOAS2_ID, 0)->fd = iommufd_ctx_get_fd(other_ctx);
	iommufd_ioas_unref(foreign);
	iommufd_ctx_unref(other_ctx);
}

/* ---- detach ------------------------------------------------------------ */

static void detach_sends_argsz_8(void **state)
{
	struct test_env *f = *state;

	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	expect_detach(0);
	assert_int_equal(iommufd_device_detach(f->dev), 0);
	assert_detached(f->dev);
}

static void detach_when_detached_is_einval(void **state)
{
	struct test_env *f = *state;

	assert_int_equal(iommufd_device_detach(f->dev), -EINVAL);
	assert_logged("DETACH device 2", "not attached");
	assert_int_equal(iommufd_device_detach(NULL), -EINVAL);
}

static void detach_error_keeps_the_attachment(void **state)
{
	static const int errs[] = { EBUSY, EINVAL };
	struct test_env *f = *state;

	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		expect_detach(errs[i]);
		assert_int_equal(iommufd_device_detach(f->dev), -errs[i]);
		assert_attached(f->dev, test_env_pt(f), KERNEL_HWPT_ID);
	}
	assert_logged("VFIO DETACH device 2 from IOAS 3", "EINVAL");
}

/* ---- release ----------------------------------------------------------- */

static void unref_of_attached_device_detaches_then_closes(void **state)
{
	struct test_env *f = *state;
	int fd = iommufd_device_get_fd(f->dev);

	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	expect_detach(0);		/* the wrapper fails on a closed fd */
	f->dev = iommufd_device_unref(f->dev);
	assert_false(fd_is_open(fd));
}

static void unref_when_detach_fails_still_releases(void **state)
{
	struct test_env *f = *state;
	int fd = iommufd_device_get_fd(f->dev);

	test_attach(f->dev, test_env_pt(f), IOAS_ID, KERNEL_HWPT_ID);
	expect_detach(EIO);
	f->dev = iommufd_device_unref(f->dev);
	assert_false(fd_is_open(fd));
	assert_logged("VFIO DETACH", "EIO");
	/* The device's reference on the IOAS went with it. */
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(f->ioas);
	f->ioas = test_ioas_new(f->ctx, IOAS_ID);
}

/*
 * Every order of releasing ctx, IOAS, HWPT and an attached device: each
 * object is destroyed exactly once, the device detaches before its HWPT
 * goes, the HWPT before its IOAS, and every ioctl is made on an open fd
 * (the scripted kernel fails on a closed one).
 */
enum obj { O_CTX, O_IOAS, O_HWPT, O_DEV, O_COUNT };

static void release_in_order(const enum obj order[O_COUNT], bool kernel_hwpt)
{
	struct test_env f = { 0 };
	struct iommufd_hwpt *hwpt;
	bool gone[O_COUNT] = { false };
	bool hwpt_destroyed = false;
	int ctx_fd, dev_fd;

	test_env_new(&f, IOAS_ID, DEV_ID);
	ctx_fd = iommufd_ctx_get_fd(f.ctx);
	dev_fd = iommufd_device_get_fd(f.dev);
	if (kernel_hwpt) {
		hwpt = test_env_kernel_hwpt(&f, KERNEL_HWPT_ID);
	} else {
		hwpt = alloc_hwpt(&f);
		test_attach(f.dev, iommufd_hwpt_as_pt(hwpt), HWPT_ID, HWPT_ID);
	}
	script_assert_done();

	for (int i = 0; i < O_COUNT; i++) {
		enum obj o = order[i];

		gone[o] = true;
		if (o == O_DEV)
			expect_detach(0);
		/* The HWPT goes with its last holder (caller and device)... */
		if ((o == O_DEV || o == O_HWPT) && gone[O_DEV] && gone[O_HWPT]) {
			if (!kernel_hwpt)
				expect_destroy(HWPT_ID, 0);
			hwpt_destroyed = true;
		}
		/* ...and the IOAS with its last holder (caller and HWPT). */
		if (gone[O_IOAS] && hwpt_destroyed &&
		    (o == O_IOAS || o == O_HWPT || o == O_DEV))
			expect_destroy(IOAS_ID, 0);

		if (o == O_CTX)
			iommufd_ctx_unref(f.ctx);
		else if (o == O_IOAS)
			iommufd_ioas_unref(f.ioas);
		else if (o == O_HWPT)
			iommufd_hwpt_unref(hwpt);
		else
			iommufd_device_unref(f.dev);
		script_assert_done();
	}
	assert_false(fd_is_open(ctx_fd));
	assert_false(fd_is_open(dev_fd));
}

static void release_in_every_order(void **state)
{
	enum obj order[O_COUNT] = { O_CTX, O_IOAS, O_HWPT, O_DEV };
	int c[O_COUNT] = { 0 };
	int n = 0;

	(void)state;
	/* Heap's algorithm over the 24 orders, each with both kinds of HWPT. */

	release_in_order(order, false);
	release_in_order(order, true);
	n++;
	for (int i = 1; i < O_COUNT;) {
		if (c[i] < i) {
			int j = i % 2 ? c[i] : 0;
			enum obj tmp = order[j];

			order[j] = order[i];
			order[i] = tmp;
			release_in_order(order, false);
			release_in_order(order, true);
			n++;
			c[i]++;
			i = 1;
		} else {
			c[i++] = 0;
		}
	}
	assert_int_equal(n, 24);
}

/* ---- hw info ----------------------------------------------------------- */

static const struct kabi_hw_info vtd_reply = {
	.data_len = 24,
	.out_data_type = KABI_HW_INFO_TYPE_INTEL_VTD,
	.out_max_pasid_log2 = 20,
	.out_capabilities = KABI_HW_CAP_DIRTY_TRACKING | KABI_HW_CAP_PCI_PASID_EXEC,
};

static void hw_info_sends_and_copies_the_fields(void **state)
{
	struct test_env *f = *state;
	uint8_t data[64];
	struct iommufd_hw_info info = { .sz = sizeof(info) };

	expect_hw_info(DEV_ID, data, sizeof(data), &vtd_reply, 0);
	assert_int_equal(iommufd_device_get_hw_info(f->dev, data, sizeof(data), &info), 0);
	assert_int_equal(info.sz, sizeof(info));
	assert_int_equal(info.type, IOMMUFD_HW_INFO_INTEL_VTD);
	assert_int_equal(info.data_len, 24);
	assert_int_equal(info.capabilities,
			 IOMMUFD_HW_CAP_DIRTY_TRACKING | IOMMUFD_HW_CAP_PASID_EXEC);
	assert_int_equal(info.max_pasid_log2, 20);
}

static void hw_info_without_a_buffer(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hw_info info = { .sz = sizeof(info) };

	expect_hw_info(DEV_ID, NULL, 0, &vtd_reply, 0);
	assert_int_equal(iommufd_device_get_hw_info(f->dev, NULL, 0, &info), 0);
	assert_int_equal(info.data_len, 24);	/* what the kernel has */
}

static void hw_info_fills_only_what_fits_an_older_struct(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hw_info info;

	memset(&info, 0xa5, sizeof(info));
	info.sz = offsetof(struct iommufd_hw_info, data_len) + sizeof(info.data_len);
	expect_hw_info(DEV_ID, NULL, 0, &vtd_reply, 0);
	assert_int_equal(iommufd_device_get_hw_info(f->dev, NULL, 0, &info), 0);
	assert_int_equal(info.type, IOMMUFD_HW_INFO_INTEL_VTD);
	assert_int_equal(info.data_len, 24);
	assert_int_equal(info.capabilities, 0xa5a5a5a5a5a5a5a5ull);
	assert_int_equal(info.max_pasid_log2, 0xa5);

	memset(&info, 0xa5, sizeof(info));
	info.sz = offsetof(struct iommufd_hw_info, type) + sizeof(info.type);
	expect_hw_info(DEV_ID, NULL, 0, &vtd_reply, 0);
	assert_int_equal(iommufd_device_get_hw_info(f->dev, NULL, 0, &info), 0);
	assert_int_equal(info.type, IOMMUFD_HW_INFO_INTEL_VTD);
	assert_int_equal(info.data_len, 0xa5a5a5a5u);
}

static void hw_info_errors_pass_through(void **state)
{
	static const int errs[] = { ENOTTY, EOPNOTSUPP, ENODEV, EINVAL };
	struct test_env *f = *state;
	struct iommufd_hw_info info;

	memset(&info, 0xa5, sizeof(info));
	info.sz = sizeof(info);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		expect_hw_info(DEV_ID, NULL, 0, &vtd_reply, errs[i]);
		assert_int_equal(iommufd_device_get_hw_info(f->dev, NULL, 0, &info),
				 -errs[i]);
	}
	assert_int_equal(info.type, 0xa5a5a5a5u);	/* untouched */
	assert_logged("GET_HW_INFO device 2", "ENOTTY");
}

/*
 * A noiommu device (7.3+) has no IOMMU: the kernel refuses GET_HW_INFO with
 * EOPNOTSUPP, as it may for an IOMMU without a record. The library tells
 * them apart by the cdev's name (noiommu-vfioN), with or without a type.
 */
static void hw_info_of_a_noiommu_device_says_so(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	struct iommufd_device *dev;
	char path[PATH_MAX];

	test_file_new("noiommu-vfio0", path, sizeof(path));
	dev = test_device_new_path(f->ctx, 9, path);
	log_reset();
	expect_hw_info(9, NULL, 0, &vtd_reply, EOPNOTSUPP);
	assert_int_equal(iommufd_device_get_hw_info(dev, NULL, 0, &info), -EOPNOTSUPP);
	assert_logged("GET_HW_INFO device 9: EOPNOTSUPP", "noiommu device", "no IOMMU serves it");
	log_reset();
	expect_hw_info_type(9, IOMMUFD_HW_INFO_INTEL_VTD, NULL, 0, &vtd_reply, EOPNOTSUPP);
	assert_int_equal(iommufd_device_get_hw_info_of_type(dev, IOMMUFD_HW_INFO_INTEL_VTD, NULL,
							    0, &info), -EOPNOTSUPP);
	assert_logged("of a chosen type: EOPNOTSUPP", "noiommu device");
	/* Any other errno is no sign of noiommu. */
	log_reset();
	expect_hw_info(9, NULL, 0, &vtd_reply, ENODEV);
	assert_int_equal(iommufd_device_get_hw_info(dev, NULL, 0, &info), -ENODEV);
	assert_logged("GET_HW_INFO device 9: ENODEV");
	assert_false(log_has("noiommu"));
	iommufd_device_unref(dev);
	test_file_remove(path);
}

/* The same EOPNOTSUPP from an IOMMU's device (vfioN, /dev/null) blames no noiommu. */
static void hw_info_eopnotsupp_of_an_iommu_device(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	struct iommufd_device *dev;
	char path[PATH_MAX];

	expect_hw_info(DEV_ID, NULL, 0, &vtd_reply, EOPNOTSUPP);
	assert_int_equal(iommufd_device_get_hw_info(f->dev, NULL, 0, &info), -EOPNOTSUPP);
	assert_logged("GET_HW_INFO device 2: EOPNOTSUPP");
	assert_false(log_has("noiommu"));
	test_file_new("vfio0", path, sizeof(path));
	dev = test_device_new_path(f->ctx, 9, path);
	log_reset();
	expect_hw_info_type(9, IOMMUFD_HW_INFO_INTEL_VTD, NULL, 0, &vtd_reply, EOPNOTSUPP);
	assert_int_equal(iommufd_device_get_hw_info_of_type(dev, IOMMUFD_HW_INFO_INTEL_VTD, NULL,
							    0, &info), -EOPNOTSUPP);
	assert_logged("of a chosen type: EOPNOTSUPP", "cannot choose the type");
	assert_false(log_has("noiommu"));
	iommufd_device_unref(dev);
	test_file_remove(path);
}

static void hw_info_rejects_bad_arguments(void **state)
{
	struct test_env *f = *state;
	uint8_t data[8];
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	struct iommufd_hw_info small = { .sz = offsetof(struct iommufd_hw_info, type) };

	assert_int_equal(iommufd_device_get_hw_info(NULL, NULL, 0, &info), -EINVAL);
	assert_int_equal(iommufd_device_get_hw_info(f->dev, NULL, 0, NULL), -EINVAL);
	assert_int_equal(iommufd_device_get_hw_info(f->dev, NULL, 8, &info), -EINVAL);
	assert_int_equal(iommufd_device_get_hw_info(f->dev, NULL, 0, &small), -EINVAL);
	small.sz = 0;
	assert_int_equal(iommufd_device_get_hw_info(f->dev, NULL, 0, &small), -EINVAL);
	assert_int_equal(iommufd_device_get_hw_info(f->dev, data,
						    (size_t)UINT32_MAX + 1, &info), -EINVAL);
}

/* ---- a device adopted by ID -------------------------------------------- */

static void device_by_id_cannot_attach_replace_or_detach(void **state)
{
	struct test_env *f = *state;
	struct iommufd_device *dev = NULL;

	assert_int_equal(iommufd_device_new_from_id(f->ctx, 11, -1, IOMMUFD_ADOPT_BORROW, &dev), 0);
	assert_int_equal(iommufd_device_get_id(dev), 11);
	assert_int_equal(iommufd_device_get_fd(dev), -EBADF);
	assert_int_equal(iommufd_device_attach(dev, test_env_pt(f)), -EOPNOTSUPP);
	assert_logged("ATTACH device 11", "without the cdev");
	assert_int_equal(iommufd_device_replace(dev, test_env_pt(f)), -EOPNOTSUPP);
	assert_int_equal(iommufd_device_detach(dev), -EOPNOTSUPP);
	/* A NULL page table is the caller's mistake whatever the handle (issue 11, defect 2). */
	assert_int_equal(iommufd_device_attach(dev, NULL), -EINVAL);
	assert_int_equal(iommufd_device_replace(dev, NULL), -EINVAL);
	assert_detached(dev);
	iommufd_device_unref(dev);	/* no ioctl, no close */
}

static void device_by_id_reads_hw_info(void **state)
{
	struct test_env *f = *state;
	struct iommufd_device *dev = NULL;
	struct iommufd_hw_info info = { .sz = sizeof(info) };

	assert_int_equal(iommufd_device_new_from_id(f->ctx, 11, -1, IOMMUFD_ADOPT_BORROW, &dev), 0);
	expect_hw_info(11, NULL, 0, &vtd_reply, 0);
	assert_int_equal(iommufd_device_get_hw_info(dev, NULL, 0, &info), 0);
	assert_int_equal(info.type, IOMMUFD_HW_INFO_INTEL_VTD);
	iommufd_device_unref(dev);
}

static void device_by_id_rejects_bad_arguments(void **state)
{
	struct test_env *f = *state;
	struct iommufd_device *dev = NULL;

	assert_int_equal(iommufd_device_new_from_id(NULL, 11, -1, IOMMUFD_ADOPT_BORROW, &dev), -EINVAL);
	assert_int_equal(iommufd_device_new_from_id(f->ctx, 0, -1, IOMMUFD_ADOPT_BORROW, &dev), -EINVAL);
	assert_int_equal(iommufd_device_new_from_id(f->ctx, 11, -1, IOMMUFD_ADOPT_BORROW, NULL), -EINVAL);
	assert_int_equal(iommufd_device_new_from_id(f->ctx, 11, -2, IOMMUFD_ADOPT_BORROW, &dev), -EINVAL);
	assert_int_equal(iommufd_device_new_from_id(f->ctx, 11, -1, 2, &dev), -EINVAL);
	assert_logged("adopt 2");
	/* Owning nothing: without a cdev there is no fd to close. */
	assert_int_equal(iommufd_device_new_from_id(f->ctx, 11, -1, IOMMUFD_ADOPT_OWN, &dev), -EINVAL);
	assert_logged("nothing to own");
	assert_null(dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KS_TEST(bind_fd_keeps_the_callers_fd),
		KS_TEST(bind_fd_failure_keeps_the_callers_fd),
		KS_TEST(bind_fd_token_sends_the_token),
		KS_TEST(bind_path_opens_and_closes_the_cdev),
		KS_TEST(bind_errors_pass_through_and_are_explained),
		KS_TEST(bind_path_open_failure),
		KS_TEST(bind_rejects_bad_arguments),
		KS_TEST(bind_pci_rejects_malformed_addresses),
		KS_TEST(bind_pci_of_an_absent_device),
		KS_TEST(device_keeps_its_ctx_alive),
		KS_TEST(null_handle_getters),
		T(attach_to_ioas_reports_the_kernel_hwpt),
		T(attached_device_holds_its_ioas),
		T(attach_while_attached_is_ebusy),
		T(attach_errors_pass_through),
		T(attach_einval_is_logged_at_debug),
		T(attach_enomem_explains_memlock),
		T(attach_enomem_with_cap_ipc_lock_does_not_blame_the_limit),
		T(attach_eaddrinuse_lists_the_iova_ranges),
		T(replace_eaddrinuse_names_the_zero_aperture_bug),
		T(attach_rejects_bad_arguments),
		T(attach_to_hwpt_sends_its_id),
		T(attach_to_kernel_allocated_hwpt_sends_the_ioas_id),
		T(kernel_allocated_hwpt_follows_a_new_kernel_id),
		T(replace_moves_without_detach),
		T(replace_to_a_hwpt),
		T(replace_failure_keeps_the_old_attachment),
		T(replace_with_the_same_pt_keeps_one_reference),
		T(replace_allocates_nothing),
		T(replace_rejects_bad_arguments),
		T(detach_sends_argsz_8),
		T(detach_when_detached_is_einval),
		T(detach_error_keeps_the_attachment),
		T(unref_of_attached_device_detaches_then_closes),
		T(unref_when_detach_fails_still_releases),
		KS_TEST(release_in_every_order),
		T(hw_info_sends_and_copies_the_fields),
		T(hw_info_without_a_buffer),
		T(hw_info_fills_only_what_fits_an_older_struct),
		T(hw_info_errors_pass_through),
		T(hw_info_of_a_noiommu_device_says_so),
		T(hw_info_eopnotsupp_of_an_iommu_device),
		T(hw_info_rejects_bad_arguments),
		T(device_by_id_cannot_attach_replace_or_detach),
		T(device_by_id_reads_hw_info),
		T(device_by_id_rejects_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
