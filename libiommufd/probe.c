// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The capability probe: which commands the kernel knows and what the IOMMU
 * of a device can do, each with the reason when not. Every probe asks the
 * kernel as a real use would, then undoes what it made.
 */
#include <string.h>

#include "vendor.h"

/* The probe fills a whole local struct; the caller gets what fits. */
#define SET(p, field, value) ((p)->field = (value))

static struct iommufd_feature verdict(int rc)
{
	struct iommufd_feature f = { .err = rc };

	if (rc == 0)
		f.support = IOMMUFD_FEATURE_SUPPORTED;
	else if (rc == -ENOTTY || rc == -E2BIG)
		f.support = IOMMUFD_FEATURE_NO_KERNEL;
	else if (rc == -EOPNOTSUPP)
		f.support = IOMMUFD_FEATURE_NO_IOMMU;
	else
		f.support = IOMMUFD_FEATURE_ERROR;
	return f;
}

/*
 * Whether the kernel knows command @request: sent with a zero size, a known
 * command fails with EINVAL (too small) before doing anything, an unknown
 * one with ENOTTY.
 */
static struct iommufd_feature probe_command(struct iommufd_ctx *ctx, unsigned long request)
{
	uint32_t empty[16] = { 0 };	/* size 0, and room the kernel may read */
	int rc = kernel_ioctl(ctx->fd, request, empty);

	return verdict(rc == -EINVAL ? 0 : rc == 0 ? -EPROTO : rc);
}

static const struct {
	size_t offset;
	unsigned long request;
} commands[] = {
	{ offsetof(struct iommufd_probe, hwpt_alloc), KABI_IOMMU_HWPT_ALLOC },
	{ offsetof(struct iommufd_probe, hw_info), KABI_IOMMU_GET_HW_INFO },
	{ offsetof(struct iommufd_probe, dirty_tracking_cmds), KABI_IOMMU_HWPT_SET_DIRTY_TRACKING },
	{ offsetof(struct iommufd_probe, invalidate), KABI_IOMMU_HWPT_INVALIDATE },
	{ offsetof(struct iommufd_probe, fault_queue), KABI_IOMMU_FAULT_QUEUE_ALLOC },
	{ offsetof(struct iommufd_probe, map_file), KABI_IOMMU_IOAS_MAP_FILE },
	{ offsetof(struct iommufd_probe, viommu_cmds), KABI_IOMMU_VIOMMU_ALLOC },
	{ offsetof(struct iommufd_probe, vdevice), KABI_IOMMU_VDEVICE_ALLOC },
	{ offsetof(struct iommufd_probe, change_process), KABI_IOMMU_IOAS_CHANGE_PROCESS },
	{ offsetof(struct iommufd_probe, veventq), KABI_IOMMU_VEVENTQ_ALLOC },
	{ offsetof(struct iommufd_probe, hw_queue), KABI_IOMMU_HW_QUEUE_ALLOC },
	{ offsetof(struct iommufd_probe, vfio_compat), KABI_IOMMU_VFIO_IOAS },
	{ offsetof(struct iommufd_probe, options), KABI_IOMMU_OPTION },
	{ offsetof(struct iommufd_probe, ioas_copy), KABI_IOMMU_IOAS_COPY },
};

/* The command verdicts from @from into @to. */
static void copy_commands(struct iommufd_probe *to, const struct iommufd_probe *from)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		memcpy((char *)to + commands[i].offset, (const char *)from + commands[i].offset,
		       sizeof(struct iommufd_feature));
}

/*
 * The command verdicts into @p: asked of the kernel by the context's first
 * probe, then the context's answers. Answers that are not verdicts (the
 * kernel failed the probe itself) are not kept: the next probe asks again.
 * Two threads probing a new context at once may both ask; the answers are
 * the same.
 */
