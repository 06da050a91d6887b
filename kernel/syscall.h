/*
 * syscall.h - the SYSCALL entry into the kernel (stubs/syscall.asm).
 *
 * ABI (Linux's): number in RAX, arguments RDI, RSI, RDX, R10, R8, R9,
 * result in RAX (negative = -E_*); RCX and R11 clobbered.  The numbers
 * live in drivers/include/slotgate/abi.h, shared with ring-3 code.
 */
#ifndef SLOTGATE_SYSCALL_H
#define SLOTGATE_SYSCALL_H

#include "types.h"

struct syscall_frame {
	u64 nr;
	u64 a[6];                  /* rdi rsi rdx r10 r8 r9 */
	u64 rip, rflags, rsp;      /* the user's, restored by SYSRET */
};

void syscall_init(void);
i64 syscall_dispatch(struct syscall_frame *f);


#endif
