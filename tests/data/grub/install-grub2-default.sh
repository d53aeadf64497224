#!/bin/sh
# Written by kbuild: the staged upgrade to 2.6.39.4-kbuild on a GRUB 2 host, mode default.
# Run on the fleet host, as root, from the directory kbuild wrote it to:
#   sh install-grub2.sh          add the entry and select it for the next boot and after
#   sh install-grub2.sh bless    after a good boot of 2.6.39.4-kbuild: make it the saved default
# ROOT (default /) is the host's root directory; vmlinuz-2.6.39.4-kbuild and
# initramfs-2.6.39.4-kbuild.img must be installed in ROOT/boot first.
set -eu
release=2.6.39.4-kbuild
root=${ROOT:-/}
boot=${root%/}/boot
die() {
	echo "install-grub2.sh: $*" >&2
	exit 1
}
for f in "$boot/vmlinuz-$release" "$boot/initramfs-$release.img"; do
	[ -f "$f" ] || die "$f is missing: install the kernel's files first"
done
id=kbuild-2.6.39.4-kbuild
mode=default
here=$(cd "$(dirname "$0")" && pwd)
case ${1:-install} in
install)
	install -m 0755 "$here/09_kbuild-$release" "${root%/}/etc/grub.d/09_kbuild-$release"
	grub-mkconfig -o "$boot/grub/grub.cfg"
	if [ "$mode" = once ]; then
		# next_entry in grubenv: GRUB clears it before the kernel starts,
		# so a kernel that panics (panic=N) reboots into the saved default
		grub-reboot --boot-directory="$boot" "$id"
	else
		grub-set-default --boot-directory="$boot" "$id"
	fi
	;;
bless)
	grub-set-default --boot-directory="$boot" "$id"
	;;
*)
	die "usage: install-grub2.sh [install|bless]"
	;;
esac
grep -q '^GRUB_DEFAULT=saved' "${root%/}/etc/default/grub" 2>/dev/null ||
	echo "install-grub2.sh: warning: GRUB_DEFAULT=saved is not set in /etc/default/grub; the saved default is ignored without it" >&2
