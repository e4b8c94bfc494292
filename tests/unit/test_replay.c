/* The one recording-to-model loop: how a recording ends (end line, none, a cut last line,
 * complete or not) decides what the model says of processes still alive; signal delivery
 * results decide who killed whom; the replay UI's session and `tree` build the same model. */
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
#include "model/channel.h"
#include "model/output.h"
#include "record/replay.h"
#include "view/view.h"

#define HEADER(schema)                                                                             \
	"{\"type\":\"header\",\"schema\":" #schema ",\"tool\":\"forkscope t\",\"root_pid\":100,"   \
	"\"command\":[\"/usr/bin/python3\",\"t.py\"],\"method\":null,\"python\":null,"             \
	"\"kernel\":\"k\",\"start_realtime_ns\":0}\n"
#define FORK(t, pid, ppid)                                                                         \
	"{\"type\":\"fork\",\"t_ns\":" #t ",\"pid\":" #pid ",\"ppid\":" #ppid                      \
	",\"parent_tid\":" #ppid ",\"comm\":\"python3\",\"parent_threads\":1}\n"
#define EXIT(t, pid, ppid, code)                                                                   \
	"{\"type\":\"exit\",\"t_ns\":" #t ",\"pid\":" #pid ",\"ppid\":" #ppid                      \
	",\"comm\":\"python3\",\"exit_code\":" #code ",\"signal\":null,\"core_dumped\":false}\n"
#define KILLED(t, pid, ppid, sig)                                                                  \
	"{\"type\":\"exit\",\"t_ns\":" #t ",\"pid\":" #pid ",\"ppid\":" #ppid                      \
	",\"comm\":\"python3\",\"exit_code\":null,\"signal\":" #sig ",\"core_dumped\":false}\n"
#define SIGNAL(t, from, to, sig, result)                                                           \
	"{\"type\":\"signal\",\"t_ns\":" #t ",\"pid\":" #from ",\"target\":" #to ",\"sig\":" #sig  \
	",\"sig_result\":" #result "}\n"
#define SIGNAL1(t, from, to, sig)                                                                  \
	"{\"type\":\"signal\",\"t_ns\":" #t ",\"pid\":" #from ",\"target\":" #to ",\"sig\":" #sig  \
	"}\n"
#define END(t, lost, complete)                                                                     \
	"{\"type\":\"end\",\"t_ns\":" #t ",\"events\":9,\"lost\":" #lost                           \
	",\"complete\":" #complete "}\n"

/* The pending-SIGTERM case: 101 blocks SIGTERM; main (100) sends one (queued), the helper
 * 102 a second (already pending: dropped); 101 unblocks and dies of main's. */
// clang-format off
#define PENDING_BODY                                                                               \
	FORK(10, 100, 50)                                                                          \
	FORK(20, 101, 100)                                                                         \
	FORK(30, 102, 100)                                                                         \
	SIGNAL(40, 100, 101, 15, 0)                                                                \
	SIGNAL(50, 102, 101, 15, 2)                                                                \
	KILLED(60, 101, 100, 15)                                                                   \
	EXIT(70, 102, 100, 0)                                                                      \
	EXIT(80, 100, 50, 0)
// clang-format on

static char rec_path[64];

static int setup(void **state)
{
	(void)state;
	return unit_tmpfile(rec_path, sizeof(rec_path), "replay");
}

static int teardown(void **state)
{
	(void)state;
	unlink(rec_path);
	return 0;
}

/* Write the recording text and replay it into a new model. */
static struct fs_model *replay_text(const char *text, struct fs_replay_info *info, int want_rc)
{
	struct fs_header h;
	struct fs_model *m = NULL;
	char err[256] = "";
	FILE *f = fopen(rec_path, "w");

	assert_non_null(f);
	assert_int_equal(fputs(text, f) >= 0, 1);
	assert_int_equal(fclose(f), 0);
	if (replay_model(rec_path, 0, &m, &h, info, err, sizeof(err)) != want_rc)
		fail_msg("replay_model: %s", err[0] ? err : "unexpected success");
	record_header_clear(&h);
	assert_non_null(m);
	return m;
}

static const struct fs_proc *proc_of(const struct fs_model *m, uint32_t pid)
{
	int i = model_find(m, pid);

	assert_true(i >= 0);
	return model_proc(m, (size_t)i);
}

static void test_signal_result_decides_the_killer(void **state)
{
	struct fs_replay_info info;
	struct fs_model *m = replay_text(HEADER(2) PENDING_BODY END(90, 0, true), &info, 0);

	(void)state;
	assert_int_equal(proc_of(m, 101)->signal, 15);
	assert_int_equal(proc_of(m, 101)->killed_by, 100); /* not the helper's dropped one */
	model_free(m);
}

