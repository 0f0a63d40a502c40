// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Issue 11: kernel fault injection under every multi-step library call.
 *
 * For each operation, the kernel is told to fail its n-th allocation inside
 * the call (/proc/self/task/<tid>/fail-nth, with failslab and
 * fail_page_alloc counting every allocation that may sleep), for n = 1, 2,
 * ... until the call completes without reaching the n-th allocation. After
 * each injected failure:
 *   - the call returned a negative errno the C library can name, and logged
 *     why;
 *   - its out-parameter is untouched and the handles it works on report what
 *     they reported before (attachment, HWPT ID, mappings);
 *   - no file descriptor and no kernel object is left: a raw IOMMU_DESTROY
 *     of every ID the fixture does not own must answer ENOENT, and the
 *     context has no deferred destroy pending;
 *   - the context still works (an IOAS can be allocated and destroyed);
 *   - with edu behind a vIOMMU (vtd, amd, virtio), DMA lands in the buffer
 *     of the page table the library says the device is attached to (and
 *     nowhere while it says the device is detached).
 * A call that succeeds although an allocation failed (the kernel tolerated
 * it) is checked as a success. The fixture is kept while calls fail (its
 * state was just shown to be unchanged) and rebuilt after a success.
 *
 * Each operation is one RESULT, with the number of points tried, rolled
 * back and tolerated; a summary line gives the points per machine.
 *
 * Kernel defects (docs/kernel-quirks.md, "Found by fault injection"):
 *   - a failed replace that leaves the device's DMA blocked (7.x; VT-d, AMD,
 *     virtio) is recognised, recovered as the header documents (replace onto
 *     another page table, then back) and reported as a skip naming the
 *     defect, never as a pass;
 *   - points known to crash the kernel are not injected unless the kernel
 *     command line (tests/vm/run.sh: LIBIOMMUFD_VM_APPEND) sets
 *     LIBIOMMUFD_FAULTINJ_CRASH=1.
 *
 * Environment (kernel parameters through run.sh's LIBIOMMUFD_VM_APPEND):
 * LIBIOMMUFD_FAULTINJ_OPS=a,b runs only those operations,
 * LIBIOMMUFD_FAULTINJ_VERBOSE=1 prints every point (the last line before a
 * crash names it), LIBIOMMUFD_FAULTINJ_CRASH=1 injects the crash points.
 *
 * The plain-path fallback of iommufd_hwpt_alloc() is what a kernel without
 * IOMMU_HWPT_ALLOC (before 6.6) makes the library take. The kernels here
 * all have it, so this program answers the library's HWPT_ALLOC with that
 * kernel's ENOTTY itself (interposing ioctl() while that operation runs);
 * the ATTACH that follows goes to the real kernel under fault injection.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "uapi.h"	/* KABI_IOMMU_HWPT_ALLOC, for the simulated old kernel */
#include "failnth.h"
#include "vmtest.h"

#define PAGE 4096u
#define LEN VMT_EDU_DMA_LEN
#define MAX_N 2000		/* a call with more allocations than this is a bug here */
#define MAX_KNOWN 32
#define SWEEP_BEYOND 32		/* IDs past the fixture's highest that are swept */
#define SEED 0x11fa17u
#define VIRT_ID 0x100u

/* ---- the ioctl boundary: the simulated kernel without HWPT_ALLOC ---------- */

static bool no_hwpt_alloc;

/*
 * The library calls ioctl() through the PLT: this definition in the program
 * comes first. Everything but the simulated refusal goes to the kernel.
 */
#ifdef __GLIBC__
int ioctl(int fd, unsigned long request, ...)
#else	/* musl declares the request an int */
int ioctl(int fd, int request, ...)
#endif
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (no_hwpt_alloc && (unsigned long)request == KABI_IOMMU_HWPT_ALLOC) {
		errno = ENOTTY;
		return -1;
	}
	return (int)syscall(SYS_ioctl, fd, request, arg);
}

/* ---- a log that makes no system call (it runs while injection is armed) -- */

static unsigned int log_lines;
static char log_last[512];

static void quiet_log(void *userdata, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	(void)userdata;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	log_lines++;
	vsnprintf(log_last, sizeof(log_last), format, args);
}

/* ---- the fixture ----------------------------------------------------------- */

/* What an operation needs before its call. */
enum need {
	N_EDU = 1 << 0,		/* edu behind a vIOMMU (else: a mock device on mock) */
	N_MOCK = 1 << 1,	/* the selftest mock driver (mock machine) */
	N_UNBOUND = 1 << 2,	/* edu's cdev open, not bound */
	N_DETACHED = 1 << 3,	/* edu bound, detached */
	N_7X = 1 << 4,		/* vIOMMU objects: kernel 6.13+ (tested: 7.x) */
};

enum where { AT_NONE, AT_A, AT_B, AT_BOTH, AT_ERR };
static const char *const where_name[] = { "nowhere", "buffer A", "buffer B", "both", "?" };

struct fx {
	struct iommufd_ctx *ctx;
	int fd;				/* the iommufd */
	struct iommufd_ioas *ioas1, *ioas2;	/* ioas1 maps iova -> a, ioas2 iova -> b */
	struct iommufd_device *dev;
	int cdev;			/* edu: the cdev (the test's: bind_fd) */
	struct vmt_edu edu;
	uint32_t stdev, idev, st_hwpt;	/* mock device, and the HWPT MOCK_DOMAIN made */
	uint8_t *a, *b, *c;		/* c: a spare page */
	uint64_t iova, spare;		/* spare: a free IOVA in both IOASes */
	int memfd;
	/* made by operation setups */
	struct iommufd_hwpt *hwpt2, *np, *dirty;
	struct iommufd_viommu *viommu;
	struct iommufd_fault_queue *fq;
	struct iommufd_probe probe0;	/* the probe without injection */
	/* the call's out-parameters, preset to sentinels */
	struct iommufd_device *o_dev;
	struct iommufd_hwpt *o_hwpt;
	struct iommufd_viommu *o_viommu;
	struct iommufd_vdevice *o_vdev;
	struct iommufd_veventq *o_veventq;
	struct iommufd_hw_queue *o_hwq;
	struct iommufd_fault_queue *o_fq;
	struct iommufd_probe o_probe;
	uint64_t o_u64;
	uint64_t bitmap[2];
	/* kernel objects of the fixture: the sweep leaves them alone */
	uint32_t known[MAX_KNOWN];
	unsigned int nknown;
	const struct op *op;
};

#define SENTINEL(type) ((type *)(uintptr_t)0x5e17)
#define SENTINEL_U64 0x5e175e17ull

static bool edu_loaded;		/* edu's buffer holds the SEED pattern */

static void known(struct fx *f, uint32_t id)
{
	if (id && f->nknown < MAX_KNOWN)
		f->known[f->nknown++] = id;
}

static bool is_known(const struct fx *f, uint32_t id)
{
	for (unsigned int i = 0; i < f->nknown; i++)
		if (f->known[i] == id)
			return true;
	return false;
}

static void forget(struct fx *f, uint32_t id)
{
	for (unsigned int i = 0; i < f->nknown; i++)
		if (f->known[i] == id)
			f->known[i] = f->known[--f->nknown];
}

/* Where edu's DMA (its buffer to @iova) lands now. */
static enum where dma_lands(struct fx *f)
{
	bool in_a, in_b;

