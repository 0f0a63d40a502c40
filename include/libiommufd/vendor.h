/* SPDX-License-Identifier: LGPL-2.1-or-later */
/**
 * @file libiommufd/vendor.h
 * @brief Vendor data of libiommufd: hw-info decoders, nested HWPT and
 * invalidation builders (included by libiommufd.h, not meant to be included
 * alone).
 */
#ifndef LIBIOMMUFD_VENDOR_H
#define LIBIOMMUFD_VENDOR_H

/*
 * These declarations use the context type, the conventions and
 * LIBIOMMUFD_OPTS() of libiommufd.h, which includes this file at its end:
 * one entry point, one set of rules.
 */
#ifndef LIBIOMMUFD_H
#error "include <libiommufd.h>, which includes <libiommufd/vendor.h>"
#endif

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ==== vendor data: hw-info decoders, nested HWPT and invalidation data ==== */

/**
 * @defgroup vendor Vendor data: hw-info decoders, nested HWPT and invalidation builders
 *
 * Pure functions over bytes, with no kernel call: decoders turn the vendor
 * record of iommufd_device_get_hw_info() into named fields, and builders
 * make the vendor bytes of a nested HWPT (for the `data_type`, `data`,
 * `data_len` of struct iommufd_hwpt_opts) and of invalidation entries,
 * checking every field first so the kernel never sees a malformed one.
 *
 * Common rules of these calls:
 * - Every vendor decoder is `(ctx, data, data_len, ret_info)`
 *   (iommufd_hw_info_decode() adds the record's type before `data`), and
 *   every builder is `(ctx, in, hw, buf, buf_len, ret_type, ret_len)`:
 *   `in` is the builder's input struct, `hw` the vendor's decoded hardware
 *   information or NULL. Builders take no fields as scalars, so that each
 *   can grow with the kernel's structs without a new symbol.
 * - @p ctx is used for log lines only and may be NULL (silent). Every
 *   refusal logs the field at fault and why.
 * - Decoder output structs and builder input structs start with `size_t sz`
 *   (set it, e.g. with LIBIOMMUFD_OPTS()). A decoder writes only the members
 *   that fit in `sz` and never changes `sz`; a builder reads only the
 *   members that fit and returns -E2BIG when bytes it does not know are set.
 * - A builder writes its bytes to @p buf only on success; @p ret_type (the
 *   kernel's data type number) and @p ret_len (bytes written) may be NULL.
 * - Given `hw`, a builder also checks the request against it and returns
 *   -EOPNOTSUPP, naming the register field, when the IOMMU lacks what the
 *   request needs (each builder says which fields it checks, and why not
 *   others); with `hw` NULL only the hardware-independent checks are made.
 * - Errors: -EINVAL for NULL pointers, a too small `sz` or buffer, a vendor
 *   record shorter than its layout, and malformed field values.
 * @{
 */

/**
 * @brief Data types of a nested HWPT (struct iommufd_hwpt_opts::data_type).
 * @since 1.0
 */
enum iommufd_hwpt_data_type {
	IOMMUFD_HWPT_DATA_NONE = 0,		/**< no vendor data */
	IOMMUFD_HWPT_DATA_VTD_S1 = 1,		/**< Intel VT-d stage-1 (kernel 6.7) */
	IOMMUFD_HWPT_DATA_ARM_SMMUV3 = 2,	/**< ARM SMMUv3 STE (kernel 6.13) */
	IOMMUFD_HWPT_DATA_AMD_GUEST = 3,	/**< AMD guest DTE (7.x kernels) */
};

/**
 * @brief HWPT data type of the kernel's selftest mock IOMMU.
 * @since 1.0
 */
#define IOMMUFD_HWPT_DATA_SELFTEST 0xdeadu

/**
 * @brief Bytes of ::IOMMUFD_HWPT_DATA_VTD_S1 data.
 * @since 1.0
 */
#define IOMMUFD_HWPT_DATA_VTD_S1_LEN 24u
/**
 * @brief Bytes of ::IOMMUFD_HWPT_DATA_ARM_SMMUV3 data.
 * @since 1.0
 */
#define IOMMUFD_HWPT_DATA_ARM_SMMUV3_LEN 16u
/**
 * @brief Bytes of ::IOMMUFD_HWPT_DATA_AMD_GUEST data.
 * @since 1.0
 */
#define IOMMUFD_HWPT_DATA_AMD_GUEST_LEN 32u
/**
 * @brief Bytes of #IOMMUFD_HWPT_DATA_SELFTEST data (all kernels take 4).
 * @since 1.0
 */
#define IOMMUFD_HWPT_DATA_SELFTEST_LEN 4u

/**
 * @brief Data types of invalidation entries (one type per array).
 * @since 1.0
 */
enum iommufd_invalidate_data_type {
	/** Intel VT-d stage-1, on a nested HWPT. */
	IOMMUFD_INVALIDATE_VTD_S1 = 0,
	/** ARM SMMUv3 command, on a vIOMMU. */
	IOMMUFD_INVALIDATE_ARM_SMMUV3 = 1,
};

/**
 * @brief Invalidation data type of the selftest mock IOMMU (HWPT and vIOMMU).
 * @since 1.0
 */
#define IOMMUFD_INVALIDATE_SELFTEST 0xdeadbeefu

/**
 * @brief Bytes of one ::IOMMUFD_INVALIDATE_VTD_S1 entry.
 * @since 1.0
 */
#define IOMMUFD_INVALIDATE_VTD_S1_LEN 24u
/**
 * @brief Bytes of one ::IOMMUFD_INVALIDATE_ARM_SMMUV3 entry.
 * @since 1.0
 */
#define IOMMUFD_INVALIDATE_ARM_SMMUV3_LEN 16u
/**
 * @brief Bytes of one #IOMMUFD_INVALIDATE_SELFTEST entry for a nested HWPT.
 * @since 1.0
 */
#define IOMMUFD_INVALIDATE_SELFTEST_LEN 8u
/**
 * @brief Bytes of one #IOMMUFD_INVALIDATE_SELFTEST entry for a vIOMMU.
 * @since 1.0
 */
#define IOMMUFD_INVALIDATE_SELFTEST_VIOMMU_LEN 12u

/**
 * @brief The most bytes any builder of this library writes.
 * @since 1.0
 */
#define IOMMUFD_VENDOR_DATA_MAX 32u

/* ---- Intel VT-d --------------------------------------------------------- */

/**
 * @brief Intel VT-d hardware information (::IOMMUFD_HW_INFO_INTEL_VTD),
 * filled by iommufd_vtd_info_decode().
 *
 * Register fields are named as in the Intel VT-d Architecture
 * Specification, 11.4.2 Capability Register (CAP) and 11.4.3 Extended
 * Capability Register (ECAP); a `bool` is a one-bit "supported" field.
 * @since 1.0
 */