static void test_schema1_signals_count_as_delivered(void **state)
{
	struct fs_replay_info info;
	struct fs_model *m =
	    replay_text(HEADER(1) FORK(10, 100, 50) FORK(20, 101, 100) SIGNAL1(40, 100, 101, 15)
			    KILLED(60, 101, 100, 15) EXIT(80, 100, 50, 0) END(90, 0, false),
			&info, 0);

	(void)state;
	assert_int_equal(info.schema, 1);
	assert_int_equal(proc_of(m, 101)->killed_by, 100);
	model_free(m);
}

static void test_cut_last_line_is_a_warning(void **state)
{
	struct fs_replay_info info;
	char warn[256];
	struct fs_model *m = replay_text(
	    HEADER(2) FORK(10, 100, 50)
		FORK(4440000000, 101, 100) "{\"type\":\"exit\",\"t_ns\":4450000000,\"pi",
	    &info, 0);

	(void)state;
	assert_int_equal(info.cut_line, 4);
	assert_false(info.have_end);
	assert_int_equal(info.events, 2);
	/* neither alive nor exited: the recording stops following them */
	assert_false(proc_of(m, 101)->exited);
	assert_true(proc_of(m, 101)->unknown_after_ns == 4440000000ull);
	assert_true(proc_of(m, 100)->unknown_after_ns == 4440000000ull);
	replay_describe_end(&info, warn, sizeof(warn));
	assert_non_null(strstr(warn, "line 4 is cut short"));
	assert_non_null(strstr(warn, "ends at 4.440 s"));
	model_free(m);
}

static void test_no_end_line(void **state)
{
	struct fs_replay_info info;
	char warn[256];
	struct fs_model *m = replay_text(
	    HEADER(2) FORK(10, 100, 50) FORK(20, 101, 100) EXIT(30, 101, 100, 0), &info, 0);

	(void)state;
	assert_int_equal(info.cut_line, 0);
	assert_true(proc_of(m, 101)->exited);
	assert_true(proc_of(m, 101)->unknown_after_ns == 0);
	assert_true(proc_of(m, 100)->unknown_after_ns == 30);
	replay_describe_end(&info, warn, sizeof(warn));
	assert_non_null(strstr(warn, "no end line"));
	model_free(m);
}

static void test_complete_end_means_exit_lost(void **state)
{
	struct fs_replay_info info;
	char warn[256];
	struct fs_model *m = replay_text(HEADER(2) FORK(10, 100, 50) FORK(20, 101, 100)
					     EXIT(80, 100, 50, 0) END(90, 0, true),
					 &info, 0);

	(void)state;
	assert_true(proc_of(m, 101)->exited);
	assert_true(proc_of(m, 101)->exit_lost);
	replay_describe_end(&info, warn, sizeof(warn));
	assert_string_equal(warn, "");
	model_free(m);
}

static void test_incomplete_end_means_unknown_after(void **state)
{
	struct fs_replay_info info;
	struct fs_model *m = replay_text(HEADER(2) FORK(10, 100, 50) FORK(20, 101, 100)
					     EXIT(80, 100, 50, 0) END(90, 0, false),
					 &info, 0);

	(void)state;
	assert_false(proc_of(m, 101)->exited);
	assert_true(proc_of(m, 101)->unknown_after_ns == 90);
	model_free(m);
}

static void test_schema1_losses_end_as_before(void **state)
{
	struct fs_replay_info info;
	struct fs_model *m = replay_text(
	    HEADER(1) FORK(10, 100, 50)
		FORK(20, 101, 100) "{\"type\":\"end\",\"t_ns\":90,\"events\":2,\"lost\":3}\n",
	    &info, 0);

	(void)state;
	assert_true(proc_of(m, 101)->exit_lost);
	assert_int_equal(model_stats(m)->lost, 3);
	model_free(m);
}

/* The replay UI's session, seeking to the end, holds the model `tree` builds. */
static void test_session_equals_tree(void **state)
{
	struct fs_replay_info info;
	struct fs_model *m = replay_text(HEADER(2) PENDING_BODY END(90, 0, true), &info, 0);
	struct session s;
	struct fs_header h;
	char err[256] = "";

	(void)state;
	assert_int_equal(session_init(&s, 0), 0);
	assert_int_equal(session_load(&s, rec_path, &h, err, sizeof(err)), 0);
	assert_int_equal(session_seek(&s, s.count), 0);
	assert_true(s.finished);
	assert_true(model_digest(s.model) == model_digest(m));
	/* and at every step on the way, against a model fed the same events */
	record_header_clear(&h);
	session_free(&s);
	model_free(m);
}

/* What a live run's sink sees: the digest after each event, in order. */
struct digests {
	struct fs_model *m;
	uint64_t d[16];
	size_t n, at;
	bool differ;
};

static int digests_header(void *ctx, struct fs_header *h, char *err, size_t errlen)
{
	struct digests *ds = ctx;

	(void)err;
	(void)errlen;
	ds->m = model_new(h->root_pid);
	return ds->m ? 0 : -1;
}

