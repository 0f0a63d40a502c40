// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The IOAS extras and the context's kernel options: memfd mappings
 * (map_file, map_file_fixed), IOAS copy, allowed IOVA ranges, the per-IOAS
 * huge-page option, the VFIO compat IOAS (set, get, clear), the rlimit
 * accounting mode and change-process. For each: the exact struct sent, the
 * kernel's errnos passed through with the line that explains them, and the
 * arguments refused before any ioctl.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#include "kernel-script.h"

#define DEV_ID 2		/* of test_env_new(): no test here uses the device */
#define IOAS_ID 3
#define IOAS2_ID 4
#define OTHER_IOAS_ID 13
#define MEMFD 42		/* open (/dev/null) in every test; the kernel is scripted */
#define RW (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)
#define K_R KABI_IOAS_MAP_READABLE
#define K_W KABI_IOAS_MAP_WRITEABLE
#define K_FIXED KABI_IOAS_MAP_FIXED_IOVA
/* All 64 bits used: a truncation to 32 would show. */
#define BIG_IOVA 0x0000123400000000ull
#define BIG_START 0x0000000500003000ull
#define BIG_LEN 0x0000000100000000ull

struct fixture {
	TEST_ENV;
};

static int setup(void **state)
{
	static struct fixture f;

	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	ks_setup(state);
	/* The library checks that a file to map is open before the kernel sees it. */
	assert_true(null >= 0);
	assert_int_equal(dup3(null, MEMFD, O_CLOEXEC), MEMFD);
	/* fd 0 is mapped too (a valid descriptor): open even under `<&-`. */
	if (fcntl(0, F_GETFD) < 0)
		assert_int_equal(dup2(null, 0), 0);
	close(null);
	test_env_new(&f.env, IOAS_ID, DEV_ID);
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	script_assert_done();
	test_env_free(&f->env);
	assert_null(f->ioas);
	close(MEMFD);
	return ks_teardown(state);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* The kernel errnos the pass-through tests feed back. */
static const int kernel_errnos[] = {
	ENOTTY, EOPNOTSUPP, EINVAL, EBUSY, ENOMEM, ENOENT, EFAULT, EPERM, EEXIST, EBADF,
	EADDRINUSE, ENOSPC, EOVERFLOW,
};
#define N_ERRNOS (sizeof(kernel_errnos) / sizeof(kernel_errnos[0]))

/* ==== IOAS_MAP_FILE ======================================================= */

static void map_file_sends_the_fields_and_returns_the_iova(void **state)
{
	static const struct { uint32_t prot, flags; } cases[] = {
		{ RW, K_R | K_W }, { IOMMUFD_MAP_READ, K_R }, { IOMMUFD_MAP_WRITE, K_W },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t iova = 0;

		/* Not fixed: no FIXED_IOVA, and iova 0 goes in. */
		expect_ioas_map_file(IOAS_ID, cases[i].flags, MEMFD, BIG_START, BIG_LEN, 0,
				     BIG_IOVA + i, 0);
		assert_int_equal(iommufd_ioas_map_file(f->ioas, MEMFD, BIG_START, BIG_LEN,
						       cases[i].prot, &iova), 0);
		assert_int_equal(iova, BIG_IOVA + i);
		script_assert_done();
	}
}

static void map_file_fixed_sends_fixed_iova(void **state)
{
	struct fixture *f = *state;

	expect_ioas_map_file(IOAS_ID, K_FIXED | K_R | K_W, MEMFD, 0, 4096, BIG_IOVA,
			     BIG_IOVA, 0);
	assert_int_equal(iommufd_ioas_map_file_fixed(f->ioas, MEMFD, 0, 4096, BIG_IOVA, RW), 0);
	expect_ioas_map_file(IOAS_ID, K_FIXED | K_R, 0, BIG_START, BIG_LEN, 0, 0, 0);
	assert_int_equal(iommufd_ioas_map_file_fixed(f->ioas, 0, BIG_START, BIG_LEN, 0,
						     IOMMUFD_MAP_READ), 0);
	/* The whole 64-bit space from its second page on does not wrap. */
	expect_ioas_map_file(IOAS_ID, K_FIXED | K_W, MEMFD, 4096, UINT64_MAX - 4095, 0, 0, 0);
	assert_int_equal(iommufd_ioas_map_file_fixed(f->ioas, MEMFD, 4096, UINT64_MAX - 4095, 0,
						     IOMMUFD_MAP_WRITE), 0);
}

static void map_file_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];
		uint64_t iova = 0x5a5a;

		/* EINVAL and ENOSPC are explained by the IOAS's usable ranges. */
		bool ranges = err == EINVAL || err == ENOSPC;

		log_reset();
		expect_ioas_map_file(IOAS_ID, K_R | K_W, MEMFD, 0, 4096, 0, 0x1000, err);
		if (ranges)
			expect_iova_ranges(IOAS_ID, 4, NULL, 0, 4096, 0);
		assert_int_equal(iommufd_ioas_map_file(f->ioas, MEMFD, 0, 4096, RW, &iova), -err);
		assert_int_equal(iova, 0x5a5a);	/* untouched on failure */
		assert_logged("IOAS_MAP_FILE", "IOAS 3", "fd 42", "length 0x1000",
			      strerrorname_np(err));
		log_reset();
		expect_ioas_map_file(IOAS_ID, K_FIXED | K_R, MEMFD, 0, 4096, 0x2000, 0, err);
		if (ranges)
			expect_iova_ranges(IOAS_ID, 4, NULL, 0, 4096, 0);
		assert_int_equal(iommufd_ioas_map_file_fixed(f->ioas, MEMFD, 0, 4096, 0x2000,
							     IOMMUFD_MAP_READ), -err);
		assert_logged("IOAS_MAP_FILE", "IOAS 3", strerrorname_np(err));
	}
}

