/* journal.c - the state folder's SQLite journal; see journal.h */
#include "journal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "buf.h"
#include "fsutil.h"

struct tlpress_journal {
	sqlite3 *db;
	char *path;
};

#define SCHEMA_VERSION 1

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);"
	"CREATE TABLE IF NOT EXISTS target (url TEXT PRIMARY KEY, seen INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS remote ("
	"  target TEXT NOT NULL, path TEXT NOT NULL,"
	"  size INTEGER NOT NULL, sha256 BLOB,"   /* NULL: bytes unknown */
	"  pending INTEGER NOT NULL DEFAULT 0,"
	"  PRIMARY KEY (target, path)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS advisory ("
	"  target TEXT NOT NULL, slug TEXT NOT NULL, label INTEGER NOT NULL,"
	"  cutsig BLOB,"                          /* NULL: nothing cut */
	"  PRIMARY KEY (target, slug)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS mail ("
	"  advisory TEXT NOT NULL, version INTEGER NOT NULL, address TEXT NOT NULL,"
	"  message_id TEXT NOT NULL, clearance INTEGER NOT NULL,"
	"  encrypted INTEGER NOT NULL, notice INTEGER NOT NULL,"
	"  key_fpr TEXT, key_problem TEXT, via TEXT,"
	"  state INTEGER NOT NULL, attempts INTEGER NOT NULL DEFAULT 0,"
	"  next_try INTEGER NOT NULL DEFAULT 0, code INTEGER NOT NULL DEFAULT 0, reply TEXT,"
	"  created INTEGER NOT NULL, updated INTEGER NOT NULL, bytes BLOB NOT NULL,"
	"  PRIMARY KEY (advisory, version, address)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS event ("
	"  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, what TEXT NOT NULL,"
	"  subject TEXT, text TEXT NOT NULL);";

static int dberr(struct tlpress_journal *j, struct tlpress_error *err, const char *what)
{
	int code = sqlite3_errcode(j->db) & 0xff, e = 0;
	const char *hint;

	switch (code) {
	case SQLITE_FULL: e = ENOSPC; break;
	case SQLITE_READONLY: case SQLITE_CANTOPEN: case SQLITE_PERM: e = EACCES; break;
	case SQLITE_IOERR: e = EIO; break;
	}
	if (code == SQLITE_BUSY || code == SQLITE_LOCKED)
		hint = "another process holds it: try again later";
	else if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
		hint = "restore it from a backup, or move it aside and run again: the next push "
		       "re-sends every file, and the mail it records as sent would go again "
		       "(see 'tlpress mail -n' first)";
	else
		hint = e ? tlpress_errno_hint(e) : NULL;
	return tlpress_error_set(err, code == SQLITE_BUSY || code == SQLITE_LOCKED
				 ? TLPRESS_ELOCKED : TLPRESS_EIO,
				 "journal '%s': %s: %s%s%s", j->path, what, sqlite3_errmsg(j->db),
				 hint ? "; " : "", hint ? hint : "");
}

static int exec(struct tlpress_journal *j, const char *sql, struct tlpress_error *err)
{
	if (sqlite3_exec(j->db, sql, NULL, NULL, NULL) != SQLITE_OK)
		return dberr(j, err, "cannot update");
	return 0;
}

static int prepare(struct tlpress_journal *j, const char *sql, sqlite3_stmt **st,
		   struct tlpress_error *err)
{
	if (sqlite3_prepare_v2(j->db, sql, -1, st, NULL) != SQLITE_OK) {
		*st = NULL;
		return dberr(j, err, "cannot read");
	}
	return 0;
}

int tlpress_journal_open(struct tlpress_journal **out, const char *state_dir, int readonly,
			 struct tlpress_error *err)
{
	struct tlpress_journal *j;
	struct tlpress_buf p = TLPRESS_BUF_INIT;
	struct stat st;
	int rc, fd;

