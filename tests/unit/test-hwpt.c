// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Hardware page tables: allocation, the fallback matrix (when the library
 * takes the plain path of attaching the device to the IOAS, and when it
 * must not), vendor data, argument checks and lifetime.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>

#include "kernel-script.h"

#define DEV_ID TEST_ENV_DEV_ID
#define IOAS_ID TEST_ENV_IOAS_ID
#define HWPT_ID 5
#define NESTED_ID 6
#define KERNEL_HWPT_ID 7

#define T(fn) ENV_TEST(fn)

/* A request the library must fail without the plain path: no ATTACH. */
static void assert_no_fallback(struct test_env *f, const struct iommufd_hwpt_opts *opts,
			       int expected)
{
	struct iommufd_hwpt *hwpt = (void *)0x1;

	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, opts, &hwpt), expected);
	assert_ptr_equal(hwpt, (void *)0x1);
	assert_null(iommufd_device_get_pt(f->dev));
}

/* ---- (1) HWPT_ALLOC succeeds ------------------------------------------- */

static void alloc_success_records_the_kernel_id(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hwpt *hwpt = NULL;

	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, NULL, &hwpt), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), HWPT_ID);
	assert_int_equal(iommufd_pt_get_id(iommufd_hwpt_as_pt(hwpt)), HWPT_ID);
	assert_false(iommufd_hwpt_is_kernel_allocated(hwpt));
	assert_int_equal(iommufd_hwpt_get_flags(hwpt), 0);
	assert_null(iommufd_device_get_pt(f->dev));	/* allocating is not attaching */
	expect_destroy(HWPT_ID, 0);
	assert_null(iommufd_hwpt_unref(hwpt));
}

static void alloc_flags_become_kernel_flags(void **state)
{
	static const struct { uint32_t flags, kflags; } cases[] = {
		{ IOMMUFD_HWPT_NEST_PARENT, KABI_HWPT_ALLOC_NEST_PARENT },
		{ IOMMUFD_HWPT_DIRTY_TRACKING, KABI_HWPT_ALLOC_DIRTY_TRACKING },
		{ IOMMUFD_HWPT_PASID, KABI_HWPT_ALLOC_PASID },
		{ IOMMUFD_HWPT_NEST_PARENT | IOMMUFD_HWPT_DIRTY_TRACKING | IOMMUFD_HWPT_PASID,
		  KABI_HWPT_ALLOC_NEST_PARENT | KABI_HWPT_ALLOC_DIRTY_TRACKING |
		  KABI_HWPT_ALLOC_PASID },
	};
	struct test_env *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = cases[i].flags);
		struct iommufd_hwpt *hwpt = NULL;

		expect_hwpt_alloc(cases[i].kflags, DEV_ID, IOAS_ID, HWPT_ID + 10 + i, 0);
		assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, &opts, &hwpt), 0);
		assert_int_equal(iommufd_hwpt_get_id(hwpt), HWPT_ID + 10 + i);
		assert_int_equal(iommufd_hwpt_get_flags(hwpt), cases[i].flags);
		assert_false(iommufd_hwpt_is_kernel_allocated(hwpt));
		expect_destroy(HWPT_ID + 10 + i, 0);
		iommufd_hwpt_unref(hwpt);
	}
}

/* ---- (2), (3) the plain path, opted in ---------------------------------- */

/* The caller's opt-in to the plain path (issue 8: no hidden attach). */
static const struct iommufd_hwpt_opts opt_attach = {
	.sz = sizeof(struct iommufd_hwpt_opts), .fallback = IOMMUFD_HWPT_FALLBACK_ATTACH,
};
static const struct iommufd_hwpt_opts opt_replace = {
	.sz = sizeof(struct iommufd_hwpt_opts), .fallback = IOMMUFD_HWPT_FALLBACK_REPLACE,
};

static void plain_path_on(struct test_env *f, int alloc_err,
			  const struct iommufd_hwpt_opts *opts)
{
	struct iommufd_hwpt *hwpt = NULL;
	uint32_t hwpt_id = 0;

	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, 0, alloc_err);
	expect_attach(IOAS_ID, KERNEL_HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, opts, &hwpt), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), KERNEL_HWPT_ID);
	assert_true(iommufd_hwpt_is_kernel_allocated(hwpt));
	assert_int_equal(iommufd_hwpt_get_flags(hwpt), 0);
	assert_ptr_equal(iommufd_device_get_pt(f->dev), iommufd_hwpt_as_pt(hwpt));
	assert_int_equal(iommufd_device_get_hwpt_id(f->dev, &hwpt_id), 0);
	assert_int_equal(hwpt_id, KERNEL_HWPT_ID);
	assert_logged("plain path taken", "HWPT 7");
	/* No DESTROY: the kernel frees its own domain when the device leaves. */
	assert_null(iommufd_hwpt_unref(hwpt));
	expect_detach(0);
	f->dev = iommufd_device_unref(f->dev);
}

static void enotty_without_flags_takes_the_plain_path(void **state)
{
	plain_path_on(*state, ENOTTY, &opt_attach);
}

