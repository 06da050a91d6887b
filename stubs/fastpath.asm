; fastpath.asm - the gate fast path (slots/fastpath.h): the common gate
; call from ring 3, straight from the SYSCALL entry into the driver.
;
; Reached from syscall.asm with RAX = a gate system call number (>=
; GATE_SYSCALL_BASE), the caller's struct syscall_frame pushed, a struct
; gate_frame reserved below it at RSP and the caller's callee-saved
; registers already in its ctx.  RDI, RSI, RDX, R10, R8, R9 still hold the
; arguments; RCX and R11 are free (saved in the syscall frame), and so are
; RBX, RBP, R12-R15 (saved in the ctx).  Kernel code runs with IF = 0, so
; nothing here can be interrupted, and nothing it reads changes meanwhile.
;
; Every condition is checked before anything is written; the first that
; fails sends the call to the slow path (gate_slow, slots/fastpath.c) with
; the reason, nothing changed.  Then the frame is recorded exactly as the
; slow path's enter() records it (slots/gate.c), the slot is swapped by
; the same C strategy code (view_switch -> flush_*_switch), and SYSRET
; enters the driver as driver_enter does (stubs/gate.asm).  The driver
; leaves by the return gate, a fault or the watchdog, which all resume
; the frame's ctx: fastpath_exit, below, leaves the frame as gate_leave()
; does for the slow path, and returns to the caller.
;
; Registers while checking:  RBX = the gate (struct gate *), RBP = its
; driver, R12 = this thread, R13 = its innermost frame, R14 = the calling
; driver (0: an application), R15 = the driver stack to enter on.

%include "asm-offsets.inc"
%include "ctx.inc"
%include "bkl.inc"

extern gates
extern gate_slow
extern fastpath_enter_own_space
extern fastpath_leave_own_space
extern view_switch
extern fastpath_leave_unlinked
extern syscall_return

section .text

%if FASTPATH

; Send the call to the slow path for reason %1 when the flags say %2.
%macro MISS_IF 2
	j%2 .miss_%1
%endmacro

global fastpath_call
fastpath_call:
	; --- the gate: registered, register-only
	lea rbx, [rax - GATE_SYSCALL_BASE]
	cmp rbx, GATE_MAX
	MISS_IF NO_GATE, ae
	shl rbx, GATE_SHIFT
	add rbx, gates
	mov rbp, [rbx + GATE_DRIVER]
	test rbp, rbp
	MISS_IF NO_GATE, z
	cmp byte [rbx + GATE_PTR_CLASS], PTR_NONE
	MISS_IF POINTERS, ne           ; windows to open: the slow path's job
	; --- the caller: an application, or the driver whose code runs now -
	; the innermost frame's, shown or always shown (gate_running_in)
	mov r12, [gs:CPU_THREAD]
	mov r13, [r12 + THREAD_GATE_TOP]
	xor r14d, r14d
	mov cl, GATE_FROM_APP
	test r13, r13
	jz .caller_known
	mov rax, [r13 + FRAME_DRIVER]
	cmp dword [rax + DRIVER_MODE], DRIVER_SLOT
	jne .from_driver
	lea r11, [rax + DRIVER_VIEW]
	cmp r11, [gs:CPU_SLOTS_CURRENT]
	jne .caller_known
.from_driver:
	mov r14, rax
	mov cl, GATE_FROM_DRIVER
