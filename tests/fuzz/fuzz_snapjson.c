/* fuzz_snapjson.c - snapshot JSON reader: any bytes must give a snapshot or
 * a one-line error, and a snapshot that loads must survive the checks and a
 * write/read round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/engine.h"
#include "scanner/transport/transport.h"
#include "scanner/parse/snapjson.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot s, s2;
	struct ka_host_result r;
	struct ka_options o = { 0 };
	char *err = NULL, *json;

	snapshot_init(&s);
	if (snapshot_from_json((const char *)data, size, "fuzz", &s, &err) != 0) {
		if (err == NULL || strchr(err, '\n') != NULL)
			abort();
		free(err);
		return 0;
	}
	host_result_init(&r, s.target);
	engine_check_snapshot(&s, &o, &r);
	host_result_free(&r);
	json = snapshot_to_json(&s);
	snapshot_init(&s2);
	if (snapshot_from_json(json, strlen(json), "roundtrip", &s2, &err) != 0)
		abort();
	snapshot_free(&s2);
	free(json);
	snapshot_free(&s);
	return 0;
}
