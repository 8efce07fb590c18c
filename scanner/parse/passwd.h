/* passwd.h - account databases (passwd, group, shadow) into a snapshot. */
#ifndef KA_PASSWD_H
#define KA_PASSWD_H

#include "scanner/snapshot.h"

#define PASSWD_MAX_LINES 1000000
#define PASSWD_MAX_LINE 65536
#define PASSWD_MAX_MEMBERS 65536

/* Appends accounts/groups; the first entry for a name wins, as with getpwnam. */
void passwd_parse(const char *data, size_t len, struct snapshot *s);
void group_parse(const char *data, size_t len, struct snapshot *s);
/* Marks accounts locked/expired from shadow; call after passwd_parse. */
void shadow_apply(const char *data, size_t len, struct snapshot *s);

#endif
