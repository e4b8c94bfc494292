/* Recordings: the lines of threads and CPU time (schema 3), written and read:

 *   {"type":"thread","t_ns":N,"pid":TGID,"tid":TID,"creator_tid":N,...}
 *   {"type":"thread_exit","t_ns":N,"pid":TGID,"tid":TID,...}
 *   {"type":"run","t_ns":START,"end_ns":END,"pid":TGID,"tid":TID,"cpu":K,
 *    "left":"preempted"|"blocked"|"exited","cpu_ns":N,"switches":N}
 */
#include <string.h>

#include "record/record.h"
#include "record/record_internal.h"

#define RECORD_MAX_CPU 65535

static const char *const record_left_words[] = {
    [FS_LEFT_PREEMPTED] = "preempted",
    [FS_LEFT_BLOCKED] = "blocked",
    [FS_LEFT_EXITED] = "exited",
};

void record_add_thread_event(struct json_object *obj, const struct fs_event *ev, int *bad)
{
	static const char *const types[] = {
	    [FS_EV_THREAD] = "thread", [FS_EV_THREAD_EXIT] = "thread_exit", [FS_EV_RUN] = "run"};
	unsigned left = ev->left < 3 ? ev->left : FS_LEFT_PREEMPTED;

	record_add(obj, "type", json_object_new_string(types[ev->type]), false, bad);
	record_add(obj, "t_ns", json_object_new_uint64(ev->t_ns), false, bad);
	if (ev->type == FS_EV_RUN)
		record_add(obj, "end_ns", json_object_new_uint64(ev->end_ns), false, bad);
	record_add(obj, "pid", json_object_new_uint64(ev->pid), false, bad);
	record_add(obj, "tid", json_object_new_uint64(ev->tid), false, bad);
	switch (ev->type) {
	case FS_EV_THREAD:
		record_add(obj, "creator_tid", json_object_new_uint64(ev->target), false, bad);
		record_add(obj, "threads", json_object_new_uint64(ev->parent_threads), false, bad);
		record_add(obj, "comm", record_json_cstr(ev->comm, FS_COMM_LEN), false, bad);
		break;
	case FS_EV_THREAD_EXIT:
		record_add(obj, "comm", record_json_cstr(ev->comm, FS_COMM_LEN), false, bad);
		break;
	default:
		record_add(obj, "cpu", json_object_new_uint64(ev->cpu), false, bad);
		record_add(obj, "left", json_object_new_string(record_left_words[left]), false,
			   bad);
		record_add(obj, "cpu_ns", json_object_new_uint64(ev->cpu_ns), false, bad);
		record_add(obj, "switches", json_object_new_uint64(ev->switches), false, bad);
		break;
	}
}

uint32_t record_thread_type(const char *type)
{
	if (strcmp(type, "thread") == 0)
		return FS_EV_THREAD;
	if (strcmp(type, "thread_exit") == 0)
		return FS_EV_THREAD_EXIT;
	if (strcmp(type, "run") == 0)
		return FS_EV_RUN;
	return 0;
}

/* The "left" of a run line. */
static int record_parse_left(const struct record_ctx *c, struct json_object *obj, uint32_t *left)
{
	const char *s;
	size_t len;

	if (record_get_string(c, obj, "left", false, &s, &len) != 0)
		return -1;
	for (uint32_t i = 0; i < sizeof(record_left_words) / sizeof(record_left_words[0]); i++)
		if (strcmp(s, record_left_words[i]) == 0) {
			*left = i;
			return 0;
		}
	return record_fail(c, "field \"left\" must be \"preempted\", \"blocked\" or \"exited\"");
}

/* An optional integer field (a later addition). */
static int record_opt_u32(const struct record_ctx *c, struct json_object *obj, const char *key,
			  uint32_t *out)
{
	struct json_object *v;

	return json_object_object_get_ex(obj, key, &v) ? record_get_u32(c, obj, key, out) : 0;
}

int record_parse_thread_event(const struct record_ctx *c, struct json_object *obj,
			      struct fs_event *ev)
{
	struct json_object *v;
	uint64_t u;

	if (record_get_u32(c, obj, "tid", &ev->tid) != 0)
		return -1;
	switch (ev->type) {
	case FS_EV_THREAD:
		if (record_get_u32(c, obj, "creator_tid", &ev->target) != 0 ||
		    record_opt_u32(c, obj, "threads", &ev->parent_threads) != 0)
			return -1;
		break;
	case FS_EV_THREAD_EXIT:
		break;
	default:
		if (record_get_uint(c, obj, "end_ns", RECORD_MAX_NS, &u) != 0)
			return -1;
		ev->end_ns = u;
		if (ev->end_ns < ev->t_ns)
			return record_fail(c, "field \"end_ns\" is before \"t_ns\"");
		if (record_get_uint(c, obj, "cpu", RECORD_MAX_CPU, &u) != 0 ||
		    record_parse_left(c, obj, &ev->left) != 0 ||
		    record_opt_u32(c, obj, "switches", &ev->switches) != 0)
			return -1;
		ev->cpu = (uint32_t)u;
		ev->cpu_ns = ev->end_ns - ev->t_ns; /* without cpu_ns: all of it on the CPU */
		if (json_object_object_get_ex(obj, "cpu_ns", &v)) {
			if (record_get_uint(c, obj, "cpu_ns", RECORD_MAX_NS, &u) != 0)
				return -1;
			ev->cpu_ns = u;
		}
		if (!ev->switches)
			ev->switches = 1;
		break;
	}
	if (json_object_object_get_ex(obj, "comm", &v) &&
	    record_get_fixed(c, obj, "comm", ev->comm, FS_COMM_LEN) != 0)
		return -1;
	return 0;
}
