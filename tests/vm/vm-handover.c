// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Handover, proven (issue 8): a live update hands the iommufd, a bound VFIO
 * cdev and memfd-backed guest RAM to a new process, which adopts them by
 * fd and ID and keeps DMA landing in the same pages.
 *
 * Two scenarios, the same steps:
 *
 *   exec  (QEMU's CPR): process A opens /dev/iommu, allocates an IOAS, binds
 *         edu, allocates HWPT H1 on the IOAS and attaches edu to it, maps a
 *         16-page memfd ("guest RAM") at a fixed IOVA and proves DMA into the
 *         memfd pages. It clears FD_CLOEXEC on the iommufd, the cdev and the
 *         memfd and execs /proc/self/exe with the fd numbers and the IDs
 *         (IOAS, device, H1) as arguments. The new image B adopts the
 *         context (owned), the IOAS and H1 by ID (owned) and the device with
 *         its cdev fd (owned), calls change-process, allocates HWPT H2,
 *         replaces edu onto H2 and back onto H1, and after each step proves
 *         that DMA lands in the same memfd pages at the same IOVAs, byte for
 *         byte, through its own mmap of the memfd. Then it releases
 *         everything and shows nothing is left.
 *   scm   (an fd handed to another process, as cloud-hypervisor and
 *         management stacks do): sender S sets up and proves DMA as A does,
 *         sends the three fds with SCM_RIGHTS and the IDs as data over a Unix
 *         socketpair, calls iommufd_ctx_hand_over() and releases every
 *         handle (which must detach and destroy nothing: R's DMA proves it),
 *         then exits. Receiver R waits for that exit (EOF on the socket), so
 *         it is the only holder, and runs B's steps.
 *
 * The process running the protocol (PLAN/RESULT) forks A (or S and R) and
 * prints their results: each step's outcome comes back as a record on a
 * pipe, and the children's exit statuses are checked too. S and R are
 * siblings, children of the protocol process, so it can reap both; S's role
 * is the brief's "parent that sets up". Without the hand-over, the sender's
 * unref of the device would detach it under the receiver and its unrefs of
 * the HWPT and IOAS would destroy them (at an exec no unref runs at all).
 *
 * Results, per scenario (exec-*, scm-*):
 *   setup           A/S: open, bind, H1, attach, map, DMA byte-checked
 *   map-file        A/S: the RAM was mapped with IOMMU_IOAS_MAP_FILE (6.13+)
 *   adopt           B/R: adopt ctx/IOAS/H1/device; A's DMA is in B's mmap;
 *                   DMA through the inherited attachment (no attach call)
 *   change-process  B/R: IOMMU_IOAS_CHANGE_PROCESS (6.14+), then DMA
 *   replace         B/R: H2, replace onto it and back onto H1, DMA after each
 *   teardown        B/R: explicit destroys report 0, the IDs give ENOENT,
 *                   no deferred destroy, the inherited fds are closed and
 *                   no other fd is left
 * and notes with the numbers: pages mapped, DMA checks made and passed.
 *
 * Kernel 6.12 (no map_file, no change_process): map-file and change-process
 * are skips quoting the probe. The rest runs, because it still means
 * something there: the RAM is mapped with IOMMU_IOAS_MAP from a MAP_SHARED
 * mmap of the memfd, so the pinned pages are the memfd's own and outlive the
 * mapping process's address space; B/R adopt, replace and DMA as on 7.x and
 * the bytes still land in the memfd. What 6.12 cannot do is move the page
 * accounting: it stays with the process that is gone.
 *
 * Accounting: as root the tests hold CAP_IPC_LOCK, and iommufd charges no
 * pinned pages to a mapping made with it, so change-process would have
 * nothing to move. A/S drop CAP_IPC_LOCK from their effective set before
 * mapping, as an unprivileged VMM would run; B/R then see their VmPin grow
 * by the RAM's size at change-process (the proof that it moved) and fall
 * back to 0 at teardown.
 *
 * Machines: vtd and amd run everything. mock has no edu (every step skips:
 * the handover is proven by DMA, impossible there), and the 6.1 kernel has
 * no iommufd. virtio runs everything on 7.x. On 6.12 virtio-iommu gives a
 * HWPT_ALLOC domain the aperture [0, 0] (docs/kernel-quirks.md,
 * virtio-aperture: an IOAS with such a HWPT allows no IOVA), while the
 * domain the kernel allocates itself at a device's first attach to an IOAS
 * gets a proper one. So there A/S attach edu to the IOAS itself, not to a
 * H1: the IOAS's automatic HWPT is what B/R inherit (its ID is handed over
 * in H1's place, found in use after adopt and gone after teardown), and
 * setup, map-file, adopt, change-process and teardown run with their DMA
 * checks. Only the replace needs a new HWPT H2: there it checks that
 * HWPT_ALLOC is refused as the bug predicts and that DMA still lands, then
 * skips naming the bug. edu masks DMA addresses to 28 bits: the RAM's IOVA
 * is below 256 MiB.
 *
 * noiommu (7.3+): edu is bound through its noiommu cdev and has no IOMMU in
 * front of it, so every DMA check gives edu the physical address
 * iommufd_ioas_noiommu_get_pa() reports for the IOVA; where a page is at or
 * above 256 MiB the check is not made (a note, counted in the closing note,
 * never a pass). What noiommu proves instead of translation: the IOAS pins
 * the memfd pages, so at mapping, adopt, after change-process and on each
 * HWPT of the replace every page's GET_PA must be pagemap's address of the
 * page in this process's own mmap and the address the mapping process
 * recorded (handed over with the IDs). HWPT_ALLOC for a noiommu device and
 * the replace onto H2 and back work (seen on 7.3.4): they run, with the
 * kernel's HWPT ID checked; the DMA there cannot show which HWPT edu is on
 * (nothing translates), only that the pages stay put. On older kernels
 * vfio-pci makes no noiommu cdev: every step skips saying so.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <syslog.h>
#include <unistd.h>

#include <linux/capability.h>

#include "vmtest.h"

#define PAGE 4096u
#define RAM_PAGES 16u
#define RAM_LEN ((uint64_t)RAM_PAGES * PAGE)
#define LEN VMT_EDU_DMA_LEN	/* bytes per DMA */
#define DST_PAGE 1u		/* every check: RAM page 0 -> edu -> page 1 + DST_OFF */
#define DST_OFF 0x400u
#define MARK_PAGE (RAM_PAGES - 1)	/* A's last DMA, read back by B */
#define RW (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)
#define STAGE2_ARG "--handover-stage2"

/* ---- the steps and their records ------------------------------------------ */

enum step { S_SETUP, S_MAP_FILE, S_ADOPT, S_CHANGE, S_REPLACE, S_TEARDOWN, S_NR };
static const char *const step_name[S_NR] = {
	"setup", "map-file", "adopt", "change-process", "replace", "teardown",
};
/* Steps before S_ADOPT run in the process that sets up, the rest after handover. */
#define FIRST_STAGE2 S_ADOPT

enum rec_kind { REC_STEP = 1, REC_STATS = 2 };

/* One record on the report pipe: at most PIPE_BUF bytes, so written atomically. */
struct rec {
	uint32_t kind;
	uint32_t step;
	uint32_t checks;
	uint8_t failed, skipped;
	char reason[768];
	/* REC_STATS */
	uint32_t pages, dma_made, dma_passed;
	uint32_t dma_beyond;		/* noiommu: DMA checks not made (a page >= 256 MiB) */
	char how[96];
};
_Static_assert(sizeof(struct rec) <= PIPE_BUF, "a record must be one atomic pipe write");

/* What the process that set up hands over (exec arguments, or the SCM data). */
struct handover_msg {
	uint32_t ioas_id, hwpt_id, dev_id, by_file;
	uint64_t iova;
	uint32_t mark_seed;		/* 0: the last DMA was not made (noiommu, >= 256 MiB) */
	uint64_t phys[RAM_PAGES];	/* noiommu: each RAM page's physical address */
};

/* The state of the process running the steps (A, B, S or R). */
static struct {
	int report_fd;
	int iommufd, cdev, memfd;	/* raw fd numbers, for the handover and the checks */
	struct handover_msg m;
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_hwpt *h1, *h2;
	struct iommufd_device *dev;
	uint32_t h2_id;
	struct vmt_edu edu;
	uint8_t *ram;			/* this process's own mmap of the memfd */
	int map_file_rc;		/* A/S: what IOAS_MAP_FILE answered */
	struct iommufd_probe probe;
	uint32_t seed;
	int fds_base;			/* B/R: open fds right after receiving the handover */
	bool failed;			/* a step of this process failed: its exit status */
	struct rec stats;
} H = { .report_fd = -1, .iommufd = -1, .cdev = -1, .memfd = -1 };

static void send_rec(const struct rec *r)
{
	/* A lost record shows up as a missing step in the parent: nothing else to do. */
	if (write(H.report_fd, r, sizeof(*r)) != (ssize_t)sizeof(*r))
		perror("vm-handover: report pipe");
}

/* Runs @fn as step @s in this (child) process and sends its outcome. False: stop. */
static bool child_step(enum step s, vmt_test_fn fn, bool skip_stops)
{
	struct vmt_case t = { .name = step_name[s] };
	struct rec r = { .kind = REC_STEP, .step = s };

	printf("-- %s (pid %d)\n", step_name[s], (int)getpid());
	vmt_log_reset();
	fn(&t);
	r.checks = t.checks;
	r.failed = t.failed;
	r.skipped = t.skipped;
	snprintf(r.reason, sizeof(r.reason), "%s", t.reason);
	send_rec(&r);
	H.failed |= t.failed;
	return !t.failed && !(t.skipped && skip_stops);
}

static void send_stats(void)
{
	H.stats.kind = REC_STATS;
	send_rec(&H.stats);
}

/* ---- helpers ------------------------------------------------------------- */

/* VmPin of this process in KiB (pages pinned and charged to its mm), or -1. */
static long vm_pin_kib(void)
{
	char line[128];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmPin: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

/*
 * Drop CAP_IPC_LOCK from this process's effective set. iommufd charges no
 * pinned pages to a mapping made with it (as root, the tests' default), and
 * change_process then has nothing to move; without it the mapping is charged
 * to this process, as for a VMM, and the move can be seen in VmPin.
 */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	return 0;
}

/*
 * 6.12's virtio-iommu: a HWPT_ALLOC domain has the aperture [0, 0] (see
 * the comment at the top); edu is attached to the IOAS itself and there is
 * no H1, no H2.
 */
static bool on_ioas(void)
{
	return vmt_machine_is("virtio") && vmt_kernel_version() < VMT_KV(7, 0, 0);
}

/* edu is a noiommu device (7.3+): its DMA uses physical addresses, not IOVAs. */
static bool noiommu(void)
{
	return vmt_machine_is("noiommu");
}

static bool fd_is_open(int fd)
{
	return fcntl(fd, F_GETFD) != -1;
}

static int clear_cloexec(int fd)
{
	int fl = fcntl(fd, F_GETFD);

	if (fl < 0 || fcntl(fd, F_SETFD, fl & ~FD_CLOEXEC) < 0)
		return -errno;
	return 0;
}

/*
 * The address edu is given for @len bytes at @iova: the IOVA behind an
 * IOMMU; on noiommu the physical address the IOAS reports for it, which
 * must cover @len contiguous bytes. False when GET_PA fails (recorded).
 */
static bool dma_addr(struct vmt_case *t, uint64_t iova, uint32_t len, uint64_t *ret)
{
	uint64_t contig = 0;
	int rc;

	if (!noiommu()) {
		*ret = iova;
		return true;
	}
	rc = iommufd_ioas_noiommu_get_pa(H.ioas, iova, len, ret, &contig);
	return REQUIRE(rc == 0 && *ret && contig == len,
		       "GET_PA of IOVA 0x%llx (%u bytes): %s, phys 0x%llx, %llu contiguous (%s)",
		       (unsigned long long)iova, len, vmt_errname(rc), (unsigned long long)*ret,
		       (unsigned long long)contig, rc ? iommufd_last_error() : "");
}

/*
 * One DMA check, both directions: fill RAM page 0 (our mmap of the memfd)
 * with a fresh pattern, have edu read it (IOVA of page 0) and write it back
 * to @dst_page + DST_OFF, then compare that page byte for byte: the window
 * holds the pattern, the rest of the page is untouched. Behind an IOMMU edu
 * is given the IOVAs; on noiommu the physical addresses the IOAS reports for
 * them, and when one is beyond edu's 28-bit reach the check is not made: a
 * note says so and it is counted (dma_beyond), never passed. False: failed.
 */
static bool dma_check(struct vmt_case *t, unsigned int dst_page, const char *when)
{
	uint8_t *dst = H.ram + (size_t)dst_page * PAGE;
	uint64_t src_iova = H.m.iova, dst_iova = H.m.iova + (uint64_t)dst_page * PAGE + DST_OFF;
	uint64_t src, dst_addr;
	uint32_t seed;
	unsigned int written;
	long diff;
	int rc;

	if (!dma_addr(t, src_iova, LEN, &src) || !dma_addr(t, dst_iova, LEN, &dst_addr))
		return false;
	if (src + LEN > VMT_EDU_DMA_LIMIT || dst_addr + LEN > VMT_EDU_DMA_LIMIT) {
		H.stats.dma_beyond++;
		vmt_note("DMA check of pid %d (%s) not made: memfd page 0 is at phys 0x%llx, "
			 "page %u at 0x%llx, and edu reaches only below 256 MiB (its DMA mask)",
			 (int)getpid(), when, (unsigned long long)src, dst_page,
			 (unsigned long long)(dst_addr - DST_OFF));
		return true;
	}
	seed = ++H.seed;
	H.stats.dma_made++;
	vmt_fill(H.ram, PAGE, seed);
	memset(dst, 0, PAGE);
	rc = vmt_edu_dma(&H.edu, src, 0, LEN, false);
	if (!REQUIRE(rc == 0, "%s: DMA RAM->edu from %s 0x%llx: %s", when,
		     noiommu() ? "phys" : "IOVA", (unsigned long long)src, vmt_errname(rc)))
		return false;
	rc = vmt_edu_dma(&H.edu, dst_addr, 0, LEN, true);
	if (!REQUIRE(rc == 0, "%s: DMA edu->RAM to %s 0x%llx: %s", when,
		     noiommu() ? "phys" : "IOVA", (unsigned long long)dst_addr, vmt_errname(rc)))
		return false;
	diff = vmt_pattern_diff(dst + DST_OFF, LEN, seed);
	if (!REQUIRE(diff < 0, "%s: memfd page %u differs from what edu read at byte %ld", when,
		     dst_page, diff))
		return false;
	for (written = 0; written < PAGE; written++)
		if ((written < DST_OFF || written >= DST_OFF + LEN) &&
		    ((volatile uint8_t *)dst)[written])
			break;
	if (!REQUIRE(written == PAGE,
		     "%s: byte 0x%x of memfd page %u, outside the DMA window, was written", when,
		     written, dst_page))
		return false;
	H.stats.dma_passed++;
	if (noiommu())
		vmt_note("DMA check %u of pid %d (%s): %u bytes from IOVA 0x%llx (phys 0x%llx) to "
			 "0x%llx (phys 0x%llx) landed in memfd page %u", H.stats.dma_made,
			 (int)getpid(), when, LEN, (unsigned long long)src_iova,
			 (unsigned long long)src, (unsigned long long)dst_iova,
			 (unsigned long long)dst_addr, dst_page);
	else
		vmt_note("DMA check %u of pid %d (%s): %u bytes from IOVA 0x%llx to 0x%llx "
			 "landed in memfd page %u", H.stats.dma_made, (int)getpid(), when, LEN,
			 (unsigned long long)src_iova, (unsigned long long)dst_iova, dst_page);
	return true;
}

/*
 * noiommu: the IOAS pins the memfd's pages, so they cannot move. Every RAM
 * page's physical address from GET_PA must be pagemap's for the same page
 * of this process's mmap of the memfd and, unless @record (the process
 * that mapped them records them for the handover), the one the mapping
 * process recorded. How many are below edu's reach is noted.
 */
static bool noiommu_pages(struct vmt_case *t, bool record, const char *when)
{
	uint64_t phys, contig, bad = 0;
	unsigned int low = 0;
	int rc;

	if (!noiommu())
		return true;
	/* pagemap reports only pages present in our page tables: read each in. */
	for (unsigned int i = 0; i < RAM_PAGES; i++)
		(void)((volatile uint8_t *)H.ram)[(size_t)i * PAGE];
	rc = vmt_noiommu_check_map(H.ioas, H.m.iova, RAM_LEN, H.ram, &bad);
	if (!REQUIRE(rc == 0, "%s: GET_PA of memfd page %llu is not pagemap's address of it "
		     "in pid %d: %s", when, (unsigned long long)bad, (int)getpid(),
		     vmt_errname(rc)))
		return false;
	for (unsigned int i = 0; i < RAM_PAGES; i++) {
		rc = iommufd_ioas_noiommu_get_pa(H.ioas, H.m.iova + (uint64_t)i * PAGE, PAGE, &phys,
						 &contig);
		if (!REQUIRE(rc == 0, "%s: GET_PA of memfd page %u: %s (%s)", when, i,
			     vmt_errname(rc), iommufd_last_error()))
			return false;
		if (record)
			H.m.phys[i] = phys;
		else if (!REQUIRE(phys == H.m.phys[i], "%s: memfd page %u is at phys 0x%llx, it "
				  "was at 0x%llx when mapped: a pinned page moved", when, i,
				  (unsigned long long)phys, (unsigned long long)H.m.phys[i]))
			return false;
		low += phys + PAGE <= VMT_EDU_DMA_LIMIT;
	}
	vmt_note("noiommu (%s): the %u memfd pages are at the physical addresses %s (GET_PA = "
		 "pagemap of pid %d), %u of them below 256 MiB", when, RAM_PAGES,
		 record ? "recorded for the handover" : "recorded before the handover",
		 (int)getpid(), low);
	return true;
}

/* ---- stage 1: set up (A or S) -------------------------------------------- */

static void st_setup(struct vmt_case *t)
{
	uint32_t passed;
	char err[256];
	int rc;

	CHECK_RC(vmt_ctx_new(&H.ctx), 0);
	H.iommufd = iommufd_ctx_get_fd(H.ctx);
	CHECK_RC(vmt_ctx_probe(H.ctx, &H.probe), 0);
	CHECK_RC(iommufd_ioas_alloc(H.ctx, &H.ioas), 0);
	if (noiommu() ? !vmt_noiommu_bind(t, H.ctx, &H.dev) : !vmt_edu_bind(t, H.ctx, &H.dev))
		goto out;
	H.cdev = iommufd_device_get_fd(H.dev);
	rc = vmt_edu_open(&H.edu, H.cdev, err, sizeof(err));
	CHECK(rc == 0, "edu: %s", err);
	if (on_ioas()) {
		/*
		 * edu on the IOAS, before any mapping: the kernel allocates the
		 * domain, attaches it and only then adds it to the IOAS, so it
		 * has its aperture and the IOAS allows the RAM's IOVA.
		 */
		CHECK_RC(iommufd_device_attach(H.dev, iommufd_ioas_as_pt(H.ioas)), 0);
		CHECK_RC(iommufd_device_get_hwpt_id(H.dev, &H.m.hwpt_id), 0);
		CHECK(vmt_pick_iova(H.ioas, 0, RAM_LEN, &H.m.iova),
		      "IOAS %u allows no %llu bytes below 256 MiB with edu attached to it "
		      "(automatic HWPT %u)", iommufd_ioas_get_id(H.ioas),
		      (unsigned long long)RAM_LEN, H.m.hwpt_id);
	} else {
		/*
		 * H1 before any mapping: a HWPT reserves the device's reserved
		 * ranges in its IOAS, which fails over existing mappings (vm-dma.c).
		 */
		CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(H.ioas), H.dev, NULL, &H.h1), 0);
		CHECK(!iommufd_hwpt_is_kernel_allocated(H.h1), "H1 took the plain path");
		CHECK_RC(iommufd_device_attach(H.dev, iommufd_hwpt_as_pt(H.h1)), 0);
		H.m.hwpt_id = iommufd_hwpt_get_id(H.h1);
		if (!vmt_pick_iova(H.ioas, 0, RAM_LEN, &H.m.iova))
			CHECK(false, "IOAS %u allows no %llu bytes below 256 MiB with edu on HWPT %u",
			      iommufd_ioas_get_id(H.ioas), (unsigned long long)RAM_LEN,
			      H.m.hwpt_id);
	}

	/* Guest RAM: a memfd, mapped here too so this process can check bytes. */
	H.memfd = memfd_create("vm-handover-ram", MFD_CLOEXEC);
	CHECK(H.memfd >= 0, "memfd_create: %s", vmt_errname(errno));
	CHECK(ftruncate(H.memfd, (off_t)RAM_LEN) == 0, "ftruncate: %s", vmt_errname(errno));
	H.ram = mmap(NULL, RAM_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, H.memfd, 0);
	CHECK(H.ram != MAP_FAILED, "mmap memfd: %s", vmt_errname(errno));
	CHECK_RC(drop_ipc_lock(), 0);
	if (H.probe.map_file.support == IOMMUFD_FEATURE_SUPPORTED) {
		H.map_file_rc = iommufd_ioas_map_file_fixed(H.ioas, H.memfd, 0, RAM_LEN, H.m.iova,
							    RW);
		CHECK(H.map_file_rc == 0, "iommufd_ioas_map_file_fixed: %s (%s)",
		      vmt_errname(H.map_file_rc), iommufd_last_error());
		H.m.by_file = 1;
		snprintf(H.stats.how, sizeof(H.stats.how), "IOMMU_IOAS_MAP_FILE of the memfd");
	} else {
		/* The kernel's answer is what the map-file step reports. */
		H.map_file_rc = iommufd_ioas_map_file_fixed(H.ioas, H.memfd, 0, RAM_LEN, H.m.iova,
							    RW);
		CHECK(H.map_file_rc != 0, "map_file worked though the probe said %s",
		      vmt_verdict("map_file", H.probe.map_file));
		/* The same pages through this process's MAP_SHARED view of the memfd. */
		CHECK_RC(iommufd_ioas_map_fixed(H.ioas, H.ram, RAM_LEN, H.m.iova, RW), 0);
		snprintf(H.stats.how, sizeof(H.stats.how),
			 "IOMMU_IOAS_MAP of a MAP_SHARED memfd mmap (no map_file)");
	}
	H.stats.pages = RAM_PAGES;
	vmt_note("VmPin of the mapping process: %ld kB", vm_pin_kib());
	H.m.ioas_id = iommufd_ioas_get_id(H.ioas);
	H.m.dev_id = iommufd_device_get_id(H.dev);
	vmt_note("IOAS %u, %s %u, device %u; %u pages of memfd RAM at IOVA 0x%llx by %s",
		 H.m.ioas_id, on_ioas() ? "edu on it, its automatic HWPT" : "HWPT H1",
		 H.m.hwpt_id, H.m.dev_id, RAM_PAGES, (unsigned long long)H.m.iova, H.stats.how);
	if (!noiommu_pages(t, true, "mapped"))
		goto out;
	if (!dma_check(t, DST_PAGE, "before the handover"))
		goto out;
	/* A last transfer the next process must find in its own mmap (if edu reaches it). */
	passed = H.stats.dma_passed;
	if (!dma_check(t, MARK_PAGE, "before the handover, left for the next process"))
		goto out;
	H.m.mark_seed = H.stats.dma_passed > passed ? H.seed : 0;
out:
	return;
}

