//! Scoring HEF against the native painting on held-out characters: [`evaluate`] (the trainer's
//! metrics: PSNR over the frame and the mouth at the eight presets) and [`report`] (PSNR and
//! SSIM per face region, for the presets, a stress set and the source's own expression).

use burn::prelude::Backend;
use image::RgbaImage;

use super::{HELD_OUT_SEEDS, make_pair, pair_batch};
use crate::face::geometry::{GeometryLabel, LABEL_STEP};
use crate::face::{BlendshapeBasis, EmotionPreset, N_BLENDSHAPES};
use crate::model::hef::Hef;

/// PSNR (dB) of HEF's frame and of the warp's against the native painting, over the whole frame
/// and over the mouth, on held-out pairs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct HefEval {
    /// Pairs scored.
    pub pairs: usize,
    /// HEF, whole frame.
    pub hef_psnr: f64,
    /// The warp, whole frame.
    pub warp_psnr: f64,
    /// HEF, mouth region (the mouth mask dilated to its lips' box).
    pub hef_mouth_psnr: f64,
    /// The warp, mouth region.
    pub warp_mouth_psnr: f64,
}

/// Scores `net` (of `size` pixels) on the first `seeds` held-out characters × the eight presets
/// at intensity 2.5, painted at `paint` pixels (at least 64, the painter's smallest) and brought
/// to `size` through their face crop.
pub fn evaluate<B: Backend>(net: &Hef<B>, size: u32, paint: u32, seeds: usize, device: &B::Device) -> HefEval {
    let basis = BlendshapeBasis::default_basis();
    let (mut se, mut n, mut pairs) = ([0.0f64; 4], [0usize; 4], 0);
    for seed in HELD_OUT_SEEDS.take(seeds) {
        for preset in EmotionPreset::ALL {
            let w = preset.weights(2.5);
            let Some(pair) = make_pair(seed, size, paint, None, &w, basis) else { continue };
            pairs += 1;
            let (input, _) = pair_batch::<B>(std::slice::from_ref(&pair), &[[1.0; 3]], device);
            let out: Vec<f32> = net.forward(input).image.into_data().to_vec().unwrap_or_default();
            let s = size as usize;
            let mouth = mouth_box(&pair.frame.geometry);
            for (i, t) in pair.target.pixels().enumerate() {
                let (x, y) = (i % s, i / s);
                let in_mouth = mouth.is_some_and(|[x0, y0, x1, y1]| x >= x0 && x <= x1 && y >= y0 && y <= y1);
                for c in 0..3 {
                    let target = t.0[c] as f64;
                    let hef = (out.get(c * s * s + i).copied().unwrap_or(0.0) as f64 * 255.0).round().clamp(0.0, 255.0);
                    let warp = pair.frame.warped.as_raw()[i * 4 + c] as f64;
                    for (k, v, on) in [(0, hef, true), (1, warp, true), (2, hef, in_mouth), (3, warp, in_mouth)] {
                        if on {
                            se[k] += (v - target).powi(2);
                            n[k] += 1;
                        }
                    }
                }
            }
        }
    }
    let psnr = |k: usize| {
        let mse = se[k] / n[k].max(1) as f64;
        if mse == 0.0 { f64::INFINITY } else { 10.0 * (255.0f64.powi(2) / mse).log10() }
    };
    HefEval { pairs, hef_psnr: psnr(0), warp_psnr: psnr(1), hef_mouth_psnr: psnr(2), warp_mouth_psnr: psnr(3) }
}

/// The box around the lips and mouth labels of a geometry image, widened by a quarter.
fn mouth_box(geometry: &RgbaImage) -> Option<[usize; 4]> {
    let wanted = [GeometryLabel::Lips as u8 * LABEL_STEP, GeometryLabel::Mouth as u8 * LABEL_STEP];
    widened_box(geometry, |_, _, p| wanted.contains(&p.0[0]))
}

