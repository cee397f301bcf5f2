#!/usr/bin/env bash
# Install the Debian packages named as arguments that are not installed yet (as root), or list them (otherwise).
set -euo pipefail
missing=()
for pkg in "$@"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Node.js and npm may come from elsewhere than Debian (nodesource, nvm): a working npm is enough.
if command -v npm >/dev/null 2>&1; then
  kept=(); for pkg in "${missing[@]}"; do [[ $pkg == nodejs || $pkg == npm ]] || kept+=("$pkg"); done
  missing=("${kept[@]}")
fi
# A Python venv module that works counts as python3-venv.
if python3 -c 'import venv, ensurepip' 2>/dev/null; then
  kept=(); for pkg in "${missing[@]}"; do [[ $pkg == python3-venv ]] || kept+=("$pkg"); done
  missing=("${kept[@]}")
fi
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ]; then
  echo "Installing Debian packages: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "Missing Debian packages: ${missing[*]}. Install them with: sudo apt-get install ${missing[*]}" >&2
  exit 1
fi
