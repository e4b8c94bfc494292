/* Unit tests for the words of Python's facts in the text outputs: the summary's recycling
 * line (src/output/format.c), from real recordings replayed (tests/integration/fixtures)
 * with and without their channel lines. Run from the repository's top (make unit). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "base/names.h"
#include "model/model.h"
#include "output/format.h"
#include "record/record.h"
#include "record/replay.h"

#define RECYCLE "tests/integration/fixtures/pyfacts-recycle.jsonl"
#define EXECUTORS "demos/recordings/executor-fork.jsonl"

/* The model of a recording, ended like `tree` ends it. */
static struct fs_model *replayed(const char *path)
{
	struct fs_model *m = NULL;
	struct fs_header h;
	struct fs_replay_info info;
	char err[256];

	memset(&h, 0, sizeof(h));
	assert_int_equal(replay_model(path, 0, &m, &h, &info, err, sizeof(err)), 0);
	record_header_clear(&h);
	return m;
}

/* A copy of a recording without its lines of one type ("channel"): a temporary file. */
static char *without(const char *path, const char *type)
{
	char *tmp = strdup("/tmp/fs-py-text-XXXXXX"), line[65536], needle[64];
	FILE *in = fopen(path, "r"), *out;
	int fd;

	assert_non_null(tmp);
	assert_non_null(in);
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	out = fdopen(fd, "w");
	assert_non_null(out);
	snprintf(needle, sizeof(needle), "\"type\":\"%s\"", type);
	while (fgets(line, sizeof(line), in))
		if (!strstr(line, needle))
			fputs(line, out);
	fclose(in);
	assert_int_equal(fclose(out), 0);
	return tmp;
}

/* The summary's line that starts with prefix, without its newline (a copy). */
static char *summary_line(const struct fs_model *m, const char *prefix)
{
	char *buf = NULL, *at, *end, *line;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	format_summary(f, m);
	assert_int_equal(fclose(f), 0);
	at = strstr(buf, prefix);
	assert_non_null(at);
	end = strchr(at, '\n');
	line = strndup(at, end ? (size_t)(end - at) : strlen(at));
	free(buf);
	return line;
}

/* pool-recycle under fork (Pool(2, maxtasksperchild=3)): the facts tell it. */
static void test_recycled_from_facts(void **state)
{
	struct fs_model *m = replayed(RECYCLE);
	char *line = summary_line(m, "recycled workers:");

	(void)state;
	assert_string_equal(line, "recycled workers: 2 (each exited after 3 tasks, its Pool's "
				  "maxtasksperchild=3, and the pool started a replacement: from "
				  "the Python facts)");
	assert_null(strstr(line, names_recycle_source(false)));
	free(line);
	model_free(m);
}

/* The same run without its channel: the kernel's events alone, "inferred". */
static void test_recycled_inferred(void **state)
{
	char *path = without(RECYCLE, "channel");
	struct fs_model *m = replayed(path);
	char *line = summary_line(m, "recycled workers:");

	(void)state;
	assert_string_equal(line, "recycled workers: 2 (inferred: started by a pool right after "
				  "one of its workers exited 0, while the pool ran on)");
	free(line);
	model_free(m);
	unlink(path);
	free(path);
}

/* Two executors in a row: no recycling, by the facts or inferred. */
static void test_recycled_none(void **state)
{
	struct fs_model *m = replayed(EXECUTORS);
	char *line = summary_line(m, "recycled workers:");

	(void)state;
	assert_string_equal(line, "recycled workers: 0");
	free(line);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_recycled_from_facts),
	    cmocka_unit_test(test_recycled_inferred),
	    cmocka_unit_test(test_recycled_none),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
