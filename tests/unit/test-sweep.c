// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The bad-input sweep (issue 11): every public function is given what is
 * wrong with its arguments: NULL handles and buffers, zero lengths,
 * misaligned and overflowing ranges, unknown flags and values, every options
 * `sz` from 0 to twice the struct, bogus fds, objects of the wrong kind or of
 * another context, calls in the wrong state. Each bad call must return its
 * documented errno (or documented value, for calls that return no errno),
 * leave its ret_* untouched, reach no ioctl (the script holds none, so any
 * ioctl fails the test), explain itself in iommufd_last_error() and, when a
 * context is at hand, in the context's log.
 *
 * The handles the calls are given are made with the model kernel
 * (model-kernel.h); the bad calls then run against the empty script.
 * sweep_covers_every_public_function fails when a function of the version
 * script (libiommufd.sym) has no entry here: a new public function must
 * join the sweep. The number of bad inputs tried is printed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>
#include <unistd.h>

#include "kernel-script.h"
#include "model-kernel.h"

#define SENT_PTR ((void *)0x5a5a)
#define SENT_U64 0x5a5a5a5a5a5aull
#define SENT_U32 0x5a5a5a5au

/* The handles, made once per test with the model kernel. */
static struct {
	struct iommufd_ctx *ctx, *ctx2;
	struct iommufd_ioas *ioas, *ioas2;	/* ioas2: in ctx2 */
	struct iommufd_device *dev;		/* bound, detached */
	struct iommufd_device *dev_by_id;	/* adopted by ID, no cdev */
	struct iommufd_device *dev2;		/* in ctx2 */
	struct iommufd_device *dev_on;		/* attached to the IOAS, PASID 3 too */
	struct iommufd_hwpt *hwpt;		/* paging, not a nest parent */
	struct iommufd_hwpt *dirty;		/* dirty tracking, on the IOAS */
	struct iommufd_hwpt *hwpt2;		/* paging, in ctx2 */
	struct iommufd_hwpt *parent;		/* nest parent */
	struct iommufd_hwpt *nested;		/* on the parent */
	struct iommufd_viommu *viommu;
	struct iommufd_vdevice *vdev;
	struct iommufd_fault_queue *fault;
	struct iommufd_veventq *veventq;
	struct iommufd_hw_queue *hwq;
	int open_fd;				/* /dev/null, for a dma-buf */
} h;

static unsigned long tried, out_sizes;

static struct iommufd_pt *ioas_pt(void)
{
	return iommufd_ioas_as_pt(h.ioas);
}

/* ---- checking one bad call ----------------------------------------------- */

/* The bad call being made, for the report of one that reaches the kernel. */
static const char *current_call, *marker;
static int current_line;

/* Every ioctl of a bad call is a failure: it should not have got that far. */
static int no_ioctl(int fd, unsigned long request, void *arg)
{
	(void)arg;
	fail_msg("line %d: %s reached the kernel: ioctl 0x%lx on fd %d", current_line,
		 current_call ? current_call : "(setup)", request, fd);
	return -1;
}

/* A failure of another function, so a bad call's own explanation shows. */
static void mark_at(int line, const char *call)
{
	current_line = line;
	current_call = call;
	marker = strstr(call, "iommufd_discover_list") ? "iommufd_ctx_change_process" :
		 "iommufd_discover_list";
	if (strstr(call, "iommufd_discover_list"))
		iommufd_ctx_change_process(NULL);
	else
		iommufd_discover_list(NULL, NULL, NULL);
	log_reset();
}

static bool marked(void)
{
	return strstr(iommufd_last_error(), marker) != NULL;
}

static void bad_at(int line, const char *call, long long rc, long long expected, bool logged,
		   bool explained)
{
	tried++;
	if (rc != expected)
		fail_msg("line %d: %s returned %lld, expected %lld (%s)", line, call, rc, expected,
			 iommufd_last_error());
	if (explained && marked())
		fail_msg("line %d: %s: no explanation in iommufd_last_error()", line, call);
	if (logged && !log_count())
		fail_msg("line %d: %s: nothing logged although a context is at hand (%s)", line,
			 call, iommufd_last_error());
	if (script_pending())
		fail_msg("line %d: %s: script not empty", line, call);
}

