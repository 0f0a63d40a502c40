/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel quirk "virtio-aperture" (docs/kernel-quirks.md): on 6.12, a
 * virtio-iommu domain gets its aperture when it is first attached to a
 * device (viommu_domain_finalise). iommufd attaches before adding a domain
 * to an IOAS only at a device's first attach to that IOAS, so a domain that
 * enters an IOAS any other way (IOMMU_HWPT_ALLOC, a replace onto an IOAS)
 * has the aperture [0, 0] there, and the IOAS reserves every other IOVA:
 *
 *   empty-ioas   HWPT_ALLOC on an empty IOAS: its only usable IOVA range
 *                is [0, 0], so every later map fails (ENOSPC)
 *   mapped-ioas  HWPT_ALLOC on an IOAS that maps a page already: the
 *                reservation collides with it, EADDRINUSE
 *
 * Kernels that allocate virtio-iommu domains for a device (7.2 does:
 * domain_alloc_paging) give the aperture at allocation, and both work.
 * Raw ioctls only; needs the virtio machine (virtio-iommu + edu, bound with
 * iommufd.allow_unsafe_interrupts=1), skips elsewhere.
 */
#include "quirk.h"

#define IOVA 0x100000ull

/* Recorded as affected: 6.12 (the tier's only kernel before 7.x). */
static bool affected(void)
{
	return q_kernel() < Q_KV(6, 13, 0);
}

struct env {
	int fd, devfd;
	uint32_t dev;
	void *buf;
	long page;
};

static bool setup(struct env *e, const char *test)
{
	int rc;

	if (!q_machine_is("virtio")) {
		q_result(test, "skip", "needs virtio-iommu (machine virtio), this is %s",
			 q_machine());
		return false;
	}
	e->page = sysconf(_SC_PAGESIZE);
	e->buf = q_pages(2);
	e->fd = q_open_iommufd();
	e->devfd = q_open_cdev();
	if (e->fd < 0 || e->devfd < 0 || !e->buf) {
		q_result(test, "fail", "setup: /dev/iommu %s, edu cdev %s, memory %s",
			 q_err(e->fd < 0 ? e->fd : 0), q_err(e->devfd < 0 ? e->devfd : 0),
			 e->buf ? "ok" : "none");
		return false;
	}
	rc = q_bind(e->devfd, e->fd, &e->dev);
	if (rc) {
		q_result(test, "fail", "VFIO_DEVICE_BIND_IOMMUFD: %s", q_err(rc));
		return false;
	}
	return true;
}

static void teardown(struct env *e)
{
	if (e->devfd >= 0)
		close(e->devfd);
	if (e->fd >= 0)
		close(e->fd);
	free(e->buf);
}

/* The quirk seen or not, against what is recorded for this kernel. */
static void verdict(const char *test, bool seen, const char *what)
{
	bool want = affected();

	q_result(test, seen == want ? "pass" : "fail", "kernel %s: %s (%s %s)", q_release(),
		 what, seen ? "quirk present" : "no quirk",
		 seen == want ? "as recorded" : want ? "but recorded as affected" :
		 "on a kernel recorded as free of it");
}

static void test_empty_ioas(void)
{
	struct env e = { .fd = -1, .devfd = -1 };
	struct kabi_iova_range r[8];
	uint32_t ioas, hwpt, n = 0;
	char what[200];
	int rc, rc_map;

	if (!setup(&e, "empty-ioas"))
		goto out;
	rc = q_ioas_alloc(e.fd, &ioas);
	if (!rc)
		rc = q_hwpt_alloc(e.fd, e.dev, ioas, &hwpt);
	if (!rc)
		rc = q_iova_ranges(e.fd, ioas, r, 8, &n);
	if (rc) {
		q_result("empty-ioas", "fail", "IOAS_ALLOC/HWPT_ALLOC/IOVA_RANGES: %s", q_err(rc));
		goto out;
	}
	rc_map = q_map(e.fd, ioas, e.buf, (uint64_t)e.page, IOVA);
	snprintf(what, sizeof(what), "after HWPT_ALLOC the IOAS has %u range(s), the first"
		 " [0x%llx, 0x%llx]; map at 0x%llx: %s", n, n ? (unsigned long long)r[0].start : 0,
		 n ? (unsigned long long)r[0].last : 0, IOVA, q_err(rc_map));
	verdict("empty-ioas", n == 1 && r[0].start == 0 && r[0].last == 0 && rc_map, what);
out:
	teardown(&e);
}

static void test_mapped_ioas(void)
{
	struct env e = { .fd = -1, .devfd = -1 };
	uint32_t ioas, hwpt;
	char what[160];
	int rc;

	if (!setup(&e, "mapped-ioas"))
		goto out;
	rc = q_ioas_alloc(e.fd, &ioas);
	if (!rc)
		rc = q_map(e.fd, ioas, e.buf, (uint64_t)e.page, IOVA);
	if (rc) {
		q_result("mapped-ioas", "fail", "IOAS_ALLOC/MAP: %s", q_err(rc));
		goto out;
	}
	rc = q_hwpt_alloc(e.fd, e.dev, ioas, &hwpt);
	snprintf(what, sizeof(what), "HWPT_ALLOC on an IOAS mapping IOVA 0x%llx: %s", IOVA,
		 q_err(rc));
	if (rc && rc != -EADDRINUSE)
		q_result("mapped-ioas", "fail", "kernel %s: %s (neither 0 nor EADDRINUSE)",
			 q_release(), what);
	else
		verdict("mapped-ioas", rc == -EADDRINUSE, what);
out:
	teardown(&e);
}

int main(int argc, char **argv)
{
	(void)argc;
	q_begin(argv[0], 2);
	test_empty_ioas();
	test_mapped_ioas();
	return q_end();
}
