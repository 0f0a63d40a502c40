// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What one library call costs on the host, next to the raw ioctls it
 * stands for: instructions (counted by valgrind's callgrind, which this
 * program asks to zero and dump its counters around each measured loop),
 * heap calls and ioctls per call.
 *
 * The kernel is a stub at the ioctl boundary (-Wl,--wrap=ioctl): every
 * command succeeds at once with plausible outputs, so what is counted is
 * the library's own work plus the same stub on both sides. Heap calls of
 * the library are counted by wrapping malloc, calloc, realloc and free
 * (the library's objects are linked into this program statically).
 *
 * Output, one line per measured loop (tests/bench/host.sh joins them with
 * callgrind's counts):
 *   COUNT <op> <lib|raw> <iterations> <heap calls> <ioctls>
 * The callgrind dump of each loop is named "<op> <lib|raw>".
 *
 * A report, not a test: it fails only when a call fails.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "config.h"
#include "libiommufd.h"
#include "uapi.h"

#ifdef HAVE_VALGRIND_CALLGRIND_H
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_ZERO_STATS do { } while (0)
#define CALLGRIND_DUMP_STATS_AT(name) do { (void)(name); } while (0)
#endif

/* ---- the stub kernel ------------------------------------------------------ */

static unsigned long ioctls;
static uint32_t next_id = 1;

/* The ranges a VT-d IOAS reports: all of it but the MSI window. */
static const struct kabi_iova_range stub_ranges[] = {
	{ .start = 0, .last = 0xfedfffff },
	{ .start = 0xfef00000, .last = 0xffffffffffffull },
};

static int stub_iova_ranges(struct kabi_ioas_iova_ranges *cmd)
{
	uint32_t room = cmd->num_iovas;

	cmd->num_iovas = 2;
	if (room < 2) {
		errno = EMSGSIZE;
		return -1;
	}
	memcpy((void *)(uintptr_t)cmd->allowed_iovas, stub_ranges, sizeof(stub_ranges));
	cmd->out_iova_alignment = 4096;
	return 0;
}

static int stub_hw_info(struct kabi_hw_info *cmd)
{
	struct kabi_hw_info_selftest rec = { .test_reg = KABI_TEST_HW_INFO_REGVAL };

	if (cmd->data_len)
		memcpy((void *)(uintptr_t)cmd->data_uptr, &rec,
		       cmd->data_len < sizeof(rec) ? cmd->data_len : sizeof(rec));
	cmd->data_len = sizeof(rec);
	cmd->out_data_type = KABI_HW_INFO_TYPE_SELFTEST;
	cmd->out_max_pasid_log2 = 20;
	return 0;
}

int __wrap_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	ioctls++;
	/* A size of 0 is the capability probe: a known command says EINVAL. */
	if (request != KABI_VFIO_DEVICE_BIND_IOMMUFD &&
	    request != KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT &&
	    request != KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT && *(uint32_t *)arg == 0) {
		errno = EINVAL;
		return -1;
	}
	switch (request) {
	case KABI_IOMMU_IOAS_ALLOC:
		((struct kabi_ioas_alloc *)arg)->out_ioas_id = next_id++;
		return 0;
	case KABI_IOMMU_HWPT_ALLOC:
		((struct kabi_hwpt_alloc *)arg)->out_hwpt_id = next_id++;
		return 0;
	case KABI_IOMMU_VIOMMU_ALLOC:
		((struct kabi_viommu_alloc *)arg)->out_viommu_id = next_id++;
		return 0;
	case KABI_IOMMU_IOAS_MAP:
		return 0;
	case KABI_IOMMU_IOAS_UNMAP:
		return 0;
	case KABI_IOMMU_IOAS_IOVA_RANGES:
		return stub_iova_ranges(arg);
	case KABI_IOMMU_GET_HW_INFO:
		return stub_hw_info(arg);
	case KABI_VFIO_DEVICE_BIND_IOMMUFD:
		((struct kabi_vfio_bind_iommufd *)arg)->out_devid = next_id++;
		return 0;
	case KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT:
	case KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT:
	case KABI_IOMMU_DESTROY:
	case KABI_IOMMU_HWPT_GET_DIRTY_BITMAP:
		return 0;
	default:
		errno = ENOTTY;
		return -1;
	}
}

/* ---- heap calls ------------------------------------------------------------ */

static unsigned long heap_calls;

void *__real_malloc(size_t size);
void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *ptr, size_t size);
void __real_free(void *ptr);
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t nmemb, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
void __wrap_free(void *ptr);

void *__wrap_malloc(size_t size)
{
	heap_calls++;
	return __real_malloc(size);
}

