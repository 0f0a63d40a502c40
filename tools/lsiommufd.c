// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * lsiommufd: list VFIO devices, the IOMMU behind each, its decoded hardware
 * information, and what the kernel and the IOMMU can do (with the reason
 * when not). Meant to be pasted into a bug report as it is: the human
 * report by default, the same facts as one JSON object with --json.
 *
 * Usage and exit status: lsiommufd --help, and lsiommufd(1).
 *
 * The report is gathered first (struct report), then printed in one of the
 * two forms, so both always say the same.
 */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/utsname.h>

#include <libiommufd.h>

/* Exit status (lsiommufd(1)). */
enum {
	EXIT_COMPLETE = 0,	/* everything asked for was reported */
	EXIT_INCOMPLETE = 1,	/* something could not be probed: the report says what */
	EXIT_USAGE = 2,		/* bad command line */
};

/* ---- what is reported --------------------------------------------------- */

struct feature_name {
	const char *name;
	size_t offset;		/* of its struct iommufd_feature in struct iommufd_probe */
};

#define FEATURE(name, member) { name, offsetof(struct iommufd_probe, member) }

/* The kernel's commands (context probe), in the order of the report. */
static const struct feature_name commands[] = {
	FEATURE("hwpt_alloc", hwpt_alloc), FEATURE("hw_info", hw_info),
	FEATURE("dirty_tracking", dirty_tracking_cmds), FEATURE("invalidate", invalidate),
	FEATURE("fault_queue", fault_queue), FEATURE("map_file", map_file),
	FEATURE("viommu", viommu_cmds), FEATURE("vdevice", vdevice),
	FEATURE("change_process", change_process), FEATURE("veventq", veventq),
	FEATURE("hw_queue", hw_queue), FEATURE("vfio_compat", vfio_compat),
	FEATURE("options", options), FEATURE("ioas_copy", ioas_copy),
};

