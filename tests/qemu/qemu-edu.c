/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * qemu-edu: runs inside the libiommufd test VM (L1: our kernel, edu bound to
 * vfio-pci, /dev/iommu present). It starts a nested QEMU (L2) with
 * -accel qtest, memfd RAM, "-object iommufd" and edu passed through with
 * "-device vfio-pci,host=<edu>,iommufd=...", and drives it the way QEMU's own
 * libqtest does: it listens on two Unix sockets, QEMU connects to both, one
 * speaks the qtest protocol, the other QMP.
 *
 * For each QEMU (stock, then patched):
 *   - find edu in L2's PCI config space (behind a pcie-root-port, so that it
 *     can be hot-unplugged), give BAR0 an address, enable memory + bus master;
 *   - read edu's ID register through the BAR (forwarded by vfio-pci);
 *   - two rounds with two patterns: write the pattern into L2 RAM, DMA it into
 *     edu's buffer, DMA the buffer back out to another guest-physical address
 *     (pre-filled with other bytes), read both back and compare every byte;
 *   - hot-unplug: device_del, then system_reset, which completes the pending
 *     unplug with no guest (as QEMU's tests/qtest/device-plug-test.c does),
 *     DEVICE_DELETED, and the cdev fd gone from QEMU; object-del of the
 *     iommufd object: no /dev/iommu fd left in QEMU (the kernel frees every
 *     object of an iommufd when its last fd closes); after quit a fresh
 *     iommufd can bind the cdev (a cdev bound elsewhere refuses a bind).
 * Then: stock and patched gave the same bytes; and the side-by-side timing:
 * start to "first qtest answer" (machine init done: device realised, all
 * guest RAM mapped by the vfio listener), alternating stock/patched, per RAM
 * size; medians and the ratio.
 *
 * Output: the console protocol of tests/vm/README.md (PLAN/RESULT).
 * Options (for development on a host without /dev/iommu, --emulated uses
 * L2's own emulated edu instead of vfio-pci):
 *   qemu-edu [--stock PATH] [--patched PATH] [--firmware DIR] [--runs N]
 *            [--sizes 64,256,...] [--emulated]
 * Defaults: /usr/bin/qemu-stock, /usr/bin/qemu-patched, /usr/share/qemu-fw,
 * 5 runs, 64 and 256 MiB, plus 1024 MiB when the machine has the memory.
 * A missing QEMU binary turns its checks into skips.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PROG "qemu-edu"

/* ---- protocol ------------------------------------------------------------ */

static unsigned int n_results, n_failed;

static void result(const char *name, const char *status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void result(const char *name, const char *status, const char *fmt, ...)
{
	char reason[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	for (char *p = reason; *p; p++)
		if (*p == '\n' || *p == '\r')
			*p = ' ';
	printf("RESULT %s %s %s %s\n", PROG, name, status, reason);
	n_results++;
	if (!strcmp(status, "fail"))
		n_failed++;
}

static void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void note(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- edu ----------------------------------------------------------------- */

#define EDU_VENDOR 0x1234
#define EDU_DEVICE 0x11e8
#define EDU_ID 0x010000edu
#define EDU_BUF 0x40000u
/* QEMU 7.2's edu (L0 on Debian 12) aborts on a DMA reaching its last byte. */
#define DMA_LEN 2048u
#define BAR_ADDR 0xfe000000u
#define GPA_SRC 0x100000u	/* both below 256 MiB: edu's 28-bit DMA mask */
#define GPA_DST 0x200000u
#define RP_DEVFN (4 << 3)	/* the pcie-root-port at 00:04.0 */
#define RP_BUS 1

static void pattern(uint8_t *buf, size_t len, uint32_t seed)
{
	uint32_t x = seed * 2654435761u + 12345;

	for (size_t i = 0; i < len; i++) {
		x = x * 1103515245u + 12345;
		buf[i] = x >> 16;
	}
}

/* ---- one nested QEMU ----------------------------------------------------- */

struct qemu {
	pid_t pid;
	int qt;			/* qtest connection */
	int qmp;		/* QMP connection (-1 when not asked for) */
	char qtbuf[1 << 16];	/* qtest input buffer */
	size_t qtlen;
	char qmpbuf[1 << 16];
	size_t qmplen;
	char err[512];
	double t_start, t_ready;
	bool saw_deleted;	/* DEVICE_DELETED of edu0 seen while waiting for a reply */
	int answer_ms;		/* how long a qtest answer may take (0: 20 s) */
};

static const char *g_fw = "/usr/share/qemu-fw";
/* memory-backend-memfd, or -ram where the kernel lacks IOMMU_IOAS_MAP_FILE. */
static const char *g_backend = "memory-backend-memfd";
static bool g_emulated;
static bool g_trace;
/*
 * The kernel lacks IOMMU_IOAS_CHANGE_PROCESS (6.12; added in 6.13). QEMU 10.2.2 as
 * Debian ships it then crashes while realising vfio-pci (cpr-iommufd.c returns
 * migrate_add_blocker_modes()'s 0 as bool false); both builds carry the fix in
 * contrib/qemu/fixes/, so here a crash is a failure like any other. Only noted.
 */
static bool g_no_change_process;
/* Set: QEMU runs under strace, its ioctls logged to this file (ioctl_counts()). */
static const char *g_strace_out;
/* Set: guest RAM is backed by 2 MiB hugetlb pages (memfd with MFD_HUGETLB). */
static bool g_huge;
#define STRACE "/usr/bin/strace"
static char g_bdf[32];		/* edu's PCI address in L1 */
static char g_cdev[64];		/* its VFIO cdev */

static int listen_unix(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return -1;
	unlink(path);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", path);
	if (bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		close(fd);
		return -1;
	}
	return fd;
}

/* accept() with a timeout; also notices QEMU dying first. */
static int accept_to(struct qemu *q, int lfd, int timeout_ms)
{
	double end = now() + timeout_ms / 1000.0;

	while (now() < end) {
		struct pollfd p = { .fd = lfd, .events = POLLIN };
		int st;

		if (poll(&p, 1, 100) == 1)
			return accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
		if (waitpid(q->pid, &st, WNOHANG) == q->pid) {
			snprintf(q->err, sizeof(q->err), "QEMU exited (status 0x%x) before connecting", st);
			q->pid = -1;
			return -1;
		}
	}
	snprintf(q->err, sizeof(q->err), "QEMU did not connect within %d ms", timeout_ms);
	return -1;
}

/* Reads one line from @fd into @buf (buffered in @b/@blen). 0, or -1 on timeout/EOF. */
static int read_line(int fd, char *b, size_t *blen, size_t bsz, char *line, size_t lsz,
		     int timeout_ms)
{
	double end = now() + timeout_ms / 1000.0;

	for (;;) {
		char *nl = memchr(b, '\n', *blen);

		if (nl) {
			size_t n = nl - b;

			snprintf(line, lsz, "%.*s", (int)n, b);
			memmove(b, nl + 1, *blen - n - 1);
			*blen -= n + 1;
			return 0;
		}
		if (*blen >= bsz - 1)
			*blen = 0;	/* overlong line: drop */
		int left = (int)((end - now()) * 1000);
		if (left <= 0)
			return -1;
		struct pollfd p = { .fd = fd, .events = POLLIN };
		if (poll(&p, 1, left) != 1)
			return -1;
		ssize_t r = read(fd, b + *blen, bsz - 1 - *blen);
		if (r <= 0)
			return -1;
		*blen += r;
	}
}

static int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= w;
	}
	return 0;
}

/* One qtest command; the answer line (after "OK") in @ans. 0 or -1. */
static char qt_line[1 << 16];
static int qt_cmd(struct qemu *q, char *ans, size_t anslen, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int qt_cmd(struct qemu *q, char *ans, size_t anslen, const char *fmt, ...)
{
	static char cmd[1 << 14];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(cmd, sizeof(cmd) - 1, fmt, ap);
	va_end(ap);
	cmd[n++] = '\n';
	if (write_all(q->qt, cmd, n)) {
		snprintf(q->err, sizeof(q->err), "qtest write: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		if (read_line(q->qt, q->qtbuf, &q->qtlen, sizeof(q->qtbuf), qt_line,
			      sizeof(qt_line), q->answer_ms ? q->answer_ms : 20000)) {
			snprintf(q->err, sizeof(q->err), "no qtest answer to '%.*s'", n - 1, cmd);
			return -1;
		}
		if (!strncmp(qt_line, "IRQ", 3))
			continue;	/* asynchronous, not ours */
		break;
	}
	if (strncmp(qt_line, "OK", 2)) {
		snprintf(q->err, sizeof(q->err), "qtest '%.*s' answered '%.200s'", n - 1, cmd, qt_line);
		return -1;
	}
	if (ans)
		snprintf(ans, anslen, "%s", qt_line[2] == ' ' ? qt_line + 3 : "");
	return 0;
}

static int qt_val(struct qemu *q, uint64_t *v, const char *cmd, uint64_t addr)
{
	char ans[64];

	if (qt_cmd(q, ans, sizeof(ans), "%s 0x%" PRIx64, cmd, addr))
		return -1;
	*v = strtoull(ans, NULL, 0);
	return 0;
}

static uint32_t cfg_addr(int bus, int devfn, int off)
{
	return 0x80000000u | bus << 16 | devfn << 8 | (off & 0xfc);
}

static int cfg_read(struct qemu *q, int bus, int devfn, int off, uint32_t *v)
{
	uint64_t x;

	if (qt_cmd(q, NULL, 0, "outl 0xcf8 0x%x", cfg_addr(bus, devfn, off)) ||
	    qt_val(q, &x, "inl", 0xcfc))
		return -1;
	*v = x;
	return 0;
}

static int cfg_write(struct qemu *q, int bus, int devfn, int off, uint32_t v)
{
	if (qt_cmd(q, NULL, 0, "outl 0xcf8 0x%x", cfg_addr(bus, devfn, off)) ||
	    qt_cmd(q, NULL, 0, "outl 0xcfc 0x%x", v))
		return -1;
	return 0;
}

/* QMP: sends @cmd (a JSON line), waits for its "return" or "error". */
static int qmp_cmd(struct qemu *q, char *ans, size_t anslen, const char *cmd)
{
	static char line[1 << 16];

	if (write_all(q->qmp, cmd, strlen(cmd)) || write_all(q->qmp, "\n", 1)) {
		snprintf(q->err, sizeof(q->err), "QMP write: %s", strerror(errno));
		return -1;
	}
	for (;;) {
		if (read_line(q->qmp, q->qmpbuf, &q->qmplen, sizeof(q->qmpbuf), line,
			      sizeof(line), 20000)) {
			snprintf(q->err, sizeof(q->err), "no QMP answer to %s", cmd);
			return -1;
		}
		if (strstr(line, "\"event\"")) {
			note("QMP event: %.300s", line);
			if (strstr(line, "DEVICE_DELETED") && strstr(line, "\"edu0\""))
				q->saw_deleted = true;
			continue;
		}
		break;
	}
	if (ans)
		snprintf(ans, anslen, "%.*s", (int)(anslen - 1), line);
	if (!strstr(line, "\"return\"")) {
		snprintf(q->err, sizeof(q->err), "QMP %s answered %.300s", cmd, line);
		return -1;
	}
	return 0;
}

/* Waits for a QMP event line containing both @a and @b. */
static int qmp_event(struct qemu *q, const char *a, const char *b, int timeout_ms)
{
	static char line[1 << 16];
	double end = now() + timeout_ms / 1000.0;

	if (q->saw_deleted && !strcmp(a, "DEVICE_DELETED"))
		return 0;
	while (now() < end) {
		if (read_line(q->qmp, q->qmpbuf, &q->qmplen, sizeof(q->qmpbuf), line,
			      sizeof(line), (int)((end - now()) * 1000) + 1))
			break;
		note("QMP: %.300s", line);
		if (strstr(line, a) && (!b || strstr(line, b)))
			return 0;
	}
	snprintf(q->err, sizeof(q->err), "no QMP event %s %s within %d ms", a, b ? b : "", timeout_ms);
	return -1;
}

static int qemu_wait(struct qemu *q, int ms);
static unsigned long mem_available_mib(void);
static void timing(const char *stock, const char *patched, unsigned int mib, int runs);

/* The kernel log's tail (quiet hides what it says about a dying process). */
static void diag_kmsg(void)
{
	static char buf[1 << 16];
	int n = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, sizeof(buf) - 1);
	char *p, *line;
	int lines = 0;

	if (n <= 0)
		return;
	buf[n] = 0;
	for (p = buf + n; p > buf && lines < 25; p--)
		if (p[-1] == '\n' && p != buf + n)
			lines++;
	for (line = strtok(p, "\n"); line; line = strtok(NULL, "\n")) {
		/* Do not let the console parser take a quoted word for a new problem:
		 * init replays those lines itself (KMSG). */
		if (strstr(line, "BUG:") || strstr(line, "WARNING:") || strstr(line, "Oops") ||
		    strstr(line, "Kernel panic"))
			continue;
		note("kmsg: %s", line);
	}
}

/* Where QEMU's threads sit (a start that never answers). */
static void diag_threads(pid_t pid)
{
	char dir[64], path[400], buf[256];
	struct dirent *de;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", pid);
	d = opendir(dir);
	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *files[] = { "comm", "wchan", "syscall", "stat" };
		char out[1024] = "";

		if (de->d_name[0] == '.')
			continue;
		for (unsigned int i = 0; i < 4; i++) {
			FILE *f;
			size_t n;

			snprintf(path, sizeof(path), "%s/%s/%s", dir, de->d_name, files[i]);
			f = fopen(path, "r");
			if (!f)
				continue;
			n = fread(buf, 1, sizeof(buf) - 1, f);
			fclose(f);
			buf[n] = 0;
			buf[strcspn(buf, "\n")] = 0;
			snprintf(out + strlen(out), sizeof(out) - strlen(out), " %s=[%.120s]", files[i], buf);
		}
		note("QEMU %d task %s:%s", pid, de->d_name, out);
	}
	closedir(d);
	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	FILE *f = fopen(path, "r");
	if (f) {
		while (fgets(buf, sizeof(buf), f))
			if (!strncmp(buf, "VmRSS", 5) || !strncmp(buf, "VmPin", 5) || !strncmp(buf, "VmLck", 5) ||
			    !strncmp(buf, "State", 5)) {
				buf[strcspn(buf, "\n")] = 0;
				note("QEMU %d %s", pid, buf);
			}
		fclose(f);
	}
}

/* Starts QEMU @bin with @mib MiB of RAM and connects qtest (and QMP if @with_qmp). */
static int qemu_start(struct qemu *q, const char *bin, unsigned int mib, bool with_qmp)
{
	/* The timing runs (no QMP) keep QEMU's output off the console. */
	bool quiet = !with_qmp;
	char qtpath[64], qmppath[64], mem[96], dev[160], qtarg[80], chr[120];
	int lqt, lqmp = -1;

	memset(q, 0, sizeof(*q));
	q->qt = q->qmp = -1;
	q->pid = -1;
	snprintf(qtpath, sizeof(qtpath), "/tmp/qemu-edu-%d.qtest", getpid());
	snprintf(qmppath, sizeof(qmppath), "/tmp/qemu-edu-%d.qmp", getpid());
	lqt = listen_unix(qtpath);
	if (with_qmp)
		lqmp = listen_unix(qmppath);
	if (lqt < 0 || (with_qmp && lqmp < 0)) {
		snprintf(q->err, sizeof(q->err), "listen on a Unix socket in /tmp: %s", strerror(errno));
		goto fail;
	}
	snprintf(mem, sizeof(mem), "%s,id=ram,size=%uM%s", g_backend, mib,
		 g_huge ? ",hugetlb=on,hugetlbsize=2M" : "");
	char msize[16];
	snprintf(msize, sizeof(msize), "%uM", mib);
	if (g_emulated)
		snprintf(dev, sizeof(dev), "edu,id=edu0,bus=rp0");
	else
		snprintf(dev, sizeof(dev), "vfio-pci,host=%s,iommufd=iommufd0,id=edu0,bus=rp0", g_bdf);
	snprintf(qtarg, sizeof(qtarg), "unix:%s", qtpath);
	snprintf(chr, sizeof(chr), "socket,path=%s,id=qmp0", qmppath);
	const char *argv[80];
	int n = 0;
	if (g_strace_out) {
		/* Every thread's ioctls, requests as numbers (classified below). */
		argv[n++] = STRACE;
		argv[n++] = "-f"; argv[n++] = "-qq"; argv[n++] = "-X"; argv[n++] = "raw";
		argv[n++] = "-e"; argv[n++] = "trace=ioctl";
		argv[n++] = "-e"; argv[n++] = "signal=none";
		argv[n++] = "-o"; argv[n++] = g_strace_out;
		argv[n++] = "--";
	}
	argv[n++] = bin;
	argv[n++] = "-L"; argv[n++] = g_fw;
	argv[n++] = "-accel"; argv[n++] = "qtest";
	argv[n++] = "-M"; argv[n++] = "q35";
	argv[n++] = "-m"; argv[n++] = msize;
	argv[n++] = "-object"; argv[n++] = mem;
	argv[n++] = "-machine"; argv[n++] = "memory-backend=ram";
	argv[n++] = "-nodefaults";
	argv[n++] = "-display"; argv[n++] = "none";
	if (!g_emulated) {
		argv[n++] = "-object"; argv[n++] = "iommufd,id=iommufd0";
	}
	argv[n++] = "-device";
	argv[n++] = "pcie-root-port,id=rp0,bus=pcie.0,addr=0x4,chassis=1,slot=1";
	argv[n++] = "-device"; argv[n++] = dev;
	argv[n++] = "-qtest"; argv[n++] = qtarg;
	argv[n++] = "-qtest-log"; argv[n++] = "/dev/null";
	if (g_trace && with_qmp) {
		argv[n++] = "-trace"; argv[n++] = "vfio_*";
		argv[n++] = "-trace"; argv[n++] = "iommufd*";
	}
	if (with_qmp) {
		argv[n++] = "-chardev"; argv[n++] = chr;
		argv[n++] = "-mon"; argv[n++] = "chardev=qmp0,mode=control";
	}
	argv[n] = NULL;

	q->t_start = now();
	q->pid = fork();
	if (q->pid < 0) {
		snprintf(q->err, sizeof(q->err), "fork: %s", strerror(errno));
		goto fail;
	}
	if (q->pid == 0) {
		/* QEMU's stdout/stderr go to the console, prefixed by nothing: keep
		 * them, they explain failures (its warnings are free-form lines). */
		if (quiet) {
			int nul = open("/dev/null", O_WRONLY);

			if (nul >= 0) {
				dup2(nul, 1);
				dup2(nul, 2);
			}
		}
		execv(argv[0], (char **)argv);
		fprintf(stderr, "exec %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	q->qt = accept_to(q, lqt, 60000);
	if (q->qt < 0)
		goto fail;
	if (with_qmp) {
		char greet[4096];

		q->qmp = accept_to(q, lqmp, 60000);
		if (q->qmp < 0)
			goto fail;
		if (read_line(q->qmp, q->qmpbuf, &q->qmplen, sizeof(q->qmpbuf), greet,
			      sizeof(greet), 60000) || !strstr(greet, "\"QMP\"")) {
			snprintf(q->err, sizeof(q->err), "no QMP greeting");
			goto fail;
		}
	}
	/* The first answer comes once the main loop runs: machine init is done. */
	uint32_t id;
	q->answer_ms = 120000;
	if (cfg_read(q, 0, 0, 0, &id)) {
		int st;

		diag_threads(q->pid);
		st = qemu_wait(q, 15000);
		if (st != -1) {
			char more[160];

			snprintf(more, sizeof(more), "; QEMU %s %d", WIFSIGNALED(st) ? "killed by signal" : "exited with",
				 WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st));
			strncat(q->err, more, sizeof(q->err) - strlen(q->err) - 1);
		}
		diag_kmsg();
		goto fail;
	}
	q->answer_ms = 0;
	q->t_ready = now();
	close(lqt);
	if (lqmp >= 0)
		close(lqmp);
	unlink(qtpath);
	unlink(qmppath);
	return 0;
fail:
	if (lqt >= 0)
		close(lqt);
	if (lqmp >= 0)
		close(lqmp);
	unlink(qtpath);
	unlink(qmppath);
	return -1;
}

/* Ends QEMU (SIGTERM, then SIGKILL after 20 s); its wait status. */
static int qemu_stop(struct qemu *q)
{
	int st = -1;

	if (q->qt >= 0)
		close(q->qt);
	if (q->qmp >= 0)
		close(q->qmp);
	q->qt = q->qmp = -1;
	if (q->pid > 0) {
		double end = now() + 20;

		kill(q->pid, SIGTERM);
		while (waitpid(q->pid, &st, WNOHANG) == 0) {
			if (now() > end) {
				kill(q->pid, SIGKILL);
				waitpid(q->pid, &st, 0);
				break;
			}
			usleep(10000);
		}
		q->pid = -1;
	}
	return st;
}

/* Waits up to @ms for QEMU to exit by itself; its status, or -1. */
static int qemu_wait(struct qemu *q, int ms)
{
	double end = now() + ms / 1000.0;
	int st;

	while (now() < end) {
		if (waitpid(q->pid, &st, WNOHANG) == q->pid) {
			q->pid = -1;
			return st;
		}
		usleep(10000);
	}
	return -1;
}

/* Does process @pid hold an fd whose link target starts with @prefix? */
static int proc_has_fd(pid_t pid, const char *prefix)
{
	char dir[64], path[320], target[256];
	struct dirent *de;
	DIR *d;
	int found = 0;

	snprintf(dir, sizeof(dir), "/proc/%d/fd", pid);
	d = opendir(dir);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		ssize_t n;

		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		n = readlink(path, target, sizeof(target) - 1);
		if (n <= 0)
			continue;
		target[n] = 0;
		if (!strncmp(target, prefix, strlen(prefix)))
			found++;
	}
	closedir(d);
	return found;
}

/* Does /proc/@pid/maps name @needle? 1, 0, or 0 when unreadable. */
static int proc_maps_has(pid_t pid, const char *needle)
{
	char path[64], line[512];
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "/proc/%d/maps", pid);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, needle) != NULL;
	fclose(f);
	return found;
}

