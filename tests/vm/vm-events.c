// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * What the kernel reports back: I/O page fault queues, vIOMMU event queues
 * (vEVENTQs) and HW queues, on the kernel's selftest mock IOMMU.
 *
 * - Fault queue (6.11+, both kernels): a nested mock HWPT on a nest parent
 *   carries the queue (as the kernel's own selftest does it); the mock
 *   device sits on it and the selftest TRIGGER_IOPF op makes it fault. Each
 *   trigger is a group of one fault (the op always sets LAST_PAGE); a fault
 *   with a PASID reaches the nested HWPT of the device because the mock
 *   driver keeps the PASID table in the guest's hands. The test reads the
 *   records through the library field by field, in whole groups, answers
 *   each group once (a second answer to a cookie is EINVAL), and shows that
 *   a read with less room than is pending loses nothing.
 * - vEVENTQ (6.15+, so 7.x only): selftest vIOMMU + vDevice + nested HWPT
 *   on the vIOMMU, the TRIGGER_VEVENT op raises an event carrying the
 *   vDevice's virtual ID; sequence numbers run on, and an overflowing queue
 *   of depth 2 reports its losses: at the tail of the read that saw them,
 *   exactly in the gap before the next event.
 * - HW queue (6.17+, 7.x only): the mock vIOMMU's selftest queue type on
 *   memory mapped in the parent's IOAS, and the kernel's order rules.
 *
 * On 6.12 the 7.x-only tests check what the probe and the library say and
 * skip with the probe's reason.
 */
#include <poll.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

#define PAGE 4096ull
#define BASE ST_MOCK_APERTURE_START
#define VIRT_ID 0x99u

/* ---- environment: mock device, nest parent ---------------------------------- */

struct env {
	struct iommufd_ctx *ctx;
	struct iommufd_ioas *ioas;
	struct iommufd_device *dev;
	struct iommufd_hwpt *parent;
	uint32_t stdev, idev;
	int fd;
	struct iommufd_probe probe;	/* context probe */
};

/* A context and its probe, an IOAS. */
static bool env_ctx(struct vmt_case *t, struct env *e)
{
	int rc;

	memset(e, 0, sizeof(*e));
	if (!vmt_need_iommufd(t))
		return false;
	rc = vmt_ctx_new(&e->ctx);
	if (!REQUIRE(rc == 0, "iommufd_ctx_new: %s", vmt_errname(rc)))
		return false;
	e->fd = iommufd_ctx_get_fd(e->ctx);
	rc = vmt_ctx_probe(e->ctx, &e->probe);
	if (!REQUIRE(rc == 0, "iommufd_ctx_probe: %s", vmt_errname(rc)))
		return false;
	rc = iommufd_ioas_alloc(e->ctx, &e->ioas);
	return REQUIRE(rc == 0, "iommufd_ioas_alloc: %s", vmt_errname(rc));
}

/* Then a mock device on the IOAS and a nest parent. */
static bool env_device(struct vmt_case *t, struct env *e)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, np, .flags = IOMMUFD_HWPT_NEST_PARENT);
	int rc;

	if (!vmt_mock_device(t, e->ctx, iommufd_ioas_get_id(e->ioas), 0, &e->stdev, &e->dev))
		return false;
	e->idev = iommufd_device_get_id(e->dev);
	rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(e->ioas), e->dev, &np, &e->parent);
	return REQUIRE(rc == 0, "NEST_PARENT HWPT: %s (%s)", vmt_errname(rc), vmt_log_last());
}

static bool env_setup(struct vmt_case *t, struct env *e)
{
	return env_ctx(t, e) && env_device(t, e);
}

/* The device leaves its HWPT by going away; then the handles in any order. */
static void env_teardown(struct env *e)
{
	if (e->stdev)
		vmt_destroy(e->fd, e->stdev);
	e->stdev = 0;
	iommufd_hwpt_unref(e->parent);
	iommufd_device_unref(e->dev);
	iommufd_ioas_unref(e->ioas);
	iommufd_ctx_unref(e->ctx);
}

