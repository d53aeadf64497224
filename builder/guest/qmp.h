/* QEMU's machine protocol (QMP) over a unix socket: what a BMC does to a
 * real host (reset it), done to a QEMU one. */
#ifndef KBUILD_GUEST_QMP_H
#define KBUILD_GUEST_QMP_H

/* Runs one argument-less QMP command (e.g. "system_reset") on the QEMU
 * listening at the unix socket path: connects, reads the greeting, leaves
 * capabilities negotiation, sends the command and waits for its "return".
 * Returns 0, or -1 with kb_fail() (QEMU's error text when it refused). */
int qmp_command(const char *path, const char *command, double timeout_s);

#endif
