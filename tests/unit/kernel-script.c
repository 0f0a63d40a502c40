// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The scripted kernel of the unit tests: see kernel-script.h.
 *
 * Everything here lives in static arrays, so a test that fails half-way
 * (cmocka longjmps out of it) leaves nothing allocated behind.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <syslog.h>
#include <unistd.h>

#include "kernel-script.h"

#define SCRIPT_MAX 64
#define LOG_MAX 64
#define LOG_LINE_MAX 1024

static struct {
	struct ks_entry entries[SCRIPT_MAX];
	unsigned int head, tail;	/* next to serve, next free */
	int iommufd, devfd;		/* what typed entries expect */
	int last_fd;
	const char *at_file;
	int at_line;
	unsigned int group, groups;	/* the open unordered group, 0: none */
	int (*route)(int fd, unsigned long request, void *arg);
} script = { .iommufd = -1, .devfd = -1, .last_fd = -1 };

static struct {
	char lines[LOG_MAX][LOG_LINE_MAX];
	unsigned int count;
} captured;

static const char *request_name(unsigned long request)
{
	static const struct { unsigned long request; const char *name; } names[] = {
		{ KABI_IOMMU_DESTROY, "IOMMU_DESTROY" },
		{ KABI_IOMMU_IOAS_ALLOC, "IOMMU_IOAS_ALLOC" },
		{ KABI_IOMMU_IOAS_ALLOW_IOVAS, "IOMMU_IOAS_ALLOW_IOVAS" },
		{ KABI_IOMMU_IOAS_COPY, "IOMMU_IOAS_COPY" },
		{ KABI_IOMMU_IOAS_IOVA_RANGES, "IOMMU_IOAS_IOVA_RANGES" },
		{ KABI_IOMMU_IOAS_MAP, "IOMMU_IOAS_MAP" },
		{ KABI_IOMMU_IOAS_UNMAP, "IOMMU_IOAS_UNMAP" },
		{ KABI_IOMMU_OPTION, "IOMMU_OPTION" },
		{ KABI_IOMMU_HWPT_ALLOC, "IOMMU_HWPT_ALLOC" },
		{ KABI_IOMMU_GET_HW_INFO, "IOMMU_GET_HW_INFO" },
		{ KABI_IOMMU_HWPT_INVALIDATE, "IOMMU_HWPT_INVALIDATE" },
		{ KABI_IOMMU_VIOMMU_ALLOC, "IOMMU_VIOMMU_ALLOC" },
		{ KABI_IOMMU_VDEVICE_ALLOC, "IOMMU_VDEVICE_ALLOC" },
		{ KABI_IOMMU_VFIO_IOAS, "IOMMU_VFIO_IOAS" },
		{ KABI_IOMMU_HWPT_SET_DIRTY_TRACKING, "IOMMU_HWPT_SET_DIRTY_TRACKING" },
		{ KABI_IOMMU_HWPT_GET_DIRTY_BITMAP, "IOMMU_HWPT_GET_DIRTY_BITMAP" },
		{ KABI_IOMMU_FAULT_QUEUE_ALLOC, "IOMMU_FAULT_QUEUE_ALLOC" },
		{ KABI_IOMMU_IOAS_MAP_FILE, "IOMMU_IOAS_MAP_FILE" },
		{ KABI_IOMMU_IOAS_CHANGE_PROCESS, "IOMMU_IOAS_CHANGE_PROCESS" },
		{ KABI_IOMMU_VEVENTQ_ALLOC, "IOMMU_VEVENTQ_ALLOC" },
		{ KABI_IOMMU_HW_QUEUE_ALLOC, "IOMMU_HW_QUEUE_ALLOC" },
		{ KABI_VFIO_DEVICE_BIND_IOMMUFD, "VFIO_DEVICE_BIND_IOMMUFD" },
		{ KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT, "VFIO_DEVICE_ATTACH_IOMMUFD_PT" },
		{ KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT, "VFIO_DEVICE_DETACH_IOMMUFD_PT" },
		{ KABI_IOMMU_IOAS_NOIOMMU_GET_PA, "IOMMU_IOAS_NOIOMMU_GET_PA" },
		{ KABI_VFIO_DEVICE_FEATURE, "VFIO_DEVICE_FEATURE" },
		{ KABI_VFIO_DEVICE_GET_REGION_INFO, "VFIO_DEVICE_GET_REGION_INFO" },
	};

	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].request == request)
			return names[i].name;
	return "unknown ioctl";
}

/* ---- the script -------------------------------------------------------- */

void script_reset(void)
{
	memset(script.entries, 0, sizeof(script.entries));
	script.head = script.tail = 0;
	script.iommufd = script.devfd = script.last_fd = -1;
	script.at_file = NULL;
	script.group = 0;
}

unsigned int script_pending(void)
{
	return script.tail - script.head;
}

int script_last_fd(void)
{
	return script.last_fd;
}

void script_set_iommufd(int fd)
{
	script.iommufd = fd;
}

void script_set_devfd(int fd)
{
	script.devfd = fd;
}

void script_unordered_begin(void)
{
	script.group = ++script.groups;
	if (!script.group)	/* wrapped: 0 means "ordered" */
		script.group = ++script.groups;
}

void script_unordered_end(void)
{
	script.group = 0;
}

void script_route_to(int (*fn)(int fd, unsigned long request, void *arg))
{
	script.route = fn;
}

void script_at(const char *file, int line)
{
	script.at_file = file;
	script.at_line = line;
}

void script_assert_done_at(const char *file, int line)
{
	unsigned int pending = script_pending();
	const struct ks_entry *e = &script.entries[script.head];

	script.head = script.tail = 0;
	if (pending)
		fail_msg("%s:%d: %u scripted ioctl(s) not made, the first %s scripted at %s:%d",
			 file, line, pending, request_name(e->request),
			 e->file ? e->file : "?", e->line);
}

struct ks_entry *script_expect_(unsigned long request, ks_fn check,
				ks_fn reply, int err)
{
	struct ks_entry *e;

	if (script.tail == SCRIPT_MAX)
		fail_msg("script full: more than %d ioctls scripted", SCRIPT_MAX);
	e = &script.entries[script.tail++];
	memset(e, 0, sizeof(*e));
	e->request = request;
	e->fd = -1;
	e->check = check;
	e->reply = reply;
	e->err = err;
	e->file = script.at_file;
	e->line = script.at_line;
	e->group = script.group;
	script.at_file = NULL;
	return e;
}

void ks_eq(const struct ks_entry *e, const char *what, uint64_t actual,
	   uint64_t expected)
{
	if (actual != expected)
		fail_msg("%s: %s is %llu (0x%llx), expected %llu (0x%llx) [scripted at %s:%d]",
			 request_name(e->request), what, (unsigned long long)actual,
			 (unsigned long long)actual, (unsigned long long)expected,
			 (unsigned long long)expected, e->file ? e->file : "?", e->line);
}

/* Whether the group entry @e can serve this ioctl. */
static bool group_entry_matches(const struct ks_entry *e, int fd,
				unsigned long request, const void *arg)
{
	return e->request == request && (e->fd < 0 || e->fd == fd) &&
	       (!e->match || !arg || e->match(e, arg));
}

/*
 * When the next entry opens an unordered group, moves the group's entry
 * that serves this ioctl to the head (or fails: none does).
 */
