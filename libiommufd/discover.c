// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Finding VFIO device cdevs with libudev.
 *
 * Built without libudev (configure --without-libudev, for static links and
 * musl), the calls that need it return -EOPNOTSUPP and say why; PCI
 * address checks and iommufd_discover_list_free() work the same.
 *
 * A device bound to a VFIO driver gets a child device in the "vfio-dev"
 * class (/sys/bus/pci/devices/<BDF>/vfio-dev/vfioN) whose node is
 * /dev/vfio/devices/vfioN. The node is trusted only when it is a character
 * device with the major:minor sysfs announces, so a stale or foreign node
 * is never bound by mistake.
 */
#define _GNU_SOURCE
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#ifdef HAVE_LIBUDEV
#include <libudev.h>
#endif

#include "private.h"

#define PCI_DEVICES_DIR "/sys/bus/pci/devices/"

/* Room for the longest PCI address Linux writes: an 8-digit domain. */
#define PCI_ADDR_MAX sizeof("ffffffff:ff:1f.7")

/* Whether @s starts with exactly @n hex digits followed by @end. */
static bool hex_field(const char *s, size_t n, char end)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return s[n] == end;
}

/*
 * "0000:00:03.0" from "DDDD:BB:DD.F" or "BB:DD.F"; the domain has 4 to 8
 * hex digits (Linux prints at least 4: VMD domains have 5). -EINVAL if
 * malformed.
 */
static int normalize_pci_addr(const char *in, char out[PCI_ADDR_MAX])
{
	const char *colon = strchr(in, ':');
	unsigned long domain = 0;
	unsigned int bus, slot, fn;
	size_t dlen = 0;

	if (!colon)
		return -EINVAL;
	if (strchr(colon + 1, ':')) {	/* with a domain */
		dlen = (size_t)(colon - in);
		if (dlen < 4 || dlen > 8 || !hex_field(in, dlen, ':'))
			return -EINVAL;
		domain = strtoul(in, NULL, 16);
		in = colon + 1;
	}
	if (!hex_field(in, 2, ':') || !hex_field(in + 3, 2, '.') || !hex_field(in + 6, 1, '\0'))
		return -EINVAL;
	if (sscanf(in, "%2x:%2x.%1x", &bus, &slot, &fn) != 3 || slot > 0x1f || fn > 7)
		return -EINVAL;
	snprintf(out, PCI_ADDR_MAX, "%04lx:%02x:%02x.%x", domain, bus, slot, fn);
	return 0;
}

#ifdef HAVE_LIBUDEV
/* The node of a vfio-dev device, checked against its major:minor. */
static int checked_devnode(struct iommufd_ctx *ctx, struct udev_device *vfio,
			   char **ret_path)
{
	const char *node = udev_device_get_devnode(vfio);
	dev_t devnum = udev_device_get_devnum(vfio);
	struct stat st;
	char *path;

	if (!node) {
		log_err(ctx, "%s: no device node name in sysfs",
			udev_device_get_syspath(vfio));
		return -ENODEV;
	}
	if (stat(node, &st) < 0) {
		int rc = -errno;

		log_err(ctx, "%s: %s (is devtmpfs mounted on /dev?)", node,
			iommufd_errname(rc));
		return rc;
	}
	if (!S_ISCHR(st.st_mode) || st.st_rdev != devnum) {
		log_err(ctx, "%s is not the character device %u:%u that sysfs announces",
			node, major(devnum), minor(devnum));
		return -ENXIO;
	}
	path = strdup(node);
	if (!path)
		return -ENOMEM;
	*ret_path = path;
	return 0;
}

/* The first "vfio-dev" child of @parent, or NULL. */
static struct udev_device *find_vfio_child(struct udev *udev,
					   struct udev_device *parent)
{
	struct udev_enumerate *en = udev_enumerate_new(udev);
	struct udev_list_entry *entry;
	struct udev_device *child = NULL;

	if (!en)
		return NULL;
	if (udev_enumerate_add_match_parent(en, parent) >= 0 &&
	    udev_enumerate_add_match_subsystem(en, "vfio-dev") >= 0 &&
	    udev_enumerate_scan_devices(en) >= 0) {
		udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(en)) {
			child = udev_device_new_from_syspath(udev,
					udev_list_entry_get_name(entry));
			if (child)
				break;
		}
	}
	udev_enumerate_unref(en);
	return child;
}

