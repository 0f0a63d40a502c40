/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * LIBIOMMUFD_OPTS() as programs use it, for the header tests in C
 * (header-c99.c) and C++ (header-cxx.cc): several members left out, one
 * struct with none set, two in one scope and one in an inner scope (no
 * shadowing), and the result handed to the library. What the macro makes
 * must equal a struct zeroed byte by byte (padding included), with `sz` and
 * the named members set. Members are named in declaration order, which C++
 * requires.
 *
 * The test programs are built with -Wall -Wextra -Wshadow -Werror
 * -pedantic-errors: a warning the macro causes in a caller's build, such as
 * C++'s -Wmissing-field-initializers for each member left out, fails them.
 */
#ifndef HEADER_OPTS_H
#define HEADER_OPTS_H

#include <stdio.h>
#include <string.h>

#include <libiommufd.h>

static int opts_failed;

static void opts_expect(int ok, const char *what)
{
	if (!ok) {
		fprintf(stderr, "FAIL: %s\n", what);
		opts_failed = 1;
	}
}

#define OPTS_SAME(a, b) opts_expect(memcmp(&(a), &(b), sizeof(a)) == 0, #a " == " #b)

static int check_opts(void)
{
	/* SMMUv3 command: 5 of 14 members set, padding after `global` and `ttl`. */
	LIBIOMMUFD_OPTS(iommufd_smmuv3_cmd, cmd, .opcode = IOMMUFD_SMMUV3_CMD_TLBI_NH_VA,
			.asid = 7, .addr = 0x4000, .tg = 1, .ttl = 3);
	/* A context's options: only the last member. */
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, ctx_opts, .log_priority = 7);
	struct iommufd_smmuv3_cmd cmd_ref;
	struct iommufd_ctx_opts ctx_ref;
	unsigned char buf[IOMMUFD_VENDOR_DATA_MAX];
	size_t len = 0;

	memset(&cmd_ref, 0, sizeof(cmd_ref));
	cmd_ref.sz = sizeof(cmd_ref);
	cmd_ref.opcode = IOMMUFD_SMMUV3_CMD_TLBI_NH_VA;
	cmd_ref.asid = 7;
	cmd_ref.addr = 0x4000;
	cmd_ref.tg = 1;
	cmd_ref.ttl = 3;
	OPTS_SAME(cmd, cmd_ref);

	memset(&ctx_ref, 0, sizeof(ctx_ref));
	ctx_ref.sz = sizeof(ctx_ref);
	ctx_ref.log_priority = 7;
	OPTS_SAME(ctx_opts, ctx_ref);

	{
		/* No member at all (the empty argument keeps strict modes happy). */
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, none, );
		/* The first and a middle member, in an inner scope. */
		LIBIOMMUFD_OPTS(iommufd_hwpt_opts, hwpt, .flags = IOMMUFD_HWPT_NEST_PARENT,
				.data_len = 4);
		/* A builder's input, given to the library. */
		LIBIOMMUFD_OPTS(iommufd_vtd_inv, inv, .npages = IOMMUFD_VTD_INV_ALL);
		struct iommufd_hwpt_opts hwpt_ref;

		memset(&hwpt_ref, 0, sizeof(hwpt_ref));
		hwpt_ref.sz = sizeof(hwpt_ref);
		OPTS_SAME(none, hwpt_ref);
		hwpt_ref.flags = IOMMUFD_HWPT_NEST_PARENT;
		hwpt_ref.data_len = 4;
		OPTS_SAME(hwpt, hwpt_ref);
		opts_expect(inv.sz == sizeof(inv) && inv.addr == 0 && inv.flags == 0,
			    "inv: sz set, addr and flags zero");
		opts_expect(iommufd_vtd_inv_build(NULL, &inv, NULL, buf, sizeof(buf), NULL,
						  &len) == 0 &&
			    len == IOMMUFD_INVALIDATE_VTD_S1_LEN,
			    "the library takes the macro's struct");
	}
	return opts_failed;
}

#endif /* HEADER_OPTS_H */
