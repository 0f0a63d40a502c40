/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel quirk "mock-beside-iommu" (docs/kernel-quirks.md): on 6.12 the
 * selftest driver's IOMMU_TEST_OP_MOCK_DOMAIN fails with EINVAL as soon as
 * intel-iommu or amd-iommu drives the machine's PCI devices, so mock
 * scenarios need a boot without them. 7.2 makes mock devices beside both.
 * (virtio-iommu never stopped them.)
 *
 * Raw ioctls: one IOAS, one MOCK_DOMAIN on it. Runs on every machine; the
 * quirk is expected on vtd and amd with 6.12 only.
 */
#include "quirk.h"

/* Recorded as affected: 6.12 (the tier's only kernel before 7.x), vtd and amd. */
static bool affected(void)
{
	return q_kernel() < Q_KV(6, 13, 0) && (q_machine_is("vtd") || q_machine_is("amd"));
}

static void test_mock_domain(void)
{
	const char *T = "mock-domain";
	uint32_t ioas, stdev = 0, hwpt = 0;
	bool seen, want = affected();
	int fd, rc;

	fd = q_iommufd_for(T);
	if (fd < 0)
		return;
	rc = q_ioas_alloc(fd, &ioas);
	if (rc) {
		q_result(T, "fail", "IOAS_ALLOC: %s", q_err(rc));
		goto out;
	}
	rc = q_mock_domain(fd, ioas, &stdev, &hwpt);
	if (rc && rc != -EINVAL) {
		q_result(T, "fail", "kernel %s on %s: MOCK_DOMAIN = %s (neither 0 nor EINVAL)",
			 q_release(), q_machine(), q_err(rc));
		goto out;
	}
	seen = rc == -EINVAL;
	q_result(T, seen == want ? "pass" : "fail", "kernel %s on %s: MOCK_DOMAIN = %s%s (%s %s)",
		 q_release(), q_machine(), q_err(rc), rc ? "" : " (a mock HWPT)",
		 seen ? "quirk present" : "no quirk", seen == want ? "as recorded" :
		 want ? "but recorded as affected" : "on a kernel or machine recorded as free of it");
out:
	close(fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	q_begin(argv[0], 1);
	test_mock_domain();
	return q_end();
}
