// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Thread stress within the header's thread-safety statement (issue 11):
 * N threads (8 by default) share one context and a few shared handles that
 * they only ref and unref; each uses its own IOAS, mappings and device; the
 * devices of all threads are attached (by the main thread, between rounds)
 * to one shared page table -- a kernel-allocated HWPT when the kernel takes
 * the plain path -- and released concurrently by their threads, while the
 * main thread, the one user of that HWPT's handle, reads its ID (defect 3
 * of issue 11). A
 * signal thread interrupts the workers all along with a handler installed
 * without SA_RESTART. Each thread checks that its iommufd_last_error() is
 * its own.
 *
 * Built three ways:
 *  - tests/unit/test-stress (make check): on the model kernel
 *    (STRESS_MODEL, tests/unit/model-kernel.h), under valgrind, few rounds;
 *  - scripts/tsan-stress.sh: the same with -fsanitize=thread, many rounds,
 *    a TSan report fails it;
 *  - tests/stress/iommufd-stress: on the real /dev/iommu, for the VM:
 *    `iommufd-stress [-t threads] [-r rounds] [cdev...]`; without cdevs
 *    named it takes the VFIO cdevs discovery finds (thread i gets the i-th),
 *    and with none it stresses contexts, IOASes and mappings only (the
 *    selftest mock device cannot be attached through VFIO, which the device
 *    part needs).
 *
 * Exit status 0: every check held; 1: a check failed (printed); 77: no
 * /dev/iommu (a skip, with the reason).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "libiommufd.h"
#ifdef STRESS_MODEL
#include "model-kernel.h"
#include "uapi.h"
#endif

#define MAX_THREADS 64
#define PAGE 4096u
#define PAGES_PER_THREAD 4

static int nthreads = 8, rounds = 50;
static const char *cdevs[MAX_THREADS];
static int ncdevs;
static struct iommufd_vfio_cdev **found;	/* discovered cdevs, when none were named */

static struct iommufd_ctx *ctx;
static struct iommufd_ioas *shared_ioas;
static struct iommufd_hwpt *shared_hwpt;	/* the devices' shared page table */
static struct iommufd_device *devs[MAX_THREADS];
static pthread_barrier_t round_start, round_end;
static atomic_bool stop, failed;
static atomic_ulong calls, signals_sent;
static atomic_ulong signals_seen;	/* lock-free: fine in a handler */
static atomic_ulong log_lines;
static uint8_t *memory;

#define CHECK(cond, ...)							\
	do {									\
		if (!(cond)) {							\
			fprintf(stderr, "stress: %s:%d: ", __FILE__, __LINE__);	\
			fprintf(stderr, __VA_ARGS__);				\
			fprintf(stderr, " (%s)\n", iommufd_last_error());	\
			atomic_store(&failed, true);				\
		}								\
	} while (0)

/* Called from any thread: counts, and keeps nothing thread-unsafe. */
static void count_log(void *userdata, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
	(void)userdata;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	(void)format;
	(void)args;
	atomic_fetch_add(&log_lines, 1);
}

static void on_signal(int sig)
{
	(void)sig;
	atomic_fetch_add(&signals_seen, 1);
}

/* ---- what each worker does in a round ------------------------------------ */

/* Its own IOAS: map, unmap, a refused call explained to this thread only. */
static void own_ioas(int self)
{
	uint8_t *mine = memory + (size_t)self * PAGES_PER_THREAD * PAGE;
	struct iommufd_ioas *ioas = NULL;
	uint64_t iova = 0, unmapped = 0;
	char expect[64];
	int rc;

	rc = iommufd_ioas_alloc(ctx, &ioas);
	CHECK(!rc, "thread %d: ioas_alloc: %d", self, rc);
	if (rc)
		return;
	rc = iommufd_ioas_map(ioas, mine, PAGES_PER_THREAD * PAGE,
			      IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE, &iova);
	CHECK(!rc, "thread %d: map: %d", self, rc);
	rc = iommufd_ioas_map_fixed(ioas, mine, PAGE, 0x40000000ull + PAGE * (uint64_t)self,
				    IOMMUFD_MAP_READ);
	CHECK(!rc, "thread %d: map_fixed: %d", self, rc);
	/* A misaligned map: refused, and the explanation names this IOAS. */
	rc = iommufd_ioas_map(ioas, mine + 1, PAGE, IOMMUFD_MAP_READ, &iova);
	snprintf(expect, sizeof(expect), "IOAS %u", iommufd_ioas_get_id(ioas));
	CHECK(rc == -EINVAL && strstr(iommufd_last_error(), expect),
	      "thread %d: misaligned map gave %d, last error not this thread's", self, rc);
	rc = iommufd_ioas_unmap_all(ioas, &unmapped);
	CHECK(!rc, "thread %d: unmap_all: %d", self, rc);
	iommufd_ioas_unref(ioas);
	atomic_fetch_add(&calls, 6);
}

