/* The narration of a run: a model of its own fed every event in order, and the lessons
 * (model/lessons.h) found after each, so that the UI can jump between lessons anywhere in a
 * run and a live run's narration grows as events come, paused view or not. The same
 * loop serves `forkscope narrate` (vnarr_load), a replay and a live run: they narrate
 * alike. No curses. */
#ifndef FORKSCOPE_VIEW_NARRATION_H
#define FORKSCOPE_VIEW_NARRATION_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/lessons.h"
#include "model/model.h"
#include "record/record.h"
#include "record/replay.h"

struct vnarr {
	struct fs_model *model;	    /* every event applied, whatever the view shows */
	struct fs_lessons *lessons; /* found so far */
	uint64_t events;	    /* events applied: the next one's number */
	bool ended;		    /* the run ended: lessons_finish ran */
	bool failed;		    /* out of memory: the narration stopped */
};

/* A narration for a run whose root is root_pid, with what its header tells the model
 * (h may be NULL) and a tombstone limit (0: none). 0 or -1 (out of memory). */
int vnarr_begin(struct vnarr *n, uint32_t root_pid, const struct fs_header *h, size_t tombstones);
void vnarr_free(struct vnarr *n);
/* The next event of the run: returns the lessons it added. */
size_t vnarr_push(struct vnarr *n, const struct fs_event *ev);
/* The run ended as info says (replay_end_model): returns the lessons that added. */
size_t vnarr_end(struct vnarr *n, const struct fs_replay_info *info);
/* Narrate a whole recording ("-": stdin) into an uninitialised n, its model keeping at most
 * about `tombstones` exited processes (0: all). 0 when it read to the end (info: how it
 * ended), -1 with err; what was read is narrated either way (vnarr_free after). */
int vnarr_load(struct vnarr *n, const char *path, size_t tombstones, struct fs_replay_info *info,
	       char *err, size_t errlen);

#endif
