# collector.sh - the read-only collector keyaudit runs on a target with
# /bin/sh (locally by transport_exec.c, later over one ssh exec). It prints
# what transport_local.c would record, as length-prefixed records that
# collect_stream.c turns into a snapshot; the format is described there.
#
# POSIX sh (dash, BusyBox ash, bash) with GNU coreutils or BusyBox applets.
# It never writes anything anywhere: no temp files, no here-documents (bash
# backs those with files), every read bounded with head -c. Parameters come
# on stdin as data, one per line, and are never evaluated.
# This file is embedded into keyaudit at build time: no comment or string in
# it may depend on being in a separate file.

export LC_ALL=C
# KA_COLLECTOR_TESTPATH lets tests/cli/collector.sh put BusyBox applets
# first; keyaudit itself runs the script with a fixed environment.
PATH=${KA_COLLECTOR_TESTPATH:+$KA_COLLECTOR_TESTPATH:}/usr/sbin:/usr/bin:/sbin:/bin:$PATH
umask 077
set -f
NL='
'
TAB='	'
CR=$(printf '\r')
LIM=8388608
MAXFILES=1000

# rec TAG PAYLOAD: one record. ${#} counts bytes because LC_ALL=C.
rec() {
	printf '%s %d\n%s\n' "$1" "${#2}" "$2"
}

# --- parameters ---------------------------------------------------------
CFG=/etc/ssh/sshd_config
USERS=
ALL=0
FROM=
SSHDT=1
IFS= read -r l
if [ "$l" != "keyaudit-collect 1" ]; then
	printf 'KACOLLECT 1\n'
	rec fatal "bad parameter header (keyaudit and collector versions differ?)"
	rec end ""
	exit 0
fi
while IFS= read -r l; do
	case $l in
	end) break ;;
	"config "*) CFG=${l#config } ;;
	"user "*)
		# Once each, in order (sshd -T runs once per user).
		case "$NL$USERS" in
		*"$NL${l#user }$NL"*) ;;
		*) USERS=$USERS${l#user }$NL ;;
		esac ;;
	all) ALL=1 ;;
	"from "*) FROM=${l#from } ;;
	"sshdt "*) SSHDT=${l#sshdt } ;;
	esac
done
exec </dev/null

printf 'KACOLLECT 1\n'
rec host "$(uname -n 2>/dev/null)"
rec time "$(date +%s)"
EUID_=$(id -u 2>/dev/null)
rec euid "$EUID_"
rec config "$CFG"

# --- lstat and path resolution --------------------------------------------
# Directories already reported, one per line: repeated walks through /,
# /home, /etc then cost no process. Reset when it grows, it is only a cache.
DIRS=$NL
NDIRS=0

# lst PATH: report lstat(PATH); sets ST (reg dir lnk other noent unknown)
# and LNK (the link target for lnk).
lst() {
	case $1 in
	*"$NL"*) ;;
	*) case $DIRS in *"$NL$1$NL"*) ST=dir; return 0 ;; esac ;;
	esac
	LAST=$1
	rec path "$1"
	if ls_o=$(stat -c '%f %u %g %s %Y' "$1" 2>&1); then
		rec stat "$ls_o"
		ls_t=$(( 0x${ls_o%% *} & 61440 ))
		case $ls_t in
		16384)
			ST=dir
			case $1 in *"$NL"*) return 0 ;; esac
			NDIRS=$((NDIRS + 1))
			if [ $NDIRS -gt 512 ]; then DIRS=$NL; NDIRS=0; fi
			DIRS=$DIRS$1$NL ;;
		32768) ST=reg ;;
		40960)
			ST=lnk
			# "x" keeps a trailing newline of the target.
			if ls_l=$(readlink "$1" 2>/dev/null && echo x); then
				LNK=${ls_l%?x}
				rec link "$LNK"
			else
				ST=unknown
				rec err "readlink failed"
			fi ;;
		*) ST=other ;;
		esac
		return 0
	fi
	case $ls_o in
	*"No such file or directory"|*"Not a directory")
		ST=noent
		rec noent "" ;;
	*)
		ST=unknown
		ls_o=${ls_o%%"$NL"*}
		rec err "${ls_o##*: }" ;;
	esac
}

