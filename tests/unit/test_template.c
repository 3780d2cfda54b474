/*
 * test_template.c - the Mustache engine: every test of the core Mustache
 * spec ($TLPRESS_SHARED/spec/mustache/, default ../shared), then our own.
 */
#include "harness.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "buf.h"
#include "error.h"
#include "template.h"

static const char *const spec_files[] = {
	"comments", "delimiters", "interpolation", "inverted", "partials",
	"sections"
};

static void run_spec_test(const char *file, json_t *t)
{
	const char *name = json_string_value(json_object_get(t, "name"));
	json_t *tmpl = json_object_get(t, "template");
	json_t *want = json_object_get(t, "expected");
	json_t *partials = json_object_get(t, "partials");
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	struct tlpress_tmplset *set = tlpress_tmplset_new();
	const char *key;
	json_t *p;
	int r = 0;

	if (!name)
		name = "(no name)";
	if (!set || !json_is_string(tmpl) || !json_is_string(want)) {
		OK(0, "%s: %s (malformed test)", file, name);
		tlpress_tmplset_free(set);
		return;
	}
	json_object_foreach(partials, key, p) {
		if (!r)
			r = tlpress_tmplset_add(set, key, json_string_value(p),
						json_string_length(p), &err);
	}
	if (!r)
		r = tlpress_tmplset_add(set, "__test__", json_string_value(tmpl),
					json_string_length(tmpl), &err);
	if (!r)
		r = tlpress_tmplset_render(set, "__test__",
					   json_object_get(t, "data"),
					   TLPRESS_ESCAPE_HTML, &out, &err);
	if (r) {
		OK(0, "%s: %s", file, name);
		DIAG("error %d: %s", r, err.msg);
	} else {
		OK(out.len == json_string_length(want) &&
		   !memcmp(out.ptr, json_string_value(want), out.len),
		   "%s: %s", file, name);
		if (out.len != json_string_length(want) ||
		    memcmp(out.ptr, json_string_value(want), out.len)) {
			DIAG("template '%s'", json_string_value(tmpl));
			DIAG("got  '%s'", out.ptr);
			DIAG("want '%s'", json_string_value(want));
		}
	}
	tlpress_buf_release(&out);
	tlpress_tmplset_free(set);
}

static void test_spec(void)
{
	const char *shared = getenv("TLPRESS_SHARED");
	char path[4096];
	size_t i, k;

	if (!shared || !*shared)
		shared = "../shared";
	for (i = 0; i < sizeof(spec_files) / sizeof(spec_files[0]); i++) {
		json_error_t jerr;
		json_t *doc, *tests;

		snprintf(path, sizeof(path), "%s/spec/mustache/%s.json",
			 shared, spec_files[i]);
		doc = json_load_file(path, 0, &jerr);
		tests = json_object_get(doc, "tests");
		OK(json_is_array(tests) && json_array_size(tests) > 0,
		   "spec file %s.json loads (%s)", spec_files[i], path);
		if (!json_is_array(tests))
			DIAG("%s: %s", path, jerr.text);
		for (k = 0; k < json_array_size(tests); k++)
			run_spec_test(spec_files[i], json_array_get(tests, k));
		json_decref(doc);
	}
}

/* ---- helpers for our own tests ---- */

static struct tlpress_tmplset *set_of(const char *const *pairs)
{
	struct tlpress_tmplset *set = tlpress_tmplset_new();
	struct tlpress_error err = TLPRESS_ERROR_INIT;

	for (; set && pairs && pairs[0]; pairs += 2)
		if (tlpress_tmplset_add(set, pairs[0], pairs[1],
					strlen(pairs[1]), &err)) {
			DIAG("cannot add '%s': %s", pairs[0], err.msg);
			tlpress_tmplset_free(set);
			return NULL;
		}
	return set;
}

/* Render `main` from the templates `pairs` with the JSON `data`; returns a
 * malloc'ed string, or NULL (with *code) on error. */