static void pick_from_group(int fd, unsigned long request, const void *arg)
{
	unsigned int group = script.entries[script.head].group;
	unsigned int i;

	if (!group)
		return;
	for (i = script.head; i < script.tail && script.entries[i].group == group; i++) {
		if (group_entry_matches(&script.entries[i], fd, request, arg)) {
			struct ks_entry tmp = script.entries[i];

			script.entries[i] = script.entries[script.head];
			script.entries[script.head] = tmp;
			return;
		}
	}
	for (i = script.head; i < script.tail && script.entries[i].group == group; i++)
		print_error("  pending in the group: %s (id/in[0] %llu) scripted at %s:%d\n",
			    request_name(script.entries[i].request),
			    (unsigned long long)script.entries[i].in[0],
			    script.entries[i].file ? script.entries[i].file : "?",
			    script.entries[i].line);
	fail_msg("ioctl %s (0x%lx) on fd %d matches no pending entry of the unordered group",
		 request_name(request), request, fd);
}

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	const struct ks_entry *e;
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);

	if (script.route)	/* first: threads may call, the script is not theirs */
		return script.route(fd, request, arg);
	script.last_fd = fd;
	if (fcntl(fd, F_GETFD) < 0)
		fail_msg("ioctl %s (0x%lx) on fd %d, which is not open",
			 request_name(request), request, fd);
	if (!script_pending())
		fail_msg("unscripted ioctl %s (0x%lx) on fd %d", request_name(request),
			 request, fd);
	pick_from_group(fd, request, arg);
	e = &script.entries[script.head++];
	if (e->request != request)
		fail_msg("ioctl %s (0x%lx) made where %s was scripted at %s:%d",
			 request_name(request), request, request_name(e->request),
			 e->file ? e->file : "?", e->line);
	if (e->fd >= 0)
		KS_EQ(e, "fd", fd, e->fd);
	if (!arg)
		fail_msg("%s with a NULL argument", request_name(request));
	if (e->check)
		e->check(e, arg);
	if (e->reply)
		e->reply(e, arg);
	if (e->err) {
		errno = e->err;
		return -1;
	}
	return e->ret;
}

/* ---- typed entries ----------------------------------------------------- */

static struct ks_entry *iommufd_entry(unsigned long request, ks_fn check,
				      ks_fn reply, int err)
{
	struct ks_entry *e = script_expect_(request, check, reply, err);

	e->fd = script.iommufd;
	return e;
}

static struct ks_entry *vfio_entry(unsigned long request, ks_fn check,
				   ks_fn reply, int err)
{
	struct ks_entry *e = script_expect_(request, check, reply, err);

	e->fd = script.devfd;
	return e;
}

static void check_destroy(const struct ks_entry *e, void *arg)
{
	const struct kabi_destroy *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "id", cmd->id, e->in[0]);
}

/* In an unordered group, a DESTROY is served by the entry of its ID. */
static bool match_destroy(const struct ks_entry *e, const void *arg)
{
	const struct kabi_destroy *cmd = arg;

	return cmd->id == e->in[0];
}

struct ks_entry *expect_destroy_(uint32_t id, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_DESTROY, check_destroy, NULL, err);

	e->in[0] = id;
	e->match = match_destroy;
	return e;
}

static void check_ioas_alloc(const struct ks_entry *e, void *arg)
{
	const struct kabi_ioas_alloc *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, 0);
}

static void reply_ioas_alloc(const struct ks_entry *e, void *arg)
{
	struct kabi_ioas_alloc *cmd = arg;

	if (!e->err)
		cmd->out_ioas_id = (uint32_t)e->out[0];
}

struct ks_entry *expect_ioas_alloc_(uint32_t out_id, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_IOAS_ALLOC, check_ioas_alloc,
					   reply_ioas_alloc, err);

	e->out[0] = out_id;
	return e;
}

static void check_ioas_map(const struct ks_entry *e, void *arg)
{
	const struct kabi_ioas_map *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "ioas_id", cmd->ioas_id, e->in[0]);
	KS_EQ(e, "flags", cmd->flags, e->in[1]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
	KS_EQ(e, "user_va", cmd->user_va, e->in[2]);
	KS_EQ(e, "length", cmd->length, e->in[3]);
	KS_EQ(e, "iova", cmd->iova, e->in[4]);
}

static void reply_ioas_map(const struct ks_entry *e, void *arg)
{
	struct kabi_ioas_map *cmd = arg;

	if (!e->err)
		cmd->iova = e->out[0];
}

struct ks_entry *expect_ioas_map_(uint32_t ioas_id, uint32_t flags,
				  const void *va, uint64_t length,
				  uint64_t iova, uint64_t out_iova, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_IOAS_MAP, check_ioas_map,
					   reply_ioas_map, err);

	e->in[0] = ioas_id;
	e->in[1] = flags;
	e->in[2] = (uintptr_t)va;
	e->in[3] = length;
	e->in[4] = iova;
	e->out[0] = out_iova;
	return e;
}

static void check_ioas_unmap(const struct ks_entry *e, void *arg)
{
	const struct kabi_ioas_unmap *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "ioas_id", cmd->ioas_id, e->in[0]);
	KS_EQ(e, "iova", cmd->iova, e->in[1]);
	KS_EQ(e, "length", cmd->length, e->in[2]);
}

static void reply_ioas_unmap(const struct ks_entry *e, void *arg)
{
	struct kabi_ioas_unmap *cmd = arg;

	if (!e->err)
		cmd->length = e->out[0];
}

struct ks_entry *expect_ioas_unmap_(uint32_t ioas_id, uint64_t iova,
				    uint64_t length, uint64_t out_length, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_IOAS_UNMAP, check_ioas_unmap,
					   reply_ioas_unmap, err);

	e->in[0] = ioas_id;
	e->in[1] = iova;
	e->in[2] = length;
	e->out[0] = out_length;
	return e;
}

static void check_iova_ranges(const struct ks_entry *e, void *arg)
{
	const struct kabi_ioas_iova_ranges *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "ioas_id", cmd->ioas_id, e->in[0]);
	KS_EQ(e, "num_iovas", cmd->num_iovas, e->in[1]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
	KS_EQ(e, "allowed_iovas is NULL", cmd->allowed_iovas == 0, e->in[1] == 0);
}

static void reply_iova_ranges(const struct ks_entry *e, void *arg)
{
	struct kabi_ioas_iova_ranges *cmd = arg;
	uint32_t count = (uint32_t)e->out[0];

	if (!e->err) {
		if (count > cmd->num_iovas)
			fail_msg("script error: %u ranges do not fit in %u", count,
				 cmd->num_iovas);
		if (count)
			memcpy((void *)(uintptr_t)cmd->allowed_iovas, e->data,
			       count * sizeof(struct kabi_iova_range));
		cmd->out_iova_alignment = e->out[1];
	}
	if (!e->err || e->err == EMSGSIZE)
		cmd->num_iovas = count;
}

struct ks_entry *expect_iova_ranges_(uint32_t ioas_id, uint32_t room,
				     const struct kabi_iova_range *ranges,
				     uint32_t count, uint64_t alignment, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_IOAS_IOVA_RANGES,
					   check_iova_ranges, reply_iova_ranges, err);

	e->in[0] = ioas_id;
	e->in[1] = room;
	e->out[0] = count;
	e->out[1] = alignment;
	e->data = ranges;
	return e;
}

