// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * PASIDs on real kernels.
 *
 * The library attaches PASIDs through the VFIO cdev (ATTACH with the PASID
 * flag, kernel 6.15+). The only PASID-capable device here is the 7.x
 * selftest mock device made with the PASID flag, and it has no cdev: the
 * library's PASID calls refuse such a handle (EOPNOTSUPP, nothing changed),
 * and the kernel side of PASID attachment is driven with the selftest
 * PASID_ATTACH/REPLACE/DETACH ops, which call the same kernel functions
 * VFIO does, on HWPTs allocated through the library with IOMMUFD_HWPT_PASID.
 * PASID_CHECK_HWPT reads back which HWPT a PASID sits on. The kernel rules
 * checked: a PASID needs a PASID-compatible HWPT and a device whose own
 * (RID) HWPT is PASID-compatible too; attach does not overwrite (EBUSY,
 * use replace); replace keeps the old HWPT when the driver fails (the
 * mock fails every second attach of PASID 1024); PASIDs beyond the
 * device's width are refused; a fault with a PASID reaches the fault queue
 * of the HWPT on that PASID.
 *
 * On vtd/amd/virtio the edu device is real and bound through its cdev,
 * but has no PASID capability: iommufd_device_attach_pasid() must fail
 * clearly (the kernel's errno, a log line) and leave the handle's state as
 * it was. 6.12 knows no PASID attach at all (VFIO refuses the flag).
 */
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

#define PASID_A 100u
#define PASID_B 200u
#define PASID_IOPF 2048u

static bool kernel_has_pasid(void)
{
	return vmt_kernel_version() >= VMT_KV(6, 15, 0);
}

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;	/* the PASID-capable mock device */
	uint32_t stdev, idev;
	int fd;
};

static void env_teardown(struct env *e)
{
	if (e->stdev)
		vmt_destroy(e->fd, e->stdev);
	iommufd_device_unref(e->dev);
	iommufd_ioas_unref(e->ioas);
	iommufd_ctx_unref(e->ctx);
}

/* A mock device with PASIDs on 7.x; on 6.12 checks the refusals and skips. */
static bool env_setup(struct vmt_case *t, struct env *e)
{
	struct iommufd_probe p = { .sz = sizeof(p) };
	uint32_t stdev = 0;
	int rc;

	memset(e, 0, sizeof(*e));
	if (!vmt_need_iommufd(t))
		return false;
	rc = vmt_ctx_new(&e->ctx);
	if (!REQUIRE(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc)))
		return false;
	e->fd = iommufd_ctx_get_fd(e->ctx);
	rc = iommufd_ioas_alloc(e->ctx, &e->ioas);
	if (!REQUIRE(rc == 0, "iommufd_ioas_alloc: %s", vmt_errname(rc)))
		return false;
	if (!kernel_has_pasid()) {
		/*
		 * The reason is what the probe says of a device: a plain mock
		 * device where the kernel makes one (it refuses the PASID flag,
		 * which it does not know), else the machine's edu.
		 */
		uint32_t idev = 0;

		rc = vmt_st_mock_domain(e->fd, iommufd_ioas_get_id(e->ioas), 0, &e->stdev, NULL,
					&idev);
		if (!rc) {
			rc = iommufd_device_new_from_id(e->ctx, idev, -1, IOMMUFD_ADOPT_BORROW, &e->dev);
			if (!REQUIRE(rc == 0, "iommufd_device_new_from_id: %s", vmt_errname(rc)))
				return false;
			rc = vmt_st_mock_domain(e->fd, iommufd_ioas_get_id(e->ioas),
						ST_MOCK_DEV_PASID, &stdev, NULL, NULL);
			if (!rc)
				vmt_destroy(e->fd, stdev);
			if (!REQUIRE(rc == -EINVAL,
				     "kernel %s made a mock device with the PASID flag: %s",
				     vmt_kernel_release(), vmt_errname(rc)))
				return false;
		} else if (!vmt_edu_bind(t, e->ctx, &e->dev)) {
			return false;
		}
		rc = iommufd_device_probe(e->dev, &p);
		if (!REQUIRE(rc == 0 && p.pasid_hwpt.support == IOMMUFD_FEATURE_NO_KERNEL,
			     "device probe %s: %s", vmt_errname(rc),
			     vmt_verdict("pasid_hwpt", p.pasid_hwpt)))
			return false;
		vmt_skip_probe(t, "pasid_hwpt", p.pasid_hwpt,
			       "kernel %s: PASID attach came with 6.15 (probed on %s)",
			       vmt_kernel_release(), e->stdev ? "a mock device" : "edu");
		return false;
	}
	if (!vmt_mock_device(t, e->ctx, iommufd_ioas_get_id(e->ioas), ST_MOCK_DEV_PASID,
			     &e->stdev, &e->dev))
		return false;
	e->idev = iommufd_device_get_id(e->dev);
	return true;
}

