// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * IO address spaces: allocation and lifetime, map, map_fixed, unmap,
 * unmap_all and the IOVA ranges query with its EMSGSIZE retry.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "kernel-script.h"

#define IOAS_ID 3
#define RW (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)
#define K_RW (KABI_IOAS_MAP_READABLE | KABI_IOAS_MAP_WRITEABLE)

static char buf[2 * 4096] __attribute__((aligned(4096)));

struct fixture {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
};

static int setup(void **state)
{
	static struct fixture f;

	ks_setup(state);
	f.ctx = test_ctx_new();
	f.ioas = test_ioas_new(f.ctx, IOAS_ID);
	log_reset();
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	script_assert_done();
	expect_destroy(IOAS_ID, 0);
	assert_null(iommufd_ioas_unref(f->ioas));
	iommufd_ctx_unref(f->ctx);
	return ks_teardown(state);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* ---- alloc and lifetime ------------------------------------------------ */

static void alloc_returns_the_kernel_id(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = NULL;

	(void)state;
	expect_ioas_alloc(42, 0);
	assert_int_equal(iommufd_ioas_alloc(ctx, &ioas), 0);
	assert_int_equal(iommufd_ioas_get_id(ioas), 42);
	assert_ptr_equal(iommufd_ioas_as_pt(ioas), (void *)ioas);
	assert_int_equal(iommufd_pt_get_id(iommufd_ioas_as_pt(ioas)), 42);
	expect_destroy(42, 0);
	assert_null(iommufd_ioas_unref(ioas));
	iommufd_ctx_unref(ctx);
}

static void alloc_error_passes_through(void **state)
{
	static const int errs[] = { ENOMEM, ENOTTY, EINVAL };
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = (void *)0x1;

	(void)state;
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		expect_ioas_alloc(0, errs[i]);
		assert_int_equal(iommufd_ioas_alloc(ctx, &ioas), -errs[i]);
	}
	assert_ptr_equal(ioas, (void *)0x1);
	assert_logged("IOAS_ALLOC", "EINVAL");
	iommufd_ctx_unref(ctx);		/* valgrind: nothing left behind */
}

static void alloc_rejects_null(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = NULL;

	(void)state;
	assert_int_equal(iommufd_ioas_alloc(NULL, &ioas), -EINVAL);
	assert_int_equal(iommufd_ioas_alloc(ctx, NULL), -EINVAL);
	iommufd_ctx_unref(ctx);
}

static void destroy_only_at_last_unref(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = test_ioas_new(ctx, 9);

	(void)state;
	assert_ptr_equal(iommufd_ioas_ref(ioas), ioas);
	assert_null(iommufd_ioas_unref(ioas));	/* no ioctl: one ref left */
	expect_destroy(9, 0);
	assert_null(iommufd_ioas_unref(ioas));
	iommufd_ctx_unref(ctx);
}

static void ioas_keeps_its_ctx_alive(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = test_ioas_new(ctx, 9);
	int fd = iommufd_ctx_get_fd(ctx);

	(void)state;
	iommufd_ctx_unref(ctx);
	assert_true(fd_is_open(fd));
	expect_destroy(9, 0);		/* on the context's fd, still open */
	iommufd_ioas_unref(ioas);
	assert_false(fd_is_open(fd));
}

static void destroy_error_is_logged_not_fatal(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = test_ioas_new(ctx, 9);

	(void)state;
	/* Not EBUSY: nothing to wait for, so logged and not retried. */
	expect_destroy(9, ENOENT);
	assert_null(iommufd_ioas_unref(ioas));
	assert_logged("<3>", "DESTROY IOAS 9", "ENOENT", "already gone");
	log_reset();
	iommufd_ctx_unref(ctx);		/* nothing scripted: no retry at close */
	assert_int_equal(log_count(), 0);
}

static void destroy_ebusy_is_retried_at_close(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = test_ioas_new(ctx, 9);

	(void)state;
	expect_destroy(9, EBUSY);
	assert_null(iommufd_ioas_unref(ioas));
	assert_logged("<6>", "DESTROY IOAS 9", "EBUSY", "retried");
	expect_destroy(9, 0);
	iommufd_ctx_unref(ctx);
	assert_logged("<7>", "DESTROY IOAS 9: done");
}

static void null_handle_getters(void **state)
{
	(void)state;
	assert_null(iommufd_ioas_ref(NULL));
	assert_null(iommufd_ioas_unref(NULL));
	assert_int_equal(iommufd_ioas_get_id(NULL), 0);
	assert_null(iommufd_ioas_as_pt(NULL));
	assert_int_equal(iommufd_pt_get_id(NULL), 0);
}

/* ---- map --------------------------------------------------------------- */

static void map_returns_the_kernel_iova(void **state)
{
	struct fixture *f = *state;
	uint64_t iova = 0;

	expect_ioas_map(IOAS_ID, K_RW, buf, sizeof(buf), 0, 0x100000, 0);
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, sizeof(buf), RW, &iova), 0);
	assert_int_equal(iova, 0x100000);
}

