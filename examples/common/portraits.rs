//! Shared by the judged examples (not an example itself): the portraits #14's presets were tuned
//! on, the astronaut photo (`../shared/data/portraits`) and the bundled NPCs 3 and 7, and
//! populations of painted NPCs by seed. Not every example that includes it uses all of it.
#![allow(dead_code)]

use std::path::Path;

use emotalk::face::import::import_rig;
use emotalk::face::{PortraitRig, npc};
use image::RgbaImage;

/// `(name, image, rig)` of the astronaut, NPC 3 and NPC 7; `root` is the crate's directory.
pub fn tuned(root: &Path) -> Vec<(String, RgbaImage, PortraitRig)> {
    let shared = root.join("../shared/data/portraits");
    let astro = shared.join("astronaut.png");
    let mut out = vec![(
        "astronaut".to_string(),
        image::open(&astro).expect("astronaut.png").to_rgba8(),
        import_rig(&astro, &shared.join("astronaut.landmarks68.json")).expect("astronaut rig"),
    )];
    for n in ["npc_3", "npc_7"] {
        let dir = root.join("assets/portraits");
        out.push((
            n.to_string(),
            image::open(dir.join(format!("{n}.png"))).expect("npc png").to_rgba8(),
            PortraitRig::load(dir.join(format!("{n}.rig.json"))).expect("npc rig"),
        ));
    }
    out
}

/// A `--seeds A..B` argument as a range of NPC seeds.
pub fn seed_range(spec: &str) -> std::ops::Range<u64> {
    let (a, b) = spec.split_once("..").expect("--seeds A..B");
    a.parse().expect("--seeds A..B: a seed")..b.parse().expect("--seeds A..B: a seed")
}

/// `(name, image, rig)` of the painted NPCs of these seeds at 512 px, named `npc_SEED`.
pub fn npcs(seeds: std::ops::Range<u64>) -> Vec<(String, RgbaImage, PortraitRig)> {
    seeds
        .map(|seed| {
            let n = npc::generate(seed, 512);
            (format!("npc_{seed}"), n.image, n.rig)
        })
        .collect()
}
