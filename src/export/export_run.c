/* A run for the exporters (export/export.h): the replay loop of record/replay.c into a
 * model, with the marks the model only sums up (every fork, exec, signal, thread, run). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "export/export.h"
#include "export/export_internal.h"
#include "record/record.h"

/* A deep copy of the header's strings (the caller's header stays its own). 0 or -1. */
static int export_header_copy(struct fs_header *dst, const struct fs_header *src)
{
	int n = 0;

	*dst = *src;
	dst->tool = src->tool ? strdup(src->tool) : NULL;
	dst->method = src->method ? strdup(src->method) : NULL;
	dst->python = src->python ? strdup(src->python) : NULL;
	dst->kernel = src->kernel ? strdup(src->kernel) : NULL;
	dst->command = NULL;
	if (src->command)
		while (src->command[n])
			n++;
	dst->command = calloc((size_t)n + 1, sizeof(char *));
	if (!dst->command)
		return -1;
	for (int i = 0; i < n; i++)
		if (!(dst->command[i] = strdup(src->command[i])))
			return -1;
	dst->command_len = n;
	if ((src->tool && !dst->tool) || (src->method && !dst->method) ||
	    (src->python && !dst->python) || (src->kernel && !dst->kernel))
		return -1;
	return 0;
}

int export_run_begin(struct export_run *x, const struct fs_header *h)
{
	memset(x, 0, sizeof(*x));
	if (export_header_copy(&x->header, h) != 0)
		return -1;
	x->have_header = true;
	x->m = model_new(h->root_pid);
	if (!x->m)
		return -1;
	replay_model_setup(x->m, &x->header);
	return 0;
}

/* The mark's name of the newest process with that PID: its serial + 1, 0 for none. */
static uint64_t export_serial_of(const struct fs_model *m, uint32_t pid)
{
	int idx = pid ? model_find(m, pid) : -1;

	return idx >= 0 ? model_proc(m, (size_t)idx)->serial + 1 : 0;
}

/* Keep the mark of one applied event, when it is one the exporters draw. 0 or -1. */
static int export_mark_add(struct export_run *x, const struct fs_event *ev)
{
	struct export_mark *k;

	if (ev->type != FS_EV_FORK && ev->type != FS_EV_EXEC && ev->type != FS_EV_SIGNAL &&
	    ev->type != FS_EV_THREAD && ev->type != FS_EV_THREAD_EXIT && ev->type != FS_EV_RUN)
		return 0;
	if (x->nmarks >= EXPORT_MARK_MAX) {
		x->marks_dropped++;
		return 0;
	}
	if (x->nmarks == x->cap) {
		size_t cap = x->cap ? x->cap * 2 : 1024;
		void *v = realloc(x->marks, cap * sizeof(*x->marks));

		if (!v)
			return -1;
		x->marks = v;
		x->cap = cap;
	}
	k = &x->marks[x->nmarks];
	memset(k, 0, sizeof(*k));
	k->type = ev->type;
	k->tid = ev->tid;
	k->t_ns = ev->t_ns;
	k->end_ns = ev->end_ns;
	k->pid = ev->pid;
	k->serial = export_serial_of(x->m, ev->pid);
	k->sig = ev->sig;
	k->sig_result = ev->sig_result;
	k->cpu = ev->cpu;
	k->left = ev->left;
	if (ev->type == FS_EV_FORK) {
		int idx = model_find(x->m, ev->pid);
		const struct fs_proc *p = idx >= 0 ? model_proc(x->m, (size_t)idx) : NULL;
		const struct fs_proc *pp =
		    p && p->parent >= 0 ? model_proc(x->m, (size_t)p->parent) : NULL;

		k->other = pp ? pp->serial + 1 : 0;
	} else if (ev->type == FS_EV_SIGNAL) {
		k->target = ev->target;
		k->other = export_serial_of(x->m, ev->target);
	} else if (ev->type == FS_EV_EXEC) {
		const char *base = strrchr(ev->filename, '/');
		size_t len = strnlen(ev->filename, sizeof(ev->filename));

		k->name = strndup(base ? base + 1 : ev->filename, len);
		if (!k->name)
			return -1;
	}
	x->nmarks++;
	return 0;
}

int export_run_event(struct export_run *x, const struct fs_event *ev)
{
	if (model_apply(x->m, ev) != 0)
		return -1;
	return export_mark_add(x, ev);
}

void export_run_end(struct export_run *x, const struct fs_replay_info *info)
{
	size_t n = x->m ? model_count(x->m) : 0;

	x->info = *info;
	replay_end_model(x->m, info);
	x->end_ns = info->have_end ? info->end.t_ns : info->last_ns;
	/* no bar may end after the axis: a process's exit, a run's end */
	for (size_t i = 0; i < n; i++) {
		const struct fs_proc *p = model_proc(x->m, i);

		if (p->end_ns > x->end_ns)
			x->end_ns = p->end_ns;
		if (p->start_ns > x->end_ns)
			x->end_ns = p->start_ns;
	}
	for (size_t i = 0; i < x->nmarks; i++)
		if (x->marks[i].type == FS_EV_RUN && x->marks[i].end_ns > x->end_ns)
			x->end_ns = x->marks[i].end_ns;
}