/* ---- edu in L2 ----------------------------------------------------------- */

/* Bridges the root port to bus 1 with a window on BAR_ADDR, finds edu on it,
 * places BAR0 and enables it. Returns edu's devfn, or -1. */
static int l2_setup(struct qemu *q, uint32_t *ret_ids)
{
	uint32_t v;

	if (cfg_read(q, 0, RP_DEVFN, 0, &v))
		return -1;
	if (v == 0xffffffff) {
		snprintf(q->err, sizeof(q->err), "no pcie-root-port at 00:04.0");
		return -1;
	}
	/* Primary 0, secondary and subordinate 1; memory window on 1 MiB at BAR_ADDR;
	 * prefetchable window closed; memory space and bus master on. */
	if (cfg_write(q, 0, RP_DEVFN, 0x18, RP_BUS << 16 | RP_BUS << 8) ||
	    cfg_write(q, 0, RP_DEVFN, 0x20, (BAR_ADDR >> 16) << 16 | (BAR_ADDR >> 16)) ||
	    cfg_write(q, 0, RP_DEVFN, 0x24, 0x0000fff0) ||
	    cfg_write(q, 0, RP_DEVFN, 0x04, 0x6))
		return -1;
	for (int dev = 0; dev < 32; dev++) {
		int devfn = dev << 3;

		if (cfg_read(q, RP_BUS, devfn, 0, &v))
			return -1;
		if (v != (EDU_DEVICE << 16 | EDU_VENDOR))
			continue;
		*ret_ids = v;
		if (cfg_write(q, RP_BUS, devfn, 0x10, BAR_ADDR) ||
		    cfg_write(q, RP_BUS, devfn, 0x04, 0x6))
			return -1;
		if (cfg_read(q, RP_BUS, devfn, 0x10, &v))
			return -1;
		if ((v & ~0xfu) != BAR_ADDR) {
			snprintf(q->err, sizeof(q->err), "BAR0 reads 0x%x after writing 0x%x", v, BAR_ADDR);
			return -1;
		}
		return devfn;
	}
	snprintf(q->err, sizeof(q->err), "no %04x:%04x on L2 bus %d (found nothing behind the root port)",
		 EDU_VENDOR, EDU_DEVICE, RP_BUS);
	return -1;
}

