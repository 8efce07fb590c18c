/* match.c - placeholder: being written. */
#include "match.h"
int match_pattern(const char *s, const char *p) { (void)s; (void)p; return 0; }
int match_pattern_list(const char *s, const char *l, int d) { (void)s; (void)l; (void)d; return 0; }
int match_addr_list(const char *a, const char *l) { (void)a; (void)l; return 0; }
int match_user_entry(const char *u, const char *h, const char *a, const char *p) { (void)u; (void)h; (void)a; (void)p; return 0; }
