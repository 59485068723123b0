# Sourced by the sheet scripts here (not run on its own): puts the three portraits #14 was tuned
# on, with their rigs, in a fresh folder `$work` (removed on exit): the astronaut photo
# (`astronaut.png`, its rig imported from `../shared`) and the procedural NPCs 3 and 7
# (`npc_3.png`, `npc_7.png`), made by `$bin` (an `emotalk` command line).
here=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
shared="$here/../shared/data/portraits"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

$bin rig import --image "$shared/astronaut.png" --landmarks "$shared/astronaut.landmarks68.json" \
  --out "$work/astronaut.rig.json" >/dev/null
cp "$shared/astronaut.png" "$work/astronaut.png"
for seed in 3 7; do $bin npc --seed "$seed" --size 512 --out "$work" >/dev/null; done
