// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Issue 8, "Defects measured": one test per defect, on real kernels.
 *
 * Each test drives the situation the issue measured and asserts what the
 * library does now; each would fail on the library before the ownership
 * API (commit 4850d06), which forgot refused destroys, accepted any fd,
 * logged expected outcomes at LOG_ERR and explained no ENOMEM.
 *
 *  hwq-release-order   (1) HW queue 0 released before queue 1: nothing survives
 *  raw-attach-deferred (2) a HWPT the caller attached itself: destroy deferred, not forgotten
 *  adopt-not-iommufd   (3) iommufd_ctx_new_from_fd() refuses /dev/null and says why
 *  quiet-unmap         (4) a redundant unmap with IOMMUFD_UNMAP_ABSENT_OK is quiet
 *  quiet-attach-einval (4) an attach refused as incompatible: explained, not at LOG_ERR
 *  memlock             (5) RLIMIT_MEMLOCK: map past it fine, attach/alloc ENOMEM explained
 *  memlock-cap-enomem  (5) an ENOMEM of a CAP_IPC_LOCK holder (fault injection) does not
 *                          blame the limit, lowered as it may be
 *  virtio-aperture     (6) 6.12 + virtio-iommu: the [0, 0] aperture named; 7.x just works
 *  bind-twice          (7) a second bind of a cdev is EINVAL, as the header says
 *  from-id-enoent      (8) a from-ID HWPT request failing with ENOENT does not blame the plain path
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <linux/capability.h>

#include "failnth.h"
#include "uapi.h"	/* the caller's own VFIO ioctls, as a VMM makes them */
#include "vmtest.h"

#define PAGE 4096u
#define BASE ST_MOCK_APERTURE_START

/* A context that logs everything, so debug lines can be told from errors. */
static int ctx_new_debug(struct iommufd_ctx **ret_ctx)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, o, .log_fn = vmt_log_fn, .log_priority = LOG_DEBUG);

	return iommufd_ctx_new(&o, ret_ctx);
}

static bool has(const char *haystack, const char *needle)
{
	return strstr(haystack, needle) != NULL;
}

/* ---- raw VFIO cdev ioctls: what a VMM's own VFIO layer does --------------- */

static int raw_bind(int cdev_fd, int iommufd, uint32_t *ret_dev_id)
{
	struct kabi_vfio_bind_iommufd cmd = { .argsz = KABI_VFIO_BIND_SIZE_V1, .iommufd = iommufd };

	if (ioctl(cdev_fd, KABI_VFIO_DEVICE_BIND_IOMMUFD, &cmd) < 0)
		return -errno;
	*ret_dev_id = cmd.out_devid;
	return 0;
}

static int raw_attach(int cdev_fd, uint32_t pt_id)
{
	struct kabi_vfio_attach_pt cmd = { .argsz = KABI_VFIO_ATTACH_SIZE_V1, .pt_id = pt_id };

	return ioctl(cdev_fd, KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd) < 0 ? -errno : 0;
}

static int raw_detach(int cdev_fd)
{
	struct kabi_vfio_detach_pt cmd = { .argsz = KABI_VFIO_DETACH_SIZE_V1 };

	return ioctl(cdev_fd, KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd) < 0 ? -errno : 0;
}

/* Opens edu's cdev; records a skip or a failure when there is none. */
static int open_edu_cdev(struct vmt_case *t, struct iommufd_ctx *ctx)
{
	char addr[64], cdev[256];
	int rc, fd;

	if (!vmt_machine_has_edu()) {
		vmt_skip_(t, "machine %s has no VFIO cdev (edu behind an IOMMU)", vmt_machine());
		return -1;
	}
	rc = vmt_edu_find(ctx, addr, sizeof(addr), cdev, sizeof(cdev));
	if (!REQUIRE(rc == 0, "no edu cdev: %s", vmt_errname(rc)))
		return -1;
	fd = open(cdev, O_RDWR | O_CLOEXEC);
	if (!REQUIRE(fd >= 0, "open %s: %s", cdev, vmt_errname(errno)))
		return -1;
	return fd;
}

/* ---- (1) HW queues released bottom first ---------------------------------- */

