// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The queues: I/O page fault queues (alloc, read, group length, respond,
 * and a HWPT's fault_queue option), vIOMMU event queues (alloc, read with
 * lost-event accounting) and HW queues.
 *
 * A queue's fd comes from the kernel's reply to its ALLOC ioctl. Here the
 * reply hands the library one end of a socketpair(AF_UNIX, SOCK_SEQPACKET),
 * so its fd is real: the library closes it, and a test sees whether it did.
 *
 * What the library reads from and writes to that fd comes two ways:
 *  - "the kernel's queue" (kq below): this program is linked with
 *    --wrap=read,--wrap=write,--wrap=poll, and for the one fd a test hands
 *    to kq_attach() those calls are served by a model of the kernel's
 *    file operations (drivers/iommu/iommufd/eventq.c): read() copies whole
 *    fault groups / whole vEVENT records that fit in the count asked for,
 *    keeps the rest queued, and returns 0 when nothing is queued or when
 *    the first group does not fit (a socket cannot do that: it truncates a
 *    message, or blocks); a fault read of a count that is not a multiple of
 *    the record size fails with ESPIPE; poll() says POLLIN while anything
 *    is queued; write() records what the library wrote. Scripted errnos
 *    and short writes come from there too.
 *  - a real socket, for every other fd: the "real fd" tests write records
 *    into the peer end and read the responses from it, so the library's
 *    read(2), write(2) and poll(2) run for real.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "kernel-script.h"

#define DEV_ID 2
#define IOAS_ID 3
#define PARENT_ID 5
#define HWPT_ID 6
#define VIOMMU_ID 8
#define FAULT_ID 20
#define VEVENTQ_ID 21
#define HW_QUEUE_ID 22
#define OTHER_IOAS_ID 13
#define OTHER_FAULT_ID 30

#define REC sizeof(struct kabi_pgfault)
#define HDR sizeof(struct kabi_vevent_header)

/* ==== the kernel's queue ================================================== */

#define KQ_ITEMS 256
#define KQ_POOL 32768
#define KQ_WRITTEN 256

enum kq_kind { KQ_FAULT = 1, KQ_VEVENT };

/*
 * One queue: its items are fault groups or vEVENT records (a LOST_EVENTS
 * header is one 8-byte record), each handed out whole or not at all. An
 * item of length 0 ends a read() there, as if the rest arrived later.
 */
static struct {
	int fd;				/* -1: no fd is served by the model */
	enum kq_kind kind;
	struct { size_t off, len; } items[KQ_ITEMS];
	unsigned int head, tail;
	unsigned char pool[KQ_POOL];
	size_t pool_used;
	int read_errno;			/* the next read fails with it */
	unsigned int reads;		/* read() calls on the fd */
	size_t last_count;		/* the count of the last read() */
	int write_errno;		/* the next write fails with it */
	ssize_t write_ret;		/* >= 0: the next write returns this */
	unsigned int writes;
	unsigned char written[KQ_WRITTEN];
	size_t written_len;
} kq = { .fd = -1, .write_ret = -1 };

ssize_t __real_read(int fd, void *buf, size_t count);
ssize_t __real_write(int fd, const void *buf, size_t count);
int __real_poll(struct pollfd *fds, nfds_t nfds, int timeout);
ssize_t __wrap_read(int fd, void *buf, size_t count);
ssize_t __wrap_write(int fd, const void *buf, size_t count);
int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout);

static void kq_reset(void)
{
	memset(&kq, 0, sizeof(kq));
	kq.fd = -1;
	kq.write_ret = -1;
}

/* From now on read/write/poll of @fd are the kernel's queue of @kind. */
static void kq_attach(int fd, enum kq_kind kind)
{
	kq_reset();
	kq.fd = fd;
	kq.kind = kind;
}

static void kq_push(const void *bytes, size_t len)
{
	if (kq.tail == KQ_ITEMS || kq.pool_used + len > KQ_POOL)
		fail_msg("kq: queue full");
	memcpy(kq.pool + kq.pool_used, bytes, len);
	kq.items[kq.tail].off = kq.pool_used;
	kq.items[kq.tail].len = len;
	kq.tail++;
	kq.pool_used += len;
}

static unsigned int kq_pending(void)
{
	unsigned int n = 0;

	for (unsigned int i = kq.head; i < kq.tail; i++)
		n += kq.items[i].len != 0;
	return n;
}

ssize_t __wrap_read(int fd, void *buf, size_t count)
{
	size_t done = 0;

	if (kq.fd < 0 || fd != kq.fd)
		return __real_read(fd, buf, count);
	kq.reads++;
	kq.last_count = count;
	if (kq.read_errno) {
		errno = kq.read_errno;
		kq.read_errno = 0;
		return -1;
	}
	if (kq.kind == KQ_FAULT && count % REC) {
		errno = ESPIPE;
		return -1;
	}
	while (kq.head < kq.tail) {
		size_t len = kq.items[kq.head].len;

		if (!len) {			/* the end of this read */
			if (done || kq.head + 1 == kq.tail) {
				kq.head++;
				break;
			}
			kq.head++;
			continue;
		}
		if (done >= count || len > count - done)
			break;			/* stays queued, whole */
		memcpy((char *)buf + done, kq.pool + kq.items[kq.head].off, len);
		done += len;
		kq.head++;
	}
	return (ssize_t)done;
}

ssize_t __wrap_write(int fd, const void *buf, size_t count)
{
	if (kq.fd < 0 || fd != kq.fd)
		return __real_write(fd, buf, count);
	kq.writes++;
	if (kq.write_errno) {
		errno = kq.write_errno;
		kq.write_errno = 0;
		return -1;
	}
	if (kq.kind != KQ_FAULT || count % sizeof(struct kabi_page_response)) {
		errno = kq.kind != KQ_FAULT ? EINVAL : ESPIPE;
		return -1;
	}
	if (kq.written_len + count > KQ_WRITTEN)
		fail_msg("kq: too much written");
	memcpy(kq.written + kq.written_len, buf, count);
	kq.written_len += count;
	if (kq.write_ret >= 0) {
		ssize_t n = kq.write_ret;

		kq.write_ret = -1;
		return n;
	}
	return (ssize_t)count;
}

int __wrap_poll(struct pollfd *fds, nfds_t nfds, int timeout)
{
	int ready = 0;

	if (kq.fd < 0 || nfds != 1 || fds[0].fd != kq.fd)
		return __real_poll(fds, nfds, timeout);
	fds[0].revents = (short)((kq_pending() ? POLLIN | POLLRDNORM : 0) |
				 (kq.kind == KQ_FAULT ? POLLOUT : 0));
	fds[0].revents &= (short)(fds[0].events | POLLERR | POLLHUP);
	ready = fds[0].revents != 0;
	return ready;
}

/* ==== fixture ============================================================= */

struct fixture {
	TEST_ENV;
	struct iommufd_hwpt *parent;	/* NEST_PARENT on the IOAS */
	struct iommufd_viommu *viommu;
	int peer;			/* the test's end of the queue's socketpair */
};

/* A socketpair: returns the library's end, keeps the test's in f->peer. */
static int queue_fd_new(struct fixture *f)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(f->peer, -1);
	f->peer = sv[1];
	return sv[0];
}

static void peer_close(struct fixture *f)
{
	if (f->peer >= 0)
		close(f->peer);
	f->peer = -1;
}

static int setup(void **state)
{
	static struct fixture f;

	ks_setup(state);
	kq_reset();
	f.peer = -1;
	test_env_new(&f.env, IOAS_ID, DEV_ID);
	f.parent = test_env_hwpt(&f.env, KABI_HWPT_ALLOC_NEST_PARENT, PARENT_ID);
	f.viommu = NULL;
	expect_viommu_alloc(DEV_ID, PARENT_ID, IOMMUFD_VIOMMU_ARM_SMMUV3, NULL, 0, VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(f.parent, f.dev, IOMMUFD_VIOMMU_ARM_SMMUV3, NULL,
					      &f.viommu), 0);
	script_assert_done();
	log_reset();
	*state = &f;
	return 0;
}

