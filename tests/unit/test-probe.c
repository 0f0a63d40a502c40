// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The capability probe. iommufd_ctx_probe(): one ioctl per command with an
 * empty (size 0) argument, EINVAL meaning "known" and ENOTTY "unknown",
 * asked once per context (later probes reuse the answers).
 * iommufd_device_probe(): the same, then hw info, a temporary IOAS and
 * trial allocations (NEST_PARENT, a nested HWPT and the vIOMMU types of
 * the hw-info type on it, dirty tracking, PASID), every object it makes
 * destroyed again, which the script proves:
 * an object left behind leaves its scripted DESTROY unmade, an extra
 * ioctl is unscripted. The caller's struct gets only what fits in its sz.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <limits.h>
#include <stddef.h>
#include <string.h>

#include "kernel-script.h"

#define DEV_ID 2
#define IOAS_ID 3		/* the fixture's, never touched by the probe */
#define TMP_IOAS 40		/* the probe's own */
#define PARENT 41
#define VIOMMU_SMMU 42
#define VIOMMU_CMDQV 43
#define VIOMMU_SELFTEST 44
#define DIRTY_HWPT 45
#define PASID_HWPT 46
#define PAGING_HWPT 47
#define NESTED_HWPT 48		/* the trial nested HWPT */
#define TRIAL_VIOMMU 49		/* the vIOMMU an SMMUv3 one is made on */
#define HW_INFO_ROOM 64		/* the room the probe gives GET_HW_INFO */

/* The commands the context probe asks about, and where the answer goes. */
static const struct {
	unsigned long request;
	size_t offset;
	const char *name;
} commands[] = {
	{ KABI_IOMMU_HWPT_ALLOC, offsetof(struct iommufd_probe, hwpt_alloc), "hwpt_alloc" },
	{ KABI_IOMMU_GET_HW_INFO, offsetof(struct iommufd_probe, hw_info), "hw_info" },
	{ KABI_IOMMU_HWPT_SET_DIRTY_TRACKING,
	  offsetof(struct iommufd_probe, dirty_tracking_cmds), "dirty_tracking_cmds" },
	{ KABI_IOMMU_HWPT_INVALIDATE, offsetof(struct iommufd_probe, invalidate), "invalidate" },
	{ KABI_IOMMU_FAULT_QUEUE_ALLOC, offsetof(struct iommufd_probe, fault_queue),
	  "fault_queue" },
	{ KABI_IOMMU_IOAS_MAP_FILE, offsetof(struct iommufd_probe, map_file), "map_file" },
	{ KABI_IOMMU_VIOMMU_ALLOC, offsetof(struct iommufd_probe, viommu_cmds), "viommu_cmds" },
	{ KABI_IOMMU_VDEVICE_ALLOC, offsetof(struct iommufd_probe, vdevice), "vdevice" },
	{ KABI_IOMMU_IOAS_CHANGE_PROCESS, offsetof(struct iommufd_probe, change_process),
	  "change_process" },
	{ KABI_IOMMU_VEVENTQ_ALLOC, offsetof(struct iommufd_probe, veventq), "veventq" },
	{ KABI_IOMMU_HW_QUEUE_ALLOC, offsetof(struct iommufd_probe, hw_queue), "hw_queue" },
	{ KABI_IOMMU_VFIO_IOAS, offsetof(struct iommufd_probe, vfio_compat), "vfio_compat" },
	{ KABI_IOMMU_OPTION, offsetof(struct iommufd_probe, options), "options" },
	{ KABI_IOMMU_IOAS_COPY, offsetof(struct iommufd_probe, ioas_copy), "ioas_copy" },
};
#define N_CMDS (sizeof(commands) / sizeof(commands[0]))

/* Index of a command in commands[] (for the kernels the tests make up). */
static size_t cmd_index(unsigned long request)
{
	for (size_t i = 0; i < N_CMDS; i++)
		if (commands[i].request == request)
			return i;
	fail_msg("no such command");
	return 0;
}

struct fixture {
	struct iommufd_ctx *ctx;
	struct iommufd_device *dev;
	const char *cdev;	/* what new_context() binds; NULL: /dev/null */
};

static struct fixture fx;

static int setup(void **state)
{
	ks_setup(state);
	fx.ctx = test_ctx_new();
	fx.dev = test_device_new(fx.ctx, DEV_ID);
	fx.cdev = NULL;
	script_assert_done();
	log_reset();
	*state = &fx;
	return 0;
}

/*
 * A new context and device in the fixture. A context asks the kernel its
 * commands once and keeps the answers (probes_reuse_the_contexts_command_answers),
 * so every made-up kernel below gets a context of its own.
 */