static void eopnotsupp_without_flags_takes_the_plain_path(void **state)
{
	plain_path_on(*state, EOPNOTSUPP, &opt_attach);
}

/* FALLBACK_REPLACE includes the detached case. */
static void fallback_replace_attaches_a_detached_device(void **state)
{
	plain_path_on(*state, EOPNOTSUPP, &opt_replace);
}

/* Without the opt-in nothing is attached: the kernel's errno, explained. */
static void fallback_none_never_attaches(void **state)
{
	static const int errs[] = { ENOTTY, EOPNOTSUPP };
	struct test_env *f = *state;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, none, .fallback = IOMMUFD_HWPT_FALLBACK_NONE);

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		log_reset();
		expect_hwpt_alloc(0, DEV_ID, IOAS_ID, 0, errs[i]);
		assert_no_fallback(f, NULL, -errs[i]);
		assert_logged("<3>", "HWPT_ALLOC plain device 2 on IOAS 3", "no plain path",
			      "did not opt in", "iommufd_hwpt_opts.fallback");
		expect_hwpt_alloc(0, DEV_ID, IOAS_ID, 0, errs[i]);
		assert_no_fallback(f, &none, -errs[i]);
	}
}

/* FALLBACK_ATTACH never moves a device attached elsewhere. */
static void fallback_attach_refuses_an_attached_device(void **state)
{
	struct test_env *f = *state;
	struct iommufd_ioas *other = test_ioas_new(f->ctx, 4);
	struct iommufd_hwpt *hwpt = (void *)0x1;
	uint32_t hwpt_id = 0;

	test_attach(f->dev, test_env_pt(f), IOAS_ID, 8);
	log_reset();
	expect_hwpt_alloc(0, DEV_ID, 4, 0, EOPNOTSUPP);	/* and no ATTACH after it */
	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(other), f->dev, &opt_attach,
					    &hwpt), -EOPNOTSUPP);
	assert_ptr_equal(hwpt, (void *)0x1);
	assert_ptr_equal(iommufd_device_get_pt(f->dev), test_env_pt(f));
	assert_int_equal(iommufd_device_get_hwpt_id(f->dev, &hwpt_id), 0);
	assert_int_equal(hwpt_id, 8);
	assert_logged("no plain path", "the device is attached", "IOMMUFD_HWPT_FALLBACK_REPLACE");
	expect_destroy(4, 0);
	iommufd_ioas_unref(other);
}

static void plain_path_replaces_a_current_attachment(void **state)
{
	struct test_env *f = *state;
	struct iommufd_ioas *other = test_ioas_new(f->ctx, 4);
	struct iommufd_hwpt *hwpt = NULL;
	uint32_t hwpt_id = 0;

	test_attach(f->dev, test_env_pt(f), IOAS_ID, 8);
	expect_hwpt_alloc(0, DEV_ID, 4, 0, ENOTTY);
	expect_attach(4, 9, 0);		/* no DETACH in between */
	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(other), f->dev, &opt_replace,
					    &hwpt), 0);
	assert_ptr_equal(iommufd_device_get_pt(f->dev), iommufd_hwpt_as_pt(hwpt));
	assert_int_equal(iommufd_hwpt_get_id(hwpt), 9);
	assert_int_equal(iommufd_device_get_hwpt_id(f->dev, &hwpt_id), 0);
	assert_int_equal(hwpt_id, 9);
	iommufd_hwpt_unref(hwpt);
	iommufd_ioas_unref(other);	/* the HWPT (held by the device) holds it */
	expect_detach(0);
	expect_destroy(4, 0);
	f->dev = iommufd_device_unref(f->dev);
}

/*
 * A kernel-allocated HWPT handle names the domain of the first device that
 * attached through it: a second device may get another domain (its own
 * business), and when the last device leaves the kernel frees the domain,
 * so the handle's ID is 0 until a device attaches again.
 */
static void kernel_hwpt_id_follows_its_first_device(void **state)
{
	struct test_env *f = *state;
	struct iommufd_device *dev2 = test_device_new(f->ctx, 12);
	struct iommufd_hwpt *hwpt = NULL;
	uint32_t id = 0;

	/* The scripted kernel checks which cdev each VFIO ioctl goes to. */
	script_set_devfd(iommufd_device_get_fd(f->dev));
	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, 0, ENOTTY);
	expect_attach(IOAS_ID, KERNEL_HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, &opt_attach, &hwpt), 0);
	script_set_devfd(iommufd_device_get_fd(dev2));
	expect_attach(IOAS_ID, 11, 0);
	assert_int_equal(iommufd_device_attach(dev2, iommufd_hwpt_as_pt(hwpt)), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), KERNEL_HWPT_ID);
	assert_int_equal(iommufd_device_get_hwpt_id(dev2, &id), 0);
	assert_int_equal(id, 11);
	expect_detach(0);
	assert_int_equal(iommufd_device_detach(dev2), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), KERNEL_HWPT_ID);
	script_set_devfd(iommufd_device_get_fd(f->dev));
	expect_detach(0);
	assert_int_equal(iommufd_device_detach(f->dev), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), 0);
	expect_attach(IOAS_ID, 13, 0);
	assert_int_equal(iommufd_device_attach(f->dev, iommufd_hwpt_as_pt(hwpt)), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), 13);
	/* Replaced onto the same handle: still one device, same ID. */
	expect_attach(IOAS_ID, 13, 0);
	assert_int_equal(iommufd_device_replace(f->dev, iommufd_hwpt_as_pt(hwpt)), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), 13);
	iommufd_hwpt_unref(hwpt);	/* the device holds it; teardown detaches */
	iommufd_device_unref(dev2);
}

