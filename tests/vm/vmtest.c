// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Helpers of the VM test programs: see vmtest.h.
 */
#define _GNU_SOURCE
#ifdef HAVE_CONFIG_H
#include "config.h"	/* HAVE_STRERRORNAME_NP */
#endif
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>	/* region ioctls only: Debian 12's 6.1 header has them */

#include "uapi.h"	/* the library's own statement of IOMMU_DESTROY */
#include "vmtest.h"

/* ---- protocol ------------------------------------------------------------ */

static const char *prog = "vmtest";
static unsigned int planned, reported, failures;

void vmt_begin(const char *argv0, unsigned int ntests)
{
	const char *slash = argv0 ? strrchr(argv0, '/') : NULL;

	if (argv0 && *argv0)
		prog = slash ? slash + 1 : argv0;
	/* Results must reach the console even if the timeout kills us. */
	setvbuf(stdout, NULL, _IOLBF, 0);
	setvbuf(stderr, NULL, _IOLBF, 0);
	planned = ntests;
	printf("%s: kernel %s, machine %s\n", prog, vmt_kernel_release(), vmt_machine());
	printf("PLAN %s %u\n", prog, ntests);
}

void vmt_note(const char *fmt, ...)
{
	va_list ap;

	fputs("  ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	fputc('\n', stdout);
}

/* Reasons are one line: newlines would break the protocol. */
static void one_line(char *s)
{
	for (; *s; s++)
		if (*s == '\n' || *s == '\r')
			*s = ' ';
}

void vmt_run(const char *name, vmt_test_fn fn)
{
	struct vmt_case t = { .name = name };
	const char *status;

	printf("-- %s\n", name);
	vmt_log_reset();
	fn(&t);
	if (t.failed) {
		status = "fail";
	} else if (t.skipped) {
		status = "skip";
	} else if (t.checks == 0) {
		/* Never a pass for something that was not checked. */
		status = "fail";
		snprintf(t.reason, sizeof(t.reason), "the test checked nothing");
	} else {
		status = "pass";
		snprintf(t.reason, sizeof(t.reason), "%u checks", t.checks);
	}
	if (strcmp(status, "fail") == 0)
		failures++;
	one_line(t.reason);
	printf("RESULT %s %s %s%s%s\n", prog, name, status, t.reason[0] ? " " : "",
	       t.reason);
	reported++;
}

int vmt_end(void)
{
	if (reported != planned) {
		printf("%s: %u results for a plan of %u\n", prog, reported, planned);
		return 1;
	}
	return failures ? 1 : 0;
}

bool vmt_check_(struct vmt_case *t, bool ok, const char *file, int line,
		const char *fmt, ...)
{
	va_list ap;
	int n;

	t->checks++;
	if (ok)
		return true;
	t->failed = true;
	n = snprintf(t->reason, sizeof(t->reason), "%s:%d: ", strrchr(file, '/') ?
		     strrchr(file, '/') + 1 : file, line);
	if (n < 0 || (size_t)n >= sizeof(t->reason))
		n = 0;
	va_start(ap, fmt);
	vsnprintf(t->reason + n, sizeof(t->reason) - n, fmt, ap);
	va_end(ap);
	printf("  FAILED %s\n", t->reason);
	return false;
}

void vmt_skip_(struct vmt_case *t, const char *fmt, ...)
{
	va_list ap;

	t->skipped = true;
	va_start(ap, fmt);
	vsnprintf(t->reason, sizeof(t->reason), fmt, ap);
	va_end(ap);
}

const char *vmt_errname(int err)
{
	const char *name;

	if (err == 0)
		return "0";
#ifdef HAVE_STRERRORNAME_NP
	name = strerrorname_np(err < 0 ? -err : err);
#else	/* a musl build (configure --without-libudev): the VM runs glibc ones */
	name = NULL;
#endif
	return name ? name : "?";
}

/* ---- where we run -------------------------------------------------------- */

const char *vmt_machine(void)
{
	const char *m = getenv("LIBIOMMUFD_MACHINE");

	return m && *m ? m : "unknown";
}

bool vmt_machine_is(const char *name)
{
	return strcmp(vmt_machine(), name) == 0;
}

bool vmt_machine_has_edu(void)
{
	return vmt_machine_is("vtd") || vmt_machine_is("amd") || vmt_machine_is("virtio");
}

const char *vmt_kernel_release(void)
{
	static struct utsname uts;

	if (!uts.release[0] && uname(&uts) != 0)
		snprintf(uts.release, sizeof(uts.release), "unknown");
	return uts.release;
}

unsigned int vmt_kernel_version(void)
{
	unsigned int a = 0, b = 0, c = 0;

	sscanf(vmt_kernel_release(), "%u.%u.%u", &a, &b, &c);
	return VMT_KV(a, b, c);
}

bool vmt_need_iommufd(struct vmt_case *t)
{
	if (access("/dev/iommu", F_OK) == 0)
		return true;
	/* iommufd came with 6.2; Debian's stock 6.1 is the kernel without it. */
	if (vmt_kernel_version() < VMT_KV(6, 2, 0))
		vmt_skip_(t, "kernel %s has no iommufd (/dev/iommu absent)", vmt_kernel_release());
	else
		REQUIRE(false, "/dev/iommu is absent on kernel %s, which is built with iommufd",
			vmt_kernel_release());
	return false;
}

int vmt_count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;

	if (!d)
		return -errno;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;	/* the directory's own fd */
}

