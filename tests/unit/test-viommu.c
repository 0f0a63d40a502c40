// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Nested translation objects: vIOMMU, nested HWPTs on a vIOMMU (with the
 * abort/bypass STE helpers), invalidation of nested HWPTs and vIOMMUs,
 * vDevices, hw info of a chosen type, and their lifetimes, down to every
 * order of releasing a full nesting setup.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "kernel-script.h"

#define DEV_ID 2
#define IOAS_ID 3
#define PARENT_ID 5
#define PLAIN_ID 6
#define VIOMMU_ID 8
#define NESTED_ID 9
#define VDEV_ID 10
/* All 64 bits used: a truncation to 32 would show. */
#define VIRT_ID 0x1122334455667788ull

/* The kernel's numbers, written out here rather than taken from uapi.h. */
#define HWPT_DATA_ARM_SMMUV3 2u
#define INVALIDATE_ARM_SMMUV3 1u
#define INVALIDATE_SELFTEST 0xdeadbeefu
#define HW_INFO_TEGRA241_CMDQV 3u

struct fixture {
	TEST_ENV;
	struct iommufd_hwpt *parent;	/* NEST_PARENT on the IOAS */
};

static int setup(void **state)
{
	static struct fixture f;

	ks_setup(state);
	test_env_new(&f.env, IOAS_ID, DEV_ID);
	f.parent = test_env_hwpt(&f.env, KABI_HWPT_ALLOC_NEST_PARENT, PARENT_ID);
	script_assert_done();
	log_reset();
	*state = &f;
	return 0;
}

/*
 * Releases what a test left. A test that leaked a reference on the parent,
 * the IOAS or the device makes a scripted DESTROY or DETACH go unmade, and
 * the script check fails.
 */
static int teardown(void **state)
{
	struct fixture *f = *state;

	script_assert_done();
	if (iommufd_device_get_pt(f->dev))
		expect_detach(0);
	f->dev = iommufd_device_unref(f->dev);
	if (f->parent)
		expect_destroy(PARENT_ID, 0);
	f->parent = iommufd_hwpt_unref(f->parent);
	test_env_free(&f->env);
	return ks_teardown(state);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static struct iommufd_viommu *viommu_new(struct fixture *f, uint32_t type, uint32_t id)
{
	struct iommufd_viommu *viommu = NULL;

	expect_viommu_alloc(DEV_ID, PARENT_ID, type, NULL, 0, id, 0);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, type, NULL, &viommu), 0);
	assert_int_equal(iommufd_viommu_get_id(viommu), id);
	return viommu;
}

static void viommu_free(struct iommufd_viommu *viommu)
{
	expect_destroy(iommufd_viommu_get_id(viommu), 0);
	assert_null(iommufd_viommu_unref(viommu));
	script_assert_done();
}

/* Some non-zero guest STE: which bytes does not matter to the library. */
static const uint64_t some_ste[2] = { 0x0123456789abcdefull, 0xfedcba9876543210ull };

static struct iommufd_hwpt *nested_new(struct iommufd_viommu *viommu,
				       struct iommufd_device *dev, uint32_t id)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = HWPT_DATA_ARM_SMMUV3,
			.data = some_ste, .data_len = sizeof(some_ste));
	struct iommufd_hwpt *hwpt = NULL;

	expect_hwpt_alloc_data(0, iommufd_device_get_id(dev), iommufd_viommu_get_id(viommu),
			       HWPT_DATA_ARM_SMMUV3, some_ste, sizeof(some_ste), id, 0);
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, dev, &opts, &hwpt), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), id);
	return hwpt;
}

/*
 * A second context with its own IOAS, device, nest parent and vIOMMU, for
 * the "handles of different contexts" checks. IDs are those of the first
 * context plus 10: the kernel numbers each iommufd's objects on its own.
 */
struct other {
	TEST_ENV;
	struct iommufd_hwpt *parent;
	struct iommufd_viommu *viommu;
};

static void use_fixture_fds(struct fixture *f)
{
	script_set_iommufd(iommufd_ctx_get_fd(f->ctx));
	script_set_devfd(iommufd_device_get_fd(f->dev));
}

static void other_new(struct fixture *f, struct other *o)
{
	test_env_new(&o->env, IOAS_ID + 10, DEV_ID + 10);
	o->parent = test_env_hwpt(&o->env, KABI_HWPT_ALLOC_NEST_PARENT, PARENT_ID + 10);
	expect_viommu_alloc(DEV_ID + 10, PARENT_ID + 10, IOMMUFD_VIOMMU_ARM_SMMUV3, NULL,
			    0, VIOMMU_ID + 10, 0);
	assert_int_equal(iommufd_viommu_alloc(o->parent, o->dev, IOMMUFD_VIOMMU_ARM_SMMUV3,
					      NULL, &o->viommu), 0);
	script_assert_done();
	use_fixture_fds(f);
	log_reset();
}

static void other_free(struct fixture *f, struct other *o)
{
	script_set_iommufd(iommufd_ctx_get_fd(o->ctx));
	expect_destroy(VIOMMU_ID + 10, 0);
	expect_destroy(PARENT_ID + 10, 0);
	expect_destroy(IOAS_ID + 10, 0);
	iommufd_hwpt_unref(o->parent);
	iommufd_ioas_unref(o->ioas);
	iommufd_viommu_unref(o->viommu);
	iommufd_device_unref(o->dev);
	iommufd_ctx_unref(o->ctx);
	script_assert_done();
	use_fixture_fds(f);
}

/* The kernel errnos the pass-through tests feed back. */
static const int kernel_errnos[] = {
	ENOTTY, EOPNOTSUPP, EINVAL, EBUSY, ENOMEM, ENOENT, EFAULT, E2BIG, EIO, EEXIST,
};
#define N_ERRNOS (sizeof(kernel_errnos) / sizeof(kernel_errnos[0]))

/* ==== vIOMMU allocation =================================================== */

static void viommu_alloc_sends_the_fields_and_records_the_id(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = NULL;

	expect_viommu_alloc(DEV_ID, PARENT_ID, 1, NULL, 0, VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, IOMMUFD_VIOMMU_ARM_SMMUV3,
					      NULL, &viommu), 0);
	assert_non_null(viommu);
	assert_int_equal(iommufd_viommu_get_id(viommu), VIOMMU_ID);
	assert_int_equal(iommufd_viommu_get_type(viommu), 1);
	assert_null(iommufd_device_get_pt(f->dev));	/* allocating is not attaching */
	viommu_free(viommu);
}

static void viommu_alloc_sends_type_data(void **state)
{
	static const uint8_t data[24] = { 1, 2, 3, [23] = 0xff };
	struct fixture *f = *state;
	LIBIOMMUFD_OPTS(iommufd_viommu_opts, opts, .data = data, .data_len = sizeof(data));
	struct iommufd_viommu *viommu = NULL;

	expect_viommu_alloc(DEV_ID, PARENT_ID, 2, data, sizeof(data), VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev,
					      IOMMUFD_VIOMMU_TEGRA241_CMDQV, &opts,
					      &viommu), 0);
	assert_int_equal(iommufd_viommu_get_type(viommu), 2);
	viommu_free(viommu);
}

static void viommu_alloc_sends_the_selftest_type(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 0xdeadbeefu, VIOMMU_ID);

	assert_int_equal(iommufd_viommu_get_type(viommu), 0xdeadbeefu);
	viommu_free(viommu);
}

static void viommu_alloc_accepts_zero_bytes_past_the_known_options(void **state)
{
	struct fixture *f = *state;
	struct {
		struct iommufd_viommu_opts known;
		uint64_t future;
	} newer = { .known = { .sz = sizeof(newer) }, .future = 0 };
	struct iommufd_viommu *viommu = NULL;

	expect_viommu_alloc(DEV_ID, PARENT_ID, 1, NULL, 0, VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, 1, &newer.known, &viommu), 0);
	viommu_free(viommu);
}

static void viommu_alloc_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < N_ERRNOS; i++) {
		struct iommufd_viommu *viommu = (void *)0x1;

		log_reset();
		expect_viommu_alloc(DEV_ID, PARENT_ID, 1, NULL, 0, VIOMMU_ID, kernel_errnos[i]);
		assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, 1, NULL, &viommu),
				 -kernel_errnos[i]);
		assert_ptr_equal(viommu, (void *)0x1);
		assert_logged("VIOMMU_ALLOC", "type 0x1", "device 2",
			      strerrorname_np(kernel_errnos[i]));
	}
	/* The failures took no reference: the parent goes in the teardown. */
}

