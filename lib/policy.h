/*
 * policy.h - every TLP decision tlpress makes, in one place
 *
 * Pure functions: an advisory, a time and a clearance in; a decision out.
 * No I/O, no clock, no globals. `build`, `publish`, `mail` and `preview` all
 * ask this module before they write or send a byte, so that a new command
 * cannot bypass a restriction. Table-driven tests cover every label against
 * every clearance (tests/unit/test_policy.c).
 */
#ifndef TLPRESS_POLICY_H
#define TLPRESS_POLICY_H

#include "advisory.h"
#include "timefmt.h"
#include "tlp.h"

enum tlpress_verdict {
	TLPRESS_PUBLISH = 0,        /* may be published at this clearance */
	TLPRESS_REFUSE_INVALID,     /* the advisory has errors */
	TLPRESS_REFUSE_DRAFT,       /* status: draft */
	TLPRESS_REFUSE_EMBARGO,     /* its embargo has not passed */
	TLPRESS_REFUSE_LABEL        /* its base label is above the clearance */
};

/* Why, in words ("embargoed", "labelled above the clearance"). */
const char *tlpress_verdict_text(enum tlpress_verdict v);

/* The base label at `now`: `tlp`, or `tlp_downgrade.to` once `at` has
 * passed (at == now counts as passed). */
enum tlpress_tlp tlpress_policy_base_label(const struct tlpress_advisory *adv,
					   const struct tlpress_time *now);

/* 1 when a downgrade is set and due at now. */
int tlpress_policy_downgrade_due(const struct tlpress_advisory *adv,
				 const struct tlpress_time *now);

/* 1 when the advisory is under embargo at now. */
int tlpress_policy_embargoed(const struct tlpress_advisory *adv,
			     const struct tlpress_time *now);

/* The label of top-level block i, given the base label. */
enum tlpress_tlp tlpress_policy_block_label(const struct tlpress_advisory *adv,
					    size_t i, enum tlpress_tlp base);

/* 1 when block i belongs in the rendition cleared for `clearance`. */
int tlpress_policy_keep_block(const struct tlpress_advisory *adv, size_t i,
			      enum tlpress_tlp base, enum tlpress_tlp clearance);

/* 1 when marked section s is in the rendition cleared for `clearance`. */
int tlpress_policy_keep_section(const struct tlpress_advisory *adv, size_t s,
				enum tlpress_tlp clearance);

/* May this advisory be published in a tree or channel cleared for
 * `clearance` at `now`? Drafts, embargoed advisories, advisories with
 * errors and those whose base label is above the clearance may not. */
enum tlpress_verdict tlpress_policy_publishable(const struct tlpress_advisory *adv,
						const struct tlpress_time *now,
						enum tlpress_tlp clearance);

/* The label the rendition cleared for `clearance` carries: the most
 * restrictive label of what it holds (the base label and every kept
 * block). */
enum tlpress_tlp tlpress_policy_rendition_label(const struct tlpress_advisory *adv,
						enum tlpress_tlp base,
						enum tlpress_tlp clearance);

/* 0 when a built tree (website, portal) may be cleared for `clearance`:
 * CLEAR (the public site) or GREEN (an access-protected portal). AMBER and
 * above reach people by mail alone. */
int tlpress_policy_tree_clearance_ok(enum tlpress_tlp clearance);

#endif
