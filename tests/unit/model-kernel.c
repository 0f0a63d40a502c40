// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The model kernel: see model-kernel.h. Fixed arrays, no allocation, so the
 * malloc-failure sweep counts the library's allocations only.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stddef.h>
#include <string.h>
#include <unistd.h>

#include "model-kernel.h"
#include "uapi.h"

#define MODEL_OBJECTS 2048
#define MODEL_FIRST_IOVA 0x100000ull
#define MODEL_PAGE 4096ull

enum model_kind {
	M_FREE,
	M_IOAS,
	M_HWPT,		/* allocated with HWPT_ALLOC */
	M_DOMAIN,	/* allocated by an attach to an IOAS */
	M_DEVICE,
	M_FAULT,
	M_VIOMMU,
	M_VDEVICE,
	M_VEVENTQ,
	M_HW_QUEUE,
};

struct model_obj {
	enum model_kind kind;
	uint32_t id;
	uint32_t users;		/* objects and attached devices using this one */
	uint32_t parent;	/* the object this one uses (0: none) */
	uint32_t other;		/* a second one (fault queue, device) */
	uint32_t flags;		/* HWPT_ALLOC flags */
	int fd;			/* a device's cdev fd */
	uint32_t attached;	/* a device's domain or HWPT */
	uint64_t next_iova;	/* an IOAS's bump allocator */
};

static struct {
	pthread_mutex_t lock;
	struct model_obj objs[MODEL_OBJECTS];
	uint32_t next_id;
	unsigned long ioctls;
	unsigned long fail_request;
	int fail_err;
} model = { .lock = PTHREAD_MUTEX_INITIALIZER, .next_id = 1 };

void model_reset(void)
{
	pthread_mutex_lock(&model.lock);
	memset(model.objs, 0, sizeof(model.objs));
	model.next_id = 1;
	model.ioctls = 0;
	model.fail_request = 0;
	model.fail_err = 0;
	pthread_mutex_unlock(&model.lock);
}

unsigned int model_live_objects(void)
{
	unsigned int n = 0;

	pthread_mutex_lock(&model.lock);
	for (size_t i = 0; i < MODEL_OBJECTS; i++)
		n += model.objs[i].kind != M_FREE && model.objs[i].kind != M_DEVICE;
	pthread_mutex_unlock(&model.lock);
	return n;
}

unsigned long model_ioctl_count(void)
{
	unsigned long n;

	pthread_mutex_lock(&model.lock);
	n = model.ioctls;
	pthread_mutex_unlock(&model.lock);
	return n;
}

void model_fail_next(unsigned long request, int err)
{
	pthread_mutex_lock(&model.lock);
	model.fail_request = err ? request : 0;
	model.fail_err = err;
	pthread_mutex_unlock(&model.lock);
}

/* ---- objects (all under model.lock) -------------------------------------- */

static struct model_obj *find(uint32_t id)
{
	for (size_t i = 0; id && i < MODEL_OBJECTS; i++)
		if (model.objs[i].kind != M_FREE && model.objs[i].id == id)
			return &model.objs[i];
	return NULL;
}

static struct model_obj *find_kind(uint32_t id, enum model_kind kind)
{
	struct model_obj *o = find(id);

	return o && o->kind == kind ? o : NULL;
}

static void use(uint32_t id)
{
	struct model_obj *o = find(id);

	if (o)
		o->users++;
}

static void unuse(uint32_t id)
{
	struct model_obj *o = find(id);

	if (o && o->users)
		o->users--;
}

/* A new object using @parent and @other (0: none); NULL when full. */
static struct model_obj *obj_new(enum model_kind kind, uint32_t parent, uint32_t other)
{
	for (size_t i = 0; i < MODEL_OBJECTS; i++) {
		struct model_obj *o = &model.objs[i];

		if (o->kind != M_FREE)
			continue;
		memset(o, 0, sizeof(*o));
		o->kind = kind;
		o->id = model.next_id++;
		o->parent = parent;
		o->other = other;
		o->fd = -1;
		o->next_iova = MODEL_FIRST_IOVA;
		use(parent);
		use(other);
		return o;
	}
	return NULL;
}

static void obj_free(struct model_obj *o)
{
	unuse(o->parent);
	unuse(o->other);
	o->kind = M_FREE;
}

/* A device leaves its domain; the kernel frees a domain it allocated itself
 * with its last device. */
static void device_leave(struct model_obj *dev)
{
	struct model_obj *pt = find(dev->attached);

	dev->attached = 0;
	if (!pt)
		return;
	unuse(pt->id);
	if (pt->kind == M_DOMAIN && !pt->users)
		obj_free(pt);
}