static void viommu_alloc_explains_its_errors(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = NULL;

	expect_viommu_alloc(DEV_ID, PARENT_ID, 1, NULL, 0, 0, EOPNOTSUPP);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, 1, NULL, &viommu),
			 -EOPNOTSUPP);
	assert_logged("VIOMMU_ALLOC", "EOPNOTSUPP", "IOMMU driver", "no vIOMMU of this type");
	expect_viommu_alloc(DEV_ID, PARENT_ID, 1, NULL, 0, 0, ENOTTY);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, 1, NULL, &viommu), -ENOTTY);
	assert_logged("VIOMMU_ALLOC", "ENOTTY", "no vIOMMU objects", "6.13");
	expect_viommu_alloc(DEV_ID, PARENT_ID, 1, NULL, 0, 0, EINVAL);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, 1, NULL, &viommu), -EINVAL);
	assert_logged("VIOMMU_ALLOC", "EINVAL", "nest-parent");
	assert_null(viommu);
}

static void viommu_alloc_rejects_null(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = NULL;

	assert_int_equal(iommufd_viommu_alloc(f->parent, NULL, 1, NULL, &viommu), -EINVAL);
	assert_int_equal(iommufd_viommu_alloc(NULL, f->dev, 1, NULL, &viommu), -EINVAL);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, 1, NULL, NULL), -EINVAL);
	assert_null(viommu);
}

static void viommu_alloc_rejects_type_0(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = (void *)0x1;

	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, 0, NULL, &viommu), -EINVAL);
	assert_ptr_equal(viommu, (void *)0x1);
	assert_logged("VIOMMU_ALLOC", "type 0");
}

static void viommu_alloc_rejects_a_parent_without_nest_parent(void **state)
{
	static const uint32_t flags[] = { 0, IOMMUFD_HWPT_DIRTY_TRACKING, IOMMUFD_HWPT_PASID };
	static const uint32_t kflags[] = { 0, KABI_HWPT_ALLOC_DIRTY_TRACKING,
					   KABI_HWPT_ALLOC_PASID };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = flags[i]);
		struct iommufd_viommu *viommu = (void *)0x1;
		struct iommufd_hwpt *hwpt = NULL;

		expect_hwpt_alloc(kflags[i], DEV_ID, IOAS_ID, PLAIN_ID, 0);
		assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas), f->dev, &opts,
						    &hwpt), 0);
		log_reset();
		assert_int_equal(iommufd_viommu_alloc(hwpt, f->dev, 1, NULL, &viommu), -EINVAL);
		assert_ptr_equal(viommu, (void *)0x1);
		assert_logged("VIOMMU_ALLOC", "NEST_PARENT");
		expect_destroy(PLAIN_ID, 0);
		iommufd_hwpt_unref(hwpt);
	}
}

static void viommu_alloc_rejects_a_nested_hwpt_as_parent(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	struct iommufd_hwpt *nested = nested_new(viommu, f->dev, NESTED_ID);
	struct iommufd_viommu *other = (void *)0x1;

	assert_int_equal(iommufd_viommu_alloc(nested, f->dev, 1, NULL, &other), -EINVAL);
	assert_ptr_equal(other, (void *)0x1);
	expect_destroy(NESTED_ID, 0);
	expect_destroy(VIOMMU_ID, 0);
	iommufd_viommu_unref(viommu);
	iommufd_hwpt_unref(nested);
}

static void viommu_alloc_rejects_handles_of_different_contexts(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = (void *)0x1;
	struct other o;

	other_new(f, &o);
	assert_int_equal(iommufd_viommu_alloc(o.parent, f->dev, 1, NULL, &viommu), -EINVAL);
	assert_logged("VIOMMU_ALLOC", "device 2", "another context");
	assert_int_equal(iommufd_viommu_alloc(f->parent, o.dev, 1, NULL, &viommu), -EINVAL);
	assert_ptr_equal(viommu, (void *)0x1);
	other_free(f, &o);
}

static void viommu_alloc_rejects_data_len_without_data(void **state)
{
	struct fixture *f = *state;
	LIBIOMMUFD_OPTS(iommufd_viommu_opts, opts, .data_len = 16);
	struct iommufd_viommu *viommu = (void *)0x1;

	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, 2, &opts, &viommu), -EINVAL);
	assert_logged("VIOMMU_ALLOC", "16 bytes of data at NULL");
	opts.data = &opts;
	opts.data_len = (size_t)UINT32_MAX + 1;
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, 2, &opts, &viommu), -EINVAL);
	assert_ptr_equal(viommu, (void *)0x1);
}

static void viommu_alloc_rejects_unknown_option_bytes(void **state)
{
	struct fixture *f = *state;
	struct {
		struct iommufd_viommu_opts known;
		uint32_t future;
	} newer = { .known = { .sz = sizeof(newer) }, .future = 1 };
	struct iommufd_viommu_opts tiny = { .sz = 3 };
	struct iommufd_viommu *viommu = (void *)0x1;

	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, 1, &newer.known, &viommu),
			 -E2BIG);
	assert_logged("VIOMMU_ALLOC", "option byte");
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, 1, &tiny, &viommu), -EINVAL);
	assert_ptr_equal(viommu, (void *)0x1);
}

static void viommu_null_handles(void **state)
{
	(void)state;
	assert_null(iommufd_viommu_ref(NULL));
	assert_null(iommufd_viommu_unref(NULL));
	assert_int_equal(iommufd_viommu_get_id(NULL), 0);
	assert_int_equal(iommufd_viommu_get_type(NULL), 0);
	assert_null(iommufd_vdevice_ref(NULL));
	assert_null(iommufd_vdevice_unref(NULL));
	assert_int_equal(iommufd_vdevice_get_id(NULL), 0);
	assert_int_equal(iommufd_vdevice_get_virt_id(NULL), 0);
}

static void viommu_destroyed_at_the_last_unref_only(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);

	assert_ptr_equal(iommufd_viommu_ref(viommu), viommu);
	assert_null(iommufd_viommu_unref(viommu));	/* no DESTROY */
	script_assert_done();
	viommu_free(viommu);
}

/* ==== nested HWPT on a vIOMMU ============================================= */

static void viommu_hwpt_sends_the_viommu_id_and_the_data(void **state)
{
	static const uint8_t data[16] = { 0x0b, 0, 0, 0, 0, 0, 0, 0x80, 1 };
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = HWPT_DATA_ARM_SMMUV3,
			.data = data, .data_len = sizeof(data));
	struct iommufd_hwpt *hwpt = NULL;

	expect_hwpt_alloc_data(0, DEV_ID, VIOMMU_ID, HWPT_DATA_ARM_SMMUV3, data, 16,
			       NESTED_ID, 0);
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &opts, &hwpt), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), NESTED_ID);
	assert_int_equal(iommufd_pt_get_id(iommufd_hwpt_as_pt(hwpt)), NESTED_ID);
	assert_int_equal(iommufd_hwpt_get_flags(hwpt), 0);
	assert_false(iommufd_hwpt_is_kernel_allocated(hwpt));
	assert_null(iommufd_device_get_pt(f->dev));
	expect_destroy(NESTED_ID, 0);
	iommufd_hwpt_unref(hwpt);
	viommu_free(viommu);
}

/* An all-zero STE is V=0: the guest's "invalid" (DMA blocked): it is sent. */
static void viommu_hwpt_sends_all_zero_data_as_given(void **state)
{
	static const uint8_t zeros[16];
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = HWPT_DATA_ARM_SMMUV3,
			.data = zeros, .data_len = sizeof(zeros));
	struct iommufd_hwpt *hwpt = NULL;

	expect_hwpt_alloc_data(0, DEV_ID, VIOMMU_ID, HWPT_DATA_ARM_SMMUV3, zeros, 16,
			       NESTED_ID, 0);
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &opts, &hwpt), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), NESTED_ID);
	expect_destroy(NESTED_ID, 0);
	iommufd_hwpt_unref(hwpt);
	viommu_free(viommu);
}

