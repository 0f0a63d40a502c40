// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lsiommufd: list VFIO devices, the IOMMU behind each, its decoded hardware
 * information, and what the kernel and the IOMMU can do (with the reason
 * when not). Meant to be pasted into a bug report as it is.
 *
 *   cc lsiommufd.c $(pkg-config --cflags --libs libiommufd)
 *   lsiommufd            # every VFIO cdev of the system
 *   lsiommufd --mock     # also a device of the kernel's selftest mock IOMMU
 *
 * Exit status: 0 when the report is complete, 1 otherwise.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <libiommufd.h>

/* One verdict line: "  nest_parent          IOMMU/driver cannot (EOPNOTSUPP)". */
static void verdict(const char *name, struct iommufd_feature f)
{
	printf("    %-22s %s", name, iommufd_support_name(f.support));
	if (f.err)
		printf(" (%s)", strerror(-f.err));
	printf("\n");
}

static void print_commands(const struct iommufd_probe *p)
{
	printf("  kernel commands:\n");
	verdict("hwpt_alloc", p->hwpt_alloc);
	verdict("hw_info", p->hw_info);
	verdict("dirty_tracking", p->dirty_tracking_cmds);
	verdict("invalidate", p->invalidate);
	verdict("fault_queue", p->fault_queue);
	verdict("map_file", p->map_file);
	verdict("viommu", p->viommu_cmds);
	verdict("vdevice", p->vdevice);
	verdict("change_process", p->change_process);
	verdict("veventq", p->veventq);
	verdict("hw_queue", p->hw_queue);
	verdict("vfio_compat", p->vfio_compat);
	verdict("options", p->options);
	verdict("ioas_copy", p->ioas_copy);
}

static void print_device_features(const struct iommufd_probe *p)
{
	printf("    features:\n");
	verdict("  paging_hwpt", p->paging_hwpt);
	verdict("  nest_parent", p->nest_parent);
	verdict("  nesting", p->nesting);
	verdict("  dirty_tracking", p->dirty_tracking);
	verdict("  pasid", p->pasid);
	verdict("  pasid_hwpt", p->pasid_hwpt);
	verdict("  pasid_exec", p->pasid_exec);
	verdict("  pasid_priv", p->pasid_priv);
	verdict("  ats", p->ats);
	verdict("  viommu_arm_smmuv3", p->viommu_arm_smmuv3);
	verdict("  viommu_tegra241", p->viommu_tegra241_cmdqv);
	verdict("  viommu_selftest", p->viommu_selftest);
}

/* The fields a VMM looks at first, per vendor. */
static void print_decoded(uint32_t type, const void *data, size_t len)
{
	struct iommufd_hw_info_decoded d = { .sz = sizeof(d) };

	if (iommufd_hw_info_decode(NULL, type, data, len, &d) || !d.known) {
		printf("    hw info: type %#x, %zu bytes, not decoded\n", type, len);
		return;
	}
	switch (type) {
	case IOMMUFD_HW_INFO_INTEL_VTD:
		printf("    VT-d: cap %#llx ecap %#llx: nesting %d (NEST %d FSTS %d SSTS %d SMTS %d),"
		       " MGAW %u, FS1GP %d, FS5LP %d, PASID %d (%u bits), errata_772415 %d\n",
		       (unsigned long long)d.u.vtd.cap_reg, (unsigned long long)d.u.vtd.ecap_reg,
		       d.u.vtd.nesting, d.u.vtd.nest, d.u.vtd.fsts, d.u.vtd.ssts, d.u.vtd.smts,
		       d.u.vtd.mgaw, d.u.vtd.fs1gp, d.u.vtd.fs5lp, d.u.vtd.pasid,
		       d.u.vtd.pasid_bits, d.u.vtd.errata_772415_spr17);
		break;
	case IOMMUFD_HW_INFO_AMD:
		printf("    AMD: EFR %#llx EFR2 %#llx: nesting %d (GT %d GIo %d GCR3TRP %d),"
		       " guest levels %u, PASID bits %u\n",
		       (unsigned long long)d.u.amd.efr, (unsigned long long)d.u.amd.efr2,
		       d.u.amd.nesting, d.u.amd.gt_sup, d.u.amd.gio_sup, d.u.amd.gcr3trp_mode,
		       d.u.amd.guest_levels, d.u.amd.pasid_bits);
		break;
	case IOMMUFD_HW_INFO_ARM_SMMUV3:
		printf("    SMMUv3 %u.%u: S1P %d S2P %d, OAS %u bits, SSID %u bits, ATS %d\n",
		       d.u.smmuv3.arch_major, d.u.smmuv3.arch_minor, d.u.smmuv3.s1p,
		       d.u.smmuv3.s2p, d.u.smmuv3.oas_bits, d.u.smmuv3.ssidsize, d.u.smmuv3.ats);
		break;
	case IOMMUFD_HW_INFO_SELFTEST:
		printf("    selftest mock IOMMU: test register %#x\n", d.u.selftest.test_reg);
		break;
	default:
		printf("    hw info: type %#x decoded (see iommufd_hw_info_decode)\n", type);
	}
}

