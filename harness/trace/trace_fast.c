/*
 * trace_fast.c: the loader's fast tokeniser and its newline count.
 *
 * Where it sits: inside the op scan (trace_scan.c), between the text and
 * the op array. A chunk of text is cut into lines by a newline bitmap,
 * and each line of the one shape nearly every trace line has, `a 12
 * 345`, `r 12 345` or `f 12` with single spaces, short numbers and an id
 * in range, becomes an op here without a branch per byte. The first line
 * of any other shape stops the tokeniser, and the careful scanner in
 * trace.c takes over from it; so nothing here reports errors, and a line
 * taken here must read exactly as the careful scanner would read it.
 *
 * Why the line ends are found first: parsing a line to find where the
 * next one starts chains every line to the one before it, and that chain
 * of loads and bit scans, not the work, set the old scanner's pace. With
 * both ends of a line known from the bitmap, the id is read from the
 * start and the size from the end, and lines overlap in the CPU.
 *
 * Two builds of the same code: SSE2 (every x86-64) and plain 64-bit
 * words for the rest; the tests run both (trace_scan_tune).
 */
#include "trace_impl.h"

#include <string.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#define TRACE_HAVE_SSE2 1
#else
#define TRACE_HAVE_SSE2 0
#endif

#define TRACE_ONES 0x0101010101010101ULL

_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__,
               "the tokeniser reads digits little-endian");

/* ------------------------------------------------------------------ */
/* Newline bitmaps                                                     */

/* Bit i set when byte i of the 8 at P is a newline. Exact: the
 * zero-byte test used has no false hits above a real one. */
static inline uint64_t trace_nl8_word(const char *p)
{
    uint64_t w;
    memcpy(&w, p, 8);
    uint64_t x = w ^ (0x0A * TRACE_ONES);
    uint64_t y = ((x & 0x7F * TRACE_ONES) + 0x7F * TRACE_ONES) | x;
    uint64_t hi = ~y & 0x80 * TRACE_ONES;
    /* Gather the eight top bits into one byte. */
    return ((hi >> 7) * 0x0102040810204080ULL) >> 56;
}

static inline uint64_t trace_nl64_word(const char *p)
{
    uint64_t m = 0;
    for (int i = 0; i < 8; i++)
        m |= trace_nl8_word(p + 8 * i) << (8 * i);
    return m;
}

#if TRACE_HAVE_SSE2
static inline uint64_t trace_nl64_sse2(const char *p)
{
    const __m128i nl = _mm_set1_epi8('\n');
    uint64_t m = 0;
    for (int i = 0; i < 4; i++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(p + 16 * i));
        m |= (uint64_t)(uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(v, nl))
             << (16 * i);
    }
    return m;
}
#endif

/* ------------------------------------------------------------------ */
/* Newline count                                                       */

static size_t trace_count_nl_word(const char *p, const char *end)
{
    size_t n = 0;
    for (; end - p >= 8; p += 8)
        n += (size_t)__builtin_popcountll(trace_nl8_word(p));
    for (; p < end; p++)
        n += *p == '\n';
    return n;
}

#if TRACE_HAVE_SSE2
/* Each compare gives -1 per newline byte; subtracting it counts in byte
 * lanes, which are summed (psadbw) before any of them can wrap. */
static size_t trace_count_nl_sse2(const char *p, const char *end)
{
    const __m128i nl = _mm_set1_epi8('\n'), zero = _mm_setzero_si128();
    size_t n = 0;
    while (end - p >= 16) {
        size_t blocks = (size_t)(end - p) / 16;
        if (blocks > 255)
            blocks = 255;
        __m128i acc = zero;
        for (size_t i = 0; i < blocks; i++, p += 16)
            acc = _mm_sub_epi8(
                acc, _mm_cmpeq_epi8(
                         _mm_loadu_si128((const __m128i *)(const void *)p),
                         nl));
        __m128i sum = _mm_sad_epu8(acc, zero);
        n += (size_t)_mm_cvtsi128_si32(sum) +
             (size_t)_mm_cvtsi128_si32(_mm_srli_si128(sum, 8));
    }
    return n + trace_count_nl_word(p, end);
}
#endif

size_t trace_count_newlines(const char *p, const char *end, int portable)
{
#if TRACE_HAVE_SSE2
    if (!portable)
        return trace_count_nl_sse2(p, end);
#endif
    (void)portable;
    return trace_count_nl_word(p, end);
}

/* ------------------------------------------------------------------ */
/* Lines                                                               */

/* A nonzero byte for each byte of W that is not a decimal digit. No
 * carry crosses bytes, so it is exact in both directions. */
static inline uint64_t trace_nondigits(uint64_t w)
{
    uint64_t x = w ^ (0x30 * TRACE_ONES);
    return (x & 0xF0 * TRACE_ONES) |
           (((x & 0x0F * TRACE_ONES) + 0x06 * TRACE_ONES) & 0x10 * TRACE_ONES);
}

/* The value of the digits in the top bytes of V (digit values, not
 * characters, most significant lowest, zero bytes below them): pairs,
 * fours, eights, in three multiplies. */
static inline uint64_t trace_digits_value(uint64_t v)
{
    v = (v * 10 + (v >> 8)) & 0x00FF00FF00FF00FFULL;
    v = (v * 100 + (v >> 16)) & 0x0000FFFF0000FFFFULL;
    return (v * 10000 + (v >> 32)) & 0xFFFFFFFFULL;
}

