/* Text output: the process tree (text and JSON), event lines and the summary, from a small
 * synthetic forkserver trace fed to the model (the words themselves: test_names.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json-c/json.h>

#include "output/format.h"
#include "model/model.h"
#include "output/tree_print.h"

#define MS 1000000ull

static const char *const argv_main[] = {"/usr/bin/python3", "demo.py", NULL};
static const char *const argv_tracker[] = {
    "/usr/bin/python3", "-c", "from multiprocessing.resource_tracker import main;main(5)", NULL};
static const char *const argv_forkserver[] = {
    "/usr/bin/python3", "-c",
    "from multiprocessing.forkserver import main; main(8, 9, ['__main__'], **{})", NULL};
static const char *const argv_spawn[] = {
    "/usr/bin/python3", "-c",
    "from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=6, pipe_handle=8)",
    "--multiprocessing-fork", NULL};

static struct fs_event *event_new(uint32_t type, uint64_t t_ns, uint32_t pid, uint32_t ppid)
{
	struct fs_event *ev = calloc(1, sizeof(*ev));

	assert_non_null(ev);
	ev->type = type;
	ev->t_ns = t_ns;
	ev->pid = pid;
	ev->ppid = ppid;
	strcpy(ev->comm, "python3");
	return ev;
}

static void apply(struct fs_model *m, struct fs_event *ev)
{
	assert_int_equal(model_apply(m, ev), 0);
	free(ev);
}

static void fork_ev(struct fs_model *m, uint64_t t, uint32_t pid, uint32_t ppid, uint32_t tid)
{
	struct fs_event *ev = event_new(FS_EV_FORK, t, pid, ppid);

	ev->tid = tid;
	ev->parent_threads = tid == ppid ? 1 : 3;
	apply(m, ev);
}

static void exec_ev(struct fs_model *m, uint64_t t, uint32_t pid, uint32_t ppid,
		    const char *const *argv)
{
	struct fs_event *ev = event_new(FS_EV_EXEC, t, pid, ppid);
	size_t pos = 0;
	int i;

	strcpy(ev->filename, argv[0]);
	for (i = 0; argv[i]; i++) {
		size_t len = strlen(argv[i]) + 1;
		memcpy(ev->args + pos, argv[i], len);
		pos += len;
	}
	ev->args_len = (uint32_t)pos;
	apply(m, ev);
}

static void exit_ev(struct fs_model *m, uint64_t t, uint32_t pid, uint32_t ppid, int code, int sig)
{
	struct fs_event *ev = event_new(FS_EV_EXIT, t, pid, ppid);

	ev->exit_code = sig ? -1 : code;
	ev->sig = sig;
	apply(m, ev);
}

static void signal_ev(struct fs_model *m, uint64_t t, uint32_t sender, uint32_t target, int sig)
{
	struct fs_event *ev = event_new(FS_EV_SIGNAL, t, sender, 0);

	ev->tid = sender;
	ev->target = target;
	ev->sig = sig;
	apply(m, ev);
}

/* forkscope (50) launches main (100): a resource tracker (101) and a forkserver (102) which
 * forks workers 103, 104 and 105 (105 replaces 103); a spawn child (106) from a thread;
 * main SIGTERMs 104 and 105 as it exits; the helpers are re-parented to forkscope; 107 is
 * still alive; 200 is seen only by its exit (parent unknown). */
static struct fs_model *build_model(void)
{
	struct fs_model *m = model_new(100);

