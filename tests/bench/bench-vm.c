// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library against raw ioctls on a real kernel, in the test VM.
 *
 * Each operation runs as library call and as the raw ioctls it stands for,
 * alternating per iteration (library first on even iterations, raw first on
 * odd ones) so that drifts of the machine (TCG, a busy host) hit both alike.
 * Every single call is timed; the line printed per operation is
 *   BENCH <machine> <op> <n> <lib median> <raw median> <ratio> <lib p99> <raw p99> <ratio> <lib heap/call> <raw heap/call>
 * (times in ns). Heap calls are counted by interposing malloc, calloc,
 * realloc and free in this program, which catches those of the shared
 * library and of libudev too.
 *
 * Discovery has no raw twin: its line is
 *   DISCOVER <machine> <n> <median ns> <p99 ns> <heap calls/call> <syscalls/call>
 * with the syscalls counted by strace (when the initramfs carries it) on a
 * second run of this program that makes one call between two marker
 * syscalls, followed by one DISCOVER-SYSCALL <name> <count> line per kind.
 *
 * A report, never a pass/fail timing: a RESULT is "pass" when both sides
 * worked every time (every call's return is checked), "skip" with the
 * reason when the machine cannot do the operation.
 *
 * The time per operation is bounded: iterations stop after
 * LIBIOMMUFD_BENCH_SECONDS (default 2) or the operation's maximum count.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "uapi.h"
#include "../vm/vmtest.h"

#define MIB (1ull << 20)
#define RW (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)
#define MAX_SAMPLES 4000

/* ---- heap calls ------------------------------------------------------------ */

/*
 * Interposed for the whole process (the executable's definitions win over
 * libc's for every shared library). Not under a sanitizer, which brings
 * its own allocator: heap counts are then reported as -1.
 */
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define BENCH_SANITIZED 1
#elif defined(__has_feature)	/* clang before 15 defines no __SANITIZE_*__ */
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer) || \
	__has_feature(memory_sanitizer)
#define BENCH_SANITIZED 1
#endif
#endif

/*
 * Heap calls are counted by wrapping glibc's own allocator entry points
 * (__libc_malloc...); other C libraries (musl) have none, so there the
 * count is not taken, as under the sanitizers.
 */
#if !defined(__GLIBC__) && !defined(BENCH_SANITIZED)
#define BENCH_SANITIZED 1
#endif

#ifdef BENCH_SANITIZED
#define HEAP_COUNTED 0
static unsigned long heap_calls;
#else
#define HEAP_COUNTED 1
static unsigned long heap_calls;

void *__libc_malloc(size_t size);
void *__libc_calloc(size_t nmemb, size_t size);
void *__libc_realloc(void *ptr, size_t size);
void __libc_free(void *ptr);

void *malloc(size_t size)
{
	heap_calls++;
	return __libc_malloc(size);
}

void *calloc(size_t nmemb, size_t size)
{
	heap_calls++;
	return __libc_calloc(nmemb, size);
}

void *realloc(void *ptr, size_t size)
{
	heap_calls++;
	return __libc_realloc(ptr, size);
}

void free(void *ptr)
{
	if (ptr)
		heap_calls++;
	__libc_free(ptr);
}
#endif

