//! Shared by the judged examples (not an example itself): the portraits #14's presets were tuned
//! on, the astronaut photo (`../shared/data/portraits`) and the bundled NPCs 3 and 7.

use std::path::Path;

use emotalk::face::PortraitRig;
use emotalk::face::import::import_rig;
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
