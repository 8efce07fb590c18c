#!/usr/bin/python3
"""dom.py - what the HTML suite asserts about a page Chromium rendered
(--dump-dom), against the JSON report of the same run. Each mode prints one
line per failed expectation and exits 1 when there is any, else prints a
one-line account and exits 0.

  dom.py scan JSON DOM [SEV CHECK HOST]   hosts, findings, summary; with a
                                          filter: exactly its findings shown
  dom.py diff JSON DOM                    new/resolved findings, keys, hosts
  dom.py keys JSON DOM                    every key row
  dom.py preflight JSON DOM               every account change and finding
  dom.py safe DOM                         no injected element or handler
  dom.py png FILE WIDTH [MIN_BYTES [EDGE]] a PNG of that width (its right
                                          EDGE px blank: nothing overflows)
"""
import collections
import html.parser
import json
import struct
import sys
import zlib

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
        "param", "source", "track", "wbr"}
SEV = ["info", "low", "medium", "high", "critical"]


class Dom(html.parser.HTMLParser):
    """Every element with its attributes, classes, ancestors and text."""

    def __init__(self, text):
        super().__init__(convert_charrefs=True)
        self.stack, self.el = [], []
        self.feed(text)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = {k: (v if v is not None else "") for k, v in attrs}
        self.el.append({"tag": tag, "a": a, "attrs": attrs,
                        "cls": set(a.get("class", "").split()),
                        "anc": list(self.stack), "text": []})
        if tag not in VOID:
            self.stack.append(len(self.el) - 1)

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        if tag not in VOID:
            self.stack.pop()

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, -1, -1):
            if self.el[self.stack[i]]["tag"] == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        for i in self.stack:
            self.el[i]["text"].append(data)

    def find(self, cls, tag=None):
        return [e for e in self.el if cls in e["cls"] and (tag is None or e["tag"] == tag)]

    def up(self, e, cls):
        """The nearest ancestor of e with class cls."""
        for i in reversed(e["anc"]):
            if cls in self.el[i]["cls"]:
                return self.el[i]
        return None

    def shown(self, e):
        return "hid" not in e["cls"] and all("hid" not in self.el[i]["cls"] for i in e["anc"])

    def text(self, e):
        return "".join(e["text"]).strip()

    def by_id(self, ident):
        for e in self.el:
            if e["a"].get("id") == ident:
                return e
        return None


errors = []


def expect(cond, what):
    if not cond:
        errors.append(what)


def same(name, want, got):
    w, g = collections.Counter(want), collections.Counter(got)
    if w != g:
        errors.append("%s: missing %s; extra %s" % (name, sorted(w - g)[:5], sorted(g - w)[:5]))


def card(d, cls):
    e = d.find(cls)
    if len(e) != 1:
        return None
    b = [x for x in d.el if x["tag"] == "b" and e and d.el.index(e[0]) in x["anc"]]
    return d.text(b[0]) if b else None


