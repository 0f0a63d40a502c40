// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * Peer-to-peer DMA through dma-bufs: a range of a device's BAR exported by
 * VFIO as a dma-buf, mapped into an IOAS so another device can DMA to it,
 * and the revocation the kernel imposes while the exporting device's memory
 * decode is off or it is reset. (Mapping a BAR's mmap with IOAS_MAP fails
 * with EFAULT: the kernel pins no pages behind MMIO.)
 */
#include <fcntl.h>
#include <unistd.h>

#include "private.h"

/* VFIO exports whole CPU pages of a BAR. */
static bool page_aligned(uint64_t v)
{
	return !(v & ((uint64_t)sysconf(_SC_PAGESIZE) - 1));
}

/* A handle adopted by ID has no cdev to ask: refused before any syscall. */
static int need_cdev(struct iommufd_device *dev, const char *what)
{
	if (dev->fd >= 0)
		return 0;
	log_err(dev->ctx, "%s of device %u: EOPNOTSUPP: the handle was made from an ID, without"
		" the cdev: the code that owns the cdev does this", what, dev->id);
	return -EOPNOTSUPP;
}

IOMMUFD_EXPORT int iommufd_device_export_dmabuf(struct iommufd_device *dev,
						uint32_t region_index, uint64_t offset,
						uint64_t length, int *ret_fd)
{
	struct {
		struct kabi_vfio_device_feature hdr;
		struct kabi_vfio_device_feature_dma_buf buf;
		struct kabi_vfio_region_dma_range range;
	} arg = {
		.hdr = { .argsz = sizeof(arg),
			 .flags = KABI_VFIO_DEVICE_FEATURE_GET | KABI_VFIO_DEVICE_FEATURE_DMA_BUF },
		.buf = { .region_index = region_index, .open_flags = O_RDWR | O_CLOEXEC,
			 .nr_ranges = 1 },
		.range = { .offset = offset, .length = length },
	};
	int fd;

	if (!dev || !ret_fd)
		return bad_args(dev ? dev->ctx : NULL, "!dev || !ret_fd");
	if (region_index > 5 || !length || !page_aligned(offset) || !page_aligned(length) ||
	    offset + (length - 1) < offset) {
		log_err(dev->ctx, "DMA_BUF export of device %u region %u offset 0x%llx length"
			" 0x%llx: EINVAL: %s", dev->id, region_index, (unsigned long long)offset,
			(unsigned long long)length, region_index > 5 ?
			"only BARs 0-5 can be exported" :
			"offset and length must be non-zero multiples of the page size that do"
			" not wrap");
		return -EINVAL;
	}
	fd = need_cdev(dev, "DMA_BUF export");
	if (fd)
		return fd;
	/* The one VFIO command that returns a new fd rather than 0. */
	fd = ioctl(dev->fd, KABI_VFIO_DEVICE_FEATURE, &arg);
	if (fd < 0) {
		int rc = -errno;

		log_cmd_err(dev->ctx, KCMD_DMABUF_EXPORT, rc, NULL, "DMA_BUF export of device %u"
			    " BAR %u offset 0x%llx length 0x%llx", dev->id, region_index,
			    (unsigned long long)offset, (unsigned long long)length);
		return rc;
	}
	log_dbg(dev->ctx, "device %u BAR %u [0x%llx, +0x%llx) exported as dma-buf fd %d",
		dev->id, region_index, (unsigned long long)offset,
		(unsigned long long)length, fd);
	*ret_fd = fd;
	return 0;
}

IOMMUFD_EXPORT int iommufd_device_get_memory_decode(struct iommufd_device *dev,
						    bool *ret_enabled)
{
	struct kabi_vfio_region_info info = {
		.argsz = sizeof(info), .index = KABI_VFIO_PCI_CONFIG_REGION_INDEX,
	};
	uint16_t cmd;
	ssize_t n;
	int rc;

	if (!dev || !ret_enabled)
		return bad_args(dev ? dev->ctx : NULL, "!dev || !ret_enabled");
	rc = need_cdev(dev, "reading the memory decode");
	if (rc)
		return rc;
	rc = kernel_ioctl(dev->fd, KABI_VFIO_DEVICE_GET_REGION_INFO, &info);
	if (rc) {
		log_cmd_err(dev->ctx, KCMD_PCI_CONFIG_INFO, rc, NULL,
			    "device %u: GET_REGION_INFO of PCI config space", dev->id);
		return rc;
	}
	n = pread(dev->fd, &cmd, sizeof(cmd), (off_t)(info.offset + KABI_PCI_COMMAND));
	if (n != (ssize_t)sizeof(cmd)) {
		rc = n < 0 ? -errno : -EIO;
		log_err(dev->ctx, "device %u: reading the PCI command register: %s", dev->id,
			n < 0 ? iommufd_errname(rc) : "short read");
		return rc;
	}
	/* PCI config space is little endian. */
	cmd = (uint16_t)(((const uint8_t *)&cmd)[0] | ((const uint8_t *)&cmd)[1] << 8);
	*ret_enabled = cmd & KABI_PCI_COMMAND_MEMORY;
	return 0;
}

