#!/usr/bin/env bash
# Makes OpenSSL's GOST engine available for the GOST interoperability test of @trustspec/suz
# (`openssl cms -verify -engine gost`). Debian and Ubuntu ship it as libengine-gost-openssl.
# Does nothing when `openssl engine gost` already works; otherwise installs the package with
# apt-get when it runs as root (or with password-less sudo). Where it cannot, it says what to
# install and exits 1, or with --optional (the test command's use) exits 0, so that the GOST
# cases are skipped with a warning (under CI=true the test then fails instead).
set -euo pipefail

optional=false
[ "${1:-}" = "--optional" ] && optional=true
give_up() {
  echo "setup-gost-openssl: $1" >&2
  if $optional; then exit 0; else exit 1; fi
}

command -v openssl >/dev/null 2>&1 || give_up "openssl is not installed"
if openssl engine gost >/dev/null 2>&1; then
  exit 0
fi
command -v apt-get >/dev/null 2>&1 ||
  give_up "install OpenSSL's GOST engine (gost-engine) with your package manager"
run=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    run=(sudo -n)
  else
    give_up "run as root: apt-get install libengine-gost-openssl"
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq || give_up "apt-get update failed"
"${run[@]}" apt-get install -y -qq libengine-gost-openssl >/dev/null ||
  give_up "apt-get install libengine-gost-openssl failed"
openssl engine gost >/dev/null 2>&1 || give_up "the GOST engine does not load after installing it"
echo "setup-gost-openssl: installed libengine-gost-openssl ($(openssl version))"
