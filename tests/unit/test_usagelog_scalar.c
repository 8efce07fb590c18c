/* test_usagelog_scalar.c - the auth-log reader's tests again over its
 * portable path, the one a machine without SSE2 runs: the reader is compiled
 * into this test with USAGELOG_SCALAR (its definitions take the place of the
 * library's), and test_usagelog.c's cases are run over it unchanged. */
#define USAGELOG_SCALAR 1
#include "scanner/parse/usagelog.c"
#include "test_usagelog.c"