static int hwpt(struct env *e, struct iommufd_pt *on, uint32_t flags, struct iommufd_hwpt **ret)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = flags);

	return iommufd_hwpt_alloc(on, e->dev, &o, ret);
}

static int nested(struct env *e, struct iommufd_hwpt *parent, uint32_t flags,
		  struct iommufd_fault_queue *q, struct iommufd_hwpt **ret)
{
	uint8_t data[IOMMUFD_VENDOR_DATA_MAX];
	uint32_t type;
	size_t len;
	LIBIOMMUFD_OPTS(iommufd_selftest_hwpt, hwpt, .iotlb = ST_IOTLB_DEFAULT);
	int rc = iommufd_selftest_hwpt_build(e->ctx, &hwpt, NULL, data, sizeof(data), &type,
					     &len);

	if (rc)
		return rc;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = flags, .data_type = type, .data = data,
			.data_len = len, .fault_queue = q);
	return iommufd_hwpt_alloc(iommufd_hwpt_as_pt(parent), e->dev, &o, ret);
}

/* Is PASID @pasid of the mock device on @id (0: on nothing)? */
#define CHECK_ON(e, pasid, id)								\
	CHECK_RC(vmt_st_pasid_check((e)->fd, (e)->stdev, pasid, id), 0)

static void test_pasid_mock(struct vmt_case *t)
{
	struct iommufd_hwpt *s2a = NULL, *s2b = NULL, *np = NULL, *nest = NULL;
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	struct iommufd_probe p = { .sz = sizeof(p) };
	uint32_t used = 0, ida, idb, idn, idnp;
	struct env e;

	if (!env_setup(t, &e))
		goto out;
	/* What the device and the probe say about PASIDs. */
	CHECK_RC(iommufd_device_get_hw_info(e.dev, NULL, 0, &info), 0);
	CHECK(info.max_pasid_log2 == ST_MOCK_PASID_WIDTH, "PASID width %u, expected %u",
	      info.max_pasid_log2, ST_MOCK_PASID_WIDTH);
	CHECK_RC(iommufd_device_probe(e.dev, &p), 0);
	CHECK(p.pasid.support == IOMMUFD_FEATURE_SUPPORTED &&
	      p.pasid_hwpt.support == IOMMUFD_FEATURE_SUPPORTED && p.max_pasid_log2 == 20,
	      "probe: %s, %s, width %u", vmt_verdict("pasid", p.pasid),
	      vmt_verdict("pasid_hwpt", p.pasid_hwpt), p.max_pasid_log2);

	CHECK_RC(hwpt(&e, iommufd_ioas_as_pt(e.ioas), IOMMUFD_HWPT_PASID, &s2a), 0);
	CHECK_RC(hwpt(&e, iommufd_ioas_as_pt(e.ioas), IOMMUFD_HWPT_PASID, &s2b), 0);
	CHECK_RC(hwpt(&e, iommufd_ioas_as_pt(e.ioas), IOMMUFD_HWPT_NEST_PARENT, &np), 0);
	CHECK_RC(nested(&e, np, IOMMUFD_HWPT_PASID, NULL, &nest), 0);
	CHECK(iommufd_hwpt_get_flags(s2a) == IOMMUFD_HWPT_PASID && !iommufd_hwpt_is_kernel_allocated(s2a),
	      "PASID HWPT flags 0x%x", iommufd_hwpt_get_flags(s2a));
	ida = iommufd_hwpt_get_id(s2a);
	idb = iommufd_hwpt_get_id(s2b);
	idn = iommufd_hwpt_get_id(nest);
	idnp = iommufd_hwpt_get_id(np);

	/* The device's own HWPT is not PASID-compatible: no PASID can attach. */
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, idnp, &used), 0);
	CHECK_RC(vmt_st_pasid_attach(e.fd, e.stdev, PASID_A, ida, &used), -EINVAL);
	CHECK_ON(&e, PASID_A, 0);
	/* On a PASID-compatible one it can. */
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, ida, &used), 0);
	used = 0;
	CHECK_RC(vmt_st_pasid_attach(e.fd, e.stdev, PASID_A, idb, &used), 0);
	CHECK(used == idb, "PASID %u attach reports HWPT %u, not %u", PASID_A, used, idb);
	CHECK_ON(&e, PASID_A, idb);
	CHECK_RC(vmt_st_pasid_check(e.fd, e.stdev, PASID_A, ida), -EINVAL);
	CHECK_ON(&e, 0, ida);	/* the RID stays where it was */
	/* Now the RID cannot leave for a non-PASID HWPT. */
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, idnp, &used), -EINVAL);
	/* Attach does not overwrite; replace does, with no gap. */
	CHECK_RC(vmt_st_pasid_attach(e.fd, e.stdev, PASID_A, ida, &used), -EBUSY);
	CHECK_ON(&e, PASID_A, idb);
	CHECK_RC(vmt_st_pasid_replace(e.fd, e.stdev, PASID_A, ida, &used), 0);
	CHECK_ON(&e, PASID_A, ida);
	/* A HWPT in use by a PASID cannot be destroyed. */
	CHECK_RC(vmt_destroy(e.fd, ida), -EBUSY);
	/* Not a non-PASID HWPT, not an IOAS; a nested PASID HWPT works. */
	CHECK_RC(vmt_st_pasid_attach(e.fd, e.stdev, PASID_B, idnp, &used), -EINVAL);
	CHECK_RC(vmt_st_pasid_attach(e.fd, e.stdev, PASID_B, iommufd_ioas_get_id(e.ioas), &used),
		 -EINVAL);
	CHECK_ON(&e, PASID_B, 0);
	CHECK_RC(vmt_st_pasid_replace(e.fd, e.stdev, PASID_B, ida, &used), -EINVAL);
	CHECK_RC(vmt_st_pasid_attach(e.fd, e.stdev, PASID_B, idn, &used), 0);
	CHECK_ON(&e, PASID_B, idn);
	/* Beyond the device's 20 bits. */
	CHECK_RC(vmt_st_pasid_attach(e.fd, e.stdev, 1u << ST_MOCK_PASID_WIDTH, ida, &used),
		 -EINVAL);
	/* A failing driver: the replace fails, the PASID stays on the old HWPT. */
	CHECK_RC(vmt_st_pasid_attach(e.fd, e.stdev, ST_PASID_FAKE_ERROR, ida, &used), 0);
	CHECK_RC(vmt_st_pasid_replace(e.fd, e.stdev, ST_PASID_FAKE_ERROR, idb, &used), -ENOMEM);
	CHECK_ON(&e, ST_PASID_FAKE_ERROR, ida);
	CHECK_RC(vmt_st_pasid_detach(e.fd, e.stdev, ST_PASID_FAKE_ERROR), 0);
	CHECK_ON(&e, ST_PASID_FAKE_ERROR, 0);
	/* Detach: nothing on either PASID; the RID can leave again. */
	CHECK_RC(vmt_st_pasid_detach(e.fd, e.stdev, PASID_A), 0);
	CHECK_RC(vmt_st_pasid_detach(e.fd, e.stdev, PASID_B), 0);
	CHECK_ON(&e, PASID_A, 0);
	CHECK_ON(&e, PASID_B, 0);
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, idnp, &used), 0);
	vmt_note("mock device %u (PASID width %u): PASIDs %u and %u on HWPTs %u/%u/%u, "
		 "attach/replace/detach as the kernel rules", e.idev, info.max_pasid_log2,
		 PASID_A, PASID_B, ida, idb, idn);
