/*
 * tg_math.c: the natural logarithm and exponential that the trace
 * generators draw their size distributions with (declared in
 * tracegen.h). They use + - * / only, never libm, so that a seed gives
 * the same bytes on every machine and C library.
 */
#include "tracegen.h"

#define TG_LN2 0.69314718055994530942
#define TG_SQRT_HALF 0.70710678118654752440

/* x = m * 2^e with m in [sqrt(1/2), sqrt(2)); exact (only the exponent
 * changes). */
static double tg_split(double x, int *e)
{
    int k = 0;
    while (x >= 1.4142135623730951) {
        x *= 0.5;
        k++;
    }
    while (x < TG_SQRT_HALF) {
        x *= 2.0;
        k--;
    }
    *e = k;
    return x;
}

double tg_ln(double x)
{
    if (!(x > 0))
        return -1e308; /* callers never pass it: tg_unit excludes 0 */
    int e;
    double m = tg_split(x, &e);
    /* ln m = 2 atanh(s), s = (m-1)/(m+1), |s| < 0.172: 12 terms reach
     * double precision. */
    double s = (m - 1.0) / (m + 1.0), s2 = s * s, term = s, sum = 0.0;
    for (int k = 1; k < 40; k += 2) {
        sum += term / k;
        term *= s2;
    }
    return 2.0 * sum + e * TG_LN2;
}

double tg_exp(double x)
{
    if (x > 700)
        x = 700;
    if (x < -700)
        return 0.0;
    double kd = x / TG_LN2;
    int k = (int)(kd < 0 ? kd - 0.5 : kd + 0.5);
    double r = x - k * TG_LN2, term = 1.0, sum = 1.0;
    for (int i = 1; i < 25; i++) {
        term *= r / i;
        sum += term;
    }
    while (k > 0) {
        sum *= 2.0;
        k--;
    }
    while (k < 0) {
        sum *= 0.5;
        k++;
    }
    return sum;
}

