/* Finds the bundled demos and reads their one-line descriptions. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workload/demos.h"
#include "workload/readable.h"
#include "base/paths.h"

const char *demos_dir(void)
{
	static char dir[PATH_MAX];
	const char *env = getenv("FORKSCOPE_DEMOS");

	if (env && *env)
		return env;
	snprintf(dir, sizeof(dir), "%s/demos", paths_data_dir());
	return dir;
}

/* Copy the text after "# key:" into out when line starts with it. */
static void demos_take_field(const char *line, const char *key, char *out, size_t outlen)
{
	size_t klen = strlen(key);
	const char *v;

	if (strncmp(line, key, klen) != 0)
		return;
	v = line + klen;
	while (*v == ' ' || *v == '\t')
		v++;
	snprintf(out, outlen, "%s", v);
	out[strcspn(out, "\r\n")] = '\0';
}

/* "# variant: ARGS | NOTE" into the demo's next variant (ARGS of letters, digits, spaces
 * and "-_=." only: they become the demo's arguments). */
static void demos_take_variant(const char *line, struct fs_demo *d)
{
	char text[256], *bar, *end;
	struct fs_demo_variant *v;

	if (d->nvariants >= FS_DEMO_VARIANTS)
		return;
	text[0] = '\0';
	demos_take_field(line, "# variant:", text, sizeof(text));
	bar = strchr(text, '|');
	if (!bar)
		return;
	end = bar;
	while (end > text && end[-1] == ' ')
		end--;
	*end = '\0';
	if (!text[0] || strspn(text, "abcdefghijklmnopqrstuvwxyz0123456789 -_=.") != strlen(text))
		return;
	v = &d->variants[d->nvariants++];
	snprintf(v->args, sizeof(v->args), "%.63s", text);
	snprintf(v->note, sizeof(v->note), "%.159s", bar + 1 + strspn(bar + 1, " "));
}

/* Fill a demo from its file (d->path is set first); 0, -ENOENT when it is not a demo (not
 * a .py name, or no summary line), or -errno when it cannot be opened. */
static int demos_read(const char *dir, const char *file, struct fs_demo *d)
{
	char line[1024];
	size_t len = strlen(file);
	FILE *f;
	int n = 0;

	if (len < 4 || len - 3 >= sizeof(d->name) || strcmp(file + len - 3, ".py") != 0 ||
	    file[0] == '_' || file[0] == '.')
		return -ENOENT;
	memset(d, 0, sizeof(*d));
	snprintf(d->name, sizeof(d->name), "%.*s", (int)(len - 3), file);
	snprintf(d->path, sizeof(d->path), "%s/%s", dir, file);
	f = fopen(d->path, "r");
	if (!f)
		return -errno;
	while (n++ < 30 && fgets(line, sizeof(line), f)) {
		demos_take_field(line, "# summary:", d->summary, sizeof(d->summary));
		demos_take_field(line, "# look-for:", d->look_for, sizeof(d->look_for));
		demos_take_variant(line, d);
	}
	fclose(f);
	return d->summary[0] ? 0 : -ENOENT;
}

static int demos_compare(const void *a, const void *b)
{
	return strcmp(((const struct fs_demo *)a)->name, ((const struct fs_demo *)b)->name);
}

int demos_list(const char *dir, struct fs_demo **out)
{
	struct fs_demo *list = NULL, *grown;
	size_t n = 0, cap = 0;
	struct dirent *de;
	DIR *d = opendir(dir);
	int rc = 0;

	*out = NULL;
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (n == cap) {
			cap = cap ? cap * 2 : 16;
			grown = realloc(list, cap * sizeof(*list));
			if (!grown) {
				rc = -ENOMEM;
				goto out;
			}
			list = grown;
		}
		if (demos_read(dir, de->d_name, &list[n]) == 0)
			n++;
	}
	qsort(list, n, sizeof(*list), demos_compare);
	*out = list;
	list = NULL;
	rc = (int)n;
out:
	free(list);
	closedir(d);
	return rc;
}

int demos_find(const char *dir, const char *name, struct fs_demo *out)
{
	char file[128];

	memset(out, 0, sizeof(*out));
	if (!*name || strchr(name, '/') || strlen(name) >= 60)
		return -ENOENT;
	snprintf(file, sizeof(file), "%s.py", name);
	return demos_read(dir, file, out);
}

int demos_list_or_explain(struct fs_demo **out, char *err, size_t errlen)
{
	int n = demos_list(demos_dir(), out);

	if (n > 0)
		return n;
	if (n < 0 && n != -ENOENT) /* the folder is there, maybe, but closed to us */
		readable_explain("the demo folder", demos_dir(), -n, err, errlen);
	else
		snprintf(err, errlen, "no demos found in %s", demos_dir());
	free(*out);
	*out = NULL;
	return -1;
}