void *vmt_pages(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, len);	/* fault the pages in */
	return p;
}

void vmt_pages_free(void *p, size_t len)
{
	if (p)
		munmap(p, len);
}

/* ---- the library's log --------------------------------------------------- */

static char log_text[32768];
static size_t log_len;
static char log_last_line[1024];
static unsigned int log_errors;	/* lines at LOG_ERR or more urgent */

void vmt_log_fn(void *userdata, int priority, const char *file, int line,
		const char *fn, const char *format, va_list args)
{
	char msg[1024];

	(void)userdata;
	(void)file;
	(void)line;
	vsnprintf(msg, sizeof(msg), format, args);
	one_line(msg);
	if (priority <= LOG_ERR)
		log_errors++;
	snprintf(log_last_line, sizeof(log_last_line), "%s", msg);
	printf("    lib[%d] %s: %s\n", priority, fn, msg);
	if (log_len + strlen(msg) + 2 < sizeof(log_text)) {
		memcpy(log_text + log_len, msg, strlen(msg));
		log_len += strlen(msg);
		log_text[log_len++] = '\n';
		log_text[log_len] = '\0';
	}
}

void vmt_log_reset(void)
{
	log_len = 0;
	log_text[0] = '\0';
	log_last_line[0] = '\0';
	log_errors = 0;
}

unsigned int vmt_log_errors(void)
{
	return log_errors;
}

bool vmt_log_has(const char *needle)
{
	return strstr(log_text, needle) != NULL;
}

const char *vmt_log_last(void)
{
	return log_last_line;
}

int vmt_ctx_new(struct iommufd_ctx **ret_ctx)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, o, .log_fn = vmt_log_fn, .log_priority = LOG_INFO);

	return iommufd_ctx_new(&o, ret_ctx);
}

int vmt_ctx_adopt(int fd, struct iommufd_ctx **ret_ctx)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, o, .log_fn = vmt_log_fn, .log_priority = LOG_INFO);

	return iommufd_ctx_new_from_fd(fd, IOMMUFD_ADOPT_BORROW, &o, ret_ctx);
}

/* ---- raw kernel commands ------------------------------------------------- */

static int raw_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

int vmt_destroy(int fd, uint32_t id)
{
	struct kabi_destroy cmd = { .size = sizeof(cmd), .id = id };

	return raw_ioctl(fd, KABI_IOMMU_DESTROY, &cmd);
}

