/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Our own statement of the kernel ABI that libiommufd speaks.
 *
 * The build never reads the build host's kernel headers (Debian 12 ships no
 * iommufd header at all), so every struct and command number the library
 * passes to the kernel is restated here, in our names, with a compile-time
 * check on each size and field offset. The names use a kabi_/KABI_ prefix so
 * that this file can be compiled in one unit with the kernel's
 * <linux/iommufd.h> and <linux/vfio.h>: the VM test tier does exactly that to
 * prove both statements agree.
 *
 * Conventions of the iommufd ABI, as the library relies on them:
 *  - every command is _IO(';', nr): the kernel learns the struct size from
 *    its first u32 ("size" or "argsz"), not from the command number;
 *  - bytes past what a kernel knows must be zero (else E2BIG), bytes a
 *    caller does not send read as zero, so zero-filled structs work on old
 *    and new kernels alike;
 *  - all 64-bit fields are naturally aligned, so the layout is the same for
 *    32- and 64-bit userspace.
 */
#ifndef LIBIOMMUFD_UAPI_H
#define LIBIOMMUFD_UAPI_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

#define KABI_CHECK_SIZE(type, bytes) \
	_Static_assert(sizeof(struct type) == (bytes), #type " size")
#define KABI_CHECK_OFF(type, field, off) \
	_Static_assert(offsetof(struct type, field) == (off), #type "." #field " offset")

/* ---- command numbers --------------------------------------------------- */

#define KABI_IOMMUFD_MAGIC ';'
#define KABI_IOMMUFD_CMD(nr) _IO(KABI_IOMMUFD_MAGIC, (nr))

#define KABI_IOMMU_DESTROY			KABI_IOMMUFD_CMD(0x80)
#define KABI_IOMMU_IOAS_ALLOC			KABI_IOMMUFD_CMD(0x81)
#define KABI_IOMMU_IOAS_ALLOW_IOVAS		KABI_IOMMUFD_CMD(0x82)
#define KABI_IOMMU_IOAS_COPY			KABI_IOMMUFD_CMD(0x83)
#define KABI_IOMMU_IOAS_IOVA_RANGES		KABI_IOMMUFD_CMD(0x84)
#define KABI_IOMMU_IOAS_MAP			KABI_IOMMUFD_CMD(0x85)
#define KABI_IOMMU_IOAS_UNMAP			KABI_IOMMUFD_CMD(0x86)
#define KABI_IOMMU_OPTION			KABI_IOMMUFD_CMD(0x87)
#define KABI_IOMMU_VFIO_IOAS			KABI_IOMMUFD_CMD(0x88)
#define KABI_IOMMU_HWPT_ALLOC			KABI_IOMMUFD_CMD(0x89)
#define KABI_IOMMU_GET_HW_INFO			KABI_IOMMUFD_CMD(0x8a)
#define KABI_IOMMU_HWPT_SET_DIRTY_TRACKING	KABI_IOMMUFD_CMD(0x8b)
#define KABI_IOMMU_HWPT_GET_DIRTY_BITMAP	KABI_IOMMUFD_CMD(0x8c)
#define KABI_IOMMU_HWPT_INVALIDATE		KABI_IOMMUFD_CMD(0x8d)
#define KABI_IOMMU_FAULT_QUEUE_ALLOC		KABI_IOMMUFD_CMD(0x8e)
#define KABI_IOMMU_IOAS_MAP_FILE		KABI_IOMMUFD_CMD(0x8f)
#define KABI_IOMMU_VIOMMU_ALLOC			KABI_IOMMUFD_CMD(0x90)
#define KABI_IOMMU_VDEVICE_ALLOC		KABI_IOMMUFD_CMD(0x91)
#define KABI_IOMMU_IOAS_CHANGE_PROCESS		KABI_IOMMUFD_CMD(0x92)
#define KABI_IOMMU_VEVENTQ_ALLOC		KABI_IOMMUFD_CMD(0x93)
#define KABI_IOMMU_HW_QUEUE_ALLOC		KABI_IOMMUFD_CMD(0x94)
#define KABI_IOMMU_IOAS_NOIOMMU_GET_PA		KABI_IOMMUFD_CMD(0x95)

/* VFIO device cdev commands live in VFIO's number space: ';' base 100. */
#define KABI_VFIO_MAGIC ';'
#define KABI_VFIO_BASE 100
#define KABI_VFIO_DEVICE_BIND_IOMMUFD		_IO(KABI_VFIO_MAGIC, KABI_VFIO_BASE + 18)
#define KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT	_IO(KABI_VFIO_MAGIC, KABI_VFIO_BASE + 19)
#define KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT	_IO(KABI_VFIO_MAGIC, KABI_VFIO_BASE + 20)
#define KABI_VFIO_DEVICE_GET_REGION_INFO	_IO(KABI_VFIO_MAGIC, KABI_VFIO_BASE + 8)
#define KABI_VFIO_DEVICE_FEATURE		_IO(KABI_VFIO_MAGIC, KABI_VFIO_BASE + 17)

/* ---- object lifetime --------------------------------------------------- */

/* Drop the object with @id. ENOENT: no such ID; EBUSY: something uses it. */
struct kabi_destroy {
	uint32_t size;
	uint32_t id;
};
KABI_CHECK_SIZE(kabi_destroy, 8);
KABI_CHECK_OFF(kabi_destroy, id, 4);

/* ---- IO address spaces ------------------------------------------------- */

struct kabi_ioas_alloc {
	uint32_t size;
	uint32_t flags;		/* must be zero */
	uint32_t out_ioas_id;
};
KABI_CHECK_SIZE(kabi_ioas_alloc, 12);
KABI_CHECK_OFF(kabi_ioas_alloc, flags, 4);
KABI_CHECK_OFF(kabi_ioas_alloc, out_ioas_id, 8);

/* One IOVA interval; @last is the last byte inside it, not one past. */
struct kabi_iova_range {
	uint64_t start;
	uint64_t last;
};
KABI_CHECK_SIZE(kabi_iova_range, 16);
KABI_CHECK_OFF(kabi_iova_range, last, 8);

/*
 * In: room for @num_iovas ranges at @allowed_iovas. Out: the usable ranges.
 * When the array is too small the kernel fails with EMSGSIZE and still
 * writes the count it needs into @num_iovas.
 */
struct kabi_ioas_iova_ranges {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved;
	uint64_t allowed_iovas;		/* user pointer to kabi_iova_range[] */
	uint64_t out_iova_alignment;
};
KABI_CHECK_SIZE(kabi_ioas_iova_ranges, 32);
KABI_CHECK_OFF(kabi_ioas_iova_ranges, ioas_id, 4);
KABI_CHECK_OFF(kabi_ioas_iova_ranges, num_iovas, 8);
KABI_CHECK_OFF(kabi_ioas_iova_ranges, reserved, 12);
KABI_CHECK_OFF(kabi_ioas_iova_ranges, allowed_iovas, 16);
KABI_CHECK_OFF(kabi_ioas_iova_ranges, out_iova_alignment, 24);

/* Restrict the IOAS to these IOVA ranges (EADDRINUSE on a reserved overlap). */
struct kabi_ioas_allow_iovas {
	uint32_t size;
	uint32_t ioas_id;
	uint32_t num_iovas;
	uint32_t reserved;
	uint64_t allowed_iovas;
};
KABI_CHECK_SIZE(kabi_ioas_allow_iovas, 24);
KABI_CHECK_OFF(kabi_ioas_allow_iovas, ioas_id, 4);
KABI_CHECK_OFF(kabi_ioas_allow_iovas, num_iovas, 8);
KABI_CHECK_OFF(kabi_ioas_allow_iovas, allowed_iovas, 16);

/* Map flags: choose the IOVA ourselves, and the permissions of the mapping. */
#define KABI_IOAS_MAP_FIXED_IOVA	(1u << 0)
#define KABI_IOAS_MAP_WRITEABLE		(1u << 1)
#define KABI_IOAS_MAP_READABLE		(1u << 2)

/* Map user memory; @iova is an input with FIXED_IOVA, an output otherwise. */
struct kabi_ioas_map {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	uint32_t reserved;
	uint64_t user_va;
	uint64_t length;
	uint64_t iova;
};
KABI_CHECK_SIZE(kabi_ioas_map, 40);
KABI_CHECK_OFF(kabi_ioas_map, flags, 4);
KABI_CHECK_OFF(kabi_ioas_map, ioas_id, 8);
KABI_CHECK_OFF(kabi_ioas_map, reserved, 12);
KABI_CHECK_OFF(kabi_ioas_map, user_va, 16);
KABI_CHECK_OFF(kabi_ioas_map, length, 24);
KABI_CHECK_OFF(kabi_ioas_map, iova, 32);

/* Map pages of a file (memfd) instead of a user address: same flags. */
struct kabi_ioas_map_file {
	uint32_t size;
	uint32_t flags;
	uint32_t ioas_id;
	int32_t fd;
	uint64_t start;
	uint64_t length;
	uint64_t iova;
};
KABI_CHECK_SIZE(kabi_ioas_map_file, 40);
KABI_CHECK_OFF(kabi_ioas_map_file, fd, 12);
KABI_CHECK_OFF(kabi_ioas_map_file, start, 16);
KABI_CHECK_OFF(kabi_ioas_map_file, length, 24);
KABI_CHECK_OFF(kabi_ioas_map_file, iova, 32);

/*
 * noiommu IOAS (7.3, CONFIG_IOMMUFD_NOIOMMU): the physical address behind
 * @iova, for a device that DMAs without an IOMMU. In: @length is how far to
 * look (non-zero); out: how many bytes from @out_phys are physically
 * contiguous (at most the input). Needs CAP_SYS_RAWIO (EPERM); the start
 * must be mapped (ENOENT); EOPNOTSUPP when the IOAS has no noiommu domain,
 * EINVAL for a revoked dma-buf there.
 */
struct kabi_ioas_noiommu_get_pa {
	uint32_t size;
	uint32_t flags;		/* zero */
	uint32_t ioas_id;
	uint32_t reserved;
	uint64_t iova;
	uint64_t length;
	uint64_t out_phys;
};
KABI_CHECK_SIZE(kabi_ioas_noiommu_get_pa, 40);
KABI_CHECK_OFF(kabi_ioas_noiommu_get_pa, flags, 4);
KABI_CHECK_OFF(kabi_ioas_noiommu_get_pa, ioas_id, 8);
KABI_CHECK_OFF(kabi_ioas_noiommu_get_pa, reserved, 12);
KABI_CHECK_OFF(kabi_ioas_noiommu_get_pa, iova, 16);
KABI_CHECK_OFF(kabi_ioas_noiommu_get_pa, length, 24);
KABI_CHECK_OFF(kabi_ioas_noiommu_get_pa, out_phys, 32);

/* Map, into @dst_ioas_id, pages already mapped in @src_ioas_id. */
struct kabi_ioas_copy {
	uint32_t size;
	uint32_t flags;
	uint32_t dst_ioas_id;
	uint32_t src_ioas_id;
	uint64_t length;
	uint64_t dst_iova;
	uint64_t src_iova;
};
KABI_CHECK_SIZE(kabi_ioas_copy, 40);
KABI_CHECK_OFF(kabi_ioas_copy, dst_ioas_id, 8);
KABI_CHECK_OFF(kabi_ioas_copy, src_ioas_id, 12);
KABI_CHECK_OFF(kabi_ioas_copy, length, 16);
KABI_CHECK_OFF(kabi_ioas_copy, dst_iova, 24);
KABI_CHECK_OFF(kabi_ioas_copy, src_iova, 32);

/*
 * Unmap whole mappings inside [iova, iova + length); the kernel writes the
 * number of bytes it unmapped back into @length. iova 0 with length
 * UINT64_MAX means "everything". A range that cuts a mapping is ENOENT.
 */
struct kabi_ioas_unmap {
	uint32_t size;
	uint32_t ioas_id;
	uint64_t iova;
	uint64_t length;
};
KABI_CHECK_SIZE(kabi_ioas_unmap, 24);
KABI_CHECK_OFF(kabi_ioas_unmap, ioas_id, 4);
KABI_CHECK_OFF(kabi_ioas_unmap, iova, 8);
KABI_CHECK_OFF(kabi_ioas_unmap, length, 16);

/* Get or set an option, globally (@object_id 0) or on one object. */
#define KABI_OPTION_RLIMIT_MODE	0
#define KABI_OPTION_HUGE_PAGES	1
#define KABI_OPTION_OP_SET	0
#define KABI_OPTION_OP_GET	1
struct kabi_option {
	uint32_t size;
	uint32_t option_id;
	uint16_t op;
	uint16_t reserved;
	uint32_t object_id;
	uint64_t val64;
};
KABI_CHECK_SIZE(kabi_option, 24);
KABI_CHECK_OFF(kabi_option, option_id, 4);
KABI_CHECK_OFF(kabi_option, op, 8);
KABI_CHECK_OFF(kabi_option, reserved, 10);
KABI_CHECK_OFF(kabi_option, object_id, 12);
KABI_CHECK_OFF(kabi_option, val64, 16);

/* The IOAS that the legacy VFIO container interface uses. */
#define KABI_VFIO_IOAS_GET	0
#define KABI_VFIO_IOAS_SET	1
#define KABI_VFIO_IOAS_CLEAR	2
struct kabi_vfio_ioas {
	uint32_t size;
	uint32_t ioas_id;
	uint16_t op;
	uint16_t reserved;
};
KABI_CHECK_SIZE(kabi_vfio_ioas, 12);
KABI_CHECK_OFF(kabi_vfio_ioas, ioas_id, 4);
KABI_CHECK_OFF(kabi_vfio_ioas, op, 8);

/* Transfer the page accounting of MAP_FILE mappings to the calling process. */
struct kabi_ioas_change_process {
	uint32_t size;
	uint32_t reserved;
};
KABI_CHECK_SIZE(kabi_ioas_change_process, 8);

/* ---- hardware page tables ---------------------------------------------- */

#define KABI_HWPT_ALLOC_NEST_PARENT	(1u << 0)
#define KABI_HWPT_ALLOC_DIRTY_TRACKING	(1u << 1)
#define KABI_HWPT_FAULT_ID_VALID	(1u << 2)
#define KABI_HWPT_ALLOC_PASID		(1u << 3)

/* Which vendor layout the @data of a nested HWPT follows. */
#define KABI_HWPT_DATA_NONE		0
#define KABI_HWPT_DATA_VTD_S1		1
#define KABI_HWPT_DATA_ARM_SMMUV3	2
#define KABI_HWPT_DATA_AMD_GUEST	3
#define KABI_HWPT_DATA_SELFTEST		0xdead

/*
 * Allocate a HWPT for device @dev_id on @pt_id: an IOAS gives a paging HWPT,
 * a nest-parent HWPT or a vIOMMU gives a nested one (described by @data).
 * The first 24 bytes are all a 6.6 kernel knows; data fields came in 6.7,
 * fault_id in 6.11.
 */
struct kabi_hwpt_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pt_id;
	uint32_t out_hwpt_id;
	uint32_t reserved;
	uint32_t data_type;
	uint32_t data_len;
	uint64_t data_uptr;
	uint32_t fault_id;
	uint32_t reserved2;
};
KABI_CHECK_SIZE(kabi_hwpt_alloc, 48);
KABI_CHECK_OFF(kabi_hwpt_alloc, flags, 4);
KABI_CHECK_OFF(kabi_hwpt_alloc, dev_id, 8);
KABI_CHECK_OFF(kabi_hwpt_alloc, pt_id, 12);
KABI_CHECK_OFF(kabi_hwpt_alloc, out_hwpt_id, 16);
KABI_CHECK_OFF(kabi_hwpt_alloc, reserved, 20);
KABI_CHECK_OFF(kabi_hwpt_alloc, data_type, 24);
KABI_CHECK_OFF(kabi_hwpt_alloc, data_len, 28);
KABI_CHECK_OFF(kabi_hwpt_alloc, data_uptr, 32);
KABI_CHECK_OFF(kabi_hwpt_alloc, fault_id, 40);
KABI_CHECK_OFF(kabi_hwpt_alloc, reserved2, 44);
#define KABI_HWPT_ALLOC_SIZE_V1 24	/* what 6.6 accepts */

/* ---- IOMMU hardware information ---------------------------------------- */

#define KABI_HW_INFO_FLAG_INPUT_TYPE	(1u << 0)

#define KABI_HW_INFO_TYPE_NONE		0
#define KABI_HW_INFO_TYPE_INTEL_VTD	1
#define KABI_HW_INFO_TYPE_ARM_SMMUV3	2
#define KABI_HW_INFO_TYPE_TEGRA241_CMDQV	3
#define KABI_HW_INFO_TYPE_AMD		4
#define KABI_HW_INFO_TYPE_SELFTEST	0xfeedbeef

#define KABI_HW_CAP_DIRTY_TRACKING	(1ull << 0)
#define KABI_HW_CAP_PCI_PASID_EXEC	(1ull << 1)
#define KABI_HW_CAP_PCI_PASID_PRIV	(1ull << 2)
#define KABI_HW_CAP_PCI_ATS_NOT_SUPPORTED	(1ull << 3)

/*
 * Ask what IOMMU serves @dev_id. @data_len is in/out: the room at
 * @data_uptr on input, the length of the vendor record on output.
 * @out_max_pasid_log2 and the three bytes after it were one reserved u32
 * when the command came (6.6), so kernels without the field leave it zero;
 * 7.x fills it, and so does the 6.12 stable series the VM tier boots
 * (6.12.117 has it backported). The struct grew to 40 bytes in 6.7
 * (capabilities).
 */
struct kabi_hw_info {
	uint32_t size;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t data_len;
	uint64_t data_uptr;
	uint32_t out_data_type;
	uint8_t out_max_pasid_log2;
	uint8_t reserved[3];
	uint64_t out_capabilities;
};
KABI_CHECK_SIZE(kabi_hw_info, 40);
KABI_CHECK_OFF(kabi_hw_info, flags, 4);
KABI_CHECK_OFF(kabi_hw_info, dev_id, 8);
KABI_CHECK_OFF(kabi_hw_info, data_len, 12);
KABI_CHECK_OFF(kabi_hw_info, data_uptr, 16);
KABI_CHECK_OFF(kabi_hw_info, out_data_type, 24);
KABI_CHECK_OFF(kabi_hw_info, out_max_pasid_log2, 28);
KABI_CHECK_OFF(kabi_hw_info, reserved, 29);
KABI_CHECK_OFF(kabi_hw_info, out_capabilities, 32);

/* ---- VFIO device cdev -------------------------------------------------- */

/*
 * Bind the device to an iommufd; the kernel returns the device's ID in that
 * iommufd. 16 bytes up to 6.16; 6.17 appended a token pointer used only with
 * the TOKEN flag, so the library sends 16 bytes.
 */
struct kabi_vfio_bind_iommufd {
	uint32_t argsz;
	uint32_t flags;
	int32_t iommufd;
	uint32_t out_devid;
	uint64_t token_uuid_ptr;
};
KABI_CHECK_SIZE(kabi_vfio_bind_iommufd, 24);
KABI_CHECK_OFF(kabi_vfio_bind_iommufd, flags, 4);
KABI_CHECK_OFF(kabi_vfio_bind_iommufd, iommufd, 8);
KABI_CHECK_OFF(kabi_vfio_bind_iommufd, out_devid, 12);
KABI_CHECK_OFF(kabi_vfio_bind_iommufd, token_uuid_ptr, 16);
#define KABI_VFIO_BIND_SIZE_V1 16
#define KABI_VFIO_BIND_FLAG_TOKEN (1u << 0)

#define KABI_VFIO_DEVICE_PASID	(1u << 0)	/* attach/detach flag */

/*
 * Attach (or, when already attached, replace) the device's page table:
 * @pt_id is an IOAS or a HWPT; the kernel writes back the HWPT it used.
 * 12 bytes up to 6.14; 6.15 appended @pasid, read only with the PASID flag.
 */
struct kabi_vfio_attach_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pt_id;
	uint32_t pasid;
};
KABI_CHECK_SIZE(kabi_vfio_attach_pt, 16);
KABI_CHECK_OFF(kabi_vfio_attach_pt, flags, 4);
KABI_CHECK_OFF(kabi_vfio_attach_pt, pt_id, 8);
KABI_CHECK_OFF(kabi_vfio_attach_pt, pasid, 12);
#define KABI_VFIO_ATTACH_SIZE_V1 12

