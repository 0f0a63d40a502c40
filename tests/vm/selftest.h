/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The ABI of the kernel's iommufd selftest driver (CONFIG_IOMMUFD_TEST),
 * restated in our own names for the VM tests.
 *
 * The kernel does not install a header for it (it lives next to the driver,
 * in drivers/iommu/iommufd/iommufd_test.h), so the layouts are written down
 * here from the 6.12 and 7.2 sources and checked with _Static_assert.
 * tests/abi/abi-check.sh compiles this file against each built kernel's own
 * copy of that header to prove both statements agree.
 *
 * What the tests use it for: the mock driver makes "devices" with no
 * hardware behind them (a mock device is created, bound to the iommufd and
 * attached in one command), and a few test ops read kernel state back
 * (which pages a mock domain maps, what a nested domain's IOTLB holds,
 * which domain a device sits on).
 */
#ifndef LIBIOMMUFD_VM_SELFTEST_H
#define LIBIOMMUFD_VM_SELFTEST_H

#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>

/* One ioctl for everything: number 0xa0 in iommufd's ';' space. */
#define ST_TEST_CMD _IO(';', 0xa0)

/*
 * The operations, in the order the kernel numbers them. Both 6.12 and 7.2
 * start the list at 1 with the same fifteen entries; 7.2 appended eight
 * more. A kernel answers an op it does not know with EOPNOTSUPP.
 */
enum st_op {
	ST_OP_ADD_RESERVED = 1,		/* reserve an IOVA range in an IOAS */
	ST_OP_MOCK_DOMAIN = 2,		/* new mock device, bound + attached to id */
	ST_OP_MD_CHECK_MAP = 3,		/* does mock HWPT id map iova->uptr's pages? */
	ST_OP_MD_CHECK_REFS = 4,
	ST_OP_CREATE_ACCESS = 5,
	ST_OP_DESTROY_ACCESS_PAGES = 6,
	ST_OP_ACCESS_PAGES = 7,
	ST_OP_ACCESS_RW = 8,
	ST_OP_SET_TEMP_MEMORY_LIMIT = 9,
	ST_OP_MOCK_DOMAIN_REPLACE = 10,	/* move mock device id to another pt */
	ST_OP_ACCESS_REPLACE_IOAS = 11,
	ST_OP_MOCK_DOMAIN_FLAGS = 12,	/* as MOCK_DOMAIN, with device flags */
	ST_OP_DIRTY = 13,
	ST_OP_MD_CHECK_IOTLB = 14,	/* compare a nested mock domain's IOTLB entry */
	ST_OP_TRIGGER_IOPF = 15,
	/* appended after 6.12 (present in 7.2) */
	ST_OP_DEV_CHECK_CACHE = 16,
	ST_OP_TRIGGER_VEVENT = 17,
	ST_OP_PASID_ATTACH = 18,
	ST_OP_PASID_REPLACE = 19,
	ST_OP_PASID_DETACH = 20,
	ST_OP_PASID_CHECK_HWPT = 21,	/* is (device id, pasid) on this HWPT? */
	ST_OP_DMABUF_GET = 22,
	ST_OP_DMABUF_REVOKE = 23,
};

/* Device flags of ST_OP_MOCK_DOMAIN_FLAGS (the only one both kernels share). */
#define ST_MOCK_DEV_NO_DIRTY 0x1u	/* the device cannot do dirty tracking */
/*
 * 7.2: the device has PASIDs (ST_MOCK_PASID_WIDTH bits). 6.12 gives this bit
 * no meaning and refuses it (EINVAL: it knows bits 0 and 1 only).
 */
#define ST_MOCK_DEV_PASID 0x4u
#define ST_MOCK_PASID_WIDTH 20
/*
 * 7.2: the mock driver fails every second attach of PASID 1024 (ENOMEM), to
 * exercise the core's roll-back to the old domain; other PASIDs are plain.
 */
#define ST_PASID_FAKE_ERROR 1024u

/*
 * The mock IOMMU's page: half a CPU page on both kernels. ST_OP_DIRTY takes
 * its bitmap in these units: 6.12 looks up its page table at
 * iova / page_size, so any other page size marks the wrong entries there.
 */
