/* libFuzzer harness for the recording reader, and behind it the model and the printers.
 * One input is one recording file: it is written to a memfd and read back through
 * /proc/self/fd/N by replay_read exactly as `forkscope tree` reads a file; the
 * items feed a model (with the mid-trace analyses the live UI runs), every event is
 * printed as an event line, and the final tree is printed as JSON and as text, all to
 * /dev/null, and the workload's lines and facts as `run --no-tui` prints them; then the
 * recording again through the exporters (`forkscope export`, every format). Inputs that
 * start with 0xff are structured instead (see fuzz_program); inputs that start with 0xfe
 * are one record of the channel from the workload, for channel_decode (fuzz_channel).
 * Built by `make fuzz` (clang, -fsanitize=fuzzer,address,undefined) and, with
 * tests/fuzz/run_corpus.c instead of libFuzzer, by `make unit` for a pass over the corpus. */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "base/text.h"
#include "export/export.h"
#include "model/channel.h"
#include "model/lessons.h"
#include "model/model.h"
#include "model/output.h"
#include "output/format.h"
#include "output/lesson_text.h"
#include "output/workload_lines.h"
#include "record/record.h"
#include "record/replay.h"
#include "output/tree_print.h"

#define FUZZ_FINISH_EVERY 64 /* events between mid-trace model_finish calls */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int fuzz_fd = -1;
static FILE *fuzz_null;
static char fuzz_path[64];

/* The memfd the inputs go through, and /dev/null; once per process. */
static void fuzz_setup(void)
{
	if (fuzz_fd >= 0)
		return;
	fuzz_fd = memfd_create("fuzz-record", MFD_CLOEXEC);
	fuzz_null = fopen("/dev/null", "w");
	if (fuzz_fd < 0 || !fuzz_null) {
		perror("fuzz_record: setup");
		abort();
	}
	snprintf(fuzz_path, sizeof(fuzz_path), "/proc/self/fd/%d", fuzz_fd);
}

/* Replace the memfd's content with data[0..size). */
static void fuzz_store(const uint8_t *data, size_t size)
{
	size_t done = 0;

	if (ftruncate(fuzz_fd, 0) != 0) {
		perror("fuzz_record: ftruncate");
		abort();
	}
	while (done < size) {
		ssize_t n = pwrite(fuzz_fd, data + done, size - done, (off_t)done);

		if (n <= 0) {
			perror("fuzz_record: pwrite");
			abort();
		}
		done += (size_t)n;
	}
}

/* ---------------------------------------------------------------- structured inputs */

/* Command lines the roles are recognised by, for the structured inputs. */
static const char *const fuzz_argvs[][5] = {
    {"/usr/bin/python3", "app.py", NULL},
    {"/usr/bin/python3", "-c",
     "from multiprocessing.spawn import spawn_main; spawn_main(tracker_fd=5, pipe_handle=7)",
     "--multiprocessing-fork", NULL},
    {"/usr/bin/python3", "-B", "-c",
     "from multiprocessing.forkserver import main; main(8, 9, ['__main__'], **{})", NULL},
    {"/usr/bin/python3", "-B", "-c", "from multiprocessing.resource_tracker import main;main(6)",
     NULL},
    {"/bin/sh", "-c", "exec sleep 1", NULL},
    {"\x1b[2J\xc2\x9b", "\xff\xfe", "", NULL},
    {NULL},
};
#define FUZZ_NARGVS (sizeof(fuzz_argvs) / sizeof(fuzz_argvs[0]))
static const char *const fuzz_methods[] = {NULL, "fork", "spawn", "forkserver"};

/* Pack argv number k into an exec event. */
static void fuzz_set_argv(struct fs_event *ev, unsigned k)
{
	const char *const *argv = fuzz_argvs[k % FUZZ_NARGVS];
	size_t pos = 0;

	snprintf(ev->filename, sizeof(ev->filename), "%s", argv[0] ? argv[0] : "");
	for (; *argv; argv++) {
		size_t n = strlen(*argv) + 1;

		memcpy(ev->args + pos, *argv, n);
		pos += n;
	}
	ev->args_len = (uint32_t)pos;
}

