/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel, scripted at the ioctl boundary.
 *
 * The unit tests link the library's objects with -Wl,--wrap=ioctl, so every
 * ioctl the library makes lands in __wrap_ioctl() below. A test scripts, in
 * order, the ioctls it expects; each entry names the request, optionally
 * checks the argument struct the library passed (check), writes the kernel's
 * outputs into it (reply, also run on failure: EMSGSIZE writes a count) and
 * fails with an errno or succeeds. An unexpected or unscripted ioctl fails
 * the test at once; script_assert_done(), run in every test's teardown,
 * fails the test when scripted ioctls were not made. So a test that scripts
 * nothing proves that a call reached no ioctl at all.
 *
 * Real file descriptors come from /dev/null, so the library's open(2) and
 * close(2) run for real and leaks of them show.
 *
 * Log lines of the contexts made by test_ctx_new() are captured and can be
 * searched with assert_logged().
 */
#ifndef KERNEL_SCRIPT_H
#define KERNEL_SCRIPT_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <cmocka.h>

#include "libiommufd.h"
#include "uapi.h"

/* ---- the script -------------------------------------------------------- */

struct ks_entry;
typedef void (*ks_fn)(const struct ks_entry *e, void *arg);

struct ks_entry {
	unsigned long request;	/* the ioctl the library must make */
	int fd;			/* the fd it must use, -1 for any */
	ks_fn check;		/* asserts on the argument (may be NULL) */
	ks_fn reply;		/* writes the kernel's outputs (may be NULL) */
	int err;		/* errno to fail with, 0 to succeed */
	uint64_t in[6];		/* what the typed checks compare */
	uint64_t out[4];	/* what the typed replies write */
	const void *data;	/* for custom callbacks */
	const char *file;	/* where the entry was scripted */
	int line;
	/*
	 * Non-zero for entries of an unordered group (script_unordered_begin):
	 * which entry of the group an ioctl is served by is decided by
	 * request, fd and, when set, this predicate on the argument.
	 */
	unsigned int group;
	bool (*match)(const struct ks_entry *e, const void *arg);
	int ret;		/* what a successful ioctl returns (a new fd) */
};

/* The ioctl entry point the library is linked against. */
int __wrap_ioctl(int fd, unsigned long request, ...);

/* Empties the script (setup of every test). */
void script_reset(void);
/* Fails the test when scripted ioctls were not made; empties the script. */
void script_assert_done_at(const char *file, int line);
#define script_assert_done() script_assert_done_at(__FILE__, __LINE__)
/* Number of entries not yet consumed. */
unsigned int script_pending(void);
/* The fd and request of the last ioctl made (-1 / 0 before any). */
int script_last_fd(void);

/* fds the typed helpers expect IOMMU_* and VFIO_* ioctls on (-1: any). */
void script_set_iommufd(int fd);
void script_set_devfd(int fd);

/*
 * Entries scripted between these two calls form an unordered group: the
 * library must make each of them exactly once, in any order, before any
 * entry scripted after the group. An ioctl is served by the first pending
 * entry of the group with its request and fd (and, for IOMMU_DESTROY, its
 * object ID). Ordered entries (all entries outside a group) are unchanged.
 */
void script_unordered_begin(void);
void script_unordered_end(void);

/*
 * Hands every ioctl to @fn instead of the script (NULL: back to the
 * script), e.g. to the model kernel (model-kernel.h); set it before any
 * thread that makes ioctls starts.
 */
void script_route_to(int (*fn)(int fd, unsigned long request, void *arg));

/* Records the caller's location for the next entry (used by the macros). */
void script_at(const char *file, int line);

/* Appends an entry; returns it so a test may adjust fd, in, out or data. */
struct ks_entry *script_expect_(unsigned long request, ks_fn check,
				ks_fn reply, int err);
#define script_expect(req, check, reply, err) \
	(script_at(__FILE__, __LINE__), script_expect_((req), (check), (reply), (err)))

/* Fails the test with the location of the entry being served. */
#define KS_EQ(e, what, actual, expected)					\
	ks_eq((e), (what), (uint64_t)(actual), (uint64_t)(expected))
