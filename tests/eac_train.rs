//! The synthetic corpus and EAC's trainer, end to end on a few clips (flite must be installed:
//! `.ci/run` installs it).
#![cfg(feature = "train")]

use std::path::Path;

use emotalk::face::blendshapes::index_of;
use emotalk::face::visemes::read_phones_tsv;
use emotalk::model::eac::EacConfig;
use emotalk::model::eac::saved::EacModel;
use emotalk::train::eac::{EacTrainOptions, RunControl, RunState, bilabial_closure, train};
use emotalk::train::eac_data::load_clips;
use emotalk::train::synth::{SynthOptions, generate, read_manifest};
use emotalk::train::tts::Voice;

type Ad = burn::backend::Autodiff<burn::backend::Flex>;

fn need_flite() {
    assert!(
        emotalk::train::tools::find_program("flite").is_some(),
        "these tests need flite (apt-get install -y flite)"
    );
}

fn corpus(dir: &Path, clips: usize, seed: u64) -> Vec<emotalk::train::synth::ManifestEntry> {
    let options = SynthOptions {
        clips,
        seed,
        voices: vec![Voice::Flite("slt"), Voice::Flite("awb"), Voice::Flite("rms")],
        augment: true,
        neutral_share: 0.3,
        threads: 2,
    };
    generate(dir, &options, || {}).unwrap()
}

#[test]
fn the_corpus_is_reproducible_and_its_phones_match_its_audio() {
    need_flite();
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let ea = corpus(a.path(), 6, 11);
    let eb = corpus(b.path(), 6, 11);
    assert_eq!(ea, eb);
    assert_eq!(read_manifest(&a.path().join("manifest.jsonl")).unwrap(), ea);
    for e in &ea {
        let wav_a = std::fs::read(a.path().join(&e.audio)).unwrap();
        assert_eq!(wav_a, std::fs::read(b.path().join(&e.audio)).unwrap(), "{:?}", e.audio);
        let audio = emotalk::audio::load(a.path().join(&e.audio)).unwrap();
        let phones =
            read_phones_tsv(&std::fs::read_to_string(a.path().join(e.phones.as_ref().unwrap())).unwrap()).unwrap();
        // The phone table spans the audio (after the speed change): flite's last pause may run
        // a little past the samples.
        let end = phones.last().unwrap().end as f64;
        assert!((end - audio.duration_seconds()).abs() < 0.25, "{end} vs {}", audio.duration_seconds());
        assert!(phones.windows(2).all(|w| w[0].end <= w[1].start + 1e-4));
        assert!(phones.iter().any(|p| p.phone == "pau"));
    }
    let other = tempfile::tempdir().unwrap();
    assert_ne!(corpus(other.path(), 6, 12), ea);
}

fn control(resume: bool, stop_after: Option<usize>) -> RunControl {
    RunControl { resume, checkpoint_every: 7, stop_after }
}

#[test]
fn training_lowers_the_loss_and_resumes_exactly() {
    need_flite();
    let dir = tempfile::tempdir().unwrap();
    corpus(dir.path(), 8, 3);
    let config = EacConfig::new().with_d_model(32).with_d_ff(64).with_layers(2).with_heads(2);
    let clips = load_clips(&dir.path().join("manifest.jsonl"), &config, 2).unwrap();
    assert_eq!(clips.len(), 8);
    // Targets: bilabials closed, open vowels open, emotion present.
    for c in &clips {
        let (closed, total) = bilabial_closure(&c.targets, config.fps, c.phones.as_ref().unwrap());
        assert_eq!(closed, total, "{:?}", c.audio);
    }
    let options =
        EacTrainOptions { steps: 40, batch: 4, window: 25, learning_rate: 3e-3, warmup: 5, ..Default::default() };
    let device = Default::default();
    let straight = dir.path().join("straight");
    let (_, full) = train::<Ad>(&clips, &config, &options, &straight, control(false, None), &device, |_| {}).unwrap();
    let mean = |s: &[emotalk::train::eac::StepLoss]| s.iter().map(|l| l.total).sum::<f32>() / s.len() as f32;
    assert!(mean(&full.losses[35..]) < 0.7 * mean(&full.losses[..5]), "{:?}", full.losses);
    for f in ["config.json", "model.mpk", "optimizer.mpk", "state.json"] {
        assert!(straight.join("checkpoint").join(f).is_file(), "{f}");
    }
    // Stop after 20 steps, then resume to 40: the same losses and weights as the straight run.
    let split = dir.path().join("split");
    train::<Ad>(&clips, &config, &options, &split, control(false, Some(20)), &device, |_| {}).unwrap();
    let mut seen = Vec::new();
    let (net, resumed) =
        train::<Ad>(&clips, &config, &options, &split, control(true, None), &device, |s: &RunState| seen.push(s.step))
            .unwrap();
    assert_eq!(seen.first(), Some(&21));
    assert_eq!(resumed.losses.len(), 40);
    for (i, (a, b)) in full.losses.iter().zip(&resumed.losses).enumerate() {
        assert!((a.total - b.total).abs() < 1e-4 * a.total.max(1.0), "step {i}: {a:?} vs {b:?}");
    }
    let saved = EacModel::<burn::backend::Flex>::load(&straight.join("checkpoint"), &device).unwrap();
    let emotion = clips[0].emotion;
    let a = saved.net.infer(&clips[0].mel, &config, &emotion, 1.0, &device);
    let b = net.infer(&clips[0].mel, &config, &emotion, 1.0, &device);
    let worst =
        a.frames.iter().flatten().zip(b.frames.iter().flatten()).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max);
    assert!(worst < 1e-4, "{worst}");
}