static void map_file_explains_its_errors(void **state)
{
	struct fixture *f = *state;
	uint64_t iova;

	expect_ioas_map_file(IOAS_ID, K_R | K_W, MEMFD, 0, 4096, 0, 0, ENOTTY);
	assert_int_equal(iommufd_ioas_map_file(f->ioas, MEMFD, 0, 4096, RW, &iova), -ENOTTY);
	assert_logged("IOAS_MAP_FILE", "ENOTTY", "cannot map files", "6.13");
	expect_ioas_map_file(IOAS_ID, K_FIXED | K_R | K_W, MEMFD, 0, 4096, 0, 0, EEXIST);
	assert_int_equal(iommufd_ioas_map_file_fixed(f->ioas, MEMFD, 0, 4096, 0, RW), -EEXIST);
	assert_logged("IOAS_MAP_FILE", "EEXIST", "already mapped");
}

static void map_file_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	uint64_t iova = 0x5a5a;

	/* No ioctl is scripted: any would fail the test. */
	assert_int_equal(iommufd_ioas_map_file(NULL, MEMFD, 0, 4096, RW, &iova), -EINVAL);
	assert_int_equal(iommufd_ioas_map_file(f->ioas, MEMFD, 0, 4096, RW, NULL), -EINVAL);
	assert_int_equal(iommufd_ioas_map_file_fixed(NULL, MEMFD, 0, 4096, 0, RW), -EINVAL);
	log_reset();
	assert_int_equal(iommufd_ioas_map_file(f->ioas, -1, 0, 4096, RW, &iova), -EINVAL);
	assert_logged("IOAS_MAP_FILE", "IOAS 3", "fd -1", "invalid");
	assert_int_equal(iommufd_ioas_map_file_fixed(f->ioas, -5, 0, 4096, 0, RW), -EINVAL);
	log_reset();
	assert_int_equal(iommufd_ioas_map_file(f->ioas, MEMFD, 0, 0, RW, &iova), -EINVAL);
	assert_logged("IOAS_MAP_FILE", "length 0x0", "invalid");
	assert_int_equal(iommufd_ioas_map_file_fixed(f->ioas, MEMFD, 0, 0, 0, RW), -EINVAL);
	/* A file range that wraps around the 64-bit offset space. */
	assert_int_equal(iommufd_ioas_map_file(f->ioas, MEMFD, UINT64_MAX - 4095, 8192, RW,
					       &iova), -EINVAL);
	assert_int_equal(iommufd_ioas_map_file(f->ioas, MEMFD, 2, UINT64_MAX, RW, &iova),
			 -EINVAL);
	/* An IOVA range that wraps, for the fixed call only. */
	assert_int_equal(iommufd_ioas_map_file_fixed(f->ioas, MEMFD, 0, 8192,
						     UINT64_MAX - 4095, RW), -EINVAL);
	/* prot: READ and/or WRITE and nothing else. */
	log_reset();
	assert_int_equal(iommufd_ioas_map_file(f->ioas, MEMFD, 0, 4096, 0, &iova), -EINVAL);
	assert_logged("IOAS_MAP_FILE", "prot 0x0");
	assert_int_equal(iommufd_ioas_map_file(f->ioas, MEMFD, 0, 4096, 1u << 2, &iova),
			 -EINVAL);
	assert_int_equal(iommufd_ioas_map_file(f->ioas, MEMFD, 0, 4096, RW | 1u << 31, &iova),
			 -EINVAL);
	assert_int_equal(iommufd_ioas_map_file_fixed(f->ioas, MEMFD, 0, 4096, 0, 0), -EINVAL);
	assert_int_equal(iommufd_ioas_map_file_fixed(f->ioas, MEMFD, 0, 4096, 0, RW | 8),
			 -EINVAL);
	assert_int_equal(iova, 0x5a5a);
}

