// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The context: one open iommufd, its log settings and its reference count.
 * Also the helpers every object file shares (logging, options, destroy).
 */
#define _GNU_SOURCE
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "private.h"

#define DEFAULT_IOMMU_PATH "/dev/iommu"

/* ---- logging ----------------------------------------------------------- */

static void log_to_stderr(void *userdata, int priority, const char *file,
			  int line, const char *fn, const char *format,
			  va_list args)
{
	(void)userdata;
	(void)priority;
	(void)file;
	(void)line;
	fprintf(stderr, "libiommufd: %s: ", fn);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

void iommufd_log(const struct iommufd_ctx *ctx, int priority, const char *file,
		 int line, const char *fn, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	ctx->log_fn(ctx->log_userdata, priority, file, line, fn, format, args);
	va_end(args);
}

/* The explanation of the calling thread's last failure. */
static _Thread_local char last_error[512];

IOMMUFD_EXPORT const char *iommufd_last_error(void)
{
	return last_error;
}

static void log_message(const struct iommufd_ctx *ctx, int priority,
			const char *file, int line, const char *fn, const char *msg)
{
	iommufd_log(ctx, priority, file, line, fn, "%s", msg);
}

void iommufd_fail(const struct iommufd_ctx *ctx, int priority, const char *file,
		  int line, const char *fn, const char *format, ...)
{
	va_list args;

	va_start(args, format);
	vsnprintf(last_error, sizeof(last_error), format, args);
	va_end(args);
	if (ctx && ctx->log_fn && ctx->log_priority >= priority)
		log_message(ctx, priority, file, line, fn, last_error);
}

int iommufd_bad_args_at(const struct iommufd_ctx *ctx, const char *file, int line,
			const char *fn, const char *what)
{
	iommufd_fail(ctx, LOG_ERR, file, line, fn, "%s: invalid arguments: %s", fn, what);
	return -EINVAL;
}

void iommufd_oom_at(const struct iommufd_ctx *ctx, const char *file, int line, const char *fn,
		    const char *call, size_t size, const char *what, ...)
{
	char obj[160];
	va_list args;

	va_start(args, what);
	vsnprintf(obj, sizeof(obj), what, args);
	va_end(args);
	if (size)
		iommufd_fail(ctx, LOG_ERR, file, line, fn, "%s: out of memory for %s (%zu bytes)",
			     call, obj, size);
	else
		iommufd_fail(ctx, LOG_ERR, file, line, fn, "%s: out of memory for %s", call, obj);
}

const char *iommufd_errname(int err)
{
#ifdef HAVE_STRERRORNAME_NP
	const char *name = strerrorname_np(err < 0 ? -err : err);
#else
	const char *name = iommufd_errname_table(err);
#endif

	return name ? name : "unknown errno";
}

void iommufd_cmd_fail(const struct iommufd_ctx *ctx, int priority, const char *file,
		      int line, const char *fn, enum kcmd cmd, int err, const char *more,
		      const char *format, ...)
{
	const char *hint = iommufd_cmd_hint(cmd, err);
	char what[512];
	va_list args;

	va_start(args, format);
	vsnprintf(what, sizeof(what), format, args);
	va_end(args);
	iommufd_fail(ctx, priority, file, line, fn, "%s: %s%s%s", what, iommufd_errname(err),
		     hint ? ": " : "", hint ? hint : more ? more : "");
}

/* "err", "info", "debug" or a number 0..7, as LIBIOMMUFD_LOG may say. */
static int parse_priority(const char *s)
{
	static const struct { const char *name; int prio; } names[] = {
		{ "err", LOG_ERR }, { "error", LOG_ERR }, { "info", LOG_INFO },
		{ "debug", LOG_DEBUG },
	};
	char *end;
	long v;

	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (strcasecmp(s, names[i].name) == 0)
			return names[i].prio;
	v = strtol(s, &end, 10);
	if (end != s && *end == '\0' && v >= LOG_EMERG && v <= LOG_DEBUG)
		return (int)v;
	return -1;
}

/* ---- options ----------------------------------------------------------- */

int iommufd_opts_check(struct iommufd_ctx *ctx, const void *opts, size_t known,
		       const char *what)
{
	size_t sz;

	if (!opts)
		return 0;
	sz = *(const size_t *)opts;
	if (sz < sizeof(size_t)) {
		log_err(ctx, "%s: options size %zu is too small (did you use LIBIOMMUFD_OPTS?)",
			what, sz);
		return -EINVAL;
	}
	for (size_t i = known; i < sz; i++) {
		if (((const unsigned char *)opts)[i]) {
			log_err(ctx, "%s: option byte %zu is set but this library knows only %zu bytes",
				what, i, known);
			return -E2BIG;
		}
	}
	return 0;
}

/* ---- destroying objects, now or deferred ------------------------------- */

static int destroy_ioctl(const struct iommufd_ctx *ctx, uint32_t id)
{
	struct kabi_destroy cmd = { .size = sizeof(cmd), .id = id };

	return kernel_ioctl(ctx->fd, KABI_IOMMU_DESTROY, &cmd);
}

/* One pass over the deferred destroys; true when one succeeded. Locked. */
static bool retry_pass(struct iommufd_ctx *ctx)
{
	struct deferred_destroy **link = &ctx->deferred;
	bool progress = false;

	while (*link) {
		struct deferred_destroy *d = *link;
		int rc = destroy_ioctl(ctx, d->id);

		if (rc == -EBUSY) {
			link = &d->next;
			continue;
		}
		if (rc)
			log_err(ctx, "DESTROY %s %u (deferred): %s", d->what, d->id,
				iommufd_errname(rc));
		else
			log_dbg(ctx, "DESTROY %s %u: done, once what used it went", d->what,
				d->id);
		*link = d->next;
		free(d);
		progress = true;
	}
	return progress;
}

static size_t count_deferred(const struct iommufd_ctx *ctx)
{
	size_t n = 0;

	for (const struct deferred_destroy *d = ctx->deferred; d; d = d->next)
		n++;
	return n;
}

void iommufd_retry_deferred(struct iommufd_ctx *ctx)
{
	/* Every destroy and detach comes here: nothing waiting costs no lock. */
	if (!atomic_load(&ctx->have_deferred) || atomic_load(&ctx->handed_over))
		return;
	pthread_mutex_lock(&ctx->lock);
	/* One destroy can unblock another (a HWPT, then its IOAS). */
	while (ctx->deferred && retry_pass(ctx))
		;
	atomic_store(&ctx->have_deferred, ctx->deferred != NULL);
	pthread_mutex_unlock(&ctx->lock);
}

static void defer_destroy(struct iommufd_ctx *ctx, uint32_t id, const char *what)
{
	struct deferred_destroy *d = malloc(sizeof(*d));

	if (!d) {
		log_err(ctx, "DESTROY %s %u: EBUSY, and no memory to retry it later:"
			" it stays until the iommufd closes", what, id);
		return;
	}
	d->id = id;
	d->what = what;
	pthread_mutex_lock(&ctx->lock);
	d->next = ctx->deferred;
	ctx->deferred = d;
	atomic_store(&ctx->have_deferred, true);
	pthread_mutex_unlock(&ctx->lock);
	log_info(ctx, "DESTROY %s %u: EBUSY: still in use by something the library does not"
		 " see (e.g. an attach made with the caller's own ioctl); retried after the"
		 " next destroy or detach, by iommufd_ctx_retry_destroys() and at context"
		 " close", what, id);
}

void iommufd_release_id(struct iommufd_ctx *ctx, uint32_t id, const char *what)
{
	int rc;

	if (atomic_load(&ctx->handed_over)) {
		log_dbg(ctx, "%s %u left to the process the context was handed over to", what, id);
		return;
	}
	rc = destroy_ioctl(ctx, id);

	if (rc == -EBUSY) {
		defer_destroy(ctx, id, what);
		return;
	}
	if (rc) {
		log_cmd_err(ctx, KCMD_RELEASE, rc, NULL, "DESTROY %s %u", what, id);
		return;
	}
	iommufd_retry_deferred(ctx);
}

int iommufd_destroy_now(struct iommufd_ctx *ctx, uint32_t id, const char *what)
{
	int rc = destroy_ioctl(ctx, id);

	if (rc) {
		log_cmd_err(ctx, KCMD_DESTROY, rc, NULL, "DESTROY %s %u", what, id);
		return rc;
	}
	log_dbg(ctx, "DESTROY %s %u: done", what, id);
	iommufd_retry_deferred(ctx);
	return 0;
}

int iommufd_destroy_handle(struct iommufd_ctx *ctx, atomic_int *refcount,
			   int *fd, uint32_t id, const char *what)
{
	int refs = atomic_load(refcount);

	if (refs != 1) {
		log_err(ctx, "DESTROY %s %u: EBUSY: %d other references hold the handle (child"
			" objects, attached devices or the caller's own)", what, id, refs - 1);
		return -EBUSY;
	}
	if (fd && *fd >= 0) {
		close(*fd);
		*fd = -1;
	}
	return iommufd_destroy_now(ctx, id, what);
}

int iommufd_check_adopt(struct iommufd_ctx *ctx, uint32_t adopt, const char *what)
{
	if (adopt == IOMMUFD_ADOPT_BORROW || adopt == IOMMUFD_ADOPT_OWN)
		return 0;
	log_err(ctx, "%s: adopt %u is neither IOMMUFD_ADOPT_BORROW nor IOMMUFD_ADOPT_OWN",
		what, adopt);
	return -EINVAL;
}

IOMMUFD_EXPORT int iommufd_ctx_retry_destroys(struct iommufd_ctx *ctx, size_t *ret_left)
{
	size_t left;

	if (!ctx)
		return bad_args(NULL, "!ctx");
	iommufd_retry_deferred(ctx);
	pthread_mutex_lock(&ctx->lock);
	left = count_deferred(ctx);
	pthread_mutex_unlock(&ctx->lock);
	if (ret_left)
		*ret_left = left;
	if (left) {
		log_err(ctx, "%zu destroys are still refused with EBUSY", left);
		return -EBUSY;
	}
	return 0;
}

/* Context close: last retry, then say what stays and who frees it. */
static void drop_deferred(struct iommufd_ctx *ctx)
{
	iommufd_retry_deferred(ctx);
	while (ctx->deferred) {
		struct deferred_destroy *d = ctx->deferred;

		if (atomic_load(&ctx->handed_over))
			log_dbg(ctx, "context close: %s %u left to the process the context was"
				" handed over to", d->what, d->id);
		else if (ctx->owns_fd)
			log_info(ctx, "context close: %s %u still refused its destroy; the kernel"
				 " frees it as the iommufd closes", d->what, d->id);
		else
			log_err(ctx, "context close: %s %u still refused its destroy; it stays"
				" in the kernel as long as the borrowed iommufd %d is open",
				d->what, d->id, ctx->fd);
		ctx->deferred = d->next;
		free(d);
	}
}

/* ---- explanations shared by the object files ----------------------------- */

/* "VmPin:  1234 kB" of /proc/self/status, in bytes; -1 when unknown. */
static long long proc_status_bytes(const char *key)
{
	FILE *f = fopen("/proc/self/status", "re");
	size_t klen = strlen(key);
	long long kb = -1;
	char line[256];

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, key, klen) && line[klen] == ':') {
			kb = strtoll(line + klen + 1, NULL, 10);
			break;
		}
	fclose(f);
	return kb < 0 ? -1 : kb * 1024;
}

