//! Procedural NPC portraits: seeded, painted-looking game characters drawn by code, each with
//! the exact 68-point rig of what was drawn.
//!
//! A seed picks an identity (face and jaw width, chin length, eye size and spacing, nose length
//! and width, mouth width, lip fullness, brow height; skin, hair, iris, lip and clothing colours;
//! one of six hair styles; a background; head size, position and tilt). The landmarks are the
//! mean face ([`super::mean`]) reshaped by that identity and placed in the image; every feature is
//! then drawn from those landmarks with `tiny-skia`, so the rig is exact by construction. The
//! generator is reproducible: the same seed gives the same bytes (ChaCha8).
//!
//! [`generate_at`] paints the same character natively at any expression (`npc/expression.rs`): the
//! face model's landmarks at those weights, drawn as the artist would draw them, with what a
//! warp of the neutral painting cannot make (the mouth's interior with teeth, tongue and gums,
//! an iris that lids cover instead of squashing, creases as constant-width strokes). These are
//! the targets the face generator (HEF) learns from.

mod expression;

pub use expression::{NpcExpression, generate_at};

use glam::Vec2;
use image::RgbaImage;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tiny_skia::{
    Color, FillRule, GradientStop, LinearGradient, Mask, Paint, Path, PathBuilder, Pixmap, Point, RadialGradient,
    Shader, SpreadMode, Stroke, Transform,
};

use super::N_LANDMARKS;
use super::mean::mean_face;
use super::rig::{PortraitRig, RigHints};
use super::similarity::Similarity;

/// Hair styles.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum HairStyle {
    /// Close-cropped.
    Short,
    /// Chin-length.
    Bob,
    /// Past the shoulders.
    Long,
    /// Pulled up into a bun.
    Bun,
    /// Upright tufts.
    Spiky,
    /// No hair.
    Bald,
}

/// Everything a seed decides.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct NpcParams {
    /// The seed.
    pub seed: u64,
    /// Image width and height in pixels.
    pub size: u32,
    /// Skin, hair, iris, lip, clothing colours (sRGB, 0–1).
    pub skin: [f32; 3],
    /// Hair colour.
    pub hair: [f32; 3],
    /// Iris colour.
    pub iris: [f32; 3],
    /// Lip colour.
    pub lips: [f32; 3],
    /// Clothing colour.
    pub clothing: [f32; 3],
    /// Background gradient, top and bottom.
    pub background: [[f32; 3]; 2],
    /// Hair style.
    pub hair_style: HairStyle,
    /// Identity factors around 1 (see the module docs).
    pub face_width: f32,
    /// Jaw width factor.
    pub jaw_width: f32,
    /// Chin length factor.
    pub chin_length: f32,
    /// Eye size factor.
    pub eye_size: f32,
    /// Eye spacing factor.
    pub eye_spacing: f32,
    /// Nose length factor.
    pub nose_length: f32,
    /// Nose width factor.
    pub nose_width: f32,
    /// Mouth width factor.
    pub mouth_width: f32,
    /// Lip fullness factor.
    pub lip_fullness: f32,
    /// Brow lift in IOD units.
    pub brow_lift: f32,
    /// Pixels per IOD.
    pub scale: f32,
    /// Head tilt in degrees.
    pub roll: f32,
    /// Face centre (between the outer eye corners) as a fraction of the image.
    pub centre: [f32; 2],
}

const SKINS: [[u8; 3]; 8] = [
    [255, 224, 196],
    [241, 194, 158],
    [224, 172, 128],
    [198, 140, 98],
    [160, 108, 72],
    [120, 78, 52],
    [92, 58, 40],
    [168, 196, 140],
];
const HAIRS: [[u8; 3]; 8] = [
    [30, 24, 22],
    [70, 45, 30],
    [120, 70, 40],
    [165, 60, 35],
    [220, 180, 110],
    [180, 180, 185],
    [60, 70, 140],
    [200, 90, 140],
];
const IRISES: [[u8; 3]; 5] = [[70, 45, 25], [40, 90, 140], [60, 110, 60], [110, 90, 50], [90, 90, 110]];
const CLOTHES: [[u8; 3]; 7] =
    [[140, 40, 40], [40, 80, 140], [50, 110, 70], [120, 100, 60], [80, 60, 110], [40, 40, 45], [200, 150, 60]];
