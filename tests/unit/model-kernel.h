/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * A model of the kernel's iommufd, for the tests that need a kernel that
 * answers whatever the library asks, in any order and from any thread: the
 * malloc-failure sweep (test-malloc.c) and the thread stress
 * (tests/stress/stress-threads.c). The scripted kernel (kernel-script.h)
 * stays the tool for checking what exactly the library sends.
 *
 * It keeps the objects the library makes (IOAS, HWPT, the domains the
 * kernel allocates on an attach to an IOAS, bound devices, fault queues,
 * vIOMMUs (the selftest type's output data written back), vDevices, vEVENTQs,
 * HW queues; a noiommu IOAS's physical addresses), who uses whom, and refuses what
 * the kernel refuses that the library relies on: a destroy of an object in
 * use (EBUSY), of an unknown ID (ENOENT, also ID 0, which is how the library
 * recognises an iommufd), objects of the wrong kind (EINVAL), unknown
 * commands (ENOTTY). Every object gets a new ID, never a reused one, so a
 * stale ID shows. One mutex serialises it, as the kernel's own locks do for
 * what a test can see. Queue fds are real (/dev/null).
 *
 * A unit test routes the ioctls to it with script_route_to(model_ioctl)
 * (kernel-script.h); the stress program links tests/stress/model-wrap.c,
 * whose ioctl wrapper calls it, and needs neither cmocka nor the script.
 */
#ifndef MODEL_KERNEL_H
#define MODEL_KERNEL_H

#include <stdbool.h>
#include <stdint.h>

/* Forgets every object (no thread may be in the model meanwhile). */
void model_reset(void);

/* The model's answer to one ioctl: 0, or -1 with errno set. */
int model_ioctl(int fd, unsigned long request, void *arg);

/* Kernel objects alive now (devices not counted). */
unsigned int model_live_objects(void);
/* Ioctls answered since model_reset(). */
unsigned long model_ioctl_count(void);

/* The next @request fails with @err (once; 0 cancels). */
void model_fail_next(unsigned long request, int err);

#endif /* MODEL_KERNEL_H */
