// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * PASIDs of a device: attach (VFIO ATTACH with the PASID flag, 16 bytes),
 * replace (a second ATTACH, no DETACH in between), detach (12 bytes), the
 * page table each PASID holds, and the release of a device that still has
 * PASIDs attached. References are proven by the script: a page table whose
 * last reference goes is DESTROYed at once, one still held is not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "kernel-script.h"

#define DEV_ID 2
#define IOAS_ID 3
#define HWPT_A 5
#define HWPT_B 6
#define OTHER_IOAS_ID 13
#define PASID 0x12345u

struct fixture {
	TEST_ENV;
	struct iommufd_hwpt *a, *b;	/* PASID-capable HWPTs on the IOAS */
};

static int setup(void **state)
{
	static struct fixture f;

	ks_setup(state);
	test_env_new(&f.env, IOAS_ID, DEV_ID);
	f.a = test_env_hwpt(&f.env, KABI_HWPT_ALLOC_PASID, HWPT_A);
	f.b = test_env_hwpt(&f.env, KABI_HWPT_ALLOC_PASID, HWPT_B);
	script_assert_done();
	log_reset();
	*state = &f;
	return 0;
}

/*
 * Tests leave no PASID attached (or drop the device themselves): a PASID
 * left behind makes the device's release DETACH it, unscripted, and fail.
 */
static int teardown(void **state)
{
	struct fixture *f = *state;

	script_assert_done();
	if (iommufd_device_get_pt(f->dev))
		expect_detach(0);
	f->dev = iommufd_device_unref(f->dev);
	script_assert_done();
	if (f->a)
		expect_destroy(HWPT_A, 0);
	f->a = iommufd_hwpt_unref(f->a);
	if (f->b)
		expect_destroy(HWPT_B, 0);
	f->b = iommufd_hwpt_unref(f->b);
	test_env_free(&f->env);
	return ks_teardown(state);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* The GET_HW_INFO the library makes to explain an EINVAL of a PASID attach. */
static void expect_pasid_bits(uint8_t bits)
{
	/*
	 * The entry keeps a pointer to its reply until the ioctl is made:
	 * static, a few in turn (a stack one dangled, as the ASan build showed).
	 */
	static struct kabi_hw_info replies[4];
	static unsigned int next;
	struct kabi_hw_info *reply = &replies[next++ % 4];

	*reply = (struct kabi_hw_info){ .out_max_pasid_log2 = bits };
	expect_hw_info(2, NULL, 0, reply, 0);
}

static struct iommufd_pt *pt_a(struct fixture *f) { return iommufd_hwpt_as_pt(f->a); }
static struct iommufd_pt *pt_b(struct fixture *f) { return iommufd_hwpt_as_pt(f->b); }

static const int kernel_errnos[] = {
	EINVAL, EOPNOTSUPP, EBUSY, ENOMEM, ENOENT, EFAULT, ENODEV, EIO, EEXIST, ENOTTY,
};
#define N_ERRNOS (sizeof(kernel_errnos) / sizeof(kernel_errnos[0]))

/* Drops the fixture's reference on @hwpt; @destroyed: it was the last one. */
static void drop(struct iommufd_hwpt **hwpt, bool destroyed)
{
	if (destroyed)
		expect_destroy(iommufd_hwpt_get_id(*hwpt), 0);
	*hwpt = iommufd_hwpt_unref(*hwpt);
	script_assert_done();
}

/* ==== attach ============================================================== */

static void attach_pasid_sends_argsz_16_with_the_pasid_flag(void **state)
{
	struct fixture *f = *state;

	expect_attach_pasid(HWPT_A, PASID, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, pt_a(f)), 0);
	assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, PASID), pt_a(f));
	assert_null(iommufd_device_get_pasid_pt(f->dev, PASID + 1));
	assert_null(iommufd_device_get_pasid_pt(f->dev, 0));
	/* The device itself stays detached: a PASID is not the RID. */
	assert_null(iommufd_device_get_pt(f->dev));
	expect_detach_pasid(PASID, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), 0);
	assert_null(iommufd_device_get_pasid_pt(f->dev, PASID));
}

