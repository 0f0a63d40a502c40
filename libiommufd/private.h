/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Internal structures and helpers shared by the object files of libiommufd.
 * Nothing here is part of the ABI.
 */
#ifndef LIBIOMMUFD_PRIVATE_H
#define LIBIOMMUFD_PRIVATE_H

#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <syslog.h>

#include "libiommufd.h"
#include "uapi.h"

/* Marks the definition of a public symbol; everything else stays hidden. */
#define IOMMUFD_EXPORT __attribute__((visibility("default")))

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* A destroy the kernel refused at a last unref (EBUSY), to be retried. */
struct deferred_destroy {
	struct deferred_destroy *next;
	uint32_t id;
	const char *what;	/* "HWPT", "IOAS"...: a static string */
};

struct iommufd_ctx {
	atomic_int refcount;
	int fd;
	bool owns_fd;		/* false when borrowed from the caller */
	iommufd_log_fn log_fn;
	void *log_userdata;
	int log_priority;
	/*
	 * Guards the deferred destroys, the vIOMMUs' lists of HW queues and
	 * the kernel-allocated HWPTs' lists of devices: bookkeeping that
	 * handles used from different threads share.
	 */
	pthread_mutex_t lock;
	struct deferred_destroy *deferred;
	/*
	 * Whether deferred is non-empty, read without the lock: the destroy
	 * and detach paths skip the retry (and the lock) when nothing waits.
	 */
	atomic_bool have_deferred;
	/*
	 * The kernel's answers to the capability probe's command probes
	 * (probe.c), asked once per context under the lock: the set of
	 * commands a running kernel knows does not change.
	 */
	bool commands_probed;
	struct iommufd_probe commands;
	/*
	 * iommufd_ctx_hand_over() was called: another process owns the kernel
	 * state now, so last unrefs neither destroy nor detach anything.
	 */
	atomic_bool handed_over;
	/*
	 * The kernel's RLIMIT_MODE of the iommufd (enum iommufd_rlimit_mode),
	 * for the explanation of an ENOMEM; -1: not known (an adopted fd). A
	 * new iommufd is per-user; every set and get through the library
	 * updates it, and the kernel refuses a change once objects exist.
	 */
	atomic_int rlimit_mode;
};

/*
 * The common head of everything a device can be attached to. IOAS and HWPT
 * embed it first, so a struct iommufd_pt * converts back by its kind.
 */
enum pt_kind {
	PT_IOAS = 1,
	PT_HWPT,
};

struct iommufd_pt {
	atomic_int refcount;
	enum pt_kind kind;
	/*
	 * Atomic: a kernel-allocated HWPT's ID changes as devices attached
	 * through other handles come and go (see struct iommufd_hwpt), while
	 * its own handle may be read from another thread.
	 */
	_Atomic uint32_t id;
	bool borrowed;			/* adopted by ID without ownership */
	struct iommufd_ctx *ctx;	/* referenced */
};

struct iommufd_ioas {
	struct iommufd_pt pt;
	/*
	 * The dirty-tracking HWPTs allocated on it through the library (not
	 * referenced: a HWPT leaves the list when freed), under ctx->lock.
	 */
	struct iommufd_hwpt *dirty_hwpts;
};

struct iommufd_viommu {
	atomic_int refcount;
	struct iommufd_ctx *ctx;	/* referenced */
	struct iommufd_hwpt *parent;	/* referenced: the nest-parent HWPT (NULL when adopted) */
	uint32_t id;
	uint32_t type;
	bool borrowed;
	struct iommufd_hw_queue *hw_queues;	/* not referenced; under ctx->lock */
	/*
	 * The region of the iommufd the kernel offered in the vIOMMU's output
	 * data (length 0: none), and the handle's own mapping of it (NULL:
	 * not mapped), which holds the kernel's vIOMMU busy until unmapped.
	 */
	uint64_t mmap_offset, mmap_length;
	void *map_addr;
	int map_prot;
	/*
	 * log2 of the largest HW queue in bytes, from the hw info the caller
	 * read through the device before (SMMUv3 IDR1.CMDQS); 0: not known.
	 */
	unsigned int hw_queue_max_log2;
};

