//! An NPC painted natively at an expression: the targets of the face generator (HEF).
//!
//! The character's landmarks are moved by the face model ([`BlendshapeBasis::displacements`] in
//! the normalised frame, then placed as the neutral painting is), and everything is drawn from
//! them as [`super::generate`] draws the neutral face, plus what a warp of that painting cannot
//! make:
//! - **eyes**: the eyeball is the rest eye's (its iris keeps its size and is only moved by the
//!   gaze weights, as `cpu_render::EyeFrame` moves it), the lids are the moved contour, so a
//!   squint covers the iris instead of squashing it and a wide eye shows white above it;
//! - **mouth**: inside the moved inner lips, a cavity darker towards the back, a tongue, upper
//!   teeth fixed to the skull (hanging from the rest upper lip) with gums above them, lower teeth
//!   riding with the jaw, every tooth outlined;
//! - **creases**: the renderer's crease segments between their authored points
//!   ([`wrinkles::Creases`], [`wrinkles::Segment::authored`], activated by the same
//!   [`wrinkles::activations`]) carried onto the character (each point moved as its nearest
//!   landmarks are), drawn as strokes of constant width in the skin's ink (the renderer fades
//!   each crease out at its ends; the targets keep the strokes they were trained on).
//!
//! Its few free choices (tooth shade, tongue hue) come from a second ChaCha8 stream of the seed,
//! so the neutral painting of every seed keeps its bytes, and painting at the zero expression
//! gives exactly those bytes (a test).

use glam::Vec2;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use tiny_skia::{FillRule, Mask, Transform};

use super::{N_LANDMARKS, NpcParams, NpcPortrait, Painter, colour, paint_of, paint_portrait, radial, shade, smooth};
use crate::face::blendshapes::{BlendshapeBasis, N_BLENDSHAPES, index_of};
use crate::face::cpu_render::{GAZE_ACROSS, GAZE_UP_DOWN};
use crate::face::mean::mean_face;
use crate::face::wrinkles;

/// The ChaCha8 stream of the expression painter's choices (stream 0 is the identity's).
const EXPRESSION_STREAM: u64 = 1;

/// Tooth height in IOD units (an upper central incisor is about 10 mm; IOD 90 mm).
const TOOTH_HEIGHT: f32 = 0.11;
/// How far the upper teeth's edges hang below the rest upper inner lip, IOD (2 mm).
const UPPER_TEETH_SHOW: f32 = 0.022;
/// How far the lower teeth's edges sit below the rest lower inner lip, IOD (1 mm).
const LOWER_TEETH_SINK: f32 = 0.011;
/// An inner-lip gap (IOD) below which the mouth counts as closed and nothing is drawn inside.
const OPEN_GAP: f32 = 0.012;

/// What the painter needs to paint one expression of one character.
#[derive(Debug, Clone)]
pub struct NpcExpression {
    /// The blendshape weights (ARKit order), finite and clamped to 0–1.
    pub weights: [f32; N_BLENDSHAPES],
    /// The character's landmarks at rest, pixels.
    pub rest: [Vec2; N_LANDMARKS],
    /// Its landmarks at the expression, normalised frame.
    pub shape: [Vec2; N_LANDMARKS],
    tooth: [f32; 3],
    tongue: [f32; 3],
}

impl NpcExpression {
    fn weight(&self, name: &str) -> f32 {
        index_of(name).map_or(0.0, |k| self.weights[k])
    }

    /// The iris of the eye whose contour starts at landmark `start` (36 right, 42 left): the rest
    /// eye's centre moved by the gaze, and the rest eye's iris radius.
    pub(super) fn iris(&self, start: usize, unit: f32) -> (Vec2, f32) {
        let pts = &self.rest[start..start + 6];
        let c = pts.iter().sum::<Vec2>() / 6.0;
        let open = (pts[5].y + pts[4].y - pts[1].y - pts[2].y) / 2.0;
        let r = (0.55 * open).max(0.035 * unit);
        let side = if start == 36 { "Right" } else { "Left" };
        let (inner, outer) = if start == 36 { (self.rest[39], self.rest[36]) } else { (self.rest[42], self.rest[45]) };
        let u = (outer - inner).normalize_or_zero();
        let perp = Vec2::new(-u.y, u.x);
        let down = if perp.y < 0.0 { -perp } else { perp };
        let width = (outer - inner).length();
        let w = |n: &str| self.weight(&format!("{n}{side}"));
        let gaze = u * (w("eyeLookOut") - w("eyeLookIn")) * GAZE_ACROSS * width
            + down * (w("eyeLookDown") - w("eyeLookUp")) * GAZE_UP_DOWN * width;
        (c + gaze, r)
    }
}

