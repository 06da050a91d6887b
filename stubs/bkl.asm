; bkl.asm - the contended path of BKL_TAKE (stubs/bkl.inc, kernel/bkl.h).

section .text
extern bkl_wait

; Spin until the big kernel lock is this CPU's (bkl_wait, in C, serves
; cross-calls meanwhile), keeping every register: the stubs take the
; lock before they have saved what the C calling convention clobbers.
global bkl_wait_stub
bkl_wait_stub:
	push rbp
	mov rbp, rsp
	and rsp, -16                    ; the C ABI's alignment at the call
	push rax
	push rcx
	push rdx
	push rsi
	push rdi
	push r8
	push r9
	push r10
	push r11
	sub rsp, 8
	call bkl_wait
	add rsp, 8
	pop r11
	pop r10
	pop r9
	pop r8
	pop rdi
	pop rsi
	pop rdx
	pop rcx
	pop rax
	mov rsp, rbp
	pop rbp
	ret

section .note.GNU-stack noalloc noexec nowrite progbits
