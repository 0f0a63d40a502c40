// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scenario 8: tearing down in any order leaves nothing behind.
 *
 * Each round builds a graph of handles (context, two IOASes, HWPTs, a
 * device attached to one of them), records every kernel object ID, drops
 * the handles in one order, and then asks the kernel: a raw IOMMU_DESTROY
 * of each recorded ID must fail with ENOENT (the object is gone), and the
 * process must hold exactly the file descriptors it held before.
 *
 * unref-orders adopts an iommufd the test opened (iommufd_ctx_new_from_fd),
 * which the library must never close; fds-closed lets the library open
 * /dev/iommu and the device cdev itself and checks it closes both.
 *
 * On the mock machine the device is a selftest mock device; the test owns
 * it and destroys it first, as the code owning a VFIO device would close it.
 * On vtd/amd/virtio it is edu behind the IOMMU; on the noiommu machine
 * (7.3+) edu through its noiommu cdev, whose IOASes and HWPTs are the
 * same kernel objects (a software domain stands in for the IOMMU's), so
 * the same graph must vanish the same way.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

#define PAGE 4096u
#define MAX_HANDLES 8
#define MAX_IDS 16

enum kind { K_CTX, K_IOAS, K_HWPT, K_DEV };

struct graph {
	int nh;
	enum kind kind[MAX_HANDLES];
	void *h[MAX_HANDLES];
	const char *name[MAX_HANDLES];
	int nid;
	uint32_t id[MAX_IDS];
	const char *id_name[MAX_IDS];
	uint32_t stdev;		/* mock device, destroyed by the test */
	int fd;			/* the iommufd */
	void *buf;
};

static void add_handle(struct graph *g, enum kind k, void *h, const char *name)
{
	g->kind[g->nh] = k;
	g->h[g->nh] = h;
	g->name[g->nh++] = name;
}

static void add_id(struct graph *g, uint32_t id, const char *name)
{
	if (id && g->nid < MAX_IDS) {
		g->id[g->nid] = id;
		g->id_name[g->nid++] = name;
	}
}

static void drop(struct graph *g, int i)
{
	switch (g->kind[i]) {
	case K_CTX: iommufd_ctx_unref(g->h[i]); break;
	case K_IOAS: iommufd_ioas_unref(g->h[i]); break;
	case K_HWPT: iommufd_hwpt_unref(g->h[i]); break;
	case K_DEV: iommufd_device_unref(g->h[i]); break;
	}
	g->h[i] = NULL;
}

/* Builds the graph on @ctx (which it takes over). False with t failed/skipped. */
static bool build(struct vmt_case *t, struct graph *g, struct iommufd_ctx *ctx)
{
	struct iommufd_ioas *ioas1 = NULL, *ioas2 = NULL;
	struct iommufd_hwpt *hwpt = NULL;
	struct iommufd_device *dev = NULL;
	uint32_t hwpt_id = 0, idev = 0;
	uint64_t iova;
	int rc;

	g->fd = iommufd_ctx_get_fd(ctx);
	add_handle(g, K_CTX, ctx, "ctx");
	if ((rc = iommufd_ioas_alloc(ctx, &ioas1)) || (rc = iommufd_ioas_alloc(ctx, &ioas2)))
		return REQUIRE(false, "ioas_alloc: %s", vmt_errname(rc));
	add_handle(g, K_IOAS, ioas1, "ioas1");
	add_handle(g, K_IOAS, ioas2, "ioas2");
	add_id(g, iommufd_ioas_get_id(ioas1), "ioas1");
	add_id(g, iommufd_ioas_get_id(ioas2), "ioas2");

	if (vmt_machine_is("mock")) {
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, np_opts, .flags = IOMMUFD_HWPT_NEST_PARENT);
		struct st_hwpt_data data = { .iotlb = 7 };
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, n_opts, .data_type = ST_HWPT_DATA_TYPE,
				.data = &data, .data_len = sizeof(data));
		struct iommufd_hwpt *np = NULL, *nested = NULL;

		rc = vmt_st_mock_domain(g->fd, iommufd_ioas_get_id(ioas1), 0, &g->stdev, &hwpt_id,
					&idev);
		if (!REQUIRE(rc == 0, "MOCK_DOMAIN: %s", vmt_errname(rc)))
			return false;
		add_id(g, g->stdev, "mock stdev");
		add_id(g, idev, "mock device");
		add_id(g, hwpt_id, "kernel-made HWPT");
		if ((rc = iommufd_device_new_from_id(ctx, idev, -1, IOMMUFD_ADOPT_BORROW, &dev)))
			return REQUIRE(false, "new_from_id: %s", vmt_errname(rc));
		add_handle(g, K_DEV, dev, "dev");
		if ((rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas2), dev, NULL, &hwpt)))
			return REQUIRE(false, "hwpt_alloc: %s", vmt_errname(rc));
		add_handle(g, K_HWPT, hwpt, "hwpt");
		add_id(g, iommufd_hwpt_get_id(hwpt), "hwpt");
		if ((rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas1), dev, &np_opts, &np)))
			return REQUIRE(false, "nest parent: %s", vmt_errname(rc));
		add_handle(g, K_HWPT, np, "nest-parent");
		add_id(g, iommufd_hwpt_get_id(np), "nest-parent");
		if ((rc = iommufd_hwpt_alloc(iommufd_hwpt_as_pt(np), dev, &n_opts, &nested)))
			return REQUIRE(false, "nested: %s", vmt_errname(rc));
		add_handle(g, K_HWPT, nested, "nested");
		add_id(g, iommufd_hwpt_get_id(nested), "nested");
		/* The kernel attaches the mock device to the nested HWPT. */
		rc = vmt_st_replace(g->fd, g->stdev, iommufd_hwpt_get_id(nested), NULL);
		if (!REQUIRE(rc == 0, "mock replace: %s", vmt_errname(rc)))
			return false;
		iova = ST_MOCK_APERTURE_START;
	} else {
		if (vmt_machine_is("noiommu") ? !vmt_noiommu_bind(t, ctx, &dev) :
						!vmt_edu_bind(t, ctx, &dev))
			return false;
		add_handle(g, K_DEV, dev, "dev");
		add_id(g, iommufd_device_get_id(dev), "device");
		if ((rc = iommufd_device_attach(dev, iommufd_ioas_as_pt(ioas1))) ||
		    (rc = iommufd_device_get_hwpt_id(dev, &hwpt_id)))
			return REQUIRE(false, "attach: %s", vmt_errname(rc));
		add_id(g, hwpt_id, "kernel-made HWPT");
		if ((rc = iommufd_hwpt_alloc(iommufd_ioas_as_pt(ioas2), dev, NULL, &hwpt)))
			return REQUIRE(false, "hwpt_alloc: %s", vmt_errname(rc));
		add_handle(g, K_HWPT, hwpt, "hwpt");
		add_id(g, iommufd_hwpt_get_id(hwpt), "hwpt");
		if ((rc = iommufd_device_replace(dev, iommufd_hwpt_as_pt(hwpt))))
			return REQUIRE(false, "replace: %s", vmt_errname(rc));
		iova = 0x100000;
	}
	/* Mappings in both IOASes, after the HWPTs (see vm-dma.c on virtio). */
	g->buf = vmt_pages(2 * PAGE);
	if ((rc = iommufd_ioas_map_fixed(ioas1, g->buf, PAGE, iova, IOMMUFD_MAP_READ)))
		return REQUIRE(false, "map in ioas1: %s", vmt_errname(rc));
	if ((rc = iommufd_ioas_map(ioas2, (char *)g->buf + PAGE, PAGE,
				   IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE, &iova))) {
		/* 6.12's virtio-iommu: a HWPT_ALLOC domain leaves its IOAS no IOVA (vm-dma.c). */
		if (!vmt_machine_is("virtio") || vmt_kernel_version() >= VMT_KV(7, 0, 0))
			return REQUIRE(false, "map in ioas2: %s", vmt_errname(rc));
		vmt_note("ioas2 has no room for a mapping on %s/virtio: left empty",
			 vmt_kernel_release());
	}
	return true;
}