.caller_known:
	test [rbx + GATE_CALLERS], cl
	MISS_IF FORBIDDEN, z
	; --- the driver: alive, no restart waiting for its threads to leave
	cmp byte [rbp + DRIVER_DEAD], 0
	MISS_IF DEAD, ne
	cmp byte [rbp + DRIVER_RESTART_PENDING], 0
	MISS_IF RESTART, ne
	; --- the thread: on this CPU's PML4 (then the view shown is all of
	; the caller's memory, and the frame's caller_own is NULL), below
	; the nesting limit, with a stack in the driver (mapping one
	; allocates and can fail: the slow path's job)
	cmp qword [r12 + THREAD_OWN], 0
	MISS_IF OWN_SPACE, ne
	cmp dword [r12 + THREAD_GATE_DEPTH], GATE_MAX_DEPTH
	MISS_IF DEPTH, ae
	mov eax, [r12 + THREAD_ID]
	mov r15, [rbp + DRIVER_STACK_CURSOR + rax * 8]
	test r15, r15
	MISS_IF NO_STACK, z

	; --- the frame, as enter() records it.  result is written by
	; whoever resumes the frame (gate_return, gate_driver_fault) before
	; it is read; returned is read by the slow path's windows only.
	mov [rsp + FRAME_PREV], r13
	mov [rsp + FRAME_DRIVER], rbp
	mov [rsp + FRAME_CALLER], r14
	mov qword [rsp + FRAME_CALLER_OWN], 0
	test r14, r14
	jnz .park_caller
.parked:
	mov rcx, [gs:CPU_SLOTS_CURRENT]
	mov [rsp + FRAME_CALLER_VIEW], rcx
	mov rcx, [gs:CPU_KSTACK_TOP]
	mov [rsp + FRAME_SAVED_KSTACK_TOP], rcx
	mov qword [rsp + FRAME_TICKS_INSIDE], 0
	mov [rsp + CTX_RSP], rsp
	mov qword [rsp + CTX_RIP], fastpath_exit
	mov [r12 + THREAD_GATE_TOP], rsp
	inc dword [r12 + THREAD_GATE_DEPTH]
	inc dword [rbp + DRIVER_ACTIVE]
	inc qword [gs:CPU_SYSCALLS]
	inc qword [gs:CPU_GATE_CALLS]
	inc qword [gs:CPU_FASTPATH_CALLS]
	; The driver's system calls and traps land below the frame
	; (cpu_set_kernel_stack: TSS.RSP0 too, SDM 3A 6.14.4).
	mov [gs:CPU_KSTACK_TOP], rsp
	mov [gs:CPU_TSS_RSP0], rsp

	; --- the swap, by gate_switch_into()'s rules for a thread on this
	; CPU's PML4: a driver shown in every view (trusted, allmapped: mode
	; bit 0) needs none; a slot is swapped by view_switch() - the build's
	; flush strategy; a CR3-mode driver's own PML4 is loaded
	; (gate_enter_own_space, in C).
	test dword [rbp + DRIVER_MODE], 1
	jnz .enter
	cmp dword [rbp + DRIVER_MODE], DRIVER_CR3
	je .cr3_mode
	mov rdi, [gs:CPU_SELF]
	add rdi, CPU_SLOTS
	lea rsi, [rbp + DRIVER_VIEW]
	call view_switch                ; C: clobbers the arguments
.switched:
	mov rdi, [rsp + GATE_FRAME_SIZE + SF_A + 0]
	mov rsi, [rsp + GATE_FRAME_SIZE + SF_A + 8]
	mov rdx, [rsp + GATE_FRAME_SIZE + SF_A + 16]
	mov r10, [rsp + GATE_FRAME_SIZE + SF_A + 24]
	mov r8, [rsp + GATE_FRAME_SIZE + SF_A + 32]
	mov r9, [rsp + GATE_FRAME_SIZE + SF_A + 40]

	; --- into the driver, as driver_enter: SYSRET to its runtime's entry
	; (canonical: slot <= 255) with RAX = the handler, the arguments in
	; place, RFLAGS = IF and every other register zeroed.
.enter:
	mov rcx, [rbp + DRIVER_ENTRY]
	mov rax, [rbx + GATE_HANDLER]
	mov r11d, 0x202
	xor ebx, ebx
	xor ebp, ebp
	xor r12d, r12d
	xor r13d, r13d
	xor r14d, r14d
	mov rsp, r15
	xor r15d, r15d
	BKL_DROP
	swapgs
	o64 sysret

.cr3_mode:
	mov rdi, rbp
	call fastpath_enter_own_space   ; its own PML4 in CR3
	jmp .switched