/* A test that leaked a reference leaves a scripted DESTROY unmade. */
static int teardown(void **state)
{
	struct fixture *f = *state;

	script_assert_done();
	kq_reset();
	peer_close(f);
	if (f->viommu)
		expect_destroy(VIOMMU_ID, 0);
	f->viommu = iommufd_viommu_unref(f->viommu);
	if (f->parent)
		expect_destroy(PARENT_ID, 0);
	f->parent = iommufd_hwpt_unref(f->parent);
	test_env_free(&f->env);
	return ks_teardown(state);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static const int kernel_errnos[] = {
	ENOTTY, EOPNOTSUPP, EINVAL, EBUSY, ENOMEM, ENOENT, EFAULT, E2BIG, EIO, EEXIST, EMFILE,
};
#define N_ERRNOS (sizeof(kernel_errnos) / sizeof(kernel_errnos[0]))

/* ==== fault queue: lifetime =============================================== */

static struct iommufd_fault_queue *fault_queue_new(struct fixture *f, uint32_t id, int *ret_fd)
{
	struct iommufd_fault_queue *queue = NULL;
	int fd = queue_fd_new(f);

	expect_fault_alloc(id, fd, 0);
	assert_int_equal(iommufd_fault_queue_alloc(f->ctx, &queue), 0);
	assert_non_null(queue);
	assert_int_equal(iommufd_fault_queue_get_id(queue), id);
	assert_int_equal(iommufd_fault_queue_get_fd(queue), fd);
	script_assert_done();
	if (ret_fd)
		*ret_fd = fd;
	return queue;
}

/* The last unref: the fd is closed before the object is destroyed. */
static void fault_queue_free(struct iommufd_fault_queue *queue)
{
	int fd = iommufd_fault_queue_get_fd(queue);

	expect_destroy_closed(iommufd_fault_queue_get_id(queue), fd, 0);
	assert_null(iommufd_fault_queue_unref(queue));
	script_assert_done();
	assert_false(fd_is_open(fd));
}

static void fault_queue_alloc_returns_the_kernels_id_and_fd(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);

	assert_true(fd_is_open(fd));
	fault_queue_free(queue);
}

static void fault_queue_unref_closes_its_fd_before_destroy(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);

	assert_ptr_equal(iommufd_fault_queue_ref(queue), queue);
	assert_null(iommufd_fault_queue_unref(queue));	/* not the last: nothing */
	script_assert_done();
	assert_true(fd_is_open(fd));
	fault_queue_free(queue);
	/* Even when the kernel refuses the DESTROY, the fd is gone. */
	peer_close(f);
	queue = fault_queue_new(f, FAULT_ID + 1, &fd);
	expect_destroy_closed(FAULT_ID + 1, fd, ENOENT);
	assert_null(iommufd_fault_queue_unref(queue));
	assert_logged("<3>", "DESTROY fault queue 21", "ENOENT");
	assert_false(fd_is_open(fd));
	/* EBUSY: deferred, never forgotten: the next retry destroys it. */
	peer_close(f);
	queue = fault_queue_new(f, FAULT_ID + 2, &fd);
	expect_destroy_closed(FAULT_ID + 2, fd, EBUSY);
	assert_null(iommufd_fault_queue_unref(queue));
	assert_logged("<6>", "DESTROY fault queue 22", "EBUSY", "retried");
	assert_false(fd_is_open(fd));
	expect_destroy(FAULT_ID + 2, 0);
	assert_int_equal(iommufd_ctx_retry_destroys(f->ctx, NULL), 0);
}

static void fault_queue_holds_its_context(void **state)
{
	struct fixture *f = *state;
	struct iommufd_ctx *ctx = test_ctx_new();
	struct iommufd_fault_queue *queue = NULL;
	int fd = queue_fd_new(f);

	expect_fault_alloc(FAULT_ID, fd, 0);
	assert_int_equal(iommufd_fault_queue_alloc(ctx, &queue), 0);
	iommufd_ctx_unref(ctx);
	/* The scripted kernel fails an ioctl on a closed fd: the ctx is alive. */
	expect_destroy_closed(FAULT_ID, fd, 0);
	iommufd_fault_queue_unref(queue);
	script_set_iommufd(iommufd_ctx_get_fd(f->ctx));
}

static void fault_queue_alloc_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;
	int fds = count_open_fds();

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];
		struct iommufd_fault_queue *queue = (void *)0x1;

		log_reset();
		expect_fault_alloc(FAULT_ID, 99, err);
		assert_int_equal(iommufd_fault_queue_alloc(f->ctx, &queue), -err);
		assert_ptr_equal(queue, (void *)0x1);
		assert_logged("FAULT_QUEUE_ALLOC", strerrorname_np(err));
	}
	assert_int_equal(count_open_fds(), fds);
	log_reset();
	expect_fault_alloc(0, 0, ENOTTY);
	assert_int_equal(iommufd_fault_queue_alloc(f->ctx, &(struct iommufd_fault_queue *){ 0 }),
			 -ENOTTY);
	assert_logged("FAULT_QUEUE_ALLOC", "ENOTTY", "no fault queues", "6.11");
}

static void fault_queue_rejects_null(void **state)
{
	struct fixture *f = *state;
	struct iommufd_fault_queue *queue = NULL;
	struct iommufd_fault fault;
	size_t n = 7;

	assert_int_equal(iommufd_fault_queue_alloc(NULL, &queue), -EINVAL);
	assert_int_equal(iommufd_fault_queue_alloc(f->ctx, NULL), -EINVAL);
	assert_null(iommufd_fault_queue_ref(NULL));
	assert_null(iommufd_fault_queue_unref(NULL));
	assert_int_equal(iommufd_fault_queue_get_id(NULL), 0);
	assert_int_equal(iommufd_fault_queue_get_fd(NULL), -EINVAL);
	assert_int_equal(iommufd_fault_queue_read(NULL, &fault, 1, &n), -EINVAL);
	assert_int_equal(iommufd_fault_queue_respond(NULL, 1, 0), -EINVAL);
	assert_int_equal(n, 7);
}

/* ==== fault queue: read =================================================== */

/* A kernel record with every field distinct, and junk where it is reserved. */
static struct kabi_pgfault krec(uint32_t flags, uint32_t n, uint32_t cookie)
{
	return (struct kabi_pgfault){
		.flags = flags,
		.dev_id = 0x100 + n,
		.pasid = 0x200 + n,
		.grpid = 0x300 + n,
		.perm = n & 0xf,
		.reserved = 0xdead0000u + n,
		.addr = 0x0000700000000000ull + ((uint64_t)n << 12),
		.length = 0x400 + n,
		.cookie = cookie,
	};
}

static void push_group(const struct kabi_pgfault *recs, size_t n)
{
	kq_push(recs, n * REC);
}

static void assert_fault(const struct iommufd_fault *f, uint32_t flags, uint32_t n,
			 uint32_t cookie)
{
	assert_int_equal(f->flags, flags);
	assert_int_equal(f->dev_id, 0x100 + n);
	assert_int_equal(f->pasid, 0x200 + n);
	assert_int_equal(f->grpid, 0x300 + n);
	assert_int_equal(f->perm, n & 0xf);
	assert_int_equal(f->length, 0x400 + n);
	assert_int_equal(f->addr, 0x0000700000000000ull + ((uint64_t)n << 12));
	assert_int_equal(f->cookie, cookie);
}

#define K_PASID KABI_PGFAULT_FLAGS_PASID_VALID
#define K_LAST KABI_PGFAULT_FLAGS_LAST_PAGE

static void fault_read_converts_every_field_in_place(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);
	const struct kabi_pgfault g1[3] = {
		krec(K_PASID, 1, 7), krec(K_PASID, 2, 7), krec(K_PASID | K_LAST, 3, 7),
	};
	/* Kernel flag bits the library does not know are dropped. */
	const struct kabi_pgfault g2[1] = { krec(K_LAST | 1u << 5, 15, 8) };
	struct iommufd_fault faults[8];
	size_t n = 0;

	memset(faults, 0xee, sizeof(faults));
	kq_attach(fd, KQ_FAULT);
	push_group(g1, 3);
	push_group(g2, 1);
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 8, &n), 0);
	assert_int_equal(kq.reads, 1);
	assert_int_equal(kq.last_count, 8 * REC);
	assert_int_equal(n, 4);
	assert_fault(&faults[0], IOMMUFD_FAULT_PASID_VALID, 1, 7);
	assert_fault(&faults[1], IOMMUFD_FAULT_PASID_VALID, 2, 7);
	assert_fault(&faults[2], IOMMUFD_FAULT_PASID_VALID | IOMMUFD_FAULT_LAST_PAGE, 3, 7);
	assert_fault(&faults[3], IOMMUFD_FAULT_LAST_PAGE, 15, 8);
	assert_int_equal(faults[3].perm, IOMMUFD_FAULT_READ | IOMMUFD_FAULT_WRITE |
			 IOMMUFD_FAULT_EXEC | IOMMUFD_FAULT_PRIV);
	assert_int_equal(faults[4].flags, 0xeeeeeeeeu);	/* past the count: untouched */
	kq_reset();
	fault_queue_free(queue);
}

