/* The public header compiles alone as strict C99 (-pedantic-errors). */
#include <libiommufd.h>

int main(void)
{
	struct iommufd_hwpt_opts opts = { sizeof(opts), IOMMUFD_HWPT_NEST_PARENT, 0, 0, 0 };

	return opts.sz == sizeof(opts) ? 0 : 1;
}
