#!/usr/bin/env bash
# Node 22 (what AWS Lambda's nodejs22.x runtime and the ECS image run) beside the Node 20 of this machine and CI,
# fetched from the npm registry (package node-linux-<arch>), verified against the registry's sha512 integrity and
# cached outside the repo, in ${SHOPLAKE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shoplake}/node-<version>-linux-<arch>.
#
#   scripts/node22.sh                 fetch if missing; print the absolute path of the Node 22 binary
#   scripts/node22.sh exec CMD ARG..  run CMD with Node 22's bin/ first on PATH (e.g. node_modules/.bin/vitest run ...)
#
# Only bin/node is kept (the package also ships headers and docs). Concurrent callers share one fetch (flock).
set -euo pipefail

VERSION="22.23.3"
case "$(uname -m)" in
  x86_64 | amd64) ARCH="x64" ;;
  aarch64 | arm64) ARCH="arm64" ;;
  *) echo "node22.sh: no node-linux package for architecture $(uname -m)" >&2 && exit 1 ;;
esac
PKG="node-linux-${ARCH}@${VERSION}"
CACHE="${SHOPLAKE_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/shoplake}"
DIR="${CACHE}/node-${VERSION}-linux-${ARCH}"
NODE="${DIR}/bin/node"

fetch() {
  mkdir -p "$CACHE"
  exec 9>"${CACHE}/.node-${VERSION}-linux-${ARCH}.lock"
  flock 9
  if [ -x "$NODE" ]; then return 0; fi # another caller fetched it while this one waited
  WORK="$(mktemp -d "${CACHE}/.fetch.XXXXXX")"
  trap 'rm -rf "$WORK"' EXIT
  local expected
  expected="$(cd "$WORK" && npm view "$PKG" dist.integrity 2>/dev/null)"
  case "$expected" in
    sha512-*) ;;
    *) echo "node22.sh: the registry gave no sha512 integrity for ${PKG} (got '${expected}')" >&2 && exit 1 ;;
  esac
  (cd "$WORK" && npm pack "$PKG" --silent >/dev/null 2>&1) || {
    echo "node22.sh: npm pack ${PKG} failed (is the npm registry reachable?)" >&2
    exit 1
  }
  local tgz="${WORK}/node-linux-${ARCH}-${VERSION}.tgz"
  # Node (20, already on PATH) computes the digest: sha512sum alone cannot print the base64 form npm records.
  local actual
  actual="sha512-$(node -e "process.stdout.write(require('crypto').createHash('sha512')
    .update(require('fs').readFileSync(process.argv[1])).digest('base64'))" "$tgz")"
  if [ "$actual" != "$expected" ]; then
    echo "node22.sh: ${PKG} tarball integrity mismatch: registry says ${expected}, file is ${actual}" >&2
    exit 1
  fi
  tar -xzf "$tgz" -C "$WORK" package/bin/node package/LICENSE
  local got
  got="$("${WORK}/package/bin/node" --version)"
  if [ "$got" != "v${VERSION}" ]; then
    echo "node22.sh: ${PKG} contains ${got}, expected v${VERSION}" >&2
    exit 1
  fi
  rm -rf "$DIR"
  mkdir -p "$DIR"
  mv "${WORK}/package/bin" "${WORK}/package/LICENSE" "$DIR/"
  rm -rf "$WORK"
  trap - EXIT
}

[ -x "$NODE" ] || fetch

case "${1:-}" in
  "") echo "$NODE" ;;
  exec)
    shift
    [ $# -gt 0 ] || { echo "usage: scripts/node22.sh exec CMD [ARG...]" >&2 && exit 2; }
    PATH="${DIR}/bin:${PATH}" exec "$@"
    ;;
  *) echo "usage: scripts/node22.sh [exec CMD [ARG...]]" >&2 && exit 2 ;;
esac
