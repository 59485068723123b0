//! Portrait rigs: the JSON file beside a portrait that says where its face is.
//!
//! ```json
//! {
//!   "version": 1,
//!   "image": "astronaut.png",
//!   "width": 512, "height": 512,
//!   "landmarks": [[179.0, 105.0], [179.0, 117.0], "… 68 points, iBUG order, pixels …"],
//!   "face_box": [168.0, 69.0, 263.0, 164.0],
//!   "hints": { "lip_colour": [170, 80, 80] }
//! }
//! ```
//!
//! * `landmarks`: 68 `[x, y]` points in pixels, origin at the top-left corner, iBUG 300-W order
//!   ([`super::layout`]); each must lie inside the image (`0 ≤ x ≤ width`, `0 ≤ y ≤ height`).
//! * `face_box` (optional): `[x0, y0, x1, y1]`; defaults to the landmarks' bounding box.
//! * `hints` (optional): `lip_colour` and `skin_colour` as sRGB triples, used to tint the mouth
//!   interior and the eyelids when the portrait's own colours are unreliable (heavy make-up,
//!   stylised art); `expressiveness`, a gain on every expression of this portrait (0–3, default
//!   1: the calibrated human range; stylised characters read better at 1.3–2).
//!
//! [`PortraitRig::validate`] checks every field and also places the face mesh on the landmarks:
//! a triangle that folds over (say, a lower-lid point above the upper lid) or collapses is
//! reported with the landmark it is nearest, because such a rig cannot be warped.

use std::path::{Path, PathBuf};

use glam::Vec2;
use serde::{Deserialize, Serialize};

use super::N_LANDMARKS;
use super::layout::Region;
use super::mesh::{FaceMesh, VertexKind};
use super::similarity::Similarity;

/// The version of the rig format written by this crate.
pub const RIG_VERSION: u32 = 1;

/// Optional appearance hints.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RigHints {
    /// sRGB colour of the lips, to tint the mouth interior.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lip_colour: Option<[u8; 3]>,
    /// sRGB colour of the skin around the eyes, for closing lids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub skin_colour: Option<[u8; 3]>,
    /// Gain on every expression's movement and creases for this portrait (1, the default, is
    /// the calibrated human range of [`super::presets`]). Stylised characters with small painted
    /// features read better at 1.3–2; a subtle realistic character at 0.7. From
    /// [`MIN_EXPRESSIVENESS`] to [`MAX_EXPRESSIVENESS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expressiveness: Option<f32>,
}

/// The smallest `expressiveness` a rig (or a head, or the CLI) may ask for.
pub const MIN_EXPRESSIVENESS: f32 = 0.0;
/// The largest `expressiveness`: beyond it the mesh folds.
pub const MAX_EXPRESSIVENESS: f32 = 3.0;

/// Whether `g` is a usable expressiveness gain.
pub fn valid_expressiveness(g: f32) -> bool {
    g.is_finite() && (MIN_EXPRESSIVENESS..=MAX_EXPRESSIVENESS).contains(&g)
}

/// A portrait's rig (see the module docs for the file format).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PortraitRig {
    /// Format version ([`RIG_VERSION`]).
    pub version: u32,
    /// The portrait image's file name, relative to the rig file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    /// Image width in pixels.
    pub width: u32,
    /// Image height in pixels.
    pub height: u32,
    /// The 68 landmarks in pixels.
    pub landmarks: Vec<[f32; 2]>,
    /// `[x0, y0, x1, y1]` around the face, in pixels.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub face_box: Option<[f32; 4]>,
    /// Appearance hints.
    #[serde(default, skip_serializing_if = "is_default")]
    pub hints: RigHints,
}

fn is_default(h: &RigHints) -> bool {
    *h == RigHints::default()
}