static void st_map_file(struct vmt_case *t)
{
	if (H.probe.map_file.support != IOMMUFD_FEATURE_SUPPORTED) {
		CHECK(H.map_file_rc == H.probe.map_file.err, "map_file = %s, the probe said %s",
		      vmt_errname(H.map_file_rc), vmt_verdict("map_file", H.probe.map_file));
		vmt_skip_probe(t, "map_file", H.probe.map_file,
			       "kernel %s (IOAS_MAP_FILE: %s); the RAM was mapped with IOAS_MAP "
			       "of a MAP_SHARED memfd mmap instead", vmt_kernel_release(),
			       vmt_errname(H.map_file_rc));
		goto out;
	}
	CHECK(H.m.by_file && H.map_file_rc == 0, "the RAM is not mapped by file");
	/* setup stopped at its first failed DMA check: here all it made passed. */
	CHECK(H.stats.dma_passed + H.stats.dma_beyond == 2,
	      "%u of 2 DMA checks through the file mapping passed (%u not made)",
	      H.stats.dma_passed, H.stats.dma_beyond);
out:
	return;
}

/* ---- stage 2: adopt and carry on (B or R) -------------------------------- */

static void st_adopt(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, o, .log_fn = vmt_log_fn, .log_priority = LOG_INFO);
	char err[256];
	uint32_t id = 0;
	long diff;
	int rc;

	/* Owned: from now on the handles close and destroy what they adopted. */
	rc = iommufd_ctx_new_from_fd(H.iommufd, IOMMUFD_ADOPT_OWN, &o, &H.ctx);
	CHECK(rc == 0, "iommufd_ctx_new_from_fd(%d, OWN): %s (%s)", H.iommufd, vmt_errname(rc),
	      iommufd_last_error());
	CHECK(iommufd_ctx_get_fd(H.ctx) == H.iommufd, "the context uses fd %d, not %d",
	      iommufd_ctx_get_fd(H.ctx), H.iommufd);
	CHECK_RC(iommufd_ioas_new_from_id(H.ctx, H.m.ioas_id, IOMMUFD_ADOPT_OWN, &H.ioas), 0);
	if (on_ioas())
		/* The automatic HWPT is the kernel's: it exists and edu holds it. */
		CHECK_RC(vmt_destroy(H.iommufd, H.m.hwpt_id), -EBUSY);
	else
		CHECK_RC(iommufd_hwpt_new_from_id(H.ctx, H.m.hwpt_id, 0, IOMMUFD_ADOPT_OWN,
						  &H.h1), 0);
	CHECK_RC(iommufd_device_new_from_id(H.ctx, H.m.dev_id, H.cdev, IOMMUFD_ADOPT_OWN, &H.dev),
		 0);
	CHECK(iommufd_device_get_fd(H.dev) == H.cdev, "the device uses fd %d, not %d",
	      iommufd_device_get_fd(H.dev), H.cdev);
	/* The kernel cannot say what the device is attached to: the handle does not know. */
	CHECK(iommufd_device_get_pt(H.dev) == NULL, "an adopted device claims a page table");
	CHECK_RC(iommufd_device_get_hwpt_id(H.dev, &id), -ENOENT);

	H.ram = mmap(NULL, RAM_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, H.memfd, 0);
	CHECK(H.ram != MAP_FAILED, "mmap of the inherited memfd: %s", vmt_errname(errno));
	/* noiommu: the pinned pages are where the mapping process found them. */
	if (!noiommu_pages(t, false, "adopted"))
		goto out;
	if (H.m.mark_seed) {
		/* The bytes the previous process's last DMA wrote are in our view of the memfd. */
		diff = vmt_pattern_diff(H.ram + (size_t)MARK_PAGE * PAGE + DST_OFF, LEN,
					H.m.mark_seed);
		CHECK(diff < 0, "memfd page %u lacks the previous process's DMA (byte %ld)",
		      MARK_PAGE, diff);
		vmt_note("memfd page %u holds the %u bytes edu wrote before the handover",
			 MARK_PAGE, LEN);
	} else {
		CHECK(noiommu(), "no DMA was left for this process to find");
		vmt_note("memfd page %u: edu could not write it before the handover (noiommu, "
			 "beyond 256 MiB), nothing to read back", MARK_PAGE);
	}

	rc = vmt_edu_open(&H.edu, H.cdev, err, sizeof(err));
	CHECK(rc == 0, "edu through the inherited cdev: %s", err);
	H.seed = H.m.mark_seed + 1000;	/* patterns no earlier check used */
	/* Still attached to H1 (or the IOAS) from before: no attach call was made here. */
	dma_check(t, DST_PAGE, "after adopting, on the inherited attachment");
