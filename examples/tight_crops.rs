//! Auto-rigging portraits whose face fills the frame: each photograph is rigged whole (the
//! reference), then cropped to a square around its face that leaves less and less room, down to
//! one that cuts into the brows and the chin, and rigged again (only photographs whose face has
//! room round it are used; close-ups are skipped). Prints, per crop size, how many
//! crops were rigged, how many failed and why (no face found, the face cut off by the frame,
//! landmarks that make no usable rig), and the landmark error (NME, inner 51 points over
//! the reference's outer-eye-corner distance) against the whole photograph's landmarks.
//!
//! ```sh
//! bash tools/photo-sets/fetch.sh photos
//! cargo run --release --example tight_crops -- photos/tuning/*.jpg ../shared/data/portraits/astronaut.png
//! ```
//!
//! The crop's side is `SCALE ×` the larger side of the reference landmarks' box (jaw, brows,
//! nose, eyes and mouth; no forehead), centred on that box; 1.0 cuts at the face's outline, below
//! 1.0 into the face.

use std::path::Path;

use burn::backend::Flex;
use emotalk::vision::autorig::read_image;
use emotalk::vision::perceive::nme;
use emotalk::vision::{DetectOptions, FacePerception, RgbF32, VisionError};
use image::RgbaImage;

/// The room a photograph's face needs round it (a fraction of the landmarks' span, each side)
/// for its landmarks to be the reference: the photographs that are close-ups already are not.
const ROOM: f32 = 0.3;
const SCALES: [f32; 6] = [2.0, 1.5, 1.25, 1.1, 1.0, 0.9];

fn main() {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    assert!(!paths.is_empty(), "usage: tight_crops IMAGE...");
    let p = FacePerception::<Flex>::shipped(&Default::default()).expect("shipped weights");
    let opts = DetectOptions::default();
    // Per scale: rigged, errors (message), NMEs.
    let mut rows: Vec<(usize, Vec<String>, Vec<f32>)> = SCALES.iter().map(|_| (0, Vec::new(), Vec::new())).collect();
    let mut used = 0;
    for path in &paths {
        let path = Path::new(path);
        let image = read_image(path).expect("readable image");
        // The reference: what the networks find in the whole photograph, largest face, with no
        // second look (`FacePerception::analyse`, which `rig` starts from).
        let mut whole = p.analyse(&RgbF32::from_rgba(&image), &opts);
        whole.sort_by(|a, b| b.detection.rect.area().total_cmp(&a.detection.rect.area()));
        let Some(first) = whole.first() else {
            println!("skipped (no face in the whole photograph): {}", path.display());
            continue;
        };
        let reference: Vec<[f32; 2]> = first.landmarks.to_vec();
        let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
        for &[x, y] in &reference {
            (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
        }
        let (cx, cy, span) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0, (x1 - x0).max(y1 - y0));
        let name = path.file_name().unwrap().to_string_lossy();
        let room = x0.min(y0).min(image.width() as f32 - x1).min(image.height() as f32 - y1) / span;
        if room < ROOM {
            println!("{name}: skipped, its face is {room:.2} of its span from the edge (a reference needs {ROOM})");
            continue;
        }
        used += 1;
        let mut line = format!("{name}:");
        for (k, &s) in SCALES.iter().enumerate() {
            let side = (span * s).round() as u32;
            let (left, top) = ((cx - side as f32 / 2.0).round() as i64, (cy - side as f32 / 2.0).round() as i64);
            let crop = crop_clamped(&image, left, top, side);
            let shifted: Vec<[f32; 2]> = reference.iter().map(|&[x, y]| [x - left as f32, y - top as f32]).collect();
            let label = format!("{name}@{s}");
            match p.rig(&crop, Path::new(&label), &opts) {
                Ok(r) => {
                    let e = nme(&r.rig.landmarks, &shifted);
                    rows[k].0 += 1;
                    rows[k].2.push(e);
                    line += &format!(" {s}:{e:.3}");
                }
                Err(e) => {
                    let why = match e {
                        VisionError::NoFace { .. } => "no face",
                        VisionError::FaceCut { .. } => "cut off",
                        VisionError::Rig(_) => "bad landmarks",
                        _ => "other",
                    };
                    rows[k].1.push(why.to_string());
                    line += &format!(" {s}:{why}");
                }
            }
        }
        println!("{line}");
    }
    println!("\n{used} photographs rigged whole\n");
    println!("| crop side / face span | rigged | no face | cut off | bad landmarks | median NME | worst NME |");
    println!("|---|---|---|---|---|---|---|");
    for (k, s) in SCALES.iter().enumerate() {
        let (n, errs, mut e) = rows[k].clone();
        e.sort_by(f32::total_cmp);
        let count = |w: &str| errs.iter().filter(|x| *x == w).count();
        let med = e.get(e.len() / 2).map_or("-".into(), |v| format!("{v:.3}"));
        let worst = e.last().map_or("-".into(), |v| format!("{v:.3}"));
        println!(
            "| {s} | {n} / {used} | {} | {} | {} | {med} | {worst} |",
            count("no face"),
            count("cut off"),
            count("bad landmarks")
        );
    }
}

/// The `side × side` square at `left, top`; where it leaves the image, the image's edge pixels
/// carry on (a photographer's tight crop has skin there, not black).
fn crop_clamped(img: &RgbaImage, left: i64, top: i64, side: u32) -> RgbaImage {
    let (w, h) = (img.width() as i64, img.height() as i64);
    RgbaImage::from_fn(side, side, |x, y| {
        let sx = (left + x as i64).clamp(0, w - 1) as u32;
        let sy = (top + y as i64).clamp(0, h - 1) as u32;
        *img.get_pixel(sx, sy)
    })
}
