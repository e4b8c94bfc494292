/* Recordings: write -> read round trips, and a table of bad recordings whose errors must
 * name the line and the problem. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "record/record.h"

struct fixture {
	char dir[64];
	char path[128];
};

static int setup(void **state)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	if (!fx)
		return -1;
	snprintf(fx->dir, sizeof(fx->dir), "/tmp/fs_test_record.XXXXXX");
	if (!mkdtemp(fx->dir)) {
		free(fx);
		return -1;
	}
	snprintf(fx->path, sizeof(fx->path), "%s/rec.jsonl", fx->dir);
	*state = fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->path);
	rmdir(fx->dir);
	free(fx);
	return 0;
}

static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, len, f), len);
	assert_int_equal(fclose(f), 0);
}

static char *read_file(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	assert_non_null(f);
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

#define HEADER_LINE                                                                                \
	"{\"type\":\"header\",\"schema\":1,\"tool\":\"forkscope 0.1.0\",\"root_pid\":100,"         \
	"\"command\":[\"/usr/bin/python3\",\"demo.py\"],\"method\":\"spawn\",\"python\":"          \
	"\"3.11.2\",\"kernel\":\"6.1.0\",\"start_realtime_ns\":1700000000000000000}\n"

static struct fs_event *new_event(uint32_t type, uint64_t t_ns, uint32_t pid)
{
	struct fs_event *ev = calloc(1, sizeof(*ev));

	assert_non_null(ev);
	ev->type = type;
	ev->t_ns = t_ns;
	ev->pid = pid;
	return ev;
}

/* Pack argv strings (given with their lengths) into an exec event. */
static void set_args(struct fs_event *ev, const char *const *argv, const size_t *lens, int n)
{
	size_t pos = 0;
	int i;

	for (i = 0; i < n; i++) {
		memcpy(ev->args + pos, argv[i], lens[i]);
		ev->args[pos + lens[i]] = '\0';
		pos += lens[i] + 1;
	}
	ev->args_len = (uint32_t)pos;
}