/* Bytes a workload might write, for the structured output events. */
static const char *const fuzz_writes[] = {
    "hello\n", "partial ", "\n", "a\nb\nc", "\x1b[2J\x1b]0;t\x07\r\n", "\xff\xfe\xc2\x9b\n", "",
};
/* Records of the channel, for the structured channel events. */
static const char *const fuzz_records[] = {
    "FSC1\n{\"fact\":\"name\",\"name\":\"w1\",\"n\":1,\"ok\":false,\"z\":null}\n{\"fact\":\"t\"}",
    "FSC1\n{\"fact\":\"name\",\"pid\":1}",
    "FSC1\n{\"fact\":\"f\",\"x\":1.5}",
    "FSC1\n[1]",
    "nope",
};
#define FUZZ_NWRITES (sizeof(fuzz_writes) / sizeof(fuzz_writes[0]))
#define FUZZ_NRECORDS (sizeof(fuzz_records) / sizeof(fuzz_records[0]))

/* An output (b[0] bit 6) or channel (bits 6 and 7) event from the bytes of fuzz_event. */
static void fuzz_output(const uint8_t *b, struct fs_event *ev)
{
	const char *s;

	ev->type = (b[0] & 0x80) ? FS_EV_CHANNEL : FS_EV_OUTPUT;
	ev->tid = ev->pid + (b[6] & 1u);
	s = ev->type == FS_EV_OUTPUT ? fuzz_writes[b[7] % FUZZ_NWRITES]
				     : fuzz_records[b[7] % FUZZ_NRECORDS];
	ev->args_len = (uint32_t)strlen(s);
	memcpy(ev->args, s, ev->args_len);
	ev->fd = 1u + (b[4] & 1u);
	ev->cut = b[4] & 2 ? b[4] : 0;
	ev->dropped = b[4] & 4 ? b[5] : 0;
	if (ev->type == FS_EV_CHANNEL && ev->cut)
		ev->args_len = 0; /* an oversized record has no bytes */
}

/* One event from 8 bytes: few PIDs (so they meet), times that may go backwards. */
static void fuzz_event(const uint8_t *b, uint64_t *t, struct fs_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->type = (uint32_t)(b[0] & 3) + 1;
	ev->pid = 100u + (b[1] & 15u);
	ev->ppid = 99u + (b[2] & 15u);
	if (b[3] == 0xff)
		*t = *t > 5000 ? *t - 5000 : 0;
	else
		*t += (uint64_t)b[3] * 1000u;
	ev->t_ns = *t;
	ev->tid = ev->ppid + ((b[6] >> 3) & 3u);
	ev->parent_threads = b[6] & 7u;
	snprintf(ev->comm, sizeof(ev->comm), "%s", b[5] & 1 ? "python3" : "sh");
	switch (ev->type) {
	case FS_EV_EXEC:
		fuzz_set_argv(ev, b[5] >> 1);
		if (b[0] & 8)
			ev->flags |= FS_F_ARGS_TRUNCATED;
		break;
	case FS_EV_EXIT:
		ev->sig = b[4] & 0x80 ? (b[4] & 63) + 1 : 0;
		ev->exit_code = ev->sig ? -1 : b[4] & 0x7f;
		if (ev->sig && (b[0] & 4))
			ev->flags |= FS_F_CORE_DUMPED;
		break;
	case FS_EV_SIGNAL:
		ev->target = 100u + (b[7] & 15u);
		ev->sig = b[4] % 65;
		break;
	default:
		break;
	}
	if ((b[0] & 0x70) == 0x40)
		fuzz_output(b, ev);
}