/* Detach: 8 bytes up to 6.14; @pasid appended in 6.15 as above. */
struct kabi_vfio_detach_pt {
	uint32_t argsz;
	uint32_t flags;
	uint32_t pasid;
};
KABI_CHECK_SIZE(kabi_vfio_detach_pt, 12);
KABI_CHECK_OFF(kabi_vfio_detach_pt, flags, 4);
KABI_CHECK_OFF(kabi_vfio_detach_pt, pasid, 8);
#define KABI_VFIO_DETACH_SIZE_V1 8

/*
 * VFIO device features: a header, then the feature's own struct. GET with
 * PROBE only asks whether the feature exists (0, or ENOTTY/EOPNOTSUPP).
 */
#define KABI_VFIO_DEVICE_FEATURE_MASK	0xffffu
#define KABI_VFIO_DEVICE_FEATURE_GET	(1u << 16)
#define KABI_VFIO_DEVICE_FEATURE_PROBE	(1u << 18)
#define KABI_VFIO_DEVICE_FEATURE_DMA_BUF	11
struct kabi_vfio_device_feature {
	uint32_t argsz;
	uint32_t flags;		/* feature index | GET/SET/PROBE */
};
KABI_CHECK_SIZE(kabi_vfio_device_feature, 8);
KABI_CHECK_OFF(kabi_vfio_device_feature, flags, 4);