static void fault_read_hands_out_whole_groups(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);
	const struct kabi_pgfault g1[2] = { krec(0, 1, 1), krec(K_LAST, 2, 1) };
	const struct kabi_pgfault g2[3] = { krec(0, 3, 2), krec(0, 4, 2), krec(K_LAST, 5, 2) };
	struct iommufd_fault faults[4];
	size_t n = 0;

	kq_attach(fd, KQ_FAULT);
	push_group(g1, 2);
	push_group(g2, 3);
	/* Room for 4: the first group only; the second stays queued. */
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 4, &n), 0);
	assert_int_equal(kq.last_count, 4 * REC);
	assert_int_equal(n, 2);
	assert_int_equal(iommufd_fault_group_len(faults, n), 2);
	assert_fault(&faults[1], IOMMUFD_FAULT_LAST_PAGE, 2, 1);
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 4, &n), 0);
	assert_int_equal(n, 3);
	assert_int_equal(iommufd_fault_group_len(faults, n), 3);
	assert_fault(&faults[0], 0, 3, 2);
	assert_fault(&faults[2], IOMMUFD_FAULT_LAST_PAGE, 5, 2);
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 4, &n), 0);
	assert_int_equal(n, 0);
	kq_reset();
	fault_queue_free(queue);
}

static void fault_read_of_nothing_gives_count_0(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);
	struct iommufd_fault faults[2];
	size_t n = 7;

	kq_attach(fd, KQ_FAULT);	/* empty: the kernel's read returns 0 */
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 2, &n), 0);
	assert_int_equal(n, 0);
	n = 7;
	kq.read_errno = EAGAIN;
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 2, &n), 0);
	assert_int_equal(n, 0);
	kq_reset();
	fault_queue_free(queue);
}

/*
 * The kernel's read returns 0 when the first queued group does not fit
 * (it never fails with EINVAL there): the library must tell "nothing
 * pending" from "read with more room", or the group is never read.
 */
static void fault_read_of_a_group_too_large_is_emsgsize(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);
	const struct kabi_pgfault g[5] = {
		krec(0, 1, 3), krec(0, 2, 3), krec(0, 3, 3), krec(0, 4, 3), krec(K_LAST, 5, 3),
	};
	struct iommufd_fault faults[5];
	size_t n = 7;

	kq_attach(fd, KQ_FAULT);
	push_group(g, 5);
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 4, &n), -EMSGSIZE);
	assert_int_equal(n, 7);
	assert_logged("fault queue 20", "more than 4 faults");
	/* Nothing was lost: with room for the group it comes whole. */
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 5, &n), 0);
	assert_int_equal(n, 5);
	assert_fault(&faults[4], IOMMUFD_FAULT_LAST_PAGE, 5, 3);
	kq_reset();
	fault_queue_free(queue);
}

static void fault_read_einval_is_emsgsize(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);
	struct iommufd_fault faults[1];
	size_t n = 7;

	kq_attach(fd, KQ_FAULT);
	kq.read_errno = EINVAL;
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 1, &n), -EMSGSIZE);
	assert_int_equal(n, 7);
	assert_logged("fault queue 20", "more than 1 faults", "more room");
	kq_reset();
	fault_queue_free(queue);
}

static void fault_read_passes_read_errnos_through(void **state)
{
	static const int errs[] = { EFAULT, EIO, EBADF, ENOMEM, EBUSY, ESPIPE, EINTR };
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);
	struct iommufd_fault faults[1];

	kq_attach(fd, KQ_FAULT);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		size_t n = 7;

		log_reset();
		kq.read_errno = errs[i];
		assert_int_equal(iommufd_fault_queue_read(queue, faults, 1, &n), -errs[i]);
		assert_int_equal(n, 7);
		assert_logged("fault queue 20: read", strerrorname_np(errs[i]));
	}
	kq_reset();
	fault_queue_free(queue);
}

static void fault_read_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);
	struct iommufd_fault faults[1];
	size_t n = 7;

	kq_attach(fd, KQ_FAULT);
	assert_int_equal(iommufd_fault_queue_read(queue, NULL, 1, &n), -EINVAL);
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 0, &n), -EINVAL);
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 1, NULL), -EINVAL);
	assert_int_equal(iommufd_fault_queue_read(queue, faults, SSIZE_MAX / REC + 1, &n),
			 -EINVAL);
	assert_int_equal(iommufd_fault_queue_read(queue, faults, SIZE_MAX, &n), -EINVAL);
	assert_int_equal(kq.reads, 0);
	assert_int_equal(n, 7);
	kq_reset();
	fault_queue_free(queue);
}

static void fault_read_makes_no_allocation(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);
	const struct kabi_pgfault g[2] = { krec(0, 1, 1), krec(K_LAST, 2, 1) };
	struct iommufd_fault faults[2];
	unsigned long before = alloc_count();
	size_t n;

	kq_attach(fd, KQ_FAULT);
	push_group(g, 2);
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 2, &n), 0);
	assert_int_equal(iommufd_fault_queue_respond(queue, 1, 0), 0);
	assert_int_equal(alloc_count(), before);
	kq_reset();
	fault_queue_free(queue);
}

/* ==== group length ======================================================== */

static void fault_group_len_counts_up_to_the_last_page(void **state)
{
	struct iommufd_fault faults[4] = { 0 };

	(void)state;
	assert_int_equal(iommufd_fault_group_len(faults, 4), 0);	/* no LAST_PAGE */
	faults[2].flags = IOMMUFD_FAULT_LAST_PAGE;
	faults[3].flags = IOMMUFD_FAULT_LAST_PAGE;
	assert_int_equal(iommufd_fault_group_len(faults, 4), 3);
	assert_int_equal(iommufd_fault_group_len(faults, 3), 3);
	assert_int_equal(iommufd_fault_group_len(faults, 2), 0);	/* incomplete */
	assert_int_equal(iommufd_fault_group_len(&faults[3], 1), 1);
	faults[0].flags = IOMMUFD_FAULT_PASID_VALID;			/* not LAST_PAGE */
	assert_int_equal(iommufd_fault_group_len(faults, 4), 3);
	faults[0].flags |= IOMMUFD_FAULT_LAST_PAGE;
	assert_int_equal(iommufd_fault_group_len(faults, 4), 1);
	assert_int_equal(iommufd_fault_group_len(faults, 0), 0);
	assert_int_equal(iommufd_fault_group_len(NULL, 4), 0);
}

/* ==== respond ============================================================= */

static void fault_respond_writes_cookie_and_code(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);
	struct kabi_page_response resp[2];

	kq_attach(fd, KQ_FAULT);
	assert_int_equal(iommufd_fault_queue_respond(queue, 0x89abcdefu,
						     IOMMUFD_FAULT_RESPONSE_SUCCESS), 0);
	assert_int_equal(iommufd_fault_queue_respond(queue, 7, IOMMUFD_FAULT_RESPONSE_INVALID), 0);
	assert_int_equal(kq.writes, 2);
	assert_int_equal(kq.written_len, 2 * sizeof(resp[0]));
	memcpy(resp, kq.written, sizeof(resp));
	assert_int_equal(resp[0].cookie, 0x89abcdefu);
	assert_int_equal(resp[0].code, KABI_PAGE_RESP_SUCCESS);
	assert_int_equal(resp[1].cookie, 7);
	assert_int_equal(resp[1].code, KABI_PAGE_RESP_INVALID);
	kq_reset();
	fault_queue_free(queue);
}

/* Issue 11, defect 5: an unknown response code is refused, and logged. */
static void defect5_fault_respond_unknown_code_is_logged(void **state)
{
	static const uint32_t codes[] = { 2, 3, UINT32_MAX };
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);

	kq_attach(fd, KQ_FAULT);
	for (size_t i = 0; i < sizeof(codes) / sizeof(codes[0]); i++) {
		char code[24];

		log_reset();
		snprintf(code, sizeof(code), "code %u", codes[i]);
		assert_int_equal(iommufd_fault_queue_respond(queue, 5, codes[i]), -EINVAL);
		assert_logged("fault queue 20", "group 5", code, "IOMMUFD_FAULT_RESPONSE_SUCCESS");
	}
	assert_int_equal(kq.writes, 0);
	kq_reset();
	fault_queue_free(queue);
}

