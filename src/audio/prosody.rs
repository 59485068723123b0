//! Prosody: how something is said — pitch, loudness, spectral tilt and speaking rate — the cues
//! the audio emotion encoder (AME's audio branch) reads arousal and valence from.
//!
//! * **Pitch**: YIN (de Cheveigné & Kawahara, 2002) on 16 kHz audio: 20 ms integration window,
//!   10 ms hop, 60–500 Hz, absolute threshold 0.2 on the cumulative-mean-normalised difference,
//!   parabolic refinement of the period. A frame is voiced when a period passes the threshold in
//!   a speech frame: one at most [`SILENCE_DB`] below the clip's loudest frame and at least
//!   [`ABOVE_FLOOR_DB`] above its noise floor (the 10th-percentile frame).
//! * **Loudness**: RMS of each 20 ms frame in dBFS.
//! * **Spectral tilt**: the slope of the mean log-mel spectrum of voiced frames against log₂
//!   frequency, 200 Hz – 6 kHz, in dB per octave (tense, aroused speech has a flatter tilt).
//! * **Speaking rate**: syllable nuclei per second of speech: peaks of the 300 Hz – 3 kHz loudness
//!   envelope (50 ms smoothing) that rise at least [`NUCLEUS_PROMINENCE_DB`] above the dips on
//!   both sides, at least 100 ms apart, in voiced frames.

use super::{FeatureMatrix, HOP_LENGTH, MelConfig, SAMPLE_RATE, log_mel, mel::mel_to_hz};

/// Frames quieter than the clip's loudest by more than this many dB are silence.
pub const SILENCE_DB: f32 = 35.0;
/// Speech must stand this many dB above the clip's noise floor (its 10th-percentile frame).
pub const ABOVE_FLOOR_DB: f32 = 12.0;
/// How far a syllable nucleus must rise above its neighbouring dips, in dB.
pub const NUCLEUS_PROMINENCE_DB: f32 = 4.0;
/// YIN's integration window (20 ms).
const WINDOW: usize = 320;
/// Lowest and highest pitch searched, Hz.
const F0_RANGE: (f32, f32) = (60.0, 500.0);
/// YIN's absolute threshold.
const YIN_THRESHOLD: f32 = 0.2;

/// The prosody of a clip.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Prosody {
    /// Pitch of each 10 ms frame in Hz (`None` when unvoiced).
    pub f0: Vec<Option<f32>>,
    /// Loudness of each frame, dBFS.
    pub loudness_db: Vec<f32>,
    /// Median pitch of the voiced frames, Hz (0 when nothing is voiced).
    pub f0_median_hz: f32,
    /// Pitch spread: the 10th–90th percentile range of voiced frames, in semitones.
    pub f0_range_semitones: f32,
    /// Share of non-silent frames that are voiced.
    pub voiced_fraction: f32,
    /// Mean loudness of the non-silent frames, dBFS.
    pub mean_loudness_db: f32,
    /// Spectral tilt, dB per octave.
    pub spectral_tilt_db_per_octave: f32,
    /// Syllable nuclei per second of non-silent speech.
    pub syllables_per_second: f32,
    /// Seconds of non-silent audio.
    pub speech_seconds: f32,
    /// The syllable nuclei found (what the rate counts; head nods follow the prominent ones).
    #[serde(skip)]
    pub nuclei: Vec<Nucleus>,
}

/// A syllable nucleus: a prominent peak of the speech-band loudness envelope in a voiced frame.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Nucleus {
    /// Its 10 ms frame.
    pub frame: usize,
    /// How far it rises above the lower of its neighbouring dips, in dB.
    pub prominence_db: f32,
}

impl Nucleus {
    /// Its time in seconds.
    pub fn seconds(&self) -> f32 {
        self.frame as f32 * HOP_LENGTH as f32 / SAMPLE_RATE as f32
    }
}

