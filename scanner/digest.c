/* digest.c - a host's fleet digest (digest.h): the model's part of it. */
#include <string.h>

#include "scanner/digest.h"

void
host_digest_free(struct host_digest *d)
{
	strlist_free(&d->hostkey_fps);
	strlist_free(&d->keys);
	strlist_free(&d->kh_names);
	strlist_free(&d->hostkeys);
	strlist_free(&d->kh_files);
	strlist_free(&d->cas);
	strlist_free(&d->revoked);
	strlist_free(&d->krl_cas);
	memset(d, 0, sizeof(*d));
}