	memset(f->a, 0, PAGE);
	memset(f->b, 0, PAGE);
	if (vmt_edu_dma(&f->edu, f->iova, 0, LEN, true))
		return AT_ERR;
	in_a = vmt_pattern_diff(f->a, LEN, SEED) < 0;
	in_b = vmt_pattern_diff(f->b, LEN, SEED) < 0;
	if (in_a && in_b)
		return AT_BOTH;
	if (!in_a && !in_b) {
		for (unsigned int i = 0; i < LEN; i++)
			if (f->a[i] || f->b[i])
				return AT_ERR;	/* something else landed */
		return AT_NONE;
	}
	return in_a ? AT_A : AT_B;
}

/* Where the library says DMA must land. */
static enum where dma_expected(const struct fx *f)
{
	struct iommufd_pt *pt = iommufd_device_get_pt(f->dev);

	if (!pt)
		return AT_NONE;
	if (pt == iommufd_ioas_as_pt(f->ioas1))
		return AT_A;
	return AT_B;	/* ioas2, or a HWPT on it */
}

static bool map_buffers(struct vmt_case *t, struct fx *f, uint64_t floor)
{
	int rc;

	if (!REQUIRE(vmt_pick_iova(f->ioas1, floor, 4 * PAGE, &f->iova),
		     "no IOVA for the buffers in IOAS %u", iommufd_ioas_get_id(f->ioas1)))
		return false;
	f->spare = f->iova + 2 * PAGE;
	rc = iommufd_ioas_map_fixed(f->ioas1, f->a, PAGE, f->iova,
				    IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);
	if (!rc)
		rc = iommufd_ioas_map_fixed(f->ioas2, f->b, PAGE, f->iova,
					    IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);
	return REQUIRE(rc == 0, "mapping the buffers: %s", vmt_errname(rc));
}

static bool edu_setup(struct vmt_case *t, struct fx *f, unsigned int need)
{
	char addr[64], path[256], err[256];
	int rc;

	rc = vmt_edu_find(f->ctx, addr, sizeof(addr), path, sizeof(path));
	if (!REQUIRE(rc == 0, "no edu with a VFIO cdev: %s", vmt_errname(rc)))
		return false;
	f->cdev = open(path, O_RDWR | O_CLOEXEC);
	if (!REQUIRE(f->cdev >= 0, "open %s: %s", path, strerror(errno)))
		return false;
	if (need & N_UNBOUND)
		return true;
	rc = iommufd_device_bind_fd(f->ctx, f->cdev, &f->dev);
	if (!REQUIRE(rc == 0, "bind: %s", vmt_errname(rc)))
		return false;
	known(f, iommufd_device_get_id(f->dev));
	rc = vmt_edu_open(&f->edu, f->cdev, err, sizeof(err));
	if (!REQUIRE(rc == 0, "edu: %s", err))
		return false;
	/* Attach before mapping: the mappings then respect the device's reserved ranges. */
	rc = iommufd_device_attach(f->dev, iommufd_ioas_as_pt(f->ioas1));
	if (!REQUIRE(rc == 0, "attach: %s", vmt_errname(rc)))
		return false;
	if (!map_buffers(t, f, 0))
		return false;
	if (!edu_loaded) {
		/* Once per boot: edu keeps its buffer across binds and resets. */
		vmt_fill(f->a, PAGE, SEED);
		rc = vmt_edu_dma(&f->edu, f->iova, 0, LEN, false);
		if (!REQUIRE(rc == 0, "loading edu: %s", vmt_errname(rc)))
			return false;
		edu_loaded = true;
	}
	if (!REQUIRE(dma_lands(f) == AT_A, "edu's DMA does not land in buffer A after the attach"))
		return false;
	if (need & N_DETACHED) {
		rc = iommufd_device_detach(f->dev);
		if (!REQUIRE(rc == 0, "detach: %s", vmt_errname(rc)))
			return false;
	} else {
		uint32_t id = 0;

		iommufd_device_get_hwpt_id(f->dev, &id);
		known(f, id);
	}
	return true;
}

static bool mock_setup(struct vmt_case *t, struct fx *f)
{
	uint32_t hwpt = 0;
	int rc;

	rc = vmt_st_mock_domain(f->fd, iommufd_ioas_get_id(f->ioas1), 0, &f->stdev, &hwpt,
				&f->idev);
	f->st_hwpt = hwpt;
	if (!REQUIRE(rc == 0, "MOCK_DOMAIN: %s", vmt_errname(rc)))
		return false;
	known(f, f->stdev);
	known(f, f->idev);
	known(f, hwpt);
	rc = iommufd_device_new_from_id(f->ctx, f->idev, -1, IOMMUFD_ADOPT_BORROW, &f->dev);
	if (!REQUIRE(rc == 0, "device_new_from_id: %s", vmt_errname(rc)))
		return false;
	return map_buffers(t, f, ST_MOCK_APERTURE_START);
}

struct op {
	const char *name;
	unsigned int need;
	/* Extra setup (NULL: none); false with @t failed or skipped. */
	bool (*setup)(struct vmt_case *t, struct fx *f);
	/* The library call under injection. */
	int (*call)(struct fx *f);
	/* After a failure: out-parameters and handles as before (no DMA check). */
	bool (*unchanged)(struct vmt_case *t, struct fx *f);
	/* After a success: what the call promised. */
	bool (*done)(struct vmt_case *t, struct fx *f);
	/* A known kernel reason why the call cannot succeed here, or NULL. */
	const char *(*quirk)(struct fx *f, int rc);
	/* Drops what a successful call made (before the fixture goes). */
	void (*release)(struct fx *f);
};

static void fx_teardown(struct fx *f)
{
	vmt_edu_close(&f->edu);
	if (f->stdev)
		vmt_destroy(f->fd, f->stdev);	/* the test's mock device goes first */
	iommufd_hwpt_unref(f->dirty);
	iommufd_viommu_unref(f->viommu);
	iommufd_hwpt_unref(f->hwpt2);
	iommufd_hwpt_unref(f->np);
	iommufd_fault_queue_unref(f->fq);
	iommufd_device_unref(f->dev);
	if (f->cdev >= 0)
		close(f->cdev);
	if (f->memfd >= 0)
		close(f->memfd);
	iommufd_ioas_unref(f->ioas1);
	iommufd_ioas_unref(f->ioas2);
	iommufd_ctx_unref(f->ctx);
	vmt_pages_free(f->a, PAGE);
	vmt_pages_free(f->b, PAGE);
	vmt_pages_free(f->c, PAGE);
	memset(f, 0, sizeof(*f));
	f->cdev = f->memfd = -1;
}

static bool fx_build(struct vmt_case *t, struct fx *f, const struct op *op)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, o, .log_fn = quiet_log, .log_priority = LOG_DEBUG);
	int rc;

	memset(f, 0, sizeof(*f));
	f->cdev = f->memfd = -1;
	f->edu.fd = -1;
	f->op = op;
	rc = iommufd_ctx_new(&o, &f->ctx);
	if (!REQUIRE(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc)))
		return false;
	f->fd = iommufd_ctx_get_fd(f->ctx);
	f->a = vmt_pages(PAGE);
	f->b = vmt_pages(PAGE);
	f->c = vmt_pages(PAGE);
	if (!REQUIRE(f->a && f->b && f->c, "out of memory"))
		return false;
	rc = iommufd_ioas_alloc(f->ctx, &f->ioas1);
	if (!rc)
		rc = iommufd_ioas_alloc(f->ctx, &f->ioas2);
	if (!REQUIRE(rc == 0, "iommufd_ioas_alloc: %s", vmt_errname(rc)))
		return false;
	known(f, iommufd_ioas_get_id(f->ioas1));
	known(f, iommufd_ioas_get_id(f->ioas2));
	if (vmt_machine_has_edu()) {
		if (!edu_setup(t, f, op->need))
			return false;
	} else if (!mock_setup(t, f)) {
		return false;
	}
	if (op->setup && !op->setup(t, f))
		return false;
	f->o_dev = SENTINEL(struct iommufd_device);
	f->o_hwpt = SENTINEL(struct iommufd_hwpt);
	f->o_viommu = SENTINEL(struct iommufd_viommu);
	f->o_vdev = SENTINEL(struct iommufd_vdevice);
	f->o_veventq = SENTINEL(struct iommufd_veventq);
	f->o_hwq = SENTINEL(struct iommufd_hw_queue);
	f->o_fq = SENTINEL(struct iommufd_fault_queue);
	f->o_u64 = SENTINEL_U64;
	return true;
}

