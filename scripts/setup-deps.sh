#!/usr/bin/env bash
# Installs what nines needs from Debian's packages, idempotently. Run as root.
# Only packages that are missing are installed, and `apt-get update` runs at most once.
set -euo pipefail

BUILD_PKGS=(
  build-essential cmake pkg-config git tzdata
  libyaml-cpp-dev libcmark-gfm-dev libcmark-gfm-extensions-dev
  nlohmann-json3-dev libvalijson-dev libsqlitecpp-dev libsqlite3-dev
  libcurl4-openssl-dev doctest-dev libkainjow-mustache-dev libcli11-dev libgit2-dev
  libcpp-httplib-dev
)
# Real parts for the end-to-end tiers: a Prometheus to pull from, a browser to load pages, Java
# for the HTML checker, a draft-7 validator of the published schemas.
TEST_PKGS=(prometheus chromium python3 python3-jsonschema python3-yaml sqlite3 clang-format hugo clang libfuzzer-14-dev libclang-rt-14-dev strace
  openjdk-17-jre-headless)

want=("${BUILD_PKGS[@]}")
if [ "${1:-}" = "--with-tests" ]; then want+=("${TEST_PKGS[@]}"); fi

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all Debian packages present"
else
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: missing packages: ${missing[*]}; run as root to install them" >&2
    exit 3
  fi
  echo "setup: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# Test tools from npm: action-validator (workflow files and action.yml against their published
# schemas), the W3C's Nu HTML Checker (every page must be valid HTML) and axe-core (every page
# must pass its WCAG A and AA rules in Chromium). Each as PACKAGE@VERSION:a file it installs.
for tool in @action-validator/cli@0.6.0:package.json vnu-jar@26.9.27:build/dist/vnu.jar \
  axe-core@4.14.1:axe.min.js; do
  [ "${1:-}" = "--with-tests" ] || break
  spec=${tool%%:*}
  name=${spec%@*}
  file=${tool#*:}
  if command -v npm >/dev/null && [ -f "$(npm root -g)/$name/$file" ]; then continue; fi
  if [ "$(id -u)" -ne 0 ]; then
    echo "setup: $name is missing; run as root to install it" >&2
    exit 3
  fi
  if ! command -v npm >/dev/null; then
    echo "setup: npm is needed to install $name (a test tool)" >&2
    exit 3
  fi
  echo "setup: installing $spec from npm"
  npm install -g --no-fund --no-audit "$spec"
done