/* An input that starts with 0xff (never a readable recording) is a compact program: a
 * header from two bytes, then one event per 8 bytes. It is written as a recording by the
 * writer and then read like any other input; this reaches model states (PID reuse,
 * re-parenting, kills, recycling, roles) that random JSON seldom does, and fuzzes the
 * writer: what it writes must read back without an error. Returns the text (free it). */
static char *fuzz_program(const uint8_t *data, size_t size, size_t *len, size_t *written)
{
	char *cmd[] = {"/usr/bin/python3", "app.py", NULL};
	struct fs_header h = {.schema = FS_RECORD_SCHEMA,
			      .tool = "forkscope fuzz",
			      .command = cmd,
			      .command_len = 2,
			      .kernel = "Linux fuzz"};
	struct fs_event *ev = malloc(sizeof(*ev));
	struct fs_end end = {0};
	char *text = NULL;
	uint64_t t = 0;
	FILE *f = open_memstream(&text, len);
	size_t i;

	*written = 0;
	if (!f || !ev)
		abort();
	h.root_pid = 100u + (size > 0 ? data[0] & 15u : 0);
	h.method = (char *)fuzz_methods[size > 1 ? data[1] & 3 : 0];
	h.python = size > 1 && (data[1] & 4) ? "3.11.2" : NULL;
	h.mono_base_ns = size > 1 && (data[1] & 8) ? 1000000000ull : 0;
	if (record_write_header(f, &h) != 0)
		abort();
	for (i = 2; i + 8 <= size; i += 8) {
		fuzz_event(data + i, &t, ev);
		if (record_write_event(f, ev) != 0)
			abort();
		++*written;
	}
	if (size % 2) {
		end.t_ns = t;
		end.events = *written;
		end.lost = size % 3;
		if (record_write_end(f, &end) != 0)
			abort();
	}
	if (fclose(f) != 0)
		abort();
	free(ev);
	return text;
}

/* ---------------------------------------------------------------- reading */

/* What the sink builds: the model (created by the header), as `forkscope tree` does, and
 * the workload's lines as `run --no-tui` prints them. */
struct fuzz_sink {
	struct fs_model *m;
	struct workload_lines *wl;
	struct fs_lessons *lessons; /* the narration, as forkscope narrate finds it */
	size_t events;
};

/* Every lesson's sentence, question and answer (hostile names included). */
static void fuzz_lessons_say(const struct fs_lessons *l)
{
	char buf[1024];

	for (size_t i = 0; i < lessons_count(l); i++) {
		const struct fs_lesson *x = lessons_at(l, i);

		lesson_text(x, buf, sizeof(buf));
		lesson_question(x, buf, sizeof(buf));
		lesson_answer(x, buf, sizeof(buf));
		lesson_text(x, buf, 8); /* cut short */
		if (i && x->event < lessons_at(l, i - 1)->event)
			abort(); /* lessons come in event order */
	}
}

static int fuzz_header(void *ctx, struct fs_header *h, char *err, size_t errlen)
{
	struct fuzz_sink *fs = ctx;

	(void)err;
	(void)errlen;
	if (!fs->m) {
		fs->m = model_new(h->root_pid);
		replay_model_setup(fs->m, h); /* Python's facts placed by the header's clock */
		fs->lessons = lessons_new();
		if (fs->lessons)
			lessons_set_cpus(fs->lessons, h->cpus);
	}
	return 0;
}

/* Each event into the model, printed as an event line, with mid-trace analyses. */
static int fuzz_event_in(void *ctx, const struct fs_event *ev, char *err, size_t errlen)
{
	struct fuzz_sink *fs = ctx;

	(void)err;
	(void)errlen;
	fs->events++;
	if (!fs->m || model_apply(fs->m, ev) != 0)
		return 0;
	if (fs->lessons)
		lessons_after_event(fs->lessons, fs->m, ev, fs->events - 1);
	workload_lines_after(fs->wl, fuzz_null, ev, fs->m);
	format_event_line(fuzz_null, ev, fs->m);
	model_find(fs->m, ev->pid);
	if (fs->events % FUZZ_FINISH_EVERY == 0)
		model_finish(fs->m);
	return 0;
}

