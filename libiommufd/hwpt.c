// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Hardware page tables: allocation with its fallback to the kernel's own
 * allocation, and lifetime.
 *
 * The fallback follows how the kernel treats a request without flags or
 * data: it is a plain paging domain, which every kernel can make when a
 * device is attached to an IOAS. Requests that ask for more (nesting, dirty
 * tracking, PASID, vendor data) are never quietly given less.
 */
#include <stdio.h>
#include <stdlib.h>

#include "private.h"

#define KNOWN_HWPT_FLAGS \
	(IOMMUFD_HWPT_NEST_PARENT | IOMMUFD_HWPT_DIRTY_TRACKING | IOMMUFD_HWPT_PASID)

static uint32_t kernel_hwpt_flags(uint32_t flags)
{
	return (flags & IOMMUFD_HWPT_NEST_PARENT ? KABI_HWPT_ALLOC_NEST_PARENT : 0) |
	       (flags & IOMMUFD_HWPT_DIRTY_TRACKING ? KABI_HWPT_ALLOC_DIRTY_TRACKING : 0) |
	       (flags & IOMMUFD_HWPT_PASID ? KABI_HWPT_ALLOC_PASID : 0);
}

/* "NEST_PARENT|DIRTY_TRACKING" into @buf, for log lines. */
static const char *flag_names(uint32_t flags, char *buf, size_t len)
{
	snprintf(buf, len, "%s%s%s%s",
		 flags & IOMMUFD_HWPT_NEST_PARENT ? "|NEST_PARENT" : "",
		 flags & IOMMUFD_HWPT_DIRTY_TRACKING ? "|DIRTY_TRACKING" : "",
		 flags & IOMMUFD_HWPT_PASID ? "|PASID" : "", flags ? "" : "|plain");
	return buf + 1;
}

static bool all_zero(const void *data, size_t len)
{
	const unsigned char *p = data;

	for (size_t i = 0; i < len; i++)
		if (p[i])
			return false;
	return true;
}

uint32_t iommufd_pt_attach_id(const struct iommufd_pt *pt)
{
	const struct iommufd_hwpt *hwpt =
		pt->kind == PT_HWPT ? (const struct iommufd_hwpt *)pt : NULL;

	/* The kernel's own domain is reached through the IOAS it serves. */
	return hwpt && hwpt->kernel_allocated ? hwpt->parent->id : pt->id;
}

/* What a validated request asks for, and where. */
struct hwpt_request {
	uint32_t flags;
	uint32_t fallback;	/* enum iommufd_hwpt_fallback */
	struct iommufd_fault_queue *fault_queue;
	uint32_t data_type;	/* 0 when there is no data */
	const void *data;
	uint32_t data_len;
	bool nested;		/* on a nest-parent HWPT or a vIOMMU */
	const char *target;	/* "IOAS", "HWPT" or "vIOMMU", for logs */
	uint32_t target_id;
};

static int parse_data(struct iommufd_ctx *ctx, struct iommufd_device *dev,
		      const struct iommufd_hwpt_opts *opts, struct hwpt_request *req)
{
	size_t len = OPTS_GET(opts, data_len, 0);

	req->data_type = OPTS_GET(opts, data_type, 0);
	req->data = OPTS_GET(opts, data, NULL);
	if ((len && !req->data) || len > UINT32_MAX) {
		log_err(ctx, "HWPT_ALLOC device %u: %zu bytes of data at %p", dev->id,
			len, req->data);
		return -EINVAL;
	}
	/*
	 * For a paging HWPT all-zero data means "no data", as the kernel has it.
	 * A nested HWPT's data is sent as given: an all-zero SMMUv3 STE, say,
	 * has a meaning of its own.
	 */
	if (!req->nested && (!len || all_zero(req->data, len))) {
		if (len)
			log_dbg(ctx, "HWPT_ALLOC device %u: %zu bytes of all-zero data mean no data",
				dev->id, len);
		req->data_type = 0;
		req->data = NULL;
		len = 0;
	} else if (req->nested && !len) {
		log_err(ctx, "HWPT_ALLOC device %u on %s %u: a nested HWPT needs vendor data",
			dev->id, req->target, req->target_id);
		return -EINVAL;
	} else if (!req->data_type) {
		log_err(ctx, "HWPT_ALLOC device %u: data without a data type", dev->id);
		return -EINVAL;
	}
	req->data_len = (uint32_t)len;
	return 0;
}

