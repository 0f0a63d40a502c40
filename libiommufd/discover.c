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
 *
 * Where the devices are is known, so the library reads those directories
 * itself (the class directory, a device's vfio-dev directory) and asks
 * libudev only for the devices found there: a libudev enumerator would scan
 * every bus and class directory (or a device's whole subtree) and build
 * each device once more, and a parent found through libudev's walk up the
 * path is built twice. tests/bench measures the difference.
 */
#define _GNU_SOURCE
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <ctype.h>
#include <dirent.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#ifdef HAVE_LIBUDEV
#include <libudev.h>
#endif

#include "private.h"

#define PCI_DEVICES_DIR "/sys/bus/pci/devices/"
/* Every vfio-dev device, as a link to <parent>/vfio-dev/<name>. */
#define VFIO_CLASS_DIR "/sys/class/vfio-dev"

/* Whether @s starts with exactly @n hex digits followed by @end. */
static bool hex_field(const char *s, size_t n, char end)
{
	for (size_t i = 0; i < n; i++)
		if (!isxdigit((unsigned char)s[i]))
			return false;
	return s[n] == end;
}

int iommufd_pci_addr_normalize(const char *in, char out[IOMMUFD_PCI_ADDR_MAX])
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
	snprintf(out, IOMMUFD_PCI_ADDR_MAX, "%04lx:%02x:%02x.%x", domain, bus, slot, fn);
	return 0;
}

#ifdef HAVE_LIBUDEV
/*
 * libudev's getters of what sysfs says about a device (its node name, device
 * number, driver, subsystem, name and attributes) read sysfs the first time
 * they are asked and cache the answer. They answer NULL (a zero device number)
 * both when the device has no such thing and when reading it failed, for
 * lack of memory too, and the library must not explain the second as the
 * first ("no driver is bound", or a device silently left out of a list).
 *
 * errno tells them apart. libudev is a layer over systemd's sd-device
 * (Debian 12: systemd 252), and each of these getters that fails sets errno
 * to sd-device's error: ENOENT when the thing is absent, ENOMEM when
 * reading or caching it ran out of memory; udev_device_get_devnum() returns
 * 0 and leaves errno alone for a device without a number. This is how
 * systemd's libudev-device.c reads (Debian's own source package was not
 * configured to be fetched where this was written, so the check was against
 * systemd's published source of that file); libudev's manual promises only
 * "NULL if there is none". No getter clears errno when it succeeds, so it is
 * zeroed before each call and read only after a NULL; a libudev that left
 * errno alone would leave it 0, and its NULL is read as "absent", as before.
 */
static bool udev_ran_out(const void *value)
{
	return !value && errno == ENOMEM;
}

/* The node of a vfio-dev device, checked against its major:minor; @call for log lines. */
static int checked_devnode(struct iommufd_ctx *ctx, const char *call, struct udev_device *vfio,
			   char **ret_path)
{
	const char *syspath = udev_device_get_syspath(vfio);
	const char *node;
	struct stat st;
	dev_t devnum;
	char *path;

	errno = 0;
	node = udev_device_get_devnode(vfio);
	if (udev_ran_out(node))
		return log_oom(ctx, call, 0, "libudev's read of the device node name of %s",
			       syspath);
	if (!node) {
		log_err(ctx, "%s: no device node name in sysfs", syspath);
		return -ENODEV;
	}
	errno = 0;
	devnum = udev_device_get_devnum(vfio);
	if (devnum == makedev(0, 0) && errno == ENOMEM)
		return log_oom(ctx, call, 0, "libudev's read of the device number of %s",
			       syspath);
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
		return log_oom(ctx, call, strlen(node) + 1, "the path %s", node);
	*ret_path = path;
	return 0;
}

/*
 * The first "vfio-dev" child of @parent (in <parent>/vfio-dev/) into
 * *@ret_child, NULL when it has none; or an errno, explained (@call for log
 * lines): no memory for the listing or a child's libudev device, or the
 * directory is there but cannot be read.
 */
static int find_vfio_child(struct iommufd_ctx *ctx, const char *call, struct udev *udev,
			   struct udev_device *parent, struct udev_device **ret_child)
{
	struct udev_device *child = NULL;
	char path[PATH_MAX];
	struct dirent *d;
	DIR *dir;
	int rc = 0, n = snprintf(path, sizeof(path), "%s/vfio-dev",
				 udev_device_get_syspath(parent));

	*ret_child = NULL;
	if (n < 0 || (size_t)n >= sizeof(path))
		return 0;
	dir = opendir(path);
	if (!dir) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;	/* no VFIO cdev: the caller says why */
		rc = -errno;
		if (rc == -ENOMEM)
			return log_oom(ctx, call, 0, "the listing of %s", path);
		log_err(ctx, "listing %s: %s", path, iommufd_errname(rc));
		return rc;
	}
	while (!child && (d = readdir(dir))) {
		char syspath[PATH_MAX];

		if (d->d_name[0] == '.' ||
		    (size_t)snprintf(syspath, sizeof(syspath), "%s/%s", path, d->d_name) >=
		    sizeof(syspath))
			continue;
		child = udev_device_new_from_syspath(udev, syspath);
		if (!child && errno == ENOMEM) {
			rc = log_oom(ctx, call, 0, "the libudev device %s", syspath);
			break;
		}
	}
	closedir(dir);
	*ret_child = child;
	return rc;
}