/* ---- checks after an injected failure ----------------------------------------- */

/* No kernel object but the fixture's: every other ID is unknown to the kernel. */
static bool sweep(struct vmt_case *t, struct fx *f)
{
	uint32_t top = 0;
	size_t left = 99;
	int rc;

	for (unsigned int i = 0; i < f->nknown; i++)
		top = f->known[i] > top ? f->known[i] : top;
	for (uint32_t id = 1; id <= top + SWEEP_BEYOND; id++) {
		if (is_known(f, id))
			continue;
		rc = vmt_destroy(f->fd, id);
		if (!REQUIRE(rc == -ENOENT, "object %u left behind (IOMMU_DESTROY: %s)", id,
			     vmt_errname(rc)))
			return false;
	}
	rc = iommufd_ctx_retry_destroys(f->ctx, &left);
	return REQUIRE(rc == 0 && left == 0, "%zu deferred destroys pending (%s)", left,
		       vmt_errname(rc));
}

static bool ctx_usable(struct vmt_case *t, struct fx *f)
{
	struct iommufd_ioas *ioas = NULL;
	int rc = iommufd_ioas_alloc(f->ctx, &ioas);

	if (!rc)
		rc = iommufd_ioas_destroy(ioas);	/* on success the handle is gone */
	if (rc)
		iommufd_ioas_unref(ioas);
	return REQUIRE(rc == 0, "the context does not work after the failure: %s", vmt_errname(rc));
}

/* The device is where the library says (the attachment checks live in the ops). */
static bool dma_check(struct vmt_case *t, struct fx *f, const char *when)
{
	enum where want = dma_expected(f), got;

	if (!vmt_machine_has_edu() || !f->dev || !f->edu.bar)
		return true;
	got = dma_lands(f);
	return REQUIRE(got == want, "%s: edu's DMA lands %s, the library says %s", when,
		       where_name[got], where_name[want]);
}

/* ---- operations ---------------------------------------------------------------- */

static bool still_on(struct vmt_case *t, struct fx *f, struct iommufd_pt *pt, uint32_t hwpt_id)
{
	uint32_t id = 0;

	if (!REQUIRE(iommufd_device_get_pt(f->dev) == pt, "the device's page table changed"))
		return false;
	if (!pt)
		return REQUIRE(iommufd_device_get_hwpt_id(f->dev, &id) == -ENOENT,
			       "a detached device reports HWPT %u", id);
	return REQUIRE(iommufd_device_get_hwpt_id(f->dev, &id) == 0 && id == hwpt_id,
		       "the device reports HWPT %u, not %u", id, hwpt_id);
}

static uint32_t attached_hwpt(struct fx *f)
{
	uint32_t id = 0;

	iommufd_device_get_hwpt_id(f->dev, &id);
	return id;
}

/* bind */
static int bind_call(struct fx *f)
{
	return iommufd_device_bind_fd(f->ctx, f->cdev, &f->o_dev);
}

static bool bind_unchanged(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(f->o_dev == SENTINEL(struct iommufd_device), "ret_dev written on failure");
}

static bool bind_done(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(iommufd_device_get_id(f->o_dev) != 0, "bound device has ID 0");
}

static void release_dev(struct fx *f)
{
	iommufd_device_unref(f->o_dev);
}

/* attach to an IOAS */
static int attach_call(struct fx *f)
{
	return iommufd_device_attach(f->dev, iommufd_ioas_as_pt(f->ioas1));
}

static bool detached_unchanged(struct vmt_case *t, struct fx *f)
{
	return still_on(t, f, NULL, 0);
}

static bool attach_done(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(iommufd_device_get_pt(f->dev) == iommufd_ioas_as_pt(f->ioas1),
		       "attached elsewhere") &&
	       dma_check(t, f, "after the attach");
}

/* replace, and the kernel defect some replaces hit */
static uint32_t hwpt_before;	/* the attachment before the call */

static int replace_ioas_call(struct fx *f)
{
	return iommufd_device_replace(f->dev, iommufd_ioas_as_pt(f->ioas2));
}

static bool hwpt2_setup(struct vmt_case *t, struct fx *f)
{
	int rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas2), f->dev, NULL, &f->hwpt2);

	if (rc == -EADDRINUSE && vmt_machine_is("virtio") &&
	    vmt_kernel_version() < VMT_KV(7, 0, 0)) {
		vmt_skip_(t, "kernel %s: virtio-iommu gives a HWPT allocated on an IOAS that maps"
			  " the aperture [0, 0] (EADDRINUSE; tests/vm/README.md)",
			  vmt_kernel_release());
		return false;
	}
	if (!REQUIRE(rc == 0, "HWPT on IOAS 2: %s", vmt_errname(rc)))
		return false;
	known(f, iommufd_hwpt_get_id(f->hwpt2));
	return true;
}

static int replace_hwpt_call(struct fx *f)
{
	return iommufd_device_replace(f->dev, iommufd_hwpt_as_pt(f->hwpt2));
}

static bool attached_unchanged(struct vmt_case *t, struct fx *f)
{
	return still_on(t, f, iommufd_ioas_as_pt(f->ioas1), hwpt_before);
}

static bool replace_done(struct vmt_case *t, struct fx *f)
{
	struct iommufd_pt *want = f->hwpt2 ? iommufd_hwpt_as_pt(f->hwpt2) :
				  iommufd_ioas_as_pt(f->ioas2);

	return REQUIRE(iommufd_device_get_pt(f->dev) == want, "replaced onto another page table") &&
	       dma_check(t, f, "after the replace");
}

static const char *replace_quirk(struct fx *f, int rc)
{
	(void)f;
	if (rc == -EADDRINUSE && vmt_machine_is("virtio") && vmt_kernel_version() < VMT_KV(7, 0, 0))
		return "virtio-iommu gives the domain a replace brings into an IOAS that maps the"
		       " aperture [0, 0] (EADDRINUSE; tests/vm/README.md)";
	return NULL;
}

/* detach */
static int detach_call(struct fx *f)
{
	return iommufd_device_detach(f->dev);
}

static bool detach_done(struct vmt_case *t, struct fx *f)
{
	enum where got;

	if (!still_on(t, f, NULL, 0))
		return false;
	got = dma_lands(f);
	if (got == AT_A && vmt_machine_is("virtio")) {	/* seen on 6.12, 7.2, 7.3 */
		/* docs/kernel-quirks.md, "Found by fault injection (issue 11)" */
		vmt_skip_(t, "kernel %s: after VFIO DETACH edu's DMA still lands in the page table it"
			  " left (virtio-iommu does not block a detached device)",
			  vmt_kernel_release());
		return false;
	}
	return REQUIRE(got == AT_NONE, "after the detach: edu's DMA lands %s", where_name[got]);
}

