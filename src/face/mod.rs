//! The morphable face model (the paper's 3DMM, designed for games), Bevy-free.
//!
//! Built on the iBUG 68-point landmark convention ([`layout`]). This release holds the layout;
//! the mean face, the dense mesh, the ARKit-named blendshape basis, portrait rigs and the
//! reference CPU renderer build on it.

pub mod layout;

pub use layout::{MIRROR, N_LANDMARKS, Region};