int vmt_st_mock_domain(int fd, uint32_t pt_id, uint32_t dev_flags,
		       uint32_t *ret_stdev, uint32_t *ret_hwpt, uint32_t *ret_idev)
{
	struct st_cmd cmd = {
		.size = sizeof(cmd),
		.op = dev_flags ? ST_OP_MOCK_DOMAIN_FLAGS : ST_OP_MOCK_DOMAIN,
		.id = pt_id,
	};
	int rc;

	cmd.mock_domain_flags.dev_flags = dev_flags;
	rc = raw_ioctl(fd, ST_TEST_CMD, &cmd);
	if (rc)
		return rc;
	if (ret_stdev)
		*ret_stdev = cmd.mock_domain.out_stdev_id;
	if (ret_hwpt)
		*ret_hwpt = cmd.mock_domain.out_hwpt_id;
	if (ret_idev)
		*ret_idev = cmd.mock_domain.out_idev_id;
	return 0;
}

int vmt_st_replace(int fd, uint32_t stdev, uint32_t pt_id, uint32_t *ret_hwpt)
{
	struct st_cmd cmd = {
		.size = sizeof(cmd),
		.op = ST_OP_MOCK_DOMAIN_REPLACE,
		.id = stdev,
		.mock_domain_replace = { .pt_id = pt_id },
	};
	int rc = raw_ioctl(fd, ST_TEST_CMD, &cmd);

	if (!rc && ret_hwpt)
		*ret_hwpt = cmd.mock_domain_replace.pt_id;
	return rc;
}

int vmt_st_check_map(int fd, uint32_t hwpt, uint64_t iova, uint64_t len,
		     const void *buf)
{
	struct st_cmd cmd = {
		.size = sizeof(cmd),
		.op = ST_OP_MD_CHECK_MAP,
		.id = hwpt,
		.check_map = { .iova = iova, .length = len, .uptr = (uintptr_t)buf },
	};

	return raw_ioctl(fd, ST_TEST_CMD, &cmd);
}

int vmt_st_check_iotlb(int fd, uint32_t hwpt, uint32_t idx, uint32_t val)
{
	struct st_cmd cmd = {
		.size = sizeof(cmd),
		.op = ST_OP_MD_CHECK_IOTLB,
		.id = hwpt,
		.check_iotlb = { .id = idx, .iotlb = val },
	};

	return raw_ioctl(fd, ST_TEST_CMD, &cmd);
}

int vmt_st_pasid_check(int fd, uint32_t stdev, uint32_t pasid, uint32_t hwpt)
{
	struct st_cmd cmd = {
		.size = sizeof(cmd),
		.op = ST_OP_PASID_CHECK_HWPT,
		.id = stdev,
		.pasid_check = { .pasid = pasid, .hwpt_id = hwpt },
	};

	return raw_ioctl(fd, ST_TEST_CMD, &cmd);
}

int vmt_st_check_dev_cache(int fd, uint32_t idev, uint32_t idx, uint32_t val)
{
	struct st_cmd cmd = {
		.size = sizeof(cmd),
		.op = ST_OP_DEV_CHECK_CACHE,
		.id = idev,
		.check_dev_cache = { .id = idx, .cache = val },
	};

	return raw_ioctl(fd, ST_TEST_CMD, &cmd);
}

int vmt_st_add_reserved(int fd, uint32_t ioas, uint64_t start, uint64_t length)
{
	struct st_cmd cmd = {
		.size = sizeof(cmd),
		.op = ST_OP_ADD_RESERVED,
		.id = ioas,
		.add_reserved = { .start = start, .length = length },
	};

	return raw_ioctl(fd, ST_TEST_CMD, &cmd);
}

int vmt_st_dirty(int fd, uint32_t hwpt, uint64_t iova, uint64_t length,
		 const uint64_t *bitmap, uint64_t *ret_nr)
{
	struct st_cmd cmd = {
		.size = sizeof(cmd),
		.op = ST_OP_DIRTY,
		.id = hwpt,
		.dirty = {
			.iova = iova,
			.length = length,
			.page_size = ST_MOCK_IO_PAGE_SIZE,
			.uptr = (uintptr_t)bitmap,
		},
	};
	int rc = raw_ioctl(fd, ST_TEST_CMD, &cmd);

	if (!rc && ret_nr)
		*ret_nr = cmd.dirty.out_nr_dirty;
	return rc;
}