/* A nested HWPT needs a nest parent: anything else is refused up front. */
static void nested_on_a_plain_hwpt_is_rejected(void **state)
{
	static const uint32_t data = 7;
	struct test_env *f = *state;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = KABI_HWPT_DATA_SELFTEST,
			.data = &data, .data_len = sizeof(data));
	struct iommufd_hwpt *plain = NULL, *kernel = NULL, *nested = (void *)0x1;

	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, NULL, &plain), 0);
	log_reset();
	assert_int_equal(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(plain), f->dev, &opts, &nested),
			 -EINVAL);
	assert_logged("HWPT_ALLOC device 2 on HWPT", "IOMMUFD_HWPT_NEST_PARENT");
	/* A kernel-allocated HWPT is never a parent, and its IOAS is not asked. */
	kernel = test_env_kernel_hwpt(f, KERNEL_HWPT_ID);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(kernel), f->dev, &opts, &nested),
			 -EINVAL);
	assert_ptr_equal(nested, (void *)0x1);
	iommufd_hwpt_unref(kernel);
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(plain);
}

static void kernel_hwpt_outlives_the_caller_ref_until_detach(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hwpt *hwpt = test_env_kernel_hwpt(f, KERNEL_HWPT_ID);

	/* The caller drops its IOAS and HWPT: the device keeps both. */
	iommufd_ioas_unref(f->ioas);
	iommufd_hwpt_unref(hwpt);
	expect_detach(0);
	expect_destroy(IOAS_ID, 0);	/* and never a DESTROY of HWPT 7 */
	assert_int_equal(iommufd_device_detach(f->dev), 0);
	f->ioas = test_ioas_new(f->ctx, IOAS_ID);
}

/* ---- (4), (5), (6) never downgraded ------------------------------------ */

static void eopnotsupp_nest_parent_is_not_downgraded(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = IOMMUFD_HWPT_NEST_PARENT);

	expect_hwpt_alloc(KABI_HWPT_ALLOC_NEST_PARENT, DEV_ID, IOAS_ID, 0, EOPNOTSUPP);
	assert_no_fallback(*state, &opts, -EOPNOTSUPP);
	assert_logged("NEST_PARENT", "device 2", "EOPNOTSUPP", "cannot nest");
}

/*
 * A refused nest parent names what the hardware lacks, from the hw info the
 * caller read through the handle: a VT-d record whose ECAP has SMTS (bit 43)
 * but neither NEST (26), FSTS (47) nor SSTS (46), VT-d spec 11.4.3.
 */
static void refused_nest_parent_names_the_missing_capability(void **state)
{
	struct test_env *f = *state;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	uint64_t rec[3] = { 0, 0, 1ull << 43 };
	struct kabi_hw_info reply = { .out_data_type = KABI_HW_INFO_TYPE_INTEL_VTD,
				      .data_len = sizeof(rec) };
	uint64_t buf[3];

	/* Without hw info read first, the log says where to look. */
	expect_hwpt_alloc(KABI_HWPT_ALLOC_NEST_PARENT, DEV_ID, IOAS_ID, 0, EOPNOTSUPP);
	assert_no_fallback(f, &opts, -EOPNOTSUPP);
	assert_logged("cannot nest", "iommufd_device_get_hw_info");
	log_reset();
	/* The scripted kernel writes only the struct: the record is pre-filled. */
	memcpy(buf, rec, sizeof(buf));
	expect_hw_info(DEV_ID, buf, sizeof(buf), &reply, 0);
	assert_int_equal(iommufd_device_get_hw_info(f->dev, buf, sizeof(buf), &info), 0);
	expect_hwpt_alloc(KABI_HWPT_ALLOC_NEST_PARENT, DEV_ID, IOAS_ID, 0, EOPNOTSUPP);
	assert_no_fallback(f, &opts, -EOPNOTSUPP);
	assert_logged("cannot nest", "ECAP.SMTS=1 NEST=0 FSTS=0 SSTS=0", "all are needed");
}

