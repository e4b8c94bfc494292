/* The UI's colour meanings, one entry each, in two themes (view/theme.h). */
#include <string.h>

#include "view/theme.h"

#define B THEME_BOLD
#define R THEME_REVERSE
#define U THEME_UNDERLINE
#define D THEME_DIM

/* what, also (the glyph or word), hue, {default, projector}, 16 colours, 8 colours. The
 * default theme's roles are the terminal's own basic colours (its scheme may tune them);
 * the projector's are xterm cube colours of at least 4.5:1 contrast on its white paper
 * (231), which no terminal scheme remaps. Greys carry no meaning by their hue. */
static const struct theme_entry theme_entries[TM_COUNT] = {
    [TM_MAIN] = {"main process",
		 "the role column",
		 true,
		 {{2, -1, 0}, {28, -1, B}},
		 {2, -1, 0},
		 {2, -1, 0}},
    [TM_FORKSERVER] = {"the forkserver process",
		       "the role column",
		       true,
		       {{5, -1, 0}, {127, -1, B}},
		       {5, -1, 0},
		       {5, -1, 0}},
    [TM_TRACKER] = {"the resource tracker process",
		    "the role column",
		    true,
		    {{3, -1, 0}, {58, -1, B}},
		    {3, -1, 0},
		    {3, -1, U}},
    [TM_CHILD_FORK] = {"child started by fork",
		       "the role column",
		       true,
		       {{6, -1, 0}, {23, -1, B}},
		       {6, -1, 0},
		       {6, -1, 0}},
    [TM_CHILD_SPAWN] = {"child started by spawn",
			"the role column",
			true,
			{{75, -1, 0}, {20, -1, B}},
			{12, -1, 0},
			{4, -1, 0}},
    [TM_CHILD_FSRV] = {"child started by the forkserver",
		       "the role column",
		       true,
		       {{208, -1, 0}, {130, -1, B}},
		       {15, -1, B},
		       {-1, -1, B}},
    [TM_OTHER] = {"other process",
		  "the role column",
		  false,
		  {{-1, -1, 0}, {-1, -1, 0}},
		  {-1, -1, 0},
		  {-1, -1, 0}},
    [TM_SIGNAL] = {"a signal",
		   "'!' on the timeline, signal events, SIGTERM in the state",
		   true,
		   {{1, -1, 0}, {160, -1, B}},
		   {1, -1, 0},
		   {1, -1, 0}},
    [TM_KILL] = {"killed by a signal",
		 "'X' at the end of its bar",
		 false,
		 {{15, 1, B}, {231, 160, B}},
		 {15, 1, B},
		 {7, 1, B}},
    [TM_TITLE] = {"the title bar",
		  "its place",
		  false,
		  {{231, 238, B}, {231, 16, B}},
		  {15, 8, B},
		  {-1, -1, R | B}},
    [TM_STATUS] = {"the status bar",
		   "its place",
		   false,
		   {{16, 252, 0}, {16, 252, 0}},
		   {0, 7, 0},
		   {-1, -1, R}},
    [TM_WARN] = {"a warning or message",
		 "LOST, CAP, the message's words",
		 false,
		 {{231, 16, B}, {231, 16, B}},
		 {15, 0, B},
		 {-1, -1, B}},
    [TM_HEADER] = {"a pane's header",
		   "its place",
		   false,
		   {{231, 240, B}, {16, 250, B}},
		   {15, 8, B},
		   {-1, -1, R}},
    [TM_FOCUS] = {"the focused pane's header",
		  "its place, bold",
		  false,
		  {{16, 250, B}, {231, 238, B}},
		  {0, 7, B},
		  {-1, -1, R | B}},
    [TM_MATCH] = {"a search match",
		  "bold, underlined",
		  false,
		  {{-1, -1, B | U}, {-1, -1, B | U}},
		  {-1, -1, B | U},
		  {-1, -1, B | U}},
    [TM_RUNNABLE] = {"runnable: waiting for a CPU",
		     "'-' over the bar",
		     false,
		     {{-1, -1, B}, {-1, -1, B}},
		     {-1, -1, B},
		     {-1, -1, B}},
    [TM_FAINT] = {"secondary text",
		  "tree lines, notes",
		  false,
		  {{-1, -1, D}, {242, -1, 0}},
		  {-1, -1, D},
		  {-1, -1, D}},
    [TM_STDERR] = {"a line on stderr",
		   "err",
		   false,
		   {{-1, -1, B | U}, {-1, -1, B | U}},
		   {-1, -1, B | U},
		   {-1, -1, B | U}},
    [TM_PAPER] = {"the screen", "", false, {{-1, -1, 0}, {16, 231, 0}}, {-1, -1, 0}, {-1, -1, 0}},
};

static const char *const theme_names[THEME_COUNT] = {"default", "projector"};

const struct theme_entry *theme_table(void)
{
	return theme_entries;
}

int theme_parse(const char *name)
{
	for (int i = 0; name && i < THEME_COUNT; i++)
		if (!strcmp(name, theme_names[i]))
			return i;
	return -1;
}

const char *theme_name(enum theme_id id)
{
	return (unsigned)id < THEME_COUNT ? theme_names[id] : "?";
}

/* The projector theme needs 256 colours; with fewer, both use the default theme's 16- or
 * 8-colour forms. */
struct theme_colour theme_colour(enum theme_id id, enum theme_meaning m, int colours)
{
	const struct theme_entry *e = &theme_entries[(unsigned)m < TM_COUNT ? m : TM_OTHER];

	if ((unsigned)id >= THEME_COUNT)
		id = THEME_DEFAULT;
	if (colours >= 256)
		return e->c[id];
	return colours >= 16 ? e->c16 : e->c8;
}