static void check_hwpt_alloc(const struct ks_entry *e, void *arg)
{
	const struct kabi_hwpt_alloc *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, e->in[0]);
	KS_EQ(e, "dev_id", cmd->dev_id, e->in[1]);
	KS_EQ(e, "pt_id", cmd->pt_id, e->in[2]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
	KS_EQ(e, "data_type", cmd->data_type, e->in[3]);
	KS_EQ(e, "data_len", cmd->data_len, e->in[4]);
	KS_EQ(e, "data_uptr", cmd->data_uptr, e->in[5]);
	KS_EQ(e, "fault_id", cmd->fault_id, 0);
	KS_EQ(e, "reserved2", cmd->reserved2, 0);
}

static void reply_hwpt_alloc(const struct ks_entry *e, void *arg)
{
	struct kabi_hwpt_alloc *cmd = arg;

	if (!e->err)
		cmd->out_hwpt_id = (uint32_t)e->out[0];
}

struct ks_entry *expect_hwpt_alloc_data_(uint32_t flags, uint32_t dev_id,
					 uint32_t pt_id, uint32_t data_type,
					 const void *data, uint32_t data_len,
					 uint32_t out_id, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_HWPT_ALLOC, check_hwpt_alloc,
					   reply_hwpt_alloc, err);

	e->in[0] = flags;
	e->in[1] = dev_id;
	e->in[2] = pt_id;
	e->in[3] = data_type;
	e->in[4] = data_len;
	e->in[5] = (uintptr_t)data;
	e->out[0] = out_id;
	return e;
}

struct ks_entry *expect_hwpt_alloc_(uint32_t flags, uint32_t dev_id,
				    uint32_t pt_id, uint32_t out_id, int err)
{
	return expect_hwpt_alloc_data_(flags, dev_id, pt_id, 0, NULL, 0, out_id, err);
}

static void check_hw_info(const struct ks_entry *e, void *arg)
{
	const struct kabi_hw_info *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, 0);
	KS_EQ(e, "dev_id", cmd->dev_id, e->in[0]);
	KS_EQ(e, "data_uptr", cmd->data_uptr, e->in[1]);
	KS_EQ(e, "data_len", cmd->data_len, e->in[2]);
}

static void reply_hw_info(const struct ks_entry *e, void *arg)
{
	const struct kabi_hw_info *out = e->data;
	struct kabi_hw_info *cmd = arg;

	if (e->err || !out)
		return;
	cmd->data_len = out->data_len;
	cmd->out_data_type = out->out_data_type;
	cmd->out_max_pasid_log2 = out->out_max_pasid_log2;
	cmd->out_capabilities = out->out_capabilities;
}

struct ks_entry *expect_hw_info_(uint32_t dev_id, const void *data,
				 uint32_t data_len,
				 const struct kabi_hw_info *reply, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_GET_HW_INFO, check_hw_info,
					   reply_hw_info, err);

	e->in[0] = dev_id;
	e->in[1] = (uintptr_t)data;
	e->in[2] = data_len;
	e->data = reply;
	return e;
}

static void check_hw_info_type(const struct ks_entry *e, void *arg)
{
	const struct kabi_hw_info *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, KABI_HW_INFO_FLAG_INPUT_TYPE);
	KS_EQ(e, "dev_id", cmd->dev_id, e->in[0]);
	KS_EQ(e, "data_uptr", cmd->data_uptr, e->in[1]);
	KS_EQ(e, "data_len", cmd->data_len, e->in[2]);
	KS_EQ(e, "out_data_type (the type asked for)", cmd->out_data_type, e->in[3]);
	KS_EQ(e, "out_max_pasid_log2", cmd->out_max_pasid_log2, 0);
	for (size_t i = 0; i < sizeof(cmd->reserved); i++)
		KS_EQ(e, "reserved", cmd->reserved[i], 0);
	KS_EQ(e, "out_capabilities", cmd->out_capabilities, 0);
}

struct ks_entry *expect_hw_info_type_(uint32_t dev_id, uint32_t type,
				      const void *data, uint32_t data_len,
				      const struct kabi_hw_info *reply, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_GET_HW_INFO, check_hw_info_type,
					   reply_hw_info, err);

	e->in[0] = dev_id;
	e->in[1] = (uintptr_t)data;
	e->in[2] = data_len;
	e->in[3] = type;
	e->data = reply;
	return e;
}

static void check_hwpt_alloc_bytes(const struct ks_entry *e, void *arg)
{
	const struct kabi_hwpt_alloc *cmd = arg;
	const unsigned char *sent = (const void *)(uintptr_t)cmd->data_uptr;
	const unsigned char *want = e->data;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, e->in[0]);
	KS_EQ(e, "dev_id", cmd->dev_id, e->in[1]);
	KS_EQ(e, "pt_id", cmd->pt_id, e->in[2]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
	KS_EQ(e, "data_type", cmd->data_type, e->in[3]);
	KS_EQ(e, "data_len", cmd->data_len, e->in[4]);
	KS_EQ(e, "data_uptr is not NULL", sent != NULL, 1);
	for (uint32_t i = 0; i < cmd->data_len; i++) {
		char what[32];

		snprintf(what, sizeof(what), "data byte %u", i);
		KS_EQ(e, what, sent[i], want[i]);
	}
	KS_EQ(e, "fault_id", cmd->fault_id, 0);
	KS_EQ(e, "reserved2", cmd->reserved2, 0);
}

struct ks_entry *expect_hwpt_alloc_bytes_(uint32_t flags, uint32_t dev_id,
					  uint32_t pt_id, uint32_t data_type,
					  const void *bytes, uint32_t data_len,
					  uint32_t out_id, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_HWPT_ALLOC, check_hwpt_alloc_bytes,
					   reply_hwpt_alloc, err);

	e->in[0] = flags;
	e->in[1] = dev_id;
	e->in[2] = pt_id;
	e->in[3] = data_type;
	e->in[4] = data_len;
	e->data = bytes;
	e->out[0] = out_id;
	return e;
}

static void check_viommu_alloc(const struct ks_entry *e, void *arg)
{
	const struct kabi_viommu_alloc *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, 0);
	KS_EQ(e, "type", cmd->type, e->in[2]);
	KS_EQ(e, "dev_id", cmd->dev_id, e->in[0]);
	KS_EQ(e, "hwpt_id", cmd->hwpt_id, e->in[1]);
	KS_EQ(e, "data_len", cmd->data_len, e->in[4]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
	/* The library sends a private copy of the data: its bytes count. */
	if (!e->in[3]) {
		KS_EQ(e, "data_uptr", cmd->data_uptr, 0);
		return;
	}
	KS_EQ(e, "data_uptr != 0", cmd->data_uptr != 0, 1);
	KS_EQ(e, "data bytes", memcmp((const void *)(uintptr_t)cmd->data_uptr,
				      (const void *)(uintptr_t)e->in[3], e->in[4]), 0);
}

static void reply_viommu_alloc(const struct ks_entry *e, void *arg)
{
	struct kabi_viommu_alloc *cmd = arg;

	if (e->err)
		return;
	cmd->out_viommu_id = (uint32_t)e->out[0];
	if (e->data && cmd->data_uptr)
		memcpy((void *)(uintptr_t)cmd->data_uptr, e->data, cmd->data_len);
}

struct ks_entry *expect_viommu_alloc_(uint32_t dev_id, uint32_t hwpt_id,
				      uint32_t type, const void *data,
				      uint32_t data_len, uint32_t out_id, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_VIOMMU_ALLOC, check_viommu_alloc,
					   reply_viommu_alloc, err);

	e->in[0] = dev_id;
	e->in[1] = hwpt_id;
	e->in[2] = type;
	e->in[3] = (uintptr_t)data;
	e->in[4] = data_len;
	e->out[0] = out_id;
	return e;
}

