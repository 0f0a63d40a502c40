/* The public header compiles alone as strict C99 (-pedantic-errors). */
#include <libiommufd.h>

int main(void)
{
	struct iommufd_hwpt_opts opts = { .sz = sizeof(opts), .flags = IOMMUFD_HWPT_NEST_PARENT };

	return opts.sz == sizeof(opts) ? 0 : 1;
}
