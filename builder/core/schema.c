/* The profile schema: every key kbuild understands, with its type, its
 * default, its bounds, its help and where its value goes in struct
 * settings. The parser checks against it, settings_resolve() fills struct
 * settings from it, and `kbuild keys` prints it. */
#include "core/profile.h"
#include "core/profile_values.h"
#include "core/settings.h"

#include <limits.h>
#include <stddef.h>

const char *const accel_mode_names[] = {"auto", "kvm", "tcg", NULL};
const char *const boot_mode_names[] = {"once", "default", NULL};
const char *const rollout_inject_names[] = {"none", "panic", "hang", "unhealthy", NULL};

#define AT(member) offsetof(struct settings, member)
#define NO_BOUNDS 0, 0

const struct key_def profile_keys[] = {
	{"profile", "description", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(profile.description),
	 "one line shown by `kbuild list`"},
	{"profile", "inherit", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, KEY_NO_FIELD,
	 "name of a profile whose keys this one starts from"},

	{"source", "version", KEY_STRING, true, NULL, NO_BOUNDS, NULL, NULL, AT(source.version),
	 "kernel version, e.g. 2.6.39.4 (for a Debian package: its upstream version)"},
	{"source", "url", KEY_URL, false, NULL, NO_BOUNDS, NULL, NULL, AT(source.url),
	 "where the tarball is downloaded from (http, https, file)"},
	{"source", "mirrors", KEY_URL_LIST, false, NULL, NO_BOUNDS, NULL, NULL, AT(source.mirrors),
	 "further URLs tried in order when url fails"},
	{"source", "sha256", KEY_SHA256, false, NULL, NO_BOUNDS, NULL, NULL, AT(source.sha256),
	 "expected sha256 of the tarball (required for url= and source=)"},
	{"source", "file", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(source.file),
	 "name of the tarball in the download cache (default: the URL's last component)"},
	{"source", "package", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(source.package),
	 "Debian package shipping the tarball under /usr/src (verified with dpkg)"},
	{"source", "source", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(source.source),
	 "a local tarball used instead of downloading; still verified against sha256"},
	{"source", "tree", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(source.tree),
	 "an existing source tree, copied (never modified) and recorded as unverified"},

	{"patches", "series", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(patches.series),
	 "quilt series file, relative to the kbuild directory"},
	{"patches", "upto", KEY_INT, false, "-1", 0, 100000, NULL, NULL, AT(patches.upto),
	 "apply only the first N patches of the series (kbuild bisect sets it; default -1: all of them)"},

	{"config", "base", KEY_STRING, true, NULL, NO_BOUNDS, NULL, value_rule_base, AT(config.base),
	 "starting config: a make target (allnoconfig, tinyconfig, defconfig) or a file"},
	{"config", "fragments", KEY_LIST, false, NULL, NO_BOUNDS, NULL, NULL, AT(config.fragments),
	 "config fragments applied in order (configs/<name>.config or a path)"},
	{"config", "override", KEY_BOOL, false, "no", NO_BOUNDS, NULL, NULL, AT(config.override),
	 "let a later fragment change an option an earlier one set (no: an error naming both)"},

	{"build", "arch", KEY_STRING, false, "x86_64", NO_BOUNDS, NULL, value_rule_arch, AT(build.arch),
	 "ARCH for make"},
	{"build", "cc", KEY_STRING, false, NULL, NO_BOUNDS, NULL, value_rule_cc, AT(build.cc),
	 "compiler command, e.g. gcc-11 or \"distcc gcc\" (default: <cross>gcc)"},
	{"build", "cross", KEY_STRING, false, NULL, NO_BOUNDS, NULL, value_rule_cross, AT(build.cross),
	 "CROSS_COMPILE prefix"},
	{"build", "jobs", KEY_INT, false, NULL, 1, 4096, NULL, NULL, AT(build.jobs),
	 "parallel make jobs (default: the number of CPUs)"},
	{"build", "ccache", KEY_BOOL, false, "yes", NO_BOUNDS, NULL, NULL, AT(build.ccache),
	 "wrap the compiler with ccache when it is installed"},
	{"build", "targets", KEY_LIST, false, NULL, NO_BOUNDS, NULL, NULL, AT(build.targets),
	 "make targets (default: the arch's boot image, bzImage on x86, and modules)"},

	{"qa", "modules", KEY_LIST, false, NULL, NO_BOUNDS, NULL, NULL, AT(qa.modules),
	 "modules that must be built, installed and load in the guest"},
	{"qa", "sysctl", KEY_LIST, false, NULL, NO_BOUNDS, NULL, NULL, AT(qa.sysctl),
	 "sysctls (key=value) the guest applies before the self-tests"},
	{"qa", "symbols", KEY_LIST, false, NULL, NO_BOUNDS, NULL, NULL, AT(qa.symbols),
	 "symbols vmlinux must contain (proof that the patches are in)"},
	{"qa", "tests", KEY_LIST, false, NULL, NO_BOUNDS, NULL, NULL, AT(qa.tests),
	 "self-tests to run in the guest (default: all of qa/tests.list)"},
	{"qa", "timeout", KEY_INT, false, "300", 1, 86400, NULL, NULL, AT(qa.timeout),
	 "seconds the guest may take from QEMU start to verdict"},
	{"qa", "memory", KEY_INT, false, "512", 64, 1048576, NULL, NULL, AT(qa.memory),
	 "guest memory in MiB"},
	{"qa", "accel", KEY_CHOICE, false, "auto", NO_BOUNDS, accel_mode_names, NULL, AT(qa.accel),
	 "QEMU accelerator: auto (KVM only where it runs an ordinary guest, else TCG), kvm or tcg"},

	{"boot", "root", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(boot.root),
	 "the fleet hosts' root device for root=: /dev/sda2, UUID=..., LABEL=... (default: from grubconf's default entry)"},
	{"boot", "cmdline", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(boot.cmdline),
	 "further kernel arguments, e.g. \"console=ttyS0,115200 crashkernel=auto\""},
	{"boot", "title", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(boot.title),
	 "menu title (default: kbuild <profile> (<release>))"},
	{"boot", "id", KEY_STRING, false, "kbuild", NO_BOUNDS, NULL, NULL, AT(boot.id),
	 "GRUB 2 entry id and BLS file name prefix"},
	{"boot", "panic", KEY_INT, false, "10", 0, 3600, NULL, NULL, AT(boot.panic),
	 "panic=N seconds: a kernel that panics reboots (into the old default) (0: none)"},
	{"boot", "mode", KEY_CHOICE, false, "once", NO_BOUNDS, boot_mode_names, NULL, AT(boot.mode),
	 "once (the new kernel is booted once, the old default stays) or default (new first, old as fallback)"},
	{"boot", "grubconf", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(boot.grubconf),
	 "an existing GRUB legacy grub.conf: kbuild writes it with the new entry first"},
	{"boot", "tries", KEY_INT, false, "0", 0, 100, NULL, NULL, AT(boot.tries),
	 "BLS boot counting: the entry is named <id>-<release>+N.conf (0: off)"},
	{"boot", "legacy_root", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(boot.legacy_root),
	 "GRUB legacy device holding /boot (default: from grubconf, else (hd0,0))"},
	{"boot", "bootdir", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(boot.bootdir),
	 "where the kernel files are on that device: empty for a /boot partition, or /boot"},

	{"rollout", "old_kernel", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(rollout.old_kernel),
	 "kbuild rollout: the known-good kernel (vmlinuz) the fleet host falls back to"},
	{"rollout", "old_initrd", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(rollout.old_initrd),
	 "kbuild rollout: the old kernel's initramfs (default: the new kernel's)"},
	{"rollout", "inject", KEY_CHOICE, false, "none", NO_BOUNDS, rollout_inject_names, NULL,
	 AT(rollout.inject),
	 "kbuild rollout, fault injection for tests: none, or make the new kernel panic, hang, or come up "
	 "with a failing self-test"},
	{"rollout", "deadline", KEY_INT, false, "300", 5, 86400, NULL, NULL, AT(rollout.deadline),
	 "kbuild rollout: seconds a boot has from its boot loader entry to a health verdict; then the host "
	 "is reset, as a BMC would"},
	{"rollout", "timeout", KEY_INT, false, "1800", 1, 86400, NULL, NULL, AT(rollout.timeout),
	 "kbuild rollout: seconds for each QEMU run, reboots and resets included"},

	{"bisect", "good", KEY_INT, false, "0", 0, 100000, NULL, NULL, AT(bisect.good),
	 "kbuild bisect: a prefix of the series (a number of patches) known to pass (0: the pristine tree)"},
	{"bisect", "bad", KEY_INT, false, "-1", 0, 100000, NULL, NULL, AT(bisect.bad),
	 "kbuild bisect: a prefix known to fail (default -1: the whole series)"},
	{"bisect", "until", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(bisect.until),
	 "kbuild bisect: what a prefix must pass: build, boot or a self-test (default: the whole series' first failure)"},

	{"report", "history", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(report.history),
	 "where a good run's records are kept for the next run to compare with (default O/history)"},
	{"report", "origin", KEY_STRING, false, "kbuild", NO_BOUNDS, NULL, NULL, AT(report.origin),
	 "KCIDB origin of the kcidb.json records ([a-z0-9_]+)"},
	{"report", "keep", KEY_INT, false, "30", 0, 1000, NULL, NULL, AT(report.keep),
	 "runs (good or failed) whose record.json the history keeps in runs/ for report.html's trends (0: none)"},

	{"package", "suffix", KEY_PKG_TOKEN, false, "kbuild", NO_BOUNDS, NULL, NULL, AT(package.suffix),
	 "package name suffix: RPM kernel-<suffix>, .deb linux-image-<release>-<suffix>"},
	{"package", "release", KEY_PKG_TOKEN, false, "1", NO_BOUNDS, NULL, NULL, AT(package.release),
	 "package release (RPM Release, Debian revision)"},
	{"package", "vendor", KEY_PKG_VENDOR, false, "kbuild <kbuild@localhost>", NO_BOUNDS, NULL, NULL,
	 AT(package.vendor),
	 "who ships the packages, 'Name <address>' (RPM Vendor/Packager, .deb Maintainer)"},
	{"package", "signing_key", KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, AT(package.signing_key),
	 "PEM private key (Ed25519, ECDSA or RSA, unencrypted) that signs the provenance (a DSSE envelope); unset: unsigned"},
	{NULL, NULL, KEY_STRING, false, NULL, NO_BOUNDS, NULL, NULL, KEY_NO_FIELD, NULL},
};
