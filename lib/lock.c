/* lock.c - the run lock; see lock.h */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "fsutil.h"

int tlpress_lock(const char *state_dir, int *fd, struct tlpress_error *err)
{
	struct tlpress_buf p = TLPRESS_BUF_INIT;
	char pid[32];
	int f, n;

	*fd = -1;
	if ((n = tlpress_state_dir(state_dir, 1, err)))
		return n;
	tlpress_path_join(&p, state_dir, TLPRESS_LOCK_NAME);
	if (p.failed)
		return tlpress_error_set(err, TLPRESS_ENOMEM, "out of memory");
	f = open(p.ptr, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (f < 0) {
		int rc = tlpress_error_errno(err, TLPRESS_EIO, errno, "cannot open lock file '%s'",
					     p.ptr);

		tlpress_buf_release(&p);
		return rc;
	}
	if (flock(f, LOCK_EX | LOCK_NB) < 0) {
		int e = errno, rc;

		n = (int)pread(f, pid, sizeof(pid) - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		if (e == EWOULDBLOCK) {
			char who[64] = "another run";

			if (*pid)
				snprintf(who, sizeof(who), "another run (pid %.20s)", pid);
			rc = tlpress_error_set(err, TLPRESS_ELOCKED, "%s holds '%s'; this run does "
					       "nothing: run it again when that one has finished",
					       who, p.ptr);
		} else {
			rc = tlpress_error_errno(err, TLPRESS_EIO, e, "cannot lock '%s'", p.ptr);
		}
		close(f);
		tlpress_buf_release(&p);
		return rc;
	}
	n = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
	if (ftruncate(f, 0) == 0 && pwrite(f, pid, (size_t)n, 0) < 0) {
		/* the PID is a courtesy for the message above */
	}
	tlpress_buf_release(&p);
	*fd = f;
	return 0;
}

void tlpress_unlock(int fd)
{
	if (fd >= 0)
		close(fd);
}
