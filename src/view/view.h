/* The terminal UI's pure parts: an event store, a replay session, tree flattening with
 * collapse, pane layout, timeline scaling, event filters and compare figures. The words
 * (roles, signals, states, durations) are base/names.h's.
 * No curses and no libbpf: unit-tested with cmocka (tests/unit/test_view*.c). */
#ifndef FORKSCOPE_VIEW_H
#define FORKSCOPE_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "base/event.h"
#include "base/names.h"
#include "model/model.h"
#include "record/record.h"
#include "record/replay.h"

/* ---- event store: the events of a run kept in memory, compact (exec strings on the heap).
 * Events are numbered from 0 in run order; the store keeps numbers [base, base + n): with
 * an event limit the oldest go (base grows), and a replay reads them again from its file. */

struct view_ev {
	uint64_t t_ns;
	uint64_t order_ns;	 /* its place in the run's time, never decreasing: a run event comes
				  * when the run ends, so t_ns (its start) may be earlier than the
				  * events before it; this is the newest t_ns or run end so far */
	uint64_t clone_flags;	 /* fork only */
	uint64_t end_ns, cpu_ns; /* run only */
	uint32_t cpu, left, switches; /* run only */
	uint32_t type, pid, ppid, tid, target;
	int32_t sig, exit_code;
	uint32_t parent_threads, flags;
	int32_t sig_result;
	uint32_t args_len;
	uint32_t subtree_live; /* fork: the launched subtree's live processes after it */
	uint32_t fd, cut;      /* output: the stream, bytes cut; channel: cut (oversized) */
	uint64_t dropped;      /* output: bytes the rate bound dropped before it */
	char comm[FS_COMM_LEN];
	char *filename; /* exec only, else NULL */
	char *args;	/* exec: NUL-separated argv; output, channel: the bytes; args_len bytes */
	char *text;	/* channel: what the model made of it once applied (its facts in words
			 * joined by " | ", or its rejection: output/fact_text.h), else NULL */
};

struct evstore {
	struct view_ev *ev; /* ev[k] is event number base + k */
	size_t n, cap;
	size_t base;	   /* events dropped before ev[0] */
	uint64_t order_ns; /* the newest event's order_ns */
	size_t bytes;	   /* bytes of the kept events' args (argv, output, records) */
};

void evstore_init(struct evstore *s);
void evstore_clear(struct evstore *s);
/* Append a copy of ev (number base + n); 0 or -1 (out of memory). */
int evstore_push(struct evstore *s, const struct fs_event *ev);
/* Forget the k oldest kept events (base += k). */
void evstore_drop(struct evstore *s, size_t k);
/* Event number i, or NULL when it is not kept. */
const struct view_ev *evstore_at(const struct evstore *s, size_t i);
/* When an event happened for the run's order: a run's end, else its t_ns. */
uint64_t view_event_order_ns(const struct fs_event *ev);
/* Apply ev, kept event number i, to m (model_apply); a channel event keeps what m made of
 * it, its facts in words or its rejection (e->text, output/fact_text.h), once: the same
 * again when the model is rebuilt. Out of memory for the text: it stays without
 * (view_event_text says the record's size). Returns model_apply's. */
int evstore_apply(struct evstore *s, size_t i, struct fs_model *m, const struct fs_event *ev);
/* Expand kept event number i back into a full fs_event (for model_apply). */
void evstore_get(const struct evstore *s, size_t i, struct fs_event *out);
/* Number of the first kept event whose order_ns is at or after t_ns, base + n when none
 * (binary search on order_ns, which never decreases). */
size_t evstore_lower_bound(const struct evstore *s, uint64_t t_ns);

/* ---- session: the events of a run plus the model of its first `cursor` events ---- */

/* What the terminal UI keeps of a long run: the newest events in memory, exited processes
 * in the model (see session_set_limits). */
#define VIEW_EVENT_LIMIT 200000
#define VIEW_TOMBSTONE_LIMIT 20000
/* ... and at most about this many bytes of their args (an output flood's writes), the
 * oldest events going first like under the event limit. */
