/* Shared state of the terminal UI between the input loop (app.c), the frame (draw.c), the
 * panes (pane_*.c) and the demo picker (picker.c). */
#ifndef FORKSCOPE_TUI_INTERNAL_H
#define FORKSCOPE_TUI_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "base/options.h"
#include "workload/live.h"
#include "view/view.h"
#include "view/theme.h"
#include "view/cpu.h"
#include "view/output.h"
#include "tui/lecture.h"

#define TUI_FRAME_NS 50000000ull /* at most 20 frames a second */

/* Colour pairs: one per meaning of view/theme.h's table (roles, children one per start
 * method, then the UI's own), in its order. */
enum tui_color {
	C_MAIN = TM_MAIN + 1,
	C_FORKSERVER = TM_FORKSERVER + 1,
	C_TRACKER = TM_TRACKER + 1,
	C_CHILD_FORK = TM_CHILD_FORK + 1,
	C_CHILD_SPAWN = TM_CHILD_SPAWN + 1,
	C_CHILD_FSRV = TM_CHILD_FSRV + 1,
	C_OTHER = TM_OTHER + 1,
	C_SIGNAL = TM_SIGNAL + 1,
	C_KILL = TM_KILL + 1,
	C_TITLE = TM_TITLE + 1,
	C_STATUS = TM_STATUS + 1,
	C_WARN = TM_WARN + 1,
	C_HEADER = TM_HEADER + 1,
	C_FOCUS = TM_FOCUS + 1,
	C_MATCH = TM_MATCH + 1,
	C_RUNNABLE = TM_RUNNABLE + 1, /* the timeline: waiting for a CPU */
	C_FAINT = TM_FAINT + 1,	      /* secondary text: A_DIM, or a grey that reads */
	C_STDERR = TM_STDERR + 1,
	C_PAPER = TM_PAPER + 1,
	C_COUNT = TM_COUNT + 1,
};

/* What the event log's place shows. */
enum tui_log_view {
	TUI_LOG_EVENTS, /* the event log */
	TUI_LOG_OUTPUT, /* the workload's output (pane_output.c) */
	TUI_LOG_BOTH,	/* the output's lines among the events, in time order */
};

enum tui_screen {
	SCR_MAIN,
	SCR_COMPARE,
	SCR_HELP,
};

struct tui_run_slot {
	struct session sess;
	bool used; /* sess initialised */
	bool done;
	char method[16];
	char error[256];
};

struct tui_app {
	/* where the events come from */
	bool live_mode;		       /* else a replay */
	const struct fs_cli *base_cli; /* the command line of the live run (or NULL) */
	struct fs_cli cli;	       /* copy with the current method */
	char method[16];	       /* "" = the program's default */
	struct fs_live *live;
	bool live_done;
	uint64_t poll_start_ns;
	uint64_t live_lost, live_elapsed_ns; /* of the running workload */
	/* now in the events' time base (they count from the trace's start, a little before
	 * live_elapsed_ns does): live_elapsed_ns + live_base_ns, measured at the root's fork */
	uint64_t live_now_ns, live_base_ns;
	bool live_base_set;
	uint64_t live_cap_hits; /* forks refused by the --max-procs cap */
	size_t live_max_procs;
	FILE *record;
	const char *record_path;
	struct fs_header rec_header; /* replay: the recording's header */
	char source_name[128];	     /* demo name, command or file */
	char file[512];		     /* replay: the recording's path (for X, the exports) */

	struct session *sess; /* what the main screen shows */
	struct tui_run_slot main_run;
	/* compare: fork, spawn, forkserver */
	struct tui_run_slot cmp[3];
	int cmp_active; /* slot being run, -1 none */
	bool cmp_requested;
	int cmp_view;	      /* the compare run the main screen shows (1-3 there), -1 none */
	int cmp_sel;	      /* the run Enter opens */
	int last_key;	      /* the key being handled (actions bound to several keys) */
	bool cmp_table_first; /* t: the table all its rows, the runs what is left */
	int cmp_zoom;	      /* the compare axis shows 1 / 2^cmp_zoom of the longest run */

	/* replay clock */
	bool paused;
	int speed_idx;
	uint64_t play_t; /* time position in the run */
	uint64_t last_tick_ns;

