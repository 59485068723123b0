//! Do compound emotions read as both of their parts? The twelve compounds of Du, Tao & Martinez
//! (2014) that the judges' classes can name, typed as a writer would ("sadly surprised"),
//! posed at intensity 2.5 by the reference CPU renderer with each of two face rules: the plain
//! mean of the parts' presets (the rule before `face::compound`) and the compound rule (each
//! region of the face from the part that leads it). Both judges read every render; a compound
//! reads when the judge's top class is one of its parts, and reads as a compound when both
//! parts are its top two.
//!
//! ```sh
//! cargo run --release --example compound_eval -- [--out DIR] [--seeds 300..400]
//! ```
//!
//! Always the three tuned portraits (the astronaut, NPCs 3 and 7); with `--seeds` also a
//! population of painted NPCs (300–399 were never used for a choice in #14). With `--out`,
//! `compounds.png`: a row per portrait and rule (mean, then compound), a column per compound.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

#[path = "common/cells.rs"]
mod cells;
#[path = "common/portraits.rs"]
mod portraits;

use burn::backend::Flex;
use emotalk::emotion::lexicon::Lexicon;
use emotalk::emotion::{parse_spec, read_spec};
use emotalk::face::blendshapes::{BlendshapeBasis, N_BLENDSHAPES};
use emotalk::face::compound::compound_face;
use emotalk::face::cpu_render::{HeadPose, PreparedPortrait};
use emotalk::face::{EmotionPreset, PortraitRig};
use emotalk::vision::Expression;
use emotalk::vision::judge::{Judge, JudgeNet, Judgement};

use Expression::{Angry, Disgusted, Fearful, Happy, Sad, Surprised};

/// Du et al.'s compounds whose parts both judges can name, as typed.
const COMPOUNDS: [(&str, Expression, Expression); 12] = [
    ("sadly surprised", Sad, Surprised),
    ("happily surprised", Happy, Surprised),
    ("angrily surprised", Angry, Surprised),
    ("sadly angry", Sad, Angry),
    ("fearfully angry", Fearful, Angry),
    ("sadly fearful", Sad, Fearful),
    ("fearfully surprised", Fearful, Surprised),
    ("fearfully disgusted", Fearful, Disgusted),
    ("angrily disgusted", Angry, Disgusted),
    ("sadly disgusted", Sad, Disgusted),
    ("disgustedly surprised", Disgusted, Surprised),
    ("happily disgusted", Happy, Disgusted),
];
const MU: f32 = 2.5;
const CELL: u32 = 128;
const RULES: [&str; 2] = ["mean", "compound"];

/// The rule before: every blendshape the mixture's weighted mean of the presets.
fn mean_face(mixture: &[f32; 8], mu: f32) -> [f32; N_BLENDSHAPES] {
    let mut w = [0.0; N_BLENDSHAPES];
    for (p, m) in EmotionPreset::ALL.iter().zip(mixture) {
        w.iter_mut().zip(p.weights(mu)).for_each(|(w, v)| *w += m * v);
    }
    w.map(|v| v.clamp(0.0, 1.0))
}

#[derive(Default, Clone, Copy)]
struct Tally {
    n: usize,
    either: usize,
    both: usize,
    mass: f32,
}

impl Tally {
    fn add(&mut self, j: &Judgement, a: Expression, b: Expression) {
        let mut p: Vec<(&String, &f32)> = j.probabilities.iter().collect();
        p.sort_by(|x, y| y.1.total_cmp(x.1));
        let top2: Vec<&str> = p.iter().take(2).map(|(c, _)| c.as_str()).collect();
        self.n += 1;
        self.either += (j.top == a || j.top == b) as usize;
        self.both += (top2.contains(&a.name()) && top2.contains(&b.name())) as usize;
        self.mass += j.probability(a) + j.probability(b);
    }
}

/// "top is a part", "both parts top two" and "mean p(a) + p(b)", mean rule → compound rule.
fn before_after(m: &Tally, n: &Tally, sep: &str) -> String {
    let mean = |t: &Tally| t.mass / t.n.max(1) as f32;
    [
        format!("{} → **{}** / {}", m.either, n.either, n.n),
        format!("{} → {}", m.both, n.both),
        format!("{:.3} → {:.3}", mean(m), mean(n)),
    ]
    .join(sep)
}