/* HWPT allocation */
static bool hwpt_unchanged(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(f->o_hwpt == SENTINEL(struct iommufd_hwpt), "ret_hwpt written on failure");
}

static bool hwpt_attached_unchanged(struct vmt_case *t, struct fx *f)
{
	if (!hwpt_unchanged(t, f))
		return false;
	if (vmt_machine_has_edu())
		return attached_unchanged(t, f);
	return true;
}

static bool hwpt_done(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(iommufd_hwpt_get_id(f->o_hwpt) != 0 &&
		       !iommufd_hwpt_is_kernel_allocated(f->o_hwpt),
		       "HWPT %u (kernel-allocated: %d)", iommufd_hwpt_get_id(f->o_hwpt),
		       iommufd_hwpt_is_kernel_allocated(f->o_hwpt));
}

static void release_hwpt(struct fx *f)
{
	iommufd_hwpt_unref(f->o_hwpt);
}

static int hwpt_plain_call(struct fx *f)
{
	return iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas2), f->dev, NULL, &f->o_hwpt);
}

static const char *hwpt_quirk(struct fx *f, int rc)
{
	(void)f;
	if (rc == -EADDRINUSE && vmt_machine_is("virtio") && vmt_kernel_version() < VMT_KV(7, 0, 0))
		return "virtio-iommu gives a HWPT allocated on an IOAS that maps the aperture"
		       " [0, 0] (EADDRINUSE; tests/vm/README.md)";
	return NULL;
}

static int hwpt_dirty_call(struct fx *f)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);

	return iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas2), f->dev, &o, &f->o_hwpt);
}

static bool np_setup(struct vmt_case *t, struct fx *f)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_NEST_PARENT);
	int rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas1), f->dev, &o, &f->np);

	if (!REQUIRE(rc == 0, "nest parent: %s", vmt_errname(rc)))
		return false;
	known(f, iommufd_hwpt_get_id(f->np));
	return true;
}

static int nested_alloc(struct fx *f, struct iommufd_fault_queue *q)
{
	struct st_hwpt_data data = { .iotlb = 7 };
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .data_type = ST_HWPT_DATA_TYPE, .data = &data,
			.data_len = sizeof(data), .fault_queue = q);

	return iommufd_hwpt_alloc(iommufd_hwpt_as_pt(f->np), f->dev, &o, &f->o_hwpt);
}

static int hwpt_nested_call(struct fx *f)
{
	return nested_alloc(f, NULL);
}

static bool fq_np_setup(struct vmt_case *t, struct fx *f)
{
	int rc;

	if (!np_setup(t, f))
		return false;
	rc = iommufd_fault_queue_alloc(f->ctx, &f->fq);
	if (!REQUIRE(rc == 0, "fault queue: %s", vmt_errname(rc)))
		return false;
	known(f, iommufd_fault_queue_get_id(f->fq));
	return true;
}

static int hwpt_fault_call(struct fx *f)
{
	return nested_alloc(f, f->fq);
}

static bool hwpt_nested_done(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(iommufd_hwpt_get_id(f->o_hwpt) != 0, "nested HWPT has ID 0") &&
	       REQUIRE(vmt_st_check_iotlb(f->fd, iommufd_hwpt_get_id(f->o_hwpt), 0, 7) == 0,
		       "the vendor data did not reach the mock driver");
}

/* the plain-path fallback (HWPT_ALLOC refused as by a kernel before 6.6) */
static int fallback_call(struct fx *f)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .fallback = IOMMUFD_HWPT_FALLBACK_ATTACH);
	int rc;

	no_hwpt_alloc = true;
	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas2), f->dev, &o, &f->o_hwpt);
	no_hwpt_alloc = false;
	return rc;
}

static bool fallback_unchanged(struct vmt_case *t, struct fx *f)
{
	return hwpt_unchanged(t, f) && still_on(t, f, NULL, 0);
}

static bool fallback_done(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(iommufd_hwpt_is_kernel_allocated(f->o_hwpt) &&
		       iommufd_device_get_pt(f->dev) == iommufd_hwpt_as_pt(f->o_hwpt) &&
		       attached_hwpt(f) == iommufd_hwpt_get_id(f->o_hwpt),
		       "the plain path did not attach the device to the kernel's HWPT") &&
	       dma_check(t, f, "after the plain path");
}

static void release_fallback(struct fx *f)
{
	iommufd_device_detach(f->dev);
	iommufd_hwpt_unref(f->o_hwpt);
}

/* vIOMMU objects */
static int viommu_call(struct fx *f)
{
	return iommufd_viommu_alloc(f->np, f->dev, IOMMUFD_VIOMMU_SELFTEST, NULL, &f->o_viommu);
}

static bool viommu_unchanged(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(f->o_viommu == SENTINEL(struct iommufd_viommu),
		       "ret_viommu written on failure");
}

static bool viommu_done(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(iommufd_viommu_get_id(f->o_viommu) != 0, "vIOMMU has ID 0");
}

static void release_viommu(struct fx *f)
{
	iommufd_viommu_unref(f->o_viommu);
}

static bool viommu_setup(struct vmt_case *t, struct fx *f)
{
	int rc;

	if (!np_setup(t, f))
		return false;
	rc = iommufd_viommu_alloc(f->np, f->dev, IOMMUFD_VIOMMU_SELFTEST, NULL, &f->viommu);
	if (!REQUIRE(rc == 0, "vIOMMU: %s", vmt_errname(rc)))
		return false;
	known(f, iommufd_viommu_get_id(f->viommu));
	return true;
}

static int vdevice_call(struct fx *f)
{
	return iommufd_vdevice_alloc(f->viommu, f->dev, VIRT_ID, &f->o_vdev);
}

static bool vdevice_unchanged(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(f->o_vdev == SENTINEL(struct iommufd_vdevice),
		       "ret_vdev written on failure");
}

static bool vdevice_done(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(iommufd_vdevice_get_id(f->o_vdev) != 0 &&
		       iommufd_vdevice_get_virt_id(f->o_vdev) == VIRT_ID,
		       "vDevice %u, virtual ID 0x%llx", iommufd_vdevice_get_id(f->o_vdev),
		       (unsigned long long)iommufd_vdevice_get_virt_id(f->o_vdev));
}

static void release_vdevice(struct fx *f)
{
	iommufd_vdevice_unref(f->o_vdev);
}

static int veventq_call(struct fx *f)
{
	return iommufd_veventq_alloc(f->viommu, IOMMUFD_VEVENTQ_SELFTEST, 8, &f->o_veventq);
}

static bool veventq_unchanged(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(f->o_veventq == SENTINEL(struct iommufd_veventq),
		       "ret_queue written on failure");
}

static bool veventq_done(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(iommufd_veventq_get_id(f->o_veventq) != 0 &&
		       iommufd_veventq_get_fd(f->o_veventq) >= 0,
		       "vEVENTQ %u fd %d", iommufd_veventq_get_id(f->o_veventq),
		       iommufd_veventq_get_fd(f->o_veventq));
}

static void release_veventq(struct fx *f)
{
	iommufd_veventq_unref(f->o_veventq);
}

static bool hwq_setup(struct vmt_case *t, struct fx *f)
{
	int rc;

	if (!viommu_setup(t, f))
		return false;
	/* The queue's memory: mapped in the parent's IOAS (IOAS 1). */
	rc = iommufd_ioas_map_fixed(f->ioas1, f->c, PAGE, f->spare, IOMMUFD_MAP_READ);
	return REQUIRE(rc == 0, "map queue memory: %s", vmt_errname(rc));
}

