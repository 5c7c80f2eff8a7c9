#!/usr/bin/env bash
# What the test suite needs from Debian: Chromium for the browser tests (Playwright's
# own browser download cannot work here) and gettext for the translation check.
set -euo pipefail
missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
command -v xgettext >/dev/null || missing+=(gettext)
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing Debian packages for the tests: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
  exit 0
fi
echo "The tests need Debian packages: ${missing[*]}. Install them with:  sudo apt-get install -y ${missing[*]}" >&2
exit 1
