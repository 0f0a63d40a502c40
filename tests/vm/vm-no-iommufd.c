// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scenario 7: a kernel without iommufd (Debian 12's stock 6.1).
 *
 * iommufd_ctx_new() must fail with -ENOENT, leave its out-parameter alone
 * and log that the kernel has no iommufd; the rest of the library must
 * keep working (discovery finds nothing, unref of NULL is fine). On kernels
 * that do have iommufd there is nothing to test here.
 */
#include <fcntl.h>
#include <unistd.h>

#include "vmtest.h"

static void test_no_iommufd(struct vmt_case *t)
{
	struct iommufd_ctx *ctx = (struct iommufd_ctx *)&ctx;	/* a sentinel */
	struct iommufd_vfio_cdev **list = NULL;
	size_t n = 99;
	int rc;

	if (access("/dev/iommu", F_OK) == 0)
		SKIP("kernel %s has iommufd (/dev/iommu present)", vmt_kernel_release());
	vmt_note("kernel %s, no /dev/iommu", vmt_kernel_release());

	rc = vmt_ctx_new(&ctx);
	CHECK(rc == -ENOENT, "iommufd_ctx_new = %d (%s), expected ENOENT", rc, vmt_errname(rc));
	CHECK(ctx == (struct iommufd_ctx *)&ctx, "ret_ctx was written on failure");
	CHECK(vmt_log_has("has no iommufd"), "no log line says the kernel has no iommufd: '%s'",
	      vmt_log_last());
	/* Without a log function: the same error, silently. */
	CHECK_RC(iommufd_ctx_new(NULL, &ctx), -ENOENT);
	CHECK(iommufd_ctx_unref(NULL) == NULL, "unref(NULL)");
	/* Discovery works without iommufd: there are simply no VFIO cdevs. */
	CHECK_RC(iommufd_discover_list(NULL, &list, &n), 0);
	CHECK(n == 0 && list && list[0] == NULL, "found %zu VFIO cdevs", n);
out:
	iommufd_discover_list_free(list);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 1);
	vmt_run("no-iommufd", test_no_iommufd);
	return vmt_end();
}