static int hexenc(char *out, const uint8_t *b, size_t len)
{
	static const char h[] = "0123456789abcdef";

	for (size_t i = 0; i < len; i++) {
		out[2 * i] = h[b[i] >> 4];
		out[2 * i + 1] = h[b[i] & 15];
	}
	out[2 * len] = 0;
	return 0;
}

static int l2_write(struct qemu *q, uint64_t gpa, const uint8_t *b, size_t len)
{
	static char hex[2 * 65536 + 1];

	hexenc(hex, b, len);
	return qt_cmd(q, NULL, 0, "write 0x%" PRIx64 " 0x%zx 0x%s", gpa, len, hex);
}

static int l2_read(struct qemu *q, uint64_t gpa, uint8_t *b, size_t len)
{
	static char ans[2 * 65536 + 8];

	if (qt_cmd(q, ans, sizeof(ans), "read 0x%" PRIx64 " 0x%zx", gpa, len))
		return -1;
	if (strncmp(ans, "0x", 2) || strlen(ans) != 2 + 2 * len) {
		snprintf(q->err, sizeof(q->err), "read answered %zu characters", strlen(ans));
		return -1;
	}
	for (size_t i = 0; i < len; i++) {
		char two[3] = { ans[2 + 2 * i], ans[3 + 2 * i], 0 };
		b[i] = strtoul(two, NULL, 16);
	}
	return 0;
}

