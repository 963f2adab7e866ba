/* air.h - how to write an AIR for raiko's multi-table STARK (lib/stark).
 *
 * A MACHINE is a list of TABLES plus public values and named BUSES.  Each
 * table is a trace of 2^k rows (k may differ per table and per proof) with
 *   - main columns      (base field, filled by the prover for each proof),
 *   - preprocessed cols (base field, fixed for the machine; committed once in
 *                        the verifying key; a table that has them has a fixed height),
 *   - permutation cols  (extension field; built by lib/stark for LogUp, never by you).
 *
 * An AIR is written ONCE, as an expression DAG built with the functions below,
 * and that single definition is interpreted by
 *   - the prover's constraint check over the trace,
 *   - the prover's quotient evaluation over the LDE (column-batched, multithreaded),
 *   - the verifier at the out-of-domain point zeta (in the extension field).
 * (docs/stark.md explains why a DAG rather than callbacks.)
 *
 * Writing a table:
 *
 *     air_machine m;  air_machine_init(&m, n_public);
 *     unsigned bus = air_machine_bus(&m, "range16", 1);        // name, tuple arity
 *     air_table *t = air_machine_add_table(&m, "fib", 2, 0);   // 2 main cols, 0 preprocessed
 *     air_expr a = air_main(t, 0), b = air_main(t, 1);
 *     air_expr a2 = air_main_next(t, 0), b2 = air_main_next(t, 1);
 *     air_assert_transition(t, air_sub(t, a2, b));              // a' = b         (rows 0..n-2)
 *     air_assert_transition(t, air_sub(t, b2, air_add(t, a, b)));// b' = a + b
 *     air_assert_first(t, air_sub(t, a, air_public(t, 0)));     // a[0] = pub0    (row 0)
 *     air_assert_last(t, air_sub(t, b, air_public(t, 1)));      // b[n-1] = pub1  (row n-1)
 *     air_send(t, bus, air_const(t, 1), &a, 1);                 // "a is in range": one message per row
 *     ...
 *     if (air_machine_finalize(&m, &err)) ...                   // reports any building error
 *
 * Constraint kinds (each is "expr == 0" on a set of rows):
 *   air_assert_zero        every row
 *   air_assert_first       row 0            (multiplies by the is_first_row selector)
 *   air_assert_last        row n-1          (is_last_row selector)
 *   air_assert_transition  rows 0..n-2      (is_transition selector; may use *_next)
 * The *_next columns read row i+1, cyclically (row n-1 reads row 0), so a
 * constraint using them should normally be a transition constraint.
 *
 * Degree: columns and selectors have degree 1, constants and public values 0;
 * add/sub take the max, mul the sum.  A constraint's degree INCLUDES its
 * selector: air_assert_transition(t, a*b - c) has degree 3.  Each table's
 * maximum constraint degree D (LogUp's included) sets its quotient degree
 * qd = 2^ceil(log2(max(D-1, 1))) (D <= 2: 1 chunk, D = 3: 2, D = 4, 5: 4)
 * and needs log_blowup >= log2(qd) (stark_keygen checks).  Keep D <= 3 for
 * the default log_blowup 1; D up to 5 needs log_blowup 2.
 *
 * Lookups and permutations (LogUp over buses):
 *   air_send(t, bus, mult, values, n)     adds  +mult / (beta + bus + sum_i gamma^(i+1) values[i])
 *   air_receive(t, bus, mult, values, n)  adds  -mult / (beta + bus + ...)
 * on every row, where beta and gamma are extension-field challenges drawn
 * after the main traces are committed.  The sum over every table, every row
 * and every interaction (plus the machine's PUBLIC interactions, below) must
 * be zero, which proves that the multiset of sent tuples (with
 * multiplicities) equals the multiset of received tuples, bus by bus.
 *   - mult and values are expressions over main/preprocessed columns (no
 *     *_next, no selectors); mult is a field element: use 0 on padding rows.
 *   - n must equal the bus arity given to air_machine_bus.
 *   - Typical lookup: the table being looked up RECEIVES with mult = a main
 *     "multiplicity" column (how many times the row was used); users SEND
 *     with mult = 1 (or a boolean "is_real" column).
 *   - Degree: lib/stark groups a table's interactions into batches and adds
 *     one extension column per batch (h = sum of its fractions) and one
 *     running-sum column; it packs as many interactions per batch as keep
 *     the LogUp constraints within max(3, D).  Linear values and mults give
 *     2 interactions per column.
 *   - Multiplicities are field elements: the argument proves that sends and
 *     receives agree as multisets weighted by field elements.  So constrain
 *     send multiplicities (boolean "is_real" columns, or bounded counts) and
 *     keep the total number of rows of all tables < p; a receiving table's
 *     multiplicity column may then be left free (a wrong one only unbalances).
 *     (A negative receive multiplicity is a send: the table it sits in must
 *     only hold values that are allowed to be sent.)
 *
 * Public interactions: air_machine_public_table(&m) returns a pseudo-table with
 * no rows and no columns; air_send/air_receive on it with expressions built
 * only from air_const and air_public add terms that the VERIFIER computes
 * from the public values.  This lets a proof expose boundary messages (e.g.
 * initial/final memory) as public values: the tables' cumulative sums plus
 * these public terms must add to zero.
 *
 * Public values: n_public base-field elements given to the prover and the
 * verifier (absorbed into the transcript), read in constraints by air_public.
 *
 * Errors while building (a column out of range, OOM, a wrong arity) are
 * remembered by the table and reported once by air_machine_finalize, so a
 * table can be written without checking each call.
 */
