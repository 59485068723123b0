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

python3 - "$work" "$out" "${emotions[@]}" <<'PY'
import json, sys
from PIL import Image, ImageDraw

work, out, emotions = sys.argv[1], sys.argv[2], sys.argv[3:]
rows = []
for who in ["astronaut", "npc_3", "npc_7"]:
    # Round the subject's left eye (42-47): 1.6 times its width wide, 0.9 times high, a little
    # above its centre (the brow's travel), enlarged to about 160 px wide.
    eye = json.load(open(f"{work}/{who}.rig.json"))["landmarks"][42:48]
    xs, ys = [p[0] for p in eye], [p[1] for p in eye]
    w = max(xs) - min(xs)
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2 - 0.15 * w
    W, H = round(1.6 * w), round(0.9 * w)
    box = (round(cx - W / 2), round(cy - H / 2), round(cx - W / 2) + W, round(cy - H / 2) + H)
    k = max(2, round(160 / W))
    row = []
    for emotion in ["rest"] + emotions:
        src = f"{work}/{who}.png" if emotion == "rest" else f"{work}/{who}_{emotion}.png"
        face = Image.open(src).convert("RGB").crop(box).resize((k * W, k * H), Image.NEAREST)
        tile = Image.new("RGB", (face.width, face.height + 20), "white")
        tile.paste(face, (0, 0))
        ImageDraw.Draw(tile).text((4, face.height + 4), f"{who} {emotion}", fill="black")
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
