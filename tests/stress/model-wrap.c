// SPDX-License-Identifier: LGPL-2.1-or-later
/*
 * The ioctl wrapper of the programs that run on the model kernel without the
 * cmocka script (the thread stress, -Wl,--wrap=ioctl): every ioctl goes to
 * the model (tests/unit/model-kernel.h).
 */
#include <stdarg.h>

#include "model-kernel.h"

int __wrap_ioctl(int fd, unsigned long request, ...);

int __wrap_ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	return model_ioctl(fd, request, arg);
}
