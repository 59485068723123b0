#!/usr/bin/env python3
"""Before/after contact sheets of the drawn creases (issue #14): docs/img/crease_shadows.png (fifth
pass, the shadows' colour) and docs/img/crease_taper.png (twenty-ninth pass, creases that fade out
at their ends), docs/img/crease_lit.png (thirtieth pass, a fold's lit side the same skin
brighter), docs/img/cheek_relax.png (thirty-first pass, a portrait's own cheek highlight taken
back by the same share of every skin), docs/img/jaw_relax.png (thirty-first pass, the skin a
relaxed expression is drawn from ends at the jaw line), docs/img/cheek_shown.png
(thirty-second pass, only the highlight a portrait shows taken back) and docs/img/crease_white.png
(thirty-third pass, a fold's lit side near white keeps the skin's hue).

    python3 tools/sheets/crease_shadows.py OUT.png BEFORE_EMOTALK AFTER_EMOTALK [shadows|taper|lit|relax|jaw|shown|white]

Renders, with each `emotalk` binary (`emotalk pose`, the reference CPU renderer), the astronaut
photo and procedural NPCs (seed 7, seed 304, dark-skinned, held out, and for `white` the bundled
seed 3) at intensity 2.5 in the emotions whose creases show most (`shadows`, the default: angry,
disgusted, fear, sad on the
photo, disgusted and angry on the NPCs; `taper`: the frown, nose, forehead and smile lines, the
faces cropped closer; `lit`: the folds' lit side on dark, painted and photographed skin; `relax`:
smiling portraits made neutral and sad, the astronaut and NPC 304 painted smiling (`emotalk npc
--emotion happy --intensity 3`), each beside the portrait as it is; `jaw`: the lower faces of the
relaxed ones and of NPC 7 made neutral; `shown`: NPC 304 and NPC 7 painted smiling made neutral
and sad, the astronaut made neutral, with a third row, after less before, amplified; `white`: the
folds' lit side on the bundled NPC 3's near-white skin, on NPC 7 and on the astronaut), crops each
face, and lays them out: top row before, bottom row after.
Needs Pillow and the DejaVu fonts.
"""

import os
import subprocess
import sys
import tempfile

