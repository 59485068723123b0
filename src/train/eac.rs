//! Training EAC (`emotalk-train eac`): losses, the optimisation loop with atomic checkpoints and
//! exact resume, and evaluation.
//!
//! Loss, per batch of windows (weights in [`EacTrainOptions`]):
//! - **reconstruction**: mean squared plus mean absolute error of the 52 weights;
//! - **landmarks**: mean squared error of the 68 landmarks' 3-D displacements that the error in
//!   weights causes through the face model's blendshape basis (a linear map, so it is one matrix
//!   product; it weighs each blendshape by how much it moves the face);
//! - **aperture**: mean absolute plus squared error of the mouth aperture (the lip gap, as
//!   `tools/lipsync/score.py` defines it: jaw − lip seal + a quarter of the lip raisers, …),
//!   the small differences that decide whether lips close on silences and bilabials;
//! - **velocity**: mean squared error of frame-to-frame differences (smooth, well-timed motion);
//! - **emotion consistency**: the window's mean expression over the non-speech blendshapes is
//!   compared with each class's preset face at the clip's intensity; `softmax(−distance²/τ)` is
//!   the mixture the expression implies, and its cross-entropy against the conditioning mixture
//!   is the loss.
//!
//! Optimiser: AdamW with gradient-norm clipping, linear warm-up then cosine decay. Each step's
//! batch is drawn from a generator seeded by the run's seed and the step number, so a run resumed
//! from a checkpoint continues exactly as the uninterrupted one would have.

use std::path::Path;

use burn::module::AutodiffModule;
use burn::optim::{AdamWConfig, GradientsParams, Optimizer};
use burn::prelude::Backend;
use burn::tensor::activation::log_softmax;
use burn::tensor::backend::AutodiffBackend;
use burn::tensor::{Tensor, TensorData};
use rand::SeedableRng;

use super::eac_data::{Batch, Clip, make_batch, random_windows};
use crate::emotion::space::N_CLASSES;
use crate::face::blendshapes::{BlendshapeBasis, N_BLENDSHAPES, index_of};
use crate::face::layout::N_LANDMARKS;
use crate::face::presets::EmotionPreset;
use crate::face::visemes::{Viseme, aperture};
use crate::model::eac::saved::EacModel;
use crate::model::eac::{Eac, EacConfig};
use crate::model::weights::ModelFileError;
use crate::train::checkpoint;

/// Training settings (recorded in the run's metrics).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct EacTrainOptions {
    /// Optimiser steps.
    pub steps: usize,
    /// Windows per step.
    pub batch: usize,
    /// Output frames per window.
    pub window: usize,
    /// Peak learning rate.
    pub learning_rate: f64,
    /// Warm-up steps.
    pub warmup: usize,
    /// Seed of initialisation and batches.
    pub seed: u64,
    /// Weight of the landmark loss.
    pub landmark_weight: f32,
    /// Weight of the mouth-aperture loss.
    pub aperture_weight: f32,
    /// Extra weight of the aperture error on frames whose target is closed (aperture < 0.05:
    /// silences and bilabials), where a small error is the difference between sealed and parted
    /// lips.
    #[serde(default)]
    pub closure_weight: f32,
    /// Weight of the velocity loss.
    pub velocity_weight: f32,
    /// Weight of the emotion-consistency loss.
    pub emotion_weight: f32,
    /// Temperature τ of the implied mixture.
    pub emotion_temperature: f32,
    /// Start from these trained weights instead of a fresh initialisation (fine-tuning): a
    /// folder with `config.json` + `model.mpk`, or `shipped` for the embedded weights. The
    /// run's config must match theirs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub init: Option<String>,
}

impl Default for EacTrainOptions {
    fn default() -> Self {
        Self {
            steps: 4000,
            batch: 16,
            window: 50,
            learning_rate: 1e-3,
            warmup: 200,
            seed: 1,
            landmark_weight: 1.0,
            aperture_weight: 4.0,
            closure_weight: 4.0,
            velocity_weight: 2.0,
            emotion_weight: 0.05,
            emotion_temperature: 0.05,
            init: None,
        }
    }
}

