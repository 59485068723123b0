#!/usr/bin/env bash
# Regenerates the bundled voice lines. Needs Debian's flite, sox and vorbis-tools:
#   apt-get install -y flite sox vorbis-tools
# The output is deterministic for a given flite version (no randomness in the synthesiser; the
# Ogg stream serial is fixed). `./make_lines.sh --all` also remakes greeting.ogg.
set -euo pipefail
cd "$(dirname "$0")"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
line() { # name voice text
  flite -voice "$2" -t "$3" -o "$tmp/$1.wav"
  # 16 kHz mono, peak-normalised to -1 dBFS (no dither: reproducible), then Vorbis quality 4 (~64 kbit/s).
  sox -D "$tmp/$1.wav" -r 16000 -c 1 "$tmp/$1_16k.wav" norm -1
  oggenc -Q -q 4 --serial 1 --resample 16000 -o "$1.ogg" "$tmp/$1_16k.wav"
}
# (greeting.ogg predates --serial 1: regenerating it changes only its Ogg stream serial.)
[ "${1:-}" = "--all" ] && line greeting slt "Well, hello there, traveller! You look like someone with a story to tell."
# The exchange of examples/scripts/gate.talk (examples/npc_dialogue.rs): Ada is slt, Tom is awb.
line ada_01 slt "Tom! You came back."
line tom_01 awb "You lost it? You lost it?"
line ada_02 slt "It was stolen. But I know who took it."
line tom_02 awb "Then we go and get it back."
