/* SPDX-License-Identifier: GPL-2.0 */
/* A task's name, as both BPF objects put it into their records. */
#ifndef FORKSCOPE_COMM_BPF_H
#define FORKSCOPE_COMM_BPF_H

/* Copy t's name into dst with two plain loads (t: a BTF pointer): bpf_get_current_comm()
 * is a helper call that cost each event about 70 ns here. The kernel keeps the 16 bytes
 * NUL-terminated (a rename racing with this read may mix two names; user space cuts at
 * the NUL). */
static __always_inline void comm_copy(char *dst, struct task_struct *t)
{
	const __u64 *src = (const __u64 *)t->comm;
	__u64 *out = (__u64 *)dst;

	out[0] = src[0];
	out[1] = src[1];
}

#endif
