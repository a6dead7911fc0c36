#!/usr/bin/env bash
# Makes a headless Chromium available for the browser tests of @trustspec/dss (the DSS web
# front-end driven through playwright-core, which never downloads a browser). Debian ships it as
# the chromium package (/usr/bin/chromium). Does nothing when `chromium --version` already works;
# otherwise installs the package with apt-get when it runs as root (or with password-less sudo).
# Where it cannot, it says what to install and exits 1, or with --optional (the test command's use)
# exits 0, so that the browser test is skipped with a message naming this script (under CI=true
# the test then fails instead). TRUSTSPEC_CHROMIUM names another browser binary to use.
set -euo pipefail

optional=false
[ "${1:-}" = "--optional" ] && optional=true
give_up() {
  echo "setup-chromium: $1" >&2
  if $optional; then exit 0; else exit 1; fi
}

browser="${TRUSTSPEC_CHROMIUM:-chromium}"
if "$browser" --version >/dev/null 2>&1; then
  exit 0
fi
[ -n "${TRUSTSPEC_CHROMIUM:-}" ] && give_up "TRUSTSPEC_CHROMIUM=$TRUSTSPEC_CHROMIUM does not run"
command -v apt-get >/dev/null 2>&1 ||
  give_up "install Chromium with your package manager (or set TRUSTSPEC_CHROMIUM to a Chromium binary)"
run=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    run=(sudo -n)
  else
    give_up "run as root: apt-get install chromium"
  fi
fi
export DEBIAN_FRONTEND=noninteractive
apt=(apt-get -o DPkg::Lock::Timeout=600)
"${run[@]}" "${apt[@]}" update -qq || give_up "apt-get update failed"
"${run[@]}" "${apt[@]}" install -y -qq --no-install-recommends chromium >/dev/null ||
  give_up "apt-get install chromium failed"
chromium --version >/dev/null 2>&1 || give_up "chromium does not run after installing it"
echo "setup-chromium: installed $(chromium --version)"