# resolve PATH: realpath(3) by lstat, as path_resolve() in snapshot.c does
# it, reporting every component. 0 with RC (canonical) and RT (its type).
resolve() {
	rs_done=/
	rs_todo=$1
	rs_hops=0
	RT=
	while :; do
		while :; do
			case $rs_todo in /*) rs_todo=${rs_todo#/} ;; *) break ;; esac
		done
		[ -z "$rs_todo" ] && break
		rs_comp=${rs_todo%%/*}
		rs_rest=${rs_todo#"$rs_comp"}
		case $rs_comp in
		.)
			rs_todo=$rs_rest
			continue ;;
		..)
			if [ "$rs_done" != / ]; then
				rs_done=${rs_done%/*}
				[ -z "$rs_done" ] && rs_done=/
			fi
			rs_todo=$rs_rest
			continue ;;
		esac
		if [ "$rs_done" = / ]; then
			rs_cand=/$rs_comp
		else
			rs_cand=$rs_done/$rs_comp
		fi
		lst "$rs_cand"
		case $ST in
		noent|unknown) return 1 ;;
		lnk)
			rs_hops=$((rs_hops + 1))
			if [ $rs_hops -gt 40 ] || [ -z "$LNK" ]; then
				return 1
			fi
			case $LNK in /*) rs_done=/ ;; esac
			rs_todo=$LNK/$rs_rest
			continue ;;
		esac
		rs_q=$rs_rest
		while :; do
			case $rs_q in /*) rs_q=${rs_q#/} ;; *) break ;; esac
		done
		if [ "$ST" != dir ] && [ -n "$rs_q" ]; then
			return 1
		fi
		rs_done=$rs_cand
		RT=$ST
		rs_todo=$rs_rest
	done
	RC=$rs_done
	return 0
}

# Files whose content was sent, as DIRS.
READ=$NL

# content PATH: the bytes of a regular file, at most LIM. The length is
# taken first; the second read is padded or cut to it, so a file that
# changes in between cannot break the stream.
content() {
	case $READ in *"$NL$1$NL"*) return 0 ;; esac
	case $1 in *"$NL"*) ;; *) READ=$READ$1$NL ;; esac
	rec path "$1"
	if [ ! -r "$1" ]; then
		rec rerr "Permission denied"
		return 1
	fi
	ct_n=$(head -c $((LIM + 1)) "$1" 2>/dev/null | wc -c)
	ct_n=$((ct_n))
	ct_t=0
	if [ $ct_n -gt $LIM ]; then
		ct_n=$LIM
		ct_t=1
	fi
	printf 'data %d\n' $ct_n
	{ head -c $ct_n "$1" 2>/dev/null; head -c $ct_n /dev/zero; } | head -c $ct_n
	printf '\n'
	[ $ct_t = 1 ] && rec trunc ""
	return 0
}

# cpath PATH WANT_CONTENT: collect_path() of transport_local.c. 0 when the
# path resolved (RC, RT set); CT=1 when its content was sent.
cpath() {
	CT=0
	case $1 in /*) ;; *) return 1 ;; esac
	# The path as given is reported too (as transport_local.c does), once.
	LAST=
	resolve "$1"
	cp_rc=$?
	[ "$LAST" = "$1" ] || lst "$1"
	[ $cp_rc = 0 ] || return 1
	if [ "$2" = 1 ] && [ "$RT" = reg ]; then
		content "$RC" && CT=1
	fi
	return 0
}

# --- system identity --------------------------------------------------------
rec sshdver "$(head -c 16777216 /usr/sbin/sshd 2>/dev/null | tr -c ' -~' '\n' |
    grep -F OpenSSH_ | head -c 65536)"
cpath /etc/os-release 1
cpath /usr/lib/os-release 1

# --- accounts ---------------------------------------------------------------
PW=
if cpath /etc/passwd 1 && [ $CT = 1 ]; then
	PW=$(head -c $LIM "$RC" 2>/dev/null)
fi
cpath /etc/group 1
# shadow: only "name:!x:rest" or "name:x:rest" leaves this machine; the hash
# field is replaced before anything is printed.
if cpath /etc/shadow 0 && [ "$RT" = reg ]; then
	if [ -r "$RC" ]; then
		rec shadow "$(head -c $LIM "$RC" 2>/dev/null |
		    sed -n 's/^\([^:]*:\)\(!\{0,1\}\)[^:]*/\1\2x/p')"
	else
		rec path "$RC"
		rec rerr "Permission denied"
	fi
fi

if [ $ALL = 1 ]; then
	if [ "$EUID_" != 0 ]; then
		rec fatal "--all-users needs root (other users' files cannot be read otherwise)"
		rec end ""
		exit 0
	fi
	rec all ""
elif [ -z "$USERS" ]; then
	ME=$(id -un 2>/dev/null)
	USERS=$ME$NL
	rec me "$ME"
	# An account from NSS (LDAP, sssd) is not in /etc/passwd.
	case "$NL$PW$NL" in
	*"$NL$ME:"*) ;;
	*)
		NSS=$(getent passwd "$ME" 2>/dev/null | head -n 1)
		rec nss "$NSS"
		PW=$PW$NL$NSS ;;
	esac