/* The kernel refuses fault reporting on a nest parent: the log says so. */
static void fault_queue_on_a_nest_parent_is_explained(void **state)
{
	struct test_env *f = *state;
	struct iommufd_fault_queue *queue = NULL;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	assert_true(fd >= 0);
	expect_fault_alloc(21, fd, 0);
	assert_int_equal(iommufd_fault_queue_alloc(f->ctx, &queue), 0);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = IOMMUFD_HWPT_NEST_PARENT,
			.fault_queue = queue);
	expect_hwpt_alloc_fault(KABI_HWPT_ALLOC_NEST_PARENT | KABI_HWPT_FAULT_ID_VALID, DEV_ID,
				IOAS_ID, 21, 0, EOPNOTSUPP);
	assert_no_fallback(f, &opts, -EOPNOTSUPP);
	assert_logged("nest-parent HWPT cannot report I/O page faults");
	expect_destroy(21, 0);
	iommufd_fault_queue_unref(queue);
}

static void eopnotsupp_dirty_tracking_is_not_downgraded(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);

	expect_hwpt_alloc(KABI_HWPT_ALLOC_DIRTY_TRACKING, DEV_ID, IOAS_ID, 0, EOPNOTSUPP);
	assert_no_fallback(*state, &opts, -EOPNOTSUPP);
	assert_logged("DIRTY_TRACKING", "EOPNOTSUPP", "dirty");
}

static void eopnotsupp_pasid_is_not_downgraded(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = IOMMUFD_HWPT_PASID);

	expect_hwpt_alloc(KABI_HWPT_ALLOC_PASID, DEV_ID, IOAS_ID, 0, EOPNOTSUPP);
	assert_no_fallback(*state, &opts, -EOPNOTSUPP);
	assert_logged("PASID", "EOPNOTSUPP");
}

static void enotty_with_flags_is_eopnotsupp(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = IOMMUFD_HWPT_NEST_PARENT);

	expect_hwpt_alloc(KABI_HWPT_ALLOC_NEST_PARENT, DEV_ID, IOAS_ID, 0, ENOTTY);
	assert_no_fallback(*state, &opts, -EOPNOTSUPP);
	assert_logged("NEST_PARENT", "EOPNOTSUPP", "kernel has no IOMMU_HWPT_ALLOC");
}

static void eopnotsupp_with_vendor_data_is_not_downgraded(void **state)
{
	static const uint32_t data[2] = { 0, 1 };
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = KABI_HWPT_DATA_SELFTEST,
			.data = data, .data_len = sizeof(data));

	expect_hwpt_alloc_data(0, DEV_ID, IOAS_ID, KABI_HWPT_DATA_SELFTEST, data,
			       sizeof(data), 0, EOPNOTSUPP);
	assert_no_fallback(*state, &opts, -EOPNOTSUPP);
	assert_logged("with vendor data", "EOPNOTSUPP", "vendor data");
}

/* ---- (7) vendor data --------------------------------------------------- */

static void all_zero_data_is_sent_as_no_data(void **state)
{
	static const uint8_t zeros[32];
	struct test_env *f = *state;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = KABI_HWPT_DATA_VTD_S1,
			.data = zeros, .data_len = sizeof(zeros));
	struct iommufd_hwpt *hwpt = NULL;

	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, HWPT_ID, 0);	/* type 0, len 0, NULL */
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, &opts, &hwpt), 0);
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(hwpt);
}

static void empty_data_is_sent_as_no_data(void **state)
{
	static const uint8_t one = 1;
	struct test_env *f = *state;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = KABI_HWPT_DATA_VTD_S1,
			.data = &one, .data_len = 0);
	struct iommufd_hwpt *hwpt = NULL;

	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, &opts, &hwpt), 0);
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(hwpt);
}

static void all_zero_data_takes_the_plain_path(void **state)
{
	static const uint8_t zeros[16];
	struct test_env *f = *state;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = KABI_HWPT_DATA_ARM_SMMUV3,
			.data = zeros, .data_len = sizeof(zeros),
			.fallback = IOMMUFD_HWPT_FALLBACK_ATTACH);
	struct iommufd_hwpt *hwpt = NULL;

	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, 0, ENOTTY);
	expect_attach(IOAS_ID, KERNEL_HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, &opts, &hwpt), 0);
	assert_true(iommufd_hwpt_is_kernel_allocated(hwpt));
	iommufd_hwpt_unref(hwpt);
}

static void nonzero_data_is_sent_as_given(void **state)
{
	static const uint8_t data[12] = { [11] = 0x80 };
	struct test_env *f = *state;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = KABI_HWPT_DATA_SELFTEST,
			.data = data, .data_len = sizeof(data));
	struct iommufd_hwpt *hwpt = NULL;

	expect_hwpt_alloc_data(0, DEV_ID, IOAS_ID, KABI_HWPT_DATA_SELFTEST, data,
			       sizeof(data), HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, &opts, &hwpt), 0);
	assert_false(iommufd_hwpt_is_kernel_allocated(hwpt));
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(hwpt);
}

/* ---- (8) the plain path's ATTACH fails --------------------------------- */