impl EacTrainOptions {
    /// The learning rate at `step`: linear warm-up, then cosine decay to 1 % of the peak.
    pub fn learning_rate_at(&self, step: usize) -> f64 {
        if step < self.warmup {
            return self.learning_rate * (step + 1) as f64 / self.warmup as f64;
        }
        let progress = (step - self.warmup) as f64 / (self.steps.saturating_sub(self.warmup)).max(1) as f64;
        let cosine = 0.5 * (1.0 + (std::f64::consts::PI * progress.min(1.0)).cos());
        self.learning_rate * (0.01 + 0.99 * cosine)
    }
}

/// The constant tensors of the loss.
pub struct LossParts<B: Backend> {
    /// `[52, 68·3]`: landmark displacement per unit weight, scaled to unit mean row norm.
    basis: Tensor<B, 2>,
    /// `[52, 1]`: the aperture's (unclipped) coefficients.
    aperture: Tensor<B, 2>,
    /// Extra weight of closed frames in the aperture loss.
    closure_weight: f32,
    /// Indices of the blendshapes that carry emotion but no speech.
    emotion_channels: Vec<usize>,
    temperature: f32,
}

impl<B: Backend> LossParts<B> {
    /// Builds them on `device` from the default face model.
    pub fn new(temperature: f32, closure_weight: f32, device: &B::Device) -> Self {
        let basis = BlendshapeBasis::default_basis();
        let jaw = index_of("jawOpen").unwrap_or(0);
        let close = index_of("mouthClose").unwrap_or(0);
        let mut rows = Vec::with_capacity(N_BLENDSHAPES * N_LANDMARKS * 3);
        for k in 0..N_BLENDSHAPES {
            let mut w = [0.0f32; N_BLENDSHAPES];
            w[k] = 1.0;
            let d = if k == close {
                // mouthClose acts against an open jaw: its column is (close + jaw) − jaw.
                w[jaw] = 1.0;
                let both = basis.displacements(&w);
                let mut j = [0.0f32; N_BLENDSHAPES];
                j[jaw] = 1.0;
                let jaw_only = basis.displacements(&j);
                std::array::from_fn::<_, N_LANDMARKS, _>(|i| both[i] - jaw_only[i])
            } else {
                basis.displacements(&w)
            };
            rows.extend(d.iter().flat_map(|v| [v.x, v.y, v.z]));
        }
        let norms: f32 = rows.chunks(N_LANDMARKS * 3).map(|r| r.iter().map(|v| v * v).sum::<f32>().sqrt()).sum();
        let scale = N_BLENDSHAPES as f32 / norms.max(1e-9);
        rows.iter_mut().for_each(|v| *v *= scale);
        let speech: Vec<usize> = Viseme::ALL
            .iter()
            .flat_map(|v| v.weights().into_iter().enumerate().filter(|(_, w)| *w > 0.0).map(|(k, _)| k))
            .collect();
        let emotion_channels = (0..N_BLENDSHAPES)
            .filter(|k| !speech.contains(k) && EmotionPreset::ALL.iter().any(|p| p.weights(3.0)[*k] > 0.0))
            .collect();
        let mut gap = [0.0f32; N_BLENDSHAPES];
        for (name, c) in [
            ("jawOpen", 1.0),
            ("mouthClose", -1.0),
            ("mouthLowerDownLeft", 0.125),
            ("mouthLowerDownRight", 0.125),
            ("mouthUpperUpLeft", 0.125),
            ("mouthUpperUpRight", 0.125),
            ("mouthFunnel", 0.1),
            ("mouthPucker", -0.25),
        ] {
            if let Some(i) = index_of(name) {
                gap[i] = c;
            }
        }
        Self {
            basis: Tensor::from_data(TensorData::new(rows, [N_BLENDSHAPES, N_LANDMARKS * 3]), device),
            aperture: Tensor::from_data(TensorData::new(gap.to_vec(), [N_BLENDSHAPES, 1]), device),
            emotion_channels,
            temperature,
            closure_weight,
        }
    }
}

/// The loss terms of one batch (scalars, unweighted).
pub struct LossTerms<B: Backend> {
    /// Reconstruction.
    pub reconstruction: Tensor<B, 1>,
    /// Landmarks.
    pub landmarks: Tensor<B, 1>,
    /// Aperture.
    pub aperture: Tensor<B, 1>,
    /// Velocity.
    pub velocity: Tensor<B, 1>,
    /// Emotion consistency.
    pub emotion: Tensor<B, 1>,
}

