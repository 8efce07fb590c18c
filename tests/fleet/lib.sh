# lib.sh - a loopback fleet for the fleet test and bench/fleet.sh (root):
# real sshd instances on 127.0.0.10N:2200, each with its own host key,
# config and authorized keys, several broken on purpose, plus hostile
# endpoints (tests/fleet/hostile.c) on 127.0.0.2NN:2200. Sourced after
# tests/lib.sh, whose t_setup made DIR ($T_BASE) and whose cleanup trap
# stops every process and removes every account and file made here.
#
#   fleet_start DIR [N]   N sshd instances (default: the 12 of the test set)
#
# The test set (the instance number is the last octet minus 100):
#   i1  healthy, ed25519 host key       i7  known_hosts has another key
#   i2  healthy, ecdsa host key         i8  not in known_hosts
#   i3  healthy, rsa host key;          i9  its key is @revoked
#       kafa's keys file group-writable i10 i1's host key (a cloned image)
#   i4  PasswordAuthentication yes      i11 ForceCommand /bin/false
#   i5  PubkeyAuthentication no         i12 MaxStartups 1:100:1, one
#   i6  the scan key not authorized         connection held open
# kafa has the same key (K) on i1-i4 and i10; kafb an expired key on i2.
# Hostile endpoints: see HOSTILE below. Nothing outside DIR, the accounts
# (kascan kaplain kafa kafb) and /etc/sudoers.d/keyaudit-fleet is touched.

FLEET_PORT=2200
FLEET_USERS="kascan kaplain kafa kafb"
HOSTILE="silent:201 http:202 smtp:203 close:204 endless:205 kexreset:206 ssh1:207 blackhole:208"

fleet_accounts() {
	for u in $FLEET_USERS; do
		t_user "$u" || return 1
	done
	t_cleanup_add file /etc/sudoers.d/keyaudit-fleet
	echo 'kascan ALL=(root) NOPASSWD: ALL' > /etc/sudoers.d/keyaudit-fleet
	chmod 440 /etc/sudoers.d/keyaudit-fleet
}

# fleet_instance DIR N EXTRA_CONFIG: host key, keys and sshd of instance N
# (t_sshd: config $DIR/iN/sshd_config, log $DIR/iN/log).
fleet_instance() {
	d=$1/i$2
	mkdir -p "$d/keys"
	chmod 755 "$d" "$d/keys"
	case $2 in
	2) t=ecdsa ;;
	3) t=rsa ;;
	*) t=ed25519 ;;
	esac
	if [ "$2" = 10 ]; then
		cp "$1/i1/hk" "$1/i1/hk.pub" "$d/"
	else
		ssh-keygen -q -t $t -N '' -C "i$2" -f "$d/hk" >/dev/null
	fi
	if [ "$2" != 6 ] || [ "$FLEET_N" -gt 12 ]; then
		cp "$1/id_scan.pub" "$d/keys/kascan"
		cp "$1/id_scan.pub" "$d/keys/kaplain"
	fi
	case $2 in 1|2|3|4|10) cat "$1/k_shared.pub" >> "$d/keys/kafa" ;; esac
	if [ "$2" = 2 ]; then
		printf 'expiry-time="20200101" %s\n' "$(cat "$1/k_old.pub")" > "$d/keys/kafb"
	fi
	chmod 644 "$d/keys/"* 2>/dev/null
	[ "$2" = 3 ] && chmod 664 "$d/keys/kafa"
	# the instance's own settings, then the fleet's (t_sshd adds the
	# address, host key and defaults for keywords not set here)
	t_sshd "i$2" "127.0.0.$((100 + $2))" $FLEET_PORT "$3" \
	    "AuthorizedKeysFile $d/keys/%u" "PermitRootLogin prohibit-password"
}

fleet_start() {
	D=$1
	N=${2:-12}
	FLEET_N=$N
	chmod 755 "$D"
	fleet_accounts || return 1
	ssh-keygen -q -t ed25519 -N '' -C scan -f "$D/id_scan" >/dev/null
	ssh-keygen -q -t ed25519 -N '' -C shared -f "$D/k_shared" >/dev/null
	ssh-keygen -q -t ed25519 -N '' -C old -f "$D/k_old" >/dev/null
	: > "$D/known_hosts"
	for i in $(seq 1 "$N"); do
		extra=
		case $i in
		4) extra="PasswordAuthentication yes" ;;
		5) extra="PubkeyAuthentication no
