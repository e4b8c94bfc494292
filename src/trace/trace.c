/* User-space half of the tracer: libbpf skeleton, ring buffer, lost counters. */
#include <errno.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <unistd.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "forkscope.skel.h"
#include "trace/capture.h"
#include "trace/trace.h"
#include "base/clock.h"

struct fs_trace {
	struct forkscope_bpf *skel;
	struct ring_buffer *rb;
	fs_trace_cb cb;
	void *ctx;
	uint64_t base_ns;
	bool all;
	uint32_t launched; /* with --all: the tracked root, whose fork the kernel saw too */
	struct fs_capture *capture; /* output and channel (NULL when they could not load) */
	char capture_error[256];    /* why not, or "" */
	int epoll_fd;		    /* both ring buffers and a watched fd */
	struct fs_event scratch;
};

/* The last libbpf message, kept to explain a failure; libbpf never prints itself. */
static char libbpf_last[256];

static int trace_libbpf_print(enum libbpf_print_level level, const char *fmt, va_list args)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	vsnprintf(libbpf_last, sizeof(libbpf_last), fmt, args);
	libbpf_last[strcspn(libbpf_last, "\n")] = '\0';
	return 0;
}

/* An exit or thread_exit that carries its thread's last run (FS_F_LAST_RUN): the run is
 * delivered first, as its own event, then ev goes on without it. */
static int trace_deliver_last_run(struct fs_trace *t, struct fs_event *ev)
{
	struct fs_event run;
	int rc = 0;

	memset(&run, 0, FS_EVENT_HEAD_SIZE);
	run.type = FS_EV_RUN;
	run.pid = ev->pid;
	run.tid = ev->tid;
	run.t_ns = ev->run_start_ns >= t->base_ns ? ev->run_start_ns - t->base_ns : 0;
	run.end_ns = ev->end_ns;
	run.cpu_ns = ev->cpu_ns;
	run.cpu = ev->cpu;
	run.left = ev->left;
	run.switches = ev->switches;
	if (t->cb)
		rc = t->cb(t->ctx, &run);
	ev->flags &= ~(uint32_t)FS_F_LAST_RUN;
	ev->run_start_ns = ev->end_ns = ev->cpu_ns = 0;
	ev->cpu = ev->left = ev->switches = 0;
	return rc;
}

/* Deliver one record of either ring buffer: copied into a whole event, its time made
 * relative. */
static int trace_deliver(void *ctx, const void *data, size_t size)
{
	struct fs_trace *t = ctx;
	struct fs_event *ev = &t->scratch;

	if (size < FS_EVENT_BASE_SIZE)
		return 0;
	if (size > sizeof(*ev))
		size = sizeof(*ev);
	memcpy(ev, data, size);
	if (size < FS_EVENT_HEAD_SIZE) { /* a record with no file name nor payload */
		ev->filename[0] = '\0';
		ev->args_len = 0;
	} else if (ev->args_len > size - FS_EVENT_HEAD_SIZE) {
		ev->args_len = (uint32_t)(size - FS_EVENT_HEAD_SIZE);
	}
	ev->comm[FS_COMM_LEN - 1] = '\0';
	ev->filename[FS_FILENAME_LEN - 1] = '\0';
	ev->t_ns = ev->t_ns >= t->base_ns ? ev->t_ns - t->base_ns : 0;
	if (ev->type == FS_EV_RUN || (ev->flags & FS_F_LAST_RUN))
		ev->end_ns = ev->end_ns >= t->base_ns ? ev->end_ns - t->base_ns : 0;
	if (ev->flags & FS_F_LAST_RUN) {
		int rc = trace_deliver_last_run(t, ev);

		if (rc)
			return rc;
	}
	/* the launcher reports the root's fork itself (it happens before tracking starts);
	 * with --all the kernel sees it too: a second fork of a live PID would read as PID
	 * reuse and the root would lose its exit */
	if (t->launched && ev->type == FS_EV_FORK && ev->pid == t->launched) {
		t->launched = 0;
		return 0;
	}
	return t->cb ? t->cb(t->ctx, ev) : 0;
}

/* Main ring buffer callback: the output records written before this one go first (the
 * two buffers merged in time order), then this one. */
static int trace_on_sample(void *ctx, void *data, size_t size)
{
	struct fs_trace *t = ctx;
	uint64_t t_ns;
	int early = 0, rc;

	if (t->capture && size >= sizeof(t_ns)) {
		memcpy(&t_ns, data, sizeof(t_ns));
		early = capture_consume(t->capture, t_ns);
	}
	rc = trace_deliver(t, data, size); /* taken from the buffer whatever happens */
	return early < 0 ? early : rc;
}

/* The output programs beside the tracer, when asked and when this kernel allows them;
 * else the reason is kept (trace_capture_error) and the trace goes on without them. */