static void fault_respond_passes_write_errors_through(void **state)
{
	static const int errs[] = { EINVAL, EFAULT, EBADF, EIO, ESPIPE, EINTR, ENOMEM };
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);

	kq_attach(fd, KQ_FAULT);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		log_reset();
		kq.write_errno = errs[i];
		assert_int_equal(iommufd_fault_queue_respond(queue, 5, 0), -errs[i]);
		assert_logged("fault queue 20: response to group 5", strerrorname_np(errs[i]));
	}
	log_reset();
	kq.write_errno = EINVAL;
	assert_int_equal(iommufd_fault_queue_respond(queue, 5, 1), -EINVAL);
	assert_logged("response to group 5", "EINVAL", "no pending group has this cookie");
	/* A short write is an error of its own. */
	log_reset();
	kq.write_ret = 4;
	assert_int_equal(iommufd_fault_queue_respond(queue, 6, 0), -EIO);
	assert_logged("response to group 6", "EIO");
	kq_reset();
	fault_queue_free(queue);
}

static void fault_respond_rejects_unknown_codes(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);

	kq_attach(fd, KQ_FAULT);
	assert_int_equal(iommufd_fault_queue_respond(queue, 1, 2), -EINVAL);
	assert_int_equal(iommufd_fault_queue_respond(queue, 1, UINT32_MAX), -EINVAL);
	assert_int_equal(kq.writes, 0);
	kq_reset();
	fault_queue_free(queue);
}

/* On a real socket: the library's read(2) and write(2) as they are. */
static void fault_queue_on_a_real_fd(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);
	const struct kabi_pgfault g[2] = { krec(K_PASID, 1, 9), krec(K_PASID | K_LAST, 2, 9) };
	struct iommufd_fault faults[4];
	struct kabi_page_response resp[2];
	size_t n = 7;

	/* One message is what one read(2) of the kernel returns. */
	assert_int_equal(write(f->peer, g, sizeof(g)), (ssize_t)sizeof(g));
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 4, &n), 0);
	assert_int_equal(n, 2);
	assert_fault(&faults[1], IOMMUFD_FAULT_PASID_VALID | IOMMUFD_FAULT_LAST_PAGE, 2, 9);
	assert_int_equal(iommufd_fault_group_len(faults, n), 2);
	assert_int_equal(iommufd_fault_queue_respond(queue, faults[0].cookie,
						     IOMMUFD_FAULT_RESPONSE_SUCCESS), 0);
	assert_int_equal(read(f->peer, resp, sizeof(resp)), (ssize_t)sizeof(resp[0]));
	assert_int_equal(resp[0].cookie, 9);
	assert_int_equal(resp[0].code, KABI_PAGE_RESP_SUCCESS);
	/* A read of 0 bytes with nothing behind it: nothing pending. */
	assert_int_equal(write(f->peer, g, 0), 0);
	n = 7;
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 4, &n), 0);
	assert_int_equal(n, 0);
	/*
	 * A read of 0 bytes with a group queued behind it: it may have arrived
	 * just then, so the library reads again and gets it.
	 */
	assert_int_equal(write(f->peer, g, 0), 0);
	assert_int_equal(write(f->peer, g, sizeof(g)), (ssize_t)sizeof(g));
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 4, &n), 0);
	assert_int_equal(n, 2);
	/* Reads of 0 bytes twice with the group still queued: it did not fit. */
	assert_int_equal(write(f->peer, g, 0), 0);
	assert_int_equal(write(f->peer, g, 0), 0);
	assert_int_equal(write(f->peer, g, sizeof(g)), (ssize_t)sizeof(g));
	assert_int_equal(iommufd_fault_queue_read(queue, faults, 4, &n), -EMSGSIZE);
	fault_queue_free(queue);
}

/* ==== a HWPT reporting faults to a queue ================================== */

static void hwpt_fault_queue_sends_fault_id_valid_and_the_id(void **state)
{
	static const struct { uint32_t flags, kflags; } cases[] = {
		{ 0, 0 },
		{ IOMMUFD_HWPT_NEST_PARENT, KABI_HWPT_ALLOC_NEST_PARENT },
		{ IOMMUFD_HWPT_DIRTY_TRACKING | IOMMUFD_HWPT_PASID,
		  KABI_HWPT_ALLOC_DIRTY_TRACKING | KABI_HWPT_ALLOC_PASID },
	};
	struct fixture *f = *state;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, NULL);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = cases[i].flags,
				.fault_queue = queue);
		struct iommufd_hwpt *hwpt = NULL;

		expect_hwpt_alloc_fault(cases[i].kflags | KABI_HWPT_FAULT_ID_VALID, DEV_ID,
					IOAS_ID, FAULT_ID, HWPT_ID, 0);
		assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas), f->dev, &opts,
						    &hwpt), 0);
		assert_int_equal(iommufd_hwpt_get_id(hwpt), HWPT_ID);
		assert_false(iommufd_hwpt_is_kernel_allocated(hwpt));
		assert_null(iommufd_device_get_pt(f->dev));	/* no attach on the way */
		expect_destroy(HWPT_ID, 0);
		iommufd_hwpt_unref(hwpt);
		script_assert_done();
	}
	fault_queue_free(queue);
}

/* The HWPT holds the queue: the queue goes only after the HWPT. */
static void hwpt_holds_its_fault_queue(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, &fd);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .fault_queue = queue);
	struct iommufd_hwpt *hwpt = NULL;

	expect_hwpt_alloc_fault(KABI_HWPT_FAULT_ID_VALID, DEV_ID, IOAS_ID, FAULT_ID, HWPT_ID, 0);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas), f->dev, &opts, &hwpt), 0);
	assert_null(iommufd_fault_queue_unref(queue));	/* the caller's: nothing yet */
	script_assert_done();
	assert_true(fd_is_open(fd));
	expect_destroy(HWPT_ID, 0);
	expect_destroy_closed(FAULT_ID, fd, 0);
	iommufd_hwpt_unref(hwpt);
	assert_false(fd_is_open(fd));
}

/* A request with a fault queue never takes the plain path. */
static void hwpt_fault_queue_is_never_downgraded(void **state)
{
	struct fixture *f = *state;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, NULL);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .fault_queue = queue);
	struct iommufd_hwpt *hwpt = (void *)0x1;

	/* No ATTACH is scripted after either: one would fail the test. */
	expect_hwpt_alloc_fault(KABI_HWPT_FAULT_ID_VALID, DEV_ID, IOAS_ID, FAULT_ID, 0,
				EOPNOTSUPP);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas), f->dev, &opts, &hwpt),
			 -EOPNOTSUPP);
	assert_logged("HWPT_ALLOC", "device 2", "EOPNOTSUPP", "I/O page faults");
	log_reset();
	expect_hwpt_alloc_fault(KABI_HWPT_FAULT_ID_VALID, DEV_ID, IOAS_ID, FAULT_ID, 0, ENOTTY);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas), f->dev, &opts, &hwpt),
			 -EOPNOTSUPP);
	assert_logged("HWPT_ALLOC", "EOPNOTSUPP", "no IOMMU_HWPT_ALLOC");
	log_reset();
	expect_hwpt_alloc_fault(KABI_HWPT_FAULT_ID_VALID, DEV_ID, IOAS_ID, FAULT_ID, 0, E2BIG);
	assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas), f->dev, &opts, &hwpt),
			 -E2BIG);
	assert_logged("HWPT_ALLOC", "E2BIG", "fault queues 6.11");
	assert_ptr_equal(hwpt, (void *)0x1);
	assert_null(iommufd_device_get_pt(f->dev));
	fault_queue_free(queue);	/* no failure kept a reference */
}

static void hwpt_fault_queue_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;
	struct iommufd_fault_queue *queue = fault_queue_new(f, FAULT_ID, NULL);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .flags = IOMMUFD_HWPT_NEST_PARENT,
			.fault_queue = queue);

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];
		struct iommufd_hwpt *hwpt = (void *)0x1;

		if (err == ENOTTY)	/* asked-for features: -EOPNOTSUPP, above */
			continue;
		log_reset();
		expect_hwpt_alloc_fault(KABI_HWPT_ALLOC_NEST_PARENT | KABI_HWPT_FAULT_ID_VALID,
					DEV_ID, IOAS_ID, FAULT_ID, 0, err);
		assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas), f->dev, &opts,
						    &hwpt), -err);
		assert_ptr_equal(hwpt, (void *)0x1);
		assert_logged("HWPT_ALLOC", "device 2", strerrorname_np(err));
	}
	fault_queue_free(queue);
}

