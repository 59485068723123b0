//! Shared by the judged examples (not an example itself): where a portrait's face is, a square
//! crop of it for a contact sheet, and the judges' class for each emotion. Not every example
//! that includes it uses all of it.
#![allow(dead_code)]

use emotalk::face::{EmotionPreset, PortraitRig};
use emotalk::vision::{Expression, Rect};
use image::RgbaImage;

/// The face box of `rig`, as the judges take it.
pub fn face_rect(rig: &PortraitRig) -> Rect {
    let [x0, y0, x1, y1] = rig.face_box();
    Rect { x: x0, y: y0, width: x1 - x0, height: y1 - y0 }
}

/// The face of `frame` (where `rig` says it is), 1.6 times its box, as a `size`-pixel square.
pub fn face_cell(frame: &RgbaImage, rig: &PortraitRig, size: u32) -> RgbaImage {
    let [x0, y0, x1, y1] = rig.face_box();
    let side = ((x1 - x0).max(y1 - y0) * 1.6).min(frame.width().min(frame.height()) as f32);
    let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
    let left = (cx - side / 2.0).clamp(0.0, frame.width() as f32 - side) as u32;
    let top = (cy - side / 2.0).clamp(0.0, frame.height() as f32 - side) as u32;
    let crop = image::imageops::crop_imm(frame, left, top, side as u32, side as u32).to_image();
    image::imageops::resize(&crop, size, size, image::imageops::FilterType::CatmullRom)
}

/// The judged emotions, each with the judges' class for it (contempt, which they lack, left out).
pub const JUDGED: [(EmotionPreset, Expression); 7] = [
    (EmotionPreset::Neutral, Expression::Neutral),
    (EmotionPreset::Angry, Expression::Angry),
    (EmotionPreset::Disgusted, Expression::Disgusted),
    (EmotionPreset::Fear, Expression::Fearful),
    (EmotionPreset::Happy, Expression::Happy),
    (EmotionPreset::Sad, Expression::Sad),
    (EmotionPreset::Surprised, Expression::Surprised),
];