static void map_prot_becomes_kernel_flags(void **state)
{
	struct fixture *f = *state;
	uint64_t iova = 0;

	expect_ioas_map(IOAS_ID, KABI_IOAS_MAP_READABLE, buf, 4096, 0, 0x1000, 0);
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, IOMMUFD_MAP_READ, &iova), 0);
	assert_int_equal(iova, 0x1000);
	expect_ioas_map(IOAS_ID, KABI_IOAS_MAP_WRITEABLE, buf, 4096, 0, 0x2000, 0);
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, IOMMUFD_MAP_WRITE, &iova), 0);
	assert_int_equal(iova, 0x2000);
}

static void map_fixed_sends_fixed_iova(void **state)
{
	struct fixture *f = *state;

	expect_ioas_map(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | K_RW, buf, sizeof(buf),
			0xfee00000ull, 0xfee00000ull, 0);
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf, sizeof(buf),
						0xfee00000ull, RW), 0);
	expect_ioas_map(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | KABI_IOAS_MAP_READABLE,
			buf, 4096, 0, 0, 0);
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf, 4096, 0,
						IOMMUFD_MAP_READ), 0);
}

static const struct kabi_iova_range two_ranges[] = {
	{ .start = 0, .last = 0xfedfffff },
	{ .start = 0xfef00000, .last = UINT64_MAX },
};

static void map_errors_pass_through(void **state)
{
	static const struct { int err; const char *why; bool ranges; } cases[] = {
		{ ENOSPC, "no free IOVA range", true },
		{ EINVAL, "misaligned", true },
		{ ENOMEM, "RLIMIT_MEMLOCK", false },
		{ EFAULT, "EFAULT", false },
	};
	struct fixture *f = *state;
	uint64_t iova = 0x5a5a;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		log_reset();
		expect_ioas_map(IOAS_ID, K_RW, buf, 4096, 0, 0x1000, cases[i].err);
		/* EINVAL and ENOSPC are explained by the usable IOVA ranges. */
		if (cases[i].ranges)
			expect_iova_ranges(IOAS_ID, 4, two_ranges, 2, 4096, 0);
		assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, RW, &iova),
				 -cases[i].err);
		assert_logged("<3>", "IOAS_MAP IOAS 3", cases[i].why);
		if (cases[i].ranges)
			assert_logged("usable IOVA ranges of IOAS 3: [0x0, 0xfedfffff]"
				      " [0xfef00000, 0xffffffffffffffff]");
		else
			assert_false(log_has("usable IOVA ranges"));
	}
	assert_int_equal(iova, 0x5a5a);		/* untouched on failure */
}

/* One ENOMEM from IOAS_MAP; its explanation, from iommufd_last_error(). */
static const char *map_enomem(struct fixture *f)
{
	uint64_t iova = 0x5a5a;

	log_reset();
	expect_ioas_map(IOAS_ID, K_RW, buf, 4096, 0, 0x1000, ENOMEM);
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, RW, &iova), -ENOMEM);
	assert_int_equal(iova, 0x5a5a);
	assert_logged("<3>", "IOAS_MAP IOAS 3", "ENOMEM");
	assert_non_null(strstr(log_line(log_count() - 1), iommufd_last_error()));
	return iommufd_last_error();
}

static void assert_has(const char *text, const char *word)
{
	if (!strstr(text, word))
		fail_msg("\"%s\" lacks \"%s\"", text, word);
}

static void assert_lacks(const char *text, const char *word)
{
	if (strstr(text, word))
		fail_msg("\"%s\" has \"%s\"", text, word);
}

/*
 * Without CAP_IPC_LOCK and under a finite limit, the limit is what an ENOMEM
 * of a pinning command most likely hit: it is named with what is pinned.
 * Only CAP_IPC_LOCK in the effective set counts (the default host has it
 * permitted only).
 */
static void map_enomem_names_the_limit(void **state)
{
	const char *e = map_enomem(*state);

	assert_has(e, "would exceed RLIMIT_MEMLOCK (8192 KiB;");
	assert_has(e, "KiB pinned");
	assert_has(e, "raise the limit");
	assert_lacks(e, "ran out of memory");
	assert_int_equal(host_capget_count(), 1);
	host_set_memlock(64 * 1024);
	assert_has(map_enomem(*state), "RLIMIT_MEMLOCK (64 KiB;");
}

/* Pages mapped with CAP_IPC_LOCK are never charged: the limit is not blamed. */
static void map_enomem_with_cap_ipc_lock_is_out_of_memory(void **state)
{
	const char *e;

	host_set_cap_ipc_lock(true);
	host_set_memlock(64 * 1024);
	e = map_enomem(*state);
	assert_has(e, "ENOMEM: the kernel ran out of memory for the pinned pages or the IOMMU"
		   " page tables (this process has ");
	assert_has(e, "not RLIMIT_MEMLOCK: this thread holds CAP_IPC_LOCK");
	assert_lacks(e, "raise the limit");
	assert_lacks(e, "would exceed");
	assert_lacks(e, "64 KiB");
	assert_null(strchr(e, '\n'));
}

