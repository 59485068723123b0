//! The reference CPU renderer: portrait + rig + expression + head pose → the animated portrait.
//!
//! It is the ground truth the GPU renderer is tested against, and what the trainer renders with.
//!
//! 1. The face model is fitted to the rig ([`FaceFit`]); the requested expression replaces the
//!    portrait's own, giving landmark displacements in pixels.
//! 2. Those spread over the face mesh harmonically ([`MeshDeformer`]); a head pose then rotates
//!    the mesh in 3D about the neck (depths from the mean face) and projects it orthographically.
//!    Each vertex follows the pose by its share ([`FaceMesh::head`]): the face and the ring
//!    around the skull fully, the neck less, the outer ring not at all, so the head turns while
//!    the background and the body stay where they are and the warp fades into them.
//! 3. Backward mapping: every output pixel inside a deformed triangle takes the colour of the
//!    same barycentric point of the rest triangle (bilinear sampling).
//! 4. Holes: inside a deformed eye, the eyeball: the rest eye moved rigidly with its corners and
//!    shifted by the gaze ([`EyeFrame`]), the sclera where the lids uncover more than the portrait
//!    showed, the lash-line rim fanned with the lids; lids that close simply cover it (the lid
//!    triangles stretch the lid skin over the eye). The skin is shaded by the wrinkle maps
//!    ([`super::wrinkles`]). Inside the mouth, the portrait's own interior at its own scale (its
//!    teeth where the skull and the jaw hold them, a painted seam attached to each lip), and
//!    where the lips part wider than in the portrait or move off what they covered a procedural
//!    interior (dark cavity, tongue hint, upper and lower teeth of their real size, fixed to the
//!    skull and to the jaw, uncovered as far as the lips move from them; tinted from the lip
//!    colour; [`super::mouth`] and this module's `lips.rs`), shaded like a seam where the lips barely
//!    part.

use std::path::PathBuf;

use glam::{Vec2, Vec3};
use image::{Rgba, RgbaImage};

use super::N_LANDMARKS;
use super::blendshapes::BlendshapeBasis;
use super::deform::MeshDeformer;
use super::fit::FaceFit;
use super::layout::Region;
use super::mean::mean_face;
use super::mesh::{EYE_CONTOUR, FaceMesh, LID_INSERTED};
use super::rig::{PortraitRig, RigError};
use super::wrinkles;

mod lips;

pub use lips::lip_closure;

/// Head rotation (degrees) and placement, applied after the expression.
#[derive(Debug, Clone, Copy, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HeadPose {
    /// Turn to the subject's left (positive) or right, in degrees.
    pub yaw: f32,
    /// Nod down (positive) or up, in degrees.
    pub pitch: f32,
    /// Tilt towards the subject's left shoulder (positive), in degrees.
    pub roll: f32,
    /// Shift of the head in pixels.
    pub translation: Vec2,
    /// Extra scale (0 means 1: no change).
    pub scale: f32,
}

/// Where the head rotates: the top of the neck, in the normalised frame (below the ears, behind
/// the jaw).
const PIVOT: Vec3 = Vec3::new(0.0, 0.45, -0.9);

/// Everything the renderer needs about one portrait, computed once and reused for every frame.
pub struct PreparedPortrait {
    image: RgbaImage,
    fit: FaceFit,
    /// Rest positions of the mesh vertices in pixels.
    rest: Vec<Vec2>,
    /// Where each mesh vertex samples the portrait once the lips close ([`lip_sources`]): its
    /// rest position, except for the inner lip contour of a mouth parted at rest.
    source: Vec<Vec2>,
    /// Depth of every vertex at rest, in pixels (towards the viewer).
    depth: Vec<f32>,
    lip_colour: [f32; 3],
    expressiveness: f32,
    sclera: [[f32; 3]; 2],
    /// The colour of the procedural teeth ([`Self::tooth`]).
    tooth: [f32; 3],
    /// The low-passed skin the portrait's own creases relax towards ([`wrinkles::smooth_skin`]).
    smooth: RgbaImage,
    /// The crease activations of the portrait's own expression ([`wrinkles::rest_activations`]).
    rest_creases: [f32; wrinkles::N_GROUPS],
    /// How soft the drawn creases are ([`wrinkles::crease_softness`] of the portrait's own blur).
    crease_soft: f32,
    /// The inner lip landmarks' displacement at `jawOpen` 1 ([`Self::jaw_unit`]).
    jaw_unit: [Vec2; 8],
    /// How far the neutral face's lips stand from the portrait's ([`Self::rest_travel`]).
    rest_travel: super::mouth::LipTravel,
}

