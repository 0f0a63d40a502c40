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
 * of a vIOMMU) is locked. iommufd_last_error() is per thread. Changing a
 * context's log function or priority counts as using the context and every
 * handle made from it.
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
 * `IOAS_MAP IOAS 3 ...: ENOMEM: RLIMIT_MEMLOCK is 64 KiB ...`), in storage
 * private to the calling thread, so threads sharing a context never see each
 * other's errors. Read it right after the failing call, e.g. for QEMU's
 * `error_setg_errno(errp, -rc, "%s", iommufd_last_error())`. Successful calls
 * leave it unchanged.
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

/* ==== page tables: what a device can be attached to ====================== */

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

/* ==== IO address space =================================================== */

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
 * @param ioas the IOAS
 * @param va start of the memory (page aligned)
 * @param length bytes (a non-zero multiple of the page size)
 * @param prot a mask of ::iommufd_map_prot
 * @param[out] ret_iova the IOVA the kernel chose
 * @return 0, or -EINVAL (bad argument), -ENOSPC (no room), -ENOMEM, -EFAULT
 * @since 1.0
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
 * @param ioas the IOAS
 * @param fd the file (the caller keeps it; the kernel takes its own reference)
 * @param start offset in the file
 * @param length bytes (non-zero)
 * @param prot a mask of ::iommufd_map_prot
 * @param[out] ret_iova the IOVA the kernel chose
 * @return 0, or -EINVAL, -ENOTTY (kernel before 6.13), a kernel errno
 * @since 1.0
 */
int iommufd_ioas_map_file(struct iommufd_ioas *ioas, int fd, uint64_t start,
			  uint64_t length, uint32_t prot, uint64_t *ret_iova);

/**
 * @brief Map pages of a file at a fixed IOVA (kernel 6.13+).
 * @param ioas the IOAS
 * @param fd the file
 * @param start offset in the file
 * @param length bytes (non-zero)
 * @param iova where to map it
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
 * The source range must lie inside existing mappings of @p src.
 * @param dst the IOAS to map into
 * @param dst_iova where in @p dst
 * @param src the IOAS that maps the pages
 * @param src_iova where in @p src
 * @param length bytes (non-zero)
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

/* ==== device ============================================================= */

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
 * isolated: no interrupt remapping; see iommufd_last_error()), a kernel errno
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
 * pages exceeds RLIMIT_MEMLOCK: the explanation names the limit), or a
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
 * reach: the explanation shows the IOAS's usable ranges), -ENOMEM (as for
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
 * before kernel 6.6)
 * @since 1.0
 */
int iommufd_device_get_hw_info(struct iommufd_device *dev, void *data,
			       size_t data_len,
			       struct iommufd_hw_info *ret_info);

/* ==== hardware page table ================================================ */

/**
 * @struct iommufd_hwpt
 * @brief A hardware page table (an IOMMU domain) allocated for a device.
 * @since 1.0
 */
struct iommufd_hwpt;

/**
 * @struct iommufd_fault_queue
 * @brief A queue the kernel reports I/O page faults of HWPTs to.
 * @since 1.0
 */
struct iommufd_fault_queue;

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

/* ==== dirty tracking (live migration) ===================================== */

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

/* ==== PASID (kernel 6.15+) ================================================ */

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

/* ==== I/O page fault queues (kernel 6.11+) ================================ */

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

/* ==== nested translation: vIOMMU, vDevice, invalidation ================== */

/**
 * @defgroup nesting Nested translation: vIOMMU, vDevice, invalidation
 *
 * A VMM giving its guest a virtual IOMMU keeps stage 2 (guest physical to
 * host physical) in a nest-parent HWPT on the guest RAM IOAS, and lets the
 * guest own stage 1 through nested HWPTs made from the guest's own table
 * descriptors (see the vendor builders). Nested HWPTs are allocated with
 * iommufd_hwpt_alloc() on the nest-parent HWPT (VT-d, AMD, selftest), or
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
 * (and freed downwards), @p length a power of two of at least 32 bytes,
 * @p guest_iova aligned to @p length and mapped in the parent's IOAS.
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

/** @} */

/* ==== capability probe ==================================================== */

/**
 * @defgroup probe Capability probe: what the kernel and the IOMMU can do, and why not
 *
 * One call fills a struct iommufd_probe with a verdict per feature. The
 * probe asks the kernel the same way a real use would and leaves no kernel
 * object behind. Costs: iommufd_ctx_probe() makes one ioctl per command
 * (14), each with an empty argument the kernel refuses before doing
 * anything; iommufd_device_probe() adds GET_HW_INFO, a temporary IOAS
 * (2 ioctls), and one allocation plus one destroy per HWPT kind and vIOMMU
 * type it tries, plus one IOVA-ranges read for the plain HWPT (at most 17
 * more).
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
	 * Nested translation as a VMM would use it: a nest-parent HWPT, and
	 * hardware info that says the IOMMU nests (VT-d, AMD, SMMUv3 decoders).
	 */
	struct iommufd_feature nesting;
	struct iommufd_feature dirty_tracking;	/**< a dirty-tracking HWPT */
	struct iommufd_feature pasid_hwpt;	/**< a HWPT for PASIDs (6.15) */
	struct iommufd_feature pasid;		/**< the device has PASIDs */
	struct iommufd_feature pasid_exec;	/**< PCI PASID execute permission */
	struct iommufd_feature pasid_priv;	/**< PCI PASID privileged mode */
	/** ATS can be used (untested on kernels before 6.17, which do not say). */
	struct iommufd_feature ats;
	struct iommufd_feature viommu_arm_smmuv3; /**< an SMMUv3 vIOMMU */
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
 * @param[out] ret_list NULL-terminated array, free with
 * iommufd_discover_list_free()
 * @param[out] ret_count number of entries, or NULL
 * @return 0 (also with none found), or -ENOMEM, a libudev errno
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

/* ==== vendor data: hw-info decoders, nested HWPT and invalidation data ==== */

/**
 * @defgroup vendor Vendor data: hw-info decoders, nested HWPT and invalidation builders
 *
 * Pure functions over bytes, with no kernel call: decoders turn the vendor
 * record of iommufd_device_get_hw_info() into named fields, and builders
 * make the vendor bytes of a nested HWPT (for the `data_type`, `data`,
 * `data_len` of struct iommufd_hwpt_opts) and of invalidation entries,
 * checking every field first so the kernel never sees a malformed one.
 *
 * Common rules of these calls:
 * - Every vendor decoder is `(ctx, data, data_len, ret_info)`
 *   (iommufd_hw_info_decode() adds the record's type before `data`), and
 *   every builder is `(ctx, in, hw, buf, buf_len, ret_type, ret_len)`:
 *   `in` is the builder's input struct, `hw` the vendor's decoded hardware
 *   information or NULL. Builders take no fields as scalars, so that each
 *   can grow with the kernel's structs without a new symbol.
 * - @p ctx is used for log lines only and may be NULL (silent). Every
 *   refusal logs the field at fault and why.
 * - Decoder output structs and builder input structs start with `size_t sz`
 *   (set it, e.g. with LIBIOMMUFD_OPTS()). A decoder writes only the members
 *   that fit in `sz` and never changes `sz`; a builder reads only the
 *   members that fit and returns -E2BIG when bytes it does not know are set.
 * - A builder writes its bytes to @p buf only on success; @p ret_type (the
 *   kernel's data type number) and @p ret_len (bytes written) may be NULL.
 * - Given `hw`, a builder also checks the request against it and returns
 *   -EOPNOTSUPP, naming the register field, when the IOMMU lacks what the
 *   request needs (each builder says which fields it checks, and why not
 *   others); with `hw` NULL only the hardware-independent checks are made.
 * - Errors: -EINVAL for NULL pointers, a too small `sz` or buffer, a vendor
 *   record shorter than its layout, and malformed field values.
 * @{
 */