static void trace_open_capture(struct fs_trace *t, const struct fs_trace_opts *opts)
{
	struct epoll_event ee = {.events = EPOLLIN};

	t->epoll_fd = epoll_create1(EPOLL_CLOEXEC);
	if (t->epoll_fd >= 0) {
		ee.data.fd = ring_buffer__epoll_fd(t->rb);
		epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, ee.data.fd, &ee);
	}
	if (!opts->channel && !opts->capture_output)
		return;
	t->capture =
	    capture_open(bpf_map__fd(t->skel->maps.runs), bpf_map__fd(t->skel->maps.run_filter),
			 trace_deliver, t, t->capture_error, sizeof(t->capture_error));
	if (t->capture && t->epoll_fd >= 0) {
		ee.data.fd = capture_ring_fd(t->capture);
		epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, ee.data.fd, &ee);
	}
}

/* Say what is missing when the programs cannot be loaded. */
static void trace_explain(int error, char *err, size_t errlen)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		snprintf(
		    err, errlen,
		    "the kernel has no BTF (/sys/kernel/btf/vmlinux): forkscope needs a kernel "
		    "built with CONFIG_DEBUG_INFO_BTF=y");
	else if (error == EPERM || error == EACCES)
		snprintf(err, errlen,
			 "not allowed to load BPF programs: run as root (sudo) or grant "
			 "CAP_BPF and CAP_PERFMON (setcap cap_bpf,cap_perfmon+ep forkscope)");
	else
		snprintf(err, errlen, "cannot load the BPF tracer: %s%s%s", strerror(error),
			 libbpf_last[0] ? ": " : "", libbpf_last);
}

struct fs_trace *trace_open(const struct fs_trace_opts *opts, fs_trace_cb cb, void *ctx, char *err,
			    size_t errlen)
{
	struct fs_trace *t = calloc(1, sizeof(*t));
	size_t rb_bytes;
	int rc = 0;

	libbpf_set_print(trace_libbpf_print);
	if (!t) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	t->cb = cb;
	t->ctx = ctx;
	t->epoll_fd = -1;
	t->skel = forkscope_bpf__open();
	if (!t->skel) {
		rc = errno ? errno : EINVAL;
		goto fail;
	}
	t->skel->rodata->trace_all = opts->all;
	t->all = opts->all;
	rb_bytes = (opts->ringbuf_kb ? opts->ringbuf_kb : 4096) * 1024;
	/* the ring buffer must be a power of two pages */
	{
		size_t p = (size_t)sysconf(_SC_PAGESIZE);
		while (p < rb_bytes)
			p <<= 1;
		rb_bytes = p;
	}
	bpf_map__set_max_entries(t->skel->maps.events, (uint32_t)rb_bytes);
	/* batch wake-ups: a quarter of the buffer, at most 256 KiB; polls catch the rest */
	t->skel->rodata->wakeup_bytes = rb_bytes / 4 < 256 * 1024 ? rb_bytes / 4 : 256 * 1024;
	rc = -forkscope_bpf__load(t->skel);
	if (rc)
		goto fail;
	rc = -forkscope_bpf__attach(t->skel);
	if (rc)
		goto fail;
	t->rb = ring_buffer__new(bpf_map__fd(t->skel->maps.events), trace_on_sample, t, NULL);
	if (!t->rb) {
		rc = errno ? errno : EINVAL;
		goto fail;
	}
	trace_open_capture(t, opts);
	t->base_ns = clock_monotonic_ns();
	return t;
fail:
	trace_explain(rc, err, errlen);
	trace_close(t);
	return NULL;
}

/* The CPU time pid has used so far by the scheduler's count (/proc/PID/schedstat), 0 when
 * unknown: where the kernel starts counting the runs of a process it did not see fork. */
static uint64_t trace_cpu_so_far(uint32_t pid)
{
	char path[64];
	unsigned long long ns = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%u/schedstat", pid);
	f = fopen(path, "re");
	if (f) {
		if (fscanf(f, "%llu", &ns) != 1)
			ns = 0;
		fclose(f);
	}
	return ns;
}

int trace_track(struct fs_trace *t, uint32_t pid)
{
	uint32_t idx = pid % FS_PROC_SLOTS;
	uint64_t held = 0, tgid = pid;

	if (bpf_map__lookup_elem(t->skel->maps.tracked, &idx, sizeof(idx), &held, sizeof(held),
				 0) != 0)
		return -errno;
	if (held)
		return held == tgid ? -EEXIST : -EBUSY;
	if (bpf_map__update_elem(t->skel->maps.tracked, &idx, sizeof(idx), &tgid, sizeof(tgid),
				 BPF_ANY) != 0)
		return -errno;
	__atomic_fetch_add(&t->skel->bss->tracked_live, 1, __ATOMIC_RELAXED);
	{
		struct fs_run_state rs = {
		    .tgid = pid, .tid = pid, .last_sum = trace_cpu_so_far(pid)};
		uint32_t slot = pid % FS_RUN_SLOTS;

		/* its runs are followed from its first time on a CPU (its exec) */
		if (bpf_map__update_elem(t->skel->maps.runs, &slot, sizeof(slot), &rs, sizeof(rs),
					 BPF_ANY) != 0)
			__atomic_fetch_add(&t->skel->bss->untracked_runs, 1, __ATOMIC_RELAXED);
	}
	if (t->all)
		t->launched = pid;
	return 0;
}

