// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Discovery of VFIO device cdevs with libudev.
 *
 * The first group runs against this machine's sysfs: address parsing,
 * absent devices, real PCI devices that are not bound to vfio-pci, and an
 * empty list. The second group builds a fake sysfs and /dev in a private
 * mount namespace (tmpfs over /sys and /dev) with a PCI device bound to
 * vfio-pci and its vfio-dev child, and checks the positive paths and the
 * node checks (wrong major:minor, not a character device, absent).
 *
 * The namespace is entered with unshare(CLONE_NEWNS) in this process, and
 * left with setns(2) back to the original one, rather than in a forked
 * child: a forked child also runs under valgrind, whose leak check at the
 * child's exit would report cmocka's own blocks as reachable. This way
 * every byte libudev and the library allocate is checked, and the original
 * namespace is never modified (the mounts exist only in the private one).
 *
 * The last test fails, for n = 1, 2, ..., the n-th allocation of each
 * discovery call over the fake sysfs: this program also wraps strdup,
 * opendir, the libudev constructors the library calls and the libudev
 * getters that read sysfs on first use (tests/unit/local.am), counted with
 * malloc, calloc and realloc.
 *
 * libudev (systemd's sd-device) refuses device directories that are not on
 * sysfs unless SYSTEMD_DEVICE_VERIFY_SYSFS=0, which the fake group sets;
 * it also needs a "uevent" file in every directory under /sys/devices/.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <libudev.h>

#include "kernel-script.h"
#include "model-kernel.h"

#define PCI_DIR "/sys/bus/pci/devices"

/* ==== this machine ====================================================== */

static void malformed_pci_addresses_are_einval(void **state)
{
	static const char *const bad[] = {
		"", "0", "00:03", "00:03.", "0000:00:03", "00:03.8", "00:20.0",
		"0000:00:03.00", "000:00:03.0", "000000000:00:03.0", "0000:000:03.0", "0000-00-03.0",
		"0000:00:03.0\n", " 0000:00:03.0", "0x00:03.0", "-0:03.0",
		"0000:00:03.0/..", "../../../../dev", "00:03:0.0",
	};
	struct iommufd_ctx *ctx = test_ctx_new();
	char *path = (char *)0x1;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		log_reset();
		if (iommufd_discover_pci(ctx, bad[i], &path) != -EINVAL)
			fail_msg("\"%s\" was not rejected as malformed", bad[i]);
		/* Rejected before any sysfs access: the log says why. */
		assert_logged("is not a PCI address");
		assert_int_equal(log_count(), 1);
	}
	assert_ptr_equal(path, (char *)0x1);
	iommufd_ctx_unref(ctx);
}

/* Domains of 5 to 8 digits exist (Intel VMD): well formed, looked up as given. */
static void long_pci_domains_are_accepted(void **state)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	char *path = (char *)0x1;

	(void)state;
	log_reset();
	assert_int_equal(iommufd_discover_pci(ctx, "10000:e1:00.0", &path), -ENODEV);
	assert_logged("/sys/bus/pci/devices/10000:e1:00.0", "no such device");
	log_reset();
	assert_int_equal(iommufd_discover_pci(ctx, "fedcba98:00:1f.7", &path), -ENODEV);
	assert_logged("/sys/bus/pci/devices/fedcba98:00:1f.7", "no such device");
	assert_ptr_equal(path, (char *)0x1);
	iommufd_ctx_unref(ctx);
}

static void discover_rejects_null_arguments(void **state)
{
	char *path = NULL;
	struct iommufd_vfio_cdev **list = NULL;

	(void)state;
	assert_int_equal(iommufd_discover_pci(NULL, NULL, &path), -EINVAL);
	assert_int_equal(iommufd_discover_pci(NULL, "00:03.0", NULL), -EINVAL);
	assert_int_equal(iommufd_discover_pci(NULL, "zz", &path), -EINVAL);	/* silent */
	assert_int_equal(iommufd_discover_sysfs(NULL, NULL, &path), -EINVAL);
	assert_int_equal(iommufd_discover_sysfs(NULL, "", &path), -EINVAL);
	assert_int_equal(iommufd_discover_sysfs(NULL, PCI_DIR "/0000:00:00.0", NULL), -EINVAL);
	assert_int_equal(iommufd_discover_list(NULL, NULL, NULL), -EINVAL);
	assert_null(path);
	assert_null(list);
}

static void both_address_forms_are_accepted(void **state)
{
	static const struct { const char *addr, *path; } cases[] = {
		{ "00fe:fd:1f.7", PCI_DIR "/00fe:fd:1f.7" },
		{ "fd:1f.7", PCI_DIR "/0000:fd:1f.7" },
		{ "00FE:FD:1F.7", PCI_DIR "/00fe:fd:1f.7" },
	};
	struct iommufd_ctx *ctx = test_ctx_new();
	char *path = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (access(cases[i].path, F_OK) == 0)
			fail_msg("%s exists on this machine: pick another address", cases[i].path);
		log_reset();
		assert_int_equal(iommufd_discover_pci(ctx, cases[i].addr, &path), -ENODEV);
		assert_logged(cases[i].path, "no such device");
	}
	assert_null(path);
	iommufd_ctx_unref(ctx);
}

static void absent_sysfs_path_is_enodev(void **state)
{
	static const char *const absent[] = {
		"/sys/devices/nonexistent", "/sys/bus/pci/devices/nonexistent",
		"/tmp", "relative/path",
	};
	struct iommufd_ctx *ctx = test_ctx_new();
	char *path = NULL;

	(void)state;
	for (size_t i = 0; i < sizeof(absent) / sizeof(absent[0]); i++) {
		assert_int_equal(iommufd_discover_sysfs(ctx, absent[i], &path), -ENODEV);
		assert_logged(absent[i], "no such device");
	}
	assert_null(path);
	iommufd_ctx_unref(ctx);
}