static void viommu_hwpt_works_for_a_device_adopted_by_id(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 0xdeadbeefu, VIOMMU_ID);
	struct iommufd_device *dev = NULL;
	struct iommufd_hwpt *hwpt;

	assert_int_equal(iommufd_device_new_from_id(f->ctx, 11, -1, IOMMUFD_ADOPT_BORROW, &dev), 0);
	hwpt = nested_new(viommu, dev, NESTED_ID);
	iommufd_device_unref(dev);
	expect_destroy(NESTED_ID, 0);
	iommufd_hwpt_unref(hwpt);
	viommu_free(viommu);
}

static void viommu_hwpt_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = HWPT_DATA_ARM_SMMUV3,
			.data = some_ste, .data_len = sizeof(some_ste));

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];
		struct iommufd_hwpt *hwpt = (void *)0x1;

		if (err == ENOTTY)	/* below: never a pass-through here */
			continue;
		log_reset();
		/* No ATTACH follows: a nested request has no plain path. */
		expect_hwpt_alloc_data(0, DEV_ID, VIOMMU_ID, HWPT_DATA_ARM_SMMUV3, some_ste,
				       16, 0, err);
		assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &opts, &hwpt), -err);
		assert_ptr_equal(hwpt, (void *)0x1);
		assert_logged("HWPT_ALLOC", "device 2", "on vIOMMU 8", strerrorname_np(err));
	}
	assert_null(iommufd_device_get_pt(f->dev));
	/* The failures took no reference on the vIOMMU: it goes now. */
	viommu_free(viommu);
}

/*
 * ENOTTY from HWPT_ALLOC is the one errno not passed through: a nested
 * request carries vendor data, and the library reports requests a kernel
 * cannot do as -EOPNOTSUPP (as iommufd_hwpt_alloc() does for a nested HWPT
 * on a nest parent). A kernel with vIOMMUs (6.13) knows HWPT_ALLOC (6.6),
 * so a real kernel does not get here.
 */
static void viommu_hwpt_enotty_is_eopnotsupp(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = HWPT_DATA_ARM_SMMUV3,
			.data = some_ste, .data_len = sizeof(some_ste));
	struct iommufd_hwpt *hwpt = (void *)0x1;

	expect_hwpt_alloc_data(0, DEV_ID, VIOMMU_ID, HWPT_DATA_ARM_SMMUV3, some_ste, 16,
			       0, ENOTTY);
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &opts, &hwpt), -EOPNOTSUPP);
	assert_ptr_equal(hwpt, (void *)0x1);
	assert_logged("on vIOMMU 8", "EOPNOTSUPP", "no IOMMU_HWPT_ALLOC");
	viommu_free(viommu);
}

static void viommu_hwpt_explains_its_errors(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = HWPT_DATA_ARM_SMMUV3,
			.data = some_ste, .data_len = sizeof(some_ste));
	struct iommufd_hwpt *hwpt = NULL;

	expect_hwpt_alloc_data(0, DEV_ID, VIOMMU_ID, 2, some_ste, 16, 0, EIO);
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &opts, &hwpt), -EIO);
	assert_logged("on vIOMMU 8", "with vendor data", "EIO", "refused a field");
	expect_hwpt_alloc_data(0, DEV_ID, VIOMMU_ID, 2, some_ste, 16, 0, EOPNOTSUPP);
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &opts, &hwpt),
			 -EOPNOTSUPP);
	assert_logged("on vIOMMU 8", "EOPNOTSUPP", "cannot make a nested HWPT");
	expect_hwpt_alloc_data(0, DEV_ID, VIOMMU_ID, 2, some_ste, 16, 0, EINVAL);
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &opts, &hwpt), -EINVAL);
	assert_logged("on vIOMMU 8", "EINVAL", "vendor data is invalid");
	assert_null(hwpt);
	viommu_free(viommu);
}

static void viommu_hwpt_rejects_bad_arguments(void **state)
{
	static const uint8_t data[16] = { 1 };
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, good, .data_type = HWPT_DATA_ARM_SMMUV3,
			.data = data, .data_len = sizeof(data));
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, no_data, .data_type = HWPT_DATA_ARM_SMMUV3);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, len_no_ptr, .data_type = HWPT_DATA_ARM_SMMUV3,
			.data_len = 16);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, no_type, .data = data, .data_len = sizeof(data));
	struct iommufd_hwpt *hwpt = (void *)0x1;

	assert_int_equal(iommufd_viommu_alloc_hwpt(NULL, f->dev, &good, &hwpt), -EINVAL);
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, NULL, &good, &hwpt), -EINVAL);
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &good, NULL), -EINVAL);
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, NULL, &hwpt), -EINVAL);
	assert_logged("on vIOMMU 8", "needs vendor data");
	log_reset();
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &no_data, &hwpt), -EINVAL);
	assert_logged("on vIOMMU 8", "needs vendor data");
	log_reset();
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &len_no_ptr, &hwpt),
			 -EINVAL);
	assert_logged("16 bytes of data at");
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &no_type, &hwpt), -EINVAL);
	assert_logged("data without a data type");
	assert_ptr_equal(hwpt, (void *)0x1);
	viommu_free(viommu);
}

static void viommu_hwpt_rejects_flags(void **state)
{
	static const uint32_t flags[] = {
		IOMMUFD_HWPT_NEST_PARENT, IOMMUFD_HWPT_DIRTY_TRACKING, IOMMUFD_HWPT_PASID,
		1u << 31,
	};
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = flags[i],
				.data_type = HWPT_DATA_ARM_SMMUV3, .data = some_ste,
				.data_len = sizeof(some_ste));
		struct iommufd_hwpt *hwpt = (void *)0x1;

		log_reset();
		assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &opts, &hwpt),
				 -EINVAL);
		assert_ptr_equal(hwpt, (void *)0x1);
		assert_logged("vIOMMU 8", "takes no flags");
	}
	viommu_free(viommu);
}

static void viommu_hwpt_rejects_unknown_option_bytes(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	struct {
		struct iommufd_hwpt_opts known;
		uint32_t future;
	} newer = {
		.known = { .sz = sizeof(newer), .data_type = HWPT_DATA_ARM_SMMUV3,
			   .data = some_ste, .data_len = sizeof(some_ste) },
		.future = 1,
	};
	struct iommufd_hwpt_opts tiny = { .sz = 4 };
	struct iommufd_hwpt *hwpt = (void *)0x1;

	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &newer.known, &hwpt),
			 -E2BIG);
	assert_logged("HWPT_ALLOC", "option byte");
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, f->dev, &tiny, &hwpt), -EINVAL);
	assert_ptr_equal(hwpt, (void *)0x1);
	viommu_free(viommu);
}

static void viommu_hwpt_rejects_handles_of_different_contexts(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = HWPT_DATA_ARM_SMMUV3,
			.data = some_ste, .data_len = sizeof(some_ste));
	struct iommufd_hwpt *hwpt = (void *)0x1;
	struct other o;

	other_new(f, &o);
	assert_int_equal(iommufd_viommu_alloc_hwpt(o.viommu, f->dev, &opts, &hwpt), -EINVAL);
	assert_logged("HWPT_ALLOC", "device 2", "vIOMMU 18", "another context");
	assert_int_equal(iommufd_viommu_alloc_hwpt(viommu, o.dev, &opts, &hwpt), -EINVAL);
	assert_int_equal(iommufd_viommu_alloc_abort_hwpt(o.viommu, f->dev, &hwpt), -EINVAL);
	assert_int_equal(iommufd_viommu_alloc_bypass_hwpt(viommu, o.dev, &hwpt), -EINVAL);
	assert_ptr_equal(hwpt, (void *)0x1);
	other_free(f, &o);
	viommu_free(viommu);
}

/* ---- abort / bypass ----------------------------------------------------- */

/*
 * The first 16 bytes of an SMMUv3 STE (ARM IHI 0070, 5.2 Stream Table
 * Entry), little endian: word 0 bit 0 is V, bits 3:1 are Config; every
 * other bit zero. Written byte by byte, so the host's byte order does not
 * matter.
 */
static void ste_bytes(uint8_t out[16], unsigned int valid, unsigned int config)
{
	uint64_t w0 = (uint64_t)(valid & 1) << 0 | (uint64_t)(config & 7) << 1;

	memset(out, 0, 16);
	for (int i = 0; i < 8; i++)
		out[i] = (uint8_t)(w0 >> (8 * i));
}