/// Analyses 16 kHz mono samples.
pub fn prosody(samples: &[f32]) -> Prosody {
    let mel = log_mel(samples, &MelConfig::default()).expect("the default configuration is valid");
    prosody_with_mel(samples, &mel)
}

/// [`prosody`] for a caller that already has the samples' log-mel frames (default
/// [`MelConfig`]), which it would otherwise compute again.
pub fn prosody_with_mel(samples: &[f32], mel: &FeatureMatrix) -> Prosody {
    let Speech { loudness_db, active } = speech_frames(samples);
    let n_frames = loudness_db.len();
    let f0: Vec<Option<f32>> =
        (0..n_frames).map(|t| if active[t] { yin(pitch_frame(samples, t)) } else { None }).collect();
    let mut voiced: Vec<f32> = f0.iter().flatten().copied().collect();
    voiced.sort_by(f32::total_cmp);
    let pct = |p: f32| voiced.get(((voiced.len() as f32 - 1.0) * p).round() as usize).copied().unwrap_or(0.0);
    let n_active = active.iter().filter(|&&a| a).count();
    let nuclei = syllable_nuclei(mel, |t| f0.get(t).is_some_and(Option::is_some));
    Prosody {
        f0_median_hz: pct(0.5),
        f0_range_semitones: if voiced.len() > 1 { 12.0 * (pct(0.9) / pct(0.1).max(1.0)).log2() } else { 0.0 },
        voiced_fraction: voiced.len() as f32 / n_active.max(1) as f32,
        mean_loudness_db: loudness_db.iter().zip(&active).filter(|(_, a)| **a).map(|(l, _)| l).sum::<f32>()
            / n_active.max(1) as f32,
        spectral_tilt_db_per_octave: spectral_tilt(mel, &f0),
        syllables_per_second: nuclei.len() as f32 / (n_active as f32 / 100.0).max(0.01),
        speech_seconds: n_active as f32 * HOP_LENGTH as f32 / SAMPLE_RATE as f32,
        f0,
        loudness_db,
        nuclei,
    }
}

/// [`prosody_with_mel`]'s syllable nuclei alone, the same ones, for less: the pitch tracker runs
/// only at the loudness peaks that need to be voiced to count, not at every frame.
pub fn nuclei_with_mel(samples: &[f32], mel: &FeatureMatrix) -> Vec<Nucleus> {
    let Speech { active, .. } = speech_frames(samples);
    syllable_nuclei(mel, |t| active.get(t).is_some_and(|&a| a) && yin(pitch_frame(samples, t)).is_some())
}

/// Loudness of each 10 ms frame (dBFS) and whether it is speech.
struct Speech {
    loudness_db: Vec<f32>,
    active: Vec<bool>,
}

/// The samples YIN reads for frame `t`: `2 × WINDOW` from half a window before its time, where
/// the clip has them.
fn pitch_frame(samples: &[f32], t: usize) -> &[f32] {
    let start = (t * HOP_LENGTH).saturating_sub(WINDOW / 2);
    &samples[start.min(samples.len())..(start + 2 * WINDOW).min(samples.len())]
}

fn speech_frames(samples: &[f32]) -> Speech {
    let n_frames = 1 + samples.len() / HOP_LENGTH;
    let loudness_db: Vec<f32> = (0..n_frames)
        .map(|t| {
            let f = pitch_frame(samples, t);
            let f = &f[..f.len().min(WINDOW)];
            let ms = f.iter().map(|x| x * x).sum::<f32>() / f.len().max(1) as f32;
            10.0 * ms.max(1e-12).log10()
        })
        .collect();
    // Speech is what stands clear of the clip's own noise floor (its 10th-percentile frame)
    // and is not far below its loudest frame.
    let mut sorted = loudness_db.clone();
    sorted.sort_by(f32::total_cmp);
    let floor = sorted[sorted.len() / 10];
    let loudest = sorted[sorted.len() - 1];
    // A clip without quiet stretches (a held tone, speech edited tight) has no floor to clear.
    let has_floor = loudest - floor >= ABOVE_FLOOR_DB;
    let active = loudness_db
        .iter()
        .map(|&l| l > loudest - SILENCE_DB && (!has_floor || l > floor + ABOVE_FLOOR_DB) && l > -70.0)
        .collect();
    Speech { loudness_db, active }
}

