// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Scenario 6: what iommufd_device_get_hw_info() reads from each IOMMU.
 *
 * VT-d reports its type (1) and 24 bytes: flags, then the capability and
 * extended capability registers. The AMD driver reports type 4 with 16
 * bytes (EFR, EFR2) from 7.x on; 6.12's reports nothing. virtio-iommu
 * reports nothing. The selftest mock IOMMU reports 0xfeedbeef with a test
 * register that reads 0xdeadbeef, and its dirty-tracking capability follows
 * the mock device's flags.
 */
#include <stdlib.h>
#include <unistd.h>

#include "vmtest.h"

static uint64_t le64_at(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, sizeof(v));	/* x86: the kernel's host order */
	return v;
}

static void hw_info_edu(struct vmt_case *t, struct iommufd_ctx *ctx)
{
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	struct iommufd_device *dev = NULL;
	uint8_t data[64];

	if (!vmt_edu_bind(t, ctx, &dev))
		goto out;
	memset(data, 0xa5, sizeof(data));
	CHECK_RC(iommufd_device_get_hw_info(dev, data, sizeof(data), &info), 0);
	vmt_note("%s: type %u, %u bytes, capabilities 0x%llx, max PASID log2 %u", vmt_machine(),
		 info.type, info.data_len, (unsigned long long)info.capabilities,
		 info.max_pasid_log2);
	if (vmt_machine_is("vtd")) {
		CHECK(info.type == IOMMUFD_HW_INFO_INTEL_VTD, "VT-d type %u, expected 1", info.type);
		CHECK(info.data_len == 24, "VT-d record %u bytes, expected 24", info.data_len);
		CHECK(le64_at(data + 8) != 0 && le64_at(data + 16) != 0,
		      "cap_reg 0x%llx / ecap_reg 0x%llx", (unsigned long long)le64_at(data + 8),
		      (unsigned long long)le64_at(data + 16));
		vmt_note("cap_reg 0x%016llx ecap_reg 0x%016llx", (unsigned long long)le64_at(data + 8),
			 (unsigned long long)le64_at(data + 16));
	} else if (vmt_machine_is("amd")) {
		if (vmt_kernel_version() < VMT_KV(7, 0, 0)) {
			/* Checked, then skipped: the kernel has nothing to report. */
			CHECK(info.type == IOMMUFD_HW_INFO_NONE && info.data_len == 0,
			      "6.x AMD: type %u with %u bytes, expected none", info.type, info.data_len);
			SKIP("kernel %s: its AMD IOMMU driver reports no hw info (type 0, 0 bytes)",
			     vmt_kernel_release());
		}
		CHECK(info.type == IOMMUFD_HW_INFO_AMD, "AMD type %u, expected 4", info.type);
		CHECK(info.data_len == 16, "AMD record %u bytes, expected 16", info.data_len);
		CHECK(le64_at(data) != 0, "EFR reads 0");
		vmt_note("EFR 0x%016llx EFR2 0x%016llx", (unsigned long long)le64_at(data),
			 (unsigned long long)le64_at(data + 8));
	} else {
		CHECK(info.type == IOMMUFD_HW_INFO_NONE && info.data_len == 0,
		      "virtio-iommu: type %u with %u bytes, expected none", info.type, info.data_len);
	}
	/* The kernel zero-fills the rest of the caller's buffer. */
	for (size_t i = info.data_len; i < sizeof(data); i++)
		CHECK(data[i] == 0, "byte %zu past the record is 0x%02x, not zeroed", i, data[i]);
out:
	iommufd_device_unref(dev);
}

static void hw_info_mock(struct vmt_case *t, struct iommufd_ctx *ctx)
{
	struct iommufd_hw_info info = { .sz = sizeof(info) };
	struct iommufd_device *dev = NULL, *nodirty = NULL;
	struct iommufd_ioas *ioas = NULL;
	uint32_t stdev = 0, stdev2 = 0, idev = 0, idev2 = 0;
	struct st_hw_info rec;
	uint8_t small[4];
	int fd = iommufd_ctx_get_fd(ctx);

	CHECK_RC(iommufd_ioas_alloc(ctx, &ioas), 0);
	CHECK_RC(vmt_st_mock_domain(fd, iommufd_ioas_get_id(ioas), 0, &stdev, NULL, &idev), 0);
	CHECK_RC(iommufd_device_new_from_id(ctx, idev, -1, IOMMUFD_ADOPT_BORROW, &dev), 0);
	memset(&rec, 0xa5, sizeof(rec));
	CHECK_RC(iommufd_device_get_hw_info(dev, &rec, sizeof(rec), &info), 0);
	vmt_note("mock: type 0x%x, %u bytes, capabilities 0x%llx, max PASID log2 %u", info.type,
		 info.data_len, (unsigned long long)info.capabilities, info.max_pasid_log2);
	CHECK(info.type == IOMMUFD_HW_INFO_SELFTEST, "type 0x%x, expected 0xfeedbeef", info.type);
	CHECK(info.data_len == sizeof(rec), "record %u bytes, expected 8", info.data_len);
	CHECK(rec.test_reg == ST_HW_INFO_REGVAL, "test_reg 0x%x, expected 0xdeadbeef", rec.test_reg);
	CHECK(info.capabilities & IOMMUFD_HW_CAP_DIRTY_TRACKING,
	      "a default mock device should report dirty tracking (caps 0x%llx)",
	      (unsigned long long)info.capabilities);
	/* A short buffer: the kernel copies what fits and tells the full length. */
	memset(small, 0, sizeof(small));
	CHECK_RC(iommufd_device_get_hw_info(dev, small, sizeof(small), &info), 0);
	CHECK(info.data_len == sizeof(rec), "with a 4-byte buffer data_len is %u", info.data_len);

	CHECK_RC(vmt_st_mock_domain(fd, iommufd_ioas_get_id(ioas), ST_MOCK_DEV_NO_DIRTY, &stdev2,
				    NULL, &idev2), 0);
	CHECK_RC(iommufd_device_new_from_id(ctx, idev2, -1, IOMMUFD_ADOPT_BORROW, &nodirty), 0);
	CHECK_RC(iommufd_device_get_hw_info(nodirty, NULL, 0, &info), 0);
	CHECK(info.type == IOMMUFD_HW_INFO_SELFTEST, "no-dirty device: type 0x%x", info.type);
	CHECK(!(info.capabilities & IOMMUFD_HW_CAP_DIRTY_TRACKING),
	      "a no-dirty mock device reports dirty tracking (caps 0x%llx)",
	      (unsigned long long)info.capabilities);
out:
	if (stdev)
		vmt_destroy(fd, stdev);
	if (stdev2)
		vmt_destroy(fd, stdev2);
	iommufd_device_unref(dev);
	iommufd_device_unref(nodirty);
	iommufd_ioas_unref(ioas);
}

static void test_hw_info(struct vmt_case *t)
{
	struct iommufd_ctx *ctx = NULL;

	if (!vmt_need_iommufd(t))
		goto out;
	CHECK_RC(vmt_ctx_new(&ctx), 0);
	if (vmt_machine_is("mock"))
		hw_info_mock(t, ctx);
	else
		hw_info_edu(t, ctx);
out:
	iommufd_ctx_unref(ctx);
}

int main(int argc, char **argv)
{
	(void)argc;
	vmt_begin(argv[0], 1);
	vmt_run("hw-info", test_hw_info);
	return vmt_end();
}