struct iommufd_vdevice {
	atomic_int refcount;
	struct iommufd_viommu *viommu;	/* referenced */
	struct iommufd_device *dev;	/* referenced, or NULL (adopted without) */
	uint32_t id;
	bool borrowed;
	uint64_t virt_id;
};

struct iommufd_fault_queue {
	atomic_int refcount;
	struct iommufd_ctx *ctx;	/* referenced */
	uint32_t id;
	int fd;				/* owned */
};

struct iommufd_veventq {
	atomic_int refcount;
	struct iommufd_viommu *viommu;	/* referenced */
	uint32_t id;
	uint32_t type;
	int fd;				/* owned */
	bool have_seq;			/* a sequence number was seen */
	uint32_t next_seq;		/* the one expected next */
};

struct iommufd_hw_queue {
	atomic_int refcount;
	struct iommufd_viommu *viommu;	/* referenced */
	/* Referenced: the queue at index - 1, which the kernel frees after us. */
	struct iommufd_hw_queue *below;
	struct iommufd_hw_queue *next;	/* in viommu->hw_queues */
	uint32_t id;
	uint32_t type;
	uint32_t index;
};

struct iommufd_hwpt {
	struct iommufd_pt pt;
	struct iommufd_fault_queue *fault_queue;	/* referenced, or NULL */
	/* Referenced: what it was allocated on, exactly one of the two. */
	struct iommufd_pt *parent;	/* the IOAS or nest-parent HWPT */
	struct iommufd_viommu *viommu;
	uint32_t flags;			/* enum iommufd_hwpt_flags requested */
	bool kernel_allocated;		/* plain path: made by a device attach */
	bool dirty_on;			/* tracking switched on through the library */
	bool dirty_switched;		/* by the set call in progress (dirty.c) */
	struct iommufd_hwpt *dirty_next;	/* in its IOAS's dirty_hwpts */
	/*
	 * Kernel-allocated only, under ctx->lock: the devices attached through
	 * this handle, each on the kernel domain (HWPT) its attach reported.
	 * The kernel may put devices on different domains, and frees each one
	 * with its last device, so the handle's ID is the domain of a device
	 * still attached (the earliest), or 0 when none is.
	 */
	struct iommufd_device *kernel_users;
};

/* One attached PASID of a device. */
struct pasid_attachment {
	uint32_t pasid;
	struct iommufd_pt *pt;		/* referenced */
};

struct iommufd_device {
	atomic_int refcount;
	struct pasid_attachment *pasids;	/* attached PASIDs, unordered */
	size_t pasid_count, pasid_room;
	struct iommufd_ctx *ctx;	/* referenced */
	int fd;
	bool owns_fd;			/* opened by the library */
	uint32_t id;
	struct iommufd_pt *attached;	/* referenced, NULL when detached */
	/*
	 * Adopted with its cdev: the kernel may have it attached to a page
	 * table the handle does not know, until the first attach, replace or
	 * detach through the handle.
	 */
	bool attach_unknown;
	uint32_t attached_hwpt_id;	/* what the kernel reported */
	/*
	 * On a kernel-allocated HWPT's list of users (under ctx->lock): the
	 * next device, and the domain this one is on.
	 */
	struct iommufd_device *next_kernel_user;
	uint32_t kernel_domain_id;
	/*
	 * The last default hw-info record the caller read through this handle
	 * (up to its first bytes): a refused nest parent is explained from it
	 * without asking the kernel again.
	 */
	bool hw_read;
	uint32_t hw_type;
	uint32_t hw_len;
	uint8_t hw_rec[48];
};

/*
 * Which capabilities a nest parent needs that the vendor record @rec
 * (@len bytes of type @type) reports missing, as "ECAP.SMTS=0 NEST=0 ...",
 * written to @buf; NULL when the record says nothing about nesting.
 */