static void plain_path_attach_failure_changes_nothing(void **state)
{
	static const int errs[] = { EINVAL, ENOMEM, EBUSY };
	struct test_env *f = *state;
	uint32_t hwpt_id = 0x5a5a;

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		expect_hwpt_alloc(0, DEV_ID, IOAS_ID, 0, EOPNOTSUPP);
		expect_attach(IOAS_ID, KERNEL_HWPT_ID, errs[i]);
		assert_no_fallback(f, &opt_attach, -errs[i]);
		assert_int_equal(iommufd_device_get_hwpt_id(f->dev, &hwpt_id), -ENOENT);
	}
	assert_int_equal(hwpt_id, 0x5a5a);
	assert_logged("HWPT_ALLOC fallback", "device 2", "EBUSY");
	/* The failed attempts hold no reference: the IOAS goes at once. */
	expect_destroy(IOAS_ID, 0);
	iommufd_ioas_unref(f->ioas);
	f->ioas = test_ioas_new(f->ctx, IOAS_ID);
}

/* ---- (9) other errnos pass through ------------------------------------- */

static void other_errors_pass_through_without_fallback(void **state)
{
	static const int errs[] = { EINVAL, ENOENT, EADDRINUSE, ENOMEM, E2BIG };
	struct test_env *f = *state;

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		/* Opted in, yet only ENOTTY/EOPNOTSUPP take the plain path. */
		expect_hwpt_alloc(0, DEV_ID, IOAS_ID, 0, errs[i]);
		assert_no_fallback(f, &opt_replace, -errs[i]);
	}
	assert_logged("HWPT_ALLOC plain device 2 on IOAS 3", "ENOENT");
	assert_false(log_has("plain path"));
}

static void eaddrinuse_explains_reserved_iovas(void **state)
{
	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, 0, EADDRINUSE);
	assert_no_fallback(*state, NULL, -EADDRINUSE);
	assert_logged("EADDRINUSE", "reserves", "allocate before mapping");
}

/*
 * A paging HWPT pins the IOAS's pages at once: its ENOMEM names the limit,
 * unless the limit cannot be the cause (unlimited, or CAP_IPC_LOCK held).
 */
static void enomem_blames_the_limit_only_when_it_can_be_the_cause(void **state)
{
	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, 0, ENOMEM);
	assert_no_fallback(*state, NULL, -ENOMEM);
	assert_logged("<3>", "HWPT_ALLOC", "ENOMEM", "pins the pages",
		      "would exceed RLIMIT_MEMLOCK (8192 KiB;", "raise the limit");
	log_reset();
	host_set_memlock(RLIM_INFINITY);
	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, 0, ENOMEM);
	assert_no_fallback(*state, NULL, -ENOMEM);
	assert_logged("<3>", "HWPT_ALLOC", "ENOMEM", "pins the pages", "ran out of memory",
		      "not RLIMIT_MEMLOCK: the limit is unlimited");
	assert_false(log_has("raise the limit"));
	assert_null(strstr(iommufd_last_error(), "would exceed"));
}

/* ---- argument rejection (no ioctl) ------------------------------------- */

static void alloc_rejects_null(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hwpt *hwpt = NULL;

	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), NULL, NULL, &hwpt), -EINVAL);
	assert_int_equal(iommufd_hwpt_alloc(NULL, f->dev, NULL, &hwpt), -EINVAL);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, NULL, NULL), -EINVAL);
	assert_null(hwpt);
}

static void alloc_rejects_unknown_flags(void **state)
{
	static const uint32_t bad[] = { 1u << 3, 1u << 31, IOMMUFD_HWPT_NEST_PARENT | 1u << 4 };

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = bad[i]);

		assert_no_fallback(*state, &opts, -EINVAL);
	}
	assert_logged("unknown flags");
}

static void alloc_rejects_data_without_type(void **state)
{
	static const uint8_t data[8] = { 1 };
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data = data, .data_len = sizeof(data));

	assert_no_fallback(*state, &opts, -EINVAL);
	assert_logged("data without a data type");
}

static void alloc_rejects_length_without_data(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = KABI_HWPT_DATA_VTD_S1,
			.data_len = 24);

	assert_no_fallback(*state, &opts, -EINVAL);
}

static void alloc_rejects_length_over_32_bits(void **state)
{
	static const uint8_t data[8] = { 1 };
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = KABI_HWPT_DATA_VTD_S1,
			.data = data, .data_len = (size_t)UINT32_MAX + 1);

	assert_no_fallback(*state, &opts, -EINVAL);
}

static void alloc_rejects_pt_of_another_ctx(void **state)
{
	struct test_env *f = *state;
	struct iommufd_ctx *other_ctx = test_ctx_new();
	struct iommufd_ioas *other = test_ioas_new(other_ctx, IOAS_ID);
	struct iommufd_hwpt *hwpt = (void *)0x1;

	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(other), f->dev, NULL, &hwpt),
			 -EINVAL);
	assert_ptr_equal(hwpt, (void *)0x1);
	assert_logged("another context");
	expect_destroy(IOAS_ID, 0)->fd = iommufd_ctx_get_fd(other_ctx);
	iommufd_ioas_unref(other);
	iommufd_ctx_unref(other_ctx);
}

