#!/usr/bin/env python3
# mkfixtures.py - writes fixtures/snapshots/cert-ca-*.json: snapshots of a
# host's CA configuration (checks/certca.c), each from akeys-ok.json (a host
# with no finding) plus the files of one case, and the findings it must
# produce. CA keys and KRLs are the ones fixtures/certs/make.sh made with
# ssh-keygen. Run from the repository root; the output is committed.
import base64, copy, json, struct

base = json.load(open("fixtures/snapshots/akeys-ok.json"))
C = "fixtures/certs/"
def pub(n): return open(C + n).read().strip()
def raw(n): return open(C + n, "rb").read()

ED, ED2 = pub("ca_ed25519.pub"), pub("ca_ecdsa256.pub")
DSA, RSA1K, RSA3K = pub("ca_dsa.pub"), pub("ca_rsa1024.pub"), pub("ca_rsa3072.pub")

def d(path, mode="0755", uid=0):
    return {"path": path, "type": "dir", "mode": mode, "uid": uid, "gid": uid}

def f(path, content, mode="0644", uid=0):
    e = {"path": path, "type": "file", "mode": mode, "uid": uid, "gid": uid,
         "size": len(content), "mtime": 1767225600}
    if isinstance(content, bytes):
        e["content_b64"] = base64.b64encode(content).decode()
    else:
        e["content"] = content
    return e

def missing(path): return {"path": path, "type": "missing"}

def fixture(name, config, files, expect, users_named=True, ak=None, logs=None):
    s = copy.deepcopy(base)
    s["users_named"] = users_named
    if logs is not None:
        s["auth_logs"] = [{"source": "/var/log/auth.log", "lines": logs}]
    for e in s["files"]:
        if e["path"] == "/etc/ssh/sshd_config":
            e["content"] += config
            e["size"] = len(e["content"])
        if e["path"] == "/home/alice/.ssh/authorized_keys" and ak is not None:
            e.pop("content_b64", None)
            e["content"] = ak
            e["size"] = len(ak)
    have = {e["path"] for e in s["files"]}
    for e in files:
        if e["path"] in have:
            s["files"] = [x for x in s["files"] if x["path"] != e["path"]]
        s["files"].append(e)
    s["expect"] = expect
    with open("fixtures/snapshots/%s.json" % name, "w") as out:
        json.dump(s, out, indent=1)
        out.write("\n")

TU = "TrustedUserCAKeys /etc/ssh/user_ca.pub\n"
CAF = "/etc/ssh/user_ca.pub"
AK = "/home/alice/.ssh/authorized_keys"
# alice's own key on line 1; a case's cert-authority lines follow
akey = pub("k_ed25519.pub") + "\n"

def x(check, path=None, line=0, user=None, blocks=False):
    return {"check": check, "user": user, "path": path, "line": line, "blocks_login": blocks}

fixture("cert-ca-ok", TU, [f(CAF, ED + "\n")], [])
fixture("cert-ca-file-missing", TU, [missing(CAF)], [x("cert.ca-file-missing", CAF)])
fixture("cert-ca-file-not-regular", TU, [d(CAF)], [x("cert.ca-file-missing", CAF)])
fixture("cert-ca-file-bad-line", TU, [f(CAF, "# CAs\nssh-ed25519 notbase64\n" + ED + "\n")],
        [x("cert.ca-file-missing", CAF, 2)])
# a certificate line reads as a key to sshd (and matches no CA): no stop
fixture("cert-ca-file-cert-line", TU, [f(CAF, pub("user_ed25519-cert.pub") + "\n" + ED + "\n")], [])
fixture("cert-ca-file-writable", TU, [f(CAF, ED + "\n", mode="0666")],
        [x("cert.ca-file-writable", CAF)])
fixture("cert-ca-file-foreign-owner", TU, [f(CAF, ED + "\n", uid=1000)],
        [x("cert.ca-file-writable", CAF)])
fixture("cert-ca-dir-writable", "TrustedUserCAKeys /etc/ssh/ca/user_ca.pub\n",
        [d("/etc/ssh/ca", mode="0775"), f("/etc/ssh/ca/user_ca.pub", ED + "\n")],
        [x("cert.ca-file-writable", "/etc/ssh/ca/user_ca.pub")])