/* The replay loop's sink: a header begins the run, each event goes in. */
static int export_sink_header(void *ctx, struct fs_header *h, char *err, size_t errlen)
{
	struct export_run *x = ctx;

	if (export_run_begin(x, h) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int export_sink_event(void *ctx, const struct fs_event *ev, char *err, size_t errlen)
{
	struct export_run *x = ctx;

	if (export_run_event(x, ev) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

int export_run_load(struct export_run *x, const char *path, char *err, size_t errlen)
{
	struct fs_replay_sink sink = {export_sink_header, export_sink_event, NULL};
	struct fs_replay_info info;
	int rc;

	memset(x, 0, sizeof(*x));
	sink.ctx = x;
	rc = replay_read(path, &sink, &info, err, errlen);
	if (rc == 0 && !x->m) {
		snprintf(err, errlen, "no header line in the recording");
		rc = -1;
	}
	if (x->m)
		export_run_end(x, &info);
	return rc;
}

void export_run_free(struct export_run *x)
{
	for (size_t i = 0; i < x->nmarks; i++)
		free(x->marks[i].name);
	free(x->marks);
	if (x->have_header)
		record_header_clear(&x->header);
	model_free(x->m);
	memset(x, 0, sizeof(*x));
}

static const char *const export_names[EXPORT_FORMAT_COUNT] = {"perfetto", "dot", "mermaid", "svg"};
static const char *const export_exts[EXPORT_FORMAT_COUNT] = {".perfetto.json", ".dot", ".mmd",
							     ".svg"};

const char *export_format_name(enum export_format fmt)
{
	return (unsigned)fmt < EXPORT_FORMAT_COUNT ? export_names[fmt] : "?";
}

const char *export_format_ext(enum export_format fmt)
{
	return (unsigned)fmt < EXPORT_FORMAT_COUNT ? export_exts[fmt] : "";
}

int export_format_parse(const char *name)
{
	for (int i = 0; i < EXPORT_FORMAT_COUNT; i++)
		if (!strcmp(name, export_names[i]))
			return i;
	return -1;
}

int export_write(FILE *f, const struct export_run *x, enum export_format fmt)
{
	int rc = -1;

	switch (fmt) {
	case EXPORT_PERFETTO:
		rc = export_perfetto(f, x);
		break;
	case EXPORT_DOT:
		rc = export_dot(f, x);
		break;
	case EXPORT_MERMAID:
		rc = export_mermaid(f, x);
		break;
	case EXPORT_SVG:
		rc = export_svg(f, x);
		break;
	case EXPORT_FORMAT_COUNT:
		break;
	}
	if (fflush(f) != 0 || ferror(f))
		rc = -1;
	return rc;
}

int export_write_file(const char *out, const struct export_run *x, enum export_format fmt,
		      char *err, size_t errlen)
{
	size_t len = strlen(out) + 32;
	char *tmp = malloc(len);
	FILE *f = NULL;
	int fd = -1, rc = -1;
	mode_t mask;
	struct stat st;

	if (!strcmp(out, "-")) {
		free(tmp);
		if (export_write(stdout, x, fmt) == 0)
			return 0;
		snprintf(err, errlen, "writing to stdout failed: %s",
			 errno ? strerror(errno) : "out of memory");
		return -1;
	}
	if (!tmp) {
		snprintf(err, errlen, "%s: out of memory", out);
		return -1;
	}
	if (stat(out, &st) == 0 && S_ISDIR(st.st_mode)) { /* said so, not "cannot create" */
		snprintf(err, errlen, "cannot write %s: %s", out, strerror(EISDIR));
		goto out;
	}
	snprintf(tmp, len, "%s.tmpXXXXXX", out);
	fd = mkstemp(tmp);
	if (fd < 0 || !(f = fdopen(fd, "w"))) {
		snprintf(err, errlen, "cannot write %s: %s", out, strerror(errno));
		goto out;
	}
	fd = -1;
	errno = 0;
	if (export_write(f, x, fmt) != 0) {
		snprintf(err, errlen, "writing %s failed: %s", out,
			 errno ? strerror(errno) : "out of memory");
		goto out;
	}
	mask = umask(0);
	umask(mask);
	if (fchmod(fileno(f), 0666 & ~mask) != 0 || fclose(f) != 0) {
		f = NULL;
		snprintf(err, errlen, "writing %s failed: %s", out, strerror(errno));
		goto out;
	}
	f = NULL;
	if (rename(tmp, out) != 0) {
		snprintf(err, errlen, "cannot write %s: %s", out, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f)
		fclose(f);
	if (fd >= 0)
		close(fd);
	if (rc != 0)
		unlink(tmp);
	free(tmp);
	return rc;
}
