/* cvss.c - CVSS v3.0 and v3.1 base vectors; see cvss.h */
#include "cvss.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/*
 * The eight base metrics in the specification's order, each with its
 * allowed letters (in the order the specification lists them, which is
 * also the order error messages use) and the CSAF 2.0 / FIRST JSON schema
 * names of those letters.
 */
struct metric_def {
	const char *name;             /* "AV" */
	const char *title;            /* "Attack Vector" */
	const char *letters;          /* "NALP" */
	const char *const *enums;     /* "NETWORK", ... one per letter */
};

static const char *const av_enums[] = {
	"NETWORK", "ADJACENT_NETWORK", "LOCAL", "PHYSICAL"
};
static const char *const ac_enums[] = { "LOW", "HIGH" };
static const char *const pr_enums[] = { "NONE", "LOW", "HIGH" };
static const char *const ui_enums[] = { "NONE", "REQUIRED" };
static const char *const s_enums[] = { "UNCHANGED", "CHANGED" };
static const char *const cia_enums[] = { "HIGH", "LOW", "NONE" };

enum { M_AV, M_AC, M_PR, M_UI, M_S, M_C, M_I, M_A, M_COUNT };

static const struct metric_def metrics[M_COUNT] = {
	{ "AV", "Attack Vector", "NALP", av_enums },
	{ "AC", "Attack Complexity", "LH", ac_enums },
	{ "PR", "Privileges Required", "NLH", pr_enums },
	{ "UI", "User Interaction", "NR", ui_enums },
	{ "S", "Scope", "UC", s_enums },
	{ "C", "Confidentiality", "HLN", cia_enums },
	{ "I", "Integrity", "HLN", cia_enums },
	{ "A", "Availability", "HLN", cia_enums },
};

/* Metrics of the other two groups, refused by name. */
static const char *const temporal_names[] = { "E", "RL", "RC" };
static const char *const environmental_names[] = {
	"CR", "IR", "AR", "MAV", "MAC", "MPR", "MUI", "MS", "MC", "MI", "MA"
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Input longer than this is quoted in messages only in part. */
#define QUOTE_MAX 24

static int is_upper(int c)
{
	return c >= 'A' && c <= 'Z';
}

static int to_upper(int c)
{
	return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* Compare the n bytes at p with the string s, ignoring case when icase. */
static int span_eq(const char *p, size_t n, const char *s, int icase)
{
	size_t i;

	if (strlen(s) != n)
		return 0;
	for (i = 0; i < n; i++) {
		int a = (unsigned char)p[i], b = (unsigned char)s[i];

		if (icase ? to_upper(a) != to_upper(b) : a != b)
			return 0;
	}
	return 1;
}

/* Copy the n bytes at p into buf for quoting, cut to QUOTE_MAX bytes with
 * "..." after. Only called on text already checked to be printable. */
static const char *quote(char *buf, size_t size, const char *p, size_t n)
{
	if (n > QUOTE_MAX)
		snprintf(buf, size, "%.*s...", QUOTE_MAX, p);
	else
		snprintf(buf, size, "%.*s", (int)n, p);
	return buf;
}

/* "N, A, L, P" for a metric's letters. */
static const char *allowed(char *buf, size_t size, const struct metric_def *m)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; m->letters[i] && len + 4 < size; i++) {
		if (i) {
			buf[len++] = ',';
			buf[len++] = ' ';
		}
		buf[len++] = m->letters[i];
		buf[len] = '\0';
	}
	return buf;
}

/* Describe the byte c for a message: "a space", "'#'", "byte 0x0a". */
static const char *describe_byte(char *buf, size_t size, unsigned char c)
{
	if (c == ' ')
		snprintf(buf, size, "a space");
	else if (c == '\t')
		snprintf(buf, size, "a tab");
	else if (c > 0x20 && c < 0x7f)
		snprintf(buf, size, "'%c'", c);
	else
		snprintf(buf, size, "byte 0x%02x", c);
	return buf;
}

static int valid_byte(unsigned char c)
{
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
	       (c >= '0' && c <= '9') || c == ':' || c == '/' || c == '.';
}

static int find_metric(const char *p, size_t n, int icase)
{
	int k;

	for (k = 0; k < M_COUNT; k++)
		if (span_eq(p, n, metrics[k].name, icase))
			return k;
	return -1;
}

static int in_list(const char *p, size_t n, const char *const *list,
		   size_t count)
{
	size_t k;

	for (k = 0; k < count; k++)
		if (span_eq(p, n, list[k], 1))
			return 1;
	return 0;
}

/* ---- scoring ---------------------------------------------------------- */

