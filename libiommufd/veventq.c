// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vIOMMU event queues: events the physical IOMMU raised for a guest's
 * device (e.g. SMMUv3 translation faults), translated to the guest's IDs,
 * for the VMM to inject into its virtual IOMMU. Lost events are counted
 * from the kernel's sequence numbers, never hidden.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

/* Bytes read per read(2): several events of any known type. */
#define VEVENT_READ_BYTES 1024
/* Sequence numbers count 0..INT_MAX and wrap to 0. */
#define VEVENT_SEQ_MASK 0x7fffffffu

/* Record size of each type the library can split a stream of, or 0. */
static size_t vevent_data_len(uint32_t type)
{
	switch (type) {
	case KABI_VEVENTQ_TYPE_ARM_SMMUV3: return KABI_VEVENT_ARM_SMMUV3_LEN;
	case KABI_VEVENTQ_TYPE_TEGRA241_CMDQV: return KABI_VEVENT_TEGRA241_CMDQV_LEN;
	case KABI_VEVENTQ_TYPE_SELFTEST: return KABI_VEVENT_SELFTEST_LEN;
	default: return 0;
	}
}

IOMMUFD_EXPORT int iommufd_veventq_alloc(struct iommufd_viommu *viommu, uint32_t type,
					 uint32_t depth, struct iommufd_veventq **ret_queue)
{
	struct kabi_veventq_alloc cmd = { .size = sizeof(cmd), .type = type,
					  .veventq_depth = depth };
	struct iommufd_veventq *queue;
	int rc;

	if (!viommu || !ret_queue)
		return bad_args(viommu ? viommu->ctx : NULL, "!viommu || !ret_queue");
	if (!type || !depth) {
		log_err(viommu->ctx, "VEVENTQ_ALLOC vIOMMU %u: %s", viommu->id,
			!type ? "type 0 is not a vEVENTQ type" : "depth must be non-zero");
		return -EINVAL;
	}
	queue = calloc(1, sizeof(*queue));
	if (!queue)
		return log_oom(viommu->ctx, "veventq_alloc", sizeof(*queue),
			       "the vEVENTQ handle on vIOMMU %u", viommu->id);
	cmd.viommu_id = viommu->id;
	rc = kernel_ioctl(viommu->ctx->fd, KABI_IOMMU_VEVENTQ_ALLOC, &cmd);
	if (rc) {
		log_cmd_err(viommu->ctx, KCMD_VEVENTQ_ALLOC, rc, NULL,
			    "VEVENTQ_ALLOC type 0x%x on vIOMMU %u", type, viommu->id);
		free(queue);
		return rc;
	}
	atomic_init(&queue->refcount, 1);
	queue->viommu = iommufd_viommu_ref(viommu);
	queue->id = cmd.out_veventq_id;
	queue->fd = (int)cmd.out_veventq_fd;
	queue->type = type;
	*ret_queue = queue;
	return 0;
}

IOMMUFD_EXPORT struct iommufd_veventq *iommufd_veventq_ref(struct iommufd_veventq *queue)
{
	if (queue)
		atomic_fetch_add(&queue->refcount, 1);
	return queue;
}

IOMMUFD_EXPORT struct iommufd_veventq *iommufd_veventq_unref(struct iommufd_veventq *queue)
{
	if (!queue || atomic_fetch_sub(&queue->refcount, 1) != 1)
		return NULL;
	if (queue->fd >= 0)
		close(queue->fd);
	iommufd_release_id(queue->viommu->ctx, queue->id, "vEVENTQ");
	iommufd_viommu_unref(queue->viommu);
	free(queue);
	return NULL;
}

IOMMUFD_EXPORT int iommufd_veventq_destroy(struct iommufd_veventq *queue)
{
	struct iommufd_ctx *ctx;
	int rc;

	if (!queue)
		return bad_args(NULL, "!queue");
	ctx = queue->viommu->ctx;
	rc = iommufd_destroy_handle(ctx, &queue->refcount, &queue->fd, queue->id, "vEVENTQ");
	if (rc)
		return rc;
	iommufd_viommu_unref(queue->viommu);
	free(queue);
	return 0;
}

