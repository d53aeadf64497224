/* Disk image through sfdisk, mtools, grub-mkimage and grub-editenv. */
#include "rollout/disk_image.h"
#include "lib/outfile.h"
#include "lib/spawn.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PART_OFFSET "@@1M" /* mtools: the partition starts 1 MiB in (sector 2048) */
/* GRUB's modules linked into BOOTX64.EFI: no module directory is needed on
 * the disk. legacycfg: legacy_configfile; loadenv: the one-shot. */
static const char *const grub_modules[] = {
	"part_msdos", "fat",    "normal",   "linux",      "loadenv",   "echo",
	"test",       "serial", "terminal", "configfile", "legacycfg", "sleep",
	"reboot",     "halt",   "search",   "efi_gop",    "all_video",
};

static int tool(FILE *log, char *const argv[], int stdin_fd)
{
	static char *const env[] = {"MTOOLS_SKIP_CHECK=1", NULL};
	struct spawn_opts o = {.stdin_fd = stdin_fd, .env_add = env, .timeout_sec = 120};
	return spawn_logged(argv, &o, log);
}

static char *part(const char *image)
{
	return xasprintf("%s%s", image, PART_OFFSET);
}

static int mcopy_in(const char *image, const char *src, const char *dest, FILE *log)
{
	char *p = part(image), *d = xasprintf("::%s", dest);
	char *argv[] = {"mcopy", "-o", "-i", p, (char *)src, d, NULL};
	int rc = tool(log, argv, -1);
	free(p);
	free(d);
	return rc;
}

static int mcopy_out(const char *image, const char *src, const char *dest, FILE *log)
{
	char *p = part(image), *s = xasprintf("::%s", src);
	char *argv[] = {"mcopy", "-o", "-n", "-i", p, s, (char *)dest, NULL};
	int rc = tool(log, argv, -1);
	free(p);
	free(s);
	return rc;
}

static long long file_size(const char *path)
{
	struct stat st;
	return stat(path, &st) == 0 ? (long long)st.st_size : -1;
}

/* Parent directories of dest ("/EFI/BOOT/x" -> "/EFI", "/EFI/BOOT") not yet made. */
static int make_dirs(const char *image, const char *dest, struct strv *made, FILE *log)
{
	for (const char *s = strchr(dest + 1, '/'); s; s = strchr(s + 1, '/')) {
		char *dir = xstrndup(dest, (size_t)(s - dest));
		bool have = false;
		for (size_t i = 0; i < made->n; i++)
			have |= !strcmp(made->v[i], dir);
		if (!have) {
			char *p = part(image), *d = xasprintf("::%s", dir);
			char *argv[] = {"mmd", "-i", p, d, NULL};
			int rc = tool(log, argv, -1);
			free(p);
			free(d);
			if (rc < 0) {
				free(dir);
				return -1;
			}
			strv_push_owned(made, dir);
		} else {
			free(dir);
		}
	}
	return 0;
}

static int editenv(const char *envfile, const char *verb, const char *const *vars, size_t n, FILE *log)
{
	struct strv a = {0};
	strv_push(&a, "grub-editenv");
	strv_push(&a, envfile);
	strv_push(&a, verb);
	for (size_t i = 0; i < n; i++)
		strv_push(&a, vars[i]);
	int rc = tool(log, strv_argv(&a), -1);
	strv_free(&a);
	return rc;
}

