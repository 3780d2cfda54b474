/* bcache.c - the build cache; see bcache.h */
#include "bcache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "bigmem.h"
#include "buf.h"
#include "fsutil.h"
#include "strutil.h"

struct tlpress_bcache {
	sqlite3 *db;
	char *path, *tree;
	char fp[2 * TLPRESS_SHA256_LEN + 1];
	struct tlpress_bcache_entry *v;  /* sorted by path; its mapping vlen (bigmem.h) */
	size_t n, vlen;
	struct tlpress_strpool strings; /* of the rows in v */
	sqlite3_stmt *ins;           /* during a write transaction */
	int in_txn;
};

/*
 * The size of the cache's pages. A row (a file's decision, the files it
 * made and its metadata) takes 1 to 2 KB, more than SQLite keeps in a
 * 4 KiB page of a WITHOUT ROWID table (about 1 KB): with that default,
 * every row spilled into an overflow page of its own, mostly empty, and a
 * rebuild of 10,000 advisories read 32 MB a page per system call (30 ms);
 * with 16 KiB pages rows stay whole in their page, 11 MB in all (8 ms).
 */
#define PAGE_SIZE 16384

static const char pragmas[] = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;";

/*
 * The table, version 3 (PRAGMA user_version): all of a row but its key in
 * one blob (rec_pack() below). Version 1 had a column for each of the 20
 * fields, version 2 the numbers and digests in a blob and the four strings
 * in their columns; reading 10,000 rows went mostly into SQLite's decoding
 * of each column of each row (about 60 % of opening the cache with version
 * 1, and still 4 of its 20 ms with version 2). A cache of another version
 * is emptied: its rows are made again by the next build.
 */
#define SCHEMA_VERSION 3
static const char schema[] =
	"DROP TABLE IF EXISTS entry;"
	"CREATE TABLE entry ("
	"  tree TEXT NOT NULL, path TEXT NOT NULL, fingerprint TEXT NOT NULL, rec BLOB,"
	"  PRIMARY KEY (tree, path)) WITHOUT ROWID;"
	"PRAGMA user_version=3;";

#define COLS "path, rec"

/* The blob of a row: these numbers and digests, little-endian, in this
 * order (REC_LEN bytes); then id, slug, outs and meta, each a 4-byte
 * length (0xFFFFFFFF: NULL) and its bytes with a NUL. */
#define REC_I64 7
#define REC_I32 10
#define REC_LEN (8 * REC_I64 + 4 * REC_I32 + TLPRESS_SHA256_LEN + TLPRESS_SHA512_LEN)
#define REC_NULL 0xFFFFFFFFu

static void rec_pack(const struct tlpress_bcache_entry *e, unsigned char *r)
{
	const long long i64[REC_I64] = { e->size, e->mtime_ns, e->ino, e->computed_at,
					 e->valid_until, e->embargo, e->downgrade_at };
	const int i32[REC_I32] = { e->verdict, e->tlp, e->label, e->ncut, e->embargo_valid,
				   e->embargo_off, e->has_downgrade, e->downgrade_off,
				   e->downgrade_to, e->csaf };
	size_t i, k;

	for (i = 0; i < REC_I64; i++)
		for (k = 0; k < 8; k++)
			*r++ = (unsigned char)((unsigned long long)i64[i] >> (8 * k));
	for (i = 0; i < REC_I32; i++)
		for (k = 0; k < 4; k++)
			*r++ = (unsigned char)((unsigned)i32[i] >> (8 * k));
	memcpy(r, e->cutsig, TLPRESS_SHA256_LEN);
	memcpy(r + TLPRESS_SHA256_LEN, e->csaf_sha512, TLPRESS_SHA512_LEN);
}