/* ---- timing ------------------------------------------------------------------ */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static double budget_s(void)
{
	const char *s = getenv("LIBIOMMUFD_BENCH_SECONDS");
	double v = s ? atof(s) : 0;

	return v > 0 ? v : 2.0;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* The median and the 99th percentile (nearest rank) of @n samples. */
static void stats(uint64_t *s, unsigned int n, uint64_t *med, uint64_t *p99)
{
	unsigned int r = (99 * n + 99) / 100;

	qsort(s, n, sizeof(*s), cmp_u64);
	*med = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	*p99 = s[(r ? r : 1) - 1];
}

typedef int (*bench_fn)(void *arg);

static uint64_t lib_ns[MAX_SAMPLES], raw_ns[MAX_SAMPLES];

/* One timed call; its heap calls are added to *@heap. */
static int timed(bench_fn fn, void *arg, uint64_t *ns, unsigned long *heap)
{
	unsigned long h0 = heap_calls;
	uint64_t t0 = now_ns();
	int rc = fn(arg);

	*ns = now_ns() - t0;
	*heap += heap_calls - h0;
	return rc;
}

/*
 * @lib and @raw alternately, at most @max times each; prints the BENCH line.
 * False (and a failed check) when a call fails.
 */
static bool bench_pair(struct vmt_case *t, const char *op, unsigned int max,
		       bench_fn lib, bench_fn raw, void *arg)
{
	uint64_t end, lmed, lp99, rmed, rp99;
	unsigned long lheap = 0, rheap = 0, wheap = 0;
	unsigned int n = 0;
	uint64_t warm;
	int rc;

	if (max > MAX_SAMPLES)
		max = MAX_SAMPLES;
	/* Warm up both: first-call costs (lazy binding, page faults) are not theirs. */
	rc = timed(lib, arg, &warm, &wheap);
	if (!vmt_check_(t, rc == 0, __FILE__, __LINE__, "%s: library warm-up: %s (%s)", op,
			vmt_errname(rc), vmt_log_last()))
		return false;
	rc = timed(raw, arg, &warm, &wheap);
	if (!vmt_check_(t, rc == 0, __FILE__, __LINE__, "%s: raw warm-up: %s", op,
			vmt_errname(rc)))
		return false;
	end = now_ns() + (uint64_t)(budget_s() * 1e9);
	while (n < max && (n < 20 || now_ns() < end)) {
		bool lib_first = n % 2 == 0;
		int rc1, rc2;

		rc1 = lib_first ? timed(lib, arg, &lib_ns[n], &lheap) :
				  timed(raw, arg, &raw_ns[n], &rheap);
		rc2 = lib_first ? timed(raw, arg, &raw_ns[n], &rheap) :
				  timed(lib, arg, &lib_ns[n], &lheap);
		if (!vmt_check_(t, rc1 == 0 && rc2 == 0, __FILE__, __LINE__,
				"%s iteration %u: %s then %s: %s, %s (%s)", op, n,
				lib_first ? "library" : "raw", lib_first ? "raw" : "library",
				vmt_errname(rc1), vmt_errname(rc2), vmt_log_last()))
			return false;
		n++;
	}
	stats(lib_ns, n, &lmed, &lp99);
	stats(raw_ns, n, &rmed, &rp99);
	printf("BENCH %s %s %u %llu %llu %.3f %llu %llu %.3f %.2f %.2f\n", vmt_machine(), op, n,
	       (unsigned long long)lmed, (unsigned long long)rmed, (double)lmed / (double)rmed,
	       (unsigned long long)lp99, (unsigned long long)rp99, (double)lp99 / (double)rp99,
	       HEAP_COUNTED ? (double)lheap / n : -1.0, HEAP_COUNTED ? (double)rheap / n : -1.0);
	vmt_check_(t, true, __FILE__, __LINE__, "measured");
	return true;
}

/* ---- the environment: a context, an IOAS, a device on it ----------------------- */

struct env {
	struct iommufd_ctx *ctx;
	int fd;
	struct iommufd_ioas *ioas;	/* the device is attached to it (mock: through a domain) */
	struct iommufd_ioas *empty;	/* for HWPT allocations */
	struct iommufd_device *dev;	/* edu (with its cdev), or a mock device (without) */
	uint32_t stdev;			/* mock: the selftest object */
	struct iommufd_hwpt *a, *b;	/* edu: two HWPTs on ioas, the device on a */
	struct iommufd_hwpt *dirty;	/* mock: dirty tracking, the device on it */
	void *buf;
	size_t buf_len;
	uint64_t iova;			/* where buf is mapped */
	uint64_t len;			/* the current map size */
	uint64_t *bitmap;
};

static bool env_setup(struct vmt_case *t, struct env *e, bool want_cdev)
{
	int rc;

	memset(e, 0, sizeof(*e));
	if (!vmt_need_iommufd(t))
		return false;
	if (want_cdev && !vmt_machine_has_edu()) {
		vmt_skip_(t, "machine %s: the library's attach, replace and detach need a VFIO cdev;"
			  " mock devices have none (the vtd machine measures them)", vmt_machine());
		return false;
	}
	rc = vmt_ctx_new(&e->ctx);
	if (!vmt_check_(t, rc == 0, __FILE__, __LINE__, "iommufd_ctx_new: %s", vmt_errname(rc)))
		return false;
	e->fd = iommufd_ctx_get_fd(e->ctx);
	rc = iommufd_ioas_alloc(e->ctx, &e->ioas);
	if (!rc)
		rc = iommufd_ioas_alloc(e->ctx, &e->empty);
	if (!vmt_check_(t, rc == 0, __FILE__, __LINE__, "iommufd_ioas_alloc: %s", vmt_errname(rc)))
		return false;
	if (vmt_machine_has_edu()) {
		if (!vmt_edu_bind(t, e->ctx, &e->dev))
			return false;
		rc = iommufd_device_attach(e->dev, iommufd_ioas_as_pt(e->ioas));
		return vmt_check_(t, rc == 0, __FILE__, __LINE__, "attach edu: %s (%s)",
				  vmt_errname(rc), vmt_log_last());
	}
	return vmt_mock_device(t, e->ctx, iommufd_ioas_get_id(e->ioas), 0, &e->stdev, &e->dev);
}

static void env_teardown(struct env *e)
{
	if (e->stdev)
		vmt_destroy(e->fd, e->stdev);
	iommufd_device_unref(e->dev);
	iommufd_hwpt_unref(e->a);
	iommufd_hwpt_unref(e->b);
	iommufd_hwpt_unref(e->dirty);
	iommufd_ioas_unref(e->ioas);
	iommufd_ioas_unref(e->empty);
	iommufd_ctx_unref(e->ctx);
	vmt_pages_free(e->buf, e->buf_len);
	free(e->bitmap);
}

static int raw_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) ? -errno : 0;
}

