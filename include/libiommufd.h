/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file libiommufd.h
 * @brief libiommufd: a userspace library over Linux iommufd and VFIO cdevs.
 *
 * The library wraps the kernel's iommufd objects (an open `/dev/iommu`,
 * IO address spaces, hardware page tables, bound VFIO devices) in opaque,
 * reference-counted handles.
 *
 * **Conventions, true of every call in this header**
 * - Every call returning `int` returns 0 on success or a negative errno.
 *   Errors from the kernel pass through unchanged; arguments the library can
 *   see are wrong (NULL, zero length, unknown flags, misalignment) give
 *   -EINVAL before anything reaches the kernel. A failure is also reported
 *   through the context's log function with what failed and why.
 * - Out-parameters are named `ret_*`, come last and are left untouched when
 *   the call fails.
 * - `*_unref()` accepts NULL and returns NULL. A child handle holds a
 *   reference on its parent (an IOAS on its context, a HWPT on the page
 *   table it was allocated on, a device on its context and on the page table
 *   it is attached to), so handles may be released in any order.
 * - Every handle exposes its kernel object ID, and the context its file
 *   descriptor, so callers can mix library calls with their own ioctls.
 *
 * **Thread safety** (the one statement for the whole library): distinct
 * handles may be used from distinct threads at the same time; one handle
 * must not be used from two threads at once, and a call taking several
 * handles counts as using all of them. Reference counts are atomic, so
 * `*_ref()`/`*_unref()` may be called from any thread.
 */
#ifndef LIBIOMMUFD_H
#define LIBIOMMUFD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @brief Declare an options struct @p NAME of type `struct TYPE`, zeroed,
 * with its `sz` member set, and the given members initialised.
 *
 * Example: `LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_NEST_PARENT);`
 *
 * The library reads only the members that fit in `sz`, so a program built
 * against this header keeps working with a later library; it returns -E2BIG
 * when a program built against a later header sets members this library
 * does not know. Requires GNU C (gcc, clang).
 */
#define LIBIOMMUFD_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = ({							\
		memset(&NAME, 0, sizeof(struct TYPE));				\
		(struct TYPE){ .sz = sizeof(struct TYPE), __VA_ARGS__ };	\
	})

/* ==== logging ============================================================ */

/**
 * @brief Log callback.
 * @param userdata the pointer given with the callback
 * @param priority a syslog(3) priority: LOG_ERR (3), LOG_INFO (6), LOG_DEBUG (7)
 * @param file source file of the library that logs
 * @param line source line
 * @param fn function name
 * @param format printf-style format of the message (no trailing newline)
 * @param args arguments of @p format
 */
typedef void (*iommufd_log_fn)(void *userdata, int priority, const char *file,
			       int line, const char *fn, const char *format,
			       va_list args);

/* ==== context ============================================================ */

/**
 * @struct iommufd_ctx
 * @brief An open iommufd (`/dev/iommu`): the parent of every other handle.
 */
struct iommufd_ctx;

/**
 * @brief Options of iommufd_ctx_new() and iommufd_ctx_new_from_fd().
 *
 * Without a log function the library is silent, unless the environment
 * variable `LIBIOMMUFD_LOG` (read with secure_getenv(3)) names a priority
 * (`err`, `info`, `debug` or a number): messages at or above it then go to
 * stderr.
 */
struct iommufd_ctx_opts {
	/** sizeof(struct iommufd_ctx_opts); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** Device node to open instead of `/dev/iommu` (containers, tests). */
	const char *path;
	/** Log function; NULL for the default described above. */
	iommufd_log_fn log_fn;
	/** Passed to @ref log_fn unchanged. */
	void *log_userdata;
	/**
	 * Highest syslog priority to log (LOG_ERR..LOG_DEBUG); 0 means
	 * `LIBIOMMUFD_LOG`, or LOG_ERR when that is unset.
	 */
	int log_priority;
};

