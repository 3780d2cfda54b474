/*
 * test_lists.c - `lists:` in tlpress.yml and the members files: a good
 * configuration read into its fields, and every refusal reported with its
 * file, line and column (header injection in names and addresses, RED on
 * a list, limits of members files, duplicates, malformed lines).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "advisory.h"
#include "buf.h"
#include "error.h"
#include "lists.h"
#include "ytree.h"

#include "harness.h"

static char dir[64];
static char *made[64];
static size_t nmade;

#define FPR_A "0123456789ABCDEF0123456789ABCDEF01234567"
#define FPR_B "89ABCDEF0123456789ABCDEF0123456789ABCDEF"
#define FPR_C "FEDCBA9876543210FEDCBA9876543210FEDCBA98"

static void write_file(const char *name, const char *data, size_t len)
{
	char path[256];
	size_t i;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	if (!f) {
		DIAG("cannot write %s", path);
		return;
	}
	fwrite(data, 1, len, f);
	fclose(f);
	for (i = 0; i < nmade; i++)
		if (!strcmp(made[i], path))
			return;
	if (nmade < sizeof(made) / sizeof(made[0]))
		made[nmade++] = strdup(path);
}

static void write_str(const char *name, const char *data)
{
	write_file(name, data, strlen(data));
}

static void dump(const struct tlpress_diags *d)
{
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	size_t i;

	for (i = 0; i < d->n; i++)
		tlpress_diag_format(&d->v[i], &b);
	if (b.len)
		printf("# %s", b.ptr);
	tlpress_buf_release(&b);
}

/* Parse `yaml` (a whole tlpress.yml) and its `lists`. */
static int parse(const char *yaml, struct tlpress_lists *out, struct tlpress_diags *d)
{
	struct tlpress_ynode *root = tlpress_yparse(yaml, strlen(yaml), "tlpress.yml", 1, NULL, d);
	int r;

	if (!root) {
		memset(out, 0, sizeof(*out));
		return -100;
	}
	r = tlpress_lists_parse(tlpress_ymap_get(root, "lists", NULL), "tlpress.yml", dir, out, d);
	tlpress_ynode_free(root);
	return r;
}

/* Is there a diagnostic of severity sev at file (suffix):line:col whose
 * message holds msg and, when hint is not NULL, whose hint holds hint? */
static int has(const struct tlpress_diags *d, enum tlpress_severity sev, const char *file,
	       unsigned line, unsigned col, const char *msg, const char *hint)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const struct tlpress_diag *e = &d->v[i];
		size_t fl = e->file ? strlen(e->file) : 0, wl = strlen(file);

		if (e->severity != sev || e->line != line || e->col != col || !e->file ||
		    fl < wl || strcmp(e->file + fl - wl, file) != 0 || !strstr(e->msg, msg))
			continue;
		if (hint && (!e->hint || !strstr(e->hint, hint)))
			continue;
		return 1;
	}
	return 0;
}

/* One bad configuration: parse must fail with exactly the error given (and
 * no list with its name survives). */
#define BAD(yaml, line, col, msg, hint) bad(yaml, line, col, msg, hint, __LINE__)

static void bad(const char *yaml, unsigned line, unsigned col, const char *msg,
		const char *hint, int at)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_lists l;
	int r = parse(yaml, &l, &d), found = has(&d, TLPRESS_ERROR, "tlpress.yml", line, col, msg,
						  hint);

	OK(r == TLPRESS_EINVAL && found && l.n == 0,
	   "line %d: refused at tlpress.yml:%u:%u: %s", at, line, col, msg);
	if (!found || r != TLPRESS_EINVAL || l.n)
		dump(&d);
	tlpress_lists_release(&l);
	tlpress_diags_release(&d);
}

/* One bad members file (through the configuration): the error is at
 * members-file:line:col. */
#define BADM(data, line, col, msg, hint) badm(data, sizeof(data) - 1, line, col, msg, hint, __LINE__)