static void test_hwq_release_order(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, np_opts, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *parent = NULL;
	struct iommufd_viommu *viommu = NULL;
	struct iommufd_hw_queue *q0 = NULL, *q1 = NULL;
	struct iommufd_probe probe;
	uint32_t stdev = 0, ids[5] = { 0 };
	static const char *const names[5] = { "HW queue 0", "HW queue 1", "vIOMMU",
					      "nest-parent HWPT", "IOAS" };
	size_t left = 99;
	void *mem = NULL;
	int fd = -1;

	if (!vmt_need_iommufd(t))
		goto out;
	CHECK_RC(vmt_ctx_new(&ctx), 0);
	fd = iommufd_ctx_get_fd(ctx);
	CHECK_RC(vmt_ctx_probe(ctx, &probe), 0);
	if (probe.hw_queue.support != IOMMUFD_FEATURE_SUPPORTED) {
		vmt_skip_probe(t, "hw_queue", probe.hw_queue, "kernel %s: HW queues came with 6.17",
			       vmt_kernel_release());
		goto out;
	}
	CHECK_RC(iommufd_ioas_alloc(ctx, &ioas), 0);
	if (!vmt_mock_device(t, ctx, iommufd_ioas_get_id(ioas), 0, &stdev, &dev))
		goto out;
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas), dev, &np_opts, &parent), 0);
	CHECK_RC(iommufd_viommu_alloc(parent, dev, IOMMUFD_VIOMMU_SELFTEST, NULL, &viommu), 0);
	mem = vmt_pages(2 * PAGE);
	CHECK(mem != NULL, "out of memory");
	CHECK_RC(iommufd_ioas_map_fixed(ioas, mem, 2 * PAGE, BASE, IOMMUFD_MAP_READ), 0);
	CHECK_RC(iommufd_hw_queue_alloc(viommu, IOMMUFD_HW_QUEUE_SELFTEST, 0, BASE, PAGE, &q0), 0);
	CHECK_RC(iommufd_hw_queue_alloc(viommu, IOMMUFD_HW_QUEUE_SELFTEST, 1, BASE + PAGE, PAGE,
					&q1), 0);
	ids[0] = iommufd_hw_queue_get_id(q0);
	ids[1] = iommufd_hw_queue_get_id(q1);
	ids[2] = iommufd_viommu_get_id(viommu);
	ids[3] = iommufd_hwpt_get_id(parent);
	ids[4] = iommufd_ioas_get_id(ioas);
	/* The kernel's rule the library must follow: queue 1 goes before queue 0. */
	CHECK_RC(vmt_destroy(fd, ids[0]), -EBUSY);

	vmt_log_reset();
	/* The order of issue 8: queue 0 first, then everything else. */
	q0 = iommufd_hw_queue_unref(q0);
	viommu = iommufd_viommu_unref(viommu);
	parent = iommufd_hwpt_unref(parent);
	q1 = iommufd_hw_queue_unref(q1);
	dev = iommufd_device_unref(dev);
	/* The test owns the mock device: it goes before the IOAS it sits on. */
	CHECK_RC(vmt_destroy(fd, stdev), 0);
	stdev = 0;
	ioas = iommufd_ioas_unref(ioas);
	CHECK(vmt_log_errors() == 0, "the release logged %u errors: '%s'", vmt_log_errors(),
	      vmt_log_last());
	CHECK_RC(iommufd_ctx_retry_destroys(ctx, &left), 0);
	CHECK(left == 0, "%zu destroys still deferred", left);
	for (int i = 0; i < 5; i++) {
		int rc = vmt_destroy(fd, ids[i]);

		CHECK(rc == -ENOENT, "%s %u survived every handle (DESTROY = %s)", names[i], ids[i],
		      vmt_errname(rc));
	}
	vmt_note("queues %u/%u, vIOMMU %u, parent %u, IOAS %u: all gone, queue 0 released first",
		 ids[0], ids[1], ids[2], ids[3], ids[4]);
out:
	iommufd_hw_queue_unref(q0);
	iommufd_hw_queue_unref(q1);
	iommufd_viommu_unref(viommu);
	iommufd_hwpt_unref(parent);
	iommufd_device_unref(dev);
	if (stdev)
		vmt_destroy(fd, stdev);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
	vmt_pages_free(mem, 2 * PAGE);
}

/* ---- (2) a HWPT attached by the caller's own ioctl ------------------------ */

/*
 * QEMU's layering: the VFIO code binds and attaches the cdev with its own
 * ioctls, another layer holds the HWPT through the library. On edu machines
 * the caller's attach is VFIO_DEVICE_ATTACH_IOMMUFD_PT on the cdev, which the
 * library's device handle (adopted by ID, cdev borrowed) never saw; on the
 * mock machine it is the selftest's own replace of the mock device.
 */
static void test_raw_attach_deferred(struct vmt_case *t)
{
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *hwpt = NULL;
	uint32_t dev_id = 0, hwpt_id = 0, stdev = 0;
	int fd = -1, cdev = -1, rc;
	size_t left = 99;
	bool attached = false;

	if (!vmt_need_iommufd(t))
		goto out;
	CHECK_RC(vmt_ctx_new(&ctx), 0);
	fd = iommufd_ctx_get_fd(ctx);
	CHECK_RC(iommufd_ioas_alloc(ctx, &ioas), 0);
	if (vmt_machine_is("mock")) {
		if (!vmt_mock_device(t, ctx, iommufd_ioas_get_id(ioas), 0, &stdev, &dev))
			goto out;
	} else {
		cdev = open_edu_cdev(t, ctx);
		if (cdev < 0)
			goto out;
		CHECK_RC(raw_bind(cdev, fd, &dev_id), 0);
		CHECK_RC(iommufd_device_new_from_id(ctx, dev_id, cdev, IOMMUFD_ADOPT_BORROW, &dev),
			 0);
	}
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas), dev, NULL, &hwpt), 0);
	hwpt_id = iommufd_hwpt_get_id(hwpt);
	/* The caller's own attach, which the library does not see. */
	rc = stdev ? vmt_st_replace(fd, stdev, hwpt_id, NULL) : raw_attach(cdev, hwpt_id);
	CHECK(rc == 0, "the caller's attach to HWPT %u: %s", hwpt_id, vmt_errname(rc));
	attached = true;

	/* An explicit destroy reports the kernel's EBUSY and keeps the handle. */
	CHECK_RC(iommufd_hwpt_destroy(hwpt), -EBUSY);
	CHECK(iommufd_hwpt_get_id(hwpt) == hwpt_id, "the handle changed after a refused destroy");
	CHECK(has(iommufd_last_error(), "in use"), "last error: '%s'", iommufd_last_error());

	/* The last unref cannot destroy it yet: deferred, and the kernel still has it. */
	hwpt = iommufd_hwpt_unref(hwpt);
	CHECK_RC(iommufd_ctx_retry_destroys(ctx, &left), -EBUSY);
	CHECK(left == 1, "%zu destroys deferred, expected 1", left);
	CHECK_RC(vmt_destroy(fd, hwpt_id), -EBUSY);

	/* The caller detaches with its own ioctl, then asks for the retry. */
	rc = stdev ? vmt_st_replace(fd, stdev, iommufd_ioas_get_id(ioas), NULL) : raw_detach(cdev);
	CHECK(rc == 0, "the caller's detach: %s", vmt_errname(rc));
	attached = false;
	CHECK_RC(iommufd_ctx_retry_destroys(ctx, &left), 0);
	CHECK(left == 0, "%zu destroys still deferred", left);
	CHECK_RC(vmt_destroy(fd, hwpt_id), -ENOENT);
	vmt_note("HWPT %u: destroy EBUSY while the caller's %s held it, deferred at the last unref,"
		 " destroyed by the retry after the caller's detach", hwpt_id,
		 stdev ? "selftest replace" : "VFIO attach");
