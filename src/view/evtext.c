/* What the model made of a kept channel event, in words, for the event log (view.h). */
#include <stdlib.h>
#include <string.h>

#include "model/channel.h"
#include "output/fact_text.h"
#include "view/view.h"

#define EVTEXT_MAX 2048 /* a record's facts in words, joined; cut beyond */

/* Keep on v what m made of the record just applied (its channel counts were *before). */
static void evtext_note(struct evstore *s, struct view_ev *v, const struct fs_model *m,
			const struct fs_channel_stats *before)
{
	char *text = v->text ? NULL : malloc(EVTEXT_MAX), *fit;
	size_t n;

	if (!text)
		return;
	n = fact_text_record(m, before, " | ", text, EVTEXT_MAX);
	if (!n) {
		free(text);
		return;
	}
	fit = realloc(text, n + 1);
	if (fit)
		text = fit;
	v->text = text;
	s->bytes += n + 1;
}

int evstore_apply(struct evstore *s, size_t i, struct fs_model *m, const struct fs_event *ev)
{
	struct view_ev *v = i >= s->base && i - s->base < s->n ? &s->ev[i - s->base] : NULL;
	struct fs_channel_stats before;
	int rc;

	if (ev->type != FS_EV_CHANNEL || !v || v->type != FS_EV_CHANNEL)
		return model_apply(m, ev);
	before = *model_channel_stats(m);
	rc = model_apply(m, ev);
	if (rc == 0)
		evtext_note(s, v, m, &before);
	return rc;
}
