// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scenario 8: nested translation on the kernel's selftest mock IOMMU.
 *
 * No emulated IOMMU of QEMU can nest, so nesting is proven on the mock
 * driver (CONFIG_IOMMUFD_TEST): a mock device is made with the selftest
 * MOCK_DOMAIN op and wrapped with iommufd_device_new_from_id(); everything
 * else goes through the library (nest-parent and nested HWPTs, vendor data
 * from the selftest builders, invalidation, vIOMMU, vDevice). The library
 * cannot attach a device it has no cdev for, so the mock device is moved
 * between page tables with the selftest MOCK_DOMAIN_REPLACE op, and the
 * kernel's state is read back with the selftest check ops:
 *
 * - a nested mock HWPT has four IOTLB entries, each starting as the value
 *   given in its vendor data; invalidating an entry sets it to 0
 *   (MD_CHECK_IOTLB reads them);
 * - 7.x: each mock device has four "device cache" entries starting as
 *   0xbaddad; a vIOMMU invalidation naming the device by its vDevice's
 *   virtual ID sets them to 0 (DEV_CHECK_CACHE reads them);
 * - 7.x: PASID_CHECK_HWPT with PASID 0 tells which HWPT a device is on.
 *
 * vIOMMU and vDevice objects came with kernel 6.13: on 6.12 those tests
 * check that the library reports the kernel's ENOTTY, then skip.
 */
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

#define NENT ST_NESTED_IOTLB_ENTRIES
#define VIRT_ID 0x99u		/* the guest's ID of the mock device */

/* Kernels with vIOMMU objects (IOMMU_VIOMMU_ALLOC, 6.13). */
static bool kernel_has_viommu(void)
{
	return vmt_kernel_version() >= VMT_KV(6, 13, 0);
}

/* ---- environment: a context, an IOAS, a mock device, a nest parent ---- */

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;	/* the mock device, by ID */
	struct iommufd_hwpt *parent;	/* NEST_PARENT on the IOAS */
	uint32_t stdev;			/* its selftest object (the test owns it) */
	uint32_t idev;
	int fd;
};

static bool env_setup(struct vmt_case *t, struct env *e)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, np, .flags = IOMMUFD_HWPT_NEST_PARENT);
	int rc;

	memset(e, 0, sizeof(*e));
	if (!vmt_need_iommufd(t))
		return false;
	rc = vmt_ctx_new(&e->ctx);
	if (!REQUIRE(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc)))
		return false;
	e->fd = iommufd_ctx_get_fd(e->ctx);
	rc = iommufd_ioas_alloc(e->ctx, &e->ioas);
	if (!REQUIRE(rc == 0, "iommufd_ioas_alloc: %s", vmt_errname(rc)))
		return false;
	if (!vmt_mock_device(t, e->ctx, iommufd_ioas_get_id(e->ioas), 0, &e->stdev, &e->dev))
		return false;
	e->idev = iommufd_device_get_id(e->dev);
	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(e->ioas), e->dev, &np, &e->parent);
	if (!REQUIRE(rc == 0, "NEST_PARENT HWPT on the mock: %s (%s)", vmt_errname(rc),
		     vmt_log_last()))
		return false;
	return REQUIRE(iommufd_hwpt_get_flags(e->parent) == IOMMUFD_HWPT_NEST_PARENT,
		       "nest parent flags 0x%x", iommufd_hwpt_get_flags(e->parent));
}

/* The mock device goes first: HWPTs and the IOAS it sits on stay busy. */
static void env_device_gone(struct env *e)
{
	if (e->stdev)
		vmt_destroy(e->fd, e->stdev);
	e->stdev = 0;
}

static void env_teardown(struct env *e)
{
	env_device_gone(e);
	e->parent = iommufd_hwpt_unref(e->parent);
	e->dev = iommufd_device_unref(e->dev);
	e->ioas = iommufd_ioas_unref(e->ioas);
	e->ctx = iommufd_ctx_unref(e->ctx);
}

/* Selftest nested data from the library's builder, allocated on @on. */
static int nested_alloc(struct env *e, struct iommufd_pt *on, uint32_t iotlb,
			struct iommufd_hwpt **ret)
{
	LIBIOMMUFD_OPTS(iommufd_selftest_hwpt, hwpt, .iotlb = iotlb);
	uint8_t data[IOMMUFD_VENDOR_DATA_MAX];
	uint32_t type;
	size_t len;
	int rc = iommufd_selftest_hwpt_build(e->ctx, &hwpt, NULL, data, sizeof(data), &type,
					     &len);

	if (rc)
		return rc;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .data_type = type, .data = data, .data_len = len);
	return iommufd_hwpt_alloc(on, e->dev, &o, ret);
}

static int viommu_nested_alloc(struct env *e, struct iommufd_viommu *viommu, uint32_t iotlb,
			       struct iommufd_hwpt **ret)
{
	LIBIOMMUFD_OPTS(iommufd_selftest_hwpt, hwpt, .iotlb = iotlb);
	uint8_t data[IOMMUFD_VENDOR_DATA_MAX];
	uint32_t type;
	size_t len;
	int rc = iommufd_selftest_hwpt_build(e->ctx, &hwpt, NULL, data, sizeof(data), &type,
					     &len);

	if (rc)
		return rc;
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .data_type = type, .data = data, .data_len = len);
	return iommufd_viommu_alloc_hwpt(viommu, e->dev, &o, ret);
}

