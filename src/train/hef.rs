//! Training HEF ([`crate::model::hef`]) on pairs made on the fly: a procedural character's
//! painting (the source, neutral or at another expression), the warp renderer's frame of it at a
//! target expression, and the same character painted natively at that expression
//! ([`crate::face::npc::generate_at`]), which is what HEF must learn to make from the warp.
//!
//! - **Characters**: training seeds from [`TRAIN_SEEDS`]; [`HELD_OUT_SEEDS`] are never trained
//!   on and are what [`evaluate`] scores.
//! - **Expressions**: one of the eight MEAD presets at intensity 0.5–3, plus, at random, an open
//!   jaw, a blink and a gaze; the source is the neutral painting four times in five, else the
//!   character painted at another random expression (its rig at that expression).
//! - **Augmentation**: each character has its own random roll, scale and placement (the
//!   painter's identity draws them); a random colour gain per channel (0.9–1.1) is applied to
//!   source, warp and target alike.
//! - **Losses**: L1 over the frame; 1 − SSIM at three scales (7-pixel box windows); L1 again over
//!   the mouth and the eyes (their masks), weighted; total variation of the learned flow.

use std::path::Path;

use burn::module::AutodiffModule;
use burn::optim::{AdamConfig, GradientsParams, Optimizer};
use burn::prelude::Backend;
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::module::avg_pool2d;
use burn::tensor::{Tensor, TensorData};
use image::RgbaImage;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::face::npc::{generate, generate_at};
use crate::face::{BlendshapeBasis, EmotionPreset, HeadPose, N_BLENDSHAPES, PreparedPortrait};
use crate::model::hef::frame::{HefFrame, batch, hef_frame};
use crate::model::hef::layers::downsample2;
use crate::model::hef::saved::HefModel;
use crate::model::hef::{Hef, HefConfig, HefInput};
use crate::model::weights::ModelFileError;
use crate::train::checkpoint;

/// Characters trained on: seeds from here on.
pub const TRAIN_SEEDS: std::ops::RangeFrom<u64> = 1000..;
/// Characters never trained on, for evaluation.
pub const HELD_OUT_SEEDS: std::ops::Range<u64> = 200..300;

/// A training run's settings.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HefTrainOptions {
    /// Optimiser steps.
    pub steps: usize,
    /// Pairs per step.
    pub batch: usize,
    /// Learning rate (Adam).
    pub learning_rate: f64,
    /// Seed of initialisation and pairs.
    pub seed: u64,
    /// Weight of 1 − SSIM.
    pub ssim_weight: f32,
    /// Extra weight of the mouth and eye regions' L1.
    pub region_weight: f32,
    /// Weight of the flow's total variation.
    pub smooth_weight: f32,
}

impl Default for HefTrainOptions {
    fn default() -> Self {
        Self {
            steps: 500,
            batch: 4,
            learning_rate: 2e-3,
            seed: 1,
            ssim_weight: 0.5,
            region_weight: 2.0,
            smooth_weight: 0.05,
        }
    }
}

/// A random target expression (see the module docs).
pub fn random_weights<R: Rng>(rng: &mut R) -> [f32; N_BLENDSHAPES] {
    let preset = EmotionPreset::ALL[rng.random_range(0..EmotionPreset::ALL.len())];
    let mut w = preset.weights(rng.random_range(0.5..=3.0));
    let mut set = |name: &str, v: f32| {
        if let Some(k) = crate::face::blendshapes::index_of(name) {
            w[k] = v.clamp(0.0, 1.0);
        }
    };
    if rng.random_bool(0.5) {
        set("jawOpen", rng.random_range(0.0..=0.6));
    }
    if rng.random_bool(0.15) {
        let b = rng.random_range(0.5..=1.0);
        set("eyeBlinkLeft", b);
        set("eyeBlinkRight", b);
    }
    if rng.random_bool(0.3) {
        let v = rng.random_range(0.2..=0.8);
        let pairs = [
            ["eyeLookUpLeft", "eyeLookUpRight"],
            ["eyeLookDownLeft", "eyeLookDownRight"],
            ["eyeLookOutLeft", "eyeLookInRight"],
            ["eyeLookInLeft", "eyeLookOutRight"],
        ];
        for name in pairs[rng.random_range(0..pairs.len())] {
            set(name, v);
        }
    }
    w
}