static void badm(const char *data, size_t len, unsigned line, unsigned col, const char *msg,
		 const char *hint, int at)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_lists l;
	int r, found;

	write_file("bad.txt", data, len);
	r = parse("lists:\n"
		  "  - name: t\n"
		  "    address: t@lists.example\n"
		  "    tlp: AMBER\n"
		  "    members: bad.txt\n", &l, &d);
	found = has(&d, TLPRESS_ERROR, "/bad.txt", line, col, msg, hint);
	OK(r == TLPRESS_EINVAL && found && l.n == 0,
	   "line %d: members file refused at bad.txt:%u:%u: %s", at, line, col, msg);
	if (!found || r != TLPRESS_EINVAL || l.n)
		dump(&d);
	tlpress_lists_release(&l);
	tlpress_diags_release(&d);
}

static void good(void)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_lists l;
	const struct tlpress_list *e, *p, *s;
	int r;

	write_str("oes-energy.txt",
		  "# OES energy: security contacts\n"
		  "\n"
		  "soc@operator.example   " FPR_A "  Operator   NV\n"
		  "  cert@grid.example\t" "89abcdef0123456789abcdef0123456789abcdef" "\tGrid   Company # since 2025\n"
		  "# a comment line\n"
		  "solo@independent.example " FPR_C "\r\n"
		  "region@wallonie.example " FPR_B " R\xC3\xA9gion wallonne\n");
	write_str("soc.txt",
		  "a@elia.example " FPR_A " Elia\n"
		  "b@elia.example " FPR_B " ELIA\n");
	r = parse("site:\n"
		  "  title: x\n"
		  "lists:\n"
		  "  - name: oes-energy\n"
		  "    address: oes-energy@lists.ccb.example\n"
		  "    tlp: AMBER\n"
		  "    audience: [oes-ci, companies]\n"
		  "    encrypt: true\n"
		  "    members: oes-energy.txt\n"
		  "  - name: ccb-partners\n"
		  "    address: partners@schleuder.ccb.example\n"
		  "    tlp: TLP:GREEN\n"
		  "    mode: list-key\n"
		  "    key: 0123456789abcdef0123456789abcdef01234567\n"
		  "  - {name: soc-elia, address: soc@elia.example, tlp: AMBER+STRICT, audience: oes-ci,\n"
		  "     mode: expand, encrypt: false, members: soc.txt}\n", &l, &d);
	INT_EQ(r, 0, "a good configuration parses");
	INT_EQ(d.n, 0, "without a diagnostic");
	dump(&d);
	INT_EQ(l.n, 3, "three lists");
	e = tlpress_lists_find(&l, "oes-energy");
	p = tlpress_lists_find(&l, "ccb-partners");
	s = tlpress_lists_find(&l, "soc-elia");
	OK(e && p && s, "each found by name");
	OK(tlpress_lists_find_address(&l, "PARTNERS@schleuder.ccb.example") == p,
	   "found by address, ASCII case ignored");
	OK(!tlpress_lists_find(&l, "nope"), "an unknown name is not found");
	if (!e || !p || !s) {
		tlpress_lists_release(&l);
		tlpress_diags_release(&d);
		return;
	}
	STR_EQ(e->address, "oes-energy@lists.ccb.example", "address");
	INT_EQ(e->tlp, TLPRESS_TLP_AMBER, "tlp");
	INT_EQ(e->audience, TLPRESS_AUD_OES_CI | TLPRESS_AUD_COMPANIES, "audience bits");
	INT_EQ(e->encrypt, 1, "encrypt: true");
	INT_EQ(e->mode, TLPRESS_LIST_EXPAND, "expand by default");
	OK(e->key == NULL, "an expand list has no key");
	INT_EQ(e->line, 4, "the entry's line");
	INT_EQ(e->nmembers, 4, "four members; comments and blank lines skipped");
	if (e->nmembers == 4) {
		STR_EQ(e->members[0].address, "soc@operator.example", "member address");
		STR_EQ(e->members[0].fpr, FPR_A, "member fingerprint");
		STR_EQ(e->members[0].org, "Operator NV", "organization, white space collapsed");
		INT_EQ(e->members[0].line, 3, "member line");
		STR_EQ(e->members[1].fpr, FPR_B, "a lower-case fingerprint is stored in capitals");
		STR_EQ(e->members[1].org, "Grid Company", "a trailing comment is not the organization");
		OK(e->members[2].org == NULL, "no organization: NULL");
		STR_EQ(e->members[2].address, "solo@independent.example", "a CRLF line is read");
		INT_EQ(e->members[3].line, 7, "line numbers count comments and blanks");
	}
	INT_EQ(tlpress_list_organizations(e), 4, "three named organizations and one unnamed member");
	INT_EQ(p->mode, TLPRESS_LIST_KEY, "mode: list-key");
	STR_EQ(p->key, FPR_A, "the list key, in capitals");
	INT_EQ(p->tlp, TLPRESS_TLP_GREEN, "tlp: TLP:GREEN");
	INT_EQ(p->audience, 0, "no audience: 0 (all)");
	INT_EQ(p->nmembers, 0, "a list-key list has no members");
	OK(tlpress_list_organizations(p) == (size_t)-1, "a list-key list's organizations are unknown");
	INT_EQ(s->tlp, TLPRESS_TLP_AMBER_STRICT, "AMBER+STRICT on an expand list");
	INT_EQ(s->audience, TLPRESS_AUD_OES_CI, "audience given as one word");
	INT_EQ(s->encrypt, 0, "encrypt: false");
	INT_EQ(tlpress_list_organizations(s), 1, "Elia and ELIA are one organization");
	tlpress_lists_release(&l);
	tlpress_diags_release(&d);

	/* no `lists` at all, and `lists:` with nothing */
	r = parse("site: {title: x}\n", &l, &d);
	OK(r == 0 && l.n == 0 && d.n == 0, "no lists key: no lists, no error");
	tlpress_lists_release(&l);
	r = parse("lists:\n", &l, &d);
	OK(r == 0 && l.n == 0 && d.n == 0, "an empty lists key: no lists, no error");
	tlpress_lists_release(&l);
	tlpress_diags_release(&d);
}