/*
 * A PCI device of this machine whose driver satisfies @want_driver (bound
 * to something other than vfio, or to nothing); its address into @addr and
 * its driver's name into @driver. False when the machine has none.
 */
static bool find_pci_device(bool want_driver, char addr[64], char driver[256])
{
	DIR *dir = opendir(PCI_DIR);
	struct dirent *d;
	bool found = false;

	if (!dir)
		return false;
	while (!found && (d = readdir(dir))) {
		char link[512], target[256];
		ssize_t n;

		if (d->d_name[0] == '.' || strlen(d->d_name) >= 64)
			continue;
		snprintf(link, sizeof(link), PCI_DIR "/%s/driver", d->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0) {
			if (want_driver)
				continue;
			driver[0] = '\0';
		} else {
			target[n] = '\0';
			if (!want_driver || strncmp(strrchr(target, '/') + 1, "vfio", 4) == 0)
				continue;
			strcpy(driver, strrchr(target, '/') + 1);
		}
		strcpy(addr, d->d_name);
		found = true;
	}
	closedir(dir);
	return found;
}

static void real_device_bound_elsewhere_is_enodev(void **state)
{
	struct iommufd_ctx *ctx;
	char addr[64], driver[256], *path = NULL;

	(void)state;
	if (!find_pci_device(true, addr, driver)) {
		print_message("skip: no PCI device of this machine is bound to a non-VFIO driver\n");
		skip();
	}
	ctx = test_ctx_new();
	assert_int_equal(iommufd_discover_pci(ctx, addr, &path), -ENODEV);
	assert_logged(addr, "has no VFIO cdev", "bound to", driver);
	assert_null(path);
	iommufd_ctx_unref(ctx);
}

static void real_device_without_driver_is_enodev(void **state)
{
	struct iommufd_ctx *ctx;
	char addr[64], driver[256], *path = NULL;

	(void)state;
	if (!find_pci_device(false, addr, driver)) {
		print_message("skip: every PCI device of this machine has a driver\n");
		skip();
	}
	ctx = test_ctx_new();
	assert_int_equal(iommufd_discover_pci(ctx, addr, &path), -ENODEV);
	assert_logged(addr, "no driver is bound");
	assert_null(path);
	iommufd_ctx_unref(ctx);
}

static void list_on_this_machine(void **state)
{
	struct iommufd_vfio_cdev **list = NULL;
	size_t count = 99, n = 0;
	bool has_vfio = access("/sys/class/vfio-dev", F_OK) == 0;

	(void)state;
	assert_int_equal(iommufd_discover_list(NULL, &list, &count), 0);
	assert_non_null(list);
	while (list[n])
		n++;
	assert_int_equal(count, n);
	if (!has_vfio)
		assert_int_equal(count, 0);
	iommufd_discover_list_free(list);

	list = NULL;
	assert_int_equal(iommufd_discover_list(NULL, &list, NULL), 0);
	assert_non_null(list);
	iommufd_discover_list_free(list);
	iommufd_discover_list_free(NULL);
}

/* ==== a fake sysfs in a private mount namespace ========================= */

#define FAKE_BDF "0000:00:03.0"
#define FAKE_DEV "/sys/devices/pci0000:00/" FAKE_BDF
#define FAKE_NODE "/dev/vfio/devices/vfio0"
/* The cdev's major:minor: /dev/null's, so that binding it opens for real. */
#define FAKE_MAJOR 1
#define FAKE_MINOR 3

static struct {
	bool ready;
	char reason[1024];
	int old_ns, old_cwd;
} ns = { .old_ns = -1, .old_cwd = -1 };

static int fake_failed(const char *what)
{
	snprintf(ns.reason, sizeof(ns.reason), "%s: %s", what, strerror(errno));
	return -1;
}

/* mkdir -p */
static int make_dirs(const char *path)
{
	char buf[512];

	snprintf(buf, sizeof(buf), "%s", path);
	for (char *p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) < 0 && errno != EEXIST)
			return fake_failed(buf);
		*p = '/';
	}
	if (mkdir(buf, 0755) < 0 && errno != EEXIST)
		return fake_failed(buf);
	return 0;
}

static int write_file(const char *dir, const char *name, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!f)
		return fake_failed(path);
	fputs(text, f);
	return fclose(f) ? fake_failed(path) : 0;
}

static int make_link(const char *target, const char *dir, const char *name)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return symlink(target, path) < 0 ? fake_failed(path) : 0;
}

/* A PCI device under /sys/devices/pci0000:00, bound to @driver (or none). */
static int fake_pci_device(const char *bdf, const char *driver)
{
	char dir[256], uevent[256], target[256];

	snprintf(dir, sizeof(dir), "/sys/devices/pci0000:00/%s", bdf);
	snprintf(uevent, sizeof(uevent), "%s%s%sPCI_SLOT_NAME=%s\n",
		 driver ? "DRIVER=" : "", driver ? driver : "", driver ? "\n" : "", bdf);
	if (make_dirs(dir) || write_file(dir, "uevent", uevent) ||
	    write_file(dir, "vendor", "0x1234\n") || write_file(dir, "device", "0x11e8\n") ||
	    make_link("/sys/bus/pci", dir, "subsystem") ||
	    make_link(dir, PCI_DIR, bdf))
		return -1;
	if (!driver)
		return 0;
	snprintf(target, sizeof(target), "/sys/bus/pci/drivers/%s", driver);
	return make_dirs(target) || make_link(target, dir, "driver") ? -1 : 0;
}

/*
 * The vfio-dev child @name of the device at @parent (under /sys/devices/),
 * with its class link, relative as Linux makes it.
 */