struct ks_entry *expect_viommu_alloc_out_(uint32_t dev_id, uint32_t hwpt_id,
					  uint32_t type, const void *data,
					  uint32_t data_len, const void *out,
					  uint32_t out_id, int err)
{
	struct ks_entry *e = expect_viommu_alloc_(dev_id, hwpt_id, type, data, data_len,
						  out_id, err);

	e->data = out;
	return e;
}

static void check_vdevice_alloc(const struct ks_entry *e, void *arg)
{
	const struct kabi_vdevice_alloc *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "viommu_id", cmd->viommu_id, e->in[0]);
	KS_EQ(e, "dev_id", cmd->dev_id, e->in[1]);
	KS_EQ(e, "virt_id", cmd->virt_id, e->in[2]);
}

static void reply_vdevice_alloc(const struct ks_entry *e, void *arg)
{
	struct kabi_vdevice_alloc *cmd = arg;

	if (!e->err)
		cmd->out_vdevice_id = (uint32_t)e->out[0];
}

struct ks_entry *expect_vdevice_alloc_(uint32_t viommu_id, uint32_t dev_id,
				       uint64_t virt_id, uint32_t out_id, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_VDEVICE_ALLOC, check_vdevice_alloc,
					   reply_vdevice_alloc, err);

	e->in[0] = viommu_id;
	e->in[1] = dev_id;
	e->in[2] = virt_id;
	e->out[0] = out_id;
	return e;
}

static void check_hwpt_invalidate(const struct ks_entry *e, void *arg)
{
	const struct kabi_hwpt_invalidate *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "hwpt_id", cmd->hwpt_id, e->in[0]);
	KS_EQ(e, "data_uptr", cmd->data_uptr, e->in[1]);
	KS_EQ(e, "data_type", cmd->data_type, e->in[2]);
	KS_EQ(e, "entry_len", cmd->entry_len, e->in[3]);
	KS_EQ(e, "entry_num", cmd->entry_num, e->in[4]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
}

static void reply_hwpt_invalidate(const struct ks_entry *e, void *arg)
{
	struct kabi_hwpt_invalidate *cmd = arg;

	if (e->out[0] != KS_UNTOUCHED)
		cmd->entry_num = (uint32_t)e->out[0];
}

struct ks_entry *expect_hwpt_invalidate_(uint32_t id, uint32_t data_type,
					 const void *entries, uint32_t entry_len,
					 uint32_t entry_num, uint64_t out_done,
					 int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_HWPT_INVALIDATE,
					   check_hwpt_invalidate,
					   reply_hwpt_invalidate, err);

	e->in[0] = id;
	e->in[1] = (uintptr_t)entries;
	e->in[2] = data_type;
	e->in[3] = entry_len;
	e->in[4] = entry_num;
	e->out[0] = out_done;
	return e;
}

static void check_bind(const struct ks_entry *e, void *arg)
{
	const struct kabi_vfio_bind_iommufd *cmd = arg;

	KS_EQ(e, "argsz", cmd->argsz, KABI_VFIO_BIND_SIZE_V1);
	KS_EQ(e, "flags", cmd->flags, 0);
	KS_EQ(e, "iommufd", cmd->iommufd, e->in[0]);
}

static void reply_bind(const struct ks_entry *e, void *arg)
{
	struct kabi_vfio_bind_iommufd *cmd = arg;

	if (!e->err)
		cmd->out_devid = (uint32_t)e->out[0];
}

struct ks_entry *expect_bind_(int iommufd, uint32_t out_devid, int err)
{
	struct ks_entry *e = vfio_entry(KABI_VFIO_DEVICE_BIND_IOMMUFD, check_bind,
					reply_bind, err);

	e->in[0] = (uint64_t)iommufd;
	e->out[0] = out_devid;
	return e;
}

static void check_bind_token(const struct ks_entry *e, void *arg)
{
	const struct kabi_vfio_bind_iommufd *cmd = arg;

	KS_EQ(e, "argsz", cmd->argsz, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, KABI_VFIO_BIND_FLAG_TOKEN);
	KS_EQ(e, "iommufd", cmd->iommufd, e->in[0]);
	KS_EQ(e, "token_uuid_ptr", cmd->token_uuid_ptr, e->in[1]);
}

struct ks_entry *expect_bind_token_(int iommufd, const void *token, uint32_t out_devid,
				    int err)
{
	struct ks_entry *e = vfio_entry(KABI_VFIO_DEVICE_BIND_IOMMUFD, check_bind_token,
					reply_bind, err);

	e->in[0] = (uint64_t)iommufd;
	e->in[1] = (uintptr_t)token;
	e->out[0] = out_devid;
	return e;
}

static void check_attach(const struct ks_entry *e, void *arg)
{
	const struct kabi_vfio_attach_pt *cmd = arg;

	KS_EQ(e, "argsz", cmd->argsz, KABI_VFIO_ATTACH_SIZE_V1);
	KS_EQ(e, "flags", cmd->flags, 0);
	KS_EQ(e, "pt_id", cmd->pt_id, e->in[0]);
}

static void reply_attach(const struct ks_entry *e, void *arg)
{
	struct kabi_vfio_attach_pt *cmd = arg;

	if (!e->err)
		cmd->pt_id = (uint32_t)e->out[0];
}

struct ks_entry *expect_attach_(uint32_t pt_id, uint32_t out_hwpt_id, int err)
{
	struct ks_entry *e = vfio_entry(KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT,
					check_attach, reply_attach, err);

	e->in[0] = pt_id;
	e->out[0] = out_hwpt_id;
	return e;
}

static void check_detach(const struct ks_entry *e, void *arg)
{
	const struct kabi_vfio_detach_pt *cmd = arg;

	KS_EQ(e, "argsz", cmd->argsz, KABI_VFIO_DETACH_SIZE_V1);
	KS_EQ(e, "flags", cmd->flags, 0);
}

struct ks_entry *expect_detach_(int err)
{
	return vfio_entry(KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT, check_detach, NULL, err);
}

/* ---- typed entries of the later commands ------------------------------ */

static void check_destroy_closed(const struct ks_entry *e, void *arg)
{
	check_destroy(e, arg);
	if (fd_is_open((int)e->in[1]))
		fail_msg("IOMMU_DESTROY of %llu while its fd %d is still open [scripted at %s:%d]",
			 (unsigned long long)e->in[0], (int)e->in[1], e->file ? e->file : "?",
			 e->line);
}

struct ks_entry *expect_destroy_closed_(uint32_t id, int fd, int err)
{
	struct ks_entry *e = expect_destroy_(id, err);

	e->check = check_destroy_closed;
	e->in[1] = (uint64_t)fd;
	return e;
}

static void check_option(const struct ks_entry *e, void *arg)
{
	const struct kabi_option *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "option_id", cmd->option_id, e->in[0]);
	KS_EQ(e, "op", cmd->op, e->in[1]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
	KS_EQ(e, "object_id", cmd->object_id, e->in[2]);
	KS_EQ(e, "val64", cmd->val64, e->in[3]);
}

static void reply_option(const struct ks_entry *e, void *arg)
{
	struct kabi_option *cmd = arg;

	if (!e->err && cmd->op == KABI_OPTION_OP_GET)
		cmd->val64 = e->out[0];
}

