#include "source/patch_apply.h"
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

enum patch_state { PATCH_APPLIED, PATCH_SKIPPED, PATCH_APPLYING };

/* ---- the applied record ---- */

struct record_line {
	char sha256[SHA256_HEX_LEN + 1];
	char *name;
	enum patch_state state;
};

struct record {
	struct record_line *l;
	size_t n;
};

static void record_free(struct record *r)
{
	for (size_t i = 0; i < r->n; i++)
		free(r->l[i].name);
	free(r->l);
	*r = (struct record){0};
}

/* A missing record is an empty one; a malformed one means we cannot know
 * what the tree holds. */
static int record_load(const char *path, struct record *rec)
{
	*rec = (struct record){0};
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
		struct record_line *l = &rec->l[rec->n++];
		memcpy(l->sha256, sha, sizeof(sha));
		l->name = xstrdup(name);
		l->state = skipped ? PATCH_SKIPPED : applying ? PATCH_APPLYING : PATCH_APPLIED;
	}
	free(text);
	if (r < 0)
		record_free(rec);
	return r;
}

static int record_write(const char *path, const struct record *rec)
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

static void record_add(struct record *rec, const struct series_entry *e, enum patch_state state)
{
	rec->l = xrealloc(rec->l, (rec->n + 1) * sizeof(*rec->l));
	struct record_line *l = &rec->l[rec->n++];
	memcpy(l->sha256, e->sha256, sizeof(l->sha256));
	l->name = xstrdup(e->name);
	l->state = state;
}

/* The record must be a prefix of the series, digest for digest. */
static int record_check(const struct record *rec, const struct series *s, const char *path)
{
	for (size_t i = 0; i < rec->n; i++) {
		if (i >= s->n)
			return kb_fail("%s lists %s (patch %zu) but the series %s has only %zu patches; "
				       "the tree must be re-extracted", path, rec->l[i].name, i + 1, s->file, s->n);
		const struct series_entry *e = &s->e[i];
		if (rec->l[i].state == PATCH_APPLYING)
			return kb_fail("a run was interrupted while patch %s (%s:%u) was being applied; the "
				       "tree must be re-extracted", rec->l[i].name, s->file, e->line);
		if (strcmp(rec->l[i].name, e->name))
			return kb_fail("%s lists %s as patch %zu but %s:%u has %s there; the tree must be "
				       "re-extracted", path, rec->l[i].name, i + 1, s->file, e->line, e->name);
		if (strcmp(rec->l[i].sha256, e->sha256))
			return kb_fail("patch %s (%s:%u) changed since it was %s (sha256 %.12s... now %.12s...); "
				       "the tree must be re-extracted", e->name, s->file, e->line,
				       rec->l[i].state == PATCH_SKIPPED ? "skipped" : "applied",
				       rec->l[i].sha256, e->sha256);
	}
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
						  "another way, or ship it beside the series)", line);
			}
		} else if (starts(line, "Ignoring potentially dangerous file name ")) {
			/* GNU patch skips an absolute or ".." name, then cannot find the file */
			if (!first)
				first = xasprintf("the patch names the unsafe path %s (absolute or with '..'); "
						  "refusing it", line + 41);
		} else if (starts(line, "Reversed (or previously applied) patch detected")) {
			if (!first)
				first = xasprintf("file %s: reversed or previously applied", file ? file : "?");
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

/* The files patch reported, relative to the tree; true when one of them
 * appears twice (more than one section of the patch touches it). */
static bool files_listed_twice(const char *out, struct strv *files)
{
	bool twice = false;
	for (const char *p = out; *p;) {
		size_t len = strcspn(p, "\n");
		if (len > 14 && (!strncmp(p, "checking file ", 14) || !strncmp(p, "patching file ", 14))) {
			char *name = unquote(p + 14, len - 14);
			bool seen = false;
			for (size_t i = 0; i < files->n && !seen; i++)
				seen = !strcmp(files->v[i], name);
			if (seen) {
				twice = true;
				free(name);
			} else {
				strv_push_owned(files, name);
			}
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
static int trial_in_copy(const struct series_entry *e, const char *tree, const struct strv *files,
			 int flags, char **out)
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

/* Dry-run one patch. Returns 0 when it applies, 1 skipped (optional), -1
 * failed with the tree untouched. */
static int check_one(const struct series *s, const struct series_entry *e, const char *tree, FILE *log)
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
				fprintf(log, "skipping optional patch %s (%s:%u): %s\n", e->name, s->file, e->line,
					already ? "already applied" : why);
			r = 1;
		} else if (already) {
			r = kb_fail("patch %s (%s:%u) is already applied to %s (it reverses cleanly) but is "
				    "not in the applied record: drop it from the series if the kernel already "
				    "has it, or re-extract the tree", e->name, s->file, e->line, tree);
		} else {
			r = kb_fail("patch %s (%s:%u) does not apply to %s: %s; the tree is left as it was",
				    e->name, s->file, e->line, tree, why);
		}
		free(why);
		return r;
	}
	log_fuzz(log, e, out);
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
			"half patched and must be re-extracted", e->name, s->file, e->line, tree, why);
		free(why);
		return SERIES_REEXTRACT;
	}
	free(out);
	return 0;
}

int series_apply(const struct series *s, const char *tree, const char *applied_path, FILE *log)
{
	if (!is_dir(tree))
		return kb_fail("cannot patch %s: not a directory", tree);
	struct record rec;
	if (record_load(applied_path, &rec) < 0)
		return SERIES_REEXTRACT;
	if (record_check(&rec, s, applied_path) < 0) {
		record_free(&rec);
		return SERIES_REEXTRACT;
	}
	if (log && rec.n)
		fprintf(log, "%zu of %zu patches already handled (%s)\n", rec.n, s->n, applied_path);

	int r = 0;
	for (size_t i = rec.n; i < s->n && r == 0; i++) {
		const struct series_entry *e = &s->e[i];
		if (log)
			fprintf(log, "applying %s (-p%d%s)\n", e->name, e->strip, e->optional ? ", optional" : "");
		int c = check_one(s, e, tree, log);
		if (c < 0) {
			r = c;
			break;
		}
		record_add(&rec, e, c == 1 ? PATCH_SKIPPED : PATCH_APPLYING);
		if (c == 0) {
			if (record_write(applied_path, &rec) < 0) {
				r = -1;
				break;
			}
			if ((r = apply_one(s, e, tree, log)) != 0)
				break; /* the record keeps "applying": the tree is suspect */
			rec.l[rec.n - 1].state = PATCH_APPLIED;
		}
		if (record_write(applied_path, &rec) < 0)
			r = -1;
	}
	record_free(&rec);
	return r;
}
