//! The audio emotion encoder: honest about having no weights, trainable, saved and loaded
//! exactly, and broken weight files are typed errors.
//!
//! No labelled emotional speech exists offline, so training is shown on synthetic voices whose
//! prosody differs the way aroused and subdued speech differ (pitch, range, rate, loudness,
//! tilt): a stand-in that checks the training path, not a claim about real voices.

use emotalk::emotion::audio::{AudioEmotionEncoder, read_voice, voice_features};
use emotalk::emotion::{EmotionEncoders, EmotionSpec, Lexicon, parse_spec, read_spec};
use emotalk::face::EmotionPreset;
use emotalk::model::audio_emotion::{AudioEmotionConfig, AudioEmotionNet, ModelFileError};
use emotalk::train::audio_emotion::{Example, TrainOptions, evaluate, train};
use rand::{Rng, SeedableRng};

type B = burn::backend::Flex;
type AB = burn::backend::Autodiff<B>;

/// A voice-like signal: syllables of harmonic tone with a pitch contour, separated by pauses.
fn voice(rng: &mut impl Rng, aroused: bool) -> Vec<f32> {
    let (f0, range, rate, gain, tilt) = if aroused {
        (
            rng.random_range(210.0..280.0),
            rng.random_range(5.0..9.0),
            rng.random_range(4.5..6.0),
            rng.random_range(0.4..0.7),
            0.8,
        )
    } else {
        (
            rng.random_range(95.0..130.0),
            rng.random_range(0.5..2.5),
            rng.random_range(2.0..3.0),
            rng.random_range(0.05..0.12),
            2.0,
        )
    };
    let sr = 16_000.0f32;
    let n = (2.0 * sr) as usize;
    let syllable = 1.0 / rate;
    let mut phase = 0.0f32;
    (0..n)
        .map(|i| {
            let t = i as f32 / sr;
            let pos = (t % syllable) / syllable;
            let env = if pos < 0.65 { (std::f32::consts::PI * pos / 0.65).sin() } else { 0.0 };
            let f = f0 * 2f32.powf(range / 12.0 * (2.0 * std::f32::consts::PI * 0.7 * t).sin() / 2.0);
            phase += 2.0 * std::f32::consts::PI * f / sr;
            let tone: f32 = (1..=12).map(|k| (k as f32 * phase).sin() / (k as f32).powf(tilt)).sum();
            gain * env * tone * 0.5 + 0.002 * rng.random_range(-1.0f32..1.0)
        })
        .collect()
}

fn example(rng: &mut impl Rng, aroused: bool) -> Example {
    let label = if aroused { "angry" } else { "sad" };
    let target = read_spec(&parse_spec(label).unwrap(), Lexicon::builtin(), None).embedding;
    Example { features: voice_features(&voice(rng, aroused)).0, target }
}

#[test]
fn without_weights_the_voice_is_measured_but_not_estimated() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
    let samples = voice(&mut rng, true);
    let reading = read_voice::<B>(&samples, None);
    assert!(reading.estimate.is_none());
    assert!(reading.status.starts_with("untrained"), "{}", reading.status);
    assert!(reading.summary.f0_median_hz > 180.0, "{:?}", reading.summary);
    let r = EmotionSpec::voice(samples).resolve(&EmotionEncoders::<B>::builtin()).unwrap();
    assert_eq!(r.embedding.dominant(), EmotionPreset::Neutral);
    assert!(r.warnings[0].contains("untrained"), "{:?}", r.warnings);
}

