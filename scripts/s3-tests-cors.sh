#!/usr/bin/env bash
# s3-tests-cors.sh runs the CORS tests of Ceph's s3-tests suite against the
# S3 emulator of examples/s3emulator, with authentication on: it writes the
# suite's configuration file, starts the emulator on loopback with the six
# users the configuration names (one -auth each), runs the tests whose names
# contain "cors", and reports how many passed.
#
# Usage:
#
#	scripts/s3-tests-cors.sh [S3TESTS_DIR] [-- PYTEST_ARGS...]
#
# S3TESTS_DIR (or the environment variable of the same name) is a checkout
# of github.com/ceph/s3-tests, which this script neither downloads nor
# changes. Arguments after -- go to pytest.
#
# Environment:
#
#	S3TESTS_DIR     the checkout, when not given as an argument
#	S3TESTS_ADDR    the emulator's address (default 127.0.0.1:9187)
#	PYTHON          the interpreter with boto3, pytest and the suite's other
#	                modules: munch, isodate, pytz, requests, dateutil
#	                (default python3, or else /usr/bin/python3; Debian:
#	                python3-boto3 python3-pytest python3-munch
#	                python3-isodate python3-tz)
#	PYTHON_EXTRA_PATH  directories, separated by ':', searched for modules
#	                after PYTHON's own, e.g. Debian's dist-packages for
#	                pytest beside a newer boto3 of another installation
#
# The four *_v2 tests sign with Signature Version 2 (the emulator runs with
# -sigv2). botocore 1.29 (Debian 12) signs the sub-resource of a path-style
# URL twice ("/bucket?cors?cors"), which no server accepts, so those four
# fail with it; botocore 1.43 signs "/bucket/?cors". The script prints the
# version it uses.
#
# It needs go. It is not run in CI. Exit status: 0 when every selected test
# passed, 1 otherwise.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
S3TESTS_DIR=${S3TESTS_DIR:-}
if [[ $# -gt 0 && $1 != -- ]]; then
	S3TESTS_DIR=$1
	shift
fi
[[ ${1:-} == -- ]] && shift
if [[ -z $S3TESTS_DIR ]]; then
	echo "usage: $0 S3TESTS_DIR [-- PYTEST_ARGS...]  (a checkout of github.com/ceph/s3-tests; or set S3TESTS_DIR)" >&2
	exit 2
fi
S3TESTS_DIR=$(cd "$S3TESTS_DIR" && pwd)
TESTS=
for f in s3tests/functional/test_s3.py s3tests_boto3/functional/test_s3.py; do
	if [[ -f $S3TESTS_DIR/$f ]]; then
		TESTS=$f
		break
	fi
done
if [[ -z $TESTS ]]; then
	echo "$S3TESTS_DIR has neither s3tests/functional/test_s3.py nor s3tests_boto3/functional/test_s3.py: is it a checkout of s3-tests?" >&2
	exit 2
fi
WORK=$(mktemp -d)
EMULATOR_PID=
cleanup() {
	if [[ -n $EMULATOR_PID ]]; then
		kill "$EMULATOR_PID" 2>/dev/null || true
		wait "$EMULATOR_PID" 2>/dev/null || true
	fi
	rm -rf "$WORK"
}
trap cleanup EXIT

if [[ -n ${PYTHON_EXTRA_PATH:-} ]]; then
	# Directories searched after the interpreter's own packages, so that
	# its boto3 comes first.
	mkdir "$WORK/pyshim"
	printf 'import sys\nsys.path.extend(p for p in %s.split(":") if p and p not in sys.path)\n' \
		"$("${PYTHON:-python3}" -c 'import sys; print(repr(sys.argv[1]))' "$PYTHON_EXTRA_PATH")" >"$WORK/pyshim/sitecustomize.py"
	export PYTHONPATH=$WORK/pyshim${PYTHONPATH:+:$PYTHONPATH}
fi
suite_imports() { "$1" -c 'import boto3, pytest, munch, isodate, pytz, requests, dateutil' 2>/dev/null; }
if [[ -z ${PYTHON:-} ]]; then
	# The first python3 on PATH may be one without Debian's modules.
	PYTHON=python3
	suite_imports python3 || ! suite_imports /usr/bin/python3 || PYTHON=/usr/bin/python3
fi
if ! suite_imports "$PYTHON"; then
	echo "$PYTHON lacks a module the suite imports (boto3, pytest, munch, isodate, pytz, requests, dateutil);" >&2
	echo "on Debian: apt-get install python3-boto3 python3-pytest python3-munch python3-isodate python3-tz" >&2
	exit 2
fi
BOTOCORE=$("$PYTHON" -c 'import botocore; print(botocore.__version__)')
ADDR=${S3TESTS_ADDR:-127.0.0.1:9187}
HOST=${ADDR%:*}
PORT=${ADDR##*:}


# The six users of the configuration: section, access key, secret key.
USERS=(
	"s3 main:AKIDS3TESTSMAIN00001:main-secret-for-s3-tests-cors-000000001"
	"s3 alt:AKIDS3TESTSALT000002:alt-secret-for-s3-tests-cors-0000000002"
	"s3 tenant:AKIDS3TESTSTENANT003:tenant-secret-for-s3-tests-cors-000003"
	"iam:AKIDS3TESTSIAM000004:iam-secret-for-s3-tests-cors-0000000004"
	"iam root:AKIDS3TESTSROOT00005:root-secret-for-s3-tests-cors-000000005"
	"iam alt root:AKIDS3TESTSALTROOT06:alt-root-secret-for-s3-tests-cors-006"
)

CONF=$WORK/s3tests.conf
{
	printf '[DEFAULT]\nhost = %s\nport = %s\nis_secure = False\nssl_verify = False\n\n' "$HOST" "$PORT"
	printf '[fixtures]\nbucket prefix = s3cors-{random}-\n\n'
	n=0
	for u in "${USERS[@]}"; do
		IFS=: read -r section key secret <<<"$u"
		n=$((n + 1))
		printf '[%s]\naccess_key = %s\nsecret_key = %s\n' "$section" "$key" "$secret"
		printf 'display_name = user%d\nuser_id = s3cors-user-%d\nemail = user%d@example.com\n' "$n" "$n" "$n"
		[[ $section == "s3 main" ]] && printf 'api_name = default\n'
		[[ $section == "s3 tenant" ]] && printf 'tenant = testx\n'
		printf '\n'
	done
} >"$CONF"

AUTH=()
for u in "${USERS[@]}"; do
	IFS=: read -r _ key secret <<<"$u"
	AUTH+=(-auth "$key:$secret")
done

echo "building the emulator" >&2
(cd "$ROOT/examples" && go build -o "$WORK/s3emulator" ./s3emulator)
"$WORK/s3emulator" -addr "$ADDR" -sigv2 "${AUTH[@]}" >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!
for _ in $(seq 1 100); do
	if grep -q "listening" "$WORK/emulator.log" 2>/dev/null; then
		break
	fi
	if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
		echo "the emulator did not start:" >&2
		cat "$WORK/emulator.log" >&2
		exit 1
	fi
	sleep 0.1
done
echo "emulator on http://$ADDR with ${#USERS[@]} users; running the CORS tests of $TESTS with botocore $BOTOCORE" >&2

set +e
(cd "$S3TESTS_DIR" && S3TEST_CONF=$CONF "$PYTHON" -m pytest -p no:cacheprovider -q -rfE -k cors "$TESTS" "$@") | tee "$WORK/pytest.out"
status=${PIPESTATUS[0]}
set -e

summary=$(tail -n 1 "$WORK/pytest.out")
count() { grep -o "[0-9]* $1" <<<"$summary" | cut -d' ' -f1 || true; }
passed=$(count passed)
failed=$(count failed)
errors=$(count error)
# A test that passes but whose clean-up fails counts as passed and as an
# error; the total is the number of tests selected.
total=$(cd "$S3TESTS_DIR" && S3TEST_CONF=$CONF "$PYTHON" -m pytest -p no:cacheprovider -q --collect-only -k cors "$TESTS" "$@" 2>/dev/null | grep -c '::' || true)
echo "s3-tests CORS against the emulator with authentication on: ${passed:-0}/$total passed (${failed:-0} failed, ${errors:-0} errors)"
[[ $status -eq 0 ]]
