//! Live voice: audio that arrives as it is spoken (a microphone, or a file played at its own
//! pace) drives the streaming EAC ([`crate::model::eac::streaming`]) on a thread of its own, and
//! expression frames come out as soon as the audio they depend on is there.
//!
//! ```text
//! input (callback thread) ──SourceEvent──▶ pipeline thread ──PipelineEvent──▶ the game
//!   Microphone (cpal)                    resample to 16 kHz      LiveFrame: 52 weights,
//!   VirtualInput (a file)                EacStream (140 ms        when its audio was heard,
//!                                        look-ahead)              when it was ready
//! ```
//!
//! Both channels are crossbeam channels; the pipeline also takes emotion changes
//! ([`LivePipeline::set_emotion`]), which apply from the next frame it computes. An input that
//! fails (a microphone unplugged) reports [`SourceEvent::Lost`]: the pipeline emits the frames its
//! audio still completes, then [`PipelineEvent::SourceLost`] with the reason; nothing panics.
//!
//! **Latency.** Every [`LiveFrame`] carries the instant at which the audio at its own time
//! entered the input callback (`heard`) and the instant it was ready (`ready`). `ready − heard`
//! is the look-ahead (the frame also needs the audio after it), the input's buffering (a chunk
//! reaches the callback whole) and the compute; a renderer shows the frame on its next frame, so
//! the face reflects a sample `ready − heard` plus at most one display frame after it was heard.
//! `emotalk live` measures it (BENCHMARKS.md).
//!
//! The frames equal the offline [`crate::model::eac::Eac::infer`] of the same 16 kHz audio
//! (`tests/live.rs`); audio at another rate goes through the streaming resampler
//! ([`crate::audio::resample::StreamResampler`]), which matches the offline one to its own
//! tolerance.

#[cfg(feature = "mic")]
pub mod mic;

use std::collections::VecDeque;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use burn::prelude::Backend;
use crossbeam_channel::{Receiver, Sender, select};

use crate::audio::AudioError;
use crate::audio::resample::StreamResampler;
use crate::emotion::space::EmotionEmbedding;
use crate::face::blendshapes::N_BLENDSHAPES;
use crate::model::eac::saved::EacModel;
use crate::model::eac::streaming::EacStream;

/// The rate EAC hears at.
pub const EAC_RATE: u32 = 16_000;

/// The look-ahead live input runs with, ms: the shipped EAC looks one frame less ahead than it
/// was trained to (`EacModel::with_lookahead_ms`; 140 → 100 ms), so that capture to face stays
/// under 150 ms with a display frame on top, for a pooled lip-sync r of 0.813 instead of 0.816
/// (BENCHMARKS.md, "Live voice latency").
pub const LIVE_LOOKAHEAD_MS: f64 = 100.0;

/// Audio as an input delivers it: one callback's worth.
#[derive(Debug, Clone)]
pub struct AudioChunk {
    /// Mono samples (−1 to 1).
    pub samples: Vec<f32>,
    /// Their rate in Hz.
    pub rate: u32,
    /// When the chunk entered the input callback.
    pub heard: Instant,
}

/// What an input sends the pipeline.
#[derive(Debug, Clone)]
pub enum SourceEvent {
    /// More audio.
    Audio(AudioChunk),
    /// The input ended (a file played out, a recording stopped).
    Ended,
    /// The input failed (a device unplugged); the reason.
    Lost(String),
}

/// What the pipeline sends the game.
#[derive(Debug, Clone)]
pub enum PipelineEvent {
    /// A frame.
    Frame(LiveFrame),
    /// The input failed after the frames its audio completed; the reason.
    SourceLost(String),
    /// The input ended and every frame is out.
    Ended,
}

