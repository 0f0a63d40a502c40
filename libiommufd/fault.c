// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * I/O page fault queues: the kernel reports faults of HWPTs allocated with
 * a fault queue; userspace (a VMM forwarding them to its guest) reads them
 * in groups and answers each group.
 */
#include <limits.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "private.h"

IOMMUFD_EXPORT int iommufd_fault_queue_alloc(struct iommufd_ctx *ctx,
					     struct iommufd_fault_queue **ret_queue)
{
	struct kabi_fault_alloc cmd = { .size = sizeof(cmd) };
	struct iommufd_fault_queue *queue;
	int rc;

	if (!ctx || !ret_queue)
		return bad_args(ctx, "!ctx || !ret_queue");
	queue = calloc(1, sizeof(*queue));
	if (!queue)
		return log_oom(ctx, "fault_queue_alloc", sizeof(*queue), "the fault queue handle");
	rc = kernel_ioctl(ctx->fd, KABI_IOMMU_FAULT_QUEUE_ALLOC, &cmd);
	if (rc) {
		log_cmd_err(ctx, KCMD_FAULT_QUEUE_ALLOC, rc, NULL, "FAULT_QUEUE_ALLOC");
		free(queue);
		return rc;
	}
	atomic_init(&queue->refcount, 1);
	queue->ctx = iommufd_ctx_ref(ctx);
	queue->id = cmd.out_fault_id;
	queue->fd = (int)cmd.out_fault_fd;
	log_dbg(ctx, "fault queue %u, fd %d", queue->id, queue->fd);
	*ret_queue = queue;
	return 0;
}

IOMMUFD_EXPORT struct iommufd_fault_queue *
iommufd_fault_queue_ref(struct iommufd_fault_queue *queue)
{
	if (queue)
		atomic_fetch_add(&queue->refcount, 1);
	return queue;
}

IOMMUFD_EXPORT struct iommufd_fault_queue *
iommufd_fault_queue_unref(struct iommufd_fault_queue *queue)
{
	if (!queue || atomic_fetch_sub(&queue->refcount, 1) != 1)
		return NULL;
	/* The fd holds the object too: close it first, then the ID can go. */
	if (queue->fd >= 0)
		close(queue->fd);
	iommufd_release_id(queue->ctx, queue->id, "fault queue");
	iommufd_ctx_unref(queue->ctx);
	free(queue);
	return NULL;
}

IOMMUFD_EXPORT int iommufd_fault_queue_destroy(struct iommufd_fault_queue *queue)
{
	int rc;

	if (!queue)
		return bad_args(NULL, "!queue");
	rc = iommufd_destroy_handle(queue->ctx, &queue->refcount, &queue->fd, queue->id,
				    "fault queue");
	if (rc)
		return rc;
	iommufd_ctx_unref(queue->ctx);
	free(queue);
	return 0;
}

IOMMUFD_EXPORT uint32_t iommufd_fault_queue_get_id(const struct iommufd_fault_queue *queue)
{
	return queue ? queue->id : 0;
}

IOMMUFD_EXPORT int iommufd_fault_queue_get_fd(const struct iommufd_fault_queue *queue)
{
	if (!queue)
		return bad_args(NULL, "!queue");
	return queue->fd >= 0 ? queue->fd : -EBADF;
}

static void fault_from_kernel(struct iommufd_fault *f, const struct kabi_pgfault *k)
{
	f->flags = (k->flags & KABI_PGFAULT_FLAGS_PASID_VALID ? IOMMUFD_FAULT_PASID_VALID : 0) |
		   (k->flags & KABI_PGFAULT_FLAGS_LAST_PAGE ? IOMMUFD_FAULT_LAST_PAGE : 0);
	f->dev_id = k->dev_id;
	f->pasid = k->pasid;
	f->grpid = k->grpid;
	f->perm = k->perm;	/* same bits as enum iommufd_fault_perm */
	f->length = k->length;
	f->addr = k->addr;
	f->cookie = k->cookie;
}

/* The caller's array doubles as the read buffer: records convert in place. */
_Static_assert(sizeof(struct iommufd_fault) == sizeof(struct kabi_pgfault),
	       "a public fault record has the kernel record's size");

/* Whether @fd has something to read now. */
static bool still_readable(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

IOMMUFD_EXPORT int iommufd_fault_queue_read(struct iommufd_fault_queue *queue,
					    struct iommufd_fault *faults, size_t max,
					    size_t *ret_count)
{
	size_t count;
	ssize_t n;

	if (!queue || !faults || !max || !ret_count ||
	    max > SSIZE_MAX / sizeof(struct kabi_pgfault))
		return bad_args(queue ? queue->ctx : NULL,
				"NULL queue, buffer or count, or max 0 or too large");
	/*
	 * The kernel hands out whole groups that fit the read size and keeps
	 * the rest queued. When even the first group does not fit, kernels
	 * answer EINVAL (6.12, 7.2 seen) or a read of nothing: a queue still
	 * readable after reading nothing holds a group too large for @max.
	 * A group arriving between the read and the poll would look the same,
	 * so read once more before saying so.
	 */
	for (int tries = 0; tries < 2; tries++) {
		n = read(queue->fd, faults, max * sizeof(struct kabi_pgfault));
		if (n < 0 && errno == EAGAIN)
			n = 0;
		if (n != 0 || !still_readable(queue->fd))
			break;
	}
	if (n == 0 ? still_readable(queue->fd) : n < 0 && errno == EINVAL) {
		log_err(queue->ctx, "fault queue %u: the next fault group has more than %zu faults: read with more room",
			queue->id, max);
		return -EMSGSIZE;
	}
	if (n < 0) {
		int rc = -errno;

		log_err(queue->ctx, "fault queue %u: read: %s", queue->id, iommufd_errname(rc));
		return rc;
	}
	count = (size_t)n / sizeof(struct kabi_pgfault);
	for (size_t i = 0; i < count; i++) {
		struct kabi_pgfault k;

		memcpy(&k, &faults[i], sizeof(k));
		fault_from_kernel(&faults[i], &k);
	}
	*ret_count = count;
	return 0;
}

IOMMUFD_EXPORT size_t iommufd_fault_group_len(const struct iommufd_fault *faults,
					      size_t count)
{
	for (size_t i = 0; faults && i < count; i++)
		if (faults[i].flags & IOMMUFD_FAULT_LAST_PAGE)
			return i + 1;
	return 0;
}

IOMMUFD_EXPORT int iommufd_fault_queue_respond(struct iommufd_fault_queue *queue,
					       uint32_t cookie, uint32_t response)
{
	struct kabi_page_response resp = { .cookie = cookie, .code = response };
	ssize_t n;

	if (!queue)
		return bad_args(NULL, "!queue");
	if (response > IOMMUFD_FAULT_RESPONSE_INVALID) {
		log_err(queue->ctx, "fault queue %u: response to group %u: code %u is neither"
			" IOMMUFD_FAULT_RESPONSE_SUCCESS nor _INVALID", queue->id, cookie, response);
		return -EINVAL;
	}
	n = write(queue->fd, &resp, sizeof(resp));
	if (n == (ssize_t)sizeof(resp))
		return 0;
	n = n < 0 ? -errno : -EIO;
	log_cmd_err(queue->ctx, KCMD_FAULT_RESPOND, (int)n, NULL,
		    "fault queue %u: response to group %u", queue->id, cookie);
	return (int)n;
}
