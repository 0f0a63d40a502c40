// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Dirty tracking: switching it on and off, reading the bitmap of a range,
 * and the chunked read that splits a large range into calls of whole
 * bitmap words, each written at its own word of the caller's bitmap.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "kernel-script.h"

#define DEV_ID 2
#define IOAS_ID 3
#define HWPT_ID 5
#define PAGE 4096ull
#define WORD_PAGES 64ull	/* pages per bitmap word */
#define WORD_BYTES (WORD_PAGES * PAGE)
/* All 64 bits used: a truncation to 32 would show. */
#define BIG_IOVA 0x0000123400000000ull

struct fixture {
	TEST_ENV;
	struct iommufd_hwpt *hwpt;	/* DIRTY_TRACKING on the IOAS */
};

static int setup(void **state)
{
	static struct fixture f;

	ks_setup(state);
	test_env_new(&f.env, IOAS_ID, DEV_ID);
	f.hwpt = test_env_hwpt(&f.env, KABI_HWPT_ALLOC_DIRTY_TRACKING, HWPT_ID);
	script_assert_done();
	log_reset();
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	script_assert_done();
	expect_destroy(HWPT_ID, 0);
	iommufd_hwpt_unref(f->hwpt);
	test_env_free(&f->env);
	return ks_teardown(state);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static const int kernel_errnos[] = {
	ENOTTY, EOPNOTSUPP, EINVAL, EBUSY, ENOMEM, ENOENT, EFAULT, EIO, E2BIG, EPERM,
};
#define N_ERRNOS (sizeof(kernel_errnos) / sizeof(kernel_errnos[0]))

static bool all_bytes(const void *p, size_t len, unsigned char v)
{
	const unsigned char *b = p;

	for (size_t i = 0; i < len; i++)
		if (b[i] != v)
			return false;
	return true;
}

/* ==== set dirty tracking ================================================== */

static void set_dirty_tracking_sends_enable_and_disable(void **state)
{
	struct fixture *f = *state;

	expect_set_dirty_tracking(HWPT_ID, KABI_HWPT_DIRTY_TRACKING_ENABLE, 0);
	assert_int_equal(iommufd_hwpt_set_dirty_tracking(f->hwpt, true), 0);
	expect_set_dirty_tracking(HWPT_ID, 0, 0);
	assert_int_equal(iommufd_hwpt_set_dirty_tracking(f->hwpt, false), 0);
}

static void set_dirty_tracking_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];

		log_reset();
		expect_set_dirty_tracking(HWPT_ID, 1, err);
		assert_int_equal(iommufd_hwpt_set_dirty_tracking(f->hwpt, true), -err);
		assert_logged("HWPT_SET_DIRTY_TRACKING on HWPT 5", strerrorname_np(err));
		log_reset();
		expect_set_dirty_tracking(HWPT_ID, 0, err);
		assert_int_equal(iommufd_hwpt_set_dirty_tracking(f->hwpt, false), -err);
		assert_logged("HWPT_SET_DIRTY_TRACKING off HWPT 5", strerrorname_np(err));
	}
}

static void set_dirty_tracking_explains_its_errors(void **state)
{
	struct fixture *f = *state;

	expect_set_dirty_tracking(HWPT_ID, 1, ENOTTY);
	assert_int_equal(iommufd_hwpt_set_dirty_tracking(f->hwpt, true), -ENOTTY);
	assert_logged("HWPT_SET_DIRTY_TRACKING", "ENOTTY", "no dirty tracking", "6.7");
	log_reset();
	expect_set_dirty_tracking(HWPT_ID, 1, EINVAL);
	assert_int_equal(iommufd_hwpt_set_dirty_tracking(f->hwpt, true), -EINVAL);
	assert_logged("HWPT_SET_DIRTY_TRACKING", "EINVAL", "IOMMUFD_HWPT_DIRTY_TRACKING");
	log_reset();
	expect_set_dirty_tracking(HWPT_ID, 1, EOPNOTSUPP);
	assert_int_equal(iommufd_hwpt_set_dirty_tracking(f->hwpt, true), -EOPNOTSUPP);
	assert_logged("HWPT_SET_DIRTY_TRACKING", "EOPNOTSUPP", "IOMMUFD_HWPT_DIRTY_TRACKING");
	assert_int_equal(iommufd_hwpt_set_dirty_tracking(NULL, true), -EINVAL);
}

/* ==== get dirty bitmap ==================================================== */