out:
	if (e.stdev && e.ioas)
		vmt_st_replace(e.fd, e.stdev, iommufd_ioas_get_id(e.ioas), NULL);
	iommufd_hwpt_unref(nest);
	iommufd_hwpt_unref(np);
	iommufd_hwpt_unref(s2a);
	iommufd_hwpt_unref(s2b);
	env_teardown(&e);
}

/* The library's calls on a handle without a cdev: refused, nothing changed. */
static void test_pasid_no_cdev(struct vmt_case *t)
{
	struct iommufd_hwpt *s2 = NULL;
	uint32_t used = 0;
	struct env e;

	if (!env_setup(t, &e))
		goto out;
	CHECK_RC(hwpt(&e, iommufd_ioas_as_pt(e.ioas), IOMMUFD_HWPT_PASID, &s2), 0);
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, iommufd_hwpt_get_id(s2), &used), 0);
	vmt_log_reset();
	CHECK_RC(iommufd_device_attach_pasid(e.dev, PASID_A, iommufd_hwpt_as_pt(s2)), -EOPNOTSUPP);
	CHECK(vmt_log_has("without the cdev"), "the log does not say why: '%s'", vmt_log_last());
	CHECK(iommufd_device_get_pasid_pt(e.dev, PASID_A) == NULL, "the refused PASID is recorded");
	CHECK_ON(&e, PASID_A, 0);
	CHECK_RC(iommufd_device_replace_pasid(e.dev, PASID_A, iommufd_hwpt_as_pt(s2)), -EOPNOTSUPP);
	CHECK_RC(iommufd_device_detach_pasid(e.dev, PASID_A), -EOPNOTSUPP);
	/* Argument checks come first. */
	CHECK_RC(iommufd_device_attach_pasid(e.dev, PASID_A, NULL), -EINVAL);
	CHECK_RC(iommufd_device_attach_pasid(NULL, PASID_A, iommufd_hwpt_as_pt(s2)), -EINVAL);
	vmt_note("handle from ID %u: attach/replace/detach PASID EOPNOTSUPP, nothing attached",
		 e.idev);