void ks_eq(const struct ks_entry *e, const char *what, uint64_t actual,
	   uint64_t expected);

/* ---- typed entries: the standard checks and replies of each command ---- */

/* IOMMU_DESTROY: size 8, @id. */
struct ks_entry *expect_destroy_(uint32_t id, int err);
#define expect_destroy(...) (script_at(__FILE__, __LINE__), expect_destroy_(__VA_ARGS__))

/* IOMMU_IOAS_ALLOC: size 12, flags 0; replies @out_id. */
struct ks_entry *expect_ioas_alloc_(uint32_t out_id, int err);
#define expect_ioas_alloc(...) (script_at(__FILE__, __LINE__), expect_ioas_alloc_(__VA_ARGS__))

/* IOMMU_IOAS_MAP: size 40, the fields given; replies @out_iova. */
struct ks_entry *expect_ioas_map_(uint32_t ioas_id, uint32_t flags,
				  const void *va, uint64_t length,
				  uint64_t iova, uint64_t out_iova, int err);
#define expect_ioas_map(...) (script_at(__FILE__, __LINE__), expect_ioas_map_(__VA_ARGS__))

/* IOMMU_IOAS_UNMAP: size 24, the fields given; replies @out_length. */
struct ks_entry *expect_ioas_unmap_(uint32_t ioas_id, uint64_t iova,
				    uint64_t length, uint64_t out_length, int err);
#define expect_ioas_unmap(...) (script_at(__FILE__, __LINE__), expect_ioas_unmap_(__VA_ARGS__))

/*
 * IOMMU_IOAS_IOVA_RANGES: size 32, @ioas_id, room for @room ranges (a NULL
 * array when @room is 0). Replies num_iovas = @count; on success also the
 * @count @ranges and @alignment.
 */
struct ks_entry *expect_iova_ranges_(uint32_t ioas_id, uint32_t room,
				     const struct kabi_iova_range *ranges,
				     uint32_t count, uint64_t alignment, int err);
#define expect_iova_ranges(...) (script_at(__FILE__, __LINE__), expect_iova_ranges_(__VA_ARGS__))

/*
 * IOMMU_HWPT_ALLOC: size 48, kernel @flags, @dev_id, @pt_id, no data,
 * reserved fields and fault_id 0; replies @out_id.
 */
struct ks_entry *expect_hwpt_alloc_(uint32_t flags, uint32_t dev_id,
				    uint32_t pt_id, uint32_t out_id, int err);
#define expect_hwpt_alloc(...) (script_at(__FILE__, __LINE__), expect_hwpt_alloc_(__VA_ARGS__))

/* As expect_hwpt_alloc(), with vendor data: its type, pointer and length. */
struct ks_entry *expect_hwpt_alloc_data_(uint32_t flags, uint32_t dev_id,
					 uint32_t pt_id, uint32_t data_type,
					 const void *data, uint32_t data_len,
					 uint32_t out_id, int err);
#define expect_hwpt_alloc_data(...) (script_at(__FILE__, __LINE__), expect_hwpt_alloc_data_(__VA_ARGS__))

/*
 * IOMMU_GET_HW_INFO: size 40, flags 0, @dev_id, @data and @data_len;
 * replies the out_* fields and data_len of @reply.
 */
struct ks_entry *expect_hw_info_(uint32_t dev_id, const void *data,
				 uint32_t data_len,
				 const struct kabi_hw_info *reply, int err);
#define expect_hw_info(...) (script_at(__FILE__, __LINE__), expect_hw_info_(__VA_ARGS__))

/*
 * IOMMU_GET_HW_INFO of a chosen type: size 40, flags INPUT_TYPE, @type in
 * out_data_type, @dev_id, @data and @data_len, the other outputs and the
 * reserved bytes zero; replies as expect_hw_info().
 */
struct ks_entry *expect_hw_info_type_(uint32_t dev_id, uint32_t type,
				      const void *data, uint32_t data_len,
				      const struct kabi_hw_info *reply, int err);