/* What a device's IOMMU can do (device probe). */
static const struct feature_name device_features[] = {
	FEATURE("paging_hwpt", paging_hwpt), FEATURE("nest_parent", nest_parent),
	FEATURE("nesting", nesting), FEATURE("dirty_tracking", dirty_tracking),
	FEATURE("pasid", pasid), FEATURE("pasid_hwpt", pasid_hwpt),
	FEATURE("pasid_exec", pasid_exec), FEATURE("pasid_priv", pasid_priv),
	FEATURE("ats", ats), FEATURE("viommu_arm_smmuv3", viommu_arm_smmuv3),
	FEATURE("viommu_tegra241", viommu_tegra241_cmdqv),
	FEATURE("viommu_selftest", viommu_selftest),
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* One decoded hw-info field: name and value (printed in hex when @hex). */
struct field {
	const char *name;
	unsigned long long value;
	bool hex;
};

#define MAX_FIELDS 16

/* A step that failed: its errno and the library's explanation. */
struct failure {
	const char *step;	/* "bind", "hw info", "probe", ...; NULL: none */
	int err;		/* negative errno */
	char why[256];		/* iommufd_last_error() right after it */
};

struct device_report {
	const char *title;	/* PCI address, or "-" */
	const char *pci_addr;	/* NULL when not a PCI device */
	const char *cdev_path;
	const char *sysfs_path;
	unsigned int vendor, device;	/* PCI IDs, 0 when not PCI */
	bool noiommu;		/* discovery: no IOMMU serves it (noiommu-vfioN) */
	char noiommu_why[512];	/* the library's word on its hw info, when noiommu */
	struct failure failure;
	bool have_hw_info, have_probe;
	struct iommufd_hw_info info;
	struct iommufd_probe probe;
	const char *decoder;	/* "VT-d", ... NULL: not decoded */
	struct field fields[MAX_FIELDS];
	size_t nfields;
};

struct report {
	struct utsname un;
	int iommufd_err;	/* opening /dev/iommu; 0 when open */
	bool have_commands;
	struct iommufd_probe commands;
	struct failure list_failure;	/* discovery */
	struct device_report *devices;
	size_t ndevices;
	bool mock_asked;
	bool mock_available;
	int mock_err;		/* making the mock device, when not available */
	struct device_report mock;
};

struct options {
	bool json, mock;
	const char **devices;	/* --device filters */
	size_t ndevices;
	const char **features;	/* --feature filters */
	size_t nfeatures;
};

static void failed(struct failure *f, const char *step, int err)
{
	f->step = step;
	f->err = err;
	snprintf(f->why, sizeof(f->why), "%s", iommufd_last_error());
}

/* ---- gathering -------------------------------------------------------- */

static size_t add_field(struct field *f, size_t n, const char *name,
			unsigned long long value, bool hex)
{
	if (n < MAX_FIELDS)
		f[n] = (struct field){ name, value, hex };
	return n + 1;
}

/* The fields a VMM looks at first, per vendor. */
static void decode(struct device_report *r, const void *data, size_t len)
{
	struct iommufd_hw_info_decoded d = { .sz = sizeof(d) };
	struct field *f = r->fields;
	size_t n = 0;

	if (iommufd_hw_info_decode(NULL, r->info.type, data, len, &d) || !d.known)
		return;
	switch (r->info.type) {
	case IOMMUFD_HW_INFO_INTEL_VTD:
		r->decoder = "VT-d";
		n = add_field(f, n, "cap_reg", d.u.vtd.cap_reg, true);
		n = add_field(f, n, "ecap_reg", d.u.vtd.ecap_reg, true);
		n = add_field(f, n, "nesting", d.u.vtd.nesting, false);
		n = add_field(f, n, "nest", d.u.vtd.nest, false);
		n = add_field(f, n, "fsts", d.u.vtd.fsts, false);
		n = add_field(f, n, "ssts", d.u.vtd.ssts, false);
		n = add_field(f, n, "smts", d.u.vtd.smts, false);
		n = add_field(f, n, "mgaw", d.u.vtd.mgaw, false);
		n = add_field(f, n, "fs1gp", d.u.vtd.fs1gp, false);
		n = add_field(f, n, "fs5lp", d.u.vtd.fs5lp, false);
		n = add_field(f, n, "pasid", d.u.vtd.pasid, false);
		n = add_field(f, n, "pasid_bits", d.u.vtd.pasid_bits, false);
		n = add_field(f, n, "errata_772415_spr17", d.u.vtd.errata_772415_spr17, false);
		break;
	case IOMMUFD_HW_INFO_AMD:
		r->decoder = "AMD";
		n = add_field(f, n, "efr", d.u.amd.efr, true);
		n = add_field(f, n, "efr2", d.u.amd.efr2, true);
		n = add_field(f, n, "nesting", d.u.amd.nesting, false);
		n = add_field(f, n, "gt_sup", d.u.amd.gt_sup, false);
		n = add_field(f, n, "gio_sup", d.u.amd.gio_sup, false);
		n = add_field(f, n, "gcr3trp_mode", d.u.amd.gcr3trp_mode, false);
		n = add_field(f, n, "guest_levels", d.u.amd.guest_levels, false);
		n = add_field(f, n, "pasid_bits", d.u.amd.pasid_bits, false);
		break;
	case IOMMUFD_HW_INFO_ARM_SMMUV3:
		r->decoder = "SMMUv3";
		n = add_field(f, n, "arch_major", d.u.smmuv3.arch_major, false);
		n = add_field(f, n, "arch_minor", d.u.smmuv3.arch_minor, false);
		n = add_field(f, n, "s1p", d.u.smmuv3.s1p, false);
		n = add_field(f, n, "s2p", d.u.smmuv3.s2p, false);
		n = add_field(f, n, "oas_bits", d.u.smmuv3.oas_bits, false);
		n = add_field(f, n, "ssidsize", d.u.smmuv3.ssidsize, false);
		n = add_field(f, n, "ats", d.u.smmuv3.ats, false);
		break;
	case IOMMUFD_HW_INFO_TEGRA241_CMDQV:
		r->decoder = "Tegra241 CMDQV";
		n = add_field(f, n, "flags", d.u.tegra241_cmdqv.flags, true);
		n = add_field(f, n, "version", d.u.tegra241_cmdqv.version, false);
		n = add_field(f, n, "log2vcmdqs", d.u.tegra241_cmdqv.log2vcmdqs, false);
		n = add_field(f, n, "log2vsids", d.u.tegra241_cmdqv.log2vsids, false);
		n = add_field(f, n, "num_vcmdqs", d.u.tegra241_cmdqv.num_vcmdqs, false);
		break;
	case IOMMUFD_HW_INFO_SELFTEST:
		r->decoder = "selftest mock IOMMU";
		n = add_field(f, n, "test_reg", d.u.selftest.test_reg, true);
		break;
	default:
		return;
	}
	r->nfields = n < MAX_FIELDS ? n : MAX_FIELDS;
}

/* hw info, decoded fields and the device probe of a bound device. */
static void probe_device(struct device_report *r, struct iommufd_device *dev)
{
	unsigned char data[64];
	int rc;

	r->info.sz = sizeof(r->info);
	rc = iommufd_device_get_hw_info(dev, data, sizeof(data), &r->info);
	if (rc == -EOPNOTSUPP && r->noiommu) {
		/* No IOMMU, so nothing to read or probe: a complete answer. */
		snprintf(r->noiommu_why, sizeof(r->noiommu_why), "%s", iommufd_last_error());
		return;
	}
	if (rc) {
		failed(&r->failure, "hw info", rc);
		return;
	}
	r->have_hw_info = true;
	decode(r, data, r->info.data_len < sizeof(data) ? r->info.data_len : sizeof(data));
	r->probe.sz = sizeof(r->probe);
	rc = iommufd_device_probe(dev, &r->probe);
	if (rc) {
		failed(&r->failure, "probe", rc);
		return;
	}
	r->have_probe = true;
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

static void gather_mock(struct report *rep, struct iommufd_ctx *ctx)
{
	struct device_report *r = &rep->mock;
	struct iommufd_device *dev;
	struct iommufd_ioas *ioas;
	uint32_t stdev = 0, idev = 0;
	int rc;

	r->title = "-";
	rc = iommufd_ioas_alloc(ctx, &ioas);
	if (rc) {
		failed(&r->failure, "IOAS alloc", rc);
		rep->mock_available = true;	/* unknown: reported as a failure */
		return;
	}
	rc = mock_device(ctx, ioas, &stdev, &idev);
	if (rc) {
		rep->mock_err = rc;
		iommufd_ioas_unref(ioas);
		return;
	}
	rep->mock_available = true;
	rc = iommufd_device_new_from_id(ctx, idev, -1, IOMMUFD_ADOPT_BORROW, &dev);
	if (rc) {
		failed(&r->failure, "adopt", rc);
	} else {
		probe_device(r, dev);
		iommufd_device_unref(dev);
	}
	destroy_id(ctx, stdev);
	iommufd_ioas_unref(ioas);
}

/* Whether a --device filter names this cdev (PCI address, cdev or sysfs path). */
static bool device_selected(const struct options *o, const struct iommufd_vfio_cdev *c)
{
	if (!o->ndevices)
		return true;
	for (size_t i = 0; i < o->ndevices; i++) {
		const char *want = o->devices[i];

		if (!strcmp(want, c->cdev_path) || !strcmp(want, c->sysfs_path))
			return true;
		/* "00:03.0" names "0000:00:03.0" */
		if (c->pci_addr && (!strcmp(want, c->pci_addr) ||
				    (strlen(c->pci_addr) == strlen(want) + 5 &&
				     !strncmp(c->pci_addr, "0000:", 5) &&
				     !strcmp(c->pci_addr + 5, want))))
			return true;
	}
	return false;
}

static void gather_device(struct device_report *r, struct iommufd_ctx *ctx,
			  const char *cdev_path)
{
	struct iommufd_device *dev;
	int rc;

	rc = iommufd_device_bind_path(ctx, cdev_path, &dev);
	if (rc) {
		failed(&r->failure, "bind", rc);
		return;
	}
	probe_device(r, dev);
	iommufd_device_unref(dev);
}

/*
 * The devices to report: every VFIO cdev libudev finds (those the filters
 * name). A filter that is a /dev path is bound directly when discovery is
 * not available (a library built without libudev).
 */
static int gather_devices(struct report *rep, struct iommufd_ctx *ctx,
			  const struct options *o, struct iommufd_vfio_cdev ***ret_list)
{
	struct iommufd_vfio_cdev **list;
	size_t count;
	int rc;

	rc = iommufd_discover_list(ctx, &list, &count);
	if (rc) {
		failed(&rep->list_failure, "list", rc);
		if (rc != -EOPNOTSUPP || !o->ndevices)
			return rc;
		/* No discovery: the filters that are device nodes. */
		rep->devices = calloc(o->ndevices, sizeof(*rep->devices));
		if (!rep->devices)
			return -ENOMEM;
		for (size_t i = 0; i < o->ndevices; i++) {
			struct device_report *r = &rep->devices[rep->ndevices++];

			r->title = "-";
			r->cdev_path = o->devices[i];
			r->sysfs_path = "-";
			gather_device(r, ctx, o->devices[i]);
		}
		*ret_list = NULL;
		return 0;
	}
	rep->devices = calloc(count ? count : 1, sizeof(*rep->devices));
	if (!rep->devices) {
		iommufd_discover_list_free(list);
		return -ENOMEM;
	}
	for (size_t i = 0; i < count; i++) {
		struct device_report *r;

		if (!device_selected(o, list[i]))
			continue;
		r = &rep->devices[rep->ndevices++];
		r->title = list[i]->pci_addr ? list[i]->pci_addr : "-";
		r->pci_addr = list[i]->pci_addr;
		r->cdev_path = list[i]->cdev_path;
		r->sysfs_path = list[i]->sysfs_path;
		r->vendor = list[i]->vendor;
		r->device = list[i]->device;
		r->noiommu = list[i]->noiommu;
		gather_device(r, ctx, list[i]->cdev_path);
	}
	*ret_list = list;	/* the strings of the report point into it */
	return 0;
}

/* ---- filters ---------------------------------------------------------- */

static bool feature_selected(const struct options *o, const char *name)
{
	if (!o->nfeatures)
		return true;
	for (size_t i = 0; i < o->nfeatures; i++)
		if (!strcmp(o->features[i], name))
			return true;
	return false;
}

static bool known_feature(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(commands[i].name, name))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(device_features); i++)
		if (!strcmp(device_features[i].name, name))
			return true;
	return false;
}