/*
 * The mock IOTLB of nested HWPT @hwpt against @want: -1 when every entry
 * matches, else the first entry that does not (MD_CHECK_IOTLB answers
 * EINVAL for a different value).
 */
static int iotlb_mismatch(int fd, uint32_t hwpt, const uint32_t want[NENT])
{
	for (int i = 0; i < NENT; i++)
		if (vmt_st_check_iotlb(fd, hwpt, (uint32_t)i, want[i]) != 0)
			return i;
	return -1;
}

static int cache_mismatch(int fd, uint32_t idev, const uint32_t want[ST_DEV_CACHE_ENTRIES])
{
	for (int i = 0; i < ST_DEV_CACHE_ENTRIES; i++)
		if (vmt_st_check_dev_cache(fd, idev, (uint32_t)i, want[i]) != 0)
			return i;
	return -1;
}

#define CHECK_IOTLB(fd, hwpt, a, b, c, d)						\
	do {										\
		const uint32_t w_[NENT] = { a, b, c, d };				\
		int m_ = iotlb_mismatch(fd, hwpt, w_);					\
		CHECK(m_ < 0, "HWPT %u IOTLB entry %d is not 0x%x (want %#x %#x %#x %#x)", \
		      hwpt, m_, m_ < 0 ? 0 : w_[m_], a, b, c, d);			\
	} while (0)

#define CHECK_CACHE(fd, idev, a, b, c, d)						\
	do {										\
		const uint32_t w_[ST_DEV_CACHE_ENTRIES] = { a, b, c, d };		\
		int m_ = cache_mismatch(fd, idev, w_);					\
		CHECK(m_ < 0, "device %u cache entry %d is not 0x%x (want %#x %#x %#x %#x)", \
		      idev, m_, m_ < 0 ? 0 : w_[m_], a, b, c, d);			\
	} while (0)

/* 7.x: which HWPT the mock device is on (PASID 0 = the device itself). */
static bool can_check_attach(void)
{
	return vmt_kernel_version() >= VMT_KV(7, 0, 0);
}

/* ---- tests ----------------------------------------------------------------- */

static void test_nested_iotlb(struct vmt_case *t)
{
	const uint32_t v = 0x1234abcd;
	LIBIOMMUFD_OPTS(iommufd_selftest_hwpt, hwpt, .iotlb = v);
	struct iommufd_hwpt *nested = NULL;
	uint8_t data[IOMMUFD_VENDOR_DATA_MAX];
	uint32_t type = 0, le;
	size_t len = 0;
	struct env e;

	if (!env_setup(t, &e))
		goto out;
	/* The builder's bytes: the kernel's layout, the value little-endian. */
	CHECK_RC(iommufd_selftest_hwpt_build(e.ctx, &hwpt, NULL, data, sizeof(data), &type, &len),
		 0);
	CHECK(type == IOMMUFD_HWPT_DATA_SELFTEST && len == IOMMUFD_HWPT_DATA_SELFTEST_LEN,
	      "builder gave type 0x%x, %zu bytes", type, len);
	le = (uint32_t)data[0] | (uint32_t)data[1] << 8 | (uint32_t)data[2] << 16 |
	     (uint32_t)data[3] << 24;
	CHECK(le == v, "builder bytes hold 0x%x, not 0x%x", le, v);

	CHECK_RC(nested_alloc(&e, iommufd_hwpt_as_pt(e.parent), v, &nested), 0);
	CHECK(iommufd_hwpt_get_id(nested) != 0 && iommufd_hwpt_get_flags(nested) == 0,
	      "nested HWPT id %u flags 0x%x", iommufd_hwpt_get_id(nested),
	      iommufd_hwpt_get_flags(nested));
	/* The value reached the mock driver: every IOTLB entry holds it... */
	CHECK_IOTLB(e.fd, iommufd_hwpt_get_id(nested), v, v, v, v);
	/* ...and the check op tells values apart (it is not always "ok"). */
	CHECK_RC(vmt_st_check_iotlb(e.fd, iommufd_hwpt_get_id(nested), 0, v + 1), -EINVAL);
	CHECK_RC(vmt_st_check_iotlb(e.fd, iommufd_hwpt_get_id(nested), NENT, v), -EINVAL);
	/* The parent is a paging HWPT, not a nested one: no IOTLB to check. */
	CHECK(vmt_st_check_iotlb(e.fd, iommufd_hwpt_get_id(e.parent), 0, v) != 0,
	      "MD_CHECK_IOTLB accepted the nest parent");
	vmt_note("nest parent %u -> nested %u, mock IOTLB 0x%x in all %d entries",
		 iommufd_hwpt_get_id(e.parent), iommufd_hwpt_get_id(nested), v, NENT);
out:
	iommufd_hwpt_unref(nested);
	env_teardown(&e);
}

/* One selftest HWPT invalidation entry from the library's builder. */
static int inv_entry(struct env *e, uint32_t flags, uint32_t id, void *buf)
{
	uint32_t type = 0;
	size_t len = 0;
	LIBIOMMUFD_OPTS(iommufd_selftest_inv, inv, .flags = flags, .iotlb_id = id);
	int rc = iommufd_selftest_inv_build(e->ctx, &inv, NULL, buf,
					    IOMMUFD_INVALIDATE_SELFTEST_LEN, &type, &len);

	if (!rc && (type != IOMMUFD_INVALIDATE_SELFTEST || len != IOMMUFD_INVALIDATE_SELFTEST_LEN))
		return -EPROTO;
	return rc;
}