/* ---- commands ------------------------------------------------------------ */

static int do_destroy(struct kabi_destroy *cmd)
{
	struct model_obj *o = find(cmd->id);

	if (!o)
		return -ENOENT;
	if (o->kind == M_DEVICE)
		return -EINVAL;
	if (o->users)
		return -EBUSY;
	obj_free(o);
	return 0;
}

static int new_object(enum model_kind kind, uint32_t parent, uint32_t other, uint32_t *ret_id)
{
	struct model_obj *o = obj_new(kind, parent, other);

	if (!o)
		return -ENOMEM;
	*ret_id = o->id;
	return 0;
}

static int do_map(uint32_t ioas_id, uint32_t flags, uint64_t length, uint64_t *iova)
{
	struct model_obj *ioas = find_kind(ioas_id, M_IOAS);

	if (!ioas)
		return -ENOENT;
	if (!length)
		return -EINVAL;
	if (!(flags & KABI_IOAS_MAP_FIXED_IOVA)) {
		*iova = ioas->next_iova;
		ioas->next_iova += (length + MODEL_PAGE - 1) & ~(MODEL_PAGE - 1);
	}
	return 0;
}

static int do_iova_ranges(struct kabi_ioas_iova_ranges *cmd)
{
	if (!find_kind(cmd->ioas_id, M_IOAS))
		return -ENOENT;
	if (cmd->num_iovas < 1) {
		cmd->num_iovas = 1;
		return -EMSGSIZE;
	}
	cmd->num_iovas = 1;
	cmd->out_iova_alignment = MODEL_PAGE;
	((struct kabi_iova_range *)(uintptr_t)cmd->allowed_iovas)[0] =
		(struct kabi_iova_range){ .start = MODEL_PAGE, .last = (1ull << 48) - 1 };
	return 0;
}

/* What a HWPT may be allocated on: an IOAS, a nest parent or a vIOMMU. */
static bool hwpt_parent_ok(const struct model_obj *pt)
{
	return pt && (pt->kind == M_IOAS || pt->kind == M_VIOMMU ||
		      (pt->kind == M_HWPT && (pt->flags & KABI_HWPT_ALLOC_NEST_PARENT)));
}

static int do_hwpt_alloc(struct kabi_hwpt_alloc *cmd)
{
	struct model_obj *o;
	uint32_t fault = cmd->flags & KABI_HWPT_FAULT_ID_VALID ? cmd->fault_id : 0;

	if (!find_kind(cmd->dev_id, M_DEVICE))
		return -ENOENT;
	if (!hwpt_parent_ok(find(cmd->pt_id)))
		return -EINVAL;
	if (fault && !find_kind(fault, M_FAULT))
		return -ENOENT;
	o = obj_new(M_HWPT, cmd->pt_id, fault);
	if (!o)
		return -ENOMEM;
	o->flags = cmd->flags;
	cmd->out_hwpt_id = o->id;
	return 0;
}

static int queue_new(enum model_kind kind, uint32_t parent, uint32_t *ret_id, uint32_t *ret_fd)
{
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	int rc;

	if (fd < 0)
		return -errno;
	rc = new_object(kind, parent, 0, ret_id);
	if (rc) {
		close(fd);
		return rc;
	}
	*ret_fd = (uint32_t)fd;
	return 0;
}