from PIL import Image, ImageChops, ImageDraw, ImageFont

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SHARED = os.path.join(ROOT, "..", "shared", "data", "portraits")
CELL = 220
# Per sheet: the cells, the face crops (x, y, side) in the 512 px portraits, and the caption.
SHEETS = {
    "shadows": (
        [("astronaut", e) for e in ("angry", "disgusted", "fear", "sad")]
        + [(who, e) for who in ("npc_7", "npc_304") for e in ("disgusted", "angry")],
        {"astronaut": (150, 52, 150), "npc_7": (146, 145, 220), "npc_304": (146, 145, 220)},
        "top: before (creases darken all channels alike: grey); bottom: after (skin's red-shifted "
        "shadow, wrinkles::SHADOW_TINT); intensity 2.5, CPU renderer",
    ),
    "taper": (
        [("astronaut", e) for e in ("angry", "disgusted", "surprised")]
        + [("npc_7", e) for e in ("happy", "disgusted", "surprised")]
        + [("npc_304", e) for e in ("angry", "happy")],
        {"astronaut": (160, 52, 130), "npc_7": (156, 120, 200), "npc_304": (156, 120, 200)},
        "top: before (each crease as deep to its last point, ending in a round cap); bottom: after "
        "(deepest along its middle, fading out at its ends, Segment::taper); intensity 2.5, CPU renderer",
    ),
    "lit": (
        [("npc_304", e) for e in ("disgusted", "angry", "happy")]
        + [("npc_7", e) for e in ("disgusted", "happy")]
        + [("astronaut", e) for e in ("disgusted", "angry")],
        {"astronaut": (160, 52, 130), "npc_7": (156, 120, 200), "npc_304": (156, 120, 200)},
        "top: before (a fold's lit side lifted towards white: grey on dark skin); bottom: after (the "
        "same skin brighter, wrinkles::LIT_GAIN); intensity 2.5, CPU renderer",
    ),
    "relax": (
        [(who, e) for who in ("astronaut", "npc_304_smiling") for e in ("as is", "neutral", "sad")],
        {"astronaut": (160, 52, 130), "npc_304_smiling": (156, 120, 200)},
        "top: before (a portrait's own cheek highlight taken back as the inverse of a lift towards white: "
        "dark blotches on dark skin); bottom: after (the same share of every skin); intensity 2.5, CPU renderer",
    ),
    "shown": (
        [("npc_304_smiling", "as is"), ("npc_304_smiling", "neutral"), ("npc_304_smiling", "sad"),
         ("npc_7_smiling", "as is"), ("npc_7_smiling", "neutral"), ("astronaut", "neutral")],
        {"astronaut": (150, 40, 150), "npc_304_smiling": (140, 130, 230), "npc_7_smiling": (140, 130, 230)},
        "top: before (a raised cheek's whole highlight taken back); middle: after (the share the portrait shows, "
        "wrinkles::own_highlight); bottom: after - before, x10; mu 2.5, CPU",
    ),
    "white": (
        [("npc_3", e) for e in ("disgusted", "angry", "happy")]
        + [("npc_7", e) for e in ("disgusted", "angry")]
        + [("astronaut", e) for e in ("disgusted", "angry")],
        {"astronaut": (160, 52, 130), "npc_3": (136, 110, 240), "npc_7": (156, 120, 200)},
        "top: before (each channel of a fold's lit side clipped at white: yellow-white ridges on near-white skin); "
        "bottom: after (lifted until the brightest channel is white, the rest mixed towards white: the skin's hue); "
        "mu 2.5, CPU",
    ),
    "jaw": (
        [("astronaut", "neutral"), ("astronaut", "sad"), ("npc_304_smiling", "as is"), ("npc_304_smiling", "neutral"),
         ("npc_304_smiling", "sad"), ("npc_7", "as is"), ("npc_7", "neutral")],
        {"astronaut": (170, 100, 110), "npc_304_smiling": (170, 220, 170), "npc_7": (170, 220, 170)},
        "top: before (the low-passed skin a relaxed expression is drawn from took in the background beside and "
        "below the jaw: a grey haze, a smudged chin); bottom: after (it ends at the jaw line); intensity 2.5, CPU renderer",
    ),
}
CELLS, CROP, CAPTION = SHEETS["shadows"]
DIFF = False


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
    for seed in (3, 7, 304):
        subprocess.run([emotalk, "npc", "--seed", str(seed), "--size", "512", "--out", work],
                       check=True, capture_output=True)
    for seed in (7, 304):
        smiling = os.path.join(work, f"smiling_{seed}")
        subprocess.run([emotalk, "npc", "--seed", str(seed), "--size", "512", "--out", smiling, "--emotion", "happy",
                        "--intensity", "3"], check=True, capture_output=True)
        os.replace(os.path.join(smiling, "target.png"), os.path.join(work, f"npc_{seed}_smiling.png"))
        os.replace(os.path.join(smiling, "target.rig.json"), os.path.join(work, f"npc_{seed}_smiling.rig.json"))


def row(work, emotalk, tag):
    out = []
    for who, emotion in CELLS:
        f = os.path.join(work, f"{tag}_{who}_{emotion}.png")
        if emotion == "as is":
            f = os.path.join(work, f"{who}.png")
        else:
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
    if DIFF:
        # What changed, amplified: (after - before) x 10 about mid-grey.
        rows.append([ImageChops.subtract(a, b, 0.1, 128) for a, b in zip(rows[1], rows[0])])
    label, small = font(15), font(13)
    head, foot = 22, 24
    sheet = Image.new("RGB", (CELL * len(CELLS), len(rows) * (CELL + head) + foot), "white")
    draw = ImageDraw.Draw(sheet)
    for r, cells in enumerate(rows):
        for c, (im, (who, emotion)) in enumerate(zip(cells, CELLS)):
            x, y = c * CELL, r * (CELL + head)
            draw.text((x + CELL / 2, y + 3), f"{who} {emotion}", fill="black", font=label, anchor="ma")
            sheet.paste(im, (x, y + head))
    draw.text((sheet.width / 2, sheet.height - foot + 5), CAPTION, fill="black", font=small, anchor="ma")
    sheet.save(out)
    print("wrote", out)


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5) or (len(sys.argv) == 5 and sys.argv[4] not in SHEETS):
        sys.exit(f"usage: {sys.argv[0]} OUT.png BEFORE_EMOTALK AFTER_EMOTALK [{'|'.join(SHEETS)}]")
    CELLS, CROP, CAPTION = SHEETS[sys.argv[4] if len(sys.argv) == 5 else "shadows"]
    DIFF = len(sys.argv) == 5 and sys.argv[4] == "shown"
    main(*sys.argv[1:4])