/* The kernel checks capabilities in the initial user namespace only. */
static void map_enomem_with_cap_ipc_lock_of_a_user_namespace_names_the_limit(void **state)
{
	const char *e;

	host_set_cap_ipc_lock(true);
	host_set_user_ns_initial(false);
	e = map_enomem(*state);
	assert_has(e, "would exceed RLIMIT_MEMLOCK (8192 KiB;");
	assert_lacks(e, "ran out of memory");
}

/* An unlimited limit cannot be exceeded. */
static void map_enomem_under_an_unlimited_limit_is_out_of_memory(void **state)
{
	const char *e;

	host_set_memlock(RLIM_INFINITY);
	e = map_enomem(*state);
	assert_has(e, "the kernel ran out of memory");
	assert_has(e, "not RLIMIT_MEMLOCK: the limit is unlimited");
	assert_lacks(e, "raise the limit");
	assert_lacks(e, "CAP_IPC_LOCK");
}

/*
 * Where the user namespace cannot be read (no /proc, a kernel without user
 * namespaces) there is only the initial one as far as the process can tell:
 * CAP_IPC_LOCK exempts the pages, and the limit is not blamed.
 */
static void map_enomem_with_cap_ipc_lock_and_no_user_namespace_is_out_of_memory(void **state)
{
	const char *e;

	host_set_cap_ipc_lock(true);
	host_set_user_ns_readable(false);
	e = map_enomem(*state);
	assert_has(e, "the kernel ran out of memory");
	assert_has(e, "not RLIMIT_MEMLOCK: this thread holds CAP_IPC_LOCK");
	assert_lacks(e, "would exceed");
	/* Without CAP_IPC_LOCK the namespace is not read, and the limit is named. */
	host_set_cap_ipc_lock(false);
	assert_has(map_enomem(*state), "would exceed RLIMIT_MEMLOCK (8192 KiB;");
}

/*
 * A context the library opened is in the kernel's default per-user mode:
 * the counter is every page the user's processes pinned.
 */
static void map_enomem_in_the_per_user_mode_names_the_users_pages(void **state)
{
	const char *e = map_enomem(*state);

	assert_has(e, "would exceed RLIMIT_MEMLOCK (8192 KiB; in the default per-user rlimit"
		   " mode the counter is the pages all of the user's processes pinned; this"
		   " process has ");
	assert_has(e, " KiB pinned): raise the limit");
	assert_lacks(e, "per-process");
	assert_lacks(e, "mlock");
}

/*
 * In the per-process mode (set through the library) the counter is the
 * process's locked memory, mlock()ed memory included; a get that reads the
 * per-user mode back turns the sentence back.
 */
static void map_enomem_in_the_per_process_mode_names_the_locked_memory(void **state)
{
	struct fixture *f = *state;
	uint32_t mode = 5;
	const char *e;

	expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_SET, 0, 1, 0, 0);
	assert_int_equal(iommufd_ctx_set_rlimit_mode(f->ctx, IOMMUFD_RLIMIT_PER_PROCESS), 0);
	e = map_enomem(f);
	assert_has(e, "would exceed RLIMIT_MEMLOCK (8192 KiB; in the per-process rlimit mode"
		   " the counter is this process's locked memory, ");
	assert_has(e, " KiB, mlock()ed memory included, as for VFIO type1): raise the limit");
	assert_lacks(e, "per-user");
	/* A refused set changes nothing. */
	expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_SET, 0, 0, 0, EBUSY);
	assert_int_equal(iommufd_ctx_set_rlimit_mode(f->ctx, IOMMUFD_RLIMIT_PER_USER), -EBUSY);
	assert_has(map_enomem(f), "in the per-process rlimit mode");
	expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_GET, 0, 0, 0, 0);
	assert_int_equal(iommufd_ctx_get_rlimit_mode(f->ctx, &mode), 0);
	assert_int_equal(mode, IOMMUFD_RLIMIT_PER_USER);
	assert_has(map_enomem(f), "in the default per-user rlimit mode");
}

/*
 * An adopted iommufd's mode is not known: the explanation asks the kernel
 * once, quietly, and keeps the answer; when the kernel does not say, the
 * sentence names both counters.
 */
static void map_enomem_on_an_adopted_iommufd_asks_the_mode(void **state)
{
	struct fixture *f = *state;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ioas = NULL;
	uint64_t iova = 0x5a5a;
	const char *e;

	assert_true(fd >= 0);
	script_set_iommufd(fd);
	expect_destroy(0, ENOENT);	/* the check that the fd is an iommufd */
	assert_int_equal(iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_OWN, NULL, &ctx), 0);
	expect_iova_ranges(IOAS_ID, 0, NULL, 1, 0, EMSGSIZE);
	assert_int_equal(iommufd_ioas_new_from_id(ctx, IOAS_ID, IOMMUFD_ADOPT_BORROW, &ioas), 0);
	iommufd_ctx_set_log_fn(ctx, log_capture, NULL);
	iommufd_ctx_set_log_priority(ctx, LOG_DEBUG);
	for (int i = 0; i < 3; i++) {
		log_reset();
		expect_ioas_map(IOAS_ID, K_RW, buf, 4096, 0, 0x1000, ENOMEM);
		if (i == 0)
			expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_GET, 0, 0, 0, EPERM);
		if (i == 1)
			expect_option(KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_GET, 0, 0, 1, 0);
		assert_int_equal(iommufd_ioas_map(ioas, buf, 4096, RW, &iova), -ENOMEM);
		e = iommufd_last_error();
		assert_has(e, "IOAS_MAP IOAS 3");
		if (i == 0) {
			assert_has(e, "; the counter is the user's pinned pages (per-user rlimit"
				   " mode) or this process's locked memory (per-process)): raise");
		} else {
			assert_has(e, "in the per-process rlimit mode");
		}
		/* The question is not an error of its own. */
		assert_int_equal(log_count(), 1);
		script_assert_done();
	}
	assert_int_equal(iova, 0x5a5a);
	assert_null(iommufd_ioas_unref(ioas));
	iommufd_ctx_unref(ctx);
	assert_false(fd_is_open(fd));
	script_set_iommufd(iommufd_ctx_get_fd(f->ctx));
}