	*out = NULL;
	if (readonly && lstat(state_dir, &st) < 0 && errno == ENOENT)
		return 0; /* nothing was ever recorded */
	rc = tlpress_state_dir(state_dir, !readonly, err);
	if (rc)
		return rc;
	tlpress_path_join(&p, state_dir, TLPRESS_JOURNAL_NAME);
	if (p.failed)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	if (lstat(p.ptr, &st) == 0) {
		if (!S_ISREG(st.st_mode)) {
			rc = tlpress_error_set(err, TLPRESS_EUSAGE, "journal '%s' is not a regular "
					       "file; move it aside", p.ptr);
			goto fail;
		}
		if (st.st_mode & 077) {
			rc = tlpress_error_set(err, TLPRESS_EUSAGE, "journal '%s' may be read by "
					       "others (mode %03o); run 'chmod 600 %s'", p.ptr,
					       (unsigned)(st.st_mode & 0777), p.ptr);
			goto fail;
		}
	} else if (readonly) {
		tlpress_buf_release(&p);
		return 0;
	} else {
		/* made here with mode 0600, before SQLite opens it */
		fd = open(p.ptr, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0 && errno != EEXIST) {
			rc = tlpress_error_errno(err, TLPRESS_EIO, errno,
						 "cannot make journal '%s'", p.ptr);
			goto fail;
		}
		if (fd >= 0)
			close(fd);
	}
	j = calloc(1, sizeof(*j));
	if (!j) {
		rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		goto fail;
	}
	j->path = tlpress_buf_detach(&p, NULL);
	if (sqlite3_open_v2(j->path, &j->db, (readonly ? SQLITE_OPEN_READONLY :
			    SQLITE_OPEN_READWRITE) | SQLITE_OPEN_NOFOLLOW | SQLITE_OPEN_FULLMUTEX,
			    NULL) != SQLITE_OK) {
		rc = j->db ? dberr(j, err, "cannot open")
			   : tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		tlpress_journal_close(j);
		return rc;
	}
	sqlite3_busy_timeout(j->db, 10000);
	if (!readonly) {
		char ver[160];

		/* WAL: readers beside the writer; NORMAL: a commit is durable
		 * at the next checkpoint, except where FULL is asked for
		 * (tlpress_journal_remote_pending) */
		snprintf(ver, sizeof(ver), "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
			 "INSERT OR IGNORE INTO meta VALUES ('schema', '%d');", SCHEMA_VERSION);
		rc = exec(j, schema, err);
		if (!rc)
			rc = exec(j, ver, err);
		if (rc) {
			tlpress_journal_close(j);
			return rc;
		}
	}
	*out = j;
	return 0;
fail:
	tlpress_buf_release(&p);
	return rc;
}

void tlpress_journal_close(struct tlpress_journal *j)
{
	if (!j)
		return;
	sqlite3_close(j->db);
	free(j->path);
	free(j);
}

int tlpress_journal_remote_load(struct tlpress_journal *j, const char *target,
				struct tlpress_manifest *m, int *known, struct tlpress_error *err)
{
	sqlite3_stmt *st;
	int rc, r;

