/*
 * jsonout.h - JSON text of a jansson value, as json_dumps() writes it with
 * JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(3), byte for byte
 *
 * jansson's own dumper goes through a callback per fragment and a UTF-8
 * decoder per character: a fifth of a CSAF document's cost. This one
 * writes straight into a tlpress_buf, scanning strings for the few bytes
 * JSON needs escaped (the strings of a json_t are valid UTF-8 already).
 * tests/unit/test_jsonout.c holds it to json_dumps() on random trees.
 */
#ifndef TLPRESS_JSONOUT_H
#define TLPRESS_JSONOUT_H

#include <jansson.h>

#include "buf.h"

/* Append v (an object or an array) to out, laid out with `indent` spaces
 * a level (0: on one line, as JSON_COMPACT is not: ", " and ": "), with
 * `depth` levels of indentation already around it. -1 when v is not an
 * object or array or nests deeper than 2048 levels; out->failed when
 * memory ran out. */
int tlpress_json_write(const json_t *v, int indent, int depth, struct tlpress_buf *out);

/* The JSON string of s[0..n) (valid UTF-8), quoted and escaped as above,
 * appended to out: for a writer that lays out a few members of its own
 * rather than build a json_t for them (lib/csaf.c's ROLIE entries). */
void tlpress_json_string(struct tlpress_buf *out, const char *s, size_t n);

#endif