/*
 * DMA_BUF (6.19): export ranges of a BAR (@region_index 0-5) as a dma-buf;
 * the ioctl returns its fd. Offsets and lengths are page multiples inside
 * the BAR (EINVAL), a BAR the driver did not claim is ENODEV. The kernel
 * revokes the buffer while the device's memory decode is off or during a
 * reset: importers (iommufd) drop their mappings, a new import fails with
 * ENODEV until decode is on again.
 */
struct kabi_vfio_region_dma_range {
	uint64_t offset;
	uint64_t length;
};
KABI_CHECK_SIZE(kabi_vfio_region_dma_range, 16);
KABI_CHECK_OFF(kabi_vfio_region_dma_range, length, 8);

struct kabi_vfio_device_feature_dma_buf {
	uint32_t region_index;
	uint32_t open_flags;	/* O_RDWR, O_CLOEXEC... of the new fd */
	uint32_t flags;		/* zero */
	uint32_t nr_ranges;	/* kabi_vfio_region_dma_range[] follow */
};
KABI_CHECK_SIZE(kabi_vfio_device_feature_dma_buf, 16);
KABI_CHECK_OFF(kabi_vfio_device_feature_dma_buf, open_flags, 4);
KABI_CHECK_OFF(kabi_vfio_device_feature_dma_buf, flags, 8);
KABI_CHECK_OFF(kabi_vfio_device_feature_dma_buf, nr_ranges, 12);

