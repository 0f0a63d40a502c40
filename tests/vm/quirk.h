/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers of the kernel-quirk reproducers (tests/vm/vm-quirk-*.c, listed in
 * docs/kernel-quirks.md). Each reproducer is one stand-alone program of raw
 * ioctls, without libiommufd, so that it can be handed to kernel developers
 * as it is:
 *
 *   gcc -static -I libiommufd -I tests/vm -o q tests/vm/vm-quirk-NAME.c
 *
 * In the VM tier each speaks the console protocol of tests/vm/README.md.
 * A test observes whether the quirk shows on the running kernel and
 * machine, and passes when that is what docs/kernel-quirks.md records for
 * this kernel version (a kernel it does not name is expected to be free of
 * it): a fixed kernel that regresses, or a quirk gone on a kernel recorded
 * as affected, is a fail. A reproducer that oopses a kernel known to be
 * affected runs there only when the kernel command line (which init turns
 * into the environment) says LIBIOMMUFD_QUIRK_CRASH=1:
 *
 *   LIBIOMMUFD_VM_APPEND=LIBIOMMUFD_QUIRK_CRASH=1 tests/vm/run.sh ...
 */
#ifndef LIBIOMMUFD_VM_QUIRK_H
#define LIBIOMMUFD_VM_QUIRK_H

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "uapi.h"
#include "selftest.h"

static const char *q_prog;
static int q_failed;

/* Kernel version as 0xAABBCC (minor and patch capped at 255). */
#define Q_KV(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))

static inline void q_begin(const char *argv0, unsigned int ntests)
{
	const char *slash = strrchr(argv0, '/');

	q_prog = slash ? slash + 1 : argv0;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("PLAN %s %u\n", q_prog, ntests);
}

/* One RESULT line: @status is "pass", "fail" or "skip". */
static inline void q_result(const char *test, const char *status, const char *fmt, ...)
{
	char why[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	if (!strcmp(status, "fail"))
		q_failed = 1;
	printf("RESULT %s %s %s %s\n", q_prog, test, status, why);
}

static inline int q_end(void)
{
	return q_failed;
}

static inline const char *q_release(void)
{
	static struct utsname u;

	if (!u.release[0] && uname(&u) != 0)
		snprintf(u.release, sizeof(u.release), "unknown");
	return u.release;
}

static inline unsigned int q_kernel(void)
{
	unsigned int a = 0, b = 0, c = 0;

	sscanf(q_release(), "%u.%u.%u", &a, &b, &c);
	return Q_KV(a, b, c);
}

/* Is the running kernel series A.B (any patch level)? */
static inline bool q_series(unsigned int a, unsigned int b)
{
	return (q_kernel() >> 8) == ((a << 8) + b);
}

static inline const char *q_machine(void)
{
	const char *m = getenv("LIBIOMMUFD_MACHINE");

	return m ? m : "unknown";
}

static inline bool q_machine_is(const char *m)
{
	return !strcmp(q_machine(), m);
}

/* May a reproducer run that oopses a kernel known to be affected? */
static inline bool q_crash_allowed(void)
{
	const char *v = getenv("LIBIOMMUFD_QUIRK_CRASH");

	return v && !strcmp(v, "1");
}

/* "EINVAL" for -EINVAL, "0" for 0. */
static inline const char *q_err(int rc)
{
	static const struct { int e; const char *n; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { EIO, "EIO" }, { ENOMEM, "ENOMEM" },
		{ EFAULT, "EFAULT" }, { EBUSY, "EBUSY" }, { EEXIST, "EEXIST" },
		{ ENODEV, "ENODEV" }, { EINVAL, "EINVAL" }, { ENOSPC, "ENOSPC" },
		{ ENOTTY, "ENOTTY" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ EADDRINUSE, "EADDRINUSE" }, { E2BIG, "E2BIG" }, { ERANGE, "ERANGE" },
	};
	static char other[24];
	int e = rc < 0 ? -rc : rc;
	size_t i;

	if (!rc)
		return "0";
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].e == e)
			return names[i].n;
	snprintf(other, sizeof(other), "errno %d", e);
	return other;
}

/* ioctl() as 0 or -errno. */
static inline int q_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

static inline int q_ioas_alloc(int fd, uint32_t *ret_id)
{
	struct kabi_ioas_alloc a = { .size = sizeof(a) };
	int rc = q_ioctl(fd, KABI_IOMMU_IOAS_ALLOC, &a);

	if (!rc)
		*ret_id = a.out_ioas_id;
	return rc;
}

/* Map @len bytes at @buf to @iova of IOAS @ioas, readable and writeable. */
static inline int q_map(int fd, uint32_t ioas, void *buf, uint64_t len, uint64_t iova)
{
	struct kabi_ioas_map m = {
		.size = sizeof(m),
		.flags = KABI_IOAS_MAP_FIXED_IOVA | KABI_IOAS_MAP_READABLE |
			 KABI_IOAS_MAP_WRITEABLE,
		.ioas_id = ioas,
		.user_va = (uintptr_t)buf,
		.length = len,
		.iova = iova,
	};

	return q_ioctl(fd, KABI_IOMMU_IOAS_MAP, &m);
}

