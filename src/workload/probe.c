/* forkscope doctor's system checks: the kernel and BPF, containers and cgroups. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "trace/probe.h"
#include "workload/probe.h"

#define PROBE_CAP_SYS_ADMIN 21
#define PROBE_CAP_PERFMON 38
#define PROBE_CAP_BPF 39

/* The first line of a file, without its newline; 0 or -errno. */
static int probe_read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");
	int rc = 0;

	buf[0] = '\0';
	if (!f)
		return -errno;
	if (!fgets(buf, (int)len, f))
		rc = -EIO;
	buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
	return rc;
}

/* The effective capabilities (CapEff of /proc/self/status), 0 when unknown. */
static unsigned long long probe_caps(void)
{
	char line[256];
	unsigned long long caps = 0;
	FILE *f = fopen("/proc/self/status", "re");

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	fclose(f);
	return caps;
}

/* Linux 5.8 or newer: the BPF ring buffer and tp_btf programs. */
static void probe_kernel_version(struct probe_state *st)
{
	struct utsname u;
	int major = 0, minor = 0;
	char found[128];

	if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &major, &minor) != 2) {
		st->emit(st->ctx, PROBE_WARN, "kernel", "version unknown",
			 "forkscope needs Linux 5.8 or newer");
		return;
	}
	snprintf(found, sizeof(found), "Linux %.64s", u.release);
	if (major > 5 || (major == 5 && minor >= 8))
		st->emit(st->ctx, PROBE_OK, "kernel", found, "");
	else
		st->emit(st->ctx, PROBE_FAIL, "kernel", found,
			 "forkscope needs Linux 5.8 or newer (the BPF ring buffer, tp_btf)");
}

/* The kernel's own BTF, which the CO-RE programs are relocated against. */
static void probe_btf(struct probe_state *st)
{
	if (access("/sys/kernel/btf/vmlinux", R_OK) == 0)
		st->emit(st->ctx, PROBE_OK, "BTF", "/sys/kernel/btf/vmlinux", "");
	else
		st->emit(st->ctx, PROBE_FAIL, "BTF", "no /sys/kernel/btf/vmlinux",
			 "boot a kernel built with CONFIG_DEBUG_INFO_BTF=y (Debian's are)");
}

/* Root, or CAP_BPF with CAP_PERFMON (CAP_SYS_ADMIN covers both), from CapEff. */
static void probe_privileges(struct probe_state *st)
{
	unsigned long long caps = probe_caps();
	bool bpf = caps & (1ULL << PROBE_CAP_BPF), perfmon = caps & (1ULL << PROBE_CAP_PERFMON);
	bool admin = caps & (1ULL << PROBE_CAP_SYS_ADMIN);
	char found[160];

	snprintf(found, sizeof(found),
		 "uid %d, euid %d, CAP_BPF %s, CAP_PERFMON %s, CAP_SYS_ADMIN %s", (int)getuid(),
		 (int)geteuid(), bpf ? "yes" : "no", perfmon ? "yes" : "no", admin ? "yes" : "no");
	st->privileged = (bpf && perfmon) || admin;
	if (st->privileged)
		st->emit(st->ctx, PROBE_OK, "privileges", found, "");
	else
		st->emit(st->ctx, PROBE_FAIL, "privileges", found,
			 "tracing needs root or CAP_BPF and CAP_PERFMON: run it with sudo, or "
			 "setcap cap_bpf,cap_perfmon+ep on the binary (replay and tree need none)");
}

/* kernel.unprivileged_bpf_disabled, said for the record: it never allows tracing. */
static void probe_unprivileged_bpf(struct probe_state *st)
{
	char value[32], found[160];

	if (probe_read_line("/proc/sys/kernel/unprivileged_bpf_disabled", value, sizeof(value)) !=
	    0) {
		st->emit(st->ctx, PROBE_OK, "unprivileged BPF", "setting not readable", "");
		return;
	}
	snprintf(found, sizeof(found), "kernel.unprivileged_bpf_disabled = %s (%s)", value,
		 !strcmp(value, "0") ? "users may load some BPF programs, never tracing ones"
				     : "only privileged users load BPF programs");
	st->emit(st->ctx, PROBE_OK, "unprivileged BPF", found, "");
}

