//! Assets made by this project and embedded in the library, so the crate works out of the box
//! with no files beside the binary. How each was made: `assets/*/README.md`.

/// A 4.9 s line spoken by the `slt` flite voice, 16 kHz mono OGG/Vorbis
/// (`assets/lines/greeting.ogg`): "Well, hello there, traveller! You look like someone with a
/// story to tell."
pub const GREETING_OGG: &[u8] = include_bytes!("../assets/lines/greeting.ogg");

/// The label the embedded greeting carries in errors and reports.
pub const GREETING_LABEL: &str = "<bundled>/lines/greeting.ogg";

/// A procedural character (seed 3: blonde bob, red top), 512 × 512 PNG
/// (`assets/portraits/npc_3.png`).
pub const NPC_3_PNG: &[u8] = include_bytes!("../assets/portraits/npc_3.png");
/// The exact rig of [`NPC_3_PNG`].
pub const NPC_3_RIG: &str = include_str!("../assets/portraits/npc_3.rig.json");
/// A procedural character (seed 7: dark spiky hair, blue top), 512 × 512 PNG
/// (`assets/portraits/npc_7.png`).
pub const NPC_7_PNG: &[u8] = include_bytes!("../assets/portraits/npc_7.png");
/// The exact rig of [`NPC_7_PNG`].
pub const NPC_7_RIG: &str = include_str!("../assets/portraits/npc_7.rig.json");
