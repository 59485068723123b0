//! Do the emotions read while a portrait talks? A quick, still version of
//! `tools/talking-eval/talking_eval.sh`: the six required emotions (#14) at intensity 2.5, spoken
//! over the bundled line by the astronaut photo and the bundled NPCs 3 and 7; EAC's track (no
//! blinks, no head motion, 30 fps) drawn by the reference CPU renderer and every `--step`-th frame
//! judged by face-api's expression net and by the second judge, `fer`.
//!
//! ```sh
//! cargo run --release --example talking_judge -- [--eac DIR] [--step 2] [--jaw-from-neutral]
//! ```
//!
//! `--eac DIR` runs other EAC weights (a folder with `config.json` + `model.mpk`) instead of the
//! shipped ones. `--jaw-from-neutral` replaces each frame's `jawOpen` and `mouthClose` with the
//! neutral line's (the jaw of speech alone, as a speech-aware jaw would have it while speaking).
//! `--add EMOTION:name=w,...` raises those weights to at least `w` on every frame of that
//! emotion's line (a preset change tried on speech before it is made); `--only EMOTION` judges
//! that emotion's cells alone; `--seeds A..B` speaks with the painted NPCs of those seeds instead
//! of the three tuned portraits (held-out characters: 300..); `--out DIR` writes every judged
//! frame (`PORTRAIT_EMOTION_FRAME_FACEAPI_FER.png`, named by what each judge read). About two
//! minutes on 2 cores at `--step 2`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[path = "common/cells.rs"]
mod cells;
#[path = "common/portraits.rs"]
mod portraits;

use burn::backend::Flex;
use emotalk::audio::{MelConfig, log_mel};
use emotalk::emotion::EmotionEmbedding;
use emotalk::face::EmotionPreset;
use emotalk::face::blendshapes::{BlendshapeBasis, index_of};
use emotalk::face::cpu_render::{HeadPose, PreparedPortrait};
use emotalk::model::eac::saved::EacModel;
use emotalk::vision::Expression;
use emotalk::vision::judge::Judge;

const REQUIRED: [(EmotionPreset, Expression); 6] = [
    (EmotionPreset::Neutral, Expression::Neutral),
    (EmotionPreset::Angry, Expression::Angry),
    (EmotionPreset::Disgusted, Expression::Disgusted),
    (EmotionPreset::Happy, Expression::Happy),
    (EmotionPreset::Sad, Expression::Sad),
    (EmotionPreset::Surprised, Expression::Surprised),
];

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let step: usize = arg(&args, "--step").map_or(2, |s| s.parse().expect("--step: a number")).max(1);
    let device = Default::default();
    let model = match arg(&args, "--eac") {
        Some(dir) => EacModel::<Flex>::load(&PathBuf::from(dir), &device).expect("--eac weights"),
        None => EacModel::<Flex>::shipped(&device).expect("shipped EAC"),
    };
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let samples = emotalk::audio::load(&root.join("assets/lines/greeting.ogg")).expect("bundled line").samples;
    let mel = log_mel(&samples, &MelConfig::default()).expect("mel");
    let basis = BlendshapeBasis::default_basis();
    let judge = Judge::<Flex>::shipped(&device).expect("shipped vision weights");
    let jaw = index_of("jawOpen").expect("jawOpen");
    let mut tracks: Vec<_> = REQUIRED
        .iter()
        .map(|(e, _)| model.infer(&mel, &EmotionEmbedding::preset(*e), 2.5, &device).resampled(30.0))
        .collect();
    if args.iter().any(|a| a == "--jaw-from-neutral") {
        let close = index_of("mouthClose").expect("mouthClose");
        let neutral = tracks[0].frames.clone();
        for track in &mut tracks[1..] {
            for (f, n) in track.frames.iter_mut().zip(&neutral) {
                (f[jaw], f[close]) = (n[jaw], n[close]);
            }
        }
    }
    if let Some(spec) = arg(&args, "--add") {
        let (emotion, sets) = spec.split_once(':').expect("--add EMOTION:name=w,...");
        let k = REQUIRED.iter().position(|(e, _)| e.name() == emotion).expect("--add: a required emotion");
        for set in sets.split(',') {
            let (name, w) = set.split_once('=').expect("--add: name=w");
            let (i, w): (usize, f32) =
                (index_of(name).expect("--add: a blendshape"), w.parse().expect("--add: a number"));
            for f in &mut tracks[k].frames {
                f[i] = f[i].max(w);
            }
        }
    }
    let only = arg(&args, "--only");
    let out = arg(&args, "--out").map(PathBuf::from);
    if let Some(dir) = &out {
        std::fs::create_dir_all(dir).expect("--out: a folder that can be made");
    }
    if let Some(o) = &only {
        assert!(REQUIRED.iter().any(|(e, _)| e.name() == o), "--only: one of the required emotions, not {o}");
    }
    println!("| portrait | emotion | mean jawOpen | face-api | fer |\n|---|---|---|---|---|");
    let (mut total, mut judged) = ([0usize; 2], 0usize);
    let cast = match arg(&args, "--seeds") {
        Some(s) => portraits::npcs(portraits::seed_range(&s)),
        None => portraits::tuned(root),
    };
    for (name, image, rig) in cast {
        let prepared = PreparedPortrait::new(image, &rig, basis).expect("rig fits");
        let face = cells::face_rect(&rig);
        for ((emotion, class), track) in REQUIRED.iter().zip(&tracks) {
            if only.as_deref().is_some_and(|o| o != emotion.name()) {
                continue;
            }
            let (mut hits, mut n) = ([0usize; 2], 0usize);
            let mut reads = [BTreeMap::<&str, usize>::new(), BTreeMap::new()];
            for (i, w) in track.frames.iter().enumerate().step_by(step) {
                let frame = prepared.render(w, &HeadPose::default(), basis);
                let js = judge.judge_in_both(&frame, face, &name).expect("judge a frame");
                if let Some(dir) = &out {
                    let file =
                        format!("{name}_{}_{i:04}_{}_{}.png", emotion.name(), js[0].top.name(), js[1].top.name());
                    frame.save(dir.join(file)).expect("write a judged frame");
                }
                for (k, j) in js.iter().enumerate() {
                    hits[k] += (j.top == *class) as usize;
                    *reads[k].entry(j.top.name()).or_default() += 1;
                }
                n += 1;
            }
            let most = |m: &BTreeMap<&str, usize>| {
                let mut v: Vec<_> = m.iter().filter(|(c, _)| **c != class.name()).collect();
                v.sort_by(|a, b| b.1.cmp(a.1));
                v.first().map_or(String::new(), |(c, k)| format!(" ({c} {k})"))
            };
            let jaw_mean = track.frames.iter().map(|f| f[jaw]).sum::<f32>() / track.frames.len().max(1) as f32;
            println!(
                "| {name} | {} | {jaw_mean:.2} | {} / {n}{} | {} / {n}{} |",
                emotion.name(),
                hits[0],
                most(&reads[0]),
                hits[1],
                most(&reads[1])
            );
            total = [total[0] + hits[0], total[1] + hits[1]];
            judged += n;
        }
    }
    println!("\nread as intended: face-api {} / {judged}, fer {} / {judged}", total[0], total[1]);
}
