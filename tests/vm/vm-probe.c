// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The capability probe against what really happens.
 *
 * iommufd_ctx_probe() and iommufd_device_probe() give a verdict per
 * feature. This program prints them (so every console log of the matrix
 * carries the verdict table: lines "VERDICT <kernel> <machine> <scope>
 * <feature> <verdict> <errno> use=<errno> <match>"), then uses each
 * feature the way a caller would and checks the verdict against the
 * outcome: a feature called supported must work; a feature called
 * unsupported must fail with the errno the verdict carries. Where the only
 * way to use a feature needs an object this machine cannot make (a vIOMMU
 * on 6.12, a vDevice without a vIOMMU), the command itself is sent with a
 * full-size argument naming no object: a kernel without the command says
 * ENOTTY, one with it names another error.
 *
 * Known divergences between verdict and use are listed in known_diverge()
 * with the reason; they are accepted only in the exact form described
 * there and printed as DIVERGE, so a change on either side shows.
 *
 * The probe must leave nothing behind: the next object ID is the same
 * before and after it, every ID from there on answers DESTROY with ENOENT,
 * no file descriptor was left open, and a device stays attached where it
 * was.
 */
#define _GNU_SOURCE
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "uapi.h"	/* raw commands for the "does the kernel know it" checks */
#include "vmtest.h"

#define PAGE 4096ull
#define BASE ST_MOCK_APERTURE_START
#define RW (IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)

static bool kv(unsigned int a, unsigned int b)
{
	return vmt_kernel_version() >= VMT_KV(a, b, 0);
}

/* ---- verdict table ------------------------------------------------------------ */

enum use_kind {
	USE_RESULT,	/* @use is the errno of a real use (0 = it worked) */
	USE_KNOWN,	/* @use is the errno of the bare command: known unless ENOTTY */
	USE_NONE,	/* no use possible: consistency with hw info only */
};

struct row {
	const char *scope;		/* ctx, device, pasid-device */
	const char *name;
	struct iommufd_feature v;
	enum use_kind kind;
	int use;
	const char *how;		/* what was done */
	const char *diverge;		/* set when a known divergence was accepted */
};

/*
 * Verdict/use pairs that may differ, accepted only exactly as stated:
 *
 * - pasid of a mock device without PASIDs: a mock device has no cdev, so
 *   its PASID "use" is the selftest PASID_ATTACH op, the kernel's bare
 *   answer (EINVAL) with no library in between. Through the library
 *   (iommufd_device_attach_pasid() on edu, vm-pasid) the answer is the
 *   verdict's EOPNOTSUPP.
 *
 * (The first version also accepted pasid_hwpt's rewritten errno on kernels
 * before 6.15 and attach_pasid's EINVAL: both were fixed in the library.)
 */
static const char *known_diverge(const struct row *r)
{
	if (!strcmp(r->name, "pasid") && r->how && strstr(r->how, "selftest PASID_ATTACH") &&
	    r->v.support == IOMMUFD_FEATURE_NO_IOMMU && r->v.err == -EOPNOTSUPP &&
	    r->use == -EINVAL)
		return "the selftest op gives the kernel's bare EINVAL; the library's "
		       "attach_pasid says EOPNOTSUPP like the verdict";
	return NULL;
}

/*
 * What using a plain paging HWPT gets: allocate it on a fresh, empty IOAS,
 * then map a page at an IOVA the kernel picks (6.12 virtio-iommu leaves the
 * IOAS no usable range: ENOSPC).
 */
static int paging_use(struct iommufd_ctx *ctx, struct iommufd_device *dev)
{
	static uint8_t page[4096] __attribute__((aligned(4096)));
	struct iommufd_ioas *ioas = NULL;
	struct iommufd_hwpt *hwpt = NULL;
	uint64_t iova;
	int rc = iommufd_ioas_alloc(ctx, &ioas);

	if (!rc)
		rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas), dev, NULL, &hwpt);
	if (!rc)
		rc = iommufd_ioas_map(ioas, page, sizeof(page),
				      IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE, &iova);
	iommufd_hwpt_unref(hwpt);
	iommufd_ioas_unref(ioas);
	return rc;
}

static bool row_matches(struct row *r)
{
	bool ok;

	switch (r->kind) {
	case USE_RESULT:
		ok = r->v.support == IOMMUFD_FEATURE_SUPPORTED ? r->use == 0
							      : r->use != 0 && r->use == r->v.err;
		break;
	case USE_KNOWN:
		ok = r->v.support == IOMMUFD_FEATURE_SUPPORTED ? r->use != -ENOTTY
							      : r->use == r->v.err;
		break;
	default:
		ok = true;
	}
	if (!ok && (r->diverge = known_diverge(r)))
		ok = true;
	return ok;
}