static void check_ste_hwpt(struct fixture *f, uint32_t viommu_type, bool bypass)
{
	struct iommufd_viommu *viommu = viommu_new(f, viommu_type, VIOMMU_ID);
	struct iommufd_hwpt *hwpt = NULL;
	uint8_t ste[16];

	ste_bytes(ste, 1, bypass ? 4 /* 0b100 */ : 0 /* 0b000 */);
	/* The same, spelled out: V=1 plus Config << 1. */
	assert_int_equal(ste[0], bypass ? 0x09 : 0x01);
	expect_hwpt_alloc_bytes(0, DEV_ID, VIOMMU_ID, HWPT_DATA_ARM_SMMUV3, ste, 16,
				NESTED_ID, 0);
	if (bypass)
		assert_int_equal(iommufd_viommu_alloc_bypass_hwpt(viommu, f->dev, &hwpt), 0);
	else
		assert_int_equal(iommufd_viommu_alloc_abort_hwpt(viommu, f->dev, &hwpt), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), NESTED_ID);
	assert_int_equal(iommufd_hwpt_get_flags(hwpt), 0);
	/* The HWPT holds the vIOMMU: DESTROY HWPT, then vIOMMU. */
	iommufd_viommu_unref(viommu);
	expect_destroy(NESTED_ID, 0);
	expect_destroy(VIOMMU_ID, 0);
	iommufd_hwpt_unref(hwpt);
	script_assert_done();
}

static void abort_hwpt_sends_a_valid_abort_ste(void **state)
{
	check_ste_hwpt(*state, IOMMUFD_VIOMMU_ARM_SMMUV3, false);
	check_ste_hwpt(*state, IOMMUFD_VIOMMU_TEGRA241_CMDQV, false);
}

static void bypass_hwpt_sends_a_valid_bypass_ste(void **state)
{
	check_ste_hwpt(*state, IOMMUFD_VIOMMU_ARM_SMMUV3, true);
	check_ste_hwpt(*state, IOMMUFD_VIOMMU_TEGRA241_CMDQV, true);
}

static void abort_bypass_refuse_other_viommu_types(void **state)
{
	static const uint32_t types[] = { 0xdeadbeefu, 3, 0x1234 };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct iommufd_viommu *viommu = viommu_new(f, types[i], VIOMMU_ID);
		struct iommufd_hwpt *hwpt = (void *)0x1;

		log_reset();
		assert_int_equal(iommufd_viommu_alloc_abort_hwpt(viommu, f->dev, &hwpt),
				 -EOPNOTSUPP);
		assert_logged("vIOMMU 8", "SMMUv3");
		assert_int_equal(iommufd_viommu_alloc_bypass_hwpt(viommu, f->dev, &hwpt),
				 -EOPNOTSUPP);
		assert_ptr_equal(hwpt, (void *)0x1);
		viommu_free(viommu);
	}
}

static void abort_bypass_pass_kernel_errnos_through(void **state)
{
	static const int errs[] = { EOPNOTSUPP, EINVAL, EIO, ENOMEM, EBUSY };
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	uint8_t abort_ste[16], bypass_ste[16];

	ste_bytes(abort_ste, 1, 0);
	ste_bytes(bypass_ste, 1, 4);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		struct iommufd_hwpt *hwpt = (void *)0x1;

		expect_hwpt_alloc_bytes(0, DEV_ID, VIOMMU_ID, 2, abort_ste, 16, 0, errs[i]);
		assert_int_equal(iommufd_viommu_alloc_abort_hwpt(viommu, f->dev, &hwpt),
				 -errs[i]);
		expect_hwpt_alloc_bytes(0, DEV_ID, VIOMMU_ID, 2, bypass_ste, 16, 0, errs[i]);
		assert_int_equal(iommufd_viommu_alloc_bypass_hwpt(viommu, f->dev, &hwpt),
				 -errs[i]);
		assert_ptr_equal(hwpt, (void *)0x1);
	}
	assert_logged("on vIOMMU 8", "EIO", "refused a field");
	viommu_free(viommu);
}

static void abort_bypass_reject_null(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	struct iommufd_hwpt *hwpt = (void *)0x1;

	assert_int_equal(iommufd_viommu_alloc_abort_hwpt(NULL, f->dev, &hwpt), -EINVAL);
	assert_int_equal(iommufd_viommu_alloc_abort_hwpt(viommu, NULL, &hwpt), -EINVAL);
	assert_int_equal(iommufd_viommu_alloc_abort_hwpt(viommu, f->dev, NULL), -EINVAL);
	assert_int_equal(iommufd_viommu_alloc_bypass_hwpt(NULL, f->dev, &hwpt), -EINVAL);
	assert_int_equal(iommufd_viommu_alloc_bypass_hwpt(viommu, NULL, &hwpt), -EINVAL);
	assert_int_equal(iommufd_viommu_alloc_bypass_hwpt(viommu, f->dev, NULL), -EINVAL);
	assert_ptr_equal(hwpt, (void *)0x1);
	viommu_free(viommu);
}

/* ==== invalidation ======================================================== */

/*
 * The same checks for both calls: @inval is iommufd_hwpt_invalidate() on
 * the nested HWPT or iommufd_viommu_invalidate() on the vIOMMU.
 */
struct inval_target {
	const char *what;	/* "HWPT" or "vIOMMU", as logged */
	uint32_t id;
	uint32_t data_type;
	uint32_t entry_len;
	int (*call)(void *obj, uint32_t data_type, const void *entries,
		    uint32_t entry_len, uint32_t entry_num, uint32_t *ret_done);
	void *obj;
};

static int call_hwpt_invalidate(void *obj, uint32_t data_type, const void *entries,
				uint32_t entry_len, uint32_t entry_num, uint32_t *ret_done)
{
	return iommufd_hwpt_invalidate(obj, data_type, entries, entry_len, entry_num,
				       ret_done);
}

static int call_viommu_invalidate(void *obj, uint32_t data_type, const void *entries,
				  uint32_t entry_len, uint32_t entry_num, uint32_t *ret_done)
{
	return iommufd_viommu_invalidate(obj, data_type, entries, entry_len, entry_num,
					 ret_done);
}

/* Five entries of up to 16 bytes, distinct so a wrong pointer shows. */
static const uint64_t some_entries[5][2] = {
	{ 0x10, 0x11 }, { 0x20, 0x21 }, { 0x30, 0x31 }, { 0x40, 0x41 }, { 0x50, 0x51 },
};

static void invalidate_success(const struct inval_target *t)
{
	uint32_t done = 99;

	expect_hwpt_invalidate(t->id, t->data_type, some_entries, t->entry_len, 3, 3, 0);
	assert_int_equal(t->call(t->obj, t->data_type, some_entries, t->entry_len, 3, &done), 0);
	assert_int_equal(done, 3);
	/* ret_done may be NULL. */
	expect_hwpt_invalidate(t->id, t->data_type, some_entries, t->entry_len, 5, 5, 0);
	assert_int_equal(t->call(t->obj, t->data_type, some_entries, t->entry_len, 5, NULL), 0);
}

static void invalidate_failure_reports_the_handled_count(const struct inval_target *t)
{
	uint32_t done = 99;

	log_reset();
	expect_hwpt_invalidate(t->id, t->data_type, some_entries, t->entry_len, 5, 2, EIO);
	assert_int_equal(t->call(t->obj, t->data_type, some_entries, t->entry_len, 5, &done), -EIO);
	assert_int_equal(done, 2);
	assert_logged("INVALIDATE", t->what, "EIO", "after 2 of 5 entries");
	/* Refused at the first entry: 0 handled, written too. */
	done = 99;
	expect_hwpt_invalidate(t->id, t->data_type, some_entries, t->entry_len, 5, 0, EINVAL);
	assert_int_equal(t->call(t->obj, t->data_type, some_entries, t->entry_len, 5, &done),
			 -EINVAL);
	assert_int_equal(done, 0);
	/* Every other errno passes through with the kernel's count. */
	for (size_t i = 0; i < N_ERRNOS; i++) {
		if (kernel_errnos[i] == ENOTTY)
			continue;
		done = 99;
		expect_hwpt_invalidate(t->id, t->data_type, some_entries, t->entry_len, 4, 1,
				       kernel_errnos[i]);
		assert_int_equal(t->call(t->obj, t->data_type, some_entries, t->entry_len, 4,
					 &done), -kernel_errnos[i]);
		assert_int_equal(done, 1);
	}
	/* ret_done NULL on failure. */
	expect_hwpt_invalidate(t->id, t->data_type, some_entries, t->entry_len, 5, 2, EIO);
	assert_int_equal(t->call(t->obj, t->data_type, some_entries, t->entry_len, 5, NULL), -EIO);
}