static void explain_no_cdev(struct iommufd_ctx *ctx, struct udev_device *dev)
{
	const char *driver = udev_device_get_driver(dev);
	const char *path = udev_device_get_syspath(dev);

	if (!driver)
		log_err(ctx, "%s has no VFIO cdev: no driver is bound (bind it to vfio-pci)", path);
	else if (strncmp(driver, "vfio", 4) != 0)
		log_err(ctx, "%s has no VFIO cdev: it is bound to %s, not to a VFIO driver",
			path, driver);
	else
		log_err(ctx, "%s has no VFIO cdev although %s drives it: the kernel lacks CONFIG_VFIO_DEVICE_CDEV (6.6+)",
			path, driver);
}

IOMMUFD_EXPORT int iommufd_discover_sysfs(struct iommufd_ctx *ctx,
					  const char *sysfs_path,
					  char **ret_cdev_path)
{
	struct udev_device *dev, *vfio;
	struct udev *udev;
	int rc;

	if (!sysfs_path || !*sysfs_path || !ret_cdev_path)
		return iommufd_bad_args(__func__, "!sysfs_path || !*sysfs_path || !ret_cdev_path");
	udev = udev_new();
	if (!udev)
		return -ENOMEM;
	dev = udev_device_new_from_syspath(udev, sysfs_path);
	if (!dev) {
		rc = errno == ENOMEM ? -ENOMEM : -ENODEV;
		log_err(ctx, "%s: no such device", sysfs_path);
		udev_unref(udev);
		return rc;
	}
	vfio = find_vfio_child(udev, dev);
	if (vfio) {
		rc = checked_devnode(ctx, vfio, ret_cdev_path);
		udev_device_unref(vfio);
	} else {
		explain_no_cdev(ctx, dev);
		rc = -ENODEV;
	}
	udev_device_unref(dev);
	udev_unref(udev);
	return rc;
}
#endif /* HAVE_LIBUDEV */

IOMMUFD_EXPORT int iommufd_discover_pci(struct iommufd_ctx *ctx,
					const char *pci_addr,
					char **ret_cdev_path)
{
	char addr[PCI_ADDR_MAX], syspath[sizeof(PCI_DEVICES_DIR) + PCI_ADDR_MAX];

	if (!pci_addr || !ret_cdev_path)
		return iommufd_bad_args(__func__, "!pci_addr || !ret_cdev_path");
	if (normalize_pci_addr(pci_addr, addr)) {
		log_err(ctx, "\"%s\" is not a PCI address (DDDD:BB:DD.F or BB:DD.F)", pci_addr);
		return -EINVAL;
	}
	snprintf(syspath, sizeof(syspath), PCI_DEVICES_DIR "%s", addr);
	return iommufd_discover_sysfs(ctx, syspath, ret_cdev_path);
}

IOMMUFD_EXPORT void iommufd_discover_list_free(struct iommufd_vfio_cdev **list)
{
	if (!list)
		return;
	for (struct iommufd_vfio_cdev **p = list; *p; p++) {
		free((*p)->cdev_path);
		free((*p)->sysfs_path);
		free((*p)->pci_addr);
		free(*p);
	}
	free(list);
}

#ifdef HAVE_LIBUDEV
static uint16_t sysattr_hex(struct udev_device *dev, const char *name)
{
	const char *v = udev_device_get_sysattr_value(dev, name);

	return v ? (uint16_t)strtoul(v, NULL, 16) : 0;
}

/* One list entry for the vfio-dev device at @syspath, or an errno. */
static int describe_cdev(struct udev *udev, const char *syspath,
			 struct iommufd_vfio_cdev **ret_entry)
{
	struct udev_device *vfio = udev_device_new_from_syspath(udev, syspath);
	struct udev_device *parent;
	struct iommufd_vfio_cdev *e;
	const char *node;

