// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * vIOMMU data in and out (1.1): the kernel is given a private copy of the
 * type-specific data (a read-only input works), its outputs reach out_data
 * on success only, the mmap region of the Tegra241 and selftest layouts is
 * read from them, and iommufd_viommu_mmap() maps exactly that region of the
 * iommufd (mmap(2) and munmap(2) are wrapped: the library's calls are
 * checked and answered here), owned by the handle.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/mman.h>

#include "kernel-script.h"

#define DEV_ID 2
#define IOAS_ID 3
#define PARENT_ID 5
#define VIOMMU_ID 8
/* All 64 bits used: a truncation to 32 would show. */
#define MMAP_OFF 0x0000123400005000ull
#define MMAP_LEN 0x2000ull

/* ---- mmap(2)/munmap(2) as the library calls them ------------------------ */

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off);
int __wrap_munmap(void *addr, size_t len);

static struct {
	int calls, unmaps;
	size_t len;
	int prot, flags, fd;
	off_t off;
	int err;		/* errno to fail the next mmap with */
	void *unmapped;
	size_t unmapped_len;
} mm;
static char fake_region[2 * 4096] __attribute__((aligned(4096)));

void *__wrap_mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
	(void)addr;
	mm.calls++;
	mm.len = len;
	mm.prot = prot;
	mm.flags = flags;
	mm.fd = fd;
	mm.off = off;
	if (mm.err) {
		errno = mm.err;
		return MAP_FAILED;
	}
	return fake_region;
}

int __wrap_munmap(void *addr, size_t len)
{
	mm.unmaps++;
	mm.unmapped = addr;
	mm.unmapped_len = len;
	return 0;
}

struct fixture {
	TEST_ENV;
	struct iommufd_hwpt *parent;
};

static int setup(void **state)
{
	static struct fixture f;

	ks_setup(state);
	memset(&mm, 0, sizeof(mm));
	test_env_new(&f.env, IOAS_ID, DEV_ID);
	f.parent = test_env_hwpt(&f.env, KABI_HWPT_ALLOC_NEST_PARENT, PARENT_ID);
	script_assert_done();
	log_reset();
	*state = &f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	script_assert_done();
	expect_destroy(PARENT_ID, 0);
	f->parent = iommufd_hwpt_unref(f->parent);
	test_env_free(&f->env);
	return ks_teardown(state);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

static void viommu_release(struct iommufd_viommu *viommu)
{
	expect_destroy(VIOMMU_ID, 0);
	iommufd_viommu_unref(viommu);
	script_assert_done();
}

/* A selftest vIOMMU whose kernel answered @reply (NULL: wrote nothing). */
static struct iommufd_viommu *selftest_viommu(struct fixture *f,
					      struct iommufd_selftest_viommu_data *io,
					      const struct iommufd_selftest_viommu_data *reply)
{
	LIBIOMMUFD_OPTS(iommufd_viommu_opts, opts, .data = io, .data_len = sizeof(*io),
			.out_data = io);
	struct iommufd_viommu *viommu = NULL;

	expect_viommu_alloc_out(DEV_ID, PARENT_ID, IOMMUFD_VIOMMU_SELFTEST, io, sizeof(*io),
				reply, VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, IOMMUFD_VIOMMU_SELFTEST,
					      &opts, &viommu), 0);
	return viommu;
}

static const struct iommufd_selftest_viommu_data selftest_reply = {
	.in_data = 0xcafe, .out_data = 0xcafe,
	.out_mmap_offset = MMAP_OFF, .out_mmap_length = MMAP_LEN,
};

/* ==== data in and out ===================================================== */

static void read_only_data_is_sent_as_a_copy(void **state)
{
	/* const and in .rodata: the kernel writing into it would fault. */
	static const struct iommufd_tegra241_cmdqv_viommu_data ro = { 0 };
	struct fixture *f = *state;
	LIBIOMMUFD_OPTS(iommufd_viommu_opts, opts, .data = &ro, .data_len = sizeof(ro));
	const struct iommufd_tegra241_cmdqv_viommu_data reply = {
		.out_vintf_mmap_offset = MMAP_OFF, .out_vintf_mmap_length = 0x10000,
	};
	struct iommufd_viommu *viommu = NULL;
	uint64_t off = 0, len = 0;

	expect_viommu_alloc_out(DEV_ID, PARENT_ID, IOMMUFD_VIOMMU_TEGRA241_CMDQV, &ro,
				sizeof(ro), &reply, VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev,
					      IOMMUFD_VIOMMU_TEGRA241_CMDQV, &opts, &viommu), 0);
	/* No out_data: the outputs are still read for the mmap region. */
	assert_int_equal(ro.out_vintf_mmap_offset, 0);
	assert_int_equal(iommufd_viommu_get_mmap_region(viommu, &off, &len), 0);
	assert_int_equal(off, MMAP_OFF);
	assert_int_equal(len, 0x10000);
	viommu_release(viommu);
}