/* An int call refused with -@err, explained, logged when @logged. */
#define BAD(err, logged, call) \
	(mark_at(__LINE__, #call),						\
	 bad_at(__LINE__, #call, (call), -(long long)(err), (logged), true))
/* A call that returns a documented value rather than an errno. */
#define VALUE(expected, call) \
	(mark_at(__LINE__, #call),						\
	 bad_at(__LINE__, #call, (long long)(call), (long long)(expected), false, false))
/* A pointer-returning call that must return NULL. */
#define NULLPTR(call) \
	(mark_at(__LINE__, #call), bad_at(__LINE__, #call, (call) != NULL, 0, false, false))

#define UNTOUCHED(var, sent) \
	do { if ((var) != (sent)) fail_msg("%s was written by a failed call", #var); } while (0)

/*
 * Every sz of an options or input struct of @size bytes from 0 to twice
 * that, with non-zero bytes past @size: too small to hold sz is -EINVAL,
 * larger than the library knows is -E2BIG (the caller asks for something
 * unknown). @call is made with the struct in @buf.
 */
#define SZ_SWEEP(size, logged_small, logged_big, buf, call)			\
	do {									\
		for (size_t sz_ = 0; sz_ <= 2 * (size); sz_++) {		\
			if (sz_ >= sizeof(size_t) && sz_ <= (size))		\
				continue;	/* not bad by itself */		\
			memset((buf), 0, 2 * (size));				\
			memset((char *)(buf) + (size), 0xff, (size));		\
			*(size_t *)(buf) = sz_;					\
			if (sz_ < sizeof(size_t))				\
				BAD(EINVAL, (logged_small), call);		\
			else							\
				BAD(E2BIG, (logged_big), call);			\
		}								\
	} while (0)

/* Room for any struct of the header at twice its size. */
static _Alignas(16) unsigned char big[4096];

/* ==== context ============================================================ */

static void sweep_ctx_new(void)
{
	struct iommufd_ctx *ctx = SENT_PTR;
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, bad_prio, .path = "/dev/null", .log_priority = 8);
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, neg_prio, .path = "/dev/null", .log_priority = -1);

	BAD(EINVAL, false, iommufd_ctx_new(NULL, NULL));
	BAD(EINVAL, false, iommufd_ctx_new(&bad_prio, &ctx));
	BAD(EINVAL, false, iommufd_ctx_new(&neg_prio, &ctx));
	SZ_SWEEP(sizeof(struct iommufd_ctx_opts), false, false, big,
		 iommufd_ctx_new((const struct iommufd_ctx_opts *)big, &ctx));
	UNTOUCHED(ctx, SENT_PTR);
}

static void sweep_ctx_new_from_fd(void)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, with_path, .path = "/dev/null");
	struct iommufd_ctx *ctx = SENT_PTR;
	int closed = open("/dev/null", O_RDONLY | O_CLOEXEC);

	close(closed);
	BAD(EINVAL, false, iommufd_ctx_new_from_fd(-1, IOMMUFD_ADOPT_BORROW, NULL, &ctx));
	BAD(EINVAL, false, iommufd_ctx_new_from_fd(INT32_MIN, IOMMUFD_ADOPT_BORROW, NULL, &ctx));
	BAD(EINVAL, false, iommufd_ctx_new_from_fd(0, 2, NULL, &ctx));
	BAD(EINVAL, false, iommufd_ctx_new_from_fd(0, UINT32_MAX, NULL, &ctx));
	BAD(EINVAL, false, iommufd_ctx_new_from_fd(0, IOMMUFD_ADOPT_BORROW, NULL, NULL));
	BAD(EBADF, false, iommufd_ctx_new_from_fd(closed, IOMMUFD_ADOPT_BORROW, NULL, &ctx));
	BAD(EINVAL, false, iommufd_ctx_new_from_fd(0, IOMMUFD_ADOPT_BORROW, &with_path, &ctx));
	SZ_SWEEP(sizeof(struct iommufd_ctx_opts), false, false, big,
		 iommufd_ctx_new_from_fd(0, IOMMUFD_ADOPT_BORROW,
					 (const struct iommufd_ctx_opts *)big, &ctx));
	UNTOUCHED(ctx, SENT_PTR);
}

static void sweep_ctx_null(void)
{
	size_t left = 77;
	uint32_t mode = SENT_U32, id = SENT_U32;

	NULLPTR(iommufd_ctx_ref(NULL));
	NULLPTR(iommufd_ctx_unref(NULL));
	VALUE(-EINVAL, iommufd_ctx_get_fd(NULL));
	VALUE(-EINVAL, iommufd_ctx_get_log_priority(NULL));
	BAD(EINVAL, false, iommufd_ctx_set_log_fn(NULL, log_capture, NULL));
	BAD(EINVAL, false, iommufd_ctx_set_log_priority(NULL, LOG_DEBUG));
	BAD(EINVAL, true, iommufd_ctx_set_log_priority(h.ctx, -1));
	BAD(EINVAL, true, iommufd_ctx_set_log_priority(h.ctx, 8));
	BAD(EINVAL, true, iommufd_ctx_set_log_priority(h.ctx, INT32_MAX));
	BAD(EINVAL, false, iommufd_ctx_hand_over(NULL));
	BAD(EINVAL, false, iommufd_ctx_retry_destroys(NULL, &left));
	BAD(EINVAL, false, iommufd_ctx_change_process(NULL));
	BAD(EINVAL, false, iommufd_ctx_set_rlimit_mode(NULL, 0));
	BAD(EINVAL, true, iommufd_ctx_set_rlimit_mode(h.ctx, 2));
	BAD(EINVAL, true, iommufd_ctx_set_rlimit_mode(h.ctx, UINT32_MAX));
	BAD(EINVAL, false, iommufd_ctx_get_rlimit_mode(NULL, &mode));
	BAD(EINVAL, true, iommufd_ctx_get_rlimit_mode(h.ctx, NULL));
	BAD(EINVAL, false, iommufd_ctx_get_vfio_compat_ioas(NULL, &id));
	BAD(EINVAL, true, iommufd_ctx_get_vfio_compat_ioas(h.ctx, NULL));
	BAD(EINVAL, false, iommufd_ctx_set_vfio_compat_ioas(NULL, h.ioas));
	BAD(EINVAL, true, iommufd_ctx_set_vfio_compat_ioas(h.ctx, NULL));
	BAD(EINVAL, true, iommufd_ctx_set_vfio_compat_ioas(h.ctx, h.ioas2));
	BAD(EINVAL, false, iommufd_ctx_clear_vfio_compat_ioas(NULL));
	UNTOUCHED(left, 77);
	UNTOUCHED(mode, SENT_U32);
	UNTOUCHED(id, SENT_U32);
}

static void sweep_probe(void)
{
	struct iommufd_probe probe;

	memset(&probe, 0x5a, sizeof(probe));
	BAD(EINVAL, false, iommufd_ctx_probe(NULL, &probe));
	BAD(EINVAL, true, iommufd_ctx_probe(h.ctx, NULL));
	BAD(EINVAL, false, iommufd_device_probe(NULL, &probe));
	BAD(EINVAL, true, iommufd_device_probe(h.dev, NULL));
	for (size_t sz = 0; sz < sizeof(size_t); sz++) {
		probe.sz = sz;
		BAD(EINVAL, true, iommufd_ctx_probe(h.ctx, &probe));
		BAD(EINVAL, true, iommufd_device_probe(h.dev, &probe));
	}
}

/* ==== IOAS ================================================================ */

static void sweep_ioas_lifetime(void)
{
	struct iommufd_ioas *ioas = SENT_PTR;

	BAD(EINVAL, false, iommufd_ioas_alloc(NULL, &ioas));
	BAD(EINVAL, true, iommufd_ioas_alloc(h.ctx, NULL));
	BAD(EINVAL, false, iommufd_ioas_new_from_id(NULL, 1, IOMMUFD_ADOPT_BORROW, &ioas));
	BAD(EINVAL, true, iommufd_ioas_new_from_id(h.ctx, 0, IOMMUFD_ADOPT_BORROW, &ioas));
	BAD(EINVAL, true, iommufd_ioas_new_from_id(h.ctx, 1, 2, &ioas));
	BAD(EINVAL, true, iommufd_ioas_new_from_id(h.ctx, 1, IOMMUFD_ADOPT_BORROW, NULL));
	BAD(EINVAL, false, iommufd_ioas_destroy(NULL));
	/* Referenced by its HWPTs: in use. */
	BAD(EBUSY, true, iommufd_ioas_destroy(h.ioas));
	NULLPTR(iommufd_ioas_ref(NULL));
	NULLPTR(iommufd_ioas_unref(NULL));
	VALUE(0, iommufd_ioas_get_id(NULL));
	NULLPTR(iommufd_ioas_as_pt(NULL));
	VALUE(0, iommufd_pt_get_id(NULL));
	UNTOUCHED(ioas, SENT_PTR);
}

static char page[2 * 4096] __attribute__((aligned(4096)));

static void sweep_ioas_map(void)
{
	void *top = (void *)(uintptr_t)(UINTPTR_MAX - 4095);
	uint64_t iova = SENT_U64;
	const uint32_t rw = IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE;
	const int fd = h.open_fd;
	int closed = open("/dev/null", O_RDONLY | O_CLOEXEC);

	close(closed);
	BAD(EINVAL, false, iommufd_ioas_map(NULL, page, 4096, rw, &iova));
	BAD(EINVAL, true, iommufd_ioas_map(h.ioas, page, 4096, rw, NULL));
	BAD(EINVAL, true, iommufd_ioas_map(h.ioas, NULL, 4096, rw, &iova));
	BAD(EINVAL, true, iommufd_ioas_map(h.ioas, page, 0, rw, &iova));
	BAD(EINVAL, true, iommufd_ioas_map(h.ioas, page, 4096, 0, &iova));
	BAD(EINVAL, true, iommufd_ioas_map(h.ioas, page, 4096, rw | 4, &iova));
	BAD(EINVAL, true, iommufd_ioas_map(h.ioas, page, 4096, UINT32_MAX, &iova));
	BAD(EINVAL, true, iommufd_ioas_map(h.ioas, page + 1, 4096, rw, &iova));
	BAD(EINVAL, true, iommufd_ioas_map(h.ioas, page, 4097, rw, &iova));
	BAD(EINVAL, true, iommufd_ioas_map(h.ioas, top, 8192, rw, &iova));
	BAD(EINVAL, true, iommufd_ioas_map(h.ioas, page, UINT64_MAX, rw, &iova));
	BAD(EINVAL, false, iommufd_ioas_map_fixed(NULL, page, 4096, 0, rw));
	BAD(EINVAL, true, iommufd_ioas_map_fixed(h.ioas, NULL, 4096, 0, rw));
	BAD(EINVAL, true, iommufd_ioas_map_fixed(h.ioas, page, 0, 0, rw));
	BAD(EINVAL, true, iommufd_ioas_map_fixed(h.ioas, page, 4096, 0, 8));
	BAD(EINVAL, true, iommufd_ioas_map_fixed(h.ioas, page, 4096, 0x1000001, rw));
	BAD(EINVAL, true, iommufd_ioas_map_fixed(h.ioas, page, 8192, UINT64_MAX - 4095, rw));
	/* The file is open (only the named argument is wrong), then a closed one. */
	BAD(EINVAL, false, iommufd_ioas_map_file(NULL, fd, 0, 4096, rw, &iova));
	BAD(EINVAL, true, iommufd_ioas_map_file(h.ioas, fd, 0, 4096, rw, NULL));
	BAD(EINVAL, true, iommufd_ioas_map_file(h.ioas, -1, 0, 4096, rw, &iova));
	BAD(EINVAL, true, iommufd_ioas_map_file(h.ioas, INT32_MIN, 0, 4096, rw, &iova));
	BAD(EBADF, true, iommufd_ioas_map_file(h.ioas, closed, 0, 4096, rw, &iova));
	BAD(EINVAL, true, iommufd_ioas_map_file(h.ioas, fd, 0, 0, rw, &iova));
	BAD(EINVAL, true, iommufd_ioas_map_file(h.ioas, fd, 0, 4096, 0, &iova));
	BAD(EINVAL, true, iommufd_ioas_map_file(h.ioas, fd, 1, 4096, rw, &iova));
	BAD(EINVAL, true, iommufd_ioas_map_file(h.ioas, fd, UINT64_MAX - 4095, 8192, rw, &iova));
	BAD(EINVAL, false, iommufd_ioas_map_file_fixed(NULL, fd, 0, 4096, 0, rw));
	BAD(EINVAL, true, iommufd_ioas_map_file_fixed(h.ioas, -5, 0, 4096, 0, rw));
	BAD(EBADF, true, iommufd_ioas_map_file_fixed(h.ioas, closed, 0, 4096, 0, rw));
	BAD(EINVAL, true, iommufd_ioas_map_file_fixed(h.ioas, fd, 0, 4096, 0x800, rw));
	BAD(EINVAL, true, iommufd_ioas_map_file_fixed(h.ioas, fd, 0, 8192, UINT64_MAX - 4095,
						      rw));
	BAD(EINVAL, true, iommufd_ioas_map_file_fixed(h.ioas, fd, 0, 4096, 0, 1u << 31));
	UNTOUCHED(iova, SENT_U64);
}

static void sweep_ioas_unmap_copy(void)
{
	uint64_t unmapped = SENT_U64;
	const uint32_t rw = IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE;

	BAD(EINVAL, false, iommufd_ioas_unmap(NULL, 0, 4096, 0, &unmapped));
	BAD(EINVAL, true, iommufd_ioas_unmap(h.ioas, 0, 0, 0, &unmapped));
	BAD(EINVAL, true, iommufd_ioas_unmap(h.ioas, 4096, UINT64_MAX, 0, &unmapped));
	BAD(EINVAL, true, iommufd_ioas_unmap(h.ioas, 0, 4096, 2, &unmapped));
	BAD(EINVAL, true, iommufd_ioas_unmap(h.ioas, 0, 4096, UINT32_MAX, &unmapped));
	BAD(EINVAL, false, iommufd_ioas_unmap_all(NULL, &unmapped));
	UNTOUCHED(unmapped, SENT_U64);
	BAD(EINVAL, false, iommufd_ioas_copy(NULL, 0, h.ioas, 0, 4096, rw));
	BAD(EINVAL, true, iommufd_ioas_copy(h.ioas, 0, NULL, 0, 4096, rw));
	BAD(EINVAL, true, iommufd_ioas_copy(h.ioas, 0, h.ioas2, 0, 4096, rw));
	BAD(EINVAL, true, iommufd_ioas_copy(h.ioas, 0, h.ioas, 0, 0, rw));
	BAD(EINVAL, true, iommufd_ioas_copy(h.ioas, 0, h.ioas, 0, 4096, 0));
	BAD(EINVAL, true, iommufd_ioas_copy(h.ioas, 0, h.ioas, 0, 4096, 16));
	BAD(EINVAL, true, iommufd_ioas_copy(h.ioas, UINT64_MAX - 4095, h.ioas, 0, 8192, rw));
	BAD(EINVAL, true, iommufd_ioas_copy(h.ioas, 0, h.ioas, UINT64_MAX - 4095, 8192, rw));
	BAD(EINVAL, true, iommufd_ioas_copy(h.ioas, 1, h.ioas, 0, 4096, rw));
	BAD(EINVAL, true, iommufd_ioas_copy(h.ioas, 0, h.ioas, 0x800, 4096, rw));
}

static void sweep_ioas_ranges_options(void)
{
	struct iommufd_iova_range *ranges = SENT_PTR;
	const struct iommufd_iova_range backwards[] = { { .start = 0x2000, .last = 0x1000 } };
	size_t count = 77;
	uint64_t align = SENT_U64;
	bool enabled = true;

	BAD(EINVAL, false, iommufd_ioas_get_iova_ranges(NULL, &ranges, &count, &align));
	BAD(EINVAL, true, iommufd_ioas_get_iova_ranges(h.ioas, NULL, &count, &align));
	BAD(EINVAL, true, iommufd_ioas_get_iova_ranges(h.ioas, &ranges, NULL, &align));
	UNTOUCHED(ranges, SENT_PTR);
	UNTOUCHED(count, 77);
	UNTOUCHED(align, SENT_U64);
	BAD(EINVAL, false, iommufd_ioas_allow_iovas(NULL, backwards, 1));
	BAD(EINVAL, true, iommufd_ioas_allow_iovas(h.ioas, NULL, 1));
	BAD(EINVAL, true, iommufd_ioas_allow_iovas(h.ioas, backwards, 1));
	BAD(EINVAL, true, iommufd_ioas_allow_iovas(h.ioas, backwards, (size_t)UINT32_MAX + 1));
	BAD(EINVAL, false, iommufd_ioas_set_huge_pages(NULL, true));
	BAD(EINVAL, false, iommufd_ioas_get_huge_pages(NULL, &enabled));
	BAD(EINVAL, true, iommufd_ioas_get_huge_pages(h.ioas, NULL));
	UNTOUCHED(enabled, true);
}

/* ==== HWPT ================================================================ */

static void sweep_hwpt_alloc(void)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, flags, .flags = 1u << 31);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, fallback, .fallback = 7);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, no_data, .data_type = 1, .data_len = 24);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, no_type, .data = page, .data_len = 1);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, huge, .data_type = 1, .data = page,
			.data_len = (size_t)UINT32_MAX + 1);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, other_fault, .fault_queue = NULL);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, nest, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_hwpt *hwpt = SENT_PTR;

	(void)other_fault;
	page[0] = 1;
	BAD(EINVAL, false, iommufd_hwpt_alloc(NULL, h.dev, NULL, &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_alloc(ioas_pt(), NULL, NULL, &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_alloc(ioas_pt(), h.dev, NULL, NULL));
	BAD(EINVAL, true, iommufd_hwpt_alloc(ioas_pt(), h.dev, &flags, &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_alloc(ioas_pt(), h.dev, &fallback, &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_alloc(ioas_pt(), h.dev, &no_data, &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_alloc(ioas_pt(), h.dev, &no_type, &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_alloc(ioas_pt(), h.dev, &huge, &hwpt));
	/* Wrong kinds: another context's IOAS, a nested HWPT on a plain one. */
	BAD(EINVAL, true, iommufd_hwpt_alloc(iommufd_ioas_as_pt(h.ioas2), h.dev, NULL, &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_alloc(iommufd_hwpt_as_pt(h.hwpt), h.dev, NULL, &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_alloc(iommufd_hwpt_as_pt(h.parent), h.dev, NULL, &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_alloc(iommufd_hwpt_as_pt(h.parent), h.dev, &nest, &hwpt));
	SZ_SWEEP(sizeof(struct iommufd_hwpt_opts), true, true, big,
		 iommufd_hwpt_alloc(ioas_pt(), h.dev, (const struct iommufd_hwpt_opts *)big,
				    &hwpt));
	page[0] = 0;
	UNTOUCHED(hwpt, SENT_PTR);
}

static void sweep_hwpt_lifetime(void)
{
	struct iommufd_hwpt *hwpt = SENT_PTR;

	BAD(EINVAL, false, iommufd_hwpt_new_from_id(NULL, 1, 0, IOMMUFD_ADOPT_BORROW, &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_new_from_id(h.ctx, 0, 0, IOMMUFD_ADOPT_BORROW, &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_new_from_id(h.ctx, 1, 1u << 31, IOMMUFD_ADOPT_BORROW,
						   &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_new_from_id(h.ctx, 1, 0, 5, &hwpt));
	BAD(EINVAL, true, iommufd_hwpt_new_from_id(h.ctx, 1, 0, IOMMUFD_ADOPT_BORROW, NULL));
	UNTOUCHED(hwpt, SENT_PTR);
	BAD(EINVAL, false, iommufd_hwpt_destroy(NULL));
	BAD(EBUSY, true, iommufd_hwpt_destroy(h.parent));	/* its nested HWPT and vIOMMU */
	NULLPTR(iommufd_hwpt_ref(NULL));
	NULLPTR(iommufd_hwpt_unref(NULL));
	VALUE(0, iommufd_hwpt_get_id(NULL));
	NULLPTR(iommufd_hwpt_as_pt(NULL));
	VALUE(0, iommufd_hwpt_get_flags(NULL));
	VALUE(false, iommufd_hwpt_is_kernel_allocated(NULL));
}

static void sweep_hwpt_dirty_invalidate(void)
{
	uint64_t bitmap[2] = { SENT_U64, SENT_U64 };
	uint32_t done = SENT_U32;
	uint8_t entry[24] = { 0 };

	/*
	 * Whether a HWPT tracks dirty pages is the kernel's to say (an adopted
	 * handle's flags are only what its caller claimed): not swept here.
	 */
	BAD(EINVAL, false, iommufd_hwpt_set_dirty_tracking(NULL, true));
	BAD(EINVAL, false, iommufd_hwpt_get_dirty_bitmap(NULL, 0, 4096, 4096, bitmap, 0));
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap(h.hwpt, 0, 4096, 4096, NULL, 0));
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap(h.hwpt, 0, 4096, 0, bitmap, 0));
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap(h.hwpt, 0, 4096, 2048, bitmap, 0));
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap(h.hwpt, 0, 4096, 12288, bitmap, 0));
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap(h.hwpt, 0, 0, 4096, bitmap, 0));
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap(h.hwpt, 1, 4096, 4096, bitmap, 0));
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap(h.hwpt, 0, 4097, 4096, bitmap, 0));
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap(h.hwpt, UINT64_MAX - 4095, 8192, 4096,
							bitmap, 0));
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap(h.hwpt, 0, 4096, 4096, bitmap, 2));
	BAD(EINVAL, false, iommufd_hwpt_get_dirty_bitmap_chunked(NULL, 0, 4096, 4096, bitmap,
								 0, 1u << 18));
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap_chunked(h.hwpt, 0, 4096, 4096, NULL,
								0, 1u << 18));
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap_chunked(h.hwpt, 0, 4096, 4096, bitmap,
								UINT32_MAX, 1u << 18));
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap_chunked(h.hwpt, 0, 4096, 4096, bitmap,
								0, 4096));	/* < 64 pages */
	BAD(EINVAL, true, iommufd_hwpt_get_dirty_bitmap_chunked(h.hwpt, 0, 4096, 4096, bitmap,
								0, 0));
	UNTOUCHED(bitmap[0], SENT_U64);
	BAD(EINVAL, false, iommufd_hwpt_invalidate(NULL, 0, entry, sizeof(entry), 1, &done));
	BAD(EINVAL, true, iommufd_hwpt_invalidate(h.nested, 0, NULL, sizeof(entry), 1, &done));
	BAD(EINVAL, true, iommufd_hwpt_invalidate(h.nested, 0, entry, 0, 1, &done));
	BAD(EINVAL, true, iommufd_hwpt_invalidate(h.nested, 0, entry, (size_t)UINT32_MAX + 1, 1,
						  &done));
	/* A paging HWPT's answer (EOPNOTSUPP or EINVAL) is the kernel's to give. */
	UNTOUCHED(done, SENT_U32);
}

