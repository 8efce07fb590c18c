/* fuzz_collect_stream.c - libFuzzer target for the collector stream parser:
 * any bytes must give a snapshot or a one-line error, never a crash, and a
 * parsed snapshot must survive the JSON round trip. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/transport/collector.h"
#include "scanner/parse/snapjson.h"
#include "scanner/parse/collect_stream.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct snapshot s;
	char *err = NULL;

	snapshot_init(&s);
	if (collect_stream_parse((const char *)data, size, "fuzz", "exec", &s, &err) == 0) {
		char *json = snapshot_to_json(&s);
		free(json);
	} else if (err == NULL || strchr(err, '\n') != NULL)
		abort();
	free(err);
	snapshot_free(&s);
	return 0;
}
