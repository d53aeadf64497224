/* Checking and quoting the values that go into boot loader files: every
 * format is line based, so a control character is refused everywhere (with
 * the profile key named); GRUB2 and sh get single-quoted words; names used
 * in file names and GRUB ids keep to a small safe alphabet. */
#ifndef KBUILD_BOOT_QUOTE_H
#define KBUILD_BOOT_QUOTE_H

#include <stdbool.h>

/* 0, or -1 with kb_fail("KEY: ...") when v holds a newline or another
 * control character (tab included: none of the formats needs one). */
int boot_check_line(const char *key, const char *v);

/* 0, or -1 naming key when v is empty or holds a character outside
 * [A-Za-z0-9] and extra (for releases, ids, device names). */
int boot_check_charset(const char *key, const char *v, const char *extra);

/* 0, or -1 naming key when the kernel command line v has an unbalanced
 * double quote (the kernel's own parser would swallow what follows). */
int boot_check_cmdline(const char *key, const char *v);

/* Whether a GRUB2 word needs no quoting (letters, digits and ,./:=@_+-). */
bool grub2_word_is_plain(const char *s);

/* s as one GRUB2 script word: unchanged when plain, else in single quotes
 * with ' written as '\'' (GRUB's lexer follows sh here). malloc'd. */
char *grub2_quote(const char *s);

/* s in single quotes for sh, ' written as '\''. malloc'd. */
char *sh_quote_word(const char *s);

#endif