/*
 * Does the calling thread hold CAP_IPC_LOCK as the kernel's capable() sees
 * it: in its effective set (capget(2), no libcap), in the initial user
 * namespace (a namespace's own root is still charged). Where the namespace
 * cannot be read (no /proc, or a kernel without user namespaces) there is
 * only the initial one as far as the process can tell.
 */
static bool holds_cap_ipc_lock(void)
{
	struct kabi_cap_header hdr = { .version = KABI_CAPABILITY_VERSION_3, .pid = 0 };
	struct kabi_cap_data data[2] = { { 0 } };
	char ns[64];
	const char *ino;
	ssize_t n;

	if (syscall(SYS_capget, &hdr, data))
		return false;
	if (!(data[KABI_CAP_IPC_LOCK / 32].effective & (1u << (KABI_CAP_IPC_LOCK % 32))))
		return false;
	n = readlink("/proc/self/ns/user", ns, sizeof(ns) - 1);
	if (n < 0)
		return true;
	ns[n] = '\0';
	ino = strchr(ns, '[');	/* "user:[4026531837]" */
	return !ino || strtoull(ino + 1, NULL, 10) == KABI_PROC_USER_INIT_INO;
}

/*
 * The RLIMIT_MODE of @ctx's iommufd, or -1. Not known (an adopted fd), it is
 * asked quietly: this explains another failure, whose sentence is not to be
 * replaced by one about the question.
 */
