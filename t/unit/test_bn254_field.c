/* test_bn254_field.c - Fq and Fr arithmetic and encodings.
 *
 * The known-answer rows were computed with python3's big integers at
 * test-writing time (plain modular arithmetic on the decimal values; the
 * randomised rows came from random.seed(254)):
 *   a, b, (a+b)%p, (a-b)%p, (a*b)%p, pow(a,-1,p). */
#include "test.h"
#include "bn254/bn254.h"
#include "common/err.h"

struct row { const char *a, *b, *sum, *diff, *prod, *inva; };

static const struct row FQ_ROWS[] = {
    {"1", "2", "3", "21888242871839275222246405745257275088696311157297823662689037894645226208582", "2", "1"},
    {"2", "21888242871839275222246405745257275088696311157297823662689037894645226208582", "1", "3", "21888242871839275222246405745257275088696311157297823662689037894645226208581", "10944121435919637611123202872628637544348155578648911831344518947322613104292"},
    {"21888242871839275222246405745257275088696311157297823662689037894645226208582", "21888242871839275222246405745257275088696311157297823662689037894645226208581", "21888242871839275222246405745257275088696311157297823662689037894645226208580", "1", "2", "21888242871839275222246405745257275088696311157297823662689037894645226208582"},
    {"21888242871839275222246405745257275088696311157297823662689037894645226208581", "102609778554328592397527562638165191498889243573332421315415941909295866757", "102609778554328592397527562638165191498889243573332421315415941909295866755", "21785633093284946629848878182619109897197421913724491241373621952735930341824", "21683023314730618037451350619980944705698532670151158820058206010826634475069", "10944121435919637611123202872628637544348155578648911831344518947322613104291"},
    {"102609778554328592397527562638165191498889243573332421315415941909295866757", "19564348623480119536906598307487181858459313304086936071243423861356656796517", "19666958402034448129304125870125347049958202547660268492558839803265952663274", "2426504026913484277737335000408258421735887096784220012761029975197865278823", "15257662285140742171594099897156380448511616317193222127349315718553372310810", "5171222923627263126943386629503438779958896608361663275515020561862428921874"},
    {"19564348623480119536906598307487181858459313304086936071243423861356656796517", "6152101684134222499223039114266903464795143687588070972949203925481563922265", "3828207435775066813883231676496810234558145834377183381503589892192994510199", "13412246939345897037683559193220278393664169616498865098294219935875092874252", "4065692276025291182094813765863462688722714303826318829227596095766462728136", "665729238527123644590467140205542281472035114284940956640282072357581592814"},
    {"6152101684134222499223039114266903464795143687588070972949203925481563922265", "14474011154664524427946373126085988481658748083205070504932198000989141217337", "20626112838798746927169412240352891946453891770793141477881401926470705139602", "13566333401308973293523071733438190071832706761680824130706043819137648913511", "15943932667998347601759743475477498859144755164186849187557412353694771059222", "10615358745107444555829868271877923592180013531545291287280221305899730794688"},
};

