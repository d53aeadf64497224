#include "lib/sha256.h"
#include "lib/util.h"

#include <ctype.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct sha256_ctx {
	EVP_MD_CTX *md;
};

struct sha256_ctx *sha256_new(void)
{
	struct sha256_ctx *c = xmalloc(sizeof(*c));
	c->md = EVP_MD_CTX_new();
	if (!c->md || EVP_DigestInit_ex(c->md, EVP_sha256(), NULL) != 1) {
		fputs("kbuild: OpenSSL cannot initialise SHA-256\n", stderr);
		abort();
	}
	return c;
}

void sha256_update(struct sha256_ctx *c, const void *data, size_t len)
{
	EVP_DigestUpdate(c->md, data, len);
}

void sha256_final_hex(struct sha256_ctx *c, char hex[SHA256_HEX_LEN + 1])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int n = 0;
	EVP_DigestFinal_ex(c->md, md, &n);
	for (unsigned i = 0; i < n; i++)
		sprintf(hex + 2 * i, "%02x", md[i]);
	hex[SHA256_HEX_LEN] = '\0';
	EVP_MD_CTX_free(c->md);
	free(c);
}

void sha256_hex(const void *data, size_t len, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256_ctx *c = sha256_new();
	sha256_update(c, data, len);
	sha256_final_hex(c, hex);
}

int sha256_file(const char *path, char hex[SHA256_HEX_LEN + 1])
{
	/* a regular file only: /dev/zero or a FIFO would be hashed forever */
	int fd = open_regular(path);
	if (fd < 0) {
		memset(hex, '0', SHA256_HEX_LEN);
		hex[SHA256_HEX_LEN] = '\0';
		return -1;
	}
	int rc = sha256_fd(fd, path, hex);
	close(fd);
	return rc;
}

int sha256_valid_hex(const char *s)
{
	size_t i;
	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]))
			return 0;
	return i == SHA256_HEX_LEN;
}

int sha256_fd(int fd, const char *what, char hex[SHA256_HEX_LEN + 1])
{
	struct sha256_ctx *c = sha256_new();
	char buf[1 << 16];
	ssize_t n;
	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;
			sha256_final_hex(c, hex);
			return kb_fail("cannot read %s: %s", what, strerror(e));
		}
		sha256_update(c, buf, (size_t)n);
	}
	sha256_final_hex(c, hex);
	return 0;
}
