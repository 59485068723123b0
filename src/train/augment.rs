//! Audio augmentation for the synthetic corpus, so that EAC does not learn one synthesiser's
//! fingerprint: speed perturbation (pitch and tempo together, as in Ko et al. 2015; phone times
//! scale with it), gain, additive noise at a signal-to-noise ratio, band limits (telephone-like
//! high-pass and low-pass biquads) and reverberation (convolution with a synthetic room response:
//! exponentially decaying noise of a chosen RT60, FFT convolution through `realfft`).
//!
//! Every choice is drawn from the caller's seeded generator and recorded in [`Augmentation`],
//! which the manifest keeps, so a corpus can be rebuilt and audited.

use rand::Rng;
use realfft::RealFftPlanner;

use crate::audio::{SAMPLE_RATE, StreamResampler};

/// The spectrum of added noise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NoiseColour {
    /// Flat.
    White,
    /// −3 dB per octave (fans, air).
    Pink,
    /// −6 dB per octave (rumble, handling).
    Brown,
}

/// The augmentation applied to one clip (all optional parts `None` when not applied).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Augmentation {
    /// Speed factor (> 1 is faster and higher).
    pub speed: f32,
    /// Gain in dB.
    pub gain_db: f32,
    /// Noise at this signal-to-noise ratio in dB, and its colour.
    pub noise_snr_db: Option<f32>,
    /// The colour of that noise and of the floor.
    pub noise_colour: NoiseColour,
    /// A noise floor under everything (recordings are never digitally silent), in dB below the
    /// clip's power.
    pub floor_snr_db: Option<f32>,
    /// High-pass and low-pass corner frequencies in Hz.
    pub band_hz: Option<(f32, f32)>,
    /// Reverberation time (RT60) in seconds and wet/dry mix.
    pub reverb: Option<(f32, f32)>,
}

impl Augmentation {
    /// No change at all.
    pub const NONE: Augmentation = Augmentation {
        speed: 1.0,
        gain_db: 0.0,
        noise_snr_db: None,
        noise_colour: NoiseColour::White,
        floor_snr_db: None,
        band_hz: None,
        reverb: None,
    };

    /// A random augmentation: speed 0.9–1.1, gain −12…+4 dB, noise (half the clips, 10–40 dB SNR)
    /// of a random colour, a floor (nine clips in ten, 35–65 dB below the clip), band limits (a
    /// third, 80–400 Hz to 3–7 kHz), reverberation (a third, RT60 0.15–0.7 s).
    pub fn random<R: Rng>(rng: &mut R) -> Augmentation {
        Augmentation {
            speed: (rng.random_range(0.9f32..1.1) * 100.0).round() / 100.0,
            gain_db: rng.random_range(-12.0..4.0),
            noise_snr_db: rng.random_bool(0.5).then(|| rng.random_range(10.0..40.0)),
            noise_colour: [NoiseColour::White, NoiseColour::Pink, NoiseColour::Brown][rng.random_range(0..3)],
            floor_snr_db: rng.random_bool(0.9).then(|| rng.random_range(35.0..65.0)),
            band_hz: rng.random_bool(0.33).then(|| (rng.random_range(80.0..400.0), rng.random_range(3000.0..7000.0))),
            reverb: rng.random_bool(0.33).then(|| (rng.random_range(0.15..0.7), rng.random_range(0.1..0.5))),
        }
    }

    /// Applies it to 16 kHz samples; `rng` draws the noise. Times in the result are the input's
    /// divided by [`Augmentation::speed`].
    pub fn apply<R: Rng>(&self, samples: &[f32], rng: &mut R) -> Vec<f32> {
        let mut x = speed(samples, self.speed);
        if let Some((low, high)) = self.band_hz {
            biquad(&mut x, low, false);
            biquad(&mut x, high, true);
        }
        if let Some((rt60, wet)) = self.reverb {
            x = reverberate(&x, rt60, wet, rng);
        }
        let power = x.iter().map(|v| v * v).sum::<f32>() / x.len().max(1) as f32;
        for snr in [self.noise_snr_db, self.floor_snr_db].into_iter().flatten() {
            let sigma = (power / 10f32.powf(snr / 10.0)).sqrt();
            let noise = coloured_noise(x.len(), self.noise_colour, rng);
            x.iter_mut().zip(noise).for_each(|(v, n)| *v += sigma * n);
        }
        let g = 10f32.powf(self.gain_db / 20.0);
        x.iter_mut().for_each(|v| *v = (*v * g).clamp(-1.0, 1.0));
        x
    }
}

