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

void iommufd_pt_left(struct iommufd_pt *pt)
{
	struct iommufd_hwpt *hwpt = iommufd_pt_to_hwpt(pt);

	if (hwpt && hwpt->kernel_allocated && hwpt->kattach && !--hwpt->kattach)
		pt->id = 0;	/* the kernel freed its domain with the last device */
	iommufd_pt_unref(pt);
}
