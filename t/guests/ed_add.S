# ed_add.S - SP1's ED_ADD precompile, which raiko does not support yet.
    .section .text.init, "ax"
    .globl _start
_start:
    li a0, 0x00300000
    li a1, 0x00300040
    li t0, 0x00010107
    ecall
    li t0, 0
    ecall
