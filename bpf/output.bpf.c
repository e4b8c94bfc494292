// SPDX-License-Identifier: GPL-2.0
/* forkscope kernel side, second object: the workload's output and its channel to the
 * trace (docs/output.md, docs/channel.md). One program, at sys_exit: the saved registers
 * still hold the system call's number and arguments, and its result is known. A write or
 * writev of a thread of the subtree to fd 1 or 2, when that fd is forkscope's pty, has the
 * bytes it wrote (the result) copied into FS_EV_OUTPUT events; a write(FS_CHANNEL_FD, ...),
 * which failed by itself with EBADF, is copied into an FS_EV_CHANNEL event. One program
 * instead of a sys_enter/sys_exit pair halves what every system call of the machine pays
 * while it is attached (bench/RESULTS.md). A thread outside the workload's cgroup costs a
 * few loads and no lookup (forkscope.bpf.c keeps the subtree's threads in `runs`). */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "base/event.h"
#include "comm.bpf.h"
#include "slots.bpf.h"
#include "wakeup.bpf.h"

#if defined(__TARGET_ARCH_x86)
#define NR_WRITE 1
#define NR_WRITEV 20
#define SYSCALL_NR(regs) ((regs)->orig_ax)
#elif defined(__TARGET_ARCH_arm64)
#define NR_WRITE 64
#define NR_WRITEV 66
#define SYSCALL_NR(regs) ((regs)->syscallno)
#else
#error "output.bpf.c knows the write/writev numbers of x86_64 and arm64 only"
#endif

#define WRITE_MAX_IOV 8 /* writev: the iovecs read (the rest of a write is cut) */
#define WRITE_MAX_BYTES (FS_OUTPUT_CHUNK * FS_OUTPUT_CHUNKS_PER_WRITE)
/* What one write costs against the rate bound besides its bytes: a flood of tiny writes
 * is bounded in events too (docs/output.md). */
#define WRITE_COST 64
#define NS_PER_SEC 1000000000ull
/* The token bucket counts byte-nanoseconds: refills need no division and lose nothing. */
#define BUCKET_FULL (FS_OUTPUT_BYTES_PER_SEC * NS_PER_SEC)

char LICENSE[] SEC("license") = "GPL";

/* Wake the reader only once this much is pending (0: at every event). */
const volatile __u64 wakeup_bytes = 0;

/* The pty whose slave is the workload's stdout and stderr, set by user space once it is
 * made (0: no output is captured): inode number and device of the devpts file. */
__u64 pty_ino = 0;
__u32 pty_dev = 0;
__u64 pty_inode = 0; /* the address of the slave's inode, once seen (fd_is_pty) */
/* Events the ring buffer could not take (never lose one silently). */
__u64 output_lost = 0;
/* Bytes the rate bound dropped since the last output event (the next one carries them),
 * and the last write dropped: user space reports what no event carried at the end. */
__u64 dropped_pending = 0;
__u64 dropped_writer = 0; /* bpf_get_current_pid_tgid() of it */
__u32 dropped_fd = 0;

/* A write to the pty, read off the saved registers at sys_exit. */
struct pending_write {
	__u64 buf;   /* write: the buffer; writev: the iovec array */
	__u64 count; /* write: bytes asked; writev: iovecs */
	__u32 fd;
	__u32 nr; /* NR_WRITE or NR_WRITEV */
};

/* Its own ring buffer: an output flood never makes a fork or an exit get lost. */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4 * 1024 * 1024);
} out_events SEC(".maps");

/* Where the copy of one write stands: the current span (the buffer, or one iovec), the
 * event being filled, and what is left to carry. */
struct walk {
	__u64 base;  /* user address of the span's next byte */
	__u64 span;  /* bytes left in the span */
	__u64 left;  /* bytes of the write left to carry */
	__u64 iov;   /* writev: the iovec array */
	__u32 niov;  /* writev: iovecs not read yet */
	__u32 next;  /* writev: the next iovec */
	__u32 pos;   /* bytes in the event being filled */
	bool failed; /* a read failed: the rest is cut */
};