struct iommufd_vtd_info {
	/** sizeof(struct iommufd_vtd_info), set by the caller. */
	size_t sz;
	/** The raw capability register. */
	uint64_t cap_reg;
	/** The raw extended capability register. */
	uint64_t ecap_reg;
	/** The raw flags of the kernel's VT-d record. */
	uint32_t flags;
	/**
	 * Erratum 772415 (SPR17): a nest-parent HWPT must not have read-only
	 * mappings; the kernel maps them writable (flags bit 0).
	 */
	bool errata_772415_spr17;
	/**
	 * Nested translation is possible: scalable mode (ECAP.SMTS), nesting
	 * (ECAP.NEST), first- and second-stage translation (ECAP.FSTS,
	 * ECAP.SSTS) are all supported.
	 */
	bool nesting;
	/** CAP.ND (2:0): domain-ID width field; see @ref num_domains. */
	uint8_t nd;
	/** Domain IDs supported: 2^(4 + 2 * ND). */
	uint32_t num_domains;
	/** CAP.AFL (3): advanced fault logging. */
	bool afl;
	/** CAP.RWBF (4): write-buffer flushing required. */
	bool rwbf;
	/** CAP.PLMR (5): protected low-memory region. */
	bool plmr;
	/** CAP.PHMR (6): protected high-memory region. */
	bool phmr;
	/**
	 * CAP.CM (7): caching mode: not-present entries may be cached, so
	 * software must invalidate after making entries present (a virtual
	 * IOMMU sets it to see every change).
	 */
	bool cm;
	/**
	 * CAP.SAGAW (12:8): second-stage table depths, a bit mask: bit 1
	 * 3-level (39-bit), bit 2 4-level (48-bit), bit 3 5-level (57-bit).
	 */
	uint8_t sagaw;
	/** Maximum guest address width in bits: CAP.MGAW (21:16) + 1. */
	uint8_t mgaw;
	/** CAP.ZLR (22): zero-length reads. */
	bool zlr;
	/** Fault-recording registers offset in bytes: CAP.FRO (33:24) * 16. */
	uint32_t fro;
	/** CAP.SSLPS (37:34): second-stage large pages: bit 0 2 MiB, bit 1 1 GiB. */
	uint8_t sslps;
	/** CAP.PSI (39): page-selective invalidation. */
	bool psi;
	/** Fault-recording registers: CAP.NFR (47:40) + 1. */
	uint16_t nfr;
	/** CAP.MAMV (53:48): maximum address mask of page-selective invalidation. */
	uint8_t mamv;
	/** CAP.DWD (54): write draining. */
	bool dwd;
	/** CAP.DRD (55): read draining. */
	bool drd;
	/** CAP.FS1GP (56): first-stage 1 GiB pages. */
	bool fs1gp;
	/** CAP.PI (59): posted interrupts. */
	bool pi;
	/** CAP.FS5LP (60): first-stage 5-level paging (57-bit addresses). */
	bool fs5lp;
	/** CAP.ECMDS (61): enhanced command interface. */
	bool ecmds;
	/** CAP.ESIRTPS (62): enhanced set interrupt remap table pointer. */
	bool esirtps;
	/** CAP.ESRTPS (63): enhanced set root table pointer. */
	bool esrtps;
	/** ECAP.C (0): page-walk coherency. */
	bool c;
	/** ECAP.QI (1): queued invalidation. */
	bool qi;
	/** ECAP.DT (2): device-TLB (ATS). */
	bool dt;
	/** ECAP.IR (3): interrupt remapping. */
	bool ir;
	/** ECAP.EIM (4): extended (x2APIC) interrupt mode. */
	bool eim;
	/** ECAP.PT (6): pass-through. */
	bool pt;
	/** ECAP.SC (7): snoop control. */
	bool sc;
	/** IOTLB registers offset in bytes: ECAP.IRO (17:8) * 16. */
	uint32_t iro;
	/** ECAP.MHMV (23:20): maximum handle mask of interrupt-entry invalidation. */
	uint8_t mhmv;
	/** ECAP.ECS (24): extended context (deprecated since VT-d 3.0). */
	bool ecs;
	/** ECAP.MTS (25): memory type. */
	bool mts;
	/** ECAP.NEST (26): nested translation. */
	bool nest;
	/** ECAP.PRS (29): page requests. */
	bool prs;
	/** ECAP.ERS (30): execute requests. */
	bool ers;
	/** ECAP.SRS (31): supervisor requests (needed by ::IOMMUFD_VTD_S1_SRE). */
	bool srs;
	/** ECAP.NWFS (33): no-write flag. */
	bool nwfs;
	/** ECAP.EAFS (34): extended accessed flag (needed by ::IOMMUFD_VTD_S1_EAFE). */
	bool eafs;
	/** ECAP.PSS (39:35): PASID size field; see @ref pasid_bits. */
	uint8_t pss;
	/** PASID width in bits, PSS + 1, when @ref pasid is set; else 0. */
	uint8_t pasid_bits;
	/** ECAP.PASID (40): process address space IDs. */
	bool pasid;
	/** ECAP.DIT (41): device-TLB invalidation throttle. */
	bool dit;
	/** ECAP.PDS (42): page-request drain. */
	bool pds;
	/** ECAP.SMTS (43): scalable-mode translation. */
	bool smts;
	/** ECAP.VCS (44): virtual command. */
	bool vcs;
	/** ECAP.SSADS (45): second-stage accessed/dirty bits (dirty tracking). */
	bool ssads;
	/** ECAP.SSTS (46): second-stage translation. */
	bool ssts;
	/** ECAP.FSTS (47): first-stage translation. */
	bool fsts;
	/** ECAP.SMPWCS (48): scalable-mode page-walk coherency. */
	bool smpwcs;
	/** ECAP.RPS (49): RID-PASID. */
	bool rps;
	/** ECAP.PMS (51): performance monitoring. */
	bool pms;
};

/**
 * @brief Decode the VT-d record of iommufd_device_get_hw_info().
 * @param ctx a context for logging, or NULL
 * @param data the record
 * @param data_len bytes at @p data: at least 24 (more are ignored)
 * @param[in,out] ret_info its `sz` set by the caller (at least up to
 * @ref iommufd_vtd_info::cap_reg); filled with what fits on success
 * @return 0, or -EINVAL
 * @since 1.0
 */
int iommufd_vtd_info_decode(struct iommufd_ctx *ctx, const void *data,
			    size_t data_len, struct iommufd_vtd_info *ret_info);

/**
 * @brief Flags of struct iommufd_vtd_s1 (first-stage PASID-entry bits).
 * @since 1.0
 */
enum iommufd_vtd_s1_flags {
	/** SRE: supervisor requests are allowed (needs ECAP.SRS). */
	IOMMUFD_VTD_S1_SRE = 1 << 0,
	/** EAFE: extended accessed flag enable (needs ECAP.EAFS). */
	IOMMUFD_VTD_S1_EAFE = 1 << 1,
	/** WPE: write protect for supervisor requests (only acts with SRE). */
	IOMMUFD_VTD_S1_WPE = 1 << 2,
};

/**
 * @brief A guest's VT-d first-stage table, the input of
 * iommufd_vtd_s1_build(): the fields of its scalable-mode PASID-table entry
 * (VT-d spec 9.6) that nesting passes on.
 * @since 1.0
 */
struct iommufd_vtd_s1 {
	/** sizeof(struct iommufd_vtd_s1); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** Mask of ::iommufd_vtd_s1_flags. */
	uint64_t flags;
	/**
	 * Guest-physical address of the first-stage root table (FSPTPTR):
	 * 4 KiB aligned, and below 2^MGAW when @p hw is given.
	 */
	uint64_t pgtbl_addr;
	/** Input address width: 48 (4-level) or 57 (5-level, needs CAP.FS5LP). */
	uint32_t addr_width;
};