	*known = 0;
	if (!j)
		return 0;
	rc = prepare(j, "SELECT 1 FROM target WHERE url = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	*known = r == SQLITE_ROW;
	sqlite3_finalize(st);
	if (r != SQLITE_ROW && r != SQLITE_DONE)
		return dberr(j, err, "cannot read");
	rc = prepare(j, "SELECT path, size, sha256, pending FROM remote WHERE target = ?1", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		unsigned char sha[TLPRESS_SHA256_LEN];
		const void *blob = sqlite3_column_blob(st, 2);
		struct tlpress_mentry *e;

		memset(sha, 0, sizeof(sha));
		if (blob && sqlite3_column_bytes(st, 2) == TLPRESS_SHA256_LEN)
			memcpy(sha, blob, sizeof(sha));
		if (tlpress_manifest_add(m, (const char *)sqlite3_column_text(st, 0),
					 (unsigned long long)sqlite3_column_int64(st, 1), sha)) {
			sqlite3_finalize(st);
			return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		}
		e = &m->v[m->n - 1];
		e->mark = sqlite3_column_int(st, 3) || !blob;
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return dberr(j, err, "cannot read");
	tlpress_manifest_sort(m);
	return 0;
}

static int begin(struct tlpress_journal *j, struct tlpress_error *err)
{
	return exec(j, "BEGIN IMMEDIATE", err);
}

static int commit(struct tlpress_journal *j, int rc, struct tlpress_error *err)
{
	if (rc) {
		sqlite3_exec(j->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	return exec(j, "COMMIT", err);
}

static int put_remote(struct tlpress_journal *j, sqlite3_stmt *st, const char *target,
		      const char *path, unsigned long long size, const unsigned char *sha,
		      int pending, struct tlpress_error *err)
{
	sqlite3_reset(st);
	sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)size);
	if (sha)
		sqlite3_bind_blob(st, 4, sha, TLPRESS_SHA256_LEN, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 4);
	sqlite3_bind_int(st, 5, pending);
	if (sqlite3_step(st) != SQLITE_DONE)
		return dberr(j, err, "cannot update");
	return 0;
}

static const char upsert_sql[] =
	"INSERT INTO remote (target, path, size, sha256, pending) VALUES (?1, ?2, ?3, ?4, ?5) "
	"ON CONFLICT (target, path) DO UPDATE SET size = ?3, sha256 = ?4, pending = ?5";

static const char pending_sql[] =
	"INSERT INTO remote (target, path, size, sha256, pending) VALUES (?1, ?2, 0, NULL, 1) "
	"ON CONFLICT (target, path) DO UPDATE SET pending = 1";

static int seen(struct tlpress_journal *j, const char *target, struct tlpress_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(j, "INSERT OR IGNORE INTO target VALUES (?1, strftime('%s','now'))",
			 &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = dberr(j, err, "cannot update");
	sqlite3_finalize(st);
	return rc;
}

int tlpress_journal_remote_seed(struct tlpress_journal *j, const char *target,
				const struct tlpress_manifest *m, struct tlpress_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc = begin(j, err);

	if (rc)
		return rc;
	rc = seen(j, target, err);
	if (!rc)
		rc = prepare(j, upsert_sql, &st, err);
	for (i = 0; i < m->n && !rc; i++)
		rc = put_remote(j, st, target, m->v[i].path, m->v[i].size,
				m->v[i].mark ? NULL : m->v[i].sha256, 0, err);
	sqlite3_finalize(st);
	return commit(j, rc, err);
}

int tlpress_journal_remote_pending(struct tlpress_journal *j, const char *target,
				   char *const *paths, size_t n, struct tlpress_error *err)
{
	sqlite3_stmt *st = NULL;
	size_t i;
	int rc;

	if (!n)
		return 0;
	/* this one commit must be on disk before the first byte leaves */
	rc = exec(j, "PRAGMA synchronous=FULL", err);
	if (!rc)
		rc = begin(j, err);
	if (rc)
		return rc;
	rc = seen(j, target, err);
	if (!rc)
		rc = prepare(j, pending_sql, &st, err);
	for (i = 0; i < n && !rc; i++) {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, paths[i], -1, SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = dberr(j, err, "cannot update");
	}
	sqlite3_finalize(st);
	rc = commit(j, rc, err);
	if (!rc)
		rc = exec(j, "PRAGMA synchronous=NORMAL", err);
	return rc;
}

int tlpress_journal_remote_done(struct tlpress_journal *j, const char *target, const char *path,
				unsigned long long size, const unsigned char sha256[TLPRESS_SHA256_LEN],
				struct tlpress_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(j, upsert_sql, &st, err);

	if (!rc)
		rc = put_remote(j, st, target, path, size, sha256, 0, err);
	sqlite3_finalize(st);
	return rc;
}

int tlpress_journal_remote_gone(struct tlpress_journal *j, const char *target, const char *path,
				struct tlpress_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(j, "DELETE FROM remote WHERE target = ?1 AND path = ?2", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, path, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = dberr(j, err, "cannot update");
	sqlite3_finalize(st);
	return rc;
}

int tlpress_journal_adv_load(struct tlpress_journal *j, const char *target,
			     struct tlpress_jadv **v, size_t *n, struct tlpress_error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0;
	int rc, r;

	*v = NULL;
	*n = 0;
	if (!j)
		return 0;
	rc = prepare(j, "SELECT slug, label, cutsig FROM advisory WHERE target = ?1 ORDER BY slug",
		     &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, target, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct tlpress_jadv *a;
		const void *blob = sqlite3_column_blob(st, 2);

		if (*n == cap) {
			size_t nc = cap ? cap * 2 : 64;
			struct tlpress_jadv *nv = realloc(*v, nc * sizeof(*nv));

			if (!nv) {
				sqlite3_finalize(st);
				return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			}
			*v = nv;
			cap = nc;
		}
		a = &(*v)[(*n)++];
		memset(a, 0, sizeof(*a));
		snprintf(a->slug, sizeof(a->slug), "%s", (const char *)sqlite3_column_text(st, 0));
		a->label = (enum tlpress_tlp)sqlite3_column_int(st, 1);
		if (blob && sqlite3_column_bytes(st, 2) == TLPRESS_SHA256_LEN) {
			a->has_cuts = 1;
			memcpy(a->cutsig, blob, TLPRESS_SHA256_LEN);
		}
	}
	sqlite3_finalize(st);
	if (r != SQLITE_DONE)
		return dberr(j, err, "cannot read");
	return 0;
}

int tlpress_journal_adv_store(struct tlpress_journal *j, const char *target,
			      const struct tlpress_jadv *v, size_t n, struct tlpress_error *err)
{
	sqlite3_stmt *del = NULL, *ins = NULL;
	size_t i;
	int rc = begin(j, err);

	if (rc)
		return rc;
	rc = prepare(j, "DELETE FROM advisory WHERE target = ?1", &del, err);
	if (!rc) {
		sqlite3_bind_text(del, 1, target, -1, SQLITE_STATIC);
		if (sqlite3_step(del) != SQLITE_DONE)
			rc = dberr(j, err, "cannot update");
	}
	if (!rc)
		rc = prepare(j, "INSERT OR REPLACE INTO advisory VALUES (?1, ?2, ?3, ?4)", &ins, err);
	for (i = 0; i < n && !rc; i++) {
		sqlite3_reset(ins);
		sqlite3_bind_text(ins, 1, target, -1, SQLITE_STATIC);
		sqlite3_bind_text(ins, 2, v[i].slug, -1, SQLITE_STATIC);
		sqlite3_bind_int(ins, 3, (int)v[i].label);
		if (v[i].has_cuts)
			sqlite3_bind_blob(ins, 4, v[i].cutsig, TLPRESS_SHA256_LEN, SQLITE_STATIC);
		else
			sqlite3_bind_null(ins, 4);
		if (sqlite3_step(ins) != SQLITE_DONE)
			rc = dberr(j, err, "cannot update");
	}
	sqlite3_finalize(del);
	sqlite3_finalize(ins);
	return commit(j, rc, err);
}

int tlpress_journal_event(struct tlpress_journal *j, long long when, const char *what,
			  const char *subject, const char *text, struct tlpress_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(j, "INSERT INTO event (at, what, subject, text) VALUES (?1, ?2, ?3, ?4)",
			 &st, err);

	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, when);
	sqlite3_bind_text(st, 2, what, -1, SQLITE_STATIC);
	if (subject)
		sqlite3_bind_text(st, 3, subject, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 3);
	sqlite3_bind_text(st, 4, text, -1, SQLITE_STATIC);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = dberr(j, err, "cannot update");
	sqlite3_finalize(st);
	return rc;
}

int tlpress_journal_event_once(struct tlpress_journal *j, long long when, const char *what,
			       const char *subject, const char *text, int *fresh,
			       struct tlpress_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(j, "SELECT 1 FROM event WHERE what = ?1 AND subject IS ?2 AND text = ?3",
			 &st, err), r;

	*fresh = 0;
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, what, -1, SQLITE_STATIC);
	if (subject)
		sqlite3_bind_text(st, 2, subject, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, 2);
	sqlite3_bind_text(st, 3, text, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	sqlite3_finalize(st);
	if (r == SQLITE_ROW)
		return 0;
	if (r != SQLITE_DONE)
		return dberr(j, err, "cannot read");
	*fresh = 1;
	return tlpress_journal_event(j, when, what, subject, text, err);
}

int tlpress_journal_events(struct tlpress_journal *j, size_t limit, tlpress_journal_event_fn fn,
			   void *ctx, struct tlpress_error *err)
{
	sqlite3_stmt *st;
	int rc, r;

	if (!j)
		return 0;
	rc = prepare(j, "SELECT at, what, subject, text FROM (SELECT * FROM event ORDER BY id DESC "
		     "LIMIT ?1) ORDER BY id", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_int64(st, 1, limit ? (sqlite3_int64)limit : -1);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		rc = fn(ctx, sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1),
			(const char *)sqlite3_column_text(st, 2),
			(const char *)sqlite3_column_text(st, 3));
		if (rc)
			break;
	}
	sqlite3_finalize(st);
	if (!rc && r != SQLITE_DONE)
		return dberr(j, err, "cannot read");
	return rc;
}

const char *tlpress_mail_state_name(int state)
{
	static const char *const names[] = { "queued", "sent", "failed-temporary",
		"failed-permanent", "skipped-no-key" };

	return state >= 0 && state < 5 ? names[state] : "unknown";
}

static char *col_dup(sqlite3_stmt *st, int i)
{
	const unsigned char *t = sqlite3_column_text(st, i);

	return t ? strdup((const char *)t) : NULL;
}

void tlpress_jmail_release(struct tlpress_jmail *m)
{
	free(m->advisory);
	free(m->address);
	free(m->message_id);
	free(m->key_fpr);
	free(m->key_problem);
	free(m->via);
	free(m->reply);
	free(m->bytes);
	memset(m, 0, sizeof(*m));
}

#define MAIL_COLS "advisory, version, address, message_id, clearance, encrypted, notice, " \
	"key_fpr, key_problem, via, state, attempts, next_try, code, reply, created, updated"

static int mail_row(sqlite3_stmt *st, struct tlpress_jmail *m, int with_bytes)
{
	memset(m, 0, sizeof(*m));
	m->advisory = col_dup(st, 0);
	m->version = sqlite3_column_int(st, 1);
	m->address = col_dup(st, 2);
	m->message_id = col_dup(st, 3);
	m->clearance = sqlite3_column_int(st, 4);
	m->encrypted = sqlite3_column_int(st, 5);
	m->notice = sqlite3_column_int(st, 6);
	m->key_fpr = col_dup(st, 7);
	m->key_problem = col_dup(st, 8);
	m->via = col_dup(st, 9);
	m->state = sqlite3_column_int(st, 10);
	m->attempts = sqlite3_column_int(st, 11);
	m->next_try = sqlite3_column_int64(st, 12);
	m->code = (long)sqlite3_column_int64(st, 13);
	m->reply = col_dup(st, 14);
	m->created = sqlite3_column_int64(st, 15);
	m->updated = sqlite3_column_int64(st, 16);
	if (with_bytes) {
		int n = sqlite3_column_bytes(st, 17);
		const void *b = sqlite3_column_blob(st, 17);

		m->bytes = malloc(n > 0 ? (size_t)n : 1);
		if (!m->bytes)
			return -1;
		if (n > 0)
			memcpy(m->bytes, b, (size_t)n);
		m->len = n > 0 ? (size_t)n : 0;
	}
	return m->advisory && m->address && m->message_id ? 0 : -1;
}

int tlpress_journal_mail_get(struct tlpress_journal *j, const char *advisory, int version,
			     const char *address, int with_bytes, struct tlpress_jmail *m, int *found,
			     struct tlpress_error *err)
{
	sqlite3_stmt *st;
	int rc, r;

	*found = 0;
	memset(m, 0, sizeof(*m));
	if (!j)
		return 0;
	rc = prepare(j, "SELECT " MAIL_COLS ", bytes FROM mail WHERE advisory = ?1 AND "
		     "version = ?2 AND address = ?3", &st, err);
	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, advisory, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, version);
	sqlite3_bind_text(st, 3, address, -1, SQLITE_STATIC);
	r = sqlite3_step(st);
	if (r == SQLITE_ROW) {
		*found = 1;
		if (mail_row(st, m, with_bytes))
			rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	} else if (r != SQLITE_DONE) {
		rc = dberr(j, err, "cannot read");
	}
	sqlite3_finalize(st);
	if (rc && *found) {
		tlpress_jmail_release(m);
		*found = 0;
	}
	return rc;
}

static void bind_opt(sqlite3_stmt *st, int i, const char *s)
{
	if (s)
		sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, i);
}

