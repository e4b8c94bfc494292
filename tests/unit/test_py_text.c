/* Unit tests for the words of Python's facts in the text outputs: the summary's recycling
 * line (src/output/format.c), from real recordings replayed (tests/integration/fixtures)
 * with and without their channel lines; the facts in words (src/output/fact_text.c) in
 * `run --no-tui`'s event lines (workload_lines.c) and in the UI's event log
 * (view/evtext.c, view_event_text). Run from the repository's top (make unit). */
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
#include "model/channel.h"
#include "model/model.h"
#include "output/fact_text.h"
#include "output/format.h"
#include "output/workload_lines.h"
#include "record/record.h"
#include "record/replay.h"
#include "view/view.h"

#define RECYCLE "tests/integration/fixtures/pyfacts-recycle.jsonl"
#define EXECUTORS "demos/recordings/executor-fork.jsonl"
#define IDENTITY "tests/integration/fixtures/pyfacts-identity-spawn.jsonl"

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

/* A copy of a recording without the lines that hold needle: a temporary file. */
static char *without(const char *path, const char *needle)
{
	char *tmp = strdup("/tmp/fs-py-text-XXXXXX"), line[65536];
	FILE *in = fopen(path, "r"), *out;
	int fd;

	assert_non_null(tmp);
	assert_non_null(in);
	fd = mkstemp(tmp);
	assert_true(fd >= 0);
	out = fdopen(fd, "w");
	assert_non_null(out);
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
	char *path = without(RECYCLE, "\"type\":\"channel\"");
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

/* One replacement without its facts (its hook silent): that one inferred, the other told. */
static void test_recycled_mixed(void **state)
{
	char *path = without(RECYCLE, "\"pid\":13028,\"tid\":13028,\"data\":\"FSC1");
	struct fs_model *m = replayed(path);
	char *line = summary_line(m, "recycled workers:");

	(void)state;
	assert_string_equal(line,
			    "recycled workers: 2 (1 from the Python facts: each exited "
			    "after 3 tasks, its Pool's maxtasksperchild=3, and the pool "
			    "started a replacement; 1 inferred: started by a pool right after "
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

/* The one fact of a record's text (FSC1 and one JSON line), in words, no model. */
static void assert_fact_text(const char *json, const char *want)
{
	char rec[1024], buf[1024];
	struct fs_fact *facts = NULL;
	enum fs_channel_reject why;
	int n = snprintf(rec, sizeof(rec), "FSC1\n%s\n", json);

	assert_int_equal(channel_decode(rec, (size_t)n, &facts, &why), 1);
	fact_text(&facts[0], NULL, buf, sizeof(buf));
	assert_string_equal(buf, want);
	channel_facts_free(facts, 1);
}

/* Each kind of the hook's facts in words; others, or one lacking its fields, key=value. */
static void test_fact_words(void **state)
{
	char buf[256];

	(void)state;
	assert_fact_text("{\"fact\":\"process\",\"name\":\"My-child-process\",\"daemon\":true,"
			 "\"target\":\"__main__.worker\",\"kind\":\"process\",\"method\":\"spawn\","
			 "\"mono_ns\":5}",
			 "python: Process name=My-child-process daemon=yes "
			 "target=__main__.worker, started by spawn");
	assert_fact_text("{\"fact\":\"process\",\"name\":\"ForkPoolWorker-3\",\"daemon\":true,"
			 "\"kind\":\"pool_worker\",\"pool\":1}",
			 "python: Pool worker name=ForkPoolWorker-3 daemon=yes, Pool #1");
	assert_fact_text("{\"fact\":\"task\",\"index\":3,\"items\":2,\"start_ns\":1000,"
			 "\"end_ns\":2101000,\"job\":0}",
			 "task 3 of job 0 done in 2.1 ms (2 items)");
	assert_fact_text("{\"fact\":\"task\",\"index\":7,\"items\":1,\"start_ns\":0,"
			 "\"end_ns\":812000}",
			 "work item 7 done in 812 us (1 item)");
	/* the hook's batches (main's "tasks"), decoded by the model's own parser */
	assert_fact_text("{\"fact\":\"tasks\",\"base_ns\":1000,\"t\":\"6,1,0,400000000\","
			 "\"job\":0}",
			 "task 6 of job 0 done in 400 ms (1 item)");
	assert_fact_text("{\"fact\":\"tasks\",\"base_ns\":1000,\"t\":\"6,1,0,400000000;"
			 "7,2,400000000,2100000\",\"job\":3}",
			 "2 tasks of job 3: 6 done in 400 ms (1 item); 7 done in 2.1 ms (2 items)");
	assert_fact_text("{\"fact\":\"tasks\",\"base_ns\":5,\"t\":\"1,1,0,5\"}",
			 "work item 1 done in 0 us (1 item)");
	assert_fact_text("{\"fact\":\"tasks\",\"base_ns\":5,\"t\":\"1,1,x\"}",
			 "fact tasks base_ns=5 t=\"1,1,x\"");
	assert_fact_text("{\"fact\":\"hello\",\"py_version\":\"3.14.0\",\"implementation\":"
			 "\"cpython\",\"gil\":false,\"executable\":\"/usr/bin/python3.14t\"}",
			 "python: interpreter ready, cpython 3.14.0, free-threaded (no GIL) "
			 "(/usr/bin/python3.14t)");
	assert_fact_text("{\"fact\":\"pool\",\"pool\":1,\"processes\":2,\"maxtasksperchild\":3,"
			 "\"method\":\"fork\"}",
			 "python: Pool #1 created, 2 processes, maxtasksperchild=3, by fork");
	assert_fact_text("{\"fact\":\"pool_terminate\",\"pool\":1}", "python: Pool #1 terminate()");
	assert_fact_text("{\"fact\":\"executor_shutdown\",\"pool\":2}",
			 "python: ProcessPoolExecutor #2 shutdown()");
	assert_fact_text("{\"fact\":\"terminate\",\"child_pid\":367,\"name\":\"Sleeper\","
			 "\"during\":\"exit_cleanup\"}",
			 "python: terminate() of 367 (Sleeper), during the exit cleanup");
	assert_fact_text("{\"fact\":\"helper\",\"kind\":\"resource_tracker\"}",
			 "python: helper, the resource tracker");
	assert_fact_text("{\"fact\":\"phase\",\"phase\":\"main_imported\"}",
			 "python: main module imported again");
	assert_fact_text("{\"fact\":\"ready\"}",
			 "python: ready, its target (or worker loop) starts");
	assert_fact_text("{\"fact\":\"fork\",\"threads\":4,\"thread_names\":\"MainThread,T-1\"}",
			 "python: fork with 4 threads alive (MainThread,T-1)");
	/* not the hook's, or not what its words need: every field as it came */
	assert_fact_text("{\"fact\":\"phase\",\"step\":3,\"warm\":false,\"eta\":null}",
			 "fact phase step=3 warm=false eta=null");
	assert_fact_text("{\"fact\":\"task\",\"index\":1}", "fact task index=1");
	assert_fact_text("{\"fact\":\"claim\",\"name\":\"x\"}", "fact claim name=\"x\"");
	/* a hostile name reaches no terminal raw */
	assert_fact_text("{\"fact\":\"process\",\"name\":\"a\\u001b]0;x\\u0007b\",\"kind\":"
			 "\"process\"}",
			 "python: Process name=a\\x1b]0;x\\x07b");
	fact_text_rejected(FS_CHANNEL_BAD_JSON, buf, sizeof(buf));
	assert_string_equal(buf, "rejected: bad JSON (a line is not one JSON object of scalars)");
}

struct printed {
	struct fs_model *m;
	struct workload_lines *wl;
	FILE *f;
};

static int on_header(void *ctx, struct fs_header *h, char *err, size_t errlen)
{
	struct printed *p = ctx;

	(void)err;
	(void)errlen;
	p->m = model_new(h->root_pid);
	replay_model_setup(p->m, h);
	return p->m ? 0 : -1;
}

/* As run --no-tui prints: the lines an event ended, then the event's own line. */
static int on_event(void *ctx, const struct fs_event *ev, char *err, size_t errlen)
{
	struct printed *p = ctx;

	(void)err;
	(void)errlen;
	assert_int_equal(model_apply(p->m, ev), 0);
	assert_int_equal(workload_lines_after(p->wl, p->f, ev, p->m), 0);
	if (ev->type != FS_EV_OUTPUT && ev->type != FS_EV_CHANNEL)
		format_event_line(p->f, ev, p->m);
	return 0;
}

/* identity under spawn, as run --no-tui prints it: each fact a line in words. */
static void test_event_lines(void **state)
{
	struct printed p = {0};
	struct fs_replay_sink sink = {on_header, on_event, &p};
	struct fs_replay_info info;
	char err[256], *out = NULL;
	size_t len = 0;

	(void)state;
	p.wl = workload_lines_new();
	p.f = open_memstream(&out, &len);
	assert_non_null(p.wl);
	assert_non_null(p.f);
	assert_int_equal(replay_read(IDENTITY, &sink, &info, err, sizeof(err)), 0);
	workload_lines_flush(p.wl, p.f, p.m);
	fclose(p.f);
	assert_non_null(strstr(out, " chan   "));
	assert_non_null(strstr(out, "python: Process name=My-child-process daemon=no"));
	assert_non_null(strstr(out, "python: interpreter ready, cpython 3.11.2"));
	assert_non_null(strstr(out, "python: terminate() of "));
	assert_null(strstr(out, "fact process"));
	assert_null(strstr(out, "{\"fact\""));
	free(out);
	workload_lines_free(p.wl);
	model_free(p.m);
}

/* A channel event of the UI's store: once applied, its line is the model's account (the
 * facts in words, or why it was rejected), never the record's bytes. */
static void test_event_log_text(void **state)
{
	static const char good[] = "FSC1\n{\"fact\":\"process\",\"name\":\"Bob\",\"kind\":"
				   "\"process\",\"daemon\":false}\n{\"fact\":\"ready\"}\n";
	static const char bad[] = "FSC1\n{\"fact\":\"process\",\"name\":}\n";
	static struct fs_event ev;
	struct fs_model *m = model_new(100);
	struct evstore s;
	char line[512], want[64];

	(void)state;
	assert_non_null(m);
	evstore_init(&s);
	ev.type = FS_EV_FORK;
	ev.pid = 100;
	ev.ppid = 50;
	ev.tid = 50;
	assert_int_equal(evstore_push(&s, &ev), 0);
	assert_int_equal(evstore_apply(&s, 0, m, &ev), 0);
	memset(&ev, 0, sizeof(ev));
	ev.type = FS_EV_CHANNEL;
	ev.t_ns = 2000000;
	ev.pid = ev.tid = 100;
	memcpy(ev.args, good, sizeof(good) - 1);
	ev.args_len = sizeof(good) - 1;
	assert_int_equal(evstore_push(&s, &ev), 0);
	view_event_text(evstore_at(&s, 1), line, sizeof(line)); /* not applied yet */
	snprintf(want, sizeof(want), "100  a record of %zu bytes", sizeof(good) - 1);
	assert_non_null(strstr(line, want));
	assert_int_equal(evstore_apply(&s, 1, m, &ev), 0);
	view_event_text(evstore_at(&s, 1), line, sizeof(line));
	assert_non_null(strstr(line, "chan       100  python: Process name=Bob daemon=no | "
				     "python: ready, its target (or worker loop) starts"));
	memcpy(ev.args, bad, sizeof(bad) - 1);
	ev.args_len = sizeof(bad) - 1;
	assert_int_equal(evstore_push(&s, &ev), 0);
	assert_int_equal(evstore_apply(&s, 2, m, &ev), 0);
	view_event_text(evstore_at(&s, 2), line, sizeof(line));
	assert_non_null(strstr(line, "100  rejected: bad JSON ("));
	assert_null(strstr(line, "fact"));
	/* applied again (a model rebuilt after a step back): the same text, kept once */
	assert_int_equal(evstore_apply(&s, 1, m, &ev), 0);
	view_event_text(evstore_at(&s, 1), line, sizeof(line));
	assert_non_null(strstr(line, "name=Bob"));
	evstore_clear(&s);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_recycled_from_facts), cmocka_unit_test(test_recycled_inferred),
	    cmocka_unit_test(test_recycled_mixed),	cmocka_unit_test(test_recycled_none),
	    cmocka_unit_test(test_fact_words),		cmocka_unit_test(test_event_lines),
	    cmocka_unit_test(test_event_log_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