PasswordAuthentication yes" ;;
		11) extra="ForceCommand /bin/false" ;;
		12) extra="MaxStartups 1:100:1" ;;
		esac
		[ "$N" -gt 12 ] && extra=	# bench: all healthy
		fleet_instance "$D" "$i" "$extra" || return 1
		key=$(cut -d' ' -f1,2 "$D/i$i/hk.pub")
		name="[127.0.0.$((100 + i))]:$FLEET_PORT"
		case "$N:$i" in
		12:7) echo "$name $(ssh-keygen -q -t ed25519 -N '' -f "$D/i7/other" >/dev/null &&
		    cut -d' ' -f1,2 "$D/i7/other.pub")" >> "$D/known_hosts" ;;
		12:8) ;;
		12:9) echo "@revoked $name $key" >> "$D/known_hosts"
		    echo "$name $key" >> "$D/known_hosts" ;;
		*) echo "$name $key" >> "$D/known_hosts" ;;
		esac
	done
	# Hostile endpoints (test set only).
	if [ "$N" -le 12 ]; then
		cc -O2 -Wall -Wextra -Werror -o "$D/hostile" tests/fleet/hostile.c || return 1
		for h in $HOSTILE; do
			"$D/hostile" "${h%%:*}" "127.0.0.${h##*:}" $FLEET_PORT > "$D/hostile.${h%%:*}" 2>&1 &
			t_cleanup_add pid $!
		done
		# Every endpoint ready (bounded); t_sshd waited for each sshd.
		want=$(echo $HOSTILE | wc -w)
		for try in $(seq 1 100); do
			ready=0
			for h in $HOSTILE; do
				grep -q ready "$D/hostile.${h%%:*}" 2>/dev/null && ready=$((ready + 1))
			done
			[ "$ready" -ge "$want" ] && break
			sleep 0.1
		done
		if [ "$ready" -lt "$want" ]; then
			echo "fleet: only $ready of $want hostile endpoints came up" >&2
			return 1
		fi
	fi
	# i12: one unauthenticated connection held open fills MaxStartups 1.
	if [ "$N" = 12 ]; then
		( exec 3<>/dev/tcp/127.0.0.112/$FLEET_PORT && exec sleep 600 ) &
		t_cleanup_add pid $!
		sleep 0.3
	fi
	fleet_files "$D" "$N"
}

# The inventories and ssh_config the test and the benchmark use.
fleet_files() {
	D=$1
	N=$2
	{
		echo "# the loopback fleet"
		echo "[healthy]"
		for i in 1 2 3 4 10; do
			[ $i -le "$N" ] && echo "i$i ansible_host=127.0.0.$((100 + i))"
		done
		echo "[broken]"
		for i in 5 6 7 8 9 11 12; do
			[ $i -le "$N" ] && echo "i$i ansible_host=127.0.0.$((100 + i))"
		done
		echo "[hostile]"
		for h in $HOSTILE; do
			echo "${h%%:*} ansible_host=127.0.0.${h##*:}"
		done
		echo "refused ansible_host=127.0.0.250"
		echo "unresolvable ansible_host=no-such-host.invalid"
		echo "[fleet:children]"
		echo "healthy"
		echo "broken"
		echo "hostile"
		echo "[fleet:vars]"
		echo "ansible_port=$FLEET_PORT"
		echo "ansible_user=kascan"
	} > "$D/inventory.ini"
	# each instance audited against its own sshd_config
	for i in $(seq 1 "$N"); do
		sed -i "s|^i$i ansible_host=\(.*\)\$|i$i ansible_host=\1 keyaudit_sshd_config=$D/i$i/sshd_config|" "$D/inventory.ini"
	done
	: > "$D/hosts.txt"
	for i in 1 2 3 4 10 5 6 7 8 9 11 12; do
		[ $i -le "$N" ] && echo "kascan@127.0.0.$((100 + i)):$FLEET_PORT" >> "$D/hosts.txt"
	done
	{
		echo "Host jump2"
		echo "  HostName 127.0.0.102"
		echo "  ProxyJump kascan@127.0.0.101:$FLEET_PORT"
		echo "Host pcmd3"
		echo "  HostName 127.0.0.103"
		echo "  ProxyCommand ssh -F $D/ssh_config -W %h:%p 127.0.0.101"
		echo "Host *"
		echo "  Port $FLEET_PORT"
		echo "  User kascan"
		echo "  IdentityFile $D/id_scan"
		echo "  UserKnownHostsFile $D/known_hosts"
		echo "  GlobalKnownHostsFile /dev/null"
		echo "  StrictHostKeyChecking yes"
		echo "  BatchMode yes"
	} > "$D/ssh_config"
}
