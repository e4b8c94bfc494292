/* Recordings: the output and channel lines and the end line's output_lost (record_output.c)
 * written exactly, read back byte for byte, and bad ones refused naming the line. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "unit_tmpfile.h"
#include "record/record.h"

#define HEADER_LINE                                                                                \
	"{\"type\":\"header\",\"schema\":3,\"tool\":\"forkscope 0.1.0\",\"root_pid\":100,"         \
	"\"command\":[\"sh\"],\"method\":null,\"python\":null,\"kernel\":\"6.1.0\","               \
	"\"start_realtime_ns\":0}\n"

static char path[64];

static int setup(void **state)
{
	(void)state;
	return unit_tmpfile(path, sizeof(path), "record_output");
}

static int teardown(void **state)
{
	(void)state;
	unlink(path);
	return 0;
}

static struct fs_event *new_event(uint32_t type, uint64_t t, uint32_t pid, const char *data,
				  size_t len)
{
	struct fs_event *ev = calloc(1, sizeof(*ev));

	assert_non_null(ev);
	ev->type = type;
	ev->t_ns = t;
	ev->pid = pid;
	ev->tid = pid + 1;
	ev->fd = type == FS_EV_OUTPUT ? 1 : 0;
	memcpy(ev->args, data, len);
	ev->args_len = (uint32_t)len;
	return ev;
}

static char *slurp(void)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);
	size_t n;

	assert_non_null(f);
	assert_non_null(buf);
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* The events written one a line, without the header. */
static char *write_events(struct fs_event **evs, size_t n)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(record_write_event(f, evs[i]), 0);
	assert_int_equal(fclose(f), 0);
	return slurp();
}

static void test_writer_exact(void **state)
{
	struct fs_event *evs[6];
	char *text;

	(void)state;
	evs[0] = new_event(FS_EV_OUTPUT, 10, 7, "hi \x1b[2J\"\\\n", 10);
	evs[1] = new_event(FS_EV_OUTPUT, 11, 7, "\xff\xfeok", 4);
	evs[1]->fd = 2;
	evs[1]->cut = 9;
	evs[1]->dropped = 1234;
	evs[2] = new_event(FS_EV_OUTPUT, 12, 7, "a\0b", 3);
	evs[3] = new_event(FS_EV_CHANNEL, 13, 8, "FSC1\n{\"fact\":\"x\"}", 17);
	evs[4] = new_event(FS_EV_CHANNEL, 14, 8, "", 0);
	evs[4]->cut = 5000;
	evs[5] = new_event(FS_EV_CHANNEL, 15, 8, "\xc3\xa9\x80", 3);
	text = write_events(evs, 6);
	assert_string_equal(
	    text,
	    "{\"type\":\"output\",\"t_ns\":10,\"pid\":7,\"tid\":8,\"fd\":1,"
	    "\"data\":\"hi \\u001b[2J\\\"\\\\\\n\"}\n"
	    "{\"type\":\"output\",\"t_ns\":11,\"pid\":7,\"tid\":8,\"fd\":2,"
	    "\"data\":\"\xef\xbf\xbd\xef\xbf\xbdok\",\"data_b64\":\"//5vaw==\",\"cut\":9,"
	    "\"dropped\":1234}\n"
	    "{\"type\":\"output\",\"t_ns\":12,\"pid\":7,\"tid\":8,\"fd\":1,\"data\":\"a\\u0000b\"}"
	    "\n"
	    "{\"type\":\"channel\",\"t_ns\":13,\"pid\":8,\"tid\":9,"
	    "\"data\":\"FSC1\\n{\\\"fact\\\":\\\"x\\\"}\"}\n"
	    "{\"type\":\"channel\",\"t_ns\":14,\"pid\":8,\"tid\":9,\"data\":\"\",\"cut\":5000}\n"
	    "{\"type\":\"channel\",\"t_ns\":15,\"pid\":8,\"tid\":9,\"data\":"
	    "\"\xc3\xa9\xef\xbf\xbd\","
	    "\"data_b64\":\"w6mA\"}\n");
	free(text);
	/* an fd the workload's output is not on: refused, never half written */
	evs[0]->fd = 3;
	errno = 0;
	assert_int_equal(record_write_event(stdout, evs[0]), -1);
	assert_int_equal(errno, EINVAL);
	for (int i = 0; i < 6; i++)
		free(evs[i]);
}