/*
 * A closed fd is refused before the kernel, with EBADF as the kernel would
 * say it, and explained; a negative fd stays an EINVAL (not a descriptor).
 */
static void map_file_refuses_a_closed_fd_before_the_kernel(void **state)
{
	struct fixture *f = *state;
	int closed = open("/dev/null", O_RDONLY | O_CLOEXEC);
	uint64_t iova = 0x5a5a;

	assert_true(closed >= 0);
	close(closed);
	/* No ioctl is scripted: any would fail the test. */
	log_reset();
	assert_int_equal(iommufd_ioas_map_file(f->ioas, closed, 0, 4096, RW, &iova), -EBADF);
	assert_logged("<3>", "IOAS_MAP_FILE IOAS 3", "EBADF", "not an open file descriptor");
	assert_non_null(strstr(iommufd_last_error(), "IOAS_MAP_FILE IOAS 3"));
	assert_non_null(strstr(iommufd_last_error(), "EBADF: not an open file descriptor"));
	log_reset();
	assert_int_equal(iommufd_ioas_map_file_fixed(f->ioas, closed, 0, 4096, 0x2000, RW),
			 -EBADF);
	assert_logged("<3>", "IOAS_MAP_FILE IOAS 3", "EBADF", "not an open file descriptor");
	/* Other arguments are judged first: a bad range stays an EINVAL. */
	assert_int_equal(iommufd_ioas_map_file(f->ioas, closed, 0, 0, RW, &iova), -EINVAL);
	assert_int_equal(iova, 0x5a5a);
}

/* ==== IOAS_COPY =========================================================== */

static void copy_sends_the_fields(void **state)
{
	static const struct { uint32_t prot, flags; } cases[] = {
		{ RW, K_FIXED | K_R | K_W }, { IOMMUFD_MAP_READ, K_FIXED | K_R },
		{ IOMMUFD_MAP_WRITE, K_FIXED | K_W },
	};
	struct fixture *f = *state;
	struct iommufd_ioas *dst = test_ioas_new(f->ctx, IOAS2_ID);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		/* dst first in the call, and the IDs must not be swapped. */
		expect_ioas_copy(cases[i].flags, IOAS2_ID, IOAS_ID, BIG_LEN, BIG_IOVA,
				 BIG_START, 0);
		assert_int_equal(iommufd_ioas_copy(dst, BIG_IOVA, f->ioas, BIG_START, BIG_LEN,
						   cases[i].prot), 0);
		script_assert_done();
	}
	/* Within one IOAS too. */
	expect_ioas_copy(K_FIXED | K_R | K_W, IOAS_ID, IOAS_ID, 4096, 0x10000, 0x20000, 0);
	assert_int_equal(iommufd_ioas_copy(f->ioas, 0x10000, f->ioas, 0x20000, 4096, RW), 0);
	expect_destroy(IOAS2_ID, 0);
	iommufd_ioas_unref(dst);
}

static void copy_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;
	struct iommufd_ioas *dst = test_ioas_new(f->ctx, IOAS2_ID);

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];

		log_reset();
		expect_ioas_copy(K_FIXED | K_R, IOAS2_ID, IOAS_ID, 0x3000, 0x100000, 0x200000,
				 err);
		assert_int_equal(iommufd_ioas_copy(dst, 0x100000, f->ioas, 0x200000, 0x3000,
						   IOMMUFD_MAP_READ), -err);
		assert_logged("IOAS_COPY", "IOAS 3 iova 0x200000", "IOAS 4 iova 0x100000",
			      "length 0x3000", strerrorname_np(err));
	}
	expect_destroy(IOAS2_ID, 0);
	iommufd_ioas_unref(dst);
}

