/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel behaviour "msi-isolation" (docs/kernel-quirks.md): iommufd refuses
 * to bind a device whose MSIs the platform cannot isolate (no interrupt
 * remapping, as behind QEMU's virtio-iommu on x86) with EPERM, unless the
 * administrator set iommufd's allow_unsafe_interrupts parameter. By design,
 * and the errno says nothing about why.
 *
 * From 7.3 the amd machine is in the same case: the kernel checks that the
 * PCI device at the IOAPIC's IVRS address (00:14.0 in QEMU's table) is a
 * southbridge (SMBus or ISA bridge class); q35 has none there, so AMD-Vi
 * logs "[Firmware Bug]: No southbridge IOAPIC found" and disables
 * interrupt remapping (quirk "amd-ioapic"). 6.12 and 7.2 checked the
 * address only.
 *
 * Raw ioctls: the parameter is switched off in sysfs (the virtio and amd
 * machines boot with iommufd.allow_unsafe_interrupts=1), edu's cdev is
 * bound, the parameter is restored, and edu is bound again. Expected:
 * EPERM then 0 without interrupt remapping, 0 both times with it.
 */
#include "quirk.h"

/* No interrupt remapping: virtio-iommu always, AMD-Vi under QEMU from 7.3. */
static bool no_remapping(void)
{
	return q_machine_is("virtio") || (q_machine_is("amd") && q_kernel() >= Q_KV(7, 3, 0));
}

#define PARAM "/sys/module/iommufd/parameters/allow_unsafe_interrupts"

/* Writes "Y"/"N" to the parameter; returns 0 or -errno. */
static int set_param(bool on)
{
	int fd = open(PARAM, O_WRONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (write(fd, on ? "Y" : "N", 1) != 1)
		rc = -errno;
	close(fd);
	return rc;
}

static int get_param(bool *ret_on)
{
	char c = 0;
	int fd = open(PARAM, O_RDONLY | O_CLOEXEC), rc = 0;

	if (fd < 0)
		return -errno;
	if (read(fd, &c, 1) != 1)
		rc = -EIO;
	close(fd);
	*ret_on = c == 'Y';
	return rc;
}

/* Binds edu's cdev to a new iommufd; 0 or -errno. */
static int bind_once(void)
{
	int fd = q_open_iommufd(), devfd = q_open_cdev(), rc;
	uint32_t dev;

	rc = fd < 0 ? fd : devfd < 0 ? devfd : q_bind(devfd, fd, &dev);
	if (devfd >= 0)
		close(devfd);
	if (fd >= 0)
		close(fd);
	return rc;
}

static void test_bind_without_remapping(void)
{
	const char *T = "bind-unsafe-off";
	bool was = false;
	int rc, rc_off, rc_on;

	if (!q_machine_is("virtio") && !q_machine_is("vtd") && !q_machine_is("amd")) {
		q_result(T, "skip", "needs edu behind an emulated IOMMU, this is %s", q_machine());
		return;
	}
	rc = get_param(&was);
	if (!rc)
		rc = set_param(false);
	if (rc) {
		q_result(T, "fail", "%s: %s", PARAM, q_err(rc));
		return;
	}
	rc_off = bind_once();
	rc = set_param(true);
	rc_on = bind_once();
	if (!rc)
		rc = set_param(was);
	if (rc) {
		q_result(T, "fail", "restoring %s: %s", PARAM, q_err(rc));
		return;
	}
	q_result(T, rc_off == (no_remapping() ? -EPERM : 0) && rc_on == 0 ? "pass" : "fail",
		 "kernel %s on %s: bind with allow_unsafe_interrupts=N: %s, =Y: %s (recorded: %s, 0)",
		 q_release(), q_machine(), q_err(rc_off), q_err(rc_on),
		 no_remapping() ? "EPERM" : "0");
}

int main(int argc, char **argv)
{
	(void)argc;
	q_begin(argv[0], 1);
	test_bind_without_remapping();
	return q_end();
}
