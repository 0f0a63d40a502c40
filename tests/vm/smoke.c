/* Smoke test for the libiommufd test VM: proves the pipeline (kernel, initramfs, init,
 * console protocol, host-side parser) without depending on the library.
 *
 * Protocol (tests/vm/README.md): "PLAN <prog> <n>", then exactly n lines
 * "RESULT <prog> <test> pass|fail|skip [reason...]", exit 0 iff nothing failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

static const char *prog = "smoke";
static int failures;

static void result(const char *test, const char *status, const char *reason)
{
	printf("RESULT %s %s %s%s%s\n", prog, test, status, reason ? " " : "",
	       reason ? reason : "");
	if (strcmp(status, "fail") == 0)
		failures++;
}

/*
 * Machine noiommu: vfio-pci makes edu a noiommu device, whose cdev is
 * noiommu-vfio0 from kernel 7.3 (none before: only the legacy group).
 */
static void noiommu_cdev(const char *release)
{
	const char *cdev = "/dev/vfio/devices/noiommu-vfio0";
	unsigned int major = 0, minor = 0;
	char reason[256];
	struct stat st;

	if (sscanf(release, "%u.%u", &major, &minor) != 2 ||
	    major * 1000 + minor < 7 * 1000 + 3) {
		snprintf(reason, sizeof(reason), "kernel %s: no noiommu VFIO cdevs (7.3+)",
			 release);
		result("vfio-cdev", "skip", reason);
	} else if (stat(cdev, &st) == 0 && S_ISCHR(st.st_mode)) {
		result("vfio-cdev", "pass", NULL);
	} else {
		snprintf(reason, sizeof(reason), "%s missing on kernel %s (edu not bound to"
			 " vfio-pci in noiommu mode?)", cdev, release);
		result("vfio-cdev", "fail", reason);
	}
}

int main(int argc, char **argv)
{
	const char *machine = getenv("LIBIOMMUFD_MACHINE");
	char reason[256];
	struct utsname uts;
	struct stat st;
	int old_kernel, fd;

	(void)argc;
	if (argv[0] && strrchr(argv[0], '/'))
		prog = strrchr(argv[0], '/') + 1;
	else if (argv[0] && argv[0][0])
		prog = argv[0];
	if (!machine || !machine[0])
		machine = "unknown";
	/* Results must reach the console even if we are killed by the timeout. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	if (uname(&uts) != 0) {
		perror("uname");
		return 1;
	}
	/* Debian 12's stock kernel (6.1.0-N-amd64) is built without CONFIG_IOMMUFD.
	 * "6.1." so that 6.12 does not match. */
	old_kernel = strncmp(uts.release, "6.1.", 4) == 0;
	printf("smoke: kernel %s, machine %s\n", uts.release, machine);
	printf("PLAN %s 2\n", prog);

	fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (fd >= 0) {
		close(fd);
		result("dev-iommu", "pass", NULL);
	} else if (errno == ENOENT && old_kernel) {
		result("dev-iommu", "pass", "absent, as expected on a 6.1 kernel without iommufd");
	} else {
		snprintf(reason, sizeof(reason), "open(/dev/iommu): %s", strerror(errno));
		result("dev-iommu", "fail", reason);
	}

	if (old_kernel) {
		result("vfio-cdev", "skip", "6.1 kernel: no iommufd, no VFIO cdev");
	} else if (strcmp(machine, "mock") == 0) {
		result("vfio-cdev", "skip", "no vIOMMU, no VFIO device");
	} else if (strcmp(machine, "vtd") == 0 || strcmp(machine, "amd") == 0 ||
		   strcmp(machine, "virtio") == 0) {
		if (stat("/dev/vfio/devices/vfio0", &st) == 0 && S_ISCHR(st.st_mode)) {
			result("vfio-cdev", "pass", NULL);
		} else {
			snprintf(reason, sizeof(reason),
				 "/dev/vfio/devices/vfio0 missing on machine %s (edu not bound to vfio-pci?)",
				 machine);
			result("vfio-cdev", "fail", reason);
		}
	} else if (strcmp(machine, "noiommu") == 0) {
		noiommu_cdev(uts.release);
	} else {
		snprintf(reason, sizeof(reason), "unknown machine '%s'", machine);
		result("vfio-cdev", "skip", reason);
	}
	return failures ? 1 : 0;
}