impl<B: Backend> LossTerms<B> {
    /// The weighted total.
    pub fn total(&self, o: &EacTrainOptions) -> Tensor<B, 1> {
        self.reconstruction.clone()
            + self.landmarks.clone() * o.landmark_weight
            + self.aperture.clone() * o.aperture_weight
            + self.velocity.clone() * o.velocity_weight
            + self.emotion.clone() * o.emotion_weight
    }
}

/// The loss terms of `pred` (`[b, t, 52]`) against a batch.
pub fn loss_terms<B: Backend>(pred: Tensor<B, 3>, batch: &Batch<B>, parts: &LossParts<B>) -> LossTerms<B> {
    let [b, t, k] = pred.dims();
    let device = pred.device();
    let diff = pred.clone() - batch.targets.clone();
    let reconstruction = diff.clone().powi_scalar(2).mean() + diff.clone().abs().mean();
    let landmarks = diff.clone().reshape([b * t, k]).matmul(parts.basis.clone()).powi_scalar(2).mean();
    let gap = diff.clone().reshape([b * t, k]).matmul(parts.aperture.clone());
    let closed = batch.targets.clone().reshape([b * t, k]).matmul(parts.aperture.clone()).lower_elem(0.05).float();
    let weight = closed * parts.closure_weight + 1.0;
    let aperture = ((gap.clone().abs() + gap.powi_scalar(2)) * weight).mean();
    let velocity = if t > 1 {
        (diff.clone().narrow(1, 1, t - 1) - diff.narrow(1, 0, t - 1)).powi_scalar(2).mean()
    } else {
        Tensor::zeros([1], &device)
    };
    let e = parts.emotion_channels.len();
    let idx = Tensor::<B, 1, burn::tensor::Int>::from_data(
        TensorData::new(parts.emotion_channels.iter().map(|&i| i as i64).collect::<Vec<_>>(), [e]),
        &device,
    );
    let mean = pred.select(2, idx).mean_dim(1).reshape([b, 1, e]);
    let mut protos = Vec::with_capacity(b * N_CLASSES * e);
    let mut mixtures = Vec::with_capacity(b * N_CLASSES);
    for (mu, z) in batch.intensities.iter().zip(&batch.emotions) {
        for p in EmotionPreset::ALL {
            let w = p.weights(*mu);
            protos.extend(parts.emotion_channels.iter().map(|&i| w[i]));
        }
        mixtures.extend(z.mixture());
    }
    let protos = Tensor::<B, 3>::from_data(TensorData::new(protos, [b, N_CLASSES, e]), &device);
    let mixtures = Tensor::<B, 2>::from_data(TensorData::new(mixtures, [b, N_CLASSES]), &device);
    let logits = (mean - protos).powi_scalar(2).sum_dim(2).reshape([b, N_CLASSES]) / (-parts.temperature);
    let emotion = (log_softmax(logits, 1) * mixtures).sum_dim(1).mean().neg();
    LossTerms { reconstruction, landmarks, aperture, velocity, emotion }
}

fn scalar<B: Backend>(t: Tensor<B, 1>) -> f32 {
    t.into_data().to_vec::<f32>().ok().and_then(|v| v.first().copied()).unwrap_or(f32::NAN)
}

/// One step's record.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StepLoss {
    /// Weighted total.
    pub total: f32,
    /// Reconstruction.
    pub reconstruction: f32,
    /// Landmarks.
    pub landmarks: f32,
    /// Aperture.
    #[serde(default)]
    pub aperture: f32,
    /// Velocity.
    pub velocity: f32,
    /// Emotion consistency.
    pub emotion: f32,
}

/// A run's state between steps: what a checkpoint holds besides the weights.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RunState {
    /// Steps done.
    pub step: usize,
    /// The options the run was started with.
    pub options: EacTrainOptions,
    /// Every step's losses.
    pub losses: Vec<StepLoss>,
}

/// Where a run keeps its checkpoint: `dir/checkpoint/{config.json, model.mpk, optimizer.mpk,
/// state.json}`, each written atomically (the state last, so a checkpoint is whole when it is
/// there).
pub fn checkpoint_dir(out: &Path) -> std::path::PathBuf {
    out.join("checkpoint")
}