#define expect_hw_info_type(...) (script_at(__FILE__, __LINE__), expect_hw_info_type_(__VA_ARGS__))

/*
 * As expect_hwpt_alloc_data(), for data the library builds itself (on its
 * stack): checks the @data_len bytes at data_uptr against @bytes instead of
 * the pointer.
 */
struct ks_entry *expect_hwpt_alloc_bytes_(uint32_t flags, uint32_t dev_id,
					  uint32_t pt_id, uint32_t data_type,
					  const void *bytes, uint32_t data_len,
					  uint32_t out_id, int err);
#define expect_hwpt_alloc_bytes(...) (script_at(__FILE__, __LINE__), expect_hwpt_alloc_bytes_(__VA_ARGS__))

/*
 * IOMMU_VIOMMU_ALLOC: size 40, flags 0, @type, @dev_id, @hwpt_id, @data and
 * @data_len, reserved 0; replies @out_id on success.
 */
struct ks_entry *expect_viommu_alloc_(uint32_t dev_id, uint32_t hwpt_id,
				      uint32_t type, const void *data,
				      uint32_t data_len, uint32_t out_id, int err);
#define expect_viommu_alloc(...) (script_at(__FILE__, __LINE__), expect_viommu_alloc_(__VA_ARGS__))

/*
 * As expect_viommu_alloc(), checking the @data_len bytes sent against
 * @data, and on success writing the @data_len bytes of @out (the kernel's
 * outputs, NULL: none) back through data_uptr, as the kernel does.
 */
struct ks_entry *expect_viommu_alloc_out_(uint32_t dev_id, uint32_t hwpt_id,
					  uint32_t type, const void *data,
					  uint32_t data_len, const void *out,
					  uint32_t out_id, int err);
#define expect_viommu_alloc_out(...) (script_at(__FILE__, __LINE__), expect_viommu_alloc_out_(__VA_ARGS__))

/* IOMMU_VDEVICE_ALLOC: size 24, @viommu_id, @dev_id, @virt_id; replies @out_id. */
struct ks_entry *expect_vdevice_alloc_(uint32_t viommu_id, uint32_t dev_id,
				       uint64_t virt_id, uint32_t out_id, int err);
#define expect_vdevice_alloc(...) (script_at(__FILE__, __LINE__), expect_vdevice_alloc_(__VA_ARGS__))

/* @out_done of expect_hwpt_invalidate(): the kernel writes nothing back. */
#define KS_UNTOUCHED UINT64_MAX

/*
 * IOMMU_HWPT_INVALIDATE: size 32, @id (nested HWPT or vIOMMU), @entries,
 * @data_type, @entry_len, @entry_num, reserved 0. Writes @out_done into
 * entry_num (the handled count, on success and on failure alike, as the
 * kernel does) unless it is KS_UNTOUCHED, then fails with @err or succeeds.
 */
struct ks_entry *expect_hwpt_invalidate_(uint32_t id, uint32_t data_type,
					 const void *entries, uint32_t entry_len,
					 uint32_t entry_num, uint64_t out_done,
					 int err);
#define expect_hwpt_invalidate(...) (script_at(__FILE__, __LINE__), expect_hwpt_invalidate_(__VA_ARGS__))

/* VFIO_DEVICE_BIND_IOMMUFD: argsz 16, flags 0, @iommufd; replies @out_devid. */
struct ks_entry *expect_bind_(int iommufd, uint32_t out_devid, int err);
#define expect_bind(...) (script_at(__FILE__, __LINE__), expect_bind_(__VA_ARGS__))

/* As expect_bind(), with a VF token: argsz 24, flags TOKEN, @token's address. */
struct ks_entry *expect_bind_token_(int iommufd, const void *token, uint32_t out_devid,
				    int err);
#define expect_bind_token(...) (script_at(__FILE__, __LINE__), expect_bind_token_(__VA_ARGS__))

/* VFIO_DEVICE_ATTACH_IOMMUFD_PT: argsz 12, flags 0, @pt_id; replies @out_hwpt_id. */
struct ks_entry *expect_attach_(uint32_t pt_id, uint32_t out_hwpt_id, int err);
#define expect_attach(...) (script_at(__FILE__, __LINE__), expect_attach_(__VA_ARGS__))