/* Where a region of the device fd lives (config space: index 7). */
#define KABI_VFIO_PCI_CONFIG_REGION_INDEX	7
#define KABI_PCI_COMMAND			0x04
#define KABI_PCI_COMMAND_MEMORY			0x2	/* memory space decode */
struct kabi_vfio_region_info {
	uint32_t argsz;
	uint32_t flags;
	uint32_t index;
	uint32_t cap_offset;
	uint64_t size;
	uint64_t offset;	/* of the region in the device fd */
};
KABI_CHECK_SIZE(kabi_vfio_region_info, 32);
KABI_CHECK_OFF(kabi_vfio_region_info, index, 8);
KABI_CHECK_OFF(kabi_vfio_region_info, size, 16);
KABI_CHECK_OFF(kabi_vfio_region_info, offset, 24);

/* ---- vendor data ------------------------------------------------------- */

/*
 * Vendor records of GET_HW_INFO. The kernel writes them in host byte order
 * (plain u32/u64); they have kept their size since they first appeared, so a
 * shorter record than these is a truncated copy, never an older layout.
 */

/* VT-d (6.6): the raw capability and extended capability registers. */
#define KABI_HW_INFO_VTD_ERRATA_772415_SPR17	(1u << 0)	/* no read-only nest parent maps */
struct kabi_hw_info_vtd {
	uint32_t flags;
	uint32_t reserved;
	uint64_t cap_reg;	/* VT-d spec 11.4.2 */
	uint64_t ecap_reg;	/* VT-d spec 11.4.3 */
};
KABI_CHECK_SIZE(kabi_hw_info_vtd, 24);
KABI_CHECK_OFF(kabi_hw_info_vtd, reserved, 4);
KABI_CHECK_OFF(kabi_hw_info_vtd, cap_reg, 8);
KABI_CHECK_OFF(kabi_hw_info_vtd, ecap_reg, 16);

