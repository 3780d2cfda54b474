/* test_error.c - error values for failed system calls: cause and next step */
#include <errno.h>
#include <string.h>

#include "error.h"

#include "harness.h"

int main(void)
{
	static const int hinted[] = { EACCES, EPERM, ENOENT, ENOTDIR, EISDIR, ELOOP,
				      ENAMETOOLONG, ENOSPC, EDQUOT, EROFS, EMFILE, ENFILE,
				      EIO, EXDEV };
	struct tlpress_error err = TLPRESS_ERROR_INIT;
	char longname[2000];
	size_t i;
	int rc;

	for (i = 0; i < sizeof(hinted) / sizeof(hinted[0]); i++)
		OK(tlpress_errno_hint(hinted[i]) != NULL, "errno %d (%s) has a next step",
		   hinted[i], strerror(hinted[i]));
	OK(tlpress_errno_hint(EINTR) == NULL, "EINTR: nothing to add");
	OK(tlpress_errno_hint(0) == NULL, "0: nothing to add");

	rc = tlpress_error_errno(&err, TLPRESS_EIO, EACCES, "cannot write '%s'", "/srv/x");
	INT_EQ(rc, TLPRESS_EIO, "returns the code");
	INT_EQ(err.code, TLPRESS_EIO, "and sets it");
	OK(strncmp(err.msg, "cannot write '/srv/x': ", 23) == 0 &&
	   strstr(err.msg, strerror(EACCES)) && strstr(err.msg, "; check the permissions"),
	   "the subject, the cause and the next step: %s", err.msg);

	tlpress_error_errno(&err, TLPRESS_EIO, EINTR, "cannot read '%s'", "f");
	STR_EQ(err.msg, "cannot read 'f': Interrupted system call", "no hint: no '; '");

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	tlpress_error_errno(&err, TLPRESS_EIO, ENOSPC, "cannot write '%s'", longname);
	INT_EQ(strlen(err.msg), TLPRESS_ERRMSG_SIZE - 1, "a long message is cut, not overrun");

	OK(tlpress_error_errno(NULL, TLPRESS_EIO, EIO, "x") == TLPRESS_EIO,
	   "no error value: the code only");

	return harness_done();
}