static int raw_destroy(int fd, uint32_t id)
{
	struct kabi_destroy d = { .size = sizeof(d), .id = id };

	return raw_ioctl(fd, KABI_IOMMU_DESTROY, &d);
}

/* ---- IOAS and HWPT alloc + destroy ---------------------------------------------- */

static int lib_ioas(void *arg)
{
	struct env *e = arg;
	struct iommufd_ioas *ioas;
	int rc = iommufd_ioas_alloc(e->ctx, &ioas);

	iommufd_ioas_unref(ioas);
	return rc;
}

static int raw_ioas(void *arg)
{
	struct env *e = arg;
	struct kabi_ioas_alloc cmd = { .size = sizeof(cmd) };
	int rc = raw_ioctl(e->fd, KABI_IOMMU_IOAS_ALLOC, &cmd);

	return rc ? rc : raw_destroy(e->fd, cmd.out_ioas_id);
}

/*
 * The floor of any library that hands out heap handles: the raw ioctls plus
 * one malloc and free of a handle's size (struct iommufd_ioas: 24 bytes).
 */
static int raw_ioas_heap(void *arg)
{
	void *handle = malloc(24);
	int rc = handle ? raw_ioas(arg) : -ENOMEM;

	free(handle);
	return rc;
}

static void t_ioas(struct vmt_case *t)
{
	struct env e;

	if (env_setup(t, &e, false) &&
	    bench_pair(t, "ioas_alloc_destroy", 2000, lib_ioas, raw_ioas, &e))
		bench_pair(t, "ioas_raw_plus_malloc", 2000, raw_ioas_heap, raw_ioas, &e);
	env_teardown(&e);
}

static int lib_hwpt(void *arg)
{
	struct env *e = arg;
	struct iommufd_hwpt *hwpt;
	int rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(e->empty), e->dev, NULL, &hwpt);

	iommufd_hwpt_unref(hwpt);
	return rc;
}

static int raw_hwpt(void *arg)
{
	struct env *e = arg;
	struct kabi_hwpt_alloc cmd = {
		.size = sizeof(cmd), .dev_id = iommufd_device_get_id(e->dev),
		.pt_id = iommufd_ioas_get_id(e->empty),
	};
	int rc = raw_ioctl(e->fd, KABI_IOMMU_HWPT_ALLOC, &cmd);

	return rc ? rc : raw_destroy(e->fd, cmd.out_hwpt_id);
}

static void t_hwpt(struct vmt_case *t)
{
	struct env e;

	if (env_setup(t, &e, false))
		bench_pair(t, "hwpt_alloc_destroy", 2000, lib_hwpt, raw_hwpt, &e);
	env_teardown(&e);
}

/* ---- map + unmap ------------------------------------------------------------------ */

static int lib_map(void *arg)
{
	struct env *e = arg;
	int rc = iommufd_ioas_map_fixed(e->ioas, e->buf, e->len, e->iova, RW);

	return rc ? rc : iommufd_ioas_unmap(e->ioas, e->iova, e->len, 0, NULL);
}