static int parse_opts(struct iommufd_device *dev, const struct iommufd_hwpt_opts *opts,
		      struct hwpt_request *req)
{
	struct iommufd_ctx *ctx = dev->ctx;
	int rc = iommufd_opts_check(ctx, opts, sizeof(*opts), "HWPT_ALLOC");

	if (rc)
		return rc;
	req->flags = OPTS_GET(opts, flags, 0);
	req->fallback = OPTS_GET(opts, fallback, IOMMUFD_HWPT_FALLBACK_NONE);
	req->fault_queue = OPTS_GET(opts, fault_queue, NULL);
	if (req->fallback > IOMMUFD_HWPT_FALLBACK_REPLACE) {
		log_err(ctx, "HWPT_ALLOC device %u: unknown fallback %u", dev->id, req->fallback);
		return -EINVAL;
	}
	if (req->fault_queue && req->fault_queue->ctx != ctx) {
		log_err(ctx, "HWPT_ALLOC device %u: the fault queue belongs to another context",
			dev->id);
		return -EINVAL;
	}
	if (req->flags & ~(uint32_t)KNOWN_HWPT_FLAGS) {
		log_err(ctx, "HWPT_ALLOC device %u: unknown flags 0x%x", dev->id,
			req->flags & ~(uint32_t)KNOWN_HWPT_FLAGS);
		return -EINVAL;
	}
	return parse_data(ctx, dev, opts, req);
}

static struct iommufd_hwpt *hwpt_new(struct iommufd_ctx *ctx,
				     struct iommufd_pt *parent,
				     struct iommufd_viommu *viommu,
				     const struct hwpt_request *req,
				     bool kernel_allocated)
{
	/* Not calloc, which skips glibc's per-thread cache (as in iommufd_ioas_alloc()). */
	struct iommufd_hwpt *hwpt = malloc(sizeof(*hwpt));

	if (!hwpt)
		return NULL;
	*hwpt = (struct iommufd_hwpt){
		.pt = { .kind = PT_HWPT, .ctx = iommufd_ctx_ref(ctx) },
		.parent = iommufd_pt_ref(parent),
		.viommu = iommufd_viommu_ref(viommu),
		.fault_queue = req ? iommufd_fault_queue_ref(req->fault_queue) : NULL,
		.flags = req ? req->flags : 0,
		.kernel_allocated = kernel_allocated,
	};
	atomic_init(&hwpt->pt.refcount, 1);
	return hwpt;
}

static void hwpt_free(struct iommufd_hwpt *hwpt)
{
	iommufd_dirty_unregister(hwpt);
	iommufd_pt_unref(hwpt->parent);
	iommufd_viommu_unref(hwpt->viommu);
	iommufd_fault_queue_unref(hwpt->fault_queue);
	iommufd_ctx_unref(hwpt->pt.ctx);
	free(hwpt);
}

/*
 * The plain path: attach @dev to the IOAS and let the kernel allocate the
 * domain, as it does for every attach to an IOAS.
 */
