; context.asm - ctx_save / ctx_resume (kernel/ctx.h), a setjmp/longjmp for
; the kernel: only callee-saved registers, RSP and the return address.

section .text

; u64 ctx_save(struct jmp_ctx *ctx)
global ctx_save
ctx_save:
	mov [rdi + 0], rbx
	mov [rdi + 8], rbp
	mov [rdi + 16], r12
	mov [rdi + 24], r13
	mov [rdi + 32], r14
	mov [rdi + 40], r15
	lea rax, [rsp + 8]              ; RSP after our return
	mov [rdi + 48], rax
	mov rax, [rsp]
	mov [rdi + 56], rax
	xor eax, eax
	ret

; void ctx_resume(struct jmp_ctx *ctx, u64 value)
global ctx_resume
ctx_resume:
	mov rbx, [rdi + 0]
	mov rbp, [rdi + 8]
	mov r12, [rdi + 16]
	mov r13, [rdi + 24]
	mov r14, [rdi + 32]
	mov r15, [rdi + 40]
	mov rsp, [rdi + 48]
	mov rax, rsi
	jmp [rdi + 56]

section .note.GNU-stack noalloc noexec nowrite progbits