static void new_context(void)
{
	iommufd_device_unref(fx.dev);
	iommufd_ctx_unref(fx.ctx);
	fx.ctx = test_ctx_new();
	fx.dev = test_device_new_path(fx.ctx, DEV_ID, fx.cdev ? fx.cdev : "/dev/null");
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	script_assert_done();
	iommufd_device_unref(f->dev);
	iommufd_ctx_unref(f->ctx);
	return ks_teardown(state);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

/* The probe's 14 command ioctls of a new context, in any order, each once, failing with errs[i]. */
static void script_commands(const int errs[N_CMDS])
{
	new_context();
	script_unordered_begin();
	for (size_t i = 0; i < N_CMDS; i++)
		expect_probe_cmd(commands[i].request, errs[i]);
	script_unordered_end();
}

/* A kernel that knows every command (each refuses size 0 with EINVAL). */
static void modern_kernel(int errs[N_CMDS])
{
	for (size_t i = 0; i < N_CMDS; i++)
		errs[i] = EINVAL;
}

static const struct iommufd_feature *feature_at(const struct iommufd_probe *p, size_t off)
{
	return (const struct iommufd_feature *)((const char *)p + off);
}

#define assert_feature(f, sup, e) assert_feature_at(__FILE__, __LINE__, #f, &(f), (sup), (e))
static void assert_feature_at(const char *file, int line, const char *what,
			      const struct iommufd_feature *f, uint32_t support, int err)
{
	if (f->support != support || f->err != err)
		fail_msg("%s:%d: %s is {%u (%s), %d}, expected {%u (%s), %d}", file, line, what,
			 f->support, iommufd_support_name(f->support), f->err, support,
			 iommufd_support_name(support), err);
}

#define SUP IOMMUFD_FEATURE_SUPPORTED
#define NO_KERNEL IOMMUFD_FEATURE_NO_KERNEL
#define NO_IOMMU IOMMUFD_FEATURE_NO_IOMMU
#define FAILED IOMMUFD_FEATURE_ERROR
#define UNTESTED IOMMUFD_FEATURE_UNTESTED

static void assert_device_part_untested(const struct iommufd_probe *p)
{
	const size_t from = offsetof(struct iommufd_probe, nest_parent);
	const size_t end = offsetof(struct iommufd_probe, max_pasid_log2) + 1;

	assert_true(p->sz == sizeof(*p));
	for (size_t i = from; i < end; i++)
		if (((const unsigned char *)p)[i])
			fail_msg("byte %zu of the device part is 0x%x, not 0", i,
				 ((const unsigned char *)p)[i]);
}

/* A caller's struct followed by bytes that must stay as they are. */
struct guarded {
	struct iommufd_probe p;
	unsigned char guard[64];
};

static bool untouched_from(const struct guarded *g, size_t from)
{
	for (size_t i = from; i < sizeof(*g); i++)
		if (((const unsigned char *)g)[i] != 0x5a)
			return false;
	return true;
}

/* ==== context probe ======================================================= */

static void ctx_probe_asks_every_command_once_with_size_0(void **state)
{
	struct fixture *f = *state;
	struct iommufd_probe p = { .sz = sizeof(p) };
	int errs[N_CMDS];

	modern_kernel(errs);
	script_commands(errs);
	assert_int_equal(iommufd_ctx_probe(f->ctx, &p), 0);
	for (size_t i = 0; i < N_CMDS; i++)
		assert_feature_at(__FILE__, __LINE__, commands[i].name,
				  feature_at(&p, commands[i].offset), SUP, 0);
	/* A context probe says nothing about devices. */
	assert_device_part_untested(&p);
}

/* Each command's answer lands in its own member: one ENOTTY at a time. */
static void ctx_probe_maps_each_command_to_its_member(void **state)
{
	struct fixture *f = *state;

	for (size_t k = 0; k < N_CMDS; k++) {
		struct iommufd_probe p = { .sz = sizeof(p) };
		int errs[N_CMDS];

		modern_kernel(errs);
		errs[k] = ENOTTY;
		script_commands(errs);
		assert_int_equal(iommufd_ctx_probe(f->ctx, &p), 0);
		script_assert_done();
		for (size_t i = 0; i < N_CMDS; i++) {
			if (i == k)
				assert_feature_at(__FILE__, __LINE__, commands[i].name,
						  feature_at(&p, commands[i].offset), NO_KERNEL,
						  -ENOTTY);
			else
				assert_feature_at(__FILE__, __LINE__, commands[i].name,
						  feature_at(&p, commands[i].offset), SUP, 0);
		}
	}
}

static void ctx_probe_maps_the_kernels_answers(void **state)
{
	static const struct { int err; uint32_t support; int verdict_err; } answers[] = {
		{ EINVAL, SUP, 0 },
		{ ENOTTY, NO_KERNEL, -ENOTTY },
		{ E2BIG, NO_KERNEL, -E2BIG },
		{ EOPNOTSUPP, NO_IOMMU, -EOPNOTSUPP },
		{ 0, FAILED, -EPROTO },		/* size 0 accepted: not a real answer */
		{ EPERM, FAILED, -EPERM },
		{ EFAULT, FAILED, -EFAULT },
		{ ENOMEM, FAILED, -ENOMEM },
	};
	struct fixture *f = *state;

	for (size_t a = 0; a < sizeof(answers) / sizeof(answers[0]); a++) {
		struct iommufd_probe p = { .sz = sizeof(p) };
		int errs[N_CMDS];

		for (size_t i = 0; i < N_CMDS; i++)
			errs[i] = answers[a].err;
		script_commands(errs);
		assert_int_equal(iommufd_ctx_probe(f->ctx, &p), 0);
		script_assert_done();
		for (size_t i = 0; i < N_CMDS; i++)
			assert_feature_at(__FILE__, __LINE__, commands[i].name,
					  feature_at(&p, commands[i].offset), answers[a].support,
					  answers[a].verdict_err);
	}
}

static void ctx_probe_fills_only_what_fits_in_sz(void **state)
{
	static const size_t sizes[] = {
		sizeof(size_t),
		offsetof(struct iommufd_probe, hw_info),
		offsetof(struct iommufd_probe, veventq),
		offsetof(struct iommufd_probe, nest_parent),
		offsetof(struct iommufd_probe, max_pasid_log2),
	};
	struct fixture *f = *state;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct guarded g;
		int errs[N_CMDS];

		memset(&g, 0x5a, sizeof(g));
		g.p.sz = sizes[s];
		modern_kernel(errs);
		script_commands(errs);
		assert_int_equal(iommufd_ctx_probe(f->ctx, &g.p), 0);
		script_assert_done();
		assert_int_equal(g.p.sz, sizes[s]);
		assert_true(untouched_from(&g, sizes[s]));
		for (size_t i = 0; i < N_CMDS; i++)
			if (commands[i].offset + sizeof(struct iommufd_feature) <= sizes[s])
				assert_feature_at(__FILE__, __LINE__, commands[i].name,
						  feature_at(&g.p, commands[i].offset), SUP, 0);
	}
}

/* A caller built against a newer header: its extra bytes stay its own. */
static void ctx_probe_leaves_a_newer_callers_tail_alone(void **state)
{
	struct fixture *f = *state;
	struct guarded g;
	int errs[N_CMDS];

	memset(&g, 0x5a, sizeof(g));
	g.p.sz = sizeof(g);
	modern_kernel(errs);
	script_commands(errs);
	assert_int_equal(iommufd_ctx_probe(f->ctx, &g.p), 0);
	assert_int_equal(g.p.sz, sizeof(g));
	assert_feature(g.p.ioas_copy, SUP, 0);
	assert_int_equal(g.p.hw_info_type, 0);
	assert_true(untouched_from(&g, sizeof(g.p)));
}