static int fake_vfio_dev(const char *parent, const char *name, bool with_devname)
{
	char dir[256], dev[32], uevent[256], link[sizeof(dir) + 8];

	snprintf(dir, sizeof(dir), "%s/vfio-dev/%s", parent, name);
	snprintf(link, sizeof(link), "../..%s", dir + strlen("/sys"));
	snprintf(dev, sizeof(dev), "%u:%u\n", FAKE_MAJOR, FAKE_MINOR);
	snprintf(uevent, sizeof(uevent), "MAJOR=%u\nMINOR=%u\n%s%s%s", FAKE_MAJOR,
		 FAKE_MINOR, with_devname ? "DEVNAME=vfio/devices/" : "",
		 with_devname ? name : "", with_devname ? "\n" : "");
	return make_dirs(dir) || write_file(dir, "dev", dev) ||
	       write_file(dir, "uevent", uevent) ||
	       make_link("/sys/class/vfio-dev", dir, "subsystem") ||
	       make_link(link, "/sys/class/vfio-dev", name) ? -1 : 0;
}

/* Makes (or remakes) the node: mode S_IFCHR etc., with @maj:@min. */
static int fake_node(const char *path, mode_t type, unsigned int maj, unsigned int min)
{
	if (unlink(path) < 0 && errno != ENOENT)
		return fake_failed(path);
	if (type == S_IFREG)
		return write_file("/dev/vfio/devices", strrchr(path, '/') + 1, "");
	return mknod(path, type | 0666, makedev(maj, min)) < 0 ? fake_failed(path) : 0;
}

static int build_fake_tree(void)
{
	/* A platform (non-PCI) device with a VFIO cdev, for the list. */
	static const char platform[] = "/sys/devices/platform/fake.0";

	if (mount("tmpfs", "/sys", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755") < 0)
		return fake_failed("mount tmpfs on /sys");
	if (mount("tmpfs", "/dev", "tmpfs", MS_NOSUID | MS_NOEXEC, "mode=0755") < 0)
		return fake_failed("mount tmpfs on /dev");
	if (make_dirs(PCI_DIR) || make_dirs("/sys/class/vfio-dev") ||
	    make_dirs("/dev/vfio/devices") ||
	    mknod("/dev/null", S_IFCHR | 0666, makedev(1, 3)) < 0)
		return -1;
	/* vfio-pci with a cdev; e1000e; vfio-pci without a cdev; no driver. */
	if (fake_pci_device(FAKE_BDF, "vfio-pci") || fake_vfio_dev(FAKE_DEV, "vfio0", true) ||
	    fake_node(FAKE_NODE, S_IFCHR, FAKE_MAJOR, FAKE_MINOR) ||
	    fake_pci_device("0000:00:04.0", "e1000e") ||
	    fake_pci_device("0000:00:05.0", "vfio-pci") ||
	    fake_pci_device("0000:00:06.0", NULL))
		return -1;
	if (make_dirs(platform) || write_file(platform, "uevent", "DRIVER=vfio-platform\n") ||
	    make_link("/sys/bus/platform", platform, "subsystem") ||
	    make_dirs("/sys/bus/platform") ||
	    fake_vfio_dev(platform, "vfio1", true) ||
	    fake_node("/dev/vfio/devices/vfio1", S_IFCHR, FAKE_MAJOR, FAKE_MINOR))
		return -1;
	/* A vfio-dev device the list must skip: it names no node. */
	return fake_pci_device("0000:00:07.0", "vfio-pci") ||
	       fake_vfio_dev("/sys/devices/pci0000:00/0000:00:07.0", "vfio2", false) ? -1 : 0;
}

static int leave_fake_sysfs(void **state)
{
	(void)state;
	unsetenv("SYSTEMD_DEVICE_VERIFY_SYSFS");
	if (ns.old_ns >= 0) {
		if (setns(ns.old_ns, CLONE_NEWNS) < 0) {
			/* Never go on in the fake namespace. */
			perror("setns back to the original mount namespace");
			abort();
		}
		close(ns.old_ns);
		ns.old_ns = -1;
	}
	if (ns.old_cwd >= 0) {
		if (fchdir(ns.old_cwd) < 0)
			perror("fchdir");
		close(ns.old_cwd);
		ns.old_cwd = -1;
	}
	return 0;
}

static int enter_fake_sysfs(void **state)
{
	int old_ns = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);

	ns.old_cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (old_ns < 0 || ns.old_cwd < 0) {
		fake_failed("open /proc/self/ns/mnt or .");
		if (old_ns >= 0)
			close(old_ns);
		return 0;
	}
	if (unshare(CLONE_NEWNS) < 0) {
		fake_failed("unshare(CLONE_NEWNS)");
		close(old_ns);
		return 0;
	}
	ns.old_ns = old_ns;
	if (mount("none", "/", "none", MS_REC | MS_PRIVATE, NULL) < 0) {
		fake_failed("make / private");
		return leave_fake_sysfs(state);
	}
	if (build_fake_tree())
		return leave_fake_sysfs(state);
	setenv("SYSTEMD_DEVICE_VERIFY_SYSFS", "0", 1);
	ns.ready = true;
	return 0;
}

static void require_fake_sysfs(void)
{
	if (!ns.ready) {
		print_message("skip: no private mount namespace with a fake sysfs: %s\n",
			      ns.reason);
		skip();
	}
}

static void fake_discover_pci_finds_the_cdev(void **state)
{
	static const char *const addrs[] = { FAKE_BDF, "00:03.0" };
	struct iommufd_ctx *ctx;
	char *path = NULL;

	(void)state;
	require_fake_sysfs();
	ctx = test_ctx_new();
	for (size_t i = 0; i < sizeof(addrs) / sizeof(addrs[0]); i++) {
		assert_int_equal(iommufd_discover_pci(ctx, addrs[i], &path), 0);
		assert_string_equal(path, FAKE_NODE);
		free(path);
		path = NULL;
	}
	iommufd_ctx_unref(ctx);
}

static void fake_discover_sysfs_finds_the_cdev(void **state)
{
	static const char *const paths[] = { PCI_DIR "/" FAKE_BDF, FAKE_DEV };
	char *path = NULL;

	(void)state;
	require_fake_sysfs();
	for (size_t i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		assert_int_equal(iommufd_discover_sysfs(NULL, paths[i], &path), 0);
		assert_string_equal(path, FAKE_NODE);
		free(path);
		path = NULL;
	}
}

/* discover_pci with the node made as given: the error and its log line. */
static void discover_with_node(mode_t type, unsigned int maj, unsigned int min,
			       int expected, const char *logged)
{
	struct iommufd_ctx *ctx = test_ctx_new();
	char *path = (char *)0x1;

	assert_int_equal(fake_node(FAKE_NODE, type, maj, min), 0);
	assert_int_equal(iommufd_discover_pci(ctx, FAKE_BDF, &path), expected);
	assert_ptr_equal(path, (char *)0x1);
	assert_logged(FAKE_NODE, logged);
	assert_int_equal(fake_node(FAKE_NODE, S_IFCHR, FAKE_MAJOR, FAKE_MINOR), 0);
	iommufd_ctx_unref(ctx);
}

static void fake_node_of_another_device_is_enxio(void **state)
{
	(void)state;
	require_fake_sysfs();
	discover_with_node(S_IFCHR, FAKE_MAJOR, FAKE_MINOR + 2, -ENXIO,
			   "is not the character device 1:3");
	discover_with_node(S_IFCHR, FAKE_MAJOR + 4, FAKE_MINOR, -ENXIO,
			   "is not the character device 1:3");
}

static void fake_node_not_a_char_device_is_enxio(void **state)
{
	(void)state;
	require_fake_sysfs();
	discover_with_node(S_IFBLK, FAKE_MAJOR, FAKE_MINOR, -ENXIO, "is not the character device");
	discover_with_node(S_IFREG, 0, 0, -ENXIO, "is not the character device");
}

static void fake_node_absent_is_enoent(void **state)
{
	struct iommufd_ctx *ctx;
	char *path = (char *)0x1;

	(void)state;
	require_fake_sysfs();
	ctx = test_ctx_new();
	assert_int_equal(unlink(FAKE_NODE), 0);
	assert_int_equal(iommufd_discover_pci(ctx, FAKE_BDF, &path), -ENOENT);
	assert_int_equal(fake_node(FAKE_NODE, S_IFCHR, FAKE_MAJOR, FAKE_MINOR), 0);
	assert_ptr_equal(path, (char *)0x1);
	assert_logged(FAKE_NODE, "ENOENT", "devtmpfs");
	iommufd_ctx_unref(ctx);
}

static void fake_devices_without_cdev_are_enodev(void **state)
{
	static const struct { const char *addr, *why; } cases[] = {
		{ "0000:00:04.0", "it is bound to e1000e, not to a VFIO driver" },
		{ "0000:00:05.0", "CONFIG_VFIO_DEVICE_CDEV" },
		{ "0000:00:06.0", "no driver is bound" },
	};
	struct iommufd_ctx *ctx;
	char *path = NULL;

	(void)state;
	require_fake_sysfs();
	ctx = test_ctx_new();
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		log_reset();
		assert_int_equal(iommufd_discover_pci(ctx, cases[i].addr, &path), -ENODEV);
		assert_logged(cases[i].addr, "has no VFIO cdev", cases[i].why);
	}
	assert_null(path);
	iommufd_ctx_unref(ctx);
}

