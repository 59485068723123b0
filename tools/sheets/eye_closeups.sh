#!/usr/bin/env bash
# Eye close-ups (issue #14, fifteenth pass: docs/img/eye_closeups_*.png; twenty-first pass, the lids: docs/img/eye_lids_*.png; twenty-second, the uncovered sclera: docs/img/eye_sclera_*.png): the astronaut photo and the
# bundled NPCs 3 and 7 at rest and surprised, afraid and angry at intensity 2.5 (widened lids uncover
# the sclera, a squint covers it), rendered by `emotalk pose` (the reference CPU renderer), each
# cropped round the subject's left eye (from the rig's eye landmarks) and enlarged without
# smoothing, so single pixels show: the uncovered sclera's colour and how it meets the eyeball and
# the lids.
#
#   bash tools/sheets/eye_closeups.sh OUT.png [EMOTALK_BINARY]
#
# Needs python3 with Pillow (`pip install pillow`) for the crops and the montage.
set -euo pipefail
out=${1:?usage: eye_closeups.sh OUT.png [emotalk binary]}
bin=${2:-cargo run --release --quiet --}
source "$(dirname "$0")/three_portraits.sh"

emotions=(surprised fear angry)
for who in astronaut npc_3 npc_7; do
  for emotion in "${emotions[@]}"; do
    $bin pose --portrait "$work/$who.png" --rig "$work/$who.rig.json" --emotion "$emotion" --intensity 2.5 \
      --out "$work/${who}_${emotion}.png" >/dev/null
  done
done

# The subject's left eye (42-47): 1.6 times its width wide, 0.9 times high, a little above its
# centre (the brow's travel), enlarged to about 160 px wide.
python3 "$(dirname "$0")/eye_sheet.py" "$work" "$out" --faces astronaut npc_3 npc_7 --cases "${emotions[@]}" \
  --landmarks 42 48 --span 1.6 0.9 --lift 0.15 --width 160 --zoom 2
echo "wrote $out"