static void attach_pasid_to_an_ioas_and_pasid_0(void **state)
{
	struct fixture *f = *state;
	struct iommufd_pt *ioas = iommufd_ioas_as_pt(f->ioas);

	expect_attach_pasid(IOAS_ID, 0, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, 0, ioas), 0);
	expect_attach_pasid(HWPT_A, UINT32_MAX, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, UINT32_MAX, pt_a(f)), 0);
	assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, 0), ioas);
	assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, UINT32_MAX), pt_a(f));
	expect_detach_pasid(0, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, 0), 0);
	expect_detach_pasid(UINT32_MAX, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, UINT32_MAX), 0);
}

static void attach_pasid_beside_the_device_attachment(void **state)
{
	struct fixture *f = *state;

	test_attach(f->dev, iommufd_ioas_as_pt(f->ioas), IOAS_ID, 9);
	expect_attach_pasid(HWPT_A, PASID, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, pt_a(f)), 0);
	assert_ptr_equal(iommufd_device_get_pt(f->dev), iommufd_ioas_as_pt(f->ioas));
	expect_detach_pasid(PASID, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), 0);
	assert_ptr_equal(iommufd_device_get_pt(f->dev), iommufd_ioas_as_pt(f->ioas));
	/* The teardown detaches the device. */
}

static void attached_pasid_holds_its_page_table(void **state)
{
	struct fixture *f = *state;

	expect_attach_pasid(HWPT_A, PASID, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, pt_a(f)), 0);
	drop(&f->a, false);			/* the PASID still holds it */
	expect_detach_pasid(PASID, 0);
	expect_destroy(HWPT_A, 0);		/* after the detach, not before */
	assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), 0);
}

static void attach_pasid_refuses_an_attached_pasid(void **state)
{
	struct fixture *f = *state;

	expect_attach_pasid(HWPT_A, PASID, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, pt_a(f)), 0);
	log_reset();
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, pt_b(f)), -EBUSY);
	assert_logged("ATTACH device 2 PASID 74565", "already attached",
		      "iommufd_device_replace_pasid");
	assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, PASID), pt_a(f));
	drop(&f->b, true);			/* the refusal took no reference */
	expect_detach_pasid(PASID, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), 0);
}

static void attach_pasid_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];

		log_reset();
		expect_attach_pasid(HWPT_A, 7, err);
		if (err == EINVAL)	/* explained from the device's PASID bits */
			expect_pasid_bits(20);
		assert_int_equal(iommufd_device_attach_pasid(f->dev, 7, pt_a(f)), -err);
		assert_logged("ATTACH device 2 PASID 7 to HWPT", strerrorname_np(err));
		assert_null(iommufd_device_get_pasid_pt(f->dev, 7));
	}
	drop(&f->a, true);	/* no failure kept a reference */
	/* Nothing is left attached: the device's release makes no DETACH. */
}

static void attach_pasid_explains_its_errors(void **state)
{
	struct fixture *f = *state;

	expect_attach_pasid(HWPT_A, 7, EINVAL);
	expect_pasid_bits(20);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, 7, pt_a(f)), -EINVAL);
	assert_logged("ATTACH device 2 PASID 7", "EINVAL", "before 6.15 refuse the PASID flag",
		      "IOMMUFD_HWPT_PASID");
	/* A device with no PASID bits: PASIDs are unsupported, said as such. */
	log_reset();
	expect_attach_pasid(HWPT_A, 7, EINVAL);
	expect_pasid_bits(0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, 7, pt_a(f)), -EOPNOTSUPP);
	assert_logged("ATTACH device 2 PASID 7", "EOPNOTSUPP", "has no PASIDs", "0 PASID bits");
	assert_null(iommufd_device_get_pasid_pt(f->dev, 7));
	/* A PASID beyond the device's bits: EINVAL, and the log says why. */
	log_reset();
	expect_attach_pasid(HWPT_A, 1u << 20, EINVAL);
	expect_pasid_bits(20);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, 1u << 20, pt_a(f)), -EINVAL);
	assert_logged("PASID 1048576", "beyond the device's 20 PASID bits");
	/* The hw info query failing too: the kernel's EINVAL stands. */
	log_reset();
	expect_attach_pasid(HWPT_A, 7, EINVAL);
	expect_hw_info(2, NULL, 0, NULL, ENODEV);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, 7, pt_a(f)), -EINVAL);
	expect_attach_pasid(HWPT_A, 7, EOPNOTSUPP);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, 7, pt_a(f)), -EOPNOTSUPP);
	assert_logged("ATTACH device 2 PASID 7", "EOPNOTSUPP", "no PASID support");
}