/* Write a header, the events and an end line; read everything back. */
static void round_trip(const char *path, struct fs_event **evs, int n, struct fs_event **out)
{
	struct fs_header h = {0};
	char *cmd[] = {"/usr/bin/python3", "-c", "print('a \"b\"')\n", NULL};
	struct fs_end end = {.t_ns = 5000000000ull, .events = 7, .lost = 2, .complete = true};
	struct fs_record_reader *r;
	struct fs_record_item it;
	char err[256] = "";
	FILE *f = fopen(path, "w");
	int i;

	assert_non_null(f);
	h.schema = FS_RECORD_SCHEMA;
	h.tool = "forkscope 0.1.0";
	h.root_pid = 4242;
	h.command = cmd;
	h.command_len = 3;
	h.method = "forkserver";
	h.python = NULL;
	h.kernel = "6.1.0-13-amd64";
	h.start_realtime_ns = 1700000000123456789ull;
	assert_int_equal(record_write_header(f, &h), 0);
	for (i = 0; i < n; i++)
		assert_int_equal(record_write_event(f, evs[i]), 0);
	assert_int_equal(record_write_end(f, &end), 0);
	assert_int_equal(fclose(f), 0);

	r = record_open(path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(record_next(r, &it, err, sizeof(err)), 1);
	assert_int_equal(it.kind, FS_REC_HEADER);
	assert_int_equal(it.header.schema, FS_RECORD_SCHEMA);
	assert_string_equal(it.header.tool, "forkscope 0.1.0");
	assert_int_equal(it.header.root_pid, 4242);
	assert_int_equal(it.header.command_len, 3);
	assert_string_equal(it.header.command[2], "print('a \"b\"')\n");
	assert_null(it.header.command[3]);
	assert_string_equal(it.header.method, "forkserver");
	assert_null(it.header.python);
	assert_string_equal(it.header.kernel, "6.1.0-13-amd64");
	assert_true(it.header.start_realtime_ns == 1700000000123456789ull);
	record_item_clear(&it);
	for (i = 0; i < n; i++) {
		assert_int_equal(record_next(r, &it, err, sizeof(err)), 1);
		assert_int_equal(it.kind, FS_REC_EVENT);
		out[i] = malloc(sizeof(struct fs_event));
		assert_non_null(out[i]);
		*out[i] = it.event;
		record_item_clear(&it);
	}
	assert_int_equal(record_next(r, &it, err, sizeof(err)), 1);
	assert_int_equal(it.kind, FS_REC_END);
	assert_true(it.end.t_ns == 5000000000ull && it.end.events == 7 && it.end.lost == 2);
	assert_true(it.end.complete);
	assert_int_equal(record_next(r, &it, err, sizeof(err)), 0);
	record_close(r);
}

static void test_round_trip_each_type(void **state)
{
	struct fixture *fx = *state;
	struct fs_event *evs[5], *back[5];
	const char *argv[] = {"/usr/bin/python3", "-c", "print(\"hi\")\n\tx = 'é' # \\", "",
			      "日本語"};
	size_t lens[5];
	int i;

	for (i = 0; i < 5; i++)
		lens[i] = strlen(argv[i]);
	evs[0] = new_event(FS_EV_FORK, 1000, 101);
	evs[0]->ppid = 100;
	evs[0]->tid = 103;
	evs[0]->parent_threads = 3;
	strcpy(evs[0]->comm, "python3");
	evs[1] = new_event(FS_EV_EXEC, 2000, 101);
	evs[1]->ppid = 100;
	evs[1]->tid = 102; /* a thread exec'd: the kernel makes it the leader, the TID stays */
	strcpy(evs[1]->comm, "3");
	strcpy(evs[1]->filename, "/usr/bin/python3.11");
	set_args(evs[1], argv, lens, 5);
	evs[2] = new_event(FS_EV_SIGNAL, 3000, 100);
	evs[2]->target = 101;
	evs[2]->sig = 15;
	evs[2]->tid = 104;
	evs[2]->sig_result = 2; /* already pending: not delivered again */
	strcpy(evs[2]->comm, "helper");
	evs[3] = new_event(FS_EV_EXIT, 4000, 101);
	evs[3]->ppid = 100;
	strcpy(evs[3]->comm, "python3.11");
	evs[3]->exit_code = -1;
	evs[3]->sig = 11;
	evs[3]->flags = FS_F_CORE_DUMPED;
	evs[3]->tid = 106;
	evs[4] = new_event(FS_EV_EXIT, UINT64_C(9000000000000), UINT32_MAX);
	evs[4]->ppid = 1;
	strcpy(evs[4]->comm, "sh");
	evs[4]->exit_code = 3;

	round_trip(fx->path, evs, 5, back);

	assert_int_equal(back[0]->type, FS_EV_FORK);
	assert_true(back[0]->t_ns == 1000);
	assert_int_equal(back[0]->pid, 101);
	assert_int_equal(back[0]->ppid, 100);
	assert_int_equal(back[0]->tid, 103);
	assert_int_equal(back[0]->parent_threads, 3);
	assert_string_equal(back[0]->comm, "python3");

	assert_int_equal(back[1]->type, FS_EV_EXEC);
	assert_string_equal(back[1]->filename, "/usr/bin/python3.11");
	assert_string_equal(back[1]->comm, "3"); /* as the kernel said (fexecve: "3") */
	assert_int_equal(back[1]->tid, 102);
	assert_int_equal(back[1]->args_len, evs[1]->args_len);
	assert_memory_equal(back[1]->args, evs[1]->args, evs[1]->args_len);
	assert_int_equal(back[1]->flags & FS_F_ARGS_TRUNCATED, 0);

	assert_int_equal(back[2]->type, FS_EV_SIGNAL);
	assert_int_equal(back[2]->pid, 100);
	assert_int_equal(back[2]->target, 101);
	assert_int_equal(back[2]->sig, 15);
	assert_int_equal(back[2]->sig_result, 2);
	assert_int_equal(back[2]->tid, 104);
	assert_string_equal(back[2]->comm, "helper");

	assert_int_equal(back[3]->type, FS_EV_EXIT);
	assert_int_equal(back[3]->exit_code, -1);
	assert_int_equal(back[3]->sig, 11);
	assert_int_equal(back[3]->flags, FS_F_CORE_DUMPED);
	assert_string_equal(back[3]->comm, "python3.11");
	assert_int_equal(back[3]->tid, 106);

	assert_true(back[4]->t_ns == UINT64_C(9000000000000));
	assert_int_equal(back[4]->pid, UINT32_MAX);
	assert_int_equal(back[4]->exit_code, 3);
	assert_int_equal(back[4]->sig, 0);
	assert_int_equal(back[4]->flags, 0);
	for (i = 0; i < 5; i++) {
		free(evs[i]);
		free(back[i]);
	}
}

/* The writer's exact output: schema-2 fields in order, nothing else. */
static void test_writer_exact_lines(void **state)
{
	struct fixture *fx = *state;
	struct fs_event *ev = new_event(FS_EV_FORK, 12, 7);
	const char *argv[] = {"a/b", "x\"y"};
	size_t lens[] = {3, 3};
	FILE *f = fopen(fx->path, "w");
	char *text;

	assert_non_null(f);
	ev->ppid = 6;
	ev->tid = 8;
	ev->parent_threads = 2;
	ev->target = 99; /* not part of a fork line */
	ev->sig_result = 1;
	ev->flags = FS_F_TARGET_EXITING;
	strcpy(ev->comm, "bash");
	assert_int_equal(record_write_event(f, ev), 0);
	memset(ev, 0, sizeof(*ev));
	ev->type = FS_EV_EXEC;
	ev->t_ns = 13;
	ev->pid = 7;
	ev->ppid = 6;
	ev->tid = 7;
	strcpy(ev->comm, "sh");
	strcpy(ev->filename, "/bin/sh");
	set_args(ev, argv, lens, 2);
	ev->flags = FS_F_ARGS_TRUNCATED;
	assert_int_equal(record_write_event(f, ev), 0);
	memset(ev, 0, sizeof(*ev));
	ev->type = FS_EV_EXIT;
	ev->t_ns = 14;
	ev->pid = 7;
	ev->ppid = 1;
	ev->tid = 9;
	ev->exit_code = 0;
	strcpy(ev->comm, "sh");
	assert_int_equal(record_write_event(f, ev), 0);
	ev->sig = 9;
	ev->exit_code = -1;
	assert_int_equal(record_write_event(f, ev), 0);
	memset(ev, 0, sizeof(*ev));
	ev->type = FS_EV_SIGNAL;
	ev->t_ns = 15;
	ev->pid = 6;
	ev->tid = 10;
	ev->target = 7;
	ev->sig = 17;
	ev->sig_result = 1;
	ev->flags = FS_F_TARGET_EXITING;
	strcpy(ev->comm, "bash");
	assert_int_equal(record_write_event(f, ev), 0);
	ev->type = 77;
	assert_int_equal(record_write_event(f, ev), -1);
	assert_int_equal(fclose(f), 0);
	text = read_file(fx->path);
	assert_string_equal(
	    text, "{\"type\":\"fork\",\"t_ns\":12,\"pid\":7,\"ppid\":6,\"parent_tid\":8,"
		  "\"comm\":\"bash\",\"parent_threads\":2,\"subtree_live\":0,\"clone_flags\":0}\n"
		  "{\"type\":\"exec\",\"t_ns\":13,\"pid\":7,\"ppid\":6,\"filename\":\"/bin/sh\","
		  "\"argv\":[\"a/b\",\"x\\\"y\"],\"truncated\":true,\"tid\":7,\"comm\":\"sh\"}\n"
		  "{\"type\":\"exit\",\"t_ns\":14,\"pid\":7,\"ppid\":1,\"comm\":\"sh\","
		  "\"exit_code\":0,\"signal\":null,\"core_dumped\":false,\"tid\":9}\n"
		  "{\"type\":\"exit\",\"t_ns\":14,\"pid\":7,\"ppid\":1,\"comm\":\"sh\","
		  "\"exit_code\":null,\"signal\":9,\"core_dumped\":false,\"tid\":9}\n"
		  "{\"type\":\"signal\",\"t_ns\":15,\"pid\":6,\"target\":7,\"sig\":17,"
		  "\"sig_result\":1,\"target_exiting\":true,\"tid\":10,\"comm\":\"bash\"}\n");
	free(text);
	free(ev);
}

/* Each line the writer produced must be strict JSON in valid UTF-8. */
static void assert_lines_valid_json(const char *path)
{
	char *text = read_file(path), *line, *save = NULL;
	int lines = 0;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct json_tokener *tok = json_tokener_new();
		struct json_object *o;

		assert_non_null(tok);
		json_tokener_set_flags(tok, JSON_TOKENER_STRICT | JSON_TOKENER_VALIDATE_UTF8);
		o = json_tokener_parse_ex(tok, line, (int)strlen(line));
		assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
		assert_true(json_object_is_type(o, json_type_object));
		json_object_put(o);
		json_tokener_free(tok);
		lines++;
	}
	assert_true(lines > 0);
	free(text);
}