struct ks_entry *expect_option_(uint32_t option_id, uint16_t op, uint32_t object_id,
				uint64_t val_in, uint64_t val_out, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_OPTION, check_option, reply_option, err);

	e->in[0] = option_id;
	e->in[1] = op;
	e->in[2] = object_id;
	e->in[3] = val_in;
	e->out[0] = val_out;
	return e;
}

static void check_vfio_ioas(const struct ks_entry *e, void *arg)
{
	const struct kabi_vfio_ioas *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "op", cmd->op, e->in[0]);
	KS_EQ(e, "ioas_id", cmd->ioas_id, e->in[1]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
}

static void reply_vfio_ioas(const struct ks_entry *e, void *arg)
{
	struct kabi_vfio_ioas *cmd = arg;

	if (!e->err)
		cmd->ioas_id = (uint32_t)e->out[0];
}

struct ks_entry *expect_vfio_ioas_(uint16_t op, uint32_t ioas_id, uint32_t out_id, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_VFIO_IOAS, check_vfio_ioas,
					   reply_vfio_ioas, err);

	e->in[0] = op;
	e->in[1] = ioas_id;
	e->out[0] = out_id;
	return e;
}

static void check_change_process(const struct ks_entry *e, void *arg)
{
	const struct kabi_ioas_change_process *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "reserved", cmd->reserved, 0);
}

struct ks_entry *expect_change_process_(int err)
{
	return iommufd_entry(KABI_IOMMU_IOAS_CHANGE_PROCESS, check_change_process, NULL, err);
}

static void check_ioas_map_file(const struct ks_entry *e, void *arg)
{
	const struct kabi_ioas_map_file *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "ioas_id", cmd->ioas_id, e->in[0]);
	KS_EQ(e, "flags", cmd->flags, e->in[1]);
	KS_EQ(e, "fd", (uint64_t)(int64_t)cmd->fd, e->in[2]);
	KS_EQ(e, "start", cmd->start, e->in[3]);
	KS_EQ(e, "length", cmd->length, e->in[4]);
	KS_EQ(e, "iova", cmd->iova, e->in[5]);
}

static void reply_ioas_map_file(const struct ks_entry *e, void *arg)
{
	struct kabi_ioas_map_file *cmd = arg;

	if (!e->err)
		cmd->iova = e->out[0];
}

struct ks_entry *expect_ioas_map_file_(uint32_t ioas_id, uint32_t flags, int fd,
				       uint64_t start, uint64_t length, uint64_t iova,
				       uint64_t out_iova, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_IOAS_MAP_FILE, check_ioas_map_file,
					   reply_ioas_map_file, err);

	e->in[0] = ioas_id;
	e->in[1] = flags;
	e->in[2] = (uint64_t)(int64_t)fd;
	e->in[3] = start;
	e->in[4] = length;
	e->in[5] = iova;
	e->out[0] = out_iova;
	return e;
}

static void check_ioas_copy(const struct ks_entry *e, void *arg)
{
	const struct kabi_ioas_copy *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, e->in[0]);
	KS_EQ(e, "dst_ioas_id", cmd->dst_ioas_id, e->in[1]);
	KS_EQ(e, "src_ioas_id", cmd->src_ioas_id, e->in[2]);
	KS_EQ(e, "length", cmd->length, e->in[3]);
	KS_EQ(e, "dst_iova", cmd->dst_iova, e->in[4]);
	KS_EQ(e, "src_iova", cmd->src_iova, e->in[5]);
}

struct ks_entry *expect_ioas_copy_(uint32_t flags, uint32_t dst_ioas_id,
				   uint32_t src_ioas_id, uint64_t length,
				   uint64_t dst_iova, uint64_t src_iova, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_IOAS_COPY, check_ioas_copy, NULL, err);

	e->in[0] = flags;
	e->in[1] = dst_ioas_id;
	e->in[2] = src_ioas_id;
	e->in[3] = length;
	e->in[4] = dst_iova;
	e->in[5] = src_iova;
	return e;
}

static void check_allow_iovas(const struct ks_entry *e, void *arg)
{
	const struct kabi_ioas_allow_iovas *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "ioas_id", cmd->ioas_id, e->in[0]);
	KS_EQ(e, "num_iovas", cmd->num_iovas, e->in[2]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
	KS_EQ(e, "allowed_iovas", cmd->allowed_iovas, e->in[1]);
}

struct ks_entry *expect_allow_iovas_(uint32_t ioas_id, const void *ranges,
				     uint32_t num, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_IOAS_ALLOW_IOVAS, check_allow_iovas,
					   NULL, err);

	e->in[0] = ioas_id;
	e->in[1] = (uintptr_t)ranges;
	e->in[2] = num;
	return e;
}

static void check_set_dirty_tracking(const struct ks_entry *e, void *arg)
{
	const struct kabi_hwpt_set_dirty_tracking *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, e->in[1]);
	KS_EQ(e, "hwpt_id", cmd->hwpt_id, e->in[0]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
}

struct ks_entry *expect_set_dirty_tracking_(uint32_t hwpt_id, uint32_t flags, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_HWPT_SET_DIRTY_TRACKING,
					   check_set_dirty_tracking, NULL, err);

	e->in[0] = hwpt_id;
	e->in[1] = flags;
	return e;
}

static void check_get_dirty_bitmap(const struct ks_entry *e, void *arg)
{
	const struct kabi_hwpt_get_dirty_bitmap *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "hwpt_id", cmd->hwpt_id, e->in[0]);
	KS_EQ(e, "flags", cmd->flags, e->in[1]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
	KS_EQ(e, "iova", cmd->iova, e->in[2]);
	KS_EQ(e, "length", cmd->length, e->in[3]);
	KS_EQ(e, "page_size", cmd->page_size, e->in[4]);
	KS_EQ(e, "data", cmd->data, e->in[5]);
}

static void reply_get_dirty_bitmap(const struct ks_entry *e, void *arg)
{
	struct kabi_hwpt_get_dirty_bitmap *cmd = arg;

	uint64_t word;

	/* Byte-wise: the kernel accepts a bitmap at any alignment. */
	if (!e->err && e->out[0]) {
		memcpy(&word, (void *)(uintptr_t)cmd->data, sizeof(word));
		word |= e->out[0];
		memcpy((void *)(uintptr_t)cmd->data, &word, sizeof(word));
	}
}

struct ks_entry *expect_get_dirty_bitmap_(uint32_t hwpt_id, uint32_t flags, uint64_t iova,
					  uint64_t length, uint64_t page_size,
					  const void *data, uint64_t set_word, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_HWPT_GET_DIRTY_BITMAP,
					   check_get_dirty_bitmap, reply_get_dirty_bitmap, err);

	e->in[0] = hwpt_id;
	e->in[1] = flags;
	e->in[2] = iova;
	e->in[3] = length;
	e->in[4] = page_size;
	e->in[5] = (uintptr_t)data;
	e->out[0] = set_word;
	return e;
}

static void check_fault_alloc(const struct ks_entry *e, void *arg)
{
	const struct kabi_fault_alloc *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, 0);
}

static void reply_fault_alloc(const struct ks_entry *e, void *arg)
{
	struct kabi_fault_alloc *cmd = arg;

	if (e->err)
		return;
	cmd->out_fault_id = (uint32_t)e->out[0];
	cmd->out_fault_fd = (uint32_t)e->out[1];
}

