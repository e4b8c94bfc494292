/* Unit tests for the workload's output in the model (src/model/output.c) and the channel
 * (src/model/channel.c, src/model/facts.c), from synthetic events. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "base/names.h"
#include "model/channel.h"
#include "model/model.h"
#include "model/output.h"

#define MS 1000000ull
#define ROOT 100
#define KID 101

static struct fs_event ev;

static void ev_reset(uint32_t type, uint64_t t_ns)
{
	memset(&ev, 0, FS_EVENT_HEAD_SIZE);
	ev.type = type;
	ev.t_ns = t_ns;
}

static void do_fork(struct fs_model *m, uint64_t t, uint32_t ppid, uint32_t pid)
{
	ev_reset(FS_EV_FORK, t);
	ev.pid = pid;
	ev.ppid = ppid;
	ev.tid = ppid;
	strcpy(ev.comm, "python3");
	assert_int_equal(model_apply(m, &ev), 0);
}

static void do_exit(struct fs_model *m, uint64_t t, uint32_t pid, uint32_t ppid)
{
	ev_reset(FS_EV_EXIT, t);
	ev.pid = pid;
	ev.ppid = ppid;
	strcpy(ev.comm, "python3");
	assert_int_equal(model_apply(m, &ev), 0);
}

/* pid's thread tid writes len bytes of s on fd. */
static void do_write_n(struct fs_model *m, uint64_t t, uint32_t pid, uint32_t tid, uint32_t fd,
		       const char *s, size_t len)
{
	ev_reset(FS_EV_OUTPUT, t);
	ev.pid = pid;
	ev.tid = tid;
	ev.fd = fd;
	memcpy(ev.args, s, len);
	ev.args_len = (uint32_t)len;
	assert_int_equal(model_apply(m, &ev), 0);
}

static void do_write(struct fs_model *m, uint64_t t, uint32_t pid, uint32_t fd, const char *s)
{
	do_write_n(m, t, pid, pid, fd, s, strlen(s));
}

/* A model with the root and one child, KID. */
static struct fs_model *model_two(void)
{
	struct fs_model *m = model_new(ROOT);

	assert_non_null(m);
	do_fork(m, 0, 1, ROOT);
	do_fork(m, MS, ROOT, KID);
	return m;
}

static const struct fs_output_line *line(const struct fs_model *m, size_t i)
{
	const struct fs_output_line *l = model_output_line(m, i);

	assert_non_null(l);
	return l;
}

static const struct fs_proc *proc_of(const struct fs_model *m, uint32_t pid)
{
	int idx = model_find(m, pid);

	assert_true(idx >= 0);
	return model_proc(m, (size_t)idx);
}

/* ---------------------------------------------------------------- lines */

static void test_writers_never_glue(void **state)
{
	struct fs_model *m = model_two();

	(void)state;
	do_write(m, 2 * MS, ROOT, 1, "hel");
	do_write(m, 3 * MS, KID, 1, "wor");
	do_write(m, 4 * MS, ROOT, 1, "lo\n");
	do_write(m, 5 * MS, KID, 1, "ld\n");
	assert_int_equal(model_output_count(m), 2);
	assert_string_equal(line(m, 0)->data, "hello");
	assert_int_equal(line(m, 0)->pid, ROOT);
	assert_true(line(m, 0)->serial == proc_of(m, ROOT)->serial);
	assert_int_equal(line(m, 0)->t_ns, 2 * MS);
	assert_int_equal(line(m, 0)->end_ns, 4 * MS);
	assert_false(line(m, 0)->open);
	assert_string_equal(line(m, 1)->data, "world");
	assert_int_equal(line(m, 1)->pid, KID);
	assert_int_equal(proc_of(m, ROOT)->output_lines, 1);
	assert_int_equal(proc_of(m, KID)->output_lines, 1);
	assert_int_equal(model_output_stats(m)->writes, 4);
	assert_int_equal(model_output_stats(m)->bytes, 12);
	assert_int_equal(model_output_stats(m)->lines, 2);
	model_free(m);
}

