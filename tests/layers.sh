#!/bin/bash
# layers.sh - the data flow, enforced (README: Design). Two rules:
#
#  1. The model (scanner/util, snapshot, finding, remedy, clientfacts), the
#     parsers (scanner/parse) and the checks (checks/) do no I/O: their
#     objects reference no file, directory, clock, environment, process,
#     network or exit symbol (nm), nor keyaudit's own file readers.
#  2. Includes point along the flow: each folder may include only the
#     layers listed for it below (and the system's headers).
#
#   tests/layers.sh [BUILD]     BUILD: the object directory (default build)
set -u
cd "$(dirname "$0")/.." || exit 3
BUILD=${1:-build}
SUITE=layers
. tests/lib.sh
ok() { t_ok "$@"; }
nok() { t_nok "$@"; }

MODEL="scanner/util scanner/digest scanner/strmap scanner/snapshot scanner/finding scanner/remedy scanner/clientfacts"

# symbols a pure object may not reference
FORBIDDEN='open|open64|openat|openat64|creat|creat64|fopen|fopen64|freopen|fdopen|opendir|fdopendir|readdir|readdir64|scandir|glob|read|pread|pread64|readv|write|pwrite|pwrite64|writev|stat|stat64|lstat|lstat64|fstat|fstat64|fstatat|fstatat64|statx|__xstat|__xstat64|__lxstat|__lxstat64|__fxstat|__fxstat64|access|faccessat|readlink|readlinkat|realpath|unlink|rename|mkdir|rmdir|chmod|chown|fread|fgets|getline|getdelim|fclose|puts|printf|vprintf|perror|time|clock_gettime|gettimeofday|localtime|localtime_r|mktime|tzset|getenv|secure_getenv|setenv|putenv|exit|_exit|abort|system|popen|fork|vfork|execv|execve|execvp|execl|execlp|kill|socket|connect|bind|getaddrinfo|gethostbyname|getpwnam|getpwnam_r|getpwuid|getpwuid_r|getgrnam|getgrgid|getgrouplist|rand|random|srand|gzopen|gzdopen|gzread|syslog|read_file_bounded|read_input_file'

# The objects of the pure sources (util.o may exit: ka_fatal, the one exit
# for out of memory and broken builds, is where it lives).
pure_objects() {
	local f
	for f in $MODEL scanner/parse/*.c checks/*.c; do
		f=${f%.c}
		[ -f "$f.c" ] && echo "$BUILD/$f.o"
	done
}

n=0
bad=""
for o in $(pure_objects); do
	[ -f "$o" ] || { bad="$bad
$o: missing (build first)"; continue; }
	n=$((n + 1))
	s=$(nm -u "$o" | awk '{print $NF}' | sed 's/@.*//' | grep -xE "$FORBIDDEN" | tr '\n' ' ')
	[ "$o" = "$BUILD/scanner/util.o" ] && s=$(echo "$s" | sed 's/\bexit //')
	[ -n "$s" ] && bad="$bad
${o#"$BUILD"/}: $s"
done
[ "$n" -gt 20 ] && [ -z "$bad" ] && ok "$n objects of the model, parse/ and checks/ reference no I/O, clock, environment or exit symbol" ||
    nok "pure objects do I/O" "$bad"

# The layer of a source or header path.
layer() {
	local p=${1%.[ch]} m
	for m in $MODEL; do [ "$p" = "$m" ] && { echo model; return; }; done
	case $1 in
	scanner/parse/*) echo parse ;;
	scanner/transport/*) echo transport ;;
	scanner/cli/*) echo cli ;;
	scanner/*) echo engine ;;
	checks/*) echo checks ;;
	reports/*) echo reports ;;
	*) echo other ;;
	esac
}
# What each layer may include (besides itself). The engine's headers that
# checks and reports may see are named one by one.
allowed() {
	case $1 in
	model) echo "model" ;;
	parse) echo "model parse" ;;
	transport) echo "model parse transport scanner/fileio.h scanner/context.h" ;;
	checks) echo "model parse checks scanner/context.h scanner/policy.h" ;;
	reports) echo "model parse checks reports scanner/context.h scanner/policy.h scanner/diagnose.h scanner/keylist.h scanner/preflight.h" ;;
	engine) echo "model parse transport checks reports engine" ;;
	cli) echo "model parse transport checks reports engine cli" ;;
	esac
}

bad=""
n=0
for f in $(git ls-files 'scanner/*.[ch]' 'checks/*.[ch]' 'reports/*.[ch]' 2>/dev/null ||
    find scanner checks reports -name '*.[ch]'); do
	[ -f "$f" ] || continue
	from=$(layer "$f")
	ok_set=" $(allowed "$from") "
	while read -r inc; do
		n=$((n + 1))
		[ -f "$inc" ] || continue	# generated (collector.inc)
		to=$(layer "$inc")
		case $ok_set in
		*" $to "*|*" $inc "*) ;;
		*) bad="$bad
$f ($from) includes $inc ($to)" ;;
		esac
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done
[ "$n" -gt 100 ] && [ -z "$bad" ] && ok "$n includes point along the flow (model < parse < transport, checks < reports < engine < cli)" ||
    nok "includes against the flow" "$bad"

# The rules themselves can fail: a parser that opens a file is caught.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '#include <stdio.h>\nint f(void) { return fopen("x", "r") != NULL; }\n' >"$tmp/p.c"
if cc -c -o "$tmp/p.o" "$tmp/p.c" 2>/dev/null &&
    nm -u "$tmp/p.o" | awk '{print $NF}' | sed 's/@.*//' | grep -qxE "$FORBIDDEN"; then
	ok "the symbol rule catches fopen in an object"
else
	nok "the symbol rule does not catch fopen"
fi

t_finish