	/* views */
	enum tui_screen screen, back_screen;
	struct layout lay;
	struct vtree tree;
	struct timeline tl;
	struct evfilter filt;
	int focus;     /* enum pane */
	int maximized; /* pane or -1 */
	int sel_idx;   /* model index of the selected process, -1 none */
	int tree_top;
	int tree_rows;	/* rows of the tree and the timeline this frame */
	int tree_pitch; /* screen lines a row takes: 2 spaces out a tree that fits twice */
	size_t *fidx;	/* filtered event indexes */
	size_t nf, capf, f_scanned;
	size_t f_first; /* the session's first event in memory at the last refilter */
	struct session *f_sess;
	long ev_sel; /* position in fidx, -1: follow the cursor */
	int ev_top;
	int det_scroll;
	int help_top; /* the help's first line shown */
	enum tui_log_view log_view;
	struct vout out; /* the output pane's scroll */
	bool show_cpu;	 /* the CPU view instead of the event log and details */
	struct vcpu cpu; /* the session's runs, indexed (tui_frame_update) */
	char search[64];
	bool prompting;
	char prompt_buf[64];
	size_t prompt_len;

	struct tui_lecture lec; /* narration, lessons, step mode (tui/lecture.h) */

	/* why the workload's output is not captured (the output pane says it), "" when it is */
	char out_off[256];

	/* terminal */
	bool color, ascii;
	int theme;   /* enum theme_id (tui/theme.c) */
	bool no_dim; /* finished processes are not dimmed */
	char msg[256];
	uint64_t msg_until_ns;
	bool quit;
	bool back_to_picker; /* 'd' in a run started from the picker */
	bool from_picker;
	int status;	     /* exit status */
	int workload_status; /* the main run's workload's status (0..255); 0 until it exits */
	char error[512];     /* printed after endwin */
};

extern const double tui_speeds[];
extern const int tui_nspeeds;

/* draw.c: the frame, colours, legend, helpers (curses and the pure layers only, like the
 * pane_*.c files; tests/tui/bench_frame.c times them) */
/* theme.c: the colour pairs of the theme chosen (tui_theme_choose, tui.h) */
void tui_colors_init(struct tui_app *a);
/* Secondary text (A_DIM, or the projector's grey); attr made quieter (dimmed, or not bold
 * in the projector theme); a finished process's row from attr (softened unless --no-dim). */
int tui_faint(const struct tui_app *a);
int tui_soften(const struct tui_app *a, int attr);
int tui_done_attr(const struct tui_app *a, int attr);
void tui_hbar(const struct tui_app *a, int y, int x, int n, int attr);
/* Decide what the next frame shows (layout, tree rows and scroll, timeline scale, event
 * filter and scroll); call it right before tui_draw(). */
void tui_frame_update(struct tui_app *a);
/* Draw the current screen; changes no state. */
void tui_draw(const struct tui_app *a);
/* The run's time shown: its span so far and "now" (the end of running processes' bars).
 * Following a live run (not paused, not stepped back) they are the live clock, which
 * advances without events; else the session's. */
uint64_t tui_time_total(const struct tui_app *a);
uint64_t tui_time_now(const struct tui_app *a);
/* The colour pair of a role (for a child, of its start method). */
int tui_role_color(enum fs_role role, enum fs_method method);
int tui_proc_color(const struct fs_proc *p);
/* Attribute of a colour pair, or its monochrome stand-in. */
int tui_attr(const struct tui_app *a, int pair);
/* ASCII text clipped to w columns; a blank run of w columns. */
void tui_put(int y, int x, int w, int attr, const char *s);
void tui_fill(int y, int x, int w, int attr);
void tui_too_small(int cols, int rows);
void tui_pane_header(const struct tui_app *a, const struct rect *r, int pane, const char *text);
const struct fs_proc *tui_selected(const struct tui_app *a);
/* The role legend in colour at (y, x), within w columns (brief: short forms); its width.
 * tui_legend_width: the columns it needs; tui_role_width: the widest role's. */
int tui_draw_legend(const struct tui_app *a, int y, int x, int w, bool on_title, bool brief);
int tui_legend_width(bool brief);
int tui_role_width(bool brief);

/* the panes, each drawn from the state tui_frame_update() left */
bool tui_title_has_legend(const struct tui_app *a); /* pane_status.c */
void tui_draw_title(const struct tui_app *a);
void tui_draw_status(const struct tui_app *a);
void tui_draw_tree(const struct tui_app *a);	 /* pane_tree.c */
void tui_draw_timeline(const struct tui_app *a); /* pane_timeline.c */
/* pane_events.c: the filtered event list (incremental), then its selection and scroll;
 * the events before the cursor among them; one event's row (the output pane's too) */
