/* collector.h - the read-only POSIX-sh collector (collector.sh, embedded at
 * build time), its parameters, and the transport that runs it locally with
 * /bin/sh. The ssh transport runs the same script over one exec channel;
 * both feed scanner/parse/collect_stream.c. */
#ifndef KA_COLLECTOR_H
#define KA_COLLECTOR_H

#include <stddef.h>

#include "scanner/snapshot.h"
#include "scanner/transport/transport.h"
#include "scanner/parse/collect_stream.h"

/* The script text, NUL-terminated. */
extern const char collector_script[];

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

/* Runs collector_script with /bin/sh on this machine (transport "exec"). */
extern const struct transport transport_exec;

#endif