/**
 * @brief Build ::IOMMUFD_HWPT_DATA_VTD_S1 data for a nested HWPT.
 * @param ctx a context for logging, or NULL
 * @param s1 the stage-1 description
 * @param hw the decoded hardware information, or NULL; with it the call
 * also requires nesting support (ECAP.SMTS, NEST, FSTS, SSTS) and checks
 * the flags and address width against ECAP.SRS, ECAP.EAFS, CAP.FS5LP and
 * CAP.MGAW
 * @param buf where the bytes go
 * @param buf_len bytes at @p buf: at least #IOMMUFD_HWPT_DATA_VTD_S1_LEN
 * @param[out] ret_type ::IOMMUFD_HWPT_DATA_VTD_S1, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL (unknown flags, misaligned table, address width
 * not 48 or 57), -E2BIG, -EOPNOTSUPP (the hardware lacks a needed feature)
 * @since 1.0
 */
int iommufd_vtd_s1_build(struct iommufd_ctx *ctx,
			 const struct iommufd_vtd_s1 *s1,
			 const struct iommufd_vtd_info *hw, void *buf,
			 size_t buf_len, uint32_t *ret_type, size_t *ret_len);

/**
 * @brief Flags of struct iommufd_vtd_inv.
 * @since 1.0
 */
enum iommufd_vtd_inv_flags {
	/** Only leaf entries changed: paging-structure caches may stay. */
	IOMMUFD_VTD_INV_LEAF = 1 << 0,
};

/**
 * @brief iommufd_vtd_inv::npages that means "everything".
 * @since 1.0
 */
#define IOMMUFD_VTD_INV_ALL UINT64_MAX

/**
 * @brief A change the guest made to its first-stage table, the input of
 * iommufd_vtd_inv_build(): [addr, addr + npages * 4 KiB) is to be
 * invalidated.
 * @since 1.0
 */
struct iommufd_vtd_inv {
	/** sizeof(struct iommufd_vtd_inv); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** First address: 4 KiB aligned; 0 with #IOMMUFD_VTD_INV_ALL. */
	uint64_t addr;
	/**
	 * Number of 4 KiB pages (non-zero; the range must not pass 2^64), or
	 * #IOMMUFD_VTD_INV_ALL for the whole table.
	 */
	uint64_t npages;
	/** Mask of ::iommufd_vtd_inv_flags. */
	uint32_t flags;
};

/**
 * @brief Build one ::IOMMUFD_INVALIDATE_VTD_S1 entry for a nested HWPT.
 *
 * With @p hw the call checks only that the IOMMU can nest: the entry means
 * nothing without a nested stage-1 HWPT. It does not check the range
 * against CAP.PSI (page-selective invalidation) or CAP.MAMV (the largest
 * address mask), on purpose: the kernel takes any aligned range and makes
 * of it what its IOMMU can do (page-selective invalidations when PSI is
 * there and the range's mask fits MAMV, a domain-selective one otherwise),
 * so these bits never make a range wrong; and the guest sends ranges shaped
 * by the CAP of its virtual IOMMU, which the VMM chose, not by the host's.
 * @param ctx a context for logging, or NULL
 * @param inv the range and flags
 * @param hw the decoded hardware information, or NULL; with it the call
 * also requires nesting support (ECAP.SMTS, NEST, FSTS, SSTS)
 * @param buf where the entry goes
 * @param buf_len bytes at @p buf: at least #IOMMUFD_INVALIDATE_VTD_S1_LEN
 * @param[out] ret_type ::IOMMUFD_INVALIDATE_VTD_S1, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL (unknown flags, misaligned address, empty range or
 * one passing 2^64), -E2BIG, -EOPNOTSUPP (the IOMMU cannot nest)
 * @since 1.0
 */
int iommufd_vtd_inv_build(struct iommufd_ctx *ctx,
			  const struct iommufd_vtd_inv *inv,
			  const struct iommufd_vtd_info *hw, void *buf,
			  size_t buf_len, uint32_t *ret_type, size_t *ret_len);

/* ---- ARM SMMUv3 and its NVIDIA Tegra241 CMDQV extension ---------------- */

/**
 * @brief ARM SMMUv3 hardware information (::IOMMUFD_HW_INFO_ARM_SMMUV3),
 * filled by iommufd_smmuv3_info_decode().
 *
 * Fields are named as in the ARM SMMUv3 specification (IHI 0070), 6.3.1 to
 * 6.3.6 SMMU_IDR0 to SMMU_IDR5, SMMU_IIDR and SMMU_AIDR. The kernel asks
 * VMMs to read only ST_LEVEL, TERM_MODEL, STALL_MODEL, TTENDIAN, CD2L,
 * ASID16, TTF (IDR0), SIDSIZE, SSIDSIZE (IDR1), BBML, RIL (IDR3), VAX and
 * the granules (IDR5) when they build a virtual SMMU; S1P is to be assumed
 * where a nested HWPT can be made, COHACC always, and ATS per device. The
 * other fields describe the physical SMMU.
 * @since 1.0
 */