#[test]
fn the_network_learns_prosody_and_round_trips_through_its_files() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
    let train_set: Vec<Example> = (0..40).map(|i| example(&mut rng, i % 2 == 0)).collect();
    let held: Vec<Example> = (0..12).map(|i| example(&mut rng, i % 2 == 0)).collect();
    // The features separate the two voices before any learning.
    assert!(train_set[0].features[0] > train_set[1].features[0], "pitch");
    assert!(train_set[0].features[6] > train_set[1].features[6], "rate");

    let config = AudioEmotionConfig::new();
    let device = Default::default();
    let untrained: AudioEmotionNet<B> = config.init(&device);
    let before = evaluate(&untrained, &held, 2.0, &device);
    let options = TrainOptions { steps: 300, batch: 16, ..Default::default() };
    let (net, losses) = train::<AB>(&train_set, &config, &options, &device, |_, _| {});
    let after = evaluate(&net, &held, 2.0, &device);
    assert_eq!(losses.len(), 300);
    eprintln!("held-out loss {before} -> {after}, {} parameters", net.parameter_count());
    assert!(after < 0.3 * before, "held-out loss {before} -> {after}");

    let rows: Vec<_> = held.iter().map(|e| e.features).collect();
    let out = net.embed(&rows, &device);
    for (e, got) in held.iter().zip(&out) {
        assert_eq!(got.dominant(), e.target.dominant());
        assert_eq!(got.arousal() > 0.0, e.target.arousal() > 0.0);
    }

    // Same seed, same network.
    let (again, _) = train::<AB>(&train_set, &config, &options, &device, |_, _| {});
    assert_eq!(again.embed(&rows, &device), out);

    // Save, load, same outputs; the encoder reads a voice with it.
    let dir = tempfile::tempdir().unwrap();
    net.save(&config, dir.path()).unwrap();
    let (loaded, loaded_config) = AudioEmotionNet::<B>::load(dir.path(), &device).unwrap();
    assert_eq!(loaded_config, config);
    assert_eq!(loaded.embed(&rows, &device), out);
    let encoder = AudioEmotionEncoder::<B>::load(dir.path(), &device).unwrap();
    let reading = read_voice(&voice(&mut rng, false), Some(&encoder));
    assert_eq!(reading.estimate.unwrap().dominant(), EmotionPreset::Sad);
    assert!(reading.status.contains(&dir.path().display().to_string()));
    assert!(net.parameter_count() < 2000, "{}", net.parameter_count());
}

#[test]
fn broken_model_files_are_typed_errors() {
    let device = Default::default();
    let config = AudioEmotionConfig::new();
    let good = tempfile::tempdir().unwrap();
    config.init::<B>(&device).save(&config, good.path()).unwrap();
    let weights = std::fs::read(good.path().join("model.mpk")).unwrap();

    let case = |config_text: Option<&str>, weights_bytes: Option<&[u8]>| {
        let dir = tempfile::tempdir().unwrap();
        if let Some(c) = config_text {
            std::fs::write(dir.path().join("config.json"), c).unwrap();
        }
        if let Some(w) = weights_bytes {
            std::fs::write(dir.path().join("model.mpk"), w).unwrap();
        }
        AudioEmotionNet::<B>::load(dir.path(), &device).map(|_| ()).unwrap_err()
    };
    let good_config = std::fs::read_to_string(good.path().join("config.json")).unwrap();
    assert!(matches!(case(None, Some(&weights)), ModelFileError::Io { path, .. } if path.ends_with("config.json")));
    assert!(matches!(case(Some(&good_config), None), ModelFileError::Io { path, .. } if path.ends_with("model.mpk")));
    assert!(matches!(case(Some("{"), Some(&weights)), ModelFileError::Config { .. }));
    assert!(matches!(case(Some(r#"{"hidden": 0, "dropout": 0.1}"#), Some(&weights)), ModelFileError::Config { .. }));
    assert!(matches!(case(Some(&good_config), Some(b"not a record")), ModelFileError::Weights { .. }));
    assert!(matches!(case(Some(&good_config), Some(&weights[..weights.len() / 2])), ModelFileError::Weights { .. }));
    let other = r#"{"hidden": 40, "dropout": 0.1}"#;
    let e = case(Some(other), Some(&weights));
    assert!(matches!(e, ModelFileError::Weights { .. }), "{e}");
    assert!(e.to_string().contains("model.mpk"), "{e}");
}