static void probe_commands(struct iommufd_ctx *ctx, struct iommufd_probe *p)
{
	bool known, keep = true;

	pthread_mutex_lock(&ctx->lock);
	known = ctx->commands_probed;
	if (known)
		copy_commands(p, &ctx->commands);
	pthread_mutex_unlock(&ctx->lock);
	if (known)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++) {
		struct iommufd_feature f = probe_command(ctx, commands[i].request);

		memcpy((char *)p + commands[i].offset, &f, sizeof(f));
		keep = keep && f.support != IOMMUFD_FEATURE_ERROR;
	}
	if (!keep)
		return;
	pthread_mutex_lock(&ctx->lock);
	copy_commands(&ctx->commands, p);
	ctx->commands_probed = true;
	pthread_mutex_unlock(&ctx->lock);
}

/* The members of @full that fit in the caller's struct, its sz kept. */
static int copy_out(struct iommufd_probe *ret, const struct iommufd_probe *full)
{
	size_t n = ret->sz < sizeof(*full) ? ret->sz : sizeof(*full);

	memcpy((char *)ret + sizeof(ret->sz), (const char *)full + sizeof(full->sz),
	       n - sizeof(ret->sz));
	return 0;
}

static bool probe_struct_ok(const struct iommufd_probe *p)
{
	return p && p->sz >= sizeof(p->sz);
}

IOMMUFD_EXPORT int iommufd_ctx_probe(struct iommufd_ctx *ctx, struct iommufd_probe *ret_probe)
{
	struct iommufd_probe full = { .sz = sizeof(full) };

	if (!ctx || !probe_struct_ok(ret_probe))
		return bad_args(ctx, "!ctx || !probe_struct_ok(ret_probe)");
	probe_commands(ctx, &full);
	return copy_out(ret_probe, &full);
}

/* ---- device probe ------------------------------------------------------- */

/* Allocate a HWPT with @flags on @ioas_id and destroy it: 0 or -errno. */
static int try_hwpt(struct iommufd_device *dev, uint32_t ioas_id, uint32_t flags,
		    uint32_t *ret_id)
{
	struct kabi_hwpt_alloc cmd = {
		.size = sizeof(cmd), .flags = flags, .dev_id = dev->id, .pt_id = ioas_id,
	};
	int rc = kernel_ioctl(dev->ctx->fd, KABI_IOMMU_HWPT_ALLOC, &cmd);

	if (rc == 0 && ret_id)
		*ret_id = cmd.out_hwpt_id;
	else if (rc == 0)
		iommufd_release_id(dev->ctx, cmd.out_hwpt_id, "probe HWPT");
	return rc;
}

/* Allocate a vIOMMU of @type on @parent_id and destroy it, unless @ret_id takes it. */
static int try_viommu(struct iommufd_device *dev, uint32_t parent_id, uint32_t type,
		      uint32_t *ret_id)
{
	struct kabi_viommu_alloc cmd = {
		.size = sizeof(cmd), .type = type, .dev_id = dev->id, .hwpt_id = parent_id,
	};
	int rc = kernel_ioctl(dev->ctx->fd, KABI_IOMMU_VIOMMU_ALLOC, &cmd);

	if (rc == 0 && ret_id)
		*ret_id = cmd.out_viommu_id;
	else if (rc == 0)
		iommufd_release_id(dev->ctx, cmd.out_viommu_id, "probe vIOMMU");
	return rc;
}

/* Whether the decoded hw info says the IOMMU can nest. */
static bool hw_says_nesting(struct iommufd_ctx *ctx, const struct vendor_type *t,
			    const void *data, size_t len)
{
	struct iommufd_hw_info_decoded d = { .sz = sizeof(d) };

	if (!t || !t->nesting || iommufd_hw_info_decode(ctx, t->hw_info_type, data, len, &d))
		return false;
	return t->nesting(&d.u, NULL, 0);
}

static struct iommufd_feature cap_verdict(bool has)
{
	return verdict(has ? 0 : -EOPNOTSUPP);
}