/// What is wrong with a rig. Every variant names the file (or the label of in-memory text).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RigError {
    /// The file could not be read.
    #[error("{path}: cannot read the rig: {source}")]
    Io {
        /// The rig file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
    /// The text is not valid rig JSON.
    #[error("{path}:{line}:{column}: {message}")]
    Json {
        /// The rig file.
        path: PathBuf,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem.
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// A rig written by a newer version of the format.
    #[error("{path}: rig format version {found} is not supported (this build reads version {RIG_VERSION})")]
    Version {
        /// The rig file.
        path: PathBuf,
        /// The version in the file.
        found: u32,
    },
    /// Width or height is zero.
    #[error("{path}: the image size {width}×{height} is empty")]
    ImageSize {
        /// The rig file.
        path: PathBuf,
        /// Declared width.
        width: u32,
        /// Declared height.
        height: u32,
    },
    /// Not 68 landmarks.
    #[error("{path}: expected 68 landmarks (iBUG 300-W order), found {found}")]
    LandmarkCount {
        /// The rig file.
        path: PathBuf,
        /// How many there are.
        found: usize,
    },
    /// A coordinate is NaN or infinite.
    #[error("{path}: landmark {landmark} ({region}) has a coordinate that is not a finite number")]
    NonFinite {
        /// The rig file.
        path: PathBuf,
        /// The landmark index.
        landmark: usize,
        /// Its region's name.
        region: &'static str,
    },
    /// A landmark lies outside the image.
    #[error("{path}: landmark {landmark} ({region}) at ({x}, {y}) is outside the {width}×{height} image")]
    OutsideImage {
        /// The rig file.
        path: PathBuf,
        /// The landmark index.
        landmark: usize,
        /// Its region's name.
        region: &'static str,
        /// Its x coordinate.
        x: f32,
        /// Its y coordinate.
        y: f32,
        /// Image width.
        width: u32,
        /// Image height.
        height: u32,
    },
    /// The face box is not a proper rectangle inside the image.
    #[error("{path}: face_box {face_box:?} must be [x0, y0, x1, y1] with x0 < x1, y0 < y1, inside the image")]
    FaceBox {
        /// The rig file.
        path: PathBuf,
        /// The box found.
        face_box: [f32; 4],
    },
    /// `hints.expressiveness` is not a number in range.
    #[error("{path}: hints.expressiveness {value} must be a number from 0 to 3 (1 is the calibrated human range)")]
    Expressiveness {
        /// The rig file.
        path: PathBuf,
        /// The value found.
        value: f32,
    },
    /// The landmarks do not span an area (all on one line, or all in one point).
    #[error("{path}: the landmarks are degenerate (they do not outline a face)")]
    Degenerate {
        /// The rig file.
        path: PathBuf,
    },
    /// A landmark file (for import) is malformed.
    #[error("{path}{}: {message}", line.map(|l| format!(":{l}")).unwrap_or_default())]
    Landmarks {
        /// The landmark file.
        path: PathBuf,
        /// 1-based line of the problem, when known.
        line: Option<usize>,
        /// What was wrong.
        message: String,
    },
    /// The portrait image could not be read.
    #[error("{path}: cannot read the portrait image: {message}")]
    Image {
        /// The image file.
        path: PathBuf,
        /// What the decoder said.
        message: String,
    },
    /// A region's landmarks run the wrong way (mirrored or swapped points).
    #[error("{path}: the {region} landmarks {first}–{last} are out of order: {expected}")]
    Order {
        /// The rig file.
        path: PathBuf,
        /// The region's name.
        region: &'static str,
        /// Its first landmark.
        first: usize,
        /// Its last landmark.
        last: usize,
        /// The order the format expects.
        expected: &'static str,
    },
    /// The image handed with the rig is not the size the rig was made for.
    #[error("{path}: the rig was made for a {rig_width}×{rig_height} image, the portrait is {width}×{height}")]
    ImageMismatch {
        /// The rig (its `image` name, or `<rig>`).
        path: PathBuf,
        /// The rig's width.
        rig_width: u32,
        /// The rig's height.
        rig_height: u32,
        /// The image's width.
        width: u32,
        /// The image's height.
        height: u32,
    },
    /// A mesh triangle folds over or collapses: the landmarks around it are out of order.
    #[error(
        "{path}: the face mesh {how} near landmark {landmark} ({region}): check the order and position of landmarks {around:?}"
    )]
    Folded {
        /// The rig file.
        path: PathBuf,
        /// `"folds over"` or `"collapses"`.
        how: &'static str,
        /// The landmark nearest the bad triangle.
        landmark: usize,
        /// Its region's name.
        region: &'static str,
        /// The landmarks of (or nearest to) the triangle's corners.
        around: Vec<usize>,
    },
}

/// A triangle whose area falls below this fraction of its mean-face area (in the portrait's
/// scale) is reported as collapsed; below minus this fraction, as folded over.
const MIN_AREA_RATIO: f32 = 0.02;

impl PortraitRig {
    /// A rig for an image of `width × height` with these landmarks (face box from the landmarks).
    pub fn new(width: u32, height: u32, landmarks: &[Vec2; N_LANDMARKS]) -> Self {
        Self {
            version: RIG_VERSION,
            image: None,
            width,
            height,
            landmarks: landmarks.iter().map(|p| [p.x, p.y]).collect(),
            face_box: None,
            hints: RigHints::default(),
        }
    }