static int ctx_rlimit_mode(struct iommufd_ctx *ctx)
{
	struct kabi_option cmd = {
		.size = sizeof(cmd),
		.option_id = KABI_OPTION_RLIMIT_MODE,
		.op = KABI_OPTION_OP_GET,
	};
	int mode = atomic_load(&ctx->rlimit_mode);

	if (mode >= 0 || kernel_ioctl(ctx->fd, KABI_IOMMU_OPTION, &cmd) || cmd.val64 > INT_MAX)
		return mode;
	atomic_store(&ctx->rlimit_mode, (int)cmd.val64);
	return (int)cmd.val64;
}

/*
 * What the kernel compares with RLIMIT_MEMLOCK in @mode, into @buf. Per
 * user, the pages pinned by all of the user's processes (user->locked_vm);
 * per process, the process's locked memory (mm->locked_vm, VmLck), which
 * mlock()ed memory is part of, as for VFIO type1.
 */
static const char *memlock_counter(int mode, char *buf, size_t len)
{
	long long pinned = proc_status_bytes("VmPin"), locked = proc_status_bytes("VmLck");
	unsigned long long pin_kib = pinned < 0 ? 0 : (unsigned long long)pinned / 1024;
	unsigned long long lck_kib = locked < 0 ? 0 : (unsigned long long)locked / 1024;

	if (mode == IOMMUFD_RLIMIT_PER_PROCESS)
		snprintf(buf, len, "in the per-process rlimit mode the counter is this process's"
			 " locked memory, %llu KiB, mlock()ed memory included, as for VFIO type1",
			 lck_kib);
	else if (mode == IOMMUFD_RLIMIT_PER_USER)
		snprintf(buf, len, "in the default per-user rlimit mode the counter is the pages"
			 " all of the user's processes pinned; this process has %llu KiB pinned",
			 pin_kib);
	else
		snprintf(buf, len, "this process has %llu KiB pinned and %llu KiB locked; the"
			 " counter is the user's pinned pages (per-user rlimit mode) or this"
			 " process's locked memory (per-process)", pin_kib, lck_kib);
	return buf;
}