/**
 * @brief Data types of a nested HWPT (struct iommufd_hwpt_opts::data_type).
 * @since 1.0
 */
enum iommufd_hwpt_data_type {
	IOMMUFD_HWPT_DATA_NONE = 0,		/**< no vendor data */
	IOMMUFD_HWPT_DATA_VTD_S1 = 1,		/**< Intel VT-d stage-1 (kernel 6.7) */
	IOMMUFD_HWPT_DATA_ARM_SMMUV3 = 2,	/**< ARM SMMUv3 STE (kernel 6.13) */
	IOMMUFD_HWPT_DATA_AMD_GUEST = 3,	/**< AMD guest DTE (7.x kernels) */
};

/**
 * @brief HWPT data type of the kernel's selftest mock IOMMU.
 * @since 1.0
 */
#define IOMMUFD_HWPT_DATA_SELFTEST 0xdeadu

/**
 * @brief Bytes of ::IOMMUFD_HWPT_DATA_VTD_S1 data.
 * @since 1.0
 */
#define IOMMUFD_HWPT_DATA_VTD_S1_LEN 24u
/**
 * @brief Bytes of ::IOMMUFD_HWPT_DATA_ARM_SMMUV3 data.
 * @since 1.0
 */
#define IOMMUFD_HWPT_DATA_ARM_SMMUV3_LEN 16u
/**
 * @brief Bytes of ::IOMMUFD_HWPT_DATA_AMD_GUEST data.
 * @since 1.0
 */
#define IOMMUFD_HWPT_DATA_AMD_GUEST_LEN 32u
/**
 * @brief Bytes of #IOMMUFD_HWPT_DATA_SELFTEST data (all kernels take 4).
 * @since 1.0
 */
#define IOMMUFD_HWPT_DATA_SELFTEST_LEN 4u

/**
 * @brief Data types of invalidation entries (one type per array).
 * @since 1.0
 */
enum iommufd_invalidate_data_type {
	/** Intel VT-d stage-1, on a nested HWPT. */
	IOMMUFD_INVALIDATE_VTD_S1 = 0,
	/** ARM SMMUv3 command, on a vIOMMU. */
	IOMMUFD_INVALIDATE_ARM_SMMUV3 = 1,
};

/**
 * @brief Invalidation data type of the selftest mock IOMMU (HWPT and vIOMMU).
 * @since 1.0
 */
#define IOMMUFD_INVALIDATE_SELFTEST 0xdeadbeefu

/**
 * @brief Bytes of one ::IOMMUFD_INVALIDATE_VTD_S1 entry.
 * @since 1.0
 */
#define IOMMUFD_INVALIDATE_VTD_S1_LEN 24u
/**
 * @brief Bytes of one ::IOMMUFD_INVALIDATE_ARM_SMMUV3 entry.
 * @since 1.0
 */
#define IOMMUFD_INVALIDATE_ARM_SMMUV3_LEN 16u
/**
 * @brief Bytes of one #IOMMUFD_INVALIDATE_SELFTEST entry for a nested HWPT.
 * @since 1.0
 */
#define IOMMUFD_INVALIDATE_SELFTEST_LEN 8u
/**
 * @brief Bytes of one #IOMMUFD_INVALIDATE_SELFTEST entry for a vIOMMU.
 * @since 1.0
 */
#define IOMMUFD_INVALIDATE_SELFTEST_VIOMMU_LEN 12u

/**
 * @brief The most bytes any builder of this library writes.
 * @since 1.0
 */
#define IOMMUFD_VENDOR_DATA_MAX 32u

/* ---- Intel VT-d --------------------------------------------------------- */

/**
 * @brief Intel VT-d hardware information (::IOMMUFD_HW_INFO_INTEL_VTD),
 * filled by iommufd_vtd_info_decode().
 *
 * Register fields are named as in the Intel VT-d Architecture
 * Specification, 11.4.2 Capability Register (CAP) and 11.4.3 Extended
 * Capability Register (ECAP); a `bool` is a one-bit "supported" field.
 * @since 1.0
 */
