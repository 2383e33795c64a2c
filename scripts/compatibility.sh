#!/usr/bin/env bash
# compatibility.sh measures how S3-compatible servers implement bucket CORS,
# and what they answer with `s3cors proxy` in front of them: it builds or
# installs each server at a pinned version, starts it on loopback with
# credentials, plays the project's conformance vectors against it with
# `s3cors probe`, then starts `s3cors proxy --upstream` in front of it and
# plays them again through the proxy, and writes docs/compatibility.md from
# the results.
#
# Usage:
#
#	scripts/compatibility.sh [--no-doc] [--direct-only] [SERVER...]
#
# SERVER is one or more of: emulator, minio, moto, s3rver, versitygw,
# seaweedfs (default: all). --no-doc measures without rewriting
# docs/compatibility.md; --direct-only does not measure through the proxy.
#
# Environment:
#
#	S3CORS_COMPAT_CACHE    where the servers are built and run
#	                       (default: ${XDG_CACHE_HOME:-$HOME/.cache}/s3cors-compat)
#	S3CORS_COMPAT_RESULTS  where the probe's outputs are saved
#	                       (default: $S3CORS_COMPAT_CACHE/results/<UTC time>)
#	SEAWEEDFS_BUILD_TIMEOUT  longest the seaweedfs build may take (default: 15m)
#	MINIO_BUILD_TIMEOUT    longest the minio build may take (default: 45m)
#	MOTO_PYTHON            the Python whose moto runs moto_server
#	                       (default: python3.11; it must have moto 5.2.1)
#	PROBE_SETTLE           the probe's --settle (default: 0s: the servers run
#	                       here apply a configuration change before answering)
#
# It needs go, curl (7.75 or later, for --aws-sigv4) and jq; node and npm for
# s3rver; a Python with moto 5.2.1 for moto. It is not run in CI: building
# the servers takes several minutes (minio alone a quarter of an hour).
set -euo pipefail

# Pinned versions. The versions of the module proxy; seaweedfs tags its
# releases without the semantic-version form Go modules need, so its pin is
# a pseudo-version of a commit. minio's module has no tagged versions at
# all (its release tags are not semantic versions either): its pin is the
# newest commit the module proxy serves, `go list -m github.com/minio/minio@latest`.
VERSITYGW_VERSION=v1.8.0
SEAWEEDFS_VERSION=v0.0.0-20261109003541-7506e5f91cd6
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
S3RVER_VERSION=3.7.1
MOTO_VERSION=5.2.1

ACCESS_KEY=AKIDS3CORSCOMPAT
SECRET_KEY=s3cors-compat-secret
REGION=us-east-1
ALL_SERVERS=(emulator minio moto s3rver versitygw seaweedfs)

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
CACHE=${S3CORS_COMPAT_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/s3cors-compat}
BIN=$CACHE/bin
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
RESULTS=${S3CORS_COMPAT_RESULTS:-$CACHE/results/$STAMP}
SEAWEEDFS_BUILD_TIMEOUT=${SEAWEEDFS_BUILD_TIMEOUT:-15m}
MINIO_BUILD_TIMEOUT=${MINIO_BUILD_TIMEOUT:-45m}
MOTO_PYTHON=${MOTO_PYTHON:-python3.11}
PROBE_SETTLE=${PROBE_SETTLE:-0s}
DOC=$ROOT/docs/compatibility.md

write_doc=1
through_proxy=1
servers=()
for arg in "$@"; do
	case $arg in
	--no-doc) write_doc=0 ;;
	--direct-only) through_proxy=0 ;;
	-h | --help)
		sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'
		exit 0
		;;
	emulator | minio | moto | s3rver | versitygw | seaweedfs) servers+=("$arg") ;;
	*)
		echo "compatibility.sh: unknown argument $arg (want --no-doc, --direct-only, emulator, minio, moto, s3rver, versitygw or seaweedfs)" >&2
		exit 2
		;;
	esac