static int hwpt_alloc_plain(struct iommufd_device *dev, struct iommufd_pt *ioas,
			    const char *call, struct iommufd_hwpt **ret_hwpt)
{
	struct iommufd_hwpt *hwpt = hwpt_new(ioas->ctx, ioas, NULL, NULL, true);
	int rc;

	if (!hwpt)
		return log_oom(dev->ctx, call, sizeof(*hwpt), "the handle of the kernel-allocated"
			       " HWPT of device %u on IOAS %u", dev->id, ioas->id);
	log_dbg(dev->ctx, "HWPT_ALLOC device %u on IOAS %u: refused, taking the plain path"
		" the caller opted in to", dev->id, ioas->id);
	rc = iommufd_device_set_pt(dev, &hwpt->pt, "HWPT_ALLOC fallback: ATTACH");
	if (rc) {
		hwpt_free(hwpt);
		return rc;
	}
	/* The device's reference keeps the kernel's domain; ours is the caller's. */
	log_info(dev->ctx, "HWPT_ALLOC device %u on IOAS %u: plain path taken, kernel-allocated HWPT %u",
		 dev->id, ioas->id, hwpt->pt.id);
	*ret_hwpt = hwpt;
	return 0;
}

static const char *unsupported_reason(int rc, const struct hwpt_request *req)
{
	if (rc == -ENOTTY)
		return "the kernel has no IOMMU_HWPT_ALLOC (before 6.6)";
	if (req->nested)
		return "the IOMMU driver of the device cannot make a nested HWPT of this data type";
	if (req->data_len)
		return "the IOMMU driver of the device cannot build a HWPT from this vendor data";
	if (req->fault_queue && (req->flags & IOMMUFD_HWPT_NEST_PARENT))
		return "a nest-parent HWPT cannot report I/O page faults (the kernel refuses the pair)";
	if (req->flags & IOMMUFD_HWPT_NEST_PARENT)
		return "the IOMMU driver of the device cannot nest (no stage-2 parent)";
	if (req->flags & IOMMUFD_HWPT_DIRTY_TRACKING)
		return "the IOMMU of the device cannot track dirty pages";
	if (req->flags & IOMMUFD_HWPT_PASID)
		return "the kernel or driver cannot attach this HWPT to PASIDs";
	if (req->fault_queue)
		return "the kernel or driver cannot report I/O page faults of this HWPT";
	return "the driver cannot allocate this HWPT";
}

/* Why a plain request the kernel refused did not take the plain path. */
static const char *no_plain_path(const struct iommufd_device *dev,
				 const struct hwpt_request *req)
{
	if (req->fallback == IOMMUFD_HWPT_FALLBACK_NONE)
		return "; no plain path: the caller did not opt in (iommufd_hwpt_opts.fallback)";
	if (dev->fd < 0)
		return "; no plain path: the device handle has no cdev to attach";
	return "; no plain path: the device is attached (IOMMUFD_HWPT_FALLBACK_REPLACE would"
	       " move it)";
}

static bool plain_path_allowed(const struct iommufd_device *dev,
			       const struct hwpt_request *req)
{
	bool attached = dev->attached || dev->attach_unknown;

	if (req->fallback == IOMMUFD_HWPT_FALLBACK_NONE || dev->fd < 0)
		return false;
	return !attached || req->fallback == IOMMUFD_HWPT_FALLBACK_REPLACE;
}

/*
 * @rc is the kernel's answer, @ret what the caller gets (named in the log),
 * @tail what follows the reason (e.g. why no plain path was taken).
 */
