/* collector.h - the read-only POSIX-sh collector (collector.sh, embedded at
 * build time), its parameters, the parser of its output stream, and the
 * transport that runs it locally with /bin/sh. The ssh transport will run
 * the same script over one exec channel and feed the same parser. */
#ifndef KA_COLLECTOR_H
#define KA_COLLECTOR_H

#include <stddef.h>

#include "scanner/snapshot.h"
#include "scanner/transport/transport.h"

/* The script text, NUL-terminated. */
extern const char collector_script[];

/* Whole collector output we accept: a few 8 MiB files at most. */
#define COLLECT_STREAM_LIMIT (64u * 1024 * 1024)

/*
 * The bytes to write to the collector's stdin for these options. Returns
 * NULL with a one-line message in *err (caller frees) when an option cannot
 * be said (a NUL or newline in a user name or path). run_sshd_t: let the
 * collector run `sshd -T` (it still does so only as root). deadline_s > 0:
 * the collector ends itself and everything it started on the host after
 * that many seconds (keyaudit stops waiting then anyway).
 */
char *collector_params(const struct collect_opts *o, int run_sshd_t, int deadline_s,
    size_t *len, char **err);

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

/* Runs collector_script with /bin/sh on this machine (transport "exec"). */
extern const struct transport transport_exec;

#endif
