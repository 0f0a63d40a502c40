// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * HW queues: queues in guest memory that the IOMMU hardware consumes
 * directly (Tegra241 CMDQV virtual command queues), attached to a vIOMMU.
 */
#include <stdlib.h>

#include "private.h"

IOMMUFD_EXPORT int iommufd_hw_queue_alloc(struct iommufd_viommu *viommu, uint32_t type,
					  uint32_t index, uint64_t guest_iova,
					  uint64_t length, struct iommufd_hw_queue **ret_queue)
{
	struct kabi_hw_queue_alloc cmd = {
		.size = sizeof(cmd),
		.type = type,
		.index = index,
		.nesting_parent_iova = guest_iova,
		.length = length,
	};
	struct iommufd_hw_queue *queue;
	int rc;

	if (!viommu || !ret_queue)
		return -EINVAL;
	if (!type || !length || guest_iova + (length - 1) < guest_iova) {
		log_err(viommu->ctx, "HW_QUEUE_ALLOC vIOMMU %u: %s", viommu->id,
			!type ? "type 0 is not a HW queue type" :
			!length ? "zero length" : "the range wraps around");
		return -EINVAL;
	}
	queue = calloc(1, sizeof(*queue));
	if (!queue)
		return -ENOMEM;
	cmd.viommu_id = viommu->id;
	rc = kernel_ioctl(viommu->ctx->fd, KABI_IOMMU_HW_QUEUE_ALLOC, &cmd);
	if (rc) {
		log_err(viommu->ctx, "HW_QUEUE_ALLOC type 0x%x index %u on vIOMMU %u iova 0x%llx length 0x%llx: %s%s",
			type, index, viommu->id, (unsigned long long)guest_iova,
			(unsigned long long)length, iommufd_errname(rc),
			rc == -ENOTTY ? ": the kernel has no HW queues (before 6.17)" :
			rc == -EOPNOTSUPP ? ": the vIOMMU has no HW queue of this type" :
			rc == -EINVAL ? ": bad index order, size or alignment, or the memory is not mapped in stage 2" : "");
		free(queue);
		return rc;
	}
	atomic_init(&queue->refcount, 1);
	queue->viommu = iommufd_viommu_ref(viommu);
	queue->id = cmd.out_hw_queue_id;
	*ret_queue = queue;
	return 0;
}

IOMMUFD_EXPORT struct iommufd_hw_queue *iommufd_hw_queue_ref(struct iommufd_hw_queue *queue)
{
	if (queue)
		atomic_fetch_add(&queue->refcount, 1);
	return queue;
}

IOMMUFD_EXPORT struct iommufd_hw_queue *iommufd_hw_queue_unref(struct iommufd_hw_queue *queue)
{
	if (!queue || atomic_fetch_sub(&queue->refcount, 1) != 1)
		return NULL;
	iommufd_destroy_id(queue->viommu->ctx, queue->id, "HW queue");
	iommufd_viommu_unref(queue->viommu);
	free(queue);
	return NULL;
}

IOMMUFD_EXPORT uint32_t iommufd_hw_queue_get_id(const struct iommufd_hw_queue *queue)
{
	return queue ? queue->id : 0;
}