/// How much of the rest eye contour's size is eyeball ([`PreparedPortrait::eye_opening`]).
pub const EYE_OPENING: f32 = 0.82;
/// How far inside the upper lid the eyeball starts at least (face-model units, IOD ≈ 90 mm:
/// 1.4 mm), so the lash line drawn along it stays with the lid. The contour runs through the
/// middle of the lash line (the landmarks sit on the lid margin; the bundled NPCs' lash line is
/// 0.028 wide, `face::npc`), and where the lids round out between the landmarks a shrink
/// towards the centre alone ([`EYE_OPENING`]) left its inner edge inside the eyeball, which a
/// widened eye then carried onto the iris as a dark tick. Further in, the top of the iris that
/// the lid covers at rest is left in the lid's band and stretched with it (a brown smudge under
/// a widened lid from 0.019 on the bundled NPCs); 0.016 is between the two. The lower lid's line
/// is thin and has no inset (one cut the bottom of a widened eye's iris into the sclera).
pub const EYE_INSET: f32 = 0.016;
/// The uncovered sclera's shade (the lids and the socket shadow it a little).
pub const SCLERA_SHADE: f32 = 0.96;

/// How far the iris travels at a full `eyeLookOut`/`eyeLookIn`, as a fraction of the eye's width.
pub const GAZE_ACROSS: f32 = 0.22;
/// How far it travels at a full `eyeLookUp`/`eyeLookDown`, as a fraction of the eye's width.
pub const GAZE_UP_DOWN: f32 = 0.12;

/// The eyeball's mapping for one eye in one frame: output pixel `p` shows the portrait's rest
/// eye at `inv · p + t` (complex product: a rotation and scale), the similarity that carries the
/// rest eye corners onto the deformed ones, undone, then shifted against the gaze.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EyeFrame {
    /// The inverse similarity's complex factor.
    pub inv: Vec2,
    /// Its translation, gaze included.
    pub t: Vec2,
}

/// The (inner, outer) corner landmarks of the right (0) and left (1) eye.
pub const EYE_CORNERS: [[usize; 2]; 2] = [[39, 36], [42, 45]];

impl EyeFrame {
    /// The frame of eye `e` (0 right, 1 left) from its rest and deformed (inner, outer) corners
    /// and the gaze in `weights` (gain included).
    pub fn new(e: usize, rest: [Vec2; 2], deformed: [Vec2; 2], weights: &[f32]) -> Self {
        let side = if e == 0 { "Right" } else { "Left" };
        let ([r_in, r_out], [d_in, d_out]) = (rest, deformed);
        // Rest → deformed by the two corners (fixed to the skull): a similarity `d_in + a·(x − r_in)`.
        let (rv, dv) = (r_out - r_in, d_out - d_in);
        let a = if rv.length_squared() > 1e-9 { complex_div(dv, rv) } else { Vec2::X };
        let inv = if a.length_squared() > 1e-12 { complex_div(Vec2::X, a) } else { Vec2::X };
        let w = |n: &str| {
            super::blendshapes::index_of(&format!("{n}{side}"))
                .and_then(|k| weights.get(k))
                .copied()
                .filter(|v| v.is_finite())
                .unwrap_or(0.0)
        };
        let u = rv.normalize_or_zero();
        let perp = Vec2::new(-u.y, u.x);
        let down = if perp.y < 0.0 { -perp } else { perp };
        let width = rv.length();
        let gaze = u * (w("eyeLookOut") - w("eyeLookIn")) * GAZE_ACROSS * width
            + down * (w("eyeLookDown") - w("eyeLookUp")) * GAZE_UP_DOWN * width;
        // Output pixel p samples rest point inv·(p − d_in) + r_in − gaze.
        let t = r_in - inv.rotate(d_in) - gaze;
        EyeFrame { inv, t }
    }