#ifndef RAIKO_AIR_H
#define RAIKO_AIR_H

#include <stddef.h>
#include <stdint.h>

#include "common/err.h"
#include "field/field.h"

typedef uint32_t air_expr; /* a node of the owning table's DAG */

enum air_op {
    AIR_OP_CONST = 0,     /* k */
    AIR_OP_MAIN,          /* main column a, row offset b (0 local, 1 next) */
    AIR_OP_PRE,           /* preprocessed column a, offset b */
    AIR_OP_PERM,          /* permutation (extension) column a, offset b (built by finalize) */
    AIR_OP_PUBLIC,        /* public value a */
    AIR_OP_CHALLENGE,     /* extension challenge a (AIR_CH_*) */
    AIR_OP_IS_FIRST,      /* selectors */
    AIR_OP_IS_LAST,
    AIR_OP_IS_TRANSITION,
    AIR_OP_ADD,           /* a + b */
    AIR_OP_SUB,           /* a - b */
    AIR_OP_MUL,           /* a * b */
    AIR_OP_NEG            /* -a */
};

/* Extension challenges visible to constraints (only lib/stark's LogUp
 * constraints use them): the table's claimed cumulative sum, beta, then
 * gamma^1 .. gamma^max_arity. */
enum { AIR_CH_CUMSUM = 0, AIR_CH_BETA = 1, AIR_CH_GAMMA1 = 2 };

enum { AIR_F_NEXT = 1, AIR_F_SELECTOR = 2, AIR_F_COLUMN = 4, AIR_F_PERM = 8, AIR_F_CHALLENGE = 16 };

typedef struct air_node {
    uint8_t op;
    uint8_t is_ext;  /* value lives in the extension field */
    uint8_t degree;
    uint8_t flags;   /* AIR_F_*: what the subtree reads */
    uint32_t a, b;
    bb_t k;          /* AIR_OP_CONST */
} air_node;

typedef struct air_interaction {
    uint32_t bus;
    int32_t sign;        /* +1 send, -1 receive */
    air_expr mult;
    uint32_t n_values;
    air_expr *values;    /* owned */
} air_interaction;

typedef struct air_table {
    char name[32];
    unsigned main_width, pre_width;
    int is_public;           /* the machine's public-interaction pseudo-table */
    struct air_machine *m;   /* owner */

    air_node *nodes;         /* topological: children before parents */
    size_t n_nodes, cap_nodes;
    air_expr *constraints;   /* each already multiplied by its selector */
    size_t n_constraints, cap_constraints;
    const char **labels;     /* per constraint: the label current when it was added (may be NULL) */
    const char *cur_label;
    air_interaction *inter;
    size_t n_inter, cap_inter;

    /* Set by air_machine_finalize: */
    unsigned n_batches;      /* LogUp batches = perm columns before the running sum */
    unsigned perm_width;     /* extension columns: n_batches + 1 (running sum), or 0 without interactions */
    uint32_t *batch_start;   /* n_batches + 1 offsets into inter[] */
    unsigned max_degree;     /* of all constraints, LogUp included */
    unsigned n_user_constraints; /* constraints[0 .. n_user) are the author's; the rest are LogUp's */
    size_t n_user_nodes;     /* nodes[0 .. n_user_nodes) are the author's (no perm/challenge reads) */

    int err;                 /* first building error (RK_*), reported by finalize */
    char errmsg[160];
    uint32_t *col_dst;       /* set by finalize (air_table_index_columns): see there */
    uint32_t *cse;           /* open-addressing set of node indices + 1 (0 = empty): building the
                              * same node twice returns the first (leaves and operations alike) */
    size_t cap_cse;          /* a power of two, or 0 */
} air_table;