#define VIEW_BYTES_LIMIT (64u * 1024u * 1024u)

struct fs_record_reader;
struct fs_record_item;

struct session {
	struct evstore store;	/* the events kept in memory */
	struct fs_model *model; /* events [0, cursor) applied */
	size_t cursor;		/* event numbers are absolute: 0 .. count */
	size_t count;		/* events of the run, kept in memory or not */
	uint32_t root_pid;
	struct fs_header facts;	    /* what its header tells each model (replay_model_setup):
				     * mono_base_ns and pyhook only, no strings */
	bool complete;		    /* the source ended: no more events */
	bool finished;		    /* model_finish ran (cursor == count and complete) */
	struct fs_replay_info info; /* how the source ended (complete) */
	uint64_t lost;
	uint64_t end_ns;    /* the end line's time (complete), else 0 */
	uint64_t cursor_ns; /* time of event cursor - 1, 0 at the start */
	uint64_t last_ns;   /* time of the last event */
	size_t event_limit; /* most events kept in memory, 0 for all */
	size_t tombstone_limit;
	/* once events were dropped: the model of the events before the first kept one, where
	 * stepping back starts from (NULL while none were dropped) */
	struct fs_model *base_model;
	uint64_t base_ns; /* time of the last dropped event */
	/* a replay: its recording, read again for the events not in memory */
	char *path;
	struct fs_record_reader *reader;
	struct fs_record_item *item;
	size_t rpos; /* number of the event the reader returns next */
};

int session_init(struct session *s, uint32_t root_pid);
/* The run's header (a live run's or a recording's), for what it tells the models about
 * Python's facts (replay_model_setup); call it after session_init. */
void session_set_header(struct session *s, const struct fs_header *h);
void session_free(struct session *s);
/* Keep at most `events` events in memory (the oldest quarter goes when full; 0 keeps all;
 * with a limit, at most VIEW_BYTES_LIMIT bytes of their args too)
 * and at most about `tombstones` exited processes in the model (model_set_tombstone_limit).
 * Dropped events go into a second model first, which stepping back starts from; going
 * back before them reads the recording again, or fails without one. A model held back
 * by a pause takes them in before they go. */
void session_set_limits(struct session *s, size_t events, size_t tombstones);
/* Add an event; when the cursor was at the end it follows (the model applies it). */
int session_push(struct session *s, const struct fs_event *ev);
/* The source ended, as info says (an end line, or none: cut short); finishes the model the
 * way replay_end_model does when the cursor is at the end. */
void session_end(struct session *s, const struct fs_replay_info *info);
/* Show the first `cursor` events (clamped); rebuilds the model when going back: from the
 * events in memory, or by reading the recording again from the start before them. 0; 1
 * when going back that far is impossible (events dropped, no file: nothing changes); -1
 * on an error (out of memory, the recording changed: the cursor stops where it could). */
int session_seek(struct session *s, size_t cursor);
/* Show every event at or before t_ns (and none after); the same results as session_seek. */
int session_seek_time(struct session *s, uint64_t t_ns);
/* Event number i when it is in memory, else NULL (dropped: see session_first). */
const struct view_ev *session_event(const struct session *s, size_t i);
/* Number of the first event in memory: > 0 once older ones were dropped. */
size_t session_first(const struct session *s);
/* Time shown: the last applied event's, or the end time at the end of a complete run. */
uint64_t session_now_ns(const struct session *s);
/* Total span of the run so far. */
uint64_t session_total_ns(const struct session *s);
/* Read a recording into an initialised session (replaced by the recording's, with its
 * root; the limits stay): every event is counted, the first event_limit are kept (the
 * others are read again from the file as the cursor gets there; stdin is kept whole).
 * The header is returned in *hdr (caller clears it). 0; 1 when a bad line after the
 * header cut it short (what was read is kept, err says why); -1 with err. */
int session_load(struct session *s, const char *path, struct fs_header *hdr, char *err,
		 size_t errlen);
/* The run's events are also in this complete recording (a live run recorded with -o):
 * seeking back before the kept events reads it. 0 or -1 (out of memory). */