static int hwq_call(struct fx *f)
{
	return iommufd_hw_queue_alloc(f->viommu, IOMMUFD_HW_QUEUE_SELFTEST, 0, f->spare, PAGE,
				      &f->o_hwq);
}

static bool hwq_unchanged(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(f->o_hwq == SENTINEL(struct iommufd_hw_queue),
		       "ret_queue written on failure") &&
	       /* The memory is not held by a queue: it can be unmapped and mapped again. */
	       REQUIRE(iommufd_ioas_unmap(f->ioas1, f->spare, PAGE, 0, NULL) == 0 &&
		       iommufd_ioas_map_fixed(f->ioas1, f->c, PAGE, f->spare,
					      IOMMUFD_MAP_READ) == 0,
		       "the queue memory is still held after the failure");
}

static bool hwq_done(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(iommufd_hw_queue_get_id(f->o_hwq) != 0, "HW queue has ID 0") &&
	       REQUIRE(iommufd_ioas_unmap(f->ioas1, f->spare, PAGE, 0, NULL) == -EBUSY,
		       "the queue does not hold its memory");
}

static void release_hwq(struct fx *f)
{
	iommufd_hw_queue_unref(f->o_hwq);
}

/* fault queue */
static int fq_call(struct fx *f)
{
	return iommufd_fault_queue_alloc(f->ctx, &f->o_fq);
}

static bool fq_unchanged(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(f->o_fq == SENTINEL(struct iommufd_fault_queue),
		       "ret_queue written on failure");
}

static bool fq_done(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(iommufd_fault_queue_get_id(f->o_fq) != 0 &&
		       iommufd_fault_queue_get_fd(f->o_fq) >= 0,
		       "fault queue %u fd %d", iommufd_fault_queue_get_id(f->o_fq),
		       iommufd_fault_queue_get_fd(f->o_fq));
}

static void release_fq(struct fx *f)
{
	iommufd_fault_queue_unref(f->o_fq);
}

/* dirty bitmap of a mock HWPT the mock device writes through */
static bool dirty_setup(struct vmt_case *t, struct fx *f)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	uint64_t mark = 1;
	int rc;

	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas2), f->dev, &o, &f->dirty);
	if (!rc)
		rc = iommufd_hwpt_set_dirty_tracking(f->dirty, true);
	if (!rc)
		rc = vmt_st_replace(f->fd, f->stdev, iommufd_hwpt_get_id(f->dirty), NULL);
	if (!rc)
		rc = vmt_st_dirty(f->fd, iommufd_hwpt_get_id(f->dirty), f->iova, PAGE, &mark, NULL);
	if (!REQUIRE(rc == 0, "dirty-tracking HWPT: %s", vmt_errname(rc)))
		return false;
	known(f, iommufd_hwpt_get_id(f->dirty));
	/* The device left the kernel's own HWPT, which went with it: its ID is free. */
	forget(f, f->st_hwpt);
	return true;
}

static int dirty_call(struct fx *f)
{
	memset(f->bitmap, 0, sizeof(f->bitmap));
	return iommufd_hwpt_get_dirty_bitmap(f->dirty, f->iova, PAGE, PAGE, f->bitmap, 0);
}

static bool dirty_unchanged(struct vmt_case *t, struct fx *f)
{
	uint32_t id = iommufd_hwpt_get_id(f->dirty);

	/* Still tracking: a page marked now reads back dirty. */
	uint64_t mark = 1, bits[2] = { 0 };
	int rc = vmt_st_dirty(f->fd, id, f->iova, PAGE, &mark, NULL);

	if (!rc)
		rc = iommufd_hwpt_get_dirty_bitmap(f->dirty, f->iova, PAGE, PAGE, bits,
						   IOMMUFD_DIRTY_NO_CLEAR);
	return REQUIRE(rc == 0 && (bits[0] & 1),
		       "dirty tracking broken after the failure: %s, bits 0x%llx", vmt_errname(rc),
		       (unsigned long long)bits[0]);
}

static bool dirty_done(struct vmt_case *t, struct fx *f)
{
	return dirty_unchanged(t, f);
}

/* map, map_file, copy, unmap (IOAS 1, which edu is attached to) */
static bool mapping_absent(struct vmt_case *t, struct iommufd_ioas *ioas, uint64_t iova)
{
	int rc = iommufd_ioas_unmap(ioas, iova, PAGE, 0, NULL);

	return REQUIRE(rc == -ENOENT,
		       "IOVA 0x%llx of IOAS %u is mapped after the failure (unmap: %s)",
		       (unsigned long long)iova, iommufd_ioas_get_id(ioas), vmt_errname(rc));
}

static int map_call(struct fx *f)
{
	return iommufd_ioas_map(f->ioas1, f->c, PAGE, IOMMUFD_MAP_READ, &f->o_u64);
}

/* Nothing new is mapped: IOAS 1 maps exactly buffer A, which is remapped. */
static bool map_unchanged(struct vmt_case *t, struct fx *f)
{
	uint64_t unmapped = 0;
	int rc;

	if (!REQUIRE(f->o_u64 == SENTINEL_U64, "ret_iova written on failure") ||
	    !dma_check(t, f, "after the failure"))
		return false;
	/* (the loop checks DMA again once A is back) */
	rc = iommufd_ioas_unmap_all(f->ioas1, &unmapped);
	if (!REQUIRE(rc == 0 && unmapped == PAGE,
		     "IOAS 1 maps %llu bytes after the failure, not %u (%s)",
		     (unsigned long long)unmapped, PAGE, vmt_errname(rc)))
		return false;
	rc = iommufd_ioas_map_fixed(f->ioas1, f->a, PAGE, f->iova,
				    IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE);
	return REQUIRE(rc == 0, "remap A: %s", vmt_errname(rc));
}

static bool map_done(struct vmt_case *t, struct fx *f)
{
	uint64_t unmapped = 0;
	int rc = iommufd_ioas_unmap(f->ioas1, f->o_u64, PAGE, 0, &unmapped);

	return REQUIRE(rc == 0 && unmapped == PAGE,
		       "the new mapping at 0x%llx: unmap %s, %llu bytes",
		       (unsigned long long)f->o_u64, vmt_errname(rc),
		       (unsigned long long)unmapped) &&
	       dma_check(t, f, "after the map");
}

static bool memfd_setup(struct vmt_case *t, struct fx *f)
{
	f->memfd = memfd_create("faultinj", MFD_CLOEXEC);
	return REQUIRE(f->memfd >= 0 && ftruncate(f->memfd, PAGE) == 0, "memfd: %s",
		       strerror(errno));
}

static int map_file_call(struct fx *f)
{
	return iommufd_ioas_map_file(f->ioas1, f->memfd, 0, PAGE, IOMMUFD_MAP_READ, &f->o_u64);
}

static int copy_call(struct fx *f)
{
	return iommufd_ioas_copy(f->ioas2, f->spare, f->ioas1, f->iova, PAGE, IOMMUFD_MAP_READ);
}

static bool copy_unchanged(struct vmt_case *t, struct fx *f)
{
	return mapping_absent(t, f->ioas2, f->spare);
}

static bool copy_done(struct vmt_case *t, struct fx *f)
{
	uint64_t unmapped = 0;
	int rc = iommufd_ioas_unmap(f->ioas2, f->spare, PAGE, 0, &unmapped);

	return REQUIRE(rc == 0 && unmapped == PAGE, "the copy: unmap %s, %llu bytes",
		       vmt_errname(rc), (unsigned long long)unmapped);
}

