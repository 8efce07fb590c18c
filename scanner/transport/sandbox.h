/* sandbox.h - run one program of an image (--root DIR) where it can do no
 * harm: for the image's own `sshd -G`, code that comes from the image. */
#ifndef KA_SANDBOX_H
#define KA_SANDBOX_H

#include <sys/types.h>

/* The account the program runs as: nobody's ids, no groups. */
#define SANDBOX_UID	65534
#define SANDBOX_GID	65534

/*
 * Start argv[0] (a path inside root) with stdin /dev/null and stdout,
 * stderr on outfd, errfd; needs root. It runs chrooted in root mounted
 * read-only (the bind mount alone: nothing mounted below root is seen),
 * in new mount, PID, network, IPC and UTS namespaces (no network, no other
 * process to signal), as SANDBOX_UID/GID with no supplementary groups and
 * no way to gain privileges (no_new_privs), no file it may grow (RLIMIT_FSIZE
 * 0), no core, bounded CPU, memory and descriptors, and a fixed minimal
 * environment. It dies with the process returned, which the caller kills
 * to stop it. Returns that pid (its exit status is the program's, 126 when
 * the sandbox could not be made), or -1.
 */
pid_t sandbox_spawn(const char *root, const char *const argv[], int outfd, int errfd);

#endif