done
[ ${#servers[@]} -gt 0 ] || servers=("${ALL_SERVERS[@]}")

for tool in go curl jq; do
	command -v "$tool" >/dev/null || {
		echo "compatibility.sh: $tool is needed" >&2
		exit 2
	}
done

log() { printf '== %s\n' "$*" >&2; }

mkdir -p "$BIN" "$RESULTS"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/s3cors-compat.XXXXXX")

# Every server runs in a process group of its own (setsid), so that stopping
# it stops whatever it started too.
PGIDS=()
cleanup() {
	local pg
	for pg in "${PGIDS[@]}"; do
		kill -TERM -- "-$pg" 2>/dev/null || true
	done
	for pg in "${PGIDS[@]}"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			kill -0 -- "-$pg" 2>/dev/null || break
			sleep 0.5
		done
		kill -KILL -- "-$pg" 2>/dev/null || true
	done
	rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# timed NAME COMMAND... runs a command and records how long it took in
# $RESULTS/build-times.txt.
timed() {
	local name=$1 start end
	shift
	start=$(date +%s)
	"$@"
	end=$(date +%s)
	echo "$name $((end - start))s" >>"$RESULTS/build-times.txt"
}

# --- building ---------------------------------------------------------------

build_s3cors() {
	log "building s3cors from the working tree"
	(cd "$ROOT/cmd/s3cors" && go build -o "$BIN/s3cors" .)
	if ! "$BIN/s3cors" probe --help >/dev/null 2>&1; then
		echo "compatibility.sh: this s3cors has no probe command" >&2
		exit 2
	fi
	if [ "$through_proxy" = 1 ] && ! "$BIN/s3cors" proxy --help >/dev/null 2>&1; then
		log "this s3cors has no proxy command: measuring the servers directly only"
		PROXY_NOTE="not measured: this s3cors has no proxy command"
		through_proxy=0
	fi
}

# minio's go.mod has no replace directives: go install builds it as is.
build_minio() {
	local out=$BIN/minio-$MINIO_VERSION
	[ -x "$out" ] && return 0
	log "building minio $MINIO_VERSION (a quarter of an hour or more; at most $MINIO_BUILD_TIMEOUT)"
	mkdir -p "$WORK/gobin"
	local code=0
	(cd "$WORK" && GOBIN=$WORK/gobin timeout "$MINIO_BUILD_TIMEOUT" go install "github.com/minio/minio@$MINIO_VERSION") || code=$?
	if [ "$code" != 0 ]; then
		[ "$code" = 124 ] && echo "go install did not finish within $MINIO_BUILD_TIMEOUT" >&2
		return 1
	fi
	mv "$WORK/gobin/minio" "$out"
}

# moto is not built: it is the moto_server of $MOTO_PYTHON, which must have
# the pinned version.
build_moto() {
	local v
	v=$("$MOTO_PYTHON" -c 'import moto; print(moto.__version__)' 2>&1) || {
		echo "$MOTO_PYTHON has no moto: $v" >&2
		return 1
	}
	if [ "$v" != "$MOTO_VERSION" ]; then
		echo "$MOTO_PYTHON has moto $v, want $MOTO_VERSION (set MOTO_PYTHON)" >&2
		return 1
	fi
}

build_s3rver() {
	local dir=$CACHE/s3rver-$S3RVER_VERSION
	[ -x "$dir/node_modules/.bin/s3rver" ] && return 0
	command -v npm >/dev/null || {
		echo "s3rver needs node and npm" >&2
		return 1
	}
	log "installing s3rver $S3RVER_VERSION"
	mkdir -p "$dir"
	npm install --no-audit --no-fund --prefix "$dir" "s3rver@$S3RVER_VERSION"
}

build_emulator() {
	log "building examples/s3emulator from the working tree"
	(cd "$ROOT/examples" && go build -o "$BIN/s3emulator" ./s3emulator)
}

build_versitygw() {
	local out=$BIN/versitygw-$VERSITYGW_VERSION
	[ -x "$out" ] && return 0
	log "building versitygw $VERSITYGW_VERSION (a few minutes)"
	mkdir -p "$WORK/gobin"
	(cd "$WORK" && GOBIN=$WORK/gobin go install "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION")
	mv "$WORK/gobin/versitygw" "$out"
}

# seaweedfs cannot be built with "go install module@version": its go.mod has
# a replace directive, which go install refuses. It is built from a module of
# its own that requires seaweedfs at the pinned version and repeats its
# replace directives, read from seaweedfs's go.mod.
build_seaweedfs() {
	local out=$BIN/weed-$SEAWEEDFS_VERSION
	[ -x "$out" ] && return 0
	log "building seaweedfs $SEAWEEDFS_VERSION (several minutes; at most $SEAWEEDFS_BUILD_TIMEOUT)"
	local mod=$WORK/weed-build gomod gover
	mkdir -p "$mod"
	gomod=$(cd "$WORK" && go mod download -json "github.com/seaweedfs/seaweedfs@$SEAWEEDFS_VERSION" | jq -r .GoMod)
	gover=$(go mod edit -json "$gomod" | jq -r .Go)
	{
		echo "module s3cors-compat/seaweedfs"
		echo
		echo "go $gover"
		echo
		go mod edit -json "$gomod" | jq -r '.Replace // [] | .[] |
			"replace \(.Old.Path)\(if .Old.Version then " " + .Old.Version else "" end) => \(.New.Path)\(if .New.Version then " " + .New.Version else "" end)"'
	} >"$mod/go.mod"
	(cd "$mod" && go get -tool "github.com/seaweedfs/seaweedfs/weed@$SEAWEEDFS_VERSION")
	local code=0
	(cd "$mod" && timeout "$SEAWEEDFS_BUILD_TIMEOUT" go build -o "$out.tmp" github.com/seaweedfs/seaweedfs/weed) || code=$?
	if [ "$code" != 0 ]; then
		rm -f "$out.tmp"
		[ "$code" = 124 ] && echo "go build did not finish within $SEAWEEDFS_BUILD_TIMEOUT" >&2
		return 1
	fi
	mv "$out.tmp" "$out"
}

# --- running ----------------------------------------------------------------

USED_PORTS=" "
# free_port prints a loopback TCP port nothing listens on, not handed out
# before in this run.
free_port() {
	local p
	while :; do
		p=$((20000 + RANDOM % 20000))
		case $USED_PORTS in *" $p "*) continue ;; esac
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			USED_PORTS="$USED_PORTS$p "
			echo "$p"
			return
		fi
	done
}

# start NAME LOGFILE COMMAND... starts a server in a process group of its own.
start() {
	local name=$1 logfile=$2
	shift 2
	setsid "$@" >"$logfile" 2>&1 </dev/null &
	PGIDS+=("$!")
	SERVER_PID=$!
	log "started $name (pid $SERVER_PID)"
}

stop() {
	local pg=$1
	kill -TERM -- "-$pg" 2>/dev/null || true
	for _ in $(seq 20); do
		kill -0 -- "-$pg" 2>/dev/null || return 0
		sleep 0.5
	done
	kill -KILL -- "-$pg" 2>/dev/null || true
}

# wait_ready URL LOGFILE waits until the server answers a signed
# ListBuckets with 200.
wait_ready() {
	local url=$1 logfile=$2 code
	for _ in $(seq 240); do
		kill -0 "$SERVER_PID" 2>/dev/null || {
			echo "compatibility.sh: the server exited; its log:" >&2
			tail -n 30 "$logfile" >&2
			return 1
		}
		code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 \
			-H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' \
			--aws-sigv4 "aws:amz:$REGION:s3" --user "$KEY:$SECRET" "$url/" || true)
		[ "$code" = 200 ] && return 0
		sleep 0.5
	done
	echo "compatibility.sh: $url did not answer a signed ListBuckets with 200 within 2 minutes (last status $code); its log:" >&2
	tail -n 30 "$logfile" >&2
	return 1
}

# probe NAME URL plays the vectors against a running server and saves the
# JSON and Markdown reports. probe exits 1 when the server differs from S3,
# which is the point of measuring; any other failure is an error.
probe() {
	local name=$1 url=$2 format code ext
	for format in json markdown; do
		ext=$format
		[ "$format" = markdown ] && ext=md
		log "probing $name ($format)"
		code=0
		AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET AWS_SESSION_TOKEN='' \
			"$BIN/s3cors" probe --endpoint "$url" --region "$REGION" --path-style \
			--settle "$PROBE_SETTLE" --format "$format" \
			>"$RESULTS/$name.$ext" 2>"$RESULTS/$name.$ext.stderr" || code=$?
		if [ "$code" -gt 1 ]; then
			echo "compatibility.sh: s3cors probe against $name exited with $code:" >&2
			cat "$RESULTS/$name.$ext.stderr" >&2
			return 1
		fi
	done
}

# creds NAME sets KEY and SECRET, the credentials the server NAME is run
# with, the probe signs with, and the proxy in front of it holds.
creds() {
	case $1 in
	# s3rver has one account, access key S3RVER with the secret S3RVER,
	# and takes no other.
	s3rver) KEY=S3RVER SECRET=S3RVER ;;
	*) KEY=$ACCESS_KEY SECRET=$SECRET_KEY ;;
	esac
}