static void ctx_probe_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct iommufd_probe p;

	memset(&p, 0x5a, sizeof(p));
	p.sz = sizeof(p);
	assert_int_equal(iommufd_ctx_probe(NULL, &p), -EINVAL);
	assert_int_equal(iommufd_ctx_probe(f->ctx, NULL), -EINVAL);
	p.sz = 0;
	assert_int_equal(iommufd_ctx_probe(f->ctx, &p), -EINVAL);
	p.sz = sizeof(size_t) - 1;
	assert_int_equal(iommufd_ctx_probe(f->ctx, &p), -EINVAL);
	assert_int_equal(p.hwpt_alloc.support, 0x5a5a5a5au);
}

static void support_names(void **state)
{
	(void)state;
	assert_string_equal(iommufd_support_name(UNTESTED), "untested");
	assert_string_equal(iommufd_support_name(SUP), "supported");
	assert_string_equal(iommufd_support_name(NO_KERNEL), "kernel lacks it");
	assert_string_equal(iommufd_support_name(NO_IOMMU), "IOMMU/driver cannot");
	assert_string_equal(iommufd_support_name(FAILED), "probe failed");
	assert_string_equal(iommufd_support_name(99), "unknown verdict");
}

/* ==== device probe ======================================================== */

/* What the made-up kernel and IOMMU answer to the device probe. */
struct kernel {
	int cmd[N_CMDS];		/* the command probes */
	struct kabi_hw_info info;	/* GET_HW_INFO's outputs */
	const void *rec;		/* and its vendor record */
	uint32_t rec_len;
	int paging, nest_parent, viommu[3], dirty, pasid;	/* the trials */
	bool nests;			/* the record says the IOMMU nests */
	int nested, trial_viommu;	/* the trial nested HWPT (and its vIOMMU) */
	/* The IOAS's ranges once the plain HWPT is allocated (0: one usable). */
	bool paging_empty;		/* no range at all */
	bool paging_no_aperture;	/* or the single range [0, 0] */
	int parent_destroy;		/* the errno of the parent's DESTROY */
};

static const struct kabi_hw_info_selftest selftest_rec = {
	.test_reg = KABI_TEST_HW_INFO_REGVAL,
};

/* Everything works: the selftest mock IOMMU on a 7.x kernel. */
static struct kernel all_good(void)
{
	struct kernel k = {
		.info = {
			.out_data_type = KABI_HW_INFO_TYPE_SELFTEST,
			.out_max_pasid_log2 = 20,
			.out_capabilities = KABI_HW_CAP_DIRTY_TRACKING |
					    KABI_HW_CAP_PCI_PASID_EXEC |
					    KABI_HW_CAP_PCI_PASID_PRIV,
			.data_len = sizeof(selftest_rec),
		},
		.rec = &selftest_rec,
		.rec_len = sizeof(selftest_rec),
		.nests = true,
	};

	modern_kernel(k.cmd);
	return k;
}

/* The IOMMU of @k reports the vendor record @rec of @type (@len bytes). */
static void set_record(struct kernel *k, uint32_t type, const void *rec, uint32_t len)
{
	k->info.out_data_type = type;
	k->info.data_len = len;
	k->rec = rec;
	k->rec_len = len;
}

static bool knows(const struct kernel *k, unsigned long request)
{
	return k->cmd[cmd_index(request)] == EINVAL;
}

/* The trial data of a nested HWPT of each type: valid, and no guest memory behind it. */
static const struct kabi_hwpt_selftest trial_selftest = { .iotlb = KABI_TEST_IOTLB_DEFAULT };
static const struct kabi_hwpt_vtd_s1 trial_vtd = { .addr_width = 48 };
static const struct kabi_hwpt_amd_guest trial_amd = { .dte = { 1 } };	/* V only */
static const uint8_t trial_smmuv3[16] = { 0x01 };			/* V, ABORT */

/* The nested HWPT trial on the parent: on a vIOMMU for SMMUv3. */
static void script_nesting_trial(const struct kernel *k)
{
	uint32_t type = k->info.out_data_type, on = PARENT;

	if (type == KABI_HW_INFO_TYPE_ARM_SMMUV3) {
		if (!knows(k, KABI_IOMMU_VIOMMU_ALLOC))
			return;
		expect_viommu_alloc(DEV_ID, PARENT, KABI_VIOMMU_TYPE_ARM_SMMUV3, NULL, 0,
				    TRIAL_VIOMMU, k->trial_viommu);
		if (k->trial_viommu)
			return;
		on = TRIAL_VIOMMU;
		expect_hwpt_alloc_bytes(0, DEV_ID, on, KABI_HWPT_DATA_ARM_SMMUV3, trial_smmuv3,
					sizeof(trial_smmuv3), NESTED_HWPT, k->nested);
	} else if (type == KABI_HW_INFO_TYPE_INTEL_VTD) {
		expect_hwpt_alloc_bytes(0, DEV_ID, on, KABI_HWPT_DATA_VTD_S1, &trial_vtd,
					sizeof(trial_vtd), NESTED_HWPT, k->nested);
	} else if (type == KABI_HW_INFO_TYPE_AMD) {
		expect_hwpt_alloc_bytes(0, DEV_ID, on, KABI_HWPT_DATA_AMD_GUEST, &trial_amd,
					sizeof(trial_amd), NESTED_HWPT, k->nested);
	} else {
		expect_hwpt_alloc_bytes(0, DEV_ID, on, KABI_HWPT_DATA_SELFTEST, &trial_selftest,
					KABI_HWPT_SELFTEST_SIZE_V1, NESTED_HWPT, k->nested);
	}
	if (!k->nested)
		expect_destroy(NESTED_HWPT, 0);
	if (on == TRIAL_VIOMMU)
		expect_destroy(TRIAL_VIOMMU, 0);
}

/* Whether the IOMMU of @k's record has vIOMMUs of the probe's type @i. */
static bool has_viommu(const struct kernel *k, int i)
{
	uint32_t type = k->info.out_data_type;

	if (type == KABI_HW_INFO_TYPE_ARM_SMMUV3 || type == KABI_HW_INFO_TYPE_TEGRA241_CMDQV)
		return i < 2;
	return type == KABI_HW_INFO_TYPE_SELFTEST && i == 2;
}

/*
 * The ioctls of a device probe against @k after its command probes, in the
 * probe's order, each object it allocates destroyed; @info_err fails
 * GET_HW_INFO, @ioas_err the IOAS allocation.
 */