out:
	return;
}

static void st_change_process(struct vmt_case *t)
{
	long pin_before, pin_after;
	int rc;

	CHECK_RC(vmt_ctx_probe(H.ctx, &H.probe), 0);
	if (H.probe.change_process.support != IOMMUFD_FEATURE_SUPPORTED) {
		rc = iommufd_ctx_change_process(H.ctx);
		CHECK(rc == H.probe.change_process.err, "change_process = %s, the probe said %s",
		      vmt_errname(rc), vmt_verdict("change_process", H.probe.change_process));
		vmt_skip_probe(t, "change_process", H.probe.change_process,
			       "kernel %s (IOAS_CHANGE_PROCESS: %s): the %u pinned pages stay "
			       "charged to the process that mapped them, which is gone",
			       vmt_kernel_release(), vmt_errname(rc), RAM_PAGES);
		goto out;
	}
	CHECK(H.m.by_file, "change_process is supported but the RAM was not mapped by file");
	pin_before = vm_pin_kib();
	rc = iommufd_ctx_change_process(H.ctx);
	CHECK(rc == 0, "iommufd_ctx_change_process: %s (%s)", vmt_errname(rc),
	      iommufd_last_error());
	pin_after = vm_pin_kib();
	vmt_note("change_process: VmPin of this process %ld kB before, %ld kB after", pin_before,
		 pin_after);
	/* The pinned pages are now charged here (A/S mapped without CAP_IPC_LOCK). */
	CHECK(pin_after - pin_before == (long)(RAM_LEN / 1024),
	      "VmPin grew by %ld kB, expected the %llu kB of RAM", pin_after - pin_before,
	      (unsigned long long)(RAM_LEN / 1024));
	/* noiommu: moving the charge did not move the pages. */
	if (!noiommu_pages(t, false, "after change_process"))
		goto out;
	dma_check(t, DST_PAGE, "after change_process");
out:
	return;
}