/**
 * @brief Open `/dev/iommu` (or @p opts->path) and make a context.
 * @param opts options, or NULL for defaults
 * @param[out] ret_ctx the new context, holding one reference
 * @return 0, or a negative errno: -ENOENT when the node is absent (the
 * running kernel has no iommufd: CONFIG_IOMMUFD), -EACCES when the caller may
 * not open it, -E2BIG for unknown option members, -EINVAL for bad options.
 */
int iommufd_ctx_new(const struct iommufd_ctx_opts *opts,
		    struct iommufd_ctx **ret_ctx);

/**
 * @brief Make a context from an iommufd the caller already has.
 *
 * A VMM often receives the iommufd from its management stack over a Unix
 * socket. The context uses @p fd but never closes it: the caller keeps it
 * open for as long as the context and its children live.
 * @param fd an open iommufd
 * @param opts options (its path member must be NULL), or NULL
 * @param[out] ret_ctx the new context
 * @return 0, or -EINVAL for a negative fd or a path in @p opts, -E2BIG.
 */
int iommufd_ctx_new_from_fd(int fd, const struct iommufd_ctx_opts *opts,
			    struct iommufd_ctx **ret_ctx);

/**
 * @brief Take a reference.
 * @param ctx a context, or NULL
 * @return @p ctx
 */
struct iommufd_ctx *iommufd_ctx_ref(struct iommufd_ctx *ctx);

/**
 * @brief Drop a reference; the last one closes the fd (unless adopted).
 * @param ctx a context, or NULL
 * @return NULL
 */
struct iommufd_ctx *iommufd_ctx_unref(struct iommufd_ctx *ctx);

/**
 * @brief The iommufd file descriptor, for the caller's own ioctls.
 * @param ctx a context
 * @return the fd (still owned by the context), or -EINVAL for NULL
 */
int iommufd_ctx_get_fd(const struct iommufd_ctx *ctx);

/**
 * @brief Replace the log function.
 * @param ctx a context
 * @param fn the new function, or NULL to silence the context
 * @param userdata passed to @p fn
 * @return 0, or -EINVAL for a NULL @p ctx
 */
int iommufd_ctx_set_log_fn(struct iommufd_ctx *ctx, iommufd_log_fn fn,
			   void *userdata);

/**
 * @brief Set the highest syslog priority that is logged.
 * @param ctx a context
 * @param priority LOG_EMERG (0) to LOG_DEBUG (7)
 * @return 0, or -EINVAL
 */
int iommufd_ctx_set_log_priority(struct iommufd_ctx *ctx, int priority);

/**
 * @brief The highest syslog priority that is logged.
 * @param ctx a context
 * @return the priority, or -EINVAL for NULL
 */
int iommufd_ctx_get_log_priority(const struct iommufd_ctx *ctx);

/* ==== page tables: what a device can be attached to ====================== */

/**
 * @struct iommufd_pt
 * @brief A page table a device can be attached to: an IOAS or a HWPT.
 *
 * Obtained with iommufd_ioas_pt() or iommufd_hwpt_pt(); it is the same
 * object as that handle, not a new reference.
 */
struct iommufd_pt;

/**
 * @brief The kernel object ID of a page table.
 * @param pt a page table
 * @return the ID, or 0 for NULL (the kernel never uses ID 0)
 */
uint32_t iommufd_pt_get_id(const struct iommufd_pt *pt);

/* ==== IO address space =================================================== */

/**
 * @struct iommufd_ioas
 * @brief An IO address space: IOVA → user memory mappings, shared by every
 * HWPT and device attached to it.
 */
struct iommufd_ioas;

/** @brief Map permissions (at least one is required). */
enum iommufd_map_prot {
	IOMMUFD_MAP_READ = 1 << 0,	/**< the device may read the memory */
	IOMMUFD_MAP_WRITE = 1 << 1,	/**< the device may write the memory */
};

/** @brief One IOVA interval, both ends inclusive. */
struct iommufd_iova_range {
	uint64_t start;	/**< first IOVA of the interval */
	uint64_t last;	/**< last IOVA of the interval (inclusive) */
};