static void test_invalidate(struct vmt_case *t)
{
	const uint32_t a = 0x0a0a0a0a, b = 0x0b0b0b0b;
	struct iommufd_hwpt *na = NULL, *nb = NULL;
	struct st_hwpt_inv ent[2];
	uint32_t done = 99, ida, idb;
	struct env e;

	if (!env_setup(t, &e))
		goto out;
	CHECK_RC(nested_alloc(&e, iommufd_hwpt_as_pt(e.parent), a, &na), 0);
	CHECK_RC(nested_alloc(&e, iommufd_hwpt_as_pt(e.parent), b, &nb), 0);
	ida = iommufd_hwpt_get_id(na);
	idb = iommufd_hwpt_get_id(nb);

	/* One entry: IOTLB entry 1 of A. */
	CHECK_RC(inv_entry(&e, 0, 1, &ent[0]), 0);
	CHECK_RC(iommufd_hwpt_invalidate(na, IOMMUFD_INVALIDATE_SELFTEST, ent, sizeof(ent[0]), 1,
					 &done), 0);
	CHECK(done == 1, "one entry: handled %u", done);
	CHECK_IOTLB(e.fd, ida, a, 0, a, a);
	/* Two entries in one call: 2 and 3. */
	CHECK_RC(inv_entry(&e, 0, 2, &ent[0]), 0);
	CHECK_RC(inv_entry(&e, 0, 3, &ent[1]), 0);
	done = 99;
	CHECK_RC(iommufd_hwpt_invalidate(na, IOMMUFD_INVALIDATE_SELFTEST, ent, sizeof(ent[0]), 2,
					 &done), 0);
	CHECK(done == 2, "two entries: handled %u", done);
	CHECK_IOTLB(e.fd, ida, a, 0, 0, 0);
	/* B, on the same parent, was not touched. */
	CHECK_IOTLB(e.fd, idb, b, b, b, b);
	/* Flush-all on B: every entry, whatever the ID says. */
	CHECK_RC(inv_entry(&e, IOMMUFD_SELFTEST_INV_ALL, 2, &ent[0]), 0);
	done = 99;
	CHECK_RC(iommufd_hwpt_invalidate(nb, IOMMUFD_INVALIDATE_SELFTEST, ent, sizeof(ent[0]), 1,
					 &done), 0);
	CHECK(done == 1, "flush-all: handled %u", done);
	CHECK_IOTLB(e.fd, idb, 0, 0, 0, 0);
	CHECK_IOTLB(e.fd, ida, a, 0, 0, 0);
	/* And on A: entry 0 goes too. */
	CHECK_RC(iommufd_hwpt_invalidate(na, IOMMUFD_INVALIDATE_SELFTEST, ent, sizeof(ent[0]), 1,
					 NULL), 0);
	CHECK_IOTLB(e.fd, ida, 0, 0, 0, 0);
	vmt_note("HWPT %u: entry 1, entries 2+3, then flush-all cleared the mock IOTLB; "
		 "HWPT %u flushed on its own", ida, idb);
out:
	iommufd_hwpt_unref(na);
	iommufd_hwpt_unref(nb);
	env_teardown(&e);
}

static void test_invalidate_partial(struct vmt_case *t)
{
	const uint32_t v = 0x5eed5eed;
	struct iommufd_hwpt *n = NULL;
	LIBIOMMUFD_OPTS(iommufd_selftest_inv, bad, .iotlb_id = NENT);
	struct st_hwpt_inv ent[3], spare;
	uint32_t done = 99, id;
	struct env e;

	if (!env_setup(t, &e))
		goto out;
	CHECK_RC(nested_alloc(&e, iommufd_hwpt_as_pt(e.parent), v, &n), 0);
	id = iommufd_hwpt_get_id(n);
	/* The builder refuses an IOTLB ID the mock does not have... */
	CHECK_RC(iommufd_selftest_inv_build(e.ctx, &bad, NULL, &spare, sizeof(spare), NULL, NULL),
		 -EINVAL);
	/* ...so the bad entry in the middle is written by hand. */
	CHECK_RC(inv_entry(&e, 0, 0, &ent[0]), 0);
	ent[1] = (struct st_hwpt_inv){ .flags = 0, .iotlb_id = NENT };
	CHECK_RC(inv_entry(&e, 0, 2, &ent[2]), 0);
	CHECK_RC(iommufd_hwpt_invalidate(n, IOMMUFD_INVALIDATE_SELFTEST, ent, sizeof(ent[0]), 3,
					 &done), -EINVAL);
	CHECK(done == 1, "bad ID in the middle: handled %u, expected 1 (the one before it)", done);
	/* Entry 0 was cleared; the kernel stopped before entry 2. */
	CHECK_IOTLB(e.fd, id, 0, v, v, v);

	/* Unknown flags in the middle: EOPNOTSUPP, again after one entry. */
	CHECK_RC(inv_entry(&e, 0, 1, &ent[0]), 0);
	ent[1] = (struct st_hwpt_inv){ .flags = 0x80000000u, .iotlb_id = 0 };
	CHECK_RC(inv_entry(&e, 0, 3, &ent[2]), 0);
	done = 99;
	CHECK_RC(iommufd_hwpt_invalidate(n, IOMMUFD_INVALIDATE_SELFTEST, ent, sizeof(ent[0]), 3,
					 &done), -EOPNOTSUPP);
	CHECK(done == 1, "bad flags in the middle: handled %u, expected 1", done);
	CHECK_IOTLB(e.fd, id, 0, 0, v, v);

	/* A bad first entry: nothing handled. */
	done = 99;
	CHECK_RC(iommufd_hwpt_invalidate(n, IOMMUFD_INVALIDATE_SELFTEST, &ent[1], sizeof(ent[0]), 1,
					 &done), -EOPNOTSUPP);
	CHECK(done == 0, "bad first entry: handled %u", done);
	CHECK_IOTLB(e.fd, id, 0, 0, v, v);
	CHECK(vmt_log_has("after 1 of 3"), "the log does not say how far the kernel got: '%s'",
	      vmt_log_last());
out:
	iommufd_hwpt_unref(n);
	env_teardown(&e);
}