static void attach_pasid_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(iommufd_device_attach_pasid(NULL, PASID, pt_a(f)), -EINVAL);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, NULL), -EINVAL);
	assert_null(iommufd_device_get_pasid_pt(f->dev, PASID));
}

static void pasid_calls_on_a_handle_without_cdev_are_eopnotsupp(void **state)
{
	struct fixture *f = *state;
	struct iommufd_device *byid = NULL;

	assert_int_equal(iommufd_device_new_from_id(f->ctx, 11, -1, IOMMUFD_ADOPT_BORROW, &byid), 0);
	log_reset();
	assert_int_equal(iommufd_device_attach_pasid(byid, PASID, pt_a(f)), -EOPNOTSUPP);
	assert_logged("ATTACH PASID of device 11", "without the cdev");
	log_reset();
	assert_int_equal(iommufd_device_replace_pasid(byid, PASID, pt_b(f)), -EOPNOTSUPP);
	assert_logged("REPLACE PASID of device 11", "without the cdev");
	log_reset();
	assert_int_equal(iommufd_device_detach_pasid(byid, PASID), -EOPNOTSUPP);
	assert_logged("DETACH PASID of device 11", "without the cdev");
	assert_null(iommufd_device_get_pasid_pt(byid, PASID));
	iommufd_device_unref(byid);
	drop(&f->a, true);
}

static void pasid_calls_reject_a_page_table_of_another_context(void **state)
{
	struct fixture *f = *state;
	struct iommufd_ctx *other = test_ctx_new();
	struct iommufd_ioas *o = test_ioas_new(other, OTHER_IOAS_ID);

	script_set_iommufd(iommufd_ctx_get_fd(f->ctx));
	log_reset();
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, iommufd_ioas_as_pt(o)),
			 -EINVAL);
	assert_logged("ATTACH PASID of device 2", "IOAS 13 belongs to another context");
	expect_attach_pasid(HWPT_A, PASID, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, pt_a(f)), 0);
	log_reset();
	assert_int_equal(iommufd_device_replace_pasid(f->dev, PASID, iommufd_ioas_as_pt(o)),
			 -EINVAL);
	assert_logged("REPLACE PASID of device 2", "IOAS 13 belongs to another context");
	assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, PASID), pt_a(f));
	expect_detach_pasid(PASID, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), 0);
	script_set_iommufd(iommufd_ctx_get_fd(other));
	expect_destroy(OTHER_IOAS_ID, 0);
	iommufd_ioas_unref(o);
	iommufd_ctx_unref(other);
	script_assert_done();
	script_set_iommufd(iommufd_ctx_get_fd(f->ctx));
}

/* ==== replace ============================================================= */

static void replace_pasid_sends_a_second_attach_and_no_detach(void **state)
{
	struct fixture *f = *state;

	expect_attach_pasid(HWPT_A, PASID, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, pt_a(f)), 0);
	expect_attach_pasid(HWPT_B, PASID, 0);	/* and nothing else */
	assert_int_equal(iommufd_device_replace_pasid(f->dev, PASID, pt_b(f)), 0);
	script_assert_done();
	assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, PASID), pt_b(f));
	drop(&f->a, true);	/* the PASID let go of A */
	drop(&f->b, false);	/* and holds B */
	expect_detach_pasid(PASID, 0);
	expect_destroy(HWPT_B, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), 0);
}

static void replace_pasid_to_the_same_page_table(void **state)
{
	struct fixture *f = *state;

	expect_attach_pasid(HWPT_A, PASID, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, pt_a(f)), 0);
	expect_attach_pasid(HWPT_A, PASID, 0);
	assert_int_equal(iommufd_device_replace_pasid(f->dev, PASID, pt_a(f)), 0);
	drop(&f->a, false);	/* one reference held, not zero, not two */
	expect_detach_pasid(PASID, 0);
	expect_destroy(HWPT_A, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), 0);
}

static void replace_pasid_failure_keeps_the_old_page_table(void **state)
{
	struct fixture *f = *state;

	expect_attach_pasid(HWPT_A, PASID, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, pt_a(f)), 0);
	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];

		log_reset();
		expect_attach_pasid(HWPT_B, PASID, err);
		assert_int_equal(iommufd_device_replace_pasid(f->dev, PASID, pt_b(f)), -err);
		assert_logged("REPLACE device 2 PASID 74565 to HWPT", strerrorname_np(err));
		assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, PASID), pt_a(f));
	}
	drop(&f->b, true);	/* no failure took a reference on B */
	drop(&f->a, false);	/* A is still held by the PASID */
	expect_detach_pasid(PASID, 0);
	expect_destroy(HWPT_A, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), 0);
}