/*
 * On 6.12 + virtio-iommu: what the replace step can check without a
 * usable H2, then its skip. HWPT_ALLOC on the IOAS, which maps the RAM, is
 * refused (EADDRINUSE: the [0, 0] aperture's reservation of every other
 * IOVA collides with the RAM) and the library names the aperture; edu's
 * DMA still lands through the automatic HWPT.
 */
static void replace_on_ioas(struct vmt_case *t)
{
	int rc;

	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(H.ioas), H.dev, NULL, &H.h2);
	CHECK(rc == -EADDRINUSE && strstr(iommufd_last_error(), "[0, 0]"),
	      "HWPT_ALLOC on IOAS %u with the RAM mapped: %s (%s)", H.m.ioas_id,
	      vmt_errname(rc), iommufd_last_error());
	if (!dma_check(t, DST_PAGE, "after the refused HWPT_ALLOC"))
		goto out;
	SKIP("kernel %s: virtio-iommu gives a HWPT_ALLOC domain the aperture [0, 0] "
	     "(docs/kernel-quirks.md, virtio-aperture; HWPT_ALLOC here: %s), so there is no "
	     "HWPT H2 to replace edu onto and back; edu stays on IOAS %u's automatic HWPT %u",
	     vmt_kernel_release(), vmt_errname(rc), H.m.ioas_id, H.m.hwpt_id);