out:
	if (attached && cdev >= 0)
		raw_detach(cdev);
	iommufd_hwpt_unref(hwpt);
	iommufd_device_unref(dev);
	if (stdev)
		vmt_destroy(fd, stdev);
	if (cdev >= 0)
		close(cdev);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
}

/* ---- (3) adopting an fd that is not an iommufd ---------------------------- */

static void test_adopt_not_iommufd(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, o, .log_fn = vmt_log_fn, .log_priority = LOG_INFO);
	struct iommufd_ctx *ctx = NULL;
	int fd = -1, closed;

	/* Every kernel answers this, also Debian's 6.1 without iommufd. */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0, "open /dev/null: %s", vmt_errname(errno));
	CHECK_RC(iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_BORROW, &o, &ctx), -ENOTTY);
	CHECK(ctx == NULL, "ret_ctx written on failure");
	CHECK(has(iommufd_last_error(), "not an iommufd"), "last error: '%s'",
	      iommufd_last_error());
	CHECK(vmt_log_has("not an iommufd"), "the log does not say why: '%s'", vmt_log_last());
	CHECK(fcntl(fd, F_GETFD) >= 0, "a borrowed fd was closed on failure");
	/* Ownership handed over is taken even when the call fails: no leak. */
	CHECK_RC(iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_OWN, &o, &ctx), -ENOTTY);
	closed = fcntl(fd, F_GETFD) < 0 && errno == EBADF;
	CHECK(closed, "an owned fd was left open after a refusal");
	fd = -1;
	CHECK_RC(iommufd_ctx_new_from_fd(1000, IOMMUFD_ADOPT_BORROW, &o, &ctx), -EBADF);
	if (access("/dev/iommu", F_OK) == 0) {
		/* The check accepts what it should. */
		fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
		CHECK(fd >= 0, "open /dev/iommu: %s", vmt_errname(errno));
		CHECK_RC(iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_BORROW, &o, &ctx), 0);
	}
	vmt_note("/dev/null: ENOTTY ('%s')", iommufd_last_error());
out:
	iommufd_ctx_unref(ctx);
	if (fd >= 0)
		close(fd);
}

/* ---- (4) expected outcomes stay out of LOG_ERR ----------------------------- */

static void test_quiet_unmap(struct vmt_case *t)
{
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	uint64_t unmapped = 99;
	void *buf = NULL;

	if (!vmt_need_iommufd(t))
		goto out;
	CHECK_RC(ctx_new_debug(&ctx), 0);
	CHECK_RC(iommufd_ioas_alloc(ctx, &ioas), 0);
	buf = vmt_pages(PAGE);
	CHECK(buf != NULL, "out of memory");
	CHECK_RC(iommufd_ioas_map_fixed(ioas, buf, PAGE, 0x100000, IOMMUFD_MAP_READ), 0);
	CHECK_RC(iommufd_ioas_unmap(ioas, 0x100000, PAGE, IOMMUFD_UNMAP_ABSENT_OK, &unmapped), 0);
	CHECK(unmapped == PAGE, "unmapped %llu", (unsigned long long)unmapped);

	/* Again, as QEMU does: success with nothing unmapped, and no error line. */
	vmt_log_reset();
	unmapped = 99;
	CHECK_RC(iommufd_ioas_unmap(ioas, 0x100000, PAGE, IOMMUFD_UNMAP_ABSENT_OK, &unmapped), 0);
	CHECK(unmapped == 0, "unmapped %llu of nothing", (unsigned long long)unmapped);
	CHECK(vmt_log_errors() == 0, "a redundant unmap logged an error: '%s'", vmt_log_last());
	CHECK(vmt_log_has("as the caller allows"), "no debug line for the redundant unmap: '%s'",
	      vmt_log_last());
	/* Without the flag it is still the kernel's ENOENT, logged as an error. */
	vmt_log_reset();
	CHECK_RC(iommufd_ioas_unmap(ioas, 0x100000, PAGE, 0, &unmapped), -ENOENT);
	CHECK(vmt_log_errors() == 1, "%u error lines for a plain ENOENT", vmt_log_errors());
out:
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
	vmt_pages_free(buf, PAGE);
}

/* One attach the kernel refuses with EINVAL: quiet, but explained. */
static bool einval_attach_quiet(struct vmt_case *t, struct iommufd_device *dev,
				struct iommufd_hwpt *target, const char *what)
{
	int rc;

	vmt_log_reset();
	rc = iommufd_device_attach(dev, iommufd_hwpt_as_pt(target));
	if (!REQUIRE(rc == -EINVAL, "attach to %s = %s, expected EINVAL", what, vmt_errname(rc)))
		return false;
	if (!REQUIRE(vmt_log_errors() == 0, "attach to %s logged at LOG_ERR: '%s'", what,
		     vmt_log_last()))
		return false;
	if (!REQUIRE(has(iommufd_last_error(), "EINVAL") &&
		     has(iommufd_last_error(), "incompatible"),
		     "attach to %s: last error '%s'", what, iommufd_last_error()))
		return false;
	if (!REQUIRE(vmt_log_has("incompatible"), "attach to %s: no debug line", what))
		return false;
	return REQUIRE(iommufd_device_get_pt(dev) == NULL,
		       "a refused attach left the device on a page table");
}