/*
 * Weights of the specification, section 7.4, combined in the order of
 * operations of FIRST's calculators (cvsscalc30.js, cvsscalc31.js) in
 * doubles. Of the 2,592 base vectors none has a raw value within 0.003 of
 * a tenth, so last-bit differences (pow() of one libm or another) cannot
 * change a base score.
 */
static double w_av(char v)
{
	switch (v) {
	case 'N': return 0.85;
	case 'A': return 0.62;
	case 'L': return 0.55;
	default: return 0.2;     /* P */
	}
}

static double w_ac(char v)
{
	return v == 'L' ? 0.77 : 0.44;
}

static double w_pr(char v, char scope)
{
	switch (v) {
	case 'N': return 0.85;
	case 'L': return scope == 'C' ? 0.68 : 0.62;
	default: return scope == 'C' ? 0.5 : 0.27;     /* H */
	}
}

static double w_ui(char v)
{
	return v == 'N' ? 0.85 : 0.62;
}

static double w_cia(char v)
{
	switch (v) {
	case 'H': return 0.56;
	case 'L': return 0.22;
	default: return 0;       /* N */
	}
}

/* v3.1 Appendix A: Roundup in integers, x >= 0. */
static int roundup31(double x)
{
	long long i = llround(x * 100000.0);

	if (i % 10000 == 0)
		return (int)(i / 10000);
	return (int)(i / 10000 + 1);
}

/* v3.0 calculator: Math.ceil(x * 10) / 10, x >= 0. */
static int roundup30(double x)
{
	return (int)ceil(x * 10.0);
}

int tlpress_cvss_roundup(double x, int minor)
{
	if (isnan(x) || x < 0 || x > 1000 || (minor != 0 && minor != 1))
		return -1;
	return minor ? roundup31(x) : roundup30(x);
}

static int base_score10(const struct tlpress_cvss *c)
{
	double exploitability, iss, impact, sum;

	exploitability = 8.22 * w_av(c->av) * w_ac(c->ac) *
			 w_pr(c->pr, c->s) * w_ui(c->ui);
	iss = 1 - ((1 - w_cia(c->c)) * (1 - w_cia(c->i)) * (1 - w_cia(c->a)));
	if (c->s == 'U')
		impact = 6.42 * iss;
	else
		impact = 7.52 * (iss - 0.029) - 3.25 * pow(iss - 0.02, 15);
	if (impact <= 0)
		return 0;
	if (c->s == 'U')
		sum = fmin(impact + exploitability, 10);
	else
		sum = fmin((impact + exploitability) * 1.08, 10);
	return c->minor ? roundup31(sum) : roundup30(sum);
}

enum tlpress_cvss_severity tlpress_cvss_severity_of(int score10)
{
	if (score10 <= 0)
		return TLPRESS_CVSS_NONE;
	if (score10 < 40)
		return TLPRESS_CVSS_LOW;
	if (score10 < 70)
		return TLPRESS_CVSS_MEDIUM;
	if (score10 < 90)
		return TLPRESS_CVSS_HIGH;
	return TLPRESS_CVSS_CRITICAL;
}

/* ---- parsing ---------------------------------------------------------- */

/* Check the prefix; on success set *minor and *rest to the first metric. */
static int parse_prefix(const char *v, int *minor, const char **rest,
			struct tlpress_error *err)
{
	char q[QUOTE_MAX + 4];
	const char *ver, *slash;
	size_t n;

	if (strncmp(v, "CVSS:", 5) != 0) {
		if (strlen(v) >= 5 && span_eq(v, 5, "CVSS:", 1))
			return tlpress_error_set(err, TLPRESS_EINVAL,
				"CVSS vector prefix '%.5s' must be written in "
				"capitals: 'CVSS:'", v);
		return tlpress_error_set(err, TLPRESS_EINVAL,
			"CVSS vector '%s' does not start with 'CVSS:3.1/' "
			"(or 'CVSS:3.0/')", quote(q, sizeof(q), v, strlen(v)));
	}
	ver = v + 5;
	slash = strchr(ver, '/');
	n = slash ? (size_t)(slash - ver) : strlen(ver);
	if (n == 0)
		return tlpress_error_set(err, TLPRESS_EINVAL,
			"CVSS vector has no version after 'CVSS:'; expected "
			"'CVSS:3.1/' or 'CVSS:3.0/'");
	if (span_eq(ver, n, "3.1", 0))
		*minor = 1;
	else if (span_eq(ver, n, "3.0", 0))
		*minor = 0;
	else
		return tlpress_error_set(err, TLPRESS_EINVAL,
			"unsupported CVSS version '%s'; only CVSS 3.0 and 3.1 "
			"base vectors are accepted ('CVSS:3.1/...')",
			quote(q, sizeof(q), ver, n));
	if (!slash || slash[1] == '\0')
		return tlpress_error_set(err, TLPRESS_EINVAL,
			"CVSS vector '%.8s' has no metrics; a base vector has "
			"AV, AC, PR, UI, S, C, I and A", v);
	*rest = slash + 1;
	return 0;
}

