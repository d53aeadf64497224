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
	# grubby puts the new entry first, as kbuild's own edit does
	grubby --add-kernel="$boot/vmlinuz-$release" --initrd="$boot/initramfs-$release.img" \
		--title='it'\''s ${evil}; }{ `x` "q"' --copy-default --args='ro root=UUID=6f1c3e0a-24b5-4bde-9b2e-0c3d5a1f7e21 a=$b;c {d} '\''e'\'' x="y z" panic=10'
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