const char *iommufd_nesting_missing(uint32_t type, const void *rec, size_t len,
				    char *buf, size_t buflen);

/*
 * log2 of the largest HW queue, in bytes, that the IOMMU of the vendor
 * record @rec (@len bytes of type @type) takes; 0 when it does not say.
 */
unsigned int iommufd_hw_queue_max_log2(uint32_t type, const void *rec, size_t len);

/* ---- logging and the per-thread explanation of failures ----------------- */

void iommufd_log(const struct iommufd_ctx *ctx, int priority, const char *file,
		 int line, const char *fn, const char *format, ...)
	__attribute__((format(printf, 6, 7)));

/*
 * A failure: the sentence becomes the calling thread's iommufd_last_error()
 * and goes to the log function at @priority (LOG_ERR for errors, LOG_DEBUG
 * for errnos that callers ask for as answers). @ctx may be NULL.
 */
void iommufd_fail(const struct iommufd_ctx *ctx, int priority, const char *file,
		  int line, const char *fn, const char *format, ...)
	__attribute__((format(printf, 6, 7)));

/* Formats nothing unless the message will be logged. */
#define iommufd_log_cond(ctx, prio, ...)					\
	do {									\
		const struct iommufd_ctx *ctx_ = (ctx);				\
		if (ctx_ && ctx_->log_fn && ctx_->log_priority >= (prio))	\
			iommufd_log(ctx_, (prio), __FILE__, __LINE__, __func__,	\
				    __VA_ARGS__);				\
	} while (0)

#define log_err(ctx, ...)							\
	iommufd_fail((ctx), LOG_ERR, __FILE__, __LINE__, __func__, __VA_ARGS__)
/* A failure that is an answer the caller asked for: explained, logged quietly. */
#define log_expected(ctx, ...)							\
	iommufd_fail((ctx), LOG_DEBUG, __FILE__, __LINE__, __func__, __VA_ARGS__)
/*
 * A public call refused its arguments before reaching the kernel: records
 * "<function>: invalid arguments: <what>" for iommufd_last_error(), logs it
 * at LOG_ERR when a context is at hand (@ctx may be NULL) and returns
 * -EINVAL. bad_args() is the form the entry points use; helpers that
 * check for a public call pass its name to iommufd_bad_args_at().
 */
int iommufd_bad_args_at(const struct iommufd_ctx *ctx, const char *file, int line,
			const char *fn, const char *what);
#define bad_args(ctx, what) iommufd_bad_args_at((ctx), __FILE__, __LINE__, __func__, (what))

/*
 * An allocation failed: records "<call>: out of memory for <what> (<size>
 * bytes)" for iommufd_last_error() and logs it at LOG_ERR when a context is
 * at hand (@ctx may be NULL). @call names the public call without its
 * iommufd_ prefix, @what (a format) the object; @size 0: not known
 * (libudev's own objects). Formats into fixed buffers only: the explanation
 * of an out-of-memory never allocates. log_oom() is -ENOMEM, in the macro
 * so that the compiler sees a failure return.
 */
void iommufd_oom_at(const struct iommufd_ctx *ctx, const char *file, int line, const char *fn,
		    const char *call, size_t size, const char *what, ...)
	__attribute__((format(printf, 7, 8)));
#define log_oom(ctx, call, size, ...)						\
	(iommufd_oom_at((ctx), __FILE__, __LINE__, __func__, (call), (size), __VA_ARGS__),	\
	 -ENOMEM)

/*
 * The kernel commands, and variants of one where an errno means something
 * else, whose failures explain.c's table has hints for.
 */