static void print_row(const struct row *r, bool ok)
{
	printf("VERDICT %s %s %s %-22s %-20s %-10s use=%-10s %s%s%s\n", vmt_kernel_release(),
	       vmt_machine(), r->scope, r->name, iommufd_support_name(r->v.support),
	       r->v.err ? vmt_errname(r->v.err) : "-",
	       r->kind == USE_NONE ? "n/a" : vmt_errname(r->use),
	       !ok ? "MISMATCH" : r->diverge ? "DIVERGE" : "match",
	       r->how ? " via " : "", r->how ? r->how : "");
	if (r->diverge)
		printf("  (known divergence: %s)\n", r->diverge);
}

static void add(struct row *rows, size_t *n, const char *scope, const char *name,
		struct iommufd_feature v, enum use_kind kind, int use, const char *how)
{
	rows[(*n)++] = (struct row){ .scope = scope, .name = name, .v = v, .kind = kind,
				     .use = use, .how = how };
}

/* Checks and prints every row; the first mismatch fails the test. */
static bool check_rows(struct vmt_case *t, struct row *rows, size_t n)
{
	bool all = true;
	size_t first = n;

	for (size_t i = 0; i < n; i++) {
		bool ok = row_matches(&rows[i]);

		print_row(&rows[i], ok);
		if (!ok && first == n)
			first = i;
		all &= ok;
	}
	if (first < n)
		REQUIRE(false, "%s %s: verdict %s, but using it gave %s (%s)", rows[first].scope,
			rows[first].name, vmt_verdict("", rows[first].v),
			vmt_errname(rows[first].use), rows[first].how ? rows[first].how : "");
	else
		REQUIRE(true, "rows");
	return all;
}

/* ---- "nothing left behind" ---------------------------------------------------- */

struct footprint {
	uint32_t next_id;
	int fds;
};

static bool footprint(struct iommufd_ctx *ctx, struct footprint *f)
{
	f->next_id = vmt_next_free_id(ctx);
	f->fds = vmt_count_fds();
	return f->next_id != 0 && f->fds > 0;
}

/* The IDs from @from on are all free (DESTROY: ENOENT): the first that is not, or 0. */
static uint32_t first_live(struct iommufd_ctx *ctx, uint32_t from, uint32_t count)
{
	for (uint32_t id = from; id < from + count; id++)
		if (vmt_destroy(iommufd_ctx_get_fd(ctx), id) != -ENOENT)
			return id;
	return 0;
}

#define CHECK_NOTHING_LEFT(ctx, before, what)						\
	do {										\
		struct footprint a_;							\
		uint32_t l_;								\
		CHECK(footprint(ctx, &a_), "cannot measure the footprint");		\
		CHECK(a_.next_id == (before).next_id, "%s: the next object ID moved from %u " \
		      "to %u", what, (before).next_id, a_.next_id);			\
		CHECK(a_.fds == (before).fds, "%s: %d fds open, %d before", what, a_.fds, \
		      (before).fds);							\
		l_ = first_live(ctx, a_.next_id, 32);					\
		CHECK(l_ == 0, "%s: object %u is alive after the probe", what, l_);	\
	} while (0)

/* ---- raw commands: does the kernel know it? ------------------------------------- */

static int raw(struct iommufd_ctx *ctx, unsigned long req, void *arg)
{
	return ioctl(iommufd_ctx_get_fd(ctx), req, arg) ? -errno : 0;
}

/* Each with its full size and IDs that name nothing (0). */
static int bare_viommu(struct iommufd_ctx *ctx)
{
	struct kabi_viommu_alloc c = { .size = sizeof(c), .type = KABI_VIOMMU_TYPE_SELFTEST };

	return raw(ctx, KABI_IOMMU_VIOMMU_ALLOC, &c);
}

static int bare_vdevice(struct iommufd_ctx *ctx)
{
	struct kabi_vdevice_alloc c = { .size = sizeof(c) };

	return raw(ctx, KABI_IOMMU_VDEVICE_ALLOC, &c);
}

static int bare_veventq(struct iommufd_ctx *ctx)
{
	struct kabi_veventq_alloc c = { .size = sizeof(c), .type = KABI_VEVENTQ_TYPE_SELFTEST,
					.veventq_depth = 1 };

	return raw(ctx, KABI_IOMMU_VEVENTQ_ALLOC, &c);
}

static int bare_hw_queue(struct iommufd_ctx *ctx)
{
	struct kabi_hw_queue_alloc c = { .size = sizeof(c), .type = KABI_HW_QUEUE_TYPE_SELFTEST,
					 .length = PAGE };

	return raw(ctx, KABI_IOMMU_HW_QUEUE_ALLOC, &c);
}

static int bare_invalidate(struct iommufd_ctx *ctx)
{
	struct kabi_hwpt_invalidate c = { .size = sizeof(c) };

	return raw(ctx, KABI_IOMMU_HWPT_INVALIDATE, &c);
}

static int bare_dirty(struct iommufd_ctx *ctx)
{
	struct kabi_hwpt_set_dirty_tracking c = { .size = sizeof(c) };

	return raw(ctx, KABI_IOMMU_HWPT_SET_DIRTY_TRACKING, &c);
}

/* ---- the context probe ---------------------------------------------------------- */

