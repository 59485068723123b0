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
//!    shifted by the gaze and a pose's parallax ([`EyeFrame`], [`eye_parallax`]), the sclera
//!    where the lids uncover more than the portrait showed, the eyeball the lids hid
//!    ([`Eyeballs`]: the iris completed as a circle, the shown sclera carried on; shaded towards
//!    the lid, [`SCLERA_SHADOW`]; the lids' fringe left with the lids, [`LID_FRINGE`]), the lash-line rim
//!    fanned with the lids (`eyes.rs`); lids that close simply cover it (the lid triangles
//!    stretch the lid skin over the eye). The skin is shaded by the wrinkle maps
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
use super::mesh::FaceMesh;
use super::rig::{PortraitRig, RigError};
use super::wrinkles;

mod eyeball;
mod eyes;
mod lips;

pub use eyeball::{
    EYE_LAYER_WIDTH, EyeBox, Eyeballs, IRIS_CONTRAST, IRIS_FIT, IRIS_MIN_SHOWN, IRIS_RADIUS, Iris, MOST_LAYER_SCALE,
    SCLERA_FILL_CHROMA, SCLERA_FILL_FLOOR, SCLERA_REACH,
};
pub(crate) use eyes::eye_opening;
pub use eyes::{
    EYE_CORNERS, EYE_INSET, EYE_OPENING, EYEBALL_SLIDE, EYEBALL_STILL, EyeFrame, GAZE_ACROSS, GAZE_UP_DOWN, LID_FRINGE,
    SCLERA_SHADE, SCLERA_SHADOW, edge_distance, eye_parallax,
};

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
    /// The eyeballs the lids hide ([`Eyeballs`]), which uncovered eye is drawn from.
    eyeballs: Eyeballs,
    /// The colour of the procedural teeth ([`Self::tooth`]).
    tooth: [f32; 3],
    /// The low-passed skin the portrait's own creases relax towards ([`wrinkles::smooth_skin`]).
    smooth: RgbaImage,
    /// The crease activations of the portrait's own expression ([`wrinkles::rest_activations`]).
    rest_creases: [f32; wrinkles::N_GROUPS],
    /// How much of each group's modelled highlight the portrait shows ([`wrinkles::own_highlight`]).
    own_highlight: [f32; wrinkles::N_GROUPS],
    /// How soft the drawn creases are ([`wrinkles::crease_softness`] of the portrait's own blur).
    crease_soft: f32,
    /// The inner lip landmarks' displacement at `jawOpen` 1 ([`Self::jaw_unit`]).
    jaw_unit: [Vec2; 8],
    /// How far the neutral face's lips stand from the portrait's ([`Self::rest_travel`]).
    rest_travel: super::mouth::LipTravel,
}

/// Whether `p` is inside the closed polygon `poly` (even-odd rule).
pub fn inside(poly: &[Vec2], p: Vec2) -> bool {
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
        let openings = [0, 1].map(|e| eyes::rest_eye_opening(&rest, e, scale));
        let eyeballs = Eyeballs::new(&image, &openings, [0, 1].map(|e| EYE_CORNERS[e].map(|i| rest[i])), sclera);
        let rest_creases = wrinkles::rest_activations(&fit.weights);
        let smooth = wrinkles::smooth_skin(&image, &lm, wrinkles::smooth_sigma(&rest_creases), scale);
        let own_highlight = wrinkles::own_highlight(&image, &smooth, &rest, &rest_creases);
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
            eyeballs,
            tooth,
            smooth,
            rest_creases,
            own_highlight,
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

    /// How much of each crease group's modelled highlight the portrait shows at rest, 0–1
    /// ([`wrinkles::own_highlight`]): the share of it a relaxed expression takes back.
    pub fn own_highlight(&self) -> &[f32; wrinkles::N_GROUPS] {
        &self.own_highlight
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
        let posing = self.posing(pose);
        let posed = *pose != HeadPose::default();
        self.rest
            .iter()
            .zip(&d)
            .zip(&self.depth)
            .zip(&mesh.head)
            .map(|(((p, d), z), follow)| {
                let q = (*p + d.truncate()).extend(z + d.z);
                if !posed || *follow == 0.0 { q } else { posing.apply(q, *follow) }
            })
            .collect()
    }

    /// `pose` about this portrait's pivot, ready to apply to many points.
    pub(crate) fn posing(&self, pose: &HeadPose) -> Posing {
        Posing::new(pose, self.pivot())
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
        let shading = wrinkles::SkinShading::new(&gained, &self.rest_creases, &self.own_highlight, self.crease_soft);
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
            let frame = self.eye_frame(e, &q, &gained, pose);
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
}

/// A head pose about a portrait's pivot ([`PreparedPortrait::posing`]).
pub(crate) struct Posing {
    m: glam::Mat3,
    pivot: Vec3,
    shift: Vec3,
}

impl Posing {
    /// `pose` about `pivot` (pixels).
    pub(crate) fn new(pose: &HeadPose, pivot: Vec3) -> Self {
        Posing { m: PreparedPortrait::pose_matrix(pose), pivot, shift: pose.translation.extend(0.0) }
    }

    /// Point `q` (pixels, depth towards the viewer) posed, for a vertex that follows the pose by
    /// `follow` ([`FaceMesh::head`]): the head turns, the neck a little, the picture around it not.
    pub(crate) fn apply(&self, q: Vec3, follow: f32) -> Vec3 {
        // Image y is down, so the 3D frame here is (x, y down, z to the viewer).
        let moved = self.m * (q - self.pivot) + self.pivot + self.shift;
        q + (moved - q) * follow
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