/// The box around the pixels `keep` picks, widened by a quarter on each side.
fn widened_box(geometry: &RgbaImage, keep: impl Fn(u32, u32, &image::Rgba<u8>) -> bool) -> Option<[usize; 4]> {
    let (mut lo, mut hi) = ([usize::MAX; 2], [0usize; 2]);
    for (x, y, p) in geometry.enumerate_pixels() {
        if keep(x, y, p) {
            lo = [lo[0].min(x as usize), lo[1].min(y as usize)];
            hi = [hi[0].max(x as usize), hi[1].max(y as usize)];
        }
    }
    if lo[0] > hi[0] {
        return None;
    }
    let (mx, my) = ((hi[0] - lo[0]) / 4, (hi[1] - lo[1]) / 4);
    Some([lo[0].saturating_sub(mx), lo[1].saturating_sub(my), hi[0] + mx, hi[1] + my])
}

/// PSNR and mean SSIM of HEF's frame and of the warp's over one region.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct RegionScore {
    /// HEF, dB.
    pub hef_psnr: f64,
    /// The warp, dB.
    pub warp_psnr: f64,
    /// HEF, mean SSIM (luma, Gaussian windows of σ 1.5 px).
    pub hef_ssim: f64,
    /// The warp, mean SSIM.
    pub warp_ssim: f64,
}

/// One group of cases scored over the frame and per region.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct GroupReport {
    /// The group ([`Case`]'s name).
    pub name: &'static str,
    /// Pairs scored.
    pub pairs: usize,
    /// Every pixel.
    pub frame: RegionScore,
    /// The face: skin, lips, eyes and mouth labels of the warp's geometry image.
    pub face: RegionScore,
    /// The box around the lips and the mouth opening, widened by a quarter.
    pub mouth: RegionScore,
    /// The boxes around each eye's opening, widened by a quarter.
    pub eyes: RegionScore,
    /// The face less the mouth's and the eyes' boxes.
    pub rest: RegionScore,
}

/// The expressions [`report`] scores, each a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Case {
    /// The eight MEAD presets at intensity 2.5.
    Presets,
    /// The jaw fully open.
    WideJaw,
    /// A broad smile with the upper lip raised off the teeth.
    ToothySmile,
    /// Both eyes shut.
    Blink,
    /// Both eyes looking to the character's left.
    Gaze,
    /// The source's own expression (none): HEF must return the source.
    OwnExpression,
}

impl Case {
    /// Every case, in report order.
    pub const ALL: [Case; 6] =
        [Case::Presets, Case::WideJaw, Case::ToothySmile, Case::Blink, Case::Gaze, Case::OwnExpression];

    /// Its name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Case::Presets => "8 presets at 2.5",
            Case::WideJaw => "wide jaw",
            Case::ToothySmile => "toothy smile",
            Case::Blink => "blink",
            Case::Gaze => "gaze",
            Case::OwnExpression => "own expression",
        }
    }

    /// The weights it scores.
    pub fn weights(self) -> Vec<[f32; N_BLENDSHAPES]> {
        let set = |pairs: &[(&str, f32)]| {
            let mut w = [0.0; N_BLENDSHAPES];
            for (name, v) in pairs {
                w[crate::face::blendshapes::index_of(name).expect("an ARKit name")] = *v;
            }
            w
        };
        match self {
            Case::Presets => EmotionPreset::ALL.iter().map(|p| p.weights(2.5)).collect(),
            Case::WideJaw => vec![set(&[("jawOpen", 1.0)])],
            Case::ToothySmile => vec![set(&[
                ("mouthSmileLeft", 1.0),
                ("mouthSmileRight", 1.0),
                ("mouthUpperUpLeft", 0.6),
                ("mouthUpperUpRight", 0.6),
                ("cheekSquintLeft", 0.5),
                ("cheekSquintRight", 0.5),
                ("jawOpen", 0.25),
            ])],
            Case::Blink => vec![set(&[("eyeBlinkLeft", 1.0), ("eyeBlinkRight", 1.0)])],
            Case::Gaze => vec![set(&[("eyeLookOutLeft", 1.0), ("eyeLookInRight", 1.0)])],
            Case::OwnExpression => vec![[0.0; N_BLENDSHAPES]],
        }
    }
}

