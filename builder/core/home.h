/* Where kbuild's own files (configs/, patches/, qa/) and the cache live. */
#ifndef KBUILD_CORE_HOME_H
#define KBUILD_CORE_HOME_H

/* KBUILD_HOME, else the directory holding the kbuild executable (or its
 * parent) when it has configs/profiles, else the current directory. */
char *kbuild_home(void);
/* KBUILD_CACHE, else $XDG_CACHE_HOME/kbuild, else ~/.cache/kbuild; NULL with
 * kb_fail() when none is set (never a /tmp fallback). */
char *kbuild_cache(void);

#endif