/*
 * SMMUv3 (6.13): SMMU_IDR0..5, SMMU_IIDR and SMMU_AIDR as read from MMIO.
 * @flags was zero until 7.3 gave it bit 0: an SMMU with the erratum that
 * needs every batch of TLBI and CFGI commands, with the CMD_SYNC that ends
 * it, issued a second time. The kernel repeats its own; it does not repeat
 * the commands userspace sends through a vIOMMU (each INVALIDATE is one
 * batch and one sync) or writes to a HW queue: userspace must.
 */
#define KABI_HW_INFO_SMMUV3_REPEAT_TLBI_CFGI	(1u << 0)
struct kabi_hw_info_arm_smmuv3 {
	uint32_t flags;
	uint32_t reserved;
	uint32_t idr[6];
	uint32_t iidr;
	uint32_t aidr;
};
KABI_CHECK_SIZE(kabi_hw_info_arm_smmuv3, 40);
KABI_CHECK_OFF(kabi_hw_info_arm_smmuv3, reserved, 4);
KABI_CHECK_OFF(kabi_hw_info_arm_smmuv3, idr, 8);
KABI_CHECK_OFF(kabi_hw_info_arm_smmuv3, iidr, 32);
KABI_CHECK_OFF(kabi_hw_info_arm_smmuv3, aidr, 36);

/*
 * NVIDIA Tegra241 CMDQV (6.17), an SMMUv3 extension reported only when
 * asked for by type: fields of its PARAM register.
 */
struct kabi_hw_info_tegra241_cmdqv {
	uint32_t flags;		/* zero */
	uint8_t version;	/* PARAM[3:0] */
	uint8_t log2vcmdqs;	/* PARAM[7:4] */
	uint8_t log2vsids;	/* PARAM[15:12] */
	uint8_t reserved;
};
KABI_CHECK_SIZE(kabi_hw_info_tegra241_cmdqv, 8);
KABI_CHECK_OFF(kabi_hw_info_tegra241_cmdqv, version, 4);
KABI_CHECK_OFF(kabi_hw_info_tegra241_cmdqv, log2vcmdqs, 5);
KABI_CHECK_OFF(kabi_hw_info_tegra241_cmdqv, log2vsids, 6);
KABI_CHECK_OFF(kabi_hw_info_tegra241_cmdqv, reserved, 7);

/* AMD (7.0): the raw Extended Feature registers (MMIO 0030h and 01A0h). */
struct kabi_hw_info_amd {
	uint64_t efr;
	uint64_t efr2;
};
KABI_CHECK_SIZE(kabi_hw_info_amd, 16);
KABI_CHECK_OFF(kabi_hw_info_amd, efr2, 8);

/* The selftest mock IOMMU: test_reg reads KABI_TEST_HW_INFO_REGVAL. */
#define KABI_TEST_HW_INFO_REGVAL	0xdeadbeefu
struct kabi_hw_info_selftest {
	uint32_t flags;
	uint32_t test_reg;
};
KABI_CHECK_SIZE(kabi_hw_info_selftest, 8);
KABI_CHECK_OFF(kabi_hw_info_selftest, test_reg, 4);

/*
 * Nested HWPT data (@data of kabi_hwpt_alloc, type KABI_HWPT_DATA_*).
 * VT-d stage-1 (6.7): the guest's first-stage table; the kernel refuses
 * unknown @flags bits and non-zero @reserved.
 */
#define KABI_VTD_S1_SRE		(1ull << 0)	/* supervisor requests */
#define KABI_VTD_S1_EAFE	(1ull << 1)	/* extended accessed flag */
#define KABI_VTD_S1_WPE		(1ull << 2)	/* write protect (with SRE) */
struct kabi_hwpt_vtd_s1 {
	uint64_t flags;
	uint64_t pgtbl_addr;
	uint32_t addr_width;	/* 48 or 57 */
	uint32_t reserved;
};
KABI_CHECK_SIZE(kabi_hwpt_vtd_s1, 24);
KABI_CHECK_OFF(kabi_hwpt_vtd_s1, pgtbl_addr, 8);
KABI_CHECK_OFF(kabi_hwpt_vtd_s1, addr_width, 16);
KABI_CHECK_OFF(kabi_hwpt_vtd_s1, reserved, 20);

/*
 * SMMUv3 (6.13): the first two 64-bit words of the guest's STE, little
 * endian. Bits outside the few the kernel takes make it fail with EIO.
 */
