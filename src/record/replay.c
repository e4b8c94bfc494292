/* The one recording-to-model loop (record/replay.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/names.h"
#include "model/output.h"
#include "model/python.h"
#include "record/digest_log.h"
#include "record/replay.h"

int replay_read(const char *path, const struct fs_replay_sink *sink, struct fs_replay_info *info,
		char *err, size_t errlen)
{
	struct fs_record_reader *r = record_open(path, err, errlen);
	struct fs_record_item *it =
	    calloc(1, sizeof(*it)); /* an event is 8 KiB: not on the stack */
	int rc = -1, got;

	memset(info, 0, sizeof(*info));
	if (!r || !it) {
		if (r)
			snprintf(err, errlen, "out of memory");
		goto out;
	}
	info->schema = record_schema(r);
	err[0] = '\0';
	while ((got = record_next(r, it, err, errlen)) == 1) {
		int stop = 0;

		if (it->kind == FS_REC_HEADER) {
			stop = sink->header ? sink->header(sink->ctx, &it->header, err, errlen) : 0;
		} else if (it->kind == FS_REC_EVENT) {
			info->events++;
			info->last_ns = it->event.t_ns;
			stop = sink->event ? sink->event(sink->ctx, &it->event, err, errlen) : 0;
		} else if (it->kind == FS_REC_END) {
			info->have_end = true;
			info->end = it->end;
			/* schema 1 had no "complete": a run with losses was taken as followed to
			 * its end (who looked alive had lost its exit) */
			if (info->schema < 2 && it->end.lost)
				info->end.complete = true;
		}
		record_item_clear(it);
		if (stop) {
			if (!err[0])
				snprintf(err, errlen, "out of memory");
			goto out;
		}
	}
	if (got == 0)
		info->cut_line = record_cut_line(r);
	rc = got == 0 ? 0 : -1;
out:
	if (it) {
		record_item_clear(it);
		free(it);
	}
	record_close(r);
	return rc;
}

void replay_model_setup(struct fs_model *m, const struct fs_header *h)
{
	if (!m || !h)
		return;
	model_set_clock_base(m, h->mono_base_ns);
	if (h->pyhook_said)
		model_set_pyhook(m, h->pyhook);
}

void replay_end_model(struct fs_model *m, const struct fs_replay_info *info)
{
	if (!m)
		return;
	if (info->have_end) {
		if (info->end.complete)
			model_end(m, info->end.t_ns);
		else
			model_stop_following(m, info->end.t_ns);
		model_set_lost(m, info->end.lost);
		model_set_output_lost(m, info->end.output_lost);
	} else {
		model_stop_following(m, info->last_ns);
	}
	model_finish(m);
}

/* The state of replay_model's loop. */
struct replay_to_model {
	size_t tombstone_limit;
	struct fs_model **model;
	struct fs_header *header;
};

static int replay_model_header(void *ctx, struct fs_header *h, char *err, size_t errlen)
{
	struct replay_to_model *rm = ctx;

	*rm->header = *h; /* ownership moves to the caller */
	memset(h, 0, sizeof(*h));
	*rm->model = model_new(rm->header->root_pid);
	if (!*rm->model) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	model_set_tombstone_limit(*rm->model, rm->tombstone_limit);
	replay_model_setup(*rm->model, rm->header);
	return 0;
}

static int replay_model_event(void *ctx, const struct fs_event *ev, char *err, size_t errlen)
{
	struct replay_to_model *rm = ctx;

	if (model_apply(*rm->model, ev) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	digest_log_event(*rm->model);
	return 0;
}

int replay_model(const char *path, size_t tombstone_limit, struct fs_model **out,
		 struct fs_header *header, struct fs_replay_info *info, char *err, size_t errlen)
{
	struct replay_to_model rm;
	struct fs_replay_sink sink = {replay_model_header, replay_model_event, &rm};
	int rc;

	*out = NULL;
	memset(header, 0, sizeof(*header));
	rm.tombstone_limit = tombstone_limit;
	rm.model = out;
	rm.header = header;
	rc = replay_read(path, &sink, info, err, errlen);
	replay_end_model(*out, info);
	if (*out)
		digest_log_end(*out);
	return rc;
}

void replay_describe_end(const struct fs_replay_info *info, char *buf, size_t len)
{
	char at[32];

	names_duration(info->have_end ? info->end.t_ns : info->last_ns, at, sizeof(at));
	/* the time first: on an 80-column status line the rest may be cut */
	if (info->cut_line)
		snprintf(buf, len,
			 "the recording ends at %s: line %zu is cut short (forkscope was stopped "
			 "while writing it)",
			 at, info->cut_line);
	else if (!info->have_end)
		snprintf(buf, len, "the recording ends at %s: no end line (forkscope was stopped)",
			 at);
	else
		buf[0] = '\0';
}
