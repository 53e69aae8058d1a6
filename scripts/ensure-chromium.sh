#!/usr/bin/env bash
# Make sure Debian's Chromium is installed: the browser tests drive the real pages in it.
# (Playwright's own browser download cannot work here; it drives /usr/bin/chromium instead.)
set -euo pipefail
browser=${DORADCA_CHROMIUM:-/usr/bin/chromium}
[ -x "$browser" ] && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "==> installing Debian's chromium for the browser tests"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  exit 0
fi
echo "error: the browser tests need Chromium at $browser." >&2
echo "       Install it (Debian/Ubuntu: sudo apt-get install chromium) or set DORADCA_CHROMIUM." >&2
exit 1