/*
 * The kernel charges pinned pages against RLIMIT_MEMLOCK only when the
 * thread that mapped them lacked CAP_IPC_LOCK (iommufd decides at map time),
 * and never past an unlimited limit. In those cases an ENOMEM is the kernel
 * running out of memory, and raising the limit would not help.
 */
const char *iommufd_explain_memlock(struct iommufd_ctx *ctx, char *buf, size_t len)
{
	long long pinned = proc_status_bytes("VmPin");
	unsigned long long kib = pinned < 0 ? 0 : (unsigned long long)pinned / 1024;
	const char *exempt = NULL;
	struct rlimit rl;
	char limit[32], counter[200];
	bool known = !getrlimit(RLIMIT_MEMLOCK, &rl);

	if (holds_cap_ipc_lock())
		exempt = "this thread holds CAP_IPC_LOCK, which exempts the pages it maps";
	else if (known && rl.rlim_cur == RLIM_INFINITY)
		exempt = "the limit is unlimited";
	if (exempt) {
		snprintf(buf, len, "the kernel ran out of memory for the pinned pages or the"
			 " IOMMU page tables (this process has %llu KiB pinned), not RLIMIT_MEMLOCK:"
			 " %s", kib, exempt);
		return buf;
	}
	if (known)
		snprintf(limit, sizeof(limit), "%llu KiB", (unsigned long long)rl.rlim_cur / 1024);
	else
		snprintf(limit, sizeof(limit), "unknown");
	snprintf(buf, len, "pinning the pages would exceed RLIMIT_MEMLOCK (%s; %s): raise the"
		 " limit (ulimit -l, systemd LimitMEMLOCK=) or map with CAP_IPC_LOCK", limit,
		 memlock_counter(ctx_rlimit_mode(ctx), counter, sizeof(counter)));
	return buf;
}

