/* collect_stream.h - the collector's output stream parsed into a snapshot
 * (collect_stream.c). Pure: no I/O. */
#ifndef KA_COLLECT_STREAM_H
#define KA_COLLECT_STREAM_H

#include <stddef.h>

#include "scanner/snapshot.h"

/* Whole collector output we accept: a few 8 MiB files at most. */
#define COLLECT_STREAM_LIMIT (64u * 1024 * 1024)

/*
 * Collector output -> snapshot. target and transport name the snapshot.
 * 0 on success; -1 with "collector stream: record N: ..." in *err (caller
 * frees). Never reads past len; out is left valid (free it) either way.
 */
int collect_stream_parse(const char *data, size_t len, const char *target,
    const char *transport, struct snapshot *out, char **err);

/* The version sshd announces, from candidate strings (see transport_local.c):
 * the longest "OpenSSH_<d>.<d>p<d>[ <suffix>]" in data, or NULL. */
char *collect_sshd_version(const char *data, size_t len);

#endif