/* What to do about a load that failed with errno error. */
static const char *probe_load_advice(const struct probe_state *st, int error)
{
	if (error == EPERM || error == EACCES) {
		if (st->container && st->privileged)
			return "in a container: give it CAP_BPF, CAP_PERFMON and a seccomp "
			       "profile that allows bpf() (docker run --privileged, or "
			       "--cap-add BPF --cap-add PERFMON)";
		return "run as root (sudo) or grant CAP_BPF and CAP_PERFMON (setcap "
		       "cap_bpf,cap_perfmon+ep)";
	}
	if (error == ENOMEM)
		return "the locked-memory limit is too low: raise ulimit -l, or run as root";
	return "the kernel's verifier refused the programs: report it with uname -r";
}

/* The real programs loaded and attached (trace/probe.c), the output program with them. */
static void probe_bpf(struct probe_state *st)
{
	char why[256], found[400], capture[256];
	int error = 0;
	enum trace_probe_stage stage =
	    trace_probe(&error, why, sizeof(why), capture, sizeof(capture));

	if (stage == TRACE_PROBE_NONE) {
		snprintf(found, sizeof(found), "cannot open the tracer's programs: %s",
			 strerror(error));
		st->emit(st->ctx, PROBE_FAIL, "BPF load", found, "rebuild forkscope (make)");
	} else if (stage == TRACE_PROBE_OPENED) {
		bool perm = error == EPERM || error == EACCES; /* libbpf adds nothing then */

		snprintf(found, sizeof(found), "the tracer's programs do not load: %s%s%.200s",
			 strerror(error), why[0] && !perm ? ": " : "", perm ? "" : why);
		st->emit(st->ctx, PROBE_FAIL, "BPF load", found, probe_load_advice(st, error));
	} else {
		st->emit(st->ctx, PROBE_OK, "BPF load", "the tracer's programs load", "");
	}
	if (stage < TRACE_PROBE_LOADED) {
		st->emit(st->ctx, PROBE_FAIL, "tp_btf attach", "not tried: the load failed",
			 "fix the load first");
	} else if (stage == TRACE_PROBE_LOADED) {
		snprintf(found, sizeof(found), "attaching the tp_btf programs failed: %s%s%.200s",
			 strerror(error), why[0] ? ": " : "", why);
		st->emit(st->ctx, PROBE_FAIL, "tp_btf attach", found,
			 "forkscope needs tp_btf tracepoints (Linux 5.8+ with BTF)");
	} else {
		st->emit(st->ctx, PROBE_OK, "tp_btf attach",
			 "task_newtask, sched_process_exec, sched_switch, sched_process_exit and "
			 "signal_generate attach",
			 "");
		st->bpf_ok = true;
	}
	if (!capture[0])
		st->emit(st->ctx, PROBE_OK, "output capture",
			 "the sys_exit program loads and attaches (the workload's output, the "
			 "Python channel)",
			 "");
	else
		st->emit(st->ctx, PROBE_WARN, "output capture", capture,
			 "runs trace without the workload's output and Python's facts "
			 "(as --no-capture --no-pyhook)");
}

/* Whether a file holds a word (a short file: the first 64 KiB). */
static bool probe_file_has(const char *path, const char *word)
{
	char buf[65536];
	size_t n;
	FILE *f = fopen(path, "re");

	if (!f)
		return false;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (size_t i = 0; i < n; i++) /* /proc/1/environ: NUL-separated */
		if (!buf[i])
			buf[i] = '\n';
	return strstr(buf, word) != NULL;
}

