/* fuzz_sysunit.c - systemd unit and environment files, ExecStart= word
 * splitting and sshd's getopt (scanner/parse/sysunit.c) over the same
 * bytes: the first line is the ExecStart= value, the rest the files. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "scanner/parse/sysunit.h"

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *nl = memchr(text, '\n', size);
	size_t first = nl ? (size_t)(nl - text) : size;
	struct unit_values v = { 0 }, env = { 0 };
	struct unit_value exec = { NULL, "/fuzz", 1 };
	struct sshd_cmdline c = { 0 };
	struct strlist l = { 0 };

	unit_collect("/fuzz", text, size, "Socket", "ListenStream", &v);
	for (size_t i = 0; i < v.n; i++)
		unit_listen_addrs(v.v[i].value, &l);
	envfile_apply("/fuzz", text, size, &env);
	exec.value = xstrndup(text, first);
	sshd_cmdline_parse(&exec, &env, &c);
	free(exec.value);
	sshd_cmdline_free(&c);
	unit_values_free(&v);
	unit_values_free(&env);
	strlist_free(&l);
	return 0;
}