# Each start_NAME starts a server with the credentials of creds NAME and
# sets SERVER_URL; start sets SERVER_PID.

start_emulator() {
	local port
	port=$(free_port)
	SERVER_URL=http://127.0.0.1:$port
	start emulator "$RESULTS/emulator.log" "$BIN/s3emulator" -addr "127.0.0.1:$port" \
		-auth "$KEY:$SECRET" -region "$REGION"
}

# minio serves the buckets of a directory (one drive). Its console and update
# checks are off; its region is left at its default, us-east-1.
start_minio() {
	local port dir=$WORK/minio
	mkdir -p "$dir"
	port=$(free_port)
	SERVER_URL=http://127.0.0.1:$port
	MINIO_ROOT_USER=$KEY MINIO_ROOT_PASSWORD=$SECRET MINIO_BROWSER=off MINIO_UPDATE=off \
		start minio "$RESULTS/minio.log" "$BIN/minio-$MINIO_VERSION" server --quiet \
		--address "127.0.0.1:$port" --console-address "127.0.0.1:$(free_port)" "$dir"
}

# moto runs with its default settings: it accepts any credentials, and its
# global CORS (Access-Control-Allow-Origin: * on every answer) is on.
start_moto() {
	local port
	port=$(free_port)
	SERVER_URL=http://127.0.0.1:$port
	start moto "$RESULTS/moto.log" env -u MOTO_DISABLE_GLOBAL_CORS \
		"$MOTO_PYTHON" -m moto.server -H 127.0.0.1 -p "$port"
}

