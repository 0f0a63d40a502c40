// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * libFuzzer harness for the PCI address parser of discovery
 * (iommufd_pci_addr_normalize, behind iommufd_discover_pci() and
 * iommufd_device_bind_pci()), checked against a second parser written here
 * from the grammar alone, character by character with no libc parsing:
 *
 *	address = [domain ":"] bus ":" slot "." function
 *	domain  = 4 to 8 hex digits, bus = slot = 2 hex digits, function = 1,
 *	slot <= 0x1f, function <= 7, nothing before or after.
 *
 * Both must accept and refuse the same strings, and an accepted one must
 * come out as "%04x:%02x:%02x.%x" (lower case), whatever case came in.
 * Built and run by scripts/fuzz.sh.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "private.h"

static int hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Exactly @n hex digits at *@s, value into *@v; advances *@s. */
static bool digits(const char **s, size_t n, unsigned long *v)
{
	*v = 0;
	for (size_t i = 0; i < n; i++) {
		int d = hex_value((*s)[i]);

		if (d < 0)
			return false;
		*v = *v * 16 + (unsigned long)d;
	}
	*s += n;
	return true;
}

/* The grammar above; the canonical form into @out. */
static bool reference_parse(const char *s, char *out, size_t len)
{
	unsigned long domain = 0, bus, slot, fn;
	size_t run = 0;

	/* A domain is there when the first run of hex digits ends in ':' and is long. */
	while (hex_value(s[run]) >= 0)
		run++;
	if (s[run] == ':' && run != 2) {
		if (run < 4 || run > 8 || !digits(&s, run, &domain))
			return false;
		s++;	/* ':' */
	}
	if (!digits(&s, 2, &bus) || *s++ != ':' || !digits(&s, 2, &slot) || *s++ != '.' ||
	    !digits(&s, 1, &fn) || *s != '\0')
		return false;
	if (slot > 0x1f || fn > 7)
		return false;
	snprintf(out, len, "%04lx:%02lx:%02lx.%lx", domain, bus, slot, fn);
	return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char in[64], want[64], got[IOMMUFD_PCI_ADDR_MAX];
	bool ours, theirs;
	char *heap;

	if (size >= sizeof(in))
		size = sizeof(in) - 1;
	memcpy(in, data, size);
	in[size] = '\0';
	/* An exact-size heap copy: ASan sees any read past the terminator. */
	heap = malloc(strlen(in) + 1);
	if (!heap)
		return 0;
	strcpy(heap, in);
	memset(got, 0x5a, sizeof(got));
	ours = iommufd_pci_addr_normalize(heap, got) == 0;
	theirs = reference_parse(in, want, sizeof(want));
	free(heap);
	if (ours != theirs) {
		fprintf(stderr, "\"%s\": library %s, reference %s\n", in,
			ours ? "accepts" : "refuses", theirs ? "accepts" : "refuses");
		abort();
	}
	if (ours && strcmp(got, want)) {
		fprintf(stderr, "\"%s\": library \"%s\", reference \"%s\"\n", in, got, want);
		abort();
	}
	return 0;
}
