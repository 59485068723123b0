#!/usr/bin/env bash
# Regenerates the bundled voice lines. Needs Debian's flite, sox and vorbis-tools:
#   apt-get install -y flite sox vorbis-tools
# The output is deterministic for a given flite version (no randomness in the synthesiser).
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
line() { # name voice text
  flite -voice "$2" -t "$3" -o "$tmp/$1.wav"
  # 16 kHz mono, peak-normalised to -1 dBFS, then Vorbis quality 4 (~64 kbit/s).
  sox "$tmp/$1.wav" -r 16000 -c 1 "$tmp/$1_16k.wav" norm -1
  oggenc -Q -q 4 --resample 16000 -o "$1.ogg" "$tmp/$1_16k.wav"
}
line greeting slt "Well, hello there, traveller! You look like someone with a story to tell."