struct ks_entry *expect_fault_alloc_(uint32_t out_id, int out_fd, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_FAULT_QUEUE_ALLOC, check_fault_alloc,
					   reply_fault_alloc, err);

	e->out[0] = out_id;
	e->out[1] = (uint32_t)out_fd;
	return e;
}

static void check_hwpt_alloc_fault(const struct ks_entry *e, void *arg)
{
	const struct kabi_hwpt_alloc *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, e->in[0]);
	KS_EQ(e, "dev_id", cmd->dev_id, e->in[1]);
	KS_EQ(e, "pt_id", cmd->pt_id, e->in[2]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
	KS_EQ(e, "data_type", cmd->data_type, 0);
	KS_EQ(e, "data_len", cmd->data_len, 0);
	KS_EQ(e, "data_uptr", cmd->data_uptr, 0);
	KS_EQ(e, "fault_id", cmd->fault_id, e->in[3]);
	KS_EQ(e, "reserved2", cmd->reserved2, 0);
}

struct ks_entry *expect_hwpt_alloc_fault_(uint32_t flags, uint32_t dev_id, uint32_t pt_id,
					  uint32_t fault_id, uint32_t out_id, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_HWPT_ALLOC, check_hwpt_alloc_fault,
					   reply_hwpt_alloc, err);

	e->in[0] = flags;
	e->in[1] = dev_id;
	e->in[2] = pt_id;
	e->in[3] = fault_id;
	e->out[0] = out_id;
	return e;
}

static void check_veventq_alloc(const struct ks_entry *e, void *arg)
{
	const struct kabi_veventq_alloc *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, 0);
	KS_EQ(e, "viommu_id", cmd->viommu_id, e->in[0]);
	KS_EQ(e, "type", cmd->type, e->in[1]);
	KS_EQ(e, "veventq_depth", cmd->veventq_depth, e->in[2]);
	KS_EQ(e, "reserved", cmd->reserved, 0);
}

static void reply_veventq_alloc(const struct ks_entry *e, void *arg)
{
	struct kabi_veventq_alloc *cmd = arg;

	if (e->err)
		return;
	cmd->out_veventq_id = (uint32_t)e->out[0];
	cmd->out_veventq_fd = (uint32_t)e->out[1];
}

struct ks_entry *expect_veventq_alloc_(uint32_t viommu_id, uint32_t type, uint32_t depth,
				       uint32_t out_id, int out_fd, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_VEVENTQ_ALLOC, check_veventq_alloc,
					   reply_veventq_alloc, err);

	e->in[0] = viommu_id;
	e->in[1] = type;
	e->in[2] = depth;
	e->out[0] = out_id;
	e->out[1] = (uint32_t)out_fd;
	return e;
}

static void check_hw_queue_alloc(const struct ks_entry *e, void *arg)
{
	const struct kabi_hw_queue_alloc *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, 0);
	KS_EQ(e, "viommu_id", cmd->viommu_id, e->in[0]);
	KS_EQ(e, "type", cmd->type, e->in[1]);
	KS_EQ(e, "index", cmd->index, e->in[2]);
	KS_EQ(e, "nesting_parent_iova", cmd->nesting_parent_iova, e->in[3]);
	KS_EQ(e, "length", cmd->length, e->in[4]);
}

static void reply_hw_queue_alloc(const struct ks_entry *e, void *arg)
{
	struct kabi_hw_queue_alloc *cmd = arg;

	if (!e->err)
		cmd->out_hw_queue_id = (uint32_t)e->out[0];
}

struct ks_entry *expect_hw_queue_alloc_(uint32_t viommu_id, uint32_t type, uint32_t index,
					uint64_t iova, uint64_t length, uint32_t out_id,
					int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_HW_QUEUE_ALLOC, check_hw_queue_alloc,
					   reply_hw_queue_alloc, err);

	e->in[0] = viommu_id;
	e->in[1] = type;
	e->in[2] = index;
	e->in[3] = iova;
	e->in[4] = length;
	e->out[0] = out_id;
	return e;
}

static void check_attach_pasid(const struct ks_entry *e, void *arg)
{
	const struct kabi_vfio_attach_pt *cmd = arg;

	KS_EQ(e, "argsz", cmd->argsz, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, KABI_VFIO_DEVICE_PASID);
	KS_EQ(e, "pt_id", cmd->pt_id, e->in[0]);
	KS_EQ(e, "pasid", cmd->pasid, e->in[1]);
}

struct ks_entry *expect_attach_pasid_(uint32_t pt_id, uint32_t pasid, int err)
{
	struct ks_entry *e = vfio_entry(KABI_VFIO_DEVICE_ATTACH_IOMMUFD_PT,
					check_attach_pasid, reply_attach, err);

	e->in[0] = pt_id;
	e->in[1] = pasid;
	e->out[0] = pt_id;
	return e;
}

static void check_detach_pasid(const struct ks_entry *e, void *arg)
{
	const struct kabi_vfio_detach_pt *cmd = arg;

	KS_EQ(e, "argsz", cmd->argsz, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, KABI_VFIO_DEVICE_PASID);
	KS_EQ(e, "pasid", cmd->pasid, e->in[0]);
}

/* In an unordered group, a PASID DETACH is served by the entry of its PASID. */
static bool match_detach_pasid(const struct ks_entry *e, const void *arg)
{
	const struct kabi_vfio_detach_pt *cmd = arg;

	return cmd->argsz >= sizeof(*cmd) && cmd->pasid == e->in[0];
}

struct ks_entry *expect_detach_pasid_(uint32_t pasid, int err)
{
	struct ks_entry *e = vfio_entry(KABI_VFIO_DEVICE_DETACH_IOMMUFD_PT,
					check_detach_pasid, NULL, err);

	e->in[0] = pasid;
	e->match = match_detach_pasid;
	return e;
}

#define PROBE_ZERO_BYTES 64

static void check_probe_cmd(const struct ks_entry *e, void *arg)
{
	const unsigned char *bytes = arg;

	KS_EQ(e, "size", *(const uint32_t *)arg, 0);
	for (size_t i = 0; i < PROBE_ZERO_BYTES; i++) {
		char what[32];

		snprintf(what, sizeof(what), "argument byte %zu", i);
		KS_EQ(e, what, bytes[i], 0);
	}
}

struct ks_entry *expect_probe_cmd_(unsigned long request, int err)
{
	return iommufd_entry(request, check_probe_cmd, NULL, err);
}

static void check_hw_info_fill(const struct ks_entry *e, void *arg)
{
	const struct kabi_hw_info *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, 0);
	KS_EQ(e, "dev_id", cmd->dev_id, e->in[0]);
	KS_EQ(e, "data_len (room)", cmd->data_len, e->in[1]);
	KS_EQ(e, "data_uptr is not NULL", cmd->data_uptr != 0, 1);
}

static void reply_hw_info_fill(const struct ks_entry *e, void *arg)
{
	const struct kabi_hw_info *out = e->data;
	struct kabi_hw_info *cmd = arg;
	uint32_t len = (uint32_t)e->out[0];

	if (e->err)
		return;
	if (len)
		memcpy((void *)(uintptr_t)cmd->data_uptr, (const void *)(uintptr_t)e->in[2],
		       len < cmd->data_len ? len : cmd->data_len);
	cmd->data_len = len;
	if (out) {
		cmd->out_data_type = out->out_data_type;
		cmd->out_max_pasid_log2 = out->out_max_pasid_log2;
		cmd->out_capabilities = out->out_capabilities;
	}
}