/* One edu DMA through the BAR; @cmd 1 = RAM -> buffer, 3 = buffer -> RAM. */
static int edu_dma(struct qemu *q, uint64_t src, uint64_t dst, uint32_t len, uint32_t cmd)
{
	uint64_t v;
	double end;

	if (qt_cmd(q, NULL, 0, "writeq 0x%x 0x%" PRIx64, BAR_ADDR + 0x80, src) ||
	    qt_cmd(q, NULL, 0, "writeq 0x%x 0x%" PRIx64, BAR_ADDR + 0x88, dst) ||
	    qt_cmd(q, NULL, 0, "writeq 0x%x 0x%x", BAR_ADDR + 0x90, len) ||
	    qt_cmd(q, NULL, 0, "writeq 0x%x 0x%x", BAR_ADDR + 0x98, cmd))
		return -1;
	end = now() + 10;
	do {
		if (qt_val(q, &v, "readq", BAR_ADDR + 0x98))
			return -1;
		if (!(v & 1))
			return 0;
		if (g_emulated)	/* L2's own edu: its timer runs on L2's virtual clock */
			qt_cmd(q, NULL, 0, "clock_step 200000000");
		else
			usleep(20000);
	} while (now() < end);
	snprintf(q->err, sizeof(q->err), "DMA (cmd %u) still busy after 10 s (0x%" PRIx64 ")", cmd, v);
	return -1;
}

/* ---- the scenario -------------------------------------------------------- */

#define NROUNDS 2
struct outcome {
	bool ran;
	bool dma_ok;
	uint8_t bytes[NROUNDS][DMA_LEN];	/* what came back out of edu */
};

static uint8_t want[DMA_LEN], got[DMA_LEN], filler[DMA_LEN];

static int cdev_bind_free(char *why, size_t whylen);