static void script_device_trials(const struct kernel *k, int info_err, int ioas_err)
{
	static const uint32_t types[3] = {
		KABI_VIOMMU_TYPE_ARM_SMMUV3, KABI_VIOMMU_TYPE_TEGRA241_CMDQV,
		KABI_VIOMMU_TYPE_SELFTEST,
	};
	static const uint32_t ids[3] = { VIOMMU_SMMU, VIOMMU_CMDQV, VIOMMU_SELFTEST };
	bool deferred;

	if (!knows(k, KABI_IOMMU_GET_HW_INFO))
		return;
	expect_hw_info_fill(DEV_ID, HW_INFO_ROOM, &k->info, k->rec, k->rec_len, info_err);
	if (info_err || !knows(k, KABI_IOMMU_HWPT_ALLOC))
		return;
	expect_ioas_alloc(TMP_IOAS, ioas_err);
	if (ioas_err)
		return;
	expect_hwpt_alloc(0, DEV_ID, TMP_IOAS, PAGING_HWPT, k->paging);
	if (!k->paging) {
		static const struct kabi_iova_range usable = { .start = 0, .last = 0xffffffffffff };
		static const struct kabi_iova_range none = { 0 };

		expect_iova_ranges(TMP_IOAS, 4, k->paging_no_aperture ? &none : &usable,
				   k->paging_empty ? 0 : 1, 4096, 0);
		expect_destroy(PAGING_HWPT, 0);
	}
	expect_hwpt_alloc(KABI_HWPT_ALLOC_NEST_PARENT, DEV_ID, TMP_IOAS, PARENT, k->nest_parent);
	if (!k->nest_parent && k->nests)
		script_nesting_trial(k);
	if (!k->nest_parent && knows(k, KABI_IOMMU_VIOMMU_ALLOC)) {
		for (int i = 0; i < 3; i++) {
			if (!has_viommu(k, i))
				continue;
			expect_viommu_alloc(DEV_ID, PARENT, types[i], NULL, 0, ids[i], k->viommu[i]);
			if (!k->viommu[i])
				expect_destroy(ids[i], 0);
		}
	}
	if (!k->nest_parent)
		expect_destroy(PARENT, k->parent_destroy);
	/*
	 * A parent DESTROY refused with EBUSY is deferred and retried after
	 * the next destroy that succeeds; this kernel lets the retry succeed.
	 */
	deferred = !k->nest_parent && k->parent_destroy == EBUSY;
	expect_hwpt_alloc(KABI_HWPT_ALLOC_DIRTY_TRACKING, DEV_ID, TMP_IOAS, DIRTY_HWPT, k->dirty);
	if (!k->dirty)
		expect_destroy(DIRTY_HWPT, 0);
	if (deferred && !k->dirty) {
		expect_destroy(PARENT, 0);
		deferred = false;
	}
	expect_hwpt_alloc(KABI_HWPT_ALLOC_PASID, DEV_ID, TMP_IOAS, PASID_HWPT, k->pasid);
	if (!k->pasid)
		expect_destroy(PASID_HWPT, 0);
	if (deferred && !k->pasid) {
		expect_destroy(PARENT, 0);
		deferred = false;
	}
	/* Still deferred: the IOAS under the parent is refused too, until then. */
	expect_destroy(TMP_IOAS, deferred ? EBUSY : 0);
}

/* A device probe of a new context against @k: its command probes, then the trials. */
static void script_device_probe(const struct kernel *k, int info_err, int ioas_err)
{
	script_commands(k->cmd);
	script_device_trials(k, info_err, ioas_err);
}

static void device_probe(struct fixture *f, const struct kernel *k, struct iommufd_probe *p)
{
	memset(p, 0x5a, sizeof(*p));
	p->sz = sizeof(*p);
	script_device_probe(k, 0, 0);
	assert_int_equal(iommufd_device_probe(f->dev, p), 0);
	script_assert_done();
	assert_int_equal(p->sz, sizeof(*p));
}

static void device_probe_of_a_capable_device_destroys_all_it_makes(void **state)
{
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe p;

	device_probe(f, &k, &p);
	for (size_t i = 0; i < N_CMDS; i++)
		assert_feature_at(__FILE__, __LINE__, commands[i].name,
				  feature_at(&p, commands[i].offset), SUP, 0);
	assert_int_equal(p.hw_info_type, IOMMUFD_HW_INFO_SELFTEST);
	assert_int_equal(p.nested_data_type, IOMMUFD_HWPT_DATA_SELFTEST);
	assert_int_equal(p.capabilities, k.info.out_capabilities);
	assert_int_equal(p.max_pasid_log2, 20);
	assert_feature(p.paging_hwpt, SUP, 0);
	assert_feature(p.nest_parent, SUP, 0);
	assert_feature(p.nesting, SUP, 0);
	assert_feature(p.dirty_tracking, SUP, 0);
	assert_feature(p.pasid_hwpt, SUP, 0);
	assert_feature(p.pasid, SUP, 0);
	assert_feature(p.pasid_exec, SUP, 0);
	assert_feature(p.pasid_priv, SUP, 0);
	assert_feature(p.ats, SUP, 0);
	/* The mock has its own vIOMMU type only: the others are not even tried. */
	assert_feature(p.viommu_arm_smmuv3, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.viommu_tegra241_cmdqv, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.viommu_selftest, SUP, 0);
}

/* 6.12 + virtio-iommu: the plain HWPT works, but leaves nothing to map. */
static void device_probe_finds_a_paging_hwpt_without_aperture(void **state)
{
	struct fixture *f = *state;
	struct iommufd_probe p;

	for (int empty = 0; empty < 2; empty++) {
		struct kernel k = all_good();

		k.paging_empty = empty;
		k.paging_no_aperture = !empty;
		log_reset();
		device_probe(f, &k, &p);
		assert_feature(p.paging_hwpt, NO_IOMMU, -ENOSPC);
		assert_logged("no usable IOVA range", "[0, 0]");
		assert_feature(p.nest_parent, SUP, 0);	/* the other trials go on */
	}
}

/* A refused plain HWPT is its own verdict; the probe goes on. */
static void device_probe_of_a_refused_paging_hwpt(void **state)
{
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe p;

	k.paging = EOPNOTSUPP;
	device_probe(f, &k, &p);
	assert_feature(p.paging_hwpt, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.dirty_tracking, SUP, 0);
}

