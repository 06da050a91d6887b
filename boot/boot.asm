; boot.asm - multiboot2 header and the 32-bit entry that reaches long mode.
;
; GRUB enters _start in 32-bit protected mode, paging off, EAX = multiboot2
; magic, EBX = physical address of the boot information (multiboot2 spec
; §3.3).  We build just enough page tables to run the higher-half kernel:
;   PML4[0]   -> identity map of the first 4 GiB (2 MiB pages), dropped
;                again as soon as we run at the kernel's link address;
;   PML4[256] -> the same 4 GiB at DIRECT_MAP_BASE (the direct map that
;                the C code extends to all of RAM);
;   PML4[511] -> PDPT[510] -> first 1 GiB at KERNEL_VMA (-2 GiB), where
;                the kernel is linked (-mcmodel=kernel).
; then enable PAE, long mode (EFER.LME and EFER.NXE) and paging (SDM 3A
; §9.8.5 "Initializing IA-32e Mode").  Every mapping the kernel makes sets
; XD where it may, so NX is required: firmware setup can hide it on Intel
; CPUs (IA32_MISC_ENABLE bit 34), which we undo; a CPU without it is told
; so on COM1 and stopped, rather than triple-faulting at the first CR3
; load with XD set in a PTE (a reserved bit then, SDM 3A §4.5).

KERNEL_VMA      equ 0xffffffff80000000
MB2_MAGIC       equ 0xe85250d6
PTE_P           equ 1
PTE_RW          equ 2
PTE_PS          equ 0x80
COM1            equ 0x3f8

; The header asks for a linear framebuffer (tag 5, multiboot2 spec §3.1.10),
; any size, 32 bits per pixel preferred, and marks the request optional
; (flags bit 0): under UEFI GRUB hands over the firmware's graphics mode,
; under BIOS grub.cfg keeps VGA text mode (gfxpayload=text), and a loader
; that sets no mode still boots us.  The kernel draws on what the
; framebuffer tag of the boot information says it got (kernel/screen.c).
MB2_TAG_FRAMEBUFFER equ 5
MB2_TAG_OPTIONAL    equ 1

section .multiboot2 align=8
mb2_header:
	dd MB2_MAGIC
	dd 0                                    ; i386 protected mode
	dd mb2_header_end - mb2_header
	dd -(MB2_MAGIC + (mb2_header_end - mb2_header))
	dw MB2_TAG_FRAMEBUFFER, MB2_TAG_OPTIONAL
	dd 20
	dd 0, 0, 32                             ; width, height: any; depth 32
	dd 0                                    ; pad: tags are 8-byte aligned
	dw 0, 0                                 ; end tag
	dd 8
mb2_header_end:

section .boot.text progbits alloc exec
bits 32
global _start
_start:
	cli
	cld
	mov [boot_magic - KERNEL_VMA], eax      ; kmain(magic, info) later
	mov [boot_info - KERNEL_VMA], ebx
	; Zero .bss ourselves (page tables and the stack live there).
	mov edi, __bss_start - KERNEL_VMA
	mov ecx, __bss_end - KERNEL_VMA
	sub ecx, edi
	shr ecx, 2
	xor eax, eax
	rep stosd
	mov esp, boot_stack_top - KERNEL_VMA

	call enable_xd

	; Long mode needs CPUID leaf 0x80000001 EDX.LM (bit 29).
	mov eax, 0x80000000
	cpuid
	cmp eax, 0x80000001
	jb .no_long_mode
	mov eax, 0x80000001
	cpuid
	bt edx, 29
	jnc .no_long_mode
	bt edx, 20                              ; NX
	jnc .no_nx

	call build_page_tables

	mov eax, cr4
	or eax, 1 << 5                          ; CR4.PAE
	mov cr4, eax
	mov eax, boot_pml4 - KERNEL_VMA
	mov cr3, eax
	mov ecx, 0xc0000080                     ; IA32_EFER
	rdmsr
	or eax, (1 << 8) | (1 << 11)            ; LME, NXE
	wrmsr
	mov eax, cr0
	or eax, (1 << 31) | (1 << 16) | 1       ; PG, WP, PE
	mov cr0, eax

	lgdt [boot_gdt_ptr - KERNEL_VMA]
	jmp 0x08:(long_mode_low - KERNEL_VMA)

.no_nx:
	mov esi, no_nx_msg - KERNEL_VMA
	jmp .print
.no_long_mode:
	mov esi, no_lm_msg - KERNEL_VMA