start_s3rver() {
	local port dir=$WORK/s3rver
	mkdir -p "$dir"
	port=$(free_port)
	SERVER_URL=http://127.0.0.1:$port
	start s3rver "$RESULTS/s3rver.log" "$CACHE/s3rver-$S3RVER_VERSION/node_modules/.bin/s3rver" \
		--directory "$dir" --address 127.0.0.1 --port "$port"
}

# versitygw serves the buckets of a directory (the posix backend). Its CORS
# configurations are kept in a sidecar directory instead of extended
# attributes: extended attributes on ext4 hold at most one block (4 KiB), so
# the larger configurations the vectors put would fail with "no space left on
# device", a limit of the file system, not of versitygw.
start_versitygw() {
	local port dir=$WORK/versitygw
	mkdir -p "$dir/data" "$dir/meta"
	port=$(free_port)
	SERVER_URL=http://127.0.0.1:$port
	start versitygw "$RESULTS/versitygw.log" "$BIN/versitygw-$VERSITYGW_VERSION" \
		--port "127.0.0.1:$port" --access "$KEY" --secret "$SECRET" --region "$REGION" \
		posix --sidecar "$dir/meta" "$dir/data"
}

# seaweedfs runs as "weed mini": master, volume server, filer, admin server
# and S3 gateway in one process, every port on loopback and chosen here, the
# extras (WebDAV, admin UI, Iceberg and Lance catalogues, telemetry) off. The
# S3 gateway takes its admin credentials from AWS_ACCESS_KEY_ID and
# AWS_SECRET_ACCESS_KEY. -s3.allowedOrigins is left at its default, "*".
start_seaweedfs() {
	local dir=$WORK/seaweedfs s3
	mkdir -p "$dir"
	s3=$(free_port)
	SERVER_URL=http://127.0.0.1:$s3
	AWS_ACCESS_KEY_ID=$KEY AWS_SECRET_ACCESS_KEY=$SECRET \
		start seaweedfs "$RESULTS/seaweedfs.log" "$BIN/weed-$SEAWEEDFS_VERSION" mini \
		-dir="$dir" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
		-master.port="$(free_port)" -master.port.grpc="$(free_port)" -master.telemetry=false \
		-volume.port="$(free_port)" -volume.port.grpc="$(free_port)" \
		-filer.port="$(free_port)" -filer.port.grpc="$(free_port)" \
		-s3.port="$s3" -s3.port.grpc="$(free_port)" -s3.port.iceberg=0 -s3.port.lance=0 \
		-admin.port="$(free_port)" -admin.port.grpc="$(free_port)" -admin.port.legacy=0 \
		-webdav=false -admin.ui=false
}