/* The kernel version each command came with (the probe's own documentation). */
static const struct {
	const char *name;
	size_t off;
	unsigned int major, minor;
} commands[] = {
#define C(f, a, b) { #f, offsetof(struct iommufd_probe, f), a, b }
	C(hwpt_alloc, 6, 6), C(hw_info, 6, 6), C(dirty_tracking_cmds, 6, 7),
	C(invalidate, 6, 8), C(fault_queue, 6, 11), C(map_file, 6, 13), C(viommu_cmds, 6, 13),
	C(vdevice, 6, 13), C(change_process, 6, 14), C(veventq, 6, 15), C(hw_queue, 6, 17),
	C(vfio_compat, 6, 2), C(options, 6, 2), C(ioas_copy, 6, 2),
#undef C
};
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static struct iommufd_feature field(const struct iommufd_probe *p, size_t off)
{
	struct iommufd_feature f;

	memcpy(&f, (const char *)p + off, sizeof(f));
	return f;
}

static void test_ctx_probe(struct vmt_case *t)
{
	struct iommufd_probe p, again;
	struct iommufd_ctx *ctx = NULL;
	struct footprint before;
	int rc;

	if (!vmt_need_iommufd(t))
		goto out;
	CHECK_RC(vmt_ctx_new(&ctx), 0);
	CHECK(footprint(ctx, &before), "cannot measure the footprint");
	CHECK_RC(vmt_ctx_probe(ctx, &p), 0);
	CHECK_NOTHING_LEFT(ctx, before, "iommufd_ctx_probe");
	for (size_t i = 0; i < NCOMMANDS; i++) {
		struct iommufd_feature f = field(&p, commands[i].off);
		bool want = kv(commands[i].major, commands[i].minor);

		printf("VERDICT %s %s ctx %-22s %-20s %s\n", vmt_kernel_release(), vmt_machine(),
		       commands[i].name, iommufd_support_name(f.support),
		       f.err ? vmt_errname(f.err) : "-");
		CHECK(want ? f.support == IOMMUFD_FEATURE_SUPPORTED && f.err == 0
			   : f.support == IOMMUFD_FEATURE_NO_KERNEL && f.err == -ENOTTY,
		      "kernel %s: %s (the command came with %u.%u)", vmt_kernel_release(),
		      vmt_verdict(commands[i].name, f), commands[i].major, commands[i].minor);
	}
	/* Device features are not asked by the context probe. */
	CHECK(p.nest_parent.support == IOMMUFD_FEATURE_UNTESTED &&
	      p.dirty_tracking.support == IOMMUFD_FEATURE_UNTESTED &&
	      p.pasid.support == IOMMUFD_FEATURE_UNTESTED &&
	      p.viommu_selftest.support == IOMMUFD_FEATURE_UNTESTED && p.hw_info_type == 0,
	      "the context probe filled device features");
	/* The same answers twice; a caller with an older, shorter struct gets its part. */
	CHECK_RC(vmt_ctx_probe(ctx, &again), 0);
	CHECK(memcmp(&p, &again, sizeof(p)) == 0, "two probes differ");
	memset(&again, 0x5a, sizeof(again));
	again.sz = offsetof(struct iommufd_probe, dirty_tracking_cmds);
	CHECK_RC(iommufd_ctx_probe(ctx, &again), 0);
	CHECK(again.hwpt_alloc.support == p.hwpt_alloc.support &&
	      again.hw_info.support == p.hw_info.support &&
	      again.dirty_tracking_cmds.support == 0x5a5a5a5au,
	      "a short struct: written past its sz, or not filled");
	again.sz = 0;
	rc = iommufd_ctx_probe(ctx, &again);
	CHECK(rc == -EINVAL, "sz 0: %s", vmt_errname(rc));
	CHECK_RC(iommufd_ctx_probe(NULL, &p), -EINVAL);
	vmt_note("context probe: %zu command verdicts as kernel %s should have them; nothing "
		 "left behind (next ID %u)", NCOMMANDS, vmt_kernel_release(), before.next_id);
out:
	iommufd_ctx_unref(ctx);
}