/* A kernel before 6.8 does not know the command and writes nothing back. */
static void invalidate_enotty_handled_none(const struct inval_target *t)
{
	uint32_t done = 99;

	log_reset();
	expect_hwpt_invalidate(t->id, t->data_type, some_entries, t->entry_len, 5, KS_UNTOUCHED,
			       ENOTTY);
	assert_int_equal(t->call(t->obj, t->data_type, some_entries, t->entry_len, 5, &done),
			 -ENOTTY);
	assert_int_equal(done, 0);
	assert_logged("INVALIDATE", t->what, "ENOTTY", "6.8");
}

static void invalidate_probe(const struct inval_target *t)
{
	uint32_t done = 99;

	expect_hwpt_invalidate(t->id, t->data_type, NULL, 0, 0, 0, 0);
	assert_int_equal(t->call(t->obj, t->data_type, NULL, 0, 0, &done), 0);
	assert_int_equal(done, 0);
	/* With a length and a pointer, both go as given. */
	expect_hwpt_invalidate(t->id, t->data_type, some_entries, t->entry_len, 0, 0, 0);
	assert_int_equal(t->call(t->obj, t->data_type, some_entries, t->entry_len, 0, NULL), 0);
	/* No support: EOPNOTSUPP, explained. */
	log_reset();
	done = 99;
	expect_hwpt_invalidate(t->id, t->data_type, NULL, 0, 0, 0, EOPNOTSUPP);
	assert_int_equal(t->call(t->obj, t->data_type, NULL, 0, 0, &done), -EOPNOTSUPP);
	assert_int_equal(done, 0);
	assert_logged("INVALIDATE", t->what, "EOPNOTSUPP", "no invalidation of this kind");
}

static void invalidate_rejects(const struct inval_target *t)
{
	uint32_t done = 99;

	log_reset();
	assert_int_equal(t->call(t->obj, t->data_type, NULL, t->entry_len, 1, &done), -EINVAL);
	assert_logged("INVALIDATE", t->what, "1 entries");
	assert_int_equal(t->call(t->obj, t->data_type, some_entries, 0, 3, &done), -EINVAL);
	assert_int_equal(t->call(t->obj, t->data_type, NULL, 0, 2, &done), -EINVAL);
	assert_int_equal(t->call(NULL, t->data_type, some_entries, t->entry_len, 1, &done),
			 -EINVAL);
	assert_int_equal(t->call(NULL, t->data_type, NULL, 0, 0, &done), -EINVAL);
	/* Refused before the kernel: nothing to report, the count is untouched. */
	assert_int_equal(done, 99);
}

static void run_invalidate_checks(const struct inval_target *t)
{
	invalidate_success(t);
	invalidate_failure_reports_the_handled_count(t);
	invalidate_enotty_handled_none(t);
	invalidate_probe(t);
	invalidate_rejects(t);
}

static void hwpt_invalidate(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 0xdeadbeefu, VIOMMU_ID);
	struct iommufd_hwpt *nested = nested_new(viommu, f->dev, NESTED_ID);
	const struct inval_target t = {
		.what = "HWPT 9", .id = NESTED_ID, .data_type = INVALIDATE_SELFTEST,
		.entry_len = 8, .call = call_hwpt_invalidate, .obj = nested,
	};

	run_invalidate_checks(&t);
	expect_destroy(NESTED_ID, 0);
	iommufd_hwpt_unref(nested);
	viommu_free(viommu);
}

static void hwpt_invalidate_on_a_nest_parent_child(void **state)
{
	static const uint32_t s1[6] = { 1 };
	struct fixture *f = *state;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = 1, .data = s1,
			.data_len = sizeof(s1));
	struct iommufd_hwpt *nested = NULL;
	uint32_t done = 99;

	expect_hwpt_alloc_data(0, DEV_ID, PARENT_ID, 1, s1, sizeof(s1), NESTED_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(f->parent), f->dev, &opts,
					    &nested), 0);
	expect_hwpt_invalidate(NESTED_ID, 0, some_entries, 24, 1, 1, 0);
	assert_int_equal(iommufd_hwpt_invalidate(nested, 0, some_entries, 24, 1, &done), 0);
	assert_int_equal(done, 1);
	expect_destroy(NESTED_ID, 0);
	iommufd_hwpt_unref(nested);
}

static void viommu_invalidate(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	const struct inval_target t = {
		.what = "vIOMMU 8", .id = VIOMMU_ID, .data_type = INVALIDATE_ARM_SMMUV3,
		.entry_len = 16, .call = call_viommu_invalidate, .obj = viommu,
	};

	run_invalidate_checks(&t);
	viommu_free(viommu);
}

static void invalidate_makes_no_allocation(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	unsigned long before = alloc_count();
	uint32_t done = 0;

	expect_hwpt_invalidate(VIOMMU_ID, 1, some_entries, 16, 5, 5, 0);
	assert_int_equal(iommufd_viommu_invalidate(viommu, 1, some_entries, 16, 5, &done), 0);
	assert_int_equal(alloc_count(), before);
	viommu_free(viommu);
}

/* ==== vDevice ============================================================= */

static void vdevice_alloc_sends_the_fields_and_records_the_ids(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	struct iommufd_vdevice *vdev = NULL;

	expect_vdevice_alloc(VIOMMU_ID, DEV_ID, VIRT_ID, VDEV_ID, 0);
	assert_int_equal(iommufd_vdevice_alloc(viommu, f->dev, VIRT_ID, &vdev), 0);
	assert_int_equal(iommufd_vdevice_get_id(vdev), VDEV_ID);
	assert_true(iommufd_vdevice_get_virt_id(vdev) == VIRT_ID);
	assert_ptr_equal(iommufd_vdevice_ref(vdev), vdev);
	assert_null(iommufd_vdevice_unref(vdev));	/* not the last reference */
	script_assert_done();
	expect_destroy(VDEV_ID, 0);
	assert_null(iommufd_vdevice_unref(vdev));
	viommu_free(viommu);
}

static void vdevice_alloc_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);

	for (size_t i = 0; i < N_ERRNOS; i++) {
		struct iommufd_vdevice *vdev = (void *)0x1;

		log_reset();
		expect_vdevice_alloc(VIOMMU_ID, DEV_ID, 0x42, 0, kernel_errnos[i]);
		assert_int_equal(iommufd_vdevice_alloc(viommu, f->dev, 0x42, &vdev),
				 -kernel_errnos[i]);
		assert_ptr_equal(vdev, (void *)0x1);
		assert_logged("VDEVICE_ALLOC", "device 2", "vIOMMU 8", "0x42",
			      strerrorname_np(kernel_errnos[i]));
	}
	/* No reference taken by the failures: the vIOMMU goes at once. */
	viommu_free(viommu);
}

static void vdevice_alloc_explains_its_errors(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	struct iommufd_vdevice *vdev = NULL;

	expect_vdevice_alloc(VIOMMU_ID, DEV_ID, 7, 0, EEXIST);
	assert_int_equal(iommufd_vdevice_alloc(viommu, f->dev, 7, &vdev), -EEXIST);
	assert_logged("VDEVICE_ALLOC", "EEXIST", "already has a vDevice");
	expect_vdevice_alloc(VIOMMU_ID, DEV_ID, 7, 0, ENOTTY);
	assert_int_equal(iommufd_vdevice_alloc(viommu, f->dev, 7, &vdev), -ENOTTY);
	assert_logged("VDEVICE_ALLOC", "ENOTTY", "6.13");
	expect_vdevice_alloc(VIOMMU_ID, DEV_ID, 7, 0, EINVAL);
	assert_int_equal(iommufd_vdevice_alloc(viommu, f->dev, 7, &vdev), -EINVAL);
	assert_logged("VDEVICE_ALLOC", "EINVAL", "not behind this vIOMMU");
	assert_null(vdev);
	viommu_free(viommu);
}

