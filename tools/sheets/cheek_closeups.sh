#!/usr/bin/env bash
# Cheek close-ups (issue #14, twenty-fourth pass; BENCHMARKS.md, "relaxed skin's grain"): the smiling astronaut
# photo as it is and made neutral, sad and angry at intensity 2.5, rendered by `emotalk pose` (the
# reference CPU renderer), each cropped round her cheeks, nose and mouth (from the rig's landmarks)
# and enlarged 3x without smoothing, so the skin's grain shows: where her own smile's folds are
# relaxed ([`wrinkles::SkinShading`]), the skin keeps its grain or turns waxen.
#
#   bash tools/sheets/cheek_closeups.sh OUT.png [EMOTALK_BINARY]
#
# Needs python3 with Pillow (`pip install pillow`) for the crops and the montage.
set -euo pipefail
out=${1:?usage: cheek_closeups.sh OUT.png [emotalk binary]}
bin=${2:-cargo run --release --quiet --}
source "$(dirname "$0")/three_portraits.sh"

emotions=(neutral sad angry)
for emotion in "${emotions[@]}"; do
  $bin pose --portrait "$work/astronaut.png" --rig "$work/astronaut.rig.json" --emotion "$emotion" \
    --intensity 2.5 --out "$work/astronaut_${emotion}.png" >/dev/null
done

python3 - "$work" "$out" "${emotions[@]}" <<'PY'
import json, sys
from PIL import Image, ImageDraw

work, out, emotions = sys.argv[1], sys.argv[2], sys.argv[3:]
lm = json.load(open(f"{work}/astronaut.rig.json"))["landmarks"]
# From the outer eye corners' width, below the eyes (41, 46) to below the mouth (57).
x0, x1 = lm[36][0], lm[45][0]
y0, y1 = min(lm[41][1], lm[46][1]), lm[57][1] + 6
box = tuple(round(v) for v in (x0, y0, x1, y1))
tiles = []
for name, file in [("photo", "astronaut.png")] + [(e, f"astronaut_{e}.png") for e in emotions]:
    face = Image.open(f"{work}/{file}").convert("RGB").crop(box)
    face = face.resize((3 * face.width, 3 * face.height), Image.NEAREST)
    tile = Image.new("RGB", (face.width, face.height + 20), "white")
    tile.paste(face, (0, 0))
    ImageDraw.Draw(tile).text((4, face.height + 4), f"astronaut {name}" + ("" if name == "photo" else " 2.5"), fill="black")
    tiles.append(tile)
sheet = Image.new("RGB", (sum(t.width + 4 for t in tiles), max(t.height for t in tiles)), "white")
x = 0
for t in tiles:
    sheet.paste(t, (x, 0))
    x += t.width + 4
sheet.save(out)
PY
echo "wrote $out"