static int nested_data(struct env *e, uint32_t iotlb, uint8_t *data, uint32_t *type,
		       size_t *len)
{
	LIBIOMMUFD_OPTS(iommufd_selftest_hwpt, hwpt, .iotlb = iotlb);

	return iommufd_selftest_hwpt_build(e->ctx, &hwpt, NULL, data, IOMMUFD_VENDOR_DATA_MAX,
					   type, len);
}

static bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	return poll(&p, 1, 0) == 1 && (p.revents & POLLIN);
}

/* ---- fault queue -------------------------------------------------------------- */

struct want_fault {
	uint32_t pasid, grpid, perm;
	uint64_t addr;
};

static const struct want_fault faults_in[] = {
	{ 0, 1, IOMMUFD_FAULT_READ, 0x10000000 },
	{ 5, 2, IOMMUFD_FAULT_WRITE | IOMMUFD_FAULT_READ, 0x10001000 },
	{ 0x1234, 3, IOMMUFD_FAULT_EXEC | IOMMUFD_FAULT_PRIV | IOMMUFD_FAULT_READ, 0xdeadb000 },
	{ 0, 4, IOMMUFD_FAULT_WRITE, 0x7fff0000 },
};
#define NFAULTS (sizeof(faults_in) / sizeof(faults_in[0]))

/* The first field of @f that differs from @w (or NULL). */
static const char *fault_mismatch(const struct iommufd_fault *f, const struct want_fault *w,
				  uint32_t idev)
{
	uint32_t flags = IOMMUFD_FAULT_LAST_PAGE | (w->pasid ? IOMMUFD_FAULT_PASID_VALID : 0);

	if (f->flags != flags)
		return "flags";
	if (f->dev_id != idev)
		return "dev_id";
	if (w->pasid && f->pasid != w->pasid)
		return "pasid";
	if (f->grpid != w->grpid)
		return "grpid";
	if (f->perm != w->perm)
		return "perm";
	if (f->addr != w->addr)
		return "addr";
	return NULL;
}

#define CHECK_FAULT(f, i, e)								\
	do {										\
		const char *m_ = fault_mismatch(f, &faults_in[i], (e)->idev);		\
		CHECK(!m_, "fault %zu: %s differs (flags 0x%x dev %u pasid %u grp %u "	\
		      "perm 0x%x addr 0x%llx)", (size_t)(i), m_, (f)->flags, (f)->dev_id, \
		      (f)->pasid, (f)->grpid, (f)->perm, (unsigned long long)(f)->addr); \
	} while (0)