static void test_invalid_utf8_and_control_bytes(void **state)
{
	struct fixture *fx = *state;
	struct fs_event *evs[2], *back[2];
	/* invalid bytes, an overlong NUL, a surrogate, a cut sequence, control bytes */
	const char *argv[] = {"a\xff\xfe"
			      "b",
			      "\xc0\x80",
			      "\xed\xa0\x80",
			      "\xe6\x97",
			      "\x01\x1b[31m\x7f",
			      "ok\xc3\xa9"};
	const char *want[] = {"a\xef\xbf\xbd\xef\xbf\xbd"
			      "b",
			      "\xef\xbf\xbd\xef\xbf\xbd",
			      "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd",
			      "\xef\xbf\xbd\xef\xbf\xbd",
			      "\x01\x1b[31m\x7f",
			      "ok\xc3\xa9"};
	size_t lens[6], pos = 0;
	int i;

	for (i = 0; i < 6; i++)
		lens[i] = strlen(argv[i]);
	evs[0] = new_event(FS_EV_EXEC, 1, 5);
	memcpy(evs[0]->filename, "/tmp/\xff\x80x", 8);
	set_args(evs[0], argv, lens, 6);
	evs[1] = new_event(FS_EV_FORK, 2, 6);
	memcpy(evs[1]->comm, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff",
	       FS_COMM_LEN); /* not NUL-terminated */
	round_trip(fx->path, evs, 2, back);
	assert_lines_valid_json(fx->path);
	for (i = 0; i < 6; i++) {
		assert_string_equal(back[0]->args + pos, want[i]);
		pos += strlen(want[i]) + 1;
	}
	assert_int_equal(back[0]->args_len, pos);
	assert_string_equal(back[0]->filename, "/tmp/\xef\xbf\xbd\xef\xbf\xbdx");
	/* 16 replacement characters (48 bytes) cut to fit comm */
	assert_int_equal(strlen(back[1]->comm), FS_COMM_LEN - 1);
	for (i = 0; i < 2; i++) {
		free(evs[i]);
		free(back[i]);
	}
}

