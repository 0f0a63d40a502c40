// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dirty tracking of sets of HWPTs (1.1): every dirty-tracking HWPT of an
 * IOAS or the caller's list switched on all or nothing (rollback of what
 * the call switched), off as far as it goes; bitmaps of several HWPTs ORed
 * into one, bit for bit; and the read-then-unmap of a range.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "kernel-script.h"

#define DEV_ID 2
#define IOAS_ID 3
#define HWPT_A 5
#define HWPT_B 6
#define HWPT_C 7
#define PLAIN_ID 8
#define PAGE 4096ull
/* All 64 bits used: a truncation to 32 would show. */
#define BIG_IOVA 0x0000123400000000ull
#define ON KABI_HWPT_DIRTY_TRACKING_ENABLE
#define OFF 0u

struct fixture {
	TEST_ENV;
	struct iommufd_hwpt *h[3];	/* DIRTY_TRACKING on the IOAS: A, B, C */
};

static int setup(void **state)
{
	static struct fixture f;

	ks_setup(state);
	test_env_new(&f.env, IOAS_ID, DEV_ID);
	for (int i = 0; i < 3; i++)
		f.h[i] = test_env_hwpt(&f.env, KABI_HWPT_ALLOC_DIRTY_TRACKING, HWPT_A + i);
	script_assert_done();
	log_reset();
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	script_assert_done();
	for (int i = 0; i < 3; i++) {
		if (f->h[i])
			expect_destroy(HWPT_A + i, 0);
		f->h[i] = iommufd_hwpt_unref(f->h[i]);
	}
	test_env_free(&f->env);
	return ks_teardown(state);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/*
 * HWPT_GET_DIRTY_BITMAP whose kernel ORs @words (up to 4, in e->out) into
 * the bitmap it is given, as the kernel does (it never clears a bit).
 */
static void reply_or_words(const struct ks_entry *e, void *arg)
{
	const struct kabi_hwpt_get_dirty_bitmap *cmd = arg;
	uint64_t *bm = (uint64_t *)(uintptr_t)cmd->data;
	uint64_t words = (cmd->length / cmd->page_size + 63) / 64;

	if (e->err)
		return;
	for (uint64_t i = 0; i < words && i < 4; i++)
		bm[i] |= e->out[i];
}

static struct ks_entry *expect_read(uint32_t hwpt_id, uint32_t flags, uint64_t iova,
				    uint64_t length, const void *bitmap, const uint64_t *words,
				    int err)
{
	struct ks_entry *e = expect_get_dirty_bitmap(hwpt_id, flags, iova, length, PAGE,
						     bitmap, 0, err);

	e->reply = reply_or_words;
	for (int i = 0; i < 4; i++)
		e->out[i] = words ? words[i] : 0;
	return e;
}

/* ==== sets: switching on and off ========================================== */

static void set_switches_every_hwpt_in_order(void **state)
{
	struct fixture *f = *state;

	expect_set_dirty_tracking(HWPT_A, ON, 0);
	expect_set_dirty_tracking(HWPT_B, ON, 0);
	expect_set_dirty_tracking(HWPT_C, ON, 0);
	assert_int_equal(iommufd_hwpts_set_dirty_tracking(f->h, 3, true), 0);
	expect_set_dirty_tracking(HWPT_A, OFF, 0);
	expect_set_dirty_tracking(HWPT_B, OFF, 0);
	expect_set_dirty_tracking(HWPT_C, OFF, 0);
	assert_int_equal(iommufd_hwpts_set_dirty_tracking(f->h, 3, false), 0);
}

static void set_rolls_back_what_it_switched_on(void **state)
{
	struct fixture *f = *state;

	/* B is on already (from before): the rollback must leave it on. */
	expect_set_dirty_tracking(HWPT_B, ON, 0);
	assert_int_equal(iommufd_hwpt_set_dirty_tracking(f->h[1], true), 0);

	expect_set_dirty_tracking(HWPT_A, ON, 0);
	expect_set_dirty_tracking(HWPT_B, ON, 0);
	expect_set_dirty_tracking(HWPT_C, ON, EOPNOTSUPP);
	expect_set_dirty_tracking(HWPT_A, OFF, 0);	/* only A goes back */
	assert_int_equal(iommufd_hwpts_set_dirty_tracking(f->h, 3, true), -EOPNOTSUPP);
	assert_logged("HWPT_SET_DIRTY_TRACKING on HWPT 7", "EOPNOTSUPP");
	assert_logged("HWPT 5", "off again", "HWPT 7 refused");

	/* A second try that works; then one failing at the first HWPT undoes nothing. */
	expect_set_dirty_tracking(HWPT_A, ON, 0);
	expect_set_dirty_tracking(HWPT_B, ON, 0);
	expect_set_dirty_tracking(HWPT_C, ON, 0);
	assert_int_equal(iommufd_hwpts_set_dirty_tracking(f->h, 3, true), 0);
	expect_set_dirty_tracking(HWPT_C, ON, EIO);
	assert_int_equal(iommufd_hwpts_set_dirty_tracking(&f->h[2], 1, true), -EIO);
}

static void set_rollback_keeps_hwpts_on_before_the_call(void **state)
{
	struct fixture *f = *state;

	/* All of A, B on; C refuses: nothing was switched by this call. */
	expect_set_dirty_tracking(HWPT_A, ON, 0);
	expect_set_dirty_tracking(HWPT_B, ON, 0);
	assert_int_equal(iommufd_hwpts_set_dirty_tracking(f->h, 2, true), 0);
	expect_set_dirty_tracking(HWPT_A, ON, 0);
	expect_set_dirty_tracking(HWPT_B, ON, 0);
	expect_set_dirty_tracking(HWPT_C, ON, EINVAL);
	assert_int_equal(iommufd_hwpts_set_dirty_tracking(f->h, 3, true), -EINVAL);
}

/* A HWPT named twice: its second entry finds it on, yet this call switched it on. */
static void set_rollback_counts_a_hwpt_named_twice_once(void **state)
{
	struct fixture *f = *state;
	struct iommufd_hwpt *set[3] = { f->h[0], f->h[0], f->h[2] };

	expect_set_dirty_tracking(HWPT_A, ON, 0);
	expect_set_dirty_tracking(HWPT_A, ON, 0);
	expect_set_dirty_tracking(HWPT_C, ON, EOPNOTSUPP);
	expect_set_dirty_tracking(HWPT_A, OFF, 0);	/* once, though named twice */
	assert_int_equal(iommufd_hwpts_set_dirty_tracking(set, 3, true), -EOPNOTSUPP);
	assert_logged("HWPT 5", "off again", "HWPT 7 refused");
}

static void set_off_goes_through_and_reports_the_first_failure(void **state)
{
	struct fixture *f = *state;

	expect_set_dirty_tracking(HWPT_A, OFF, 0);
	expect_set_dirty_tracking(HWPT_B, OFF, EBUSY);
	expect_set_dirty_tracking(HWPT_C, OFF, EIO);
	assert_int_equal(iommufd_hwpts_set_dirty_tracking(f->h, 3, false), -EBUSY);
	assert_logged("HWPT_SET_DIRTY_TRACKING off HWPT 6", "EBUSY");
	assert_logged("HWPT_SET_DIRTY_TRACKING off HWPT 7", "EIO");
}

static void set_rejects_bad_sets_before_the_kernel(void **state)
{
	struct fixture *f = *state;
	struct iommufd_hwpt *with_null[2] = { f->h[0], NULL };
	struct iommufd_ctx *other = test_ctx_new();
	struct iommufd_ioas *oioas = test_ioas_new(other, 30);
	struct iommufd_device *odev = test_device_new(other, 31);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_hwpt *ohwpt = NULL, *mixed[2];
	uint64_t bm = 0;

	expect_hwpt_alloc(KABI_HWPT_ALLOC_DIRTY_TRACKING, 31, 30, 32, 0);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(oioas), odev, &opts, &ohwpt), 0);
	script_assert_done();
	mixed[0] = f->h[0];
	mixed[1] = ohwpt;

	assert_int_equal(iommufd_hwpts_set_dirty_tracking(NULL, 1, true), -EINVAL);
	assert_int_equal(iommufd_hwpts_set_dirty_tracking(f->h, 0, true), -EINVAL);
	assert_int_equal(iommufd_hwpts_set_dirty_tracking(with_null, 2, true), -EINVAL);
	assert_int_equal(iommufd_hwpts_set_dirty_tracking(mixed, 2, true), -EINVAL);
	assert_logged("HWPT 5 and HWPT 32", "different contexts");
	assert_int_equal(iommufd_hwpts_get_dirty_bitmap(mixed, 2, 0, PAGE, PAGE, &bm, 0),
			 -EINVAL);
	assert_int_equal(iommufd_hwpts_get_dirty_bitmap(f->h, 3, 0, PAGE, 3000, &bm, 0),
			 -EINVAL);
	assert_int_equal(iommufd_hwpts_get_dirty_bitmap(f->h, 3, 1, PAGE, PAGE, &bm, 0),
			 -EINVAL);
	assert_int_equal(iommufd_hwpts_get_dirty_bitmap(f->h, 3, 0, PAGE, PAGE, NULL, 0),
			 -EINVAL);
	assert_int_equal(iommufd_hwpts_get_dirty_bitmap(f->h, 3, 0, PAGE, PAGE, &bm, 2),
			 -EINVAL);
	assert_int_equal(bm, 0);

	script_set_iommufd(iommufd_ctx_get_fd(other));
	expect_destroy(32, 0);
	expect_destroy(30, 0);
	iommufd_hwpt_unref(ohwpt);
	iommufd_device_unref(odev);
	iommufd_ioas_unref(oioas);
	iommufd_ctx_unref(other);
	script_assert_done();
	script_set_iommufd(iommufd_ctx_get_fd(f->ctx));
}

