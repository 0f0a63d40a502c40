// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Issue 11: the kernel defects fault injection found, one raw-ioctl
 * reproducer each (no library call touches a kernel object here; the
 * library only finds edu's cdev). docs/kernel-quirks.md, section "Found by
 * fault injection (issue 11)", says what each shows and which kernels it
 * affects; each test checks the kernel still behaves as documented there:
 *
 * replace-enomem   a VFIO replace (ATTACH_IOMMUFD_PT on an attached device)
 *                  failing at an injected allocation must leave the device
 *                  on its old page table. On the kernels listed in
 *                  blocked_kernels it leaves edu's DMA blocked instead while
 *                  iommufd keeps the old table; attaching to the old table
 *                  again returns 0 and changes nothing; replacing onto
 *                  another table and back recovers. Reproduced: a skip that
 *                  names the defect; not reproduced where documented, or
 *                  reproduced on a kernel documented clean: a fail (the
 *                  document is wrong).
 * replace-mock-hwpt  a VT-d device replaced onto a HWPT of the selftest mock
 *                  driver: plain attach correctly gives EINVAL (checked by
 *                  default), the replace oopses 7.2 and 7.3 and is only tried with
 *                  LIBIOMMUFD_FAULTINJ_CRASH=1; 6.12 with virtio-iommu
 *                  accepts it (0), which is checked by default.
 * bind-nth         VFIO bind with the n-th allocation failed, n = 1, 2, ...:
 *                  on 6.12 and 7.x the failures from n = 4 on land in the ACPI
 *                  interpreter (_PRT, evaluated as vfio-pci enables the
 *                  device), bind succeeds anyway, and a few points later the
 *                  kernel takes a general protection fault; those points are
 *                  only injected with LIBIOMMUFD_FAULTINJ_CRASH=1.
 *
 * LIBIOMMUFD_FAULTINJ_CRASH=1 comes from the kernel command line:
 *   LIBIOMMUFD_VM_APPEND=LIBIOMMUFD_FAULTINJ_CRASH=1 tests/vm/run.sh ...
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "failnth.h"
#include "uapi.h"
#include "vmtest.h"

#define PAGE 4096u
#define LEN VMT_EDU_DMA_LEN
#define IOVA 0x100000ull	/* 1 MiB: usable on every machine and below edu's limit */
#define SEED 0xb10cu
#define MAX_N 2000

/* Kernels documented (docs/kernel-quirks.md) to block DMA after a failed replace. */
static const unsigned int blocked_kernels[][2] = {
	{ VMT_KV(7, 2, 0), VMT_KV(7, 4, 0) },	/* 7.2 (the report), 7.3 (seen here) */
};

/*
 * Kernels whose bind sweep crashes, and the first point from which the
 * failures land in the ACPI interpreter: [kmin, kend), from.
 */
static const struct {
	unsigned int kmin, kend, from;
} bind_crashes[] = {
	{ VMT_KV(6, 12, 0), VMT_KV(255, 0, 0), 4 },	/* 6.12, 7.3: every kernel here */
};

static int raw(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static int ioas_alloc(int fd, uint32_t *ret_id)
{
	struct kabi_ioas_alloc c = { .size = sizeof(c) };
	int rc = raw(fd, KABI_IOMMU_IOAS_ALLOC, &c);

	*ret_id = c.out_ioas_id;
	return rc;
}

static int map_fixed(int fd, uint32_t ioas, void *va, uint64_t iova)
{
	struct kabi_ioas_map c = {
		.size = sizeof(c), .ioas_id = ioas, .user_va = (uintptr_t)va, .length = PAGE,
		.iova = iova,
		.flags = KABI_IOAS_MAP_FIXED_IOVA | KABI_IOAS_MAP_READABLE | KABI_IOAS_MAP_WRITEABLE,
	};

	return raw(fd, KABI_IOMMU_IOAS_MAP, &c);
}

static int bind(int cdev, int fd, uint32_t *ret_dev)
{
	struct kabi_vfio_bind_iommufd c = { .argsz = KABI_VFIO_BIND_SIZE_V1, .iommufd = fd };
	int rc = raw(cdev, KABI_VFIO_DEVICE_BIND_IOMMUFD, &c);

	if (ret_dev)
		*ret_dev = c.out_devid;
	return rc;
}

/* Attach, or replace when attached; the HWPT the kernel used in @ret_hwpt. */
static int attach(int cdev, uint32_t pt, uint32_t *ret_hwpt)
{
	struct kabi_vfio_attach_pt c = { .argsz = KABI_VFIO_ATTACH_SIZE_V1, .pt_id = pt };
	int rc = raw(cdev, KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &c);

	if (!rc && ret_hwpt)
		*ret_hwpt = c.pt_id;
	return rc;
}

static int detach(int cdev)
{
	struct kabi_vfio_detach_pt c = { .argsz = 8 };

	return raw(cdev, KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT, &c);
}

/* edu behind a vIOMMU, bound to a fresh iommufd and attached to IOAS 1. */
struct rig {
	int fd, cdev;
	uint32_t dev, ioas1, ioas2, hwpt1;
	uint8_t *a, *b;		/* IOVA in IOAS 1 -> a, in IOAS 2 -> b */
	struct vmt_edu edu;
};

enum where { AT_NONE, AT_A, AT_B, AT_ERR };
static const char *const where_name[] = { "nowhere", "in A (the old table)",
					  "in B (the new table)", "both or elsewhere" };

static enum where lands(struct rig *r)
{
	bool in_a, in_b;

	memset(r->a, 0, PAGE);
	memset(r->b, 0, PAGE);
	if (vmt_edu_dma(&r->edu, IOVA, 0, LEN, true))
		return AT_ERR;
	in_a = vmt_pattern_diff(r->a, LEN, SEED) < 0;
	in_b = vmt_pattern_diff(r->b, LEN, SEED) < 0;
	if (in_a != in_b)
		return in_a ? AT_A : AT_B;
	for (unsigned int i = 0; i < LEN; i++)
		if (r->a[i] || r->b[i])
			return AT_ERR;
	return in_a ? AT_ERR : AT_NONE;
}

static void rig_down(struct rig *r)
{
	vmt_edu_close(&r->edu);
	if (r->cdev >= 0)
		close(r->cdev);
	if (r->fd >= 0)
		close(r->fd);
	vmt_pages_free(r->a, PAGE);
	vmt_pages_free(r->b, PAGE);
	r->cdev = r->fd = -1;
	r->a = r->b = NULL;
}

/* Opens edu's cdev; with @bound, binds, attaches and loads edu's buffer. */
static bool rig_up(struct vmt_case *t, struct rig *r, bool bound)
{
	struct iommufd_ctx *ctx = NULL;
	char addr[64], path[256], err[256];
	int rc;

	memset(r, 0, sizeof(*r));
	r->fd = r->cdev = -1;
	if (!vmt_need_iommufd(t))
		return false;
	if (!vmt_machine_has_edu()) {
		vmt_skip_(t, "machine %s has no edu behind a vIOMMU", vmt_machine());
		return false;
	}
	/* The library only finds the cdev. */
	rc = vmt_ctx_new(&ctx);
	if (!rc)
		rc = vmt_edu_find(ctx, addr, sizeof(addr), path, sizeof(path));
	iommufd_ctx_unref(ctx);
	if (!REQUIRE(rc == 0, "no edu cdev: %s", vmt_errname(rc)))
		return false;
	r->fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	r->cdev = open(path, O_RDWR | O_CLOEXEC);
	r->a = vmt_pages(PAGE);
	r->b = vmt_pages(PAGE);
	if (!REQUIRE(r->fd >= 0 && r->cdev >= 0 && r->a && r->b, "open /dev/iommu, %s: %s", path,
		     strerror(errno)))
		return false;
	if (!bound)
		return true;
	if ((rc = bind(r->cdev, r->fd, &r->dev)) || (rc = ioas_alloc(r->fd, &r->ioas1)) ||
	    (rc = ioas_alloc(r->fd, &r->ioas2)) || (rc = attach(r->cdev, r->ioas1, &r->hwpt1)) ||
	    (rc = map_fixed(r->fd, r->ioas1, r->a, IOVA)) ||
	    (rc = map_fixed(r->fd, r->ioas2, r->b, IOVA)))
		return REQUIRE(false, "setup: %s", vmt_errname(rc));
	rc = vmt_edu_open(&r->edu, r->cdev, err, sizeof(err));
	if (!REQUIRE(rc == 0, "edu: %s", err))
		return false;
	vmt_fill(r->a, PAGE, SEED);
	rc = vmt_edu_dma(&r->edu, IOVA, 0, LEN, false);
	return REQUIRE(rc == 0, "loading edu: %s", vmt_errname(rc)) &&
	       REQUIRE(lands(r) == AT_A, "DMA does not land in A");
}

static bool documented_blocked(void)
{
	unsigned int kv = vmt_kernel_version();

	for (size_t i = 0; i < sizeof(blocked_kernels) / sizeof(blocked_kernels[0]); i++)
		if (kv >= blocked_kernels[i][0] && kv < blocked_kernels[i][1])
			return true;
	return false;
}

/*
 * The device's DMA is blocked after a failed replace: attach to the old
 * table again (no cure), then replace onto the other table and back (the
 * cure). Appends what happened to @log.
 */
static bool recover(struct vmt_case *t, struct rig *r, char *log, size_t len)
{
	enum where w1, w2, w3;
	int rc1, rc2, rc3;

	rc1 = attach(r->cdev, r->ioas1, NULL);
	w1 = lands(r);
	rc2 = attach(r->cdev, r->ioas2, NULL);
	w2 = rc2 ? AT_ERR : lands(r);
	rc3 = attach(r->cdev, r->ioas1, &r->hwpt1);
	w3 = rc3 ? AT_ERR : lands(r);
	vmt_note("  attach to the old table again: %s, DMA %s; replace onto the other: %s, DMA %s;"
		 " back: %s, DMA %s", vmt_errname(rc1), where_name[w1], vmt_errname(rc2),
		 where_name[w2], vmt_errname(rc3), where_name[w3]);
	if (log && strlen(log) + 40 < len)
		snprintf(log + strlen(log), len - strlen(log), "; re-attach to old: %s, DMA %s",
			 vmt_errname(rc1), w1 == AT_NONE ? "still blocked" : where_name[w1]);
	return REQUIRE(rc2 == 0 && w2 == AT_B && rc3 == 0 && w3 == AT_A,
		       "the documented recovery failed: replace onto the other table %s (DMA %s),"
		       " back %s (DMA %s)",
		       vmt_errname(rc2), where_name[w2], vmt_errname(rc3), where_name[w3]);
}

static void test_replace_enomem(struct vmt_case *t)
{
	unsigned int n, tried = 0, kept = 0, blocked = 0, tolerated = 0;
	char at[160] = "", log[256] = "";
	const char *why;
	struct rig r;
	enum where w;
	bool injected;
	int rc;

	if (!rig_up(t, &r, true))
		goto out;
	if ((why = fnth_setup()))
		SKIP("%s", why);
	for (n = 1; n <= MAX_N; n++) {
		fnth_arm(n);
		rc = attach(r.cdev, r.ioas2, NULL);
		injected = fnth_disarm();
		if (!injected) {
			if (rc == -EADDRINUSE && vmt_machine_is("virtio") &&
			    vmt_kernel_version() < VMT_KV(7, 0, 0))
				SKIP("kernel %s: virtio-iommu gives the domain a replace brings into a"
				     " mapped IOAS the aperture [0, 0] (EADDRINUSE): no replace to fail",
				     vmt_kernel_release());
			CHECK(rc == 0, "replace without injection: %s", vmt_errname(rc));
			w = lands(&r);
			CHECK(w == AT_B, "after the replace DMA lands %s", where_name[w]);
			break;
		}
		tried++;
		if (rc == 0) {
			tolerated++;
			CHECK_RC(attach(r.cdev, r.ioas1, &r.hwpt1), 0);
			continue;
		}
		w = lands(&r);
		if (w == AT_A) {
			kept++;
			continue;
		}
		CHECK(w == AT_NONE, "n=%u: replace failed (%s), DMA lands %s", n, vmt_errname(rc),
		      where_name[w]);
		vmt_note("n=%u: replace failed with %s and edu's DMA is blocked", n, vmt_errname(rc));
		if (blocked++ < 12 && strlen(at) < sizeof(at) - 16)
			snprintf(at + strlen(at), sizeof(at) - strlen(at), "%s%u(%s)",
				 blocked > 1 ? "," : "", n, vmt_errname(rc));
		if (!recover(t, &r, blocked == 1 ? log : NULL, sizeof(log)))
			goto out;
	}
	CHECK(n <= MAX_N, "the replace did not complete with %u allocations failed", MAX_N);
	vmt_note("%u points tried: %u replaces succeeded anyway, %u failed and kept the old"
		 " table, %u failed and left DMA blocked", tried, tolerated, kept, blocked);
	if (blocked) {
		CHECK(vmt_kernel_version() >= VMT_KV(7, 0, 0),
		      "kernel %s blocks DMA after a failed replace (n=%s), docs/kernel-quirks.md"
		      " says it does not", vmt_kernel_release(), at);
		SKIP("kernel defect reproduced on %s%s: %u of %u failed replaces left DMA blocked"
		     " while iommufd reports the old table (n=%s)%s; replace onto another table and"
		     " back recovered each", vmt_kernel_release(),
		     documented_blocked() ? "" : " (not yet in docs/kernel-quirks.md)", blocked,
		     tried - tolerated, at, log);
	}
	CHECK(!documented_blocked(), "kernel %s is documented to block DMA after a failed"
	      " replace, but all %u failed replaces kept the old table", vmt_kernel_release(),
	      kept);
out:
	rig_down(&r);
}

static void test_replace_mock_hwpt(struct vmt_case *t)
{
	uint32_t stdev = 0, mock_hwpt = 0, ioas3 = 0;
	bool accepted;
	struct rig r;
	int rc;

	if (!rig_up(t, &r, true))
		goto out;
	CHECK_RC(ioas_alloc(r.fd, &ioas3), 0);
	rc = vmt_st_mock_domain(r.fd, ioas3, 0, &stdev, &mock_hwpt, NULL);
	if (rc == -EINVAL && vmt_kernel_version() < VMT_KV(7, 0, 0))
		SKIP("kernel %s refuses selftest mock devices next to an emulated IOMMU (EINVAL)",
		     vmt_kernel_release());
	CHECK(rc == 0, "MOCK_DOMAIN: %s", vmt_errname(rc));
	/* A detached edu attached to the mock HWPT: refused, as it must be. */
	CHECK_RC(detach(r.cdev), 0);
	CHECK_RC(attach(r.cdev, mock_hwpt, NULL), -EINVAL);
	CHECK_RC(attach(r.cdev, r.ioas1, &r.hwpt1), 0);
	CHECK(lands(&r) == AT_A, "DMA does not land in A after the attach");
	/* Seen not to crash: 6.12 with virtio-iommu (it accepts the replace instead). */
	accepted = vmt_machine_is("virtio") && vmt_kernel_version() < VMT_KV(7, 0, 0);
	if (!accepted && !fnth_crash_points())
		SKIP("plain attach to the mock HWPT: EINVAL, correct; the replace of the attached"
		     " device is not tried (it oopses 7.2 and 7.3 with VT-d: docs/kernel-quirks.md;"
		     " LIBIOMMUFD_FAULTINJ_CRASH=1 tries it)");
	vmt_note("replacing attached edu onto mock HWPT %u (may oops this kernel)", mock_hwpt);
	rc = attach(r.cdev, mock_hwpt, NULL);
	if (accepted) {
		CHECK(rc == 0, "kernel %s: replace onto the mock HWPT: %s; docs/kernel-quirks.md"
		      " says it is accepted (0)", vmt_kernel_release(), vmt_errname(rc));
		/* (back onto IOAS 1 is refused there: EADDRINUSE, the [0, 0] aperture again) */
		SKIP("kernel defect reproduced on %s: plain attach to a mock HWPT is refused"
		     " (EINVAL) but a replace onto it is accepted (0)", vmt_kernel_release());
	}
	CHECK(rc == -EINVAL, "replace onto the mock HWPT: %s, expected EINVAL", vmt_errname(rc));
	CHECK(lands(&r) == AT_A, "DMA no longer lands in A after the refused replace");
out:
	if (stdev)
		vmt_destroy(r.fd, stdev);
	rig_down(&r);
}

static bool bind_crash(unsigned int n)
{
	unsigned int kv = vmt_kernel_version();

	for (size_t i = 0; i < sizeof(bind_crashes) / sizeof(bind_crashes[0]); i++)
		if (kv >= bind_crashes[i].kmin && kv < bind_crashes[i].kend &&
		    n >= bind_crashes[i].from)
			return true;
	return false;
}

static void test_bind_nth(struct vmt_case *t)
{
	unsigned int n, tried = 0, skipped = 0;
	const char *why;
	struct rig r;
	bool injected;
	uint32_t dev;
	int rc;

	if (!rig_up(t, &r, false))
		goto out;
	if ((why = fnth_setup()))
		SKIP("%s", why);
	for (n = 1; n <= MAX_N; n++) {
		if (bind_crash(n) && !fnth_crash_points()) {
			skipped = n;
			n = 0;		/* the last bind, without injection */
		} else if (bind_crash(n) && !bind_crash(n - 1)) {
			vmt_note("n=%u: from here on the kernel is known to crash", n);
		}
		fnth_arm(n);
		rc = bind(r.cdev, r.fd, &dev);
		injected = fnth_disarm() && n;
		if (!injected) {
			CHECK(rc == 0, "bind without injection: %s", vmt_errname(rc));
			break;
		}
		tried++;
		CHECK(rc < 0 || rc == 0, "n=%u: %d", n, rc);
		if (rc == 0) {
			/* Unbind by closing the cdev, and open it again. */
			rig_down(&r);
			if (!rig_up(t, &r, false))
				goto out;
		}
	}
	CHECK(n <= MAX_N, "bind did not complete with %u allocations failed", MAX_N);
	vmt_note("bind: %u points tried", tried);
	if (skipped)
		SKIP("%u points tried; n>=%u not injected: on kernel %s the failures land in the"
		     " ACPI interpreter (_PRT) as vfio-pci enables the device, bind succeeds, and a"
		     " few points later the kernel oopses"
		     " (docs/kernel-quirks.md; LIBIOMMUFD_FAULTINJ_CRASH=1 injects them)", tried,
		     skipped, vmt_kernel_release());
out:
	rig_down(&r);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 3);
	vmt_run("replace-enomem", test_replace_enomem);
	vmt_run("replace-mock-hwpt", test_replace_mock_hwpt);
	vmt_run("bind-nth", test_bind_nth);
	return vmt_end();
}