static int do_iommufd_cmd(unsigned long request, void *arg)
{
	switch (request) {
	case KABI_IOMMU_DESTROY:
		return do_destroy(arg);
	case KABI_IOMMU_IOAS_ALLOC:
		return new_object(M_IOAS, 0, 0, &((struct kabi_ioas_alloc *)arg)->out_ioas_id);
	case KABI_IOMMU_IOAS_MAP: {
		struct kabi_ioas_map *cmd = arg;

		return do_map(cmd->ioas_id, cmd->flags, cmd->length, &cmd->iova);
	}
	case KABI_IOMMU_IOAS_MAP_FILE: {
		struct kabi_ioas_map_file *cmd = arg;

		return do_map(cmd->ioas_id, cmd->flags, cmd->length, &cmd->iova);
	}
	case KABI_IOMMU_IOAS_NOIOMMU_GET_PA: {
		struct kabi_ioas_noiommu_get_pa *cmd = arg;

		if (!find_kind(cmd->ioas_id, M_IOAS))
			return -ENOENT;
		cmd->out_phys = 0x80000000ull + cmd->iova;	/* one contiguous run */
		return 0;
	}
	case KABI_IOMMU_IOAS_UNMAP:
		return find_kind(((struct kabi_ioas_unmap *)arg)->ioas_id, M_IOAS) ? 0 : -ENOENT;
	case KABI_IOMMU_IOAS_COPY: {
		struct kabi_ioas_copy *cmd = arg;

		return find_kind(cmd->dst_ioas_id, M_IOAS) && find_kind(cmd->src_ioas_id, M_IOAS) ?
		       0 : -ENOENT;
	}
	case KABI_IOMMU_IOAS_ALLOW_IOVAS:
		return find_kind(((struct kabi_ioas_allow_iovas *)arg)->ioas_id, M_IOAS) ?
		       0 : -ENOENT;
	case KABI_IOMMU_IOAS_IOVA_RANGES:
		return do_iova_ranges(arg);
	case KABI_IOMMU_OPTION: {
		struct kabi_option *cmd = arg;

		if (cmd->op == KABI_OPTION_OP_GET)
			cmd->val64 = cmd->option_id == KABI_OPTION_HUGE_PAGES;
		return 0;
	}
	case KABI_IOMMU_VFIO_IOAS:
		return ((struct kabi_vfio_ioas *)arg)->op == KABI_VFIO_IOAS_GET ? -ENOENT : 0;
	case KABI_IOMMU_IOAS_CHANGE_PROCESS:
		return 0;
	case KABI_IOMMU_HWPT_ALLOC:
		return do_hwpt_alloc(arg);
	case KABI_IOMMU_GET_HW_INFO: {
		struct kabi_hw_info *cmd = arg;

		if (!find_kind(cmd->dev_id, M_DEVICE))
			return -ENOENT;
		cmd->data_len = 0;
		cmd->out_data_type = KABI_HW_INFO_TYPE_NONE;
		cmd->out_capabilities = KABI_HW_CAP_DIRTY_TRACKING;
		cmd->out_max_pasid_log2 = 20;
		return 0;
	}
	case KABI_IOMMU_HWPT_SET_DIRTY_TRACKING:
		return find_kind(((struct kabi_hwpt_set_dirty_tracking *)arg)->hwpt_id, M_HWPT) ?
		       0 : -ENOENT;
	case KABI_IOMMU_HWPT_GET_DIRTY_BITMAP:
		return find_kind(((struct kabi_hwpt_get_dirty_bitmap *)arg)->hwpt_id, M_HWPT) ?
		       0 : -ENOENT;
	case KABI_IOMMU_HWPT_INVALIDATE:
		return find(((struct kabi_hwpt_invalidate *)arg)->hwpt_id) ? 0 : -ENOENT;
	case KABI_IOMMU_FAULT_QUEUE_ALLOC: {
		struct kabi_fault_alloc *cmd = arg;

		return queue_new(M_FAULT, 0, &cmd->out_fault_id, &cmd->out_fault_fd);
	}
	case KABI_IOMMU_VIOMMU_ALLOC: {
		struct kabi_viommu_alloc *cmd = arg;
		struct model_obj *parent = find_kind(cmd->hwpt_id, M_HWPT);

		if (!find_kind(cmd->dev_id, M_DEVICE))
			return -ENOENT;
		if (!parent || !(parent->flags & KABI_HWPT_ALLOC_NEST_PARENT))
			return -EINVAL;
		/* The selftest type's outputs, as 6.17+ writes them back. */
		if (cmd->type == KABI_VIOMMU_TYPE_SELFTEST &&
		    cmd->data_len >= sizeof(struct kabi_viommu_selftest)) {
			struct kabi_viommu_selftest *d = (void *)(uintptr_t)cmd->data_uptr;

			d->out_data = d->in_data;
			d->out_mmap_offset = 0x10000;
			d->out_mmap_length = 4096;
		}
		return new_object(M_VIOMMU, cmd->hwpt_id, 0, &cmd->out_viommu_id);
	}
	case KABI_IOMMU_VDEVICE_ALLOC: {
		struct kabi_vdevice_alloc *cmd = arg;

		if (!find_kind(cmd->viommu_id, M_VIOMMU) || !find_kind(cmd->dev_id, M_DEVICE))
			return -ENOENT;
		return new_object(M_VDEVICE, cmd->viommu_id, cmd->dev_id, &cmd->out_vdevice_id);
	}
	case KABI_IOMMU_VEVENTQ_ALLOC: {
		struct kabi_veventq_alloc *cmd = arg;

		if (!find_kind(cmd->viommu_id, M_VIOMMU))
			return -ENOENT;
		return queue_new(M_VEVENTQ, cmd->viommu_id, &cmd->out_veventq_id,
				 &cmd->out_veventq_fd);
	}
	case KABI_IOMMU_HW_QUEUE_ALLOC: {
		struct kabi_hw_queue_alloc *cmd = arg;

		if (!find_kind(cmd->viommu_id, M_VIOMMU))
			return -ENOENT;
		return new_object(M_HW_QUEUE, cmd->viommu_id, 0, &cmd->out_hw_queue_id);
	}
	default:
		return -ENOTTY;
	}
}