struct iommufd_vtd_info {
	/** sizeof(struct iommufd_vtd_info), set by the caller. */
	size_t sz;
	/** The raw capability register. */
	uint64_t cap_reg;
	/** The raw extended capability register. */
	uint64_t ecap_reg;
	/** The raw flags of the kernel's VT-d record. */
	uint32_t flags;
	/**
	 * Erratum 772415 (SPR17): a nest-parent HWPT must not have read-only
	 * mappings; the kernel maps them writable (flags bit 0).
	 */
	bool errata_772415_spr17;
	/**
	 * Nested translation is possible: scalable mode (ECAP.SMTS), nesting
	 * (ECAP.NEST), first- and second-stage translation (ECAP.FSTS,
	 * ECAP.SSTS) are all supported.
	 */
	bool nesting;
	/** CAP.ND (2:0): domain-ID width field; see @ref num_domains. */
	uint8_t nd;
	/** Domain IDs supported: 2^(4 + 2 * ND). */
	uint32_t num_domains;
	/** CAP.AFL (3): advanced fault logging. */
	bool afl;
	/** CAP.RWBF (4): write-buffer flushing required. */
	bool rwbf;
	/** CAP.PLMR (5): protected low-memory region. */
	bool plmr;
	/** CAP.PHMR (6): protected high-memory region. */
	bool phmr;
	/**
	 * CAP.CM (7): caching mode: not-present entries may be cached, so
	 * software must invalidate after making entries present (a virtual
	 * IOMMU sets it to see every change).
	 */
	bool cm;
	/**
	 * CAP.SAGAW (12:8): second-stage table depths, a bit mask: bit 1
	 * 3-level (39-bit), bit 2 4-level (48-bit), bit 3 5-level (57-bit).
	 */
	uint8_t sagaw;
	/** Maximum guest address width in bits: CAP.MGAW (21:16) + 1. */
	uint8_t mgaw;
	/** CAP.ZLR (22): zero-length reads. */
	bool zlr;
	/** Fault-recording registers offset in bytes: CAP.FRO (33:24) * 16. */
	uint32_t fro;
	/** CAP.SSLPS (37:34): second-stage large pages: bit 0 2 MiB, bit 1 1 GiB. */
	uint8_t sslps;
	/** CAP.PSI (39): page-selective invalidation. */
	bool psi;
	/** Fault-recording registers: CAP.NFR (47:40) + 1. */
	uint16_t nfr;
	/** CAP.MAMV (53:48): maximum address mask of page-selective invalidation. */
	uint8_t mamv;
	/** CAP.DWD (54): write draining. */
	bool dwd;
	/** CAP.DRD (55): read draining. */
	bool drd;
	/** CAP.FS1GP (56): first-stage 1 GiB pages. */
	bool fs1gp;
	/** CAP.PI (59): posted interrupts. */
	bool pi;
	/** CAP.FS5LP (60): first-stage 5-level paging (57-bit addresses). */
	bool fs5lp;
	/** CAP.ECMDS (61): enhanced command interface. */
	bool ecmds;
	/** CAP.ESIRTPS (62): enhanced set interrupt remap table pointer. */
	bool esirtps;
	/** CAP.ESRTPS (63): enhanced set root table pointer. */
	bool esrtps;
	/** ECAP.C (0): page-walk coherency. */
	bool c;
	/** ECAP.QI (1): queued invalidation. */
	bool qi;
	/** ECAP.DT (2): device-TLB (ATS). */
	bool dt;
	/** ECAP.IR (3): interrupt remapping. */
	bool ir;
	/** ECAP.EIM (4): extended (x2APIC) interrupt mode. */
	bool eim;
	/** ECAP.PT (6): pass-through. */
	bool pt;
	/** ECAP.SC (7): snoop control. */
	bool sc;
	/** IOTLB registers offset in bytes: ECAP.IRO (17:8) * 16. */
	uint32_t iro;
	/** ECAP.MHMV (23:20): maximum handle mask of interrupt-entry invalidation. */
	uint8_t mhmv;
	/** ECAP.ECS (24): extended context (deprecated since VT-d 3.0). */
	bool ecs;
	/** ECAP.MTS (25): memory type. */
	bool mts;
	/** ECAP.NEST (26): nested translation. */
	bool nest;
	/** ECAP.PRS (29): page requests. */
	bool prs;
	/** ECAP.ERS (30): execute requests. */
	bool ers;
	/** ECAP.SRS (31): supervisor requests (needed by ::IOMMUFD_VTD_S1_SRE). */
	bool srs;
	/** ECAP.NWFS (33): no-write flag. */
	bool nwfs;
	/** ECAP.EAFS (34): extended accessed flag (needed by ::IOMMUFD_VTD_S1_EAFE). */
	bool eafs;
	/** ECAP.PSS (39:35): PASID size field; see @ref pasid_bits. */
	uint8_t pss;
	/** PASID width in bits, PSS + 1, when @ref pasid is set; else 0. */
	uint8_t pasid_bits;
	/** ECAP.PASID (40): process address space IDs. */
	bool pasid;
	/** ECAP.DIT (41): device-TLB invalidation throttle. */
	bool dit;
	/** ECAP.PDS (42): page-request drain. */
	bool pds;
	/** ECAP.SMTS (43): scalable-mode translation. */
	bool smts;
	/** ECAP.VCS (44): virtual command. */
	bool vcs;
	/** ECAP.SSADS (45): second-stage accessed/dirty bits (dirty tracking). */
	bool ssads;
	/** ECAP.SSTS (46): second-stage translation. */
	bool ssts;
	/** ECAP.FSTS (47): first-stage translation. */
	bool fsts;
	/** ECAP.SMPWCS (48): scalable-mode page-walk coherency. */
	bool smpwcs;
	/** ECAP.RPS (49): RID-PASID. */
	bool rps;
	/** ECAP.PMS (51): performance monitoring. */
	bool pms;
};

/**
 * @brief Decode the VT-d record of iommufd_device_get_hw_info().
 * @param ctx a context for logging, or NULL
 * @param data the record
 * @param data_len bytes at @p data: at least 24 (more are ignored)
 * @param[in,out] ret_info its `sz` set by the caller (at least up to
 * @ref iommufd_vtd_info::cap_reg); filled with what fits on success
 * @return 0, or -EINVAL
 * @since 1.0
 */
int iommufd_vtd_info_decode(struct iommufd_ctx *ctx, const void *data,
			    size_t data_len, struct iommufd_vtd_info *ret_info);

/**
 * @brief Flags of struct iommufd_vtd_s1 (first-stage PASID-entry bits).
 * @since 1.0
 */
enum iommufd_vtd_s1_flags {
	/** SRE: supervisor requests are allowed (needs ECAP.SRS). */
	IOMMUFD_VTD_S1_SRE = 1 << 0,
	/** EAFE: extended accessed flag enable (needs ECAP.EAFS). */
	IOMMUFD_VTD_S1_EAFE = 1 << 1,
	/** WPE: write protect for supervisor requests (only acts with SRE). */
	IOMMUFD_VTD_S1_WPE = 1 << 2,
};

/**
 * @brief A guest's VT-d first-stage table, the input of
 * iommufd_vtd_s1_build(): the fields of its scalable-mode PASID-table entry
 * (VT-d spec 9.6) that nesting passes on.
 * @since 1.0
 */
struct iommufd_vtd_s1 {
	/** sizeof(struct iommufd_vtd_s1); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** Mask of ::iommufd_vtd_s1_flags. */
	uint64_t flags;
	/**
	 * Guest-physical address of the first-stage root table (FSPTPTR):
	 * 4 KiB aligned, and below 2^MGAW when @p hw is given.
	 */
	uint64_t pgtbl_addr;
	/** Input address width: 48 (4-level) or 57 (5-level, needs CAP.FS5LP). */
	uint32_t addr_width;
};

/**
 * @brief Build ::IOMMUFD_HWPT_DATA_VTD_S1 data for a nested HWPT.
 * @param ctx a context for logging, or NULL
 * @param s1 the stage-1 description
 * @param hw the decoded hardware information, or NULL; with it the call
 * also requires nesting support (ECAP.SMTS, NEST, FSTS, SSTS) and checks
 * the flags and address width against ECAP.SRS, ECAP.EAFS, CAP.FS5LP and
 * CAP.MGAW
 * @param buf where the bytes go
 * @param buf_len bytes at @p buf: at least #IOMMUFD_HWPT_DATA_VTD_S1_LEN
 * @param[out] ret_type ::IOMMUFD_HWPT_DATA_VTD_S1, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL (unknown flags, misaligned table, address width
 * not 48 or 57), -E2BIG, -EOPNOTSUPP (the hardware lacks a needed feature)
 * @since 1.0
 */
int iommufd_vtd_s1_build(struct iommufd_ctx *ctx,
			 const struct iommufd_vtd_s1 *s1,
			 const struct iommufd_vtd_info *hw, void *buf,
			 size_t buf_len, uint32_t *ret_type, size_t *ret_len);

/**
 * @brief Flags of struct iommufd_vtd_inv.
 * @since 1.0
 */
enum iommufd_vtd_inv_flags {
	/** Only leaf entries changed: paging-structure caches may stay. */
	IOMMUFD_VTD_INV_LEAF = 1 << 0,
};

/**
 * @brief iommufd_vtd_inv::npages that means "everything".
 * @since 1.0
 */
#define IOMMUFD_VTD_INV_ALL UINT64_MAX

/**
 * @brief A change the guest made to its first-stage table, the input of
 * iommufd_vtd_inv_build(): [addr, addr + npages * 4 KiB) is to be
 * invalidated.
 * @since 1.0
 */
struct iommufd_vtd_inv {
	/** sizeof(struct iommufd_vtd_inv); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** First address: 4 KiB aligned; 0 with #IOMMUFD_VTD_INV_ALL. */
	uint64_t addr;
	/**
	 * Number of 4 KiB pages (non-zero; the range must not pass 2^64), or
	 * #IOMMUFD_VTD_INV_ALL for the whole table.
	 */
	uint64_t npages;
	/** Mask of ::iommufd_vtd_inv_flags. */
	uint32_t flags;
};

