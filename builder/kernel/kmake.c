#include "kernel/kmake.h"
#include "lib/tools.h"
#include "lib/spawn.h"
#include "kernel/toolchain.h"
#include "core/records.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

void kmake_env(const struct run *r, struct strv *env)
{
	long long epoch = 0;
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	struct source_date_rec recorded;
	if (sde && *sde)
		epoch = atoll(sde);
	else if (source_date_rec_get(r, &recorded) == 0)
		epoch = recorded.epoch;
	kb_clear_error(); /* no record yet: the epoch is 0 */
	time_t t = (time_t)epoch;
	char when[64];
	strftime(when, sizeof(when), "%a %b %e %H:%M:%S UTC %Y", gmtime(&t));
	strv_push_owned(env, xasprintf("KBUILD_BUILD_TIMESTAMP=%s", when));
	strv_push(env, "KBUILD_BUILD_USER=kbuild");
	strv_push(env, "KBUILD_BUILD_HOST=kbuild");
	/* The "#N" in the version banner counts builds in this tree otherwise. */
	strv_push(env, "KBUILD_BUILD_VERSION=1");
	strv_push_owned(env, xasprintf("SOURCE_DATE_EPOCH=%lld", epoch));
	/* Object files must not record where this output directory lives. */
	strv_push_owned(env, xasprintf("KCFLAGS=-ffile-prefix-map=%s/= -ffile-prefix-map=%s/=", r->srcdir,
				       r->objdir));
	/* Lets ccache hit across output directories (paths become relative). */
	strv_push_owned(env, xasprintf("CCACHE_BASEDIR=%s", r->outdir));
	strv_push(env, "LC_ALL=C");
}

void kmake_command(const struct run *r, struct strv *argv, struct strv *env)
{
	strv_push(argv, "make");
	strv_push(argv, "-C");
	strv_push(argv, r->srcdir);
	toolchain_make_vars(r, argv);
	kmake_env(r, env);
}

struct stream_ctx {
	struct run *r;
	struct buildlog *b;
	size_t total;
	double last_report;
};

static void on_line(const char *line, void *vctx)
{
	struct stream_ctx *c = vctx;
	fprintf(c->r->log, "%s\n", line);
	if (!buildlog_line(c->b, line))
		return;
	double now = now_seconds();
	size_t n = c->b->steps;
	if (c->r->tty && now - c->last_report > 0.2) {
		if (c->total)
			fprintf(stderr, "        build      %3zu%% (%zu of ~%zu steps)\r",
				n * 100 / (n > c->total ? n : c->total), n, c->total);
		else
			fprintf(stderr, "        build      %zu steps\r", n);
		c->last_report = now;
	} else if (!c->r->tty && now - c->last_report > 30) {
		if (c->total)
			fprintf(stderr, "        build: %zu of ~%zu steps\n", n, c->total);
		else
			fprintf(stderr, "        build: %zu steps\n", n);
		c->last_report = now;
	}
}

int kmake(struct run *r, const char *const *targets, size_t n, long jobs, struct buildlog *b,
	  size_t progress_total)
{
	if (tool_require("make") < 0)
		return -1;
	struct strv argv = {0}, env = {0};
	kmake_command(r, &argv, &env);
	if (jobs > 0)
		strv_push_owned(&argv, xasprintf("-j%ld", jobs));
	for (size_t i = 0; i < n; i++)
		strv_push(&argv, targets[i]);
	char *cmd = argv_to_string(strv_argv(&argv));
	fprintf(r->log, "$ %s\n", cmd);
	free(cmd);
	struct buildlog local = {0};
	struct stream_ctx ctx = {.r = r,
				 .b = b ? b : &local,
				 .total = progress_total,
				 .last_report = now_seconds()};
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = -1, .stderr_fd = -1, .env_add = strv_argv(&env)};
	int st = spawn_lines(strv_argv(&argv), &o, on_line, &ctx);
	if (r->tty)
		fprintf(stderr, "%60s\r", "");
	buildlog_free(&local);
	strv_free(&argv);
	/* env strings were handed to putenv in the child only; free them here. */
	strv_free(&env);
	return st;
}

char *kmake_release(const struct run *r)
{
	char *p = path_join(r->objdir, "include/config/kernel.release");
	char *rel = read_file(p, NULL);
	free(p);
	if (!rel)
		return NULL;
	rel[strcspn(rel, "\n")] = '\0';
	return rel;
}