struct iommufd_smmuv3_info {
	/** sizeof(struct iommufd_smmuv3_info), set by the caller. */
	size_t sz;
	/** Raw SMMU_IDR0 to SMMU_IDR5. */
	uint32_t idr[6];
	/** Raw SMMU_IIDR. */
	uint32_t iidr;
	/** Raw SMMU_AIDR. */
	uint32_t aidr;
	/** The raw flags of the kernel's record (0). */
	uint32_t flags;
	/** IDR0.S2P (0): stage-2 translation. */
	bool s2p;
	/** IDR0.S1P (1): stage-1 translation. */
	bool s1p;
	/** IDR0.TTF (3:2): table formats: 1 AArch32, 2 AArch64, 3 both. */
	uint8_t ttf;
	/** IDR0.COHACC (4): coherent access to tables and queues. */
	bool cohacc;
	/** IDR0.BTM (5): broadcast TLB maintenance. */
	bool btm;
	/** IDR0.HTTU (7:6): hardware table updates: 0 none, 1 access flag, 2 also dirty. */
	uint8_t httu;
	/** IDR0.HYP (9): EL2 (hypervisor) stream world. */
	bool hyp;
	/** IDR0.ATS (10): PCIe ATS. */
	bool ats;
	/** IDR0.ASID16 (12): 16-bit ASIDs (else 8-bit). */
	bool asid16;
	/** IDR0.MSI (13): message-signalled interrupts. */
	bool msi;
	/** IDR0.SEV (14): WFE wake-up events. */
	bool sev;
	/** IDR0.PRI (16): PCIe page request interface. */
	bool pri;
	/** IDR0.VMID16 (18): 16-bit VMIDs (else 8-bit). */
	bool vmid16;
	/** IDR0.CD2L (19): two-level context-descriptor tables. */
	bool cd2l;
	/** IDR0.TTENDIAN (22:21): table endianness: 0 mixed, 2 little, 3 big. */
	uint8_t ttendian;
	/**
	 * IDR0.STALL_MODEL (25:24): 0 stall and terminate, 1 terminate only,
	 * 2 stall forced.
	 */
	uint8_t stall_model;
	/** IDR0.TERM_MODEL (26): terminated transactions may abort silently (RAZ/WI) or not. */
	bool term_model;
	/** IDR0.ST_LEVEL (28:27): stream tables: 0 linear only, 1 two-level too. */
	uint8_t st_level;
	/** IDR1.SIDSIZE (5:0): StreamID bits. */
	uint8_t sidsize;
	/** IDR1.SSIDSIZE (10:6): SubstreamID (PASID) bits; 0: no substreams. */
	uint8_t ssidsize;
	/** IDR3.FWB (8): stage-2 forced write-back. */
	bool fwb;
	/** IDR3.RIL (10): range invalidation of TLBs. */
	bool ril;
	/** IDR3.BBML (12:11): break-before-make level: 0 none, 1 level 1, 2 level 2. */
	uint8_t bbml;
	/** IDR5.OAS (2:0): output address size field; see @ref oas_bits. */
	uint8_t oas;
	/** Output address size in bits (32 to 52), 0 for a reserved OAS value. */
	uint8_t oas_bits;
	/** IDR5.GRAN4K (4): 4 KiB translation granule. */
	bool gran4k;
	/** IDR5.GRAN16K (5): 16 KiB translation granule. */
	bool gran16k;
	/** IDR5.GRAN64K (6): 64 KiB translation granule. */
	bool gran64k;
	/** IDR5.VAX (11:10): virtual address size: 0 48-bit, 1 52-bit. */
	uint8_t vax;
	/** IDR5.STALL_MAX (31:16): outstanding stalled transactions. */
	uint16_t stall_max;
	/** IIDR.Implementer (11:0): JEP106 code of the implementer. */
	uint16_t implementer;
	/** IIDR.Revision (15:12). */
	uint8_t revision;
	/** IIDR.Variant (19:16). */
	uint8_t variant;
	/** IIDR.ProductID (31:20). */
	uint16_t product_id;
	/** AIDR.ArchMajorRev (7:4): 0 for SMMUv3. */
	uint8_t arch_major;
	/** AIDR.ArchMinorRev (3:0): the x of SMMUv3.x. */
	uint8_t arch_minor;
	/**
	 * The flags' #IOMMUFD_SMMUV3_ERRATA_REPEAT_TLBI_CFGI (kernel 7.3):
	 * TLBI and CFGI commands userspace sends must be sent, each batch with
	 * its CMD_SYNC, twice (iommufd_viommu_invalidate_smmuv3() does).
	 * @since 1.1
	 */
	bool errata_repeat_tlbi_cfgi;
	/**
	 * IDR5.DS (7): 52-bit addresses with 4 KiB and 16 KiB granules; in the
	 * list of fields a VMM may read since kernel 7.3.
	 * @since 1.1
	 */
	bool ds;
	/**
	 * IDR1.CMDQS (25:21): log2 of the most entries a command queue holds;
	 * it bounds a Tegra241 HW queue: at most 2^(cmdqs + 4) bytes.
	 * @since 1.1
	 */
	uint8_t cmdqs;
};

/**
 * @brief Bit of iommufd_smmuv3_info::flags (kernel 7.3): the SMMU has the
 * erratum that makes userspace issue TLBI and CFGI commands, and the
 * CMD_SYNC after them, twice (NVIDIA T264-SMMU-3).
 * @since 1.1
 */
#define IOMMUFD_SMMUV3_ERRATA_REPEAT_TLBI_CFGI (1u << 0)

/**
 * @brief Decode the SMMUv3 record of iommufd_device_get_hw_info().
 * @param ctx a context for logging, or NULL
 * @param data the record
 * @param data_len bytes at @p data: at least 40
 * @param[in,out] ret_info its `sz` set by the caller (at least up to
 * @ref iommufd_smmuv3_info::idr); filled with what fits on success
 * @return 0, or -EINVAL
 * @since 1.0
 */
int iommufd_smmuv3_info_decode(struct iommufd_ctx *ctx, const void *data,
			       size_t data_len, struct iommufd_smmuv3_info *ret_info);

/**
 * @brief What a nested SMMUv3 STE does (struct iommufd_smmuv3_ste::config).
 * @since 1.0
 */
enum iommufd_smmuv3_ste_config {
	/**
	 * V=0: the guest's STE is not valid. The kernel blocks DMA and, with a
	 * vDEVICE, reports C_BAD_STE to the guest. The data is 16 zero bytes.
	 */
	IOMMUFD_SMMUV3_STE_INVALID = 1,
	/** V=1, Config abort (0b000): DMA is blocked. */
	IOMMUFD_SMMUV3_STE_ABORT = 2,
	/** V=1, Config bypass (0b100): DMA is translated by stage 2 only. */
	IOMMUFD_SMMUV3_STE_BYPASS = 3,
	/** V=1, Config stage-1 translate (0b101): the guest's CD table is used. */
	IOMMUFD_SMMUV3_STE_S1_TRANSLATE = 4,
};

/**
 * @brief STE.S1Fmt: layout of the context-descriptor table.
 * @since 1.0
 */
enum iommufd_smmuv3_s1fmt {
	IOMMUFD_SMMUV3_S1FMT_LINEAR = 0,	/**< a linear table of 2^S1CDMax CDs */
	IOMMUFD_SMMUV3_S1FMT_2LVL_4K = 1,	/**< two levels, 4 KiB leaf tables (needs IDR0.CD2L) */
	IOMMUFD_SMMUV3_S1FMT_2LVL_64K = 2,	/**< two levels, 64 KiB leaf tables (needs IDR0.CD2L) */
};

/**
 * @brief STE.S1DSS: what DMA without a SubstreamID uses.
 * @since 1.0
 */
enum iommufd_smmuv3_s1dss {
	IOMMUFD_SMMUV3_S1DSS_TERMINATE = 0,	/**< it is terminated */
	IOMMUFD_SMMUV3_S1DSS_BYPASS = 1,	/**< it bypasses stage 1 */
	IOMMUFD_SMMUV3_S1DSS_SSID0 = 2,		/**< it uses CD 0 */
};

/**
 * @brief A guest's SMMUv3 stream table entry, the input of
 * iommufd_smmuv3_ste_build(): the fields of ARM IHI 0070, 5.2 Stream Table
 * Entry that the kernel lets a guest set. Only ::IOMMUFD_SMMUV3_STE_S1_TRANSLATE
 * uses the other members; they must be zero with other configs.
 * @since 1.0
 */
struct iommufd_smmuv3_ste {
	/** sizeof(struct iommufd_smmuv3_ste); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** ::iommufd_smmuv3_ste_config (required: 0 is refused). */
	uint32_t config;
	/** S1Fmt: ::iommufd_smmuv3_s1fmt; linear when @ref s1cdmax is 0. */
	uint32_t s1fmt;
	/**
	 * S1ContextPtr: guest (IPA) address of the CD or CD table, 64-byte
	 * aligned, below 2^52.
	 */
	uint64_t s1_context_ptr;
	/** S1CDMax: log2 of the number of CDs (0 to 20, at most IDR1.SSIDSIZE). */
	uint8_t s1cdmax;
	/** S1DSS: ::iommufd_smmuv3_s1dss. */
	uint8_t s1dss;
	/** S1CIR: inner cacheability of CD fetches: 0 NC, 1 WB-RA, 2 WT, 3 WB. */
	uint8_t s1cir;
	/** S1COR: outer cacheability of CD fetches, encoded as @ref s1cir. */
	uint8_t s1cor;
	/** S1CSH: shareability of CD fetches: 0 non, 2 outer, 3 inner (1 is reserved). */
	uint8_t s1csh;
	/** S1STALLD: stalls disabled (only with IDR0.STALL_MODEL 0). */
	bool s1stalld;
	/** EATS = 0b01: the device may use ATS (full ATS; needs IDR0.ATS). */
	bool eats;
};