out:
	if (e.stdev && e.ioas)
		vmt_st_replace(e.fd, e.stdev, iommufd_ioas_get_id(e.ioas), NULL);
	iommufd_hwpt_unref(s2);
	env_teardown(&e);
}

/* A fault with a PASID reaches the fault queue of the HWPT on that PASID. */
static void test_pasid_iopf(struct vmt_case *t)
{
	struct iommufd_hwpt *s2 = NULL, *np = NULL, *iopf = NULL;
	struct iommufd_fault_queue *q = NULL;
	struct iommufd_fault f[4];
	uint32_t used = 0;
	size_t n = 0;
	struct env e;

	if (!env_setup(t, &e))
		goto out;
	CHECK_RC(iommufd_fault_queue_alloc(e.ctx, &q), 0);
	CHECK_RC(hwpt(&e, iommufd_ioas_as_pt(e.ioas), IOMMUFD_HWPT_PASID, &s2), 0);
	CHECK_RC(hwpt(&e, iommufd_ioas_as_pt(e.ioas), IOMMUFD_HWPT_NEST_PARENT, &np), 0);
	CHECK_RC(nested(&e, np, IOMMUFD_HWPT_PASID, q, &iopf), 0);
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, iommufd_hwpt_get_id(s2), &used), 0);
	CHECK_RC(vmt_st_pasid_attach(e.fd, e.stdev, PASID_IOPF, iommufd_hwpt_get_id(iopf), &used),
		 0);
	CHECK_ON(&e, PASID_IOPF, iommufd_hwpt_get_id(iopf));
	CHECK_RC(vmt_st_trigger_iopf(e.fd, e.idev, PASID_IOPF, 7, IOMMUFD_FAULT_READ, 0x4000), 0);
	CHECK_RC(iommufd_fault_queue_read(q, f, 4, &n), 0);
	CHECK(n == 1, "%zu faults read", n);
	CHECK(f[0].flags == (IOMMUFD_FAULT_PASID_VALID | IOMMUFD_FAULT_LAST_PAGE) &&
	      f[0].pasid == PASID_IOPF && f[0].dev_id == e.idev && f[0].grpid == 7 &&
	      f[0].addr == 0x4000, "fault: flags 0x%x pasid %u dev %u grp %u addr 0x%llx",
	      f[0].flags, f[0].pasid, f[0].dev_id, f[0].grpid, (unsigned long long)f[0].addr);
	CHECK_RC(iommufd_fault_queue_respond(q, f[0].cookie, IOMMUFD_FAULT_RESPONSE_SUCCESS), 0);
	/* Moved to a HWPT without a queue, the PASID's faults go nowhere we read. */
	CHECK_RC(vmt_st_pasid_replace(e.fd, e.stdev, PASID_IOPF, iommufd_hwpt_get_id(s2), &used), 0);
	CHECK_ON(&e, PASID_IOPF, iommufd_hwpt_get_id(s2));
	CHECK_RC(vmt_st_pasid_detach(e.fd, e.stdev, PASID_IOPF), 0);
	vmt_note("PASID %u on fault-queue HWPT %u: fault read with PASID_VALID, answered",
		 PASID_IOPF, iommufd_hwpt_get_id(iopf));
out:
	if (e.stdev && e.ioas)
		vmt_st_replace(e.fd, e.stdev, iommufd_ioas_get_id(e.ioas), NULL);
	iommufd_hwpt_unref(iopf);
	iommufd_hwpt_unref(np);
	iommufd_hwpt_unref(s2);
	iommufd_fault_queue_unref(q);
	env_teardown(&e);
}