	assert_non_null(m);
	fork_ev(m, 0, 100, 50, 50);
	exec_ev(m, 1 * MS, 100, 50, argv_main);
	fork_ev(m, 2 * MS, 101, 100, 100);
	exec_ev(m, 3 * MS, 101, 100, argv_tracker);
	fork_ev(m, 4 * MS, 102, 100, 100);
	exec_ev(m, 5 * MS, 102, 100, argv_forkserver);
	fork_ev(m, 6 * MS, 103, 102, 102);
	fork_ev(m, 7 * MS, 104, 102, 102);
	exit_ev(m, 8 * MS, 103, 102, 0, 0);
	fork_ev(m, 8 * MS + 500000, 105, 102, 102);
	fork_ev(m, 9 * MS, 106, 100, 107);
	exec_ev(m, 9 * MS + 500000, 106, 100, argv_spawn);
	fork_ev(m, 9 * MS + 700000, 107, 106, 106);
	signal_ev(m, 10 * MS, 100, 104, 15);
	signal_ev(m, 10 * MS, 100, 105, 15);
	exit_ev(m, 11 * MS, 104, 102, 0, 15);
	exit_ev(m, 11 * MS, 105, 102, 0, 15);
	exit_ev(m, 11 * MS + 500000, 106, 100, 1, 0);
	exit_ev(m, 12 * MS, 100, 50, 0, 0);
	exit_ev(m, 13 * MS, 101, 50, 0, 0);
	exit_ev(m, 13 * MS, 102, 50, 0, 11);
	exit_ev(m, 14 * MS, 200, 300, 3, 0);
	model_finish(m);
	return m;
}

