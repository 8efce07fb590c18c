/* match.h - OpenSSH's pattern language (match.c, addrmatch.c): `*` and `?`
 * wildcards, comma lists with `!` negation, CIDR address lists, and the
 * user[@host] forms of AllowUsers/DenyUsers. */
#ifndef KA_MATCH_H
#define KA_MATCH_H

/* Shell-style wildcard match, case-sensitive. 1 match, 0 not. */
int match_pattern(const char *s, const char *pattern);
/* Comma-separated list; 1 positive match, 0 no match, -1 negated match.
 * dolower: lower-case s before matching (host names). */
int match_pattern_list(const char *s, const char *list, int dolower);
/* Address against a CIDR/wildcard list: 1 match, 0 no, -1 negated, -2 error. */
int match_addr_list(const char *addr, const char *list);
/* addr_match_cidr_list: addresses and CIDR blocks only, no wildcards or
 * negation (a certificate's source-address): 1 match, 0 no, -1 the list is
 * invalid. addr NULL only checks the list. */
int match_cidr_list(const char *addr, const char *list);
/* AllowUsers/DenyUsers entry "user[@host|@addr/cidr]": 1 matches, 0 not.
 * host NULL: the address stands in for it (UseDNS no); an entry with @
 * never matches when the address is unknown. */
int match_user_entry(const char *user, const char *host, const char *addr, const char *pattern);

#endif
