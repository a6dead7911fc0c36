#!/usr/bin/env bash
# Makes the `xmlsec1` command (XML Security Library, Debian's xmlsec1 package) available for the
# independent check of @trustspec/dss's WS-Security: `xmlsec1 --verify` verifies the signatures our
# code produces (the endorsing HMAC signature with the proof key, the SAML assertion's signature
# with the issuer's certificate). Does nothing when `xmlsec1 --version` already works; otherwise
# installs the package with apt-get when it runs as root (or with password-less sudo). Where it
# cannot, it says what to install and exits 1: the test that needs xmlsec1 then fails, it is never
# skipped.
set -euo pipefail

give_up() {
  echo "setup-xmlsec1: $1" >&2
  exit 1
}

if xmlsec1 --version >/dev/null 2>&1; then
  exit 0
fi
command -v apt-get >/dev/null 2>&1 ||
  give_up "install xmlsec1 (the XML Security Library command line tool) with your package manager"
run=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    run=(sudo -n)
  else
    give_up "run as root: apt-get install xmlsec1"
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq || give_up "apt-get update failed"
"${run[@]}" apt-get install -y -qq --no-install-recommends xmlsec1 >/dev/null ||
  give_up "apt-get install xmlsec1 failed"
xmlsec1 --version >/dev/null 2>&1 || give_up "xmlsec1 does not run after installing it"
echo "setup-xmlsec1: installed $(xmlsec1 --version)"
