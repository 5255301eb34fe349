/*
 * trace_scan.c: the op lines of a trace, from text to checked op array.
 *
 * Where it sits: inside the loader, after the header (trace.c) and before
 * the replay engine, which only sees the array this fills.
 *
 * How: the op part of the text is cut into chunks of whole lines. A
 * chunk is tokenised by the fast tokeniser (trace_fast.c) into the op
 * array, at the index its first line would have were every line from the
 * start one op (its "slot"; the newlines before it give that). Then the
 * checking thread takes the chunks in file order: it moves the chunk's
 * ops down when blank lines came earlier, checks them against the id
 * table in one branch-free loop, and reads the lines the tokeniser left
 * (odd spacing, quirks, errors, the last bytes of the text) with the
 * careful scanner of trace.c, going back to the tokeniser after each.
 * Every op is checked in file order, so the first error in the file is
 * the one reported, whichever thread tokenised it, and the messages are
 * those of the careful scanner and of trace_check_op.
 *
 * Why two threads: tokenising costs about twice what checking does, and
 * the check is sequential (an op's meaning depends on every op before
 * it). On a large text a second thread claims chunks and tokenises them
 * ahead; the checking thread tokenises a chunk itself whenever the one it
 * needs is not ready, so the two share the work whatever their speeds.
 * Chunks are claimed in file order under a mutex, and a chunk's ops are
 * only read after its tokeniser has said "done" under that mutex. The
 * checking thread writes only at or below the slots of the chunk it is
 * at, and the other thread only into the slots of chunks after it.
 */
#include "trace_impl.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Text a thread tokenises at a time: its ops (half again as many bytes)
 * stay in the cache until they are checked, and the claim, under the
 * mutex, stays short next to the tokenising. */
#define TRACE_CHUNK_BYTES ((size_t)256 << 10)

/* Below this much op text a second thread costs more than it saves. */
#define TRACE_PARALLEL_MIN ((size_t)1 << 20)

/* How many ops ahead the check loads an id's table entry: the table of a
 * trace with many ids is larger than the cache. */
#define TRACE_PREFETCH 16

/* How many ops ahead the check loads the op array itself. The other
 * thread has just written those ops, and its cache hands them over
 * slowly: without this the check waited on them a third of its time. */
#define TRACE_OPS_AHEAD 128

/* Tables from this size are mapped, in huge pages where the kernel can. */
#define TRACE_HUGE_PAGE ((size_t)2 << 20)

static trace_scan_config trace_config;

void trace_scan_tune(const trace_scan_config *cfg)
{
    if (cfg)
        trace_config = *cfg;
    else
        memset(&trace_config, 0, sizeof trace_config);
}

/* ------------------------------------------------------------------ */
/* Tables                                                              */

