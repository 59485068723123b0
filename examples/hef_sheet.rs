//! A contact sheet of HEF on held-out characters: for each, the warp renderer's frame, HEF's and
//! the native painting (the target), at one expression per row.
//!
//! `cargo run --release --features train --example hef_sheet -- MODEL_DIR OUT.png [SEEDS]`
//! (`MODEL_DIR`: a folder written by `emotalk-train hef`, e.g. `models/hef`).

use emotalk::face::{BlendshapeBasis, EmotionPreset};
use emotalk::model::hef::saved::HefModel;
use emotalk::train::hef::{HELD_OUT_SEEDS, make_pair, pair_batch};
use image::RgbaImage;

type B = burn::backend::Flex;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let (Some(model), Some(out)) = (args.next(), args.next()) else {
        return Err("usage: hef_sheet MODEL_DIR OUT.png [SEEDS]".into());
    };
    let seeds: u64 = args.next().map(|s| s.parse()).transpose()?.unwrap_or(4);
    let device = Default::default();
    let hef = HefModel::<B>::load(std::path::Path::new(&model), &device)?;
    let size = hef.config.size as u32;
    let basis = BlendshapeBasis::default_basis();
    let emotions = [EmotionPreset::Happy, EmotionPreset::Surprised, EmotionPreset::Disgusted, EmotionPreset::Fear];
    // The face's box in the painter's framing (the face sits in the upper middle), shown 2×.
    let (crop_x, crop_y, crop) = (size * 22 / 100, size * 20 / 100, size * 56 / 100);
    let cell = crop * 2;
    let (cols, rows) = (emotions.len() as u32 * 3, seeds as u32);
    let mut sheet = RgbaImage::from_pixel(cols * (cell + 2), rows * (cell + 2), image::Rgba([255, 255, 255, 255]));
    for (r, seed) in HELD_OUT_SEEDS.take(seeds as usize).enumerate() {
        for (e, emotion) in emotions.iter().enumerate() {
            let pair = make_pair(seed, size, size * 4, None, &emotion.weights(2.5), basis).ok_or("a held-out pair")?;
            let (input, _) = pair_batch::<B>(std::slice::from_ref(&pair), &[[1.0; 3]], &device);
            let out: Vec<f32> = hef.net.forward(input).image.into_data().to_vec().map_err(|e| format!("{e:?}"))?;
            let s = size as usize;
            let hef_img = RgbaImage::from_fn(size, size, |x, y| {
                let at =
                    |c: usize| (out[c * s * s + y as usize * s + x as usize] * 255.0).round().clamp(0.0, 255.0) as u8;
                image::Rgba([at(0), at(1), at(2), 255])
            });
            for (k, img) in [&pair.frame.warped, &hef_img, &pair.target].into_iter().enumerate() {
                let face = image::imageops::crop_imm(img, crop_x, crop_y, crop, crop).to_image();
                let face = image::imageops::resize(&face, cell, cell, image::imageops::FilterType::Nearest);
                let x0 = (e as u32 * 3 + k as u32) * (cell + 2);
                image::imageops::overlay(&mut sheet, &face, x0 as i64, (r as u32 * (cell + 2)) as i64);
            }
        }
    }
    sheet.save(&out)?;
    println!(
        "wrote {out}: rows are held-out seeds from {}, columns warp | HEF | target per emotion",
        HELD_OUT_SEEDS.start
    );
    Ok(())
}