enum kcmd {
	KCMD_DESTROY,			/* an explicit destroy */
	KCMD_RELEASE,			/* the destroy of a last unref */
	KCMD_OPTION,
	KCMD_OPTION_HUGE_PAGES_SET,
	KCMD_CHANGE_PROCESS,
	KCMD_PASID_ATTACH,		/* attach, replace or detach of a PASID */
	KCMD_HW_INFO_BY_TYPE,
	KCMD_SET_DIRTY_TRACKING,
	KCMD_GET_DIRTY_BITMAP,
	KCMD_FAULT_QUEUE_ALLOC,
	KCMD_FAULT_RESPOND,
	KCMD_INVALIDATE_FIRST,		/* refused at its first entry */
	KCMD_INVALIDATE,		/* refused at a later entry */
	KCMD_HW_QUEUE_ALLOC,
	KCMD_IOAS_BY_ID,		/* IOAS_IOVA_RANGES of an ID being adopted */
	KCMD_IOAS_UNMAP,
	KCMD_IOAS_MAP_FILE,
	KCMD_IOAS_COPY,
	KCMD_IOAS_ALLOW_IOVAS,
	KCMD_VDEVICE_ALLOC,
	KCMD_VEVENTQ_ALLOC,
	KCMD_VIOMMU_ALLOC,
	KCMD_VIOMMU_MMAP,		/* mmap() of a vIOMMU's region of the iommufd */
	KCMD_DMABUF_EXPORT,		/* VFIO DEVICE_FEATURE DMA_BUF */
	KCMD_PCI_CONFIG_INFO,		/* VFIO GET_REGION_INFO of PCI config space */
	KCMD_IOAS_MAP_DMABUF,		/* IOAS_MAP_FILE of a dma-buf */
	KCMD_NOIOMMU_GET_PA,
	KCMD_HW_INFO_NOIOMMU,		/* GET_HW_INFO of a noiommu device */
	KCMD_OTHER,			/* no hints: only @more explains */
};

/*
 * The command under which a GET_HW_INFO of @dev that failed with @err is
 * explained: KCMD_HW_INFO_NOIOMMU when the kernel refused it because the
 * device has no IOMMU (a noiommu cdev), else @cmd.
 */
enum kcmd iommufd_hw_info_cmd(const struct iommufd_device *dev, int err, enum kcmd cmd);

/* The table's hint for @cmd failing with @err (negative), or NULL. */
const char *iommufd_cmd_hint(enum kcmd cmd, int err);

/*
 * A kernel command failed: iommufd_fail() of "<format...>: <ERRNAME>" and
 * ": <hint>" from the table, or else @more as given (": ...", or NULL).
 */
void iommufd_cmd_fail(const struct iommufd_ctx *ctx, int priority, const char *file,
		      int line, const char *fn, enum kcmd cmd, int err, const char *more,
		      const char *format, ...)
	__attribute__((format(printf, 9, 10)));

#define log_cmd_err(ctx, cmd, err, more, ...)					\
	iommufd_cmd_fail((ctx), LOG_ERR, __FILE__, __LINE__, __func__, (cmd), (err),	\
			 (more), __VA_ARGS__)

#define log_info(ctx, ...) iommufd_log_cond(ctx, LOG_INFO, __VA_ARGS__)
#define log_dbg(ctx, ...)  iommufd_log_cond(ctx, LOG_DEBUG, __VA_ARGS__)

/* "EOPNOTSUPP" for EOPNOTSUPP (sign ignored): errno names read best in logs. */
const char *iommufd_errname(int err);
/* The same from the library's own table (errname.c); NULL when unknown. */
const char *iommufd_errname_table(int err);

/* ---- kernel boundary --------------------------------------------------- */

/* The one place the library enters the kernel: 0 or -errno. */
static inline int kernel_ioctl(int fd, unsigned long request, void *arg)
{
	return ioctl(fd, request, arg) < 0 ? -errno : 0;
}

/* IOMMU_OPTION @op (GET fills *val) of @option_id on @object_id (0: global). */
int iommufd_option(struct iommufd_ctx *ctx, uint32_t option_id, uint16_t op,
		   uint32_t object_id, uint64_t *val, const char *what);