static int report_device(struct iommufd_device *dev)
{
	struct iommufd_probe probe = { .sz = sizeof(probe) };
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	unsigned char data[64];
	int rc;

	rc = iommufd_device_get_hw_info(dev, data, sizeof(data), &info);
	if (rc) {
		printf("    hw info: %s\n", strerror(-rc));
		return 1;
	}
	printf("    iommu: %s (type %#x), capabilities %#llx, PASID bits %u\n",
	       iommufd_hw_info_type_name(info.type), info.type, (unsigned long long)info.capabilities,
	       info.max_pasid_log2);
	print_decoded(info.type, data, info.data_len < sizeof(data) ? info.data_len : sizeof(data));
	rc = iommufd_device_probe(dev, &probe);
	if (rc) {
		printf("    probe: %s\n", strerror(-rc));
		return 1;
	}
	print_device_features(&probe);
	return 0;
}

/*
 * The kernel's selftest driver (CONFIG_IOMMUFD_TEST) makes mock devices on
 * demand; its command is not part of the stable uAPI, so it is stated here:
 * IOMMU_TEST_CMD (';', 0xa0), op MOCK_DOMAIN = 2 on an IOAS, out stdev_id,
 * hwpt_id, idev_id at offsets 16, 20, 24 of a 72-byte command.
 */
static int mock_device(struct iommufd_ctx *ctx, struct iommufd_ioas *ioas,
		       uint32_t *stdev, uint32_t *idev)
{
	uint32_t cmd[18] = { sizeof(cmd), 2, iommufd_ioas_get_id(ioas) };

	if (ioctl(iommufd_ctx_get_fd(ctx), _IO(';', 0xa0), cmd))
		return -errno;
	*stdev = cmd[4];
	*idev = cmd[6];
	return 0;
}

/* IOMMU_DESTROY (';', 0x80) of the mock device: it goes away with its ID. */
static void destroy_id(struct iommufd_ctx *ctx, uint32_t id)
{
	uint32_t cmd[2] = { sizeof(cmd), id };

	ioctl(iommufd_ctx_get_fd(ctx), _IO(';', 0x80), cmd);
}

static int report_mock(struct iommufd_ctx *ctx)
{
	struct iommufd_device *dev;
	struct iommufd_ioas *ioas;
	uint32_t stdev = 0, idev = 0;
	int rc;

	printf("selftest mock device:\n");
	if (iommufd_ioas_alloc(ctx, &ioas))
		return 1;
	rc = mock_device(ctx, ioas, &stdev, &idev);
	if (rc) {
		printf("    not available: %s (kernel without CONFIG_IOMMUFD_TEST?)\n", strerror(-rc));
		iommufd_ioas_unref(ioas);
		return 0;
	}
	rc = iommufd_device_new_from_id(ctx, idev, -1, IOMMUFD_ADOPT_BORROW, &dev);
	if (!rc) {
		rc = report_device(dev);
		iommufd_device_unref(dev);
	}
	destroy_id(ctx, stdev);
	iommufd_ioas_unref(ioas);
	return rc ? 1 : 0;
}

int main(int argc, char **argv)
{
	struct iommufd_probe probe = { .sz = sizeof(probe) };
	bool mock = argc > 1 && !strcmp(argv[1], "--mock");
	struct iommufd_vfio_cdev **list;
	struct iommufd_ctx *ctx;
	struct utsname un;
	size_t count;
	int rc, status = 0;

	uname(&un);
	printf("lsiommufd: kernel %s %s %s\n", un.sysname, un.release, un.machine);
	rc = iommufd_ctx_new(NULL, &ctx);
	if (rc) {
		printf("/dev/iommu: %s%s\n", strerror(-rc),
		       rc == -ENOENT ? ": this kernel has no iommufd (CONFIG_IOMMUFD)" : "");
		return rc == -ENOENT ? 0 : 1;
	}
	if (iommufd_ctx_probe(ctx, &probe))
		status = 1;
	else
		print_commands(&probe);
	rc = iommufd_discover_list(ctx, &list, &count);
	if (rc) {
		printf("VFIO cdevs: %s\n", strerror(-rc));
		iommufd_ctx_unref(ctx);
		return 1;
	}
	printf("VFIO devices: %zu\n", count);
	for (size_t i = 0; i < count; i++) {
		struct iommufd_device *dev;

		printf("  %s: %s [%04x:%04x] %s\n", list[i]->pci_addr ? list[i]->pci_addr : "-",
		       list[i]->cdev_path, list[i]->vendor, list[i]->device, list[i]->sysfs_path);
		rc = iommufd_device_bind_path(ctx, list[i]->cdev_path, &dev);
		if (rc) {
			printf("    bind: %s\n", strerror(-rc));
			status = 1;
			continue;
		}
		status |= report_device(dev);
		iommufd_device_unref(dev);
	}
	iommufd_discover_list_free(list);
	if (mock)
		status |= report_mock(ctx);
	iommufd_ctx_unref(ctx);
	return status;
}