static void test_streams_and_threads(void **state)
{
	struct fs_model *m = model_two();

	(void)state;
	/* stdout and stderr are two lines; two threads of one process write one line */
	do_write_n(m, 2 * MS, ROOT, ROOT + 50, 1, "out ", 4);
	do_write(m, 3 * MS, ROOT, 2, "err\n");
	do_write_n(m, 4 * MS, ROOT, ROOT + 51, 1, "more\n", 5);
	assert_int_equal(model_output_count(m), 2);
	assert_string_equal(line(m, 0)->data, "out more");
	assert_int_equal(line(m, 0)->fd, 1);
	assert_int_equal(line(m, 0)->tid, ROOT + 50);
	assert_string_equal(line(m, 1)->data, "err");
	assert_int_equal(line(m, 1)->fd, 2);
	/* fds other than 1 and 2 are not the workload's output */
	do_write(m, 5 * MS, ROOT, 3, "x\n");
	assert_int_equal(model_output_count(m), 2);
	model_free(m);
}

static void test_one_write_many_lines(void **state)
{
	struct fs_model *m = model_two();

	(void)state;
	do_write(m, 2 * MS, KID, 1, "a\n\nb\nc");
	assert_int_equal(model_output_count(m), 4);
	assert_string_equal(line(m, 0)->data, "a");
	assert_int_equal(line(m, 1)->len, 0); /* a blank line is a line */
	assert_string_equal(line(m, 2)->data, "b");
	assert_string_equal(line(m, 3)->data, "c");
	assert_true(line(m, 3)->open);
	assert_false(line(m, 2)->open);
	/* bytes are kept exactly, NULs and escapes too */
	do_write_n(m, 3 * MS, ROOT, ROOT, 1, "\x1b[2J\0z\n", 7);
	assert_int_equal(line(m, 4)->len, 6);
	assert_memory_equal(line(m, 4)->data, "\x1b[2J\0z", 6);
	model_free(m);
}

static void test_exit_closes(void **state)
{
	struct fs_model *m = model_two();

	(void)state;
	do_write(m, 2 * MS, KID, 1, "partial");
	do_write(m, 2 * MS, KID, 2, "err partial");
	do_write(m, 2 * MS, ROOT, 1, "root partial");
	assert_true(line(m, 0)->open);
	do_exit(m, 3 * MS, KID, ROOT);
	assert_false(line(m, 0)->open);
	assert_false(line(m, 1)->open);
	assert_true(line(m, 2)->open);
	assert_int_equal(line(m, 0)->end_ns, 2 * MS);
	/* a write that comes after its writer's exit (another ring buffer) ends at once */
	do_write(m, 4 * MS, KID, 1, "late");
	assert_false(line(m, 3)->open);
	assert_int_equal(line(m, 3)->pid, KID);
	/* the end of the trace ends every open line */
	model_end(m, 5 * MS);
	assert_false(line(m, 2)->open);
	model_free(m);
}

static void test_stop_following_closes(void **state)
{
	struct fs_model *m = model_two();

	(void)state;
	do_write(m, 2 * MS, KID, 1, "partial");
	model_stop_following(m, 3 * MS);
	assert_false(line(m, 0)->open);
	assert_string_equal(line(m, 0)->data, "partial");
	model_free(m);
}

static void test_pid_reuse_new_line(void **state)
{
	struct fs_model *m = model_two();
	uint64_t old;

	(void)state;
	do_write(m, 2 * MS, KID, 1, "first ");
	old = proc_of(m, KID)->serial;
	do_fork(m, 3 * MS, ROOT, KID); /* its exit was lost, the PID is reused */
	do_write(m, 4 * MS, KID, 1, "second\n");
	assert_int_equal(model_output_count(m), 2);
	assert_false(line(m, 0)->open);
	assert_true(line(m, 0)->serial == old);
	assert_string_equal(line(m, 1)->data, "second");
	assert_true(line(m, 1)->serial == proc_of(m, KID)->serial);
	model_free(m);
}

static void test_writer_before_fork(void **state)
{
	struct fs_model *m = model_new(ROOT);

	(void)state;
	do_fork(m, 0, 1, ROOT);
	/* the output ring buffer delivered the child's write before its fork */
	do_write(m, 2 * MS, KID, 1, "early ");
	assert_true(line(m, 0)->serial == FS_OUTPUT_NO_SERIAL);
	assert_int_equal(model_find(m, KID), -1); /* no process made up */
	do_fork(m, MS, ROOT, KID);
	do_write(m, 3 * MS, KID, 1, "then\n");
	assert_int_equal(model_output_count(m), 1);
	assert_string_equal(line(m, 0)->data, "early then");
	assert_true(line(m, 0)->serial == proc_of(m, KID)->serial);
	assert_int_equal(proc_of(m, KID)->output_lines, 1);
	model_free(m);
}