static void test_invalidate_probe(struct vmt_case *t)
{
	const uint32_t v = 0x0c0ffee0;
	struct iommufd_hwpt *n = NULL, *plain = NULL;
	struct st_hwpt_inv ent = { 0 };
	uint32_t done = 99;
	int paging_rc;
	struct env e;

	if (!env_setup(t, &e))
		goto out;
	CHECK_RC(nested_alloc(&e, iommufd_hwpt_as_pt(e.parent), v, &n), 0);
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), e.dev, NULL, &plain), 0);

	/* entry_num 0 on a nested HWPT with its own data type: supported. */
	CHECK_RC(iommufd_hwpt_invalidate(n, IOMMUFD_INVALIDATE_SELFTEST, NULL, 0, 0, &done), 0);
	CHECK(done == 0, "probe handled %u entries", done);
	CHECK_RC(iommufd_hwpt_invalidate(n, IOMMUFD_INVALIDATE_SELFTEST, &ent, sizeof(ent), 0,
					 NULL), 0);
	/* The mock checks the data type even for the probe (the kernel's EINVAL). */
	CHECK_RC(iommufd_hwpt_invalidate(n, IOMMUFD_INVALIDATE_VTD_S1, NULL, 0, 0, NULL), -EINVAL);
	/* Nothing was invalidated by the probes. */
	CHECK_IOTLB(e.fd, iommufd_hwpt_get_id(n), v, v, v, v);

	/*
	 * A paging HWPT (the nest parent, or a plain one) has no cache for the
	 * guest to invalidate. Up to 6.12 the kernel looks the ID up as a
	 * nested HWPT and finds none (ENOENT); from 6.13, where the ID may
	 * also be a vIOMMU, it finds an object of the wrong kind (EINVAL).
	 * Neither kernel answers EOPNOTSUPP here.
	 */
	paging_rc = kernel_has_viommu() ? -EINVAL : -ENOENT;
	done = 99;
	CHECK_RC(iommufd_hwpt_invalidate(e.parent, IOMMUFD_INVALIDATE_SELFTEST, NULL, 0, 0, &done),
		 paging_rc);
	CHECK(done == 0, "probe on the parent: handled %u", done);
	CHECK_RC(iommufd_hwpt_invalidate(plain, IOMMUFD_INVALIDATE_SELFTEST, NULL, 0, 0, NULL),
		 paging_rc);
	vmt_note("entry_num 0: nested 0, nested with a foreign type EINVAL, paging %s",
		 vmt_errname(paging_rc));
out:
	iommufd_hwpt_unref(n);
	iommufd_hwpt_unref(plain);
	env_teardown(&e);
}

static void test_replace_nested(struct vmt_case *t)
{
	const uint32_t a = 0xaaaa0001, b = 0xbbbb0002;
	struct iommufd_hwpt *na = NULL, *nb = NULL;
	uint32_t id = 0, ida, idb, idp;
	bool look = can_check_attach();
	struct env e;

	if (!env_setup(t, &e))
		goto out;
	CHECK_RC(nested_alloc(&e, iommufd_hwpt_as_pt(e.parent), a, &na), 0);
	CHECK_RC(nested_alloc(&e, iommufd_hwpt_as_pt(e.parent), b, &nb), 0);
	ida = iommufd_hwpt_get_id(na);
	idb = iommufd_hwpt_get_id(nb);
	idp = iommufd_hwpt_get_id(e.parent);

	/* The guest's IOMMU is off: stage 2 only. */
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, idp, &id), 0);
	CHECK(id == idp, "on the parent: the kernel reports HWPT %u, not %u", id, idp);
	if (look)
		CHECK_RC(vmt_st_pasid_check(e.fd, e.stdev, 0, idp), 0);
	/* The guest turns translation on: parent -> nested A. */
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, ida, &id), 0);
	CHECK(id == ida, "on A: the kernel reports HWPT %u, not %u", id, ida);
	if (look) {
		CHECK_RC(vmt_st_pasid_check(e.fd, e.stdev, 0, ida), 0);
		CHECK_RC(vmt_st_pasid_check(e.fd, e.stdev, 0, idp), -EINVAL);
	}
	/* A is in use: the kernel refuses to destroy it (and keeps it). */
	CHECK_RC(vmt_destroy(e.fd, ida), -EBUSY);
	/* The parent is held by both nested HWPTs. */
	CHECK_RC(vmt_destroy(e.fd, idp), -EBUSY);
	/* The guest switches stage-1 tables: A -> B with nothing in between. */
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, idb, &id), 0);
	CHECK(id == idb, "on B: the kernel reports HWPT %u, not %u", id, idb);
	CHECK_RC(vmt_destroy(e.fd, idb), -EBUSY);
	if (look) {
		CHECK_RC(vmt_st_pasid_check(e.fd, e.stdev, 0, idb), 0);
		CHECK_RC(vmt_st_pasid_check(e.fd, e.stdev, 0, ida), -EINVAL);
	}
	/* And back: B -> A -> parent (the guest turns translation off). */
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, ida, &id), 0);
	CHECK(id == ida, "back on A: HWPT %u", id);
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, idp, &id), 0);
	CHECK(id == idp, "back on the parent: HWPT %u", id);
	if (look)
		CHECK_RC(vmt_st_pasid_check(e.fd, e.stdev, 0, idp), 0);
	/* Attaching does not flush: both IOTLBs are as allocated. */
	CHECK_IOTLB(e.fd, ida, a, a, a, a);
	CHECK_IOTLB(e.fd, idb, b, b, b, b);
	/* Off the device, the nested HWPTs can go while the parent stays in use. */
	na = iommufd_hwpt_unref(na);
	nb = iommufd_hwpt_unref(nb);
	CHECK_RC(vmt_destroy(e.fd, ida), -ENOENT);
	CHECK_RC(vmt_destroy(e.fd, idb), -ENOENT);
	CHECK_RC(vmt_destroy(e.fd, idp), -EBUSY);
	CHECK(!vmt_log_has("DESTROY"), "the library failed a DESTROY: '%s'", vmt_log_last());
	vmt_note("parent %u -> A %u -> B %u -> A -> parent%s", idp, ida, idb,
		 look ? " (each checked with PASID_CHECK_HWPT)" : "");
