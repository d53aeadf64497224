#!/bin/sh
# Written by kbuild: the staged upgrade to 2.6.39.4-kbuild on a GRUB legacy (CentOS 6) host, mode once.
# Run on the fleet host, as root, from the directory kbuild wrote it to:
#   sh install-legacy.sh          add the entry and select it for the next boot only
#   sh install-legacy.sh bless    after a good boot of 2.6.39.4-kbuild: make it the saved default
# ROOT (default /) is the host's root directory; vmlinuz-2.6.39.4-kbuild and
# initramfs-2.6.39.4-kbuild.img must be installed in ROOT/boot first.
set -eu
release=2.6.39.4-kbuild
root=${ROOT:-/}
boot=${root%/}/boot
die() {
	echo "install-legacy.sh: $*" >&2
	exit 1
}
for f in "$boot/vmlinuz-$release" "$boot/initramfs-$release.img"; do
	[ -f "$f" ] || die "$f is missing: install the kernel's files first"
done
case ${1:-install} in
install)
	here=$(cd "$(dirname "$0")" && pwd)
	conf=$boot/grub/grub.conf
	sum=$(sha256sum "$conf" | cut -d ' ' -f 1)
	[ "$sum" = 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef ] ||
		die "$conf is not the grub.conf kbuild edited (sha256 $sum): give kbuild the host's current one (grubconf=)"
	cp -p "$conf" "$conf.before-$release"
	cp "$here/grub.conf" "$conf.kbuild-tmp"
	mv "$conf.kbuild-tmp" "$conf"
	# Red Hat's grub: boot entry 0 once, then the default again
	echo 'savedefault --default=0 --once' | grub --batch
	;;
bless)
	grubby --set-default="$boot/vmlinuz-$release"
	;;
*)
	die "usage: install-legacy.sh [install|bless]"
	;;
esac