static void alloc_rejects_unknown_option_members(void **state)
{
	struct {
		struct iommufd_hwpt_opts known;
		uint32_t future;
	} newer = { .known = { .sz = sizeof(newer) }, .future = 1 };
	struct iommufd_hwpt_opts tiny = { .sz = 2 };

	assert_no_fallback(*state, &newer.known, -E2BIG);
	assert_no_fallback(*state, &tiny, -EINVAL);
}

static void alloc_ignores_members_past_an_older_sz(void **state)
{
	struct test_env *f = *state;
	/* An older caller knew only sz and flags: the rest is not its. */
	struct iommufd_hwpt_opts opts = {
		.sz = offsetof(struct iommufd_hwpt_opts, data_type),
		.flags = IOMMUFD_HWPT_DIRTY_TRACKING,
		.data_type = 99, .data = (void *)0x1, .data_len = 64,
	};
	struct iommufd_hwpt *hwpt = NULL;

	expect_hwpt_alloc(KABI_HWPT_ALLOC_DIRTY_TRACKING, DEV_ID, IOAS_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, &opts, &hwpt), 0);
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(hwpt);
}

/* ---- nested HWPTs ------------------------------------------------------ */

static struct iommufd_hwpt *nest_parent(struct test_env *f)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_hwpt *parent = NULL;

	expect_hwpt_alloc(KABI_HWPT_ALLOC_NEST_PARENT, DEV_ID, IOAS_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), f->dev, &opts, &parent), 0);
	return parent;
}

static void nested_alloc_sends_parent_and_data(void **state)
{
	static const uint64_t ste[2] = { 0x1, 0x2 };
	struct test_env *f = *state;
	struct iommufd_hwpt *parent = nest_parent(f);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = KABI_HWPT_DATA_ARM_SMMUV3,
			.data = ste, .data_len = sizeof(ste));
	struct iommufd_hwpt *nested = NULL;

	expect_hwpt_alloc_data(0, DEV_ID, HWPT_ID, KABI_HWPT_DATA_ARM_SMMUV3, ste,
			       sizeof(ste), NESTED_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(parent), f->dev, &opts,
					    &nested), 0);
	assert_int_equal(iommufd_hwpt_get_id(nested), NESTED_ID);
	/* The nested HWPT holds its parent: child first, then the parent. */
	iommufd_hwpt_unref(parent);
	expect_destroy(NESTED_ID, 0);
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(nested);
}

static void nested_alloc_without_data_is_rejected(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hwpt *parent = nest_parent(f);
	struct iommufd_hwpt *nested = (void *)0x1;

	assert_int_equal(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(parent), f->dev, NULL,
					    &nested), -EINVAL);
	assert_ptr_equal(nested, (void *)0x1);
	assert_logged("nested HWPT needs vendor data");
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(parent);
}

/* Nested data is the guest's: all zeros is sent as given, the kernel judges. */
static void nested_all_zero_data_is_sent_as_given(void **state)
{
	static const uint8_t zeros[24];
	struct test_env *f = *state;
	struct iommufd_hwpt *parent = nest_parent(f);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, zero, .data_type = KABI_HWPT_DATA_VTD_S1,
			.data = zeros, .data_len = sizeof(zeros));
	struct iommufd_hwpt *nested = (void *)0x1;

	expect_hwpt_alloc_data(0, DEV_ID, HWPT_ID, KABI_HWPT_DATA_VTD_S1, zeros,
			       sizeof(zeros), 0, EINVAL);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(parent), f->dev, &zero,
					    &nested), -EINVAL);
	assert_ptr_equal(nested, (void *)0x1);
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(parent);
}

static void nested_alloc_errors_are_not_downgraded(void **state)
{
	static const uint32_t data[4] = { 7 };
	struct test_env *f = *state;
	struct iommufd_hwpt *parent = nest_parent(f);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = KABI_HWPT_DATA_VTD_S1,
			.data = data, .data_len = sizeof(data));
	struct iommufd_hwpt *nested = (void *)0x1;

	expect_hwpt_alloc_data(0, DEV_ID, HWPT_ID, KABI_HWPT_DATA_VTD_S1, data,
			       sizeof(data), 0, EINVAL);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(parent), f->dev, &opts,
					    &nested), -EINVAL);
	assert_logged("on HWPT 5", "not a nest-parent");
	expect_hwpt_alloc_data(0, DEV_ID, HWPT_ID, KABI_HWPT_DATA_VTD_S1, data,
			       sizeof(data), 0, ENOTTY);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(parent), f->dev, &opts,
					    &nested), -EOPNOTSUPP);
	assert_ptr_equal(nested, (void *)0x1);
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(parent);
}

/* ---- lifetime ---------------------------------------------------------- */

static void destroy_only_at_last_unref(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hwpt *hwpt = nest_parent(f);

	assert_ptr_equal(iommufd_hwpt_ref(hwpt), hwpt);
	iommufd_hwpt_unref(hwpt);
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(hwpt);
}