struct ks_entry *expect_hw_info_fill_(uint32_t dev_id, uint32_t room,
				      const struct kabi_hw_info *reply,
				      const void *rec, uint32_t rec_len, int err)
{
	struct ks_entry *e = iommufd_entry(KABI_IOMMU_GET_HW_INFO, check_hw_info_fill,
					   reply_hw_info_fill, err);

	e->in[0] = dev_id;
	e->in[1] = room;
	e->in[2] = (uintptr_t)rec;
	e->out[0] = rec_len;
	e->data = reply;
	return e;
}

/* ---- allocations ------------------------------------------------------- */

static atomic_ulong allocs;
static atomic_ulong fail_nth, since_armed;
static atomic_bool fail_hit;

void *__real_malloc(size_t size);
void *__real_calloc(size_t nmemb, size_t size);
void *__real_realloc(void *ptr, size_t size);

/* Counts an allocation; whether it is the one to fail. */
static bool alloc_counted(void)
{
	unsigned long n = atomic_load(&fail_nth);

	atomic_fetch_add(&allocs, 1);
	if (!n || atomic_fetch_add(&since_armed, 1) + 1 != n)
		return false;
	atomic_store(&fail_hit, true);
	return true;
}

void *__wrap_malloc(size_t size)
{
	if (alloc_counted()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_malloc(size);
}

void *__wrap_calloc(size_t nmemb, size_t size)
{
	if (alloc_counted()) {
		errno = ENOMEM;
		return NULL;
	}
	return __real_calloc(nmemb, size);
}

void *__wrap_realloc(void *ptr, size_t size)
{
	if (alloc_counted()) {
		errno = ENOMEM;
		return NULL;	/* @ptr stays allocated, as realloc(3) leaves it */
	}
	return __real_realloc(ptr, size);
}

unsigned long alloc_count(void)
{
	return atomic_load(&allocs);
}

void alloc_fail_nth(unsigned long n)
{
	atomic_store(&fail_nth, 0);
	if (!n)
		return;		/* disarmed: alloc_fail_hit() still tells */
	atomic_store(&since_armed, 0);
	atomic_store(&fail_hit, false);
	atomic_store(&fail_nth, n);
}

bool alloc_fail_hit(void)
{
	return atomic_load(&fail_hit);
}

bool alloc_point(void)
{
	return alloc_counted();
}

/* ---- host facts ------------------------------------------------------- */

static struct {
	bool cap_ipc_lock, child_ns, ns_unreadable;
	rlim_t memlock;
	unsigned int capgets;
} host = { .memlock = 8u << 20 };

static void host_reset(void)
{
	memset(&host, 0, sizeof(host));
	host.memlock = 8u << 20;
}

void host_set_cap_ipc_lock(bool held)
{
	host.cap_ipc_lock = held;
}

void host_set_user_ns_initial(bool initial)
{
	host.child_ns = !initial;
}

void host_set_user_ns_readable(bool readable)
{
	host.ns_unreadable = !readable;
}

void host_set_memlock(rlim_t soft)
{
	host.memlock = soft;
}

unsigned int host_capget_count(void)
{
	return host.capgets;
}

/* capget(2) as the kernel answers it: version 3, the calling thread, 2 words per set. */
static long host_capget(struct kabi_cap_header *hdr, struct kabi_cap_data *data)
{
	assert_int_equal(hdr->version, KABI_CAPABILITY_VERSION_3);
	assert_int_equal(hdr->pid, 0);
	host.capgets++;
	memset(data, 0, 2 * sizeof(*data));
	if (host.cap_ipc_lock)
		data[KABI_CAP_IPC_LOCK / 32].effective = 1u << (KABI_CAP_IPC_LOCK % 32);
	/* Permitted but not effective does not count: a test would show it. */
	data[KABI_CAP_IPC_LOCK / 32].permitted = 1u << (KABI_CAP_IPC_LOCK % 32);
	return 0;
}

long __wrap_syscall(long nr, ...)
{
	struct kabi_cap_header *hdr;
	struct kabi_cap_data *data;
	va_list ap;

	if (nr != SYS_capget)
		fail_msg("unscripted syscall(%ld)", nr);
	va_start(ap, nr);
	hdr = va_arg(ap, struct kabi_cap_header *);
	data = va_arg(ap, struct kabi_cap_data *);
	va_end(ap);
	return host_capget(hdr, data);
}

ssize_t __real_readlink(const char *path, char *buf, size_t len);

ssize_t __wrap_readlink(const char *path, char *buf, size_t len)
{
	/* 4026531837 is the initial namespace's inode, 4026532000 some other one. */
	const char *ns = host.child_ns ? "user:[4026532000]" : "user:[4026531837]";

	if (strcmp(path, "/proc/self/ns/user"))
		return __real_readlink(path, buf, len);
	if (host.ns_unreadable) {
		errno = ENOENT;
		return -1;
	}
	len = len < strlen(ns) ? len : strlen(ns);
	memcpy(buf, ns, len);	/* readlink(2) adds no NUL */
	return (ssize_t)len;
}

int __real_getrlimit(int resource, struct rlimit *rl);

int __wrap_getrlimit(int resource, struct rlimit *rl)
{
	if (resource != RLIMIT_MEMLOCK)
		return __real_getrlimit(resource, rl);
	rl->rlim_cur = host.memlock;
	rl->rlim_max = RLIM_INFINITY;
	return 0;
}

/* ---- captured log ------------------------------------------------------ */

void log_capture(void *userdata, int priority, const char *file, int line,
		 const char *fn, const char *format, va_list args)
{
	char *buf;
	int n;

	(void)userdata;
	(void)file;
	(void)line;
	if (captured.count == LOG_MAX) {	/* keep the latest lines */
		memmove(captured.lines[0], captured.lines[1],
			sizeof(captured.lines) - sizeof(captured.lines[0]));
		captured.count--;
	}
	buf = captured.lines[captured.count++];
	n = snprintf(buf, LOG_LINE_MAX, "<%d> %s: ", priority, fn);
	vsnprintf(buf + n, LOG_LINE_MAX - (size_t)n, format, args);
}

void log_reset(void)
{
	captured.count = 0;
}

unsigned int log_count(void)
{
	return captured.count;
}

const char *log_line(unsigned int i)
{
	return i < captured.count ? captured.lines[i] : NULL;
}

static bool line_has_all(const char *text, const char *word, va_list ap)
{
	for (; word; word = va_arg(ap, const char *))
		if (!strstr(text, word))
			return false;
	return true;
}

static bool log_has_v(const char *word, va_list ap)
{
	for (unsigned int i = 0; i < captured.count; i++) {
		va_list copy;
		bool found;

		va_copy(copy, ap);
		found = line_has_all(captured.lines[i], word, copy);
		va_end(copy);
		if (found)
			return true;
	}
	return false;
}

bool log_has_(const char *word, ...)
{
	va_list ap;
	bool found;

	va_start(ap, word);
	found = log_has_v(word, ap);
	va_end(ap);
	return found;
}

void assert_logged_at(const char *file, int line, const char *word, ...)
{
	va_list ap;
	bool found;

	va_start(ap, word);
	found = log_has_v(word, ap);
	va_end(ap);
	if (found)
		return;
	print_error("%u captured log line(s):\n", captured.count);
	for (unsigned int i = 0; i < captured.count; i++)
		print_error("  %s\n", captured.lines[i]);
	fail_msg("%s:%d: no log line contains \"%s\" (and the other words given)",
		 file, line, word);
}

/* ---- fixtures ---------------------------------------------------------- */

int ks_setup(void **state)
{
	(void)state;
	script_reset();
	log_reset();
	host_reset();
	return 0;
}

int ks_teardown(void **state)
{
	(void)state;
	script_assert_done();
	return 0;
}

struct iommufd_ctx *test_ctx_new(void)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/dev/null",
			.log_fn = log_capture, .log_priority = LOG_DEBUG);
	struct iommufd_ctx *ctx = NULL;

	assert_int_equal(iommufd_ctx_new(&opts, &ctx), 0);
	assert_non_null(ctx);
	script_set_iommufd(iommufd_ctx_get_fd(ctx));
	return ctx;
}