static void test_fault_queue(struct vmt_case *t)
{
	struct iommufd_fault_queue *q = NULL;
	struct iommufd_hwpt *iopf = NULL;
	struct iommufd_fault f[8];
	uint8_t data[IOMMUFD_VENDOR_DATA_MAX];
	uint32_t type, used = 0, qid = 0, hid = 0, cookies[NFAULTS];
	size_t len, n = 99, got = 0;
	struct env e;

	if (!env_setup(t, &e))
		goto out;
	if (e.probe.fault_queue.support != IOMMUFD_FEATURE_SUPPORTED) {
		CHECK_RC(iommufd_fault_queue_alloc(e.ctx, &q), e.probe.fault_queue.err);
		vmt_skip_probe(t, "fault_queue", e.probe.fault_queue, "fault queues came with 6.11");
		goto out;
	}
	CHECK_RC(iommufd_fault_queue_alloc(e.ctx, &q), 0);
	qid = iommufd_fault_queue_get_id(q);
	CHECK(qid != 0 && iommufd_fault_queue_get_fd(q) >= 0, "queue id %u fd %d", qid,
	      iommufd_fault_queue_get_fd(q));
	CHECK_RC(nested_data(&e, ST_IOTLB_DEFAULT, data, &type, &len), 0);
	{
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .data_type = type, .data = data,
				.data_len = len, .fault_queue = q);

		CHECK_RC(iommufd_hwpt_alloc(iommufd_hwpt_as_pt(e.parent), e.dev, &o, &iopf), 0);
	}
	hid = iommufd_hwpt_get_id(iopf);
	/* The HWPT holds the queue in the kernel. */
	CHECK_RC(vmt_destroy(e.fd, qid), -EBUSY);
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, hid, &used), 0);
	CHECK(used == hid, "device on HWPT %u, not %u", used, hid);
	CHECK_RC(vmt_destroy(e.fd, hid), -EBUSY);

	/* Nothing pending: no input, and a read returns none. */
	CHECK(!readable(iommufd_fault_queue_get_fd(q)), "an empty queue polls readable");
	CHECK_RC(iommufd_fault_queue_read(q, f, 8, &n), 0);
	CHECK(n == 0, "an empty queue gave %zu faults", n);

	for (size_t i = 0; i < NFAULTS; i++)
		CHECK_RC(vmt_st_trigger_iopf(e.fd, e.idev, faults_in[i].pasid, faults_in[i].grpid,
					     faults_in[i].perm, faults_in[i].addr), 0);
	CHECK(readable(iommufd_fault_queue_get_fd(q)), "pending faults do not poll readable");

	/*
	 * The kernel's own refusal when a read has no room for the first
	 * group: EINVAL, and the group stays queued.
	 */
	CHECK(read(iommufd_fault_queue_get_fd(q), f, 0) == -1 && errno == EINVAL,
	      "a 0-byte read of a pending group: %s", vmt_errname(errno));
	CHECK(readable(iommufd_fault_queue_get_fd(q)), "the refused read lost the group");

	/* Room for 1 of 4: one group of one; then 2; then the rest. */
	CHECK_RC(iommufd_fault_queue_read(q, f, 1, &n), 0);
	CHECK(n == 1, "read with room for 1: %zu faults", n);
	CHECK(iommufd_fault_group_len(f, n) == 1, "group length %zu",
	      iommufd_fault_group_len(f, n));
	CHECK_FAULT(&f[0], 0, &e);
	cookies[got++] = f[0].cookie;
	CHECK_RC(iommufd_fault_queue_read(q, f, 2, &n), 0);
	CHECK(n == 2, "read with room for 2: %zu faults", n);
	for (size_t i = 0; i < n; i++) {
		CHECK(iommufd_fault_group_len(&f[i], n - i) == 1, "group at %zu: length %zu", i,
		      iommufd_fault_group_len(&f[i], n - i));
		CHECK_FAULT(&f[i], got, &e);
		cookies[got++] = f[i].cookie;
	}
	CHECK_RC(iommufd_fault_queue_read(q, f, 8, &n), 0);
	CHECK(n == 1, "read with room for 8: %zu faults, expected the last 1", n);
	CHECK_FAULT(&f[0], got, &e);
	cookies[got++] = f[0].cookie;
	CHECK_RC(iommufd_fault_queue_read(q, f, 8, &n), 0);
	CHECK(n == 0, "after reading all: %zu more", n);
	for (size_t i = 0; i < got; i++)
		for (size_t j = i + 1; j < got; j++)
			CHECK(cookies[i] != cookies[j], "groups %zu and %zu share cookie %u", i, j,
			      cookies[i]);
	/* No fault without LAST_PAGE: group_len of such a slice is 0. */
	f[0].flags &= ~(uint32_t)IOMMUFD_FAULT_LAST_PAGE;
	CHECK(iommufd_fault_group_len(f, 1) == 0, "an open group has length %zu",
	      iommufd_fault_group_len(f, 1));

	/* Answers: success, invalid; twice to one cookie, or to none, is EINVAL. */
	CHECK_RC(iommufd_fault_queue_respond(q, cookies[0], IOMMUFD_FAULT_RESPONSE_SUCCESS), 0);
	CHECK_RC(iommufd_fault_queue_respond(q, cookies[1], IOMMUFD_FAULT_RESPONSE_INVALID), 0);
	CHECK_RC(iommufd_fault_queue_respond(q, cookies[0], IOMMUFD_FAULT_RESPONSE_SUCCESS),
		 -EINVAL);
	CHECK_RC(iommufd_fault_queue_respond(q, cookies[1], IOMMUFD_FAULT_RESPONSE_INVALID),
		 -EINVAL);
	CHECK_RC(iommufd_fault_queue_respond(q, 0x7ffffff0u, IOMMUFD_FAULT_RESPONSE_SUCCESS),
		 -EINVAL);
	CHECK_RC(iommufd_fault_queue_respond(q, cookies[2], 7), -EINVAL);
	CHECK_RC(iommufd_fault_queue_respond(q, cookies[2], IOMMUFD_FAULT_RESPONSE_SUCCESS), 0);
	/* The last group stays unanswered: the kernel answers it when the HWPT goes. */
	vmt_note("fault queue %u on nested HWPT %u: %zu faults read in groups of one "
		 "(room 1, 2, 8), 3 answered once each, repeats EINVAL", qid, hid, got);

	/* Off the HWPT, everything can go; the last group is answered by the kernel. */
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, iommufd_hwpt_get_id(e.parent), &used), 0);
	iopf = iommufd_hwpt_unref(iopf);
	CHECK_RC(vmt_destroy(e.fd, hid), -ENOENT);
	q = iommufd_fault_queue_unref(q);
	CHECK_RC(vmt_destroy(e.fd, qid), -ENOENT);
	CHECK(!vmt_log_has("DESTROY"), "the library failed a DESTROY: '%s'", vmt_log_last());