/* Drops what build() left (after a failure), in creation order reversed. */
static void cleanup(struct graph *g)
{
	if (g->stdev)
		vmt_destroy(g->fd, g->stdev);
	g->stdev = 0;
	for (int i = g->nh - 1; i >= 0; i--)
		if (g->h[i])
			drop(g, i);
	vmt_pages_free(g->buf, 2 * PAGE);
	g->buf = NULL;
}

/* A deterministic permutation of 0..n-1 for round @r (0: creation order, 1: reverse). */
static void order_of(int r, int n, int *ord)
{
	uint32_t x = 0x9e3779b9u * (uint32_t)(r + 1);

	for (int i = 0; i < n; i++)
		ord[i] = r == 1 ? n - 1 - i : i;
	if (r < 2)
		return;
	for (int i = n - 1; i > 0; i--) {
		int j;

		x = x * 1664525u + 1013904223u;
		j = (int)((x >> 8) % (uint32_t)(i + 1));
		int tmp = ord[i];
		ord[i] = ord[j];
		ord[j] = tmp;
	}
}

/* One round: build on @ctx, drop in order @r, then check the kernel and the fds. */
static bool round_trip(struct vmt_case *t, struct iommufd_ctx *ctx, int check_fd, int r,
		       int fds_before)
{
	struct graph g = { 0 };
	int ord[MAX_HANDLES], rc, fds;
	char seq[256] = "";
	bool ok = false;

	if (!build(t, &g, ctx)) {
		cleanup(&g);
		return false;
	}
	order_of(r, g.nh, ord);
	/* The test-owned mock device goes first, as a VFIO device's owner would close it. */
	if (g.stdev) {
		rc = vmt_destroy(g.fd, g.stdev);
		if (!REQUIRE(rc == 0, "destroy mock device: %s", vmt_errname(rc)))
			goto out;
		g.stdev = 0;
	}
	for (int i = 0; i < g.nh; i++) {
		snprintf(seq + strlen(seq), sizeof(seq) - strlen(seq), "%s%s", i ? "," : "",
			 g.name[ord[i]]);
		drop(&g, ord[i]);
	}
	if (check_fd >= 0)
		vmt_note("round %d: dropped %s; checking %d IDs and the fds", r, seq, g.nid);
	else
		vmt_note("round %d: dropped %s; checking the fds", r, seq);
	if (check_fd >= 0) {
		for (int i = 0; i < g.nid; i++) {
			rc = vmt_destroy(check_fd, g.id[i]);
			if (!REQUIRE(rc == -ENOENT, "order %s: %s %u survived (DESTROY = %s)", seq,
				     g.id_name[i], g.id[i], vmt_errname(rc)))
				goto out;
		}
	}
	fds = vmt_count_fds();
	if (!REQUIRE(fds == fds_before, "order %s: %d fds open, %d before", seq, fds, fds_before))
		goto out;
	ok = true;
out:
	cleanup(&g);
	return ok;
}