static void scenario(const char *tag, const char *bin, struct outcome *o)
{
	char name[64], ans[512];
	struct qemu *q = calloc(1, sizeof(*q));
	uint32_t ids, id;
	uint64_t v;
	int devfn, st;
	bool started = false, busy_refused = false;

	memset(o, 0, sizeof(*o));
#define R(what, st, ...) (snprintf(name, sizeof(name), "%s-%s", tag, what), result(name, st, __VA_ARGS__))
	if (access(bin, X_OK)) {
		const char *why = "no such QEMU binary";
		R("start", "skip", "%s: %s", bin, why);
		R("find", "skip", "%s: %s", bin, why);
		R("bar-id", "skip", "%s: %s", bin, why);
		R("dma", "skip", "%s: %s", bin, why);
		R("unplug", "skip", "%s: %s", bin, why);
		R("released", "skip", "%s: %s", bin, why);
		free(q);
		return;
	}
	if (qemu_start(q, bin, 64, true) || qmp_cmd(q, NULL, 0, "{\"execute\":\"qmp_capabilities\"}")) {
		R("start", "fail", "%s: %s", bin, q->err);
		goto rest_fail;
	}
	started = true;
	/* Which iommufd code runs: the patched QEMU must have libiommufd mapped, the
	 * stock one must not. */
	int lib = proc_maps_has(q->pid, "libiommufd.so");
	bool want_lib = !strncmp(tag, "patched", 7);
	if (lib != want_lib) {
		R("start", "fail", "%s: libiommufd.so is%s mapped in the %s QEMU", bin, lib ? "" : " not", tag);
		goto rest_fail_started;
	}
	R("start", "pass", "64 MiB %s, %s, qtest and QMP connected, first answer after %.2f s; libiommufd.so %s in its /proc/PID/maps",
	  g_backend, g_emulated ? "emulated edu" : "vfio-pci + iommufd", q->t_ready - q->t_start, lib ? "mapped" : "not mapped");
	note("%s: QEMU pid %d, vfio cdev fds %d, /dev/iommu fds %d", tag, q->pid,
	     proc_has_fd(q->pid, "/dev/vfio/devices/"), proc_has_fd(q->pid, "/dev/iommu"));
	/* The control for the "released" check: while QEMU has edu bound, a bind
	 * from here must be refused, or a later successful bind would prove nothing. */
	if (!g_emulated) {
		char why[256] = "";

		busy_refused = cdev_bind_free(why, sizeof(why)) != 0;
		note("%s: binding %s to another iommufd while QEMU holds it: %s", tag, g_cdev,
		     busy_refused ? why + 2 : "accepted (!)");
	}

	devfn = l2_setup(q, &ids);
	if (devfn < 0) {
		R("find", "fail", "%s", q->err);
		R("bar-id", "skip", "edu not found in L2");
		R("dma", "skip", "edu not found in L2");
		goto unplug;
	}
	R("find", "pass", "L2 %02x:%02x.%d reads 0x%08x behind the root port; BAR0 at 0x%x, memory + bus master on",
	  RP_BUS, devfn >> 3, devfn & 7, ids, BAR_ADDR);
	if (qt_val(q, &v, "readl", BAR_ADDR)) {
		R("bar-id", "fail", "%s", q->err);
		R("dma", "skip", "BAR0 unreadable");
		goto unplug;
	}
	if (v != EDU_ID) {
		R("bar-id", "fail", "edu ID register reads 0x%08" PRIx64 ", expected 0x%08x", v, EDU_ID);
		R("dma", "skip", "BAR0 does not answer as edu");
		goto unplug;
	}
	R("bar-id", "pass", "readl 0x%x = 0x%08" PRIx64 " (edu's ID, %s)", BAR_ADDR, v,
	  g_emulated ? "L2's emulated edu" : "the real edu through vfio-pci");

	for (int r = 0; r < NROUNDS; r++) {
		pattern(want, DMA_LEN, 100 + r);
		pattern(filler, DMA_LEN, 900 + r);
		if (l2_write(q, GPA_SRC, want, DMA_LEN) || l2_write(q, GPA_DST, filler, DMA_LEN) ||
		    edu_dma(q, GPA_SRC, EDU_BUF, DMA_LEN, 1) ||
		    edu_dma(q, EDU_BUF, GPA_DST, DMA_LEN, 3) ||
		    l2_read(q, GPA_DST, got, DMA_LEN)) {
			R("dma", "fail", "round %d: %s", r + 1, q->err);
			goto unplug;
		}
		memcpy(o->bytes[r], got, DMA_LEN);
		for (size_t i = 0; i < DMA_LEN; i++) {
			if (got[i] != want[i]) {
				R("dma", "fail", "round %d: byte %zu at GPA 0x%zx is 0x%02x, expected 0x%02x%s", r + 1,
				  i, GPA_DST + i, got[i], want[i],
				  got[i] == filler[i] ? " (the old contents: nothing landed)" : "");
				goto unplug;
			}
		}
		if (l2_read(q, GPA_SRC, got, DMA_LEN) || memcmp(got, want, DMA_LEN)) {
			R("dma", "fail", "round %d: the source at GPA 0x%x changed", r + 1, GPA_SRC);
			goto unplug;
		}
	}
	o->dma_ok = true;
	R("dma", "pass", "%d rounds x %u bytes: L2 RAM 0x%x -> edu 0x%x -> L2 RAM 0x%x (pre-filled with other bytes), every byte compared, two different patterns",
	  NROUNDS, DMA_LEN, GPA_SRC, EDU_BUF, GPA_DST);

unplug:
	o->ran = true;
	/* Hot-unplug with no guest: device_del only requests it (attention button /
	 * ACPI), a system reset completes the pending unplug. */
	if (qmp_cmd(q, ans, sizeof(ans), "{\"execute\":\"device_del\",\"arguments\":{\"id\":\"edu0\"}}")) {
		R("unplug", "fail", "%s", q->err);
		goto released;
	}
	/*
	 * q35 unplugs a root port's device through ACPI PCI hotplug (the default in
	 * 10.2): play the guest's part, as its _EJ0 method would, through the ICH9
	 * PCIHP registers at 0xcc0: select the bus (its acpi-pcihp-bsel, read over
	 * QMP), write the slot's bit to the eject register. (A system_reset also
	 * completes a pending unplug, as QEMU's device-plug-test does, but QEMU
	 * 10.2.2 then sometimes aborts: vfio unregisters its reset handler while the
	 * reset container iterates, "resettable_container_child_foreach: Assertion
	 * `len == rc->children->len' failed", seen with stock and patched.)
	 */
	const char *how = "ACPI eject";
	uint64_t bsel = 0;
	if (qmp_cmd(q, ans, sizeof(ans), "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/peripheral/rp0/rp0\",\"property\":\"acpi-pcihp-bsel\"}}") == 0 &&
	    strstr(ans, "\"return\"")) {
		bsel = strtoull(strstr(ans, "\"return\"") + 9, NULL, 0);
		note("%s: root port bus acpi-pcihp-bsel %" PRIu64, tag, bsel);
		if (qt_cmd(q, NULL, 0, "outl 0xcd0 0x%" PRIx64, bsel) ||
		    qt_cmd(q, NULL, 0, "outl 0xcc8 0x1"))
			note("%s: ACPI eject through qtest failed: %s", tag, q->err);
	} else {
		note("%s: no acpi-pcihp-bsel on the root port bus (%s): no ACPI eject", tag, q->err);
	}
	if (qmp_event(q, "DEVICE_DELETED", "\"edu0\"", 5000)) {
		how = "system_reset (the ACPI eject did not complete it)";
		if (qmp_cmd(q, NULL, 0, "{\"execute\":\"system_reset\"}") ||
		    qmp_event(q, "DEVICE_DELETED", "\"edu0\"", 20000)) {
			R("unplug", "fail", "device_del, ACPI eject, then system_reset: %s", q->err);
			goto released;
		}
	}
	/* The query must no longer list edu0. */
	if (qmp_cmd(q, ans, sizeof(ans), "{\"execute\":\"qom-get\",\"arguments\":{\"path\":\"/machine/peripheral/edu0\",\"property\":\"type\"}}") == 0) {
		R("unplug", "fail", "DEVICE_DELETED came but /machine/peripheral/edu0 is still there: %.200s", ans);
		goto released;
	}
	if (!g_emulated && (st = proc_has_fd(q->pid, "/dev/vfio/devices/")) != 0) {
		R("unplug", "fail", "DEVICE_DELETED came but QEMU still holds %d VFIO cdev fd(s)", st);
		goto released;
	}
	if (g_emulated)
		R("unplug", "pass", "device_del + %s (bsel %" PRIu64 ", slot 0): DEVICE_DELETED, edu0 gone from QOM", how, bsel);
	else
		R("unplug", "pass", "device_del + %s (bsel %" PRIu64 ", slot 0): DEVICE_DELETED, edu0 gone from QOM, QEMU's VFIO cdev fd closed (device unbound from its iommufd)",
		  how, bsel);

released:
	if (g_emulated) {
		R("released", "skip", "--emulated: no iommufd");
	} else {
		char why[256] = "";
		int nio, rc;
		bool ok = true;

		st = qmp_cmd(q, ans, sizeof(ans), "{\"execute\":\"object-del\",\"arguments\":{\"id\":\"iommufd0\"}}");
		nio = proc_has_fd(q->pid, "/dev/iommu");
		if (st) {
			ok = false;
			snprintf(why, sizeof(why), "object-del iommufd0 refused: %.150s", q->err);
		} else if (nio != 0) {
			ok = false;
			snprintf(why, sizeof(why), "after object-del QEMU still holds %d /dev/iommu fd(s)", nio);
		}
		qmp_cmd(q, NULL, 0, "{\"execute\":\"quit\"}");
		st = qemu_wait(q, 20000);
		if (st < 0)
			st = qemu_stop(q);
		if (ok && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
			ok = false;
			snprintf(why, sizeof(why), "QEMU ended with status 0x%x after quit", st);
		}
		rc = cdev_bind_free(why + strlen(why), sizeof(why) - strlen(why));
		if (ok && rc)
			ok = false;
		if (ok && !busy_refused) {
			ok = false;
			snprintf(why, sizeof(why), "the control failed: %s could be bound elsewhere while QEMU held it, so a bind after exit proves nothing",
				 g_cdev);
		}
		if (ok)
			R("released", "pass", "object-del iommufd0: QEMU holds no /dev/iommu fd (the kernel frees every object of an iommufd with its last fd); quit: exit 0; a new iommufd binds %s (the same bind was refused while QEMU held it)",
			  g_cdev);
		else
			R("released", "fail", "%s", why);
	}
	qemu_stop(q);
	free(q);
	(void)id;
	return;

rest_fail_started:
	qemu_stop(q);
	started = true;
rest_fail:
	R("find", "skip", "QEMU did not start");
	R("bar-id", "skip", "QEMU did not start");
	R("dma", "skip", "QEMU did not start");
	R("unplug", "skip", "QEMU did not start");
	R("released", "skip", "QEMU did not start");
	if (!started)
		qemu_stop(q);
	free(q);
#undef R
}

