// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Bound VFIO devices: binding a cdev to the context, attaching it to a page
 * table, replacing that page table, detaching, and asking what IOMMU serves
 * it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "private.h"

static void explain_bind_error(struct iommufd_ctx *ctx, int fd, int rc)
{
	const char *why = "";

	if (rc == -EPERM)
		why = ": the kernel will not bind a device whose interrupts (MSIs) are not isolated"
		      " from other devices: the IOMMU offers no interrupt remapping (virtio-iommu, or"
		      " VT-d/AMD without it). Booting with iommufd.allow_unsafe_interrupts=1 allows"
		      " the bind, at the price that the device can forge interrupts for the host";
	else if (rc == -EBUSY)
		why = ": the device is opened through its VFIO group";
	else if (rc == -ENOTTY)
		why = ": not a VFIO device cdev, or the kernel has no VFIO cdev support (6.6+)";
	else if (rc == -EINVAL)
		why = ": the cdev is bound already (adopt it with iommufd_device_new_from_id()),"
		      " the fd is not an iommufd, or (with a VF token) a kernel before 6.17";
	else if (rc == -EACCES)
		why = ": a VF token is needed, or the one given is not the PF's";
	log_err(ctx, "VFIO BIND of cdev fd %d to iommufd %d: %s%s", fd, ctx->fd,
		iommufd_errname(rc), why);
}

static int device_bind(struct iommufd_ctx *ctx, int fd, bool owns_fd,
		       const uint8_t *vf_token, const char *call,
		       struct iommufd_device **ret_dev)
{
	struct kabi_vfio_bind_iommufd cmd = {
		/* Without a token, the 16 bytes every kernel since 6.6 knows. */
		.argsz = vf_token ? sizeof(cmd) : KABI_VFIO_BIND_SIZE_V1,
		.flags = vf_token ? KABI_VFIO_BIND_FLAG_TOKEN : 0,
		.iommufd = ctx->fd,
		.token_uuid_ptr = (uintptr_t)vf_token,
	};
	struct iommufd_device *dev;
	int rc;

	/* A closed fd is the caller's mistake, said as such, not the kernel's EBADF. */
	if (fcntl(fd, F_GETFD) < 0) {
		log_err(ctx, "VFIO BIND of cdev fd %d: EBADF: not an open file descriptor", fd);
		return -EBADF;
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return log_oom(ctx, call, sizeof(*dev), "the handle of the device of cdev fd %d",
			       fd);
	rc = kernel_ioctl(fd, KABI_VFIO_DEVICE_BIND_IOMMUFD, &cmd);
	if (rc) {
		explain_bind_error(ctx, fd, rc);
		free(dev);
		return rc;
	}
	atomic_init(&dev->refcount, 1);
	dev->ctx = iommufd_ctx_ref(ctx);
	dev->fd = fd;
	dev->owns_fd = owns_fd;
	dev->id = cmd.out_devid;
	log_dbg(ctx, "cdev fd %d bound as device %u", fd, dev->id);
	*ret_dev = dev;
	return 0;
}

IOMMUFD_EXPORT int iommufd_device_bind_fd(struct iommufd_ctx *ctx, int cdev_fd,
					  struct iommufd_device **ret_dev)
{
	if (!ctx || cdev_fd < 0 || !ret_dev)
		return bad_args(ctx, "!ctx || cdev_fd < 0 || !ret_dev");
	return device_bind(ctx, cdev_fd, false, NULL, "device_bind_fd", ret_dev);
}

IOMMUFD_EXPORT int iommufd_device_bind_fd_token(struct iommufd_ctx *ctx, int cdev_fd,
						const uint8_t vf_token[16],
						struct iommufd_device **ret_dev)
{
	if (!ctx || cdev_fd < 0 || !vf_token || !ret_dev)
		return bad_args(ctx, "!ctx || cdev_fd < 0 || !vf_token || !ret_dev");
	return device_bind(ctx, cdev_fd, false, vf_token, "device_bind_fd_token", ret_dev);
}

/* Opens and binds the cdev @cdev_path; @call names the public call. */
static int bind_path(struct iommufd_ctx *ctx, const char *cdev_path, const char *call,
		     struct iommufd_device **ret_dev)
{
	int fd, rc;