/* IOMMU_VFIO_IOAS @op; GET fills *ret_id. */
int iommufd_vfio_ioas(struct iommufd_ctx *ctx, uint16_t op, uint32_t ioas_id,
		      uint32_t *ret_id);

/*
 * Destroys at a last unref: IOMMU_DESTROY of @id (@what names its kind, a
 * static string). A refusal with EBUSY (still in use) is deferred on @ctx
 * and retried later, other failures are logged. Never fails.
 */
void iommufd_release_id(struct iommufd_ctx *ctx, uint32_t id, const char *what);

/* An explicit destroy: IOMMU_DESTROY of @id now, 0 or the kernel's -errno. */
int iommufd_destroy_now(struct iommufd_ctx *ctx, uint32_t id, const char *what);

/*
 * An explicit destroy through a handle: -EBUSY (explained) unless the
 * caller's reference is the only one of @refcount; then closes *@fd (a
 * queue's, which holds the kernel object; NULL for none, -1 after) and
 * goes on as iommufd_destroy_now(). On 0 the caller frees the handle.
 */
int iommufd_destroy_handle(struct iommufd_ctx *ctx, atomic_int *refcount,
			   int *fd, uint32_t id, const char *what);

/* Something was destroyed or detached: retry the deferred destroys. */
void iommufd_retry_deferred(struct iommufd_ctx *ctx);

/* Validates an iommufd_adopt value; -EINVAL with a log line otherwise. */
int iommufd_check_adopt(struct iommufd_ctx *ctx, uint32_t adopt, const char *what);

/*
 * For an ENOMEM from a command on @ctx that pins pages, into @buf (always a
 * usable string): the RLIMIT_MEMLOCK limit and the counter the kernel
 * compares with it in the context's rlimit mode (asked of the kernel once
 * when not known), or, when the limit cannot be the cause (the calling
 * thread holds CAP_IPC_LOCK, or the limit is unlimited), that the kernel
 * ran out of memory.
 */
const char *iommufd_explain_memlock(struct iommufd_ctx *ctx, char *buf, size_t len);

/*
 * For a failure that the IOAS's usable IOVA ranges may explain: ": usable
 * IOVA ranges of IOAS N: [a, b] ..." into @buf; names the kernel bug that
 * leaves an IOAS with none (6.12 virtio-iommu). Asks the kernel.
 */
const char *iommufd_explain_ranges(struct iommufd_ctx *ctx, uint32_t ioas_id,
				   char *buf, size_t len);

/*
 * Whether a mapping's start (@start_name: address, file or dma-buf offset),
 * length and, when @fixed, IOVA are multiples of the CPU page size: 0, or
 * -EINVAL with a log line saying why misaligned mappings are refused
 * (ioas.c). @what names the command.
 */
int iommufd_check_aligned(struct iommufd_ioas *ioas, const char *what, const char *start_name,
			  uint64_t start, uint64_t length, uint64_t iova, bool fixed);

/* ---- extensible options (size_t sz first) ------------------------------ */

/*
 * Whether @opts (of caller size opts->sz) can be read by a library that
 * knows @known bytes: 0, -EINVAL when sz is too small to hold even sz, or
 * -E2BIG when bytes past @known are not zero (a newer caller asks for
 * something this library cannot do). @known is sizeof the struct: the
 * ABI rule (libiommufd.h, LIBIOMMUFD_OPTS) puts new members after it, never
 * in the tail padding a caller's initializer may leave unset.
 */
int iommufd_opts_check(struct iommufd_ctx *ctx, const void *opts, size_t known,
		       const char *what);

/* Read @field of @opts, or @def when the caller's struct ends before it. */
#define OPTS_HAS(opts, field)							\
	((opts) && (opts)->sz >= offsetof(__typeof__(*(opts)), field) +		\
				  sizeof((opts)->field))
#define OPTS_GET(opts, field, def) (OPTS_HAS(opts, field) ? (opts)->field : (def))