static void copy_explains_its_errors(void **state)
{
	struct fixture *f = *state;

	expect_ioas_copy(K_FIXED | K_R | K_W, IOAS_ID, IOAS_ID, 4096, 0, 4096, ENOENT);
	assert_int_equal(iommufd_ioas_copy(f->ioas, 0, f->ioas, 4096, 4096, RW), -ENOENT);
	assert_logged("IOAS_COPY", "ENOENT", "source range is not inside mappings");
	expect_ioas_copy(K_FIXED | K_R | K_W, IOAS_ID, IOAS_ID, 4096, 0, 4096, EEXIST);
	assert_int_equal(iommufd_ioas_copy(f->ioas, 0, f->ioas, 4096, 4096, RW), -EEXIST);
	assert_logged("IOAS_COPY", "EEXIST", "destination range is already mapped");
}

static void copy_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct iommufd_ioas *a = f->ioas;

	assert_int_equal(iommufd_ioas_copy(NULL, 0, a, 0, 4096, RW), -EINVAL);
	assert_int_equal(iommufd_ioas_copy(a, 0, NULL, 0, 4096, RW), -EINVAL);
	log_reset();
	assert_int_equal(iommufd_ioas_copy(a, 0, a, 4096, 0, RW), -EINVAL);
	assert_logged("IOAS_COPY", "length 0x0", "invalid");
	/* Wrap-around of either range. */
	assert_int_equal(iommufd_ioas_copy(a, UINT64_MAX - 4095, a, 0, 8192, RW), -EINVAL);
	assert_int_equal(iommufd_ioas_copy(a, 0, a, UINT64_MAX - 4095, 8192, RW), -EINVAL);
	assert_int_equal(iommufd_ioas_copy(a, 2, a, 0, UINT64_MAX, RW), -EINVAL);
	/* prot */
	log_reset();
	assert_int_equal(iommufd_ioas_copy(a, 0, a, 4096, 4096, 0), -EINVAL);
	assert_logged("IOAS_COPY", "prot 0x0");
	assert_int_equal(iommufd_ioas_copy(a, 0, a, 4096, 4096, 4), -EINVAL);
	assert_int_equal(iommufd_ioas_copy(a, 0, a, 4096, 4096, RW | 0x100), -EINVAL);
}

static void copy_rejects_ioases_of_different_contexts(void **state)
{
	struct fixture *f = *state;
	struct iommufd_ctx *other = test_ctx_new();
	struct iommufd_ioas *o = test_ioas_new(other, OTHER_IOAS_ID);

	script_set_iommufd(iommufd_ctx_get_fd(f->ctx));
	log_reset();
	assert_int_equal(iommufd_ioas_copy(f->ioas, 0, o, 0, 4096, RW), -EINVAL);
	assert_logged("IOAS_COPY", "IOAS 13 -> IOAS 3", "different contexts");
	log_reset();
	assert_int_equal(iommufd_ioas_copy(o, 0, f->ioas, 0, 4096, RW), -EINVAL);
	assert_logged("IOAS_COPY", "IOAS 3 -> IOAS 13", "different contexts");
	script_set_iommufd(iommufd_ctx_get_fd(other));
	expect_destroy(OTHER_IOAS_ID, 0);
	iommufd_ioas_unref(o);
	iommufd_ctx_unref(other);
	script_assert_done();
	script_set_iommufd(iommufd_ctx_get_fd(f->ctx));
}

/* ==== IOAS_ALLOW_IOVAS ==================================================== */

static void allow_iovas_sends_the_callers_ranges(void **state)
{
	static const struct iommufd_iova_range ranges[3] = {
		{ .start = 0x1000, .last = 0xffff },
		{ .start = 0x100000, .last = 0x100000 },	/* one byte is a range */
		{ .start = BIG_IOVA, .last = UINT64_MAX },
	};
	struct fixture *f = *state;

	/* Public and kernel layouts agree: the array goes as it is. */
	expect_allow_iovas(IOAS_ID, ranges, 3, 0);
	assert_int_equal(iommufd_ioas_allow_iovas(f->ioas, ranges, 3), 0);
	expect_allow_iovas(IOAS_ID, &ranges[1], 1, 0);
	assert_int_equal(iommufd_ioas_allow_iovas(f->ioas, &ranges[1], 1), 0);
}

