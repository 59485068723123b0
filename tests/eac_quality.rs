//! The shipped EAC weights (models/eac): lip sync on real speech scored by the project's
//! reference tool (`../shared/tools/lipsync/score.py`, needs python3 with numpy), lip closure on
//! held-out TTS voices, and emotions that show on the face without breaking lip sync.

use std::path::Path;

use emotalk::audio::{MelConfig, log_mel};
use emotalk::emotion::EmotionEmbedding;
use emotalk::face::EmotionPreset;
use emotalk::face::blendshapes::index_of;
use emotalk::face::visemes::aperture;
use emotalk::model::eac::saved::EacModel;

type B = burn::backend::Flex;

const SPEECH: &str = "../shared/data/speech";

fn model() -> EacModel<B> {
    EacModel::<B>::shipped(&Default::default()).expect("the shipped weights load")
}

fn mel_of(path: &Path) -> emotalk::audio::FeatureMatrix {
    log_mel(&emotalk::audio::load(path).unwrap().samples, &MelConfig::default()).unwrap()
}

/// The pooled scores of `model` on the 11 real clips (neutral, 30 fps) by `score.py`.
fn pooled_scores(model: &EacModel<B>) -> serde_json::Value {
    let device = Default::default();
    let dir = tempfile::tempdir().unwrap();
    let neutral = EmotionEmbedding::preset(EmotionPreset::Neutral);
    let mut clips = 0;
    for entry in std::fs::read_dir(SPEECH).unwrap().flatten() {
        let path = entry.path();
        if path.extension().is_some_and(|x| x == "wav") {
            let track = model.infer(&mel_of(&path), &neutral, 0.0, &device).resampled(30.0);
            let csv = dir.path().join(format!("{}.csv", path.file_stem().unwrap().to_string_lossy()));
            track.write_csv(std::fs::File::create(csv).unwrap()).unwrap();
            clips += 1;
        }
    }
    assert_eq!(clips, 11);
    let json = dir.path().join("score.json");
    let run = std::process::Command::new("python3")
        .arg("../shared/tools/lipsync/score.py")
        .arg(dir.path())
        .arg("--json")
        .arg(&json)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("python3 runs");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap_or_else(|_| {
            panic!("score.py wrote no JSON (needs numpy): {}", String::from_utf8_lossy(&run.stderr))
        }))
        .unwrap();
    println!("{}", String::from_utf8_lossy(&run.stdout));
    assert_eq!(report["clips"].as_array().unwrap().len(), 11);
    report["summary"].as_array().unwrap().iter().find(|r| r["clip"] == "ALL (pooled)").unwrap().clone()
}

#[test]
fn real_speech_meets_the_lip_sync_bars() {
    let pooled = pooled_scores(&model());
    let f = |k: &str| pooled[k].as_f64().unwrap();
    // The issue's bars (a loudness envelope alone reaches r 0.75, r_sp 0.65).
    assert!(f("r") >= 0.80, "pooled r {}", f("r"));
    assert!(f("r_sp") >= 0.70, "r over speech {}", f("r_sp"));
    assert!(f("open_hit") / f("open_n") >= 0.95, "open vowels {}/{}", f("open_hit"), f("open_n"));
    assert!(f("sil_hit") / f("sil_n") >= SILENCE_BAR, "silences closed {}/{}", f("sil_hit"), f("sil_n"));
}

#[test]
fn a_shorter_look_ahead_keeps_the_lip_sync() {
    // One frame ahead instead of two (100 ms of look-ahead instead of 140, for live input):
    // the weights were trained with two, and lose a little (BENCHMARKS.md, "Live voice latency").
    let short = model().with_band_ahead(1).expect("one frame is within the trained band");
    assert_eq!(short.config.lookahead_ms(), 100.0);
    let pooled = pooled_scores(&short);
    let f = |k: &str| pooled[k].as_f64().unwrap();
    // The full model's own bars (measured: r 0.813, r_sp 0.728, open 0.97, silence 1.00, against
    // 0.816, 0.733, 0.97, 1.00 with the full look-ahead).
    assert!(f("r") >= 0.80, "pooled r {}", f("r"));
    assert!(f("r_sp") >= 0.70, "r over speech {}", f("r_sp"));
    assert!(f("open_hit") / f("open_n") >= 0.95, "open vowels {}/{}", f("open_hit"), f("open_n"));
    assert!(f("sil_hit") / f("sil_n") >= SILENCE_BAR, "silences closed {}/{}", f("sil_hit"), f("sil_n"));
    assert!(model().with_band_ahead(3).is_none(), "no more look-ahead than trained");
}

