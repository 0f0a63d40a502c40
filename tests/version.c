// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The version: the library linked at run time says the version of the
 * headers it was built with (the same configure), the header's parts agree
 * with its string, and LIBIOMMUFD_VERSION_CHECK() orders versions, in #if
 * as well as in expressions.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libiommufd.h>

static int failures;

#define CHECK(cond)								\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond); \
			failures++;						\
		}								\
	} while (0)

/* The preprocessor sees the macros too: this must compile the first branch. */
#if LIBIOMMUFD_VERSION_CHECK(1, 0, 0) && !LIBIOMMUFD_VERSION_CHECK(999, 0, 0)
static const int checked_by_cpp = 1;
#else
static const int checked_by_cpp = 0;
#endif

int main(void)
{
	const char *rt = iommufd_version();
	char parts[64];
	unsigned int maj, min, mic;
	char extra;

	CHECK(rt != NULL);
	if (!rt)
		return 1;
	printf("headers %s, library %s\n", LIBIOMMUFD_VERSION, rt);
	CHECK(strcmp(rt, LIBIOMMUFD_VERSION) == 0);
	CHECK(iommufd_version() == rt);		/* static storage */

	/* The string is exactly MAJOR.MINOR.MICRO of the numeric macros. */
	CHECK(sscanf(LIBIOMMUFD_VERSION, "%u.%u.%u%c", &maj, &min, &mic, &extra) == 3);
	CHECK(maj == LIBIOMMUFD_VERSION_MAJOR && min == LIBIOMMUFD_VERSION_MINOR &&
	      mic == LIBIOMMUFD_VERSION_MICRO);
	snprintf(parts, sizeof(parts), "%d.%d.%d", LIBIOMMUFD_VERSION_MAJOR,
		 LIBIOMMUFD_VERSION_MINOR, LIBIOMMUFD_VERSION_MICRO);
	CHECK(strcmp(parts, LIBIOMMUFD_VERSION) == 0);
	/* This is the 1.x series: the SONAME libiommufd.so.1. */
	CHECK(LIBIOMMUFD_VERSION_MAJOR == 1);

	/* At least itself and anything before it... */
	CHECK(LIBIOMMUFD_VERSION_CHECK(LIBIOMMUFD_VERSION_MAJOR, LIBIOMMUFD_VERSION_MINOR,
				       LIBIOMMUFD_VERSION_MICRO));
	CHECK(LIBIOMMUFD_VERSION_CHECK(1, 0, 0));
	CHECK(LIBIOMMUFD_VERSION_CHECK(0, 99, 99));
	CHECK(LIBIOMMUFD_VERSION_CHECK(LIBIOMMUFD_VERSION_MAJOR, 0, 0));
	/* ...and nothing after it, in any of the three parts. */
	CHECK(!LIBIOMMUFD_VERSION_CHECK(LIBIOMMUFD_VERSION_MAJOR, LIBIOMMUFD_VERSION_MINOR,
					LIBIOMMUFD_VERSION_MICRO + 1));
	CHECK(!LIBIOMMUFD_VERSION_CHECK(LIBIOMMUFD_VERSION_MAJOR, LIBIOMMUFD_VERSION_MINOR + 1,
					0));
	CHECK(!LIBIOMMUFD_VERSION_CHECK(LIBIOMMUFD_VERSION_MAJOR + 1, 0, 0));
	CHECK(checked_by_cpp);

	if (failures)
		return 1;
	printf("version checks passed\n");
	return 0;
}