/* Check one "NAME:VALUE" component at p (n bytes) and store its letter. */
static int parse_metric(const char *p, size_t n, char vals[M_COUNT],
			struct tlpress_error *err)
{
	char q[QUOTE_MAX + 4], list[32];
	const char *colon = memchr(p, ':', n);
	const char *val;
	size_t namelen, vallen;
	const struct metric_def *m;
	int k;

	if (!colon)
		return tlpress_error_set(err, TLPRESS_EINVAL,
			"CVSS metric '%s' has no ':'; expected NAME:VALUE "
			"such as 'AV:N'", quote(q, sizeof(q), p, n));
	namelen = (size_t)(colon - p);
	val = colon + 1;
	vallen = n - namelen - 1;
	if (namelen == 0)
		return tlpress_error_set(err, TLPRESS_EINVAL,
			"CVSS metric '%s' has no name before ':'",
			quote(q, sizeof(q), p, n));

	k = find_metric(p, namelen, 0);
	if (k < 0) {
		int lk = find_metric(p, namelen, 1);

		if (lk >= 0)
			return tlpress_error_set(err, TLPRESS_EINVAL,
				"unknown CVSS metric '%s'; metric names are "
				"upper case: '%s'",
				quote(q, sizeof(q), p, namelen),
				metrics[lk].name);
		if (in_list(p, namelen, temporal_names,
			    ARRAY_SIZE(temporal_names)))
			return tlpress_error_set(err, TLPRESS_EINVAL,
				"CVSS metric '%s' is a temporal metric; only "
				"base vectors are accepted (AV, AC, PR, UI, S, "
				"C, I, A)", quote(q, sizeof(q), p, namelen));
		if (in_list(p, namelen, environmental_names,
			    ARRAY_SIZE(environmental_names)))
			return tlpress_error_set(err, TLPRESS_EINVAL,
				"CVSS metric '%s' is an environmental metric; "
				"only base vectors are accepted (AV, AC, PR, "
				"UI, S, C, I, A)",
				quote(q, sizeof(q), p, namelen));
		return tlpress_error_set(err, TLPRESS_EINVAL,
			"unknown CVSS metric '%s'; a base vector has AV, AC, "
			"PR, UI, S, C, I and A",
			quote(q, sizeof(q), p, namelen));
	}
	m = &metrics[k];
	if (vallen == 0)
		return tlpress_error_set(err, TLPRESS_EINVAL,
			"metric '%s' has no value; expected one of %s",
			m->name, allowed(list, sizeof(list), m));
	if (vallen != 1 || !strchr(m->letters, val[0])) {
		int upper_ok = vallen == 1 && !is_upper((unsigned char)val[0]) &&
			       strchr(m->letters, to_upper((unsigned char)val[0]));

		return tlpress_error_set(err, TLPRESS_EINVAL,
			"metric '%s' has value '%s'; expected one of %s%s",
			m->name, quote(q, sizeof(q), val, vallen),
			allowed(list, sizeof(list), m),
			upper_ok ? " (values are upper case)" : "");
	}
	if (vals[k])
		return tlpress_error_set(err, TLPRESS_EINVAL,
			"metric '%s' appears twice ('%s:%c' and '%s:%c'); each "
			"base metric must appear exactly once",
			m->name, m->name, vals[k], m->name, val[0]);
	vals[k] = val[0];
	return 0;
}

static int report_missing(const char vals[M_COUNT], struct tlpress_error *err)
{
	char list[64], names[64];
	size_t len = 0;
	int k, missing = 0, first = -1;

	names[0] = '\0';
	for (k = 0; k < M_COUNT; k++) {
		if (vals[k])
			continue;
		if (first < 0)
			first = k;
		len += (size_t)snprintf(names + len, sizeof(names) - len,
					"%s'%s'", missing ? ", " : "",
					metrics[k].name);
		missing++;
	}
	if (!missing)
		return 0;
	if (missing == 1)
		return tlpress_error_set(err, TLPRESS_EINVAL,
			"missing CVSS metric '%s' (%s); expected one of %s",
			metrics[first].name, metrics[first].title,
			allowed(list, sizeof(list), &metrics[first]));
	return tlpress_error_set(err, TLPRESS_EINVAL,
		"missing CVSS metrics %s; a base vector has all of AV, AC, "
		"PR, UI, S, C, I and A", names);
}

int tlpress_cvss_parse(const char *vector, struct tlpress_cvss *out,
		       struct tlpress_error *err)
{
	char vals[M_COUNT] = { 0 };
	char what[16];
	const char *p, *end;
	size_t len;
	int minor = 1, rc;