/// How a run is driven (none of it changes the result).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RunControl {
    /// Continue from `out/checkpoint` when there is one.
    pub resume: bool,
    /// Steps between checkpoints (one is also written when the run stops).
    pub checkpoint_every: usize,
    /// Stop after this many steps in all, as an interruption would (`None`: run to the end).
    pub stop_after: Option<usize>,
}

/// Trains (or resumes; see [`RunControl`]) and returns the network and the run's state.
/// `progress(state)` is called after every step.
pub fn train<B: AutodiffBackend>(
    clips: &[Clip],
    config: &EacConfig,
    options: &EacTrainOptions,
    out: &Path,
    control: RunControl,
    device: &B::Device,
    mut progress: impl FnMut(&RunState),
) -> Result<(Eac<B::InnerBackend>, RunState), ModelFileError> {
    B::seed(device, options.seed);
    let parts = LossParts::<B>::new(options.emotion_temperature, options.closure_weight, device);
    let mut optim = AdamWConfig::new()
        .with_weight_decay(1e-4)
        .with_grad_clipping(Some(burn::grad_clipping::GradientClippingConfig::Norm(1.0)))
        .init::<B, Eac<B>>();
    let ckpt = checkpoint_dir(out);
    let (mut net, mut state) = if control.resume && checkpoint::exists(&ckpt) {
        let model = EacModel::<B>::load(&ckpt, device)?;
        let state: RunState = checkpoint::read_state(&ckpt)?;
        optim = optim.load_record(checkpoint::read_optimizer(&ckpt, device)?);
        (model.net.with_emotion_prior(config.emotion_prior), RunState { options: options.clone(), ..state })
    } else {
        let net = match options.init.as_deref() {
            None => config.init::<B>(device),
            Some(from) => {
                let model = if from == "shipped" {
                    EacModel::<B>::shipped(device)?
                } else {
                    EacModel::<B>::load(Path::new(from), device)?
                };
                // Weights trained without the emotion prior can be fine-tuned with it (and back):
                // it adds no weights.
                let same = EacConfig { emotion_prior: config.emotion_prior, ..model.config.clone() } == *config;
                if !same {
                    return Err(ModelFileError::Config {
                        path: from.into(),
                        message: format!(
                            "--init weights have another configuration than this run ({:?} vs {:?})",
                            model.config, config
                        ),
                    });
                }
                model.net.with_emotion_prior(config.emotion_prior)
            }
        };
        (net, RunState { step: 0, options: options.clone(), losses: Vec::new() })
    };
    let end = control.stop_after.unwrap_or(options.steps).min(options.steps);
    while state.step < end {
        let step = state.step;
        // Dropout draws from the backend's generator: seeding it per step keeps resume exact.
        B::seed(device, options.seed.wrapping_mul(7_919) ^ step as u64);
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(options.seed.wrapping_mul(1_000_003) ^ step as u64);
        let windows = random_windows(clips, options.batch, options.window, &mut rng);
        let batch = make_batch::<B>(clips, &windows, options.window, config, device);
        let pred = net.forward(batch.audio.clone(), batch.emotion.clone(), batch.intensity.clone()).coefficients;
        let terms = loss_terms(pred, &batch, &parts);
        let total = terms.total(options);
        let record = StepLoss {
            total: scalar(total.clone()),
            reconstruction: scalar(terms.reconstruction),
            landmarks: scalar(terms.landmarks),
            aperture: scalar(terms.aperture),
            velocity: scalar(terms.velocity),
            emotion: scalar(terms.emotion),
        };
        let grads = GradientsParams::from_grads(total.backward(), &net);
        net = optim.step(options.learning_rate_at(step), net, grads);
        state.losses.push(record);
        state.step += 1;
        progress(&state);
        if state.step % control.checkpoint_every.max(1) == 0 || state.step == end {
            write_checkpoint(&ckpt, config, &net, &optim, &state)?;
        }
    }
    Ok((net.valid(), state))
}

fn write_checkpoint<B: AutodiffBackend, O: Optimizer<Eac<B>, B>>(
    dir: &Path,
    config: &EacConfig,
    net: &Eac<B>,
    optim: &O,
    state: &RunState,
) -> Result<(), ModelFileError> {
    EacModel { config: config.clone(), net: net.clone() }.save(dir)?;
    checkpoint::write(dir, optim.to_record(), state)
}