void *__wrap_calloc(size_t nmemb, size_t size)
{
	heap_calls++;
	return __real_calloc(nmemb, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
	heap_calls++;
	return __real_realloc(ptr, size);
}

void __wrap_free(void *ptr)
{
	if (ptr)
		heap_calls++;
	__real_free(ptr);
}

/* ---- the operations -------------------------------------------------------- */

static struct {
	struct iommufd_ctx *ctx;
	int fd;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	int dev_fd;
	struct iommufd_hwpt *a, *b;	/* two HWPTs to replace between */
	struct iommufd_hwpt *dirty;
	uint64_t bitmap[8];
	char buf[4096] __attribute__((aligned(4096)));
} env;

static int failed;

static void must(int rc, const char *what)
{
	if (rc && !failed++)
		fprintf(stderr, "bench-host: %s: %s\n", what, strerror(rc < 0 ? -rc : rc));
}

static int raw(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) ? -errno : 0;
}

static void lib_ioas(void)
{
	struct iommufd_ioas *ioas;

	must(iommufd_ioas_alloc(env.ctx, &ioas), "iommufd_ioas_alloc");
	iommufd_ioas_unref(ioas);
}

static void raw_ioas(void)
{
	struct kabi_ioas_alloc cmd = { .size = sizeof(cmd) };
	struct kabi_destroy d = { .size = sizeof(d) };

	must(raw(env.fd, KABI_IOMMU_IOAS_ALLOC, &cmd), "IOAS_ALLOC");
	d.id = cmd.out_ioas_id;
	must(raw(env.fd, KABI_IOMMU_DESTROY, &d), "DESTROY");
}

static void lib_hwpt(void)
{
	struct iommufd_hwpt *hwpt;

	must(iommufd_hwpt_alloc(iommufd_ioas_as_pt(env.ioas), env.dev, NULL, &hwpt),
	     "iommufd_hwpt_alloc");
	iommufd_hwpt_unref(hwpt);
}

static void raw_hwpt(void)
{
	struct kabi_hwpt_alloc cmd = {
		.size = sizeof(cmd), .dev_id = iommufd_device_get_id(env.dev),
		.pt_id = iommufd_ioas_get_id(env.ioas),
	};
	struct kabi_destroy d = { .size = sizeof(d) };

	must(raw(env.fd, KABI_IOMMU_HWPT_ALLOC, &cmd), "HWPT_ALLOC");
	d.id = cmd.out_hwpt_id;
	must(raw(env.fd, KABI_IOMMU_DESTROY, &d), "DESTROY");
}

#define IOVA 0x100000ull
#define RW (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)

static void lib_map(void)
{
	must(iommufd_ioas_map_fixed(env.ioas, env.buf, sizeof(env.buf), IOVA, RW),
	     "iommufd_ioas_map_fixed");
	must(iommufd_ioas_unmap(env.ioas, IOVA, sizeof(env.buf), 0, NULL), "iommufd_ioas_unmap");
}

static void raw_map(void)
{
	struct kabi_ioas_map m = {
		.size = sizeof(m), .ioas_id = iommufd_ioas_get_id(env.ioas),
		.flags = KABI_IOAS_MAP_FIXED_IOVA | KABI_IOAS_MAP_READABLE | KABI_IOAS_MAP_WRITEABLE,
		.user_va = (uintptr_t)env.buf, .length = sizeof(env.buf), .iova = IOVA,
	};
	struct kabi_ioas_unmap u = {
		.size = sizeof(u), .ioas_id = m.ioas_id, .iova = IOVA, .length = sizeof(env.buf),
	};

	must(raw(env.fd, KABI_IOMMU_IOAS_MAP, &m), "IOAS_MAP");
	must(raw(env.fd, KABI_IOMMU_IOAS_UNMAP, &u), "IOAS_UNMAP");
}

/* Replace A -> B -> A: the device ends where it started. */
static void lib_replace(void)
{
	must(iommufd_device_replace(env.dev, iommufd_hwpt_as_pt(env.b)), "replace to B");
	must(iommufd_device_replace(env.dev, iommufd_hwpt_as_pt(env.a)), "replace to A");
}

static void raw_attach_pt(uint32_t pt_id)
{
	struct kabi_vfio_attach_pt cmd = { .argsz = KABI_VFIO_ATTACH_SIZE_V1, .pt_id = pt_id };

	must(raw(env.dev_fd, KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd), "VFIO ATTACH");
}

static void raw_replace(void)
{
	raw_attach_pt(iommufd_hwpt_get_id(env.b));
	raw_attach_pt(iommufd_hwpt_get_id(env.a));
}

/* From A: detach, attach to A again. */
static void lib_attach(void)
{
	must(iommufd_device_detach(env.dev), "detach");
	must(iommufd_device_attach(env.dev, iommufd_hwpt_as_pt(env.a)), "attach");
}

static void raw_attach(void)
{
	struct kabi_vfio_detach_pt cmd = { .argsz = KABI_VFIO_DETACH_SIZE_V1 };

	must(raw(env.dev_fd, KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd), "VFIO DETACH");
	raw_attach_pt(iommufd_hwpt_get_id(env.a));
}

static void lib_dirty(void)
{
	must(iommufd_hwpt_get_dirty_bitmap(env.dirty, IOVA, 64 * 4096, 4096, env.bitmap, 0),
	     "iommufd_hwpt_get_dirty_bitmap");
}