static void warnings(void)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_lists l;
	int r;

	write_str("multi.txt",
		  "a@one.example " FPR_A " One\n"
		  "b@two.example " FPR_B " Two\n"
		  "c@three.example " FPR_C "\n");
	write_str("empty.txt", "# nobody yet\n\n");
	r = parse("lists:\n"
		  "  - name: ccb-partners\n"
		  "    address: partners@ccb.example\n"
		  "    tlp: AMBER+STRICT\n"
		  "    members: multi.txt\n"
		  "  - name: nobody\n"
		  "    address: nobody@ccb.example\n"
		  "    tlp: GREEN\n"
		  "    members: empty.txt\n", &l, &d);
	INT_EQ(r, 0, "warnings are not errors");
	INT_EQ(l.n, 2, "both lists kept");
	OK(has(&d, TLPRESS_WARNING, "tlpress.yml", 4, 10,
	       "members come from 3 organizations: it will never receive AMBER+STRICT", NULL),
	   "AMBER+STRICT on a list spanning 3 organizations: a warning at its tlp");
	OK(has(&d, TLPRESS_WARNING, "/empty.txt", 0, 0, "has no members", NULL),
	   "an empty members file: a warning");
	INT_EQ(d.nerrors, 0, "no error");
	tlpress_lists_release(&l);
	tlpress_diags_release(&d);
}