/// YIN on one frame (`2 × WINDOW` samples where available); `None` when no period is clear.
fn yin(x: &[f32]) -> Option<f32> {
    let tau_min = (SAMPLE_RATE as f32 / F0_RANGE.1) as usize;
    let tau_max = ((SAMPLE_RATE as f32 / F0_RANGE.0) as usize).min(x.len().saturating_sub(WINDOW + 1));
    if tau_max <= tau_min + 2 {
        return None;
    }
    // Difference function and its cumulative-mean normalisation (YIN steps 2–3), computed only
    // as far as steps 4–5 read it: up to the period found, its local minimum and one more lag.
    let mut dn = vec![1.0f32];
    let mut running = 0.0;
    let mut upto = |dn: &mut Vec<f32>, k: usize| {
        while dn.len() <= k {
            let tau = dn.len();
            let d = squared_difference(&x[..WINDOW], &x[tau..tau + WINDOW]);
            running += d;
            dn.push(if running > 0.0 { d * tau as f32 / running } else { 1.0 });
        }
    };
    // Absolute threshold, then the local minimum that follows (step 4).
    let mut tau = (tau_min..tau_max).find(|&t| {
        upto(&mut dn, t);
        dn[t] < YIN_THRESHOLD
    })?;
    upto(&mut dn, tau + 1);
    while tau + 1 < tau_max && dn[tau + 1] < dn[tau] {
        tau += 1;
        upto(&mut dn, tau + 1);
    }
    // Parabolic interpolation of the period (step 5).
    let (a, b, c) = (dn[tau - 1], dn[tau], dn[tau + 1]);
    let denom = a - 2.0 * b + c;
    let shift = if denom.abs() > 1e-9 { (0.5 * (a - c) / denom).clamp(-0.5, 0.5) } else { 0.0 };
    Some(SAMPLE_RATE as f32 / (tau as f32 + shift))
}

