/*
 * lock.h - one run at a time: an exclusive lock on a file in the state
 * folder
 *
 * `tlpress publish` (and later `tlpress mail`) runs from cron every few
 * minutes; a run that finds the lock taken does nothing and says so, rather
 * than waiting or racing the other run over the same journal and servers.
 * flock(2) on state/lock: the kernel drops the lock when the process dies,
 * however it dies, so there is no stale lock file to clean up.
 */
#ifndef TLPRESS_LOCK_H
#define TLPRESS_LOCK_H

#include "error.h"

#define TLPRESS_LOCK_NAME "lock"

/* Take the lock of state_dir (made 0700 when missing) without waiting.
 * *fd gets the open lock file, to release with tlpress_unlock(). Another
 * run holding it is TLPRESS_ELOCKED, with the PID it wrote when known. */
int tlpress_lock(const char *state_dir, int *fd, struct tlpress_error *err);
void tlpress_unlock(int fd);

#endif