/* ==== device ============================================================== */

static void sweep_device_bind(void)
{
	static const uint8_t token[16] = { 1 };
	struct iommufd_device *dev = SENT_PTR;
	int closed = open("/dev/null", O_RDONLY | O_CLOEXEC);

	close(closed);
	BAD(EINVAL, false, iommufd_device_bind_fd(NULL, 0, &dev));
	BAD(EINVAL, true, iommufd_device_bind_fd(h.ctx, -1, &dev));
	BAD(EINVAL, true, iommufd_device_bind_fd(h.ctx, 0, NULL));
	BAD(EBADF, true, iommufd_device_bind_fd(h.ctx, closed, &dev));
	BAD(EINVAL, false, iommufd_device_bind_fd_token(NULL, 0, token, &dev));
	BAD(EINVAL, true, iommufd_device_bind_fd_token(h.ctx, -1, token, &dev));
	BAD(EINVAL, true, iommufd_device_bind_fd_token(h.ctx, 0, NULL, &dev));
	BAD(EINVAL, true, iommufd_device_bind_fd_token(h.ctx, 0, token, NULL));
	BAD(EBADF, true, iommufd_device_bind_fd_token(h.ctx, closed, token, &dev));
	BAD(EINVAL, false, iommufd_device_bind_path(NULL, "/dev/null", &dev));
	BAD(EINVAL, true, iommufd_device_bind_path(h.ctx, NULL, &dev));
	BAD(EINVAL, true, iommufd_device_bind_path(h.ctx, "", &dev));
	BAD(EINVAL, true, iommufd_device_bind_path(h.ctx, "/dev/null", NULL));
	BAD(ENOENT, true, iommufd_device_bind_path(h.ctx, "/nonexistent/vfio0", &dev));
	BAD(EINVAL, false, iommufd_device_bind_pci(NULL, "0000:00:03.0", &dev));
	BAD(EINVAL, true, iommufd_device_bind_pci(h.ctx, NULL, &dev));
	BAD(EINVAL, true, iommufd_device_bind_pci(h.ctx, "0000:00:03.0", NULL));
	BAD(EINVAL, true, iommufd_device_bind_pci(h.ctx, "00:03.9", &dev));
	BAD(EINVAL, true, iommufd_device_bind_pci(h.ctx, "../../dev", &dev));
	BAD(EINVAL, false, iommufd_device_new_from_id(NULL, 1, -1, IOMMUFD_ADOPT_BORROW, &dev));
	BAD(EINVAL, true, iommufd_device_new_from_id(h.ctx, 0, -1, IOMMUFD_ADOPT_BORROW, &dev));
	BAD(EINVAL, true, iommufd_device_new_from_id(h.ctx, 1, -2, IOMMUFD_ADOPT_BORROW, &dev));
	BAD(EINVAL, true, iommufd_device_new_from_id(h.ctx, 1, -1, 3, &dev));
	BAD(EINVAL, true, iommufd_device_new_from_id(h.ctx, 1, -1, IOMMUFD_ADOPT_OWN, &dev));
	BAD(EINVAL, true, iommufd_device_new_from_id(h.ctx, 1, -1, IOMMUFD_ADOPT_BORROW, NULL));
	UNTOUCHED(dev, SENT_PTR);
}

static void sweep_device_attach(void)
{
	uint32_t id = SENT_U32;

	BAD(EINVAL, false, iommufd_device_attach(NULL, ioas_pt()));
	BAD(EINVAL, true, iommufd_device_attach(h.dev, NULL));
	BAD(EINVAL, true, iommufd_device_attach(h.dev, iommufd_ioas_as_pt(h.ioas2)));
	BAD(EINVAL, true, iommufd_device_attach(h.dev_by_id, NULL));	/* defect 2 */
	BAD(EOPNOTSUPP, true, iommufd_device_attach(h.dev_by_id, ioas_pt()));
	BAD(EINVAL, false, iommufd_device_replace(NULL, ioas_pt()));
	BAD(EINVAL, true, iommufd_device_replace(h.dev, NULL));
	BAD(EINVAL, true, iommufd_device_replace(h.dev_by_id, NULL));	/* defect 2 */
	BAD(EOPNOTSUPP, true, iommufd_device_replace(h.dev_by_id, ioas_pt()));
	BAD(EINVAL, true, iommufd_device_replace(h.dev, ioas_pt()));	/* not attached */
	BAD(EINVAL, false, iommufd_device_detach(NULL));
	BAD(EINVAL, true, iommufd_device_detach(h.dev));		/* not attached */
	BAD(EOPNOTSUPP, true, iommufd_device_detach(h.dev_by_id));
	BAD(EINVAL, false, iommufd_device_get_hwpt_id(NULL, &id));
	BAD(EINVAL, true, iommufd_device_get_hwpt_id(h.dev, NULL));
	VALUE(-ENOENT, iommufd_device_get_hwpt_id(h.dev, &id));	/* not attached */
	UNTOUCHED(id, SENT_U32);
	NULLPTR(iommufd_device_ref(NULL));
	NULLPTR(iommufd_device_unref(NULL));
	VALUE(0, iommufd_device_get_id(NULL));
	BAD(EINVAL, false, iommufd_device_get_fd(NULL));
	VALUE(-EBADF, iommufd_device_get_fd(h.dev_by_id));
	NULLPTR(iommufd_device_get_pt(NULL));
	NULLPTR(iommufd_device_get_pt(h.dev));
	/* Wrong state: attached already (replace is the call for that). */
	BAD(EBUSY, true, iommufd_device_attach(h.dev_on, ioas_pt()));
	BAD(EBUSY, true, iommufd_device_attach(h.dev_on, iommufd_hwpt_as_pt(h.hwpt)));
	BAD(EINVAL, true, iommufd_device_replace(h.dev_on, NULL));
	BAD(EINVAL, true, iommufd_device_replace(h.dev_on, iommufd_ioas_as_pt(h.ioas2)));
	/* A page table a device is attached to. */
	BAD(EBUSY, true, iommufd_ioas_destroy(h.ioas));
}