	fd = open(cdev_path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		log_err(ctx, "open %s: %s", cdev_path, iommufd_errname(rc));
		return rc;
	}
	rc = device_bind(ctx, fd, true, NULL, call, ret_dev);
	if (rc)
		close(fd);
	return rc;
}

IOMMUFD_EXPORT int iommufd_device_bind_path(struct iommufd_ctx *ctx,
					    const char *cdev_path,
					    struct iommufd_device **ret_dev)
{
	if (!ctx || !cdev_path || !*cdev_path || !ret_dev)
		return bad_args(ctx, "!ctx || !cdev_path || !*cdev_path || !ret_dev");
	return bind_path(ctx, cdev_path, "device_bind_path", ret_dev);
}

IOMMUFD_EXPORT int iommufd_device_bind_pci(struct iommufd_ctx *ctx,
					   const char *pci_addr,
					   struct iommufd_device **ret_dev)
{
	char *path;
	int rc;

	if (!ctx || !pci_addr || !ret_dev)
		return bad_args(ctx, "!ctx || !pci_addr || !ret_dev");
	rc = iommufd_discover_pci_for(ctx, "device_bind_pci", pci_addr, &path);
	if (rc)
		return rc;
	rc = bind_path(ctx, path, "device_bind_pci", ret_dev);
	free(path);
	return rc;
}

IOMMUFD_EXPORT int iommufd_device_new_from_id(struct iommufd_ctx *ctx,
					      uint32_t dev_id, int cdev_fd,
					      uint32_t adopt,
					      struct iommufd_device **ret_dev)
{
	struct iommufd_device *dev;
	int rc;

	if (!ctx || !dev_id || !ret_dev || cdev_fd < -1) {
		log_err(ctx, "device_new_from_id: NULL context or result, ID 0 or cdev fd %d",
			cdev_fd);
		return -EINVAL;
	}
	rc = iommufd_check_adopt(ctx, adopt, "device_new_from_id");
	if (rc)
		return rc;
	if (cdev_fd < 0 && adopt == IOMMUFD_ADOPT_OWN) {
		log_err(ctx, "device_new_from_id: device %u: nothing to own without a cdev fd",
			dev_id);
		return -EINVAL;
	}
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return log_oom(ctx, "device_new_from_id", sizeof(*dev), "the handle of device %u",
			       dev_id);
	atomic_init(&dev->refcount, 1);
	dev->ctx = iommufd_ctx_ref(ctx);
	dev->fd = cdev_fd;
	dev->owns_fd = adopt == IOMMUFD_ADOPT_OWN;
	dev->attach_unknown = cdev_fd >= 0;
	dev->id = dev_id;
	log_dbg(ctx, "device %u adopted%s%s", dev_id, cdev_fd >= 0 ? " with its cdev" : "",
		dev->owns_fd ? " (owned)" : "");
	*ret_dev = dev;
	return 0;
}

IOMMUFD_EXPORT struct iommufd_device *iommufd_device_ref(struct iommufd_device *dev)
{
	if (dev)
		atomic_fetch_add(&dev->refcount, 1);
	return dev;
}

static int device_detach(struct iommufd_device *dev)
{
	struct kabi_vfio_detach_pt cmd = { .argsz = KABI_VFIO_DETACH_SIZE_V1 };
	int rc = kernel_ioctl(dev->fd, KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd);

	if (rc) {
		log_err(dev->ctx, "VFIO DETACH device %u from %s %u: %s", dev->id,
			dev->attached ? iommufd_pt_kind_name(dev->attached) : "page table",
			dev->attached ? dev->attached->id : 0, iommufd_errname(rc));
		return rc;
	}
	if (dev->attached) {
		log_dbg(dev->ctx, "device %u detached from %s %u", dev->id,
			iommufd_pt_kind_name(dev->attached), dev->attached->id);
		iommufd_pt_left(dev->attached, dev);
	}
	dev->attached = NULL;
	dev->attached_hwpt_id = 0;
	dev->attach_unknown = false;
	/* What the device was attached to may have a deferred destroy. */
	iommufd_retry_deferred(dev->ctx);
	return 0;
}

/* ---- PASIDs ------------------------------------------------------------- */

static struct pasid_attachment *find_pasid(const struct iommufd_device *dev,
					   uint32_t pasid)
{
	for (size_t i = 0; i < dev->pasid_count; i++)
		if (dev->pasids[i].pasid == pasid)
			return &dev->pasids[i];
	return NULL;
}

static int pasid_ioctl(struct iommufd_device *dev, uint32_t pasid,
		       struct iommufd_pt *pt, const char *verb)
{
	int rc;

