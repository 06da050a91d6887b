; ipc_fastpath.asm - the IPC fast path (kernel/ipc.h): a short call from
; ring 3 to a server waiting in the short reply_wait, and that server's
; reply to it, each a direct switch from one thread's registers to the
; other's (as seL4's fastpath), given the same care as the gate's
; (stubs/fastpath.asm).
;
; Reached from syscall.asm's ipc_entry with RSP = the caller's struct
; ipc_frame (every register saved) and RDI..R9 still the arguments.
; Every condition is checked before anything is written; the first that
; fails sends the call to ipc_syscall() in C (kernel/ipc.c), which does
; all cases - these two too.  What is written is what ipc.c's
; call_server()/reply_and_wait() and ipc_switch() write, field by field;
; the CR3 load is flush.h's, called in C.  The thread that calls keeps no
; kernel context (handoff, below): whoever resumes it returns it to
; ring 3 from its frame.  Kernel code runs with IF = 0: nothing changes
; under these checks.
;
; Registers: R12 = this thread, R13 = the other, R14 = the other's frame
; (a struct syscall_frame for a server, an ipc_frame for a client), R15
; = the result the other gets.  RBX, RBP, R12-R15 are free: the caller's
; are in its frame.

%include "asm-offsets.inc"

extern ipc_ep
extern ipc_slow
extern ipc_return
extern ipc_resume
extern ipc_fast_load_server
extern ipc_fast_load_client

section .text

; SYS_IPC_CALL(a..f) from an application on this CPU's PML4 (not inside
; a gate: a driver may not block a borrowed thread) to a server waiting
; in the short reply_wait: the message goes into the server's registers,
; and it returns 0 from its reply_wait.
global ipc_fast_call
ipc_fast_call:
	mov r12, [gs:CPU_THREAD]
	cmp qword [r12 + THREAD_GATE_TOP], 0
	jne ipc_slow
	cmp qword [r12 + THREAD_OWN], 0
	jne ipc_slow
	cmp byte [ipc_ep + EP_OPEN], 0
	je ipc_slow
	mov r13, [ipc_ep + EP_SERVER]
	test r13, r13
	jz ipc_slow
	mov rax, [gs:CPU_SELF]
	cmp [r13 + THREAD_CPU], rax
	jne ipc_slow                    ; in another CPU's queue: ipc.c adopts it
	mov r14, [ipc_ep + EP_SERVER_FRAME]
	cmp qword [r14 + SF_NR], SYS_IPC_REPLY_WAIT
	jne ipc_slow                    ; a long server: its frame is plain
	; --- committed: call_server()
	mov qword [ipc_ep + EP_SERVER], 0
	mov [ipc_ep + EP_CLIENT], r12
	mov [ipc_ep + EP_CLIENT_FRAME], rsp
	mov [r14 + SF_A + 0], rdi
	mov [r14 + SF_A + 8], rsi
	mov [r14 + SF_A + 16], rdx
	mov [r14 + SF_A + 24], r10
	mov [r14 + SF_A + 32], r8
	mov [r14 + SF_A + 40], r9
	inc qword [gs:CPU_SYSCALLS]
	; --- ipc_switch() to the server: the client leaves its view shown
	mov rcx, [gs:CPU_SLOTS_CURRENT]
	mov [r12 + THREAD_VIEW], rcx
	call switch_threads
	mov rdi, r13
	call ipc_fast_load_server       ; its own PML4 (view_load_own)
	xor r15d, r15d
	sub r14, IPC_FRAME_SYS          ; the server's struct ipc_frame
	jmp handoff

; SYS_IPC_REPLY_WAIT(result) from the server, with a client waiting for
; the reply whose registers are an ipc_frame (a short call from ring 3):
; the client returns the result, and the server waits, with no kernel
; context, until a call (or the close) resumes it from its frame.
global ipc_fast_reply_wait
ipc_fast_reply_wait:
	mov r12, [gs:CPU_THREAD]
	cmp qword [r12 + THREAD_GATE_TOP], 0
	jne ipc_slow
	cmp qword [r12 + THREAD_OWN], 0
	je ipc_slow                     ; not a server yet (become_server)
	cmp byte [ipc_ep + EP_OPEN], 0
	je ipc_slow
	mov rax, [ipc_ep + EP_SERVER]
	test rax, rax
	jz .no_other_server
	cmp rax, r12
	jne ipc_slow                    ; another server waits: -E_BUSY
.no_other_server:
	mov r13, [ipc_ep + EP_CLIENT]
	test r13, r13
	jz ipc_slow                     ; no one to reply to: wait in C
	mov rax, [gs:CPU_SELF]
	cmp [r13 + THREAD_CPU], rax
	jne ipc_slow                    ; in another CPU's queue: ipc.c adopts it
	mov r14, [ipc_ep + EP_CLIENT_FRAME]
	test r14, r14
	jz ipc_slow                     ; a kernel or long client
	; --- committed: reply_and_wait()
	lea rcx, [rsp + IPC_FRAME_SYS]
	mov [ipc_ep + EP_SERVER_FRAME], rcx
	mov [ipc_ep + EP_SERVER], r12
	mov qword [ipc_ep + EP_CLIENT], 0
	mov [r13 + THREAD_IPC_VALUE], rdi
	mov r15, rdi
	inc qword [gs:CPU_SYSCALLS]
	; --- ipc_switch() to the client: the server keeps the view it had
	call switch_threads
	call ipc_fast_load_client       ; this CPU's PML4 (slot_cpu_reload)
	; fall through

; Into R13's ring 3 from its struct ipc_frame R14 with RAX = R15; this
; thread keeps no kernel context: below its frame a
; thread_switch() context of six dummy registers and ipc_resume.
handoff:
	mov rcx, [r13 + THREAD_KSTACK_TOP]
	mov [gs:CPU_KSTACK_TOP], rcx
	mov [gs:CPU_TSS_RSP0], rcx
	inc qword [gs:CPU_THREAD_SWITCHES]
	inc qword [gs:CPU_IPC_FASTPATH]
	mov qword [rsp - 8], ipc_resume
	lea rcx, [rsp - 56]
	mov [r12 + THREAD_SAVED_RSP], rcx
	mov rax, r15
	mov rsp, r14
	jmp ipc_return

; ipc_switch()'s bookkeeping from R12 to R13 (the view, when it must be
; kept, is the caller's to save).
switch_threads:
	mov rcx, [gs:CPU_KSTACK_TOP]
	mov [r12 + THREAD_KSTACK_TOP], rcx
	mov dword [r12 + THREAD_STATE], THREAD_BLOCKED
	mov dword [r13 + THREAD_STATE], THREAD_RUNNING
	mov [gs:CPU_THREAD], r13
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
