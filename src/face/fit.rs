//! Fitting the face model to a portrait's landmarks.
//!
//! `landmarks = S(mean + B·w₀ + δ)` with:
//! * `S`, the similarity from the normalised frame to pixels, fitted on landmarks that
//!   expressions barely move (eye corners, nose, the top of the jaw);
//! * `w₀ ∈ [0, 1]⁵²`, the expression the portrait already shows (a smile, say): bounded ridge
//!   least squares on the `x, y` of all 68 landmarks, solved by FISTA (accelerated projected
//!   gradient);
//! * `δ`, the identity: what is left, so the rest pose reproduces the given landmarks exactly,
//!   except for what no resting face holds: lips apart (`seal_lips`) and lip corners lifted
//!   above the middle of the lips (`level_corners`) move from `δ` into the rest expression.
//!
//! A requested expression `w` then gives `S(mean + δ + B·w)`: it *replaces* `w₀` instead of
//! stacking on it, so a smiling photo can be made neutral or sad.

use glam::{Vec2, Vec3};

use super::N_LANDMARKS;
use super::blendshapes::{BlendshapeBasis, N_BLENDSHAPES, index_of};
use super::mean::mean_face;
use super::similarity::Similarity;

/// Landmarks that carry the head's position and scale, and that expressions move least.
const RIGID: [usize; 15] = [27, 28, 29, 30, 31, 32, 33, 34, 35, 36, 39, 42, 45, 0, 16];
/// Ridge penalty on the expression weights (squared IOD units per unit weight): prefers
/// explaining small differences as identity rather than as expression.
const RIDGE: f32 = 2e-3;
/// Extra penalty factors for shapes that people's resting faces differ in as much as their
/// expressions do (brow height, eye opening): a low-browed face is not frowning.
const IDENTITY_LIKE: [(&str, f32); 4] = [("browDown", 5.0), ("browInnerUp", 5.0), ("browOuterUp", 5.0), ("eye", 1.5)];
/// FISTA iterations (the problem has 52 unknowns; 400 iterations converge to < 1e-4).
const ITERATIONS: usize = 400;
/// Blendshapes not fitted: gaze and the tongue leave no trace in the 68 landmarks, and
/// `mouthClose` only acts together with an open jaw.
const NOT_FITTED: [&str; 10] = [
    "eyeLookDownLeft",
    "eyeLookInLeft",
    "eyeLookOutLeft",
    "eyeLookUpLeft",
    "eyeLookDownRight",
    "eyeLookInRight",
    "eyeLookOutRight",
    "eyeLookUpRight",
    "tongueOut",
    "mouthClose",
];

/// A portrait's landmarks explained by the face model.
#[derive(Debug, Clone, PartialEq)]
pub struct FaceFit {
    /// Normalised frame → pixels.
    pub similarity: Similarity,
    /// The expression the portrait shows.
    pub weights: [f32; N_BLENDSHAPES],
    /// The landmark displacements of [`weights`](Self::weights) (normalised frame), kept so that
    /// each frame only evaluates the requested expression.
    pub expression: [Vec3; N_LANDMARKS],
    /// Per-landmark identity offsets in the normalised frame (`x, y`).
    pub identity: [Vec2; N_LANDMARKS],
    /// RMS of the landmark residual the expression left to identity, in IOD units.
    pub residual_rms: f32,
    /// The fitted `jawOpen`, not capped at 1 as [`weights`](Self::weights) is: how far the
    /// portrait's own jaw is dropped (the procedural lower teeth stand on the jaw).
    pub jaw_open: f32,
}

impl FaceFit {
    /// Fits the model to 68 landmarks (pixels). `None` when the landmarks are degenerate.
    pub fn fit(landmarks: &[Vec2; N_LANDMARKS], basis: &BlendshapeBasis) -> Option<Self> {
        let mean = mean_face();
        let rigid_src: Vec<Vec2> = RIGID.iter().map(|&i| mean[i].truncate()).collect();
        let rigid_dst: Vec<Vec2> = RIGID.iter().map(|&i| landmarks[i]).collect();
        let similarity = Similarity::fit(&rigid_src, &rigid_dst)?;
        let inv = similarity.inverse().filter(|_| similarity.scale() > 1e-6)?;
        let normalised: [Vec2; N_LANDMARKS] = std::array::from_fn(|i| inv.apply(landmarks[i]));
        let target: Vec<f32> = (0..N_LANDMARKS)
            .flat_map(|i| {
                let r = normalised[i] - mean[i].truncate();
                [r.x, r.y]
            })
            .collect();
        let fitted: Vec<usize> =
            (0..N_BLENDSHAPES).filter(|&k| !NOT_FITTED.iter().any(|n| index_of(n) == Some(k))).collect();
        let columns: Vec<Vec<f32>> =
            fitted.iter().map(|&k| basis.shapes[k].displacements.iter().flat_map(|d| [d.x, d.y]).collect()).collect();
        let penalties: Vec<f32> = fitted
            .iter()
            .map(|&k| {
                let name = basis.shapes[k].name;
                RIDGE * IDENTITY_LIKE.iter().find(|(p, _)| name.starts_with(p)).map_or(1.0, |(_, f)| *f)
            })
            .collect();
        let solved = bounded_ridge(&columns, &target, &penalties, ITERATIONS);
        let mut unbounded = [0.0; N_BLENDSHAPES];
        for (&k, &w) in fitted.iter().zip(&solved) {
            unbounded[k] = w;
        }
        let expr = basis.displacements(&unbounded);
        let weights = unbounded.map(|w| w.min(1.0));
        let identity: [Vec2; N_LANDMARKS] =
            std::array::from_fn(|i| normalised[i] - mean[i].truncate() - expr[i].truncate());
        let residual_rms = (identity.iter().map(|d| d.length_squared()).sum::<f32>() / N_LANDMARKS as f32).sqrt();
        let (mut expr, mut identity) = (expr, identity);
        seal_lips(&mut expr, &mut identity);
        level_corners(&mut expr, &mut identity);
        let jaw_open = super::blendshapes::index_of("jawOpen").map_or(0.0, |j| unbounded[j]);
        Some(Self { similarity, weights, expression: expr, identity, residual_rms, jaw_open })
    }