out:
	iommufd_hwpt_unref(iopf);
	iommufd_fault_queue_unref(q);
	env_teardown(&e);
}

/* The fault queue cannot go on a nest parent: the kernel's EOPNOTSUPP, not a downgrade. */
static void test_fault_queue_refused(struct vmt_case *t)
{
	LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .flags = IOMMUFD_HWPT_NEST_PARENT);
	struct iommufd_fault_queue *q = NULL;
	struct iommufd_hwpt *h = NULL, *plain = NULL;
	uint32_t before, after, used = 0;
	struct env e;

	if (!env_setup(t, &e))
		goto out;
	if (e.probe.fault_queue.support != IOMMUFD_FEATURE_SUPPORTED) {
		vmt_skip_probe(t, "fault_queue", e.probe.fault_queue, "fault queues came with 6.11");
		goto out;
	}
	CHECK_RC(iommufd_fault_queue_alloc(e.ctx, &q), 0);
	o.fault_queue = q;
	before = vmt_next_free_id(e.ctx);
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), e.dev, &o, &h), -EOPNOTSUPP);
	CHECK(h == NULL, "ret_hwpt written on failure");
	after = vmt_next_free_id(e.ctx);
	CHECK(after == before, "next object ID %u -> %u", before, after);
	/*
	 * A paging HWPT (no nest parent) takes one on 7.x, and faults reach it
	 * too; 6.12 takes fault queues on nested HWPTs only (EOPNOTSUPP).
	 */
	o.flags = 0;
	if (vmt_kernel_version() < VMT_KV(7, 0, 0)) {
		CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), e.dev, &o, &plain),
			 -EOPNOTSUPP);
		CHECK(plain == NULL, "ret_hwpt written on failure");
		vmt_note("kernel %s: NEST_PARENT + fault queue EOPNOTSUPP, paging HWPT + fault "
			 "queue EOPNOTSUPP (nested HWPTs only)", vmt_kernel_release());
		goto out;
	}
	CHECK_RC(iommufd_hwpt_alloc(iommufd_ioas_as_pt(e.ioas), e.dev, &o, &plain), 0);
	CHECK(!iommufd_hwpt_is_kernel_allocated(plain), "a fault-queue request took the plain path");
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, iommufd_hwpt_get_id(plain), &used), 0);
	CHECK_RC(vmt_st_trigger_iopf(e.fd, e.idev, 0, 9, IOMMUFD_FAULT_READ, 0x1000000), 0);
	{
		struct iommufd_fault f[2];
		size_t n = 0;

		CHECK_RC(iommufd_fault_queue_read(q, f, 2, &n), 0);
		CHECK(n == 1 && f[0].grpid == 9 && f[0].addr == 0x1000000 &&
		      f[0].dev_id == e.idev, "paging HWPT fault: %zu read, grp %u addr 0x%llx",
		      n, n ? f[0].grpid : 0, n ? (unsigned long long)f[0].addr : 0ull);
		CHECK_RC(iommufd_fault_queue_respond(q, f[0].cookie,
						     IOMMUFD_FAULT_RESPONSE_SUCCESS), 0);
	}
	CHECK_RC(vmt_st_replace(e.fd, e.stdev, iommufd_ioas_get_id(e.ioas), &used), 0);
	vmt_note("NEST_PARENT + fault queue: EOPNOTSUPP (nothing allocated); paging HWPT %u "
		 "with the queue: fault delivered", iommufd_hwpt_get_id(plain));
