/* htmlpage.c - the page every HTML report is written into (htmlpage.h): one
 * escape, one style, one script. The script's and the style's SHA-256 go
 * into the page's Content-Security-Policy, which otherwise admits nothing:
 * no network, no other script, no inline event handler, no style attribute.
 * So a host-supplied string that escaped its escaping still could not run. */
#include <stdlib.h>
#include <string.h>

#include <openssl/sha.h>

#include "reports/htmlpage.h"

#ifndef KA_VERSION
#define KA_VERSION "0.0.0"
#endif

static const char page_style[] =
":root{--fg:#1b1f24;--mut:#5b636e;--bg:#fff;--bd:#d5d9de;--alt:#f5f7f9;"
"--s0:#5b636e;--s1:#2f6f9f;--s2:#8a6100;--s3:#b4361a;--s4:#7a0c2e}\n"
"*{box-sizing:border-box}\n"
"html{-webkit-text-size-adjust:100%}\n"
"body{margin:0;font:15px/1.45 system-ui,-apple-system,\"Segoe UI\",sans-serif;"
"color:var(--fg);background:var(--bg)}\n"
".page{display:flex;flex-direction:column;max-width:72rem;margin:0 auto;padding:1rem}\n"
".page>*{min-width:0}\n"
"header.top{order:-6}\n#summary{order:-5}\n#filters{order:-4}\n#fleet{order:-3}\n"
"#camap{order:-2}\n#resolved{order:-1}\n"
"h1{font-size:1.4rem;margin:.2rem 0}\nh2{font-size:1.1rem;margin:0}\n"
"h3{font-size:1rem;margin:.8rem 0 .3rem}\n"
"code,pre,.mono{font-family:ui-monospace,\"DejaVu Sans Mono\",monospace;font-size:.85rem}\n"
"code,.mono,dd,td,.msg,.hn{overflow-wrap:anywhere;word-break:break-word}\n"
"pre{white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-all;margin:.3rem 0;"
"padding:.4rem .5rem;background:var(--alt);border:1px solid var(--bd);border-radius:4px}\n"
".sub{color:var(--mut);margin:0 0 .5rem}\n"
"section{margin:.6rem 0}\n"
".box{border:1px solid var(--bd);border-radius:6px;padding:.6rem .8rem}\n"
".cards{display:flex;flex-wrap:wrap;gap:.5rem;margin:.5rem 0}\n"
".card{border:1px solid var(--bd);border-radius:6px;padding:.4rem .7rem;min-width:7rem}\n"
".card b{display:block;font-size:1.3rem}\n"
".sev{display:inline-block;padding:0 .4rem;border-radius:3px;color:#fff;font-size:.8rem;"
"font-weight:600;text-transform:uppercase;white-space:nowrap;background:var(--s0)}\n"
".s1{background:var(--s1)}.s2{background:var(--s2)}.s3{background:var(--s3)}.s4{background:var(--s4)}\n"
".tag{display:inline-block;padding:0 .35rem;border:1px solid var(--bd);border-radius:3px;"
"font-size:.8rem}\n.blk{border-color:var(--s3);color:var(--s3)}\n"
".new{border-color:var(--s1);color:var(--s1)}\n"
".grp{border:1px solid var(--bd);border-radius:6px;margin:.6rem 0}\n"
".hh{padding:.5rem .8rem;background:var(--alt);border-radius:6px 6px 0 0;cursor:pointer;"
"display:flex;flex-wrap:wrap;gap:.4rem;align-items:baseline}\n"
".body{padding:.2rem .8rem .6rem}\n.collapsed .body{display:none}\n"
".item{border-top:1px solid var(--bd);padding:.5rem 0}\n.item:first-child{border-top:0}\n"
".fh{display:flex;flex-wrap:wrap;gap:.4rem;align-items:baseline}\n"
"dl{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .6rem;margin:.3rem 0}\n"
"dt{color:var(--mut)}\ndd{margin:0}\n.msg{margin:.3rem 0}\n"
".st-ok{color:#1d6b35}.st-bad{color:var(--s3);font-weight:600}\n"
"table{border-collapse:collapse;width:100%;table-layout:fixed}\n"
"th,td{border:1px solid var(--bd);padding:.3rem .4rem;text-align:left;vertical-align:top}\n"
"th{background:var(--alt)}\n"
"ul{margin:.2rem 0;padding-left:1.2rem}\n"
"#filters{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;padding:.5rem .8rem;"
"background:var(--alt);border:1px solid var(--bd);border-radius:6px;position:sticky;top:0;z-index:1}\n"
"#filters[hidden]{display:none}\n"
"#filters label{display:flex;gap:.3rem;align-items:center}\n"
"#filters select,#filters input{font:inherit;max-width:12rem}\n"
".empty{color:var(--mut)}\n"
"@media screen{.hid{display:none}}\n"
"@media (max-width:40rem){.page{padding:.5rem}.card{min-width:6rem}"
"th,td{padding:.2rem}}\n"
"@media print{#filters{display:none!important}.collapsed .body{display:block}"
".hid{display:block}.item,tr,.card{break-inside:avoid}.hh,h1,h2,h3{break-after:avoid}.hh{cursor:auto}"
"body{font-size:11pt}.page{max-width:none;padding:0}}\n";