/* The hw info facts, PASID and ATS verdicts. */
static int probe_hw_info(struct iommufd_device *dev, struct iommufd_probe *p,
			 const struct vendor_type **type, bool *nests)
{
	unsigned char data[64] __attribute__((aligned(8)));
	struct kabi_hw_info cmd = {
		.size = sizeof(cmd), .dev_id = dev->id, .data_len = sizeof(data),
		.data_uptr = (uintptr_t)data,
	};
	int rc = kernel_ioctl(dev->ctx->fd, KABI_IOMMU_GET_HW_INFO, &cmd);

	if (rc) {
		log_cmd_err(dev->ctx, iommufd_hw_info_cmd(dev, rc, KCMD_OTHER), rc, NULL,
			    "probe of device %u: GET_HW_INFO", dev->id);
		return rc;
	}
	*type = vendor_find(cmd.out_data_type);
	*nests = hw_says_nesting(dev->ctx, *type, data,
				 cmd.data_len < sizeof(data) ? cmd.data_len : sizeof(data));
	SET(p, hw_info_type, cmd.out_data_type);
	SET(p, nested_data_type, *type ? (*type)->nested_data_type : 0);
	SET(p, capabilities, cmd.out_capabilities);
	SET(p, max_pasid_log2, cmd.out_max_pasid_log2);
	SET(p, pasid, cap_verdict(cmd.out_max_pasid_log2 != 0));
	SET(p, pasid_exec, cap_verdict(cmd.out_capabilities & KABI_HW_CAP_PCI_PASID_EXEC));
	SET(p, pasid_priv, cap_verdict(cmd.out_capabilities & KABI_HW_CAP_PCI_PASID_PRIV));
	/*
	 * Only kernels that know HW queues (6.17+) say when ATS cannot be
	 * used; on older ones silence proves nothing.
	 */
	if (p->hw_queue.support == IOMMUFD_FEATURE_SUPPORTED)
		SET(p, ats, cap_verdict(!(cmd.out_capabilities &
					  KABI_HW_CAP_PCI_ATS_NOT_SUPPORTED)));
	return 0;
}

/*
 * A plain HWPT on the empty IOAS @ioas_id, then the IOAS's IOVA ranges: a
 * driver that gives the domain no aperture (6.12 virtio-iommu: [0, 0])
 * leaves nothing to map, though the allocation succeeds.
 */
static struct iommufd_feature probe_paging(struct iommufd_device *dev, uint32_t ioas_id)
{
	struct kabi_iova_range ranges[4];
	struct kabi_ioas_iova_ranges cmd = {
		.size = sizeof(cmd), .ioas_id = ioas_id, .num_iovas = ARRAY_SIZE(ranges),
		.allowed_iovas = (uintptr_t)ranges,
	};
	uint32_t hwpt_id;
	int rc = try_hwpt(dev, ioas_id, 0, &hwpt_id);

	if (rc)
		return verdict(rc);
	rc = kernel_ioctl(dev->ctx->fd, KABI_IOMMU_IOAS_IOVA_RANGES, &cmd);
	iommufd_release_id(dev->ctx, hwpt_id, "probe HWPT");
	if (rc == -EMSGSIZE || (!rc && cmd.num_iovas &&
				(cmd.num_iovas > 1 || ranges[0].last != 0)))
		return verdict(0);
	if (rc)
		return verdict(rc);
	log_info(dev->ctx, "probe of device %u: a paging HWPT leaves its IOAS no usable IOVA range"
		 " (the 6.12 virtio-iommu aperture [0, 0]): every map would fail", dev->id);
	return (struct iommufd_feature){ .support = IOMMUFD_FEATURE_NO_IOMMU, .err = -ENOSPC };
}

/*
 * A vIOMMU type the IOMMU's driver does not have is not tried: some drivers
 * (AMD, 7.0 to 7.3) make a vIOMMU of any type they are asked for.
 */
