# collector.sh - the read-only collector keyaudit runs on a target with
# /bin/sh (locally by transport_exec.c, over one ssh exec by the ssh
# transport). It prints what transport_local.c would record, as
# length-prefixed records that collect_stream.c turns into a snapshot; the
# format is described there.
#
# POSIX sh (dash, BusyBox ash, bash) with GNU coreutils or BusyBox applets.
# It never writes anything anywhere: no temp files, no here-documents (bash
# backs those with files), every read bounded (but one: see sshdver).
# Parameters come on stdin as data, one per line, and are never evaluated.
# $1 says how the transport started it: "sudo" (through sudo -n) or
# "sudo-denied" (sudo wanted a password: it runs as the login user).
#
# As root it reads what an account controls (its AuthorizedKeysFiles,
# known_hosts, ~/.ssh/id_*) as that account, as sshd does: one reader per
# account through setpriv (else runuser), which tests each file's type
# before it opens it and opens with dd iflag=nonblock where dd has it, so
# a link to a root-only file gives "Permission denied", never its bytes,
# and a FIFO swapped in never blocks. Without a way to switch users that
# content is reported as not read, never read as root. With a deadline it
# ends itself and everything it started when keyaudit stops waiting.
#
# It runs on every host of a fleet, so it spares processes: paths are
# walked with the shell's own tests, their lstat facts come from one stat
# run per batch (prefetch), small files are read by the shell itself, and
# what was reported once is remembered. One user costs about ten processes.
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
SPC=" $TAB$NL"
CR=$(printf '\r')
LIM=8388608
# Files up to this size are read with the read builtin (a byte per system
# call, cheaper than a process below about 2 KiB); larger ones with head.
SMALL=2048
MAXFILES=1000
SUDO=${1-}

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
LOGS=0
LOGF=
DL=
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
	logs) LOGS=1 ;;
	"logfile "*) LOGF=$LOGF${l#logfile }$NL ;;
	"deadline "*) DL=${l#deadline } ;;
	esac
done
exec </dev/null
case $DL in ""|*[!0-9]*|?????*) DL= ;; esac

# uptime_s: whole seconds since boot into UPS (empty when unknown), read by
# the shell itself.
uptime_s() {
	UPS=
	IFS=' .' read -r UPS l 2>/dev/null </proc/uptime
	case $UPS in ""|*[!0-9]*) UPS= ;; esac
}
uptime_s
UP0=$UPS

# The deadline: a watchdog kills the collector's process group (under sshd,
# or under sudo whose child it is, that group is this session's; the exec
# transport gives it its own) or, when someone else leads the group, the
# collector alone. Readers run in groups of their own, each bounded by the
# time left. Its output goes nowhere: it must not hold the stream open.
WD=
if [ -n "$DL" ]; then
	wd_st=
	IFS= read -r wd_st 2>/dev/null </proc/self/stat
	wd_st=${wd_st##*") "}
	set -- $wd_st
	WDT=$$
	if [ "${3-}" = "$$" ] || { [ "$SUDO" = sudo ] && [ "${3-}" = "$PPID" ]; }; then
		WDT=-$3
	fi
	(
		trap 'kill $wd_s 2>/dev/null; exit 0' TERM
		sleep $DL &
		wd_s=$!
		wait $wd_s && kill -KILL $WDT
	) </dev/null >/dev/null 2>&1 &
	WD=$!
fi
# finish: the last record, and the watchdog (with its sleep) gone.
finish() {
	rec end ""
	[ -n "$WD" ] && kill $WD 2>/dev/null
	exit 0
}

# myeuid: the effective uid, from the kernel's own account of this shell
# when there is one (it is what id -u prints), else from id.
myeuid() {
	EUID_=
	while IFS= read -r l; do
		case $l in
		Uid:*)
			set -- $l
			EUID_=${3-}
			break ;;
		esac
	done 2>/dev/null </proc/self/status
	case $EUID_ in
	""|*[!0-9]*) EUID_=$(id -u 2>/dev/null) ;;
	esac
}

printf 'KACOLLECT 1\n'
# The node name uname -n prints, as the kernel keeps it.
HOST=
IFS= read -r HOST 2>/dev/null </proc/sys/kernel/hostname
[ -n "$HOST" ] || HOST=$(uname -n 2>/dev/null)
rec host "$HOST"
rec time "$(date +%s)"
myeuid
rec euid "$EUID_"
rec config "$CFG"
# accounts named with --user are judged whatever they hold (engine.c)
if [ $ALL = 0 ] && [ -n "$USERS" ]; then rec named 1; fi
case $SUDO in
sudo) rec sudo ok ;;
sudo-denied) rec sudo denied ;;
esac

# --- what was reported ----------------------------------------------------
# C holds one entry per reported path: NL PATH NL "=" FACT, FACT being
# "r SIZE" (regular file), "n" (no such file), "e WHY" (lstat failed) or
# empty. Keys start with "/" and facts with "=", so a lookup of
# NL PATH NL "=" matches one key only, whatever bytes PATH holds; paths with
# a newline are never cached. It is only a cache, emptied when it grows: at
# worst a path is reported twice, and the parser takes the last report.
C=$NL
NC=0
# Symlink targets (those without a newline), as C: NL PATH NL "=" TARGET.
LINKS=$NL
NLINKS=0
# Paths waiting for the next stat run, one per line.
PEND=
NPEND=0
# 1 while prefetching: walks stop at a symlink whose target is not known
# yet instead of asking for it on the spot.
DRY=0

# cache PATH FACT
cache() {
	case $1 in *"$NL"*) return ;; esac
	NC=$((NC + 1))
	if [ $NC -gt 2048 ]; then
		C=$NL
		NC=1
	fi
	C=$C$1$NL=$2$NL
}

# linkcache PATH TARGET
linkcache() {
	case $1$2 in *"$NL"*) return ;; esac
	NLINKS=$((NLINKS + 1))
	if [ $NLINKS -gt 256 ]; then
		LINKS=$NL
		NLINKS=1
	fi
	LINKS=$LINKS$1$NL=$2$NL
}

# lst PATH: one lstat by its own stat run, reported at once (paths with a
# newline, and whatever a batch could not say). Sets LSP (PATH), LS_T (reg
# dir lnk other noent unknown), LS_S (the size of reg), LS_L (the target
# of lnk) and LS_E (why it failed).
lst() {
	LSP=$1
	LS_L=
	LS_E=
	LS_S=
	rec path "$1"
	if ls_o=$(stat -c '%f %u %g %s %Y' "$1" 2>&1); then
		rec stat "$ls_o"
		ls_m=${ls_o%% *}
		case $ls_m in
		""|*[!0-9a-f]*) ls_m=0 ;;
		esac
		ls_r=${ls_o#* }
		ls_r=${ls_r#* }
		ls_r=${ls_r#* }
		case $(( 0x$ls_m & 61440 )) in
		16384) LS_T=dir; cache "$1" "" ;;
		32768)
			LS_T=reg
			LS_S=${ls_r%% *}
			cache "$1" "r $LS_S" ;;
		40960)
			LS_T=lnk
			# "x" keeps a trailing newline of the target.
			if ls_l=$(readlink "$1" 2>/dev/null && echo x); then
				LS_L=${ls_l%?x}
				rec link "$LS_L"
				case $LS_L in
				*"$NL"*) cache "$1" L ;;
				*)
					cache "$1" ""
					linkcache "$1" "$LS_L" ;;
				esac
			else
				cache "$1" ""
				LS_T=unknown
				LS_E="readlink failed"
				rec err "$LS_E"
			fi ;;
		*) LS_T=other; cache "$1" "" ;;
		esac
		return 0
	fi
	case $ls_o in
	*"No such file or directory"|*"Not a directory")
		LS_T=noent
		LS_E=noent
		rec noent ""
		cache "$1" n ;;
	*)
		LS_T=unknown
		ls_o=${ls_o%%"$NL"*}
		LS_E=${ls_o##*: }
		rec err "$LS_E"
		cache "$1" "e $LS_E" ;;
	esac
}