struct iommufd_ioas *test_ioas_new(struct iommufd_ctx *ctx, uint32_t id)
{
	struct iommufd_ioas *ioas = NULL;

	expect_ioas_alloc(id, 0);
	assert_int_equal(iommufd_ioas_alloc(ctx, &ioas), 0);
	assert_int_equal(iommufd_ioas_get_id(ioas), id);
	return ioas;
}

struct iommufd_device *test_device_new(struct iommufd_ctx *ctx, uint32_t dev_id)
{
	return test_device_new_path(ctx, dev_id, "/dev/null");
}

struct iommufd_device *test_device_new_path(struct iommufd_ctx *ctx, uint32_t dev_id,
					    const char *path)
{
	struct iommufd_device *dev = NULL;

	script_set_devfd(-1);
	expect_bind(iommufd_ctx_get_fd(ctx), dev_id, 0);
	assert_int_equal(iommufd_device_bind_path(ctx, path, &dev), 0);
	assert_int_equal(iommufd_device_get_id(dev), dev_id);
	assert_int_equal(iommufd_device_get_fd(dev), script_last_fd());
	script_set_devfd(iommufd_device_get_fd(dev));
	return dev;
}

const char *test_file_new(const char *name, char *buf, size_t len)
{
	char dir[] = "/tmp/libiommufd-test-XXXXXX";
	int fd;

	assert_non_null(mkdtemp(dir));
	assert_true((size_t)snprintf(buf, len, "%s/%s", dir, name) < len);
	fd = open(buf, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	return buf;
}

void test_file_remove(const char *path)
{
	char dir[PATH_MAX];

	assert_int_equal(unlink(path), 0);
	snprintf(dir, sizeof(dir), "%s", path);
	*strrchr(dir, '/') = '\0';
	assert_int_equal(rmdir(dir), 0);
}

void test_attach(struct iommufd_device *dev, struct iommufd_pt *pt,
		 uint32_t pt_id, uint32_t hwpt_id)
{
	expect_attach(pt_id, hwpt_id, 0);
	assert_int_equal(iommufd_device_attach(dev, pt), 0);
}

void test_env_new(struct test_env *env, uint32_t ioas_id, uint32_t dev_id)
{
	env->ctx = test_ctx_new();
	env->ioas = test_ioas_new(env->ctx, ioas_id);
	env->dev = test_device_new(env->ctx, dev_id);
	script_assert_done();
	log_reset();
}

void test_env_free(struct test_env *env)
{
	if (env->ctx)
		script_set_iommufd(iommufd_ctx_get_fd(env->ctx));
	if (env->dev)
		script_set_devfd(iommufd_device_get_fd(env->dev));
	if (env->dev && iommufd_device_get_pt(env->dev))
		expect_detach(0);
	env->dev = iommufd_device_unref(env->dev);
	script_assert_done();
	if (env->ioas)
		expect_destroy(iommufd_ioas_get_id(env->ioas), 0);
	env->ioas = iommufd_ioas_unref(env->ioas);
	script_assert_done();
	env->ctx = iommufd_ctx_unref(env->ctx);
}

struct iommufd_pt *test_env_pt(struct test_env *env)
{
	return iommufd_ioas_as_pt(env->ioas);
}

struct iommufd_hwpt *test_env_kernel_hwpt(struct test_env *env, uint32_t hwpt_id)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .fallback = IOMMUFD_HWPT_FALLBACK_ATTACH);
	uint32_t dev_id = iommufd_device_get_id(env->dev);
	uint32_t ioas_id = iommufd_ioas_get_id(env->ioas);
	struct iommufd_hwpt *hwpt = NULL;

	script_set_devfd(iommufd_device_get_fd(env->dev));
	expect_hwpt_alloc(0, dev_id, ioas_id, 0, EOPNOTSUPP);
	expect_attach(ioas_id, hwpt_id, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(env), env->dev, &opts, &hwpt), 0);
	assert_true(iommufd_hwpt_is_kernel_allocated(hwpt));
	assert_int_equal(iommufd_hwpt_get_id(hwpt), hwpt_id);
	return hwpt;
}

/*
 * The IOMMUFD_HWPT_* flags that HWPT_ALLOC sends as @kabi_flags, stated here
 * and not taken from hwpt.c, so the tests check the library's mapping.
 */
static uint32_t hwpt_flags_of_kabi(uint32_t kabi_flags)
{
	uint32_t flags = 0;

	if (kabi_flags & KABI_HWPT_ALLOC_NEST_PARENT)
		flags |= IOMMUFD_HWPT_NEST_PARENT;
	if (kabi_flags & KABI_HWPT_ALLOC_DIRTY_TRACKING)
		flags |= IOMMUFD_HWPT_DIRTY_TRACKING;
	if (kabi_flags & KABI_HWPT_ALLOC_PASID)
		flags |= IOMMUFD_HWPT_PASID;
	return flags;
}

struct iommufd_hwpt *test_env_hwpt(struct test_env *env, uint32_t kabi_flags, uint32_t hwpt_id)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = hwpt_flags_of_kabi(kabi_flags));
	struct iommufd_hwpt *hwpt = NULL;

	assert_int_equal(kabi_flags & ~(KABI_HWPT_ALLOC_NEST_PARENT |
					KABI_HWPT_ALLOC_DIRTY_TRACKING | KABI_HWPT_ALLOC_PASID), 0);
	script_set_iommufd(iommufd_ctx_get_fd(env->ctx));
	expect_hwpt_alloc(kabi_flags, iommufd_device_get_id(env->dev),
			  iommufd_ioas_get_id(env->ioas), hwpt_id, 0);
	assert_int_equal(iommufd_hwpt_alloc(test_env_pt(env), env->dev, &opts, &hwpt), 0);
	assert_int_equal(iommufd_hwpt_get_id(hwpt), hwpt_id);
	return hwpt;
}

int test_env_setup(void **state)
{
	static struct test_env env;

	ks_setup(state);
	test_env_new(&env, TEST_ENV_IOAS_ID, TEST_ENV_DEV_ID);
	*state = &env;
	return 0;
}

int test_env_teardown(void **state)
{
	script_assert_done();
	test_env_free(*state);
	return ks_teardown(state);
}

bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0 || errno != EBADF;
}

int count_open_fds(void)
{
	DIR *dir = opendir("/proc/self/fd");
	struct dirent *d;
	int n = 0;

	assert_non_null(dir);
	while ((d = readdir(dir)))
		if (d->d_name[0] != '.')
			n++;
	closedir(dir);
	return n - 1;	/* the directory's own fd */
}