/* The strings after the numbers, into b (which holds rec_pack()'s bytes) */
static void rec_pack_strings(const struct tlpress_bcache_entry *e, struct tlpress_buf *b)
{
	const char *s[4] = { e->id, e->slug, e->outs, e->meta };
	size_t i, k;

	for (i = 0; i < 4; i++) {
		size_t n = s[i] ? strlen(s[i]) : 0;
		unsigned len = s[i] && n < REC_NULL ? (unsigned)n : REC_NULL;
		unsigned char l[4];

		for (k = 0; k < 4; k++)
			l[k] = (unsigned char)(len >> (8 * k));
		tlpress_buf_add(b, l, 4);
		if (len != REC_NULL)
			tlpress_buf_add(b, s[i], n + 1);
	}
}

/* The strings of a row's blob, r the copy in the pool of what follows
 * its numbers (len bytes), set to point into it: 0, or -1 when they do
 * not fit (not a row of this version: skipped). */
static int rec_unpack_strings(char *r, size_t len, struct tlpress_bcache_entry *e)
{
	char **s[4] = { &e->id, &e->slug, &e->outs, &e->meta };
	size_t at = 0, i, k;

	for (i = 0; i < 4; i++) {
		unsigned n = 0;

		if (len - at < 4)
			return -1;
		for (k = 0; k < 4; k++)
			n |= (unsigned)(unsigned char)r[at + k] << (8 * k);
		at += 4;
		*s[i] = NULL;
		if (n == REC_NULL)
			continue;
		if (len - at <= n || r[at + n] != '\0')
			return -1;
		*s[i] = r + at;
		at += (size_t)n + 1;
	}
	return at == len ? 0 : -1;
}

static void rec_unpack(const unsigned char *r, struct tlpress_bcache_entry *e)
{
	long long *i64[REC_I64] = { &e->size, &e->mtime_ns, &e->ino, &e->computed_at,
				    &e->valid_until, &e->embargo, &e->downgrade_at };
	int *i32[REC_I32] = { &e->verdict, &e->tlp, &e->label, &e->ncut, &e->embargo_valid,
			      &e->embargo_off, &e->has_downgrade, &e->downgrade_off,
			      &e->downgrade_to, &e->csaf };
	size_t i, k;

	for (i = 0; i < REC_I64; i++) {
		unsigned long long v = 0;

		for (k = 0; k < 8; k++)
			v |= (unsigned long long)*r++ << (8 * k);
		*i64[i] = (long long)v;
	}
	for (i = 0; i < REC_I32; i++) {
		unsigned v = 0;

		for (k = 0; k < 4; k++)
			v |= (unsigned)*r++ << (8 * k);
		*i32[i] = (int)v;
	}
	memcpy(e->cutsig, r, TLPRESS_SHA256_LEN);
	memcpy(e->csaf_sha512, r + TLPRESS_SHA256_LEN, TLPRESS_SHA512_LEN);
}

void tlpress_bcache_entry_release(struct tlpress_bcache_entry *e)
{
	free(e->path);
	free(e->id);
	free(e->slug);
	free(e->outs);
	free(e->meta);
	memset(e, 0, sizeof(*e));
}

static int dberr(struct tlpress_bcache *c, struct tlpress_error *err, const char *what)
{
	return tlpress_error_set(err, TLPRESS_EIO, "build cache '%s': %s: %s", c->path, what,
				 sqlite3_errmsg(c->db));
}