# through_proxy_of NAME UPSTREAM starts `s3cors proxy` in front of a running
# server and plays the vectors through it, as NAME+proxy. The proxy holds
# the server's credentials (for the ?cors API it serves itself) in a file;
# every other request passes through to the server with its Host as the
# client sent it, so that the client's signature still verifies there.
through_proxy_of() {
	local s=$1 upstream=$2 port url credfile=$WORK/$s.credentials pg code=0
	port=$(free_port)
	url=http://127.0.0.1:$port
	(umask 077 && printf '%s:%s\n' "$KEY" "$SECRET" >"$credfile")
	local args=(proxy --upstream "$upstream" --listen "127.0.0.1:$port" --credentials "$credfile")
	if "$BIN/s3cors" proxy --help 2>&1 | grep -q -e '--data'; then
		args+=(--data "$WORK/$s.proxy-data")
	fi
	start "s3cors proxy in front of $s" "$RESULTS/$s+proxy.log" \
		env -u AWS_ACCESS_KEY_ID -u AWS_SECRET_ACCESS_KEY -u AWS_SESSION_TOKEN "$BIN/s3cors" "${args[@]}"
	pg=$SERVER_PID
	{ wait_ready "$url" "$RESULTS/$s+proxy.log" && probe "$s+proxy" "$url"; } || code=1
	stop "$pg"
	return "$code"
}

# measure NAME starts a server, plays the vectors against it, then through
# the proxy in front of it, and stops it.
measure() {
	local s=$1 pg url code=0 attempt
	creds "$s"
	# A port chosen free can be taken before the server binds it (weed mini
	# then refuses to start): a server that does not start is started once
	# more, on other ports.
	for attempt in 1 2; do
		"start_$s"
		pg=$SERVER_PID url=$SERVER_URL
		wait_ready "$url" "$RESULTS/$s.log" && break
		stop "$pg"
		[ "$attempt" = 2 ] && return 1
		log "$s did not start; starting it again on other ports"
	done
	probe "$s" "$url" || code=1
	if [ "$code" = 0 ]; then
		measured+=("$s")
		if [ "$through_proxy" = 1 ]; then
			if through_proxy_of "$s" "$url"; then
				proxied+=("$s")
			else
				PNOTE[$s]="not measured through the proxy: the proxy did not start or the probe failed (see $s+proxy.log in the results)"
				log "$s: ${PNOTE[$s]}"
			fi
		fi
	fi
	stop "$pg"
	return "$code"
}

# --- measuring ----------------------------------------------------------------

: >"$RESULTS/build-times.txt"
declare -A NOTE=() PNOTE=()
PROXY_NOTE=""
measured=()
proxied=()

timed s3cors build_s3cors
for s in "${servers[@]}"; do
	log "building $s (output in $s.build.log of the results)"
	if ! timed "$s" "build_$s" 2>"$RESULTS/$s.build.log"; then
		cat "$RESULTS/$s.build.log" >&2
		NOTE[$s]="not measured: the build failed: $(grep -v '^go: downloading' "$RESULTS/$s.build.log" | tail -n 3 | tr '\n' ' ')"
		log "$s: ${NOTE[$s]}"
		continue
	fi
	if ! measure "$s"; then
		NOTE[$s]="not measured: the server did not start or the probe failed (see $s.log in the results)"
		log "$s: ${NOTE[$s]}"
		continue
	fi
done

# The commit of the s3cors measured with, read without touching the index.
S3CORS_REV=$(cd "$ROOT" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
if [ "$S3CORS_REV" != unknown ] && ! (cd "$ROOT" && git diff --quiet HEAD -- 2>/dev/null); then
	S3CORS_REV="$S3CORS_REV with local changes"
fi
{
	echo "date: $(date -u +%Y-%m-%d)"
	echo "go: $(go env GOVERSION)"
	echo "s3cors: $S3CORS_REV"
	echo "minio: $MINIO_VERSION"
	echo "moto: $MOTO_VERSION"
	echo "s3rver: $S3RVER_VERSION"
	echo "versitygw: $VERSITYGW_VERSION"
	echo "seaweedfs: $SEAWEEDFS_VERSION"
} >"$RESULTS/versions.txt"

# The columns of the document: each server measured, each followed by the
# proxy in front of it when that was measured.
columns=()
for s in "${measured[@]}"; do
	columns+=("$s")
	[[ " ${proxied[*]} " == *" $s "* ]] && columns+=("$s+proxy")
done

log "results in $RESULTS"
for c in "${columns[@]}"; do
	jq -r --arg s "$c" '"\($s): \(.passed) passed, \(.failed) failed, \(.skipped) skipped"' "$RESULTS/$c.json" >&2
done

[ "$write_doc" = 1 ] || exit 0

# --- the document -------------------------------------------------------------

label() {
	case $1 in
	*+proxy) echo "$(label "${1%+proxy}") through s3cors proxy" ;;
	emulator) echo "s3emulator (this repository)" ;;
	minio) echo "minio" ;;
	moto) echo "moto $MOTO_VERSION" ;;
	s3rver) echo "s3rver $S3RVER_VERSION" ;;
	versitygw) echo "versitygw $VERSITYGW_VERSION" ;;
	seaweedfs) echo "seaweedfs $SEAWEEDFS_VERSION" ;;
	esac
}