static void explain_alloc_error(struct iommufd_device *dev,
				const struct hwpt_request *req, int rc, int ret,
				const char *tail)
{
	char names[64], detail[128], reason[512], memlock[400];
	const char *why = "";

	if (rc == -EOPNOTSUPP && (req->flags & IOMMUFD_HWPT_NEST_PARENT) && !req->nested &&
	    !req->data_len) {
		/* Name what the hardware lacks, from the hw info the caller read. */
		const char *miss = dev->hw_read ?
			iommufd_nesting_missing(dev->hw_type, dev->hw_rec, dev->hw_len,
						detail, sizeof(detail)) : NULL;

		snprintf(reason, sizeof(reason), "%s: %s", unsupported_reason(rc, req),
			 miss ? miss : "its hw info (iommufd_device_get_hw_info()) tells which capability is missing");
		why = reason;
	} else if (rc == -EOPNOTSUPP || rc == -ENOTTY)
		why = unsupported_reason(rc, req);
	else if (rc == -E2BIG)
		why = "the kernel does not know a field of this request (vendor data needs 6.7,"
		      " fault queues 6.11)";
	else if (rc == -ENOMEM && !req->nested) {
		/* A paging HWPT is filled from its IOAS at once: that pins every mapped page. */
		snprintf(reason, sizeof(reason), "a HWPT on an IOAS pins the pages the IOAS"
			 " maps (a map alone pins nothing): %s",
			 iommufd_explain_memlock(dev->ctx, memlock, sizeof(memlock)));
		why = reason;
	} else if (rc == -EADDRINUSE)
		why = "the IOAS already maps IOVAs the new domain cannot hold: ones the device"
		      " reserves (e.g. its MSI window), or ones outside the domain's aperture"
		      " (6.12's virtio-iommu gives a domain made before any attach the aperture"
		      " [0, 0], a kernel bug fixed by 7.2, so every mapping collides): allocate"
		      " before mapping, or keep mappings out of the reserved ranges";
	else if (rc == -EIO && req->nested)
		why = "the driver refused a field of the vendor data";
	else if (rc == -EINVAL && req->nested)
		why = "the parent is not a nest-parent HWPT, or the vendor data is invalid";
	else if (rc == -EINVAL)
		why = "invalid request";
	log_err(dev->ctx, "HWPT_ALLOC %s device %u on %s %u%s: %s%s%s%s",
		req->nested ? "nested" : flag_names(req->flags, names, sizeof(names)),
		dev->id, req->target,
		req->target_id, req->data_len ? " with vendor data" : "",
		iommufd_errname(ret), *why ? ": " : "", why, tail);
}

/* Fill in where the request goes; -EINVAL when the handles do not match. */
static int locate_target(struct iommufd_device *dev, struct iommufd_pt *pt,
			 struct iommufd_viommu *viommu, struct hwpt_request *req)
{
	struct iommufd_ctx *owner = pt ? pt->ctx : viommu->ctx;

	struct iommufd_hwpt *parent = pt ? iommufd_pt_to_hwpt(pt) : NULL;

	req->nested = viommu || parent;
	req->target = viommu ? "vIOMMU" : iommufd_pt_kind_name(pt);
	/* A nested HWPT goes on the parent itself, never on its IOAS. */
	req->target_id = viommu ? viommu->id : pt->id;
	if (owner != dev->ctx) {
		log_err(dev->ctx, "HWPT_ALLOC device %u: %s %u belongs to another context",
			dev->id, req->target, req->target_id);
		return -EINVAL;
	}
	if (parent && !(parent->flags & IOMMUFD_HWPT_NEST_PARENT)) {
		log_err(dev->ctx, "HWPT_ALLOC device %u on HWPT %u: a nested HWPT needs a parent"
			" allocated with IOMMUFD_HWPT_NEST_PARENT", dev->id, pt->id);
		return -EINVAL;
	}
	return 0;
}

int iommufd_hwpt_alloc_on(struct iommufd_device *dev, struct iommufd_pt *pt,
			  struct iommufd_viommu *viommu,
			  const struct iommufd_hwpt_opts *opts, const char *call,
			  struct iommufd_hwpt **ret_hwpt)
{
	struct kabi_hwpt_alloc cmd = { .size = sizeof(cmd) };
	struct hwpt_request req = { 0 };
	struct iommufd_hwpt *hwpt;
	bool plain;
	int ret, rc = locate_target(dev, pt, viommu, &req);

	if (!rc)
		rc = parse_opts(dev, opts, &req);
	if (rc)
		return rc;
	hwpt = hwpt_new(dev->ctx, pt, viommu, &req, false);
	if (!hwpt)
		return log_oom(dev->ctx, call, sizeof(*hwpt), "the handle of a HWPT on %s %u",
			       req.target, req.target_id);