/* ---- context ----------------------------------------------------------- */

static void ctx_free(struct iommufd_ctx *ctx)
{
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
}

static int ctx_setup(const struct iommufd_ctx_opts *opts, const char *call,
		     struct iommufd_ctx **ret_ctx)
{
	struct iommufd_ctx *ctx;
	const char *env;
	int prio;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return log_oom(NULL, call, sizeof(*ctx), "the context");
	atomic_init(&ctx->refcount, 1);
	ctx->fd = -1;
	ctx->log_priority = LOG_ERR;
	atomic_init(&ctx->rlimit_mode, -1);
	pthread_mutex_init(&ctx->lock, NULL);

	env = secure_getenv("LIBIOMMUFD_LOG");
	if (env && (prio = parse_priority(env)) >= 0) {
		ctx->log_fn = log_to_stderr;
		ctx->log_priority = prio;
	}
	if (OPTS_GET(opts, log_fn, NULL)) {
		ctx->log_fn = opts->log_fn;
		ctx->log_userdata = OPTS_GET(opts, log_userdata, NULL);
	}
	prio = OPTS_GET(opts, log_priority, 0);
	if (prio > 0)
		ctx->log_priority = prio;
	*ret_ctx = ctx;
	return 0;
}

/*
 * Sets up a context (so errors in the options can be logged), or fails;
 * @call names the public call for log lines.
 */
static int ctx_new_checked(const struct iommufd_ctx_opts *opts, const char *call,
			   struct iommufd_ctx **ret_ctx)
{
	struct iommufd_ctx *ctx;
	int prio, rc;

	if (opts && opts->sz < sizeof(size_t))
		return bad_args(NULL, "opts && opts->sz < sizeof(size_t)");
	rc = ctx_setup(opts, call, &ctx);
	if (rc)
		return rc;
	rc = iommufd_opts_check(ctx, opts, sizeof(*opts), call);
	prio = OPTS_GET(opts, log_priority, 0);
	if (!rc && (prio < 0 || prio > LOG_DEBUG)) {
		log_err(ctx, "ctx_new: log priority %d is not a syslog priority", prio);
		rc = -EINVAL;
	}
	if (rc) {
		ctx_free(ctx);
		return rc;
	}
	*ret_ctx = ctx;
	return 0;
}

static void explain_open_error(struct iommufd_ctx *ctx, const char *path, int rc)
{
	const char *why = "";

	if (rc == -ENOENT)
		why = strcmp(path, DEFAULT_IOMMU_PATH) ?
			": no such node" :
			": the running kernel has no iommufd (built without CONFIG_IOMMUFD), or /dev is not populated";
	else if (rc == -EACCES || rc == -EPERM)
		why = ": permission denied (the node is usually mode 0660: run as root or join its group)";
	else if (rc == -ENXIO || rc == -ENODEV)
		why = ": the node exists but no driver serves it";
	log_err(ctx, "open %s: %s%s", path, iommufd_errname(rc), why);
}