void *trace_table_alloc(size_t n, size_t elem, size_t *mapped)
{
    *mapped = 0;
    if (n == 0 || elem == 0 || n > (SIZE_MAX - 2 * TRACE_HUGE_PAGE) / elem)
        return NULL;
#if defined(MADV_HUGEPAGE) && !defined(FB_SANITIZE)
    /* The sanitizer build keeps calloc, whose bounds it knows. */
    size_t bytes = n * elem;
    if (bytes >= TRACE_HUGE_PAGE) {
        /* Over-map by one huge page and trim, so that the table starts
         * on a huge-page boundary and each 2 MiB of it can be one page:
         * one fault and one TLB entry instead of 512. */
        size_t len = (bytes + TRACE_HUGE_PAGE - 1) & ~(TRACE_HUGE_PAGE - 1);
        size_t span = len + TRACE_HUGE_PAGE;
        char *m = mmap(NULL, span, PROT_READ | PROT_WRITE,
                       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (m == MAP_FAILED)
            return NULL;
        uintptr_t a = ((uintptr_t)m + TRACE_HUGE_PAGE - 1) &
                      ~(uintptr_t)(TRACE_HUGE_PAGE - 1);
        size_t head = (size_t)(a - (uintptr_t)m), tail = span - head - len;
        if (head)
            munmap(m, head);
        if (tail)
            munmap((char *)a + len, tail);
        /* Only a hint: without it the table works the same, slower. */
        madvise((void *)a, len, MADV_HUGEPAGE);
        *mapped = len;
        return (void *)a;
    }
#endif
    return calloc(n, elem);
}

void trace_table_free(void *p, size_t mapped)
{
    if (p && mapped)
        munmap(p, mapped);
    else
        free(p);
}

/* Faults in the first BYTES of a mapped table from the calling thread,
 * without writing to it (the other thread may be writing there). Where
 * the kernel cannot (before 5.14), the pages come as they are touched. */
static void trace_table_populate(void *p, size_t bytes)
{
#ifdef MADV_POPULATE_WRITE
    madvise(p, bytes, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)bytes;
#endif
}

/* ------------------------------------------------------------------ */
/* Chunks and the tokenising thread                                    */

typedef struct trace_chunk {
    const char *start, *end; /* whole lines: end is after a newline, or
                                the end of the text */
    size_t slot;             /* op index of its first line, were every
                                line from the first op line one op */
    size_t fast;             /* lines from start that the tokeniser took */
    const char *stop;        /* start of the first line it did not take */
    int done;                /* tokenised (read and written under mu) */
} trace_chunk;

/* What the threads share. The first group is fixed before the second
 * thread starts; the rest is guarded by mu. */
typedef struct trace_work {
    const char *text, *end;
    trace_op *ops;
    size_t cap;
    uint64_t num_ids;
    size_t chunk_bytes;
    int portable;
    trace_scan_stats stats; /* for the tests (checking thread only) */

    pthread_mutex_t mu;
    pthread_cond_t cv;   /* a chunk is done */
    const char *next;    /* first line not yet in a chunk */
    size_t next_slot;    /* its slot */
    trace_chunk *chunks; /* in file order */
    size_t claimed, max_chunks;
    int quit; /* the checking thread wants no more chunks */
} trace_work;

/* The next chunk of the text, or NULL when there is none (or the scan is
 * over). Called with mu held. */
static trace_chunk *trace_claim(trace_work *w)
{
    if (w->quit || w->next == w->end || w->claimed == w->max_chunks)
        return NULL;
    trace_chunk *c = &w->chunks[w->claimed++];
    c->start = w->next;
    c->end = w->end;
    if ((size_t)(w->end - c->start) > w->chunk_bytes) {
        const char *from = c->start + w->chunk_bytes - 1;
        const char *nl = memchr(from, '\n', (size_t)(w->end - from));
        if (nl)
            c->end = nl + 1;
    }
    c->slot = w->next_slot;
    c->fast = 0;
    c->stop = c->start;
    c->done = 0;
    w->next_slot += trace_count_newlines(c->start, c->end, w->portable);
    w->next = c->end;
    return c;
}

/* Runs the fast tokeniser over C, outside the mutex. A chunk whose slots
 * are past the array is left to the careful scanner; so is one too near
 * the start of the text for the tokeniser's reads. */
static void trace_tokenise(const trace_work *w, trace_chunk *c)
{
    if (c->slot < w->cap && c->start - w->text >= 8)
        c->fast = trace_fast_lines(c->start, c->end, w->end, w->num_ids,
                                   w->ops + c->slot, w->cap - c->slot,
                                   w->portable, &c->stop);
}

static void *trace_worker(void *arg)
{
    trace_work *w = arg;
    pthread_mutex_lock(&w->mu);
    trace_chunk *c;
    while ((c = trace_claim(w)) != NULL) {
        pthread_mutex_unlock(&w->mu);
        trace_tokenise(w, c);
        pthread_mutex_lock(&w->mu);
        c->done = 1;
        pthread_cond_signal(&w->cv);
    }
    pthread_mutex_unlock(&w->mu);
    return NULL;
}

/* Chunk I, tokenised, or NULL past the last one. While it is not ready
 * the checking thread tokenises the next unclaimed chunk itself, and
 * waits only when none is left. */
static trace_chunk *trace_ready(trace_work *w, size_t i)
{
    pthread_mutex_lock(&w->mu);
    for (;;) {
        if (i < w->claimed && w->chunks[i].done)
            break;
        trace_chunk *c = trace_claim(w);
        if (c) {
            pthread_mutex_unlock(&w->mu);
            trace_tokenise(w, c);
            pthread_mutex_lock(&w->mu);
            c->done = 1;
            continue;
        }
        if (i >= w->claimed) {
            pthread_mutex_unlock(&w->mu);
            return NULL;
        }
        pthread_cond_wait(&w->cv, &w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return &w->chunks[i];
}

/* Starts the tokenising thread; 0, or -1 when it could not be had (the
 * scan then runs on one thread). It gets no asynchronous signals: those
 * are for the program's own threads. */
static int trace_start_worker(trace_work *w, pthread_t *tid)
{
    if (trace_config.threads < 0)
        return -1; /* the tests' stand-in for a failing pthread_create */
    sigset_t all, old;
    sigfillset(&all);
    sigdelset(&all, SIGBUS);
    sigdelset(&all, SIGSEGV);
    sigdelset(&all, SIGFPE);
    sigdelset(&all, SIGILL);
    if (pthread_sigmask(SIG_SETMASK, &all, &old) != 0)
        return -1;
    int rc = pthread_create(tid, NULL, trace_worker, w);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    return rc == 0 ? 0 : -1;
}

/* Two threads for this much op text? */
static int trace_want_worker(size_t bytes)
{
    if (trace_config.threads == 1)
        return 0;
    if (trace_config.threads != 0)
        return 1;
    const char *env = getenv("FB_TRACE_THREADS");
    if (env && strcmp(env, "1") == 0)
        return 0;
    return bytes >= TRACE_PARALLEL_MIN;
}

/* ------------------------------------------------------------------ */
/* Checks                                                              */

/* Op kind and id state combinations that the block check leaves to
 * trace_check_op, by bit (kind * 4 + state), the kind being bits 1-2 of
 * the letter (a 0, r 1, f 3, trace.h): an `a` of a live id, an `r` of
 * a freed id, an `f` of an id not live (errors), and an `r` of an id
 * never allocated (a quirk). */
#define TRACE_RARE                                                         \
    (1u << (0 * 4 + TRACE_ID_LIVE) | 1u << (1 * 4 + TRACE_ID_NEVER) |      \
     1u << (1 * 4 + TRACE_ID_FREED) | 1u << (3 * 4 + TRACE_ID_NEVER) |     \
     1u << (3 * 4 + TRACE_ID_FREED))

/* The figures a block check keeps in registers, added to s->y. */
typedef struct trace_run {
    uint64_t live, peak, max_request;
    size_t ops, a, f;
} trace_run;

static void trace_run_flush(trace_scan *s, trace_run *r)
{
    trace_tally *y = &s->y;
    y->live = r->live;
    if (r->peak > y->peak)
        y->peak = r->peak;
    y->max_request = r->max_request;
    y->count[TRACE_COUNT_A] += r->a;
    y->count[TRACE_COUNT_F] += r->f;
    y->count[TRACE_COUNT_R] += r->ops - r->a - r->f;
    r->ops = r->a = r->f = 0;
}

/* Checks the K ops at OPS, on lines LINE, LINE+1, ... (the tokeniser
 * takes one op per line), as trace_check_op would one by one.
 *
 * Why it looks the way it does: the kind of each op is random in a real
 * trace, so the common cases are done without branching on it (with
 * size(id) 0 unless live, a, r and f are one formula), and anything else
 * (errors, the realloc(NULL, n) quirk) goes to trace_check_op. The live
 * payload is kept in 64 bits when the block starts below 2^63: its sizes
 * come from the tokeniser, below 2^24, and fewer than 2^32 of them cannot
 * add up to 2^63 more, so it never wraps (a hostile trace that has
 * already passed 2^63 is checked op by op, with the exact 128-bit count).
 * The table entry of an op TRACE_PREFETCH ahead, and the op array further
 * ahead, are loaded while this op is checked. */
static int trace_check_block(trace_scan *s, trace_op *ops, size_t k,
                             uint64_t line)
{
    trace_idinfo *ids = s->ids;
    if (line + k > UINT32_MAX || s->y.live >= (trace_u128)1 << 63) {
        for (size_t i = 0; i < k; i++)
            if (trace_check_op(s, &ops[i], line + i))
                return -1;
        return 0;
    }
    trace_run r = {(uint64_t)s->y.live, 0, s->y.max_request, 0, 0, 0};
    for (size_t j = 0; j < k && j < TRACE_PREFETCH; j++)
        __builtin_prefetch(&ids[ops[j].id], 1);
    for (size_t i = 0; i < k; i++) {
        if (i + TRACE_PREFETCH < k)
            __builtin_prefetch(&ids[ops[i + TRACE_PREFETCH].id], 1);
        if (i + TRACE_OPS_AHEAD < k)
            __builtin_prefetch(&ops[i + TRACE_OPS_AHEAD], 1);
        trace_op *op = &ops[i];
        trace_idinfo *d = &ids[op->id];
        unsigned kind = op->kind;
        if (__builtin_expect(
                (TRACE_RARE >> (kind * 4 + TRACE_ID_STATE(d))) & 1, 0)) {
            trace_run_flush(s, &r);
            if (trace_check_op(s, op, line + i))
                return -1;
            r.live = (uint64_t)s->y.live;
            r.max_request = s->y.max_request;
            continue;
        }
        /* kind 3 is f; masks keep the compiler from branching on it. */
        uint64_t is_f = (kind + 1) >> 2, f_mask = 0 - is_f;
        uint64_t old = d->size, size = op->size & ~f_mask;
        r.live = r.live - old + size;
        r.peak = r.live > r.peak ? r.live : r.peak;
        r.max_request = size > r.max_request ? size : r.max_request;
        d->size = size;
        d->tag = TRACE_ID_TAG(TRACE_ID_LIVE + is_f, line + i);
        op->size = size | (old & f_mask);
        r.ops++;
        r.a += kind == 0;
        r.f += is_f;
    }
    trace_run_flush(s, &r);
    return 0;
}

/* Parses and checks lines the careful way from *PP while they start
 * before LIMIT and fewer ops than the header declares are in (*N so far,
 * *LINE the line at *PP). 0, or -1 with the reason reported. */
static int trace_careful_lines(trace_scan *s, const char **pp,
                               const char *limit, uint64_t *line, size_t *n)
{
    trace_op *ops = s->t->ops;
    const size_t want = s->t->num_ops;
    while (*n < want && *pp < limit) {
        trace_op op;
        int rc = trace_parse_line(s, pp, *line, *n, &op);
        if (rc == TRACE_LINE_ERROR)
            return -1;
        if (rc == TRACE_LINE_END)
            break;
        if (rc == TRACE_LINE_BLANK) {
            (*line)++;
            continue;
        }
        /* Unreachable while an op line takes at least 4 bytes (see the
         * sizing in trace_parse_text); kept so that a mistake there can
         * never write past the array. */
        if (*n == s->cap)
            return trace_fail(s->err, s->path, *line,
                              "internal error: op array too small");
        trace_op *o = &ops[*n];
        o->size = op.size;
        o->id = op.id;
        o->kind = op.kind;
        if (trace_check_op(s, o, *line))
            return -1;
        (*n)++;
        (*line)++;
    }
    return 0;
}

/* The lines from *PP to LIMIT (the end of a chunk) that the chunk's
 * tokeniser left: the careful scanner reads one, then the tokeniser goes
 * on from the next, here, straight into place. Lines it refuses in a row
 * make it wait longer before it tries again, so that a text it never
 * takes costs little more than the careful scanner alone. */
static int trace_scan_rest(trace_scan *s, trace_work *w,
                           const char **pp, const char *limit,
                           uint64_t *line, size_t *n)
{
    const size_t want = s->t->num_ops;
    unsigned backoff = 0, wait = 0;
    while (*pp < limit && *n < want) {
        if (wait == 0 && *n < s->cap && *pp - s->text >= 8) {
            const char *stop;
            size_t k = trace_fast_lines(*pp, limit, s->end, w->num_ids,
                                        s->t->ops + *n, s->cap - *n,
                                        w->portable, &stop);
            if (k) {
                w->stats.rest_lines += k;
                if (trace_check_block(s, s->t->ops + *n, k, *line))
                    return -1;
                *n += k;
                *line += k;
                *pp = stop;
                backoff = 0;
                continue;
            }
            backoff = backoff ? (backoff < 64 ? 2 * backoff : 64) : 1;
            wait = backoff;
        } else if (wait) {
            wait--;
        }
        if (trace_careful_lines(s, pp, *pp + 1, line, n))
            return -1;
    }
    return 0;
}

static inline int trace_is_blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* After the last op the header declares: lines with anything on them
 * are the extra-lines quirk; a NUL byte still means it is not text. */
static int trace_scan_extra(trace_scan *s, const char *p, uint64_t line)
{
    const char *end = s->end;
    const char *nul = memchr(p, '\0', (size_t)(end - p));
    if (nul)
        return trace_fail(s->err, s->path,
                          line + trace_line_at(p, (size_t)(nul - p)) - 1,
                          "not a text file (NUL byte at offset %zu)",
                          (size_t)(nul - s->text));
    while (p < end) {
        while (p < end && trace_is_blank(*p))
            p++;
        if (p == end)
            break;
        if (*p != '\n')
            trace_note_quirk(&s->q, TRACE_Q_EXTRA, line);
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        if (!nl)
            break;
        p = nl + 1;
        line++;
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* The scan                                                            */

/* The chunks from REGION (a line start) on, tokenised by one or two
 * threads and checked here in order; *PP, *LINE, *N follow. */
static int trace_scan_chunks(trace_scan *s, const char *region,
                             const char **pp, uint64_t *line, size_t *n)
{
    trace_work w;
    memset(&w, 0, sizeof w);
    w.text = s->text;
    w.end = s->end;
    w.ops = s->t->ops;
    w.cap = s->cap;
    w.num_ids = s->t->num_ids;
    w.chunk_bytes =
        trace_config.chunk_bytes ? trace_config.chunk_bytes : TRACE_CHUNK_BYTES;
    w.portable = trace_config.portable;
    w.next = region;
    w.next_slot = *n;
    /* Every chunk but the last has chunk_bytes bytes at least. */
    w.max_chunks = (size_t)(s->end - region) / w.chunk_bytes + 1;
    w.chunks = calloc(w.max_chunks, sizeof *w.chunks);
    if (!w.chunks)
        return trace_fail(s->err, s->path, *line,
                          "out of memory for the scan of %zu bytes",
                          (size_t)(s->end - region));
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.cv, NULL);
    pthread_t tid;
    int worker = trace_want_worker((size_t)(s->end - region)) &&
                 trace_start_worker(&w, &tid) == 0;
    /* The op array's pages are faulted in here, by this thread, while the
     * other one starts tokenising: when both fault pages of a fresh
     * mapping, the second thread's faults were measured to cost three
     * times as much (in a VM a page new to a CPU can be new to the host).
     * The array is no larger than the header declares, or the text can
     * hold. */
    if (worker && s->t->ops_mapped)
        trace_table_populate(s->t->ops, s->cap * sizeof *s->t->ops);

    trace_op *ops = s->t->ops;
    const size_t want = s->t->num_ops;
    int rc = 0;
    *pp = region;
    for (size_t i = 0; *n < want; i++) {
        trace_chunk *c = trace_ready(&w, i);
        if (!c)
            break;
        size_t k = c->fast;
        /* Never true (each line holds one op at most); checked because a
         * mistake here would move ops up over others. */
        if (c->slot < *n) {
            rc = trace_fail(s->err, s->path, *line,
                            "internal error: chunk slot %zu below op %zu",
                            c->slot, *n);
            break;
        }
        w.stats.chunk_lines += k;
        if (k) {
            /* Blank lines earlier put the chunk's ops above their index;
             * the ops below are all in place and checked. */
            if (c->slot != *n)
                memmove(ops + *n, ops + c->slot, k * sizeof *ops);
            if (trace_check_block(s, ops + *n, k, *line)) {
                rc = -1;
                break;
            }
            *n += k;
            *line += k;
        }
        *pp = c->stop;
        if (trace_scan_rest(s, &w, pp, c->end, line, n)) {
            rc = -1;
            break;
        }
    }

    pthread_mutex_lock(&w.mu);
    w.quit = 1;
    pthread_mutex_unlock(&w.mu);
    if (worker)
        pthread_join(tid, NULL);
    pthread_cond_destroy(&w.cv);
    pthread_mutex_destroy(&w.mu);
    free(w.chunks);
    if (trace_config.stats) {
        trace_config.stats->chunk_lines += w.stats.chunk_lines;
        trace_config.stats->rest_lines += w.stats.rest_lines;
    }
    return rc;
}

int trace_scan_ops(trace_scan *s, const char *p, uint64_t line)
{
    trace *t = s->t;
    const size_t want = t->num_ops;
    size_t n = 0;
    if (want > 0) {
        /* The rest of the header's last line, where an op may sit. */
        const char *nl = memchr(p, '\n', (size_t)(s->end - p));
        const char *region = nl ? nl + 1 : s->end;
        if (trace_careful_lines(s, &p, region, &line, &n))
            return -1;
        if (n < want && p < s->end &&
            trace_scan_chunks(s, region, &p, &line, &n))
            return -1;
        if (n < want)
            return trace_fail(s->err, s->path, line,
                              "the file ends after %zu of the %zu ops its "
                              "header declares",
                              n, want);
    }
    t->max_request = s->y.max_request;
    memcpy(t->count, s->y.count, sizeof t->count);
    t->peak_payload =
        s->y.peak > UINT64_MAX ? UINT64_MAX : (uint64_t)s->y.peak;
    return trace_scan_extra(s, p, line);
}