/**
 * @brief Allocate an empty IOAS.
 * @param ctx the context
 * @param[out] ret_ioas the new IOAS; it holds a reference on @p ctx
 * @return 0 or a negative errno
 */
int iommufd_ioas_alloc(struct iommufd_ctx *ctx, struct iommufd_ioas **ret_ioas);

/**
 * @brief Take a reference.
 * @param ioas an IOAS, or NULL
 * @return @p ioas
 */
struct iommufd_ioas *iommufd_ioas_ref(struct iommufd_ioas *ioas);

/**
 * @brief Drop a reference; the last one destroys the kernel object.
 * @param ioas an IOAS, or NULL
 * @return NULL
 */
struct iommufd_ioas *iommufd_ioas_unref(struct iommufd_ioas *ioas);

/**
 * @brief The kernel object ID.
 * @param ioas an IOAS
 * @return the ID, or 0 for NULL
 */
uint32_t iommufd_ioas_get_id(const struct iommufd_ioas *ioas);

/**
 * @brief The IOAS as a page table a device can be attached to.
 * @param ioas an IOAS
 * @return the same object (no new reference), or NULL for NULL
 */
struct iommufd_pt *iommufd_ioas_pt(struct iommufd_ioas *ioas);

/**
 * @brief Map user memory at an IOVA the kernel chooses.
 * @param ioas the IOAS
 * @param va start of the memory (page aligned)
 * @param length bytes (a non-zero multiple of the page size)
 * @param prot a mask of ::iommufd_map_prot
 * @param[out] ret_iova the IOVA the kernel chose
 * @return 0, or -EINVAL (bad argument), -ENOSPC (no room), -ENOMEM, -EFAULT
 */
int iommufd_ioas_map(struct iommufd_ioas *ioas, void *va, uint64_t length,
		     uint32_t prot, uint64_t *ret_iova);

/**
 * @brief Map user memory at a fixed IOVA.
 * @param ioas the IOAS
 * @param va start of the memory (page aligned)
 * @param length bytes (a non-zero multiple of the page size)
 * @param iova where to map it (page aligned)
 * @param prot a mask of ::iommufd_map_prot
 * @return 0, or -EEXIST (the IOVA is taken), -EINVAL, -ENOMEM, -EFAULT
 */
int iommufd_ioas_map_fixed(struct iommufd_ioas *ioas, void *va,
			   uint64_t length, uint64_t iova, uint32_t prot);

/**
 * @brief Unmap every mapping inside [iova, iova + length).
 *
 * The kernel only removes whole mappings: a range that would cut one
 * fails with -ENOENT, as does a range with no mapping at all.
 * @param ioas the IOAS
 * @param iova start of the range
 * @param length bytes (non-zero; the range must not wrap)
 * @param[out] ret_unmapped bytes unmapped, or NULL if not wanted
 * @return 0, or -ENOENT, -EINVAL
 */
int iommufd_ioas_unmap(struct iommufd_ioas *ioas, uint64_t iova,
		       uint64_t length, uint64_t *ret_unmapped);

/**
 * @brief Unmap everything in the IOAS.
 * @param ioas the IOAS
 * @param[out] ret_unmapped bytes unmapped, or NULL if not wanted
 * @return 0 (also when nothing was mapped), or a negative errno
 */
int iommufd_ioas_unmap_all(struct iommufd_ioas *ioas, uint64_t *ret_unmapped);

/**
 * @brief The IOVA ranges that can be mapped, and the required alignment.
 *
 * The ranges shrink as devices with reserved regions are attached.
 * @param ioas the IOAS
 * @param[out] ret_ranges a malloc(3)ed array for the caller to free(3)
 * (NULL when there are none)
 * @param[out] ret_count number of ranges
 * @param[out] ret_alignment the IOVA alignment the IOAS requires, or NULL
 * @return 0, or -ENOMEM, or a kernel errno
 */
