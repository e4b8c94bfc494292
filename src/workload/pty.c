/* The workload's terminal: posix_openpt, grantpt, unlockpt, ptsname; the window size; the
 * identity of the slave (inode and device) for the kernel's filter. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <termios.h>
#include <unistd.h>

#include "workload/pty.h"

#define PTY_ROWS 24
#define PTY_COLS 80

int pty_open(struct fs_pty *p, unsigned rows, unsigned cols)
{
	struct winsize ws = {.ws_row = (unsigned short)(rows ? rows : PTY_ROWS),
			     .ws_col = (unsigned short)(cols ? cols : PTY_COLS)};
	struct termios tio;
	struct stat st;
	char name[64];
	int rc;

	p->slave = -1;
	p->master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->master < 0)
		return -errno;
	if (grantpt(p->master) != 0 || unlockpt(p->master) != 0 ||
	    ptsname_r(p->master, name, sizeof(name)) != 0) {
		rc = errno ? -errno : -EIO;
		goto fail;
	}
	p->slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (p->slave < 0 || fstat(p->slave, &st) != 0) {
		rc = -errno;
		goto fail;
	}
	p->ino = st.st_ino;
	p->kdev = (uint32_t)(major(st.st_dev) << 20 | minor(st.st_dev));
	/* "\n" stays "\n" on the master; the kernel copies what programs write anyway */
	if (tcgetattr(p->slave, &tio) == 0) {
		tio.c_oflag &= ~(tcflag_t)ONLCR;
		tcsetattr(p->slave, TCSANOW, &tio);
	}
	ioctl(p->master, TIOCSWINSZ, &ws);
	fcntl(p->master, F_SETFL, fcntl(p->master, F_GETFL) | O_NONBLOCK);
	return 0;
fail:
	pty_close(p);
	return rc;
}

void pty_give(const struct fs_pty *p, uid_t uid, gid_t gid)
{
	if (p->slave >= 0 && fchown(p->slave, uid, gid) != 0)
		return; /* the open slave still works; only a reopen of it would fail */
}

size_t pty_drain(const struct fs_pty *p)
{
	char buf[65536];
	size_t total = 0;
	ssize_t n;

	while (p->master >= 0 && (n = read(p->master, buf, sizeof(buf))) > 0)
		total += (size_t)n;
	return total;
}

void pty_close(struct fs_pty *p)
{
	if (p->master >= 0)
		close(p->master);
	if (p->slave >= 0)
		close(p->slave);
	p->master = p->slave = -1;
}