/// The share of silence frames that must be closed (see models/README.md for what was reached).
const SILENCE_BAR: f64 = 0.95;

#[test]
fn each_emotion_shows_its_own_face_and_keeps_the_lip_sync() {
    let model = model();
    let device = Default::default();
    let mel = mel_of(Path::new(&format!("{SPEECH}/goforward.wav")));
    let run = |p: EmotionPreset, mu: f32| model.infer(&mel, &EmotionEmbedding::preset(p), mu, &device);
    let mean = |t: &emotalk::anim::ExpressionTrack, names: &[&str]| {
        let idx: Vec<usize> = names.iter().map(|n| index_of(n).unwrap()).collect();
        t.frames.iter().map(|f| idx.iter().map(|&i| f[i]).sum::<f32>() / idx.len() as f32).sum::<f32>()
            / t.frames.len() as f32
    };
    let neutral = run(EmotionPreset::Neutral, 0.0);
    // Each class raises the blendshapes that define it, well above neutral.
    let checks: [(EmotionPreset, &[&str]); 6] = [
        (EmotionPreset::Happy, &["mouthSmileLeft", "mouthSmileRight", "cheekSquintLeft"]),
        (EmotionPreset::Sad, &["browInnerUp", "mouthFrownLeft", "mouthFrownRight"]),
        (EmotionPreset::Angry, &["browDownLeft", "browDownRight", "mouthPressLeft"]),
        (EmotionPreset::Surprised, &["browOuterUpLeft", "eyeWideLeft", "eyeWideRight"]),
        (EmotionPreset::Fear, &["browInnerUp", "eyeWideLeft", "mouthStretchLeft"]),
        (EmotionPreset::Disgusted, &["noseSneerLeft", "noseSneerRight"]),
    ];
    let mut faces = Vec::new();
    for (p, names) in checks {
        let t = run(p, 2.5);
        let (with, without) = (mean(&t, names), mean(&neutral, names));
        assert!(with > without + 0.25, "{}: {names:?} {with:.3} vs neutral {without:.3}", p.name());
        // Lip sync survives: the aperture follows the neutral one.
        let (a, b): (Vec<f32>, Vec<f32>) =
            t.frames.iter().zip(&neutral.frames).map(|(x, y)| (aperture(x), aperture(y))).unzip();
        let r = emotalk::train::eac::pearson(&a, &b);
        assert!(r > 0.7, "{}: aperture r {r:.3} against neutral", p.name());
        faces.push((p, t));
    }
    // Any two emotions differ clearly (mean absolute difference of the mean face).
    for (i, (p, a)) in faces.iter().enumerate() {
        for (q, b) in &faces[i + 1..] {
            let d: f32 = (0..52)
                .map(|k| {
                    let m = |t: &emotalk::anim::ExpressionTrack| {
                        t.frames.iter().map(|f| f[k]).sum::<f32>() / t.frames.len() as f32
                    };
                    (m(a) - m(b)).abs()
                })
                .sum();
            assert!(d > 0.5, "{} and {} look alike: {d:.3}", p.name(), q.name());
        }
    }
    // Intensity orders the strength.
    let smile = |mu| mean(&run(EmotionPreset::Happy, mu), &["mouthSmileLeft"]);
    assert!(smile(0.5) < smile(1.5) && smile(1.5) < smile(3.0));
    // The emotion part follows the shipped presets (`face::presets`): on the upper face, which
    // speech leaves alone, the track's mean is close to the preset's weights. (The weights
    // trained on the presets before #14 recalibrated them score 0.154 here, and the weights of
    // #14's first pass 0.132 against the second pass's anger, disgust and fear. From the fourth
    // pass the lids are left out, as the gaze was: both follow the emotion itself; on that
    // measure the second pass's weights score 0.125 against the fourth pass's presets.)
    let upper: Vec<usize> = (0..52)
        .filter(|&k| {
            let n = emotalk::face::BLENDSHAPE_NAMES[k];
            ["brow", "eye", "cheekSquint", "noseSneer"].iter().any(|p| n.starts_with(p))
                && !n.starts_with("eyeLook")
                && !n.starts_with("eyeBlink")
        })
        .collect();
    let errors: Vec<f32> = faces
        .iter()
        .map(|(p, t)| {
            let want = p.weights(2.5);
            upper
                .iter()
                .map(|&k| (t.frames.iter().map(|f| f[k]).sum::<f32>() / t.frames.len() as f32 - want[k]).abs())
                .sum::<f32>()
                / upper.len() as f32
        })
        .collect();
    // The gaze and the lids' droop follow the emotion itself (`with_emotion_eyes`), so the check
    // above measures the network on the rest of the upper face; a sad line keeps sad's lowered
    // gaze and drooping lids throughout.
    let (_, sad) = faces.iter().find(|(p, _)| *p == EmotionPreset::Sad).expect("sad is judged");
    let want = EmotionPreset::Sad.weights(2.5);
    for name in ["eyeLookDownLeft", "eyeLookDownRight", "eyeBlinkLeft", "eyeBlinkRight"] {
        let k = index_of(name).unwrap();
        assert!(want[k] > 0.2, "{name}: sad's preset droops the lids and lowers the gaze");
        assert!(sad.frames.iter().all(|f| f[k] >= want[k] - 1e-6), "{name}: a sad line keeps sad's eyes");
    }
    let mean_error = errors.iter().sum::<f32>() / errors.len() as f32;
    eprintln!("upper-face error against the presets {mean_error:.3} ({errors:.3?})");
    assert!(mean_error < PRESET_FIDELITY, "upper-face error against the presets {mean_error:.3} ({errors:.3?})");
    // The whole face, mouth included, composes as the training targets do: the emotional track
    // is the neutral one with the emotion's face put on by `visemes::with_emotion`. (The lids
    // are left out: blinks and the droop take the larger of the two, not the targets' rule.)
    let channels: Vec<usize> =
        (0..52).filter(|&k| !emotalk::face::BLENDSHAPE_NAMES[k].starts_with("eyeBlink")).collect();
    let composed: Vec<f32> = faces
        .iter()
        .map(|(p, t)| {
            let face = p.weights(2.5);
            let sum: f32 = t
                .frames
                .iter()
                .zip(&neutral.frames)
                .map(|(f, n)| {
                    let want = emotalk::face::visemes::with_emotion(n, &face);
                    channels.iter().map(|&k| (f[k] - want[k]).abs()).sum::<f32>()
                })
                .sum();
            sum / (t.frames.len() * channels.len()) as f32
        })
        .collect();
    let worst = composed.iter().copied().fold(0.0, f32::max);
    eprintln!(
        "whole-face error against the neutral track under each emotion's face: worst {worst:.4} ({composed:.4?})"
    );
    assert!(worst < COMPOSITION_FIDELITY, "whole-face composition error {worst:.4} ({composed:.4?})");
}

