#!/usr/bin/env bash
# Mouth close-ups (issue #14, eighth to eleventh passes; docs/img/mouth_closeups_*.png): the astronaut photo
# made neutral, sad and angry (her lips closed over her own teeth: the seam where they meet), happy,
# surprised, fear and disgusted (her own teeth on the skull, the procedural ones below), and the
# bundled NPCs 3 and 7 angry, happy, fear and disgusted (procedural teeth), at intensity 2.5,
# rendered by `emotalk pose` (the reference CPU renderer), each cropped round the mouth (from the
# rig's lip landmarks) and enlarged ZOOM times (default 3) without smoothing, so single pixels show.
#
#   bash tools/sheets/mouth_closeups.sh OUT.png [EMOTALK_BINARY [WHO:EMOTION ...]]
#
# WHO:EMOTION cells (WHO one of astronaut, astronaut_closed, npc_3, npc_7) replace the fifteen
# above, e.g. the eighteenth pass's tooth rows (docs/img/teeth_rows_*.png): npc_3:angry
# npc_3:happy npc_7:angry npc_7:happy; the twenty-third pass's teeth beside the skin
# (docs/img/teeth_light_*.png): astronaut_closed:happy astronaut_closed:angry
# astronaut_closed:surprised astronaut:angry npc_3:angry npc_3:happy npc_7:angry npc_7:happy.
#
# ZOOM (default 3), SPAN (the crop's width over the mouth's, default 2) and COLS (default 4) set
# the enlargement, the crop and the sheet's columns; the twenty-fourth pass's mouth corners
# (docs/img/mouth_corners_*.png): ZOOM=6 SPAN=1.3 COLS=3 with astronaut_closed:happy
# astronaut_closed:fear astronaut_closed:disgusted.
#
# Needs python3 with Pillow (`pip install pillow`) for the crops and the montage.
set -euo pipefail
out=${1:?usage: mouth_closeups.sh OUT.png [emotalk binary [WHO:EMOTION ...]]}
bin=${2:-cargo run --release --quiet --}
source "$(dirname "$0")/three_portraits.sh"

shift $(($# < 2 ? $# : 2))
cells=(astronaut:neutral astronaut:sad astronaut:angry astronaut:happy astronaut:surprised astronaut:fear
  astronaut:disgusted npc_3:angry npc_3:happy npc_3:fear npc_3:disgusted npc_7:angry npc_7:happy npc_7:fear
  npc_7:disgusted)
if (($# > 0)); then cells=("$@"); fi
if [[ " ${cells[*]} " == *" astronaut_closed:"* ]]; then astronaut_closed; fi
for cell in "${cells[@]}"; do
  who=${cell%%:*} emotion=${cell#*:}
  $bin pose --portrait "$work/$who.png" --rig "$work/$who.rig.json" --emotion "$emotion" --intensity 2.5 \
    --out "$work/${who}_${emotion}.png" >/dev/null
done

ZOOM=${ZOOM:-3} SPAN=${SPAN:-2} COLS=${COLS:-4} python3 - "$work" "$out" "${cells[@]}" <<'PY'
import json, os, sys
from PIL import Image, ImageDraw

work, out, cells = sys.argv[1], sys.argv[2], sys.argv[3:]
zoom, span, cols = int(os.environ["ZOOM"]), float(os.environ["SPAN"]), int(os.environ["COLS"])
tiles = []
for cell in cells:
    who, emotion = cell.split(":")
    # Round the lip landmarks (48-67): SPAN times their width, 0.7 of that high, enlarged ZOOM x.
    lm = json.load(open(f"{work}/{who}.rig.json"))["landmarks"][48:68]
    xs, ys = [p[0] for p in lm], [p[1] for p in lm]
    cx, cy, w = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, max(xs) - min(xs)
    W, H = round(span * w), round(0.7 * span * w)
    box = (round(cx - W / 2), round(cy - H / 2), round(cx - W / 2) + W, round(cy - H / 2) + H)
    face = Image.open(f"{work}/{who}_{emotion}.png").convert("RGB").crop(box)
    face = face.resize((zoom * W, zoom * H), Image.NEAREST)
    tile = Image.new("RGB", (face.width, face.height + 20), "white")
    tile.paste(face, (0, 0))
    ImageDraw.Draw(tile).text((4, face.height + 4), f"{who} {emotion}", fill="black")
    tiles.append(tile)
tw, th = max(t.width for t in tiles), max(t.height for t in tiles)
sheet = Image.new("RGB", (cols * (tw + 4), -(-len(tiles) // cols) * (th + 4)), "white")
for k, t in enumerate(tiles):
    sheet.paste(t, ((k % cols) * (tw + 4), (k // cols) * (th + 4)))
sheet.save(out)
PY
echo "wrote $out"