static void hwpt_rejects_a_fault_queue_of_another_context(void **state)
{
	struct fixture *f = *state;
	struct iommufd_ctx *other = test_ctx_new();
	struct iommufd_fault_queue *queue = NULL;
	struct iommufd_hwpt *hwpt = (void *)0x1;
	int fd = queue_fd_new(f);

	expect_fault_alloc(OTHER_FAULT_ID, fd, 0);
	assert_int_equal(iommufd_fault_queue_alloc(other, &queue), 0);
	script_set_iommufd(iommufd_ctx_get_fd(f->ctx));
	{
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .fault_queue = queue);

		log_reset();
		assert_int_equal(iommufd_hwpt_alloc(iommufd_ioas_as_pt(f->ioas), f->dev, &opts,
						    &hwpt), -EINVAL);
		assert_logged("HWPT_ALLOC device 2", "fault queue belongs to another context");
	}
	assert_ptr_equal(hwpt, (void *)0x1);
	script_set_iommufd(iommufd_ctx_get_fd(other));
	expect_destroy_closed(OTHER_FAULT_ID, fd, 0);
	iommufd_fault_queue_unref(queue);
	iommufd_ctx_unref(other);
	script_assert_done();
	script_set_iommufd(iommufd_ctx_get_fd(f->ctx));
}

/* ==== vEVENTQ: lifetime =================================================== */

static struct iommufd_veventq *veventq_new(struct fixture *f, uint32_t type, int *ret_fd)
{
	struct iommufd_veventq *queue = NULL;
	int fd = queue_fd_new(f);

	expect_veventq_alloc(VIOMMU_ID, type, 64, VEVENTQ_ID, fd, 0);
	assert_int_equal(iommufd_veventq_alloc(f->viommu, type, 64, &queue), 0);
	assert_int_equal(iommufd_veventq_get_id(queue), VEVENTQ_ID);
	assert_int_equal(iommufd_veventq_get_fd(queue), fd);
	script_assert_done();
	if (ret_fd)
		*ret_fd = fd;
	return queue;
}

static void veventq_free(struct iommufd_veventq *queue)
{
	int fd = iommufd_veventq_get_fd(queue);

	expect_destroy_closed(VEVENTQ_ID, fd, 0);
	assert_null(iommufd_veventq_unref(queue));
	script_assert_done();
	assert_false(fd_is_open(fd));
}

static void veventq_alloc_sends_the_fields(void **state)
{
	static const uint32_t types[] = {
		IOMMUFD_VEVENTQ_ARM_SMMUV3, IOMMUFD_VEVENTQ_TEGRA241_CMDQV,
		IOMMUFD_VEVENTQ_SELFTEST, 0x77,
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++) {
		struct iommufd_veventq *queue = NULL;
		int fd = queue_fd_new(f);

		expect_veventq_alloc(VIOMMU_ID, types[i], 0x10000 + (uint32_t)i, VEVENTQ_ID, fd, 0);
		assert_int_equal(iommufd_veventq_alloc(f->viommu, types[i], 0x10000 + (uint32_t)i,
						       &queue), 0);
		assert_int_equal(iommufd_veventq_get_id(queue), VEVENTQ_ID);
		assert_int_equal(iommufd_veventq_get_fd(queue), fd);
		veventq_free(queue);
		peer_close(f);
	}
}

static void veventq_holds_its_viommu(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_ARM_SMMUV3, &fd);

	f->viommu = iommufd_viommu_unref(f->viommu);	/* no DESTROY: the queue holds it */
	script_assert_done();
	assert_ptr_equal(iommufd_veventq_ref(queue), queue);
	assert_null(iommufd_veventq_unref(queue));	/* not the last: nothing */
	script_assert_done();
	assert_true(fd_is_open(fd));
	expect_destroy_closed(VEVENTQ_ID, fd, 0);
	expect_destroy(VIOMMU_ID, 0);
	iommufd_veventq_unref(queue);
}

static void veventq_alloc_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;
	int fds = count_open_fds();

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];
		struct iommufd_veventq *queue = (void *)0x1;

		log_reset();
		expect_veventq_alloc(VIOMMU_ID, 1, 8, VEVENTQ_ID, 99, err);
		assert_int_equal(iommufd_veventq_alloc(f->viommu, 1, 8, &queue), -err);
		assert_ptr_equal(queue, (void *)0x1);
		assert_logged("VEVENTQ_ALLOC type 0x1 on vIOMMU 8", strerrorname_np(err));
	}
	assert_int_equal(count_open_fds(), fds);
	/* The failures took no reference on the vIOMMU: it goes in the teardown. */
}

static void veventq_alloc_explains_its_errors(void **state)
{
	struct fixture *f = *state;
	struct iommufd_veventq *queue;

	expect_veventq_alloc(VIOMMU_ID, 1, 8, 0, 0, ENOTTY);
	assert_int_equal(iommufd_veventq_alloc(f->viommu, 1, 8, &queue), -ENOTTY);
	assert_logged("VEVENTQ_ALLOC", "ENOTTY", "no vEVENTQs", "6.15");
	expect_veventq_alloc(VIOMMU_ID, 1, 8, 0, 0, EEXIST);
	assert_int_equal(iommufd_veventq_alloc(f->viommu, 1, 8, &queue), -EEXIST);
	assert_logged("VEVENTQ_ALLOC", "EEXIST", "already has a queue of this type");
	expect_veventq_alloc(VIOMMU_ID, 1, 8, 0, 0, EOPNOTSUPP);
	assert_int_equal(iommufd_veventq_alloc(f->viommu, 1, 8, &queue), -EOPNOTSUPP);
	assert_logged("VEVENTQ_ALLOC", "EOPNOTSUPP", "does not report events of this type");
}

static void veventq_alloc_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct iommufd_veventq *queue = (void *)0x1;

	assert_int_equal(iommufd_veventq_alloc(NULL, 1, 8, &queue), -EINVAL);
	assert_int_equal(iommufd_veventq_alloc(f->viommu, 1, 8, NULL), -EINVAL);
	log_reset();
	assert_int_equal(iommufd_veventq_alloc(f->viommu, 0, 8, &queue), -EINVAL);
	assert_logged("VEVENTQ_ALLOC vIOMMU 8", "type 0");
	log_reset();
	assert_int_equal(iommufd_veventq_alloc(f->viommu, 1, 0, &queue), -EINVAL);
	assert_logged("VEVENTQ_ALLOC vIOMMU 8", "depth");
	assert_ptr_equal(queue, (void *)0x1);
	assert_null(iommufd_veventq_ref(NULL));
	assert_null(iommufd_veventq_unref(NULL));
	assert_int_equal(iommufd_veventq_get_id(NULL), 0);
	assert_int_equal(iommufd_veventq_get_fd(NULL), -EINVAL);
}

/* ==== vEVENTQ: read ======================================================= */

#define MAX_SEEN 64

struct seen {
	unsigned int n;
	uint32_t seq[MAX_SEEN], lost[MAX_SEEN];
	size_t len[MAX_SEEN];
	unsigned char data[MAX_SEEN][32];
};

static void collect(void *userdata, const struct iommufd_vevent *ev)
{
	struct seen *s = userdata;

	assert_true(s->n < MAX_SEEN);
	assert_true(ev->data_len <= sizeof(s->data[0]));
	s->seq[s->n] = ev->sequence;
	s->lost[s->n] = ev->lost;
	s->len[s->n] = ev->data_len;
	memcpy(s->data[s->n], ev->data, ev->data_len);
	s->n++;
}

/* A record of the selftest type: 4 bytes of data (a virtual ID). */
static void push_selftest(uint32_t seq, uint32_t virt_id)
{
	unsigned char rec[HDR + KABI_VEVENT_SELFTEST_LEN];
	struct kabi_vevent_header h = { .flags = 0, .sequence = seq };

	memcpy(rec, &h, HDR);
	memcpy(rec + HDR, &virt_id, 4);
	kq_push(rec, sizeof(rec));
}

static void push_lost(uint32_t seq)
{
	struct kabi_vevent_header h = { .flags = KABI_VEVENTQ_FLAG_LOST_EVENTS, .sequence = seq };

	kq_push(&h, HDR);
}

static void push_read_end(void)
{
	kq_push("", 0);
}

