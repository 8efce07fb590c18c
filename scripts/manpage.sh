#!/bin/sh
# manpage.sh - docs/keyaudit.1 from docs/keyaudit.1.in: the line
# '.\" @OPTIONS@' becomes one section per command, made from that command's
# --help (which keyaudit makes from its option table), so the manual names
# exactly the options each command takes. tests/cli/run.sh checks that the
# committed page is what this prints.
#
#   scripts/manpage.sh ./keyaudit < docs/keyaudit.1.in > docs/keyaudit.1
set -eu
KA=$1

# groff text: backslashes, hyphens, and lines that would be requests
roff() {
	sed -e 's/\\/\\e/g' -e 's/-/\\-/g' -e "s/^\([.']\)/\\\\\&\1/"
}

options() {
	for cmd in $("$KA" --help | sed -n '/^commands:/,/^$/s/^  \([a-z][a-z-]*\) .*/\1/p'); do
		printf '.SS "keyaudit %s"\n' "$cmd" | sed 's/-/\\-/g'
		"$KA" "$cmd" --help | awk '
		/^[a-z].*:$/ && !inopt { next }
		/^  -/ {
			inopt = 1
			line = substr($0, 3)
			# the label ends at two spaces
			i = index(line, "  ")
			if (i == 0) { label = line; text = "" }
			else { label = substr(line, 1, i - 1); text = substr(line, i); sub(/^ +/, "", text) }
			print "@TP@"
			print "@B@" label
			if (text != "") print text
			next
		}
		/^                        / && inopt { t = $0; sub(/^ +/, "", t); print t; next }
		{ inopt = 0 }
		' | roff | sed -e "s/^@TP@$/.TP/" -e 's/^@B@\(.*\)$/.B "\1"/'
	done
}

first=1
while IFS= read -r line; do
	if [ "$line" = '.\" @OPTIONS@' ]; then
		options
	elif [ "$first" ]; then
		# the .in file's first two lines say what it is; the page's say
		# where it comes from
		first=
		read -r line
		echo '.\" keyaudit.1 - the manual page, made by scripts/manpage.sh from'
		echo '.\" keyaudit.1.in and each command'"'"'s --help: edit those, then make man.'
	else
		printf '%s\n' "$line"
	fi
done