    /// The rest point an output pixel shows.
    pub fn source(&self, p: Vec2) -> Vec2 {
        self.inv.rotate(p) + self.t
    }
}

fn complex_div(a: Vec2, b: Vec2) -> Vec2 {
    let d = b.length_squared();
    Vec2::new(a.x * b.x + a.y * b.y, a.y * b.x - a.x * b.y) / d
}

/// The eyeball part of an eye's six contour landmarks (pixels): the contour shrunk towards its
/// centre by [`EYE_OPENING`].
pub(crate) fn eye_opening(eye: &[Vec2]) -> [Vec2; 6] {
    let c = eye.iter().sum::<Vec2>() / eye.len() as f32;
    std::array::from_fn(|i| c + (eye[i] - c) * EYE_OPENING)
}

/// The eyeball part of an eye's whole contour ([`FaceMesh::eye_contours`], pixels): shrunk
/// towards the centre of its six landmarks by [`EYE_OPENING`], as [`eye_opening`] shrinks them,
/// and along the upper lid (the contour's first half, corner to corner) at least `inset` pixels
/// ([`EYE_INSET`] in face-model units) inside the contour.
pub(crate) fn smooth_eye_opening(contour: &[Vec2; EYE_CONTOUR], inset: f32) -> [Vec2; EYE_CONTOUR] {
    let c = contour.iter().step_by(LID_INSERTED + 1).sum::<Vec2>() / 6.0;
    std::array::from_fn(|i| {
        let reach = contour[i].distance(c);
        let upper_lid = i <= EYE_CONTOUR / 2;
        let keep = if upper_lid && reach > 0.0 { EYE_OPENING.min(1.0 - inset / reach).max(0.0) } else { EYE_OPENING };
        c + (contour[i] - c) * keep
    })
}

/// Whether `p` is inside the closed polygon `poly` (even-odd rule).
pub(crate) fn inside(poly: &[Vec2], p: Vec2) -> bool {
    let mut c = false;
    let n = poly.len();
    for i in 0..n {
        let (a, b) = (poly[i], poly[(i + n - 1) % n]);
        if (a.y > p.y) != (b.y > p.y) && p.x < (b.x - a.x) * (p.y - a.y) / (b.y - a.y) + a.x {
            c = !c;
        }
    }
    c
}

/// `weights` times an expressiveness `gain` (see [`super::rig::RigHints::expressiveness`]): the
/// weights the renderers deform and crease with. Not clamped, so a gain above 1 moves beyond a
/// shape's full action; non-finite weights become 0.
pub fn with_gain(weights: &[f32], gain: f32) -> Vec<f32> {
    weights.iter().map(|&w| if w.is_finite() { w * gain } else { 0.0 }).collect()
}