/* Filters and sorting, from the fragment; everything it reads is in the
 * DOM. It must never throw: the test counts console errors. */
static const char page_script[] =
"(function(){\"use strict\";\n"
"var SEV=[\"info\",\"low\",\"medium\",\"high\",\"critical\"];\n"
"var bar=document.getElementById(\"filters\");if(!bar)return;\n"
"function all(s,r){return Array.prototype.slice.call((r||document).querySelectorAll(s));}\n"
"var fs=document.getElementById(\"f-sev\"),fc=document.getElementById(\"f-check\"),"
"fh=document.getElementById(\"f-host\"),fo=document.getElementById(\"f-sort\"),"
"shown=document.getElementById(\"f-shown\"),checks={},sorted=\"\";\n"
"all(\".item[data-check]\").forEach(function(e){checks[e.getAttribute(\"data-check\")]=1;});\n"
"Object.keys(checks).sort().forEach(function(c){var o=document.createElement(\"option\");"
"o.value=c;o.textContent=c;fc.appendChild(o);});\n"
"function params(){var p={};location.hash.replace(/^#/,\"\").split(\"&\").forEach(function(kv){"
"var i=kv.indexOf(\"=\");if(i<1)return;try{p[kv.slice(0,i)]=decodeURIComponent("
"kv.slice(i+1).replace(/\\+/g,\" \"));}catch(e){}});return p;}\n"
"function num(e,a){var v=parseInt(e.getAttribute(a),10);return isNaN(v)?-1:v;}\n"
"function sortGroups(how){if(how===sorted)return;sorted=how;"
"all(\".grps\").forEach(function(c){var gs=Array.prototype.filter.call(c.children,"
"function(g){return g.classList.contains(\"grp\");});\n"
"gs.sort(function(a,b){var d=0;if(how===\"worst\")d=num(b,\"data-worst\")-num(a,\"data-worst\");"
"else if(how===\"host\"){var x=a.getAttribute(\"data-host\")||\"\",y=b.getAttribute(\"data-host\")||\"\";"
"d=x<y?-1:x>y?1:0;}return d||num(a,\"data-idx\")-num(b,\"data-idx\");});\n"
"gs.forEach(function(g){c.appendChild(g);});});}\n"
"function apply(){var p=params(),sev=fs?SEV.indexOf(p.sev||\"\"):-1,check=p.check||\"\","
"host=(p.host||\"\").toLowerCase(),sort=p.sort===\"worst\"||p.sort===\"host\"?p.sort:\"\","
"active=sev>=0||check!==\"\",n=0,total=0;\n"
"if(fs)fs.value=sev>=0?SEV[sev]:\"\";fc.value=checks.hasOwnProperty(check)?check:\"\";"
"if(document.activeElement!==fh)fh.value=p.host||\"\";fo.value=sort;\n"
"all(\".grp\").forEach(function(g){var vis=0,gh=g.getAttribute(\"data-host\");\n"
"all(\".item\",g).forEach(function(e){var eh=e.getAttribute(\"data-host\");"
"var ok=(sev<0||num(e,\"data-sev\")>=sev)&&(!check||e.getAttribute(\"data-check\")===check)"
"&&(!host||eh===null||eh.toLowerCase().indexOf(host)>=0);"
"e.classList.toggle(\"hid\",!ok);total++;if(ok)vis++;});\n"
"var ok=(!host||gh===null||gh.toLowerCase().indexOf(host)>=0)&&"
"(!(active||(host&&gh===null))||vis>0);g.classList.toggle(\"hid\",!ok);"
"if(ok)n+=vis;});\n"
"shown.textContent=n+\" of \"+total+\" shown\";sortGroups(sort);}\n"
"function set(){var q=[];if(fs&&fs.value)q.push(\"sev=\"+encodeURIComponent(fs.value));"
"if(fc.value)q.push(\"check=\"+encodeURIComponent(fc.value));"
"if(fh.value)q.push(\"host=\"+encodeURIComponent(fh.value));"
"if(fo.value)q.push(\"sort=\"+encodeURIComponent(fo.value));location.hash=q.join(\"&\");}\n"
"if(fs)fs.addEventListener(\"change\",set);fc.addEventListener(\"change\",set);"
"fh.addEventListener(\"input\",set);fo.addEventListener(\"change\",set);\n"
"window.addEventListener(\"hashchange\",apply);\n"
"document.addEventListener(\"click\",function(ev){var t=ev.target;"
"var h=t&&t.closest?t.closest(\".hh\"):null;if(h&&h.parentNode)"
"h.parentNode.classList.toggle(\"collapsed\");});\n"
"bar.hidden=false;apply();})();\n";

