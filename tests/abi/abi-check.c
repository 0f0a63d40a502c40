// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * ABI cross-check: the library's own statement of the kernel ABI
 * (libiommufd/uapi.h), the public header's mirrored constants and the VM
 * tests' selftest header (tests/vm/selftest.h), compiled in ONE unit with a
 * built kernel's installed <linux/iommufd.h> and <linux/vfio.h> (and, when
 * abi-check.sh could extract it from the kernel sources, the selftest
 * driver's iommufd_test.h). Every size, offset and number the kernel defines
 * must equal ours; the unit fails to compile otherwise.
 *
 * Not everything exists in every kernel. Commands and flags that are macros
 * are tested with #ifdef. Enum constants and struct members cannot be seen
 * by the preprocessor, so abi-check.sh compiles each PROBE below on its own
 * against the kernel's headers and passes -D<NAME> for those that compile
 * (autoconf style: this also sees backports, e.g. Debian's 6.12 has
 * out_max_pasid_log2). A probe that fails on a kernel at or past its
 * "since" version is an error, so a broken probe cannot silently turn a
 * check off. Each check expands to a _Static_assert whose message starts
 * with "abi:", which abi-check.sh counts.
 *
 * PROBE KHAS_HWPT_ALLOC_DATA 6.7 offsetof(struct iommu_hwpt_alloc, data_uptr)
 * PROBE KHAS_HWPT_ALLOC_FAULT_ID 6.11 offsetof(struct iommu_hwpt_alloc, fault_id)
 * PROBE KHAS_HWPT_NEST_PARENT 6.7 IOMMU_HWPT_ALLOC_NEST_PARENT
 * PROBE KHAS_HWPT_DIRTY 6.7 IOMMU_HWPT_ALLOC_DIRTY_TRACKING
 * PROBE KHAS_HWPT_FAULT_ID_VALID 6.11 IOMMU_HWPT_FAULT_ID_VALID
 * PROBE KHAS_HWPT_ALLOC_PASID 6.15 IOMMU_HWPT_ALLOC_PASID
 * PROBE KHAS_HWPT_DATA_VTD_S1 6.7 IOMMU_HWPT_DATA_VTD_S1
 * PROBE KHAS_HWPT_DATA_ARM_SMMUV3 6.13 IOMMU_HWPT_DATA_ARM_SMMUV3
 * PROBE KHAS_HWPT_DATA_AMD_GUEST - IOMMU_HWPT_DATA_AMD_GUEST
 * PROBE KHAS_HW_INFO_CAPS 6.7 offsetof(struct iommu_hw_info, out_capabilities)
 * PROBE KHAS_HW_INFO_MAX_PASID 6.15 offsetof(struct iommu_hw_info, out_max_pasid_log2)
 * PROBE KHAS_HW_INFO_FLAG_INPUT_TYPE 6.17 IOMMU_HW_INFO_FLAG_INPUT_TYPE
 * PROBE KHAS_HW_INFO_TYPE_SMMUV3 6.13 IOMMU_HW_INFO_TYPE_ARM_SMMUV3
 * PROBE KHAS_HW_INFO_TYPE_TEGRA 6.17 IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV
 * PROBE KHAS_HW_INFO_TYPE_AMD - IOMMU_HW_INFO_TYPE_AMD
 * PROBE KHAS_HW_INFO_SMMUV3_ERRATA 7.3 IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI
 * PROBE KHAS_HW_CAP_DIRTY 6.7 IOMMU_HW_CAP_DIRTY_TRACKING
 * PROBE KHAS_HW_CAP_PASID 6.15 IOMMU_HW_CAP_PCI_PASID_EXEC + IOMMU_HW_CAP_PCI_PASID_PRIV
 * PROBE KHAS_HW_CAP_NO_ATS - IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED
 * PROBE KHAS_BIND_TOKEN 6.17 offsetof(struct vfio_device_bind_iommufd, token_uuid_ptr)
 * PROBE KHAS_ATTACH_PASID 6.15 offsetof(struct vfio_device_attach_iommufd_pt, pasid)
 * PROBE KHAS_DETACH_PASID 6.15 offsetof(struct vfio_device_detach_iommufd_pt, pasid)
 * PROBE KHAS_ST_PASID_OPS - IOMMU_TEST_OP_PASID_CHECK_HWPT + sizeof(((struct iommu_test_cmd *)0)->pasid_check)
 * PROBE KHAS_ST_DMABUF_OPS - IOMMU_TEST_OP_DMABUF_REVOKE
 * PROBE KHAS_HW_INFO_VTD_RECORD 6.6 sizeof(struct iommu_hw_info_vtd) + IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17
 * PROBE KHAS_HWPT_VTD_S1_RECORD 6.7 sizeof(struct iommu_hwpt_vtd_s1) + IOMMU_VTD_S1_SRE + IOMMU_VTD_S1_EAFE + IOMMU_VTD_S1_WPE
 * PROBE KHAS_INV_VTD_S1 6.8 IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 + IOMMU_VTD_INV_FLAGS_LEAF + sizeof(struct iommu_hwpt_vtd_s1_invalidate)
 * PROBE KHAS_INV_SMMUV3 6.14 IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 + sizeof(struct iommu_viommu_arm_smmuv3_invalidate)
 * PROBE KHAS_VIOMMU_TYPES 6.13 IOMMU_VIOMMU_TYPE_DEFAULT + IOMMU_VIOMMU_TYPE_ARM_SMMUV3
 * PROBE KHAS_VIOMMU_TYPE_TEGRA 6.17 IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV
 * PROBE KHAS_VIOMMU_ALLOC_DATA 6.17 offsetof(struct iommu_viommu_alloc, data_uptr)
 * PROBE KHAS_ST_HWPT_PAGETABLE_TYPE - offsetof(struct iommu_hwpt_selftest, pagetable_type)
 * PROBE KHAS_ST_VIOMMU - IOMMU_VIOMMU_TYPE_SELFTEST + IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST + MOCK_DEV_CACHE_ID_MAX + sizeof(struct iommu_viommu_invalidate_selftest)
 * PROBE KHAS_VEVENTQ 6.15 sizeof(struct iommu_veventq_alloc) + sizeof(struct iommufd_vevent_header) + IOMMU_VEVENTQ_FLAG_LOST_EVENTS + IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 + sizeof(struct iommu_vevent_arm_smmuv3)
 * PROBE KHAS_VEVENTQ_TEGRA 6.17 IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV + sizeof(struct iommu_vevent_tegra241_cmdqv)
 * PROBE KHAS_HW_QUEUE 6.17 sizeof(struct iommu_hw_queue_alloc) + IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV
 * PROBE KHAS_ST_VIOMMU_OPS - sizeof(((struct iommu_test_cmd *)0)->check_dev_cache) + sizeof(((struct iommu_test_cmd *)0)->trigger_vevent) + sizeof(((struct iommu_test_cmd *)0)->pasid_attach) + sizeof(((struct iommu_test_cmd *)0)->pasid_detach) + IOMMU_TEST_DEV_CACHE_DEFAULT + MOCK_DEV_CACHE_NUM
 * PROBE KHAS_ST_DEV_PASID - MOCK_FLAGS_DEVICE_PASID + MOCK_PASID_WIDTH + IOMMU_TEST_PASID_RESERVED
 * PROBE KHAS_ST_VEVENT - IOMMU_VEVENTQ_TYPE_SELFTEST + sizeof(struct iommu_viommu_event_selftest)
 * PROBE KHAS_ST_HW_QUEUE - IOMMU_HW_QUEUE_TYPE_SELFTEST + IOMMU_TEST_HW_QUEUE_MAX
 * PROBE KHAS_ST_MOCK_PAGE_SIZE - MOCK_PAGE_SIZE
 * PROBE KHAS_VIOMMU_TEGRA_DATA 6.17 sizeof(struct iommu_viommu_tegra241_cmdqv)
 * PROBE KHAS_ST_VIOMMU_DATA - sizeof(struct iommu_viommu_selftest)
 * PROBE KHAS_NOIOMMU_GET_PA 7.3 sizeof(struct iommu_ioas_noiommu_get_pa)
 * PROBE KHAS_VFIO_DMA_BUF 6.19 sizeof(struct vfio_device_feature_dma_buf) + sizeof(struct vfio_region_dma_range)
 * PROBE KHAS_USER_NS_INIT_INO - USER_NS_INIT_INO
 */
#include <stddef.h>
#include <stdint.h>

#include <linux/version.h>
#include <linux/capability.h>
#include <linux/iommufd.h>
#include <linux/nsfs.h>
#include <linux/vfio.h>

#include "libiommufd.h"
#include "uapi.h"
#include "selftest.h"
#ifdef KHAS_SELFTEST_HEADER
#include "iommufd_test.h"
#endif

#ifndef KERNEL_VERSION
#error "<linux/version.h> of the kernel's headers_install is needed"
#endif

#define FIELD_SIZE(type, f) sizeof(((type *)0)->f)

