# rv64.S - built as ELF64 (RV64): must be rejected.
    .section .text.init, "ax"
    .globl _start
_start:
    li a0, 0
    li t0, 0
    ecall