/**
 * @brief Build one ::IOMMUFD_INVALIDATE_VTD_S1 entry for a nested HWPT.
 *
 * With @p hw the call checks only that the IOMMU can nest: the entry means
 * nothing without a nested stage-1 HWPT. It does not check the range
 * against CAP.PSI (page-selective invalidation) or CAP.MAMV (the largest
 * address mask), on purpose: the kernel takes any aligned range and makes
 * of it what its IOMMU can do (page-selective invalidations when PSI is
 * there and the range's mask fits MAMV, a domain-selective one otherwise),
 * so these bits never make a range wrong; and the guest sends ranges shaped
 * by the CAP of its virtual IOMMU, which the VMM chose, not by the host's.
 * @param ctx a context for logging, or NULL
 * @param inv the range and flags
 * @param hw the decoded hardware information, or NULL; with it the call
 * also requires nesting support (ECAP.SMTS, NEST, FSTS, SSTS)
 * @param buf where the entry goes
 * @param buf_len bytes at @p buf: at least #IOMMUFD_INVALIDATE_VTD_S1_LEN
 * @param[out] ret_type ::IOMMUFD_INVALIDATE_VTD_S1, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL (unknown flags, misaligned address, empty range or
 * one passing 2^64), -E2BIG, -EOPNOTSUPP (the IOMMU cannot nest)
 * @since 1.0
 */
int iommufd_vtd_inv_build(struct iommufd_ctx *ctx,
			  const struct iommufd_vtd_inv *inv,
			  const struct iommufd_vtd_info *hw, void *buf,
			  size_t buf_len, uint32_t *ret_type, size_t *ret_len);

/* ---- ARM SMMUv3 and its NVIDIA Tegra241 CMDQV extension ---------------- */

/**
 * @brief ARM SMMUv3 hardware information (::IOMMUFD_HW_INFO_ARM_SMMUV3),
 * filled by iommufd_smmuv3_info_decode().
 *
 * Fields are named as in the ARM SMMUv3 specification (IHI 0070), 6.3.1 to
 * 6.3.6 SMMU_IDR0 to SMMU_IDR5, SMMU_IIDR and SMMU_AIDR. The kernel asks
 * VMMs to read only ST_LEVEL, TERM_MODEL, STALL_MODEL, TTENDIAN, CD2L,
 * ASID16, TTF (IDR0), SIDSIZE, SSIDSIZE (IDR1), BBML, RIL (IDR3), VAX and
 * the granules (IDR5) when they build a virtual SMMU; S1P is to be assumed
 * where a nested HWPT can be made, COHACC always, and ATS per device. The
 * other fields describe the physical SMMU.
 * @since 1.0
 */
struct iommufd_smmuv3_info {
	/** sizeof(struct iommufd_smmuv3_info), set by the caller. */
	size_t sz;
	/** Raw SMMU_IDR0 to SMMU_IDR5. */
	uint32_t idr[6];
	/** Raw SMMU_IIDR. */
	uint32_t iidr;
	/** Raw SMMU_AIDR. */
	uint32_t aidr;
	/** The raw flags of the kernel's record (0). */
	uint32_t flags;
	/** IDR0.S2P (0): stage-2 translation. */
	bool s2p;
	/** IDR0.S1P (1): stage-1 translation. */
	bool s1p;
	/** IDR0.TTF (3:2): table formats: 1 AArch32, 2 AArch64, 3 both. */
	uint8_t ttf;
	/** IDR0.COHACC (4): coherent access to tables and queues. */
	bool cohacc;
	/** IDR0.BTM (5): broadcast TLB maintenance. */
	bool btm;
	/** IDR0.HTTU (7:6): hardware table updates: 0 none, 1 access flag, 2 also dirty. */
	uint8_t httu;
	/** IDR0.HYP (9): EL2 (hypervisor) stream world. */
	bool hyp;
	/** IDR0.ATS (10): PCIe ATS. */
	bool ats;
	/** IDR0.ASID16 (12): 16-bit ASIDs (else 8-bit). */
	bool asid16;
	/** IDR0.MSI (13): message-signalled interrupts. */
	bool msi;
	/** IDR0.SEV (14): WFE wake-up events. */
	bool sev;
	/** IDR0.PRI (16): PCIe page request interface. */
	bool pri;
	/** IDR0.VMID16 (18): 16-bit VMIDs (else 8-bit). */
	bool vmid16;
	/** IDR0.CD2L (19): two-level context-descriptor tables. */
	bool cd2l;
	/** IDR0.TTENDIAN (22:21): table endianness: 0 mixed, 2 little, 3 big. */
	uint8_t ttendian;
	/**
	 * IDR0.STALL_MODEL (25:24): 0 stall and terminate, 1 terminate only,
	 * 2 stall forced.
	 */
	uint8_t stall_model;
	/** IDR0.TERM_MODEL (26): terminated transactions may abort silently (RAZ/WI) or not. */
	bool term_model;
	/** IDR0.ST_LEVEL (28:27): stream tables: 0 linear only, 1 two-level too. */
	uint8_t st_level;
	/** IDR1.SIDSIZE (5:0): StreamID bits. */
	uint8_t sidsize;
	/** IDR1.SSIDSIZE (10:6): SubstreamID (PASID) bits; 0: no substreams. */
	uint8_t ssidsize;
	/** IDR3.FWB (8): stage-2 forced write-back. */
	bool fwb;
	/** IDR3.RIL (10): range invalidation of TLBs. */
	bool ril;
	/** IDR3.BBML (12:11): break-before-make level: 0 none, 1 level 1, 2 level 2. */
	uint8_t bbml;
	/** IDR5.OAS (2:0): output address size field; see @ref oas_bits. */
	uint8_t oas;
	/** Output address size in bits (32 to 52), 0 for a reserved OAS value. */
	uint8_t oas_bits;
	/** IDR5.GRAN4K (4): 4 KiB translation granule. */
	bool gran4k;
	/** IDR5.GRAN16K (5): 16 KiB translation granule. */
	bool gran16k;
	/** IDR5.GRAN64K (6): 64 KiB translation granule. */
	bool gran64k;
	/** IDR5.VAX (11:10): virtual address size: 0 48-bit, 1 52-bit. */
	uint8_t vax;
	/** IDR5.STALL_MAX (31:16): outstanding stalled transactions. */
	uint16_t stall_max;
	/** IIDR.Implementer (11:0): JEP106 code of the implementer. */
	uint16_t implementer;
	/** IIDR.Revision (15:12). */
	uint8_t revision;
	/** IIDR.Variant (19:16). */
	uint8_t variant;
	/** IIDR.ProductID (31:20). */
	uint16_t product_id;
	/** AIDR.ArchMajorRev (7:4): 0 for SMMUv3. */
	uint8_t arch_major;
	/** AIDR.ArchMinorRev (3:0): the x of SMMUv3.x. */
	uint8_t arch_minor;
};

/**
 * @brief Decode the SMMUv3 record of iommufd_device_get_hw_info().
 * @param ctx a context for logging, or NULL
 * @param data the record
 * @param data_len bytes at @p data: at least 40
 * @param[in,out] ret_info its `sz` set by the caller (at least up to
 * @ref iommufd_smmuv3_info::idr); filled with what fits on success
 * @return 0, or -EINVAL
 * @since 1.0
 */