typedef struct air_bus {
    char name[32];
    unsigned arity;
} air_bus;

typedef struct air_machine {
    unsigned n_public;
    air_table **tables;
    size_t n_tables, cap_tables;
    air_bus *buses;
    size_t n_buses, cap_buses;
    air_table *pub;          /* public interactions (lazily created) */
    unsigned max_arity;      /* over all buses */
    unsigned max_degree;     /* over all tables, set by finalize */
    int finalized;
    int err;
    char errmsg[160];
} air_machine;

/* ---- machine ---- */
void air_machine_init(air_machine *m, unsigned n_public);
void air_machine_free(air_machine *m);
/* A new bus; returns its id (0, 1, ...), used in the fingerprint.  arity >= 1. */
unsigned air_machine_bus(air_machine *m, const char *name, unsigned arity);
/* A new table (main_width >= 1).  The machine owns it; NULL only on OOM
 * (remembered, reported by finalize). */
air_table *air_machine_add_table(air_machine *m, const char *name, unsigned main_width,
                                 unsigned pre_width);
air_table *air_machine_public_table(air_machine *m);
/* Check everything built so far, lay out the LogUp columns and constraints,
 * compute degrees.  After this the machine is read-only.  RK_EINPUT names the
 * table and the first problem. */
int air_machine_finalize(air_machine *m, rk_err *e);

/* ---- expressions (all return a node of t) ---- */
air_expr air_const(air_table *t, uint32_t v);     /* v mod p */
air_expr air_const_bb(air_table *t, bb_t v);      /* an element already in internal form */
air_expr air_main(air_table *t, unsigned col);
air_expr air_main_next(air_table *t, unsigned col);
air_expr air_pre(air_table *t, unsigned col);
air_expr air_pre_next(air_table *t, unsigned col);
air_expr air_public(air_table *t, unsigned idx);
air_expr air_is_first_row(air_table *t);
air_expr air_is_last_row(air_table *t);
air_expr air_is_transition(air_table *t);
air_expr air_add(air_table *t, air_expr a, air_expr b);
air_expr air_sub(air_table *t, air_expr a, air_expr b);
air_expr air_mul(air_table *t, air_expr a, air_expr b);
air_expr air_neg(air_table *t, air_expr a);
air_expr air_add_const(air_table *t, air_expr a, uint32_t v);
air_expr air_mul_const(air_table *t, air_expr a, uint32_t v);

/* ---- constraints ---- */
void air_assert_zero(air_table *t, air_expr e);
void air_assert_first(air_table *t, air_expr e);
void air_assert_last(air_table *t, air_expr e);
void air_assert_transition(air_table *t, air_expr e);
void air_assert_bool(air_table *t, air_expr e);   /* e * (e - 1) == 0 on every row */
/* Name the constraints added from now on (for the prover's error messages:
 * "table cpu: constraint 17 (alu add carry) fails at row 5").  The string is
 * not copied: pass a literal or something that outlives the machine. */
void air_set_label(air_table *t, const char *label);

/* ---- interactions ---- */
void air_send(air_table *t, unsigned bus, air_expr mult, const air_expr *values, unsigned n);
void air_receive(air_table *t, unsigned bus, air_expr mult, const air_expr *values, unsigned n);

/* ---- evaluation (used by lib/stark; also handy in tests) ---- */

/* Everything one row of a table reads, in the extension field (the verifier's view). */
typedef struct air_point {
    const bb4_t *main_local, *main_next;   /* main_width each */
    const bb4_t *pre_local, *pre_next;     /* pre_width each */
    const bb4_t *perm_local, *perm_next;   /* perm_width each */
    const bb_t *publics;                   /* n_public */
    const bb4_t *challenges;               /* AIR_CH_GAMMA1 + max_arity */
    bb4_t is_first, is_last, is_transition;
} air_point;

/* Evaluate every node of t at one point; vals must hold t->n_nodes.  Then the
 * combined constraint is sum_i alpha^i * vals[constraints[i]]. */
void air_eval_point(const air_table *t, const air_point *pt, bb4_t *vals);