/* edu has no PASID capability: a clear refusal, the handle's state unchanged. */
static void test_pasid_edu(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, po, .flags = IOMMUFD_HWPT_PASID);
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	struct iommufd_probe p = { .sz = sizeof(p) };
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *ph = NULL;
	uint32_t hwpt_before = 0, hwpt_after = 0;
	int rc, prc, want;

	if (!vmt_need_iommufd(t))
		goto out;
	rc = vmt_ctx_new(&ctx);
	CHECK(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc));
	if (!vmt_edu_bind(t, ctx, &dev))
		goto out;
	CHECK_RC(iommufd_ioas_alloc(ctx, &ioas), 0);
	CHECK_RC(iommufd_device_attach(dev, iommufd_ioas_as_pt(ioas)), 0);
	CHECK_RC(iommufd_device_get_hwpt_id(dev, &hwpt_before), 0);
	CHECK_RC(iommufd_device_get_hw_info(dev, NULL, 0, &info), 0);
	CHECK(info.max_pasid_log2 == 0, "edu on %s reports %u PASID bits", vmt_machine(),
	      info.max_pasid_log2);
	CHECK_RC(iommufd_device_probe(dev, &p), 0);
	CHECK(p.pasid.support == IOMMUFD_FEATURE_NO_IOMMU, "probe: %s",
	      vmt_verdict("pasid", p.pasid));

	/*
	 * The kernel answers EINVAL (6.12 knows no PASID flag on ATTACH; 7.x
	 * finds no PASID on the device); the library checks the device's
	 * PASID bits (0) and says what the probe says: unsupported.
	 */
	want = -EOPNOTSUPP;
	vmt_log_reset();
	rc = iommufd_device_attach_pasid(dev, 1, iommufd_ioas_as_pt(ioas));
	vmt_note("attach_pasid(1, IOAS): %s (%s)", vmt_errname(rc), vmt_log_last());
	CHECK(rc == want && rc == p.pasid.err, "attach_pasid(1, IOAS) = %s, expected %s",
	      vmt_errname(rc), vmt_errname(want));
	CHECK(vmt_log_has("PASID 1") && vmt_log_has("no PASIDs"),
	      "no log line names the PASID and the reason: '%s'", vmt_log_last());
	CHECK(vmt_log_has("6.15"), "the log does not name the kernel version: '%s'",
	      vmt_log_last());
	/* A PASID-capable HWPT for a device without PASIDs. */
	prc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas), dev, &po, &ph);
	vmt_note("HWPT_ALLOC PASID for edu: %s; %s", vmt_errname(prc),
		 vmt_verdict("pasid_hwpt", p.pasid_hwpt));
	CHECK(prc == p.pasid_hwpt.err || (p.pasid_hwpt.support == IOMMUFD_FEATURE_NO_KERNEL &&
					  prc == -EOPNOTSUPP),
	      "PASID HWPT alloc = %s, the probe said %s", vmt_errname(prc),
	      vmt_verdict("pasid_hwpt", p.pasid_hwpt));
	if (prc == 0) {
		rc = iommufd_device_attach_pasid(dev, 1, iommufd_hwpt_as_pt(ph));
		vmt_note("attach_pasid(1, PASID HWPT): %s (%s)", vmt_errname(rc), vmt_log_last());
		CHECK(rc < 0, "edu attached PASID 1 to a HWPT");
	}
	/* The handle's state: no PASID recorded, the device still where it was. */
	CHECK(iommufd_device_get_pasid_pt(dev, 1) == NULL, "the refused PASID is recorded");
	CHECK(iommufd_device_get_pt(dev) == iommufd_ioas_as_pt(ioas), "the device left its IOAS");
	CHECK_RC(iommufd_device_get_hwpt_id(dev, &hwpt_after), 0);
	CHECK(hwpt_after == hwpt_before, "device HWPT %u -> %u", hwpt_before, hwpt_after);
	/* The library's own bookkeeping: nothing to replace or detach. */
	CHECK_RC(iommufd_device_replace_pasid(dev, 1, iommufd_ioas_as_pt(ioas)), -EINVAL);
	CHECK_RC(iommufd_device_detach_pasid(dev, 1), -EINVAL);
	/* The device still works on its IOAS: detach and attach again. */
	CHECK_RC(iommufd_device_detach(dev), 0);
	CHECK_RC(iommufd_device_attach(dev, iommufd_ioas_as_pt(ioas)), 0);
	vmt_note("edu on %s: attach_pasid %s, state unchanged (HWPT %u)", vmt_machine(),
		 vmt_errname(want), hwpt_after);
out:
	iommufd_hwpt_unref(ph);
	iommufd_device_unref(dev);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 4);
	vmt_run("pasid-mock", test_pasid_mock);
	vmt_run("pasid-no-cdev", test_pasid_no_cdev);
	vmt_run("pasid-iopf", test_pasid_iopf);
	vmt_run("pasid-edu", test_pasid_edu);
	return vmt_end();
}
