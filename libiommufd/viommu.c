// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Virtual IOMMUs: the guest's view of one physical IOMMU, on a nest-parent
 * HWPT. Nested HWPTs and cache invalidation can go through them.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "private.h"

/* The public vendor structs are the kernel's layouts, byte for byte. */
_Static_assert(sizeof(struct iommufd_tegra241_cmdqv_viommu_data) ==
	       sizeof(struct kabi_viommu_tegra241_cmdqv) &&
	       offsetof(struct iommufd_tegra241_cmdqv_viommu_data, out_vintf_mmap_length) ==
	       offsetof(struct kabi_viommu_tegra241_cmdqv, out_vintf_mmap_length),
	       "Tegra241 vIOMMU data layout");
_Static_assert(sizeof(struct iommufd_selftest_viommu_data) ==
	       sizeof(struct kabi_viommu_selftest) &&
	       offsetof(struct iommufd_selftest_viommu_data, out_data) ==
	       offsetof(struct kabi_viommu_selftest, out_data) &&
	       offsetof(struct iommufd_selftest_viommu_data, out_mmap_offset) ==
	       offsetof(struct kabi_viommu_selftest, out_mmap_offset) &&
	       offsetof(struct iommufd_selftest_viommu_data, out_mmap_length) ==
	       offsetof(struct kabi_viommu_selftest, out_mmap_length),
	       "selftest vIOMMU data layout");

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
	if (OPTS_GET(opts, out_data, NULL) && !len) {
		log_err(dev->ctx, "VIOMMU_ALLOC device %u: out_data without data: the kernel"
			" writes its outputs into the data it was given", dev->id);
		return -EINVAL;
	}
	return 0;
}

/*
 * The mmap region a type's output data names, when the library knows the
 * type's layout and the kernel wrote it (@len bytes of output at @out).
 */
static void record_mmap_region(struct iommufd_viommu *viommu, const void *out, size_t len)
{
	if (viommu->type == IOMMUFD_VIOMMU_TEGRA241_CMDQV &&
	    len >= sizeof(struct kabi_viommu_tegra241_cmdqv)) {
		struct kabi_viommu_tegra241_cmdqv d;

		memcpy(&d, out, sizeof(d));
		viommu->mmap_offset = d.out_vintf_mmap_offset;
		viommu->mmap_length = d.out_vintf_mmap_length;
	} else if (viommu->type == IOMMUFD_VIOMMU_SELFTEST &&
		   len >= sizeof(struct kabi_viommu_selftest)) {
		struct kabi_viommu_selftest d;

		memcpy(&d, out, sizeof(d));
		viommu->mmap_offset = d.out_mmap_offset;
		viommu->mmap_length = d.out_mmap_length;
	}
}

IOMMUFD_EXPORT int iommufd_viommu_alloc(struct iommufd_hwpt *parent,
					struct iommufd_device *dev, uint32_t type,
					const struct iommufd_viommu_opts *opts,
					struct iommufd_viommu **ret_viommu)
{
	struct kabi_viommu_alloc cmd = { .size = sizeof(cmd), .type = type };
	size_t len = OPTS_GET(opts, data_len, 0);
	const void *in = OPTS_GET(opts, data, NULL);
	void *out = OPTS_GET(opts, out_data, NULL);
	struct iommufd_viommu *viommu;
	void *buf = NULL;
	int rc;