#define ST_MOCK_IO_PAGE_SIZE 2048u

/* IOVAs outside this window are reserved once a mock domain is attached. */
#define ST_MOCK_APERTURE_START 0x1000000ull	/* 16 MiB */
#define ST_MOCK_APERTURE_LAST 0x7fffffffull	/* 2 GiB - 1 */

/* GET_HW_INFO of a mock device: this record type and this register value. */
#define ST_HW_INFO_TYPE 0xfeedbeefu
#define ST_HW_INFO_REGVAL 0xdeadbeefu
struct st_hw_info {
	uint32_t flags;
	uint32_t test_reg;	/* reads ST_HW_INFO_REGVAL */
};
_Static_assert(sizeof(struct st_hw_info) == 8, "st_hw_info size");
_Static_assert(offsetof(struct st_hw_info, test_reg) == 4, "st_hw_info.test_reg");

/*
 * Vendor data of a nested mock HWPT (data type ST_HWPT_DATA_TYPE): every
 * IOTLB entry of the new domain starts with @iotlb. 7.2 appended a u32 page
 * table type; sending only the first 4 bytes works on both kernels.
 */
#define ST_HWPT_DATA_TYPE 0xdeadu
#define ST_IOTLB_DEFAULT 0xbadbeefu
#define ST_NESTED_IOTLB_ENTRIES 4
struct st_hwpt_data {
	uint32_t iotlb;
};
_Static_assert(sizeof(struct st_hwpt_data) == 4, "st_hwpt_data size");

/*
 * Invalidation of the mock caches (data type ST_INV_DATA_TYPE for both a
 * nested HWPT and a vIOMMU). A nested mock HWPT has ST_NESTED_IOTLB_ENTRIES
 * IOTLB entries; invalidating one sets it to 0, and with ST_INV_FLAG_ALL
 * every entry becomes 0 (the ID is still range-checked). The kernel stops
 * at the first entry it refuses: EOPNOTSUPP for unknown flags, EINVAL for
 * an ID out of range (or, on a vIOMMU, a virtual ID no vDevice has), and
 * reports how many entries it handled before it.
 */
#define ST_INV_DATA_TYPE 0xdeadbeefu
#define ST_INV_FLAG_ALL 0x1u
struct st_hwpt_inv {
	uint32_t flags;
	uint32_t iotlb_id;
};
_Static_assert(sizeof(struct st_hwpt_inv) == 8, "st_hwpt_inv size");

/*
 * 7.2: the mock vIOMMU (type ST_VIOMMU_TYPE). Each mock device has
 * ST_DEV_CACHE_ENTRIES "device cache" entries that start as
 * ST_DEV_CACHE_DEFAULT; a vIOMMU invalidation names the device by the
 * virtual ID of its vDevice.
 */
#define ST_VIOMMU_TYPE 0xdeadbeefu
#define ST_DEV_CACHE_DEFAULT 0xbaddadu
#define ST_DEV_CACHE_ENTRIES 4
struct st_viommu_inv {
	uint32_t flags;
	uint32_t vdev_id;	/* the vDevice's virtual ID */
	uint32_t cache_id;
};
_Static_assert(sizeof(struct st_viommu_inv) == 12, "st_viommu_inv size");

/*
 * 7.2: the event a mock device raises on its vIOMMU (ST_OP_TRIGGER_VEVENT)
 * when it sits on a nested HWPT of that vIOMMU and has a vDevice there:
 * delivered to the vIOMMU's vEVENTQ of type ST_VEVENTQ_TYPE, carrying the
 * vDevice's virtual ID. Without such a queue the op fails (EOPNOTSUPP),
 * without a vDevice (ENOENT).
 */
#define ST_VEVENTQ_TYPE 0xbeefbeefu
struct st_vevent {
	uint32_t virt_id;
};
_Static_assert(sizeof(struct st_vevent) == 4, "st_vevent size");

/*
 * 7.2: HW queues of the mock vIOMMU (type ST_HW_QUEUE_TYPE): indexes
 * 0..ST_HW_QUEUE_MAX-1, each one after the one before it exists (EIO
 * otherwise), and a queue cannot go while the next one depends on it.
 */