static int raw_map(void *arg)
{
	struct env *e = arg;
	struct kabi_ioas_map m = {
		.size = sizeof(m), .ioas_id = iommufd_ioas_get_id(e->ioas),
		.flags = KABI_IOAS_MAP_FIXED_IOVA | KABI_IOAS_MAP_READABLE | KABI_IOAS_MAP_WRITEABLE,
		.user_va = (uintptr_t)e->buf, .length = e->len, .iova = e->iova,
	};
	struct kabi_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = m.ioas_id, .iova = e->iova, .length = e->len,
	};
	int rc = raw_ioctl(e->fd, KABI_IOMMU_IOAS_MAP, &m);

	return rc ? rc : raw_ioctl(e->fd, KABI_IOMMU_IOAS_UNMAP, &u);
}

static void map_unmap(struct vmt_case *t, uint64_t len, const char *op, unsigned int max)
{
	struct env e;

	if (!env_setup(t, &e, false))
		goto out;
	e.buf_len = len;
	e.len = len;
	e.buf = vmt_pages(len);
	if (!vmt_check_(t, e.buf != NULL, __FILE__, __LINE__, "%llu bytes: out of memory",
			(unsigned long long)len))
		goto out;
	if (!vmt_check_(t, vmt_pick_iova(e.ioas, ST_MOCK_APERTURE_START, len, &e.iova),
			__FILE__, __LINE__, "no IOVA room for %llu bytes", (unsigned long long)len))
		goto out;
	bench_pair(t, op, max, lib_map, raw_map, &e);
out:
	env_teardown(&e);
}

static void t_map_4k(struct vmt_case *t) { map_unmap(t, 4096, "map_unmap_4k", 2000); }
static void t_map_64k(struct vmt_case *t) { map_unmap(t, 64 << 10, "map_unmap_64k", 2000); }
static void t_map_2m(struct vmt_case *t) { map_unmap(t, 2 * MIB, "map_unmap_2m", 1000); }
static void t_map_64m(struct vmt_case *t) { map_unmap(t, 64 * MIB, "map_unmap_64m", 200); }

/* ---- replace, detach + attach (a device with its cdev) ----------------------------- */

static bool two_hwpts(struct vmt_case *t, struct env *e)
{
	int rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(e->ioas), e->dev, NULL, &e->a);

	if (!rc)
		rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(e->ioas), e->dev, NULL, &e->b);
	if (!rc)
		rc = iommufd_device_replace(e->dev, iommufd_hwpt_as_pt(e->a));
	return vmt_check_(t, rc == 0, __FILE__, __LINE__, "two HWPTs, the device on the first: %s"
			  " (%s)", vmt_errname(rc), vmt_log_last());
}

static int raw_attach_pt(struct env *e, uint32_t pt_id)
{
	struct kabi_vfio_attach_pt cmd = { .argsz = KABI_VFIO_ATTACH_SIZE_V1, .pt_id = pt_id };

	return raw_ioctl(iommufd_device_get_fd(e->dev), KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd);
}

/* A -> B -> A: the device ends where the library believes it is. */
static int lib_replace(void *arg)
{
	struct env *e = arg;
	int rc = iommufd_device_replace(e->dev, iommufd_hwpt_as_pt(e->b));

	return rc ? rc : iommufd_device_replace(e->dev, iommufd_hwpt_as_pt(e->a));
}

static int raw_replace(void *arg)
{
	struct env *e = arg;
	int rc = raw_attach_pt(e, iommufd_hwpt_get_id(e->b));

	return rc ? rc : raw_attach_pt(e, iommufd_hwpt_get_id(e->a));
}

static void t_replace(struct vmt_case *t)
{
	struct env e;

	if (env_setup(t, &e, true) && two_hwpts(t, &e))
		bench_pair(t, "replace_pair", 2000, lib_replace, raw_replace, &e);
	env_teardown(&e);
}

static int lib_detach_attach(void *arg)
{
	struct env *e = arg;
	int rc = iommufd_device_detach(e->dev);

	return rc ? rc : iommufd_device_attach(e->dev, iommufd_hwpt_as_pt(e->a));
}

static int raw_detach_attach(void *arg)
{
	struct env *e = arg;
	struct kabi_vfio_detach_pt cmd = { .argsz = KABI_VFIO_DETACH_SIZE_V1 };
	int rc = raw_ioctl(iommufd_device_get_fd(e->dev), KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd);

	return rc ? rc : raw_attach_pt(e, iommufd_hwpt_get_id(e->a));
}