/**
 * @brief Build ::IOMMUFD_HWPT_DATA_ARM_SMMUV3 data for a nested HWPT on a
 * vIOMMU: only the STE bits the kernel accepts (word 0: V, Config, S1Fmt,
 * S1ContextPtr, S1CDMax; word 1: S1DSS, S1CIR, S1COR, S1CSH, S1STALLD, EATS),
 * so the kernel's EIO for a bad STE cannot happen.
 * @param ctx a context for logging, or NULL
 * @param ste the STE description
 * @param hw the decoded SMMU information, or NULL; with it the call also
 * checks IDR0.S1P, S1CDMax against IDR1.SSIDSIZE, a two-level S1Fmt against
 * IDR0.CD2L, S1STALLD against IDR0.STALL_MODEL and EATS against IDR0.ATS
 * @param buf where the bytes go
 * @param buf_len bytes at @p buf: at least #IOMMUFD_HWPT_DATA_ARM_SMMUV3_LEN
 * @param[out] ret_type ::IOMMUFD_HWPT_DATA_ARM_SMMUV3, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL, -E2BIG, -EOPNOTSUPP
 * @since 1.0
 */
int iommufd_smmuv3_ste_build(struct iommufd_ctx *ctx,
			     const struct iommufd_smmuv3_ste *ste,
			     const struct iommufd_smmuv3_info *hw, void *buf,
			     size_t buf_len, uint32_t *ret_type, size_t *ret_len);

/**
 * @brief SMMUv3 command opcodes a vIOMMU invalidation accepts (ARM IHI 0070,
 * 4.1.1 Command opcodes). Others, CFGI_STE included, are refused by the
 * kernel: a changed STE is a new nested HWPT and a replace.
 * @since 1.0
 */
enum iommufd_smmuv3_cmd_opcode {
	IOMMUFD_SMMUV3_CMD_CFGI_CD = 0x05,	/**< one CD of a stream */
	IOMMUFD_SMMUV3_CMD_CFGI_CD_ALL = 0x06,	/**< all CDs of a stream */
	IOMMUFD_SMMUV3_CMD_TLBI_NH_ALL = 0x10,	/**< all stage-1 TLB entries of the VM */
	IOMMUFD_SMMUV3_CMD_TLBI_NH_ASID = 0x11,	/**< the TLB entries of one ASID */
	IOMMUFD_SMMUV3_CMD_TLBI_NH_VA = 0x12,	/**< an address in one ASID */
	IOMMUFD_SMMUV3_CMD_TLBI_NH_VAA = 0x13,	/**< an address in every ASID */
	IOMMUFD_SMMUV3_CMD_TLBI_NSNH_ALL = 0x30,	/**< everything of the VM (the kernel makes it NH_ALL) */
	IOMMUFD_SMMUV3_CMD_ATC_INV = 0x40,	/**< a range of a device's ATC */
};

/**
 * @brief One SMMUv3 invalidation command, the input of
 * iommufd_smmuv3_cmd_build(). Members an opcode does not use must be zero.
 * The kernel replaces the VMID with the vIOMMU's and the guest StreamID
 * with the physical one of the vDEVICE.
 * @since 1.0
 */
struct iommufd_smmuv3_cmd {
	/** sizeof(struct iommufd_smmuv3_cmd); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** ::iommufd_smmuv3_cmd_opcode. */
	uint32_t opcode;
	/** Guest StreamID (virtual ID of a vDEVICE): CFGI_CD, CFGI_CD_ALL, ATC_INV. */
	uint32_t sid;
	/** SubstreamID (20 bits): CFGI_CD, and ATC_INV with @ref ssv. */
	uint32_t ssid;
	/** ASID (16 bits; 8 without IDR0.ASID16): TLBI_NH_ASID, TLBI_NH_VA. */
	uint16_t asid;
	/** Leaf: only the last level changed: CFGI_CD, TLBI_NH_VA(A). */
	bool leaf;
	/** SSV: @ref ssid is valid: ATC_INV. */
	bool ssv;
	/** Global: ATC_INV of every SubstreamID's global entries too. */
	bool global;
	/**
	 * TLBI_NH_VA(A): virtual address, 4 KiB aligned (granule aligned with
	 * @ref tg); ATC_INV: address aligned to its span (2^@ref size * 4 KiB).
	 */
	uint64_t addr;
	/** ATC_INV Size: the span is 2^size 4 KiB pages (0 to 52; 52 is everything). */
	uint8_t size;
	/**
	 * TLBI_NH_VA(A) TG: 0 for one address, or the granule of a range
	 * (needs IDR3.RIL): 1 4 KiB, 2 16 KiB, 3 64 KiB.
	 */
	uint8_t tg;
	/** TLBI_NH_VA(A) range NUM (0 to 31): (NUM + 1) * 2^SCALE granules; needs @ref tg. */
	uint8_t num;
	/** TLBI_NH_VA(A) range SCALE (0 to 31); needs @ref tg. */
	uint8_t scale;
	/** TLBI_NH_VA(A) TTL: level hint of the entries (0 to 3); needs @ref tg. */
	uint8_t ttl;
};

/**
 * @brief Build one ::IOMMUFD_INVALIDATE_ARM_SMMUV3 entry (two little-endian
 * 64-bit words).
 * @param ctx a context for logging, or NULL
 * @param cmd the command
 * @param hw the decoded SMMU information, or NULL; with it the call also
 * checks the ASID against IDR0.ASID16, the SubstreamID against
 * IDR1.SSIDSIZE and range invalidation against IDR3.RIL
 * @param buf where the entry goes
 * @param buf_len bytes at @p buf: at least #IOMMUFD_INVALIDATE_ARM_SMMUV3_LEN
 * @param[out] ret_type ::IOMMUFD_INVALIDATE_ARM_SMMUV3, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL (an opcode the kernel refuses included), -E2BIG,
 * -EOPNOTSUPP
 * @since 1.0
 */
int iommufd_smmuv3_cmd_build(struct iommufd_ctx *ctx,
			     const struct iommufd_smmuv3_cmd *cmd,
			     const struct iommufd_smmuv3_info *hw, void *buf,
			     size_t buf_len, uint32_t *ret_type, size_t *ret_len);

/**
 * @brief NVIDIA Tegra241 CMDQV information (::IOMMUFD_HW_INFO_TEGRA241_CMDQV),
 * filled by iommufd_tegra241_cmdqv_info_decode().
 *
 * The kernel reports it only when asked for this type; the values fit the
 * PARAM register a VMM emulates (with one virtual interface).
 * @since 1.0
 */
struct iommufd_tegra241_cmdqv_info {
	/** sizeof(struct iommufd_tegra241_cmdqv_info), set by the caller. */
	size_t sz;
	/** The raw flags of the kernel's record (0). */
	uint32_t flags;
	/** CMDQV version (PARAM 3:0). */
	uint8_t version;
	/** log2 of the virtual command queues per interface (PARAM 7:4). */
	uint8_t log2vcmdqs;
	/** log2 of the StreamID replacements per interface (PARAM 15:12). */
	uint8_t log2vsids;
	/** 2^@ref log2vcmdqs. */
	uint32_t num_vcmdqs;
	/** 2^@ref log2vsids. */
	uint32_t num_vsids;
	/** The PARAM value to emulate: these fields, and 0 (one VINTF) in 11:8. */
	uint32_t param;
};