	if (pt) {
		struct kabi_vfio_attach_pt cmd = {
			.argsz = sizeof(cmd),
			.flags = KABI_VFIO_DEVICE_PASID,
			.pt_id = iommufd_pt_attach_id(pt),
			.pasid = pasid,
		};

		rc = kernel_ioctl(dev->fd, KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd);
	} else {
		struct kabi_vfio_detach_pt cmd = {
			.argsz = sizeof(cmd),
			.flags = KABI_VFIO_DEVICE_PASID,
			.pasid = pasid,
		};

		rc = kernel_ioctl(dev->fd, KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd);
	}
	if (rc)
		log_cmd_err(dev->ctx, KCMD_PASID_ATTACH, rc, NULL, "%s device %u PASID %u%s%s",
			    verb, dev->id, pasid, pt ? " to " : "",
			    pt ? iommufd_pt_kind_name(pt) : "");
	return rc;
}

static int device_detach_pasid(struct iommufd_device *dev, uint32_t pasid)
{
	struct pasid_attachment *a = find_pasid(dev, pasid);
	int rc = pasid_ioctl(dev, pasid, NULL, "DETACH");

	if (rc)
		return rc;
	iommufd_pt_unref(a->pt);
	*a = dev->pasids[--dev->pasid_count];
	return 0;
}

static int check_pasid_args(struct iommufd_device *dev, struct iommufd_pt *pt,
			    bool need_pt, const char *verb)
{
	if (!dev || (need_pt && !pt))
		return bad_args(dev ? dev->ctx : NULL, "!dev || (need_pt && !pt)");
	if (dev->fd < 0) {
		log_err(dev->ctx, "%s PASID of device %u: the handle was made from an ID, without the cdev",
			verb, dev->id);
		return -EOPNOTSUPP;
	}
	if (pt && pt->ctx != dev->ctx) {
		log_err(dev->ctx, "%s PASID of device %u: %s %u belongs to another context",
			verb, dev->id, iommufd_pt_kind_name(pt), pt->id);
		return -EINVAL;
	}
	return 0;
}

/*
 * The kernel answers a PASID attach the device cannot take with a bare
 * EINVAL (also kernels before 6.15, which know no PASID flag). Only on that
 * error path, ask the hw info how many PASID bits the device has: none
 * means PASIDs are unsupported here, which callers should hear as such.
 */
static int explain_pasid_einval(struct iommufd_device *dev, uint32_t pasid)
{
	struct kabi_hw_info cmd = { .size = sizeof(cmd), .dev_id = dev->id };

	if (kernel_ioctl(dev->ctx->fd, KABI_IOMMU_GET_HW_INFO, &cmd))
		return -EINVAL;
	if (!cmd.out_max_pasid_log2) {
		log_err(dev->ctx, "ATTACH device %u PASID %u: EOPNOTSUPP: the device has no PASIDs"
			" (hw info reports 0 PASID bits; so do kernels before 6.15)", dev->id, pasid);
		return -EOPNOTSUPP;
	}
	if (cmd.out_max_pasid_log2 < 32 && pasid >> cmd.out_max_pasid_log2)
		log_err(dev->ctx, "ATTACH device %u PASID %u: beyond the device's %u PASID bits",
			dev->id, pasid, cmd.out_max_pasid_log2);
	return -EINVAL;
}

IOMMUFD_EXPORT int iommufd_device_attach_pasid(struct iommufd_device *dev,
					       uint32_t pasid, struct iommufd_pt *pt)
{
	int rc = check_pasid_args(dev, pt, true, "ATTACH");

	if (rc)
		return rc;
	if (find_pasid(dev, pasid)) {
		log_err(dev->ctx, "ATTACH device %u PASID %u: already attached (use iommufd_device_replace_pasid)",
			dev->id, pasid);
		return -EBUSY;
	}
	/* Room first, so a success of the kernel is never lost to ENOMEM. */
	if (dev->pasid_count == dev->pasid_room) {
		size_t room = dev->pasid_room ? 2 * dev->pasid_room : 4;
		struct pasid_attachment *p = realloc(dev->pasids, room * sizeof(*p));

		if (!p)
			return log_oom(dev->ctx, "device_attach_pasid", room * sizeof(*p),
				       "the table of device %u's attached PASIDs (room for %zu)",
				       dev->id, room);
		dev->pasids = p;
		dev->pasid_room = room;
	}
	rc = pasid_ioctl(dev, pasid, pt, "ATTACH");
	if (rc == -EINVAL)
		rc = explain_pasid_einval(dev, pasid);
	if (rc)
		return rc;
	dev->pasids[dev->pasid_count++] = (struct pasid_attachment){
		.pasid = pasid, .pt = iommufd_pt_ref(pt) };
	return 0;
}

IOMMUFD_EXPORT int iommufd_device_replace_pasid(struct iommufd_device *dev,
						uint32_t pasid, struct iommufd_pt *pt)
{
	struct pasid_attachment *a;
	struct iommufd_pt *old;
	int rc = check_pasid_args(dev, pt, true, "REPLACE");

	if (rc)
		return rc;
	a = find_pasid(dev, pasid);
	if (!a) {
		log_err(dev->ctx, "REPLACE device %u PASID %u: not attached", dev->id, pasid);
		return -EINVAL;
	}
	rc = pasid_ioctl(dev, pasid, pt, "REPLACE");
	if (rc)
		return rc;
	old = a->pt;
	a->pt = iommufd_pt_ref(pt);
	iommufd_pt_unref(old);
	return 0;
}

IOMMUFD_EXPORT int iommufd_device_detach_pasid(struct iommufd_device *dev, uint32_t pasid)
{
	int rc = check_pasid_args(dev, NULL, false, "DETACH");

	if (rc)
		return rc;
	if (!find_pasid(dev, pasid)) {
		log_err(dev->ctx, "DETACH device %u PASID %u: not attached", dev->id, pasid);
		return -EINVAL;
	}
	return device_detach_pasid(dev, pasid);
}

IOMMUFD_EXPORT struct iommufd_pt *iommufd_device_get_pasid_pt(const struct iommufd_device *dev,
							      uint32_t pasid)
{
	const struct pasid_attachment *a = dev ? find_pasid(dev, pasid) : NULL;

	return a ? a->pt : NULL;
}

IOMMUFD_EXPORT struct iommufd_device *iommufd_device_unref(struct iommufd_device *dev)
{
	if (!dev || atomic_fetch_sub(&dev->refcount, 1) != 1)
		return NULL;
	/*
	 * Detach first so the page table can go; if the kernel refuses, still
	 * drop our reference: closing the cdev unbinds and detaches anyway.
	 */
	/* After a hand-over the attachments belong to the other process. */
	while (dev->pasid_count && !atomic_load(&dev->ctx->handed_over)) {
		struct pasid_attachment *last = &dev->pasids[dev->pasid_count - 1];

		if (device_detach_pasid(dev, last->pasid)) {
			iommufd_pt_unref(last->pt);
			dev->pasid_count--;
		}
	}
	for (size_t i = 0; i < dev->pasid_count; i++)
		iommufd_pt_unref(dev->pasids[i].pt);
	free(dev->pasids);
	if (dev->attached && atomic_load(&dev->ctx->handed_over)) {
		iommufd_pt_left(dev->attached, dev);
		dev->attached = NULL;
	} else if (dev->attached && device_detach(dev)) {
		iommufd_pt_left(dev->attached, dev);
		dev->attached = NULL;
	}
	if (dev->owns_fd) {
		/* Closing the cdev unbinds it: what it used may now be destroyed. */
		close(dev->fd);
		iommufd_retry_deferred(dev->ctx);
	}
	iommufd_ctx_unref(dev->ctx);
	free(dev);
	return NULL;
}

IOMMUFD_EXPORT uint32_t iommufd_device_get_id(const struct iommufd_device *dev)
{
	return dev ? dev->id : 0;
}

IOMMUFD_EXPORT int iommufd_device_get_fd(const struct iommufd_device *dev)
{
	if (!dev)
		return bad_args(NULL, "!dev");
	return dev->fd >= 0 ? dev->fd : -EBADF;
}

/* The IOAS behind @pt, whose IOVA ranges explain an EADDRINUSE; 0 if unknown. */
static uint32_t ioas_of(const struct iommufd_pt *pt)
{
	const struct iommufd_hwpt *hwpt =
		pt->kind == PT_HWPT ? (const struct iommufd_hwpt *)pt : NULL;

	while (hwpt && hwpt->parent && hwpt->parent->kind == PT_HWPT)
		hwpt = (const struct iommufd_hwpt *)hwpt->parent;
	if (!hwpt)
		return pt->id;
	return hwpt->parent ? hwpt->parent->id : 0;
}

/*
 * A refused attach or replace. The kernel's EINVAL (incompatible page table)
 * is an answer VMMs ask for by trying their HWPTs in turn: logged quietly.
 */
static void explain_attach_error(struct iommufd_device *dev, struct iommufd_pt *pt,
				 uint32_t pt_id, const char *verb, int rc)
{
	const struct iommufd_hwpt *hwpt =
		pt->kind == PT_HWPT ? (const struct iommufd_hwpt *)pt : NULL;
	const char *kind = hwpt && hwpt->kernel_allocated ? "IOAS" : iommufd_pt_kind_name(pt);
	const char *stays = dev->attached ? "; the device stays on its old page table" :
			    dev->attach_unknown ? "; the device stays where it was" : "";
	char why[800], more[400];
	uint32_t ioas_id;

	switch (rc) {
	case -EINVAL:
		log_expected(dev->ctx, "%s device %u to %s %u: EINVAL: the page table is"
			     " incompatible with the device (e.g. dirty tracking it lacks, another"
			     " IOMMU's domain) or was destroyed%s", verb, dev->id, kind, pt_id, stays);
		return;
	case -ENOMEM:
		snprintf(why, sizeof(why), ": attaching pins the IOAS's pages: %s",
			 iommufd_explain_memlock(dev->ctx, more, sizeof(more)));
		break;
	case -EADDRINUSE:
		ioas_id = ioas_of(pt);
		snprintf(why, sizeof(why), ": the IOAS maps or allows IOVAs the device reserves (e.g."
			 " its MSI window) or its IOMMU cannot reach, or holds a mapping that is not"
			 " aligned to the IOMMU's page size (made with a raw ioctl while no device was"
			 " attached)%s", ioas_id ?
			 iommufd_explain_ranges(dev->ctx, ioas_id, more, sizeof(more)) : "");
		break;
	default:
		why[0] = '\0';
	}
	log_err(dev->ctx, "%s device %u to %s %u: %s%s%s", verb, dev->id, kind, pt_id,
		iommufd_errname(rc), why, stays);
}

int iommufd_device_set_pt(struct iommufd_device *dev, struct iommufd_pt *pt,
			  const char *verb)
{
	struct kabi_vfio_attach_pt cmd = {
		/* No PASID: the 12 bytes every kernel since 6.6 knows. */
		.argsz = KABI_VFIO_ATTACH_SIZE_V1,
		.pt_id = iommufd_pt_attach_id(pt),
	};
	struct iommufd_hwpt *hwpt = iommufd_pt_to_hwpt(pt);
	struct iommufd_pt *old = dev->attached;
	int rc = kernel_ioctl(dev->fd, KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd);

	if (rc) {
		explain_attach_error(dev, pt, cmd.pt_id, verb, rc);
		return rc;
	}
	/*
	 * A kernel-allocated HWPT handle names a domain its devices are on;
	 * a device may get another domain, which get_hwpt_id() tells it.
	 */
	if (hwpt && hwpt->kernel_allocated)
		iommufd_pt_joined(pt, dev, cmd.pt_id);
	dev->attached = iommufd_pt_ref(pt);
	dev->attached_hwpt_id = cmd.pt_id;
	if (old == pt)
		iommufd_pt_unref(old);	/* replaced onto the same table: still there */
	else if (old)
		iommufd_pt_left(old, dev);
	/* What the device left may have a deferred destroy. */
	if (old != pt && (old || dev->attach_unknown))
		iommufd_retry_deferred(dev->ctx);
	dev->attach_unknown = false;
	log_dbg(dev->ctx, "%s device %u to %s %u: kernel uses HWPT %u", verb, dev->id,
		iommufd_pt_kind_name(pt), pt->id, cmd.pt_id);
	return 0;
}

/* Common checks of attach and replace: both handles valid, one context. */
static int check_attach_args(struct iommufd_device *dev, struct iommufd_pt *pt,
			     const char *verb)
{
	if (!dev)
		return bad_args(NULL, "!dev");
	if (!pt) {
		log_err(dev->ctx, "%s device %u: NULL page table%s", verb, dev->id,
			dev->attached ? " (use iommufd_device_detach to detach)" : "");
		return -EINVAL;
	}
	if (dev->fd < 0) {
		log_err(dev->ctx, "%s device %u: the handle was made from an ID, without the cdev:"
			" the code that owns the cdev attaches it", verb, dev->id);
		return -EOPNOTSUPP;
	}
	if (pt->ctx != dev->ctx) {
		log_err(dev->ctx, "%s device %u: %s %u belongs to another context",
			verb, dev->id, iommufd_pt_kind_name(pt), pt->id);
		return -EINVAL;
	}
	return 0;
}

IOMMUFD_EXPORT int iommufd_device_attach(struct iommufd_device *dev,
					 struct iommufd_pt *pt)
{
	int rc = check_attach_args(dev, pt, "ATTACH");

