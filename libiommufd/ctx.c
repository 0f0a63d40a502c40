// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The context: one open iommufd, its log settings and its reference count.
 * Also the helpers every object file shares (logging, options, destroy).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
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

const char *iommufd_errname(int err)
{
	const char *name = strerrorname_np(err < 0 ? -err : err);

	return name ? name : "unknown errno";
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

/* ---- objects ----------------------------------------------------------- */

void iommufd_destroy_id(struct iommufd_ctx *ctx, uint32_t id, const char *what)
{
	struct kabi_destroy cmd = { .size = sizeof(cmd), .id = id };
	int rc = kernel_ioctl(ctx->fd, KABI_IOMMU_DESTROY, &cmd);

	if (rc)
		log_err(ctx, "DESTROY %s %u: %s", what, id, iommufd_errname(rc));
}

/* ---- context ----------------------------------------------------------- */

static int ctx_setup(const struct iommufd_ctx_opts *opts,
		     struct iommufd_ctx **ret_ctx)
{
	struct iommufd_ctx *ctx;
	const char *env;
	int prio;

	ctx = calloc(1, sizeof(*ctx));
	if (!ctx)
		return -ENOMEM;
	atomic_init(&ctx->refcount, 1);
	ctx->fd = -1;
	ctx->log_priority = LOG_ERR;

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

/* Sets up a context (so errors in the options can be logged), or fails. */
static int ctx_new_checked(const struct iommufd_ctx_opts *opts,
			   struct iommufd_ctx **ret_ctx)
{
	struct iommufd_ctx *ctx;
	int prio, rc;

	if (opts && opts->sz < sizeof(size_t))
		return -EINVAL;
	rc = ctx_setup(opts, &ctx);
	if (rc)
		return rc;
	rc = iommufd_opts_check(ctx, opts, sizeof(*opts), "ctx_new");
	prio = OPTS_GET(opts, log_priority, 0);
	if (!rc && (prio < 0 || prio > LOG_DEBUG)) {
		log_err(ctx, "ctx_new: log priority %d is not a syslog priority", prio);
		rc = -EINVAL;
	}
	if (rc) {
		free(ctx);
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
		return -EINVAL;
	rc = ctx_new_checked(opts, &ctx);
	if (rc)
		return rc;
	path = OPTS_GET(opts, path, NULL);
	if (!path)
		path = DEFAULT_IOMMU_PATH;
	ctx->fd = open(path, O_RDWR | O_CLOEXEC);
	if (ctx->fd < 0) {
		rc = -errno;
		explain_open_error(ctx, path, rc);
		free(ctx);
		return rc;
	}
	ctx->owns_fd = true;
	log_dbg(ctx, "opened %s as fd %d", path, ctx->fd);
	*ret_ctx = ctx;
	return 0;
}

IOMMUFD_EXPORT int iommufd_ctx_new_from_fd(int fd,
					   const struct iommufd_ctx_opts *opts,
					   struct iommufd_ctx **ret_ctx)
{
	struct iommufd_ctx *ctx;
	int rc;

	if (!ret_ctx || fd < 0)
		return -EINVAL;
	rc = ctx_new_checked(opts, &ctx);
	if (rc)
		return rc;
	if (OPTS_GET(opts, path, NULL)) {
		log_err(ctx, "ctx_new_from_fd: a path makes no sense with an fd to adopt");
		free(ctx);
		return -EINVAL;
	}
	ctx->fd = fd;
	ctx->owns_fd = false;
	log_dbg(ctx, "adopted iommufd fd %d (the caller keeps ownership)", fd);
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
	if (ctx->owns_fd)
		close(ctx->fd);
	free(ctx);
	return NULL;
}

IOMMUFD_EXPORT int iommufd_ctx_get_fd(const struct iommufd_ctx *ctx)
{
	return ctx ? ctx->fd : -EINVAL;
}

IOMMUFD_EXPORT int iommufd_ctx_set_log_fn(struct iommufd_ctx *ctx,
					  iommufd_log_fn fn, void *userdata)
{
	if (!ctx)
		return -EINVAL;
	ctx->log_fn = fn;
	ctx->log_userdata = userdata;
	return 0;
}

IOMMUFD_EXPORT int iommufd_ctx_set_log_priority(struct iommufd_ctx *ctx,
						int priority)
{
	if (!ctx || priority < LOG_EMERG || priority > LOG_DEBUG)
		return -EINVAL;
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
		log_err(ctx, "OPTION %s %s on object %u: %s%s", what,
			op == KABI_OPTION_OP_SET ? "SET" : "GET", object_id,
			iommufd_errname(rc),
			rc == -EPERM ? ": needs CAP_SYS_RESOURCE" :
			rc == -EBUSY ? ": cannot change once the context has objects" :
			rc == -EINVAL && option_id == KABI_OPTION_HUGE_PAGES && op == KABI_OPTION_OP_SET ?
			": cannot change while a device is attached and pages are mapped" : "");
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

	if (rc) {
		log_err(ctx, "VFIO_IOAS %s IOAS %u: %s%s", names[op], ioas_id,
			iommufd_errname(rc),
			(rc == -ENODEV || rc == -ENOENT) && op == KABI_VFIO_IOAS_GET ?
			": no compat IOAS is set" : "");
		return rc;
	}
	if (ret_id)
		*ret_id = cmd.ioas_id;
	return 0;
}

IOMMUFD_EXPORT int iommufd_ctx_set_rlimit_mode(struct iommufd_ctx *ctx, uint32_t mode)
{
	uint64_t val = mode;

	if (!ctx || mode > IOMMUFD_RLIMIT_PER_PROCESS)
		return -EINVAL;
	return iommufd_option(ctx, KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_SET, 0, &val,
			      "RLIMIT_MODE");
}

IOMMUFD_EXPORT int iommufd_ctx_get_rlimit_mode(struct iommufd_ctx *ctx,
					       uint32_t *ret_mode)
{
	uint64_t val = 0;
	int rc;

	if (!ctx || !ret_mode)
		return -EINVAL;
	rc = iommufd_option(ctx, KABI_OPTION_RLIMIT_MODE, KABI_OPTION_OP_GET, 0, &val,
			    "RLIMIT_MODE");
	if (!rc)
		*ret_mode = (uint32_t)val;
	return rc;
}

IOMMUFD_EXPORT int iommufd_ctx_change_process(struct iommufd_ctx *ctx)
{
	struct kabi_ioas_change_process cmd = { .size = sizeof(cmd) };
	int rc;

	if (!ctx)
		return -EINVAL;
	rc = kernel_ioctl(ctx->fd, KABI_IOMMU_IOAS_CHANGE_PROCESS, &cmd);
	if (rc)
		log_err(ctx, "IOAS_CHANGE_PROCESS: %s%s", iommufd_errname(rc),
			rc == -EINVAL ? ": a mapping was made from a user address, not a file" :
			rc == -ENOTTY ? ": the kernel cannot move accounting (before 6.14)" : "");
	return rc;
}

IOMMUFD_EXPORT int iommufd_ctx_get_vfio_compat_ioas(struct iommufd_ctx *ctx,
						    uint32_t *ret_ioas_id)
{
	if (!ctx || !ret_ioas_id)
		return -EINVAL;
	return iommufd_vfio_ioas(ctx, KABI_VFIO_IOAS_GET, 0, ret_ioas_id);
}

IOMMUFD_EXPORT int iommufd_ctx_clear_vfio_compat(struct iommufd_ctx *ctx)
{
	if (!ctx)
		return -EINVAL;
	return iommufd_vfio_ioas(ctx, KABI_VFIO_IOAS_CLEAR, 0, NULL);
}