const BACKDROPS: [[[u8; 3]; 2]; 5] = [
    [[70, 90, 120], [30, 40, 60]],
    [[120, 100, 80], [60, 45, 35]],
    [[80, 110, 90], [35, 55, 40]],
    [[110, 80, 110], [45, 30, 50]],
    [[150, 140, 120], [90, 80, 70]],
];

fn rgb(c: [u8; 3]) -> [f32; 3] {
    c.map(|v| v as f32 / 255.0)
}

impl NpcParams {
    /// The identity of `seed` at `size × size` pixels (`size` ≥ 64).
    pub fn from_seed(seed: u64, size: u32) -> Self {
        let mut r = ChaCha8Rng::seed_from_u64(seed);
        let mut pick = |lo: f32, hi: f32| r.random_range(lo..=hi);
        let styles =
            [HairStyle::Short, HairStyle::Bob, HairStyle::Long, HairStyle::Bun, HairStyle::Spiky, HairStyle::Bald];
        let idx = |x: f32, n: usize| ((x * n as f32) as usize).min(n - 1);
        let skin = rgb(SKINS[idx(pick(0.0, 1.0), SKINS.len())]);
        let lip_base = [skin[0] * 0.85 + 0.1, skin[1] * 0.55, skin[2] * 0.55 + 0.02];
        Self {
            seed,
            size: size.max(64),
            skin,
            hair: rgb(HAIRS[idx(pick(0.0, 1.0), HAIRS.len())]),
            iris: rgb(IRISES[idx(pick(0.0, 1.0), IRISES.len())]),
            lips: lip_base,
            clothing: rgb(CLOTHES[idx(pick(0.0, 1.0), CLOTHES.len())]),
            background: BACKDROPS[idx(pick(0.0, 1.0), BACKDROPS.len())].map(rgb),
            hair_style: styles[idx(pick(0.0, 1.0), styles.len())],
            face_width: pick(0.92, 1.1),
            jaw_width: pick(0.85, 1.12),
            chin_length: pick(0.9, 1.12),
            eye_size: pick(0.88, 1.2),
            eye_spacing: pick(0.96, 1.05),
            nose_length: pick(0.9, 1.1),
            nose_width: pick(0.85, 1.2),
            mouth_width: pick(0.88, 1.14),
            lip_fullness: pick(0.75, 1.35),
            brow_lift: pick(-0.02, 0.04),
            scale: pick(0.2, 0.25),
            roll: pick(-5.0, 5.0),
            centre: [pick(0.46, 0.54), pick(0.38, 0.43)],
        }
    }

    /// The identity's landmarks in the normalised frame.
    pub fn shape(&self) -> [Vec2; N_LANDMARKS] {
        let m = mean_face().map(|p| p.truncate());
        let mut p = m;
        let chin_top = 0.1;
        for i in 0..=16 {
            let t = ((m[i].y - chin_top) / (m[8].y - chin_top)).clamp(0.0, 1.0);
            p[i].x = m[i].x * (self.face_width * (1.0 - t) + self.jaw_width * t);
            if m[i].y > chin_top {
                p[i].y = chin_top + (m[i].y - chin_top) * self.chin_length;
            }
        }
        for eye in [36..42, 42..48] {
            let c = eye.clone().map(|i| m[i]).sum::<Vec2>() / 6.0;
            let c2 = Vec2::new(c.x * self.eye_spacing, c.y);
            for i in eye {
                p[i] = c2 + (m[i] - c) * self.eye_size;
            }
        }
        for i in 17..27 {
            p[i] = Vec2::new(m[i].x * self.eye_spacing, m[i].y - self.brow_lift);
        }
        for i in 27..36 {
            p[i].y = m[27].y + (m[i].y - m[27].y) * self.nose_length;
        }
        for i in 31..36 {
            p[i].x = m[i].x * self.nose_width;
        }
        let mouth_line = (m[62].y + m[66].y) / 2.0;
        // The mouth follows the nose and chin: keep it a third of the way from nose to chin.
        let shift = (p[33].y - m[33].y) * 0.6 + (p[8].y - m[8].y) * 0.3;
        for i in 48..68 {
            let y = if (49..=59).contains(&i) && i != 54 {
                mouth_line + (m[i].y - mouth_line) * self.lip_fullness
            } else {
                m[i].y
            };
            p[i] = Vec2::new(m[i].x * self.mouth_width, y + shift);
        }
        p
    }