#[test]
fn targets_carry_the_emotion_on_top_of_speech() {
    need_flite();
    let dir = tempfile::tempdir().unwrap();
    let entries = corpus(dir.path(), 2, 5);
    let manifest = dir.path().join("m.jsonl");
    // The same clip as neutral and as very happy.
    let mut lines = String::new();
    for (emotion, mu) in [("neutral", 0.0), ("happy", 3.0)] {
        let mut e = entries[0].clone();
        e.emotion = emotion.into();
        e.intensity = Some(mu);
        lines.push_str(&serde_json::to_string(&e).unwrap());
        lines.push('\n');
    }
    std::fs::write(&manifest, lines).unwrap();
    let clips = load_clips(&manifest, &EacConfig::new(), 1).unwrap();
    let smile = index_of("mouthSmileLeft").unwrap();
    let jaw = index_of("jawOpen").unwrap();
    let mean = |c: usize, k: usize| clips[c].targets.iter().map(|f| f[k]).sum::<f32>() / clips[c].targets.len() as f32;
    assert!(mean(0, smile) < 0.01 && mean(1, smile) > 0.8, "{} {}", mean(0, smile), mean(1, smile));
    assert!((mean(0, jaw) - mean(1, jaw)).abs() < 1e-6, "speech is the same");
    // A broken manifest line names its line.
    std::fs::write(&manifest, "{\"audio\": 3}\n").unwrap();
    let err = load_clips(&manifest, &EacConfig::new(), 1).unwrap_err().to_string();
    assert!(err.contains("line 1"), "{err}");
    // Unknown emotion words are refused, naming the clip.
    let mut e = entries[0].clone();
    e.emotion = "flibbertigibbet".into();
    std::fs::write(&manifest, serde_json::to_string(&e).unwrap()).unwrap();
    let err = load_clips(&manifest, &EacConfig::new(), 1).unwrap_err().to_string();
    assert!(err.contains("clip 0") && err.contains("flibbertigibbet"), "{err}");
}

#[test]
fn broken_model_folders_are_typed_errors_naming_the_file() {
    use emotalk::model::weights::ModelFileError;
    type F = burn::backend::Flex;
    let device = Default::default();
    let dir = tempfile::tempdir().unwrap();
    let shipped = EacModel::<F>::shipped(&device).unwrap();
    assert_eq!(shipped.net.parameter_count(), 680_540);
    let good = dir.path().join("good");
    shipped.save(&good).unwrap();
    let reloaded = EacModel::<F>::load(&good, &device).unwrap();
    assert_eq!(reloaded.config, shipped.config);
    let case = |name: &str, config: Option<&str>, weights: Option<&[u8]>| {
        let d = dir.path().join(name);
        std::fs::create_dir_all(&d).unwrap();
        if let Some(c) = config {
            std::fs::write(d.join("config.json"), c).unwrap();
        }
        if let Some(w) = weights {
            std::fs::write(d.join("model.mpk"), w).unwrap();
        }
        EacModel::<F>::load(&d, &device).unwrap_err()
    };
    let config = std::fs::read_to_string(good.join("config.json")).unwrap();
    let weights = std::fs::read(good.join("model.mpk")).unwrap();
    let err = case("no_config", None, Some(&weights));
    assert!(matches!(&err, ModelFileError::Io { path, .. } if path.ends_with("config.json")), "{err}");
    let err = case("no_weights", Some(&config), None);
    assert!(matches!(&err, ModelFileError::Io { path, .. } if path.ends_with("model.mpk")), "{err}");
    let err = case("bad_json", Some("{ not json"), Some(&weights));
    assert!(matches!(&err, ModelFileError::Config { .. }), "{err}");
    let err = case("bad_heads", Some(&config.replace("\"heads\": 4", "\"heads\": 3")), Some(&weights));
    assert!(matches!(&err, ModelFileError::Config { .. }) && err.to_string().contains("heads"), "{err}");
    let err = case("bad_mels", Some(&config.replace("\"n_mels\": 80", "\"n_mels\": 40")), Some(&weights));
    assert!(matches!(&err, ModelFileError::Config { .. }) && err.to_string().contains("n_mels"), "{err}");
    // Weights of another size, and bytes that are no record at all.
    let err = case("other_size", Some(&config.replace("\"d_ff\": 256", "\"d_ff\": 128")), Some(&weights));
    assert!(matches!(&err, ModelFileError::Weights { path, .. } if path.ends_with("model.mpk")), "{err}");
    let err = case("garbage", Some(&config), Some(b"not a record"));
    assert!(matches!(&err, ModelFileError::Weights { .. }), "{err}");
    // The CLI reports a broken installed model rather than silently using the shipped one.
    let models = dir.path().join("models");
    std::fs::create_dir_all(models.join("eac")).unwrap();
    std::fs::write(models.join("eac/config.json"), &config).unwrap();
    std::fs::write(models.join("eac/model.mpk"), b"broken").unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_emotalk"))
        .args(["coeffs", "--out"])
        .arg(dir.path().join("t.csv"))
        .env("EMOTALK_MODELS", &models)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("model.mpk"), "{stderr}");
}
