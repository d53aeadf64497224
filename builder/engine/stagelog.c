#include "engine/stagelog.h"
#include "lib/outfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* Why the running stage's log could not be created (0: it was): the stage
 * runs with its log on /dev/null, and fails in stagelog_close. */
static int log_open_errno;
static const char *log_stage; /* the running stage's name */

static char *log_path(const struct run *r, const char *stage)
{
	return xasprintf("%s/%s.log", r->logdir, stage);
}

void stagelog_line(size_t index, size_t total, const char *stage, const char *status, double seconds,
		   const char *note)
{
	fprintf(stderr, "[%2zu/%zu] %-10s %-11s %7.1fs%s%s\n", index + 1, total, stage, status, seconds,
		note ? "  " : "", note ? note : "");
}

void stagelog_begin(struct run *r, const char *stage, const char *why)
{
	char *path = log_path(r, stage);
	log_stage = stage;
	r->log = fopen(path, "w");
	log_open_errno = r->log ? 0 : errno;
	if (!r->log)
		r->log = fopen("/dev/null", "w");
	setvbuf(r->log, NULL, _IOLBF, 0);
	time_t now = time(NULL);
	char when[64];
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S UTC", gmtime(&now));
	fprintf(r->log, "# kbuild %s, profile %s, %s\n# runs because: %s\n", stage, r->set->name, when,
		why ? why : "never run");
	if (r->tty)
		fprintf(stderr, "        %-10s running...\r", stage);
	free(path);
}

static void close_log(struct run *r)
{
	if (r->log) {
		fclose(r->log);
		r->log = NULL;
	}
}

int stagelog_close(struct run *r)
{
	if (!r->log)
		return 0;
	char *path = log_path(r, log_stage ? log_stage : "stage");
	int rc = fclose_checked(r->log, path);
	r->log = NULL;
	if (rc == 0 && log_open_errno)
		rc = kb_fail("cannot create %s: %s", path, strerror(log_open_errno));
	free(path);
	return rc;
}

void stagelog_end(struct run *r, size_t index, size_t total, const char *stage, double seconds)
{
	close_log(r);
	stagelog_line(index, total, stage, "done", seconds, NULL);
}

void stagelog_fail(struct run *r, size_t index, size_t total, const char *stage, double seconds)
{
	/* The error goes into the log too, so the log alone tells the story. */
	char *err = xstrdup(kb_last_error());
	if (r->log)
		fprintf(r->log, "kbuild: %s failed: %s\n", stage, err);
	close_log(r);
	stagelog_line(index, total, stage, "FAILED", seconds, NULL);
	char *path = log_path(r, stage);
	char *tail = file_tail(path, 20, 8192);
	fprintf(stderr, "---- last lines of %s ----\n%s%s----\nkbuild: %s: %s\n", path, tail,
		*tail && tail[strlen(tail) - 1] != '\n' ? "\n" : "", stage, err);
	free(tail);
	free(path);
	free(err);
}

int stagelog_fatal(const char *msg)
{
	fprintf(stderr, "kbuild: %s\n", msg);
	return 1;
}