/* Run a printer into a string. */
static char *capture_text(const struct fs_model *m, bool ascii)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	tree_print_text(f, m, ascii);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static char *capture_json(const struct fs_model *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(tree_print_json(f, m), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static struct json_object *key(struct json_object *o, const char *k)
{
	struct json_object *v = NULL;

	if (!json_object_object_get_ex(o, k, &v))
		fail_msg("no key \"%s\" in %s", k, json_object_to_json_string(o));
	return v;
}

static int64_t int_key(struct json_object *o, const char *k)
{
	struct json_object *v = key(o, k);

	if (!json_object_is_type(v, json_type_int))
		fail_msg("\"%s\" is not an integer in %s", k, json_object_to_json_string(o));
	return json_object_get_int64(v);
}

static void assert_null_key(struct json_object *o, const char *k)
{
	if (key(o, k) != NULL)
		fail_msg("\"%s\" is not null in %s", k, json_object_to_json_string(o));
}

static struct json_object *child(struct json_object *o, size_t i)
{
	struct json_object *kids = key(o, "children");

	assert_true(json_object_is_type(kids, json_type_array));
	assert_true(i < json_object_array_length(kids));
	return json_object_array_get_idx(kids, i);
}

static size_t nkids(struct json_object *o)
{
	return json_object_array_length(key(o, "children"));
}

static void test_tree_json(void **state)
{
	struct fs_model *m = build_model();
	char *text = capture_json(m);
	struct json_object *root = json_tokener_parse(text), *main_, *fs, *w, *tr, *sp;

	(void)state;
	if (!root)
		fail_msg("not JSON: %s", text);
	assert_true(json_object_is_type(root, json_type_array));
	/* the workload's root, then 200 whose parent is unknown; forkscope itself not shown */
	assert_int_equal(json_object_array_length(root), 2);
	main_ = json_object_array_get_idx(root, 0);
	assert_int_equal(int_key(main_, "pid"), 100);
	assert_int_equal(int_key(main_, "ppid"), 50);
	assert_string_equal(json_object_get_string(key(main_, "role")), "main");
	assert_null_key(main_, "start_method");
	assert_int_equal(int_key(main_, "exit_code"), 0);
	assert_null_key(main_, "signal");
	assert_int_equal(json_object_array_length(key(main_, "argv")), 2);
	assert_string_equal(
	    json_object_get_string(json_object_array_get_idx(key(main_, "argv"), 1)), "demo.py");
	assert_int_equal(int_key(main_, "start_ns"), 0);
	assert_int_equal(int_key(main_, "end_ns"), 12 * MS);
	assert_int_equal(nkids(main_), 3);

	tr = child(main_, 0);
	assert_int_equal(int_key(tr, "pid"), 101);
	assert_string_equal(json_object_get_string(key(tr, "role")), "resource_tracker");
	assert_int_equal(int_key(tr, "ppid"), 100);
	assert_true(json_object_get_boolean(key(tr, "reparented")));

	fs = child(main_, 1);
	assert_int_equal(int_key(fs, "pid"), 102);
	assert_string_equal(json_object_get_string(key(fs, "role")), "forkserver");
	assert_null_key(fs, "exit_code");
	assert_int_equal(int_key(fs, "signal"), 11);
	assert_null_key(fs, "killed_by");
	assert_int_equal(nkids(fs), 3);

	w = child(fs, 0);
	assert_int_equal(int_key(w, "pid"), 103);
	assert_string_equal(json_object_get_string(key(w, "start_method")), "forkserver");
	assert_int_equal(int_key(w, "exit_code"), 0);
	assert_null_key(w, "replaces");
	assert_false(json_object_get_boolean(key(w, "daemon_kill")));
	w = child(fs, 1);
	assert_int_equal(int_key(w, "pid"), 104);
	assert_int_equal(int_key(w, "signal"), 15);
	assert_int_equal(int_key(w, "killed_by"), 100);
	assert_true(json_object_get_boolean(key(w, "daemon_kill")));
	assert_int_equal(nkids(w), 0);
	w = child(fs, 2);
	assert_int_equal(int_key(w, "pid"), 105);
	assert_int_equal(int_key(w, "replaces"), 103);

	sp = child(main_, 2);
	assert_int_equal(int_key(sp, "pid"), 106);
	assert_string_equal(json_object_get_string(key(sp, "start_method")), "spawn");
	assert_int_equal(int_key(sp, "exit_code"), 1);
	assert_int_equal(json_object_array_length(key(sp, "argv")), 4);
	assert_int_equal(nkids(sp), 1);
	w = child(sp, 0);
	assert_int_equal(int_key(w, "pid"), 107);
	assert_null_key(w, "end_ns");
	assert_null_key(w, "exit_code");
	assert_null_key(w, "signal");

	w = json_object_array_get_idx(root, 1);
	assert_int_equal(int_key(w, "pid"), 200);
	assert_int_equal(int_key(w, "exit_code"), 3);
	json_object_put(root);
	free(text);
	model_free(m);
}

/* Fail unless needle occurs in text (showing both). */
static void find_line(const char *text, const char *needle)
{
	if (strstr(text, needle))
		return;
	print_error("not found: [%s]\nin:\n", needle);
	print_error("%s\n", text);
	fail();
}

static void test_tree_text(void **state)
{
	struct fs_model *m = build_model();
	char *text = capture_text(m, false), *ascii = capture_text(m, true);
	size_t i;

	(void)state;
	assert_int_equal(strncmp(text, "100 main  python3 demo.py  exit 0, 12 ms\n", 41), 0);
	find_line(text, "\n\u251c\u2500 101 resource tracker  python3 -c "
			"'from multiprocessing.resource_tracker import mai...'  exit 0, reparented "
			"to 50, 11 ms\n");
	find_line(text, "\n\u251c\u2500 102 forkserver  ");
	find_line(text, "killed SIGSEGV, reparented to 50, 9.0 ms\n");
	find_line(text, "\n\u2502  \u251c\u2500 103 child (forkserver)  python3  exit 0, "
			"replaced by 105, 2.0 ms\n");
	find_line(text, "\n\u2502  \u251c\u2500 104 child (forkserver)  python3  killed "
			"SIGTERM by 100 (sent as its starter exited), 4.0 ms\n");
	find_line(text,
		  "\n\u2502  \u2514\u2500 105 child (forkserver)  python3  killed "
		  "SIGTERM by 100 (sent as its starter exited), replaces 103 (inferred), 2.5 ms\n");
	find_line(text, "\n\u2514\u2500 106 child (spawn)  python3 -c ");
	find_line(text, "--multiprocessing-fork  exit 1, 2.5 ms\n");
	find_line(text, "\n   \u2514\u2500 107 child (fork)  ");
	find_line(text, "running since 9.7 ms\n");
	find_line(text, "\n200 other  python3  exit 3, start not seen\n");
	assert_null(strstr(text, "\n50 "));

	find_line(ascii, "\n|  |- 104 child (forkserver)  python3  killed SIGTERM by 100 (sent as "
			 "its starter exited)");
	find_line(ascii, "\n|  `- 105 ");
	find_line(ascii, "\n   `- 107 ");
	for (i = 0; ascii[i]; i++)
		assert_true((unsigned char)ascii[i] < 0x80);
	free(text);
	free(ascii);
	model_free(m);
}

static void test_empty_model(void **state)
{
	struct fs_model *m = model_new(1);
	char *text, *json;
	struct json_object *o;

	(void)state;
	assert_non_null(m);
	text = capture_text(m, false);
	json = capture_json(m);
	assert_string_equal(text, "(no processes recorded)\n");
	o = json_tokener_parse(json);
	assert_true(json_object_is_type(o, json_type_array));
	assert_int_equal(json_object_array_length(o), 0);
	json_object_put(o);
	free(text);
	free(json);
	model_free(m);
}

/* A fork chain deeper than any recursion could handle in tests: no crash, every process. */
static void test_deep_chain(void **state)
{
	struct fs_model *m = model_new(1000);
	char *text, *json;
	uint32_t i, depth = 3000;
	size_t lines = 0;
	struct json_object *o;
	struct json_tokener *tok;

	(void)state;
	assert_non_null(m);
	for (i = 0; i < depth; i++)
		fork_ev(m, i, 1000 + i, i ? 999 + i : 1, i ? 999 + i : 1);
	model_finish(m);
	text = capture_text(m, true);
	for (i = 0; text[i]; i++)
		lines += text[i] == '\n';
	assert_int_equal(lines, depth);
	json = capture_json(m);
	tok = json_tokener_new_ex((int)depth * 2 + 4);
	assert_non_null(tok);
	o = json_tokener_parse_ex(tok, json, (int)strlen(json));
	assert_int_equal(json_tokener_get_error(tok), json_tokener_success);
	assert_int_equal(json_object_array_length(o), 1);
	/* json_object_put is recursive: free the chain from the bottom up */
	{
		struct json_object *cur = json_object_array_get_idx(o, 0), **chain;
		size_t n = 0;

		chain = calloc(depth, sizeof(*chain));
		assert_non_null(chain);
		while (cur && n < depth) {
			chain[n++] = cur;
			cur = nkids(cur) ? child(cur, 0) : NULL;
		}
		assert_int_equal(n, depth);
		while (n-- > 1)
			json_object_array_del_idx(key(chain[n - 1], "children"), 0, 1);
		free(chain);
	}
	json_object_put(o);
	json_tokener_free(tok);
	free(text);
	free(json);
	model_free(m);
}

static char *capture_line(const struct fs_event *ev, const struct fs_model *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	format_event_line(f, ev, m);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_event_lines(void **state)
{
	struct fs_model *m = model_new(100);
	struct fs_event *ev;
	char *line, *hdr = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&hdr, &len);

	(void)state;
	assert_non_null(f);
	format_event_header(f);
	fclose(f);
	assert_string_equal(hdr, "TIME(s)     EVENT  PID     PPID    ROLE                DETAIL\n");
	free(hdr);

	ev = event_new(FS_EV_FORK, 1234567890, 100, 50);
	ev->tid = 50;
	strcpy(ev->comm, "forkscope");
	assert_int_equal(model_apply(m, ev), 0);
	line = capture_line(ev, m);
	assert_string_equal(line, "   1.234567 fork   100     50      main                child of "
				  "50 (forkscope)\n");
	free(line);
	free(ev);
	exec_ev(m, 1300000000, 100, 50, argv_main);
	fork_ev(m, 1400000000, 101, 100, 103);
	ev = event_new(FS_EV_FORK, 1400000000, 101, 100);
	ev->tid = 103;
	ev->parent_threads = 3;
	line = capture_line(ev, m);
	assert_string_equal(line, "   1.400000 fork   101     100     child (fork)        child of "
				  "100 (python3) from thread 103 [3 threads]\n");
	free(line);
	free(ev);
	exec_ev(m, 1500000000, 101, 100, argv_spawn);
	ev = event_new(FS_EV_SIGNAL, 2000000000, 100, 0);
	ev->target = 101;
	ev->sig = 9;
	assert_int_equal(model_apply(m, ev), 0);
	line = capture_line(ev, m);
	assert_string_equal(line,
			    "   2.000000 signal 100     50      main                SIGKILL -> "
			    "101 [child (spawn)]\n");
	free(line);
	free(ev);
	ev = event_new(FS_EV_EXIT, 2000100000, 101, 100);
	ev->sig = 9;
	ev->exit_code = -1;
	ev->flags = FS_F_CORE_DUMPED;
	assert_int_equal(model_apply(m, ev), 0);
	line = capture_line(ev, m);
	assert_string_equal(line, "   2.000100 exit   101     100     child (spawn)       killed "
				  "SIGKILL by 100 (core dumped) after 600 ms\n");
	free(line);
	free(ev);

	/* an exec line: quoted, long arguments cut; no model */
	ev = event_new(FS_EV_EXEC, 5, 7, 1);
	{
		const char *argv[] = {"sh", "-c", "echo 'hi'; ls", NULL};
		size_t pos = 0, i;

		for (i = 0; argv[i]; i++) {
			memcpy(ev->args + pos, argv[i], strlen(argv[i]) + 1);
			pos += strlen(argv[i]) + 1;
		}
		memset(ev->args + pos, 'x', 300);
		ev->args_len = (uint32_t)pos + 300; /* last argument without its NUL */
		ev->flags = FS_F_ARGS_TRUNCATED;
	}
	line = capture_line(ev, NULL);
	assert_non_null(strstr(line, "   0.000000 exec   7       1       -                   sh -c "
				     "\"echo 'hi'; ls\" xxxx"));
	assert_non_null(strstr(line, "xxx... [argv truncated]\n"));
	assert_int_equal(strlen(strstr(line, "xxx")), 120 + strlen("... [argv truncated]\n"));
	free(line);
	/* garbage: args_len beyond the buffer, unknown type */
	ev->args_len = UINT32_MAX;
	memset(ev->args, 'a', FS_ARGS_LEN);
	line = capture_line(ev, NULL);
	assert_non_null(strstr(line, "aaa... [argv truncated]\n"));
	free(line);
	ev->type = 99;
	line = capture_line(ev, m);
	assert_non_null(strstr(line, " ?      7 "));
	free(line);
	free(ev);
	model_free(m);
}

static char *capture_summary(const struct fs_model *m)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	format_summary(f, m);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_summary(void **state)
{
	struct fs_model *m = build_model();
	char *text;

	(void)state;
	model_set_lost(m, 0);
	text = capture_summary(m);
	/* forkscope itself (50, the parent in the root's fork) is not counted */
	find_line(text, "processes: 9 (at most ");
	find_line(text, "\n  other                  1\n");
	find_line(text, "\n  main                   1\n");
	find_line(text, "\n  forkserver             1\n");
	find_line(text, "\n  resource tracker       1\n");
	find_line(text, "\n  child (fork)           1\n");
	find_line(text, "\n  child (spawn)          1\n");
	find_line(text, "\n  child (forkserver)     3\n");
	find_line(text, "exit status: 3 exited 0, 1 exited 1, 1 exited 3, 1 killed by SIGSEGV, "
			"2 killed by SIGTERM, 1 still alive at the end\n");
	find_line(text, "\nseen without their fork: 1 ");
	find_line(text, "\nterminated at their starter's exit: 2 ");
	find_line(text, "\nrecycled workers: 1 ");
	find_line(text, "\nre-parented: 2 ");
	find_line(text, "\nlost events: 0\n");
	free(text);
	model_set_lost(m, 17);
	text = capture_summary(m);
	find_line(text, "\nlost events: 17 - ");
	free(text);
	model_free(m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_tree_json),	cmocka_unit_test(test_tree_text),
	    cmocka_unit_test(test_empty_model), cmocka_unit_test(test_deep_chain),
	    cmocka_unit_test(test_event_lines), cmocka_unit_test(test_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