static void sweep_device_pasid(void)
{
	BAD(EINVAL, false, iommufd_device_attach_pasid(NULL, 1, ioas_pt()));
	BAD(EINVAL, true, iommufd_device_attach_pasid(h.dev, 1, NULL));
	BAD(EINVAL, true, iommufd_device_attach_pasid(h.dev, 1, iommufd_ioas_as_pt(h.ioas2)));
	BAD(EOPNOTSUPP, true, iommufd_device_attach_pasid(h.dev_by_id, 1, ioas_pt()));
	BAD(EINVAL, false, iommufd_device_replace_pasid(NULL, 1, ioas_pt()));
	BAD(EINVAL, true, iommufd_device_replace_pasid(h.dev, 1, NULL));
	/* Not attached: */
	BAD(EINVAL, true, iommufd_device_replace_pasid(h.dev, 1, ioas_pt()));
	BAD(EOPNOTSUPP, true, iommufd_device_replace_pasid(h.dev_by_id, 1, ioas_pt()));
	BAD(EINVAL, false, iommufd_device_detach_pasid(NULL, 1));
	BAD(EINVAL, true, iommufd_device_detach_pasid(h.dev, 1));		/* not attached */
	BAD(EINVAL, true, iommufd_device_detach_pasid(h.dev, UINT32_MAX));
	BAD(EOPNOTSUPP, true, iommufd_device_detach_pasid(h.dev_by_id, 1));
	NULLPTR(iommufd_device_get_pasid_pt(NULL, 1));
	NULLPTR(iommufd_device_get_pasid_pt(h.dev, 1));
	/* Wrong state: PASID 3 is attached already. */
	BAD(EBUSY, true, iommufd_device_attach_pasid(h.dev_on, 3, ioas_pt()));
	BAD(EINVAL, true, iommufd_device_replace_pasid(h.dev_on, 3, NULL));
	BAD(EINVAL, true, iommufd_device_replace_pasid(h.dev_on, 3,
						       iommufd_ioas_as_pt(h.ioas2)));
	BAD(EINVAL, true, iommufd_device_detach_pasid(h.dev_on, 4));
}

static void sweep_device_hw_info(void)
{
	struct iommufd_hw_info info;
	uint8_t data[64];

	memset(&info, 0x5a, sizeof(info));
	info.sz = sizeof(info);
	BAD(EINVAL, false, iommufd_device_get_hw_info(NULL, data, sizeof(data), &info));
	BAD(EINVAL, true, iommufd_device_get_hw_info(h.dev, data, sizeof(data), NULL));
	BAD(EINVAL, true, iommufd_device_get_hw_info(h.dev, NULL, sizeof(data), &info));
	BAD(EINVAL, true, iommufd_device_get_hw_info(h.dev, data, (size_t)UINT32_MAX + 1, &info));
	BAD(EINVAL, true, iommufd_device_get_hw_info_of_type(h.dev, 0, data, sizeof(data), &info));
	BAD(EINVAL, false, iommufd_device_get_hw_info_of_type(NULL, 1, data, sizeof(data), &info));
	BAD(EINVAL, true, iommufd_device_get_hw_info_of_type(h.dev, 1, NULL, 8, &info));
	/* An info struct too small for its first member. */
	for (size_t sz = 0; sz < offsetof(struct iommufd_hw_info, type) + sizeof(info.type); sz++) {
		info.sz = sz;
		BAD(EINVAL, true, iommufd_device_get_hw_info(h.dev, data, sizeof(data), &info));
		BAD(EINVAL, true, iommufd_device_get_hw_info_of_type(h.dev, 1, data, sizeof(data),
								     &info));
	}
}

/* ==== nested: vIOMMU, vDevice ============================================= */

static void sweep_viommu(void)
{
	LIBIOMMUFD_OPTS(iommufd_viommu_opts, no_data, .data_len = 8);
	struct iommufd_viommu *viommu = SENT_PTR;
	uint32_t done = SENT_U32;
	uint8_t entry[16] = { 0 };

	BAD(EINVAL, false, iommufd_viommu_alloc(NULL, h.dev, 1, NULL, &viommu));
	BAD(EINVAL, true, iommufd_viommu_alloc(h.parent, NULL, 1, NULL, &viommu));
	BAD(EINVAL, true, iommufd_viommu_alloc(h.parent, h.dev, 1, NULL, NULL));
	BAD(EINVAL, true, iommufd_viommu_alloc(h.parent, h.dev, 0, NULL, &viommu));
	BAD(EINVAL, true, iommufd_viommu_alloc(h.hwpt, h.dev, 1, NULL, &viommu));	/* kind */
	/* A device of another context: */
	BAD(EINVAL, true, iommufd_viommu_alloc(h.parent, h.dev2, 1, NULL, &viommu));
	BAD(EINVAL, true, iommufd_viommu_alloc(h.parent, h.dev, 1, &no_data, &viommu));
	SZ_SWEEP(sizeof(struct iommufd_viommu_opts), true, true, big,
		 iommufd_viommu_alloc(h.parent, h.dev, 1,
				      (const struct iommufd_viommu_opts *)big, &viommu));
	BAD(EINVAL, false, iommufd_viommu_new_from_id(NULL, 1, 1, IOMMUFD_ADOPT_BORROW, &viommu));
	BAD(EINVAL, true, iommufd_viommu_new_from_id(h.ctx, 0, 1, IOMMUFD_ADOPT_BORROW, &viommu));
	BAD(EINVAL, true, iommufd_viommu_new_from_id(h.ctx, 1, 1, 9, &viommu));
	BAD(EINVAL, true, iommufd_viommu_new_from_id(h.ctx, 1, 1, IOMMUFD_ADOPT_BORROW, NULL));
	UNTOUCHED(viommu, SENT_PTR);
	BAD(EINVAL, false, iommufd_viommu_destroy(NULL));
	BAD(EBUSY, true, iommufd_viommu_destroy(h.viommu));	/* its vDevice and queues */
	NULLPTR(iommufd_viommu_ref(NULL));
	NULLPTR(iommufd_viommu_unref(NULL));
	VALUE(0, iommufd_viommu_get_id(NULL));
	VALUE(0, iommufd_viommu_get_type(NULL));
	BAD(EINVAL, false, iommufd_viommu_invalidate(NULL, 1, entry, sizeof(entry), 1, &done));
	BAD(EINVAL, true, iommufd_viommu_invalidate(h.viommu, 1, NULL, sizeof(entry), 1, &done));
	BAD(EINVAL, true, iommufd_viommu_invalidate(h.viommu, 1, entry, 0, 1, &done));
	UNTOUCHED(done, SENT_U32);
}

static void sweep_viommu_hwpt(void)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, no_data, .data_type = 2);
	struct iommufd_hwpt *hwpt = SENT_PTR;

	BAD(EINVAL, false, iommufd_viommu_alloc_hwpt(NULL, h.dev, &no_data, &hwpt));
	BAD(EINVAL, true, iommufd_viommu_alloc_hwpt(h.viommu, NULL, &no_data, &hwpt));
	BAD(EINVAL, true, iommufd_viommu_alloc_hwpt(h.viommu, h.dev, &no_data, NULL));
	BAD(EINVAL, true, iommufd_viommu_alloc_hwpt(h.viommu, h.dev, &no_data, &hwpt));
	BAD(EINVAL, true, iommufd_viommu_alloc_hwpt(h.viommu, h.dev2, &no_data, &hwpt));
	SZ_SWEEP(sizeof(struct iommufd_hwpt_opts), true, true, big,
		 iommufd_viommu_alloc_hwpt(h.viommu, h.dev, (const struct iommufd_hwpt_opts *)big,
					   &hwpt));
	BAD(EINVAL, false, iommufd_viommu_alloc_abort_hwpt(NULL, h.dev, &hwpt));
	BAD(EINVAL, true, iommufd_viommu_alloc_abort_hwpt(h.viommu, NULL, &hwpt));
	BAD(EINVAL, true, iommufd_viommu_alloc_abort_hwpt(h.viommu, h.dev, NULL));
	BAD(EINVAL, false, iommufd_viommu_alloc_bypass_hwpt(NULL, h.dev, &hwpt));
	BAD(EINVAL, true, iommufd_viommu_alloc_bypass_hwpt(h.viommu, NULL, &hwpt));
	BAD(EINVAL, true, iommufd_viommu_alloc_bypass_hwpt(h.viommu, h.dev, NULL));
	UNTOUCHED(hwpt, SENT_PTR);
}

static void sweep_vdevice(void)
{
	struct iommufd_vdevice *vdev = SENT_PTR;

	BAD(EINVAL, false, iommufd_vdevice_alloc(NULL, h.dev, 1, &vdev));
	BAD(EINVAL, true, iommufd_vdevice_alloc(h.viommu, NULL, 1, &vdev));
	BAD(EINVAL, true, iommufd_vdevice_alloc(h.viommu, h.dev, 1, NULL));
	BAD(EINVAL, true, iommufd_vdevice_alloc(h.viommu, h.dev2, 1, &vdev));
	BAD(EINVAL, false, iommufd_vdevice_new_from_id(NULL, h.dev, 1, 1, IOMMUFD_ADOPT_BORROW,
						       &vdev));
	BAD(EINVAL, true, iommufd_vdevice_new_from_id(h.viommu, h.dev, 0, 1,
						      IOMMUFD_ADOPT_BORROW, &vdev));
	BAD(EINVAL, true, iommufd_vdevice_new_from_id(h.viommu, h.dev, 1, 1, 4, &vdev));
	BAD(EINVAL, true, iommufd_vdevice_new_from_id(h.viommu, h.dev, 1, 1,
						      IOMMUFD_ADOPT_BORROW, NULL));
	BAD(EINVAL, true, iommufd_vdevice_new_from_id(h.viommu, h.dev2, 1, 1,
						      IOMMUFD_ADOPT_BORROW, &vdev));
	UNTOUCHED(vdev, SENT_PTR);
	BAD(EINVAL, false, iommufd_vdevice_destroy(NULL));
	/* Wrong state: held by another reference than the caller's. */
	iommufd_vdevice_ref(h.vdev);
	BAD(EBUSY, true, iommufd_vdevice_destroy(h.vdev));
	iommufd_vdevice_unref(h.vdev);
	NULLPTR(iommufd_vdevice_ref(NULL));
	NULLPTR(iommufd_vdevice_unref(NULL));
	VALUE(0, iommufd_vdevice_get_id(NULL));
	VALUE(0, iommufd_vdevice_get_virt_id(NULL));
}

/* ==== 1.1: vIOMMU region, dma-buf, noiommu, dirty sets ==================== */

static void sweep_viommu_mmap(void)
{
	uint64_t off = SENT_U64, len = SENT_U64;
	void *addr = SENT_PTR;
	size_t mlen = 77;

	BAD(EINVAL, false, iommufd_viommu_get_mmap_region(NULL, &off, &len));
	BAD(EINVAL, true, iommufd_viommu_get_mmap_region(h.viommu, NULL, &len));
	BAD(EINVAL, true, iommufd_viommu_get_mmap_region(h.viommu, &off, NULL));
	/* Wrong state: allocated without data, the kernel offered no region. */
	BAD(ENODATA, true, iommufd_viommu_get_mmap_region(h.viommu, &off, &len));
	BAD(EINVAL, false, iommufd_viommu_mmap(NULL, PROT_READ, &addr, &mlen));
	BAD(EINVAL, true, iommufd_viommu_mmap(h.viommu, PROT_READ, NULL, &mlen));
	BAD(EINVAL, true, iommufd_viommu_mmap(h.viommu, 0, &addr, &mlen));
	BAD(EINVAL, true, iommufd_viommu_mmap(h.viommu, PROT_EXEC, &addr, &mlen));
	BAD(EINVAL, true, iommufd_viommu_mmap(h.viommu, PROT_READ | PROT_EXEC, &addr, &mlen));
	BAD(EINVAL, true, iommufd_viommu_mmap(h.viommu, -1, &addr, &mlen));
	BAD(ENODATA, true, iommufd_viommu_mmap(h.viommu, PROT_READ | PROT_WRITE, &addr, &mlen));
	BAD(EINVAL, false, iommufd_viommu_munmap(NULL));
	VALUE(0, iommufd_viommu_munmap(h.viommu));	/* nothing mapped: nothing to do */
	UNTOUCHED(off, SENT_U64);
	UNTOUCHED(len, SENT_U64);
	UNTOUCHED(addr, SENT_PTR);
	UNTOUCHED(mlen, 77);
}