out:
	return;
}

static void st_replace(struct vmt_case *t)
{
	int fd = iommufd_ctx_get_fd(H.ctx);
	uint32_t id = 0;

	if (on_ioas()) {
		replace_on_ioas(t);
		return;
	}

	/* H2: a new HWPT on the same IOAS, so on the same memfd pages. */
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(H.ioas), H.dev, NULL, &H.h2), 0);
	CHECK(!iommufd_hwpt_is_kernel_allocated(H.h2), "H2 took the plain path");
	H.h2_id = iommufd_hwpt_get_id(H.h2);
	CHECK(H.h2_id != H.m.hwpt_id, "H2 has H1's ID %u", H.h2_id);

	/* Allowed at once: the adopted device's attachment is unknown. */
	CHECK_RC(iommufd_device_replace(H.dev, iommufd_hwpt_as_pt(H.h2)), 0);
	CHECK(iommufd_device_get_pt(H.dev) == iommufd_hwpt_as_pt(H.h2), "get_pt is not H2");
	CHECK_RC(iommufd_device_get_hwpt_id(H.dev, &id), 0);
	CHECK(id == H.h2_id, "the kernel reports HWPT %u, H2 is %u", id, H.h2_id);
	/* The kernel's view: H2 is in use, so a destroy is refused (and does nothing). */
	CHECK_RC(vmt_destroy(fd, H.h2_id), -EBUSY);
	if (!noiommu_pages(t, false, "on H2") || !dma_check(t, DST_PAGE, "on H2"))
		goto out;

	/* Back onto H1, the page table adopted by ID. */
	CHECK_RC(iommufd_device_replace(H.dev, iommufd_hwpt_as_pt(H.h1)), 0);
	CHECK(iommufd_device_get_pt(H.dev) == iommufd_hwpt_as_pt(H.h1), "get_pt is not H1");
	CHECK_RC(iommufd_device_get_hwpt_id(H.dev, &id), 0);
	CHECK(id == H.m.hwpt_id, "the kernel reports HWPT %u, H1 is %u", id, H.m.hwpt_id);
	if (!noiommu_pages(t, false, "back on H1") || !dma_check(t, DST_PAGE, "back on H1"))
		goto out;
	/* Nothing uses H2 any more: the kernel destroys it, which proves the device left. */
	CHECK_RC(iommufd_hwpt_destroy(H.h2), 0);
	H.h2 = NULL;
	vmt_note("edu went H1 %u -> H2 %u -> H1 %u, DMA byte-checked on each%s", H.m.hwpt_id,
		 H.h2_id, H.m.hwpt_id, noiommu() ? " (noiommu: nothing translates, the DMA "
		 "shows the pinned pages stayed, the HWPT IDs are the kernel's word)" : "");