/* VFIO_DEVICE_DETACH_IOMMUFD_PT: argsz 8, flags 0. */
struct ks_entry *expect_detach_(int err);
#define expect_detach(...) (script_at(__FILE__, __LINE__), expect_detach_(__VA_ARGS__))

/* ---- typed entries of the later commands (options, queues, PASID...) ---- */

/*
 * IOMMU_DESTROY of @id, as expect_destroy(), that also asserts @fd is closed
 * by then (an object whose fd holds it: fault queue, vEVENTQ).
 */
struct ks_entry *expect_destroy_closed_(uint32_t id, int fd, int err);
#define expect_destroy_closed(...) (script_at(__FILE__, __LINE__), expect_destroy_closed_(__VA_ARGS__))

/*
 * IOMMU_OPTION: size 24, @option_id, @op, reserved 0, @object_id, val64
 * @val_in (what a SET sends; a GET must send 0). On success a GET is given
 * @val_out.
 */
struct ks_entry *expect_option_(uint32_t option_id, uint16_t op, uint32_t object_id,
				uint64_t val_in, uint64_t val_out, int err);
#define expect_option(...) (script_at(__FILE__, __LINE__), expect_option_(__VA_ARGS__))

/* IOMMU_VFIO_IOAS: size 12, @op, @ioas_id, reserved 0; on success replies @out_id. */
struct ks_entry *expect_vfio_ioas_(uint16_t op, uint32_t ioas_id, uint32_t out_id, int err);
#define expect_vfio_ioas(...) (script_at(__FILE__, __LINE__), expect_vfio_ioas_(__VA_ARGS__))

/* IOMMU_IOAS_CHANGE_PROCESS: size 8, reserved 0. */
struct ks_entry *expect_change_process_(int err);
#define expect_change_process(...) (script_at(__FILE__, __LINE__), expect_change_process_(__VA_ARGS__))

/* IOMMU_IOAS_MAP_FILE: size 40, the fields given; replies @out_iova on success. */
struct ks_entry *expect_ioas_map_file_(uint32_t ioas_id, uint32_t flags, int fd,
				       uint64_t start, uint64_t length, uint64_t iova,
				       uint64_t out_iova, int err);
#define expect_ioas_map_file(...) (script_at(__FILE__, __LINE__), expect_ioas_map_file_(__VA_ARGS__))

/* IOMMU_IOAS_COPY: size 40, the fields given. */
struct ks_entry *expect_ioas_copy_(uint32_t flags, uint32_t dst_ioas_id,
				   uint32_t src_ioas_id, uint64_t length,
				   uint64_t dst_iova, uint64_t src_iova, int err);
#define expect_ioas_copy(...) (script_at(__FILE__, __LINE__), expect_ioas_copy_(__VA_ARGS__))

/* IOMMU_IOAS_ALLOW_IOVAS: size 24, @ioas_id, @num ranges at @ranges, reserved 0. */
struct ks_entry *expect_allow_iovas_(uint32_t ioas_id, const void *ranges,
				     uint32_t num, int err);
#define expect_allow_iovas(...) (script_at(__FILE__, __LINE__), expect_allow_iovas_(__VA_ARGS__))

/* IOMMU_HWPT_SET_DIRTY_TRACKING: size 16, @flags, @hwpt_id, reserved 0. */
struct ks_entry *expect_set_dirty_tracking_(uint32_t hwpt_id, uint32_t flags, int err);
#define expect_set_dirty_tracking(...) (script_at(__FILE__, __LINE__), expect_set_dirty_tracking_(__VA_ARGS__))

/*
 * IOMMU_HWPT_GET_DIRTY_BITMAP: size 48, the fields given, reserved 0, the
 * bitmap pointer @data. On success the kernel sets the bits of @set_word in
 * the first word of the bitmap it was given (0: none).
 */
struct ks_entry *expect_get_dirty_bitmap_(uint32_t hwpt_id, uint32_t flags, uint64_t iova,
					  uint64_t length, uint64_t page_size,
					  const void *data, uint64_t set_word, int err);
