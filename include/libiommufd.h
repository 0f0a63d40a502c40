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
 *   -EINVAL before anything reaches the kernel. A failure is explained in a
 *   sentence saying what failed and why: iommufd_last_error() returns it to
 *   the thread that made the call, and the context's log function receives
 *   it too (at LOG_DEBUG when the errno is an answer callers ask for, such as
 *   an attach refused as incompatible, at LOG_ERR otherwise).
 * - Argument order: the handle the call acts on, or the parent a new object
 *   is allocated on, comes first; then the other handles the call involves
 *   (usually the device); then IDs and scalars; then an options struct; then
 *   the `ret_*` out-parameters.
 * - Sizes: a byte count of memory in this process is a `size_t` named
 *   `*_len`; an extent of IOVA space or of a file is a `uint64_t` named
 *   `length`; a number of array elements is a `size_t` named `count` (or
 *   `entry_num` where the kernel counts entries in 32 bits). A length the
 *   kernel reports (struct iommufd_hw_info::data_len) keeps its 32 bits.
 * - Out-parameters are named `ret_*`, come last and are left untouched when
 *   the call fails.
 * - `*_unref()` accepts NULL and returns NULL. A child handle holds a
 *   reference on its parent (an IOAS on its context, a HWPT on the page
 *   table it was allocated on, a device on its context and on the page table
 *   it is attached to, a HW queue on the queue of the index below it), so
 *   handles may be released in any order. When the kernel still refuses a
 *   destroy at the last unref (EBUSY: something the library cannot see, such
 *   as the caller's own attach, still uses the object), the destroy is
 *   deferred, never forgotten: it is retried whenever the library destroys or
 *   detaches something else in the context, by iommufd_ctx_retry_destroys(),
 *   and at the context's last unref, which logs what is still left.
 *   `iommufd_*_destroy()` destroys now and reports the kernel's errno.
 * - Ownership: every object and fd the library creates is owned by its
 *   handle. A handle made for something that exists already
 *   (`*_new_from_id()`, iommufd_ctx_new_from_fd()) either borrows it
 *   (::IOMMUFD_ADOPT_BORROW: never destroyed or closed by the library) or
 *   owns it (::IOMMUFD_ADOPT_OWN: destroyed or closed at the last unref).
 *   The kernel reuses object IDs at once: destroying an object behind an
 *   owning handle's back can make that handle later destroy a stranger with
 *   the same ID, so objects adopted as owned are destroyed only through
 *   their handle.
 * - Every handle exposes its kernel object ID, and the context its file
 *   descriptor, so callers can mix library calls with their own ioctls.
 * - `@since` names the release that added a symbol (its symbol version
 *   node is LIBIOMMUFD_ and that release's major.minor); struct members and
 *   enumerators without their own `@since` came with their struct or enum.
 *
 * **Thread safety** (the one statement for the whole library): distinct
 * handles may be used from distinct threads at the same time; one handle
 * must not be used from two threads at once, and a call taking several
 * handles counts as using all of them. Reference counts are atomic, so
 * `*_ref()`/`*_unref()` may be called from any thread, and the bookkeeping
 * handles share behind the caller's back (deferred destroys, the HW queues
 * of a vIOMMU, the devices of a kernel-allocated HWPT) is locked.
 * iommufd_last_error() is per thread. Changing a context's log function or
 * priority counts as using the context and every handle made from it: every
 * log line reads them without a lock, so set them before the context is
 * shared (the log function itself is called from whichever thread logs).
 */
#ifndef LIBIOMMUFD_H
#define LIBIOMMUFD_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "libiommufd/version.h"

#ifdef __cplusplus
extern "C" {
#endif

/**
 * @defgroup context Context: an open /dev/iommu, logging and errors
 * @{
 */

/**
 * @brief Declare an options struct @p NAME of type `struct TYPE`, zeroed,
 * with its `sz` member set, and the given members initialised.
 *
 * Example: `LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_NEST_PARENT);`
 *
 * The library reads only the members that fit in `sz`, so a program built
 * against this header keeps working with a later library; it returns -E2BIG
 * when a program built against a later header sets members this library
 * does not know. Members added in later versions always start at or after
 * the struct's size in the version before (never in its tail padding), so
 * that check sees them. The macro zeroes the padding too.
 *
 * Compilers: gcc and clang, as C99 or later and as C++11 or later, also
 * with `-Wall -Wextra -Werror` and `-pedantic-errors`. It uses two GNU
 * extensions, a statement expression and (in C++ before C++20) designated
 * initialisers, marked `__extension__` so that pedantic modes accept them;
 * and it turns off `-Wmissing-field-initializers` for its own initialiser
 * only, because leaving members out is the point (C++ compilers warn about
 * every member left out). Two rules come from C++ and apply there only:
 * members are named in their declaration order, and strict modes before
 * C++20 (and C before C23) want at least one argument after @p NAME: write
 * `LIBIOMMUFD_OPTS(iommufd_ctx_opts, o, );` to set no member.
 * @since 1.0
 */
#define LIBIOMMUFD_OPTS(TYPE, NAME, ...)					\
	struct TYPE NAME = __extension__ ({					\
		_Pragma("GCC diagnostic push")					\
		_Pragma("GCC diagnostic ignored \"-Wmissing-field-initializers\"") \
		struct TYPE libiommufd_opts_ = {				\
			.sz = sizeof(struct TYPE), __VA_ARGS__			\
		};								\
		_Pragma("GCC diagnostic pop")					\
		memset(&NAME, 0, sizeof(struct TYPE));				\
		libiommufd_opts_;						\
	})

/* Every handle type, declared once up front so any call may name any of them. */
struct iommufd_ctx;
struct iommufd_pt;
struct iommufd_ioas;
struct iommufd_hwpt;
struct iommufd_device;
struct iommufd_fault_queue;
struct iommufd_viommu;
struct iommufd_vdevice;
struct iommufd_veventq;
struct iommufd_hw_queue;

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
 * @since 1.0
 */
typedef void (*iommufd_log_fn)(void *userdata, int priority, const char *file,
			       int line, const char *fn, const char *format,
			       va_list args);

/**
 * @brief Whether a handle made for an existing object or fd owns it.
 * @since 1.0
 */
enum iommufd_adopt {
	/** The caller keeps ownership: the library never destroys or closes it. */
	IOMMUFD_ADOPT_BORROW = 0,
	/** The handle owns it: the last unref destroys the object (closes the fd). */
	IOMMUFD_ADOPT_OWN = 1,
};

/**
 * @brief The explanation of the last call that failed in the calling thread.
 *
 * Every call that returns a negative errno first records a sentence saying
 * what failed and why (the same text the log function receives, e.g.
 * `IOAS_MAP IOAS 3 ...: ENOMEM: pinning the pages would exceed RLIMIT_MEMLOCK
 * (64 KiB; ...`), in storage private to the calling thread, so threads
 * sharing a context never see each other's errors. Read it right after the
 * failing call, e.g. for QEMU's `error_setg_errno(errp, -rc, "%s",
 * iommufd_last_error())`. Successful calls leave it unchanged.
 * @return the sentence, valid until the next failing call of this thread;
 * an empty string when nothing failed in this thread yet
 * @since 1.0
 */
const char *iommufd_last_error(void);

/**
 * @brief The version of the library loaded at run time, e.g. "1.0.0".
 *
 * A string, not numbers, because what a program does with it is print it
 * (in a log line or a bug report, beside @ref LIBIOMMUFD_VERSION, the
 * headers' version): deciding what the library can do needs no version
 * arithmetic. A call added in a later release lives in a later symbol
 * version node, so a program using it does not even load with an older
 * library; kernel features are asked of the kernel (iommufd_ctx_probe()).
 * One call without out-parameters or a struct also has no ABI of its own
 * to keep.
 * @return a static string, "MAJOR.MINOR.MICRO", never NULL
 * @since 1.0
 */
const char *iommufd_version(void);

/* ==== context ============================================================ */

/**
 * @struct iommufd_ctx
 * @brief An open iommufd (`/dev/iommu`): the parent of every other handle.
 * @since 1.0
 */
struct iommufd_ctx;

/**
 * @brief Options of iommufd_ctx_new() and iommufd_ctx_new_from_fd().
 *
 * Without a log function the library is silent, unless the environment
 * variable `LIBIOMMUFD_LOG` (read with secure_getenv(3)) names a priority
 * (`err`, `info`, `debug` or a number): messages at or above it then go to
 * stderr.
 * @since 1.0
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
 * @since 1.0
 */
int iommufd_ctx_new(const struct iommufd_ctx_opts *opts,
		    struct iommufd_ctx **ret_ctx);

/**
 * @brief Make a context from an iommufd the process already has.
 *
 * A VMM receives the iommufd from its management stack (QEMU's
 * `-object iommufd,fd=N`), over a Unix socket, or inherits it across exec
 * in a live update. The fd is checked to be an iommufd (one IOMMU_DESTROY
 * of the never-used ID 0, which only an iommufd answers with ENOENT).
 * Objects made through the fd before keep living; adopt them with the
 * `*_new_from_id()` calls.
 * @param fd an open iommufd
 * @param adopt ::IOMMUFD_ADOPT_BORROW: the caller keeps the fd open while
 * the context and its children live and closes it itself;
 * ::IOMMUFD_ADOPT_OWN: the context closes it at its last unref (also when
 * this call fails)
 * @param opts options (its path member must be NULL), or NULL
 * @param[out] ret_ctx the new context
 * @return 0, or -EINVAL (a negative fd, unknown @p adopt, a path in
 * @p opts), -EBADF (@p fd is not open), -ENOTTY (@p fd is not an iommufd),
 * -E2BIG
 * @since 1.0
 */
int iommufd_ctx_new_from_fd(int fd, uint32_t adopt,
			    const struct iommufd_ctx_opts *opts,
			    struct iommufd_ctx **ret_ctx);

/**
 * @brief Take a reference.
 * @param ctx a context, or NULL
 * @return @p ctx
 * @since 1.0
 */
struct iommufd_ctx *iommufd_ctx_ref(struct iommufd_ctx *ctx);

/**
 * @brief Drop a reference; the last one retries the deferred destroys
 * (iommufd_ctx_retry_destroys()), logs every object still left, and closes
 * the fd unless it was borrowed (closing it makes the kernel free every
 * object of the context).
 *
 * Every handle holds a reference on its context, so the last one goes
 * after the last handle.
 * @param ctx a context, or NULL
 * @return NULL
 * @since 1.0
 */
struct iommufd_ctx *iommufd_ctx_unref(struct iommufd_ctx *ctx);

/**
 * @brief Retry the destroys the kernel refused at a last unref (EBUSY).
 *
 * The library retries them on its own after each destroy or detach it makes
 * in the context; call this after unblocking one by other means (e.g. the
 * caller's own detach ioctl).
 * @param ctx the context
 * @param[out] ret_left how many destroys are still deferred, or NULL
 * @return 0 when none is left, -EBUSY when some are (see the log or
 * iommufd_last_error() for which), -EINVAL for NULL
 * @since 1.0
 */
int iommufd_ctx_retry_destroys(struct iommufd_ctx *ctx, size_t *ret_left);

/**
 * @brief Hand the kernel state of this context over to another process.
 *
 * For a process that gave its iommufd, cdev and memfd fds to another one
 * (over SCM_RIGHTS) and goes on running: from now on no last unref of a
 * handle of this context destroys an object or detaches a device, and the
 * deferred destroys are dropped, so the handles can be released without
 * touching what the other process adopted. Fds the handles own are still
 * closed: the other process holds its own copies, which keep the files
 * open. (Across exec nothing is needed: no unref runs.) There is no way
 * back.
 * @param ctx the context
 * @return 0, or -EINVAL for NULL
 * @since 1.0
 */
int iommufd_ctx_hand_over(struct iommufd_ctx *ctx);

/**
 * @brief The iommufd file descriptor, for the caller's own ioctls.
 * @param ctx a context
 * @return the fd (still owned by the context), or -EINVAL for NULL
 * @since 1.0
 */
int iommufd_ctx_get_fd(const struct iommufd_ctx *ctx);

/**
 * @brief Replace the log function.
 * @param ctx a context
 * @param fn the new function, or NULL to silence the context
 * @param userdata passed to @p fn
 * @return 0, or -EINVAL for a NULL @p ctx
 * @since 1.0
 */
int iommufd_ctx_set_log_fn(struct iommufd_ctx *ctx, iommufd_log_fn fn,
			   void *userdata);

/**
 * @brief Set the highest syslog priority that is logged.
 * @param ctx a context
 * @param priority LOG_EMERG (0) to LOG_DEBUG (7)
 * @return 0, or -EINVAL
 * @since 1.0
 */
int iommufd_ctx_set_log_priority(struct iommufd_ctx *ctx, int priority);

/**
 * @brief The highest syslog priority that is logged.
 * @param ctx a context
 * @return the priority, or -EINVAL for NULL
 * @since 1.0
 */
int iommufd_ctx_get_log_priority(const struct iommufd_ctx *ctx);

/**
 * @brief How the kernel charges pinned pages against RLIMIT_MEMLOCK.
 *
 * Pages mapped by a thread holding CAP_IPC_LOCK (in the initial user
 * namespace) are never charged, in either mode; nor can an unlimited
 * RLIMIT_MEMLOCK be exceeded. The explanation of an -ENOMEM from a call that
 * pins pages (attach, HWPT allocation, map into an IOAS with a device) says
 * which applies: the limit and the counter the kernel compares with it in
 * the context's mode (per user: the pages all of the user's processes
 * pinned; per process: the process's locked memory, mlock()ed memory
 * included, as VFIO type1 counts), or, when the calling thread holds
 * CAP_IPC_LOCK or the limit is unlimited, that the kernel ran out of memory.
 * @since 1.0
 */
enum iommufd_rlimit_mode {
	IOMMUFD_RLIMIT_PER_USER = 0,	/**< per user (the default) */
	IOMMUFD_RLIMIT_PER_PROCESS = 1,	/**< per process, as VFIO type1 does */
};

/**
 * @brief Choose the memory accounting mode of this context (needs
 * CAP_SYS_RESOURCE; only while the context has no objects yet).
 * @param ctx the context
 * @param mode an ::iommufd_rlimit_mode
 * @return 0, or -EINVAL, -EPERM, -EBUSY (the context already has objects), a
 * kernel errno
 * @since 1.0
 */
int iommufd_ctx_set_rlimit_mode(struct iommufd_ctx *ctx, uint32_t mode);

/**
 * @brief Read the memory accounting mode.
 * @param ctx the context
 * @param[out] ret_mode an ::iommufd_rlimit_mode
 * @return 0, or a kernel errno
 * @since 1.0
 */
int iommufd_ctx_get_rlimit_mode(struct iommufd_ctx *ctx, uint32_t *ret_mode);

/**
 * @brief Charge the pages of every mapping to the calling process (kernel
 * 6.14+), e.g. after a live update handed the iommufd to a new process.
 *
 * Only mappings made with iommufd_ioas_map_file() can move. On a context
 * with no mappings yet it is a cheap question: -ENOTTY (logged at
 * LOG_DEBUG only) means the kernel cannot move accounting.
 * @param ctx the context
 * @return 0, or -EINVAL (a mapping was made from a user address), -ENOTTY,
 * a kernel errno
 * @since 1.0
 */
int iommufd_ctx_change_process(struct iommufd_ctx *ctx);

/**
 * @brief Make @p ioas the IOAS the legacy VFIO container interface
 * (`/dev/vfio/vfio` served by iommufd) uses.
 * @param ctx the context
 * @param ioas an IOAS of @p ctx
 * @return 0, or -EINVAL (NULL, an IOAS of another context), -ENOTTY, a
 * kernel errno
 * @since 1.0
 */
int iommufd_ctx_set_vfio_compat_ioas(struct iommufd_ctx *ctx,
				     struct iommufd_ioas *ioas);

/**
 * @brief The ID of the IOAS the legacy VFIO container interface uses.
 * @param ctx the context
 * @param[out] ret_ioas_id its kernel object ID
 * @return 0, or -ENODEV (none set), -ENOTTY, a kernel errno
 * @since 1.0
 */
int iommufd_ctx_get_vfio_compat_ioas(struct iommufd_ctx *ctx,
				     uint32_t *ret_ioas_id);

/**
 * @brief Forget the IOAS of the legacy VFIO container interface.
 * @param ctx the context
 * @return 0, or a kernel errno
 * @since 1.0
 */
int iommufd_ctx_clear_vfio_compat_ioas(struct iommufd_ctx *ctx);

/** @} */

/* ==== page tables: what a device can be attached to ====================== */

/**
 * @defgroup pt Page tables: what a device can be attached to
 * @{
 */

/**
 * @struct iommufd_pt
 * @brief A page table a device can be attached to: an IOAS or a HWPT.
 *
 * Obtained with iommufd_ioas_as_pt() or iommufd_hwpt_as_pt(); it is the same
 * object as that handle, not a new reference.
 * @since 1.0
 */
struct iommufd_pt;

/**
 * @brief The kernel object ID of a page table.
 * @param pt a page table
 * @return the ID, or 0 for NULL (the kernel never uses ID 0)
 * @since 1.0
 */
uint32_t iommufd_pt_get_id(const struct iommufd_pt *pt);

/** @} */

/* ==== IO address space =================================================== */

/**
 * @defgroup ioas IO address space (IOAS): mappings of user memory
 * @{
 */

/**
 * @struct iommufd_ioas
 * @brief An IO address space: IOVA → user memory mappings, shared by every
 * HWPT and device attached to it.
 * @since 1.0
 */
struct iommufd_ioas;

/**
 * @brief Map permissions (at least one is required).
 * @since 1.0
 */
enum iommufd_map_prot {
	IOMMUFD_MAP_READ = 1 << 0,	/**< the device may read the memory */
	IOMMUFD_MAP_WRITE = 1 << 1,	/**< the device may write the memory */
};

/**
 * @brief One IOVA interval, both ends inclusive.
 * @since 1.0
 */
struct iommufd_iova_range {
	uint64_t start;	/**< first IOVA of the interval */
	uint64_t last;	/**< last IOVA of the interval (inclusive) */
};

/**
 * @brief Allocate an empty IOAS.
 * @param ctx the context
 * @param[out] ret_ioas the new IOAS; it holds a reference on @p ctx
 * @return 0 or a negative errno
 * @since 1.0
 */
int iommufd_ioas_alloc(struct iommufd_ctx *ctx, struct iommufd_ioas **ret_ioas);

/**
 * @brief Take a reference.
 * @param ioas an IOAS, or NULL
 * @return @p ioas
 * @since 1.0
 */
struct iommufd_ioas *iommufd_ioas_ref(struct iommufd_ioas *ioas);

/**
 * @brief Drop a reference; the last one destroys the kernel object.
 * @param ioas an IOAS, or NULL
 * @return NULL
 * @since 1.0
 */
struct iommufd_ioas *iommufd_ioas_unref(struct iommufd_ioas *ioas);

/**
 * @brief A handle for an IOAS that exists already (made by other code, or
 * inherited across exec).
 *
 * The ID is checked to name an IOAS of this context (IOMMU_IOAS_IOVA_RANGES
 * with no room, which only an IOAS answers).
 * @param ctx the context the IOAS belongs to
 * @param ioas_id its kernel object ID (non-zero)
 * @param adopt ::IOMMUFD_ADOPT_BORROW or ::IOMMUFD_ADOPT_OWN
 * @param[out] ret_ioas the handle; it holds a reference on @p ctx
 * @return 0, or -EINVAL, -ENOENT (no IOAS of that ID), -ENOMEM
 * @since 1.0
 */
int iommufd_ioas_new_from_id(struct iommufd_ctx *ctx, uint32_t ioas_id,
			     uint32_t adopt, struct iommufd_ioas **ret_ioas);

/**
 * @brief Destroy the IOAS now and report the kernel's answer.
 *
 * Unlike the last unref, this says whether the kernel destroyed it. The
 * caller's reference must be the only one (-EBUSY otherwise: a child
 * handle, an attached device or another reference still holds it).
 * On success the handle is gone, as after its last unref; on failure
 * nothing changes and the handle stays valid.
 * @param ioas the IOAS
 * @return 0, or -EINVAL for NULL, -EBUSY (still referenced, or the kernel
 * says it is in use), a kernel errno
 * @since 1.0
 */
int iommufd_ioas_destroy(struct iommufd_ioas *ioas);

/**
 * @brief The kernel object ID.
 * @param ioas an IOAS
 * @return the ID, or 0 for NULL
 * @since 1.0
 */
uint32_t iommufd_ioas_get_id(const struct iommufd_ioas *ioas);

/**
 * @brief The IOAS as a page table a device can be attached to: a cast, not
 * a new reference.
 * @param ioas an IOAS
 * @return the same object, or NULL for NULL
 * @since 1.0
 */
struct iommufd_pt *iommufd_ioas_as_pt(struct iommufd_ioas *ioas);

/**
 * @brief Map user memory at an IOVA the kernel chooses.
 *
 * Alignment: @p va and @p length (and the IOVA of the `_fixed` calls, the
 * file offset of the `map_file` calls, all three of iommufd_ioas_copy() and
 * of the dma-buf calls, iommufd_ioas_map_dmabuf()) must be multiples of the
 * CPU page size, sysconf(_SC_PAGESIZE); the library refuses anything else
 * with -EINVAL before the kernel. The kernel itself would take a misaligned
 * mapping into an IOAS no device is attached to, and then refuse every
 * attach to that IOAS with -EADDRINUSE.
 * @param ioas the IOAS
 * @param va start of the memory (page aligned)
 * @param length bytes (a non-zero multiple of the page size)
 * @param prot a mask of ::iommufd_map_prot
 * @param[out] ret_iova the IOVA the kernel chose
 * @return 0, or -EINVAL (bad argument, misaligned), -ENOSPC (no room), -ENOMEM (the
 * explanation says whether RLIMIT_MEMLOCK is the cause, ::iommufd_rlimit_mode), -EFAULT
 * @since 1.0
 */
int iommufd_ioas_map(struct iommufd_ioas *ioas, void *va, uint64_t length,
		     uint32_t prot, uint64_t *ret_iova);

/**
 * @brief Map user memory at a fixed IOVA (alignment as iommufd_ioas_map()).
 * @param ioas the IOAS
 * @param va start of the memory (page aligned)
 * @param length bytes (a non-zero multiple of the page size)
 * @param iova where to map it (page aligned)
 * @param prot a mask of ::iommufd_map_prot
 * @return 0, or -EEXIST (the IOVA is taken), -EINVAL, -ENOMEM, -EFAULT
 * @since 1.0
 */
int iommufd_ioas_map_fixed(struct iommufd_ioas *ioas, void *va,
			   uint64_t length, uint64_t iova, uint32_t prot);

/**
 * @brief Flags of iommufd_ioas_unmap().
 * @since 1.0
 */
enum iommufd_unmap_flags {
	/**
	 * Nothing to unmap is success: the kernel's ENOENT gives 0 with 0
	 * bytes unmapped, logged at LOG_DEBUG only (a VMM unmapping a range
	 * again, as QEMU does, expects this).
	 */
	IOMMUFD_UNMAP_ABSENT_OK = 1 << 0,
};

/**
 * @brief Unmap every mapping inside [iova, iova + length).
 *
 * The kernel only removes whole mappings: a range that would cut one
 * fails with -ENOENT, as does a range with no mapping at all (the kernel
 * does not tell the two apart, so ::IOMMUFD_UNMAP_ABSENT_OK covers both).
 * @param ioas the IOAS
 * @param iova start of the range
 * @param length bytes (non-zero; the range must not wrap)
 * @param flags a mask of ::iommufd_unmap_flags
 * @param[out] ret_unmapped bytes unmapped, or NULL if not wanted
 * @return 0, or -ENOENT, -EINVAL
 * @since 1.0
 */
int iommufd_ioas_unmap(struct iommufd_ioas *ioas, uint64_t iova,
		       uint64_t length, uint32_t flags, uint64_t *ret_unmapped);

/**
 * @brief Unmap everything in the IOAS.
 * @param ioas the IOAS
 * @param[out] ret_unmapped bytes unmapped, or NULL if not wanted
 * @return 0 (also when nothing was mapped), or a negative errno
 * @since 1.0
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
 * @since 1.0
 */
int iommufd_ioas_get_iova_ranges(struct iommufd_ioas *ioas,
				 struct iommufd_iova_range **ret_ranges,
				 size_t *ret_count, uint64_t *ret_alignment);

/**
 * @brief Map pages of a file (a memfd) at an IOVA the kernel chooses
 * (kernel 6.13+).
 *
 * Unlike iommufd_ioas_map(), the mapping follows the file, not an address
 * of this process: it survives the process's own mappings changing, and its
 * page accounting can move to another process (iommufd_ctx_change_process()).
 * Alignment as iommufd_ioas_map().
 * @param ioas the IOAS
 * @param fd the file (the caller keeps it; the kernel takes its own reference)
 * @param start offset in the file (page aligned)
 * @param length bytes (a non-zero multiple of the page size)
 * @param prot a mask of ::iommufd_map_prot
 * @param[out] ret_iova the IOVA the kernel chose
 * @return 0, or -EINVAL, -EBADF (@p fd is not an open file descriptor; refused
 * before the kernel), -ENOTTY (kernel before 6.13), -ENOMEM (as iommufd_ioas_map()),
 * a kernel errno
 * @since 1.0
 */
int iommufd_ioas_map_file(struct iommufd_ioas *ioas, int fd, uint64_t start,
			  uint64_t length, uint32_t prot, uint64_t *ret_iova);

/**
 * @brief Map pages of a file at a fixed IOVA (kernel 6.13+).
 * @param ioas the IOAS
 * @param fd the file
 * @param start offset in the file (page aligned)
 * @param length bytes (a non-zero multiple of the page size)
 * @param iova where to map it (page aligned)
 * @param prot a mask of ::iommufd_map_prot
 * @return as iommufd_ioas_map_file(), plus -EEXIST
 * @since 1.0
 */
int iommufd_ioas_map_file_fixed(struct iommufd_ioas *ioas, int fd,
				uint64_t start, uint64_t length, uint64_t iova,
				uint32_t prot);

/**
 * @brief Map into @p dst the pages that @p src maps, without pinning them
 * again (e.g. a second IOAS for the same guest RAM).
 *
 * The source range must lie inside existing mappings of @p src. Alignment
 * as iommufd_ioas_map(): both IOVAs and the length are whole pages.
 * @param dst the IOAS to map into
 * @param dst_iova where in @p dst (page aligned)
 * @param src the IOAS that maps the pages
 * @param src_iova where in @p src (page aligned)
 * @param length bytes (a non-zero multiple of the page size)
 * @param prot a mask of ::iommufd_map_prot
 * @return 0, or -EINVAL, -ENOENT (nothing mapped there in @p src), -EEXIST,
 * a kernel errno
 * @since 1.0
 */
int iommufd_ioas_copy(struct iommufd_ioas *dst, uint64_t dst_iova,
		      struct iommufd_ioas *src, uint64_t src_iova,
		      uint64_t length, uint32_t prot);

/**
 * @brief Restrict the IOVAs the kernel picks for this IOAS to these ranges.
 *
 * The kernel chooses IOVAs (iommufd_ioas_map()) only inside them, and a
 * device whose reserved regions overlap them can no longer be attached or
 * replaced onto the IOAS (-EADDRINUSE there). Fixed-IOVA mappings are not
 * restricted. With @p count 0 every IOVA is allowed again.
 * @param ioas the IOAS
 * @param ranges the allowed ranges (inclusive ends, sorted, not
 * overlapping), or NULL with @p count 0
 * @param count number of ranges
 * @return 0, or -EINVAL (bad ranges), -EADDRINUSE (a range overlaps a
 * reserved region of an attached device), a kernel errno
 * @since 1.0
 */
int iommufd_ioas_allow_iovas(struct iommufd_ioas *ioas,
			     const struct iommufd_iova_range *ranges,
			     size_t count);

/**
 * @brief Whether the IOAS may use huge IOMMU pages (the default) or must map
 * in base pages (needed to unmap a part of a mapping later, e.g. for
 * virtio-mem or memory hot-unplug).
 * @param ioas the IOAS
 * @param enable true for huge pages
 * @return 0, or -EINVAL (a device is attached and pages are mapped), a kernel
 * errno
 * @since 1.0
 */
int iommufd_ioas_set_huge_pages(struct iommufd_ioas *ioas, bool enable);

/**
 * @brief Read the huge-page option of the IOAS.
 * @param ioas the IOAS
 * @param[out] ret_enabled the option
 * @return 0, or a kernel errno
 * @since 1.0
 */
int iommufd_ioas_get_huge_pages(struct iommufd_ioas *ioas, bool *ret_enabled);

/**
 * @brief Map a range of a dma-buf (a device BAR exported with
 * iommufd_device_export_dmabuf()) at a fixed IOVA, so that other devices
 * attached to the IOAS can DMA to that BAR: peer-to-peer (kernel 6.19+).
 *
 * A BAR's mmap cannot be mapped with iommufd_ioas_map() (EFAULT: no pages
 * to pin behind MMIO); its dma-buf can. **Revocation**: while the exporting
 * device's memory decode is off (iommufd_device_get_memory_decode()) or it
 * is being reset, the kernel revokes the dma-buf: the IOVA range stays
 * taken in the IOAS but translates nothing (DMA there faults), and new
 * mappings of it fail with -ENODEV. Once decode is back on,
 * iommufd_ioas_remap_dmabuf() maps it again at the same IOVA.
 *
 * Alignment as iommufd_ioas_map(): @p offset, @p length and @p iova are
 * multiples of the CPU page size, or the library refuses them with -EINVAL.
 * @param ioas the IOAS
 * @param dmabuf_fd the dma-buf (an open fd)
 * @param offset where in the dma-buf the range starts (page aligned)
 * @param length bytes (a non-zero multiple of the page size)
 * @param iova where to map it (page aligned)
 * @param prot a mask of ::iommufd_map_prot
 * @return 0, or -EINVAL (bad arguments, misaligned; from the kernel: outside
 * the dma-buf, or a kernel before 6.19), -EBADF (@p dmabuf_fd is not open),
 * -ENODEV (revoked), -EOPNOTSUPP (a dma-buf iommufd cannot import), -EEXIST
 * (the IOVA range is taken), -ENOTTY, a kernel errno
 * @since 1.1
 */
int iommufd_ioas_map_dmabuf(struct iommufd_ioas *ioas, int dmabuf_fd, uint64_t offset,
			    uint64_t length, uint64_t iova, uint32_t prot);

/**
 * @brief Map a dma-buf range again where it was mapped, after its
 * revocation ended: the stale mapping of exactly that IOVA range is
 * unmapped (nothing there is fine), then the range is mapped as
 * iommufd_ioas_map_dmabuf() does (alignment as there: whole CPU pages).
 * @param ioas the IOAS
 * @param dmabuf_fd the dma-buf (the same one, or a new export)
 * @param offset where in the dma-buf the range starts (page aligned)
 * @param length bytes: the whole earlier mapping
 * @param iova where it was, and will be, mapped (page aligned)
 * @param prot a mask of ::iommufd_map_prot
 * @return as iommufd_ioas_map_dmabuf() and iommufd_ioas_unmap(); -ENODEV
 * while the dma-buf is still revoked (the range is then unmapped)
 * @since 1.1
 */
int iommufd_ioas_remap_dmabuf(struct iommufd_ioas *ioas, int dmabuf_fd, uint64_t offset,
			      uint64_t length, uint64_t iova, uint32_t prot);

/**
 * @brief The physical address behind an IOVA of an IOAS that a noiommu
 * device is attached to (kernel 7.3+), for programming that device's DMA.
 *
 * A noiommu device (struct iommufd_vfio_cdev::noiommu) has no IOMMU in
 * front of it: the IOAS only pins the pages of its mappings, and the
 * device must be given physical addresses. Pages are physically contiguous
 * only in runs: program one DMA per run. Needs CAP_SYS_RAWIO. Devices
 * behind an IOMMU use IOVAs, never this.
 * @param ioas the IOAS (a noiommu device attached to it)
 * @param iova a mapped IOVA
 * @param length how far to look from @p iova (non-zero)
 * @param[out] ret_phys the physical address of @p iova
 * @param[out] ret_length bytes from @p ret_phys that are physically
 * contiguous (at most @p length), or NULL
 * @return 0, or -EINVAL, -ENOTTY (kernel before 7.3 or without
 * CONFIG_VFIO_NOIOMMU), -EPERM (no CAP_SYS_RAWIO), -EOPNOTSUPP (the IOAS has
 * no noiommu device: it translates), -ENOENT (nothing mapped there), a
 * kernel errno
 * @since 1.1
 */
int iommufd_ioas_noiommu_get_pa(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length,
				uint64_t *ret_phys, uint64_t *ret_length);

/** @} */

/* ==== device ============================================================= */

/**
 * @defgroup device Device: a bound VFIO cdev, its attachment and hw info
 * @{
 */

/**
 * @struct iommufd_device
 * @brief A VFIO device cdev bound to a context.
 * @since 1.0
 */
struct iommufd_device;

/**
 * @brief Bind a VFIO device cdev the caller opened.
 * @param ctx the context
 * @param cdev_fd an open `/dev/vfio/devices/vfioN`; the caller keeps
 * ownership and must keep it open while the device handle lives
 * @param[out] ret_dev the bound device
 * @return 0, or -EINVAL (also when the cdev is bound already: kernels 6.6 to
 * 7.x answer a second bind so; adopt a bound cdev with
 * iommufd_device_new_from_id()), -EBUSY (the device is open through its VFIO
 * group), -EPERM (the kernel refuses a device whose interrupts are not
 * isolated: no interrupt remapping; see iommufd_last_error()), -EBADF
 * (@p cdev_fd is not open: refused before the kernel), a kernel errno
 * @since 1.0
 */
int iommufd_device_bind_fd(struct iommufd_ctx *ctx, int cdev_fd,
			   struct iommufd_device **ret_dev);

/**
 * @brief Bind a VFIO device cdev that needs a VF token (kernel 6.17+).
 *
 * A virtual function of a PF driven by a userspace driver can only be
 * bound with the token the PF's owner set (VFIO_DEVICE_FEATURE_PCI_VF_TOKEN).
 * @param ctx the context
 * @param cdev_fd an open cdev; the caller keeps ownership
 * @param vf_token the 16-byte UUID (not NULL)
 * @param[out] ret_dev the bound device
 * @return as iommufd_device_bind_fd(); -EINVAL also from kernels before
 * 6.17, which know no token flag
 * @since 1.0
 */
int iommufd_device_bind_fd_token(struct iommufd_ctx *ctx, int cdev_fd,
				 const uint8_t vf_token[16],
				 struct iommufd_device **ret_dev);

/**
 * @brief Open a VFIO device cdev by path and bind it.
 * @param ctx the context
 * @param cdev_path e.g. `/dev/vfio/devices/vfio0`; the library opens it
 * (O_RDWR | O_CLOEXEC) and closes it on the last unref
 * @param[out] ret_dev the bound device
 * @return as iommufd_device_bind_fd(), plus open(2)'s errors
 * @since 1.0
 */
int iommufd_device_bind_path(struct iommufd_ctx *ctx, const char *cdev_path,
			     struct iommufd_device **ret_dev);

/**
 * @brief Find the VFIO cdev of a PCI device and bind it.
 * @param ctx the context
 * @param pci_addr e.g. `0000:00:03.0` (the domain may be omitted)
 * @param[out] ret_dev the bound device
 * @return as iommufd_discover_pci() and iommufd_device_bind_path()
 * @since 1.0
 */
int iommufd_device_bind_pci(struct iommufd_ctx *ctx, const char *pci_addr,
			    struct iommufd_device **ret_dev);

/**
 * @brief A handle for a device that is bound to this iommufd already (by
 * other code, or before an exec that handed the fds over).
 *
 * With its cdev fd, the handle can do everything a bound handle can:
 * attach, replace and detach work. As the kernel cannot say what the device
 * is attached to, the handle starts out not knowing: iommufd_device_attach()
 * and iommufd_device_replace() both work then (the kernel replaces an
 * attachment it has), iommufd_device_detach() detaches whatever is there,
 * and iommufd_device_get_pt() returns NULL until the first of them.
 * Without the cdev (@p cdev_fd -1, e.g. the kernel selftest's mock devices,
 * or a VMM layer that leaves the cdev to its VFIO code), the handle can
 * allocate HWPTs and vIOMMUs and read hw info, while attach, replace and
 * detach fail with -EOPNOTSUPP.
 * @param ctx the context the device is bound to
 * @param dev_id the device ID the kernel returned at bind time (non-zero)
 * @param cdev_fd the bound VFIO cdev, or -1
 * @param adopt for @p cdev_fd: ::IOMMUFD_ADOPT_BORROW (the caller closes it),
 * or ::IOMMUFD_ADOPT_OWN (the last unref closes it, which unbinds the
 * device); must be ::IOMMUFD_ADOPT_BORROW without a cdev
 * @param[out] ret_dev the handle
 * @return 0, or -EINVAL, -ENOMEM
 * @since 1.0
 */
int iommufd_device_new_from_id(struct iommufd_ctx *ctx, uint32_t dev_id,
			       int cdev_fd, uint32_t adopt,
			       struct iommufd_device **ret_dev);

/**
 * @brief Take a reference.
 * @param dev a device, or NULL
 * @return @p dev
 * @since 1.0
 */
struct iommufd_device *iommufd_device_ref(struct iommufd_device *dev);

/**
 * @brief Drop a reference; the last one detaches the device if attached
 * and closes the cdev if the library opened it (which also unbinds it).
 * @param dev a device, or NULL
 * @return NULL
 * @since 1.0
 */
struct iommufd_device *iommufd_device_unref(struct iommufd_device *dev);

/**
 * @brief The device's ID in the iommufd (the `dev_id` of the kernel ABI).
 * @param dev a device
 * @return the ID, or 0 for NULL
 * @since 1.0
 */
uint32_t iommufd_device_get_id(const struct iommufd_device *dev);

/**
 * @brief The VFIO cdev file descriptor (for region access, interrupts...).
 * @param dev a device
 * @return the fd, or -EINVAL for NULL, -EBADF for a device adopted by ID
 * @since 1.0
 */
int iommufd_device_get_fd(const struct iommufd_device *dev);

/**
 * @brief Attach a detached device to an IOAS or a HWPT.
 *
 * Attached to an IOAS, the kernel picks (or allocates) a compatible domain
 * for the device; iommufd_device_get_hwpt_id() then tells its ID. The
 * kernel's EINVAL (the page table is incompatible with the device) is an
 * answer a VMM trying its HWPTs one after another expects: it is logged at
 * LOG_DEBUG, and iommufd_last_error() explains it.
 * @param dev the device (not attached, or adopted with its attachment
 * unknown)
 * @param pt the page table; the device holds a reference on it
 * @return 0, or -EINVAL, -EBUSY when already attached (use
 * iommufd_device_replace()), -EOPNOTSUPP for a device without its cdev
 * (iommufd_device_new_from_id()), -ENOMEM (also when pinning the IOAS's
 * pages exceeds RLIMIT_MEMLOCK: the explanation names the limit, or says the
 * limit is not the cause for a CAP_IPC_LOCK holder or an unlimited limit), or a
 * kernel errno
 * @since 1.0
 */
int iommufd_device_attach(struct iommufd_device *dev, struct iommufd_pt *pt);

/**
 * @brief Move an attached device to another IOAS or HWPT, without passing
 * through a blocking domain (kernel 6.6+).
 *
 * The kernel driver decides how atomic the switch is for DMA in flight.
 * On failure the device stays attached to its old page table, and
 * iommufd_device_get_pt() and iommufd_device_get_hwpt_id() still report it.
 * Kernel 6.12 keeps this promise also when the kernel runs out of memory
 * half-way; 7.2 and 7.3 with VT-d, AMD-Vi or virtio-iommu do not: after an
 * -ENOMEM the device's DMA can be blocked while the kernel (and so this
 * handle) still reports the old page table (docs/kernel-quirks.md). Attaching to the old
 * table again does not help (the kernel sees nothing to change); to recover,
 * replace onto another page table and then back onto the old one (tested in
 * the VM tier, tests/vm/vm-faultinj.c).
 * Never allocates memory.
 * @param dev an attached device (or adopted with its attachment unknown)
 * @param pt the new page table (not NULL: detaching is iommufd_device_detach())
 * @return 0, or -EINVAL (NULL, @p dev not attached, or the kernel finds the
 * page table incompatible: logged at LOG_DEBUG as for attach), -EOPNOTSUPP
 * (no cdev), -EADDRINUSE (the IOAS maps IOVAs the device reserves or cannot
 * reach, or a mapping made around the library that is not aligned to the
 * IOMMU's page size: the explanation shows the IOAS's usable ranges), -ENOMEM (as for
 * attach), or a kernel errno
 * @since 1.0
 */
int iommufd_device_replace(struct iommufd_device *dev, struct iommufd_pt *pt);

/**
 * @brief Detach the device from its page table (DMA is then blocked).
 * @param dev an attached device (or adopted with its attachment unknown)
 * @return 0, or -EINVAL when not attached, -EOPNOTSUPP (no cdev), or a
 * kernel errno
 * @since 1.0
 */
int iommufd_device_detach(struct iommufd_device *dev);

/**
 * @brief The page table the device is attached to, as the caller chose it.
 * @param dev a device
 * @return the page table (no new reference), or NULL when detached
 * @since 1.0
 */
struct iommufd_pt *iommufd_device_get_pt(const struct iommufd_device *dev);

/**
 * @brief The ID of the HWPT the kernel reported for the current attachment.
 * @param dev an attached device
 * @param[out] ret_hwpt_id the HWPT ID
 * @return 0, or -EINVAL for NULL arguments, -ENOENT when detached
 * @since 1.0
 */
int iommufd_device_get_hwpt_id(const struct iommufd_device *dev,
			       uint32_t *ret_hwpt_id);

/**
 * @brief Capability bits of struct iommufd_hw_info.
 * @since 1.0
 */
enum iommufd_hw_cap {
	IOMMUFD_HW_CAP_DIRTY_TRACKING = 1 << 0,	/**< can track dirty IOVAs */
	IOMMUFD_HW_CAP_PASID_EXEC = 1 << 1,	/**< PCI PASID execute permission */
	IOMMUFD_HW_CAP_PASID_PRIV = 1 << 2,	/**< PCI PASID privileged mode */
	/** ATS is not supported, or cannot be used for this device (7.x kernels). */
	IOMMUFD_HW_CAP_NO_ATS = 1 << 3,
};

/**
 * @brief Vendor record types of struct iommufd_hw_info.
 * @since 1.0
 */
enum iommufd_hw_info_type {
	IOMMUFD_HW_INFO_NONE = 0,		/**< the driver reports nothing */
	IOMMUFD_HW_INFO_INTEL_VTD = 1,		/**< Intel VT-d (24 bytes) */
	IOMMUFD_HW_INFO_ARM_SMMUV3 = 2,		/**< ARM SMMUv3 (40 bytes) */
	IOMMUFD_HW_INFO_TEGRA241_CMDQV = 3,	/**< NVIDIA Tegra241 CMDQV (8 bytes) */
	IOMMUFD_HW_INFO_AMD = 4,		/**< AMD IOMMU (16 bytes) */
};

/**
 * @brief Vendor record type of the kernel's selftest mock IOMMU.
 * @since 1.0
 */
#define IOMMUFD_HW_INFO_SELFTEST 0xfeedbeefu

/**
 * @brief What IOMMU serves a device (filled by iommufd_device_get_hw_info()).
 * @since 1.0
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
 * before kernel 6.6; -EOPNOTSUPP for a noiommu device, which no IOMMU
 * serves: the explanation says so)
 * @since 1.0
 */
int iommufd_device_get_hw_info(struct iommufd_device *dev, void *data,
			       size_t data_len,
			       struct iommufd_hw_info *ret_info);

/**
 * @brief Read the hw info of a chosen vendor type (kernel 6.17+).
 *
 * An IOMMU may be able to describe itself in more than one layout (an SMMUv3
 * with the Tegra241 CMDQV extension reports either); iommufd_device_get_hw_info()
 * returns the default one. Older kernels refuse the request (-EOPNOTSUPP).
 * @param dev a device
 * @param type the ::iommufd_hw_info_type wanted (not ::IOMMUFD_HW_INFO_NONE)
 * @param data buffer for the vendor record, or NULL with @p data_len 0
 * @param data_len bytes at @p data
 * @param[in,out] ret_info as for iommufd_device_get_hw_info()
 * @return 0, -EINVAL, -EOPNOTSUPP (kernel before 6.17, or the IOMMU has no
 * record of that type), or a kernel errno
 * @since 1.0
 */
int iommufd_device_get_hw_info_of_type(struct iommufd_device *dev,
				       uint32_t type, void *data,
				       size_t data_len,
				       struct iommufd_hw_info *ret_info);

/**
 * @brief Export a range of one of the device's BARs as a dma-buf (VFIO
 * DMA_BUF feature, kernel 6.19+), for iommufd_ioas_map_dmabuf(): another
 * device can then DMA to this BAR through its IOAS (peer-to-peer).
 *
 * The kernel revokes the dma-buf while the device's memory decode is off
 * or during its reset (see iommufd_ioas_map_dmabuf()).
 * @param dev a bound VFIO PCI device (with its cdev: not adopted by ID)
 * @param region_index the BAR, 0 to 5
 * @param offset where in the BAR, a multiple of the CPU page size
 * @param length bytes, a non-zero multiple of the CPU page size inside the BAR
 * @param[out] ret_fd the dma-buf fd (O_CLOEXEC; the caller closes it)
 * @return 0, or -EINVAL, -ENOTTY (the kernel or driver cannot export),
 * -EOPNOTSUPP (also for a handle made from an ID, without the cdev),
 * -ENODEV (not a BAR the driver claimed), a kernel errno
 * @since 1.1
 */
int iommufd_device_export_dmabuf(struct iommufd_device *dev, uint32_t region_index,
				 uint64_t offset, uint64_t length, int *ret_fd);

/**
 * @brief Whether the device decodes memory accesses (the Memory Space bit
 * of its PCI command register, read through VFIO): while it does not, the
 * kernel keeps every dma-buf of its BARs revoked.
 * @param dev a bound VFIO PCI device (with its cdev: not adopted by ID)
 * @param[out] ret_enabled the bit
 * @return 0, or -EINVAL (NULL, or not a PCI device), -EOPNOTSUPP (a handle
 * made from an ID, without the cdev), -EIO, a kernel errno
 * @since 1.1
 */
int iommufd_device_get_memory_decode(struct iommufd_device *dev, bool *ret_enabled);

/** @} */

/* ==== hardware page table ================================================ */

/**
 * @defgroup hwpt Hardware page table (HWPT)
 * @{
 */

/**
 * @struct iommufd_hwpt
 * @brief A hardware page table (an IOMMU domain) allocated for a device.
 * @since 1.0
 */
struct iommufd_hwpt;

/**
 * @brief Allocation flags of struct iommufd_hwpt_opts.
 * @since 1.0
 */
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
 * @since 1.0
 */
struct iommufd_hwpt_opts {
	/** sizeof(struct iommufd_hwpt_opts); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** Mask of ::iommufd_hwpt_flags. */
	uint32_t flags;
	/** Vendor data type (kernel's HWPT data type number), 0 for none. */
	uint32_t data_type;
	/**
	 * Vendor data. For a paging HWPT (on an IOAS) empty or all-zero data
	 * means "no data"; for a nested HWPT it is sent as given (required).
	 */
	const void *data;
	/** Bytes at @ref data. */
	size_t data_len;
	/**
	 * Report I/O page faults of this HWPT to this queue (kernel 6.11+);
	 * NULL for none. The HWPT holds a reference on it.
	 */
	struct iommufd_fault_queue *fault_queue;
	/** An ::iommufd_hwpt_fallback: whether the plain path may attach. */
	uint32_t fallback;
};

/**
 * @brief May iommufd_hwpt_alloc() attach the device to get a plain HWPT?
 * @since 1.0
 */
enum iommufd_hwpt_fallback {
	/** Never: the kernel's refusal is returned (the default). */
	IOMMUFD_HWPT_FALLBACK_NONE = 0,
	/** Yes, when the device is detached: it is attached to the IOAS. */
	IOMMUFD_HWPT_FALLBACK_ATTACH = 1,
	/** Yes, also moving an attached device onto the IOAS (a replace). */
	IOMMUFD_HWPT_FALLBACK_REPLACE = 2,
};

/**
 * @brief Allocate a HWPT for @p dev on a page table.
 *
 * On an IOAS this makes a paging HWPT. When the kernel does not know HWPT
 * allocation (ENOTTY, before 6.6) or the driver cannot allocate it
 * (EOPNOTSUPP), a request with no flags, no (non-zero) vendor data and no
 * fault queue can take the plain path, if the caller opted in with
 * struct iommufd_hwpt_opts::fallback: the library attaches @p dev to the
 * IOAS (::IOMMUFD_HWPT_FALLBACK_ATTACH: only a detached device;
 * ::IOMMUFD_HWPT_FALLBACK_REPLACE: also moving an attached one), the kernel
 * allocates the domain, and the handle records the HWPT ID the kernel
 * returned and reports iommufd_hwpt_is_kernel_allocated(). Without the
 * opt-in nothing is attached behind the caller's back: the kernel's errno
 * is returned. A request with flags or vendor data is never downgraded: it
 * fails with -EOPNOTSUPP and an explanation saying why.
 * @param pt an IOAS (or, with vendor data, a nest-parent HWPT)
 * @param dev the device the HWPT is for
 * @param opts options, or NULL for a plain paging HWPT
 * @param[out] ret_hwpt the HWPT; it holds a reference on @p pt
 * @return 0, or -EINVAL, -E2BIG, -EOPNOTSUPP, a kernel errno
 * @since 1.0
 */
int iommufd_hwpt_alloc(struct iommufd_pt *pt, struct iommufd_device *dev,
		       const struct iommufd_hwpt_opts *opts,
		       struct iommufd_hwpt **ret_hwpt);

/**
 * @brief Take a reference.
 * @param hwpt a HWPT, or NULL
 * @return @p hwpt
 * @since 1.0
 */
struct iommufd_hwpt *iommufd_hwpt_ref(struct iommufd_hwpt *hwpt);

/**
 * @brief Drop a reference; the last one destroys the kernel object (a
 * kernel-allocated HWPT is freed by the kernel when its last device leaves;
 * one still in use is destroyed later, see the conventions).
 * @param hwpt a HWPT, or NULL
 * @return NULL
 * @since 1.0
 */
struct iommufd_hwpt *iommufd_hwpt_unref(struct iommufd_hwpt *hwpt);

/**
 * @brief A handle for a HWPT that exists already (made by other code, or
 * inherited across exec).
 *
 * The kernel cannot report how a HWPT was allocated, so the caller states
 * it: the flags decide what the handle allows (a nested HWPT needs a parent
 * with ::IOMMUFD_HWPT_NEST_PARENT, dirty tracking needs
 * ::IOMMUFD_HWPT_DIRTY_TRACKING). Nothing is asked of the kernel: an ID that
 * names no HWPT fails at first use.
 * @param ctx the context the HWPT belongs to
 * @param hwpt_id its kernel object ID (non-zero)
 * @param flags the ::iommufd_hwpt_flags it was allocated with
 * @param adopt ::IOMMUFD_ADOPT_BORROW or ::IOMMUFD_ADOPT_OWN
 * @param[out] ret_hwpt the handle; it holds a reference on @p ctx
 * @return 0, or -EINVAL (NULL, ID 0, unknown flags or @p adopt), -ENOMEM
 * @since 1.0
 */
int iommufd_hwpt_new_from_id(struct iommufd_ctx *ctx, uint32_t hwpt_id,
			     uint32_t flags, uint32_t adopt,
			     struct iommufd_hwpt **ret_hwpt);

/**
 * @brief Destroy the HWPT now and report the kernel's answer.
 *
 * Unlike the last unref, this says whether the kernel destroyed it. The
 * caller's reference must be the only one (-EBUSY otherwise: a child
 * handle, an attached device or another reference still holds it). A kernel-allocated HWPT
 * (the plain path) is the kernel's: with no device attached through it the
 * handle just goes.
 * On success the handle is gone, as after its last unref, and the handles
 * it referenced are released; on failure nothing changes and the handle
 * stays valid.
 * @param hwpt the HWPT
 * @return 0, or -EINVAL for NULL, -EBUSY (still referenced, or the kernel
 * says it is in use), a kernel errno
 * @since 1.0
 */
int iommufd_hwpt_destroy(struct iommufd_hwpt *hwpt);

/**
 * @brief The kernel object ID.
 *
 * A kernel-allocated HWPT (iommufd_hwpt_is_kernel_allocated()) names a
 * domain that a device attached through it is on, or 0 while none is: the
 * kernel may put devices on different domains and frees each with its last
 * device, so the ID changes as devices attach and leave (also when their
 * handles are released in other threads; reading it from one thread is
 * safe meanwhile). Each device's own domain: iommufd_device_get_hwpt_id().
 * @param hwpt a HWPT
 * @return the ID, or 0 for NULL
 * @since 1.0
 */
uint32_t iommufd_hwpt_get_id(const struct iommufd_hwpt *hwpt);

/**
 * @brief The HWPT as a page table a device can be attached to: a cast, not
 * a new reference.
 * @param hwpt a HWPT
 * @return the same object, or NULL for NULL
 * @since 1.0
 */
struct iommufd_pt *iommufd_hwpt_as_pt(struct iommufd_hwpt *hwpt);

/**
 * @brief The ::iommufd_hwpt_flags the HWPT was allocated with.
 * @param hwpt a HWPT
 * @return the flags, 0 for NULL
 * @since 1.0
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
 * @since 1.0
 */
bool iommufd_hwpt_is_kernel_allocated(const struct iommufd_hwpt *hwpt);

/** @} */

/* ==== dirty tracking (live migration) ===================================== */

/**
 * @defgroup dirty Dirty tracking (live migration)
 * @{
 */

/**
 * @brief Flags of iommufd_hwpt_get_dirty_bitmap().
 * @since 1.0
 */
enum iommufd_dirty_flags {
	/** Read the dirty bits without clearing them in the IOMMU. */
	IOMMUFD_DIRTY_NO_CLEAR = 1 << 0,
};

/**
 * @brief Start or stop dirty tracking on a HWPT allocated with
 * ::IOMMUFD_HWPT_DIRTY_TRACKING (kernel 6.7+).
 * @param hwpt the HWPT
 * @param enable start (true) or stop (false)
 * @return 0, or -EINVAL (the HWPT was not allocated for dirty tracking),
 * -EOPNOTSUPP, -ENOTTY, a kernel errno
 * @since 1.0
 */
int iommufd_hwpt_set_dirty_tracking(struct iommufd_hwpt *hwpt, bool enable);

/**
 * @brief Read (and by default clear) the dirty bits of an IOVA range.
 *
 * Bit i of @p bitmap (little-endian order within 64-bit words, as the
 * kernel writes it) stands for IOVA `iova + i * page_size`. The kernel only
 * sets bits: clear the bitmap before the call.
 *
 * The IOMMU records dirtiness per page table entry, not per 4 KiB: where the
 * IOAS maps with huge IOMMU pages, one dirty 4 KiB page reads back as its
 * whole huge page dirty (512 bits of 4 KiB for a 2 MiB entry). For exact
 * base-page granularity, call iommufd_ioas_set_huge_pages(ioas, false)
 * before the first map into the IOAS.
 * @param hwpt a dirty-tracking HWPT
 * @param iova start of the range, a multiple of @p page_size
 * @param length bytes, a non-zero multiple of @p page_size
 * @param page_size bytes per bit: a power of two, at least 4096
 * @param bitmap `length / page_size` bits (any alignment: the kernel
 * accepts any pointer)
 * @param flags a mask of ::iommufd_dirty_flags
 * @return 0, or -EINVAL, -ENOTTY, a kernel errno
 * @since 1.0
 */
int iommufd_hwpt_get_dirty_bitmap(struct iommufd_hwpt *hwpt, uint64_t iova,
				  uint64_t length, uint64_t page_size,
				  uint64_t *bitmap, uint32_t flags);

/**
 * @brief As iommufd_hwpt_get_dirty_bitmap() for a range of any size, in
 * calls of at most @p chunk bytes of IOVA each, so that no single call
 * holds the kernel for long (the caller can interleave other work).
 *
 * Each chunk is a multiple of 64 pages, so it fills whole words of
 * @p bitmap. If a call fails, bits of the chunks before it are valid.
 * @param hwpt a dirty-tracking HWPT
 * @param iova start of the range
 * @param length bytes
 * @param page_size bytes per bit
 * @param bitmap `length / page_size` bits (any alignment: the kernel
 * accepts any pointer)
 * @param flags a mask of ::iommufd_dirty_flags
 * @param chunk the most IOVA bytes per kernel call (rounded down to a
 * multiple of 64 pages; at least 64 pages)
 * @return as iommufd_hwpt_get_dirty_bitmap()
 * @since 1.0
 */
int iommufd_hwpt_get_dirty_bitmap_chunked(struct iommufd_hwpt *hwpt,
					  uint64_t iova, uint64_t length,
					  uint64_t page_size, uint64_t *bitmap,
					  uint32_t flags, uint64_t chunk);

/**
 * @brief Start or stop dirty tracking on a set of HWPTs, as a VMM does when
 * its devices sit behind several IOMMUs (one HWPT each) on one guest RAM IOAS.
 *
 * Starting is all or nothing: when one HWPT refuses, the HWPTs this call
 * had switched on are switched off again (those that were on before stay
 * on) and its errno is returned. Stopping goes through the whole set and
 * returns the first failure: every HWPT that can stop has stopped.
 * @param hwpts @p count HWPTs of one context, each allocated with
 * ::IOMMUFD_HWPT_DIRTY_TRACKING
 * @param count number of HWPTs (at least 1)
 * @param enable start (true) or stop (false)
 * @return 0, or -EINVAL (NULL, count 0, different contexts), a kernel errno
 * as iommufd_hwpt_set_dirty_tracking()
 * @since 1.1
 */
int iommufd_hwpts_set_dirty_tracking(struct iommufd_hwpt *const *hwpts, size_t count,
				     bool enable);

/**
 * @brief Read (and by default clear) the dirty bits of an IOVA range in
 * every HWPT of a set, ORed into one bitmap: a page is dirty when any of
 * the IOMMUs saw it written.
 *
 * The kernel only sets bits, so the bitmap ORs what was in it already:
 * clear it first. Bits, huge pages and arguments as in
 * iommufd_hwpt_get_dirty_bitmap(). When a HWPT fails, the bits of the HWPTs
 * before it are in @p bitmap and were cleared in them: count the whole
 * range as dirty (what a VMM does when a dirty read fails).
 * @param hwpts @p count dirty-tracking HWPTs of one context
 * @param count number of HWPTs (at least 1)
 * @param iova start of the range, a multiple of @p page_size
 * @param length bytes, a non-zero multiple of @p page_size
 * @param page_size bytes per bit: a power of two, at least 4096
 * @param bitmap `length / page_size` bits
 * @param flags a mask of ::iommufd_dirty_flags
 * @return 0, or -EINVAL, -ENOTTY, a kernel errno
 * @since 1.1
 */
int iommufd_hwpts_get_dirty_bitmap(struct iommufd_hwpt *const *hwpts, size_t count,
				   uint64_t iova, uint64_t length, uint64_t page_size,
				   uint64_t *bitmap, uint32_t flags);

/**
 * @brief Start or stop dirty tracking on every HWPT of an IOAS: those
 * allocated on it with ::IOMMUFD_HWPT_DIRTY_TRACKING through this library
 * and not yet released, as iommufd_hwpts_set_dirty_tracking() does.
 *
 * HWPTs made by others (adopted with iommufd_hwpt_new_from_id()) are not
 * known to belong to the IOAS: pass them in a set instead.
 * @param ioas the IOAS
 * @param enable start (true) or stop (false)
 * @return 0, or -EINVAL for NULL, -ENOENT (no such HWPT on the IOAS),
 * -ENOMEM, a kernel errno
 * @since 1.1
 */
int iommufd_ioas_set_dirty_tracking(struct iommufd_ioas *ioas, bool enable);

/**
 * @brief Read (and by default clear) the dirty bits of an IOVA range in
 * every dirty-tracking HWPT of an IOAS (see iommufd_ioas_set_dirty_tracking()),
 * ORed into one bitmap as iommufd_hwpts_get_dirty_bitmap() does.
 *
 * **Huge pages.** The IOMMU marks the page table entry the device wrote
 * through, and the kernel reports that entry's whole extent: where the IOAS
 * maps with huge IOMMU pages (the default when the memory allows), one
 * written 4 KiB page reads back as its whole 2 MiB (or 1 GiB) entry dirty,
 * and a VMM copies that much again. For base-page granularity, allocate the
 * IOAS for guest RAM with huge pages off, iommufd_ioas_set_huge_pages(ioas,
 * false), before its first map: the IOTLB then holds more, smaller entries.
 * @param ioas the IOAS
 * @param iova start of the range, a multiple of @p page_size
 * @param length bytes, a non-zero multiple of @p page_size
 * @param page_size bytes per bit: a power of two, at least 4096
 * @param bitmap `length / page_size` bits, cleared by the caller
 * @param flags a mask of ::iommufd_dirty_flags
 * @return 0, or -EINVAL, -ENOENT (no dirty-tracking HWPT on the IOAS),
 * -ENOMEM, -ENOTTY, a kernel errno
 * @since 1.1
 */
int iommufd_ioas_get_dirty_bitmap(struct iommufd_ioas *ioas, uint64_t iova,
				  uint64_t length, uint64_t page_size, uint64_t *bitmap,
				  uint32_t flags);

/**
 * @brief Read and clear the dirty bits of a range in every dirty-tracking
 * HWPT of the IOAS, then unmap the range: what VFIO type1's unmap with a
 * dirty bitmap gives a VMM that unmaps guest RAM during migration.
 *
 * The kernel has no single command for both: a device write between the
 * read and the unmap is not in the bitmap, so quiesce the devices that can
 * write there first (as a VMM does when the guest unplugs memory). If the
 * read fails nothing is unmapped; if the unmap fails the bitmap is valid
 * (and the range still mapped). As iommufd_ioas_unmap(), the range must
 * cover whole mappings; since mappings are whole CPU pages
 * (iommufd_ioas_map()), a range that is not is refused with -EINVAL before
 * its bits are read and cleared.
 * @param ioas the IOAS
 * @param iova start of the range, a multiple of @p page_size and of the
 * CPU page size
 * @param length bytes, a non-zero multiple of @p page_size and of the CPU
 * page size
 * @param page_size bytes per bit
 * @param bitmap `length / page_size` bits, cleared by the caller
 * @param[out] ret_unmapped bytes unmapped, or NULL
 * @return as iommufd_ioas_get_dirty_bitmap() and iommufd_ioas_unmap()
 * @since 1.1
 */
int iommufd_ioas_unmap_dirty(struct iommufd_ioas *ioas, uint64_t iova, uint64_t length,
			     uint64_t page_size, uint64_t *bitmap, uint64_t *ret_unmapped);

/** @} */

/* ==== PASID (kernel 6.15+) ================================================ */

/**
 * @defgroup pasid PASID attachment (kernel 6.15+)
 * @{
 */

/**
 * @brief Attach a PASID of the device to an IOAS or HWPT.
 *
 * The HWPT must be allocated with ::IOMMUFD_HWPT_PASID.
 * @param dev the device (with its cdev)
 * @param pasid the PASID (not attached yet)
 * @param pt the page table; the device holds a reference on it
 * @return 0, or -EINVAL, -EBUSY (already attached: use
 * iommufd_device_replace_pasid()), -EOPNOTSUPP (a device without PASIDs, or
 * a kernel before 6.15: the kernel's EINVAL is checked against the device's
 * PASID bits; or a handle without its cdev), -ENOMEM, a kernel errno
 * @since 1.0
 */
int iommufd_device_attach_pasid(struct iommufd_device *dev, uint32_t pasid,
				struct iommufd_pt *pt);

/**
 * @brief Move an attached PASID to another page table without a blocking
 * window. Never allocates memory; on failure the PASID stays where it was.
 * @param dev the device
 * @param pasid an attached PASID
 * @param pt the new page table
 * @return 0, or -EINVAL (not attached, NULL), a kernel errno
 * @since 1.0
 */
int iommufd_device_replace_pasid(struct iommufd_device *dev, uint32_t pasid,
				 struct iommufd_pt *pt);

/**
 * @brief Detach a PASID.
 * @param dev the device
 * @param pasid an attached PASID
 * @return 0, or -EINVAL (not attached), a kernel errno
 * @since 1.0
 */
int iommufd_device_detach_pasid(struct iommufd_device *dev, uint32_t pasid);

/**
 * @brief The page table a PASID is attached to.
 * @param dev the device
 * @param pasid the PASID
 * @return the page table (no new reference), or NULL when not attached
 * @since 1.0
 */
struct iommufd_pt *iommufd_device_get_pasid_pt(const struct iommufd_device *dev,
					       uint32_t pasid);

/** @} */

/* ==== I/O page fault queues (kernel 6.11+) ================================ */

/**
 * @defgroup faults I/O page fault queues (kernel 6.11+)
 * @{
 */

/**
 * @struct iommufd_fault_queue
 * @brief A queue the kernel reports I/O page faults of HWPTs to.
 * @since 1.0
 */
struct iommufd_fault_queue;

/**
 * @brief Flags of struct iommufd_fault.
 * @since 1.0
 */
enum iommufd_fault_flags {
	IOMMUFD_FAULT_PASID_VALID = 1 << 0,	/**< @ref iommufd_fault::pasid is valid */
	IOMMUFD_FAULT_LAST_PAGE = 1 << 1,	/**< the last fault of its group */
};

/**
 * @brief Access permissions of a fault (struct iommufd_fault::perm).
 * @since 1.0
 */
enum iommufd_fault_perm {
	IOMMUFD_FAULT_READ = 1 << 0,	/**< read access */
	IOMMUFD_FAULT_WRITE = 1 << 1,	/**< write access */
	IOMMUFD_FAULT_EXEC = 1 << 2,	/**< execute access */
	IOMMUFD_FAULT_PRIV = 1 << 3,	/**< privileged access */
};

/**
 * @brief Responses to a fault group.
 * @since 1.0
 */
enum iommufd_fault_response {
	IOMMUFD_FAULT_RESPONSE_SUCCESS = 0,	/**< handled: the device retries */
	IOMMUFD_FAULT_RESPONSE_INVALID = 1,	/**< cannot be handled: do not retry */
};

/**
 * @brief One I/O page fault, as read from a fault queue.
 * @since 1.0
 */
struct iommufd_fault {
	uint32_t flags;		/**< mask of ::iommufd_fault_flags */
	uint32_t dev_id;	/**< the device that faulted (its iommufd ID) */
	uint32_t pasid;		/**< the PASID, with IOMMUFD_FAULT_PASID_VALID */
	uint32_t grpid;		/**< the page request group of the device */
	uint32_t perm;		/**< mask of ::iommufd_fault_perm */
	uint32_t length;	/**< bytes of the access */
	uint64_t addr;		/**< the faulting address */
	uint32_t cookie;	/**< names the group in iommufd_fault_queue_respond() */
};

/**
 * @brief Allocate a fault queue.
 * @param ctx the context
 * @param[out] ret_queue the queue; poll iommufd_fault_queue_get_fd() for input
 * @return 0, or -ENOTTY (kernel before 6.11), a kernel errno
 * @since 1.0
 */
int iommufd_fault_queue_alloc(struct iommufd_ctx *ctx,
			      struct iommufd_fault_queue **ret_queue);

/**
 * @brief Take a reference.
 * @param queue a fault queue, or NULL
 * @return @p queue
 * @since 1.0
 */
struct iommufd_fault_queue *iommufd_fault_queue_ref(struct iommufd_fault_queue *queue);

/**
 * @brief Drop a reference; the last one closes the queue's fd and destroys it.
 * @param queue a fault queue, or NULL
 * @return NULL
 * @since 1.0
 */
struct iommufd_fault_queue *iommufd_fault_queue_unref(struct iommufd_fault_queue *queue);

/**
 * @brief Destroy the fault queue now and report the kernel's answer.
 *
 * Unlike the last unref, this says whether the kernel destroyed it. The
 * caller's reference must be the only one (-EBUSY otherwise: a child
 * handle, an attached device or another reference still holds it). Its fd is closed first (the
 * kernel holds the queue while the fd is open): after a failure the handle
 * stays valid without it (its get_fd() returns -EBADF).
 * On success the handle is gone, as after its last unref, and the handles
 * it referenced are released; on failure nothing changes and the handle
 * stays valid.
 * @param queue the fault queue
 * @return 0, or -EINVAL for NULL, -EBUSY (still referenced, or the kernel
 * says it is in use), a kernel errno
 * @since 1.0
 */
int iommufd_fault_queue_destroy(struct iommufd_fault_queue *queue);

/**
 * @brief The kernel object ID.
 * @param queue a fault queue
 * @return the ID, or 0 for NULL
 * @since 1.0
 */
uint32_t iommufd_fault_queue_get_id(const struct iommufd_fault_queue *queue);

/**
 * @brief The queue's file descriptor, to poll(2) for readable faults.
 * @param queue a fault queue
 * @return the fd (owned by the queue), or -EINVAL for NULL
 * @since 1.0
 */
int iommufd_fault_queue_get_fd(const struct iommufd_fault_queue *queue);

/**
 * @brief Read pending faults, whole groups only: a group that does not fit
 * in @p max stays queued for the next call, so nothing is lost.
 * @param queue the fault queue
 * @param faults room for @p max faults
 * @param max number of faults @p faults can hold (non-zero)
 * @param[out] ret_count faults read (0 when none are pending)
 * @return 0, or -EMSGSIZE (the first pending group alone has more faults
 * than @p max: call again with more room), -EINVAL, a read(2) errno
 * @since 1.0
 */
int iommufd_fault_queue_read(struct iommufd_fault_queue *queue,
			     struct iommufd_fault *faults, size_t max,
			     size_t *ret_count);

/**
 * @brief The number of faults in the group starting at @p faults: up to and
 * including the first one with ::IOMMUFD_FAULT_LAST_PAGE.
 * @param faults faults as read by iommufd_fault_queue_read()
 * @param count number of faults at @p faults
 * @return the group's length, or 0 when @p faults holds no complete group
 * @since 1.0
 */
size_t iommufd_fault_group_len(const struct iommufd_fault *faults, size_t count);

/**
 * @brief Complete a fault group.
 * @param queue the fault queue it was read from
 * @param cookie the group's @ref iommufd_fault::cookie
 * @param response an ::iommufd_fault_response
 * @return 0, or -EINVAL (unknown response or cookie), a write(2) errno
 * @since 1.0
 */
int iommufd_fault_queue_respond(struct iommufd_fault_queue *queue,
				uint32_t cookie, uint32_t response);

/** @} */

/* ==== nested translation: vIOMMU, vDevice, invalidation ================== */

/**
 * @defgroup nesting Nested translation: vIOMMU, vDevice, invalidation
 *
 * A VMM giving its guest a virtual IOMMU keeps stage 2 (guest physical to
 * host physical) in a nest-parent HWPT on the guest RAM IOAS, and lets the
 * guest own stage 1 through nested HWPTs made from the guest's own table
 * descriptors (see the vendor builders). Nested HWPTs are allocated with
 * iommufd_hwpt_alloc() on the nest-parent HWPT (VT-d, selftest; AMD's data
 * type is defined, but its driver allocates no nested HWPT up to 7.3), or
 * with iommufd_viommu_alloc_hwpt() on a vIOMMU (SMMUv3, Tegra241 CMDQV,
 * selftest; kernel 6.13+). A device moves between the parent and nested
 * HWPTs, or between nested HWPTs, with iommufd_device_replace().
 * @{
 */

/**
 * @struct iommufd_viommu
 * @brief A virtual IOMMU instance: the guest's view of one physical IOMMU.
 * @since 1.0
 */
struct iommufd_viommu;

/**
 * @struct iommufd_vdevice
 * @brief A device as the guest sees it behind a vIOMMU (its virtual ID).
 * @since 1.0
 */
struct iommufd_vdevice;

/**
 * @brief vIOMMU types (the kernel's numbers).
 * @since 1.0
 */
enum iommufd_viommu_type {
	IOMMUFD_VIOMMU_ARM_SMMUV3 = 1,		/**< ARM SMMUv3 (kernel 6.13) */
	IOMMUFD_VIOMMU_TEGRA241_CMDQV = 2,	/**< NVIDIA Tegra241 CMDQV (6.17) */
};

/**
 * @brief vIOMMU type of the kernel's selftest mock driver.
 * @since 1.0
 */
#define IOMMUFD_VIOMMU_SELFTEST 0xdeadbeefu

/**
 * @brief Options of iommufd_viommu_alloc().
 * @since 1.0
 */
struct iommufd_viommu_opts {
	/** sizeof(struct iommufd_viommu_opts); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** Type-specific data (kernel 6.17+), e.g. Tegra241 CMDQV's. */
	const void *data;
	/** Bytes at @ref data (0: none). */
	size_t data_len;
	/**
	 * Where the type-specific data goes back (@ref data_len bytes) as the
	 * kernel returned it: the input with the output fields filled in
	 * (Tegra241 CMDQV: struct iommufd_tegra241_cmdqv_viommu_data; selftest:
	 * struct iommufd_selftest_viommu_data), written only on success. May
	 * be @ref data itself, or NULL when the outputs are not wanted; needs
	 * @ref data. The kernel is always given a private copy of @ref data,
	 * so @ref data may be read-only.
	 * @since 1.1
	 */
	void *out_data;
};

/**
 * @brief Allocate a vIOMMU for the physical IOMMU serving @p dev.
 * @param parent a HWPT allocated with ::IOMMUFD_HWPT_NEST_PARENT: stage 2
 * @param dev a device behind that IOMMU
 * @param type a ::iommufd_viommu_type or #IOMMUFD_VIOMMU_SELFTEST
 * @param opts options, or NULL
 * @param[out] ret_viommu the vIOMMU; it holds a reference on @p parent
 * @return 0, -EINVAL (NULL, type 0, a parent without NEST_PARENT, handles of
 * different contexts), -E2BIG, -EOPNOTSUPP (the kernel or driver has no
 * vIOMMU of that type; -ENOTTY from kernels before 6.13 is reported as
 * such), or a kernel errno
 * @since 1.0
 */
int iommufd_viommu_alloc(struct iommufd_hwpt *parent, struct iommufd_device *dev,
			 uint32_t type, const struct iommufd_viommu_opts *opts,
			 struct iommufd_viommu **ret_viommu);

/**
 * @brief Take a reference.
 * @param viommu a vIOMMU, or NULL
 * @return @p viommu
 * @since 1.0
 */
struct iommufd_viommu *iommufd_viommu_ref(struct iommufd_viommu *viommu);

/**
 * @brief Drop a reference; the last one destroys the kernel object.
 * @param viommu a vIOMMU, or NULL
 * @return NULL
 * @since 1.0
 */
struct iommufd_viommu *iommufd_viommu_unref(struct iommufd_viommu *viommu);

/**
 * @brief A handle for a vIOMMU that exists already.
 *
 * The caller states its type (the kernel cannot report it); the handle
 * knows no parent HWPT. Nothing is asked of the kernel.
 * @param ctx the context the vIOMMU belongs to
 * @param viommu_id its kernel object ID (non-zero)
 * @param type its ::iommufd_viommu_type (non-zero)
 * @param adopt ::IOMMUFD_ADOPT_BORROW or ::IOMMUFD_ADOPT_OWN
 * @param[out] ret_viommu the handle
 * @return 0, or -EINVAL, -ENOMEM
 * @since 1.0
 */
int iommufd_viommu_new_from_id(struct iommufd_ctx *ctx, uint32_t viommu_id,
			       uint32_t type, uint32_t adopt,
			       struct iommufd_viommu **ret_viommu);

/**
 * @brief Destroy the vIOMMU now and report the kernel's answer.
 *
 * Unlike the last unref, this says whether the kernel destroyed it. The
 * caller's reference must be the only one (-EBUSY otherwise: a child
 * handle, an attached device or another reference still holds it).
 * On success the handle is gone, as after its last unref, and the handles
 * it referenced are released; on failure nothing changes and the handle
 * stays valid.
 * @param viommu the vIOMMU
 * @return 0, or -EINVAL for NULL, -EBUSY (still referenced, or the kernel
 * says it is in use), a kernel errno
 * @since 1.0
 */
int iommufd_viommu_destroy(struct iommufd_viommu *viommu);

/**
 * @brief The kernel object ID.
 * @param viommu a vIOMMU
 * @return the ID, or 0 for NULL
 * @since 1.0
 */
uint32_t iommufd_viommu_get_id(const struct iommufd_viommu *viommu);

/**
 * @brief The vIOMMU's type.
 * @param viommu a vIOMMU
 * @return the type, or 0 for NULL
 * @since 1.0
 */
uint32_t iommufd_viommu_get_type(const struct iommufd_viommu *viommu);

/**
 * @brief Allocate a nested HWPT on a vIOMMU (kernel 6.13+).
 *
 * Unlike iommufd_hwpt_alloc() on an IOAS, the vendor data is sent as given,
 * all-zero data included: for SMMUv3 an all-zero STE is meaningful (not
 * valid: DMA is blocked). Data is required.
 * @param viommu the vIOMMU
 * @param dev the device the HWPT is for
 * @param opts the vendor data (`data_type`, `data`, `data_len`); flags must
 * be 0
 * @param[out] ret_hwpt the nested HWPT; it holds a reference on @p viommu
 * @return 0, -EINVAL, -E2BIG, -EOPNOTSUPP, -EIO (the driver refused a field
 * of the data, e.g. an STE bit it does not accept), or a kernel errno
 * @since 1.0
 */
int iommufd_viommu_alloc_hwpt(struct iommufd_viommu *viommu,
			      struct iommufd_device *dev,
			      const struct iommufd_hwpt_opts *opts,
			      struct iommufd_hwpt **ret_hwpt);

/**
 * @brief Allocate the nested HWPT a VMM gives a device whose guest STE says
 * "abort": DMA is blocked (SMMUv3 and Tegra241 CMDQV vIOMMUs).
 * @param viommu the vIOMMU
 * @param dev the device
 * @param[out] ret_hwpt the HWPT
 * @return as iommufd_viommu_alloc_hwpt(); -EOPNOTSUPP for other vIOMMU types
 * @since 1.0
 */
int iommufd_viommu_alloc_abort_hwpt(struct iommufd_viommu *viommu,
				    struct iommufd_device *dev,
				    struct iommufd_hwpt **ret_hwpt);

/**
 * @brief Allocate the nested HWPT a VMM gives a device whose guest STE says
 * "bypass": DMA is translated by stage 2 only (SMMUv3, Tegra241 CMDQV).
 * @param viommu the vIOMMU
 * @param dev the device
 * @param[out] ret_hwpt the HWPT
 * @return as iommufd_viommu_alloc_abort_hwpt()
 * @since 1.0
 */
int iommufd_viommu_alloc_bypass_hwpt(struct iommufd_viommu *viommu,
				     struct iommufd_device *dev,
				     struct iommufd_hwpt **ret_hwpt);

/**
 * @brief Invalidate caches of a nested HWPT (guest stage-1 changes).
 *
 * With @p entry_num 0 nothing is invalidated: the call then tells whether
 * the HWPT takes invalidations of @p data_type (0) or not. Kernels refuse a
 * probe on a paging (not nested) HWPT with -ENOENT (6.12 and older) or
 * -EINVAL (6.13+), and a foreign data type with -EINVAL.
 * @param hwpt a nested HWPT
 * @param data_type an ::iommufd_invalidate_data_type or
 * #IOMMUFD_INVALIDATE_SELFTEST
 * @param entries @p entry_num entries of @p entry_len bytes (see the vendor
 * invalidation builders)
 * @param entry_len bytes of one entry
 * @param entry_num number of entries
 * @param[out] ret_done entries the kernel handled, or NULL. Unlike other
 * out-parameters it is written on failure too: the kernel handled this many
 * before the entry that failed.
 * @return 0, -EINVAL (NULL entries or zero length with entries), or a kernel
 * errno (-ENOTTY: a kernel before 6.8; -EOPNOTSUPP: the driver has no
 * invalidation for this HWPT, or refused an entry's flags; -EIO/-EINVAL: an
 * entry was refused; @p ret_done tells which)
 * @since 1.0
 */
int iommufd_hwpt_invalidate(struct iommufd_hwpt *hwpt, uint32_t data_type,
			    const void *entries, size_t entry_len,
			    uint32_t entry_num, uint32_t *ret_done);

/**
 * @brief Invalidate caches through a vIOMMU (e.g. SMMUv3 commands).
 * @param viommu the vIOMMU
 * @param data_type an ::iommufd_invalidate_data_type or
 * #IOMMUFD_INVALIDATE_SELFTEST
 * @param entries @p entry_num entries of @p entry_len bytes
 * @param entry_len bytes of one entry
 * @param entry_num number of entries (0 probes support)
 * @param[out] ret_done as for iommufd_hwpt_invalidate()
 * @return as iommufd_hwpt_invalidate()
 * @since 1.0
 */
int iommufd_viommu_invalidate(struct iommufd_viommu *viommu, uint32_t data_type,
			      const void *entries, size_t entry_len,
			      uint32_t entry_num, uint32_t *ret_done);

/**
 * @brief Tell the kernel the virtual ID the guest uses for a device behind
 * a vIOMMU (its virtual Stream ID or Requester ID), kernel 6.13+.
 * @param viommu the vIOMMU
 * @param dev the device
 * @param virt_id the guest's ID for the device
 * @param[out] ret_vdev the vDevice; it holds references on @p viommu and @p dev
 * @return 0, -EINVAL, -EEXIST (the device already has a vDevice), or a kernel
 * errno
 * @since 1.0
 */
int iommufd_vdevice_alloc(struct iommufd_viommu *viommu,
			  struct iommufd_device *dev, uint64_t virt_id,
			  struct iommufd_vdevice **ret_vdev);

/**
 * @brief Take a reference.
 * @param vdev a vDevice, or NULL
 * @return @p vdev
 * @since 1.0
 */
struct iommufd_vdevice *iommufd_vdevice_ref(struct iommufd_vdevice *vdev);

/**
 * @brief Drop a reference; the last one destroys the kernel object.
 * @param vdev a vDevice, or NULL
 * @return NULL
 * @since 1.0
 */
struct iommufd_vdevice *iommufd_vdevice_unref(struct iommufd_vdevice *vdev);

/**
 * @brief A handle for a vDevice that exists already.
 * @param viommu the vIOMMU it is on
 * @param dev the device it stands for, or NULL when no handle of it is at hand
 * @param vdevice_id its kernel object ID (non-zero)
 * @param virt_id the guest's ID of the device (the kernel cannot report it)
 * @param adopt ::IOMMUFD_ADOPT_BORROW or ::IOMMUFD_ADOPT_OWN
 * @param[out] ret_vdev the handle; it holds references on @p viommu and @p dev
 * @return 0, or -EINVAL, -ENOMEM
 * @since 1.0
 */
int iommufd_vdevice_new_from_id(struct iommufd_viommu *viommu,
				struct iommufd_device *dev, uint32_t vdevice_id,
				uint64_t virt_id, uint32_t adopt,
				struct iommufd_vdevice **ret_vdev);

/**
 * @brief Destroy the vDevice now and report the kernel's answer.
 *
 * Unlike the last unref, this says whether the kernel destroyed it. The
 * caller's reference must be the only one (-EBUSY otherwise: a child
 * handle, an attached device or another reference still holds it).
 * On success the handle is gone, as after its last unref, and the handles
 * it referenced are released; on failure nothing changes and the handle
 * stays valid.
 * @param vdev the vDevice
 * @return 0, or -EINVAL for NULL, -EBUSY (still referenced, or the kernel
 * says it is in use), a kernel errno
 * @since 1.0
 */
int iommufd_vdevice_destroy(struct iommufd_vdevice *vdev);

/**
 * @brief The kernel object ID.
 * @param vdev a vDevice
 * @return the ID, or 0 for NULL
 * @since 1.0
 */
uint32_t iommufd_vdevice_get_id(const struct iommufd_vdevice *vdev);

/**
 * @brief The guest's ID of the device.
 * @param vdev a vDevice
 * @return the virtual ID, or 0 for NULL
 * @since 1.0
 */
uint64_t iommufd_vdevice_get_virt_id(const struct iommufd_vdevice *vdev);

/**
 * @struct iommufd_veventq
 * @brief A queue of events a vIOMMU reports for the guest (kernel 6.15+).
 * @since 1.0
 */
struct iommufd_veventq;

/**
 * @brief vEVENTQ types (the kernel's numbers).
 * @since 1.0
 */
enum iommufd_veventq_type {
	IOMMUFD_VEVENTQ_ARM_SMMUV3 = 1,		/**< SMMUv3 events, 32 bytes each */
	IOMMUFD_VEVENTQ_TEGRA241_CMDQV = 2,	/**< CMDQV error maps, 16 bytes each */
};

/**
 * @brief vEVENTQ type of the kernel's selftest mock driver (4-byte events).
 * @since 1.0
 */
#define IOMMUFD_VEVENTQ_SELFTEST 0xbeefbeefu

/**
 * @brief One event read from a vEVENTQ (valid during the callback only).
 * @since 1.0
 */
struct iommufd_vevent {
	/** The kernel's sequence number of the event (0..INT_MAX, wrapping). */
	uint32_t sequence;
	/**
	 * Events lost just before this one: the gap in sequence numbers since
	 * the previous event this handle read (0 for none).
	 */
	uint32_t lost;
	/** The type's record. */
	const void *data;
	/** Bytes at @ref data. */
	size_t data_len;
};

/**
 * @brief Called once per event by iommufd_veventq_read().
 * @param userdata as given to iommufd_veventq_read()
 * @param event the event
 * @since 1.0
 */
typedef void (*iommufd_vevent_fn)(void *userdata, const struct iommufd_vevent *event);

/**
 * @brief Allocate a vEVENTQ on a vIOMMU.
 * @param viommu the vIOMMU
 * @param type an ::iommufd_veventq_type or #IOMMUFD_VEVENTQ_SELFTEST
 * @param depth the most events the kernel queues before it drops some
 * (non-zero)
 * @param[out] ret_queue the queue; it holds a reference on @p viommu
 * @return 0, or -EINVAL, -EEXIST (the vIOMMU has a queue of this type),
 * -EOPNOTSUPP, -ENOTTY (kernel before 6.15), a kernel errno
 * @since 1.0
 */
int iommufd_veventq_alloc(struct iommufd_viommu *viommu, uint32_t type,
			  uint32_t depth, struct iommufd_veventq **ret_queue);

/**
 * @brief Take a reference.
 * @param queue a vEVENTQ, or NULL
 * @return @p queue
 * @since 1.0
 */
struct iommufd_veventq *iommufd_veventq_ref(struct iommufd_veventq *queue);

/**
 * @brief Drop a reference; the last one closes the fd and destroys the queue.
 * @param queue a vEVENTQ, or NULL
 * @return NULL
 * @since 1.0
 */
struct iommufd_veventq *iommufd_veventq_unref(struct iommufd_veventq *queue);

/**
 * @brief Destroy the vEVENTQ now and report the kernel's answer.
 *
 * Unlike the last unref, this says whether the kernel destroyed it. The
 * caller's reference must be the only one (-EBUSY otherwise: a child
 * handle, an attached device or another reference still holds it). Its fd is closed first (the
 * kernel holds the queue while the fd is open): after a failure the handle
 * stays valid without it (its get_fd() returns -EBADF).
 * On success the handle is gone, as after its last unref, and the handles
 * it referenced are released; on failure nothing changes and the handle
 * stays valid.
 * @param queue the vEVENTQ
 * @return 0, or -EINVAL for NULL, -EBUSY (still referenced, or the kernel
 * says it is in use), a kernel errno
 * @since 1.0
 */
int iommufd_veventq_destroy(struct iommufd_veventq *queue);

/**
 * @brief The kernel object ID.
 * @param queue a vEVENTQ
 * @return the ID, or 0 for NULL
 * @since 1.0
 */
uint32_t iommufd_veventq_get_id(const struct iommufd_veventq *queue);

/**
 * @brief The queue's file descriptor, to poll(2) for events.
 * @param queue a vEVENTQ
 * @return the fd, or -EINVAL for NULL
 * @since 1.0
 */
int iommufd_veventq_get_fd(const struct iommufd_veventq *queue);

/**
 * @brief Read pending events and pass each to @p fn, in order.
 *
 * Lost events are reported, never hidden: each event says how many were
 * lost before it (a gap in the sequence), and events lost at the tail are
 * counted in @p ret_lost_tail.
 * @param queue the vEVENTQ (of a type whose record size the library knows)
 * @param fn called once per event
 * @param userdata passed to @p fn
 * @param[out] ret_count events passed to @p fn, or NULL
 * @param[out] ret_lost_tail non-zero when the kernel dropped events after the
 * last one read (the queue overflowed): at least this many; the exact count
 * arrives as @ref iommufd_vevent::lost of the next event. NULL if not wanted
 * @return 0, or -EOPNOTSUPP (unknown record size of this type), -EIO (a
 * malformed record), a read(2) errno
 * @since 1.0
 */
int iommufd_veventq_read(struct iommufd_veventq *queue, iommufd_vevent_fn fn,
			 void *userdata, size_t *ret_count,
			 uint32_t *ret_lost_tail);

/**
 * @struct iommufd_hw_queue
 * @brief A queue in guest memory that the IOMMU hardware reads directly,
 * e.g. a Tegra241 CMDQV virtual command queue (kernel 6.17+).
 * @since 1.0
 */
struct iommufd_hw_queue;

/**
 * @brief HW queue types (the kernel's numbers).
 * @since 1.0
 */
enum iommufd_hw_queue_type {
	IOMMUFD_HW_QUEUE_TEGRA241_CMDQV = 1,	/**< Tegra241 CMDQV vCMDQ */
};

/**
 * @brief HW queue type of the kernel's selftest mock driver.
 * @since 1.0
 */
#define IOMMUFD_HW_QUEUE_SELFTEST 0xdeadbeefu

/**
 * @brief Allocate a HW queue on a vIOMMU.
 *
 * For Tegra241 CMDQV the kernel requires: indexes allocated from 0 upwards
 * (and freed downwards), @p length a power of two of at least 32 bytes and
 * at most what the SMMU's command queue holds (2^(IDR1.CMDQS + 4) bytes,
 * iommufd_smmuv3_info::cmdqs), @p guest_iova aligned to @p length and
 * mapped in the parent's IOAS. The library refuses a length that is no
 * power of two or under 32 bytes, and (since 1.1) one above the CMDQS bound
 * when the device's hw info was read through its handle before the vIOMMU
 * was allocated, with -EINVAL before the kernel.
 * @param viommu the vIOMMU
 * @param type an ::iommufd_hw_queue_type or #IOMMUFD_HW_QUEUE_SELFTEST
 * @param index the queue's index within its type
 * @param guest_iova base of the queue memory, a stage-2 (guest physical)
 * address
 * @param length bytes of the queue memory (non-zero)
 * @param[out] ret_queue the queue; it holds a reference on @p viommu and on
 * the library's handle (if any) of the queue of the same vIOMMU and type at
 * @p index - 1, which the kernel will not destroy before this one: the
 * handles can be released in any order
 * @return 0, or -EINVAL, -EOPNOTSUPP, -ENOTTY (kernel before 6.17), a
 * kernel errno
 * @since 1.0
 */
int iommufd_hw_queue_alloc(struct iommufd_viommu *viommu, uint32_t type,
			   uint32_t index, uint64_t guest_iova, uint64_t length,
			   struct iommufd_hw_queue **ret_queue);

/**
 * @brief Take a reference.
 * @param queue a HW queue, or NULL
 * @return @p queue
 * @since 1.0
 */
struct iommufd_hw_queue *iommufd_hw_queue_ref(struct iommufd_hw_queue *queue);

/**
 * @brief Drop a reference; the last one destroys the kernel object.
 * @param queue a HW queue, or NULL
 * @return NULL
 * @since 1.0
 */
struct iommufd_hw_queue *iommufd_hw_queue_unref(struct iommufd_hw_queue *queue);

/**
 * @brief Destroy the HW queue now and report the kernel's answer.
 *
 * Unlike the last unref, this says whether the kernel destroyed it. The
 * caller's reference must be the only one (-EBUSY otherwise: a child
 * handle, an attached device or another reference still holds it). The kernel destroys the queues of a
 * type from the highest index down: a queue with one above it is in use.
 * On success the handle is gone, as after its last unref, and the handles
 * it referenced are released; on failure nothing changes and the handle
 * stays valid.
 * @param queue the HW queue
 * @return 0, or -EINVAL for NULL, -EBUSY (still referenced, or the kernel
 * says it is in use), a kernel errno
 * @since 1.0
 */
int iommufd_hw_queue_destroy(struct iommufd_hw_queue *queue);

/**
 * @brief The kernel object ID.
 * @param queue a HW queue
 * @return the ID, or 0 for NULL
 * @since 1.0
 */
uint32_t iommufd_hw_queue_get_id(const struct iommufd_hw_queue *queue);

/**
 * @brief The region of the iommufd the kernel offered for mmap when it
 * allocated the vIOMMU (kernel 6.17+), as read from the type's output data.
 *
 * The library reads it for the types whose output layout it knows: Tegra241
 * CMDQV (the VINTF page 0 a guest drives its virtual command queues
 * through) and the selftest vIOMMU; iommufd_viommu_alloc() must have been
 * given type-specific data for the kernel to write it.
 * @param viommu a vIOMMU
 * @param[out] ret_offset the mmap offset in the iommufd
 * @param[out] ret_length its length in bytes
 * @return 0, or -EINVAL, -ENODATA (no region: no data was given, another
 * type, or the handle was adopted by ID)
 * @since 1.1
 */
int iommufd_viommu_get_mmap_region(const struct iommufd_viommu *viommu,
				   uint64_t *ret_offset, uint64_t *ret_length);

/**
 * @brief Map the vIOMMU's region (iommufd_viommu_get_mmap_region()) of the
 * iommufd into this process: shared, uncached, never executable.
 *
 * The mapping belongs to the handle: a second call returns the same address
 * (with the same @p prot), iommufd_viommu_munmap() or the handle's last
 * unref unmaps it. While it is mapped the kernel keeps the vIOMMU (a
 * destroy is refused with -EBUSY), as it does for any mapping of it.
 * @param viommu a vIOMMU allocated with type-specific data
 * @param prot PROT_READ, PROT_WRITE or both
 * @param[out] ret_addr the address of the mapping
 * @param[out] ret_length its length in bytes, or NULL
 * @return 0, or -EINVAL (NULL, another @p prot bit), -ENODATA (no region),
 * -EBUSY (mapped already with another @p prot), -ENODEV (the kernel cannot
 * mmap an iommufd: before 6.17), -ENXIO (the kernel knows no such region),
 * an errno of mmap(2)
 * @since 1.1
 */
int iommufd_viommu_mmap(struct iommufd_viommu *viommu, int prot, void **ret_addr,
			size_t *ret_length);

/**
 * @brief Unmap what iommufd_viommu_mmap() mapped (nothing when not mapped).
 * @param viommu a vIOMMU
 * @return 0, or -EINVAL for NULL
 * @since 1.1
 */
int iommufd_viommu_munmap(struct iommufd_viommu *viommu);

/** @} */

/* ==== capability probe ==================================================== */

/**
 * @defgroup probe Capability probe: what the kernel and the IOMMU can do, and why not
 *
 * One call fills a struct iommufd_probe with a verdict per feature. The
 * probe asks the kernel the same way a real use would and leaves no kernel
 * object behind. Costs: the first probe of a context (either call) makes
 * one ioctl per command (14), each with an empty argument the kernel
 * refuses before doing anything; the context keeps those answers (the
 * commands a running kernel knows do not change), so its later probes and
 * those of its devices ask none of them again. iommufd_device_probe()
 * adds GET_HW_INFO, a temporary IOAS
 * (2 ioctls), and one allocation plus one destroy per HWPT kind and vIOMMU
 * type it tries, plus one IOVA-ranges read for the plain HWPT, plus a trial
 * nested HWPT (and, for SMMUv3, the vIOMMU it goes on) when the hardware
 * info says the IOMMU nests (at most 21 more). vIOMMU types the device's
 * IOMMU does not have (by its hw-info type) are not tried.
 * @{
 */

/**
 * @brief Verdicts of struct iommufd_feature.
 * @since 1.0
 */
enum iommufd_support {
	/** Not asked: needs a device (iommufd_device_probe()) or a parent feature. */
	IOMMUFD_FEATURE_UNTESTED = 0,
	/** Works. */
	IOMMUFD_FEATURE_SUPPORTED = 1,
	/** The kernel does not know the command (ENOTTY), or lacks a field (E2BIG). */
	IOMMUFD_FEATURE_NO_KERNEL = 2,
	/** The kernel knows it, but the IOMMU driver or device cannot (EOPNOTSUPP,
	 * or a hardware capability bit says so). */
	IOMMUFD_FEATURE_NO_IOMMU = 3,
	/** The probe failed otherwise: @ref iommufd_feature::err tells. */
	IOMMUFD_FEATURE_ERROR = 4,
};

/**
 * @brief The verdict on one feature.
 * @since 1.0
 */
struct iommufd_feature {
	/** An ::iommufd_support. */
	uint32_t support;
	/**
	 * The negative errno a real use gets, 0 when supported or untested
	 * (e.g. a kernel without PASID HWPTs: ::IOMMUFD_FEATURE_NO_KERNEL with
	 * -EOPNOTSUPP, the errno that kernel gives for the flag it does not know).
	 */
	int32_t err;
};

/**
 * @brief Features and facts found by iommufd_ctx_probe() / iommufd_device_probe().
 * @since 1.0
 */
struct iommufd_probe {
	/** sizeof(struct iommufd_probe), set by the caller. */
	size_t sz;
	/* commands of the kernel (context probe) */
	struct iommufd_feature hwpt_alloc;	/**< HWPT allocation (6.6) */
	struct iommufd_feature hw_info;		/**< IOMMU hw info (6.6) */
	struct iommufd_feature dirty_tracking_cmds; /**< dirty tracking commands (6.7) */
	struct iommufd_feature invalidate;	/**< cache invalidation (6.8) */
	struct iommufd_feature fault_queue;	/**< I/O page fault queues (6.11) */
	struct iommufd_feature map_file;	/**< memfd mappings (6.13) */
	struct iommufd_feature viommu_cmds;	/**< vIOMMU objects (6.13) */
	struct iommufd_feature vdevice;		/**< vDevice objects (6.13) */
	struct iommufd_feature change_process;	/**< moving page accounting (6.14) */
	struct iommufd_feature veventq;		/**< vEVENTQs (6.15) */
	struct iommufd_feature hw_queue;	/**< HW queues (6.17) */
	struct iommufd_feature vfio_compat;	/**< the VFIO container compat IOAS */
	struct iommufd_feature options;		/**< kernel options (rlimit mode, huge pages) */
	struct iommufd_feature ioas_copy;	/**< IOAS copy */
	/* what the device's IOMMU can do (device probe) */
	struct iommufd_feature nest_parent;	/**< a nest-parent (stage-2) HWPT */
	/**
	 * A plain paging HWPT that leaves its IOAS a usable IOVA range (6.12
	 * with virtio-iommu gives it the aperture [0, 0]: ::IOMMUFD_FEATURE_NO_IOMMU
	 * with -ENOSPC, what every map then gets).
	 */
	struct iommufd_feature paging_hwpt;
	/**
	 * Nested translation as a VMM would use it: a nest-parent HWPT,
	 * hardware info that says the IOMMU nests (VT-d, AMD, SMMUv3
	 * decoders), and a nested HWPT actually allocated on the parent (on a
	 * vIOMMU for SMMUv3) with data of @ref nested_data_type. AMD drivers
	 * of 7.0 to 7.3 make nest parents but no nested HWPT: no nesting.
	 */
	struct iommufd_feature nesting;
	struct iommufd_feature dirty_tracking;	/**< a dirty-tracking HWPT */
	struct iommufd_feature pasid_hwpt;	/**< a HWPT for PASIDs (6.15) */
	struct iommufd_feature pasid;		/**< the device has PASIDs */
	struct iommufd_feature pasid_exec;	/**< PCI PASID execute permission */
	struct iommufd_feature pasid_priv;	/**< PCI PASID privileged mode */
	/** ATS can be used (untested on kernels before 6.17, which do not say). */
	struct iommufd_feature ats;
	/**
	 * An SMMUv3 vIOMMU; like the next two, tried only on an IOMMU whose
	 * hw-info type has it (SMMUv3 and Tegra241 for the first two, the
	 * mock for the third), ::IOMMUFD_FEATURE_NO_IOMMU elsewhere: AMD
	 * drivers (7.0 to 7.3) make a vIOMMU of any type they are given.
	 */
	struct iommufd_feature viommu_arm_smmuv3;
	struct iommufd_feature viommu_tegra241_cmdqv; /**< a Tegra241 CMDQV vIOMMU */
	struct iommufd_feature viommu_selftest;	/**< a selftest vIOMMU (mock driver) */
	/** hw info type of the device's IOMMU (device probe; 0 otherwise). */
	uint32_t hw_info_type;
	/** The nested HWPT data type this IOMMU takes, 0 when none. */
	uint32_t nested_data_type;
	/** hw info capabilities (::iommufd_hw_cap). */
	uint64_t capabilities;
	/** log2 of the PASID space, 0 without PASIDs. */
	uint8_t max_pasid_log2;
};

/**
 * @brief Which iommufd commands the running kernel knows.
 *
 * Device features stay ::IOMMUFD_FEATURE_UNTESTED.
 * @param ctx the context
 * @param[in,out] ret_probe its `sz` set by the caller; filled on success
 * @return 0, or -EINVAL
 * @since 1.0
 */
int iommufd_ctx_probe(struct iommufd_ctx *ctx, struct iommufd_probe *ret_probe);

/**
 * @brief What the kernel and the IOMMU of @p dev can do, by trying each
 * feature and undoing it.
 * @param dev a device (a handle from iommufd_device_new_from_id() works)
 * @param[in,out] ret_probe its `sz` set by the caller; filled on success
 * @return 0, or -EINVAL, or the errno of an ioctl the probe needs (hw info,
 * IOAS allocation)
 * @since 1.0
 */
int iommufd_device_probe(struct iommufd_device *dev, struct iommufd_probe *ret_probe);

/**
 * @brief A short English name for a verdict ("supported", "kernel lacks it"...).
 * @param support an ::iommufd_support
 * @return a static string
 * @since 1.0
 */
const char *iommufd_support_name(uint32_t support);

/** @} */

/* ==== discovery of VFIO device cdevs (libudev) =========================== */

/**
 * @defgroup discovery Discovery of VFIO device cdevs (libudev)
 * @{
 */

/**
 * @brief A VFIO device cdev found by iommufd_discover_list().
 * @since 1.0
 */
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
	/**
	 * The device has no IOMMU: a noiommu cdev (`noiommu-vfioN`, kernel
	 * 7.3 with CONFIG_VFIO_NOIOMMU, booted with
	 * vfio.enable_unsafe_noiommu_mode=1). It binds, attaches and maps like
	 * any other, but DMAs to physical addresses: see
	 * iommufd_ioas_noiommu_get_pa(). (Entries are made by the library only,
	 * so a member can be appended.)
	 * @since 1.1
	 */
	bool noiommu;
};

/**
 * @brief The VFIO cdev of a PCI device bound to vfio-pci.
 * @param ctx a context for logging, or NULL to be silent
 * @param pci_addr `DDDD:BB:DD.F` or `BB:DD.F`
 * @param[out] ret_cdev_path malloc(3)ed `/dev/vfio/devices/vfioN`
 * @return 0, or -EINVAL (malformed address), -ENODEV (no such device, or it
 * has no VFIO cdev: not bound to vfio-pci, or a kernel without
 * CONFIG_VFIO_DEVICE_CDEV), -ENOENT/-ENXIO (the node is absent or is not
 * that device), -ENOMEM, -EOPNOTSUPP (a valid address, but the library was
 * built without libudev: `configure --without-libudev`)
 * @since 1.0
 */
int iommufd_discover_pci(struct iommufd_ctx *ctx, const char *pci_addr,
			 char **ret_cdev_path);

/**
 * @brief The VFIO cdev of a device given by its sysfs path.
 * @param ctx a context for logging, or NULL
 * @param sysfs_path e.g. `/sys/bus/pci/devices/0000:00:03.0`
 * @param[out] ret_cdev_path malloc(3)ed device node path
 * @return as iommufd_discover_pci()
 * @since 1.0
 */
int iommufd_discover_sysfs(struct iommufd_ctx *ctx, const char *sysfs_path,
			   char **ret_cdev_path);

/**
 * @brief Every VFIO device cdev of the system.
 * @param ctx a context for logging, or NULL
 * @param[out] ret_list NULL-terminated array in the order of the devices'
 * sysfs paths, free with iommufd_discover_list_free()
 * @param[out] ret_count number of entries, or NULL
 * @return 0 (also with none found), or -ENOMEM, the errno of reading
 * /sys/class/vfio-dev, or -EOPNOTSUPP (the library was built without libudev)
 * @since 1.0
 */
int iommufd_discover_list(struct iommufd_ctx *ctx,
			  struct iommufd_vfio_cdev ***ret_list,
			  size_t *ret_count);

/**
 * @brief Free a list from iommufd_discover_list().
 * @param list the list, or NULL
 * @since 1.0
 */
void iommufd_discover_list_free(struct iommufd_vfio_cdev **list);

/** @} */

#ifdef __cplusplus
}
#endif

/* The vendor section: decoders and builders of vendor data. */
#include "libiommufd/vendor.h"

#endif /* LIBIOMMUFD_H */