static void get_dirty_bitmap_sends_the_fields(void **state)
{
	struct fixture *f = *state;
	uint64_t bitmap[4] = { 0 };

	expect_get_dirty_bitmap(HWPT_ID, 0, BIG_IOVA, 256 * PAGE, PAGE, bitmap,
				0x8000000000000001ull, 0);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap(f->hwpt, BIG_IOVA, 256 * PAGE, PAGE,
						       bitmap, 0), 0);
	assert_int_equal(bitmap[0], 0x8000000000000001ull);	/* what the kernel wrote */
	/* NO_CLEAR, a 2 MiB page and a single page. */
	expect_get_dirty_bitmap(HWPT_ID, KABI_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, 0x200000,
				0x200000, 0x200000, &bitmap[1], 0, 0);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap(f->hwpt, 0x200000, 0x200000, 0x200000,
						       &bitmap[1], IOMMUFD_DIRTY_NO_CLEAR), 0);
	/* The last page of the 64-bit space does not wrap. */
	expect_get_dirty_bitmap(HWPT_ID, 0, UINT64_MAX - (PAGE - 1), PAGE, PAGE, bitmap, 0, 0);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap(f->hwpt, UINT64_MAX - (PAGE - 1), PAGE,
						       PAGE, bitmap, 0), 0);
}

static void get_dirty_bitmap_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;
	uint64_t bitmap[1] = { 0 };

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];

		log_reset();
		expect_get_dirty_bitmap(HWPT_ID, 0, 0x10000, 8 * PAGE, PAGE, bitmap, ~0ull, err);
		assert_int_equal(iommufd_hwpt_get_dirty_bitmap(f->hwpt, 0x10000, 8 * PAGE, PAGE,
							       bitmap, 0), -err);
		assert_logged("HWPT_GET_DIRTY_BITMAP HWPT 5 iova 0x10000 length 0x8000",
			      strerrorname_np(err));
	}
	assert_int_equal(bitmap[0], 0);
	log_reset();
	expect_get_dirty_bitmap(HWPT_ID, 0, 0, PAGE, PAGE, bitmap, 0, ENOTTY);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap(f->hwpt, 0, PAGE, PAGE, bitmap, 0),
			 -ENOTTY);
	assert_logged("HWPT_GET_DIRTY_BITMAP", "ENOTTY", "6.7");
	expect_get_dirty_bitmap(HWPT_ID, 0, 0, PAGE, PAGE, bitmap, 0, EINVAL);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap(f->hwpt, 0, PAGE, PAGE, bitmap, 0),
			 -EINVAL);
	assert_logged("HWPT_GET_DIRTY_BITMAP", "EINVAL", "not a dirty-tracking HWPT");
}

/* Each call refuses with -EINVAL and a reason, before any ioctl. */
static void assert_refused(struct fixture *f, uint64_t iova, uint64_t length,
			   uint64_t page_size, uint64_t *bitmap, uint32_t flags,
			   const char *why)
{
	log_reset();
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap(f->hwpt, iova, length, page_size,
						       bitmap, flags), -EINVAL);
	assert_logged("HWPT_GET_DIRTY_BITMAP HWPT 5", why);
	log_reset();
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(f->hwpt, iova, length,
							       page_size, bitmap, flags,
							       1024 * PAGE), -EINVAL);
	assert_logged("HWPT_GET_DIRTY_BITMAP HWPT 5", why);
}

static void get_dirty_bitmap_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	uint64_t words[3] = { 0 };
	uint64_t *bitmap = words;

	assert_int_equal(iommufd_hwpt_get_dirty_bitmap(NULL, 0, PAGE, PAGE, bitmap, 0), -EINVAL);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(NULL, 0, PAGE, PAGE, bitmap, 0,
							       WORD_BYTES), -EINVAL);
	assert_refused(f, 0, PAGE, PAGE, NULL, 0, "bitmap is NULL");
	assert_refused(f, 0, 0x3000, 0x3000, bitmap, 0, "power of two");
	assert_refused(f, 0, PAGE, 0, bitmap, 0, "power of two");
	assert_refused(f, 0, PAGE, PAGE + 1, bitmap, 0, "power of two");
	assert_refused(f, 0, 0x800, 0x800, bitmap, 0, "at least 4096");
	assert_refused(f, 0, 0, PAGE, bitmap, 0, "non-zero multiples");
	assert_refused(f, 0x800, PAGE, PAGE, bitmap, 0, "non-zero multiples");
	assert_refused(f, 0, PAGE + 0x800, PAGE, bitmap, 0, "non-zero multiples");
	assert_refused(f, 0x200000 + PAGE, 0x200000, 0x200000, bitmap, 0, "non-zero multiples");
	assert_refused(f, UINT64_MAX - (PAGE - 1), 2 * PAGE, PAGE, bitmap, 0, "wraps");
	assert_refused(f, 0, PAGE, PAGE, bitmap, 2, "unknown flags");
	assert_refused(f, 0, PAGE, PAGE, bitmap, IOMMUFD_DIRTY_NO_CLEAR | 1u << 31,
		       "unknown flags");
	assert_true(all_bytes(words, sizeof(words), 0));
}

