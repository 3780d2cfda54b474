/*
 * lists.h - the mailing lists of tlpress.yml (`lists:`) and their members
 *
 * Configuration:
 *
 *   lists:
 *     - name: oes-energy                 # [a-z0-9][a-z0-9._-]*, at most 64, unique
 *       address: oes-energy@ccb.example  # a plain addr-spec, unique among lists
 *       tlp: AMBER                       # the highest label it is cleared for
 *       audience: [oes-ci]               # optional; absent = every audience
 *       encrypt: true                    # optional, true or false (default
 *                                        # false); true encrypts CLEAR too
 *       mode: expand                     # expand (default) or list-key
 *       members: lists/oes-energy.txt    # expand: the members file
 *     - name: ccb-partners
 *       address: partners@schleuder.ccb.example
 *       tlp: AMBER
 *       mode: list-key                   # one message to the list address,
 *       key: 0123...CDEF                 # encrypted to the list's own key
 *
 * Members file (mode: expand), one member a line:
 *
 *   # comment
 *   soc@operator.example  0123456789ABCDEF0123456789ABCDEF01234567  Operator NV
 *
 * `address fingerprint [organization ...]`: the address a plain addr-spec,
 * the fingerprint 40 hexadecimal digits (stored in capitals), the rest of
 * the line the organization (white space collapsed; compared without
 * regard to ASCII case). A `#` at the start of a field starts a comment
 * that runs to the end of the line. An address may appear once. A file
 * over TLPRESS_MEMBERS_MAX_SIZE bytes or TLPRESS_MEMBERS_MAX_LINES lines,
 * or one that is not a regular file, is refused before it is parsed.
 *
 * Refused in the configuration, each with file:line:col and a hint: unknown
 * keys (with "did you mean"); a missing name, address or tlp; a name or
 * address that could smuggle a mail header (CR, LF, ',', '<', '>', spaces,
 * controls); `tlp: RED` (RED goes to named individuals only, never to a
 * list); `tlp: AMBER+STRICT` on a list-key list (tlpress cannot see whose
 * organizations its subscribers belong to, so it could never send
 * AMBER+STRICT there); `mode: list-key` without `key` or with `members`;
 * `mode: expand` without `members` or with `key`. A warning (not an error)
 * for an expand list cleared for AMBER+STRICT whose members come from
 * more than one organization (the policy will never send AMBER+STRICT to
 * it), and for a members file with no member.
 *
 * A list with any error is left out of the result entirely, so that a
 * half-read members file is never used; the return value says that there
 * were errors, and nothing may be sent then.
 */
#ifndef TLPRESS_LISTS_H
#define TLPRESS_LISTS_H

#include <stddef.h>

#include "error.h"
#include "tlp.h"

struct tlpress_ynode;

#define TLPRESS_MEMBERS_MAX_SIZE (1024 * 1024)
#define TLPRESS_MEMBERS_MAX_LINES 100000
#define TLPRESS_LIST_NAME_MAX 64
#define TLPRESS_ORG_MAX 200

enum tlpress_list_mode {
	TLPRESS_LIST_EXPAND = 0,    /* one message per member, to its key */
	TLPRESS_LIST_KEY = 1        /* one message to the list, to its key */
};

struct tlpress_member {
	char *address;
	char *fpr;                  /* 40 upper-case hex digits */
	char *org;                  /* or NULL when the line names none */
	unsigned line;              /* in the members file */
};

struct tlpress_list {
	char *name, *address;
	enum tlpress_tlp tlp;       /* cleared up to this label; never RED */
	unsigned audience;          /* enum tlpress_audience bits; 0 = all */
	int encrypt;                /* 1: encrypt CLEAR too */
	int mode;                   /* enum tlpress_list_mode */
	char *key;                  /* list-key: the list's fingerprint */
	char *members_file;         /* expand: the path read */
	struct tlpress_member *members; /* expand */
	size_t nmembers;
	unsigned line, col;         /* of the entry in the configuration */
};

struct tlpress_lists {
	struct tlpress_list *v;
	size_t n;
};

#define TLPRESS_LISTS_INIT { NULL, 0 }

/*
 * Parse the value of `lists` (a sequence of mappings; NULL for none) from
 * config_file, reading members files relative to base_dir (NULL or "."
 * for the current folder; absolute paths stay as they are). Every problem
 * goes to d as file:line:col (members files as members-file:line:col).
 * Returns 0 without errors, TLPRESS_EINVAL with errors (out holds the
 * lists that had none), TLPRESS_ENOMEM. Release out in every case.
 */
int tlpress_lists_parse(const struct tlpress_ynode *lists_node, const char *config_file,
			const char *base_dir, struct tlpress_lists *out,
			struct tlpress_diags *d);

/*
 * Parse a members file's bytes data[0..len) into l (members, nmembers),
 * reporting into d under the name `file`. No I/O: tlpress_lists_parse()
 * reads the file and calls this. Returns 0, TLPRESS_EINVAL (errors: l gets
 * no members), TLPRESS_ELIMIT (over the limits) or TLPRESS_ENOMEM.
 */
int tlpress_members_parse(const char *file, const char *data, size_t len,
			  struct tlpress_list *l, struct tlpress_diags *d);

void tlpress_lists_release(struct tlpress_lists *lists);

/* The list called name, or NULL. */
const struct tlpress_list *tlpress_lists_find(const struct tlpress_lists *lists,
					      const char *name);
/* The list whose own address is address (ASCII case ignored), or NULL. */
const struct tlpress_list *tlpress_lists_find_address(const struct tlpress_lists *lists,
						      const char *address);

/*
 * How many organizations an expand list's members come from: distinct
 * organization names (ASCII case ignored), each member without one
 * counting as an organization of its own (it cannot be shown to share
 * one). 0 for a list without members. (size_t)-1 for a list-key list:
 * its subscribers are not known to tlpress.
 */
size_t tlpress_list_organizations(const struct tlpress_list *l);

/* 0 when s is a plain addr-spec: printable ASCII, no white space, CR, LF,
 * ',', ';', ':', '<', '>', '(', ')', '[', ']', '"' or '\', one '@' with a
 * local part before it, a dotted domain of letters, digits, '-' and '.'
 * after it, at most 254 bytes. Anything that could add a header or a
 * second recipient is refused. */
int tlpress_mail_address_valid(const char *s);

/* 0 when s is a list name: [a-z0-9][a-z0-9._-]*, at most 64 bytes. */
int tlpress_list_name_valid(const char *s);

/* 0 when s is an OpenPGP v4 fingerprint: exactly 40 hex digits. */
int tlpress_fpr_valid(const char *s);

struct tlpress_advisory;
/*
 * Check the list names among an advisory's `recipients` against the
 * configured lists: an unknown name is an error (with a "did you mean"
 * hint), reported at the `recipients` key. Does nothing when no list is
 * configured. Returns the number of errors added.
 */
size_t tlpress_lists_check_recipients(const struct tlpress_lists *lists,
				      const struct tlpress_advisory *adv,
				      struct tlpress_diags *d);

#endif
