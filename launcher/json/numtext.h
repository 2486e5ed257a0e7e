/* numtext.h: numbers as printed text. Turns a numeric token from a program's output or a
 * report ("0.2500", "3", "1e-3", "nan", "-inf") into the exact text Python's json.dump
 * writes for the value Python would read (int stays int, float as repr). */
#ifndef SR_NUMTEXT_H
#define SR_NUMTEXT_H

#include <stddef.h>

enum { NUMTEXT_MAX = 40 };

/* Writes the JSON text of the number spelled by s[0..n) to out; returns its length, or 0
 * if s is not a number. *is_int tells whether it is an integer. */
size_t numtext_json(const char *s, size_t n, char out[NUMTEXT_MAX], int *is_int);

/* The length of the numeric token at the start of s (sign, digits, '.', exponent, or
 * nan/inf/infinity), 0 if none. */
size_t numtext_span(const char *s, size_t n);

#endif
