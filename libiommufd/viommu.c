// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Virtual IOMMUs: the guest's view of one physical IOMMU, on a nest-parent
 * HWPT. Nested HWPTs and cache invalidation can go through them.
 */
#include <stdlib.h>

#include "private.h"

static void explain_viommu_error(struct iommufd_device *dev, uint32_t type, int rc)
{
	const char *why = "";

	if (rc == -ENOTTY)
		why = ": the kernel has no vIOMMU objects (before 6.13)";
	else if (rc == -EOPNOTSUPP)
		why = ": the IOMMU driver of the device has no vIOMMU of this type";
	else if (rc == -EINVAL)
		why = ": the parent is not a nest-parent HWPT of this IOMMU, or the data is invalid";
	log_err(dev->ctx, "VIOMMU_ALLOC type 0x%x device %u: %s%s", type, dev->id,
		iommufd_errname(rc), why);
}

static int check_viommu_args(struct iommufd_device *dev, struct iommufd_hwpt *parent,
			     uint32_t type, const struct iommufd_viommu_opts *opts)
{
	size_t len = OPTS_GET(opts, data_len, 0);
	int rc;

	if (parent->pt.ctx != dev->ctx) {
		log_err(dev->ctx, "VIOMMU_ALLOC device %u: HWPT %u belongs to another context",
			dev->id, parent->pt.id);
		return -EINVAL;
	}
	if (!type || !(parent->flags & IOMMUFD_HWPT_NEST_PARENT)) {
		log_err(dev->ctx, "VIOMMU_ALLOC device %u: %s", dev->id, !type ?
			"type 0 is not a vIOMMU type" :
			"the parent HWPT was not allocated with IOMMUFD_HWPT_NEST_PARENT");
		return -EINVAL;
	}
	rc = iommufd_opts_check(dev->ctx, opts, sizeof(*opts), "VIOMMU_ALLOC");
	if (rc)
		return rc;
	if ((len && !OPTS_GET(opts, data, NULL)) || len > UINT32_MAX) {
		log_err(dev->ctx, "VIOMMU_ALLOC device %u: %zu bytes of data at NULL",
			dev->id, len);
		return -EINVAL;
	}
	return 0;
}

IOMMUFD_EXPORT int iommufd_viommu_alloc(struct iommufd_hwpt *parent,
					struct iommufd_device *dev, uint32_t type,
					const struct iommufd_viommu_opts *opts,
					struct iommufd_viommu **ret_viommu)
{
	struct kabi_viommu_alloc cmd = { .size = sizeof(cmd), .type = type };
	struct iommufd_viommu *viommu;
	int rc;

	if (!dev || !parent || !ret_viommu)
		return iommufd_bad_args(__func__, "!dev || !parent || !ret_viommu");
	rc = check_viommu_args(dev, parent, type, opts);
	if (rc)
		return rc;
	viommu = calloc(1, sizeof(*viommu));
	if (!viommu)
		return -ENOMEM;
	cmd.dev_id = dev->id;
	cmd.hwpt_id = parent->pt.id;
	cmd.data_len = (uint32_t)OPTS_GET(opts, data_len, 0);
	cmd.data_uptr = (uintptr_t)OPTS_GET(opts, data, NULL);
	rc = kernel_ioctl(dev->ctx->fd, KABI_IOMMU_VIOMMU_ALLOC, &cmd);
	if (rc) {
		explain_viommu_error(dev, type, rc);
		free(viommu);
		return rc;
	}
	atomic_init(&viommu->refcount, 1);
	viommu->ctx = iommufd_ctx_ref(dev->ctx);
	viommu->parent = iommufd_hwpt_ref(parent);
	viommu->id = cmd.out_viommu_id;
	viommu->type = type;
	if (dev->hw_read)
		viommu->hw_queue_max_log2 = iommufd_hw_queue_max_log2(dev->hw_type, dev->hw_rec,
									dev->hw_len);
	log_dbg(dev->ctx, "vIOMMU %u (type 0x%x) on HWPT %u", viommu->id, type,
		parent->pt.id);
	*ret_viommu = viommu;
	return 0;
}