	if (out)
		memset(out, 0, sizeof(*out));
	if (!vector || !out)
		return tlpress_error_set(err, TLPRESS_EUSAGE,
			"tlpress_cvss_parse() needs a vector and a result");

	for (len = 0; vector[len] && len <= TLPRESS_CVSS_INPUT_MAX; len++)
		;
	if (len == 0)
		return tlpress_error_set(err, TLPRESS_EINVAL,
			"empty CVSS vector; expected a base vector such as "
			"'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H'");
	if (len > TLPRESS_CVSS_INPUT_MAX)
		return tlpress_error_set(err, TLPRESS_EINVAL,
			"CVSS vector is too long (more than %d bytes; a base "
			"vector has 44)", TLPRESS_CVSS_INPUT_MAX);
	for (p = vector; *p; p++)
		if (!valid_byte((unsigned char)*p))
			return tlpress_error_set(err, TLPRESS_EINVAL,
				"CVSS vector has %s at position %zu; only "
				"letters, digits, ':', '.' and '/' are allowed",
				describe_byte(what, sizeof(what),
					      (unsigned char)*p),
				(size_t)(p - vector) + 1);

	rc = parse_prefix(vector, &minor, &p, err);
	if (rc)
		return rc;
	for (;;) {
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		if (end == p) {
			if (*p == '\0')
				return tlpress_error_set(err, TLPRESS_EINVAL,
					"CVSS vector ends with '/'; remove the "
					"trailing '/'");
			return tlpress_error_set(err, TLPRESS_EINVAL,
				"CVSS vector has an empty metric ('//') at "
				"position %zu", (size_t)(p - vector) + 1);
		}
		rc = parse_metric(p, (size_t)(end - p), vals, err);
		if (rc)
			return rc;
		if (*end == '\0')
			break;
		p = end + 1;
	}
	rc = report_missing(vals, err);
	if (rc)
		return rc;

	out->minor = minor;
	out->av = vals[M_AV];
	out->ac = vals[M_AC];
	out->pr = vals[M_PR];
	out->ui = vals[M_UI];
	out->s = vals[M_S];
	out->c = vals[M_C];
	out->i = vals[M_I];
	out->a = vals[M_A];
	out->score10 = base_score10(out);
	out->severity = tlpress_cvss_severity_of(out->score10);
	snprintf(out->vector, sizeof(out->vector),
		 "CVSS:3.%d/AV:%c/AC:%c/PR:%c/UI:%c/S:%c/C:%c/I:%c/A:%c",
		 minor, out->av, out->ac, out->pr, out->ui, out->s, out->c,
		 out->i, out->a);
	return 0;
}

/* ---- names ------------------------------------------------------------ */

const char *tlpress_cvss_severity_name(enum tlpress_cvss_severity s)
{
	switch (s) {
	case TLPRESS_CVSS_NONE: return "none";
	case TLPRESS_CVSS_LOW: return "low";
	case TLPRESS_CVSS_MEDIUM: return "medium";
	case TLPRESS_CVSS_HIGH: return "high";
	case TLPRESS_CVSS_CRITICAL: return "critical";
	}
	return "none";
}

const char *tlpress_cvss_severity_upper(enum tlpress_cvss_severity s)
{
	switch (s) {
	case TLPRESS_CVSS_NONE: return "NONE";
	case TLPRESS_CVSS_LOW: return "LOW";
	case TLPRESS_CVSS_MEDIUM: return "MEDIUM";
	case TLPRESS_CVSS_HIGH: return "HIGH";
	case TLPRESS_CVSS_CRITICAL: return "CRITICAL";
	}
	return "NONE";
}

void tlpress_cvss_score_str(int score10, char *buf, size_t size)
{
	long long v = score10;

	if (!buf || size == 0)
		return;
	if (v < 0)
		snprintf(buf, size, "-%lld.%lld", -v / 10, -v % 10);
	else
		snprintf(buf, size, "%lld.%lld", v / 10, v % 10);
}

const char *tlpress_cvss_value_name(const struct tlpress_cvss *c,
				    const char *metric)
{
	const char *hit;
	char letter;
	int k;

	if (!c || !metric)
		return NULL;
	k = find_metric(metric, strlen(metric), 0);
	switch (k) {
	case M_AV: letter = c->av; break;
	case M_AC: letter = c->ac; break;
	case M_PR: letter = c->pr; break;
	case M_UI: letter = c->ui; break;
	case M_S: letter = c->s; break;
	case M_C: letter = c->c; break;
	case M_I: letter = c->i; break;
	case M_A: letter = c->a; break;
	default: return NULL;
	}
	if (letter == '\0')
		return NULL;
	hit = strchr(metrics[k].letters, letter);
	if (!hit)
		return NULL;
	return metrics[k].enums[hit - metrics[k].letters];
}
