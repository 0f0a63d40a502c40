/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel quirk "mixed-replace" (docs/kernel-quirks.md): a selftest mock
 * device and a device behind a real (emulated) IOMMU share IOAS 1; the real
 * device is replaced onto a HWPT of IOAS 2, then back onto IOAS 1. Kernels
 * 7.2.13 and 7.3.4 oops in the replace back onto IOAS 1 (a write page
 * fault; the VM hangs after it) on vtd, amd and virtio alike, so there this
 * runs only with LIBIOMMUFD_QUIRK_CRASH=1 on the kernel command line
 * (LIBIOMMUFD_VM_APPEND=LIBIOMMUFD_QUIRK_CRASH=1 tests/vm/run.sh ...).
 *
 * 6.12 on virtio does not oops there but attaches edu to the mock device's
 * HWPT, a domain of another IOMMU driver: in both cases the kernel offers
 * the real device the mock HWPT it finds in IOAS 1 on the replace path.
 *
 * Steps, all raw ioctls (each announced on stdout first, so the console
 * shows which one oopsed):
 *   1. IOAS 1 and IOAS 2; IOAS 1 maps one page at IOVA 16 MiB (inside the
 *      mock aperture)
 *   2. IOMMU_TEST_OP_MOCK_DOMAIN on IOAS 1: a mock device, attached, with a
 *      mock HWPT in IOAS 1
 *   3. edu's cdev bound and attached to IOAS 1 (the kernel finds the mock
 *      HWPT incompatible and allocates one of its IOMMU's)
 *   4. IOMMU_HWPT_ALLOC for edu on IOAS 2, then IOAS 2 maps a page at the
 *      same IOVA (on 6.12 virtio-iommu that map fails, vm-quirk-virtio-
 *      aperture, and the steps go on without it)
 *   5. replace edu onto that HWPT, then back onto IOAS 1
 *
 * Machines: vtd, amd, virtio (edu beside a mock device); mock has no edu.
 * Kernel 6.12 cannot put a mock device beside intel-iommu or amd-iommu
 * (vm-quirk-mock-beside-iommu), so step 2 fails there: a skip.
 */
#include "quirk.h"

#define IOVA 0x1000000ull

enum outcome { CLEAN, ON_MOCK, OOPS };
static const char *const outcome_name[] = {
	[CLEAN] = "clean: edu back on a HWPT of its own IOMMU",
	[ON_MOCK] = "edu attached to the selftest's mock HWPT",
	[OOPS] = "oops",
};

/*
 * What is recorded: 6.12 on virtio puts edu on the mock HWPT (on vtd and
 * amd it has no mock device to begin with); 7.2 and 7.3 oops on vtd, amd
 * and virtio.
 */
static enum outcome recorded(void)
{
	if (q_kernel() < Q_KV(6, 13, 0))
		return q_machine_is("virtio") ? ON_MOCK : CLEAN;
	return q_series(7, 2) || q_series(7, 3) ? OOPS : CLEAN;
}

static void test_replace_and_back(void)
{
	const char *T = "replace-and-back";
	uint32_t ioas1, ioas2, stdev, mock_hwpt, dev, hwpt1 = 0, hwpt2, back = 0;
	int fd = -1, devfd = -1, rc;
	const char *step = "";
	void *buf = NULL;
	enum outcome seen;
	long page = sysconf(_SC_PAGESIZE);

	if (!q_machine_is("vtd") && !q_machine_is("amd") && !q_machine_is("virtio")) {
		q_result(T, "skip", "needs edu behind an emulated IOMMU (vtd, amd, virtio), this is"
			 " %s", q_machine());
		return;
	}
	if (recorded() == OOPS && !q_crash_allowed()) {
		q_result(T, "skip", "kernel %s oopses here on %s (docs/kernel-quirks.md); boot with"
			 " LIBIOMMUFD_QUIRK_CRASH=1 to reproduce", q_release(), q_machine());
		return;
	}
	buf = q_pages(2);
	fd = q_open_iommufd();
	devfd = q_open_cdev();
	if (fd < 0 || devfd < 0 || !buf) {
		q_result(T, "fail", "setup: /dev/iommu %s, edu cdev %s", q_err(fd < 0 ? fd : 0),
			 q_err(devfd < 0 ? devfd : 0));
		goto out;
	}
	step = "IOAS_ALLOC/MAP";
	rc = q_ioas_alloc(fd, &ioas1);
	if (!rc)
		rc = q_ioas_alloc(fd, &ioas2);
	if (!rc)
		rc = q_map(fd, ioas1, buf, (uint64_t)page, IOVA);
	if (rc)
		goto failed;
	rc = q_mock_domain(fd, ioas1, &stdev, &mock_hwpt);
	if (rc == -EINVAL && q_kernel() < Q_KV(6, 13, 0) && !q_machine_is("virtio")) {
		q_result(T, "skip", "kernel %s: no mock device beside %s (MOCK_DOMAIN EINVAL,"
			 " vm-quirk-mock-beside-iommu)", q_release(), q_machine());
		goto out;
	}
	step = "MOCK_DOMAIN on IOAS 1";
	if (rc)
		goto failed;
	step = "BIND + ATTACH edu to IOAS 1";
	rc = q_bind(devfd, fd, &dev);
	if (!rc)
		rc = q_attach(devfd, ioas1, &hwpt1);
	if (rc)
		goto failed;
	step = "HWPT_ALLOC for edu on IOAS 2";
	rc = q_hwpt_alloc(fd, dev, ioas2, &hwpt2);
	if (rc)
		goto failed;
	step = "MAP into IOAS 2";
	rc = q_map(fd, ioas2, (char *)buf + page, (uint64_t)page, IOVA);
	if (rc && q_machine_is("virtio") && q_kernel() < Q_KV(6, 13, 0))
		printf("mixed-replace: IOAS 2 cannot map (%s): virtio-aperture; going on\n",
		       q_err(rc));
	else if (rc)
		goto failed;
	printf("mixed-replace: mock device HWPT %u, edu HWPT %u in IOAS %u; HWPT %u in IOAS %u;"
	       " replacing\n", mock_hwpt, hwpt1, ioas1, hwpt2, ioas2);
	step = "replace edu onto the HWPT of IOAS 2";
	printf("mixed-replace: %s\n", step);
	rc = q_attach(devfd, hwpt2, NULL);
	if (rc)
		goto failed;
	step = "replace edu back onto IOAS 1";
	printf("mixed-replace: %s\n", step);
	rc = q_attach(devfd, ioas1, &back);
	if (rc)
		goto failed;
	seen = q_kernel_complained() ? OOPS : back == mock_hwpt ? ON_MOCK : CLEAN;
	q_result(T, seen == recorded() ? "pass" : "fail", "kernel %s on %s: replace onto HWPT %u"
		 " and back onto IOAS %u gave HWPT %u (the mock device's is %u): %s (recorded: %s)",
		 q_release(), q_machine(), hwpt2, ioas1, back, mock_hwpt, outcome_name[seen],
		 outcome_name[recorded()]);
	goto out;
failed:
	q_result(T, "fail", "kernel %s: %s: %s%s", q_release(), step, q_err(rc),
		 q_kernel_complained() ? " (and the kernel complained: see its log)" : "");
out:
	if (devfd >= 0)
		close(devfd);
	if (fd >= 0)
		close(fd);
	free(buf);
}

int main(int argc, char **argv)
{
	(void)argc;
	q_begin(argv[0], 1);
	test_replace_and_back();
	return q_end();
}