static void map_fixed_errors_pass_through(void **state)
{
	static const int errs[] = { EEXIST, EINVAL, ENOMEM };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		expect_ioas_map(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | K_RW, buf, 4096,
				0x10000, 0x10000, errs[i]);
		if (errs[i] == EINVAL)
			expect_iova_ranges(IOAS_ID, 4, two_ranges, 2, 4096, 0);
		assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf, 4096, 0x10000, RW),
				 -errs[i]);
	}
	assert_logged("EEXIST", "already mapped");
}

static void map_enospc_names_the_zero_aperture_bug(void **state)
{
	static const struct kabi_iova_range zero[] = { { .start = 0, .last = 0 } };
	struct fixture *f = *state;
	uint64_t iova;

	/* 6.12 virtio-iommu: the IOAS is left with the aperture [0, 0]. */
	expect_ioas_map(IOAS_ID, K_RW, buf, 4096, 0, 0, ENOSPC);
	expect_iova_ranges(IOAS_ID, 4, zero, 1, 4096, 0);
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, RW, &iova), -ENOSPC);
	assert_logged("<3>", "IOAS_MAP IOAS 3", "ENOSPC", "no usable IOVA range", "[0, 0]",
		      "6.12", "virtio-iommu");
	/* An IOAS with no range at all is the same story. */
	log_reset();
	expect_ioas_map(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | K_RW, buf, 4096, 0x1000, 0x1000,
			EINVAL);
	expect_iova_ranges(IOAS_ID, 4, NULL, 0, 4096, 0);
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf, 4096, 0x1000, RW), -EINVAL);
	assert_logged("EINVAL", "no usable IOVA range", "6.12");
}

static void map_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	void *top = (void *)(uintptr_t)(UINTPTR_MAX - 4095);
	uint64_t iova = 0x5a5a;

	assert_int_equal(iommufd_ioas_map(NULL, buf, 4096, RW, &iova), -EINVAL);
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, RW, NULL), -EINVAL);
	assert_int_equal(iommufd_ioas_map(f->ioas, NULL, 4096, RW, &iova), -EINVAL);
	assert_logged("NULL address");
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 0, RW, &iova), -EINVAL);
	assert_logged("zero length");
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, 0, &iova), -EINVAL);
	assert_logged("prot 0x0");
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, RW | 4, &iova), -EINVAL);
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, 1u << 31, &iova), -EINVAL);
	assert_int_equal(iommufd_ioas_map(f->ioas, top, 8192, RW, &iova), -EINVAL);
	assert_logged("wraps");
	assert_int_equal(iova, 0x5a5a);
}

static void map_fixed_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(iommufd_ioas_map_fixed(NULL, buf, 4096, 0, RW), -EINVAL);
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, NULL, 4096, 0, RW), -EINVAL);
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf, 0, 0, RW), -EINVAL);
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf, 4096, 0, 0), -EINVAL);
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf, 4096, 0, 8), -EINVAL);
	/* The IOVA range wraps although the VA range does not. */
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf, 8192,
						UINT64_MAX - 4095, RW), -EINVAL);
	assert_logged("wraps");
}

static void map_fixed_up_to_the_last_byte_is_not_a_wrap(void **state)
{
	struct fixture *f = *state;

	expect_ioas_map(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | K_RW, buf, 4096,
			UINT64_MAX - 4095, UINT64_MAX - 4095, 0);
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf, 4096,
						UINT64_MAX - 4095, RW), 0);
}

/*
 * Issue 11, defect 1: the kernel takes a mapping that is not whole pages
 * into an IOAS no device is attached to, and then refuses every attach to
 * that IOAS with EADDRINUSE. So the library refuses it first, and says why.
 */