static void bad_configs(void)
{
	write_str("ok.txt", "m@member.example " FPR_A " Org\n");

	BAD("lists: {name: x}\n", 1, 8, "'lists' must be a list of mailing lists", NULL);
	BAD("lists:\n  - just-a-name\n", 2, 5, "lists entry 1 must be a mapping", NULL);
	BAD("lists:\n  - name: a\n    adress: a@x.example\n    tlp: GREEN\n    members: ok.txt\n",
	    3, 5, "unknown key 'lists.adress'", "did you mean 'address'?");
	BAD("lists:\n  - address: a@x.example\n    tlp: GREEN\n    members: ok.txt\n",
	    2, 5, "lists entry 1 has no 'name'", NULL);
	BAD("lists:\n  - name: a\n    tlp: GREEN\n    members: ok.txt\n",
	    2, 5, "list 'a' has no 'address'", NULL);
	BAD("lists:\n  - name: a\n    address: a@x.example\n    members: ok.txt\n",
	    2, 5, "list 'a' has no 'tlp'", NULL);
	BAD("lists:\n  - name: OES Energy\n    address: a@x.example\n    tlp: GREEN\n    members: ok.txt\n",
	    2, 11, "'OES Energy' is not a list name", "lower-case");
	BAD("lists:\n  - name: \"oes\\r\\nBcc: evil@x.example\"\n    address: a@x.example\n"
	    "    tlp: GREEN\n    members: ok.txt\n",
	    2, 11, "'name' must be a single line", "adds a header");
	BAD("lists:\n  - name: \"oes\\0x\"\n    address: a@x.example\n    tlp: GREEN\n    members: ok.txt\n",
	    2, 11, "'name' holds a NUL character", NULL);
	BAD("lists:\n  - name: a\n    address: \"a@x.example\\r\\nBcc: evil@y.example\"\n"
	    "    tlp: GREEN\n    members: ok.txt\n",
	    3, 14, "'address' must be a single line", NULL);
	BAD("lists:\n  - name: a\n    address: \"Ops <a@x.example>\"\n    tlp: GREEN\n    members: ok.txt\n",
	    3, 14, "'Ops <a@x.example>' is not a plain e-mail address", "no '<>'");
	BAD("lists:\n  - name: a\n    address: \"a@x.example, b@y.example\"\n    tlp: GREEN\n"
	    "    members: ok.txt\n",
	    3, 14, "is not a plain e-mail address", NULL);
	BAD("lists:\n  - name: a\n    address: \"a@x.example\\tBcc\"\n    tlp: GREEN\n    members: ok.txt\n",
	    3, 14, "'a@x.example\\x09Bcc' is not a plain e-mail address", NULL);
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: RED\n    members: ok.txt\n",
	    4, 10, "a list can never be cleared for TLP:RED", "recipients");
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: TLP:RED\n    members: ok.txt\n",
	    4, 10, "a list can never be cleared for TLP:RED", NULL);
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: amber\n    members: ok.txt\n",
	    4, 10, "'tlp: amber' is not written as TLP 2.0", "capitals: AMBER");
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: WHITE\n    members: ok.txt\n",
	    4, 10, "TLP 1.0", "CLEAR");
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: PURPLE\n    members: ok.txt\n",
	    4, 10, "'PURPLE' is not a TLP label", NULL);
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: [GREEN]\n    members: ok.txt\n",
	    4, 10, "'tlp' must be a string", NULL);
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    audience: [oes_ci]\n"
	    "    members: ok.txt\n",
	    5, 16, "unknown audience 'oes_ci'", "did you mean 'oes-ci'?");
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    audience: []\n"
	    "    members: ok.txt\n",
	    5, 15, "'audience' is an empty list", NULL);
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    audience: {a: b}\n"
	    "    members: ok.txt\n",
	    5, 15, "'audience' must be a list", NULL);
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    encrypt: yes\n"
	    "    members: ok.txt\n",
	    5, 14, "'encrypt': 'yes' is neither true nor false", "true or false");
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    mode: listkey\n"
	    "    key: " FPR_A "\n",
	    5, 11, "unknown mode 'listkey'", "did you mean 'list-key'?");
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    mode: list-key\n",
	    2, 5, "mode: list-key needs 'key'", NULL);
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    mode: list-key\n"
	    "    key: " FPR_A "\n    members: ok.txt\n",
	    7, 14, "'members' is for mode: expand, not list-key", NULL);
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    mode: list-key\n"
	    "    key: 0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567\n",
	    6, 10, "is not a fingerprint", "without spaces");
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    mode: list-key\n"
	    "    key: 0123456789ABCDEF\n",
	    6, 10, "'key': '0123456789ABCDEF' is not a fingerprint", "40 hexadecimal");
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: AMBER+STRICT\n    mode: list-key\n"
	    "    key: " FPR_A "\n",
	    4, 10, "a list-key list cannot be cleared for TLP:AMBER+STRICT", "mode: expand");
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n",
	    2, 5, "mode: expand needs 'members'", NULL);
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    key: " FPR_A "\n"
	    "    members: ok.txt\n",
	    5, 5, "'key' is for mode: list-key, not expand", NULL);
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    members: missing.txt\n",
	    5, 14, "cannot read members file", "relative to the configuration's folder");
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    members: .\n",
	    5, 14, "is not a regular file", NULL);
	BAD("lists:\n  - name: a\n    address: a@x.example\n    tlp: GREEN\n    members: \"\"\n",
	    5, 14, "'members' is empty", NULL);

	/* two lists: duplicates */
	{
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_lists l;
		int r = parse("lists:\n"
			      "  - {name: a, address: a@x.example, tlp: GREEN, members: ok.txt}\n"
			      "  - {name: a, address: b@x.example, tlp: GREEN, members: ok.txt}\n"
			      "  - {name: c, address: A@X.example, tlp: GREEN, members: ok.txt}\n",
			      &l, &d);

		INT_EQ(r, TLPRESS_EINVAL, "duplicates are errors");
		OK(has(&d, TLPRESS_ERROR, "tlpress.yml", 3, 12, "list 'a' is defined twice (first on line 2)",
		       NULL), "a duplicate name at 3:12");
		OK(has(&d, TLPRESS_ERROR, "tlpress.yml", 4, 24,
		       "address 'A@X.example' is already the address of the list on line 2", NULL),
		   "a duplicate address (case ignored) at 4:24");
		INT_EQ(l.n, 1, "the first list is kept, the duplicates left out");
		tlpress_lists_release(&l);
		tlpress_diags_release(&d);
	}
	/* several errors in one entry are all reported */
	{
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_lists l;
		int r = parse("lists:\n"
			      "  - name: a\n"
			      "    address: nope\n"
			      "    tlp: RED\n"
			      "    mdoe: expand\n"
			      "    members: ok.txt\n"
			      "  - {name: b, address: b@x.example, tlp: GREEN, members: ok.txt}\n",
			      &l, &d);

		INT_EQ(r, TLPRESS_EINVAL, "an entry with three errors");
		INT_EQ(d.nerrors, 3, "three errors reported");
		OK(has(&d, TLPRESS_ERROR, "tlpress.yml", 5, 5, "unknown key 'lists.mdoe'", "'mode'"),
		   "unknown key with a hint");
		INT_EQ(l.n, 1, "the good list is kept");
		if (l.n)
			STR_EQ(l.v[0].name, "b", "it is list b");
		tlpress_lists_release(&l);
		tlpress_diags_release(&d);
	}
}