void tui_refilter(struct tui_app *a);
size_t tui_visible_events(const struct tui_app *a);
void tui_events_update(struct tui_app *a);
void tui_draw_events(const struct tui_app *a);
void tui_draw_event_row(const struct tui_app *a, const struct view_ev *e, int y, bool selected);
/* pane_output.c: what the output pane shows (the app's state as a view/output.h source),
 * its scroll decided for the frame and moved by keys, its drawing */
void tui_output_src(const struct tui_app *a, struct vout_src *src);
void tui_output_update(struct tui_app *a);
void tui_output_scroll(struct tui_app *a, int delta);
void tui_draw_output(const struct tui_app *a);
void tui_draw_details(const struct tui_app *a); /* pane_details.c */
int tui_details_lines(const struct tui_app *a); /* its lines at the pane's width */
/* pane_help.c: the help's scroll kept within its text */
void tui_help_update(struct tui_app *a);
void tui_draw_help(const struct tui_app *a);
void tui_draw_compare(const struct tui_app *a); /* pane_compare.c */
void tui_draw_cpu(const struct tui_app *a);	/* pane_cpu.c */
/* pane_timeline.c: a row's states (running '#', runnable '-', blocked '.') over its bar */
void tui_draw_states(const struct tui_app *a, uint32_t pid, uint32_t tid, uint64_t from,
		     uint64_t to, int y, int attr);

/* app.c */
void tui_message(struct tui_app *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
bool tui_curses_start(struct tui_app *a);
void tui_curses_stop(void);
int tui_live_loop(struct tui_app *a);

/* feed.c: the live run, the recording, compare runs */
#define TUI_IDLE_MS 25			    /* a loop turn's wait when no live run is polled */
extern const enum fs_method tui_methods[3]; /* the compare order; 'm' cycles through them */
void tui_slot_reset(struct tui_run_slot *s);
/* Stop a live run now: whatever remains is killed and reaped. */
void tui_live_kill(struct tui_app *a);
void tui_record_close(struct tui_app *a, bool write_end);
/* A fresh main run with a->method; 0, or -1 (*usage: the user's input is at fault). */
int tui_main_begin(struct tui_app *a, bool *usage);
/* One turn of the live run: events, reaping, the end of the run. */
void tui_live_turn(struct tui_app *a);
void tui_compare_start(struct tui_app *a);
/* A compare run in the full UI (k 0-2), and back to the comparison from it. */
void tui_compare_open(struct tui_app *a, int k);
void tui_compare_back(struct tui_app *a);
void tui_rerun(struct tui_app *a);

/* playback.c: the replay clock, seeking; the selection kept across model changes */
struct tui_sel {
	const struct session *sess;
	uint64_t serial;
	bool valid;
};
struct tui_sel tui_sel_save(const struct tui_app *a);
void tui_sel_restore(struct tui_app *a, const struct tui_sel *sel);
void tui_playback(struct tui_app *a);
void tui_seek(struct tui_app *a, size_t cursor);

/* export_key.c: X, the run shown in every export format (the status line says where) */
void tui_export(struct tui_app *a);

/* keys.c: one key of the input loop; the help screen's lines of keys, from the tables */
void tui_key(struct tui_app *a, int ch);
int tui_help_key_count(void);
/* Key line i of the help (0 <= i < tui_help_key_count()): a section title (*heading) or
 * the keys and what they do. */
void tui_help_key_line(int i, char *buf, size_t len, bool *heading);
/* The help screen's own keys (they scroll it), for its last line. */
void tui_help_scroll_keys(char *buf, size_t len);

/* mouse.c: reports on (clicks, the wheel); one report (KEY_MOUSE) handled */
void tui_mouse_start(void);
void tui_mouse(struct tui_app *a);

/* search.c: the search prompt and finding the next matching process */
void tui_prompt_key(struct tui_app *a, int ch);
void tui_find_next(struct tui_app *a);

/* navigate.c: movement in the focused pane */
int tui_page(const struct tui_app *a); /* rows in a page of the focused pane */
void tui_key_move(struct tui_app *a, int delta);
void tui_key_side(struct tui_app *a, bool right); /* tree: fold/unfold; timeline: pan */
/* Zoom the timeline by factor around the selected process's start, else the middle. */
void tui_zoom(struct tui_app *a, double factor);
/* Focus the pane step places on (a maximized pane follows the focus). */
void tui_focus_step(struct tui_app *a, int step);

#endif