int iommufd_smmuv3_info_decode(struct iommufd_ctx *ctx, const void *data,
			       size_t data_len, struct iommufd_smmuv3_info *ret_info);

/**
 * @brief What a nested SMMUv3 STE does (struct iommufd_smmuv3_ste::config).
 * @since 1.0
 */
enum iommufd_smmuv3_ste_config {
	/**
	 * V=0: the guest's STE is not valid. The kernel blocks DMA and, with a
	 * vDEVICE, reports C_BAD_STE to the guest. The data is 16 zero bytes.
	 */
	IOMMUFD_SMMUV3_STE_INVALID = 1,
	/** V=1, Config abort (0b000): DMA is blocked. */
	IOMMUFD_SMMUV3_STE_ABORT = 2,
	/** V=1, Config bypass (0b100): DMA is translated by stage 2 only. */
	IOMMUFD_SMMUV3_STE_BYPASS = 3,
	/** V=1, Config stage-1 translate (0b101): the guest's CD table is used. */
	IOMMUFD_SMMUV3_STE_S1_TRANSLATE = 4,
};

/**
 * @brief STE.S1Fmt: layout of the context-descriptor table.
 * @since 1.0
 */
enum iommufd_smmuv3_s1fmt {
	IOMMUFD_SMMUV3_S1FMT_LINEAR = 0,	/**< a linear table of 2^S1CDMax CDs */
	IOMMUFD_SMMUV3_S1FMT_2LVL_4K = 1,	/**< two levels, 4 KiB leaf tables (needs IDR0.CD2L) */
	IOMMUFD_SMMUV3_S1FMT_2LVL_64K = 2,	/**< two levels, 64 KiB leaf tables (needs IDR0.CD2L) */
};

/**
 * @brief STE.S1DSS: what DMA without a SubstreamID uses.
 * @since 1.0
 */
enum iommufd_smmuv3_s1dss {
	IOMMUFD_SMMUV3_S1DSS_TERMINATE = 0,	/**< it is terminated */
	IOMMUFD_SMMUV3_S1DSS_BYPASS = 1,	/**< it bypasses stage 1 */
	IOMMUFD_SMMUV3_S1DSS_SSID0 = 2,		/**< it uses CD 0 */
};

/**
 * @brief A guest's SMMUv3 stream table entry, the input of
 * iommufd_smmuv3_ste_build(): the fields of ARM IHI 0070, 5.2 Stream Table
 * Entry that the kernel lets a guest set. Only ::IOMMUFD_SMMUV3_STE_S1_TRANSLATE
 * uses the other members; they must be zero with other configs.
 * @since 1.0
 */
struct iommufd_smmuv3_ste {
	/** sizeof(struct iommufd_smmuv3_ste); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** ::iommufd_smmuv3_ste_config (required: 0 is refused). */
	uint32_t config;
	/** S1Fmt: ::iommufd_smmuv3_s1fmt; linear when @ref s1cdmax is 0. */
	uint32_t s1fmt;
	/**
	 * S1ContextPtr: guest (IPA) address of the CD or CD table, 64-byte
	 * aligned, below 2^52.
	 */
	uint64_t s1_context_ptr;
	/** S1CDMax: log2 of the number of CDs (0 to 20, at most IDR1.SSIDSIZE). */
	uint8_t s1cdmax;
	/** S1DSS: ::iommufd_smmuv3_s1dss. */
	uint8_t s1dss;
	/** S1CIR: inner cacheability of CD fetches: 0 NC, 1 WB-RA, 2 WT, 3 WB. */
	uint8_t s1cir;
	/** S1COR: outer cacheability of CD fetches, encoded as @ref s1cir. */
	uint8_t s1cor;
	/** S1CSH: shareability of CD fetches: 0 non, 2 outer, 3 inner (1 is reserved). */
	uint8_t s1csh;
	/** S1STALLD: stalls disabled (only with IDR0.STALL_MODEL 0). */
	bool s1stalld;
	/** EATS = 0b01: the device may use ATS (full ATS; needs IDR0.ATS). */
	bool eats;
};

/**
 * @brief Build ::IOMMUFD_HWPT_DATA_ARM_SMMUV3 data for a nested HWPT on a
 * vIOMMU: only the STE bits the kernel accepts (word 0: V, Config, S1Fmt,
 * S1ContextPtr, S1CDMax; word 1: S1DSS, S1CIR, S1COR, S1CSH, S1STALLD, EATS),
 * so the kernel's EIO for a bad STE cannot happen.
 * @param ctx a context for logging, or NULL
 * @param ste the STE description
 * @param hw the decoded SMMU information, or NULL; with it the call also
 * checks IDR0.S1P, S1CDMax against IDR1.SSIDSIZE, a two-level S1Fmt against
 * IDR0.CD2L, S1STALLD against IDR0.STALL_MODEL and EATS against IDR0.ATS
 * @param buf where the bytes go
 * @param buf_len bytes at @p buf: at least #IOMMUFD_HWPT_DATA_ARM_SMMUV3_LEN
 * @param[out] ret_type ::IOMMUFD_HWPT_DATA_ARM_SMMUV3, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL, -E2BIG, -EOPNOTSUPP
 * @since 1.0
 */
int iommufd_smmuv3_ste_build(struct iommufd_ctx *ctx,
			     const struct iommufd_smmuv3_ste *ste,
			     const struct iommufd_smmuv3_info *hw, void *buf,
			     size_t buf_len, uint32_t *ret_type, size_t *ret_len);

/**
 * @brief SMMUv3 command opcodes a vIOMMU invalidation accepts (ARM IHI 0070,
 * 4.1.1 Command opcodes). Others, CFGI_STE included, are refused by the
 * kernel: a changed STE is a new nested HWPT and a replace.
 * @since 1.0
 */
enum iommufd_smmuv3_cmd_opcode {
	IOMMUFD_SMMUV3_CMD_CFGI_CD = 0x05,	/**< one CD of a stream */
	IOMMUFD_SMMUV3_CMD_CFGI_CD_ALL = 0x06,	/**< all CDs of a stream */
	IOMMUFD_SMMUV3_CMD_TLBI_NH_ALL = 0x10,	/**< all stage-1 TLB entries of the VM */
	IOMMUFD_SMMUV3_CMD_TLBI_NH_ASID = 0x11,	/**< the TLB entries of one ASID */
	IOMMUFD_SMMUV3_CMD_TLBI_NH_VA = 0x12,	/**< an address in one ASID */
	IOMMUFD_SMMUV3_CMD_TLBI_NH_VAA = 0x13,	/**< an address in every ASID */
	IOMMUFD_SMMUV3_CMD_TLBI_NSNH_ALL = 0x30,	/**< everything of the VM (the kernel makes it NH_ALL) */
	IOMMUFD_SMMUV3_CMD_ATC_INV = 0x40,	/**< a range of a device's ATC */
};

/**
 * @brief One SMMUv3 invalidation command, the input of
 * iommufd_smmuv3_cmd_build(). Members an opcode does not use must be zero.
 * The kernel replaces the VMID with the vIOMMU's and the guest StreamID
 * with the physical one of the vDEVICE.
 * @since 1.0
 */