static void raw_dirty(void)
{
	struct kabi_hwpt_get_dirty_bitmap cmd = {
		.size = sizeof(cmd), .hwpt_id = iommufd_hwpt_get_id(env.dirty), .iova = IOVA,
		.length = 64 * 4096, .page_size = 4096, .data = (uintptr_t)env.bitmap,
	};

	must(raw(env.fd, KABI_IOMMU_HWPT_GET_DIRTY_BITMAP, &cmd), "GET_DIRTY_BITMAP");
}

static void lib_ranges(void)
{
	struct iommufd_iova_range *ranges;
	size_t count;

	must(iommufd_ioas_get_iova_ranges(env.ioas, &ranges, &count, NULL),
	     "iommufd_ioas_get_iova_ranges");
	free(ranges);
}

/* What a caller that knows how many ranges to expect does: one call. */
static void raw_ranges(void)
{
	struct kabi_iova_range ranges[4];
	struct kabi_ioas_iova_ranges cmd = {
		.size = sizeof(cmd), .ioas_id = iommufd_ioas_get_id(env.ioas),
		.num_iovas = 4, .allowed_iovas = (uintptr_t)ranges,
	};

	must(raw(env.fd, KABI_IOMMU_IOAS_IOVA_RANGES, &cmd), "IOAS_IOVA_RANGES");
}

static void lib_ctx_probe(void)
{
	struct iommufd_probe p = { .sz = sizeof(p) };

	must(iommufd_ctx_probe(env.ctx, &p), "iommufd_ctx_probe");
}

static void lib_dev_probe(void)
{
	struct iommufd_probe p = { .sz = sizeof(p) };

	must(iommufd_device_probe(env.dev, &p), "iommufd_device_probe");
}

static const struct op {
	const char *name;
	void (*lib)(void);
	void (*raw)(void);	/* NULL: no raw equivalent */
	unsigned int iters;
} ops[] = {
	{ "ioas_alloc_destroy", lib_ioas, raw_ioas, 1000 },
	{ "hwpt_alloc_destroy", lib_hwpt, raw_hwpt, 1000 },
	{ "map_unmap", lib_map, raw_map, 1000 },
	{ "replace_pair", lib_replace, raw_replace, 1000 },
	{ "detach_attach", lib_attach, raw_attach, 1000 },
	{ "dirty_read", lib_dirty, raw_dirty, 1000 },
	{ "iova_ranges", lib_ranges, raw_ranges, 1000 },
	{ "ctx_probe", lib_ctx_probe, NULL, 100 },
	{ "device_probe", lib_dev_probe, NULL, 100 },
};

static void measure(const struct op *op, bool library)
{
	void (*fn)(void) = library ? op->lib : op->raw;
	const char *side = library ? "lib" : "raw";
	unsigned long heap0, ioctl0;
	char name[64];

	fn();			/* warm: first-call costs (lazy binding) are not the call's */
	heap0 = heap_calls;
	ioctl0 = ioctls;
	snprintf(name, sizeof(name), "%s %s", op->name, side);
	CALLGRIND_ZERO_STATS;
	for (unsigned int i = 0; i < op->iters; i++)
		fn();
	CALLGRIND_DUMP_STATS_AT(name);
	/* Warm-up excluded from the counts, as from the instructions. */
	printf("COUNT %s %s %u %lu %lu\n", op->name, side, op->iters,
	       heap_calls - heap0, ioctls - ioctl0);
}

static void setup(void)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/dev/null");
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, dirty, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);

	must(iommufd_ctx_new(&opts, &env.ctx), "iommufd_ctx_new");
	if (failed)
		exit(1);
	env.fd = iommufd_ctx_get_fd(env.ctx);
	must(iommufd_ioas_alloc(env.ctx, &env.ioas), "iommufd_ioas_alloc");
	must(iommufd_device_bind_path(env.ctx, "/dev/null", &env.dev), "bind");
	if (failed)
		exit(1);
	env.dev_fd = iommufd_device_get_fd(env.dev);
	must(iommufd_hwpt_alloc(iommufd_ioas_as_pt(env.ioas), env.dev, NULL, &env.a), "HWPT A");
	must(iommufd_hwpt_alloc(iommufd_ioas_as_pt(env.ioas), env.dev, NULL, &env.b), "HWPT B");
	must(iommufd_hwpt_alloc(iommufd_ioas_as_pt(env.ioas), env.dev, &dirty, &env.dirty),
	     "dirty HWPT");
	must(iommufd_device_attach(env.dev, iommufd_hwpt_as_pt(env.a)), "attach");
	if (failed)
		exit(1);
}

static void teardown(void)
{
	iommufd_device_unref(env.dev);
	iommufd_hwpt_unref(env.a);
	iommufd_hwpt_unref(env.b);
	iommufd_hwpt_unref(env.dirty);
	iommufd_ioas_unref(env.ioas);
	iommufd_ctx_unref(env.ctx);
}

int main(int argc, char **argv)
{
	setup();
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++) {
		if (argc > 1 && strcmp(argv[1], ops[i].name))
			continue;
		measure(&ops[i], true);
		if (ops[i].raw)
			measure(&ops[i], false);
	}
	teardown();
	return failed ? 1 : 0;
}
