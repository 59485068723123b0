#!/usr/bin/env bash
# The head-pose contact sheet of issue #18 (docs/img/head_pose_*.png): the astronaut photo and two
# procedural NPCs at rest and at large poses (roll 10°, yaw ±20°, pitch 10°, and all three at
# once), rendered by `emotalk pose` (the reference CPU renderer), one row per portrait, labelled.
#
#   bash tools/sheets/head_pose.sh OUT.png [EMOTALK_BINARY]
#
# Needs ImageMagick and a font (`apt-get install imagemagick fonts-dejavu-core`) for the montage.
set -euo pipefail
out=${1:?usage: head_pose.sh OUT.png [emotalk binary]}
bin=${2:-cargo run --release --quiet --}
source "$(dirname "$0")/three_portraits.sh"

poses=("0 0 0" "0 0 10" "20 0 0" "-20 0 0" "0 10 0" "-20 -10 -10")
cells=()
for who in astronaut npc_3 npc_7; do
  for p in "${poses[@]}"; do
    read -r yaw pitch roll <<<"$p"
    f="$work/${who}_${yaw}_${pitch}_${roll}.png"
    $bin pose --portrait "$work/$who.png" --rig "$work/$who.rig.json" --emotion neutral \
      --yaw="$yaw" --pitch="$pitch" --roll="$roll" --out "$f" >/dev/null
    convert "$f" -resize 256x256 -gravity south -background white -splice 0x22 -font DejaVu-Sans -pointsize 16 \
      -annotate +0+3 "$who  yaw $yaw  pitch $pitch  roll $roll" "$f"
    cells+=("$f")
  done
done
montage "${cells[@]}" -tile 6x -geometry +2+2 "$out"
echo "wrote $out"