#define ST_HW_QUEUE_TYPE 0xdeadbeefu
#define ST_HW_QUEUE_MAX 2

/*
 * The command: a common head, one operation-specific union member, and a
 * trailing u32 the kernel uses to find the minimum size (it rejects a
 * command shorter than the end of @last, 68 bytes). The largest union
 * member (the dirty-bitmap op: a u32 flags padded to 8, then five u64) makes
 * the union 48 bytes; @raw pins that.
 */
struct st_cmd {
	uint32_t size;		/* sizeof(struct st_cmd) */
	uint32_t op;		/* enum st_op */
	uint32_t id;		/* the object the op works on */
	uint32_t reserved;
	union {
		struct {	/* ST_OP_ADD_RESERVED, id = IOAS */
			uint64_t start;
			uint64_t length;
		} add_reserved;
		struct {	/* ST_OP_MOCK_DOMAIN, id = IOAS or HWPT */
			uint32_t out_stdev_id;	/* the selftest object; DESTROY removes the device */
			uint32_t out_hwpt_id;	/* the HWPT it was attached to */
			uint32_t out_idev_id;	/* its device ID, as for a bound VFIO device */
		} mock_domain;
		struct {	/* ST_OP_MOCK_DOMAIN_FLAGS: the same, plus */
			uint32_t out_stdev_id;
			uint32_t out_hwpt_id;
			uint32_t out_idev_id;
			uint32_t dev_flags;	/* ST_MOCK_DEV_* */
		} mock_domain_flags;
		struct {	/* ST_OP_MOCK_DOMAIN_REPLACE, id = stdev */
			uint32_t pt_id;		/* in: IOAS or HWPT; out: HWPT used */
		} mock_domain_replace;
		struct {	/* ST_OP_MD_CHECK_MAP, id = mock paging HWPT */
			uint64_t iova;
			uint64_t length;
			uint64_t uptr;		/* the memory that must be mapped there */
		} check_map;
		struct {	/* ST_OP_MD_CHECK_IOTLB, id = nested mock HWPT */
			uint32_t id;		/* entry, 0..ST_NESTED_IOTLB_ENTRIES-1 */
			uint32_t iotlb;		/* expected value */
		} check_iotlb;
		struct {	/* ST_OP_DEV_CHECK_CACHE, id = device ID (idev), 7.2 */
			uint32_t id;		/* entry, 0..ST_DEV_CACHE_ENTRIES-1 */
			uint32_t cache;		/* expected value */
		} check_dev_cache;
		struct {	/* ST_OP_PASID_CHECK_HWPT, id = stdev (7.2) */
			uint32_t pasid;		/* 0: the device itself */
			uint32_t hwpt_id;	/* 0: "nothing attached" */
		} pasid_check;
		struct {	/* ST_OP_DIRTY, id = mock paging HWPT with tracking on */
			uint32_t flags;
			uint64_t iova;
			uint64_t length;
			uint64_t page_size;	/* ST_MOCK_IO_PAGE_SIZE (see there) */
			uint64_t uptr;		/* bitmap: bit i marks iova + i * page_size */
			uint64_t out_nr_dirty;	/* bits the kernel marked */
		} dirty;
		struct {	/* ST_OP_TRIGGER_IOPF, id unused */
			uint32_t dev_id;	/* the device ID (idev) that faults */
			uint32_t pasid;		/* 0: none; else the fault has PASID_VALID */
			uint32_t grpid;
			uint32_t perm;		/* IOMMUFD_FAULT_READ... */
			uint64_t addr;
		} trigger_iopf;
		struct {	/* ST_OP_TRIGGER_VEVENT, id unused (7.2) */
			uint32_t dev_id;	/* the device ID (idev) */
		} trigger_vevent;
		struct {	/* ST_OP_PASID_ATTACH and _REPLACE, id = stdev (7.2) */
			uint32_t pasid;
			uint32_t pt_id;		/* in: IOAS or HWPT; out: the HWPT used */
		} pasid_attach;
		struct {	/* ST_OP_PASID_DETACH, id = stdev (7.2) */
			uint32_t pasid;
		} pasid_detach;
		uint8_t raw[48];
	} __attribute__((aligned(8)));	/* the kernel's u64s are 8-aligned everywhere */
	uint32_t last;
};
_Static_assert(sizeof(struct st_cmd) == 72, "st_cmd size");
_Static_assert(offsetof(struct st_cmd, op) == 4, "st_cmd.op");
_Static_assert(offsetof(struct st_cmd, id) == 8, "st_cmd.id");
_Static_assert(offsetof(struct st_cmd, add_reserved.start) == 16, "add_reserved.start");
_Static_assert(offsetof(struct st_cmd, add_reserved.length) == 24, "add_reserved.length");
_Static_assert(offsetof(struct st_cmd, mock_domain.out_stdev_id) == 16, "mock_domain.stdev");
_Static_assert(offsetof(struct st_cmd, mock_domain.out_hwpt_id) == 20, "mock_domain.hwpt");
_Static_assert(offsetof(struct st_cmd, mock_domain.out_idev_id) == 24, "mock_domain.idev");
_Static_assert(offsetof(struct st_cmd, mock_domain_flags.dev_flags) == 28, "mock_domain_flags.dev_flags");
_Static_assert(offsetof(struct st_cmd, mock_domain_replace.pt_id) == 16, "mock_domain_replace.pt_id");
_Static_assert(offsetof(struct st_cmd, check_map.iova) == 16, "check_map.iova");
_Static_assert(offsetof(struct st_cmd, check_map.length) == 24, "check_map.length");
_Static_assert(offsetof(struct st_cmd, check_map.uptr) == 32, "check_map.uptr");
_Static_assert(offsetof(struct st_cmd, check_iotlb.id) == 16, "check_iotlb.id");
_Static_assert(offsetof(struct st_cmd, check_iotlb.iotlb) == 20, "check_iotlb.iotlb");
_Static_assert(offsetof(struct st_cmd, check_dev_cache.id) == 16, "check_dev_cache.id");
_Static_assert(offsetof(struct st_cmd, check_dev_cache.cache) == 20, "check_dev_cache.cache");
_Static_assert(offsetof(struct st_cmd, pasid_check.pasid) == 16, "pasid_check.pasid");
_Static_assert(offsetof(struct st_cmd, pasid_check.hwpt_id) == 20, "pasid_check.hwpt_id");
_Static_assert(offsetof(struct st_cmd, dirty.flags) == 16, "dirty.flags");
_Static_assert(offsetof(struct st_cmd, dirty.iova) == 24, "dirty.iova");
_Static_assert(offsetof(struct st_cmd, dirty.length) == 32, "dirty.length");
_Static_assert(offsetof(struct st_cmd, dirty.page_size) == 40, "dirty.page_size");
_Static_assert(offsetof(struct st_cmd, dirty.uptr) == 48, "dirty.uptr");
_Static_assert(offsetof(struct st_cmd, dirty.out_nr_dirty) == 56, "dirty.out_nr_dirty");
_Static_assert(offsetof(struct st_cmd, trigger_iopf.dev_id) == 16, "trigger_iopf.dev_id");
_Static_assert(offsetof(struct st_cmd, trigger_iopf.pasid) == 20, "trigger_iopf.pasid");
_Static_assert(offsetof(struct st_cmd, trigger_iopf.grpid) == 24, "trigger_iopf.grpid");
_Static_assert(offsetof(struct st_cmd, trigger_iopf.perm) == 28, "trigger_iopf.perm");
_Static_assert(offsetof(struct st_cmd, trigger_iopf.addr) == 32, "trigger_iopf.addr");
_Static_assert(offsetof(struct st_cmd, trigger_vevent.dev_id) == 16, "trigger_vevent.dev_id");
_Static_assert(offsetof(struct st_cmd, pasid_attach.pasid) == 16, "pasid_attach.pasid");
_Static_assert(offsetof(struct st_cmd, pasid_attach.pt_id) == 20, "pasid_attach.pt_id");
_Static_assert(offsetof(struct st_cmd, pasid_detach.pasid) == 16, "pasid_detach.pasid");
_Static_assert(offsetof(struct st_cmd, last) == 64, "st_cmd.last");

#endif /* LIBIOMMUFD_VM_SELFTEST_H */
