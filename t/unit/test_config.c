#include "config/config.h"
#include "test.h"

#include <unistd.h>

static int load_text(rk_config *c, const char *text, rk_err *e)
{
    char path[] = "/tmp/raiko-cfg-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        return -1;
    if (write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        return -1;
    close(fd);
    rk_config_defaults(c);
    int rc = rk_config_load(c, path, e);
    /* messages name the file: replace the random temp name for comparisons */
    char *p = strstr(e->msg, path);
    if (rc && p) {
        char rest[RK_ERR_MSG_MAX - 8];
        snprintf(rest, sizeof rest, "%.400s", p + strlen(path));
        snprintf(e->msg, sizeof e->msg, "cfg%s", rest);
    }
    unlink(path);
    return rc;
}

static void defaults_are_documented_values(void)
{
    rk_config c;
    rk_config_defaults(&c);
    CHECK_EQ_U64(c.po2, 20);
    CHECK_EQ_U64(c.log_blowup, 1);
    CHECK_EQ_U64(c.num_queries, 100);
    CHECK_EQ_U64(c.proof_of_work_bits, 16);
    CHECK_EQ_U64(rk_config_security_bits(&c), 116);
    CHECK_EQ_U64(c.device, RK_DEVICE_AUTO);
}

static void full_file_is_read(void)
{
    rk_config c;
    rk_err e;
    int rc = load_text(&c,
                       "# prover settings\n"
                       "segment:\n  po2: 16\n"
                       "fri:\n  log_blowup: 2\n  num_queries: 50\n  proof_of_work_bits: 20\n"
                       "prover: {device: cpu, threads: 2}\n"
                       "security:\n  min_bits: 110\n",
                       &e);
    CHECK_EQ_U64(rc, RK_OK);
    CHECK_EQ_U64(c.po2, 16);
    CHECK_EQ_U64(c.log_blowup, 2);
    CHECK_EQ_U64(c.num_queries, 50);
    CHECK_EQ_U64(c.proof_of_work_bits, 20);
    CHECK_EQ_U64(c.device, RK_DEVICE_CPU);
    CHECK_EQ_U64(c.threads, 2);
    CHECK_EQ_U64(rk_config_security_bits(&c), 120);
}

static void empty_file_keeps_defaults(void)
{
    rk_config c;
    rk_err e;
    CHECK_EQ_U64(load_text(&c, "", &e), RK_OK);
    CHECK_EQ_U64(c.po2, 20);
    CHECK_EQ_U64(load_text(&c, "# only a comment\n", &e), RK_OK);
}

static void bad_files_name_file_and_line(void)
{
    static const struct {
        const char *text, *msg;
    } cases[] = {
        {"segment:\n  po2: 30\n", "cfg:2: segment.po2 must be between 10 and 24, not 30"},
        {"segment:\n  po2: big\n", "cfg:2: segment.po2 must be a whole number, not 'big'"},
        {"segment:\n  po2: -3\n", "cfg:2: segment.po2 must be a whole number, not '-3'"},
        {"fri:\n  log_blowup: 1\n  queries: 10\n", "cfg:3: unknown key 'queries' in fri"},
        {"frii:\n  x: 1\n", "cfg:1: unknown key 'frii'"},
        {"prover:\n  device: tpu\n", "cfg:2: prover.device must be one of auto, cpu, gpu, not 'tpu'"},
        {"segment: 20\n", "cfg:1: segment must be a mapping, not a value"},
        {"- a\n- b\n", "cfg:1: the configuration must be a mapping, not a list"},
        {"segment:\n  po2: [1]\n", "cfg:2: segment.po2 must be a value, not a list"},
        {"segment:\n  po2: 12\n  po2: 14\n", "cfg:3: duplicate key 'po2' (first on line 2)"},
        {"segment: {po2: 12\n", "YAML syntax error"},
        {"a: &x 1\nb: *x\n", "anchors are not accepted"},
        {"fri:\n  num_queries: 10\n", "cfg: FRI parameters give 26 conjectured security bits, below security.min_bits = 100"},
        {"--- {}\n--- {}\n", "more than one YAML document"},
        {"segment:\n  po2: 99999999999999999999999\n", "must be a whole number"},
        /* FRI's own limits (issue 14 item 5): 27 grinding bits, 2^8 final coefficients */
        {"fri:\n  proof_of_work_bits: 28\n", "cfg:2: fri.proof_of_work_bits must be between 0 and 27, not 28"},
        {"fri:\n  log_final_poly_len: 9\n", "cfg:2: fri.log_final_poly_len must be between 0 and 8, not 9"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        rk_config c;
        rk_err e;
        int rc = load_text(&c, cases[i].text, &e);
        if (rc != RK_EINPUT || !strstr(e.msg, cases[i].msg)) {
            printf("# case %zu: rc %d, message '%s', expected '%s'\n", i, rc, e.msg, cases[i].msg);
            CHECK(0);
        }
    }
}

static void low_security_allowed_when_floor_lowered(void)
{
    rk_config c;
    rk_err e;
    CHECK_EQ_U64(load_text(&c, "fri: {num_queries: 4, proof_of_work_bits: 0}\nsecurity: {min_bits: 0}\n", &e),
                 RK_OK);
    CHECK_EQ_U64(rk_config_security_bits(&c), 4);
}

static void missing_file(void)
{
    rk_config c;
    rk_err e;
    CHECK_EQ_U64(rk_config_load(&c, "/nonexistent/raiko.yaml", &e), RK_EINPUT);
    CHECK_STR_HAS(e.msg, "/nonexistent/raiko.yaml: no such file");
}

int main(void)
{
    RUN(defaults_are_documented_values);
    RUN(full_file_is_read);
    RUN(empty_file_keeps_defaults);
    RUN(bad_files_name_file_and_line);
    RUN(low_security_allowed_when_floor_lowered);
    RUN(missing_file);
    return t_done();
}