static void test_line_cap_and_cut(void **state)
{
	struct fs_model *m = model_two();
	char *big = malloc(FS_OUTPUT_CHUNK);

	(void)state;
	assert_non_null(big);
	memset(big, 'x', FS_OUTPUT_CHUNK);
	do_write_n(m, 2 * MS, KID, KID, 1, big, FS_OUTPUT_CHUNK);
	do_write_n(m, 3 * MS, KID, KID, 1, big, 100);
	do_write(m, 4 * MS, KID, 1, "tail\nnext\n");
	assert_int_equal(line(m, 0)->len, FS_OUTPUT_LINE_MAX);
	assert_int_equal(line(m, 0)->cut, 104);
	assert_false(line(m, 0)->open);
	assert_string_equal(line(m, 1)->data, "next");
	assert_int_equal(model_output_stats(m)->cut_bytes, 104);
	/* the kernel cut a write: the rest counts on the line it was in */
	ev_reset(FS_EV_OUTPUT, 5 * MS);
	ev.pid = ROOT;
	ev.tid = ROOT;
	ev.fd = 1;
	memcpy(ev.args, "abc", 3);
	ev.args_len = 3;
	ev.cut = 5000;
	assert_int_equal(model_apply(m, &ev), 0);
	assert_string_equal(line(m, 2)->data, "abc");
	assert_int_equal(line(m, 2)->cut, 5000);
	assert_int_equal(model_output_stats(m)->cut_bytes, 5104);
	/* more than a chunk in one event: the bytes past the chunk are cut too */
	ev_reset(FS_EV_OUTPUT, 6 * MS);
	ev.pid = KID;
	ev.fd = 2;
	memset(ev.args, 'y', FS_OUTPUT_CHUNK + 10);
	ev.args_len = FS_OUTPUT_CHUNK + 10;
	assert_int_equal(model_apply(m, &ev), 0);
	assert_int_equal(line(m, 3)->len, FS_OUTPUT_CHUNK);
	assert_int_equal(line(m, 3)->cut, 10);
	assert_int_equal(model_output_stats(m)->bytes,
			 FS_OUTPUT_CHUNK + 100 + 10 + 3 + FS_OUTPUT_CHUNK);
	free(big);
	model_free(m);
}

static void test_dropped_marker(void **state)
{
	struct fs_model *m = model_two();

	(void)state;
	do_write(m, 2 * MS, KID, 1, "before ");
	ev_reset(FS_EV_OUTPUT, 3 * MS);
	ev.pid = KID;
	ev.tid = KID;
	ev.fd = 1;
	memcpy(ev.args, "after\n", 6);
	ev.args_len = 6;
	ev.dropped = 123456;
	assert_int_equal(model_apply(m, &ev), 0);
	assert_int_equal(model_output_count(m), 2);
	assert_string_equal(line(m, 0)->data, "before after");
	assert_true(line(m, 1)->dropped_mark);
	assert_int_equal(line(m, 1)->dropped, 123456);
	assert_int_equal(line(m, 1)->pid, 0);
	assert_true(line(m, 1)->serial == FS_OUTPUT_NO_SERIAL);
	assert_false(line(m, 1)->open);
	assert_int_equal(model_output_stats(m)->dropped_bytes, 123456);
	model_free(m);
}

