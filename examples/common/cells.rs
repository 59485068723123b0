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

/// Preset variants for experiments (`--set EMOTION:name=w,name=w`, repeatable): each named
/// blendshape of that emotion gets the table weight `w` (its weight at intensity 3, scaled by
/// the intensity curve as the table's are); a name without its side (`browDown`) sets both
/// sides. Nothing is changed in the crate: a variant is measured here before a preset changes.
#[derive(Debug, Clone, Default)]
pub struct Variants(Vec<(EmotionPreset, usize, f32)>);

impl Variants {
    /// Every `--set` in `args`; panics with a usage line on a malformed one (an example's input).
    pub fn from_args(args: &[String]) -> Self {
        use emotalk::face::blendshapes::index_of;
        let mut sets = Vec::new();
        for (i, a) in args.iter().enumerate() {
            if a != "--set" {
                continue;
            }
            let spec = args.get(i + 1).expect("--set EMOTION:name=w,...");
            let (emotion, list) = spec.split_once(':').expect("--set EMOTION:name=w,...");
            let emotion = EmotionPreset::from_name(emotion).expect("--set: a MEAD emotion");
            for item in list.split(',') {
                let (name, w) = item.split_once('=').expect("--set: name=w");
                let w: f32 = w.parse().expect("--set: a number");
                let names: Vec<String> = if index_of(name).is_some() {
                    vec![name.to_string()]
                } else {
                    vec![format!("{name}Left"), format!("{name}Right")]
                };
                for n in names {
                    let k = index_of(&n).unwrap_or_else(|| panic!("--set: no blendshape {n}"));
                    sets.push((emotion, k, w));
                }
            }
        }
        Self(sets)
    }

    /// Whether any variant is set (so the output can say it measured one).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `emotion`'s weights at intensity `mu`, with this variant's changes.
    pub fn weights(&self, emotion: EmotionPreset, mu: f32) -> [f32; emotalk::face::blendshapes::N_BLENDSHAPES] {
        let mut w = emotion.weights(mu);
        let scale = EmotionPreset::intensity_scale(mu);
        for &(e, k, v) in &self.0 {
            if e == emotion {
                w[k] = (v * scale).clamp(0.0, 1.0);
            }
        }
        w
    }
}

/// The emotions named by `--only EMOTION,EMOTION` (all of them without it): an experiment on
/// one preset judges only the frames it changes. Panics with a usage line on an unknown name (an
/// example's input).
pub fn only(args: &[String]) -> Vec<EmotionPreset> {
    match args.iter().position(|a| a == "--only").and_then(|i| args.get(i + 1)) {
        Some(list) => list
            .split(',')
            .map(|e| EmotionPreset::from_name(e).unwrap_or_else(|| panic!("--only EMOTION,...: no emotion {e}")))
            .collect(),
        None => EmotionPreset::ALL.to_vec(),
    }
}

/// How far a portrait's own expression raises its cheeks and how much of the highlight that
/// models each it shows (`wrinkles::own_highlight`), the subject's right cheek then the left:
/// `"0.70 / 0.70 (1.00 / 0.28)"`.
#[allow(dead_code)]
pub fn cheeks(prepared: &emotalk::face::PreparedPortrait) -> String {
    use emotalk::face::wrinkles::group::{CHEEK_LEFT, CHEEK_RIGHT};
    let [r, l] = [CHEEK_RIGHT as usize, CHEEK_LEFT as usize];
    let (rest, shown) = (prepared.rest_creases(), prepared.own_highlight());
    format!("{:.2} / {:.2} ({:.2} / {:.2})", rest[r], rest[l], shown[r], shown[l])
}