static int map_dmabuf(struct iommufd_ioas *ioas, int fd, uint64_t offset, uint64_t length,
		      uint64_t iova, uint32_t prot, const char *verb)
{
	struct kabi_ioas_map_file cmd = {
		.size = sizeof(cmd),
		.flags = KABI_IOAS_MAP_FIXED_IOVA |
			 (prot & IOMMUFD_MAP_READ ? KABI_IOAS_MAP_READABLE : 0) |
			 (prot & IOMMUFD_MAP_WRITE ? KABI_IOAS_MAP_WRITEABLE : 0),
		.ioas_id = ioas->pt.id,
		.fd = fd,
		.start = offset,
		.length = length,
		.iova = iova,
	};
	int rc = kernel_ioctl(ioas->pt.ctx->fd, KABI_IOMMU_IOAS_MAP_FILE, &cmd);

	if (rc)
		log_cmd_err(ioas->pt.ctx, KCMD_IOAS_MAP_DMABUF, rc, NULL,
			    "%s IOAS %u dma-buf fd %d [0x%llx, +0x%llx) at iova 0x%llx", verb,
			    ioas->pt.id, fd, (unsigned long long)offset,
			    (unsigned long long)length, (unsigned long long)iova);
	return rc;
}

/*
 * What the library can see is wrong with a dma-buf map: a bad fd, an empty
 * or wrapping range, unknown prot bits, and misalignment (the rule of
 * iommufd_ioas_map(): the offset, length and IOVA are whole CPU pages).
 */
static int check_map_args(struct iommufd_ioas *ioas, int fd, uint64_t offset,
			  uint64_t length, uint64_t iova, uint32_t prot, const char *verb)
{
	const char *why = NULL;
	int rc = -EINVAL;

	if (fd < 0)
		why = "a negative fd";
	else if (!length)
		why = "zero length";
	else if (offset + (length - 1) < offset || iova + (length - 1) < iova)
		why = "the range wraps around";
	else if (!prot || (prot & ~(uint32_t)(IOMMUFD_MAP_READ | IOMMUFD_MAP_WRITE)))
		why = "prot must be IOMMUFD_MAP_READ and/or IOMMUFD_MAP_WRITE, nothing else";
	else if (fcntl(fd, F_GETFD) < 0) {
		/* A closed fd is the caller's mistake, said as such, not the kernel's EBADF. */
		why = "not an open file descriptor";
		rc = -EBADF;
	}
	if (why) {
		log_err(ioas->pt.ctx, "%s IOAS %u: fd %d offset 0x%llx length 0x%llx iova 0x%llx"
			" prot 0x%x: %s: %s", verb, ioas->pt.id, fd, (unsigned long long)offset,
			(unsigned long long)length, (unsigned long long)iova, prot,
			iommufd_errname(rc), why);
		return rc;
	}
	return iommufd_check_aligned(ioas, verb, "offset", offset, length, iova, true);
}

IOMMUFD_EXPORT int iommufd_ioas_map_dmabuf(struct iommufd_ioas *ioas, int dmabuf_fd,
					   uint64_t offset, uint64_t length, uint64_t iova,
					   uint32_t prot)
{
	int rc;

	if (!ioas)
		return bad_args(NULL, "!ioas");
	rc = check_map_args(ioas, dmabuf_fd, offset, length, iova, prot, "MAP_FILE of a dma-buf");
	return rc ? rc : map_dmabuf(ioas, dmabuf_fd, offset, length, iova, prot,
				    "MAP_FILE of a dma-buf");
}

IOMMUFD_EXPORT int iommufd_ioas_remap_dmabuf(struct iommufd_ioas *ioas, int dmabuf_fd,
					     uint64_t offset, uint64_t length, uint64_t iova,
					     uint32_t prot)
{
	int rc;

	if (!ioas)
		return bad_args(NULL, "!ioas");
	rc = check_map_args(ioas, dmabuf_fd, offset, length, iova, prot, "remap of a dma-buf");
	if (rc)
		return rc;
	/* The revoked mapping keeps its IOVA in the IOAS: it goes first, if it is there. */
	rc = iommufd_ioas_unmap(ioas, iova, length, IOMMUFD_UNMAP_ABSENT_OK, NULL);
	return rc ? rc : map_dmabuf(ioas, dmabuf_fd, offset, length, iova, prot,
				    "remap of a dma-buf");
}