static void test_memory_bound(void **state)
{
	struct fs_model *m = model_two();
	char buf[1001];
	size_t kept = 0, i;

	(void)state;
	memset(buf, 'z', 1000);
	buf[999] = '\n';
	do_write(m, 2 * MS, ROOT, 2, "an open line, never ended");
	for (i = 0; i < 20000; i++)
		do_write_n(m, 3 * MS + i, KID, KID, 1, buf, 1000);
	for (i = 0; i < model_output_count(m); i++)
		kept += line(m, i)->len;
	assert_true(kept <= FS_OUTPUT_KEEP_BYTES);
	assert_true(kept > FS_OUTPUT_KEEP_BYTES / 2);
	assert_true(model_output_stats(m)->lines_forgotten > 0);
	assert_int_equal(model_output_first(m) + model_output_count(m),
			 model_output_stats(m)->lines);
	assert_int_equal(model_output_first(m), model_output_stats(m)->lines_forgotten);
	/* the oldest, open, went: the writer's next bytes start a new line */
	do_write(m, 10 * MS, ROOT, 2, " and on\n");
	assert_string_equal(line(m, model_output_count(m) - 1)->data, " and on");
	/* lines of blank bytes cost their entries: a flood of newlines is bounded too */
	memset(buf, '\n', 1000);
	for (i = 0; i < 2000; i++)
		do_write_n(m, 11 * MS + i, KID, KID, 1, buf, 1000);
	assert_true(model_output_count(m) < FS_OUTPUT_KEEP_BYTES / sizeof(struct fs_output_line));
	model_free(m);
}

static void test_output_clone_digest(void **state)
{
	struct fs_model *m = model_two(), *c;
	uint64_t d0 = model_digest(m);

	(void)state;
	do_write(m, 2 * MS, KID, 1, "one\ntw");
	assert_true(model_digest(m) != d0);
	c = model_clone(m);
	assert_non_null(c);
	assert_true(model_digest(c) == model_digest(m));
	assert_int_equal(model_output_count(c), 2);
	assert_string_equal(line(c, 1)->data, "tw");
	do_write(c, 3 * MS, KID, 1, "o\n");
	do_write(m, 3 * MS, KID, 1, "o\n");
	assert_true(model_digest(c) == model_digest(m));
	assert_string_equal(line(c, 1)->data, "two");
	do_write(m, 4 * MS, KID, 1, "x\n");
	assert_true(model_digest(c) != model_digest(m));
	assert_int_equal(model_output_count(c), 2);
	model_set_output_lost(c, 3);
	assert_int_equal(model_output_stats(c)->lost, 3);
	model_free(c);
	model_free(m);
}

/* ---------------------------------------------------------------- the decoder */

/* Decode a C string record; the number of facts, or -1 with *why. */
static int decode(const char *rec, struct fs_fact **facts, enum fs_channel_reject *why)
{
	return channel_decode(rec, strlen(rec), facts, why);
}

/* The reason a record is rejected for (it must be). */
static enum fs_channel_reject rejected(const char *rec)
{
	enum fs_channel_reject why = FS_CHANNEL_REJECT_COUNT;
	struct fs_fact *facts = (struct fs_fact *)1;

	if (decode(rec, &facts, &why) != -1)
		fail_msg("accepted: %s", rec);
	assert_null(facts);
	return why;
}

static void test_decode_ok(void **state)
{
	struct fs_fact *f = NULL;
	enum fs_channel_reject why;
	int n;

	(void)state;
	n = decode(
	    "FSC1\n{\"fact\":\"name\",\"name\":\"worker-1\",\"n\":-42,\"ok\":true,\"x\":null}\n"
	    "\n  \n{\"fact\":\"phase\",\"phase\":\"caf\xc3\xa9 \\u00e9\"}",
	    &f, &why);
	assert_int_equal(n, 2);
	assert_string_equal(f[0].kind, "name");
	assert_int_equal(f[0].nfields, 4);
	assert_string_equal(f[0].fields[0].key, "name");
	assert_int_equal(f[0].fields[0].type, FS_FACT_STRING);
	assert_string_equal(f[0].fields[0].s, "worker-1");
	assert_string_equal(f[0].fields[1].key, "n");
	assert_int_equal(f[0].fields[1].type, FS_FACT_INT);
	assert_int_equal(f[0].fields[1].i, -42);
	assert_int_equal(f[0].fields[2].type, FS_FACT_BOOL);
	assert_int_equal(f[0].fields[2].i, 1);
	assert_int_equal(f[0].fields[3].type, FS_FACT_NULL);
	assert_int_equal(f[0].pid, 0);
	assert_string_equal(f[1].kind, "phase");
	assert_string_equal(f[1].fields[0].s, "caf\xc3\xa9 \xc3\xa9");
	channel_facts_free(f, (size_t)n);
	/* a fact alone, the key order kept, CRLF */
	n = decode("FSC1\n{\"fact\":\"_t\",\"b\":1,\"a\":2,\"fact_2\":3}\r\n", &f, &why);
	assert_int_equal(n, 1);
	assert_string_equal(f[0].fields[0].key, "b");
	assert_string_equal(f[0].fields[1].key, "a");
	assert_string_equal(f[0].fields[2].key, "fact_2");
	channel_facts_free(f, 1);
}