# pend PATH: report lstat(PATH) with the next stat run.
pend() {
	case $NL$PEND in *"$NL$1$NL"*) return ;; esac
	PEND=$PEND$1$NL
	NPEND=$((NPEND + 1))
	# The batch is one argument list: keep it far below ARG_MAX.
	if [ $NPEND -ge 256 ] || [ ${#PEND} -gt 65536 ]; then
		flush
	fi
}

# fline PATH LINE: report one line of the batched stat run,
# "%f %u %g %s %Y %N". 1 when the line is not plainly about PATH.
fline() {
	fl_m=${2%% *}
	fl_r=${2#* }
	fl_u=${fl_r%% *}
	fl_r=${fl_r#* }
	fl_g=${fl_r%% *}
	fl_r=${fl_r#* }
	fl_s=${fl_r%% *}
	fl_r=${fl_r#* }
	fl_t=${fl_r%% *}
	fl_n=${fl_r#* }
	case $fl_m in ""|?????????*|*[!0-9a-f]*) return 1 ;; esac
	case $fl_u/$fl_g/$fl_s in *//*|/*|*/|*[!0-9/]*) return 1 ;; esac
	case $fl_t in ""|*[!0-9-]*) return 1 ;; esac
	fl_k=$(( 0x$fl_m & 61440 ))
	if [ $fl_k = 40960 ]; then
		# %N: "PATH -> TARGET" from GNU stat with QUOTING_STYLE=literal,
		# "'PATH' -> 'TARGET'" from BusyBox. A symlink's size is the
		# length of its target: a target cut by a newline (whose next
		# line could pass for another path's), or one escaped by an
		# older stat, does not have it.
		case $fl_n in
		"$1 -"?" "*) fl_x=${fl_n#"$1 -"?" "} ;;
		"'$1' -"?" '"*"'") fl_x=${fl_n#"'$1' -"?" '"}; fl_x=${fl_x%"'"} ;;
		*) return 1 ;;
		esac
		[ ${#fl_x} = $fl_s ] && [ -n "$fl_x" ] || return 1
	else
		case $fl_n in
		"$1"|"'$1'") ;;
		*) return 1 ;;
		esac
	fi
	rec path "$1"
	rec stat "$fl_m $fl_u $fl_g $fl_s $fl_t"
	case $fl_k in
	40960)
		rec link "$fl_x"
		linkcache "$1" "$fl_x"
		cache "$1" "" ;;
	32768) cache "$1" "r $fl_s" ;;
	*) cache "$1" "" ;;
	esac
	return 0
}

# flush: one stat run for every pending path. Its lines come in argument
# order, one per path, as long as every path is still there and no target
# holds a newline. The first line that is not plainly about its path stops
# the reading: that path is asked on its own, and the paths after it go to
# another run (or each on its own, when the run said nothing usable at all).
flush() {
	fs_ifs=$IFS
	while [ $NPEND -gt 0 ]; do
		fs_list=$PEND
		PEND=
		NPEND=0
		IFS=$NL
		fs_out=$(QUOTING_STYLE=literal stat -c '%f %u %g %s %Y %N' $fs_list 2>/dev/null)
		set -- $fs_out
		fs_st=0
		for fs_p in $fs_list; do
			IFS=$SPC
			if [ $fs_st = 2 ]; then
				PEND=$PEND$fs_p$NL
				NPEND=$((NPEND + 1))
			elif [ $fs_st != 3 ] && [ $# -gt 0 ] && fline "$fs_p" "$1"; then
				shift
				fs_st=1
			else
				[ $fs_st = 1 ] && fs_st=2 || fs_st=3
				lst "$fs_p"
			fi
			IFS=$NL
		done
	done
	IFS=$fs_ifs
}

# lk PATH PARENT: lstat(PATH) for a walk (PARENT is the directory it is
# in), by the shell's tests and the caches; its report is scheduled or
# made. Sets ST (dir reg lnk other noent unknown; "wait" for a symlink
# whose target a prefetch does not know yet, "skip" for what a prefetch
# leaves to the real walk), LNK (the target of lnk) and WHY (the failure).
lk() {
	LAST=$1
	lk_c=${1##*/}
	case $1 in
	*"$NL"*) lk_slow=1 ;;
	*) lk_slow=0 ;;
	esac
	# Names too long for lstat fail in a way only stat can tell.
	if [ $lk_slow = 1 ] || [ ${#lk_c} -gt 255 ] || [ ${#1} -gt 4095 ]; then
		if [ $DRY = 1 ]; then
			ST=skip
			return
		fi
		lst "$1"
		ST=$LS_T
		LNK=$LS_L
		WHY=$LS_E
		return
	fi
	if [ -L "$1" ]; then
		case $LINKS in
		*"$NL$1$NL="*) ;;
		*)
			case $C in
			*"$NL$1$NL=L$NL"*)
				# Its target holds a newline: never cached.
				if [ $DRY = 1 ]; then
					ST=skip
					return
				fi
				lst "$1"
				ST=$LS_T
				LNK=$LS_L
				WHY=$LS_E
				return ;;
			esac
			pend "$1"
			if [ $DRY = 1 ]; then
				ST=wait
				return
			fi
			LSP=
			flush
			case $LINKS in
			*"$NL$1$NL="*) ;;
			*)
				[ "$LSP" = "$1" ] || lst "$1"
				ST=$LS_T
				LNK=$LS_L
				WHY=$LS_E
				return ;;
			esac ;;
		esac
		case $C in *"$NL$1$NL="*) ;; *) pend "$1" ;; esac
		LNK=${LINKS#*"$NL$1$NL="}
		LNK=${LNK%%"$NL"*}
		ST=lnk
		return
	fi
	if [ -d "$1" ]; then
		ST=dir
	elif [ -f "$1" ]; then
		ST=reg
	elif [ -e "$1" ]; then
		ST=other
	else
		case $C in
		*"$NL$1$NL=n$NL"*)
			ST=noent
			WHY=noent ;;
		*"$NL$1$NL=e "*)
			WHY=${C#*"$NL$1$NL=e "}
			WHY=${WHY%%"$NL"*}
			ST=unknown ;;
		*)
			# lstat failed. In a directory we may search the name
			# is not there; otherwise stat says why.
			if [ -x "$2" ]; then
				ST=noent
				WHY=noent
				rec path "$1"
				rec noent ""
				cache "$1" n
			else
				lst "$1"
				ST=$LS_T
				LNK=$LS_L
				WHY=$LS_E
			fi ;;
		esac
		return
	fi
	case $C in *"$NL$1$NL="*) ;; *) pend "$1" ;; esac
}

# resolve PATH: realpath(3) by lstat, as path_resolve() in snapshot.c does
# it, reporting every component. 0 with RC (canonical) and RT (its type);
# 1 when it does not resolve (WHY: noent, the lstat error, or "other");
# 2 and 3 when a prefetch stops (ST wait and skip).
resolve() {
	rs_done=/
	rs_todo=$1
	rs_hops=0
	RT=
	WHY=other
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
		lk "$rs_cand" "$rs_done"
		case $ST in
		wait) return 2 ;;
		skip) return 3 ;;
		noent|unknown) return 1 ;;
		lnk)
			rs_hops=$((rs_hops + 1))
			if [ $rs_hops -gt 40 ] || [ -z "$LNK" ]; then
				WHY=other
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
			WHY=noent	# ENOTDIR
			return 1
		fi
		rs_done=$rs_cand
		RT=$ST
		rs_todo=$rs_rest
	done
	RC=$rs_done
	WHY=other
	return 0
}

# given PATH: lstat of a path as given, when the walk did not end on it
# (a symlink, "..", or a missing directory on the way). When it fails, it
# fails where the walk failed: the walk went through the same directories.
given() {
	case $1 in
	*"$NL"*)
		[ $DRY = 1 ] || lst "$1"
		return ;;
	esac
	case $C in *"$NL$1$NL="*) return ;; esac
	if [ -L "$1" ] || [ -e "$1" ]; then
		pend "$1"
		return
	fi
	case $WHY in
	noent)
		rec path "$1"
		rec noent ""
		cache "$1" n ;;
	"Permission denied")
		rec path "$1"
		rec err "$WHY"
		cache "$1" "e $WHY" ;;
	*) lst "$1" ;;
	esac
}

# Files whose content was sent, one per line (without those with a
# newline); emptied when it grows, like C.
READ=$NL
NREAD=0
# SL holds the bytes of the file SLP (see slurp), for the parsers below.
SL=
SLP=