static uint32_t virt_of(const struct seen *s, unsigned int i)
{
	uint32_t v;

	memcpy(&v, s->data[i], 4);
	return v;
}

static void veventq_read_delivers_events_in_order_with_their_data(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_SELFTEST, &fd);
	struct seen s = { 0 };
	size_t count = 99;
	uint32_t tail = 99;

	kq_attach(fd, KQ_VEVENT);
	push_selftest(0, 0x1000);
	push_selftest(1, 0x1001);
	push_selftest(2, 0x1002);
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, &tail), 0);
	assert_int_equal(count, 3);
	assert_int_equal(tail, 0);
	assert_int_equal(s.n, 3);
	for (unsigned int i = 0; i < 3; i++) {
		assert_int_equal(s.seq[i], i);
		assert_int_equal(s.lost[i], 0);
		assert_int_equal(s.len[i], 4);
		assert_int_equal(virt_of(&s, i), 0x1000 + i);
	}
	/* It reads until the kernel has nothing: the last read returned 0. */
	assert_int_equal(kq.last_count, 1024);
	assert_int_equal(kq.reads, 2);
	/* Nothing pending: no event, counts 0, the out-parameters optional. */
	count = 99;
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, &tail), 0);
	assert_int_equal(count, 0);
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, NULL, NULL), 0);
	assert_int_equal(s.n, 3);
	kq_reset();
	veventq_free(queue);
}

static void veventq_read_splits_smmuv3_records_across_reads(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_ARM_SMMUV3, &fd);
	struct seen s = { 0 };
	size_t count = 0;

	kq_attach(fd, KQ_VEVENT);
	/* 40 records of 40 bytes: more than one read of 1024 bytes holds. */
	for (uint32_t i = 0; i < 40; i++) {
		unsigned char rec[HDR + KABI_VEVENT_ARM_SMMUV3_LEN];
		struct kabi_vevent_header h = { .sequence = 100 + i };

		memcpy(rec, &h, HDR);
		memset(rec + HDR, (int)i, KABI_VEVENT_ARM_SMMUV3_LEN);
		kq_push(rec, sizeof(rec));
	}
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, NULL), 0);
	assert_int_equal(count, 40);
	assert_int_equal(s.n, 40);
	assert_true(kq.reads >= 3);	/* two with records, one of 0 bytes */
	for (unsigned int i = 0; i < 40; i++) {
		assert_int_equal(s.seq[i], 100 + i);
		assert_int_equal(s.lost[i], 0);
		assert_int_equal(s.len[i], 32);
		assert_int_equal(s.data[i][0], i);
		assert_int_equal(s.data[i][31], i);
	}
	kq_reset();
	veventq_free(queue);
}

static void veventq_read_cmdqv_records(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_TEGRA241_CMDQV, &fd);
	unsigned char rec[HDR + KABI_VEVENT_TEGRA241_CMDQV_LEN];
	struct kabi_vevent_header h = { .sequence = 0 };
	struct seen s = { 0 };
	size_t count = 0;

	kq_attach(fd, KQ_VEVENT);
	memcpy(rec, &h, HDR);
	for (int i = 0; i < KABI_VEVENT_TEGRA241_CMDQV_LEN; i++)
		rec[HDR + i] = (unsigned char)(0xa0 + i);
	kq_push(rec, sizeof(rec));
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, NULL), 0);
	assert_int_equal(count, 1);
	assert_int_equal(s.len[0], 16);
	assert_memory_equal(s.data[0], rec + HDR, 16);
	kq_reset();
	veventq_free(queue);
}

static void veventq_sequence_gaps_are_lost_events(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_SELFTEST, &fd);
	struct seen s = { 0 };
	uint32_t tail = 99;

	kq_attach(fd, KQ_VEVENT);
	push_selftest(5, 1);	/* the first this handle sees: no gap to tell */
	push_selftest(6, 2);
	push_selftest(9, 3);	/* 7 and 8 are gone */
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, NULL, &tail), 0);
	assert_int_equal(tail, 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.lost[0], 0);
	assert_int_equal(s.lost[1], 0);
	assert_int_equal(s.lost[2], 2);
	/* The gap is counted across calls too. */
	push_selftest(13, 4);
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, NULL, &tail), 0);
	assert_int_equal(s.n, 4);
	assert_int_equal(s.lost[3], 3);
	kq_reset();
	veventq_free(queue);
}

static void veventq_sequence_wraps_from_int_max_to_0(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_SELFTEST, &fd);
	struct seen s = { 0 };

	kq_attach(fd, KQ_VEVENT);
	push_selftest(INT_MAX - 1, 1);
	push_selftest(INT_MAX, 2);
	push_selftest(0, 3);		/* the next after INT_MAX: no gap */
	push_selftest(1, 4);
	push_selftest(INT_MAX - 1, 5);	/* INT_MAX - 1 after 1: all the rest lost */
	push_selftest(1, 6);		/* INT_MAX and 0 lost across the wrap */
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, NULL, NULL), 0);
	assert_int_equal(s.n, 6);
	assert_int_equal(s.lost[1], 0);
	assert_int_equal(s.lost[2], 0);
	assert_int_equal(s.lost[3], 0);
	assert_int_equal(s.lost[4], INT_MAX - 3);
	assert_int_equal(s.lost[5], 2);
	kq_reset();
	veventq_free(queue);
}

/*
 * The kernel's LOST_EVENTS header: when its queue is full it drops each new
 * event and moves the header to the tail with that event's sequence number,
 * so the header carries the sequence of the last event dropped. Events
 * 0..1 read, 2, 3 and 4 dropped: the header says 4; event 5 comes next.
 */
static void veventq_lost_events_header_counts_every_dropped_event(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_SELFTEST, &fd);
	struct seen s = { 0 };
	size_t count = 99;
	uint32_t tail = 0;

	kq_attach(fd, KQ_VEVENT);
	push_selftest(0, 1);
	push_selftest(1, 2);
	push_lost(4);
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, &tail), 0);
	assert_int_equal(count, 2);
	assert_true(tail >= 1);
	assert_int_equal(tail, 3);
	assert_logged("vEVENTQ 21", "3 event(s) lost");
	push_selftest(5, 3);
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, &tail), 0);
	assert_int_equal(count, 1);
	assert_int_equal(tail, 0);
	assert_int_equal(s.n, 3);
	assert_int_equal(s.seq[2], 5);
	assert_int_equal(s.lost[2], 3);	/* 2, 3 and 4: the exact count */
	kq_reset();
	veventq_free(queue);
}

static void veventq_lost_events_header_of_one_dropped_event(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_SELFTEST, &fd);
	struct seen s = { 0 };
	uint32_t tail = 0;

	kq_attach(fd, KQ_VEVENT);
	push_selftest(0, 1);
	push_lost(1);
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, NULL, &tail), 0);
	assert_int_equal(tail, 1);
	push_selftest(2, 2);
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, NULL, &tail), 0);
	assert_int_equal(tail, 0);
	assert_int_equal(s.lost[1], 1);
	kq_reset();
	veventq_free(queue);
}

/*
 * The header read first of all (another reader took the events before):
 * only the header's own event is known lost, and the next event's gap is
 * counted from it.
 */
static void veventq_lost_events_header_before_any_event(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_SELFTEST, &fd);
	struct seen s = { 0 };
	uint32_t tail = 0;

	kq_attach(fd, KQ_VEVENT);
	push_lost(7);
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, NULL, &tail), 0);
	assert_int_equal(tail, 1);
	push_selftest(8, 2);
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, NULL, &tail), 0);
	assert_int_equal(tail, 0);
	assert_int_equal(s.n, 1);
	assert_int_equal(s.lost[0], 1);
	kq_reset();
	veventq_free(queue);
}

/* Events read after the header in the same call account for the loss. */
static void veventq_events_after_the_header_clear_the_tail(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_SELFTEST, &fd);
	struct seen s = { 0 };
	size_t count = 0;
	uint32_t tail = 99;

	kq_attach(fd, KQ_VEVENT);
	push_selftest(0, 1);
	push_selftest(1, 2);
	push_lost(3);		/* 2 and 3 dropped */
	push_read_end();	/* event 4 came after that read */
	push_selftest(4, 3);
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, &tail), 0);
	assert_int_equal(kq.reads, 3);
	assert_int_equal(count, 3);
	assert_int_equal(tail, 0);
	assert_int_equal(s.lost[2], 2);
	kq_reset();
	veventq_free(queue);
}