out:
	iommufd_hwpt_unref(plain);
	iommufd_hwpt_unref(h);
	iommufd_fault_queue_unref(q);
	env_teardown(&e);
}

/* ---- vEVENTQ ------------------------------------------------------------------ */

struct seen {
	unsigned int n;
	uint32_t seq[16], lost[16], virt_id[16];
	size_t len[16];
};

static void on_event(void *userdata, const struct iommufd_vevent *ev)
{
	struct seen *s = userdata;
	struct st_vevent rec = { 0 };

	if (s->n >= 16)
		return;
	s->seq[s->n] = ev->sequence;
	s->lost[s->n] = ev->lost;
	s->len[s->n] = ev->data_len;
	if (ev->data_len >= sizeof(rec))
		memcpy(&rec, ev->data, sizeof(rec));
	s->virt_id[s->n] = rec.virt_id;
	s->n++;
}

/* A selftest vIOMMU, a vDevice and a nested HWPT on it with the device on it. */
struct vstack {
	struct iommufd_viommu *viommu;
	struct iommufd_vdevice *vdev;
	struct iommufd_hwpt *nested;
};

/*
 * A context, and a mock device when the kernel has feature @f (7.x). When
 * it has not (6.12): the verdict must be the kernel's ENOTTY, the library
 * must report the same for the vIOMMU every such object hangs on (where a
 * mock device can be made to try), and the skip quotes the probe.
 */
static bool env_for(struct vmt_case *t, struct env *e, const char *name, size_t off)
{
	struct iommufd_viommu *v = NULL;
	struct iommufd_feature f;
	int rc;

	if (!env_ctx(t, e))
		return false;
	memcpy(&f, (const char *)&e->probe + off, sizeof(f));
	if (f.support == IOMMUFD_FEATURE_SUPPORTED)
		return env_device(t, e);
	if (!REQUIRE(f.support == IOMMUFD_FEATURE_NO_KERNEL && f.err == -ENOTTY, "kernel %s: %s",
		     vmt_kernel_release(), vmt_verdict(name, f)))
		return false;
	if (vmt_machine_is("mock") || vmt_kernel_version() >= VMT_KV(7, 0, 0)) {
		if (!env_device(t, e))
			return false;
		rc = iommufd_viommu_alloc(e->parent, e->dev, IOMMUFD_VIOMMU_SELFTEST, NULL, &v);
		iommufd_viommu_unref(v);
		if (!REQUIRE(rc == e->probe.viommu_cmds.err,
			     "iommufd_viommu_alloc = %s, the probe said %s", vmt_errname(rc),
			     vmt_verdict("viommu", e->probe.viommu_cmds)))
			return false;
		vmt_skip_probe(t, name, f, "kernel %s (vIOMMU alloc: %s)", vmt_kernel_release(),
			       vmt_errname(rc));
		return false;
	}
	vmt_skip_probe(t, name, f, "kernel %s", vmt_kernel_release());
	return false;
}

static bool vstack_setup(struct vmt_case *t, struct env *e, struct vstack *v)
{
	uint8_t data[IOMMUFD_VENDOR_DATA_MAX];
	uint32_t type, used = 0;
	size_t len;
	int rc;

	memset(v, 0, sizeof(*v));
	rc = iommufd_viommu_alloc(e->parent, e->dev, IOMMUFD_VIOMMU_SELFTEST, NULL, &v->viommu);
	if (!REQUIRE(rc == 0, "selftest vIOMMU: %s", vmt_errname(rc)))
		return false;
	rc = iommufd_vdevice_alloc(v->viommu, e->dev, VIRT_ID, &v->vdev);
	if (!REQUIRE(rc == 0, "vDevice: %s", vmt_errname(rc)))
		return false;
	rc = nested_data(e, ST_IOTLB_DEFAULT, data, &type, &len);
	if (!rc) {
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, o, .data_type = type, .data = data,
				.data_len = len);
		rc = iommufd_viommu_alloc_hwpt(v->viommu, e->dev, &o, &v->nested);
	}
	if (!REQUIRE(rc == 0, "nested HWPT on the vIOMMU: %s", vmt_errname(rc)))
		return false;
	rc = vmt_st_replace(e->fd, e->stdev, iommufd_hwpt_get_id(v->nested), &used);
	return REQUIRE(rc == 0, "device onto the nested HWPT: %s", vmt_errname(rc));
}