# slurp PATH N: the first N bytes of PATH into SL; 0 when exactly N came
# (a NUL byte, which the shell drops, or a file that changed since its
# stat, gives 1).
slurp() {
	SL=
	SLP=
	if [ $2 -le $SMALL ]; then
		sl_eof=1
		sl_l=
		while IFS= read -r sl_l; do
			SL=$SL$sl_l$NL
			if [ ${#SL} -gt $2 ]; then
				sl_eof=0
				break
			fi
		done 2>/dev/null <"$1"
		[ $sl_eof = 1 ] && SL=$SL$sl_l
	else
		SL=$(head -c $2 "$1" 2>/dev/null; echo x)
		SL=${SL%x}
	fi
	[ ${#SL} = $2 ] || return 1
	SLP=$1
	return 0
}

# text PATH: SL holds the content of PATH (sent before), at most LIM.
text() {
	[ "$SLP" = "$1" ] && return 0
	SL=$(head -c $LIM "$1" 2>/dev/null)
	SLP=$1
}

# regsize PATH: the size lstat reported for the regular file PATH (just
# walked), into RSZ; empty when it is not known.
regsize() {
	RSZ=
	case $1 in
	*"$NL"*)
		# Never cached: the walk that just ended here said its size.
		[ "$LSP" = "$1" ] && [ "$LS_T" = reg ] && RSZ=$LS_S ;;
	*)
		case $C in
		*"$NL$1$NL=r "*) ;;
		*)
			pend "$1"
			flush ;;
		esac
		case $C in
		*"$NL$1$NL=r "*)
			RSZ=${C#*"$NL$1$NL=r "}
			RSZ=${RSZ%%"$NL"*} ;;
		esac ;;
	esac
	case $RSZ in *[!0-9]*) RSZ= ;; esac
}