static void test_quiet_attach_einval(struct vmt_case *t)
{
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *not_pt = NULL, *foreign = NULL;
	uint32_t stdev = 0, mock_hwpt = 0;
	int rc;

	if (!vmt_need_iommufd(t))
		goto out;
	if (vmt_machine_is("mock"))
		SKIP("an attach needs a VFIO cdev, which the mock machine has not (edu machines run this)");
	CHECK_RC(ctx_new_debug(&ctx), 0);
	if (!vmt_edu_bind(t, ctx, &dev))
		goto out;
	/*
	 * The device's own ID where a page table belongs: every kernel says
	 * EINVAL for an object that is neither an IOAS nor a HWPT.
	 */
	CHECK_RC(iommufd_hwpt_new_from_id(ctx, iommufd_device_get_id(dev), 0,
					  IOMMUFD_ADOPT_BORROW, &not_pt), 0);
	if (!einval_attach_quiet(t, dev, not_pt, "a device ID"))
		goto out;
	/* A domain of another IOMMU driver (the selftest's), where the kernel lets us make one. */
	CHECK_RC(iommufd_ioas_alloc(ctx, &ioas), 0);
	rc = vmt_st_mock_domain(iommufd_ctx_get_fd(ctx), iommufd_ioas_get_id(ioas), 0, &stdev,
				&mock_hwpt, NULL);
	if (rc == 0) {
		CHECK_RC(iommufd_hwpt_new_from_id(ctx, mock_hwpt, 0, IOMMUFD_ADOPT_BORROW, &foreign),
			 0);
		if (!einval_attach_quiet(t, dev, foreign, "the mock driver's HWPT"))
			goto out;
		vmt_note("attach to a device ID and to mock HWPT %u: EINVAL, quiet, explained",
			 mock_hwpt);
	} else {
		vmt_note("no mock HWPT next to %s on %s (MOCK_DOMAIN: %s): device-ID case only",
			 vmt_machine(), vmt_kernel_release(), vmt_errname(rc));
	}
	/* And the device still attaches where it fits. */
	CHECK_RC(iommufd_device_attach(dev, iommufd_ioas_as_pt(ioas)), 0);
out:
	iommufd_device_unref(dev);
	iommufd_hwpt_unref(not_pt);
	iommufd_hwpt_unref(foreign);
	if (stdev)
		vmt_destroy(iommufd_ctx_get_fd(ctx), stdev);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
}

/* ---- (5) RLIMIT_MEMLOCK ---------------------------------------------------- */

#define MEMLOCK_LIMIT (64u * 1024)	/* the soft limit the child lowers to */
#define MEMLOCK_MAP (1024u * 1024)	/* what it maps: 16 times the limit */

/* What the child measured, in memory shared with the parent. */
struct memlock_res {
	int stage;			/* how far the child got */
	int err;			/* the errno of the step that stopped it */
	unsigned long long hard;	/* RLIMIT_MEMLOCK hard limit, bytes */
	int rc_cap_attach;		/* with CAP_IPC_LOCK, past the limit */
	long long pin_cap_kib;		/* VmPin then */
	int rc_map;			/* no device: past the limit */
	long long pin_map_kib;		/* VmPin after that map */
	int rc_alloc;			/* HWPT_ALLOC on the mapped IOAS */
	char err_alloc[512];
	int rc_attach;			/* edu: attach to the mapped IOAS */
	char err_attach[512];
	int rc_raised;			/* attach (edu) / alloc (mock) with the limit raised */
	long long pin_raised_kib;
	int rc_pa_map;			/* noiommu: GET_PA after the map alone */
	int rc_pa_raised;		/* noiommu: GET_PA once attached */
	uint64_t pa_raised;
	bool done;
};

static long long vmpin_kib(void)
{
	FILE *f = fopen("/proc/self/status", "re");
	char line[256];
	long long kib = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "VmPin:", 6))
			kib = strtoll(line + 6, NULL, 10);
	fclose(f);
	return kib;
}

/* Drops CAP_IPC_LOCK, whose holder the kernel never charges (pages.c). */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d))
		return -errno;
	d[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	d[CAP_IPC_LOCK / 32].permitted &= ~(1u << (CAP_IPC_LOCK % 32));
	d[CAP_IPC_LOCK / 32].inheritable &= ~(1u << (CAP_IPC_LOCK % 32));
	return syscall(SYS_capset, &h, d) ? -errno : 0;
}

/* Whether this thread holds CAP_IPC_LOCK in its effective set. */
static bool holds_ipc_lock(void)
{
	struct __user_cap_header_struct h = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct d[2];

	return !syscall(SYS_capget, &h, d) &&
	       (d[CAP_IPC_LOCK / 32].effective & (1u << (CAP_IPC_LOCK % 32)));
}

static int set_memlock(rlim_t soft)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_MEMLOCK, &rl))
		return -errno;
	rl.rlim_cur = soft;
	return setrlimit(RLIMIT_MEMLOCK, &rl) ? -errno : 0;
}

/*
 * The device: edu bound by PCI address (noiommu: by its noiommu cdev), or a
 * mock device on an empty IOAS.
 */
