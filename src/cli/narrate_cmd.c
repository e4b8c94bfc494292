/* forkscope narrate [--json] FILE: replay a recording through the model and print each lesson
 * it shows (docs/narration.md): "   1.234 s  main forked the forkserver (4467); ...", or
 * with --json one object a line (t_ns, event, kind, told, text, question, answer). */
#include <inttypes.h>
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "cli/narrate_cmd.h"
#include "cli/read_end.h"
#include "output/lesson_text.h"
#include "view/narration.h"

#define NARRATE_LINE_MAX 1024

/* One lesson as a JSON line. */
static void narrate_json(FILE *f, const struct fs_lesson *x)
{
	char text[NARRATE_LINE_MAX];
	json_object *o = json_object_new_object();

	json_object_object_add(o, "t_ns", json_object_new_uint64(x->t_ns));
	json_object_object_add(o, "event", json_object_new_uint64(x->event));
	json_object_object_add(o, "kind", json_object_new_string(names_lesson_kind(x->kind)));
	json_object_object_add(o, "told", json_object_new_boolean(x->told));
	json_object_object_add(o, "pid", json_object_new_int64(x->who.pid));
	lesson_text(x, text, sizeof(text));
	json_object_object_add(o, "text", json_object_new_string(text));
	lesson_question(x, text, sizeof(text));
	json_object_object_add(o, "question", json_object_new_string(text));
	lesson_answer(x, text, sizeof(text));
	json_object_object_add(o, "answer", json_object_new_string(text));
	fprintf(f, "%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN));
	json_object_put(o);
}

int narrate_command(const struct fs_cli *cli)
{
	struct vnarr n = {0};
	struct fs_replay_info info;
	char err[512] = "", text[NARRATE_LINE_MAX];
	int rc = vnarr_load(&n, cli->file, 0, &info, err, sizeof(err)), out_rc = 0;

	for (size_t i = 0; n.lessons && i < lessons_count(n.lessons); i++) {
		const struct fs_lesson *x = lessons_at(n.lessons, i);

		if (cli->json) {
			narrate_json(stdout, x);
			continue;
		}
		lesson_text(x, text, sizeof(text));
		printf("%4" PRIu64 ".%03" PRIu64 " s  %s\n", (uint64_t)(x->t_ns / 1000000000u),
		       (uint64_t)(x->t_ns % 1000000000u / 1000000u), text);
	}
	rc = cli_read_end(cli->file, rc, err, &info, out_rc, "narration");
	vnarr_free(&n);
	return rc;
}
