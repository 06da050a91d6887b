/*
 * ctx.h - saving and resuming a kernel execution context (stubs/context.asm).
 *
 * ctx_save() records the callee-saved registers, the stack pointer and the
 * return address and returns 0; ctx_resume() later makes that ctx_save()
 * return again, with @value (never 0).  Used to leave a ring-3 program
 * (exit or fault) back to its launcher, and by trap_catch() for faults the
 * tests provoke on purpose.  The frame of the ctx_save() caller must still
 * be live when ctx_resume() runs.
 */
#ifndef SLOTGATE_CTX_H
#define SLOTGATE_CTX_H

#include "types.h"

struct jmp_ctx {
	u64 rbx, rbp, r12, r13, r14, r15, rsp, rip;
};

__attribute__((returns_twice)) u64 ctx_save(struct jmp_ctx *ctx);
__attribute__((noreturn)) void ctx_resume(struct jmp_ctx *ctx, u64 value);

#endif