impl PreparedPortrait {
    /// Validates the rig against the image, fits it and places the mesh.
    pub fn new(image: RgbaImage, rig: &PortraitRig, basis: &BlendshapeBasis) -> Result<Self, RigError> {
        let label = PathBuf::from(rig.image.as_deref().unwrap_or("<rig>"));
        if image.dimensions() != (rig.width, rig.height) {
            return Err(RigError::ImageMismatch {
                path: label,
                rig_width: rig.width,
                rig_height: rig.height,
                width: image.width(),
                height: image.height(),
            });
        }
        rig.validate(&label)?;
        let degenerate = || RigError::Degenerate { path: label.clone() };
        let lm = rig.points();
        let fit = FaceFit::fit(&lm, basis).ok_or_else(degenerate)?;
        let rest = super::deform::MeshDeformer::get().place(&lm).ok_or_else(degenerate)?;
        let mean = mean_face();
        let scale = fit.similarity.scale();
        let depth_lm: [Vec3; N_LANDMARKS] = std::array::from_fn(|i| Vec3::new(0.0, 0.0, mean[i].z * scale));
        let depth = MeshDeformer::get().deform(&depth_lm).iter().map(|d| d.z).collect();
        let lip_colour = rig.hints.lip_colour.map(|c| c.map(|v| v as f32 / 255.0)).unwrap_or_else(|| {
            // Mean colour along the outer lip contour, just inside it.
            let inner: Vec<Vec2> =
                Region::OuterLips.range().map(|i| lm[i].lerp(lm[60 + (i - 48) * 8 / 12], 0.4)).collect();
            let n = inner.len() as f32;
            inner
                .iter()
                .map(|p| sample(&image, *p))
                .fold([0.0; 3], |a, c| [a[0] + c[0] / n, a[1] + c[1] / n, a[2] + c[2] / n])
        });
        let expressiveness = rig.hints.expressiveness.unwrap_or(1.0);
        let sclera = [
            super::colours::sclera_colour(&image, &rest[36..42]),
            super::colours::sclera_colour(&image, &rest[42..48]),
        ];
        let tooth = super::colours::teeth_colour(&image, &rest[..N_LANDMARKS], scale, &sclera);
        let rest_creases = wrinkles::rest_activations(&fit.weights);
        let smooth = wrinkles::smooth_skin(&image, &lm, wrinkles::smooth_sigma(&rest_creases), scale);
        let crease_soft = wrinkles::crease_softness(wrinkles::image_softness(&image, &lm), scale);
        let source = lips::lip_sources(&rest, scale);
        let jaw_unit = {
            let mut w = [0.0f32; super::N_BLENDSHAPES];
            w[super::blendshapes::index_of("jawOpen").expect("ARKit has jawOpen")] = 1.0;
            let d = basis.displacements(&w);
            std::array::from_fn(|k| fit.similarity.a.rotate(d[60 + k].truncate()))
        };
        let mut prepared = Self {
            image,
            fit,
            rest,
            source,
            depth,
            lip_colour,
            expressiveness,
            sclera,
            tooth,
            smooth,
            rest_creases,
            crease_soft,
            jaw_unit,
            rest_travel: Default::default(),
        };
        prepared.rest_travel = prepared.lip_travel(&[0.0; super::N_BLENDSHAPES], basis);
        Ok(prepared)
    }

    /// The portrait's expressiveness gain (its rig's `hints.expressiveness`, default 1).
    pub fn expressiveness(&self) -> f32 {
        self.expressiveness
    }

    /// The fit of the face model to this portrait.
    pub fn fit(&self) -> &FaceFit {
        &self.fit
    }

    /// The portrait.
    pub fn image(&self) -> &RgbaImage {
        &self.image
    }

    /// The portrait's low-passed skin, which its own creases relax towards
    /// ([`wrinkles::SkinShading`]; alpha: how much a pixel is skin).
    pub fn smooth_skin(&self) -> &RgbaImage {
        &self.smooth
    }

    /// The crease activations of the portrait's own expression ([`wrinkles::rest_activations`]).
    pub fn rest_creases(&self) -> &[f32; wrinkles::N_GROUPS] {
        &self.rest_creases
    }

    /// How soft its drawn creases are, face-mesh units ([`wrinkles::crease_softness`] of the
    /// portrait's own blur, [`wrinkles::image_softness`]).
    pub fn crease_soft(&self) -> f32 {
        self.crease_soft
    }

    /// Overrides how soft the drawn creases are (face-mesh units; 0 draws the authored creases
    /// whatever the portrait's blur): for art whose lines should stay crisp, or to compare.
    /// Negative or non-finite values count as 0. Build the GPU warp ([`super::warp::WarpRig`])
    /// after it.
    pub fn set_crease_soft(&mut self, soft: f32) {
        self.crease_soft = if soft.is_finite() { soft.max(0.0) } else { 0.0 };
    }

    /// Rest positions of the mesh vertices in pixels ([`FaceMesh::get`] order).
    pub fn rest(&self) -> &[Vec2] {
        &self.rest
    }

    /// Where each mesh vertex samples the portrait when the lips are closed, in pixels
    /// ([`Self::rest`] but for the inner lips of a mouth parted at rest, which sample a little
    /// inside their lips); a frame samples `rest + closure · (source − rest)` ([`lip_closure`]).
    pub fn source(&self) -> &[Vec2] {
        &self.source
    }

    /// Depth of every mesh vertex at rest, in pixels (towards the viewer).
    pub fn depth(&self) -> &[f32] {
        &self.depth
    }

    /// The lip colour (linear 0–1 RGB of the sRGB bytes) that tints the procedural mouth interior.
    pub fn lip_colour(&self) -> [f32; 3] {
        self.lip_colour
    }