out:
	return;
}

static void st_teardown(struct vmt_case *t)
{
	const uint32_t ids[] = { H.m.ioas_id, H.m.hwpt_id, H.h2_id, H.m.dev_id };
	const char *const what[] = { "IOAS", on_ioas() ? "automatic HWPT" : "HWPT H1",
				     "HWPT H2", "device" };
	struct iommufd_ctx *ctx = iommufd_ctx_ref(H.ctx);	/* keeps the fd for the checks */
	int fd = iommufd_ctx_get_fd(ctx), nfds;
	size_t left = 99;
	long pin;

	vmt_edu_close(&H.edu);		/* the BAR mmap holds the cdev file too */
	CHECK(munmap(H.ram, RAM_LEN) == 0, "munmap: %s", vmt_errname(errno));
	H.ram = NULL;
	CHECK(close(H.memfd) == 0, "close memfd: %s", vmt_errname(errno));

	/* Owned cdev: the last unref detaches and closes it, which unbinds edu. */
	H.dev = iommufd_device_unref(H.dev);
	CHECK(!fd_is_open(H.cdev), "the adopted cdev fd %d is still open", H.cdev);
	/*
	 * Destroys that report: the kernel says it destroyed each (the
	 * automatic HWPT of 6.12/virtio went with the detach: the IOAS's
	 * destroy would be EBUSY otherwise).
	 */
	if (!on_ioas()) {
		CHECK_RC(iommufd_hwpt_destroy(H.h1), 0);
		H.h1 = NULL;
	}
	CHECK_RC(iommufd_ioas_destroy(H.ioas), 0);
	H.ioas = NULL;
	CHECK_RC(iommufd_ctx_retry_destroys(ctx, &left), 0);
	CHECK(left == 0, "%zu destroys still deferred", left);
	/* The kernel's view: none of the handed-over objects, nor H2, exists. */
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++)
		if (ids[i])	/* 0: no H2 was made (6.12/virtio) */
			CHECK(vmt_destroy(fd, ids[i]) == -ENOENT, "%s %u still exists (DESTROY: %s)",
			      what[i], ids[i], vmt_errname(vmt_destroy(fd, ids[i])));
	pin = vm_pin_kib();
	CHECK(pin <= 0, "VmPin is still %ld kB after the IOAS went", pin);

	/* Owned iommufd: the last unref closes it. */
	iommufd_ctx_unref(ctx);
	H.ctx = iommufd_ctx_unref(H.ctx);
	CHECK(!fd_is_open(H.iommufd), "the adopted iommufd %d is still open", H.iommufd);
	CHECK(!fd_is_open(H.memfd), "the memfd %d is still open", H.memfd);
	nfds = vmt_count_fds();
	CHECK(nfds == H.fds_base - 3, "%d fds open, expected %d (the 3 handed over are closed)",
	      nfds, H.fds_base - 3);
	vmt_note("nothing left: IDs %u %u %u %u give ENOENT, %d fds open (%d before teardown)",
		 ids[0], ids[1], ids[2], ids[3], nfds, H.fds_base);
	return;
out:
	iommufd_ctx_unref(ctx);
}

/* Stage 2 in order; the process's exit status says whether a step failed. */
static int run_stage2(void)
{
	H.fds_base = vmt_count_fds();
	if (child_step(S_ADOPT, st_adopt, true) &&
	    child_step(S_CHANGE, st_change_process, false) &&
	    child_step(S_REPLACE, st_replace, !on_ioas()))
		child_step(S_TEARDOWN, st_teardown, true);
	send_stats();
	return H.failed ? 1 : 0;
}

/* Stage 1 in order: true when the handover may go ahead. */
static bool run_stage1(void)
{
	bool ok = child_step(S_SETUP, st_setup, true) && child_step(S_MAP_FILE, st_map_file, false);

	send_stats();
	return ok;
}

/* ---- scenario exec: A, then B in the same process ----------------------- */

static void exec_a(void)
{
	char a[10][32], phys[RAM_PAGES * 20];
	char *argv[13];
	int n = 0, at = 0;

	if (!run_stage1())
		_exit(H.failed ? 1 : 0);	/* a skip (no aperture) is a clean end */
	/* What B inherits: everything else stays close-on-exec. */
	if (clear_cloexec(H.iommufd) || clear_cloexec(H.cdev) || clear_cloexec(H.memfd) ||
	    clear_cloexec(H.report_fd)) {
		printf("  exec: F_SETFD: %s\n", vmt_errname(errno));
		_exit(1);
	}
	snprintf(a[0], sizeof(a[0]), "%d", H.report_fd);
	snprintf(a[1], sizeof(a[1]), "%d", H.iommufd);
	snprintf(a[2], sizeof(a[2]), "%d", H.cdev);
	snprintf(a[3], sizeof(a[3]), "%d", H.memfd);
	snprintf(a[4], sizeof(a[4]), "%u", H.m.ioas_id);
	snprintf(a[5], sizeof(a[5]), "%u", H.m.hwpt_id);
	snprintf(a[6], sizeof(a[6]), "%u", H.m.dev_id);
	snprintf(a[7], sizeof(a[7]), "0x%llx", (unsigned long long)H.m.iova);
	snprintf(a[8], sizeof(a[8]), "%u", H.m.by_file);
	snprintf(a[9], sizeof(a[9]), "%u", H.m.mark_seed);
	for (unsigned int i = 0; i < RAM_PAGES; i++)
		at += snprintf(phys + at, sizeof(phys) - (size_t)at, "%s0x%llx", i ? "," : "",
			       (unsigned long long)H.m.phys[i]);
	argv[n++] = "vm-handover";
	argv[n++] = STAGE2_ARG;
	for (int i = 0; i < 10; i++)
		argv[n++] = a[i];
	argv[n++] = phys;
	argv[n] = NULL;
	printf("  exec /proc/self/exe %s report=%s iommufd=%s cdev=%s memfd=%s ioas=%s hwpt=%s "
	       "dev=%s iova=%s\n", STAGE2_ARG, a[0], a[1], a[2], a[3], a[4], a[5], a[6], a[7]);
	fflush(NULL);
	/* No unref: the handles vanish with this image, the kernel objects do not. */
	execv("/proc/self/exe", argv);
	printf("  exec /proc/self/exe: %s\n", vmt_errname(errno));
	_exit(1);
}

