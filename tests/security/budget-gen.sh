# budget-gen.sh - crafted collector answers for part-budget.sh: the byte
# streams a hostile host's "collector" can send (collect_stream.c's format),
# shaped to make a scanner's memory or time grow with what one host chose.
# Functions only (sourced), so the same answers can be made by hand:
#
#   . tests/security/budget-gen.sh
#   bg_amplify DIR ACCOUNTS LINES > answer    accounts sharing one home whose
#                                             authorized_keys has LINES lines
#   bg_keys DIR ACCOUNTS LINES > answer       the same, LINES distinct keys
#   bg_accounts DIR ACCOUNTS > answer         ACCOUNTS accounts, all audited
#   bg_match DIR BLOCKS USERS > answer        BLOCKS Match blocks, USERS users
#   bg_sshdt DIR ACCOUNTS > answer            an sshd -T answer per account
#   bg_inject DIR > answer                    account names that are shell
#                                             and terminal syntax
#
# DIR is scratch space for the payloads. Every stream is well formed and
# ends with its end record: the hostility is in the size of what it says.

# bg_rec TAG TEXT: one record whose payload is TEXT (its length in bytes)
bg_rec() {
	printf '%s %d\n%s\n' "$1" "$(printf '%s' "$2" | wc -c)" "$2"
}

# bg_recf TAG FILE: one record whose payload is FILE's bytes
bg_recf() {
	printf '%s %d\n' "$1" "$(wc -c < "$2")"
	cat "$2"
	printf '\n'
}

# bg_path PATH STAT [DATAFILE]: a path, its lstat line, its content
bg_path() {
	bg_rec path "$1"
	bg_rec stat "$2"
	[ -n "${3:-}" ] && bg_recf data "$3"
	return 0
}

# bg_head: the records every answer starts with (a root collector)
bg_head() {
	printf 'KACOLLECT 1\n'
	bg_rec host budget-test
	bg_rec time 1700000000
	bg_rec euid 0
	bg_rec config /etc/ssh/sshd_config
	bg_rec sshdver 'OpenSSH_9.2p1 Debian-2+deb12u3'
	bg_path / '41ed 0 0 4096 1700000000'
	bg_path /etc '41ed 0 0 4096 1700000000'
	bg_path /etc/ssh '41ed 0 0 4096 1700000000'
	bg_path /home '41ed 0 0 4096 1700000000'
}

# bg_system DIR: passwd, group and sshd_config from DIR/passwd, DIR/group,
# DIR/sshd_config
bg_system() {
	bg_path /etc/passwd "81a4 0 0 $(wc -c < "$1/passwd") 1700000000" "$1/passwd"
	bg_path /etc/group "81a4 0 0 $(wc -c < "$1/group") 1700000000" "$1/group"
	bg_path /etc/ssh/sshd_config "81a4 0 0 $(wc -c < "$1/sshd_config") 1700000000" \
	    "$1/sshd_config"
}

# bg_key DIR: a real public key line in DIR/key.pub (it never logs in)
bg_key() {
	[ -f "$1/key.pub" ] || ssh-keygen -q -t ed25519 -N '' -C budget -f "$1/key" </dev/null
	cat "$1/key.pub"
}

bg_amplify() {
	local d=$1 n=$2 lines=$3
	mkdir -p "$d"
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
	    printf "kasb%06d:x:1000:1000::/home/shared:/bin/sh\n", i }' > "$d/passwd"
	echo 'shared:x:1000:' > "$d/group"
	printf 'PubkeyAuthentication yes\nStrictModes yes\n' > "$d/sshd_config"
	# one usable key, then lines sshd skips: each is a finding per account
	{ bg_key "$d"; awk -v n="$lines" 'BEGIN { for (i = 1; i < n; i++) print "x" }'; } \
	    > "$d/ak"
	bg_head
	bg_system "$d"
	bg_path /home/shared '41ed 1000 1000 4096 1700000000'
	bg_path /home/shared/.ssh '41c0 1000 1000 4096 1700000000'
	bg_path /home/shared/.ssh/authorized_keys \
	    "8180 1000 1000 $(wc -c < "$d/ak") 1700000000" "$d/ak"
	bg_rec path /home/shared/.ssh/authorized_keys2
	bg_rec noent ''
	bg_rec all ''
	bg_rec end ''
}

# bg_keys DIR ACCOUNTS LINES: the same shape, every line a distinct valid
# Ed25519 key (the blob's last 30 bytes are free, 40 base64 characters of
# a counter), so every line is listed, fingerprinted and shared
bg_keys() {
	local d=$1 n=$2 lines=$3
	mkdir -p "$d"
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
	    printf "kasb%06d:x:1000:1000::/home/shared:/bin/sh\n", i }' > "$d/passwd"
	echo 'shared:x:1000:' > "$d/group"
	printf 'PubkeyAuthentication yes\nStrictModes yes\n' > "$d/sshd_config"
	awk -v n="$lines" 'BEGIN {
		a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
		for (i = 0; i < n; i++) {
			c = ""
			x = i
			for (k = 0; k < 8; k++) { c = substr(a, x % 64 + 1, 1) c; x = int(x / 64) }
			printf "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAAA%s%s k%d\n",
			    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", c, i
		} }' > "$d/ak"
	bg_head
	bg_system "$d"
	bg_path /home/shared '41ed 1000 1000 4096 1700000000'
	bg_path /home/shared/.ssh '41c0 1000 1000 4096 1700000000'
	bg_path /home/shared/.ssh/authorized_keys \
	    "8180 1000 1000 $(wc -c < "$d/ak") 1700000000" "$d/ak"
	bg_rec path /home/shared/.ssh/authorized_keys2
	bg_rec noent ''
	bg_rec all ''
	bg_rec end ''
}