struct kabi_hwpt_arm_smmuv3 {
	uint64_t ste[2];
};
KABI_CHECK_SIZE(kabi_hwpt_arm_smmuv3, 16);

/*
 * AMD: the guest's 256-bit device table entry, host byte order. The type
 * is defined, but the driver of 7.0 to 7.3 allocates no nested HWPT with it.
 */
struct kabi_hwpt_amd_guest {
	uint64_t dte[4];
};
KABI_CHECK_SIZE(kabi_hwpt_amd_guest, 32);

/*
 * Selftest mock IOMMU: the value every mock IOTLB entry of the nested HWPT
 * starts with. 7.x appended @pagetable_type (read for paging HWPTs only);
 * sending the first 4 bytes works on every kernel.
 */
#define KABI_TEST_IOTLB_DEFAULT		0xbadbeefu
struct kabi_hwpt_selftest {
	uint32_t iotlb;
	uint32_t pagetable_type;
};
KABI_CHECK_SIZE(kabi_hwpt_selftest, 8);
KABI_CHECK_OFF(kabi_hwpt_selftest, pagetable_type, 4);
#define KABI_HWPT_SELFTEST_SIZE_V1 4

/* Invalidation entries (IOMMU_HWPT_INVALIDATE), one data type per array. */
#define KABI_HWPT_INVALIDATE_DATA_VTD_S1	0	/* on a nested HWPT */
#define KABI_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3	1	/* on a vIOMMU */
#define KABI_INVALIDATE_DATA_SELFTEST		0xdeadbeefu	/* both */

/*
 * VT-d stage-1: @npages 4 KiB pages from @addr; addr 0 with npages
 * UINT64_MAX means everything. Unknown flags: EOPNOTSUPP; a misaligned
 * @addr, or UINT64_MAX pages from a non-zero @addr: EINVAL.
 */
#define KABI_VTD_INV_FLAGS_LEAF	(1u << 0)	/* leaf entries only */
struct kabi_hwpt_vtd_s1_invalidate {
	uint64_t addr;
	uint64_t npages;
	uint32_t flags;
	uint32_t reserved;
};
KABI_CHECK_SIZE(kabi_hwpt_vtd_s1_invalidate, 24);
KABI_CHECK_OFF(kabi_hwpt_vtd_s1_invalidate, npages, 8);
KABI_CHECK_OFF(kabi_hwpt_vtd_s1_invalidate, flags, 16);
KABI_CHECK_OFF(kabi_hwpt_vtd_s1_invalidate, reserved, 20);

/*
 * SMMUv3: one 128-bit command-queue entry, little endian. The kernel takes
 * the TLBI_NH_*, TLBI_NSNH_ALL, ATC_INV and CFGI_CD(_ALL) opcodes (EIO for
 * any other), puts its own VMID in, and turns the guest's StreamID into the
 * physical one through the vDEVICE table.
 */
struct kabi_viommu_arm_smmuv3_invalidate {
	uint64_t cmd[2];
};
KABI_CHECK_SIZE(kabi_viommu_arm_smmuv3_invalidate, 16);

/*
 * Selftest: clear one mock IOTLB entry of a nested HWPT (@iotlb_id up to
 * KABI_TEST_IOTLB_ID_MAX) or, with FLAG_ALL, all of them (6.8); on a
 * vIOMMU, one cache entry of a vDEVICE (after 6.12). Unknown flags: EOPNOTSUPP;
 * an ID past the maximum: EINVAL.
 */
#define KABI_TEST_INVALIDATE_FLAG_ALL	(1u << 0)
#define KABI_TEST_IOTLB_ID_MAX		3
#define KABI_TEST_DEV_CACHE_ID_MAX	3
struct kabi_hwpt_invalidate_selftest {
	uint32_t flags;
	uint32_t iotlb_id;
};
KABI_CHECK_SIZE(kabi_hwpt_invalidate_selftest, 8);
KABI_CHECK_OFF(kabi_hwpt_invalidate_selftest, iotlb_id, 4);

struct kabi_viommu_invalidate_selftest {
	uint32_t flags;
	uint32_t vdev_id;
	uint32_t cache_id;
};
KABI_CHECK_SIZE(kabi_viommu_invalidate_selftest, 12);
KABI_CHECK_OFF(kabi_viommu_invalidate_selftest, vdev_id, 4);
KABI_CHECK_OFF(kabi_viommu_invalidate_selftest, cache_id, 8);

/* ---- nested translation: invalidation, vIOMMU, vDevice ----------------- */

/*
 * Invalidate caches of a nested HWPT or a vIOMMU (@hwpt_id names either):
 * @entry_num entries of @entry_len bytes in the vendor's layout. The kernel
 * writes back how many it handled, also when it fails part-way; 0 entries
 * only asks whether the object supports invalidation at all.
 */
struct kabi_hwpt_invalidate {
	uint32_t size;
	uint32_t hwpt_id;
	uint64_t data_uptr;
	uint32_t data_type;
	uint32_t entry_len;
	uint32_t entry_num;
	uint32_t reserved;
};
KABI_CHECK_SIZE(kabi_hwpt_invalidate, 32);
KABI_CHECK_OFF(kabi_hwpt_invalidate, hwpt_id, 4);
KABI_CHECK_OFF(kabi_hwpt_invalidate, data_uptr, 8);
KABI_CHECK_OFF(kabi_hwpt_invalidate, data_type, 16);
KABI_CHECK_OFF(kabi_hwpt_invalidate, entry_len, 20);
KABI_CHECK_OFF(kabi_hwpt_invalidate, entry_num, 24);
KABI_CHECK_OFF(kabi_hwpt_invalidate, reserved, 28);

#define KABI_VIOMMU_TYPE_DEFAULT		0
#define KABI_VIOMMU_TYPE_ARM_SMMUV3		1
#define KABI_VIOMMU_TYPE_TEGRA241_CMDQV		2
#define KABI_VIOMMU_TYPE_SELFTEST		0xdeadbeef