int tlpress_journal_mail_queue(struct tlpress_journal *j, const struct tlpress_jmail *m,
			       long long now, struct tlpress_error *err)
{
	sqlite3_stmt *st = NULL;
	int rc = exec(j, "PRAGMA synchronous=FULL", err);

	if (!rc)
		rc = prepare(j, "INSERT INTO mail (" MAIL_COLS ", bytes) VALUES (?1, ?2, ?3, ?4, ?5, "
			     "?6, ?7, ?8, ?9, ?10, ?11, 0, 0, 0, NULL, ?12, ?12, ?13)", &st, err);
	if (!rc) {
		sqlite3_bind_text(st, 1, m->advisory, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 2, m->version);
		sqlite3_bind_text(st, 3, m->address, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, m->message_id, -1, SQLITE_STATIC);
		sqlite3_bind_int(st, 5, m->clearance);
		sqlite3_bind_int(st, 6, m->encrypted);
		sqlite3_bind_int(st, 7, m->notice);
		bind_opt(st, 8, m->key_fpr);
		bind_opt(st, 9, m->key_problem);
		bind_opt(st, 10, m->via);
		sqlite3_bind_int(st, 11, m->state);
		sqlite3_bind_int64(st, 12, now);
		sqlite3_bind_blob(st, 13, m->bytes ? (const void *)m->bytes : "", (int)m->len,
				  SQLITE_STATIC);
		if (sqlite3_step(st) != SQLITE_DONE)
			rc = dberr(j, err, "cannot record the mail");
	}
	sqlite3_finalize(st);
	if (!rc)
		rc = exec(j, "PRAGMA synchronous=NORMAL", err);
	return rc;
}