static void vdevice_alloc_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	struct iommufd_vdevice *vdev = (void *)0x1;
	struct other o;

	assert_int_equal(iommufd_vdevice_alloc(NULL, f->dev, 1, &vdev), -EINVAL);
	assert_int_equal(iommufd_vdevice_alloc(viommu, NULL, 1, &vdev), -EINVAL);
	assert_int_equal(iommufd_vdevice_alloc(viommu, f->dev, 1, NULL), -EINVAL);
	other_new(f, &o);
	assert_int_equal(iommufd_vdevice_alloc(o.viommu, f->dev, 1, &vdev), -EINVAL);
	assert_logged("VDEVICE_ALLOC", "device 2", "vIOMMU 18", "another context");
	assert_int_equal(iommufd_vdevice_alloc(viommu, o.dev, 1, &vdev), -EINVAL);
	assert_ptr_equal(vdev, (void *)0x1);
	other_free(f, &o);
	viommu_free(viommu);
}

/* ==== hw info of a chosen type =========================================== */

static const struct kabi_hw_info cmdqv_reply = {
	.data_len = 8,
	.out_data_type = HW_INFO_TEGRA241_CMDQV,
	.out_max_pasid_log2 = 20,
	.out_capabilities = KABI_HW_CAP_DIRTY_TRACKING,
};

static void hw_info_of_type_sends_input_type(void **state)
{
	struct fixture *f = *state;
	uint8_t data[8];
	struct iommufd_hw_info info = { .sz = sizeof(info) };

	/* INPUT_TYPE is bit 0 of the kernel's flags: the helper checks flags == 1. */
	assert_int_equal(KABI_HW_INFO_FLAG_INPUT_TYPE, 1);
	expect_hw_info_type(DEV_ID, HW_INFO_TEGRA241_CMDQV, data, sizeof(data),
			    &cmdqv_reply, 0);
	assert_int_equal(iommufd_device_get_hw_info_of_type(f->dev, HW_INFO_TEGRA241_CMDQV,
							    data, sizeof(data), &info), 0);
	assert_int_equal(info.sz, sizeof(info));
	assert_int_equal(info.type, HW_INFO_TEGRA241_CMDQV);
	assert_int_equal(info.data_len, 8);
	assert_int_equal(info.capabilities, IOMMUFD_HW_CAP_DIRTY_TRACKING);
	assert_int_equal(info.max_pasid_log2, 20);
	/* Without a buffer, and for the other types, the type goes as given. */
	expect_hw_info_type(DEV_ID, 0xfeedbeefu, NULL, 0, &cmdqv_reply, 0);
	assert_int_equal(iommufd_device_get_hw_info_of_type(f->dev, 0xfeedbeefu, NULL, 0,
							    &info), 0);
}

static void hw_info_of_type_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < N_ERRNOS; i++) {
		struct iommufd_hw_info info = { .sz = sizeof(info), .type = 77,
						.data_len = 77 };

		log_reset();
		expect_hw_info_type(DEV_ID, 2, NULL, 0, &cmdqv_reply, kernel_errnos[i]);
		assert_int_equal(iommufd_device_get_hw_info_of_type(f->dev, 2, NULL, 0, &info),
				 -kernel_errnos[i]);
		assert_int_equal(info.type, 77);
		assert_int_equal(info.data_len, 77);
		assert_logged("GET_HW_INFO", "device 2", "chosen type",
			      strerrorname_np(kernel_errnos[i]));
	}
}

static void hw_info_of_type_explains_eopnotsupp(void **state)
{
	struct fixture *f = *state;
	struct iommufd_hw_info info = { .sz = sizeof(info) };

	expect_hw_info_type(DEV_ID, HW_INFO_TEGRA241_CMDQV, NULL, 0, NULL, EOPNOTSUPP);
	assert_int_equal(iommufd_device_get_hw_info_of_type(f->dev, HW_INFO_TEGRA241_CMDQV,
							    NULL, 0, &info), -EOPNOTSUPP);
	assert_logged("GET_HW_INFO", "EOPNOTSUPP", "6.17");
}

static void hw_info_of_type_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct iommufd_hw_info info = { .sz = sizeof(info), .type = 77 };
	struct iommufd_hw_info tiny = { .sz = offsetof(struct iommufd_hw_info, type) };
	uint8_t data[8];

	assert_int_equal(iommufd_device_get_hw_info_of_type(f->dev, 0, data, sizeof(data),
							    &info), -EINVAL);
	assert_int_equal(iommufd_device_get_hw_info_of_type(NULL, 2, data, sizeof(data),
							    &info), -EINVAL);
	assert_int_equal(iommufd_device_get_hw_info_of_type(f->dev, 2, data, sizeof(data),
							    NULL), -EINVAL);
	assert_int_equal(iommufd_device_get_hw_info_of_type(f->dev, 2, NULL, 8, &info),
			 -EINVAL);
	assert_int_equal(iommufd_device_get_hw_info_of_type(f->dev, 2, data, sizeof(data),
							    &tiny), -EINVAL);
	assert_int_equal(info.type, 77);
}

/* ==== lifetimes =========================================================== */

static void viommu_keeps_its_parent_alive(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);

	f->parent = iommufd_hwpt_unref(f->parent);	/* no DESTROY */
	script_assert_done();
	expect_destroy(VIOMMU_ID, 0);
	expect_destroy(PARENT_ID, 0);
	iommufd_viommu_unref(viommu);
}

static void nested_hwpt_keeps_its_viommu_alive(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	struct iommufd_hwpt *nested = nested_new(viommu, f->dev, NESTED_ID);

	iommufd_viommu_unref(viommu);
	f->parent = iommufd_hwpt_unref(f->parent);
	f->ioas = iommufd_ioas_unref(f->ioas);
	script_assert_done();
	expect_destroy(NESTED_ID, 0);
	expect_destroy(VIOMMU_ID, 0);
	expect_destroy(PARENT_ID, 0);
	expect_destroy(IOAS_ID, 0);
	iommufd_hwpt_unref(nested);
}

/* The vDevice is destroyed while the device's fd is still open. */
static int vdev_fd;

static void assert_dev_fd_open(const struct ks_entry *e, void *arg)
{
	(void)e;
	(void)arg;
	if (!fd_is_open(vdev_fd))
		fail_msg("vDevice DESTROY after the device's fd was closed");
}

static void vdevice_keeps_its_viommu_and_device_alive(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	struct iommufd_vdevice *vdev = NULL;

	vdev_fd = iommufd_device_get_fd(f->dev);
	test_attach(f->dev, iommufd_hwpt_as_pt(f->parent), PARENT_ID, PARENT_ID);
	expect_vdevice_alloc(VIOMMU_ID, DEV_ID, VIRT_ID, VDEV_ID, 0);
	assert_int_equal(iommufd_vdevice_alloc(viommu, f->dev, VIRT_ID, &vdev), 0);

	/* Device, vIOMMU, parent and IOAS handles go: no DETACH, no DESTROY. */
	f->dev = iommufd_device_unref(f->dev);
	iommufd_viommu_unref(viommu);
	f->parent = iommufd_hwpt_unref(f->parent);
	f->ioas = iommufd_ioas_unref(f->ioas);
	script_assert_done();
	assert_true(fd_is_open(vdev_fd));

	expect_destroy(VDEV_ID, 0)->reply = assert_dev_fd_open;
	/* Then the device and the vIOMMU, in either order... */
	script_unordered_begin();
	expect_detach(0);
	expect_destroy(VIOMMU_ID, 0);
	script_unordered_end();
	/* ...and what both held. */
	expect_destroy(PARENT_ID, 0);
	expect_destroy(IOAS_ID, 0);
	iommufd_vdevice_unref(vdev);
	assert_false(fd_is_open(vdev_fd));
}

static void vdevice_keeps_an_unattached_device_open(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, 1, VIOMMU_ID);
	struct iommufd_vdevice *vdev = NULL;

	vdev_fd = iommufd_device_get_fd(f->dev);
	expect_vdevice_alloc(VIOMMU_ID, DEV_ID, 1, VDEV_ID, 0);
	assert_int_equal(iommufd_vdevice_alloc(viommu, f->dev, 1, &vdev), 0);
	f->dev = iommufd_device_unref(f->dev);
	assert_true(fd_is_open(vdev_fd));
	expect_destroy(VDEV_ID, 0)->reply = assert_dev_fd_open;
	iommufd_vdevice_unref(vdev);
	assert_false(fd_is_open(vdev_fd));
	viommu_free(viommu);
	/* A fresh device for the teardown. */
	f->dev = test_device_new(f->ctx, DEV_ID);
}

