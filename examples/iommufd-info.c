// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * iommufd-info: what this machine offers to a libiommufd user.
 *
 * Opens /dev/iommu, lists the VFIO device cdevs, binds each one and prints
 * what IOMMU serves it. Build against an installed library with
 *   cc iommufd-info.c $(pkg-config --cflags --libs libiommufd)
 * Exit status: 0 when the report is complete (also when the machine has no
 * iommufd: that is a fact to report, not an error), 1 on a failure.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include <libiommufd.h>

static void print_ranges(struct iommufd_ctx *ctx)
{
	struct iommufd_iova_range *ranges;
	struct iommufd_ioas *ioas;
	uint64_t align;
	size_t n;

	if (iommufd_ioas_alloc(ctx, &ioas))
		return;
	if (!iommufd_ioas_get_iova_ranges(ioas, &ranges, &n, &align)) {
		printf("  empty IOAS %u: %zu IOVA range(s), alignment 0x%llx\n",
		       iommufd_ioas_get_id(ioas), n, (unsigned long long)align);
		for (size_t i = 0; i < n; i++)
			printf("    0x%016llx-0x%016llx\n",
			       (unsigned long long)ranges[i].start,
			       (unsigned long long)ranges[i].last);
		free(ranges);
	}
	iommufd_ioas_unref(ioas);
}

static void print_device(struct iommufd_ctx *ctx, const struct iommufd_vfio_cdev *c)
{
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	struct iommufd_device *dev;
	unsigned char data[64];
	int rc;

	printf("  %s  %s", c->cdev_path, c->sysfs_path);
	if (c->pci_addr)
		printf("  [%04x:%04x]", c->vendor, c->device);
	printf("\n");
	rc = iommufd_device_bind_path(ctx, c->cdev_path, &dev);
	if (rc) {
		printf("    bind: %s\n", strerror(-rc));
		return;
	}
	rc = iommufd_device_get_hw_info(dev, data, sizeof(data), &info);
	if (rc)
		printf("    hw info: %s\n", strerror(-rc));
	else
		printf("    device %u: IOMMU: %s (type %#x, %u bytes), capabilities %#llx, PASID bits %u\n",
		       iommufd_device_get_id(dev), iommufd_hw_info_type_name(info.type), info.type,
		       info.data_len, (unsigned long long)info.capabilities,
		       info.max_pasid_log2);
	iommufd_device_unref(dev);
}

int main(void)
{
	struct iommufd_vfio_cdev **list;
	struct iommufd_ctx *ctx;
	struct utsname un;
	size_t count;
	int rc;

	uname(&un);
	printf("kernel: %s %s\n", un.sysname, un.release);
	rc = iommufd_ctx_new(NULL, &ctx);
	if (rc == -ENOENT) {
		printf("/dev/iommu: absent: this kernel has no iommufd (CONFIG_IOMMUFD), so nothing\n"
		       "  can be bound here; run the README's first command to see the library\n"
		       "  drive a real iommufd in the test VM\n");
		ctx = NULL;
	} else if (rc) {
		printf("/dev/iommu: %s\n", strerror(-rc));
		return 1;
	} else {
		printf("/dev/iommu: open (fd %d)\n", iommufd_ctx_get_fd(ctx));
		print_ranges(ctx);
	}

	rc = iommufd_discover_list(ctx, &list, &count);
	if (rc) {
		printf("VFIO cdevs: listing failed: %s\n", strerror(-rc));
		iommufd_ctx_unref(ctx);
		return 1;
	}
	printf("VFIO device cdevs: %zu\n", count);
	for (size_t i = 0; i < count; i++) {
		if (ctx)
			print_device(ctx, list[i]);
		else
			printf("  %s  %s\n", list[i]->cdev_path, list[i]->sysfs_path);
	}
	iommufd_discover_list_free(list);
	iommufd_ctx_unref(ctx);
	return 0;
}
