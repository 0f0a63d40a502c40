// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The kernel's fault injection for the VM programs: see failnth.h.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <alloca.h>

#include "failnth.h"

static int nth_fd = -1;
static char broken[256];

static bool write_knob(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = write(fd, val, strlen(val)) == (ssize_t)strlen(val);
	close(fd);
	return ok;
}

/*
 * The injected failure is meant for the kernel's work inside a call, not
 * for this process's own memory: a failed page allocation in a page fault
 * of the heap or the stack, or in a brk() that grows or trims the heap, is
 * not what is tested (and seen here on 6.12, it corrupted glibc's heap).
 * So grow the heap once, keep it (no trimming, no mmap for big blocks),
 * and touch it and a good part of the stack before anything is armed.
 */
static void prefault(void)
{
	const size_t heap = 8u << 20, stack = 512u << 10;
	volatile char *deep = alloca(stack);
	char *p;

#ifdef __GLIBC__	/* musl has no such tunables (the VM runs a glibc build) */
	mallopt(M_MMAP_THRESHOLD, 64 << 20);
	mallopt(M_TRIM_THRESHOLD, 512 << 20);
	mallopt(M_TOP_PAD, 16 << 20);
#endif
	p = malloc(heap);
	if (p) {
		memset(p, 1, heap);
		free(p);
	}
	for (size_t i = 0; i < stack; i += 4096)
		deep[i] = 0;
}

const char *fnth_setup(void)
{
	/*
	 * By default failslab and fail_page_alloc skip allocations that may
	 * sleep (GFP_KERNEL: nearly all of iommufd's) and order-0 pages; count
	 * them all, quietly (a stack dump per failure would swamp the console).
	 */
	static const char *const knobs[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/failslab/verbose", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/min-order", "0" },
		{ "/sys/kernel/debug/fail_page_alloc/verbose", "0" },
	};
	char path[64];

	if (nth_fd >= 0)
		return NULL;
	if (broken[0])
		return broken;
	prefault();
	for (size_t i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		if (!write_knob(knobs[i][0], knobs[i][1])) {
			snprintf(broken, sizeof(broken), "cannot write %s: %s (a kernel without"
				 " FAILSLAB/FAIL_PAGE_ALLOC/FAULT_INJECTION_DEBUG_FS, or no debugfs)",
				 knobs[i][0], strerror(errno));
			return broken;
		}
	}
	snprintf(path, sizeof(path), "/proc/self/task/%d/fail-nth", (int)gettid());
	nth_fd = open(path, O_RDWR | O_CLOEXEC);
	if (nth_fd < 0) {
		snprintf(broken, sizeof(broken), "cannot open %s: %s (a kernel without"
			 " CONFIG_FAULT_INJECTION)", path, strerror(errno));
		return broken;
	}
	return NULL;
}

void fnth_arm(unsigned int n)
{
	char buf[16];
	int len = snprintf(buf, sizeof(buf), "%u", n);

	/* The file is open and ours: a failed write would make every result a lie. */
	if (nth_fd < 0 || pwrite(nth_fd, buf, len, 0) != len)
		abort();
}

bool fnth_disarm(void)
{
	char buf[16] = "";
	bool injected;

	if (nth_fd < 0 || pread(nth_fd, buf, sizeof(buf) - 1, 0) <= 0)
		abort();
	injected = strtoul(buf, NULL, 10) == 0;
	fnth_arm(0);
	return injected;
}

bool fnth_crash_points(void)
{
	const char *e = getenv("LIBIOMMUFD_FAULTINJ_CRASH");

	return e && strcmp(e, "1") == 0;
}
