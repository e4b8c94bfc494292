/* The workload's output and the channel's facts among the event lines (output/
 * workload_lines.c), as `run --no-tui` prints them: a recording replayed through the model,
 * each event's finished lines before its own line, the text made safe; and the summary. */
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
#include "output/format.h"
#include "output/tree_print.h"
#include "output/workload_lines.h"
#include "record/replay.h"

#define H                                                                                          \
	"{\"type\":\"header\",\"schema\":3,\"tool\":\"forkscope t\",\"root_pid\":100,"             \
	"\"command\":[\"/usr/bin/python3\",\"demo.py\"],\"method\":null,\"python\":null,"          \
	"\"kernel\":\"k\",\"start_realtime_ns\":0}\n"
#define EXEC                                                                                       \
	"{\"type\":\"exec\",\"t_ns\":5000,\"pid\":100,\"ppid\":50,\"filename\":\"/usr/bin/"        \
	"python3\",\"argv\":[\"/usr/bin/"                                                          \
	"python3\",\"demo.py\"],\"tid\":100,\"comm\":\"python3\"}\n"
#define FORK                                                                                       \
	"{\"type\":\"fork\",\"t_ns\":10000,\"pid\":101,\"ppid\":100,\"parent_tid\":100,"           \
	"\"comm\":\"python3\",\"parent_threads\":1}\n"
#define OUT(t, pid, fd, data)                                                                      \
	"{\"type\":\"output\",\"t_ns\":" #t ",\"pid\":" #pid ",\"tid\":" #pid ",\"fd\":" #fd       \
	",\"data\":\"" data "\"}\n"
#define EXIT(t, pid, ppid)                                                                         \
	"{\"type\":\"exit\",\"t_ns\":" #t ",\"pid\":" #pid ",\"ppid\":" #ppid                      \
	",\"comm\":\"python3\",\"exit_code\":0,\"signal\":null,\"core_dumped\":false}\n"

static char rec[64];

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
	return p->m ? 0 : -1;
}

/* As run_on_event prints: the lines an event ended, then the event's own line. */
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

/* The text `run --no-tui` would print for a recording (free it); the model in *m. */
static char *print_recording(const char *text, struct fs_model **m)
{
	struct printed p = {0};
	struct fs_replay_sink sink = {on_header, on_event, &p};
	struct fs_replay_info info;
	char err[256], *out = NULL;
	size_t len = 0;
	FILE *f = fopen(rec, "w");

	assert_non_null(f);
	fputs(text, f);
	assert_int_equal(fclose(f), 0);
	p.wl = workload_lines_new();
	p.f = open_memstream(&out, &len);
	assert_non_null(p.wl);
	assert_non_null(p.f);
	if (replay_read(rec, &sink, &info, err, sizeof(err)) != 0)
		fail_msg("%s", err);
	replay_end_model(p.m, &info);
	assert_int_equal(workload_lines_flush(p.wl, p.f, p.m), 0);
	assert_int_equal(fclose(p.f), 0);
	workload_lines_free(p.wl);
	*m = p.m;
	return out;
}

static int setup(void **state)
{
	(void)state;
	return unit_tmpfile(rec, sizeof(rec), "wl");
}

static int teardown(void **state)
{
	(void)state;
	unlink(rec);
	return 0;
}

static void test_lines_among_events(void **state)
{
	struct fs_model *m;
	char *out, *sum = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	out = print_recording(
	    H EXEC FORK OUT(20000, 100, 1, "start() took 86 ms\\n")
		OUT(21000, 101, 1, "child says ")
		    OUT(22000, 100, 2, "\\u001b]0;pwned\\u0007\\u001b[2Jwarn\\r\\u009b\\n")
			OUT(23000, 101, 1, "hi") EXIT(30000, 101, 100) OUT(31000, 100, 1,
									   "cores busy 1.82")
			    EXIT(40000, 100, 50) "{\"type\":\"end\",\"t_ns\":50000,\"events\":13,"
						 "\"lost\":0,\"complete\":true}\n",
	    &m);
	assert_string_equal(
	    out, "   0.000005 exec   100     50      main                /usr/bin/python3 demo.py\n"
		 "   0.000010 fork   101     100     child (fork)        child of 100 (python3)\n"
		 "   0.000020 stdout 100     -       main                start() took 86 ms\n"
		 "   0.000022 stderr 100     -       main                "
		 "\\x1b]0;pwned\\x07\\x1b[2Jwarn\\r\\u009b\n"
		 "   0.000023 stdout 101     -       child (fork)        child says hi\n"
		 "   0.000030 exit   101     100     child (fork)        exit 0 after 20 us\n"
		 "   0.000031 stdout 100     -       main                cores busy 1.82\n"
		 "   0.000040 exit   100     50      main                exit 0 after 35 us\n");
	f = open_memstream(&sum, &len);
	assert_non_null(f);
	format_summary(f, m);
	fclose(f);
	assert_non_null(strstr(sum, "output: 4 lines, 69 bytes in 5 writes\n"));
	assert_non_null(strstr(sum, "events: 9 (1 fork, 1 exec, 2 exit, 0 signal, 5 output)\n"));
	assert_null(strstr(sum, "channel:"));
	free(sum);
	free(out);
	model_free(m);
}