/* ==== sets: reading ======================================================= */

static void read_ors_the_bitmaps_bit_exactly(void **state)
{
	struct fixture *f = *state;
	/* 256 pages: 4 words; each HWPT dirties its own bits, some shared. */
	const uint64_t a[4] = { 0x1, 0, 0x8000000000000000ull, 0x00ff00ff00ff00ffull };
	const uint64_t b[4] = { 0x3, 0x10, 0, 0x0f0f0f0f0f0f0f0full };
	const uint64_t c[4] = { 0, 0, 0x1, 0x8000000000000001ull };
	uint64_t bm[5] = { 0, 0, 0, 0, 0xdeadbeefdeadbeefull };	/* [4]: a guard */
	const uint64_t length = 256 * PAGE;

	expect_read(HWPT_A, 0, BIG_IOVA, length, bm, a, 0);
	expect_read(HWPT_B, 0, BIG_IOVA, length, bm, b, 0);
	expect_read(HWPT_C, 0, BIG_IOVA, length, bm, c, 0);
	assert_int_equal(iommufd_hwpts_get_dirty_bitmap(f->h, 3, BIG_IOVA, length, PAGE, bm, 0),
			 0);
	assert_int_equal(bm[0], 0x3);
	assert_int_equal(bm[1], 0x10);
	assert_int_equal(bm[2], 0x8000000000000001ull);
	assert_int_equal(bm[3], 0x8fff0fff0fff0fffull);
	assert_int_equal(bm[4], 0xdeadbeefdeadbeefull);

	/* NO_CLEAR reaches every HWPT; bits already set in the bitmap stay. */
	expect_read(HWPT_A, KABI_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, BIG_IOVA, length, bm, NULL, 0);
	expect_read(HWPT_B, KABI_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, BIG_IOVA, length, bm, NULL, 0);
	expect_read(HWPT_C, KABI_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, BIG_IOVA, length, bm, c, 0);
	assert_int_equal(iommufd_hwpts_get_dirty_bitmap(f->h, 3, BIG_IOVA, length, PAGE, bm,
							IOMMUFD_DIRTY_NO_CLEAR), 0);
	assert_int_equal(bm[0], 0x3);
	assert_int_equal(bm[3], 0x8fff0fff0fff0fffull);
}

