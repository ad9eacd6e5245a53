#!/usr/bin/env bash
# Makes this machine able to load TorchSharp 0.107's native library (libtorch 2.10), which needs a
# libstdc++ that exports GLIBCXX_3.4.32 (GCC 13 or newer).
#
# Debian 12 ships GLIBCXX_3.4.30, so there (and only there) this script adds the Debian 13 "trixie" suite to
# apt at a low pin priority and installs libstdc++6 from it. That also upgrades libc6 and the gcc runtime
# libraries (about 28 packages, base-files among them, so /etc/os-release then reads Debian 13). Nothing else is
# taken from trixie, thanks to the low pin priority.
# Ubuntu 24.04+, Debian 13+, Windows and macOS need nothing; on other systems the script only says what is
# needed and changes nothing. Running it again when the library is already new enough does nothing.
set -euo pipefail

needed=GLIBCXX_3.4.32

find_libstdcxx() {
  local p
  for p in $(ldconfig -p 2>/dev/null | awk '/libstdc\+\+\.so\.6 .*x86-64|libstdc\+\+\.so\.6 .*AArch64/ {print $NF}') \
           /usr/lib/x86_64-linux-gnu/libstdc++.so.6 /usr/lib/aarch64-linux-gnu/libstdc++.so.6 /usr/lib64/libstdc++.so.6; do
    [ -e "$p" ] && { readlink -f "$p"; return 0; }
  done
  return 1
}

has_needed_version() {
  local lib
  lib=$(find_libstdcxx) || return 1
  grep -qa "$needed" "$lib"
}

case "$(uname -s)" in
  Linux) ;;
  *) echo "install-prerequisites: $(uname -s) needs nothing for TorchSharp-cpu 0.107; nothing to do."; exit 0 ;;
esac

if has_needed_version; then
  echo "install-prerequisites: libstdc++ already provides $needed; nothing to do."
  exit 0
fi

. /etc/os-release 2>/dev/null || true
if [ "${ID:-}" != "debian" ] || [ "${VERSION_ID:-}" != "12" ]; then
  cat <<MSG
install-prerequisites: the system libstdc++ lacks $needed, which TorchSharp 0.107's native library needs.
This script only automates the fix on Debian 12. On ${PRETTY_NAME:-this system}, install libstdc++ from
GCC 13 or newer (for example: Ubuntu 24.04+, Debian 13+, or your distribution's newer gcc runtime).
Nothing was changed.
MSG
  exit 1
fi

if [ "$(id -u)" -ne 0 ]; then
  echo "install-prerequisites: Debian 12 needs libstdc++6 from trixie; run this script as root (or with sudo)." >&2
  exit 1
fi

echo "install-prerequisites: Debian 12 libstdc++ lacks $needed; installing libstdc++6 from Debian trixie."
list=/etc/apt/sources.list.d/alter-trixie.list
pin=/etc/apt/preferences.d/alter-trixie.pref
if [ ! -f "$list" ]; then
  # Reuse the mirror that bookworm is configured with (deb822 .sources or one-line .list), not the security one.
  mirror=$(grep -hE '^URIs:' /etc/apt/sources.list.d/*.sources 2>/dev/null | awk '{print $2}' | grep -v security | head -n1 || true)
  if [ -z "$mirror" ]; then
    mirror=$(grep -hE '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null \
             | grep -v security | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' | head -n1 || true)
  fi
  [ -n "$mirror" ] || { echo "install-prerequisites: could not find the Debian mirror apt uses." >&2; exit 1; }
  echo "deb ${mirror%/} trixie main" > "$list"
  echo "install-prerequisites: added $list (deb ${mirror%/} trixie main)."
fi
if [ ! -f "$pin" ]; then
  # Low priority: only packages asked for with -t trixie (and what they strictly need) come from trixie.
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > "$pin"
  echo "install-prerequisites: pinned trixie at priority 100 ($pin)."
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq -t trixie libstdc++6
if has_needed_version; then
  echo "install-prerequisites: done; libstdc++ now provides $needed."
else
  echo "install-prerequisites: libstdc++6 was installed but still lacks $needed." >&2
  exit 1
fi