/* An SMMUv3 that nests (IDR0.S1P and S2P), on a 7.x kernel. */
static const struct kabi_hw_info_arm_smmuv3 smmuv3_rec = { .idr = { 0x3 } };

static struct kernel smmuv3_kernel(void)
{
	struct kernel k = all_good();

	set_record(&k, KABI_HW_INFO_TYPE_ARM_SMMUV3, &smmuv3_rec, sizeof(smmuv3_rec));
	return k;
}

static void device_probe_maps_each_trial(void **state)
{
	struct fixture *f = *state;
	struct kernel k = smmuv3_kernel();
	struct iommufd_probe p;

	k.viommu[0] = EOPNOTSUPP;
	k.viommu[1] = ENOMEM;
	k.dirty = EOPNOTSUPP;
	k.pasid = E2BIG;
	device_probe(f, &k, &p);
	assert_feature(p.nest_parent, SUP, 0);
	assert_feature(p.viommu_arm_smmuv3, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.viommu_tegra241_cmdqv, FAILED, -ENOMEM);
	assert_feature(p.viommu_selftest, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.dirty_tracking, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.pasid_hwpt, NO_KERNEL, -E2BIG);

	k = all_good();
	k.viommu[2] = EOPNOTSUPP;
	k.dirty = EINVAL;
	k.pasid = EOPNOTSUPP;	/* the kernel knows vEVENTQs: the driver cannot */
	device_probe(f, &k, &p);
	assert_feature(p.viommu_arm_smmuv3, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.viommu_selftest, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.dirty_tracking, FAILED, -EINVAL);
	assert_feature(p.pasid_hwpt, NO_IOMMU, -EOPNOTSUPP);
}

/* No stage 2, no nesting and no vIOMMU: those are not even tried. */
static void device_probe_without_a_nest_parent(void **state)
{
	static const int errs[] = { EOPNOTSUPP, EINVAL, ENOMEM };
	static const uint32_t support[] = { NO_IOMMU, FAILED, FAILED };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		struct kernel k = all_good();
		struct iommufd_probe p;

		k.nest_parent = errs[i];
		device_probe(f, &k, &p);
		assert_feature(p.nest_parent, support[i], -errs[i]);
		assert_feature(p.nesting, support[i], -errs[i]);
		assert_feature(p.viommu_arm_smmuv3, support[i], -errs[i]);
		assert_feature(p.viommu_tegra241_cmdqv, support[i], -errs[i]);
		assert_feature(p.viommu_selftest, support[i], -errs[i]);
		assert_feature(p.viommu_cmds, SUP, 0);
		assert_feature(p.dirty_tracking, SUP, 0);
		assert_feature(p.pasid_hwpt, SUP, 0);
	}
}

/* A kernel without vIOMMUs (before 6.13): the parent is tried, no vIOMMU. */
static void device_probe_on_a_kernel_without_viommu(void **state)
{
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe p;

	k.cmd[cmd_index(KABI_IOMMU_VIOMMU_ALLOC)] = ENOTTY;
	device_probe(f, &k, &p);
	assert_feature(p.viommu_cmds, NO_KERNEL, -ENOTTY);
	assert_feature(p.nest_parent, SUP, 0);
	assert_feature(p.nesting, SUP, 0);
	assert_feature(p.viommu_arm_smmuv3, NO_KERNEL, -ENOTTY);
	assert_feature(p.viommu_tegra241_cmdqv, NO_KERNEL, -ENOTTY);
	assert_feature(p.viommu_selftest, NO_KERNEL, -ENOTTY);
}

/*
 * A kernel before 6.15 refuses the PASID flag it does not know with
 * EOPNOTSUPP too; it lacks vEVENTQs (6.15) as well: "kernel lacks it".
 */
static void device_probe_pasid_hwpt_on_a_kernel_without_veventq(void **state)
{
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe p;

	k.cmd[cmd_index(KABI_IOMMU_VEVENTQ_ALLOC)] = ENOTTY;
	k.pasid = EOPNOTSUPP;
	device_probe(f, &k, &p);
	assert_feature(p.veventq, NO_KERNEL, -ENOTTY);
	assert_feature(p.pasid_hwpt, NO_KERNEL, -EOPNOTSUPP);
	/* Other errnos keep their meaning there. */
	k.pasid = ENOMEM;
	device_probe(f, &k, &p);
	assert_feature(p.pasid_hwpt, FAILED, -ENOMEM);
	/* And dirty tracking's EOPNOTSUPP is the IOMMU's regardless. */
	k.pasid = 0;
	k.dirty = EOPNOTSUPP;
	device_probe(f, &k, &p);
	assert_feature(p.dirty_tracking, NO_IOMMU, -EOPNOTSUPP);
}

/* Kernels before 6.17 (no HW queues) do not say when ATS cannot be used. */
static void device_probe_ats(void **state)
{
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe p;

	k.info.out_capabilities |= KABI_HW_CAP_PCI_ATS_NOT_SUPPORTED;
	device_probe(f, &k, &p);
	assert_feature(p.ats, NO_IOMMU, -EOPNOTSUPP);
	k.cmd[cmd_index(KABI_IOMMU_HW_QUEUE_ALLOC)] = ENOTTY;
	device_probe(f, &k, &p);
	assert_feature(p.hw_queue, NO_KERNEL, -ENOTTY);
	assert_feature(p.ats, UNTESTED, 0);
	k.info.out_capabilities &= ~KABI_HW_CAP_PCI_ATS_NOT_SUPPORTED;
	device_probe(f, &k, &p);
	assert_feature(p.ats, UNTESTED, 0);
}

static void device_probe_pasid_facts_from_hw_info(void **state)
{
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe p;

	k.info.out_max_pasid_log2 = 0;
	k.info.out_capabilities = 0;
	device_probe(f, &k, &p);
	assert_int_equal(p.max_pasid_log2, 0);
	assert_int_equal(p.capabilities, 0);
	assert_feature(p.pasid, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.pasid_exec, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.pasid_priv, NO_IOMMU, -EOPNOTSUPP);
	k.info.out_max_pasid_log2 = 1;
	k.info.out_capabilities = KABI_HW_CAP_PCI_PASID_PRIV;
	device_probe(f, &k, &p);
	assert_int_equal(p.max_pasid_log2, 1);
	assert_feature(p.pasid, SUP, 0);
	assert_feature(p.pasid_exec, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.pasid_priv, SUP, 0);
	k.info.out_capabilities = KABI_HW_CAP_PCI_PASID_EXEC;
	device_probe(f, &k, &p);
	assert_feature(p.pasid_exec, SUP, 0);
	assert_feature(p.pasid_priv, NO_IOMMU, -EOPNOTSUPP);
}