/*
 * Every order of releasing a full nesting setup: context, IOAS, nest
 * parent, vIOMMU, nested HWPT on it, vDevice and device (attached to the
 * nested HWPT, to the parent, or not at all).
 *
 * A model says, after each release, which objects are now unused: an
 * object dies when its handle is released and every object holding it has
 * died. The deaths of a step are scripted as an unordered group (each
 * must happen exactly once, in this step, and nothing else), and each
 * death, as it happens, checks that every object holding it died before.
 */
enum obj { O_CTX, O_IOAS, O_PARENT, O_VIOMMU, O_NESTED, O_VDEV, O_DEV, O_COUNT };
enum attach { AT_NONE, AT_PARENT, AT_NESTED };

static const char *const obj_names[O_COUNT] = {
	"ctx", "IOAS", "parent", "vIOMMU", "nested", "vDevice", "device",
};

struct world {
	TEST_ENV;
	enum attach attach;
	struct iommufd_hwpt *parent, *nested;
	struct iommufd_viommu *viommu;
	struct iommufd_vdevice *vdev;
	int ctx_fd, dev_fd;
	bool released[O_COUNT];
	bool dead[O_COUNT];	/* by the model */
	bool gone[O_COUNT];	/* its death was seen */
};

static struct world *world;

/* Whether @holder holds a reference on @o. */
static bool holds(const struct world *w, enum obj holder, enum obj o)
{
	switch (o) {
	case O_CTX:
		return holder != O_CTX;
	case O_IOAS:
		return holder == O_PARENT;
	case O_PARENT:
		return holder == O_VIOMMU || (holder == O_DEV && w->attach == AT_PARENT);
	case O_VIOMMU:
		return holder == O_NESTED || holder == O_VDEV;
	case O_NESTED:
		return holder == O_DEV && w->attach == AT_NESTED;
	case O_DEV:
		return holder == O_VDEV;
	default:
		return false;
	}
}

/* The kernel sees a death: DESTROY, or the device's DETACH when attached. */
static bool death_is_an_ioctl(const struct world *w, enum obj o)
{
	return o != O_CTX && (o != O_DEV || w->attach != AT_NONE);
}

static uint32_t obj_id(enum obj o)
{
	static const uint32_t ids[O_COUNT] = {
		[O_IOAS] = IOAS_ID, [O_PARENT] = PARENT_ID, [O_VIOMMU] = VIOMMU_ID,
		[O_NESTED] = NESTED_ID, [O_VDEV] = VDEV_ID,
	};
	return ids[o];
}

static void see_death(const struct ks_entry *e, void *arg)
{
	enum obj o = (enum obj)(uintptr_t)e->data;
	struct world *w = world;

	(void)arg;
	for (int h = 0; h < O_COUNT; h++)
		if (holds(w, h, o) && death_is_an_ioctl(w, h) && !w->gone[h])
			fail_msg("%s destroyed while the %s holding it lives",
				 obj_names[o], obj_names[h]);
	/* The vDevice holds the device: its fd closes after the DESTROY. */
	if (o == O_VDEV && !fd_is_open(w->dev_fd))
		fail_msg("vDevice destroyed after the device's fd was closed");
	w->gone[o] = true;
}

static void world_new(struct world *w, enum attach attach)
{
	memset(w, 0, sizeof(*w));
	w->attach = attach;
	test_env_new(&w->env, IOAS_ID, DEV_ID);
	w->ctx_fd = iommufd_ctx_get_fd(w->ctx);
	w->dev_fd = iommufd_device_get_fd(w->dev);
	w->parent = test_env_hwpt(&w->env, KABI_HWPT_ALLOC_NEST_PARENT, PARENT_ID);
	expect_viommu_alloc(DEV_ID, PARENT_ID, 1, NULL, 0, VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(w->parent, w->dev, 1, NULL, &w->viommu), 0);
	w->nested = nested_new(w->viommu, w->dev, NESTED_ID);
	if (attach == AT_PARENT)
		test_attach(w->dev, iommufd_hwpt_as_pt(w->parent), PARENT_ID, PARENT_ID);
	else if (attach == AT_NESTED)
		test_attach(w->dev, iommufd_hwpt_as_pt(w->nested), NESTED_ID, NESTED_ID);
	expect_vdevice_alloc(VIOMMU_ID, DEV_ID, VIRT_ID, VDEV_ID, 0);
	assert_int_equal(iommufd_vdevice_alloc(w->viommu, w->dev, VIRT_ID, &w->vdev), 0);
	script_assert_done();
}

static void release(struct world *w, enum obj o)
{
	bool dead[O_COUNT];
	bool changed = true;

	w->released[o] = true;
	memcpy(dead, w->dead, sizeof(dead));
	while (changed) {
		changed = false;
		for (int x = 0; x < O_COUNT; x++) {
			bool unused = w->released[x] && !dead[x];

			for (int h = 0; unused && h < O_COUNT; h++)
				if (holds(w, h, x) && !dead[h])
					unused = false;
			if (unused)
				dead[x] = changed = true;
		}
	}
	script_unordered_begin();
	for (int x = 0; x < O_COUNT; x++) {
		struct ks_entry *e;

		if (!dead[x] || w->dead[x] || !death_is_an_ioctl(w, x))
			continue;
		e = x == O_DEV ? expect_detach(0) : expect_destroy(obj_id(x), 0);
		e->reply = see_death;
		e->data = (const void *)(uintptr_t)x;
	}
	script_unordered_end();
	memcpy(w->dead, dead, sizeof(dead));

	switch (o) {
	case O_CTX: iommufd_ctx_unref(w->ctx); break;
	case O_IOAS: iommufd_ioas_unref(w->ioas); break;
	case O_PARENT: iommufd_hwpt_unref(w->parent); break;
	case O_VIOMMU: iommufd_viommu_unref(w->viommu); break;
	case O_NESTED: iommufd_hwpt_unref(w->nested); break;
	case O_VDEV: iommufd_vdevice_unref(w->vdev); break;
	case O_DEV: iommufd_device_unref(w->dev); break;
	default: fail();
	}
	script_assert_done();
	assert_int_equal(fd_is_open(w->dev_fd), !w->dead[O_DEV]);
	assert_int_equal(fd_is_open(w->ctx_fd), !w->dead[O_CTX]);
}

static void release_in_order(const enum obj order[O_COUNT], enum attach attach)
{
	struct world w;

	world = &w;
	world_new(&w, attach);
	for (int i = 0; i < O_COUNT; i++)
		release(&w, order[i]);
	for (int x = 0; x < O_COUNT; x++) {
		assert_true(w.dead[x]);
		assert_int_equal(w.gone[x], death_is_an_ioctl(&w, x));
	}
	world = NULL;
}

static void release_in_every_order(void **state)
{
	/* Heap's algorithm over the six object handles; the context is put at
	 * each of the seven places in turn, and the device attached in each of
	 * the three ways in turn (7 and 3 being coprime, all 21 pairings come). */
	enum obj objs[6] = { O_IOAS, O_PARENT, O_VIOMMU, O_NESTED, O_VDEV, O_DEV };
	static bool seen[1 << 18];	/* 6 handles x 3 bits: each order once */
	int c[6] = { 0 };
	int n = 0;

	(void)state;
	for (int i = 0;;) {
		enum obj order[O_COUNT];
		int at = n % 7, k = 0;

		unsigned int key = 0;

		for (int j = 0; j < 6; j++)
			key = key << 3 | objs[j];
		assert_false(seen[key]);
		seen[key] = true;
		for (int j = 0; j < O_COUNT; j++)
			order[j] = j == at ? O_CTX : objs[k++];
		release_in_order(order, (enum attach)(n % 3));
		n++;
		/* Next permutation. */
		while (i < 6 && c[i] >= i)
			c[i++] = 0;
		if (i == 6)
			break;
		{
			int j = i % 2 ? c[i] : 0;
			enum obj tmp = objs[j];

			objs[j] = objs[i];
			objs[i] = tmp;
		}
		c[i]++;
		i = 1;
	}
	assert_int_equal(n, 720);
}

/* ==== the SMMUv3 "repeat TLBI/CFGI" erratum (7.3) ======================== */

