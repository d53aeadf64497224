#include "source/patch_apply.h"
#include "source/patch_proof.h"
#include "lib/outfile.h"
#include "lib/tools.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define SKIPPED_MARK "skipped"
/* Written before patch runs for real and replaced when it is done: a run
 * interrupted in between leaves it, and the next run re-extracts the tree
 * instead of finding a patch applied that the record does not list. */
#define APPLYING_MARK "applying"

/* ---- the applied list ---- */

void applied_free(struct applied *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->l[i].name);
	free(r->l);
	*r = (struct applied){0};
}

int applied_load(const char *path, struct applied *rec)
{
	*rec = (struct applied){0};
	if (!path_exists(path))
		return 0;
	char *text = read_text(path, NULL);
	if (!text)
		return -1;
	unsigned line = 0;
	int r = 0;
	for (char *p = text, *nl; p && *p; p = nl ? nl + 1 : NULL) {
		nl = strchr(p, '\n');
		if (nl)
			*nl = '\0';
		line++;
		if (!*p)
			continue;
		char sha[SHA256_HEX_LEN + 1], name[4096], mark[16];
		int got = sscanf(p, "%64s %4095s %15s", sha, name, mark);
		bool skipped = got == 3 && !strcmp(mark, SKIPPED_MARK);
		bool applying = got == 3 && !strcmp(mark, APPLYING_MARK);
		if (got < 2 || !sha256_valid_hex(sha) || (got == 3 && !skipped && !applying)) {
			r = kb_fail("%s:%u: malformed applied-patches record; the tree must be re-extracted",
				    path, line);
			break;
		}
		rec->l = xrealloc(rec->l, (rec->n + 1) * sizeof(*rec->l));
		struct applied_line *l = &rec->l[rec->n++];
		memcpy(l->sha256, sha, sizeof(sha));
		l->name = xstrdup(name);
		l->state = skipped ? PATCH_SKIPPED : applying ? PATCH_APPLYING : PATCH_APPLIED;
	}
	free(text);
	if (r < 0)
		applied_free(rec);
	return r;
}

static int applied_write(const char *path, const struct applied *rec)
{
	size_t cap = 1, len = 0;
	for (size_t i = 0; i < rec->n; i++)
		cap += SHA256_HEX_LEN + strlen(rec->l[i].name) + sizeof(SKIPPED_MARK) + 3;
	char *buf = xmalloc(cap);
	for (size_t i = 0; i < rec->n; i++)
		len += (size_t)sprintf(buf + len, "%s %s%s\n", rec->l[i].sha256, rec->l[i].name,
				       rec->l[i].state == PATCH_SKIPPED    ? " " SKIPPED_MARK
				       : rec->l[i].state == PATCH_APPLYING ? " " APPLYING_MARK
									   : "");
	int r = write_file_atomic(path, buf, len);
	free(buf);
	return r;
}

static void applied_add(struct applied *rec, const struct series_entry *e, enum patch_state state)
{
	rec->l = xrealloc(rec->l, (rec->n + 1) * sizeof(*rec->l));
	struct applied_line *l = &rec->l[rec->n++];
	memcpy(l->sha256, e->sha256, sizeof(l->sha256));
	l->name = xstrdup(e->name);
	l->state = state;
}

/* A run interrupted while patch ran (forwards or in reverse) leaves an
 * "applying" line: nobody knows what that patch left in the tree. */
static int applied_check(const struct applied *rec, const char *path)
{
	for (size_t i = 0; i < rec->n; i++)
		if (rec->l[i].state == PATCH_APPLYING)
			return kb_fail(
				"a run was interrupted while patch %s was being applied or reversed (%s); "
				"the tree must be re-extracted",
				rec->l[i].name, path);
	return 0;
}

/* ---- running patch ---- */

enum {
	PATCH_DRY_RUN = 1,
	PATCH_REVERSE = 2,
	PATCH_VERBOSE = 4, /* "checking/patching file X" names the failing file */
};

/* Run GNU patch on tree, output (stdout and stderr) into *out. Returns the
 * exit status, or -1 with kb_fail() when it could not be run. */