static void sweep_device_dmabuf(void)
{
	int fd = 0x5a5a;
	bool on = true;

	BAD(EINVAL, false, iommufd_device_export_dmabuf(NULL, 0, 0, 4096, &fd));
	BAD(EINVAL, true, iommufd_device_export_dmabuf(h.dev, 0, 0, 4096, NULL));
	BAD(EINVAL, true, iommufd_device_export_dmabuf(h.dev, 6, 0, 4096, &fd));
	BAD(EINVAL, true, iommufd_device_export_dmabuf(h.dev, UINT32_MAX, 0, 4096, &fd));
	BAD(EINVAL, true, iommufd_device_export_dmabuf(h.dev, 0, 0, 0, &fd));
	BAD(EINVAL, true, iommufd_device_export_dmabuf(h.dev, 0, 1, 4096, &fd));
	BAD(EINVAL, true, iommufd_device_export_dmabuf(h.dev, 0, 0x800, 4096, &fd));
	BAD(EINVAL, true, iommufd_device_export_dmabuf(h.dev, 0, 0, 4097, &fd));
	BAD(EINVAL, true, iommufd_device_export_dmabuf(h.dev, 0, UINT64_MAX - 4095, 8192, &fd));
	BAD(EINVAL, true, iommufd_device_export_dmabuf(h.dev, 0, 8192, UINT64_MAX & ~4095ull,
						       &fd));
	/* Wrong state: a handle made from an ID has no cdev to export through. */
	BAD(EOPNOTSUPP, true, iommufd_device_export_dmabuf(h.dev_by_id, 0, 0, 4096, &fd));
	UNTOUCHED(fd, 0x5a5a);
	BAD(EINVAL, false, iommufd_device_get_memory_decode(NULL, &on));
	BAD(EINVAL, true, iommufd_device_get_memory_decode(h.dev, NULL));
	BAD(EOPNOTSUPP, true, iommufd_device_get_memory_decode(h.dev_by_id, &on));
	UNTOUCHED(on, true);
}

/* The same bad inputs for the map and the remap of a dma-buf. */
#define DMABUF_MAP_SWEEP(map)							\
	do {									\
		const uint32_t r_ = IOMMUFD_MAP_READ;				\
		const int fd_ = h.open_fd;					\
										\
		BAD(EINVAL, false, map(NULL, fd_, 0, 4096, 0x10000, r_));	\
		BAD(EINVAL, true, map(h.ioas, -1, 0, 4096, 0x10000, r_));	\
		BAD(EINVAL, true, map(h.ioas, INT32_MIN, 0, 4096, 0x10000, r_)); \
		BAD(EBADF, true, map(h.ioas, closed, 0, 4096, 0x10000, r_));	\
		BAD(EINVAL, true, map(h.ioas, fd_, 0, 0, 0x10000, r_));		\
		BAD(EINVAL, true, map(h.ioas, fd_, UINT64_MAX - 4095, 8192, 0x10000, r_)); \
		BAD(EINVAL, true, map(h.ioas, fd_, 0, 8192, UINT64_MAX - 4095, r_)); \
		BAD(EINVAL, true, map(h.ioas, fd_, 0, UINT64_MAX, 0x10000, r_)); \
		BAD(EINVAL, true, map(h.ioas, fd_, 0, 4096, 0x10000, 0));	\
		BAD(EINVAL, true, map(h.ioas, fd_, 0, 4096, 0x10000, 4));	\
		BAD(EINVAL, true, map(h.ioas, fd_, 0, 4096, 0x10000, UINT32_MAX)); \
		/* Issue 11 defect 1's rule: whole CPU pages. */		\
		BAD(EINVAL, true, map(h.ioas, fd_, 1, 4096, 0x10000, r_));	\
		BAD(EINVAL, true, map(h.ioas, fd_, 0x800, 4096, 0x10000, r_));	\
		BAD(EINVAL, true, map(h.ioas, fd_, 0, 4097, 0x10000, r_));	\
		BAD(EINVAL, true, map(h.ioas, fd_, 0, 2048, 0x10000, r_));	\
		BAD(EINVAL, true, map(h.ioas, fd_, 0, 4096, 0x10800, r_));	\
		BAD(EINVAL, true, map(h.ioas, fd_, 0, 4096, 1, r_));		\
	} while (0)

static void sweep_ioas_dmabuf(void)
{
	int closed = open("/dev/null", O_RDONLY | O_CLOEXEC);

	close(closed);
	DMABUF_MAP_SWEEP(iommufd_ioas_map_dmabuf);
	DMABUF_MAP_SWEEP(iommufd_ioas_remap_dmabuf);
}

static void sweep_noiommu(void)
{
	uint64_t phys = SENT_U64, len = SENT_U64;

	BAD(EINVAL, false, iommufd_ioas_noiommu_get_pa(NULL, 0x10000, 4096, &phys, &len));
	BAD(EINVAL, true, iommufd_ioas_noiommu_get_pa(h.ioas, 0x10000, 4096, NULL, &len));
	BAD(EINVAL, true, iommufd_ioas_noiommu_get_pa(h.ioas, 0x10000, 0, &phys, &len));
	BAD(EINVAL, true, iommufd_ioas_noiommu_get_pa(h.ioas, UINT64_MAX - 4095, 8192, &phys,
						      &len));
	BAD(EINVAL, true, iommufd_ioas_noiommu_get_pa(h.ioas, 2, UINT64_MAX, &phys, &len));
	UNTOUCHED(phys, SENT_U64);
	UNTOUCHED(len, SENT_U64);
}

/* SMMUv3's "repeat TLBI/CFGI" erratum (7.3): the check and the invalidation. */
static void sweep_smmuv3_erratum(void)
{
	struct iommufd_smmuv3_info hw = {
		.sz = sizeof(hw), .flags = IOMMUFD_SMMUV3_ERRATA_REPEAT_TLBI_CFGI,
	};
	struct iommufd_smmuv3_info hw_small = hw;
	uint8_t cmds[2 * IOMMUFD_INVALIDATE_ARM_SMMUV3_LEN] = { 0x12 };	/* TLBI_NH_VA */
	uint32_t done = SENT_U32;

	/* The inputs below are bad only by what is NULL or short: this one repeats. */
	assert_true(iommufd_smmuv3_cmd_repeats(&hw, cmds));
	VALUE(false, iommufd_smmuv3_cmd_repeats(NULL, cmds));
	VALUE(false, iommufd_smmuv3_cmd_repeats(&hw, NULL));
	VALUE(false, iommufd_smmuv3_cmd_repeats(NULL, NULL));
	hw_small.sz = 0;
	VALUE(false, iommufd_smmuv3_cmd_repeats(&hw_small, cmds));
	hw_small.sz = offsetof(struct iommufd_smmuv3_info, flags);
	VALUE(false, iommufd_smmuv3_cmd_repeats(&hw_small, cmds));
	BAD(EINVAL, false, iommufd_viommu_invalidate_smmuv3(NULL, &hw, cmds, 2, &done));
	BAD(EINVAL, false, iommufd_viommu_invalidate_smmuv3(NULL, NULL, NULL, 0, &done));
	BAD(EINVAL, true, iommufd_viommu_invalidate_smmuv3(h.viommu, &hw, NULL, 2, &done));
	BAD(EINVAL, true, iommufd_viommu_invalidate_smmuv3(h.viommu, NULL, NULL, 1, NULL));
	UNTOUCHED(done, SENT_U32);
}

/* What is wrong with a dirty read's range, for any of the calls that take one. */
#define DIRTY_RANGE_SWEEP(call_with)						\
	do {									\
		BAD(EINVAL, true, call_with(0, 4096, 4096, NULL, 0));		\
		BAD(EINVAL, true, call_with(0, 4096, 0, bitmap, 0));		\
		BAD(EINVAL, true, call_with(0, 4096, 2048, bitmap, 0));		\
		BAD(EINVAL, true, call_with(0, 4096, 12288, bitmap, 0));	\
		BAD(EINVAL, true, call_with(0, 4096, 1ull << 63 | 4096, bitmap, 0)); \
		BAD(EINVAL, true, call_with(0, 0, 4096, bitmap, 0));		\
		BAD(EINVAL, true, call_with(1, 4096, 4096, bitmap, 0));		\
		BAD(EINVAL, true, call_with(0x800, 4096, 4096, bitmap, 0));	\
		BAD(EINVAL, true, call_with(0, 4097, 4096, bitmap, 0));		\
		BAD(EINVAL, true, call_with(0, 8192, 8192 * 2, bitmap, 0));	\
		BAD(EINVAL, true, call_with(UINT64_MAX - 4095, 8192, 4096, bitmap, 0)); \
	} while (0)

#define HWPTS_GET(iova, length, pg, bm, fl) \
	iommufd_hwpts_get_dirty_bitmap(one, 1, (iova), (length), (pg), (bm), (fl))
#define IOAS_GET(iova, length, pg, bm, fl) \
	iommufd_ioas_get_dirty_bitmap(h.ioas, (iova), (length), (pg), (bm), (fl))
#define IOAS2_GET(iova, length, pg, bm, fl) \
	iommufd_ioas_get_dirty_bitmap(h.ioas2, (iova), (length), (pg), (bm), (fl))
/* unmap_dirty has no flags: it always clears. @fl is unused. */
#define UNMAP_DIRTY(iova, length, pg, bm, fl) \
	iommufd_ioas_unmap_dirty(h.ioas, (iova), (length), (pg), (bm), ((void)(fl), &unmapped))
#define UNMAP2_DIRTY(iova, length, pg, bm, fl) \
	iommufd_ioas_unmap_dirty(h.ioas2, (iova), (length), (pg), (bm), ((void)(fl), &unmapped))

