// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for the readers of the kernel's queue records: fault
 * groups (iommufd_fault_queue_read) and vEVENTs with their sequence and
 * lost-event accounting (iommufd_veventq_read). The fuzzer's bytes are what
 * "the kernel" writes into the queue fd: a socketpair stands in for it, and
 * the allocating ioctls are answered here (-Wl,--wrap=ioctl, below).
 *
 * Checked beyond ASan/UBSan: a fault read returns at most the records
 * asked for, each converted field by field from its raw record (compared
 * with a conversion written here); a vEVENT read delivers events of the
 * type's record size, whose data lie inside the bytes written, no more
 * events than whole records fit, and a count that matches the callbacks.
 *
 * Built and run by scripts/fuzz.sh.
 * fuzz.sh: ldflags: -Wl,--wrap=ioctl
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "private.h"

/* The fd the next queue allocation hands out (a socket's read end). */
static int next_queue_fd = -1;

int __wrap_ioctl(int fd, unsigned long request, ...);

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	(void)fd;
	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	switch (request) {
	case KABI_IOMMU_FAULT_QUEUE_ALLOC:
		((struct kabi_fault_alloc *)arg)->out_fault_id = 11;
		((struct kabi_fault_alloc *)arg)->out_fault_fd = (uint32_t)next_queue_fd;
		return 0;
	case KABI_IOMMU_VEVENTQ_ALLOC:
		((struct kabi_veventq_alloc *)arg)->out_veventq_id = 12;
		((struct kabi_veventq_alloc *)arg)->out_veventq_fd = (uint32_t)next_queue_fd;
		return 0;
	case KABI_IOMMU_DESTROY:
		return 0;
	default:
		errno = ENOTTY;
		return -1;
	}
}

struct reader {
	const uint8_t *p;
	size_t left;
};

static uint32_t take(struct reader *r, size_t n)
{
	uint32_t v = 0;

	for (size_t i = 0; i < n && r->left; i++, r->left--)
		v |= (uint32_t)*r->p++ << (8 * i);
	return v;
}

/* ---- fault groups --------------------------------------------------------- */

static void check_fault(const struct iommufd_fault *f, const struct kabi_pgfault *k)
{
	uint32_t flags =
		(k->flags & KABI_PGFAULT_FLAGS_PASID_VALID ? IOMMUFD_FAULT_PASID_VALID : 0) |
		(k->flags & KABI_PGFAULT_FLAGS_LAST_PAGE ? IOMMUFD_FAULT_LAST_PAGE : 0);

	if (f->flags != flags || f->dev_id != k->dev_id || f->pasid != k->pasid ||
	    f->grpid != k->grpid || f->perm != k->perm || f->length != k->length ||
	    f->addr != k->addr || f->cookie != k->cookie)
		abort();
}

static void fuzz_faults(struct iommufd_ctx *ctx, int wfd, struct reader *r)
{
	size_t max = take(r, 1) % 8 + 1, count = 0, total = 0;
	const uint8_t *bytes = r->p;
	/* Whole records: the kernel never writes a part of one. */
	size_t len = r->left - r->left % sizeof(struct kabi_pgfault);
	struct iommufd_fault_queue *queue = NULL;
	struct iommufd_fault faults[8];

	if (iommufd_fault_queue_alloc(ctx, &queue))
		abort();
	if (len && write(wfd, bytes, len) != (ssize_t)len)
		abort();
	for (int reads = 0; reads < 64; reads++) {
		int rc = iommufd_fault_queue_read(queue, faults, max, &count);

		if (rc == -EMSGSIZE)
			break;
		if (rc)
			abort();
		if (count > max)
			abort();
		if (!count)
			break;
		for (size_t i = 0; i < count; i++) {
			struct kabi_pgfault k;

			/* Records arrive in order from where the last read stopped. */
			if ((total + i + 1) * sizeof(k) > len)
				abort();
			memcpy(&k, bytes + (total + i) * sizeof(k), sizeof(k));
			check_fault(&faults[i], &k);
		}
		(void)iommufd_fault_group_len(faults, count);
		total += count;
	}
	iommufd_fault_queue_unref(queue);
}

/* ---- vEVENTs --------------------------------------------------------------- */

struct seen {
	size_t data_len, events;
};

static void on_event(void *userdata, const struct iommufd_vevent *ev)
{
	struct seen *s = userdata;
	volatile uint8_t sum = 0;

	if (ev->data_len != s->data_len || !ev->data)
		abort();
	for (size_t i = 0; i < ev->data_len; i++)	/* ASan: inside the buffer */
		sum = (uint8_t)(sum + ((const uint8_t *)ev->data)[i]);
	(void)sum;
	s->events++;
}

static void fuzz_vevents(struct iommufd_ctx *ctx, int wfd, struct reader *r)
{
	static const struct { uint32_t type; size_t len; } types[] = {
		{ KABI_VEVENTQ_TYPE_ARM_SMMUV3, KABI_VEVENT_ARM_SMMUV3_LEN },
		{ KABI_VEVENTQ_TYPE_TEGRA241_CMDQV, KABI_VEVENT_TEGRA241_CMDQV_LEN },
		{ KABI_VEVENTQ_TYPE_SELFTEST, KABI_VEVENT_SELFTEST_LEN },
	};
	unsigned int t = take(r, 1) % 3;
	struct iommufd_viommu *viommu = NULL;
	struct iommufd_veventq *queue = NULL;
	struct seen seen = { .data_len = types[t].len };
	int chunks = (int)(take(r, 1) % 4) + 1;
	size_t written = 0;

	if (iommufd_viommu_new_from_id(ctx, 9, 1, IOMMUFD_ADOPT_BORROW, &viommu) ||
	    iommufd_veventq_alloc(viommu, types[t].type, 16, &queue))
		abort();
	/* Written in a few pieces, read after each: sequences carry over. */
	for (int c = 0; c < chunks; c++) {
		size_t len = c == chunks - 1 ? r->left : r->left / (size_t)(chunks - c);
		size_t count = 0, before = seen.events;
		uint32_t lost = 0;
		int rc;

		if (len && write(wfd, r->p, len) != (ssize_t)len)
			abort();
		r->p += len;
		r->left -= len;
		written += len;
		rc = iommufd_veventq_read(queue, on_event, &seen, &count, &lost);
		if (rc && rc != -EIO)
			abort();
		if (!rc && count != seen.events - before)
			abort();
		/* Each event took its header and record from the bytes written. */
		if (seen.events * (sizeof(struct kabi_vevent_header) + seen.data_len) > written)
			abort();
		if (rc == -EIO) {	/* a cut record: drain what is left, as a caller would */
			char drain[4096];

			while (read(iommufd_veventq_get_fd(queue), drain, sizeof(drain)) > 0)
				;
		}
	}
	iommufd_veventq_unref(queue);
	iommufd_viommu_unref(viommu);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/dev/null");
	struct reader r = { data, size };
	struct iommufd_ctx *ctx = NULL;
	int sv[2];

	if (size > 64 * 1024)
		return 0;	/* more than a socket buffer holds unread */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv))
		abort();
	fcntl(sv[0], F_SETFL, O_NONBLOCK);
	next_queue_fd = sv[0];	/* the queue handle owns and closes it */
	if (iommufd_ctx_new(&opts, &ctx))
		abort();
	if (take(&r, 1) & 1)
		fuzz_faults(ctx, sv[1], &r);
	else
		fuzz_vevents(ctx, sv[1], &r);
	iommufd_ctx_unref(ctx);
	close(sv[1]);
	return 0;
}