/* One record for channel_decode: accepted facts must be within every bound of channel.h. */
static void fuzz_channel(const uint8_t *data, size_t size)
{
	enum fs_channel_reject why;
	struct fs_fact *facts = NULL;
	int n = channel_decode((const char *)data, size, &facts, &why);

	if (n < 0 && (facts || why > FS_CHANNEL_REJECT_COUNT))
		abort();
	for (int i = 0; i < n; i++) {
		if (n > FS_FACT_MAX_FACTS || !facts[i].kind[0] ||
		    facts[i].nfields >= FS_FACT_MAX_FIELDS)
			abort();
		for (size_t k = 0; k < facts[i].nfields; k++) {
			const struct fs_fact_field *fl = &facts[i].fields[k];

			if (!fl->key[0] || !strcmp(fl->key, "pid") || !strcmp(fl->key, "tid") ||
			    !strcmp(fl->key, "ppid") || !strcmp(fl->key, "t_ns"))
				abort();
			if (fl->type == FS_FACT_STRING && (strlen(fl->s) > FS_FACT_MAX_STRING ||
							   !text_utf8_valid(fl->s, strlen(fl->s))))
				abort();
		}
	}
	if (n > 0)
		channel_facts_free(facts, (size_t)n);
}

/* The stored recording as `forkscope export` reads it, in every format. */
static void fuzz_export(void)
{
	struct export_run x;
	char err[512];

	if (export_run_load(&x, fuzz_path, err, sizeof(err)) == 0)
		for (int f = 0; f < EXPORT_FORMAT_COUNT; f++)
			if (export_write(fuzz_null, &x, (enum export_format)f) != 0)
				abort();
	export_run_free(&x);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	bool program = size > 0 && data[0] == 0xff;
	struct fuzz_sink fs = {NULL, NULL, NULL, 0};
	struct fs_replay_sink sink = {fuzz_header, fuzz_event_in, &fs};
	struct fs_replay_info info;
	size_t written = 0, len = 0;
	char err[512], warn[256], *text = NULL;
	int got;

	fuzz_setup();
	if (size > 0 && data[0] == 0xfe) {
		fuzz_channel(data + 1, size - 1);
		return 0;
	}
	fs.wl = workload_lines_new();
	if (!fs.wl)
		abort();
	if (program) {
		text = fuzz_program(data + 1, size - 1, &len, &written);
		fuzz_store((const uint8_t *)text, len);
		free(text);
	} else {
		fuzz_store(data, size);
	}
	/* the one recording-to-model loop, as forkscope tree and the replay UI read */
	got = replay_read(fuzz_path, &sink, &info, err, sizeof(err));
	if (program && (got != 0 || fs.events != written || info.cut_line)) {
		fprintf(stderr,
			"fuzz_record: the writer's output reads back as %zu of %zu events: %s\n",
			fs.events, written, got ? err : "no error");
		abort();
	}
	replay_describe_end(&info, warn, sizeof(warn));
	if (fs.m) {
		replay_end_model(fs.m, &info);
		if (fs.lessons) {
			lessons_finish(fs.lessons, fs.m);
			fuzz_lessons_say(fs.lessons);
		}
		workload_lines_flush(fs.wl, fuzz_null, fs.m);
		tree_print_json(fuzz_null, fs.m);
		tree_print_text(fuzz_null, fs.m, size % 2 == 0);
		format_summary(fuzz_null, fs.m);
		model_free(fs.m);
		lessons_free(fs.lessons);
	}
	workload_lines_free(fs.wl);
	fuzz_export();
	return 0;
}