static char *render_str(const char *const *pairs, const char *data,
			enum tlpress_escape esc, int *code,
			struct tlpress_error *err)
{
	struct tlpress_tmplset *set = set_of(pairs);
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	json_t *ctx = data ? json_loads(data, JSON_DECODE_ANY, NULL) : NULL;
	int r;

	if (!set) {
		json_decref(ctx);
		if (code)
			*code = -100;
		return NULL;
	}
	r = tlpress_tmplset_render(set, "main", ctx, esc, &out, err);
	json_decref(ctx);
	tlpress_tmplset_free(set);
	if (code)
		*code = r;
	if (r) {
		tlpress_buf_release(&out);
		return NULL;
	}
	return tlpress_buf_detach(&out, NULL);
}

static void check_render(const char *tmpl, const char *data,
			 enum tlpress_escape esc, const char *want,
			 const char *what)
{
	const char *pairs[] = { "main", tmpl, NULL };
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	char *got = render_str(pairs, data, esc, NULL, &err);

	STR_EQ(got, want, "%s", what);
	free(got);
}

static void check_compile_error(const char *tmpl, int code, const char *msg,
				const char *what)
{
	struct tlpress_tmplset *set = tlpress_tmplset_new();
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	int r = tlpress_tmplset_add(set, "page", tmpl, strlen(tmpl), &err);

	OK(r == code && strstr(err.msg, msg) && !tlpress_tmplset_has(set, "page"),
	   "compile error: %s", what);
	if (!(r == code && strstr(err.msg, msg)))
		DIAG("got %d '%s', want %d with '%s'", r, err.msg, code, msg);
	tlpress_tmplset_free(set);
}

/* ---- our own tests ---- */