/* Write the header, events and an end line, and read the events back. */
static void round_trip(struct fs_event **evs, size_t n, struct fs_event *back, uint64_t lost)
{
	struct fs_end end = {.t_ns = 99, .events = n, .complete = true, .output_lost = lost};
	struct fs_record_item *it = calloc(1, sizeof(*it));
	struct fs_record_reader *r;
	char err[256] = "";
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_non_null(it);
	fputs(HEADER_LINE, f);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(record_write_event(f, evs[i]), 0);
	assert_int_equal(record_write_end(f, &end), 0);
	assert_int_equal(fclose(f), 0);
	r = record_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(record_next(r, it, err, sizeof(err)), 1);
	record_item_clear(it);
	for (size_t i = 0; i < n; i++) {
		if (record_next(r, it, err, sizeof(err)) != 1)
			fail_msg("event %zu: %s", i, err);
		assert_int_equal(it->kind, FS_REC_EVENT);
		back[i] = it->event;
	}
	assert_int_equal(record_next(r, it, err, sizeof(err)), 1);
	assert_int_equal(it->kind, FS_REC_END);
	assert_true(it->end.output_lost == lost);
	assert_int_equal(record_next(r, it, err, sizeof(err)), 0);
	record_close(r);
	free(it);
}

static void test_round_trip(void **state)
{
	struct fs_event *evs[6], *back = calloc(6, sizeof(*back));
	char big[FS_OUTPUT_CHUNK + 20], *text;

	(void)state;
	assert_non_null(back);
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)(i * 7 + 1); /* every byte value, invalid UTF-8 among them */
	evs[0] = new_event(FS_EV_OUTPUT, 10, 7, "line\n\x1b]0;title\a\r\n", 17);
	evs[1] = new_event(FS_EV_OUTPUT, 11, 7, big, FS_OUTPUT_CHUNK);
	evs[1]->fd = 2;
	evs[1]->cut = 77;
	evs[1]->dropped = (uint64_t)1 << 40;
	evs[2] = new_event(FS_EV_OUTPUT, 12, 7, big, FS_OUTPUT_CHUNK + 20); /* over a chunk */
	evs[3] = new_event(FS_EV_CHANNEL, 13, 8, big, 100);
	evs[4] = new_event(FS_EV_CHANNEL, 14, 8, "", 0);
	evs[4]->cut = 5000;
	evs[5] = new_event(FS_EV_CHANNEL, 15, 8, big, FS_CHANNEL_MAX + 1); /* oversized */
	round_trip(evs, 6, back, 42);
	for (int i = 0; i < 2; i++) {
		assert_int_equal(back[i].type, FS_EV_OUTPUT);
		assert_int_equal(back[i].t_ns, evs[i]->t_ns);
		assert_int_equal(back[i].pid, 7);
		assert_int_equal(back[i].tid, 8);
		assert_int_equal(back[i].fd, evs[i]->fd);
		assert_int_equal(back[i].cut, evs[i]->cut);
		assert_true(back[i].dropped == evs[i]->dropped);
		assert_int_equal(back[i].args_len, evs[i]->args_len);
		assert_memory_equal(back[i].args, evs[i]->args, evs[i]->args_len);
	}
	/* as the model takes them: a chunk and the rest cut; an oversized record's length */
	assert_int_equal(back[2].args_len, FS_OUTPUT_CHUNK);
	assert_memory_equal(back[2].args, big, FS_OUTPUT_CHUNK);
	assert_int_equal(back[2].cut, 20);
	assert_int_equal(back[3].type, FS_EV_CHANNEL);
	assert_int_equal(back[3].args_len, 100);
	assert_memory_equal(back[3].args, big, 100);
	assert_int_equal(back[4].args_len, 0);
	assert_int_equal(back[4].cut, 5000);
	assert_int_equal(back[5].args_len, 0);
	assert_int_equal(back[5].cut, FS_CHANNEL_MAX + 1);
	/* no output_lost when none was lost */
	round_trip(evs, 1, back, 0);
	text = slurp();
	assert_null(strstr(text, "output_lost"));
	free(text);
	for (int i = 0; i < 6; i++)
		free(evs[i]);
	free(back);
}

