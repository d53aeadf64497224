/* The profile schema: every key kbuild understands, with its type and help.
 * Kept apart from the parser so README and `kbuild keys` can list it. */
#include "core/profile.h"
#include "guest/qemu.h"

#include <string.h>

const struct key_def profile_keys[] = {
	{"profile", "description", KEY_STRING, false, "one line shown by `kbuild list`"},
	{"profile", "inherit", KEY_STRING, false, "name of a profile whose keys this one starts from"},

	{"source", "version", KEY_STRING, true, "kernel version, e.g. 2.6.39.4 (for a Debian package: its upstream version)"},
	{"source", "url", KEY_URL, false, "where the tarball is downloaded from (http, https, file)"},
	{"source", "mirrors", KEY_URL_LIST, false, "further URLs tried in order when url fails"},
	{"source", "sha256", KEY_SHA256, false, "expected sha256 of the tarball (required for url= and source=)"},
	{"source", "file", KEY_STRING, false, "name of the tarball in the download cache (default: the URL's last component)"},
	{"source", "package", KEY_STRING, false, "Debian package shipping the tarball under /usr/src (verified with dpkg)"},
	{"source", "source", KEY_STRING, false, "a local tarball used instead of downloading; still verified against sha256"},
	{"source", "tree", KEY_STRING, false, "an existing source tree, copied (never modified) and recorded as unverified"},

	{"patches", "series", KEY_STRING, false, "quilt series file, relative to the kbuild directory"},

	{"config", "base", KEY_STRING, true, "starting config: a make target (allnoconfig, tinyconfig, defconfig) or a file"},
	{"config", "fragments", KEY_LIST, false, "config fragments applied in order (configs/<name>.config or a path)"},
	{"config", "override", KEY_BOOL, false, "let a later fragment change an option an earlier one set (default: error)"},

	{"build", "arch", KEY_STRING, false, "ARCH for make (default x86_64)"},
	{"build", "cc", KEY_STRING, false, "compiler command, e.g. gcc-11 or \"distcc gcc\" (default gcc)"},
	{"build", "cross", KEY_STRING, false, "CROSS_COMPILE prefix"},
	{"build", "jobs", KEY_INT, false, "parallel make jobs (default: number of CPUs)"},
	{"build", "ccache", KEY_BOOL, false, "wrap the compiler with ccache when it is installed (default yes)"},
	{"build", "targets", KEY_LIST, false, "make targets (default: the arch's boot image, bzImage on x86, and modules)"},

	{"qa", "modules", KEY_LIST, false, "modules that must be built, installed and load in the guest"},
	{"qa", "sysctl", KEY_LIST, false, "sysctls (key=value) the guest applies before the self-tests"},
	{"qa", "symbols", KEY_LIST, false, "symbols vmlinux must contain (proof that the patches are in)"},
	{"qa", "tests", KEY_LIST, false, "self-tests to run in the guest (default: all)"},
	{"qa", "timeout", KEY_INT, false, "seconds the guest may take from QEMU start to verdict (default " QEMU_STR(QEMU_TIMEOUT_S_DEFAULT) ")"},
	{"qa", "memory", KEY_INT, false, "guest memory in MiB (default " QEMU_STR(QEMU_MEM_MB_DEFAULT) ")"},
	{"qa", "accel", KEY_CHOICE, false,
	 "QEMU accelerator: auto (KVM only where it runs an ordinary guest, else TCG), kvm or tcg"},

	{"boot", "root", KEY_STRING, false, "the fleet hosts' root device for root=: /dev/sda2, UUID=..., LABEL=... (default: from grubconf's default entry)"},
	{"boot", "cmdline", KEY_STRING, false, "further kernel arguments, e.g. \"console=ttyS0,115200 crashkernel=auto\""},
	{"boot", "title", KEY_STRING, false, "menu title (default: kbuild <profile> (<release>))"},
	{"boot", "id", KEY_STRING, false, "GRUB 2 entry id and BLS file name prefix (default kbuild)"},
	{"boot", "panic", KEY_INT, false, "panic=N seconds: a kernel that panics reboots (into the old default) (default 10; 0: none)"},
	{"boot", "mode", KEY_CHOICE, false, "once (the new kernel is booted once, the old default stays) or default (new first, old as fallback)"},
	{"boot", "grubconf", KEY_STRING, false, "an existing GRUB legacy grub.conf: kbuild writes it with the new entry first"},
	{"boot", "tries", KEY_INT, false, "BLS boot counting: the entry is named <id>-<release>+N.conf (default 0: off)"},
	{"boot", "legacy_root", KEY_STRING, false, "GRUB legacy device holding /boot (default: from grubconf, else (hd0,0))"},
	{"boot", "bootdir", KEY_STRING, false, "where the kernel files are on that device: empty for a /boot partition, or /boot"},

	{"rollout", "old_kernel", KEY_STRING, false, "kbuild rollout: the known-good kernel (vmlinuz) the fleet host falls back to"},
	{"rollout", "old_initrd", KEY_STRING, false, "kbuild rollout: the old kernel's initramfs (default: the new kernel's)"},
	{"rollout", "scenario", KEY_CHOICE, false, "kbuild rollout: good (boot once, bless, boot again) or bad (the new kernel panics and must roll back)"},
	{"rollout", "timeout", KEY_INT, false, "kbuild rollout: seconds for each QEMU run, reboots included (default 600)"},

	{"report", "history", KEY_STRING, false, "where a good run's records are kept for the next run to compare with (default O/history)"},
	{"report", "origin", KEY_STRING, false, "KCIDB origin of the kcidb.json records ([a-z0-9_]+, default kbuild)"},

	{"package", "suffix", KEY_PKG_TOKEN, false, "package name suffix: RPM kernel-<suffix>, .deb linux-image-<release>-<suffix> (default kbuild)"},
	{"package", "release", KEY_PKG_TOKEN, false, "package release (RPM Release, Debian revision; default 1)"},
	{"package", "vendor", KEY_PKG_VENDOR, false, "who ships the packages, 'Name <address>' (RPM Vendor/Packager, .deb Maintainer)"},
	{NULL, NULL, KEY_STRING, false, NULL},
};

const struct key_choice profile_key_choices[] = {
	{"qa", "accel", "auto kvm tcg"},
	{"boot", "mode", "once default"},
	{"rollout", "scenario", "good bad"},
	{NULL, NULL, NULL},
};

const char *profile_choices(const struct key_def *d)
{
	for (const struct key_choice *c = profile_key_choices; c->name; c++)
		if (!strcmp(c->section, d->section) && !strcmp(c->name, d->name))
			return c->words;
	return "";
}