static void test_compile_errors(void)
{
	struct tlpress_tmplset *set = tlpress_tmplset_new();
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	const char *src = "<ul>\n{{#products}}\n<li>{{name}}</li>\n";
	char deep[(TLPRESS_TMPL_MAX_NESTING + 1) * 12 + 1];
	size_t i;
	int r;

	r = tlpress_tmplset_add(set, "page", src, strlen(src), &err);
	INT_EQ(r, TLPRESS_EINVAL, "unclosed section is EINVAL");
	STR_EQ(err.msg, "template 'page': line 2: unclosed section 'products'",
	       "unclosed section: message names the template and the line");
	tlpress_tmplset_free(set);

	check_compile_error("a\n{{#a}}\n{{#b}}\nx\n{{/a}}\n", TLPRESS_EINVAL,
			    "template 'page': line 5: close tag 'a' does not match section 'b' opened at line 3",
			    "mismatched close tag");
	check_compile_error("a\r\nb\r\n  {{/a}}\n", TLPRESS_EINVAL,
			    "template 'page': line 3: close tag 'a' without a section",
			    "close tag without a section");
	check_compile_error("x\n\ny {{name\nz\n", TLPRESS_EINVAL,
			    "template 'page': line 3: unclosed tag",
			    "unclosed tag");
	check_compile_error("x {{{name}}\n", TLPRESS_EINVAL,
			    "line 1: unclosed tag: no '}}}'",
			    "unclosed triple mustache");
	check_compile_error("{{=<% %>=}}\n\n<%x}}\n", TLPRESS_EINVAL,
			    "line 3: unclosed tag: no '%>' after '<%'",
			    "unclosed tag after a set delimiter");
	check_compile_error("a\n{{=<%=}}\n", TLPRESS_EINVAL,
			    "line 2: bad set-delimiter tag", "one delimiter");
	check_compile_error("a\n{{=<% %> x=}}\n", TLPRESS_EINVAL,
			    "line 2: bad set-delimiter tag", "three delimiters");
	check_compile_error("a\n{{= =}}\n", TLPRESS_EINVAL,
			    "line 2: bad set-delimiter tag", "no delimiters");
	check_compile_error("a\n{{=<%\n", TLPRESS_EINVAL,
			    "line 2: unclosed tag", "unclosed set-delimiter tag");
	check_compile_error("{{ }}", TLPRESS_EINVAL, "line 1: empty tag name",
			    "empty tag name");
	check_compile_error("\n{{#}}{{/}}", TLPRESS_EINVAL,
			    "line 2: empty tag name", "empty section name");
	check_compile_error("{{a b}}", TLPRESS_EINVAL, "bad tag name 'a b'",
			    "name with a space");
	check_compile_error("{{a..b}}", TLPRESS_EINVAL, "bad name 'a..b'",
			    "dotted name with an empty part");
	check_compile_error("{{.a}}", TLPRESS_EINVAL, "bad name '.a'",
			    "dotted name starting with a dot");
	check_compile_error("{{> }}", TLPRESS_EINVAL, "empty tag name",
			    "partial without a name");

	/* 64 nested sections compile, 65 do not */
	deep[0] = '\0';
	for (i = 0; i < TLPRESS_TMPL_MAX_NESTING; i++)
		strcat(deep, "{{#a}}");
	for (i = 0; i < TLPRESS_TMPL_MAX_NESTING; i++)
		strcat(deep, "{{/a}}");
	set = tlpress_tmplset_new();
	r = tlpress_tmplset_add(set, "page", deep, strlen(deep), &err);
	INT_EQ(r, 0, "sections nested %d deep compile", TLPRESS_TMPL_MAX_NESTING);
	tlpress_tmplset_free(set);
	memmove(deep + 6, deep, strlen(deep) + 1);
	memcpy(deep, "{{#a}}", 6);
	check_compile_error(deep, TLPRESS_ELIMIT, "nested deeper than 64",
			    "nesting over the limit");

	/* a failed add leaves the template of that name in place */
	set = tlpress_tmplset_new();
	r = tlpress_tmplset_add(set, "page", "old {{x}}", 9, &err);
	INT_EQ(r, 0, "add a good template");
	r = tlpress_tmplset_add(set, "page", "new {{#x}}", 10, &err);
	INT_EQ(r, TLPRESS_EINVAL, "a bad replacement fails");
	r = tlpress_tmplset_render(set, "page", NULL, TLPRESS_ESCAPE_HTML,
				   &out, &err);
	STR_EQ(r ? NULL : out.ptr, "old ", "the old template is still there");
	tlpress_buf_reset(&out);
	r = tlpress_tmplset_add(set, "page", "new", 3, &err);
	INT_EQ(r, 0, "a good replacement");
	r = tlpress_tmplset_render(set, "page", NULL, TLPRESS_ESCAPE_HTML,
				   &out, &err);
	STR_EQ(r ? NULL : out.ptr, "new", "the replacement renders");
	tlpress_buf_release(&out);
	tlpress_tmplset_free(set);
}

/* {"n":0,"kids":[{"n":1,"kids":[ ... {"n":depth-1} ... ]}]}, the leaf with
 * "kids":[] when leaf_kids */
static void tree_data(char *data, int depth, int leaf_kids)
{
	int i;

	strcpy(data, "{\"n\":0");
	for (i = 1; i < depth; i++)
		sprintf(data + strlen(data), ",\"kids\":[{\"n\":%d", i);
	if (leaf_kids)
		strcat(data, ",\"kids\":[]");
	for (i = 1; i < depth; i++)
		strcat(data, "}]");
	strcat(data, "}");
}

