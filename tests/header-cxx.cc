// The public header compiles alone as C++ (11, 17 and 20, -pedantic-errors),
// links with C linkage, and LIBIOMMUFD_OPTS() works there (header-opts.h).
#include <libiommufd.h>

#include "header-opts.h"

int main()
{
	iommufd_ctx *(*unref)(iommufd_ctx *) = iommufd_ctx_unref;
	iommufd_hw_info info = {};

	info.sz = sizeof(info);
	if (!unref || !info.sz)
		return 1;
	return check_opts();
}