int session_set_file(struct session *s, const char *path);

/* ---- tree flattening with collapse ---- */

#define VTREE_MAX_DEPTH 64

struct vtree_row {
	int idx; /* model index */
	int depth;
	bool has_children;
	bool collapsed;
	bool last;     /* last of its siblings */
	uint64_t more; /* bit d set: the ancestor at depth d (d < depth) has later siblings */
	size_t hidden; /* descendants hidden by collapse */
	int thread;    /* a thread row under process idx: its model_thread index; -1 */
};

struct vtree {
	struct vtree_row *rows;
	size_t n, cap;
	uint32_t *collapsed; /* PIDs whose subtree is folded */
	size_t ncollapsed, capc;
	bool threads; /* a process with several threads has a row per thread under it */
	int *scratch; /* internal: child lists */
	size_t scratch_cap;
};

void vtree_init(struct vtree *t);
void vtree_free(struct vtree *t);
/* Flatten the model depth first, children by start time, roots = processes without a
 * parent (the launcher left out: its children are roots). Rows under a collapsed process
 * are left out. 0 or -1. */
int vtree_build(struct vtree *t, const struct fs_model *m);
bool vtree_is_collapsed(const struct vtree *t, uint32_t pid);
int vtree_set_collapsed(struct vtree *t, uint32_t pid, bool collapsed);
void vtree_expand_all(struct vtree *t);
/* Row showing model index idx (its process row, not a thread's), or -1. */
int vtree_find_row(const struct vtree *t, int idx);
/* Tree-line prefix of a row ("│ ├─ " or "| |- " in ASCII) into buf; returns its width in
 * columns. Depths beyond what fits in max_cols are elided with "..". */
int vtree_prefix(const struct vtree_row *r, bool ascii, int max_cols, char *buf, size_t len);

/* ---- layout ---- */

#define LAYOUT_MIN_COLS 80
#define LAYOUT_MIN_ROWS 24

struct rect {
	int y, x, h, w;
};

enum pane {
	PANE_TREE = 0,
	PANE_TIMELINE,
	PANE_EVENTS,
	PANE_DETAILS,
	PANE_COUNT,
};

struct layout {
	bool too_small;
	int cols, rows;
	struct rect title;	      /* one line at the top */
	struct rect status;	      /* one line at the bottom */
	struct rect pane[PANE_COUNT]; /* each with a one-line header at its top row */
	struct rect cpu;	      /* the CPU view (layout_cpu), else h = 0 */
};

/* Lay out the main screen at cols x rows; maximized is a pane shown alone or -1.
 * Panes never overlap and never leave the screen. Returns 0, or -1 when too small. */
int layout_compute(struct layout *l, int cols, int rows, int maximized);

/* The CPU view takes the place of the event log and the details (not of a maximized
 * pane): the whole width, so its lanes share the timeline's columns. */
void layout_cpu(struct layout *l);

struct compare_layout {
	bool too_small;
	struct rect title, status;
	struct rect tree[3]; /* side by side */
	struct rect table;
};

int layout_compare(struct compare_layout *l, int cols, int rows);

/* ---- timeline scale ---- */

#define TIMELINE_MIN_SPAN_NS 10000ull /* 10 us across the whole width */

struct timeline {
	uint64_t t0;   /* first visible time */
	uint64_t span; /* visible time across the width */
	bool fit;      /* follow the whole run (t0 = 0, span = total) */
};

void timeline_init(struct timeline *t);
/* Refresh a fitted scale for a run of total ns; clamps a zoomed one into [0, total]. */
void timeline_update(struct timeline *t, uint64_t total);
/* Zoom by factor (> 1 in, < 1 out) keeping anchor_ns at the same place. */
void timeline_zoom(struct timeline *t, double factor, uint64_t anchor_ns, uint64_t total);
/* Move by cols columns of width (negative: earlier). */
void timeline_pan(struct timeline *t, int cols, int width, uint64_t total);
/* Column of a time: may be < 0 (before the window) or >= width (after it). */
long timeline_col(const struct timeline *t, uint64_t ns, int width);
/* Clip a bar [start, end] to columns [*c0, *c1] (inclusive); false when not visible. */
bool timeline_bar(const struct timeline *t, uint64_t start, uint64_t end, int width, int *c0,
		  int *c1);

