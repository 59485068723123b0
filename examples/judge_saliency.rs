//! Where does the judge look? Occlusion sensitivity of face-api's expression net on one posed
//! still: each patch of the expression crop is replaced by a blurred copy of itself (the detail
//! removed, the colour kept), with the landmarks, hence the crop, held fixed, and the change of
//! the probability of a class is recorded. A patch whose blurring lowers the class supports it.
//!
//! ```sh
//! cargo run --features train,onnx,wgpu --example judge_saliency -- \
//!     --portrait astronaut|npc_3|npc_7|SEED --emotion neutral --intensity 2.5 --class happy --out map.png
//! ```
//!
//! Prints the probabilities of the still and, per face region (brows, eyes, nose, mouth, jaw
//! line, cheeks), the summed support of the class; `--out` writes the crop beside its map (red:
//! supports the class, blue: speaks against it).

use std::path::{Path, PathBuf};

use burn::backend::Flex;
use emotalk::face::blendshapes::BlendshapeBasis;
use emotalk::face::cpu_render::{HeadPose, PreparedPortrait};
use emotalk::face::import::import_rig;
use emotalk::face::{EmotionPreset, PortraitRig, npc};
use emotalk::vision::judge::Judge;
use emotalk::vision::{Expression, Rect, RgbF32};
use image::{Rgba, RgbaImage};

/// Grid cells per side of the expression crop, and the patch size in cells.
const GRID: usize = 16;
const PATCH: usize = 2;

fn portrait(name: &str) -> (RgbaImage, PortraitRig) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if name == "astronaut" {
        let shared = root.join("../shared/data/portraits");
        let astro = shared.join("astronaut.png");
        let rig = import_rig(&astro, &shared.join("astronaut.landmarks68.json")).expect("astronaut rig");
        return (image::open(&astro).expect("astronaut.png").to_rgba8(), rig);
    }
    if let Ok(seed) = name.parse::<u64>() {
        let n = npc::generate(seed, 512);
        return (n.image, n.rig);
    }
    let dir = root.join("assets/portraits");
    (
        image::open(dir.join(format!("{name}.png"))).expect("portrait png").to_rgba8(),
        PortraitRig::load(dir.join(format!("{name}.rig.json"))).expect("portrait rig"),
    )
}

fn arg<'a>(args: &'a [String], key: &str) -> Option<&'a str> {
    args.iter().position(|a| a == key).and_then(|i| args.get(i + 1)).map(String::as_str)
}