static void outputs_reach_out_data(void **state)
{
	struct fixture *f = *state;
	const struct iommufd_selftest_viommu_data in = { .in_data = 0xcafe };
	struct iommufd_selftest_viommu_data out;
	LIBIOMMUFD_OPTS(iommufd_viommu_opts, opts, .data = &in, .data_len = sizeof(in),
			.out_data = &out);
	struct iommufd_viommu *viommu = NULL;

	memset(&out, 0xa5, sizeof(out));
	expect_viommu_alloc_out(DEV_ID, PARENT_ID, IOMMUFD_VIOMMU_SELFTEST, &in, sizeof(in),
				&selftest_reply, VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, IOMMUFD_VIOMMU_SELFTEST,
					      &opts, &viommu), 0);
	assert_memory_equal(&out, &selftest_reply, sizeof(out));
	assert_int_equal(in.out_data, 0);	/* the input is never written */
	viommu_release(viommu);
}

static void out_data_may_be_the_input(void **state)
{
	struct fixture *f = *state;
	struct iommufd_selftest_viommu_data io = { .in_data = 0xcafe };
	struct iommufd_viommu *viommu = selftest_viommu(f, &io, &selftest_reply);

	assert_memory_equal(&io, &selftest_reply, sizeof(io));
	viommu_release(viommu);
}

static void out_data_untouched_on_failure(void **state)
{
	struct fixture *f = *state;
	const struct iommufd_selftest_viommu_data in = { .in_data = 1 };
	struct iommufd_selftest_viommu_data out;
	LIBIOMMUFD_OPTS(iommufd_viommu_opts, opts, .data = &in, .data_len = sizeof(in),
			.out_data = &out);
	struct iommufd_viommu *viommu = (void *)0x1;

	memset(&out, 0xa5, sizeof(out));
	expect_viommu_alloc_out(DEV_ID, PARENT_ID, IOMMUFD_VIOMMU_SELFTEST, &in, sizeof(in),
				&selftest_reply, 0, EOPNOTSUPP);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, IOMMUFD_VIOMMU_SELFTEST,
					      &opts, &viommu), -EOPNOTSUPP);
	assert_ptr_equal(viommu, (void *)0x1);
	for (size_t i = 0; i < sizeof(out); i++)
		assert_int_equal(((unsigned char *)&out)[i], 0xa5);
}

static void out_data_without_data_is_refused(void **state)
{
	struct fixture *f = *state;
	struct iommufd_selftest_viommu_data out;
	LIBIOMMUFD_OPTS(iommufd_viommu_opts, opts, .out_data = &out);
	struct iommufd_viommu *viommu = (void *)0x1;

	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, IOMMUFD_VIOMMU_SELFTEST,
					      &opts, &viommu), -EINVAL);
	assert_logged("VIOMMU_ALLOC", "out_data without data");
	assert_ptr_equal(viommu, (void *)0x1);
}

/* A caller built against 1.0: its options end before out_data. */
static void options_of_1_0_still_work(void **state)
{
	struct fixture *f = *state;
	struct iommufd_selftest_viommu_data io = { .in_data = 7 };
	struct iommufd_viommu_opts old = {
		.sz = offsetof(struct iommufd_viommu_opts, out_data),
		.data = &io, .data_len = sizeof(io),
		.out_data = (void *)0x1,	/* past sz: never read */
	};
	struct iommufd_viommu *viommu = NULL;
	uint64_t off, len;

	expect_viommu_alloc_out(DEV_ID, PARENT_ID, IOMMUFD_VIOMMU_SELFTEST, &io, sizeof(io),
				&selftest_reply, VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, IOMMUFD_VIOMMU_SELFTEST,
					      &old, &viommu), 0);
	assert_int_equal(io.out_data, 0);
	assert_int_equal(iommufd_viommu_get_mmap_region(viommu, &off, &len), 0);
	assert_int_equal(off, MMAP_OFF);
	viommu_release(viommu);
}