static void hwpt_keeps_its_ioas_alive(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hwpt *hwpt = nest_parent(f);

	iommufd_ioas_unref(f->ioas);		/* no DESTROY yet */
	expect_destroy(HWPT_ID, 0);
	expect_destroy(IOAS_ID, 0);
	iommufd_hwpt_unref(hwpt);
	f->ioas = test_ioas_new(f->ctx, IOAS_ID);
}

static void hwpt_keeps_its_ctx_alive(void **state)
{
	struct test_env *f = *state;
	struct iommufd_hwpt *hwpt = nest_parent(f);
	int fd = iommufd_ctx_get_fd(f->ctx);

	iommufd_ctx_unref(f->ctx);
	f->dev = iommufd_device_unref(f->dev);
	f->ioas = iommufd_ioas_unref(f->ioas);	/* the HWPT holds it */
	assert_true(fd_is_open(fd));
	expect_destroy(HWPT_ID, 0);
	expect_destroy(IOAS_ID, 0);
	iommufd_hwpt_unref(hwpt);
	assert_false(fd_is_open(fd));
	/* Fresh objects for the teardown. */
	test_env_new(f, IOAS_ID, DEV_ID);
}

static void null_handle_getters(void **state)
{
	(void)state;
	assert_null(iommufd_hwpt_ref(NULL));
	assert_null(iommufd_hwpt_unref(NULL));
	assert_int_equal(iommufd_hwpt_get_id(NULL), 0);
	assert_null(iommufd_hwpt_as_pt(NULL));
	assert_int_equal(iommufd_hwpt_get_flags(NULL), 0);
	assert_false(iommufd_hwpt_is_kernel_allocated(NULL));
}

/* ---- a device adopted by ID: no plain path ----------------------------- */

static void device_by_id_has_no_plain_path(void **state)
{
	static const int errs[] = { EOPNOTSUPP, ENOTTY };
	struct test_env *f = *state;
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *hwpt = (void *)0x1;

	assert_int_equal(iommufd_device_new_from_id(f->ctx, 11, -1, IOMMUFD_ADOPT_BORROW, &dev), 0);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		expect_hwpt_alloc(0, 11, IOAS_ID, 0, errs[i]);
		/* Opted in, but no fallback possible: the kernel's errno, unchanged. */
		assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), dev, &opt_replace, &hwpt),
				 -errs[i]);
	}
	assert_ptr_equal(hwpt, (void *)0x1);
	assert_logged("device 11", "no plain path", "no cdev");
	/* The log names the errno the caller gets (the last one: ENOTTY). */
	assert_logged("HWPT_ALLOC", "device 11", "ENOTTY");
	iommufd_device_unref(dev);
}

/*
 * Defect 8 of issue 8: an ENOENT (say, a stale IOAS ID) through a device
 * handle made from an ID was followed by "no plain path", which has
 * nothing to do with it.
 */
static void device_by_id_enoent_does_not_mention_the_plain_path(void **state)
{
	struct test_env *f = *state;
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *hwpt = (void *)0x1;

	assert_int_equal(iommufd_device_new_from_id(f->ctx, 11, -1, IOMMUFD_ADOPT_BORROW, &dev), 0);
	log_reset();
	expect_hwpt_alloc(0, 11, IOAS_ID, 0, ENOENT);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), dev, NULL, &hwpt), -ENOENT);
	assert_logged("<3>", "HWPT_ALLOC", "device 11", "ENOENT");
	assert_false(log_has("plain path"));
	expect_hwpt_alloc(0, 11, IOAS_ID, 0, ENOENT);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), dev, &opt_attach, &hwpt), -ENOENT);
	assert_false(log_has("plain path"));
	assert_ptr_equal(hwpt, (void *)0x1);
	iommufd_device_unref(dev);
}

static void device_by_id_allocates(void **state)
{
	struct test_env *f = *state;
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *hwpt = NULL;

	assert_int_equal(iommufd_device_new_from_id(f->ctx, 11, -1, IOMMUFD_ADOPT_BORROW, &dev), 0);
	expect_hwpt_alloc(0, 11, IOAS_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(f), dev, NULL, &hwpt), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), HWPT_ID);
	iommufd_device_unref(dev);
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(hwpt);
}

/* ---- issue 11, defects 3 and 6: a kernel-allocated HWPT's ID ------------- */

static void on_device(struct iommufd_device *dev)
{
	script_set_devfd(iommufd_device_get_fd(dev));
}

/*
 * Defect 6: the kernel may put the devices attached through one
 * kernel-allocated HWPT handle on different domains, and frees each domain
 * with its last device. The handle used to count its devices and keep the
 * first domain's ID until all had left, naming a freed object; now its ID
 * is always a domain one of its devices is still on.
 */
