/* $FORKSCOPE_DIGEST_LOG: the model's digest after every event (record/digest_log.h). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include "record/digest_log.h"

static FILE *digest_log_file;
static int digest_log_state; /* 0 not looked at, 1 writing, -1 off */
static uint64_t digest_log_n;

/* The log, opened (appending, line-buffered) the first time; NULL when off. */
static FILE *digest_log_get(void)
{
	const char *path;

	if (digest_log_state == 0) {
		path = getenv("FORKSCOPE_DIGEST_LOG");
		digest_log_file = path && *path ? fopen(path, "ae") : NULL;
		if (digest_log_file)
			setvbuf(digest_log_file, NULL, _IOLBF, 0);
		digest_log_state = digest_log_file ? 1 : -1;
	}
	return digest_log_state > 0 ? digest_log_file : NULL;
}

void digest_log_event(const struct fs_model *m)
{
	FILE *f = digest_log_get();

	if (f)
		fprintf(f, "event %" PRIu64 " %016" PRIx64 "\n", ++digest_log_n, model_digest(m));
}

void digest_log_end(const struct fs_model *m)
{
	FILE *f = digest_log_get();

	if (f)
		fprintf(f, "end %" PRIu64 " %016" PRIx64 "\n", digest_log_n, model_digest(m));
}