int trace_poll(struct fs_trace *t, int timeout_ms)
{
	struct epoll_event ee[4];

	if (t->epoll_fd < 0) {
		int n = ring_buffer__poll(t->rb, timeout_ms);

		if (n < 0 && n != -EINTR)
			return n;
	} else if (epoll_wait(t->epoll_fd, ee, 4, timeout_ms) < 0 && errno != EINTR) {
		return -errno;
	}
	/* the kernel batches wake-ups: after a timeout, read what is pending anyway */
	return trace_drain(t);
}

int trace_drain(struct fs_trace *t)
{
	int n = ring_buffer__consume(t->rb), more;

	if (n < 0)
		return n;
	more = capture_consume(t->capture, UINT64_MAX);
	return more < 0 ? more : n + more;
}

int trace_finish(struct fs_trace *t)
{
	int n = trace_drain(t);

	if (n >= 0)
		n += capture_report_dropped(t->capture, clock_monotonic_ns());
	return n;
}

int trace_watch_fd(struct fs_trace *t, int fd)
{
	struct epoll_event ee = {.events = EPOLLIN, .data.fd = fd};

	if (t->epoll_fd < 0)
		return -ENOSYS;
	return epoll_ctl(t->epoll_fd, EPOLL_CTL_ADD, fd, &ee) == 0 ? 0 : -errno;
}

int trace_capture_output(struct fs_trace *t, uint64_t ino, uint32_t dev, char *err, size_t errlen)
{
	if (!t->capture) {
		snprintf(err, errlen, "%s", t->capture_error);
		return -ENOSYS;
	}
	return capture_output(t->capture, ino, dev, err, errlen);
}

const char *trace_capture_error(const struct fs_trace *t)
{
	return t->capture_error[0] ? t->capture_error : NULL;
}

bool trace_capturing(const struct fs_trace *t)
{
	return capture_capturing(t->capture);
}

uint64_t trace_output_lost(const struct fs_trace *t)
{
	return capture_lost(t->capture);
}

uint64_t trace_lost(const struct fs_trace *t)
{
	return __atomic_load_n(&t->skel->bss->lost_events, __ATOMIC_RELAXED);
}

int trace_set_cgroup(struct fs_trace *t, uint64_t cgid)
{
	struct fs_run_filter f = {.cgid = cgid};
	uint32_t zero = 0;

	if (bpf_map__update_elem(t->skel->maps.run_filter, &zero, sizeof(zero), &f, sizeof(f),
				 BPF_ANY) != 0)
		return -errno;
	return 0;
}

uint64_t trace_untracked_runs(const struct fs_trace *t)
{
	return __atomic_load_n(&t->skel->bss->untracked_runs, __ATOMIC_RELAXED);
}

uint64_t trace_untracked(const struct fs_trace *t)
{
	return __atomic_load_n(&t->skel->bss->untracked_forks, __ATOMIC_RELAXED);
}

uint64_t trace_base_ns(const struct fs_trace *t)
{
	return t->base_ns;
}

int trace_map_for_each_pid(int map_fd, int limit, void (*fn)(void *ctx, uint32_t pid), void *ctx)
{
	struct bpf_map_info info;
	uint32_t len = sizeof(info);
	const volatile uint64_t *slot;
	size_t bytes;
	int n = 0;

	memset(&info, 0, sizeof(info));
	if (map_fd < 0 || bpf_obj_get_info_by_fd(map_fd, &info, &len) != 0 ||
	    info.value_size != sizeof(uint64_t))
		return 0;
	/* the slots are read in place: processes come and go while we walk */
	bytes = (size_t)info.max_entries * sizeof(uint64_t);
	slot = mmap(NULL, bytes, PROT_READ, MAP_SHARED, map_fd, 0);
	if (slot == MAP_FAILED)
		return 0;
	for (uint32_t i = 0; i < info.max_entries && n < limit; i++) {
		uint64_t pid = slot[i];

		if (pid && pid <= UINT32_MAX) {
			fn(ctx, (uint32_t)pid);
			n++;
		}
	}
	munmap((void *)slot, bytes);
	return n;
}

int trace_for_each_tracked(struct fs_trace *t, void (*fn)(void *ctx, uint32_t pid), void *ctx)
{
	return trace_map_for_each_pid(bpf_map__fd(t->skel->maps.tracked), (int)FS_PROC_SLOTS, fn,
				      ctx);
}

int trace_tracked_fd(const struct fs_trace *t)
{
	return bpf_map__fd(t->skel->maps.tracked);
}

void trace_close(struct fs_trace *t)
{
	if (!t)
		return;
	capture_close(t->capture);
	if (t->epoll_fd >= 0)
		close(t->epoll_fd);
	ring_buffer__free(t->rb);
	forkscope_bpf__destroy(t->skel);
	free(t);
}
