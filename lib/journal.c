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
	"CREATE TABLE IF NOT EXISTS event ("
	"  id INTEGER PRIMARY KEY, at INTEGER NOT NULL, what TEXT NOT NULL,"
	"  subject TEXT, text TEXT NOT NULL);";

static int dberr(struct tlpress_journal *j, struct tlpress_error *err, const char *what)
{
	int code = sqlite3_errcode(j->db);

	return tlpress_error_set(err, code == SQLITE_BUSY || code == SQLITE_LOCKED
				 ? TLPRESS_ELOCKED : TLPRESS_EIO,
				 "journal '%s': %s: %s%s", j->path, what, sqlite3_errmsg(j->db),
				 code == SQLITE_CORRUPT || code == SQLITE_NOTADB
				 ? "; move the file aside and run again (the next push re-sends "
				   "every file)" : "");
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

/* The state folder: made 0700 when missing; refused when it is a symbolic
 * link or others may write to it. */
static int state_dir_ok(const char *dir, int create, struct tlpress_error *err)
{
	struct stat st;

	if (create && mkdir(dir, 0700) < 0 && errno != EEXIST)
		return tlpress_error_set(err, TLPRESS_EIO, "cannot make state folder '%s': %s",
					 dir, strerror(errno));
	if (lstat(dir, &st) < 0)
		return tlpress_error_set(err, TLPRESS_EIO, "cannot open state folder '%s': %s",
					 dir, strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "state folder '%s' is not a folder "
					 "(a symbolic link is refused); point 'state' in "
					 "tlpress.yml at a real folder", dir);
	if (st.st_mode & (S_IWGRP | S_IWOTH))
		return tlpress_error_set(err, TLPRESS_EUSAGE, "state folder '%s' may be written "
					 "by others (mode %03o); run 'chmod go-w %s'", dir,
					 (unsigned)(st.st_mode & 0777), dir);
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
	rc = state_dir_ok(state_dir, !readonly, err);
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
			rc = tlpress_error_set(err, TLPRESS_EIO, "cannot make journal '%s': %s",
					       p.ptr, strerror(errno));
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