/*
 * Why @dev has no VFIO cdev: -ENODEV, explained; or -ENOMEM if libudev ran
 * out of memory reading its driver (@call for log lines).
 */
static int explain_no_cdev(struct iommufd_ctx *ctx, const char *call, struct udev_device *dev)
{
	const char *path = udev_device_get_syspath(dev);
	const char *driver;

	errno = 0;
	driver = udev_device_get_driver(dev);
	if (udev_ran_out(driver))
		return log_oom(ctx, call, 0, "libudev's read of the driver of %s", path);
	if (!driver)
		log_err(ctx, "%s has no VFIO cdev: no driver is bound (bind it to vfio-pci)", path);
	else if (strncmp(driver, "vfio", 4) != 0)
		log_err(ctx, "%s has no VFIO cdev: it is bound to %s, not to a VFIO driver",
			path, driver);
	else
		log_err(ctx, "%s has no VFIO cdev although %s drives it: the kernel lacks CONFIG_VFIO_DEVICE_CDEV (6.6+)",
			path, driver);
	return -ENODEV;
}

/* iommufd_discover_sysfs() for the public call @call (log lines name it). */
static int discover_sysfs_for(struct iommufd_ctx *ctx, const char *call,
			      const char *sysfs_path, char **ret_cdev_path)
{
	struct udev_device *dev, *vfio;
	struct udev *udev;
	int rc;

	udev = udev_new();
	if (!udev)
		return log_oom(ctx, call, 0, "the libudev context");
	dev = udev_device_new_from_syspath(udev, sysfs_path);
	if (!dev) {
		if (errno == ENOMEM) {
			rc = log_oom(ctx, call, 0, "the libudev device %s", sysfs_path);
		} else {
			log_err(ctx, "%s: no such device", sysfs_path);
			rc = -ENODEV;
		}
		udev_unref(udev);
		return rc;
	}
	rc = find_vfio_child(ctx, call, udev, dev, &vfio);
	if (!rc && vfio) {
		rc = checked_devnode(ctx, call, vfio, ret_cdev_path);
		udev_device_unref(vfio);
	} else if (!rc) {
		rc = explain_no_cdev(ctx, call, dev);
	}
	udev_device_unref(dev);
	udev_unref(udev);
	return rc;
}
#else /* !HAVE_LIBUDEV */
static int discover_sysfs_for(struct iommufd_ctx *ctx, const char *call,
			      const char *sysfs_path, char **ret_cdev_path)
{
	(void)call;
	(void)ret_cdev_path;	/* untouched on failure, as every out-parameter */
	log_err(ctx, "%s: cannot look for its VFIO cdev: libiommufd was built without libudev (bind by path or fd instead)",
		sysfs_path);
	return -EOPNOTSUPP;
}
#endif /* HAVE_LIBUDEV */