static int child_device(struct iommufd_ctx *ctx, struct iommufd_ioas *empty,
			uint32_t *ret_stdev, struct iommufd_device **ret_dev)
{
	char addr[64], cdev[256];
	uint32_t idev = 0;
	int rc;

	if (vmt_machine_is("noiommu")) {
		rc = vmt_edu_find(ctx, addr, sizeof(addr), cdev, sizeof(cdev));
		return rc ? rc : iommufd_device_bind_path(ctx, cdev, ret_dev);
	}
	if (vmt_machine_has_edu()) {
		rc = vmt_edu_find(ctx, addr, sizeof(addr), NULL, 0);
		return rc ? rc : iommufd_device_bind_pci(ctx, addr, ret_dev);
	}
	rc = vmt_st_mock_domain(iommufd_ctx_get_fd(ctx), iommufd_ioas_get_id(empty), 0,
				ret_stdev, NULL, &idev);
	return rc ? rc : iommufd_device_new_from_id(ctx, idev, -1, IOMMUFD_ADOPT_BORROW, ret_dev);
}

/*
 * edu, behind an IOMMU or as a noiommu device: a device the child attaches.
 * A noiommu device's IOAS pins like any other: its attach fills a software
 * domain with the mapped pages.
 */
static bool memlock_attaches(void)
{
	return vmt_machine_has_edu() || vmt_machine_is("noiommu");
}

/*
 * The children's steps: each counts in r->stage, and the first to fail
 * records its errno in r->err and ends the child's work (the parent reads
 * both from the shared result).
 */
#define STEP(expr)						\
	do {							\
		r->stage++;					\
		if ((rc = (expr)) != 0) {			\
			r->err = rc;				\
			return;					\
		}						\
	} while (0)

/* Runs in a child, whose capabilities and limits it may lower for good. */
static void memlock_child(void *res)
{
	struct memlock_res *r = res;
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *empty = NULL, *with_cap = NULL, *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *hwpt = NULL;
	bool edu = memlock_attaches();
	uint64_t len = 0;
	/* The mock domain maps only inside its aperture. */
	uint64_t iova = edu ? 0x100000 : BASE;
	struct rlimit rl;
	uint32_t stdev = 0;
	void *a = NULL, *b = NULL;
	int rc;

	STEP(getrlimit(RLIMIT_MEMLOCK, &rl) ? -errno : 0);
	r->hard = rl.rlim_max;
	STEP(vmt_ctx_new(&ctx));
	STEP(iommufd_ioas_alloc(ctx, &empty));
	STEP(child_device(ctx, empty, &stdev, &dev));
	STEP((a = vmt_pages(MEMLOCK_MAP)) && (b = vmt_pages(MEMLOCK_MAP)) ? 0 : -ENOMEM);
	STEP(set_memlock(MEMLOCK_LIMIT));

	/* As root with CAP_IPC_LOCK: the kernel does not charge at all. */
	STEP(iommufd_ioas_alloc(ctx, &with_cap));
	STEP(iommufd_ioas_map_fixed(with_cap, a, MEMLOCK_MAP, iova,
				    IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE));
	r->rc_cap_attach = edu ? iommufd_device_attach(dev, iommufd_ioas_as_pt(with_cap)) :
				 iommufd_hwpt_alloc(iommufd_ioas_as_pt(with_cap), dev, NULL, &hwpt);
	r->pin_cap_kib = vmpin_kib();
	if (edu && !r->rc_cap_attach)
		STEP(iommufd_device_detach(dev));
	hwpt = iommufd_hwpt_unref(hwpt);
	with_cap = iommufd_ioas_unref(with_cap);

	/* Without it: mapping past the limit is fine, pinning is not. */
	STEP(drop_ipc_lock());
	STEP(iommufd_ioas_alloc(ctx, &ioas));
	r->rc_map = iommufd_ioas_map_fixed(ioas, b, MEMLOCK_MAP, iova,
					   IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);
	r->pin_map_kib = vmpin_kib();
	if (vmt_machine_is("noiommu"))
		r->rc_pa_map = iommufd_ioas_noiommu_get_pa(ioas, iova, PAGE, &r->pa_raised, &len);
	r->rc_alloc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas), dev, NULL, &hwpt);
	snprintf(r->err_alloc, sizeof(r->err_alloc), "%s", iommufd_last_error());
	hwpt = iommufd_hwpt_unref(hwpt);
	if (edu) {
		r->rc_attach = iommufd_device_attach(dev, iommufd_ioas_as_pt(ioas));
		snprintf(r->err_attach, sizeof(r->err_attach), "%s", iommufd_last_error());
	}
	/* Room again (soft up to the hard limit): the same step works. */
	STEP(set_memlock(rl.rlim_max));
	r->rc_raised = edu && !r->rc_attach ? -EALREADY : edu ?
		       iommufd_device_attach(dev, iommufd_ioas_as_pt(ioas)) :
		       iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas), dev, NULL, &hwpt);
	r->pin_raised_kib = vmpin_kib();
	if (vmt_machine_is("noiommu"))
		r->rc_pa_raised = iommufd_ioas_noiommu_get_pa(ioas, iova, PAGE, &r->pa_raised, &len);
	r->done = true;
	/* The process ends here: closing the fds frees every object. */
}

/*
 * Runs @child(@res) in a forked child, @res being @size bytes of memory
 * shared with it (zeroed first), and waits for it: the child lowers its own
 * limits and drops its own capabilities, which this process keeps. Returns
 * the shared memory for the caller's checks (munmap it), or MAP_FAILED with
 * the failure recorded.
 */
