// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The context: opening, adopting an fd, options (size, unknown members,
 * priority), reference counting, logging and LIBIOMMUFD_LOG.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <syslog.h>
#include <unistd.h>

#include "kernel-script.h"
#include "private.h"	/* explain.c: the hint table */

/* A caller built against a later header: one more member in the options. */
struct newer_ctx_opts {
	struct iommufd_ctx_opts known;
	uint64_t future;
};

/* ---- stderr capture (for LIBIOMMUFD_LOG and "silent by default") ------- */

static int saved_stderr = -1;
static int stderr_file = -1;

static void stderr_capture_begin(void)
{
	fflush(stderr);
	stderr_file = memfd_create("stderr", MFD_CLOEXEC);
	assert_true(stderr_file >= 0);
	saved_stderr = dup(STDERR_FILENO);
	assert_true(saved_stderr >= 0);
	assert_int_equal(dup2(stderr_file, STDERR_FILENO), STDERR_FILENO);
}

/* Restores stderr; returns what was written to it meanwhile (static). */
static const char *stderr_capture_end(void)
{
	static char text[4096];
	ssize_t n;

	fflush(stderr);
	assert_int_equal(dup2(saved_stderr, STDERR_FILENO), STDERR_FILENO);
	close(saved_stderr);
	n = pread(stderr_file, text, sizeof(text) - 1, 0);
	close(stderr_file);
	assert_true(n >= 0);
	text[n] = '\0';
	return text;
}

/* ---- opening ----------------------------------------------------------- */

static void new_opens_the_path_given(void **state)
{
	struct iommufd_ctx *ctx = NULL;
	int fd;

	(void)state;
	ctx = test_ctx_new();
	fd = iommufd_ctx_get_fd(ctx);
	assert_true(fd > STDERR_FILENO);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	assert_logged("opened /dev/null");
	assert_null(iommufd_ctx_unref(ctx));
	assert_false(fd_is_open(fd));
}

static void new_without_opts_is_silent_and_fails_without_dev_iommu(void **state)
{
	struct iommufd_ctx *ctx = (void *)0x1;
	const char *err;

	(void)state;
	if (access("/dev/iommu", F_OK) == 0) {
		print_message("skip: /dev/iommu exists on this machine: the default path would open\n");
		skip();
	}
	unsetenv("LIBIOMMUFD_LOG");
	stderr_capture_begin();
	assert_int_equal(iommufd_ctx_new(NULL, &ctx), -ENOENT);
	err = stderr_capture_end();
	assert_ptr_equal(ctx, (void *)0x1);	/* untouched on failure */
	assert_string_equal(err, "");
}

static void new_explains_missing_dev_iommu(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .log_fn = log_capture);
	struct iommufd_ctx *ctx = NULL;

	(void)state;
	if (access("/dev/iommu", F_OK) == 0) {
		print_message("skip: /dev/iommu exists on this machine\n");
		skip();
	}
	assert_int_equal(iommufd_ctx_new(&opts, &ctx), -ENOENT);
	assert_null(ctx);
	assert_logged("/dev/iommu", "ENOENT", "iommufd", "CONFIG_IOMMUFD");
}

static void new_with_missing_path_gives_enoent(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/nonexistent/iommu",
			.log_fn = log_capture);
	struct iommufd_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(iommufd_ctx_new(&opts, &ctx), -ENOENT);
	assert_null(ctx);
	assert_logged("/nonexistent/iommu", "ENOENT", "no such node");
	assert_false(log_has("CONFIG_IOMMUFD"));
}

static void new_rejects_null_ret(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/dev/null");

	(void)state;
	assert_int_equal(iommufd_ctx_new(&opts, NULL), -EINVAL);
}

/* ---- options ----------------------------------------------------------- */

static void opts_unknown_nonzero_member_gives_e2big(void **state)
{
	struct newer_ctx_opts opts = {
		.known = { .sz = sizeof(opts), .path = "/dev/null",
			   .log_fn = log_capture },
		.future = 1,
	};
	struct iommufd_ctx *ctx = NULL;
	int before = count_open_fds();

	(void)state;
	assert_int_equal(iommufd_ctx_new(&opts.known, &ctx), -E2BIG);
	assert_null(ctx);
	assert_int_equal(count_open_fds(), before);
	assert_logged("option byte", "knows only");
}