static const struct iommufd_vfio_cdev *find_entry(struct iommufd_vfio_cdev **list,
						  const char *cdev_path)
{
	for (; *list; list++)
		if (strcmp((*list)->cdev_path, cdev_path) == 0)
			return *list;
	fail_msg("%s is not in the list", cdev_path);
	return NULL;
}

static void fake_list_describes_each_cdev(void **state)
{
	struct iommufd_vfio_cdev **list = NULL;
	const struct iommufd_vfio_cdev *e;
	size_t count = 0;

	(void)state;
	require_fake_sysfs();
	assert_int_equal(iommufd_discover_list(NULL, &list, &count), 0);
	assert_int_equal(count, 2);		/* vfio2 names no node: skipped */
	assert_null(list[2]);

	e = find_entry(list, FAKE_NODE);
	assert_string_equal(e->sysfs_path, FAKE_DEV);
	assert_string_equal(e->pci_addr, FAKE_BDF);
	assert_int_equal(e->vendor, 0x1234);
	assert_int_equal(e->device, 0x11e8);

	e = find_entry(list, "/dev/vfio/devices/vfio1");
	assert_string_equal(e->sysfs_path, "/sys/devices/platform/fake.0");
	assert_null(e->pci_addr);
	assert_int_equal(e->vendor, 0);
	assert_int_equal(e->device, 0);
	iommufd_discover_list_free(list);
}

/* In the order of the devices' sysfs paths (bus order, as lspci lists them). */
static void fake_list_is_in_sysfs_order(void **state)
{
	struct iommufd_vfio_cdev **list = NULL;
	size_t count = 0;

	(void)state;
	require_fake_sysfs();
	assert_int_equal(iommufd_discover_list(NULL, &list, &count), 0);
	assert_int_equal(count, 2);
	assert_string_equal(list[0]->sysfs_path, FAKE_DEV);
	assert_string_equal(list[1]->sysfs_path, "/sys/devices/platform/fake.0");
	iommufd_discover_list_free(list);
}

/* No vfio-dev class directory (no device bound to VFIO yet): an empty list. */
static void fake_list_without_the_class_is_empty(void **state)
{
	struct iommufd_vfio_cdev **list = NULL;
	size_t count = 99;

	(void)state;
	require_fake_sysfs();
	assert_int_equal(rename("/sys/class/vfio-dev", "/sys/class/vfio-dev.away"), 0);
	assert_int_equal(iommufd_discover_list(NULL, &list, &count), 0);
	assert_int_equal(rename("/sys/class/vfio-dev.away", "/sys/class/vfio-dev"), 0);
	assert_int_equal(count, 0);
	assert_non_null(list);
	assert_null(list[0]);
	iommufd_discover_list_free(list);
}

