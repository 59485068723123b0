#!/usr/bin/env bash
# Do the emotions read while the portrait talks? Each of the six required emotions (issue #14) at
# intensity 2.5, spoken over the bundled line by the astronaut photo and the bundled NPCs 3 and 7
# (`emotalk render`: EAC on the CPU, the reference CPU renderer, 148 frames), every frame judged by
# face-api's expression net and by the second judge (`emotalk judge expression [--net fer]`).
# Prints one TSV row per portrait, emotion and judge: frames read as intended, frames judged, the
# three most frequent readings. BENCHMARKS.md ("Talking, every emotion ...") has the results.
#
#   bash tools/talking-eval/talking_eval.sh [EMOTALK_BINARY] > talking.tsv
#   EMOTIONS="angry" bash tools/talking-eval/talking_eval.sh [EMOTALK_BINARY]   # some emotions only
#   PORTRAITS="astronaut" bash tools/talking-eval/talking_eval.sh [EMOTALK_BINARY]  # some portraits only
#
# About 2.5 minutes per emotion and portrait on 2 cores (45 minutes in all).
set -euo pipefail
bin=${1:-cargo run --release --quiet --}
here=$(cd "$(dirname "$0")/../.." && pwd)
shared="$here/../shared/data/portraits"
assets="$here/assets/portraits"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$bin rig import --image "$shared/astronaut.png" --landmarks "$shared/astronaut.landmarks68.json" \
  --out "$work/astronaut.rig.json" >/dev/null 2>&1
cp "$shared/astronaut.png" "$work/astronaut.png"
cp "$assets"/npc_3.png "$assets"/npc_3.rig.json "$assets"/npc_7.png "$assets"/npc_7.rig.json "$work/"
for who in ${PORTRAITS:-astronaut npc_3 npc_7}; do
  for emotion in ${EMOTIONS:-neutral angry disgusted happy sad surprised}; do
    frames="$work/${who}_$emotion"
    $bin render --portrait "$work/$who.png" --rig "$work/$who.rig.json" --emotion "$emotion" \
      --intensity 2.5 --out "$frames" >/dev/null 2>&1
    for net in face-api fer; do
      $bin judge expression --net "$net" --summary "$frames.$net.json" "$frames"/frame_*.png >/dev/null 2>&1
      python3 - "$frames.$net.json" "$who" "$emotion" "$net" <<'PY'
import json, sys
path, who, emotion, net = sys.argv[1:5]
s = json.load(open(path))
counts = s["top_counts"]
top = sorted(counts.items(), key=lambda t: -t[1])[:3]
print(who, emotion, net, counts.get(emotion, 0), s["judged"], top, sep="\t")
PY
    done
    rm -rf "$frames"
  done
done
