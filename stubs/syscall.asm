; syscall.asm - the SYSCALL entry and the first entry into ring 3.
;
; SYSCALL (SDM 2B): RCX = user RIP, R11 = user RFLAGS, CS/SS from STAR,
; RFLAGS &= ~FMASK (we mask IF, TF, DF, AC), RSP unchanged (still the
; user's).  So: SWAPGS, park the user RSP in the per-CPU struct, switch to
; the CPU's kernel stack, and build a struct syscall_frame (kernel/syscall.h).
; The ABI follows Linux: number in RAX, arguments in RDI, RSI, RDX, R10,
; R8, R9, result in RAX; RCX and R11 are clobbered, all else preserved.

%include "asm-offsets.inc"
%include "ctx.inc"
%include "bkl.inc"

extern syscall_dispatch
extern fastpath_call
extern gate_return_refused
extern ipc_syscall
extern ipc_fast_call
extern ipc_fast_reply_wait

; struct syscall_frame (kernel/syscall.h), built on the kernel stack.
%macro SAVE_SYSCALL_FRAME 0
	push qword [gs:CPU_USER_RSP]    ; user_rsp
	push r11                        ; rflags
	push rcx                        ; rip
	push r9
	push r8
	push r10
	push rdx
	push rsi
	push rdi
	push rax                        ; number
%endmacro

section .text

global syscall_entry
syscall_entry:
	swapgs
	mov [gs:CPU_USER_RSP], rsp
	mov rsp, [gs:CPU_KSTACK_TOP]
	cmp rax, SYS_COUNT
	jae beyond_plain                ; a gate, the return gate, short IPC
	SAVE_SYSCALL_FRAME
	BKL_TAKE ecx
	mov rdi, rsp
	call syscall_dispatch           ; returns the result in RAX
; RSP = a struct syscall_frame, RAX = the result: back to ring 3.
global syscall_return
syscall_return:
	add rsp, 8
	pop rdi
	pop rsi
	pop rdx
	pop r10
	pop r8
	pop r9
	pop rcx
	pop r11
	pop rsp                         ; the user's stack again
	BKL_DROP
	swapgs
	; RCX came from SYSCALL itself, so it is canonical: SYSRET cannot #GP
	; in ring 0 on it (the Intel SYSRET erratum, SDM 2B SYSRET).
	o64 sysret

; Numbers above the plain calls.
beyond_plain:
	cmp rax, GATE_SYSCALL_BASE
	jb below_gates
	SAVE_SYSCALL_FRAME
	; A gate (slots/fastpath.h): a struct gate_frame right below the
	; syscall frame, its ctx holding the caller's callee-saved registers,
	; the frame the fast path enters the driver with (fastpath.asm).
	sub rsp, GATE_FRAME_SIZE
%if FASTPATH
	CTX_STORE_CALLEE_SAVED rsp
%endif
	BKL_TAKE ecx
	jmp fastpath_call

below_gates:
	cmp rax, SYS_GATE_RETURN
	jne ipc_entry
; The return gate (RDI = the driver's result) saves nothing: the driver is
; left for good, through the innermost frame's ctx, which holds all the
; caller needs - a ctx_resume(&top->ctx) in line, for frames of either
; path (gate.h says why a frame present means its driver called).  Only
; RAX is touched before that is known.
	BKL_TAKE eax
	mov rax, [gs:CPU_THREAD]
	mov rax, [rax + THREAD_GATE_TOP]
	test rax, rax
	jz .refused
	inc qword [gs:CPU_SYSCALLS]
	mov [rax + FRAME_RESULT], rdi
	mov byte [rax + FRAME_RETURNED], 1
	CTX_LOAD_CALLEE_SAVED rax
	mov rsp, [rax + CTX_RSP]
	jmp [rax + CTX_RIP]             ; RAX != 0: ctx_save() returns non-zero
.refused:                               ; no gate: registers kept
	SAVE_SYSCALL_FRAME
	call gate_return_refused
	jmp syscall_return

; The short IPC calls (kernel/ipc.h) and the unused numbers between the
; plain calls and the gates: every register saved, a struct ipc_frame.
ipc_entry:
	SAVE_SYSCALL_FRAME
	push rbx
	push rbp
	push r12
	push r13
	push r14
	push r15
	BKL_TAKE ecx
	cmp rax, SYS_IPC_CALL
	je ipc_fast_call                ; stubs/ipc_fastpath.asm
	cmp rax, SYS_IPC_REPLY_WAIT
	je ipc_fast_reply_wait
; Every case of them, in C (kernel/ipc.c); the fast path's misses too.
global ipc_slow
ipc_slow:
	mov rdi, rsp
	call ipc_syscall
; RSP = a struct ipc_frame, RAX = the result: back to its thread's ring 3
; (also how ipc_handoff resumes a thread waiting in IPC).
global ipc_return
ipc_return:
	pop r15
	pop r14
	pop r13
	pop r12
	pop rbp
	pop rbx
	jmp syscall_return


; void user_enter(u64 rip, u64 rsp, u64 arg) - first entry into ring 3,
; by IRETQ with IF set; arg in RDI, every other register zeroed so nothing
; of the kernel leaks.
global user_enter
user_enter:
	mov rax, rdi
	push 0x1b                       ; SS: user data | RPL 3
	push rsi                        ; RSP
	push 0x202                      ; RFLAGS: IF
	push 0x23                       ; CS: user code | RPL 3
	push rax                        ; RIP
	mov rdi, rdx
	xor eax, eax
	xor ebx, ebx
	xor ecx, ecx
	xor edx, edx
	xor esi, esi
	xor ebp, ebp
	xor r8d, r8d
	xor r9d, r9d
	xor r10d, r10d
	xor r11d, r11d
	xor r12d, r12d
	xor r13d, r13d
	xor r14d, r14d
	xor r15d, r15d
	BKL_DROP
	swapgs
	iretq

section .note.GNU-stack noalloc noexec nowrite progbits
