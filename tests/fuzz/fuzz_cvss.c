/*
 * fuzz_cvss.c - the CVSS parser: the input is one vector string. A vector
 * that parses must give back a canonical vector that parses to the same
 * score, and a score within 0.0 to 10.0.
 */
#include "fuzz.h"

#include "cvss.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const metrics[] = { "AV", "AC", "PR", "UI", "S", "C", "I", "A", "E" };
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_cvss c, again;
	char score[TLPRESS_CVSS_SCORE_STR_SIZE];
	char *s = fuzz_strndup(data, size);
	size_t i;

	if (!s)
		return 0;
	if (tlpress_cvss_parse(s, &c, &err) == 0) {
		if (c.score10 < 0 || c.score10 > 100)
			abort();
		tlpress_cvss_score_str(c.score10, score, sizeof(score));
		(void)tlpress_cvss_severity_name(c.severity);
		(void)tlpress_cvss_severity_upper(c.severity);
		for (i = 0; i < sizeof(metrics) / sizeof(*metrics); i++)
			(void)tlpress_cvss_value_name(&c, metrics[i]);
		if (tlpress_cvss_parse(c.vector, &again, &err) != 0 ||
		    again.score10 != c.score10 || strcmp(again.vector, c.vector))
			abort();    /* the canonical form must read back the same */
	}
	if (size >= sizeof(double) + 1) {
		double x;

		memcpy(&x, data + 1, sizeof(x));
		(void)tlpress_cvss_roundup(x, data[0] & 1);
	}
	free(s);
	return 0;
}