/* ==== the mmap region ===================================================== */

static void no_region_without_data(void **state)
{
	struct fixture *f = *state;
	struct iommufd_viommu *viommu = NULL, *adopted = NULL;
	uint64_t off = 1, len = 1;
	void *addr = (void *)0x1;

	expect_viommu_alloc(DEV_ID, PARENT_ID, IOMMUFD_VIOMMU_SELFTEST, NULL, 0, VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, IOMMUFD_VIOMMU_SELFTEST, NULL,
					      &viommu), 0);
	assert_int_equal(iommufd_viommu_get_mmap_region(viommu, &off, &len), -ENODATA);
	assert_logged("vIOMMU 8", "no region to mmap");
	assert_int_equal(off, 1);
	assert_int_equal(iommufd_viommu_mmap(viommu, PROT_READ, &addr, NULL), -ENODATA);
	assert_ptr_equal(addr, (void *)0x1);
	assert_int_equal(mm.calls, 0);
	viommu_release(viommu);

	assert_int_equal(iommufd_viommu_new_from_id(f->ctx, 9, IOMMUFD_VIOMMU_SELFTEST,
						    IOMMUFD_ADOPT_BORROW, &adopted), 0);
	assert_int_equal(iommufd_viommu_get_mmap_region(adopted, &off, &len), -ENODATA);
	iommufd_viommu_unref(adopted);
}

static void no_region_from_an_unknown_layout(void **state)
{
	struct fixture *f = *state;
	uint8_t data[24] = { 0 };
	LIBIOMMUFD_OPTS(iommufd_viommu_opts, opts, .data = data, .data_len = sizeof(data));
	struct iommufd_viommu *viommu = NULL;
	uint64_t off, len;

	/* SMMUv3's vIOMMU has no output layout the library knows. */
	expect_viommu_alloc_out(DEV_ID, PARENT_ID, IOMMUFD_VIOMMU_ARM_SMMUV3, data,
				sizeof(data), &selftest_reply, VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_alloc(f->parent, f->dev, IOMMUFD_VIOMMU_ARM_SMMUV3,
					      &opts, &viommu), 0);
	assert_int_equal(iommufd_viommu_get_mmap_region(viommu, &off, &len), -ENODATA);
	viommu_release(viommu);
}

static void mmap_maps_exactly_the_region(void **state)
{
	struct fixture *f = *state;
	struct iommufd_selftest_viommu_data io = { .in_data = 0xcafe };
	struct iommufd_viommu *viommu = selftest_viommu(f, &io, &selftest_reply);
	void *addr = NULL, *again = NULL;
	size_t len = 0;

	assert_int_equal(iommufd_viommu_mmap(viommu, PROT_READ | PROT_WRITE, &addr, &len), 0);
	assert_ptr_equal(addr, fake_region);
	assert_int_equal(len, MMAP_LEN);
	assert_int_equal(mm.calls, 1);
	assert_int_equal(mm.len, MMAP_LEN);
	assert_int_equal(mm.off, (off_t)MMAP_OFF);
	assert_int_equal(mm.prot, PROT_READ | PROT_WRITE);
	assert_int_equal(mm.flags, MAP_SHARED);
	assert_int_equal(mm.fd, iommufd_ctx_get_fd(f->ctx));
	/* Mapped once: the same address again, no second mmap. */
	assert_int_equal(iommufd_viommu_mmap(viommu, PROT_READ | PROT_WRITE, &again, NULL), 0);
	assert_ptr_equal(again, fake_region);
	assert_int_equal(mm.calls, 1);
	/* Another protection while mapped: refused. */
	assert_int_equal(iommufd_viommu_mmap(viommu, PROT_READ, &again, NULL), -EBUSY);
	assert_logged("vIOMMU 8", "mapped already");
	/* The last unref unmaps before the destroy. */
	viommu_release(viommu);
	assert_int_equal(mm.unmaps, 1);
	assert_ptr_equal(mm.unmapped, fake_region);
	assert_int_equal(mm.unmapped_len, MMAP_LEN);
}

