/* Checking a boot entry and deriving its paths and command line. */
#include "boot/entry.h"
#include "boot/quote.h"

#include <stdlib.h>
#include <string.h>

/* Kernel arguments split on blanks, keeping "double quoted" spans whole
 * (the kernel's own rule). */
static void split_cmdline(const char *s, struct strv *out)
{
	while (s && *s) {
		while (*s == ' ')
			s++;
		if (!*s)
			break;
		const char *b = s;
		bool in_quote = false;
		while (*s && (in_quote || *s != ' ')) {
			if (*s == '"')
				in_quote = !in_quote;
			s++;
		}
		strv_push_owned(out, xstrndup(b, (size_t)(s - b)));
	}
}

static int check_legacy_root(const char *v)
{
	/* (hd0,0), (hd1), (fd0): GRUB legacy's device syntax */
	const char *p = v;
	if (*p++ != '(' || (strncmp(p, "hd", 2) && strncmp(p, "fd", 2)))
		goto bad;
	p += 2;
	if (*p < '0' || *p > '9')
		goto bad;
	while (*p >= '0' && *p <= '9')
		p++;
	if (*p == ',') {
		p++;
		if (*p < '0' || *p > '9')
			goto bad;
		while (*p >= '0' && *p <= '9')
			p++;
	}
	if (strcmp(p, ")") == 0)
		return 0;
bad:
	return kb_fail("boot.legacy_root: '%s' is not a GRUB legacy device such as (hd0,0)", v);
}

int boot_entry_check(const struct boot_entry *e)
{
	if (boot_check_charset("release", e->release, "._+-") < 0)
		return -1;
	if (!e->title || !*e->title)
		return kb_fail("boot.title: empty title");
	if (boot_check_line("boot.title", e->title) < 0)
		return -1;
	if (boot_check_charset("boot.id", e->id, "._-") < 0)
		return -1;
	if (!e->root || !*e->root)
		return kb_fail(
			"boot.root: not set (the fleet hosts' root device: /dev/sda2, UUID=..., LABEL=...)");
	if (boot_check_charset("boot.root", e->root, "=/._:-") < 0)
		return -1;
	if (e->cmdline && boot_check_cmdline("boot.cmdline", e->cmdline) < 0)
		return -1;
	if (check_legacy_root(e->legacy_root ? e->legacy_root : "") < 0)
		return -1;
	if (e->bootdir && *e->bootdir) {
		if (boot_check_charset("boot.bootdir", e->bootdir, "/._-") < 0)
			return -1;
		if (e->bootdir[0] != '/' || strstr(e->bootdir, ".."))
			return kb_fail("boot.bootdir: '%s' must be an absolute path without '..' (or empty)",
				       e->bootdir);
	}
	if (e->panic < 0 || e->panic > 3600)
		return kb_fail("boot.panic: %ld is out of range (0..3600 seconds; 0: no panic= argument)",
			       e->panic);
	return 0;
}

void boot_entry_kernel_argv(const struct boot_entry *e, struct strv *out)
{
	strv_push(out, "ro");
	strv_push_owned(out, xasprintf("root=%s", e->root));
	split_cmdline(e->cmdline, out);
	if (e->panic > 0)
		strv_push_owned(out, xasprintf("panic=%ld", e->panic));
}

char *boot_entry_kernel_args(const struct boot_entry *e)
{
	struct strv a = {0};
	boot_entry_kernel_argv(e, &a);
	size_t len = 1;
	for (size_t i = 0; i < a.n; i++)
		len += strlen(a.v[i]) + 1;
	char *s = xmalloc(len), *o = s;
	*o = '\0';
	for (size_t i = 0; i < a.n; i++)
		o += sprintf(o, "%s%s", i ? " " : "", a.v[i]);
	strv_free(&a);
	return s;
}

static const char *bootdir(const struct boot_entry *e)
{
	return e->bootdir && strcmp(e->bootdir, "/") ? e->bootdir : "";
}

char *boot_entry_kernel_path(const struct boot_entry *e)
{
	return xasprintf("%s/vmlinuz-%s", bootdir(e), e->release);
}

char *boot_entry_initrd_path(const struct boot_entry *e)
{
	return xasprintf("%s/initramfs-%s.img", bootdir(e), e->release);
}

char *boot_entry_grub2_id(const struct boot_entry *e)
{
	return xasprintf("%s-%s", e->id, e->release);
}
