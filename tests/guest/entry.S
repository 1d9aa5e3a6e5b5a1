/*
 * entry.S: multiboot v1 header, entry point and interrupt stubs of the
 * virtmig test guest.
 *
 * QEMU's -kernel loader finds the header, loads our ELF32 segments at
 * 1 MiB and jumps to guestEntry in 32-bit protected mode with paging off,
 * EAX holding the boot magic and EBX the physical address of the
 * multiboot information block.
 */

#define MB_HEADER_MAGIC 0x1BADB002
/* bit 0: align modules on pages, bit 1: we want mem_* and the memory map */
#define MB_HEADER_FLAGS 0x00000003

#define SEL_CODE 0x08
#define SEL_DATA 0x10

    .section .multiboot, "a"
    .balign 4
    .long MB_HEADER_MAGIC
    .long MB_HEADER_FLAGS
    .long -(MB_HEADER_MAGIC + MB_HEADER_FLAGS)

    .section .rodata
    .balign 8
    /* Flat 4 GiB code and data segments.  The loader's GDT lives in memory
     * we do not own, so interrupts must not depend on it. */
guestGdt:
    .quad 0
    .quad 0x00CF9A000000FFFF
    .quad 0x00CF92000000FFFF
guestGdtEnd:
    .balign 4
    .word 0
guestGdtDesc:
    .word guestGdtEnd - guestGdt - 1
    .long guestGdt

    .section .bss
    .balign 16
guestStackBottom:
    .skip 16384
guestStackTop:

    .section .text
    .global guestEntry
    .type guestEntry, @function
guestEntry:
    cli
    cld
    lgdt guestGdtDesc
    ljmp $SEL_CODE, $1f
1:
    movw $SEL_DATA, %cx
    movw %cx, %ds
    movw %cx, %es
    movw %cx, %fs
    movw %cx, %gs
    movw %cx, %ss

    /* Zero .bss (stack included) before touching the stack; EBX, which
     * holds the info pointer, is not used by rep stosb. */
    movl %eax, %esi
    movl $__bss_start, %edi
    movl $__bss_end, %ecx
    subl %edi, %ecx
    xorl %eax, %eax
    rep stosb

    movl $guestStackTop, %esp
    xorl %ebp, %ebp
    pushl %ebx
    pushl %esi
    call guestMain
2:
    cli
    hlt
    jmp 2b
    .size guestEntry, . - guestEntry

    /* PIT tick (IRQ 0): count it and acknowledge the PIC.  Its only job is
     * to wake the CPU from hlt; time itself comes from the TSC. */
    .global guestIrqTimer
    .type guestIrqTimer, @function
guestIrqTimer:
    pushl %eax
    incl guestTimerTicks
    movb $0x20, %al
    outb %al, $0x20
    popl %eax
    iret
    .size guestIrqTimer, . - guestIrqTimer

    /* Any other PIC vector: all of them are masked, so only a spurious
     * IRQ can land here, and those must not be acknowledged. */
    .global guestIrqIgnore
    .type guestIrqIgnore, @function
guestIrqIgnore:
    iret
    .size guestIrqIgnore, . - guestIrqIgnore

    .section .note.GNU-stack, "", @progbits
