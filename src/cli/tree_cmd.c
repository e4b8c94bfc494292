/* forkscope tree FILE: replay a recording through the model and print its tree. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cli/tree_cmd.h"
#include "output/tree_print.h"

int tree_load(const char *path, struct fs_model **out, struct fs_header *header, char *err,
	      size_t errlen)
{
	struct fs_record_reader *r = record_open(path, err, errlen);
	struct fs_record_item it;
	int rc = -1, got;

	*out = NULL;
	memset(header, 0, sizeof(*header));
	if (!r)
		return -1;
	memset(&it, 0, sizeof(it));
	while ((got = record_next(r, &it, err, errlen)) == 1) {
		if (it.kind == FS_REC_HEADER) {
			*header = it.header; /* ownership moves to the caller */
			memset(&it.header, 0, sizeof(it.header));
			*out = model_new(header->root_pid);
			if (!*out) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
		} else if (it.kind == FS_REC_EVENT && *out) {
			if (model_apply(*out, &it.event) != 0) {
				snprintf(err, errlen, "out of memory");
				goto out;
			}
		} else if (it.kind == FS_REC_END && *out) {
			/* events were lost: who still looks alive at the end lost its exit */
			if (it.end.lost)
				model_end(*out, it.end.t_ns);
			model_set_lost(*out, it.end.lost);
		}
		record_item_clear(&it);
	}
	if (got == 0 && !*out) {
		snprintf(err, errlen, "no header line in the recording");
		goto out;
	}
	rc = got == 0 ? 0 : -1;
out:
	record_item_clear(&it);
	if (*out)
		model_finish(*out);
	record_close(r);
	return rc;
}

int tree_command(const struct fs_cli *cli)
{
	struct fs_model *m = NULL;
	struct fs_header header;
	char err[512] = "";
	int rc = tree_load(cli->file, &m, &header, err, sizeof(err)), out_rc = 0;

	if (m) {
		if (cli->json)
			out_rc = tree_print_json(stdout, m);
		else
			tree_print_text(stdout, m, cli->ascii);
	}
	if (fflush(stdout) != 0 || ferror(stdout))
		out_rc = -1;
	if (rc != 0)
		fprintf(stderr, "forkscope: %s: %s\n", cli->file, err);
	else if (out_rc != 0)
		fprintf(stderr, "forkscope: writing the tree failed: %s\n",
			errno ? strerror(errno) : "out of memory");
	if (out_rc != 0)
		rc = -1;
	record_header_clear(&header);
	model_free(m);
	return rc == 0 ? 0 : 1;
}
