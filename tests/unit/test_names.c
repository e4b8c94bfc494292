/* The words (base/names.c) and text (base/text.c): roles in their three forms, start
 * methods, signal names and results, state texts, durations, the command of a process,
 * argv quoting, UTF-8 sequences, sanitising for the terminal and a program's output made
 * visible. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <locale.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "base/event.h"
#include "base/names.h"
#include "base/text.h"

/* One vocabulary: a long and a short form per role, the machine names of tree --json. */
static void test_roles(void **state)
{
	static const struct {
		enum fs_role role;
		enum fs_method method;
		const char *long_form, *short_form, *machine;
	} want[] = {
	    {FS_ROLE_MAIN, FS_METHOD_NONE, "main", "main", "main"},
	    {FS_ROLE_FORKSERVER, FS_METHOD_NONE, "forkserver", "fsrv", "forkserver"},
	    {FS_ROLE_RESOURCE_TRACKER, FS_METHOD_NONE, "resource tracker", "tracker",
	     "resource_tracker"},
	    {FS_ROLE_MP_CHILD, FS_METHOD_FORK, "child (fork)", "c-fork", "mp_child"},
	    {FS_ROLE_MP_CHILD, FS_METHOD_SPAWN, "child (spawn)", "c-spawn", "mp_child"},
	    {FS_ROLE_MP_CHILD, FS_METHOD_FORKSERVER, "child (forkserver)", "c-fsrv", "mp_child"},
	    {FS_ROLE_MP_CHILD, FS_METHOD_NONE, "child", "child", "mp_child"},
	    {FS_ROLE_OTHER, FS_METHOD_NONE, "other", "other", "other"},
	    /* the method means nothing for the other roles; garbage reads as other */
	    {FS_ROLE_MAIN, FS_METHOD_SPAWN, "main", "main", "main"},
	    {(enum fs_role)42, FS_METHOD_NONE, "other", "other", "other"},
	    {FS_ROLE_MP_CHILD, (enum fs_method)42, "child", "child", "mp_child"},
	};

	(void)state;
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		assert_string_equal(names_role_long(want[i].role, want[i].method),
				    want[i].long_form);
		assert_string_equal(names_role_short(want[i].role, want[i].method),
				    want[i].short_form);
		assert_true(strlen(names_role_short(want[i].role, want[i].method)) <= 7);
		assert_string_equal(names_role_machine(want[i].role), want[i].machine);
	}
}

static void test_methods(void **state)
{
	(void)state;
	assert_string_equal(names_method(FS_METHOD_FORK), "fork");
	assert_string_equal(names_method(FS_METHOD_SPAWN), "spawn");
	assert_string_equal(names_method(FS_METHOD_FORKSERVER), "forkserver");
	assert_null(names_method(FS_METHOD_NONE));
	assert_null(names_method((enum fs_method)42));
	assert_int_equal(names_method_parse("spawn"), FS_METHOD_SPAWN);
	assert_int_equal(names_method_parse("forkserver"), FS_METHOD_FORKSERVER);
	assert_int_equal(names_method_parse("Spawn"), FS_METHOD_NONE);
	assert_int_equal(names_method_parse(""), FS_METHOD_NONE);
	assert_int_equal(names_method_parse(NULL), FS_METHOD_NONE);
}

static void test_sig_results(void **state)
{
	(void)state;
	assert_string_equal(names_sig_result(0, false), "delivered");
	assert_string_equal(names_sig_result(1, false), "ignored by the target");
	/* the kernel says "ignored" for a signal to a dying process too: not the same thing */
	assert_string_equal(names_sig_result(1, true), "dropped: the target was already exiting");
	assert_string_equal(names_sig_result(2, false), "not delivered: one already pending");
	assert_string_equal(names_sig_result(3, false), "queue full, not sent");
	assert_string_equal(names_sig_result(4, false), "delivered without its info");
	assert_string_equal(names_sig_result(0, true), "delivered");
	assert_string_equal(names_sig_result(5, false), "unknown result");
	assert_string_equal(names_sig_result(-1, false), "unknown result");
}