/*
 * A vfio-dev device that does not sit in a "vfio-dev" directory of its
 * parent, behind an absolute class link (not how Linux lays them out, but
 * sysfs is not ours): libudev resolves the link and walks up the path to
 * the parent instead.
 */
static void fake_list_finds_the_parent_of_another_layout(void **state)
{
	static const char odd[] = "/sys/devices/platform/odd.0";
	struct iommufd_vfio_cdev **list = NULL;
	char dir[128];
	size_t count = 0;

	(void)state;
	require_fake_sysfs();
	snprintf(dir, sizeof(dir), "%s/vfio3", odd);
	assert_int_equal(make_dirs(dir), 0);
	assert_int_equal(write_file(odd, "uevent", "DRIVER=vfio-platform\n"), 0);
	assert_int_equal(make_link("/sys/bus/platform", odd, "subsystem"), 0);
	assert_int_equal(write_file(dir, "uevent", "MAJOR=1\nMINOR=3\nDEVNAME=vfio/devices/vfio3\n"), 0);
	assert_int_equal(make_link("/sys/class/vfio-dev", dir, "subsystem"), 0);
	assert_int_equal(make_link(dir, "/sys/class/vfio-dev", "vfio3"), 0);
	assert_int_equal(iommufd_discover_list(NULL, &list, &count), 0);
	assert_int_equal(unlink("/sys/class/vfio-dev/vfio3"), 0);
	assert_int_equal(count, 3);
	assert_string_equal(find_entry(list, "/dev/vfio/devices/vfio3")->sysfs_path, odd);
	iommufd_discover_list_free(list);
}

static void fake_bind_pci_binds_the_cdev(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev = NULL;
	int fd;

	(void)state;
	require_fake_sysfs();
	ctx = test_ctx_new();
	expect_bind(iommufd_ctx_get_fd(ctx), 21, 0);
	assert_int_equal(iommufd_device_bind_pci(ctx, "00:03.0", &dev), 0);
	assert_int_equal(iommufd_device_get_id(dev), 21);
	fd = iommufd_device_get_fd(dev);
	assert_int_equal(fd, script_last_fd());
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	iommufd_device_unref(dev);
	assert_false(fd_is_open(fd));
	iommufd_ctx_unref(ctx);
}

static void fake_bind_pci_with_a_foreign_node_binds_nothing(void **state)
{
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev = (void *)0x1;

	(void)state;
	require_fake_sysfs();
	ctx = test_ctx_new();
	assert_int_equal(fake_node(FAKE_NODE, S_IFCHR, FAKE_MAJOR, FAKE_MINOR + 2), 0);
	assert_int_equal(iommufd_device_bind_pci(ctx, FAKE_BDF, &dev), -ENXIO);
	assert_int_equal(fake_node(FAKE_NODE, S_IFCHR, FAKE_MAJOR, FAKE_MINOR), 0);
	assert_ptr_equal(dev, (void *)0x1);
	iommufd_ctx_unref(ctx);
}

/* ==== out of memory over the fake sysfs ================================= */

/*
 * What discovery allocates with besides malloc, calloc and realloc (which
 * kernel-script.c wraps for every unit test): strdup, opendir and libudev's
 * constructors, which this program wraps to count as allocations and to
 * fail the armed one as each fails for lack of memory (NULL, errno
 * ENOMEM). What libudev allocates inside its own calls cannot be reached
 * so: --wrap redirects only the references of the objects linked here, and
 * libudev's calls to malloc stay inside libudev.so. Failing its constructors
 * at their boundary is how such a failure reaches the library.
 *
 * Its getters that read sysfs on first use (node name, device number,
 * driver, subsystem, name, attributes) allocate too, and fail as libudev's
 * do (see discover.c): NULL, or a zero device number, with errno ENOMEM.
 * Every call of one counts as an allocation here, cached answers included:
 * the library cannot know which call reads, so each must be ready to.
 */
enum oom_kind {
	OOM_HEAP,		/* malloc, calloc, realloc */
	OOM_STRDUP,
	OOM_OPENDIR,
	OOM_UDEV_NEW,
	OOM_UDEV_DEVICE,	/* udev_device_new_from_syspath() */
	OOM_UDEV_PARENT,	/* udev_device_get_parent(): builds the parent */
	OOM_DEVNODE,		/* udev_device_get_devnode() and the getters below */
	OOM_DEVNUM,
	OOM_DRIVER,
	OOM_SUBSYSTEM,
	OOM_SYSNAME,
	OOM_SYSATTR,
	OOM_KINDS
};

/* The getters' kinds: their failures are libudev's reads, named so. */
#define OOM_GETTERS ((1u << OOM_DEVNODE) | (1u << OOM_DEVNUM) | (1u << OOM_DRIVER) | \
		     (1u << OOM_SUBSYSTEM) | (1u << OOM_SYSNAME) | (1u << OOM_SYSATTR))

static const char *const oom_kind_names[OOM_KINDS] = {
	"heap", "strdup", "opendir", "udev_new", "udev_device_new_from_syspath",
	"udev_device_get_parent", "udev_device_get_devnode", "udev_device_get_devnum",
	"udev_device_get_driver", "udev_device_get_subsystem", "udev_device_get_sysname",
	"udev_device_get_sysattr_value",
};

static enum oom_kind oom_failed;	/* of the allocation that failed */

static bool oom_here(enum oom_kind kind)
{
	if (!alloc_point())
		return false;
	oom_failed = kind;
	errno = ENOMEM;
	return true;
}