#define expect_get_dirty_bitmap(...) (script_at(__FILE__, __LINE__), expect_get_dirty_bitmap_(__VA_ARGS__))

/* IOMMU_FAULT_QUEUE_ALLOC: size 16, flags 0; replies @out_id and @out_fd. */
struct ks_entry *expect_fault_alloc_(uint32_t out_id, int out_fd, int err);
#define expect_fault_alloc(...) (script_at(__FILE__, __LINE__), expect_fault_alloc_(__VA_ARGS__))

/*
 * IOMMU_HWPT_ALLOC as expect_hwpt_alloc() (size 48, no data), with
 * @fault_id in fault_id (@flags must then hold FAULT_ID_VALID).
 */
struct ks_entry *expect_hwpt_alloc_fault_(uint32_t flags, uint32_t dev_id, uint32_t pt_id,
					  uint32_t fault_id, uint32_t out_id, int err);
#define expect_hwpt_alloc_fault(...) (script_at(__FILE__, __LINE__), expect_hwpt_alloc_fault_(__VA_ARGS__))

/*
 * IOMMU_VEVENTQ_ALLOC: size 32, flags 0, @viommu_id, @type, @depth,
 * reserved 0; replies @out_id and @out_fd.
 */
struct ks_entry *expect_veventq_alloc_(uint32_t viommu_id, uint32_t type, uint32_t depth,
				       uint32_t out_id, int out_fd, int err);
#define expect_veventq_alloc(...) (script_at(__FILE__, __LINE__), expect_veventq_alloc_(__VA_ARGS__))

/*
 * IOMMU_HW_QUEUE_ALLOC: size 40, flags 0, @viommu_id, @type, @index, @iova
 * in nesting_parent_iova, @length; replies @out_id.
 */
struct ks_entry *expect_hw_queue_alloc_(uint32_t viommu_id, uint32_t type, uint32_t index,
					uint64_t iova, uint64_t length, uint32_t out_id,
					int err);
#define expect_hw_queue_alloc(...) (script_at(__FILE__, __LINE__), expect_hw_queue_alloc_(__VA_ARGS__))

/*
 * VFIO_DEVICE_ATTACH_IOMMUFD_PT of a PASID: argsz 16, flags PASID, @pt_id,
 * @pasid; on success writes @pt_id back, as the kernel does.
 */
struct ks_entry *expect_attach_pasid_(uint32_t pt_id, uint32_t pasid, int err);
#define expect_attach_pasid(...) (script_at(__FILE__, __LINE__), expect_attach_pasid_(__VA_ARGS__))

/*
 * VFIO_DEVICE_DETACH_IOMMUFD_PT of a PASID: argsz 12, flags PASID, @pasid.
 * In an unordered group the entry of the PASID detached serves the ioctl.
 */
struct ks_entry *expect_detach_pasid_(uint32_t pasid, int err);
#define expect_detach_pasid(...) (script_at(__FILE__, __LINE__), expect_detach_pasid_(__VA_ARGS__))

/*
 * The capability probe of one command: @request on the iommufd with an
 * argument whose size (first u32) is 0 and whose first 64 bytes are all
 * zero; fails with @err (EINVAL: known, ENOTTY: unknown) or succeeds.
 */
struct ks_entry *expect_probe_cmd_(unsigned long request, int err);
#define expect_probe_cmd(...) (script_at(__FILE__, __LINE__), expect_probe_cmd_(__VA_ARGS__))

/*
 * IOMMU_GET_HW_INFO into a buffer the library chose: size 40, flags 0,
 * @dev_id, data_len @room, a non-NULL data_uptr. Replies the out_* fields
 * of @reply, copies min(@rec_len, @room) bytes of @rec into the buffer and
 * sets data_len to @rec_len, as the kernel does.
 */
struct ks_entry *expect_hw_info_fill_(uint32_t dev_id, uint32_t room,
				      const struct kabi_hw_info *reply,
				      const void *rec, uint32_t rec_len, int err);