	if (!dev || !parent || !ret_viommu)
		return bad_args(dev ? dev->ctx : parent ? parent->pt.ctx : NULL,
				"!dev || !parent || !ret_viommu");
	rc = check_viommu_args(dev, parent, type, opts);
	if (rc)
		return rc;
	viommu = calloc(1, sizeof(*viommu));
	if (!viommu)
		return log_oom(dev->ctx, "viommu_alloc", sizeof(*viommu), "the vIOMMU handle");
	/*
	 * The kernel writes its outputs back through the data pointer: it gets
	 * a private copy, so a caller's read-only input stays valid (it used to
	 * fail with EFAULT) and the outputs reach out_data only on success.
	 */
	if (len && !(buf = malloc(len))) {
		free(viommu);
		return log_oom(dev->ctx, "viommu_alloc", len,
			       "the copy of the vIOMMU data of type 0x%x", type);
	}
	if (buf && in)
		memcpy(buf, in, len);
	cmd.dev_id = dev->id;
	cmd.hwpt_id = parent->pt.id;
	cmd.data_len = (uint32_t)len;
	cmd.data_uptr = (uintptr_t)buf;
	rc = kernel_ioctl(dev->ctx->fd, KABI_IOMMU_VIOMMU_ALLOC, &cmd);
	if (rc) {
		log_cmd_err(dev->ctx, KCMD_VIOMMU_ALLOC, rc, NULL, "VIOMMU_ALLOC type 0x%x device %u",
			    type, dev->id);
		free(viommu);
		free(buf);
		return rc;
	}
	atomic_init(&viommu->refcount, 1);
	viommu->ctx = iommufd_ctx_ref(dev->ctx);
	viommu->parent = iommufd_hwpt_ref(parent);
	viommu->id = cmd.out_viommu_id;
	viommu->type = type;
	if (buf) {
		record_mmap_region(viommu, buf, len);
		if (out)
			memcpy(out, buf, len);
	}
	free(buf);
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

/* The handle's mapping goes first: while it exists the kernel keeps the vIOMMU. */
static void viommu_unmap(struct iommufd_viommu *viommu)
{
	if (viommu->map_addr)
		munmap(viommu->map_addr, (size_t)viommu->mmap_length);
	viommu->map_addr = NULL;
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
	viommu_unmap(viommu);
	if (!viommu->borrowed)
		iommufd_release_id(viommu->ctx, viommu->id, "vIOMMU");
	viommu_free(viommu);
	return NULL;
}

IOMMUFD_EXPORT int iommufd_viommu_destroy(struct iommufd_viommu *viommu)
{
	int rc;

	if (!viommu)
		return bad_args(NULL, "!viommu");
	if (viommu->map_addr) {
		/* The kernel would refuse too (EBUSY): the mapping keeps the vIOMMU. */
		log_err(viommu->ctx, "destroy of vIOMMU %u: EBUSY: its region is mapped at %p;"
			" iommufd_viommu_munmap() first", viommu->id, viommu->map_addr);
		return -EBUSY;
	}
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
		return log_oom(ctx, "viommu_new_from_id", sizeof(*viommu),
			       "the handle of vIOMMU %u", viommu_id);
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
		return bad_args(viommu ? viommu->ctx : dev ? dev->ctx : NULL,
				"!viommu || !dev || !ret_hwpt");
	if (OPTS_GET(opts, flags, 0)) {
		log_err(dev->ctx, "HWPT_ALLOC on vIOMMU %u: a nested HWPT takes no flags",
			viommu->id);
		return -EINVAL;
	}
	return iommufd_hwpt_alloc_on(dev, NULL, viommu, opts, "viommu_alloc_hwpt", ret_hwpt);
}

/*
 * An SMMUv3 STE of @config on the vIOMMU: how VMMs pre-build abort/bypass.
 * @call names the public call for log lines.
 */
static int alloc_ste_hwpt(struct iommufd_viommu *viommu, struct iommufd_device *dev,
			  uint32_t config, const char *call, struct iommufd_hwpt **ret_hwpt)
{
	LIBIOMMUFD_OPTS(iommufd_smmuv3_ste, ste, .config = config);
	uint8_t data[IOMMUFD_HWPT_DATA_ARM_SMMUV3_LEN];
	uint32_t type;
	size_t len;
	int rc;

	if (!viommu || !dev || !ret_hwpt)
		return bad_args(viommu ? viommu->ctx : dev ? dev->ctx : NULL,
				"!viommu || !dev || !ret_hwpt");
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
	return iommufd_hwpt_alloc_on(dev, NULL, viommu, &opts, call, ret_hwpt);
}

IOMMUFD_EXPORT int iommufd_viommu_alloc_abort_hwpt(struct iommufd_viommu *viommu,
						   struct iommufd_device *dev,
						   struct iommufd_hwpt **ret_hwpt)
{
	return alloc_ste_hwpt(viommu, dev, IOMMUFD_SMMUV3_STE_ABORT, "viommu_alloc_abort_hwpt",
			      ret_hwpt);
}

IOMMUFD_EXPORT int iommufd_viommu_alloc_bypass_hwpt(struct iommufd_viommu *viommu,
						    struct iommufd_device *dev,
						    struct iommufd_hwpt **ret_hwpt)
{
	return alloc_ste_hwpt(viommu, dev, IOMMUFD_SMMUV3_STE_BYPASS, "viommu_alloc_bypass_hwpt",
			      ret_hwpt);
}

IOMMUFD_EXPORT int iommufd_viommu_invalidate(struct iommufd_viommu *viommu,
					     uint32_t data_type, const void *entries,
					     size_t entry_len, uint32_t entry_num,
					     uint32_t *ret_done)
{
	if (!viommu)
		return bad_args(NULL, "!viommu");
	return iommufd_invalidate_id(viommu->ctx, viommu->id, "vIOMMU", data_type,
				     entries, entry_len, entry_num, ret_done);
}

IOMMUFD_EXPORT int iommufd_viommu_get_mmap_region(const struct iommufd_viommu *viommu,
						  uint64_t *ret_offset, uint64_t *ret_length)
{
	if (!viommu || !ret_offset || !ret_length)
		return bad_args(viommu ? viommu->ctx : NULL,
				"!viommu || !ret_offset || !ret_length");
	if (!viommu->mmap_length) {
		log_expected(viommu->ctx, "vIOMMU %u (type 0x%x): the kernel offered no region to"
			     " mmap when it was allocated (no output data, a type without"
			     " one, or a handle adopted by ID)", viommu->id, viommu->type);
		return -ENODATA;
	}
	*ret_offset = viommu->mmap_offset;
	*ret_length = viommu->mmap_length;
	return 0;
}

IOMMUFD_EXPORT int iommufd_viommu_mmap(struct iommufd_viommu *viommu, int prot,
				       void **ret_addr, size_t *ret_length)
{
	void *addr;

	if (!viommu || !ret_addr || (prot & ~(PROT_READ | PROT_WRITE)) || !prot)
		return bad_args(viommu ? viommu->ctx : NULL, !viommu || !ret_addr ?
				"!viommu || !ret_addr" :
				"prot must be PROT_READ and/or PROT_WRITE, nothing else");
	if (!viommu->mmap_length) {
		uint64_t off, len;

		return iommufd_viommu_get_mmap_region(viommu, &off, &len);
	}
	if (viommu->map_addr && viommu->map_prot != prot) {
		log_err(viommu->ctx, "vIOMMU %u: its region is mapped already with prot 0x%x",
			viommu->id, viommu->map_prot);
		return -EBUSY;
	}
	if (!viommu->map_addr) {
		if (viommu->mmap_length > SIZE_MAX || viommu->mmap_offset > INT64_MAX) {
			log_err(viommu->ctx, "vIOMMU %u: region 0x%llx+0x%llx does not fit this"
				" process", viommu->id, (unsigned long long)viommu->mmap_offset,
				(unsigned long long)viommu->mmap_length);
			return -EOVERFLOW;
		}
		addr = mmap(NULL, (size_t)viommu->mmap_length, prot, MAP_SHARED, viommu->ctx->fd,
			    (off_t)viommu->mmap_offset);
		if (addr == MAP_FAILED) {
			int rc = -errno;

			log_cmd_err(viommu->ctx, KCMD_VIOMMU_MMAP, rc, NULL,
				    "mmap of vIOMMU %u's region 0x%llx+0x%llx", viommu->id,
				    (unsigned long long)viommu->mmap_offset,
				    (unsigned long long)viommu->mmap_length);
			return rc;
		}
		viommu->map_addr = addr;
		viommu->map_prot = prot;
	}
	*ret_addr = viommu->map_addr;
	if (ret_length)
		*ret_length = (size_t)viommu->mmap_length;
	return 0;
}

IOMMUFD_EXPORT int iommufd_viommu_munmap(struct iommufd_viommu *viommu)
{
	if (!viommu)
		return bad_args(NULL, "!viommu");
	viommu_unmap(viommu);
	return 0;
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
		return bad_args(viommu ? viommu->ctx : NULL, "!viommu || (n && !cmds)");
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
