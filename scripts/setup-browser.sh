#!/usr/bin/env bash
# Installs the browser the checkout-page test drives (test/browser/): Debian's chromium, which
# playwright-core launches from /usr/bin/chromium (`npx playwright install` cannot download here).
# Idempotent: does nothing when chromium is already there. Needs root (or sudo) on Debian/Ubuntu.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
/usr/bin/chromium --version