out:
	iommufd_hwpt_unref(na);
	iommufd_hwpt_unref(nb);
	env_teardown(&e);
}

/* Every ID in @ids must be gone: a raw DESTROY answers ENOENT. */
static int first_alive(int fd, const uint32_t *ids, int n, int *ret_rc)
{
	for (int i = 0; i < n; i++) {
		int rc = vmt_destroy(fd, ids[i]);

		if (rc != -ENOENT) {
			*ret_rc = rc;
			return i;
		}
	}
	return -1;
}

/* "1 2 3" for the notes. */
static const char *id_list(const uint32_t *ids, int n)
{
	static char buf[128];
	size_t len = 0;

	buf[0] = '\0';
	for (int i = 0; i < n && len < sizeof(buf) - 12; i++)
		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%u", i ? " " : "", ids[i]);
	return buf;
}

#define CHECK_ALL_GONE(fd, ids, n, order)						\
	do {										\
		int rc_ = 0, i_ = first_alive(fd, ids, n, &rc_);			\
		CHECK(i_ < 0, "order %s: object %u still answers DESTROY with %s",	\
		      order, i_ < 0 ? 0 : (ids)[i_], vmt_errname(rc_));			\
	} while (0)

static void test_destroy_orders(struct vmt_case *t)
{
	static const char *const orders[] = {
		"parent-first (device on the nested HWPT)",
		"nested-first",
		"ioas-first",
	};
	struct iommufd_hwpt *na = NULL, *nb = NULL;
	struct env e = { 0 };

	for (int o = 0; o < 3; o++) {
		uint32_t ids[7], id = 0;
		int n = 0;

		if (!env_setup(t, &e))
			goto out;
		CHECK_RC(nested_alloc(&e, iommufd_hwpt_as_pt(e.parent), 0x11110000u + o, &na), 0);
		CHECK_RC(nested_alloc(&e, iommufd_hwpt_as_pt(e.parent), 0x22220000u + o, &nb), 0);
		ids[n++] = iommufd_ioas_get_id(e.ioas);
		ids[n++] = iommufd_hwpt_get_id(e.parent);
		ids[n++] = iommufd_hwpt_get_id(na);
		ids[n++] = iommufd_hwpt_get_id(nb);
		ids[n++] = e.stdev;
		ids[n++] = e.idev;
		vmt_log_reset();
		switch (o) {
		case 0:
			CHECK_RC(vmt_st_replace(e.fd, e.stdev, ids[2], &id), 0);
			/* Our parent handle goes first: A and B keep it. */
			e.parent = iommufd_hwpt_unref(e.parent);
			CHECK_RC(vmt_destroy(e.fd, ids[1]), -EBUSY);
			CHECK_IOTLB(e.fd, ids[2], 0x11110000u, 0x11110000u, 0x11110000u, 0x11110000u);
			nb = iommufd_hwpt_unref(nb);
			CHECK_RC(vmt_destroy(e.fd, ids[3]), -ENOENT);
			/* The device leaves A when it goes; then A, then the parent. */
			env_device_gone(&e);
			na = iommufd_hwpt_unref(na);
			e.ioas = iommufd_ioas_unref(e.ioas);
			e.dev = iommufd_device_unref(e.dev);
			break;
		case 1:
			na = iommufd_hwpt_unref(na);
			nb = iommufd_hwpt_unref(nb);
			CHECK_RC(vmt_destroy(e.fd, ids[2]), -ENOENT);
			e.parent = iommufd_hwpt_unref(e.parent);
			CHECK_RC(vmt_destroy(e.fd, ids[1]), -ENOENT);
			e.dev = iommufd_device_unref(e.dev);
			env_device_gone(&e);
			e.ioas = iommufd_ioas_unref(e.ioas);
			break;
		case 2:
			/* The IOAS handle first: the parent keeps the IOAS. */
			e.ioas = iommufd_ioas_unref(e.ioas);
			CHECK_RC(vmt_destroy(e.fd, ids[0]), -EBUSY);
			e.dev = iommufd_device_unref(e.dev);
			env_device_gone(&e);
			e.parent = iommufd_hwpt_unref(e.parent);
			CHECK_RC(vmt_destroy(e.fd, ids[0]), -EBUSY);
			na = iommufd_hwpt_unref(na);
			nb = iommufd_hwpt_unref(nb);
			break;
		}
		CHECK(!vmt_log_has("DESTROY"), "order %s: the library failed a DESTROY: '%s'",
		      orders[o], vmt_log_last());
		CHECK_ALL_GONE(e.fd, ids, n, orders[o]);
		vmt_note("order %s: IDs %s all gone (ENOENT)", orders[o], id_list(ids, n));
		env_teardown(&e);
	}
out:
	iommufd_hwpt_unref(na);
	iommufd_hwpt_unref(nb);
	env_teardown(&e);
}