# content PATH: the bytes of a regular file, at most LIM, as long as lstat
# said: a file that changes in between cannot break the stream.
content() {
	case $READ in *"$NL$1$NL"*) return 0 ;; esac
	case $1 in
	*"$NL"*) ;;
	*)
		NREAD=$((NREAD + 1))
		if [ $NREAD -gt 512 ]; then
			READ=$NL
			NREAD=1
		fi
		READ=$READ$1$NL ;;
	esac
	# regsize may flush pending lstat records: before this path's record,
	# or its data would follow another path's
	regsize "$1"
	rec path "$1"
	if [ ! -r "$1" ]; then
		rec rerr "Permission denied"
		return 1
	fi
	# the kernel's files are not files anyone keeps (transport_local.c
	# refuses them by fstatfs)
	case $1 in
	/proc/*|/sys/*)
		rec rerr "on a kernel file system (proc, sys): not read"
		return 1 ;;
	esac
	ct_n=$RSZ
	ct_t=0
	if [ -n "$ct_n" ]; then
		if [ $ct_n -gt $LIM ]; then
			ct_n=$LIM
			ct_t=1
		fi
		if slurp "$1" $ct_n; then
			printf 'data %d\n%s\n' $ct_n "$SL"
			[ $ct_t = 1 ] && rec trunc ""
			return 0
		fi
	fi
	# A NUL byte, a file that changed, a path with a newline: measure,
	# then send that many bytes, padded or cut.
	SL=
	SLP=
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
# path resolved (RC, RT set); CT=1 when its content was sent. While
# prefetching nothing is read, and 2 or 3 says the walk stopped early.
cpath() {
	CT=0
	case $1 in /*) ;; *) return 1 ;; esac
	# The path as given is reported too (as transport_local.c does), once.
	LAST=
	resolve "$1"
	cp_rc=$?
	case $cp_rc in 2|3) return $cp_rc ;; esac
	[ "$LAST" = "$1" ] || given "$1"
	[ $cp_rc = 0 ] || return 1
	[ $DRY = 1 ] && return 0
	if [ "$2" = 1 ] && [ "$RT" = reg ]; then
		content "$RC" && CT=1
	fi
	return 0
}

# --- reading as the account ------------------------------------------------
# RDR is the reader, run by "sh -c" with the account's credentials and an
# empty environment: $1 the account (for its records), $2 1 when dd can
# open without blocking, then the items: "c SIZE PATH" (content, SIZE as
# root's lstat said) and "k PATH" (a private key's first 200 bytes, judged
# here as userkey_facts judges them). Every test of a file's type is made
# before it is opened; a file read is read whole into the shell first, so
# a record is printed only when its bytes are there.
RDR='
LIM=8388608
NL="
"
U=$1
DDNB=$2
shift 2
rec() {
	printf "%s %d\n%s\n" "$1" "${#2}" "$2"
}
deny() {
	rec uerr "$U$NL$1"
}
rbytes() {
	if [ "$DDNB" = 1 ]; then
		dd if="$1" iflag=nonblock,count_bytes bs=65536 count=$2 2>/dev/null
	else
		head -c $2 "$1" 2>/dev/null
	fi
}
# why PATH: the answer open(O_NONBLOCK) and fstat would give, from tests
# that open nothing; empty when it is a readable regular file.
why() {
	W=
	if [ -L "$1" ]; then
		W="Too many levels of symbolic links"
	elif [ ! -e "$1" ]; then
		W="Permission denied"
		[ -x "${1%/*}/" ] && W="No such file or directory"
	elif [ ! -r "$1" ]; then
		W="Permission denied"
	elif [ -d "$1" ]; then
		W="not a regular file (a directory)"
	elif [ -p "$1" ]; then
		W="not a regular file (a FIFO): not opened for reading"
	elif [ -c "$1" ] || [ -b "$1" ]; then
		W="not a regular file (a device)"
	elif [ -S "$1" ]; then
		W="not a regular file (a socket)"
	elif [ ! -f "$1" ]; then
		W="not a regular file"
	else
		case $1 in
		/proc/*|/sys/*) W="on a kernel file system (proc, sys): not read" ;;
		esac
	fi
}
while [ $# -ge 2 ]; do
	case $1 in
	c)
		[ $# -ge 3 ] || break
		n=$2
		p=$3
		shift 3
		rec path "$p"
		why "$p"
		if [ -n "$W" ]; then
			deny "$W"
			continue
		fi
		t=0
		if [ $n -gt $LIM ]; then
			n=$LIM
			t=1
		fi
		s=$(rbytes "$p" $n; echo x)
		s=${s%x}
		if [ ${#s} != $n ]; then
			# a NUL byte, or a file that changed: measure, then send
			# that many bytes, padded or cut; only when reads cannot
			# block, else not at all
			if [ "$DDNB" != 1 ]; then
				deny "changed while being read"
				continue
			fi
			s=
			n=$(rbytes "$p" $((LIM + 1)) | wc -c)
			n=$((n))
			t=0
			if [ $n -gt $LIM ]; then
				n=$LIM
				t=1
			fi
			printf "data %d\n" $n
			{ rbytes "$p" $n; head -c $n /dev/zero; } | head -c $n
			printf "\n"
		else
			printf "data %d\n%s\n" $n "$s"
		fi
		s=
		[ $t = 1 ] && rec trunc ""
		;;
	k)
		p=$2
		shift 2
		why "$p"
		[ -z "$W" ] || continue
		k=$(rbytes "$p" 200; echo x)
		k=${k%x}
		k1=${k%%"$NL"*}
		k2=
		case $k in *"$NL"*) k2=${k#*"$NL"}; k2=${k2%%"$NL"*} ;; esac
		k=
		k1=${k1%"$(printf "\r")"}
		k2=${k2%"$(printf "\r")"}
		f=unknown
		e=-1
		case $k1 in
		"-----BEGIN OPENSSH PRIVATE KEY-----")
			f=openssh
			case $k2 in
			b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9u*) e=0 ;;
			b3BlbnNzaC1rZXktdjEAAAAA*) e=1 ;;
			esac ;;
		"-----BEGIN RSA PRIVATE KEY-----"|"-----BEGIN DSA PRIVATE KEY-----"|"-----BEGIN EC PRIVATE KEY-----")
			f=pem
			e=0
			case $k2 in Proc-Type:*ENCRYPTED*) e=1 ;; esac ;;
		"-----BEGIN PRIVATE KEY-----") f=pkcs8; e=0 ;;
		"-----BEGIN ENCRYPTED PRIVATE KEY-----") f=pkcs8; e=1 ;;
		esac
		k1=
		k2=
		rec ukey "$p"
		rec ukfacts "$e $f $U"
		;;
	*) break ;;
	esac
done
exit 0
'
# The account being read for ("UID:GID:NAME"; NAME empty for a home no
# account has) and its items, quoted for eval.
RDA=
RDARGS=
# How to switch: setpriv, runuser or none (found at the first reader);
# DDNB 1 when dd opens without blocking.
SWM=
DDNB=0

# q STRING: STRING single-quoted for eval, into Q.
q() {
	q_s=$1
	Q=
	while :; do
		case $q_s in
		*"'"*)
			Q=$Q${q_s%%"'"*}"'\\''"
			q_s=${q_s#*"'"} ;;
		*)
			Q="'$Q$q_s'"
			break ;;
		esac
	done
}

rd_method() {
	[ -n "$SWM" ] && return
	SWM=none
	if command -v setpriv >/dev/null 2>&1 &&
	    setpriv --reuid=65534 --regid=65534 --clear-groups true >/dev/null 2>&1; then
		SWM=setpriv
	elif command -v runuser >/dev/null 2>&1 &&
	    runuser -u nobody -- true >/dev/null 2>&1; then
		SWM=runuser
	fi
	dd if=/dev/null iflag=nonblock,count_bytes count=0 >/dev/null 2>&1 && DDNB=1
}

# rd_add KIND PATH: one item for the current account's reader; a content
# item needs the size root's walk found (RSZ).
rd_add() {
	q "$2"
	case $1 in
	c) RDARGS="$RDARGS c $RSZ $Q" ;;
	k) RDARGS="$RDARGS k $Q" ;;
	esac
}

# rd_flush: run the current account's reader. Its records go straight into
# the stream; when it cannot run, or does not finish, each content item is
# reported as not read by the account (never read as root instead).
rd_flush() {
	[ -n "$RDARGS" ] || return 0
	rf_a=$RDARGS
	RDARGS=
	rd_method
	rf_uid=${RDA%%:*}
	rf_r=${RDA#*:}
	rf_gid=${rf_r%%:*}
	rf_name=${rf_r#*:}
	rf_to=10
	if [ -n "$DL" ] && [ -n "$UP0" ]; then
		uptime_s
		[ -n "$UPS" ] && rf_to=$((UP0 + DL - UPS - 1))
		[ $rf_to -gt 10 ] && rf_to=10
	fi
	rf_why=
	set --
	if [ $rf_to -le 0 ]; then
		rf_why="not read: the collector's deadline passed"
	elif [ $SWM = setpriv ]; then
		if [ -n "$rf_name" ]; then
			set -- setpriv --reuid="$rf_uid" --regid="$rf_gid" --init-groups --
		else
			set -- setpriv --reuid="$rf_uid" --regid="$rf_gid" --groups="$rf_gid" --
		fi
	elif [ $SWM = runuser ] && [ -n "$rf_name" ]; then
		set -- runuser -u "$rf_name" --
	else
		rf_why="content not read: cannot read as the user"
	fi
	if [ -z "$rf_why" ]; then
		# timeout (GNU) puts the reader in a process group of its own and
		# kills the whole group when time is up
		command -v timeout >/dev/null 2>&1 && set -- timeout -s KILL $rf_to "$@"
		eval "set -- \"\$@\" env -i \"PATH=\$PATH\" LC_ALL=C sh -c \"\$RDR\" keyaudit-reader \"\$rf_name\" $DDNB $rf_a"
		"$@" </dev/null 2>/dev/null
		rf_rc=$?
		[ $rf_rc = 0 ] && return 0
		rf_why="not read: the reader did not finish (exit $rf_rc)"
	fi
	eval "set -- $rf_a"
	while [ $# -ge 2 ]; do
		case $1 in
		c)
			rec path "$3"
			rec uerr "$rf_name$NL$rf_why"
			shift 3 ;;
		*) shift 2 ;;
		esac
	done
}

# prefetch LIST: walk every path of LIST (one per line, each after one
# flag character) without reading anything, so that their lstat facts
# come in a few stat runs: one per level of symlinks not seen before.
# The real walks that follow find everything reported.
prefetch() {
	pf_todo=$1
	pf_round=0
	DRY=1
	while [ -n "$pf_todo" ] && [ $pf_round -lt 8 ]; do
		pf_next=
		IFS=$NL
		for pf_w in $pf_todo; do
			IFS=$SPC
			case $pf_w in [ak]*) continue ;; esac
			cpath "${pf_w#?}" 0
			[ $? = 2 ] && pf_next=$pf_next$pf_w$NL
		done
		IFS=$SPC
		flush
		pf_todo=$pf_next
		pf_round=$((pf_round + 1))
	done
	DRY=0
}

# --- system identity --------------------------------------------------------
# The strings of /usr/sbin/sshd from each "OpenSSH_" on, up to a byte that
# is not printable: the banner "OpenSSH_9.2p1 Debian-2+deb12u10" is among
# them. One grep reads the binary (a regular file; the only read not cut
# by a byte count, a pipe from head would double the cost); a grep without
# -a gets tr's help.
SV=
if [ -f /usr/sbin/sshd ] && [ -r /usr/sbin/sshd ]; then
	SV=$(grep -a -o -m 64 'OpenSSH_[ -~]*' /usr/sbin/sshd 2>/dev/null)
	if [ $? -gt 1 ]; then
		SV=$(tr -c ' -~' '\n' </usr/sbin/sshd 2>/dev/null |
		    grep -F -m 64 OpenSSH_)
	fi
	[ ${#SV} -gt 65536 ] && SV=
fi
rec sshdver "$SV"
# sshd -G (below) exists from OpenSSH 9.3 on: not asked of an older one.
GOK=1
IFS=$NL
for l in $SV; do
	case $l in
	OpenSSH_[1-8].[0-9]*p[0-9]*|OpenSSH_9.[0-2]p[0-9]*) GOK=0 ;;
	esac
done
IFS=$SPC
SV=
# SELinux: its mode, from the file getenforce reads; labels are kept only
# where it is enabled (selabel). No selinuxfs: disabled.
SEL=0
if [ -r /sys/fs/selinux/enforce ]; then
	se_m=
	IFS= read -r se_m </sys/fs/selinux/enforce 2>/dev/null
	case $se_m in
	1*) rec semode enforcing; SEL=1 ;;
	0*) rec semode permissive; SEL=1 ;;
	esac
elif [ ! -e /sys/fs/selinux ]; then
	rec semode disabled
fi

# selabel PATH: the SELinux context of PATH itself (a link is not
# followed), as stat -c %C or ls -Zd print it, where SELinux is enabled.
selabel() {
	[ $SEL = 1 ] || return 0
	case $1 in *"$NL"*) return 0 ;; esac
	if se_l=$(stat -c %C -- "$1" 2>/dev/null); then
		:
	elif se_l=$(ls -Zd -- "$1" 2>/dev/null); then
		se_l=${se_l%%[ $TAB]*}
	else
		return 0
	fi
	case $se_l in
	""|"?"|*[!-_.:,a-zA-Z0-9]*) return 0 ;;
	esac
	rec path "$1"
	rec selinux "$se_l"
}
prefetch "0/etc/os-release${NL}0/usr/lib/os-release${NL}0/etc/passwd${NL}0/etc/group${NL}0/etc/shadow${NL}0$CFG${NL}0/etc/ssh/ssh_config${NL}0/etc/pam.d/sshd${NL}0/etc/pam.d/other$NL"
cpath /etc/os-release 1
cpath /usr/lib/os-release 1

# --- accounts ---------------------------------------------------------------
PW=
if cpath /etc/passwd 1 && [ $CT = 1 ]; then
	text "$RC"
	PW=$SL
fi
cpath /etc/group 1
# shadow: only "name:!x:rest" or "name:x:rest" leaves this machine; the hash
# field is replaced before anything is printed.
if cpath /etc/shadow 0 && [ "$RT" = reg ]; then
	if [ -r "$RC" ]; then
		case $C in
		*"$NL$RC$NL=r "*)
			SN=${C#*"$NL$RC$NL=r "}
			SN=${SN%%"$NL"*} ;;
		*) SN=$SMALL ;;
		esac
		[ $SN -le $SMALL ] && slurp "$RC" $SN ||
		    SL=$(head -c $LIM "$RC" 2>/dev/null)
		SLP=
		SH=
		IFS=$NL
		for l in $SL; do
			case $l in *:*) ;; *) continue ;; esac
			sh_r=${l#*:}
			sh_b=
			case $sh_r in "!"*) sh_b="!" ;; esac
			case $sh_r in
			*:*) sh_r=:${sh_r#*:} ;;
			*) sh_r= ;;
			esac
			SH=$SH${l%%:*}:${sh_b}x$sh_r$NL
		done
		IFS=$SPC
		SL=
		l=
		rec shadow "${SH%"$NL"}"
		SH=
	else
		rec path "$RC"
		rec rerr "Permission denied"
	fi
fi

# --- PAM --------------------------------------------------------------------
# As transport_local.c collect_pam(): sshd's PAM service file (sshd, else
# other) and every file it includes, level by level (each level's lstat facts
# in one stat run); the files module arguments name; and the files of the
# account modules its lines run: pam_nologin's, pam_access's, pam_time's
# (and /etc/localtime's link), pam_sepermit's, pam_faillock's faillock.conf and tally
# directories (a glob DIR/*, the first 1000 tallies up to 64 KiB read whole). All
# root's files: never read as an account.
# pamfile PATH: collect one pam.d file; queue what it includes (PAMNEW), the
# files (PAMF) and tally directories (PAMDIRS) its arguments name and the
# modules its lines run (PAMMODS).
pamfile() {
	cpath "$1" 1 || return
	[ $CT = 1 ] || return
	text "$RC"
	pd_lines=$SL
	IFS=$NL
	for pd_l in $pd_lines; do
		IFS=$SPC
		pd_l=${pd_l%%#*}
		set -- $pd_l
		case $1 in
		@[Ii][Nn][Cc][Ll][Uu][Dd][Ee])
			[ $# -ge 2 ] && pamq "$2" ;;
		*)
			[ $# -ge 3 ] || continue
			case ${1#-} in
			[Aa][Uu][Tt][Hh]|[Aa][Cc][Cc][Oo][Uu][Nn][Tt]|[Ss][Ee][Ss][Ss][Ii][Oo][Nn]|[Pp][Aa][Ss][Ss][Ww][Oo][Rr][Dd]) ;;
			*) continue ;;
			esac
			case $2 in
			[Ii][Nn][Cc][Ll][Uu][Dd][Ee]|[Ss][Uu][Bb][Ss][Tt][Aa][Cc][Kk])
				pamq "$3"
				continue ;;
			esac
			pd_m=${3##*/}
			pd_m=${pd_m%.so}
			case "$NL$PAMMODS" in *"$NL$pd_m$NL"*) ;; *) PAMMODS=$PAMMODS$pd_m$NL ;; esac
			shift 3
			for pd_a in "$@"; do
				case $pd_a in
				accessfile=/*|conf=/*|file=/*) pamf "${pd_a#*=}" ;;
				dir=/*)
					case "$NL$PAMDIRS" in *"$NL${pd_a#*=}$NL"*) ;;
					*) PAMDIRS=$PAMDIRS${pd_a#*=}$NL ;; esac ;;
				esac
			done ;;
		esac
		IFS=$NL
	done
	IFS=$SPC
}
# pamq NAME: queue an included file, relative to /etc/pam.d unless absolute.
pamq() {
	case $1 in /*) pq=$1 ;; *) pq=/etc/pam.d/$1 ;; esac
	case "$NL$PAMQ" in *"$NL$pq$NL"*) return ;; esac
	PAMQ=$PAMQ$pq$NL
	PAMNEW=$PAMNEW$pq$NL
	case $pq in *"$NL"*) ;; *) PAMPF=${PAMPF}0$pq$NL ;; esac
}
# pamf PATH: a file to collect after the stack, once.
pamf() {
	case "$NL$PAMF" in *"$NL$1$NL"*) ;; *) PAMF=$PAMF$1$NL ;; esac
}
PAMQ=/etc/pam.d/sshd$NL/etc/pam.d/other$NL
PAMNEW=$PAMQ
PAMF=
PAMDIRS=
PAMMODS=
pam_n=0
while [ -n "$PAMNEW" ] && [ $pam_n -lt 64 ]; do
	pam_l=$PAMNEW
	PAMNEW=
	PAMPF=
	IFS=$NL
	for pam_f in $pam_l; do
		IFS=$SPC
		pam_n=$((pam_n + 1))
		[ $pam_n -gt 64 ] && break
		pamfile "$pam_f"
		IFS=$NL
	done
	IFS=$SPC
	[ -n "$PAMPF" ] && prefetch "$PAMPF"
done
case "$NL$PAMMODS" in *"${NL}pam_nologin$NL"*) pamf /etc/nologin; pamf /var/run/nologin ;; esac
case "$NL$PAMMODS" in *"${NL}pam_access$NL"*) pamf /etc/security/access.conf ;; esac
case "$NL$PAMMODS" in *"${NL}pam_time$NL"*) pamf /etc/security/time.conf ;; esac
case "$NL$PAMMODS" in *"${NL}pam_sepermit$NL"*) pamf /etc/security/sepermit.conf ;; esac
PAMFL=0
case "$NL$PAMMODS" in
*"${NL}pam_faillock$NL"*)
	PAMFL=1
	pamf /etc/security/faillock.conf
	case "$NL$PAMDIRS" in *"$NL/var/run/faillock$NL"*) ;;
	*) PAMDIRS=$PAMDIRS/var/run/faillock$NL ;; esac ;;
esac
PAMPF=
IFS=$NL
for pam_f in $PAMF; do
	PAMPF=${PAMPF}0$pam_f$NL
done
IFS=$SPC
case "$NL$PAMMODS" in *"${NL}pam_time$NL"*) PAMPF=${PAMPF}0/etc/localtime$NL ;; esac
[ -n "$PAMPF" ] && prefetch "$PAMPF"
IFS=$NL
for pam_f in $PAMF; do
	IFS=$SPC
	if cpath "$pam_f" 1 && [ $CT = 1 ] && [ $PAMFL = 1 ]; then
		# faillock.conf (or a conf= file) may move the tallies
		text "$RC"
		pam_d=
		IFS=$NL
		for pam_l in $SL; do
			pam_l=${pam_l%%#*}
			pam_l=${pam_l#"${pam_l%%[![:space:]]*}"}
			case $pam_l in
			dir[[:space:]=]*)
				pam_l=${pam_l#dir}
				pam_l=${pam_l#"${pam_l%%[![:space:]]*}"}
				case $pam_l in =*) ;; *) continue ;; esac
				pam_l=${pam_l#=}
				pam_l=${pam_l#"${pam_l%%[![:space:]]*}"}
				pam_l=${pam_l%"${pam_l##*[![:space:]]}"}
				case $pam_l in /*) pam_d=$pam_l ;; esac ;;
			esac
		done
		case $pam_d in
		"") ;;
		*) case "$NL$PAMDIRS" in *"$NL$pam_d$NL"*) ;;
			*) PAMDIRS=$PAMDIRS$pam_d$NL ;; esac ;;
		esac
	fi
	IFS=$NL
done
IFS=$SPC
case "$NL$PAMMODS" in *"${NL}pam_time$NL"*) cpath /etc/localtime 0 ;; esac
# pamglob DIR: report DIR/* and its matches (gm records follow their glob),
# then read each.
pamglob() {
	rec glob "$1/*"
	set +f
	pg_d=$1
	set --
	for pg_m in "$pg_d"/*; do
		if [ -e "$pg_m" ] || [ -L "$pg_m" ]; then
			[ $# -ge 4096 ] && break
			rec gm "$pg_m"
			set -- "$@" "$pg_m"
		fi
	done
	set -f
	# the first 1000; a tally is 64 bytes a failure: a bigger file is not read
	pg_n=0
	for pg_m in "$@"; do
		pg_n=$((pg_n + 1))
		[ $pg_n -gt 1000 ] && break
		cpath "$pg_m" 0 || continue
		[ "$RT" = reg ] || continue
		regsize "$RC"
		[ -n "$RSZ" ] && [ "$RSZ" -le 65536 ] && content "$RC"
	done
}
IFS=$NL
for pam_d in $PAMDIRS; do
	IFS=$SPC
	pamglob "$pam_d"
	IFS=$NL
done
IFS=$SPC
PAMQ=
PAMF=
PAMMODS=

if [ $ALL = 1 ]; then
	if [ "$EUID_" != 0 ]; then
		rec fatal "--all-users needs root (other users' files cannot be read otherwise)"
		finish
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
IFS=$SPC

# --- sshd configuration -----------------------------------------------------
# Values of the keywords whose files the checks read, from every file; which
# Match block applies is decided later by the checks, so take them all.
AKF=
RK=
HK=
CMDS=
CHR=
APF=
NFILES=0
PARSED=$NL

# words ARGS: sshd's argument list of one directive, comments dropped and
# simple double quotes removed; sets WORDS (one per line).
words() {
	WORDS=
	IFS=" $TAB"
	set -- $1
	IFS=$SPC
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

# globs PATTERN: report an Include pattern and its matches; the matches
# become the positional parameters of the caller (set -- "$@" below), so a
# name with a newline stays one name. GLOBPF lists those without one, for
# a prefetch.
GLOBPF=

# include ARGS: glob each pattern as sshd does (relative to /etc/ssh),
# report it with its sorted matches, and read each match right away
# (depth-first, as sshd reads them).
include() {
	words "$1"
	ic_words=$WORDS
	IFS=$NL
	for ic_a in $ic_words; do
		case $ic_a in
		/*|"~"*) ic_p=$ic_a ;;
		*) ic_p=/etc/ssh/$ic_a ;;
		esac
		rec glob "$ic_p"
		set --
		GLOBPF=
		set +f
		for ic_m in $ic_p; do
			if [ -e "$ic_m" ] || [ -L "$ic_m" ]; then
				rec gm "$ic_m"
				set -- "$@" "$ic_m"
				case $ic_m in *"$NL"*) ;; *) GLOBPF=$GLOBPF-$ic_m$NL ;; esac
			fi
		done
		set -f
		IFS=$SPC
		# Their lstat facts in one go, unless the limits below stop
		# short of reading them all.
		if [ -n "$GLOBPF" ] && [ $CDEPTH -lt 16 ] &&
		    [ $((NFILES + $#)) -le $MAXFILES ]; then
			prefetch "$GLOBPF"
		fi
		# "$@" is expanded once: the nested calls may reuse every
		# variable.
		for ic_m in "$@"; do
			CDEPTH=$((CDEPTH + 1))
			conffile "$ic_m"
			CDEPTH=$((CDEPTH - 1))
		done
		IFS=$NL
	done
	IFS=$SPC
}

# conffile PATH: collect one configuration file and the keywords in it, as
# they start a line (after blanks), followed by blanks or "=".
conffile() {
	NFILES=$((NFILES + 1))
	[ $NFILES -gt $MAXFILES ] && return
	[ $CDEPTH -gt 16 ] && return
	cpath "$1" 1 || return
	[ $CT = 1 ] || return
	case $PARSED in *"$NL$RC$NL"*) return ;; esac
	PARSED=$PARSED$RC$NL
	text "$RC"
	cf_lines=$SL
	IFS=$NL
	for cf_l in $cf_lines; do
		IFS=$SPC
		cf_l=${cf_l%"$CR"}
		cf_l=${cf_l#"${cf_l%%[![:space:]]*}"}
		case $cf_l in
		[Ii][Nn][Cc][Ll][Uu][Dd][Ee][[:space:]=]*)
			cf_k=I
			cf_l=${cf_l#???????} ;;
		[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Ee][Dd][Kk][Ee][Yy][Ss][Ff][Ii][Ll][Ee][[:space:]=]*)
			cf_k=A
			cf_l=${cf_l#??????????????????} ;;
		[Rr][Ee][Vv][Oo][Kk][Ee][Dd][Kk][Ee][Yy][Ss][[:space:]=]*)
			cf_k=R
			cf_l=${cf_l#???????????} ;;
		[Tt][Rr][Uu][Ss][Tt][Ee][Dd][Uu][Ss][Ee][Rr][Cc][Aa][Kk][Ee][Yy][Ss][[:space:]=]*)
			cf_k=R
			cf_l=${cf_l#?????????????????} ;;
		[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Ee][Dd][Kk][Ee][Yy][Ss][Cc][Oo][Mm][Mm][Aa][Nn][Dd][[:space:]=]*)
			cf_k=C
			cf_l=${cf_l#?????????????????????} ;;
		[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Ee][Dd][Pp][Rr][Ii][Nn][Cc][Ii][Pp][Aa][Ll][Ss][Ff][Ii][Ll][Ee][[:space:]=]*)
			cf_k=P
			cf_l=${cf_l#????????????????????????} ;;
		[Aa][Uu][Tt][Hh][Oo][Rr][Ii][Zz][Ee][Dd][Pp][Rr][Ii][Nn][Cc][Ii][Pp][Aa][Ll][Ss][Cc][Oo][Mm][Mm][Aa][Nn][Dd][[:space:]=]*)
			cf_k=C
			cf_l=${cf_l#???????????????????????????} ;;
		[Hh][Oo][Ss][Tt][Kk][Ee][Yy][[:space:]=]*)
			cf_k=H
			cf_l=${cf_l#???????} ;;
		# a host certificate is public: content, as for RevokedKeys
		[Hh][Oo][Ss][Tt][Cc][Ee][Rr][Tt][Ii][Ff][Ii][Cc][Aa][Tt][Ee][[:space:]=]*)
			cf_k=R
			cf_l=${cf_l#???????????????} ;;
		[Cc][Hh][Rr][Oo][Oo][Tt][Dd][Ii][Rr][Ee][Cc][Tt][Oo][Rr][Yy][[:space:]=]*)
			cf_k=D
			cf_l=${cf_l#???????????????} ;;
		*) cf_k= ;;
		esac
		cf_l=${cf_l#"${cf_l%%[![:space:]=]*}"}
		case $cf_k in
		I) include "$cf_l" ;;
		A) words "$cf_l"; AKF=$AKF$WORDS ;;
		R) words "$cf_l"; RK=$RK${WORDS%%"$NL"*}$NL ;;
		C) words "$cf_l"; CMDS=$CMDS${WORDS%%"$NL"*}$NL ;;
		H) words "$cf_l"; HK=$HK${WORDS%%"$NL"*}$NL ;;
		D) words "$cf_l"; CHR=$CHR${WORDS%%"$NL"*}$NL ;;
		P) words "$cf_l"; APF=$APF${WORDS%%"$NL"*}$NL ;;
		esac
		IFS=$NL
	done
	IFS=$SPC
}

# openSUSE's vendordir patch: with no /etc/ssh/sshd_config, sshd reads
# /usr/etc/ssh/sshd_config (docs/distributions.md; transport_local.c does
# the same).
if [ "$CFG" = /etc/ssh/sshd_config ] && ! cpath "$CFG" 0 &&
    cpath /usr/etc/ssh/sshd_config 0; then
	CFG=/usr/etc/ssh/sshd_config
	rec config "$CFG"
fi
CDEPTH=0
conffile "$CFG"

# --- systemd's layers (parse/sysunit.c) --------------------------------------
# The ssh units in systemd's unit directories and their drop-ins, the links
# that enable the sockets and the environment files the stock units name:
# socket activation decides where sshd listens, and the service's command
# line (-o, RHEL 8's CRYPTO_POLICY) wins over sshd_config. The lists are
# sysunit_dirs, sysunit_units and sysunit_files.
SU_D="/etc/systemd/system /run/systemd/system /run/systemd/generator
/usr/local/lib/systemd/system /usr/lib/systemd/system /lib/systemd/system"
SU_U="ssh.socket sshd.socket ssh.service sshd.service"
SU_F="/etc/systemd/system/sockets.target.wants/ssh.socket
/etc/systemd/system/sockets.target.wants/sshd.socket
/etc/default/ssh
/etc/sysconfig/sshd
/etc/crypto-policies/back-ends/opensshserver.config"
SU_PF=
IFS=" $NL"
for su_d in $SU_D; do
	for su_u in $SU_U; do
		SU_PF=${SU_PF}0$su_d/$su_u$NL
	done
done
for su_f in $SU_F; do
	SU_PF=${SU_PF}0$su_f$NL
done
IFS=$SPC
prefetch "$SU_PF"
IFS=" $NL"
for su_d in $SU_D; do
	for su_u in $SU_U; do
		IFS=$SPC
		cpath "$su_d/$su_u" 1
		su_p=$su_d/$su_u.d/*.conf
		rec glob "$su_p"
		set +f
		for su_m in $su_p; do
			if [ -e "$su_m" ] || [ -L "$su_m" ]; then
				rec gm "$su_m"
				cpath "$su_m" 1
			fi
		done
		set -f
		IFS=" $NL"
	done
done
for su_f in $SU_F; do
	IFS=$SPC
	cpath "$su_f" 1
	IFS=" $NL"
done
IFS=$SPC

# sshfile PATH: the client's system ssh_config and what it Includes
# (relative to /etc/ssh; only patterns with wildcards are globbed).
sshfile() {
	NFILES=$((NFILES + 1))
	[ $NFILES -gt $MAXFILES ] && return
	[ $SDEPTH -gt 16 ] && return
	cpath "$1" 1 || return
	[ $CT = 1 ] || return
	text "$RC"
	sf_lines=$SL
	IFS=$NL
	for sf_l in $sf_lines; do
		IFS=$SPC
		sf_l=${sf_l%"$CR"}
		sf_l=${sf_l#"${sf_l%%[![:space:]]*}"}
		case $sf_l in
		[Ii][Nn][Cc][Ll][Uu][Dd][Ee][[:space:]=]*) ;;
		*)
			IFS=$NL
			continue ;;
		esac
		sf_l=${sf_l#???????}
		sf_l=${sf_l#"${sf_l%%[![:space:]=]*}"}
		words "$sf_l"
		sf_words=$WORDS
		IFS=$NL
		for sf_a in $sf_words; do
			case $sf_a in
			/*) sf_p=$sf_a ;;
			"~"*) continue ;;
			*) sf_p=/etc/ssh/$sf_a ;;
			esac
			set --
			GLOBPF=
			case $sf_p in
			*[*?[]*)
				rec glob "$sf_p"
				set +f
				for sf_m in $sf_p; do
					if [ -e "$sf_m" ] || [ -L "$sf_m" ]; then
						rec gm "$sf_m"
						set -- "$@" "$sf_m"
						case $sf_m in
						*"$NL"*) ;;
						*) GLOBPF=$GLOBPF-$sf_m$NL ;;
						esac
					fi
				done
				set -f ;;
			*) set -- "$sf_p" ;;
			esac
			IFS=$SPC
			if [ -n "$GLOBPF" ] && [ $SDEPTH -lt 16 ] &&
			    [ $((NFILES + $#)) -le $MAXFILES ]; then
				prefetch "$GLOBPF"
			fi
			for sf_m in "$@"; do
				SDEPTH=$((SDEPTH + 1))
				sshfile "$sf_m"
				SDEPTH=$((SDEPTH - 1))
			done
			IFS=$NL
		done
	done
	IFS=$SPC
}
SDEPTH=0
sshfile /etc/ssh/ssh_config
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

# --- the files the configuration names, and each audited user ---------------
# First listed (WANT: one per line, "1" or "0" for "with content" before
# the path), then prefetched together, then collected in order. As root,
# what an account controls is listed after "aUID:GID:NAME" with "u" (walked
# by root, content read by the account's reader) or "k" (a private key in
# ~/.ssh, only read by the reader).
WANT=
# "UID:GID:NAME" of the account being listed, when it has a reader
RDNOW=

# want FLAG PATH
want() {
	case $2 in
	*"$NL"*)
		if [ "$1" = u ]; then
			# not listable: walked and read at once, by its own reader
			cpath "$2" 0 && [ "$RT" = reg ] || return
			regsize "$RC"
			[ -n "$RSZ" ] || return
			rd_flush
			RDA=$RDNOW
			rd_add c "$RC"
			rd_flush
		else
			cpath "$2" "$1"
		fi ;;
	*) WANT=$WANT$1$2$NL ;;
	esac
}

IFS=$NL
for r in $RK; do
	case $r in /*) want 1 "$r" ;; esac
done
# Host private keys: modes only (content 0), never their bytes; their
# public halves (KEY.pub) with content, to match a HostCertificate to its
# key. With no HostKey line sshd uses its three defaults.
[ -n "$HK" ] || HK=/etc/ssh/ssh_host_rsa_key$NL/etc/ssh/ssh_host_ecdsa_key$NL/etc/ssh/ssh_host_ed25519_key$NL
for r in $HK; do
	case $r in /*) want 0 "$r"; want 1 "$r.pub" ;; esac
done
for r in $CMDS; do
	case $r in /*) want 0 "$r" ;; esac
done

# Every passwd line of an audited name (a duplicate name only adds paths).
HOMES=$NL
HP=
for l in $PW; do
	l=${l%"$CR"}
	pw_name=${l%%:*}
	case $l in "#"*|"+"*|"-"*|"") continue ;; esac
	if [ $ALL = 0 ]; then
		case "$NL$USERS" in *"$NL$pw_name$NL"*) ;; *) continue ;; esac
	fi
	r=${l#*:}; r=${r#*:}
	pw_uid=${r%%:*}; r=${r#*:}
	pw_gid=${r%%:*}; r=${r#*:}; r=${r#*:}
	pw_home=${r%%:*}
	pw_shell=${r#*:}
	[ -z "$pw_shell" ] && pw_shell=/bin/sh
	HOMES=$HOMES$pw_home$NL
	# every account gets its sshd -T, as transport_local.c does
	if [ $ALL = 1 ]; then
		case "$NL$USERS" in *"$NL$pw_name$NL"*) ;; *) USERS=$USERS$pw_name$NL ;; esac
	fi
	case $pw_home in
	/*/*[!/]) if [ "$pw_uid" -ge 1000 ] 2>/dev/null; then
			case "$NL$HP" in *"$NL${pw_home%/*}$NL"*) ;; *) HP=$HP${pw_home%/*}$NL ;; esac
		fi ;;
	esac
	IFS=$SPC
	want 0 "$pw_home"
	want 0 "$pw_shell"
	selabel "$pw_home"
	selabel "${pw_home%/}/.ssh"
	# Another account's files are read as that account (uid 0 and an
	# unprivileged collector read as themselves, inline).
	UF=1
	RDNOW=
	case $pw_uid/$pw_gid in
	*[!0-9/]*|/*|*/) ;;
	*)
		if [ "$EUID_" = 0 ] && [ "$pw_uid" != 0 ]; then
			UF=u
			RDNOW=$pw_uid:$pw_gid:$pw_name
			WANT=${WANT}a$RDNOW$NL
		fi ;;
	esac
	# Private keys kept on this host: judged from their first 200 bytes
	# here (userkey_facts in privkey.c), never sent.
	for n in id_rsa id_ecdsa id_ecdsa_sk id_ed25519 id_ed25519_sk id_dsa; do
		f=${pw_home%/}/.ssh/$n
		[ -f "$f" ] && [ ! -L "$f" ] || continue
		if [ $UF = u ]; then
			case $f in
			*"$NL"*) ;;
			*) WANT=${WANT}k$f$NL ;;
			esac
			continue
		fi
		[ -r "$f" ] || continue
		uk=$(head -c 200 "$f" 2>/dev/null; echo x)
		uk=${uk%x}
		uk1=${uk%%"$NL"*}
		uk2=
		case $uk in *"$NL"*) uk2=${uk#*"$NL"}; uk2=${uk2%%"$NL"*} ;; esac
		uk1=${uk1%"$CR"}; uk2=${uk2%"$CR"}
		ukf=unknown; uke=-1
		case $uk1 in
		"-----BEGIN OPENSSH PRIVATE KEY-----")
			ukf=openssh
			case $uk2 in
			b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9u*) uke=0 ;;
			b3BlbnNzaC1rZXktdjEAAAAA*) uke=1 ;;
			esac ;;
		"-----BEGIN RSA PRIVATE KEY-----"|"-----BEGIN DSA PRIVATE KEY-----"|"-----BEGIN EC PRIVATE KEY-----")
			ukf=pem; uke=0
			case $uk2 in Proc-Type:*ENCRYPTED*) uke=1 ;; esac ;;
		"-----BEGIN PRIVATE KEY-----") ukf=pkcs8; uke=0 ;;
		"-----BEGIN ENCRYPTED PRIVATE KEY-----") ukf=pkcs8; uke=1 ;;
		esac
		rec ukey "$f"
		rec ukfacts "$uke $ukf $pw_name"
	done
	case $pw_home in
	*/) want $UF "${pw_home}.ssh/known_hosts" ;;
	*) want $UF "$pw_home/.ssh/known_hosts" ;;
	esac
	IFS=$NL
	for t in $AKF; do
		[ "$t" = none ] && continue
		IFS=$SPC
		if akexp "$t" "$pw_home" "$pw_name" "$pw_uid"; then
			want $UF "$AKP"
			selabel "$AKP"
		fi
		IFS=$NL
	done
	# AuthorizedPrincipalsFile: read as the user, like AuthorizedKeysFile
	# (auth_openprincipals opens it with the user's credentials).
	for t in $APF; do
		case $t in none|"") continue ;; esac
		IFS=$SPC
		if akexp "$t" "$pw_home" "$pw_name" "$pw_uid"; then
			want $UF "$AKP"
		fi
		IFS=$NL
	done
	# ChrootDirectory (session.c safely_chroot walks it): modes only.
	for t in $CHR; do
		case $t in none|"") continue ;; esac
		IFS=$SPC
		if akexp "$t" "$pw_home" "$pw_name" "$pw_uid"; then
			want 0 "$AKP"
		fi
		IFS=$NL
	done