/**
 * @brief Decode the Tegra241 CMDQV record of iommufd_device_get_hw_info().
 * @param ctx a context for logging, or NULL
 * @param data the record
 * @param data_len bytes at @p data: at least 8
 * @param[in,out] ret_info its `sz` set by the caller (at least up to
 * @ref iommufd_tegra241_cmdqv_info::flags); filled with what fits on success
 * @return 0, or -EINVAL
 * @since 1.0
 */
int iommufd_tegra241_cmdqv_info_decode(struct iommufd_ctx *ctx,
				       const void *data, size_t data_len,
				       struct iommufd_tegra241_cmdqv_info *ret_info);

/* ---- AMD ---------------------------------------------------------------- */

/**
 * @brief AMD IOMMU hardware information (::IOMMUFD_HW_INFO_AMD), filled by
 * iommufd_amd_info_decode().
 *
 * Fields are named as in the AMD I/O Virtualization Technology (IOMMU)
 * Specification (48882), 3.4 MMIO Offset 0030h IOMMU Extended Feature
 * Register (EFR) and MMIO Offset 01A0h IOMMU Extended Feature 2 Register
 * (EFR2). The kernel lets a VMM expose GTSup, GASup, GIoSup, PPRSup, EPHSup,
 * GATS, GLXSup and PASmax to a guest.
 * @since 1.0
 */
struct iommufd_amd_info {
	/** sizeof(struct iommufd_amd_info), set by the caller. */
	size_t sz;
	/** The raw Extended Feature Register. */
	uint64_t efr;
	/** The raw Extended Feature 2 Register. */
	uint64_t efr2;
	/**
	 * The hardware can nest: GTSup, GIoSup (EFR) and GCR3TRPMode (EFR2)
	 * are all set, which the kernel requires of a nest-parent HWPT. The
	 * hardware only: kernels 7.0 to 7.3 make nest parents but have no
	 * nested AMD HWPT (iommufd_device_probe() tells).
	 */
	bool nesting;
	/** EFR.PreFSup (0): prefetch. */
	bool pref_sup;
	/** EFR.PPRSup (1): peripheral page requests. */
	bool ppr_sup;
	/** EFR.XTSup (2): x2APIC interrupts. */
	bool xt_sup;
	/** EFR.NXSup (3): no-execute and privilege protection. */
	bool nx_sup;
	/** EFR.GTSup (4): guest translation (guest page tables through a GCR3 table). */
	bool gt_sup;
	/** EFR.IASup (6): INVALIDATE_IOMMU_ALL. */
	bool ia_sup;
	/** EFR.GASup (7): guest virtual APIC. */
	bool ga_sup;
	/** EFR.HESup (8): hardware error registers. */
	bool he_sup;
	/** EFR.PCSup (9): performance counters. */
	bool pc_sup;
	/** EFR.HATS (11:10): host table levels field; see @ref host_levels. */
	uint8_t hats;
	/** Host page-table levels: 4, 5 or 6 (HATS + 4); 0 for the reserved HATS 3. */
	uint8_t host_levels;
	/** EFR.GATS (13:12): guest table levels field; see @ref guest_levels. */
	uint8_t gats;
	/** Guest page-table levels: 4 or 5 (GATS + 4); 0 for a reserved GATS. */
	uint8_t guest_levels;
	/** EFR.GLXSup (15:14): most GCR3 table levels, minus one (the largest DTE.GLX). */
	uint8_t glx_sup;
	/** EFR.GAMSup (23:21): guest virtual APIC modes. */
	uint8_t gam_sup;
	/** EFR.PASmax (36:32): PASID field; see @ref pasid_bits. */
	uint8_t pasmax;
	/** PASID width in bits, PASmax + 1, when @ref gt_sup is set; else 0. */
	uint8_t pasid_bits;
	/** EFR.USSup (37): user/supervisor page protection. */
	bool us_sup;
	/** EFR.GIoSup (48): guest I/O protection (a guest table for DMA without PASID). */
	bool gio_sup;
	/** EFR.HASup (49): host access. */
	bool ha_sup;
	/** EFR.EPHSup (50): enhanced peripheral page request handling. */
	bool eph_sup;
	/** EFR.HDSup (52): host dirty bits (dirty tracking). */
	bool hd_sup;
	/** EFR.SNPSup (63): SEV-SNP. */
	bool snp_sup;
	/** EFR2.SEVSNPIOSup (1): SEV-SNP trusted I/O. */
	bool sevsnpio_sup;
	/** EFR2.GCR3TRPMode (3): GCR3 table root pointers are guest physical. */
	bool gcr3trp_mode;
	/** EFR2.SNPAVICSup (7:5): SNP virtual APIC modes. */
	uint8_t snpavic_sup;
	/** EFR2.NumIntRemapSup (9:8): 0 up to 512 remapped interrupts, 1 up to 2048. */
	uint8_t num_int_remap_sup;
	/** EFR2.HtRangeIgnore (11): the HyperTransport range is not reserved. */
	bool ht_range_ignore;
};

/**
 * @brief Decode the AMD record of iommufd_device_get_hw_info().
 * @param ctx a context for logging, or NULL
 * @param data the record
 * @param data_len bytes at @p data: at least 16
 * @param[in,out] ret_info its `sz` set by the caller (at least up to
 * @ref iommufd_amd_info::efr); filled with what fits on success
 * @return 0, or -EINVAL
 * @since 1.0
 */
int iommufd_amd_info_decode(struct iommufd_ctx *ctx, const void *data,
			    size_t data_len, struct iommufd_amd_info *ret_info);

/**
 * @brief A guest's AMD device table entry, the input of
 * iommufd_amd_dte_build(): the fields of 48882, 2.2.2 Device Table Entry
 * that the kernel's nesting uses. Host fields (Mode, the host table root)
 * belong to the nest parent and cannot be set.
 * @since 1.0
 */
struct iommufd_amd_dte {
	/** sizeof(struct iommufd_amd_dte); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** V: the entry is valid. */
	bool valid;
	/** GV: guest translation through the GCR3 table (needs EFR.GTSup). */
	bool gv;
	/** GIoV: guest I/O protection for DMA without PASID (needs EFR.GIoSup). */
	bool giov;
	/** PPR: peripheral page requests are enabled (needs EFR.PPRSup). */
	bool ppr;
	/** GLX: GCR3 table levels minus one (0 to 2, at most EFR.GLXSup). */
	uint8_t glx;
	/**
	 * Guest paging levels (DTE guest paging mode): 4, or 5 (needs
	 * EFR.GATS 5-level).
	 */
	uint8_t guest_levels;
	/** DomainID the guest gave the device (tags its IOTLB entries). */
	uint16_t domain_id;
	/**
	 * GCR3 table root pointer: guest physical, 4 KiB aligned, below 2^52;
	 * required with V and GV.
	 */
	uint64_t gcr3_table;
};