/* ---- 7.x: vIOMMU and vDevice ------------------------------------------------ */

/*
 * A selftest vIOMMU on the parent. On kernels before 6.13 the library must
 * pass the kernel's ENOTTY on and the test is skipped.
 */
static bool viommu_setup(struct vmt_case *t, struct env *e, struct iommufd_viommu **ret)
{
	int rc = iommufd_viommu_alloc(e->parent, e->dev, IOMMUFD_VIOMMU_SELFTEST, NULL, ret);

	if (!kernel_has_viommu()) {
		if (!REQUIRE(rc == -ENOTTY && *ret == NULL,
			     "kernel %s: iommufd_viommu_alloc = %s, expected ENOTTY",
			     vmt_kernel_release(), vmt_errname(rc)))
			return false;
		REQUIRE(vmt_log_has("6.13"), "the log does not say vIOMMUs came with 6.13: '%s'",
			vmt_log_last());
		vmt_skip_(t, "kernel %s has no vIOMMU/vDevice objects (IOMMU_VIOMMU_ALLOC: "
			  "ENOTTY, as the library reports); they came with 6.13",
			  vmt_kernel_release());
		return false;
	}
	if (!REQUIRE(rc == 0, "selftest vIOMMU: %s (%s)", vmt_errname(rc), vmt_log_last()))
		return false;
	return REQUIRE(iommufd_viommu_get_id(*ret) != 0 &&
		       iommufd_viommu_get_type(*ret) == IOMMUFD_VIOMMU_SELFTEST,
		       "vIOMMU id %u type 0x%x", iommufd_viommu_get_id(*ret),
		       iommufd_viommu_get_type(*ret));
}

static void test_viommu(struct vmt_case *t)
{
	const uint32_t v = 0x7a7a0001;
	struct iommufd_viommu *viommu = NULL;
	struct iommufd_vdevice *vdev = NULL, *again = NULL;
	struct iommufd_hwpt *n = NULL;
	struct st_hwpt_inv ent;
	uint32_t id = 0, idn;
	struct env e;

	if (!env_setup(t, &e) || !viommu_setup(t, &e, &viommu))
		goto out;
	CHECK_RC(viommu_nested_alloc(&e, viommu, v, &n), 0);
	idn = iommufd_hwpt_get_id(n);
	CHECK_IOTLB(e.fd, idn, v, v, v, v);
	/* The mock attaches a device to a vIOMMU's HWPT only once it has a vDevice. */
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, idn, &id), -ENOENT);
	CHECK_RC(iommufd_vdevice_alloc(viommu, e.dev, VIRT_ID, &vdev), 0);
	CHECK(iommufd_vdevice_get_id(vdev) != 0 && iommufd_vdevice_get_virt_id(vdev) == VIRT_ID,
	      "vDevice id %u virt_id 0x%llx", iommufd_vdevice_get_id(vdev),
	      (unsigned long long)iommufd_vdevice_get_virt_id(vdev));
	CHECK_RC(iommufd_vdevice_alloc(viommu, e.dev, VIRT_ID + 1, &again), -EEXIST);
	CHECK(again == NULL, "ret_vdev written on failure");
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, idn, &id), 0);
	CHECK(id == idn, "on the vIOMMU's nested HWPT: the kernel reports %u, not %u", id, idn);
	CHECK_RC(vmt_st_pasid_check(e.fd, e.stdev, 0, idn), 0);
	/* What depends on what: the kernel refuses to destroy the vIOMMU and the parent. */
	CHECK_RC(vmt_destroy(e.fd, iommufd_viommu_get_id(viommu)), -EBUSY);
	CHECK_RC(vmt_destroy(e.fd, iommufd_hwpt_get_id(e.parent)), -EBUSY);
	/* The nested HWPT on a vIOMMU takes HWPT invalidation too. */
	CHECK_RC(inv_entry(&e, 0, 0, &ent), 0);
	CHECK_RC(iommufd_hwpt_invalidate(n, IOMMUFD_INVALIDATE_SELFTEST, &ent, sizeof(ent), 1, NULL),
		 0);
	CHECK_IOTLB(e.fd, idn, 0, v, v, v);
	/* Guest turns translation off: back to stage 2 only. */
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, iommufd_hwpt_get_id(e.parent), &id), 0);
	vmt_note("vIOMMU %u on parent %u; vDevice %u (virt 0x%x); nested HWPT %u on the vIOMMU",
		 iommufd_viommu_get_id(viommu), iommufd_hwpt_get_id(e.parent),
		 iommufd_vdevice_get_id(vdev), VIRT_ID, idn);
