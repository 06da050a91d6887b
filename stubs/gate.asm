; gate.asm - entering a driver at ring 3 (slots/gate.c).
;
; void driver_enter(u64 entry, u64 rsp, u64 handler, const u64 args[6])
; SYSRET to the driver runtime's _driver_entry with RAX = handler (0 for
; driver_init), the six arguments in RDI, RSI, RDX, R10, R8, R9 (R10
; because SYSRET takes RCX for RIP), RFLAGS = IF, and every other register
; zeroed so no kernel value leaks into the driver.  SYSRET loads RIP from
; RCX and RFLAGS from R11 (SDM 2B SYSRET); RCX must be canonical or SYSRET
; faults in ring 0 - a driver's entry always is (slot <= 255, below 2^47).
; Called with IF = 0:
; nothing may interrupt between loading the user RSP and SYSRET (NMI and
; #MC run on IST stacks, so they cannot land on it either).

%include "asm-offsets.inc"
%include "bkl.inc"

section .text

global driver_enter
driver_enter:
	mov rax, rdx                    ; handler
	mov r11, rcx                    ; args
	mov rcx, rdi                    ; RIP for SYSRET
	mov r12, rsi                    ; user RSP, loaded last
	mov rdi, [r11 + 0]
	mov rsi, [r11 + 8]
	mov rdx, [r11 + 16]
	mov r10, [r11 + 24]
	mov r8, [r11 + 32]
	mov r9, [r11 + 40]
	xor ebx, ebx
	xor ebp, ebp
	xor r13d, r13d
	xor r14d, r14d
	xor r15d, r15d
	mov r11d, 0x202                 ; RFLAGS for SYSRET: IF
	mov rsp, r12
	xor r12d, r12d
	BKL_DROP
	swapgs
	o64 sysret

section .note.GNU-stack noalloc noexec nowrite progbits
