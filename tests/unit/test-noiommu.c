// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * noiommu (1.1): the physical address behind an IOVA of an IOAS with a
 * noiommu device (IOMMU_IOAS_NOIOMMU_GET_PA, kernel 7.3): the fields sent,
 * both outputs, each refusal explained, outputs untouched on failure.
 *
 * Each test starts from the shared test_env: its device stands for the
 * noiommu device, which the library binds like any other (whether the IOAS
 * translates is the kernel's answer, scripted here).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>

#include "kernel-script.h"

#define IOAS_ID TEST_ENV_IOAS_ID
/* All 64 bits used: a truncation to 32 would show. */
#define BIG_IOVA 0x0000123400001000ull
#define PHYS 0x0000000876543000ull

static void check_get_pa(const struct ks_entry *e, void *arg)
{
	const struct kabi_ioas_noiommu_get_pa *cmd = arg;

	KS_EQ(e, "size", cmd->size, sizeof(*cmd));
	KS_EQ(e, "flags", cmd->flags, 0);
	KS_EQ(e, "ioas_id", cmd->ioas_id, IOAS_ID);
	KS_EQ(e, "reserved", cmd->reserved, 0);
	KS_EQ(e, "iova", cmd->iova, e->in[0]);
	KS_EQ(e, "length", cmd->length, e->in[1]);
	KS_EQ(e, "out_phys", cmd->out_phys, 0);
}

/* The kernel writes both outputs, also when it then fails (to prove they are not used). */
static void reply_get_pa(const struct ks_entry *e, void *arg)
{
	struct kabi_ioas_noiommu_get_pa *cmd = arg;

	cmd->out_phys = e->out[0];
	cmd->length = e->out[1];
}

static void expect_get_pa(uint64_t iova, uint64_t length, uint64_t phys, uint64_t contig,
			  int err)
{
	struct ks_entry *e = script_expect(KABI_IOMMU_IOAS_NOIOMMU_GET_PA, check_get_pa,
					   reply_get_pa, err);

	e->in[0] = iova;
	e->in[1] = length;
	e->out[0] = phys;
	e->out[1] = contig;
}

static void get_pa_returns_address_and_contiguous_length(void **state)
{
	struct test_env *f = *state;
	uint64_t phys = 0, len = 0;

	expect_get_pa(BIG_IOVA, 0x0000000100000000ull, PHYS, 0x3000, 0);
	assert_int_equal(iommufd_ioas_noiommu_get_pa(f->ioas, BIG_IOVA, 0x0000000100000000ull,
						     &phys, &len), 0);
	assert_int_equal(phys, PHYS);
	assert_int_equal(len, 0x3000);
	/* The length is optional. */
	expect_get_pa(BIG_IOVA, 1, PHYS + 5, 1, 0);
	assert_int_equal(iommufd_ioas_noiommu_get_pa(f->ioas, BIG_IOVA, 1, &phys, NULL), 0);
	assert_int_equal(phys, PHYS + 5);
}

static void get_pa_explains_each_refusal(void **state)
{
	static const struct {
		int err;
		const char *why;
	} cases[] = {
		{ ENOTTY, "7.3" }, { EPERM, "CAP_SYS_RAWIO" }, { EOPNOTSUPP, "no noiommu device" },
		{ ENOENT, "nothing is mapped" }, { EINVAL, "revoked dma-buf" }, { EFAULT, "EFAULT" },
	};
	struct test_env *f = *state;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uint64_t phys = 7, len = 7;

		log_reset();
		expect_get_pa(0x1000, 0x1000, PHYS, 0x1000, cases[i].err);
		assert_int_equal(iommufd_ioas_noiommu_get_pa(f->ioas, 0x1000, 0x1000, &phys, &len),
				 -cases[i].err);
		assert_int_equal(phys, 7);
		assert_int_equal(len, 7);
		assert_logged("NOIOMMU_GET_PA IOAS 3 iova 0x1000", cases[i].why);
	}
}

static void get_pa_rejects_bad_arguments(void **state)
{
	struct test_env *f = *state;
	uint64_t phys = 7;

	assert_int_equal(iommufd_ioas_noiommu_get_pa(NULL, 0, 1, &phys, NULL), -EINVAL);
	assert_int_equal(iommufd_ioas_noiommu_get_pa(f->ioas, 0, 1, NULL, NULL), -EINVAL);
	assert_int_equal(iommufd_ioas_noiommu_get_pa(f->ioas, 0, 0, &phys, NULL), -EINVAL);
	assert_logged("NOIOMMU_GET_PA IOAS 3", "zero length");
	assert_int_equal(iommufd_ioas_noiommu_get_pa(f->ioas, UINT64_MAX, 2, &phys, NULL),
			 -EINVAL);
	assert_logged("NOIOMMU_GET_PA IOAS 3", "wraps");
	assert_int_equal(phys, 7);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		ENV_TEST(get_pa_returns_address_and_contiguous_length),
		ENV_TEST(get_pa_explains_each_refusal),
		ENV_TEST(get_pa_rejects_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
