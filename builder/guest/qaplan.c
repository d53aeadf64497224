#include "guest/qaplan.h"
#include "kconfig/fragment.h"
#include "guest/init_data.h"

#include <stdlib.h>
#include <string.h>

/* Read QA_TESTS_LIST: every name into names, those marked "&" (may run
 * side by side with their marked neighbours) also into concurrent. */
static int read_list(const struct run *r, struct strv *names, struct strv *concurrent)
{
	char *path = home_path(r, QA_TESTS_LIST);
	char *text = read_text(path, NULL);
	free(path);
	if (!text)
		return -1;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		line[strcspn(line, "#")] = '\0';
		/* Every '&' is the mark, as for the Makefile's sed. */
		bool marked = false;
		for (char *amp; (amp = strchr(line, '&')); marked = true)
			*amp = ' ';
		struct strv words = {0};
		strv_split(&words, line);
		for (size_t i = 0; i < words.n; i++) {
			strv_push(names, words.v[i]);
			if (marked && concurrent)
				strv_push(concurrent, words.v[i]);
		}
		strv_free(&words);
	}
	free(text);
	return 0;
}

int qaplan_known(const struct run *r, struct strv *names)
{
	return read_list(r, names, NULL);
}

bool qaplan_concurrent(const struct run *r, const char *name)
{
	struct strv names = {0}, concurrent = {0};
	bool found = false;
	if (read_list(r, &names, &concurrent) == 0)
		for (size_t i = 0; i < concurrent.n; i++)
			found |= !strcmp(concurrent.v[i], name);
	strv_free(&names);
	strv_free(&concurrent);
	return found;
}

int qaplan_tests(const struct run *r, struct strv *names)
{
	struct strv known = {0};
	if (qaplan_known(r, &known) < 0)
		return -1;
	int rc = 0;
	const struct strv *asked = r->set->qa.tests.n ? &r->set->qa.tests : &known;
	for (size_t k = 0; k < asked->n; k++)
		strv_push(names, asked->v[k]);
	for (size_t i = 0; i < names->n && rc == 0; i++) {
		bool ok = false;
		for (size_t k = 0; k < known.n; k++)
			ok |= !strcmp(known.v[k], names->v[i]);
		if (!ok) {
			char *list = strv_join(&known, " ");
			rc = kb_fail("%s: unknown self-test '%s' (known, from %s: %s)",
				     settings_origin(r->set, &r->set->qa.tests), names->v[i], QA_TESTS_LIST,
				     list);
			free(list);
		}
	}
	strv_free(&known);
	return rc;
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
	return qaplan_join_sysctls(&r->set->qa.sysctl, out);
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
	if (qaplan_tests(r, &names) < 0) {
		strv_free(&names); /* the names read before the bad one (found by ASan) */
		return -1;
	}
	size_t cap = 1024, n = 0;
	char *buf = xmalloc(cap);
	buf[0] = '\0';
	for (size_t i = 0; i < names.n; i++) {
		struct strv args = {0};
		const char *t = names.v[i];
		if (!strcmp(t, "modules")) {
			for (size_t k = 0; k < r->set->qa.modules.n; k++)
				strv_push(&args, r->set->qa.modules.v[k]);
		} else if (!strcmp(t, "tcp_timewait")) {
			strv_push(&args, "--default");
			strv_push_owned(&args, tw_default(r));
			strv_push(&args, "--short");
			strv_push(&args, "2");
		} else if (!strcmp(t, "sysctl")) {
			for (size_t k = 0; k < r->set->qa.sysctl.n; k++)
				strv_push(&args, r->set->qa.sysctl.v[k]);
		}
		bool concurrent = qaplan_concurrent(r, t);
		char *line = xasprintf("%s%s /" INIT_QA_DIR "/%s", concurrent ? "& " : "", t, t);
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
