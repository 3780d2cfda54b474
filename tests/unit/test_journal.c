/*
 * test_journal.c - the state folder: the SQLite journal (lib/journal.h) and
 * the run lock (lib/lock.h), on a throwaway folder
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsutil.h"
#include "harness.h"
#include "journal.h"
#include "lock.h"

static int count_events(void *ctx, long long when, const char *what, const char *subject,
			const char *text)
{
	int *n = ctx;

	(void)when;
	(void)subject;
	(void)text;
	if (!strcmp(what, "embargo"))
		(*n)++;
	return 0;
}

int main(void)
{
	char dir[] = "/tmp/tlpress-journal.XXXXXX";
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	struct tlpress_journal *j = NULL, *ro = NULL;
	struct tlpress_manifest m = TLPRESS_MANIFEST_INIT;
	struct tlpress_jadv adv[2], *got = NULL;
	unsigned char sha[TLPRESS_SHA256_LEN];
	char *paths[] = { "a.html", "b.html" };
	char state[64], jpath[96];
	struct stat st;
	size_t n = 0;
	int known = -1, fd1 = -1, fd2 = -1, events = 0;
	const char *T = "http://127.0.0.1:1/site/";

	if (!mkdtemp(dir))
		return 1;
	snprintf(state, sizeof(state), "%s/state", dir);
	snprintf(jpath, sizeof(jpath), "%s/%s", state, TLPRESS_JOURNAL_NAME);

	INT_EQ(tlpress_journal_open(&ro, state, 1, &err), 0, "read-only open of a missing journal");
	OK(ro == NULL, "gives no journal, and makes nothing");
	OK(stat(state, &st) < 0, "the state folder was not made");

	INT_EQ(tlpress_journal_open(&j, state, 0, &err), 0, "open makes the journal: %s", err.msg);
	OK(stat(state, &st) == 0 && (st.st_mode & 0777) == 0700, "the state folder is 0700");
	OK(stat(jpath, &st) == 0 && (st.st_mode & 0777) == 0600, "the journal is 0600");

	INT_EQ(tlpress_journal_remote_load(j, T, &m, &known, &err), 0, "load an unknown target");
	OK(known == 0 && m.n == 0, "it is unknown and empty");
	INT_EQ(tlpress_journal_remote_pending(j, T, paths, 2, &err), 0, "two uploads pending");
	memset(sha, 7, sizeof(sha));
	INT_EQ(tlpress_journal_remote_done(j, T, "a.html", 42, sha, &err), 0, "one confirmed");
	tlpress_journal_close(j);
	j = NULL;

	/* a run that died there: reopen and read */
	INT_EQ(tlpress_journal_open(&j, state, 0, &err), 0, "reopen");
	INT_EQ(tlpress_journal_remote_load(j, T, &m, &known, &err), 0, "load the target again");
	OK(known == 1 && m.n == 2, "the target is known, with both files (%zu)", m.n);
	OK(m.n == 2 && !strcmp(m.v[0].path, "a.html") && m.v[0].mark == 0 && m.v[0].size == 42 &&
	   m.v[0].sha256[0] == 7, "the confirmed one with its size and hash");
	OK(m.n == 2 && !strcmp(m.v[1].path, "b.html") && m.v[1].mark == 1,
	   "the unconfirmed one marked as such");
	tlpress_manifest_release(&m);
	INT_EQ(tlpress_journal_remote_gone(j, T, "b.html", &err), 0, "a delete");
	INT_EQ(tlpress_journal_remote_load(j, T, &m, &known, &err), 0, "load");
	OK(m.n == 1, "leaves one file");
	tlpress_manifest_release(&m);
	INT_EQ(tlpress_journal_remote_load(j, "sftp://other/", &m, &known, &err), 0, "another target");
	OK(known == 0 && m.n == 0, "is kept apart");

	memset(adv, 0, sizeof(adv));
	strcpy(adv[0].slug, "ccb-1");
	adv[0].label = TLPRESS_TLP_CLEAR;
	strcpy(adv[1].slug, "ccb-2");
	adv[1].has_cuts = 1;
	memset(adv[1].cutsig, 9, sizeof(adv[1].cutsig));
	INT_EQ(tlpress_journal_adv_store(j, T, adv, 2, &err), 0, "store the pushed advisories");
	INT_EQ(tlpress_journal_adv_load(j, T, &got, &n, &err), 0, "load them");
	OK(n == 2 && !strcmp(got[0].slug, "ccb-1") && !got[0].has_cuts && got[1].has_cuts &&
	   got[1].cutsig[31] == 9, "as stored, with the cut digest");
	free(got);
	INT_EQ(tlpress_journal_adv_store(j, T, adv, 1, &err), 0, "store one");
	INT_EQ(tlpress_journal_adv_load(j, T, &got, &n, &err), 0, "load");
	INT_EQ(n, 1, "replaces the set");
	free(got);

	INT_EQ(tlpress_journal_event(j, 1764331200, "embargo", "CCB-1", "embargo ended", &err), 0,
	       "log an event");
	INT_EQ(tlpress_journal_events(j, 10, count_events, &events, &err), 0, "read the log");
	INT_EQ(events, 1, "one embargo event");
	tlpress_journal_close(j);
	j = NULL;

	/* refusals */
	chmod(jpath, 0644);
	INT_EQ(tlpress_journal_open(&j, state, 0, &err), TLPRESS_EUSAGE,
	       "a journal readable by others is refused");
	OK(strstr(err.msg, "chmod 600") != NULL, "saying what to do: %s", err.msg);
	chmod(jpath, 0600);
	chmod(state, 0777);
	INT_EQ(tlpress_journal_open(&j, state, 0, &err), TLPRESS_EUSAGE,
	       "a state folder others may write to is refused");
	chmod(state, 0750);
	INT_EQ(tlpress_journal_open(&j, state, 1, &err), 0, "a state folder others may read: %s",
	       err.msg);
	OK(stat(state, &st) == 0 && (st.st_mode & 0777) == 0700, "is made 0700");
	tlpress_journal_close(j);
	j = NULL;

	/* a state folder that is a symbolic link: nothing goes where it points */
	{
		char link[96], away[96], inside[128];

		snprintf(link, sizeof(link), "%s/linked", dir);
		snprintf(away, sizeof(away), "%s/away", dir);
		snprintf(inside, sizeof(inside), "%s/lock", away);
		mkdir(away, 0700);
		OK(symlink("away", link) == 0, "a state folder that is a symbolic link");
		INT_EQ(tlpress_journal_open(&j, link, 0, &err), TLPRESS_EUSAGE,
		       "is refused by the journal");
		INT_EQ(tlpress_lock(link, &fd1, &err), TLPRESS_EUSAGE, "and by the lock: %s",
		       err.msg);
		OK(strstr(err.msg, "symbolic link") != NULL, "saying why");
		OK(stat(inside, &st) < 0, "no lock file was made where it points");
		strcat(link, "//");
		INT_EQ(tlpress_lock(link, &fd1, &err), TLPRESS_EUSAGE,
		       "nor when its name ends in '/': %s", err.msg);
		OK(stat(inside, &st) < 0, "still no lock file where it points");
		INT_EQ(tlpress_state_dir(away, 0, &err), 0, "the folder itself is fine");
	}

	/* the lock */
	INT_EQ(tlpress_lock(state, &fd1, &err), 0, "take the lock");
	INT_EQ(tlpress_lock(state, &fd2, &err), TLPRESS_ELOCKED, "a second taker is refused");
	OK(strstr(err.msg, "another run (pid ") != NULL, "naming the holder: %s", err.msg);
	tlpress_unlock(fd1);
	INT_EQ(tlpress_lock(state, &fd2, &err), 0, "free again once released");
	tlpress_unlock(fd2);

	tlpress_remove_tree(dir);
	return harness_done();
}