    /// The portrait's own landmarks (pixels) as the model explains them: identity plus its rest
    /// expression (which may hold more than [`Self::weights`] says: weights above 1 and lips held
    /// apart, see `seal_lips`). Reproduces the fitted landmarks.
    pub fn rest_landmarks(&self) -> [Vec2; N_LANDMARKS] {
        let mean = mean_face();
        std::array::from_fn(|i| {
            self.similarity.apply(mean[i].truncate() + self.identity[i] + self.expression[i].truncate())
        })
    }

    /// The landmarks (pixels) of this face showing `weights` instead of its own expression.
    pub fn landmarks_with(&self, weights: &[f32], basis: &BlendshapeBasis) -> [Vec2; N_LANDMARKS] {
        let mean = mean_face();
        let expr = basis.displacements(weights);
        std::array::from_fn(|i| self.similarity.apply(mean[i].truncate() + self.identity[i] + expr[i].truncate()))
    }

    /// Landmark displacements in pixels (with the normalised `z` change, scaled to pixels) that
    /// take this portrait from its own expression to `weights`.
    pub fn displacements_px(&self, weights: &[f32], basis: &BlendshapeBasis) -> [Vec3; N_LANDMARKS] {
        let then = basis.displacements(weights);
        std::array::from_fn(|i| {
            let d = then[i] - self.expression[i];
            self.similarity.a.rotate(d.truncate()).extend(d.z * self.similarity.scale())
        })
    }
}

/// The largest weight the fit may use to explain a portrait's own expression. Real faces pose
/// beyond the basis's full action (a broad photographed smile lifts the corners further than
/// `mouthSmile = 1`); what the fit cannot explain stays in the identity and would survive every
/// rendered expression, so the fit may go to 1.6 ([`FaceFit::weights`] still reports at most 1).
const FIT_MAX: f32 = 1.6;

/// Inner-lip pairs (upper, lower) and the outer-lip points that move with each.
pub(crate) const LIP_PAIRS: [((usize, usize), (usize, usize)); 3] =
    [((61, 50), (67, 58)), ((62, 51), (66, 57)), ((63, 52), (65, 56))];
/// The largest rest opening [`seal_lips`] moves into the expression (IOD units, 13.5 mm).
const MAX_SEALED_GAP: f32 = 0.15;

/// Lips that a portrait holds apart beyond what its fitted expression explains (teeth showing in
/// a smile, a mouth caught mid-word) are part of its expression, not of its identity: the gap
/// moves from the identity offsets into the rest expression, so that every rendered expression
/// (neutral included) starts from closed lips and opens them only as far as it asks, the lips
/// covering the portrait's own teeth.
fn seal_lips(expr: &mut [Vec3; N_LANDMARKS], identity: &mut [Vec2; N_LANDMARKS]) {
    for ((upper, upper_outer), (lower, lower_outer)) in LIP_PAIRS {
        // Lips the identity holds overlapping (the fitted expression opened them further than
        // the portrait shows) meet as well: a resting mouth's lips touch, they do not cross.
        let gap = (identity[lower].y - identity[upper].y).clamp(-MAX_SEALED_GAP, MAX_SEALED_GAP);
        if gap == 0.0 {
            continue;
        }
        for (i, sign) in [(upper, 1.0f32), (upper_outer, 1.0), (lower, -1.0), (lower_outer, -1.0)] {
            // Identity towards the other lip by half the gap, the rest expression away from it.
            identity[i].y += sign * gap / 2.0;
            expr[i].y -= sign * gap / 2.0;
        }
    }
}

/// The largest lift of the lip corners above the middle of the lips, beyond the mean face's,
/// that [`level_corners`] moves into the expression (IOD units, about 7 mm).
const MAX_LEVELLED_RISE: f32 = 0.08;
/// Outer and inner lip corners with their outer-lip neighbours (which follow at half weight).
const CORNERS: [(usize, usize, [usize; 2]); 2] = [(48, 60, [49, 59]), (54, 64, [53, 55])];