/* ---- page tables ------------------------------------------------------- */

struct iommufd_pt *iommufd_pt_ref(struct iommufd_pt *pt);
void iommufd_pt_unref(struct iommufd_pt *pt);
struct iommufd_hwpt *iommufd_pt_to_hwpt(struct iommufd_pt *pt);
/* "IOAS 3" / "HWPT 5": for log lines. */
const char *iommufd_pt_kind_name(const struct iommufd_pt *pt);

/* The ID the kernel must be given to attach to @pt (see hwpt.c). */
uint32_t iommufd_pt_attach_id(const struct iommufd_pt *pt);

/*
 * Allocation of a HWPT on @pt (IOAS or nest-parent HWPT) or on @viommu
 * (exactly one non-NULL): the one path behind iommufd_hwpt_alloc() and
 * iommufd_viommu_alloc_hwpt(). @call names the public call for log lines.
 */
int iommufd_hwpt_alloc_on(struct iommufd_device *dev, struct iommufd_pt *pt,
			  struct iommufd_viommu *viommu,
			  const struct iommufd_hwpt_opts *opts, const char *call,
			  struct iommufd_hwpt **ret_hwpt);

/* HWPT_INVALIDATE of @id (nested HWPT or vIOMMU); @what names it in logs. */
int iommufd_invalidate_id(struct iommufd_ctx *ctx, uint32_t id, const char *what,
			  uint32_t data_type, const void *entries,
			  size_t entry_len, uint32_t entry_num,
			  uint32_t *ret_done);

/*
 * A dirty-tracking HWPT allocated on an IOAS joins or leaves that IOAS's
 * list, which the IOAS-wide dirty calls walk (dirty.c).
 */
void iommufd_dirty_register(struct iommufd_hwpt *hwpt);
void iommufd_dirty_unregister(struct iommufd_hwpt *hwpt);

/*
 * @dev is attached to @pt now, on the kernel HWPT @hwpt_id: a
 * kernel-allocated HWPT handle records it and takes its ID from its users.
 */
void iommufd_pt_joined(struct iommufd_pt *pt, struct iommufd_device *dev, uint32_t hwpt_id);

/*
 * @dev left @pt (detach, replace away): a kernel-allocated HWPT handle
 * forgets it; then drops the device's reference on @pt.
 */
void iommufd_pt_left(struct iommufd_pt *pt, struct iommufd_device *dev);

/* ---- discovery ----------------------------------------------------------- */

/* Room for the longest PCI address Linux writes: an 8-digit domain. */
#define IOMMUFD_PCI_ADDR_MAX sizeof("ffffffff:ff:1f.7")

/*
 * "0000:00:03.0" from "DDDD:BB:DD.F" or "BB:DD.F" into @out; the domain has
 * 4 to 8 hex digits (Linux prints at least 4: VMD domains have 5). -EINVAL
 * if malformed. (Not static: tests/fuzz/fuzz-pci-addr.c checks it.)
 */
int iommufd_pci_addr_normalize(const char *in, char out[IOMMUFD_PCI_ADDR_MAX]);

/*
 * iommufd_discover_pci() on behalf of the public call @call, which its log
 * lines (an out-of-memory sentence) name; @pci_addr and @ret_cdev_path are
 * checked to be non-NULL by the caller.
 */
int iommufd_discover_pci_for(struct iommufd_ctx *ctx, const char *call, const char *pci_addr,
			     char **ret_cdev_path);

/* ---- devices ----------------------------------------------------------- */

/*
 * VFIO ATTACH of @dev to @pt, which is an attach when @dev is detached and
 * a replace otherwise; on success the device holds @pt and the HWPT ID the
 * kernel reported. @verb names the public call for log lines.
 */
int iommufd_device_set_pt(struct iommufd_device *dev, struct iommufd_pt *pt,
			  const char *verb);

#endif /* LIBIOMMUFD_PRIVATE_H */
