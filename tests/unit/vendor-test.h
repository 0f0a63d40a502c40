/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Shared by the vendor unit tests (test-vendor*.c): a context whose log
 * lines are captured, and helpers to read and write the little- and
 * host-endian words of vendor records.
 *
 * The vendor calls make no kernel call: the context opens /dev/null as its
 * node and is only used for its log (iommufd_ctx_new() opens whatever node
 * it is told to and asks it nothing, while iommufd_ctx_new_from_fd() would
 * check the fd is an iommufd). The programs are linked with
 * -Wl,--wrap=ioctl and any ioctl fails the test: the vendor calls stay out
 * of the kernel.
 */
#ifndef VENDOR_TEST_H
#define VENDOR_TEST_H

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <cmocka.h>

#include "libiommufd.h"

/* Every log line of the test's context, one per line. */
static char vt_log[16384];
static size_t vt_log_len;
static struct iommufd_ctx *vt_ctx;

int __wrap_ioctl(int fd, unsigned long request, ...);
int __wrap_ioctl(int fd, unsigned long request, ...)
{
	fail_msg("unexpected ioctl 0x%lx on fd %d: the vendor calls make none", request, fd);
	return -1;
}

static inline void vt_log_fn(void *userdata, int priority, const char *file,
			     int line, const char *fn, const char *format,
			     va_list args)
{
	int n;

	(void)userdata;
	(void)priority;
	(void)file;
	(void)line;
	(void)fn;
	if (vt_log_len >= sizeof(vt_log) - 2)
		return;
	n = vsnprintf(vt_log + vt_log_len, sizeof(vt_log) - vt_log_len - 1, format, args);
	if (n < 0)
		return;
	vt_log_len += (size_t)n;
	if (vt_log_len > sizeof(vt_log) - 2)
		vt_log_len = sizeof(vt_log) - 2;
	vt_log[vt_log_len++] = '\n';
	vt_log[vt_log_len] = '\0';
}

static inline void vt_log_clear(void)
{
	vt_log_len = 0;
	vt_log[0] = '\0';
}

static inline int vt_setup(void **state)
{
	LIBIOMMUFD_OPTS(iommufd_ctx_opts, opts, .path = "/dev/null",
			.log_fn = vt_log_fn, .log_priority = LOG_DEBUG);

	(void)state;
	vt_log_clear();
	return iommufd_ctx_new(&opts, &vt_ctx);
}

static inline int vt_teardown(void **state)
{
	(void)state;
	vt_ctx = iommufd_ctx_unref(vt_ctx);
	return 0;
}

/* The log holds @s (the message naming the field at fault). */
#define assert_logged(s)							\
	do {									\
		if (!strstr(vt_log, (s)))					\
			fail_msg("log lacks \"%s\"; it holds:\n%s", (s), vt_log);	\
	} while (0)

/* Read/write a 64-bit word in the kernel's host order or little endian. */
static inline uint64_t vt_get64(const void *p, size_t off)
{
	uint64_t v;

	memcpy(&v, (const char *)p + off, sizeof(v));
	return v;
}

static inline uint32_t vt_get32(const void *p, size_t off)
{
	uint32_t v;

	memcpy(&v, (const char *)p + off, sizeof(v));
	return v;
}

static inline void vt_put64(void *p, size_t off, uint64_t v)
{
	memcpy((char *)p + off, &v, sizeof(v));
}

static inline void vt_put32(void *p, size_t off, uint32_t v)
{
	memcpy((char *)p + off, &v, sizeof(v));
}

/* Little-endian 64-bit word from bytes (SMMUv3 structures), any host. */
static inline uint64_t vt_le64(const void *p, size_t off)
{
	const unsigned char *b = (const unsigned char *)p + off;
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | b[i];
	return v;
}

/* All @len bytes at @p are @byte (a buffer left untouched). */
static inline bool vt_all(const void *p, size_t len, unsigned char byte)
{
	for (size_t i = 0; i < len; i++)
		if (((const unsigned char *)p)[i] != byte)
			return false;
	return true;
}

#define VT_TEST(f) cmocka_unit_test_setup_teardown(f, vt_setup, vt_teardown)

#endif /* VENDOR_TEST_H */