.print:
	lodsb
	test al, al
	jz .stop
	mov dx, COM1
	out dx, al
	jmp .print
.stop:
	mov al, 0x11                            ; QEMU's isa-debug-exit: failure
	out 0xf4, al
.halt:
	hlt
	jmp .halt

; Intel CPUs hide NX from CPUID while IA32_MISC_ENABLE bit 34 ("XD Bit
; Disable", SDM 4 §2.1, Table 2-2) is set, as firmware setup's "Execute
; Disable: off" leaves it; clear it.  The MSR is Intel's: other vendors
; are left alone (RDMSR of it could #GP there, with no IDT yet).
enable_xd:
	xor eax, eax
	cpuid
	cmp ebx, 0x756e6547                     ; "Genu"
	jne .done
	cmp edx, 0x49656e69                     ; "ineI"
	jne .done
	cmp ecx, 0x6c65746e                     ; "ntel"
	jne .done
	mov ecx, 0x1a0                          ; IA32_MISC_ENABLE
	rdmsr
	btr edx, 34 - 32
	jnc .done
	wrmsr
.done:
	ret

; Fill in the (zeroed) boot tables.  All addresses here are physical.
build_page_tables:
	mov eax, boot_pdpt_low - KERNEL_VMA
	or eax, PTE_P | PTE_RW
	mov [boot_pml4 - KERNEL_VMA], eax               ; identity
	mov [boot_pml4 - KERNEL_VMA + 256 * 8], eax     ; direct map
	mov eax, boot_pdpt_high - KERNEL_VMA
	or eax, PTE_P | PTE_RW
	mov [boot_pml4 - KERNEL_VMA + 511 * 8], eax

	; boot_pdpt_low[0..3] -> the four PDs; boot_pdpt_high[510] -> PD 0
	mov edi, boot_pdpt_low - KERNEL_VMA
	mov eax, boot_pd - KERNEL_VMA
	or eax, PTE_P | PTE_RW
	mov ecx, 4
.pdpt:
	mov [edi], eax
	add edi, 8
	add eax, 4096
	loop .pdpt
	mov eax, boot_pd - KERNEL_VMA
	or eax, PTE_P | PTE_RW
	mov [boot_pdpt_high - KERNEL_VMA + 510 * 8], eax

	; 2048 PD entries of 2 MiB = 4 GiB; the high dword holds bits 32+
	mov edi, boot_pd - KERNEL_VMA
	xor ecx, ecx
.pd:
	mov eax, ecx
	shl eax, 21
	or eax, PTE_P | PTE_RW | PTE_PS
	mov [edi + ecx * 8], eax
	mov eax, ecx
	shr eax, 11
	mov [edi + ecx * 8 + 4], eax
	inc ecx
	cmp ecx, 2048
	jb .pd
	ret

bits 64
long_mode_low:
	mov rax, long_mode_high                 ; leave the identity map
	jmp rax

section .text
extern kmain
long_mode_high:
	mov ax, 0x10
	mov ds, ax
	mov es, ax
	mov ss, ax
	xor eax, eax
	mov fs, ax
	mov gs, ax
	mov rsp, boot_stack_top
	; Drop the identity map: nothing runs at low addresses any more.
	mov qword [boot_pml4], 0
	mov rax, cr3
	mov cr3, rax
	mov edi, [boot_magic]
	mov esi, [boot_info]
	xor ebp, ebp
	call kmain
.hang:
	cli
	hlt
	jmp .hang

extern __bss_start, __bss_end

section .data
boot_magic: dd 0
boot_info:  dd 0

section .rodata
no_lm_msg: db "slotgate: this CPU has no long mode", 10, 0
no_nx_msg: db "slotgate: this CPU has no NX (Execute Disable); Slotgate needs it", 10, 0

align 16
boot_gdt:
	dq 0
	dq 0x00209a0000000000                   ; 0x08: 64-bit code, DPL 0
	dq 0x0000920000000000                   ; 0x10: data
boot_gdt_end:
boot_gdt_ptr:
	dw boot_gdt_end - boot_gdt - 1
	dq boot_gdt - KERNEL_VMA

section .bss nobits alloc write
align 4096
global boot_pml4, boot_pdpt_low
boot_pml4:      resb 4096
boot_pdpt_low:  resb 4096
boot_pdpt_high: resb 4096
boot_pd:        resb 4 * 4096
global boot_stack_top
boot_stack:     resb 16384
boot_stack_top:

section .note.GNU-stack noalloc noexec nowrite progbits