/// One training or evaluation pair: the network's inputs and the native painting.
#[derive(Debug, Clone)]
pub struct Pair {
    /// The warp's frame and what it was made from.
    pub frame: HefFrame,
    /// The character painted natively at the target expression.
    pub target: RgbaImage,
}

/// The pair of character `seed` at `weights` (`source`: the expression the source painting shows).
pub fn make_pair(
    seed: u64,
    size: u32,
    source: Option<&[f32]>,
    weights: &[f32],
    basis: &BlendshapeBasis,
) -> Option<Pair> {
    let src = match source {
        None => generate(seed, size),
        Some(w) => generate_at(seed, size, w, basis),
    };
    let portrait = PreparedPortrait::new(src.image, &src.rig, basis).ok()?;
    let frame = hef_frame(&portrait, weights, &HeadPose::default(), 2.0, basis).ok()?;
    Some(Pair { frame, target: generate_at(seed, size, weights, basis).image })
}

/// The pairs of one step (deterministic in `seed` and `step`).
pub fn random_pairs(seed: u64, step: usize, count: usize, size: u32, basis: &BlendshapeBasis) -> Vec<Pair> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed.wrapping_mul(0x9E37_79B9) ^ step as u64);
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let character = TRAIN_SEEDS.start + rng.random_range(0..1_000_000u64);
        let weights = random_weights(&mut rng);
        let source = rng.random_bool(0.2).then(|| random_weights(&mut rng));
        if let Some(pair) = make_pair(character, size, source.as_ref().map(|w| &w[..]), &weights, basis) {
            out.push(pair);
        }
    }
    out
}

fn rgb_tensor<B: Backend>(images: &[&RgbaImage], device: &B::Device) -> Tensor<B, 4> {
    let s = images.first().map_or(0, |i| i.width() as usize);
    let mut data = Vec::with_capacity(images.len() * 3 * s * s);
    for img in images {
        for c in 0..3 {
            data.extend(img.pixels().map(|p| p.0[c] as f32 / 255.0));
        }
    }
    Tensor::from_data(TensorData::new(data, [images.len(), 3, s, s]), device)
}

/// The network's inputs and the targets of `pairs`, with a colour gain per pair and channel.
pub fn pair_batch<B: Backend>(pairs: &[Pair], gains: &[[f32; 3]], device: &B::Device) -> (HefInput<B>, Tensor<B, 4>) {
    let frames: Vec<HefFrame> = pairs.iter().map(|p| p.frame.clone()).collect();
    let mut input = batch::<B>(&frames, device);
    let target = rgb_tensor::<B>(&pairs.iter().map(|p| &p.target).collect::<Vec<_>>(), device);
    let g: Vec<f32> = gains.iter().flatten().copied().collect();
    let gain = Tensor::<B, 4>::from_data(TensorData::new(g, [pairs.len(), 3, 1, 1]), device);
    input.source = input.source * gain.clone();
    input.warped = input.warped * gain.clone();
    (input, target * gain)
}

/// Mean structural similarity of two `[b, 3, h, w]` images with 7-pixel box windows.
fn ssim<B: Backend>(a: Tensor<B, 4>, b: Tensor<B, 4>) -> Tensor<B, 1> {
    let pool = |x: Tensor<B, 4>| avg_pool2d(x, [7, 7], [1, 1], [3, 3], false, false);
    let (c1, c2) = (0.01f32 * 0.01, 0.03f32 * 0.03);
    let (ma, mb) = (pool(a.clone()), pool(b.clone()));
    let va = pool(a.clone() * a.clone()) - ma.clone() * ma.clone();
    let vb = pool(b.clone() * b.clone()) - mb.clone() * mb.clone();
    let cov = pool(a * b) - ma.clone() * mb.clone();
    let num = (ma.clone() * mb.clone() * 2.0 + c1) * (cov * 2.0 + c2);
    let den = (ma.clone() * ma + mb.clone() * mb + c1) * (va + vb + c2);
    (num / den).mean()
}

