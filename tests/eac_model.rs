//! The EAC network's structure, before any training: sizes, look-ahead, locality, and streaming
//! that gives the same numbers as offline inference on real speech.

use emotalk::audio::{self, MelConfig, log_mel};
use emotalk::emotion::space::EmotionEmbedding;
use emotalk::face::EmotionPreset;
use emotalk::model::eac::frames::{CHUNK_FRAMES, n_output_frames};
use emotalk::model::eac::streaming::EacStream;
use emotalk::model::eac::{Eac, EacConfig, EacConfigError};

type B = burn::backend::Flex;

fn model(config: &EacConfig) -> Eac<B> {
    <B as burn::prelude::Backend>::seed(&Default::default(), 5);
    config.init(&Default::default())
}

fn speech() -> Vec<f32> {
    audio::load("../shared/data/speech/alsa_Front_Center.wav").unwrap().samples
}

fn max_diff(a: &[[f32; 52]], b: &[[f32; 52]]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().flatten().zip(b.iter().flatten()).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

#[test]
fn sizes_and_lookahead_are_as_documented() {
    let config = EacConfig::new();
    assert!(config.check().is_ok());
    assert_eq!(config.context_width(), 9 * 80);
    assert_eq!(config.lookahead_ms(), 140.0);
    assert!(config.lookahead_ms() <= 150.0);
    let eac = model(&config);
    let params = eac.parameter_count();
    eprintln!("EAC parameters at the defaults: {params}");
    assert!(params * 4 < 10_000_000, "{params} parameters do not fit 10 MB as f32");
    let e = EacConfig::new().with_heads(5).check().unwrap_err();
    assert_eq!(e, EacConfigError::HeadsDoNotDivide { d_model: 128, heads: 5 });
    let e = EacConfig::new().with_fps(0.0).check().unwrap_err();
    assert!(matches!(e, EacConfigError::OutOfRange { field: "fps", .. }) && e.to_string().contains("fps"), "{e}");
    assert_eq!(EacConfig::new().with_layers(0).check().unwrap_err(), EacConfigError::ZeroSize { field: "layers" });
}

#[test]
fn offline_chunks_and_streaming_give_the_same_frames() {
    // With the emotion prior, as the shipped weights run.
    let config = EacConfig::new().with_dropout(0.0).with_emotion_prior(true);
    let eac = model(&config);
    let device = Default::default();
    // 12 s of real speech (the clip repeated), longer than one offline chunk.
    let one = speech();
    let samples: Vec<f32> = one.iter().cycle().take(16_000 * 12).copied().collect();
    let mel = log_mel(&samples, &MelConfig::default()).unwrap();
    let emotion = EmotionEmbedding::preset(EmotionPreset::Happy);
    let track = eac.infer(&mel, &config, &emotion, 2.0, &device);
    assert_eq!(track.frames.len(), n_output_frames(mel.n_frames(), 25.0));
    assert!(track.frames.len() > CHUNK_FRAMES);
    assert!(track.frames.iter().flatten().all(|v| (0.0..=1.0).contains(v)));

    // Streaming, in uneven chunks, gives the same frames (and so offline's chunk seams are
    // exact too: the two cut the line in different places).
    let mut stream = EacStream::new(&eac, &config, emotion, 2.0, &device).unwrap();
    let mut streamed = Vec::new();
    let mut pos = 0;
    let mut k = 0;
    let mut most_held = 0;
    while pos < samples.len() {
        let n = [160, 777, 3200, 1, 16_000][k % 5];
        let end = (pos + n).min(samples.len());
        streamed.extend(stream.push(&samples[pos..end]));
        most_held = most_held.max(stream.mel_rows_held());
        // Never more than the look-ahead behind the audio.
        let heard_s = end as f64 / 16_000.0;
        let behind_ms = (heard_s - stream.emitted() as f64 / 25.0) * 1000.0;
        assert!(behind_ms <= config.lookahead_ms() + 40.0 + 1.0, "{behind_ms} ms behind at {heard_s} s");
        pos = end;
        k += 1;
    }
    streamed.extend(stream.finish());
    let d = max_diff(&streamed, &track.frames);
    eprintln!("streaming vs offline: max difference {d:e}; mel rows held at most {most_held}");
    assert!(d < 1e-5, "{d}");
    assert!(most_held < 200, "{most_held}");
}

#[test]
fn a_frame_depends_only_on_its_receptive_field() {
    let config = EacConfig::new().with_dropout(0.0);
    let eac = model(&config);
    let device = Default::default();
    let samples: Vec<f32> = speech().iter().cycle().take(16_000 * 3).copied().collect();
    let mel = log_mel(&samples, &MelConfig::default()).unwrap();
    let emotion = EmotionEmbedding::preset(EmotionPreset::Neutral);
    let base = eac.infer(&mel, &config, &emotion, 2.0, &device);
    // Change the audio from 2.0 s on: frames before 2.0 s minus the look-ahead stay the same,
    // and frames after change.
    let mut changed = samples.clone();
    changed[32_000..].iter_mut().for_each(|s| *s = -*s * 0.3 + 0.01);
    let other = eac.infer(&log_mel(&changed, &MelConfig::default()).unwrap(), &config, &emotion, 2.0, &device);
    let first_affected = ((2.0 - config.lookahead_ms() / 1000.0) * 25.0).floor() as usize;
    assert!(max_diff(&base.frames[..first_affected], &other.frames[..first_affected]) == 0.0);
    assert!(max_diff(&base.frames[55..], &other.frames[55..]) > 1e-4);
}

#[test]
fn emotion_and_intensity_reach_the_output() {
    let config = EacConfig::new().with_dropout(0.0);
    let eac = model(&config);
    let device = Default::default();
    let mel = log_mel(&speech()[..16_000], &MelConfig::default()).unwrap();
    let happy = EmotionEmbedding::preset(EmotionPreset::Happy);
    let sad = EmotionEmbedding::preset(EmotionPreset::Sad);
    let a = eac.infer(&mel, &config, &happy, 1.0, &device);
    let b = eac.infer(&mel, &config, &sad, 1.0, &device);
    let c = eac.infer(&mel, &config, &happy, 3.0, &device);
    assert!(max_diff(&a.frames, &b.frames) > 1e-4);
    assert!(max_diff(&a.frames, &c.frames) > 1e-4);
    assert_eq!(a.sigma.len(), config.d_model);
    assert_ne!(a.sigma, c.sigma, "sigma' follows the intensity");
}

#[test]
fn the_emotion_prior_puts_the_emotions_face_under_any_speech() {
    let device = Default::default();
    let mel = log_mel(&speech(), &MelConfig::default()).unwrap();
    let disgust = EmotionEmbedding::preset(EmotionPreset::Disgusted);
    let face = EmotionPreset::Disgusted.weights(2.5);
    let config = EacConfig::new().with_dropout(0.0);
    // The same untrained weights, without and with the prior.
    let plain = model(&config);
    assert!(!plain.emotion_prior());
    // (Run first: burn initialises parameters lazily, and a clone made before would draw its own.)
    let a = plain.infer(&mel, &config, &disgust, 2.5, &device);
    let with = plain.clone().with_emotion_prior(true);
    let b = with.infer(&mel, &config.clone().with_emotion_prior(true), &disgust, 2.5, &device);
    // Composed by the targets' rule: every channel at least the emotion's (the lips' parting
    // and mouthClose follow the speech's seal), and at least what the network said.
    let sealed = ["mouthClose", "mouthUpperUpLeft", "mouthUpperUpRight", "mouthLowerDownLeft", "mouthLowerDownRight"]
        .map(|n| emotalk::face::blendshapes::index_of(n).unwrap());
    // The jaw stays the network's (`prior::prior_face`).
    let jaw = emotalk::face::blendshapes::index_of("jawOpen").unwrap();
    assert!(a.frames.iter().zip(&b.frames).all(|(x, y)| (x[jaw] - y[jaw]).abs() < 1e-6));
    let sneer = emotalk::face::blendshapes::index_of("noseSneerLeft").unwrap();
    for (x, y) in a.frames.iter().zip(&b.frames) {
        for k in (0..52).filter(|k| !sealed.contains(k) && *k != jaw) {
            assert!(
                y[k] >= face[k] - 1e-5 && y[k] >= x[k] - 1e-5,
                "channel {k}: {} from {} and {}",
                y[k],
                x[k],
                face[k]
            );
        }
    }
    // Without it an untrained network knows nothing of disgust.
    let mean =
        |t: &emotalk::anim::ExpressionTrack| t.frames.iter().map(|f| f[sneer]).sum::<f32>() / t.frames.len() as f32;
    assert!(face[sneer] > 0.4 && mean(&b) >= face[sneer] && mean(&a) < face[sneer] - 0.1, "{} {}", mean(&a), mean(&b));
}