/* Inside a container? Each runtime leaves its own mark. */
static void probe_container(struct probe_state *st)
{
	static const struct {
		const char *path, *word, *how;
	} marks[] = {
	    {"/.dockerenv", NULL, "docker (/.dockerenv)"},
	    {"/run/.containerenv", NULL, "podman (/run/.containerenv)"},
	    {"/proc/1/environ", "container=", "container= in init's environment"},
	    {"/proc/self/cgroup", "docker", "docker (in /proc/self/cgroup)"},
	    {"/proc/self/cgroup", "kubepods", "kubernetes (in /proc/self/cgroup)"},
	    {"/proc/self/cgroup", "libpod", "podman (in /proc/self/cgroup)"},
	    {"/proc/self/cgroup", "lxc", "lxc (in /proc/self/cgroup)"},
	};

	for (size_t i = 0; i < sizeof(marks) / sizeof(marks[0]) && !st->container; i++) {
		if (marks[i].word ? probe_file_has(marks[i].path, marks[i].word)
				  : access(marks[i].path, F_OK) == 0) {
			st->container = true;
			snprintf(st->container_how, sizeof(st->container_how), "%s", marks[i].how);
		}
	}
}

void probe_kernel(struct probe_state *st)
{
	st->root = geteuid() == 0;
	probe_container(st);
	probe_kernel_version(st);
	probe_btf(st);
	probe_privileges(st);
	probe_unprivileged_bpf(st);
	probe_bpf(st);
}

/* The mount point of cgroup v2, or of the v1 hierarchy with that controller; 0 or -1. */
static int probe_cgroup_mount(const char *controller, char *out, size_t outlen)
{
	char dev[256], dir[PATH_MAX], type[64], opts[512];
	FILE *f = fopen("/proc/self/mounts", "re");
	int rc = -1;

	if (!f)
		return -1;
	while (rc != 0 && fscanf(f, "%255s %4095s %63s %511s %*d %*d", dev, dir, type, opts) == 4) {
		bool match = controller ? !strcmp(type, "cgroup") && strstr(opts, controller)
					: !strcmp(type, "cgroup2");

		if (match) {
			snprintf(out, outlen, "%s", dir);
			rc = 0;
		}
	}
	fclose(f);
	return rc;
}

/* Our own cgroup's path in a hierarchy ("0::" for v2, "N:pids:" for v1 pids); 0 or -1. */
static int probe_own_cgroup(const char *prefix_v1, char *out, size_t outlen)
{
	char line[PATH_MAX + 64];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int rc = -1;

	if (!f)
		return -1;
	while (rc != 0 && fgets(line, sizeof(line), f)) {
		char *c1 = strchr(line, ':'), *c2 = c1 ? strchr(c1 + 1, ':') : NULL;

		if (!c2)
			continue;
		line[strcspn(line, "\n")] = '\0';
		*c2 = '\0';
		if (prefix_v1 ? strstr(c1 + 1, prefix_v1) != NULL : !strcmp(line, "0:")) {
			snprintf(out, outlen, "%s", c2 + 1);
			rc = 0;
		}
	}
	fclose(f);
	return rc;
}

/* Can forkscope make its cgroup (at the top, as workload/cgroup.c does)? And is our own
 * cgroup delegated to us, the way a user's systemd session delegates one? */
