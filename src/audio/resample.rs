//! Streaming sample-rate conversion to the front-end's 16 kHz, through `rubato`.
//!
//! * Rates whose ratio to 16 kHz is a small fraction (all the usual ones: 8, 11.025, 12, 22.05,
//!   24, 32, 44.1, 48, 88.2, 96 kHz …) use rubato's synchronous FFT resampler (`FftFixedIn`):
//!   exact rational ratio, steep anti-aliasing, fast.
//! * Any other rate (a 9973 Hz file, say) uses the asynchronous windowed-sinc resampler
//!   (`SincFixedIn`, 128 taps, Blackman-Harris², cubic interpolation between 256 sub-phases).
//! * The resampler's own latency (measured once, with an impulse) is removed, so output sample
//!   `j` is the input at time `j / out_rate` to within half an output sample (31 µs), and a clip
//!   of `n` input samples gives exactly `ceil(n · out_rate / in_rate)` output samples. Lip sync
//!   depends on this alignment.

use std::collections::HashMap;
use std::sync::{Mutex, OnceLock};

use rubato::{FftFixedIn, Resampler, SincFixedIn, SincInterpolationParameters, SincInterpolationType, WindowFunction};

use super::AudioError;

/// Input frames per resampler call.
const CHUNK: usize = 1024;
/// Largest reduced input period (`in_rate / gcd`) for which the FFT resampler is used.
const MAX_FFT_PERIOD: usize = 4096;

/// The part of rubato's `Resampler` we use, made object-safe for one mono channel.
trait Engine: Send {
    fn next_in(&self) -> usize;
    fn max_out(&self) -> usize;
    fn delay(&self) -> usize;
    fn process(&mut self, input: Option<&[f32]>, out: &mut [f32]) -> Result<(usize, usize), String>;
    fn reset(&mut self);
}

impl<R: Resampler<f32> + Send> Engine for R {
    fn next_in(&self) -> usize {
        self.input_frames_next()
    }
    fn max_out(&self) -> usize {
        self.output_frames_max()
    }
    fn delay(&self) -> usize {
        self.output_delay()
    }
    fn process(&mut self, input: Option<&[f32]>, out: &mut [f32]) -> Result<(usize, usize), String> {
        let mut outs = [out];
        let result = match input {
            Some(x) if x.len() >= self.input_frames_next() => self.process_into_buffer(&[x], &mut outs, None),
            Some(x) => self.process_partial_into_buffer(Some(&[x]), &mut outs, None),
            None => self.process_partial_into_buffer(None::<&[&[f32]]>, &mut outs, None),
        };
        result.map_err(|e| e.to_string())
    }
    fn reset(&mut self) {
        Resampler::reset(self)
    }
}

/// Converts a mono stream from `in_rate` to `out_rate`, chunk by chunk.
///
/// ```
/// use emotalk::audio::StreamResampler;
/// let mut rs = StreamResampler::new(44_100, 16_000).unwrap();
/// let mut out = Vec::new();
/// rs.push(&vec![0.25; 44_100], &mut out).unwrap();
/// rs.finish(&mut out).unwrap();
/// assert_eq!(out.len(), 16_000);
/// ```
pub struct StreamResampler {
    in_rate: u32,
    out_rate: u32,
    /// `None` when the rates are equal (samples pass through untouched).
    engine: Option<Box<dyn Engine>>,
    pending: Vec<f32>,
    out_buf: Vec<f32>,
    /// The engine's latency in output samples, measured at construction.
    delay: usize,
    to_skip: usize,
    in_total: u64,
    out_total: u64,
}

impl StreamResampler {
    /// A resampler from `in_rate` Hz to `out_rate` Hz (both positive).
    pub fn new(in_rate: u32, out_rate: u32) -> Result<Self, AudioError> {
        if in_rate == 0 || out_rate == 0 {
            return Err(AudioError::Config(format!("cannot resample {in_rate} Hz to {out_rate} Hz")));
        }
        let engine = Self::make_engine(in_rate, out_rate)?;
        let out_buf = vec![0.0; engine.as_ref().map_or(0, |e| e.max_out())];
        let delay = match &engine {
            Some(_) => engine_delay(in_rate, out_rate)?,
            None => 0,
        };
        Ok(Self {
            in_rate,
            out_rate,
            engine,
            pending: Vec::new(),
            out_buf,
            delay,
            to_skip: delay,
            in_total: 0,
            out_total: 0,
        })
    }

