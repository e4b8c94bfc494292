/* SPDX-License-Identifier: GPL-2.0 */
/* When a BPF object wakes its reader: the rule both objects' ring buffers follow. */
#ifndef FORKSCOPE_WAKEUP_BPF_H
#define FORKSCOPE_WAKEUP_BPF_H

/* The submit flags of a record of len bytes (counted: already reserved, so in what the ring
 * buffer holds): a wake-up only when this record takes what is pending over threshold (0:
 * at every record), never below it (user space polls on a short timeout anyway) nor again
 * while it stays over: a reader that does not drain (stopped, or slow under load) would
 * otherwise cost the workload an interrupt at every record (+19 % on a fork storm). The
 * crossing window is the record's largest size in the ring (8-byte header, 8-byte
 * alignment): two records may both wake, none can slip past unseen but for two CPUs
 * crossing together, which the reader's poll catches. */
static __always_inline __u64 wakeup_flags(void *ringbuf, __u64 threshold, __u64 len, bool counted)
{
	__u64 size = len + 16, avail;

	if (!threshold)
		return 0;
	avail = bpf_ringbuf_query(ringbuf, BPF_RB_AVAIL_DATA) + (counted ? 0 : size);
	return avail >= threshold && avail - size < threshold ? BPF_RB_FORCE_WAKEUP
							      : BPF_RB_NO_WAKEUP;
}

#endif