/// Luma SSIM map of two images (Gaussian windows, σ 1.5 px, radius 5; the usual constants).
fn ssim_map(a: &RgbaImage, b: &RgbaImage) -> Vec<f64> {
    let (w, h) = (a.width() as usize, a.height() as usize);
    let luma = |img: &RgbaImage| -> Vec<f64> {
        img.pixels().map(|p| 0.299 * p.0[0] as f64 + 0.587 * p.0[1] as f64 + 0.114 * p.0[2] as f64).collect()
    };
    let kernel: Vec<f64> = (-5i32..=5).map(|i| (-(i * i) as f64 / (2.0 * 1.5 * 1.5)).exp()).collect();
    let blur = |v: &[f64]| -> Vec<f64> {
        let pass = |src: &[f64], dx: usize, dy: usize| -> Vec<f64> {
            let mut out = vec![0.0; w * h];
            for y in 0..h {
                for x in 0..w {
                    let (mut acc, mut norm) = (0.0, 0.0);
                    for (k, g) in kernel.iter().enumerate() {
                        let o = k as i64 - 5;
                        let (sx, sy) = (x as i64 + o * dx as i64, y as i64 + o * dy as i64);
                        if sx >= 0 && sy >= 0 && (sx as usize) < w && (sy as usize) < h {
                            acc += g * src[sy as usize * w + sx as usize];
                            norm += g;
                        }
                    }
                    out[y * w + x] = acc / norm;
                }
            }
            out
        };
        pass(&pass(v, 1, 0), 0, 1)
    };
    let (x, y) = (luma(a), luma(b));
    let prod = |p: &[f64], q: &[f64]| p.iter().zip(q).map(|(u, v)| u * v).collect::<Vec<_>>();
    let (mx, my) = (blur(&x), blur(&y));
    let (sxx, syy, sxy) = (blur(&prod(&x, &x)), blur(&prod(&y, &y)), blur(&prod(&x, &y)));
    let (c1, c2) = ((0.01f64 * 255.0).powi(2), (0.03f64 * 255.0).powi(2));
    (0..w * h)
        .map(|i| {
            let (vx, vy, cxy) = (sxx[i] - mx[i] * mx[i], syy[i] - my[i] * my[i], sxy[i] - mx[i] * my[i]);
            ((2.0 * mx[i] * my[i] + c1) * (2.0 * cxy + c2)) / ((mx[i] * mx[i] + my[i] * my[i] + c1) * (vx + vy + c2))
        })
        .collect()
}

/// Per-region sums: squared errors (HEF, warp), SSIM sums (HEF, warp), pixels.
#[derive(Default, Clone, Copy)]
struct Sums([f64; 4], usize);

impl Sums {
    fn score(&self) -> RegionScore {
        let psnr = |se: f64| {
            let mse = se / (3 * self.1.max(1)) as f64;
            if mse == 0.0 { f64::INFINITY } else { 10.0 * (255.0f64.powi(2) / mse).log10() }
        };
        let n = self.1.max(1) as f64;
        RegionScore {
            hef_psnr: psnr(self.0[0]),
            warp_psnr: psnr(self.0[1]),
            hef_ssim: self.0[2] / n,
            warp_ssim: self.0[3] / n,
        }
    }
}