static void allow_iovas_zero_ranges_allows_everything(void **state)
{
	static const struct iommufd_iova_range one = { .start = 0, .last = 0xfff };
	struct fixture *f = *state;

	expect_allow_iovas(IOAS_ID, NULL, 0, 0);
	assert_int_equal(iommufd_ioas_allow_iovas(f->ioas, NULL, 0), 0);
	/* An array with count 0 is sent as given: the kernel reads none of it. */
	expect_allow_iovas(IOAS_ID, &one, 0, 0);
	assert_int_equal(iommufd_ioas_allow_iovas(f->ioas, &one, 0), 0);
}

static void allow_iovas_passes_kernel_errnos_through(void **state)
{
	static const struct iommufd_iova_range r[2] = {
		{ .start = 0, .last = 0xfff }, { .start = 0x2000, .last = 0x2fff },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];

		log_reset();
		expect_allow_iovas(IOAS_ID, r, 2, err);
		assert_int_equal(iommufd_ioas_allow_iovas(f->ioas, r, 2), -err);
		assert_logged("IOAS_ALLOW_IOVAS", "IOAS 3", "2 ranges", strerrorname_np(err));
	}
}

static void allow_iovas_explains_its_errors(void **state)
{
	static const struct iommufd_iova_range r = { .start = 0, .last = 0xfff };
	struct fixture *f = *state;

	expect_allow_iovas(IOAS_ID, &r, 1, EADDRINUSE);
	assert_int_equal(iommufd_ioas_allow_iovas(f->ioas, &r, 1), -EADDRINUSE);
	assert_logged("IOAS_ALLOW_IOVAS", "EADDRINUSE", "reserved by an attached device");
	expect_allow_iovas(IOAS_ID, &r, 1, EINVAL);
	assert_int_equal(iommufd_ioas_allow_iovas(f->ioas, &r, 1), -EINVAL);
	assert_logged("IOAS_ALLOW_IOVAS", "EINVAL", "not sorted, overlap, or are misaligned");
}

static void allow_iovas_rejects_bad_arguments(void **state)
{
	static const struct iommufd_iova_range bad[3] = {
		{ .start = 0, .last = 0xfff },
		{ .start = 0x3000, .last = 0x2fff },	/* ends before it starts */
		{ .start = 0x4000, .last = 0x4fff },
	};
	struct fixture *f = *state;

	assert_int_equal(iommufd_ioas_allow_iovas(NULL, bad, 1), -EINVAL);
	assert_int_equal(iommufd_ioas_allow_iovas(f->ioas, NULL, 1), -EINVAL);
	log_reset();
	assert_int_equal(iommufd_ioas_allow_iovas(f->ioas, bad, 3), -EINVAL);
	assert_logged("IOAS_ALLOW_IOVAS", "IOAS 3", "range 1 ends before it starts");
	assert_int_equal(iommufd_ioas_allow_iovas(f->ioas, &bad[1], 1), -EINVAL);
#if SIZE_MAX > UINT32_MAX
	/* More ranges than the kernel's u32 count holds (never read). */
	assert_int_equal(iommufd_ioas_allow_iovas(f->ioas, bad, (size_t)UINT32_MAX + 1),
			 -EINVAL);
#endif
}

/* ==== per-IOAS huge pages ================================================= */

static void huge_pages_set_sends_the_option_on_the_ioas(void **state)
{
	struct fixture *f = *state;

	expect_option(KABI_OPTION_HUGE_PAGES, KABI_OPTION_OP_SET, IOAS_ID, 0, 0, 0);
	assert_int_equal(iommufd_ioas_set_huge_pages(f->ioas, false), 0);
	expect_option(KABI_OPTION_HUGE_PAGES, KABI_OPTION_OP_SET, IOAS_ID, 1, 0, 0);
	assert_int_equal(iommufd_ioas_set_huge_pages(f->ioas, true), 0);
}

