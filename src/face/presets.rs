//! The 8 MEAD emotions as blendshape vectors, following the EMFACS prototypes (Friesen & Ekman,
//! 1983), scaled by an intensity `mu` in [0, 3].
//!
//! | Emotion | Action units | Blendshapes (weight at `mu = 3`) |
//! |---|---|---|
//! | neutral | — | none |
//! | angry | AU4 + AU5 + AU7 + AU23 | browDown 0.8, eyeWide 0.35, eyeSquint 0.5, mouthPress 0.6, mouthRollUpper/Lower 0.25 |
//! | contempt | unilateral AU12 + AU14 | mouthSmileLeft 0.45, mouthDimpleLeft 0.7 (left side only) |
//! | disgusted | AU9 + AU15 + AU16 | noseSneer 0.8, mouthFrown 0.5, mouthLowerDown 0.5, mouthUpperUp 0.35 |
//! | fear | AU1 + AU2 + AU4 + AU5 + AU7 + AU20 + AU26 | browInnerUp 0.8, browOuterUp 0.45, browDown 0.3, eyeWide 0.7, eyeSquint 0.2, mouthStretch 0.6, jawOpen 0.25 |
//! | happy | AU6 + AU12 | cheekSquint 0.7, mouthSmile 0.85, eyeSquint 0.15 |
//! | sad | AU1 + AU4 + AU15 | browInnerUp 0.8, browDown 0.35, mouthFrown 0.7, mouthShrugLower 0.2 |
//! | surprised | AU1 + AU2 + AU5 + AU26 | browInnerUp 0.85, browOuterUp 0.8, eyeWide 0.8, jawOpen 0.4 |
//!
//! Intensity: MEAD records each emotion at three levels; `mu = 3` is the table, and a weight
//! scales by `(mu / 3)^0.7` (so `mu = 1` gives 46 % and `mu = 2` 75 %: weak expressions still
//! read). Weights are clamped to [0, 1].

use super::blendshapes::{N_BLENDSHAPES, index_of};

/// One of the 8 MEAD emotion classes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EmotionPreset {
    /// No expression.
    Neutral,
    /// AU4 + AU5 + AU7 + AU23.
    Angry,
    /// Unilateral AU12 + AU14.
    Contempt,
    /// AU9 + AU15 + AU16.
    Disgusted,
    /// AU1 + AU2 + AU4 + AU5 + AU7 + AU20 + AU26.
    Fear,
    /// AU6 + AU12.
    Happy,
    /// AU1 + AU4 + AU15.
    Sad,
    /// AU1 + AU2 + AU5 + AU26.
    Surprised,
}

/// Exponent of the intensity curve (see the module docs).
const INTENSITY_GAMMA: f32 = 0.7;
/// The intensity at which the table's weights apply.
pub const MAX_INTENSITY: f32 = 3.0;

impl EmotionPreset {
    /// All 8, in MEAD's alphabetical order with neutral first.
    pub const ALL: [EmotionPreset; 8] = [
        EmotionPreset::Neutral,
        EmotionPreset::Angry,
        EmotionPreset::Contempt,
        EmotionPreset::Disgusted,
        EmotionPreset::Fear,
        EmotionPreset::Happy,
        EmotionPreset::Sad,
        EmotionPreset::Surprised,
    ];