/// The NPC of `seed` painted natively at `weights` (52, ARKit order; non-finite read as 0,
/// others clamped to 0–1): the same size and framing as [`generate`](super::generate)'s neutral painting, its rig
/// the landmarks at the expression. At the zero expression it is exactly [`generate`](super::generate)'s.
pub fn generate_at(seed: u64, size: u32, weights: &[f32], basis: &BlendshapeBasis) -> NpcPortrait {
    let params = NpcParams::from_seed(seed, size);
    let rest_shape = params.shape();
    let sim = params.placement();
    let w: [f32; N_BLENDSHAPES] =
        std::array::from_fn(|k| weights.get(k).copied().filter(|v| v.is_finite()).unwrap_or(0.0).clamp(0.0, 1.0));
    let d = basis.displacements(&w);
    let shape: [Vec2; N_LANDMARKS] = std::array::from_fn(|i| rest_shape[i] + d[i].truncate());
    let lm: [Vec2; N_LANDMARKS] = shape.map(|p| sim.apply(p));
    let mut r = ChaCha8Rng::seed_from_u64(seed);
    r.set_stream(EXPRESSION_STREAM);
    let ivory = r.random_range(0.0..=1.0f32);
    let tooth = [0.93 - 0.03 * ivory, 0.91 - 0.05 * ivory, 0.86 - 0.1 * ivory];
    let tongue = [0.78 + 0.1 * r.random_range(0.0..=1.0f32), 0.36, 0.38];
    let expr = NpcExpression { weights: w, rest: rest_shape.map(|p| sim.apply(p)), shape, tooth, tongue };
    paint_portrait(params, &rest_shape, &lm, Some(&expr), format!("npc_{seed}_target.png"))
}