/* A full 8 KiB argv, cut by the kernel in the middle of the last argument. */
static void test_full_argv(void **state)
{
	struct fixture *fx = *state;
	struct fs_event *ev = new_event(FS_EV_EXEC, 1, 5), *back;
	size_t i;

	for (i = 0; i < FS_ARGS_LEN; i++)
		ev->args[i] = i % 100 == 99 ? '\0' : (char)('a' + i % 26);
	ev->args_len = FS_ARGS_LEN;
	ev->flags = FS_F_ARGS_TRUNCATED;
	strcpy(ev->filename, "/bin/echo");
	round_trip(fx->path, &ev, 1, &back);
	assert_int_equal(back->args_len, FS_ARGS_LEN);
	assert_memory_equal(back->args, ev->args, FS_ARGS_LEN);
	assert_int_equal(back->flags, FS_F_ARGS_TRUNCATED);
	free(back);
	free(ev);
}

/* Read a file that must give n events and no error; returns the last event. */
static void read_ok(const char *path, int n, struct fs_event *last)
{
	struct fs_record_reader *r;
	struct fs_record_item it;
	char err[256] = "";
	int got, events = 0;

	r = record_open(path, err, sizeof(err));
	if (!r)
		fail_msg("record_open: %s", err);
	while ((got = record_next(r, &it, err, sizeof(err))) == 1) {
		if (it.kind == FS_REC_EVENT) {
			events++;
			*last = it.event;
		}
		record_item_clear(&it);
	}
	if (got != 0)
		fail_msg("record_next: %s", err);
	assert_int_equal(events, n);
	record_close(r);
}

