// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * nested-vmm: how a VMM gives its guest a virtual IOMMU with nested
 * translation, on libiommufd. Copy it and adapt it.
 *
 * With nesting the IOMMU translates a device's DMA in two stages:
 *   stage 1  IOVA -> guest physical (GPA): the guest's own I/O page table,
 *            which the guest builds and changes as it likes;
 *   stage 2  GPA -> host physical: the VMM's, it maps the guest's RAM.
 * The VMM never walks the guest's table: it hands the kernel a pointer to
 * it (a "nested HWPT" on top of the stage-2 "nest parent" HWPT), moves the
 * device between page tables when the guest switches modes, and forwards
 * the guest's cache invalidations.
 *
 * What it does, step by step (each step is printed):
 *   1. open /dev/iommu and pick the device: the PCI address given, else the
 *      first VFIO device; with none, a mock device of the kernel's selftest
 *      IOMMU driver (CONFIG_IOMMUFD_TEST), the one IOMMU that nests under
 *      QEMU without KVM;
 *   2. read the IOMMU's hardware information and decode it: can it nest?
 *   3. guest RAM: an IO address space (IOAS) mapping guest physical
 *      addresses to the VMM's memory;
 *   4. stage 2: a nest-parent HWPT on that IOAS; the device starts on it
 *      (the guest's vIOMMU is off: DMA addresses are guest physical);
 *   5. the guest turns translation on with its table at GPA A: a nested
 *      HWPT made from that pointer, and the device moves onto it;
 *   6. the guest switches to its table at GPA B: a second nested HWPT, and
 *      the device moves from the first to the second with no blocking
 *      domain in between;
 *   7. the guest changes its table and invalidates: the VMM forwards the
 *      invalidation (one range, then everything);
 *   8. the guest turns translation off: the device goes back to stage 2;
 *   9. tear down (in any order: handles keep what they use alive).
 * On an IOMMU that cannot nest (QEMU's VT-d and AMD-Vi, virtio-iommu) it
 * stops after saying why, and exits 0: that is an answer, not a failure.
 * So on a noiommu device (no IOMMU at all: vfio-pci's unsafe noiommu mode,
 * cdev noiommu-vfioN), which has no hardware information to read.
 * Exit status 1 when a step failed.
 *
 * Build:  cc nested-vmm.c $(pkg-config --cflags --libs libiommufd)
 * Run:    ./nested-vmm [PCI-ADDRESS]   (as root, device bound to vfio-pci)
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <syslog.h>
#include <unistd.h>

#include <libiommufd.h>

#define GUEST_RAM_GPA 0x40000000ull	/* where the guest sees its RAM (1 GiB) */
#define GUEST_RAM_SIZE (4ull << 20)	/* a small guest: 4 MiB */
#define GUEST_TABLE_A (GUEST_RAM_GPA + 0x10000)	/* the guest's first stage-1 table */
#define GUEST_TABLE_B (GUEST_RAM_GPA + 0x20000)	/* ...and the one it switches to */

static int failures;

#define STEP(...) (printf("nested-vmm: "), printf(__VA_ARGS__), printf("\n"))
#define SAY(...) (printf("nested-vmm:   "), printf(__VA_ARGS__), printf("\n"))
static bool expect(bool ok, const char *what)
{
	SAY("%s: %s", what, ok ? "ok" : "FAILED");
	if (!ok)
		failures++;
	return ok;
}

/* The library explains every error through this (it is silent by default). */
static void log_fn(void *userdata, int priority, const char *file, int line,
		   const char *fn, const char *format, va_list args)
{
	(void)userdata, (void)priority, (void)file, (void)line;
	fprintf(stderr, "libiommufd: %s: ", fn);
	vfprintf(stderr, format, args);
	fputc('\n', stderr);
}

/* ---- the kernel's selftest mock IOMMU (skip this part for real devices) ---- */

/*
 * The selftest driver's one ioctl, restated from the kernel's
 * drivers/iommu/iommufd/iommufd_test.h (it installs no header). Only the
 * three operations used here: make a mock device attached to a page table,
 * move it to another one, and compare an entry of a nested mock HWPT's
 * "IOTLB" with a value.
 */
#define MOCK_CMD _IO(';', 0xa0)
#define IOMMU_DESTROY_CMD _IO(';', 0x80)	/* iommufd's IOMMU_DESTROY */
enum { MOCK_OP_DOMAIN = 2, MOCK_OP_REPLACE = 10, MOCK_OP_CHECK_IOTLB = 14 };
#define MOCK_IOTLB_ENTRIES 4
struct mock_cmd {
	uint32_t size;
	uint32_t op;
	uint32_t id;
	uint32_t reserved;
	union {
		struct {
			uint32_t out_stdev_id;	/* the mock device's selftest object */
			uint32_t out_hwpt_id;
			uint32_t out_idev_id;	/* its device ID, as for a bound VFIO device */
		} domain;
		struct {
			uint32_t pt_id;
		} replace;
		struct {
			uint32_t entry;
			uint32_t value;
		} check_iotlb;
		uint64_t space[6];
	};
	uint32_t last;
};
_Static_assert(sizeof(struct mock_cmd) == 72, "the kernel's struct iommu_test_cmd");

static int mock_cmd(int fd, struct mock_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	return ioctl(fd, MOCK_CMD, cmd) ? -errno : 0;
}

/* ---- the device: a real one through the library, or a mock one ------------- */

struct device {
	struct iommufd_device *dev;
	struct iommufd_ctx *ctx;
	uint32_t mock;		/* non-zero: the mock device's selftest object */
	bool attached;
	bool noiommu;		/* discovery says no IOMMU serves it */
};

/*
 * Put the device on page table @pt. For a VFIO device that is
 * iommufd_device_attach() the first time and iommufd_device_replace() after:
 * replace switches the device's translation without passing through a
 * blocking domain, so a guest switching modes loses no DMA. The library
 * cannot attach a mock device (it has no VFIO cdev), so the selftest's own
 * replace operation does the same for it.
 */
static int device_set_pt(struct device *d, struct iommufd_pt *pt, uint32_t pt_id)
{
	struct mock_cmd cmd = { .op = MOCK_OP_REPLACE, .replace = { .pt_id = pt_id } };
	int rc;

	if (!d->mock) {
		rc = d->attached ? iommufd_device_replace(d->dev, pt) :
				   iommufd_device_attach(d->dev, pt);
		d->attached |= rc == 0;
		return rc;
	}
	cmd.id = d->mock;
	return mock_cmd(iommufd_ctx_get_fd(d->ctx), &cmd);
}

/* The discovered VFIO device at PCI address @pci, or the first one (@pci NULL). */
static const struct iommufd_vfio_cdev *pick(struct iommufd_vfio_cdev **list, size_t n,
					    const char *pci)
{
	for (size_t i = 0; i < n; i++)
		if (!pci || (list[i]->pci_addr && strcmp(list[i]->pci_addr, pci) == 0))
			return list[i];
	return NULL;
}

/* Step 1: the PCI address given, the first VFIO device, or a mock device. */
static int device_open(struct device *d, struct iommufd_ctx *ctx, const char *pci,
		       struct iommufd_ioas *ioas)
{
	struct mock_cmd cmd = { .op = MOCK_OP_DOMAIN, .id = iommufd_ioas_get_id(ioas) };
	const struct iommufd_vfio_cdev *c = NULL;
	struct iommufd_vfio_cdev **list = NULL;
	size_t n = 0;
	int rc = -ENODEV;

	d->ctx = ctx;
	/* Discovery also says whether an IOMMU serves the device at all. */
	if (iommufd_discover_list(ctx, &list, &n) == 0)
		c = pick(list, n, pci);
	if (c) {
		SAY("VFIO device %s (%s, %04x:%04x)%s", c->cdev_path,
		    c->pci_addr ? c->pci_addr : "not PCI", c->vendor, c->device,
		    c->noiommu ? ", a noiommu device: no IOMMU serves it" : "");
		d->noiommu = c->noiommu;
		rc = iommufd_device_bind_path(ctx, c->cdev_path, &d->dev);
	} else if (pci) {
		SAY("binding %s", pci);
		rc = iommufd_device_bind_pci(ctx, pci, &d->dev);
	}
	iommufd_discover_list_free(list);
	if (c || pci)
		return rc;
	/* No VFIO device: try the selftest driver's mock device. */
	rc = mock_cmd(iommufd_ctx_get_fd(ctx), &cmd);
	if (rc) {
		SAY("no VFIO device, and no selftest mock IOMMU (%s)", strerror(-rc));
		return -ENODEV;
	}
	d->mock = cmd.domain.out_stdev_id;
	d->attached = true;
	SAY("no VFIO device here: using a mock device of the kernel's selftest IOMMU");
	/* Wrap its device ID so the library can allocate page tables for it. */
	return iommufd_device_new_from_id(ctx, cmd.domain.out_idev_id, -1, IOMMUFD_ADOPT_BORROW, &d->dev);
}

static void device_close(struct device *d)
{
	/* A mock device is destroyed like any iommufd object; that detaches it. */
	if (d->mock) {
		struct { uint32_t size, id; } cmd = { sizeof(cmd), d->mock };

		ioctl(iommufd_ctx_get_fd(d->ctx), IOMMU_DESTROY_CMD, &cmd);
	}
	d->mock = 0;
	d->dev = iommufd_device_unref(d->dev);	/* detaches a VFIO device and unbinds it */
}

/* Mock only: does entry @i of nested HWPT @hwpt hold @value? */
static bool mock_iotlb_is(struct device *d, struct iommufd_hwpt *hwpt, uint32_t i, uint32_t value)
{
	struct mock_cmd cmd = {
		.op = MOCK_OP_CHECK_IOTLB,
		.id = iommufd_hwpt_get_id(hwpt),
		.check_iotlb = { .entry = i, .value = value },
	};

	return mock_cmd(iommufd_ctx_get_fd(d->ctx), &cmd) == 0;
}

/* Mock only: print the nested HWPT's IOTLB and check it against @want. */
static void mock_show_iotlb(struct device *d, struct iommufd_hwpt *hwpt, const char *name,
			    const uint32_t want[MOCK_IOTLB_ENTRIES])
{
	bool ok = true;

	printf("nested-vmm:   mock IOTLB of %s (HWPT %u):", name, iommufd_hwpt_get_id(hwpt));
	for (uint32_t i = 0; i < MOCK_IOTLB_ENTRIES; i++) {
		bool same = mock_iotlb_is(d, hwpt, i, want[i]);

		printf(" %s0x%x", same ? "" : "not ", want[i]);
		ok &= same;
	}
	printf("\n");
	expect(ok, "the IOTLB holds what the guest's actions imply");
}

/* ---- the vendor part: what "nesting" means for this IOMMU ----------------- */

struct iommu {
	uint32_t type;			/* IOMMUFD_HW_INFO_* */
	struct iommufd_vtd_info vtd;	/* when type is VT-d */
	struct iommufd_selftest_info selftest;	/* when type is the mock */
};

/*
 * Step 2. A VMM reads this before it decides which vIOMMU to show its
 * guest. Returns true when the IOMMU reports that it can nest in a way this
 * example drives: a nested HWPT directly on the nest parent (VT-d, and the
 * selftest mock). SMMUv3 and AMD nest through a vIOMMU object instead
 * (iommufd_viommu_alloc(), iommufd_viommu_alloc_hwpt()): same idea, one
 * more object.
 */
static bool iommu_can_nest(struct device *d, struct iommu *io)
{
	LIBIOMMUFD_OPTS(iommufd_hw_info_decoded, dec);
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	uint8_t rec[128];
	int rc = iommufd_device_get_hw_info(d->dev, rec, sizeof(rec), &info);

	if (rc == -EOPNOTSUPP && d->noiommu) {
		/* An answer, not a failure: there is no IOMMU to ask. */
		SAY("read the IOMMU's hardware information: EOPNOTSUPP: the device has no"
		    " IOMMU (the library's log above says why)");
		return false;
	}
	if (!expect(rc == 0, "read the IOMMU's hardware information"))
		return false;
	io->type = info.type;
	/* Unknown types are not an error: they come back as raw bytes. */
	rc = iommufd_hw_info_decode(d->ctx, info.type, rec,
				    info.data_len < sizeof(rec) ? info.data_len : sizeof(rec), &dec);
	if (!expect(rc == 0, "decode it"))
		return false;
	switch (info.type) {
	case IOMMUFD_HW_INFO_INTEL_VTD:
		io->vtd = dec.u.vtd;
		SAY("Intel VT-d: scalable mode (ECAP.SMTS) %d, nesting (ECAP.NEST) %d, "
		    "first stage (ECAP.FSTS) %d, second stage (ECAP.SSTS) %d, MGAW %u bits",
		    io->vtd.smts, io->vtd.nest, io->vtd.fsts, io->vtd.ssts, io->vtd.mgaw);
		return io->vtd.nesting;
	case IOMMUFD_HW_INFO_AMD:
		SAY("AMD IOMMU: guest translation (EFR.GTSup) %d, guest I/O protection "
		    "(EFR.GIoSup) %d, guest-physical GCR3 root (EFR2.GCR3TRPMode) %d",
		    dec.u.amd.gt_sup, dec.u.amd.gio_sup, dec.u.amd.gcr3trp_mode);
		if (dec.u.amd.nesting)
			SAY("AMD nests through a vIOMMU: not what this example drives");
		return false;
	case IOMMUFD_HW_INFO_ARM_SMMUV3:
		SAY("ARM SMMUv3: stage 1 %d, stage 2 %d; it nests through a vIOMMU: "
		    "not what this example drives", dec.u.smmuv3.s1p, dec.u.smmuv3.s2p);
		return false;
	case IOMMUFD_HW_INFO_SELFTEST:
		io->selftest = dec.u.selftest;
		SAY("the kernel's selftest mock IOMMU (test register 0x%x): it nests",
		    dec.u.selftest.test_reg);
		return true;
	default:
		SAY("IOMMU type %u (%s) reports %u bytes of hardware information and "
		    "nothing about nesting", info.type, iommufd_hw_info_type_name(info.type),
		    info.data_len);
		return false;
	}
}

/*
 * The vendor bytes of a nested HWPT for a guest whose stage-1 table is at
 * @table_gpa. The builders check every field against the hardware before
 * the kernel sees it, and name the bad field in the log.
 */
static int build_stage1(struct device *d, const struct iommu *io, uint64_t table_gpa,
			uint8_t *buf, uint32_t *type, size_t *len)
{
	if (io->type == IOMMUFD_HW_INFO_INTEL_VTD) {
		/* The guest's PASID-table entry told us the table and its width. */
		LIBIOMMUFD_OPTS(iommufd_vtd_s1, s1, .pgtbl_addr = table_gpa, .addr_width = 48);

		return iommufd_vtd_s1_build(d->ctx, &s1, &io->vtd, buf, IOMMUFD_VENDOR_DATA_MAX,
					    type, len);
	}
	/*
	 * The mock IOMMU walks no tables: it keeps one value in each of its
	 * four "IOTLB" entries. Give it the table's page number, so the IOTLB
	 * shows which guest table is live and what invalidation removed.
	 */
	LIBIOMMUFD_OPTS(iommufd_selftest_hwpt, mock, .iotlb = (uint32_t)(table_gpa >> 12));

	return iommufd_selftest_hwpt_build(d->ctx, &mock, &io->selftest, buf,
					   IOMMUFD_VENDOR_DATA_MAX, type, len);
}

static int alloc_stage1(struct device *d, const struct iommu *io, struct iommufd_hwpt *parent,
			uint64_t table_gpa, struct iommufd_hwpt **ret)
{
	uint8_t data[IOMMUFD_VENDOR_DATA_MAX];
	uint32_t type;
	size_t len;
	int rc = build_stage1(d, io, table_gpa, data, &type, &len);

	if (rc)
		return rc;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, opts, .data_type = type, .data = data, .data_len = len);
	/* The nested HWPT keeps its parent alive: no need to track that order. */
	return iommufd_hwpt_alloc(iommufd_hwpt_as_pt(parent), d->dev, &opts, ret);
}

/*
 * Forward a guest invalidation. A guest changed [gpa_iova, +npages pages)
 * of its table (npages 0: everything). For VT-d that is the guest's own
 * invalidation descriptor, restated; the mock's four entries stand for
 * pages, one per page index modulo 4.
 */
static int forward_invalidation(struct device *d, const struct iommu *io,
				struct iommufd_hwpt *nested, uint64_t iova, uint64_t npages,
				uint32_t *done)
{
	uint8_t entry[IOMMUFD_VENDOR_DATA_MAX];
	uint32_t type;
	size_t len;
	int rc;

	if (io->type == IOMMUFD_HW_INFO_INTEL_VTD) {
		LIBIOMMUFD_OPTS(iommufd_vtd_inv, inv, .addr = npages ? iova : 0,
				.npages = npages ? npages : IOMMUFD_VTD_INV_ALL);

		rc = iommufd_vtd_inv_build(d->ctx, &inv, &io->vtd, entry, sizeof(entry),
					   &type, &len);
	} else {
		LIBIOMMUFD_OPTS(iommufd_selftest_inv, inv,
				.flags = npages ? 0 : IOMMUFD_SELFTEST_INV_ALL,
				.iotlb_id = (uint32_t)(iova >> 12) % MOCK_IOTLB_ENTRIES);

		rc = iommufd_selftest_inv_build(d->ctx, &inv, &io->selftest, entry,
						sizeof(entry), &type, &len);
	}
	if (rc)
		return rc;
	/* One entry here; a VMM batches what the guest queued. */
	return iommufd_hwpt_invalidate(nested, type, entry, (uint32_t)len, 1, done);
}

/* ---- the VMM ------------------------------------------------------------- */

int main(int argc, char **argv)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, copts, .log_fn = log_fn, .log_priority = LOG_ERR);
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, s2opts, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_ioas *ram = NULL;
	struct iommufd_hwpt *s2 = NULL, *s1a = NULL, *s1b = NULL;
	struct device d = { 0 };
	struct iommu io = { .vtd = { .sz = sizeof(io.vtd) } };
	const uint32_t ta = (uint32_t)(GUEST_TABLE_A >> 12), tb = (uint32_t)(GUEST_TABLE_B >> 12);
	void *guest_ram = MAP_FAILED;
	bool nests = false, no_nesting = false, other_nesting = false, done = false;
	uint32_t handled = 0;
	int rc;

	setvbuf(stdout, NULL, _IOLBF, 0);
	if (argc > 2 || (argc == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: %s [PCI-ADDRESS]   (default: the first VFIO device,"
			" else a selftest mock device)\n", argv[0]);
		return 2;
	}

	STEP("1. open /dev/iommu and pick the device");
	rc = iommufd_ctx_new(&copts, &ctx);
	if (!expect(rc == 0, "open /dev/iommu") ||
	    !expect(iommufd_ioas_alloc(ctx, &ram) == 0, "allocate the guest RAM IOAS") ||
	    !expect(device_open(&d, ctx, argc == 2 ? argv[1] : NULL, ram) == 0, "the device"))
		goto out;
	SAY("device %u%s", iommufd_device_get_id(d.dev), d.mock ? " (mock)" : "");

	STEP("2. what does the IOMMU say about nesting?");
	nests = iommu_can_nest(&d, &io);
	if (failures || (d.noiommu && !nests))
		goto out;
	SAY("its registers say: %s", nests ? "it can nest" : "it cannot nest as this VMM needs");

	STEP("3. guest RAM: %llu MiB at guest physical 0x%llx", GUEST_RAM_SIZE >> 20,
	     (unsigned long long)GUEST_RAM_GPA);
	guest_ram = mmap(NULL, GUEST_RAM_SIZE, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* IOVA of this IOAS = guest physical address: the IOAS is stage 2's input. */
	if (!expect(guest_ram != MAP_FAILED, "allocate it") ||
	    !expect(iommufd_ioas_map_fixed(ram, guest_ram, GUEST_RAM_SIZE, GUEST_RAM_GPA,
					   IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE) == 0,
		    "map it into the IOAS at its guest physical address"))
		goto out;

	STEP("4. stage 2: a nest-parent HWPT on the guest RAM IOAS");
	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(ram), d.dev, &s2opts, &s2);
	if (rc == -EOPNOTSUPP) {
		/* Never downgraded: the library does not hand back a plain HWPT. */
		SAY("the kernel refuses it: EOPNOTSUPP (the library's log above says why)");
		no_nesting = true;
		goto out;
	}
	if (!expect(rc == 0, "allocate the nest parent"))
		goto out;
	if (!nests) {
		SAY("the kernel made a nest parent, but this IOMMU's stage 1 is not one this"
		    " example drives");
		other_nesting = true;
		goto out;
	}
	SAY("nest parent HWPT %u", iommufd_hwpt_get_id(s2));
	/* The guest boots with its vIOMMU off: its DMA addresses are guest physical. */
	if (!expect(device_set_pt(&d, iommufd_hwpt_as_pt(s2), iommufd_hwpt_get_id(s2)) == 0,
		    "the device translates through stage 2 only"))
		goto out;

	STEP("5. the guest turns translation on, its table at GPA 0x%llx",
	     (unsigned long long)GUEST_TABLE_A);
	if (!expect(alloc_stage1(&d, &io, s2, GUEST_TABLE_A, &s1a) == 0,
		    "nested HWPT from the guest's table pointer"))
		goto out;
	SAY("nested HWPT %u on parent %u", iommufd_hwpt_get_id(s1a), iommufd_hwpt_get_id(s2));
	if (!expect(device_set_pt(&d, iommufd_hwpt_as_pt(s1a), iommufd_hwpt_get_id(s1a)) == 0,
		    "replace: stage 2 -> stage 1 A over stage 2"))
		goto out;
	if (d.mock)
		mock_show_iotlb(&d, s1a, "A", (const uint32_t[]){ ta, ta, ta, ta });

	STEP("6. the guest switches to its table at GPA 0x%llx", (unsigned long long)GUEST_TABLE_B);
	if (!expect(alloc_stage1(&d, &io, s2, GUEST_TABLE_B, &s1b) == 0, "nested HWPT B") ||
	    !expect(device_set_pt(&d, iommufd_hwpt_as_pt(s1b), iommufd_hwpt_get_id(s1b)) == 0,
		    "replace: A -> B, no blocking domain in between"))
		goto out;
	/* Nothing uses A any more: the guest freed that table. */
	s1a = iommufd_hwpt_unref(s1a);
	SAY("nested HWPT A released");
	if (d.mock)
		mock_show_iotlb(&d, s1b, "B", (const uint32_t[]){ tb, tb, tb, tb });

	STEP("7. the guest changes its table and invalidates");
	rc = forward_invalidation(&d, &io, s1b, 0x1000, 1, &handled);
	if (!expect(rc == 0 && handled == 1, "forward: one page at IOVA 0x1000"))
		goto out;
	if (d.mock)
		mock_show_iotlb(&d, s1b, "B", (const uint32_t[]){ tb, 0, tb, tb });
	rc = forward_invalidation(&d, &io, s1b, 0, 0, &handled);
	if (!expect(rc == 0 && handled == 1, "forward: everything"))
		goto out;
	if (d.mock)
		mock_show_iotlb(&d, s1b, "B", (const uint32_t[]){ 0, 0, 0, 0 });

	STEP("8. the guest turns translation off");
	if (!expect(device_set_pt(&d, iommufd_hwpt_as_pt(s2), iommufd_hwpt_get_id(s2)) == 0,
		    "replace: B -> stage 2 only"))
		goto out;
	done = true;

out:
	STEP("9. tear down");
	device_close(&d);
	iommufd_hwpt_unref(s1a);
	iommufd_hwpt_unref(s1b);
	iommufd_hwpt_unref(s2);		/* after its nested HWPTs, whatever the order here */
	iommufd_ioas_unref(ram);
	iommufd_ctx_unref(ctx);
	if (guest_ram != MAP_FAILED)
		munmap(guest_ram, GUEST_RAM_SIZE);
	if (other_nesting && !failures) {
		printf("nested-vmm: this IOMMU nests another way (through a vIOMMU object):"
		       " see iommufd_viommu_alloc()\n");
		return 0;
	}
	if (d.noiommu && !nests && !failures) {
		printf("nested-vmm: no nesting: the device is a noiommu device: no IOMMU"
		       " translates or isolates its DMA, so there is no stage 2 to nest on;"
		       " a VMM cannot pass it to a guest safely\n");
		return 0;
	}
	if (no_nesting && !failures) {
		printf("nested-vmm: no nesting on this IOMMU: a VMM would give its guest an emulated"
		       " vIOMMU (shadowing the guest's tables into stage 2) or none\n");
		return 0;
	}
	if (failures || !done) {
		printf("nested-vmm: FAILED (%d)\n", failures);
		return 1;
	}
	printf("nested-vmm: done: stage 2 for the VMM, stage 1 for the guest, switched and"
	       " invalidated\n");
	return 0;
}