/// `n` samples of unit-variance noise of a colour (white: uniform; brown: leaky integral of
/// white; pink: Paul Kellet's economy filter of white), normalised to unit variance.
fn coloured_noise<R: Rng>(n: usize, colour: NoiseColour, rng: &mut R) -> Vec<f32> {
    let white = (0..n).map(|_| rng.random_range(-1.0f32..1.0));
    let mut out: Vec<f32> = match colour {
        NoiseColour::White => white.collect(),
        NoiseColour::Brown => {
            let mut y = 0.0f32;
            white
                .map(|w| {
                    y = 0.995 * y + w;
                    y
                })
                .collect()
        }
        NoiseColour::Pink => {
            let (mut b0, mut b1, mut b2) = (0.0f32, 0.0f32, 0.0f32);
            white
                .map(|w| {
                    b0 = 0.99765 * b0 + w * 0.0990460;
                    b1 = 0.96300 * b1 + w * 0.2965164;
                    b2 = 0.57000 * b2 + w * 1.0526913;
                    b0 + b1 + b2 + w * 0.1848
                })
                .collect()
        }
    };
    let mean = out.iter().sum::<f32>() / n.max(1) as f32;
    let sd = (out.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n.max(1) as f32).sqrt().max(1e-12);
    out.iter_mut().for_each(|v| *v = (*v - mean) / sd);
    out
}

/// Resamples so that the clip plays `factor` times faster (and higher).
fn speed(samples: &[f32], factor: f32) -> Vec<f32> {
    let in_rate = (SAMPLE_RATE as f32 * factor / 10.0).round() as u32 * 10;
    if in_rate == SAMPLE_RATE || in_rate == 0 {
        return samples.to_vec();
    }
    let mut out = Vec::with_capacity(samples.len());
    let ok = StreamResampler::new(in_rate, SAMPLE_RATE).and_then(|mut r| {
        r.push(samples, &mut out)?;
        r.finish(&mut out)
    });
    if ok.is_err() { samples.to_vec() } else { out }
}

/// A second-order Butterworth filter (RBJ cookbook), high-pass or low-pass at `hz`.
fn biquad(x: &mut [f32], hz: f32, low_pass: bool) {
    let w = 2.0 * std::f32::consts::PI * hz / SAMPLE_RATE as f32;
    let (cos, alpha) = (w.cos(), w.sin() / (2.0 * std::f32::consts::FRAC_1_SQRT_2));
    let (b0, b1) = if low_pass { ((1.0 - cos) / 2.0, 1.0 - cos) } else { ((1.0 + cos) / 2.0, -(1.0 + cos)) };
    let (a0, a1, a2) = (1.0 + alpha, -2.0 * cos, 1.0 - alpha);
    let (b0, b1, b2, a1, a2) = (b0 / a0, b1 / a0, b0 / a0, a1 / a0, a2 / a0);
    let (mut x1, mut x2, mut y1, mut y2) = (0.0, 0.0, 0.0, 0.0);
    for v in x.iter_mut() {
        let y = b0 * *v + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2;
        (x2, x1, y2, y1) = (x1, *v, y1, y);
        *v = y;
    }
}