static void test_recursion_limit(void)
{
	const char *self[] = { "main", "x{{>main}}", NULL };
	const char *mutual[] = { "main", "{{>a}}", "a", "a\n  {{>b}}\n",
				 "b", "b{{#t}}{{>a}}{{/t}}", NULL };
	const char *tree[] = { "main", "{{>node}}",
			       "node", "{{n}}({{#kids}}{{>node}}{{/kids}})", NULL };
	struct tlpress_tmplset *set = set_of(self);
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	char data[4096], *got;
	int r;

	tlpress_buf_adds(&out, "keep");
	r = tlpress_tmplset_render(set, "main", NULL, TLPRESS_ESCAPE_HTML,
				   &out, &err);
	INT_EQ(r, TLPRESS_ELIMIT, "a partial including itself: ELIMIT");
	OK(strstr(err.msg, "partials nested deeper than 64") != NULL,
	   "the message says why (%s)", err.msg);
	STR_EQ(out.ptr, "keep", "out is cut back to its length on entry");
	tlpress_buf_release(&out);
	tlpress_tmplset_free(set);

	got = render_str(mutual, "{\"t\": true}", TLPRESS_ESCAPE_HTML, &r, &err);
	INT_EQ(r, TLPRESS_ELIMIT, "mutually recursive partials: ELIMIT");
	free(got);

	/* 40 levels of data-driven recursion are fine */
	tree_data(data, 40, 1);
	got = render_str(tree, data, TLPRESS_ESCAPE_HTML, &r, &err);
	OK(r == 0 && got && !strncmp(got, "0(1(2(3(", 8) &&
	   strstr(got, "39())))") != NULL, "recursion 40 deep renders");
	free(got);
	/* without "kids": [] in the leaf, {{#kids}} finds its parent's kids
	 * on the context stack, and the recursion would never end */
	tree_data(data, 40, 0);
	got = render_str(tree, data, TLPRESS_ESCAPE_HTML, &r, &err);
	INT_EQ(r, TLPRESS_ELIMIT, "a leaf without kids recurses on its parent's: ELIMIT");
	free(got);
}

/* Work that grows exponentially with the template, not with the output:
 * stopped by the step budget, with a message naming both templates. */
static void test_step_limit(void)
{
	const char *nested[] = { "main",
		"{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}{{#a}}"
		"{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}{{/a}}", NULL };
	const char *twice[] = { "main", "{{>p0}}", "p0", "{{>p1}}{{>p1}}",
		"p1", "{{>p2}}{{>p2}}", "p2", "{{>p3}}{{>p3}}", "p3", "{{>p4}}{{>p4}}",
		"p4", "{{>p5}}{{>p5}}", "p5", "{{>p6}}{{>p6}}", "p6", "{{>p7}}{{>p7}}",
		"p7", "{{>p8}}{{>p8}}", "p8", "{{>p9}}{{>p9}}", "p9", "{{>pa}}{{>pa}}",
		"pa", "{{>pb}}{{>pb}}", "pb", "{{>pc}}{{>pc}}", "pc", "{{>pd}}{{>pd}}",
		"pd", "{{>pe}}{{>pe}}", "pe", "{{>pf}}{{>pf}}", "pf", "{{>pg}}{{>pg}}",
		"pg", "{{>ph}}{{>ph}}", "ph", "{{>pi}}{{>pi}}", "pi", "{{>pj}}{{>pj}}",
		"pj", "{{>pk}}{{>pk}}", "pk", "{{>pl}}{{>pl}}", "pl", "{{>pm}}{{>pm}}",
		"pm", "{{>pn}}{{>pn}}", "pn", "{{>po}}{{>po}}", "po", "{{>pp}}{{>pp}}",
		"pp", "{{>pq}}{{>pq}}", "pq", "{{>pr}}{{>pr}}", "pr", "{{>ps}}{{>ps}}",
		"ps", "{{>pt}}{{>pt}}", "pt", "{{>pu}}{{>pu}}", "pu", "", NULL };
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	char *got;
	int r;

	got = render_str(nested, "{\"a\": [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]}",
			 TLPRESS_ESCAPE_HTML, &r, &err);
	INT_EQ(r, TLPRESS_ELIMIT, "sections nested 10 deep over 10 elements: ELIMIT");
	OK(strstr(err.msg, "template 'main': over 10000000 steps to render, in 'main'") != NULL,
	   "the message names the template (%s)", err.msg);
	free(got);
	got = render_str(twice, NULL, TLPRESS_ESCAPE_HTML, &r, &err);
	INT_EQ(r, TLPRESS_ELIMIT, "30 levels of partials included twice: ELIMIT");
	OK(strstr(err.msg, "over 10000000 steps") != NULL, "the same message (%s)", err.msg);
	free(got);
}

