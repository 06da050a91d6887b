/*
 * peer.c - the Linux peer rows of the benchmark table (SPEC §3).
 *
 * PID 1 (/init) of an initramfs booted with Debian's own kernel by
 * scripts/linux_peer.sh, in the same QEMU as Slotgate.  It times, with the
 * method of drivers/apps/bench.c (serialised RDTSC, 2001 samples, the
 * first reported apart as "cold", the "timer" row's median subtracted):
 *   timer         two back-to-back timer reads (the overhead row);
 *   linux-getpid  a getpid round trip through the SYSCALL instruction
 *                 (inline asm: no libc wrapper, no cached pid);
 *   linux-pipe    a 1-byte ping-pong between two processes over two
 *                 pipes: one round trip per sample.
 * It prints BENCH_ENV / BENCH / BENCH_DONE lines in the kernel's format
 * (bench/bench.c) on the console, then powers the VM off.  Run as an
 * ordinary process (pid != 1) it prints the same rows and just exits.
 */
#define _GNU_SOURCE
#include <cpuid.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#define SAMPLES 2001

static uint64_t samples[SAMPLES];
static int have_rdtscp;
static uint64_t timer_overhead; /* median of the "timer" row */

/* Start: MFENCE;LFENCE;RDTSC;LFENCE, as drivers/apps/bench.c. */
static inline uint64_t tsc_begin(void)
{
	uint32_t lo, hi;
	__asm__ volatile("mfence; lfence; rdtsc; lfence"
			 : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

/* End: RDTSCP;LFENCE, or LFENCE;RDTSC;LFENCE without RDTSCP. */
static inline uint64_t tsc_end(void)
{
	uint32_t lo, hi, aux;
	if (have_rdtscp)
		__asm__ volatile("rdtscp; lfence"
				 : "=a"(lo), "=d"(hi), "=c"(aux)::"memory");
	else
		__asm__ volatile("lfence; rdtsc; lfence"
				 : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

/* getpid through the SYSCALL instruction itself. */
static inline long raw_getpid(void)
{
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"((long)SYS_getpid)
			 : "rcx", "r11", "memory");
	return ret;
}

/* --- statistics: as bench/stats.c and bench/bench.c ------------------- */
static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return (x > y) - (x < y);
}

/* Nearest rank: the p-th percentile is sorted[ceil(p/100 * n) - 1]. */
static uint64_t pct(const uint64_t *s, size_t n, unsigned p)
{
	size_t rank = ((uint64_t)p * n + 99) / 100;
	return s[(rank ? rank : 1) - 1];
}

/* Subtract the overhead, keep the cold first sample apart, print a row. */
static void report(const char *mech)
{
	int is_timer = strcmp(mech, "timer") == 0;
	uint64_t ovh = is_timer ? 0 : timer_overhead, *v = samples + 1;
	size_t n = SAMPLES - 1;
	uint64_t cold = samples[0] > ovh ? samples[0] - ovh : 0;

	for (size_t i = 0; i < n; i++)
		v[i] = v[i] > ovh ? v[i] - ovh : 0;
	qsort(v, n, sizeof(*v), cmp_u64);
	if (is_timer)
		timer_overhead = pct(v, n, 50);
	printf("BENCH {\"mechanism\":\"%s\",\"bench\":\"roundtrip\",\"param\":0,"
	       "\"median\":%lu,\"p10\":%lu,\"p90\":%lu,\"min\":%lu,\"max\":%lu,"
	       "\"n\":%zu,\"cold\":%lu,\"overhead\":%lu,\"unit\":\"tsc\"}\n",
	       mech, pct(v, n, 50), pct(v, n, 10), pct(v, n, 90), v[0],
	       v[n - 1], n, cold, ovh);
	fflush(stdout);
}

/* --- environment: /proc/cpuinfo (what Linux sees) plus CPUID leaves ---- */
/* Print @s as a JSON string. */
static void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			putchar('\\');
		if ((unsigned char)*s >= 0x20)
			putchar(*s);
	}
	putchar('"');
}