int vmt_st_trigger_iopf(int fd, uint32_t idev, uint32_t pasid, uint32_t grpid,
			uint32_t perm, uint64_t addr)
{
	struct st_cmd cmd = {
		.size = sizeof(cmd),
		.op = ST_OP_TRIGGER_IOPF,
		.trigger_iopf = { .dev_id = idev, .pasid = pasid, .grpid = grpid,
				  .perm = perm, .addr = addr },
	};

	return raw_ioctl(fd, ST_TEST_CMD, &cmd);
}

int vmt_st_trigger_vevent(int fd, uint32_t idev)
{
	struct st_cmd cmd = {
		.size = sizeof(cmd),
		.op = ST_OP_TRIGGER_VEVENT,
		.trigger_vevent = { .dev_id = idev },
	};

	return raw_ioctl(fd, ST_TEST_CMD, &cmd);
}

static int st_pasid(int fd, uint32_t op, uint32_t stdev, uint32_t pasid, uint32_t pt_id,
		    uint32_t *ret_hwpt)
{
	struct st_cmd cmd = {
		.size = sizeof(cmd),
		.op = op,
		.id = stdev,
		.pasid_attach = { .pasid = pasid, .pt_id = pt_id },
	};
	int rc = raw_ioctl(fd, ST_TEST_CMD, &cmd);

	if (!rc && ret_hwpt)
		*ret_hwpt = cmd.pasid_attach.pt_id;
	return rc;
}

int vmt_st_pasid_attach(int fd, uint32_t stdev, uint32_t pasid, uint32_t pt_id,
			uint32_t *ret_hwpt)
{
	return st_pasid(fd, ST_OP_PASID_ATTACH, stdev, pasid, pt_id, ret_hwpt);
}

int vmt_st_pasid_replace(int fd, uint32_t stdev, uint32_t pasid, uint32_t pt_id,
			 uint32_t *ret_hwpt)
{
	return st_pasid(fd, ST_OP_PASID_REPLACE, stdev, pasid, pt_id, ret_hwpt);
}

int vmt_st_pasid_detach(int fd, uint32_t stdev, uint32_t pasid)
{
	struct st_cmd cmd = {
		.size = sizeof(cmd),
		.op = ST_OP_PASID_DETACH,
		.id = stdev,
		.pasid_detach = { .pasid = pasid },
	};

	return raw_ioctl(fd, ST_TEST_CMD, &cmd);
}

uint32_t vmt_next_free_id(struct iommufd_ctx *ctx)
{
	struct iommufd_ioas *probe = NULL;
	uint32_t id;

	if (iommufd_ioas_alloc(ctx, &probe))
		return 0;
	id = iommufd_ioas_get_id(probe);
	iommufd_ioas_unref(probe);
	return id;
}

/* ---- the capability probe ------------------------------------------------ */

int vmt_ctx_probe(struct iommufd_ctx *ctx, struct iommufd_probe *p)
{
	memset(p, 0, sizeof(*p));
	p->sz = sizeof(*p);
	return iommufd_ctx_probe(ctx, p);
}

const char *vmt_verdict(const char *name, struct iommufd_feature f)
{
	static char buf[4][160];
	static unsigned int next;
	char *b = buf[next++ % 4];

	snprintf(b, sizeof(buf[0]), "%s %s%s%s%s", name, iommufd_support_name(f.support),
		 f.err ? " (" : "", f.err ? vmt_errname(f.err) : "", f.err ? ")" : "");
	return b;
}

void vmt_skip_probe(struct vmt_case *t, const char *name, struct iommufd_feature f,
		    const char *fmt, ...)
{
	va_list ap;
	int n;

	t->skipped = true;
	n = snprintf(t->reason, sizeof(t->reason), "probe: %s", vmt_verdict(name, f));
	if (n < 0 || (size_t)n + 3 >= sizeof(t->reason) || !fmt || !*fmt)
		return;
	t->reason[n++] = ';';
	t->reason[n++] = ' ';
	t->reason[n] = '\0';
	va_start(ap, fmt);
	vsnprintf(t->reason + n, sizeof(t->reason) - n, fmt, ap);
	va_end(ap);
}