    /// The MEAD name (`"happy"`).
    pub fn name(self) -> &'static str {
        match self {
            EmotionPreset::Neutral => "neutral",
            EmotionPreset::Angry => "angry",
            EmotionPreset::Contempt => "contempt",
            EmotionPreset::Disgusted => "disgusted",
            EmotionPreset::Fear => "fear",
            EmotionPreset::Happy => "happy",
            EmotionPreset::Sad => "sad",
            EmotionPreset::Surprised => "surprised",
        }
    }

    /// The preset with this MEAD name (case-insensitive).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.name().eq_ignore_ascii_case(name.trim()))
    }

    /// `(blendshape, weight at mu = 3)` pairs (both sides listed for symmetric expressions).
    fn table(self) -> &'static [(&'static str, f32)] {
        match self {
            EmotionPreset::Neutral => &[],
            EmotionPreset::Angry => &[
                ("browDownLeft", 0.8),
                ("browDownRight", 0.8),
                ("eyeWideLeft", 0.35),
                ("eyeWideRight", 0.35),
                ("eyeSquintLeft", 0.5),
                ("eyeSquintRight", 0.5),
                ("mouthPressLeft", 0.6),
                ("mouthPressRight", 0.6),
                ("mouthRollUpper", 0.25),
                ("mouthRollLower", 0.25),
            ],
            EmotionPreset::Contempt => &[("mouthSmileLeft", 0.45), ("mouthDimpleLeft", 0.7)],
            EmotionPreset::Disgusted => &[
                ("noseSneerLeft", 0.8),
                ("noseSneerRight", 0.8),
                ("mouthFrownLeft", 0.5),
                ("mouthFrownRight", 0.5),
                ("mouthLowerDownLeft", 0.5),
                ("mouthLowerDownRight", 0.5),
                ("mouthUpperUpLeft", 0.35),
                ("mouthUpperUpRight", 0.35),
            ],
            EmotionPreset::Fear => &[
                ("browInnerUp", 0.8),
                ("browOuterUpLeft", 0.45),
                ("browOuterUpRight", 0.45),
                ("browDownLeft", 0.3),
                ("browDownRight", 0.3),
                ("eyeWideLeft", 0.7),
                ("eyeWideRight", 0.7),
                ("eyeSquintLeft", 0.2),
                ("eyeSquintRight", 0.2),
                ("mouthStretchLeft", 0.6),
                ("mouthStretchRight", 0.6),
                ("jawOpen", 0.25),
            ],
            EmotionPreset::Happy => &[
                ("cheekSquintLeft", 0.7),
                ("cheekSquintRight", 0.7),
                ("mouthSmileLeft", 0.85),
                ("mouthSmileRight", 0.85),
                ("eyeSquintLeft", 0.15),
                ("eyeSquintRight", 0.15),
            ],
            EmotionPreset::Sad => &[
                ("browInnerUp", 0.8),
                ("browDownLeft", 0.35),
                ("browDownRight", 0.35),
                ("mouthFrownLeft", 0.7),
                ("mouthFrownRight", 0.7),
                ("mouthShrugLower", 0.2),
            ],
            EmotionPreset::Surprised => &[
                ("browInnerUp", 0.85),
                ("browOuterUpLeft", 0.8),
                ("browOuterUpRight", 0.8),
                ("eyeWideLeft", 0.8),
                ("eyeWideRight", 0.8),
                ("jawOpen", 0.4),
            ],
        }
    }

    /// The blendshape weights of this emotion at intensity `mu` (0 to 3; see the module docs).
    pub fn weights(self, mu: f32) -> [f32; N_BLENDSHAPES] {
        let scale = if mu.is_finite() && mu > 0.0 {
            (mu.min(MAX_INTENSITY) / MAX_INTENSITY).powf(INTENSITY_GAMMA)
        } else {
            0.0
        };
        let mut w = [0.0; N_BLENDSHAPES];
        for &(name, weight) in self.table() {
            let i = index_of(name).unwrap_or_else(|| panic!("preset table names unknown blendshape {name}"));
            w[i] = (weight * scale).clamp(0.0, 1.0);
        }
        w
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intensity_orders_and_saturates() {
        let w = |mu| EmotionPreset::Happy.weights(mu)[index_of("mouthSmileLeft").unwrap()];
        assert_eq!(w(0.0), 0.0);
        assert!(w(1.0) < w(2.0) && w(2.0) < w(3.0));
        assert_eq!(w(3.0), 0.85);
        assert_eq!(w(5.0), w(3.0));
        assert_eq!(w(f32::NAN), 0.0);
        assert!(EmotionPreset::Neutral.weights(3.0).iter().all(|&v| v == 0.0));
        assert_eq!(EmotionPreset::from_name(" Surprised "), Some(EmotionPreset::Surprised));
        assert_eq!(EmotionPreset::from_name("furious"), None);
    }
}
