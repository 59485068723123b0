//! The eyes: the eyeball seen through the deformed lids. Inside a deformed eye contour the rest
//! eye moves only rigidly with the eye corners, less a head pose's parallax ([`eye_parallax`]),
//! and shifts with the gaze ([`EyeFrame`]), so
//! widened lids uncover sclera instead of stretching the iris and a squint covers it without
//! squashing; the lash-line rim outside the eyeball's rest opening
//! ([`PreparedPortrait::eye_opening`]) follows the lids as a fan.

use glam::Vec2;
use image::RgbaImage;

use super::{HeadPose, PreparedPortrait, inside, raster, sample, to_rgba};
use crate::face::mesh::{EYE_CONTOUR, FaceMesh, LID_INSERTED};
use crate::face::mouth::mix;
use crate::face::wrinkles::segment_distance;

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
/// The uncovered sclera's shade under the lid (the lids and the socket shadow it a little).
pub const SCLERA_SHADE: f32 = 0.96;
/// How far under where the lid was at rest (face-model units, IOD ≈ 90 mm: 2.7 mm) the uncovered
/// sclera darkens from the portrait's white to [`SCLERA_SHADE`], linearly: a flat shade
/// met the eyeball's white in a hard line across a widened eye.
pub const SCLERA_SHADOW: f32 = 0.03;
/// How far inside the eyeball's rest opening (portrait pixels) the lids still show: the lash
/// line's anti-aliased fringe, a mix of lid and eyeball. Where the eyeball slides under the lids
/// (beyond [`EYEBALL_STILL`], in full [`EYEBALL_SLIDE`] further) that fringe stays with the lid
/// and the eyeball carries sclera in its place ([`PreparedPortrait::eye_opening`], `fill_eye`);
/// carried as it was, a widened eye showed the rest lid's edge as a row of grey dots across its
/// sclera, and the iris kept a dark top row.
pub const LID_FRINGE: f32 = 1.5;
/// How far (portrait pixels) the eyeball may slide against the lids ([`EyeFrame::source`] against
/// the lids' own map) and leave the fringe ([`LID_FRINGE`]) as it was: a head pose moves the lids a
/// little against the eyeball even with its parallax undone ([`eye_parallax`]; 0.2–0.7 px at a
/// 15–30° yaw on the bundled NPCs and the astronaut), and whitening the fringe there drew a white
/// ring round a turning head's irises.
pub const EYEBALL_STILL: f32 = 0.5;
/// How much further (portrait pixels) than [`EYEBALL_STILL`] the eyeball must slide before the
/// fringe is drawn apart from it in full (a widened lid slides it 1.3–3 px, a gaze up 1.6–4).
pub const EYEBALL_SLIDE: f32 = 1.0;

/// How far the iris travels at a full `eyeLookOut`/`eyeLookIn`, as a fraction of the eye's width.
pub const GAZE_ACROSS: f32 = 0.22;
/// How far it travels at a full `eyeLookUp`/`eyeLookDown`, as a fraction of the eye's width.
pub const GAZE_UP_DOWN: f32 = 0.12;

/// The eyeball's mapping for one eye in one frame: output pixel `p` shows the portrait's rest
/// eye at `inv · p + t` (complex product: a rotation and scale), the similarity that carries the
/// rest eye corners onto the deformed ones, undone, then shifted against the gaze (and, under a
/// head pose, against its parallax: [`Self::shifted`], [`eye_parallax`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EyeFrame {
    /// The inverse similarity's complex factor.
    pub inv: Vec2,
    /// Its translation, gaze (and a pose's parallax) included.
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
            crate::face::blendshapes::index_of(&format!("{n}{side}"))
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

    /// This frame showing every output pixel the rest point `by` short of where it did (see
    /// [`eye_parallax`]).
    pub fn shifted(self, by: Vec2) -> Self {
        EyeFrame { inv: self.inv, t: self.t - by }
    }

    /// The rest point an output pixel shows.
    pub fn source(&self, p: Vec2) -> Vec2 {
        self.inv.rotate(p) + self.t
    }
}

