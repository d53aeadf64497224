/* SHA-256 through OpenSSL's EVP interface. */
#ifndef KBUILD_LIB_SHA256_H
#define KBUILD_LIB_SHA256_H

#include <stddef.h>

#define SHA256_HEX_LEN 64

struct sha256_ctx;
struct sha256_ctx *sha256_new(void);
void sha256_update(struct sha256_ctx *c, const void *data, size_t len);
/* Writes 64 lowercase hex digits and a NUL into hex, frees c. */
void sha256_final_hex(struct sha256_ctx *c, char hex[SHA256_HEX_LEN + 1]);

void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1]);
/* Returns 0, or -1 with kb_fail() naming the file. */
int sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1]);
/* The same over an open file from its current offset to EOF (what names it
 * in errors). */
int sha256_fd(int fd, const char *what, char hex[SHA256_HEX_LEN + 1]);
/* True when s is 64 hex digits. */
int sha256_valid_hex(const char *s);

#endif