/* @n built commands of @opcodes into @cmds. */
static void build_cmds(uint8_t (*cmds)[16], const uint32_t *opcodes, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, cmd, .opcode = opcodes[i]);

		assert_int_equal(iommufd_smmuv3_cmd_build(NULL, &cmd, NULL, cmds[i], 16, NULL,
							  NULL), 0);
	}
}

/*
 * With the erratum each run of TLBI/CFGI commands goes twice (each
 * INVALIDATE ends with the kernel's CMD_SYNC), ATC_INV once, in order;
 * without it, one INVALIDATE of them all.
 */
static void smmuv3_invalidate_repeats_tlbi_and_cfgi_runs(void **state)
{
	static const uint32_t ops[5] = {
		IOMMUFD_SMMUV3_CMD_TLBI_NH_ASID, IOMMUFD_SMMUV3_CMD_CFGI_CD_ALL,
		IOMMUFD_SMMUV3_CMD_ATC_INV, IOMMUFD_SMMUV3_CMD_TLBI_NSNH_ALL,
		IOMMUFD_SMMUV3_CMD_ATC_INV,
	};
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, IOMMUFD_VIOMMU_ARM_SMMUV3, VIOMMU_ID);
	struct iommufd_smmuv3_info hw = { .sz = sizeof(hw) };
	uint8_t cmds[5][16];
	uint32_t done = 99;

	build_cmds(cmds, ops, 5);
	expect_hwpt_invalidate(VIOMMU_ID, 1, cmds, 16, 5, 5, 0);
	assert_int_equal(iommufd_viommu_invalidate_smmuv3(viommu, &hw, cmds, 5, &done), 0);
	assert_int_equal(done, 5);
	expect_hwpt_invalidate(VIOMMU_ID, 1, cmds, 16, 5, 5, 0);
	assert_int_equal(iommufd_viommu_invalidate_smmuv3(viommu, NULL, cmds, 5, &done), 0);
	script_assert_done();

	hw.flags = IOMMUFD_SMMUV3_ERRATA_REPEAT_TLBI_CFGI;
	expect_hwpt_invalidate(VIOMMU_ID, 1, cmds[0], 16, 2, 2, 0);
	expect_hwpt_invalidate(VIOMMU_ID, 1, cmds[0], 16, 2, 2, 0);
	expect_hwpt_invalidate(VIOMMU_ID, 1, cmds[2], 16, 1, 1, 0);
	expect_hwpt_invalidate(VIOMMU_ID, 1, cmds[3], 16, 1, 1, 0);
	expect_hwpt_invalidate(VIOMMU_ID, 1, cmds[3], 16, 1, 1, 0);
	expect_hwpt_invalidate(VIOMMU_ID, 1, cmds[4], 16, 1, 1, 0);
	done = 99;
	assert_int_equal(iommufd_viommu_invalidate_smmuv3(viommu, &hw, cmds, 5, &done), 0);
	assert_int_equal(done, 5);
	/* No entries: the support probe, sent once. */
	expect_hwpt_invalidate(VIOMMU_ID, 1, NULL, 16, 0, 0, 0);
	assert_int_equal(iommufd_viommu_invalidate_smmuv3(viommu, &hw, NULL, 0, NULL), 0);
	viommu_free(viommu);
}

/* A refusal in either pass: ret_done counts the commands fully handled. */
static void smmuv3_invalidate_reports_what_was_fully_handled(void **state)
{
	static const uint32_t ops[3] = {
		IOMMUFD_SMMUV3_CMD_ATC_INV, IOMMUFD_SMMUV3_CMD_TLBI_NH_ALL,
		IOMMUFD_SMMUV3_CMD_TLBI_NH_ALL,
	};
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = viommu_new(f, IOMMUFD_VIOMMU_ARM_SMMUV3, VIOMMU_ID);
	struct iommufd_smmuv3_info hw = {
		.sz = sizeof(hw), .flags = IOMMUFD_SMMUV3_ERRATA_REPEAT_TLBI_CFGI,
	};
	uint8_t cmds[3][16];
	uint32_t done = 99;

	build_cmds(cmds, ops, 3);
	/* The repeat of the TLBI run fails after one: ATC_INV and one TLBI are done. */
	expect_hwpt_invalidate(VIOMMU_ID, 1, cmds[0], 16, 1, 1, 0);
	expect_hwpt_invalidate(VIOMMU_ID, 1, cmds[1], 16, 2, 2, 0);
	expect_hwpt_invalidate(VIOMMU_ID, 1, cmds[1], 16, 2, 1, EIO);
	assert_int_equal(iommufd_viommu_invalidate_smmuv3(viommu, &hw, cmds, 3, &done), -EIO);
	assert_int_equal(done, 2);
	assert_logged("INVALIDATE vIOMMU 8", "EIO");
	/* The first pass fails at once: nothing done, nothing repeated. */
	expect_hwpt_invalidate(VIOMMU_ID, 1, cmds[0], 16, 1, 0, EINVAL);
	assert_int_equal(iommufd_viommu_invalidate_smmuv3(viommu, &hw, cmds, 3, &done), -EINVAL);
	assert_int_equal(done, 0);
	/* Bad arguments reach no kernel. */
	assert_int_equal(iommufd_viommu_invalidate_smmuv3(NULL, &hw, cmds, 3, &done), -EINVAL);
	assert_int_equal(iommufd_viommu_invalidate_smmuv3(viommu, &hw, NULL, 3, &done), -EINVAL);
	viommu_free(viommu);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(smmuv3_invalidate_repeats_tlbi_and_cfgi_runs),
		T(smmuv3_invalidate_reports_what_was_fully_handled),
		T(viommu_alloc_sends_the_fields_and_records_the_id),
		T(viommu_alloc_sends_type_data),
		T(viommu_alloc_sends_the_selftest_type),
		T(viommu_alloc_accepts_zero_bytes_past_the_known_options),
		T(viommu_alloc_passes_kernel_errnos_through),
		T(viommu_alloc_explains_its_errors),
		T(viommu_alloc_rejects_null),
		T(viommu_alloc_rejects_type_0),
		T(viommu_alloc_rejects_a_parent_without_nest_parent),
		T(viommu_alloc_rejects_a_nested_hwpt_as_parent),
		T(viommu_alloc_rejects_handles_of_different_contexts),
		T(viommu_alloc_rejects_data_len_without_data),
		T(viommu_alloc_rejects_unknown_option_bytes),
		T(viommu_null_handles),
		T(viommu_destroyed_at_the_last_unref_only),
		T(viommu_hwpt_sends_the_viommu_id_and_the_data),
		T(viommu_hwpt_sends_all_zero_data_as_given),
		T(viommu_hwpt_works_for_a_device_adopted_by_id),
		T(viommu_hwpt_passes_kernel_errnos_through),
		T(viommu_hwpt_enotty_is_eopnotsupp),
		T(viommu_hwpt_explains_its_errors),
		T(viommu_hwpt_rejects_bad_arguments),
		T(viommu_hwpt_rejects_flags),
		T(viommu_hwpt_rejects_unknown_option_bytes),
		T(viommu_hwpt_rejects_handles_of_different_contexts),
		T(abort_hwpt_sends_a_valid_abort_ste),
		T(bypass_hwpt_sends_a_valid_bypass_ste),
		T(abort_bypass_refuse_other_viommu_types),
		T(abort_bypass_pass_kernel_errnos_through),
		T(abort_bypass_reject_null),
		T(hwpt_invalidate),
		T(hwpt_invalidate_on_a_nest_parent_child),
		T(viommu_invalidate),
		T(invalidate_makes_no_allocation),
		T(vdevice_alloc_sends_the_fields_and_records_the_ids),
		T(vdevice_alloc_passes_kernel_errnos_through),
		T(vdevice_alloc_explains_its_errors),
		T(vdevice_alloc_rejects_bad_arguments),
		T(hw_info_of_type_sends_input_type),
		T(hw_info_of_type_passes_kernel_errnos_through),
		T(hw_info_of_type_explains_eopnotsupp),
		T(hw_info_of_type_rejects_bad_arguments),
		T(viommu_keeps_its_parent_alive),
		T(nested_hwpt_keeps_its_viommu_alive),
		T(vdevice_keeps_its_viommu_and_device_alive),
		T(vdevice_keeps_an_unattached_device_open),
		KS_TEST(release_in_every_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
