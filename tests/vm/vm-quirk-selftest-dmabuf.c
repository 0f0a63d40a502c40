/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel quirk "selftest-dmabuf" (docs/kernel-quirks.md): the selftest
 * driver's IOMMU_TEST_OP_DMABUF_GET makes a dma-buf and installs an fd for
 * it. On 7.2 the ioctl returns that fd. On 7.3 (7.3-rc7 and 7.3.4) it
 * returns 0 although the fd is installed: the caller is not told its
 * number (the kernel's own selftest, which still takes the return value
 * for the fd, then works on fd 0). The fd is the lowest free number, so a
 * caller can still find it.
 *
 * Raw ioctls, mock machine: note the lowest free fd, DMABUF_GET of one
 * page, compare the return value with what /proc/self/fd shows there.
 */
#include <limits.h>

#include "quirk.h"

/* 7.3 returns 0; 7.2 the fd; 6.12 has no such op. */
static bool affected(void)
{
	return q_series(7, 3);
}

/* The union member of DMABUF_GET (iommufd_test.h): length, open_flags. */
static void set_dmabuf_get(struct st_cmd *c, uint32_t length, uint32_t open_flags)
{
	memcpy(&c->raw[0], &length, sizeof(length));
	memcpy(&c->raw[4], &open_flags, sizeof(open_flags));
}

static void test_dmabuf_get(void)
{
	const char *T = "dmabuf-get-returns";
	struct st_cmd c = { .size = sizeof(c), .op = ST_OP_DMABUF_GET };
	char link[PATH_MAX], path[64];
	int fd, lowest, rc;
	ssize_t n;
	bool seen;

	if (!q_machine_is("mock")) {
		q_result(T, "skip", "runs on the mock machine (this is %s)", q_machine());
		return;
	}
	fd = q_iommufd_for(T);
	if (fd < 0)
		return;
	lowest = open("/dev/null", O_RDONLY | O_CLOEXEC);
	if (lowest < 0) {
		q_result(T, "fail", "/dev/null: %s", q_err(-errno));
		goto out;
	}
	close(lowest);
	set_dmabuf_get(&c, 4096, O_CLOEXEC);
	rc = ioctl(fd, ST_TEST_CMD, &c);
	if (rc < 0 && (errno == EOPNOTSUPP || errno == ENOTTY) && q_kernel() < Q_KV(6, 19, 0)) {
		q_result(T, "skip", "kernel %s: no selftest dma-buf op (%s)", q_release(),
			 q_err(-errno));
		goto out;
	}
	if (rc < 0) {
		q_result(T, "fail", "kernel %s: DMABUF_GET: %s", q_release(), q_err(-errno));
		goto out;
	}
	snprintf(path, sizeof(path), "/proc/self/fd/%d", lowest);
	n = readlink(path, link, sizeof(link) - 1);
	link[n > 0 ? n : 0] = '\0';
	seen = rc == 0;
	q_result(T, seen == affected() ? "pass" : "fail", "kernel %s: DMABUF_GET returned %d; fd %d"
		 " is '%s' (%s %s)", q_release(), rc, lowest, link,
		 seen ? "quirk present: the fd number is not returned" : "no quirk",
		 seen == affected() ? "as recorded" : affected() ? "but recorded as affected" :
		 "on a kernel recorded as free of it");
	if (rc > 0 && rc != lowest)
		close(rc);
	if (n > 0 && strstr(link, "dmabuf"))
		close(lowest);
out:
	close(fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	q_begin(argv[0], 1);
	test_dmabuf_get();
	return q_end();
}
