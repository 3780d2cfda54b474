/*
 * fuzz_config.c - the configuration parser: the input is a tlpress.yml.
 * Relative members files are looked up under a folder that does not exist,
 * so each is reported as unreadable; the members parser has its own target.
 */
#include "fuzz.h"

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_config cfg;
	char target[1024];
	int local;

	if (tlpress_config_parse(&cfg, "/nonexistent/fuzz/tlpress.yml", (const char *)data,
				 size, &d) != TLPRESS_ENOMEM)
		tlpress_config_target(&cfg, target, sizeof(target), &local);
	tlpress_config_release(&cfg);
	fuzz_diags_done(&d);
	return 0;
}
