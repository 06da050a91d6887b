; switch.asm - switching kernel threads (kernel/thread.c).
;
; void thread_switch(u64 *save_rsp, u64 new_rsp)
; Push the callee-saved registers on the current stack, store RSP in
; *save_rsp, load new_rsp and pop the other thread's registers: its
; thread_switch() call returns.  A new thread's stack is laid out as if it
; had called thread_switch() from thread_start (kernel/thread.c).

section .text

global thread_switch
thread_switch:
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
	mov [rdi], rsp
	mov rsp, rsi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

; First code of a new thread: R12 = fn, R13 = arg (set up by thread_create).
extern thread_main
global thread_start
thread_start:
	and rsp, -16                    ; the ABI's alignment for the call
	mov rdi, r12
	mov rsi, r13
	call thread_main                ; never returns
	ud2

section .note.GNU-stack noalloc noexec nowrite progbits