    /// The head's pivot in pixels (`z` towards the viewer): where a [`HeadPose`] rotates it.
    pub fn pivot(&self) -> Vec3 {
        let s = self.fit.similarity;
        s.apply(PIVOT.truncate()).extend(PIVOT.z * s.scale())
    }

    /// The rotation-and-scale matrix a [`HeadPose`] applies about [`Self::pivot`].
    pub fn pose_matrix(pose: &HeadPose) -> glam::Mat3 {
        let rot = glam::Quat::from_euler(
            glam::EulerRot::YXZ,
            pose.yaw.to_radians(),
            -pose.pitch.to_radians(),
            -pose.roll.to_radians(),
        );
        let extra = if pose.scale > 0.0 { pose.scale } else { 1.0 };
        glam::Mat3::from_quat(rot) * extra
    }

    /// Mesh vertex positions (pixels) for an expression and a pose.
    pub fn deformed_vertices(&self, weights: &[f32], pose: &HeadPose, basis: &BlendshapeBasis) -> Vec<Vec2> {
        self.deformed_vertices_3d(weights, pose, basis).into_iter().map(|v| v.truncate()).collect()
    }

    /// Mesh vertex positions in 3D: `x, y` in pixels, `z` (towards the viewer) in pixels.
    pub fn deformed_vertices_3d(&self, weights: &[f32], pose: &HeadPose, basis: &BlendshapeBasis) -> Vec<Vec3> {
        self.deform_gained(&with_gain(weights, self.expressiveness), pose, basis)
    }

    /// [`Self::deformed_vertices_3d`] for weights that already carry the expressiveness gain.
    fn deform_gained(&self, gained: &[f32], pose: &HeadPose, basis: &BlendshapeBasis) -> Vec<Vec3> {
        let mesh = FaceMesh::get();
        let d = MeshDeformer::get().deform(&self.fit.displacements_px(gained, basis));
        let pivot = self.pivot();
        let m = Self::pose_matrix(pose);
        let posed = *pose != HeadPose::default();
        self.rest
            .iter()
            .zip(&d)
            .zip(&self.depth)
            .zip(&mesh.head)
            .map(|(((p, d), z), follow)| {
                let q = (*p + d.truncate()).extend(z + d.z);
                if !posed || *follow == 0.0 {
                    return q;
                }
                // Image y is down, so the 3D frame here is (x, y down, z to the viewer). The
                // vertex follows the pose by its share ([`FaceMesh::head`]): the head turns,
                // the neck a little, the picture around it not.
                let moved = m * (q - pivot) + pivot + pose.translation.extend(0.0);
                q + (moved - q) * *follow
            })
            .collect()
    }

    /// Renders the portrait with `weights` (52, ARKit order) and `pose`.
    pub fn render(&self, weights: &[f32], pose: &HeadPose, basis: &BlendshapeBasis) -> RgbaImage {
        let mesh = FaceMesh::get();
        let gained = with_gain(weights, self.expressiveness);
        let q: Vec<Vec2> = self.deform_gained(&gained, pose, basis).into_iter().map(|v| v.truncate()).collect();
        let mut out = self.image.clone();
        let closure = lip_closure(|i| self.rest[i], |i| q[i]);
        let src: std::borrow::Cow<[Vec2]> = if closure > 0.0 {
            self.rest.iter().zip(&self.source).map(|(r, s)| *r + (*s - *r) * closure).collect()
        } else {
            (&self.rest[..]).into()
        };
        let shading = wrinkles::SkinShading::new(&gained, &self.rest_creases, self.crease_soft);
        let skin = (!shading.is_flat()).then_some(&shading);
        for t in &mesh.triangles {
            let [a, b, c] = t.map(|i| q[i as usize]);
            let [sa, sb, sc] = t.map(|i| src[i as usize]);
            let [ca, cb, cc] = t.map(|i| mesh.rest[i as usize]);
            self.fill_shaded(
                &mut out,
                [a, b, c],
                |l| (sa * l.x + sb * l.y + sc * l.z, ca * l.x + cb * l.y + cc * l.z),
                skin,
            );
        }
        // Eyes: the eyeball seen through the deformed lids (see `EyeFrame`).
        for (e, contour) in mesh.eye_contours.iter().enumerate() {
            let frame = self.eye_frame(e, &q, &gained);
            self.fill_eye(&mut out, &contour.map(|v| q[v]), e, &frame);
        }
        // Mouth.
        let r = Region::InnerLips.range();
        let (dq, dr): (Vec<Vec2>, Vec<Vec2>) = r.map(|i| (q[i], self.rest[i])).unzip();
        let travel = self.lip_travel(&gained, basis);
        self.fill_mouth(&mut out, &dq, &dr, closure, &travel);
        out
    }

