#!/usr/bin/env bash
# Small eyes' hidden eyeball (issue #14, twenty-eighth pass: docs/img/small_eyes_before.png,
# small_eyes_after.png): the astronaut photo at its own size (her eyes are 17 px wide; their
# eyeball layers are built at 3x since that pass, `cpu_render::EYE_LAYER_WIDTH`) and the bundled
# NPC 7 (38 px eyes, built at 2x), at rest, neutral, angry, surprised and afraid at intensity 2.5
# and widened looking up (`--set`), rendered by `emotalk pose` (the reference CPU renderer), each
# cropped round both eyes (from the rig's eye landmarks) and enlarged without smoothing.
#
#   bash tools/sheets/small_eyes.sh OUT.png [EMOTALK_BINARY]
#
# Needs python3 with Pillow (`pip install pillow`) for the crops and the montage (`eye_sheet.py`).
set -euo pipefail
out=${1:?usage: small_eyes.sh OUT.png [emotalk binary]}
bin=${2:-cargo run --release --quiet --}
source "$(dirname "$0")/three_portraits.sh"

cases=(neutral angry surprised fear up)
pose_cases astronaut npc_7

# Both eyes (36-47): 1.1 times their span wide, 0.35 times high, a little above their centre,
# enlarged to about 330 px wide.
python3 "$(dirname "$0")/eye_sheet.py" "$work" "$out" --faces astronaut npc_7 --cases "${cases[@]}" \
  --landmarks 36 48 --span 1.1 0.35 --lift 0.03 --width 330 --zoom 1
echo "wrote $out"