    /// Parses and validates rig JSON; `path` names the source in errors.
    pub fn from_json(text: &str, path: &Path) -> Result<Self, RigError> {
        let rig: PortraitRig = serde_json::from_str(text).map_err(|e| RigError::Json {
            path: path.to_path_buf(),
            line: e.line(),
            column: e.column(),
            message: super::json_message(&e),
        })?;
        rig.validate(path)?;
        Ok(rig)
    }

    /// The conventional rig of an image: `NAME.rig.json` beside `NAME.png`.
    pub fn path_beside(image: &Path) -> PathBuf {
        let stem = image.file_stem().and_then(|s| s.to_str()).unwrap_or("portrait");
        image.with_file_name(format!("{stem}.rig.json"))
    }

    /// The conventional image of a rig without an `image` field: `NAME.png` beside
    /// `NAME.rig.json`.
    pub fn image_beside(rig: &Path) -> PathBuf {
        let name = rig.file_name().and_then(|n| n.to_str()).unwrap_or("portrait.rig.json");
        rig.with_file_name(format!("{}.png", name.trim_end_matches(".json").trim_end_matches(".rig")))
    }

    /// Reads and validates a rig file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self, RigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| RigError::Io { path: path.to_path_buf(), source })?;
        Self::from_json(&text, path)
    }

    /// Pretty JSON text of the rig.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a rig always serialises")
    }

    /// The landmarks as points (call after [`validate`](Self::validate): exactly 68).
    pub fn points(&self) -> [Vec2; N_LANDMARKS] {
        std::array::from_fn(|i| self.landmarks.get(i).map_or(Vec2::NAN, |p| Vec2::new(p[0], p[1])))
    }

    /// The face box: the given one, or the landmarks' bounding box.
    pub fn face_box(&self) -> [f32; 4] {
        self.face_box.unwrap_or_else(|| {
            let pts = self.points();
            let (lo, hi) =
                pts.iter().fold((Vec2::splat(f32::MAX), Vec2::splat(f32::MIN)), |(lo, hi), p| (lo.min(*p), hi.max(*p)));
            [lo.x, lo.y, hi.x, hi.y]
        })
    }

    /// Checks the rig (see the module docs); `path` names it in errors.
    pub fn validate(&self, path: &Path) -> Result<(), RigError> {
        let path_buf = || path.to_path_buf();
        let region = |i: usize| Region::of(i).map_or("?", Region::name);
        if self.version > RIG_VERSION || self.version == 0 {
            return Err(RigError::Version { path: path_buf(), found: self.version });
        }
        if self.width == 0 || self.height == 0 {
            return Err(RigError::ImageSize { path: path_buf(), width: self.width, height: self.height });
        }
        if self.landmarks.len() != N_LANDMARKS {
            return Err(RigError::LandmarkCount { path: path_buf(), found: self.landmarks.len() });
        }
        let (w, h) = (self.width as f32, self.height as f32);
        for (i, &[x, y]) in self.landmarks.iter().enumerate() {
            if !(x.is_finite() && y.is_finite()) {
                return Err(RigError::NonFinite { path: path_buf(), landmark: i, region: region(i) });
            }
            if !(0.0..=w).contains(&x) || !(0.0..=h).contains(&y) {
                return Err(RigError::OutsideImage {
                    path: path_buf(),
                    landmark: i,
                    region: region(i),
                    x,
                    y,
                    width: self.width,
                    height: self.height,
                });
            }
        }
        if let Some(b) = self.face_box {
            let ok = b.iter().all(|v| v.is_finite())
                && b[0] < b[2]
                && b[1] < b[3]
                && b[0] >= 0.0
                && b[1] >= 0.0
                && b[2] <= w
                && b[3] <= h;
            if !ok {
                return Err(RigError::FaceBox { path: path_buf(), face_box: b });
            }
        }
        if let Some(g) = self.hints.expressiveness
            && !valid_expressiveness(g)
        {
            return Err(RigError::Expressiveness { path: path_buf(), value: g });
        }
        self.check_mesh(path)
    }

    /// Checks each region's direction against the mean face, in the mean face's frame: closed
    /// contours (eyes, lips) keep their winding unless they are shut (closed eyes and mouths are
    /// fine), open ones (jaw, brows, nostrils) run the same way.
    fn check_order(&self, path: &Path, sim: &Similarity) -> Result<(), RigError> {
        let inv = sim.inverse().ok_or_else(|| RigError::Degenerate { path: path.to_path_buf() })?;
        let pts = self.points().map(|p| inv.apply(p));
        let mean = &FaceMesh::get().rest;
        let signed_area = |p: &[Vec2]| (0..p.len()).map(|k| p[k].perp_dot(p[(k + 1) % p.len()])).sum::<f32>() / 2.0;
        for region in Region::ALL {
            let r = region.range();
            let ok = if region.is_closed() {
                let (ours, want) = (signed_area(&pts[r.clone()]), signed_area(&mean[r.clone()]));
                ours * want.signum() > -0.25 * want.abs()
            } else {
                (pts[r.end - 1] - pts[r.start]).dot(mean[r.end - 1] - mean[r.start]) > 0.0
            };
            if !ok {
                return Err(RigError::Order {
                    path: path.to_path_buf(),
                    region: region.name(),
                    first: r.start,
                    last: r.end - 1,
                    expected: region_order(region),
                });
            }
        }
        Ok(())
    }

    /// Places the face mesh and checks that no triangle folds over or collapses.
    fn check_mesh(&self, path: &Path) -> Result<(), RigError> {
        let mesh = FaceMesh::get();
        let pts = self.points();
        let degenerate = || RigError::Degenerate { path: path.to_path_buf() };
        let sim = Similarity::fit(&mesh.rest[..N_LANDMARKS], &pts).ok_or_else(degenerate)?;
        let scale2 = sim.scale() * sim.scale();
        if !(scale2 > 1e-6) {
            return Err(degenerate());
        }
        self.check_order(path, &sim)?;
        let placed = super::deform::MeshDeformer::get().place(&pts).ok_or_else(degenerate)?;
        let inner_lips = Region::InnerLips.range();
        // The worst triangle is reported: a bad landmark can bend the spline-placed support
        // vertices far away a little, but its own triangles turn over completely.
        let mut worst: Option<(f32, &'static str, &[u32; 3])> = None;
        for t in &mesh.triangles {
            let [a, b, c] = t.map(|i| placed[i as usize]);
            let [ra, rb, rc] = t.map(|i| mesh.rest[i as usize]);
            let ratio = (b - a).perp_dot(c - a) / ((rb - ra).perp_dot(rc - ra) * scale2);
            // Where a closed mouth's inner lip meets the outer corner a thin triangle is normal.
            let at_mouth =
                t.iter().any(|&i| matches!(mesh.kinds[i as usize], VertexKind::Landmark(l) if inner_lips.contains(&l)));
            let how = if ratio < -MIN_AREA_RATIO {
                "folds over"
            } else if ratio < MIN_AREA_RATIO && !at_mouth {
                "collapses"
            } else {
                continue;
            };
            if worst.is_none_or(|(w, _, _)| ratio < w) {
                worst = Some((ratio, how, t));
            }
        }
        if let Some((_, how, t)) = worst {
            let centroid = t.iter().map(|&i| mesh.rest[i as usize]).sum::<Vec2>() / 3.0;
            let landmark = (0..N_LANDMARKS)
                .min_by(|&p, &q| {
                    mesh.rest[p].distance_squared(centroid).total_cmp(&mesh.rest[q].distance_squared(centroid))
                })
                .unwrap_or(0);
            let mut around: Vec<usize> = t.iter().map(|&i| mesh.nearest_landmark(i as usize)).collect();
            around.sort_unstable();
            around.dedup();
            return Err(RigError::Folded {
                path: path.to_path_buf(),
                how,
                landmark,
                region: Region::of(landmark).map_or("?", Region::name),
                around,
            });
        }
        Ok(())
    }
}

/// How the iBUG format orders a region's points, for error messages.
fn region_order(region: Region) -> &'static str {
    match region {
        Region::Jaw => "0 at the subject's right ear (image left), along the jaw under the chin, to 16 at the left ear",
        Region::RightBrow => "17 (outer end, image left) to 21 (inner end)",
        Region::LeftBrow => "22 (inner end) to 26 (outer end, image right)",
        Region::NoseBridge => "27 (between the eyes) down to 30 (the tip)",
        Region::Nostrils => "31 (right wing, image left) to 35 (left wing)",
        Region::RightEye | Region::LeftEye => {
            "outer or inner corner first, then the upper lid, the other corner and the lower lid"
        }
        Region::OuterLips => "48 (right corner), the upper lip to 54 (left corner), the lower lip back",
        Region::InnerLips => "60 (right corner), the upper inner lip to 64 (left corner), the lower inner lip back",
    }
}