/* An argv longer than FS_ARGS_LEN in the file is cut and flagged; long comm is cut. */
static void test_reader_truncates(void **state)
{
	struct fixture *fx = *state;
	struct fs_event ev;
	size_t len = strlen(HEADER_LINE), i;
	char *buf = malloc(len + 3 * 5000 + 512), *p;

	assert_non_null(buf);
	p = buf + sprintf(buf,
			  "%s{\"type\":\"exec\",\"t_ns\":1,\"pid\":2,\"ppid\":1,\"filename\":"
			  "\"/a/very-long-program-name\",\"argv\":[",
			  HEADER_LINE);
	for (i = 0; i < 3; i++) {
		*p++ = '"';
		memset(p, (int)('x' + i), 5000);
		p += 5000;
		p += sprintf(p, "\"%s", i < 2 ? "," : "]}\n");
	}
	p += sprintf(p, "{\"type\":\"fork\",\"t_ns\":2,\"pid\":3,\"ppid\":2,\"parent_tid\":2,"
			"\"comm\":\"0123456789abcdefghij\",\"parent_threads\":1}\n");
	write_file(fx->path, buf, (size_t)(p - buf));
	read_ok(fx->path, 2, &ev);
	assert_string_equal(ev.comm, "0123456789abcde");
	/* check the exec through a second read that stops at it */
	p = strstr(buf, "{\"type\":\"fork\"");
	write_file(fx->path, buf, (size_t)(p - buf));
	read_ok(fx->path, 1, &ev);
	assert_int_equal(ev.args_len, FS_ARGS_LEN);
	assert_int_equal(ev.flags, FS_F_ARGS_TRUNCATED);
	assert_int_equal(ev.args[4999], 'x');
	assert_int_equal(ev.args[5000], '\0');
	assert_int_equal(ev.args[5001], 'y');
	assert_int_equal(ev.args[FS_ARGS_LEN - 1], 'y');
	assert_string_equal(ev.comm, "very-long-progr");
	free(buf);
}

/* Unknown fields anywhere are ignored; blank lines, CRLF and a missing final newline too. */
static void test_forward_compat(void **state)
{
	struct fixture *fx = *state;
	struct fs_event ev;
	const char *text =
	    "\n  \n"
	    "{\"type\":\"header\",\"schema\":1,\"tool\":\"forkscope 9.0\",\"root_pid\":1,"
	    "\"command\":[],\"method\":null,\"python\":null,\"kernel\":\"k\","
	    "\"start_realtime_ns\":0,\"new_thing\":{\"a\":[1,2,{\"b\":null}]}}\r\n"
	    "\n"
	    "{\"cpu\":3,\"type\":\"signal\",\"t_ns\":0,\"pid\":1,\"target\":2,\"sig\":0,"
	    "\"sender_tid\":9,\"extra\":[\"x\"]}\n"
	    "{\"type\":\"exit\",\"t_ns\":5,\"pid\":2,\"ppid\":1,\"comm\":\"x\","
	    "\"exit_code\":255,\"signal\":null,\"core_dumped\":true,\"rusage\":{}}\n"
	    "{\"type\":\"end\",\"t_ns\":6,\"events\":2,\"lost\":0,\"why\":\"done\"}";

	write_file(fx->path, text, strlen(text));
	read_ok(fx->path, 2, &ev);
	assert_int_equal(ev.type, FS_EV_EXIT);
	assert_int_equal(ev.exit_code, 255);
	assert_int_equal(ev.flags, FS_F_CORE_DUMPED);
}

struct bad_case {
	const char *name;
	const char *body; /* after HEADER_LINE, unless no_header */
	bool no_header;
	const char *want_line; /* "line N:" */
	const char *want;      /* another part of the message */
};