static void defect1_misaligned_maps_are_refused_before_the_kernel(void **state)
{
	struct fixture *f = *state;
	int file = iommufd_ctx_get_fd(f->ctx);	/* an open file: only the range is wrong */
	uint64_t iova = 0x5a5a;

	assert_int_equal(iommufd_ioas_map(f->ioas, buf + 1, 4097, RW, &iova), -EINVAL);
	assert_logged("IOAS_MAP IOAS 3", "va", "not a multiple of the page size", "EADDRINUSE");
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4097, RW, &iova), -EINVAL);
	assert_int_equal(iommufd_ioas_map(f->ioas, buf + 2048, 4096, RW, &iova), -EINVAL);
	assert_int_equal(iova, 0x5a5a);
	log_reset();
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf, 4096, 0x1000001, IOMMUFD_MAP_READ),
			 -EINVAL);
	assert_logged("IOAS_MAP IOAS 3", "iova 0x1000001", "not a multiple of the page size");
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf + 1, 4096, 0x1000, RW), -EINVAL);
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf, 100, 0x1000, RW), -EINVAL);
	log_reset();
	assert_int_equal(iommufd_ioas_map_file(f->ioas, file, 1, 4096, RW, &iova), -EINVAL);
	assert_logged("IOAS_MAP_FILE IOAS 3", "start 0x1", "not a multiple of the page size");
	assert_int_equal(iommufd_ioas_map_file(f->ioas, file, 0, 4095, RW, &iova), -EINVAL);
	assert_int_equal(iommufd_ioas_map_file_fixed(f->ioas, file, 0, 4096, 0x800, RW), -EINVAL);
	assert_int_equal(iova, 0x5a5a);
	log_reset();
	assert_int_equal(iommufd_ioas_copy(f->ioas, 0x10000, f->ioas, 0x20001, 4096, RW), -EINVAL);
	assert_logged("IOAS_COPY IOAS 3", "src_iova 0x20001", "not a multiple of the page size");
	assert_int_equal(iommufd_ioas_copy(f->ioas, 0x10800, f->ioas, 0x20000, 4096, RW), -EINVAL);
	assert_int_equal(iommufd_ioas_copy(f->ioas, 0x10000, f->ioas, 0x20000, 4097, RW), -EINVAL);
	/* Whole pages still reach the kernel. */
	expect_ioas_map(IOAS_ID, K_RW, buf, 4096, 0, 0x7000, 0);
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, RW, &iova), 0);
	assert_int_equal(iova, 0x7000);
}

/*
 * Issue 11, defect 5: rejections of a call whose handle has a context are
 * logged there, not only kept for iommufd_last_error().
 */
static void defect5_map_without_ret_iova_is_logged(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, RW, NULL), -EINVAL);
	assert_logged("NULL ret_iova", "iommufd_ioas_map_fixed");
	log_reset();
	assert_int_equal(iommufd_ioas_map_file(f->ioas, 0, 0, 4096, RW, NULL), -EINVAL);
	assert_logged("NULL ret_iova", "iommufd_ioas_map_file_fixed");
	assert_non_null(strstr(iommufd_last_error(), "NULL ret_iova"));
}

static void defect5_rlimit_mode_out_of_range_is_logged(void **state)
{
	static const uint32_t modes[] = { 2, 3, UINT32_MAX };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		char mode[16];

		log_reset();
		snprintf(mode, sizeof(mode), "mode %u", modes[i]);
		assert_int_equal(iommufd_ctx_set_rlimit_mode(f->ctx, modes[i]), -EINVAL);
		assert_logged("RLIMIT_MODE", mode, "IOMMUFD_RLIMIT_PER_PROCESS");
	}
}

/* ---- unmap ------------------------------------------------------------- */

static void unmap_returns_the_length_unmapped(void **state)
{
	struct fixture *f = *state;
	uint64_t unmapped = 0;

	expect_ioas_unmap(IOAS_ID, 0x100000, 0x4000, 0x2000, 0);
	assert_int_equal(iommufd_ioas_unmap(f->ioas, 0x100000, 0x4000, 0, &unmapped), 0);
	assert_int_equal(unmapped, 0x2000);
	expect_ioas_unmap(IOAS_ID, 0x100000, 0x4000, 0x4000, 0);
	assert_int_equal(iommufd_ioas_unmap(f->ioas, 0x100000, 0x4000, 0, NULL), 0);
}

static void unmap_errors_pass_through(void **state)
{
	struct fixture *f = *state;
	uint64_t unmapped = 0x5a5a;

	expect_ioas_unmap(IOAS_ID, 0x1000, 0x1000, 0, ENOENT);
	assert_int_equal(iommufd_ioas_unmap(f->ioas, 0x1000, 0x1000, 0, &unmapped), -ENOENT);
	assert_logged("IOAS_UNMAP IOAS 3", "ENOENT", "cuts a mapping");
	expect_ioas_unmap(IOAS_ID, 0x1000, 0x1000, 0, EBUSY);
	assert_int_equal(iommufd_ioas_unmap(f->ioas, 0x1000, 0x1000, 0, &unmapped), -EBUSY);
	assert_int_equal(unmapped, 0x5a5a);
}