static int run_patch(const struct series_entry *e, const char *tree, int flags, char **out)
{
	static char lc_all[] = "LC_ALL=C"; /* messages are parsed below */
	char *const env[] = {lc_all, NULL};
	char strip[16];
	snprintf(strip, sizeof(strip), "-p%d", e->strip);
	const char *argv[16];
	size_t n = 0;
	argv[n++] = "patch";
	argv[n++] = strip;
	argv[n++] = "-N";
	if (flags & PATCH_REVERSE)
		argv[n++] = "-R";
	if (flags & PATCH_DRY_RUN)
		argv[n++] = "--dry-run";
	if (!(flags & PATCH_VERBOSE))
		argv[n++] = "-s";
	argv[n++] = "--batch";
	argv[n++] = "--no-backup-if-mismatch";
	argv[n++] = "-d";
	argv[n++] = tree;
	argv[n++] = "-i";
	argv[n++] = e->path;
	argv[n] = NULL;

	FILE *f = tmpfile();
	if (!f)
		return kb_fail("cannot create a temporary file for patch output: %s", strerror(errno));
	struct spawn_opts o = {.stdin_fd = -1, .stdout_fd = fileno(f), .stderr_fd = -1, .env_add = env};
	int st = spawn_run((char *const *)argv, &o);
	if (st == 127) /* GNU patch itself exits with 0, 1 or 2 */
		st = tool_missing_or_failed("patch");
	if (st >= 0) {
		rewind(f);
		size_t cap = 4096, len = 0, got;
		char *buf = xmalloc(cap);
		while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0)
			if ((len += got) == cap - 1)
				buf = xrealloc(buf, cap *= 2);
		buf[len] = '\0';
		*out = buf;
	}
	fclose(f);
	return st;
}

/* Copy patch's output to the log, indented; quiet drops the "checking file"
 * line a successful dry-run prints for every file, keeping offsets and fuzz. */
static void log_output(FILE *log, const char *what, const char *out, bool quiet)
{
	if (!log)
		return;
	bool header = false;
	for (const char *p = out; *p;) {
		size_t len = strcspn(p, "\n");
		if (!quiet || strncmp(p, "checking file ", 14)) {
			if (!header)
				fprintf(log, "%s:\n", what);
			header = true;
			fprintf(log, "  %.*s\n", (int)len, p);
		}
		p += len + (p[len] == '\n');
	}
}

/* Strip the quotes patch puts around names with unusual characters. */
static char *unquote(const char *s, size_t len)
{
	if (len >= 2 && (s[0] == '\'' || s[0] == '"') && s[len - 1] == s[0])
		return xstrndup(s + 1, len - 2);
	return xstrndup(s, len);
}

static bool starts(const char *line, const char *prefix)
{
	return strncmp(line, prefix, strlen(prefix)) == 0;
}

/* Turn patch's dry-run output into one line: the file and the first failing
 * hunk, a missing file, a reversed patch, or patch's own fatal message. */