/// Mixes in the clip convolved with a synthetic room response (decaying noise of `rt60` s).
fn reverberate<R: Rng>(x: &[f32], rt60: f32, wet: f32, rng: &mut R) -> Vec<f32> {
    let len = ((rt60 * SAMPLE_RATE as f32) as usize).max(1);
    // Amplitude falls 60 dB over rt60: exp(-6.91 t / rt60).
    let ir: Vec<f32> =
        (0..len).map(|i| rng.random_range(-1.0f32..1.0) * (-6.91 * i as f32 / len as f32).exp()).collect();
    let n = (x.len() + len).next_power_of_two();
    let mut planner = RealFftPlanner::<f32>::new();
    let (fwd, inv) = (planner.plan_fft_forward(n), planner.plan_fft_inverse(n));
    let spectrum = |signal: &[f32]| {
        let mut buf = vec![0.0; n];
        buf[..signal.len()].copy_from_slice(signal);
        let mut out = fwd.make_output_vec();
        fwd.process(&mut buf, &mut out).map(|_| out)
    };
    let (Ok(a), Ok(b)) = (spectrum(x), spectrum(&ir)) else { return x.to_vec() };
    let mut prod: Vec<_> = a.iter().zip(&b).map(|(a, b)| a * b).collect();
    let mut y = inv.make_output_vec();
    if inv.process(&mut prod, &mut y).is_err() {
        return x.to_vec();
    }
    let wet_part = &y[..x.len()];
    // Same loudness as the dry clip before mixing.
    let energy = |s: &[f32]| s.iter().map(|v| v * v).sum::<f32>().sqrt().max(1e-12);
    let scale = energy(x) / energy(wet_part);
    x.iter().zip(wet_part).map(|(d, w)| (1.0 - wet) * d + wet * w * scale).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    fn tone(hz: f32, seconds: f32) -> Vec<f32> {
        let n = (seconds * SAMPLE_RATE as f32) as usize;
        (0..n).map(|i| 0.5 * (2.0 * std::f32::consts::PI * hz * i as f32 / SAMPLE_RATE as f32).sin()).collect()
    }

    fn rms(x: &[f32]) -> f32 {
        (x.iter().map(|v| v * v).sum::<f32>() / x.len() as f32).sqrt()
    }

    #[test]
    fn each_part_does_what_it_says() {
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(1);
        let x = tone(200.0, 1.0);
        assert_eq!(Augmentation::NONE.apply(&x, &mut rng), x);
        // Speed 1.25 shortens by 1.25.
        let fast = Augmentation { speed: 1.25, ..Augmentation::NONE }.apply(&x, &mut rng);
        assert!((fast.len() as f32 - x.len() as f32 / 1.25).abs() < 2.0, "{}", fast.len());
        // -6 dB halves the amplitude.
        let quiet = Augmentation { gain_db: -6.0206, ..Augmentation::NONE }.apply(&x, &mut rng);
        assert!((rms(&quiet) / rms(&x) - 0.5).abs() < 1e-3);
        // Noise at 20 dB: residual power 1 % of the signal's.
        let noisy = Augmentation { noise_snr_db: Some(20.0), ..Augmentation::NONE }.apply(&x, &mut rng);
        let residual: Vec<f32> = noisy.iter().zip(&x).map(|(a, b)| a - b).collect();
        assert!((rms(&residual) / rms(&x) - 0.1).abs() < 0.01);
        // Brown noise puts more of its power low than white does.
        let mut low_share = |colour| {
            let n = coloured_noise(16000, colour, &mut rng);
            let mut low = n.clone();
            biquad(&mut low, 200.0, true);
            rms(&low) / rms(&n)
        };
        assert!(low_share(NoiseColour::Brown) > 0.8 && low_share(NoiseColour::White) < 0.3);
        assert!(low_share(NoiseColour::Pink) > low_share(NoiseColour::White));
        // A 300 Hz–3 kHz band keeps 1 kHz and removes 50 Hz and 7 kHz.
        let band = Augmentation { band_hz: Some((300.0, 3000.0)), ..Augmentation::NONE };
        let mut gain = |hz| rms(&band.apply(&tone(hz, 1.0), &mut rng)[4000..]) / rms(&tone(hz, 1.0));
        assert!(gain(1000.0) > 0.9 && gain(50.0) < 0.05 && gain(7000.0) < 0.25);
        // Reverberation keeps the length and loudness and smears a click over time.
        let mut click = vec![0.0; 16000];
        click[100] = 1.0;
        let wet = Augmentation { reverb: Some((0.5, 0.5)), ..Augmentation::NONE }.apply(&click, &mut rng);
        assert_eq!(wet.len(), click.len());
        let tail: f32 = wet[2000..6000].iter().map(|v| v.abs()).sum();
        assert!(tail > 0.1, "{tail}");
    }

    #[test]
    fn random_is_seeded() {
        let draw = |seed| {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            (0..20).map(|_| Augmentation::random(&mut rng)).collect::<Vec<_>>()
        };
        assert_eq!(draw(5), draw(5));
        assert_ne!(draw(5), draw(6));
        assert!(draw(5).iter().any(|a| a.reverb.is_some()) && draw(5).iter().any(|a| a.noise_snr_db.is_none()));
    }
}