IOMMUFD_EXPORT int iommufd_ctx_new(const struct iommufd_ctx_opts *opts,
				   struct iommufd_ctx **ret_ctx)
{
	struct iommufd_ctx *ctx;
	const char *path;
	int rc;

	if (!ret_ctx)
		return bad_args(NULL, "!ret_ctx");
	rc = ctx_new_checked(opts, "ctx_new", &ctx);
	if (rc)
		return rc;
	path = OPTS_GET(opts, path, NULL);
	if (!path)
		path = DEFAULT_IOMMU_PATH;
	ctx->fd = open(path, O_RDWR | O_CLOEXEC);
	if (ctx->fd < 0) {
		rc = -errno;
		explain_open_error(ctx, path, rc);
		ctx_free(ctx);
		return rc;
	}
	ctx->owns_fd = true;
	/* What the kernel gives every new iommufd. */
	atomic_store(&ctx->rlimit_mode, IOMMUFD_RLIMIT_PER_USER);
	log_dbg(ctx, "opened %s as fd %d", path, ctx->fd);
	*ret_ctx = ctx;
	return 0;
}

/*
 * Is @fd an open iommufd? Only an iommufd answers IOMMU_DESTROY of ID 0 (an
 * ID it never hands out) with ENOENT; other files say ENOTTY or the like.
 */
static int check_iommufd(struct iommufd_ctx *ctx, int fd)
{
	struct kabi_destroy cmd = { .size = sizeof(cmd), .id = 0 };
	int rc;

	if (fcntl(fd, F_GETFD) < 0) {
		log_err(ctx, "ctx_new_from_fd: fd %d: EBADF: not an open file descriptor", fd);
		return -EBADF;
	}
	rc = kernel_ioctl(fd, KABI_IOMMU_DESTROY, &cmd);
	if (rc == -ENOENT)
		return 0;
	log_err(ctx, "ctx_new_from_fd: fd %d is not an iommufd: IOMMU_DESTROY of ID 0 gave %s,"
		" where an iommufd says ENOENT (pass an fd of /dev/iommu)", fd,
		rc ? iommufd_errname(rc) : "success");
	return -ENOTTY;
}

IOMMUFD_EXPORT int iommufd_ctx_new_from_fd(int fd, uint32_t adopt,
					   const struct iommufd_ctx_opts *opts,
					   struct iommufd_ctx **ret_ctx)
{
	struct iommufd_ctx *ctx;
	int rc;

	if (!ret_ctx || fd < 0 || (adopt != IOMMUFD_ADOPT_BORROW && adopt != IOMMUFD_ADOPT_OWN)) {
		iommufd_fail(NULL, LOG_ERR, __FILE__, __LINE__, __func__,
			     "ctx_new_from_fd: fd %d, adopt %u, ret_ctx %p: invalid argument",
			     fd, adopt, (void *)ret_ctx);
		/* Ownership was handed over, as on every other failure: no leak. */
		if (adopt == IOMMUFD_ADOPT_OWN && fd >= 0)
			close(fd);
		return -EINVAL;
	}
	rc = ctx_new_checked(opts, "ctx_new_from_fd", &ctx);
	if (!rc && OPTS_GET(opts, path, NULL)) {
		log_err(ctx, "ctx_new_from_fd: a path makes no sense with an fd to adopt");
		ctx_free(ctx);
		rc = -EINVAL;
	}
	if (!rc) {
		rc = check_iommufd(ctx, fd);
		if (rc)
			ctx_free(ctx);
	}
	if (rc) {
		if (adopt == IOMMUFD_ADOPT_OWN && rc != -EBADF)
			close(fd);	/* ownership was handed over: do not leak it */
		return rc;
	}
	ctx->fd = fd;
	ctx->owns_fd = adopt == IOMMUFD_ADOPT_OWN;
	log_dbg(ctx, "adopted iommufd fd %d (%s)", fd,
		ctx->owns_fd ? "closed by the context" : "the caller keeps ownership");
	*ret_ctx = ctx;
	return 0;
}