struct iommufd_smmuv3_cmd {
	/** sizeof(struct iommufd_smmuv3_cmd); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** ::iommufd_smmuv3_cmd_opcode. */
	uint32_t opcode;
	/** Guest StreamID (virtual ID of a vDEVICE): CFGI_CD, CFGI_CD_ALL, ATC_INV. */
	uint32_t sid;
	/** SubstreamID (20 bits): CFGI_CD, and ATC_INV with @ref ssv. */
	uint32_t ssid;
	/** ASID (16 bits; 8 without IDR0.ASID16): TLBI_NH_ASID, TLBI_NH_VA. */
	uint16_t asid;
	/** Leaf: only the last level changed: CFGI_CD, TLBI_NH_VA(A). */
	bool leaf;
	/** SSV: @ref ssid is valid: ATC_INV. */
	bool ssv;
	/** Global: ATC_INV of every SubstreamID's global entries too. */
	bool global;
	/**
	 * TLBI_NH_VA(A): virtual address, 4 KiB aligned (granule aligned with
	 * @ref tg); ATC_INV: address aligned to its span (2^@ref size * 4 KiB).
	 */
	uint64_t addr;
	/** ATC_INV Size: the span is 2^size 4 KiB pages (0 to 52; 52 is everything). */
	uint8_t size;
	/**
	 * TLBI_NH_VA(A) TG: 0 for one address, or the granule of a range
	 * (needs IDR3.RIL): 1 4 KiB, 2 16 KiB, 3 64 KiB.
	 */
	uint8_t tg;
	/** TLBI_NH_VA(A) range NUM (0 to 31): (NUM + 1) * 2^SCALE granules; needs @ref tg. */
	uint8_t num;
	/** TLBI_NH_VA(A) range SCALE (0 to 31); needs @ref tg. */
	uint8_t scale;
	/** TLBI_NH_VA(A) TTL: level hint of the entries (0 to 3); needs @ref tg. */
	uint8_t ttl;
};

/**
 * @brief Build one ::IOMMUFD_INVALIDATE_ARM_SMMUV3 entry (two little-endian
 * 64-bit words).
 * @param ctx a context for logging, or NULL
 * @param cmd the command
 * @param hw the decoded SMMU information, or NULL; with it the call also
 * checks the ASID against IDR0.ASID16, the SubstreamID against
 * IDR1.SSIDSIZE and range invalidation against IDR3.RIL
 * @param buf where the entry goes
 * @param buf_len bytes at @p buf: at least #IOMMUFD_INVALIDATE_ARM_SMMUV3_LEN
 * @param[out] ret_type ::IOMMUFD_INVALIDATE_ARM_SMMUV3, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL (an opcode the kernel refuses included), -E2BIG,
 * -EOPNOTSUPP
 * @since 1.0
 */
int iommufd_smmuv3_cmd_build(struct iommufd_ctx *ctx,
			     const struct iommufd_smmuv3_cmd *cmd,
			     const struct iommufd_smmuv3_info *hw, void *buf,
			     size_t buf_len, uint32_t *ret_type, size_t *ret_len);

/**
 * @brief NVIDIA Tegra241 CMDQV information (::IOMMUFD_HW_INFO_TEGRA241_CMDQV),
 * filled by iommufd_tegra241_cmdqv_info_decode().
 *
 * The kernel reports it only when asked for this type; the values fit the
 * PARAM register a VMM emulates (with one virtual interface).
 * @since 1.0
 */
struct iommufd_tegra241_cmdqv_info {
	/** sizeof(struct iommufd_tegra241_cmdqv_info), set by the caller. */
	size_t sz;
	/** The raw flags of the kernel's record (0). */
	uint32_t flags;
	/** CMDQV version (PARAM 3:0). */
	uint8_t version;
	/** log2 of the virtual command queues per interface (PARAM 7:4). */
	uint8_t log2vcmdqs;
	/** log2 of the StreamID replacements per interface (PARAM 15:12). */
	uint8_t log2vsids;
	/** 2^@ref log2vcmdqs. */
	uint32_t num_vcmdqs;
	/** 2^@ref log2vsids. */
	uint32_t num_vsids;
	/** The PARAM value to emulate: these fields, and 0 (one VINTF) in 11:8. */
	uint32_t param;
};

/**
 * @brief Decode the Tegra241 CMDQV record of iommufd_device_get_hw_info().
 * @param ctx a context for logging, or NULL
 * @param data the record
 * @param data_len bytes at @p data: at least 8
 * @param[in,out] ret_info its `sz` set by the caller (at least up to
 * @ref iommufd_tegra241_cmdqv_info::flags); filled with what fits on success
 * @return 0, or -EINVAL
 * @since 1.0
 */
int iommufd_tegra241_cmdqv_info_decode(struct iommufd_ctx *ctx,
				       const void *data, size_t data_len,
				       struct iommufd_tegra241_cmdqv_info *ret_info);

/* ---- AMD ---------------------------------------------------------------- */

/**
 * @brief AMD IOMMU hardware information (::IOMMUFD_HW_INFO_AMD), filled by
 * iommufd_amd_info_decode().
 *
 * Fields are named as in the AMD I/O Virtualization Technology (IOMMU)
 * Specification (48882), 3.4 MMIO Offset 0030h IOMMU Extended Feature
 * Register (EFR) and MMIO Offset 01A0h IOMMU Extended Feature 2 Register
 * (EFR2). The kernel lets a VMM expose GTSup, GASup, GIoSup, PPRSup, EPHSup,
 * GATS, GLXSup and PASmax to a guest.
 * @since 1.0
 */
struct iommufd_amd_info {
	/** sizeof(struct iommufd_amd_info), set by the caller. */
	size_t sz;
	/** The raw Extended Feature Register. */
	uint64_t efr;
	/** The raw Extended Feature 2 Register. */
	uint64_t efr2;
	/**
	 * A nest-parent HWPT is possible: GTSup, GIoSup (EFR) and GCR3TRPMode
	 * (EFR2) are all set, as the kernel requires.
	 */
	bool nesting;
	/** EFR.PreFSup (0): prefetch. */
	bool pref_sup;
	/** EFR.PPRSup (1): peripheral page requests. */
	bool ppr_sup;
	/** EFR.XTSup (2): x2APIC interrupts. */
	bool xt_sup;
	/** EFR.NXSup (3): no-execute and privilege protection. */
	bool nx_sup;
	/** EFR.GTSup (4): guest translation (guest page tables through a GCR3 table). */
	bool gt_sup;
	/** EFR.IASup (6): INVALIDATE_IOMMU_ALL. */
	bool ia_sup;
	/** EFR.GASup (7): guest virtual APIC. */
	bool ga_sup;
	/** EFR.HESup (8): hardware error registers. */
	bool he_sup;
	/** EFR.PCSup (9): performance counters. */
	bool pc_sup;
	/** EFR.HATS (11:10): host table levels field; see @ref host_levels. */
	uint8_t hats;
	/** Host page-table levels: 4, 5 or 6 (HATS + 4); 0 for the reserved HATS 3. */
	uint8_t host_levels;
	/** EFR.GATS (13:12): guest table levels field; see @ref guest_levels. */
	uint8_t gats;
	/** Guest page-table levels: 4 or 5 (GATS + 4); 0 for a reserved GATS. */
	uint8_t guest_levels;
	/** EFR.GLXSup (15:14): most GCR3 table levels, minus one (the largest DTE.GLX). */
	uint8_t glx_sup;
	/** EFR.GAMSup (23:21): guest virtual APIC modes. */
	uint8_t gam_sup;
	/** EFR.PASmax (36:32): PASID field; see @ref pasid_bits. */
	uint8_t pasmax;
	/** PASID width in bits, PASmax + 1, when @ref gt_sup is set; else 0. */
	uint8_t pasid_bits;
	/** EFR.USSup (37): user/supervisor page protection. */
	bool us_sup;
	/** EFR.GIoSup (48): guest I/O protection (a guest table for DMA without PASID). */
	bool gio_sup;
	/** EFR.HASup (49): host access. */
	bool ha_sup;
	/** EFR.EPHSup (50): enhanced peripheral page request handling. */
	bool eph_sup;
	/** EFR.HDSup (52): host dirty bits (dirty tracking). */
	bool hd_sup;
	/** EFR.SNPSup (63): SEV-SNP. */
	bool snp_sup;
	/** EFR2.SEVSNPIOSup (1): SEV-SNP trusted I/O. */
	bool sevsnpio_sup;
	/** EFR2.GCR3TRPMode (3): GCR3 table root pointers are guest physical. */
	bool gcr3trp_mode;
	/** EFR2.SNPAVICSup (7:5): SNP virtual APIC modes. */
	uint8_t snpavic_sup;
	/** EFR2.NumIntRemapSup (9:8): 0 up to 512 remapped interrupts, 1 up to 2048. */
	uint8_t num_int_remap_sup;
	/** EFR2.HtRangeIgnore (11): the HyperTransport range is not reserved. */
	bool ht_range_ignore;
};