fi
IFS=$NL
for u in $USERS; do
	rec user "$u"
done
IFS=' 	
'

# --- sshd configuration -----------------------------------------------------
# Values of the keywords whose files the checks read, from every file; which
# Match block applies is decided later by the checks, so take them all.
AKF=
RK=
NFILES=0
PARSED=$NL

# words ARGS: sshd's argument list of one directive, comments dropped and
# simple double quotes removed; sets WORDS (one per line).
words() {
	WORDS=
	IFS=" $TAB"
	set -- $1
	IFS=' 	
'
	for w in "$@"; do
		case $w in
		"#"*) break ;;
		=) continue ;;
		=*) w=${w#=} ;;
		esac
		case $w in \"*\") w=${w#\"}; w=${w%\"} ;; esac
		WORDS=$WORDS$w$NL
	done
}

# include ARGS: glob each pattern as sshd does (relative to /etc/ssh),
# report it with its sorted matches, and read each match right away (a
# queue of names would not survive a newline in one).
include() {
	words "$1"
	IFS=$NL
	for ic_a in $WORDS; do
		case $ic_a in
		/*|"~"*) ic_p=$ic_a ;;
		*) ic_p=/etc/ssh/$ic_a ;;
		esac
		rec glob "$ic_p"
		set +f
		ic_ms=
		for ic_m in $ic_p; do
			if [ -e "$ic_m" ] || [ -L "$ic_m" ]; then
				rec gm "$ic_m"
				ic_ms=$ic_ms$ic_m$NL
			fi
		done
		set -f
		# Depth-first, as sshd reads them; the for list is expanded
		# once, so the nested calls may reuse every variable.
		for ic_m in $ic_ms; do
			IFS=' 	
'
			CDEPTH=$((CDEPTH + 1))
			conffile "$ic_m"
			CDEPTH=$((CDEPTH - 1))
			IFS=$NL
		done
	done
	IFS=' 	
'
}

# conffile PATH: collect one configuration file and the keywords in it.
conffile() {
	NFILES=$((NFILES + 1))
	[ $NFILES -gt $MAXFILES ] && return
	[ $CDEPTH -gt 16 ] && return
	cpath "$1" 1 || return
	[ $CT = 1 ] || return
	case $PARSED in *"$NL$RC$NL"*) return ;; esac
	PARSED=$PARSED$RC$NL
	cf_lines=$(head -c $LIM "$RC" 2>/dev/null | sed -n \
	    -e 's/\r$//' \
	    -e 's/^[[:space:]]*[Ii][Nn][Cc][Ll][Uu][Dd][Ee][[:space:]=]\{1,\}/I /p' \
	    -e 's/^[[:space:]]*[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Ee][Dd][Kk][Ee][Yy][Ss][Ff][Ii][Ll][Ee][[:space:]=]\{1,\}/A /p' \
	    -e 's/^[[:space:]]*[Rr][Ee][Vv][Oo][Kk][Ee][Dd][Kk][Ee][Yy][Ss][[:space:]=]\{1,\}/R /p' \
	    -e 's/^[[:space:]]*[Tt][Rr][Uu][Ss][Tt][Ee][Dd][Uu][Ss][Ee][Rr][Cc][Aa][Kk][Ee][Yy][Ss][[:space:]=]\{1,\}/R /p' \
	    -e 's/^[[:space:]]*[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Ee][Dd][Kk][Ee][Yy][Ss][Cc][Oo][Mm][Mm][Aa][Nn][Dd][[:space:]=]\{1,\}/C /p' \
	    -e 's/^[[:space:]]*[Hh][Oo][Ss][Tt][Kk][Ee][Yy][[:space:]=]\{1,\}/H /p')
	IFS=$NL
	for cf_l in $cf_lines; do
		IFS=' 	
'
		case $cf_l in
		"I "*) include "${cf_l#I }" ;;
		"A "*) words "${cf_l#A }"; AKF=$AKF$WORDS ;;
		"R "*) words "${cf_l#R }"; RK=$RK${WORDS%%"$NL"*}$NL ;;
		"C "*) words "${cf_l#C }"; CMD=${WORDS%%"$NL"*}
			case $CMD in /*) cpath "$CMD" 0 ;; esac ;;
		"H "*) words "${cf_l#H }"; HK=$HK${WORDS%%"$NL"*}$NL ;;
		esac
		IFS=$NL
	done
	IFS=' 	
'
}

CDEPTH=0
HK=
conffile "$CFG"
IFS=$NL
for r in $RK; do
	case $r in /*) cpath "$r" 1 ;; esac
done
# Host private keys: modes only (content 0), never their bytes. With no
# HostKey line sshd uses its three defaults.
[ -n "$HK" ] || HK=/etc/ssh/ssh_host_rsa_key$NL/etc/ssh/ssh_host_ecdsa_key$NL/etc/ssh/ssh_host_ed25519_key$NL
for r in $HK; do
	case $r in /*) cpath "$r" 0 ;; esac
done
IFS=' 	
'

# sshfile PATH: the client's system ssh_config and what it Includes
# (relative to /etc/ssh; only patterns with wildcards are globbed).
sshfile() {
	NFILES=$((NFILES + 1))
	[ $NFILES -gt $MAXFILES ] && return
	[ $SDEPTH -gt 16 ] && return
	cpath "$1" 1 || return
	[ $CT = 1 ] || return
	sf_lines=$(head -c $LIM "$RC" 2>/dev/null | sed -n -e 's/\r$//' \
	    -e 's/^[[:space:]]*[Ii][Nn][Cc][Ll][Uu][Dd][Ee][[:space:]=]\{1,\}//p')
	IFS=$NL
	for sf_l in $sf_lines; do
		IFS=' 	
'
		words "$sf_l"
		IFS=$NL
		for sf_a in $WORDS; do
			case $sf_a in
			/*) sf_p=$sf_a ;;
			"~"*) continue ;;
			*) sf_p=/etc/ssh/$sf_a ;;
			esac
			case $sf_p in
			*[*?[]*)
				rec glob "$sf_p"
				set +f
				sf_ms=
				for sf_m in $sf_p; do
					if [ -e "$sf_m" ] || [ -L "$sf_m" ]; then
						rec gm "$sf_m"
						sf_ms=$sf_ms$sf_m$NL
					fi
				done
				set -f ;;
			*) sf_ms=$sf_p$NL ;;
			esac
			for sf_m in $sf_ms; do
				IFS=' 	
'
				SDEPTH=$((SDEPTH + 1))
				sshfile "$sf_m"
				SDEPTH=$((SDEPTH - 1))
				IFS=$NL
			done
		done
	done
	IFS=' 	
'
}
SDEPTH=0
sshfile /etc/ssh/ssh_config
IFS=$NL
IFS=' 	
'
AKF=$AKF.ssh/authorized_keys$NL.ssh/authorized_keys2$NL

# akexp TEMPLATE HOME NAME UID: expand_authorized_keys_path(); sets AKP.
akexp() {
	ak_in=$1
	AKP=
	while :; do
		case $ak_in in
		*%*)
			AKP=$AKP${ak_in%%\%*}
			ak_in=${ak_in#*\%}
			case $ak_in in
			%*) AKP=$AKP% ;;
			h*) AKP=$AKP$2 ;;
			u*) AKP=$AKP$3 ;;
			U*) AKP=$AKP$4 ;;
			*) return 1 ;;
			esac
			ak_in=${ak_in#?} ;;
		*)
			AKP=$AKP$ak_in
			break ;;
		esac
	done
	case $AKP in /*) ;; *) AKP=$2/$AKP ;; esac
	return 0
}

# --- each audited user --------------------------------------------------------
# Every passwd line of an audited name (a duplicate name only adds paths).
IFS=$NL
for l in $PW; do
	l=${l%"$CR"}
	pw_name=${l%%:*}
	case $l in "#"*|"+"*|"-"*|"") continue ;; esac
	if [ $ALL = 0 ]; then
		case "$NL$USERS" in *"$NL$pw_name$NL"*) ;; *) continue ;; esac
	fi
	r=${l#*:}; r=${r#*:}
	pw_uid=${r%%:*}; r=${r#*:}; r=${r#*:}; r=${r#*:}
	pw_home=${r%%:*}
	pw_shell=${r#*:}
	[ -z "$pw_shell" ] && pw_shell=/bin/sh
	IFS=' 	
'
	cpath "$pw_home" 0
	cpath "$pw_shell" 0
	IFS=$NL
	for t in $AKF; do
		[ "$t" = none ] && continue
		IFS=' 	
'
		if akexp "$t" "$pw_home" "$pw_name" "$pw_uid"; then
			cpath "$AKP" 1
		fi
		IFS=$NL
	done
done
IFS=' 	
'

# --- sshd -T, which needs root (it loads the host keys) -----------------------
if [ "$SSHDT" = 1 ] && [ "$EUID_" = 0 ] && [ -x /usr/sbin/sshd ]; then
	TO=
	command -v timeout >/dev/null 2>&1 && TO="timeout 10"
	IFS=$NL
	for u in $USERS; do
		IFS=' 	
'
		case $u in *,*|*=*|-*) IFS=$NL; continue ;; esac
		spec=user=$u
		case $FROM in
		""|*,*|*=*) ;;
		*) spec=$spec,host=$FROM,addr=$FROM ;;
		esac
		rec tuser "$u"
		o=$( { $TO /usr/sbin/sshd -T -f "$CFG" -C "$spec" 2>/dev/null &&
		    echo x; } | head -c 262145)
		case $o in
		*x) rec tout "${o%x}" ;;
		*)
			e=$($TO /usr/sbin/sshd -T -f "$CFG" -C "$spec" 2>&1 >/dev/null)
			rc=$?
			e=${e%%"$NL"*}
			if [ $rc = 124 ]; then
				rec terr "sshd -T did not finish in 10 s"
			else
				rec terr "sshd -T exited $rc: $e"
			fi ;;
		esac
		IFS=$NL
	done
	IFS=' 	
'
fi
rec end ""