static const struct row FR_ROWS[] = {
    {"1", "2", "3", "21888242871839275222246405745257275088548364400416034343698204186575808495616", "2", "1"},
    {"2", "21888242871839275222246405745257275088548364400416034343698204186575808495616", "1", "3", "21888242871839275222246405745257275088548364400416034343698204186575808495615", "10944121435919637611123202872628637544274182200208017171849102093287904247809"},
    {"21888242871839275222246405745257275088548364400416034343698204186575808495616", "21888242871839275222246405745257275088548364400416034343698204186575808495615", "21888242871839275222246405745257275088548364400416034343698204186575808495614", "1", "2", "21888242871839275222246405745257275088548364400416034343698204186575808495616"},
    {"21888242871839275222246405745257275088548364400416034343698204186575808495615", "11246792387820825147157476020239203227527677651598703503927624722396168852980", "11246792387820825147157476020239203227527677651598703503927624722396168852978", "10641450484018450075088929725018071861020686748817330839770579464179639642635", "21282900968036900150177859450036143722041373497634661679541158928359279285274", "10944121435919637611123202872628637544274182200208017171849102093287904247808"},
    {"11246792387820825147157476020239203227527677651598703503927624722396168852980", "7240887010831517676833544909522648687329627896994160503254844159961420477131", "18487679398652342823991020929761851914857305548592864007182468882357589330111", "4005905376989307470323931110716554540198049754604543000672780562434748375849", "2873283524651847091746891551831989674320333419097707570524632069614567202070", "21057078297218425859682508331425625983038941742757902002384052461961105689902"},
    {"7240887010831517676833544909522648687329627896994160503254844159961420477131", "17208901894191582040156904330322611728871221746551256488737598099761635840976", "2561546033183824494744043494587985327652485243129382648294238073147247822490", "11920227988479210858923046324457312047006770550858938358215450246775593131772", "14448067229925220916041409918670783231279555677454049880413191325990875000474", "5015880435390036759325908724212665970137930812138975611470818594151736060377"},
    {"17208901894191582040156904330322611728871221746551256488737598099761635840976", "14474011154664524427946373126085988481658748083205070504932198000989141217337", "9794670177016831245856871711151325121981605429340292649971591914174968562696", "2734890739527057612210531204236623247212473663346185983805400098772494623639", "15181232286325251202381841276876833549243332725341945156432788882345245472898", "4980918582276630891805338590754243052937480991340188009145687044208294427478"},
};

#define Q_DEC "21888242871839275222246405745257275088696311157297823662689037894645226208583"
#define R_DEC "21888242871839275222246405745257275088548364400416034343698204186575808495617"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;
static uint64_t rnd64(void)
{
    /* xorshift64*: a fixed, seeded stream, so failures reproduce */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1DULL;
}

