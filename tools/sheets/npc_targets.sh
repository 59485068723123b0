#!/usr/bin/env bash
# The warp-vs-native-painting sheet of issue #16 (docs/img/npc_targets.png): NPCs 3, 7 and 12 at
# happy, surprised, disgusted and fear (intensity 3), each as the reference renderer warps the
# neutral painting (`emotalk pose`) and as the painter paints it natively (`emotalk npc
# --emotion`, DIR/target.png), the face cropped, labelled.
#
#   bash tools/sheets/npc_targets.sh OUT.png [EMOTALK_BINARY]
#
# Needs ImageMagick and a font (`apt-get install imagemagick fonts-dejavu-core`).
set -euo pipefail
out=${1:?usage: npc_targets.sh OUT.png [emotalk binary]}
bin=${2:-cargo run --release --quiet --}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cells=()
for seed in 3 7 12; do
  for e in happy surprised disgusted fear; do
    d="$work/$seed-$e"
    $bin npc --seed "$seed" --size 512 --emotion "$e" --intensity 3 --out "$d" 2>/dev/null
    $bin pose --portrait "$d/npc_$seed.png" --rig "$d/npc_$seed.rig.json" --emotion "$e" --intensity 3 \
      --out "$d/warp.png" 2>/dev/null
    for k in warp target; do
      convert "$d/$k.png" -crop 256x256+128+80 +repage -resize 220x220 -gravity south -background white \
        -splice 0x20 -font DejaVu-Sans -pointsize 13 -annotate +0+3 "npc $seed $e: $k" "$d/l_$k.png"
      cells+=("$d/l_$k.png")
    done
  done
done
montage "${cells[@]}" -tile 8x -geometry +2+2 "$out"
echo "wrote $out"