static const struct bad_case bad_cases[] = {
    {"not json", "{\"type\":\"fork\",\"t_ns\":1,}\n", false, "line 2:", "not valid JSON"},
    {"garbage", "hello world\n", false, "line 2:", "not valid JSON"},
    {"trailing data", "{\"type\":\"end\",\"t_ns\":1,\"events\":0,\"lost\":0} x\n", false,
     "line 2:", "not valid JSON"},
    {"two objects", "{\"type\":\"end\",\"t_ns\":1,\"events\":0,\"lost\":0}{}\n", false,
     "line 2:", "not valid JSON"},
    {"not an object", "[1,2]\n", false, "line 2:", "expected a JSON object, got array"},
    {"bare number", "\n\n42\n", false, "line 4:", "expected a JSON object, got int"},
    {"null", "null\n", false, "line 2:", "expected a JSON object, got null"},
    {"no type", "{\"t_ns\":1}\n", false, "line 2:", "missing field \"type\""},
    {"type not string", "{\"type\":3}\n", false, "line 2:", "field \"type\" must be a string"},
    {"unknown type", "{\"type\":\"vfork\",\"t_ns\":1}\n", false,
     "line 2:", "unknown type \"vfork\""},
    {"missing pid", "{\"type\":\"fork\",\"t_ns\":1}\n", false,
     "line 2:", "fork: missing field \"pid\""},
    {"pid string",
     "{\"type\":\"fork\",\"t_ns\":1,\"pid\":\"7\",\"ppid\":1,\"parent_tid\":1,"
     "\"comm\":\"a\",\"parent_threads\":1}\n",
     false, "line 2:", "fork: field \"pid\" must be a non-negative integer"},
    {"pid negative",
     "{\"type\":\"fork\",\"t_ns\":1,\"pid\":-7,\"ppid\":1,\"parent_tid\":1,"
     "\"comm\":\"a\",\"parent_threads\":1}\n",
     false, "line 2:", "fork: field \"pid\" must be a non-negative integer"},
    {"pid float",
     "{\"type\":\"fork\",\"t_ns\":1,\"pid\":7.5,\"ppid\":1,\"parent_tid\":1,"
     "\"comm\":\"a\",\"parent_threads\":1}\n",
     false, "line 2:", "fork: field \"pid\" must be a non-negative integer"},
    {"pid too big",
     "{\"type\":\"fork\",\"t_ns\":1,\"pid\":4294967296,\"ppid\":1,\"parent_tid\":1,"
     "\"comm\":\"a\",\"parent_threads\":1}\n",
     false, "line 2:", "fork: field \"pid\" is out of range"},
    {"pid null",
     "{\"type\":\"fork\",\"t_ns\":1,\"pid\":null,\"ppid\":1,\"parent_tid\":1,"
     "\"comm\":\"a\",\"parent_threads\":1}\n",
     false, "line 2:", "fork: field \"pid\" must be a non-negative integer"},
    {"negative t_ns", "{\"type\":\"signal\",\"t_ns\":-1,\"pid\":1,\"target\":2,\"sig\":9}\n", false,
     "line 2:", "signal: field \"t_ns\" must be a non-negative integer"},
    {"huge t_ns",
     "{\"type\":\"signal\",\"t_ns\":99999999999999999999999,\"pid\":1,\"target\":2,"
     "\"sig\":9}\n",
     false, "line 2:", "signal: field \"t_ns\" is out of range"},
    {"bad sig", "{\"type\":\"signal\",\"t_ns\":1,\"pid\":1,\"target\":2,\"sig\":65}\n", false,
     "line 2:", "signal: field \"sig\" is out of range"},
    {"comm not string",
     "{\"type\":\"fork\",\"t_ns\":1,\"pid\":2,\"ppid\":1,\"parent_tid\":1,"
     "\"comm\":[\"a\"],\"parent_threads\":1}\n",
     false, "line 2:", "fork: field \"comm\" must be a string"},
    {"argv not array",
     "{\"type\":\"exec\",\"t_ns\":1,\"pid\":2,\"ppid\":1,\"filename\":\"/bin/sh\","
     "\"argv\":\"sh\"}\n",
     false, "line 2:", "exec: field \"argv\" must be an array of strings"},
    {"argv item",
     "{\"type\":\"exec\",\"t_ns\":1,\"pid\":2,\"ppid\":1,\"filename\":\"/bin/sh\","
     "\"argv\":[\"sh\",5]}\n",
     false, "line 2:", "exec: field \"argv\" must be an array of strings"},
    {"argv NUL",
     "{\"type\":\"exec\",\"t_ns\":1,\"pid\":2,\"ppid\":1,\"filename\":\"/bin/sh\","
     "\"argv\":[\"s\\u0000h\"]}\n",
     false, "line 2:", "exec: field \"argv\" contains a NUL character"},
    {"truncated not bool",
     "{\"type\":\"exec\",\"t_ns\":1,\"pid\":2,\"ppid\":1,\"filename\":\"/bin/sh\","
     "\"argv\":[],\"truncated\":1}\n",
     false, "line 2:", "exec: field \"truncated\" must be true or false"},
    {"exit both null",
     "{\"type\":\"exit\",\"t_ns\":1,\"pid\":2,\"ppid\":1,\"comm\":\"a\","
     "\"exit_code\":null,\"signal\":null,\"core_dumped\":false}\n",
     false, "line 2:", "exit: exactly one of"},
    {"exit code range",
     "{\"type\":\"exit\",\"t_ns\":1,\"pid\":2,\"ppid\":1,\"comm\":\"a\","
     "\"exit_code\":256,\"signal\":null,\"core_dumped\":false}\n",
     false, "line 2:", "exit: field \"exit_code\" is out of range"},
    {"exit signal zero",
     "{\"type\":\"exit\",\"t_ns\":1,\"pid\":2,\"ppid\":1,\"comm\":\"a\","
     "\"exit_code\":null,\"signal\":0,\"core_dumped\":false}\n",
     false, "line 2:", "exit: field \"signal\" is out of range"},
    {"core not bool",
     "{\"type\":\"exit\",\"t_ns\":1,\"pid\":2,\"ppid\":1,\"comm\":\"a\","
     "\"exit_code\":0,\"signal\":null,\"core_dumped\":\"no\"}\n",
     false, "line 2:", "exit: field \"core_dumped\" must be true or false"},
    {"end missing lost", "{\"type\":\"end\",\"t_ns\":1,\"events\":0}\n", false,
     "line 2:", "end: missing field \"lost\""},
    {"too deep",
     "{\"type\":\"end\",\"t_ns\":1,\"events\":0,\"lost\":0,\"x\":[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]"
     "]]]]]]]]]]}\n",
     false, "line 2:", "nested deeper than 16"},
    {"NUL byte", "{\"type\":\"end\",\"t_ns\":1,\0\"events\":0,\"lost\":0}\n", false,
     "line 2:", "NUL byte"},
    {"binary", "{\"type\":\"end\",\"t_ns\":1,\"x\":\"\xff\xfe\",\"events\":0,\"lost\":0}\n", false,
     "line 2:", "not valid UTF-8"},
    {"second header", HEADER_LINE, false, "line 2:", "second header"},
    {"after end",
     "{\"type\":\"end\",\"t_ns\":1,\"events\":0,\"lost\":0}\n"
     "{\"type\":\"signal\",\"t_ns\":1,\"pid\":1,\"target\":2,\"sig\":9}\n",
     false, "line 3:", "after the end line"},
    {"truncated header", "{\"type\":\"header\",\"schema\":1,\"tool\":\"for", true,
     "line 1:", "truncated line at end of file"},
    {"unfinished line", "{\"type\":\"signal\",\"t_ns\":1,\n", false, "line 2:", "incomplete JSON"},
    {"error after good lines",
     "{\"type\":\"signal\",\"t_ns\":1,\"pid\":1,\"target\":2,\"sig\":9}\n"
     "{\"type\":\"signal\",\"t_ns\":1,\"pid\":1,\"target\":2,\"sig\":9}\n"
     "\n"
     "{\"type\":\"signal\",\"t_ns\":1,\"pid\":1,\"target\":2}\n",
     false, "line 5:", "signal: missing field \"sig\""},
    /* record_open errors (no or bad header) */
    {"event first",
     "{\"type\":\"signal\",\"t_ns\":1,\"pid\":1,\"target\":2,\"sig\":9}\n" HEADER_LINE, true,
     "line 1:", "expected the header first, got a \"signal\" line"},
    {"schema 4", "{\"type\":\"header\",\"schema\":4,\"tool\":\"forkscope 4\",\"root_pid\":1}\n",
     true, "line 1:", "unsupported recording schema 4"},
    {"schema missing", "\n{\"type\":\"header\",\"root_pid\":1}\n", true,
     "line 2:", "header: missing field \"schema\""},
    {"header field",
     "{\"type\":\"header\",\"schema\":1,\"tool\":\"forkscope\",\"root_pid\":1,"
     "\"command\":[\"a\"],\"method\":7,\"python\":null,\"kernel\":\"k\","
     "\"start_realtime_ns\":0}\n",
     true, "line 1:", "header: field \"method\" must be a string or null"},
    {"not a recording",
     "\x7f"
     "ELF\x02\x01\x01\n",
     true, "line 1:", "not valid JSON"},
    {"escape in type", "{\"type\":\"\\u001b[2J\"}\n", true, "line 1:", "got a \"?[2J\" line"},
};

