/* rvsys - test helper: run one SP1 syscall through the executor (a real
 * ecall in a tiny program) and print the memory it leaves, so that a test
 * can compare lib/rv's precompiles and hooks with an independent oracle
 * (t/precompile_oracle.py).  One request per input line:
 *   sys CODE A0 A1 ADDR=HEX ...   preset memory (hex of little-endian bytes at
 *                                  ADDR), run ecall CODE with a0/a1; prints
 *                                  "ok ADDR=HEX ..." with the same ranges after
 *   write ABI FD HEX [HEX...]      one WRITE to FD per HEX buffer (ABI 3 or 4);
 *                                  prints "ok" and the input stream, item by item
 * A fault prints "fault RC MESSAGE" (RC 1 guest fault, 3 not supported). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../unit/rvasm.h"
#include "rv/rv.h"

#define BASE 0x00200800u
#define BUF 0x00300000u

static int unhex(const char *h, uint8_t *out, size_t max, size_t *n)
{
    size_t l = strlen(h);
    if (l % 2 || l / 2 > max)
        return -1;
    for (size_t i = 0; i < l / 2; i++) {
        unsigned v;
        if (sscanf(h + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    *n = l / 2;
    return 0;
}

static void hex(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
}

enum { MAXR = 8, MAXB = 4096 };

int main(void)
{
    static char line[1 << 16];
    static uint8_t bytes[MAXR][MAXB];
    while (fgets(line, sizeof line, stdin)) {
        char *tok[64];
        int nt = 0;
        for (char *s = strtok(line, " \t\r\n"); s && nt < 64; s = strtok(NULL, " \t\r\n"))
            tok[nt++] = s;
        if (!nt)
            continue;
        uint32_t prog[256];
        size_t n = 0;
        uint32_t addr[MAXR];
        size_t len[MAXR];
        int nr = 0, is_sys = !strcmp(tok[0], "sys"), abi = 0;
        if (is_sys) {
            if (nt < 4) { puts("bad request"); continue; }
            asm_li(prog + n, 5, (uint32_t)strtoul(tok[1], NULL, 16)); n += 2;
            asm_li(prog + n, 10, (uint32_t)strtoul(tok[2], NULL, 16)); n += 2;
            asm_li(prog + n, 11, (uint32_t)strtoul(tok[3], NULL, 16)); n += 2;
            prog[n++] = A_ECALL;
            for (int i = 4; i < nt && nr < MAXR; i++, nr++) {
                char *eq = strchr(tok[i], '=');
                if (!eq) break;
                *eq = 0;
                addr[nr] = (uint32_t)strtoul(tok[i], NULL, 16);
                if (unhex(eq + 1, bytes[nr], MAXB, &len[nr])) break;
            }
        } else if (!strcmp(tok[0], "write") && nt >= 4) {
            abi = atoi(tok[1]);
            uint32_t fd = (uint32_t)strtoul(tok[2], NULL, 10), at = BUF;
            for (int i = 3; i < nt && nr < MAXR; i++, nr++) {
                if (unhex(tok[i], bytes[nr], MAXB, &len[nr])) break;
                addr[nr] = at;
                asm_li(prog + n, 5, 2); n += 2;
                asm_li(prog + n, 10, fd); n += 2;
                asm_li(prog + n, 11, at); n += 2;
                asm_li(prog + n, 12, (uint32_t)len[nr]); n += 2;
                prog[n++] = A_ECALL;
                at += (uint32_t)(len[nr] + 3) & ~3u;
            }
        } else {
            puts("bad request");
            continue;
        }
        asm_li(prog + n, 5, 0); n += 2; /* HALT */
        asm_li(prog + n, 10, 0); n += 2;
        prog[n++] = A_ECALL;
        elf_image im;
        elf_image_init(&im);
        rk_err e;
        rv_machine m;
        if (elf_image_from_words(&im, BASE, prog, n, &e) || rv_machine_init(&m, &im, &e)) {
            printf("fault 3 %s\n", e.msg);
            elf_image_free(&im);
            continue;
        }
        m.abi = abi;
        for (int i = 0; i < nr; i++)
            memcpy(m.mem + addr[i], bytes[i], len[i]);
        int rc = rv_run(&m, 1000, &e);
        if (rc) {
            printf("fault %d %s\n", rc, e.msg);
        } else {
            printf("ok");
            if (is_sys)
                for (int i = 0; i < nr; i++) {
                    printf(" %x=", addr[i]);
                    hex(m.mem + addr[i], len[i]);
                }
            else
                for (size_t i = m.input.head; i < m.input.n; i++) {
                    printf(" ");
                    hex(m.input.items[i].data, m.input.items[i].len);
                    if (!m.input.items[i].len)
                        printf("-");
                }
            printf("\n");
        }
        fflush(stdout);
        rv_machine_free(&m);
        elf_image_free(&im);
    }
    return 0;
}