	if (!vfio)
		return -ENODEV;
	node = udev_device_get_devnode(vfio);
	parent = udev_device_get_parent(vfio);	/* owned by vfio */
	e = calloc(1, sizeof(*e));
	if (!e || !node || !parent)
		goto fail;
	e->cdev_path = strdup(node);
	e->sysfs_path = strdup(udev_device_get_syspath(parent));
	if (!e->cdev_path || !e->sysfs_path)
		goto fail;
	if (strcmp(udev_device_get_subsystem(parent) ? udev_device_get_subsystem(parent) : "", "pci") == 0) {
		e->pci_addr = strdup(udev_device_get_sysname(parent));
		if (!e->pci_addr)
			goto fail;
		e->vendor = sysattr_hex(parent, "vendor");
		e->device = sysattr_hex(parent, "device");
	}
	udev_device_unref(vfio);
	*ret_entry = e;
	return 0;
fail:
	if (e) {
		free(e->cdev_path);
		free(e->sysfs_path);
		free(e);
	}
	udev_device_unref(vfio);
	return node && parent ? -ENOMEM : -ENODEV;
}

static int collect_cdevs(struct iommufd_ctx *ctx, struct udev *udev,
			 struct udev_enumerate *en, struct iommufd_vfio_cdev ***ret_list,
			 size_t *ret_count)
{
	struct udev_list_entry *entry;
	struct iommufd_vfio_cdev **list;
	size_t n = 0, count = 0;
	int rc;

	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(en))
		n++;
	list = calloc(n + 1, sizeof(*list));
	if (!list)
		return -ENOMEM;
	udev_list_entry_foreach(entry, udev_enumerate_get_list_entry(en)) {
		const char *syspath = udev_list_entry_get_name(entry);

		rc = describe_cdev(udev, syspath, &list[count]);
		if (rc == -ENOMEM) {
			iommufd_discover_list_free(list);
			return rc;
		}
		if (rc) {	/* vanished meanwhile, or no node: skip it */
			log_dbg(ctx, "%s: skipped (%s)", syspath, iommufd_errname(rc));
			continue;
		}
		count++;
	}
	*ret_list = list;
	if (ret_count)
		*ret_count = count;
	return 0;
}

IOMMUFD_EXPORT int iommufd_discover_list(struct iommufd_ctx *ctx,
					 struct iommufd_vfio_cdev ***ret_list,
					 size_t *ret_count)
{
	struct udev_enumerate *en = NULL;
	struct udev *udev;
	int rc;

	if (!ret_list)
		return iommufd_bad_args(__func__, "!ret_list");
	udev = udev_new();
	if (!udev)
		return -ENOMEM;
	en = udev_enumerate_new(udev);
	if (!en) {
		rc = -ENOMEM;
		goto out;
	}
	rc = udev_enumerate_add_match_subsystem(en, "vfio-dev");
	if (rc >= 0)
		rc = udev_enumerate_scan_devices(en);
	if (rc < 0) {
		log_err(ctx, "enumerating vfio-dev devices: %s", iommufd_errname(rc));
		goto out;
	}
	rc = collect_cdevs(ctx, udev, en, ret_list, ret_count);
out:
	udev_enumerate_unref(en);
	udev_unref(udev);
	return rc;
}

#else /* !HAVE_LIBUDEV */

IOMMUFD_EXPORT int iommufd_discover_sysfs(struct iommufd_ctx *ctx,
					  const char *sysfs_path,
					  char **ret_cdev_path)
{
	if (!sysfs_path || !*sysfs_path || !ret_cdev_path)
		return iommufd_bad_args(__func__, "!sysfs_path || !*sysfs_path || !ret_cdev_path");
	log_err(ctx, "%s: cannot look for its VFIO cdev: libiommufd was built without libudev (bind by path or fd instead)",
		sysfs_path);
	return -EOPNOTSUPP;
}

IOMMUFD_EXPORT int iommufd_discover_list(struct iommufd_ctx *ctx,
					 struct iommufd_vfio_cdev ***ret_list,
					 size_t *ret_count)
{
	(void)ret_count;	/* untouched on failure, as every out-parameter */
	if (!ret_list)
		return iommufd_bad_args(__func__, "!ret_list");
	log_err(ctx, "cannot list VFIO cdevs: libiommufd was built without libudev");
	return -EOPNOTSUPP;
}
#endif /* HAVE_LIBUDEV */
