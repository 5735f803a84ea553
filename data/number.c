/* data/number.c — reading and writing numbers, quantiles.
 *
 * Reading CSV is mostly reading numbers, so nb__parse_double checks the
 * grammar itself and takes Clinger's fast path: when the decimal significand
 * has at most 19 digits, fits in 53 bits, and the power of ten is at most 22
 * either way, both are exact doubles and one multiplication or division
 * rounds correctly. Anything else goes to strtod (correctly rounded in
 * glibc), which sees only text our grammar has already accepted. */
#include "internal.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const double pow10_exact[23] = {
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
    1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static bool is_blank(char c) { return c == ' ' || c == '\t'; }

static bool lower_eq(const char *s, size_t len, const char *word)
{
    size_t n = strlen(word);
    if (len != n) return false;
    for (size_t i = 0; i < n; i++) {
        char c = s[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a');
        if (c != word[i]) return false;
    }
    return true;
}

static bool parse_special(const char *s, size_t len, bool neg, double *out)
{
    if (lower_eq(s, len, "inf") || lower_eq(s, len, "infinity")) {
        *out = neg ? -INFINITY : INFINITY;
        return true;
    }
    if (lower_eq(s, len, "nan")) {
        *out = NAN;
        return true;
    }
    return false;
}

/* Validates [digits][.digits][e[+-]digits] in s[0..len) and gathers the
 * first 19 significant digits; *exact is false when more were dropped. */
static bool scan_decimal(const char *s, size_t len, uint64_t *mant, int64_t *exp10, bool *exact)
{
    size_t i = 0, ndig = 0, nsig = 0;
    uint64_t m = 0;
    int64_t e = 0;
    *exact = true;
    for (int part = 0; part < 2; part++) {
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++, ndig++) {
            if (m == 0 && s[i] == '0') {          /* leading zeros carry no digits */
                if (part) e--;
                continue;
            }
            if (nsig < 19) {
                m = m * 10 + (uint64_t)(s[i] - '0');
                nsig++;
                if (part) e--;
            } else {
                if (!part) e++;
                if (s[i] != '0') *exact = false;
            }
        }
        if (part == 0 && i < len && s[i] == '.') i++;
        else break;
    }
    if (ndig == 0) return false;
    if (i < len && (s[i] == 'e' || s[i] == 'E')) {
        i++;
        bool eneg = i < len && s[i] == '-';
        if (i < len && (s[i] == '+' || s[i] == '-')) i++;
        if (i == len) return false;
        int64_t x = 0;
        for (; i < len && s[i] >= '0' && s[i] <= '9'; i++)
            if (x < 100000) x = x * 10 + (s[i] - '0');
        e += eneg ? -x : x;
    }
    *mant = m;
    *exp10 = e;
    return i == len;
}

bool nb__parse_double(const char *s, size_t len, double *out)
{
    while (len && is_blank(*s)) s++, len--;
    while (len && is_blank(s[len - 1])) len--;
    if (!len) return false;
    const char *start = s;
    bool neg = *s == '-';
    if (*s == '+' || *s == '-') s++, len--;
    if (len && ((*s | 0x20) == 'i' || (*s | 0x20) == 'n')) return parse_special(s, len, neg, out);
    uint64_t m;
    int64_t e;
    bool exact;
    if (!scan_decimal(s, len, &m, &e, &exact)) return false;
    double v;
    if (m == 0) {
        v = 0.0;
    } else if (exact && m <= (1ull << 53) && e >= -22 && e <= 22) {
        v = e >= 0 ? (double)m * pow10_exact[e] : (double)m / pow10_exact[-e];
    } else {
        /* strtod stops at the trailing blanks we trimmed; the text before
         * them is exactly what scan_decimal accepted. */
        v = strtod(start, NULL);
        *out = v;
        return true;
    }
    *out = neg ? -v : v;
    return true;
}

void nb__format_double(char *buf, double x)
{
    if (isnan(x)) { strcpy(buf, "nan"); return; }
    if (isinf(x)) { strcpy(buf, x < 0 ? "-inf" : "inf"); return; }
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(buf, 32, "%.*g", prec, x);
        if (strtod(buf, NULL) == x) return;
    }
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double *nb__present(const double *x, int64_t n, int64_t *m)
{
    double *v = malloc((size_t)(n ? n : 1) * sizeof *v);
    if (!v) {
        nb__error("nb_data: out of memory copying %lld values", (long long)n);
        return NULL;
    }
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++)
        if (!isnan(x[i])) v[k++] = x[i];
    *m = k;
    return v;
}

double *nb__sorted_present(const double *x, int64_t n, int64_t *m)
{
    double *v = nb__present(x, n, m);
    if (v) qsort(v, (size_t)*m, sizeof *v, cmp_double);
    return v;
}

/* Moves the element of rank r (0-based, in sorted order) of v[0..n) to v[r],
 * smaller ones before it and larger ones after: Hoare's selection with a
 * median-of-three pivot, O(n) on average. */
static void select_rank(double *v, int64_t n, int64_t r)
{
    int64_t lo = 0, hi = n - 1;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        double a = v[lo], b = v[mid], c = v[hi];
        double pivot = a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
        int64_t i = lo, j = hi;
        while (i <= j) { /* Hoare partition: v[lo..j] <= pivot <= v[i..hi] */
            while (v[i] < pivot) i++;
            while (v[j] > pivot) j--;
            if (i <= j) {
                double t = v[i];
                v[i++] = v[j], v[j--] = t;
            }
        }
        if (r <= j) hi = j;
        else if (r >= i) lo = i;
        else return; /* j < r < i: v[r] equals the pivot */
    }
}

double nb__quantile_select(double *v, int64_t n, double p)
{
    if (n <= 0) return NAN;
    double h = (double)(n - 1) * p;
    int64_t lo = (int64_t)floor(h);
    if (lo >= n - 1) lo = n - 1;
    select_rank(v, n, lo);
    double frac = h - (double)lo, next = v[lo];
    if (frac == 0 || lo == n - 1) return v[lo];
    for (int64_t i = lo + 1; i < n; i++) next = i == lo + 1 || v[i] < next ? v[i] : next; /* min above */
    return v[lo] + frac * (next - v[lo]);
}

double nb__quantile_sorted(const double *x, int64_t n, double p)
{
    if (n <= 0) return NAN;
    double h = (double)(n - 1) * p;
    int64_t lo = (int64_t)floor(h);
    if (lo >= n - 1) return x[n - 1];
    double frac = h - (double)lo;
    return x[lo] + frac * (x[lo + 1] - x[lo]);
}