/* Each bad recording: record_open or record_next fails, naming the line and the problem. */
static void test_bad_recordings(void **state)
{
	struct fixture *fx = *state;
	size_t i;

	for (i = 0; i < sizeof(bad_cases) / sizeof(bad_cases[0]); i++) {
		const struct bad_case *bc = &bad_cases[i];
		size_t hlen = bc->no_header ? 0 : strlen(HEADER_LINE);
		/* bodies may hold a NUL byte: its length is that of the literal up to "\n" */
		size_t blen = strlen(bc->body);
		struct fs_record_reader *r;
		struct fs_record_item it;
		char *data, err[256] = "";
		int got = 1;

		if (strcmp(bc->name, "NUL byte") == 0)
			blen += 1 + strlen(bc->body + blen + 1);
		data = malloc(hlen + blen + 1);
		assert_non_null(data);
		memcpy(data, HEADER_LINE, hlen);
		memcpy(data + hlen, bc->body, blen);
		write_file(fx->path, data, hlen + blen);
		free(data);
		r = record_open(fx->path, err, sizeof(err));
		if (r) {
			while ((got = record_next(r, &it, err, sizeof(err))) == 1)
				record_item_clear(&it);
			/* after an error the reader keeps failing */
			if (got == -1) {
				char err2[256];

				assert_int_equal(record_next(r, &it, err2, sizeof(err2)), -1);
			}
			record_close(r);
		}
		if (r && got != -1)
			fail_msg("case \"%s\": no error", bc->name);
		if (strncmp(err, bc->want_line, strlen(bc->want_line)) != 0 ||
		    !strstr(err, bc->want))
			fail_msg("case \"%s\": message \"%s\", want \"%s ... %s\"", bc->name, err,
				 bc->want_line, bc->want);
		if (bc->no_header && r)
			fail_msg("case \"%s\": record_open accepted it", bc->name);
	}
}

