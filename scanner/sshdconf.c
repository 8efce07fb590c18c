/* sshdconf.c - placeholder: being written. */
#include <stdlib.h>
#include "sshdconf.h"

struct sshd_config { struct strlist files; };
struct sshd_eff { int unused; };

struct sshd_config *sshdconf_parse(const char *path, const struct sshdconf_io *io) { (void)path; (void)io; return xcalloc(1, sizeof(struct sshd_config)); }
void sshdconf_free(struct sshd_config *c) { if (c) { strlist_free(&c->files); free(c);} }
size_t sshdconf_nerrors(const struct sshd_config *c) { (void)c; return 0; }
const struct sshdconf_error *sshdconf_error_at(const struct sshd_config *c, size_t i) { (void)c; (void)i; return NULL; }
const struct strlist *sshdconf_files(const struct sshd_config *c) { return &c->files; }
struct sshd_eff *sshdconf_effective(const struct sshd_config *c, const struct sshd_conn *conn) { (void)c; (void)conn; return xcalloc(1, sizeof(struct sshd_eff)); }
void sshd_eff_free(struct sshd_eff *e) { free(e); }
const struct sshd_value *sshd_eff_get(const struct sshd_eff *e, const char *k) { (void)e; (void)k; return NULL; }
const char *sshd_eff_str(const struct sshd_eff *e, const char *k) { (void)e; (void)k; return NULL; }
int sshd_eff_bool(const struct sshd_eff *e, const char *k) { (void)e; (void)k; return -1; }
char *sshd_eff_origin(const struct sshd_eff *e, const char *k) { (void)e; (void)k; return xstrdup("default"); }
void sshd_eff_dump(const struct sshd_eff *e, struct buf *out) { (void)e; (void)out; }
int sshd_eff_accepts_alg(const struct sshd_eff *e, const char *alg) { (void)e; (void)alg; return 1; }
