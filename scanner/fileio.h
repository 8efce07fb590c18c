/* fileio.h - reading the files a user names, and the files ssh reads on
 * this machine, bounded (fileio.c). */
#ifndef KA_FILEIO_H
#define KA_FILEIO_H

#include <stddef.h>

#include "scanner/util.h"

struct baseline;
struct keyreg;
struct ka_policy;
struct target_list;
struct usagelog;

/* Whole file into memory, bounded. 0; 1 when it does not exist; -1 + *err. */
int read_file_bounded(const char *path, size_t limit, struct buf *b, char **err);
/* An input file the user named (a registry, a baseline, a report): the
 * same, with a missing file an error too ("PATH: no such file"). 0 or -1. */
int read_input_file(const char *path, size_t limit, struct buf *b, char **err);

/* Each file read, then its parser; errors name the file (and line). */
int baseline_load(const char *path, struct baseline *out, char **err);
int keyreg_load(const char *path, struct keyreg *out, char **err);
int policy_load(const char *path, struct ka_policy **out, char **err);
/* At most INVENTORY_MAX_BYTES, then inventory_parse. */
int inventory_load(const char *path, const char *limit, struct target_list *out,
    char **err);
/* A log file (plain or gzip, by its magic) fed to u; it starts and ends a
 * line of its own. 0, or -1 with *err. */
int usagelog_read_file(struct usagelog *u, const char *path, char **err);

#endif
