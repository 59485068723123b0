//! The synthetic EAC corpus (`emotalk-train synth`): seeded sentences ([`super::sentences`])
//! spoken by TTS voices with exact phone timings ([`super::tts`]), augmented
//! ([`super::augment`]), each with an emotion and an intensity, written as 16 kHz WAV files, phone
//! tables and a manifest.
//!
//! The targets are not stored: a trainer derives them from the phones through the viseme table
//! and coarticulation of [`crate::face::visemes`], combined with the emotion's face at its
//! intensity ([`crate::face::visemes::with_emotion`]), so the corpus stays small and a better
//! target model needs no new audio.
//!
//! # Manifest
//! JSON lines in `manifest.jsonl`, one clip each, paths relative to the manifest's folder
//! ([`ManifestEntry`]):
//! ```text
//! {"audio":"clips/00000.wav","phones":"clips/00000.phones.tsv","emotion":"furious","intensity":2.1,
//!  "voice":"flite:awb","text":"Bob bought the map.","stretch":1.1,"augmentation":{...}}
//! ```
//! A recorded corpus such as MEAD converts to the same format: `audio`, `emotion` (its label) and
//! `intensity` (its level 1–3), and in place of `phones` a `targets` CSV of per-frame blendshapes
//! (a header `t` plus ARKit names, as `emotalk coeffs` writes) from a face tracker.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use rand::seq::IndexedRandom;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::augment::Augmentation;
use super::sentences::sentence;
use super::tts::{TtsError, Voice, synthesize};
use crate::face::visemes::TimedPhone;

/// One clip of a corpus manifest.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ManifestEntry {
    /// The audio file, relative to the manifest's folder.
    pub audio: PathBuf,
    /// Its phone table (`start end phone`, tab-separated, with a header), if targets come from
    /// phones.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phones: Option<PathBuf>,
    /// A per-frame blendshape CSV, if targets were recorded (a MEAD-style corpus).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub targets: Option<PathBuf>,
    /// The emotion, as any text spec (`"furious"`, `"sadly surprised"`, `"neutral"`).
    pub emotion: String,
    /// Its intensity (0–3); when absent, the one the text implies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub intensity: Option<f32>,
    /// The voice that spoke it (`flite:slt`), for splits by voice.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
    /// The words.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// The TTS duration stretch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stretch: Option<f32>,
    /// The augmentation applied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub augmentation: Option<Augmentation>,
}

/// Emotion texts the generator draws from (besides `neutral`): class names, lexicon words of
/// each family, and compounds, so that the conditioning covers the space rather than 8 points.
pub const EMOTION_TEXTS: &[&str] = &[
    "happy",
    "sad",
    "angry",
    "surprised",
    "fearful",
    "disgusted",
    "contemptuous",
    "cheerful",
    "delighted",
    "amused",
    "gloomy",
    "miserable",
    "heartbroken",
    "furious",
    "irritated",
    "annoyed",
    "astonished",
    "amazed",
    "terrified",
    "anxious",
    "nervous",
    "repulsed",
    "smug",
    "scornful",
    "sadly surprised",
    "happily surprised",
    "angrily disgusted",
    "fearfully surprised",
    "bitter",
    "calm",
    "content",
    "proud",
    "bored",
    "tired",
];

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthOptions {
    /// Number of clips.
    pub clips: usize,
    /// Seed of everything random (clip `i` uses its own generator seeded from this and `i`, so the
    /// result does not depend on the number of threads).
    pub seed: u64,
    /// Voices, used in turn.
    pub voices: Vec<Voice>,
    /// Whether to augment the audio.
    pub augment: bool,
    /// Share of clips that are neutral.
    pub neutral_share: f64,
    /// Worker threads.
    pub threads: usize,
}

/// Why a corpus could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SynthError {
    /// A TTS program failed.
    #[error(transparent)]
    Tts(#[from] TtsError),
    /// A file could not be written or read back.
    #[error("{path}: {message}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The options cannot work.
    #[error("{0}")]
    Options(String),
    /// A WAV file could not be written.
    #[error("{path}: {source}")]
    Wav {
        /// The file.
        path: PathBuf,
        /// What the WAV writer said.
        #[source]
        source: hound::Error,
    },
    /// A file could not be written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },
}

/// The seed of clip `i`'s generator.
fn clip_seed(seed: u64, i: usize) -> u64 {
    seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ (i as u64).wrapping_mul(0xD1B5_4A32_D192_ED03)
}

