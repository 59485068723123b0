#!/usr/bin/env python3
"""Before/after contact sheet of the crease shadows (issue #14, fifth pass): docs/img/crease_shadows.png.

    python3 tools/sheets/crease_shadows.py OUT.png BEFORE_EMOTALK AFTER_EMOTALK

Renders, with each `emotalk` binary (`emotalk pose`, the reference CPU renderer), the astronaut
photo and two procedural NPCs (seed 7, and seed 304, dark-skinned, held out) at intensity 2.5 in
the emotions whose creases show most (angry, disgusted, fear, sad on the photo; disgusted and
angry on the NPCs), crops each face, and lays them out: top row before, bottom row after.
Needs Pillow and the DejaVu fonts.
"""

import os
import subprocess
import sys
import tempfile

from PIL import Image, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(ROOT, "..", "shared", "data", "portraits")
CELL = 220
CELLS = [("astronaut", e) for e in ("angry", "disgusted", "fear", "sad")] + [
    (who, e) for who in ("npc_7", "npc_304") for e in ("disgusted", "angry")
]
# Face crops (x, y, side) in the 512 px portraits.
CROP = {"astronaut": (150, 52, 150), "npc_7": (146, 145, 220), "npc_304": (146, 145, 220)}


def font(size):
    for f in ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf", "DejaVuSans.ttf"):
        try:
            return ImageFont.truetype(f, size)
        except OSError:
            pass
    return ImageFont.load_default()


def portraits(work, emotalk):
    subprocess.run([emotalk, "rig", "import", "--image", os.path.join(SHARED, "astronaut.png"),
                    "--landmarks", os.path.join(SHARED, "astronaut.landmarks68.json"),
                    "--out", os.path.join(work, "astronaut.rig.json")], check=True, capture_output=True)
    Image.open(os.path.join(SHARED, "astronaut.png")).save(os.path.join(work, "astronaut.png"))
    for seed in (7, 304):
        subprocess.run([emotalk, "npc", "--seed", str(seed), "--size", "512", "--out", work],
                       check=True, capture_output=True)


def row(work, emotalk, tag):
    out = []
    for who, emotion in CELLS:
        f = os.path.join(work, f"{tag}_{who}_{emotion}.png")
        subprocess.run([emotalk, "pose", "--portrait", os.path.join(work, f"{who}.png"),
                        "--rig", os.path.join(work, f"{who}.rig.json"), "--emotion", emotion,
                        "--intensity", "2.5", "--out", f], check=True, capture_output=True)
        x, y, s = CROP[who]
        out.append(Image.open(f).convert("RGB").crop((x, y, x + s, y + s)).resize((CELL, CELL), Image.LANCZOS))
    return out


def main(out, before, after):
    with tempfile.TemporaryDirectory() as work:
        portraits(work, after)
        rows = [row(work, before, "before"), row(work, after, "after")]
    label, small = font(15), font(13)
    head, foot = 22, 24
    sheet = Image.new("RGB", (CELL * len(CELLS), 2 * (CELL + head) + foot), "white")
    draw = ImageDraw.Draw(sheet)
    for r, cells in enumerate(rows):
        for c, (im, (who, emotion)) in enumerate(zip(cells, CELLS)):
            x, y = c * CELL, r * (CELL + head)
            draw.text((x + CELL / 2, y + 3), f"{who} {emotion}", fill="black", font=label, anchor="ma")
            sheet.paste(im, (x, y + head))
    draw.text((sheet.width / 2, sheet.height - foot + 5),
              "top: before (creases darken all channels alike: grey); bottom: after (skin's red-shifted "
              "shadow, wrinkles::SHADOW_TINT); intensity 2.5, CPU renderer", fill="black", font=small, anchor="ma")
    sheet.save(out)
    print("wrote", out)


if __name__ == "__main__":
    main(*sys.argv[1:4])