/*
 * The kernel accepts a bitmap at any address (issue 8, defect 7): so does
 * the library, which used to refuse one that was not 8-byte aligned.
 */
static void get_dirty_bitmap_accepts_any_alignment(void **state)
{
	struct fixture *f = *state;
	unsigned char bytes[3 * 8] = { 0 };

	for (size_t off = 1; off < 8; off += 3) {
		void *bitmap = bytes + off;
		uint64_t word;

		memset(bytes, 0, sizeof(bytes));
		expect_get_dirty_bitmap(HWPT_ID, 0, 0, 64 * PAGE, PAGE, bitmap,
					0x8000000000000001ull, 0);
		assert_int_equal(iommufd_hwpt_get_dirty_bitmap(f->hwpt, 0, 64 * PAGE, PAGE,
							       bitmap, 0), 0);
		memcpy(&word, bitmap, sizeof(word));
		assert_int_equal(word, 0x8000000000000001ull);
		expect_get_dirty_bitmap(HWPT_ID, 0, 0, 64 * PAGE, PAGE, bitmap, 0, 0);
		assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(f->hwpt, 0, 64 * PAGE,
								       PAGE, bitmap, 0,
								       64 * PAGE), 0);
	}
}

/* ==== chunked ============================================================= */

/*
 * 300 pages with chunks of 100 pages: each call is rounded down to 64 pages
 * (one bitmap word), so five calls, the last of 44 pages, each writing the
 * word of its own range.
 */
static void chunked_splits_into_whole_words(void **state)
{
	struct fixture *f = *state;
	uint64_t bitmap[6] = { 0 };

	for (uint64_t k = 0; k < 5; k++) {
		uint64_t len = k < 4 ? WORD_BYTES : 44 * PAGE;

		expect_get_dirty_bitmap(HWPT_ID, 0, BIG_IOVA + k * WORD_BYTES, len, PAGE,
					&bitmap[k], 0x100 + k, 0);
	}
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(f->hwpt, BIG_IOVA, 300 * PAGE,
							       PAGE, bitmap, 0, 100 * PAGE), 0);
	for (uint64_t k = 0; k < 5; k++)
		assert_int_equal(bitmap[k], 0x100 + k);
	assert_int_equal(bitmap[5], 0);	/* past the range: untouched */
}

/* 130 pages per chunk is two words: calls at words 0, 2 and 4. */
static void chunked_uses_multiples_of_64_pages(void **state)
{
	struct fixture *f = *state;
	uint64_t bitmap[5] = { 0 };
	const uint64_t step = 2 * WORD_BYTES;
	const uint32_t no_clear = KABI_HWPT_GET_DIRTY_BITMAP_NO_CLEAR;

	expect_get_dirty_bitmap(HWPT_ID, no_clear, 0, step, PAGE, &bitmap[0], 1, 0);
	expect_get_dirty_bitmap(HWPT_ID, no_clear, step, step, PAGE, &bitmap[2], 2, 0);
	expect_get_dirty_bitmap(HWPT_ID, no_clear, 2 * step, 44 * PAGE, PAGE, &bitmap[4], 3, 0);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(f->hwpt, 0, 300 * PAGE, PAGE,
							       bitmap, IOMMUFD_DIRTY_NO_CLEAR,
							       130 * PAGE), 0);
	assert_int_equal(bitmap[0], 1);
	assert_int_equal(bitmap[1], 0);
	assert_int_equal(bitmap[2], 2);
	assert_int_equal(bitmap[3], 0);
	assert_int_equal(bitmap[4], 3);
}

/* With 2 MiB pages, a word covers 128 MiB: the offsets follow the page size. */
static void chunked_word_offsets_follow_the_page_size(void **state)
{
	struct fixture *f = *state;
	const uint64_t ps = 0x200000, word = ps * WORD_PAGES;
	uint64_t bitmap[3] = { 0 };

	expect_get_dirty_bitmap(HWPT_ID, 0, BIG_IOVA, word, ps, &bitmap[0], 0, 0);
	expect_get_dirty_bitmap(HWPT_ID, 0, BIG_IOVA + word, word, ps, &bitmap[1], 0, 0);
	expect_get_dirty_bitmap(HWPT_ID, 0, BIG_IOVA + 2 * word, ps, ps, &bitmap[2], 0, 0);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(f->hwpt, BIG_IOVA,
							       2 * word + ps, ps, bitmap, 0,
							       word + ps), 0);
}