bool vmt_mock_device(struct vmt_case *t, struct iommufd_ctx *ctx, uint32_t pt_id,
		     uint32_t dev_flags, uint32_t *ret_stdev,
		     struct iommufd_device **ret_dev)
{
	int fd = iommufd_ctx_get_fd(ctx);
	uint32_t stdev = 0, idev = 0;
	int rc;

	rc = vmt_st_mock_domain(fd, pt_id, dev_flags, &stdev, NULL, &idev);
	if (rc == -EINVAL && !vmt_machine_is("mock") && vmt_kernel_version() < VMT_KV(7, 0, 0)) {
		vmt_skip_(t, "kernel %s refuses selftest mock devices next to the %s machine's "
			  "emulated IOMMU (MOCK_DOMAIN: EINVAL); the mock machine runs this",
			  vmt_kernel_release(), vmt_machine());
		return false;
	}
	if (!REQUIRE(rc == 0, "selftest MOCK_DOMAIN on %u: %s", pt_id, vmt_errname(rc)))
		return false;
	rc = iommufd_device_new_from_id(ctx, idev, -1, IOMMUFD_ADOPT_BORROW, ret_dev);
	if (!REQUIRE(rc == 0, "iommufd_device_new_from_id(%u): %s", idev, vmt_errname(rc))) {
		vmt_destroy(fd, stdev);
		return false;
	}
	*ret_stdev = stdev;
	return true;
}

/* ---- edu ----------------------------------------------------------------- */

int vmt_edu_find(struct iommufd_ctx *ctx, char *ret_addr, size_t addr_len,
		 char *ret_cdev, size_t cdev_len)
{
	struct iommufd_vfio_cdev **list;
	size_t n;
	int rc = iommufd_discover_list(ctx, &list, &n);

	if (rc)
		return rc;
	rc = -ENODEV;
	for (size_t i = 0; i < n; i++) {
		if (list[i]->vendor != VMT_EDU_VENDOR || list[i]->device != VMT_EDU_DEVICE ||
		    !list[i]->pci_addr)
			continue;
		snprintf(ret_addr, addr_len, "%s", list[i]->pci_addr);
		if (ret_cdev)
			snprintf(ret_cdev, cdev_len, "%s", list[i]->cdev_path);
		rc = 0;
		break;
	}
	iommufd_discover_list_free(list);
	return rc;
}

bool vmt_edu_bind(struct vmt_case *t, struct iommufd_ctx *ctx,
		  struct iommufd_device **ret_dev)
{
	char addr[64], cdev[256];
	int rc;

	if (!vmt_machine_has_edu()) {
		vmt_skip_(t, "machine %s has no edu device behind an IOMMU", vmt_machine());
		return false;
	}
	rc = vmt_edu_find(ctx, addr, sizeof(addr), cdev, sizeof(cdev));
	if (!REQUIRE(rc == 0,
		     "no edu (%04x:%04x) among the VFIO cdevs iommufd_discover_list() found: %s",
		     VMT_EDU_VENDOR, VMT_EDU_DEVICE, vmt_errname(rc)))
		return false;
	rc = iommufd_device_bind_pci(ctx, addr, ret_dev);
	if (!REQUIRE(rc == 0, "iommufd_device_bind_pci(%s) = %s (%s)", addr, vmt_errname(rc),
		     vmt_log_last()))
		return false;
	vmt_note("edu %s (%s) bound as device %u", addr, cdev, iommufd_device_get_id(*ret_dev));
	return true;
}

bool vmt_noiommu_bind(struct vmt_case *t, struct iommufd_ctx *ctx,
		      struct iommufd_device **ret_dev)
{
	char addr[64], cdev[256];
	int rc;