static bool unmap_setup(struct vmt_case *t, struct fx *f)
{
	int rc = iommufd_ioas_map_fixed(f->ioas1, f->c, PAGE, f->spare, IOMMUFD_MAP_READ);

	return REQUIRE(rc == 0, "map: %s", vmt_errname(rc));
}

static int unmap_call(struct fx *f)
{
	return iommufd_ioas_unmap(f->ioas1, f->spare, PAGE, 0, &f->o_u64);
}

static bool unmap_unchanged(struct vmt_case *t, struct fx *f)
{
	int rc = iommufd_ioas_map_fixed(f->ioas1, f->c, PAGE, f->spare, IOMMUFD_MAP_READ);

	return REQUIRE(f->o_u64 == SENTINEL_U64, "ret_unmapped written on failure") &&
	       REQUIRE(rc == -EEXIST, "the mapping is gone after the failure (map again: %s)",
		       vmt_errname(rc));
}

static bool unmap_done(struct vmt_case *t, struct fx *f)
{
	return REQUIRE(f->o_u64 == PAGE, "unmapped %llu bytes", (unsigned long long)f->o_u64) &&
	       mapping_absent(t, f->ioas1, f->spare);
}

/* the probes: a verdict that differs from the one without injection must say ENOMEM */
static bool probe_setup(struct vmt_case *t, struct fx *f)
{
	int rc;

	f->probe0.sz = sizeof(f->probe0);
	rc = iommufd_device_probe(f->dev, &f->probe0);
	return REQUIRE(rc == 0, "probe: %s", vmt_errname(rc));
}

static int ctx_probe_call(struct fx *f)
{
	f->o_probe.sz = sizeof(f->o_probe);
	return iommufd_ctx_probe(f->ctx, &f->o_probe);
}

static int dev_probe_call(struct fx *f)
{
	memset(&f->o_probe, 0x5e, sizeof(f->o_probe));
	f->o_probe.sz = sizeof(f->o_probe);
	return iommufd_device_probe(f->dev, &f->o_probe);
}

static bool probe_unchanged(struct vmt_case *t, struct fx *f)
{
	return vmt_machine_has_edu() ? attached_unchanged(t, f) : true;
}

/*
 * Each verdict of @got is the one without injection (@want), or "probe
 * failed" (an allocation failed): never a verdict that blames the kernel or
 * the IOMMU, or claims support, because of an injected failure.
 */
static bool same_verdicts(struct vmt_case *t, const struct iommufd_probe *got_p,
			  const struct iommufd_probe *want_p)
{
	static const char *const names[] = {
		"hwpt_alloc", "hw_info", "dirty_tracking_cmds", "invalidate", "fault_queue",
		"map_file", "viommu_cmds", "vdevice", "change_process", "veventq", "hw_queue",
		"vfio_compat", "options", "ioas_copy", "nest_parent", "paging_hwpt", "nesting",
		"dirty_tracking", "pasid_hwpt", "pasid", "pasid_exec", "pasid_priv", "ats",
		"viommu_arm_smmuv3", "viommu_tegra241_cmdqv", "viommu_selftest",
	};
	const struct iommufd_feature *got = &got_p->hwpt_alloc;
	const struct iommufd_feature *want = &want_p->hwpt_alloc;
	size_t n = (offsetof(struct iommufd_probe, hw_info_type) -
		    offsetof(struct iommufd_probe, hwpt_alloc)) / sizeof(*got);

	_Static_assert(sizeof(names) / sizeof(names[0]) ==
		       (offsetof(struct iommufd_probe, hw_info_type) -
			offsetof(struct iommufd_probe, hwpt_alloc)) / sizeof(struct iommufd_feature),
		       "a feature of struct iommufd_probe has no name here");
	for (size_t i = 0; i < n; i++) {
		if (got[i].support == want[i].support && got[i].err == want[i].err)
			continue;
		if (!REQUIRE(got[i].support == IOMMUFD_FEATURE_ERROR,
			     "probe verdict %s: %s/%s under injection, %s/%s without", names[i],
			     iommufd_support_name(got[i].support), vmt_errname(got[i].err),
			     iommufd_support_name(want[i].support), vmt_errname(want[i].err)))
			return false;
		if (got[i].err != -ENOMEM)
			vmt_note("probe verdict %s: probe failed with %s under injection (%s)",
				 names[i], vmt_errname(got[i].err), log_last);
	}
	return true;
}

static bool ctx_probe_done(struct vmt_case *t, struct fx *f)
{
	struct iommufd_probe p = { .sz = sizeof(p) };

	return REQUIRE(vmt_ctx_probe(f->ctx, &p) == 0, "context probe without injection failed") &&
	       same_verdicts(t, &f->o_probe, &p);
}

static bool dev_probe_done(struct vmt_case *t, struct fx *f)
{
	return same_verdicts(t, &f->o_probe, &f->probe0) &&
	       REQUIRE(f->o_probe.hw_info_type == f->probe0.hw_info_type, "hw info type %u, not %u",
		       f->o_probe.hw_info_type, f->probe0.hw_info_type) &&
	       (vmt_machine_has_edu() ? attached_unchanged(t, f) : true) &&
	       dma_check(t, f, "after the probe");
}

static const struct op ops[] = {
	{ "bind", N_EDU | N_UNBOUND, NULL, bind_call, bind_unchanged, bind_done, NULL,
	  release_dev },
	{ "attach-ioas", N_EDU | N_DETACHED, NULL, attach_call, detached_unchanged, attach_done,
	  NULL, NULL },
	{ "replace-ioas-ioas", N_EDU, NULL, replace_ioas_call, attached_unchanged, replace_done,
	  replace_quirk, NULL },
	{ "replace-ioas-hwpt", N_EDU, hwpt2_setup, replace_hwpt_call, attached_unchanged,
	  replace_done, replace_quirk, NULL },
	{ "detach", N_EDU, NULL, detach_call, attached_unchanged, detach_done, NULL, NULL },
	{ "hwpt-plain", 0, NULL, hwpt_plain_call, hwpt_attached_unchanged, hwpt_done, hwpt_quirk,
	  release_hwpt },
	{ "hwpt-dirty", N_MOCK, NULL, hwpt_dirty_call, hwpt_unchanged, hwpt_done, NULL,
	  release_hwpt },
	{ "hwpt-nested", N_MOCK, np_setup, hwpt_nested_call, hwpt_unchanged, hwpt_nested_done,
	  NULL, release_hwpt },
	{ "hwpt-fault-queue", N_MOCK, fq_np_setup, hwpt_fault_call, hwpt_unchanged,
	  hwpt_nested_done, NULL, release_hwpt },
	{ "hwpt-fallback", N_EDU | N_DETACHED, NULL, fallback_call, fallback_unchanged,
	  fallback_done, NULL, release_fallback },
	{ "viommu", N_MOCK | N_7X, np_setup, viommu_call, viommu_unchanged, viommu_done, NULL,
	  release_viommu },
	{ "vdevice", N_MOCK | N_7X, viommu_setup, vdevice_call, vdevice_unchanged, vdevice_done,
	  NULL, release_vdevice },
	{ "veventq", N_MOCK | N_7X, viommu_setup, veventq_call, veventq_unchanged, veventq_done,
	  NULL, release_veventq },
	{ "hw-queue", N_MOCK | N_7X, hwq_setup, hwq_call, hwq_unchanged, hwq_done, NULL,
	  release_hwq },
	{ "fault-queue", 0, NULL, fq_call, fq_unchanged, fq_done, NULL, release_fq },
	{ "dirty-bitmap", N_MOCK, dirty_setup, dirty_call, dirty_unchanged, dirty_done, NULL,
	  NULL },
	{ "map", 0, NULL, map_call, map_unchanged, map_done, NULL, NULL },
	{ "map-file", 0, memfd_setup, map_file_call, map_unchanged, map_done, NULL, NULL },
	{ "copy", 0, NULL, copy_call, copy_unchanged, copy_done, NULL, NULL },
	{ "unmap", 0, unmap_setup, unmap_call, unmap_unchanged, unmap_done, NULL, NULL },
	{ "ctx-probe", 0, NULL, ctx_probe_call, probe_unchanged, ctx_probe_done, NULL, NULL },
	{ "device-probe", 0, probe_setup, dev_probe_call, probe_unchanged, dev_probe_done, NULL,
	  NULL },
};

