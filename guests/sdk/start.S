/* start.S - guest entry: global pointer, stack at SP1's STACK_TOP, then C. */
    .section .text.init, "ax"
    .globl _start
_start:
    .option push
    .option norelax
    la gp, __global_pointer$
    .option pop
    li sp, 0x00200400
    call __rk_start
1:  j 1b