static void *run_in_child(struct vmt_case *t, size_t size, void (*child)(void *res))
{
	void *res = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int status = 0;
	pid_t pid;

	if (!REQUIRE(res != MAP_FAILED, "mmap: %s", vmt_errname(errno)))
		return MAP_FAILED;
	memset(res, 0, size);
	fflush(stdout);
	pid = fork();
	if (!REQUIRE(pid >= 0, "fork: %s", vmt_errname(errno)))
		goto fail;
	if (pid == 0) {
		child(res);
		fflush(stdout);
		_exit(0);
	}
	if (REQUIRE(waitpid(pid, &status, 0) == pid && WIFEXITED(status),
		    "child status 0x%x", status))
		return res;
fail:
	munmap(res, size);
	return MAP_FAILED;
}

static void test_memlock(struct vmt_case *t)
{
	struct memlock_res *r = MAP_FAILED;
	bool edu = memlock_attaches();

	if (!vmt_need_iommufd(t))
		goto out;
	if (!edu && !vmt_machine_is("mock"))
		SKIP("machine %s: pinning is measured with edu (behind an IOMMU or as a noiommu"
		     " device) or mock", vmt_machine());
	if (vmt_machine_is("noiommu") && vmt_kernel_version() < VMT_KV(7, 3, 0))
		SKIP("kernel %s: no noiommu VFIO cdevs (7.3+)", vmt_kernel_release());
	r = run_in_child(t, sizeof(*r), memlock_child);
	if (r == MAP_FAILED)
		goto out;
	CHECK(r->done, "the child stopped at step %d: %s", r->stage, vmt_errname(r->err));
	vmt_note("RLIMIT_MEMLOCK hard %llu KiB, soft lowered to %u KiB; %u KiB mapped",
		 r->hard / 1024, MEMLOCK_LIMIT / 1024, MEMLOCK_MAP / 1024);
	vmt_note("with CAP_IPC_LOCK: %s = %s, VmPin %lld KiB", edu ? "attach" : "HWPT_ALLOC",
		 vmt_errname(r->rc_cap_attach), r->pin_cap_kib);
	vmt_note("without: map %s (VmPin %lld KiB), HWPT_ALLOC %s, attach %s; limit raised: %s,"
		 " VmPin %lld KiB", vmt_errname(r->rc_map), r->pin_map_kib,
		 vmt_errname(r->rc_alloc), edu ? vmt_errname(r->rc_attach) : "-",
		 vmt_errname(r->rc_raised), r->pin_raised_kib);
	/* The kernel's rule the explanation relies on: CAP_IPC_LOCK is never charged. */
	CHECK(r->rc_cap_attach == 0, "with CAP_IPC_LOCK past the limit: %s",
	      vmt_errname(r->rc_cap_attach));
	CHECK(r->pin_cap_kib >= MEMLOCK_MAP / 1024, "VmPin %lld KiB after pinning %u KiB",
	      r->pin_cap_kib, MEMLOCK_MAP / 1024);
	/* Defect 5: the map succeeds past the limit, the pinning step fails. */
	CHECK(r->rc_map == 0, "map into an IOAS without a device: %s", vmt_errname(r->rc_map));
	CHECK(r->pin_map_kib == 0, "the map alone pinned %lld KiB", r->pin_map_kib);
	if (vmt_machine_is("virtio") && vmt_kernel_version() < VMT_KV(7, 0, 0)) {
		/* The [0, 0] aperture refuses a HWPT on a mapped IOAS first (virtio-aperture). */
		CHECK(r->rc_alloc == -EADDRINUSE, "HWPT_ALLOC on 6.12/virtio = %s",
		      vmt_errname(r->rc_alloc));
	} else {
		CHECK(r->rc_alloc == -ENOMEM, "HWPT_ALLOC past the limit = %s",
		      vmt_errname(r->rc_alloc));
		CHECK(has(r->err_alloc, "would exceed RLIMIT_MEMLOCK (64 KiB") &&
		      !has(r->err_alloc, "ran out of memory"),
		      "HWPT_ALLOC's explanation: '%s'", r->err_alloc);
	}
	if (edu) {
		CHECK(r->rc_attach == -ENOMEM, "attach past the limit = %s",
		      vmt_errname(r->rc_attach));
		CHECK(has(r->err_attach, "would exceed RLIMIT_MEMLOCK (64 KiB") &&
		      !has(r->err_attach, "ran out of memory"),
		      "attach's explanation: '%s'", r->err_attach);
	}
	CHECK(r->rc_raised == 0, "with the limit raised: %s", vmt_errname(r->rc_raised));
	CHECK(r->pin_raised_kib >= MEMLOCK_MAP / 1024, "VmPin %lld KiB after pinning %u KiB",
	      r->pin_raised_kib, MEMLOCK_MAP / 1024);
	if (vmt_machine_is("noiommu")) {
		/*
		 * The kernel's side of the same story: after the map alone no
		 * domain holds the pages (GET_PA: EOPNOTSUPP); once attached the
		 * noiommu domain does, at a physical address.
		 */
		vmt_note("noiommu: GET_PA after the map %s, after the attach %s (0x%llx)",
			 vmt_errname(r->rc_pa_map), vmt_errname(r->rc_pa_raised),
			 (unsigned long long)r->pa_raised);
		CHECK(r->rc_pa_map == -EOPNOTSUPP, "GET_PA of the mapped IOVA before any attach: %s",
		      vmt_errname(r->rc_pa_map));
		CHECK(r->rc_pa_raised == 0 && r->pa_raised != 0,
		      "GET_PA of the mapped IOVA once attached: %s, 0x%llx",
		      vmt_errname(r->rc_pa_raised), (unsigned long long)r->pa_raised);
	}
	vmt_note("explained: '%s'", edu ? r->err_attach : r->err_alloc);
out:
	if (r != MAP_FAILED)
		munmap(r, sizeof(*r));
}

