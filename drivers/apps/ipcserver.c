/*
 * ipcserver.c - the server of the `ipc` baseline: an application in its
 * own address space that waits for calls and answers each with the sum of
 * its six message registers (what the null driver's gate returns), until
 * the endpoint closes.  A message whose first word is IPCSERVER_DIE makes
 * it fault while serving (a test: its client gets E_DEAD); one starting with
 * IPCSERVER_TOUCH makes it touch that many pages (the working-set sweep).
 */
#include "slotgate/ipc.h"
#include "slotgate/sys.h"

/* Reply @result, wait; the next message arrives in m[0..5]. */
static long reply_wait(long result, u64_t m[6])
{
	long ret;
	register u64_t r10 __asm__("r10");
	register u64_t r8 __asm__("r8");
	register u64_t r9 __asm__("r9");
	u64_t rdi = (u64_t)result, rsi, rdx;
	__asm__ volatile("syscall"
			 : "=a"(ret), "+D"(rdi), "=S"(rsi), "=d"(rdx), "=r"(r10),
			   "=r"(r8), "=r"(r9)
			 : "a"(SYS_IPC_REPLY_WAIT)
			 : "rcx", "r11", "memory");
	m[0] = rdi, m[1] = rsi, m[2] = rdx, m[3] = r10, m[4] = r8, m[5] = r9;
	return ret;
}

#define TOUCH_MAX 1024
static char pages[TOUCH_MAX][4096] __attribute__((aligned(4096)));

static long touch(u64_t n)
{
	if (n > TOUCH_MAX)
		n = TOUCH_MAX;
	for (u64_t p = 0; p < n; p++)
		((volatile char *)pages[p])[0] = (char)p;
	return (long)n;
}

long main(u64_t arg)
{
	u64_t m[6];
	long result = 0;
	(void)arg;
	while (reply_wait(result, m) == 0) {
		if (__builtin_expect(m[0] >= IPCSERVER_SPECIAL, 0)) {
			if (m[0] == IPCSERVER_DIE)
				return *(volatile long *)0x1000; /* unmapped: killed */
			result = touch(m[1]);
			continue;
		}
		result = (long)(m[0] + m[1] + m[2] + m[3] + m[4] + m[5]);
	}
	return 0;
}