fixture("cert-ca-sticky-dir-ok", "TrustedUserCAKeys /tmp/user_ca.pub\n",
        [d("/tmp", mode="1777"), f("/tmp/user_ca.pub", ED + "\n")], [])
fixture("cert-ca-weak", TU, [f(CAF, ED + "\n" + DSA + "\n" + RSA1K + "\n" + RSA3K + "\n")],
        [x("cert.ca-weak", CAF, 2), x("cert.ca-weak", CAF, 3)])
fixture("cert-ca-authority-unrestricted", "",
        [], [x("cert.ca-unrestricted", AK, 2, "alice")],
        ak=akey + "cert-authority " + ED + "\n")
fixture("cert-ca-authority-principals-ok", "", [], [],
        ak=akey + 'cert-authority,principals="ops" ' + ED + "\n")
fixture("cert-ca-authority-weak", "", [],
        [x("cert.ca-weak", AK, 2, "alice"), x("akeys.rsa-weak", AK, 2, "alice")],
        ak=akey + 'cert-authority,principals="ops" ' + RSA1K + "\n")
fixture("cert-ca-trusted-twice", TU, [f(CAF, ED + "\n")],
        [x("cert.ca-trusted-twice", AK, 2, "alice")],
        ak=akey + 'cert-authority,principals="ops" ' + ED + "\n" +
        'cert-authority,principals="ops" ' + ED2 + "\n")
PF = "AuthorizedPrincipalsFile /etc/ssh/principals/%u\n"
fixture("cert-principals-file-missing", TU + PF,
        [f(CAF, ED + "\n"), d("/etc/ssh/principals"), missing("/etc/ssh/principals/alice")],
        [x("cert.principals-file-missing", "/etc/ssh/principals/alice", 0, "alice")])
fixture("cert-principals-file-unnamed-quiet", TU + PF,
        [f(CAF, ED + "\n"), d("/etc/ssh/principals"), missing("/etc/ssh/principals/alice")],
        [], users_named=False)
# not named, but its logs show a certificate login (sshd 9.2's line)
fixture("cert-principals-file-logs", TU + PF,
        [f(CAF, ED + "\n"), d("/etc/ssh/principals"), missing("/etc/ssh/principals/alice")],
        [x("cert.principals-file-missing", "/etc/ssh/principals/alice", 0, "alice"),
         x("keys.unused", AK, 1, "alice")],
        users_named=False, ak=akey,
        logs="2025-12-30T10:00:00.000000+00:00 fx sshd[4242]: Accepted publickey for "
        "alice from 192.0.2.7 port 50000 ssh2: ED25519-CERT "
        "SHA256:QePphhwUqpkO6fjDAxPJl2vE7Xc5cv7oZmeD+oOXYhM ID alice@ca (serial 5) CA "
        "ED25519 SHA256:SXUyUHL2im2TTMQeSicKnuSa7ICR/L2AyGi8tItZ64g\n")
fixture("cert-principals-file-ok", TU + PF,
        [f(CAF, ED + "\n"), d("/etc/ssh/principals"),
         f("/etc/ssh/principals/alice", "alice\nfrom=\"10.0.0.0/8\" ops\n")], [])
fixture("cert-principals-without-ca-quiet", PF,
        [d("/etc/ssh/principals"), missing("/etc/ssh/principals/alice")], [])
# KRLs: one that loads (and revokes nothing of alice's: quiet), one
# whose header reads but a section does not
good = raw("krl_update.krl")
bad = (b"SSHKRL\n\0" + struct.pack(">IQQQ", 1, 9, 1767225600, 0) +
       struct.pack(">I", 0) + struct.pack(">I", 6) + b"broken" + bytes([0x7f]) +
       struct.pack(">I", 1) + b"x")
RK = "RevokedKeys /etc/ssh/revoked.krl\n"
KP = "/etc/ssh/revoked.krl"
fixture("cert-krl-ok", RK, [f(KP, good)], [])
fixture("cert-krl-invalid", RK, [f(KP, bad)],
        [x("cert.krl-invalid", KP, 0, None, True)])
