/*
 * strutil.h - small string helpers shared by the library: UTF-8 checks,
 * edit distance for "did you mean" hints, and lower-casing of ids.
 */
#ifndef TLPRESS_STRUTIL_H
#define TLPRESS_STRUTIL_H

#include <stddef.h>

/*
 * Check that s[0..n) is well-formed UTF-8 (no overlong forms, no
 * surrogates, nothing above U+10FFFF). Returns -1 when it is, else the
 * offset of the first bad byte.
 */
long tlpress_utf8_check(const char *s, size_t n);

/* Decode one code point at s (n bytes left, valid UTF-8 assumed); stores
 * the code point and returns the length, 1 to 4. */
int tlpress_utf8_decode(const char *s, size_t n, unsigned *cp);

/* Levenshtein distance with adjacent transpositions, capped at `cap`+1. */
unsigned tlpress_edit_distance(const char *a, const char *b, unsigned cap);

/* The candidate closest to word (distance at most 2, or a prefix match),
 * or NULL. */
const char *tlpress_closest(const char *word, const char *const *candidates);

/* ASCII lower-case copy of s into buf (size bytes, always terminated). */
void tlpress_ascii_lower(const char *s, char *buf, size_t size);

/* 1 when s (n bytes) holds a line break (LF, CR, U+2028, U+2029 or
 * U+0085). */
int tlpress_has_newline(const char *s, size_t n);

/* 1 when code point cp is a control character that has no place in text:
 * C0 other than TAB, LF, CR; DEL; C1. */
int tlpress_is_bad_control(unsigned cp);

#endif