/* VT-d nests with ECAP.SMTS, NEST, FSTS and SSTS all set, and a nest parent. */
#define ECAP_NEST (1ull << 26)
#define ECAP_SMTS (1ull << 43)
#define ECAP_SSTS (1ull << 46)
#define ECAP_FSTS (1ull << 47)
#define ECAP_NESTING (ECAP_NEST | ECAP_SMTS | ECAP_SSTS | ECAP_FSTS)

static void device_probe_nesting_of_vtd(void **state)
{
	static const uint64_t missing[] = { 0, ECAP_NEST, ECAP_SMTS, ECAP_SSTS, ECAP_FSTS,
					    ECAP_NESTING };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(missing) / sizeof(missing[0]); i++) {
		struct kabi_hw_info_vtd rec = {
			.cap_reg = 0x00d2008c40660462ull,
			/* Other bits set around them: only the four decide. */
			.ecap_reg = (0x00f0050f1eull | ECAP_NESTING | (1ull << 40)) & ~missing[i],
		};
		struct kernel k = all_good();
		struct iommufd_probe p;

		set_record(&k, KABI_HW_INFO_TYPE_INTEL_VTD, &rec, sizeof(rec));
		k.nests = !missing[i];	/* only then is a nested HWPT tried */
		device_probe(f, &k, &p);
		assert_int_equal(p.hw_info_type, IOMMUFD_HW_INFO_INTEL_VTD);
		assert_int_equal(p.nested_data_type, IOMMUFD_HWPT_DATA_VTD_S1);
		assert_feature(p.nest_parent, SUP, 0);
		if (!missing[i])
			assert_feature(p.nesting, SUP, 0);
		else
			assert_feature(p.nesting, NO_IOMMU, -EOPNOTSUPP);
	}
	/* The record says it nests, the driver gives no nest parent: no nesting. */
	{
		struct kabi_hw_info_vtd rec = { .ecap_reg = ECAP_NESTING };
		struct kernel k = all_good();
		struct iommufd_probe p;

		set_record(&k, KABI_HW_INFO_TYPE_INTEL_VTD, &rec, sizeof(rec));
		k.nest_parent = EOPNOTSUPP;
		device_probe(f, &k, &p);
		assert_feature(p.nesting, NO_IOMMU, -EOPNOTSUPP);
		/* Record and parent say yes, the trial nested HWPT says no. */
		k.nest_parent = 0;
		k.nested = ENOMEM;
		device_probe(f, &k, &p);
		assert_feature(p.nest_parent, SUP, 0);
		assert_feature(p.nesting, FAILED, -ENOMEM);
		/* Intel's driver has no vIOMMU: no type is tried. */
		assert_feature(p.viommu_arm_smmuv3, NO_IOMMU, -EOPNOTSUPP);
		assert_feature(p.viommu_selftest, NO_IOMMU, -EOPNOTSUPP);
	}
}

static void device_probe_nesting_of_smmuv3_and_others(void **state)
{
	struct fixture *f = *state;
	struct kabi_hw_info_arm_smmuv3 rec = { .idr = { 0x3 } };	/* S1P and S2P */
	struct kernel k = all_good();
	struct iommufd_probe p;

	set_record(&k, KABI_HW_INFO_TYPE_ARM_SMMUV3, &rec, sizeof(rec));
	device_probe(f, &k, &p);	/* the nested HWPT tried on a vIOMMU */
	assert_int_equal(p.nested_data_type, IOMMUFD_HWPT_DATA_ARM_SMMUV3);
	assert_feature(p.nesting, SUP, 0);
	assert_feature(p.viommu_arm_smmuv3, SUP, 0);
	assert_feature(p.viommu_tegra241_cmdqv, SUP, 0);
	assert_feature(p.viommu_selftest, NO_IOMMU, -EOPNOTSUPP);
	k.trial_viommu = EOPNOTSUPP;	/* no vIOMMU, no nested HWPT */
	device_probe(f, &k, &p);
	assert_feature(p.nesting, NO_IOMMU, -EOPNOTSUPP);
	k.trial_viommu = 0;
	k.nested = EINVAL;
	device_probe(f, &k, &p);
	assert_feature(p.nesting, FAILED, -EINVAL);
	k.nested = 0;
	/* Before 6.13 (no vIOMMU) an SMMUv3 nests on nothing. */
	k.cmd[cmd_index(KABI_IOMMU_VIOMMU_ALLOC)] = ENOTTY;
	device_probe(f, &k, &p);
	assert_feature(p.nest_parent, SUP, 0);
	assert_feature(p.nesting, NO_KERNEL, -ENOTTY);
	k.cmd[cmd_index(KABI_IOMMU_VIOMMU_ALLOC)] = EINVAL;
	rec.idr[0] = 0x1;	/* stage 2 only */
	k.nests = false;
	device_probe(f, &k, &p);
	assert_feature(p.nesting, NO_IOMMU, -EOPNOTSUPP);
	/* An IOMMU that reports no record cannot be said to nest, nor has vIOMMUs. */
	set_record(&k, KABI_HW_INFO_TYPE_NONE, NULL, 0);
	device_probe(f, &k, &p);
	assert_int_equal(p.hw_info_type, 0);
	assert_int_equal(p.nested_data_type, 0);
	assert_feature(p.nest_parent, SUP, 0);
	assert_feature(p.nesting, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.viommu_arm_smmuv3, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.viommu_selftest, NO_IOMMU, -EOPNOTSUPP);
}

/*
 * AMD, 7.0 to 7.3 (issue 10 item 7): the EFR bits and a nest parent are
 * there, but no nested HWPT can be made, and the driver would make a
 * vIOMMU of any type, SMMUv3's included: no nesting, no vIOMMU type.
 */
