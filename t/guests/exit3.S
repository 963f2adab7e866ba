# exit3.S - halts with exit code 3 (raiko-split must exit 1 and say so).
    .section .text.init, "ax"
    .globl _start
_start:
    li a0, 3
    li t0, 0          # HALT
    ecall
