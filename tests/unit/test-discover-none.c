// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Discovery in a library built without libudev (configure
 * --without-libudev): the calls that need libudev return -EOPNOTSUPP with
 * a log line that says so, never touch an out-parameter and reach no ioctl
 * (the scripted kernel is empty); address checks and the list's free keep
 * working. Built instead of test-discover.c in such a configuration.
 */
#include <errno.h>
#include <stdlib.h>

#include "kernel-script.h"

static void discover_pci_is_eopnotsupp(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	char *path = (char *)0x1;

	(void)state;
	assert_int_equal(iommufd_discover_pci(ctx, "0000:00:03.0", &path), -EOPNOTSUPP);
	assert_ptr_equal(path, (char *)0x1);
	assert_logged("/sys/bus/pci/devices/0000:00:03.0", "without libudev");
	iommufd_ctx_unref(ctx);
}

static void discover_pci_still_checks_the_address(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	char *path = (char *)0x1;

	(void)state;
	assert_int_equal(iommufd_discover_pci(ctx, "00:20.0", &path), -EINVAL);
	assert_ptr_equal(path, (char *)0x1);
	assert_logged("is not a PCI address");
	assert_int_equal(iommufd_discover_pci(ctx, NULL, &path), -EINVAL);
	assert_int_equal(iommufd_discover_pci(ctx, "00:03.0", NULL), -EINVAL);
	iommufd_ctx_unref(ctx);
}

static void discover_sysfs_is_eopnotsupp(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	char *path = (char *)0x1;

	(void)state;
	assert_int_equal(iommufd_discover_sysfs(ctx, "/sys/bus/pci/devices/0000:00:03.0", &path),
			 -EOPNOTSUPP);
	assert_ptr_equal(path, (char *)0x1);
	assert_logged("without libudev", "bind by path or fd");
	assert_int_equal(iommufd_discover_sysfs(ctx, "", &path), -EINVAL);
	assert_int_equal(iommufd_discover_sysfs(ctx, NULL, &path), -EINVAL);
	iommufd_ctx_unref(ctx);
}

static void discover_list_is_eopnotsupp(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_vfio_cdev **list = (struct iommufd_vfio_cdev **)0x1;
	size_t count = 7;

	(void)state;
	assert_int_equal(iommufd_discover_list(ctx, &list, &count), -EOPNOTSUPP);
	assert_ptr_equal(list, (struct iommufd_vfio_cdev **)0x1);
	assert_int_equal(count, 7);
	assert_logged("cannot list VFIO cdevs", "without libudev");
	assert_int_equal(iommufd_discover_list(ctx, NULL, &count), -EINVAL);
	/* Silent without a context, the same answer. */
	assert_int_equal(iommufd_discover_list(NULL, &list, NULL), -EOPNOTSUPP);
	iommufd_discover_list_free(NULL);
	iommufd_ctx_unref(ctx);
}

static void bind_pci_passes_the_answer_on(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_device *dev = (struct iommufd_device *)0x1;

	(void)state;
	assert_int_equal(iommufd_device_bind_pci(ctx, "0000:00:03.0", &dev), -EOPNOTSUPP);
	assert_ptr_equal(dev, (struct iommufd_device *)0x1);
	assert_logged("without libudev");
	iommufd_ctx_unref(ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		KS_TEST(discover_pci_is_eopnotsupp),
		KS_TEST(discover_pci_still_checks_the_address),
		KS_TEST(discover_sysfs_is_eopnotsupp),
		KS_TEST(discover_list_is_eopnotsupp),
		KS_TEST(bind_pci_passes_the_answer_on),
	};

	return cmocka_run_group_tests_name("without libudev", tests, NULL, NULL);
}
