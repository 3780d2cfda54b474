/*
 * fuzz_members.c - the members-file parser: the input is one members file
 * of an expand list.
 */
#include "fuzz.h"

#include "lists.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tlpress_diags d = TLPRESS_DIAGS_INIT;
	struct tlpress_lists lists = TLPRESS_LISTS_INIT;
	struct tlpress_list *l;
	size_t i;

	lists.v = calloc(1, sizeof(*lists.v));
	if (!lists.v)
		return 0;
	lists.n = 1;
	l = &lists.v[0];
	l->name = strdup("fuzz");
	l->address = strdup("fuzz@lists.example");
	if (tlpress_members_parse("members.txt", (const char *)data, size, l, &d) == 0) {
		(void)tlpress_list_organizations(l);
		for (i = 0; i < l->nmembers; i++)
			if (tlpress_mail_address_valid(l->members[i].address) ||
			    tlpress_fpr_valid(l->members[i].fpr))
				abort();    /* a member the parser should have refused */
		if (tlpress_lists_find_address(&lists, "fuzz@LISTS.example") != l)
			abort();
	}
	tlpress_lists_release(&lists);
	fuzz_diags_done(&d);
	return 0;
}
