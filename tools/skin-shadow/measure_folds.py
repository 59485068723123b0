#!/usr/bin/env python3
"""How much redder a skin fold's shadow is than the skin beside it, measured on a photograph.

    python3 measure_folds.py PORTRAIT.png LANDMARKS68.json > fold_shadow.json

The crate's creases darken the portrait's own colour (`src/face/wrinkles/mod.rs`, `apply`). Scaling
every channel by the same factor keeps the hue and lowers the chroma, and on a photograph such a
crease reads as a grey pencil line: real skin shadows are redder and more saturated than the lit
skin, because red light scatters furthest under the skin before it leaves it (d'Eon & Luebke,
"Advanced Techniques for Realistic Real-Time Skin Rendering", GPU Gems 3, ch. 14, 2007: the red
diffusion profile is several times wider than the green and blue ones). So a channel's shadow
ratio is the luminance's raised to an exponent: `c_shadow = c_lit * t ** e`, `t` the luminance
ratio.

This script measures `e` on a photographed face's own nasolabial folds: for each side (outer lip
corner 48 with the nose's 31, corner 54 with 35) and six rows between the nose wing and the mouth
corner, a 3-pixel-high profile of 19 pixels from the corner outwards; its darkest pixel (Rec. 709
luminance) is the fold, the mean of its five brightest the lit skin beside it. Each row gives
`e_i = ln(shadow_i / lit_i) / ln(t)`; the per-channel median over the 12 rows is the result (the
crate's `wrinkles::SHADOW_TINT`, checked against this file by a unit test).

Needs numpy and Pillow.
"""

import json
import sys

import numpy as np
from PIL import Image

LUMA = np.array([0.2126, 0.7152, 0.0722])
ROWS = [0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
REACH = 18  # pixels outwards from the mouth corner (the face is about 95 px wide)


def main(image_path, landmarks_path):
    im = np.asarray(Image.open(image_path).convert("RGB")).astype(float) / 255.0
    lm = json.load(open(landmarks_path))
    lm = np.array(lm["landmarks"] if isinstance(lm, dict) else lm, dtype=float)
    rows = []
    for side, (corner, nose, step) in {"right": (48, 31, -1), "left": (54, 35, 1)}.items():
        for f in ROWS:
            y = int(lm[nose][1] + (lm[corner][1] - lm[nose][1]) * f)
            x0 = int(lm[corner][0])
            xs = [x0 + step * k for k in range(REACH + 1)]
            prof = np.array([im[y - 1 : y + 2, x].mean(0) for x in xs])
            lum = prof @ LUMA
            shadow = prof[lum.argmin()]
            lit = prof[np.argsort(lum)[-5:]].mean(0)
            ratio = shadow / lit
            e = np.log(ratio) / np.log(ratio @ LUMA)
            rows.append({"side": side, "row": f, "shadow": (shadow * 255).round(1).tolist(),
                         "lit": (lit * 255).round(1).tolist(), "exponent": e.round(3).tolist()})
    median = np.median(np.array([r["exponent"] for r in rows]), axis=0)
    json.dump({"image": image_path.split("/")[-1], "rows": rows,
               "exponent": median.round(2).tolist()}, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
