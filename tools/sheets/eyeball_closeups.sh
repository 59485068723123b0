#!/usr/bin/env bash
# The eyeball a widened lid or a gaze uncovers (issue #14, twenty-sixth pass:
# docs/img/eyeball_before.png, eyeball_after.png): the astronaut photo enlarged 3x (at its own
# size her eyes are 17 px wide, too small to look for an iris in, and render as before) and the
# bundled NPC 7, at rest, surprised and afraid at intensity 2.5, looking down and looking up with
# the lids widened (`--set`), rendered by `emotalk pose` (the reference CPU renderer), each cropped
# round both eyes (from the rig's eye landmarks) and enlarged without smoothing.
#
#   bash tools/sheets/eyeball_closeups.sh OUT.png [EMOTALK_BINARY]
#
# Needs python3 with Pillow (`pip install pillow`) for the enlargement, the crops and the montage.
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
for who in astronaut_x3 npc_7; do
  for case in "${cases[@]}"; do
    case $case in
      down) args=(--set "eyeLookDownLeft=1,eyeLookDownRight=1") ;;
      up) args=(--set "eyeWideLeft=1,eyeWideRight=1,eyeLookUpLeft=1,eyeLookUpRight=1") ;;
      *) args=(--emotion "$case" --intensity 2.5) ;;
    esac
    $bin pose --portrait "$work/$who.png" --rig "$work/$who.rig.json" "${args[@]}" \
      --out "$work/${who}_${case}.png" >/dev/null
  done
done

python3 - "$work" "$out" "${cases[@]}" <<'PY'
import json, sys
from PIL import Image, ImageDraw

work, out, cases = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = []
for who in ["astronaut_x3", "npc_7"]:
    # Round both eyes (36-47): 1.1 times their span wide, 0.35 times high, a little above their
    # centre, enlarged to about 440 px wide.
    eyes = json.load(open(f"{work}/{who}.rig.json"))["landmarks"][36:48]
    xs, ys = [p[0] for p in eyes], [p[1] for p in eyes]
    w = max(xs) - min(xs)
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2 - 0.03 * w
    W, H = round(1.1 * w), round(0.35 * w)
    box = (round(cx - W / 2), round(cy - H / 2), round(cx - W / 2) + W, round(cy - H / 2) + H)
    k = max(1, round(440 / W))
    row = []
    for case in ["rest"] + cases:
        src = f"{work}/{who}.png" if case == "rest" else f"{work}/{who}_{case}.png"
        face = Image.open(src).convert("RGB").crop(box).resize((k * W, k * H), Image.NEAREST)
        tile = Image.new("RGB", (face.width, face.height + 20), "white")
        tile.paste(face, (0, 0))
        ImageDraw.Draw(tile).text((4, face.height + 4), f"{who} {case}", fill="black")
        row.append(tile)
    rows.append(row)
tw = max(t.width for r in rows for t in r)
th = max(t.height for r in rows for t in r)
sheet = Image.new("RGB", (len(rows[0]) * (tw + 4), len(rows) * (th + 4)), "white")
for i, r in enumerate(rows):
    for j, t in enumerate(r):
        sheet.paste(t, (j * (tw + 4), i * (th + 4)))
sheet.save(out)
PY
echo "wrote $out"
