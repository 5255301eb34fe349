/*
 * trace_test_parse.c: the loader's text rules, from memory (trace_parse):
 * every kind of error with its exact FILE:LINE, the order in which errors
 * are found, the four historical quirks, the header variants and
 * whitespace tolerance.
 */
#include "trace_test.h"

#include <stdlib.h>
#include <string.h>

/* A header for the classic driver, then ops. */
#define TT_HDR(ids, ops) "1000\n" #ids "\n" #ops "\n1\n"

typedef struct tt_bad {
    const char *text;
    int line;          /* expected in "t.rep:LINE: " */
    const char *words; /* expected somewhere in the message */
} tt_bad;

static void tt_expect_error(const tt_bad *b, size_t len)
{
    trace t;
    trace_error err;
    char warn[1024];
    memset(&err, 0, sizeof err);
    int rc = tt_parse("t.rep", b->text, len, &t, &err, warn, sizeof warn);
    char prefix[32];
    snprintf(prefix, sizeof prefix, "t.rep:%d: ", b->line);
    CHECK(rc == -1, "accepted: %s", b->text);
    CHECK(strncmp(err.msg, prefix, strlen(prefix)) == 0,
          "want prefix '%s', got '%s'", prefix, err.msg);
    CHECK(strstr(err.msg, b->words) != NULL, "want '%s' in '%s'",
          b->words, err.msg);
    CHECK(t.ops == NULL && t.num_ops == 0 && t.path == NULL,
          "a failed load left data behind");
    CHECK(warn[0] == '\0', "warnings printed for a failed load: %s", warn);
    trace_free(&t);
}