fn arg(args: &[String], name: &str) -> Option<String> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned()
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let out = arg(&args, "--out").map(PathBuf::from);
    let seeds = arg(&args, "--seeds").map(|s| portraits::seed_range(&s));
    let device = Default::default();
    let judge = Judge::<Flex>::shipped(&device).expect("shipped vision weights");
    let basis = BlendshapeBasis::default_basis();
    let mixtures: Vec<[f32; 8]> = COMPOUNDS
        .iter()
        .map(|(text, ..)| {
            let reading = read_spec(&parse_spec(text).expect("a compound parses"), Lexicon::builtin(), None);
            assert!(reading.warnings.is_empty(), "{text}: {:?}", reading.warnings.first().map(|w| &w.message));
            reading.embedding.mixture()
        })
        .collect();
    let faces: Vec<[[f32; N_BLENDSHAPES]; 2]> =
        mixtures.iter().map(|m| [mean_face(m, MU), compound_face(m, MU)]).collect();

    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tuned = portraits::tuned(root);
    let mut sheet = image::RgbaImage::new(CELL * COMPOUNDS.len() as u32, CELL * 2 * tuned.len() as u32);
    let mut sets: Vec<(String, Vec<(String, image::RgbaImage, PortraitRig)>)> = vec![("three portraits".into(), tuned)];
    if let Some(s) = seeds.clone() {
        sets.push((format!("NPC seeds {}..{}", s.start, s.end), portraits::npcs(s)));
    }
    for (set_index, (set, portraits)) in sets.iter().enumerate() {
        // [compound][rule][judge]
        let mut tallies = vec![[[Tally::default(); 2]; 2]; COMPOUNDS.len()];
        let mut tops = vec![[[BTreeMap::<&str, usize>::new(), BTreeMap::new()], Default::default()]; COMPOUNDS.len()];
        for (row, (name, image, rig)) in portraits.iter().enumerate() {
            let prepared = PreparedPortrait::new(image.clone(), rig, basis).expect("rig fits");
            let face = cells::face_rect(rig);
            for (c, (_, a, b)) in COMPOUNDS.iter().enumerate() {
                for (r, w) in faces[c].iter().enumerate() {
                    let frame = prepared.render(w, &HeadPose::default(), basis);
                    let js = judge.judge_in_both(&frame, face, name).expect("judge a render");
                    for (k, j) in js.iter().enumerate() {
                        tallies[c][r][k].add(j, *a, *b);
                        *tops[c][r][k].entry(j.top.name()).or_default() += 1;
                    }
                    if set_index == 0 {
                        let y = (row * 2 + r) as u32 * CELL;
                        image::imageops::overlay(
                            &mut sheet,
                            &cells::face_cell(&frame, rig, CELL),
                            (c as u32 * CELL) as i64,
                            y as i64,
                        );
                    }
                }
            }
        }
        println!("\n### {set} ({} portraits), intensity {MU}\n", portraits.len());
        println!(
            "| compound | mixture | judge | top is a part: mean → compound | both parts top two | mean p(a) + p(b) | read as (compound rule) |"
        );
        println!("|---|---|---|---|---|---|---|");
        let mut totals = [[Tally::default(); 2]; 2];
        for (c, (text, ..)) in COMPOUNDS.iter().enumerate() {
            let mix: Vec<String> = EmotionPreset::ALL
                .iter()
                .zip(&mixtures[c])
                .filter(|(_, m)| **m > 0.0)
                .map(|(p, m)| format!("{} {m:.1}", p.name()))
                .collect();
            for (k, net) in JudgeNet::ALL.iter().enumerate() {
                let [m, n] = [tallies[c][0][k], tallies[c][1][k]];
                for r in 0..2 {
                    let t = &mut totals[r][k];
                    let s = tallies[c][r][k];
                    (t.n, t.either, t.both, t.mass) =
                        (t.n + s.n, t.either + s.either, t.both + s.both, t.mass + s.mass);
                }
                let mut read: Vec<_> = tops[c][1][k].iter().collect();
                read.sort_by(|x, y| y.1.cmp(x.1));
                let read: Vec<String> = read.iter().take(3).map(|(c, k)| format!("{c} {k}")).collect();
                println!(
                    "| {text} | {} | {} | {} | {} |",
                    mix.join(", "),
                    net.name(),
                    before_after(&m, &n, " | "),
                    read.join(", ")
                );
            }
        }
        for (k, net) in JudgeNet::ALL.iter().enumerate() {
            let [m, n] = [totals[0][k], totals[1][k]];
            println!(
                "\n{} all compounds (top is a part; both parts top two; mean p(a) + p(b)): {}",
                net.name(),
                before_after(&m, &n, "; ")
            );
        }
    }
    if let Some(dir) = out {
        std::fs::create_dir_all(&dir).expect("--out folder");
        let path = dir.join("compounds.png");
        sheet.save(&path).expect("write the sheet");
        println!(
            "\nwrote {} (rows: each portrait with the {} rule, then the {} rule)",
            path.display(),
            RULES[0],
            RULES[1]
        );
    }
}