char *__real_strdup(const char *s);
char *__wrap_strdup(const char *s);
DIR *__real_opendir(const char *name);
DIR *__wrap_opendir(const char *name);
struct udev *__real_udev_new(void);
struct udev *__wrap_udev_new(void);
struct udev_device *__real_udev_device_new_from_syspath(struct udev *udev, const char *syspath);
struct udev_device *__wrap_udev_device_new_from_syspath(struct udev *udev, const char *syspath);
struct udev_device *__real_udev_device_get_parent(struct udev_device *dev);
struct udev_device *__wrap_udev_device_get_parent(struct udev_device *dev);
const char *__real_udev_device_get_devnode(struct udev_device *dev);
const char *__wrap_udev_device_get_devnode(struct udev_device *dev);
dev_t __real_udev_device_get_devnum(struct udev_device *dev);
dev_t __wrap_udev_device_get_devnum(struct udev_device *dev);
const char *__real_udev_device_get_driver(struct udev_device *dev);
const char *__wrap_udev_device_get_driver(struct udev_device *dev);
const char *__real_udev_device_get_subsystem(struct udev_device *dev);
const char *__wrap_udev_device_get_subsystem(struct udev_device *dev);
const char *__real_udev_device_get_sysname(struct udev_device *dev);
const char *__wrap_udev_device_get_sysname(struct udev_device *dev);
const char *__real_udev_device_get_sysattr_value(struct udev_device *dev, const char *name);
const char *__wrap_udev_device_get_sysattr_value(struct udev_device *dev, const char *name);

char *__wrap_strdup(const char *s)
{
	return oom_here(OOM_STRDUP) ? NULL : __real_strdup(s);
}

/* An errno opendir() fails with for the next directory named ...@opendir_fail_suffix. */
static struct {
	const char *suffix;
	int err;
} opendir_fail;

/* opendir(3) allocates its DIR only once the directory is open. */
DIR *__wrap_opendir(const char *name)
{
	size_t len = strlen(name), slen = opendir_fail.suffix ? strlen(opendir_fail.suffix) : 0;
	DIR *dir;

	if (slen && len >= slen && strcmp(name + len - slen, opendir_fail.suffix) == 0) {
		opendir_fail.suffix = NULL;
		errno = opendir_fail.err;
		return NULL;
	}
	dir = __real_opendir(name);

	if (dir && oom_here(OOM_OPENDIR)) {
		closedir(dir);
		errno = ENOMEM;
		return NULL;
	}
	return dir;
}

struct udev *__wrap_udev_new(void)
{
	return oom_here(OOM_UDEV_NEW) ? NULL : __real_udev_new();
}

struct udev_device *__wrap_udev_device_new_from_syspath(struct udev *udev, const char *syspath)
{
	return oom_here(OOM_UDEV_DEVICE) ? NULL : __real_udev_device_new_from_syspath(udev, syspath);
}

struct udev_device *__wrap_udev_device_get_parent(struct udev_device *dev)
{
	return oom_here(OOM_UDEV_PARENT) ? NULL : __real_udev_device_get_parent(dev);
}

const char *__wrap_udev_device_get_devnode(struct udev_device *dev)
{
	return oom_here(OOM_DEVNODE) ? NULL : __real_udev_device_get_devnode(dev);
}

dev_t __wrap_udev_device_get_devnum(struct udev_device *dev)
{
	return oom_here(OOM_DEVNUM) ? makedev(0, 0) : __real_udev_device_get_devnum(dev);
}

const char *__wrap_udev_device_get_driver(struct udev_device *dev)
{
	return oom_here(OOM_DRIVER) ? NULL : __real_udev_device_get_driver(dev);
}

const char *__wrap_udev_device_get_subsystem(struct udev_device *dev)
{
	return oom_here(OOM_SUBSYSTEM) ? NULL : __real_udev_device_get_subsystem(dev);
}

const char *__wrap_udev_device_get_sysname(struct udev_device *dev)
{
	return oom_here(OOM_SYSNAME) ? NULL : __real_udev_device_get_sysname(dev);
}

const char *__wrap_udev_device_get_sysattr_value(struct udev_device *dev, const char *name)
{
	return oom_here(OOM_SYSATTR) ? NULL : __real_udev_device_get_sysattr_value(dev, name);
}

/*
 * A vfio-dev directory there but unreadable (out of fds here) is explained
 * as such, with its errno, not as a device without a cdev.
 */
static void fake_unreadable_vfio_dev_directory_is_explained(void **state)
{
	struct iommufd_ctx *ctx;
	char *path = (char *)0x1;

	(void)state;
	require_fake_sysfs();
	ctx = test_ctx_new();
	opendir_fail.suffix = FAKE_DEV "/vfio-dev";
	opendir_fail.err = EMFILE;
	assert_int_equal(iommufd_discover_pci(ctx, FAKE_BDF, &path), -EMFILE);
	assert_null(opendir_fail.suffix);
	assert_ptr_equal(path, (char *)0x1);
	assert_logged("<3> ", "listing " FAKE_DEV "/vfio-dev: EMFILE");
	assert_false(log_has("has no VFIO cdev"));
	iommufd_ctx_unref(ctx);
}

#define OOM_SENTINEL ((void *)0x5a5a)
#define OOM_SWEEP_ENTRIES 4	/* the list in the sweep's tree */

/* One call swept: its out-parameters are *@ret (a path, a list or a device) and *@count. */
struct oom_call {
	const char *name;	/* as its out-of-memory sentence names it, then the variant */
	int (*call)(struct iommufd_ctx *ctx, void **ret, size_t *count);
	void (*check_release)(void *ret, size_t count);	/* of a success */
	int ok;			/* what it returns when no allocation fails */
	unsigned int reaches;	/* the kinds it must fail at (1 << enum oom_kind) */
	unsigned int points, kinds[OOM_KINDS];
};