/**
 * @brief Decode the AMD record of iommufd_device_get_hw_info().
 * @param ctx a context for logging, or NULL
 * @param data the record
 * @param data_len bytes at @p data: at least 16
 * @param[in,out] ret_info its `sz` set by the caller (at least up to
 * @ref iommufd_amd_info::efr); filled with what fits on success
 * @return 0, or -EINVAL
 * @since 1.0
 */
int iommufd_amd_info_decode(struct iommufd_ctx *ctx, const void *data,
			    size_t data_len, struct iommufd_amd_info *ret_info);

/**
 * @brief A guest's AMD device table entry, the input of
 * iommufd_amd_dte_build(): the fields of 48882, 2.2.2 Device Table Entry
 * that the kernel's nesting uses. Host fields (Mode, the host table root)
 * belong to the nest parent and cannot be set.
 * @since 1.0
 */
struct iommufd_amd_dte {
	/** sizeof(struct iommufd_amd_dte); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** V: the entry is valid. */
	bool valid;
	/** GV: guest translation through the GCR3 table (needs EFR.GTSup). */
	bool gv;
	/** GIoV: guest I/O protection for DMA without PASID (needs EFR.GIoSup). */
	bool giov;
	/** PPR: peripheral page requests are enabled (needs EFR.PPRSup). */
	bool ppr;
	/** GLX: GCR3 table levels minus one (0 to 2, at most EFR.GLXSup). */
	uint8_t glx;
	/**
	 * Guest paging levels (DTE guest paging mode): 4, or 5 (needs
	 * EFR.GATS 5-level).
	 */
	uint8_t guest_levels;
	/** DomainID the guest gave the device (tags its IOTLB entries). */
	uint16_t domain_id;
	/**
	 * GCR3 table root pointer: guest physical, 4 KiB aligned, below 2^52;
	 * required with V and GV.
	 */
	uint64_t gcr3_table;
};

/**
 * @brief Build ::IOMMUFD_HWPT_DATA_AMD_GUEST data for a nested HWPT on a
 * vIOMMU (7.x kernels).
 * @param ctx a context for logging, or NULL
 * @param dte the DTE description
 * @param hw the decoded IOMMU information, or NULL; with it the call also
 * requires nesting (EFR.GTSup, EFR.GIoSup, EFR2.GCR3TRPMode) and checks GV,
 * GIoV, PPR, GLX and the guest levels against EFR
 * @param buf where the bytes go
 * @param buf_len bytes at @p buf: at least #IOMMUFD_HWPT_DATA_AMD_GUEST_LEN
 * @param[out] ret_type ::IOMMUFD_HWPT_DATA_AMD_GUEST, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL, -E2BIG, -EOPNOTSUPP
 * @since 1.0
 */
int iommufd_amd_dte_build(struct iommufd_ctx *ctx,
			  const struct iommufd_amd_dte *dte,
			  const struct iommufd_amd_info *hw, void *buf,
			  size_t buf_len, uint32_t *ret_type, size_t *ret_len);

/* ---- the kernel's selftest mock IOMMU (CONFIG_IOMMUFD_TEST) ------------- */

/**
 * @brief The value of iommufd_selftest_info::test_reg.
 * @since 1.0
 */
#define IOMMUFD_SELFTEST_TEST_REG 0xdeadbeefu
/**
 * @brief The mock IOTLB value the kernel's own tests give nested HWPTs.
 * @since 1.0
 */
#define IOMMUFD_SELFTEST_IOTLB_DEFAULT 0xbadbeefu
/**
 * @brief Highest mock IOTLB entry ID of a nested HWPT.
 * @since 1.0
 */
#define IOMMUFD_SELFTEST_IOTLB_ID_MAX 3u
/**
 * @brief Highest mock cache entry ID of a vDEVICE.
 * @since 1.0
 */
#define IOMMUFD_SELFTEST_CACHE_ID_MAX 3u
/**
 * @brief Flag of the selftest invalidation builders: every entry (the ID is ignored).
 * @since 1.0
 */
#define IOMMUFD_SELFTEST_INV_ALL 1u

/**
 * @brief The selftest mock IOMMU's record (#IOMMUFD_HW_INFO_SELFTEST).
 * @since 1.0
 */
struct iommufd_selftest_info {
	/** sizeof(struct iommufd_selftest_info), set by the caller. */
	size_t sz;
	/** The raw flags (0). */
	uint32_t flags;
	/** #IOMMUFD_SELFTEST_TEST_REG from a working mock driver. */
	uint32_t test_reg;
};

/**
 * @brief Decode the selftest record of iommufd_device_get_hw_info().
 * @param ctx a context for logging, or NULL
 * @param data the record
 * @param data_len bytes at @p data: at least 8
 * @param[in,out] ret_info its `sz` set by the caller (at least up to
 * @ref iommufd_selftest_info::flags); filled with what fits on success
 * @return 0, or -EINVAL
 * @since 1.0
 */
int iommufd_selftest_info_decode(struct iommufd_ctx *ctx, const void *data,
				 size_t data_len, struct iommufd_selftest_info *ret_info);

/**
 * @brief A mock nested HWPT, the input of iommufd_selftest_hwpt_build().
 * @since 1.0
 */
struct iommufd_selftest_hwpt {
	/** sizeof(struct iommufd_selftest_hwpt); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/**
	 * The initial value of the mock IOTLB entries (non-zero: all-zero
	 * data would mean "no data" to iommufd_hwpt_alloc()).
	 */
	uint32_t iotlb;
};