/**
 * @brief Build ::IOMMUFD_HWPT_DATA_AMD_GUEST data for a nested HWPT.
 *
 * The kernel defines the data type (7.0), but its AMD driver (7.0 to 7.3)
 * allocates no nested HWPT with it, on a nest parent or a vIOMMU
 * (EOPNOTSUPP); the data is what a kernel that wires AMD nesting will
 * take. iommufd_device_probe() says whether the running one does.
 * @param ctx a context for logging, or NULL
 * @param dte the DTE description
 * @param hw the decoded IOMMU information, or NULL; with it the call also
 * requires nesting (EFR.GTSup, EFR.GIoSup, EFR2.GCR3TRPMode) and checks GV,
 * GIoV, PPR, GLX and the guest levels against EFR
 * @param buf where the bytes go
 * @param buf_len bytes at @p buf: at least #IOMMUFD_HWPT_DATA_AMD_GUEST_LEN
 * @param[out] ret_type ::IOMMUFD_HWPT_DATA_AMD_GUEST, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL, -E2BIG, -EOPNOTSUPP
 * @since 1.0
 */
int iommufd_amd_dte_build(struct iommufd_ctx *ctx,
			  const struct iommufd_amd_dte *dte,
			  const struct iommufd_amd_info *hw, void *buf,
			  size_t buf_len, uint32_t *ret_type, size_t *ret_len);

/* ---- the kernel's selftest mock IOMMU (CONFIG_IOMMUFD_TEST) ------------- */

/**
 * @brief The value of iommufd_selftest_info::test_reg.
 * @since 1.0
 */
#define IOMMUFD_SELFTEST_TEST_REG 0xdeadbeefu
/**
 * @brief The mock IOTLB value the kernel's own tests give nested HWPTs.
 * @since 1.0
 */
#define IOMMUFD_SELFTEST_IOTLB_DEFAULT 0xbadbeefu
/**
 * @brief Highest mock IOTLB entry ID of a nested HWPT.
 * @since 1.0
 */
#define IOMMUFD_SELFTEST_IOTLB_ID_MAX 3u
/**
 * @brief Highest mock cache entry ID of a vDEVICE.
 * @since 1.0
 */
#define IOMMUFD_SELFTEST_CACHE_ID_MAX 3u
/**
 * @brief Flag of the selftest invalidation builders: every entry (the ID is ignored).
 * @since 1.0
 */
#define IOMMUFD_SELFTEST_INV_ALL 1u

/**
 * @brief The selftest mock IOMMU's record (#IOMMUFD_HW_INFO_SELFTEST).
 * @since 1.0
 */
struct iommufd_selftest_info {
	/** sizeof(struct iommufd_selftest_info), set by the caller. */
	size_t sz;
	/** The raw flags (0). */
	uint32_t flags;
	/** #IOMMUFD_SELFTEST_TEST_REG from a working mock driver. */
	uint32_t test_reg;
};

/**
 * @brief Decode the selftest record of iommufd_device_get_hw_info().
 * @param ctx a context for logging, or NULL
 * @param data the record
 * @param data_len bytes at @p data: at least 8
 * @param[in,out] ret_info its `sz` set by the caller (at least up to
 * @ref iommufd_selftest_info::flags); filled with what fits on success
 * @return 0, or -EINVAL
 * @since 1.0
 */
int iommufd_selftest_info_decode(struct iommufd_ctx *ctx, const void *data,
				 size_t data_len, struct iommufd_selftest_info *ret_info);

/**
 * @brief A mock nested HWPT, the input of iommufd_selftest_hwpt_build().
 * @since 1.0
 */
struct iommufd_selftest_hwpt {
	/** sizeof(struct iommufd_selftest_hwpt); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/**
	 * The initial value of the mock IOTLB entries (non-zero: all-zero
	 * data would mean "no data" to iommufd_hwpt_alloc()).
	 */
	uint32_t iotlb;
};

/**
 * @brief Build #IOMMUFD_HWPT_DATA_SELFTEST data: a mock nested HWPT whose
 * IOTLB entries all start as iommufd_selftest_hwpt::iotlb.
 * @param ctx a context for logging, or NULL
 * @param hwpt the mock HWPT
 * @param hw the decoded mock record, or NULL; with it the call also
 * requires its test_reg to be #IOMMUFD_SELFTEST_TEST_REG (a working mock
 * driver)
 * @param buf where the bytes go
 * @param buf_len bytes at @p buf: at least #IOMMUFD_HWPT_DATA_SELFTEST_LEN
 * @param[out] ret_type #IOMMUFD_HWPT_DATA_SELFTEST, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL, -E2BIG, -EOPNOTSUPP (not the mock driver)
 * @since 1.0
 */
int iommufd_selftest_hwpt_build(struct iommufd_ctx *ctx,
				const struct iommufd_selftest_hwpt *hwpt,
				const struct iommufd_selftest_info *hw,
				void *buf, size_t buf_len, uint32_t *ret_type,
				size_t *ret_len);

/**
 * @brief An invalidation of a mock nested HWPT, the input of
 * iommufd_selftest_inv_build().
 * @since 1.0
 */
struct iommufd_selftest_inv {
	/** sizeof(struct iommufd_selftest_inv); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** 0 or #IOMMUFD_SELFTEST_INV_ALL. */
	uint32_t flags;
	/**
	 * The entry to clear (up to #IOMMUFD_SELFTEST_IOTLB_ID_MAX, checked
	 * by the kernel even with #IOMMUFD_SELFTEST_INV_ALL).
	 */
	uint32_t iotlb_id;
};

/**
 * @brief Build one #IOMMUFD_INVALIDATE_SELFTEST entry for a mock nested HWPT.
 * @param ctx a context for logging, or NULL
 * @param inv the entry's fields
 * @param hw the decoded mock record, or NULL; with it the call also
 * requires its test_reg to be #IOMMUFD_SELFTEST_TEST_REG
 * @param buf where the entry goes
 * @param buf_len bytes at @p buf: at least #IOMMUFD_INVALIDATE_SELFTEST_LEN
 * @param[out] ret_type #IOMMUFD_INVALIDATE_SELFTEST, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL, -E2BIG, -EOPNOTSUPP (not the mock driver)
 * @since 1.0
 */
int iommufd_selftest_inv_build(struct iommufd_ctx *ctx,
			       const struct iommufd_selftest_inv *inv,
			       const struct iommufd_selftest_info *hw,
			       void *buf, size_t buf_len, uint32_t *ret_type,
			       size_t *ret_len);

/**
 * @brief An invalidation of a mock vIOMMU's per-vDEVICE cache, the input of
 * iommufd_selftest_viommu_inv_build().
 * @since 1.0
 */
struct iommufd_selftest_viommu_inv {
	/** sizeof(struct iommufd_selftest_viommu_inv); set by LIBIOMMUFD_OPTS(). */
	size_t sz;
	/** 0 or #IOMMUFD_SELFTEST_INV_ALL. */
	uint32_t flags;
	/** The virtual ID of the vDEVICE whose cache to clear. */
	uint32_t vdev_id;
	/**
	 * The entry to clear (up to #IOMMUFD_SELFTEST_CACHE_ID_MAX, checked
	 * by the kernel even with #IOMMUFD_SELFTEST_INV_ALL).
	 */
	uint32_t cache_id;
};

/**
 * @brief Build one #IOMMUFD_INVALIDATE_SELFTEST entry for a mock vIOMMU
 * (kernels after 6.12).
 * @param ctx a context for logging, or NULL
 * @param inv the entry's fields
 * @param hw the decoded mock record, or NULL; with it the call also
 * requires its test_reg to be #IOMMUFD_SELFTEST_TEST_REG
 * @param buf where the entry goes
 * @param buf_len bytes at @p buf: at least
 * #IOMMUFD_INVALIDATE_SELFTEST_VIOMMU_LEN
 * @param[out] ret_type #IOMMUFD_INVALIDATE_SELFTEST, or NULL
 * @param[out] ret_len bytes written, or NULL
 * @return 0, or -EINVAL, -E2BIG, -EOPNOTSUPP (not the mock driver)
 * @since 1.0
 */
