# fd4.S - writes two hints to the legacy fd 4 ("a", then "bb") and halts with
# the length of the input item that comes out first: 1 when fd 4 appends (SP1
# v1-v3, raiko-split --sp1-abi v3), 2 when it pushes to the front (v4/v5).
    .section .text.init, "ax"
    .globl _start
_start:
    la a1, one
    li a0, 4
    li a2, 1
    li t0, 2          # WRITE(4, "a", 1)
    ecall
    la a1, two
    li a0, 4
    li a2, 2
    li t0, 2          # WRITE(4, "bb", 2)
    ecall
    li t0, 0xF0       # HINT_LEN
    ecall
    mv a0, t0
    li t0, 0          # HALT(len)
    ecall
    .section .rodata
one: .ascii "a"
two: .ascii "bb"
