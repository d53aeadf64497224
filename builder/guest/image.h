/* The guest's root: a busybox initramfs holding the skeleton and /init of
 * the initramfs/ folder, the self-tests, their shared libraries, the
 * profile's modules and the data files /init reads, as gzip'd cpio newc. */
#ifndef KBUILD_GUEST_IMAGE_H
#define KBUILD_GUEST_IMAGE_H

#include <stddef.h>
#include <stdio.h>

struct initramfs_spec {
	const char *busybox;        /* static busybox on the host (Debian: /bin/busybox) */
	const char *const *qa_bins; /* host paths, installed as /qa/<basename> */
	size_t n_qa_bins;
	const char *plan;           /* text of /qa/plan ("<name> <binary> [args]" lines) */
	const char *const *sysctls; /* "key=value" applied by /init */
	size_t n_sysctls;
	const char *modules_root; /* staging root holding lib/modules/<release>, or NULL */
	const char *release;
	const char *const *modules; /* names, with dependencies and soft dependencies; */
	size_t n_modules;           /* 0: every module of the staging root */
	const char *init_extra;     /* shell /init sources before the runner (tests), or NULL */
	const char *skeleton_dir;   /* the initramfs/ folder (skeleton list, /init); NULL: kbuild's */
};

/* Build the archive at out_path (via out_path.tmp, renamed when complete).
 * The result depends only on the inputs: entries sorted, owner 0:0, every
 * mtime SOURCE_DATE_EPOCH (or 0). Progress and the final size go to log
 * (may be NULL). Returns 0, or -1 with kb_fail(). */
int initramfs_build(const struct initramfs_spec *s, const char *out_path, FILE *log);

#endif