static void read_stops_at_the_first_failure(void **state)
{
	struct fixture *f = *state;
	const uint64_t a[4] = { 0x4 };
	uint64_t bm = 0;

	expect_read(HWPT_A, 0, 0, 64 * PAGE, &bm, a, 0);
	expect_read(HWPT_B, 0, 0, 64 * PAGE, &bm, NULL, EINVAL);
	assert_int_equal(iommufd_hwpts_get_dirty_bitmap(f->h, 3, 0, 64 * PAGE, PAGE, &bm, 0),
			 -EINVAL);
	assert_logged("HWPT_GET_DIRTY_BITMAP HWPT 6", "EINVAL");
	assert_int_equal(bm, 0x4);	/* A's bits were read: they stay */
}

/* ==== every HWPT of an IOAS =============================================== */

static void ioas_covers_its_dirty_hwpts_only(void **state)
{
	struct fixture *f = *state;
	struct iommufd_ioas *other = test_ioas_new(f->ctx, 40);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, plain, );
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, dirty, .flags = IOMMUFD_HWPT_DIRTY_TRACKING);
	struct iommufd_hwpt *p = NULL, *elsewhere = NULL;

	/* A plain HWPT on the IOAS, a dirty one on another IOAS: not in the set. */
	expect_hwpt_alloc(0, DEV_ID, IOAS_ID, PLAIN_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas), f->dev, &plain, &p), 0);
	expect_hwpt_alloc(KABI_HWPT_ALLOC_DIRTY_TRACKING, DEV_ID, 40, 41, 0);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(other), f->dev, &dirty,
					    &elsewhere), 0);
	/* Oldest first. */
	expect_set_dirty_tracking(HWPT_A, ON, 0);
	expect_set_dirty_tracking(HWPT_B, ON, 0);
	expect_set_dirty_tracking(HWPT_C, ON, 0);
	assert_int_equal(iommufd_ioas_set_dirty_tracking(f->ioas, true), 0);
	/* A released HWPT leaves the set. */
	expect_destroy(HWPT_B, 0);
	f->h[1] = iommufd_hwpt_unref(f->h[1]);
	expect_set_dirty_tracking(HWPT_A, OFF, 0);
	expect_set_dirty_tracking(HWPT_C, OFF, 0);
	assert_int_equal(iommufd_ioas_set_dirty_tracking(f->ioas, false), 0);
	/* The other IOAS's set is its own. */
	expect_set_dirty_tracking(41, ON, 0);
	assert_int_equal(iommufd_ioas_set_dirty_tracking(other, true), 0);

	expect_destroy(PLAIN_ID, 0);
	expect_destroy(41, 0);
	expect_destroy(40, 0);
	iommufd_hwpt_unref(p);
	iommufd_hwpt_unref(elsewhere);
	iommufd_ioas_unref(other);
}