    /// Fills a skin triangle: `at(λ)` gives the portrait point to sample and the face-mesh
    /// point there, where the wrinkle maps ([`wrinkles::SkinShading`]) shade it.
    fn fill_shaded(
        &self,
        out: &mut RgbaImage,
        tri: [Vec2; 3],
        at: impl Fn(Vec3) -> (Vec2, Vec2),
        skin: Option<&wrinkles::SkinShading>,
    ) {
        let (w, h) = out.dimensions();
        raster(tri, w, h, |x, y, l| {
            let (src, canon) = at(l);
            let c = sample(&self.image, src);
            let c = match skin {
                Some(s) => s.colour(canon, c, sample_rgba(&self.smooth, src)),
                None => c,
            };
            out.put_pixel(x, y, to_rgba(c));
        });
    }

    /// Where eye `e` (0 right, 1 left) looks from in this frame: see [`EyeFrame`]. `q` are the
    /// deformed, posed mesh vertices; `weights` already carry the expressiveness gain.
    pub fn eye_frame(&self, e: usize, q: &[Vec2], weights: &[f32]) -> EyeFrame {
        let [inner, outer] = EYE_CORNERS[e];
        EyeFrame::new(e, [self.rest[inner], self.rest[outer]], [q[inner], q[outer]], weights)
    }

    /// Fills eye `e`: the rim of its deformed contour (the lash line, [`Self::eye_opening`]'s
    /// outside) follows the lids as a fan; inside, the eyeball at rest, moved only rigidly with
    /// the eye corners (so widened lids uncover sclera instead of stretching the iris, a squint
    /// covers without squashing) and shifted by the gaze; where that lands outside the eye's
    /// rest opening, the sclera the lids hid. At rest both mappings are the identity.
    fn fill_eye(&self, out: &mut RgbaImage, deformed: &[Vec2; EYE_CONTOUR], e: usize, frame: &EyeFrame) {
        let n = EYE_CONTOUR;
        let cd = deformed.iter().sum::<Vec2>() / n as f32;
        let rest = self.eye_rest(e);
        let cr = rest.iter().sum::<Vec2>() / n as f32;
        let (w, h) = out.dimensions();
        let opening = self.eye_opening(e);
        for k in 0..n {
            let (a, b) = (deformed[k], deformed[(k + 1) % n]);
            let (ra, rb) = (rest[k], rest[(k + 1) % n]);
            raster([cd, a, b], w, h, |x, y, l| {
                let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
                // The rim (lash line, lid edge) rides with the lids: the fan of the contour.
                let rim = cr * l.x + ra * l.y + rb * l.z;
                let c = if !inside(&opening, rim) {
                    sample(&self.image, rim)
                } else {
                    let ball = frame.source(p);
                    if inside(&opening, ball) {
                        sample(&self.image, ball)
                    } else {
                        self.sclera[e].map(|v| v * SCLERA_SHADE)
                    }
                };
                out.put_pixel(x, y, to_rgba(c));
            });
        }
    }

    /// Eye `e`'s contour at rest (0 right: iBUG 36–41, 1 left: 42–47, with the lid vertices
    /// between them, [`FaceMesh::eye_contours`]), pixels.
    pub fn eye_rest(&self, e: usize) -> [Vec2; EYE_CONTOUR] {
        FaceMesh::get().eye_contours[e.min(1)].map(|v| self.rest[v])
    }