static void opts_unknown_zero_member_is_accepted(void **state)
{
	struct newer_ctx_opts opts = {
		.known = { .sz = sizeof(opts), .path = "/dev/null" },
	};
	struct iommufd_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(iommufd_ctx_new(&opts.known, &ctx), 0);
	assert_non_null(ctx);
	iommufd_ctx_unref(ctx);
}

static void opts_older_caller_members_past_sz_are_not_read(void **state)
{
	/* An older caller knew only sz and path: the rest is not its. */
	struct iommufd_ctx_opts opts = {
		.sz = offsetof(struct iommufd_ctx_opts, path) + sizeof(opts.path),
		.path = "/dev/null",
		.log_fn = (iommufd_log_fn)0x1,	/* would crash if called */
		.log_priority = 99,		/* would be -EINVAL if read */
	};
	struct iommufd_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(iommufd_ctx_new(&opts, &ctx), 0);
	assert_int_equal(iommufd_ctx_get_log_priority(ctx), LOG_ERR);
	iommufd_ctx_unref(ctx);
}

static void opts_sz_too_small_gives_einval(void **state)
{
	struct iommufd_ctx_opts opts = { .sz = 4, .path = "/dev/null" };
	struct iommufd_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(iommufd_ctx_new(&opts, &ctx), -EINVAL);
	opts.sz = 0;
	assert_int_equal(iommufd_ctx_new(&opts, &ctx), -EINVAL);
	assert_int_equal(iommufd_ctx_new_from_fd(0, IOMMUFD_ADOPT_BORROW, &opts, &ctx), -EINVAL);
	assert_null(ctx);
}

static void opts_bad_priority_gives_einval(void **state)
{
	static const int bad[] = { -1, LOG_DEBUG + 1, 99 };
	struct iommufd_ctx *ctx = NULL;
	int before = count_open_fds();

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/dev/null",
				.log_fn = log_capture, .log_priority = bad[i]);

		log_reset();
		assert_int_equal(iommufd_ctx_new(&opts, &ctx), -EINVAL);
		assert_logged("not a syslog priority");
	}
	assert_null(ctx);
	assert_int_equal(count_open_fds(), before);
}

static void opts_priority_is_applied(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/dev/null",
			.log_priority = LOG_INFO);
	struct iommufd_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(iommufd_ctx_new(&opts, &ctx), 0);
	assert_int_equal(iommufd_ctx_get_log_priority(ctx), LOG_INFO);
	iommufd_ctx_unref(ctx);
}

/* ---- adopting an fd ---------------------------------------------------- */

static void new_from_fd_never_closes_the_fd(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .log_fn = log_capture,
			.log_priority = LOG_DEBUG);
	struct iommufd_ctx *ctx = NULL;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	/* The fd is checked to be an iommufd: DESTROY of ID 0 says ENOENT. */
	script_set_iommufd(fd);
	expect_destroy(0, ENOENT);
	assert_int_equal(iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_BORROW, &opts, &ctx), 0);
	assert_int_equal(iommufd_ctx_get_fd(ctx), fd);
	assert_logged("adopted");
	assert_null(iommufd_ctx_unref(ctx));
	assert_true(fcntl(fd, F_GETFD) >= 0);
	close(fd);
}

static void new_from_fd_without_opts(void **state)
{
	struct iommufd_ctx *ctx = NULL;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	(void)state;
	assert_true(fd >= 0);
	script_set_iommufd(fd);
	expect_destroy(0, ENOENT);
	assert_int_equal(iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_BORROW, NULL, &ctx), 0);
	assert_int_equal(iommufd_ctx_get_fd(ctx), fd);
	assert_int_equal(iommufd_ctx_get_log_priority(ctx), LOG_ERR);
	iommufd_ctx_unref(ctx);
	assert_true(fd_is_open(fd));
	close(fd);
}