#define expect_hw_info_fill(...) (script_at(__FILE__, __LINE__), expect_hw_info_fill_(__VA_ARGS__))

/* ---- allocations ------------------------------------------------------- */

/*
 * The programs are also linked with --wrap=malloc,calloc,realloc: calls the
 * library's objects make are counted (libc's own internal ones are not), so
 * a test can show that a hot path allocates nothing, and one of them can be
 * made to fail. The counters are atomic: threads may allocate.
 */
void *__wrap_malloc(size_t size);
void *__wrap_calloc(size_t nmemb, size_t size);
void *__wrap_realloc(void *ptr, size_t size);
unsigned long alloc_count(void);
/*
 * The @n-th allocation from now on (1: the next) fails as out of memory;
 * only that one. 0 disarms, keeping what alloc_fail_hit() says.
 */
void alloc_fail_nth(unsigned long n);
/* Whether the armed allocation was reached (and failed) since arming. */
bool alloc_fail_hit(void);
/*
 * An allocation made by some other call a test program wraps (strdup,
 * opendir, libudev's constructors and lazy getters: test-discover.c),
 * counted with the ones above: true when it is the one to fail, which the
 * wrapper then fails as that call fails for ENOMEM.
 */
bool alloc_point(void);

/* ---- host facts ------------------------------------------------------- */

/*
 * The programs are also linked with --wrap=syscall,readlink,getrlimit: what
 * the library's explanations ask of the process (capget(2) for CAP_IPC_LOCK,
 * the user namespace in /proc/self/ns/user, RLIMIT_MEMLOCK) is scripted, so
 * a test's outcome does not depend on who runs it. ks_setup() resets them to
 * no CAP_IPC_LOCK, the initial user namespace and a soft limit of 8 MiB.
 * Any other syscall(2) fails the test; other links and limits are real.
 */
long __wrap_syscall(long nr, ...);
ssize_t __wrap_readlink(const char *path, char *buf, size_t len);
int __wrap_getrlimit(int resource, struct rlimit *rl);
/* Whether the calling thread holds CAP_IPC_LOCK in its effective set. */
void host_set_cap_ipc_lock(bool held);
/* Whether the process is in the initial user namespace. */
void host_set_user_ns_initial(bool initial);
/*
 * Whether /proc/self/ns/user can be read; when not, readlink(2) of it fails
 * with ENOENT (no /proc, or a kernel without user namespaces).
 */
void host_set_user_ns_readable(bool readable);
/* The soft RLIMIT_MEMLOCK in bytes (RLIM_INFINITY: unlimited). */
void host_set_memlock(rlim_t soft);
/* capget(2) calls since ks_setup(). */
unsigned int host_capget_count(void);

/* ---- captured log ------------------------------------------------------ */

/* The log function test_ctx_new() installs: keeps the latest lines. */
void log_capture(void *userdata, int priority, const char *file, int line,
		 const char *fn, const char *format, va_list args);
void log_reset(void);
unsigned int log_count(void);
const char *log_line(unsigned int i);
/* Whether a captured line contains every one of the words (NULL-ended). */
bool log_has_(const char *word, ...) __attribute__((sentinel));
#define log_has(...) log_has_(__VA_ARGS__, (const char *)NULL)
/* Fails, printing the captured lines, unless a line has all the words. */
void assert_logged_at(const char *file, int line, const char *word, ...)
	__attribute__((sentinel));
#define assert_logged(...) assert_logged_at(__FILE__, __LINE__, __VA_ARGS__, (const char *)NULL)

/* ---- fixtures ---------------------------------------------------------- */

/* cmocka setup/teardown: reset script and log; assert the script is done. */
int ks_setup(void **state);
int ks_teardown(void **state);
#define KS_TEST(fn) cmocka_unit_test_setup_teardown(fn, ks_setup, ks_teardown)

/* A context on /dev/null logging at LOG_DEBUG into the capture; its fd is
 * what the IOMMU_* entries expect from now on. */