/*
 * A virtual IOMMU instance of @type for the physical IOMMU of @dev_id, on
 * the nest-parent HWPT @hwpt_id (its stage 2). Type-specific data came in
 * 6.17; the first 24 bytes are what 6.13 knows.
 */
struct kabi_viommu_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t type;
	uint32_t dev_id;
	uint32_t hwpt_id;
	uint32_t out_viommu_id;
	uint32_t data_len;
	uint32_t reserved;
	uint64_t data_uptr;
};
KABI_CHECK_SIZE(kabi_viommu_alloc, 40);
KABI_CHECK_OFF(kabi_viommu_alloc, flags, 4);
KABI_CHECK_OFF(kabi_viommu_alloc, type, 8);
KABI_CHECK_OFF(kabi_viommu_alloc, dev_id, 12);
KABI_CHECK_OFF(kabi_viommu_alloc, hwpt_id, 16);
KABI_CHECK_OFF(kabi_viommu_alloc, out_viommu_id, 20);
KABI_CHECK_OFF(kabi_viommu_alloc, data_len, 24);
KABI_CHECK_OFF(kabi_viommu_alloc, reserved, 28);
KABI_CHECK_OFF(kabi_viommu_alloc, data_uptr, 32);

/*
 * Type-specific vIOMMU data is read and written by the kernel through the
 * same pointer: input fields first, then the outputs the driver fills in
 * (6.17). An @out_mmap_offset/@out_mmap_length pair names a region of the
 * iommufd itself that userspace may mmap (shared, never executable; exactly
 * that offset and length), which keeps the vIOMMU busy while mapped.
 */
struct kabi_viommu_tegra241_cmdqv {
	uint64_t out_vintf_mmap_offset;	/* VINTF page 0 */
	uint64_t out_vintf_mmap_length;
};
KABI_CHECK_SIZE(kabi_viommu_tegra241_cmdqv, 16);
KABI_CHECK_OFF(kabi_viommu_tegra241_cmdqv, out_vintf_mmap_length, 8);

/* The selftest vIOMMU echoes @in_data into @out_data and into its page. */
struct kabi_viommu_selftest {
	uint32_t in_data;
	uint32_t out_data;
	uint64_t out_mmap_offset;
	uint64_t out_mmap_length;
};
KABI_CHECK_SIZE(kabi_viommu_selftest, 24);
KABI_CHECK_OFF(kabi_viommu_selftest, out_data, 4);
KABI_CHECK_OFF(kabi_viommu_selftest, out_mmap_offset, 8);
KABI_CHECK_OFF(kabi_viommu_selftest, out_mmap_length, 16);

/* The device as the guest sees it behind the vIOMMU: @virt_id (vSID, vRID). */
struct kabi_vdevice_alloc {
	uint32_t size;
	uint32_t viommu_id;
	uint32_t dev_id;
	uint32_t out_vdevice_id;
	uint64_t virt_id;
};
KABI_CHECK_SIZE(kabi_vdevice_alloc, 24);
KABI_CHECK_OFF(kabi_vdevice_alloc, viommu_id, 4);
KABI_CHECK_OFF(kabi_vdevice_alloc, dev_id, 8);
KABI_CHECK_OFF(kabi_vdevice_alloc, out_vdevice_id, 12);
KABI_CHECK_OFF(kabi_vdevice_alloc, virt_id, 16);

/* ---- dirty tracking ----------------------------------------------------- */

#define KABI_HWPT_DIRTY_TRACKING_ENABLE		(1u << 0)
#define KABI_HWPT_GET_DIRTY_BITMAP_NO_CLEAR	(1u << 0)

struct kabi_hwpt_set_dirty_tracking {
	uint32_t size;
	uint32_t flags;
	uint32_t hwpt_id;
	uint32_t reserved;
};
KABI_CHECK_SIZE(kabi_hwpt_set_dirty_tracking, 16);
KABI_CHECK_OFF(kabi_hwpt_set_dirty_tracking, flags, 4);
KABI_CHECK_OFF(kabi_hwpt_set_dirty_tracking, hwpt_id, 8);

/*
 * Copy the dirty bits of [iova, iova + length) into the bitmap at @data, one
 * bit per @page_size bytes (bit i: iova + i * page_size), clearing them in
 * the IOMMU unless NO_CLEAR.
 */
struct kabi_hwpt_get_dirty_bitmap {
	uint32_t size;
	uint32_t hwpt_id;
	uint32_t flags;
	uint32_t reserved;
	uint64_t iova;
	uint64_t length;
	uint64_t page_size;
	uint64_t data;
};
KABI_CHECK_SIZE(kabi_hwpt_get_dirty_bitmap, 48);
KABI_CHECK_OFF(kabi_hwpt_get_dirty_bitmap, hwpt_id, 4);
KABI_CHECK_OFF(kabi_hwpt_get_dirty_bitmap, flags, 8);
KABI_CHECK_OFF(kabi_hwpt_get_dirty_bitmap, iova, 16);
KABI_CHECK_OFF(kabi_hwpt_get_dirty_bitmap, length, 24);
KABI_CHECK_OFF(kabi_hwpt_get_dirty_bitmap, page_size, 32);
KABI_CHECK_OFF(kabi_hwpt_get_dirty_bitmap, data, 40);

/* ---- I/O page fault queues ---------------------------------------------- */

struct kabi_fault_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t out_fault_id;
	uint32_t out_fault_fd;
};
KABI_CHECK_SIZE(kabi_fault_alloc, 16);
KABI_CHECK_OFF(kabi_fault_alloc, out_fault_id, 8);
KABI_CHECK_OFF(kabi_fault_alloc, out_fault_fd, 12);

#define KABI_PGFAULT_FLAGS_PASID_VALID	(1u << 0)
#define KABI_PGFAULT_FLAGS_LAST_PAGE	(1u << 1)
#define KABI_PGFAULT_PERM_READ		(1u << 0)
#define KABI_PGFAULT_PERM_WRITE		(1u << 1)
#define KABI_PGFAULT_PERM_EXEC		(1u << 2)
#define KABI_PGFAULT_PERM_PRIV		(1u << 3)