/* One macro body tests both fields: they share code but not constants. */
#define FIELD_KAT(X, ROWS)                                                     \
    static void test_##X##_kat(void)                                           \
    {                                                                          \
        for (size_t i = 0; i < sizeof ROWS / sizeof ROWS[0]; i++) {            \
            X##_t a, b, s, d, p, ia, t;                                        \
            char buf[80];                                                      \
            CHECK(X##_from_dec(&a, ROWS[i].a) == RK_OK);                       \
            CHECK(X##_from_dec(&b, ROWS[i].b) == RK_OK);                       \
            CHECK(X##_from_dec(&s, ROWS[i].sum) == RK_OK);                     \
            CHECK(X##_from_dec(&d, ROWS[i].diff) == RK_OK);                    \
            CHECK(X##_from_dec(&p, ROWS[i].prod) == RK_OK);                    \
            CHECK(X##_from_dec(&ia, ROWS[i].inva) == RK_OK);                   \
            X##_add(&t, &a, &b); CHECK(X##_eq(&t, &s));                        \
            X##_sub(&t, &a, &b); CHECK(X##_eq(&t, &d));                        \
            X##_mul(&t, &a, &b); CHECK(X##_eq(&t, &p));                        \
            X##_inv(&t, &a); CHECK(X##_eq(&t, &ia));                           \
            X##_mul(&t, &a, &b); X##_to_dec(buf, &t);                          \
            CHECK(strcmp(buf, ROWS[i].prod) == 0);                             \
            X##_to_dec(buf, &a); CHECK(strcmp(buf, ROWS[i].a) == 0);           \
        }                                                                      \
    }                                                                          \
    static void test_##X##_laws(void)                                          \
    {                                                                          \
        for (int it = 0; it < 200; it++) {                                     \
            uint8_t raw[32];                                                   \
            X##_t a, b, c, t1, t2, t3, one;                                    \
            for (int k = 0; k < 32; k++) raw[k] = (uint8_t)rnd64();            \
            raw[31] &= 0x1f; X##_from_bytes_le(&a, raw);                       \
            for (int k = 0; k < 32; k++) raw[k] = (uint8_t)rnd64();            \
            raw[31] &= 0x1f; X##_from_bytes_le(&b, raw);                       \
            X##_from_u64(&c, rnd64());                                         \
            /* (a+b)c = ac + bc */                                             \
            X##_add(&t1, &a, &b); X##_mul(&t1, &t1, &c);                       \
            X##_mul(&t2, &a, &c); X##_mul(&t3, &b, &c); X##_add(&t2, &t2, &t3); \
            CHECK(X##_eq(&t1, &t2));                                           \
            /* a - b + b = a, -a + a = 0, 2a = a + a, a^2 = a*a */             \
            X##_sub(&t1, &a, &b); X##_add(&t1, &t1, &b); CHECK(X##_eq(&t1, &a)); \
            X##_neg(&t1, &a); X##_add(&t1, &t1, &a); CHECK(X##_is_zero(&t1));  \
            X##_double(&t1, &a); X##_add(&t2, &a, &a); CHECK(X##_eq(&t1, &t2)); \
            X##_sqr(&t1, &a); X##_mul(&t2, &a, &a); CHECK(X##_eq(&t1, &t2));   \
            /* a * a^-1 = 1 */                                                 \
            X##_inv(&t1, &a); X##_mul(&t1, &t1, &a); X##_one(&one);            \
            CHECK(X##_is_zero(&a) || X##_eq(&t1, &one));                       \
            /* encodings round-trip */                                         \
            uint8_t be[32], le[32], ml[32];                                    \
            X##_to_bytes_be(be, &a); X##_to_bytes_le(le, &a);                  \
            for (int k = 0; k < 32; k++) CHECK(be[k] == le[31 - k]);           \
            CHECK(X##_from_bytes_be(&t1, be) == RK_OK && X##_eq(&t1, &a));     \
            X##_to_mont_le(ml, &a); X##_from_mont_le(&t2, ml);                 \
            CHECK(X##_eq(&t2, &a));                                            \
            char dec[80]; X##_to_dec(dec, &a);                                 \
            CHECK(X##_from_dec(&t3, dec) == RK_OK && X##_eq(&t3, &a));         \
        }                                                                      \
    }

FIELD_KAT(fq, FQ_ROWS)
FIELD_KAT(fr, FR_ROWS)

static void test_small_values(void)
{
    fq_t a, b;
    uint8_t be[32] = {0}, got[32];
    fq_from_u64(&a, 0x0102030405060708ULL);
    fq_to_bytes_be(got, &a);
    be[24] = 1; be[25] = 2; be[26] = 3; be[27] = 4; be[28] = 5; be[29] = 6; be[30] = 7; be[31] = 8;
    CHECK_MEM(got, be, 32);
    /* 1 in Montgomery form is 2^256 mod q = 0x0e0a77c1...c58f0d9d (python: 2**256 % q) */
    fq_one(&a);
    CHECK_EQ_U64(a.l[0], 0xd35d438dc58f0d9dULL);
    CHECK_EQ_U64(a.l[3], 0x0e0a77c19a07df2fULL);
    CHECK(fq_is_one(&a));
    fq_from_u64(&b, 1);
    CHECK(fq_eq(&a, &b));
    char dec[80];
    fq_zero(&a);
    fq_to_dec(dec, &a);
    CHECK(strcmp(dec, "0") == 0);
    CHECK(fq_from_dec(&a, "000123") == RK_OK);
    fq_from_u64(&b, 123);
    CHECK(fq_eq(&a, &b));
}

static void test_pow(void)
{
    /* python: pow(a, e, p) */
    fq_t a, c, want;
    uint64_t e[4] = {0x3e25cc2cdcb7f4f0ULL, 0xeef773dfd8db2105ULL, 0x9d2996b0a2fbd342ULL, 0x4a58bef1b90ae511ULL};
    fq_from_dec(&a, "19564348623480119536906598307487181858459313304086936071243423861356656796517");
    fq_from_dec(&want, "19769744424607859421829807571071578154963195576226329334345190476260847411899");
    fq_pow(&c, &a, e);
    CHECK(fq_eq(&c, &want));
    fr_t ra, rc, rwant;
    uint64_t re[4] = {0x013f0ff6b2321bc3ULL, 0x02b3af5dca306cceULL, 0xdfd44c8de36fe1f6ULL, 0x363865da61edae0aULL};
    fr_from_dec(&ra, "7240887010831517676833544909522648687329627896994160503254844159961420477131");
    fr_from_dec(&rwant, "3155746644827741219489015480804773361740196399564538051948348422867671631471");
    fr_pow(&rc, &ra, re);
    CHECK(fr_eq(&rc, &rwant));
}

static void test_reject_noncanonical(void)
{
    fq_t a;
    fr_t b;
    CHECK(fq_from_dec(&a, Q_DEC) == RK_EINPUT);
    CHECK(fr_from_dec(&b, R_DEC) == RK_EINPUT);
    /* r < q, so r is a fine Fq element but not an Fr one */
    CHECK(fq_from_dec(&a, R_DEC) == RK_OK);
    CHECK(fq_from_dec(&a, "") == RK_EINPUT);
    CHECK(fq_from_dec(&a, "12a") == RK_EINPUT);
    CHECK(fq_from_dec(&a, "-1") == RK_EINPUT);
    CHECK(fq_from_dec(&a, " 1") == RK_EINPUT);
    /* 2^256 and a 100-digit number overflow 256 bits */
    CHECK(fq_from_dec(&a, "115792089237316195423570985008687907853269984665640564039457584007913129639936") == RK_EINPUT);
    CHECK(fq_from_dec(&a, "1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000") == RK_EINPUT);
    uint8_t ff[32];
    memset(ff, 0xff, 32);
    CHECK(fq_from_bytes_be(&a, ff) == RK_EINPUT);
    CHECK(fr_from_bytes_le(&b, ff) == RK_EINPUT);
    /* q itself, big-endian: 0x30644e72...d87cfd47 */
    uint8_t qb[32] = {0x30, 0x64, 0x4e, 0x72, 0xe1, 0x31, 0xa0, 0x29, 0xb8, 0x50, 0x45, 0xb6, 0x81, 0x81, 0x58, 0x5d,
                      0x97, 0x81, 0x6a, 0x91, 0x68, 0x71, 0xca, 0x8d, 0x3c, 0x20, 0x8c, 0x16, 0xd8, 0x7c, 0xfd, 0x47};
    CHECK(fq_from_bytes_be(&a, qb) == RK_EINPUT);
    /* raw Montgomery limbs >= q: reduced by from_mont_le, rejected by _canon */
    uint8_t ml[32];
    for (int k = 0; k < 32; k++)
        ml[k] = qb[31 - k];   /* q, little-endian */
    ml[0] += 5;               /* q + 5 */
    fq_t red, five;
    fq_from_mont_le(&red, ml);
    uint8_t back[32], want[32] = {5};
    fq_to_mont_le(back, &red);
    CHECK_MEM(back, want, 32);
    CHECK(fq_from_mont_le_canon(&red, ml) == RK_EINPUT);
    memset(ml, 0xff, 32);
    fq_from_mont_le(&red, ml);   /* 2^256 - 1 = 5q + ..., must end < q */
    fq_to_mont_le(back, &red);
    CHECK(fq_from_mont_le_canon(&five, back) == RK_OK);
    CHECK(fq_from_mont_le_canon(&five, want) == RK_OK);
    qb[31] = 0x46; /* q - 1 */
    CHECK(fq_from_bytes_be(&a, qb) == RK_OK);
    fq_t m1;
    fq_one(&m1);
    fq_neg(&m1, &m1);
    CHECK(fq_eq(&a, &m1));
}

static void test_batch_inv_and_sqrt(void)
{
    fr_t in[150], out[150], t;
    for (int i = 0; i < 150; i++)
        fr_from_u64(&in[i], (i % 7 == 3) ? 0 : rnd64());
    fr_batch_inv(out, in, 150);
    for (int i = 0; i < 150; i++) {
        if (fr_is_zero(&in[i])) {
            CHECK(fr_is_zero(&out[i]));
        } else {
            fr_mul(&t, &out[i], &in[i]);
            CHECK(fr_is_one(&t));
        }
    }
    fr_batch_inv(in, in, 150); /* in place */
    CHECK_MEM(in, out, sizeof in);
    fq_t a, s, s2;
    int squares = 0;
    for (int i = 1; i < 40; i++) {
        fq_from_u64(&a, (uint64_t)i);
        if (fq_sqrt(&s, &a) == RK_OK) {
            squares++;
            fq_sqr(&s2, &s);
            CHECK(fq_eq(&s2, &a));
        }
    }
    CHECK(squares > 5 && squares < 35);
    fq_from_u64(&a, 3); /* python: pow(3,(q-1)//2,q) == q-1, 3 is a non-residue mod q */
    CHECK(fq_sqrt(&s, &a) == RK_EFALSE);
}

/* the MULX/ADX asm product, the asm add/sub, and the portable C ones agree bit for bit */
static void test_asm_matches_portable(void)
{
    int have = bn254_use_asm(1);
    if (!have) {
        printf("# no BMI2/ADX here: only the portable path runs\n");
        return;
    }
    for (int it = 0; it < 20000; it++) {
        uint8_t raw[32];
        fq_t a, b, c1, c2;
        fr_t x, y, z1, z2;
        for (int k = 0; k < 32; k++) raw[k] = (uint8_t)rnd64();
        raw[31] &= 0x3f;
        if (fq_from_bytes_le(&a, raw) != RK_OK) fq_from_u64(&a, rnd64());
        /* edge values now and then: 0, 1, p-1 */
        if (it % 97 == 0) fq_zero(&a);
        if (it % 89 == 0) { fq_one(&a); fq_neg(&a, &a); }
        for (int k = 0; k < 32; k++) raw[k] = (uint8_t)rnd64();
        raw[31] &= 0x3f;
        if (fq_from_bytes_le(&b, raw) != RK_OK) fq_from_u64(&b, rnd64());
        if (it % 83 == 0) { fq_one(&b); fq_neg(&b, &b); }
        fr_from_u64(&x, rnd64()); fr_mul(&x, &x, &x); fr_mul(&x, &x, &x);
        fr_from_u64(&y, rnd64()); fr_mul(&y, &y, &x);
        bn254_use_asm(1);
        fq_mul(&c1, &a, &b);
        fr_mul(&z1, &x, &y);
        bn254_use_asm(0);
        fq_mul(&c2, &a, &b);
        fr_mul(&z2, &x, &y);
        CHECK_MEM(&c1, &c2, sizeof c1);
        CHECK_MEM(&z1, &z2, sizeof z1);
        /* add/sub/neg/double: both carry outcomes (a+b above and below p,
         * a-b with and without a borrow) come up with random a, b */
        fq_t s1[4], s2[4];
        fr_t r1[3], r2[3];
        for (int pass = 0; pass < 2; pass++) {
            bn254_use_asm(pass == 0);
            fq_t *o = pass == 0 ? s1 : s2;
            fr_t *q = pass == 0 ? r1 : r2;
            fq_add(&o[0], &a, &b);
            fq_sub(&o[1], &a, &b);
            fq_neg(&o[2], &a);
            fq_double(&o[3], &b);
            fr_add(&q[0], &x, &y);
            fr_sub(&q[1], &x, &y);
            fr_sub(&q[2], &y, &x);
        }
        CHECK_MEM(s1, s2, sizeof s1);
        CHECK_MEM(r1, r2, sizeof r1);
    }
    bn254_use_asm(1);
}

int main(void)
{
    RUN(test_fq_kat);
    RUN(test_fr_kat);
    RUN(test_fq_laws);
    RUN(test_fr_laws);
    RUN(test_small_values);
    RUN(test_pow);
    RUN(test_reject_noncanonical);
    RUN(test_batch_inv_and_sqrt);
    RUN(test_asm_matches_portable);
    return t_done();
}