impl Painter<'_> {
    /// Inside the moved inner lips: cavity, tongue, gums and teeth (see the module docs).
    pub(super) fn paint_mouth_interior(&mut self, e: &NpcExpression, lm: &[Vec2; N_LANDMARKS], unit: f32) {
        let inner: Vec<Vec2> = (60..68).map(|i| lm[i]).collect();
        let gap = (lm[66] - lm[62]).length().max((lm[67] - lm[61]).length()).max((lm[65] - lm[63]).length());
        if gap < OPEN_GAP * unit {
            return;
        }
        let Some(outline) = smooth(&inner, true) else { return };
        let Some(mut mask) = Mask::new(self.p.size, self.p.size) else { return };
        mask.fill_path(&outline, FillRule::Winding, true, Transform::identity());
        let mask = Some(&mask);
        // The cavity: dark red, darkest at the back (the centre of the opening).
        let centre = inner.iter().sum::<Vec2>() / inner.len() as f32;
        let width = (lm[64] - lm[60]).length().max(1.0);
        if let Some(back) = radial(centre, 0.6 * width, &[(0.0, [0.08, 0.02, 0.03], 1.0), (1.0, [0.3, 0.1, 0.1], 1.0)])
        {
            self.fill(Some(outline.clone()), &paint_of(back), mask);
        }
        let rest = &e.rest;
        let across = (rest[64] - rest[60]).normalize_or_zero();
        let down = Vec2::new(-across.y, across.x) * if across.x >= 0.0 { 1.0 } else { -1.0 };
        let (tooth_h, lower_move) = (TOOTH_HEIGHT * unit, lm[8] - rest[8]);
        // Tongue: low in the mouth, riding with the jaw.
        let tongue_c = (rest[66] + rest[62]) / 2.0 + lower_move + down * 0.02 * unit;
        let tongue = (0..24)
            .map(|k| {
                let t = std::f32::consts::TAU * k as f32 / 24.0;
                tongue_c + across * (0.34 * width * t.cos()) + down * (0.09 * unit * t.sin())
            })
            .collect::<Vec<_>>();
        self.fill(smooth(&tongue, true), &paint_of(tiny_skia::Shader::SolidColor(colour(e.tongue, 1.0))), mask);
        // Upper teeth hang from the skull: their edge just below the rest upper inner lip; gums
        // above them; lower teeth ride with the jaw, their edge just below the rest lower lip.
        let upper_edge = [rest[61], rest[62], rest[63]].map(|p| p + down * UPPER_TEETH_SHOW * unit);
        let lower_edge = [rest[67], rest[66], rest[65]].map(|p| p + lower_move + down * LOWER_TEETH_SINK * unit);
        let gum = shade(self.p.lips, 1.1);
        let band = |near: &[Vec2], h: f32| -> Vec<Vec2> {
            let mut pts = near.to_vec();
            pts.extend(near.iter().rev().map(|&p| p + down * h));
            pts
        };
        // Upper arch: the teeth from their edge up one tooth height, the gums above.
        let upper_line: Vec<Vec2> = {
            let (l, r) = (rest[60] + down * 0.3 * tooth_h, rest[64] + down * 0.3 * tooth_h);
            vec![l, upper_edge[0], upper_edge[1], upper_edge[2], r]
        };
        let gums = band(&upper_line.iter().map(|&p| p - down * tooth_h).collect::<Vec<_>>(), -0.6 * tooth_h);
        self.fill(smooth(&gums, true), &paint_of(tiny_skia::Shader::SolidColor(colour(gum, 1.0))), mask);
        let upper = band(&upper_line, -tooth_h);
        self.fill(smooth(&upper, true), &paint_of(tiny_skia::Shader::SolidColor(colour(e.tooth, 1.0))), mask);
        let lower_line: Vec<Vec2> = {
            let (l, r) = (rest[60] + lower_move - down * 0.2 * tooth_h, rest[64] + lower_move - down * 0.2 * tooth_h);
            vec![l, lower_edge[0], lower_edge[1], lower_edge[2], r]
        };
        let lower = band(&lower_line, 0.85 * tooth_h);
        self.fill(
            smooth(&lower, true),
            &paint_of(tiny_skia::Shader::SolidColor(colour(shade(e.tooth, 0.9), 1.0))),
            mask,
        );
        // Tooth outlines: constant-width strokes between teeth, narrower towards the corners.
        let ink = shade(e.tooth, 0.55);
        let stroke_w = 0.008 * unit;
        for (line, sign, h) in [(&upper_line, -1.0f32, tooth_h), (&lower_line, 1.0, 0.85 * tooth_h)] {
            let (l, r) = (line[0], line[4]);
            let mid = line[2];
            for k in [-3.0f32, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0] {
                // Incisors 8.5 mm, then narrower: positions along the arch from the midline.
                let t = k.signum() * (k.abs().powf(0.8) * 0.16).min(0.95);
                let base = if t < 0.0 { mid + (l - mid) * -t } else { mid + (r - mid) * t };
                let seg = [base, base + down * sign * h];
                self.stroke_masked(&seg, ink, 0.7, stroke_w, mask);
            }
            self.stroke_masked(&[line[0], line[1], line[2], line[3], line[4]], ink, 0.5, stroke_w, mask);
        }
    }

    /// The renderer's creases, carried onto this character and stroked at constant width.
    pub(super) fn paint_creases(&mut self, e: &NpcExpression, unit: f32) {
        let active = wrinkles::activations(&e.weights);
        let ink = shade(self.p.skin, 0.45);
        let mean = mean_face();
        for s in &wrinkles::Creases::get().segments {
            let a = active.get(s.group as usize).copied().unwrap_or(0.0);
            if a <= 0.02 || s.depth <= 0.0 {
                continue; // inactive, or a highlight (the raised cheek), not a line
            }
            let carry = |p: Vec2| {
                // Moved as its four nearest landmarks moved from the mean face to this expression.
                let mut near: Vec<(f32, usize)> =
                    (0..N_LANDMARKS).map(|i| (mean[i].truncate().distance_squared(p), i)).collect();
                near.sort_by(|x, y| x.0.total_cmp(&y.0));
                let (mut sum, mut wsum) = (Vec2::ZERO, 0.0);
                for &(d2, i) in near.iter().take(4) {
                    let w = 1.0 / (d2 + 1e-4);
                    sum += (e.shape[i] - mean[i].truncate()) * w;
                    wsum += w;
                }
                self.sim.apply(p + sum / wsum)
            };
            // Stroked between the crease's authored points, at one depth (the renderer fades
            // it out around them, `wrinkles::Segment::taper`).
            let Some((a0, b0)) = s.authored() else { continue };
            let seg = [carry(a0), carry(b0)];
            let alpha = (a * s.depth * 2.2).min(0.8);
            self.stroke_masked(&seg, ink, alpha, 0.011 * unit, None);
        }
    }

    fn stroke_masked(&mut self, pts: &[Vec2], c: [f32; 3], a: f32, width: f32, mask: Option<&Mask>) {
        let mut pb = tiny_skia::PathBuilder::new();
        let Some(first) = pts.first() else { return };
        pb.move_to(first.x, first.y);
        for p in &pts[1..] {
            pb.line_to(p.x, p.y);
        }
        let Some(path) = pb.finish() else { return };
        let stroke = tiny_skia::Stroke { width, line_cap: tiny_skia::LineCap::Round, ..Default::default() };
        self.pm.stroke_path(
            &path,
            &paint_of(tiny_skia::Shader::SolidColor(colour(c, a))),
            &stroke,
            Transform::identity(),
            mask,
        );
    }
}