/// One expression frame of live audio.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveFrame {
    /// Its index (frame `k` is at `k / fps` seconds of audio).
    pub index: usize,
    /// The 52 ARKit blendshape weights.
    pub weights: [f32; N_BLENDSHAPES],
    /// When the audio at this frame's own time entered the input callback (with the rest of its
    /// chunk).
    pub heard: Instant,
    /// When that audio was captured: `heard` less the time its chunk went on filling after it.
    pub captured: Instant,
    /// When the frame was ready.
    pub ready: Instant,
}

impl LiveFrame {
    /// `ready − heard`: from the frame's audio entering the input callback to the frame being
    /// ready.
    pub fn latency(&self) -> Duration {
        self.ready.saturating_duration_since(self.heard)
    }

    /// `ready − captured`: from the frame's audio being captured (spoken) to the frame being
    /// ready; the input's buffering included.
    pub fn latency_from_capture(&self) -> Duration {
        self.ready.saturating_duration_since(self.captured)
    }
}

/// Errors of live input.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum LiveError {
    /// The host has no audio input device.
    #[error("no audio input device on the {host} host: connect a microphone, or play a file instead (`emotalk live --audio FILE`)")]
    NoInputDevice {
        /// The audio host (ALSA, CoreAudio, WASAPI, …).
        host: String,
    },
    /// No input device has this name.
    #[error("no audio input device named {name:?}; the host has: {available}")]
    NoSuchDevice {
        /// The name asked for.
        name: String,
        /// The devices there are, comma-separated.
        available: String,
    },
    /// The device refused to open or to start.
    #[error("audio input device {device:?}: {message}")]
    Device {
        /// The device.
        device: String,
        /// What went wrong.
        message: String,
    },
    /// The audio could not be resampled or analysed.
    #[error(transparent)]
    Audio(#[from] AudioError),
    /// The pipeline thread ended abnormally.
    #[error("the live pipeline thread stopped: {0}")]
    Thread(String),
}

/// How a [`VirtualInput`] delivers its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pace {
    /// Each chunk when a microphone would have delivered it (the file takes its own duration).
    RealTime,
    /// As fast as the pipeline takes them (tests, offline use).
    Unpaced,
}

/// An input that plays samples as if they were being spoken: chunks of `chunk` duration from a
/// thread of its own, each stamped when it is sent, then [`SourceEvent::Ended`].
pub struct VirtualInput {
    stop: Arc<AtomicBool>,
    handle: Option<JoinHandle<()>>,
}

impl VirtualInput {
    /// Starts playing `samples` (mono, `rate` Hz) into `tx`.
    pub fn play(samples: Vec<f32>, rate: u32, chunk: Duration, pace: Pace, tx: Sender<SourceEvent>) -> Self {
        let stop = Arc::new(AtomicBool::new(false));
        let halt = stop.clone();
        let per_chunk = ((chunk.as_secs_f64() * rate as f64).round() as usize).max(1);
        let handle = std::thread::Builder::new()
            .name("emotalk-virtual-input".into())
            .spawn(move || {
                let start = Instant::now();
                for (k, piece) in samples.chunks(per_chunk).enumerate() {
                    if halt.load(Ordering::Relaxed) {
                        break;
                    }
                    if pace == Pace::RealTime {
                        // A device delivers a chunk once its last sample has been captured.
                        let due = start + Duration::from_secs_f64(((k * per_chunk + piece.len()) as f64) / rate as f64);
                        if let Some(wait) = due.checked_duration_since(Instant::now()) {
                            std::thread::sleep(wait);
                        }
                    }
                    let chunk = AudioChunk { samples: piece.to_vec(), rate, heard: Instant::now() };
                    if tx.send(SourceEvent::Audio(chunk)).is_err() {
                        return;
                    }
                }
                let _ = tx.send(SourceEvent::Ended);
            })
            .expect("spawning a thread");
        Self { stop, handle: Some(handle) }
    }

    /// Stops early (the pipeline sees the input end).
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
    }
}

impl Drop for VirtualInput {
    fn drop(&mut self) {
        self.stop();
    }
}

enum Control {
    Emotion(EmotionEmbedding, f32),
}