static void new_from_fd_rejects_bad_arguments(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, with_path, .path = "/dev/null",
			.log_fn = log_capture);
	struct newer_ctx_opts newer = {
		.known = { .sz = sizeof(newer) }, .future = 1,
	};
	struct iommufd_ctx *ctx = NULL;

	(void)state;
	assert_int_equal(iommufd_ctx_new_from_fd(-1, IOMMUFD_ADOPT_BORROW, NULL, &ctx), -EINVAL);
	assert_int_equal(iommufd_ctx_new_from_fd(0, IOMMUFD_ADOPT_BORROW, NULL, NULL), -EINVAL);
	assert_int_equal(iommufd_ctx_new_from_fd(0, IOMMUFD_ADOPT_BORROW, &with_path, &ctx), -EINVAL);
	assert_logged("path makes no sense");
	assert_int_equal(iommufd_ctx_new_from_fd(0, IOMMUFD_ADOPT_BORROW, &newer.known, &ctx), -E2BIG);
	assert_null(ctx);
}

/* ---- references and getters -------------------------------------------- */

static void ref_unref_count(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	int fd = iommufd_ctx_get_fd(ctx);

	(void)state;
	assert_ptr_equal(iommufd_ctx_ref(ctx), ctx);
	assert_ptr_equal(iommufd_ctx_ref(ctx), ctx);
	assert_null(iommufd_ctx_unref(ctx));
	assert_null(iommufd_ctx_unref(ctx));
	assert_true(fd_is_open(fd));		/* one reference left */
	assert_null(iommufd_ctx_unref(ctx));
	assert_false(fd_is_open(fd));
}

static void null_handles_are_accepted_or_rejected(void **state)
{
	(void)state;
	assert_null(iommufd_ctx_ref(NULL));
	assert_null(iommufd_ctx_unref(NULL));
	assert_int_equal(iommufd_ctx_get_fd(NULL), -EINVAL);
	assert_int_equal(iommufd_ctx_get_log_priority(NULL), -EINVAL);
	assert_int_equal(iommufd_ctx_set_log_priority(NULL, LOG_DEBUG), -EINVAL);
	assert_int_equal(iommufd_ctx_set_log_fn(NULL, log_capture, NULL), -EINVAL);
}

/* ---- logging ----------------------------------------------------------- */

struct log_seen {
	int calls;
	int priority;
	void *userdata;
};

static void counting_log(void *userdata, int priority, const char *file,
			 int line, const char *fn, const char *format,
			 va_list args)
{
	struct log_seen *seen = userdata;

	(void)file;
	(void)line;
	(void)fn;
	(void)format;
	(void)args;
	seen->calls++;
	seen->priority = priority;
	seen->userdata = userdata;
}

static void set_log_fn_replaces_and_silences(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = NULL;
	struct log_seen seen = { 0 };

	(void)state;
	assert_int_equal(iommufd_ctx_set_log_fn(ctx, counting_log, &seen), 0);
	expect_ioas_alloc(0, ENOMEM);
	assert_int_equal(iommufd_ioas_alloc(ctx, &ioas), -ENOMEM);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(seen.priority, LOG_ERR);
	assert_ptr_equal(seen.userdata, &seen);

	log_reset();
	assert_int_equal(iommufd_ctx_set_log_fn(ctx, NULL, NULL), 0);
	expect_ioas_alloc(0, ENOMEM);
	assert_int_equal(iommufd_ioas_alloc(ctx, &ioas), -ENOMEM);
	assert_int_equal(seen.calls, 1);
	assert_int_equal(log_count(), 0);
	assert_null(ioas);
	iommufd_ctx_unref(ctx);
}

