/* snapjson.h - snapshots to and from JSON (snapjson.c): the form `keyaudit
 * collect` writes and `scan --snapshot` reads. Pure: no I/O. */
#ifndef KA_SNAPJSON_H
#define KA_SNAPJSON_H

#include <stddef.h>

#include "scanner/snapshot.h"

/* Snapshot JSON (snapjson.c). Parse errors name the file and line. */
int snapshot_from_json(const char *text, size_t len, const char *name,
    struct snapshot *out, char **err);
char *snapshot_to_json(const struct snapshot *s);

#endif