/* Scratch space per CPU: the event being filled (too large for the stack) and the walk
 * over the write (in the map, so that the verifier checks the loop's body once). */
struct scratch {
	struct fs_event ev;
	struct walk w;
	__u64 dropped; /* carried by the event being filled, until it is sent */
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} out_scratch SEC(".maps");

/* The rate bound of the whole workload: a token bucket of FS_OUTPUT_BYTES_PER_SEC. */
struct out_bucket_state {
	struct bpf_spin_lock lock;
	__u64 tokens;  /* byte-nanoseconds */
	__u64 last_ns; /* last refill, 0 before the first write */
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct out_bucket_state);
} out_bucket SEC(".maps");

/* Whether the current thread is one of the subtree's: a thread of another cgroup costs a
 * few loads (slots.bpf.h's pre-filter), one of the workload's a look at its slot. */
static __always_inline bool in_subtree(struct task_struct *task)
{
	return maybe_followed(task, filter_cgid()) && run_state_of(task);
}

/* The fixed head of an event of the current thread. */
static __always_inline void event_head(struct fs_event *e, __u32 type, __u64 id)
{
	e->t_ns = bpf_ktime_get_ns();
	e->clone_flags = 0;
	e->end_ns = 0;
	e->cpu_ns = 0;
	e->cpu = 0;
	e->left = 0;
	e->switches = 0;
	e->fd = 0;
	e->cut = 0;
	e->pad = 0;
	e->dropped = 0;
	e->run_start_ns = 0;
	e->type = type;
	e->pid = id >> 32;
	e->ppid = 0;
	e->tid = (__u32)id;
	e->target = 0;
	e->sig = 0;
	e->exit_code = 0;
	e->parent_threads = 0;
	e->flags = 0;
	e->sig_result = 0;
	e->args_len = 0;
	e->subtree_live = 0;
	e->filename[0] = '\0';
	comm_copy(e->comm, bpf_get_current_task_btf());
}

static __always_inline int emit(struct fs_event *e, __u32 len)
{
	len &= 2 * FS_OUTPUT_CHUNK - 1; /* the verifier's bound; len <= FS_OUTPUT_CHUNK */
	e->args_len = len;
	if (bpf_ringbuf_output(
		&out_events, e, FS_EVENT_HEAD_SIZE + len,
		wakeup_flags(&out_events, wakeup_bytes, FS_EVENT_HEAD_SIZE + len, false)) != 0) {
		__sync_fetch_and_add(&output_lost, 1);
		return -1;
	}
	return 0;
}

/* A record written to the channel: copied whole, or its length only when oversized. */
static __always_inline void channel_record(__u64 buf, __u64 n)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&out_scratch, &zero);
	struct fs_event *e;

	if (!s)
		return;
	e = &s->ev;
	event_head(e, FS_EV_CHANNEL, bpf_get_current_pid_tgid());
	if (n > FS_CHANNEL_MAX) {
		e->cut = n > 0xffffffffull ? 0xffffffffu : (__u32)n;
		n = 0;
	}
	n &= 2 * FS_CHANNEL_MAX - 1;
	/* an unreadable buffer arrives empty (the model rejects it) */
	if (n && bpf_probe_read_user(e->args, n, (const void *)buf) != 0)
		n = 0;
	emit(e, (__u32)n);
}

/* Whether fd of the current task is the pty's slave (same inode on the same devpts). The
 * slave's inode is learnt at its first match: forkscope keeps the slave open for the whole
 * run, so that inode cannot be freed, nor its address reused, meanwhile; a match of the
 * address spares the reads of its number and device. */