static void test_decode_bounds(void **state)
{
	char *rec = malloc(FS_CHANNEL_MAX + 64), key[FS_FACT_MAX_KEY + 2];
	struct fs_fact *f = NULL;
	enum fs_channel_reject why;
	size_t len;
	int n;

	(void)state;
	assert_non_null(rec);
	/* the most facts, the most fields, the longest key and string */
	len = (size_t)sprintf(rec, "FSC1\n");
	for (int i = 0; i < FS_FACT_MAX_FACTS; i++)
		len += (size_t)sprintf(rec + len, "{\"fact\":\"f\"}\n");
	n = channel_decode(rec, len, &f, &why);
	assert_int_equal(n, FS_FACT_MAX_FACTS);
	channel_facts_free(f, (size_t)n);
	sprintf(rec + len, "{\"fact\":\"f\"}\n");
	assert_int_equal(rejected(rec), FS_CHANNEL_BAD_FIELD); /* one fact too many */

	len = (size_t)sprintf(rec, "FSC1\n{\"fact\":\"f\"");
	for (int i = 1; i < FS_FACT_MAX_FIELDS; i++)
		len += (size_t)sprintf(rec + len, ",\"k%d\":%d", i, i);
	sprintf(rec + len, "}");
	n = decode(rec, &f, &why);
	assert_int_equal(n, 1);
	assert_int_equal(f[0].nfields, FS_FACT_MAX_FIELDS - 1);
	channel_facts_free(f, 1);
	sprintf(rec + len, ",\"more\":1}");
	assert_int_equal(rejected(rec), FS_CHANNEL_BAD_FIELD); /* one field too many */

	memset(key, 'k', FS_FACT_MAX_KEY);
	key[FS_FACT_MAX_KEY] = '\0';
	sprintf(rec, "FSC1\n{\"fact\":\"%s\",\"%s\":1}", key, key);
	n = decode(rec, &f, &why);
	assert_int_equal(n, 1);
	channel_facts_free(f, 1);
	strcat(key, "k");
	sprintf(rec, "FSC1\n{\"fact\":\"f\",\"%s\":1}", key);
	assert_int_equal(rejected(rec), FS_CHANNEL_BAD_FIELD);
	sprintf(rec, "FSC1\n{\"fact\":\"%s\"}", key);
	assert_int_equal(rejected(rec), FS_CHANNEL_BAD_FIELD);

	len = (size_t)sprintf(rec, "FSC1\n{\"fact\":\"f\",\"s\":\"");
	memset(rec + len, 'a', FS_FACT_MAX_STRING);
	sprintf(rec + len + FS_FACT_MAX_STRING, "\"}");
	n = decode(rec, &f, &why);
	assert_int_equal(n, 1);
	assert_int_equal(strlen(f[0].fields[0].s), FS_FACT_MAX_STRING);
	channel_facts_free(f, 1);
	sprintf(rec + len + FS_FACT_MAX_STRING, "a\"}");
	assert_int_equal(rejected(rec), FS_CHANNEL_BAD_FIELD);

	/* oversized: one byte over FS_CHANNEL_MAX, however good the rest */
	len = (size_t)sprintf(rec, "FSC1\n{\"fact\":\"f\"}");
	memset(rec + len, ' ', FS_CHANNEL_MAX + 1 - len);
	assert_int_equal(channel_decode(rec, FS_CHANNEL_MAX, &f, &why), 1);
	channel_facts_free(f, 1);
	f = NULL;
	assert_int_equal(channel_decode(rec, FS_CHANNEL_MAX + 1, &f, &why), -1);
	assert_int_equal(why, FS_CHANNEL_OVERSIZED);
	assert_null(f);
	free(rec);
}