/// Writes a corpus of `options.clips` clips under `out` (`clips/`, `manifest.jsonl`) and returns
/// its manifest. `progress` is called once per finished clip.
pub fn generate(
    out: &Path,
    options: &SynthOptions,
    progress: impl Fn() + Sync,
) -> Result<Vec<ManifestEntry>, SynthError> {
    if options.voices.is_empty() || options.clips == 0 {
        return Err(SynthError::Options("need at least one voice and one clip".into()));
    }
    let clips_dir = out.join("clips");
    std::fs::create_dir_all(&clips_dir)
        .map_err(|e| SynthError::File { path: clips_dir.clone(), message: e.to_string() })?;
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<ManifestEntry, SynthError>>>> =
        Mutex::new((0..options.clips).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..options.threads.max(1) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= options.clips {
                        break;
                    }
                    let r = make_clip(out, i, options);
                    let failed = r.is_err();
                    if let Ok(mut all) = results.lock() {
                        all[i] = Some(r);
                    }
                    progress();
                    if failed {
                        // Stop handing out work; the first error is reported.
                        next.store(options.clips, Ordering::Relaxed);
                    }
                }
            });
        }
    });
    let results = results.into_inner().map_err(|_| SynthError::Options("a worker panicked".into()))?;
    let entries = results.into_iter().flatten().collect::<Result<Vec<_>, _>>()?;
    let manifest = out.join("manifest.jsonl");
    crate::io::write_atomically(&manifest, |w| {
        for e in &entries {
            serde_json::to_writer(&mut *w, e)?;
            w.write_all(b"\n")?;
        }
        Ok(())
    })
    .map_err(|e| SynthError::File { path: manifest, message: e.to_string() })?;
    Ok(entries)
}

/// Makes clip `i`.
fn make_clip(out: &Path, i: usize, options: &SynthOptions) -> Result<ManifestEntry, SynthError> {
    let mut rng = ChaCha8Rng::seed_from_u64(clip_seed(options.seed, i));
    let voice = options.voices[i % options.voices.len()];
    let text = sentence(&mut rng);
    let stretch = (rng.random_range(0.8f32..1.3) * 100.0).round() / 100.0;
    let (emotion, intensity) = if rng.random_bool(options.neutral_share.clamp(0.0, 1.0)) {
        ("neutral".to_string(), 0.0)
    } else {
        let text = EMOTION_TEXTS.choose(&mut rng).copied().unwrap_or("happy").to_string();
        (text, (rng.random_range(0.5f32..3.0) * 100.0).round() / 100.0)
    };
    let augmentation = if options.augment { Augmentation::random(&mut rng) } else { Augmentation::NONE };
    let stem = format!("{i:05}");
    let raw = out.join("clips").join(format!("{stem}.tts.wav"));
    let phones = synthesize(voice, &text, stretch, &raw)?;
    let file_err = |path: &Path, message: String| SynthError::File { path: path.to_path_buf(), message };
    let decoded = crate::audio::load(&raw).map_err(|e| file_err(&raw, e.to_string()))?;
    let _ = std::fs::remove_file(&raw);
    let samples = augmentation.apply(&decoded.samples, &mut rng);
    let audio = PathBuf::from("clips").join(format!("{stem}.wav"));
    write_wav(&out.join(&audio), &samples)?;
    let phones_path = PathBuf::from("clips").join(format!("{stem}.phones.tsv"));
    let scaled: Vec<TimedPhone> = phones
        .into_iter()
        .map(|p| TimedPhone { start: p.start / augmentation.speed, end: p.end / augmentation.speed, phone: p.phone })
        .collect();
    write_phones(&out.join(&phones_path), &scaled)?;
    Ok(ManifestEntry {
        audio,
        phones: Some(phones_path),
        targets: None,
        emotion,
        intensity: Some(intensity),
        voice: Some(voice.label()),
        text: Some(text),
        stretch: Some(stretch),
        augmentation: options.augment.then_some(augmentation),
    })
}

/// Writes 16 kHz mono 16-bit PCM (an error is [`SynthError::Wav`], naming `path`).
pub fn write_wav(path: &Path, samples: &[f32]) -> Result<(), SynthError> {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: crate::audio::SAMPLE_RATE,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let err = |source: hound::Error| SynthError::Wav { path: path.to_path_buf(), source };
    let mut w = hound::WavWriter::create(path, spec).map_err(err)?;
    for s in samples {
        w.write_sample((s.clamp(-1.0, 1.0) * 32767.0).round() as i16).map_err(err)?;
    }
    w.finalize().map_err(err)
}

/// Writes a phone table that [`crate::face::visemes::read_phones_tsv`] reads (an error is
/// [`SynthError::Io`], naming `path`).
pub fn write_phones(path: &Path, phones: &[TimedPhone]) -> Result<(), SynthError> {
    let mut text = String::from("start_s\tend_s\tphone\n");
    for p in phones {
        text.push_str(&format!("{:.4}\t{:.4}\t{}\n", p.start, p.end, p.phone));
    }
    std::fs::write(path, text).map_err(|source| SynthError::Io { path: path.to_path_buf(), source })
}

/// Reads a manifest (JSON lines; blank lines skipped); errors name the line.
pub fn read_manifest(path: &Path) -> Result<Vec<ManifestEntry>, SynthError> {
    let text =
        std::fs::read_to_string(path).map_err(|e| SynthError::File { path: path.into(), message: e.to_string() })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, l)| {
            serde_json::from_str::<ManifestEntry>(l)
                .map_err(|e| SynthError::File { path: path.into(), message: format!("line {}: {e}", n + 1) })
        })
        .collect()
}
