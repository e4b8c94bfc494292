/* User-space half of bpf/output.bpf.c: load it beside forkscope's object (sharing the
 * map of the subtree's threads and its cgroup pre-filter), attach its one sys_exit
 * program (the channel; the output too once capture_output names the pty), and read its
 * ring buffer with a consumer of our own, which can look at the next record's time before
 * taking it: the tracer merges the two buffers in time order. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>

#include "output.skel.h"
#include "base/event.h"
#include "trace/capture.h"

#define CAPTURE_RINGBUF_BYTES (4u * 1024u * 1024u)
#define CAPTURE_WAKEUP_BYTES (256u * 1024u)
#define CAPTURE_RECORD_HDR 8u /* the kernel's struct bpf_ringbuf_hdr: len, pg_off */

struct fs_capture {
	struct output_bpf *skel;
	bool capturing; /* the pty is named: output is captured */
	fs_capture_deliver deliver;
	void *ctx;
	int ring_fd;
	size_t ring_size;
	size_t page;
	unsigned long *consumer_pos; /* the consumer page (ours to write) */
	void *producer;		     /* the producer page, then the data pages mapped twice */
	unsigned long *producer_pos;
	uint8_t *data;
};

/* Map the ring buffer: the consumer position read-write, the producer position and the
 * data (twice, so that no record wraps) read-only. */
static int capture_map_ring(struct fs_capture *c)
{
	c->page = (size_t)sysconf(_SC_PAGESIZE);
	c->consumer_pos = mmap(NULL, c->page, PROT_READ | PROT_WRITE, MAP_SHARED, c->ring_fd, 0);
	if (c->consumer_pos == MAP_FAILED) {
		c->consumer_pos = NULL;
		return -errno;
	}
	c->producer = mmap(NULL, c->page + 2 * c->ring_size, PROT_READ, MAP_SHARED, c->ring_fd,
			   (off_t)c->page);
	if (c->producer == MAP_FAILED) {
		c->producer = NULL;
		return -errno;
	}
	c->producer_pos = c->producer;
	c->data = (uint8_t *)c->producer + c->page;
	return 0;
}

struct fs_capture *capture_open(int runs_fd, int filter_fd, fs_capture_deliver deliver, void *ctx,
				char *err, size_t errlen)
{
	struct fs_capture *c = calloc(1, sizeof(*c));
	const char *step = "open";
	int rc = 0;

	if (!c) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	c->deliver = deliver;
	c->ctx = ctx;
	c->ring_fd = -1;
	c->ring_size = CAPTURE_RINGBUF_BYTES;
	c->skel = output_bpf__open();
	if (!c->skel) {
		rc = errno ? -errno : -EINVAL;
		goto fail;
	}
	step = "share the map of the subtree's threads with";
	rc = bpf_map__reuse_fd(c->skel->maps.runs, runs_fd);
	if (!rc)
		rc = bpf_map__reuse_fd(c->skel->maps.run_filter, filter_fd);
	if (rc)
		goto fail;
	bpf_map__set_max_entries(c->skel->maps.out_events, (uint32_t)c->ring_size);
	c->skel->rodata->wakeup_bytes = CAPTURE_WAKEUP_BYTES;
	step = "load";
	rc = output_bpf__load(c->skel);
	if (rc)
		goto fail;
	step = "attach sys_exit for";
	c->skel->links.output_exit = bpf_program__attach(c->skel->progs.output_exit);
	if (!c->skel->links.output_exit) {
		rc = -errno;
		goto fail;
	}
	step = "map the ring buffer of";
	c->ring_fd = bpf_map__fd(c->skel->maps.out_events);
	rc = capture_map_ring(c);
	if (rc)
		goto fail;
	return c;
fail:
	snprintf(err, errlen, "cannot %s the output program (sys_exit): %s", step,
		 strerror(rc < 0 ? -rc : EINVAL));
	capture_close(c);
	return NULL;
}

int capture_output(struct fs_capture *c, uint64_t ino, uint32_t dev, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	c->skel->bss->pty_dev = dev;
	__atomic_store_n(&c->skel->bss->pty_ino, ino, __ATOMIC_RELEASE);
	c->capturing = true;
	return 0;
}

bool capture_capturing(const struct fs_capture *c)
{
	return c && c->capturing;
}

int capture_consume(struct fs_capture *c, uint64_t until_ns)
{
	unsigned long cons;
	int n = 0;

	if (!c || !c->consumer_pos)
		return 0;
	cons = __atomic_load_n(c->consumer_pos, __ATOMIC_ACQUIRE);
	for (;;) {
		uint32_t len, size;
		const uint8_t *rec;
		uint64_t t_ns;
		int rc = 0;

		if (cons >= __atomic_load_n(c->producer_pos, __ATOMIC_ACQUIRE))
			break;
		rec = c->data + (cons & (c->ring_size - 1));
		len = __atomic_load_n((const uint32_t *)rec, __ATOMIC_ACQUIRE);
		if (len & BPF_RINGBUF_BUSY_BIT)
			break; /* still being written */
		size = len & ~(uint32_t)(BPF_RINGBUF_BUSY_BIT | BPF_RINGBUF_DISCARD_BIT);
		if (!(len & BPF_RINGBUF_DISCARD_BIT)) {
			if (size >= sizeof(t_ns)) {
				memcpy(&t_ns, rec + CAPTURE_RECORD_HDR, sizeof(t_ns));
				if (t_ns > until_ns)
					break; /* after the other buffer's record: it goes first */
			}
			rc = c->deliver(c->ctx, rec + CAPTURE_RECORD_HDR, size);
			n++;
		}
		cons += (CAPTURE_RECORD_HDR + size + 7) & ~7ul;
		__atomic_store_n(c->consumer_pos, cons, __ATOMIC_RELEASE);
		if (rc < 0)
			return rc;
	}
	return n;
}

int capture_report_dropped(struct fs_capture *c, uint64_t now_ns)
{
	struct fs_event ev;
	uint64_t writer;

	if (!c || !c->skel->bss->dropped_pending)
		return 0;
	memset(&ev, 0, FS_EVENT_HEAD_SIZE);
	writer = c->skel->bss->dropped_writer;
	ev.t_ns = now_ns;
	ev.type = FS_EV_OUTPUT;
	ev.pid = (uint32_t)(writer >> 32);
	ev.tid = (uint32_t)writer;
	ev.fd = c->skel->bss->dropped_fd;
	ev.dropped = c->skel->bss->dropped_pending;
	c->skel->bss->dropped_pending = 0;
	c->deliver(c->ctx, &ev, FS_EVENT_HEAD_SIZE);
	return 1;
}

int capture_ring_fd(const struct fs_capture *c)
{
	return c ? c->ring_fd : -1;
}

uint64_t capture_lost(const struct fs_capture *c)
{
	return c ? __atomic_load_n(&c->skel->bss->output_lost, __ATOMIC_RELAXED) : 0;
}

void capture_close(struct fs_capture *c)
{
	if (!c)
		return;
	if (c->producer)
		munmap(c->producer, c->page + 2 * c->ring_size);
	if (c->consumer_pos)
		munmap(c->consumer_pos, c->page);
	output_bpf__destroy(c->skel);
	free(c);
}