static void test_unref_orders(struct vmt_case *t)
{
	int fd = -1, fds, rounds = 8;

	if (!vmt_need_iommufd(t))
		goto out;
	if (!vmt_machine_is("mock") && !vmt_machine_has_edu() && !vmt_machine_is("noiommu"))
		SKIP("unknown machine '%s'", vmt_machine());
	fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0, "open /dev/iommu: %s", vmt_errname(errno));
	fds = vmt_count_fds();
	for (int r = 0; r < rounds; r++) {
		struct iommufd_ctx *ctx = NULL;

		CHECK_RC(vmt_ctx_adopt(fd, &ctx), 0);
		if (!round_trip(t, ctx, fd, r, fds))
			goto out;
		/* The adopted fd is the caller's: still open, still an iommufd. */
		CHECK(fcntl(fd, F_GETFD) >= 0, "round %d: the library closed the adopted fd", r);
	}
	{
		/* And it still works after all of that. */
		struct iommufd_ctx *ctx = NULL;
		struct iommufd_ioas *ioas = NULL;

		CHECK_RC(vmt_ctx_adopt(fd, &ctx), 0);
		CHECK_RC(iommufd_ioas_alloc(ctx, &ioas), 0);
		iommufd_ioas_unref(ioas);
		iommufd_ctx_unref(ctx);
	}
	vmt_note("%d orders, every object gone, adopted fd kept", rounds);
out:
	if (fd >= 0)
		close(fd);
}

static void test_fds_closed(struct vmt_case *t)
{
	int fds, rounds = 3;

	if (!vmt_need_iommufd(t))
		goto out;
	if (!vmt_machine_is("mock") && !vmt_machine_has_edu() && !vmt_machine_is("noiommu"))
		SKIP("unknown machine '%s'", vmt_machine());
	fds = vmt_count_fds();
	for (int r = 0; r < rounds; r++) {
		struct iommufd_ctx *ctx = NULL;

		/* The library opens /dev/iommu (and, with edu, the cdev). */
		CHECK_RC(vmt_ctx_new(&ctx), 0);
		CHECK(vmt_count_fds() == fds + 1, "ctx_new opened %d fds", vmt_count_fds() - fds);
		/* No fd to check IDs with once the library closed its own: fds only. */
		if (!round_trip(t, ctx, -1, r + 1, fds))
			goto out;
	}
	vmt_note("%d rounds, the library closed every fd it opened", rounds);
out:
	return;
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 2);
	vmt_run("unref-orders", test_unref_orders);
	vmt_run("fds-closed", test_fds_closed);
	return vmt_end();
}