static void probe_cgroup_child(struct probe_state *st, const char *mount)
{
	char dir[2 * PATH_MAX + 64], own[PATH_MAX], found[PATH_MAX + 256], kill[2 * PATH_MAX + 80];
	const char *delegated = "";
	struct stat sb;

	if (probe_own_cgroup(NULL, own, sizeof(own)) == 0) {
		snprintf(dir, sizeof(dir), "%s%s", mount, own);
		if (stat(dir, &sb) == 0 && sb.st_uid == geteuid() && geteuid() != 0)
			delegated = " (your own cgroup is delegated to you)";
	}
	snprintf(dir, sizeof(dir), "%.*s/forkscope-doctor-%d", PATH_MAX - 8, mount, (int)getpid());
	if (mkdir(dir, 0755) != 0) {
		snprintf(found, sizeof(found), "cannot make %.*s: %s%s", PATH_MAX / 2, dir,
			 strerror(errno), delegated);
		st->emit(st->ctx, PROBE_WARN, "workload cgroup", found,
			 st->root ? "the cgroup mount is read-only here (a container?): cleanup "
				    "falls back on the traced PIDs and the watchdog"
				  : "run as root (sudo) for cgroup.kill and pids.max; without, "
				    "cleanup falls back on the traced PIDs and the watchdog");
		return;
	}
	snprintf(kill, sizeof(kill), "%s/cgroup.kill", dir);
	snprintf(found, sizeof(found), "made %.*s%s%s", PATH_MAX / 2, dir,
		 access(kill, F_OK) == 0 ? ", with cgroup.kill" : ", no cgroup.kill (before 5.14)",
		 delegated);
	rmdir(dir);
	st->emit(st->ctx, PROBE_OK, "workload cgroup", found, "");
}

/* The task limit over us (a container's pids.max): a low one stops the demos' pools. */
static void probe_pids_max(struct probe_state *st, const char *v2mount)
{
	char mount[PATH_MAX], own[PATH_MAX], path[2 * PATH_MAX + 16], value[64],
	    found[2 * PATH_MAX + 80];
	long limit;

	value[0] = '\0';
	if (v2mount && probe_own_cgroup(NULL, own, sizeof(own)) == 0) {
		snprintf(path, sizeof(path), "%s%s/pids.max", v2mount, own);
		probe_read_line(path, value, sizeof(value));
	}
	if (!value[0] && probe_cgroup_mount("pids", mount, sizeof(mount)) == 0 &&
	    probe_own_cgroup("pids", own, sizeof(own)) == 0) {
		snprintf(path, sizeof(path), "%s%s/pids.max", mount, own);
		probe_read_line(path, value, sizeof(value));
	}
	if (!value[0]) {
		st->emit(st->ctx, PROBE_OK, "pids.max", "no task limit above forkscope", "");
		return;
	}
	snprintf(found, sizeof(found), "%s: %s", path, value);
	limit = strcmp(value, "max") ? strtol(value, NULL, 10) : -1;
	if (limit >= 0 && limit < 512)
		st->emit(st->ctx, PROBE_WARN, "pids.max", found,
			 "a limit under 512 tasks may stop a demo's Pool or threads: raise it "
			 "(docker run --pids-limit)");
	else
		st->emit(st->ctx, PROBE_OK, "pids.max", found, "");
}

void probe_cgroups(struct probe_state *st)
{
	char mount[PATH_MAX];
	bool v2 = probe_cgroup_mount(NULL, mount, sizeof(mount)) == 0;

	if (st->container)
		st->emit(st->ctx, st->bpf_ok || !st->privileged ? PROBE_OK : PROBE_WARN,
			 "container", st->container_how,
			 st->bpf_ok || !st->privileged
			     ? ""
			     : "the host's kernel must allow BPF to the container "
			       "(--privileged, or CAP_BPF and CAP_PERFMON)");
	else
		st->emit(st->ctx, PROBE_OK, "container", "not in a container", "");
	if (!v2) {
		st->emit(st->ctx, PROBE_WARN, "cgroup v2", "not mounted",
			 "mount it (mount -t cgroup2 none /sys/fs/cgroup): forkscope falls back on "
			 "the v1 freezer and its traced PIDs to clean up");
	} else {
		char found[PATH_MAX + 128], v1[PATH_MAX];

		snprintf(found, sizeof(found), "%.*s%s", PATH_MAX, mount,
			 probe_cgroup_mount("pids", v1, sizeof(v1)) == 0
			     ? " (hybrid: v1 controllers beside it)"
			     : "");
		st->emit(st->ctx, PROBE_OK, "cgroup v2", found, "");
		probe_cgroup_child(st, mount);
	}
	probe_pids_max(st, v2 ? mount : NULL);
}