static void sweep_dirty_sets(void)
{
	struct iommufd_hwpt *one[1] = { h.dirty };
	struct iommufd_hwpt *holes[3] = { h.dirty, NULL, h.dirty };
	struct iommufd_hwpt *lead_hole[2] = { NULL, h.dirty };
	struct iommufd_hwpt *none[2] = { NULL, NULL };
	struct iommufd_hwpt *two_ctx[2] = { h.dirty, h.hwpt2 };
	uint64_t bitmap[2] = { SENT_U64, SENT_U64 };
	uint64_t unmapped = SENT_U64;
	const uint64_t cpu_page = (uint64_t)sysconf(_SC_PAGESIZE);

	for (int on = 0; on < 2; on++) {
		BAD(EINVAL, false, iommufd_hwpts_set_dirty_tracking(NULL, 1, on));
		BAD(EINVAL, false, iommufd_hwpts_set_dirty_tracking(one, 0, on));
		BAD(EINVAL, false, iommufd_hwpts_set_dirty_tracking(none, 2, on));
		BAD(EINVAL, true, iommufd_hwpts_set_dirty_tracking(holes, 3, on));
		BAD(EINVAL, true, iommufd_hwpts_set_dirty_tracking(lead_hole, 2, on));
		BAD(EINVAL, true, iommufd_hwpts_set_dirty_tracking(two_ctx, 2, on));
		BAD(EINVAL, false, iommufd_ioas_set_dirty_tracking(NULL, on));
		/* Wrong state: no dirty-tracking HWPT on the IOAS. */
		BAD(ENOENT, true, iommufd_ioas_set_dirty_tracking(h.ioas2, on));
	}
	BAD(EINVAL, false, iommufd_hwpts_get_dirty_bitmap(NULL, 1, 0, 4096, 4096, bitmap, 0));
	BAD(EINVAL, false, iommufd_hwpts_get_dirty_bitmap(one, 0, 0, 4096, 4096, bitmap, 0));
	BAD(EINVAL, false, iommufd_hwpts_get_dirty_bitmap(none, 2, 0, 4096, 4096, bitmap, 0));
	BAD(EINVAL, true, iommufd_hwpts_get_dirty_bitmap(holes, 3, 0, 4096, 4096, bitmap, 0));
	BAD(EINVAL, true, iommufd_hwpts_get_dirty_bitmap(lead_hole, 2, 0, 4096, 4096, bitmap,
							 0));
	BAD(EINVAL, true, iommufd_hwpts_get_dirty_bitmap(two_ctx, 2, 0, 4096, 4096, bitmap, 0));
	DIRTY_RANGE_SWEEP(HWPTS_GET);
	BAD(EINVAL, true, HWPTS_GET(0, 4096, 4096, bitmap, 2));
	BAD(EINVAL, true, HWPTS_GET(0, 4096, 4096, bitmap, UINT32_MAX));
	BAD(EINVAL, false, iommufd_ioas_get_dirty_bitmap(NULL, 0, 4096, 4096, bitmap, 0));
	DIRTY_RANGE_SWEEP(IOAS_GET);
	BAD(EINVAL, true, IOAS_GET(0, 4096, 4096, bitmap, 2));
	BAD(EINVAL, true, IOAS_GET(0, 4096, 4096, bitmap, UINT32_MAX));
	/* Bad arguments are said first, then the state: no dirty-tracking HWPT. */
	DIRTY_RANGE_SWEEP(IOAS2_GET);
	BAD(ENOENT, true, IOAS2_GET(0, 4096, 4096, bitmap, 0));
	BAD(EINVAL, false, iommufd_ioas_unmap_dirty(NULL, 0, 4096, 4096, bitmap, &unmapped));
	DIRTY_RANGE_SWEEP(UNMAP_DIRTY);
	DIRTY_RANGE_SWEEP(UNMAP2_DIRTY);
	BAD(ENOENT, true, UNMAP2_DIRTY(0, 4096, 4096, bitmap, 0));
	/* Whole bitmap pages that are not whole CPU pages (hosts with pages > 4 KiB). */
	if (cpu_page > 4096)
		BAD(EINVAL, true, UNMAP_DIRTY(4096, cpu_page, 4096, bitmap, 0));
	UNTOUCHED(bitmap[0], SENT_U64);
	UNTOUCHED(bitmap[1], SENT_U64);
	UNTOUCHED(unmapped, SENT_U64);
}

/* ==== queues ============================================================== */

static void no_event(void *userdata, const struct iommufd_vevent *event)
{
	(void)userdata;
	(void)event;
	fail_msg("an event from a refused read");
}

static void sweep_queues(void)
{
	struct iommufd_fault_queue *fq = SENT_PTR;
	struct iommufd_veventq *vq = SENT_PTR;
	struct iommufd_hw_queue *hq = SENT_PTR;
	struct iommufd_fault faults[2];
	size_t count = 77;
	uint32_t lost = SENT_U32;

	BAD(EINVAL, false, iommufd_fault_queue_alloc(NULL, &fq));
	BAD(EINVAL, true, iommufd_fault_queue_alloc(h.ctx, NULL));
	UNTOUCHED(fq, SENT_PTR);
	BAD(EINVAL, false, iommufd_fault_queue_destroy(NULL));
	iommufd_fault_queue_ref(h.fault);
	BAD(EBUSY, true, iommufd_fault_queue_destroy(h.fault));	/* another reference */
	iommufd_fault_queue_unref(h.fault);
	NULLPTR(iommufd_fault_queue_ref(NULL));
	NULLPTR(iommufd_fault_queue_unref(NULL));
	VALUE(0, iommufd_fault_queue_get_id(NULL));
	BAD(EINVAL, false, iommufd_fault_queue_get_fd(NULL));
	BAD(EINVAL, false, iommufd_fault_queue_read(NULL, faults, 2, &count));
	BAD(EINVAL, true, iommufd_fault_queue_read(h.fault, NULL, 2, &count));
	BAD(EINVAL, true, iommufd_fault_queue_read(h.fault, faults, 0, &count));
	BAD(EINVAL, true, iommufd_fault_queue_read(h.fault, faults, 2, NULL));
	BAD(EINVAL, true, iommufd_fault_queue_read(h.fault, faults, SIZE_MAX, &count));
	UNTOUCHED(count, 77);
	VALUE(0, iommufd_fault_group_len(NULL, 5));
	VALUE(0, iommufd_fault_group_len(faults, 0));
	BAD(EINVAL, false, iommufd_fault_queue_respond(NULL, 1, 0));
	/* Defect 5: */
	BAD(EINVAL, true, iommufd_fault_queue_respond(h.fault, 1, 2));
	BAD(EINVAL, true, iommufd_fault_queue_respond(h.fault, 1, UINT32_MAX));
	BAD(EINVAL, false, iommufd_veventq_alloc(NULL, 1, 16, &vq));
	BAD(EINVAL, true, iommufd_veventq_alloc(h.viommu, 1, 16, NULL));
	BAD(EINVAL, true, iommufd_veventq_alloc(h.viommu, 0, 16, &vq));
	BAD(EINVAL, true, iommufd_veventq_alloc(h.viommu, 1, 0, &vq));
	UNTOUCHED(vq, SENT_PTR);
	BAD(EINVAL, false, iommufd_veventq_destroy(NULL));
	iommufd_veventq_ref(h.veventq);
	BAD(EBUSY, true, iommufd_veventq_destroy(h.veventq));	/* another reference */
	iommufd_veventq_unref(h.veventq);
	NULLPTR(iommufd_veventq_ref(NULL));
	NULLPTR(iommufd_veventq_unref(NULL));
	VALUE(0, iommufd_veventq_get_id(NULL));
	BAD(EINVAL, false, iommufd_veventq_get_fd(NULL));
	BAD(EINVAL, false, iommufd_veventq_read(NULL, no_event, NULL, &count, &lost));
	BAD(EINVAL, true, iommufd_veventq_read(h.veventq, NULL, NULL, &count, &lost));
	UNTOUCHED(count, 77);
	UNTOUCHED(lost, SENT_U32);
	BAD(EINVAL, false, iommufd_hw_queue_alloc(NULL, 1, 0, 0x100000, 0x1000, &hq));
	BAD(EINVAL, true, iommufd_hw_queue_alloc(h.viommu, 1, 0, 0x100000, 0x1000, NULL));
	BAD(EINVAL, true, iommufd_hw_queue_alloc(h.viommu, 0, 0, 0x100000, 0x1000, &hq));
	BAD(EINVAL, true, iommufd_hw_queue_alloc(h.viommu, 1, 0, 0x100000, 0, &hq));
	BAD(EINVAL, true, iommufd_hw_queue_alloc(h.viommu, 1, 0, UINT64_MAX - 4095, 0x2000, &hq));
	UNTOUCHED(hq, SENT_PTR);
	BAD(EINVAL, false, iommufd_hw_queue_destroy(NULL));
	iommufd_hw_queue_ref(h.hwq);
	BAD(EBUSY, true, iommufd_hw_queue_destroy(h.hwq));	/* another reference */
	iommufd_hw_queue_unref(h.hwq);
	NULLPTR(iommufd_hw_queue_ref(NULL));
	NULLPTR(iommufd_hw_queue_unref(NULL));
	VALUE(0, iommufd_hw_queue_get_id(NULL));
}

/* ==== discovery, version, names =========================================== */

static void sweep_discover(void)
{
	char *path = SENT_PTR;
	struct iommufd_vfio_cdev **list = SENT_PTR;
	size_t count = 77;

	BAD(EINVAL, true, iommufd_discover_pci(h.ctx, NULL, &path));
	BAD(EINVAL, true, iommufd_discover_pci(h.ctx, "0000:00:03.0", NULL));
	BAD(EINVAL, true, iommufd_discover_pci(h.ctx, "", &path));
	BAD(EINVAL, true, iommufd_discover_pci(h.ctx, "0000:00:20.0", &path));
	BAD(EINVAL, true, iommufd_discover_pci(h.ctx, "0000:00:03.0/../..", &path));
	BAD(EINVAL, false, iommufd_discover_pci(NULL, NULL, &path));
	BAD(EINVAL, true, iommufd_discover_sysfs(h.ctx, NULL, &path));
	BAD(EINVAL, true, iommufd_discover_sysfs(h.ctx, "", &path));
	BAD(EINVAL, true, iommufd_discover_sysfs(h.ctx, "/sys/bus/pci/devices/x", NULL));
	BAD(EINVAL, true, iommufd_discover_list(h.ctx, NULL, &count));
	UNTOUCHED(path, SENT_PTR);
	UNTOUCHED(list, SENT_PTR);
	UNTOUCHED(count, 77);
	iommufd_discover_list_free(NULL);	/* accepted, nothing to do */
	tried++;
}

static void sweep_names(void)
{
	VALUE(0, strcmp(iommufd_hw_info_type_name(0x12345678), "unknown"));
	VALUE(0, strcmp(iommufd_hw_info_type_name(UINT32_MAX), "unknown"));
	VALUE(0, strcmp(iommufd_support_name(UINT32_MAX), "unknown verdict"));
	VALUE(0, strcmp(iommufd_version(), LIBIOMMUFD_VERSION));
	VALUE(true, iommufd_last_error() != NULL);
}

/* ==== vendor decoders and builders ======================================== */

/*
 * An output struct of @size bytes, given every sz: below @min it holds
 * nothing and is refused; from @min to twice @size the call succeeds and
 * writes nothing past max(sz, min) -- its guard bytes keep their pattern.
 */
