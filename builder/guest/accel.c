/* The accelerator decision: KVM only where it can run an ordinary guest. */
#include "guest/accel.h"
#include "lib/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *below(const char *root, const char *path)
{
	size_t n = strlen(root);
	while (n > 0 && root[n - 1] == '/')
		n--;
	return xasprintf("%.*s%s", (int)n, root, path);
}

static bool exists_below(const char *root, const char *path)
{
	char *p = below(root, path);
	struct stat st;
	bool ok = stat(p, &st) == 0;
	free(p);
	return ok;
}

/* True when a "flags" line of cpuinfo names vmx or svm as a whole word. */
static bool cpuinfo_has_virt(const char *path)
{
	FILE *f = fopen(path, "re");
	if (!f)
		return false;
	char *line = NULL;
	size_t cap = 0;
	bool found = false;
	while (!found && getline(&line, &cap, f) > 0) {
		if (strncmp(line, "flags", 5) != 0)
			continue;
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		char *save = NULL;
		for (char *w = strtok_r(colon + 1, " \t\n", &save); w && !found;
		     w = strtok_r(NULL, " \t\n", &save))
			found = !strcmp(w, "vmx") || !strcmp(w, "svm");
	}
	free(line);
	fclose(f);
	return found;
}

void accel_facts_read(const char *root, struct accel_facts *f)
{
	*f = (struct accel_facts){0};
	char *dev = below(root, "/dev/kvm");
	f->kvm_dev_present = access(dev, F_OK) == 0;
	int fd = open(dev, O_RDWR | O_CLOEXEC);
	f->kvm_dev_opens = fd >= 0;
	f->kvm_dev_errno = fd >= 0 ? 0 : errno;
	if (fd >= 0)
		close(fd);
	free(dev);
	char *cpuinfo = below(root, "/proc/cpuinfo");
	f->cpu_vmx_svm = cpuinfo_has_virt(cpuinfo);
	free(cpuinfo);
	f->modules_known = exists_below(root, "/sys/module");
	f->hw_module = exists_below(root, "/sys/module/kvm_intel") ||
		       exists_below(root, "/sys/module/kvm_amd");
	f->pvm_module = exists_below(root, "/sys/module/kvm_pvm");
}

static void say(struct accel_choice *c, bool kvm, const char *why)
{
	c->kvm = kvm;
	snprintf(c->why, sizeof(c->why), "%s", why);
}

/* Why KVM cannot run an ordinary guest here, or NULL when it can. */
static const char *kvm_unfit(const struct accel_facts *f, char *buf, size_t len)
{
	if (!f->kvm_dev_present)
		return "there is no /dev/kvm";
	if (!f->kvm_dev_opens) {
		snprintf(buf, len, "/dev/kvm does not open read-write (%s)", strerror(f->kvm_dev_errno));
		return buf;
	}
	if (f->pvm_module && !f->hw_module)
		return "/dev/kvm is kvm_pvm, a pagetable-based KVM that runs only PVM guests";
	if (!f->cpu_vmx_svm)
		return "/dev/kvm opens but the CPU shows no vmx or svm flag";
	if (f->modules_known && !f->hw_module)
		return "/dev/kvm opens but neither kvm_intel nor kvm_amd is loaded";
	return NULL;
}

int accel_decide(enum accel_mode mode, const struct accel_facts *f, struct accel_choice *c)
{
	*c = (struct accel_choice){0};
	char buf[160];
	const char *unfit = kvm_unfit(f, buf, sizeof(buf));
	switch (mode) {
	case ACCEL_TCG:
		say(c, false, "accel=tcg was asked for");
		return 0;
	case ACCEL_KVM:
		if (!f->kvm_dev_present || !f->kvm_dev_opens)
			return kb_fail("accel=kvm: %s (use accel=tcg or accel=auto)", unfit);
		snprintf(c->why, sizeof(c->why), "accel=kvm was asked for%s%s", unfit ? "; warning: " : "",
			 unfit ? unfit : "");
		c->kvm = true;
		return 0;
	case ACCEL_AUTO:
		break;
	}
	if (unfit) {
		snprintf(c->why, sizeof(c->why), "auto: %s", unfit);
		c->kvm = false;
		return 0;
	}
	snprintf(c->why, sizeof(c->why), "auto: /dev/kvm opens, the CPU has %s and %s is loaded", "vmx/svm",
		 f->modules_known ? "kvm_intel/kvm_amd" : "KVM");
	c->kvm = true;
	c->fallback_allowed = true;
	return 0;
}

int accel_choose(enum accel_mode mode, struct accel_choice *c)
{
	static struct accel_facts facts;
	static char *read_from;
	/* KBUILD_ACCEL_ROOT: tests inject a fake host (dev/, proc/, sys/) */
	const char *root = getenv("KBUILD_ACCEL_ROOT");
	if (!root || !*root)
		root = "/";
	if (!read_from || strcmp(read_from, root) != 0) {
		accel_facts_read(root, &facts);
		free(read_from);
		read_from = xstrdup(root);
	}
	return accel_decide(mode, &facts, c);
}