    /// The part of eye `e`'s rest opening that is eyeball: the contour ([`Self::eye_rest`])
    /// shrunk towards its six landmarks' centre by [`EYE_OPENING`], and along the upper lid at
    /// least [`EYE_INSET`] inside it, leaving out the lash line drawn along the lids (it stays
    /// with the lid skin), so a gaze or a widened lid does not carry it across the eye.
    pub fn eye_opening(&self, e: usize) -> [Vec2; EYE_CONTOUR] {
        smooth_eye_opening(&self.eye_rest(e), EYE_INSET * self.fit.similarity.scale())
    }

    /// The sclera colour of eye `e` (0–1 RGB of the sRGB bytes), estimated from the portrait.
    pub fn sclera(&self, e: usize) -> [f32; 3] {
        self.sclera[e]
    }
}

/// Bilinear sample (RGB in 0..1) at a point in pixel coordinates (pixel centres at +0.5).
pub fn sample(img: &RgbaImage, p: Vec2) -> [f32; 3] {
    let [r, g, b, _] = sample_rgba(img, p);
    [r, g, b]
}

/// [`sample`] with alpha: bilinear, clamped at the edges, 0–1.
pub fn sample_rgba(img: &RgbaImage, p: Vec2) -> [f32; 4] {
    let (w, h) = (img.width() as f32, img.height() as f32);
    let x = (p.x - 0.5).clamp(0.0, w - 1.0);
    let y = (p.y - 0.5).clamp(0.0, h - 1.0);
    let (x0, y0) = (x.floor() as u32, y.floor() as u32);
    let (x1, y1) = ((x0 + 1).min(img.width() - 1), (y0 + 1).min(img.height() - 1));
    let (fx, fy) = (x - x0 as f32, y - y0 as f32);
    let px = |x, y| img.get_pixel(x, y).0;
    let (a, b, c, d) = (px(x0, y0), px(x1, y0), px(x0, y1), px(x1, y1));
    [0, 1, 2, 3].map(|i| {
        let top = a[i] as f32 * (1.0 - fx) + b[i] as f32 * fx;
        let bot = c[i] as f32 * (1.0 - fx) + d[i] as f32 * fx;
        (top * (1.0 - fy) + bot * fy) / 255.0
    })
}

pub(crate) fn to_rgba(c: [f32; 3]) -> Rgba<u8> {
    let q = |v: f32| (v.clamp(0.0, 1.0) * 255.0).round() as u8;
    Rgba([q(c[0]), q(c[1]), q(c[2]), 255])
}

/// Peak signal-to-noise ratio of two same-sized images over RGB, in dB (infinite when equal).
pub fn psnr(a: &RgbaImage, b: &RgbaImage) -> f64 {
    let mse: f64 = a
        .pixels()
        .zip(b.pixels())
        .flat_map(|(p, q)| (0..3).map(move |i| (p.0[i] as f64 - q.0[i] as f64).powi(2)))
        .sum::<f64>()
        / (a.width() as f64 * a.height() as f64 * 3.0);
    if mse == 0.0 { f64::INFINITY } else { 10.0 * (255.0f64 * 255.0 / mse).log10() }
}

/// Calls `f(x, y, barycentric)` for every pixel centre inside the triangle.
pub(crate) fn raster(tri: [Vec2; 3], w: u32, h: u32, mut f: impl FnMut(u32, u32, Vec3)) {
    let [a, b, c] = tri;
    let area = (b - a).perp_dot(c - a);
    if area.abs() < 1e-6 {
        return;
    }
    let (lo, hi) = (a.min(b).min(c), a.max(b).max(c));
    let x0 = (lo.x - 0.5).floor().max(0.0) as u32;
    let y0 = (lo.y - 0.5).floor().max(0.0) as u32;
    let x1 = ((hi.x - 0.5).ceil().max(0.0) as u32).min(w.saturating_sub(1));
    let y1 = ((hi.y - 0.5).ceil().max(0.0) as u32).min(h.saturating_sub(1));
    for y in y0..=y1 {
        for x in x0..=x1 {
            let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            let l1 = (c - b).perp_dot(p - b) / area;
            let l2 = (a - c).perp_dot(p - c) / area;
            let l3 = 1.0 - l1 - l2;
            if l1 >= -1e-4 && l2 >= -1e-4 && l3 >= -1e-4 {
                f(x, y, Vec3::new(l1, l2, l3));
            }
        }
    }
}