static void t_attach(struct vmt_case *t)
{
	struct env e;

	if (env_setup(t, &e, true) && two_hwpts(t, &e))
		bench_pair(t, "detach_attach", 2000, lib_detach_attach, raw_detach_attach, &e);
	env_teardown(&e);
}

/* ---- dirty bitmap read (mock: no emulated IOMMU tracks dirty pages) ----------------- */

#define DIRTY_LEN (2 * MIB)

static int lib_dirty(void *arg)
{
	struct env *e = arg;

	return iommufd_hwpt_get_dirty_bitmap(e->dirty, e->iova, DIRTY_LEN, 4096, e->bitmap, 0);
}

static int raw_dirty(void *arg)
{
	struct env *e = arg;
	struct kabi_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd), .hwpt_id = iommufd_hwpt_get_id(e->dirty), .iova = e->iova,
		.length = DIRTY_LEN, .page_size = 4096, .data = (uintptr_t)e->bitmap,
	};

	return raw_ioctl(e->fd, KABI_IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd);
}

static bool dirty_setup(struct vmt_case *t, struct env *e)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	uint32_t used = 0;
	int rc;

	e->buf_len = DIRTY_LEN;
	e->buf = vmt_pages(DIRTY_LEN);
	e->bitmap = calloc(DIRTY_LEN / 4096 / 64, 8);
	e->iova = ST_MOCK_APERTURE_START;
	if (!vmt_check_(t, e->buf && e->bitmap, __FILE__, __LINE__, "out of memory"))
		return false;
	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(e->ioas), e->dev, &o, &e->dirty);
	if (rc == -EOPNOTSUPP) {
		vmt_skip_(t, "no dirty tracking here: %s", vmt_log_last());
		return false;
	}
	if (!vmt_check_(t, rc == 0, __FILE__, __LINE__, "dirty HWPT: %s (%s)", vmt_errname(rc),
			vmt_log_last()))
		return false;
	rc = iommufd_ioas_map_fixed(e->ioas, e->buf, DIRTY_LEN, e->iova, RW);
	if (!rc)
		rc = vmt_st_replace(e->fd, e->stdev, iommufd_hwpt_get_id(e->dirty), &used);
	if (!rc)
		rc = iommufd_hwpt_set_dirty_tracking(e->dirty, true);
	return vmt_check_(t, rc == 0, __FILE__, __LINE__, "map, device onto the dirty HWPT,"
			  " tracking on: %s (%s)", vmt_errname(rc), vmt_log_last());
}

static void t_dirty(struct vmt_case *t)
{
	struct env e;

	if (!vmt_machine_is("mock")) {
		memset(&e, 0, sizeof(e));
		vmt_skip_(t, "machine %s: no emulated IOMMU of QEMU tracks dirty pages (the mock"
			  " machine measures it)", vmt_machine());
		return;
	}
	if (env_setup(t, &e, false) && dirty_setup(t, &e))
		bench_pair(t, "dirty_read_2m", 2000, lib_dirty, raw_dirty, &e);
	if (e.stdev) {			/* off the dirty HWPT before it goes */
		vmt_destroy(e.fd, e.stdev);
		e.stdev = 0;
	}
	env_teardown(&e);
}

/* ---- discovery ------------------------------------------------------------------------ */

#define STRACE "/bin/strace"
#define MARK_BEGIN (-4242)
#define MARK_END (-4243)

/*
 * The child run under strace: one discovery between two marker syscalls.
 * Also prints its heap calls and entries (run by hand on a fake sysfs).
 */
static int discover_once(void)
{
	struct iommufd_vfio_cdev **list = NULL;
	unsigned long h0 = heap_calls;
	size_t n = 0;
	int rc;

	syscall(SYS_close, MARK_BEGIN);
	rc = iommufd_discover_list(NULL, &list, &n);
	iommufd_discover_list_free(list);
	syscall(SYS_close, MARK_END);
	printf("discover_list: %s, %zu entries, %ld heap calls\n", vmt_errname(rc), n,
	       HEAP_COUNTED ? (long)(heap_calls - h0) : -1L);
	return rc ? 1 : 0;
}

struct sysc {
	char name[32];
	unsigned int n;
};