/* ---- known kernel defects ------------------------------------------------------ */

/*
 * Where injection crashes the kernel (docs/kernel-quirks.md, "Found by
 * fault injection (issue 11)"): from point @from on, @op is not injected
 * unless LIBIOMMUFD_FAULTINJ_CRASH=1; the call is then made once without
 * injection, to finish the operation's checks.
 */
static const struct crash {
	const char *op;
	unsigned int kmin, kend;	/* kernels [kmin, kend) */
	unsigned int from;
	const char *what;
} crashes[] = {
	/* Seen on 6.12 and 7.3 (7.2 too: see docs/kernel-quirks.md): every kernel here. */
	{ "bind", VMT_KV(6, 12, 0), VMT_KV(255, 0, 0), 4,
	  "from here on the failed allocations land in the ACPI interpreter (_PRT, as"
	  " vfio-pci enables the device); bind still succeeds, ACPI's state is left damaged,"
	  " and a few points later the kernel oopses (general protection fault)" },
};

static const struct crash *crash_at(const struct op *op, unsigned int n)
{
	unsigned int kv = vmt_kernel_version();

	for (size_t i = 0; i < sizeof(crashes) / sizeof(crashes[0]); i++)
		if (strcmp(crashes[i].op, op->name) == 0 && kv >= crashes[i].kmin &&
		    kv < crashes[i].kend && n >= crashes[i].from)
			return &crashes[i];
	return NULL;
}

static bool is_replace(const struct op *op)
{
	return op->call == replace_ioas_call || op->call == replace_hwpt_call;
}

/*
 * Kernel defect (7.x, VT-d/AMD/virtio): a replace that failed late left the
 * device's DMA blocked while iommufd (and so the library) still reports the
 * old page table. Recover as the header documents: replace onto another
 * page table (the target), then back. False with @t failed when that fails.
 */
static bool recover_blocked(struct vmt_case *t, struct fx *f)
{
	struct iommufd_pt *old = iommufd_ioas_as_pt(f->ioas1);
	struct iommufd_pt *other = f->hwpt2 ? iommufd_hwpt_as_pt(f->hwpt2) :
				   iommufd_ioas_as_pt(f->ioas2);
	enum where w;
	int rc;

	/* Attaching to the old table again is no cure (documented): note what it does. */
	rc = iommufd_device_replace(f->dev, old);
	w = dma_lands(f);
	vmt_note("  replace onto the same table: %s, DMA lands %s", vmt_errname(rc),
		 where_name[w]);
	rc = iommufd_device_replace(f->dev, other);
	w = rc ? AT_ERR : dma_lands(f);
	if (!REQUIRE(rc == 0 && w == AT_B,
		     "recovery: replace onto the other table: %s, DMA lands %s", vmt_errname(rc),
		     where_name[w]))
		return false;
	rc = iommufd_device_replace(f->dev, old);
	w = rc ? AT_ERR : dma_lands(f);
	if (!REQUIRE(rc == 0 && w == AT_A, "recovery: replace back: %s, DMA lands %s",
		     vmt_errname(rc), where_name[w]))
		return false;
	/* Back on IOAS 1, the kernel made a new domain for it. */
	forget(f, hwpt_before);
	hwpt_before = attached_hwpt(f);
	known(f, hwpt_before);
	return true;
}

/* ---- the loop -------------------------------------------------------------------- */

struct tally {
	unsigned int tried, rolled_back, tolerated, crash_skipped, blocked;
	char blocked_at[128];
	unsigned int errnos[160];	/* how often each errno came back */
};

/* "ENOMEM x12, ENOENT x2" */
static const char *errno_list(const struct tally *c, char *buf, size_t len)
{
	size_t used = 0;

	buf[0] = '\0';
	for (int e = 1; e < 160 && used + 24 < len; e++)
		if (c->errnos[e])
			used += snprintf(buf + used, len - used, "%s%s x%u", used ? ", " : "",
					 vmt_errname(e), c->errnos[e]);
	return used ? buf : "none";
}

static unsigned int total_tried, total_rolled_back, total_tolerated;
static char fi_broken[256];	/* why fault injection cannot run here */
static char no_iommufd[256];	/* a kernel that must have iommufd has none */
static bool crash_points;	/* LIBIOMMUFD_FAULTINJ_CRASH=1 */
static bool verbose;		/* LIBIOMMUFD_FAULTINJ_VERBOSE=1: a line per point */

/* LIBIOMMUFD_FAULTINJ_OPS=a,b: only these operations (to reproduce one). */
static bool selected(const struct op *op)
{
	const char *list = getenv("LIBIOMMUFD_FAULTINJ_OPS");
	size_t len = strlen(op->name);

	for (const char *p = list; p && *p; p = strchr(p, ',') ? strchr(p, ',') + 1 : "")
		if (strncmp(p, op->name, len) == 0 && (p[len] == ',' || !p[len]))
			return true;
	return !list || !*list;
}

static const char *unavailable(const struct op *op, const struct iommufd_probe *p)
{
	if (fi_broken[0])
		return fi_broken;
	if (!selected(op))
		return "not in LIBIOMMUFD_FAULTINJ_OPS";
	if ((op->need & N_EDU) && !vmt_machine_has_edu())
		return "needs a VFIO device (edu behind a vIOMMU: vtd, amd, virtio); the mock"
		       " machine's devices have no cdev to attach";
	if ((op->need & N_MOCK) && !vmt_machine_is("mock"))
		return "needs the selftest mock driver (the mock machine): no emulated IOMMU"
		       " nests, tracks dirty pages or reports faults";
	if (op->call == fq_call || op->call == hwpt_fault_call) {
		if (p->fault_queue.support != IOMMUFD_FEATURE_SUPPORTED)
			return vmt_verdict("fault_queue", p->fault_queue);
	}
	if (op->call == map_file_call && p->map_file.support != IOMMUFD_FEATURE_SUPPORTED)
		return vmt_verdict("map_file", p->map_file);
	if (op->need & N_7X) {
		const struct iommufd_feature *f = op->call == veventq_call ? &p->veventq :
						  op->call == hwq_call ? &p->hw_queue :
						  op->call == vdevice_call ? &p->vdevice :
						  &p->viommu_cmds;

		if (f->support != IOMMUFD_FEATURE_SUPPORTED)
			return vmt_verdict(op->name, *f);
	}
	return NULL;
}