out:
	if (e.stdev && e.parent)
		vmt_st_replace(e.fd, e.stdev, iommufd_ioas_get_id(e.ioas), NULL);
	iommufd_vdevice_unref(vdev);
	iommufd_hwpt_unref(n);
	iommufd_viommu_unref(viommu);
	env_teardown(&e);
}

/* One selftest vIOMMU invalidation entry from the library's builder. */
static int vinv_entry(struct env *e, uint32_t flags, uint32_t virt_id, uint32_t cache_id,
		      struct st_viommu_inv *buf)
{
	uint32_t type = 0;
	size_t len = 0;
	LIBIOMMUFD_OPTS(iommufd_selftest_viommu_inv, inv, .flags = flags, .vdev_id = virt_id,
			.cache_id = cache_id);
	int rc = iommufd_selftest_viommu_inv_build(e->ctx, &inv, NULL, buf, sizeof(*buf),
						   &type, &len);

	if (!rc && (type != IOMMUFD_INVALIDATE_SELFTEST ||
		    len != IOMMUFD_INVALIDATE_SELFTEST_VIOMMU_LEN))
		return -EPROTO;
	return rc;
}

static void test_viommu_invalidate(struct vmt_case *t)
{
	const uint32_t d = ST_DEV_CACHE_DEFAULT;
	struct iommufd_viommu *viommu = NULL;
	struct iommufd_vdevice *vdev = NULL;
	struct st_viommu_inv ent[3];
	uint32_t done = 99;
	struct env e;

	if (!env_setup(t, &e) || !viommu_setup(t, &e, &viommu))
		goto out;
	CHECK_RC(iommufd_vdevice_alloc(viommu, e.dev, VIRT_ID, &vdev), 0);
	CHECK_CACHE(e.fd, e.idev, d, d, d, d);
	CHECK_RC(vmt_st_check_dev_cache(e.fd, e.idev, 0, d + 1), -EINVAL);

	/* entry_num 0: the vIOMMU takes this data type. */
	CHECK_RC(iommufd_viommu_invalidate(viommu, IOMMUFD_INVALIDATE_SELFTEST, NULL, 0, 0, &done), 0);
	CHECK(done == 0, "probe handled %u", done);
	/* One entry: cache entry 1 of the device the guest calls VIRT_ID. */
	CHECK_RC(vinv_entry(&e, 0, VIRT_ID, 1, &ent[0]), 0);
	done = 99;
	CHECK_RC(iommufd_viommu_invalidate(viommu, IOMMUFD_INVALIDATE_SELFTEST, ent, sizeof(ent[0]),
					   1, &done), 0);
	CHECK(done == 1, "one entry: handled %u", done);
	CHECK_CACHE(e.fd, e.idev, d, 0, d, d);
	/* A virtual ID no vDevice has, in the middle: EINVAL after one entry. */
	CHECK_RC(vinv_entry(&e, 0, VIRT_ID, 0, &ent[0]), 0);
	CHECK_RC(vinv_entry(&e, 0, VIRT_ID + 0x10, 2, &ent[1]), 0);
	CHECK_RC(vinv_entry(&e, 0, VIRT_ID, 3, &ent[2]), 0);
	done = 99;
	CHECK_RC(iommufd_viommu_invalidate(viommu, IOMMUFD_INVALIDATE_SELFTEST, ent, sizeof(ent[0]),
					   3, &done), -EINVAL);
	CHECK(done == 1, "unknown virtual ID in the middle: handled %u, expected 1", done);
	CHECK_CACHE(e.fd, e.idev, 0, 0, d, d);
	/* Flush-all for the device. */
	CHECK_RC(vinv_entry(&e, IOMMUFD_SELFTEST_INV_ALL, VIRT_ID, 0, &ent[0]), 0);
	done = 99;
	CHECK_RC(iommufd_viommu_invalidate(viommu, IOMMUFD_INVALIDATE_SELFTEST, ent, sizeof(ent[0]),
					   1, &done), 0);
	CHECK(done == 1, "flush-all: handled %u", done);
	CHECK_CACHE(e.fd, e.idev, 0, 0, 0, 0);
	vmt_note("vIOMMU %u: device %u (virt 0x%x) cache: entry 1, a partial call, flush-all",
		 iommufd_viommu_get_id(viommu), e.idev, VIRT_ID);
out:
	iommufd_vdevice_unref(vdev);
	iommufd_viommu_unref(viommu);
	env_teardown(&e);
}

/* The ID the kernel gives the next object (IDs are allocated lowest-free). */
static uint32_t next_free_id(struct iommufd_ctx *ctx)
{
	struct iommufd_ioas *probe = NULL;
	uint32_t id;

	if (iommufd_ioas_alloc(ctx, &probe))
		return 0;
	id = iommufd_ioas_get_id(probe);
	iommufd_ioas_unref(probe);
	return id;
}

