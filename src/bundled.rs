//! Assets made by this project and embedded in the library, so the crate works out of the box
//! with no files beside the binary. How each was made: `assets/*/README.md`.

/// A 4.9 s line spoken by the `slt` flite voice, 16 kHz mono OGG/Vorbis
/// (`assets/lines/greeting.ogg`): "Well, hello there, traveller! You look like someone with a
/// story to tell."
pub const GREETING_OGG: &[u8] = include_bytes!("../assets/lines/greeting.ogg");

/// The label the embedded greeting carries in errors and reports.
pub const GREETING_LABEL: &str = "<bundled>/lines/greeting.ogg";