	if (rc)
		return rc;
	if (dev->attached) {
		log_err(dev->ctx, "ATTACH device %u: already attached to %s %u (use iommufd_device_replace)",
			dev->id, iommufd_pt_kind_name(dev->attached), dev->attached->id);
		return -EBUSY;
	}
	return iommufd_device_set_pt(dev, pt, "ATTACH");
}

IOMMUFD_EXPORT int iommufd_device_replace(struct iommufd_device *dev,
					  struct iommufd_pt *pt)
{
	int rc = check_attach_args(dev, pt, "REPLACE");

	if (rc)
		return rc;
	if (!dev->attached && !dev->attach_unknown) {
		log_err(dev->ctx, "REPLACE device %u: not attached (use iommufd_device_attach)",
			dev->id);
		return -EINVAL;
	}
	return iommufd_device_set_pt(dev, pt, "REPLACE");
}

IOMMUFD_EXPORT int iommufd_device_detach(struct iommufd_device *dev)
{
	if (!dev)
		return bad_args(NULL, "!dev");
	if (dev->fd < 0) {
		log_err(dev->ctx, "DETACH device %u: made from an ID, without the cdev", dev->id);
		return -EOPNOTSUPP;
	}
	if (!dev->attached && !dev->attach_unknown) {
		log_err(dev->ctx, "DETACH device %u: not attached", dev->id);
		return -EINVAL;
	}
	return device_detach(dev);
}

IOMMUFD_EXPORT struct iommufd_pt *iommufd_device_get_pt(const struct iommufd_device *dev)
{
	return dev ? dev->attached : NULL;
}

IOMMUFD_EXPORT int iommufd_device_get_hwpt_id(const struct iommufd_device *dev,
					      uint32_t *ret_hwpt_id)
{
	if (!dev || !ret_hwpt_id)
		return bad_args(dev ? dev->ctx : NULL, "!dev || !ret_hwpt_id");
	if (!dev->attached)
		return -ENOENT;
	*ret_hwpt_id = dev->attached_hwpt_id;
	return 0;
}

/*
 * The kernel's name of the file @fd is open on: the device's sysfs name for
 * a character device (whatever node the caller opened it by), else the
 * path it was opened by. NULL when neither can be read.
 */
static const char *fd_name(int fd, char *buf, size_t len)
{
	char link[64];
	struct stat st;
	ssize_t n = -1;

	if (fstat(fd, &st))
		return NULL;
	if (S_ISCHR(st.st_mode)) {
		snprintf(link, sizeof(link), "/sys/dev/char/%u:%u", major(st.st_rdev),
			 minor(st.st_rdev));
		n = readlink(link, buf, len - 1);
	}
	if (n <= 0) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, buf, len - 1);
	}
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	return strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf;
}