static void unmap_absent_ok_turns_enoent_into_zero_bytes(void **state)
{
	struct fixture *f = *state;
	uint64_t unmapped = 0x5a5a;

	/* A redundant unmap, as QEMU makes: success, 0 bytes, debug only. */
	expect_ioas_unmap(IOAS_ID, 0x1000, 0x1000, 0, ENOENT);
	assert_int_equal(iommufd_ioas_unmap(f->ioas, 0x1000, 0x1000, IOMMUFD_UNMAP_ABSENT_OK,
					    &unmapped), 0);
	assert_int_equal(unmapped, 0);
	assert_logged("<7>", "IOAS_UNMAP IOAS 3", "as the caller allows");
	assert_false(log_has("<3>", "IOAS_UNMAP"));
	/* NULL ret is fine too. */
	expect_ioas_unmap(IOAS_ID, 0x1000, 0x1000, 0, ENOENT);
	assert_int_equal(iommufd_ioas_unmap(f->ioas, 0x1000, 0x1000, IOMMUFD_UNMAP_ABSENT_OK,
					    NULL), 0);
	/* A mapping that is there is unmapped as usual. */
	expect_ioas_unmap(IOAS_ID, 0x1000, 0x1000, 0x1000, 0);
	assert_int_equal(iommufd_ioas_unmap(f->ioas, 0x1000, 0x1000, IOMMUFD_UNMAP_ABSENT_OK,
					    &unmapped), 0);
	assert_int_equal(unmapped, 0x1000);
	assert_false(log_has("<3>", "IOAS_UNMAP"));
}

static void unmap_absent_ok_keeps_other_errors(void **state)
{
	struct fixture *f = *state;
	uint64_t unmapped = 0x5a5a;

	expect_ioas_unmap(IOAS_ID, 0x1000, 0x1000, 0, EBUSY);
	assert_int_equal(iommufd_ioas_unmap(f->ioas, 0x1000, 0x1000, IOMMUFD_UNMAP_ABSENT_OK,
					    &unmapped), -EBUSY);
	assert_int_equal(unmapped, 0x5a5a);
	assert_logged("<3>", "IOAS_UNMAP IOAS 3", "EBUSY");
	/* Without the flag ENOENT stays an error, at LOG_ERR. */
	log_reset();
	expect_ioas_unmap(IOAS_ID, 0x1000, 0x1000, 0, ENOENT);
	assert_int_equal(iommufd_ioas_unmap(f->ioas, 0x1000, 0x1000, 0, &unmapped), -ENOENT);
	assert_int_equal(unmapped, 0x5a5a);
	assert_logged("<3>", "IOAS_UNMAP IOAS 3", "ENOENT");
	/* Unknown flags never reach the kernel. */
	assert_int_equal(iommufd_ioas_unmap(f->ioas, 0x1000, 0x1000, 2, &unmapped), -EINVAL);
	assert_logged("unknown flags");
}

static void unmap_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;

	assert_int_equal(iommufd_ioas_unmap(NULL, 0, 4096, 0, NULL), -EINVAL);
	assert_int_equal(iommufd_ioas_unmap(f->ioas, 0x1000, 0, 0, NULL), -EINVAL);
	assert_logged("zero length");
	assert_int_equal(iommufd_ioas_unmap(f->ioas, UINT64_MAX - 4095, 8192, 0, NULL),
			 -EINVAL);
	assert_logged("wraps");
}

static void unmap_all_sends_the_whole_space(void **state)
{
	struct fixture *f = *state;
	uint64_t unmapped = 0;

	expect_ioas_unmap(IOAS_ID, 0, UINT64_MAX, 0x300000, 0);
	assert_int_equal(iommufd_ioas_unmap_all(f->ioas, &unmapped), 0);
	assert_int_equal(unmapped, 0x300000);
	expect_ioas_unmap(IOAS_ID, 0, UINT64_MAX, 0, 0);
	assert_int_equal(iommufd_ioas_unmap_all(f->ioas, NULL), 0);
	unmapped = 0x5a5a;
	expect_ioas_unmap(IOAS_ID, 0, UINT64_MAX, 0, EINVAL);
	assert_int_equal(iommufd_ioas_unmap_all(f->ioas, &unmapped), -EINVAL);
	assert_int_equal(unmapped, 0x5a5a);	/* untouched on failure */
	assert_int_equal(iommufd_ioas_unmap_all(NULL, &unmapped), -EINVAL);
}

/* ---- the hot paths allocate nothing ------------------------------------ */

static void map_and_unmap_allocate_nothing(void **state)
{
	struct fixture *f = *state;
	unsigned long before = alloc_count();
	uint64_t iova, unmapped;

	expect_ioas_map(IOAS_ID, K_RW, buf, 4096, 0, 0x1000, 0);
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, RW, &iova), 0);
	expect_ioas_map(IOAS_ID, K_RW, buf, 4096, 0, 0, ENOSPC);
	expect_iova_ranges(IOAS_ID, 4, two_ranges, 2, 4096, 0);	/* on the stack */
	assert_int_equal(iommufd_ioas_map(f->ioas, buf, 4096, RW, &iova), -ENOSPC);
	expect_ioas_map(IOAS_ID, KABI_IOAS_MAP_FIXED_IOVA | K_RW, buf, 4096, 0x2000, 0x2000, 0);
	assert_int_equal(iommufd_ioas_map_fixed(f->ioas, buf, 4096, 0x2000, RW), 0);
	expect_ioas_unmap(IOAS_ID, 0x1000, 4096, 4096, 0);
	assert_int_equal(iommufd_ioas_unmap(f->ioas, 0x1000, 4096, 0, &unmapped), 0);
	expect_ioas_unmap(IOAS_ID, 0, UINT64_MAX, 4096, 0);
	assert_int_equal(iommufd_ioas_unmap_all(f->ioas, &unmapped), 0);
	assert_int_equal(alloc_count(), before);
}

