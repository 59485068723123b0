#!/usr/bin/env bash
# Spoken mouth close-ups (issue #14, eleventh pass; docs/img/spoken_mouths_*.png): the astronaut photo
# speaking the bundled line at intensity 2.5, neutral, angry and surprised (`emotalk render --still`:
# no blinks or head motion, so the frames line up from one build to the next), frames 24, 36, 48, 60,
# 72 and 84 of the 30 fps line, each cropped round the mouth (from the rig's lip landmarks) and
# enlarged 3x without smoothing. Her own teeth show in every opening: where they stand is what the
# sheet is for.
#
#   bash tools/sheets/spoken_mouths.sh OUT.png [EMOTALK_BINARY]
#
# Needs python3 with Pillow (`pip install pillow`) for the crops and the montage.
set -euo pipefail
out=${1:?usage: spoken_mouths.sh OUT.png [emotalk binary]}
bin=${2:-cargo run --release --quiet --}
here=$(cd "$(dirname "$0")/../.." && pwd)
shared="$here/../shared/data/portraits"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$bin rig import --image "$shared/astronaut.png" --landmarks "$shared/astronaut.landmarks68.json" \
  --out "$work/astronaut.rig.json" >/dev/null 2>&1
emotions=(neutral angry surprised)
for emotion in "${emotions[@]}"; do
  $bin render --portrait "$shared/astronaut.png" --rig "$work/astronaut.rig.json" --emotion "$emotion" \
    --intensity 2.5 --still --out "$work/$emotion" >/dev/null 2>&1
done

python3 - "$work" "$out" "${emotions[@]}" <<'PY'
import json, sys
from PIL import Image, ImageDraw

work, out, emotions = sys.argv[1], sys.argv[2], sys.argv[3:]
frames = [24, 36, 48, 60, 72, 84]
lm = json.load(open(f"{work}/astronaut.rig.json"))["landmarks"][48:68]
xs, ys = [p[0] for p in lm], [p[1] for p in lm]
cx, cy, w = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, max(xs) - min(xs)
W, H = round(1.6 * w), round(1.0 * w)
box = (round(cx - W / 2), round(cy - H / 2 + 0.1 * w), round(cx - W / 2) + W, round(cy - H / 2 + 0.1 * w) + H)
rows = []
for emotion in emotions:
    tiles = []
    for f in frames:
        img = Image.open(f"{work}/{emotion}/frame_{f:05}.png").convert("RGB").crop(box)
        tiles.append(img.resize((3 * W, 3 * H), Image.NEAREST))
    rows.append((emotion, tiles))
tw, th = 3 * W, 3 * H
sheet = Image.new("RGB", (len(frames) * (tw + 4) + 90, len(rows) * (th + 4)), "white")
for r, (emotion, tiles) in enumerate(rows):
    ImageDraw.Draw(sheet).text((4, r * (th + 4) + th // 2), emotion, fill="black")
    for k, t in enumerate(tiles):
        sheet.paste(t, (90 + k * (tw + 4), r * (th + 4)))
sheet.save(out)
PY
echo "wrote $out"