IOMMUFD_EXPORT struct iommufd_viommu *iommufd_viommu_ref(struct iommufd_viommu *viommu)
{
	if (viommu)
		atomic_fetch_add(&viommu->refcount, 1);
	return viommu;
}

static void viommu_free(struct iommufd_viommu *viommu)
{
	iommufd_hwpt_unref(viommu->parent);
	iommufd_ctx_unref(viommu->ctx);
	free(viommu);
}

IOMMUFD_EXPORT struct iommufd_viommu *iommufd_viommu_unref(struct iommufd_viommu *viommu)
{
	if (!viommu || atomic_fetch_sub(&viommu->refcount, 1) != 1)
		return NULL;
	if (!viommu->borrowed)
		iommufd_release_id(viommu->ctx, viommu->id, "vIOMMU");
	viommu_free(viommu);
	return NULL;
}

IOMMUFD_EXPORT int iommufd_viommu_destroy(struct iommufd_viommu *viommu)
{
	int rc;

	if (!viommu)
		return iommufd_bad_args(__func__, "!viommu");
	rc = iommufd_destroy_handle(viommu->ctx, &viommu->refcount, NULL, viommu->id, "vIOMMU");
	if (!rc)
		viommu_free(viommu);
	return rc;
}

IOMMUFD_EXPORT int iommufd_viommu_new_from_id(struct iommufd_ctx *ctx, uint32_t viommu_id,
					      uint32_t type, uint32_t adopt,
					      struct iommufd_viommu **ret_viommu)
{
	struct iommufd_viommu *viommu;
	int rc;

	if (!ctx || !viommu_id || !type || !ret_viommu) {
		log_err(ctx, "viommu_new_from_id: NULL context or result, ID %u, type 0x%x",
			viommu_id, type);
		return -EINVAL;
	}
	rc = iommufd_check_adopt(ctx, adopt, "viommu_new_from_id");
	if (rc)
		return rc;
	viommu = calloc(1, sizeof(*viommu));
	if (!viommu)
		return -ENOMEM;
	atomic_init(&viommu->refcount, 1);
	viommu->ctx = iommufd_ctx_ref(ctx);
	viommu->id = viommu_id;
	viommu->type = type;
	viommu->borrowed = adopt == IOMMUFD_ADOPT_BORROW;
	*ret_viommu = viommu;
	return 0;
}

IOMMUFD_EXPORT uint32_t iommufd_viommu_get_id(const struct iommufd_viommu *viommu)
{
	return viommu ? viommu->id : 0;
}

IOMMUFD_EXPORT uint32_t iommufd_viommu_get_type(const struct iommufd_viommu *viommu)
{
	return viommu ? viommu->type : 0;
}

IOMMUFD_EXPORT int iommufd_viommu_alloc_hwpt(struct iommufd_viommu *viommu,
					     struct iommufd_device *dev,
					     const struct iommufd_hwpt_opts *opts,
					     struct iommufd_hwpt **ret_hwpt)
{
	if (!viommu || !dev || !ret_hwpt)
		return iommufd_bad_args(__func__, "!viommu || !dev || !ret_hwpt");
	if (OPTS_GET(opts, flags, 0)) {
		log_err(dev->ctx, "HWPT_ALLOC on vIOMMU %u: a nested HWPT takes no flags",
			viommu->id);
		return -EINVAL;
	}
	return iommufd_hwpt_alloc_on(dev, NULL, viommu, opts, ret_hwpt);
}

/* An SMMUv3 STE of @config on the vIOMMU: how VMMs pre-build abort/bypass. */
static int alloc_ste_hwpt(struct iommufd_viommu *viommu, struct iommufd_device *dev,
			  uint32_t config, struct iommufd_hwpt **ret_hwpt)
{
	LIBIOMMUFD_OPTS(iommufd_smmuv3_ste, ste, .config = config);
	uint8_t data[IOMMUFD_HWPT_DATA_ARM_SMMUV3_LEN];
	uint32_t type;
	size_t len;
	int rc;

	if (!viommu || !dev || !ret_hwpt)
		return iommufd_bad_args(__func__, "!viommu || !dev || !ret_hwpt");
	if (viommu->type != IOMMUFD_VIOMMU_ARM_SMMUV3 &&
	    viommu->type != IOMMUFD_VIOMMU_TEGRA241_CMDQV) {
		log_err(dev->ctx, "vIOMMU %u of type 0x%x: abort/bypass HWPTs exist for SMMUv3 vIOMMUs only",
			viommu->id, viommu->type);
		return -EOPNOTSUPP;
	}
	rc = iommufd_smmuv3_ste_build(dev->ctx, &ste, NULL, data, sizeof(data), &type, &len);
	if (rc)
		return rc;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = type, .data = data,
			.data_len = len);
	return iommufd_hwpt_alloc_on(dev, NULL, viommu, &opts, ret_hwpt);
}

