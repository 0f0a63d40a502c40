// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The library's version at run time. It is the version of the headers the
 * library itself was compiled with, which configure generated from the
 * same AC_INIT as the package: a program compares it with the
 * LIBIOMMUFD_VERSION it was compiled against to see which library it runs.
 */
#include "private.h"

IOMMUFD_EXPORT const char *iommufd_version(void)
{
	return LIBIOMMUFD_VERSION;
}