int tlpress_journal_mail_update(struct tlpress_journal *j, const char *advisory, int version,
				const char *address, int state, long code, const char *reply,
				long long next_try, long long now, struct tlpress_error *err)
{
	sqlite3_stmt *st;
	int rc = prepare(j, "UPDATE mail SET state = ?4, code = ?5, reply = ?6, next_try = ?7, "
			 "updated = ?8, attempts = attempts + 1 WHERE advisory = ?1 AND "
			 "version = ?2 AND address = ?3", &st, err);

	if (rc)
		return rc;
	sqlite3_bind_text(st, 1, advisory, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 2, version);
	sqlite3_bind_text(st, 3, address, -1, SQLITE_STATIC);
	sqlite3_bind_int(st, 4, state);
	sqlite3_bind_int64(st, 5, code);
	bind_opt(st, 6, reply);
	sqlite3_bind_int64(st, 7, next_try);
	sqlite3_bind_int64(st, 8, now);
	if (sqlite3_step(st) != SQLITE_DONE)
		rc = dberr(j, err, "cannot update the mail");
	sqlite3_finalize(st);
	return rc;
}

int tlpress_journal_mail_list(struct tlpress_journal *j, const char *advisory,
			      int (*fn)(void *ctx, const struct tlpress_jmail *m), void *ctx,
			      struct tlpress_error *err)
{
	sqlite3_stmt *st;
	int rc, r;

	if (!j)
		return 0;
	rc = prepare(j, advisory ? "SELECT " MAIL_COLS " FROM mail WHERE advisory = ?1 "
		     "ORDER BY advisory, version, address"
		     : "SELECT " MAIL_COLS " FROM mail ORDER BY advisory, version, address", &st, err);
	if (rc)
		return rc;
	if (advisory)
		sqlite3_bind_text(st, 1, advisory, -1, SQLITE_STATIC);
	while ((r = sqlite3_step(st)) == SQLITE_ROW) {
		struct tlpress_jmail m;

		if (mail_row(st, &m, 0)) {
			tlpress_jmail_release(&m);
			rc = tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
			break;
		}
		rc = fn(ctx, &m);
		tlpress_jmail_release(&m);
		if (rc)
			break;
	}
	sqlite3_finalize(st);
	if (!rc && r != SQLITE_DONE && r != SQLITE_ROW)
		return dberr(j, err, "cannot read");
	return rc;
}