/* B: the new image, started by exec_a() with STAGE2_ARG. */
static int exec_b(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IOLBF, 0);
	char *p;

	if (argc != 13) {
		printf("vm-handover: %s wants 11 arguments, got %d\n", STAGE2_ARG, argc - 2);
		return 2;
	}
	H.report_fd = atoi(argv[2]);
	H.iommufd = atoi(argv[3]);
	H.cdev = atoi(argv[4]);
	H.memfd = atoi(argv[5]);
	H.m.ioas_id = (uint32_t)strtoul(argv[6], NULL, 0);
	H.m.hwpt_id = (uint32_t)strtoul(argv[7], NULL, 0);
	H.m.dev_id = (uint32_t)strtoul(argv[8], NULL, 0);
	H.m.iova = strtoull(argv[9], NULL, 0);
	H.m.by_file = (uint32_t)strtoul(argv[10], NULL, 0);
	H.m.mark_seed = (uint32_t)strtoul(argv[11], NULL, 0);
	p = argv[12];
	for (unsigned int i = 0; i < RAM_PAGES; i++) {
		H.m.phys[i] = strtoull(p, &p, 0);
		if (*p == ',')
			p++;
	}
	/* Not handed to anything B starts. */
	fcntl(H.report_fd, F_SETFD, FD_CLOEXEC);
	printf("vm-handover: new image (pid %d) adopts iommufd %d, cdev %d, memfd %d\n",
	       (int)getpid(), H.iommufd, H.cdev, H.memfd);
	return run_stage2();
}

/* ---- scenario scm: S sends, R receives ----------------------------------- */

static void scm_sender(int sock)
{
	int fds[3];
	char cbuf[CMSG_SPACE(sizeof(fds))];
	struct iovec iov = { .iov_base = &H.m, .iov_len = sizeof(H.m) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;

	if (!run_stage1())
		_exit(H.failed ? 1 : 0);	/* R sees EOF with no message and reports nothing */
	fds[0] = H.iommufd;
	fds[1] = H.cdev;
	fds[2] = H.memfd;
	memset(cbuf, 0, sizeof(cbuf));
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(fds));
	memcpy(CMSG_DATA(c), fds, sizeof(fds));
	if (sendmsg(sock, &msg, 0) != (ssize_t)sizeof(H.m)) {
		printf("  sender: sendmsg: %s\n", vmt_errname(errno));
		_exit(1);
	}
	printf("  sender (pid %d): sent iommufd %d, cdev %d, memfd %d and IOAS %u, HWPT %u, "
	       "device %u; hands the context over and releases every handle\n", (int)getpid(),
	       fds[0], fds[1], fds[2], H.m.ioas_id, H.m.hwpt_id, H.m.dev_id);
	/*
	 * A sender that goes on running: after the hand-over its unrefs must
	 * neither detach the device nor destroy the HWPT and IOAS R adopts (R
	 * proves that by DMA), and only close its own copies of the fds.
	 */
	if (iommufd_ctx_hand_over(H.ctx)) {
		printf("  sender: iommufd_ctx_hand_over: %s\n", iommufd_last_error());
		_exit(1);
	}
	iommufd_device_unref(H.dev);
	iommufd_hwpt_unref(H.h1);
	iommufd_ioas_unref(H.ioas);
	iommufd_ctx_unref(H.ctx);
	close(H.memfd);
	fflush(NULL);
	_exit(0);
}

static int scm_receiver(int sock)
{
	int fds[3];
	char cbuf[CMSG_SPACE(sizeof(fds))];
	struct iovec iov = { .iov_base = &H.m, .iov_len = sizeof(H.m) };
	struct msghdr msg = {
		.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof(cbuf),
	};
	struct cmsghdr *c;
	ssize_t n;
	char byte;

	n = recvmsg(sock, &msg, MSG_CMSG_CLOEXEC);
	if (n == 0)
		return 0;	/* the sender stopped before the handover: it reported why */
	c = CMSG_FIRSTHDR(&msg);
	if (n != (ssize_t)sizeof(H.m) || !c || c->cmsg_type != SCM_RIGHTS ||
	    c->cmsg_len != CMSG_LEN(sizeof(fds)) || (msg.msg_flags & MSG_CTRUNC)) {
		printf("  receiver: bad handover message (%zd bytes, flags 0x%x): %s\n", n,
		       msg.msg_flags, n < 0 ? vmt_errname(errno) : "");
		return 1;
	}
	memcpy(fds, CMSG_DATA(c), sizeof(fds));
	H.iommufd = fds[0];
	H.cdev = fds[1];
	H.memfd = fds[2];
	/* Wait until the sender is gone: then this process holds the only copies. */
	while ((n = read(sock, &byte, 1)) < 0 && errno == EINTR)
		;
	close(sock);
	printf("vm-handover: receiver (pid %d) got iommufd %d, cdev %d, memfd %d; the sender "
	       "has exited\n", (int)getpid(), H.iommufd, H.cdev, H.memfd);
	return run_stage2();
}

/* ---- the protocol process ------------------------------------------------ */

/* What came back from one scenario's processes. */
static struct {
	const char *scen;
	struct vmt_case pre;		/* the machine cannot run it: every step says so */
	bool have[S_NR];
	struct rec r[S_NR];
	int status[2];			/* wait status of stage 1's and stage 2's process */
	int next;			/* step vmt_run reports next */
} P;

static bool proc_clean(int st)
{
	return WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void describe_status(int st, char *buf, size_t len)
{
	if (WIFEXITED(st))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "killed by signal %d", WTERMSIG(st));
	else
		snprintf(buf, len, "wait status 0x%x", st);
}

