//! A contact sheet of HEF on held-out characters painted at 512 px, as the renderers use it
//! (`model::hef::refine`: the face crop at the network's size, HEF's frame put back into the
//! full-resolution warp where it differs): for each character, the warp renderer's frame, HEF's
//! and the native painting (the target), at one expression per column group.
//!
//! `cargo run --release --features train --example hef_sheet -- MODEL_DIR OUT.png [SEEDS]`
//! (`MODEL_DIR`: a folder written by `emotalk-train hef`, e.g. `models/hef`).

use emotalk::face::npc::{generate, generate_at};
use emotalk::face::{BlendshapeBasis, EmotionPreset, HeadPose, PreparedPortrait};
use emotalk::model::hef::refine::HefRefiner;
use emotalk::model::hef::saved::HefModel;
use emotalk::train::hef::HELD_OUT_SEEDS;
use image::RgbaImage;

type B = burn::backend::Flex;

/// Characters' size.
const SIZE: u32 = 512;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(model), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: hef_sheet MODEL_DIR OUT.png [SEEDS]".into());
    };
    let seeds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(4);
    let device = Default::default();
    let hef = HefModel::<B>::load(std::path::Path::new(&model), &device)?;
    let basis = BlendshapeBasis::default_basis();
    let emotions = [EmotionPreset::Happy, EmotionPreset::Surprised, EmotionPreset::Disgusted, EmotionPreset::Fear];
    // The lower face in the painter's framing (the mouth sits in the middle), shown at 1:1.
    let (crop_x, crop_y, cell_w, cell_h) = (SIZE * 30 / 100, SIZE * 42 / 100, SIZE * 40 / 100, SIZE * 30 / 100);
    let (cols, rows) = (emotions.len() as u32 * 3, seeds as u32);
    let mut sheet = RgbaImage::from_pixel(cols * (cell_w + 2), rows * (cell_h + 2), image::Rgba([255, 255, 255, 255]));
    for (r, seed) in HELD_OUT_SEEDS.take(seeds as usize).enumerate() {
        let c = generate(seed, SIZE);
        let prepared = PreparedPortrait::new(c.image.clone(), &c.rig, basis)?;
        let refiner = HefRefiner::new(hef.clone(), &c.image, &c.rig, basis, &device)?;
        for (e, emotion) in emotions.iter().enumerate() {
            let w = emotion.weights(2.5);
            let warp = prepared.render(&w, &HeadPose::default(), basis);
            let mut refined = warp.clone();
            refiner.refine(&mut refined, &w, &HeadPose::default(), basis)?;
            let target = generate_at(seed, SIZE, &w, basis).image;
            for (k, img) in [&warp, &refined, &target].into_iter().enumerate() {
                let face = image::imageops::crop_imm(img, crop_x, crop_y, cell_w, cell_h).to_image();
                let x0 = (e as u32 * 3 + k as u32) * (cell_w + 2);
                image::imageops::overlay(&mut sheet, &face, x0 as i64, (r as u32 * (cell_h + 2)) as i64);
            }
        }
    }
    sheet.save(&out)?;
    println!(
        "wrote {out}: rows are held-out seeds from {} at {SIZE} px, columns warp | HEF | target per emotion",
        HELD_OUT_SEEDS.start
    );
    Ok(())
}
