/* engine.h - run every selected check family over one snapshot. */
#ifndef KA_ENGINE_H
#define KA_ENGINE_H

#include "scanner/context.h"

/* Fills out (already initialised with the target) with findings, skips and
 * the list of rules that ran, sorted for reporting. */
void engine_check_snapshot(const struct snapshot *s, const struct ka_options *o,
    struct ka_host_result *out);

struct host_digest;
/* The same, also filling the host's digest for the fleet pass (fleet.h). */
void engine_check_host(const struct snapshot *s, const struct ka_options *o,
    struct ka_host_result *out, struct host_digest *digest);

#endif