static const struct iommufd_feature *feature_of(const struct iommufd_probe *p,
						const struct feature_name *n)
{
	return (const struct iommufd_feature *)((const char *)p + n->offset);
}

/* ---- the human report ------------------------------------------------- */

/* One verdict line: "    nest_parent            IOMMU/driver cannot (...)". */
static void human_verdict(const char *indent, const char *name, struct iommufd_feature f)
{
	printf("%s%-22s %s", indent, name, iommufd_support_name(f.support));
	if (f.err)
		printf(" (%s)", strerror(-f.err));
	printf("\n");
}

static void human_features(const struct options *o, const struct iommufd_probe *p,
			   const struct feature_name *names, size_t n, const char *indent)
{
	for (size_t i = 0; i < n; i++)
		if (feature_selected(o, names[i].name))
			human_verdict(indent, names[i].name, *feature_of(p, &names[i]));
}

static void human_failure(const char *indent, const struct failure *f)
{
	printf("%s%s: %s", indent, f->step, strerror(-f->err));
	if (f->why[0])
		printf(" (%s)", f->why);
	printf("\n");
}

static void human_device(const struct options *o, const struct device_report *r)
{
	if (r->noiommu && !r->have_hw_info && !r->failure.step)
		printf("    iommu: none: a noiommu device, its DMA neither translated nor isolated"
		       " (%s)\n", r->noiommu_why);
	if (r->have_hw_info) {
		printf("    iommu: %s (type %#x), capabilities %#llx, PASID bits %u\n",
		       iommufd_hw_info_type_name(r->info.type), r->info.type,
		       (unsigned long long)r->info.capabilities, r->info.max_pasid_log2);
		if (r->decoder) {
			printf("    %s:", r->decoder);
			for (size_t i = 0; i < r->nfields; i++)
				printf(r->fields[i].hex ? " %s=%#llx" : " %s=%llu",
				       r->fields[i].name, r->fields[i].value);
			printf("\n");
		} else {
			printf("    hw info: type %#x, %u bytes, not decoded\n", r->info.type,
			       r->info.data_len);
		}
	}
	if (r->have_probe) {
		printf("    features:\n");
		human_features(o, &r->probe, device_features, ARRAY_SIZE(device_features),
			       "      ");
	}
	if (r->failure.step)
		human_failure("    ", &r->failure);
}