static void test_decode_rejects(void **state)
{
	static const struct {
		const char *rec;
		enum fs_channel_reject why;
	} cases[] = {
	    {"", FS_CHANNEL_BAD_MAGIC},
	    {"FSC1", FS_CHANNEL_BAD_MAGIC},
	    {"FSC2\n{\"fact\":\"f\"}", FS_CHANNEL_BAD_MAGIC},
	    {"fsc1\n{\"fact\":\"f\"}", FS_CHANNEL_BAD_MAGIC},
	    {" FSC1\n{\"fact\":\"f\"}", FS_CHANNEL_BAD_MAGIC},
	    {"FSC1\n", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n\n\n", FS_CHANNEL_BAD_JSON},
	    {"FSC1\nnot json", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n[1,2]", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n5", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n\"fact\"", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\"", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\",}", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\"} {\"fact\":\"g\"}", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\"}x", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\",\"a\":{\"b\":1}}", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\",\"a\":[1]}", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{'fact':'f'}", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\",\"a\":01}", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\"}\n{\"fact\":\"g\"\n}", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\",\"s\":\"\xff\"}", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\",\"s\":\"a\tb\"}", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\",\"s\":\"a\x1b[2Jb\"}", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\",\"x\":NaN}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"x\":-Infinity}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"x\":1.}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"s\":\"\xc0\xaf\"}", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{\"fact\":\"f\",\"s\":\"\xed\xa0\x80\"}", FS_CHANNEL_BAD_JSON},
	    {"FSC1\n{}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"name\":\"x\"}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":1}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":null}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"\"}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"Name\"}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"9lives\"}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"a-b\"}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"Key\":1}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"\":1}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"a b\":1}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"x\":1.5}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"x\":1e3}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"x\":9223372036854775808}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"x\":-9223372036854775809}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"s\":\"a\\u0000b\"}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"k\\u0000x\":1}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\\u0000\"}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\"}\n{\"fact\":\"g\",\"x\":2.0}", FS_CHANNEL_BAD_FIELD},
	    {"FSC1\n{\"fact\":\"f\",\"pid\":1}", FS_CHANNEL_FORGED},
	    {"FSC1\n{\"fact\":\"f\",\"tid\":1}", FS_CHANNEL_FORGED},
	    {"FSC1\n{\"fact\":\"f\",\"ppid\":\"1\"}", FS_CHANNEL_FORGED},
	    {"FSC1\n{\"fact\":\"f\",\"t_ns\":0}", FS_CHANNEL_FORGED},
	    {"FSC1\n{\"pid\":4242}", FS_CHANNEL_FORGED},
	    {"FSC1\n{\"fact\":\"f\",\"x\":1.5,\"pid\":7}", FS_CHANNEL_FORGED},
	    {"FSC1\n{\"fact\":\"f\"}\n{\"fact\":\"g\",\"tid\":9}", FS_CHANNEL_FORGED},
	    {"FSC1\n{\"fact\":\"f\",\"pid\":1,\"pid\":2}", FS_CHANNEL_FORGED},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum fs_channel_reject why = rejected(cases[i].rec);

		if (why != cases[i].why)
			fail_msg("%s: %s, not %s", cases[i].rec, names_channel_reject(why),
				 names_channel_reject(cases[i].why));
	}
	/* a NUL byte inside the record */
	{
		struct fs_fact *f = NULL;
		enum fs_channel_reject why;
		const char rec[] = "FSC1\n{\"fact\":\"f\"}\n{\"fact\":\0\"g\"}";

		assert_int_equal(channel_decode(rec, sizeof(rec) - 1, &f, &why), -1);
		assert_int_equal(why, FS_CHANNEL_BAD_JSON);
	}
	assert_string_equal(names_channel_reject(FS_CHANNEL_FORGED), "forged");
	assert_string_equal(names_channel_reject(FS_CHANNEL_REJECT_COUNT), "?");
}

/* ---------------------------------------------------------------- the channel in the model */

static void do_channel(struct fs_model *m, uint64_t t, uint32_t pid, const char *rec)
{
	ev_reset(FS_EV_CHANNEL, t);
	ev.pid = pid;
	ev.tid = pid + 1000;
	ev.args_len = (uint32_t)strlen(rec);
	memcpy(ev.args, rec, ev.args_len);
	assert_int_equal(model_apply(m, &ev), 0);
}

static void test_channel_model(void **state)
{
	struct fs_model *m = model_two(), *c;
	const struct fs_channel_stats *st;
	const struct fs_fact *f;
	uint64_t d;

	(void)state;
	do_channel(m, 2 * MS, KID,
		   "FSC1\n{\"fact\":\"name\",\"name\":\"w1\"}\n{\"fact\":\"task\"}");
	do_channel(m, 3 * MS, KID, "FSC1\n{\"fact\":\"name\",\"pid\":100}");
	do_channel(m, 4 * MS, 999, "FSC1\n{\"fact\":\"name\"}");
	do_channel(m, 5 * MS, ROOT, "nope");
	ev_reset(FS_EV_CHANNEL, 6 * MS);
	ev.pid = ROOT;
	ev.cut = 100000;
	assert_int_equal(model_apply(m, &ev), 0);
	st = model_channel_stats(m);
	assert_int_equal(st->records, 5);
	assert_int_equal(st->accepted, 1);
	assert_int_equal(st->facts, 2);
	assert_int_equal(st->rejected[FS_CHANNEL_FORGED], 1);
	assert_int_equal(st->rejected[FS_CHANNEL_UNKNOWN_WRITER], 1);
	assert_int_equal(st->rejected[FS_CHANNEL_BAD_MAGIC], 1);
	assert_int_equal(st->rejected[FS_CHANNEL_OVERSIZED], 1);
	assert_int_equal(model_fact_count(m), 2);
	f = model_fact(m, 0);
	assert_int_equal(f->pid, KID);
	assert_int_equal(f->tid, KID + 1000);
	assert_int_equal(f->t_ns, 2 * MS);
	assert_true(f->serial == proc_of(m, KID)->serial);
	assert_string_equal(f->fields[0].s, "w1");
	assert_string_equal(model_fact(m, 1)->kind, "task");
	assert_null(model_fact(m, 2));
	assert_int_equal(proc_of(m, KID)->facts, 2);
	assert_int_equal(proc_of(m, ROOT)->facts, 0);
	/* a clone has them, and the digest sees them */
	c = model_clone(m);
	assert_non_null(c);
	assert_true(model_digest(c) == model_digest(m));
	assert_string_equal(model_fact(c, 0)->fields[0].s, "w1");
	d = model_digest(m);
	do_channel(m, 7 * MS, ROOT, "FSC1\n{\"fact\":\"x\"}");
	assert_true(model_digest(m) != d);
	do_channel(c, 7 * MS, ROOT, "FSC1\n{\"fact\":\"y\"}");
	assert_true(model_digest(m) != model_digest(c));
	model_free(c);
	model_free(m);
}

static void test_channel_memory_bound(void **state)
{
	struct fs_model *m = model_two();
	char rec[FS_CHANNEL_MAX];
	size_t len, i;

	(void)state;
	len = (size_t)sprintf(rec, "FSC1\n");
	for (i = 0; i < 8; i++)
		len += (size_t)sprintf(rec + len, "{\"fact\":\"f\",\"s\":\"%0400d\"}\n", 0);
	for (i = 0; i < 3000; i++)
		do_channel(m, 2 * MS + i, KID, rec);
	assert_int_equal(model_channel_stats(m)->accepted, 3000);
	assert_true(model_channel_stats(m)->facts_forgotten > 0);
	assert_true(model_fact_count(m) * sizeof(struct fs_fact) <= FS_FACT_KEEP_BYTES);
	assert_int_equal(model_fact_count(m) + model_channel_stats(m)->facts_forgotten, 3000 * 8);
	assert_int_equal(model_fact(m, model_fact_count(m) - 1)->t_ns, 2 * MS + 2999);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_writers_never_glue),
	    cmocka_unit_test(test_streams_and_threads),
	    cmocka_unit_test(test_one_write_many_lines),
	    cmocka_unit_test(test_exit_closes),
	    cmocka_unit_test(test_stop_following_closes),
	    cmocka_unit_test(test_pid_reuse_new_line),
	    cmocka_unit_test(test_writer_before_fork),
	    cmocka_unit_test(test_line_cap_and_cut),
	    cmocka_unit_test(test_dropped_marker),
	    cmocka_unit_test(test_memory_bound),
	    cmocka_unit_test(test_output_clone_digest),
	    cmocka_unit_test(test_decode_ok),
	    cmocka_unit_test(test_decode_bounds),
	    cmocka_unit_test(test_decode_rejects),
	    cmocka_unit_test(test_channel_model),
	    cmocka_unit_test(test_channel_memory_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
