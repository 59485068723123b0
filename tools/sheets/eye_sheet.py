"""Eye close-up contact sheets (issue #14; `eye_closeups.sh`, `eyeball_closeups.sh`): for each
portrait in a folder, its frames (`WHO.png` at rest, `WHO_CASE.png` for each case) cropped round
its rig's eye landmarks (`WHO.rig.json`), enlarged without smoothing so single pixels show,
labelled, one row per portrait.

    python3 eye_sheet.py WORK OUT --faces A B --cases C D [--landmarks 42 48] [--span 1.6 0.9]
        [--lift 0.15] [--width 160] [--zoom 2]

The crop is `span` times the landmarks' width wide and high, centred on them, raised by `lift`
times their width (the brows' travel), enlarged by a whole factor to about `width` pixels wide
and at least `zoom`. Needs Pillow.
"""
import argparse
import json

from PIL import Image, ImageDraw


def crop_box(rig, first, last, span, lift):
    """The crop round landmarks `first` to `last` (exclusive) of the rig file `rig`, and its size."""
    pts = json.load(open(rig))["landmarks"][first:last]
    xs, ys = [p[0] for p in pts], [p[1] for p in pts]
    w = max(xs) - min(xs)
    cx, cy = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2 - lift * w
    W, H = round(span[0] * w), round(span[1] * w)
    x0, y0 = round(cx - W / 2), round(cy - H / 2)
    return (x0, y0, x0 + W, y0 + H), W, H


def tile(src, box, k, label):
    """The crop `box` of image `src` enlarged `k` times (nearest), a label under it."""
    face = Image.open(src).convert("RGB").crop(box)
    face = face.resize((k * face.width, k * face.height), Image.NEAREST)
    t = Image.new("RGB", (face.width, face.height + 20), "white")
    t.paste(face, (0, 0))
    ImageDraw.Draw(t).text((4, face.height + 4), label, fill="black")
    return t


def grid(rows, out):
    """The tiles `rows` (lists of images) in a grid of equal cells, saved to `out`."""
    tw = max(t.width for r in rows for t in r)
    th = max(t.height for r in rows for t in r)
    sheet = Image.new("RGB", (max(len(r) for r in rows) * (tw + 4), len(rows) * (th + 4)), "white")
    for i, r in enumerate(rows):
        for j, t in enumerate(r):
            sheet.paste(t, (j * (tw + 4), i * (th + 4)))
    sheet.save(out)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("work")
    p.add_argument("out")
    p.add_argument("--faces", nargs="+", required=True)
    p.add_argument("--cases", nargs="+", required=True)
    p.add_argument("--landmarks", nargs=2, type=int, default=[42, 48])
    p.add_argument("--span", nargs=2, type=float, default=[1.6, 0.9])
    p.add_argument("--lift", type=float, default=0.15)
    p.add_argument("--width", type=int, default=160)
    p.add_argument("--zoom", type=int, default=2)
    a = p.parse_args()
    rows = []
    for who in a.faces:
        box, W, _ = crop_box(f"{a.work}/{who}.rig.json", *a.landmarks, a.span, a.lift)
        k = max(a.zoom, round(a.width / W))
        row = []
        for case in ["rest"] + a.cases:
            src = f"{a.work}/{who}.png" if case == "rest" else f"{a.work}/{who}_{case}.png"
            row.append(tile(src, box, k, f"{who} {case}"))
        rows.append(row)
    grid(rows, a.out)


if __name__ == "__main__":
    main()