static void defect6_kernel_hwpt_id_follows_a_live_domain(void **state)
{
	struct test_env *f = *state;
	struct iommufd_device *dev2 = test_device_new(f->ctx, DEV_ID + 10);
	struct iommufd_hwpt *hwpt = test_env_kernel_hwpt(f, KERNEL_HWPT_ID);
	struct iommufd_pt *pt = iommufd_hwpt_as_pt(hwpt);
	uint32_t id = 0;

	/* The second device lands on a domain of its own. */
	on_device(dev2);
	expect_attach(IOAS_ID, KERNEL_HWPT_ID + 1, 0);
	assert_int_equal(iommufd_device_attach(dev2, pt), 0);
	assert_int_equal(iommufd_device_get_hwpt_id(dev2, &id), 0);
	assert_int_equal(id, KERNEL_HWPT_ID + 1);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), KERNEL_HWPT_ID);
	assert_logged("device 12 got HWPT 8", "not the handle's HWPT 7");
	/* The first leaves: the kernel frees domain 7; the handle names 8. */
	on_device(f->dev);
	expect_detach(0);
	assert_int_equal(iommufd_device_detach(f->dev), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), KERNEL_HWPT_ID + 1);
	assert_int_equal(iommufd_pt_get_id(pt), KERNEL_HWPT_ID + 1);
	/* Back on the (new) shared domain 8: the ID stays put when 8 lives on. */
	expect_attach(IOAS_ID, KERNEL_HWPT_ID + 1, 0);
	assert_int_equal(iommufd_device_attach(f->dev, pt), 0);
	on_device(dev2);
	expect_detach(0);
	assert_int_equal(iommufd_device_detach(dev2), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), KERNEL_HWPT_ID + 1);
	/* Replaced onto the same handle, the kernel may move it: followed. */
	on_device(f->dev);
	expect_attach(IOAS_ID, KERNEL_HWPT_ID + 2, 0);
	assert_int_equal(iommufd_device_replace(f->dev, pt), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), KERNEL_HWPT_ID + 2);
	/* The last leaves: no domain, ID 0, until a device attaches again. */
	expect_detach(0);
	assert_int_equal(iommufd_device_detach(f->dev), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), 0);
	on_device(dev2);
	expect_attach(IOAS_ID, KERNEL_HWPT_ID + 3, 0);
	assert_int_equal(iommufd_device_attach(dev2, pt), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), KERNEL_HWPT_ID + 3);
	/* A device released while attached leaves the handle too. */
	expect_detach(0);
	assert_null(iommufd_device_unref(dev2));
	assert_int_equal(iommufd_hwpt_get_id(hwpt), 0);
	assert_null(iommufd_hwpt_unref(hwpt));	/* no DESTROY: the kernel's own */
	on_device(f->dev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(alloc_success_records_the_kernel_id),
		T(alloc_flags_become_kernel_flags),
		T(enotty_without_flags_takes_the_plain_path),
		T(eopnotsupp_without_flags_takes_the_plain_path),
		T(fallback_replace_attaches_a_detached_device),
		T(fallback_none_never_attaches),
		T(fallback_attach_refuses_an_attached_device),
		T(plain_path_replaces_a_current_attachment),
		T(kernel_hwpt_outlives_the_caller_ref_until_detach),
		T(kernel_hwpt_id_follows_its_first_device),
		T(nested_on_a_plain_hwpt_is_rejected),
		T(eopnotsupp_nest_parent_is_not_downgraded),
		T(refused_nest_parent_names_the_missing_capability),
		T(fault_queue_on_a_nest_parent_is_explained),
		T(eopnotsupp_dirty_tracking_is_not_downgraded),
		T(eopnotsupp_pasid_is_not_downgraded),
		T(enotty_with_flags_is_eopnotsupp),
		T(eopnotsupp_with_vendor_data_is_not_downgraded),
		T(all_zero_data_is_sent_as_no_data),
		T(empty_data_is_sent_as_no_data),
		T(all_zero_data_takes_the_plain_path),
		T(nonzero_data_is_sent_as_given),
		T(plain_path_attach_failure_changes_nothing),
		T(other_errors_pass_through_without_fallback),
		T(eaddrinuse_explains_reserved_iovas),
		T(enomem_blames_the_limit_only_when_it_can_be_the_cause),
		T(alloc_rejects_null),
		T(alloc_rejects_unknown_flags),
		T(alloc_rejects_data_without_type),
		T(alloc_rejects_length_without_data),
		T(alloc_rejects_length_over_32_bits),
		T(alloc_rejects_pt_of_another_ctx),
		T(alloc_rejects_unknown_option_members),
		T(alloc_ignores_members_past_an_older_sz),
		T(nested_alloc_sends_parent_and_data),
		T(nested_alloc_without_data_is_rejected),
		T(nested_all_zero_data_is_sent_as_given),
		T(nested_alloc_errors_are_not_downgraded),
		T(destroy_only_at_last_unref),
		T(hwpt_keeps_its_ioas_alive),
		T(hwpt_keeps_its_ctx_alive),
		T(null_handle_getters),
		T(device_by_id_has_no_plain_path),
		T(device_by_id_enoent_does_not_mention_the_plain_path),
		T(device_by_id_allocates),
		T(defect6_kernel_hwpt_id_follows_a_live_domain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
