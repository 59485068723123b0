//! The expression basis: the 52 ARKit-named blendshapes as landmark displacement fields.
//!
//! Each blendshape moves some of the 68 landmarks by a 3D displacement (normalised frame, see
//! [`super::mean`]) at weight 1; an expression is the weighted sum. The basis is data:
//! `models/face/blendshapes.json`, embedded in the crate as the default and loadable from a file,
//! so a rig artist can retune it without recompiling. How our basis was authored, shape by shape
//! with the FACS action units each follows, is [`super::authoring`].

use std::path::Path;

use glam::Vec3;
use serde::{Deserialize, Serialize};

use super::N_LANDMARKS;

/// The 52 ARKit blendshape names, in ARKit's documented order; index `i` of a weight vector is
/// `NAMES[i]`.
pub const NAMES: [&str; 52] = [
    "eyeBlinkLeft",
    "eyeLookDownLeft",
    "eyeLookInLeft",
    "eyeLookOutLeft",
    "eyeLookUpLeft",
    "eyeSquintLeft",
    "eyeWideLeft",
    "eyeBlinkRight",
    "eyeLookDownRight",
    "eyeLookInRight",
    "eyeLookOutRight",
    "eyeLookUpRight",
    "eyeSquintRight",
    "eyeWideRight",
    "jawForward",
    "jawLeft",
    "jawRight",
    "jawOpen",
    "mouthClose",
    "mouthFunnel",
    "mouthPucker",
    "mouthLeft",
    "mouthRight",
    "mouthSmileLeft",
    "mouthSmileRight",
    "mouthFrownLeft",
    "mouthFrownRight",
    "mouthDimpleLeft",
    "mouthDimpleRight",
    "mouthStretchLeft",
    "mouthStretchRight",
    "mouthRollLower",
    "mouthRollUpper",
    "mouthShrugLower",
    "mouthShrugUpper",
    "mouthPressLeft",
    "mouthPressRight",
    "mouthLowerDownLeft",
    "mouthLowerDownRight",
    "mouthUpperUpLeft",
    "mouthUpperUpRight",
    "browDownLeft",
    "browDownRight",
    "browInnerUp",
    "browOuterUpLeft",
    "browOuterUpRight",
    "cheekPuff",
    "cheekSquintLeft",
    "cheekSquintRight",
    "noseSneerLeft",
    "noseSneerRight",
    "tongueOut",
];

/// Number of blendshapes.
pub const N_BLENDSHAPES: usize = NAMES.len();

/// The index of a blendshape name (`None` for a name that is not one of the 52).
pub fn index_of(name: &str) -> Option<usize> {
    NAMES.iter().position(|n| *n == name)
}

/// One blendshape: what it is and how it moves the landmarks at weight 1.
#[derive(Debug, Clone, PartialEq)]
pub struct Blendshape {
    /// The ARKit name.
    pub name: &'static str,
    /// FACS action units it follows (`"AU12"` …).
    pub facs: Vec<String>,
    /// What it does, in words.
    pub description: String,
    /// Displacement of every landmark at weight 1.
    pub displacements: [Vec3; N_LANDMARKS],
}

/// The whole basis, indexed like [`NAMES`].
#[derive(Debug, Clone, PartialEq)]
pub struct BlendshapeBasis {
    /// The 52 shapes in [`NAMES`] order.
    pub shapes: Vec<Blendshape>,
}

/// What is wrong with a basis file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BasisError {
    /// The file could not be read.
    #[error("{path}: cannot read the blendshape basis: {source}")]
    Io {
        /// The file.
        path: String,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// Not valid basis JSON.
    #[error("{path}:{line}:{column}: {message}")]
    Json {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What the parser said.
        message: String,
    },
    /// A shape name that is not an ARKit name, given twice, or missing.
    #[error("{path}: {message}")]
    Shapes {
        /// The file.
        path: String,
        /// What is wrong.
        message: String,
    },
    /// A displacement names a landmark ≥ 68 or holds a non-finite value.
    #[error("{path}: blendshape {shape}: landmark {landmark}: {message}")]
    Displacement {
        /// The file.
        path: String,
        /// The shape.
        shape: String,
        /// The landmark key as written.
        landmark: String,
        /// What is wrong.
        message: String,
    },
}

/// On-disk form: sparse displacements keyed by landmark index.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BasisFile {
    version: u32,
    frame: String,
    shapes: Vec<ShapeFile>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct ShapeFile {
    name: String,
    facs: Vec<String>,
    description: String,
    /// Landmark index (as a string key) → `[dx, dy, dz]`.
    displacements: std::collections::BTreeMap<String, [f32; 3]>,
}