/// One step's losses.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HefStepLoss {
    /// Weighted total.
    pub total: f32,
    /// L1 over the frame.
    pub l1: f32,
    /// 1 − SSIM, averaged over three scales.
    pub ssim: f32,
    /// L1 over the mouth and eyes.
    pub region: f32,
    /// Total variation of the learned flow.
    pub smooth: f32,
}

/// The weighted loss and its parts.
pub fn loss<B: Backend>(
    net: &Hef<B>,
    input: HefInput<B>,
    target: Tensor<B, 4>,
    o: &HefTrainOptions,
) -> (Tensor<B, 1>, [Tensor<B, 1>; 4]) {
    let mask = input.geometry.clone().narrow(1, 3, 2).sum_dim(1).clamp(0.0, 1.0);
    let out = net.forward(input);
    let diff = (out.image.clone() - target.clone()).abs();
    let l1 = diff.clone().mean();
    let region = (diff * mask.clone()).sum() / (mask.sum() * 3.0 + 1.0);
    let (mut a, mut b, mut s) = (out.image, target, Vec::new());
    for _ in 0..3 {
        s.push(ssim(a.clone(), b.clone()).neg().add_scalar(1.0));
        (a, b) = (downsample2(a), downsample2(b));
    }
    let ssim_loss = Tensor::cat(s, 0).mean();
    let [_, _, h, w] = out.flow.dims();
    let dx = (out.flow.clone().narrow(3, 1, w - 1) - out.flow.clone().narrow(3, 0, w - 1)).abs().mean();
    let dy = (out.flow.clone().narrow(2, 1, h - 1) - out.flow.narrow(2, 0, h - 1)).abs().mean();
    let smooth = dx + dy;
    let total = l1.clone()
        + ssim_loss.clone() * o.ssim_weight
        + region.clone() * o.region_weight
        + smooth.clone() * o.smooth_weight;
    (total, [l1, ssim_loss, region, smooth])
}

/// A run's state between steps: what a checkpoint holds besides the weights.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct HefRunState {
    /// Steps done.
    pub step: usize,
    /// The options the run was started with.
    pub options: HefTrainOptions,
    /// Every step's losses.
    pub losses: Vec<HefStepLoss>,
}

fn scalar<B: Backend>(t: Tensor<B, 1>) -> f32 {
    t.into_scalar().to_string().parse().unwrap_or(f32::NAN)
}

/// Trains (or resumes from `out/checkpoint` when `resume` and one is there), writing a
/// checkpoint every `checkpoint_every` steps and at the end; `progress(state)` after each step.
pub fn train<B: AutodiffBackend>(
    config: &HefConfig,
    options: &HefTrainOptions,
    out: &Path,
    resume: bool,
    checkpoint_every: usize,
    device: &B::Device,
    mut progress: impl FnMut(&HefRunState),
) -> Result<(Hef<B::InnerBackend>, HefRunState), ModelFileError> {
    B::seed(device, options.seed);
    let basis = BlendshapeBasis::default_basis();
    let mut optim = AdamConfig::new().init::<B, Hef<B>>();
    let ckpt = out.join("checkpoint");
    let (mut net, mut state) = if resume && checkpoint::exists(&ckpt) {
        let model = HefModel::<B>::load(&ckpt, device)?;
        let state: HefRunState = checkpoint::read_state(&ckpt)?;
        optim = optim.load_record(checkpoint::read_optimizer(&ckpt, device)?);
        (model.net, HefRunState { options: options.clone(), ..state })
    } else {
        (config.init::<B>(device), HefRunState { step: 0, options: options.clone(), losses: Vec::new() })
    };
    let size = config.size as u32;
    while state.step < options.steps {
        let step = state.step;
        let pairs = random_pairs(options.seed, step, options.batch, size, basis);
        let mut rng = ChaCha8Rng::seed_from_u64(options.seed ^ 0xC010 ^ step as u64);
        let gains: Vec<[f32; 3]> =
            (0..pairs.len()).map(|_| std::array::from_fn(|_| rng.random_range(0.9..=1.1))).collect();
        let (input, target) = pair_batch::<B>(&pairs, &gains, device);
        let (total, [l1, ssim, region, smooth]) = loss(&net, input, target, options);
        let record = HefStepLoss {
            total: scalar(total.clone()),
            l1: scalar(l1),
            ssim: scalar(ssim),
            region: scalar(region),
            smooth: scalar(smooth),
        };
        let grads = GradientsParams::from_grads(total.backward(), &net);
        net = optim.step(options.learning_rate, net, grads);
        state.losses.push(record);
        state.step += 1;
        progress(&state);
        if state.step % checkpoint_every.max(1) == 0 || state.step == options.steps {
            HefModel { config: config.clone(), net: net.clone() }.save(&ckpt)?;
            checkpoint::write(&ckpt, optim.to_record(), &state)?;
        }
    }
    Ok((net.valid(), state))
}

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

