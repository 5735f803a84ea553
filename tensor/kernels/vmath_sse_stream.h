/* tensor/kernels/vmath_sse_stream.h — the 4-lane f32 operations of the plain
 * streaming kernels (+ - * /, relu), shared by the AVX2 and AVX-512 paths:
 * on Zen 4 a DRAM-bound add streams fastest 128 bits at a time (see
 * vmath_template.h). Included by a path's file before vmath_template.h. */
#define S __m128
#define SL 4
#define s_load(p) _mm_loadu_ps(p)
#define s_store(p, x) _mm_storeu_ps(p, x)
#define s_stream(p, x) _mm_stream_ps(p, x)
#define s_set1(s) _mm_set1_ps(s)
#define s_add(a, b) _mm_add_ps(a, b)
#define s_sub(a, b) _mm_sub_ps(a, b)
#define s_mul(a, b) _mm_mul_ps(a, b)
#define s_div(a, b) _mm_div_ps(a, b)
#define s_relu(x) _mm_andnot_ps(_mm_cmplt_ps(x, _mm_setzero_ps()), x) /* x < 0: 0 */
