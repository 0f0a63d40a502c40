/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Helpers shared by the programs that run inside the test VM (tests/vm/vm-*.c).
 *
 * - the console protocol of tests/vm/README.md: "PLAN <prog> <n>" and one
 *   "RESULT <prog> <test> pass|fail|skip [reason]" per test;
 * - checks that stop a test at its first failure and say where and why;
 * - capture of the library's log lines, so a test can assert what it says;
 * - raw selftest commands (ST_TEST_CMD) to make mock devices and read kernel
 *   state back, and a raw IOMMU_DESTROY for "behind the library's back";
 * - QEMU's edu device: find it with the library, map its BAR0 through the
 *   VFIO region ioctls and run its DMA engine.
 *
 * The scenarios themselves use the public API of libiommufd only.
 */
#ifndef LIBIOMMUFD_VM_VMTEST_H
#define LIBIOMMUFD_VM_VMTEST_H

#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <libiommufd.h>

#include "selftest.h"

/* ---- protocol ------------------------------------------------------------ */

/* One test in progress: its name, whether it failed or skipped, and why. */
struct vmt_case {
	const char *name;
	unsigned int checks;	/* conditions checked so far */
	bool failed;
	bool skipped;
	char reason[768];
};

typedef void (*vmt_test_fn)(struct vmt_case *t);

/* Prints the PLAN line of @argv0's basename, with line-buffered stdout. */
void vmt_begin(const char *argv0, unsigned int ntests);
/* Runs @fn as test @name and prints its RESULT line. */
void vmt_run(const char *name, vmt_test_fn fn);
/* The exit status: 0 when nothing failed and every planned test reported. */
int vmt_end(void);

/* Free-form output (never a protocol line). */
void vmt_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/*
 * Records one check of @t at @file:@line: a failed one fails the test and
 * prints the message. Returns @ok. Called through REQUIRE() and CHECK().
 */
bool vmt_check_(struct vmt_case *t, bool ok, const char *file, int line,
		const char *fmt, ...) __attribute__((format(printf, 5, 6)));
