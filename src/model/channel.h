/* The channel from the workload to the trace: records a traced thread writes to
 * FS_CHANNEL_FD (base/event.h), copied by the kernel with the writer's PID, TID and time.
 * The bytes are hostile: model/channel.c validates each record whole, and a record that
 * fails any check is rejected (counted by reason), never half applied. Format: docs/channel.md. */
#ifndef FORKSCOPE_MODEL_CHANNEL_H
#define FORKSCOPE_MODEL_CHANNEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "model/model.h"

#define FS_FACT_MAX_FACTS 32   /* facts in one record */
#define FS_FACT_MAX_FIELDS 16  /* fields in one fact, "fact" included */
#define FS_FACT_MAX_KEY 32     /* bytes of a key: [a-z_][a-z0-9_]* */
#define FS_FACT_MAX_STRING 512 /* bytes of a string value (valid UTF-8) */
/* The model keeps about this many bytes of facts, dropping the oldest (counted). */
#define FS_FACT_KEEP_BYTES (4u * 1024u * 1024u)

enum fs_fact_value_type {
	FS_FACT_STRING = 1,
	FS_FACT_INT,
	FS_FACT_BOOL,
	FS_FACT_NULL,
};

struct fs_fact_field {
	char key[FS_FACT_MAX_KEY + 1];
	enum fs_fact_value_type type;
	int64_t i; /* FS_FACT_INT; FS_FACT_BOOL: 0 or 1 */
	char *s;   /* FS_FACT_STRING, NUL-terminated (no NUL inside: rejected) */
};

/* One fact a process told about itself: {"fact":"<kind>", key: value, ...}. */
struct fs_fact {
	uint64_t t_ns;	 /* the kernel's time of the write */
	uint64_t serial; /* the writer process's fs_proc.serial */
	uint32_t pid;	 /* the writer's TGID, from the kernel, never from the record */
	uint32_t tid;
	char kind[FS_FACT_MAX_KEY + 1];
	size_t nfields; /* the fields after "fact", in the record's order */
	struct fs_fact_field fields[FS_FACT_MAX_FIELDS];
};

/* Why a record was rejected: enum fs_channel_reject in base/names.h (with its words,
 * names_channel_reject), the index into fs_channel_stats.rejected. */

struct fs_channel_stats {
	uint64_t records;  /* channel events applied */
	uint64_t accepted; /* records accepted */
	uint64_t facts;	   /* facts they carried */
	uint64_t rejected[FS_CHANNEL_REJECT_COUNT];
	uint64_t facts_forgotten; /* oldest facts dropped to keep FS_FACT_KEEP_BYTES */
};

/* Decode one record (the bytes after the kernel, len <= FS_CHANNEL_MAX) into facts,
 * without the writer (t_ns, pid, tid, serial left 0). Returns the number of facts (>= 1)
 * with *out owning them (free with channel_facts_free), or -1 with *why set (to
 * FS_CHANNEL_REJECT_COUNT when it ran out of memory: no rejection). Pure: the fuzz harness
 * calls it directly. */
int channel_decode(const char *buf, size_t len, struct fs_fact **out, enum fs_channel_reject *why);
void channel_facts_free(struct fs_fact *facts, size_t n);

/* Facts kept, in arrival order: model_fact(m, i) for i < model_fact_count(m); valid until
 * the next model_apply(). A process's own facts: filter on serial. */
size_t model_fact_count(const struct fs_model *m);
const struct fs_fact *model_fact(const struct fs_model *m, size_t i);
const struct fs_channel_stats *model_channel_stats(const struct fs_model *m);

#endif