static void vstack_teardown(struct env *e, struct vstack *v)
{
	if (e->stdev && e->ioas)
		vmt_st_replace(e->fd, e->stdev, iommufd_ioas_get_id(e->ioas), NULL);
	iommufd_hwpt_unref(v->nested);
	iommufd_vdevice_unref(v->vdev);
	iommufd_viommu_unref(v->viommu);
}

static void test_veventq(struct vmt_case *t)
{
	struct iommufd_veventq *q = NULL, *q2 = NULL;
	struct vstack v = { 0 };
	struct seen s = { 0 };
	uint32_t lost_tail = 99, qid;
	size_t n = 99;
	struct env e;

	if (!env_for(t, &e, "veventq", offsetof(struct iommufd_probe, veventq)))
		goto out;
	if (!vstack_setup(t, &e, &v))
		goto out;
	/* No queue yet: the mock has nowhere to report (EOPNOTSUPP). */
	CHECK_RC(vmt_st_trigger_vevent(e.fd, e.idev), -EOPNOTSUPP);
	CHECK_RC(iommufd_veventq_alloc(v.viommu, IOMMUFD_VEVENTQ_SELFTEST, 8, &q), 0);
	qid = iommufd_veventq_get_id(q);
	CHECK(qid && iommufd_veventq_get_fd(q) >= 0, "vEVENTQ id %u fd %d", qid,
	      iommufd_veventq_get_fd(q));
	/* One queue per type per vIOMMU. */
	CHECK_RC(iommufd_veventq_alloc(v.viommu, IOMMUFD_VEVENTQ_SELFTEST, 8, &q2), -EEXIST);
	CHECK(q2 == NULL, "ret_queue written on failure");
	/* The vIOMMU is held by the queue. */
	CHECK_RC(vmt_destroy(e.fd, iommufd_viommu_get_id(v.viommu)), -EBUSY);

	/* Empty: nothing delivered, nothing lost. */
	CHECK_RC(iommufd_veventq_read(q, on_event, &s, &n, &lost_tail), 0);
	CHECK(n == 0 && s.n == 0 && lost_tail == 0, "empty queue: %zu events, lost %u", n,
	      lost_tail);
	for (int i = 0; i < 3; i++)
		CHECK_RC(vmt_st_trigger_vevent(e.fd, e.idev), 0);
	CHECK(readable(iommufd_veventq_get_fd(q)), "pending events do not poll readable");
	CHECK_RC(iommufd_veventq_read(q, on_event, &s, &n, &lost_tail), 0);
	CHECK(n == 3 && s.n == 3 && lost_tail == 0, "3 events: read %zu (callback %u), lost %u",
	      n, s.n, lost_tail);
	for (unsigned int i = 0; i < s.n; i++) {
		CHECK(s.virt_id[i] == VIRT_ID && s.len[i] == sizeof(struct st_vevent),
		      "event %u: virt_id 0x%x, %zu bytes", i, s.virt_id[i], s.len[i]);
		CHECK(s.lost[i] == 0, "event %u: lost %u", i, s.lost[i]);
		if (i > 0)
			CHECK(s.seq[i] == s.seq[i - 1] + 1, "event %u: sequence %u after %u", i,
			      s.seq[i], s.seq[i - 1]);
	}
	vmt_note("vEVENTQ %u: 3 events, virt_id 0x%x, sequence %u..%u, nothing lost", qid,
		 VIRT_ID, s.seq[0], s.seq[2]);
out:
	iommufd_veventq_unref(q);
	iommufd_veventq_unref(q2);
	vstack_teardown(&e, &v);
	env_teardown(&e);
}