static void test_bad_lines(void **state)
{
	static const struct {
		const char *line, *want;
	} cases[] = {
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"fd\":1,\"data\":\"x\"}",
	     "line 2: output: missing field \"tid\""},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"data\":\"x\"}",
	     "line 2: output: missing field \"fd\""},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":0,\"data\":\"x\"}",
	     "line 2: output: field \"fd\" must be 1 (stdout) or 2 (stderr)"},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":\"1\",\"data\":\"x\"}",
	     "line 2: output: field \"fd\" must be a non-negative integer"},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":1}",
	     "line 2: output: missing field \"data\""},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":1,\"data\":null}",
	     "line 2: output: field \"data\" must not be null"},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":1,\"data\":[\"x\"]}",
	     "line 2: output: field \"data\" must be a string"},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":1,\"data\":\"\","
	     "\"data_b64\":\"QQ=\"}",
	     "line 2: output: field \"data_b64\" is not base64 (length 3)"},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":1,\"data\":\"\","
	     "\"data_b64\":\"Q=Q=\"}",
	     "line 2: output: field \"data_b64\" is not base64 (at 2)"},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":1,\"data\":\"\","
	     "\"data_b64\":\"QQ-=\"}",
	     "line 2: output: field \"data_b64\" is not base64 (at 3)"},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":1,\"data\":\"\","
	     "\"data_b64\":\"QR==\"}",
	     "line 2: output: field \"data_b64\" is not canonical base64"},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":1,\"data\":\"\","
	     "\"data_b64\":7}",
	     "line 2: output: field \"data_b64\" must be a string"},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":1,\"data\":\"x\",\"cut\":-"
	     "1}",
	     "line 2: output: field \"cut\" must be a non-negative integer"},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":1,\"data\":\"x\","
	     "\"cut\":4294967296}",
	     "line 2: output: field \"cut\" is out of range"},
	    {"{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"fd\":1,\"data\":\"x\","
	     "\"dropped\":true}",
	     "line 2: output: field \"dropped\" must be a non-negative integer"},
	    {"{\"type\":\"channel\",\"t_ns\":1,\"pid\":2,\"data\":\"x\"}",
	     "line 2: channel: missing field \"tid\""},
	    {"{\"type\":\"channel\",\"t_ns\":1,\"pid\":2,\"tid\":2,\"data\":\"x\",\"cut\":5000}",
	     "line 2: channel: an oversized record (\"cut\") must have an empty \"data\""},
	    {"{\"type\":\"end\",\"t_ns\":1,\"events\":0,\"lost\":0,\"output_lost\":-3}",
	     "line 2: end: field \"output_lost\" must be a non-negative integer"},
	};
	char *line = malloc(3 * FS_OUTPUT_CHUNK + 4096), err[256];

	(void)state;
	assert_non_null(line);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]) + 3; i++) {
		struct fs_record_item *it = calloc(1, sizeof(*it));
		struct fs_record_reader *r;
		const char *want;
		FILE *f = fopen(path, "w");
		size_t n;
		int got;

		assert_non_null(f);
		assert_non_null(it);
		if (i < sizeof(cases) / sizeof(cases[0])) {
			snprintf(line, 4096, "%s", cases[i].line);
			want = cases[i].line ? cases[i].want : NULL;
		} else if (i == sizeof(cases) / sizeof(cases[0])) {
			/* one byte more than a chunk */
			n = (size_t)sprintf(line,
					    "{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,"
					    "\"fd\":1,\"data\":\"");
			memset(line + n, 'a', FS_OUTPUT_CHUNK + 1);
			sprintf(line + n + FS_OUTPUT_CHUNK + 1, "\"}");
			want = "line 2: output: field \"data\" is longer than 4096 bytes";
		} else if (i == sizeof(cases) / sizeof(cases[0]) + 1) {
			/* base64 of one byte more than a record */
			n = (size_t)sprintf(line,
					    "{\"type\":\"channel\",\"t_ns\":1,\"pid\":2,\"tid\":2,"
					    "\"data\":\"\",\"data_b64\":\"");
			memset(line + n, 'A', (FS_CHANNEL_MAX + 3) / 3 * 4);
			sprintf(line + n + (FS_CHANNEL_MAX + 3) / 3 * 4, "\"}");
			want = "line 2: channel: field \"data_b64\" holds more than 4096 bytes";
		} else {
			/* "data" far longer than its base64 could explain */
			n = (size_t)sprintf(line,
					    "{\"type\":\"output\",\"t_ns\":1,\"pid\":2,\"tid\":2,"
					    "\"fd\":1,\"data_b64\":\"QQ==\",\"data\":\"");
			memset(line + n, 'a', 3 * FS_OUTPUT_CHUNK + 1);
			sprintf(line + n + 3 * FS_OUTPUT_CHUNK + 1, "\"}");
			want = "line 2: output: field \"data\" is longer than 12288 bytes";
		}
		fprintf(f, "%s%s\n", HEADER_LINE, line);
		assert_int_equal(fclose(f), 0);
		err[0] = '\0';
		r = record_open(path, err, sizeof(err));
		assert_non_null(r);
		while ((got = record_next(r, it, err, sizeof(err))) == 1)
			record_item_clear(it);
		record_close(r);
		free(it);
		if (got != -1 || strncmp(err, want, strlen(want)) != 0)
			fail_msg("case %zu: got %d \"%s\", want \"%s\"", i, got, err, want);
	}
	free(line);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_writer_exact, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_round_trip, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_lines, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