static void alloc_count_sees_the_library(void **state)
{
	struct fixture *f = *state;
	unsigned long before = alloc_count();
	struct iommufd_ioas *ioas = test_ioas_new(f->ctx, 8);

	assert_true(alloc_count() > before);	/* the counter above can fail */
	expect_destroy(8, 0);
	iommufd_ioas_unref(ioas);
}

/* ---- IOVA ranges ------------------------------------------------------- */

/* The room the library's first IOVA_RANGES call gives (on its stack). */
#define FIRST_ROOM 8

/* More ranges than fit in the first call's room. */
static struct kabi_iova_range many_ranges[FIRST_ROOM + 2];

static void fill_many_ranges(void)
{
	for (size_t i = 0; i < sizeof(many_ranges) / sizeof(many_ranges[0]); i++)
		many_ranges[i] = (struct kabi_iova_range){
			.start = i << 32, .last = (i << 32) + 0xfffff };
}

/* The usual IOAS: its ranges fit on the stack, one ioctl and one allocation. */
static void iova_ranges_in_one_call(void **state)
{
	struct fixture *f = *state;
	struct iommufd_iova_range *ranges = NULL;
	size_t count = 0;
	uint64_t alignment = 0;
	unsigned long before = alloc_count();

	expect_iova_ranges(IOAS_ID, FIRST_ROOM, two_ranges, 2, 4096, 0);
	assert_int_equal(iommufd_ioas_get_iova_ranges(f->ioas, &ranges, &count,
						      &alignment), 0);
	assert_int_equal(alloc_count() - before, 1);	/* the caller's array */
	assert_int_equal(count, 2);
	assert_int_equal(alignment, 4096);
	assert_non_null(ranges);
	assert_int_equal(ranges[0].start, 0);
	assert_int_equal(ranges[0].last, 0xfedfffff);
	assert_int_equal(ranges[1].start, 0xfef00000);
	assert_int_equal(ranges[1].last, UINT64_MAX);
	free(ranges);
}

/* More than the first call has room for: EMSGSIZE, then the size the kernel said. */
static void iova_ranges_grow_on_emsgsize(void **state)
{
	struct fixture *f = *state;
	const uint32_t n = sizeof(many_ranges) / sizeof(many_ranges[0]);
	struct iommufd_iova_range *ranges = NULL;
	size_t count = 0;
	uint64_t alignment = 0;

	fill_many_ranges();
	expect_iova_ranges(IOAS_ID, FIRST_ROOM, NULL, n, 0, EMSGSIZE);
	expect_iova_ranges(IOAS_ID, n, many_ranges, n, 4096, 0);
	assert_int_equal(iommufd_ioas_get_iova_ranges(f->ioas, &ranges, &count,
						      &alignment), 0);
	assert_int_equal(count, n);
	assert_int_equal(alignment, 4096);
	assert_non_null(ranges);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(ranges[i].start, many_ranges[i].start);
		assert_int_equal(ranges[i].last, many_ranges[i].last);
	}
	free(ranges);
}

static void iova_ranges_that_shrank_meanwhile(void **state)
{
	struct fixture *f = *state;
	struct iommufd_iova_range *ranges = NULL;
	size_t count = 0;

	expect_iova_ranges(IOAS_ID, FIRST_ROOM, NULL, FIRST_ROOM + 1, 0, EMSGSIZE);
	expect_iova_ranges(IOAS_ID, FIRST_ROOM + 1, two_ranges, 2, 4096, 0);
	assert_int_equal(iommufd_ioas_get_iova_ranges(f->ioas, &ranges, &count, NULL), 0);
	assert_int_equal(count, 2);
	assert_int_equal(ranges[1].start, 0xfef00000);
	free(ranges);
}

static void iova_ranges_that_grew_meanwhile(void **state)
{
	struct fixture *f = *state;
	const uint32_t n = sizeof(many_ranges) / sizeof(many_ranges[0]);
	struct iommufd_iova_range *ranges = NULL;
	size_t count = 0;

	fill_many_ranges();
	expect_iova_ranges(IOAS_ID, FIRST_ROOM, NULL, n - 1, 0, EMSGSIZE);
	expect_iova_ranges(IOAS_ID, n - 1, NULL, n, 0, EMSGSIZE);
	expect_iova_ranges(IOAS_ID, n, many_ranges, n, 4096, 0);
	assert_int_equal(iommufd_ioas_get_iova_ranges(f->ioas, &ranges, &count, NULL), 0);
	assert_int_equal(count, n);
	assert_int_equal(ranges[n - 1].last, many_ranges[n - 1].last);
	free(ranges);
}

static void iova_ranges_none(void **state)
{
	struct fixture *f = *state;
	struct iommufd_iova_range *ranges = (void *)0x1;
	size_t count = 99;
	uint64_t alignment = 0;
	unsigned long before = alloc_count();

	expect_iova_ranges(IOAS_ID, FIRST_ROOM, NULL, 0, 1, 0);
	assert_int_equal(iommufd_ioas_get_iova_ranges(f->ioas, &ranges, &count,
						      &alignment), 0);
	assert_int_equal(alloc_count(), before);
	assert_null(ranges);
	assert_int_equal(count, 0);
	assert_int_equal(alignment, 1);
}