static void test_veventq_overflow(struct vmt_case *t)
{
	struct iommufd_veventq *q = NULL;
	struct vstack v = { 0 };
	struct seen s = { 0 };
	uint32_t lost_tail = 0;
	size_t n = 0;
	struct env e;

	if (!env_for(t, &e, "veventq", offsetof(struct iommufd_probe, veventq)))
		goto out;
	if (!vstack_setup(t, &e, &v))
		goto out;
	CHECK_RC(iommufd_veventq_alloc(v.viommu, IOMMUFD_VEVENTQ_SELFTEST, 2, &q), 0);
	/* Five events into a queue of two: the last three are dropped. */
	for (int i = 0; i < 5; i++)
		CHECK_RC(vmt_st_trigger_vevent(e.fd, e.idev), 0);
	CHECK_RC(iommufd_veventq_read(q, on_event, &s, &n, &lost_tail), 0);
	CHECK(n == 2 && s.n == 2, "overflowed queue: %zu events (callback %u), expected 2", n,
	      s.n);
	CHECK(s.lost[0] == 0 && s.lost[1] == 0 && s.seq[1] == s.seq[0] + 1,
	      "the two kept: sequence %u %u, lost %u %u", s.seq[0], s.seq[1], s.lost[0],
	      s.lost[1]);
	CHECK(lost_tail == 3, "lost at the tail: %u, expected 3 (events 3..5 of 5)", lost_tail);
	/* The next event: its gap says exactly how many were lost before it. */
	CHECK_RC(vmt_st_trigger_vevent(e.fd, e.idev), 0);
	lost_tail = 99;
	CHECK_RC(iommufd_veventq_read(q, on_event, &s, &n, &lost_tail), 0);
	CHECK(n == 1 && s.n == 3, "after the overflow: %zu events", n);
	CHECK(s.virt_id[2] == VIRT_ID, "virt_id 0x%x", s.virt_id[2]);
	CHECK(s.seq[2] == s.seq[1] + 4, "sequence %u after %u: expected 3 numbers skipped",
	      s.seq[2], s.seq[1]);
	CHECK(s.lost[2] == 3, "the next event says %u lost before it, expected 3", s.lost[2]);
	CHECK(lost_tail == 0, "lost at the tail after a clean read: %u", lost_tail);
	/* And the queue works on. */
	CHECK_RC(vmt_st_trigger_vevent(e.fd, e.idev), 0);
	CHECK_RC(iommufd_veventq_read(q, on_event, &s, &n, &lost_tail), 0);
	CHECK(n == 1 && s.n == 4 && s.lost[3] == 0 && s.seq[3] == s.seq[2] + 1 && !lost_tail,
	      "after recovery: %zu events, lost %u, sequence %u after %u", n,
	      s.n == 4 ? s.lost[3] : 0, s.n == 4 ? s.seq[3] : 0, s.seq[2]);
	vmt_note("depth 2, 5 events: 2 read, 3 reported lost at the tail, the next event "
		 "(sequence %u) says 3 lost", s.seq[2]);
out:
	iommufd_veventq_unref(q);
	vstack_teardown(&e, &v);
	env_teardown(&e);
}

/* ---- HW queue ------------------------------------------------------------------ */