/* Copy the value of "@key<tabs>: value" from cpuinfo's first block. */
static void cpuinfo(const char *text, const char *key, char *out, size_t len)
{
	size_t klen = strlen(key);
	const char *l = text;
	out[0] = '\0';
	while (*l && *l != '\n') { /* a blank line ends the first CPU's block */
		const char *e = strchr(l, '\n'), *v = strchr(l, ':');
		if (!strncmp(l, key, klen) && (l[klen] == '\t' || l[klen] == ':') &&
		    v && (!e || v < e)) {
			v += 1 + (v[1] == ' ');
			size_t n = e ? (size_t)(e - v) : strlen(v);
			n = n < len - 1 ? n : len - 1;
			memcpy(out, v, n);
			out[n] = '\0';
			return;
		}
		if (!e)
			return;
		l = e + 1;
	}
}

static int has_flag(const char *flags, const char *f)
{
	size_t n = strlen(f);
	for (const char *p = flags; (p = strstr(p, f)); p += n)
		if ((p == flags || p[-1] == ' ') && (p[n] == ' ' || !p[n]))
			return 1;
	return 0;
}

/* Read a small file into @buf (NUL-terminated); "" on failure. */
static void slurp(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t got = 0;
	ssize_t r;
	while (fd >= 0 && got < len - 1 && (r = read(fd, buf + got, len - 1 - got)) > 0)
		got += (size_t)r;
	if (fd >= 0)
		close(fd);
	buf[got] = '\0';
}

static void print_env(void)
{
	static char text[16384];
	char vendor[64], brand[128], fam[16], model[16], mhz[32], cmd[512];
	static char flags[4096];
	unsigned r[4] = {0}, hv[4] = {0};
	char hyper[13] = "";
	struct utsname u;

	slurp("/proc/cpuinfo", text, sizeof(text));
	cpuinfo(text, "vendor_id", vendor, sizeof(vendor));
	cpuinfo(text, "model name", brand, sizeof(brand));
	cpuinfo(text, "cpu family", fam, sizeof(fam));
	cpuinfo(text, "model", model, sizeof(model));
	cpuinfo(text, "cpu MHz", mhz, sizeof(mhz));
	cpuinfo(text, "flags", flags, sizeof(flags));
	slurp("/proc/cmdline", cmd, sizeof(cmd));
	cmd[strcspn(cmd, "\n")] = '\0';
	__cpuid(1, r[0], r[1], r[2], r[3]);
	if (r[2] >> 31) { /* hypervisor present: its signature, as ours prints */
		__cpuid(0x40000000, hv[0], hv[1], hv[2], hv[3]);
		memcpy(hyper, &hv[1], 4);
		memcpy(hyper + 4, &hv[2], 4);
		memcpy(hyper + 8, &hv[3], 4);
		for (int i = 0; i < 12; i++)
			hyper[i] = hyper[i] >= 0x20 && hyper[i] < 0x7f ? hyper[i] : '\0';
	}
	if (uname(&u) != 0) {
		strcpy(u.release, "?");
		strcpy(u.version, "?");
	}

	printf("BENCH_ENV {\"vendor\":");
	json_str(vendor);
	printf(",\"cpu\":");
	json_str(brand);
	printf(",\"hypervisor\":");
	json_str(hyper);
	printf(",\"family\":%d,\"model\":%d", atoi(fam), atoi(model));
	static const char *const feats[][2] = {
		{"pcid", "pcid"}, {"invpcid", "invpcid"}, {"pge", "pge"},
		{"nx", "nx"}, {"smep", "smep"}, {"smap", "smap"},
		{"x2apic", "x2apic"}, {"rdtscp", "rdtscp"}};
	for (size_t i = 0; i < sizeof(feats) / sizeof(feats[0]); i++)
		printf(",\"%s\":%d", feats[i][0], has_flag(flags, feats[i][1]));
	printf(",\"invariant_tsc\":%d,\"tsc_hz\":%.0f,"
	       "\"tsc_source\":\"linux cpuinfo cpu MHz\",\"flush\":\"linux\",\"kernel\":",
	       has_flag(flags, "constant_tsc") && has_flag(flags, "nonstop_tsc"),
	       atof(mhz) * 1e6);
	json_str(u.release);
	printf(",\"kernel_version\":");
	json_str(u.version);
	printf(",\"cmdline\":");
	json_str(cmd);

	/* Which Spectre/Meltdown mitigations this kernel chose (sysfs). */
	static const char *const vulns[] = {
		"meltdown", "spectre_v1", "spectre_v2", "spec_store_bypass",
		"retbleed", "spec_rstack_overflow", "mds", "gather_data_sampling"};
	printf(",\"mitigations\":{");
	for (size_t i = 0; i < sizeof(vulns) / sizeof(vulns[0]); i++) {
		char path[128], val[256];
		snprintf(path, sizeof(path),
			 "/sys/devices/system/cpu/vulnerabilities/%s", vulns[i]);
		slurp(path, val, sizeof(val));
		val[strcspn(val, "\n")] = '\0';
		printf("%s\"%s\":", i ? "," : "", vulns[i]);
		json_str(val);
	}
	printf("}}\n");
	fflush(stdout);
}