static void check_state(const struct names_state *st, const char *want_long, const char *want_brief,
			const char *want_tiny)
{
	char buf[64];

	names_state(st, NAMES_STATE_LONG, buf, sizeof(buf));
	assert_string_equal(buf, want_long);
	names_state(st, NAMES_STATE_BRIEF, buf, sizeof(buf));
	assert_string_equal(buf, want_brief);
	names_state(st, NAMES_STATE_TINY, buf, sizeof(buf));
	assert_string_equal(buf, want_tiny);
}

/* State texts in their three forms: exits, kills, daemon kills, cores, lost exits. */
static void test_states(void **state)
{
	struct names_state st = {0};
	char tiny[4];

	(void)state;
	check_state(&st, "running", "running", "running");
	st.exited = true;
	st.exit_code = 3;
	check_state(&st, "exit 3", "exit 3", "exit 3");
	st.exit_code = -1;
	st.signal = 15;
	st.killed_by = 1234;
	st.daemon_kill = true;
	check_state(&st, "killed SIGTERM by 1234 (sent as its starter exited)", "SIGTERM by 1234*",
		    "SIGTERM*");
	st.daemon_kill = false;
	check_state(&st, "killed SIGTERM by 1234", "SIGTERM by 1234", "SIGTERM");
	st.killed_by = 0;
	st.signal = 11;
	st.core_dumped = true;
	check_state(&st, "killed SIGSEGV (core dumped)", "SIGSEGV core", "SIGSEGV core");
	st.exit_lost = true;
	check_state(&st, "exit not seen (status unknown)", "exit ?", "exit ?");
	/* a tiny buffer is never overrun */
	names_state(&st, NAMES_STATE_LONG, tiny, sizeof(tiny));
	assert_string_equal(tiny, "exi");
}

static void check_duration(uint64_t ns, const char *want)
{
	char buf[32];

	names_duration(ns, buf, sizeof(buf));
	assert_string_equal(buf, want);
}

static void test_durations(void **state)
{
	(void)state;
	check_duration(0, "0 us");
	check_duration(812999, "812 us");
	check_duration(1500000, "1.5 ms");
	check_duration(9999999, "9.9 ms");
	check_duration(86700000, "86 ms");
	check_duration(999999999, "999 ms");
	check_duration(1512000000, "1.512 s");
	check_duration(2500000000ull, "2.500 s");
	check_duration(3600000000000ull, "3600.000 s");
}

static void test_command(void **state)
{
	char *argv[] = {"/usr/bin/python3", "-c", "print('hi')", NULL};
	char comm[16] = "python3", buf[128];
	char full[16];

	(void)state;
	names_command(buf, sizeof(buf), argv, 3, comm, sizeof(comm), 120);
	assert_string_equal(buf, "python3 -c \"print('hi')\"");
	/* cut to the buffer: the program, then as much as fits */
	names_command(buf, 16, argv, 3, comm, sizeof(comm), 120);
	assert_string_equal(buf, "python3 -c ...");
	/* never exec'd: its comm */
	names_command(buf, sizeof(buf), NULL, 0, comm, sizeof(comm), 120);
	assert_string_equal(buf, "python3");
	/* a comm of 16 bytes without a NUL, and one with a control character */
	memset(full, 'a', sizeof(full));
	names_command(buf, sizeof(buf), NULL, 0, full, sizeof(full), 120);
	assert_string_equal(buf, "aaaaaaaaaaaaaaaa");
	snprintf(comm, sizeof(comm), "x\x1b[2Jy");
	names_command(buf, sizeof(buf), NULL, 0, comm, sizeof(comm), 120);
	assert_string_equal(buf, "$'x\\x1b[2Jy'");
	comm[0] = '\0';
	names_command(buf, sizeof(buf), NULL, 0, comm, sizeof(comm), 120);
	assert_string_equal(buf, "?");
}

static void test_signal_names(void **state)
{
	(void)state;
	assert_string_equal(names_signal(1), "SIGHUP");
	assert_string_equal(names_signal(9), "SIGKILL");
	assert_string_equal(names_signal(15), "SIGTERM");
	assert_string_equal(names_signal(17), "SIGCHLD");
	assert_string_equal(names_signal(31), "SIGSYS");
	assert_string_equal(names_signal(32), "SIG32");
	assert_string_equal(names_signal(34), "SIGRTMIN");
	assert_string_equal(names_signal(37), "SIGRTMIN+3");
	assert_string_equal(names_signal(64), "SIGRTMAX");
	assert_string_equal(names_signal(0), "SIG0");
	assert_string_equal(names_signal(65), "SIG65");
	assert_string_equal(names_signal(-3), "SIG-3");
}