/// The region of the 68-point layout nearest to `p`.
fn region(points: &[[f32; 2]; 68], p: [f32; 2]) -> &'static str {
    let (mut best, mut d) = (0, f32::MAX);
    for (i, q) in points.iter().enumerate() {
        let e = (q[0] - p[0]).powi(2) + (q[1] - p[1]).powi(2);
        if e < d {
            (best, d) = (i, e);
        }
    }
    let iod = ((points[36][0] - points[45][0]).powi(2) + (points[36][1] - points[45][1]).powi(2)).sqrt();
    if d.sqrt() > 0.25 * iod {
        return if p[1] > points[30][1] && p[1] < points[57][1] { "cheeks" } else { "other" };
    }
    match best {
        0..=16 => "jaw line",
        17..=26 => "brows",
        27..=35 => "nose",
        36..=47 => "eyes",
        _ => "mouth",
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = arg(&args, "--portrait").unwrap_or("astronaut");
    let emotion = EmotionPreset::from_name(arg(&args, "--emotion").unwrap_or("neutral")).expect("--emotion");
    let mu: f32 = arg(&args, "--intensity").unwrap_or("2.5").parse().expect("--intensity");
    let class = arg(&args, "--class").unwrap_or("happy");
    let class = Expression::ALL.into_iter().find(|c| c.name() == class).expect("--class: a judge class");
    let out = arg(&args, "--out").map(PathBuf::from);

    let basis = BlendshapeBasis::default_basis();
    let judge = Judge::<Flex>::shipped(&Default::default()).expect("shipped vision weights");
    let (image, rig) = portrait(name);
    let prepared = PreparedPortrait::new(image, &rig, basis).expect("rig fits");
    let frame = prepared.render(&emotion.weights(mu), &HeadPose::default(), basis);
    let [x0, y0, x1, y1] = rig.face_box();
    let face = Rect { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
    let rgb = RgbF32::from_rgba(&frame);
    let points = judge.perception.landmarks(&rgb, &face, false).expect("landmarks");
    let (crop, p0) = judge.perception.expressions(&rgb, &points).expect("expression crop");
    let ci = Expression::ALL.iter().position(|&c| c == class).unwrap();
    let probs: Vec<String> = Expression::ALL.iter().zip(p0).map(|(c, p)| format!("{} {p:.2}", c.name())).collect();
    println!("{name} {} at {mu}: {}", emotion.name(), probs.join(", "));

    let blurred = image::imageops::blur(&frame, crop.width as f32 / 40.0);
    let cell = crop.width / GRID as f32;
    let mut support = vec![0f32; GRID * GRID];
    let mut hits = vec![0u32; GRID * GRID];
    let mut by_region: std::collections::BTreeMap<&str, f32> = Default::default();
    for gy in 0..=GRID - PATCH {
        for gx in 0..=GRID - PATCH {
            let (px0, py0) = (crop.x + gx as f32 * cell, crop.y + gy as f32 * cell);
            let mut pert = frame.clone();
            for y in py0.max(0.0) as u32..((py0 + PATCH as f32 * cell) as u32).min(frame.height()) {
                for x in px0.max(0.0) as u32..((px0 + PATCH as f32 * cell) as u32).min(frame.width()) {
                    pert.put_pixel(x, y, *blurred.get_pixel(x, y));
                }
            }
            let (_, p) = judge.perception.expressions(&RgbF32::from_rgba(&pert), &points).expect("crop");
            let drop = p0[ci] - p[ci];
            for dy in 0..PATCH {
                for dx in 0..PATCH {
                    support[(gy + dy) * GRID + gx + dx] += drop;
                    hits[(gy + dy) * GRID + gx + dx] += 1;
                }
            }
            let centre = [px0 + PATCH as f32 * cell / 2.0, py0 + PATCH as f32 * cell / 2.0];
            *by_region.entry(region(&points, centre)).or_default() += drop;
        }
    }
    println!("support of {} by region (sum of the drops when blurred):", class.name());
    for (r, v) in &by_region {
        println!("  {r:>9}: {v:+.3}");
    }
    for (s, h) in support.iter_mut().zip(&hits) {
        *s /= (*h).max(1) as f32;
    }
    let Some(out) = out else { return };
    let side = 256u32;
    let view = image::imageops::crop_imm(
        &frame,
        crop.x.max(0.0) as u32,
        crop.y.max(0.0) as u32,
        crop.width as u32,
        crop.height as u32,
    )
    .to_image();
    let view = image::imageops::resize(&view, side, side, image::imageops::FilterType::CatmullRom);
    let peak = support.iter().fold(1e-6f32, |m, v| m.max(v.abs()));
    let mut sheet = RgbaImage::from_pixel(2 * side, side, Rgba([0, 0, 0, 255]));
    image::imageops::overlay(&mut sheet, &view, 0, 0);
    for y in 0..side {
        for x in 0..side {
            let s = support[(y as usize * GRID / side as usize) * GRID + x as usize * GRID / side as usize] / peak;
            let g = view.get_pixel(x, y).0;
            let lum = (0.3 * g[0] as f32 + 0.59 * g[1] as f32 + 0.11 * g[2] as f32) * 0.5;
            let px = if s >= 0.0 {
                [lum + 127.0 * s, lum * (1.0 - s), lum * (1.0 - s)]
            } else {
                [lum * (1.0 + s), lum * (1.0 + s), lum - 127.0 * s]
            };
            sheet.put_pixel(side + x, y, Rgba([px[0] as u8, px[1] as u8, px[2] as u8, 255]));
        }
    }
    sheet.save(&out).expect("write --out");
    println!("wrote {} (peak drop {peak:.3})", out.display());
}