static void iova_ranges_bounded_retries(void **state)
{
	struct fixture *f = *state;
	struct iommufd_iova_range *ranges = (void *)0x1;
	size_t count = 99;
	uint32_t room = FIRST_ROOM;
	unsigned int tries = 0;

	/* A kernel whose ranges keep multiplying: always one more. */
	for (; tries < 8; tries++, room++)
		expect_iova_ranges(IOAS_ID, room, NULL, room + 1, 0, EMSGSIZE);
	assert_int_equal(iommufd_ioas_get_iova_ranges(f->ioas, &ranges, &count, NULL),
			 -EMSGSIZE);
	assert_ptr_equal(ranges, (void *)0x1);
	assert_int_equal(count, 99);
	assert_logged("IOAS_IOVA_RANGES IOAS 3", "EMSGSIZE");
}

static void iova_ranges_error_passes_through(void **state)
{
	struct fixture *f = *state;
	struct iommufd_iova_range *ranges = (void *)0x1;
	size_t count = 99;

	expect_iova_ranges(IOAS_ID, FIRST_ROOM, NULL, 0, 0, ENOENT);
	assert_int_equal(iommufd_ioas_get_iova_ranges(f->ioas, &ranges, &count, NULL),
			 -ENOENT);
	expect_iova_ranges(IOAS_ID, FIRST_ROOM, NULL, FIRST_ROOM + 2, 0, EMSGSIZE);
	expect_iova_ranges(IOAS_ID, FIRST_ROOM + 2, NULL, 0, 0, ENOENT);	/* destroyed meanwhile */
	assert_int_equal(iommufd_ioas_get_iova_ranges(f->ioas, &ranges, &count, NULL),
			 -ENOENT);
	assert_ptr_equal(ranges, (void *)0x1);
	assert_int_equal(count, 99);
	assert_logged("IOAS_IOVA_RANGES IOAS 3", "ENOENT");
}

static void iova_ranges_rejects_null(void **state)
{
	struct fixture *f = *state;
	struct iommufd_iova_range *ranges;
	size_t count;

	assert_int_equal(iommufd_ioas_get_iova_ranges(NULL, &ranges, &count, NULL), -EINVAL);
	assert_int_equal(iommufd_ioas_get_iova_ranges(f->ioas, NULL, &count, NULL), -EINVAL);
	assert_int_equal(iommufd_ioas_get_iova_ranges(f->ioas, &ranges, NULL, NULL), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KS_TEST(alloc_returns_the_kernel_id),
		KS_TEST(alloc_error_passes_through),
		KS_TEST(alloc_rejects_null),
		KS_TEST(destroy_only_at_last_unref),
		KS_TEST(ioas_keeps_its_ctx_alive),
		KS_TEST(destroy_error_is_logged_not_fatal),
		KS_TEST(destroy_ebusy_is_retried_at_close),
		KS_TEST(null_handle_getters),
		T(map_returns_the_kernel_iova),
		T(map_prot_becomes_kernel_flags),
		T(map_fixed_sends_fixed_iova),
		T(map_errors_pass_through),
		T(map_enomem_names_the_limit),
		T(map_enomem_with_cap_ipc_lock_is_out_of_memory),
		T(map_enomem_with_cap_ipc_lock_of_a_user_namespace_names_the_limit),
		T(map_enomem_under_an_unlimited_limit_is_out_of_memory),
		T(map_enomem_with_cap_ipc_lock_and_no_user_namespace_is_out_of_memory),
		T(map_enomem_in_the_per_user_mode_names_the_users_pages),
		T(map_enomem_in_the_per_process_mode_names_the_locked_memory),
		T(map_enomem_on_an_adopted_iommufd_asks_the_mode),
		T(map_fixed_errors_pass_through),
		T(map_enospc_names_the_zero_aperture_bug),
		T(map_rejects_bad_arguments),
		T(map_fixed_rejects_bad_arguments),
		T(map_fixed_up_to_the_last_byte_is_not_a_wrap),
		T(defect1_misaligned_maps_are_refused_before_the_kernel),
		T(defect5_map_without_ret_iova_is_logged),
		T(defect5_rlimit_mode_out_of_range_is_logged),
		T(unmap_returns_the_length_unmapped),
		T(unmap_errors_pass_through),
		T(unmap_absent_ok_turns_enoent_into_zero_bytes),
		T(unmap_absent_ok_keeps_other_errors),
		T(unmap_rejects_bad_arguments),
		T(unmap_all_sends_the_whole_space),
		T(map_and_unmap_allocate_nothing),
		T(alloc_count_sees_the_library),
		T(iova_ranges_in_one_call),
		T(iova_ranges_grow_on_emsgsize),
		T(iova_ranges_that_shrank_meanwhile),
		T(iova_ranges_that_grew_meanwhile),
		T(iova_ranges_none),
		T(iova_ranges_bounded_retries),
		T(iova_ranges_error_passes_through),
		T(iova_ranges_rejects_null),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