/*
 * The kernel never charges pages mapped with CAP_IPC_LOCK, so an ENOMEM
 * its holder gets is the kernel's memory, even under a low limit. Made
 * with the kernel's fault injection (failnth.h) on IOAS_MAP, whose first
 * allocations are its bookkeeping: the first n that gives ENOMEM is taken.
 */
#define CAP_ENOMEM_MAX_N 32

struct cap_enomem_res {
	bool no_cap;			/* not run with CAP_IPC_LOCK */
	char why_no_fi[256];		/* fault injection unavailable: why */
	int stage, err;
	unsigned int n;			/* the n that gave ENOMEM, 0: none did */
	int rc;
	char text[512];
	bool done;
};

static void cap_enomem_child(void *res)
{
	struct cap_enomem_res *r = res;
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	void *a = NULL;
	const char *why;
	int rc;

	r->no_cap = !holds_ipc_lock();
	if (r->no_cap)
		return;
	why = fnth_setup();
	if (why) {
		snprintf(r->why_no_fi, sizeof(r->why_no_fi), "%s", why);
		return;
	}
	STEP(vmt_ctx_new(&ctx));
	STEP((a = vmt_pages(MEMLOCK_MAP)) ? 0 : -ENOMEM);
	STEP(set_memlock(MEMLOCK_LIMIT));
	for (unsigned int n = 1; n <= CAP_ENOMEM_MAX_N && !r->n; n++) {
		bool injected;

		STEP(iommufd_ioas_alloc(ctx, &ioas));
		fnth_arm(n);
		r->rc = iommufd_ioas_map_fixed(ioas, a, MEMLOCK_MAP, BASE,
					       IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);
		injected = fnth_disarm();
		if (r->rc == -ENOMEM) {
			r->n = n;
			snprintf(r->text, sizeof(r->text), "%s", iommufd_last_error());
		}
		ioas = iommufd_ioas_unref(ioas);
		if (!injected)
			break;		/* the map ran to its end: no more points */
	}
	r->done = true;
}

static void test_memlock_cap_enomem(struct vmt_case *t)
{
	struct cap_enomem_res *r = MAP_FAILED;

	if (!vmt_need_iommufd(t))
		goto out;
	/* A child: its own thread for fail-nth, its own lowered limit. */
	r = run_in_child(t, sizeof(*r), cap_enomem_child);
	if (r == MAP_FAILED)
		goto out;
	if (r->no_cap)
		SKIP("not run with CAP_IPC_LOCK");
	if (r->why_no_fi[0])
		SKIP("no kernel fault injection: %s", r->why_no_fi);
	CHECK(r->done, "the child stopped at step %d: %s", r->stage, vmt_errname(r->err));
	if (!r->n)
		SKIP("no injected failure of IOAS_MAP in %u points gave ENOMEM (last %s)",
		     CAP_ENOMEM_MAX_N, vmt_errname(r->rc));
	vmt_note("n=%u: '%s'", r->n, r->text);
	CHECK(has(r->text, "IOAS_MAP") && has(r->text, "ENOMEM: the kernel ran out of memory"),
	      "explanation: '%s'", r->text);
	CHECK(has(r->text, "not RLIMIT_MEMLOCK: this thread holds CAP_IPC_LOCK"),
	      "explanation: '%s'", r->text);
	CHECK(!has(r->text, "would exceed") && !has(r->text, "raise the limit") &&
	      !has(r->text, "64 KiB"), "the limit blamed: '%s'", r->text);
out:
	if (r != MAP_FAILED)
		munmap(r, sizeof(*r));
}

/* ---- (6) the 6.12 virtio-iommu aperture ------------------------------------ */

static void test_virtio_aperture(struct vmt_case *t)
{
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *full = NULL, *empty = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *on_full = NULL, *on_empty = NULL;
	bool bug = vmt_machine_is("virtio") && vmt_kernel_version() < VMT_KV(7, 0, 0);
	uint64_t iova = 0;
	void *buf = NULL;
	int rc;

	if (!vmt_need_iommufd(t))
		goto out;
	CHECK_RC(vmt_ctx_new(&ctx), 0);
	if (!vmt_edu_bind(t, ctx, &dev))
		goto out;
	buf = vmt_pages(3 * PAGE);
	CHECK(buf != NULL, "out of memory");
	/* A HWPT on an IOAS that maps already. */
	CHECK_RC(iommufd_ioas_alloc(ctx, &full), 0);
	CHECK_RC(iommufd_ioas_map_fixed(full, buf, PAGE, 0x100000, IOMMUFD_MAP_READ), 0);
	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(full), dev, NULL, &on_full);
	vmt_note("HWPT_ALLOC on an IOAS with a mapping: %s%s%s", vmt_errname(rc), rc ? ": " : "",
		 rc ? iommufd_last_error() : "");
	if (!bug) {
		CHECK(rc == 0, "HWPT_ALLOC on a populated IOAS: %s", vmt_errname(rc));
		CHECK_RC(iommufd_ioas_map(full, (char *)buf + PAGE, PAGE, IOMMUFD_MAP_READ, &iova), 0);
	} else {
		/*
		 * Seen on 6.12.117: the empty aperture's reservation of every
		 * IOVA but 0 collides with the mapping, so the allocation
		 * itself fails (the issue saw it succeed, then every map fail:
		 * that is the empty-IOAS case below).
		 */
		CHECK(rc == -EADDRINUSE, "HWPT_ALLOC on a populated IOAS = %s", vmt_errname(rc));
		CHECK(has(iommufd_last_error(), "[0, 0]"), "the explanation: '%s'",
		      iommufd_last_error());
	}
	/* A HWPT first, maps after: the order vm-dma.c uses. */
	CHECK_RC(iommufd_ioas_alloc(ctx, &empty), 0);
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(empty), dev, NULL, &on_empty), 0);
	rc = iommufd_ioas_map(empty, (char *)buf + 2 * PAGE, PAGE, IOMMUFD_MAP_READ, &iova);
	vmt_note("map after a HWPT on an empty IOAS: %s%s%s", vmt_errname(rc), rc ? ": " : "",
		 rc ? iommufd_last_error() : "");
	if (!bug) {
		CHECK(rc == 0, "map after the HWPT: %s", vmt_errname(rc));
	} else {
		CHECK(rc < 0, "a map into the [0, 0] aperture worked");
		CHECK(has(iommufd_last_error(), "[0, 0]") && has(iommufd_last_error(), "6.12"),
		      "the map's explanation: '%s'", iommufd_last_error());
	}