static void check_argv(const char *want, size_t buflen, size_t arg_max, const char *a,
		       const char *b)
{
	char *argv[] = {(char *)a, (char *)b, NULL};
	char buf[256];
	size_t n;

	n = text_quote_argv(buf, buflen, argv, b ? 2 : 1, arg_max);
	if (strcmp(buf, want) != 0)
		fail_msg("got [%s], want [%s]", buf, want);
	assert_int_equal(n, strlen(want));
	assert_true(n < buflen);
}

static void test_argv_quoting(void **state)
{
	(void)state;
	check_argv("ls -l", 64, 120, "ls", "-l");
	check_argv("echo ''", 64, 120, "echo", "");
	check_argv("echo 'a b'", 64, 120, "echo", "a b");
	check_argv("echo \"it's\"", 64, 120, "echo", "it's");
	check_argv("echo 'it'\\''s $HOME'", 64, 120, "echo", "it's $HOME");
	check_argv("echo $'a\\nb\\tc'", 64, 120, "echo", "a\nb\tc");
	check_argv("echo $'\\x1b[2J\\u009b'", 64, 120, "echo", "\x1b[2J\xc2\x9b");
	check_argv("echo $'a\\xffb\\'c'", 64, 120, "echo",
		   "a\xff"
		   "b'c");
	check_argv("caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac", 64, 120, "caf\xc3\xa9",
		   "\xe6\x97\xa5\xe6\x9c\xac");
	check_argv("echo 'abc ...'", 64, 4, "echo", "abc def");
	check_argv("ech... abc...", 64, 3, "echo", "abcdef");
	check_argv("echo \xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9ex...", 64, 4, "echo",
		   "\xe6\x97\xa5\xe6\x9c\xac\xe8\xaa\x9exx");
	check_argv("echo ...", 10, 120, "echo", "0123456789");
	check_argv("...", 4, 120, "0123456789", NULL);
	check_argv("", 3, 120, "0123456789", NULL);
}

static void test_utf8(void **state)
{
	(void)state;
	assert_int_equal(text_utf8_len("a", 1), 1);
	assert_int_equal(text_utf8_len("\xc3\xa9", 2), 2);
	assert_int_equal(text_utf8_len("\xc3\xa9", 1), 0);     /* cut short */
	assert_int_equal(text_utf8_len("\xc0\xaf", 2), 0);     /* overlong */
	assert_int_equal(text_utf8_len("\xed\xa0\x80", 3), 0); /* surrogate */
	assert_int_equal(text_utf8_len("\xe6\x97\xa5", 3), 3);
	assert_int_equal(text_utf8_len("\xf0\x9f\x98\x80", 4), 4);
	assert_int_equal(text_utf8_len("\xf4\x90\x80\x80", 4), 0); /* past U+10FFFF */
	assert_int_equal(text_utf8_len("\xff", 1), 0);
}

/* Nothing but printable ASCII reaches the terminal. */
static void test_sanitize(void **state)
{
	char s[64];

	(void)state;
	snprintf(s, sizeof(s), "a\tb\x1b[2J\xc2\x9b\x7f caf\xc3\xa9 \xff!");
	text_sanitize(s);
	assert_string_equal(s, "a b?[2J?? caf? ?!");
}

/* The visible form of one character (text_visible_char) and its columns. */
static void assert_visible(const char *in, size_t n, bool utf8, const char *want, int cols,
			   size_t took)
{
	char out[TEXT_VISIBLE_MAX];
	int c = -1;

	assert_int_equal(text_visible_char(in, n, utf8, out, &c), took);
	assert_string_equal(out, want);
	assert_int_equal(c, cols);
}

/* A program's output made visible: no control or escape byte is ever left raw, printable
 * characters stay (in UTF-8), each form with its columns for wrapping. */
