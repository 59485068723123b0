//! The morphable face model (the paper's 3DMM, designed for games), Bevy-free.
//!
//! Built on the iBUG 68-point landmark convention ([`layout`]): a mean face in 3D with
//! documented proportions ([`mean`]), and one dense mesh over the face and its surroundings
//! ([`mesh`]) placed on any portrait and deformed harmonically ([`deform`]); portrait rigs ([`rig`],
//! [`import`]) validated against that mesh. The ARKit-named blendshape basis, fitting and the
//! reference CPU renderer build on these.

pub mod authoring;
pub mod blendshapes;
mod colours;
pub mod compound;
pub mod deform;
pub mod fit;
pub mod geometry;
pub mod head3d;
pub mod import;
pub mod layout;
pub mod mean;
pub mod mesh;
pub mod mouth;
pub mod npc;
pub mod overlay;
pub mod presets;
pub mod cpu_render;
pub mod rig;
pub mod sheet;
pub mod similarity;
pub mod source_map;
pub mod visemes;
pub mod warp;
pub mod wrinkles;

pub use blendshapes::{BlendshapeBasis, N_BLENDSHAPES, NAMES as BLENDSHAPE_NAMES};
pub use colours::{TeethReading, teeth_reading};
pub use deform::MeshDeformer;
pub use fit::FaceFit;
pub use layout::{MIRROR, N_LANDMARKS, Region};
pub use mean::mean_face;
pub use mesh::FaceMesh;
pub use presets::EmotionPreset;
pub use cpu_render::{HeadPose, PreparedPortrait};
pub use rig::{PortraitRig, RigError};

/// A JSON parse error's message without serde's trailing "at line L column C" (the callers put
/// the position first, as `file:line:column: message`).
pub(crate) fn json_message(e: &serde_json::Error) -> String {
    let text = e.to_string();
    text.split(" at line ").next().unwrap_or(&text).to_string()
}
