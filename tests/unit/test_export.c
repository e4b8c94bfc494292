/* The exporters (src/export/) on small recordings: every process present, kills and
 * replacements drawn, Perfetto's JSON strict with its flows paired, hostile text inert. */
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

#include "base/names.h"
#include "export/export.h"
#include "unit_tmpfile.h"

/* A main Python (100) that forks a child (101) and kills it, forks a worker (102) whose
 * thread runs, and starts a shell (103) with a hostile command line. */
static const char *const small_recording[] = {
    "{\"type\":\"header\",\"schema\":3,\"tool\":\"forkscope 0.1.0\",\"root_pid\":100,"
    "\"command\":[\"/usr/bin/python3\",\"/home/t/demo.py\"],\"method\":\"fork\","
    "\"python\":\"3.11.2\",\"kernel\":\"Linux\",\"start_realtime_ns\":1,\"cpus\":2}",
    "{\"type\":\"fork\",\"t_ns\":1000,\"pid\":100,\"ppid\":99,\"parent_tid\":99,"
    "\"comm\":\"forkscope\",\"parent_threads\":1}",
    "{\"type\":\"exec\",\"t_ns\":2000,\"pid\":100,\"ppid\":99,\"filename\":\"/usr/bin/python3\","
    "\"argv\":[\"/usr/bin/python3\",\"/home/t/demo.py\"],\"tid\":100,\"comm\":\"python3\"}",
    "{\"type\":\"fork\",\"t_ns\":100000,\"pid\":101,\"ppid\":100,\"parent_tid\":100,"
    "\"comm\":\"python3\",\"parent_threads\":1}",
    "{\"type\":\"fork\",\"t_ns\":200000,\"pid\":102,\"ppid\":100,\"parent_tid\":100,"
    "\"comm\":\"python3\",\"parent_threads\":1}",
    "{\"type\":\"thread\",\"t_ns\":250000,\"pid\":102,\"tid\":110,\"creator_tid\":102,"
    "\"threads\":2,\"comm\":\"python3\"}",
    "{\"type\":\"run\",\"t_ns\":260000,\"end_ns\":400000,\"pid\":102,\"tid\":110,\"cpu\":1,"
    "\"left\":\"blocked\",\"cpu_ns\":140000,\"switches\":1}",
    "{\"type\":\"run\",\"t_ns\":210000,\"end_ns\":300000,\"pid\":102,\"tid\":102,\"cpu\":0,"
    "\"left\":\"preempted\",\"cpu_ns\":90000,\"switches\":1}",
    "{\"type\":\"fork\",\"t_ns\":300000,\"pid\":103,\"ppid\":100,\"parent_tid\":100,"
    "\"comm\":\"python3\",\"parent_threads\":1}",
    "{\"type\":\"exec\",\"t_ns\":310000,\"pid\":103,\"ppid\":100,\"filename\":\"/bin/sh\","
    "\"argv\":[\"sh\",\"-c\",\"<script>\\\"&'`#;\\\\N \\u001b[31m]]>--></svg>\"],\"tid\":103,"
    "\"comm\":\"sh\"}",
    "{\"type\":\"exit\",\"t_ns\":500000,\"pid\":103,\"ppid\":100,\"comm\":\"sh\","
    "\"exit_code\":3,\"signal\":null,\"core_dumped\":false,\"tid\":103}",
    "{\"type\":\"signal\",\"t_ns\":600000,\"pid\":100,\"target\":101,\"sig\":15,"
    "\"sig_result\":0,\"tid\":100,\"comm\":\"python3\"}",
    "{\"type\":\"exit\",\"t_ns\":610000,\"pid\":101,\"ppid\":100,\"comm\":\"python3\","
    "\"exit_code\":null,\"signal\":15,\"core_dumped\":false,\"tid\":101}",
    "{\"type\":\"exit\",\"t_ns\":700000,\"pid\":102,\"ppid\":100,\"comm\":\"python3\","
    "\"exit_code\":0,\"signal\":null,\"core_dumped\":false,\"tid\":102}",
    "{\"type\":\"exit\",\"t_ns\":800000,\"pid\":100,\"ppid\":99,\"comm\":\"python3\","
    "\"exit_code\":0,\"signal\":null,\"core_dumped\":false,\"tid\":100}",
    "{\"type\":\"end\",\"t_ns\":900000,\"events\":14,\"lost\":0,\"complete\":true}",
    NULL,
};

