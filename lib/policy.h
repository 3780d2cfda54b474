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

/* 1 when content labelled `label` may go where `clearance` is cleared
 * (every renderer and channel asks this before it writes a byte). */
int tlpress_policy_cleared(enum tlpress_tlp label, enum tlpress_tlp clearance);

/* 0 when a built tree (website, portal) may be cleared for `clearance`:
 * CLEAR (the public site) or GREEN (an access-protected portal). AMBER and
 * above reach people by mail alone. */
int tlpress_policy_tree_clearance_ok(enum tlpress_tlp clearance);

/* 0 when a tree cleared for `clearance` may be written over the tree that
 * a manifest says is cleared for `held` (the label as the manifest writes
 * it, "TLP:CLEAR"; NULL or "" when there is no tree yet): over a tree of
 * the same clearance alone, by a build or an upload, so that nothing made
 * for one audience lands where another's is, nor is taken for its base.
 * -1 else, and for a text that is not a label. */
int tlpress_policy_tree_overwrite_ok(const char *held, enum tlpress_tlp clearance);

/* also[i] of an id no other file claims */
#define TLPRESS_CLAIMED_ONCE ((size_t)-1)

/*
 * One advisory, one id: a file whose id another file claims too (the same
 * id, or the same number padded with zeros: CCB-2026-0042 and
 * CCB-2026-00042, tlpress_id_cmp()) is neither published nor mailed, nor
 * is that other file. ids[0..n) are the ids the files claim (NULL or ""
 * for a file whose id is not known: never a duplicate). also[i] gets
 * TLPRESS_CLAIMED_ONCE when no other file claims ids[i]; else the index of
 * the file before it in the order of ids (ties by index), which the
 * report of file i names ("also used by"), or i itself for the first file
 * of its group. Returns how many files are refused, or -1 (out of
 * memory). `build`, `mail` and `check` ask this.
 */
long tlpress_policy_claimed_twice(const char *const *ids, size_t n, size_t *also);

/* ---- mail: who receives what (lib/policy_mail.c) ---- */
/*
 * tlpress_policy_mail() resolves one advisory revision to a set of
 * addresses, each with one clearance and one encryption decision. Pure: no
 * I/O, no clock; the state of each key comes from a callback (the caller
 * asks the keyring). The caller has already decided that the advisory may
 * go out now (tlpress_policy_publishable(), embargo) and passes its base
 * label (tlpress_policy_base_label()).
 *
 * Labels present. The advisory's parts carry the base label (unmarked
 * blocks, the front matter) and the label of each marked block
 * (tlpress_policy_block_label()). The *full label* is the most
 * restrictive of them (the document label after any downgrade).
 *
 * Routes, each giving one address a clearance:
 *  1. Audience. Every list whose `audience` intersects the advisory's (a
 *     list without `audience` takes all) gets the CLEAR and GREEN parts up
 *     to its own clearance: min(list tlp, GREEN). A list cleared for AMBER
 *     that is not named in `recipients` still gets only CLEAR and GREEN.
 *  2. A list named in `recipients` (by name, or by its own address: naming
 *     a list's address is naming the list) gets min(list tlp, full label),
 *     capped by tlpress_policy_list_cap(): never RED; AMBER+STRICT only for
 *     an expand list whose members all belong to one organization
 *     (tlpress_list_organizations() == 1; a member without organization
 *     counts as one of its own, and a list-key list's subscribers are
 *     unknown, so a list-key list gets AMBER at most). `audience` plays no
 *     part here: the list was named for this advisory.
 *  3. An address named in `recipients` gets the full label, RED included.
 *     Its key is looked up by address (key_state(ctx, address, NULL)).
 * A list-key list is one address (its own, encrypted to `key`); an expand
 * list is its members (each encrypted to the fingerprint of its line).
 * A route whose clearance is below the base label carries nothing (there
 * is no rendition below the base label) and is dropped.
 *
 * Clearance. An address reached by several routes (ASCII case ignored)
 * gets one delivery, cleared for the highest clearance of its routes, and
 * normalised to the label of the rendition it gets: the most restrictive
 * label present at or below it (tlpress_policy_rendition_label()), so a
 * GREEN list that receives only CLEAR parts has clearance CLEAR. Render the
 * body with tlpress_body_render(adv, base, clearance, ...): it is the same
 * body as at the un-normalised clearance, and it carries that label.
 *
 * Encryption. A delivery is encrypted when its clearance is above CLEAR,
 * when any of its routes is a list with `encrypt: true`, or when any of its
 * routes is an address named in `recipients` (named recipients always get
 * encrypted mail). The key: the fingerprint its routes name (members-file
 * line, list `key`); when they name none (a single address), the key the
 * keyring has for the address (key_fpr NULL: the transport looks it up the
 * same way the callback did). When routes name two different
 * fingerprints for one address, the state is TLPRESS_KEY_CONFLICT. A
 * delivery that must be encrypted and whose key state is not
 * TLPRESS_KEY_OK becomes a notice: notice_only 1, encrypt 0 (the notice
 * is plaintext and holds nothing but the advisory's id and a request to
 * fix the key), counted in nnotices. Nothing falls back to plaintext: not
 * even a lower rendition that would not have needed encryption. Keys are
 * not asked about for deliveries that are not encrypted.
 *
 * Refused routes, reported in `refused` (the run must show them): a list
 * named in `recipients` that does not exist; each label present that a
 * named list does not get (RED: never to a list; AMBER+STRICT: the list
 * spans organizations or its members are unknown; otherwise: above its
 * clearance); and any list, member or recipient whose name, address or
 * fingerprint is malformed (CR, LF, ',', '<', ... : a header injection;
 * hand-built or corrupted configuration), which is left out entirely.
 * Audience routes that carry nothing are normal and not reported.
 *
 * Output: deliveries sorted by address (ASCII case ignored), one per
 * address; every string is owned by the plan.
 */