/// Bar of the worst emotion's mean whole-face error against the neutral track composed with the
/// emotion's face (see the test above). The fifth pass's weights, which learnt the presets from
/// the emotion vector alone, score 0.084 (surprise, spoken with a smile); the weights trained
/// with the emotion prior 0.014.
const COMPOSITION_FIDELITY: f32 = 0.03;

/// Bar of the mean upper-face error against the presets (see the test above).
const PRESET_FIDELITY: f32 = 0.13;

#[cfg(feature = "train")]
#[test]
fn held_out_tts_voices_close_the_lips_on_bilabials() {
    use emotalk::train::synth::{SynthOptions, generate};
    use emotalk::train::tts::Voice;
    assert!(emotalk::train::tools::find_program("flite").is_some(), "needs flite (apt-get install -y flite)");
    let dir = tempfile::tempdir().unwrap();
    // flite:rms was held out of training; this seed's sentences were never generated for it.
    let options = SynthOptions {
        clips: 12,
        seed: 9_001,
        voices: vec![Voice::Flite("rms")],
        augment: false,
        neutral_share: 1.0,
        threads: 2,
    };
    generate(dir.path(), &options, || {}).unwrap();
    let model = model();
    let clips = emotalk::train::eac_data::load_clips(&dir.path().join("manifest.jsonl"), &model.config, 2).unwrap();
    let report = emotalk::train::eac::evaluate(&model.net, &model.config, &clips, &Default::default());
    println!("{report:?}");
    assert!(report.bilabials >= 20, "{report:?}");
    let share = report.bilabials_closed as f64 / report.bilabials as f64;
    assert!(share >= 0.85, "bilabials closed {share:.3}");
    assert!(report.aperture_r > 0.5, "{report:?}");
}