    /// Normalised frame → pixels.
    pub fn placement(&self) -> Similarity {
        let s = self.scale * self.size as f32;
        Similarity {
            a: Vec2::from_angle(self.roll.to_radians()) * s,
            t: Vec2::new(self.centre[0], self.centre[1]) * self.size as f32,
        }
    }
}

/// A generated character: the painting, its rig and the parameters that made it.
pub struct NpcPortrait {
    /// The portrait.
    pub image: RgbaImage,
    /// Its exact rig.
    pub rig: PortraitRig,
    /// What the seed decided.
    pub params: NpcParams,
}

/// Generates the NPC of `seed` at `size × size` pixels.
pub fn generate(seed: u64, size: u32) -> NpcPortrait {
    let params = NpcParams::from_seed(seed, size);
    let shape = params.shape();
    let sim = params.placement();
    let lm: [Vec2; N_LANDMARKS] = shape.map(|p| sim.apply(p));
    paint_portrait(params, &shape, &lm, None, format!("npc_{seed}.png"))
}

/// Paints a character (the skull from `shape`, the normalised rest landmarks; the face from
/// `lm`, pixels; natively at `expr` when given) and rigs it with `lm` and its colour hints.
fn paint_portrait(
    params: NpcParams,
    shape: &[Vec2; N_LANDMARKS],
    lm: &[Vec2; N_LANDMARKS],
    expr: Option<&NpcExpression>,
    image_name: String,
) -> NpcPortrait {
    let sim = params.placement();
    let mut pm = Pixmap::new(params.size, params.size).expect("size >= 64");
    Painter { pm: &mut pm, sim, p: &params, expr }.paint(shape, lm);
    let image = RgbaImage::from_fn(params.size, params.size, |x, y| {
        let c = pm.pixel(x, y).expect("inside").demultiply();
        image::Rgba([c.red(), c.green(), c.blue(), 255])
    });
    let mut rig = PortraitRig::new(params.size, params.size, lm);
    let to_u8 = |c: [f32; 3]| c.map(|v| (v.clamp(0.0, 1.0) * 255.0).round() as u8);
    rig.hints =
        RigHints { lip_colour: Some(to_u8(params.lips)), skin_colour: Some(to_u8(params.skin)), ..Default::default() };
    rig.image = Some(image_name);
    NpcPortrait { image, rig, params }
}

struct Painter<'a> {
    pm: &'a mut Pixmap,
    sim: Similarity,
    p: &'a NpcParams,
    /// The expression to paint natively, if any ([`generate_at`]).
    expr: Option<&'a NpcExpression>,
}

fn colour(c: [f32; 3], a: f32) -> Color {
    Color::from_rgba(c[0].clamp(0.0, 1.0), c[1].clamp(0.0, 1.0), c[2].clamp(0.0, 1.0), a.clamp(0.0, 1.0))
        .expect("clamped")
}

fn shade(c: [f32; 3], k: f32) -> [f32; 3] {
    c.map(|v| v * k)
}

/// A radial gradient centred on `c` with `stops` as (offset, colour, alpha).
fn radial(c: Vec2, radius: f32, stops: &[(f32, [f32; 3], f32)]) -> Option<Shader<'static>> {
    let stops = stops.iter().map(|&(o, rgb, a)| GradientStop::new(o, colour(rgb, a))).collect();
    let centre = Point::from_xy(c.x, c.y);
    RadialGradient::new(centre, 0.0, centre, radius, stops, SpreadMode::Pad, Transform::identity())
}

