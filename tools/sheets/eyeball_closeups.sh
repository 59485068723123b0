#!/usr/bin/env bash
# The eyeball a widened lid or a gaze uncovers (issue #14, twenty-sixth pass:
# docs/img/eyeball_before.png, eyeball_after.png): the astronaut photo enlarged 3x (at its own
# size her eyes are 17 px wide, too small to look for an iris in until the twenty-eighth pass,
# which builds small eyes' layers enlarged: `small_eyes.sh`) and the
# bundled NPC 7, at rest, surprised and afraid at intensity 2.5, looking down and looking up with
# the lids widened (`--set`), rendered by `emotalk pose` (the reference CPU renderer), each cropped
# round both eyes (from the rig's eye landmarks) and enlarged without smoothing.
#
#   bash tools/sheets/eyeball_closeups.sh OUT.png [EMOTALK_BINARY]
#
# Needs python3 with Pillow (`pip install pillow`) for the enlargement, the crops and the montage
# (`eye_sheet.py`).
set -euo pipefail
out=${1:?usage: eyeball_closeups.sh OUT.png [emotalk binary]}
bin=${2:-cargo run --release --quiet --}
source "$(dirname "$0")/three_portraits.sh"

# The astronaut enlarged 3x (bicubic), her rig's landmarks and box with her.
python3 - "$work" <<'PY'
import json, sys
from PIL import Image

work, k = sys.argv[1], 3
img = Image.open(f"{work}/astronaut.png")
img.resize((img.width * k, img.height * k), Image.BICUBIC).save(f"{work}/astronaut_x3.png")
rig = json.load(open(f"{work}/astronaut.rig.json"))
rig["width"], rig["height"] = rig["width"] * k, rig["height"] * k
rig["landmarks"] = [[x * k, y * k] for x, y in rig["landmarks"]]
if rig.get("face_box"):
    rig["face_box"] = [v * k for v in rig["face_box"]]
rig["image"] = "astronaut_x3.png"
json.dump(rig, open(f"{work}/astronaut_x3.rig.json", "w"))
PY

cases=(surprised fear down up)
pose_cases astronaut_x3 npc_7

# Both eyes (36-47): 1.1 times their span wide, 0.35 times high, a little above their centre,
# enlarged to about 440 px wide.
python3 "$(dirname "$0")/eye_sheet.py" "$work" "$out" --faces astronaut_x3 npc_7 --cases "${cases[@]}" \
  --landmarks 36 48 --span 1.1 0.35 --lift 0.03 --width 440 --zoom 1
echo "wrote $out"
