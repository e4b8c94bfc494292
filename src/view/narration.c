/* The narration of a run (view/narration.h). */
#include <stdio.h>
#include <string.h>

#include "view/narration.h"

int vnarr_begin(struct vnarr *n, uint32_t root_pid, const struct fs_header *h, size_t tombstones)
{
	memset(n, 0, sizeof(*n));
	n->model = model_new(root_pid);
	n->lessons = lessons_new();
	if (!n->model || !n->lessons) {
		vnarr_free(n);
		return -1;
	}
	model_set_tombstone_limit(n->model, tombstones);
	if (h) {
		replay_model_setup(n->model, h);
		lessons_set_cpus(n->lessons, h->cpus);
	}
	return 0;
}

void vnarr_free(struct vnarr *n)
{
	model_free(n->model);
	lessons_free(n->lessons);
	memset(n, 0, sizeof(*n));
}

size_t vnarr_push(struct vnarr *n, const struct fs_event *ev)
{
	size_t added;

	if (!n->model || n->ended || n->failed)
		return 0;
	if (ev->type == FS_EV_OUTPUT) { /* no lesson reads the output: numbered, not applied */
		n->events++;
		return 0;
	}
	if (model_apply(n->model, ev) != 0) {
		n->failed = true;
		return 0;
	}
	added = lessons_after_event(n->lessons, n->model, ev, n->events++);
	n->failed = lessons_failed(n->lessons);
	return added;
}

size_t vnarr_end(struct vnarr *n, const struct fs_replay_info *info)
{
	if (!n->model || n->ended)
		return 0;
	n->ended = true;
	replay_end_model(n->model, info);
	return n->failed ? 0 : lessons_finish(n->lessons, n->model);
}

/* The state of vnarr_load's loop. */
struct vnarr_loading {
	struct vnarr *n;
	size_t tombstones;
};

static int vnarr_load_header(void *ctx, struct fs_header *h, char *err, size_t errlen)
{
	struct vnarr_loading *ld = ctx;
	struct vnarr *n = ld->n;

	if (n->model) {
		snprintf(err, errlen, "a second header line");
		return -1;
	}
	if (vnarr_begin(n, h->root_pid, h, ld->tombstones) != 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	return 0;
}

static int vnarr_load_event(void *ctx, const struct fs_event *ev, char *err, size_t errlen)
{
	struct vnarr *n = ((struct vnarr_loading *)ctx)->n;

	vnarr_push(n, ev);
	if (n->failed)
		snprintf(err, errlen, "out of memory");
	return n->failed ? -1 : 0;
}

int vnarr_load(struct vnarr *n, const char *path, size_t tombstones, struct fs_replay_info *info,
	       char *err, size_t errlen)
{
	struct vnarr_loading ld = {n, tombstones};
	struct fs_replay_sink sink = {vnarr_load_header, vnarr_load_event, &ld};
	int rc;

	memset(n, 0, sizeof(*n));
	rc = replay_read(path, &sink, info, err, errlen);
	if (!n->model && rc == 0) {
		snprintf(err, errlen, "no header line in the recording");
		return -1;
	}
	vnarr_end(n, info);
	return rc;
}