/* Column-batched evaluation of a block of rows (the prover's path).  Node x's
 * value at block row r is scratch[x*4*AIR_BLOCK + r] when base, and component
 * j of it is scratch[x*4*AIR_BLOCK + j*AIR_BLOCK + r] when extension. */
#define AIR_BLOCK 32
typedef struct air_block {
    size_t n;                                 /* rows in the block, 1..AIR_BLOCK */
    const bb_t *main, *pre, *perm;            /* row-major (perm: 4 words per extension column) */
    size_t main_w, pre_w, perm_w;             /* row widths in words */
    const uint32_t *local, *next;             /* n row indices each */
    const bb_t *is_first, *is_last, *is_transition; /* n selector values each */
    const bb_t *publics;
    const bb4_t *challenges;
} air_block;

static inline size_t air_block_scratch_words(const air_table *t) { return t->n_nodes * 4 * AIR_BLOCK; }
/* Invert count extension values per row in place: value i at block row r is
 * x[i*4*AIR_BLOCK + j*AIR_BLOCK + r] (component j), rows r < n; tmp holds
 * count * 4 * AIR_BLOCK words.  One inversion per row (Montgomery's trick over the
 * values, rows in the SIMD lanes).  A zero value makes its row's results 0: callers
 * check for zeros first (the LogUp denominators: a zero is a failed proof). */
void air_block_batch_inv(bb_t *x, size_t count, size_t n, bb_t *tmp);
/* Index t's column nodes for the block evaluator (air_machine_finalize calls it):
 * t->col_dst gets, for every word of a main, preprocessed and permutation row at
 * offsets 0 and 1 (in that order: main local, main next, pre local, pre next,
 * perm local, perm next; widths main_width, pre_width, 4 perm_width), the scratch
 * word of the node that reads it (node * 4 AIR_BLOCK + component * AIR_BLOCK), or
 * UINT32_MAX.  The evaluator then loads a block's rows word by word (SIMD
 * transposes) instead of gathering node by node.  Left NULL when two nodes read
 * the same word or on OOM: the evaluator then gathers node by node. */
void air_table_index_columns(air_table *t);
/* Evaluate nodes [0, n_nodes) of t over the block into scratch.  Uses the
 * AVX-512 / AVX2 / portable arithmetic that lib/field's SIMD switch selects
 * (bb_simd_avx2, bb_simd_avx512); all three give the same words. */
void air_eval_block(const air_table *t, const air_block *b, size_t n_nodes, bb_t *scratch);
/* The same for the nodes i < n_nodes with need[i] != 0 only (need NULL: all); need must
 * include every operand of a needed node (air_mark_needed makes such a mask). */
void air_eval_block_needed(const air_table *t, const air_block *b, size_t n_nodes, const uint8_t *need,
                           bb_t *scratch);
/* need[i] = 1 for the nodes xs[0..count) and everything they are computed from, else 0
 * (need holds t->n_nodes bytes). */
void air_mark_needed(const air_table *t, const air_expr *xs, size_t count, uint8_t *need);
/* The random linear combination of nodes over a block, after air_eval_block:
 * acc[j*AIR_BLOCK + r] = component j of sum_i coef[i] * (value of node xs[i]
 * at block row r), for r < n (acc holds 4 * AIR_BLOCK words).  The prover's
 * quotient numerator: xs = the constraints, coef = powers of alpha. */
void air_block_combine(const air_table *t, const bb_t *scratch, size_t n, const air_expr *xs,
                       const bb4_t *coef, size_t count, bb_t *acc);

/* ---- straight-line programs (the GPU's constraint evaluation) ----
 *
 * A table's node DAG, flattened for evaluators that handle one row per thread
 * (kernels/quotient.cu, and air_program_run as its CPU reference): the nodes
 * that the requested sum needs, in topological order, with
 *   - row-independent subtrees (constants, publics, challenges and operations on
 *     them) evaluated once at build time and carried as immediates/constants;
 *   - every other value in a numbered SLOT (base slots hold 1 word, extension
 *     slots 4), slots reused as soon as their value is dead (linear scan over the
 *     topological order), so a row needs n_base_slots + 4 n_ext_slots words
 *     instead of one value per node;
 *   - the linear combinations fused in: an instruction with acc != NONE adds
 *     consts[t.coef] * its value to accumulator t.acc for each term t of
 *     terms[acc], terms[acc + 1], ... up to the one with t.acc == NONE; the
 *     accumulators start at acc_init[] (the row-independent terms).
 * The program computes, for one row, accumulator k = sum over i with acc_of[i] = k of
 * coef[i] * value(xs[i]) - for the quotient (one accumulator) exactly the value
 * air_block_combine gives (field arithmetic is exact, the order is free); the LogUp
 * trace uses one accumulator per denominator and per multiplicity. */