static void test_facts_and_rejections(void **state)
{
	struct fs_model *m;
	char *out, *sum = NULL;
	size_t len = 0;
	FILE *f;

	(void)state;
	out = print_recording(
	    H EXEC FORK
	    "{\"type\":\"channel\",\"t_ns\":24000,\"pid\":101,\"tid\":102,\"data\":\"FSC1\\n"
	    "{\\\"fact\\\":\\\"name\\\",\\\"name\\\":\\\"w \\\\u001b1\\\",\\\"n\\\":-3,"
	    "\\\"ok\\\":true,\\\"z\\\":null}\\n{\\\"fact\\\":\\\"phase\\\"}\"}\n"
	    "{\"type\":\"channel\",\"t_ns\":25000,\"pid\":101,\"tid\":101,\"data\":\"FSC1\\n"
	    "{\\\"fact\\\":\\\"name\\\",\\\"pid\\\":1}\"}\n"
	    "{\"type\":\"channel\",\"t_ns\":26000,\"pid\":101,\"tid\":101,\"data\":\"\",\"cut\":"
	    "9999}\n"
	    "{\"type\":\"output\",\"t_ns\":27000,\"pid\":101,\"tid\":101,\"fd\":1,\"data\":"
	    "\"\\ufffd\","
	    "\"data_b64\":\"/w==\",\"cut\":10,\"dropped\":4096}\n" EXIT(30000, 101, 100)
		EXIT(40000, 100, 50),
	    &m);
	assert_string_equal(
	    out,
	    "   0.000005 exec   100     50      main                /usr/bin/python3 demo.py\n"
	    "   0.000010 fork   101     100     child (fork)        child of 100 (python3)\n"
	    "   0.000024 chan   101     -       child (fork)        fact name name=\"w \\x1b1\" "
	    "n=-3 ok=true z=null\n"
	    "   0.000024 chan   101     -       child (fork)        fact phase\n"
	    "   0.000025 chan   101     -       child (fork)        rejected: forged (names a "
	    "process or a time (pid, tid, ppid, t_ns))\n"
	    "   0.000026 chan   101     -       child (fork)        rejected: oversized (longer "
	    "than the channel takes (4096 bytes))\n"
	    "   0.000027 output -       -       -                   [4096 bytes of output "
	    "dropped: over the rate bound]\n"
	    "   0.000027 stdout 101     -       child (fork)        \\xff [+10 bytes cut]\n"
	    "   0.000030 exit   101     100     child (fork)        exit 0 after 20 us\n"
	    "   0.000040 exit   100     50      main                exit 0 after 35 us\n");
	f = open_memstream(&sum, &len);
	assert_non_null(f);
	format_summary(f, m);
	tree_print_text(f, m, true);
	fclose(f);
	assert_non_null(
	    strstr(sum, "channel: 3 records, 1 accepted (2 facts), 2 rejected (1 oversized, 1 "
			"forged)\n"));
	assert_non_null(strstr(sum, "output: 2 lines, 1 bytes in 1 writes, 10 bytes cut"));
	assert_non_null(strstr(sum, "4096 bytes dropped (over 1024 KiB/s)"));
	assert_non_null(
	    strstr(sum, "`- 101 child (fork)  python3  exit 0, 1 line of output, 2 facts"));
	free(sum);
	free(out);
	model_free(m);
}

/* A recording cut short: the open lines still print, at the end. */
static void test_flush_open_lines(void **state)
{
	struct fs_model *m;
	char *out;

	(void)state;
	out = print_recording(H EXEC OUT(20000, 100, 1, "no newline yet"), &m);
	assert_non_null(strstr(out, "   0.000020 stdout 100     -       main                no "
				    "newline yet\n"));
	free(out);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_lines_among_events, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_facts_and_rejections, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_flush_open_lines, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