/* --- the rows ---------------------------------------------------------- */
/* Time @body once per sample, the loop outside the timed region. */
#define TIME_ROW(name, body)                                                   \
	do {                                                                   \
		for (int i = 0; i < SAMPLES; i++) {                            \
			uint64_t t0 = tsc_begin();                             \
			body;                                                  \
			samples[i] = tsc_end() - t0;                           \
		}                                                              \
		report(name);                                                  \
	} while (0)

/* Parent writes A, child reads A and writes B, parent reads B.  Returns
 * 0, or the errno of the first failure. */
static int pipe_row(void)
{
	int a[2], b[2], ok = 1, st;
	char c = 'x';

	if (pipe(a) || pipe(b))
		return errno;
	pid_t pid = fork();
	if (pid < 0)
		return errno;
	if (pid == 0) { /* the echo: until the parent closes A */
		close(a[1]);
		close(b[0]);
		while (read(a[0], &c, 1) == 1)
			if (write(b[1], &c, 1) != 1)
				_exit(1);
		_exit(0);
	}
	close(a[0]);
	close(b[1]);
	for (int i = 0; i < SAMPLES; i++) {
		uint64_t t0 = tsc_begin();
		ssize_t w = write(a[1], &c, 1);
		ssize_t r = read(b[0], &c, 1);
		samples[i] = tsc_end() - t0;
		ok &= w == 1 && r == 1;
	}
	close(a[1]);
	close(b[0]);
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		ok = 0;
	if (!ok)
		return EIO;
	report("linux-pipe");
	return 0;
}

/* As PID 1: make sure fds 0-2 are the console, mount proc and sysfs. */
static void setup_init(void)
{
	if (fcntl(1, F_GETFD) < 0) { /* the kernel found no /dev/console */
		mkdir("/dev", 0755);
		mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
		int fd = open("/dev/console", O_RDWR);
		for (int i = 0; fd >= 0 && i < 3; i++)
			dup2(fd, i);
	}
	mkdir("/proc", 0555);
	mount("proc", "/proc", "proc", 0, NULL);
	mkdir("/sys", 0555);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
}

int main(void)
{
	unsigned r[4] = {0};
	int pid1 = getpid() == 1, code = 0, err = 0;

	if (pid1)
		setup_init();
	__cpuid(0x80000001, r[0], r[1], r[2], r[3]);
	have_rdtscp = (r[3] >> 27) & 1;

	print_env();
	TIME_ROW("timer", (void)0);
	TIME_ROW("linux-getpid", raw_getpid());
	if ((err = pipe_row()) != 0)
		code = 3;
	printf("BENCH_DONE {\"error\":%d,\"exit\":%d}\n", err, code);
	fflush(stdout);
	if (!pid1)
		return code;
	tcdrain(1); /* the UART has sent every byte before the power goes */
	sync();
	reboot(RB_POWER_OFF);
	for (;;) /* PID 1 must not exit: that panics */
		pause();
}