/// Lip corners that a portrait holds above the middle of its lips beyond what the fitted smile
/// explains (a broad photographed smile lifts them further than the basis's full action) are
/// part of its expression too: resting mouths are close to level, so the excess lift moves from
/// the identity offsets into the rest expression, and a neutral, sad or angry face rendered from
/// a smiling photo lowers its corners instead of keeping the smile's curve.
fn level_corners(expr: &mut [Vec3; N_LANDMARKS], identity: &mut [Vec2; N_LANDMARKS]) {
    let mid = |a: usize, b: usize| (identity[a].y + identity[b].y) / 2.0;
    let (outer_mid, inner_mid) = (mid(51, 57), mid(62, 66));
    for (outer, inner, neighbours) in CORNERS {
        // The normalised frame's `y` grows downwards: a lifted corner has the smaller `y`.
        let rise = (outer_mid - identity[outer].y).clamp(0.0, MAX_LEVELLED_RISE);
        let inner_rise = (inner_mid - identity[inner].y).clamp(0.0, MAX_LEVELLED_RISE);
        for (i, lift) in [(outer, rise), (inner, inner_rise), (neighbours[0], rise / 2.0), (neighbours[1], rise / 2.0)] {
            identity[i].y += lift;
            expr[i].y -= lift;
        }
    }
}

/// `argmin_{0 ≤ x ≤ FIT_MAX} |A x − b|² + Σ λ_k x_k²` by FISTA; `columns` are the columns of `A`.
pub(crate) fn bounded_ridge(columns: &[Vec<f32>], b: &[f32], lambda: &[f32], iterations: usize) -> Vec<f32> {
    let n = columns.len();
    // Gram matrix and Aᵀb make each iteration O(n²).
    let gram: Vec<f32> = (0..n * n).map(|k| dot(&columns[k / n], &columns[k % n])).collect();
    let atb: Vec<f32> = columns.iter().map(|c| dot(c, b)).collect();
    // Lipschitz constant of the gradient: 2 (λ_max(AᵀA) + λ), bounded by the Gram matrix's
    // largest row sum.
    let lmax = (0..n).map(|r| gram[r * n..(r + 1) * n].iter().map(|v| v.abs()).sum::<f32>()).fold(0.0, f32::max);
    let lambda_max = lambda.iter().fold(0.0f32, |m, &l| m.max(l));
    let step = 1.0 / (2.0 * (lmax + lambda_max)).max(1e-12);
    let (mut x, mut y, mut t) = (vec![0.0f32; n], vec![0.0f32; n], 1.0f32);
    for _ in 0..iterations {
        let grad: Vec<f32> =
            (0..n).map(|r| 2.0 * (dot(&gram[r * n..(r + 1) * n], &y) - atb[r] + lambda[r] * y[r])).collect();
        let next: Vec<f32> = (0..n).map(|r| (y[r] - step * grad[r]).clamp(0.0, FIT_MAX)).collect();
        let t_next = (1.0 + (1.0 + 4.0 * t * t).sqrt()) / 2.0;
        for r in 0..n {
            y[r] = next[r] + (t - 1.0) / t_next * (next[r] - x[r]);
        }
        x = next;
        t = t_next;
    }
    x
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::face::EmotionPreset;

    fn px(p: [Vec3; N_LANDMARKS], s: &Similarity) -> [Vec2; N_LANDMARKS] {
        p.map(|q| s.apply(q.truncate()))
    }

    #[test]
    fn recovers_a_known_expression_and_reproduces_the_landmarks() {
        let basis = BlendshapeBasis::default_basis();
        let s = Similarity { a: Vec2::from_angle(0.1) * 180.0, t: Vec2::new(300.0, 250.0) };
        let truth = EmotionPreset::Surprised.weights(2.0);
        let d = basis.displacements(&truth);
        let m = mean_face();
        let lm = px(std::array::from_fn(|i| m[i] + d[i]), &s);
        let fit = FaceFit::fit(&lm, basis).unwrap();
        // The rest pose reproduces the input exactly (identity absorbs the rest).
        let back = fit.rest_landmarks();
        assert!(back.iter().zip(&lm).all(|(a, b)| a.distance(*b) < 1e-2));
        // The expression is recognised: brows, lids and jaw.
        for name in ["browInnerUp", "eyeWideLeft", "eyeWideRight", "jawOpen"] {
            let k = index_of(name).unwrap();
            assert!(fit.weights[k] > 0.5 * truth[k], "{name}: fitted {} of {}", fit.weights[k], truth[k]);
        }
        assert!(fit.residual_rms < 0.01, "residual {}", fit.residual_rms);
        // The neutral mean face fits as (nearly) no expression.
        let neutral = FaceFit::fit(&px(m, &s), basis).unwrap();
        assert!(neutral.weights.iter().all(|&w| w < 0.05), "{:?}", neutral.weights);
    }
}
