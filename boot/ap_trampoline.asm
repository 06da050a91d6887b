; ap_trampoline.asm - where an application processor starts (kernel/smp.c).
;
; A STARTUP IPI starts the AP in real mode at CS:IP = vector*256:0, i.e. at
; physical vector * 4 KiB (SDM 3A §9.4.4, "MP Initialization Example").
; smp.c copies the bytes between ap_tramp_start and ap_tramp_end to such a
; page below 1 MiB, fills in the parameter block at its end, and sends
; INIT-SIPI-SIPI.  The code takes the AP from real mode to long mode the
; way boot.asm takes the BSP (SDM 3A §9.8.5), on boot.asm's page tables
; (their identity map of low memory is put back for the bring-up, and the
; kernel is mapped at -2 GiB), then jumps to ap_entry64 in the kernel
; proper, which switches to the AP's own PML4 and stack and calls
; ap_main(cpu).  Nothing here may use an absolute address of its own:
; it runs at whatever page smp.c chose, so every address is that page's
; base (kept in EBX, from CS) plus an offset.

%define OFF(x) ((x) - ap_tramp_start)

section .rodata
bits 16
global ap_tramp_start, ap_tramp_end, ap_tramp_params
align 16
ap_tramp_start:
	cli
	cld
	mov ax, cs
	mov ds, ax
	xor ebx, ebx
	mov bx, ax
	shl ebx, 4                              ; EBX = the page's physical base
	; Patch the GDT pointer's base and the far jumps' targets to the page.
	lea eax, [ebx + OFF(tramp_gdt)]
	mov [OFF(tramp_gdt_ptr) + 2], eax
	lea eax, [ebx + OFF(pm32)]
	mov [OFF(pm32_target)], eax
	lea eax, [ebx + OFF(lm64)]
	mov [OFF(lm64_target)], eax
	lgdt [OFF(tramp_gdt_ptr)]
	mov eax, cr0
	or eax, 1                               ; PE
	mov cr0, eax
	jmp far dword [OFF(pm32_target)]

bits 32
pm32:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	mov eax, cr4
	or eax, 1 << 5                          ; PAE
	mov cr4, eax
	mov eax, [ebx + OFF(p_boot_cr3)]
	mov cr3, eax
	mov ecx, 0xc0000080                     ; IA32_EFER: LME, and NXE as the BSP
	mov eax, [ebx + OFF(p_efer)]
	xor edx, edx
	wrmsr
	mov eax, cr0
	and eax, ~((1 << 30) | (1 << 29))       ; INIT left CD and NW set (SDM 3A §9.1.1)
	or eax, (1 << 31) | (1 << 16)           ; PG, WP
	mov cr0, eax
	jmp far [ebx + OFF(lm64_target)]

bits 64
lm64:
	mov ebx, ebx                            ; bits 63:32 undefined after the mode switch
	; Still on the boot tables: read every parameter now, they are not
	; mapped once ap_entry64 loads the AP's own PML4.
	mov rdi, [rbx + OFF(p_cpu)]
	mov rsi, [rbx + OFF(p_stack)]
	mov rdx, [rbx + OFF(p_cr3)]
	mov rax, [rbx + OFF(p_entry)]
	jmp rax

align 8
tramp_gdt:
	dq 0
	dq 0x00cf9a000000ffff                   ; 0x08: 32-bit code, 4 GiB
	dq 0x00cf92000000ffff                   ; 0x10: data, 4 GiB
	dq 0x00209a0000000000                   ; 0x18: 64-bit code
tramp_gdt_end:
tramp_gdt_ptr:
	dw tramp_gdt_end - tramp_gdt - 1
	dd 0                                    ; patched: physical base
pm32_target:
	dd 0                                    ; patched
	dw 0x08
lm64_target:
	dd 0                                    ; patched
	dw 0x18

; The parameter block smp.c fills in (struct ap_tramp_params, smp.c).
align 8
ap_tramp_params:
p_boot_cr3: dq 0    ; boot.asm's PML4, physical, below 4 GiB
p_efer:     dq 0    ; EFER as the BSP has it (LME, NXE)
p_cr3:      dq 0    ; the AP's own PML4
p_stack:    dq 0    ; the AP's kernel stack top
p_cpu:      dq 0    ; its struct cpu
p_entry:    dq 0    ; ap_entry64
ap_tramp_end:

section .text
extern ap_main
global ap_entry64
; RDI = struct cpu, RSI = stack top, RDX = PML4: the AP's own world.
; The segment registers still hold the trampoline GDT's descriptors, whose
; table is not mapped any more: load none until ap_main's gdt_load().
ap_entry64:
	mov cr3, rdx
	mov rsp, rsi
	xor ebp, ebp
	call ap_main                            ; does not return
.hang:
	cli
	hlt
	jmp .hang

section .note.GNU-stack noalloc noexec nowrite progbits
