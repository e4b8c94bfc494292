/* Playback and seeking: the replay clock moves the session's cursor (or follows a live
 * run), and the selection survives a seek by its process's serial. */
#include "tui/tui_internal.h"
#include "base/clock.h"

/* Playback of a replay or a finished run: advance the cursor with the clock. */
void tui_playback(struct tui_app *a)
{
	struct session *s = a->sess;
	uint64_t now = clock_monotonic_ns();
	bool following = a->live && !a->live_done && a->sess == &a->main_run.sess;

	if (following) {
		if (!a->paused && s->cursor != s->count)
			session_seek(s, s->count);
		a->play_t = session_now_ns(s);
	} else if (!a->paused) {
		double dt = (double)(now - a->last_tick_ns) * tui_speeds[a->speed_idx];

		a->play_t += (uint64_t)dt;
		session_seek_time(s, a->play_t);
		if (s->cursor == s->count && a->play_t >= session_total_ns(s)) {
			a->paused = true;
			a->play_t = session_total_ns(s);
		}
	}
	a->last_tick_ns = now;
}

/* The selection before the model changes: its process's serial (indexes may change). */
struct tui_sel tui_sel_save(const struct tui_app *a)
{
	struct tui_sel sel = {.sess = a->sess};
	const struct fs_proc *p =
	    a->sel_idx >= 0 ? model_proc(a->sess->model, (size_t)a->sel_idx) : NULL;

	if (p) {
		sel.serial = p->serial;
		sel.valid = true;
	}
	return sel;
}

/* After the model changed: the same process again (-1 when retired or not started yet). */
void tui_sel_restore(struct tui_app *a, const struct tui_sel *sel)
{
	if (sel->valid && sel->sess == a->sess)
		a->sel_idx = model_find_serial(a->sess->model, sel->serial);
}

/* Move the cursor to event cursor (older dropped events: a message), keeping the selection. */
void tui_seek(struct tui_app *a, size_t cursor)
{
	struct session *s = a->sess;
	struct tui_sel sel = tui_sel_save(a);

	if (session_seek(s, cursor) > 0)
		tui_message(a, "older events were dropped: cannot go back before event %zu",
			    session_first(s) + 1);
	tui_sel_restore(a, &sel);
	a->play_t = s->cursor_ns;
	if (s->cursor == s->count)
		a->play_t = session_total_ns(s);
}