static void huge_pages_get_reads_the_option_of_the_ioas(void **state)
{
	struct fixture *f = *state;
	bool on = true;

	/* A GET sends val64 0 and reads the kernel's value back. */
	expect_option(KABI_OPTION_HUGE_PAGES, KABI_OPTION_OP_GET, IOAS_ID, 0, 0, 0);
	assert_int_equal(iommufd_ioas_get_huge_pages(f->ioas, &on), 0);
	assert_false(on);
	expect_option(KABI_OPTION_HUGE_PAGES, KABI_OPTION_OP_GET, IOAS_ID, 0, 1, 0);
	assert_int_equal(iommufd_ioas_get_huge_pages(f->ioas, &on), 0);
	assert_true(on);
	on = false;
	expect_option(KABI_OPTION_HUGE_PAGES, KABI_OPTION_OP_GET, IOAS_ID, 0, 1ull << 32, 0);
	assert_int_equal(iommufd_ioas_get_huge_pages(f->ioas, &on), 0);
	assert_true(on);	/* any non-zero value, not its low 8 bits */
}

static void huge_pages_pass_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];
		bool on = true;

		log_reset();
		expect_option(KABI_OPTION_HUGE_PAGES, KABI_OPTION_OP_SET, IOAS_ID, 1, 0, err);
		assert_int_equal(iommufd_ioas_set_huge_pages(f->ioas, true), -err);
		assert_logged("OPTION HUGE_PAGES SET on object 3", strerrorname_np(err));
		log_reset();
		expect_option(KABI_OPTION_HUGE_PAGES, KABI_OPTION_OP_GET, IOAS_ID, 0, 0, err);
		assert_int_equal(iommufd_ioas_get_huge_pages(f->ioas, &on), -err);
		assert_true(on);	/* untouched on failure */
		assert_logged("OPTION HUGE_PAGES GET on object 3", strerrorname_np(err));
	}
	log_reset();
	expect_option(KABI_OPTION_HUGE_PAGES, KABI_OPTION_OP_SET, IOAS_ID, 0, 0, EINVAL);
	assert_int_equal(iommufd_ioas_set_huge_pages(f->ioas, false), -EINVAL);
	assert_logged("HUGE_PAGES", "EINVAL", "attached and pages are mapped");
	log_reset();
	expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_SET, 0, 1, 0, EBUSY);
	assert_int_equal(iommufd_ctx_set_rlimit_mode(f->ctx, IOMMUFD_RLIMIT_PER_PROCESS), -EBUSY);
	assert_logged("RLIMIT_MODE", "EBUSY", "context has objects");
}

static void huge_pages_reject_null(void **state)
{
	struct fixture *f = *state;
	bool on;

	assert_int_equal(iommufd_ioas_set_huge_pages(NULL, true), -EINVAL);
	assert_int_equal(iommufd_ioas_get_huge_pages(NULL, &on), -EINVAL);
	assert_int_equal(iommufd_ioas_get_huge_pages(f->ioas, NULL), -EINVAL);
}

/* ==== VFIO compat IOAS ==================================================== */

static void vfio_compat_set_get_clear_send_their_ops(void **state)
{
	struct fixture *f = *state;
	uint32_t id = 0;

	expect_vfio_ioas(KABI_VFIO_IOAS_SET, IOAS_ID, IOAS_ID, 0);
	assert_int_equal(iommufd_ctx_set_vfio_compat_ioas(f->ctx, f->ioas), 0);
	/* GET sends IOAS ID 0 and reads the kernel's back. */
	expect_vfio_ioas(KABI_VFIO_IOAS_GET, 0, 0x7654321, 0);
	assert_int_equal(iommufd_ctx_get_vfio_compat_ioas(f->ctx, &id), 0);
	assert_int_equal(id, 0x7654321);
	expect_vfio_ioas(KABI_VFIO_IOAS_CLEAR, 0, 0, 0);
	assert_int_equal(iommufd_ctx_clear_vfio_compat_ioas(f->ctx), 0);
}