/// How far (rest pixels) the eyeball's frame, carried by eye `e`'s corners, misses the eye under
/// a head pose: the lids and the front of the eyeball stand before the corners, so a turning head
/// moves them further than the corners' similarity says. `rest` gives a mesh vertex's rest
/// position, `posed` where `pose` alone (no expression) puts it. The frame shifted back by it
/// ([`EyeFrame::shifted`]) keeps the iris where it was between the lids as the head turns; carried
/// by the corners alone the eye's centre showed a rest point 1.5–1.9 px away at a 30° yaw on the
/// bundled NPC 3 (a glance the animation did not ask for), and the eyeball took the lids' fringe
/// along ([`LID_FRINGE`]). Exactly 0 at the default pose (posing by it only rounds).
pub fn eye_parallax(e: usize, pose: &HeadPose, rest: impl Fn(usize) -> Vec2, posed: impl Fn(usize) -> Vec2) -> Vec2 {
    if *pose == HeadPose::default() {
        return Vec2::ZERO;
    }
    let [inner, outer] = EYE_CORNERS[e.min(1)];
    let frame = EyeFrame::new(e, [rest(inner), rest(outer)], [posed(inner), posed(outer)], &[]);
    let contour = &FaceMesh::get().eye_contours[e.min(1)];
    let n = contour.len() as f32;
    let centre = contour.iter().map(|&v| rest(v)).sum::<Vec2>() / n;
    let moved = contour.iter().map(|&v| posed(v)).sum::<Vec2>() / n;
    frame.source(moved) - centre
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

/// Eye `e`'s eyeball opening at rest ([`PreparedPortrait::eye_opening`]) from the mesh's rest
/// vertices `rest` (pixels) and the fit's scale (pixels per face-model unit).
pub(crate) fn rest_eye_opening(rest: &[Vec2], e: usize, scale: f32) -> [Vec2; EYE_CONTOUR] {
    smooth_eye_opening(&FaceMesh::get().eye_contours[e.min(1)].map(|v| rest[v]), EYE_INSET * scale)
}

/// The distance from `p` to the closed polygon `poly`'s edge.
pub fn edge_distance(poly: &[Vec2], p: Vec2) -> f32 {
    let n = poly.len();
    (0..n).map(|i| segment_distance(p, poly[i], poly[(i + 1) % n]).0).fold(f32::INFINITY, f32::min)
}

/// How much of the lids' fringe ([`LID_FRINGE`]) covers rest point `p` inside an eye's
/// `opening`: 1 on its edge, falling linearly to 0 at [`LID_FRINGE`] inside.
pub(crate) fn lid_cover(opening: &[Vec2], p: Vec2) -> f32 {
    (1.0 - edge_distance(opening, p) / LID_FRINGE).clamp(0.0, 1.0)
}

/// The shade of the sclera a lid uncovers at rest point `p`, `d` (pixels) outside the rest
/// opening, with `reach` ([`SCLERA_SHADOW`] in pixels): the portrait's own white where it meets
/// the eyeball at rest, darkening to [`SCLERA_SHADE`] within `reach` under where the lid was (the
/// lid, nearer, shades it).
pub(crate) fn sclera_shade(d: f32, reach: f32) -> f32 {
    1.0 - (1.0 - SCLERA_SHADE) * (d / reach.max(1e-6)).min(1.0)
}

impl PreparedPortrait {
    /// Where eye `e` (0 right, 1 left) looks from in this frame: see [`EyeFrame`]. `q` are the
    /// deformed, posed mesh vertices; `weights` already carry the expressiveness gain; `pose` is
    /// the head pose `q` were posed with (its parallax, [`eye_parallax`]).
    pub fn eye_frame(&self, e: usize, q: &[Vec2], weights: &[f32], pose: &HeadPose) -> EyeFrame {
        let [inner, outer] = EYE_CORNERS[e];
        let posing = self.posing(pose);
        let head = &FaceMesh::get().head;
        let posed = |v: usize| posing.apply(self.rest[v].extend(self.depth[v]), head[v]).truncate();
        let parallax = eye_parallax(e, pose, |v| self.rest[v], posed);
        EyeFrame::new(e, [self.rest[inner], self.rest[outer]], [q[inner], q[outer]], weights).shifted(parallax)
    }

    /// Fills eye `e`: the rim of its deformed contour (the lash line, [`Self::eye_opening`]'s
    /// outside) follows the lids as a fan; inside, the eyeball at rest, moved only rigidly with
    /// the eye corners (so widened lids uncover sclera instead of stretching the iris, a squint
    /// covers without squashing) and shifted by the gaze and the pose's parallax, the lids'
    /// fringe along its rim turned to the eyeball the lids hide ([`super::Eyeballs`]) as far as
    /// it slid from the lids beyond [`EYEBALL_STILL`] ([`LID_FRINGE`]); where that lands outside
    /// the eye's rest opening, that hidden eyeball (the iris completed, the shown sclera carried
    /// on), shaded towards the lid ([`sclera_shade`]).
    /// At rest both mappings are the identity.
    pub(super) fn fill_eye(&self, out: &mut RgbaImage, deformed: &[Vec2; EYE_CONTOUR], e: usize, frame: &EyeFrame) {
        let n = EYE_CONTOUR;
        let cd = deformed.iter().sum::<Vec2>() / n as f32;
        let rest = self.eye_rest(e);
        let cr = rest.iter().sum::<Vec2>() / n as f32;
        let (w, h) = out.dimensions();
        let opening = self.eye_opening(e);
        let shadow = SCLERA_SHADOW * self.fit.similarity.scale();
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
                    // The eyeball; its rim's fringe (the lids', `LID_FRINGE`) turned to eyeball
                    // as far as it slid from the lids.
                    let ball = frame.source(p);
                    if inside(&opening, ball) {
                        let slide = ((ball.distance(rim) - EYEBALL_STILL) / EYEBALL_SLIDE).clamp(0.0, 1.0);
                        let c = sample(&self.image, ball);
                        if slide > 0.0 {
                            mix(c, self.eyeballs.sample(e, ball), slide * lid_cover(&opening, ball))
                        } else {
                            c
                        }
                    } else {
                        let shade = sclera_shade(edge_distance(&opening, ball), shadow);
                        self.eyeballs.sample(e, ball).map(|v| v * shade)
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
        rest_eye_opening(&self.rest, e, self.fit.similarity.scale())
    }

    /// The sclera colour of eye `e` (0–1 RGB of the sRGB bytes), estimated from the portrait.
    pub fn sclera(&self, e: usize) -> [f32; 3] {
        self.sclera[e]
    }

    /// The eyeballs the lids hide, which the uncovered eye is drawn from ([`super::Eyeballs`]).
    pub fn eyeballs(&self) -> &super::Eyeballs {
        &self.eyeballs
    }
}