#define OUT_SWEEP(size, min, buf, call)						\
	do {									\
		for (size_t sz_ = 0; sz_ <= 2 * (size); sz_++) {		\
			memset((buf), 0xa5, 2 * (size));			\
			*(size_t *)(buf) = sz_;					\
			if (sz_ < (min)) {					\
				BAD(EINVAL, true, call);			\
				continue;					\
			}							\
			out_sizes++;						\
			assert_int_equal((call), 0);				\
			for (size_t i_ = sz_ < (size) ? sz_ : (size); i_ < 2 * (size); i_++) \
				if ((buf)[i_] != 0xa5)				\
					fail_msg("%s: sz %zu: byte %zu written", #call, sz_, i_); \
		}								\
	} while (0)

static const uint8_t zero_rec[64];

static void sweep_decoders(void)
{
	BAD(EINVAL, true, iommufd_vtd_info_decode(h.ctx, NULL, 24, (void *)big));
	BAD(EINVAL, true, iommufd_vtd_info_decode(h.ctx, zero_rec, 8, (void *)big));
	BAD(EINVAL, true, iommufd_vtd_info_decode(h.ctx, zero_rec, 24, NULL));
	OUT_SWEEP(sizeof(struct iommufd_vtd_info),
		  offsetof(struct iommufd_vtd_info, cap_reg) + sizeof(uint64_t), big,
		  iommufd_vtd_info_decode(h.ctx, zero_rec, 24, (struct iommufd_vtd_info *)big));
	BAD(EINVAL, true, iommufd_smmuv3_info_decode(h.ctx, NULL, 40, (void *)big));
	BAD(EINVAL, true, iommufd_smmuv3_info_decode(h.ctx, zero_rec, 4, (void *)big));
	BAD(EINVAL, true, iommufd_smmuv3_info_decode(h.ctx, zero_rec, 40, NULL));
	OUT_SWEEP(sizeof(struct iommufd_smmuv3_info),
		  offsetof(struct iommufd_smmuv3_info, idr) + sizeof(uint32_t[6]), big,
		  iommufd_smmuv3_info_decode(h.ctx, zero_rec, 40,
					     (struct iommufd_smmuv3_info *)big));
	BAD(EINVAL, true, iommufd_tegra241_cmdqv_info_decode(h.ctx, NULL, 8, (void *)big));
	BAD(EINVAL, true, iommufd_tegra241_cmdqv_info_decode(h.ctx, zero_rec, 2, (void *)big));
	BAD(EINVAL, true, iommufd_tegra241_cmdqv_info_decode(h.ctx, zero_rec, 8, NULL));
	OUT_SWEEP(sizeof(struct iommufd_tegra241_cmdqv_info),
		  offsetof(struct iommufd_tegra241_cmdqv_info, flags) + sizeof(uint32_t), big,
		  iommufd_tegra241_cmdqv_info_decode(h.ctx, zero_rec, 8,
						     (struct iommufd_tegra241_cmdqv_info *)big));
	BAD(EINVAL, true, iommufd_amd_info_decode(h.ctx, NULL, 16, (void *)big));
	BAD(EINVAL, true, iommufd_amd_info_decode(h.ctx, zero_rec, 4, (void *)big));
	BAD(EINVAL, true, iommufd_amd_info_decode(h.ctx, zero_rec, 16, NULL));
	OUT_SWEEP(sizeof(struct iommufd_amd_info),
		  offsetof(struct iommufd_amd_info, efr) + sizeof(uint64_t), big,
		  iommufd_amd_info_decode(h.ctx, zero_rec, 16, (struct iommufd_amd_info *)big));
	BAD(EINVAL, true, iommufd_selftest_info_decode(h.ctx, NULL, 8, (void *)big));
	BAD(EINVAL, true, iommufd_selftest_info_decode(h.ctx, zero_rec, 2, (void *)big));
	BAD(EINVAL, true, iommufd_selftest_info_decode(h.ctx, zero_rec, 8, NULL));
	OUT_SWEEP(sizeof(struct iommufd_selftest_info),
		  offsetof(struct iommufd_selftest_info, flags) + sizeof(uint32_t), big,
		  iommufd_selftest_info_decode(h.ctx, zero_rec, 8,
					       (struct iommufd_selftest_info *)big));
	BAD(EINVAL, true, iommufd_hw_info_decode(h.ctx, 1, NULL, 24, (void *)big));
	BAD(EINVAL, true, iommufd_hw_info_decode(h.ctx, 1, zero_rec, 24, NULL));
	OUT_SWEEP(sizeof(struct iommufd_hw_info_decoded),
		  offsetof(struct iommufd_hw_info_decoded, raw_len) + sizeof(size_t), big,
		  iommufd_hw_info_decode(h.ctx, 1, zero_rec, 24,
					 (struct iommufd_hw_info_decoded *)big));
}

/* A builder: NULL input, NULL or short buffer, NULL out, every input sz. */
#define BUILDER_SWEEP(type, build, bad_field_set)				\
	do {									\
		struct type in_;						\
		uint8_t out_[64];						\
		uint32_t rtype_ = SENT_U32;					\
		size_t rlen_ = 77;						\
										\
		memset(&in_, 0, sizeof(in_));					\
		in_.sz = sizeof(in_);						\
		BAD(EINVAL, true, build(h.ctx, NULL, NULL, out_, sizeof(out_), &rtype_, &rlen_)); \
		BAD(EINVAL, true, build(h.ctx, &in_, NULL, NULL, sizeof(out_), &rtype_, &rlen_)); \
		BAD(EINVAL, true, build(h.ctx, &in_, NULL, out_, 0, &rtype_, &rlen_)); \
		BAD(EINVAL, true, build(h.ctx, &in_, NULL, out_, 1, &rtype_, &rlen_)); \
		bad_field_set;							\
		BAD(EINVAL, true, build(h.ctx, &in_, NULL, out_, sizeof(out_), &rtype_, &rlen_)); \
		SZ_SWEEP(sizeof(struct type), true, true, big,			\
			 build(h.ctx, (const struct type *)big, NULL, out_, sizeof(out_), \
			       &rtype_, &rlen_));				\
		UNTOUCHED(rtype_, SENT_U32);					\
		UNTOUCHED(rlen_, 77);						\
	} while (0)

static void sweep_builders(void)
{
	BUILDER_SWEEP(iommufd_vtd_s1, iommufd_vtd_s1_build, in_.flags = 1ull << 63);
	BUILDER_SWEEP(iommufd_vtd_inv, iommufd_vtd_inv_build, in_.flags = 1u << 31);
	BUILDER_SWEEP(iommufd_smmuv3_ste, iommufd_smmuv3_ste_build, in_.config = UINT32_MAX);
	BUILDER_SWEEP(iommufd_smmuv3_cmd, iommufd_smmuv3_cmd_build, in_.opcode = UINT32_MAX);
	BUILDER_SWEEP(iommufd_amd_dte, iommufd_amd_dte_build, in_.glx = 0xff);
	BUILDER_SWEEP(iommufd_selftest_hwpt, iommufd_selftest_hwpt_build, in_.iotlb = 0;
		      in_.sz = 1);
	BUILDER_SWEEP(iommufd_selftest_inv, iommufd_selftest_inv_build, in_.flags = 1u << 31);
	BUILDER_SWEEP(iommufd_selftest_viommu_inv, iommufd_selftest_viommu_inv_build,
		      in_.flags = 1u << 31);
}

/* ==== the table: every public function and where it is swept ============== */

struct swept {
	const char *name;
	void (*sweep)(void);
};

static const struct swept table[] = {
	{ "iommufd_ctx_new", sweep_ctx_new },
	{ "iommufd_ctx_new_from_fd", sweep_ctx_new_from_fd },
	{ "iommufd_ctx_ref", sweep_ctx_null },
	{ "iommufd_ctx_unref", sweep_ctx_null },
	{ "iommufd_ctx_get_fd", sweep_ctx_null },
	{ "iommufd_ctx_get_log_priority", sweep_ctx_null },
	{ "iommufd_ctx_set_log_fn", sweep_ctx_null },
	{ "iommufd_ctx_set_log_priority", sweep_ctx_null },
	{ "iommufd_ctx_hand_over", sweep_ctx_null },
	{ "iommufd_ctx_retry_destroys", sweep_ctx_null },
	{ "iommufd_ctx_change_process", sweep_ctx_null },
	{ "iommufd_ctx_set_rlimit_mode", sweep_ctx_null },
	{ "iommufd_ctx_get_rlimit_mode", sweep_ctx_null },
	{ "iommufd_ctx_get_vfio_compat_ioas", sweep_ctx_null },
	{ "iommufd_ctx_set_vfio_compat_ioas", sweep_ctx_null },
	{ "iommufd_ctx_clear_vfio_compat_ioas", sweep_ctx_null },
	{ "iommufd_ctx_probe", sweep_probe },
	{ "iommufd_device_probe", sweep_probe },
	{ "iommufd_ioas_alloc", sweep_ioas_lifetime },
	{ "iommufd_ioas_new_from_id", sweep_ioas_lifetime },
	{ "iommufd_ioas_destroy", sweep_ioas_lifetime },
	{ "iommufd_ioas_ref", sweep_ioas_lifetime },
	{ "iommufd_ioas_unref", sweep_ioas_lifetime },
	{ "iommufd_ioas_get_id", sweep_ioas_lifetime },
	{ "iommufd_ioas_as_pt", sweep_ioas_lifetime },
	{ "iommufd_pt_get_id", sweep_ioas_lifetime },
	{ "iommufd_ioas_map", sweep_ioas_map },
	{ "iommufd_ioas_map_fixed", sweep_ioas_map },
	{ "iommufd_ioas_map_file", sweep_ioas_map },
	{ "iommufd_ioas_map_file_fixed", sweep_ioas_map },
	{ "iommufd_ioas_unmap", sweep_ioas_unmap_copy },
	{ "iommufd_ioas_unmap_all", sweep_ioas_unmap_copy },
	{ "iommufd_ioas_copy", sweep_ioas_unmap_copy },
	{ "iommufd_ioas_get_iova_ranges", sweep_ioas_ranges_options },
	{ "iommufd_ioas_allow_iovas", sweep_ioas_ranges_options },
	{ "iommufd_ioas_set_huge_pages", sweep_ioas_ranges_options },
	{ "iommufd_ioas_get_huge_pages", sweep_ioas_ranges_options },
	{ "iommufd_hwpt_alloc", sweep_hwpt_alloc },
	{ "iommufd_hwpt_new_from_id", sweep_hwpt_lifetime },
	{ "iommufd_hwpt_destroy", sweep_hwpt_lifetime },
	{ "iommufd_hwpt_ref", sweep_hwpt_lifetime },
	{ "iommufd_hwpt_unref", sweep_hwpt_lifetime },
	{ "iommufd_hwpt_get_id", sweep_hwpt_lifetime },
	{ "iommufd_hwpt_as_pt", sweep_hwpt_lifetime },
	{ "iommufd_hwpt_get_flags", sweep_hwpt_lifetime },
	{ "iommufd_hwpt_is_kernel_allocated", sweep_hwpt_lifetime },
	{ "iommufd_hwpt_set_dirty_tracking", sweep_hwpt_dirty_invalidate },
	{ "iommufd_hwpt_get_dirty_bitmap", sweep_hwpt_dirty_invalidate },
	{ "iommufd_hwpt_get_dirty_bitmap_chunked", sweep_hwpt_dirty_invalidate },
	{ "iommufd_hwpt_invalidate", sweep_hwpt_dirty_invalidate },
	{ "iommufd_device_bind_fd", sweep_device_bind },
	{ "iommufd_device_bind_fd_token", sweep_device_bind },
	{ "iommufd_device_bind_path", sweep_device_bind },
	{ "iommufd_device_bind_pci", sweep_device_bind },
	{ "iommufd_device_new_from_id", sweep_device_bind },
	{ "iommufd_device_attach", sweep_device_attach },
	{ "iommufd_device_replace", sweep_device_attach },
	{ "iommufd_device_detach", sweep_device_attach },
	{ "iommufd_device_get_hwpt_id", sweep_device_attach },
	{ "iommufd_device_ref", sweep_device_attach },
	{ "iommufd_device_unref", sweep_device_attach },
	{ "iommufd_device_get_id", sweep_device_attach },
	{ "iommufd_device_get_fd", sweep_device_attach },
	{ "iommufd_device_get_pt", sweep_device_attach },
	{ "iommufd_device_attach_pasid", sweep_device_pasid },
	{ "iommufd_device_replace_pasid", sweep_device_pasid },
	{ "iommufd_device_detach_pasid", sweep_device_pasid },
	{ "iommufd_device_get_pasid_pt", sweep_device_pasid },
	{ "iommufd_device_get_hw_info", sweep_device_hw_info },
	{ "iommufd_device_get_hw_info_of_type", sweep_device_hw_info },
	{ "iommufd_viommu_alloc", sweep_viommu },
	{ "iommufd_viommu_new_from_id", sweep_viommu },
	{ "iommufd_viommu_destroy", sweep_viommu },
	{ "iommufd_viommu_ref", sweep_viommu },
	{ "iommufd_viommu_unref", sweep_viommu },
	{ "iommufd_viommu_get_id", sweep_viommu },
	{ "iommufd_viommu_get_type", sweep_viommu },
	{ "iommufd_viommu_invalidate", sweep_viommu },
	{ "iommufd_viommu_alloc_hwpt", sweep_viommu_hwpt },
	{ "iommufd_viommu_alloc_abort_hwpt", sweep_viommu_hwpt },
	{ "iommufd_viommu_alloc_bypass_hwpt", sweep_viommu_hwpt },
	{ "iommufd_vdevice_alloc", sweep_vdevice },
	{ "iommufd_vdevice_new_from_id", sweep_vdevice },
	{ "iommufd_vdevice_destroy", sweep_vdevice },
	{ "iommufd_vdevice_ref", sweep_vdevice },
	{ "iommufd_vdevice_unref", sweep_vdevice },
	{ "iommufd_vdevice_get_id", sweep_vdevice },
	{ "iommufd_vdevice_get_virt_id", sweep_vdevice },
	{ "iommufd_fault_queue_alloc", sweep_queues },
	{ "iommufd_fault_queue_destroy", sweep_queues },
	{ "iommufd_fault_queue_ref", sweep_queues },
	{ "iommufd_fault_queue_unref", sweep_queues },
	{ "iommufd_fault_queue_get_id", sweep_queues },
	{ "iommufd_fault_queue_get_fd", sweep_queues },
	{ "iommufd_fault_queue_read", sweep_queues },
	{ "iommufd_fault_group_len", sweep_queues },
	{ "iommufd_fault_queue_respond", sweep_queues },
	{ "iommufd_veventq_alloc", sweep_queues },
	{ "iommufd_veventq_destroy", sweep_queues },
	{ "iommufd_veventq_ref", sweep_queues },
	{ "iommufd_veventq_unref", sweep_queues },
	{ "iommufd_veventq_get_id", sweep_queues },
	{ "iommufd_veventq_get_fd", sweep_queues },
	{ "iommufd_veventq_read", sweep_queues },
	{ "iommufd_hw_queue_alloc", sweep_queues },
	{ "iommufd_hw_queue_destroy", sweep_queues },
	{ "iommufd_hw_queue_ref", sweep_queues },
	{ "iommufd_hw_queue_unref", sweep_queues },
	{ "iommufd_hw_queue_get_id", sweep_queues },
	{ "iommufd_discover_pci", sweep_discover },
	{ "iommufd_discover_sysfs", sweep_discover },
	{ "iommufd_discover_list", sweep_discover },
	{ "iommufd_discover_list_free", sweep_discover },
	{ "iommufd_hw_info_type_name", sweep_names },
	{ "iommufd_support_name", sweep_names },
	{ "iommufd_version", sweep_names },
	{ "iommufd_last_error", sweep_names },
	{ "iommufd_vtd_info_decode", sweep_decoders },
	{ "iommufd_smmuv3_info_decode", sweep_decoders },
	{ "iommufd_tegra241_cmdqv_info_decode", sweep_decoders },
	{ "iommufd_amd_info_decode", sweep_decoders },
	{ "iommufd_selftest_info_decode", sweep_decoders },
	{ "iommufd_hw_info_decode", sweep_decoders },
	{ "iommufd_vtd_s1_build", sweep_builders },
	{ "iommufd_vtd_inv_build", sweep_builders },
	{ "iommufd_smmuv3_ste_build", sweep_builders },
	{ "iommufd_smmuv3_cmd_build", sweep_builders },
	{ "iommufd_amd_dte_build", sweep_builders },
	{ "iommufd_selftest_hwpt_build", sweep_builders },
	{ "iommufd_selftest_inv_build", sweep_builders },
	{ "iommufd_selftest_viommu_inv_build", sweep_builders },
	/* 1.1 */
	{ "iommufd_viommu_get_mmap_region", sweep_viommu_mmap },
	{ "iommufd_viommu_mmap", sweep_viommu_mmap },
	{ "iommufd_viommu_munmap", sweep_viommu_mmap },
	{ "iommufd_device_export_dmabuf", sweep_device_dmabuf },
	{ "iommufd_device_get_memory_decode", sweep_device_dmabuf },
	{ "iommufd_ioas_map_dmabuf", sweep_ioas_dmabuf },
	{ "iommufd_ioas_remap_dmabuf", sweep_ioas_dmabuf },
	{ "iommufd_ioas_noiommu_get_pa", sweep_noiommu },
	{ "iommufd_hwpts_set_dirty_tracking", sweep_dirty_sets },
	{ "iommufd_hwpts_get_dirty_bitmap", sweep_dirty_sets },
	{ "iommufd_ioas_set_dirty_tracking", sweep_dirty_sets },
	{ "iommufd_ioas_get_dirty_bitmap", sweep_dirty_sets },
	{ "iommufd_ioas_unmap_dirty", sweep_dirty_sets },
	{ "iommufd_smmuv3_cmd_repeats", sweep_smmuv3_erratum },
	{ "iommufd_viommu_invalidate_smmuv3", sweep_smmuv3_erratum },
};

#define TABLE_LEN (sizeof(table) / sizeof(table[0]))

/* ---- the fixture --------------------------------------------------------- */

static int setup(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, nest, .flags = IOMMUFD_HWPT_NEST_PARENT);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, dirty, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	static const uint8_t ste[16] = { 1 };
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, nested, .data_type = IOMMUFD_HWPT_DATA_ARM_SMMUV3,
			.data = ste, .data_len = sizeof(ste));

	ks_setup(state);
	model_reset();
	script_route_to(model_ioctl);
	memset(&h, 0, sizeof(h));
	h.ctx = test_ctx_new();
	h.ctx2 = test_ctx_new();
	assert_int_equal(iommufd_ioas_alloc(h.ctx, &h.ioas), 0);
	assert_int_equal(iommufd_ioas_alloc(h.ctx2, &h.ioas2), 0);
	assert_int_equal(iommufd_device_bind_path(h.ctx, "/dev/null", &h.dev), 0);
	assert_int_equal(iommufd_device_bind_path(h.ctx2, "/dev/null", &h.dev2), 0);
	assert_int_equal(iommufd_device_new_from_id(h.ctx, 1000, -1, IOMMUFD_ADOPT_BORROW,
						    &h.dev_by_id), 0);
	assert_int_equal(iommufd_hwpt_alloc(ioas_pt(), h.dev, NULL, &h.hwpt), 0);
	assert_int_equal(iommufd_hwpt_alloc(ioas_pt(), h.dev, &nest, &h.parent), 0);
	assert_int_equal(iommufd_hwpt_alloc(ioas_pt(), h.dev, &dirty, &h.dirty), 0);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(h.ioas2), h.dev2, NULL, &h.hwpt2),
			 0);
	h.open_fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	assert_true(h.open_fd >= 0);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(h.parent), h.dev, &nested,
					    &h.nested), 0);
	assert_int_equal(iommufd_viommu_alloc(h.parent, h.dev, 1, NULL, &h.viommu), 0);
	assert_int_equal(iommufd_vdevice_alloc(h.viommu, h.dev, 7, &h.vdev), 0);
	assert_int_equal(iommufd_fault_queue_alloc(h.ctx, &h.fault), 0);
	assert_int_equal(iommufd_veventq_alloc(h.viommu, 1, 16, &h.veventq), 0);
	assert_int_equal(iommufd_hw_queue_alloc(h.viommu, 1, 0, 0x100000, 0x1000, &h.hwq), 0);
	assert_int_equal(iommufd_device_bind_path(h.ctx, "/dev/null", &h.dev_on), 0);
	assert_int_equal(iommufd_device_attach(h.dev_on, ioas_pt()), 0);
	assert_int_equal(iommufd_device_attach_pasid(h.dev_on, 3, ioas_pt()), 0);
	/* From here on, any ioctl is a test failure. */
	script_route_to(no_ioctl);
	log_reset();
	return 0;
}

