/* The workload's own cgroups: whole-tree kill and a process cap. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <linux/magic.h>

#include "workload/cgroup.h"

/* Write a short string to dir/file; 0 or -errno. */
static int cgroup_write(const char *dir, const char *file, const char *text)
{
	char path[PATH_MAX + 64];
	int fd, rc = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (write(fd, text, strlen(text)) < 0)
		rc = -errno;
	close(fd);
	return rc;
}

/* The mount point of a cgroup hierarchy: v2 (option NULL) or v1 with that controller. */
static int cgroup_find_mount(const char *controller, char *out, size_t outlen)
{
	char dev[256], dir[PATH_MAX], type[64], opts[512];
	FILE *f = fopen("/proc/self/mounts", "re");
	int rc = -1;

	if (!f)
		return -1;
	while (fscanf(f, "%255s %4095s %63s %511s %*d %*d", dev, dir, type, opts) == 4) {
		bool match = controller ? !strcmp(type, "cgroup") && strstr(opts, controller)
					: !strcmp(type, "cgroup2");

		if (match) {
			snprintf(out, outlen, "%s", dir);
			rc = 0;
			break;
		}
	}
	fclose(f);
	return rc;
}

/* Make dir/forkscope-<pid>; 0 and the path in out, or -1. */
static int cgroup_make(const char *mount, char *out, size_t outlen)
{
	snprintf(out, outlen, "%s/forkscope-%d", mount, (int)getpid());
	if (mkdir(out, 0755) == 0 || errno == EEXIST)
		return 0;
	out[0] = '\0';
	return -1;
}

static bool cgroup_file_exists(const char *dir, const char *file)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

void cgroup_create(struct fs_cgroup *cg, size_t max_tasks)
{
	char mount[PATH_MAX];

	memset(cg, 0, sizeof(*cg));
	if (cgroup_find_mount(NULL, mount, sizeof(mount)) == 0 &&
	    cgroup_make(mount, cg->kill_dir, sizeof(cg->kill_dir)) == 0) {
		cg->kill_v2 = cgroup_file_exists(cg->kill_dir, "cgroup.kill");
		/* a pure cgroup v2 system: the cap lives in the same directory */
		if (max_tasks) {
			cgroup_write(mount, "cgroup.subtree_control", "+pids");
			if (cgroup_file_exists(cg->kill_dir, "pids.max"))
				snprintf(cg->pids_dir, sizeof(cg->pids_dir), "%s", cg->kill_dir);
		}
		if (!cg->kill_v2 && !cg->pids_dir[0]) {
			rmdir(cg->kill_dir);
			cg->kill_dir[0] = '\0';
		}
	}
	if (!cg->kill_dir[0] && cgroup_find_mount("freezer", mount, sizeof(mount)) == 0)
		cgroup_make(mount, cg->kill_dir, sizeof(cg->kill_dir));
	if (max_tasks && !cg->pids_dir[0] && cgroup_find_mount("pids", mount, sizeof(mount)) == 0)
		cgroup_make(mount, cg->pids_dir, sizeof(cg->pids_dir));
	if (max_tasks && cg->pids_dir[0]) {
		char text[32];

		snprintf(text, sizeof(text), "%zu", max_tasks);
		if (cgroup_write(cg->pids_dir, "pids.max", text) != 0) {
			if (strcmp(cg->pids_dir, cg->kill_dir) != 0)
				rmdir(cg->pids_dir);
			cg->pids_dir[0] = '\0';
		}
	}
}

uint64_t cgroup_id(const struct fs_cgroup *cg)
{
	struct {
		struct file_handle fh;
		uint64_t id;
	} h;
	struct statfs sf;
	int mount_id;
	uint64_t id = 0;

	if (!cg->kill_dir[0] || statfs(cg->kill_dir, &sf) != 0 || sf.f_type != CGROUP2_SUPER_MAGIC)
		return 0;
	/* a cgroup v2 directory's file handle is its id (the kernel's kernfs node id) */
	h.fh.handle_bytes = sizeof(h.id);
	if (name_to_handle_at(AT_FDCWD, cg->kill_dir, &h.fh, &mount_id, 0) == 0 &&
	    h.fh.handle_bytes == sizeof(uint64_t))
		memcpy(&id, h.fh.f_handle, sizeof(id));
	return id;
}