/* The text of what a pragma answers ("" when nothing), into out. */
static void pragma(sqlite3 *db, const char *sql, char *out, size_t size)
{
	sqlite3_stmt *st;

	out[0] = '\0';
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		snprintf(out, size, "%s", (const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
}

/*
 * PAGE_SIZE pages: set for a new file, and made once for a cache of an
 * earlier version, whose pages were smaller, by a VACUUM out of WAL mode
 * (the schema puts it back). Best effort: while another build has the
 * file open, the mode does not change and the pages stay as they are.
 */
static void page_size(struct tlpress_bcache *c)
{
	char v[32], set[64];

	snprintf(set, sizeof(set), "PRAGMA page_size=%d", PAGE_SIZE);
	pragma(c->db, "PRAGMA page_size", v, sizeof(v));
	if (atoi(v) >= PAGE_SIZE)
		return;
	pragma(c->db, "PRAGMA page_count", v, sizeof(v));
	if (atoi(v) == 0) { /* a new file */
		sqlite3_exec(c->db, set, NULL, NULL, NULL);
		return;
	}
	pragma(c->db, "PRAGMA journal_mode=DELETE", v, sizeof(v));
	if (strcmp(v, "delete"))
		return;
	if (sqlite3_exec(c->db, set, NULL, NULL, NULL) == SQLITE_OK)
		sqlite3_exec(c->db, "VACUUM", NULL, NULL, NULL);
}

/* The table of this version, made (in a transaction, so that of two
 * builds opening the cache at once one makes it) when the file has
 * another. 0, or -1. */
static int set_up(struct tlpress_bcache *c)
{
	char v[32];
	int rc = 0;

	pragma(c->db, "PRAGMA user_version", v, sizeof(v));
	if (atoi(v) == SCHEMA_VERSION)
		return 0;
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return -1;
	pragma(c->db, "PRAGMA user_version", v, sizeof(v));
	if (atoi(v) != SCHEMA_VERSION && sqlite3_exec(c->db, schema, NULL, NULL, NULL) != SQLITE_OK)
		rc = -1;
	if (sqlite3_exec(c->db, rc ? "ROLLBACK" : "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = -1;
	return rc;
}


static int cmp_entry(const void *a, const void *b)
{
	return strcmp(((const struct tlpress_bcache_entry *)a)->path,
		      ((const struct tlpress_bcache_entry *)b)->path);
}

/* The row st is on, appended to c->v: 0; 1 when it is not a row of this
 * version (skipped); or an error */
static int take_row(struct tlpress_bcache *c, sqlite3_stmt *st, size_t *cap,
		    struct tlpress_error *err)
{
	struct tlpress_bcache_entry *e;
	const unsigned char *path;
	const void *blob;
	size_t len;
	char *rec;

	if (c->n == *cap) {
		size_t nc = *cap ? *cap * 2 : 256;
		struct tlpress_bcache_entry *nv = tlpress_big_grow(c->v, &c->vlen, nc * sizeof(*nv));

		if (!nv)
			return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		c->v = nv;
		*cap = nc;
	}
	blob = sqlite3_column_blob(st, 1);
	len = (size_t)sqlite3_column_bytes(st, 1);
	path = sqlite3_column_text(st, 0);
	if (!blob || len < REC_LEN || !path)
		return 1; /* not a row of this version */
	e = &c->v[c->n++];
	memset(e, 0, sizeof(*e));
	/* the numbers from SQLite's bytes; the strings into the cache's
	 * pool (a malloc() and a free() for each were a fifth of opening
	 * it), read there in place, and the path. Not the numbers: 1.9 of
	 * the 10.4 MB of 10,000 rows, fresh pages each */
	rec_unpack(blob, e);
	rec = tlpress_strpool_dup(&c->strings, (const char *)blob + REC_LEN, len - REC_LEN);
	e->path = rec ? tlpress_strpool_dup(&c->strings, (const char *)path,
					    (size_t)sqlite3_column_bytes(st, 0)) : NULL;
	if (!e->path) {
		c->n--;
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	if (rec_unpack_strings(rec, len - REC_LEN, e)) {
		c->n--;
		return 1;
	}
	return 0;
}

/* The tree's rows made with the fingerprint: all, or those of the n
 * paths only (when only is not NULL) */
static int load(struct tlpress_bcache *c, char *const *only, size_t n,
		struct tlpress_error *err)
{
	sqlite3_stmt *st;
	size_t cap = 0, i = 0;
	int r = SQLITE_DONE, rc = 0;

	if (only && !n)
		return 0;
	if (sqlite3_prepare_v2(c->db, only ? "SELECT " COLS " FROM entry WHERE tree = ?1 AND "
			       "path = ?3 AND fingerprint = ?2" : "SELECT " COLS " FROM entry "
			       "WHERE tree = ?1 AND fingerprint = ?2", -1, &st, NULL) != SQLITE_OK)
		return dberr(c, err, "cannot read");
	do {
		sqlite3_reset(st);
		sqlite3_bind_text(st, 1, c->tree, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, c->fp, -1, SQLITE_STATIC);
		if (only)
			sqlite3_bind_text(st, 3, only[i], -1, SQLITE_STATIC);
		while (rc >= 0 && (r = sqlite3_step(st)) == SQLITE_ROW)
			rc = take_row(c, st, &cap, err);
	} while (rc >= 0 && r == SQLITE_DONE && only && ++i < n);
	sqlite3_finalize(st);
	if (rc < 0)
		return rc;
	if (r != SQLITE_DONE)
		return dberr(c, err, "cannot read");
	/* the rows come in the order of the key (tree, path), which is
	 * strcmp's: sorted unless SQLite chose another plan, or when
	 * asked for by path */
	tlpress_sort(c->v, c->n, sizeof(*c->v), cmp_entry);
	return 0;
}

/* Rows of trees whose folder is gone (the tree key is "FOLDER LABEL") are
 * dropped, so that the cache does not grow with every folder ever built. */
static void prune(struct tlpress_bcache *c)
{
	sqlite3_stmt *st, *del;
	char **gone = NULL;
	size_t n = 0, cap = 0, i;
	struct stat sb;

	/* each tree once, by a seek in the key past the one before (a
	 * "SELECT DISTINCT tree" read every row, a fifth of opening the cache) */
	if (sqlite3_prepare_v2(c->db, "SELECT tree FROM entry WHERE tree > ?1 ORDER BY tree LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	sqlite3_bind_text(st, 1, "", 0, SQLITE_STATIC);
	while (sqlite3_step(st) == SQLITE_ROW) {
		const char *col = (const char *)sqlite3_column_text(st, 0);
		char *t = col ? strdup(col) : NULL, *sp, *dir;

		if (!t)
			break;
		sqlite3_reset(st); /* col is gone: t is the copy */
		sqlite3_bind_text(st, 1, t, -1, SQLITE_TRANSIENT);
		sp = strrchr(t, ' ');
		dir = sp ? strndup(t, (size_t)(sp - t)) : NULL;
		if (dir && stat(dir, &sb) < 0 && errno == ENOENT) {
			if (n == cap) {
				size_t nc = cap ? 2 * cap : 16;
				char **nv = realloc(gone, nc * sizeof(*nv));

				if (!nv) {
					free(dir);
					free(t);
					break;
				}
				gone = nv;
				cap = nc;
			}
			gone[n++] = t;
			t = NULL;
		}
		free(dir);
		free(t);
	}
	sqlite3_finalize(st);
	/* then, the scan done, their rows */
	if (n && sqlite3_prepare_v2(c->db, "DELETE FROM entry WHERE tree = ?1", -1, &del, NULL) ==
	    SQLITE_OK) {
		for (i = 0; i < n; i++) {
			sqlite3_reset(del);
			sqlite3_bind_text(del, 1, gone[i], -1, SQLITE_STATIC);
			sqlite3_step(del);
		}
		sqlite3_finalize(del);
	}
	for (i = 0; i < n; i++)
		free(gone[i]);
	free(gone);
}

int tlpress_bcache_open(struct tlpress_bcache **out, const char *state_dir, const char *tree,
			const unsigned char fingerprint[TLPRESS_SHA256_LEN],
			struct tlpress_error *err)
{
	return tlpress_bcache_open_only(out, state_dir, tree, fingerprint, NULL, 0, err);
}

int tlpress_bcache_open_only(struct tlpress_bcache **out, const char *state_dir,
			     const char *tree, const unsigned char fingerprint[TLPRESS_SHA256_LEN],
			     char *const *only, size_t nonly, struct tlpress_error *err)
{
	struct tlpress_bcache *c;
	struct tlpress_buf p = TLPRESS_BUF_INIT;
	size_t i;
	int fd, rc;

	*out = NULL;
	if ((rc = tlpress_state_dir(state_dir, 1, err)))
		return rc;
	c = calloc(1, sizeof(*c));
	if (!c)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	tlpress_path_join(&p, state_dir, TLPRESS_BCACHE_NAME);
	c->path = tlpress_buf_detach(&p, NULL);
	c->tree = strdup(tree);
	for (i = 0; i < TLPRESS_SHA256_LEN; i++)
		snprintf(c->fp + 2 * i, 3, "%02x", fingerprint[i]);
	if (!c->path || !c->tree) {
		tlpress_bcache_close(c);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	fd = open(c->path, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot open build cache '%s'",
					 c->path);
		tlpress_bcache_close(c);
		return rc;
	}
	{
		/* it names restricted advisories (their ids, labels and
		 * embargoes): for the owner's eyes only, as the journal */
		struct stat st;

		if (fstat(fd, &st) == 0 && (st.st_mode & 077) && fchmod(fd, 0600) < 0) {
			rc = tlpress_error_errno(err, TLPRESS_EIO, errno,
						 "build cache '%s' may be read by "
						 "others (mode %03o) and cannot be made 0600",
						 c->path, (unsigned)(st.st_mode & 0777));
			close(fd);
			tlpress_bcache_close(c);
			return rc;
		}
	}
	close(fd);
	if (sqlite3_open_v2(c->path, &c->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		rc = c->db ? dberr(c, err, "cannot open")
			   : tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
		tlpress_bcache_close(c);
		return rc;
	}
	sqlite3_busy_timeout(c->db, 10000);
	page_size(c);
	if (sqlite3_exec(c->db, pragmas, NULL, NULL, NULL) != SQLITE_OK || set_up(c)) {
		rc = dberr(c, err, "cannot set up");
		tlpress_bcache_close(c);
		return rc;
	}
	if (!only)
		prune(c); /* not for a rebuild of a few: the next whole one does */
	/* the rows are read once, in order: a page cache of 256 KiB, not
	 * SQLite's 2 MB, which the 11 MB of 10,000 rows filled with fresh
	 * pages (400 page faults, 9 of a rebuild's 120 ms on this project's
	 * virtual machine); the default again for the build's writes */
	sqlite3_exec(c->db, "PRAGMA cache_size=-256", NULL, NULL, NULL);
	rc = load(c, only, nonly, err);
	sqlite3_exec(c->db, "PRAGMA cache_size=-2000", NULL, NULL, NULL);
	if (rc) {
		tlpress_bcache_close(c);
		return rc;
	}
	*out = c;
	return 0;
}

void tlpress_bcache_close(struct tlpress_bcache *c)
{

	if (!c)
		return;
	tlpress_bcache_rollback(c);
	tlpress_strpool_release(&c->strings);
	tlpress_big_free(c->v, c->vlen);
	sqlite3_close(c->db);
	free(c->path);
	free(c->tree);
	free(c);
}

const struct tlpress_bcache_entry *tlpress_bcache_find_near(const struct tlpress_bcache *c,
							     const char *path, size_t *hint)
{
	struct tlpress_bcache_entry key;

	if (!c || !c->n)
		return NULL;
	key.path = (char *)path;
	return tlpress_search_near(&key, c->v, c->n, sizeof(*c->v), cmp_entry, hint);
}

size_t tlpress_bcache_rows(const struct tlpress_bcache *c)
{
	return c ? c->n : 0;
}

const struct tlpress_bcache_entry *tlpress_bcache_find(const struct tlpress_bcache *c,
							const char *path)
{
	size_t none = (size_t)-1;

	return tlpress_bcache_find_near(c, path, &none);
}

static int cmp_strp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void tlpress_bcache_take(struct tlpress_bcache *c, const struct tlpress_bcache_entry *e,
			char **outs, char **meta)
{
	struct tlpress_bcache_entry *m = c->v + (e - c->v); /* c owns its rows */

	*outs = m->outs;
	*meta = m->meta;
	m->outs = m->meta = NULL;
}

int tlpress_bcache_begin(struct tlpress_bcache *c, struct tlpress_error *err)
{
	if (sqlite3_exec(c->db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return dberr(c, err, "cannot update");
	if (sqlite3_prepare_v2(c->db, "INSERT OR REPLACE INTO entry (tree, fingerprint, " COLS ") "
			       "VALUES (?1, ?2, ?3, ?4)", -1,
			       &c->ins, NULL) != SQLITE_OK) {
		int rc = dberr(c, err, "cannot update");

		sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
		return rc;
	}
	c->in_txn = 1;
	return 0;
}

/* TLPRESS_FAULT_CACHE=N, for the tests: the rows put after the first N
 * fail, as a full disk fails them */
static struct tlpress_fault put_fault = TLPRESS_FAULT_INIT("TLPRESS_FAULT_CACHE");

int tlpress_bcache_put(struct tlpress_bcache *c, const struct tlpress_bcache_entry *e,
		       struct tlpress_error *err)
{
	sqlite3_stmt *ins = c->ins;
	struct tlpress_buf rec = TLPRESS_BUF_INIT;
	int rc = 0;

	if (!c->in_txn)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "build cache: no transaction");
	if (tlpress_fault(&put_fault))
		return tlpress_error_set(err, TLPRESS_EIO, "build cache '%s': cannot update: "
					 "database or disk is full (TLPRESS_FAULT_CACHE)", c->path);
	if (tlpress_buf_grow(&rec, REC_LEN) < 0)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	rec_pack(e, (unsigned char *)rec.ptr);
	rec.len = REC_LEN;
	rec_pack_strings(e, &rec);
	if (rec.failed) {
		tlpress_buf_release(&rec);
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	}
	sqlite3_reset(ins);
	sqlite3_bind_text(ins, 1, c->tree, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 2, c->fp, -1, SQLITE_STATIC);
	sqlite3_bind_text(ins, 3, e->path, -1, SQLITE_STATIC);
	sqlite3_bind_blob(ins, 4, rec.ptr, (int)rec.len, SQLITE_STATIC);
	if (sqlite3_step(ins) != SQLITE_DONE)
		rc = dberr(c, err, "cannot update");
	sqlite3_reset(ins); /* it holds rec no more */
	tlpress_buf_release(&rec);
	return rc;
}

int tlpress_bcache_commit(struct tlpress_bcache *c, char *const *live, size_t nlive,
			  struct tlpress_error *err)
{
	sqlite3_stmt *del = NULL;
	size_t i, near = 0;
	int rc = 0;

	if (!c->in_txn)
		return tlpress_error_set(err, TLPRESS_EUSAGE, "build cache: no transaction");
	if (sqlite3_prepare_v2(c->db, "DELETE FROM entry WHERE tree = ?1 AND path = ?2", -1, &del,
			       NULL) != SQLITE_OK)
		rc = dberr(c, err, "cannot update");
	/* the rows loaded that no live file has any more (both lists sorted:
	 * each look-up starts where the last one found its path) */
	for (i = 0; i < c->n && !rc; i++) {
		const char *key = c->v[i].path;

		if (tlpress_search_near(&key, live, nlive, sizeof(*live), cmp_strp, &near))
			continue;
		sqlite3_reset(del);
		sqlite3_bind_text(del, 1, c->tree, -1, SQLITE_STATIC);
		sqlite3_bind_text(del, 2, key, -1, SQLITE_STATIC);
		if (sqlite3_step(del) != SQLITE_DONE)
			rc = dberr(c, err, "cannot update");
	}
	sqlite3_finalize(del);
	if (rc) {
		tlpress_bcache_rollback(c);
		return rc;
	}
	sqlite3_finalize(c->ins);
	c->ins = NULL;
	c->in_txn = 0;
	if (sqlite3_exec(c->db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		return dberr(c, err, "cannot update");
	return 0;
}

void tlpress_bcache_rollback(struct tlpress_bcache *c)
{
	if (!c || !c->in_txn)
		return;
	sqlite3_finalize(c->ins);
	c->ins = NULL;
	c->in_txn = 0;
	sqlite3_exec(c->db, "ROLLBACK", NULL, NULL, NULL);
}
