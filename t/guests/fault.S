# fault.S - a misaligned load: a guest fault.
    .section .text.init, "ax"
    .globl _start
_start:
    li a1, 0x00300001
    lw a0, 0(a1)
    li t0, 0
    ecall
