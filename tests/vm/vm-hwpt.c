// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scenario 5: HWPT allocation, what falls back and what never does.
 *
 * QEMU's VT-d, AMD-Vi and virtio-iommu cannot nest: a NEST_PARENT request
 * must fail with EOPNOTSUPP and a log line that says the driver cannot nest,
 * never be downgraded to a plain HWPT, while a plain request still works.
 * The selftest mock driver can nest: there a nest parent and a nested HWPT
 * with selftest vendor data are allocated through the library, and the
 * kernel's mock IOTLB shows the vendor data arrived.
 */
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

#define PAGE 4096u

/* A device to allocate for: edu (bound through the library) or a mock device. */
struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	uint32_t stdev;		/* mock: the selftest object of the device */
};

static bool env_setup(struct vmt_case *t, struct env *e, uint32_t mock_flags)
{
	uint32_t idev;
	int rc;

	memset(e, 0, sizeof(*e));
	if (!vmt_need_iommufd(t))
		return false;
	rc = vmt_ctx_new(&e->ctx);
	if (!REQUIRE(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc)))
		return false;
	rc = iommufd_ioas_alloc(e->ctx, &e->ioas);
	if (!REQUIRE(rc == 0, "iommufd_ioas_alloc: %s", vmt_errname(rc)))
		return false;
	if (vmt_machine_is("mock")) {
		rc = vmt_st_mock_domain(iommufd_ctx_get_fd(e->ctx), iommufd_ioas_get_id(e->ioas),
					mock_flags, &e->stdev, NULL, &idev);
		if (!REQUIRE(rc == 0, "selftest MOCK_DOMAIN: %s", vmt_errname(rc)))
			return false;
		rc = iommufd_device_new_from_id(e->ctx, idev, -1, IOMMUFD_ADOPT_BORROW, &e->dev);
		return REQUIRE(rc == 0, "iommufd_device_new_from_id: %s", vmt_errname(rc));
	}
	return vmt_edu_bind(t, e->ctx, &e->dev);
}

/*
 * The mock device goes first: the test owns it (not the library), and the
 * HWPTs and the IOAS it sits on cannot be destroyed while it is there.
 */
static void mock_device_gone(struct env *e)
{
	if (e->stdev)
		vmt_destroy(iommufd_ctx_get_fd(e->ctx), e->stdev);
	e->stdev = 0;
}

static void env_teardown(struct env *e)
{
	mock_device_gone(e);
	iommufd_device_unref(e->dev);
	iommufd_ioas_unref(e->ioas);
	iommufd_ctx_unref(e->ctx);
}

static void test_nest_parent(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_hwpt *hwpt = NULL, *plain = NULL;
	uint32_t id = 0;
	struct env e;
	int rc;

	if (!env_setup(t, &e, 0))
		goto out;
	vmt_log_reset();
	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), e.dev, &o, &hwpt);
	if (e.stdev) {
		/* The mock driver nests. */
		CHECK(rc == 0, "mock NEST_PARENT: %s", vmt_errname(rc));
		CHECK(iommufd_hwpt_get_flags(hwpt) == IOMMUFD_HWPT_NEST_PARENT,
		      "flags 0x%x", iommufd_hwpt_get_flags(hwpt));
		CHECK(!iommufd_hwpt_is_kernel_allocated(hwpt), "nest parent is kernel-allocated");
		/* It is a real paging HWPT: the mock device can be moved onto it. */
		CHECK_RC(vmt_st_replace(iommufd_ctx_get_fd(e.ctx), e.stdev,
					iommufd_hwpt_get_id(hwpt), &id), 0);
		CHECK(id == iommufd_hwpt_get_id(hwpt), "replace reports HWPT %u", id);
		goto out;
	}
	CHECK(rc == -EOPNOTSUPP, "NEST_PARENT on %s = %d (%s), expected EOPNOTSUPP",
	      vmt_machine(), rc, vmt_errname(rc));
	CHECK(hwpt == NULL, "ret_hwpt written on failure");
	CHECK(vmt_log_has("cannot nest"), "no log line says the driver cannot nest: '%s'",
	      vmt_log_last());
	/* Never downgraded: the failed request did not attach the device anywhere. */
	CHECK(iommufd_device_get_pt(e.dev) == NULL, "the failed NEST_PARENT attached the device");

	/* A plain allocation still works and the device can use it. */
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), e.dev, NULL, &plain), 0);
	CHECK(iommufd_hwpt_get_id(plain) != 0, "plain HWPT has ID 0");
	CHECK_RC(iommufd_device_attach(e.dev, iommufd_hwpt_as_pt(plain)), 0);
	CHECK_RC(iommufd_device_get_hwpt_id(e.dev, &id), 0);
	CHECK(id == iommufd_hwpt_get_id(plain), "attached to HWPT %u, expected %u", id,
	      iommufd_hwpt_get_id(plain));
	vmt_note("NEST_PARENT refused (%s); plain HWPT %u (%s) attached", vmt_log_last(),
		 iommufd_hwpt_get_id(plain),
		 iommufd_hwpt_is_kernel_allocated(plain) ? "kernel-allocated" : "HWPT_ALLOC");
