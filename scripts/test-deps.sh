#!/usr/bin/env bash
# The system packages the tests need, installed when missing (npm's `pretest` runs this, so `npm ci && npm test`
# works on a fresh Debian/Ubuntu machine; .ci/run calls it too):
#   librdkafka-dev, gcc, libc6-dev  the real Kafka-protocol test broker (librdkafka's mock cluster), compiled by
#                                   test/support/kafka-broker.ts from kafka-broker.c on first use
#   python3-avro                    Apache Avro's own Python reader, run on the manifests we write
# Does nothing when they are all present. Elsewhere (no dpkg/apt-get) it names what is missing and fails.
set -euo pipefail
PACKAGES="librdkafka-dev gcc libc6-dev python3-avro"

if ! command -v dpkg >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: no dpkg/apt-get here; the tests need: $PACKAGES (or their equivalents: librdkafka headers and" >&2
  echo "library, a C compiler, and Apache Avro for the system /usr/bin/python3)." >&2
  exit 1
fi
missing=""
for p in $PACKAGES; do
  dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"
done
[ -z "$missing" ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "test-deps: missing apt packages:$missing. Install them as root: apt-get install -y$missing" >&2
    exit 1
  fi
fi
echo "test-deps: installing apt packages:$missing" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