int iommufd_ioas_get_iova_ranges(struct iommufd_ioas *ioas,
				 struct iommufd_iova_range **ret_ranges,
				 size_t *ret_count, uint64_t *ret_alignment);

/* ==== device ============================================================= */

/**
 * @struct iommufd_device
 * @brief A VFIO device cdev bound to a context.
 */
struct iommufd_device;

/**
 * @brief Bind a VFIO device cdev the caller opened.
 * @param ctx the context
 * @param cdev_fd an open `/dev/vfio/devices/vfioN`; the caller keeps
 * ownership and must keep it open while the device handle lives
 * @param[out] ret_dev the bound device
 * @return 0, or -EINVAL, -EBUSY (already bound), -EPERM (the kernel refuses a
 * device whose interrupts are not isolated: no interrupt remapping; see the
 * log), a kernel errno
 */
int iommufd_device_bind_fd(struct iommufd_ctx *ctx, int cdev_fd,
			   struct iommufd_device **ret_dev);

/**
 * @brief Open a VFIO device cdev by path and bind it.
 * @param ctx the context
 * @param cdev_path e.g. `/dev/vfio/devices/vfio0`; the library opens it
 * (O_RDWR | O_CLOEXEC) and closes it on the last unref
 * @param[out] ret_dev the bound device
 * @return as iommufd_device_bind_fd(), plus open(2)'s errors
 */
int iommufd_device_bind_path(struct iommufd_ctx *ctx, const char *cdev_path,
			     struct iommufd_device **ret_dev);

/**
 * @brief Find the VFIO cdev of a PCI device and bind it.
 * @param ctx the context
 * @param pci_addr e.g. `0000:00:03.0` (the domain may be omitted)
 * @param[out] ret_dev the bound device
 * @return as iommufd_discover_pci() and iommufd_device_bind_path()
 */
int iommufd_device_bind_pci(struct iommufd_ctx *ctx, const char *pci_addr,
			    struct iommufd_device **ret_dev);

/**
 * @brief A handle for a device some other code bound to this iommufd.
 *
 * For a VMM whose VFIO layer binds the cdev itself, and for the kernel
 * selftest's mock devices: the handle knows only the device ID, so it can
 * allocate HWPTs and read hw info, while attach, replace and detach (which
 * need the cdev) fail with -EOPNOTSUPP: the code owning the cdev does them.
 * @param ctx the context the device is bound to
 * @param dev_id the device ID the kernel returned at bind time (non-zero)
 * @param[out] ret_dev the handle
 * @return 0, or -EINVAL, -ENOMEM
 */
int iommufd_device_new_from_id(struct iommufd_ctx *ctx, uint32_t dev_id,
			       struct iommufd_device **ret_dev);

/**
 * @brief Take a reference.
 * @param dev a device, or NULL
 * @return @p dev
 */
struct iommufd_device *iommufd_device_ref(struct iommufd_device *dev);

/**
 * @brief Drop a reference; the last one detaches the device if attached
 * and closes the cdev if the library opened it (which also unbinds it).
 * @param dev a device, or NULL
 * @return NULL
 */
struct iommufd_device *iommufd_device_unref(struct iommufd_device *dev);

/**
 * @brief The device's ID in the iommufd (the `dev_id` of the kernel ABI).
 * @param dev a device
 * @return the ID, or 0 for NULL
 */
uint32_t iommufd_device_get_id(const struct iommufd_device *dev);

/**
 * @brief The VFIO cdev file descriptor (for region access, interrupts...).
 * @param dev a device
 * @return the fd, or -EINVAL for NULL, -EBADF for a device adopted by ID
 */
int iommufd_device_get_fd(const struct iommufd_device *dev);

