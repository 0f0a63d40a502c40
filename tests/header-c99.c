/*
 * The public header compiles alone as strict C (C99 and C11,
 * -pedantic-errors), LIBIOMMUFD_OPTS() included (header-opts.h).
 */
#include <libiommufd.h>

#include "header-opts.h"

int main(void)
{
	struct iommufd_hwpt_opts opts = { .sz = sizeof(opts), .flags = IOMMUFD_HWPT_NEST_PARENT };

	if (opts.sz != sizeof(opts))
		return 1;
	return check_opts();
}