static void test_escaping(void)
{
	const char *data = "{\"x\": \"<a href='u?a=1&b=2'>\\\"q\\\"</a>\"}";

	check_render("{{x}}", data, TLPRESS_ESCAPE_HTML,
		     "&lt;a href=&#39;u?a=1&amp;b=2&#39;&gt;&quot;q&quot;&lt;/a&gt;",
		     "{{x}} escapes & < > \" and '");
	check_render("{{{x}}}|{{&x}}", data, TLPRESS_ESCAPE_HTML,
		     "<a href='u?a=1&b=2'>\"q\"</a>|<a href='u?a=1&b=2'>\"q\"</a>",
		     "{{{x}}} and {{&x}} do not escape");
	check_render("{{x}}", data, TLPRESS_ESCAPE_NONE,
		     "<a href='u?a=1&b=2'>\"q\"</a>",
		     "TLPRESS_ESCAPE_NONE does not escape {{x}}");
	check_render("{{x}}", "{\"x\": \"it's\"}", TLPRESS_ESCAPE_HTML,
		     "it&#39;s", "a lone apostrophe");
	check_render("{{=<% %>=}}<%{x}%>|<%x%>", "{\"x\": \"'\"}",
		     TLPRESS_ESCAPE_HTML, "'|&#39;",
		     "triple mustache with set delimiters");
}

static void test_values(void)
{
	check_render("{{a}}|{{b}}|{{c}}|{{d}}|{{e}}|{{f}}|{{g}}|{{h}}",
		     "{\"a\": 0.1, \"b\": -3, \"c\": 1e21, \"d\": true,"
		     " \"e\": false, \"f\": null, \"g\": {\"k\": 1}, \"h\": [1]}",
		     TLPRESS_ESCAPE_HTML, "0.1|-3|1e+21|true|false|||",
		     "numbers, booleans; nothing for null, objects, arrays");
	check_render("{{a}} {{b}} {{c}}",
		     "{\"a\": 0.30000000000000004, \"b\": 9007199254740993,"
		     " \"c\": 2.5e-8}",
		     TLPRESS_ESCAPE_HTML, "0.30000000000000004 9007199254740993 2.5e-08",
		     "shortest round-trip reals, 64-bit integers");
	check_render("[{{missing}}][{{a.missing}}][{{>missing}}]",
		     "{\"a\": {}}", TLPRESS_ESCAPE_HTML, "[][][]",
		     "missing names and partials render as nothing");
	check_render("{{#s}}S{{/s}}{{#z}}Z{{/z}}{{#o}}O{{/o}}{{^e}}E{{/e}}",
		     "{\"s\": \"\", \"z\": 0, \"o\": {}, \"e\": []}",
		     TLPRESS_ESCAPE_HTML, "SZOE",
		     "\"\", 0 and {} are truthy, [] is falsey");
	check_render("{{.}}", NULL, TLPRESS_ESCAPE_HTML, "",
		     "a NULL context renders names as nothing");
	check_render("", "{}", TLPRESS_ESCAPE_HTML, "", "empty template");
}

static void test_indentation(void)
{
	const char *nested[] = { "main", "a\n  {{>p}}\nz\n",
				 "p", "b\n  {{>q}}\nc\n",
				 "q", "d\n\ne\n", NULL };
	const char *close_bol[] = { "main", "[\n  {{>p}}\n]\n",
				    "p", "{{#s}}x\n{{/s}}y\n", NULL };
	const char *inline_in[] = { "main", "  {{>p}}\n",
				    "p", "a {{>q}}\nb\n", "q", "1\n2", NULL };
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	char *got;
	int r;

	got = render_str(nested, "{}", TLPRESS_ESCAPE_HTML, &r, &err);
	STR_EQ(got, "a\n  b\n    d\n    \n    e\n  c\nz\n",
	       "nested standalone partials add up their indentation");
	free(got);
	got = render_str(close_bol, "{\"s\": [1, 2]}", TLPRESS_ESCAPE_HTML,
			 &r, &err);
	STR_EQ(got, "[\n  x\n  x\n  y\n]\n",
	       "a close tag starting a line in an indented partial");
	free(got);
	got = render_str(inline_in, "{}", TLPRESS_ESCAPE_HTML, &r, &err);
	STR_EQ(got, "  a 1\n2\n  b\n",
	       "an inline partial in an indented one is not indented");
	free(got);
}