/// The basis shipped with the crate (`models/face/blendshapes.json`).
pub const DEFAULT_BASIS_JSON: &str = include_str!("../../models/face/blendshapes.json");

impl BlendshapeBasis {
    /// The crate's own basis, parsed once.
    pub fn default_basis() -> &'static BlendshapeBasis {
        static BASIS: std::sync::OnceLock<BlendshapeBasis> = std::sync::OnceLock::new();
        BASIS.get_or_init(|| {
            Self::from_json(DEFAULT_BASIS_JSON, "<bundled>/models/face/blendshapes.json")
                .expect("the bundled basis is valid")
        })
    }

    /// Reads a basis file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, BasisError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|source| BasisError::Io { path: path.display().to_string(), source })?;
        Self::from_json(&text, &path.display().to_string())
    }

    /// Parses basis JSON; `path` names the source in errors. All 52 shapes must be present once.
    pub fn from_json(text: &str, path: &str) -> Result<Self, BasisError> {
        let file: BasisFile = serde_json::from_str(text).map_err(|e| BasisError::Json {
            path: path.into(),
            line: e.line(),
            column: e.column(),
            message: super::json_message(&e),
        })?;
        let shapes_err = |message: String| BasisError::Shapes { path: path.into(), message };
        let mut slots: Vec<Option<Blendshape>> = vec![None; N_BLENDSHAPES];
        for s in file.shapes {
            let i =
                index_of(&s.name).ok_or_else(|| shapes_err(format!("`{}` is not an ARKit blendshape name", s.name)))?;
            if slots[i].is_some() {
                return Err(shapes_err(format!("`{}` is defined twice", s.name)));
            }
            let mut displacements = [Vec3::ZERO; N_LANDMARKS];
            for (key, d) in &s.displacements {
                let bad = |message: &str| BasisError::Displacement {
                    path: path.into(),
                    shape: s.name.clone(),
                    landmark: key.clone(),
                    message: message.into(),
                };
                let l: usize = key.parse().map_err(|_| bad("not a landmark index"))?;
                if l >= N_LANDMARKS {
                    return Err(bad("there are only 68 landmarks (0–67)"));
                }
                if !d.iter().all(|v| v.is_finite()) {
                    return Err(bad("the displacement is not finite"));
                }
                displacements[l] = Vec3::from_array(*d);
            }
            slots[i] = Some(Blendshape { name: NAMES[i], facs: s.facs, description: s.description, displacements });
        }
        let missing: Vec<&str> = slots.iter().zip(NAMES).filter(|(s, _)| s.is_none()).map(|(_, n)| n).collect();
        if !missing.is_empty() {
            return Err(shapes_err(format!("missing blendshapes: {}", missing.join(", "))));
        }
        Ok(Self { shapes: slots.into_iter().flatten().collect() })
    }

    /// The JSON text of the basis (sparse, 4 decimals).
    pub fn to_json(&self) -> String {
        let shapes = self
            .shapes
            .iter()
            .map(|s| ShapeFile {
                name: s.name.to_string(),
                facs: s.facs.clone(),
                description: s.description.clone(),
                displacements: s
                    .displacements
                    .iter()
                    .enumerate()
                    .filter(|(_, d)| **d != Vec3::ZERO)
                    .map(|(i, d)| (i.to_string(), d.to_array().map(|v| (v * 1e4).round() / 1e4)))
                    .collect(),
            })
            .collect();
        let file = BasisFile {
            version: 1,
            frame: "normalised face frame: x right, y down, z towards the viewer; unit = outer eye-corner distance"
                .into(),
            shapes,
        };
        let mut text = serde_json::to_string_pretty(&file).expect("serialisable");
        text.push('\n');
        text
    }

    /// Landmark displacements of an expression: `Σ_k w_k · shape_k` (missing weights are 0).
    ///
    /// As in ARKit, `mouthClose` closes the lips *against an open jaw*: its effective weight is
    /// `min(mouthClose, jawOpen)`, so lips never pass through each other.
    pub fn displacements(&self, weights: &[f32]) -> [Vec3; N_LANDMARKS] {
        let mut out = [Vec3::ZERO; N_LANDMARKS];
        let (close, open) = (index_of("mouthClose").unwrap_or(usize::MAX), index_of("jawOpen").unwrap_or(usize::MAX));
        let jaw = weights.get(open).copied().unwrap_or(0.0);
        for (k, (shape, &w)) in self.shapes.iter().zip(weights).enumerate() {
            let w = if k == close { w.min(jaw) } else { w };
            if w != 0.0 {
                for (o, d) in out.iter_mut().zip(&shape.displacements) {
                    *o += *d * w;
                }
            }
        }
        out
    }
}
