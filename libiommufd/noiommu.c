// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Devices without an IOMMU (noiommu VFIO cdevs, kernel 7.3): such a device
 * DMAs to physical addresses, so the IOAS it is attached to can only
 * record mappings (and pin their pages) and tell userspace the physical
 * address behind an IOVA. Unsafe by design: the kernel asks CAP_SYS_RAWIO.
 */
#include "private.h"

IOMMUFD_EXPORT int iommufd_ioas_noiommu_get_pa(struct iommufd_ioas *ioas, uint64_t iova,
					       uint64_t length, uint64_t *ret_phys,
					       uint64_t *ret_length)
{
	struct kabi_ioas_noiommu_get_pa cmd = {
		.size = sizeof(cmd), .iova = iova, .length = length,
	};
	int rc;

	if (!ioas || !ret_phys)
		return bad_args(ioas ? ioas->pt.ctx : NULL, "!ioas || !ret_phys");
	if (!length || iova + (length - 1) < iova) {
		log_err(ioas->pt.ctx, "NOIOMMU_GET_PA IOAS %u iova 0x%llx length 0x%llx: %s",
			ioas->pt.id, (unsigned long long)iova, (unsigned long long)length,
			!length ? "zero length" : "the range wraps around");
		return -EINVAL;
	}
	cmd.ioas_id = ioas->pt.id;
	rc = kernel_ioctl(ioas->pt.ctx->fd, KABI_IOMMU_IOAS_NOIOMMU_GET_PA, &cmd);
	if (rc) {
		log_cmd_err(ioas->pt.ctx, KCMD_NOIOMMU_GET_PA, rc, NULL,
			    "NOIOMMU_GET_PA IOAS %u iova 0x%llx", ioas->pt.id,
			    (unsigned long long)iova);
		return rc;
	}
	*ret_phys = cmd.out_phys;
	if (ret_length)
		*ret_length = cmd.length;
	return 0;
}
