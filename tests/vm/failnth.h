/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The kernel's fault injection, for the VM programs: fail the n-th
 * allocation the calling thread makes in the kernel from now on
 * (/proc/self/task/<tid>/fail-nth), with failslab and fail_page_alloc
 * counting every allocation, also those that may sleep and order-0 pages.
 * Needs CONFIG_FAULT_INJECTION, FAILSLAB, FAIL_PAGE_ALLOC and
 * FAULT_INJECTION_DEBUG_FS (tests/vm/kernel.config) and debugfs mounted
 * (tests/vm/init).
 */
#ifndef LIBIOMMUFD_VM_FAILNTH_H
#define LIBIOMMUFD_VM_FAILNTH_H

#include <stdbool.h>

/*
 * Sets the knobs and opens this thread's fail-nth. NULL when ready, else
 * why fault injection cannot run here (for a skip).
 */
const char *fnth_setup(void);
/* The @n-th kernel allocation of this thread from now on fails (0: none). */
void fnth_arm(unsigned int n);
/* Stops injecting; true when the failure was injected (the count ran out). */
bool fnth_disarm(void);
/*
 * LIBIOMMUFD_FAULTINJ_CRASH=1 (from the kernel command line: run.sh's
 * LIBIOMMUFD_VM_APPEND): also inject at points known to crash the kernel.
 */
bool fnth_crash_points(void);

#endif /* LIBIOMMUFD_VM_FAILNTH_H */