static void vfio_compat_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];
		uint32_t id = 0x5a5a;

		log_reset();
		expect_vfio_ioas(KABI_VFIO_IOAS_SET, IOAS_ID, 0, err);
		assert_int_equal(iommufd_ctx_set_vfio_compat_ioas(f->ctx, f->ioas), -err);
		assert_logged("VFIO_IOAS SET IOAS 3", strerrorname_np(err));
		log_reset();
		expect_vfio_ioas(KABI_VFIO_IOAS_GET, 0, 0, err);
		assert_int_equal(iommufd_ctx_get_vfio_compat_ioas(f->ctx, &id), -err);
		assert_int_equal(id, 0x5a5a);	/* untouched on failure */
		assert_logged("VFIO_IOAS GET", strerrorname_np(err));
		log_reset();
		expect_vfio_ioas(KABI_VFIO_IOAS_CLEAR, 0, 0, err);
		assert_int_equal(iommufd_ctx_clear_vfio_compat_ioas(f->ctx), -err);
		assert_logged("VFIO_IOAS CLEAR", strerrorname_np(err));
	}
	log_reset();
	expect_vfio_ioas(KABI_VFIO_IOAS_GET, 0, 0, ENODEV);
	assert_int_equal(iommufd_ctx_get_vfio_compat_ioas(f->ctx, &(uint32_t){ 0 }), -ENODEV);
	assert_logged("VFIO_IOAS GET", "ENODEV", "no compat IOAS is set");
}

static void vfio_compat_rejects_null(void **state)
{
	struct fixture *f = *state;
	uint32_t id;

	assert_int_equal(iommufd_ctx_set_vfio_compat_ioas(NULL, f->ioas), -EINVAL);
	assert_int_equal(iommufd_ctx_get_vfio_compat_ioas(NULL, &id), -EINVAL);
	assert_int_equal(iommufd_ctx_get_vfio_compat_ioas(f->ctx, NULL), -EINVAL);
	assert_int_equal(iommufd_ctx_clear_vfio_compat_ioas(NULL), -EINVAL);
}

/* ==== rlimit mode ========================================================= */

static void rlimit_mode_set_sends_a_global_option(void **state)
{
	struct fixture *f = *state;

	expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_SET, 0, 1, 0, 0);
	assert_int_equal(iommufd_ctx_set_rlimit_mode(f->ctx, IOMMUFD_RLIMIT_PER_PROCESS), 0);
	expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_SET, 0, 0, 0, 0);
	assert_int_equal(iommufd_ctx_set_rlimit_mode(f->ctx, IOMMUFD_RLIMIT_PER_USER), 0);
}

static void rlimit_mode_get_reads_the_global_option(void **state)
{
	struct fixture *f = *state;
	uint32_t mode = 7;

	expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_GET, 0, 0, 1, 0);
	assert_int_equal(iommufd_ctx_get_rlimit_mode(f->ctx, &mode), 0);
	assert_int_equal(mode, IOMMUFD_RLIMIT_PER_PROCESS);
	expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_GET, 0, 0, 0, 0);
	assert_int_equal(iommufd_ctx_get_rlimit_mode(f->ctx, &mode), 0);
	assert_int_equal(mode, IOMMUFD_RLIMIT_PER_USER);
}

static void rlimit_mode_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];
		uint32_t mode = 7;

		log_reset();
		expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_SET, 0, 1, 0, err);
		assert_int_equal(iommufd_ctx_set_rlimit_mode(f->ctx, 1), -err);
		assert_logged("OPTION RLIMIT_MODE SET on object 0", strerrorname_np(err));
		log_reset();
		expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_GET, 0, 0, 1, err);
		assert_int_equal(iommufd_ctx_get_rlimit_mode(f->ctx, &mode), -err);
		assert_int_equal(mode, 7);	/* untouched on failure */
		assert_logged("OPTION RLIMIT_MODE GET on object 0", strerrorname_np(err));
	}
	log_reset();
	expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_SET, 0, 1, 0, EPERM);
	assert_int_equal(iommufd_ctx_set_rlimit_mode(f->ctx, 1), -EPERM);
	assert_logged("RLIMIT_MODE", "EPERM", "CAP_SYS_RESOURCE");
}

static void rlimit_mode_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	uint32_t mode;

	assert_int_equal(iommufd_ctx_set_rlimit_mode(NULL, 0), -EINVAL);
	assert_int_equal(iommufd_ctx_set_rlimit_mode(f->ctx, 2), -EINVAL);
	assert_int_equal(iommufd_ctx_set_rlimit_mode(f->ctx, UINT32_MAX), -EINVAL);
	assert_int_equal(iommufd_ctx_get_rlimit_mode(NULL, &mode), -EINVAL);
	assert_int_equal(iommufd_ctx_get_rlimit_mode(f->ctx, NULL), -EINVAL);
}