/* ---- L1 side: edu, its cdev ---------------------------------------------- */

#define VFIO_TYPE_ (';')
#define VFIO_BASE_ 100
#define VFIO_DEVICE_BIND_IOMMUFD_ _IO(VFIO_TYPE_, VFIO_BASE_ + 18)
struct bind_arg {
	uint32_t argsz, flags;
	int32_t iommufd;
	uint32_t out_devid;
};

static int find_edu(void)
{
	DIR *d = opendir("/sys/bus/pci/devices");
	struct dirent *de;
	int found = -1;

	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char p[512], buf[64];
		FILE *f;
		unsigned int ven = 0, dev = 0;

		if (de->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vendor", de->d_name);
		if (!(f = fopen(p, "r")))
			continue;
		if (fscanf(f, "%x", &ven) != 1)
			ven = 0;
		fclose(f);
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/device", de->d_name);
		if (!(f = fopen(p, "r")))
			continue;
		if (fscanf(f, "%x", &dev) != 1)
			dev = 0;
		fclose(f);
		if (ven != EDU_VENDOR || dev != EDU_DEVICE)
			continue;
		snprintf(g_bdf, sizeof(g_bdf), "%.31s", de->d_name);
		snprintf(p, sizeof(p), "/sys/bus/pci/devices/%s/vfio-dev", de->d_name);
		DIR *vd = opendir(p);
		if (vd) {
			struct dirent *ve;

			while ((ve = readdir(vd)))
				if (!strncmp(ve->d_name, "vfio", 4)) {
					snprintf(g_cdev, sizeof(g_cdev), "/dev/vfio/devices/%.40s", ve->d_name);
					found = 0;
				}
			closedir(vd);
		}
		(void)buf;
		break;
	}
	closedir(d);
	return found;
}

/* Binds edu's cdev to a fresh iommufd and lets both go: 0 when the device is free. */
static int cdev_bind_free(char *why, size_t whylen)
{
	struct bind_arg b = { .argsz = sizeof(b) };
	int io = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	int dev = open(g_cdev, O_RDWR | O_CLOEXEC);
	int rc = 0;

	if (io < 0 || dev < 0) {
		snprintf(why, whylen, "; open %s: %s", io < 0 ? "/dev/iommu" : g_cdev, strerror(errno));
		rc = -1;
	} else {
		b.iommufd = io;
		if (ioctl(dev, VFIO_DEVICE_BIND_IOMMUFD_, &b)) {
			snprintf(why, whylen, "; binding %s to a new iommufd failed: %s (%s)", g_cdev,
				 strerror(errno), strerrorname_np(errno) ? strerrorname_np(errno) : "?");
			rc = -1;
		}
	}
	if (dev >= 0)
		close(dev);
	if (io >= 0)
		close(io);
	return rc;
}

/* ---- side by side -------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/*
 * The iommufd and VFIO ioctls of one QEMU from start to "device realised, RAM mapped",
 * plus a clean quit, counted from strace's log. Both families use type ';' (0x3b):
 * iommufd's numbers start at 0x80, VFIO's at 100 (0x64).
 */
struct ioctl_tally {
	unsigned int iommufd, vfio, other;
	unsigned int by_nr[256];
};

static int tally_strace_log(const char *path, struct ioctl_tally *t)
{
	char line[1024];
	FILE *f = fopen(path, "r");

	if (!f)
		return -1;
	memset(t, 0, sizeof(*t));
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, "ioctl(");
		unsigned long req;

		/* "<... ioctl resumed>" lines continue a call already counted. */
		if (!p || !(p = strchr(p, ',')) || sscanf(p + 1, " %lx", &req) != 1)
			continue;
		if (((req >> 8) & 0xff) != 0x3b) {
			t->other++;
			continue;
		}
		t->by_nr[req & 0xff]++;
		if ((req & 0xff) >= 0x80)
			t->iommufd++;
		else
			t->vfio++;
	}
	fclose(f);
	return 0;
}