bg_accounts() {
	local d=$1 n=$2
	mkdir -p "$d"
	# every account its own missing home: findings per account, no files
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
	    printf "u%07d:x:%d:100::/h/%d:/bin/sh\n", i, 2000 + i, i }' > "$d/passwd"
	echo 'users:x:100:' > "$d/group"
	printf 'PubkeyAuthentication yes\n' > "$d/sshd_config"
	bg_head
	bg_system "$d"
	bg_path /h '41ed 0 0 4096 1700000000'
	bg_rec all ''
	bg_rec end ''
}

bg_match() {
	local d=$1 blocks=$2 n=$3
	mkdir -p "$d"
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
	    printf "m%06d:x:%d:100::/h/%d:/bin/sh\n", i, 2000 + i, i }' > "$d/passwd"
	echo 'users:x:100:' > "$d/group"
	# every block is evaluated for every user; none matches
	awk -v b="$blocks" 'BEGIN { print "PubkeyAuthentication yes"
	    for (i = 0; i < b; i++) {
		printf "Match User nobody%d,other%d Address 10.%d.%d.0/24\n", i, i, i % 250, i % 200
		printf "\tPasswordAuthentication yes\n\tAuthorizedKeysFile /k/%%u/%d\n", i } }' \
	    > "$d/sshd_config"
	bg_head
	bg_system "$d"
	bg_path /h '41ed 0 0 4096 1700000000'
	bg_rec all ''
	bg_rec end ''
}

bg_inject() {
	local d=$1 e h
	e=$(printf '\033')
	mkdir -p "$d"
	# names and homes that are shell syntax, quotes, a terminal escape;
	# every file world-writable so that fixes name them. The payloads
	# create kasb-pwned in the directory a pasted command runs in.
	{
		echo "x;touch kasb-pwned;:x:1000:1000::/home/x;touch kasb-pwned;:/bin/sh"
		echo "\$(touch kasb-pwned):x:1001:1001::/home/\$(touch kasb-pwned):/bin/sh"
		echo "${e}]0;kasb-title${e}\\:x:1002:1002::/home/t${e}[31m:/bin/sh"
		echo "q'\`touch kasb-pwned\`:x:1003:1003::/home/q'\`touch kasb-pwned\`:/bin/sh"
	} > "$d/passwd"
	printf 'g:x:1000:\n' > "$d/group"
	printf 'PubkeyAuthentication yes\nStrictModes yes\n' > "$d/sshd_config"
	bg_key "$d" > "$d/ak.tmp" && mv "$d/ak.tmp" "$d/ak"
	bg_head
	bg_system "$d"
	cut -d: -f1,6 "$d/passwd" | while IFS=: read -r _ h; do
		bg_path "$h" '41ff 1000 1000 4096 1700000000'
		bg_path "$h/.ssh" '41ff 1000 1000 4096 1700000000'
		bg_path "$h/.ssh/authorized_keys" "81b6 1000 1000 $(wc -c < "$d/ak") 1700000000" \
		    "$d/ak"
		bg_rec path "$h/.ssh/authorized_keys2"
		bg_rec noent ''
	done
	bg_rec all ''
	bg_rec end ''
}

# bg_sshdt DIR ACCOUNTS: a root collector's sshd -T answer for every
# account, each disagreeing with the configuration (every account would
# get a parsed configuration of its own)
bg_sshdt() {
	local d=$1 n=$2
	mkdir -p "$d"
	awk -v n="$n" 'BEGIN { for (i = 0; i < n; i++)
	    printf "t%06d:x:%d:100::/h/%d:/bin/sh\n", i, 2000 + i, i }' > "$d/passwd"
	echo 'users:x:100:' > "$d/group"
	printf 'PubkeyAuthentication yes\n' > "$d/sshd_config"
	bg_head
	bg_system "$d"
	bg_path /h '41ed 0 0 4096 1700000000'
	bg_rec all ''
	# one awk for all records: the text is ASCII, so length() is bytes
	awk -v n="$n" 'BEGIN {
		t = "pubkeyauthentication no"
		for (i = 0; i < 60; i++)
			t = t "\nacceptenv V" i
		for (i = 0; i < n; i++) {
			u = sprintf("t%06d", i)
			printf "tuser %d\n%s\ntout %d\n%s\n", length(u), u, length(t), t
		} }'
	bg_rec end ''
}