static void mmap_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct iommufd_selftest_viommu_data io = { .in_data = 1 };
	struct iommufd_viommu *viommu = selftest_viommu(f, &io, &selftest_reply);
	void *addr = (void *)0x1;

	assert_int_equal(iommufd_viommu_mmap(NULL, PROT_READ, &addr, NULL), -EINVAL);
	assert_int_equal(iommufd_viommu_mmap(viommu, PROT_READ, NULL, NULL), -EINVAL);
	assert_int_equal(iommufd_viommu_mmap(viommu, 0, &addr, NULL), -EINVAL);
	assert_int_equal(iommufd_viommu_mmap(viommu, PROT_READ | PROT_EXEC, &addr, NULL),
			 -EINVAL);
	assert_ptr_equal(addr, (void *)0x1);
	assert_int_equal(mm.calls, 0);
	assert_int_equal(iommufd_viommu_get_mmap_region(viommu, NULL, NULL), -EINVAL);
	assert_int_equal(iommufd_viommu_munmap(NULL), -EINVAL);
	viommu_release(viommu);
}

static void mmap_failure_is_explained(void **state)
{
	static const struct {
		int err;
		const char *why;
	} cases[] = {
		{ ENODEV, "6.17" }, { ENXIO, "no such region" }, { EINVAL, "shared" },
		{ ENOMEM, "ENOMEM" },
	};
	struct fixture *f = *state;
	struct iommufd_selftest_viommu_data io = { .in_data = 1 };
	struct iommufd_viommu *viommu = selftest_viommu(f, &io, &selftest_reply);

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		void *addr = (void *)0x1;

		log_reset();
		mm.err = cases[i].err;
		assert_int_equal(iommufd_viommu_mmap(viommu, PROT_READ, &addr, NULL),
				 -cases[i].err);
		assert_ptr_equal(addr, (void *)0x1);
		assert_logged("mmap of vIOMMU 8", cases[i].why);
	}
	mm.err = 0;
	viommu_release(viommu);
	assert_int_equal(mm.unmaps, 0);	/* nothing was mapped */
}

static void destroy_while_mapped_is_refused(void **state)
{
	struct fixture *f = *state;
	struct iommufd_selftest_viommu_data io = { .in_data = 1 };
	struct iommufd_viommu *viommu = selftest_viommu(f, &io, &selftest_reply);
	void *addr;

	assert_int_equal(iommufd_viommu_mmap(viommu, PROT_READ, &addr, NULL), 0);
	assert_int_equal(iommufd_viommu_destroy(viommu), -EBUSY);
	assert_logged("destroy of vIOMMU 8", "EBUSY", "iommufd_viommu_munmap");
	assert_int_equal(mm.unmaps, 0);
	assert_int_equal(iommufd_viommu_munmap(viommu), 0);
	assert_int_equal(mm.unmaps, 1);
	assert_int_equal(iommufd_viommu_munmap(viommu), 0);	/* nothing left to unmap */
	assert_int_equal(mm.unmaps, 1);
	expect_destroy(VIOMMU_ID, 0);
	assert_int_equal(iommufd_viommu_destroy(viommu), 0);
}

static void mmap_again_after_munmap(void **state)
{
	struct fixture *f = *state;
	struct iommufd_selftest_viommu_data io = { .in_data = 1 };
	struct iommufd_viommu *viommu = selftest_viommu(f, &io, &selftest_reply);
	void *addr;

	assert_int_equal(iommufd_viommu_mmap(viommu, PROT_READ, &addr, NULL), 0);
	assert_int_equal(iommufd_viommu_munmap(viommu), 0);
	assert_int_equal(iommufd_viommu_mmap(viommu, PROT_WRITE, &addr, NULL), 0);
	assert_int_equal(mm.calls, 2);
	assert_int_equal(mm.prot, PROT_WRITE);
	viommu_release(viommu);
	assert_int_equal(mm.unmaps, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(read_only_data_is_sent_as_a_copy),
		T(outputs_reach_out_data),
		T(out_data_may_be_the_input),
		T(out_data_untouched_on_failure),
		T(out_data_without_data_is_refused),
		T(options_of_1_0_still_work),
		T(no_region_without_data),
		T(no_region_from_an_unknown_layout),
		T(mmap_maps_exactly_the_region),
		T(mmap_rejects_bad_arguments),
		T(mmap_failure_is_explained),
		T(destroy_while_mapped_is_refused),
		T(mmap_again_after_munmap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