static void test_visible(void **state)
{
	(void)state;
	assert_non_null(setlocale(LC_CTYPE, "C.UTF-8"));
	assert_visible("a", 1, true, "a", 1, 1);
	assert_visible("\t", 1, true, " ", 1, 1);
	assert_visible("\x1b[2J", 4, true, "\\x1b", 4, 1);
	assert_visible("\r", 1, true, "\\r", 2, 1);
	assert_visible("\n", 1, true, "\\x0a", 4, 1);
	assert_visible("\x07", 1, true, "\\x07", 4, 1);
	assert_visible("\x7f", 1, true, "\\x7f", 4, 1);
	assert_visible("\xff", 1, true, "\\xff", 4, 1);		       /* invalid */
	assert_visible("\xc3", 1, true, "\\xc3", 4, 1);		       /* cut short */
	assert_visible("\xc2\x9b", 2, true, "\\u009b", 6, 2);	       /* C1: CSI */
	assert_visible("\xc3\xa9", 2, true, "\xc3\xa9", 1, 2);	       /* é */
	assert_visible("\xc3\xa9", 2, false, "\\u00e9", 6, 2);	       /* é in ASCII */
	assert_visible("\xe6\x97\xa5", 3, true, "\xe6\x97\xa5", 2, 3); /* wide */
	assert_visible("\xe2\x80\xae", 3, true, "\\u202e", 6, 3);      /* bidi override */
	assert_visible("\xe2\x80\x8b", 3, true, "\\u200b", 6, 3);      /* zero width */
	assert_visible("\xf0\x9f\x98\x80", 4, true, "\xf0\x9f\x98\x80", 2, 4);
	assert_visible("\xf0\x9f\x98\x80", 4, false, "\\U0001f600", 10, 4);
	setlocale(LC_CTYPE, "C");
}

/* A program's output made safe: every control a visible escape, cut to fit with "...". */
static void test_escape(void **state)
{
	char buf[64];

	(void)state;
	assert_int_equal(text_escape(buf, sizeof(buf), "plain \xc3\xa9", 8), 8);
	assert_string_equal(buf, "plain \xc3\xa9");
	text_escape(buf, sizeof(buf), "\x1b[2J\x1b]0;t\x07\r\tx\x7f", 14);
	assert_string_equal(buf, "\\x1b[2J\\x1b]0;t\\x07\\r x\\x7f");
	text_escape(buf, sizeof(buf), "a\0b\xff\xc2\x9b\xc0\xaf", 8);
	assert_string_equal(buf, "a\\x00b\\xff\\u009b\\xc0\\xaf");
	/* cut: whole escapes only, and "..." */
	assert_int_equal(text_escape(buf, 10, "\x1b\x1b\x1b\x1b", 4), 7);
	assert_string_equal(buf, "\\x1b...");
	assert_int_equal(text_escape(buf, 4, "abcdef", 6), 3);
	assert_string_equal(buf, "...");
	assert_int_equal(text_escape(buf, 4, "abc", 3), 3);
	assert_string_equal(buf, "abc");
	assert_int_equal(text_escape(buf, 1, "abc", 3), 0);
	assert_string_equal(buf, "");
	assert_int_equal(text_escape(buf, sizeof(buf), "", 0), 0);
	assert_string_equal(names_stream(1), "stdout");
	assert_string_equal(names_stream(2), "stderr");
	assert_string_equal(names_stream(0), "?");
	assert_string_equal(names_event_type(FS_EV_OUTPUT), "output");
	assert_string_equal(names_event_type(FS_EV_CHANNEL), "chan");
	for (int r = 0; r < FS_CHANNEL_REJECT_COUNT; r++) {
		assert_string_not_equal(names_channel_reject((enum fs_channel_reject)r), "?");
		assert_string_not_equal(names_channel_reject_long((enum fs_channel_reject)r), "?");
	}
	assert_string_equal(names_channel_reject_long(FS_CHANNEL_REJECT_COUNT), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_roles),	 cmocka_unit_test(test_methods),
	    cmocka_unit_test(test_signal_names), cmocka_unit_test(test_sig_results),
	    cmocka_unit_test(test_states),	 cmocka_unit_test(test_durations),
	    cmocka_unit_test(test_command),	 cmocka_unit_test(test_argv_quoting),
	    cmocka_unit_test(test_utf8),	 cmocka_unit_test(test_sanitize),
	    cmocka_unit_test(test_visible),	 cmocka_unit_test(test_escape),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