static __always_inline bool fd_is_pty(struct task_struct *task, __u32 fd)
{
	struct files_struct *files = task->files;
	struct fdtable *fdt;
	struct file *f = NULL;
	struct inode *inode;

	if (!files)
		return false;
	fdt = files->fdt;
	if (!fdt || fd >= fdt->max_fds)
		return false;
	if (bpf_probe_read_kernel(&f, sizeof(f), &fdt->fd[fd]) != 0 || !f)
		return false;
	inode = BPF_CORE_READ(f, f_inode);
	if (inode && (__u64)inode == pty_inode)
		return true;
	if (!inode || BPF_CORE_READ(inode, i_ino) != pty_ino ||
	    BPF_CORE_READ(inode, i_sb, s_dev) != pty_dev)
		return false;
	pty_inode = (__u64)inode;
	return true;
}

/* The bucket refilled up to now: what it held at its last refill (tokens, at last_ns)
 * plus the time since. */
static __always_inline __u64 bucket_level(__u64 tokens, __u64 last_ns, __u64 now)
{
	__u64 elapsed = !last_ns ? NS_PER_SEC : now > last_ns ? now - last_ns : 0;

	if (elapsed > NS_PER_SEC)
		elapsed = NS_PER_SEC;
	tokens += elapsed * FS_OUTPUT_BYTES_PER_SEC;
	return tokens < BUCKET_FULL ? tokens : BUCKET_FULL;
}

/* A write's bytes dropped: counted for the next output event. */
static __always_inline void bucket_drop(__u64 written, __u32 fd)
{
	__sync_fetch_and_add(&dropped_pending, written);
	dropped_writer = bpf_get_current_pid_tgid();
	dropped_fd = fd;
}

/* Take `cost` bytes from the bucket, refilled for the time since the last take. On
 * success *dropped gets (and the count forgets) the bytes dropped since the last grant;
 * else the write's `written` bytes are dropped. A write the bucket cannot pay for is
 * refused without the lock (the flood's common case); a grant takes it. */
static __always_inline bool bucket_take(__u64 cost, __u64 written, __u32 fd, __u64 *dropped)
{
	__u32 zero = 0;
	struct out_bucket_state *b = bpf_map_lookup_elem(&out_bucket, &zero);
	__u64 now = bpf_ktime_get_ns(), d;
	bool ok = false;

	if (!b)
		return false;
	if (bucket_level(b->tokens, b->last_ns, now) >= cost * NS_PER_SEC) {
		bpf_spin_lock(&b->lock);
		b->tokens = bucket_level(b->tokens, b->last_ns, now);
		if (now > b->last_ns)
			b->last_ns = now;
		if (b->tokens >= cost * NS_PER_SEC) {
			b->tokens -= cost * NS_PER_SEC;
			ok = true;
		}
		bpf_spin_unlock(&b->lock);
	}
	if (!ok) {
		bucket_drop(written, fd);
		return false;
	}
	d = dropped_pending;
	__sync_fetch_and_add(&dropped_pending, -d); /* what others add meanwhile stays */
	*dropped = d;
	return true;
}

/* Give back a dropped count whose event was lost, so that the next one carries it. */
static __always_inline void bucket_untake(__u64 dropped)
{
	if (dropped)
		__sync_fetch_and_add(&dropped_pending, dropped);
}

/* One step: read the next iovec when the span is done, or copy a piece of the span
 * into the event (sending it first when full). Returns false when the walk is over. */
static __always_inline bool walk_step(struct walk *w, struct fs_event *e, __u64 *sent_dropped)
{
	__u64 n;
	__u32 pos;

	if (!w->left || w->failed)
		return false;
	if (!w->span) {
		struct iovec v;

		if (!w->niov || w->next >= WRITE_MAX_IOV)
			return false;
		if (bpf_probe_read_user(&v, sizeof(v),
					(const void *)(w->iov + w->next * sizeof(v))) != 0) {
			w->failed = true;
			return false;
		}
		w->next++;
		w->niov--;
		w->base = (__u64)v.iov_base;
		w->span = v.iov_len < w->left ? v.iov_len : w->left;
		return true;
	}
	if (w->pos >= FS_OUTPUT_CHUNK) {
		if (emit(e, FS_OUTPUT_CHUNK) != 0)
			bucket_untake(*sent_dropped);
		*sent_dropped = 0;
		e->dropped = 0;
		w->pos = 0;
	}
	n = FS_OUTPUT_CHUNK - w->pos;
	if (n > w->span)
		n = w->span;
	if (n > FS_OUTPUT_CHUNK)
		n = FS_OUTPUT_CHUNK;
	pos = w->pos;
	barrier_var(pos); /* the compiler knows pos < FS_OUTPUT_CHUNK; the verifier must too */
	pos &= FS_OUTPUT_CHUNK - 1;
	if (bpf_probe_read_user(e->args + pos, n, (const void *)w->base) != 0) {
		w->failed = true;
		return false;
	}
	w->pos = pos + (__u32)n;
	w->base += n;
	w->span -= n;
	w->left -= n;
	return true;
}