struct iommufd_ctx *test_ctx_new(void);
/* IOAS_ALLOC scripted to return @id. */
struct iommufd_ioas *test_ioas_new(struct iommufd_ctx *ctx, uint32_t id);
/* bind_path("/dev/null") scripted to return @dev_id; the device's fd is
 * what the VFIO entries expect from now on. */
struct iommufd_device *test_device_new(struct iommufd_ctx *ctx, uint32_t dev_id);
/* The same through iommufd_device_bind_path() of @path (test_device_new: /dev/null). */
struct iommufd_device *test_device_new_path(struct iommufd_ctx *ctx, uint32_t dev_id,
					    const char *path);
/*
 * A regular file named @name (e.g. "noiommu-vfio0", as the kernel names a
 * noiommu cdev) in a new directory under /tmp, for binding by path: its
 * path, in @buf. test_file_remove() removes it and the directory.
 */
const char *test_file_new(const char *name, char *buf, size_t len);
void test_file_remove(const char *path);
/* Attach scripted: ATTACH of @pt_id, the kernel reporting @hwpt_id. */
void test_attach(struct iommufd_device *dev, struct iommufd_pt *pt,
		 uint32_t pt_id, uint32_t hwpt_id);

/*
 * What most tests start from, in one call: test_ctx_new(), test_ioas_new()
 * of @ioas_id and test_device_new() of @dev_id, the script then done and
 * the log empty.
 */
struct test_env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
};
/*
 * The first member of a fixture that starts from a test_env: the fixture
 * is passed as f->env and its tests still say f->ctx, f->ioas, f->dev (the
 * two structs of the union have the same members: C11 6.5.2.3).
 */
#define TEST_ENV							\
	union {								\
		struct test_env env;					\
		struct {						\
			struct iommufd_ctx *ctx;			\
			struct iommufd_ioas *ioas;			\
			struct iommufd_device *dev;			\
		};							\
	}
void test_env_new(struct test_env *env, uint32_t ioas_id, uint32_t dev_id);
/*
 * Releases what the test left of @env (NULL members are skipped): the
 * device, with a scripted DETACH when it is still attached, then the IOAS,
 * with a scripted DESTROY, then the context. The script is first pointed at
 * @env's context and device again, so a test that made ioctls on another
 * one need not point it back. Objects made on the IOAS are the test's to
 * release first.
 */
void test_env_free(struct test_env *env);
/* The IOAS of @env as the page table its device attaches to. */
struct iommufd_pt *test_env_pt(struct test_env *env);
/*
 * A kernel-allocated HWPT for @env's device, by the plain path it opted in
 * to: HWPT_ALLOC of the IOAS refused with EOPNOTSUPP, then the device
 * attached to the IOAS, the kernel reporting the HWPT @hwpt_id.
 */
struct iommufd_hwpt *test_env_kernel_hwpt(struct test_env *env, uint32_t hwpt_id);
/*
 * A HWPT on @env's IOAS for @env's device, allocated by the kernel as
 * @hwpt_id: HWPT_ALLOC scripted with @kabi_flags (KABI_HWPT_ALLOC_*), the
 * library asked for the matching IOMMUFD_HWPT_* flags. The caller scripts
 * its DESTROY when it releases it, before test_env_free().
 */
struct iommufd_hwpt *test_env_hwpt(struct test_env *env, uint32_t kabi_flags, uint32_t hwpt_id);

/*
 * The cmocka setup and teardown of tests that start from a test_env and
 * nothing else: each test gets in *state a struct test_env * made by
 * test_env_new() with the IDs below, and test_env_teardown() releases it
 * with test_env_free() once the script is done. A file that needs more
 * (an fd, a wrapped syscall) wraps these two in its own.
 */
#define TEST_ENV_IOAS_ID 3
#define TEST_ENV_DEV_ID 2
int test_env_setup(void **state);
int test_env_teardown(void **state);
#define ENV_TEST(fn) cmocka_unit_test_setup_teardown(fn, test_env_setup, test_env_teardown)

/* Whether @fd is open in this process. */
bool fd_is_open(int fd);
/* Number of open fds of this process. */
int count_open_fds(void);

#endif /* KERNEL_SCRIPT_H */