out:
	iommufd_hwpt_unref(on_full);
	iommufd_hwpt_unref(on_empty);
	iommufd_device_unref(dev);
	iommufd_ioas_unref(full);
	iommufd_ioas_unref(empty);
	iommufd_ctx_unref(ctx);
	vmt_pages_free(buf, 3 * PAGE);
}

/* ---- (7) binding a cdev twice ---------------------------------------------- */

static void test_bind_twice(struct vmt_case *t)
{
	struct iommufd_ctx *ctx = NULL, *ctx2 = NULL;
	struct iommufd_device *dev = NULL, *again = NULL;
	int cdev = -1, rc;

	if (!vmt_need_iommufd(t))
		goto out;
	CHECK_RC(vmt_ctx_new(&ctx), 0);
	cdev = open_edu_cdev(t, ctx);
	if (cdev < 0)
		goto out;
	CHECK_RC(iommufd_device_bind_fd(ctx, cdev, &dev), 0);
	CHECK_RC(iommufd_device_bind_fd(ctx, cdev, &again), -EINVAL);
	CHECK(again == NULL, "ret_dev written on failure");
	CHECK(has(iommufd_last_error(), "bound already"), "last error: '%s'",
	      iommufd_last_error());
	/* Another iommufd cannot take it either. */
	CHECK_RC(vmt_ctx_new(&ctx2), 0);
	rc = iommufd_device_bind_fd(ctx2, cdev, &again);
	CHECK(rc == -EINVAL, "bind to a second iommufd = %s", vmt_errname(rc));
	/* The first binding is intact: it attaches. */
	{
		struct iommufd_ioas *ioas = NULL;

		CHECK_RC(iommufd_ioas_alloc(ctx, &ioas), 0);
		rc = iommufd_device_attach(dev, iommufd_ioas_as_pt(ioas));
		iommufd_device_detach(dev);
		iommufd_ioas_unref(ioas);
		CHECK(rc == 0, "attach after the refused binds: %s", vmt_errname(rc));
	}
	vmt_note("second bind of cdev fd %d: EINVAL (same iommufd and another)", cdev);
out:
	iommufd_device_unref(again);
	iommufd_device_unref(dev);
	if (cdev >= 0)
		close(cdev);
	iommufd_ctx_unref(ctx2);
	iommufd_ctx_unref(ctx);
}

/* ---- (8) ENOENT through a from-ID handle ----------------------------------- */

static void test_from_id_enoent(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opt_in, .fallback = IOMMUFD_HWPT_FALLBACK_ATTACH);
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *hwpt = NULL;
	uint32_t gone;

	if (!vmt_need_iommufd(t))
		goto out;
	CHECK_RC(ctx_new_debug(&ctx), 0);
	CHECK_RC(iommufd_ioas_alloc(ctx, &ioas), 0);
	/* An ID no device has (the next free one): what a stale ID looks like. */
	gone = vmt_next_free_id(ctx);
	CHECK(gone != 0, "no free ID");
	CHECK_RC(iommufd_device_new_from_id(ctx, gone, -1, IOMMUFD_ADOPT_BORROW, &dev), 0);
	vmt_log_reset();
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas), dev, NULL, &hwpt), -ENOENT);
	/* "plain" names the request kind; "plain path" would blame the fallback. */
	CHECK(!has(iommufd_last_error(), "plain path"), "ENOENT blamed on the plain path: '%s'",
	      iommufd_last_error());
	CHECK(has(iommufd_last_error(), "ENOENT"), "last error: '%s'", iommufd_last_error());
	/* Also when the caller opted in to the fallback. */
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas), dev, &opt_in, &hwpt), -ENOENT);
	CHECK(!vmt_log_has("plain path"), "a log line blames the plain path: '%s'",
	      vmt_log_last());
	CHECK(hwpt == NULL, "ret_hwpt written on failure");
	vmt_note("device ID %u: '%s'", gone, iommufd_last_error());
out:
	iommufd_hwpt_unref(hwpt);
	iommufd_device_unref(dev);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 10);
	vmt_run("hwq-release-order", test_hwq_release_order);
	vmt_run("raw-attach-deferred", test_raw_attach_deferred);
	vmt_run("adopt-not-iommufd", test_adopt_not_iommufd);
	vmt_run("quiet-unmap", test_quiet_unmap);
	vmt_run("quiet-attach-einval", test_quiet_attach_einval);
	vmt_run("memlock", test_memlock);
	vmt_run("memlock-cap-enomem", test_memlock_cap_enomem);
	vmt_run("virtio-aperture", test_virtio_aperture);
	vmt_run("bind-twice", test_bind_twice);
	vmt_run("from-id-enoent", test_from_id_enoent);
	return vmt_end();
}