/* A lookup that finds the node: the device, its vfio-dev child, their reads. */
#define OOM_NODE_LOOKUP ((1u << OOM_STRDUP) | (1u << OOM_OPENDIR) | (1u << OOM_UDEV_NEW) | \
			 (1u << OOM_UDEV_DEVICE) | (1u << OOM_DEVNODE) | (1u << OOM_DEVNUM))

static int oom_call_list(struct iommufd_ctx *ctx, void **ret, size_t *count)
{
	return iommufd_discover_list(ctx, (struct iommufd_vfio_cdev ***)ret, count);
}

static void oom_release_list(void *ret, size_t count)
{
	struct iommufd_vfio_cdev **list = ret;

	assert_int_equal(count, OOM_SWEEP_ENTRIES);
	assert_null(list[OOM_SWEEP_ENTRIES]);
	assert_string_equal(find_entry(list, FAKE_NODE)->pci_addr, FAKE_BDF);
	iommufd_discover_list_free(list);
}

static int oom_call_pci(struct iommufd_ctx *ctx, void **ret, size_t *count)
{
	(void)count;
	return iommufd_discover_pci(ctx, "00:03.0", (char **)ret);
}

static int oom_call_sysfs(struct iommufd_ctx *ctx, void **ret, size_t *count)
{
	(void)count;
	return iommufd_discover_sysfs(ctx, FAKE_DEV, (char **)ret);
}

static void oom_release_path(void *ret, size_t count)
{
	assert_int_equal(count, 0x5a5a);
	assert_string_equal(ret, FAKE_NODE);
	free(ret);
}

/* A device without a driver: what libudev's lazy read of its driver decides. */
static int oom_call_pci_unbound(struct iommufd_ctx *ctx, void **ret, size_t *count)
{
	(void)count;
	return iommufd_discover_pci(ctx, "00:06.0", (char **)ret);
}

static void oom_check_unbound(void *ret, size_t count)
{
	assert_int_equal(count, 0x5a5a);
	assert_ptr_equal(ret, OOM_SENTINEL);
	assert_logged("0000:00:06.0 has no VFIO cdev: no driver is bound");
}

/* Discovery, then the bind, which the model kernel answers. */
static int oom_call_bind_pci(struct iommufd_ctx *ctx, void **ret, size_t *count)
{
	(void)count;
	return iommufd_device_bind_pci(ctx, FAKE_BDF, (struct iommufd_device **)ret);
}

static void oom_release_device(void *ret, size_t count)
{
	(void)count;
	assert_non_null(ret);
	iommufd_device_unref(ret);
}

/*
 * The ENOMEM of allocation @n of @c was explained: "<call>: out of memory
 * for ..." for the thread, <call> the name up to its first space, and the
 * same sentence in the context's log at LOG_ERR.
 */
static void assert_oom_explained(const struct oom_call *c, unsigned long n)
{
	const char *err = iommufd_last_error();
	char want[64];

	snprintf(want, sizeof(want), "%.*s: out of memory for ", (int)strcspn(c->name, " "),
		 c->name);
	if (strncmp(err, want, strlen(want)))
		fail_msg("%s: allocation %lu (%s) failed, the last error is \"%s\", not \"%s...\"",
			 c->name, n, oom_kind_names[oom_failed], err, want);
	if (!log_has("<3> ", err))
		fail_msg("%s: allocation %lu failed, no LOG_ERR line says \"%s\"", c->name, n, err);
	if ((OOM_GETTERS & (1u << oom_failed)) && !strstr(err, "libudev's read of "))
		fail_msg("%s: allocation %lu (%s) failed, \"%s\" does not name libudev's read",
			 c->name, n, oom_kind_names[oom_failed], err);
}

/* Fails allocation n of @c for n = 1.. until the call succeeds. */
static void oom_sweep(struct oom_call *c)
{
	for (unsigned long n = 1;; n++) {
		struct iommufd_ctx *ctx = test_ctx_new();
		unsigned int objects = model_live_objects();
		int fds = count_open_fds(), rc;
		void *ret = OOM_SENTINEL;
		size_t count = 0x5a5a;

		/* Another failure's sentence first: the check sees only the call's own. */
		assert_int_equal(iommufd_discover_list(NULL, NULL, NULL), -EINVAL);
		log_reset();
		oom_failed = OOM_HEAP;
		alloc_fail_nth(n);
		rc = c->call(ctx, &ret, &count);
		alloc_fail_nth(0);
		if (!alloc_fail_hit()) {
			if (rc != c->ok)
				fail_msg("%s: %d, not %d, without a failed allocation: %s", c->name,
					 rc, c->ok, iommufd_last_error());
			c->check_release(ret, count);
			iommufd_ctx_unref(ctx);
			return;
		}
		c->points++;
		c->kinds[oom_failed]++;
		if (rc != -ENOMEM)
			fail_msg("%s: allocation %lu (%s) failed, the call returned %d, not -ENOMEM",
				 c->name, n, oom_kind_names[oom_failed], rc);
		assert_oom_explained(c, n);
		if (ret != OOM_SENTINEL || count != 0x5a5a)
			fail_msg("%s: allocation %lu failed, an out-parameter was written",
				 c->name, n);
		if (count_open_fds() != fds)
			fail_msg("%s: allocation %lu failed, %d fds open where %d were", c->name, n,
				 count_open_fds(), fds);
		if (model_live_objects() != objects)
			fail_msg("%s: allocation %lu failed, %u kernel objects where %u were",
				 c->name, n, model_live_objects(), objects);
		iommufd_ctx_unref(ctx);
	}
}

/*
 * The sweep's tree: the fake one (vfio0 on a PCI device, vfio1 on a
 * platform device, vfio2 without a node, skipped) and two more, vfio4 on a
 * PCI device and vfio5 in another layout (its parent found through
 * udev_device_get_parent()), so that the list grows past its first 4 slots.
 */
