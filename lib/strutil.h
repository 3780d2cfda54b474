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

/* The length of the run of printable ASCII (0x20 to 0x7E) that s[0..n)
 * starts with, read eight bytes at a time: the fast path of the scans that
 * look for what is not. */
size_t tlpress_printable_run(const char *s, size_t n);

/* Decode one code point at s (n bytes left, valid UTF-8 assumed); stores
 * the code point and returns the length, 1 to 4. */
int tlpress_utf8_decode(const char *s, size_t n, unsigned *cp);

/* Levenshtein distance with adjacent transpositions, capped at `cap`+1. */
unsigned tlpress_edit_distance(const char *a, const char *b, unsigned cap);

/* 1 when a configuration key's name says it holds a secret ("password",
 * "smtp_pass", "api_token", "secret"...): secrets never go in tlpress.yml,
 * and such a key gets that said instead of "unknown key". */
int tlpress_secret_key_name(const char *key);

/* The candidate closest to word (distance at most 2, or a prefix match),
 * or NULL. */
const char *tlpress_closest(const char *word, const char *const *candidates);

/* ASCII lower-case copy of s into buf (size bytes, always terminated). */
void tlpress_ascii_lower(const char *s, char *buf, size_t size);

/* prefix and v, in at least `digits` decimal digits, into buf: what
 * snprintf() makes of "%s%0*d" ("CSAFPID-0007", the id of every product
 * a CSAF or CVRF document names; an ordinal), without its cost */
void tlpress_prefixed_num(char *buf, size_t size, const char *prefix, int v, unsigned digits);

/* 1 when s (n bytes) holds a line break (LF, CR, U+2028, U+2029 or
 * U+0085). */
int tlpress_has_newline(const char *s, size_t n);

/* 1 when code point cp is a control character that has no place in text:
 * C0 other than TAB, LF, CR; DEL; C1. */
int tlpress_is_bad_control(unsigned cp);

/* 0 when s is a BCP 47 language tag (nl, fr, en, nl-BE, ...). */
int tlpress_lang_valid(const char *s);

/* 0 when s is an http or https URL with a host, no user name or password
 * before it, and no white space, quote, '<', '>', backslash or control
 * character; else -1 with *why saying what is wrong. */
int tlpress_url_valid(const char *s, const char **why);

struct tlpress_buf;
/*
 * Append s to out without the characters that have no place in published
 * text: the bidirectional overrides and isolates (U+202A-U+202E,
 * U+2066-U+2069), which can make text display other than it reads, and
 * the characters XML 1.0 forbids (C0 controls but TAB, LF and CR; U+FFFE,
 * U+FFFF). s must be valid UTF-8.
 */
void tlpress_text_clean(const char *s, size_t n, struct tlpress_buf *out);

/* 1 when s is a CWE id the CSAF and CVRF schemas accept: CWE-[1-9]\d{0,5}
 * (the advisory format takes longer ones, which these renditions leave
 * out). */
int tlpress_cwe_schema_ok(const char *s);

/* qsort(), after a look at whether v is in order already (lists read back
 * in the order they were written, files scanned by name): then n - 1
 * comparisons, not n log n and the moves. */
void tlpress_sort(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* A stable sort that merges the ascending runs v holds already (a natural
 * merge sort): n - 1 comparisons when v is sorted, about n log2(runs) when
 * it is a few sorted runs one after another (a manifest's files added kind
 * by kind: the pages, then the CVRF documents ...), n log2 n at worst. It
 * sorts an index and then moves each element once. 0, or -1 when memory
 * ran out or n passes 2^32 - 1 (v is then as it was). */
int tlpress_sort_runs(void *v, size_t n, size_t size, int (*cmp)(const void *, const void *));

/* bsearch() for keys that mostly come in ascending order (the files of one
 * advisory after another's): it starts at *hint, the place of the last key
 * found, and gallops forward, so a key found a few places on costs a few
 * comparisons, not log2(n). A key before *hint, or *hint >= n, is searched
 * for in the whole array. The found element, with *hint set to its place,
 * or NULL. */
void *tlpress_search_near(const void *key, const void *v, size_t n, size_t size,
			  int (*cmp)(const void *, const void *), size_t *hint);

#endif
