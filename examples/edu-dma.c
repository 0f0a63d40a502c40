// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * edu-dma: a tiny userspace driver for QEMU's "edu" PCI device on libiommufd,
 * in the style of a DPDK/SPDK poll-mode driver. Copy it and adapt it.
 *
 * What it does, step by step (each step is printed):
 *   1. find edu (PCI 1234:11e8) among the VFIO device cdevs, or take its
 *      PCI address from the command line, and bind its cdev to an iommufd;
 *   2. map the device's registers (BAR0) and enable bus mastering;
 *   3. make an IO address space (IOAS), attach the device, map two buffers;
 *   4. DMA a pattern from memory into the device and back into memory;
 *   5. allocate a second page table that maps the same IOVA to another
 *      buffer, replace the device's page table with it, and show that the
 *      next DMA lands in the other buffer; then replace back;
 *   6. tear everything down.
 * Exit status 0 only when every byte was verified; 77 when steps 1-4 were
 * verified but the IOMMU driver cannot show a replace (see step 5).
 *
 * Try it in a VM:  qemu-system-x86_64 -M q35 -device intel-iommu -device edu ...
 * with the guest kernel booted with intel_iommu=on and edu bound to vfio-pci:
 *   echo 1234 11e8 > /sys/bus/pci/drivers/vfio-pci/new_id
 * Build:  cc edu-dma.c $(pkg-config --cflags --libs libiommufd)
 *
 * About edu (QEMU docs/specs/edu.rst): BAR0 holds 32/64-bit registers; its
 * DMA engine copies up to 4 KiB between a bus address and an internal
 * buffer that sits at device address 0x40000. Behind an IOMMU the bus
 * address is an IOVA: the IOMMU translates it through the page table the
 * device is attached to, which is what makes this a test of the IOMMU.
 * edu only drives 28 address bits, so every IOVA used here is below 256 MiB.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>	/* VFIO region ioctls: in every distribution's kernel headers */
#include <libiommufd.h>

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_ID 0x010000edu		/* register 0x00: "edu", version 1.0 */
#define EDU_REG_ID 0x00
#define EDU_REG_DMA_SRC 0x80
#define EDU_REG_DMA_DST 0x88
#define EDU_REG_DMA_COUNT 0x90
#define EDU_REG_DMA_CMD 0x98
#define EDU_DMA_START 0x1		/* reads 1 while the copy runs */
#define EDU_DMA_TO_RAM 0x2		/* direction: device buffer -> memory */
#define EDU_BUFFER 0x40000u		/* device address of edu's 4 KiB buffer */
#define EDU_DMA_LIMIT (1ull << 28)

#define PAGE 4096u
/*
 * Bytes per DMA. Not the whole 4 KiB: QEMU 7.2's edu rejects a transfer that
 * reaches the last byte of its buffer (an off-by-one in its range check) and
 * stops the whole VM with "hardware error". Half the buffer is plenty here.
 */
#define DMA_LEN 2048u

struct edu {
	int fd;			/* VFIO cdev (owned by the libiommufd device handle) */
	volatile uint8_t *regs;	/* BAR0, mapped */
	size_t regs_len;
};

static int failures;

/* Each step prints one line: what it does, and "ok" or why not. */
#define STEP(...) (printf("edu-dma: "), printf(__VA_ARGS__), printf("\n"))
static bool expect(bool ok, const char *what)
{
	printf("edu-dma:   %s: %s\n", what, ok ? "ok" : "FAILED");
	if (!ok)
		failures++;
	return ok;
}