static void test_deterministic(void)
{
	const char *pairs[] = {
		"main", "<h1>{{title}}</h1>\n{{#items}}\n  {{>item}}\n{{/items}}\n"
			"{{^items}}none{{/items}}{{! c }}\n",
		"item", "<li>{{name}} {{score}} {{#tags}}[{{.}}]{{/tags}}</li>\n",
		NULL
	};
	const char *data = "{\"title\": \"A & B\", \"items\": ["
		"{\"name\": \"x<1>\", \"score\": 9.5, \"tags\": [\"a\", \"b\"]},"
		"{\"name\": \"y\", \"score\": 7, \"tags\": []}]}";
	const char *want = "<h1>A &amp; B</h1>\n"
		"  <li>x&lt;1&gt; 9.5 [a][b]</li>\n"
		"  <li>y 7 </li>\n\n";
	struct tlpress_tmplset *set = set_of(pairs);
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf a = TLPRESS_BUF_INIT, b = TLPRESS_BUF_INIT;
	json_t *ctx = json_loads(data, 0, NULL);
	int r1, r2;

	r1 = tlpress_tmplset_render(set, "main", ctx, TLPRESS_ESCAPE_HTML, &a, &err);
	r2 = tlpress_tmplset_render(set, "main", ctx, TLPRESS_ESCAPE_HTML, &b, &err);
	OK(!r1 && !r2 && a.len == b.len && !memcmp(a.ptr, b.ptr, a.len),
	   "rendering the same template twice gives the same bytes");
	STR_EQ(a.ptr, want, "and the right ones");
	r1 = tlpress_tmplset_render(set, "main", ctx, TLPRESS_ESCAPE_HTML, &a, &err);
	OK(!r1 && a.len == 2 * b.len && !memcmp(a.ptr + b.len, b.ptr, b.len),
	   "render appends to out");
	tlpress_buf_release(&a);
	tlpress_buf_release(&b);
	json_decref(ctx);
	tlpress_tmplset_free(set);
}

static void test_api(void)
{
	const char *pairs[] = { "main", "0123456789{{x}}", "other", "o", NULL };
	struct tlpress_tmplset *set = set_of(pairs);
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out;
	json_t *ctx = json_pack("{s:s}", "x", "0123456789");
	int r;

	tlpress_tmplset_free(NULL);
	OK(1, "tlpress_tmplset_free(NULL) is harmless");
	OK(tlpress_tmplset_has(set, "main") && tlpress_tmplset_has(set, "other") &&
	   !tlpress_tmplset_has(set, "nope") && !tlpress_tmplset_has(NULL, "main"),
	   "tlpress_tmplset_has");
	tlpress_buf_init(&out, 0);
	r = tlpress_tmplset_render(set, "nope", ctx, TLPRESS_ESCAPE_HTML, &out, &err);
	OK(r == TLPRESS_EINVAL && strstr(err.msg, "'nope'") && out.len == 0,
	   "rendering a missing template is EINVAL");
	r = tlpress_tmplset_add(set, "", "x", 1, &err);
	INT_EQ(r, TLPRESS_EUSAGE, "an empty name is EUSAGE");

	tlpress_buf_init(&out, 15);
	tlpress_buf_adds(&out, "ab");
	r = tlpress_tmplset_render(set, "main", ctx, TLPRESS_ESCAPE_HTML, &out, &err);
	OK(r == TLPRESS_ELIMIT && out.len == 2 && !strcmp(out.ptr, "ab"),
	   "output over the buffer limit: ELIMIT, out cut back");
	tlpress_buf_release(&out);
	json_decref(ctx);
	tlpress_tmplset_free(set);
}

static int write_file(const char *dir, const char *name, const char *s)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		return -1;
	fputs(s, f);
	return fclose(f);
}

static void remove_file(const char *dir, const char *name)
{
	char path[4096];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	unlink(path);
}