/// `Σ (a_j − b_j)²` over equal-length slices, in eight independent lanes so that the compiler can
/// keep them in one SIMD register (a single running sum is a serial dependency chain it may not
/// reorder): YIN's difference function is most of the prosody's cost.
fn squared_difference(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 8;
    let mut acc = [0.0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = ca.remainder().iter().zip(cb.remainder()).map(|(x, y)| (x - y) * (x - y)).sum();
    for (ra, rb) in ca.zip(cb) {
        for k in 0..LANES {
            let e = ra[k] - rb[k];
            acc[k] += e * e;
        }
    }
    acc.iter().sum::<f32>() + tail
}

/// Centre frequency (Hz) of mel band `m` for the default front-end.
fn band_hz(m: usize) -> f32 {
    let cfg = MelConfig::default();
    let (lo, hi) = (super::mel::hz_to_mel(cfg.f_min), super::mel::hz_to_mel(cfg.f_max));
    mel_to_hz(lo + (hi - lo) * (m + 1) as f64 / (cfg.n_mels + 1) as f64) as f32
}

/// Least-squares slope of the voiced frames' mean spectrum (dB) over log₂ frequency.
fn spectral_tilt(mel: &FeatureMatrix, f0: &[Option<f32>]) -> f32 {
    let bands: Vec<usize> = (0..mel.n_cols()).filter(|&m| (200.0..=6000.0).contains(&band_hz(m))).collect();
    let frames: Vec<usize> = (0..mel.n_frames().min(f0.len())).filter(|&t| f0[t].is_some()).collect();
    if frames.is_empty() || bands.len() < 2 {
        return 0.0;
    }
    let to_db = 10.0 / std::f32::consts::LN_10;
    let pts: Vec<(f32, f32)> = bands
        .iter()
        .map(|&m| {
            let mean = frames.iter().map(|&t| mel.row(t)[m]).sum::<f32>() / frames.len() as f32;
            (band_hz(m).log2(), mean * to_db)
        })
        .collect();
    let n = pts.len() as f32;
    let (mx, my) = (pts.iter().map(|p| p.0).sum::<f32>() / n, pts.iter().map(|p| p.1).sum::<f32>() / n);
    let sxy: f32 = pts.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f32 = pts.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    sxy / sxx.max(1e-9)
}

/// Finds syllable nuclei: prominent peaks of the speech-band loudness envelope in voiced frames.
fn syllable_nuclei(mel: &FeatureMatrix, mut voiced: impl FnMut(usize) -> bool) -> Vec<Nucleus> {
    let bands: Vec<usize> = (0..mel.n_cols()).filter(|&m| (300.0..=3000.0).contains(&band_hz(m))).collect();
    let raw: Vec<f32> =
        mel.rows().map(|r| 10.0 * bands.iter().map(|&m| r[m].exp()).sum::<f32>().max(1e-10).log10()).collect();
    // 50 ms moving average.
    let env: Vec<f32> = (0..raw.len())
        .map(|t| {
            let (a, b) = (t.saturating_sub(2), (t + 3).min(raw.len()));
            raw[a..b].iter().sum::<f32>() / (b - a) as f32
        })
        .collect();
    let mut nuclei = Vec::new();
    let mut last_peak: Option<usize> = None;
    for t in 1..env.len().saturating_sub(1) {
        if !(env[t] >= env[t - 1] && env[t] > env[t + 1]) || !voiced(t) {
            continue;
        }
        // The deepest dip on each side before the envelope rises above this peak again.
        let dip = |range: &mut dyn Iterator<Item = usize>| {
            let mut lowest = env[t];
            for u in range {
                if env[u] > env[t] {
                    break;
                }
                lowest = lowest.min(env[u]);
            }
            env[t] - lowest
        };
        let (left, right) = (dip(&mut (0..t).rev()), dip(&mut (t + 1..env.len())));
        if left.min(right) >= NUCLEUS_PROMINENCE_DB && last_peak.is_none_or(|p| t - p >= 10) {
            nuclei.push(Nucleus { frame: t, prominence_db: left.min(right) });
            last_peak = Some(t);
        }
    }
    nuclei
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(hz: f32, seconds: f32) -> Vec<f32> {
        (0..(16_000.0 * seconds) as usize)
            .map(|i| {
                let t = i as f32 / 16_000.0;
                // A voice-like harmonic complex: the fundamental and four overtones.
                (1..=5).map(|k| (2.0 * std::f32::consts::PI * hz * k as f32 * t).sin() / k as f32).sum::<f32>() * 0.2
            })
            .collect()
    }

    #[test]
    fn yin_finds_the_pitch_of_tones_and_nothing_in_noise_or_silence() {
        for hz in [85.0, 120.0, 220.0, 330.0, 450.0] {
            let p = prosody(&tone(hz, 0.5));
            assert!((p.f0_median_hz - hz).abs() < hz * 0.01, "{hz} Hz: got {}", p.f0_median_hz);
            assert!(p.voiced_fraction > 0.9, "{hz} Hz: voiced {}", p.voiced_fraction);
        }
        let mut seed = 1u32;
        let noise: Vec<f32> = (0..8000)
            .map(|_| {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (seed >> 8) as f32 / (1 << 24) as f32 - 0.5
            })
            .collect();
        assert!(prosody(&noise).voiced_fraction < 0.1);
        let silent = prosody(&vec![0.0; 8000]);
        assert!(silent.f0.iter().all(Option::is_none) && silent.f0_median_hz == 0.0);
    }
}