    fn make_engine(in_rate: u32, out_rate: u32) -> Result<Option<Box<dyn Engine>>, AudioError> {
        Ok(if in_rate == out_rate {
            None
        } else if (in_rate / gcd(in_rate, out_rate)) as usize <= MAX_FFT_PERIOD {
            let r = FftFixedIn::<f32>::new(in_rate as usize, out_rate as usize, CHUNK, 2, 1)
                .map_err(|e| AudioError::Config(format!("resampler {in_rate} -> {out_rate} Hz: {e}")))?;
            Some(Box::new(r))
        } else {
            let params = SincInterpolationParameters {
                sinc_len: 128,
                f_cutoff: rubato::calculate_cutoff(128, WindowFunction::BlackmanHarris2),
                oversampling_factor: 256,
                interpolation: SincInterpolationType::Cubic,
                window: WindowFunction::BlackmanHarris2,
            };
            let ratio = out_rate as f64 / in_rate as f64;
            let r = SincFixedIn::<f32>::new(ratio, 1.0, params, CHUNK, 1)
                .map_err(|e| AudioError::Config(format!("resampler {in_rate} -> {out_rate} Hz: {e}")))?;
            Some(Box::new(r))
        })
    }

    /// Input rate in Hz.
    pub fn in_rate(&self) -> u32 {
        self.in_rate
    }

    /// Output rate in Hz.
    pub fn out_rate(&self) -> u32 {
        self.out_rate
    }

    /// Output length of a whole clip of `n_in` input samples: `ceil(n_in · out_rate / in_rate)`.
    pub fn output_len(&self, n_in: u64) -> u64 {
        (n_in * self.out_rate as u64).div_ceil(self.in_rate as u64)
    }

    /// Feeds input samples and appends whatever output is ready to `out`.
    pub fn push(&mut self, input: &[f32], out: &mut Vec<f32>) -> Result<(), AudioError> {
        self.in_total += input.len() as u64;
        let Some(engine) = self.engine.as_mut() else {
            out.extend_from_slice(input);
            self.out_total += input.len() as u64;
            return Ok(());
        };
        // Process straight from `input` where possible; only a partial chunk waits in `pending`.
        let mut rest = input;
        if !self.pending.is_empty() {
            let need = engine.next_in() - self.pending.len();
            let take = need.min(rest.len());
            self.pending.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if self.pending.len() < engine.next_in() {
                return Ok(());
            }
            let chunk = std::mem::take(&mut self.pending);
            self.run(Some(&chunk), out, u64::MAX)?;
            self.pending = chunk;
            self.pending.clear();
        }
        loop {
            let need = self.engine.as_ref().expect("checked above").next_in();
            if rest.len() < need {
                break;
            }
            let (chunk, tail) = rest.split_at(need);
            self.run(Some(chunk), out, u64::MAX)?;
            rest = tail;
        }
        self.pending.extend_from_slice(rest);
        Ok(())
    }

    /// Flushes the end of the clip into `out` and resets the resampler for the next clip.
    pub fn finish(&mut self, out: &mut Vec<f32>) -> Result<(), AudioError> {
        let expected = self.output_len(self.in_total);
        if self.engine.is_some() {
            let pending = std::mem::take(&mut self.pending);
            if !pending.is_empty() {
                self.run(Some(&pending), out, expected)?;
            }
            // The delay line still holds up to `delay` samples: push zeros until all are out.
            let mut guard = 0;
            while self.out_total < expected {
                self.run(None, out, expected)?;
                guard += 1;
                if guard > 64 {
                    return Err(AudioError::Config("resampler produced no output while flushing".into()));
                }
            }
        }
        self.reset();
        Ok(())
    }

    /// Forgets all input.
    pub fn reset(&mut self) {
        if let Some(e) = self.engine.as_mut() {
            e.reset();
        }
        self.to_skip = self.delay;
        self.pending.clear();
        self.in_total = 0;
        self.out_total = 0;
    }

    /// One resampler call; output beyond the delay and below `cap` total samples goes to `out`.
    fn run(&mut self, input: Option<&[f32]>, out: &mut Vec<f32>, cap: u64) -> Result<(), AudioError> {
        let engine = self.engine.as_mut().expect("only called with an engine");
        let (_, produced) =
            engine.process(input, &mut self.out_buf).map_err(|e| AudioError::Config(format!("resampler: {e}")))?;
        let mut produced = &self.out_buf[..produced];
        let skip = self.to_skip.min(produced.len());
        self.to_skip -= skip;
        produced = &produced[skip..];
        let room = cap.saturating_sub(self.out_total).min(produced.len() as u64) as usize;
        out.extend_from_slice(&produced[..room]);
        self.out_total += room as u64;
        Ok(())
    }
}

/// The latency of the engine for `in_rate -> out_rate`, measured on a twin engine the first
/// time a pair of rates is used and remembered (measuring costs about as much as resampling
/// 0.1 s of audio).
fn engine_delay(in_rate: u32, out_rate: u32) -> Result<usize, AudioError> {
    static DELAYS: OnceLock<Mutex<HashMap<(u32, u32), usize>>> = OnceLock::new();
    let delays = DELAYS.get_or_init(|| Mutex::new(HashMap::new()));
    if let Some(&d) = delays.lock().unwrap_or_else(|p| p.into_inner()).get(&(in_rate, out_rate)) {
        return Ok(d);
    }
    let mut twin = StreamResampler::make_engine(in_rate, out_rate)?.expect("rates differ");
    let d = measure_delay(twin.as_mut())?;
    delays.lock().unwrap_or_else(|p| p.into_inner()).insert((in_rate, out_rate), d);
    Ok(d)
}