static char *explain_failure(const char *out, int status)
{
	char *file = NULL, *first = NULL, *fatal = NULL, *missing_name = NULL;
	unsigned failed_hunks = 0;
	bool in_header = false, missing = false;
	for (const char *p = out; *p;) {
		size_t len = strcspn(p, "\n");
		char *line = xstrndup(p, len);
		p += len + (p[len] == '\n');
		if (starts(line, "checking file ") || starts(line, "patching file ")) {
			free(file);
			file = unquote(line + 14, strlen(line + 14));
		} else if (starts(line, "Hunk #") && strstr(line, " FAILED at ")) {
			failed_hunks++;
			if (!first) {
				size_t l = strlen(line);
				if (l && line[l - 1] == '.')
					line[l - 1] = '\0';
				first = xasprintf("file %s: %s", file ? file : "?", line);
			}
		} else if (starts(line, "can't find file to patch")) {
			in_header = true;
			missing = true;
			free(missing_name);
			missing_name = NULL;
		} else if (in_header && (starts(line, "|+++ ") || starts(line, "|--- "))) {
			/* name the file from the diff header, as written in the patch;
			 * the new name ("+++") wins over the old one */
			const char *n = line + 5;
			char *name = unquote(n, strcspn(n, "\t"));
			if (strcmp(name, "/dev/null") && (line[1] == '+' || !missing_name)) {
				free(missing_name);
				missing_name = name;
			} else {
				free(name);
			}
		} else if (starts(line, "No file to patch")) {
			in_header = false;
			if (!first)
				first = xasprintf("can't find file to patch: %s (wrong -p level?)",
						  missing_name ? missing_name : "?");
		} else if (strstr(line, ": git binary diffs are not supported")) {
			/* "File x.bin: git binary diffs are not supported." */
			if (!first) {
				size_t l = strlen(line);
				if (l && line[l - 1] == '.')
					line[l - 1] = '\0';
				first = xasprintf("%s (GNU patch cannot apply a binary diff: make the file "
						  "another way, or ship it beside the series)",
						  line);
			}
		} else if (starts(line, "Ignoring potentially dangerous file name ")) {
			/* GNU patch skips an absolute or ".." name, then cannot find the file */
			if (!first)
				first = xasprintf(
					"the patch names the unsafe path %s (absolute or with '..'); "
					"refusing it",
					line + 41);
		} else if (starts(line, "Reversed (or previously applied) patch detected")) {
			if (!first)
				first = xasprintf("file %s: reversed or previously applied",
						  file ? file : "?");
		} else if (starts(line, "patch: **** ") && !fatal) {
			fatal = xstrdup(line);
		}
		free(line);
	}
	if (!first && missing)
		first = xstrdup("can't find file to patch");
	char *msg;
	if (fatal)
		msg = xstrdup(fatal);
	else if (first && failed_hunks > 1)
		msg = xasprintf("%s (%u hunks failed in all)", first, failed_hunks);
	else if (first)
		msg = xstrdup(first);
	else
		msg = xasprintf("patch exited with status %d", status);
	free(file);
	free(missing_name);
	free(first);
	free(fatal);
	return msg;
}

/* The names on one "checking file X" / "patching file X" line of patch's
 * output: X, and for a git-style rename or copy "X (renamed from Y)" both. */
static void line_names(const char *p, size_t len, struct strv *names)
{
	const char *name = p + 14;
	size_t n = len - 14;
	static const char *const how[] = {" (renamed from ", " (copied from "};
	for (size_t k = 0; k < 2 && n && name[n - 1] == ')'; k++) {
		const char *at = memmem(name, n, how[k], strlen(how[k]));
		if (at) {
			const char *from = at + strlen(how[k]);
			strv_push_owned(names, unquote(from, (size_t)(name + n - 1 - from)));
			n = (size_t)(at - name);
			break;
		}
	}
	strv_push_owned(names, unquote(name, n));
}

/* The files patch reported, relative to the tree, each once; true when one
 * of them appears twice (more than one section of the patch touches it). */
static bool files_listed_twice(const char *out, struct strv *files)
{
	bool twice = false;
	for (const char *p = out; *p;) {
		size_t len = strcspn(p, "\n");
		if (len > 14 && (!strncmp(p, "checking file ", 14) || !strncmp(p, "patching file ", 14))) {
			struct strv names = {0};
			line_names(p, len, &names);
			for (size_t k = 0; k < names.n; k++) {
				bool seen = false;
				for (size_t i = 0; i < files->n && !seen; i++)
					seen = !strcmp(files->v[i], names.v[k]);
				if (seen)
					twice = true;
				else
					strv_push(files, names.v[k]);
			}
			strv_free(&names);
		}
		p += len + (p[len] == '\n');
	}
	return twice;
}

static bool safe_relative(const char *name)
{
	if (name[0] == '/' || !strcmp(name, ".."))
		return false;
	return !strstr(name, "/../") && strncmp(name, "../", 3) &&
	       !(strlen(name) >= 3 && !strcmp(name + strlen(name) - 3, "/.."));
}

/* GNU patch's --dry-run does not carry a file's changes from one section of
 * a patch to the next, so a patch touching a file twice can fail its dry-run
 * yet apply. Such a patch is tried for real on a scratch copy of the files
 * it touches instead. Returns patch's status, or -1 with kb_fail(). */