static void device_probe_of_amd_reports_what_its_driver_can_do(void **state)
{
	static const struct kabi_hw_info_amd rec = {
		.efr = 1ull << 4 | 1ull << 48,	/* GTSup, GIoSup */
		.efr2 = 1ull << 3,		/* GCR3TRPMode */
	};
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe p;

	set_record(&k, KABI_HW_INFO_TYPE_AMD, &rec, sizeof(rec));
	k.nested = EOPNOTSUPP;	/* no domain_alloc_nested */
	device_probe(f, &k, &p);	/* no VIOMMU_ALLOC is made */
	assert_int_equal(p.nested_data_type, IOMMUFD_HWPT_DATA_AMD_GUEST);
	assert_feature(p.nest_parent, SUP, 0);
	assert_feature(p.nesting, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.viommu_arm_smmuv3, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.viommu_tegra241_cmdqv, NO_IOMMU, -EOPNOTSUPP);
	assert_feature(p.viommu_selftest, NO_IOMMU, -EOPNOTSUPP);
	assert_logged("<7>", "vIOMMU type 0x1", "AMD IOMMU");
	/* A driver that wires it (a later kernel) is believed once it works. */
	k.nested = 0;
	device_probe(f, &k, &p);
	assert_feature(p.nesting, SUP, 0);
}

/* Before 6.6 there is neither hw info nor HWPT allocation: commands only. */
static void device_probe_on_a_kernel_without_hw_info(void **state)
{
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe p;

	for (size_t i = 0; i < N_CMDS; i++)
		if (commands[i].request != KABI_IOMMU_VFIO_IOAS &&
		    commands[i].request != KABI_IOMMU_OPTION &&
		    commands[i].request != KABI_IOMMU_IOAS_COPY)
			k.cmd[i] = ENOTTY;
	device_probe(f, &k, &p);
	assert_feature(p.hw_info, NO_KERNEL, -ENOTTY);
	assert_feature(p.options, SUP, 0);
	assert_device_part_untested(&p);
}

/* hw info without HWPT allocation: the facts, but no trial. */
static void device_probe_on_a_kernel_without_hwpt_alloc(void **state)
{
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe p;

	k.cmd[cmd_index(KABI_IOMMU_HWPT_ALLOC)] = ENOTTY;
	device_probe(f, &k, &p);
	assert_int_equal(p.hw_info_type, IOMMUFD_HW_INFO_SELFTEST);
	assert_int_equal(p.max_pasid_log2, 20);
	assert_feature(p.pasid, SUP, 0);
	assert_feature(p.nest_parent, UNTESTED, 0);
	assert_feature(p.nesting, UNTESTED, 0);
	assert_feature(p.dirty_tracking, UNTESTED, 0);
	assert_feature(p.pasid_hwpt, UNTESTED, 0);
	assert_feature(p.viommu_selftest, UNTESTED, 0);
}

/*
 * A noiommu device's GET_HW_INFO is EOPNOTSUPP (7.3+): the probe fails as
 * for any hw-info failure, and its log says the device has no IOMMU.
 */
static void device_probe_of_a_noiommu_device(void **state)
{
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe p = { .sz = sizeof(p) };
	char path[PATH_MAX];

	f->cdev = test_file_new("noiommu-vfio3", path, sizeof(path));
	script_device_probe(&k, EOPNOTSUPP, 0);	/* binds f->cdev in a new context */
	log_reset();
	assert_int_equal(iommufd_device_probe(f->dev, &p), -EOPNOTSUPP);
	script_assert_done();
	assert_logged("probe of device 2: GET_HW_INFO: EOPNOTSUPP", "noiommu device");
	f->cdev = NULL;
	new_context();		/* the file is closed before it is removed */
	test_file_remove(path);
}

static void device_probe_fails_when_hw_info_or_the_ioas_fails(void **state)
{
	static const int errs[] = { EIO, ENOMEM, ENODEV, EOPNOTSUPP, EFAULT };
	struct fixture *f = *state;

	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		struct kernel k = all_good();
		struct guarded g;

		memset(&g, 0x5a, sizeof(g));
		g.p.sz = sizeof(g.p);
		log_reset();
		script_device_probe(&k, errs[i], 0);	/* nothing after GET_HW_INFO */
		assert_int_equal(iommufd_device_probe(f->dev, &g.p), -errs[i]);
		script_assert_done();
		assert_logged("probe of device 2", "GET_HW_INFO", strerrorname_np(errs[i]));
		assert_false(log_has("noiommu"));	/* /dev/null: an IOMMU's device */
		assert_true(untouched_from(&g, sizeof(size_t)));	/* nothing written */
		log_reset();
		script_device_probe(&k, 0, errs[i]);	/* nothing after IOAS_ALLOC */
		assert_int_equal(iommufd_device_probe(f->dev, &g.p), -errs[i]);
		script_assert_done();
		assert_logged("probe of device 2", "IOAS_ALLOC", strerrorname_np(errs[i]));
		assert_true(untouched_from(&g, sizeof(size_t)));
	}
}

/* A DESTROY the kernel refuses is logged; the probe carries on and undoes the rest. */
static void device_probe_carries_on_past_a_failed_destroy(void **state)
{
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe p;

	k.parent_destroy = ENOENT;
	device_probe(f, &k, &p);	/* the dirty and PASID trials, the IOAS's DESTROY */
	assert_logged("<3>", "DESTROY probe HWPT 41", "ENOENT");
	assert_feature(p.nest_parent, SUP, 0);
	assert_feature(p.dirty_tracking, SUP, 0);
}

/*
 * A trial object the kernel still holds (EBUSY) is not left behind: its
 * destroy is retried after the next one that succeeds (issue 8, defect 1).
 */
static void device_probe_retries_a_refused_destroy(void **state)
{
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe p;

	k.parent_destroy = EBUSY;
	device_probe(f, &k, &p);	/* DESTROY 41 again after the dirty HWPT's */
	assert_logged("<6>", "DESTROY probe HWPT 41", "EBUSY", "retried");
	assert_logged("<7>", "DESTROY probe HWPT 41: done, once what used it went");
	assert_false(log_has("<3>", "DESTROY"));
	assert_feature(p.dirty_tracking, SUP, 0);
}

