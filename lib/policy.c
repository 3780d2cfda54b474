/* policy.c - every TLP decision, as pure functions; see policy.h */
#include "policy.h"

#include <stdlib.h>
#include <string.h>

#include "strutil.h"

const char *tlpress_verdict_text(enum tlpress_verdict v)
{
	switch (v) {
	case TLPRESS_PUBLISH: return "publishable";
	case TLPRESS_REFUSE_INVALID: return "has errors";
	case TLPRESS_REFUSE_DRAFT: return "draft";
	case TLPRESS_REFUSE_EMBARGO: return "under embargo";
	case TLPRESS_REFUSE_LABEL: return "labelled above the clearance";
	}
	return "refused";
}

int tlpress_policy_downgrade_due(const struct tlpress_advisory *adv,
				 const struct tlpress_time *now)
{
	return adv->downgrade.set && adv->downgrade.at.valid &&
	       tlpress_time_cmp(now, &adv->downgrade.at) >= 0;
}

enum tlpress_tlp tlpress_policy_base_label(const struct tlpress_advisory *adv,
					   const struct tlpress_time *now)
{
	if (tlpress_policy_downgrade_due(adv, now) && adv->downgrade.to < adv->tlp)
		return adv->downgrade.to;
	return adv->tlp;
}

int tlpress_policy_embargoed(const struct tlpress_advisory *adv,
			     const struct tlpress_time *now)
{
	return adv->embargo.valid && tlpress_time_cmp(now, &adv->embargo) < 0;
}

enum tlpress_tlp tlpress_policy_block_label(const struct tlpress_advisory *adv,
					    size_t i, enum tlpress_tlp base)
{
	int mark = i < adv->nblocks ? adv->blocks[i].mark : TLPRESS_TLP_RED;

	return mark > (int)base ? (enum tlpress_tlp)mark : base;
}

int tlpress_policy_keep_block(const struct tlpress_advisory *adv, size_t i,
			      enum tlpress_tlp base, enum tlpress_tlp clearance)
{
	return tlpress_policy_cleared(tlpress_policy_block_label(adv, i, base), clearance);
}

int tlpress_policy_keep_section(const struct tlpress_advisory *adv, size_t s,
				enum tlpress_tlp clearance)
{
	return s < adv->nsections && tlpress_policy_cleared(adv->sections[s].label, clearance);
}

enum tlpress_verdict tlpress_policy_publishable(const struct tlpress_advisory *adv,
						const struct tlpress_time *now,
						enum tlpress_tlp clearance)
{
	if (adv->nerrors || !adv->id || !adv->nrevisions)
		return TLPRESS_REFUSE_INVALID;
	if (adv->status == TLPRESS_STATUS_DRAFT)
		return TLPRESS_REFUSE_DRAFT;
	if (tlpress_policy_embargoed(adv, now))
		return TLPRESS_REFUSE_EMBARGO;
	if (!tlpress_policy_cleared(tlpress_policy_base_label(adv, now), clearance))
		return TLPRESS_REFUSE_LABEL;
	return TLPRESS_PUBLISH;
}

enum tlpress_tlp tlpress_policy_rendition_label(const struct tlpress_advisory *adv,
						enum tlpress_tlp base,
						enum tlpress_tlp clearance)
{
	enum tlpress_tlp label = base;
	size_t i;

	for (i = 0; i < adv->nblocks; i++) {
		enum tlpress_tlp b = tlpress_policy_block_label(adv, i, base);

		if (b <= clearance && b > label)
			label = b;
	}
	return label;
}

int tlpress_policy_cleared(enum tlpress_tlp label, enum tlpress_tlp clearance)
{
	return label <= clearance;
}

int tlpress_policy_tree_clearance_ok(enum tlpress_tlp clearance)
{
	return clearance == TLPRESS_TLP_CLEAR || clearance == TLPRESS_TLP_GREEN ? 0 : -1;
}

int tlpress_policy_tree_overwrite_ok(const char *held, enum tlpress_tlp clearance)
{
	enum tlpress_tlp t;

	if (!held || !*held)
		return 0;
	if (tlpress_tlp_parse(held, strlen(held), &t) != TLPRESS_TLP_PARSE_OK)
		return -1;
	return t == clearance ? 0 : -1;
}

struct claim {
	const char *id;
	size_t i;
};

static int cmp_claim(const void *pa, const void *pb)
{
	const struct claim *a = pa, *b = pb;
	int c = tlpress_id_cmp(a->id, b->id);

	return c ? c : (a->i > b->i) - (a->i < b->i);
}

long tlpress_policy_claimed_twice(const char *const *ids, size_t n, size_t *also)
{
	struct claim *c = malloc((n ? n : 1) * sizeof(*c));
	size_t i, k = 0;
	long refused = 0;

	if (!c)
		return -1;
	for (i = 0; i < n; i++) {
		also[i] = TLPRESS_CLAIMED_ONCE;
		if (ids[i] && ids[i][0]) {
			c[k].id = ids[i];
			c[k++].i = i;
		}
	}
	tlpress_sort(c, k, sizeof(*c), cmp_claim);
	for (i = 1; i < k; i++) {
		if (tlpress_id_cmp(c[i - 1].id, c[i].id))
			continue;
		if (also[c[i - 1].i] == TLPRESS_CLAIMED_ONCE) {
			also[c[i - 1].i] = c[i - 1].i;
			refused++;
		}
		also[c[i].i] = c[i - 1].i;
		refused++;
	}
	free(c);
	return refused;
}
