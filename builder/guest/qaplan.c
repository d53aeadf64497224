#define _GNU_SOURCE
#include "guest/qaplan.h"
#include "kconfig/fragment.h"

#include <stdlib.h>
#include <string.h>

/* Run order: tests that change state others rely on (somaxconn, the port
 * range, the TIME_WAIT cap, tw_recycle) one at a time first, then the ones
 * that mostly wait, side by side (qa_concurrent_tests). */
const char *const qa_all_tests[] = {"modules",	  "sysctl",	  "backlog",   "tw_buckets",
				    "port_range", "tw_reuse",	  "tw_recycle", "tcp_timewait",
				    "fin_timeout", "keepalive",	  "syn_backlog", NULL};

/* Tests whose sysctls and sockets no other concurrent one touches: the
 * runner overlaps their waits ("& " plan lines). */
static const char *const qa_concurrent_tests[] = {"tcp_timewait", "fin_timeout", "keepalive",
						  "syn_backlog", NULL};

static bool qa_concurrent(const char *name)
{
	for (const char *const *t = qa_concurrent_tests; *t; t++)
		if (!strcmp(*t, name))
			return true;
	return false;
}

int qaplan_tests(const struct run *r, struct strv *names)
{
	if (!profile_get_list(r->prof, "qa", "tests", names)) {
		for (const char *const *t = qa_all_tests; *t; t++)
			strv_push(names, *t);
		return 0;
	}
	for (size_t i = 0; i < names->n; i++) {
		bool known = false;
		for (const char *const *t = qa_all_tests; *t; t++)
			known |= !strcmp(*t, names->v[i]);
		if (!known) {
			const struct profile_value *v = profile_value(r->prof, "qa", "tests");
			char *known_list = xstrdup("");
			for (const char *const *t = qa_all_tests; *t; t++) {
				char *l = xasprintf("%s%s%s", known_list, *known_list ? " " : "", *t);
				free(known_list);
				known_list = l;
			}
			kb_fail("%s: unknown self-test '%s' (known: %s)", v ? v->origin : "tests",
				names->v[i], known_list);
			free(known_list);
			return -1;
		}
	}
	return 0;
}

size_t qaplan_join_sysctls(const struct strv *words, struct strv *out)
{
	for (size_t i = 0; i < words->n; i++) {
		if (out->n && !strchr(words->v[i], '=') && strchr(out->v[out->n - 1], '=')) {
			char *joined = xasprintf("%s %s", out->v[out->n - 1], words->v[i]);
			free(out->v[out->n - 1]);
			out->v[out->n - 1] = joined;
		} else {
			strv_push(out, words->v[i]);
		}
	}
	return out->n;
}

size_t qaplan_sysctls(const struct run *r, struct strv *out)
{
	struct strv words = {0};
	profile_get_list(r->prof, "qa", "sysctl", &words);
	qaplan_join_sysctls(&words, out);
	strv_free(&words);
	return out->n;
}

/* The compiled-in TIME_WAIT length the tcp_timewait test expects. */
static char *tw_default(const struct run *r)
{
	char *dotconfig = path_join(r->objdir, ".config");
	struct kopt_set cfg = {0};
	char *v = NULL;
	if (dotconfig_read(dotconfig, &cfg) == 0) {
		const struct kopt *o = kopt_set_find(&cfg, "TCP_TW_TIMEOUT");
		if (o)
			v = xstrdup(o->value);
	}
	kb_clear_error();
	kopt_set_free(&cfg);
	free(dotconfig);
	/* Without the option the kernel is unpatched: the upstream 60 s is what
	 * it has, and the test will report the missing sysctl. */
	return v ? v : xstrdup("60");
}

int qaplan_text(const struct run *r, char **text)
{
	struct strv names = {0};
	if (qaplan_tests(r, &names) < 0)
		return -1;
	size_t cap = 1024, n = 0;
	char *buf = xmalloc(cap);
	buf[0] = '\0';
	for (size_t i = 0; i < names.n; i++) {
		struct strv args = {0};
		const char *t = names.v[i];
		if (!strcmp(t, "modules")) {
			profile_get_list(r->prof, "qa", "modules", &args);
		} else if (!strcmp(t, "tcp_timewait")) {
			strv_push(&args, "--default");
			strv_push_owned(&args, tw_default(r));
			strv_push(&args, "--short");
			strv_push(&args, "2");
		} else if (!strcmp(t, "sysctl")) {
			profile_get_list(r->prof, "qa", "sysctl", &args);
		}
		char *line = xasprintf("%s%s /qa/%s", qa_concurrent(t) ? "& " : "", t, t);
		for (size_t j = 0; j < args.n; j++) {
			char *l2 = xasprintf("%s %s", line, args.v[j]);
			free(line);
			line = l2;
		}
		while (n + strlen(line) + 2 > cap)
			buf = xrealloc(buf, cap *= 2);
		n += (size_t)sprintf(buf + n, "%s\n", line);
		free(line);
		strv_free(&args);
	}
	strv_free(&names);
	*text = buf;
	return 0;
}