/* The library explains its errors through this (silent by default). */
static void log_fn(void *userdata, int priority, const char *file, int line,
		   const char *fn, const char *format, va_list args)
{
	(void)userdata, (void)priority, (void)file, (void)line;
	fprintf(stderr, "libiommufd: %s: ", fn);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

/* ---- the device ---------------------------------------------------------- */

/* Find edu among the devices bound to a VFIO driver; "DDDD:BB:DD.F" into @addr. */
static int find_edu(struct iommufd_ctx *ctx, char *addr, size_t len)
{
	struct iommufd_vfio_cdev **list;
	size_t n;
	int rc = iommufd_discover_list(ctx, &list, &n);

	if (rc)
		return rc;
	rc = -ENODEV;
	for (size_t i = 0; i < n && rc; i++) {
		if (list[i]->pci_addr && list[i]->vendor == EDU_VENDOR &&
		    list[i]->device == EDU_DEVICE) {
			snprintf(addr, len, "%s", list[i]->pci_addr);
			printf("edu-dma:   found %s at %s\n", list[i]->cdev_path, addr);
			rc = 0;
		}
	}
	iommufd_discover_list_free(list);
	return rc;
}

/*
 * Map BAR0 and turn on bus mastering. VFIO exposes each PCI BAR and the
 * config space as "regions" of the device fd: GET_REGION_INFO tells where
 * (an offset into the fd) and whether the region may be mmapped.
 */
static int edu_open(struct edu *e, int fd)
{
	struct vfio_region_info bar = { .argsz = sizeof(bar), .index = VFIO_PCI_BAR0_REGION_INDEX };
	struct vfio_region_info cfg = { .argsz = sizeof(cfg), .index = VFIO_PCI_CONFIG_REGION_INDEX };
	uint16_t cmd;
	void *p;

	e->fd = fd;
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &bar) < 0 ||
	    !(bar.flags & VFIO_REGION_INFO_FLAG_MMAP))
		return -ENXIO;
	p = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)bar.offset);
	if (p == MAP_FAILED)
		return -errno;
	e->regs = p;
	e->regs_len = bar.size;
	if (*(volatile uint32_t *)(e->regs + EDU_REG_ID) != EDU_ID)
		return -ENXIO;
	/*
	 * PCI command register (config offset 4): bit 1 memory space, bit 2
	 * bus master. A device may not start DMA until bus mastering is on.
	 */
	if (ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &cfg) < 0 ||
	    pread(fd, &cmd, sizeof(cmd), (off_t)cfg.offset + 4) != sizeof(cmd))
		return -EIO;
	cmd |= 0x6;
	if (pwrite(fd, &cmd, sizeof(cmd), (off_t)cfg.offset + 4) != sizeof(cmd))
		return -EIO;
	return 0;
}

static void edu_close(struct edu *e)
{
	if (e->regs)
		munmap((void *)e->regs, e->regs_len);
	e->regs = NULL;
}

/*
 * One DMA of @len bytes between IOVA @iova and the start of edu's buffer,
 * polled to completion. A real driver would ask for an interrupt instead.
 */
static int edu_dma(struct edu *e, uint64_t iova, uint32_t len, bool to_ram)
{
	struct timespec t0, now;

	/* Our stores to the buffer must be visible before the device reads it. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*(volatile uint64_t *)(e->regs + EDU_REG_DMA_SRC) = to_ram ? EDU_BUFFER : iova;
	*(volatile uint64_t *)(e->regs + EDU_REG_DMA_DST) = to_ram ? iova : EDU_BUFFER;
	*(volatile uint64_t *)(e->regs + EDU_REG_DMA_COUNT) = len;
	*(volatile uint32_t *)(e->regs + EDU_REG_DMA_CMD) =
		EDU_DMA_START | (to_ram ? EDU_DMA_TO_RAM : 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (*(volatile uint32_t *)(e->regs + EDU_REG_DMA_CMD) & EDU_DMA_START) {
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - t0.tv_sec > 20)
			return -ETIMEDOUT;
		usleep(1000);
	}
	/* ...and the device's writes visible before we read the buffer. */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	return 0;
}

/* ---- memory -------------------------------------------------------------- */

