// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The errno names of the log lines. The library's own table (errname.c),
 * used where the C library lacks strerrorname_np() (musl, glibc < 2.32),
 * must name every errno as glibc does, so logs read the same everywhere:
 * on glibc, every number from 1 to 4095 is compared with strerrorname_np().
 */
#define _GNU_SOURCE
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <string.h>

#include "kernel-script.h"
#include "private.h"

static void table_names_what_the_library_meets(void **state)
{
	(void)state;
	assert_string_equal(iommufd_errname_table(EOPNOTSUPP), "EOPNOTSUPP");
	assert_string_equal(iommufd_errname_table(-ENOTTY), "ENOTTY");
	assert_string_equal(iommufd_errname_table(E2BIG), "E2BIG");
	assert_string_equal(iommufd_errname_table(EWOULDBLOCK), "EAGAIN");
	assert_string_equal(iommufd_errname_table(EHWPOISON), "EHWPOISON");
	assert_null(iommufd_errname_table(4095));
	assert_null(iommufd_errname_table(-100000));
	/* The public name, whichever source it comes from; never NULL. */
	assert_string_equal(iommufd_errname(-EBUSY), "EBUSY");
	assert_string_equal(iommufd_errname(4000), "unknown errno");
}

static void table_matches_strerrorname_np(void **state)
{
	(void)state;
#ifdef HAVE_STRERRORNAME_NP
	unsigned int named = 0;

	for (int e = 1; e < 4096; e++) {
		const char *libc = strerrorname_np(e), *ours = iommufd_errname_table(e);

		if (!libc != !ours || (libc && strcmp(libc, ours)))
			fail_msg("errno %d: libc says %s, the table %s", e,
				 libc ? libc : "(none)", ours ? ours : "(none)");
		named += !!ours;
	}
	print_message("errname: %u errnos named alike by the table and strerrorname_np()\n",
		      named);
#else
	skip();	/* this C library has no strerrorname_np() to compare with */
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KS_TEST(table_names_what_the_library_meets),
		KS_TEST(table_matches_strerrorname_np),
	};

	return cmocka_run_group_tests_name("errno names", tests, NULL, NULL);
}