static char rec_path[64];

static int setup_recording(void **state)
{
	FILE *f;

	(void)state;
	if (unit_tmpfile(rec_path, sizeof(rec_path), "export") != 0 || !(f = fopen(rec_path, "w")))
		return -1;
	for (int i = 0; small_recording[i]; i++)
		fprintf(f, "%s\n", small_recording[i]);
	return fclose(f) == 0 ? 0 : -1;
}

static int teardown_recording(void **state)
{
	(void)state;
	unlink(rec_path);
	return 0;
}

/* The recording exported in a format, as a string (caller frees). */
static char *export_to_string(enum export_format fmt)
{
	struct export_run x;
	char err[256], *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(export_run_load(&x, rec_path, err, sizeof(err)), 0);
	assert_int_equal(export_write(f, &x, fmt), 0);
	fclose(f);
	export_run_free(&x);
	return buf;
}

/* On a failure the whole export goes to /tmp/fs_test_export.out (cmocka cuts messages). */
static void export_dump(const char *text)
{
	FILE *f = fopen("/tmp/fs_test_export.out", "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static void assert_has(const char *text, const char *needle)
{
	if (!strstr(text, needle)) {
		export_dump(text);
		fail_msg("missing \"%s\" (the export: /tmp/fs_test_export.out)", needle);
	}
}

static void assert_lacks(const char *text, const char *needle)
{
	if (strstr(text, needle)) {
		export_dump(text);
		fail_msg("unexpected \"%s\" (the export: /tmp/fs_test_export.out)", needle);
	}
}

/* Nothing hostile raw: no ESC, no live markup of the command line. */
static void assert_inert(const char *text)
{
	assert_null(strchr(text, '\x1b'));
	assert_lacks(text, "<script>");
	assert_lacks(text, "]]>");
	assert_lacks(text, "--></svg>");
}

static void test_format_names(void **state)
{
	(void)state;
	for (int i = 0; i < EXPORT_FORMAT_COUNT; i++)
		assert_int_equal(export_format_parse(export_format_name((enum export_format)i)), i);
	assert_int_equal(export_format_parse("png"), -1);
	assert_int_equal(export_format_parse(""), -1);
	assert_string_equal(export_format_ext(EXPORT_SVG), ".svg");
}

static void test_perfetto(void **state)
{
	char *out = export_to_string(EXPORT_PERFETTO);
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root, *events, *v;
	bool named[4] = {false}, run_on_thread = false;
	int starts = 0, finishes = 0, kill_flow = 0;

	(void)state;
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	root = json_tokener_parse_ex(tok, out, (int)strlen(out) + 1);
	assert_non_null(root);
	assert_true(json_object_object_get_ex(root, "traceEvents", &events));
	assert_true(json_object_object_get_ex(root, "displayTimeUnit", &v));
	assert_string_equal(json_object_get_string(v), "ns");
	for (size_t i = 0; i < json_object_array_length(events); i++) {
		struct json_object *e = json_object_array_get_idx(events, i), *ph, *name, *pid,
				   *tid;
		const char *p;

		assert_true(json_object_object_get_ex(e, "ph", &ph));
		assert_true(json_object_object_get_ex(e, "pid", &pid));
		assert_true(json_object_object_get_ex(e, "tid", &tid));
		assert_true(json_object_object_get_ex(e, "ts", &v));
		p = json_object_get_string(ph);
		json_object_object_get_ex(e, "name", &name);
		if (!strcmp(p, "M") && !strcmp(json_object_get_string(name), "process_name")) {
			int n = json_object_get_int(pid);

			assert_in_range(n, 100, 103);
			named[n - 100] = true;
		}
		if (!strcmp(p, "X") && json_object_get_int(tid) == 110)
			run_on_thread = true;
		if (!strcmp(p, "s"))
			starts++;
		if (!strcmp(p, "f")) {
			struct json_object *bp, *cat;

			finishes++;
			assert_true(json_object_object_get_ex(e, "bp", &bp));
			assert_string_equal(json_object_get_string(bp), "e");
			json_object_object_get_ex(e, "cat", &cat);
			if (!strcmp(json_object_get_string(cat), "signal") &&
			    json_object_get_int(pid) == 101)
				kill_flow++;
		}
	}
	for (int i = 0; i < 4; i++)
		assert_true(named[i]);
	assert_true(run_on_thread);
	assert_int_equal(starts, finishes);
	assert_int_equal(starts, 4); /* three forks, one signal */
	assert_int_equal(kill_flow, 1);
	assert_null(strchr(out, '\x1b')); /* JSON may hold markup; no control character raw */
	json_object_put(root);
	json_tokener_free(tok);
	free(out);
}

static void test_dot(void **state)
{
	char *out = export_to_string(EXPORT_DOT), kill[64];

	(void)state;
	assert_has(out, "digraph forkscope {");
	assert_has(out, "rankdir=LR");
	for (int pid = 100; pid <= 103; pid++) {
		char want[32];

		snprintf(want, sizeof(want), "label=\"%d ", pid);
		assert_has(out, want);
	}
	assert_has(out, "n0 -> n1;");
	snprintf(kill, sizeof(kill), "label=\"%s\"", names_signal(15));
	assert_has(out, kill);
	assert_has(out, "style=dashed,color=\"#c00000\"");
	assert_has(out, "subgraph cluster_legend");
	assert_has(out, "exit 3");
	assert_has(out, "\\\"&"); /* the quote escaped, the rest as it is */
	assert_has(out, "\\\\N"); /* dot's \N escape made a plain backslash */
	assert_has(out, ".../demo.py");
	free(out);
}

static void test_mermaid(void **state)
{
	char *out = export_to_string(EXPORT_MERMAID), kill[64];

	(void)state;
	assert_has(out, "flowchart LR");
	assert_has(out, "classDef main ");
	assert_has(out, "classDef mp_child_fork ");
	assert_has(out, "subgraph legend");
	snprintf(kill, sizeof(kill), "-.->|\"%s\"|", names_signal(15));
	assert_has(out, kill);
	assert_has(out, "#lt;script#gt;#quot;#amp;");
	assert_has(out, "linkStyle ");
	for (int pid = 100; pid <= 103; pid++) {
		char want[32];

		snprintf(want, sizeof(want), "<b>%d ", pid);
		assert_has(out, want);
	}
	assert_inert(out);
	free(out);
}

static void test_svg(void **state)
{
	char *out = export_to_string(EXPORT_SVG);

	(void)state;
	assert_has(out, "<svg xmlns=\"http://www.w3.org/2000/svg\"");
	assert_has(out, "<pattern id=\"p-main\"");
	assert_has(out, "legend:");
	assert_has(out, "&lt;script&gt;&quot;&amp;");
	assert_has(out, ">100 main");
	for (int pid = 101; pid <= 103; pid++) {
		char want[32];

		snprintf(want, sizeof(want), ">%d ", pid);
		assert_has(out, want);
	}
	assert_has(out, names_signal(15));
	assert_has(out, "exit 3");
	assert_inert(out);
	assert_has(out, "</svg>\n");
	free(out);
}

static void test_bad_recordings(void **state)
{
	struct export_run x;
	char err[256], path[64];
	FILE *f;

	(void)state;
	assert_int_equal(export_run_load(&x, "/nonexistent/rec.jsonl", err, sizeof(err)), -1);
	export_run_free(&x);
	assert_int_equal(unit_tmpfile(path, sizeof(path), "export_bad"), 0);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("{\"type\":\"fork\"}\n", f);
	fclose(f);
	assert_int_equal(export_run_load(&x, path, err, sizeof(err)), -1);
	assert_true(strlen(err) > 0);
	export_run_free(&x);
	unlink(path);
}

static void test_write_file(void **state)
{
	struct export_run x;
	char err[256], out[80];

	(void)state;
	assert_int_equal(export_run_load(&x, rec_path, err, sizeof(err)), 0);
	snprintf(out, sizeof(out), "%s.svg", rec_path);
	assert_int_equal(export_write_file(out, &x, EXPORT_SVG, err, sizeof(err)), 0);
	assert_int_equal(access(out, R_OK), 0);
	unlink(out);
	assert_int_equal(
	    export_write_file("/nonexistent/dir/x.svg", &x, EXPORT_SVG, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "/nonexistent/dir/x.svg"));
	export_run_free(&x);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_format_names), cmocka_unit_test(test_perfetto),
	    cmocka_unit_test(test_dot),		 cmocka_unit_test(test_mermaid),
	    cmocka_unit_test(test_svg),		 cmocka_unit_test(test_bad_recordings),
	    cmocka_unit_test(test_write_file),
	};

	return cmocka_run_group_tests(tests, setup_recording, teardown_recording);
}