/* DMA buffers: whole pages (the IOMMU maps pages), from mmap. */
static uint8_t *page_alloc(void)
{
	void *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static void fill(uint8_t *p, uint8_t seed)
{
	for (unsigned int i = 0; i < PAGE; i++)
		p[i] = (uint8_t)(seed + i * 7 + (i >> 8));
}

/* True when @p starts with DMA_LEN bytes of the pattern of @seed (read through volatile: DMA wrote it). */
static bool holds(const uint8_t *p, uint8_t seed)
{
	const volatile uint8_t *v = p;

	for (unsigned int i = 0; i < DMA_LEN; i++)
		if (v[i] != (uint8_t)(seed + i * 7 + (i >> 8)))
			return false;
	return true;
}

static bool is_zero(const uint8_t *p)
{
	const volatile uint8_t *v = p;

	for (unsigned int i = 0; i < PAGE; i++)
		if (v[i])
			return false;
	return true;
}

/* Whether @ioas lets [iova, iova + len) be mapped. */
static bool ioas_allows(struct iommufd_ioas *ioas, uint64_t iova, uint64_t len)
{
	struct iommufd_iova_range *r;
	bool ok = false;
	size_t n;

	if (iommufd_ioas_get_iova_ranges(ioas, &r, &n, NULL))
		return false;
	for (size_t i = 0; i < n; i++)
		if (iova >= r[i].start && iova + len - 1 <= r[i].last)
			ok = true;
	free(r);
	return ok;
}

/* An IOVA >= 1 MiB that the IOAS allows and edu can reach, with @len bytes free. */
static int pick_iova(struct iommufd_ioas *ioas, uint64_t len, uint64_t *ret)
{
	struct iommufd_iova_range *r;
	size_t n;
	int rc = iommufd_ioas_get_iova_ranges(ioas, &r, &n, NULL);

	if (rc)
		return rc;
	rc = -ENOSPC;
	for (size_t i = 0; i < n && rc; i++) {
		uint64_t s = r[i].start < 0x100000 ? 0x100000 : (r[i].start + 0xfffff) & ~0xfffffull;

		if (s + len - 1 <= r[i].last && s + len <= EDU_DMA_LIMIT) {
			*ret = s;
			rc = 0;
		}
	}
	free(r);
	return rc;
}

int main(int argc, char **argv)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .log_fn = log_fn, .log_priority = LOG_ERR);
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_device *dev = NULL;
	struct iommufd_ioas *ioas_a = NULL, *ioas_b = NULL;
	struct iommufd_hwpt *hwpt_b = NULL;
	struct edu edu = { .fd = -1 };
	uint8_t *src = NULL, *dst_a = NULL, *dst_b = NULL;
	uint64_t base = 0, iova_src, iova_dst;
	uint32_t hwpt_id = 0;
	bool done = false, cannot_replace = false;
	char addr[32];
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: %s [PCI-ADDRESS]   (default: the first edu, 1234:11e8)\n",
			argv[0]);
		return 2;
	}

	STEP("1. open /dev/iommu and bind edu");
	rc = iommufd_ctx_new(&opts, &ctx);
	if (!expect(rc == 0, "iommufd_ctx_new"))
		goto out;
	if (argc == 2)
		snprintf(addr, sizeof(addr), "%s", argv[1]);
	else if (!expect(find_edu(ctx, addr, sizeof(addr)) == 0,
			 "find edu among the VFIO cdevs (is it bound to vfio-pci?)"))
		goto out;
	rc = iommufd_device_bind_pci(ctx, addr, &dev);
	if (!expect(rc == 0, "bind its VFIO cdev to the iommufd"))
		goto out;
	printf("edu-dma:   %s is device %u of iommufd %d\n", addr, iommufd_device_get_id(dev),
	       iommufd_ctx_get_fd(ctx));

	STEP("2. map BAR0, check the ID register, enable bus mastering");
	if (!expect(edu_open(&edu, iommufd_device_get_fd(dev)) == 0, "edu registers"))
		goto out;

	STEP("3. IOAS A: attach the device, then map a source and a destination page");
	/* Attach first: the IOAS then knows the IOVAs this device cannot use. */
	if (!expect(iommufd_ioas_alloc(ctx, &ioas_a) == 0, "allocate IOAS A") ||
	    !expect(iommufd_device_attach(dev, iommufd_ioas_as_pt(ioas_a)) == 0, "attach") ||
	    !expect(pick_iova(ioas_a, 2 * PAGE, &base) == 0, "find free IOVAs below 256 MiB"))
		goto out;
	iova_src = base;
	iova_dst = base + PAGE;
	src = page_alloc();
	dst_a = page_alloc();
	dst_b = page_alloc();
	if (!expect(src && dst_a && dst_b, "allocate three pages"))
		goto out;
	/* The device only reads the source and only writes the destination. */
	if (!expect(iommufd_ioas_map_fixed(ioas_a, src, PAGE, iova_src, IOMMUFD_MAP_READ) == 0,
		    "map source") ||
	    !expect(iommufd_ioas_map_fixed(ioas_a, dst_a, PAGE, iova_dst, IOMMUFD_MAP_WRITE) == 0,
		    "map destination A"))
		goto out;
	iommufd_device_get_hwpt_id(dev, &hwpt_id);
	printf("edu-dma:   IOAS %u (kernel page table %u): source at IOVA 0x%llx, destination at 0x%llx\n",
	       iommufd_ioas_get_id(ioas_a), hwpt_id, (unsigned long long)iova_src,
	       (unsigned long long)iova_dst);

	STEP("4. DMA memory -> edu -> memory through the IOMMU");
	fill(src, 0x11);
	memset(dst_a, 0, PAGE);
	if (!expect(edu_dma(&edu, iova_src, DMA_LEN, false) == 0, "edu reads the source") ||
	    !expect(edu_dma(&edu, iova_dst, DMA_LEN, true) == 0, "edu writes the destination"))
		goto out;
	expect(holds(dst_a, 0x11), "destination A holds the 2048 bytes");

	STEP("5. replace the page table: the same IOVA now reaches buffer B");
	/*
	 * The second page table: a HWPT on a second IOAS, allocated before
	 * that IOAS maps anything (the allocation reserves the IOVAs the
	 * device cannot use, which fails over an existing mapping).
	 */
	if (!expect(iommufd_ioas_alloc(ctx, &ioas_b) == 0, "allocate IOAS B") ||
	    !expect(iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas_b), dev, NULL, &hwpt_b) == 0,
		    "allocate HWPT B on IOAS B"))
		goto out;
	if (!ioas_allows(ioas_b, iova_dst, PAGE)) {
		/*
		 * Some drivers finish a page table only when a device is first
		 * attached to it (virtio-iommu before kernel 7.x). A page table
		 * made otherwise (HWPT allocation, or the kernel's own on a
		 * replace) then has no aperture, and IOAS B allows no IOVA at
		 * all: this machine cannot show a replace.
		 */
		printf("edu-dma:   IOAS B allows no IOVA 0x%llx: the IOMMU driver sets a page table's"
		       " aperture only on a first attach, so a replace cannot be shown here\n",
		       (unsigned long long)iova_dst);
		cannot_replace = true;
		goto out;
	}
	fill(src, 0x22);	/* load a new pattern while still on IOAS A */
	if (!expect(edu_dma(&edu, iova_src, DMA_LEN, false) == 0, "edu reads pattern 2") ||
	    !expect(iommufd_ioas_map_fixed(ioas_b, dst_b, PAGE, iova_dst, IOMMUFD_MAP_WRITE) == 0,
		    "map the destination IOVA to buffer B"))
		goto out;
	memset(dst_a, 0, PAGE);
	memset(dst_b, 0, PAGE);
	/* No detach in between: DMA never meets a blocking page table. */
	if (!expect(iommufd_device_replace(dev, iommufd_hwpt_as_pt(hwpt_b)) == 0,
		    "replace IOAS A -> HWPT B") ||
	    !expect(edu_dma(&edu, iova_dst, DMA_LEN, true) == 0, "edu writes the destination IOVA"))
		goto out;
	expect(holds(dst_b, 0x22), "the bytes landed in buffer B");
	expect(is_zero(dst_a), "buffer A stayed untouched");

	STEP("6. replace back to IOAS A");
	if (!expect(iommufd_device_replace(dev, iommufd_ioas_as_pt(ioas_a)) == 0,
		    "replace HWPT B -> IOAS A"))
		goto out;
	fill(src, 0x33);
	if (!expect(edu_dma(&edu, iova_src, DMA_LEN, false) == 0, "edu reads pattern 3") ||
	    !expect(edu_dma(&edu, iova_dst, DMA_LEN, true) == 0, "edu writes the destination IOVA"))
		goto out;
	expect(holds(dst_a, 0x33), "the bytes landed in buffer A");
	expect(holds(dst_b, 0x22), "buffer B kept pattern 2");
	done = true;

out:
	STEP("7. tear down (any order: handles keep what they use alive)");
	edu_close(&edu);
	iommufd_device_unref(dev);	/* detaches and closes the cdev */
	iommufd_hwpt_unref(hwpt_b);
	iommufd_ioas_unref(ioas_b);
	iommufd_ioas_unref(ioas_a);
	iommufd_ctx_unref(ctx);
	if (src)
		munmap(src, PAGE);
	if (dst_a)
		munmap(dst_a, PAGE);
	if (dst_b)
		munmap(dst_b, PAGE);
	if (cannot_replace && !failures) {
		printf("edu-dma: DMA through IOAS A verified; replace not possible on this machine\n");
		return 77;
	}
	if (failures || !done) {
		printf("edu-dma: FAILED (%d checks)\n", failures);
		return 1;
	}
	printf("edu-dma: all bytes verified\n");
	return 0;
}