static void replace_pasid_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;

	log_reset();
	assert_int_equal(iommufd_device_replace_pasid(f->dev, PASID, pt_b(f)), -EINVAL);
	assert_logged("REPLACE device 2 PASID 74565", "not attached");
	assert_int_equal(iommufd_device_replace_pasid(NULL, PASID, pt_b(f)), -EINVAL);
	expect_attach_pasid(HWPT_A, PASID, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, pt_a(f)), 0);
	assert_int_equal(iommufd_device_replace_pasid(f->dev, PASID, NULL), -EINVAL);
	assert_int_equal(iommufd_device_replace_pasid(f->dev, PASID + 1, pt_b(f)), -EINVAL);
	assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, PASID), pt_a(f));
	expect_detach_pasid(PASID, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), 0);
}

static void replace_pasid_makes_no_allocation(void **state)
{
	struct fixture *f = *state;
	unsigned long before;

	expect_attach_pasid(HWPT_A, PASID, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, pt_a(f)), 0);
	before = alloc_count();
	expect_attach_pasid(HWPT_B, PASID, 0);
	assert_int_equal(iommufd_device_replace_pasid(f->dev, PASID, pt_b(f)), 0);
	expect_attach_pasid(HWPT_A, PASID, EBUSY);
	assert_int_equal(iommufd_device_replace_pasid(f->dev, PASID, pt_a(f)), -EBUSY);
	assert_int_equal(alloc_count(), before);
	expect_detach_pasid(PASID, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), 0);
}

/* ==== detach ============================================================== */

static void detach_pasid_failure_keeps_the_attachment(void **state)
{
	struct fixture *f = *state;

	expect_attach_pasid(HWPT_A, PASID, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, PASID, pt_a(f)), 0);
	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];

		log_reset();
		expect_detach_pasid(PASID, err);
		assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), -err);
		assert_logged("DETACH device 2 PASID 74565", strerrorname_np(err));
		assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, PASID), pt_a(f));
	}
	drop(&f->a, false);
	expect_detach_pasid(PASID, 0);
	expect_destroy(HWPT_A, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), 0);
}

static void detach_pasid_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;

	log_reset();
	assert_int_equal(iommufd_device_detach_pasid(f->dev, PASID), -EINVAL);
	assert_logged("DETACH device 2 PASID 74565", "not attached");
	assert_int_equal(iommufd_device_detach_pasid(NULL, PASID), -EINVAL);
	assert_null(iommufd_device_get_pasid_pt(NULL, PASID));
}

static void many_pasids_are_kept_apart(void **state)
{
	struct fixture *f = *state;
	static const uint32_t pasids[] = { 1, 2, 3, 4, 5, 6, 0xfffff };
	const size_t n = sizeof(pasids) / sizeof(pasids[0]);

	/* More than the initial room: the array grows under attached PASIDs. */
	for (size_t i = 0; i < n; i++) {
		expect_attach_pasid(i % 2 ? HWPT_B : HWPT_A, pasids[i], 0);
		assert_int_equal(iommufd_device_attach_pasid(f->dev, pasids[i],
							     i % 2 ? pt_b(f) : pt_a(f)), 0);
	}
	expect_detach_pasid(2, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, 2), 0);
	expect_detach_pasid(1, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, 1), 0);
	for (size_t i = 0; i < n; i++)
		assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, pasids[i]),
				 i < 2 ? NULL : i % 2 ? pt_b(f) : pt_a(f));
	expect_attach_pasid(HWPT_A, 6, 0);
	assert_int_equal(iommufd_device_replace_pasid(f->dev, 6, pt_a(f)), 0);
	assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, 6), pt_a(f));
	assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, 5), pt_a(f));
	assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, 4), pt_b(f));
	for (size_t i = 2; i < n; i++) {
		expect_detach_pasid(pasids[i], 0);
		assert_int_equal(iommufd_device_detach_pasid(f->dev, pasids[i]), 0);
	}
	drop(&f->a, true);
	drop(&f->b, true);
}