static void log_priority_filters(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_ioas *ioas = NULL;

	(void)state;
	assert_int_equal(iommufd_ctx_get_log_priority(ctx), LOG_DEBUG);
	assert_int_equal(iommufd_ctx_set_log_priority(ctx, LOG_ERR), 0);
	assert_int_equal(iommufd_ctx_get_log_priority(ctx), LOG_ERR);

	log_reset();
	ioas = test_ioas_new(ctx, 3);		/* success logs at debug only */
	assert_int_equal(log_count(), 0);
	expect_destroy(3, 0);
	iommufd_ioas_unref(ioas);

	assert_int_equal(iommufd_ctx_set_log_priority(ctx, LOG_DEBUG), 0);
	ioas = test_ioas_new(ctx, 4);
	assert_logged("IOAS 4 allocated");
	expect_destroy(4, 0);
	iommufd_ioas_unref(ioas);
	iommufd_ctx_unref(ctx);
}

static void set_log_priority_rejects_non_syslog_values(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();

	(void)state;
	assert_int_equal(iommufd_ctx_set_log_priority(ctx, -1), -EINVAL);
	assert_int_equal(iommufd_ctx_set_log_priority(ctx, LOG_DEBUG + 1), -EINVAL);
	assert_int_equal(iommufd_ctx_get_log_priority(ctx), LOG_DEBUG);
	assert_int_equal(iommufd_ctx_set_log_priority(ctx, LOG_EMERG), 0);
	assert_int_equal(iommufd_ctx_get_log_priority(ctx), LOG_EMERG);
	iommufd_ctx_unref(ctx);
}

/* ---- LIBIOMMUFD_LOG ---------------------------------------------------- */

/* Opens /dev/null with LIBIOMMUFD_LOG=@value, no log fn; returns stderr. */
static const char *ctx_with_env(const char *value, int *ret_priority)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/dev/null");
	struct iommufd_ctx *ctx = NULL;
	const char *err;

	assert_int_equal(setenv("LIBIOMMUFD_LOG", value, 1), 0);
	stderr_capture_begin();
	assert_int_equal(iommufd_ctx_new(&opts, &ctx), 0);
	err = stderr_capture_end();
	unsetenv("LIBIOMMUFD_LOG");
	*ret_priority = iommufd_ctx_get_log_priority(ctx);
	iommufd_ctx_unref(ctx);
	return err;
}

static void env_debug_logs_to_stderr(void **state)
{
	int prio;
	const char *err = ctx_with_env("debug", &prio);

	(void)state;
	assert_int_equal(prio, LOG_DEBUG);
	assert_non_null(strstr(err, "libiommufd: "));
	assert_non_null(strstr(err, "opened /dev/null as fd"));
}

static void env_names_and_numbers(void **state)
{
	static const struct { const char *value; int prio; } cases[] = {
		{ "err", LOG_ERR }, { "ERROR", LOG_ERR }, { "info", LOG_INFO },
		{ "Debug", LOG_DEBUG }, { "6", LOG_INFO }, { "0", LOG_EMERG },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int prio;

		ctx_with_env(cases[i].value, &prio);
		assert_int_equal(prio, cases[i].prio);
	}
}

static void env_garbage_is_ignored(void **state)
{
	static const char *const garbage[] = { "loud", "8", "-1", "7x", "" };

	(void)state;
	for (size_t i = 0; i < sizeof(garbage) / sizeof(garbage[0]); i++) {
		int prio;
		const char *err = ctx_with_env(garbage[i], &prio);

		assert_int_equal(prio, LOG_ERR);
		assert_string_equal(err, "");
	}
}

static void env_is_overridden_by_opts(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/dev/null",
			.log_fn = log_capture, .log_priority = LOG_INFO);
	struct iommufd_ctx *ctx = NULL;
	const char *err;

	(void)state;
	assert_int_equal(setenv("LIBIOMMUFD_LOG", "debug", 1), 0);
	stderr_capture_begin();
	assert_int_equal(iommufd_ctx_new(&opts, &ctx), 0);
	err = stderr_capture_end();
	unsetenv("LIBIOMMUFD_LOG");
	assert_string_equal(err, "");
	assert_int_equal(iommufd_ctx_get_log_priority(ctx), LOG_INFO);
	iommufd_ctx_unref(ctx);
}