static int new_memfd(size_t len)
{
	int fd = (int)syscall(SYS_memfd_create, "vm-probe", 0);

	if (fd >= 0 && ftruncate(fd, (off_t)len)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* Using each context-level feature without a device. */
static void test_ctx_use(struct vmt_case *t)
{
	struct iommufd_fault_queue *fq = NULL;
	struct iommufd_ioas *a = NULL, *b = NULL;
	struct iommufd_ctx *ctx = NULL;
	struct iommufd_probe p;
	struct row rows[8];
	uint32_t id = 0, mode = 0;
	uint64_t iova = 0;
	void *buf = NULL;
	size_t n = 0;
	int mfd = -1, rc;

	if (!vmt_need_iommufd(t))
		goto out;
	CHECK_RC(vmt_ctx_new(&ctx), 0);
	CHECK_RC(vmt_ctx_probe(ctx, &p), 0);
	CHECK_RC(iommufd_ioas_alloc(ctx, &a), 0);
	CHECK_RC(iommufd_ioas_alloc(ctx, &b), 0);
	buf = vmt_pages(16 * PAGE);
	CHECK(buf != NULL, "out of memory");

	rc = iommufd_fault_queue_alloc(ctx, &fq);
	add(rows, &n, "ctx", "fault_queue", p.fault_queue, USE_RESULT, rc,
				  "iommufd_fault_queue_alloc");
	mfd = new_memfd(2 * PAGE);
	CHECK(mfd >= 0, "memfd: %s", vmt_errname(errno));
	rc = iommufd_ioas_map_file(a, mfd, 0, 2 * PAGE, RW, &iova);
	add(rows, &n, "ctx", "map_file", p.map_file, USE_RESULT, rc,
				  "iommufd_ioas_map_file of a memfd");
	rc = iommufd_ctx_change_process(ctx);
	add(rows, &n, "ctx", "change_process", p.change_process, USE_RESULT, rc,
				  "iommufd_ctx_change_process");
	rc = iommufd_ctx_set_vfio_compat_ioas(ctx, a);
	if (!rc)
		rc = iommufd_ctx_get_vfio_compat_ioas(ctx, &id);
	if (!rc && id != iommufd_ioas_get_id(a))
		rc = -EPROTO;
	add(rows, &n, "ctx", "vfio_compat", p.vfio_compat, USE_RESULT, rc,
				  "set + get the compat IOAS");
	rc = iommufd_ctx_get_rlimit_mode(ctx, &mode);
	if (!rc)
		rc = iommufd_ioas_set_huge_pages(b, false);
	add(rows, &n, "ctx", "options", p.options, USE_RESULT, rc,
				  "get rlimit mode, set huge pages");
	rc = iommufd_ioas_map_fixed(a, buf, 16 * PAGE, BASE, RW);
	if (!rc)
		rc = iommufd_ioas_copy(b, BASE, a, BASE, 16 * PAGE, RW);
	add(rows, &n, "ctx", "ioas_copy", p.ioas_copy, USE_RESULT, rc,
				  "iommufd_ioas_copy");
	/* Commands that need objects of 7.x to use: do they exist at all? */
	add(rows, &n, "ctx", "vdevice", p.vdevice, USE_KNOWN, bare_vdevice(ctx),
				  "bare VDEVICE_ALLOC");
	add(rows, &n, "ctx", "hw_queue", p.hw_queue, USE_KNOWN, bare_hw_queue(ctx),
				  "bare HW_QUEUE_ALLOC");
	check_rows(t, rows, n);
out:
	if (mfd >= 0)
		close(mfd);
	iommufd_fault_queue_unref(fq);
	iommufd_ioas_unref(a);
	iommufd_ioas_unref(b);
	iommufd_ctx_unref(ctx);
	vmt_pages_free(buf, 16 * PAGE);
}

/* ---- the device probe ------------------------------------------------------------ */

struct dev_env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	uint32_t stdev;			/* mock device (mock machine) */
	int fd;
};

static void dev_teardown(struct dev_env *d)
{
	if (d->stdev)
		vmt_destroy(d->fd, d->stdev);
	iommufd_device_unref(d->dev);
	iommufd_ioas_unref(d->ioas);
	iommufd_ctx_unref(d->ctx);
}

/* The machine's device, attached to an IOAS: a mock device or edu. */
static bool dev_setup(struct vmt_case *t, struct dev_env *d, uint32_t mock_flags)
{
	int rc;

	memset(d, 0, sizeof(*d));
	if (!vmt_need_iommufd(t))
		return false;
	rc = vmt_ctx_new(&d->ctx);
	if (!REQUIRE(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc)))
		return false;
	d->fd = iommufd_ctx_get_fd(d->ctx);
	rc = iommufd_ioas_alloc(d->ctx, &d->ioas);
	if (!REQUIRE(rc == 0, "iommufd_ioas_alloc: %s", vmt_errname(rc)))
		return false;
	if (vmt_machine_is("mock"))
		return vmt_mock_device(t, d->ctx, iommufd_ioas_get_id(d->ioas), mock_flags,
				       &d->stdev, &d->dev);
	if (!vmt_edu_bind(t, d->ctx, &d->dev))
		return false;
	rc = iommufd_device_attach(d->dev, iommufd_ioas_as_pt(d->ioas));
	return REQUIRE(rc == 0, "attach edu: %s", vmt_errname(rc));
}

static int alloc_flags(struct dev_env *d, uint32_t flags, struct iommufd_hwpt **ret)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = flags);

	return iommufd_hwpt_alloc(iommufd_ioas_as_pt(d->ioas), d->dev, &o, ret);
}

/*
 * Nested data of the type the probe named, built as a VMM would for a guest
 * whose table is not set up yet (VT-d: a stage-1 table at 0; AMD: a valid
 * DTE without guest translation; the mock: its default IOTLB value).
 */