static void chunked_makes_one_call_when_the_range_fits(void **state)
{
	struct fixture *f = *state;
	uint64_t bitmap[5] = { 0 };

	expect_get_dirty_bitmap(HWPT_ID, 0, 0x40000000, 300 * PAGE, PAGE, bitmap, 7, 0);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(f->hwpt, 0x40000000, 300 * PAGE,
							       PAGE, bitmap, 0, 320 * PAGE), 0);
	expect_get_dirty_bitmap(HWPT_ID, 0, 0, PAGE, PAGE, bitmap, 0, 0);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(f->hwpt, 0, PAGE, PAGE, bitmap,
							       0, UINT64_MAX), 0);
	/* Exactly one word per chunk, exactly one chunk. */
	expect_get_dirty_bitmap(HWPT_ID, 0, 0, WORD_BYTES, PAGE, bitmap, 0, 0);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(f->hwpt, 0, WORD_BYTES, PAGE,
							       bitmap, 0, WORD_BYTES), 0);
}

static void chunked_stops_at_the_first_error(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];
		uint64_t bitmap[4] = { 0 };

		log_reset();
		expect_get_dirty_bitmap(HWPT_ID, 0, 0, WORD_BYTES, PAGE, &bitmap[0], 0xa, 0);
		expect_get_dirty_bitmap(HWPT_ID, 0, WORD_BYTES, WORD_BYTES, PAGE, &bitmap[1],
					0xb, err);
		/* No third or fourth call is scripted: any would fail the test. */
		assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(f->hwpt, 0,
								       4 * WORD_BYTES, PAGE,
								       bitmap, 0, WORD_BYTES),
				 -err);
		assert_logged("HWPT_GET_DIRTY_BITMAP HWPT 5 iova 0x40000 length 0x40000",
			      strerrorname_np(err));
		script_assert_done();
		assert_int_equal(bitmap[0], 0xa);	/* the chunks before stay valid */
		assert_int_equal(bitmap[1], 0);
		assert_int_equal(bitmap[2], 0);
		assert_int_equal(bitmap[3], 0);
	}
}

static void chunked_rejects_chunks_below_64_pages(void **state)
{
	struct fixture *f = *state;
	uint64_t bitmap[2] = { 0 };
	static const uint64_t chunks[] = { 0, 1, PAGE, 63 * PAGE, WORD_BYTES - 1 };

	for (size_t i = 0; i < sizeof(chunks) / sizeof(chunks[0]); i++) {
		log_reset();
		assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(f->hwpt, 0, 128 * PAGE,
								       PAGE, bitmap, 0,
								       chunks[i]), -EINVAL);
		assert_logged("HWPT_GET_DIRTY_BITMAP HWPT 5", "below 64 pages");
	}
	/* 64 pages of a page this large do not fit in 64 bits. */
	log_reset();
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(f->hwpt, 0, 1ull << 60,
							       1ull << 60, bitmap, 0,
							       UINT64_MAX), -EINVAL);
	assert_logged("HWPT_GET_DIRTY_BITMAP HWPT 5", "below 64 pages");
	assert_int_equal(bitmap[0], 0);
}

static void dirty_reads_make_no_allocation(void **state)
{
	struct fixture *f = *state;
	uint64_t bitmap[3] = { 0 };
	unsigned long before = alloc_count();

	expect_get_dirty_bitmap(HWPT_ID, 0, 0, PAGE, PAGE, bitmap, 0, 0);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap(f->hwpt, 0, PAGE, PAGE, bitmap, 0), 0);
	for (int k = 0; k < 3; k++)
		expect_get_dirty_bitmap(HWPT_ID, 0, k * WORD_BYTES, WORD_BYTES, PAGE, &bitmap[k],
					0, 0);
	assert_int_equal(iommufd_hwpt_get_dirty_bitmap_chunked(f->hwpt, 0, 3 * WORD_BYTES, PAGE,
							       bitmap, 0, WORD_BYTES), 0);
	expect_set_dirty_tracking(HWPT_ID, 0, 0);
	assert_int_equal(iommufd_hwpt_set_dirty_tracking(f->hwpt, false), 0);
	assert_int_equal(alloc_count(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(set_dirty_tracking_sends_enable_and_disable),
		T(set_dirty_tracking_passes_kernel_errnos_through),
		T(set_dirty_tracking_explains_its_errors),
		T(get_dirty_bitmap_sends_the_fields),
		T(get_dirty_bitmap_passes_kernel_errnos_through),
		T(get_dirty_bitmap_rejects_bad_arguments),
		T(get_dirty_bitmap_accepts_any_alignment),
		T(chunked_splits_into_whole_words),
		T(chunked_uses_multiples_of_64_pages),
		T(chunked_word_offsets_follow_the_page_size),
		T(chunked_makes_one_call_when_the_range_fits),
		T(chunked_stops_at_the_first_error),
		T(chunked_rejects_chunks_below_64_pages),
		T(dirty_reads_make_no_allocation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
