#!/usr/bin/env bash
# Installs what the scripts need and the machine lacks; quiet when everything is there.
#   scripts/install-deps.sh [--with-browser]
# Always: the pinned node tools (npm ci, when node_modules is missing or older than package-lock.json).
# --with-browser: Debian's chromium (the page's browser tests drive it through playwright-core) and poppler-utils
#                 (the tests read certificate PDFs with pdftotext).
# Always: Debian's fonts-wqy-microhei, the CJK TrueType font certificate PDFs embed (Latin and Chinese in one face).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
BOAI_LOG_TAG=install-deps

with_browser=false
for arg in "$@"; do
  case $arg in
    --with-browser) with_browser=true ;;
    -h | --help)
      usage "${BASH_SOURCE[0]}"
      exit 0
      ;;
    *) die "unknown option: $arg (see --help)" ;;
  esac
done

command -v dotnet >/dev/null 2>&1 || die "the .NET SDK is not installed: install .NET SDK 10 (dotnet on PATH)"

missing=()
# ./run.sh makes the development cluster certificate with it.
if ! command -v openssl >/dev/null 2>&1; then
  missing+=(openssl)
fi
if $with_browser && [[ ! -x /usr/bin/chromium ]]; then
  missing+=(chromium)
fi
if $with_browser && ! command -v pdftotext >/dev/null 2>&1; then
  missing+=(poppler-utils)
fi
# PDFsharp embeds TrueType outlines only: Noto CJK (CFF in a .ttc) does not fit, WenQuanYi Micro Hei (TrueType outlines; one face is taken out of its .ttc at run time) does.
if ! dpkg -s fonts-wqy-microhei >/dev/null 2>&1; then
  missing+=(fonts-wqy-microhei)
fi
# Without CJK fonts headless chromium draws the page's Chinese as boxes.
if $with_browser && ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then
  missing+=(fonts-noto-cjk)
fi

if ((${#missing[@]} > 0)); then
  command -v apt-get >/dev/null 2>&1 ||
    die "missing: ${missing[*]}. This machine has no apt-get: install them with its package manager."
  if ((EUID == 0)); then
    sudo=()
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    die "missing Debian packages: ${missing[*]}. Installing them needs root: run
    sudo apt-get update && sudo apt-get install -y ${missing[*]}
  then run this command again."
  fi
  log "installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt_log=$(mktemp)
  trap 'rm -f "$apt_log"' EXIT
  # apt's chatter is shown only when it fails.
  if ! { "${sudo[@]}" apt-get update -q && "${sudo[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}"; } \
    </dev/null >"$apt_log" 2>&1; then
    tail -n 30 "$apt_log" >&2
    die "installing ${missing[*]} with apt-get failed"
  fi
fi

ensure_node_tools