static int build_nested(struct dev_env *d, uint32_t data_type, uint8_t *data, size_t room,
			uint32_t *type, size_t *len)
{
	LIBIOMMUFD_OPTS(iommufd_selftest_hwpt, st, .iotlb = ST_IOTLB_DEFAULT);
	LIBIOMMUFD_OPTS(iommufd_vtd_s1, vtd, .addr_width = 48);
	LIBIOMMUFD_OPTS(iommufd_amd_dte, amd, .valid = true, .guest_levels = 4);

	switch (data_type) {
	case IOMMUFD_HWPT_DATA_SELFTEST:
		return iommufd_selftest_hwpt_build(d->ctx, &st, NULL, data, room, type, len);
	case IOMMUFD_HWPT_DATA_VTD_S1:
		return iommufd_vtd_s1_build(d->ctx, &vtd, NULL, data, room, type, len);
	case IOMMUFD_HWPT_DATA_AMD_GUEST:
		return iommufd_amd_dte_build(d->ctx, &amd, NULL, data, room, type, len);
	default:
		return -EOPNOTSUPP;	/* no nested data type: nothing to nest */
	}
}

/*
 * A nested HWPT of the type the probe named on @parent; an SMMUv3 one goes
 * on a vIOMMU of the parent (with an "abort" STE), as its driver wants.
 */
static int alloc_nested(struct dev_env *d, struct iommufd_hwpt *parent, uint32_t data_type,
			struct iommufd_hwpt **ret)
{
	uint8_t data[IOMMUFD_VENDOR_DATA_MAX];
	struct iommufd_viommu *v = NULL;
	uint32_t type = 0;
	size_t len = 0;
	int rc;

	if (data_type == IOMMUFD_HWPT_DATA_ARM_SMMUV3) {
		rc = iommufd_viommu_alloc(parent, d->dev, IOMMUFD_VIOMMU_ARM_SMMUV3, NULL, &v);
		if (!rc)
			rc = iommufd_viommu_alloc_abort_hwpt(v, d->dev, ret);
		iommufd_viommu_unref(v);
		return rc;
	}
	rc = build_nested(d, data_type, data, sizeof(data), &type, &len);
	if (!rc) {
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .data_type = type, .data = data,
				.data_len = len);
		rc = iommufd_hwpt_alloc(iommufd_hwpt_as_pt(parent), d->dev, &o, ret);
	}
	return rc;
}

/* A PASID attach as a caller would do it: the library on a cdev, the selftest op on a mock. */
static int use_pasid(struct dev_env *d, const struct iommufd_probe *p, const char **how)
{
	struct iommufd_hwpt *ph = NULL;
	uint32_t used = 0;
	int rc;

	if (!d->stdev) {
		*how = "iommufd_device_attach_pasid(1, IOAS)";
		rc = iommufd_device_attach_pasid(d->dev, 1, iommufd_ioas_as_pt(d->ioas));
		if (!rc)
			iommufd_device_detach_pasid(d->dev, 1);
		return rc;
	}
	if (!kv(6, 15)) {
		/* No PASID HWPT and no selftest PASID op on these kernels. */
		*how = "HWPT_ALLOC PASID";
		return alloc_flags(d, IOMMUFD_HWPT_PASID, &ph);
	}
	*how = "selftest PASID_ATTACH of a PASID HWPT (device on one too)";
	rc = alloc_flags(d, IOMMUFD_HWPT_PASID, &ph);
	if (!rc)
		rc = vmt_st_replace(d->fd, d->stdev, iommufd_hwpt_get_id(ph), &used);
	if (!rc) {
		rc = vmt_st_pasid_attach(d->fd, d->stdev, 1, iommufd_hwpt_get_id(ph), &used);
		if (!rc)
			rc = vmt_st_pasid_detach(d->fd, d->stdev, 1);
		vmt_st_replace(d->fd, d->stdev, iommufd_ioas_get_id(d->ioas), &used);
	}
	(void)p;
	iommufd_hwpt_unref(ph);
	return rc;
}

/*
 * A vIOMMU of @type used for what it is for: a nested HWPT on it with the
 * type's own data. Allocating the vIOMMU alone proves little: AMD's driver
 * (7.0 to 7.3) makes one of any type, then nests nothing on it.
 */
static int use_viommu(struct dev_env *d, struct iommufd_hwpt *parent, int parent_rc,
		      uint32_t type)
{
	LIBIOMMUFD_OPTS(iommufd_selftest_hwpt, st, .iotlb = ST_IOTLB_DEFAULT);
	struct iommufd_viommu *v = NULL;
	struct iommufd_hwpt *h = NULL;
	uint8_t data[IOMMUFD_VENDOR_DATA_MAX];
	uint32_t dtype = 0;
	size_t len = 0;
	int rc;

	if (parent_rc)
		return parent_rc;	/* what stands in the way: no stage 2 */
	rc = iommufd_viommu_alloc(parent, d->dev, type, NULL, &v);
	if (!rc && type != IOMMUFD_VIOMMU_SELFTEST)
		rc = iommufd_viommu_alloc_abort_hwpt(v, d->dev, &h);
	else if (!rc)
		rc = iommufd_selftest_hwpt_build(d->ctx, &st, NULL, data, sizeof(data), &dtype,
						 &len);
	if (!rc && type == IOMMUFD_VIOMMU_SELFTEST) {
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .data_type = dtype, .data = data,
				.data_len = len);
		rc = iommufd_viommu_alloc_hwpt(v, d->dev, &o, &h);
	}
	iommufd_hwpt_unref(h);
	iommufd_viommu_unref(v);
	return rc;
}