static struct iommufd_feature probe_viommu(struct iommufd_device *dev,
					   const struct vendor_type *t,
					   uint32_t parent_id, uint32_t viommu_type)
{
	if (!vendor_has_viommu(t, viommu_type)) {
		log_dbg(dev->ctx, "probe of device %u: vIOMMU type %#x: the driver of its IOMMU"
			" (hw info %s) has none of this type", dev->id, viommu_type,
			iommufd_hw_info_type_name(t ? t->hw_info_type : 0));
		return verdict(-EOPNOTSUPP);
	}
	return verdict(try_viommu(dev, parent_id, viommu_type, NULL));
}

/* vIOMMU types need a nest-parent HWPT: @parent_rc says whether there is one. */
static void probe_viommus(struct iommufd_device *dev, struct iommufd_probe *p,
			  const struct vendor_type *t, int parent_rc, uint32_t parent_id)
{
	struct iommufd_feature same = p->viommu_cmds;

	if (same.support == IOMMUFD_FEATURE_SUPPORTED && parent_rc)
		same = verdict(parent_rc);	/* no stage 2, no vIOMMU */
	if (same.support != IOMMUFD_FEATURE_SUPPORTED) {
		SET(p, viommu_arm_smmuv3, same);
		SET(p, viommu_tegra241_cmdqv, same);
		SET(p, viommu_selftest, same);
		return;
	}
	SET(p, viommu_arm_smmuv3, probe_viommu(dev, t, parent_id, KABI_VIOMMU_TYPE_ARM_SMMUV3));
	SET(p, viommu_tegra241_cmdqv,
	    probe_viommu(dev, t, parent_id, KABI_VIOMMU_TYPE_TEGRA241_CMDQV));
	SET(p, viommu_selftest, probe_viommu(dev, t, parent_id, KABI_VIOMMU_TYPE_SELFTEST));
}

/*
 * Nesting is what a nested HWPT can be made of: one is allocated with the
 * type's trial data on the parent (or on a vIOMMU of the parent, where the
 * driver wants it there) and destroyed. The hardware bits alone are not
 * enough: AMD's driver (7.0 to 7.3) makes nest parents of hardware that
 * nests, but has no nested allocation.
 */
static struct iommufd_feature probe_nesting(struct iommufd_device *dev,
					    const struct iommufd_probe *p,
					    const struct vendor_type *t, uint32_t parent_id)
{
	struct kabi_hwpt_alloc cmd = {
		.size = sizeof(cmd), .dev_id = dev->id, .pt_id = parent_id,
		.data_type = t->nested_data_type, .data_len = (uint32_t)t->trial_len,
		.data_uptr = (uintptr_t)t->trial_data,
	};
	uint32_t viommu_id = 0;
	int rc = 0;

	if (t->trial_viommu_type) {
		if (p->viommu_cmds.support != IOMMUFD_FEATURE_SUPPORTED)
			return p->viommu_cmds;	/* nested HWPTs of this IOMMU need one */
		rc = try_viommu(dev, parent_id, t->trial_viommu_type, &viommu_id);
		cmd.pt_id = viommu_id;
	}
	if (!rc)
		rc = kernel_ioctl(dev->ctx->fd, KABI_IOMMU_HWPT_ALLOC, &cmd);
	if (!rc)
		iommufd_release_id(dev->ctx, cmd.out_hwpt_id, "probe nested HWPT");
	if (viommu_id)
		iommufd_release_id(dev->ctx, viommu_id, "probe vIOMMU");
	if (rc)
		log_dbg(dev->ctx, "probe of device %u: trial nested HWPT (data type %u): %s",
			dev->id, t->nested_data_type, iommufd_errname(rc));
	return verdict(rc);
}

