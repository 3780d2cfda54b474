/* tlp.c - the Traffic Light Protocol 2.0 labels; see tlp.h */
#include "tlp.h"

#include <string.h>
#include <strings.h>

static const char *const names[] = {
	"CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"
};
static const char *const labels[] = {
	"TLP:CLEAR", "TLP:GREEN", "TLP:AMBER", "TLP:AMBER+STRICT", "TLP:RED"
};
static const char *const slugs[] = {
	"clear", "green", "amber", "amber-strict", "red"
};
static const char *const v1names[] = {
	"WHITE", "GREEN", "AMBER", "AMBER", "RED"
};
static const char *const colours[] = {
	"#FFFFFF", "#33FF00", "#FFC000", "#FFC000", "#FF2B2B"
};

static int valid(enum tlpress_tlp t)
{
	return (int)t >= 0 && (int)t < TLPRESS_TLP_COUNT;
}

int tlpress_tlp_parse(const char *s, size_t n, enum tlpress_tlp *out)
{
	char tmp[32];
	size_t i, j = 0;
	int odd = 0;

	if (n >= 4 && strncasecmp(s, "TLP:", 4) == 0) {
		odd = strncmp(s, "TLP:", 4) != 0;
		s += 4;
		n -= 4;
	}
	if (n == 0 || n >= sizeof(tmp))
		return TLPRESS_TLP_PARSE_UNKNOWN;
	for (i = 0; i < n; i++) {
		if (s[i] == ' ' || s[i] == '_' || s[i] == '-') {
			/* "AMBER STRICT", "AMBER_STRICT": meant +, but wrong */
			odd = 1;
			tmp[j++] = '+';
			continue;
		}
		tmp[j++] = s[i];
	}
	tmp[j] = '\0';
	for (i = 0; i < TLPRESS_TLP_COUNT; i++) {
		if (strcmp(tmp, names[i]) == 0) {
			*out = (enum tlpress_tlp)i;
			return odd ? TLPRESS_TLP_PARSE_CASE : TLPRESS_TLP_PARSE_OK;
		}
	}
	for (i = 0; i < TLPRESS_TLP_COUNT; i++) {
		if (strcasecmp(tmp, names[i]) == 0) {
			*out = (enum tlpress_tlp)i;
			return TLPRESS_TLP_PARSE_CASE;
		}
	}
	if (strcasecmp(tmp, "WHITE") == 0) {
		*out = TLPRESS_TLP_CLEAR;
		return TLPRESS_TLP_PARSE_WHITE;
	}
	return TLPRESS_TLP_PARSE_UNKNOWN;
}

const char *tlpress_tlp_name(enum tlpress_tlp t)
{
	return valid(t) ? names[t] : "?";
}

const char *tlpress_tlp_label(enum tlpress_tlp t)
{
	return valid(t) ? labels[t] : "TLP:?";
}

const char *tlpress_tlp_slug(enum tlpress_tlp t)
{
	return valid(t) ? slugs[t] : "unknown";
}

const char *tlpress_tlp_v1_name(enum tlpress_tlp t)
{
	return valid(t) ? v1names[t] : "RED";
}

const char *tlpress_tlp_colour(enum tlpress_tlp t)
{
	return valid(t) ? colours[t] : "#FF2B2B";
}