void cgroup_add(const struct fs_cgroup *cg, pid_t pid)
{
	char text[32];

	snprintf(text, sizeof(text), "%d", (int)pid);
	if (cg->kill_dir[0])
		cgroup_write(cg->kill_dir, "cgroup.procs", text);
	if (cg->pids_dir[0] && strcmp(cg->pids_dir, cg->kill_dir) != 0)
		cgroup_write(cg->pids_dir, "cgroup.procs", text);
}

/* Send sig to each PID listed in dir/cgroup.procs; returns how many were signalled. */
/* Call fn for every PID in dir/cgroup.procs but our own; returns how many. */
static int cgroup_each_pid(const char *dir, void (*fn)(void *ctx, uint32_t pid), void *ctx)
{
	char path[PATH_MAX + 64];
	FILE *f;
	int pid, n = 0;

	if (!dir[0])
		return 0;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fscanf(f, "%d", &pid) == 1)
		if (pid > 0 && pid != getpid()) {
			fn(ctx, (uint32_t)pid);
			n++;
		}
	fclose(f);
	return n;
}

static void cgroup_sigkill_one(void *ctx, uint32_t pid)
{
	int *n = ctx;

	if (kill((pid_t)pid, SIGKILL) == 0)
		++*n;
}

/* SIGKILL every process listed in dir; returns how many were signalled. */
static int cgroup_each_proc(const char *dir)
{
	int n = 0;

	cgroup_each_pid(dir, cgroup_sigkill_one, &n);
	return n;
}

void cgroup_for_each_pid(const struct fs_cgroup *cg, void (*fn)(void *ctx, uint32_t pid), void *ctx)
{
	cgroup_each_pid(cg->kill_dir, fn, ctx);
	if (strcmp(cg->pids_dir, cg->kill_dir) != 0)
		cgroup_each_pid(cg->pids_dir, fn, ctx);
}

int cgroup_freeze(const struct fs_cgroup *cg, bool frozen)
{
	if (!cg->kill_v2 || !cg->kill_dir[0])
		return -1;
	return cgroup_write(cg->kill_dir, "cgroup.freeze", frozen ? "1" : "0");
}

int cgroup_kill(const struct fs_cgroup *cg)
{
	int n = 0;

	if (cg->kill_v2 && cgroup_write(cg->kill_dir, "cgroup.kill", "1") == 0)
		return 1;
	if (!cg->kill_dir[0] && !cg->pids_dir[0])
		return -1;
	/* v1: freeze so nothing forks while we kill, then thaw so the kills land */
	if (cg->kill_dir[0] && cgroup_write(cg->kill_dir, "freezer.state", "FROZEN") == 0) {
		n = cgroup_each_proc(cg->kill_dir);
		cgroup_write(cg->kill_dir, "freezer.state", "THAWED");
	} else {
		n = cgroup_each_proc(cg->kill_dir);
	}
	if (strcmp(cg->pids_dir, cg->kill_dir) != 0)
		n += cgroup_each_proc(cg->pids_dir);
	return n;
}

uint64_t cgroup_cap_hits(const struct fs_cgroup *cg)
{
	char path[PATH_MAX + 64], key[32];
	unsigned long long v;
	uint64_t hits = 0;
	FILE *f;

	if (!cg->pids_dir[0])
		return 0;
	snprintf(path, sizeof(path), "%s/pids.events", cg->pids_dir);
	f = fopen(path, "re");
	if (!f)
		return 0;
	while (fscanf(f, "%31s %llu", key, &v) == 2)
		if (!strcmp(key, "max"))
			hits = v;
	fclose(f);
	return hits;
}

/* Does dir/cgroup.procs list anyone? */
static bool cgroup_has_procs(const char *dir)
{
	char path[PATH_MAX + 64];
	FILE *f;
	int pid;
	bool any = false;

	if (!dir[0])
		return false;
	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	f = fopen(path, "re");
	if (!f)
		return false;
	any = fscanf(f, "%d", &pid) == 1;
	fclose(f);
	return any;
}

bool cgroup_populated(const struct fs_cgroup *cg)
{
	return cgroup_has_procs(cg->kill_dir) || cgroup_has_procs(cg->pids_dir);
}

void cgroup_destroy(struct fs_cgroup *cg)
{
	if (cg->pids_dir[0] && strcmp(cg->pids_dir, cg->kill_dir) != 0)
		rmdir(cg->pids_dir);
	if (cg->kill_dir[0])
		rmdir(cg->kill_dir);
	cg->pids_dir[0] = cg->kill_dir[0] = '\0';
}
