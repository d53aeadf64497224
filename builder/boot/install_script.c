/* Install scripts. Every value is either checked to a safe alphabet
 * (release, id, root, mode) or passed through sh_quote_word. */
#include "boot/install_script.h"
#include "boot/quote.h"

#include <stdlib.h>
#include <string.h>

/* Common start: the kernel's files must be on the host already. */
static char *prologue(const char *name, const struct boot_entry *e, enum boot_mode mode, const char *what)
{
	char *s = xasprintf("#!/bin/sh\n"
			    "# Written by kbuild: the staged upgrade to %s on a %s host, mode %s.\n"
			    "# Run on the fleet host, as root, from the directory kbuild wrote it to:\n"
			    "#   sh %s          add the entry and select it for the next boot%s\n"
			    "#   sh %s bless    after a good boot of %s: make it the saved default\n"
			    "# ROOT (default /) is the host's root directory; vmlinuz-%s and\n"
			    "# initramfs-%s.img must be installed in ROOT/boot first.\n"
			    "set -eu\n"
			    "release=%s\n"
			    "root=${ROOT:-/}\n"
			    "boot=${root%%/}/boot\n"
			    "die() {\n"
			    "\techo \"%s: $*\" >&2\n"
			    "\texit 1\n"
			    "}\n"
			    "for f in \"$boot/vmlinuz-$release\" \"$boot/initramfs-$release.img\"; do\n"
			    "\t[ -f \"$f\" ] || die \"$f is missing: install the kernel's files first\"\n"
			    "done\n",
			    e->release, what, boot_mode_names[mode], name,
			    mode == BOOT_MODE_ONCE ? " only" : " and after", name, e->release, e->release,
			    e->release, e->release, name);
	return s;
}

char *install_script_grub2(const struct boot_entry *e, enum boot_mode mode)
{
	char *head = prologue("install-grub2.sh", e, mode, "GRUB 2");
	char *id = boot_entry_grub2_id(e);
	char *s = xasprintf(
		"%s"
		"id=%s\n"
		"mode=%s\n"
		"here=$(cd \"$(dirname \"$0\")\" && pwd)\n"
		"case ${1:-install} in\n"
		"install)\n"
		"\tinstall -m 0755 \"$here/09_kbuild-$release\" \"${root%%/}/etc/grub.d/09_kbuild-$release\"\n"
		"\tgrub-mkconfig -o \"$boot/grub/grub.cfg\"\n"
		"\tif [ \"$mode\" = once ]; then\n"
		"\t\t# next_entry in grubenv: GRUB clears it before the kernel starts,\n"
		"\t\t# so a kernel that panics (panic=N) reboots into the saved default\n"
		"\t\tgrub-reboot --boot-directory=\"$boot\" \"$id\"\n"
		"\telse\n"
		"\t\tgrub-set-default --boot-directory=\"$boot\" \"$id\"\n"
		"\tfi\n"
		"\t;;\n"
		"bless)\n"
		"\tgrub-set-default --boot-directory=\"$boot\" \"$id\"\n"
		"\t;;\n"
		"*)\n"
		"\tdie \"usage: install-grub2.sh [install|bless]\"\n"
		"\t;;\n"
		"esac\n"
		"grep -q '^GRUB_DEFAULT=saved' \"${root%%/}/etc/default/grub\" 2>/dev/null ||\n"
		"\techo \"install-grub2.sh: warning: GRUB_DEFAULT=saved is not set in /etc/default/grub; the saved default is ignored without it\" >&2\n",
		head, id, boot_mode_names[mode]);
	free(id);
	free(head);
	return s;
}

char *install_script_legacy(const struct boot_entry *e, enum boot_mode mode, const char *conf_sha256,
			    long once_entry)
{
	char *head = prologue("install-legacy.sh", e, mode, "GRUB legacy (CentOS 6)");
	char *add;
	if (conf_sha256) {
		add = xasprintf(
			"\there=$(cd \"$(dirname \"$0\")\" && pwd)\n"
			"\tconf=$boot/grub/grub.conf\n"
			"\tsum=$(sha256sum \"$conf\" | cut -d ' ' -f 1)\n"
			"\t[ \"$sum\" = %s ] ||\n"
			"\t\tdie \"$conf is not the grub.conf kbuild edited (sha256 $sum): give kbuild the host's current one (grubconf=)\"\n"
			"\tcp -p \"$conf\" \"$conf.before-$release\"\n"
			"\tcp \"$here/grub.conf\" \"$conf.kbuild-tmp\"\n"
			"\tmv \"$conf.kbuild-tmp\" \"$conf\"\n",
			conf_sha256);
	} else {
		char *title = sh_quote_word(e->title), *args = boot_entry_kernel_args(e);
		char *qargs = sh_quote_word(args);
		add = xasprintf(
			"\t# grubby puts the new entry first, as kbuild's own edit does\n"
			"\tgrubby --add-kernel=\"$boot/vmlinuz-$release\" --initrd=\"$boot/initramfs-$release.img\" \\\n"
			"\t\t--title=%s --copy-default --args=%s\n",
			title, qargs);
		free(title);
		free(args);
		free(qargs);
	}
	const char *kernel = "\"$boot/vmlinuz-$release\"";
	char *once = mode == BOOT_MODE_ONCE
			     ? xasprintf("\t# Red Hat's grub: boot entry %ld once, then the default again\n"
					 "\techo 'savedefault --default=%ld --once' | grub --batch\n",
					 once_entry, once_entry)
			     : xasprintf("\tgrubby --set-default=%s\n", kernel);
	char *s = xasprintf("%s"
			    "case ${1:-install} in\n"
			    "install)\n"
			    "%s%s"
			    "\t;;\n"
			    "bless)\n"
			    "\tgrubby --set-default=%s\n"
			    "\t;;\n"
			    "*)\n"
			    "\tdie \"usage: install-legacy.sh [install|bless]\"\n"
			    "\t;;\n"
			    "esac\n",
			    head, add, once, kernel);
	free(head);
	free(add);
	free(once);
	return s;
}
