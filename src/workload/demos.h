/* The bundled demos: Python programs in demos/ with "# summary:" and "# look-for:"
 * header comments. */
#ifndef FORKSCOPE_DEMOS_H
#define FORKSCOPE_DEMOS_H

#include <stddef.h>

#define FS_DEMO_VARIANTS 4

/* "# variant: ARGS | NOTE": arguments the picker offers (ARGS split at spaces), and what
 * they change */
struct fs_demo_variant {
	char args[64];
	char note[160];
};

struct fs_demo {
	char name[64]; /* file name without .py */
	char path[4096];
	char summary[256];
	char look_for[512];
	int nvariants;
	struct fs_demo_variant variants[FS_DEMO_VARIANTS];
};

/* All demos of a folder, sorted by name; count or -errno. Free *out with free(). */
int demos_list(const char *dir, struct fs_demo **out);
/* demos_list of demos_dir(), saying why there are none in err (one line, without
 * "forkscope: "): the folder closed to this user, or empty. n > 0, or -1 with *out freed. */
int demos_list_or_explain(struct fs_demo **out, char *err, size_t errlen);
/* Find one demo by name; 0, -ENOENT (no such demo), or -errno when its file is there but
 * cannot be opened (out->path then names it: readable_explain says why). */
int demos_find(const char *dir, const char *name, struct fs_demo *out);
/* The folder of the demos: $FORKSCOPE_DEMOS, else <data dir>/demos. */
const char *demos_dir(void);

#endif