/* vmt_run's test function: replays step P.next from its record. */
static void replay(struct vmt_case *t)
{
	int s = P.next++;
	int proc = s < FIRST_STAGE2 ? 0 : 1;
	char how[64];

	if (P.pre.failed || P.pre.skipped) {
		if (s == 0 || P.pre.skipped) {
			t->failed = P.pre.failed;
			t->skipped = P.pre.skipped;
			t->checks = P.pre.checks;
			snprintf(t->reason, sizeof(t->reason), "%s", P.pre.reason);
		} else {
			vmt_skip_(t, "not reached: %s-%s failed", P.scen, step_name[0]);
		}
		return;
	}
	if (P.have[s]) {
		t->checks = P.r[s].checks;
		t->failed = P.r[s].failed;
		t->skipped = P.r[s].skipped;
		snprintf(t->reason, sizeof(t->reason), "%s", P.r[s].reason);
		/* A process that reported its last step and then died still fails it. */
		if (!t->failed && (s == FIRST_STAGE2 - 1 || s == S_NR - 1) &&
		    !proc_clean(P.status[proc])) {
			describe_status(P.status[proc], how, sizeof(how));
			REQUIRE(false, "the %s process ended with %s",
				proc ? "adopting" : "setting-up", how);
		}
		return;
	}
	for (int i = s - 1; i >= 0; i--)
		if (P.have[i] && P.r[i].failed) {
			vmt_skip_(t, "not reached: %s-%s failed", P.scen, step_name[i]);
			return;
		}
	if (!proc_clean(P.status[proc])) {
		describe_status(P.status[proc], how, sizeof(how));
		REQUIRE(false, "no report: the %s process ended with %s",
			proc ? "adopting" : "setting-up", how);
		return;
	}
	for (int i = s - 1; i >= 0; i--)
		if (P.have[i] && P.r[i].skipped) {
			vmt_skip_(t, "not reached: %s-%s skipped", P.scen, step_name[i]);
			return;
		}
	REQUIRE(false, "no report from the %s process", proc ? "adopting" : "setting-up");
}

/* Whether this machine and kernel can run a handover at all (edu DMA). */
static void precondition(struct vmt_case *t)
{
	if (!vmt_need_iommufd(t))
		return;
	if (noiommu() && vmt_kernel_version() < VMT_KV(7, 3, 0))
		vmt_skip_(t, "kernel %s: no noiommu VFIO cdevs (7.3+): the handover is proven by "
			  "edu DMA", vmt_kernel_release());
	else if (!vmt_machine_has_edu() && !noiommu())
		vmt_skip_(t, "machine %s has no edu device behind an IOMMU: the handover is "
			  "proven by edu DMA", vmt_machine());
}

/* Reads every record of the scenario until all writers are gone. */
static void collect(int rd, struct rec *stats)
{
	struct rec r;
	ssize_t n;

	memset(stats, 0, sizeof(*stats));
	while ((n = read(rd, &r, sizeof(r))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(r))
			break;
		if (r.kind == REC_STEP && r.step < S_NR) {
			P.r[r.step] = r;
			P.have[r.step] = true;
		} else if (r.kind == REC_STATS) {
			stats->pages += r.pages;
			stats->dma_made += r.dma_made;
			stats->dma_passed += r.dma_passed;
			stats->dma_beyond += r.dma_beyond;
			if (r.how[0])
				snprintf(stats->how, sizeof(stats->how), "%s", r.how);
		}
	}
	close(rd);
}

static void report(const char *scen, const struct rec *stats)
{
	char name[64];

	for (int s = 0; s < S_NR; s++) {
		snprintf(name, sizeof(name), "%s-%s", scen, step_name[s]);
		vmt_run(name, replay);
	}
	/* The numbers the closing note quotes; none when nothing was mapped. */
	if (!P.pre.failed && !P.pre.skipped && (stats->pages || stats->dma_made) && noiommu())
		vmt_note("handover %s on %s/%s: %u pages mapped (%s), %u DMA checks to physical "
			 "addresses made, %u passed, %u not made (a page at or above 256 MiB)",
			 scen, vmt_kernel_release(), vmt_machine(), stats->pages,
			 stats->how[0] ? stats->how : "none", stats->dma_made, stats->dma_passed,
			 stats->dma_beyond);
	else if (!P.pre.failed && !P.pre.skipped && (stats->pages || stats->dma_made))
		vmt_note("handover %s on %s/%s: %u pages mapped (%s), %u DMA checks made, "
			 "%u passed", scen, vmt_kernel_release(), vmt_machine(), stats->pages,
			 stats->how[0] ? stats->how : "none", stats->dma_made, stats->dma_passed);
}

static void scenario(const char *scen, bool scm)
{
	struct vmt_case *t = &P.pre;	/* what the set-up's checks fail */
	struct rec stats;
	int pfd[2], sv[2] = { -1, -1 };
	pid_t pid[2] = { -1, -1 };

	memset(&P, 0, sizeof(P));
	P.scen = scen;
	P.pre.name = scen;
	precondition(&P.pre);
	memset(&stats, 0, sizeof(stats));
	if (P.pre.failed || P.pre.skipped) {
		report(scen, &stats);
		return;
	}
	if (pipe2(pfd, O_CLOEXEC)) {
		REQUIRE(false, "pipe: %s", vmt_errname(errno));
		report(scen, &stats);
		return;
	}
	if (scm && socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv)) {
		/* Kernels built without CONFIG_UNIX (it needs CONFIG_NET) answer ENOSYS. */
		REQUIRE(false, "socketpair(AF_UNIX): %s", vmt_errname(errno));
		close(pfd[0]);
		close(pfd[1]);
		report(scen, &stats);
		return;
	}
	fflush(NULL);
	if (!scm) {
		pid[0] = pid[1] = fork();
		if (pid[0] == 0) {
			close(pfd[0]);
			H.report_fd = pfd[1];
			exec_a();
		}
	} else {
		pid[1] = fork();
		if (pid[1] == 0) {
			close(pfd[0]);
			close(sv[0]);
			H.report_fd = pfd[1];
			_exit(scm_receiver(sv[1]));
		}
		pid[0] = fork();
		if (pid[0] == 0) {
			close(pfd[0]);
			close(sv[1]);
			H.report_fd = pfd[1];
			scm_sender(sv[0]);
		}
		/* Only S and R hold the socket: R sees EOF when S has exited. */
		close(sv[0]);
		close(sv[1]);
	}
	close(pfd[1]);
	collect(pfd[0], &stats);
	for (int i = 0; i < 2; i++) {
		if (pid[i] < 0)
			P.status[i] = -1;
		else if (i == 1 && pid[1] == pid[0])
			P.status[1] = P.status[0];
		else
			while (waitpid(pid[i], &P.status[i], 0) < 0 && errno == EINTR)
				;
	}
	report(scen, &stats);
}

int main(int argc, char **argv)
{
	int fds;

	if (argc > 1 && strcmp(argv[1], STAGE2_ARG) == 0)
		return exec_b(argc, argv);
	vmt_begin(argv[0], 2 * S_NR);
	fds = vmt_count_fds();
	scenario("exec", false);
	scenario("scm", true);
	/* The protocol process itself never held a handed-over fd. */
	if (vmt_count_fds() != fds)
		printf("vm-handover: %d fds open at the end, %d at the start\n", vmt_count_fds(),
		       fds);
	return vmt_end();
}
