# Sourced by the sheet scripts here (not run on its own): puts the three portraits #14 was tuned
# on, with their rigs, in a fresh folder `$work` (removed on exit): the astronaut photo
# (`astronaut.png`, its rig imported from `../shared`) and the procedural NPCs 3 and 7
# (`npc_3.png`, `npc_7.png`), made by `$bin` (an `emotalk` command line). The function
# `astronaut_closed` (needs python3 with Pillow) adds the astronaut with her mouth closed
# (`astronaut_closed.png`: her lips' opening painted over with each lip's own edge, her inner
# lips' landmarks met a pixel apart, as `tests/face_render.rs` makes her), a photograph that
# shows no teeth of its own, so a parted mouth draws the procedural ones. The function
# `pose_cases` poses portraits for each of the script's `cases`.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
shared="$here/../shared/data/portraits"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$bin rig import --image "$shared/astronaut.png" --landmarks "$shared/astronaut.landmarks68.json" \
  --out "$work/astronaut.rig.json" >/dev/null
cp "$shared/astronaut.png" "$work/astronaut.png"
for seed in 3 7; do $bin npc --seed "$seed" --size 512 --out "$work" >/dev/null; done
astronaut_closed() {
python3 - "$work" <<'PY'
import json, sys
from PIL import Image

work = sys.argv[1]
rig = json.load(open(f"{work}/astronaut.rig.json"))
img = Image.open(f"{work}/astronaut.png").convert("RGBA")
src = img.copy()
lm = rig["landmarks"]


def contour_y(points, x):
    """The piecewise-linear contour through `points` (left to right) at `x`."""
    for (x0, y0), (x1, y1) in zip(points, points[1:]):
        if x0 <= x <= x1 and x1 > x0:
            return y0 + (y1 - y0) * (x - x0) / (x1 - x0)
    return None


upper = sorted([lm[i] for i in (60, 61, 62, 63, 64)])
lower = sorted([lm[i] for i in (60, 67, 66, 65, 64)])
for x in range(int(lm[60][0]), int(lm[64][0]) + 2):
    top, bottom = contour_y(upper, x + 0.5), contour_y(lower, x + 0.5)
    if top is None or bottom is None:
        continue
    mid = (top + bottom) / 2
    for y in range(int(top) - 1, int(bottom) + 2):
        # Each lip's own edge, two pixels beyond the opening, drawn up to the midline.
        ref = top - 2 if y + 0.5 < mid else bottom + 2
        img.putpixel((x, y), src.getpixel((x, int(ref))))
for up, low in [(61, 67), (62, 66), (63, 65)]:
    mx, my = (lm[up][0] + lm[low][0]) / 2, (lm[up][1] + lm[low][1]) / 2
    lm[up], lm[low] = [mx, my - 0.5], [mx, my + 0.5]
rig["image"] = "astronaut_closed.png"
img.save(f"{work}/astronaut_closed.png")
json.dump(rig, open(f"{work}/astronaut_closed.rig.json", "w"))
PY
}

# `pose_cases WHO...`: each portrait `$work/WHO.png` posed by `$bin` for each of `${cases[@]}`:
# an emotion at intensity 2.5, or `down` (looking down) or `up` (the lids widened, looking up) by
# `--set`; the frames are `$work/WHO_CASE.png`.
pose_cases() {
  local who case args
  for who in "$@"; do
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
}