static void test_viommu_abort_bypass(struct vmt_case *t)
{
	struct iommufd_viommu *viommu = NULL;
	/* Not a HWPT: a value the calls must leave alone when they fail. */
	static char marker_byte;
	struct iommufd_hwpt *marker = (struct iommufd_hwpt *)(void *)&marker_byte;
	struct iommufd_hwpt *h = marker;
	uint32_t before, after;
	struct env e;

	if (!env_setup(t, &e) || !viommu_setup(t, &e, &viommu))
		goto out;
	before = next_free_id(e.ctx);
	CHECK(before != 0, "cannot probe the next object ID");
	vmt_log_reset();
	CHECK_RC(iommufd_viommu_alloc_abort_hwpt(viommu, e.dev, &h), -EOPNOTSUPP);
	CHECK(h == marker, "abort: ret_hwpt written on failure");
	CHECK(vmt_log_has("SMMUv3"), "abort: the log does not say which vIOMMUs have it: '%s'",
	      vmt_log_last());
	CHECK_RC(iommufd_viommu_alloc_bypass_hwpt(viommu, e.dev, &h), -EOPNOTSUPP);
	CHECK(h == marker, "bypass: ret_hwpt written on failure");
	/* No object was made: the next ID is still free, and the ones after it too. */
	after = next_free_id(e.ctx);
	CHECK(after == before, "the next free object ID moved from %u to %u", before, after);
	for (uint32_t id = after; id < after + 4; id++)
		CHECK_RC(vmt_destroy(e.fd, id), -ENOENT);
	vmt_note("abort/bypass on a selftest vIOMMU: EOPNOTSUPP, next free ID %u unchanged",
		 after);
out:
	iommufd_viommu_unref(viommu);
	env_teardown(&e);
}

static void test_viommu_destroy_orders(struct vmt_case *t)
{
	static const char *const orders[] = {
		"viommu-first", "parent-first", "vdevice-last",
	};
	struct iommufd_viommu *viommu = NULL;
	struct iommufd_vdevice *vdev = NULL;
	struct iommufd_hwpt *n = NULL;
	struct env e = { 0 };

	for (int o = 0; o < 3; o++) {
		uint32_t ids[8];
		int k = 0;

		if (!env_setup(t, &e) || !viommu_setup(t, &e, &viommu))
			goto out;
		CHECK_RC(iommufd_vdevice_alloc(viommu, e.dev, VIRT_ID, &vdev), 0);
		CHECK_RC(viommu_nested_alloc(&e, viommu, 0x33330000u + o, &n), 0);
		ids[k++] = iommufd_ioas_get_id(e.ioas);
		ids[k++] = iommufd_hwpt_get_id(e.parent);
		ids[k++] = iommufd_viommu_get_id(viommu);
		ids[k++] = iommufd_vdevice_get_id(vdev);
		ids[k++] = iommufd_hwpt_get_id(n);
		ids[k++] = e.stdev;
		ids[k++] = e.idev;
		vmt_log_reset();
		switch (o) {
		case 0:
			/* Our vIOMMU handle first: the vDevice and the nested HWPT keep it. */
			viommu = iommufd_viommu_unref(viommu);
			CHECK_RC(vmt_destroy(e.fd, ids[2]), -EBUSY);
			n = iommufd_hwpt_unref(n);
			CHECK_RC(vmt_destroy(e.fd, ids[2]), -EBUSY);
			vdev = iommufd_vdevice_unref(vdev);
			CHECK_RC(vmt_destroy(e.fd, ids[2]), -ENOENT);
			e.parent = iommufd_hwpt_unref(e.parent);
			break;
		case 1:
			/* The parent first: the vIOMMU keeps it. */
			e.parent = iommufd_hwpt_unref(e.parent);
			CHECK_RC(vmt_destroy(e.fd, ids[1]), -EBUSY);
			viommu = iommufd_viommu_unref(viommu);
			vdev = iommufd_vdevice_unref(vdev);
			CHECK_RC(vmt_destroy(e.fd, ids[1]), -EBUSY);
			n = iommufd_hwpt_unref(n);
			break;
		case 2:
			n = iommufd_hwpt_unref(n);
			e.parent = iommufd_hwpt_unref(e.parent);
			viommu = iommufd_viommu_unref(viommu);
			/* The vDevice keeps the device handle and the vIOMMU. */
			e.dev = iommufd_device_unref(e.dev);
			CHECK_RC(vmt_destroy(e.fd, ids[2]), -EBUSY);
			vdev = iommufd_vdevice_unref(vdev);
			break;
		}
		/* The mock device (and with it its ID) goes before the IOAS. */
		e.dev = iommufd_device_unref(e.dev);
		env_device_gone(&e);
		e.ioas = iommufd_ioas_unref(e.ioas);
		CHECK(!vmt_log_has("DESTROY"), "order %s: the library failed a DESTROY: '%s'",
		      orders[o], vmt_log_last());
		CHECK_ALL_GONE(e.fd, ids, k, orders[o]);
		vmt_note("order %s: IDs %s all gone (ENOENT)", orders[o], id_list(ids, k));
		env_teardown(&e);
	}
out:
	iommufd_vdevice_unref(vdev);
	iommufd_hwpt_unref(n);
	iommufd_viommu_unref(viommu);
	env_teardown(&e);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 10);
	vmt_run("nested-iotlb", test_nested_iotlb);
	vmt_run("invalidate", test_invalidate);
	vmt_run("invalidate-partial", test_invalidate_partial);
	vmt_run("invalidate-probe", test_invalidate_probe);
	vmt_run("replace-nested", test_replace_nested);
	vmt_run("destroy-orders", test_destroy_orders);
	vmt_run("viommu-vdevice", test_viommu);
	vmt_run("viommu-invalidate", test_viommu_invalidate);
	vmt_run("viommu-abort-bypass", test_viommu_abort_bypass);
	vmt_run("viommu-destroy-orders", test_viommu_destroy_orders);
	return vmt_end();
}