#if TRACE_HAVE_SSE2
/* trace_digits_value of A and B at once, in SSE2 lanes: pairs by a
 * 16-bit multiply, fours by a multiply-add, eights by a 32-bit
 * multiply. */
static inline void trace_digits_value2(uint64_t a, uint64_t b, uint64_t *va,
                                       uint64_t *vb)
{
    __m128i v = _mm_set_epi64x((long long)b, (long long)a);
    __m128i hi = _mm_and_si128(v, _mm_set1_epi16(0x00FF));
    __m128i pairs = _mm_add_epi16(_mm_mullo_epi16(hi, _mm_set1_epi16(10)),
                                  _mm_srli_epi16(v, 8));
    __m128i fours = _mm_madd_epi16(pairs, _mm_set1_epi32(0x00010064));
    __m128i eights = _mm_add_epi64(
        _mm_mul_epu32(fours, _mm_set1_epi32(10000)), _mm_srli_epi64(fours, 32));
    *va = (uint64_t)_mm_cvtsi128_si64(eights);
    *vb = (uint64_t)_mm_cvtsi128_si64(_mm_unpackhi_epi64(eights, eights));
}
#endif

/* The two characters that start an op line, as one little-endian word. */
#define TRACE_START(c) ((unsigned)(c) | (unsigned)' ' << 8)

/* Reads the line from S to E (its newline), which has 10 readable bytes
 * after S and 8 before E. Fills *OP and returns nonzero when the line is
 * one the fast path takes.
 *
 * The id is the run of digits at S+2 (at most 7: the 8th byte is made a
 * non-digit), the size the run of digits that ends the line (at most 7,
 * the same way), a CR before the newline allowed. An 'f' line must end
 * right after its id, an 'a' or 'r' line must have exactly one space
 * between the two runs. Everything is computed, then checked once. */
__attribute__((always_inline))
static inline int trace_fast_line(const char *s, const char *e,
                                  uint64_t num_ids, trace_op *op, int simd)
{
    e -= e[-1] == '\r';
    uint64_t w1, w2;
    memcpy(&w1, s + 2, 8);
    memcpy(&w2, e - 8, 8);
    /* XOR with '0' turns each digit into its value. */
    uint64_t v1 = w1 ^ 0x30 * TRACE_ONES, v2 = w2 ^ 0x30 * TRACE_ONES;

    /* Bit offset of the first non-digit byte of W1 (a multiple of 8). A
     * cheaper test than trace_nondigits, exact for the lowest byte it
     * flags, which is all that is used: a carry only runs upwards. */
    uint64_t odd1 = ((w1 + 0x46 * TRACE_ONES) | (w1 - 0x30 * TRACE_ONES)) &
                    0x80 * TRACE_ONES;
    unsigned id_bits = (unsigned)__builtin_ctzll(odd1 | 0x80ULL << 56) & ~7u;
    /* Two shifts, so that no digit at all shifts by 56 and 8, not 64. */
    uint64_t id_digits = (v1 << (56 - id_bits)) << 8;
    /* Bit offset of the last non-digit byte of W2; the digits above it. */
    unsigned low_bits =
        (unsigned)(63 - __builtin_clzll(trace_nondigits(w2) | 0x80)) & ~7u;
    uint64_t size_digits = v2 & (~0ULL << low_bits) << 8;
    uint64_t id, size;
#if TRACE_HAVE_SSE2
    if (simd) {
        trace_digits_value2(id_digits, size_digits, &id, &size);
    } else
#endif
    {
        (void)simd;
        id = trace_digits_value(id_digits);
        size = trace_digits_value(size_digits);
    }

    uint16_t start;
    memcpy(&start, s, 2);
    const char *id_end = s + 2 + id_bits / 8;
    int is_f = start == TRACE_START('f');
    int is_ar = (start == TRACE_START('a')) | (start == TRACE_START('r'));
    /* An f ends at its id; an a or r has one space and 1-7 digits more. */
    int ok = (is_f & (id_end == e)) |
             (is_ar & (*id_end == ' ') & (id_end + 8 - low_bits / 8 == e) &
              (low_bits != 56));
    ok &= (id_bits != 0) & (id < num_ids);
    op->size = is_f ? 0 : size;
    op->id = (uint32_t)id;
    op->kind = TRACE_KIND_OF(start);
    return ok;
}

/* The loop of trace_fast_lines for one way of finding newlines. */
#define TRACE_FAST_LOOP(nl64, simd)                                        \
    do {                                                                   \
        for (const char *b = p; b < limit && end - b >= 64 + 16;          \
             b += 64) {                                                    \
            uint64_t m = nl64(b);                                          \
            if (limit - b < 64)                                            \
                m &= ((uint64_t)1 << (limit - b)) - 1;                     \
            while (m) {                                                    \
                const char *e = b + __builtin_ctzll(m);                    \
                m &= m - 1;                                                \
                if (n == max ||                                            \
                    !trace_fast_line(s, e, num_ids, ops + n, simd))        \
                    goto done;                                             \
                n++;                                                       \
                s = e + 1;                                                 \
            }                                                              \
        }                                                                  \
    } while (0)

size_t trace_fast_lines(const char *p, const char *limit, const char *end,
                        uint64_t num_ids, trace_op *ops, size_t max,
                        int portable, const char **stop)
{
    const char *s = p;
    size_t n = 0;
#if TRACE_HAVE_SSE2
    if (!portable)
        TRACE_FAST_LOOP(trace_nl64_sse2, 1);
    else
#endif
        TRACE_FAST_LOOP(trace_nl64_word, 0);
    (void)portable;
done:
    *stop = s;
    return n;
}