static void bad_members(void)
{
	/* an error in the entry and one in its members file: both reported */
	{
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_lists l;
		int r;

		write_str("both.txt", "ok@x.example " FPR_A "\nnope " FPR_B "\n");
		r = parse("lists:\n  - {name: a, address: a@x.example, tlp: RED, members: both.txt}\n",
			  &l, &d);
		OK(r == TLPRESS_EINVAL && l.n == 0 &&
		   has(&d, TLPRESS_ERROR, "tlpress.yml", 2, 42, "never be cleared for TLP:RED", NULL) &&
		   has(&d, TLPRESS_ERROR, "/both.txt", 2, 1, "'nope' is not a plain", NULL),
		   "the entry's error and the members file's error, at once");
		tlpress_lists_release(&l);
		tlpress_diags_release(&d);
	}
	BADM("soc@operator.example " FPR_A "\nnot-an-address " FPR_B "\n", 2, 1,
	     "'not-an-address' is not a plain e-mail address", "plain address");
	BADM("\n\n   Ops<soc@operator.example> " FPR_A "\n", 3, 4,
	     "'Ops<soc@operator.example>' is not a plain e-mail address", NULL);
	BADM("soc@operator.example\rBcc: evil@x.example " FPR_A "\n", 1, 21,
	     "control character or line break inside a line", NULL);
	BADM("soc@operator.example " FPR_A " Org\xE2\x80\xA8" "Bcc: x\n", 1, 66,
	     "control character or line break", NULL);
	BADM("soc@operator.example " FPR_A " Org\x1B[31m\n", 1, 66, "control character", NULL);
	BADM("soc@operator.example\n", 1, 21, "no fingerprint after 'soc@operator.example'",
	     "address fingerprint [organization]");
	BADM("soc@operator.example 0123456789ABCDEF\n", 1, 22,
	     "'0123456789ABCDEF' is not a fingerprint", "40 hexadecimal");
	BADM("soc@operator.example 0123 4567 89AB CDEF 0123 4567 89AB CDEF 0123 4567\n", 1, 22,
	     "'0123' is not a fingerprint", "without spaces");
	BADM("soc@operator.example 0123456789ABCDEF0123456789ABCDEF0123456G\n", 1, 22,
	     "is not a fingerprint", NULL);
	BADM("a@x.example " FPR_A " One\n# c\nb@x.example " FPR_B " One\nA@X.EXAMPLE " FPR_C " Two\n",
	     4, 1, "'A@X.EXAMPLE' is listed twice (first on line 1)", "one line per address");
	BADM("a@x.example " FPR_A "\nb@x.example " FPR_B "\nA@x.example " FPR_C "\na@X.example " FPR_A "\n",
	     4, 1, "'a@X.example' is listed twice (first on line 1)", "one line per address");
	BADM("b@x.example " FPR_B "\na@x.example " FPR_A "\nA@x.example " FPR_C "\nb@X.example " FPR_A "\n",
	     4, 1, "'b@X.example' is listed twice (first on line 1)", "one line per address");
	BADM("t@lists.example " FPR_A "\n", 1, 1, "'t@lists.example' is the list's own address", NULL);
	BADM("a@x.example " FPR_A "\nb@x.example\0 " FPR_B "\n", 2, 0, "NUL byte", NULL);
	BADM("a@x.example " FPR_A " Org\nb@x.example " FPR_B " R\xE9gion\n", 2, 0, "invalid UTF-8",
	     "UTF-8");
	{
		char line[400];

		memset(line, 'O', sizeof(line));
		memcpy(line, "a@x.example " FPR_A " ", 53);
		line[sizeof(line) - 2] = '\n';
		line[sizeof(line) - 1] = '\0';
		badm(line, strlen(line), 1, 54, "the organization is 345 bytes; at most 200", NULL,
		     __LINE__);
	}
	/* every bad line of a file is reported, not just the first */
	{
		struct tlpress_diags d = TLPRESS_DIAGS_INIT;
		struct tlpress_list l;
		const char *data = "x " FPR_A "\nok@x.example " FPR_A "\ny@x.example\nz@x.example zz\n";
		int r;

		memset(&l, 0, sizeof(l));
		r = tlpress_members_parse("m.txt", data, strlen(data), &l, &d);
		INT_EQ(r, TLPRESS_EINVAL, "tlpress_members_parse: errors");
		INT_EQ(d.nerrors, 3, "three bad lines, three errors");
		OK(has(&d, TLPRESS_ERROR, "m.txt", 1, 1, "not a plain", NULL) &&
		   has(&d, TLPRESS_ERROR, "m.txt", 3, 12, "no fingerprint", NULL) &&
		   has(&d, TLPRESS_ERROR, "m.txt", 4, 13, "not a fingerprint", NULL),
		   "at lines 1, 3 and 4");
		INT_EQ(l.nmembers, 0, "a file with errors gives no members");
		tlpress_diags_release(&d);
	}
}

