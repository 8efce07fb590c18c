#!/usr/bin/env python3
# extract.py - what each OpenSSH release's source says, tag by tag, as plain
# lines for tests/unit/test_release.c (fixtures/releases/openssh-tags.txt).
# The unit test checks parse/release.c's span tables against these whole
# per-release snapshots, so a table row and its expectation come from two
# different derivations. Run: tests/releases-kw/extract.py REPO > FILE
# (REPO: a bare openssh-portable clone with the V_X_Y_P1 tags).
#
# Build assumptions (Debian's): USE_PAM, KRB5, GSSAPI on; USE_AFS and
# DISABLE_LASTLOG off; OpenSSL with ECC and FIDO.
import re, subprocess, sys

REPO = sys.argv[1]
TRUE = {'USE_PAM', 'KRB5', 'GSSAPI'}

def show(tag, f):
    return subprocess.run(['git', '-C', REPO, 'show', f'{tag}:{f}'],
                          capture_output=True, text=True).stdout

def unifdef(text):
    out, stack = [], []
    for l in text.split('\n'):
        m = re.match(r'\s*#\s*(ifdef|ifndef|if|else|endif|elif)\b\s*(.*)', l)
        if m:
            d, arg = m.groups()
            if d in ('ifdef', 'ifndef', 'if'):
                name = re.sub(r'defined\(?\s*(\w+)\)?', r'\1', arg).split()
                v = bool(name) and name[0] in TRUE
                stack.append(not v if d == 'ifndef' else v)
            elif d == 'else':
                stack[-1] = not stack[-1]
            elif d == 'endif':
                stack.pop()
            continue
        if all(stack):
            out.append(l)
    return '\n'.join(out)

STATE = {'sDeprecated': 'deprecated', 'sIgnore': 'ignore',
         'sUnsupported': 'unsupported'}
SCOPE = {'SSHCFG_GLOBAL': 'G', 'SSHCFG_ALL': 'A'}

def keywords(tag):
    c, res = show(tag, 'servconf.c'), {}
    if 'SSHD_CONFIG_ENTRIES' in c:
        h = unifdef(show(tag, 'servconf.h')).replace('\\\n', ' ')
        h = h[h.index('#define SSHD_CONFIG_ENTRIES_CUSTOM'):]
        for m in re.finditer(r'SSHCONF_(INT|INTFLAG|STRING|STRARRAY|CUSTOM|'
                             r'DEPRECATE|UNSUPPORTED_INT|UNSUPPORTED_STRING|'
                             r'ALIAS)\(([^()]*)\)', h):
            typ, a = m.group(1), [x.strip() for x in m.group(2).split(',')]
            if typ in ('INT', 'INTFLAG', 'STRING', 'UNSUPPORTED_INT',
                       'UNSUPPORTED_STRING'):
                k = a[1]
            elif typ == 'STRARRAY':
                k = a[2]
            else:
                k = a[0]
            if typ == 'DEPRECATE':
                st = {'SSHCONF_DEPRECATED': 'deprecated',
                      'SSHCONF_IGNORE': 'ignore'}.get(a[2], 'unsupported')
            elif typ.startswith('UNSUPPORTED'):
                st = 'unsupported'
            else:
                st = 'ok'
            sc = [SCOPE[x] for x in a if x in SCOPE]
            if not sc:
                continue  # a macro's own definition
            res[k.lower()] = (st, sc[0])
    block = c[c.index('} keywords[] = {'):]
    block = unifdef(block[:block.index('\n};')])
    for m in re.finditer(r'\{\s*"(\w+)",\s*(\w+),\s*([\w| ]+)\s*\}', block):
        k, op, fl = m.groups()
        res[k] = (STATE.get(op, 'ok'), SCOPE[fl.strip()])
    return res

def authopts(tag):
    s = show(tag, 'auth-options.c')
    names = re.findall(r'(?:match_flag|opt_flag)\("([a-z0-9-]+)",\s*(\d)', s)
    out = [n + ('/neg' if neg == '1' else '') for n, neg in names]
    out += re.findall(r'opt_match\(&opts, "([a-z-]+)"\)', s)
    out += re.findall(r'cp = "([a-z-]+)=\\""', s)
    return sorted(set(out))

def criteria(tag):
    s = show(tag, 'servconf.c')
    s = s[s.index('\nmatch_cfg_line('):]
    s = s[:s.index('\n}\n')]
    return sorted(set(re.findall(r'strcasecmp\(attrib, "([a-z-]+)"\)', s)))

def proposal(tag, macro):
    open('/tmp/mp-extract.h', 'w').write(show(tag, 'myproposal.h'))
    open('/tmp/mp-extract.c', 'w').write(
        '#include "mp-extract.h"\nX=%s\n' % macro)
    o = subprocess.run(['gcc', '-E', '-P', '-DWITH_OPENSSL', '-DOPENSSL_HAS_ECC',
                        '-DOPENSSL_HAS_NISTP521', '-DENABLE_SK',
                        '-DHAVE_EVP_SHA256', '-DOPENSSL_HAVE_EVPGCM',
                        '/tmp/mp-extract.c'], capture_output=True,
                       text=True).stdout
    v = [l for l in o.split('\n') if l.startswith('X=')][0][2:]
    v = re.sub(r'"\s*"', '', v).replace('"', '')
    return '-' if v == macro else v

def getopts(tag):
    s = show(tag, 'sshd.c')
    m = re.search(r'getopt\(ac, av,\s*"([^"]*)"', s)
    return m.group(1)

def programs(tag):
    s = show(tag, 'Makefile.in')
    p = ['sshd']
    for x in ('sshd-session', 'sshd-auth'):
        if re.search(r'^TARGETS=.*\b' + x + r'\$\(EXEEXT\)', s, re.M) or \
           re.search(r'\b' + x + r'\$\(EXEEXT\):', s):
            p.append(x)
    return p

def tcase(tag):
    c = show(tag, 'servconf.c')
    mixed = 'SSHD_CONFIG_ENTRIES' in c
    if not mixed:
        return 0
    return 2 if 'printf("Port %d' in c else 1

tags = subprocess.run(['git', '-C', REPO, 'tag'], capture_output=True,
                      text=True).stdout.split()
tags = [t for t in tags if re.fullmatch(r'V_(7_[4-9]|[89]_\d|1\d_\d)_P1', t)]
tags.sort(key=lambda t: tuple(int(x) for x in t.split('_')[1:3]))
print('# generated by tests/releases-kw/extract.py from openssh-portable tags')
for t in tags:
    r = '%s.%s' % tuple(t.split('_')[1:3])
    for k, (st, sc) in sorted(keywords(t).items()):
        print(r, 'kw', k, st, sc)
    print(r, 'ak', ' '.join(authopts(t)))
    print(r, 'match', ' '.join(criteria(t)))
    print(r, 'pk', proposal(t, 'KEX_DEFAULT_PK_ALG'))
    print(r, 'ca', proposal(t, 'SSH_ALLOWED_CA_SIGALGS'))
    print(r, 'kex', proposal(t, 'KEX_SERVER_KEX'))
    print(r, 'cipher', proposal(t, 'KEX_SERVER_ENCRYPT'))
    print(r, 'mac', proposal(t, 'KEX_SERVER_MAC'))
    print(r, 'getopt', getopts(t))
    print(r, 'programs', ' '.join(programs(t)))
    print(r, 'tcase', tcase(t))