done
IFS=$SPC

# Homes left behind (with --all-users, when every account is known): a
# directory beside the homes of the people's accounts (uid 1000 and up) that
# is no account's home keeps its authorized_keys for whoever is given that
# name next (keys.orphaned). transport_local.c looks in the same places.
if [ $ALL = 1 ]; then
	IFS=$NL
	for p in $HP; do
		IFS=$SPC
		rec glob "$p/*"
		set +f
		for m in "$p"/*; do
			[ -e "$m" ] || [ -L "$m" ] || continue
			rec gm "$m"
			[ -d "$m" ] && [ ! -L "$m" ] || continue
			case "$NL$HOMES" in *"$NL$m$NL"*) continue ;; esac
			# no account: read as whoever owns the directory (a user
			# may make one beside the homes, under a 1777 parent)
			RDNOW=
			if [ "$EUID_" = 0 ]; then
				lh=$(stat -c '%u:%g' "$m" 2>/dev/null)
				case $lh in
				0:*|""|*[!0-9:]*) ;;
				*) RDNOW=$lh: ;;
				esac
			fi
			if [ -n "$RDNOW" ]; then
				case $m in
				*"$NL"*) ;;
				*) WANT=${WANT}a$RDNOW$NL ;;
				esac
				want u "$m/.ssh/authorized_keys"
			else
				want 1 "$m/.ssh/authorized_keys"
			fi
		done
		set -f
		IFS=$NL
	done
	IFS=$SPC
fi
# wchunk LIST: prefetch a part of WANT, then collect it. Parts of 200 keep
# what they report within the caches above.
wchunk() {
	prefetch "$1"
	IFS=$NL
	for wc_w in $1; do
		IFS=$SPC
		case $wc_w in
		a*)
			rd_flush
			RDA=${wc_w#a} ;;
		k*) rd_add k "${wc_w#?}" ;;
		u*)
			if cpath "${wc_w#?}" 0 && [ "$RT" = reg ]; then
				regsize "$RC"
				[ -n "$RSZ" ] && rd_add c "$RC"
			fi ;;
		*) cpath "${wc_w#?}" "${wc_w%"${wc_w#?}"}" ;;
		esac
		IFS=$NL
	done
	IFS=$SPC
}
WC=
NW=0
IFS=$NL
for w in $WANT; do
	WC=$WC$w$NL
	NW=$((NW + 1))
	if [ $NW -ge 200 ]; then
		IFS=$SPC
		wchunk "$WC"
		WC=
		NW=0
		IFS=$NL
	fi
done
IFS=$SPC
[ -n "$WC" ] && wchunk "$WC"
rd_flush
WANT=
WC=
flush

# --- sshd -T, which needs root (it loads the host keys) -----------------------
if [ "$SSHDT" = 1 ] && [ "$EUID_" = 0 ] && [ -x /usr/sbin/sshd ]; then
	TO=
	command -v timeout >/dev/null 2>&1 && TO="timeout 10"
	IFS=$NL
	for u in $USERS; do
		IFS=$SPC
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
	IFS=$SPC
fi

# --- the target's own verdict: sshd -t once, or sshd -G ----------------------
# sshd -t (as root: it loads the host keys): its exit status, and when it
# refused, its first stderr lines (run again for them: a pipe to head would
# hide the status). Without root, sshd -G (9.3+) prints the effective
# configuration for no connection without reading host keys.
# stderrlines TEXT: at most 10 lines and 2048 bytes of TEXT into EL, as
# transport_local.c's stderr_lines keeps them.
stderrlines() {
	EL=
	sl_n=0
	IFS=$NL
	for l in $1; do
		[ $sl_n -ge 10 ] && break
		# sshd ends its stderr lines with CR LF
		EL=$EL${l%"$CR"}$NL
		sl_n=$((sl_n + 1))
	done
	IFS=$SPC
	EL=${EL%"$NL"}
	[ ${#EL} -gt 2048 ] && EL=$(printf '%s' "$EL" | head -c 2048)
}
if [ "$SSHDT" = 1 ] && [ -x /usr/sbin/sshd ]; then
	TO=
	command -v timeout >/dev/null 2>&1 && TO="timeout 10"
	if [ "$EUID_" = 0 ]; then
		$TO /usr/sbin/sshd -t -f "$CFG" </dev/null >/dev/null 2>&1
		rc=$?
		rec sshdtran 1
		if [ $rc = 124 ] && [ -n "$TO" ]; then
			rec sshdtrc -1
			rec sshdterr "sshd -t did not finish in 10 s"
		elif [ $rc = 0 ]; then
			rec sshdtrc 0
		else
			[ $rc -gt 255 ] && rc=255
			rec sshdtrc $rc
			e=$($TO /usr/sbin/sshd -t -f "$CFG" 2>&1 </dev/null >/dev/null |
			    head -n 10 | head -c 2048)
			stderrlines "$e"
			rec sshdterr "$EL"
		fi
	elif [ $GOK = 1 ]; then
		o=$( { $TO /usr/sbin/sshd -G -f "$CFG" 2>/dev/null </dev/null &&
		    echo x; } | head -c 262145)
		case $o in
		*x) rec sshdg "${o%x}" ;;
		*)
			e=$($TO /usr/sbin/sshd -G -f "$CFG" 2>&1 </dev/null >/dev/null |
			    head -n 10 | head -c 2048)
			stderrlines "$e"
			rec sshdgerr "sshd -G failed: $EL" ;;
		esac
	fi
fi

# --- sshd's login lines, for last use of each key (keys, scan --unused-days) ---
# Per source, newest first: the line that opens it (where the log begins),
# each line usagelog reads, and the last line (where it ends); at most
# LOGLIM bytes in all, the newest kept (tail -c) when more. The sources:
# the files named, else auth.log/secure and their rotations (.1, .2.gz, ...
# and dated ones), else the journal. transport_local.c filters the same way.
LOGLIM=16777216
# logsrc PATH: one file, plain or (by its name) gzip.
logsrc() {
	rec lsrc "$1"
	if [ $LOGLIM -le 0 ]; then
		rec lerr "not read: the 16 MiB for log lines went to newer logs"
		return
	fi
	if [ ! -e "$1" ]; then
		rec lerr "no such file"
		return
	fi
	if [ ! -f "$1" ]; then
		rec lerr "not a regular file"
		return
	fi
	if [ ! -r "$1" ]; then
		rec lerr "not readable by the collector's user"
		return
	fi
	case $1 in
	*.gz) ls_o=$( { gzip -dc <"$1" 2>/dev/null || echo 'keyaudit-gzip-failed'; } |
	    awk "$LOGAWK" | tail -c $((LOGLIM + 1)); echo x) ;;
	*) ls_o=$(awk "$LOGAWK" <"$1" 2>/dev/null | tail -c $((LOGLIM + 1)); echo x) ;;
	esac
	logdata "${ls_o%x}"
}
# logdata TEXT: the kept lines of one source, and what is left of LOGLIM.
logdata() {
	case $1 in
	*keyaudit-gzip-failed$NL)
		rec lerr "could not be decompressed"
		return ;;
	esac
	if [ ${#1} -gt $LOGLIM ]; then
		ld_t=${1#?}
		rec ldata "$ld_t"
		rec ltrunc ""
		LOGLIM=0
	else
		rec ldata "$1"
		LOGLIM=$((LOGLIM - ${#1}))
	fi
}
LOGAWK='NR == 1 || index($0, "Accepted publickey for ") || index($0, "Accepted key ") ||
    index($0, "Accepted certificate ID ") { print; p = NR; next } { l = $0 }
    END { if (p < NR) print l }'
if [ "$LOGS" = 1 ]; then
	rec logs ""
	IFS=$NL
	if [ -n "$LOGF" ]; then
		for f in $LOGF; do
			IFS=$SPC
			logsrc "$f"
			IFS=$NL
		done
	else
		LOGN=0
		for b in /var/log/auth.log /var/log/secure; do
			IFS=$SPC
			[ -e "$b" ] && { logsrc "$b"; LOGN=1; }
			# Rotated: .1, .2.gz, ... until one is missing.
			n=1
			while [ $n -le 99 ]; do
				if [ -e "$b.$n" ]; then
					logsrc "$b.$n"
				elif [ -e "$b.$n.gz" ]; then
					logsrc "$b.$n.gz"
				else
					break
				fi
				LOGN=1
				n=$((n + 1))
			done
			# Dated (logrotate dateext): newest first.
			set +f
			ld_l=
			for f in "$b"-[0-9]*; do
				[ -e "$f" ] && ld_l=$f$NL$ld_l
			done
			set -f
			IFS=$NL
			for f in $ld_l; do
				IFS=$SPC
				logsrc "$f"
				LOGN=1
				IFS=$NL
			done
			IFS=$NL
		done
		IFS=$SPC
		if [ $LOGN = 0 ] && command -v journalctl >/dev/null 2>&1; then
			rec lsrc "journalctl"
			TO=
			command -v timeout >/dev/null 2>&1 && TO="timeout 60"
			ls_o=$($TO journalctl -q --no-pager -o short-iso -t sshd -t sshd-session -t sshd-auth 2>/dev/null |
			    awk "$LOGAWK" | tail -c $((LOGLIM + 1)); echo x)
			logdata "${ls_o%x}"
		fi
	fi
	IFS=$SPC
fi
finish