static void veventq_read_of_an_unknown_type_is_eopnotsupp(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, 0x77, &fd);
	struct seen s = { 0 };
	size_t count = 99;

	kq_attach(fd, KQ_VEVENT);
	push_selftest(0, 1);
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, NULL), -EOPNOTSUPP);
	assert_logged("vEVENTQ 21", "type 0x77", "size this library does not know");
	assert_int_equal(kq.reads, 0);
	assert_int_equal(count, 99);
	assert_int_equal(s.n, 0);
	kq_reset();
	veventq_free(queue);
}

static void veventq_record_cut_short_is_eio(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_SELFTEST, &fd);
	struct kabi_vevent_header h = { .sequence = 1 };
	unsigned char cut[HDR + 2];
	struct seen s = { 0 };
	size_t count = 99;
	uint32_t tail = 99;

	kq_attach(fd, KQ_VEVENT);
	push_selftest(0, 1);
	memcpy(cut, &h, HDR);
	cut[HDR] = cut[HDR + 1] = 0xcc;
	kq_push(cut, sizeof(cut));	/* data of 2 bytes where 4 belong */
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, &tail), -EIO);
	assert_logged("vEVENTQ 21", "cut short", "22 bytes");
	assert_int_equal(count, 99);
	assert_int_equal(tail, 99);
	assert_int_equal(s.n, 1);	/* the whole one before it was delivered */
	/* A header cut short. */
	kq_push(&h, HDR - 2);
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, &tail), -EIO);
	assert_int_equal(s.n, 1);
	kq_reset();
	veventq_free(queue);
}

static void veventq_read_passes_read_errnos_through(void **state)
{
	static const int errs[] = { EFAULT, EIO, EBADF, ENOMEM, ESPIPE, EINTR };
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_SELFTEST, &fd);
	struct seen s = { 0 };

	kq_attach(fd, KQ_VEVENT);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		size_t count = 99;
		uint32_t tail = 99;

		log_reset();
		kq.read_errno = errs[i];
		assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, &tail), -errs[i]);
		assert_logged("vEVENTQ 21: read", strerrorname_np(errs[i]));
		assert_int_equal(count, 99);
		assert_int_equal(tail, 99);
	}
	/* EAGAIN is the end of what is pending. */
	kq.read_errno = EAGAIN;
	{
		size_t count = 99;

		assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, NULL), 0);
		assert_int_equal(count, 0);
	}
	kq_reset();
	veventq_free(queue);
}

static void veventq_read_rejects_null(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_SELFTEST, &fd);
	struct seen s = { 0 };

	kq_attach(fd, KQ_VEVENT);
	assert_int_equal(iommufd_veventq_read(NULL, collect, &s, NULL, NULL), -EINVAL);
	assert_int_equal(iommufd_veventq_read(queue, NULL, &s, NULL, NULL), -EINVAL);
	assert_int_equal(kq.reads, 0);
	kq_reset();
	veventq_free(queue);
}

/* On a real socket, ended by the peer: the library's read(2) as it is. */
static void veventq_on_a_real_fd(void **state)
{
	struct fixture *f = *state;
	int fd;
	struct iommufd_veventq *queue = veventq_new(f, IOMMUFD_VEVENTQ_SELFTEST, &fd);
	unsigned char msg[3 * (HDR + 4)];
	struct seen s = { 0 };
	size_t count = 0;
	uint32_t tail = 99;

	for (uint32_t i = 0; i < 3; i++) {
		struct kabi_vevent_header h = { .sequence = i == 2 ? 4 : i };
		uint32_t virt = 0x500 + i;

		memcpy(msg + i * (HDR + 4), &h, HDR);
		memcpy(msg + i * (HDR + 4) + HDR, &virt, 4);
	}
	assert_int_equal(write(f->peer, msg, 2 * (HDR + 4)), 2 * (HDR + 4));
	assert_int_equal(write(f->peer, msg + 2 * (HDR + 4), HDR + 4), HDR + 4);
	assert_int_equal(shutdown(f->peer, SHUT_WR), 0);	/* then read() returns 0 */
	assert_int_equal(iommufd_veventq_read(queue, collect, &s, &count, &tail), 0);
	assert_int_equal(count, 3);
	assert_int_equal(tail, 0);
	assert_int_equal(virt_of(&s, 2), 0x502);
	assert_int_equal(s.lost[2], 2);
	veventq_free(queue);
}

/* ==== HW queue ============================================================ */

static void hw_queue_alloc_sends_the_fields(void **state)
{
	static const struct { uint32_t type, index; uint64_t iova, length; } cases[] = {
		{ IOMMUFD_HW_QUEUE_TEGRA241_CMDQV, 0, 0x0000123400000000ull, 0x1000 },
		{ IOMMUFD_HW_QUEUE_TEGRA241_CMDQV, 1, 0, 32 },
		{ IOMMUFD_HW_QUEUE_SELFTEST, 0xffffffffu, UINT64_MAX - 0xfff, 0x1000 },
	};
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct iommufd_hw_queue *queue = NULL;

		expect_hw_queue_alloc(VIOMMU_ID, cases[i].type, cases[i].index, cases[i].iova,
				      cases[i].length, HW_QUEUE_ID + (uint32_t)i, 0);
		assert_int_equal(iommufd_hw_queue_alloc(f->viommu, cases[i].type, cases[i].index,
							cases[i].iova, cases[i].length, &queue), 0);
		assert_int_equal(iommufd_hw_queue_get_id(queue), HW_QUEUE_ID + i);
		expect_destroy(HW_QUEUE_ID + (uint32_t)i, 0);
		assert_null(iommufd_hw_queue_unref(queue));
		script_assert_done();
	}
}

static void hw_queue_holds_its_viommu(void **state)
{
	struct fixture *f = *state;
	struct iommufd_hw_queue *queue = NULL;

	expect_hw_queue_alloc(VIOMMU_ID, 1, 0, 0x10000, 0x1000, HW_QUEUE_ID, 0);
	assert_int_equal(iommufd_hw_queue_alloc(f->viommu, 1, 0, 0x10000, 0x1000, &queue), 0);
	f->viommu = iommufd_viommu_unref(f->viommu);	/* no DESTROY: the queue holds it */
	assert_ptr_equal(iommufd_hw_queue_ref(queue), queue);
	assert_null(iommufd_hw_queue_unref(queue));	/* not the last */
	script_assert_done();
	expect_destroy(HW_QUEUE_ID, 0);
	expect_destroy(VIOMMU_ID, 0);
	iommufd_hw_queue_unref(queue);
}

static void hw_queue_alloc_passes_kernel_errnos_through(void **state)
{
	struct fixture *f = *state;

	for (size_t i = 0; i < N_ERRNOS; i++) {
		int err = kernel_errnos[i];
		struct iommufd_hw_queue *queue = (void *)0x1;

		log_reset();
		expect_hw_queue_alloc(VIOMMU_ID, 1, 2, 0x10000, 0x1000, 0, err);
		assert_int_equal(iommufd_hw_queue_alloc(f->viommu, 1, 2, 0x10000, 0x1000, &queue),
				 -err);
		assert_ptr_equal(queue, (void *)0x1);
		assert_logged("HW_QUEUE_ALLOC type 0x1 index 2 on vIOMMU 8 iova 0x10000 length 0x1000",
			      strerrorname_np(err));
	}
	log_reset();
	expect_hw_queue_alloc(VIOMMU_ID, 1, 0, 0, 32, 0, ENOTTY);
	assert_int_equal(iommufd_hw_queue_alloc(f->viommu, 1, 0, 0, 32,
						&(struct iommufd_hw_queue *){ 0 }), -ENOTTY);
	assert_logged("HW_QUEUE_ALLOC", "ENOTTY", "no HW queues", "6.17");
	expect_hw_queue_alloc(VIOMMU_ID, 1, 0, 0, 32, 0, EOPNOTSUPP);
	assert_int_equal(iommufd_hw_queue_alloc(f->viommu, 1, 0, 0, 32,
						&(struct iommufd_hw_queue *){ 0 }), -EOPNOTSUPP);
	assert_logged("HW_QUEUE_ALLOC", "EOPNOTSUPP", "no HW queue of this type");
	expect_hw_queue_alloc(VIOMMU_ID, 1, 0, 0, 32, 0, EINVAL);
	assert_int_equal(iommufd_hw_queue_alloc(f->viommu, 1, 0, 0, 32,
						&(struct iommufd_hw_queue *){ 0 }), -EINVAL);
	assert_logged("HW_QUEUE_ALLOC", "EINVAL", "index order", "not mapped in stage 2");
}