# short NAME is the column heading of the matrix.
short() {
	case $1 in
	*+proxy) echo "via proxy" ;;
	emulator) echo "s3emulator" ;;
	*) echo "$1" ;;
	esac
}

# remaining NAME explains, for a server measured through the proxy, why the
# vectors that still differ there do, and what would change that. It is
# written from the measurements; a server without an entry gets none.
remaining() {
	case $1 in
	minio)
		echo "Every remaining difference is one token of \`Vary\`: minio names"
		echo "\`Accept-Encoding\` in \`Vary\` on its answers to object and bucket"
		echo "requests, with or without \`Origin\`, whether or not the request accepts a"
		echo "compressed answer (it sends \`Vary: Origin\` and \`Vary: Accept-Encoding\`"
		echo "to a plain GET of a missing object, for one)."
		echo "The proxy removes the CORS tokens of \`Vary\` (\`Origin\`,"
		echo "\`Access-Control-Request-Method\`, \`Access-Control-Request-Headers\`) and"
		echo "puts S3's in their place, but keeps the others, which tell caches about"
		echo "the server's own content negotiation: removing \`Accept-Encoding\` would"
		echo "let a cache hand a compressed answer to a client that cannot read it."
		echo "S3 sends no such token, so the answers differ from S3's there and nowhere"
		echo "else; the CORS fields a browser acts on are S3's. What would remove the"
		echo "difference: minio leaving \`Accept-Encoding\` out of \`Vary\` on answers"
		echo "it never compresses, or the probe comparing only the CORS tokens of"
		echo "\`Vary\` (a server that also varies on something else is not less"
		echo "S3-compatible in its CORS)."
		;;
	esac
}

# cell SERVER BEHAVIOUR prints the matrix cell of one server and group.
cell() {
	jq -r --arg b "$2" '
		(.behaviours[] | select(.behaviour == $b)) as $r
		| (if $r.failed > 0 then "❌ " else "✅ " end) + "\($r.passed)/\($r.passed + $r.failed)"
		  + (if $r.skipped > 0 then " (\($r.skipped) skipped)" else "" end)
		// "–"' "$RESULTS/$1.json"
}

# total NAME prints "passed/played" of a result.
total() {
	jq -r '"\(.passed)/\(.passed + .failed)"' "$RESULTS/$1.json"
}