/**
 * @brief Attach a detached device to an IOAS or a HWPT.
 *
 * Attached to an IOAS, the kernel picks (or allocates) a compatible domain
 * for the device; iommufd_device_get_hwpt_id() then tells its ID.
 * @param dev the device (not attached)
 * @param pt the page table; the device holds a reference on it
 * @return 0, or -EINVAL, -EBUSY when already attached (use
 * iommufd_device_replace()), -EOPNOTSUPP for a device without its cdev
 * (iommufd_device_new_from_id()), or a kernel errno
 */
int iommufd_device_attach(struct iommufd_device *dev, struct iommufd_pt *pt);

/**
 * @brief Move an attached device to another IOAS or HWPT, without passing
 * through a blocking domain (kernel 6.6+).
 *
 * The kernel driver decides how atomic the switch is for DMA in flight.
 * On failure the device stays attached to its old page table, and
 * iommufd_device_get_pt() and iommufd_device_get_hwpt_id() still report it.
 * Never allocates memory.
 * @param dev an attached device
 * @param pt the new page table (not NULL: detaching is iommufd_device_detach())
 * @return 0, or -EINVAL (NULL, or @p dev not attached), -EOPNOTSUPP (no
 * cdev), or a kernel errno
 */
int iommufd_device_replace(struct iommufd_device *dev, struct iommufd_pt *pt);

/**
 * @brief Detach the device from its page table (DMA is then blocked).
 * @param dev an attached device
 * @return 0, or -EINVAL when not attached, -EOPNOTSUPP (no cdev), or a
 * kernel errno
 */
int iommufd_device_detach(struct iommufd_device *dev);

/**
 * @brief The page table the device is attached to, as the caller chose it.
 * @param dev a device
 * @return the page table (no new reference), or NULL when detached
 */
struct iommufd_pt *iommufd_device_get_pt(const struct iommufd_device *dev);

/**
 * @brief The ID of the HWPT the kernel reported for the current attachment.
 * @param dev an attached device
 * @param[out] ret_hwpt_id the HWPT ID
 * @return 0, or -EINVAL for NULL arguments, -ENOENT when detached
 */
int iommufd_device_get_hwpt_id(const struct iommufd_device *dev,
			       uint32_t *ret_hwpt_id);

/** @brief Capability bits of struct iommufd_hw_info. */
enum iommufd_hw_cap {
	IOMMUFD_HW_CAP_DIRTY_TRACKING = 1 << 0,	/**< can track dirty IOVAs */
	IOMMUFD_HW_CAP_PASID_EXEC = 1 << 1,	/**< PCI PASID execute permission */
	IOMMUFD_HW_CAP_PASID_PRIV = 1 << 2,	/**< PCI PASID privileged mode */
};

/** @brief Vendor record types of struct iommufd_hw_info. */
enum iommufd_hw_info_type {
	IOMMUFD_HW_INFO_NONE = 0,		/**< the driver reports nothing */
	IOMMUFD_HW_INFO_INTEL_VTD = 1,		/**< Intel VT-d (24 bytes) */
	IOMMUFD_HW_INFO_ARM_SMMUV3 = 2,		/**< ARM SMMUv3 (40 bytes) */
	IOMMUFD_HW_INFO_TEGRA241_CMDQV = 3,	/**< NVIDIA Tegra241 CMDQV (8 bytes) */
	IOMMUFD_HW_INFO_AMD = 4,		/**< AMD IOMMU (16 bytes) */
};

/** @brief Vendor record type of the kernel's selftest mock IOMMU. */
#define IOMMUFD_HW_INFO_SELFTEST 0xfeedbeefu

/**
 * @brief What IOMMU serves a device (filled by iommufd_device_get_hw_info()).
 */
struct iommufd_hw_info {
	/** sizeof(struct iommufd_hw_info), set by the caller. */
	size_t sz;
	/** ::iommufd_hw_info_type of the vendor record. */
	uint32_t type;
	/** Length of the vendor record the kernel has (may exceed the buffer). */
	uint32_t data_len;
	/** Mask of ::iommufd_hw_cap (0 before kernel 6.7). */
	uint64_t capabilities;
	/** log2 of the PASID space; 0: no PASID (or kernel before 6.15). */
	uint8_t max_pasid_log2;
};