static int trial_in_copy(const struct series_entry *e, const char *tree, const struct strv *files, int flags,
			 char **out)
{
	const char *tmpdir = getenv("TMPDIR");
	char *scratch = xasprintf("%s/kbuild-patch-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
	if (!mkdtemp(scratch)) {
		kb_fail("cannot create %s: %s", scratch, strerror(errno));
		free(scratch);
		return -1;
	}
	int r = 0;
	for (size_t i = 0; i < files->n && r == 0; i++) {
		if (!safe_relative(files->v[i])) {
			r = kb_fail("patch %s names the unsafe path %s", e->name, files->v[i]);
			break;
		}
		char *from = path_join(tree, files->v[i]);
		char *to = path_join(scratch, files->v[i]);
		struct stat st;
		if (lstat(from, &st) == 0 && S_ISREG(st.st_mode)) {
			size_t len;
			char *data = read_file(from, &len);
			char *dir = xstrdup(to);
			*strrchr(dir, '/') = '\0';
			if (!data || mkdir_p(dir, 0755) < 0 || write_file_atomic(to, data, len) < 0 ||
			    chmod(to, st.st_mode & 07777) < 0)
				r = -1;
			free(data);
			free(dir);
		}
		free(from);
		free(to);
	}
	if (r == 0)
		r = run_patch(e, scratch, (flags & ~PATCH_DRY_RUN) | PATCH_VERBOSE, out);
	rm_rf(scratch);
	free(scratch);
	return r;
}

/* A dry run on tree, with the scratch-copy trial when the patch touches a
 * file more than once. */
static int dry_run(const struct series_entry *e, const char *tree, int flags, FILE *log, char **out)
{
	int st = run_patch(e, tree, flags | PATCH_DRY_RUN | PATCH_VERBOSE, out);
	if (st <= 0)
		return st;
	struct strv files = {0};
	if (files_listed_twice(*out, &files)) {
		char *tout = NULL;
		int tst = trial_in_copy(e, tree, &files, flags, &tout);
		if (tst >= 0) {
			if (log)
				fprintf(log, "%s touches a file twice; %s tried on a scratch copy instead\n",
					e->name, flags & PATCH_REVERSE ? "reversing" : "applying");
			free(*out);
			*out = tout;
			st = tst;
		}
	}
	strv_free(&files);
	return st;
}

static void log_fuzz(FILE *log, const struct series_entry *e, const char *out)
{
	if (log && strstr(out, " with fuzz "))
		fprintf(log, "warning: %s applies with fuzz; refresh it\n", e->name);
}

/* Dry-run one patch. Returns 0 when it applies (files: the files it
 * touches), 1 skipped (optional), -1 failed with the tree untouched. */
static int check_one(const struct series *s, const struct series_entry *e, const char *tree, FILE *log,
		     struct strv *files)
{
	char *out = NULL;
	int st = dry_run(e, tree, 0, log, &out);
	if (st < 0)
		return -1;
	log_output(log, "dry-run", out, st == 0);
	if (st != 0) {
		char *why = explain_failure(out, st);
		free(out);
		out = NULL;
		/* a patch that does not apply but reverses cleanly is already in the tree */
		int rst = dry_run(e, tree, PATCH_REVERSE, log, &out);
		bool already = rst == 0;
		if (rst >= 0)
			log_output(log, "reverse dry-run", out, true);
		free(out);
		int r;
		if (e->optional) {
			if (log)
				fprintf(log, "skipping optional patch %s (%s:%u): %s\n", e->name, s->file,
					e->line, already ? "already applied" : why);
			r = 1;
		} else if (already) {
			r = kb_fail(
				"patch %s (%s:%u) is already applied to %s (it reverses cleanly) but is "
				"not in the applied record: drop it from the series if the kernel already "
				"has it, or re-extract the tree",
				e->name, s->file, e->line, tree);
		} else {
			r = kb_fail("patch %s (%s:%u) does not apply to %s: %s; the tree is left as it was",
				    e->name, s->file, e->line, tree, why);
		}
		free(why);
		return r;
	}
	log_fuzz(log, e, out);
	files_listed_twice(out, files);
	free(out);
	return 0;
}

/* Apply one patch that passed check_one. Returns 0, -1, or SERIES_REEXTRACT
 * when patch failed after its dry-run succeeded (the tree may be half patched). */
static int apply_one(const struct series *s, const struct series_entry *e, const char *tree, FILE *log)
{
	char *out = NULL;
	int st = run_patch(e, tree, 0, &out);
	if (st < 0)
		return -1;
	log_output(log, "apply", out, false);
	if (st != 0) {
		char *why = explain_failure(out, st);
		free(out);
		kb_fail("patch %s (%s:%u) failed on %s after its dry-run succeeded: %s; the tree may be "
			"half patched and must be re-extracted",
			e->name, s->file, e->line, tree, why);
		free(why);
		return SERIES_REEXTRACT;
	}
	free(out);
	return 0;
}

/* ---- the proof: states before and after each patch ---- */

static char *dir_name(const char *rel)
{
	const char *slash = strrchr(rel, '/');
	return slash ? xstrndup(rel, (size_t)(slash - rel)) : xstrdup("");
}

/* The states of files before patch e runs, and for each file it creates the
 * nearest directory that exists already (reversing may remove it). */
static int record_before(const char *tree, const struct strv *files, struct strv *before,
			 struct proof_patch *pp)
{
	for (size_t i = 0; i < files->n; i++) {
		if (!safe_relative(files->v[i]) || strchr(files->v[i], '\n'))
			return kb_fail("patch %s names the unsafe path %s", pp->name, files->v[i]);
		char st[PROOF_STATE_LEN];
		if (proof_file_state(tree, files->v[i], st) < 0)
			return -1;
		strv_push(before, st);
		if (strcmp(st, "-"))
			continue;
		char *d = dir_name(files->v[i]);
		for (;;) {
			char *full = path_join(tree, d);
			bool there = !*d || is_dir(full);
			struct stat sb;
			if (there && *d && stat(full, &sb) == 0) {
				bool listed = false;
				for (size_t k = 0; k < pp->n_dirs && !listed; k++)
					listed = !strcmp(pp->d[k].path, d);
				if (!listed)
					proof_add_dir(pp, d, (unsigned)(sb.st_mode & 07777));
			}
			free(full);
			if (there)
				break;
			char *up = dir_name(d);
			free(d);
			d = up;
		}
		free(d);
	}
	return 0;
}

static bool dir_kept(const struct proof_patch *pp, const char *d)
{
	for (size_t k = 0; k < pp->n_dirs; k++)
		if (!strcmp(pp->d[k].path, d))
			return true;
	return false;
}

/* After patch -R: the directories the patch created are gone (GNU patch
 * removes those it leaves empty), the ones that were there are there, and
 * every file is back in the state it had before the patch. */
static int verify_reversed(const struct proof_patch *pp, const char *tree)
{
	for (size_t k = 0; k < pp->n_dirs; k++) {
		char *full = path_join(tree, pp->d[k].path);
		int r = 0;
		if (!is_dir(full) && (mkdir_p(full, 0755) < 0 || chmod(full, pp->d[k].mode) < 0))
			r = kb_fail("cannot restore the directory %s: %s", full, strerror(errno));
		free(full);
		if (r < 0)
			return -1;
	}
	for (size_t i = 0; i < pp->nf; i++) {
		const struct proof_file *f = &pp->f[i];
		char now[PROOF_STATE_LEN];
		if (proof_file_state(tree, f->path, now) < 0)
			return -1;
		if (strcmp(now, f->before))
			return kb_fail(
				"reversing %s did not give %s back as it was before the patch (%.12s..., "
				"now %.12s...)",
				pp->name, f->path, f->before, now);
		if (strcmp(f->before, "-"))
			continue;
		char *d = dir_name(f->path);
		while (*d && !dir_kept(pp, d)) {
			char *full = path_join(tree, d);
			bool there = is_dir(full) && rmdir(full) < 0;
			free(full);
			if (there) {
				int r = kb_fail(
					"reversing %s left the directory %s, which the patch created, with "
					"files in it",
					pp->name, d);
				free(d);
				return r;
			}
			char *up = dir_name(d);
			free(d);
			d = up;
		}
		free(d);
	}
	return 0;
}

/* Takes the last line of rec (patch pf->p[rec->n - 1]) out of the tree:
 * reverse dry-run, the "applying" mark, patch -R from the stored copy, the
 * states checked, then the record and the proof shortened. Returns 0, -1, or
 * SERIES_REEXTRACT (with kb_fail) when the tree cannot be proven. */
static int reverse_last(struct applied *rec, struct proof *pf, const char *tree, const char *applied_path,
			FILE *log)
{
	size_t i = rec->n - 1;
	struct proof_patch *pp = &pf->p[i];
	if (rec->l[i].state == PATCH_APPLIED) {
		char *copy = proof_copy_path(pf, pp->sha256);
		char hex[SHA256_HEX_LEN + 1] = "";
		if (!path_exists(copy) || sha256_file(copy, hex) < 0 || strcmp(hex, pp->sha256)) {
			kb_fail("the stored copy of %s (%s) is missing or changed", pp->name, copy);
			free(copy);
			return SERIES_REEXTRACT;
		}
		struct series_entry e = {.path = copy, .name = pp->name, .strip = pp->strip};
		if (log)
			fprintf(log, "reversing %s (-p%d)\n", pp->name, pp->strip);
		char *out = NULL;
		int st = dry_run(&e, tree, PATCH_REVERSE, log, &out);
		if (st != 0) {
			char *why = st > 0 ? explain_failure(out, st) : xstrdup(kb_last_error());
			if (st > 0)
				log_output(log, "reverse dry-run", out, false);
			kb_fail("patch %s does not reverse cleanly: %s", pp->name, why);
			free(why);
			free(out);
			free(copy);
			return SERIES_REEXTRACT;
		}
		free(out);
		out = NULL;
		rec->l[i].state = PATCH_APPLYING;
		if (applied_write(applied_path, rec) < 0) {
			free(copy);
			return -1;
		}
		st = run_patch(&e, tree, PATCH_REVERSE, &out);
		if (st != 0) {
			char *why = st > 0 ? explain_failure(out, st) : xstrdup(kb_last_error());
			if (st > 0)
				log_output(log, "reverse", out, false);
			kb_fail("patch -R %s failed after its dry-run succeeded: %s", pp->name, why);
			free(why);
			free(out);
			free(copy);
			return SERIES_REEXTRACT;
		}
		free(out);
		if (verify_reversed(pp, tree) < 0) {
			free(copy);
			return SERIES_REEXTRACT;
		}
		bool shared = false; /* two lines of the record with one content share the copy */
		for (size_t k = 0; k < i && !shared; k++)
			shared = !strcmp(pf->p[k].sha256, pp->sha256);
		if (!shared)
			unlink(copy);
		free(copy);
	} else if (log) {
		fprintf(log, "forgetting skipped optional patch %s\n", pp->name);
	}
	proof_truncate(pf, i);
	if (proof_write(pf) < 0)
		return -1;
	free(rec->l[i].name);
	rec->n = i;
	return applied_write(applied_path, rec);
}

/* The proof describes the record line for line (extra lines at its end are
 * those of a patch whose record line was not written: they are dropped). */
static bool proof_matches(struct proof *pf, const struct applied *rec)
{
	if (pf->n < rec->n)
		return false;
	for (size_t i = 0; i < rec->n; i++)
		if (strcmp(pf->p[i].name, rec->l[i].name) || strcmp(pf->p[i].sha256, rec->l[i].sha256))
			return false;
	proof_truncate(pf, rec->n);
	return true;
}

/* Apply s[from..] (the tree holds s[0..from) as rec and pf say), recording
 * the proof when proven. */
static int apply_rest(const struct series *s, size_t from, struct applied *rec, struct proof *pf, bool proven,
		      const char *tree, const char *applied_path, FILE *log)
{
	int r = 0;
	for (size_t i = from; i < s->n && r == 0; i++) {
		const struct series_entry *e = &s->e[i];
		if (log)
			fprintf(log, "applying %s (-p%d%s)\n", e->name, e->strip,
				e->optional ? ", optional" : "");
		/* applied from the stored copy, so what is in the tree is what can be reversed */
		struct series_entry ce = *e;
		char *copy = NULL;
		if (proven) {
			if (proof_store_copy(pf, e->path, e->sha256) < 0) {
				r = -1;
				break;
			}
			ce.path = copy = proof_copy_path(pf, e->sha256);
		}
		struct strv files = {0}, before = {0};
		int c = check_one(s, &ce, tree, log, &files);
		struct proof_patch *pp = NULL;
		if (c >= 0 && proven) {
			pp = proof_push(pf, e->sha256, e->strip, e->name);
			if (c == 0 && record_before(tree, &files, &before, pp) < 0)
				c = -1;
		}
		if (c < 0) {
			if (pp)
				proof_truncate(pf, pf->n - 1);
			bool used = false; /* another line of the record shares the copy */
			for (size_t k = 0; k < pf->n && copy && !used; k++)
				used = !strcmp(pf->p[k].sha256, e->sha256);
			if (copy && !used)
				unlink(copy);
			r = -1;
		} else {
			applied_add(rec, e, c == 1 ? PATCH_SKIPPED : PATCH_APPLYING);
			if (c == 0) {
				if ((r = applied_write(applied_path, rec)) == 0 &&
				    (r = apply_one(s, &ce, tree, log)) == 0 && pp) {
					for (size_t k = 0; k < files.n && r == 0; k++) {
						char after[PROOF_STATE_LEN];
						r = proof_file_state(tree, files.v[k], after);
						if (r == 0)
							proof_add_file(pp, files.v[k], before.v[k], after);
					}
				}
				/* on failure the record keeps "applying": the tree is suspect */
			}
			if (r == 0 && pp)
				r = proof_write(pf);
			if (r == 0) {
				rec->l[rec->n - 1].state = c == 1 ? PATCH_SKIPPED : PATCH_APPLIED;
				r = applied_write(applied_path, rec);
			}
		}
		strv_free(&files);
		strv_free(&before);
		free(copy);
	}
	return r;
}

int series_apply(const struct series *s, const char *tree, const char *applied_path, FILE *log)
{
	if (!is_dir(tree))
		return kb_fail("cannot patch %s: not a directory", tree);
	struct applied rec;
	if (applied_load(applied_path, &rec) < 0)
		return SERIES_REEXTRACT;
	if (applied_check(&rec, applied_path) < 0) {
		applied_free(&rec);
		return SERIES_REEXTRACT;
	}
	struct proof pf;
	int loaded = proof_load(applied_path, &pf);
	bool proven = loaded == 0 && proof_matches(&pf, &rec);
	if (!proven) {
		/* a record of an older kbuild, or one this record does not match:
		 * the tree can be added to, not taken from */
		if (log && rec.n)
			fprintf(log,
				"no record of the files the applied patches touched (%s); patches can "
				"be added but not reversed\n",
				loaded < 0 ? kb_last_error() : "none kept for this applied list");
		kb_clear_error();
		proof_forget(applied_path);
		proof_truncate(&pf, 0);
	}

	/* the longest prefix of the series the tree holds: names and contents */
	size_t keep = 0;
	while (keep < rec.n && keep < s->n && !strcmp(rec.l[keep].name, s->e[keep].name) &&
	       !strcmp(rec.l[keep].sha256, s->e[keep].sha256))
		keep++;

	int r = 0;
	if (rec.n && proven && (r = proof_check(&pf, tree)) < 0) {
		char *why = xstrdup(kb_last_error());
		kb_fail("the tree cannot be proven to hold what %s lists: %s", applied_path, why);
		free(why);
		r = SERIES_REEXTRACT;
	} else if (keep < rec.n && !proven) {
		kb_fail("%s holds %s as patch %zu, which the series %s %s; without a record of the files it "
			"touched it cannot be taken out: the tree must be re-extracted",
			applied_path, rec.l[keep].name, keep + 1, s->file,
			keep < s->n ? "has changed or put elsewhere" : "no longer has there");
		r = SERIES_REEXTRACT;
	} else if (keep < rec.n) {
		if (log)
			fprintf(log,
				"re-patching: the tree holds %zu patches, the series keeps the first %zu of "
				"them; reversing %zu, then applying %zu\n",
				rec.n, keep, rec.n - keep, s->n - keep);
		while (r == 0 && rec.n > keep)
			r = reverse_last(&rec, &pf, tree, applied_path, log);
	} else if (log && rec.n) {
		fprintf(log, "%zu of %zu patches already handled (%s)\n", rec.n, s->n, applied_path);
	}
	if (r == 0)
		r = apply_rest(s, rec.n, &rec, &pf, proven, tree, applied_path, log);
	applied_free(&rec);
	proof_free(&pf);
	return r;
}

int applied_forget(const char *applied_path)
{
	if (unlink(applied_path) < 0 && errno != ENOENT)
		return kb_fail("cannot remove %s: %s", applied_path, strerror(errno));
	return proof_forget(applied_path);
}