static void oom_tree_extend(bool add)
{
	static const char odd[] = "/sys/devices/platform/oom.0";
	static const char vfio5[] = "/sys/devices/platform/oom.0/vfio5";

	if (!add) {
		assert_int_equal(unlink("/sys/class/vfio-dev/vfio4"), 0);
		assert_int_equal(unlink("/sys/class/vfio-dev/vfio5"), 0);
		return;
	}
	assert_int_equal(fake_pci_device("0000:00:08.0", "vfio-pci"), 0);
	assert_int_equal(fake_vfio_dev("/sys/devices/pci0000:00/0000:00:08.0", "vfio4", true), 0);
	assert_int_equal(fake_node("/dev/vfio/devices/vfio4", S_IFCHR, FAKE_MAJOR, FAKE_MINOR), 0);
	assert_int_equal(make_dirs(vfio5), 0);
	assert_int_equal(write_file(odd, "uevent", "DRIVER=vfio-platform\n"), 0);
	assert_int_equal(make_link("/sys/bus/platform", odd, "subsystem"), 0);
	assert_int_equal(write_file(vfio5, "uevent",
				    "MAJOR=1\nMINOR=3\nDEVNAME=vfio/devices/vfio5\n"), 0);
	assert_int_equal(make_link("/sys/class/vfio-dev", vfio5, "subsystem"), 0);
	assert_int_equal(make_link(vfio5, "/sys/class/vfio-dev", "vfio5"), 0);
	assert_int_equal(fake_node("/dev/vfio/devices/vfio5", S_IFCHR, FAKE_MAJOR, FAKE_MINOR), 0);
}

static void fake_discovery_without_memory_fails_cleanly(void **state)
{
	/* The list checks no device number; the lookups ask no subsystem, name or attribute. */
	struct oom_call calls[] = {
		{ "discover_list", oom_call_list, oom_release_list, 0,
		  ((1u << OOM_KINDS) - 1) & ~((1u << OOM_DEVNUM) | (1u << OOM_DRIVER)), 0, { 0 } },
		{ "discover_pci", oom_call_pci, oom_release_path, 0, OOM_NODE_LOOKUP, 0, { 0 } },
		{ "discover_pci (no driver)", oom_call_pci_unbound, oom_check_unbound, -ENODEV,
		  (1u << OOM_UDEV_NEW) | (1u << OOM_UDEV_DEVICE) | (1u << OOM_DRIVER), 0, { 0 } },
		{ "discover_sysfs", oom_call_sysfs, oom_release_path, 0, OOM_NODE_LOOKUP, 0, { 0 } },
		{ "device_bind_pci", oom_call_bind_pci, oom_release_device, 0,
		  OOM_NODE_LOOKUP | (1u << OOM_HEAP), 0, { 0 } },
	};
	unsigned int total = 0;

	(void)state;
	require_fake_sysfs();
	model_reset();
	script_route_to(model_ioctl);
	oom_tree_extend(true);
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		struct oom_call *c = &calls[i];
		char kinds[512];
		size_t len = 0;

		oom_sweep(c);
		for (int k = 0; k < OOM_KINDS; k++)
			if (c->kinds[k])
				len += (size_t)snprintf(kinds + len, sizeof(kinds) - len, "%s%s %u",
							len ? ", " : "", oom_kind_names[k],
							c->kinds[k]);
		print_message("malloc failure: %-24s %2u point(s): %s\n", c->name, c->points,
			      kinds);
		total += c->points;
		/* Each kind it allocates with failed: the wraps are in effect. */
		for (int k = 0; k < OOM_KINDS; k++)
			if (!c->kinds[k] != !(c->reaches & (1u << k)))
				fail_msg("%s: %u %s allocation(s) failed, expected %s", c->name,
					 c->kinds[k], oom_kind_names[k],
					 c->reaches & (1u << k) ? "some" : "none");
	}
	oom_tree_extend(false);
	script_route_to(NULL);
	print_message("malloc failure: %u discovery points: -ENOMEM, explained, nothing left\n",
		      total);
}

int main(void)
{
	const struct CMUnitTest machine[] = {
		KS_TEST(malformed_pci_addresses_are_einval),
		KS_TEST(long_pci_domains_are_accepted),
		KS_TEST(discover_rejects_null_arguments),
		KS_TEST(both_address_forms_are_accepted),
		KS_TEST(absent_sysfs_path_is_enodev),
		KS_TEST(real_device_bound_elsewhere_is_enodev),
		KS_TEST(real_device_without_driver_is_enodev),
		KS_TEST(list_on_this_machine),
	};
	const struct CMUnitTest fake[] = {
		KS_TEST(fake_discover_pci_finds_the_cdev),
		KS_TEST(fake_discover_sysfs_finds_the_cdev),
		KS_TEST(fake_node_of_another_device_is_enxio),
		KS_TEST(fake_node_not_a_char_device_is_enxio),
		KS_TEST(fake_node_absent_is_enoent),
		KS_TEST(fake_devices_without_cdev_are_enodev),
		KS_TEST(fake_list_describes_each_cdev),
		KS_TEST(fake_list_is_in_sysfs_order),
		KS_TEST(fake_list_without_the_class_is_empty),
		KS_TEST(fake_list_finds_the_parent_of_another_layout),
		KS_TEST(fake_bind_pci_binds_the_cdev),
		KS_TEST(fake_bind_pci_with_a_foreign_node_binds_nothing),
		KS_TEST(fake_unreadable_vfio_dev_directory_is_explained),
		KS_TEST(fake_discovery_without_memory_fails_cleanly),
	};
	int failed;

	unsetenv("SYSTEMD_DEVICE_VERIFY_SYSFS");
	failed = cmocka_run_group_tests_name("this machine", machine, NULL, NULL);
	failed += cmocka_run_group_tests_name("fake sysfs", fake, enter_fake_sysfs,
					      leave_fake_sysfs);
	return failed;
}
