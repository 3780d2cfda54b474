/*
 * test_config.c - tlpress.yml from memory (tlpress_config_parse): values
 * read, and site.target's http:// only to this machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

#include "harness.h"

/* Parse yaml; 0 when it had no error. The config is released. */
static int parse(const char *yaml, char *target, size_t size)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_config cfg;
	int r = tlpress_config_parse(&cfg, "t/tlpress.yml", yaml, strlen(yaml), &d);

	if (target)
		snprintf(target, size, "%s", cfg.site.target ? cfg.site.target : "");
	tlpress_config_release(&cfg);
	tlpress_diags_release(&d);
	return r;
}

static void http_target(const char *url, int want_ok)
{
	char yaml[512], target[512];

	snprintf(yaml, sizeof(yaml), "site:\n  target: %s\n", url);
	if (want_ok) {
		INT_EQ(parse(yaml, target, sizeof(target)), 0, "site.target %s is accepted", url);
		STR_EQ(target, url, "and kept");
	} else {
		INT_EQ(parse(yaml, NULL, 0), TLPRESS_EINVAL, "site.target %s is refused", url);
	}
}

/* yaml is refused with a message holding `want` and not the secret
 * "Pw0rd-Secret" it holds. */
static void secret_refused(const char *yaml, const char *want)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_config cfg;
	int r = tlpress_config_parse(&cfg, "t/tlpress.yml", yaml, strlen(yaml), &d), said = 0,
	    leaked = 0;
	char one[256];
	size_t i;

	/* the YAML on one line, for the test's name */
	for (i = 0; yaml[i] && i + 1 < sizeof(one); i++)
		one[i] = yaml[i] == '\n' ? ' ' : yaml[i];
	one[i] = '\0';
	for (i = 0; i < d.n; i++) {
		said |= strstr(d.v[i].msg, want) != NULL;
		leaked |= strstr(d.v[i].msg, "Pw0rd") || (d.v[i].hint &&
							  strstr(d.v[i].hint, "Pw0rd"));
	}
	INT_EQ(r, TLPRESS_EINVAL, "refused: %s", one);
	OK(said, "... saying '%s'%s%s", want, d.n ? ": " : "", d.n ? d.v[0].msg : "");
	OK(!leaked, "... without showing the secret");
	tlpress_config_release(&cfg);
	tlpress_diags_release(&d);
}

static void secrets(void)
{
	secret_refused("site:\n  target: https://u:Pw0rd-Secret@dav.example/\n",
		       "holds a password");
	secret_refused("site:\n  target: htps://u:Pw0rd-Secret@dav.example/\n",
		       "'htps://***@dav.example/' is not a URL");
	secret_refused("site:\n  target: https://dav.example/?password=Pw0rd-Secret\n",
		       "has a query");
	secret_refused("site:\n  url: https://u:Pw0rd-Secret@csirt.example/\n",
		       "user name or password");
	secret_refused("smtp:\n  url: smtp://u:Pw0rd-Secret@127.0.0.1:25/\n",
		       "holds a user name or password");
	secret_refused("smtp:\n  url: smpt://u:Pw0rd-Secret@127.0.0.1:25/\n",
		       "'smpt://***@127.0.0.1:25/' is not an smtp://");
	secret_refused("smtp:\n  url: smtp://127.0.0.1:25/?auth=Pw0rd-Secret\n", "has a query");
	secret_refused("smtp:\n  password: Pw0rd-Secret\n",
		       "'smtp.password': passwords and other secrets never go in tlpress.yml");
	secret_refused("site:\n  dav_pass: Pw0rd-Secret\n", "'site.dav_pass': passwords");
	secret_refused("api_token: Pw0rd-Secret\n", "'api_token': passwords");
	secret_refused("site:\n  security_txt: javascript:alert(1)\n", "not a contact URI");
}

int main(void)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_config cfg;
	const char *y = "site:\n  title: Advisories\n  feed_items: 7\nstate: st\n";
	int r;

	r = tlpress_config_parse(&cfg, "conf/tlpress.yml", y, strlen(y), &d);
	INT_EQ(r, 0, "a configuration from memory parses");
	STR_EQ(cfg.site.title, "Advisories", "its values are read");
	INT_EQ(cfg.site.feed_items, 7, "numbers too");
	STR_EQ(cfg.dir, "conf", "paths are relative to the named file's folder");
	STR_EQ(cfg.path, "conf/tlpress.yml", "which is its path");
	STR_EQ(cfg.site.lang, "en", "what it does not set keeps its default");
	tlpress_config_release(&cfg);
	tlpress_diags_release(&d);

	r = tlpress_config_parse(&cfg, "tlpress.yml", "site: [", 7, &d);
	INT_EQ(r, TLPRESS_EINVAL, "bad YAML is an error");
	OK(d.n == 1 && d.v[0].line > 0 && !strcmp(d.v[0].file, "tlpress.yml"),
	   "named with the file and line");
	tlpress_config_release(&cfg);
	tlpress_diags_release(&d);

	http_target("http://127.0.0.1:8080/site/", 1);
	http_target("http://127.1.2.3/site/", 1);
	http_target("http://localhost/site/", 1);
	http_target("http://[::1]:80/site/", 1);
	http_target("http://127.0.0.1.evil.example/site/", 0);
	http_target("http://127.example.com/site/", 0);
	http_target("http://127.0.0.999/site/", 0);
	http_target("http://dav.example/site/", 0);
	http_target("https://dav.example/site/", 1);
	secrets();

	printf("1..%d\n", harness_n);
	return harness_failed != 0;
}