/* ---- event filter ---- */

struct evfilter {
	unsigned types; /* bit (1 << FS_EV_x) per shown type; 0 shows all */
	uint32_t pid;	/* only events about this process, 0 for any */
	bool hide_sigchld;
	char text[64]; /* substring of comm, file name, argv or PID; "" for any */
};

void evfilter_init(struct evfilter *f);
bool evfilter_match(const struct evfilter *f, const struct view_ev *e);
/* Cycle the type filter: all, fork, exec, exit, signal, all... */
void evfilter_cycle_type(struct evfilter *f);
/* Short description of the filter ("all", "exec pid 42" ...). */
void evfilter_describe(const struct evfilter *f, char *buf, size_t len);
/* Is this event about that process (fork as child or parent, exec, exit, signal
 * sent or received)? */
bool view_event_involves(const struct view_ev *e, uint32_t pid);

/* One line describing an event: time, type, PIDs, what happened (argv quoted). */
void view_event_text(const struct view_ev *e, char *buf, size_t len);

/* ---- compare figures for one run ---- */

struct compare_stats {
	size_t procs; /* processes created (the root included) */
	size_t execs;
	size_t helpers;			     /* forkservers and resource trackers */
	size_t children;		     /* processes timed for start latency */
	uint64_t start_avg_ns, start_max_ns; /* fork to exec, or to its first own event (a
					      * fork, exec or signal of its own; not its exit) */
	uint64_t total_ns;
	size_t peak_live;
	uint64_t lost;
	uint64_t cpu_children_ns, cpu_helpers_ns, cpu_ns; /* on-CPU time: the multiprocessing
							   * children's, the helpers', all */
	double cores_busy;				  /* cpu_ns / total_ns */
	/* Python's account (the hook's ready facts): the real start of a child, from its
	 * fork to the moment its target (or worker loop) starts, over the children that said */
	size_t ready_children;
	uint64_t ready_median_ns, ready_max_ns;
	/* the forkserver's one-time cost: its own start to its first fork (it serves once its
	 * main module is preloaded); fsrv_timed false when no forkserver forked */
	bool fsrv_timed;
	uint64_t fsrv_once_ns;
};

void compare_compute(const struct session *s, struct compare_stats *out);

/* ---- Python's account of one process (the hook's facts, model/python.h) ---- */

/* The times of its start-up phases (names_py_phase order), 0 where not known: fork (not
 * when its start was not seen), exec, interpreter ready, main module imported, ready. */
void vpy_phases(const struct fs_proc *p, uint64_t at[FS_PY_PHASE_COUNT]);
/* The tasks it ran (a worker's), as model_task() numbers in the order told: the first max
 * in idx; returns how many there are. */
size_t vpy_tasks(const struct fs_model *m, const struct fs_proc *p, size_t *idx, size_t max);

/* How long after its own start a process first forked (a forkserver: when it first
 * served, its main module preloaded): false when it forked none that the model keeps. */
bool vpy_first_fork(const struct fs_model *m, const struct fs_proc *p, uint64_t *ns);

enum vpy_mark { VPY_NONE, VPY_TASK, VPY_READY };
/* Marks over its timeline bar, one per column of width: VPY_TASK where a task starts,
 * VPY_READY where its target starts (over a task in the same column). */
void vpy_marks(const struct fs_model *m, const struct fs_proc *p, const struct timeline *tl,
	       int width, unsigned char *out);
/* The same for n processes at once (the rows of a frame), in one pass over the tasks:
 * out[i * width ..] for procs[i]. The cost is the tasks kept times log n, not times n. */
void vpy_marks_rows(const struct fs_model *m, const struct fs_proc *const *procs, size_t n,
		    const struct timeline *tl, int width, unsigned char *out);

#endif