/* ---- the VFIO cdev ------------------------------------------------------- */

static struct model_obj *device_of_fd(int fd)
{
	for (size_t i = 0; i < MODEL_OBJECTS; i++)
		if (model.objs[i].kind == M_DEVICE && model.objs[i].fd == fd)
			return &model.objs[i];
	return NULL;
}

static int do_bind(int fd, struct kabi_vfio_bind_iommufd *cmd)
{
	struct model_obj *dev = device_of_fd(fd);

	/*
	 * The model does not see close(2): a bind on an fd number it knows
	 * means the old cdev was closed, which unbinds (and detaches) it.
	 */
	if (dev) {
		device_leave(dev);
		obj_free(dev);
	}
	dev = obj_new(M_DEVICE, 0, 0);
	if (!dev)
		return -ENOMEM;
	dev->fd = fd;
	cmd->out_devid = dev->id;
	return 0;
}

static int do_attach(int fd, struct kabi_vfio_attach_pt *cmd)
{
	struct model_obj *dev = device_of_fd(fd), *pt;

	if (!dev)
		return -EINVAL;
	if (cmd->argsz >= sizeof(*cmd) && (cmd->flags & KABI_VFIO_DEVICE_PASID))
		return find(cmd->pt_id) ? 0 : -ENOENT;	/* PASIDs are not modelled */
	pt = find(cmd->pt_id);
	if (!pt)
		return -ENOENT;
	if (pt->kind == M_IOAS) {
		/* The kernel shares a compatible domain of the IOAS: always here. */
		struct model_obj *domain = NULL;

		for (size_t i = 0; i < MODEL_OBJECTS && !domain; i++)
			if (model.objs[i].kind == M_DOMAIN && model.objs[i].parent == pt->id)
				domain = &model.objs[i];
		if (!domain)
			domain = obj_new(M_DOMAIN, pt->id, 0);
		if (!domain)
			return -ENOMEM;
		pt = domain;
	} else if (pt->kind != M_HWPT && pt->kind != M_DOMAIN) {
		return -EINVAL;
	}
	if (dev->attached == pt->id) {
		cmd->pt_id = pt->id;
		return 0;
	}
	pt->users++;		/* before leaving: the old may be the new's parent */
	device_leave(dev);
	dev->attached = pt->id;
	cmd->pt_id = pt->id;
	return 0;
}

static int do_detach(int fd, struct kabi_vfio_detach_pt *cmd)
{
	struct model_obj *dev = device_of_fd(fd);

	if (!dev)
		return -EINVAL;
	if (cmd->argsz >= sizeof(*cmd) && (cmd->flags & KABI_VFIO_DEVICE_PASID))
		return 0;
	device_leave(dev);
	return 0;
}

static int do_vfio_cmd(int fd, unsigned long request, void *arg)
{
	switch (request) {
	case KABI_VFIO_DEVICE_BIND_IOMMUFD:
		return do_bind(fd, arg);
	case KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT:
		return do_attach(fd, arg);
	case KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT:
		return do_detach(fd, arg);
	default:
		return -ENOTTY;
	}
}

int model_ioctl(int fd, unsigned long request, void *arg)
{
	int rc;

	if (fcntl(fd, F_GETFD) < 0 || !arg) {
		errno = fcntl(fd, F_GETFD) < 0 ? EBADF : EFAULT;
		return -1;
	}
	pthread_mutex_lock(&model.lock);
	model.ioctls++;
	if (model.fail_request == request) {
		model.fail_request = 0;
		rc = -model.fail_err;
	} else if (request == KABI_VFIO_DEVICE_BIND_IOMMUFD ||
		   request == KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT ||
		   request == KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT) {
		rc = do_vfio_cmd(fd, request, arg);
	} else {
		rc = do_iommufd_cmd(request, arg);
	}
	pthread_mutex_unlock(&model.lock);
	if (rc) {
		errno = -rc;
		return -1;
	}
	return 0;
}