struct tlpress_lists;
struct tlpress_list;

enum tlpress_key_state {
	TLPRESS_KEY_OK = 0,         /* usable for encryption */
	TLPRESS_KEY_MISSING,        /* not in the keyring */
	TLPRESS_KEY_EXPIRED,
	TLPRESS_KEY_REVOKED,
	TLPRESS_KEY_NO_ENCRYPT,     /* no encryption-capable (sub)key */
	TLPRESS_KEY_MISMATCH,       /* the fingerprint's key does not carry
				       that address */
	TLPRESS_KEY_CONFLICT        /* set by the policy, never returned by a
				       callback: routes name different keys */
};

/* "key expired", ... (static); "key state unknown" for other values. */
const char *tlpress_key_state_text(int state);

/* The state of the key for address: fpr is the fingerprint to use, or
 * NULL to look the key up by address. Returns an enum tlpress_key_state;
 * any other value counts as unusable. */
typedef int (*tlpress_key_state_fn)(void *ctx, const char *address, const char *fpr);

struct tlpress_delivery {
	char *address;
	enum tlpress_tlp clearance; /* the rendition to send, and its label */
	int encrypt;                /* 1: encrypted to key_fpr */
	int notice_only;            /* 1: a content-free "you missed" notice */
	int key_state;              /* enum tlpress_key_state; OK when the
				       delivery needs no key */
	char *key_fpr;              /* the key (also named for a notice), or
				       NULL: by address, or no key needed */
	char *via;                  /* the list name, or "recipients", of the
				       route that gave the clearance */
	char *reason;               /* every route, and the key problem */
};

enum tlpress_refusal_kind {
	TLPRESS_REFUSED_UNKNOWN_LIST,   /* `recipients` names no configured list */
	TLPRESS_REFUSED_CLEARANCE,      /* parts above the list's clearance */
	TLPRESS_REFUSED_RED_LIST,       /* RED never goes to a list */
	TLPRESS_REFUSED_STRICT_ORGS,    /* AMBER+STRICT to a list that spans
					   organizations (or whose are unknown) */
	TLPRESS_REFUSED_BAD_INPUT       /* malformed name, address, fingerprint,
					   mode or label: left out */
};

struct tlpress_mail_refusal {
	int kind;                   /* enum tlpress_refusal_kind */
	char *route;                /* the list or address (made printable) */
	int label;                  /* the label not sent, or -1 */
	char *reason;               /* "TLP:AMBER+STRICT not sent to list
				       ccb-partners: members from 3
				       organizations" */
};

struct tlpress_mail_plan {
	struct tlpress_delivery *v; /* sorted by address, one per address */
	size_t n;
	struct tlpress_mail_refusal *refused;
	size_t nrefused;
	size_t nnotices;            /* deliveries with notice_only */
};

#define TLPRESS_MAIL_PLAN_INIT { NULL, 0, NULL, 0, 0 }

/*
 * Fill out (which the caller releases in every case) with the deliveries
 * of adv at base label `base`, given the configured lists (NULL for none)
 * and key_state (required). Returns 0; TLPRESS_EPOLICY for an advisory
 * with errors or a draft; TLPRESS_EUSAGE for missing arguments, a base
 * that is not a label, or an advisory parsed with TLPRESS_PARSE_FRONT_ONLY
 * (its marked sections are unknown, so nothing could be cut);
 * TLPRESS_ENOMEM.
 */
int tlpress_policy_mail(const struct tlpress_advisory *adv, enum tlpress_tlp base,
			const struct tlpress_lists *lists, tlpress_key_state_fn key_state,
			void *ctx, struct tlpress_mail_plan *out);

void tlpress_mail_plan_release(struct tlpress_mail_plan *plan);

/* The highest label list l may receive when it is named in `recipients`:
 * its `tlp`, never above AMBER+STRICT, and AMBER at most unless it is an
 * expand list whose members belong to one organization. -1 for a list
 * whose `tlp` or `mode` is not valid. */
int tlpress_policy_list_cap(const struct tlpress_list *l);


#endif