def scan(jpath, dpath, filt):
    rep = json.load(open(jpath))
    d = Dom(open(dpath).read())
    hosts = [h["target"] for h in rep["hosts"]]
    got_hosts = [g["a"].get("data-host") for g in d.find("grp", "section") if "host" in g["cls"]]
    expect(got_hosts == hosts, "hosts in order: want %s got %s" % (hosts, got_hosts))
    want, got = [], []
    for h in rep["hosts"]:
        for f in h["findings"]:
            want.append((h["target"], f["check"], f["severity"], f["user"] or "", f["path"] or ""))
    items = d.find("f")
    for e in items:
        g = d.up(e, "grp")
        got.append((g["a"].get("data-host") if g else None, e["a"].get("data-check"),
                    SEV[int(e["a"].get("data-sev"))], e["a"].get("data-user"),
                    e["a"].get("data-path")))
    same("findings (host, check, severity, user, path)", want, got)
    # each finding's message is its item's text, as the JSON has it
    msgs = collections.Counter(d.text(m) for m in d.find("msg", "p") if d.up(m, "f"))
    same("messages", [f["message"].strip() for h in rep["hosts"] for f in h["findings"]],
         list(msgs.elements()))
    fixes = [d.text(x) for x in d.find("fix", "pre")]
    same("fixes", [f["fix"].strip() for h in rep["hosts"] for f in h["findings"] if f.get("fix")], fixes)
    s = rep["summary"]
    for cls, key in (("c-hosts", "hosts"), ("c-failed", "hosts_failed"),
                     ("c-findings", "findings"), ("c-blocking", "blocking")):
        expect(card(d, cls) == str(s[key]), "summary %s: want %s got %s" % (key, s[key], card(d, cls)))
    for e in d.find("c-sev"):
        sv = SEV[int(e["a"]["data-sev"])]
        n = [x for x in d.el if x["tag"] == "b" and d.el.index(e) in x["anc"]]
        expect(n and d.text(n[0]) == str(s["by_severity"][sv]), "summary %s count" % sv)
    if filt:
        sev, check, host = filt
        lo = SEV.index(sev) if sev else -1
        want_shown = [w for w in want if SEV.index(w[2]) >= lo and (not check or w[1] == check)
                      and (not host or host.lower() in w[0].lower())]
        shown = [got[i] for i, e in enumerate(items) if d.shown(e)]
        same("shown with filter sev=%s check=%s host=%s" % filt, want_shown, shown)
        expect(len(shown) < len(got), "the filter hides something (%d of %d shown)" % (len(shown), len(got)))
        hidden_hosts = [g["a"].get("data-host") for g in d.find("grp", "section") if not d.shown(g)]
        expect(all(not any(w[0] == hh for w in want_shown) for hh in hidden_hosts),
               "no host with a shown finding is hidden")
    return "%d hosts, %d findings%s" % (len(hosts), len(want),
                                         ", %d shown by the filter" % len(shown) if filt else "")


def diff(jpath, dpath):
    rep = json.load(open(jpath))
    d = Dom(open(dpath).read())

    def group(ident, kind):
        g = d.by_id(ident)
        if g is None:
            errors.append("no group %s" % ident)
            return []
        return [e for e in d.find(kind) if d.el.index(g) in e["anc"]]
    for ident, key in (("new-findings", "new_findings"), ("resolved-findings", "resolved_findings")):
        same(key, [(f["host"], f["check"], f["user"] or "", f["path"] or "") for f in rep[key]],
             [(e["a"]["data-host"], e["a"]["data-check"], e["a"]["data-user"], e["a"]["data-path"])
              for e in group(ident, "f")])
    for ident, key in (("keys-added", "keys_added"), ("keys-removed", "keys_removed")):
        same(key, [(k["host"], k["user"], k["fingerprint"]) for k in rep[key]],
             [(e["a"]["data-host"], e["a"]["data-user"], e["a"]["data-fp"]) for e in group(ident, "key")])
    for ident, key in (("hosts-added", "hosts_added"), ("hosts-removed", "hosts_removed")):
        same(key, rep[key], [e["a"]["data-host"] for e in group(ident, "hostchg")])
    same("hostkeys_changed", [h["host"] for h in rep["hostkeys_changed"]],
         [e["a"]["data-host"] for e in group("hostkeys-changed", "hostkey")])
    return "%d new, %d resolved findings, %d keys added, %d removed" % (
        len(rep["new_findings"]), len(rep["resolved_findings"]), len(rep["keys_added"]),
        len(rep["keys_removed"]))


def keys(jpath, dpath):
    rep = json.load(open(jpath))
    d = Dom(open(dpath).read())
    want = [(k["host"], k["kind"], k["user"] or "", k["path"], str(k["line"]), k["fingerprint"] or "")
            for k in rep["keys"]]
    got = []
    for e in d.find("key"):
        g = d.up(e, "grp")
        got.append((g["a"].get("data-host"), e["a"]["data-check"], e["a"]["data-user"],
                    e["a"]["data-path"], e["a"]["data-line"], e["a"]["data-fp"]))
    same("key rows (host, kind, user, path, line, fingerprint)", want, got)
    return "%d key rows" % len(want)