/* The usable IOVA ranges of IOAS @ioas: up to @max into @r, count in @ret_n. */
static inline int q_iova_ranges(int fd, uint32_t ioas, struct kabi_iova_range *r,
				uint32_t max, uint32_t *ret_n)
{
	struct kabi_ioas_iova_ranges q = {
		.size = sizeof(q),
		.ioas_id = ioas,
		.num_iovas = max,
		.allowed_iovas = (uintptr_t)r,
	};
	int rc = q_ioctl(fd, KABI_IOMMU_IOAS_IOVA_RANGES, &q);

	if (!rc || rc == -EMSGSIZE)
		*ret_n = q.num_iovas;
	return rc;
}

/* A plain paging HWPT for device @dev on @pt (an IOAS). */
static inline int q_hwpt_alloc(int fd, uint32_t dev, uint32_t pt, uint32_t *ret_id)
{
	struct kabi_hwpt_alloc h = { .size = sizeof(h), .dev_id = dev, .pt_id = pt };
	int rc = q_ioctl(fd, KABI_IOMMU_HWPT_ALLOC, &h);

	if (!rc)
		*ret_id = h.out_hwpt_id;
	return rc;
}

static inline int q_destroy(int fd, uint32_t id)
{
	struct kabi_destroy d = { .size = sizeof(d), .id = id };

	return q_ioctl(fd, KABI_IOMMU_DESTROY, &d);
}

/* /dev/iommu, or -errno. */
static inline int q_open_iommufd(void)
{
	int fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/*
 * /dev/iommu for test @test, or -errno after reporting it: a skip when the
 * kernel has no iommufd (Debian's stock 6.1), a fail otherwise.
 */
static inline int q_iommufd_for(const char *test)
{
	int fd = q_open_iommufd();

	if (fd == -ENOENT)
		q_result(test, "skip", "kernel %s has no iommufd (no /dev/iommu)", q_release());
	else if (fd < 0)
		q_result(test, "fail", "/dev/iommu: %s", q_err(fd));
	return fd;
}

/* Open the first VFIO device cdev (QEMU's edu, bound to vfio-pci by init). */
static inline int q_open_cdev(void)
{
	DIR *d = opendir("/dev/vfio/devices");
	struct dirent *e;
	char path[300];
	int fd = -ENODEV;

	if (!d)
		return -ENODEV;
	while ((e = readdir(d))) {
		if (strncmp(e->d_name, "vfio", 4))
			continue;
		snprintf(path, sizeof(path), "/dev/vfio/devices/%s", e->d_name);
		fd = open(path, O_RDWR | O_CLOEXEC);
		fd = fd < 0 ? -errno : fd;
		break;
	}
	closedir(d);
	return fd;
}

static inline int q_bind(int devfd, int iommufd, uint32_t *ret_dev)
{
	struct kabi_vfio_bind_iommufd b = {
		.argsz = KABI_VFIO_BIND_SIZE_V1,
		.iommufd = iommufd,
	};
	int rc = q_ioctl(devfd, KABI_VFIO_DEVICE_BIND_IOMMUFD, &b);

	if (!rc)
		*ret_dev = b.out_devid;
	return rc;
}

/* Attach, or replace when attached already; @ret_hwpt (may be NULL): the HWPT used. */
static inline int q_attach(int devfd, uint32_t pt, uint32_t *ret_hwpt)
{
	struct kabi_vfio_attach_pt a = { .argsz = KABI_VFIO_ATTACH_SIZE_V1, .pt_id = pt };
	int rc = q_ioctl(devfd, KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &a);

	if (!rc && ret_hwpt)
		*ret_hwpt = a.pt_id;
	return rc;
}

/* A selftest mock device attached to @pt: its selftest object and HWPT IDs. */
static inline int q_mock_domain(int fd, uint32_t pt, uint32_t *ret_stdev, uint32_t *ret_hwpt)
{
	struct st_cmd c = { .size = sizeof(c), .op = ST_OP_MOCK_DOMAIN, .id = pt };
	int rc = q_ioctl(fd, ST_TEST_CMD, &c);

	if (!rc) {
		*ret_stdev = c.mock_domain.out_stdev_id;
		*ret_hwpt = c.mock_domain.out_hwpt_id;
	}
	return rc;
}

/*
 * Has the kernel logged an oops, a BUG or a WARN since boot? (Read with
 * klogctl; never printed here, run.sh takes those words for a kernel
 * problem and init replays them from the log anyway.)
 */
static inline bool q_kernel_complained(void)
{
	static const char *const marks[] = { "Oops", "BUG:", "WARNING:", "Kernel panic" };
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	bool found = false;
	char *buf;
	size_t i;

	if (len <= 0 || !(buf = malloc((size_t)len + 1)))
		return false;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	if (len > 0) {
		buf[len] = '\0';
		for (i = 0; i < sizeof(marks) / sizeof(marks[0]); i++)
			found = found || strstr(buf, marks[i]);
	}
	free(buf);
	return found;
}

/* @n pages of zeroed, page-aligned memory (NULL when out of memory). */
static inline void *q_pages(size_t n)
{
	void *p = NULL;
	long sz = sysconf(_SC_PAGESIZE);

	if (posix_memalign(&p, (size_t)sz, n * (size_t)sz))
		return NULL;
	memset(p, 0, n * (size_t)sz);
	return p;
}

#endif