/*
 * A noiommu device's GET_HW_INFO fails with EOPNOTSUPP (7.3+), as an
 * IOMMU's without a record may: tell them apart by the cdev's name, which
 * the kernel gives as noiommu-vfioN (discovery reads the same). Only on
 * this error path: a handle from an ID without its cdev cannot tell.
 */
enum kcmd iommufd_hw_info_cmd(const struct iommufd_device *dev, int err, enum kcmd cmd)
{
	char buf[PATH_MAX];
	const char *name;

	if (err != -EOPNOTSUPP || dev->fd < 0)
		return cmd;
	name = fd_name(dev->fd, buf, sizeof(buf));
	return name && strncmp(name, "noiommu-", 8) == 0 ? KCMD_HW_INFO_NOIOMMU : cmd;
}

/* Which members of the caller's struct iommufd_hw_info we may write. */
#define INFO_HAS(info, field) \
	((info)->sz >= offsetof(struct iommufd_hw_info, field) + sizeof((info)->field))

static int get_hw_info(struct iommufd_device *dev, bool by_type, uint32_t type,
		       void *data, size_t data_len, struct iommufd_hw_info *ret_info)
{
	struct kabi_hw_info cmd = {
		.size = sizeof(cmd),
		.flags = by_type ? KABI_HW_INFO_FLAG_INPUT_TYPE : 0,
		/* With INPUT_TYPE, the out type field carries the type asked for. */
		.out_data_type = by_type ? type : 0,
		.data_uptr = (uintptr_t)data,
	};
	int rc;

	if (!dev || !ret_info || !INFO_HAS(ret_info, type) || (!data && data_len) ||
	    data_len > UINT32_MAX)
		return bad_args(dev ? dev->ctx : NULL, "NULL device or info, info.sz too small,"
					" or a length without a buffer");
	cmd.dev_id = dev->id;
	cmd.data_len = (uint32_t)data_len;
	rc = kernel_ioctl(dev->ctx->fd, KABI_IOMMU_GET_HW_INFO, &cmd);
	if (rc) {
		log_cmd_err(dev->ctx, iommufd_hw_info_cmd(dev, rc, by_type ? KCMD_HW_INFO_BY_TYPE :
							  KCMD_OTHER), rc, NULL,
			    "GET_HW_INFO device %u%s", dev->id, by_type ? " of a chosen type" : "");
		return rc;
	}
	ret_info->type = cmd.out_data_type;
	if (!by_type) {
		size_t n = data_len < cmd.data_len ? data_len : cmd.data_len;

		dev->hw_read = true;
		dev->hw_type = cmd.out_data_type;
		dev->hw_len = (uint32_t)(n < sizeof(dev->hw_rec) ? n : sizeof(dev->hw_rec));
		if (dev->hw_len)
			memcpy(dev->hw_rec, data, dev->hw_len);
	}
	if (INFO_HAS(ret_info, data_len))
		ret_info->data_len = cmd.data_len;
	if (INFO_HAS(ret_info, capabilities))
		ret_info->capabilities = cmd.out_capabilities;
	if (INFO_HAS(ret_info, max_pasid_log2))
		ret_info->max_pasid_log2 = cmd.out_max_pasid_log2;
	return 0;
}

IOMMUFD_EXPORT int iommufd_device_get_hw_info(struct iommufd_device *dev,
					      void *data, size_t data_len,
					      struct iommufd_hw_info *ret_info)
{
	return get_hw_info(dev, false, 0, data, data_len, ret_info);
}

IOMMUFD_EXPORT int iommufd_device_get_hw_info_of_type(struct iommufd_device *dev,
						      uint32_t type, void *data,
						      size_t data_len,
						      struct iommufd_hw_info *ret_info)
{
	if (!type)
		return bad_args(dev ? dev->ctx : NULL, "!type");
	return get_hw_info(dev, true, type, data, data_len, ret_info);
}