	if (!vmt_machine_is("noiommu")) {
		vmt_skip_(t, "machine %s has no noiommu device", vmt_machine());
		return false;
	}
	if (vmt_kernel_version() < VMT_KV(7, 3, 0)) {
		vmt_skip_(t, "kernel %s: no noiommu VFIO cdevs (7.3+)", vmt_kernel_release());
		return false;
	}
	rc = vmt_edu_find(ctx, addr, sizeof(addr), cdev, sizeof(cdev));
	if (!REQUIRE(rc == 0 && strstr(cdev, "/noiommu-"), "no noiommu edu cdev among the VFIO"
		     " cdevs iommufd_discover_list() found: %s", vmt_errname(rc)))
		return false;
	rc = iommufd_device_bind_path(ctx, cdev, ret_dev);
	if (!REQUIRE(rc == 0, "iommufd_device_bind_path(%s) = %s (%s)", cdev, vmt_errname(rc),
		     vmt_log_last()))
		return false;
	vmt_note("noiommu edu %s (%s) bound as device %u", addr, cdev,
		 iommufd_device_get_id(*ret_dev));
	return true;
}

int vmt_pagemap_phys(const void *va, uint64_t *ret_phys)
{
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t entry = 0, pfn;
	off_t off = (off_t)((uintptr_t)va / page * sizeof(entry));
	int fd = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = pread(fd, &entry, sizeof(entry), off);
	close(fd);
	if (n != (ssize_t)sizeof(entry))
		return n < 0 ? -errno : -EIO;
	if (!(entry >> 63))		/* bit 63: present */
		return -ENOENT;
	pfn = entry & ((1ull << 55) - 1);	/* bits 0-54 */
	if (!pfn)
		return -EPERM;		/* hidden from a process without CAP_SYS_ADMIN */
	*ret_phys = pfn * page + (uintptr_t)va % page;
	return 0;
}

int vmt_noiommu_check_map(struct iommufd_ioas *ioas, uint64_t iova, uint64_t len,
			  const void *va, uint64_t *ret_bad_page)
{
	const uint64_t page = (uint64_t)sysconf(_SC_PAGESIZE);
	uint64_t phys, contig, want;
	int rc;

	for (uint64_t off = 0; off < len; off += page) {
		if (ret_bad_page)
			*ret_bad_page = off / page;
		rc = iommufd_ioas_noiommu_get_pa(ioas, iova + off, page, &phys, &contig);
		if (rc)
			return rc;
		rc = vmt_pagemap_phys((const char *)va + off, &want);
		if (rc)
			return rc;
		if (!phys || phys != want || contig != page)
			return -EIO;
	}
	return 0;
}

#define EDU_REG_ID 0x00
#define EDU_REG_LIVENESS 0x04
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_COUNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_DMA_START 0x1
#define EDU_DMA_TO_RAM 0x2
#define EDU_ID 0x010000edu

static uint32_t rd32(struct vmt_edu *e, unsigned int reg)
{
	return *(volatile uint32_t *)(e->bar + reg);
}

static void wr32(struct vmt_edu *e, unsigned int reg, uint32_t v)
{
	*(volatile uint32_t *)(e->bar + reg) = v;
}

static void wr64(struct vmt_edu *e, unsigned int reg, uint64_t v)
{
	*(volatile uint64_t *)(e->bar + reg) = v;
}