/* vDevice, vEVENTQ, HW queue on a selftest vIOMMU: -errno of the first step that fails. */
static int use_viommu_objects(struct dev_env *d, struct iommufd_hwpt *parent, int *vdev_rc,
			      int *veventq_rc, int *hwq_rc)
{
	struct iommufd_viommu *v = NULL;
	struct iommufd_vdevice *vd = NULL;
	struct iommufd_veventq *q = NULL;
	struct iommufd_hw_queue *hq = NULL;
	void *mem = vmt_pages(PAGE);
	int rc = iommufd_viommu_alloc(parent, d->dev, IOMMUFD_VIOMMU_SELFTEST, NULL, &v);

	if (rc)
		goto out;
	*vdev_rc = iommufd_vdevice_alloc(v, d->dev, 0x42, &vd);
	*veventq_rc = iommufd_veventq_alloc(v, IOMMUFD_VEVENTQ_SELFTEST, 4, &q);
	*hwq_rc = mem ? iommufd_ioas_map_fixed(d->ioas, mem, PAGE, BASE + 64 * PAGE,
					       IOMMUFD_MAP_READ) : -ENOMEM;
	if (!*hwq_rc)
		*hwq_rc = iommufd_hw_queue_alloc(v, IOMMUFD_HW_QUEUE_SELFTEST, 0, BASE + 64 * PAGE,
						 PAGE, &hq);
out:
	iommufd_hw_queue_unref(hq);
	iommufd_veventq_unref(q);
	iommufd_vdevice_unref(vd);
	iommufd_viommu_unref(v);
	if (mem)
		iommufd_ioas_unmap(d->ioas, BASE + 64 * PAGE, PAGE, 0, NULL);
	vmt_pages_free(mem, PAGE);
	return rc;
}

/*
 * The HWPT the device is on. A handle made from an ID does not know (the
 * library did not attach it): moving the mock device onto its own IOAS
 * again reports the HWPT the kernel uses for it, and changes nothing.
 */
static int device_hwpt(struct dev_env *d, uint32_t *ret)
{
	if (d->stdev)
		return vmt_st_replace(d->fd, d->stdev, iommufd_ioas_get_id(d->ioas), ret);
	return iommufd_device_get_hwpt_id(d->dev, ret);
}

