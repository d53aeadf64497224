/* A small fake staged kernel (boot/, lib/modules/R with a module, depmod
 * files and a symlink) and grub output, made into a bundle tree and tarball
 * by the real bundle code: fast input for the bundle and package tests. */
#ifndef KBUILD_FAKEBUNDLE_H
#define KBUILD_FAKEBUNDLE_H

#include "package/manifest.h"

#define FAKE_KREL "9.9.9"

struct fakebundle {
	char *dir;     /* everything lives below it */
	char *stage;   /* dir/stage */
	char *grub;    /* dir/grub */
	char *tree;    /* dir/tree: the bundle tree */
	char *tarball; /* dir/kbuild-fake-9.9.9.tar.xz */
	struct manifest m;
};

/* Make the stage and grub dirs under a fresh temporary directory. */
void fake_stage(struct fakebundle *fb, const char *tag);
/* Build fb->tree and fb->tarball from them (asserts success). tree_name and
 * tar_name: names below fb->dir. */
void fake_bundle(struct fakebundle *fb, const char *tree_name, const char *tar_name);
/* Remove everything. */
void fake_free(struct fakebundle *fb);
/* Flip one byte of dir/rel. */
void fake_flip_byte(const char *dir, const char *rel);

#endif