int vmt_edu_open(struct vmt_edu *e, int cdev_fd, char *err, size_t errlen)
{
	struct vfio_region_info bar = { .argsz = sizeof(bar), .index = VFIO_PCI_BAR0_REGION_INDEX };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	uint16_t command;
	void *p;
	int rc;

	memset(e, 0, sizeof(*e));
	e->fd = cdev_fd;
	if ((rc = raw_ioctl(cdev_fd, VFIO_DEVICE_GET_REGION_INFO, &bar))) {
		snprintf(err, errlen, "GET_REGION_INFO BAR0: %s", vmt_errname(rc));
		return rc;
	}
	if (!(bar.flags & VFIO_REGION_INFO_FLAG_MMAP) || bar.size < 0x100) {
		snprintf(err, errlen, "BAR0 cannot be mmapped (flags 0x%x, size 0x%llx)",
			 bar.flags, (unsigned long long)bar.size);
		return -ENXIO;
	}
	p = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, cdev_fd, (off_t)bar.offset);
	if (p == MAP_FAILED) {
		rc = -errno;
		snprintf(err, errlen, "mmap BAR0: %s", vmt_errname(rc));
		return rc;
	}
	e->bar = p;
	e->bar_size = bar.size;
	if (rd32(e, EDU_REG_ID) != EDU_ID) {
		snprintf(err, errlen, "ID register reads 0x%08x, not 0x%08x: not an edu",
			 rd32(e, EDU_REG_ID), EDU_ID);
		vmt_edu_close(e);
		return -ENXIO;
	}
	/* The liveness register returns the inverse of what was written. */
	wr32(e, EDU_REG_LIVENESS, 0x12345678);
	if (rd32(e, EDU_REG_LIVENESS) != ~0x12345678u) {
		snprintf(err, errlen, "liveness register does not invert");
		vmt_edu_close(e);
		return -EIO;
	}
	/* Memory space + bus master: without bus mastering edu's DMA is blocked. */
	if ((rc = raw_ioctl(cdev_fd, VFIO_DEVICE_GET_REGION_INFO, &cfg)) ||
	    pread(cdev_fd, &command, 2, (off_t)cfg.offset + 4) != 2) {
		snprintf(err, errlen, "config space read failed");
		vmt_edu_close(e);
		return rc ? rc : -EIO;
	}
	command |= 0x6;
	if (pwrite(cdev_fd, &command, 2, (off_t)cfg.offset + 4) != 2) {
		snprintf(err, errlen, "config space write failed: %s", vmt_errname(errno));
		vmt_edu_close(e);
		return -EIO;
	}
	return 0;
}

void vmt_edu_close(struct vmt_edu *e)
{
	if (e->bar)
		munmap((void *)e->bar, e->bar_size);
	e->bar = NULL;
}

int vmt_edu_dma(struct vmt_edu *e, uint64_t iova, uint32_t off, uint32_t len,
		bool to_ram)
{
	struct timespec start, now;

	/* Strictly inside the buffer, or QEMU 7.2's edu aborts the VM (see vmtest.h). */
	if (!len || off >= VMT_EDU_BUF_SIZE || len >= VMT_EDU_BUF_SIZE - off)
		return -EINVAL;
	/* Our writes to the buffer must be visible before the device reads it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	wr64(e, EDU_REG_DMA_SRC, to_ram ? VMT_EDU_BUF + off : iova);
	wr64(e, EDU_REG_DMA_DST, to_ram ? iova : VMT_EDU_BUF + off);
	wr64(e, EDU_REG_DMA_COUNT, len);
	wr32(e, EDU_REG_DMA_CMD, EDU_DMA_START | (to_ram ? EDU_DMA_TO_RAM : 0));
	/* edu runs the copy from a timer (100 ms of virtual time). */
	clock_gettime(CLOCK_MONOTONIC, &start);
	while (rd32(e, EDU_REG_DMA_CMD) & EDU_DMA_START) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 20)
			return -ETIMEDOUT;
		usleep(1000);
	}
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

void vmt_fill(void *buf, size_t len, uint32_t seed)
{
	uint8_t *p = buf;
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		p[i] = (uint8_t)(x >> 16);
	}
}

long vmt_pattern_diff(const void *buf, size_t len, uint32_t seed)
{
	const volatile uint8_t *p = buf;
	uint32_t x = seed * 2654435761u + 1;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345u;
		if (p[i] != (uint8_t)(x >> 16))
			return (long)i;
	}
	return -1;
}

bool vmt_pick_iova(struct iommufd_ioas *ioas, uint64_t floor, uint64_t len, uint64_t *ret)
{
	const uint64_t mib = 1ull << 20;
	struct iommufd_iova_range *r = NULL;
	size_t n = 0;
	bool ok = false;

	if (floor < mib)
		floor = mib;
	if (iommufd_ioas_get_iova_ranges(ioas, &r, &n, NULL))
		return false;
	for (size_t i = 0; i < n && !ok; i++) {
		uint64_t s = ((r[i].start < floor ? floor : r[i].start) + mib - 1) & ~(mib - 1);

		if (s >= r[i].start && s + len - 1 <= r[i].last && s + len <= VMT_EDU_DMA_LIMIT) {
			*ret = s;
			ok = true;
		}
	}
	free(r);
	return ok;
}