IOMMUFD_EXPORT struct iommufd_ctx *iommufd_ctx_ref(struct iommufd_ctx *ctx)
{
	if (ctx)
		atomic_fetch_add(&ctx->refcount, 1);
	return ctx;
}

IOMMUFD_EXPORT struct iommufd_ctx *iommufd_ctx_unref(struct iommufd_ctx *ctx)
{
	if (!ctx || atomic_fetch_sub(&ctx->refcount, 1) != 1)
		return NULL;
	drop_deferred(ctx);
	if (ctx->owns_fd)
		close(ctx->fd);
	ctx_free(ctx);
	return NULL;
}

IOMMUFD_EXPORT int iommufd_ctx_hand_over(struct iommufd_ctx *ctx)
{
	if (!ctx)
		return bad_args(NULL, "!ctx");
	atomic_store(&ctx->handed_over, true);
	log_dbg(ctx, "context handed over: from now on nothing is destroyed or detached");
	return 0;
}

IOMMUFD_EXPORT int iommufd_ctx_get_fd(const struct iommufd_ctx *ctx)
{
	return ctx ? ctx->fd : -EINVAL;
}

IOMMUFD_EXPORT int iommufd_ctx_set_log_fn(struct iommufd_ctx *ctx,
					  iommufd_log_fn fn, void *userdata)
{
	if (!ctx)
		return bad_args(NULL, "!ctx");
	ctx->log_fn = fn;
	ctx->log_userdata = userdata;
	return 0;
}

IOMMUFD_EXPORT int iommufd_ctx_set_log_priority(struct iommufd_ctx *ctx,
						int priority)
{
	if (!ctx || priority < LOG_EMERG || priority > LOG_DEBUG)
		return bad_args(ctx, "!ctx || priority < LOG_EMERG || priority > LOG_DEBUG");
	ctx->log_priority = priority;
	return 0;
}

IOMMUFD_EXPORT int iommufd_ctx_get_log_priority(const struct iommufd_ctx *ctx)
{
	return ctx ? ctx->log_priority : -EINVAL;
}

/* ---- kernel options and the VFIO compat IOAS ---------------------------- */

int iommufd_option(struct iommufd_ctx *ctx, uint32_t option_id, uint16_t op,
		   uint32_t object_id, uint64_t *val, const char *what)
{
	struct kabi_option cmd = {
		.size = sizeof(cmd),
		.option_id = option_id,
		.op = op,
		.object_id = object_id,
		.val64 = op == KABI_OPTION_OP_SET ? *val : 0,
	};
	int rc = kernel_ioctl(ctx->fd, KABI_IOMMU_OPTION, &cmd);

	if (rc) {
		bool set = op == KABI_OPTION_OP_SET;

		log_cmd_err(ctx, set && option_id == KABI_OPTION_HUGE_PAGES ?
			    KCMD_OPTION_HUGE_PAGES_SET : KCMD_OPTION, rc, NULL,
			    "OPTION %s %s on object %u", what, set ? "SET" : "GET", object_id);
		return rc;
	}
	if (op == KABI_OPTION_OP_GET)
		*val = cmd.val64;
	return 0;
}

int iommufd_vfio_ioas(struct iommufd_ctx *ctx, uint16_t op, uint32_t ioas_id,
		      uint32_t *ret_id)
{
	static const char *const names[] = { "GET", "SET", "CLEAR" };
	struct kabi_vfio_ioas cmd = { .size = sizeof(cmd), .ioas_id = ioas_id, .op = op };
	int rc = kernel_ioctl(ctx->fd, KABI_IOMMU_VFIO_IOAS, &cmd);

	if ((rc == -ENODEV || rc == -ENOENT) && op == KABI_VFIO_IOAS_GET) {
		/* "None set" is an answer, not a failure of the library or kernel. */
		log_expected(ctx, "VFIO_IOAS GET IOAS 0: %s: no compat IOAS is set",
			     iommufd_errname(rc));
		return rc;
	}
	if (rc) {
		log_err(ctx, "VFIO_IOAS %s IOAS %u: %s", names[op], ioas_id, iommufd_errname(rc));
		return rc;
	}
	if (ret_id)
		*ret_id = cmd.ioas_id;
	return 0;
}