static void hw_queue_alloc_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct iommufd_hw_queue *queue = (void *)0x1;

	assert_int_equal(iommufd_hw_queue_alloc(NULL, 1, 0, 0, 32, &queue), -EINVAL);
	assert_int_equal(iommufd_hw_queue_alloc(f->viommu, 1, 0, 0, 32, NULL), -EINVAL);
	log_reset();
	assert_int_equal(iommufd_hw_queue_alloc(f->viommu, 0, 0, 0, 32, &queue), -EINVAL);
	assert_logged("HW_QUEUE_ALLOC vIOMMU 8", "type 0");
	log_reset();
	assert_int_equal(iommufd_hw_queue_alloc(f->viommu, 1, 0, 0, 0, &queue), -EINVAL);
	assert_logged("HW_QUEUE_ALLOC vIOMMU 8", "zero length");
	log_reset();
	assert_int_equal(iommufd_hw_queue_alloc(f->viommu, 1, 0, UINT64_MAX - 0xfff, 0x2000,
						&queue), -EINVAL);
	assert_logged("HW_QUEUE_ALLOC vIOMMU 8", "wraps");
	assert_ptr_equal(queue, (void *)0x1);
	assert_null(iommufd_hw_queue_ref(NULL));
	assert_null(iommufd_hw_queue_unref(NULL));
	assert_int_equal(iommufd_hw_queue_get_id(NULL), 0);
}

/* Tegra241 CMDQV lengths: a power of two of at least 32 bytes, checked first. */
static void hw_queue_tegra241_length_is_a_power_of_two_from_32(void **state)
{
	static const uint64_t bad[] = { 1, 16, 31, 48, 0x1001, 0x3000 };
	struct fixture *f = *state;
	struct iommufd_hw_queue *queue = (void *)0x1;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		log_reset();
		assert_int_equal(iommufd_hw_queue_alloc(f->viommu, IOMMUFD_HW_QUEUE_TEGRA241_CMDQV,
							0, 0, bad[i], &queue), -EINVAL);
		assert_logged("HW_QUEUE_ALLOC vIOMMU 8", "Tegra241 CMDQV length",
			      "a power of two of at least 32 bytes");
	}
	/* Other types' lengths are their drivers' business. */
	expect_hw_queue_alloc(VIOMMU_ID, IOMMUFD_HW_QUEUE_SELFTEST, 0, 0, 48, 0, EINVAL);
	assert_int_equal(iommufd_hw_queue_alloc(f->viommu, IOMMUFD_HW_QUEUE_SELFTEST, 0, 0, 48,
						&queue), -EINVAL);
	assert_ptr_equal(queue, (void *)0x1);
}

/*
 * IDR1.CMDQS of the SMMU bounds a Tegra241 queue to 2^(CMDQS + 4) bytes: a
 * vIOMMU of a device whose hw info was read knows it (issue 10 item 5).
 */
static void hw_queue_tegra241_length_is_bounded_by_idr1_cmdqs(void **state)
{
	struct kabi_hw_info_arm_smmuv3 rec = { .idr = { 0x3, 8u << 21 } };	/* CMDQS 8 */
	struct kabi_hw_info reply = {
		.out_data_type = KABI_HW_INFO_TYPE_ARM_SMMUV3, .data_len = sizeof(rec),
	};
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	struct fixture *f = *state;
	struct iommufd_viommu *v = NULL;
	struct iommufd_hw_queue *queue = NULL;
	uint64_t buf[8];

	memcpy(buf, &rec, sizeof(rec));	/* what the kernel writes there */
	expect_hw_info(DEV_ID, buf, sizeof(buf), &reply, 0);
	assert_int_equal(iommufd_device_get_hw_info(f->dev, buf, sizeof(buf), &info), 0);
	script_assert_done();
	expect_viommu_alloc(DEV_ID, PARENT_ID, IOMMUFD_VIOMMU_TEGRA241_CMDQV, NULL, 0,
			    VIOMMU_ID + 1, 0);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, IOMMUFD_VIOMMU_TEGRA241_CMDQV,
					      NULL, &v), 0);
	log_reset();
	assert_int_equal(iommufd_hw_queue_alloc(v, IOMMUFD_HW_QUEUE_TEGRA241_CMDQV, 0, 0,
						0x2000, &queue), -EINVAL);
	assert_logged("HW_QUEUE_ALLOC vIOMMU 9", "length 0x2000",
		      "more than the SMMU's command queue holds (0x1000 bytes: IDR1.CMDQS 8)");
	assert_null(queue);
	/* 256 commands of 16 bytes fit. */
	expect_hw_queue_alloc(VIOMMU_ID + 1, IOMMUFD_HW_QUEUE_TEGRA241_CMDQV, 0, 0, 0x1000,
			      HW_QUEUE_ID, 0);
	assert_int_equal(iommufd_hw_queue_alloc(v, IOMMUFD_HW_QUEUE_TEGRA241_CMDQV, 0, 0,
						0x1000, &queue), 0);
	expect_destroy(HW_QUEUE_ID, 0);
	iommufd_hw_queue_unref(queue);
	expect_destroy(VIOMMU_ID + 1, 0);
	iommufd_viommu_unref(v);
	/* The fixture's vIOMMU was made before the hw info was read: no bound known. */
	expect_hw_queue_alloc(VIOMMU_ID, IOMMUFD_HW_QUEUE_TEGRA241_CMDQV, 0, 0, 0x2000, 0, EINVAL);
	assert_int_equal(iommufd_hw_queue_alloc(f->viommu, IOMMUFD_HW_QUEUE_TEGRA241_CMDQV, 0, 0,
						0x2000, &queue), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(fault_queue_alloc_returns_the_kernels_id_and_fd),
		T(fault_queue_unref_closes_its_fd_before_destroy),
		T(fault_queue_holds_its_context),
		T(fault_queue_alloc_passes_kernel_errnos_through),
		T(fault_queue_rejects_null),
		T(fault_read_converts_every_field_in_place),
		T(fault_read_hands_out_whole_groups),
		T(fault_read_of_nothing_gives_count_0),
		T(fault_read_of_a_group_too_large_is_emsgsize),
		T(fault_read_einval_is_emsgsize),
		T(fault_read_passes_read_errnos_through),
		T(fault_read_rejects_bad_arguments),
		T(fault_read_makes_no_allocation),
		T(fault_group_len_counts_up_to_the_last_page),
		T(fault_respond_writes_cookie_and_code),
		T(fault_respond_passes_write_errors_through),
		T(defect5_fault_respond_unknown_code_is_logged),
		T(fault_respond_rejects_unknown_codes),
		T(fault_queue_on_a_real_fd),
		T(hwpt_fault_queue_sends_fault_id_valid_and_the_id),
		T(hwpt_holds_its_fault_queue),
		T(hwpt_fault_queue_is_never_downgraded),
		T(hwpt_fault_queue_passes_kernel_errnos_through),
		T(hwpt_rejects_a_fault_queue_of_another_context),
		T(veventq_alloc_sends_the_fields),
		T(veventq_holds_its_viommu),
		T(veventq_alloc_passes_kernel_errnos_through),
		T(veventq_alloc_explains_its_errors),
		T(veventq_alloc_rejects_bad_arguments),
		T(veventq_read_delivers_events_in_order_with_their_data),
		T(veventq_read_splits_smmuv3_records_across_reads),
		T(veventq_read_cmdqv_records),
		T(veventq_sequence_gaps_are_lost_events),
		T(veventq_sequence_wraps_from_int_max_to_0),
		T(veventq_lost_events_header_counts_every_dropped_event),
		T(veventq_lost_events_header_of_one_dropped_event),
		T(veventq_lost_events_header_before_any_event),
		T(veventq_events_after_the_header_clear_the_tail),
		T(veventq_read_of_an_unknown_type_is_eopnotsupp),
		T(veventq_record_cut_short_is_eio),
		T(veventq_read_passes_read_errnos_through),
		T(veventq_read_rejects_null),
		T(veventq_on_a_real_fd),
		T(hw_queue_alloc_sends_the_fields),
		T(hw_queue_holds_its_viommu),
		T(hw_queue_alloc_passes_kernel_errnos_through),
		T(hw_queue_alloc_rejects_bad_arguments),
		T(hw_queue_tegra241_length_is_a_power_of_two_from_32),
		T(hw_queue_tegra241_length_is_bounded_by_idr1_cmdqs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