static void human_report(const struct options *o, const struct report *rep)
{
	printf("lsiommufd: kernel %s %s %s\n", rep->un.sysname, rep->un.release,
	       rep->un.machine);
	printf("libiommufd: %s\n", iommufd_version());
	if (rep->iommufd_err) {
		printf("/dev/iommu: %s%s\n", strerror(-rep->iommufd_err),
		       rep->iommufd_err == -ENOENT ?
		       ": this kernel has no iommufd (CONFIG_IOMMUFD)" : "");
		return;
	}
	if (rep->have_commands) {
		printf("  kernel commands:\n");
		human_features(o, &rep->commands, commands, ARRAY_SIZE(commands), "    ");
	}
	if (rep->list_failure.step)
		human_failure("VFIO devices: ", &rep->list_failure);
	if (!rep->list_failure.step || rep->ndevices)
		printf("VFIO devices: %zu\n", rep->ndevices);
	for (size_t i = 0; i < rep->ndevices; i++) {
		const struct device_report *r = &rep->devices[i];

		printf("  %s: %s [%04x:%04x] %s\n", r->title, r->cdev_path, r->vendor,
		       r->device, r->sysfs_path);
		human_device(o, r);
	}
	if (rep->mock_asked) {
		printf("selftest mock device:\n");
		if (!rep->mock_available)
			printf("    not available: %s (kernel without CONFIG_IOMMUFD_TEST?)\n",
			       strerror(-rep->mock_err));
		else
			human_device(o, &rep->mock);
	}
}