/// Held-out numbers of a network over clips.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct EvalReport {
    /// Clips evaluated.
    pub clips: usize,
    /// Mean absolute error of the 52 weights.
    pub mean_abs_error: f32,
    /// Pearson r between predicted and target mouth aperture, pooled.
    pub aperture_r: f32,
    /// Mean absolute error of the mouth aperture.
    pub aperture_mae: f32,
    /// Bilabial phones (M, B, P) with the lips nearly closed, as `tools/lipsync/score.py`
    /// counts them.
    pub bilabials_closed: usize,
    /// Bilabial phones in all.
    pub bilabials: usize,
    /// Bilabials closed in the targets themselves (the ceiling for the network).
    pub target_bilabials_closed: usize,
}

/// Runs the network over whole clips and compares with their targets.
pub fn evaluate<B: Backend>(net: &Eac<B>, config: &EacConfig, clips: &[Clip], device: &B::Device) -> EvalReport {
    let (mut abs, mut count) = (0.0f64, 0usize);
    let (mut pred_ap, mut true_ap) = (Vec::new(), Vec::new());
    let mut report = EvalReport { clips: clips.len(), ..Default::default() };
    for clip in clips {
        let track = net.infer(&clip.mel, config, &clip.emotion, clip.intensity, device);
        for (p, t) in track.frames.iter().zip(&clip.targets) {
            abs += p.iter().zip(t).map(|(a, b)| (a - b).abs() as f64).sum::<f64>();
            count += N_BLENDSHAPES;
            pred_ap.push(aperture(p));
            true_ap.push(aperture(t));
        }
        if let Some(phones) = &clip.phones {
            let (closed, total) = bilabial_closure(&track.frames, config.fps, phones);
            report.bilabials_closed += closed;
            report.bilabials += total;
            report.target_bilabials_closed += bilabial_closure(&clip.targets, config.fps, phones).0;
        }
    }
    report.mean_abs_error = (abs / count.max(1) as f64) as f32;
    report.aperture_r = pearson(&pred_ap, &true_ap);
    report.aperture_mae =
        pred_ap.iter().zip(&true_ap).map(|(a, b)| (a - b).abs()).sum::<f32>() / pred_ap.len().max(1) as f32;
    report
}

/// Bilabials whose lips close: a phone counts when any frame within it (extended by half a frame)
/// has an aperture ≤ 0.15 × the clip's 95th percentile, as `score.py` defines it.
pub fn bilabial_closure(
    frames: &[[f32; N_BLENDSHAPES]],
    fps: f64,
    phones: &[crate::face::visemes::TimedPhone],
) -> (usize, usize) {
    let ap: Vec<f32> = frames.iter().map(aperture).collect();
    let mut sorted = ap.clone();
    sorted.sort_by(f32::total_cmp);
    let p95 = sorted.get(((sorted.len() as f32 - 1.0) * 0.95).round() as usize).copied().unwrap_or(0.0);
    let half = 0.5 / fps;
    let mut closed = 0;
    let mut total = 0;
    for p in phones.iter().filter(|p| matches!(crate::face::visemes::viseme_of(&p.phone), Some(Viseme::PP))) {
        total += 1;
        let hit = ap.iter().enumerate().any(|(f, a)| {
            let t = f as f64 / fps;
            t >= p.start as f64 - half && t <= p.end as f64 + half && *a <= 0.15 * p95
        });
        closed += hit as usize;
    }
    (closed, total)
}

/// Pearson's r (0 when either side is constant).
pub fn pearson(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len().min(b.len()) as f64;
    if n < 2.0 {
        return 0.0;
    }
    let (ma, mb) = (a.iter().map(|&v| v as f64).sum::<f64>() / n, b.iter().map(|&v| v as f64).sum::<f64>() / n);
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (x, y) in a.iter().zip(b) {
        let (dx, dy) = (*x as f64 - ma, *y as f64 - mb);
        sab += dx * dy;
        saa += dx * dx;
        sbb += dy * dy;
    }
    if saa <= 0.0 || sbb <= 0.0 { 0.0 } else { (sab / (saa * sbb).sqrt()) as f32 }
}