enum air_prog_op {
    AIR_PROG_LD_MAIN = 0, /* dst(base) = main[row(b)][a]          b: 0 local, 1 next */
    AIR_PROG_LD_PRE,      /* dst(base) = pre[row(b)][a] */
    AIR_PROG_LD_PERM,     /* dst(ext)  = perm extension column a at row(b) */
    AIR_PROG_SEL,         /* dst(base) = selector a: 0 is_first, 1 is_last, 2 is_transition */
    AIR_PROG_ADD,         /* dst = A + B */
    AIR_PROG_SUB,         /* dst = A - B */
    AIR_PROG_MUL,         /* dst = A * B */
    AIR_PROG_NEG          /* dst = -A */
};
/* Operand kinds of ADD..NEG (2 bits each in ty: A in bits 0-1, B in bits 2-3).  The
 * result is an extension value iff an operand is (AIR_PROG_ESLOT or AIR_PROG_ECONST). */
enum { AIR_PROG_BSLOT = 0, AIR_PROG_ESLOT = 1, AIR_PROG_BIMM = 2, AIR_PROG_ECONST = 3 };
#define AIR_PROG_NONE UINT32_MAX
typedef struct air_prog_ins {
    uint8_t op;      /* air_prog_op */
    uint8_t ty;      /* operand kinds (ADD..NEG) */
    uint8_t dst_ext; /* the result is an extension value */
    uint8_t unused;
    uint32_t dst;    /* result slot (base or extension pool by dst_ext), or NONE: not stored */
    uint32_t a, b;   /* operands: a slot, a base immediate (internal form) or a consts index */
    uint32_t acc;    /* NONE, or the first of this result's terms in terms[] */
} air_prog_ins;

typedef struct air_prog_term {
    uint32_t acc;    /* accumulator; NONE ends an instruction's terms */
    uint32_t coef;   /* consts index */
} air_prog_term;

typedef struct air_program {
    air_prog_ins *ins;
    size_t n_ins;
    bb4_t *consts;          /* extension constants and the combination's coefficients */
    size_t n_consts;
    air_prog_term *terms;
    size_t n_terms;
    size_t n_acc;
    bb4_t *acc_init;        /* n_acc: the row-independent part of each sum */
    unsigned n_base_slots, n_ext_slots;
} air_program;

void air_program_init(air_program *p);
void air_program_free(air_program *p);
/* Build the program of sum_i coef[i] * value(xs[i]) over t (finalized or not; nodes
 * must be topological).  publics (n_public of the machine, may be NULL when no node
 * reads one) and challenges (may be NULL when none is read) are folded in.
 * RK_EINTERNAL on OOM, RK_EINPUT on a node index out of range. */
int air_program_build(air_program *p, const air_table *t, const air_expr *xs, const bb4_t *coef,
                      size_t count, const bb_t *publics, const bb4_t *challenges, rk_err *e);
/* The same with n_acc accumulators: term i goes to accumulator acc_of[i] (< n_acc); init
 * (n_acc values, or NULL for zeros) is added to the accumulators' starting values. */
int air_program_build_multi(air_program *p, const air_table *t, const air_expr *xs, const bb4_t *coef,
                            const uint32_t *acc_of, size_t count, size_t n_acc, const bb4_t *init,
                            const bb_t *publics, const bb4_t *challenges, rk_err *e);
/* One row on the CPU (the kernels' reference): main/pre rows at offsets 0 and 1, perm
 * rows (4 words per extension column), sel = {is_first, is_last, is_transition};
 * slots holds n_base_slots + 4 n_ext_slots words; accs gets the n_acc sums. */
void air_program_run_multi(const air_program *p, const bb_t *main_l, const bb_t *main_n, const bb_t *pre_l,
                           const bb_t *pre_n, const bb_t *perm_l, const bb_t *perm_n, const bb_t sel[3],
                           bb_t *slots, bb4_t *accs);
/* One accumulator: returns the row's sum. */
bb4_t air_program_run(const air_program *p, const bb_t *main_l, const bb_t *main_n, const bb_t *pre_l,
                      const bb_t *pre_n, const bb_t *perm_l, const bb_t *perm_n, const bb_t sel[3],
                      bb_t *slots);

#endif