def preflight(jpath, dpath):
    rep = json.load(open(jpath))
    d = Dom(open(dpath).read())
    ch = {("ok", "refused"): "loses", ("refused", "ok"): "gains"}
    want = [(c["host"], c["user"], c["from"] or "", ch.get((c["before"], c["after"]), "unchanged"))
            for c in rep["changes"]]
    got = []
    for e in d.find("acc"):
        g = d.up(e, "grp")
        got.append((g["a"].get("data-host"), e["a"]["data-user"], e["a"]["data-from"],
                    e["a"]["data-check"]))
    same("account changes (host, user, from, change)", want, got)
    same("preflight findings", [(f["check"], f["user"] or "") for f in rep["findings"]],
         [(e["a"]["data-check"], e["a"]["data-user"]) for e in d.find("f") if not d.up(e, "acc")])
    s = rep["summary"]
    for cls, key in (("c-lose", "lose"), ("c-gain", "gain"), ("c-unchanged", "unchanged")):
        expect(card(d, cls) == str(s[key]), "summary %s: want %s got %s" % (key, s[key], card(d, cls)))
    return "%d account changes" % len(want)


def safe(dpath):
    d = Dom(open(dpath).read())
    bad = [e["tag"] for e in d.el if e["tag"] in
           ("img", "svg", "iframe", "object", "embed", "link", "base", "form", "frame", "audio", "video")]
    expect(not bad, "injected elements: %s" % bad)
    scripts = [e for e in d.el if e["tag"] == "script"]
    expect(len(scripts) == 1, "exactly one script element (got %d)" % len(scripts))
    handlers = [(e["tag"], k) for e in d.el for k, _ in e["attrs"] if k.startswith("on")]
    expect(not handlers, "event handler attributes: %s" % handlers[:5])
    styles = [e["tag"] for e in d.el if e["tag"] != "style" and "style" in e["a"]]
    expect(not styles, "style attributes: %s" % styles[:5])
    metas = [e["a"].get("content", "") for e in d.el if e["tag"] == "meta" and
             e["a"].get("http-equiv", "").lower() == "content-security-policy"]
    expect(len(metas) == 1 and "default-src 'none'" in metas[0], "one CSP, default-src 'none'")
    return "%d elements, one script, no handler, CSP %s" % (len(d.el), "present" if metas else "missing")


def pixels(data):
    """Rows of (r, g, b) of an 8-bit RGB or RGBA, non-interlaced PNG."""
    w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    if depth != 8 or ctype not in (2, 6) or interlace:
        return None
    bpp = 3 if ctype == 2 else 4
    idat, pos = b"", 8
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        if kind == b"IDAT":
            idat += data[pos + 8:pos + 8 + n]
        pos += 12 + n
    raw, stride, prev, rows = zlib.decompress(idat), w * bpp, None, []
    for y in range(h):
        f, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        prev = prev or bytearray(stride)
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(w)])
        prev = line
    return rows


def png(path, width, min_bytes, edge=0):
    data = open(path, "rb").read()
    expect(data[:8] == b"\x89PNG\r\n\x1a\n", "%s is a PNG" % path)
    w, h = struct.unpack(">II", data[16:24])
    expect(w == width, "%s is %d px wide (want %d)" % (path, w, width))
    expect(len(data) >= min_bytes, "%s: %d bytes (a blank page is smaller than %d)" % (path, len(data), min_bytes))
    if edge:
        # nothing drawn in the rightmost columns: no text or box runs past
        # the viewport (a page wider than the phone would be cut there)
        rows = pixels(data)
        expect(rows is not None, "%s: an 8-bit RGB(A) PNG" % path)
        inked = [y for y, r in enumerate(rows or []) if any(min(px) < 235 for px in r[w - edge:])]
        expect(not inked, "%s: something reaches the right edge at rows %s" % (path, inked[:5]))
    return "%dx%d, %d bytes%s" % (w, h, len(data), ", right %d px blank" % edge if edge else "")


def main(argv):
    mode = argv[1]
    if mode == "scan":
        out = scan(argv[2], argv[3], tuple(argv[4:7]) if len(argv) > 4 else None)
    elif mode == "diff":
        out = diff(argv[2], argv[3])
    elif mode == "keys":
        out = keys(argv[2], argv[3])
    elif mode == "preflight":
        out = preflight(argv[2], argv[3])
    elif mode == "safe":
        out = safe(argv[2])
    elif mode == "png":
        out = png(argv[2], int(argv[3]), int(argv[4]) if len(argv) > 4 else 10000,
                  int(argv[5]) if len(argv) > 5 else 0)
    else:
        sys.exit("dom.py: unknown mode " + mode)
    if errors:
        print("\n".join(errors))
        return 1
    print(out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