/* ==== change process ====================================================== */

static void change_process_sends_an_empty_command(void **state)
{
	struct fixture *f = *state;

	expect_change_process(0);
	assert_int_equal(iommufd_ctx_change_process(f->ctx), 0);
}

static void change_process_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < N_ERRNOS; i++) {
		log_reset();
		expect_change_process(kernel_errnos[i]);
		assert_int_equal(iommufd_ctx_change_process(f->ctx), -kernel_errnos[i]);
		assert_logged("IOAS_CHANGE_PROCESS", strerrorname_np(kernel_errnos[i]));
	}
	log_reset();
	expect_change_process(EINVAL);
	assert_int_equal(iommufd_ctx_change_process(f->ctx), -EINVAL);
	assert_logged("IOAS_CHANGE_PROCESS", "EINVAL", "user address, not a file");
	/* A VMM's "can live update move accounting?" question: answered quietly. */
	log_reset();
	expect_change_process(ENOTTY);
	assert_int_equal(iommufd_ctx_change_process(f->ctx), -ENOTTY);
	assert_logged("<7>", "IOAS_CHANGE_PROCESS", "ENOTTY", "6.14");
	assert_false(log_has("<3>"));
	assert_non_null(strstr(iommufd_last_error(), "IOAS_CHANGE_PROCESS: ENOTTY"));
	assert_int_equal(iommufd_ctx_change_process(NULL), -EINVAL);
}

/* ==== no allocation ======================================================= */

static void extras_make_no_allocation(void **state)
{
	static const struct iommufd_iova_range r = { .start = 0, .last = 0xfff };
	struct fixture *f = *state;
	unsigned long before = alloc_count();
	uint64_t iova;
	bool on;

	expect_ioas_map_file(IOAS_ID, K_R | K_W, MEMFD, 0, 4096, 0, 0x1000, 0);
	assert_int_equal(iommufd_ioas_map_file(f->ioas, MEMFD, 0, 4096, RW, &iova), 0);
	expect_ioas_copy(K_FIXED | K_R | K_W, IOAS_ID, IOAS_ID, 4096, 0x2000, 0x1000, 0);
	assert_int_equal(iommufd_ioas_copy(f->ioas, 0x2000, f->ioas, 0x1000, 4096, RW), 0);
	expect_allow_iovas(IOAS_ID, &r, 1, 0);
	assert_int_equal(iommufd_ioas_allow_iovas(f->ioas, &r, 1), 0);
	expect_option(KABI_OPTION_HUGE_PAGES, KABI_OPTION_OP_GET, IOAS_ID, 0, 1, 0);
	assert_int_equal(iommufd_ioas_get_huge_pages(f->ioas, &on), 0);
	assert_int_equal(alloc_count(), before);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(map_file_sends_the_fields_and_returns_the_iova),
		T(map_file_fixed_sends_fixed_iova),
		T(map_file_passes_kernel_errnos_through),
		T(map_file_explains_its_errors),
		T(map_file_rejects_bad_arguments),
		T(map_file_refuses_a_closed_fd_before_the_kernel),
		T(copy_sends_the_fields),
		T(copy_passes_kernel_errnos_through),
		T(copy_explains_its_errors),
		T(copy_rejects_bad_arguments),
		T(copy_rejects_ioases_of_different_contexts),
		T(allow_iovas_sends_the_callers_ranges),
		T(allow_iovas_zero_ranges_allows_everything),
		T(allow_iovas_passes_kernel_errnos_through),
		T(allow_iovas_explains_its_errors),
		T(allow_iovas_rejects_bad_arguments),
		T(huge_pages_set_sends_the_option_on_the_ioas),
		T(huge_pages_get_reads_the_option_of_the_ioas),
		T(huge_pages_pass_kernel_errnos_through),
		T(huge_pages_reject_null),
		T(vfio_compat_set_get_clear_send_their_ops),
		T(vfio_compat_passes_kernel_errnos_through),
		T(vfio_compat_rejects_null),
		T(rlimit_mode_set_sends_a_global_option),
		T(rlimit_mode_get_reads_the_global_option),
		T(rlimit_mode_passes_kernel_errnos_through),
		T(rlimit_mode_rejects_bad_arguments),
		T(change_process_sends_an_empty_command),
		T(change_process_passes_kernel_errnos_through),
		T(extras_make_no_allocation),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