fn paint_of(shader: Shader<'static>) -> Paint<'static> {
    Paint { shader, anti_alias: true, ..Paint::default() }
}

/// A smooth path through `pts` (Catmull-Rom as cubic Béziers), closed or open.
fn smooth(pts: &[Vec2], closed: bool) -> Option<Path> {
    let n = pts.len();
    let mut pb = PathBuilder::new();
    pb.move_to(pts[0].x, pts[0].y);
    let segs = if closed { n } else { n - 1 };
    let at = |i: isize| -> Vec2 {
        if closed { pts[i.rem_euclid(n as isize) as usize] } else { pts[i.clamp(0, n as isize - 1) as usize] }
    };
    for k in 0..segs as isize {
        let (p0, p1, p2, p3) = (at(k - 1), at(k), at(k + 1), at(k + 2));
        let (c1, c2) = (p1 + (p2 - p0) / 6.0, p2 - (p3 - p1) / 6.0);
        pb.cubic_to(c1.x, c1.y, c2.x, c2.y, p2.x, p2.y);
    }
    if closed {
        pb.close();
    }
    pb.finish()
}

impl Painter<'_> {
    /// Normalised point → pixels.
    fn px(&self, x: f32, y: f32) -> Vec2 {
        self.sim.apply(Vec2::new(x, y))
    }

    fn fill(&mut self, path: Option<Path>, paint: &Paint, mask: Option<&Mask>) {
        if let Some(path) = path {
            self.pm.fill_path(&path, paint, FillRule::Winding, Transform::identity(), mask);
        }
    }

    fn solid(&mut self, path: Option<Path>, c: [f32; 3], a: f32) {
        self.fill(path, &paint_of(Shader::SolidColor(colour(c, a))), None);
    }

    fn stroke(&mut self, path: Option<Path>, c: [f32; 3], a: f32, width: f32) {
        if let Some(path) = path {
            let stroke = Stroke { width, line_cap: tiny_skia::LineCap::Round, ..Stroke::default() };
            self.pm.stroke_path(
                &path,
                &paint_of(Shader::SolidColor(colour(c, a))),
                &stroke,
                Transform::identity(),
                None,
            );
        }
    }

    fn ellipse(&self, cx: f32, cy: f32, rx: f32, ry: f32) -> Option<Path> {
        let pts: Vec<Vec2> = (0..24)
            .map(|k| {
                let t = std::f32::consts::TAU * k as f32 / 24.0;
                self.px(cx + rx * t.cos(), cy + ry * t.sin())
            })
            .collect();
        smooth(&pts, true)
    }

    fn paint(&mut self, shape: &[Vec2; N_LANDMARKS], lm: &[Vec2; N_LANDMARKS]) {
        let p = self.p;
        let size = p.size as f32;
        let unit = self.sim.scale();
        // Background: a vertical gradient and a soft light behind the head.
        let bg = LinearGradient::new(
            Point::from_xy(0.0, 0.0),
            Point::from_xy(0.0, size),
            vec![
                GradientStop::new(0.0, colour(p.background[0], 1.0)),
                GradientStop::new(1.0, colour(p.background[1], 1.0)),
            ],
            SpreadMode::Pad,
            Transform::identity(),
        );
        self.pm.fill_rect(
            tiny_skia::Rect::from_xywh(0.0, 0.0, size, size).expect("positive"),
            &paint_of(bg.expect("stops")),
            Transform::identity(),
            None,
        );
        let c = self.px(0.0, -0.2);
        if let Some(glow) = radial(c, 1.8 * unit, &[(0.0, [1.0, 0.97, 0.9], 0.35), (1.0, [1.0, 1.0, 1.0], 0.0)]) {
            self.fill(self.ellipse(0.0, -0.2, 1.8, 1.8), &paint_of(glow), None);
        }
        let fw = p.face_width;
        // Hair behind the head.
        let back = match p.hair_style {
            HairStyle::Long => Some(vec![
                (-0.95, -0.4),
                (-0.9, 0.6),
                (-1.05, 1.7),
                (1.05, 1.7),
                (0.9, 0.6),
                (0.95, -0.4),
                (0.6, -1.1),
                (-0.6, -1.1),
            ]),
            HairStyle::Bob => Some(vec![
                (-0.92, -0.4),
                (-0.95, 0.55),
                (-0.7, 0.95),
                (0.7, 0.95),
                (0.95, 0.55),
                (0.92, -0.4),
                (0.6, -1.08),
                (-0.6, -1.08),
            ]),
            HairStyle::Bald => None,
            _ => Some(vec![
                (-0.88, -0.2),
                (-0.8, 0.2),
                (0.8, 0.2),
                (0.88, -0.2),
                (0.7, -0.95),
                (0.0, -1.15),
                (-0.7, -0.95),
            ]),
        };
        if let Some(pts) = back {
            let pts: Vec<Vec2> = pts.iter().map(|&(x, y)| self.px(x * fw, y)).collect();
            self.solid(smooth(&pts, true), shade(p.hair, 0.8), 1.0);
        }
        if p.hair_style == HairStyle::Bun {
            self.solid(self.ellipse(0.0, -1.22, 0.32, 0.26), p.hair, 1.0);
        }
        // Shoulders and clothing, then the neck.
        let body: Vec<Vec2> =
            [(-2.2, 3.0), (-2.0, 1.95), (-0.9, 1.45), (0.0, 1.5), (0.9, 1.45), (2.0, 1.95), (2.2, 3.0)]
                .iter()
                .map(|&(x, y)| self.px(x, y))
                .collect();
        self.solid(smooth(&body, true), p.clothing, 1.0);
        let neck: Vec<Vec2> = [(-0.36, 0.8), (-0.38, 1.52), (0.0, 1.68), (0.38, 1.52), (0.36, 0.8)]
            .iter()
            .map(|&(x, y)| self.px(x, y))
            .collect();
        self.solid(smooth(&neck, true), shade(p.skin, 0.8), 1.0);
        let collar: Vec<Vec2> = [(-0.5, 1.45), (0.0, 1.85), (0.5, 1.45)].iter().map(|&(x, y)| self.px(x, y)).collect();
        self.stroke(smooth(&collar, false), shade(p.clothing, 0.6), 1.0, 0.06 * unit);
        // Ears, then the face: the jaw line and a forehead arc above the brows.
        for side in [-1.0f32, 1.0] {
            let (x, y) = (shape[if side < 0.0 { 1 } else { 15 }].x + side * 0.05, 0.18);
            self.solid(self.ellipse(x, y, 0.1, 0.19), shade(p.skin, 0.88), 1.0);
        }
        let (top_l, top_r) = (shape[0], shape[16]);
        let mut outline: Vec<Vec2> = lm[0..=16].to_vec();
        for k in 1..12 {
            let t = k as f32 / 12.0;
            let a = std::f32::consts::PI * t; // after the jaw (left to right): back over the top
            let x = top_r.x * a.cos();
            let y = top_r.y.min(top_l.y) - 1.02 * a.sin() * (0.95 + 0.05 * fw);
            outline.push(self.px(x * 1.02, y));
        }
        let centre = self.px(0.0, 0.3);
        let skin = radial(
            centre,
            1.25 * unit,
            &[(0.0, shade(p.skin, 1.04), 1.0), (0.65, p.skin, 1.0), (1.0, shade(p.skin, 0.8), 1.0)],
        );
        self.fill(smooth(&outline, true), &paint_of(skin.expect("stops")), None);
        // Cheeks.
        for x in [-0.45f32, 0.45] {
            let c = self.px(x * fw, 0.52);
            if let Some(blush) = radial(c, 0.22 * unit, &[(0.0, [0.9, 0.4, 0.4], 0.22), (1.0, [0.9, 0.4, 0.4], 0.0)]) {
                self.fill(self.ellipse(x * fw, 0.52, 0.22, 0.22), &paint_of(blush), None);
            }
        }
        self.paint_features(lm, unit);
        // Hair in front: a fringe across the upper forehead (it stops above the brows).
        let brow_top = (17..27).map(|i| shape[i].y).fold(f32::MAX, f32::min);
        let fringe_low = brow_top - 0.14;
        let fringe: Option<Vec<(f32, f32)>> = match p.hair_style {
            HairStyle::Bald => None,
            HairStyle::Spiky => Some(vec![
                (-0.85, -0.3),
                (-0.7, fringe_low),
                (-0.55, -1.25),
                (-0.35, fringe_low - 0.05),
                (-0.15, -1.35),
                (0.05, fringe_low - 0.05),
                (0.3, -1.3),
                (0.45, fringe_low),
                (0.65, -1.2),
                (0.85, -0.3),
                (0.6, -1.05),
                (-0.6, -1.05),
            ]),
            HairStyle::Bun => Some(vec![
                (-0.86, -0.25),
                (-0.6, fringe_low - 0.12),
                (0.0, fringe_low - 0.2),
                (0.6, fringe_low - 0.12),
                (0.86, -0.25),
                (0.6, -1.0),
                (0.0, -1.1),
                (-0.6, -1.0),
            ]),
            _ => Some(vec![
                (-0.88, -0.15),
                (-0.7, fringe_low + 0.05),
                (-0.3, fringe_low),
                (0.1, fringe_low + 0.03),
                (0.5, fringe_low - 0.02),
                (0.88, -0.15),
                (0.65, -1.02),
                (0.0, -1.14),
                (-0.65, -1.02),
            ]),
        };
        if let Some(pts) = fringe {
            let pts: Vec<Vec2> = pts.iter().map(|&(x, y)| self.px(x * fw, y)).collect();
            self.solid(smooth(&pts, true), p.hair, 1.0);
            let strands: Vec<Vec2> = pts.iter().take(4).copied().collect();
            self.stroke(smooth(&strands, false), shade(p.hair, 1.3), 0.5, 0.015 * unit);
        }
    }

    fn paint_features(&mut self, lm: &[Vec2; N_LANDMARKS], unit: f32) {
        let p = self.p;
        let ink = shade(p.skin, 0.35);
        // Eyes: sclera, iris and pupil clipped to the eye, lash line and lower lid.
        for eye in [36..42, 42..48] {
            let pts: Vec<Vec2> = eye.clone().map(|i| lm[i]).collect();
            let outline = smooth(&pts, true);
            self.solid(outline.clone(), [0.96, 0.95, 0.92], 1.0);
            let mut mask = Mask::new(p.size, p.size).expect("size");
            if let Some(o) = &outline {
                mask.fill_path(o, FillRule::Winding, true, Transform::identity());
            }
            let (c, r) = match self.expr {
                // The eyeball does not change with the lids: the rest eye's iris, moved by the gaze.
                Some(e) => e.iris(eye.start, unit),
                None => {
                    let c = pts.iter().sum::<Vec2>() / 6.0;
                    let open = (pts[5].y + pts[4].y - pts[1].y - pts[2].y) / 2.0;
                    (c, (0.55 * open).max(0.035 * unit))
                }
            };
            let iris = self.circle(c, r);
            self.fill(iris, &paint_of(Shader::SolidColor(colour(p.iris, 1.0))), Some(&mask));
            self.fill(
                self.circle(c, r * 0.45),
                &paint_of(Shader::SolidColor(colour([0.05, 0.05, 0.06], 1.0))),
                Some(&mask),
            );
            self.fill(
                self.circle(c + Vec2::new(-0.3, -0.35) * r, r * 0.2),
                &paint_of(Shader::SolidColor(colour([1.0, 1.0, 1.0], 0.8))),
                Some(&mask),
            );
            self.stroke(smooth(&pts[0..4], false), [0.08, 0.06, 0.06], 1.0, 0.028 * unit);
            self.stroke(smooth(&[pts[3], pts[4], pts[5], pts[0]], false), ink, 0.35, 0.012 * unit);
        }
        // Brows: tapered strokes (thick inner end).
        for brow in [17..22, 22..27] {
            let pts: Vec<Vec2> = brow.map(|i| lm[i]).collect();
            self.stroke(smooth(&pts, false), p.hair, 0.95, 0.05 * unit);
        }
        // Nose: the nostril curve and a soft shadow down one side of the bridge.
        let nostrils: Vec<Vec2> = (31..36).map(|i| lm[i]).collect();
        self.stroke(smooth(&nostrils, false), ink, 0.55, 0.02 * unit);
        let side: Vec<Vec2> = (27..31).map(|i| lm[i] + Vec2::new(0.05 * unit, 0.0)).collect();
        self.stroke(smooth(&side, false), ink, 0.18, 0.025 * unit);
        // Lips: the outer shape, the darker upper lip, and the mouth line.
        let outer: Vec<Vec2> = (48..60).map(|i| lm[i]).collect();
        self.solid(smooth(&outer, true), p.lips, 1.0);
        let upper: Vec<Vec2> = (48..55).map(|i| lm[i]).chain([64, 63, 62, 61, 60].map(|i| lm[i])).collect();
        self.solid(smooth(&upper, true), shade(p.lips, 0.82), 1.0);
        let inner: Vec<Vec2> = (60..68).map(|i| lm[i]).collect();
        self.solid(smooth(&inner, true), [0.18, 0.07, 0.07], 1.0);
        if let Some(e) = self.expr {
            self.paint_mouth_interior(e, lm, unit);
        }
        let line: Vec<Vec2> = (60..65).map(|i| lm[i]).collect();
        self.stroke(smooth(&line, false), shade(p.lips, 0.4), 0.9, 0.012 * unit);
        if let Some(e) = self.expr {
            self.paint_creases(e, unit);
        }
    }

    fn circle(&self, c: Vec2, r: f32) -> Option<Path> {
        PathBuilder::from_circle(c.x, c.y, r)
    }
}