/* ==== release ============================================================= */

static void device_unref_detaches_every_pasid_then_the_device(void **state)
{
	struct fixture *f = *state;
	static const uint32_t pasids[] = { 10, 11, 12, 13, 14 };

	test_attach(f->dev, iommufd_ioas_as_pt(f->ioas), IOAS_ID, 9);
	for (size_t i = 0; i < 5; i++) {
		expect_attach_pasid(i % 2 ? HWPT_B : HWPT_A, pasids[i], 0);
		assert_int_equal(iommufd_device_attach_pasid(f->dev, pasids[i],
							     i % 2 ? pt_b(f) : pt_a(f)), 0);
	}
	/* Every PASID, in any order; then the device. */
	script_unordered_begin();
	for (size_t i = 0; i < 5; i++)
		expect_detach_pasid(pasids[i], 0);
	script_unordered_end();
	expect_detach(0);
	f->dev = iommufd_device_unref(f->dev);
	script_assert_done();
	/* The page tables were let go of: the fixture's are the last references. */
	drop(&f->a, true);
	drop(&f->b, true);
}

static void device_unref_releases_pasids_the_kernel_refused_to_detach(void **state)
{
	struct fixture *f = *state;

	expect_attach_pasid(HWPT_A, 1, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, 1, pt_a(f)), 0);
	expect_attach_pasid(HWPT_B, 2, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, 2, pt_b(f)), 0);
	script_unordered_begin();
	expect_detach_pasid(1, EIO);
	expect_detach_pasid(2, EBUSY);
	script_unordered_end();
	f->dev = iommufd_device_unref(f->dev);
	assert_logged("DETACH device 2 PASID 1", "EIO");
	assert_logged("DETACH device 2 PASID 2", "EBUSY");
	/* Closing the cdev detaches anyway: the references went regardless. */
	drop(&f->a, true);
	drop(&f->b, true);
}

/* The last PASID on a page table takes it along, as the release goes. */
static void device_unref_drops_page_tables_as_their_pasids_go(void **state)
{
	struct fixture *f = *state;

	expect_attach_pasid(HWPT_A, 1, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, 1, pt_a(f)), 0);
	drop(&f->a, false);
	expect_detach_pasid(1, 0);
	expect_destroy(HWPT_A, 0);
	f->dev = iommufd_device_unref(f->dev);
}

static void device_ref_keeps_pasids_attached(void **state)
{
	struct fixture *f = *state;

	expect_attach_pasid(HWPT_A, 1, 0);
	assert_int_equal(iommufd_device_attach_pasid(f->dev, 1, pt_a(f)), 0);
	assert_ptr_equal(iommufd_device_ref(f->dev), f->dev);
	assert_null(iommufd_device_unref(f->dev));	/* not the last: no DETACH */
	script_assert_done();
	assert_ptr_equal(iommufd_device_get_pasid_pt(f->dev, 1), pt_a(f));
	expect_detach_pasid(1, 0);
	assert_int_equal(iommufd_device_detach_pasid(f->dev, 1), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(attach_pasid_sends_argsz_16_with_the_pasid_flag),
		T(attach_pasid_to_an_ioas_and_pasid_0),
		T(attach_pasid_beside_the_device_attachment),
		T(attached_pasid_holds_its_page_table),
		T(attach_pasid_refuses_an_attached_pasid),
		T(attach_pasid_passes_kernel_errnos_through),
		T(attach_pasid_explains_its_errors),
		T(attach_pasid_rejects_bad_arguments),
		T(pasid_calls_on_a_handle_without_cdev_are_eopnotsupp),
		T(pasid_calls_reject_a_page_table_of_another_context),
		T(replace_pasid_sends_a_second_attach_and_no_detach),
		T(replace_pasid_to_the_same_page_table),
		T(replace_pasid_failure_keeps_the_old_page_table),
		T(replace_pasid_rejects_bad_arguments),
		T(replace_pasid_makes_no_allocation),
		T(detach_pasid_failure_keeps_the_attachment),
		T(detach_pasid_rejects_bad_arguments),
		T(many_pasids_are_kept_apart),
		T(device_unref_detaches_every_pasid_then_the_device),
		T(device_unref_releases_pasids_the_kernel_refused_to_detach),
		T(device_unref_drops_page_tables_as_their_pasids_go),
		T(device_ref_keeps_pasids_attached),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
