// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Virtual devices: the ID a guest uses for a device behind a vIOMMU, so
 * the kernel can translate the guest's invalidation commands and report
 * events with the guest's IDs.
 */
#include <stdlib.h>

#include "private.h"

IOMMUFD_EXPORT int iommufd_vdevice_alloc(struct iommufd_viommu *viommu,
					 struct iommufd_device *dev,
					 uint64_t virt_id,
					 struct iommufd_vdevice **ret_vdev)
{
	struct kabi_vdevice_alloc cmd = { .size = sizeof(cmd), .virt_id = virt_id };
	struct iommufd_vdevice *vdev;
	int rc;

	if (!viommu || !dev || !ret_vdev)
		return bad_args(viommu ? viommu->ctx : dev ? dev->ctx : NULL,
				"!viommu || !dev || !ret_vdev");
	if (viommu->ctx != dev->ctx) {
		log_err(dev->ctx, "VDEVICE_ALLOC device %u: vIOMMU %u belongs to another context",
			dev->id, viommu->id);
		return -EINVAL;
	}
	vdev = calloc(1, sizeof(*vdev));
	if (!vdev)
		return log_oom(dev->ctx, "vdevice_alloc", sizeof(*vdev),
			       "the vDevice handle of device %u", dev->id);
	cmd.viommu_id = viommu->id;
	cmd.dev_id = dev->id;
	rc = kernel_ioctl(dev->ctx->fd, KABI_IOMMU_VDEVICE_ALLOC, &cmd);
	if (rc) {
		log_cmd_err(dev->ctx, KCMD_VDEVICE_ALLOC, rc, NULL,
			    "VDEVICE_ALLOC device %u on vIOMMU %u virt_id 0x%llx", dev->id,
			    viommu->id, (unsigned long long)virt_id);
		free(vdev);
		return rc;
	}
	atomic_init(&vdev->refcount, 1);
	vdev->viommu = iommufd_viommu_ref(viommu);
	vdev->dev = iommufd_device_ref(dev);
	vdev->id = cmd.out_vdevice_id;
	vdev->virt_id = virt_id;
	log_dbg(dev->ctx, "vDevice %u: device %u is 0x%llx on vIOMMU %u", vdev->id,
		dev->id, (unsigned long long)virt_id, viommu->id);
	*ret_vdev = vdev;
	return 0;
}

IOMMUFD_EXPORT struct iommufd_vdevice *iommufd_vdevice_ref(struct iommufd_vdevice *vdev)
{
	if (vdev)
		atomic_fetch_add(&vdev->refcount, 1);
	return vdev;
}

static void vdevice_free(struct iommufd_vdevice *vdev)
{
	iommufd_device_unref(vdev->dev);
	iommufd_viommu_unref(vdev->viommu);
	free(vdev);
}

IOMMUFD_EXPORT struct iommufd_vdevice *iommufd_vdevice_unref(struct iommufd_vdevice *vdev)
{
	if (!vdev || atomic_fetch_sub(&vdev->refcount, 1) != 1)
		return NULL;
	if (!vdev->borrowed)
		iommufd_release_id(vdev->viommu->ctx, vdev->id, "vDevice");
	vdevice_free(vdev);
	return NULL;
}

IOMMUFD_EXPORT int iommufd_vdevice_destroy(struct iommufd_vdevice *vdev)
{
	struct iommufd_ctx *ctx;
	int rc;

	if (!vdev)
		return bad_args(NULL, "!vdev");
	ctx = vdev->viommu->ctx;
	rc = iommufd_destroy_handle(ctx, &vdev->refcount, NULL, vdev->id, "vDevice");
	if (!rc)
		vdevice_free(vdev);
	return rc;
}

IOMMUFD_EXPORT int iommufd_vdevice_new_from_id(struct iommufd_viommu *viommu,
					       struct iommufd_device *dev,
					       uint32_t vdevice_id, uint64_t virt_id,
					       uint32_t adopt,
					       struct iommufd_vdevice **ret_vdev)
{
	struct iommufd_ctx *ctx = viommu ? viommu->ctx : NULL;
	struct iommufd_vdevice *vdev;
	int rc;

	if (!viommu || !vdevice_id || !ret_vdev || (dev && dev->ctx != ctx)) {
		log_err(ctx, "vdevice_new_from_id: NULL vIOMMU or result, ID 0, or a device of"
			" another context");
		return -EINVAL;
	}
	rc = iommufd_check_adopt(ctx, adopt, "vdevice_new_from_id");
	if (rc)
		return rc;
	vdev = calloc(1, sizeof(*vdev));
	if (!vdev)
		return log_oom(ctx, "vdevice_new_from_id", sizeof(*vdev),
			       "the handle of vDevice %u", vdevice_id);
	atomic_init(&vdev->refcount, 1);
	vdev->viommu = iommufd_viommu_ref(viommu);
	vdev->dev = iommufd_device_ref(dev);
	vdev->id = vdevice_id;
	vdev->virt_id = virt_id;
	vdev->borrowed = adopt == IOMMUFD_ADOPT_BORROW;
	*ret_vdev = vdev;
	return 0;
}

IOMMUFD_EXPORT uint32_t iommufd_vdevice_get_id(const struct iommufd_vdevice *vdev)
{
	return vdev ? vdev->id : 0;
}

IOMMUFD_EXPORT uint64_t iommufd_vdevice_get_virt_id(const struct iommufd_vdevice *vdev)
{
	return vdev ? vdev->virt_id : 0;
}
