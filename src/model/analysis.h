/* Analyses over the process table: daemon kills and Pool worker recycling. */
#ifndef FORKSCOPE_ANALYSIS_H
#define FORKSCOPE_ANALYSIS_H

#include "model/model_internal.h"

/* Mark daemon kills from scratch (sets daemon_kill and stats.daemon_kills); idempotent. */
void analysis_daemon_kills(struct fs_model *m);
/* t leaves the table (retirement): count it when it is a daemon kill, or leave it pending
 * with its starter when that one may still make it one (by exiting without a new start). */
void analysis_daemon_retire(struct fs_model *m, const struct fs_proc *t);
/* Redo all Pool recycling from scratch in creation order; idempotent and deterministic.
 * After retirements: only match the kept replacements still without a worker. */
void analysis_recycling(struct fs_model *m);
/* Look for the worker that the new mp_child at idx replaces (live, while events arrive). */
void analysis_recycle_one(struct fs_model *m, int idx);
/* Undo idx's replacement (its role stopped being mp_child). */
void analysis_unrecycle(struct fs_model *m, int idx);

#endif
