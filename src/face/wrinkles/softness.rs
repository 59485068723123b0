//! How soft a portrait's own detail is: the blur, in pixels, that its face's edges already have
//! ([`image_softness`]), which the drawn creases take on ([`super::shade`]).
//!
//! A crease authored as a 1.3–2.6 mm groove is a line two or three pixels wide on a face 130 px
//! across. On a painting or a sharp photograph that is the skin's own scale; on a photograph
//! upscaled from a small face, or a soft JPEG, every edge of the face (lids, brows, lips) is
//! blurred over several pixels and a sharp groove beside them reads as a pencil stroke drawn on
//! the photo (#14's fourteenth pass, on face-api's held-out demo photos). So a crease is blurred
//! by the portrait's own blur, keeping its integrated darkening: it is as visible from afar and
//! as soft up close as the portrait's own folds.
//!
//! The estimate is the re-blur method (Hu & de Haan, "Low cost robust blur estimator", ICIP
//! 2006): an edge of Gaussian blur σ, blurred again by a known σᵣ, keeps its contrast and its
//! steepest gradient falls by `σ / √(σ² + σᵣ²)`; the ratio `r` of an edge's gradient before and
//! after gives `σ = σᵣ / √(r² − 1)`. The edges are the strongest gradients over the landmarks'
//! box (which holds the eyes, brows and lips in every portrait), and the image's blur is that of
//! its sharper edges: a painting's soft shading beside its crisp strokes is not blur.

use glam::Vec2;
use image::{ImageBuffer, Luma, RgbaImage};

/// The known re-blur (σᵣ, pixels).
pub const REBLUR: f32 = 2.0;
/// The gradient percentile above which a pixel is an edge.
pub const EDGE_PERCENTILE: f32 = 0.95;
/// Which of the edges' own blurs is the image's: this quantile, from the sharpest.
pub const SHARP_EDGES: f32 = 0.25;
/// The sharpest and softest estimates returned (pixels): 0 for a portrait as sharp as its pixel
/// grid (a painting: its creases stay as authored), and past 6 px there is no face detail left
/// to crease.
pub const SOFTNESS_RANGE: (f32, f32) = (0.0, 6.0);
/// What the estimate reads on a perfectly sharp step (pixels): the pixel grid and the central
/// differences' own spread, taken out in quadrature (measured on the test's exactly blurred
/// shapes before it is taken out: 0.75 at σ 0, 1.21 at σ 1, 2.14 at σ 2, ≈ √(σ² + 0.8²)).
pub const GRID_BLUR: f32 = 0.8;

/// The Gaussian blur σ (pixels) of the portrait's own edges over the box of `landmarks`
/// (the whole image when there are none), less the grid's own (`GRID_BLUR`), clamped to
/// `SOFTNESS_RANGE`.
pub fn image_softness(image: &RgbaImage, landmarks: &[Vec2]) -> f32 {
    let (w, h) = image.dimensions();
    if w < 8 || h < 8 {
        return SOFTNESS_RANGE.1;
    }
    let (lo, hi) = if landmarks.is_empty() {
        (Vec2::ZERO, Vec2::new(w as f32, h as f32))
    } else {
        landmarks.iter().fold((Vec2::splat(f32::MAX), Vec2::splat(f32::MIN)), |(lo, hi), p| (lo.min(*p), hi.max(*p)))
    };
    // The box with room for the re-blur's reach, inside the image.
    let pad = 4.0 * REBLUR;
    let clampx = |v: f32| v.clamp(0.0, w as f32) as u32;
    let clampy = |v: f32| v.clamp(0.0, h as f32) as u32;
    let (x0, y0, x1, y1) = (clampx(lo.x - pad), clampy(lo.y - pad), clampx(hi.x + pad), clampy(hi.y + pad));
    if x1 < x0 + 8 || y1 < y0 + 8 {
        return SOFTNESS_RANGE.1;
    }
    let luma: ImageBuffer<Luma<f32>, Vec<f32>> = ImageBuffer::from_fn(x1 - x0, y1 - y0, |x, y| {
        let c = image.get_pixel(x0 + x, y0 + y).0;
        Luma([(0.299 * c[0] as f32 + 0.587 * c[1] as f32 + 0.114 * c[2] as f32) / 255.0])
    });
    let blurred = image::imageops::blur(&luma, REBLUR);
    // Gradients inside the landmarks' own box (one pixel in from the crop's edge, for the
    // central differences), away from where the re-blur met the crop's edge.
    let (ix0, iy0) = (clampx(lo.x).saturating_sub(x0).max(1), clampy(lo.y).saturating_sub(y0).max(1));
    let (ix1, iy1) = ((clampx(hi.x) - x0).min(x1 - x0 - 1), (clampy(hi.y) - y0).min(y1 - y0 - 1));
    let gradient = |img: &ImageBuffer<Luma<f32>, Vec<f32>>| -> Vec<f32> {
        let at = |x: u32, y: u32| img.get_pixel(x, y).0[0];
        let mut g = Vec::new();
        for y in iy0..iy1 {
            for x in ix0..ix1 {
                let gx = (at(x + 1, y) - at(x - 1, y)) * 0.5;
                let gy = (at(x, y + 1) - at(x, y - 1)) * 0.5;
                g.push(gx.hypot(gy));
            }
        }
        g
    };
    let (sharp, soft) = (gradient(&luma), gradient(&blurred));
    // The edges: the strongest gradients. Each gives its own blur (the ratio of its gradient
    // before and after the re-blur); the image's blur is that of its sharper edges, as a
    // photograph's blur is in all its edges and a painting's soft shading (blush, shadows)
    // beside crisp strokes is not blur.
    let strongest = sharp.iter().copied().fold(0.0f32, f32::max);
    if strongest <= 1e-4 {
        return SOFTNESS_RANGE.1;
    }
    // (A face of few, sharp edges has most of its gradients at 0: its edges are still edges.)
    let threshold = percentile(sharp.clone(), EDGE_PERCENTILE).max(0.2 * strongest);
    let blurs: Vec<f32> = sharp
        .iter()
        .zip(&soft)
        .filter(|(g, _)| **g >= threshold)
        .map(|(g, b)| {
            let r = g / b.max(1e-6);
            let seen = if r > 1.0 { REBLUR / (r * r - 1.0).sqrt() } else { SOFTNESS_RANGE.1 };
            (seen * seen - GRID_BLUR * GRID_BLUR).max(0.0).sqrt()
        })
        .collect();
    percentile(blurs, SHARP_EDGES).clamp(SOFTNESS_RANGE.0, SOFTNESS_RANGE.1)
}

