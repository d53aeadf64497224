/* The TCP self-tests booted with --wrong, shared by the tcp_guest suite
 * (Debian's 6.1) and the e2e test (the 2.6.39.4 kernel it built). */
#ifndef KBUILD_TCP_GUEST_H
#define KBUILD_TCP_GUEST_H

/* Boot kernel (NULL: Debian's prebuilt one, with its diag modules) with
 * every TCP self-test given --wrong; fails the Check test unless each of
 * them reports "not ok". Needs the qa binaries built in the project root. */
void tcp_guest_expect_wrong_fails(const char *kernel);

#endif