static void ioas_rolls_back_too(void **state)
{
	struct fixture *f = *state;

	expect_set_dirty_tracking(HWPT_A, ON, 0);
	expect_set_dirty_tracking(HWPT_B, ON, EOPNOTSUPP);
	expect_set_dirty_tracking(HWPT_A, OFF, 0);
	assert_int_equal(iommufd_ioas_set_dirty_tracking(f->ioas, true), -EOPNOTSUPP);
}

static void ioas_without_dirty_hwpts_is_enoent(void **state)
{
	struct fixture *f = *state;
	struct iommufd_ioas *empty = test_ioas_new(f->ctx, 40);
	uint64_t bm = 0, unmapped = 7;

	assert_int_equal(iommufd_ioas_set_dirty_tracking(empty, true), -ENOENT);
	assert_logged("HWPT_SET_DIRTY_TRACKING IOAS 40", "IOMMUFD_HWPT_DIRTY_TRACKING");
	assert_int_equal(iommufd_ioas_get_dirty_bitmap(empty, 0, PAGE, PAGE, &bm, 0), -ENOENT);
	assert_int_equal(iommufd_ioas_unmap_dirty(empty, 0, PAGE, PAGE, &bm, &unmapped),
			 -ENOENT);
	assert_int_equal(unmapped, 7);
	assert_int_equal(iommufd_ioas_set_dirty_tracking(NULL, true), -EINVAL);
	assert_int_equal(iommufd_ioas_get_dirty_bitmap(NULL, 0, PAGE, PAGE, &bm, 0), -EINVAL);
	assert_int_equal(iommufd_ioas_unmap_dirty(NULL, 0, PAGE, PAGE, &bm, NULL), -EINVAL);
	expect_destroy(40, 0);
	iommufd_ioas_unref(empty);
}

static void ioas_read_ors_every_hwpt(void **state)
{
	struct fixture *f = *state;
	const uint64_t a[4] = { 0x0000000100000000ull };
	const uint64_t b[4] = { 0x1 };
	const uint64_t c[4] = { 0x0000000100000001ull };
	uint64_t bm = 0;

	expect_read(HWPT_A, 0, BIG_IOVA, 64 * PAGE, &bm, a, 0);
	expect_read(HWPT_B, 0, BIG_IOVA, 64 * PAGE, &bm, b, 0);
	expect_read(HWPT_C, 0, BIG_IOVA, 64 * PAGE, &bm, c, 0);
	assert_int_equal(iommufd_ioas_get_dirty_bitmap(f->ioas, BIG_IOVA, 64 * PAGE, PAGE,
						       &bm, 0), 0);
	assert_int_equal(bm, 0x0000000100000001ull);
}

