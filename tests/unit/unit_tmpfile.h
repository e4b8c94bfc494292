/* Shared by the cmocka tests that write a recording: a private temporary file. */
#ifndef FORKSCOPE_UNIT_TMPFILE_H
#define FORKSCOPE_UNIT_TMPFILE_H

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

/* A new empty file /tmp/fs_test_<stem>.XXXXXX, its name in path; 0 or -1 (cmocka setup). */
static inline int unit_tmpfile(char *path, size_t len, const char *stem)
{
	int fd;

	snprintf(path, len, "/tmp/fs_test_%s.XXXXXX", stem);
	fd = mkstemp(path);
	if (fd < 0)
		return -1;
	close(fd);
	return 0;
}

#endif
