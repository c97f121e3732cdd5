#!/usr/bin/env bash
# Make sure the Chromium that the browser tests drive is installed.
#
# Playwright may not download browsers here, so the tests use Debian's package
# (/usr/bin/chromium, or REENTRYKIT_CHROMIUM). As root, a missing Chromium is
# installed with apt-get; otherwise this says what to install.
#
# Exit status: 0 ready; 3 missing and not required, so the caller deselects the
# browser tests; anything else is an error (missing although REQUIRE_BROWSER=1).
set -euo pipefail

chromium=${REENTRYKIT_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "ensure_chromium: $chromium is missing; installing Debian's chromium package" >&2
  export DEBIAN_FRONTEND=noninteractive
  if apt-get update -q && apt-get install -y -q chromium && [ -x "$chromium" ]; then
    exit 0
  fi
  echo "ensure_chromium: installing chromium did not provide $chromium" >&2
else
  echo "ensure_chromium: $chromium is missing. Install it with: sudo apt-get install chromium" >&2
fi

if [ "${REQUIRE_BROWSER:-0}" = 1 ]; then
  echo "ensure_chromium: REQUIRE_BROWSER=1, so the missing browser is an error" >&2
  exit 1
fi
echo "ensure_chromium: skipping the browser tests (pytest -m 'not browser')" >&2
exit 3