out:
	mock_device_gone(&e);
	iommufd_hwpt_unref(hwpt);
	iommufd_hwpt_unref(plain);
	env_teardown(&e);
}

static void test_nested(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, np_opts, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct st_hwpt_data data = { .iotlb = 0x1234567 }, zero = { 0 };
	struct iommufd_hwpt *np = NULL, *nested = NULL, *bad = NULL, *zeroed = NULL;
	uint32_t id = 0;
	struct env e;
	int fd;

	memset(&e, 0, sizeof(e));
	if (vmt_machine_has_edu()) {
		SKIP("a nested HWPT needs a nest parent, which the %s driver cannot make "
		     "(see nest-parent)", vmt_machine());
	}
	if (!env_setup(t, &e, 0))
		goto out;
	fd = iommufd_ctx_get_fd(e.ctx);
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), e.dev, &np_opts, &np), 0);
	{
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .data_type = ST_HWPT_DATA_TYPE,
				.data = &data, .data_len = sizeof(data));

		CHECK_RC(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(np), e.dev, &o, &nested), 0);
	}
	CHECK(iommufd_hwpt_get_id(nested) != 0, "nested HWPT has ID 0");
	/* The vendor data reached the mock driver: every IOTLB entry holds it. */
	for (uint32_t i = 0; i < ST_NESTED_IOTLB_ENTRIES; i++)
		CHECK_RC(vmt_st_check_iotlb(fd, iommufd_hwpt_get_id(nested), i, data.iotlb), 0);
	CHECK_RC(vmt_st_check_iotlb(fd, iommufd_hwpt_get_id(nested), 0, ST_IOTLB_DEFAULT),
		 -EINVAL);
	/* The kernel can attach the mock device to it. */
	CHECK_RC(vmt_st_replace(fd, e.stdev, iommufd_hwpt_get_id(nested), &id), 0);
	CHECK(id == iommufd_hwpt_get_id(nested), "replace reports HWPT %u", id);
	/* A nested HWPT needs vendor data: none is refused by the library. */
	{
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .data_type = ST_HWPT_DATA_TYPE);

		CHECK_RC(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(np), e.dev, &o, &bad), -EINVAL);
		CHECK(bad == NULL, "ret_hwpt written on failure");
	}
	/* All-zero nested data is sent as given (it can mean something): IOTLB 0. */
	{
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .data_type = ST_HWPT_DATA_TYPE,
				.data = &zero, .data_len = sizeof(zero));

		CHECK_RC(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(np), e.dev, &o, &zeroed), 0);
		for (uint32_t i = 0; i < ST_NESTED_IOTLB_ENTRIES; i++)
			CHECK_RC(vmt_st_check_iotlb(fd, iommufd_hwpt_get_id(zeroed), i, 0), 0);
	}
	/* The nested HWPT keeps its parent: dropping ours first is fine. */
	np = iommufd_hwpt_unref(np);
	CHECK_RC(vmt_st_check_iotlb(fd, iommufd_hwpt_get_id(nested), 0, data.iotlb), 0);
	vmt_note("nest parent + nested HWPT %u, IOTLB 0x%x in all %d entries",
		 iommufd_hwpt_get_id(nested), data.iotlb, ST_NESTED_IOTLB_ENTRIES);