/* One injected failure at point @n: every promise of a failed call. */
static bool check_failure(struct vmt_case *t, struct fx *f, const struct op *op, int rc,
			  int fds, unsigned int lines, struct tally *c, unsigned int n)
{
	enum where want, got;

	if (!REQUIRE(rc < 0 && strcmp(vmt_errname(rc), "?"), "n=%u: returned %d", n, rc) ||
	    !REQUIRE(lines > 0, "n=%u: %s failed silently", n, vmt_errname(rc)) ||
	    !REQUIRE(vmt_count_fds() == fds, "n=%u: %d fds after the failure, %d before", n,
		     vmt_count_fds(), fds) ||
	    !op->unchanged(t, f))
		return false;
	if (vmt_machine_has_edu() && f->edu.bar) {
		want = dma_expected(f);
		got = dma_lands(f);
		if (got == AT_NONE && want == AT_A && is_replace(op) &&
		    vmt_kernel_version() >= VMT_KV(7, 0, 0)) {
			vmt_note("n=%u: %s (%s) left edu's DMA blocked while the device is said to be"
				 " on IOAS 1: the known kernel defect", n, vmt_errname(rc), log_last);
			c->blocked++;
			snprintf(c->blocked_at + strlen(c->blocked_at),
				 sizeof(c->blocked_at) - strlen(c->blocked_at), "%s%u",
				 c->blocked > 1 ? "," : "", n);
			if (!recover_blocked(t, f))
				return false;
		} else if (!REQUIRE(got == want,
				    "n=%u: after %s edu's DMA lands %s, the library says %s", n,
				    vmt_errname(rc), where_name[got], where_name[want])) {
			return false;
		}
	}
	return sweep(t, f) && ctx_usable(t, f);
}

static void run_op(struct vmt_case *t, const struct op *op, const struct iommufd_probe *p)
{
	struct tally c = { 0 };
	char errs[200];
	const char *why = unavailable(op, p), *quirk;
	struct timespec t0, t1;
	unsigned int n, lines;
	bool built = false, injected;
	struct fx f;
	int rc, fds;

	memset(&f, 0, sizeof(f));
	f.cdev = f.memfd = -1;
	CHECK(!no_iommufd[0], "%s", no_iommufd);
	if (why)
		SKIP("%s", why);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (n = 1;; n++) {
		const struct crash *k = crash_at(op, n);

		CHECK(n <= MAX_N, "%s did not complete with %u allocations failed", op->name, MAX_N);
		if (!built) {
			if (!fx_build(t, &f, op))
				goto out;
			built = true;
			hwpt_before = vmt_machine_has_edu() ? attached_hwpt(&f) : 0;
		}
		if (k && !crash_points && !c.crash_skipped) {
			vmt_note("n>=%u not injected: %s (LIBIOMMUFD_FAULTINJ_CRASH=1 injects them)",
				 n, k->what);
			c.crash_skipped = n;
		}
		if (k && !crash_points)
			n = 0;		/* fnth_arm(0): the last call, without injection */
		else if (k && k->from == n)
			vmt_note("n=%u: injecting where the kernel is known to crash: %s", n, k->what);
		if (verbose)
			printf("  %s n=%u\n", op->name, n);	/* the last one names a crash */
		fds = vmt_count_fds();
		log_lines = 0;
		log_last[0] = '\0';
		fnth_arm(n);
		rc = op->call(&f);
		injected = fnth_disarm();
		lines = log_lines;
		if (verbose)
			printf("  %s n=%u: %s%s\n", op->name, n, vmt_errname(rc),
			       injected ? "" : " (not injected)");
		if (!injected || n == 0) {
			/* The call did fewer than n allocations: it ran to its end. */
			quirk = rc && op->quirk ? op->quirk(&f, rc) : NULL;
			if (quirk)
				SKIP("kernel %s: %s; %u points tried before", vmt_kernel_release(), quirk,
				     c.tried);
			CHECK(rc == 0, "without injection (n=%u): %s: %s", n, vmt_errname(rc), log_last);
			if (!op->done(t, &f))
				goto out;
			if (op->release)
				op->release(&f);
			break;
		}
		c.tried++;
		if (rc == 0) {
			/* The kernel did without the allocation: a success like any other. */
			c.tolerated++;
			if (!op->done(t, &f))
				goto out;
			if (op->release)
				op->release(&f);
			fx_teardown(&f);
			built = false;
			continue;
		}
		if (!check_failure(t, &f, op, rc, fds, lines, &c, n))
			goto out;
		c.rolled_back++;
		if (-rc > 0 && -rc < 160)
			c.errnos[-rc]++;
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	total_tried += c.tried;
	total_rolled_back += c.rolled_back;
	total_tolerated += c.tolerated;
	vmt_note("%s: %u points tried, %u rolled back (%s), %u tolerated by the kernel, %.1f s",
		 op->name, c.tried, c.rolled_back, errno_list(&c, errs, sizeof(errs)), c.tolerated,
		 (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9);
	if (c.blocked)
		SKIP("kernel %s defect (docs/kernel-quirks.md, replace ENOMEM): %u of %u failed"
		     " replaces (n=%s) left DMA blocked while the old page table is reported;"
		     " each recovered by a replace onto another table and back; %u points tried,"
		     " all other checks passed", vmt_kernel_release(), c.blocked, c.rolled_back,
		     c.blocked_at, c.tried);
	if (c.crash_skipped)
		SKIP("kernel %s: %u points tried, %u rolled back, %u tolerated; n>=%u not injected:"
		     " known kernel crash (docs/kernel-quirks.md; LIBIOMMUFD_FAULTINJ_CRASH=1 injects"
		     " them)", vmt_kernel_release(), c.tried, c.rolled_back, c.tolerated,
		     c.crash_skipped);
	/* The last success was checked; this one counts the points. */
	CHECK(c.rolled_back + c.tolerated == c.tried, "%u points tried, %u accounted for",
	      c.tried, c.rolled_back + c.tolerated);
out:
	fx_teardown(&f);	/* also a fixture that failed half-way */
}

static struct iommufd_probe ctx_probe;
static const struct op *current_op;

static void test_op(struct vmt_case *t)
{
	run_op(t, current_op, &ctx_probe);
}

int main(int argc, char **argv)
{
	const size_t nops = sizeof(ops) / sizeof(ops[0]);
	struct iommufd_ctx *ctx = NULL;
	struct vmt_case t0 = { .name = "setup" };
	const char *why;

	(void)argc;
	vmt_begin(argv[0], nops);
	why = fnth_setup();
	if (why)
		snprintf(fi_broken, sizeof(fi_broken), "%s", why);
	crash_points = fnth_crash_points();
	verbose = getenv("LIBIOMMUFD_FAULTINJ_VERBOSE") &&
		  strcmp(getenv("LIBIOMMUFD_FAULTINJ_VERBOSE"), "1") == 0;
	if (vmt_need_iommufd(&t0) && vmt_ctx_new(&ctx) == 0) {
		ctx_probe.sz = sizeof(ctx_probe);
		iommufd_ctx_probe(ctx, &ctx_probe);
		iommufd_ctx_unref(ctx);
	} else if (t0.failed) {
		snprintf(no_iommufd, sizeof(no_iommufd), "%.200s", t0.reason);
	} else if (!fi_broken[0]) {
		snprintf(fi_broken, sizeof(fi_broken), "no iommufd: %.200s", t0.reason);
	}
	for (size_t i = 0; i < nops; i++) {
		current_op = &ops[i];
		vmt_run(ops[i].name, test_op);
	}
	printf("faultinj: kernel %s machine %s: %u (operation, n) points tried, %u rolled back,"
	       " %u tolerated\n", vmt_kernel_release(), vmt_machine(), total_tried,
	       total_rolled_back, total_tolerated);
	return vmt_end();
}