/// The streaming EAC on a thread of its own, fed by an input's [`SourceEvent`]s (see the module
/// docs).
pub struct LivePipeline {
    events: Receiver<PipelineEvent>,
    control: Sender<Control>,
    handle: Option<JoinHandle<Result<(), LiveError>>>,
    fps: f64,
}

impl LivePipeline {
    /// Starts the pipeline: `model` infers with `emotion` at `intensity` on `device`, from the
    /// audio `source` delivers (any rate, mono).
    pub fn spawn<B>(
        model: EacModel<B>,
        emotion: EmotionEmbedding,
        intensity: f32,
        device: B::Device,
        source: Receiver<SourceEvent>,
    ) -> Self
    where
        B: Backend,
        EacModel<B>: Send + 'static,
        B::Device: Send + 'static,
    {
        let (tx, events) = crossbeam_channel::unbounded();
        let (control, control_rx) = crossbeam_channel::unbounded();
        let fps = model.config.fps;
        let handle = std::thread::Builder::new()
            .name("emotalk-live-eac".into())
            .spawn(move || run(model, emotion, intensity, device, source, control_rx, tx))
            .expect("spawning a thread");
        Self { events, control, handle: Some(handle), fps }
    }

    /// Frames per second of the frames.
    pub fn fps(&self) -> f64 {
        self.fps
    }

    /// Changes the emotion from the next frame computed.
    pub fn set_emotion(&self, emotion: EmotionEmbedding, intensity: f32) {
        let _ = self.control.send(Control::Emotion(emotion, intensity));
    }

    /// The events ready now, without waiting.
    pub fn try_events(&self) -> impl Iterator<Item = PipelineEvent> + '_ {
        self.events.try_iter()
    }

    /// The next event, waiting at most `timeout`.
    pub fn recv_timeout(&self, timeout: Duration) -> Option<PipelineEvent> {
        self.events.recv_timeout(timeout).ok()
    }

    /// Waits for the pipeline thread to end (after its input ended or was lost).
    pub fn join(mut self) -> Result<(), LiveError> {
        match self.handle.take().map(JoinHandle::join) {
            Some(Ok(result)) => result,
            Some(Err(_)) => Err(LiveError::Thread("it panicked".into())),
            None => Ok(()),
        }
    }
}

/// When each stretch of 16 kHz audio was heard: `(samples up to the end of a chunk, instant)`.
struct HeardLog {
    chunks: VecDeque<(u64, Instant)>,
    total: u64,
}

impl HeardLog {
    fn push(&mut self, n: usize, heard: Instant) {
        self.total += n as u64;
        self.chunks.push_back((self.total, heard));
    }

    /// When 16 kHz sample `s` was heard (the last chunk's instant past the end) and captured
    /// (that instant less the samples after it in its chunk); forgets the chunks before it
    /// (frames come in order).
    fn heard(&mut self, s: u64) -> Option<(Instant, Instant)> {
        while self.chunks.len() > 1 && self.chunks[0].0 <= s {
            self.chunks.pop_front();
        }
        self.chunks.front().map(|&(end, heard)| {
            let after = Duration::from_secs_f64(end.saturating_sub(s) as f64 / EAC_RATE as f64);
            (heard, heard.checked_sub(after).unwrap_or(heard))
        })
    }
}