/* The same number (as integers: the two sides are often different enum types). */
#define SAME(ours, theirs)							\
	_Static_assert((long long)(ours) == (long long)(theirs), "abi: " #ours " == " #theirs)
/* The same struct size. */
#define SAME_SIZE(ours, theirs)							\
	_Static_assert(sizeof(struct ours) == sizeof(struct theirs),		\
		       "abi: sizeof " #ours " == " #theirs)
/* A field at the same offset with the same size. */
#define SAME_FIELD(ours, of, theirs, tf)					\
	_Static_assert(offsetof(struct ours, of) == offsetof(struct theirs, tf) &&	\
		       FIELD_SIZE(struct ours, of) == FIELD_SIZE(struct theirs, tf),	\
		       "abi: " #ours "." #of " == " #theirs "." #tf)
/* The kernel's struct ends where a field of ours starts (an older, shorter ABI). */
#define ENDS_AT(theirs, ours, of)						\
	_Static_assert(sizeof(struct theirs) == offsetof(struct ours, of),	\
		       "abi: sizeof " #theirs " == offsetof " #ours "." #of)
#define SIZE_IS(theirs, n)							\
	_Static_assert(sizeof(struct theirs) == (n), "abi: sizeof " #theirs " == " #n)

#define K(a, b) (LINUX_VERSION_CODE >= KERNEL_VERSION(a, b, 0))

/* ---- commands ------------------------------------------------------------ */

SAME(KABI_IOMMU_DESTROY, IOMMU_DESTROY);
SAME(KABI_IOMMU_IOAS_ALLOC, IOMMU_IOAS_ALLOC);
SAME(KABI_IOMMU_IOAS_ALLOW_IOVAS, IOMMU_IOAS_ALLOW_IOVAS);
SAME(KABI_IOMMU_IOAS_COPY, IOMMU_IOAS_COPY);
SAME(KABI_IOMMU_IOAS_IOVA_RANGES, IOMMU_IOAS_IOVA_RANGES);
SAME(KABI_IOMMU_IOAS_MAP, IOMMU_IOAS_MAP);
SAME(KABI_IOMMU_IOAS_UNMAP, IOMMU_IOAS_UNMAP);
SAME(KABI_IOMMU_OPTION, IOMMU_OPTION);
SAME(KABI_IOMMU_VFIO_IOAS, IOMMU_VFIO_IOAS);

#ifdef IOMMU_HWPT_ALLOC
SAME(KABI_IOMMU_HWPT_ALLOC, IOMMU_HWPT_ALLOC);
#elif K(6, 6)
#error "6.6+ without IOMMU_HWPT_ALLOC"
#endif
#ifdef IOMMU_GET_HW_INFO
SAME(KABI_IOMMU_GET_HW_INFO, IOMMU_GET_HW_INFO);
#elif K(6, 6)
#error "6.6+ without IOMMU_GET_HW_INFO"
#endif
#ifdef IOMMU_HWPT_SET_DIRTY_TRACKING
SAME(KABI_IOMMU_HWPT_SET_DIRTY_TRACKING, IOMMU_HWPT_SET_DIRTY_TRACKING);
SAME(KABI_IOMMU_HWPT_GET_DIRTY_BITMAP, IOMMU_HWPT_GET_DIRTY_BITMAP);
#elif K(6, 7)
#error "6.7+ without dirty tracking commands"
#endif
#ifdef IOMMU_HWPT_INVALIDATE
SAME(KABI_IOMMU_HWPT_INVALIDATE, IOMMU_HWPT_INVALIDATE);
#elif K(6, 8)
#error "6.8+ without IOMMU_HWPT_INVALIDATE"
#endif
#ifdef IOMMU_FAULT_QUEUE_ALLOC
SAME(KABI_IOMMU_FAULT_QUEUE_ALLOC, IOMMU_FAULT_QUEUE_ALLOC);
#elif K(6, 11)
#error "6.11+ without IOMMU_FAULT_QUEUE_ALLOC"
#endif
#ifdef IOMMU_IOAS_MAP_FILE
SAME(KABI_IOMMU_IOAS_MAP_FILE, IOMMU_IOAS_MAP_FILE);
#elif K(6, 13)
#error "6.13+ without IOMMU_IOAS_MAP_FILE"
#endif
#ifdef IOMMU_VIOMMU_ALLOC
SAME(KABI_IOMMU_VIOMMU_ALLOC, IOMMU_VIOMMU_ALLOC);
SAME(KABI_IOMMU_VDEVICE_ALLOC, IOMMU_VDEVICE_ALLOC);
#elif K(6, 13)
#error "6.13+ without IOMMU_VIOMMU_ALLOC"
#endif
#ifdef IOMMU_IOAS_CHANGE_PROCESS
SAME(KABI_IOMMU_IOAS_CHANGE_PROCESS, IOMMU_IOAS_CHANGE_PROCESS);
#elif K(6, 14)
#error "6.14+ without IOMMU_IOAS_CHANGE_PROCESS"
#endif
#ifdef IOMMU_VEVENTQ_ALLOC
SAME(KABI_IOMMU_VEVENTQ_ALLOC, IOMMU_VEVENTQ_ALLOC);
#elif K(6, 15)
#error "6.15+ without IOMMU_VEVENTQ_ALLOC"
#endif
#ifdef IOMMU_HW_QUEUE_ALLOC
SAME(KABI_IOMMU_HW_QUEUE_ALLOC, IOMMU_HW_QUEUE_ALLOC);
#elif K(6, 17)
#error "6.17+ without IOMMU_HW_QUEUE_ALLOC"
#endif

/* ---- IOAS ---------------------------------------------------------------- */

SAME_SIZE(kabi_destroy, iommu_destroy);
SAME_FIELD(kabi_destroy, size, iommu_destroy, size);
SAME_FIELD(kabi_destroy, id, iommu_destroy, id);

SAME_SIZE(kabi_ioas_alloc, iommu_ioas_alloc);
SAME_FIELD(kabi_ioas_alloc, flags, iommu_ioas_alloc, flags);
SAME_FIELD(kabi_ioas_alloc, out_ioas_id, iommu_ioas_alloc, out_ioas_id);

SAME_SIZE(kabi_iova_range, iommu_iova_range);
SAME_FIELD(kabi_iova_range, start, iommu_iova_range, start);
SAME_FIELD(kabi_iova_range, last, iommu_iova_range, last);
/* The public struct is handed to the kernel as is. */
SAME_SIZE(iommufd_iova_range, iommu_iova_range);
SAME_FIELD(iommufd_iova_range, start, iommu_iova_range, start);
SAME_FIELD(iommufd_iova_range, last, iommu_iova_range, last);

SAME_SIZE(kabi_ioas_iova_ranges, iommu_ioas_iova_ranges);
SAME_FIELD(kabi_ioas_iova_ranges, ioas_id, iommu_ioas_iova_ranges, ioas_id);
SAME_FIELD(kabi_ioas_iova_ranges, num_iovas, iommu_ioas_iova_ranges, num_iovas);
SAME_FIELD(kabi_ioas_iova_ranges, reserved, iommu_ioas_iova_ranges, __reserved);
SAME_FIELD(kabi_ioas_iova_ranges, allowed_iovas, iommu_ioas_iova_ranges, allowed_iovas);
SAME_FIELD(kabi_ioas_iova_ranges, out_iova_alignment, iommu_ioas_iova_ranges,
	   out_iova_alignment);

SAME_SIZE(kabi_ioas_allow_iovas, iommu_ioas_allow_iovas);
SAME_FIELD(kabi_ioas_allow_iovas, ioas_id, iommu_ioas_allow_iovas, ioas_id);
SAME_FIELD(kabi_ioas_allow_iovas, num_iovas, iommu_ioas_allow_iovas, num_iovas);
SAME_FIELD(kabi_ioas_allow_iovas, reserved, iommu_ioas_allow_iovas, __reserved);
SAME_FIELD(kabi_ioas_allow_iovas, allowed_iovas, iommu_ioas_allow_iovas, allowed_iovas);

SAME(KABI_IOAS_MAP_FIXED_IOVA, IOMMU_IOAS_MAP_FIXED_IOVA);
SAME(KABI_IOAS_MAP_WRITEABLE, IOMMU_IOAS_MAP_WRITEABLE);
SAME(KABI_IOAS_MAP_READABLE, IOMMU_IOAS_MAP_READABLE);
SAME_SIZE(kabi_ioas_map, iommu_ioas_map);
SAME_FIELD(kabi_ioas_map, flags, iommu_ioas_map, flags);
SAME_FIELD(kabi_ioas_map, ioas_id, iommu_ioas_map, ioas_id);
SAME_FIELD(kabi_ioas_map, reserved, iommu_ioas_map, __reserved);
SAME_FIELD(kabi_ioas_map, user_va, iommu_ioas_map, user_va);
SAME_FIELD(kabi_ioas_map, length, iommu_ioas_map, length);
SAME_FIELD(kabi_ioas_map, iova, iommu_ioas_map, iova);

#ifdef IOMMU_IOAS_MAP_FILE
SAME_SIZE(kabi_ioas_map_file, iommu_ioas_map_file);
SAME_FIELD(kabi_ioas_map_file, flags, iommu_ioas_map_file, flags);
SAME_FIELD(kabi_ioas_map_file, ioas_id, iommu_ioas_map_file, ioas_id);
SAME_FIELD(kabi_ioas_map_file, fd, iommu_ioas_map_file, fd);
SAME_FIELD(kabi_ioas_map_file, start, iommu_ioas_map_file, start);
SAME_FIELD(kabi_ioas_map_file, length, iommu_ioas_map_file, length);
SAME_FIELD(kabi_ioas_map_file, iova, iommu_ioas_map_file, iova);
#endif

SAME_SIZE(kabi_ioas_copy, iommu_ioas_copy);
SAME_FIELD(kabi_ioas_copy, flags, iommu_ioas_copy, flags);
SAME_FIELD(kabi_ioas_copy, dst_ioas_id, iommu_ioas_copy, dst_ioas_id);
SAME_FIELD(kabi_ioas_copy, src_ioas_id, iommu_ioas_copy, src_ioas_id);
SAME_FIELD(kabi_ioas_copy, length, iommu_ioas_copy, length);
SAME_FIELD(kabi_ioas_copy, dst_iova, iommu_ioas_copy, dst_iova);
SAME_FIELD(kabi_ioas_copy, src_iova, iommu_ioas_copy, src_iova);

SAME_SIZE(kabi_ioas_unmap, iommu_ioas_unmap);
SAME_FIELD(kabi_ioas_unmap, ioas_id, iommu_ioas_unmap, ioas_id);
SAME_FIELD(kabi_ioas_unmap, iova, iommu_ioas_unmap, iova);
SAME_FIELD(kabi_ioas_unmap, length, iommu_ioas_unmap, length);

SAME(KABI_OPTION_RLIMIT_MODE, IOMMU_OPTION_RLIMIT_MODE);
SAME(KABI_OPTION_HUGE_PAGES, IOMMU_OPTION_HUGE_PAGES);
SAME(KABI_OPTION_OP_SET, IOMMU_OPTION_OP_SET);
SAME(KABI_OPTION_OP_GET, IOMMU_OPTION_OP_GET);
SAME_SIZE(kabi_option, iommu_option);
SAME_FIELD(kabi_option, option_id, iommu_option, option_id);
SAME_FIELD(kabi_option, op, iommu_option, op);
SAME_FIELD(kabi_option, reserved, iommu_option, __reserved);
SAME_FIELD(kabi_option, object_id, iommu_option, object_id);
SAME_FIELD(kabi_option, val64, iommu_option, val64);

SAME(KABI_VFIO_IOAS_GET, IOMMU_VFIO_IOAS_GET);
SAME(KABI_VFIO_IOAS_SET, IOMMU_VFIO_IOAS_SET);
SAME(KABI_VFIO_IOAS_CLEAR, IOMMU_VFIO_IOAS_CLEAR);
SAME_SIZE(kabi_vfio_ioas, iommu_vfio_ioas);
SAME_FIELD(kabi_vfio_ioas, ioas_id, iommu_vfio_ioas, ioas_id);
SAME_FIELD(kabi_vfio_ioas, op, iommu_vfio_ioas, op);
SAME_FIELD(kabi_vfio_ioas, reserved, iommu_vfio_ioas, __reserved);

#ifdef IOMMU_IOAS_CHANGE_PROCESS
SAME_SIZE(kabi_ioas_change_process, iommu_ioas_change_process);
SAME_FIELD(kabi_ioas_change_process, reserved, iommu_ioas_change_process, __reserved);
#endif

/* ---- HWPT ---------------------------------------------------------------- */

#ifdef IOMMU_HWPT_ALLOC
SAME_FIELD(kabi_hwpt_alloc, flags, iommu_hwpt_alloc, flags);
SAME_FIELD(kabi_hwpt_alloc, dev_id, iommu_hwpt_alloc, dev_id);
SAME_FIELD(kabi_hwpt_alloc, pt_id, iommu_hwpt_alloc, pt_id);
SAME_FIELD(kabi_hwpt_alloc, out_hwpt_id, iommu_hwpt_alloc, out_hwpt_id);
SAME_FIELD(kabi_hwpt_alloc, reserved, iommu_hwpt_alloc, __reserved);
#if defined(KHAS_HWPT_ALLOC_FAULT_ID)
SAME_SIZE(kabi_hwpt_alloc, iommu_hwpt_alloc);
SAME_FIELD(kabi_hwpt_alloc, fault_id, iommu_hwpt_alloc, fault_id);
SAME_FIELD(kabi_hwpt_alloc, reserved2, iommu_hwpt_alloc, __reserved2);
#elif defined(KHAS_HWPT_ALLOC_DATA)
ENDS_AT(iommu_hwpt_alloc, kabi_hwpt_alloc, fault_id);
#else
SIZE_IS(iommu_hwpt_alloc, KABI_HWPT_ALLOC_SIZE_V1);
#endif
#ifdef KHAS_HWPT_ALLOC_DATA
SAME_FIELD(kabi_hwpt_alloc, data_type, iommu_hwpt_alloc, data_type);
SAME_FIELD(kabi_hwpt_alloc, data_len, iommu_hwpt_alloc, data_len);
SAME_FIELD(kabi_hwpt_alloc, data_uptr, iommu_hwpt_alloc, data_uptr);
SAME(KABI_HWPT_DATA_NONE, IOMMU_HWPT_DATA_NONE);
#endif
#endif /* IOMMU_HWPT_ALLOC */

#ifdef KHAS_HWPT_NEST_PARENT
SAME(KABI_HWPT_ALLOC_NEST_PARENT, IOMMU_HWPT_ALLOC_NEST_PARENT);
#endif
#ifdef KHAS_HWPT_DIRTY
SAME(KABI_HWPT_ALLOC_DIRTY_TRACKING, IOMMU_HWPT_ALLOC_DIRTY_TRACKING);
#endif
#ifdef KHAS_HWPT_FAULT_ID_VALID
SAME(KABI_HWPT_FAULT_ID_VALID, IOMMU_HWPT_FAULT_ID_VALID);
#endif
#ifdef KHAS_HWPT_ALLOC_PASID
SAME(KABI_HWPT_ALLOC_PASID, IOMMU_HWPT_ALLOC_PASID);
#endif
#ifdef KHAS_HWPT_DATA_VTD_S1
SAME(KABI_HWPT_DATA_VTD_S1, IOMMU_HWPT_DATA_VTD_S1);
#endif
#ifdef KHAS_HWPT_DATA_ARM_SMMUV3
SAME(KABI_HWPT_DATA_ARM_SMMUV3, IOMMU_HWPT_DATA_ARM_SMMUV3);
#endif
#ifdef KHAS_HWPT_DATA_AMD_GUEST
SAME(KABI_HWPT_DATA_AMD_GUEST, IOMMU_HWPT_DATA_AMD_GUEST);
#endif

/* ---- hw info ------------------------------------------------------------- */

#ifdef IOMMU_GET_HW_INFO
SAME_FIELD(kabi_hw_info, flags, iommu_hw_info, flags);
SAME_FIELD(kabi_hw_info, dev_id, iommu_hw_info, dev_id);
SAME_FIELD(kabi_hw_info, data_len, iommu_hw_info, data_len);
SAME_FIELD(kabi_hw_info, data_uptr, iommu_hw_info, data_uptr);
SAME_FIELD(kabi_hw_info, out_data_type, iommu_hw_info, out_data_type);
#ifdef KHAS_HW_INFO_CAPS
SAME_SIZE(kabi_hw_info, iommu_hw_info);
SAME_FIELD(kabi_hw_info, out_capabilities, iommu_hw_info, out_capabilities);
#else
ENDS_AT(iommu_hw_info, kabi_hw_info, out_capabilities);
#endif
#ifdef KHAS_HW_INFO_MAX_PASID
SAME_FIELD(kabi_hw_info, out_max_pasid_log2, iommu_hw_info, out_max_pasid_log2);
SAME_FIELD(kabi_hw_info, reserved, iommu_hw_info, __reserved);
#else
/* Before it, a reserved u32 where out_max_pasid_log2 and 3 reserved bytes sit. */
_Static_assert(offsetof(struct iommu_hw_info, __reserved) ==
	       offsetof(struct kabi_hw_info, out_max_pasid_log2) &&
	       FIELD_SIZE(struct iommu_hw_info, __reserved) == 4,
	       "abi: iommu_hw_info.__reserved covers out_max_pasid_log2 and its padding");
#endif
SAME(KABI_HW_INFO_TYPE_NONE, IOMMU_HW_INFO_TYPE_NONE);
SAME(KABI_HW_INFO_TYPE_INTEL_VTD, IOMMU_HW_INFO_TYPE_INTEL_VTD);
SAME(IOMMUFD_HW_INFO_NONE, IOMMU_HW_INFO_TYPE_NONE);
SAME(IOMMUFD_HW_INFO_INTEL_VTD, IOMMU_HW_INFO_TYPE_INTEL_VTD);
SIZE_IS(iommu_hw_info_vtd, 24);
#endif /* IOMMU_GET_HW_INFO */
#ifdef KHAS_HW_INFO_FLAG_INPUT_TYPE
SAME(KABI_HW_INFO_FLAG_INPUT_TYPE, IOMMU_HW_INFO_FLAG_INPUT_TYPE);
#endif
#ifdef KHAS_HW_INFO_TYPE_SMMUV3
SAME(KABI_HW_INFO_TYPE_ARM_SMMUV3, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
SAME(IOMMUFD_HW_INFO_ARM_SMMUV3, IOMMU_HW_INFO_TYPE_ARM_SMMUV3);
SIZE_IS(iommu_hw_info_arm_smmuv3, 40);
#endif
#ifdef KHAS_HW_INFO_SMMUV3_ERRATA
SAME(KABI_HW_INFO_SMMUV3_REPEAT_TLBI_CFGI, IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI);
SAME(IOMMUFD_SMMUV3_ERRATA_REPEAT_TLBI_CFGI, IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI);
#endif
#ifdef KHAS_HW_INFO_TYPE_TEGRA
SAME(KABI_HW_INFO_TYPE_TEGRA241_CMDQV, IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV);
SAME(IOMMUFD_HW_INFO_TEGRA241_CMDQV, IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV);
SIZE_IS(iommu_hw_info_tegra241_cmdqv, 8);
#endif
#ifdef KHAS_HW_INFO_TYPE_AMD
SAME(KABI_HW_INFO_TYPE_AMD, IOMMU_HW_INFO_TYPE_AMD);
SAME(IOMMUFD_HW_INFO_AMD, IOMMU_HW_INFO_TYPE_AMD);
SIZE_IS(iommu_hw_info_amd, 16);
#endif
#ifdef KHAS_HW_CAP_DIRTY
SAME(KABI_HW_CAP_DIRTY_TRACKING, IOMMU_HW_CAP_DIRTY_TRACKING);
SAME(IOMMUFD_HW_CAP_DIRTY_TRACKING, IOMMU_HW_CAP_DIRTY_TRACKING);
#endif
#ifdef KHAS_HW_CAP_PASID
SAME(KABI_HW_CAP_PCI_PASID_EXEC, IOMMU_HW_CAP_PCI_PASID_EXEC);
SAME(KABI_HW_CAP_PCI_PASID_PRIV, IOMMU_HW_CAP_PCI_PASID_PRIV);
SAME(IOMMUFD_HW_CAP_PASID_EXEC, IOMMU_HW_CAP_PCI_PASID_EXEC);
SAME(IOMMUFD_HW_CAP_PASID_PRIV, IOMMU_HW_CAP_PCI_PASID_PRIV);
#endif
#ifdef KHAS_HW_CAP_NO_ATS
SAME(KABI_HW_CAP_PCI_ATS_NOT_SUPPORTED, IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED);
SAME(IOMMUFD_HW_CAP_NO_ATS, IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED);
#endif

/* ---- VFIO device cdev ---------------------------------------------------- */

#ifdef VFIO_DEVICE_BIND_IOMMUFD
SAME(KABI_VFIO_DEVICE_BIND_IOMMUFD, VFIO_DEVICE_BIND_IOMMUFD);
SAME(KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, VFIO_DEVICE_ATTACH_IOMMUFD_PT);
SAME(KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT, VFIO_DEVICE_DETACH_IOMMUFD_PT);
SAME_FIELD(kabi_vfio_bind_iommufd, argsz, vfio_device_bind_iommufd, argsz);
SAME_FIELD(kabi_vfio_bind_iommufd, flags, vfio_device_bind_iommufd, flags);
SAME_FIELD(kabi_vfio_bind_iommufd, iommufd, vfio_device_bind_iommufd, iommufd);
SAME_FIELD(kabi_vfio_bind_iommufd, out_devid, vfio_device_bind_iommufd, out_devid);
#ifdef KHAS_BIND_TOKEN
SAME_SIZE(kabi_vfio_bind_iommufd, vfio_device_bind_iommufd);
SAME_FIELD(kabi_vfio_bind_iommufd, token_uuid_ptr, vfio_device_bind_iommufd, token_uuid_ptr);
SAME(KABI_VFIO_BIND_FLAG_TOKEN, VFIO_DEVICE_BIND_FLAG_TOKEN);
#else
SIZE_IS(vfio_device_bind_iommufd, KABI_VFIO_BIND_SIZE_V1);
#endif

SAME_FIELD(kabi_vfio_attach_pt, argsz, vfio_device_attach_iommufd_pt, argsz);
SAME_FIELD(kabi_vfio_attach_pt, flags, vfio_device_attach_iommufd_pt, flags);
SAME_FIELD(kabi_vfio_attach_pt, pt_id, vfio_device_attach_iommufd_pt, pt_id);
#ifdef KHAS_ATTACH_PASID
SAME_SIZE(kabi_vfio_attach_pt, vfio_device_attach_iommufd_pt);
SAME_FIELD(kabi_vfio_attach_pt, pasid, vfio_device_attach_iommufd_pt, pasid);
SAME(KABI_VFIO_DEVICE_PASID, VFIO_DEVICE_ATTACH_PASID);
#else
SIZE_IS(vfio_device_attach_iommufd_pt, KABI_VFIO_ATTACH_SIZE_V1);
#endif

SAME_FIELD(kabi_vfio_detach_pt, argsz, vfio_device_detach_iommufd_pt, argsz);
SAME_FIELD(kabi_vfio_detach_pt, flags, vfio_device_detach_iommufd_pt, flags);
#ifdef KHAS_DETACH_PASID
SAME_SIZE(kabi_vfio_detach_pt, vfio_device_detach_iommufd_pt);
SAME_FIELD(kabi_vfio_detach_pt, pasid, vfio_device_detach_iommufd_pt, pasid);
SAME(KABI_VFIO_DEVICE_PASID, VFIO_DEVICE_DETACH_PASID);
#else
SIZE_IS(vfio_device_detach_iommufd_pt, KABI_VFIO_DETACH_SIZE_V1);
#endif
#elif K(6, 6)
#error "6.6+ without VFIO_DEVICE_BIND_IOMMUFD"
#endif

/* ---- vendor records, nested data, invalidation (uapi.h and the public mirrors) */

#ifdef KHAS_HW_INFO_VTD_RECORD
SAME_SIZE(kabi_hw_info_vtd, iommu_hw_info_vtd);
SAME_FIELD(kabi_hw_info_vtd, flags, iommu_hw_info_vtd, flags);
SAME_FIELD(kabi_hw_info_vtd, reserved, iommu_hw_info_vtd, __reserved);
SAME_FIELD(kabi_hw_info_vtd, cap_reg, iommu_hw_info_vtd, cap_reg);
SAME_FIELD(kabi_hw_info_vtd, ecap_reg, iommu_hw_info_vtd, ecap_reg);
SAME(KABI_HW_INFO_VTD_ERRATA_772415_SPR17, IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17);
#endif
#ifdef KHAS_HW_INFO_TYPE_SMMUV3
SAME_SIZE(kabi_hw_info_arm_smmuv3, iommu_hw_info_arm_smmuv3);
SAME_FIELD(kabi_hw_info_arm_smmuv3, reserved, iommu_hw_info_arm_smmuv3, __reserved);
SAME_FIELD(kabi_hw_info_arm_smmuv3, idr, iommu_hw_info_arm_smmuv3, idr);
SAME_FIELD(kabi_hw_info_arm_smmuv3, iidr, iommu_hw_info_arm_smmuv3, iidr);
SAME_FIELD(kabi_hw_info_arm_smmuv3, aidr, iommu_hw_info_arm_smmuv3, aidr);
#endif
#ifdef KHAS_HW_INFO_TYPE_TEGRA
SAME_SIZE(kabi_hw_info_tegra241_cmdqv, iommu_hw_info_tegra241_cmdqv);
SAME_FIELD(kabi_hw_info_tegra241_cmdqv, version, iommu_hw_info_tegra241_cmdqv, version);
SAME_FIELD(kabi_hw_info_tegra241_cmdqv, log2vcmdqs, iommu_hw_info_tegra241_cmdqv, log2vcmdqs);
SAME_FIELD(kabi_hw_info_tegra241_cmdqv, log2vsids, iommu_hw_info_tegra241_cmdqv, log2vsids);
SAME_FIELD(kabi_hw_info_tegra241_cmdqv, reserved, iommu_hw_info_tegra241_cmdqv, __reserved);
#endif
#ifdef KHAS_HW_INFO_TYPE_AMD
SAME_SIZE(kabi_hw_info_amd, iommu_hw_info_amd);
SAME_FIELD(kabi_hw_info_amd, efr, iommu_hw_info_amd, efr);
SAME_FIELD(kabi_hw_info_amd, efr2, iommu_hw_info_amd, efr2);
#endif

#ifdef KHAS_HWPT_VTD_S1_RECORD
SAME_SIZE(kabi_hwpt_vtd_s1, iommu_hwpt_vtd_s1);
SAME_FIELD(kabi_hwpt_vtd_s1, flags, iommu_hwpt_vtd_s1, flags);
SAME_FIELD(kabi_hwpt_vtd_s1, pgtbl_addr, iommu_hwpt_vtd_s1, pgtbl_addr);
SAME_FIELD(kabi_hwpt_vtd_s1, addr_width, iommu_hwpt_vtd_s1, addr_width);
SAME_FIELD(kabi_hwpt_vtd_s1, reserved, iommu_hwpt_vtd_s1, __reserved);
SAME(KABI_VTD_S1_SRE, IOMMU_VTD_S1_SRE);
SAME(KABI_VTD_S1_EAFE, IOMMU_VTD_S1_EAFE);
SAME(KABI_VTD_S1_WPE, IOMMU_VTD_S1_WPE);
SAME(IOMMUFD_VTD_S1_SRE, IOMMU_VTD_S1_SRE);
SAME(IOMMUFD_VTD_S1_EAFE, IOMMU_VTD_S1_EAFE);
SAME(IOMMUFD_VTD_S1_WPE, IOMMU_VTD_S1_WPE);
SAME(IOMMUFD_HWPT_DATA_VTD_S1, IOMMU_HWPT_DATA_VTD_S1);
SAME(IOMMUFD_HWPT_DATA_VTD_S1_LEN, sizeof(struct iommu_hwpt_vtd_s1));
#endif
#ifdef KHAS_HWPT_ALLOC_DATA
SAME(IOMMUFD_HWPT_DATA_NONE, IOMMU_HWPT_DATA_NONE);
#endif
#ifdef KHAS_HWPT_DATA_ARM_SMMUV3
SAME_SIZE(kabi_hwpt_arm_smmuv3, iommu_hwpt_arm_smmuv3);
SAME_FIELD(kabi_hwpt_arm_smmuv3, ste, iommu_hwpt_arm_smmuv3, ste);
SAME(IOMMUFD_HWPT_DATA_ARM_SMMUV3, IOMMU_HWPT_DATA_ARM_SMMUV3);
SAME(IOMMUFD_HWPT_DATA_ARM_SMMUV3_LEN, sizeof(struct iommu_hwpt_arm_smmuv3));
#endif
#ifdef KHAS_HWPT_DATA_AMD_GUEST
SAME_SIZE(kabi_hwpt_amd_guest, iommu_hwpt_amd_guest);
SAME_FIELD(kabi_hwpt_amd_guest, dte, iommu_hwpt_amd_guest, dte);
SAME(IOMMUFD_HWPT_DATA_AMD_GUEST, IOMMU_HWPT_DATA_AMD_GUEST);
SAME(IOMMUFD_HWPT_DATA_AMD_GUEST_LEN, sizeof(struct iommu_hwpt_amd_guest));
#endif

#ifdef KHAS_INV_VTD_S1
SAME(KABI_HWPT_INVALIDATE_DATA_VTD_S1, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1);
SAME(IOMMUFD_INVALIDATE_VTD_S1, IOMMU_HWPT_INVALIDATE_DATA_VTD_S1);
SAME(KABI_VTD_INV_FLAGS_LEAF, IOMMU_VTD_INV_FLAGS_LEAF);
SAME(IOMMUFD_VTD_INV_LEAF, IOMMU_VTD_INV_FLAGS_LEAF);
SAME_SIZE(kabi_hwpt_vtd_s1_invalidate, iommu_hwpt_vtd_s1_invalidate);
SAME_FIELD(kabi_hwpt_vtd_s1_invalidate, addr, iommu_hwpt_vtd_s1_invalidate, addr);
SAME_FIELD(kabi_hwpt_vtd_s1_invalidate, npages, iommu_hwpt_vtd_s1_invalidate, npages);
SAME_FIELD(kabi_hwpt_vtd_s1_invalidate, flags, iommu_hwpt_vtd_s1_invalidate, flags);
SAME_FIELD(kabi_hwpt_vtd_s1_invalidate, reserved, iommu_hwpt_vtd_s1_invalidate, __reserved);
SAME(IOMMUFD_INVALIDATE_VTD_S1_LEN, sizeof(struct iommu_hwpt_vtd_s1_invalidate));
#endif
#ifdef KHAS_INV_SMMUV3
SAME(KABI_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3, IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3);
SAME(IOMMUFD_INVALIDATE_ARM_SMMUV3, IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3);
SAME_SIZE(kabi_viommu_arm_smmuv3_invalidate, iommu_viommu_arm_smmuv3_invalidate);
SAME_FIELD(kabi_viommu_arm_smmuv3_invalidate, cmd, iommu_viommu_arm_smmuv3_invalidate, cmd);
SAME(IOMMUFD_INVALIDATE_ARM_SMMUV3_LEN, sizeof(struct iommu_viommu_arm_smmuv3_invalidate));
#endif
#ifdef IOMMU_HWPT_INVALIDATE
SAME_SIZE(kabi_hwpt_invalidate, iommu_hwpt_invalidate);
SAME_FIELD(kabi_hwpt_invalidate, hwpt_id, iommu_hwpt_invalidate, hwpt_id);
SAME_FIELD(kabi_hwpt_invalidate, data_uptr, iommu_hwpt_invalidate, data_uptr);
SAME_FIELD(kabi_hwpt_invalidate, data_type, iommu_hwpt_invalidate, data_type);
SAME_FIELD(kabi_hwpt_invalidate, entry_len, iommu_hwpt_invalidate, entry_len);
SAME_FIELD(kabi_hwpt_invalidate, entry_num, iommu_hwpt_invalidate, entry_num);
SAME_FIELD(kabi_hwpt_invalidate, reserved, iommu_hwpt_invalidate, __reserved);
#endif

/* ---- vIOMMU and vDevice ---------------------------------------------------- */

#ifdef KHAS_VIOMMU_TYPES
SAME(KABI_VIOMMU_TYPE_DEFAULT, IOMMU_VIOMMU_TYPE_DEFAULT);
SAME(KABI_VIOMMU_TYPE_ARM_SMMUV3, IOMMU_VIOMMU_TYPE_ARM_SMMUV3);
SAME(IOMMUFD_VIOMMU_ARM_SMMUV3, IOMMU_VIOMMU_TYPE_ARM_SMMUV3);
#endif
#ifdef KHAS_VIOMMU_TYPE_TEGRA
SAME(KABI_VIOMMU_TYPE_TEGRA241_CMDQV, IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV);
SAME(IOMMUFD_VIOMMU_TEGRA241_CMDQV, IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV);
#endif
#ifdef IOMMU_VIOMMU_ALLOC
SAME_FIELD(kabi_viommu_alloc, flags, iommu_viommu_alloc, flags);
SAME_FIELD(kabi_viommu_alloc, type, iommu_viommu_alloc, type);
SAME_FIELD(kabi_viommu_alloc, dev_id, iommu_viommu_alloc, dev_id);
SAME_FIELD(kabi_viommu_alloc, hwpt_id, iommu_viommu_alloc, hwpt_id);
SAME_FIELD(kabi_viommu_alloc, out_viommu_id, iommu_viommu_alloc, out_viommu_id);
#ifdef KHAS_VIOMMU_ALLOC_DATA
SAME_SIZE(kabi_viommu_alloc, iommu_viommu_alloc);
SAME_FIELD(kabi_viommu_alloc, data_len, iommu_viommu_alloc, data_len);
SAME_FIELD(kabi_viommu_alloc, reserved, iommu_viommu_alloc, __reserved);
SAME_FIELD(kabi_viommu_alloc, data_uptr, iommu_viommu_alloc, data_uptr);
#else
ENDS_AT(iommu_viommu_alloc, kabi_viommu_alloc, data_len);
#endif
SAME_SIZE(kabi_vdevice_alloc, iommu_vdevice_alloc);
SAME_FIELD(kabi_vdevice_alloc, viommu_id, iommu_vdevice_alloc, viommu_id);
SAME_FIELD(kabi_vdevice_alloc, dev_id, iommu_vdevice_alloc, dev_id);
SAME_FIELD(kabi_vdevice_alloc, out_vdevice_id, iommu_vdevice_alloc, out_vdevice_id);
SAME_FIELD(kabi_vdevice_alloc, virt_id, iommu_vdevice_alloc, virt_id);
#endif

/* ---- dirty tracking, fault queues, vEVENTQs, HW queues (issue 5) ----------- */

#ifdef IOMMU_HWPT_SET_DIRTY_TRACKING
SAME(KABI_HWPT_DIRTY_TRACKING_ENABLE, IOMMU_HWPT_DIRTY_TRACKING_ENABLE);
SAME_SIZE(kabi_hwpt_set_dirty_tracking, iommu_hwpt_set_dirty_tracking);
SAME_FIELD(kabi_hwpt_set_dirty_tracking, size, iommu_hwpt_set_dirty_tracking, size);
SAME_FIELD(kabi_hwpt_set_dirty_tracking, flags, iommu_hwpt_set_dirty_tracking, flags);
SAME_FIELD(kabi_hwpt_set_dirty_tracking, hwpt_id, iommu_hwpt_set_dirty_tracking, hwpt_id);
SAME_FIELD(kabi_hwpt_set_dirty_tracking, reserved, iommu_hwpt_set_dirty_tracking, __reserved);
SAME(KABI_HWPT_GET_DIRTY_BITMAP_NO_CLEAR, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
/* The public flag is passed through with the kernel's value. */
SAME(IOMMUFD_DIRTY_NO_CLEAR, IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR);
SAME_SIZE(kabi_hwpt_get_dirty_bitmap, iommu_hwpt_get_dirty_bitmap);
SAME_FIELD(kabi_hwpt_get_dirty_bitmap, size, iommu_hwpt_get_dirty_bitmap, size);
SAME_FIELD(kabi_hwpt_get_dirty_bitmap, hwpt_id, iommu_hwpt_get_dirty_bitmap, hwpt_id);
SAME_FIELD(kabi_hwpt_get_dirty_bitmap, flags, iommu_hwpt_get_dirty_bitmap, flags);
SAME_FIELD(kabi_hwpt_get_dirty_bitmap, reserved, iommu_hwpt_get_dirty_bitmap, __reserved);
SAME_FIELD(kabi_hwpt_get_dirty_bitmap, iova, iommu_hwpt_get_dirty_bitmap, iova);
SAME_FIELD(kabi_hwpt_get_dirty_bitmap, length, iommu_hwpt_get_dirty_bitmap, length);
SAME_FIELD(kabi_hwpt_get_dirty_bitmap, page_size, iommu_hwpt_get_dirty_bitmap, page_size);
SAME_FIELD(kabi_hwpt_get_dirty_bitmap, data, iommu_hwpt_get_dirty_bitmap, data);
#endif

#ifdef IOMMU_FAULT_QUEUE_ALLOC
SAME_SIZE(kabi_fault_alloc, iommu_fault_alloc);
SAME_FIELD(kabi_fault_alloc, size, iommu_fault_alloc, size);
SAME_FIELD(kabi_fault_alloc, flags, iommu_fault_alloc, flags);
SAME_FIELD(kabi_fault_alloc, out_fault_id, iommu_fault_alloc, out_fault_id);
SAME_FIELD(kabi_fault_alloc, out_fault_fd, iommu_fault_alloc, out_fault_fd);
SAME(KABI_PGFAULT_FLAGS_PASID_VALID, IOMMU_PGFAULT_FLAGS_PASID_VALID);
SAME(KABI_PGFAULT_FLAGS_LAST_PAGE, IOMMU_PGFAULT_FLAGS_LAST_PAGE);
SAME(KABI_PGFAULT_PERM_READ, IOMMU_PGFAULT_PERM_READ);
SAME(KABI_PGFAULT_PERM_WRITE, IOMMU_PGFAULT_PERM_WRITE);
SAME(KABI_PGFAULT_PERM_EXEC, IOMMU_PGFAULT_PERM_EXEC);
SAME(KABI_PGFAULT_PERM_PRIV, IOMMU_PGFAULT_PERM_PRIV);
SAME_SIZE(kabi_pgfault, iommu_hwpt_pgfault);
SAME_FIELD(kabi_pgfault, flags, iommu_hwpt_pgfault, flags);
SAME_FIELD(kabi_pgfault, dev_id, iommu_hwpt_pgfault, dev_id);
SAME_FIELD(kabi_pgfault, pasid, iommu_hwpt_pgfault, pasid);
SAME_FIELD(kabi_pgfault, grpid, iommu_hwpt_pgfault, grpid);
SAME_FIELD(kabi_pgfault, perm, iommu_hwpt_pgfault, perm);
SAME_FIELD(kabi_pgfault, reserved, iommu_hwpt_pgfault, __reserved);
SAME_FIELD(kabi_pgfault, addr, iommu_hwpt_pgfault, addr);
SAME_FIELD(kabi_pgfault, length, iommu_hwpt_pgfault, length);
SAME_FIELD(kabi_pgfault, cookie, iommu_hwpt_pgfault, cookie);
SAME(KABI_PAGE_RESP_SUCCESS, IOMMUFD_PAGE_RESP_SUCCESS);
SAME(KABI_PAGE_RESP_INVALID, IOMMUFD_PAGE_RESP_INVALID);
SAME_SIZE(kabi_page_response, iommu_hwpt_page_response);
SAME_FIELD(kabi_page_response, cookie, iommu_hwpt_page_response, cookie);
SAME_FIELD(kabi_page_response, code, iommu_hwpt_page_response, code);
/*
 * The public mirrors: flags, permissions and responses carry the kernel's
 * values, and a public fault has the kernel record's size (the library
 * converts records in place in the caller's array).
 */
SAME(IOMMUFD_FAULT_PASID_VALID, IOMMU_PGFAULT_FLAGS_PASID_VALID);
SAME(IOMMUFD_FAULT_LAST_PAGE, IOMMU_PGFAULT_FLAGS_LAST_PAGE);
SAME(IOMMUFD_FAULT_READ, IOMMU_PGFAULT_PERM_READ);
SAME(IOMMUFD_FAULT_WRITE, IOMMU_PGFAULT_PERM_WRITE);
SAME(IOMMUFD_FAULT_EXEC, IOMMU_PGFAULT_PERM_EXEC);
SAME(IOMMUFD_FAULT_PRIV, IOMMU_PGFAULT_PERM_PRIV);
SAME(IOMMUFD_FAULT_RESPONSE_SUCCESS, IOMMUFD_PAGE_RESP_SUCCESS);
SAME(IOMMUFD_FAULT_RESPONSE_INVALID, IOMMUFD_PAGE_RESP_INVALID);
SAME_SIZE(iommufd_fault, iommu_hwpt_pgfault);
#endif

#ifdef IOMMU_VEVENTQ_ALLOC
#ifndef KHAS_VEVENTQ
#error "IOMMU_VEVENTQ_ALLOC without the vEVENTQ structs: the KHAS_VEVENTQ probe is broken"
#endif
SAME_SIZE(kabi_veventq_alloc, iommu_veventq_alloc);
SAME_FIELD(kabi_veventq_alloc, size, iommu_veventq_alloc, size);
SAME_FIELD(kabi_veventq_alloc, flags, iommu_veventq_alloc, flags);
SAME_FIELD(kabi_veventq_alloc, viommu_id, iommu_veventq_alloc, viommu_id);
SAME_FIELD(kabi_veventq_alloc, type, iommu_veventq_alloc, type);
SAME_FIELD(kabi_veventq_alloc, veventq_depth, iommu_veventq_alloc, veventq_depth);
SAME_FIELD(kabi_veventq_alloc, out_veventq_id, iommu_veventq_alloc, out_veventq_id);
SAME_FIELD(kabi_veventq_alloc, out_veventq_fd, iommu_veventq_alloc, out_veventq_fd);
SAME_FIELD(kabi_veventq_alloc, reserved, iommu_veventq_alloc, __reserved);
SAME(KABI_VEVENTQ_FLAG_LOST_EVENTS, IOMMU_VEVENTQ_FLAG_LOST_EVENTS);
SAME_SIZE(kabi_vevent_header, iommufd_vevent_header);
SAME_FIELD(kabi_vevent_header, flags, iommufd_vevent_header, flags);
SAME_FIELD(kabi_vevent_header, sequence, iommufd_vevent_header, sequence);
SAME(KABI_VEVENTQ_TYPE_ARM_SMMUV3, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3);
SAME(IOMMUFD_VEVENTQ_ARM_SMMUV3, IOMMU_VEVENTQ_TYPE_ARM_SMMUV3);
SAME(KABI_VEVENT_ARM_SMMUV3_LEN, sizeof(struct iommu_vevent_arm_smmuv3));
#endif
#ifdef KHAS_VEVENTQ_TEGRA
SAME(KABI_VEVENTQ_TYPE_TEGRA241_CMDQV, IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV);
SAME(IOMMUFD_VEVENTQ_TEGRA241_CMDQV, IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV);
SAME(KABI_VEVENT_TEGRA241_CMDQV_LEN, sizeof(struct iommu_vevent_tegra241_cmdqv));
#endif

#ifdef IOMMU_HW_QUEUE_ALLOC
#ifndef KHAS_HW_QUEUE
#error "IOMMU_HW_QUEUE_ALLOC without its struct: the KHAS_HW_QUEUE probe is broken"
#endif
SAME_SIZE(kabi_hw_queue_alloc, iommu_hw_queue_alloc);
SAME_FIELD(kabi_hw_queue_alloc, size, iommu_hw_queue_alloc, size);
SAME_FIELD(kabi_hw_queue_alloc, flags, iommu_hw_queue_alloc, flags);
SAME_FIELD(kabi_hw_queue_alloc, viommu_id, iommu_hw_queue_alloc, viommu_id);
SAME_FIELD(kabi_hw_queue_alloc, type, iommu_hw_queue_alloc, type);
SAME_FIELD(kabi_hw_queue_alloc, index, iommu_hw_queue_alloc, index);
SAME_FIELD(kabi_hw_queue_alloc, out_hw_queue_id, iommu_hw_queue_alloc, out_hw_queue_id);
SAME_FIELD(kabi_hw_queue_alloc, nesting_parent_iova, iommu_hw_queue_alloc,
	   nesting_parent_iova);
SAME_FIELD(kabi_hw_queue_alloc, length, iommu_hw_queue_alloc, length);
SAME(KABI_HW_QUEUE_TYPE_TEGRA241_CMDQV, IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV);
SAME(IOMMUFD_HW_QUEUE_TEGRA241_CMDQV, IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV);
#endif

/* ---- the selftest driver (tests/vm/selftest.h) ---------------------------- */

#ifdef KHAS_SELFTEST_HEADER
SAME(ST_TEST_CMD, IOMMU_TEST_CMD);
SAME(ST_OP_ADD_RESERVED, IOMMU_TEST_OP_ADD_RESERVED);
SAME(ST_OP_MOCK_DOMAIN, IOMMU_TEST_OP_MOCK_DOMAIN);
SAME(ST_OP_MD_CHECK_MAP, IOMMU_TEST_OP_MD_CHECK_MAP);
SAME(ST_OP_MD_CHECK_REFS, IOMMU_TEST_OP_MD_CHECK_REFS);
SAME(ST_OP_CREATE_ACCESS, IOMMU_TEST_OP_CREATE_ACCESS);
SAME(ST_OP_DESTROY_ACCESS_PAGES, IOMMU_TEST_OP_DESTROY_ACCESS_PAGES);
SAME(ST_OP_ACCESS_PAGES, IOMMU_TEST_OP_ACCESS_PAGES);
SAME(ST_OP_ACCESS_RW, IOMMU_TEST_OP_ACCESS_RW);
SAME(ST_OP_SET_TEMP_MEMORY_LIMIT, IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT);
SAME(ST_OP_MOCK_DOMAIN_REPLACE, IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE);
SAME(ST_OP_ACCESS_REPLACE_IOAS, IOMMU_TEST_OP_ACCESS_REPLACE_IOAS);
SAME(ST_OP_MOCK_DOMAIN_FLAGS, IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS);
SAME(ST_OP_DIRTY, IOMMU_TEST_OP_DIRTY);
SAME(ST_OP_MD_CHECK_IOTLB, IOMMU_TEST_OP_MD_CHECK_IOTLB);
SAME(ST_OP_TRIGGER_IOPF, IOMMU_TEST_OP_TRIGGER_IOPF);
#ifdef KHAS_ST_PASID_OPS
SAME(ST_OP_DEV_CHECK_CACHE, IOMMU_TEST_OP_DEV_CHECK_CACHE);
SAME(ST_OP_TRIGGER_VEVENT, IOMMU_TEST_OP_TRIGGER_VEVENT);
SAME(ST_OP_PASID_ATTACH, IOMMU_TEST_OP_PASID_ATTACH);
SAME(ST_OP_PASID_REPLACE, IOMMU_TEST_OP_PASID_REPLACE);
SAME(ST_OP_PASID_DETACH, IOMMU_TEST_OP_PASID_DETACH);
SAME(ST_OP_PASID_CHECK_HWPT, IOMMU_TEST_OP_PASID_CHECK_HWPT);
SAME_FIELD(st_cmd, pasid_check.pasid, iommu_test_cmd, pasid_check.pasid);
SAME_FIELD(st_cmd, pasid_check.hwpt_id, iommu_test_cmd, pasid_check.hwpt_id);
#endif
#ifdef KHAS_ST_DMABUF_OPS
SAME(ST_OP_DMABUF_GET, IOMMU_TEST_OP_DMABUF_GET);
SAME(ST_OP_DMABUF_REVOKE, IOMMU_TEST_OP_DMABUF_REVOKE);
#endif
SAME_SIZE(st_cmd, iommu_test_cmd);
SAME_FIELD(st_cmd, op, iommu_test_cmd, op);
SAME_FIELD(st_cmd, id, iommu_test_cmd, id);
SAME_FIELD(st_cmd, reserved, iommu_test_cmd, __reserved);
SAME_FIELD(st_cmd, add_reserved.start, iommu_test_cmd, add_reserved.start);
SAME_FIELD(st_cmd, add_reserved.length, iommu_test_cmd, add_reserved.length);
SAME_FIELD(st_cmd, mock_domain.out_stdev_id, iommu_test_cmd, mock_domain.out_stdev_id);
SAME_FIELD(st_cmd, mock_domain.out_hwpt_id, iommu_test_cmd, mock_domain.out_hwpt_id);
SAME_FIELD(st_cmd, mock_domain.out_idev_id, iommu_test_cmd, mock_domain.out_idev_id);
SAME_FIELD(st_cmd, mock_domain_flags.dev_flags, iommu_test_cmd, mock_domain_flags.dev_flags);
SAME_FIELD(st_cmd, mock_domain_replace.pt_id, iommu_test_cmd, mock_domain_replace.pt_id);
SAME_FIELD(st_cmd, check_map.iova, iommu_test_cmd, check_map.iova);
SAME_FIELD(st_cmd, check_map.length, iommu_test_cmd, check_map.length);
SAME_FIELD(st_cmd, check_map.uptr, iommu_test_cmd, check_map.uptr);
SAME_FIELD(st_cmd, check_iotlb.id, iommu_test_cmd, check_iotlb.id);
SAME_FIELD(st_cmd, check_iotlb.iotlb, iommu_test_cmd, check_iotlb.iotlb);
SAME_FIELD(st_cmd, last, iommu_test_cmd, last);
SAME(ST_MOCK_DEV_NO_DIRTY, MOCK_FLAGS_DEVICE_NO_DIRTY);
SAME(ST_MOCK_APERTURE_START, MOCK_APERTURE_START);
SAME(ST_MOCK_APERTURE_LAST, MOCK_APERTURE_LAST);
SAME(ST_HW_INFO_TYPE, IOMMU_HW_INFO_TYPE_SELFTEST);
SAME(ST_HW_INFO_REGVAL, IOMMU_HW_INFO_SELFTEST_REGVAL);
SAME_SIZE(st_hw_info, iommu_test_hw_info);
SAME_FIELD(st_hw_info, test_reg, iommu_test_hw_info, test_reg);
SAME(ST_HWPT_DATA_TYPE, IOMMU_HWPT_DATA_SELFTEST);
SAME(ST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT);
SAME(ST_NESTED_IOTLB_ENTRIES, MOCK_NESTED_DOMAIN_IOTLB_NUM);
SAME_FIELD(st_hwpt_data, iotlb, iommu_hwpt_selftest, iotlb);
/* The library's and the public header's selftest numbers, too. */
SAME(KABI_HW_INFO_TYPE_SELFTEST, IOMMU_HW_INFO_TYPE_SELFTEST);
SAME(IOMMUFD_HW_INFO_SELFTEST, IOMMU_HW_INFO_TYPE_SELFTEST);
SAME(KABI_HWPT_DATA_SELFTEST, IOMMU_HWPT_DATA_SELFTEST);
SAME(IOMMUFD_HWPT_DATA_SELFTEST, IOMMU_HWPT_DATA_SELFTEST);
SAME(KABI_TEST_HW_INFO_REGVAL, IOMMU_HW_INFO_SELFTEST_REGVAL);
SAME(IOMMUFD_SELFTEST_TEST_REG, IOMMU_HW_INFO_SELFTEST_REGVAL);
SAME_SIZE(kabi_hw_info_selftest, iommu_test_hw_info);
SAME_FIELD(kabi_hw_info_selftest, test_reg, iommu_test_hw_info, test_reg);
SAME(KABI_TEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT);
SAME(IOMMUFD_SELFTEST_IOTLB_DEFAULT, IOMMU_TEST_IOTLB_DEFAULT);
SAME_FIELD(kabi_hwpt_selftest, iotlb, iommu_hwpt_selftest, iotlb);
SAME(IOMMUFD_HWPT_DATA_SELFTEST_LEN, KABI_HWPT_SELFTEST_SIZE_V1);
#ifdef KHAS_ST_HWPT_PAGETABLE_TYPE
SAME_SIZE(kabi_hwpt_selftest, iommu_hwpt_selftest);
SAME_FIELD(kabi_hwpt_selftest, pagetable_type, iommu_hwpt_selftest, pagetable_type);
#else
SIZE_IS(iommu_hwpt_selftest, KABI_HWPT_SELFTEST_SIZE_V1);
#endif
SAME(KABI_INVALIDATE_DATA_SELFTEST, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST);
SAME(IOMMUFD_INVALIDATE_SELFTEST, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST);
SAME(KABI_TEST_INVALIDATE_FLAG_ALL, IOMMU_TEST_INVALIDATE_FLAG_ALL);
SAME(KABI_TEST_IOTLB_ID_MAX, MOCK_NESTED_DOMAIN_IOTLB_ID_MAX);
SAME(IOMMUFD_SELFTEST_IOTLB_ID_MAX, MOCK_NESTED_DOMAIN_IOTLB_ID_MAX);
SAME_SIZE(kabi_hwpt_invalidate_selftest, iommu_hwpt_invalidate_selftest);
SAME_FIELD(kabi_hwpt_invalidate_selftest, flags, iommu_hwpt_invalidate_selftest, flags);
SAME_FIELD(kabi_hwpt_invalidate_selftest, iotlb_id, iommu_hwpt_invalidate_selftest, iotlb_id);
SAME(IOMMUFD_INVALIDATE_SELFTEST_LEN, sizeof(struct iommu_hwpt_invalidate_selftest));
#ifdef KHAS_ST_VIOMMU
SAME(KABI_VIOMMU_TYPE_SELFTEST, IOMMU_VIOMMU_TYPE_SELFTEST);
SAME(IOMMUFD_VIOMMU_SELFTEST, IOMMU_VIOMMU_TYPE_SELFTEST);
SAME(KABI_INVALIDATE_DATA_SELFTEST, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST);
SAME(KABI_TEST_DEV_CACHE_ID_MAX, MOCK_DEV_CACHE_ID_MAX);
SAME_SIZE(kabi_viommu_invalidate_selftest, iommu_viommu_invalidate_selftest);
SAME_FIELD(kabi_viommu_invalidate_selftest, flags, iommu_viommu_invalidate_selftest, flags);
SAME_FIELD(kabi_viommu_invalidate_selftest, vdev_id, iommu_viommu_invalidate_selftest, vdev_id);
SAME_FIELD(kabi_viommu_invalidate_selftest, cache_id, iommu_viommu_invalidate_selftest, cache_id);
SAME(IOMMUFD_INVALIDATE_SELFTEST_VIOMMU_LEN, sizeof(struct iommu_viommu_invalidate_selftest));
/* selftest.h's own statement of the vIOMMU numbers and its invalidation entry */
SAME(ST_VIOMMU_TYPE, IOMMU_VIOMMU_TYPE_SELFTEST);
SAME(ST_INV_DATA_TYPE, IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST);
SAME(ST_DEV_CACHE_ENTRIES, MOCK_DEV_CACHE_ID_MAX + 1);
SAME_SIZE(st_viommu_inv, iommu_viommu_invalidate_selftest);
SAME_FIELD(st_viommu_inv, flags, iommu_viommu_invalidate_selftest, flags);
SAME_FIELD(st_viommu_inv, vdev_id, iommu_viommu_invalidate_selftest, vdev_id);
SAME_FIELD(st_viommu_inv, cache_id, iommu_viommu_invalidate_selftest, cache_id);
#endif
/* selftest.h's HWPT invalidation entry (both kernels) */
SAME(ST_INV_DATA_TYPE, IOMMU_HWPT_INVALIDATE_DATA_SELFTEST);
SAME(ST_INV_FLAG_ALL, IOMMU_TEST_INVALIDATE_FLAG_ALL);
SAME_SIZE(st_hwpt_inv, iommu_hwpt_invalidate_selftest);
SAME_FIELD(st_hwpt_inv, flags, iommu_hwpt_invalidate_selftest, flags);
SAME_FIELD(st_hwpt_inv, iotlb_id, iommu_hwpt_invalidate_selftest, iotlb_id);
/* The dirty and IOPF ops (both kernels). */
SAME_FIELD(st_cmd, dirty.flags, iommu_test_cmd, dirty.flags);
SAME_FIELD(st_cmd, dirty.iova, iommu_test_cmd, dirty.iova);
SAME_FIELD(st_cmd, dirty.length, iommu_test_cmd, dirty.length);
SAME_FIELD(st_cmd, dirty.page_size, iommu_test_cmd, dirty.page_size);
SAME_FIELD(st_cmd, dirty.uptr, iommu_test_cmd, dirty.uptr);
SAME_FIELD(st_cmd, dirty.out_nr_dirty, iommu_test_cmd, dirty.out_nr_dirty);
SAME_FIELD(st_cmd, trigger_iopf.dev_id, iommu_test_cmd, trigger_iopf.dev_id);
SAME_FIELD(st_cmd, trigger_iopf.pasid, iommu_test_cmd, trigger_iopf.pasid);
SAME_FIELD(st_cmd, trigger_iopf.grpid, iommu_test_cmd, trigger_iopf.grpid);
SAME_FIELD(st_cmd, trigger_iopf.perm, iommu_test_cmd, trigger_iopf.perm);
SAME_FIELD(st_cmd, trigger_iopf.addr, iommu_test_cmd, trigger_iopf.addr);
#ifdef KHAS_ST_VIOMMU_OPS
/* 7.x ops: device cache check, vEVENT trigger, PASID attach/replace/detach. */
SAME_FIELD(st_cmd, check_dev_cache.id, iommu_test_cmd, check_dev_cache.id);
SAME_FIELD(st_cmd, check_dev_cache.cache, iommu_test_cmd, check_dev_cache.cache);
SAME(ST_DEV_CACHE_DEFAULT, IOMMU_TEST_DEV_CACHE_DEFAULT);
SAME(ST_DEV_CACHE_ENTRIES, MOCK_DEV_CACHE_NUM);
SAME_FIELD(st_cmd, trigger_vevent.dev_id, iommu_test_cmd, trigger_vevent.dev_id);
SAME_FIELD(st_cmd, pasid_attach.pasid, iommu_test_cmd, pasid_attach.pasid);
SAME_FIELD(st_cmd, pasid_attach.pt_id, iommu_test_cmd, pasid_attach.pt_id);
/* REPLACE is sent with the attach member: the kernel's two members coincide. */
SAME_FIELD(st_cmd, pasid_attach.pasid, iommu_test_cmd, pasid_replace.pasid);
SAME_FIELD(st_cmd, pasid_attach.pt_id, iommu_test_cmd, pasid_replace.pt_id);
SAME_FIELD(st_cmd, pasid_detach.pasid, iommu_test_cmd, pasid_detach.pasid);
#endif
#ifdef KHAS_ST_DEV_PASID
SAME(ST_MOCK_DEV_PASID, MOCK_FLAGS_DEVICE_PASID);
SAME(ST_MOCK_PASID_WIDTH, MOCK_PASID_WIDTH);
SAME(ST_PASID_FAKE_ERROR, IOMMU_TEST_PASID_RESERVED);
#endif
#ifdef KHAS_ST_VEVENT
SAME(ST_VEVENTQ_TYPE, IOMMU_VEVENTQ_TYPE_SELFTEST);
SAME(KABI_VEVENTQ_TYPE_SELFTEST, IOMMU_VEVENTQ_TYPE_SELFTEST);
SAME(IOMMUFD_VEVENTQ_SELFTEST, IOMMU_VEVENTQ_TYPE_SELFTEST);
SAME_SIZE(st_vevent, iommu_viommu_event_selftest);
SAME_FIELD(st_vevent, virt_id, iommu_viommu_event_selftest, virt_id);
SAME(KABI_VEVENT_SELFTEST_LEN, sizeof(struct iommu_viommu_event_selftest));
#endif
#ifdef KHAS_ST_HW_QUEUE
SAME(ST_HW_QUEUE_TYPE, IOMMU_HW_QUEUE_TYPE_SELFTEST);
SAME(ST_HW_QUEUE_MAX, IOMMU_TEST_HW_QUEUE_MAX);
SAME(KABI_HW_QUEUE_TYPE_SELFTEST, IOMMU_HW_QUEUE_TYPE_SELFTEST);
SAME(IOMMUFD_HW_QUEUE_SELFTEST, IOMMU_HW_QUEUE_TYPE_SELFTEST);
#endif
#ifdef KHAS_ST_MOCK_PAGE_SIZE
SAME(ST_MOCK_IO_PAGE_SIZE, MOCK_PAGE_SIZE);
#endif
#endif /* KHAS_SELFTEST_HEADER */

/* ---- 1.1: vIOMMU output data, noiommu, dma-buf export ------------------------ */

#ifdef KHAS_VIOMMU_TEGRA_DATA
SAME_SIZE(kabi_viommu_tegra241_cmdqv, iommu_viommu_tegra241_cmdqv);
SAME_FIELD(kabi_viommu_tegra241_cmdqv, out_vintf_mmap_offset, iommu_viommu_tegra241_cmdqv,
	   out_vintf_mmap_offset);
SAME_FIELD(kabi_viommu_tegra241_cmdqv, out_vintf_mmap_length, iommu_viommu_tegra241_cmdqv,
	   out_vintf_mmap_length);
SAME_SIZE(iommufd_tegra241_cmdqv_viommu_data, iommu_viommu_tegra241_cmdqv);
#endif
#ifdef KHAS_ST_VIOMMU_DATA
SAME_SIZE(kabi_viommu_selftest, iommu_viommu_selftest);
SAME_FIELD(kabi_viommu_selftest, in_data, iommu_viommu_selftest, in_data);
SAME_FIELD(kabi_viommu_selftest, out_data, iommu_viommu_selftest, out_data);
SAME_FIELD(kabi_viommu_selftest, out_mmap_offset, iommu_viommu_selftest, out_mmap_offset);
SAME_FIELD(kabi_viommu_selftest, out_mmap_length, iommu_viommu_selftest, out_mmap_length);
SAME_SIZE(iommufd_selftest_viommu_data, iommu_viommu_selftest);
#endif
#ifdef IOMMU_IOAS_NOIOMMU_GET_PA
SAME(KABI_IOMMU_IOAS_NOIOMMU_GET_PA, IOMMU_IOAS_NOIOMMU_GET_PA);
#endif
#ifdef KHAS_NOIOMMU_GET_PA
SAME_SIZE(kabi_ioas_noiommu_get_pa, iommu_ioas_noiommu_get_pa);
SAME_FIELD(kabi_ioas_noiommu_get_pa, flags, iommu_ioas_noiommu_get_pa, flags);
SAME_FIELD(kabi_ioas_noiommu_get_pa, ioas_id, iommu_ioas_noiommu_get_pa, ioas_id);
SAME_FIELD(kabi_ioas_noiommu_get_pa, reserved, iommu_ioas_noiommu_get_pa, __reserved);
SAME_FIELD(kabi_ioas_noiommu_get_pa, iova, iommu_ioas_noiommu_get_pa, iova);
SAME_FIELD(kabi_ioas_noiommu_get_pa, length, iommu_ioas_noiommu_get_pa, length);
SAME_FIELD(kabi_ioas_noiommu_get_pa, out_phys, iommu_ioas_noiommu_get_pa, out_phys);
#endif
SAME(KABI_VFIO_DEVICE_FEATURE, VFIO_DEVICE_FEATURE);
SAME(KABI_VFIO_DEVICE_FEATURE_MASK, VFIO_DEVICE_FEATURE_MASK);
SAME(KABI_VFIO_DEVICE_FEATURE_GET, VFIO_DEVICE_FEATURE_GET);
SAME(KABI_VFIO_DEVICE_FEATURE_PROBE, VFIO_DEVICE_FEATURE_PROBE);
SAME_SIZE(kabi_vfio_device_feature, vfio_device_feature);
SAME_FIELD(kabi_vfio_device_feature, flags, vfio_device_feature, flags);
SAME(KABI_VFIO_DEVICE_GET_REGION_INFO, VFIO_DEVICE_GET_REGION_INFO);
SAME(KABI_VFIO_PCI_CONFIG_REGION_INDEX, VFIO_PCI_CONFIG_REGION_INDEX);
SAME_SIZE(kabi_vfio_region_info, vfio_region_info);
SAME_FIELD(kabi_vfio_region_info, index, vfio_region_info, index);
SAME_FIELD(kabi_vfio_region_info, size, vfio_region_info, size);
SAME_FIELD(kabi_vfio_region_info, offset, vfio_region_info, offset);
#ifdef VFIO_DEVICE_FEATURE_DMA_BUF
SAME(KABI_VFIO_DEVICE_FEATURE_DMA_BUF, VFIO_DEVICE_FEATURE_DMA_BUF);
#endif
#ifdef KHAS_VFIO_DMA_BUF
SAME_SIZE(kabi_vfio_device_feature_dma_buf, vfio_device_feature_dma_buf);
SAME_FIELD(kabi_vfio_device_feature_dma_buf, region_index, vfio_device_feature_dma_buf,
	   region_index);
SAME_FIELD(kabi_vfio_device_feature_dma_buf, open_flags, vfio_device_feature_dma_buf,
	   open_flags);
SAME_FIELD(kabi_vfio_device_feature_dma_buf, flags, vfio_device_feature_dma_buf, flags);
SAME_FIELD(kabi_vfio_device_feature_dma_buf, nr_ranges, vfio_device_feature_dma_buf,
	   nr_ranges);
_Static_assert(offsetof(struct vfio_device_feature_dma_buf, dma_ranges) ==
	       sizeof(struct kabi_vfio_device_feature_dma_buf),
	       "abi: the dma ranges follow kabi_vfio_device_feature_dma_buf");
SAME_SIZE(kabi_vfio_region_dma_range, vfio_region_dma_range);
SAME_FIELD(kabi_vfio_region_dma_range, offset, vfio_region_dma_range, offset);
SAME_FIELD(kabi_vfio_region_dma_range, length, vfio_region_dma_range, length);
#endif

/* ---- process credentials (the ENOMEM explanation's CAP_IPC_LOCK check) ---- */

SAME(KABI_CAPABILITY_VERSION_3, _LINUX_CAPABILITY_VERSION_3);
SAME(KABI_CAP_IPC_LOCK, CAP_IPC_LOCK);
SAME_SIZE(kabi_cap_header, __user_cap_header_struct);
SAME_FIELD(kabi_cap_header, version, __user_cap_header_struct, version);
SAME_FIELD(kabi_cap_header, pid, __user_cap_header_struct, pid);
SAME_SIZE(kabi_cap_data, __user_cap_data_struct);
SAME_FIELD(kabi_cap_data, effective, __user_cap_data_struct, effective);
SAME_FIELD(kabi_cap_data, permitted, __user_cap_data_struct, permitted);
SAME_FIELD(kabi_cap_data, inheritable, __user_cap_data_struct, inheritable);
#ifdef KHAS_USER_NS_INIT_INO	/* named in the uapi since 7.x; the number is 3.8's */
SAME(KABI_PROC_USER_INIT_INO, USER_NS_INIT_INO);
#endif