	cmd.flags = kernel_hwpt_flags(req.flags) |
		    (req.fault_queue ? KABI_HWPT_FAULT_ID_VALID : 0);
	cmd.fault_id = req.fault_queue ? req.fault_queue->id : 0;
	cmd.dev_id = dev->id;
	cmd.pt_id = req.target_id;
	cmd.data_type = req.data_type;
	cmd.data_len = req.data_len;
	cmd.data_uptr = (uintptr_t)req.data;
	rc = kernel_ioctl(dev->ctx->fd, KABI_IOMMU_HWPT_ALLOC, &cmd);
	if (rc == 0) {
		hwpt->pt.id = cmd.out_hwpt_id;
		iommufd_dirty_register(hwpt);
		log_dbg(dev->ctx, "HWPT %u allocated on %s %u for device %u", hwpt->pt.id,
			req.target, req.target_id, dev->id);
		*ret_hwpt = hwpt;
		return 0;
	}
	hwpt_free(hwpt);

	plain = (rc == -ENOTTY || rc == -EOPNOTSUPP) && !req.flags && !req.data_len &&
		!req.fault_queue && !req.nested;
	if (plain && plain_path_allowed(dev, &req))
		return hwpt_alloc_plain(dev, pt, call, ret_hwpt);
	/*
	 * Asked-for features the kernel does not know are unsupported too; a
	 * plain request that had no way back keeps the kernel's own errno.
	 */
	ret = rc == -ENOTTY && (req.flags || req.data_len || req.fault_queue) ?
	      -EOPNOTSUPP : rc;
	explain_alloc_error(dev, &req, rc, ret, plain ? no_plain_path(dev, &req) : "");
	return ret;
}

IOMMUFD_EXPORT int iommufd_hwpt_alloc(struct iommufd_pt *pt,
				      struct iommufd_device *dev,
				      const struct iommufd_hwpt_opts *opts,
				      struct iommufd_hwpt **ret_hwpt)
{
	if (!dev || !pt || !ret_hwpt)
		return bad_args(dev ? dev->ctx : pt ? pt->ctx : NULL, "!dev || !pt || !ret_hwpt");
	return iommufd_hwpt_alloc_on(dev, pt, NULL, opts, "hwpt_alloc", ret_hwpt);
}

/* ---- invalidation -------------------------------------------------------- */

int iommufd_invalidate_id(struct iommufd_ctx *ctx, uint32_t id, const char *what,
			  uint32_t data_type, const void *entries,
			  size_t entry_len, uint32_t entry_num,
			  uint32_t *ret_done)
{
	struct kabi_hwpt_invalidate cmd = {
		.size = sizeof(cmd),
		.hwpt_id = id,
		.data_uptr = (uintptr_t)entries,
		.data_type = data_type,
		.entry_len = (uint32_t)entry_len,
		.entry_num = entry_num,
	};
	int rc;

	if ((entry_num && (!entries || !entry_len)) || entry_len > UINT32_MAX) {
		log_err(ctx, "INVALIDATE %s %u: %u entries of %zu bytes at %p", what, id,
			entry_num, entry_len, entries);
		return -EINVAL;
	}
	rc = kernel_ioctl(ctx->fd, KABI_IOMMU_HWPT_INVALIDATE, &cmd);
	if (ret_done)
		*ret_done = rc == -ENOTTY ? 0 : cmd.entry_num;
	if (rc == -ENOTTY) {
		log_err(ctx, "INVALIDATE %s %u: ENOTTY: the kernel has no IOMMU_HWPT_INVALIDATE (before 6.8)",
			what, id);
		return rc;
	}
	/* With no entries the call is a support probe: its refusal is an answer. */
	if (rc)
		iommufd_cmd_fail(ctx, entry_num ? LOG_ERR : LOG_DEBUG, __FILE__, __LINE__, __func__,
				 cmd.entry_num ? KCMD_INVALIDATE : KCMD_INVALIDATE_FIRST, rc, NULL,
				 "INVALIDATE %s %u type 0x%x after %u of %u entries", what, id,
				 data_type, cmd.entry_num, entry_num);
	return rc;
}