/* The HWPT kinds and vIOMMU types, tried on a temporary IOAS. */
static void probe_hwpts(struct iommufd_device *dev, struct iommufd_probe *p,
			uint32_t ioas_id, const struct vendor_type *t, bool nests)
{
	uint32_t parent_id = 0;
	int rc;
	struct iommufd_feature f = probe_paging(dev, ioas_id);

	SET(p, paging_hwpt, f);
	rc = try_hwpt(dev, ioas_id, KABI_HWPT_ALLOC_NEST_PARENT, &parent_id);
	f = verdict(rc);

	SET(p, nest_parent, f);
	if (!rc && !nests)
		f = verdict(-EOPNOTSUPP);	/* stage 2 alone is no nesting */
	else if (!rc)
		f = probe_nesting(dev, p, t, parent_id);
	SET(p, nesting, f);
	probe_viommus(dev, p, t, rc, parent_id);
	if (!rc)
		iommufd_release_id(dev->ctx, parent_id, "probe HWPT");
	rc = try_hwpt(dev, ioas_id, KABI_HWPT_ALLOC_DIRTY_TRACKING, NULL);
	SET(p, dirty_tracking, verdict(rc));
	rc = try_hwpt(dev, ioas_id, KABI_HWPT_ALLOC_PASID, NULL);
	f = verdict(rc);
	/*
	 * Kernels before 6.15 refuse the flag they do not know with EOPNOTSUPP
	 * too; they are the ones without vEVENTQs (also 6.15), so the verdict
	 * blames the kernel, while err stays what a real use gets.
	 */
	if (rc == -EOPNOTSUPP && p->veventq.support == IOMMUFD_FEATURE_NO_KERNEL)
		f.support = IOMMUFD_FEATURE_NO_KERNEL;
	SET(p, pasid_hwpt, f);
}

IOMMUFD_EXPORT int iommufd_device_probe(struct iommufd_device *dev,
					struct iommufd_probe *ret_probe)
{
	struct iommufd_probe full = { .sz = sizeof(full) };
	struct kabi_ioas_alloc ioas = { .size = sizeof(ioas) };
	const struct vendor_type *type = NULL;
	bool nests = false;
	int rc;

	if (!dev || !probe_struct_ok(ret_probe))
		return bad_args(dev ? dev->ctx : NULL, "!dev || !probe_struct_ok(ret_probe)");
	if (atomic_load(&dev->ctx->handed_over)) {
		log_err(dev->ctx, "probe of device %u: the context was handed over to another"
			" process: the probe's trial objects could not be destroyed", dev->id);
		return -EINVAL;
	}
	probe_commands(dev->ctx, &full);
	if (full.hw_info.support != IOMMUFD_FEATURE_SUPPORTED)
		return copy_out(ret_probe, &full);	/* no HWPTs either (< 6.6) */
	rc = probe_hw_info(dev, &full, &type, &nests);
	if (rc)
		return rc;
	if (full.hwpt_alloc.support != IOMMUFD_FEATURE_SUPPORTED)
		return copy_out(ret_probe, &full);
	rc = kernel_ioctl(dev->ctx->fd, KABI_IOMMU_IOAS_ALLOC, &ioas);
	if (rc) {
		log_err(dev->ctx, "probe of device %u: IOAS_ALLOC: %s", dev->id,
			iommufd_errname(rc));
		return rc;
	}
	probe_hwpts(dev, &full, ioas.out_ioas_id, type, nests);
	iommufd_release_id(dev->ctx, ioas.out_ioas_id, "probe IOAS");
	return copy_out(ret_probe, &full);
}

IOMMUFD_EXPORT const char *iommufd_support_name(uint32_t support)
{
	switch (support) {
	case IOMMUFD_FEATURE_UNTESTED: return "untested";
	case IOMMUFD_FEATURE_SUPPORTED: return "supported";
	case IOMMUFD_FEATURE_NO_KERNEL: return "kernel lacks it";
	case IOMMUFD_FEATURE_NO_IOMMU: return "IOMMU/driver cannot";
	case IOMMUFD_FEATURE_ERROR: return "probe failed";
	default: return "unknown verdict";
	}
}