/* Steps of one write: at most WRITE_MAX_IOV iovecs read, and each copy fills the event
 * or ends a span (at most one per iovec plus one per chunk). */
#define WALK_STEPS (2 * WRITE_MAX_IOV + FS_OUTPUT_CHUNKS_PER_WRITE + 1)

/* bpf_loop's body: one walk_step. */
static long walk_loop(__u32 i, void *ctx)
{
	__u32 zero = 0;
	struct scratch *s = bpf_map_lookup_elem(&out_scratch, &zero);

	(void)i;
	(void)ctx;
	if (!s)
		return 1;
	return walk_step(&s->w, &s->ev, &s->dropped) ? 0 : 1;
}

/* The bytes of one finished write (written > 0) into output events. */
static __always_inline void output_write(struct pending_write *p, __u64 written)
{
	__u32 zero = 0;
	__u64 carry = written < WRITE_MAX_BYTES ? written : WRITE_MAX_BYTES;
	__u64 dropped = 0, cut;
	struct scratch *s;

	if (!bucket_take(carry + WRITE_COST, written, p->fd, &dropped))
		return;
	s = bpf_map_lookup_elem(&out_scratch, &zero);
	if (!s) {
		bucket_untake(dropped);
		return;
	}
	event_head(&s->ev, FS_EV_OUTPUT, bpf_get_current_pid_tgid());
	s->ev.fd = p->fd;
	s->ev.dropped = dropped;
	s->dropped = dropped;
	__builtin_memset(&s->w, 0, sizeof(s->w));
	s->w.left = carry;
	if (p->nr == NR_WRITE) {
		s->w.base = p->buf;
		s->w.span = carry;
	} else {
		s->w.iov = p->buf;
		s->w.niov = p->count < WRITE_MAX_IOV ? (__u32)p->count : WRITE_MAX_IOV;
	}
	bpf_loop(WALK_STEPS, walk_loop, NULL, 0);
	cut = written - carry + s->w.left;
	s->ev.cut = cut > 0xffffffffull ? 0xffffffffu : (__u32)cut;
	if (emit(&s->ev, s->w.pos) != 0)
		bucket_untake(s->dropped);
}

SEC("tp_btf/sys_exit")
int BPF_PROG(output_exit, struct pt_regs *regs, long ret)
{
	struct task_struct *task;
	struct pending_write p;
	long nr;

	/* the number first: a plain load (regs is a BTF pointer), and most calls are no write;
	 * every system call of the machine comes here, so not even a helper call before it */
	nr = (long)SYSCALL_NR(regs);
	if (nr != NR_WRITE && nr != NR_WRITEV)
		return 0;
	task = bpf_get_current_task_btf();
	if (!in_subtree(task))
		return 0;
	p.fd = (__u32)PT_REGS_PARM1_CORE_SYSCALL(regs);
	p.buf = PT_REGS_PARM2_CORE_SYSCALL(regs);
	p.count = PT_REGS_PARM3_CORE_SYSCALL(regs);
	p.nr = (__u32)nr;
	if (nr == NR_WRITE && p.fd == (__u32)FS_CHANNEL_FD) {
		channel_record(p.buf, p.count);
		return 0;
	}
	if ((p.fd != 1 && p.fd != 2) || !pty_ino || ret <= 0 || !fd_is_pty(task, p.fd))
		return 0;
	output_write(&p, (__u64)ret);
	return 0;
}