static void
escape_into(struct buf *b, const char *p)
{
	for (; *p; p++) {
		switch (*p) {
		case '&': buf_puts(b, "&amp;"); break;
		case '<': buf_puts(b, "&lt;"); break;
		case '>': buf_puts(b, "&gt;"); break;
		case '"': buf_puts(b, "&quot;"); break;
		case '\'': buf_puts(b, "&#39;"); break;
		default: buf_putc(b, *p); break;
		}
	}
}

void
html_escape(struct buf *b, const char *s)
{
	char *p;

	if (s == NULL)
		return;
	p = str_printable(s, strlen(s));
	escape_into(b, p);
	free(p);
}

void
html_escape_terminal(struct buf *b, const char *s)
{
	char *p;

	if (s == NULL)
		return;
	p = str_terminal(s);
	escape_into(b, p);
	free(p);
}

static void
put_with(FILE *out, const char *s, void (*esc)(struct buf *, const char *))
{
	struct buf b;

	if (s == NULL)
		return;
	buf_init(&b);
	esc(&b, s);
	if (b.len > 0)
		fwrite(b.data, 1, b.len, out);
	buf_free(&b);
}

void
html_put(FILE *out, const char *s)
{
	put_with(out, s, html_escape);
}

void
html_put_terminal(FILE *out, const char *s)
{
	put_with(out, s, html_escape_terminal);
}

/* 'sha256-BASE64' of text, as CSP names an inline element's content. */
static char *
csp_hash(const char *text)
{
	unsigned char md[SHA256_DIGEST_LENGTH];
	char *b64, *s;

	SHA256((const unsigned char *)text, strlen(text), md);
	b64 = base64_encode(md, sizeof(md));
	s = xasprintf("'sha256-%s'", b64);
	free(b64);
	return s;
}

char *
html_page_csp(void)
{
	char *sh = csp_hash(page_script), *st = csp_hash(page_style), *csp;

	csp = xasprintf("default-src 'none'; script-src %s; style-src %s; "
	    "img-src 'none'; font-src 'none'; connect-src 'none'; base-uri 'none'; "
	    "form-action 'none'", sh, st);
	free(sh);
	free(st);
	return csp;
}

static const char *const sev_names[] = { "info", "low", "medium", "high", "critical" };

static void
filter_bar(FILE *out, int filters)
{
	fputs("<nav id=\"filters\" hidden aria-label=\"filters\">", out);
	if (filters != HTML_FILTERS_NOSEV) {
		fputs("<label>severity at least <select id=\"f-sev\">"
		    "<option value=\"\">any</option>", out);
		for (size_t i = 0; i < KA_ARRLEN(sev_names); i++)
			fprintf(out, "<option value=\"%s\">%s</option>", sev_names[i],
			    sev_names[i]);
		fputs("</select></label>", out);
	}
	fprintf(out, "<label>%s <select id=\"f-check\"><option value=\"\">any</option></select></label>"
	    "<label>host <input id=\"f-host\" type=\"search\" size=\"14\"></label>"
	    "<label>sort <select id=\"f-sort\"><option value=\"\">as scanned</option>"
	    "<option value=\"worst\">worst first</option>"
	    "<option value=\"host\">by host</option></select></label>"
	    "<span id=\"f-shown\"></span></nav>\n",
	    filters == HTML_FILTERS_NOSEV ? "kind" : "check");
}

void
html_page_open(FILE *out, const char *title, const char *subtitle, int filters)
{
	char *csp = html_page_csp();

	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
	    "<meta http-equiv=\"Content-Security-Policy\" content=\"", out);
	html_put(out, csp);
	fputs("\">\n<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
	    "<meta name=\"generator\" content=\"keyaudit ", out);
	html_put(out, KA_VERSION);
	fputs("\">\n<title>", out);
	html_put(out, title);
	fprintf(out, "</title>\n<style>%s</style>\n</head><body><div class=\"page\">\n"
	    "<header class=\"top\"><h1>", page_style);
	html_put(out, title);
	fputs("</h1><p class=\"sub\">", out);
	html_put(out, subtitle);
	fputs("</p></header>\n", out);
	if (filters)
		filter_bar(out, filters);
	free(csp);
}

void
html_page_close(FILE *out)
{
	fprintf(out, "</div>\n<script>%s</script>\n</body></html>\n", page_script);
}

void
html_sev_badge(FILE *out, int sev)
{
	if (sev < 0 || sev >= (int)KA_ARRLEN(sev_names))
		fputs("<span class=\"tag\">none</span>", out);
	else
		fprintf(out, "<span class=\"sev s%d\">%s</span>", sev, sev_names[sev]);
}
