// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What IOAS and HWPT have in common: both are page tables a device can be
 * attached to. struct iommufd_pt is the head of both; this file turns it
 * back into the object it belongs to.
 */
#include "private.h"

IOMMUFD_EXPORT uint32_t iommufd_pt_get_id(const struct iommufd_pt *pt)
{
	return pt ? pt->id : 0;
}

struct iommufd_pt *iommufd_pt_ref(struct iommufd_pt *pt)
{
	if (pt)
		atomic_fetch_add(&pt->refcount, 1);
	return pt;
}

void iommufd_pt_unref(struct iommufd_pt *pt)
{
	if (!pt)
		return;
	if (pt->kind == PT_IOAS)
		iommufd_ioas_unref((struct iommufd_ioas *)pt);
	else
		iommufd_hwpt_unref((struct iommufd_hwpt *)pt);
}

struct iommufd_hwpt *iommufd_pt_to_hwpt(struct iommufd_pt *pt)
{
	return pt && pt->kind == PT_HWPT ? (struct iommufd_hwpt *)pt : NULL;
}

const char *iommufd_pt_kind_name(const struct iommufd_pt *pt)
{
	return pt->kind == PT_IOAS ? "IOAS" : "HWPT";
}

/*
 * The ID a kernel-allocated HWPT handle shows: the domain it shows now while
 * a user is still on it (so it does not jump), else the newest user's, else
 * 0. Under ctx->lock.
 */
static uint32_t kernel_hwpt_id(const struct iommufd_hwpt *hwpt, uint32_t now)
{
	for (const struct iommufd_device *d = hwpt->kernel_users; d; d = d->next_kernel_user)
		if (d->kernel_domain_id == now)
			return now;
	return hwpt->kernel_users ? hwpt->kernel_users->kernel_domain_id : 0;
}

/* Unlinks @dev from @hwpt's users; whether it was there. Under ctx->lock. */
static bool kernel_hwpt_unlink(struct iommufd_hwpt *hwpt, const struct iommufd_device *dev)
{
	for (struct iommufd_device **link = &hwpt->kernel_users; *link;
	     link = &(*link)->next_kernel_user) {
		if (*link == dev) {
			*link = dev->next_kernel_user;
			return true;
		}
	}
	return false;
}

void iommufd_pt_joined(struct iommufd_pt *pt, struct iommufd_device *dev, uint32_t hwpt_id)
{
	struct iommufd_hwpt *hwpt = iommufd_pt_to_hwpt(pt);
	uint32_t id;

	if (!hwpt || !hwpt->kernel_allocated)
		return;
	/*
	 * Devices attached through one handle may be attached, replaced and
	 * released from different threads: the list and the ID change together.
	 */
	pthread_mutex_lock(&pt->ctx->lock);
	kernel_hwpt_unlink(hwpt, dev);	/* replaced onto the same table */
	dev->kernel_domain_id = hwpt_id;
	dev->next_kernel_user = hwpt->kernel_users;
	hwpt->kernel_users = dev;
	id = kernel_hwpt_id(hwpt, atomic_load(&pt->id));
	atomic_store(&pt->id, id);
	pthread_mutex_unlock(&pt->ctx->lock);
	if (id != hwpt_id)
		log_dbg(dev->ctx, "device %u got HWPT %u, not the handle's HWPT %u (the kernel"
			" chose another domain for it)", dev->id, hwpt_id, id);
}

void iommufd_pt_left(struct iommufd_pt *pt, struct iommufd_device *dev)
{
	struct iommufd_hwpt *hwpt = iommufd_pt_to_hwpt(pt);

	if (hwpt && hwpt->kernel_allocated) {
		pthread_mutex_lock(&pt->ctx->lock);
		/* The kernel freed the domain with its last device. */
		if (kernel_hwpt_unlink(hwpt, dev))
			atomic_store(&pt->id, kernel_hwpt_id(hwpt, atomic_load(&pt->id)));
		pthread_mutex_unlock(&pt->ctx->lock);
	}
	iommufd_pt_unref(pt);
}
