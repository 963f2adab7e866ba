# unknown_syscall.S - an ecall with a code SP1 does not define.
    .section .text.init, "ax"
    .globl _start
_start:
    li t0, 0x00ABCDEF
    ecall