static void device_rows(struct vmt_case *t, struct dev_env *d, const char *scope)
{
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	struct iommufd_hwpt *parent = NULL, *h = NULL, *nested = NULL, *plain = NULL;
	struct iommufd_probe p = { .sz = sizeof(p) };
	struct footprint before;
	uint32_t hwpt_before = 0, hwpt_after = 0;
	struct row rows[32];
	const char *how = NULL;
	int parent_rc, rc, vdev_rc = -ENOTTY, veventq_rc = -ENOTTY, hwq_rc = -ENOTTY;
	size_t n = 0;

	CHECK(footprint(d->ctx, &before), "cannot measure the footprint");
	CHECK_RC(device_hwpt(d, &hwpt_before), 0);
	CHECK_RC(iommufd_device_probe(d->dev, &p), 0);
	CHECK_NOTHING_LEFT(d->ctx, before, "iommufd_device_probe");
	CHECK_RC(device_hwpt(d, &hwpt_after), 0);
	CHECK(hwpt_after == hwpt_before, "the probe moved the device from HWPT %u to %u",
	      hwpt_before, hwpt_after);
	/* Its facts are the hw info's. */
	CHECK_RC(iommufd_device_get_hw_info(d->dev, NULL, 0, &info), 0);
	CHECK(p.hw_info_type == info.type && p.capabilities == info.capabilities &&
	      p.max_pasid_log2 == info.max_pasid_log2,
	      "probe facts type 0x%x caps 0x%llx pasid %u, hw info 0x%x 0x%llx %u", p.hw_info_type,
	      (unsigned long long)p.capabilities, p.max_pasid_log2, info.type,
	      (unsigned long long)info.capabilities, info.max_pasid_log2);
	printf("VERDICT %s %s %s facts hw_info_type=0x%x nested_data_type=0x%x capabilities=0x%llx "
	       "max_pasid_log2=%u\n", vmt_kernel_release(), vmt_machine(), scope, p.hw_info_type,
	       p.nested_data_type, (unsigned long long)p.capabilities, p.max_pasid_log2);

	/* Kernel commands, used with the device. */
	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(d->ioas), d->dev, NULL, &plain);
	add(rows, &n, scope, "hwpt_alloc", p.hwpt_alloc, USE_RESULT, rc,
				  "iommufd_hwpt_alloc (plain)");
	rc = iommufd_device_get_hw_info(d->dev, NULL, 0, &info);
	add(rows, &n, scope, "hw_info", p.hw_info, USE_RESULT, rc,
				  "iommufd_device_get_hw_info");
	add(rows, &n, scope, "paging_hwpt", p.paging_hwpt, USE_RESULT, paging_use(d->ctx, d->dev),
	    "plain HWPT on an empty IOAS, then a map");

	/* Stage 2, nesting, and what needs them. */
	parent_rc = alloc_flags(d, IOMMUFD_HWPT_NEST_PARENT, &parent);
	add(rows, &n, scope, "nest_parent", p.nest_parent, USE_RESULT, parent_rc,
				  "HWPT_ALLOC NEST_PARENT");
	rc = parent_rc ? parent_rc : alloc_nested(d, parent, p.nested_data_type, &nested);
	add(rows, &n, scope, "nesting", p.nesting, USE_RESULT, rc,
				  parent_rc ? "HWPT_ALLOC NEST_PARENT" : "nested HWPT on the parent");
	rc = alloc_flags(d, IOMMUFD_HWPT_DIRTY_TRACKING, &h);
	if (!rc)
		rc = iommufd_hwpt_set_dirty_tracking(h, true);
	h = iommufd_hwpt_unref(h);
	add(rows, &n, scope, "dirty_tracking", p.dirty_tracking, USE_RESULT, rc,
				  "HWPT_ALLOC DIRTY_TRACKING + enable");
	rc = alloc_flags(d, IOMMUFD_HWPT_PASID, &h);
	h = iommufd_hwpt_unref(h);
	add(rows, &n, scope, "pasid_hwpt", p.pasid_hwpt, USE_RESULT, rc,
				  "HWPT_ALLOC PASID");
	rc = use_pasid(d, &p, &how);
	add(rows, &n, scope, "pasid", p.pasid, USE_RESULT, rc, how);
	/* Capability bits only: consistent with the hw info. */
	CHECK((p.pasid_exec.support == IOMMUFD_FEATURE_SUPPORTED) ==
	      !!(info.capabilities & IOMMUFD_HW_CAP_PASID_EXEC) &&
	      (p.pasid_priv.support == IOMMUFD_FEATURE_SUPPORTED) ==
	      !!(info.capabilities & IOMMUFD_HW_CAP_PASID_PRIV),
	      "PASID exec/priv verdicts vs capabilities 0x%llx",
	      (unsigned long long)info.capabilities);
	CHECK(p.ats.support == (kv(6, 17) ? (info.capabilities & IOMMUFD_HW_CAP_NO_ATS ?
					     IOMMUFD_FEATURE_NO_IOMMU : IOMMUFD_FEATURE_SUPPORTED)
					  : IOMMUFD_FEATURE_UNTESTED),
	      "%s with capabilities 0x%llx on %s", vmt_verdict("ats", p.ats),
	      (unsigned long long)info.capabilities, vmt_kernel_release());
	add(rows, &n, scope, "pasid_exec", p.pasid_exec, USE_NONE, 0, "hw info");
	add(rows, &n, scope, "pasid_priv", p.pasid_priv, USE_NONE, 0, "hw info");
	add(rows, &n, scope, "ats", p.ats, USE_NONE, 0, "hw info");

	/*
	 * vIOMMU types: each needs stage 2 first. Without the command (6.12)
	 * the verdict is the command's: ask the kernel for it directly.
	 */
	if (p.viommu_cmds.support != IOMMUFD_FEATURE_SUPPORTED) {
		rc = bare_viommu(d->ctx);
		add(rows, &n, scope, "viommu_selftest", p.viommu_selftest, USE_KNOWN, rc,
		    "bare VIOMMU_ALLOC");
		add(rows, &n, scope, "viommu_arm_smmuv3", p.viommu_arm_smmuv3, USE_KNOWN, rc,
		    "bare VIOMMU_ALLOC");
		add(rows, &n, scope, "viommu_tegra241_cmdqv", p.viommu_tegra241_cmdqv, USE_KNOWN,
		    rc, "bare VIOMMU_ALLOC");
		goto viommu_done;
	}
	add(rows, &n, scope, "viommu_selftest", p.viommu_selftest, USE_RESULT,
				  use_viommu(d, parent, parent_rc, IOMMUFD_VIOMMU_SELFTEST),
				  parent_rc ? "NEST_PARENT first" : "iommufd_viommu_alloc");
	add(rows, &n, scope, "viommu_arm_smmuv3", p.viommu_arm_smmuv3, USE_RESULT,
				  use_viommu(d, parent, parent_rc, IOMMUFD_VIOMMU_ARM_SMMUV3),
				  parent_rc ? "NEST_PARENT first" : "iommufd_viommu_alloc");
	add(rows, &n, scope, "viommu_tegra241_cmdqv", p.viommu_tegra241_cmdqv,
				  USE_RESULT,
				  use_viommu(d, parent, parent_rc, IOMMUFD_VIOMMU_TEGRA241_CMDQV),
				  parent_rc ? "NEST_PARENT first" : "iommufd_viommu_alloc");