static void test_open_errors(void **state)
{
	struct fixture *fx = *state;
	char err[256] = "", path[200];

	snprintf(path, sizeof(path), "%s/missing.jsonl", fx->dir);
	assert_null(record_open(path, err, sizeof(err)));
	assert_non_null(strstr(err, "cannot open "));
	assert_non_null(strstr(err, path));
	assert_non_null(strstr(err, ": No such file or directory"));

	write_file(fx->path, "", 0);
	assert_null(record_open(fx->path, err, sizeof(err)));
	assert_string_equal(err, "empty recording");

	write_file(fx->path, "\n \n\r\n", 5);
	err[0] = '\0';
	assert_null(record_open(fx->path, err, sizeof(err)));
	assert_string_equal(err, "empty recording");
}

/* A line over the limit is refused without reading it all; one under it is fine. */
static void test_long_lines(void **state)
{
	struct fixture *fx = *state;
	size_t big = (16u << 20) + 10, hlen = strlen(HEADER_LINE);
	struct fs_record_reader *r;
	struct fs_record_item it;
	char *data = malloc(hlen + big + 64), err[256] = "";
	struct fs_event ev;
	size_t n;

	assert_non_null(data);
	memcpy(data, HEADER_LINE, hlen);
	n = hlen + (size_t)sprintf(data + hlen, "{\"type\":\"end\",\"t_ns\":1,\"events\":0,"
						"\"lost\":0,\"pad\":\"");
	memset(data + n, ' ', big);
	n += big;
	n += (size_t)sprintf(data + n, "\"}\n");
	write_file(fx->path, data, n);
	r = record_open(fx->path, err, sizeof(err));
	assert_non_null(r);
	assert_int_equal(record_next(r, &it, err, sizeof(err)), 1);
	record_item_clear(&it);
	assert_int_equal(record_next(r, &it, err, sizeof(err)), -1);
	assert_string_equal(err, "line 2: line longer than 16 MiB");
	record_close(r);

	/* 4 MiB of padding is accepted */
	n = hlen + (size_t)sprintf(data + hlen, "{\"type\":\"signal\",\"t_ns\":1,\"pid\":1,"
						"\"target\":2,\"sig\":9,\"pad\":\"");
	memset(data + n, 'p', 4u << 20);
	n += 4u << 20;
	n += (size_t)sprintf(data + n, "\"}\n");
	write_file(fx->path, data, n);
	read_ok(fx->path, 1, &ev);
	assert_int_equal(ev.sig, 9);
	free(data);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_round_trip_each_type, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_writer_exact_lines, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_invalid_utf8_and_control_bytes, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_full_argv, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_reader_truncates, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_forward_compat, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_bad_recordings, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_open_errors, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_long_lines, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