/* ==== read, then unmap ==================================================== */

static void unmap_dirty_reads_every_hwpt_then_unmaps(void **state)
{
	struct fixture *f = *state;
	const uint64_t a[4] = { 0x2 };
	const uint64_t c[4] = { 0x8000000000000000ull };
	uint64_t bm = 0, unmapped = 0;

	expect_read(HWPT_A, 0, BIG_IOVA, 64 * PAGE, &bm, a, 0);
	expect_read(HWPT_B, 0, BIG_IOVA, 64 * PAGE, &bm, NULL, 0);
	expect_read(HWPT_C, 0, BIG_IOVA, 64 * PAGE, &bm, c, 0);
	expect_ioas_unmap(IOAS_ID, BIG_IOVA, 64 * PAGE, 64 * PAGE, 0);
	assert_int_equal(iommufd_ioas_unmap_dirty(f->ioas, BIG_IOVA, 64 * PAGE, PAGE, &bm,
						  &unmapped), 0);
	assert_int_equal(bm, 0x8000000000000002ull);
	assert_int_equal(unmapped, 64 * PAGE);
}

static void unmap_dirty_unmaps_nothing_when_a_read_fails(void **state)
{
	struct fixture *f = *state;
	uint64_t bm = 0, unmapped = 7;

	expect_read(HWPT_A, 0, 0, 64 * PAGE, &bm, NULL, 0);
	expect_read(HWPT_B, 0, 0, 64 * PAGE, &bm, NULL, ENOMEM);
	assert_int_equal(iommufd_ioas_unmap_dirty(f->ioas, 0, 64 * PAGE, PAGE, &bm, &unmapped),
			 -ENOMEM);
	assert_int_equal(unmapped, 7);
	/* Bad arguments reach no kernel: neither the reads nor the unmap. */
	assert_int_equal(iommufd_ioas_unmap_dirty(f->ioas, 0, 64 * PAGE, 4095, &bm, &unmapped),
			 -EINVAL);
	assert_int_equal(iommufd_ioas_unmap_dirty(f->ioas, 0, 0, PAGE, &bm, &unmapped), -EINVAL);
}

static void unmap_dirty_keeps_the_bits_when_the_unmap_fails(void **state)
{
	struct fixture *f = *state;
	const uint64_t b[4] = { 0x10 };
	uint64_t bm = 0, unmapped = 7;

	expect_read(HWPT_A, 0, 0, 64 * PAGE, &bm, NULL, 0);
	expect_read(HWPT_B, 0, 0, 64 * PAGE, &bm, b, 0);
	expect_read(HWPT_C, 0, 0, 64 * PAGE, &bm, NULL, 0);
	expect_ioas_unmap(IOAS_ID, 0, 64 * PAGE, 0, ENOENT);
	assert_int_equal(iommufd_ioas_unmap_dirty(f->ioas, 0, 64 * PAGE, PAGE, &bm, &unmapped),
			 -ENOENT);
	assert_int_equal(bm, 0x10);
	assert_int_equal(unmapped, 7);
	assert_logged("IOAS_UNMAP IOAS 3", "ENOENT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(set_switches_every_hwpt_in_order),
		T(set_rolls_back_what_it_switched_on),
		T(set_rollback_keeps_hwpts_on_before_the_call),
		T(set_rollback_counts_a_hwpt_named_twice_once),
		T(set_off_goes_through_and_reports_the_first_failure),
		T(set_rejects_bad_sets_before_the_kernel),
		T(read_ors_the_bitmaps_bit_exactly),
		T(read_stops_at_the_first_failure),
		T(ioas_covers_its_dirty_hwpts_only),
		T(ioas_rolls_back_too),
		T(ioas_without_dirty_hwpts_is_enoent),
		T(ioas_read_ors_every_hwpt),
		T(unmap_dirty_reads_every_hwpt_then_unmaps),
		T(unmap_dirty_unmaps_nothing_when_a_read_fails),
		T(unmap_dirty_keeps_the_bits_when_the_unmap_fails),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
