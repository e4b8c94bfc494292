/* The model's digest after every event, written where $FORKSCOPE_DIGEST_LOG says: the
 * live == replay test runs a workload live and its recording through `tree`, and compares
 * the two logs line by line (docs/testing.md). Costs one test of a flag when unset. */
#ifndef FORKSCOPE_DIGEST_LOG_H
#define FORKSCOPE_DIGEST_LOG_H

#include "model/model.h"

/* After an event was applied: "event N DIGEST". */
void digest_log_event(const struct fs_model *m);
/* After the model was ended and finished: "end N DIGEST". */
void digest_log_end(const struct fs_model *m);

#endif