IOMMUFD_EXPORT int iommufd_viommu_alloc_abort_hwpt(struct iommufd_viommu *viommu,
						   struct iommufd_device *dev,
						   struct iommufd_hwpt **ret_hwpt)
{
	return alloc_ste_hwpt(viommu, dev, IOMMUFD_SMMUV3_STE_ABORT, ret_hwpt);
}

IOMMUFD_EXPORT int iommufd_viommu_alloc_bypass_hwpt(struct iommufd_viommu *viommu,
						    struct iommufd_device *dev,
						    struct iommufd_hwpt **ret_hwpt)
{
	return alloc_ste_hwpt(viommu, dev, IOMMUFD_SMMUV3_STE_BYPASS, ret_hwpt);
}

IOMMUFD_EXPORT int iommufd_viommu_invalidate(struct iommufd_viommu *viommu,
					     uint32_t data_type, const void *entries,
					     size_t entry_len, uint32_t entry_num,
					     uint32_t *ret_done)
{
	if (!viommu)
		return iommufd_bad_args(__func__, "!viommu");
	return iommufd_invalidate_id(viommu->ctx, viommu->id, "vIOMMU", data_type,
				     entries, entry_len, entry_num, ret_done);
}

/* ---- SMMUv3 invalidation with the "repeat TLBI/CFGI" erratum (7.3) ------ */

#define SMMUV3_CMD_LEN IOMMUFD_INVALIDATE_ARM_SMMUV3_LEN

/* Commands [@from, @from + @n) of @cmds in one INVALIDATE; *@done: how many were handled. */
static int smmuv3_run(struct iommufd_viommu *viommu, const uint8_t *cmds, uint32_t from,
		      uint32_t n, uint32_t *done)
{
	*done = 0;
	return iommufd_invalidate_id(viommu->ctx, viommu->id, "vIOMMU",
				     IOMMUFD_INVALIDATE_ARM_SMMUV3,
				     cmds + (size_t)from * SMMUV3_CMD_LEN, SMMUV3_CMD_LEN, n, done);
}

/*
 * The kernel ends each INVALIDATE with a CMD_SYNC and repeats none of the
 * commands itself, so a run of commands the erratum covers is sent twice.
 */
IOMMUFD_EXPORT int iommufd_viommu_invalidate_smmuv3(struct iommufd_viommu *viommu,
						    const struct iommufd_smmuv3_info *hw,
						    const void *cmds, uint32_t n,
						    uint32_t *ret_done)
{
	const uint8_t *c = cmds;
	uint32_t i = 0, done = 0;
	int rc = 0;

	if (!viommu || (n && !cmds))
		return iommufd_bad_args(__func__, "!viommu || (n && !cmds)");
	if (!n)
		return iommufd_viommu_invalidate(viommu, IOMMUFD_INVALIDATE_ARM_SMMUV3, cmds,
						 SMMUV3_CMD_LEN, 0, ret_done);
	while (i < n && !rc) {
		bool twice = iommufd_smmuv3_cmd_repeats(hw, c + (size_t)i * SMMUV3_CMD_LEN);
		uint32_t end = i + 1;

		while (end < n &&
		       iommufd_smmuv3_cmd_repeats(hw, c + (size_t)end * SMMUV3_CMD_LEN) == twice)
			end++;
		rc = smmuv3_run(viommu, c, i, end - i, &done);
		if (!rc && twice)
			rc = smmuv3_run(viommu, c, i, end - i, &done);
		i += rc ? done : end - i;
	}
	if (ret_done)
		*ret_done = i;
	return rc;
}