out:
	mock_device_gone(&e);
	iommufd_hwpt_unref(bad);
	iommufd_hwpt_unref(zeroed);
	iommufd_hwpt_unref(nested);
	iommufd_hwpt_unref(np);
	env_teardown(&e);
}

static void test_plain_alloc(struct vmt_case *t)
{
	struct iommufd_hwpt *a = NULL, *b = NULL;
	uint32_t id = 0;
	struct env e;

	if (!env_setup(t, &e, 0))
		goto out;
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), e.dev, NULL, &a), 0);
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), e.dev, NULL, &b), 0);
	CHECK(iommufd_hwpt_get_id(a) && iommufd_hwpt_get_id(b) &&
	      iommufd_hwpt_get_id(a) != iommufd_hwpt_get_id(b),
	      "HWPT IDs %u and %u", iommufd_hwpt_get_id(a), iommufd_hwpt_get_id(b));
	CHECK(iommufd_hwpt_get_flags(a) == 0, "plain HWPT flags 0x%x", iommufd_hwpt_get_flags(a));
	CHECK(!iommufd_hwpt_is_kernel_allocated(a),
	      "these kernels have HWPT_ALLOC: the plain path should not be needed");
	if (e.stdev) {
		CHECK_RC(vmt_st_replace(iommufd_ctx_get_fd(e.ctx), e.stdev, iommufd_hwpt_get_id(b),
					&id), 0);
	} else {
		CHECK_RC(iommufd_device_attach(e.dev, iommufd_hwpt_as_pt(a)), 0);
		CHECK_RC(iommufd_device_replace(e.dev, iommufd_hwpt_as_pt(b)), 0);
		CHECK_RC(iommufd_device_get_hwpt_id(e.dev, &id), 0);
	}
	CHECK(id == iommufd_hwpt_get_id(b), "device on HWPT %u, expected %u", id,
	      iommufd_hwpt_get_id(b));
	/* A is unused now: the kernel lets it go. */
	CHECK_RC(vmt_destroy(iommufd_ctx_get_fd(e.ctx), iommufd_hwpt_get_id(a)), 0);
	CHECK_RC(vmt_destroy(iommufd_ctx_get_fd(e.ctx), iommufd_hwpt_get_id(b)), -EBUSY);
out:
	mock_device_gone(&e);
	iommufd_hwpt_unref(a);	/* destroyed above: its DESTROY logs ENOENT */
	iommufd_hwpt_unref(b);
	env_teardown(&e);
}

static void test_dirty_no_downgrade(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_hwpt *hwpt = NULL;
	struct env e;
	int rc;

	/* Mock: a device made without dirty tracking; emulated IOMMUs: none has it. */
	if (!env_setup(t, &e, ST_MOCK_DEV_NO_DIRTY))
		goto out;
	vmt_log_reset();
	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), e.dev, &o, &hwpt);
	CHECK(rc == -EOPNOTSUPP, "DIRTY_TRACKING = %d (%s), expected EOPNOTSUPP", rc,
	      vmt_errname(rc));
	CHECK(hwpt == NULL, "ret_hwpt written on failure");
	CHECK(vmt_log_has("dirty"), "the log does not mention dirty tracking: '%s'",
	      vmt_log_last());
	if (!e.stdev)
		CHECK(iommufd_device_get_pt(e.dev) == NULL, "the failed request attached the device");
out:
	iommufd_hwpt_unref(hwpt);
	env_teardown(&e);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 4);
	vmt_run("nest-parent", test_nest_parent);
	vmt_run("nested", test_nested);
	vmt_run("plain-alloc", test_plain_alloc);
	vmt_run("dirty-no-downgrade", test_dirty_no_downgrade);
	return vmt_end();
}