/// The latency of an engine in output samples: where an impulse at input sample 0 comes out.
///
/// Measured rather than taken from rubato's `output_delay()`, which for `SincFixedIn` (0.16)
/// reports half the filter length although its output is already centred.
fn measure_delay(engine: &mut dyn Engine) -> Result<usize, AudioError> {
    let reported = engine.delay();
    let mut out = vec![0.0; engine.max_out()];
    let mut response = Vec::new();
    let mut input = vec![0.0f32; engine.next_in()];
    input[0] = 1.0;
    for _ in 0..16 {
        let (_, n) =
            engine.process(Some(&input), &mut out).map_err(|e| AudioError::Config(format!("resampler: {e}")))?;
        response.extend_from_slice(&out[..n]);
        input.fill(0.0);
        if response.len() > 2 * reported + 256 {
            break;
        }
    }
    let peak = (0..response.len()).max_by(|&a, &b| response[a].abs().total_cmp(&response[b].abs()));
    Ok(peak.unwrap_or(0))
}

fn gcd(mut a: u32, mut b: u32) -> u32 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resample_all(x: &[f32], from: u32, to: u32, chunk: usize) -> Vec<f32> {
        let mut rs = StreamResampler::new(from, to).unwrap();
        let mut out = Vec::new();
        for c in x.chunks(chunk.max(1)) {
            rs.push(c, &mut out).unwrap();
        }
        rs.finish(&mut out).unwrap();
        out
    }

    fn tone(rate: u32, hz: f32, seconds: f32) -> Vec<f32> {
        (0..(rate as f32 * seconds) as usize)
            .map(|i| (2.0 * std::f32::consts::PI * hz * i as f32 / rate as f32).sin() * 0.5)
            .collect()
    }

    #[test]
    fn lengths_are_exact_for_fft_and_sinc_paths() {
        for from in [8_000u32, 9_973, 11_025, 22_050, 44_100, 48_000, 96_000] {
            for n in [1usize, 100, 4_321, 20_000] {
                let x = vec![0.1f32; n];
                let y = resample_all(&x, from, 16_000, 777);
                assert_eq!(y.len() as u64, (n as u64 * 16_000).div_ceil(from as u64), "{from} Hz, {n} samples");
            }
        }
    }

    /// Amplitude and lag (in output samples, positive = late) of a 1 kHz tone in `y` at 16 kHz,
    /// from its correlation with a sine and a cosine over the middle of the clip.
    fn amplitude_and_lag(y: &[f32]) -> (f64, f64) {
        let w = 2.0 * std::f64::consts::PI * 1000.0 / 16_000.0;
        let range = 2000..y.len() - 2000;
        let n = range.len() as f64;
        let (s, c) = range.fold((0.0, 0.0), |(s, c), j| {
            (s + y[j] as f64 * (w * j as f64).sin(), c + y[j] as f64 * (w * j as f64).cos())
        });
        (2.0 * s.hypot(c) / n, c.atan2(s) / w)
    }

    #[test]
    fn tone_keeps_its_amplitude_and_an_impulse_keeps_its_time() {
        for from in [8_000u32, 9_973, 11_025, 37_800, 44_100, 96_000, 192_000] {
            // A 1 kHz tone keeps its amplitude, and its phase to within half an output sample (a
            // fractional latency, e.g. decimating by 12, cannot be removed by skipping samples).
            let (amp, lag) = amplitude_and_lag(&resample_all(&tone(from, 1000.0, 1.0), from, 16_000, 1000));
            assert!((amp - 0.5).abs() < 0.005, "{from} Hz: amplitude {amp}");
            assert!(lag.abs() <= 0.501, "{from} Hz: lag {lag} samples");
            // A click at 0.5 s stays at 0.5 s (within one output sample).
            let mut click = vec![0.0f32; from as usize];
            click[from as usize / 2] = 1.0;
            let y = resample_all(&click, from, 16_000, 333);
            let peak = (0..y.len()).max_by(|&a, &b| y[a].abs().total_cmp(&y[b].abs())).unwrap();
            assert!((peak as i64 - 8000).abs() <= 1, "{from} Hz: click at {peak}");
        }
    }

    #[test]
    fn chunking_does_not_change_the_output() {
        let x = tone(44_100, 440.0, 0.7);
        let a = resample_all(&x, 44_100, 16_000, 1);
        let b = resample_all(&x, 44_100, 16_000, 50_000);
        assert_eq!(a, b);
    }
}