/**
 * @brief Build #IOMMUFD_HWPT_DATA_SELFTEST data: a mock nested HWPT whose
 * IOTLB entries all start as iommufd_selftest_hwpt::iotlb.
 * @param ctx a context for logging, or NULL
 * @param hwpt the mock HWPT
 * @param hw the decoded mock record, or NULL; with it the call also
 * requires its test_reg to be #IOMMUFD_SELFTEST_TEST_REG (a working mock
 * driver)
 * @param buf where the bytes go
 * @param buf_len bytes at @p buf: at least #IOMMUFD_HWPT_DATA_SELFTEST_LEN
 * @param[out] ret_type #IOMMUFD_HWPT_DATA_SELFTEST, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL, -E2BIG, -EOPNOTSUPP (not the mock driver)
 * @since 1.0
 */
int iommufd_selftest_hwpt_build(struct iommufd_ctx *ctx,
				const struct iommufd_selftest_hwpt *hwpt,
				const struct iommufd_selftest_info *hw,
				void *buf, size_t buf_len, uint32_t *ret_type,
				size_t *ret_len);

/**
 * @brief An invalidation of a mock nested HWPT, the input of
 * iommufd_selftest_inv_build().
 * @since 1.0
 */
struct iommufd_selftest_inv {
	/** sizeof(struct iommufd_selftest_inv); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** 0 or #IOMMUFD_SELFTEST_INV_ALL. */
	uint32_t flags;
	/**
	 * The entry to clear (up to #IOMMUFD_SELFTEST_IOTLB_ID_MAX, checked
	 * by the kernel even with #IOMMUFD_SELFTEST_INV_ALL).
	 */
	uint32_t iotlb_id;
};

/**
 * @brief Build one #IOMMUFD_INVALIDATE_SELFTEST entry for a mock nested HWPT.
 * @param ctx a context for logging, or NULL
 * @param inv the entry's fields
 * @param hw the decoded mock record, or NULL; with it the call also
 * requires its test_reg to be #IOMMUFD_SELFTEST_TEST_REG
 * @param buf where the entry goes
 * @param buf_len bytes at @p buf: at least #IOMMUFD_INVALIDATE_SELFTEST_LEN
 * @param[out] ret_type #IOMMUFD_INVALIDATE_SELFTEST, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL, -E2BIG, -EOPNOTSUPP (not the mock driver)
 * @since 1.0
 */
int iommufd_selftest_inv_build(struct iommufd_ctx *ctx,
			       const struct iommufd_selftest_inv *inv,
			       const struct iommufd_selftest_info *hw,
			       void *buf, size_t buf_len, uint32_t *ret_type,
			       size_t *ret_len);

/**
 * @brief An invalidation of a mock vIOMMU's per-vDEVICE cache, the input of
 * iommufd_selftest_viommu_inv_build().
 * @since 1.0
 */
struct iommufd_selftest_viommu_inv {
	/** sizeof(struct iommufd_selftest_viommu_inv); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** 0 or #IOMMUFD_SELFTEST_INV_ALL. */
	uint32_t flags;
	/** The virtual ID of the vDEVICE whose cache to clear. */
	uint32_t vdev_id;
	/**
	 * The entry to clear (up to #IOMMUFD_SELFTEST_CACHE_ID_MAX, checked
	 * by the kernel even with #IOMMUFD_SELFTEST_INV_ALL).
	 */
	uint32_t cache_id;
};

/**
 * @brief Build one #IOMMUFD_INVALIDATE_SELFTEST entry for a mock vIOMMU
 * (kernels after 6.12).
 * @param ctx a context for logging, or NULL
 * @param inv the entry's fields
 * @param hw the decoded mock record, or NULL; with it the call also
 * requires its test_reg to be #IOMMUFD_SELFTEST_TEST_REG
 * @param buf where the entry goes
 * @param buf_len bytes at @p buf: at least
 * #IOMMUFD_INVALIDATE_SELFTEST_VIOMMU_LEN
 * @param[out] ret_type #IOMMUFD_INVALIDATE_SELFTEST, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL, -E2BIG, -EOPNOTSUPP (not the mock driver)
 * @since 1.0
 */
int iommufd_selftest_viommu_inv_build(struct iommufd_ctx *ctx,
				      const struct iommufd_selftest_viommu_inv *inv,
				      const struct iommufd_selftest_info *hw,
				      void *buf, size_t buf_len,
				      uint32_t *ret_type, size_t *ret_len);

/* ---- any type ----------------------------------------------------------- */

/**
 * @brief The name of a vendor record type, for people: "Intel VT-d",
 * "ARM SMMUv3", "NVIDIA Tegra241 CMDQV", "AMD IOMMU", "iommufd selftest
 * mock", "none" for ::IOMMUFD_HW_INFO_NONE and "unknown" for a type this
 * library does not know (print the number beside it).
 *
 * The strings are for messages; programs compare the numbers. They do not
 * change within a major version.
 * @param type a struct iommufd_hw_info::type
 * @return a static string, never NULL
 * @since 1.0
 */
const char *iommufd_hw_info_type_name(uint32_t type);

/**
 * @brief A vendor record of any type, filled by iommufd_hw_info_decode().
 * @since 1.0
 */
struct iommufd_hw_info_decoded {
	/** sizeof(struct iommufd_hw_info_decoded), set by the caller. */
	size_t sz;
	/** The type given (::iommufd_hw_info_type or #IOMMUFD_HW_INFO_SELFTEST). */
	uint32_t type;
	/**
	 * Whether the library knows @ref type and filled the member of @ref u
	 * named after it. When false (::IOMMUFD_HW_INFO_NONE, or a type newer
	 * than this library) only @ref raw and @ref raw_len describe it.
	 */
	bool known;
	/** The caller's bytes (not copied: valid as long as they are). */
	const void *raw;
	/** Bytes at @ref raw. */
	size_t raw_len;
	/** The decoded record; each member's `sz` is set to what was written. */
	union {
		struct iommufd_vtd_info vtd;		/**< ::IOMMUFD_HW_INFO_INTEL_VTD */
		struct iommufd_smmuv3_info smmuv3;	/**< ::IOMMUFD_HW_INFO_ARM_SMMUV3 */
		struct iommufd_tegra241_cmdqv_info tegra241_cmdqv; /**< ::IOMMUFD_HW_INFO_TEGRA241_CMDQV */
		struct iommufd_amd_info amd;		/**< ::IOMMUFD_HW_INFO_AMD */
		struct iommufd_selftest_info selftest;	/**< #IOMMUFD_HW_INFO_SELFTEST */
	} u;
};

/**
 * @brief Decode a vendor record by its type, as iommufd_device_get_hw_info()
 * returned them. An unknown type is not an error: it is reported with
 * `known` false and the raw bytes.
 * @param ctx a context for logging, or NULL
 * @param type the record's type (struct iommufd_hw_info::type)
 * @param data the record, or NULL with @p data_len 0
 * @param data_len bytes at @p data; for a known type at least its layout's size
 * @param[in,out] ret_info its `sz` set by the caller (at least up to
 * @ref iommufd_hw_info_decoded::raw_len); filled with what fits on success
 * @return 0, or -EINVAL (a known type shorter than its layout included)
 * @since 1.0
 */
int iommufd_hw_info_decode(struct iommufd_ctx *ctx, uint32_t type,
			   const void *data, size_t data_len,
			   struct iommufd_hw_info_decoded *ret_info);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LIBIOMMUFD_H */
