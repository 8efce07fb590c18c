/* inroot.h - paths of an image mounted at --root DIR, resolved as if DIR
 * were "/": a symlink inside the image (absolute or "../..") can never lead
 * out of it to this machine's files. openat2(2) with RESOLVE_IN_ROOT does
 * it in the kernel; where openat2 is missing (ENOSYS, kernels before 5.6)
 * the path must already be canonical (path_resolve made it so) and is
 * opened one component at a time with O_NOFOLLOW, so a link swapped in on
 * the way fails instead of being followed. */
#ifndef KA_INROOT_H
#define KA_INROOT_H

#include <sys/stat.h>
#include <sys/types.h>

/* open(2) of path (absolute, inside the image) relative to rootfd. The last
 * component is followed only when flags lack O_NOFOLLOW, and then inside
 * the image too. -1 with errno. */
int inroot_open(int rootfd, const char *path, int flags);

/* lstat(2) and readlink(2) of path inside the image: the directories on the
 * way resolve inside it, the last component is not followed. */
int inroot_lstat(int rootfd, const char *path, struct stat *st);
ssize_t inroot_readlink(int rootfd, const char *path, char *buf, size_t size);

/* glob(3) of an absolute pattern inside the image (GLOB_ALTDIRFUNC): the
 * matches are image paths, without DIR. Returns glob's code; *matches and
 * *n are set on 0 (free with inroot_globfree). At most limit matches. */
int inroot_glob(int rootfd, const char *pattern, size_t limit, char ***matches,
    size_t *n);
void inroot_globfree(char **matches, size_t n);

#endif
