// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Why a kernel command failed, as data: one row per command and errno with
 * the hint a log line adds after the errno's name (iommufd_cmd_fail() in
 * ctx.c logs a failed command with it). A command whose errno means
 * something else in one use (OPTION's EINVAL when setting huge pages, an
 * INVALIDATE refused at its first entry) has a variant of its own.
 * Explanations that ask the kernel or the process (usable IOVA ranges,
 * RLIMIT_MEMLOCK) stay with their callers, which pass them as @more.
 */
#include "private.h"

static const struct cmd_hint {
	enum kcmd cmd;
	int err;
	const char *hint;
} hints[] = {
	{ KCMD_DESTROY, -EBUSY, "the kernel says it is still in use (by an object or an"
				" attach the library does not see)" },
	{ KCMD_DESTROY, -ENOENT, "no such object (destroyed already?)" },
	{ KCMD_RELEASE, -ENOENT, "already gone (destroyed behind the handle's back?)" },
	{ KCMD_OPTION, -EPERM, "needs CAP_SYS_RESOURCE" },
	{ KCMD_OPTION, -EBUSY, "cannot change once the context has objects" },
	{ KCMD_OPTION_HUGE_PAGES_SET, -EPERM, "needs CAP_SYS_RESOURCE" },
	{ KCMD_OPTION_HUGE_PAGES_SET, -EBUSY, "cannot change once the context has objects" },
	{ KCMD_OPTION_HUGE_PAGES_SET, -EINVAL,
	  "cannot change while a device is attached and pages are mapped" },
	{ KCMD_CHANGE_PROCESS, -EINVAL, "a mapping was made from a user address, not a file" },
	{ KCMD_PASID_ATTACH, -EINVAL, "kernels before 6.15 refuse the PASID flag; or the PASID"
				      " is out of range, or the HWPT was not allocated with"
				      " IOMMUFD_HWPT_PASID" },
	{ KCMD_PASID_ATTACH, -EOPNOTSUPP, "the device or its IOMMU has no PASID support" },
	{ KCMD_HW_INFO_BY_TYPE, -EOPNOTSUPP,
	  "a kernel before 6.17 cannot choose the type, or the IOMMU has no record of it" },
	{ KCMD_HW_INFO_NOIOMMU, -EOPNOTSUPP,
	  "the device is a noiommu device (its cdev is noiommu-vfioN): no IOMMU serves it, so there"
	  " is no IOMMU to describe; it cannot nest, track dirty pages or use PASIDs, and its DMA"
	  " uses physical addresses (iommufd_ioas_noiommu_get_pa())" },
	{ KCMD_SET_DIRTY_TRACKING, -ENOTTY, "the kernel has no dirty tracking (before 6.7)" },
	{ KCMD_SET_DIRTY_TRACKING, -EINVAL,
	  "the HWPT was not allocated with IOMMUFD_HWPT_DIRTY_TRACKING" },
	{ KCMD_SET_DIRTY_TRACKING, -EOPNOTSUPP,
	  "the HWPT was not allocated with IOMMUFD_HWPT_DIRTY_TRACKING" },
	{ KCMD_GET_DIRTY_BITMAP, -ENOTTY, "the kernel has no dirty tracking (before 6.7)" },
	{ KCMD_GET_DIRTY_BITMAP, -EINVAL,
	  "not a dirty-tracking HWPT, or the range is not mapped/aligned" },
	{ KCMD_FAULT_QUEUE_ALLOC, -ENOTTY, "the kernel has no fault queues (before 6.11)" },
	{ KCMD_FAULT_RESPOND, -EINVAL, "no pending group has this cookie" },
	{ KCMD_INVALIDATE_FIRST, -EOPNOTSUPP,
	  "no invalidation of this kind here, or the first entry's flags are refused" },
	{ KCMD_INVALIDATE_FIRST, -EINVAL, "the next entry is refused (or the data type)" },
	{ KCMD_INVALIDATE_FIRST, -EIO, "the next entry is refused (or the data type)" },
	{ KCMD_INVALIDATE, -EOPNOTSUPP, "the next entry's flags are refused" },
	{ KCMD_INVALIDATE, -EINVAL, "the next entry is refused (or the data type)" },
	{ KCMD_INVALIDATE, -EIO, "the next entry is refused (or the data type)" },
	{ KCMD_HW_QUEUE_ALLOC, -ENOTTY, "the kernel has no HW queues (before 6.17)" },
	{ KCMD_HW_QUEUE_ALLOC, -EOPNOTSUPP, "the vIOMMU has no HW queue of this type" },
	{ KCMD_HW_QUEUE_ALLOC, -EINVAL,
	  "bad index order, size or alignment, or the memory is not mapped in stage 2" },
	{ KCMD_IOAS_BY_ID, -ENOENT, "no IOAS of this ID in the context" },
	{ KCMD_IOAS_UNMAP, -ENOENT, "nothing mapped there, or the range cuts a mapping" },
	{ KCMD_IOAS_MAP_FILE, -ENOTTY, "the kernel cannot map files (before 6.13)" },
	{ KCMD_IOAS_COPY, -ENOENT, "the source range is not inside mappings of the source IOAS" },
	{ KCMD_IOAS_COPY, -EEXIST, "the destination range is already mapped" },
	{ KCMD_IOAS_ALLOW_IOVAS, -EADDRINUSE,
	  "a range overlaps a region reserved by an attached device" },
	{ KCMD_IOAS_ALLOW_IOVAS, -EINVAL, "the ranges are not sorted, overlap, or are misaligned" },
	{ KCMD_VDEVICE_ALLOC, -EEXIST, "the device already has a vDevice" },
	{ KCMD_VDEVICE_ALLOC, -ENOTTY, "the kernel has no vDevice objects (before 6.13)" },
	{ KCMD_VDEVICE_ALLOC, -EINVAL,
	  "the device is not behind this vIOMMU's IOMMU, or the ID is invalid" },
	{ KCMD_VEVENTQ_ALLOC, -ENOTTY, "the kernel has no vEVENTQs (before 6.15)" },
	{ KCMD_VEVENTQ_ALLOC, -EEXIST, "the vIOMMU already has a queue of this type" },
	{ KCMD_VEVENTQ_ALLOC, -EOPNOTSUPP, "the vIOMMU does not report events of this type" },
	{ KCMD_VIOMMU_ALLOC, -ENOTTY, "the kernel has no vIOMMU objects (before 6.13)" },
	{ KCMD_VIOMMU_ALLOC, -EOPNOTSUPP,
	  "the IOMMU driver of the device has no vIOMMU of this type" },
	{ KCMD_VIOMMU_ALLOC, -EINVAL,
	  "the parent is not a nest-parent HWPT of this IOMMU, or the data is invalid" },
	{ KCMD_VIOMMU_MMAP, -ENODEV, "the kernel cannot mmap an iommufd (before 6.17)" },
	{ KCMD_VIOMMU_MMAP, -ENXIO,
	  "no such region (the vIOMMU is gone, or another offset or length)" },
	{ KCMD_VIOMMU_MMAP, -EINVAL, "the kernel wants a shared mapping of whole pages" },
	{ KCMD_DMABUF_EXPORT, -ENOTTY, "the kernel or the device's VFIO driver cannot export"
				       " dma-bufs (vfio-pci 6.19+ with CONFIG_VFIO_PCI_DMABUF"
				       " and PCI peer-to-peer DMA)" },
	{ KCMD_DMABUF_EXPORT, -EOPNOTSUPP, "the device's VFIO driver exports no dma-bufs" },
	{ KCMD_DMABUF_EXPORT, -ENODEV, "the region is not a BAR the driver has claimed" },
	{ KCMD_DMABUF_EXPORT, -EINVAL,
	  "the range is outside the BAR, or the device has no peer-to-peer provider" },
	{ KCMD_PCI_CONFIG_INFO, -EINVAL, "not a PCI device" },
	{ KCMD_IOAS_MAP_DMABUF, -ENODEV,
	  "the dma-buf is revoked: its device's memory decode is off or the device is being"
	  " reset; turn decode on (PCI_COMMAND_MEMORY) and map again" },
	{ KCMD_IOAS_MAP_DMABUF, -EOPNOTSUPP,
	  "iommufd imports no dma-buf of this exporter (only VFIO PCI BARs)" },
	{ KCMD_IOAS_MAP_DMABUF, -ENOTTY, "the kernel cannot map files (before 6.13)" },
	{ KCMD_IOAS_MAP_DMABUF, -EBADF, "not an open file" },
	{ KCMD_IOAS_MAP_DMABUF, -EINVAL,
	  "the range is outside the dma-buf, or the kernel cannot map dma-bufs (before 6.19)" },
	{ KCMD_IOAS_MAP_DMABUF, -EEXIST, "the IOVA range is in use (iommufd_ioas_remap_dmabuf()"
					 " replaces a revoked mapping)" },
	{ KCMD_NOIOMMU_GET_PA, -ENOTTY,
	  "the kernel has no noiommu IOAS (7.3+, CONFIG_VFIO_NOIOMMU with VFIO_DEVICE_CDEV)" },
	{ KCMD_NOIOMMU_GET_PA, -EPERM, "CAP_SYS_RAWIO is needed to learn physical addresses" },
	{ KCMD_NOIOMMU_GET_PA, -EOPNOTSUPP,
	  "the IOAS translates through an IOMMU: no noiommu device is attached to it, and DMA"
	  " there uses IOVAs" },
	{ KCMD_NOIOMMU_GET_PA, -ENOENT, "nothing is mapped at that IOVA" },
	{ KCMD_NOIOMMU_GET_PA, -EINVAL,
	  "the mapping there is a revoked dma-buf, or the arguments were refused" },
};

const char *iommufd_cmd_hint(enum kcmd cmd, int err)
{
	for (size_t i = 0; i < ARRAY_SIZE(hints); i++)
		if (hints[i].cmd == cmd && hints[i].err == err)
			return hints[i].hint;
	return NULL;
}