/* The shared handles: references taken and dropped from every thread. */
static void shared_refs(void)
{
	for (int i = 0; i < 16; i++) {
		struct iommufd_ctx *c = iommufd_ctx_ref(ctx);
		struct iommufd_ioas *ioas = iommufd_ioas_ref(shared_ioas);

		iommufd_ioas_unref(ioas);
		iommufd_ctx_unref(c);
	}
	atomic_fetch_add(&calls, 64);
}

/* This thread's device leaves the shared page table (defect 3). */
static void release_device(int self)
{
	int rc;

	if (!devs[self])
		return;
	if (self % 2) {
		rc = iommufd_device_detach(devs[self]);
		CHECK(!rc, "thread %d: detach: %d", self, rc);
	} else {
		/* The last unref detaches: the same bookkeeping, unasked. */
		devs[self] = iommufd_device_unref(devs[self]);
	}
	atomic_fetch_add(&calls, 1);
}

static void *worker(void *arg)
{
	int self = (int)(intptr_t)arg;

	for (int r = 0; r < rounds; r++) {
		pthread_barrier_wait(&round_start);
		own_ioas(self);
		shared_refs();
		release_device(self);
		pthread_barrier_wait(&round_end);
	}
	return NULL;
}

static pthread_t workers[MAX_THREADS];

static void *signaller(void *arg)
{
	(void)arg;
	for (unsigned int i = 0; !atomic_load(&stop); i++) {
		pthread_kill(workers[i % (unsigned int)nthreads], SIGUSR1);
		atomic_fetch_add(&signals_sent, 1);
		usleep(200);
	}
	return NULL;
}

/* ---- the rounds (main thread) -------------------------------------------- */

static int bind_device(int i)
{
#ifdef STRESS_MODEL
	return iommufd_device_bind_path(ctx, "/dev/null", &devs[i]);
#else
	return i < ncdevs ? iommufd_device_bind_path(ctx, cdevs[i], &devs[i]) : 0;
#endif
}

/* Before a round: every thread's device bound and on the shared table. */
static void attach_all(void)
{
	for (int i = 0; i < nthreads; i++) {
		int rc = 0;

		if (!devs[i])
			rc = bind_device(i);
		CHECK(!rc, "bind device of thread %d: %d", i, rc);
		if (devs[i] && !iommufd_device_get_pt(devs[i])) {
			rc = iommufd_device_attach(devs[i], iommufd_hwpt_as_pt(shared_hwpt));
			CHECK(!rc, "attach device of thread %d: %d", i, rc);
		}
	}
	CHECK(!devs[0] || iommufd_hwpt_get_id(shared_hwpt),
	      "the shared HWPT has ID 0 with devices attached");
}

/* After a round: no device left on it, so a kernel-allocated one names none. */
static void check_all_left(void)
{
	for (int i = 0; i < nthreads; i++)
		CHECK(!devs[i] || !iommufd_device_get_pt(devs[i]), "device %d still attached", i);
	CHECK(!iommufd_hwpt_is_kernel_allocated(shared_hwpt) ||
	      !iommufd_hwpt_get_id(shared_hwpt),
	      "kernel-allocated HWPT keeps ID %u with no device on it",
	      iommufd_hwpt_get_id(shared_hwpt));
}

/* The shared page table: the plain path where the kernel takes it. */
static int make_shared_hwpt(void)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .fallback = IOMMUFD_HWPT_FALLBACK_ATTACH);
	int rc = bind_device(0);

	if (rc || !devs[0])
		return rc;
#ifdef STRESS_MODEL
	model_fail_next(KABI_IOMMU_HWPT_ALLOC, EOPNOTSUPP);	/* take the plain path */
#endif
	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(shared_ioas), devs[0], &opts, &shared_hwpt);
	if (!rc && iommufd_hwpt_is_kernel_allocated(shared_hwpt))
		rc = iommufd_device_detach(devs[0]);
	return rc;
}

