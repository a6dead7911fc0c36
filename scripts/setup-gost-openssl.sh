#!/usr/bin/env bash
# Makes OpenSSL's GOST engine available for the GOST interoperability test of @trustspec/suz
# (`openssl cms -verify -engine gost`). Debian and Ubuntu ship it as libengine-gost-openssl.
# Does nothing when `openssl engine gost` already works. Needs root (or sudo) and apt-get;
# elsewhere it says what to install and exits 1.
set -euo pipefail

if ! command -v openssl >/dev/null 2>&1; then
  echo "setup-gost-openssl: openssl is not installed" >&2
  exit 1
fi
if openssl engine gost >/dev/null 2>&1; then
  echo "setup-gost-openssl: the GOST engine is available ($(openssl version))"
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "setup-gost-openssl: install OpenSSL's GOST engine (gost-engine) with your package manager" >&2
  exit 1
fi
run=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    run=(sudo)
  else
    echo "setup-gost-openssl: run as root: apt-get install libengine-gost-openssl" >&2
    exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
"${run[@]}" apt-get update -qq
"${run[@]}" apt-get install -y -qq libengine-gost-openssl >/dev/null
openssl engine gost >/dev/null
echo "setup-gost-openssl: installed libengine-gost-openssl ($(openssl version))"