static int digests_event(void *ctx, const struct fs_event *ev, char *err, size_t errlen)
{
	struct digests *ds = ctx;

	(void)err;
	(void)errlen;
	if (model_apply(ds->m, ev) != 0)
		return -1;
	if (ds->at >= ds->n || model_digest(ds->m) != ds->d[ds->at])
		ds->differ = true;
	ds->at++;
	return 0;
}

/* Output and channel events through the writer and the one replay loop: the model read
 * back has the digest of the live one after every event, and at the end. */
static void test_output_live_equals_replay(void **state)
{
	static const struct {
		uint32_t type, pid, fd, cut;
		const char *data;
		size_t len; /* 0: strlen(data) */
	} evs[] = {
	    {FS_EV_FORK, 100, 0, 0, "", 0},
	    {FS_EV_FORK, 101, 0, 0, "", 0},
	    {FS_EV_OUTPUT, 100, 1, 0, "main says \x1b[31mred", 0},
	    {FS_EV_OUTPUT, 101, 1, 0, "child: \xff\xfe\0 bytes\n", 17},
	    {FS_EV_OUTPUT, 100, 1, 7, "\n", 0},
	    {FS_EV_OUTPUT, 101, 2, 0, "partial", 0},
	    {FS_EV_CHANNEL, 101, 0, 0, "FSC1\n{\"fact\":\"name\",\"name\":\"w\"}", 0},
	    {FS_EV_CHANNEL, 101, 0, 0, "FSC1\n{\"fact\":\"name\",\"pid\":1}", 0},
	    {FS_EV_CHANNEL, 100, 0, 9000, "", 0},
	    {FS_EV_EXIT, 101, 0, 0, "", 0},
	};
	struct fs_event *ev = calloc(1, sizeof(*ev));
	struct fs_model *live = model_new(100);
	struct fs_end end = {.t_ns = 100, .events = 10, .complete = true, .output_lost = 5};
	struct digests ds = {0};
	struct fs_replay_sink sink = {digests_header, digests_event, &ds};
	struct fs_replay_info info;
	struct fs_header h = {.tool = "forkscope t", .root_pid = 100, .kernel = "k"};
	char err[256] = "";
	FILE *f = fopen(rec_path, "w");

	(void)state;
	assert_non_null(ev);
	assert_non_null(live);
	assert_non_null(f);
	assert_int_equal(record_write_header(f, &h), 0);
	for (size_t i = 0; i < sizeof(evs) / sizeof(evs[0]); i++) {
		memset(ev, 0, sizeof(*ev));
		ev->type = evs[i].type;
		ev->t_ns = 10 * (i + 1);
		ev->pid = evs[i].pid;
		ev->ppid = evs[i].pid == 100 ? 50 : 100;
		ev->tid = evs[i].pid;
		ev->fd = evs[i].fd;
		ev->cut = evs[i].cut;
		ev->dropped = i == 5 ? 1000 : 0;
		ev->args_len = (uint32_t)(evs[i].len ? evs[i].len : strlen(evs[i].data));
		memcpy(ev->args, evs[i].data, ev->args_len);
		assert_int_equal(model_apply(live, ev), 0);
		ds.d[ds.n++] = model_digest(live);
		assert_int_equal(record_write_event(f, ev), 0);
	}
	assert_int_equal(record_write_end(f, &end), 0);
	assert_int_equal(fclose(f), 0);
	assert_int_equal(replay_read(rec_path, &sink, &info, err, sizeof(err)), 0);
	assert_int_equal(ds.at, ds.n);
	assert_false(ds.differ);
	info.have_end = true;
	replay_end_model(live, &info);
	replay_end_model(ds.m, &info);
	assert_true(model_digest(live) == model_digest(ds.m));
	assert_int_equal(model_output_stats(ds.m)->lost, 5);
	assert_int_equal(model_output_count(ds.m), 4);
	assert_int_equal(model_fact_count(ds.m), 1);
	assert_int_equal(model_channel_stats(ds.m)->rejected[FS_CHANNEL_FORGED], 1);
	assert_int_equal(model_channel_stats(ds.m)->rejected[FS_CHANNEL_OVERSIZED], 1);
	/* the replay UI's session keeps the events whole: its model is the same */
	{
		struct session sess;
		struct fs_header sh;

		assert_int_equal(session_init(&sess, 0), 0);
		assert_int_equal(session_load(&sess, rec_path, &sh, err, sizeof(err)), 0);
		assert_int_equal(session_seek(&sess, sess.count), 0);
		assert_true(model_digest(sess.model) == model_digest(ds.m));
		record_header_clear(&sh);
		session_free(&sess);
	}
	model_free(ds.m);
	model_free(live);
	free(ev);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test_setup_teardown(test_signal_result_decides_the_killer, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_schema1_signals_count_as_delivered, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_cut_last_line_is_a_warning, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_no_end_line, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_complete_end_means_exit_lost, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_incomplete_end_means_unknown_after, setup,
					    teardown),
	    cmocka_unit_test_setup_teardown(test_schema1_losses_end_as_before, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_session_equals_tree, setup, teardown),
	    cmocka_unit_test_setup_teardown(test_output_live_equals_replay, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