/* ---- the JSON report -------------------------------------------------- */

static void json_string(const char *s)
{
	putchar('"');
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void json_key(const char *key)
{
	json_string(key);
	printf(": ");
}

static void json_error(int err)
{
	printf("{\"errno\": %d, \"message\": ", -err);
	json_string(strerror(-err));
	printf("}");
}

static void json_failure(const struct failure *f)
{
	printf("{\"step\": ");
	json_string(f->step);
	printf(", \"errno\": %d, \"message\": ", -f->err);
	json_string(strerror(-f->err));
	printf(", \"why\": ");
	json_string(f->why);
	printf("}");
}

static void json_features(const struct options *o, const struct iommufd_probe *p,
			  const struct feature_name *names, size_t n)
{
	const char *sep = "";

	printf("{");
	for (size_t i = 0; i < n; i++) {
		const struct iommufd_feature *f = feature_of(p, &names[i]);

		if (!feature_selected(o, names[i].name))
			continue;
		printf("%s", sep);
		json_key(names[i].name);
		printf("{\"support\": ");
		json_string(iommufd_support_name(f->support));
		printf(", \"supported\": %s, \"error\": ",
		       f->support == IOMMUFD_FEATURE_SUPPORTED ? "true" : "false");
		if (f->err)
			json_error(f->err);
		else
			printf("null");
		printf("}");
		sep = ", ";
	}
	printf("}");
}

static void json_device(const struct options *o, const struct device_report *r)
{
	printf("{\"pci_address\": ");
	if (r->pci_addr)
		json_string(r->pci_addr);
	else
		printf("null");
	printf(", \"cdev\": ");
	if (r->cdev_path)
		json_string(r->cdev_path);
	else
		printf("null");
	printf(", \"sysfs\": ");
	if (r->sysfs_path && strcmp(r->sysfs_path, "-"))
		json_string(r->sysfs_path);
	else
		printf("null");
	printf(", \"vendor\": %u, \"device\": %u, \"noiommu\": %s, \"iommu\": ", r->vendor,
	       r->device, r->noiommu ? "true" : "false");
	if (r->have_hw_info) {
		printf("{\"type\": %u, \"name\": ", r->info.type);
		json_string(iommufd_hw_info_type_name(r->info.type));
		printf(", \"capabilities\": %llu, \"max_pasid_log2\": %u, \"decoded\": ",
		       (unsigned long long)r->info.capabilities, r->info.max_pasid_log2);
		if (r->decoder) {
			printf("{");
			for (size_t i = 0; i < r->nfields; i++)
				printf("%s\"%s\": %llu", i ? ", " : "", r->fields[i].name,
				       r->fields[i].value);
			printf("}");
		} else {
			printf("null");
		}
		printf("}");
	} else {
		printf("null");
	}
	printf(", \"features\": ");
	if (r->have_probe)
		json_features(o, &r->probe, device_features, ARRAY_SIZE(device_features));
	else
		printf("null");
	printf(", \"failure\": ");
	if (r->failure.step)
		json_failure(&r->failure);
	else
		printf("null");
	printf("}");
}

static void json_report(const struct options *o, const struct report *rep)
{
	printf("{\"lsiommufd\": 1, \"libiommufd\": ");
	json_string(iommufd_version());
	printf(", \"kernel\": {\"sysname\": ");
	json_string(rep->un.sysname);
	printf(", \"release\": ");
	json_string(rep->un.release);
	printf(", \"machine\": ");
	json_string(rep->un.machine);
	printf("}, \"iommufd\": ");
	if (rep->iommufd_err) {
		printf("{\"available\": false, \"error\": ");
		json_error(rep->iommufd_err);
		printf("}}\n");
		return;
	}
	printf("{\"available\": true, \"error\": null}, \"commands\": ");
	if (rep->have_commands)
		json_features(o, &rep->commands, commands, ARRAY_SIZE(commands));
	else
		printf("null");
	printf(", \"discovery\": ");
	if (rep->list_failure.step)
		json_failure(&rep->list_failure);
	else
		printf("null");
	printf(", \"devices\": [");
	for (size_t i = 0; i < rep->ndevices; i++) {
		printf("%s", i ? ", " : "");
		json_device(o, &rep->devices[i]);
	}
	printf("], \"mock\": ");
	if (!rep->mock_asked) {
		printf("null");
	} else if (!rep->mock_available) {
		printf("{\"available\": false, \"error\": ");
		json_error(rep->mock_err);
		printf("}");
	} else {
		json_device(o, &rep->mock);
	}
	printf("}\n");
}

/* ---- command line ------------------------------------------------------ */

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: lsiommufd [OPTION]...\n"
		"List the VFIO devices, the IOMMU behind each and what the kernel and the\n"
		"IOMMU can do (libiommufd's capability probe), for a bug report.\n"
		"\n"
		"  -d, --device=DEV     only DEV: a PCI address (0000:00:03.0 or 00:03.0),\n"
		"                       a VFIO cdev (/dev/vfio/devices/vfio0) or a sysfs\n"
		"                       path; may be repeated\n"
		"  -f, --feature=NAME   only the verdict on NAME (e.g. nest_parent,\n"
		"                       hwpt_alloc); may be repeated; --list-features\n"
		"                       names them\n"
		"  -j, --json           one JSON object instead of the human report\n"
		"  -m, --mock           also a device of the kernel's selftest mock IOMMU\n"
		"                       (CONFIG_IOMMUFD_TEST)\n"
		"      --list-features  print the feature names and exit\n"
		"  -h, --help           print this help and exit\n"
		"  -V, --version        print the version and exit\n"
		"\n"
		"Exit status: 0 when everything asked for was reported (also on a kernel\n"
		"without iommufd, which the report says), 1 when something could not be\n"
		"probed or a --device matched nothing (the report says what), 2 on a bad\n"
		"command line.\n");
}

