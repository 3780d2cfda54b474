/* test_jsonout.c - tlpress_json_write() writes what json_dumps() writes
 * with JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(3), on fixed
 * cases and on random trees (strings with every control character,
 * UTF-8, reals, nesting, empty containers, many keys). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "harness.h"
#include "jsonout.h"

#define FLAGS (JSON_INDENT(2) | JSON_SORT_KEYS | JSON_REAL_PRECISION(3))

#define rnd harness_rnd

static json_t *rstring(void)
{
	static const char *const pieces[] = { "a", "Z", " ", "\"", "\\", "/", "\n", "\r", "\t",
					       "\b", "\f", "\x01", "\x1f", "\x7f", "é", "€", "😀",
					       "</script>", "key", "0" };
	char s[64] = "";
	size_t n = 0, k = rnd(6);

	while (k--) {
		const char *p = pieces[rnd(sizeof(pieces) / sizeof(pieces[0]))];
		size_t l = strlen(p);

		if (n + l >= sizeof(s))
			break;
		memcpy(s + n, p, l);
		n += l;
	}
	if (rnd(10) == 0 && n + 1 < sizeof(s)) /* an embedded NUL */
		return json_stringn(s, n + 1);
	s[n] = '\0';
	return json_string(s);
}

static json_t *rvalue(int depth)
{
	static const double reals[] = { 0.0, 9.8, 10.0, 7.5, -1.25, 1e-7, 123456789.0, 1e300,
					0.1, 5.0, 3.14159 };
	unsigned t = depth > 5 ? rnd(6) : rnd(8);
	json_t *v;
	unsigned i, n;

	switch (t) {
	case 0: return rstring();
	case 1: return json_integer((json_int_t)rnd(1000000) - 500000);
	case 2: return json_real(reals[rnd(sizeof(reals) / sizeof(reals[0]))]);
	case 3: return json_true();
	case 4: return json_false();
	case 5: return json_null();
	case 6:
		v = json_array();
		n = rnd(5);
		for (i = 0; i < n; i++)
			json_array_append_new(v, rvalue(depth + 1));
		return v;
	default:
		v = json_object();
		n = rnd(depth ? 6 : 40);
		for (i = 0; i < n; i++) {
			json_t *k = rstring();
			const char *ks = json_string_value(k);

			if (strlen(ks) == json_string_length(k))
				json_object_set_new(v, ks, rvalue(depth + 1));
			json_decref(k);
		}
		return v;
	}
}

static int same(json_t *v, int indent_depth)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	char *want = json_dumps(v, FLAGS);
	int r;

	r = tlpress_json_write(v, 2, indent_depth, &b) == 0 && !b.failed && want &&
	    !strcmp(b.ptr, want);
	if (!r)
		printf("# want:\n%s\n# got:\n%s\n", want ? want : "(null)", b.ptr);
	free(want);
	tlpress_buf_release(&b);
	return r;
}

int main(void)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	json_t *v;
	int i, bad = 0;

	v = json_pack("{s:s,s:i,s:f,s:f,s:b,s:n,s:[],s:{},s:[i,s]}", "b", "x\"y\\z\n\x01",
		      "a", 42, "r", 9.8, "t", 10.0, "f", 0, "n", "e", "o", "l", 1, "é");
	OK(same(v, 0), "a fixed object: keys sorted, escapes, 9.8 and 10.0, empty containers");
	json_decref(v);
	v = json_loads("[1, [2, {\"k\": [true]}], {}]", 0, NULL);
	OK(same(v, 0), "nested arrays and objects");
	tlpress_buf_reset(&b);
	OK(tlpress_json_write(v, 0, 0, &b) == 0 && !strcmp(b.ptr, "[1, [2, {\"k\": [true]}], {}]"),
	   "on one line without indentation");
	json_decref(v);
	tlpress_buf_reset(&b);
	v = json_string("x");
	OK(tlpress_json_write(v, 2, 0, &b) == -1, "a bare string is refused, as json_dumps does");
	json_decref(v);
	v = json_pack("{s:{s:i}}", "x", "y", 1);
	tlpress_buf_reset(&b);
	OK(tlpress_json_write(v, 2, 3, &b) == 0 &&
	   !strcmp(b.ptr, "{\n        \"x\": {\n          \"y\": 1\n        }\n      }"),
	   "written three levels in: every line break indented for its place");
	json_decref(v);
	for (i = 0; i < 3000; i++) {
		v = rvalue(0);
		if ((json_is_object(v) || json_is_array(v)) && !same(v, 0))
			bad++;
		json_decref(v);
	}
	INT_EQ(bad, 0, "3,000 random trees: byte-identical to json_dumps");
	tlpress_buf_release(&b);
	return harness_done();
}
