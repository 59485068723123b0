//! Procedural motion that EAC does not learn: blinks and head motion, as functions of time (no
//! Bevy; the runtime and `emotalk coeffs` sample them).
//!
//! **Blinks** come at a natural, non-periodic rate: intervals are drawn from a gamma distribution
//! (shape 2, so very short gaps are rare) with a refractory minimum, mean 3.5 s (adults blink
//! about 15–20 times a minute in conversation). Each blink closes in 80 ms, holds 30 ms and
//! reopens in 160 ms (closing is faster than opening).
//!
//! **Head motion** is a slow idle sway (three incommensurate sines per axis, seeded phases, a
//! degree or two) plus nods on stressed syllables: each syllable nucleus of the voice
//! ([`crate::audio::Nucleus`]) at least [`HeadMotionConfig::stress_db`] prominent adds a
//! critically damped pitch impulse `A · (t/τ) · e^(1 − t/τ)` (peak `A` at `t = τ`, no overshoot),
//! its amplitude growing with the prominence; overlapping nods add up to a soft limit. Angles are in radians, pitch positive downwards
//! (a nod), in the order of the track's `headPitch, headYaw, headRoll` columns.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::audio::Nucleus;

/// Blink timing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlinkConfig {
    /// Mean time between blinks, seconds.
    pub mean_interval: f32,
    /// Shortest time between blinks, seconds.
    pub min_interval: f32,
    /// Closing, holding and opening times, seconds.
    pub phases: [f32; 3],
}

impl Default for BlinkConfig {
    fn default() -> Self {
        Self { mean_interval: 3.5, min_interval: 1.0, phases: [0.08, 0.03, 0.16] }
    }
}

/// The start times of the blinks in `0..duration` seconds, seeded: the first of
/// [`BlinkTimes`]'s times.
pub fn blink_times(duration: f32, config: &BlinkConfig, seed: u64) -> Vec<f32> {
    BlinkTimes::new(config, seed).take_while(|&t| t < duration).collect()
}

/// Blink start times without end, seeded (an iterator): a line of unknown length, streamed, blinks
/// exactly as [`blink_times`] would make it blink had its length been known.
#[derive(Debug, Clone)]
pub struct BlinkTimes {
    rng: ChaCha8Rng,
    config: BlinkConfig,
    next: f32,
}

impl BlinkTimes {
    /// The schedule for a seed.
    pub fn new(config: &BlinkConfig, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        // The first blink comes somewhere in the first interval, not at t = 0.
        let next = rng.random::<f32>() * config.mean_interval;
        Self { rng, config: *config, next }
    }
}

impl Iterator for BlinkTimes {
    type Item = f32;

    fn next(&mut self) -> Option<f32> {
        // Gamma(2, θ) as the sum of two exponentials, with mean (mean − min) above the minimum.
        let theta = ((self.config.mean_interval - self.config.min_interval) / 2.0).max(0.01);
        let mut e = || -theta * (1.0 - self.rng.random::<f32>()).max(1e-9).ln();
        let gap = self.config.min_interval + e() + e();
        let t = self.next;
        self.next += gap;
        Some(t)
    }
}

/// How closed the eyes are at time `t` (0 open, 1 shut) given blink start times.
pub fn blink_weight(t: f32, blinks: &[f32], config: &BlinkConfig) -> f32 {
    let [close, hold, open] = config.phases;
    let i = blinks.partition_point(|&b| b <= t);
    let Some(&start) = i.checked_sub(1).and_then(|i| blinks.get(i)) else { return 0.0 };
    let d = t - start;
    if d < close {
        d / close
    } else if d < close + hold {
        1.0
    } else if d < close + hold + open {
        1.0 - (d - close - hold) / open
    } else {
        0.0
    }
}

/// Head motion settings.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeadMotionConfig {
    /// Idle sway amplitude per axis, degrees (pitch, yaw, roll).
    pub sway_degrees: [f32; 3],
    /// Nod amplitude for a nucleus 6 dB more prominent than the threshold, degrees.
    pub nod_degrees: f32,
    /// Time to a nod's peak, seconds (the damped response's time constant).
    pub nod_tau: f32,
    /// Prominence a syllable needs to count as stressed, dB.
    pub stress_db: f32,
    /// Nods that overlap add up, softly limited to this many degrees (`max · tanh(sum / max)`).
    pub max_nod_degrees: f32,
}

impl Default for HeadMotionConfig {
    fn default() -> Self {
        Self { sway_degrees: [1.2, 1.8, 0.8], nod_degrees: 2.5, nod_tau: 0.15, stress_db: 8.0, max_nod_degrees: 5.0 }
    }
}

/// Head angles (pitch, yaw, roll; radians) at `n` frames of `fps`, for a voice with these
/// syllable nuclei, seeded.
pub fn head_motion(nuclei: &[Nucleus], n: usize, fps: f32, config: &HeadMotionConfig, seed: u64) -> Vec<[f32; 3]> {
    let model = HeadMotionModel::new(nuclei, config, seed);
    (0..n).map(|f| model.at(f as f32 / fps)).collect()
}

/// Head motion as a function of time: the idle sway (seeded phases) plus the nods of one voice's
/// stressed syllables. [`HeadMotionModel::sway_at`] and [`HeadMotionModel::nod_at`] can run on
/// different clocks (a game sways its heads all the time and nods only while they speak).
#[derive(Debug, Clone, PartialEq)]
pub struct HeadMotionModel {
    config: HeadMotionConfig,
    phases: [[f32; 3]; 3],
    /// (time in seconds, amplitude in degrees) of each nod.
    nods: Vec<(f32, f32)>,
}

