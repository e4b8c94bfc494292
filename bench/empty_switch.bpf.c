// SPDX-License-Identifier: GPL-2.0
/* The floor of the switch part (bench/README.md): a tp_btf/sched_switch program that does
 * nothing, so that what any such program costs an untraced context switch on this kernel
 * can be measured beside what forkscope's costs. */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

char LICENSE[] SEC("license") = "GPL";

SEC("tp_btf/sched_switch")
int BPF_PROG(empty_switch, bool preempt, struct task_struct *prev, struct task_struct *next)
{
	return 0;
}