/// The `q` quantile of `v` (0 when empty).
fn percentile(mut v: Vec<f32>, q: f32) -> f32 {
    if v.is_empty() {
        return 0.0;
    }
    let k = ((v.len() - 1) as f32 * q).round() as usize;
    *v.select_nth_unstable_by(k, f32::total_cmp).1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Discs and bars of several contrasts with edges blurred by a Gaussian of `sigma` pixels,
    /// computed exactly (the step's blur is the Gaussian's integral, summed finely), not by the
    /// blur the estimator uses.
    fn blurred_shapes(sigma: f32) -> RgbaImage {
        let cdf = |t: f32| {
            if sigma <= 0.0 {
                return if t >= 0.0 { 1.0 } else { 0.0 };
            }
            // ∫ N(0, σ) from −∞ to t, by the midpoint rule over ±6σ.
            let (n, lo) = (400, -6.0 * sigma);
            let dx = 12.0 * sigma / n as f32;
            (0..n)
                .map(|k| lo + (k as f32 + 0.5) * dx)
                .filter(|x| *x < t)
                .map(|x| (-(x * x) / (2.0 * sigma * sigma)).exp() * dx / (sigma * (std::f32::consts::TAU).sqrt()))
                .sum::<f32>()
        };
        RgbaImage::from_fn(200, 200, |x, y| {
            let p = Vec2::new(x as f32 + 0.5, y as f32 + 0.5);
            let mut v = 0.55f32;
            // Two "eyes" and a "mouth": a dark disc, a darker one, a bar.
            v -= 0.35 * cdf(18.0 - p.distance(Vec2::new(60.0, 70.0)));
            v -= 0.25 * cdf(16.0 - p.distance(Vec2::new(140.0, 70.0)));
            v += 0.3 * cdf(12.0 - (p.y - 140.0).abs()) * cdf(40.0 - (p.x - 100.0).abs());
            let b = (v.clamp(0.0, 1.0) * 255.0).round() as u8;
            image::Rgba([b, b, b, 255])
        })
    }

    #[test]
    fn the_estimate_finds_a_known_blur() {
        let box_ = [Vec2::new(30.0, 40.0), Vec2::new(170.0, 165.0)];
        for sigma in [0.5f32, 1.0, 1.5, 2.0, 3.0, 4.5] {
            let est = image_softness(&blurred_shapes(sigma), &box_);
            assert!((est - sigma).abs() < 0.2 * sigma + 0.15, "blur {sigma}: estimated {est}");
        }
        // An unblurred step reads as the grid's own blur, which is taken out.
        assert!(image_softness(&blurred_shapes(0.0), &box_) < 0.3, "a sharp step is (nearly) unblurred");
    }

    #[test]
    fn more_blur_is_softer_and_a_flat_or_tiny_image_is_as_soft_as_can_be() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/portraits");
        let photo = image::open(dir.join("astronaut.png")).expect("the astronaut photograph").to_rgba8();
        let rig = crate::face::import::import_rig(&dir.join("astronaut.png"), &dir.join("astronaut.landmarks68.json"))
            .expect("the astronaut's landmarks");
        let lm = rig.points().to_vec();
        let own = image_softness(&photo, &lm);
        let soft = image_softness(&image::imageops::blur(&photo, 2.5), &lm);
        assert!(soft > own + 1.0, "blurred 2.5 px: {soft}, own {own}");
        assert!(own < 1.0, "the astronaut photograph is sharp: {own}");
        assert_eq!(super::super::crease_softness(own, 100.0), 0.0, "her creases stay as authored");
        // A painted character is as sharp as its anti-aliased strokes: its creases stay as authored.
        for seed in [3, 7, 100, 102, 103] {
            let npc = crate::face::npc::generate(seed, 512);
            let blur = image_softness(&npc.image, &npc.rig.points());
            assert!(blur < super::super::CRISP_BLUR_PX, "NPC {seed}: {blur} px");
            assert_eq!(super::super::crease_softness(blur, 100.0), 0.0);
        }
        let flat = RgbaImage::from_pixel(64, 64, image::Rgba([128, 100, 90, 255]));
        assert_eq!(image_softness(&flat, &[]), SOFTNESS_RANGE.1);
        assert_eq!(image_softness(&RgbaImage::new(4, 4), &[]), SOFTNESS_RANGE.1);
    }
}
