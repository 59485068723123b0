//! Contact sheets: every MEAD emotion at two intensities on a set of portraits, for review.
//!
//! One row per portrait; columns: the portrait itself, then for each emotion in
//! [`EmotionPreset::ALL`] order (neutral, angry, contempt, disgusted, fear, happy, sad,
//! surprised) intensity 1 and intensity 3. Each cell is a square crop around the face box,
//! enlarged by [`CROP_MARGIN`], resized to `cell` pixels.

use image::RgbaImage;

use super::blendshapes::BlendshapeBasis;
use super::presets::EmotionPreset;
use super::cpu_render::{HeadPose, PreparedPortrait};
use super::rig::{PortraitRig, RigError};

/// The crop is the face box grown by this factor about its centre.
pub const CROP_MARGIN: f32 = 1.7;
/// The intensities shown for each emotion.
pub const INTENSITIES: [f32; 2] = [1.0, 3.0];

/// Builds the sheet; fails on the first rig that does not fit its image.
pub fn contact_sheet(
    portraits: &[(RgbaImage, PortraitRig)],
    cell: u32,
    basis: &BlendshapeBasis,
) -> Result<RgbaImage, RigError> {
    let cols = 1 + EmotionPreset::ALL.len() as u32 * INTENSITIES.len() as u32;
    let mut sheet = RgbaImage::from_pixel(cols * cell, portraits.len() as u32 * cell, image::Rgba([20, 20, 24, 255]));
    for (row, (image, rig)) in portraits.iter().enumerate() {
        let prepared = PreparedPortrait::new(image.clone(), rig, basis)?;
        let [x0, y0, x1, y1] = rig.face_box();
        let side = ((x1 - x0).max(y1 - y0) * CROP_MARGIN).min(image.width().min(image.height()) as f32);
        let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
        let left = (cx - side / 2.0).clamp(0.0, image.width() as f32 - side) as u32;
        let top = (cy - side / 2.0).clamp(0.0, image.height() as f32 - side) as u32;
        let put = |sheet: &mut RgbaImage, col: u32, frame: &RgbaImage| {
            let crop = image::imageops::crop_imm(frame, left, top, side as u32, side as u32).to_image();
            let small = image::imageops::resize(&crop, cell, cell, image::imageops::FilterType::CatmullRom);
            image::imageops::overlay(sheet, &small, (col * cell) as i64, (row as u32 * cell) as i64);
        };
        put(&mut sheet, 0, image);
        let mut col = 1;
        for emotion in EmotionPreset::ALL {
            for mu in INTENSITIES {
                let frame = prepared.render(&emotion.weights(mu), &HeadPose::default(), basis);
                put(&mut sheet, col, &frame);
                col += 1;
            }
        }
    }
    Ok(sheet)
}