/// Scores `net` on the first `seeds` held-out characters × the eight presets at intensity 2.5,
/// painted at `size` pixels (at least 64, the painter's smallest).
pub fn evaluate<B: Backend>(net: &Hef<B>, size: u32, seeds: usize, device: &B::Device) -> HefEval {
    let basis = BlendshapeBasis::default_basis();
    let (mut se, mut n, mut pairs) = ([0.0f64; 4], [0usize; 4], 0);
    for seed in HELD_OUT_SEEDS.take(seeds) {
        for preset in EmotionPreset::ALL {
            let w = preset.weights(2.5);
            let Some(pair) = make_pair(seed, size, None, &w, basis) else { continue };
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
    use crate::face::geometry::{GeometryLabel, LABEL_STEP};
    let wanted = [GeometryLabel::Lips as u8 * LABEL_STEP, GeometryLabel::Mouth as u8 * LABEL_STEP];
    let (mut lo, mut hi) = ([usize::MAX; 2], [0usize; 2]);
    for (x, y, p) in geometry.enumerate_pixels() {
        if wanted.contains(&p.0[0]) {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_are_reproducible_and_held_out_seeds_are_apart() {
        let basis = BlendshapeBasis::default_basis();
        let (a, b) = (random_pairs(3, 7, 2, 64, basis), random_pairs(3, 7, 2, 64, basis));
        assert_eq!(a.len(), 2);
        assert!(a.iter().zip(&b).all(|(x, y)| x.target == y.target && x.frame.warped == y.frame.warped));
        assert!(!HELD_OUT_SEEDS.contains(&TRAIN_SEEDS.start) && HELD_OUT_SEEDS.end <= TRAIN_SEEDS.start);
    }

    #[test]
    fn a_run_checkpoints_and_resumes_where_it_stopped() {
        type A = burn::backend::Autodiff<burn::backend::Flex>;
        let config = HefConfig::new().with_size(64).with_channels(vec![8, 12, 16]);
        let dir = tempfile::tempdir().unwrap();
        let device = Default::default();
        let options = HefTrainOptions { steps: 2, batch: 1, ..Default::default() };
        let (_, first) = train::<A>(&config, &options, dir.path(), false, 1, &device, |_| {}).unwrap();
        assert_eq!(first.step, 2);
        assert!(first.losses.iter().all(|l| l.total.is_finite() && l.total > 0.0), "{:?}", first.losses);
        let more = HefTrainOptions { steps: 3, ..options };
        let (net, resumed) = train::<A>(&config, &more, dir.path(), true, 1, &device, |_| {}).unwrap();
        assert_eq!(resumed.step, 3);
        assert_eq!(resumed.losses[..2], first.losses[..]);
        // The checkpoint loads as a model folder.
        let saved = HefModel::<burn::backend::Flex>::load(&dir.path().join("checkpoint"), &device).unwrap();
        assert_eq!(saved.net.parameter_count(), net.parameter_count());
        let eval = evaluate(&net, 64, 1, &device);
        assert_eq!(eval.pairs, 8);
        assert!(eval.warp_psnr.is_finite() && eval.hef_psnr.is_finite());
    }
}