static int teardown(void **state)
{
	script_assert_done();
	script_route_to(model_ioctl);
	iommufd_hw_queue_unref(h.hwq);
	iommufd_veventq_unref(h.veventq);
	iommufd_fault_queue_unref(h.fault);
	iommufd_vdevice_unref(h.vdev);
	iommufd_viommu_unref(h.viommu);
	iommufd_hwpt_unref(h.nested);
	iommufd_hwpt_unref(h.parent);
	iommufd_hwpt_unref(h.hwpt);
	iommufd_hwpt_unref(h.dirty);
	iommufd_hwpt_unref(h.hwpt2);
	close(h.open_fd);
	iommufd_device_unref(h.dev_on);
	iommufd_device_unref(h.dev_by_id);
	iommufd_device_unref(h.dev2);
	iommufd_device_unref(h.dev);
	iommufd_ioas_unref(h.ioas2);
	iommufd_ioas_unref(h.ioas);
	iommufd_ctx_unref(h.ctx2);
	iommufd_ctx_unref(h.ctx);
	assert_int_equal(model_live_objects(), 0);
	script_route_to(NULL);
	return ks_teardown(state);
}

/* ---- the tests ----------------------------------------------------------- */

static void every_public_function_refuses_bad_input(void **state)
{
	(void)state;
	for (size_t i = 0; i < TABLE_LEN; i++) {
		bool done = false;

		/* Each sweep function once, however many names it covers. */
		for (size_t j = 0; j < i && !done; j++)
			done = table[j].sweep == table[i].sweep;
		if (!done)
			table[i].sweep();
	}
	print_message("bad-input sweep: %lu bad inputs tried over %zu public functions;"
		      " %lu good output struct sizes checked for writes past sz\n", tried,
		      TABLE_LEN, out_sizes);
}

/* The names the version script exports (every node). */
static size_t read_version_script(char names[][64], size_t max)
{
	const char *srcdir = getenv("top_srcdir");
	char path[4096], line[256];
	size_t n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/libiommufd/libiommufd.sym", srcdir ? srcdir : ".");
	f = fopen(path, "re");
	if (!f)
		fail_msg("cannot read %s (set top_srcdir)", path);
	while (fgets(line, sizeof(line), f)) {
		char name[64];

		if (sscanf(line, " %63[a-z0-9_];", name) == 1 && !strncmp(name, "iommufd_", 8)) {
			if (n == max)
				fail_msg("more than %zu symbols", max);
			memcpy(names[n++], name, sizeof(name));
		}
	}
	fclose(f);
	return n;
}

static void sweep_covers_every_public_function(void **state)
{
	static char names[512][64];
	size_t n = read_version_script(names, 512), missing = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		bool found = false;

		for (size_t j = 0; j < TABLE_LEN && !found; j++)
			found = !strcmp(names[i], table[j].name);
		if (!found) {
			print_error("not in the bad-input sweep: %s\n", names[i]);
			missing++;
		}
	}
	for (size_t j = 0; j < TABLE_LEN; j++) {
		bool found = false;

		for (size_t i = 0; i < n && !found; i++)
			found = !strcmp(names[i], table[j].name);
		if (!found)
			fail_msg("the sweep names %s, which libiommufd.sym does not export",
				 table[j].name);
	}
	if (missing)
		fail_msg("%zu public functions are not in the bad-input sweep"
			 " (tests/unit/test-sweep.c)", missing);
	assert_int_equal(n, TABLE_LEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sweep_covers_every_public_function),
		cmocka_unit_test_setup_teardown(every_public_function_refuses_bad_input, setup,
						teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
