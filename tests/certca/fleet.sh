# fleet.sh - the certificate part of the fleet pass, sourced by run.sh
# (its keys in $K, its accounts): four real sshd on 127.0.0.141-144:2440,
# each with its own TrustedUserCAKeys and RevokedKeys, scanned over ssh.
#   f1  trusts ca1 and ca2; KRL version 2: serial 7 of ca1 and the key ca2
#   f2  trusts ca1 and ca2; KRL version 1: serial 6 of ca1   (stale, retired)
#   f3  trusts ca1; no RevokedKeys                            (stale)
#   f4  trusts no CA                                          (nothing)
#   f5  trusts no CA; RevokedKeys a key list holding ca2      (ca2 retired)
# and on f2, kcqscan's own cert-authority line for ca2 (a second scope).

ssh-keygen -q -t ed25519 -N '' -C scan -f "$D/id_scan" </dev/null >/dev/null
t_cleanup_add file /etc/sudoers.d/keyaudit-kcq
echo "$S ALL=(root) NOPASSWD: ALL" > /etc/sudoers.d/keyaudit-kcq
chmod 440 /etc/sudoers.d/keyaudit-kcq
: > "$D/fleet_known_hosts"
{
	echo "[certfleet]"
} > "$D/fleet.ini"
fleet_ok=1
for i in 1 2 3 4 5; do
	F=$D/f$i
	mkdir -p "$F/keys"
	chmod 755 "$F" "$F/keys"
	cp "$D/id_scan.pub" "$F/keys/$S"
	[ $i = 2 ] && echo "cert-authority,principals=\"ops\" $(cat "$K/ca2.pub")" >> "$F/keys/$S"
	chmod 644 "$F/keys/$S"
	lines=("AuthorizedKeysFile $F/keys/%u")
	case $i in
	1|2) cat "$K/ca1.pub" "$K/ca2.pub" > "$F/trusted" ;;
	3) cat "$K/ca1.pub" > "$F/trusted" ;;
	esac
	case $i in
	1) cp "$K/new.krl" "$F/revoked" ;;
	2) cp "$K/old.krl" "$F/revoked" ;;
	5) cp "$K/ca2.pub" "$F/revoked" ;;
	esac
	[ -f "$F/trusted" ] && lines+=("TrustedUserCAKeys $F/trusted")
	[ -f "$F/revoked" ] && lines+=("RevokedKeys $F/revoked")
	chmod 644 "$F"/trusted "$F"/revoked 2>/dev/null
	if ! t_sshd "f$i" "127.0.0.14$i" $PORT "${lines[@]}"; then
		t_nok "fleet: sshd f$i starts" "$T_SSHD_WHY"
		fleet_ok=
		continue
		check "fleet keys: f5's RevokedKeys is a key list of one key" \
	    'jq -e "[.keys[] | select(.host == \"f5\" and .kind == \"revoked\" and .type == \"key list\" and .status == \"1 key\")] | length == 1" "$D/fleet-keys.json" >/dev/null' \
	    "$(jq -c '[.keys[] | select(.kind != "key") | {host, kind, type, status}]' "$D/fleet-keys.json" 2>/dev/null)"
fi
	echo "[127.0.0.14$i]:$PORT $(cut -d' ' -f1,2 "$D/f$i/hk.pub")" >> "$D/fleet_known_hosts"
	echo "f$i ansible_host=127.0.0.14$i ansible_port=$PORT ansible_user=$S keyaudit_sshd_config=$D/f$i/sshd_config" >> "$D/fleet.ini"
done