void tt_case_errors(void)
{
    static const tt_bad bad[] = {
        /* ops */
        {TT_HDR(2, 2) "a 0 8\nx 1 8\n", 6, "unknown op 'x'"},
        {TT_HDR(2, 2) "alloc 0 8\nf 0\n", 5, "unknown op 'alloc'"},
        {TT_HDR(2, 2) "A 0 8\nf 0\n", 5, "unknown op 'A'"},
        {TT_HDR(2, 1) "a\n", 5, "`a` without an id"},
        {TT_HDR(2, 2) "a 0 8\nf   \n", 6, "`f` without an id"},
        {TT_HDR(2, 2) "a 0 8\nr 0\n", 6, "`r 0` without a size"},
        {TT_HDR(2, 1) "a 0\n", 5, "no earlier size to reuse"},
        {TT_HDR(2, 1) "a x 8\n", 5, "id is not a number: 'x'"},
        {TT_HDR(2, 1) "a 1x 8\n", 5, "id is not a number: '1x'"},
        {TT_HDR(2, 1) "a 0 8k\n", 5, "size is not a number: '8k'"},
        {TT_HDR(2, 1) "a 0 0x10\n", 5, "size is not a number: '0x10'"},
        {TT_HDR(2, 1) "a 0 +8\n", 5, "size is not a number: '+8'"},
        {TT_HDR(2, 1) "a 0 -8\n", 5, "negative size '-8'"},
        {TT_HDR(2, 1) "a -1 8\n", 5, "negative id '-1'"},
        {TT_HDR(2, 2) "a 0 8\nr -1 8\n", 6, "negative id '-1'"},
        {TT_HDR(2, 2) "a 0 8\nf -2\n", 6, "negative id '-2'"},
        {TT_HDR(2, 2) "a 0 8\nf -1x\n", 6, "negative id '-1x'"},
        {TT_HDR(2, 1) "a 0 18446744073709551616\n", 5,
         "size overflows 64 bits"},
        {TT_HDR(2, 1) "a 0 99999999999999999999999\n", 5,
         "size overflows 64 bits"},
        {TT_HDR(2, 1) "f 18446744073709551616\n", 5, "id overflows 64 bits"},
        {TT_HDR(2, 1) "a 2 8\n", 5, "id 2 out of range"},
        {TT_HDR(2, 1) "f 4294967295\n", 5, "id 4294967295 out of range"},
        {TT_HDR(0, 1) "a 0 8\n", 5, "id 0 out of range"},
        {TT_HDR(2, 1) "a 0 8 9\n", 5, "trailing garbage '9'"},
        {TT_HDR(2, 2) "a 0 8\nf 0 8\n", 6, "trailing garbage '8'"},
        {TT_HDR(2, 2) "a 0 8\nf 0 # done\n", 6, "trailing garbage '#'"},
        /* what the ops mean */
        {TT_HDR(2, 3) "a 0 8\nf 0\nf 0\n", 7, "already freed at line 6"},
        {TT_HDR(2, 3) "a 0 8\nf 0\nr 0 5\n", 7, "was freed at line 6"},
        {TT_HDR(2, 1) "f 1\n", 5, "`f 1`: id 1 was never allocated"},
        {TT_HDR(2, 2) "a 0 8\na 0 9\n", 6,
         "still live (allocated or resized at line 5"},
        {TT_HDR(2, 3) "r 1 8\nr 1 9\na 1 3\n", 7, "still live"},
        /* count of ops */
        {TT_HDR(2, 3) "a 0 8\nf 0\n", 7, "ends after 2 of the 3 ops"},
        {TT_HDR(2, 3) "a 0 8\nf 0", 7, "ends after 2 of the 3 ops"},
        {TT_HDR(2, 4000000000) "a 0 8\n", 6,
         "ends after 1 of the 4000000000 ops"},
        /* header */
        {"", 1, "empty file"},
        {"  \n\n \t\n", 4, "empty file"},
        {"a 0 8\nf 0\n", 1, "header field 1 (heap size or weight) is not a "
                            "non-negative integer: 'a'"},
        {"1000\n2\n", 3, "the header ends after 2 of its four numbers"},
        {"1000\n-2\n2\n1\n", 2, "field 2 (num_ids) is not a non-negative"},
        {"1000\n2\nx\n1\n", 3, "field 3 (num_ops) is not a non-negative"},
        {"1000\n2\n2\n1.5\n", 4, "field 4 (weight, flag or max_alloc) is not"},
        {"1000\n2\n2\n99999999999999999999\n", 4, "overflows 64 bits"},
        {"0\n2\n1000000000000000000\n0\n", 3, "num_ops 1000000000000000000 "
                                              "is absurd"},
        {"0\n1000000000000000000\n2\n0\n", 2, "num_ids 1000000000000000000 "
                                              "is absurd"},
        {"0\n67108865\n2\n0\n", 2, "num_ids 67108865 is absurd"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        tt_expect_error(&bad[i], strlen(bad[i].text));

    /* Not text: NUL bytes in an op, in the header, after the last op. */
    static const char nul_op[] = TT_HDR(2, 2) "a 0 8\nf\0 0\n";
    static const char nul_hdr[] = "1000\n2\0\n2\n1\n";
    static const char nul_tail[] = TT_HDR(2, 2) "a 0 8\nf 0\n\n\1\0\n";
    const tt_bad nul[] = {{nul_op, 6, "not a text file (NUL byte at offset"},
                          {nul_hdr, 2, "not a text file"},
                          {nul_tail, 8, "not a text file"}};
    tt_expect_error(&nul[0], sizeof nul_op - 1);
    tt_expect_error(&nul[1], sizeof nul_hdr - 1);
    tt_expect_error(&nul[2], sizeof nul_tail - 1);

    /* A file that is mostly binary says so too. */
    char bin[256];
    for (int i = 0; i < 256; i++)
        bin[i] = (char)(0x80 | (i * 37)); /* never a newline */
    bin[40] = '\0';
    memcpy(bin, TT_HDR(2, 9), strlen(TT_HDR(2, 9)));
    const tt_bad b = {bin, 5, "not a text file"};
    tt_expect_error(&b, sizeof bin);

    /* The largest size and the largest id are fine. */
    trace t;
    trace_error err;
    const char *max = TT_HDR(3, 2) "a 2 18446744073709551615\nf 2\n";
    int rc = tt_parse("t.rep", max, strlen(max), &t, &err, NULL, 0);
    CHECK(rc == 0, "%s", err.msg);
    if (rc == 0) {
        CHECK(t.ops[0].size == UINT64_MAX, "size %llu",
              (unsigned long long)t.ops[0].size);
        CHECK(t.ops[1].size == UINT64_MAX, "f size");
        CHECK(t.max_request == UINT64_MAX, "max_request");
        CHECK(t.peak_payload == UINT64_MAX, "peak");
    }
    trace_free(&t);

    /* A live payload beyond 2^64 saturates the peak, and freeing it all
     * brings the count back: the next trace on the same numbers agrees. */
    const char *huge = TT_HDR(3, 5) "a 0 18446744073709551615\n"
                                    "a 1 18446744073709551615\nf 0\nf 1\n"
                                    "a 2 7\n";
    rc = tt_parse("t.rep", huge, strlen(huge), &t, &err, NULL, 0);
    CHECK(rc == 0, "%s", err.msg);
    if (rc == 0)
        CHECK(t.peak_payload == UINT64_MAX, "peak %llu",
              (unsigned long long)t.peak_payload);
    trace_free(&t);
}

/* Builds a valid trace of N alloc/free pairs on distinct ids, then
 * replaces op number BAD (from 0) by the line REPL. */
static char *tt_pairs(int n, int bad, const char *repl)
{
    size_t cap = 64 + (size_t)n * 48;
    char *s = malloc(cap);
    if (!s)
        return NULL;
    size_t o = (size_t)snprintf(s, cap, "1000\n%d\n%d\n1\n", n, 2 * n);
    for (int i = 0; i < 2 * n; i++) {
        if (i == bad)
            o += (size_t)snprintf(s + o, cap - o, "%s\n", repl);
        else if (i < n)
            o += (size_t)snprintf(s + o, cap - o, "a %d %d\n", i, 16 + i);
        else
            o += (size_t)snprintf(s + o, cap - o, "f %d\n", i - n);
    }
    return s;
}

void tt_case_order(void)
{
    /* The loader checks an op's meaning some ops after reading it; the
     * first error in the file must still be the one reported. */
    trace t;
    trace_error err;
    static const char text[] = TT_HDR(2, 3) "a 0 8\na 0 8\nx\n";
    int rc = tt_parse("t.rep", text, strlen(text), &t, &err, NULL, 0);
    CHECK(rc == -1 && strncmp(err.msg, "t.rep:6: ", 9) == 0,
          "want the double a at line 6, got '%s'", err.msg);

    /* Same far from the start, and at each distance from the error. */
    for (int gap = 0; gap < 40; gap++) {
        /* op 100+gap is a syntax error; op 100 frees an id never
         * allocated (ids 60.. are allocated at ops 60..). */
        char *s = tt_pairs(200, 100, "f 150");
        if (!s)
            break;
        /* Put a syntax error GAP ops later by editing the text. */
        char *p = s;
        for (int line = 1; line < 5 + 100 + gap && p; line++) {
            p = strchr(p, '\n');
            if (p)
                p++;
        }
        if (gap > 0 && p && *p)
            *p = '?';
        rc = tt_parse("t.rep", s, strlen(s), &t, &err, NULL, 0);
        CHECK(rc == -1 && strncmp(err.msg, "t.rep:105: ", 11) == 0 &&
                  strstr(err.msg, "never allocated"),
              "gap %d: want the free at line 105, got '%s'", gap, err.msg);
        free(s);
    }

    /* A syntax error before any bad op is the one reported. */
    char *s = tt_pairs(200, 150, "f 3 3");
    if (s) {
        rc = tt_parse("t.rep", s, strlen(s), &t, &err, NULL, 0);
        CHECK(rc == -1 && strncmp(err.msg, "t.rep:155: ", 11) == 0 &&
                  strstr(err.msg, "trailing garbage"),
              "got '%s'", err.msg);
        free(s);
    }
    /* The valid version loads, with the figures it should have. */
    s = tt_pairs(200, -1, "");
    if (s) {
        rc = tt_parse("t.rep", s, strlen(s), &t, &err, NULL, 0);
        CHECK(rc == 0, "%s", err.msg);
        if (rc == 0) {
            uint64_t sum = 0;
            for (int i = 0; i < 200; i++)
                sum += 16 + (uint64_t)i;
            CHECK(t.peak_payload == sum, "peak %llu",
                  (unsigned long long)t.peak_payload);
            CHECK(t.ops[399].size == 16 + 199, "f size is the freed one");
        }
        trace_free(&t);
        free(s);
    }
}

void tt_case_quirks(void)
{
    trace t;
    trace_error err;
    char warn[2048];

    /* f -1: free(NULL), one warning line whatever the count. */
    static const char fnull[] = TT_HDR(2, 5) "f -1\na 0 8\nf -1\nf 0\nf -1\n";
    int rc = tt_parse("t.rep", fnull, strlen(fnull), &t, &err, warn,
                      sizeof warn);
    CHECK(rc == 0, "%s", err.msg);
    if (rc == 0) {
        CHECK(t.ops[0].kind == TRACE_FREE && t.ops[0].id == TRACE_NO_ID &&
                  t.ops[0].size == 0,
              "f -1 is free(NULL)");
        CHECK(t.count[TRACE_COUNT_F] == 4 && t.count[TRACE_COUNT_A] == 1,
              "counts");
        CHECK(t.warnings == 3, "warnings %zu", t.warnings);
        CHECK(tt_count_lines(warn) == 1, "one line: %s", warn);
        CHECK(strstr(warn, "t.rep: warning: 3 x `f -1` read as "
                           "free(NULL) (first at line 5)") != NULL,
              "%s", warn);
    }
    trace_free(&t);

    /* r of an id never allocated: realloc(NULL, n). */
    static const char rnew[] = TT_HDR(3, 5) "a 0 4\nr 1 16\nr 1 32\nr 2 8\n"
                                            "f 1\n";
    rc = tt_parse("t.rep", rnew, strlen(rnew), &t, &err, warn, sizeof warn);
    CHECK(rc == 0, "%s", err.msg);
    if (rc == 0) {
        CHECK(t.ops[1].kind == TRACE_REALLOC && t.ops[1].id == 1 &&
                  t.ops[1].size == 16,
              "r kept as r");
        CHECK(t.peak_payload == 4 + 32 + 8, "peak %llu",
              (unsigned long long)t.peak_payload);
        CHECK(t.ops[4].size == 32, "f frees the realloc'd size");
        CHECK(t.warnings == 2, "warnings %zu", t.warnings);
        CHECK(tt_count_lines(warn) == 1, "one line: %s", warn);
        CHECK(strstr(warn, "t.rep: warning: 2 x `r` of an id never "
                           "allocated read as realloc(NULL, n) (first at "
                           "line 6)") != NULL,
              "%s", warn);
    }
    trace_free(&t);

    /* More op lines than num_ops: the rest is ignored, whatever it is. */
    static const char extra[] = TT_HDR(2, 2) "a 0 8\nf 0\n\na 1 8\nzzz\n\n";
    rc = tt_parse("t.rep", extra, strlen(extra), &t, &err, warn, sizeof warn);
    CHECK(rc == 0, "%s", err.msg);
    if (rc == 0) {
        CHECK(t.num_ops == 2 && t.count[TRACE_COUNT_A] == 1, "2 ops");
        CHECK(t.warnings == 2, "warnings %zu", t.warnings);
        CHECK(tt_count_lines(warn) == 1, "one line: %s", warn);
        CHECK(strstr(warn, "t.rep: warning: 2 op line(s) after the 2 the "
                           "header declares") != NULL &&
                  strstr(warn, "(first at line 8)") != NULL,
              "%s", warn);
    }
    trace_free(&t);

    /* a ID without a size reuses the last a or r size, over frees. */
    static const char nosize[] = TT_HDR(4, 7) "a 0 8\na 1\nr 0 20\nf 1\n"
                                              "a 2\nf 0\na 3  \n";
    rc = tt_parse("t.rep", nosize, strlen(nosize), &t, &err, warn,
                  sizeof warn);
    CHECK(rc == 0, "%s", err.msg);
    if (rc == 0) {
        CHECK(t.ops[1].size == 8, "a 1 got %llu",
              (unsigned long long)t.ops[1].size);
        CHECK(t.ops[4].size == 20, "a 2 got %llu",
              (unsigned long long)t.ops[4].size);
        CHECK(t.ops[6].size == 20, "a 3 got %llu",
              (unsigned long long)t.ops[6].size);
        CHECK(t.peak_payload == 40, "peak %llu",
              (unsigned long long)t.peak_payload);
        CHECK(t.warnings == 3, "warnings %zu", t.warnings);
        CHECK(strstr(warn, "t.rep: warning: 3 x `a ID` without a size") &&
                  strstr(warn, "(first at line 6)"),
              "%s", warn);
    }
    trace_free(&t);

    /* All four kinds in one file: four lines; none when WARN is NULL. */
    static const char all[] = TT_HDR(3, 5) "f -1\nr 0 8\na 1\nf 0\nf 1\n"
                                           "f 2\n";
    rc = tt_parse("all.rep", all, strlen(all), &t, &err, warn, sizeof warn);
    CHECK(rc == 0, "%s", err.msg);
    CHECK(tt_count_lines(warn) == 4, "four lines: %s", warn);
    CHECK(t.warnings == 4, "warnings %zu", t.warnings);
    trace_free(&t);
    rc = trace_parse("all.rep", all, strlen(all), &t, &err, NULL);
    CHECK(rc == 0 && t.warnings == 4, "without a warn stream");
    trace_free(&t);

    /* A valid file gives no warning at all. */
    static const char clean[] = TT_HDR(1, 2) "a 0 8\nf 0\n";
    rc = tt_parse("t.rep", clean, strlen(clean), &t, &err, warn, sizeof warn);
    CHECK(rc == 0 && warn[0] == '\0' && t.warnings == 0, "%s", warn);
    trace_free(&t);
}

void tt_case_headers(void)
{
    static const struct {
        const char *text;
        enum trace_format format;
        uint64_t h0, h3;
    } cases[] = {
        {"20000\n2\n2\n1\na 0 8\nf 0\n", TRACE_FMT_CLASSIC, 20000, 1},
        {"4\n2\n2\n0\na 0 8\nf 0\n", TRACE_FMT_CLASSIC, 4, 0},
        {"0\n2\n2\n0\na 0 8\nf 0\n", TRACE_FMT_2010, 0, 0},
        {"3\n2\n2\n1\na 0 8\nf 0\n", TRACE_FMT_2010, 3, 1},
        {"1\n2\n2\n8\na 0 8\nf 0\n", TRACE_FMT_2016, 1, 8},
        {"0\n2\n2\n271381219224440744\na 0 271381219224440744\nf 0\n",
         TRACE_FMT_2016, 0, 271381219224440744ULL},
        /* Any whitespace between the four numbers. */
        {"20000 2\t2 1\r\na 0 8\nf 0\n", TRACE_FMT_CLASSIC, 20000, 1},
        {"\n\n0\n\n2\n2\n  0  \na 0 8\nf 0\n", TRACE_FMT_2010, 0, 0},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        trace t;
        trace_error err;
        int rc = tt_parse("h.rep", cases[i].text, strlen(cases[i].text), &t,
                          &err, NULL, 0);
        CHECK(rc == 0, "case %zu: %s", i, err.msg);
        if (rc)
            continue;
        CHECK(t.format == cases[i].format, "case %zu: format %s", i,
              trace_format_name(t.format));
        CHECK(t.header[0] == cases[i].h0 && t.header[1] == 2 &&
                  t.header[2] == 2 && t.header[3] == cases[i].h3,
              "case %zu: header", i);
        CHECK(t.num_ids == 2 && t.num_ops == 2, "case %zu: counts", i);
        if (t.format == TRACE_FMT_2016)
            CHECK(t.header[3] == t.peak_payload,
                  "case %zu: max_alloc is the peak", i);
        trace_free(&t);
    }
    CHECK(strcmp(trace_format_name(TRACE_FMT_CLASSIC), "classic") == 0 &&
              strcmp(trace_format_name(TRACE_FMT_2010), "2010") == 0 &&
              strcmp(trace_format_name(TRACE_FMT_2016), "2016") == 0,
          "format names");

    /* An empty trace is a trace. */
    trace t;
    trace_error err;
    int rc = tt_parse("e.rep", "0\n0\n0\n0\n", 8, &t, &err, NULL, 0);
    CHECK(rc == 0 && t.num_ops == 0 && t.ops == NULL && t.peak_payload == 0,
          "empty trace: %s", err.msg);
    trace_free(&t);

    /* Names: the base name without .rep / .rep.gz. */
    static const struct {
        const char *path, *name;
    } names[] = {{"dir/sub/amptjp-bal.rep", "amptjp-bal"},
                 {"x.rep.gz", "x"},
                 {"plain", "plain"},
                 {"a.gz", "a"},
                 {".rep", ".rep"}};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        rc = trace_parse(names[i].path, "0\n0\n0\n0\n", 8, &t, &err, NULL);
        CHECK(rc == 0 && strcmp(t.name, names[i].name) == 0 &&
                  strcmp(t.path, names[i].path) == 0,
              "%s gave name '%s'", names[i].path, rc ? "?" : t.name);
        trace_free(&t);
    }
    /* Arguments that make no sense fail cleanly. */
    CHECK(trace_parse("n", NULL, 5, &t, &err, NULL) == -1, "NULL buf");
    CHECK(trace_parse("n", "0", 1, NULL, &err, NULL) == -1, "NULL trace");
    CHECK(trace_parse("n", "0", 1, &t, NULL, NULL) == -1, "NULL err");
    trace_free(&t);
    trace_free(NULL);
}

void tt_case_whitespace(void)
{
    /* The same trace written in many ways. The first is the shape the
     * fast path reads; numbers of 7, 8 and 20 digits cross its limits. */
    static const char *const forms[] = {
        "1000\n3\n6\n1\na 0 8\na 1 9999999\nr 0 12345678\na 2 "
        "18446744073709551615\nf 2\nf 1\n",
        "1000\r\n3\r\n6\r\n1\r\na 0 8\r\na 1 9999999\r\nr 0 12345678\r\n"
        "a 2 18446744073709551615\r\nf 2\r\nf 1\r\n",
        "1000\n3\n6\n1\n\n  a\t0   8  \n\n\ta 1 9999999\t\nr 0 "
        "012345678\n\n\na 2 18446744073709551615   \nf 2\nf    1",
        "1000\n3\n6\n1\na 00 0008\na 1 09999999\nr 0 12345678\na 2 "
        "18446744073709551615\nf 2\nf 1\n\n\n\n",
        " 1000 \n 3 \n 6 \n 1 \na 0 8\na 1 9999999\nr 0 12345678\na 2 "
        "18446744073709551615\nf 2\nf 1\n\r\n \t \n",
    };
    trace ref;
    trace_error err;
    int rc = tt_parse("w.rep", forms[0], strlen(forms[0]), &ref, &err, NULL, 0);
    CHECK(rc == 0, "%s", err.msg);
    if (rc)
        return;
    CHECK(ref.ops[1].size == 9999999 && ref.ops[2].size == 12345678 &&
              ref.ops[3].size == UINT64_MAX,
          "numbers read right");
    for (size_t i = 1; i < sizeof forms / sizeof forms[0]; i++) {
        trace t;
        char warn[256];
        rc = tt_parse("w.rep", forms[i], strlen(forms[i]), &t, &err, warn,
                      sizeof warn);
        CHECK(rc == 0, "form %zu: %s", i, err.msg);
        if (rc)
            continue;
        CHECK(trace_same(&ref, &t), "form %zu differs", i);
        CHECK(warn[0] == '\0', "form %zu warns: %s", i, warn);
        trace_free(&t);
    }
    trace_free(&ref);

    /* Errors after blank lines and CRLF still give the right line. */
    static const char crlf[] = "1000\r\n2\r\n2\r\n1\r\n\r\na 0 8\r\nq\r\n";
    const char *want = "w.rep:7: ";
    trace t;
    rc = tt_parse("w.rep", crlf, strlen(crlf), &t, &err, NULL, 0);
    CHECK(rc == -1 && strncmp(err.msg, want, strlen(want)) == 0, "%s",
          err.msg);
}