static int parse_args(int argc, char **argv, struct options *o)
{
	enum { OPT_LIST_FEATURES = 256 };
	static const struct option longopts[] = {
		{ "device", required_argument, NULL, 'd' },
		{ "feature", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "mock", no_argument, NULL, 'm' },
		{ "list-features", no_argument, NULL, OPT_LIST_FEATURES },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	/* Room for every argument: a filter is at most one per argument. */
	o->devices = calloc((size_t)argc, sizeof(*o->devices));
	o->features = calloc((size_t)argc, sizeof(*o->features));
	if (!o->devices || !o->features) {
		fprintf(stderr, "lsiommufd: out of memory\n");
		return EXIT_INCOMPLETE;
	}
	while ((c = getopt_long(argc, argv, "d:f:jmhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			o->devices[o->ndevices++] = optarg;
			break;
		case 'f':
			if (!known_feature(optarg)) {
				fprintf(stderr, "lsiommufd: unknown feature '%s' (see --list-features)\n",
					optarg);
				return EXIT_USAGE;
			}
			o->features[o->nfeatures++] = optarg;
			break;
		case 'j':
			o->json = true;
			break;
		case 'm':
			o->mock = true;
			break;
		case OPT_LIST_FEATURES:
			for (size_t i = 0; i < ARRAY_SIZE(commands); i++)
				printf("%s (kernel command)\n", commands[i].name);
			for (size_t i = 0; i < ARRAY_SIZE(device_features); i++)
				printf("%s (device)\n", device_features[i].name);
			return -1;
		case 'h':
			usage(stdout);
			return -1;
		case 'V':
			printf("lsiommufd (libiommufd) %s, library %s\n", LIBIOMMUFD_VERSION,
			       iommufd_version());
			return -1;
		default:
			usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "lsiommufd: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EXIT_USAGE;
	}
	return 0;
}

/* Gathers the report; the exit status it earns. */
static int gather(struct report *rep, const struct options *o,
		  struct iommufd_vfio_cdev ***ret_list)
{
	struct iommufd_ctx *ctx;
	int status = EXIT_COMPLETE;
	int rc;

	uname(&rep->un);
	rc = iommufd_ctx_new(NULL, &ctx);
	if (rc) {
		rep->iommufd_err = rc;
		/* No iommufd is a complete answer; anything else is not. */
		return rc == -ENOENT ? EXIT_COMPLETE : EXIT_INCOMPLETE;
	}
	rep->commands.sz = sizeof(rep->commands);
	if (iommufd_ctx_probe(ctx, &rep->commands))
		status = EXIT_INCOMPLETE;
	else
		rep->have_commands = true;
	rc = gather_devices(rep, ctx, o, ret_list);
	/* Without discovery, the devices named by path are all that was asked. */
	if (rc || (rep->list_failure.step &&
		   !(rep->list_failure.err == -EOPNOTSUPP && o->ndevices)))
		status = EXIT_INCOMPLETE;
	for (size_t i = 0; i < rep->ndevices; i++)
		if (rep->devices[i].failure.step)
			status = EXIT_INCOMPLETE;
	if (o->ndevices && !rep->ndevices)
		status = EXIT_INCOMPLETE;	/* the filter matched nothing */
	rep->mock_asked = o->mock;
	if (o->mock) {
		gather_mock(rep, ctx);
		if (rep->mock.failure.step)
			status = EXIT_INCOMPLETE;
	}
	iommufd_ctx_unref(ctx);
	return status;
}

int main(int argc, char **argv)
{
	struct iommufd_vfio_cdev **list = NULL;
	struct options o = { 0 };
	struct report rep = { 0 };
	int status;

	status = parse_args(argc, argv, &o);
	if (status) {
		free(o.devices);
		free(o.features);
		return status < 0 ? EXIT_COMPLETE : status;
	}
	status = gather(&rep, &o, &list);
	if (o.json)
		json_report(&o, &rep);
	else
		human_report(&o, &rep);
	if (!o.json && o.ndevices && !rep.ndevices && !rep.iommufd_err)
		printf("no VFIO device matches the --device filters\n");
	if (fflush(stdout) || ferror(stdout))
		status = EXIT_INCOMPLETE;
	iommufd_discover_list_free(list);
	free(rep.devices);
	free(o.devices);
	free(o.features);
	return status;
}
