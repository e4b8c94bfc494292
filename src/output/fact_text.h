/* The channel's facts as lines for people, for the event lines of `run --no-tui` and the
 * UI's event log: the facts of Python's hook in words ("python: Pool worker
 * name=ForkPoolWorker-1 daemon=yes target=multiprocessing.pool.worker, Pool #1", "task 3
 * of job 0 done in 2.1 ms (1 item)"), any other fact as "fact KIND key=value ...", a
 * rejected record with its reason. Built from the model's decoded facts (model/channel.h),
 * never from the record's bytes; every string escaped, so the line is safe for a terminal. */
#ifndef FORKSCOPE_FACT_TEXT_H
#define FORKSCOPE_FACT_TEXT_H

#include <stddef.h>

#include "base/names.h"
#include "model/channel.h"
#include "model/model.h"

/* One fact in one line (no newline), m (may be NULL) naming the writer's pool. Returns the
 * length written (cut to len - 1). */
size_t fact_text(const struct fs_fact *ft, const struct fs_model *m, char *buf, size_t len);
/* A rejected record: "rejected: forged (names a process or a time (...))". */
size_t fact_text_rejected(enum fs_channel_reject why, char *buf, size_t len);
/* What the record just applied to m did, from the channel's counts before it: its facts (the
 * model's newest) each as fact_text, joined by sep, or its rejection; "" (0) when it
 * changed neither (not a channel event). */
size_t fact_text_record(const struct fs_model *m, const struct fs_channel_stats *before,
			const char *sep, char *buf, size_t len);

#endif
