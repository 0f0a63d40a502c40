/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Kernel behaviour "paging-invalidate" (docs/kernel-quirks.md): asked to
 * invalidate a paging HWPT (which has no cache a guest could invalidate),
 * the kernel does not answer EOPNOTSUPP, the errno iommufd uses elsewhere
 * for "known, but this object cannot": up to 6.12 it looks the ID up as a
 * nested HWPT and finds none (ENOENT); from 6.13, where the ID may also be
 * a vIOMMU, it finds an object of the wrong kind (EINVAL). A caller probing
 * "can I invalidate this?" must read both as "no".
 *
 * Raw ioctls, mock machine: one IOAS, a mock device on it (its HWPT is a
 * paging one), IOMMU_HWPT_INVALIDATE on that HWPT with no entries.
 */
#include "quirk.h"

static void test_invalidate_paging(void)
{
	const char *T = "invalidate-paging";
	struct kabi_hwpt_invalidate_selftest entry = { 0 };
	struct kabi_hwpt_invalidate inv = {
		.size = sizeof(inv),
		.data_uptr = (uintptr_t)&entry,
		.data_type = KABI_INVALIDATE_DATA_SELFTEST,
		.entry_len = sizeof(entry),
		.entry_num = 0,
	};
	int want = q_kernel() < Q_KV(6, 13, 0) ? -ENOENT : -EINVAL;
	uint32_t ioas, stdev, hwpt;
	int fd, rc;

	if (!q_machine_is("mock")) {
		q_result(T, "skip", "runs on the mock machine (this is %s)", q_machine());
		return;
	}
	fd = q_iommufd_for(T);
	if (fd < 0)
		return;
	rc = q_ioas_alloc(fd, &ioas);
	if (!rc)
		rc = q_mock_domain(fd, ioas, &stdev, &hwpt);
	if (rc) {
		q_result(T, "fail", "IOAS_ALLOC/MOCK_DOMAIN: %s", q_err(rc));
		goto out;
	}
	inv.hwpt_id = hwpt;
	rc = q_ioctl(fd, KABI_IOMMU_HWPT_INVALIDATE, &inv);
	q_result(T, rc == want ? "pass" : "fail", "kernel %s: HWPT_INVALIDATE of paging HWPT %u,"
		 " 0 entries = %s (recorded for this kernel: %s)", q_release(), hwpt, q_err(rc),
		 q_err(want));
out:
	close(fd);
}

int main(int argc, char **argv)
{
	(void)argc;
	q_begin(argv[0], 1);
	test_invalidate_paging();
	return q_end();
}
