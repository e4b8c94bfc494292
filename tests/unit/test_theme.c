/* The colour table of meanings (view/theme.h): no colour carries two meanings, every
 * meaning is carried by a glyph or a word too, themes by name. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "view/theme.h"

/* Within a theme and a terminal's colours, the meanings told by their hue have one
 * foreground colour each, never the terminal's own (-1). */
static void check_no_reuse(enum theme_id id, int colours)
{
	const struct theme_entry *t = theme_table();

	for (int i = 0; i < TM_COUNT; i++) {
		struct theme_colour a = theme_colour(id, i, colours);

		if (!t[i].hue)
			continue;
		if (colours >= 16)
			assert_true(a.fg >= 0);
		for (int j = i + 1; j < TM_COUNT; j++) {
			struct theme_colour b = theme_colour(id, j, colours);

			if (t[j].hue && a.fg >= 0)
				assert_int_not_equal(a.fg, b.fg);
		}
	}
}

static void test_no_colour_two_meanings(void **state)
{
	(void)state;
	check_no_reuse(THEME_DEFAULT, 256);
	check_no_reuse(THEME_PROJECTOR, 256);
	check_no_reuse(THEME_DEFAULT, 16);
	check_no_reuse(THEME_DEFAULT, 8);
	/* the old clash: a forkserver's child and a signal were both red */
	for (int id = 0; id < THEME_COUNT; id++)
		assert_int_not_equal(theme_colour(id, TM_CHILD_FSRV, 256).fg,
				     theme_colour(id, TM_SIGNAL, 256).fg);
}

/* Never colour alone: each meaning names the glyph or word that carries it too; the
 * projector theme uses no A_DIM (it nearly vanishes there) and paints its own paper. */
static void test_never_colour_alone(void **state)
{
	const struct theme_entry *t = theme_table();

	(void)state;
	for (int i = 0; i < TM_COUNT; i++) {
		assert_non_null(t[i].what);
		assert_non_null(t[i].also);
		if (i != TM_PAPER)
			assert_true(t[i].also[0] != '\0');
		assert_false(t[i].c[THEME_PROJECTOR].attrs & THEME_DIM);
	}
	assert_int_equal(theme_colour(THEME_PROJECTOR, TM_PAPER, 256).bg, 231);
	assert_int_equal(theme_colour(THEME_PROJECTOR, TM_PAPER, 256).fg, 16);
	/* header bars: no bold black text (it turns grey on many terminals) */
	for (int id = 0; id < THEME_COUNT; id++)
		for (int m = TM_TITLE; m <= TM_FOCUS; m++) {
			struct theme_colour c = theme_colour(id, m, 256);

			assert_false(c.fg == 0 && (c.attrs & THEME_BOLD));
		}
}

static void test_theme_names(void **state)
{
	(void)state;
	assert_int_equal(theme_parse("default"), THEME_DEFAULT);
	assert_int_equal(theme_parse("projector"), THEME_PROJECTOR);
	assert_int_equal(theme_parse("Projector"), -1);
	assert_int_equal(theme_parse(""), -1);
	assert_int_equal(theme_parse(NULL), -1);
	assert_string_equal(theme_name(THEME_PROJECTOR), "projector");
	/* fewer than 256 colours: the projector falls back on the default's forms */
	assert_int_equal(theme_colour(THEME_PROJECTOR, TM_MAIN, 16).fg,
			 theme_colour(THEME_DEFAULT, TM_MAIN, 16).fg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_no_colour_two_meanings),
	    cmocka_unit_test(test_never_colour_alone),
	    cmocka_unit_test(test_theme_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