static int run_counted(const char *bin, const char *log, struct ioctl_tally *t, char *err,
		       size_t errlen)
{
	struct qemu *q = calloc(1, sizeof(*q));
	int st = -1, rc = -1;

	g_strace_out = log;
	if (qemu_start(q, bin, 64, true) ||
	    qmp_cmd(q, NULL, 0, "{\"execute\":\"qmp_capabilities\"}")) {
		snprintf(err, errlen, "%s", q->err);
		qemu_stop(q);
		goto out;
	}
	qmp_cmd(q, NULL, 0, "{\"execute\":\"quit\"}");
	st = qemu_wait(q, 60000);
	qemu_stop(q);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(err, errlen, "strace + QEMU ended with status 0x%x after quit", st);
		goto out;
	}
	if (tally_strace_log(log, t)) {
		snprintf(err, errlen, "%s: %s", log, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	g_strace_out = NULL;
	free(q);
	return rc;
}

static void print_tally(const char *tag, const struct ioctl_tally *t)
{
	char buf[1024];
	size_t len = 0;

	for (int nr = 0; nr < 256; nr++)
		if (t->by_nr[nr] && len < sizeof(buf) - 32)
			len += snprintf(buf + len, sizeof(buf) - len, " 0x%02x:%u", nr, t->by_nr[nr]);
	buf[len] = 0;
	note("ioctls %s by number (type 0x3b):%s", tag, buf);
}

static long read_long(const char *path)
{
	char buf[32] = "";
	FILE *f = fopen(path, "r");
	long v = -1;

	if (f) {
		if (fgets(buf, sizeof(buf), f))
			v = strtol(buf, NULL, 10);
		fclose(f);
	}
	return v;
}

static int write_long(const char *path, long v)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return -1;
	rc = fprintf(f, "%ld\n", v) < 0;
	return fclose(f) || rc ? -1 : 0;
}

/*
 * The side-by-side timing again with guest RAM on 2 MiB pages: a memfd with
 * MFD_HUGETLB (QEMU's memory-backend-memfd,hugetlb=on), mapped with
 * IOMMU_IOAS_MAP_FILE, so the IOMMU can use 2 MiB mappings. The pages are
 * reserved here and given back afterwards.
 */
static void huge_timing(const char *stock, const char *patched, int runs)
{
	const char *nr = "/proc/sys/vm/nr_hugepages";
	unsigned int mib = 256;
	long before, got;

	if (access(nr, F_OK)) {
		result("time-hugepages", "skip", "the kernel has no hugetlbfs (%s is absent)", nr);
		return;
	}
	if (strcmp(g_backend, "memory-backend-memfd")) {
		result("time-hugepages", "skip", "the kernel lacks IOMMU_IOAS_MAP_FILE: QEMU 10.2 maps fd-backed RAM (which hugetlb RAM is) only with it");
		return;
	}
	before = read_long(nr);
	if (mem_available_mib() < 2 * mib + 400)
		mib = 64;
	if (before < 0 || write_long(nr, before + mib / 2) ||
	    (got = read_long(nr)) < before + mib / 2) {
		result("time-hugepages", "skip", "could not reserve %u 2 MiB pages (%ld before, MemAvailable %lu MiB)",
		       mib / 2, before, mem_available_mib());
		if (before >= 0)
			write_long(nr, before);
		return;
	}
	note("reserved %u 2 MiB pages for %u MiB of guest RAM", mib / 2, mib);
	g_huge = true;
	timing(stock, patched, mib, runs);
	g_huge = false;
	write_long(nr, before);
}

static void ioctl_counts(const char *stock, const char *patched)
{
	struct ioctl_tally ts, tp;
	char err[512];

	if (access(STRACE, X_OK)) {
		result("ioctls", "skip", "%s is not in the initramfs", STRACE);
		return;
	}
	if (access(stock, X_OK) || access(patched, X_OK)) {
		result("ioctls", "skip", "needs both QEMUs (%s, %s)", stock, patched);
		return;
	}
	if (run_counted(stock, "/tmp/ioctls-stock.txt", &ts, err, sizeof(err))) {
		result("ioctls", "fail", "stock under strace: %s", err);
		return;
	}
	if (run_counted(patched, "/tmp/ioctls-patched.txt", &tp, err, sizeof(err))) {
		result("ioctls", "fail", "patched under strace: %s", err);
		return;
	}
	print_tally("stock", &ts);
	print_tally("patched", &tp);
	/* Both must have driven the device through iommufd at all. */
	if (!ts.iommufd || !tp.iommufd || !tp.vfio) {
		result("ioctls", "fail", "no iommufd ioctls seen (stock %u, patched %u)", ts.iommufd,
		       tp.iommufd);
		return;
	}
	result("ioctls", "pass", "start with 64 MiB %s RAM, device realised, quit: iommufd ioctls stock %u, patched %u; VFIO ioctls stock %u, patched %u; other ioctls stock %u, patched %u",
	       g_backend, ts.iommufd, tp.iommufd, ts.vfio, tp.vfio, ts.other, tp.other);
}

static void timing(const char *stock, const char *patched, unsigned int mib, int runs)
{
	char name[48];
	double ts[64], tp[64];
	int ns = 0, np = 0;
	struct qemu *q = calloc(1, sizeof(*q));

	if (g_huge)
		snprintf(name, sizeof(name), "time-hugepages");
	else
		snprintf(name, sizeof(name), "time-%uM", mib);
	if (access(stock, X_OK) || access(patched, X_OK)) {
		result(name, "skip", "needs both QEMUs (%s, %s)", stock, patched);
		free(q);
		return;
	}
	for (int i = 0; i < 2 * runs; i++) {
		/* Alternate, and swap who goes first every other pair. */
		bool pat = (i % 2) ^ ((i / 2) % 2);
		const char *bin = pat ? patched : stock;

		if (qemu_start(q, bin, mib, false)) {
			result(name, "fail", "%s with %u MiB, run %d: %s", pat ? "patched" : "stock", mib, i / 2 + 1,
			       q->err);
			qemu_stop(q);
			free(q);
			return;
		}
		(pat ? tp : ts)[pat ? np++ : ns++] = q->t_ready - q->t_start;
		qemu_stop(q);
	}
	double ms = median(ts, ns), mp = median(tp, np);
	note("%s: stock %.3f..%.3f s, patched %.3f..%.3f s", name, ts[0], ts[ns - 1], tp[0], tp[np - 1]);
	result(name, "pass", "start to first qtest answer (device realised, %u MiB of %s%s RAM mapped), %d runs each, alternating: median stock %.3f s, patched %.3f s, ratio patched/stock %.3f (goal <= 1.01)",
	       mib, g_backend, g_huge ? " 2 MiB-page" : "", runs, ms, mp, mp / ms);
	free(q);
}

static unsigned long mem_available_mib(void)
{
	FILE *f = fopen("/proc/meminfo", "r");
	char line[128];
	unsigned long kb = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "MemAvailable: %lu kB", &kb) == 1)
			break;
	fclose(f);
	return kb / 1024;
}