static void test_load_dir(void)
{
	char dir[] = "/tmp/tlpress-tmpl-XXXXXX", sub[4096], want[4200];
	struct tlpress_tmplset *set = tlpress_tmplset_new();
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	json_t *ctx;
	int r;

	if (!mkdtemp(dir)) {
		OK(0, "mkdtemp: %s", strerror(errno));
		tlpress_tmplset_free(set);
		return;
	}
	snprintf(sub, sizeof(sub), "%s/dir.mustache", dir);
	r = write_file(dir, "page.mustache", "<p>{{>part}}</p>\n");
	r |= write_file(dir, "part.mustache", "{{x}}");
	r |= write_file(dir, "notes.txt", "{{#unclosed}}");
	r |= write_file(dir, ".hidden.mustache", "{{#unclosed}}");
	r |= mkdir(sub, 0700);
	OK(r == 0, "make a template folder");

	r = tlpress_tmplset_load_dir(set, dir, &err);
	INT_EQ(r, 2, "load_dir loads the two .mustache files");
	if (r < 0)
		DIAG("%s", err.msg);
	ctx = json_pack("{s:s}", "x", "&");
	r = tlpress_tmplset_render(set, "page", ctx, TLPRESS_ESCAPE_HTML,
				   &out, &err);
	json_decref(ctx);
	STR_EQ(r ? NULL : out.ptr, "<p>&amp;</p>\n", "loaded templates render");

	r = write_file(dir, "zbad.mustache", "a\n{{#s}}\n");
	r = tlpress_tmplset_load_dir(set, dir, &err);
	snprintf(want, sizeof(want), "%s/zbad.mustache:2: unclosed section 's'; fix the "
		 "template, or point 'templates' in tlpress.yml at the shipped set", dir);
	OK(r == TLPRESS_EINVAL && !strcmp(err.msg, want),
	   "load_dir reports a bad template as FILE:LINE, with what to do (%s)", err.msg);

	r = tlpress_tmplset_load_dir(set, "/nonexistent/tlpress", &err);
	INT_EQ(r, TLPRESS_EIO, "load_dir of a missing folder is EIO");

	remove_file(dir, "page.mustache");
	remove_file(dir, "part.mustache");
	remove_file(dir, "notes.txt");
	remove_file(dir, ".hidden.mustache");
	remove_file(dir, "zbad.mustache");
	rmdir(sub);
	rmdir(dir);
	tlpress_buf_release(&out);
	tlpress_tmplset_free(set);
}

struct thread_arg {
	const struct tlpress_tmplset *set;
	json_t *ctx;
	const char *want;
	int ok;
};

static void *render_thread(void *p)
{
	struct thread_arg *a = p;
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	int i;

	a->ok = 1;
	for (i = 0; i < 200; i++) {
		tlpress_buf_reset(&out);
		if (tlpress_tmplset_render(a->set, "main", a->ctx,
					   TLPRESS_ESCAPE_HTML, &out, NULL) ||
		    strcmp(out.ptr, a->want))
			a->ok = 0;
	}
	tlpress_buf_release(&out);
	return NULL;
}

static void test_threads(void)
{
	const char *pairs[] = { "main", "{{#l}}\n  {{>p}}\n{{/l}}",
				"p", "<{{.}}>\n", NULL };
	struct tlpress_tmplset *set = set_of(pairs);
	json_t *ctx = json_loads("{\"l\": [1, \"'\", 2.5]}", 0, NULL);
	struct thread_arg args[4];
	pthread_t th[4];
	int i, ok = 1;

	for (i = 0; i < 4; i++) {
		args[i].set = set;
		args[i].ctx = ctx;
		args[i].want = "  <1>\n  <&#39;>\n  <2.5>\n";
		args[i].ok = 0;
		if (pthread_create(&th[i], NULL, render_thread, &args[i]))
			args[i].set = NULL;
	}
	for (i = 0; i < 4; i++) {
		if (args[i].set)
			pthread_join(th[i], NULL);
		ok &= args[i].ok;
	}
	OK(ok, "four threads render the same set at once");
	json_decref(ctx);
	tlpress_tmplset_free(set);
}