int iommufd_selftest_viommu_inv_build(struct iommufd_ctx *ctx,
				      const struct iommufd_selftest_viommu_inv *inv,
				      const struct iommufd_selftest_info *hw,
				      void *buf, size_t buf_len,
				      uint32_t *ret_type, size_t *ret_len);

/* ---- any type ----------------------------------------------------------- */

/**
 * @brief The name of a vendor record type, for people: "Intel VT-d",
 * "ARM SMMUv3", "NVIDIA Tegra241 CMDQV", "AMD IOMMU", "iommufd selftest
 * mock", "none" for ::IOMMUFD_HW_INFO_NONE and "unknown" for a type this
 * library does not know (print the number beside it).
 *
 * The strings are for messages; programs compare the numbers. They do not
 * change within a major version.
 * @param type a struct iommufd_hw_info::type
 * @return a static string, never NULL
 * @since 1.0
 */
const char *iommufd_hw_info_type_name(uint32_t type);

/**
 * @brief A vendor record of any type, filled by iommufd_hw_info_decode().
 * @since 1.0
 */
struct iommufd_hw_info_decoded {
	/** sizeof(struct iommufd_hw_info_decoded), set by the caller. */
	size_t sz;
	/** The type given (::iommufd_hw_info_type or #IOMMUFD_HW_INFO_SELFTEST). */
	uint32_t type;
	/**
	 * Whether the library knows @ref type and filled the member of @ref u
	 * named after it. When false (::IOMMUFD_HW_INFO_NONE, or a type newer
	 * than this library) only @ref raw and @ref raw_len describe it.
	 */
	bool known;
	/** The caller's bytes (not copied: valid as long as they are). */
	const void *raw;
	/** Bytes at @ref raw. */
	size_t raw_len;
	/** The decoded record; each member's `sz` is set to what was written. */
	union {
		struct iommufd_vtd_info vtd;		/**< ::IOMMUFD_HW_INFO_INTEL_VTD */
		struct iommufd_smmuv3_info smmuv3;	/**< ::IOMMUFD_HW_INFO_ARM_SMMUV3 */
		struct iommufd_tegra241_cmdqv_info tegra241_cmdqv; /**< ::IOMMUFD_HW_INFO_TEGRA241_CMDQV */
		struct iommufd_amd_info amd;		/**< ::IOMMUFD_HW_INFO_AMD */
		struct iommufd_selftest_info selftest;	/**< #IOMMUFD_HW_INFO_SELFTEST */
	} u;
};

/**
 * @brief Decode a vendor record by its type, as iommufd_device_get_hw_info()
 * returned them. An unknown type is not an error: it is reported with
 * `known` false and the raw bytes.
 * @param ctx a context for logging, or NULL
 * @param type the record's type (struct iommufd_hw_info::type)
 * @param data the record, or NULL with @p data_len 0
 * @param data_len bytes at @p data; for a known type at least its layout's size
 * @param[in,out] ret_info its `sz` set by the caller (at least up to
 * @ref iommufd_hw_info_decoded::raw_len); filled with what fits on success
 * @return 0, or -EINVAL (a known type shorter than its layout included)
 * @since 1.0
 */
int iommufd_hw_info_decode(struct iommufd_ctx *ctx, uint32_t type,
			   const void *data, size_t data_len,
			   struct iommufd_hw_info_decoded *ret_info);

/**
 * @brief Tegra241 CMDQV vIOMMU data (::IOMMUFD_VIOMMU_TEGRA241_CMDQV), the
 * kernel's layout: nothing goes in, the kernel fills both fields. Give it
 * as iommufd_viommu_opts::data and iommufd_viommu_opts::out_data.
 *
 * The kernel names VINTF page 0 (the guest's direct window onto its virtual
 * command queues) as a region of the iommufd: iommufd_viommu_mmap() maps
 * it, a VMM then hands that memory to its guest.
 * @since 1.1
 */
struct iommufd_tegra241_cmdqv_viommu_data {
	/** Output: the mmap offset of VINTF page 0 in the iommufd. */
	uint64_t out_vintf_mmap_offset;
	/** Output: its length in bytes. */
	uint64_t out_vintf_mmap_length;
};

/**
 * @brief Selftest vIOMMU data (#IOMMUFD_VIOMMU_SELFTEST), the kernel's
 * layout: the mock driver copies @ref in_data to @ref out_data and into
 * the first word of a two-page region it offers for mmap.
 * @since 1.1
 */
struct iommufd_selftest_viommu_data {
	/** Input: any value. */
	uint32_t in_data;
	/** Output: @ref in_data, echoed. */
	uint32_t out_data;
	/** Output: the mmap offset of the region in the iommufd. */
	uint64_t out_mmap_offset;
	/** Output: its length in bytes. */
	uint64_t out_mmap_length;
};

/* ---- SMMUv3: the "repeat TLBI/CFGI" erratum ----------------------------- */

/**
 * @brief Whether an SMMUv3 command (one entry built by
 * iommufd_smmuv3_cmd_build()) must be issued twice, with a CMD_SYNC after
 * each time, on this SMMU: a TLBI or CFGI command where the hardware info
 * reports the erratum (iommufd_smmuv3_info::errata_repeat_tlbi_cfgi). For
 * a VMM that writes commands to a HW queue itself; a vIOMMU invalidation
 * is easier through iommufd_viommu_invalidate_smmuv3().
 * @param hw the decoded SMMU information (its raw flags are what count)
 * @param cmd #IOMMUFD_INVALIDATE_ARM_SMMUV3_LEN bytes of one command
 * @return true or false; false for NULL arguments
 * @since 1.1
 */
bool iommufd_smmuv3_cmd_repeats(const struct iommufd_smmuv3_info *hw, const void *cmd);

/**
 * @brief iommufd_viommu_invalidate() of SMMUv3 commands that honours the
 * "repeat TLBI/CFGI" erratum: where @p hw reports it, every run of TLBI and
 * CFGI commands in @p cmds is sent twice, one INVALIDATE each time, as the
 * kernel ends each INVALIDATE with a CMD_SYNC; other commands (ATC_INV) are
 * sent once, in their place. Without the erratum it is one INVALIDATE.
 * @param viommu an SMMUv3 (or Tegra241 CMDQV) vIOMMU
 * @param hw the decoded information of its SMMU, or NULL (no erratum known)
 * @param cmds @p n entries built by iommufd_smmuv3_cmd_build()
 * @param n number of entries (0 probes support, as with iommufd_viommu_invalidate())
 * @param[out] ret_done commands fully handled (twice where needed), in
 * order, on success and failure alike; or NULL. Commands from there on
 * are to be sent again (invalidation may be repeated).
 * @return 0, or -EINVAL, or the kernel's errno (EIO: a command refused)
 * @since 1.1
 */
int iommufd_viommu_invalidate_smmuv3(struct iommufd_viommu *viommu,
				     const struct iommufd_smmuv3_info *hw,
				     const void *cmds, uint32_t n, uint32_t *ret_done);

/** @} */

#ifdef __cplusplus
}
#endif

#endif /* LIBIOMMUFD_VENDOR_H */