/**
 * @brief Ask the kernel what IOMMU serves the device.
 * @param dev a device
 * @param data buffer for the vendor record, or NULL with @p data_len 0
 * @param data_len bytes at @p data; the kernel zero-fills what it does not use
 * @param[in,out] ret_info its `sz` set by the caller; filled on success
 * @return 0, or -EINVAL (NULL @p dev or @p ret_info, `sz` smaller than the
 * first members, NULL @p data with a length), or a kernel errno (-ENOTTY
 * before kernel 6.6)
 */
int iommufd_device_get_hw_info(struct iommufd_device *dev, void *data,
			       size_t data_len,
			       struct iommufd_hw_info *ret_info);

/* ==== hardware page table ================================================ */

/**
 * @struct iommufd_hwpt
 * @brief A hardware page table (an IOMMU domain) allocated for a device.
 */
struct iommufd_hwpt;

/** @brief Allocation flags of struct iommufd_hwpt_opts. */
enum iommufd_hwpt_flags {
	/** Can serve as the stage-2 parent of nested HWPTs. */
	IOMMUFD_HWPT_NEST_PARENT = 1 << 0,
	/** Supports dirty tracking (for live migration). */
	IOMMUFD_HWPT_DIRTY_TRACKING = 1 << 1,
	/** Can be attached to a PASID of a device (kernel 6.15+). */
	IOMMUFD_HWPT_PASID = 1 << 2,
};

/**
 * @brief Options of iommufd_hwpt_alloc().
 */
struct iommufd_hwpt_opts {
	/** sizeof(struct iommufd_hwpt_opts); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** Mask of ::iommufd_hwpt_flags. */
	uint32_t flags;
	/** Vendor data type (kernel's HWPT data type number), 0 for none. */
	uint32_t data_type;
	/** Vendor data; empty or all-zero data means "no data". */
	const void *data;
	/** Bytes at @ref data. */
	size_t data_len;
};

/**
 * @brief Allocate a HWPT for @p dev on a page table.
 *
 * On an IOAS this makes a paging HWPT. A request with no flags and no
 * (non-zero) vendor data always succeeds where the device can be attached
 * to the IOAS: when the kernel does not know HWPT allocation (ENOTTY,
 * before 6.6) or the driver cannot allocate it (EOPNOTSUPP), the library
 * takes the plain path: it attaches @p dev to the IOAS (replacing its
 * current attachment, if any), the kernel allocates the domain, and the
 * handle records the HWPT ID the kernel returned and reports
 * iommufd_hwpt_is_kernel_allocated(). A request with flags or vendor data
 * is never downgraded: it fails with -EOPNOTSUPP and a log line saying why.
 * @param dev the device the HWPT is for
 * @param pt an IOAS (or, with vendor data, a nest-parent HWPT)
 * @param opts options, or NULL for a plain paging HWPT
 * @param[out] ret_hwpt the HWPT; it holds a reference on @p pt
 * @return 0, or -EINVAL, -E2BIG, -EOPNOTSUPP, a kernel errno
 */
int iommufd_hwpt_alloc(struct iommufd_device *dev, struct iommufd_pt *pt,
		       const struct iommufd_hwpt_opts *opts,
		       struct iommufd_hwpt **ret_hwpt);

/**
 * @brief Take a reference.
 * @param hwpt a HWPT, or NULL
 * @return @p hwpt
 */
struct iommufd_hwpt *iommufd_hwpt_ref(struct iommufd_hwpt *hwpt);

/**
 * @brief Drop a reference; the last one destroys the kernel object (a
 * kernel-allocated HWPT is freed by the kernel when its last device leaves).
 * @param hwpt a HWPT, or NULL
 * @return NULL
 */
struct iommufd_hwpt *iommufd_hwpt_unref(struct iommufd_hwpt *hwpt);

/**
 * @brief The kernel object ID.
 * @param hwpt a HWPT
 * @return the ID, or 0 for NULL
 */
