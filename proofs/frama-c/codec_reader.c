/*
 * The unit WP proves the reader's contracts in: read.h and read.c themselves, as compiled, and five
 * lemmas of arithmetic that the provers need spelled out (each proved here, from nothing).
 */

/*@
  // The elements of a list: element i (i < count) ends no later than the list does.
  lemma sb_elem_inside: \forall integer i, count, step;
    0 <= i < count && 0 <= step ==> i * step + step <= count * step;
  // Bits that end, k words before the end of n words, start in a word before n - k.
  lemma sb_word_of_bit: \forall integer x, k, n;
    0 <= x && x + 64 * k <= 64 * n ==> x / 64 + k <= n;
  // A product of two 32-bit values does not wrap in 64 bits (the tag's count times its size).
  lemma sb_mul_32: \forall integer a, b;
    0 <= a <= 4294967295 && 0 <= b <= 4294967295 ==> 0 <= a * b <= 18446744073709551615;
  // Elements of e words each, n of them in c words, take at most c words' bits.
  lemma sb_elems_fit: \forall integer n, e, c;
    0 <= n && 0 <= e && n * e <= c ==> n * (e * 64) <= 64 * c;
  // Rounding bits up to whole words covers them.
  lemma sb_round_up: \forall integer x; 0 <= x ==> x <= 64 * ((x + 63) / 64);
*/

#include "../../codec/src/read.c"