int main(int argc, char **argv)
{
	const char *stock = "/usr/bin/qemu-stock", *patched = "/usr/bin/qemu-patched";
	unsigned int sizes[8] = { 64, 256 }, nsizes = 2;
	bool sizes_given = false;
	int runs = 5, repeat = 1;
	struct outcome *os = calloc(1, sizeof(*os)), *op = calloc(1, sizeof(*op));

	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGPIPE, SIG_IGN);
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--stock") && i + 1 < argc)
			stock = argv[++i];
		else if (!strcmp(argv[i], "--patched") && i + 1 < argc)
			patched = argv[++i];
		else if (!strcmp(argv[i], "--firmware") && i + 1 < argc)
			g_fw = argv[++i];
		else if (!strcmp(argv[i], "--runs") && i + 1 < argc)
			runs = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--emulated"))
			g_emulated = true;
		else if (!strcmp(argv[i], "--trace"))
			g_trace = true;
		else if (!strcmp(argv[i], "--repeat") && i + 1 < argc)
			repeat = atoi(argv[++i]);
		else if (!strcmp(argv[i], "--sizes") && i + 1 < argc) {
			char *s = argv[++i], *tok;

			nsizes = 0;
			sizes_given = true;
			for (tok = strtok(s, ","); tok && nsizes < 8; tok = strtok(NULL, ","))
				sizes[nsizes++] = atoi(tok);
		} else {
			fprintf(stderr, "usage: %s [--stock PATH] [--patched PATH] [--firmware DIR] [--runs N] [--sizes 64,256] [--emulated] [--trace] [--repeat N]\n",
				argv[0]);
			return 2;
		}
	}
	if (runs < 1 || runs > 32)
		runs = 5;
	/* 1 GiB when it fits (it is pinned: RAM + QEMU + the initramfs). */
	unsigned long avail = mem_available_mib();
	if (!sizes_given && avail > 1024 + 400)
		sizes[nsizes++] = 1024;

	/* 6 per QEMU, same-bytes, one per size, 2 MiB hugepages. */
	if (repeat < 1 || repeat > 50)
		repeat = 1;
	if (repeat > 1)
		nsizes = 0;	/* --repeat: the scenario only, N times, no timing */
	/* ... and the ioctl counts. */
	printf("PLAN %s %u\n", PROG, (6 * 2 + 1) * repeat + nsizes + 2);
	note("stock %s, patched %s, firmware %s, MemAvailable %lu MiB%s", stock, patched, g_fw, avail,
	     g_emulated ? ", emulated edu" : "");

	const char *m = getenv("LIBIOMMUFD_MACHINE");
	const char *skipwhy = NULL;
	if (!g_emulated) {
		if (m && strcmp(m, "vtd") && strcmp(m, "amd") && strcmp(m, "virtio"))
			skipwhy = "this machine has no edu behind an IOMMU";
		else if (access("/dev/iommu", F_OK))
			skipwhy = NULL;	/* a failure below: the machine should have it */
		else if (find_edu())
			skipwhy = NULL;
	}
	if (skipwhy) {
		const char *names[] = { "start", "find", "bar-id", "dma", "unplug", "released" };
		char n[48];

		for (int rep = 1; rep <= repeat; rep++) {
			for (int t = 0; t < 2; t++)
				for (int i = 0; i < 6; i++) {
					if (repeat > 1)
						snprintf(n, sizeof(n), "%s.r%d-%s", t ? "patched" : "stock", rep, names[i]);
					else
						snprintf(n, sizeof(n), "%s-%s", t ? "patched" : "stock", names[i]);
					result(n, "skip", "machine %s: %s", m, skipwhy);
				}
			if (repeat > 1)
				snprintf(n, sizeof(n), "same-bytes.r%d", rep);
			else
				snprintf(n, sizeof(n), "same-bytes");
			result(n, "skip", "%s", skipwhy);
		}
		for (unsigned int i = 0; i < nsizes; i++) {
			snprintf(n, sizeof(n), "time-%uM", sizes[i]);
			result(n, "skip", "%s", skipwhy);
		}
		result("time-hugepages", "skip", "%s", skipwhy);
		result("ioctls", "skip", "%s", skipwhy);
		return 0;
	}
	if (!g_emulated && (access("/dev/iommu", F_OK) || !g_cdev[0])) {
		const char *why = access("/dev/iommu", F_OK) ? "/dev/iommu is absent"
							  : "no edu with a VFIO cdev (bound to vfio-pci) in L1";
		const char *names[] = { "start", "find", "bar-id", "dma", "unplug", "released" };
		char n[48];

		for (int rep = 1; rep <= repeat; rep++) {
			for (int t = 0; t < 2; t++)
				for (int i = 0; i < 6; i++) {
					if (repeat > 1)
						snprintf(n, sizeof(n), "%s.r%d-%s", t ? "patched" : "stock", rep, names[i]);
					else
						snprintf(n, sizeof(n), "%s-%s", t ? "patched" : "stock", names[i]);
					result(n, i ? "skip" : "fail", "%s", why);
				}
			if (repeat > 1)
				snprintf(n, sizeof(n), "same-bytes.r%d", rep);
			else
				snprintf(n, sizeof(n), "same-bytes");
			result(n, "skip", "%s", why);
		}
		for (unsigned int i = 0; i < nsizes; i++) {
			snprintf(n, sizeof(n), "time-%uM", sizes[i]);
			result(n, "skip", "%s", why);
		}
		result("time-hugepages", "skip", "%s", why);
		result("ioctls", "skip", "%s", why);
		return 1;
	}
	if (!g_emulated) {
		note("edu in L1: %s, cdev %s", g_bdf, g_cdev);
		/* QEMU 10.2 maps fd-backed RAM with IOMMU_IOAS_MAP_FILE only (no fallback to
		 * IOAS_MAP); a kernel without it (6.12: ENOTTY) fails the map and QEMU then
		 * crashes in vfio's error path (SIGSEGV in error_vprepend, stock and patched
		 * alike, seen on 6.12.117). Such a kernel gets anonymous RAM. */
		uint32_t probe[16] = { 4 };
		int io = open("/dev/iommu", O_RDWR | O_CLOEXEC);

		if (io >= 0 && ioctl(io, _IO(';', 0x8f), probe) && errno == ENOTTY) {
			g_backend = "memory-backend-ram";
			note("the kernel has no IOMMU_IOAS_MAP_FILE (ENOTTY): L2 RAM is memory-backend-ram, not memfd");
		}
		uint32_t cp[2] = { 8, 0 };	/* struct iommu_ioas_change_process: size, pad */
		if (io >= 0 && ioctl(io, _IO(';', 0x92), cp) && errno == ENOTTY) {
			g_no_change_process = true;
			note("the kernel has no IOMMU_IOAS_CHANGE_PROCESS (ENOTTY): QEMU adds a CPR blocker (contrib/qemu/fixes/0001 keeps that from crashing)");
		}
		if (io >= 0)
			close(io);
	}

	for (int rep = 1; rep <= repeat; rep++) {
	char ts[32], tp[32], tb[32];
	snprintf(ts, sizeof(ts), repeat > 1 ? "stock.r%d" : "stock", rep);
	snprintf(tp, sizeof(tp), repeat > 1 ? "patched.r%d" : "patched", rep);
	snprintf(tb, sizeof(tb), repeat > 1 ? "same-bytes.r%d" : "same-bytes", rep);
	scenario(ts, stock, os);
	scenario(tp, patched, op);
	if (!os->dma_ok || !op->dma_ok)
		result(tb, "skip", "needs the DMA of both QEMUs to have worked (stock %s, patched %s)",
		       os->dma_ok ? "ok" : "not", op->dma_ok ? "ok" : "not");
	else if (memcmp(os->bytes, op->bytes, sizeof(os->bytes)))
		result(tb, "fail", "stock and patched QEMU read different bytes back");
	else
		result(tb, "pass", "stock and patched QEMU read the same %zu bytes back (%d rounds)",
		       sizeof(os->bytes), NROUNDS);
	}

	for (unsigned int i = 0; i < nsizes; i++)
		timing(stock, patched, sizes[i], runs);
	if (repeat > 1) {
		result("ioctls", "skip", "--repeat: the scenario only");
		result("time-hugepages", "skip", "--repeat: the scenario only");
	} else {
		ioctl_counts(stock, patched);
		huge_timing(stock, patched, runs);
	}
	note("%u results, %u failed", n_results, n_failed);
	return n_failed ? 1 : 0;
}