uint32_t iommufd_hwpt_get_id(const struct iommufd_hwpt *hwpt);

/**
 * @brief The HWPT as a page table a device can be attached to.
 * @param hwpt a HWPT
 * @return the same object (no new reference), or NULL for NULL
 */
struct iommufd_pt *iommufd_hwpt_pt(struct iommufd_hwpt *hwpt);

/**
 * @brief The ::iommufd_hwpt_flags the HWPT was allocated with.
 * @param hwpt a HWPT
 * @return the flags, 0 for NULL
 */
uint32_t iommufd_hwpt_get_flags(const struct iommufd_hwpt *hwpt);

/**
 * @brief Whether the plain path was taken: the kernel allocated this HWPT
 * when the device was attached to the IOAS.
 *
 * Such a HWPT stands for the domain the kernel gave the device at attach
 * time and lives as long as a device is attached to it. Attaching a device
 * to it attaches the device to its IOAS: the kernel may pick another domain
 * for that device (iommufd_device_get_hwpt_id() tells), and when the domain
 * was freed and is made again, the handle takes the new ID.
 * @param hwpt a HWPT
 * @return true if kernel-allocated
 */
bool iommufd_hwpt_is_kernel_allocated(const struct iommufd_hwpt *hwpt);

/* ==== discovery of VFIO device cdevs (libudev) =========================== */

/** @brief A VFIO device cdev found by iommufd_discover_list(). */
struct iommufd_vfio_cdev {
	/** Device node, e.g. `/dev/vfio/devices/vfio0`. */
	char *cdev_path;
	/** sysfs path of the device the cdev belongs to. */
	char *sysfs_path;
	/** PCI address `DDDD:BB:DD.F`, or NULL when not a PCI device. */
	char *pci_addr;
	/** PCI vendor ID (0 when not PCI). */
	uint16_t vendor;
	/** PCI device ID (0 when not PCI). */
	uint16_t device;
};

/**
 * @brief The VFIO cdev of a PCI device bound to vfio-pci.
 * @param ctx a context for logging, or NULL to be silent
 * @param pci_addr `DDDD:BB:DD.F` or `BB:DD.F`
 * @param[out] ret_cdev_path malloc(3)ed `/dev/vfio/devices/vfioN`
 * @return 0, or -EINVAL (malformed address), -ENODEV (no such device, or it
 * has no VFIO cdev: not bound to vfio-pci, or a kernel without
 * CONFIG_VFIO_DEVICE_CDEV), -ENOENT/-ENXIO (the node is absent or is not
 * that device), -ENOMEM
 */
int iommufd_discover_pci(struct iommufd_ctx *ctx, const char *pci_addr,
			 char **ret_cdev_path);

/**
 * @brief The VFIO cdev of a device given by its sysfs path.
 * @param ctx a context for logging, or NULL
 * @param sysfs_path e.g. `/sys/bus/pci/devices/0000:00:03.0`
 * @param[out] ret_cdev_path malloc(3)ed device node path
 * @return as iommufd_discover_pci()
 */
int iommufd_discover_sysfs(struct iommufd_ctx *ctx, const char *sysfs_path,
			   char **ret_cdev_path);

/**
 * @brief Every VFIO device cdev of the system.
 * @param ctx a context for logging, or NULL
 * @param[out] ret_list NULL-terminated array, free with
 * iommufd_discover_list_free()
 * @param[out] ret_count number of entries, or NULL
 * @return 0 (also with none found), or -ENOMEM, a libudev errno
 */
int iommufd_discover_list(struct iommufd_ctx *ctx,
			  struct iommufd_vfio_cdev ***ret_list,
			  size_t *ret_count);

/**
 * @brief Free a list from iommufd_discover_list().
 * @param list the list, or NULL
 */
void iommufd_discover_list_free(struct iommufd_vfio_cdev **list);

#ifdef __cplusplus
}
#endif

#endif /* LIBIOMMUFD_H */