fn run<B: Backend>(
    model: EacModel<B>,
    emotion: EmotionEmbedding,
    intensity: f32,
    device: B::Device,
    source: Receiver<SourceEvent>,
    control: Receiver<Control>,
    out: Sender<PipelineEvent>,
) -> Result<(), LiveError> {
    let mut stream = EacStream::new(&model.net, &model.config, emotion, intensity, &device)?;
    let fps = model.config.fps;
    let mut resampler: Option<StreamResampler> = None;
    let mut log = HeardLog { chunks: VecDeque::new(), total: 0 };
    let mut resampled = Vec::new();
    let emit = |frames: Vec<[f32; N_BLENDSHAPES]>, first: usize, log: &mut HeardLog| {
        let ready = Instant::now();
        for (j, weights) in frames.into_iter().enumerate() {
            let index = first + j;
            let s = (index as f64 / fps * EAC_RATE as f64) as u64;
            let (heard, captured) = log.heard(s).unwrap_or((ready, ready));
            if out.send(PipelineEvent::Frame(LiveFrame { index, weights, heard, captured, ready })).is_err() {
                return false;
            }
        }
        true
    };
    loop {
        select! {
            recv(control) -> msg => match msg {
                Ok(Control::Emotion(e, mu)) => stream.set_emotion(e, mu),
                // The pipeline's owner is gone: nobody reads the frames.
                Err(_) => return Ok(()),
            },
            recv(source) -> event => {
                let lost = match event {
                    Ok(SourceEvent::Audio(chunk)) => {
                        let samples: &[f32] = if chunk.rate == EAC_RATE {
                            &chunk.samples
                        } else {
                            if resampler.as_ref().is_none_or(|r| r.in_rate() != chunk.rate) {
                                resampler = Some(StreamResampler::new(chunk.rate, EAC_RATE)?);
                            }
                            resampled.clear();
                            if let Some(r) = resampler.as_mut() {
                                r.push(&chunk.samples, &mut resampled)?;
                            }
                            &resampled
                        };
                        log.push(samples.len(), chunk.heard);
                        let first = stream.emitted();
                        let frames = stream.push(samples);
                        if !emit(frames, first, &mut log) {
                            return Ok(());
                        }
                        continue;
                    }
                    Ok(SourceEvent::Ended) | Err(_) => None,
                    Ok(SourceEvent::Lost(reason)) => Some(reason),
                };
                // The input is over: the resampler's tail, then the stream's last frames.
                if let Some(r) = resampler.as_mut() {
                    resampled.clear();
                    r.finish(&mut resampled)?;
                    let heard = log.chunks.back().map(|c| c.1).unwrap_or_else(Instant::now);
                    log.push(resampled.len(), heard);
                    let first = stream.emitted();
                    let frames = stream.push(&resampled);
                    emit(frames, first, &mut log);
                }
                let first = stream.emitted();
                let frames = stream.finish();
                emit(frames, first, &mut log);
                let _ = out.send(match lost {
                    Some(reason) => PipelineEvent::SourceLost(reason),
                    None => PipelineEvent::Ended,
                });
                return Ok(());
            }
        }
    }
}

/// Latency statistics of a run of frames (milliseconds).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct LatencyStats {
    /// Frames measured.
    pub frames: usize,
    /// Median [`LiveFrame::latency`] (from the input callback).
    pub median_ms: f64,
    /// Its 95th percentile.
    pub p95_ms: f64,
    /// Its largest.
    pub max_ms: f64,
    /// Median [`LiveFrame::latency_from_capture`] (the input's buffering included).
    pub from_capture_median_ms: f64,
    /// Its largest.
    pub from_capture_max_ms: f64,
}

impl LatencyStats {
    /// Over `frames` (`None` when empty).
    pub fn of(frames: &[LiveFrame]) -> Option<Self> {
        let sorted = |f: fn(&LiveFrame) -> Duration| {
            let mut ms: Vec<f64> = frames.iter().map(|x| f(x).as_secs_f64() * 1000.0).collect();
            ms.sort_by(f64::total_cmp);
            ms
        };
        let (ms, cap) = (sorted(LiveFrame::latency), sorted(LiveFrame::latency_from_capture));
        if ms.is_empty() {
            return None;
        }
        let at = |v: &[f64], q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
        Some(Self {
            frames: ms.len(),
            median_ms: at(&ms, 0.5),
            p95_ms: at(&ms, 0.95),
            max_ms: ms[ms.len() - 1],
            from_capture_median_ms: at(&cap, 0.5),
            from_capture_max_ms: cap[cap.len() - 1],
        })
    }
}