static void limits(void)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_list l;
	struct tlpress_buf b = TLPRESS_BUF_INIT;
	struct tlpress_lists ls;
	size_t i;
	int r;

	memset(&l, 0, sizeof(l));
	/* 100,000 lines are allowed; one more is not */
	for (i = 0; i < TLPRESS_MEMBERS_MAX_LINES - 1; i++)
		tlpress_buf_adds(&b, "\n");
	tlpress_buf_adds(&b, "last@x.example " FPR_A " Org\n");
	r = tlpress_members_parse("m.txt", b.ptr, b.len, &l, &d);
	OK(r == 0 && l.nmembers == 1 && l.members[0].line == TLPRESS_MEMBERS_MAX_LINES,
	   "100,000 lines: read, the member on line 100000");
	tlpress_buf_adds(&b, "# one more\n");
	r = tlpress_members_parse("m.txt", b.ptr, b.len, &l, &d);
	OK(r == TLPRESS_ELIMIT && l.nmembers == 0 &&
	   has(&d, TLPRESS_ERROR, "m.txt", 0, 0, "100001 lines; at most 100000", NULL),
	   "100,001 lines: refused before parsing");
	tlpress_buf_truncate(&b, b.len - 1); /* no final newline: still a line */
	r = tlpress_members_parse("m.txt", b.ptr, b.len, &l, &d);
	INT_EQ(r, TLPRESS_ELIMIT, "a last line without newline counts");
	tlpress_buf_reset(&b);

	/* 1 MiB is allowed; one byte more is not */
	tlpress_buf_adds(&b, "big@x.example " FPR_A " ");
	while (b.len < TLPRESS_MEMBERS_MAX_SIZE - 1)
		tlpress_buf_addch(&b, 'x');
	tlpress_buf_addch(&b, '\n');
	r = tlpress_members_parse("m.txt", b.ptr, b.len, &l, &d);
	OK(r == TLPRESS_EINVAL && has(&d, TLPRESS_ERROR, "m.txt", 1, 56, "organization is", NULL),
	   "exactly 1 MiB is read (and the overlong organization refused)");
	tlpress_buf_addch(&b, '\n');
	r = tlpress_members_parse("m.txt", b.ptr, b.len, &l, &d);
	OK(r == TLPRESS_ELIMIT && has(&d, TLPRESS_ERROR, "m.txt", 0, 0,
				       "1048577 bytes; at most 1048576", NULL),
	   "1 MiB and a byte: refused");
	write_file("huge.txt", b.ptr, b.len);
	tlpress_diags_release(&d);
	r = parse("lists:\n  - {name: a, address: a@x.example, tlp: GREEN, members: huge.txt}\n",
		  &ls, &d);
	OK(r == TLPRESS_EINVAL && ls.n == 0 &&
	   has(&d, TLPRESS_ERROR, "/huge.txt", 0, 0, "members file is 1048577 bytes", "1 MiB"),
	   "a members file over 1 MiB is refused before it is read");
	tlpress_lists_release(&ls);
	tlpress_buf_release(&b);
	free(l.members);
	tlpress_diags_release(&d);
}