IOMMUFD_EXPORT int iommufd_discover_sysfs(struct iommufd_ctx *ctx,
					  const char *sysfs_path,
					  char **ret_cdev_path)
{
	if (!sysfs_path || !*sysfs_path || !ret_cdev_path)
		return bad_args(ctx, "!sysfs_path || !*sysfs_path || !ret_cdev_path");
	return discover_sysfs_for(ctx, "discover_sysfs", sysfs_path, ret_cdev_path);
}

int iommufd_discover_pci_for(struct iommufd_ctx *ctx, const char *call, const char *pci_addr,
			     char **ret_cdev_path)
{
	char addr[IOMMUFD_PCI_ADDR_MAX], syspath[sizeof(PCI_DEVICES_DIR) + IOMMUFD_PCI_ADDR_MAX];

	if (iommufd_pci_addr_normalize(pci_addr, addr)) {
		log_err(ctx, "\"%s\" is not a PCI address (DDDD:BB:DD.F or BB:DD.F)", pci_addr);
		return -EINVAL;
	}
	snprintf(syspath, sizeof(syspath), PCI_DEVICES_DIR "%s", addr);
	return discover_sysfs_for(ctx, call, syspath, ret_cdev_path);
}

IOMMUFD_EXPORT int iommufd_discover_pci(struct iommufd_ctx *ctx,
					const char *pci_addr,
					char **ret_cdev_path)
{
	if (!pci_addr || !ret_cdev_path)
		return bad_args(ctx, "!pci_addr || !ret_cdev_path");
	return iommufd_discover_pci_for(ctx, "discover_pci", pci_addr, ret_cdev_path);
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
/*
 * The hex number in the attribute @name of the PCI device @dev into *@ret, 0
 * when it has none; or -ENOMEM, explained, when libudev ran out of memory
 * reading it.
 */
static int sysattr_hex(struct iommufd_ctx *ctx, struct udev_device *dev, const char *name,
		       uint16_t *ret)
{
	const char *v;

	errno = 0;
	v = udev_device_get_sysattr_value(dev, name);
	if (udev_ran_out(v))
		return log_oom(ctx, "discover_list", 0, "libudev's read of the %s attribute of %s",
			       name, udev_device_get_syspath(dev));
	*ret = v ? (uint16_t)strtoul(v, NULL, 16) : 0;
	return 0;
}

/*
 * The device a vfio-dev device @vfio belongs to: the directory above its
 * "vfio-dev" directory, made from that path (a new reference). libudev's
 * own walk up (udev_device_get_parent()) would build the "vfio-dev"
 * directory first, find it is no device, and resolve the path again.
 */
static struct udev_device *vfio_parent(struct udev *udev, struct udev_device *vfio)
{
	const char *syspath = udev_device_get_syspath(vfio);
	char path[PATH_MAX];
	char *slash;

	if (!syspath || (size_t)snprintf(path, sizeof(path), "%s", syspath) >= sizeof(path))
		return NULL;
	slash = strrchr(path, '/');
	if (!slash || slash - path < (ptrdiff_t)sizeof("/vfio-dev") - 1 ||
	    strncmp(slash - (sizeof("/vfio-dev") - 1), "/vfio-dev", sizeof("/vfio-dev") - 1))
		return udev_device_ref(udev_device_get_parent(vfio));	/* another layout */
	slash[-(ptrdiff_t)(sizeof("/vfio-dev") - 1)] = '\0';
	return udev_device_new_from_syspath(udev, path);
}

/*
 * The path of the device behind the class link @name (in the directory
 * @class_fd): Linux makes it "../../devices/...", which is read here once
 * instead of libudev resolving the link component by component. Any other
 * link is left to libudev.
 */
static int class_link_target(int class_fd, const char *name, char *buf, size_t len)
{
	static const char up[] = "../../devices/";
	char link[PATH_MAX];
	ssize_t n = readlinkat(class_fd, name, link, sizeof(link) - 1);
	int w;

	if (n > 0 && (link[n] = '\0', strncmp(link, up, sizeof(up) - 1) == 0))
		w = snprintf(buf, len, "/sys/%s", link + sizeof("../../") - 1);
	else
		w = snprintf(buf, len, VFIO_CLASS_DIR "/%s", name);
	return w < 0 || (size_t)w >= len ? -ENAMETOOLONG : 0;
}

/* The copy of @s of a list entry, or NULL (explained). */
static char *entry_strdup(struct iommufd_ctx *ctx, const char *s)
{
	char *copy = strdup(s);

	if (!copy)
		(void)log_oom(ctx, "discover_list", strlen(s) + 1,
			      "the string \"%s\" of a list entry", s);
	return copy;
}

/*
 * The PCI address, vendor and device of the list entry @e of the device
 * @parent, left NULL and 0 when it is not a PCI device; or -ENOMEM,
 * explained, when libudev or a copy ran out of memory.
 */
static int describe_pci(struct iommufd_ctx *ctx, struct udev_device *parent,
			struct iommufd_vfio_cdev *e)
{
	const char *path = udev_device_get_syspath(parent);
	const char *subsystem, *name;
	int rc;

	errno = 0;
	subsystem = udev_device_get_subsystem(parent);
	if (udev_ran_out(subsystem))
		return log_oom(ctx, "discover_list", 0, "libudev's read of the subsystem of %s",
			       path);
	if (!subsystem || strcmp(subsystem, "pci") != 0)
		return 0;
	errno = 0;
	name = udev_device_get_sysname(parent);
	if (udev_ran_out(name))
		return log_oom(ctx, "discover_list", 0, "libudev's read of the name of %s", path);
	if (!name)
		return 0;	/* libudev makes it from the path: not seen; sysfs_path says which */
	e->pci_addr = entry_strdup(ctx, name);
	if (!e->pci_addr)
		return -ENOMEM;
	rc = sysattr_hex(ctx, parent, "vendor", &e->vendor);
	return rc ? rc : sysattr_hex(ctx, parent, "device", &e->device);
}

/* One list entry for the vfio-dev device @name, or an errno. */
static int describe_cdev(struct iommufd_ctx *ctx, struct udev *udev, int class_fd,
			 const char *name, struct iommufd_vfio_cdev **ret_entry)
{
	struct udev_device *vfio, *parent = NULL;
	struct iommufd_vfio_cdev *e = NULL;
	char syspath[PATH_MAX];
	const char *node;
	int rc = class_link_target(class_fd, name, syspath, sizeof(syspath));

	if (rc)
		return rc;
	rc = -ENODEV;
	vfio = udev_device_new_from_syspath(udev, syspath);
	if (!vfio)
		return errno == ENOMEM ? log_oom(ctx, "discover_list", 0, "the libudev device %s",
						 syspath) : -ENODEV;
	errno = 0;
	node = udev_device_get_devnode(vfio);
	if (udev_ran_out(node)) {
		rc = log_oom(ctx, "discover_list", 0,
			     "libudev's read of the device node name of %s", syspath);
		goto out;
	}
	errno = 0;
	parent = node ? vfio_parent(udev, vfio) : NULL;
	if (!parent && errno == ENOMEM)
		rc = log_oom(ctx, "discover_list", 0, "the libudev device above %s", syspath);
	if (!node || !parent)
		goto out;
	rc = -ENOMEM;
	e = calloc(1, sizeof(*e));
	if (!e) {
		(void)log_oom(ctx, "discover_list", sizeof(*e), "the list entry of %s", name);
		goto out;
	}
	e->cdev_path = entry_strdup(ctx, node);
	e->sysfs_path = e->cdev_path ? entry_strdup(ctx, udev_device_get_syspath(parent)) : NULL;
	if (!e->sysfs_path)
		goto out;
	/* The kernel names the cdevs of devices without an IOMMU noiommu-vfioN (7.3). */
	e->noiommu = strncmp(name, "noiommu-", 8) == 0;
	rc = describe_pci(ctx, parent, e);
	if (rc)
		goto out;
	*ret_entry = e;
	e = NULL;
	rc = 0;
out:
	if (e) {
		free(e->cdev_path);
		free(e->sysfs_path);
		free(e->pci_addr);
		free(e);
	}
	udev_device_unref(parent);
	udev_device_unref(vfio);
	return rc;
}

/* The order of the list: by the sysfs path of the device (bus order, as lspci). */
static int by_sysfs_path(const void *a, const void *b)
{
	const struct iommufd_vfio_cdev *x = *(struct iommufd_vfio_cdev *const *)a;
	const struct iommufd_vfio_cdev *y = *(struct iommufd_vfio_cdev *const *)b;

	return strcmp(x->sysfs_path, y->sysfs_path);
}

/* Room for one more entry and the NULL after it. */
static int list_grow(struct iommufd_ctx *ctx, struct iommufd_vfio_cdev ***list, size_t count,
		     size_t *room)
{
	struct iommufd_vfio_cdev **bigger;
	size_t want = *room ? 2 * *room : 4;

	if (count + 1 < *room)
		return 0;
	bigger = realloc(*list, want * sizeof(**list));
	if (!bigger)
		return log_oom(ctx, "discover_list", want * sizeof(**list),
			       "a list of %zu VFIO cdevs", want - 1);
	memset(bigger + *room, 0, (want - *room) * sizeof(**list));
	*list = bigger;
	*room = want;
	return 0;
}

static int collect_cdevs(struct iommufd_ctx *ctx, struct udev *udev, DIR *dir,
			 struct iommufd_vfio_cdev ***ret_list, size_t *ret_count)
{
	struct iommufd_vfio_cdev **list = NULL;
	size_t count = 0, room = 0;
	struct dirent *d;
	int rc = list_grow(ctx, &list, 0, &room);

	while (!rc && (d = readdir(dir))) {
		if (d->d_name[0] == '.')
			continue;
		rc = describe_cdev(ctx, udev, dirfd(dir), d->d_name, &list[count]);
		if (rc && rc != -ENOMEM) {	/* vanished meanwhile, or no node: skip it */
			log_dbg(ctx, VFIO_CLASS_DIR "/%s: skipped (%s)", d->d_name,
				iommufd_errname(rc));
			rc = 0;
			continue;
		}
		if (rc == 0) {
			count++;
			rc = list_grow(ctx, &list, count, &room);
		}
	}
	if (rc) {
		iommufd_discover_list_free(list);
		return rc;
	}
	qsort(list, count, sizeof(*list), by_sysfs_path);
	*ret_list = list;
	if (ret_count)
		*ret_count = count;
	return 0;
}

IOMMUFD_EXPORT int iommufd_discover_list(struct iommufd_ctx *ctx,
					 struct iommufd_vfio_cdev ***ret_list,
					 size_t *ret_count)
{
	struct udev *udev;
	DIR *dir;
	int rc;

	if (!ret_list)
		return bad_args(ctx, "!ret_list");
	dir = opendir(VFIO_CLASS_DIR);
	if (!dir && errno == ENOMEM)
		return log_oom(ctx, "discover_list", 0, "the listing of " VFIO_CLASS_DIR);
	if (!dir && errno != ENOENT) {
		rc = -errno;
		log_err(ctx, "listing " VFIO_CLASS_DIR ": %s", iommufd_errname(rc));
		return rc;
	}
	if (!dir) {
		/* No vfio-dev device exists (or the kernel has no VFIO cdevs): none. */
		struct iommufd_vfio_cdev **none = calloc(1, sizeof(*none));

		if (!none)
			return log_oom(ctx, "discover_list", sizeof(*none), "an empty list");
		*ret_list = none;
		if (ret_count)
			*ret_count = 0;
		return 0;
	}
	udev = udev_new();
	rc = udev ? collect_cdevs(ctx, udev, dir, ret_list, ret_count) :
		    log_oom(ctx, "discover_list", 0, "the libudev context");
	udev_unref(udev);
	closedir(dir);
	return rc;
}

#else /* !HAVE_LIBUDEV */

IOMMUFD_EXPORT int iommufd_discover_list(struct iommufd_ctx *ctx,
					 struct iommufd_vfio_cdev ***ret_list,
					 size_t *ret_count)
{
	(void)ret_count;	/* untouched on failure, as every out-parameter */
	if (!ret_list)
		return bad_args(ctx, "!ret_list");
	log_err(ctx, "cannot list VFIO cdevs: libiommufd was built without libudev");
	return -EOPNOTSUPP;
}
#endif /* HAVE_LIBUDEV */