IOMMUFD_EXPORT uint32_t iommufd_veventq_get_id(const struct iommufd_veventq *queue)
{
	return queue ? queue->id : 0;
}

IOMMUFD_EXPORT int iommufd_veventq_get_fd(const struct iommufd_veventq *queue)
{
	if (!queue)
		return bad_args(NULL, "!queue");
	return queue->fd >= 0 ? queue->fd : -EBADF;
}

/* Events missing between the last sequence seen and @seq; records @seq. */
static uint32_t account_sequence(struct iommufd_veventq *queue, uint32_t seq)
{
	uint32_t lost = queue->have_seq ? (seq - queue->next_seq) & VEVENT_SEQ_MASK : 0;

	queue->have_seq = true;
	queue->next_seq = (seq + 1) & VEVENT_SEQ_MASK;
	return lost;
}

/*
 * Splits one read(2)'s worth of records; returns the events delivered or
 * -EIO for a record that does not fit its header.
 */
static int deliver(struct iommufd_veventq *queue, const unsigned char *buf, size_t len,
		   size_t data_len, iommufd_vevent_fn fn, void *userdata,
		   uint32_t *lost_tail)
{
	size_t off = 0;
	int events = 0;

	while (off < len) {
		struct kabi_vevent_header hdr;
		struct iommufd_vevent ev;

		if (len - off < sizeof(hdr))
			return -EIO;
		memcpy(&hdr, buf + off, sizeof(hdr));
		off += sizeof(hdr);
		if (hdr.flags & KABI_VEVENTQ_FLAG_LOST_EVENTS) {
			/*
			 * Stands alone at the tail, carrying the sequence number
			 * of the last event the kernel dropped (each drop moves
			 * it there with its own number): the events from the one
			 * expected next up to it are gone. The next event's gap,
			 * counted from the same place, says how many in all.
			 */
			if (!queue->have_seq) {
				queue->have_seq = true;
				queue->next_seq = hdr.sequence;
			}
			*lost_tail = ((hdr.sequence - queue->next_seq) & VEVENT_SEQ_MASK) + 1;
			continue;
		}
		if (len - off < data_len)
			return -EIO;
		ev.sequence = hdr.sequence;
		ev.lost = account_sequence(queue, hdr.sequence);
		ev.data = buf + off;
		ev.data_len = data_len;
		off += data_len;
		*lost_tail = 0;	/* a later event's gap now accounts for them */
		fn(userdata, &ev);
		events++;
	}
	return events;
}

IOMMUFD_EXPORT int iommufd_veventq_read(struct iommufd_veventq *queue, iommufd_vevent_fn fn,
					void *userdata, size_t *ret_count,
					uint32_t *ret_lost_tail)
{
	unsigned char buf[VEVENT_READ_BYTES] __attribute__((aligned(8)));
	size_t data_len, count = 0;
	uint32_t lost_tail = 0;

	if (!queue || !fn)
		return bad_args(queue ? queue->viommu->ctx : NULL, "!queue || !fn");
	data_len = vevent_data_len(queue->type);
	if (!data_len) {
		log_err(queue->viommu->ctx, "vEVENTQ %u: events of type 0x%x have a size this library does not know",
			queue->id, queue->type);
		return -EOPNOTSUPP;
	}
	for (;;) {
		ssize_t n = read(queue->fd, buf, sizeof(buf));
		int rc;

		if (n < 0 && errno == EAGAIN)
			break;
		if (n < 0) {
			rc = -errno;
			log_err(queue->viommu->ctx, "vEVENTQ %u: read: %s", queue->id,
				iommufd_errname(rc));
			return rc;
		}
		if (n == 0)
			break;
		rc = deliver(queue, buf, (size_t)n, data_len, fn, userdata, &lost_tail);
		if (rc < 0) {
			log_err(queue->viommu->ctx, "vEVENTQ %u: a record is cut short (%zd bytes read)",
				queue->id, n);
			return rc;
		}
		count += (size_t)rc;
	}
	if (lost_tail)
		log_info(queue->viommu->ctx, "vEVENTQ %u: %u event(s) lost: the queue overflowed",
			 queue->id, lost_tail);
	if (ret_count)
		*ret_count = count;
	if (ret_lost_tail)
		*ret_lost_tail = lost_tail;
	return 0;
}