; A driver calls: park its stack cursor below what it uses now, so a
; nested entry into it continues beneath (RAX = the thread's id).
.park_caller:
	mov rcx, [r14 + DRIVER_STACK_CURSOR + rax * 8]
	mov [rsp + FRAME_CALLER_CURSOR], rcx
	mov rcx, [rsp + GATE_FRAME_SIZE + SF_RSP]
	sub rcx, 128
	and rcx, -16
	mov [r14 + DRIVER_STACK_CURSOR + rax * 8], rcx
	cmp r14, rbp
	jne .parked
	mov r15, rcx                    ; into itself: beneath its own frame
	jmp .parked

; The slow path, with the reason (enum fastpath_miss).  Nothing was
; written, but RBX, RBP, R12-R15 hold scratch: the caller's come back
; from the ctx first, for gate_slow() keeps them (callee-saved) and the
; caller gets them when it returns.
%macro MISS 1
.miss_%1:
	mov esi, FASTPATH_MISS_%+ %1
	jmp .miss
%endmacro
	MISS NO_GATE
	MISS POINTERS
	MISS FORBIDDEN
	MISS DEAD
	MISS RESTART
	MISS OWN_SPACE
	MISS DEPTH
	MISS NO_STACK
.miss:
	CTX_LOAD_CALLEE_SAVED rsp
%else
global fastpath_call
fastpath_call:
	mov esi, FASTPATH_MISS_OFF
%endif
	mov rdi, rsp
	call gate_slow                  ; (room, why): the result
	add rsp, GATE_FRAME_SIZE
	jmp syscall_return

; A fast-path frame's ctx resumes here (the return gate, a fault, the
; watchdog) with RSP = the frame and the caller's callee-saved registers
; back in place; the caller's others are in the syscall frame.  Leaving
; the frame is gate_leave() (slots/gate_core.h), field by field: the
; unlink here, then in the common case - no restart waiting, the thread
; on this CPU's PML4 (caller_own is NULL in a fast frame) - the caller's
; view shown again by the strategy, unless it is shown already (a driver
; shown in every view); a CR3-mode driver's own PML4 left; else the rest
; in C.  Only caller-saved registers are used: the callee-saved ones are
; the caller's.
global fastpath_exit
fastpath_exit:
	mov rax, [gs:CPU_THREAD]
	mov rdx, [rsp + FRAME_DRIVER]
	mov rcx, [rsp + FRAME_SAVED_KSTACK_TOP]
	mov [gs:CPU_KSTACK_TOP], rcx
	mov [gs:CPU_TSS_RSP0], rcx
	mov rcx, [rsp + FRAME_PREV]
	mov [rax + THREAD_GATE_TOP], rcx
	dec dword [rax + THREAD_GATE_DEPTH]
	dec dword [rdx + DRIVER_ACTIVE]
	mov rcx, [rsp + FRAME_CALLER]
	test rcx, rcx
	jnz .restore_cursor
.unlinked:
	cmp byte [rdx + DRIVER_RESTART_PENDING], 0
	jne .general
	cmp qword [rax + THREAD_OWN], 0
	jne .own_space
	mov rsi, [rsp + FRAME_CALLER_VIEW]
	cmp rsi, [gs:CPU_SLOTS_CURRENT]
	je .left                        ; shown in every view: nothing to do
	mov rdi, [gs:CPU_SELF]
	add rdi, CPU_SLOTS
	call view_switch                ; the caller's view, by the strategy
.left:
	mov rax, [rsp + FRAME_RESULT]
	add rsp, GATE_FRAME_SIZE
	jmp syscall_return

.restore_cursor:                        ; the calling driver's stack cursor
	mov esi, [rax + THREAD_ID]
	mov rdi, [rsp + FRAME_CALLER_CURSOR]
	mov [rcx + DRIVER_STACK_CURSOR + rsi * 8], rdi
	jmp .unlinked

; The thread runs on an address space of its own, which a fast frame's
; caller never did (its caller_own is NULL): the CR3-mode driver's this
; frame entered.  Back to this CPU's PML4, which still shows the caller's
; view (gate_switch_back's general case, this one case of it).
.own_space:
	call fastpath_leave_own_space
	jmp .left

.general:
	mov rdi, rsp
	call fastpath_leave_unlinked
	jmp .left

section .note.GNU-stack noalloc noexec nowrite progbits