if [ -n "$fleet_ok" ]; then
	"$KA" scan -f "$D/fleet.ini" --known-hosts "$D/fleet_known_hosts" -i "$D/id_scan" \
	    --sudo --user $S --timeout 20 --format json > "$D/fleet.json" 2> "$D/fleet.err"
	fl() { jq -c '[.hosts[] | select(.target == "fleet") | .findings[] |
	    select(.check | startswith("cert.")) | {check, message}]' "$D/fleet.json"; }
	fhas() {	# fhas CHECK TEXT...: a fleet finding of CHECK whose message
			# holds each TEXT (plain text: fingerprints hold + and /)
		c=$1
		shift
		jq -e --arg c "$c" --args '[.hosts[] | select(.target == "fleet") |
		    .findings[] | select(.check == $c) | .message as $m |
		    select([$ARGS.positional[] as $t | $m | contains($t)] | all)] | length > 0' \
		    "$@" < "$D/fleet.json" >/dev/null
	}
	check "fleet: the five hosts were scanned over ssh" \
	    '[ "$(jq "[.hosts[] | select(.target != \"fleet\" and .status == \"scanned\")] | length" "$D/fleet.json")" = 5 ]' \
	    "$(jq -c '[.hosts[] | {target, status, error}]' "$D/fleet.json") $(head -c 300 "$D/fleet.err")"
	ca2=$(ssh-keygen -l -f "$K/ca2.pub" | awk '{print $2}')
	check "fleet: cert.trust-map: ca1 trusted by f1, f2 and f3 (all users)" \
	    'fhas cert.trust-map "$ca1" "trusted by 3 hosts: f1 (all users), f2 (all users), f3 (all users)"' "$(fl)"
	check "fleet: cert.trust-map: ca2 trusted by f1 and f2" \
	    'fhas cert.trust-map "$ca2" "trusted by 2 hosts: f1 (all users), f2 (all users; $S)"' "$(fl)"
	check "fleet: cert.ca-retired: ca2 revoked by f1's KRL and f5's key list, still trusted by f2 alone" \
	    'fhas cert.ca-retired "$ca2 is revoked by the RevokedKeys of f1, f5, and still trusted by 1 host: f2 (all users; $S)"' "$(fl)"
	check "fleet: cert.krl-stale: f1's KRL version 2 is newer than f2's version 1, and f3 has none" \
	    'fhas cert.krl-stale "f1'"'"'s KRL (version 2 of " "$ca1" "f2: KRL version 1 of" "f3: no RevokedKeys"' "$(fl)"
	# (host names with their punctuation: a random fingerprint may hold "f4")
	check "fleet: no cert.* finding of a host for f4 and f5, and no fleet finding names f4" \
	    '[ "$(jq -c "[.hosts[] | select(.target == \"f4\" or .target == \"f5\") | .findings[] | select(.check | startswith(\"cert.\"))]" "$D/fleet.json")" = "[]" ] &&
	    ! fhas cert.trust-map " f4 (" && ! fhas cert.krl-stale " f4:" &&
	    ! fhas cert.ca-retired " f4 (" && ! fhas cert.ca-retired " f4,"' "$(fl)"
	check "fleet: kcqscan logs in on f5 past a key list RevokedKeys (sshd reads it)" \
	    '[ "$(jq -r ".hosts[] | select(.target == \"f5\") | .status" "$D/fleet.json")" = scanned ]' "$(fl)"
	check "fleet: ca-retired is high, krl-stale medium, trust-map info" \
	    'jq -e "[.hosts[] | select(.target == \"fleet\") | .findings[] | select(.check | startswith(\"cert.\")) |
	    {check, severity}] | unique | map(.check + \"=\" + .severity) | sort ==
	    [\"cert.ca-retired=high\", \"cert.krl-stale=medium\", \"cert.trust-map=info\"]" "$D/fleet.json" >/dev/null' "$(fl)"
	# the same scan as keys: the CA rows of every host
	"$KA" keys -f "$D/fleet.ini" --known-hosts "$D/fleet_known_hosts" -i "$D/id_scan" \
	    --sudo --user $S --timeout 20 --format json > "$D/fleet-keys.json" 2>/dev/null
	check "fleet keys: six CA rows (f1: 2, f2: 2 and kcqscan's line, f3: 1), none for f4, f5" \
	    '[ "$(jq -c "[.keys[] | select(.kind == \"ca\") | .host] | sort" "$D/fleet-keys.json")" = "[\"f1\",\"f1\",\"f2\",\"f2\",\"f2\",\"f3\"]" ]' \
	    "$(jq -c '[.keys[] | select(.kind != "key") | {host, kind, fingerprint}]' "$D/fleet-keys.json")"
	check "fleet keys: f5's RevokedKeys is a key list of one key" \
	    'jq -e "[.keys[] | select(.host == \"f5\" and .kind == \"revoked\" and .type == \"key list\" and .status == \"1 key\")] | length == 1" "$D/fleet-keys.json" >/dev/null' \
	    "$(jq -c '[.keys[] | select(.kind != "key") | {host, kind, type, status}]' "$D/fleet-keys.json" 2>/dev/null)"
fi