/*
 * One record read() from a fault queue fd. The kernel hands out whole groups
 * (the last record of a group has LAST_PAGE); all records of a group carry
 * the group's @cookie, which the response names.
 */
struct kabi_pgfault {
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pasid;
	uint32_t grpid;
	uint32_t perm;
	uint32_t reserved;
	uint64_t addr;
	uint32_t length;
	uint32_t cookie;
};
KABI_CHECK_SIZE(kabi_pgfault, 40);
KABI_CHECK_OFF(kabi_pgfault, dev_id, 4);
KABI_CHECK_OFF(kabi_pgfault, pasid, 8);
KABI_CHECK_OFF(kabi_pgfault, grpid, 12);
KABI_CHECK_OFF(kabi_pgfault, perm, 16);
KABI_CHECK_OFF(kabi_pgfault, addr, 24);
KABI_CHECK_OFF(kabi_pgfault, length, 32);
KABI_CHECK_OFF(kabi_pgfault, cookie, 36);

#define KABI_PAGE_RESP_SUCCESS	0
#define KABI_PAGE_RESP_INVALID	1

/* written to a fault queue fd to complete the group with @cookie */
struct kabi_page_response {
	uint32_t cookie;
	uint32_t code;
};
KABI_CHECK_SIZE(kabi_page_response, 8);
KABI_CHECK_OFF(kabi_page_response, code, 4);

/* ---- vIOMMU event queues ------------------------------------------------ */

#define KABI_VEVENTQ_TYPE_ARM_SMMUV3		1
#define KABI_VEVENTQ_TYPE_TEGRA241_CMDQV	2
#define KABI_VEVENTQ_TYPE_SELFTEST		0xbeefbeef
#define KABI_VEVENTQ_FLAG_LOST_EVENTS		(1u << 0)

struct kabi_veventq_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t viommu_id;
	uint32_t type;
	uint32_t veventq_depth;
	uint32_t out_veventq_id;
	uint32_t out_veventq_fd;
	uint32_t reserved;
};
KABI_CHECK_SIZE(kabi_veventq_alloc, 32);
KABI_CHECK_OFF(kabi_veventq_alloc, viommu_id, 8);
KABI_CHECK_OFF(kabi_veventq_alloc, type, 12);
KABI_CHECK_OFF(kabi_veventq_alloc, veventq_depth, 16);
KABI_CHECK_OFF(kabi_veventq_alloc, out_veventq_id, 20);
KABI_CHECK_OFF(kabi_veventq_alloc, out_veventq_fd, 24);

/*
 * Every record read() from a vEVENTQ fd starts with this; the type's record
 * follows, except after a LOST_EVENTS header, which stands alone at the tail.
 * @sequence counts 0..INT_MAX and wraps to 0; a jump means lost events.
 */
struct kabi_vevent_header {
	uint32_t flags;
	uint32_t sequence;
};
KABI_CHECK_SIZE(kabi_vevent_header, 8);
KABI_CHECK_OFF(kabi_vevent_header, sequence, 4);

/* Record sizes of the vEVENT types. */
#define KABI_VEVENT_ARM_SMMUV3_LEN	32	/* evt[4], little-endian u64 */
#define KABI_VEVENT_TEGRA241_CMDQV_LEN	16	/* lvcmdq_err_map[2] */
#define KABI_VEVENT_SELFTEST_LEN	4	/* virt_id */

/* ---- HW queues ------------------------------------------------------------ */

/*
 * A Tegra241 virtual command queue holds 16-byte SMMUv3 commands: its
 * length is a power of two from 32 bytes to 2^(IDR1.CMDQS + 4) bytes, the
 * SMMU's own command queue limit (7.3 checks it; EINVAL otherwise).
 */
#define KABI_HW_QUEUE_TYPE_TEGRA241_CMDQV	1
#define KABI_TEGRA241_VCMDQ_MIN_LEN		32
#define KABI_SMMUV3_CMD_LOG2			4	/* 16-byte commands */
#define KABI_HW_QUEUE_TYPE_SELFTEST		0xdeadbeef

struct kabi_hw_queue_alloc {
	uint32_t size;
	uint32_t flags;
	uint32_t viommu_id;
	uint32_t type;
	uint32_t index;
	uint32_t out_hw_queue_id;
	uint64_t nesting_parent_iova;
	uint64_t length;
};
KABI_CHECK_SIZE(kabi_hw_queue_alloc, 40);
KABI_CHECK_OFF(kabi_hw_queue_alloc, viommu_id, 8);
KABI_CHECK_OFF(kabi_hw_queue_alloc, type, 12);
KABI_CHECK_OFF(kabi_hw_queue_alloc, index, 16);
KABI_CHECK_OFF(kabi_hw_queue_alloc, out_hw_queue_id, 20);
KABI_CHECK_OFF(kabi_hw_queue_alloc, nesting_parent_iova, 24);
KABI_CHECK_OFF(kabi_hw_queue_alloc, length, 32);

/* ---- process credentials (for explanations, not commands) ------------- */

/*
 * capget(2) with the 64-bit interface (version 3, two 32-bit words per
 * set; pid 0 is the calling thread). The kernel's iommufd decides at map
 * time whether pinned pages are charged against RLIMIT_MEMLOCK: not when
 * the mapping thread holds CAP_IPC_LOCK in the initial user namespace.
 */
#define KABI_CAPABILITY_VERSION_3	0x20080522u
#define KABI_CAP_IPC_LOCK		14

struct kabi_cap_header {
	uint32_t version;
	int32_t pid;
};
KABI_CHECK_SIZE(kabi_cap_header, 8);

struct kabi_cap_data {
	uint32_t effective;
	uint32_t permitted;
	uint32_t inheritable;
};
KABI_CHECK_SIZE(kabi_cap_data, 12);

/* The inode of the initial user namespace in /proc/<pid>/ns/user (3.8+). */
#define KABI_PROC_USER_INIT_INO		0xeffffffdu

#endif /* LIBIOMMUFD_UAPI_H */
