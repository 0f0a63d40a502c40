// The public header compiles alone as C++11 and links with C linkage.
#include <libiommufd.h>

int main()
{
	iommufd_ctx *(*unref)(iommufd_ctx *) = iommufd_ctx_unref;
	iommufd_hw_info info = {};

	info.sz = sizeof(info);
	return unref && info.sz ? 0 : 1;
}
