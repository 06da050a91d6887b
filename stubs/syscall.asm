; syscall.asm - the SYSCALL entry and the first entry into ring 3.
;
; SYSCALL (SDM 2B): RCX = user RIP, R11 = user RFLAGS, CS/SS from STAR,
; RFLAGS &= ~FMASK (we mask IF, TF, DF, AC), RSP unchanged (still the
; user's).  So: SWAPGS, park the user RSP in the per-CPU struct, switch to
; the CPU's kernel stack, and build a struct syscall_frame (kernel/syscall.h).
; The ABI follows Linux: number in RAX, arguments in RDI, RSI, RDX, R10,
; R8, R9, result in RAX; RCX and R11 are clobbered, all else preserved.

%include "percpu.inc"

extern syscall_dispatch

section .text

global syscall_entry
syscall_entry:
	swapgs
	mov [gs:CPU_USER_RSP], rsp
	mov rsp, [gs:CPU_KSTACK_TOP]
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
	mov rdi, rsp
	call syscall_dispatch           ; returns the result in RAX
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
	swapgs
	; RCX came from SYSCALL itself, so it is canonical: SYSRET cannot #GP
	; in ring 0 on it (the Intel SYSRET erratum, SDM 2B SYSRET).
	o64 sysret

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
	swapgs
	iretq

section .note.GNU-stack noalloc noexec nowrite progbits