viommu_done:
	/* The remaining commands: used for real where a selftest vIOMMU exists. */
	if (p.viommu_selftest.support == IOMMUFD_FEATURE_SUPPORTED) {
		rc = use_viommu_objects(d, parent, &vdev_rc, &veventq_rc, &hwq_rc);
		add(rows, &n, scope, "viommu_cmds", p.viommu_cmds, USE_RESULT, rc,
					  "iommufd_viommu_alloc (selftest)");
		add(rows, &n, scope, "vdevice", p.vdevice, USE_RESULT, vdev_rc,
					  "iommufd_vdevice_alloc");
		add(rows, &n, scope, "veventq", p.veventq, USE_RESULT, veventq_rc,
					  "iommufd_veventq_alloc (selftest)");
		add(rows, &n, scope, "hw_queue", p.hw_queue, USE_RESULT, hwq_rc,
					  "iommufd_hw_queue_alloc (selftest)");
	} else {
		add(rows, &n, scope, "viommu_cmds", p.viommu_cmds, USE_KNOWN,
					  bare_viommu(d->ctx), "bare VIOMMU_ALLOC");
		add(rows, &n, scope, "vdevice", p.vdevice, USE_KNOWN,
					  bare_vdevice(d->ctx), "bare VDEVICE_ALLOC");
		add(rows, &n, scope, "veventq", p.veventq, USE_KNOWN,
					  bare_veventq(d->ctx), "bare VEVENTQ_ALLOC");
		add(rows, &n, scope, "hw_queue", p.hw_queue, USE_KNOWN,
					  bare_hw_queue(d->ctx), "bare HW_QUEUE_ALLOC");
	}
	/* Invalidation: for real on a nested HWPT, else is the command known? */
	if (nested) {
		rc = iommufd_hwpt_invalidate(nested, IOMMUFD_INVALIDATE_SELFTEST, NULL, 0, 0, NULL);
		add(rows, &n, scope, "invalidate", p.invalidate, USE_RESULT, rc,
					  "entry_num 0 on a nested HWPT");
	} else {
		add(rows, &n, scope, "invalidate", p.invalidate, USE_KNOWN,
					  bare_invalidate(d->ctx), "bare HWPT_INVALIDATE");
	}
	if (p.dirty_tracking.support != IOMMUFD_FEATURE_SUPPORTED)
		add(rows, &n, scope, "dirty_tracking_cmds", p.dirty_tracking_cmds,
					  USE_KNOWN, bare_dirty(d->ctx),
					  "bare HWPT_SET_DIRTY_TRACKING");
	else
		add(rows, &n, scope, "dirty_tracking_cmds", p.dirty_tracking_cmds,
					  USE_RESULT, 0, "as dirty_tracking");
	check_rows(t, rows, n);
out:
	iommufd_hwpt_unref(nested);
	iommufd_hwpt_unref(parent);
	iommufd_hwpt_unref(plain);
}

static void test_device_probe(struct vmt_case *t)
{
	struct dev_env d;

	if (!dev_setup(t, &d, 0))
		goto out;
	device_rows(t, &d, vmt_machine_is("mock") ? "mock-device" : "edu");
out:
	dev_teardown(&d);
}

/* 7.x: a mock device with PASIDs, where the PASID verdicts are "supported". */
static void test_pasid_device_probe(struct vmt_case *t)
{
	struct iommufd_probe p;
	struct dev_env d = { 0 };

	if (!vmt_machine_is("mock")) {
		SKIP("only the mock machine has a device with PASIDs (7.x selftest)");
	}
	if (!vmt_need_iommufd(t))
		goto out;
	if (!kv(6, 15)) {
		/* What the probe says of a plain mock device is the reason. */
		if (!dev_setup(t, &d, 0))
			goto out;
		memset(&p, 0, sizeof(p));
		p.sz = sizeof(p);
		CHECK_RC(iommufd_device_probe(d.dev, &p), 0);
		CHECK(p.pasid_hwpt.support == IOMMUFD_FEATURE_NO_KERNEL, "%s",
		      vmt_verdict("pasid_hwpt", p.pasid_hwpt));
		vmt_skip_probe(t, "pasid_hwpt", p.pasid_hwpt, "kernel %s: no PASID attach (6.15), "
			       "no PASID mock device", vmt_kernel_release());
		goto out;
	}
	if (!dev_setup(t, &d, ST_MOCK_DEV_PASID))
		goto out;
	device_rows(t, &d, "mock-pasid-device");
out:
	dev_teardown(&d);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 4);
	vmt_run("probe-ctx", test_ctx_probe);
	vmt_run("probe-ctx-use", test_ctx_use);
	vmt_run("probe-device", test_device_probe);
	vmt_run("probe-pasid-device", test_pasid_device_probe);
	return vmt_end();
}