void vmt_skip_(struct vmt_case *t, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * The checks, where a `struct vmt_case *t` is in scope; each records the
 * condition with its file and line and, when it does not hold, fails the
 * test with the printf-style message:
 *
 * REQUIRE(cond, fmt, ...) is an expression that yields whether @cond held,
 * for helpers that give up and tell their caller (`if (!REQUIRE(rc == 0,
 * "bind: %s", vmt_errname(rc))) return false;`, `return REQUIRE(...);`).
 *
 * CHECK(cond, fmt, ...) is a statement for test functions: when @cond does
 * not hold it leaves the test through its `out:` label, which releases
 * what the test holds.
 */
#define REQUIRE(cond, ...) vmt_check_(t, (cond), __FILE__, __LINE__, __VA_ARGS__)
#define CHECK(cond, ...)							\
	do {									\
		if (!REQUIRE((cond), __VA_ARGS__))				\
			goto out;						\
	} while (0)
/* @expr must return @want (0 or a negative errno). */
#define CHECK_RC(expr, want)							\
	do {									\
		int rc_ = (expr);						\
		CHECK(rc_ == (want), "%s = %d (%s), expected %d (%s)", #expr,	\
		      rc_, vmt_errname(rc_), (int)(want), vmt_errname(want));	\
	} while (0)
#define SKIP(...)								\
	do {									\
		vmt_skip_(t, __VA_ARGS__);					\
		goto out;							\
	} while (0)

/* "EEXIST" for -EEXIST or EEXIST, "0" for 0. */
const char *vmt_errname(int err);

/* ---- where we run -------------------------------------------------------- */

/* LIBIOMMUFD_MACHINE: mock, vtd, amd, virtio (or "unknown"). */
const char *vmt_machine(void);
bool vmt_machine_is(const char *name);
/* vtd, amd, virtio: QEMU's edu sits behind an emulated IOMMU. */
bool vmt_machine_has_edu(void);
/*
 * Machine noiommu: bind edu's noiommu cdev (7.3+) into @ctx. Skips @t on
 * another machine or an older kernel (no noiommu cdevs), records a failure
 * when the cdev is missing or refuses.
 */
bool vmt_noiommu_bind(struct vmt_case *t, struct iommufd_ctx *ctx,
		      struct iommufd_device **ret_dev);
/*
 * The physical address of the page behind @va in this process, from
 * /proc/self/pagemap (root only: others read PFN 0). 0, -ENOENT when the
 * page is not present, -EPERM when the PFN is hidden, or -errno.
 */
int vmt_pagemap_phys(const void *va, uint64_t *ret_phys);
/*
 * Machine noiommu: does @ioas map [iova, iova + len) to the pages behind
 * @va, page by page? Each IOVA's iommufd_ioas_noiommu_get_pa() must be
 * non-zero and equal /proc/self/pagemap's address of the page at the same
 * offset of @va (every page of @va must be present: write it first). 0,
 * -EIO on a mismatch (@ret_bad_page, if not NULL, says which page), or
 * the errno of GET_PA or pagemap.
 */
int vmt_noiommu_check_map(struct iommufd_ioas *ioas, uint64_t iova, uint64_t len,
			  const void *va, uint64_t *ret_bad_page);
/* The running kernel as KERNEL_VERSION(major, minor, patch). */
unsigned int vmt_kernel_version(void);
const char *vmt_kernel_release(void);
#define VMT_KV(a, b, c) (((a) << 16) + ((b) << 8) + ((c) > 255 ? 255 : (c)))

/*
 * True when /dev/iommu exists. Otherwise records a skip when the kernel
 * predates iommufd (Debian's 6.1 is built without it) and a failure on a
 * kernel that must have it, and returns false.
 */
bool vmt_need_iommufd(struct vmt_case *t);

/* Number of open file descriptors of this process (/proc/self/fd). */
int vmt_count_fds(void);

/* Page-aligned anonymous memory (mmap), and its release. */
void *vmt_pages(size_t len);
void vmt_pages_free(void *p, size_t len);

/* ---- the library's log --------------------------------------------------- */

/* Log function that records (and echoes) every line; see vmt_log_has(). */
void vmt_log_fn(void *userdata, int priority, const char *file, int line,
		const char *fn, const char *format, va_list args);
void vmt_log_reset(void);
bool vmt_log_has(const char *needle);
/* The last line logged (empty if none). */
const char *vmt_log_last(void);
/*
 * Lines logged at LOG_ERR (or more urgent) since the last reset: an
 * expected outcome must add none (issue 8, defect 4).
 */
unsigned int vmt_log_errors(void);

/* iommufd_ctx_new() with vmt_log_fn at LOG_INFO. */
int vmt_ctx_new(struct iommufd_ctx **ret_ctx);
/* iommufd_ctx_new_from_fd() with vmt_log_fn. */
int vmt_ctx_adopt(int fd, struct iommufd_ctx **ret_ctx);

/* ---- raw kernel commands (test side only) -------------------------------- */

/* IOMMU_DESTROY of @id on the iommufd @fd: 0 or -errno. */
int vmt_destroy(int fd, uint32_t id);

/* Selftest: a new mock device attached to @pt_id (MOCK_DOMAIN_FLAGS when
 * @dev_flags is non-zero). Any out pointer may be NULL. */
int vmt_st_mock_domain(int fd, uint32_t pt_id, uint32_t dev_flags,
		       uint32_t *ret_stdev, uint32_t *ret_hwpt, uint32_t *ret_idev);
/* Selftest: move mock device @stdev to @pt_id; the HWPT used in @ret_hwpt. */
int vmt_st_replace(int fd, uint32_t stdev, uint32_t pt_id, uint32_t *ret_hwpt);
/* Selftest: does mock paging HWPT @hwpt map [iova, iova+len) to @buf? */
int vmt_st_check_map(int fd, uint32_t hwpt, uint64_t iova, uint64_t len,
		     const void *buf);
/* Selftest: is IOTLB entry @idx of nested mock HWPT @hwpt equal to @val? */
int vmt_st_check_iotlb(int fd, uint32_t hwpt, uint32_t idx, uint32_t val);
/* Selftest (7.x): is mock device @stdev (PASID @pasid, 0 = none) on @hwpt? */
int vmt_st_pasid_check(int fd, uint32_t stdev, uint32_t pasid, uint32_t hwpt);
/* Selftest (7.x): is device-cache entry @idx of mock device @idev equal to @val? */
int vmt_st_check_dev_cache(int fd, uint32_t idev, uint32_t idx, uint32_t val);

/* Selftest: reserve [start, start+length) in IOAS @ioas (as a device would). */
int vmt_st_add_reserved(int fd, uint32_t ioas, uint64_t start, uint64_t length);
/*
 * Selftest: mark pages of dirty-tracking mock HWPT @hwpt dirty, as if a
 * device wrote them: bit i of @bitmap marks iova + i * ST_MOCK_IO_PAGE_SIZE
 * (the only unit both kernels agree on, see selftest.h). The number of pages
 * the kernel marked in @ret_nr (may be NULL).
 */
int vmt_st_dirty(int fd, uint32_t hwpt, uint64_t iova, uint64_t length,
		 const uint64_t *bitmap, uint64_t *ret_nr);
/* Selftest: mock device @idev raises one I/O page fault (a group of one). */
int vmt_st_trigger_iopf(int fd, uint32_t idev, uint32_t pasid, uint32_t grpid,
			uint32_t perm, uint64_t addr);
/* Selftest (7.x): mock device @idev raises one event on its vIOMMU. */
int vmt_st_trigger_vevent(int fd, uint32_t idev);
/* Selftest (7.x): attach / replace PASID @pasid of mock device @stdev;
 * the HWPT used in @ret_hwpt (may be NULL). */
int vmt_st_pasid_attach(int fd, uint32_t stdev, uint32_t pasid, uint32_t pt_id,
			uint32_t *ret_hwpt);
int vmt_st_pasid_replace(int fd, uint32_t stdev, uint32_t pasid, uint32_t pt_id,
			 uint32_t *ret_hwpt);
int vmt_st_pasid_detach(int fd, uint32_t stdev, uint32_t pasid);

/*
 * The ID the kernel gives the next object of @ctx (IDs are allocated
 * lowest-free): allocates an IOAS and frees it. 0 on failure.
 */
uint32_t vmt_next_free_id(struct iommufd_ctx *ctx);

/* ---- the capability probe ------------------------------------------------ */

/* iommufd_ctx_probe() into @p (sz set here); 0 or -errno. */
int vmt_ctx_probe(struct iommufd_ctx *ctx, struct iommufd_probe *p);
/* "map_file kernel lacks it (ENOTTY)": a verdict in words, for reasons. */
const char *vmt_verdict(const char *name, struct iommufd_feature f);
/*
 * Records a skip whose reason quotes the probe: "probe: <verdict>", then
 * @fmt. For a feature the probe says is missing.
 */
void vmt_skip_probe(struct vmt_case *t, const char *name, struct iommufd_feature f,
		    const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/*
 * A mock device attached to @pt_id (MOCK_DOMAIN, or MOCK_DOMAIN_FLAGS with
 * @dev_flags), wrapped in a library handle (iommufd_device_new_from_id()).
 * On the mock machine a failure is a test failure; next to an emulated
 * IOMMU, 6.x kernels refuse mock devices (EINVAL) and that is recorded as
 * a skip. True on success; @ret_stdev is the selftest object (the test
 * destroys it with vmt_destroy() before the page table it sits on).
 */
bool vmt_mock_device(struct vmt_case *t, struct iommufd_ctx *ctx, uint32_t pt_id,
		     uint32_t dev_flags, uint32_t *ret_stdev,
		     struct iommufd_device **ret_dev);

/* ---- QEMU's edu device --------------------------------------------------- */

#define VMT_EDU_VENDOR 0x1234
#define VMT_EDU_DEVICE 0x11e8
#define VMT_EDU_BUF 0x40000u		/* device address of its 4 KiB buffer */
#define VMT_EDU_BUF_SIZE 4096u
/*
 * Bytes per DMA in the tests: QEMU 7.2's edu rejects a transfer that
 * reaches the last byte of its buffer (an off-by-one in its range check)
 * and aborts the whole VM with "hardware error", so never use all 4 KiB.
 */
#define VMT_EDU_DMA_LEN 2048u
#define VMT_EDU_DMA_LIMIT (1ull << 28)	/* it masks DMA addresses to 28 bits */

/*
 * The first 1 MiB-aligned IOVA >= @floor (at least 1 MiB) inside one of the
 * IOAS's allowed ranges with @len bytes of room, below edu's DMA limit.
 */
bool vmt_pick_iova(struct iommufd_ioas *ioas, uint64_t floor, uint64_t len,
		   uint64_t *ret);

struct vmt_edu {
	int fd;				/* the VFIO cdev (not owned) */
	volatile uint8_t *bar;		/* BAR0 (1 MiB of MMIO) */
	size_t bar_size;
};

/*
 * The PCI address of the first edu device with a VFIO cdev, found with
 * iommufd_discover_list(), and its cdev path. -ENODEV when there is none.
 */
int vmt_edu_find(struct iommufd_ctx *ctx, char *ret_addr, size_t addr_len,
		 char *ret_cdev, size_t cdev_len);
/*
 * Find and bind edu (iommufd_device_bind_pci()); records a skip on machines
 * without edu, a failure when it should be there and is not. True on success.
 */
bool vmt_edu_bind(struct vmt_case *t, struct iommufd_ctx *ctx,
		  struct iommufd_device **ret_dev);
/*
 * Map BAR0 of the bound device @cdev_fd, check edu's ID register and turn
 * on bus mastering. 0, or -errno with @err describing what failed.
 */
int vmt_edu_open(struct vmt_edu *e, int cdev_fd, char *err, size_t errlen);
void vmt_edu_close(struct vmt_edu *e);
/*
 * One DMA: @to_ram false copies @len bytes at IOVA @iova into the device
 * buffer at @off; true copies the device buffer at @off to IOVA @iova.
 * Waits for completion: 0, or -ETIMEDOUT.
 */
int vmt_edu_dma(struct vmt_edu *e, uint64_t iova, uint32_t off, uint32_t len,
		bool to_ram);

/* Fill with a pattern derived from @seed; compare against it. */
void vmt_fill(void *buf, size_t len, uint32_t seed);
/* Offset of the first byte that differs from the pattern, or -1. */
long vmt_pattern_diff(const void *buf, size_t len, uint32_t seed);

#endif /* LIBIOMMUFD_VM_VMTEST_H */