static void validators(void)
{
	static const char *const good_addr[] = { "a@b.example", "first.last+tag@sub.example.be",
		"SOC@Operator.Example", NULL };
	static const char *const bad_addr[] = { "", "a", "@b.example", "a@", "a@b", "a@@b.example",
		"a@b.example\r\nBcc: c@d.example", "a@b.example\n", "a b@c.example", "<a@b.example>",
		"a@b.example,c@d.example", "a@b.example;", "\"a\"@b.example", "a@-b.example",
		"a@b.example.", "a@b..example", "a@b_c.example", "a@b.example-", "\xC3\xA9@b.example",
		NULL };
	static const char *const good_name[] = { "a", "oes-energy", "gov-cert.nl", "x_1", "0day",
		NULL };
	static const char *const bad_name[] = { "", "A", "-x", ".x", "oes energy", "oes\r\nx",
		"oes@x", "Oes", "\xC3\xA9", NULL };
	char longname[80];
	size_t i;

	for (i = 0; good_addr[i]; i++)
		INT_EQ(tlpress_mail_address_valid(good_addr[i]), 0, "address '%s' accepted", good_addr[i]);
	for (i = 0; bad_addr[i]; i++)
		INT_EQ(tlpress_mail_address_valid(bad_addr[i]), -1, "address #%zu refused", i);
	for (i = 0; good_name[i]; i++)
		INT_EQ(tlpress_list_name_valid(good_name[i]), 0, "name '%s' accepted", good_name[i]);
	for (i = 0; bad_name[i]; i++)
		INT_EQ(tlpress_list_name_valid(bad_name[i]), -1, "name #%zu refused", i);
	memset(longname, 'a', sizeof(longname));
	longname[64] = '\0';
	INT_EQ(tlpress_list_name_valid(longname), 0, "a 64-byte name is accepted");
	longname[64] = 'a';
	longname[65] = '\0';
	INT_EQ(tlpress_list_name_valid(longname), -1, "a 65-byte name is refused");
	INT_EQ(tlpress_fpr_valid(FPR_A), 0, "a fingerprint");
	INT_EQ(tlpress_fpr_valid("0123456789abcdef0123456789abcdef01234567"), 0, "lower case");
	INT_EQ(tlpress_fpr_valid(FPR_A "0"), -1, "41 digits");
	INT_EQ(tlpress_fpr_valid("0x0123456789ABCDEF0123456789ABCDEF012345"), -1, "0x prefix");
	INT_EQ(tlpress_fpr_valid(NULL), -1, "NULL");
}

int main(void)
{
	size_t i;

	snprintf(dir, sizeof(dir), "/tmp/tlpress-lists-XXXXXX");
	if (!mkdtemp(dir)) {
		printf("Bail out! cannot create a temporary folder\n");
		return 1;
	}
	validators();
	good();
	warnings();
	bad_configs();
	bad_members();
	limits();
	for (i = 0; i < nmade; i++) {
		unlink(made[i]);
		free(made[i]);
	}
	rmdir(dir);
	return harness_done();
}
