//! Creases as soft as the photograph: the astronaut as a sharp 512 px portrait and as a soft one
//! (scaled down to 128 px and back up, as a face cropped from a group photo is), angry and
//! disgusted at 2.5 by the CPU renderer, the soft one with its creases drawn sharp (as before
//! `face::wrinkles::image_softness`) and as soft as its own blur; each row's seven judged
//! emotions read by both expression judges.
//!
//! ```sh
//! cargo run --release --example crease_softness -- docs/img/crease_softness.png
//! ```

#[path = "common/cells.rs"]
mod cells;

use burn::backend::Flex;
use emotalk::face::EmotionPreset;
use emotalk::face::blendshapes::BlendshapeBasis;
use emotalk::face::cpu_render::{HeadPose, PreparedPortrait};
use emotalk::face::import::import_rig;
use emotalk::face::wrinkles::image_softness;
use emotalk::vision::judge::Judge;
use image::RgbaImage;
use image::imageops::FilterType;

const CELL: u32 = 256;
/// The soft portrait's size before it is scaled back up.
const SMALL: u32 = 128;

fn main() {
    let out = std::env::args().nth(1).unwrap_or_else(|| "crease_softness.png".into());
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/portraits");
    let rig = import_rig(&dir.join("astronaut.png"), &dir.join("astronaut.landmarks68.json")).expect("astronaut rig");
    let sharp = image::open(dir.join("astronaut.png")).expect("astronaut.png").to_rgba8();
    let (w, h) = sharp.dimensions();
    let small = image::imageops::resize(&sharp, SMALL, SMALL * h / w, FilterType::Triangle);
    let soft = image::imageops::resize(&small, w, h, FilterType::CatmullRom);
    let basis = BlendshapeBasis::default_basis();
    let emotions = [EmotionPreset::Angry, EmotionPreset::Disgusted];
    // Rows: the sharp photograph; the soft one with sharp creases; the soft one as it renders.
    let mut rows: Vec<(String, PreparedPortrait, RgbaImage)> = Vec::new();
    for (label, image, keep_sharp) in
        [("sharp", &sharp, false), ("soft, creases sharp", &soft, true), ("soft", &soft, false)]
    {
        let blur = image_softness(image, &rig.points());
        let mut p = PreparedPortrait::new(image.clone(), &rig, basis).expect("prepare");
        if keep_sharp {
            p.set_crease_soft(0.0);
        }
        println!("{label}: own blur {blur:.2} px, crease softness {:.4} face-mesh units", p.crease_soft());
        rows.push((label.to_string(), p, image.clone()));
    }
    let mut sheet = RgbaImage::new(CELL * (1 + emotions.len() as u32), CELL * rows.len() as u32);
    for (r, (_, p, image)) in rows.iter().enumerate() {
        let y = (r as u32 * CELL) as i64;
        image::imageops::overlay(&mut sheet, &cells::face_cell(image, &rig, CELL), 0, y);
        for (c, e) in emotions.iter().enumerate() {
            let frame = p.render(&e.weights(2.5), &HeadPose::default(), basis);
            image::imageops::overlay(
                &mut sheet,
                &cells::face_cell(&frame, &rig, CELL),
                ((c as u32 + 1) * CELL) as i64,
                y,
            );
        }
    }
    // Both judges on every judged emotion, for each row.
    let judge = Judge::<Flex>::shipped(&Default::default()).expect("shipped vision weights");
    let rect = cells::face_rect(&rig);
    for (label, p, _) in &rows {
        let mut hits = [0usize; 2];
        let mut reads = Vec::new();
        for (e, class) in cells::JUDGED {
            let frame = p.render(&e.weights(2.5), &HeadPose::default(), basis);
            let j = judge.judge_in_both(&frame, rect, label).expect("judge a render");
            for k in 0..2 {
                hits[k] += (j[k].top == class) as usize;
            }
            reads.push(format!("{} {} / {}", e.name(), j[0].top.name(), j[1].top.name()));
        }
        println!("{label}: read as intended {} / {} of 7 (face-api / fer): {}", hits[0], hits[1], reads.join(", "));
    }
    sheet.save(&out).expect("write the sheet");
    println!(
        "wrote {out} (rows: {}; columns: the portrait, angry, disgusted)",
        rows.iter().map(|r| r.0.as_str()).collect::<Vec<_>>().join(", ")
    );
}