static void silent_by_default(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/nonexistent/iommu");
	struct iommufd_ctx *ctx = NULL;
	const char *err;

	(void)state;
	unsetenv("LIBIOMMUFD_LOG");
	stderr_capture_begin();
	assert_int_equal(iommufd_ctx_new(&opts, &ctx), -ENOENT);
	err = stderr_capture_end();
	assert_string_equal(err, "");
}

/* ==== failed kernel commands, explained from the hint table ================ */

static void cmd_fail_appends_the_errno_and_the_tables_hint(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();

	(void)state;
	log_cmd_err(ctx, KCMD_IOAS_COPY, -EEXIST, ": not used when the table has a row",
		    "IOAS_COPY IOAS %u", 3u);
	assert_string_equal(iommufd_last_error(),
			    "IOAS_COPY IOAS 3: EEXIST: the destination range is already mapped");
	assert_logged("<3>", "IOAS_COPY IOAS 3: EEXIST: the destination range");
	/* No row for the errno: the caller's own explanation, or nothing. */
	log_cmd_err(ctx, KCMD_IOAS_COPY, -ENOMEM, ": RLIMIT_MEMLOCK ...", "IOAS_COPY IOAS %u", 3u);
	assert_string_equal(iommufd_last_error(), "IOAS_COPY IOAS 3: ENOMEM: RLIMIT_MEMLOCK ...");
	log_cmd_err(ctx, KCMD_OTHER, -EIO, NULL, "GET_HW_INFO device %u", 2u);
	assert_string_equal(iommufd_last_error(), "GET_HW_INFO device 2: EIO");
	/* A variant of a command has rows of its own. */
	assert_null(iommufd_cmd_hint(KCMD_OPTION, -EINVAL));
	assert_non_null(strstr(iommufd_cmd_hint(KCMD_OPTION_HUGE_PAGES_SET, -EINVAL),
			       "pages are mapped"));
	assert_string_equal(iommufd_cmd_hint(KCMD_INVALIDATE, -EOPNOTSUPP),
			    "the next entry's flags are refused");
	assert_non_null(strstr(iommufd_cmd_hint(KCMD_INVALIDATE_FIRST, -EOPNOTSUPP),
			       "first entry"));
	/* An answer the caller asked for goes out at its priority. */
	log_reset();
	iommufd_cmd_fail(ctx, LOG_DEBUG, __FILE__, __LINE__, __func__, KCMD_DESTROY, -ENOENT,
			 NULL, "DESTROY HWPT %u", 5u);
	assert_logged("<7>", "DESTROY HWPT 5: ENOENT: no such object");
	iommufd_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KS_TEST(new_opens_the_path_given),
		KS_TEST(cmd_fail_appends_the_errno_and_the_tables_hint),
		KS_TEST(new_without_opts_is_silent_and_fails_without_dev_iommu),
		KS_TEST(new_explains_missing_dev_iommu),
		KS_TEST(new_with_missing_path_gives_enoent),
		KS_TEST(new_rejects_null_ret),
		KS_TEST(opts_unknown_nonzero_member_gives_e2big),
		KS_TEST(opts_unknown_zero_member_is_accepted),
		KS_TEST(opts_older_caller_members_past_sz_are_not_read),
		KS_TEST(opts_sz_too_small_gives_einval),
		KS_TEST(opts_bad_priority_gives_einval),
		KS_TEST(opts_priority_is_applied),
		KS_TEST(new_from_fd_never_closes_the_fd),
		KS_TEST(new_from_fd_without_opts),
		KS_TEST(new_from_fd_rejects_bad_arguments),
		KS_TEST(ref_unref_count),
		KS_TEST(null_handles_are_accepted_or_rejected),
		KS_TEST(set_log_fn_replaces_and_silences),
		KS_TEST(log_priority_filters),
		KS_TEST(set_log_priority_rejects_non_syslog_values),
		KS_TEST(env_debug_logs_to_stderr),
		KS_TEST(env_names_and_numbers),
		KS_TEST(env_garbage_is_ignored),
		KS_TEST(env_is_overridden_by_opts),
		KS_TEST(silent_by_default),
	};

	unsetenv("LIBIOMMUFD_LOG");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