/* Syscalls strace saw between the markers, per name; total or -1. */
static int count_syscalls(const char *self, struct sysc *by, size_t room, size_t *kinds)
{
	char line[1024], cmd[512];
	bool inside = false;
	int total = 0;
	size_t i;
	FILE *f;

	*kinds = 0;
	if (access(STRACE, X_OK))
		return -1;
	snprintf(cmd, sizeof(cmd), STRACE " -qq -o /tmp/discover.strace %s --discover-once"
		 " >/dev/null", self);
	if (system(cmd) != 0)
		return -1;
	f = fopen("/tmp/discover.strace", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char name[32];
		const char *p = line;

		/* No -f: one process, no "[pid N]" prefixes; skip one should it appear. */
		if (!strncmp(p, "[pid", 4) && (p = strchr(p, ']')))
			p += 2;
		if (strstr(p, "close(-4242)")) {
			inside = true;
			continue;
		}
		if (strstr(p, "close(-4243)"))
			break;
		if (!inside || strstr(p, "resumed>") || sscanf(p, "%31[a-z0-9_]", name) != 1)
			continue;
		total++;
		for (i = 0; i < *kinds && strcmp(by[i].name, name); i++)
			;
		if (i == *kinds && *kinds < room) {
			snprintf(by[i].name, sizeof(by[i].name), "%s", name);
			by[i].n = 0;
			(*kinds)++;
		}
		if (i < *kinds)
			by[i].n++;
	}
	fclose(f);
	return inside ? total : -1;
}

static int lib_discover(void *arg)
{
	struct iommufd_vfio_cdev **list = NULL;
	size_t n = 0;
	int rc = iommufd_discover_list(arg, &list, &n);

	iommufd_discover_list_free(list);
	return rc ? rc : n ? 0 : -ENODEV;
}

static const char *self_path;

static void t_discover(struct vmt_case *t)
{
	struct iommufd_ctx *ctx = NULL;
	unsigned long heap = 0;
	struct sysc by[64];
	unsigned int n = 0;
	uint64_t med, p99, end;
	size_t kinds;
	int rc, sys;

	if (!vmt_machine_has_edu()) {
		vmt_skip_(t, "machine %s has no VFIO device to discover", vmt_machine());
		return;
	}
	rc = vmt_ctx_new(&ctx);
	CHECK(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc));
	rc = lib_discover(ctx);
	CHECK(rc == 0, "iommufd_discover_list: %s (%s)", vmt_errname(rc), vmt_log_last());
	end = now_ns() + (uint64_t)(budget_s() * 1e9);
	while (n < 500 && (n < 20 || now_ns() < end)) {
		rc = timed(lib_discover, ctx, &lib_ns[n], &heap);
		CHECK(rc == 0, "iommufd_discover_list: %s", vmt_errname(rc));
		n++;
	}
	stats(lib_ns, n, &med, &p99);
	sys = count_syscalls(self_path, by, sizeof(by) / sizeof(by[0]), &kinds);
	printf("DISCOVER %s %u %llu %llu %.1f %d\n", vmt_machine(), n, (unsigned long long)med,
	       (unsigned long long)p99, HEAP_COUNTED ? (double)heap / n : -1.0, sys);
	for (size_t i = 0; i < kinds; i++)
		printf("DISCOVER-SYSCALL %s %u\n", by[i].name, by[i].n);
	CHECK(true, "measured");
out:
	iommufd_ctx_unref(ctx);
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		vmt_test_fn fn;
	} tests[] = {
		{ "ioas_alloc_destroy", t_ioas },
		{ "hwpt_alloc_destroy", t_hwpt },
		{ "map_unmap_4k", t_map_4k },
		{ "map_unmap_64k", t_map_64k },
		{ "map_unmap_2m", t_map_2m },
		{ "map_unmap_64m", t_map_64m },
		{ "replace_pair", t_replace },
		{ "detach_attach", t_attach },
		{ "dirty_read_2m", t_dirty },
		{ "discover_list", t_discover },
	};
	if (argc == 2 && !strcmp(argv[1], "--discover-once"))
		return discover_once();
	self_path = argv[0];
	vmt_begin(argv[0], sizeof(tests) / sizeof(tests[0]));
	for (size_t i = 0; i < sizeof(tests) / sizeof(tests[0]); i++)
		vmt_run(tests[i].name, tests[i].fn);
	return vmt_end();
}