IOMMUFD_EXPORT int iommufd_hwpt_invalidate(struct iommufd_hwpt *hwpt,
					   uint32_t data_type, const void *entries,
					   size_t entry_len, uint32_t entry_num,
					   uint32_t *ret_done)
{
	if (!hwpt)
		return bad_args(NULL, "!hwpt");
	return iommufd_invalidate_id(hwpt->pt.ctx, hwpt->pt.id, "HWPT", data_type,
				     entries, entry_len, entry_num, ret_done);
}

IOMMUFD_EXPORT struct iommufd_hwpt *iommufd_hwpt_ref(struct iommufd_hwpt *hwpt)
{
	if (hwpt)
		iommufd_pt_ref(&hwpt->pt);
	return hwpt;
}

IOMMUFD_EXPORT struct iommufd_hwpt *iommufd_hwpt_unref(struct iommufd_hwpt *hwpt)
{
	if (!hwpt || atomic_fetch_sub(&hwpt->pt.refcount, 1) != 1)
		return NULL;
	/* The kernel frees its own domains when the last device leaves them. */
	if (!hwpt->kernel_allocated && !hwpt->pt.borrowed)
		iommufd_release_id(hwpt->pt.ctx, hwpt->pt.id, "HWPT");
	hwpt_free(hwpt);
	return NULL;
}

IOMMUFD_EXPORT int iommufd_hwpt_destroy(struct iommufd_hwpt *hwpt)
{
	int rc;

	if (!hwpt)
		return bad_args(NULL, "!hwpt");
	/* The kernel's own domain goes with its last device: nothing to destroy. */
	if (hwpt->kernel_allocated && atomic_load(&hwpt->pt.refcount) == 1)
		rc = 0;
	else
		rc = iommufd_destroy_handle(hwpt->pt.ctx, &hwpt->pt.refcount, NULL, hwpt->pt.id,
					    "HWPT");
	if (!rc)
		hwpt_free(hwpt);
	return rc;
}

IOMMUFD_EXPORT int iommufd_hwpt_new_from_id(struct iommufd_ctx *ctx, uint32_t hwpt_id,
					    uint32_t flags, uint32_t adopt,
					    struct iommufd_hwpt **ret_hwpt)
{
	struct hwpt_request req = { .flags = flags };
	struct iommufd_hwpt *hwpt;
	int rc;

	if (!ctx || !hwpt_id || !ret_hwpt || (flags & ~(uint32_t)KNOWN_HWPT_FLAGS)) {
		log_err(ctx, "hwpt_new_from_id: NULL context or result, ID 0 or unknown flags 0x%x",
			flags);
		return -EINVAL;
	}
	rc = iommufd_check_adopt(ctx, adopt, "hwpt_new_from_id");
	if (rc)
		return rc;
	hwpt = hwpt_new(ctx, NULL, NULL, &req, false);
	if (!hwpt)
		return log_oom(ctx, "hwpt_new_from_id", sizeof(*hwpt), "the handle of HWPT %u",
			       hwpt_id);
	hwpt->pt.id = hwpt_id;
	hwpt->pt.borrowed = adopt == IOMMUFD_ADOPT_BORROW;
	log_dbg(ctx, "HWPT %u adopted (%s)", hwpt_id, hwpt->pt.borrowed ? "borrowed" : "owned");
	*ret_hwpt = hwpt;
	return 0;
}

IOMMUFD_EXPORT uint32_t iommufd_hwpt_get_id(const struct iommufd_hwpt *hwpt)
{
	return hwpt ? hwpt->pt.id : 0;
}

IOMMUFD_EXPORT struct iommufd_pt *iommufd_hwpt_as_pt(struct iommufd_hwpt *hwpt)
{
	return hwpt ? &hwpt->pt : NULL;
}

IOMMUFD_EXPORT uint32_t iommufd_hwpt_get_flags(const struct iommufd_hwpt *hwpt)
{
	return hwpt ? hwpt->flags : 0;
}

IOMMUFD_EXPORT bool iommufd_hwpt_is_kernel_allocated(const struct iommufd_hwpt *hwpt)
{
	return hwpt && hwpt->kernel_allocated;
}