static int setup(void)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .log_fn = count_log, .log_priority = 7,
#ifdef STRESS_MODEL
			.path = "/dev/null",
#endif
		       );
	int rc;

#ifdef STRESS_MODEL
	model_reset();
#endif
	rc = iommufd_ctx_new(&opts, &ctx);
	if (rc == -ENOENT) {
		printf("stress: SKIP: no /dev/iommu (%s)\n", iommufd_last_error());
		exit(77);
	}
	if (rc)
		return rc;
#ifndef STRESS_MODEL
	if (!ncdevs && !iommufd_discover_list(ctx, &found, NULL))
		for (size_t i = 0; found[i] && ncdevs < MAX_THREADS; i++)
			cdevs[ncdevs++] = found[i]->cdev_path;
#endif
	rc = iommufd_ioas_alloc(ctx, &shared_ioas);
	if (!rc)
		rc = make_shared_hwpt();
	return rc;
}

static void teardown(void)
{
	for (int i = 0; i < nthreads; i++)
		iommufd_device_unref(devs[i]);
	iommufd_hwpt_unref(shared_hwpt);
	iommufd_ioas_unref(shared_ioas);
	iommufd_ctx_unref(ctx);
	iommufd_discover_list_free(found);
#ifdef STRESS_MODEL
	CHECK(model_live_objects() == 0, "%u kernel objects left", model_live_objects());
#endif
}

static void parse_args(int argc, char **argv)
{
	int opt;

	while ((opt = getopt(argc, argv, "t:r:")) != -1) {
		if (opt == 't')
			nthreads = atoi(optarg);
		else if (opt == 'r')
			rounds = atoi(optarg);
		else
			exit(2);
	}
	if (nthreads < 1 || nthreads > MAX_THREADS || rounds < 1) {
		fprintf(stderr, "stress: 1 to %d threads, at least 1 round\n", MAX_THREADS);
		exit(2);
	}
	for (; optind < argc && ncdevs < MAX_THREADS; optind++)
		cdevs[ncdevs++] = argv[optind];
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };	/* no SA_RESTART */
	pthread_t signal_thread;
	const char *devices;
	int rc;

	parse_args(argc, argv);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGUSR1, &sa, NULL);
	memory = mmap(NULL, (size_t)nthreads * PAGES_PER_THREAD * PAGE, PROT_READ | PROT_WRITE,
		      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (memory == MAP_FAILED)
		return 1;
	rc = setup();
	if (rc) {
		fprintf(stderr, "stress: setup: %d (%s)\n", rc, iommufd_last_error());
		return 1;
	}
	pthread_barrier_init(&round_start, NULL, (unsigned int)nthreads + 1);
	pthread_barrier_init(&round_end, NULL, (unsigned int)nthreads + 1);
	for (int i = 0; i < nthreads; i++)
		pthread_create(&workers[i], NULL, worker, (void *)(intptr_t)i);
	pthread_create(&signal_thread, NULL, signaller, NULL);
	for (int r = 0; r < rounds; r++) {
		if (shared_hwpt)
			attach_all();
		pthread_barrier_wait(&round_start);
		/* The HWPT's ID while the workers' devices leave it. */
		for (int i = 0; shared_hwpt && i < 1000; i++) {
			(void)iommufd_hwpt_get_id(shared_hwpt);
			(void)iommufd_pt_get_id(iommufd_hwpt_as_pt(shared_hwpt));
		}
		atomic_fetch_add(&calls, shared_hwpt ? 2000 : 0);
		pthread_barrier_wait(&round_end);
		if (shared_hwpt)
			check_all_left();
	}
	atomic_store(&stop, true);
	for (int i = 0; i < nthreads; i++)
		pthread_join(workers[i], NULL);
	pthread_join(signal_thread, NULL);
	devices = !shared_hwpt ? "none" : iommufd_hwpt_is_kernel_allocated(shared_hwpt) ?
		  "on a kernel-allocated HWPT" : "on a HWPT";
	teardown();
	munmap(memory, (size_t)nthreads * PAGES_PER_THREAD * PAGE);
	printf("stress: %d threads x %d rounds: %lu library calls, %lu signals sent (%lu handled),"
	       " %lu log lines, devices %s: %s\n", nthreads, rounds, atomic_load(&calls),
	       atomic_load(&signals_sent), atomic_load(&signals_seen), atomic_load(&log_lines),
	       devices, atomic_load(&failed) ? "FAILED" : "ok");
	return atomic_load(&failed) ? 1 : 0;
}