static void test_hw_queue(struct vmt_case *t)
{
	struct iommufd_hw_queue *q0 = NULL, *q1 = NULL, *bad = NULL;
	struct iommufd_viommu *viommu = NULL;
	uint32_t id0 = 0, id1 = 0;
	uint64_t unmapped = 0;
	void *mem = NULL;
	struct env e;

	if (!env_for(t, &e, "hw_queue", offsetof(struct iommufd_probe, hw_queue)))
		goto out;
	CHECK_RC(iommufd_viommu_alloc(e.parent, e.dev, IOMMUFD_VIOMMU_SELFTEST, NULL, &viommu), 0);
	/* The queue memory must be mapped in the parent's IOAS. */
	CHECK_RC(iommufd_hw_queue_alloc(viommu, IOMMUFD_HW_QUEUE_SELFTEST, 0, BASE, PAGE, &bad),
		 -ENOENT);
	mem = vmt_pages(2 * PAGE);
	CHECK(mem != NULL, "out of memory");
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, mem, PAGE, BASE, IOMMUFD_MAP_READ), 0);
	CHECK_RC(iommufd_ioas_map_fixed(e.ioas, (char *)mem + PAGE, PAGE, BASE + PAGE,
					IOMMUFD_MAP_READ), 0);
	/* Index 0 first; none past the mock's two; a type it does not have. */
	CHECK_RC(iommufd_hw_queue_alloc(viommu, IOMMUFD_HW_QUEUE_SELFTEST, 1, BASE, PAGE, &bad),
		 -EIO);
	CHECK_RC(iommufd_hw_queue_alloc(viommu, IOMMUFD_HW_QUEUE_SELFTEST, ST_HW_QUEUE_MAX, BASE,
					PAGE, &bad), -EINVAL);
	CHECK_RC(iommufd_hw_queue_alloc(viommu, IOMMUFD_HW_QUEUE_TEGRA241_CMDQV, 0, BASE, PAGE,
					&bad), -EOPNOTSUPP);
	CHECK(bad == NULL, "ret_queue written on failure");
	CHECK_RC(iommufd_hw_queue_alloc(viommu, IOMMUFD_HW_QUEUE_SELFTEST, 0, BASE, PAGE, &q0), 0);
	id0 = iommufd_hw_queue_get_id(q0);
	CHECK(id0 != 0, "queue 0 has no ID");
	CHECK_RC(iommufd_hw_queue_alloc(viommu, IOMMUFD_HW_QUEUE_SELFTEST, 0, BASE, PAGE, &bad),
		 -EEXIST);
	/* The queue owns its page: no unmap under it; the next page is free. */
	CHECK_RC(iommufd_ioas_unmap(e.ioas, BASE, PAGE, 0, &unmapped), -EBUSY);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, BASE + PAGE, PAGE, 0, &unmapped), 0);
	CHECK(unmapped == PAGE, "unmapped %llu", (unsigned long long)unmapped);
	/* Queue 1, inside the same page (not page aligned). */
	CHECK_RC(iommufd_hw_queue_alloc(viommu, IOMMUFD_HW_QUEUE_SELFTEST, 1, BASE + PAGE / 2,
					PAGE / 2, &q1), 0);
	id1 = iommufd_hw_queue_get_id(q1);
	/* Order rules: 0 cannot go before 1, the vIOMMU not before both. */
	CHECK_RC(vmt_destroy(e.fd, id0), -EBUSY);
	CHECK_RC(vmt_destroy(e.fd, iommufd_viommu_get_id(viommu)), -EBUSY);
	/* The queues hold the vIOMMU: our handle can go first. */
	viommu = iommufd_viommu_unref(viommu);
	vmt_log_reset();
	/* Freed downwards, as the library documents. */
	q1 = iommufd_hw_queue_unref(q1);
	q0 = iommufd_hw_queue_unref(q0);
	CHECK(!vmt_log_has("DESTROY"), "the library failed a DESTROY: '%s'", vmt_log_last());
	CHECK_RC(vmt_destroy(e.fd, id1), -ENOENT);
	CHECK_RC(vmt_destroy(e.fd, id0), -ENOENT);
	CHECK_RC(iommufd_ioas_unmap(e.ioas, BASE, PAGE, 0, &unmapped), 0);
	vmt_note("HW queues %u (index 0) and %u (index 1): ENOENT/EIO/EINVAL/EOPNOTSUPP/EEXIST "
		 "as the kernel rules, unmap EBUSY under a queue, freed downwards", id0, id1);
out:
	iommufd_hw_queue_unref(q1);
	iommufd_hw_queue_unref(q0);
	iommufd_hw_queue_unref(bad);
	iommufd_viommu_unref(viommu);
	env_teardown(&e);
	vmt_pages_free(mem, 2 * PAGE);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 5);
	vmt_run("fault-queue", test_fault_queue);
	vmt_run("fault-queue-paging", test_fault_queue_refused);
	vmt_run("veventq", test_veventq);
	vmt_run("veventq-overflow", test_veventq_overflow);
	vmt_run("hw-queue", test_hw_queue);
	return vmt_end();
}