/// The regions of a warp frame (see [`GroupReport`]) as five masks: frame, face, mouth, eyes, rest.
fn region_masks(geometry: &RgbaImage) -> [Vec<bool>; 5] {
    let (w, h) = geometry.dimensions();
    let label = |p: &image::Rgba<u8>| GeometryLabel::from_red(p.0[0]);
    let face: Vec<bool> = geometry.pixels().map(|p| label(p).is_some_and(GeometryLabel::is_face)).collect();
    let in_box = |b: Option<[usize; 4]>, i: usize| {
        let (x, y) = (i % w as usize, i / w as usize);
        b.is_some_and(|[x0, y0, x1, y1]| x >= x0 && x <= x1 && y >= y0 && y <= y1)
    };
    let mouth_b = mouth_box(geometry);
    // Each eye's box: the eye pixels left and right of their mean column.
    let eye_x: Vec<u32> = geometry
        .enumerate_pixels()
        .filter(|(_, _, p)| label(p) == Some(GeometryLabel::Eye))
        .map(|(x, _, _)| x)
        .collect();
    let mid = eye_x.iter().map(|&x| x as f64).sum::<f64>() / eye_x.len().max(1) as f64;
    let eye_boxes = [false, true].map(|right| {
        widened_box(geometry, |x, _, p| label(p) == Some(GeometryLabel::Eye) && ((x as f64) > mid) == right)
    });
    let n = (w * h) as usize;
    let mouth: Vec<bool> = (0..n).map(|i| in_box(mouth_b, i)).collect();
    let eyes: Vec<bool> = (0..n).map(|i| eye_boxes.iter().any(|b| in_box(*b, i))).collect();
    let rest: Vec<bool> = (0..n).map(|i| face[i] && !mouth[i] && !eyes[i]).collect();
    [vec![true; n], face, mouth, eyes, rest]
}

/// Scores `net` (of `size` pixels) per region on the first `seeds` held-out characters painted
/// at `paint` pixels and brought to `size` through their face crop, for every [`Case`].
pub fn report<B: Backend>(net: &Hef<B>, size: u32, paint: u32, seeds: usize, device: &B::Device) -> Vec<GroupReport> {
    let basis = BlendshapeBasis::default_basis();
    let s = size as usize;
    Case::ALL
        .iter()
        .map(|&case| {
            let (mut sums, mut pairs) = ([Sums::default(); 5], 0);
            for seed in HELD_OUT_SEEDS.take(seeds) {
                for w in case.weights() {
                    let Some(pair) = make_pair(seed, size, paint, None, &w, basis) else { continue };
                    pairs += 1;
                    let (input, _) = pair_batch::<B>(std::slice::from_ref(&pair), &[[1.0; 3]], device);
                    let out: Vec<f32> = net.forward(input).image.into_data().to_vec().unwrap_or_default();
                    let hef = RgbaImage::from_fn(size, size, |x, y| {
                        let i = y as usize * s + x as usize;
                        let c = |k: usize| {
                            (out.get(k * s * s + i).copied().unwrap_or(0.0) * 255.0).round().clamp(0.0, 255.0) as u8
                        };
                        image::Rgba([c(0), c(1), c(2), 255])
                    });
                    let (ssim_hef, ssim_warp) =
                        (ssim_map(&hef, &pair.target), ssim_map(&pair.frame.warped, &pair.target));
                    let masks = region_masks(&pair.frame.geometry);
                    for (r, mask) in masks.iter().enumerate() {
                        for (i, _) in mask.iter().enumerate().filter(|(_, m)| **m) {
                            let (t, h, wp) = (pair.target.as_raw(), hef.as_raw(), pair.frame.warped.as_raw());
                            for c in 0..3 {
                                let t = t[i * 4 + c] as f64;
                                sums[r].0[0] += (h[i * 4 + c] as f64 - t).powi(2);
                                sums[r].0[1] += (wp[i * 4 + c] as f64 - t).powi(2);
                            }
                            sums[r].0[2] += ssim_hef[i];
                            sums[r].0[3] += ssim_warp[i];
                            sums[r].1 += 1;
                        }
                    }
                }
            }
            let [frame, face, mouth, eyes, rest] = sums.map(|s| s.score());
            GroupReport { name: case.name(), pairs, frame, face, mouth, eyes, rest }
        })
        .collect()
}
