; trap.asm - the 256 interrupt/exception entry stubs and their common path.
;
; Each stub pushes a dummy error code where the CPU pushes none (SDM 3A
; §6.13: vectors 8, 10-14, 17, 21, 29, 30 push one), then its vector, so
; every trap reaches trap_common with the same frame: struct trap_frame in
; kernel/trap.h.  SWAPGS happens only when the trap came from ring 3 (the
; saved CS has RPL 3); the kernel's GS is live otherwise.  trap_dispatch
; takes the big kernel lock (kernel/bkl.h); the way back to ring 3 drops
; it, if this CPU holds it (the cross-call IPI does not take it).
;
; Two things the CPU does not do for us on the way in:
;   - RFLAGS.AC survives interrupt and exception delivery (only TF, NT, RF,
;     VM and, through an interrupt gate, IF are cleared: SDM 3A §6.12.1),
;     so ring 3 could enter every handler with SMAP switched off (SDM 3A
;     §4.6.1).  CLAC clears it; the interrupted RFLAGS comes back with
;     IRETQ, and a handler that unwinds (a driver fault, trap_catch)
;     resumes kernel code with AC clear.  CLAC is #UD without SMAP, where
;     AC means nothing at CPL 0 with CR0.AM clear, hence the flag.
;   - A mispredicted CPL test could run the handler's first GS-relative
;     loads with the wrong GS base (CVE-2019-1125, "SWAPGS"): an LFENCE
;     on both paths waits for the test to resolve first.

;
; NMI, #MC and #DF enter elsewhere: paranoid_common, below.

%include "asm-offsets.inc"
%include "bkl.inc"

extern trap_dispatch
extern paranoid_dispatch
extern trap_clac                        ; u8, kernel/trap.c: SMAP is on

section .text

; struct trap_frame's general registers (kernel/trap.h), RAX pushed first.
%macro SAVE_GPRS 0
	push rax
	push rbx
	push rcx
	push rdx
	push rsi
	push rdi
	push rbp
	push r8
	push r9
	push r10
	push r11
	push r12
	push r13
	push r14
	push r15
%endmacro

%macro RESTORE_GPRS 0
	pop r15
	pop r14
	pop r13
	pop r12
	pop r11
	pop r10
	pop r9
	pop r8
	pop rbp
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rbx
	pop rax
%endmacro

; RFLAGS.AC off (see above); CLAC only where SMAP exists.
%macro CLEAR_AC 0
	cmp byte [rel trap_clac], 0
	je %%ac_clear
	clac
%%ac_clear:
%endmacro

%macro TRAP_STUB 1
trap_stub_%1:
%if %1 == 8 || (%1 >= 10 && %1 <= 14) || %1 == 17 || %1 == 21 || %1 == 29 || %1 == 30
%else
	push 0
%endif
	push %1
	jmp trap_common
%endmacro

%assign v 0
%rep 256
	align 16
	TRAP_STUB v
%assign v v + 1
%endrep

trap_common:
	test qword [rsp + 24], 3        ; saved CS: from ring 3?
	jz .kernel_entry
	swapgs
	lfence
	jmp .entered
.kernel_entry:
	lfence
.entered:
	CLEAR_AC
	SAVE_GPRS
	cld
	mov rdi, rsp
	call trap_dispatch
	RESTORE_GPRS
	test qword [rsp + 24], 3
	jz .kernel_exit
	cmp byte [gs:CPU_BKL_HELD], 0
	je .user_exit
	BKL_DROP
.user_exit:
	swapgs
.kernel_exit:
	add rsp, 16                     ; vector and error code
	iretq

;
; The paranoid entry: NMI, #MC and #DF (on their IST stacks).
;
; These arrive anywhere, IF or not: between SYSCALL and its SWAPGS, or
; between the exit path's SWAPGS and SYSRET/IRETQ, the CPU runs ring-0
; code (CS RPL 0) with the user's GS base live - the saved CS would say
; "the kernel's GS", wrongly, and the first this_cpu() would read through
; the user's base.  So the live GS base itself decides: IA32_GS_BASE
; (MSR 0xC0000101, SDM 4 Table 2-2) holding a kernel (upper-half) address
; means the kernel's GS is live; anything else is the user's (ring 3
; cannot load an upper-half base: no WRGSBASE - CR4.FSGSBASE is off - and
; no system call sets it).  SWAPGS then, and again on the way out: the
; interrupted code resumes with the GS it had.  No big kernel lock is
; taken or dropped here: an NMI may interrupt its holder.  LFENCE after
; the decision, as in trap_common (CVE-2019-1125).  RBX keeps the
; decision across the call (callee-saved, SysV ABI).
;
; NMIs stay blocked until the IRETQ at the end (SDM 3A §6.7.1), so one
; NMI never lands on its own IST stack twice; the handler must not fault
; (an IRETQ from a nested fault would unblock them).
%macro PARANOID_STUB 2
global paranoid_stub_%1
align 16
paranoid_stub_%1:
%if %2 != 8
	push 0                          ; #DF pushes an error code (0)
%endif
	push %2
	jmp paranoid_common
%endmacro

PARANOID_STUB nmi, 2
PARANOID_STUB df, 8
PARANOID_STUB mc, 18

paranoid_common:
	CLEAR_AC
	SAVE_GPRS
	cld
	mov ecx, 0xc0000101             ; IA32_GS_BASE
	rdmsr                           ; EDX = bits 63:32
	xor ebx, ebx
	test edx, edx
	js .kernel_gs                   ; bit 63 set: the kernel's
	swapgs
	mov ebx, 1
.kernel_gs:
	lfence
	mov rdi, rsp
	mov esi, ebx
	call paranoid_dispatch
	test ebx, ebx
	jz .gs_back
	swapgs
.gs_back:
	RESTORE_GPRS
	add rsp, 16                     ; vector and error code
	iretq

section .rodata
global trap_stub_table
align 8
trap_stub_table:
%assign v 0
%rep 256
	dq trap_stub_ %+ v
%assign v v + 1
%endrep

section .note.GNU-stack noalloc noexec nowrite progbits
