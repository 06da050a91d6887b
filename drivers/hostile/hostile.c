/*
 * hostile.c - a driver that misbehaves on request, one gate per fault the
 * kernel must contain (SPEC M8).  Loaded twice: "hostile" (policy
 * restart) and "fragile" (policy refuse).
 *   +0 #PF  +1 #GP (privileged instruction)  +2 #UD  +3 #DE
 *   +4 stack overflow into the guard page  +5 jump into kernel space
 *   +6 never return (the watchdog)  +7 count(): a counter in its data,
 *   reset when the driver is restarted from its image
 *   +8 touch COM2's port, which only the UART driver may use (#GP)
 *   +9 try to end the borrowed thread (SYS_EXIT): must get -E_PERM
 *   +10 try to become an IPC server on it: must get -E_PERM
 *   +11 take(p, n): a buffer in, returns n  +12 take from itself
 *   +13 ac_trap(kind): set RFLAGS.AC, then trap with it set: 0 #PF,
 *   1 #UD, 2 #BP, 3 #GP, 4 #DE, 5 spin through timer interrupts until
 *   the watchdog (traps_clear_ac: no handler may run with AC set)
 */
#include "slotgate/driver.h"
#include "slotgate/gates.h"

static long counter;

#define UNUSED6 (void)a, (void)b, (void)c, (void)d, (void)e, (void)f

static long pf(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	return *(volatile long *)0x1000; /* selector 0: never mapped here */
}

static long gp(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	__asm__ volatile("cli");
	return 0;
}

static long ud(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	__asm__ volatile("ud2");
	return 0;
}

static long de(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	long q;
	__asm__ volatile("xor %%edx, %%edx; xor %%ecx, %%ecx; mov $1, %%eax; divq %%rcx"
			 : "=a"(q)::"rcx", "rdx");
	return q;
}

static long stack(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	volatile char big[1024];
	big[0] = (char)a;
	if (a > (1ul << 40)) /* never: the guard page stops it long before */
		return 0;
	return stack(a + 1, b, c, d, e, f) + big[0];
}

static long kernel_jump(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	return ((long (*)(void))0xffffffff80100000ul)();
}

static long spin(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	for (;;)
		__asm__ volatile("pause");
	return 0;
}

static long count(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	return ++counter;
}

static long uart_port(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	unsigned char v;
	__asm__ volatile("inb %1, %0" : "=a"(v) : "Nd"((unsigned short)0x2fd));
	return v;
}

static long try_exit(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	return syscall6(SYS_EXIT, 0, 0, 0, 0, 0, 0);
}

static long try_ipc(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	return syscall6(SYS_IPC_REPLY_WAIT, 0, 0, 0, 0, 0, 0);
}

static long ac_trap(u64_t kind, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)b, (void)c, (void)d, (void)e, (void)f;
	/* AC (bit 18) may be set at any CPL (SDM 1 §3.4.3.3). */
	__asm__ volatile("pushfq; orq $0x40000, (%%rsp); popfq" ::: "memory", "cc");
	switch (kind) {
	case 0: return pf(0, 0, 0, 0, 0, 0);
	case 1: return ud(0, 0, 0, 0, 0, 0);
	case 2: __asm__ volatile("int3"); return 0;
	case 3: return gp(0, 0, 0, 0, 0, 0);
	case 4: return de(0, 0, 0, 0, 0, 0);
	default: return spin(0, 0, 0, 0, 0, 0);
	}
}

static u64_t my_base; /* first gate number, from driver_init */
static unsigned char own[2 * 4096] __attribute__((aligned(4096)));

static long take(u64_t p, u64_t n, u64_t c, u64_t d, u64_t e, u64_t f)
{
	(void)p, (void)c, (void)d, (void)e, (void)f;
	return (long)n;
}

/* Call its own take gate with two whole pages of its own: the gate maps
 * (and pins) frames of the very view it maps them into. */
static long self_buffer(u64_t a, u64_t b, u64_t c, u64_t d, u64_t e, u64_t f)
{
	UNUSED6;
	own[0] = own[4096] = 1;
	return gate_call(my_base + HOSTILE_TAKE, (u64_t)own, sizeof(own), 0, 0, 0, 0);
}

long driver_init(u64_t base)
{
	static const struct {
		gate_handler_t handler;
		u64_t ptr_class;
	} gates[] = {
		{pf, PTR_NONE}, {gp, PTR_NONE}, {ud, PTR_NONE}, {de, PTR_NONE},
		{stack, PTR_NONE}, {kernel_jump, PTR_NONE}, {spin, PTR_NONE},
		{count, PTR_NONE}, {uart_port, PTR_NONE}, {try_exit, PTR_NONE},
		{try_ipc, PTR_NONE}, {take, PTR_BUF_IN}, {self_buffer, PTR_NONE},
		{ac_trap, PTR_NONE},
	};
	my_base = base;
	for (u64_t i = 0; i < sizeof(gates) / sizeof(gates[0]); i++)
		if (gate_register(base + i, gates[i].handler, gates[i].ptr_class,
				  GATE_FROM_APP | GATE_FROM_DRIVER | GATE_FROM_KERNEL))
			return -1;
	return 0;
}