static void device_probe_fills_only_what_fits_in_sz(void **state)
{
	static const size_t sizes[] = {
		sizeof(size_t),
		offsetof(struct iommufd_probe, nest_parent),
		offsetof(struct iommufd_probe, pasid),
		offsetof(struct iommufd_probe, hw_info_type),
		offsetof(struct iommufd_probe, capabilities),
		offsetof(struct iommufd_probe, max_pasid_log2),
	};
	struct fixture *f = *state;

	for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++) {
		struct kernel k = all_good();
		struct guarded g;

		memset(&g, 0x5a, sizeof(g));
		g.p.sz = sizes[s];
		script_device_probe(&k, 0, 0);	/* the same probe, whatever fits */
		assert_int_equal(iommufd_device_probe(f->dev, &g.p), 0);
		script_assert_done();
		assert_int_equal(g.p.sz, sizes[s]);
		assert_true(untouched_from(&g, sizes[s]));
		if (sizes[s] > offsetof(struct iommufd_probe, nest_parent))
			assert_feature(g.p.nest_parent, SUP, 0);
		if (sizes[s] > offsetof(struct iommufd_probe, hw_info_type))
			assert_int_equal(g.p.hw_info_type, IOMMUFD_HW_INFO_SELFTEST);
	}
}

static void device_probe_of_a_device_adopted_by_id(void **state)
{
	struct fixture *f = *state;
	struct iommufd_device *byid = NULL;
	struct kernel k = all_good();
	struct iommufd_probe p = { .sz = sizeof(p) };

	script_device_probe(&k, 0, 0);
	assert_int_equal(iommufd_device_new_from_id(f->ctx, DEV_ID, -1, IOMMUFD_ADOPT_BORROW, &byid), 0);
	assert_int_equal(iommufd_device_probe(byid, &p), 0);
	assert_feature(p.nesting, SUP, 0);
	iommufd_device_unref(byid);
}

/*
 * The kernel's command set does not change while it runs: a context asks
 * it once, and every later probe of the context or of its devices reuses
 * the answers, 14 ioctls fewer (the script fails on any it did not expect).
 */
static void probes_reuse_the_contexts_command_answers(void **state)
{
	struct fixture *f = *state;
	struct kernel k = all_good();
	struct iommufd_probe first, again, ctxp;

	k.cmd[cmd_index(KABI_IOMMU_HW_QUEUE_ALLOC)] = ENOTTY;	/* an answer to carry over */
	device_probe(f, &k, &first);		/* asks: 14 command probes + the trials */
	memset(&again, 0x5a, sizeof(again));
	again.sz = sizeof(again);
	script_device_trials(&k, 0, 0);		/* the trials only */
	assert_int_equal(iommufd_device_probe(f->dev, &again), 0);
	script_assert_done();
	assert_memory_equal(&first, &again, sizeof(first));
	memset(&ctxp, 0x5a, sizeof(ctxp));
	ctxp.sz = sizeof(ctxp);
	assert_int_equal(iommufd_ctx_probe(f->ctx, &ctxp), 0);	/* no ioctl at all */
	assert_feature(ctxp.hw_queue, NO_KERNEL, -ENOTTY);
	assert_feature(ctxp.hwpt_alloc, SUP, 0);
	assert_device_part_untested(&ctxp);
}

/* An answer that is no verdict (the probe itself failed) is not kept: asked again. */
static void probe_asks_again_after_a_failed_command_probe(void **state)
{
	struct fixture *f = *state;
	struct iommufd_probe p = { .sz = sizeof(p) };
	int errs[N_CMDS];

	modern_kernel(errs);
	errs[cmd_index(KABI_IOMMU_OPTION)] = EFAULT;
	script_commands(errs);
	assert_int_equal(iommufd_ctx_probe(f->ctx, &p), 0);
	assert_feature(p.options, FAILED, -EFAULT);
	script_unordered_begin();	/* the same context asks again */
	for (size_t i = 0; i < N_CMDS; i++)
		expect_probe_cmd(commands[i].request, EINVAL);
	script_unordered_end();
	assert_int_equal(iommufd_ctx_probe(f->ctx, &p), 0);
	script_assert_done();
	assert_feature(p.options, SUP, 0);
	assert_int_equal(iommufd_ctx_probe(f->ctx, &p), 0);	/* kept now: no ioctl */
	assert_feature(p.options, SUP, 0);
}

static void device_probe_rejects_bad_arguments(void **state)
{
	struct fixture *f = *state;
	struct iommufd_probe p;

	memset(&p, 0x5a, sizeof(p));
	p.sz = sizeof(p);
	assert_int_equal(iommufd_device_probe(NULL, &p), -EINVAL);
	assert_int_equal(iommufd_device_probe(f->dev, NULL), -EINVAL);
	p.sz = 4;
	assert_int_equal(iommufd_device_probe(f->dev, &p), -EINVAL);
	assert_int_equal(p.hwpt_alloc.support, 0x5a5a5a5au);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(ctx_probe_asks_every_command_once_with_size_0),
		T(ctx_probe_maps_each_command_to_its_member),
		T(ctx_probe_maps_the_kernels_answers),
		T(ctx_probe_fills_only_what_fits_in_sz),
		T(ctx_probe_leaves_a_newer_callers_tail_alone),
		T(ctx_probe_rejects_bad_arguments),
		T(support_names),
		T(device_probe_of_a_capable_device_destroys_all_it_makes),
		T(device_probe_finds_a_paging_hwpt_without_aperture),
		T(device_probe_of_a_refused_paging_hwpt),
		T(device_probe_maps_each_trial),
		T(device_probe_without_a_nest_parent),
		T(device_probe_on_a_kernel_without_viommu),
		T(device_probe_pasid_hwpt_on_a_kernel_without_veventq),
		T(device_probe_ats),
		T(device_probe_pasid_facts_from_hw_info),
		T(device_probe_nesting_of_vtd),
		T(device_probe_nesting_of_smmuv3_and_others),
		T(device_probe_of_amd_reports_what_its_driver_can_do),
		T(device_probe_on_a_kernel_without_hw_info),
		T(device_probe_on_a_kernel_without_hwpt_alloc),
		T(device_probe_fails_when_hw_info_or_the_ioas_fails),
		T(device_probe_of_a_noiommu_device),
		T(device_probe_carries_on_past_a_failed_destroy),
		T(device_probe_retries_a_refused_destroy),
		T(device_probe_fills_only_what_fits_in_sz),
		T(device_probe_of_a_device_adopted_by_id),
		T(probes_reuse_the_contexts_command_answers),
		T(probe_asks_again_after_a_failed_command_probe),
		T(device_probe_rejects_bad_arguments),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
