// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * HW queues: queues in guest memory that the IOMMU hardware consumes
 * directly (Tegra241 CMDQV virtual command queues), attached to a vIOMMU.
 *
 * The kernel allocates the queues of a type from index 0 upwards and
 * destroys them from the top down (a queue with one above it answers
 * DESTROY with EBUSY). The library holds that order as references: a queue
 * references the handle of the queue below it, so the handles can be
 * released in any order and the kernel still sees the top one go first.
 */
#include <stdlib.h>

#include "private.h"

/* A reference on a queue, unless its last reference is being dropped. */
static struct iommufd_hw_queue *try_ref(struct iommufd_hw_queue *queue)
{
	int refs = atomic_load(&queue->refcount);

	while (refs > 0)
		if (atomic_compare_exchange_weak(&queue->refcount, &refs, refs + 1))
			return queue;
	return NULL;
}

/* The vIOMMU's queue of @type at @index, referenced, or NULL. */
static struct iommufd_hw_queue *find_queue(struct iommufd_viommu *viommu, uint32_t type,
					   uint32_t index)
{
	struct iommufd_hw_queue *found = NULL;

	pthread_mutex_lock(&viommu->ctx->lock);
	for (struct iommufd_hw_queue *q = viommu->hw_queues; q && !found; q = q->next)
		if (q->type == type && q->index == index)
			found = try_ref(q);
	pthread_mutex_unlock(&viommu->ctx->lock);
	return found;
}

static void link_queue(struct iommufd_hw_queue *queue)
{
	struct iommufd_viommu *viommu = queue->viommu;

	pthread_mutex_lock(&viommu->ctx->lock);
	queue->next = viommu->hw_queues;
	viommu->hw_queues = queue;
	pthread_mutex_unlock(&viommu->ctx->lock);
}

static void unlink_queue(struct iommufd_hw_queue *queue)
{
	struct iommufd_viommu *viommu = queue->viommu;
	struct iommufd_hw_queue **link;

	pthread_mutex_lock(&viommu->ctx->lock);
	for (link = &viommu->hw_queues; *link; link = &(*link)->next)
		if (*link == queue) {
			*link = queue->next;
			break;
		}
	pthread_mutex_unlock(&viommu->ctx->lock);
}

static void explain_alloc_error(struct iommufd_viommu *viommu, const struct kabi_hw_queue_alloc *cmd,
				int rc)
{
	log_cmd_err(viommu->ctx, KCMD_HW_QUEUE_ALLOC, rc, NULL,
		    "HW_QUEUE_ALLOC type 0x%x index %u on vIOMMU %u iova 0x%llx length 0x%llx",
		    cmd->type, cmd->index, viommu->id,
		    (unsigned long long)cmd->nesting_parent_iova, (unsigned long long)cmd->length);
}

/*
 * A Tegra241 queue's length: a power of two of at least 32 bytes, and at
 * most what the SMMU's command queue holds when the vIOMMU knows it.
 */
static int check_tegra241_length(struct iommufd_viommu *viommu, uint64_t length)
{
	unsigned int max = viommu->hw_queue_max_log2;

	if (length < KABI_TEGRA241_VCMDQ_MIN_LEN || (length & (length - 1))) {
		log_err(viommu->ctx, "HW_QUEUE_ALLOC vIOMMU %u: Tegra241 CMDQV length 0x%llx: a power of two of at least %u bytes",
			viommu->id, (unsigned long long)length, KABI_TEGRA241_VCMDQ_MIN_LEN);
		return -EINVAL;
	}
	if (max && max < 64 && length > 1ull << max) {
		log_err(viommu->ctx, "HW_QUEUE_ALLOC vIOMMU %u: Tegra241 CMDQV length 0x%llx: more than the SMMU's command queue holds (0x%llx bytes: IDR1.CMDQS %u)",
			viommu->id, (unsigned long long)length, 1ull << max,
			max - KABI_SMMUV3_CMD_LOG2);
		return -EINVAL;
	}
	return 0;
}

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
		return bad_args(viommu ? viommu->ctx : NULL, "!viommu || !ret_queue");
	if (!type || !length || guest_iova + (length - 1) < guest_iova) {
		log_err(viommu->ctx, "HW_QUEUE_ALLOC vIOMMU %u: %s", viommu->id,
			!type ? "type 0 is not a HW queue type" :
			!length ? "zero length" : "the range wraps around");
		return -EINVAL;
	}
	rc = type == KABI_HW_QUEUE_TYPE_TEGRA241_CMDQV ? check_tegra241_length(viommu, length) : 0;
	if (rc)
		return rc;
	queue = calloc(1, sizeof(*queue));
	if (!queue)
		return log_oom(viommu->ctx, "hw_queue_alloc", sizeof(*queue),
			       "the handle of HW queue %u on vIOMMU %u", index, viommu->id);
	cmd.viommu_id = viommu->id;
	rc = kernel_ioctl(viommu->ctx->fd, KABI_IOMMU_HW_QUEUE_ALLOC, &cmd);
	if (rc) {
		explain_alloc_error(viommu, &cmd, rc);
		free(queue);
		return rc;
	}
	atomic_init(&queue->refcount, 1);
	queue->viommu = iommufd_viommu_ref(viommu);
	queue->id = cmd.out_hw_queue_id;
	queue->type = type;
	queue->index = index;
	queue->below = index ? find_queue(viommu, type, index - 1) : NULL;
	link_queue(queue);
	*ret_queue = queue;
	return 0;
}

IOMMUFD_EXPORT struct iommufd_hw_queue *iommufd_hw_queue_ref(struct iommufd_hw_queue *queue)
{
	if (queue)
		atomic_fetch_add(&queue->refcount, 1);
	return queue;
}

static void hw_queue_free(struct iommufd_hw_queue *queue)
{
	unlink_queue(queue);
	iommufd_hw_queue_unref(queue->below);
	iommufd_viommu_unref(queue->viommu);
	free(queue);
}

IOMMUFD_EXPORT struct iommufd_hw_queue *iommufd_hw_queue_unref(struct iommufd_hw_queue *queue)
{
	if (!queue || atomic_fetch_sub(&queue->refcount, 1) != 1)
		return NULL;
	iommufd_release_id(queue->viommu->ctx, queue->id, "HW queue");
	hw_queue_free(queue);
	return NULL;
}

IOMMUFD_EXPORT int iommufd_hw_queue_destroy(struct iommufd_hw_queue *queue)
{
	struct iommufd_ctx *ctx;
	int rc;

	if (!queue)
		return bad_args(NULL, "!queue");
	ctx = queue->viommu->ctx;
	rc = iommufd_destroy_handle(ctx, &queue->refcount, NULL, queue->id, "HW queue");
	if (!rc)
		hw_queue_free(queue);
	return rc;
}

IOMMUFD_EXPORT uint32_t iommufd_hw_queue_get_id(const struct iommufd_hw_queue *queue)
{
	return queue ? queue->id : 0;
}