{
	echo "# Compatibility of S3-compatible servers"
	echo
	echo "How other S3-compatible servers answer the project's conformance vectors:"
	echo "S3's recorded answers to preflights, to requests from other origins and"
	echo "to the bucket CORS API (see [vectors.md](vectors.md) and"
	echo "[behaviour.md](behaviour.md)), each played twice: against the server"
	echo "itself, and through \`s3cors proxy\` in front of it, which answers"
	echo "preflights and the \`?cors\` API itself and gives every other answer"
	echo "S3's CORS headers. Everything below is measured by"
	echo "\`scripts/compatibility.sh\` with \`s3cors probe\`; nothing in it is"
	echo "taken from the servers' documentation. This file is written by the"
	echo "script: re-run it rather than editing the file."
	echo
	echo "## Measured"
	echo
	echo "On $(date -u +%Y-%m-%d), with $(go env GOVERSION) and s3cors at $S3CORS_REV, on loopback,"
	echo "path-style, region $REGION, signed with AWS Signature Version 4"
	echo "(preflights unsigned, as browsers send them), \`--settle $PROBE_SETTLE\`:"
	echo
	if [ ${#measured[@]} -gt 0 ]; then
		echo "| Server | Directly | Through \`s3cors proxy\` |"
		echo "|---|---:|---:|"
		for s in "${measured[@]}"; do
			if [[ " ${proxied[*]} " == *" $s "* ]]; then
				echo "| $(label "$s") | $(total "$s") | $(total "$s+proxy") |"
			else
				echo "| $(label "$s") | $(total "$s") | not measured |"
			fi
		done
		echo
	fi
	echo "| Server | Version | Run as |"
	echo "|---|---|---|"
	for s in "${servers[@]}"; do
		case $s in
		emulator) echo "| s3emulator | this repository | \`s3emulator -auth KEY:SECRET\` (examples/s3emulator) |" ;;
		minio) echo "| minio | \`github.com/minio/minio $MINIO_VERSION\` (\`minio --version\`: $("$BIN/minio-$MINIO_VERSION" --version 2>/dev/null | head -n 1 | sed 's/^[^ ]* version //')) | \`minio server --address … DIR\`, credentials from \`MINIO_ROOT_USER\`/\`MINIO_ROOT_PASSWORD\`, \`MINIO_BROWSER=off\` |" ;;
		moto) echo "| moto | $MOTO_VERSION (Python) | \`moto_server -H 127.0.0.1 -p PORT\`, default settings: any credentials, its global CORS on |" ;;
		s3rver) echo "| s3rver | $S3RVER_VERSION (npm) | \`s3rver --directory DIR --address 127.0.0.1 --port PORT\`, its only credentials \`S3RVER\`/\`S3RVER\` |" ;;
		versitygw) echo "| versitygw | \`github.com/versity/versitygw $VERSITYGW_VERSION\` | \`versitygw --access … --secret … posix --sidecar META DATA\` |" ;;
		seaweedfs) echo "| seaweedfs | \`github.com/seaweedfs/seaweedfs $SEAWEEDFS_VERSION\` (\`weed version\`: $("$BIN/weed-$SEAWEEDFS_VERSION" version 2>/dev/null | head -n 1 | sed 's/^version *//I; s/  */ /g')) | \`weed mini\`, credentials from \`AWS_ACCESS_KEY_ID\`/\`AWS_SECRET_ACCESS_KEY\`, \`-s3.allowedOrigins\` at its default \`*\` |" ;;
		esac
	done
	if [ ${#proxied[@]} -gt 0 ]; then
		echo "| s3cors proxy | this repository | \`s3cors proxy --upstream SERVER_URL --listen 127.0.0.1:PORT --credentials FILE\`, FILE holding the server's \`KEY:SECRET\` |"
	fi
	echo
	echo "To reproduce (needs Go, curl and jq, node and npm for s3rver, Python with"
	echo "moto $MOTO_VERSION for moto; builds the servers into"
	echo "\`\${XDG_CACHE_HOME:-\$HOME/.cache}/s3cors-compat\`, which takes several"
	echo "minutes, minio alone a quarter of an hour or more):"
	echo
	echo '```'
	echo "scripts/compatibility.sh${*:+ $*}"
	echo '```'
	echo
	if [ ${#proxied[@]} -gt 0 ]; then
		echo "Through the proxy, every request but a preflight and the \`?cors\` API"
		echo "reaches the server as the client sent it, Host included: the client signs"
		echo "for the proxy's address, and the server verifies that signature with the"
		echo "Host it receives, so no server here needs to be told the proxy's address"
		echo "(moto, at its default settings, verifies no signature at all). The proxy"
		echo "signs its own requests to the server (HEAD bucket, to learn whether a"
		echo "bucket exists) with the key in FILE, which must be one the server accepts."
		echo
	fi
	[ -n "$PROXY_NOTE" ] && echo "**s3cors proxy**: $PROXY_NOTE" && echo
	if [[ " ${servers[*]} " == *" versitygw "* ]]; then
		echo "versitygw keeps each bucket's CORS configuration in a sidecar directory"
		echo "(\`--sidecar\`). With its default, an extended attribute of the bucket's"
		echo "directory, on ext4, PutBucketCors of the vectors' largest configurations"
		echo "failed with 500 or 507 InsufficientStorage, the gateway logging"
		echo "\`xattr.Set … user.cors: argument list too long\` or \`no space left on"
		echo "device\`: ext4 holds an extended attribute in one block (4 KiB here), a"
		echo "limit of the file system rather than of the gateway's CORS."
		echo
	fi
	for s in "${servers[@]}"; do
		if [ -n "${NOTE[$s]:-}" ]; then
			echo "**$(label "$s")**: ${NOTE[$s]}"
			echo
		fi
		if [ -n "${PNOTE[$s]:-}" ]; then
			echo "**$(label "$s")**: ${PNOTE[$s]}"
			echo
		fi
	done

	if [ ${#measured[@]} -gt 0 ]; then
		echo "## Matrix"
		echo
		echo "Vectors passed out of vectors played, by behaviour group of the probe's"
		echo "summary (a vector counts in each group its rules belong to). Skipped"
		echo "vectors cannot be played over HTTP: their PutBucketCors document is JSON,"
		echo "which only the AWS CLI and the console take, converting it to XML."
		echo "Each server's column is followed by the same server through"
		echo "\`s3cors proxy\` (\"via proxy\")."
		echo
		header="| Behaviour |"
		rule="|---|"
		for s in "${columns[@]}"; do
			header="$header $(short "$s") |"
			rule="$rule---|"
		done
		echo "$header"
		echo "$rule"
		# The groups in the probe's order, each once.
		for s in "${columns[@]}"; do
			jq -r '.behaviours[].behaviour' "$RESULTS/$s.json"
		done | awk '!seen[$0]++' >"$WORK/groups"
		while IFS= read -r group; do
			row="| $group |"
			for s in "${columns[@]}"; do
				row="$row $(cell "$s" "$group") |"
			done
			echo "$row"
		done <"$WORK/groups"
		row="| **All vectors** |"
		for s in "${columns[@]}"; do
			row="$row **$(jq -r '"\(.passed)/\(.passed + .failed)"' "$RESULTS/$s.json")** |"
		done
		echo "$row"
		echo

		echo "## What each server answers differently"
		echo
		echo "Each difference is one line of the probe's report: what the server"
		echo "answered, then what S3 answers. \"Vectors\" counts the vectors that show"
		echo "it, \"Only difference in\" those of them that differ in nothing else; the"
		echo "vector named is one of them. Request IDs, host IDs, resources and bucket"
		echo "names are left out of error documents, the scratch bucket's random name"
		echo "is shortened to s3cors-probe-…."
		for s in "${columns[@]}"; do
			echo
			echo "### $(label "$s")"
			echo
			jq -r '"\(.passed) of \(.passed + .failed) vectors answered as S3 does; \(.failed) differ, \(.skipped) skipped."' "$RESULTS/$s.json"
			if [ "$(jq '.failed' "$RESULTS/$s.json")" -gt 0 ]; then
				echo
				echo "Groups with differences: $(jq -r '[.behaviours[] | select(.failed > 0) | "\(.behaviour) (\(.failed))"] | join(", ")' "$RESULTS/$s.json")."
				echo
				echo "| Vectors | Only difference in | Difference | For example |"
				echo "|---:|---:|---|---|"
				jq -r '
					def tidy: gsub("<\\?xml[^>]*\\?>\\s*"; "")
						| gsub("<(RequestId|HostId|Resource|BucketName)>[^<]*</[A-Za-z]+>"; "")
						| gsub("s3cors-probe-[0-9a-f]+"; "s3cors-probe-…") | gsub("\n"; " ");
					[.results[] | select(.outcome == "failed") | . as $r | ($r.diffs | map(tidy) | unique) as $ds | $ds[]
					  | {d: ., v: $r.name, only: (($ds | length) == 1)}]
					| group_by(.d) | map({n: length, o: (map(select(.only)) | length), d: .[0].d, v: .[0].v})
					| sort_by(-.n, .d)
					| .[] | "| \(.n) | \(.o) | `\(.d | if length > 300 then .[0:300] + "…" else . end | gsub("`"; "'"'"'") | gsub("\\|"; "\\|"))` | \(.v) |"' "$RESULTS/$s.json"
			fi
			if [[ $s == *+proxy ]] && [ "$(jq '.failed' "$RESULTS/$s.json")" -gt 0 ]; then
				why=$(remaining "${s%+proxy}")
				if [ -n "$why" ]; then
					echo
					echo "$why"
				fi
			fi
		done
	fi
} >"$DOC.tmp"
mv "$DOC.tmp" "$DOC"
log "wrote $DOC"