int fleet_image_create(const char *image, const char *work, const struct fleet_file *files, size_t n,
		       const char *grub_cfg, const char *const *env, size_t n_env, FILE *log)
{
	long long total = 0;
	for (size_t i = 0; i < n; i++) {
		long long s = file_size(files[i].src);
		if (s < 0)
			return kb_fail("%s: %s", files[i].src, strerror(errno));
		total += s;
	}
	/* FAT32 needs at least 33 MiB of clusters; room for GRUB and slack */
	long long mib = total / (1 << 20) + 48;
	if (mkdir_p(work, 0755) < 0)
		return -1;
	unlink(image);
	int fd = open(image, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return kb_fail("%s: %s", image, strerror(errno));
	if (ftruncate(fd, mib << 20) < 0) {
		close(fd);
		return kb_fail("%s: %s", image, strerror(errno));
	}
	close(fd);

	/* one partition from 1 MiB to the end, type EFI System */
	char *layout = path_join(work, "layout.sfdisk");
	int rc = write_file_atomic(layout, "label: dos\nstart=2048, type=ef\n", 31);
	int lfd = rc == 0 ? open(layout, O_RDONLY | O_CLOEXEC) : -1;
	if (rc == 0 && lfd < 0)
		rc = kb_fail("%s: %s", layout, strerror(errno));
	if (rc == 0) {
		char *argv[] = {"sfdisk", "--quiet", "--no-reread", "--no-tell-kernel", (char *)image, NULL};
		rc = tool(log, argv, lfd);
	}
	if (lfd >= 0)
		close(lfd);
	free(layout);
	char *p = part(image);
	if (rc == 0) {
		char *argv[] = {"mformat", "-i", p, "-F", "-v", "KBUILDBOOT", "::", NULL};
		rc = tool(log, argv, -1);
	}
	free(p);

	char *efi = path_join(work, "BOOTX64.EFI"), *cfg = path_join(work, "grub.cfg"),
	     *envf = path_join(work, "grubenv");
	if (rc == 0) {
		/* the prefix is the partition itself: grub.cfg and grubenv live there */
		struct strv a = {0};
		const char *head[] = {"grub-mkimage",      "-O", "x86_64-efi", "-p",
				      "(hd0,msdos1)/grub", "-o", efi};
		for (size_t i = 0; i < sizeof(head) / sizeof(head[0]); i++)
			strv_push(&a, head[i]);
		for (size_t i = 0; i < sizeof(grub_modules) / sizeof(grub_modules[0]); i++)
			strv_push(&a, grub_modules[i]);
		rc = tool(log, strv_argv(&a), -1);
		strv_free(&a);
	}
	if (rc == 0)
		rc = write_file_atomic(cfg, grub_cfg, strlen(grub_cfg));
	if (rc == 0) {
		unlink(envf);
		rc = editenv(envf, "create", NULL, 0, log);
	}
	if (rc == 0 && n_env)
		rc = editenv(envf, "set", env, n_env, log);

	struct strv made = {0};
	struct fleet_file fixed[] = {{efi, "/EFI/BOOT/BOOTX64.EFI"},
				     {cfg, "/grub/grub.cfg"},
				     {envf, "/grub/grubenv"}};
	for (size_t i = 0; rc == 0 && i < 3 + n; i++) {
		const struct fleet_file *f = i < 3 ? &fixed[i] : &files[i - 3];
		rc = make_dirs(image, f->dest, &made, log);
		if (rc == 0)
			rc = mcopy_in(image, f->src, f->dest, log);
	}
	strv_free(&made);
	free(efi);
	free(cfg);
	free(envf);
	return rc;
}

int fleet_env_set(const char *image, const char *work, const char *const *set, size_t n, FILE *log)
{
	char *envf = path_join(work, "grubenv.edit");
	unlink(envf);
	int rc = mcopy_out(image, "/grub/grubenv", envf, log);
	if (rc == 0)
		rc = editenv(envf, "set", set, n, log);
	if (rc == 0 && file_size(envf) != 1024)
		rc = kb_fail("grubenv is no longer 1024 bytes after grub-editenv");
	if (rc == 0)
		rc = mcopy_in(image, envf, "/grub/grubenv", log);
	free(envf);
	return rc;
}

char *fleet_env_list(const char *image, const char *work, FILE *log)
{
	char *envf = path_join(work, "grubenv.read");
	unlink(envf);
	char *out = NULL;
	if (mcopy_out(image, "/grub/grubenv", envf, log) == 0) {
		char *argv[] = {"grub-editenv", envf, "list", NULL};
		struct spawn_opts o = {.stdin_fd = -1,
				       .stderr_fd = log ? fileno(log) : -1,
				       .timeout_sec = 60};
		int st = spawn_capture(argv, &o, &out);
		if (st != 0) {
			if (st > 0)
				kb_fail("grub-editenv list failed (exit %d)", st);
			free(out);
			out = NULL;
		}
	}
	free(envf);
	return out;
}

char *fleet_env_value(const char *list, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = list; p && *p;) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		if (len > n && !strncmp(p, name, n) && p[n] == '=')
			return xstrndup(p + n + 1, len - n - 1);
		p += len + (nl ? 1 : 0);
	}
	return NULL;
}