IOMMUFD_EXPORT int iommufd_ctx_set_rlimit_mode(struct iommufd_ctx *ctx, uint32_t mode)
{
	uint64_t val = mode;
	int rc;

	if (!ctx)
		return bad_args(NULL, "!ctx");
	if (mode > IOMMUFD_RLIMIT_PER_PROCESS) {
		log_err(ctx, "OPTION RLIMIT_MODE SET: mode %u is neither IOMMUFD_RLIMIT_PER_USER"
			" nor IOMMUFD_RLIMIT_PER_PROCESS", mode);
		return -EINVAL;
	}
	rc = iommufd_option(ctx, KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_SET, 0, &val,
			    "RLIMIT_MODE");
	if (!rc)
		atomic_store(&ctx->rlimit_mode, (int)mode);
	return rc;
}

IOMMUFD_EXPORT int iommufd_ctx_get_rlimit_mode(struct iommufd_ctx *ctx,
					       uint32_t *ret_mode)
{
	uint64_t val = 0;
	int rc;

	if (!ctx || !ret_mode)
		return bad_args(ctx, "!ctx || !ret_mode");
	rc = iommufd_option(ctx, KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_GET, 0, &val,
			    "RLIMIT_MODE");
	if (!rc) {
		*ret_mode = (uint32_t)val;
		if (val <= INT_MAX)
			atomic_store(&ctx->rlimit_mode, (int)val);
	}
	return rc;
}

IOMMUFD_EXPORT int iommufd_ctx_change_process(struct iommufd_ctx *ctx)
{
	struct kabi_ioas_change_process cmd = { .size = sizeof(cmd) };
	int rc;

	if (!ctx)
		return bad_args(NULL, "!ctx");
	rc = kernel_ioctl(ctx->fd, KABI_IOMMU_IOAS_CHANGE_PROCESS, &cmd);
	/*
	 * VMMs call it on an empty context to learn whether live update can
	 * move accounting (QEMU does at every connect): ENOTTY is that answer.
	 */
	if (rc == -ENOTTY)
		log_expected(ctx, "IOAS_CHANGE_PROCESS: ENOTTY: the kernel cannot move accounting"
			     " (before 6.14)");
	else if (rc)
		log_cmd_err(ctx, KCMD_CHANGE_PROCESS, rc, NULL, "IOAS_CHANGE_PROCESS");
	return rc;
}

IOMMUFD_EXPORT int iommufd_ctx_get_vfio_compat_ioas(struct iommufd_ctx *ctx,
						    uint32_t *ret_ioas_id)
{
	if (!ctx || !ret_ioas_id)
		return bad_args(ctx, "!ctx || !ret_ioas_id");
	return iommufd_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, 0, ret_ioas_id);
}

IOMMUFD_EXPORT int iommufd_ctx_set_vfio_compat_ioas(struct iommufd_ctx *ctx,
						    struct iommufd_ioas *ioas)
{
	if (!ctx || !ioas)
		return bad_args(ctx ? ctx : ioas ? ioas->pt.ctx : NULL, "!ctx || !ioas");
	if (ioas->pt.ctx != ctx) {
		log_err(ctx, "VFIO_IOAS SET IOAS %u: the IOAS belongs to another context",
			ioas->pt.id);
		return -EINVAL;
	}
	return iommufd_vfio_ioas(ctx, KABI_VFIO_IOAS_SET, ioas->pt.id, NULL);
}

IOMMUFD_EXPORT int iommufd_ctx_clear_vfio_compat_ioas(struct iommufd_ctx *ctx)
{
	if (!ctx)
		return bad_args(NULL, "!ctx");
	return iommufd_vfio_ioas(ctx, KABI_VFIO_IOAS_CLEAR, 0, NULL);
}
