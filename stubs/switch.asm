; switch.asm - switching kernel threads (kernel/thread.c).
;
; void thread_switch(u64 *save_rsp, u64 new_rsp)
; Push the callee-saved registers on the current stack, store RSP in
; *save_rsp, load new_rsp and pop the other thread's registers: its
; thread_switch() call returns.  A new thread's stack is laid out as if it
; had called thread_switch() from thread_start (kernel/thread.c).

; A thread's saved context, as thread_switch pops it: the callee-saved
; registers, right below the return address of the call that saved them.
%macro SAVE_CONTEXT 0
	push rbp
	push rbx
	push r12
	push r13
	push r14
	push r15
%endmacro

section .text

global thread_switch
thread_switch:
	SAVE_CONTEXT
	mov [rdi], rsp
	mov rsp, rsi
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbx
	pop rbp
	ret

; void ipc_handoff(u64 *save_rsp, struct ipc_frame *to, i64 result)
; The IPC fast path (kernel/ipc.c): save this thread's context as
; thread_switch does (either can resume it), then return to ring 3 as the
; thread whose registers are the struct ipc_frame @to, with RAX = @result,
; through the IPC system call exit (syscall.asm).
extern ipc_return
global ipc_handoff
ipc_handoff:
	SAVE_CONTEXT
	mov [rdi], rsp
	mov rsp, rsi
	mov rax, rdx
	jmp ipc_return

; A thread the IPC fast path blocked with no kernel context
; (stubs/ipc_fastpath.asm: below its struct ipc_frame, six dummy registers
; and this address), resumed by thread_switch: RSP = its struct ipc_frame.
extern ipc_woken
global ipc_resume
ipc_resume:
	mov rdi, rsp
	call ipc_woken
	jmp ipc_return

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