/* A lazy list: element i is {"n": i, "sq": i*i}; counts what it made and
 * how many are alive; fails at element fail_at. */
struct lazy_data {
	size_t made, fail_at;
	json_t *last;
};

static json_t *lazy_item(size_t i, void *p)
{
	struct lazy_data *d = p;

	if (i == d->fail_at)
		return NULL;
	d->made++;
	d->last = json_pack("{s:i,s:i}", "n", (int)i, "sq", (int)(i * i));
	return d->last;
}

static void lazy_case(const char *tmpl, const char *ctx_json, size_t n, size_t fail_at,
		      const char *want, int want_rc, const char *what)
{
	struct tlpress_tmplset *set = tlpress_tmplset_new();
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_buf out = TLPRESS_BUF_INIT;
	struct lazy_data d = { 0, fail_at, NULL };
	struct tlpress_tmpl_lazy lazy = { "list", n, lazy_item, &d };
	json_t *ctx = ctx_json ? json_loads(ctx_json, 0, NULL) : NULL;
	int rc;

	tlpress_buf_adds(&out, "pre:");
	tlpress_tmplset_add(set, "t", tmpl, strlen(tmpl), &err);
	tlpress_tmplset_add(set, "row", "<{{n}}={{sq}}/{{title}}>", 24, &err);
	rc = tlpress_tmplset_render_lazy(set, "t", ctx, &lazy, TLPRESS_ESCAPE_HTML, &out, &err);
	INT_EQ(rc, want_rc, "%s: status", what);
	STR_EQ(out.ptr, want, "%s", what);
	json_decref(ctx);
	tlpress_buf_release(&out);
	tlpress_tmplset_free(set);
}

static void test_lazy(void)
{
	lazy_case("{{#list}}[{{n}}:{{sq}}]{{/list}}", NULL, 4, 99, "pre:[0:0][1:1][2:4][3:9]", 0,
		  "a lazy list renders each element in order");
	lazy_case("{{^list}}none{{/list}}{{#list}}x{{/list}}", NULL, 0, 99, "pre:none", 0,
		  "an empty lazy list is falsy");
	lazy_case("{{^list}}none{{/list}}{{#list}}x{{/list}}", NULL, 2, 99, "pre:xx", 0,
		  "a non-empty one is truthy");
	lazy_case("{{#list}}{{>row}}{{/list}}", "{\"title\": \"T&\"}", 2, 99,
		  "pre:<0=0/T&amp;><1=1/T&amp;>", 0,
		  "partials inside see the element and the outer context");
	lazy_case("{{#list}}{{.}}{{/list}}", "{\"list\": [\"a\", \"b\"]}", 3, 99, "pre:ab", 0,
		  "a key of the context itself wins over the lazy list");
	lazy_case("{{#list}}[{{n}}]{{/list}}", NULL, 5, 2, "pre:", TLPRESS_ENOMEM,
		  "an element that cannot be made: out of memory, output cut back");
	{
		struct lazy_data d = { 0, (size_t)-1, NULL };
		struct tlpress_tmpl_lazy lazy = { "list", 1000, lazy_item, &d };
		struct tlpress_tmplset *set = tlpress_tmplset_new();
		struct tlpress_buf out = TLPRESS_BUF_INIT;
		struct tlpress_error err = TLPRESS_ERROR_INIT;

		tlpress_tmplset_add(set, "t", "{{#list}}{{n}},{{/list}}{{#list}}{{/list}}", 42, &err);
		INT_EQ(tlpress_tmplset_render_lazy(set, "t", NULL, &lazy, TLPRESS_ESCAPE_NONE, &out,
						   &err), 0, "a lazy list rendered twice");
		INT_EQ((long)d.made, 2000, "each element made once per pass");
		tlpress_buf_release(&out);
		tlpress_tmplset_free(set);
	}
}

int main(void)
{
	test_spec();
	test_compile_errors();
	test_recursion_limit();
	test_step_limit();
	test_escaping();
	test_values();
	test_indentation();
	test_deterministic();
	test_api();
	test_load_dir();
	test_threads();
	test_lazy();
	return harness_done();
}