/// Sway frequencies in Hz: periods of 14, 9 and 5.7 s, no common period within minutes.
const SWAY_HZ: [f32; 3] = [0.071, 0.113, 0.177];

impl HeadMotionModel {
    /// The motion for a voice with these syllable nuclei (none: sway only), seeded.
    pub fn new(nuclei: &[Nucleus], config: &HeadMotionConfig, seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let phases = std::array::from_fn(|_| std::array::from_fn(|_| rng.random::<f32>() * std::f32::consts::TAU));
        let mut model = Self { config: *config, phases, nods: Vec::new() };
        model.add_nuclei(nuclei);
        model
    }

    /// Adds the nods of more syllable nuclei (a voice analysed as it streams in, block by block).
    pub fn add_nuclei(&mut self, nuclei: &[Nucleus]) {
        let config = &self.config;
        self.nods.extend(
            nuclei.iter().filter(|n| n.prominence_db >= config.stress_db).map(|n| {
                (n.seconds(), config.nod_degrees * (1.0 + (n.prominence_db - config.stress_db) / 6.0).min(2.0))
            }),
        );
        // `nod_at` reads only the nods near its time, found by bisection.
        if !self.nods.is_sorted_by(|a, b| a.0 <= b.0) {
            self.nods.sort_by(|a, b| a.0.total_cmp(&b.0));
        }
    }

    /// The idle sway at `t` seconds: degrees (pitch, yaw, roll).
    pub fn sway_at(&self, t: f32) -> [f32; 3] {
        std::array::from_fn(|axis| {
            let sway: f32 = SWAY_HZ
                .iter()
                .zip(self.phases[axis])
                .map(|(hz, ph)| (std::f32::consts::TAU * hz * t + ph).sin())
                .sum::<f32>()
                / 3.0;
            self.config.sway_degrees[axis] * sway
        })
    }

    /// The nod (pitch, degrees) at `t` seconds into the voice: critically damped responses to the
    /// stressed syllables, softly limited to `max_nod_degrees`.
    pub fn nod_at(&self, t: f32) -> f32 {
        let tau = self.config.nod_tau.max(1e-3);
        let mut nod = 0.0;
        // Only the nods of the last 8 τ reach `t` (a margin of one τ for rounding): a long line's
        // thousands of nods cost nothing per frame.
        let first = self.nods.partition_point(|n| n.0 < t - 9.0 * tau);
        for &(at, amp) in &self.nods[first..] {
            if at >= t {
                break;
            }
            let d = t - at;
            if d > 0.0 && d < 8.0 * tau {
                nod += amp * (d / tau) * (1.0 - d / tau).exp();
            }
        }
        let max = self.config.max_nod_degrees.max(1e-3);
        max * (nod / max).tanh()
    }

    /// Sway and nods on one clock: radians (pitch, yaw, roll).
    pub fn at(&self, t: f32) -> [f32; 3] {
        let mut deg = self.sway_at(t);
        deg[0] += self.nod_at(t);
        deg.map(f32::to_radians)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blinks_are_seeded_natural_and_shaped() {
        let c = BlinkConfig::default();
        let times = blink_times(600.0, &c, 7);
        assert_eq!(times, blink_times(600.0, &c, 7));
        assert_ne!(times, blink_times(600.0, &c, 8));
        let gaps: Vec<f32> = times.windows(2).map(|w| w[1] - w[0]).collect();
        let mean = gaps.iter().sum::<f32>() / gaps.len() as f32;
        assert!((mean - 3.5).abs() < 0.4, "mean interval {mean}");
        assert!(gaps.iter().all(|&g| g >= 1.0));
        // Not periodic: the intervals spread (gamma(2) has a coefficient of variation near 0.5).
        let sd = (gaps.iter().map(|g| (g - mean).powi(2)).sum::<f32>() / gaps.len() as f32).sqrt();
        assert!(sd / mean > 0.25, "cv {}", sd / mean);
        let b = [1.0];
        assert_eq!(blink_weight(0.5, &b, &c), 0.0);
        assert!((blink_weight(1.04, &b, &c) - 0.5).abs() < 1e-4);
        assert_eq!(blink_weight(1.09, &b, &c), 1.0);
        assert!(blink_weight(1.2, &b, &c) > 0.0 && blink_weight(1.2, &b, &c) < 1.0);
        assert_eq!(blink_weight(1.3, &b, &c), 0.0);
    }

    #[test]
    fn stressed_syllables_nod_and_the_rest_sways_gently() {
        let c = HeadMotionConfig::default();
        let fps = 100.0;
        let quiet = head_motion(&[], 1000, fps, &c, 3);
        assert!(quiet.iter().flatten().all(|a| a.abs() <= 2.0f32.to_radians()));
        let stressed = [Nucleus { frame: 200, prominence_db: 14.0 }, Nucleus { frame: 600, prominence_db: 5.0 }];
        let moved = head_motion(&stressed, 1000, fps, &c, 3);
        let diff = |f: usize| (moved[f][0] - quiet[f][0]).to_degrees();
        // The stressed syllable at 2 s nods, peaking τ later; the weak one at 6 s does not.
        assert!((diff(215) - 5.0 * 1f32.tanh()).abs() < 0.05, "{}", diff(215));
        assert!(diff(199).abs() < 1e-6 && diff(260) < diff(215));
        assert!((600..700).all(|f| diff(f).abs() < 1e-6));
        // Yaw and roll are untouched by nods; the motion is continuous (< 1° per 10 ms).
        assert!((0..1000).all(|f| moved[f][1] == quiet[f][1] && moved[f][2] == quiet[f][2]));
        assert!(moved.windows(2).all(|w| (w[1][0] - w[0][0]).abs().to_degrees() < 1.0));
    }
}
