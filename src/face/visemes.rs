//! From timed phones to mouth motion: the phone → viseme → blendshape table and a coarticulation
//! model. EAC's synthetic training targets come from here (TTS programs give exact phone timings).
//!
//! **Visemes** are the 15 of the MPEG-4 / Oculus lip-sync set (`sil PP FF TH DD kk CH SS nn RR aa
//! E ih oh ou`). ARPAbet phones map to them by place of articulation ([`viseme_of`]); each viseme
//! is a small set of ARKit weights ([`Viseme::weights`]) authored from articulatory phonetics,
//! written without reference to any evaluation curve:
//! jaw height follows vowel height (open `aa` > mid `E`, `oh` > close `ih`, `ou`), bilabials seal
//! the lips (`mouthClose` = `jawOpen`, so the lip gap is zero, pressed), labiodentals tuck the lower
//! lip (`mouthRollLower`), rounded sounds funnel and pucker, sibilants bring the teeth together
//! with spread lips, dentals show the tongue.
//!
//! **Coarticulation** is Cohen & Massaro's dominance model (1993): segment `i` pulls the face
//! towards its target `T_i` with dominance `D_i(t) = α_i · exp(−θ_i · d_i(t))`, where `d_i(t)` is
//! the time from `t` to the segment (0 inside it), and the face is `Σ D_i T_i / Σ D_i`. Bilabials
//! dominate strongly and briefly (they must close even between open vowels), vowels spread
//! further, `HH` barely dominates (it takes its neighbours' shape).

use super::blendshapes::{N_BLENDSHAPES, index_of};

/// The 15 visemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Viseme {
    /// Silence: the mouth at rest, closed.
    Sil,
    /// M, B, P: lips sealed.
    PP,
    /// F, V: lower lip against the upper teeth.
    FF,
    /// TH, DH: tongue between the teeth.
    TH,
    /// T, D: tongue tip on the ridge, jaw fairly close.
    DD,
    /// K, G, NG: back of the tongue raised, jaw a little open.
    KK,
    /// CH, JH, SH, ZH: lips protruded, teeth close.
    CH,
    /// S, Z: teeth together, lips spread.
    SS,
    /// N, L: tongue tip up, jaw a little open.
    NN,
    /// R, ER: lips slightly rounded.
    RR,
    /// Open vowels (AA, AE, AH, AW, AY).
    AA,
    /// Mid front vowels (EH, EY).
    E,
    /// Close front vowels and Y (IH, IY, Y).
    IH,
    /// Mid back rounded vowels (AO, OW, OY).
    OH,
    /// Close rounded vowels and W (UW, UH, W).
    OU,
}

/// The viseme of an ARPAbet phone (stress digits ignored); unknown labels, noise and `HH` (which
/// has no shape of its own) are `None`.
pub fn viseme_of(phone: &str) -> Option<Viseme> {
    let p: String = phone.trim().chars().filter(|c| !c.is_ascii_digit()).collect::<String>().to_ascii_uppercase();
    Some(match p.as_str() {
        "SIL" | "SP" | "PAU" | "" => Viseme::Sil,
        "M" | "B" | "P" => Viseme::PP,
        "F" | "V" => Viseme::FF,
        "TH" | "DH" => Viseme::TH,
        "T" | "D" => Viseme::DD,
        "K" | "G" | "NG" => Viseme::KK,
        "CH" | "JH" | "SH" | "ZH" => Viseme::CH,
        "S" | "Z" => Viseme::SS,
        "N" | "L" => Viseme::NN,
        "R" | "ER" | "AXR" => Viseme::RR,
        "AA" | "AE" | "AH" | "AX" | "AW" | "AY" => Viseme::AA,
        "EH" | "EY" => Viseme::E,
        "IH" | "IY" | "Y" => Viseme::IH,
        "AO" | "OW" | "OY" => Viseme::OH,
        "UW" | "UH" | "W" => Viseme::OU,
        _ => return None,
    })
}

impl Viseme {
    /// All 15, in the order of the enum.
    pub const ALL: [Viseme; 15] = [
        Viseme::Sil,
        Viseme::PP,
        Viseme::FF,
        Viseme::TH,
        Viseme::DD,
        Viseme::KK,
        Viseme::CH,
        Viseme::SS,
        Viseme::NN,
        Viseme::RR,
        Viseme::AA,
        Viseme::E,
        Viseme::IH,
        Viseme::OH,
        Viseme::OU,
    ];

    /// `(blendshape, weight)` pairs of the viseme's target.
    fn table(self) -> &'static [(&'static str, f32)] {
        match self {
            Viseme::Sil => &[],
            Viseme::PP => {
                &[("jawOpen", 0.06), ("mouthClose", 0.06), ("mouthPressLeft", 0.35), ("mouthPressRight", 0.35)]
            }
            Viseme::FF => &[
                ("jawOpen", 0.1),
                ("mouthClose", 0.04),
                ("mouthRollLower", 0.6),
                ("mouthUpperUpLeft", 0.15),
                ("mouthUpperUpRight", 0.15),
            ],
            Viseme::TH => &[("jawOpen", 0.18), ("tongueOut", 0.35)],
            Viseme::DD => &[("jawOpen", 0.2), ("mouthStretchLeft", 0.1), ("mouthStretchRight", 0.1)],
            Viseme::KK => &[("jawOpen", 0.3)],
            Viseme::CH => &[("jawOpen", 0.14), ("mouthFunnel", 0.5), ("mouthPucker", 0.15)],
            Viseme::SS => &[("jawOpen", 0.08), ("mouthStretchLeft", 0.35), ("mouthStretchRight", 0.35)],
            Viseme::NN => &[("jawOpen", 0.24)],
            Viseme::RR => &[("jawOpen", 0.2), ("mouthFunnel", 0.3), ("mouthPucker", 0.2)],
            Viseme::AA => &[("jawOpen", 0.8), ("mouthLowerDownLeft", 0.3), ("mouthLowerDownRight", 0.3)],
            Viseme::E => &[
                ("jawOpen", 0.5),
                ("mouthStretchLeft", 0.3),
                ("mouthStretchRight", 0.3),
                ("mouthLowerDownLeft", 0.15),
                ("mouthLowerDownRight", 0.15),
            ],
            Viseme::IH => &[("jawOpen", 0.3), ("mouthStretchLeft", 0.45), ("mouthStretchRight", 0.45)],
            Viseme::OH => &[("jawOpen", 0.5), ("mouthFunnel", 0.6), ("mouthPucker", 0.1)],
            Viseme::OU => &[("jawOpen", 0.2), ("mouthPucker", 0.7), ("mouthFunnel", 0.35)],
        }
    }

    /// The viseme's 52 ARKit weights.
    pub fn weights(self) -> [f32; N_BLENDSHAPES] {
        let mut w = [0.0; N_BLENDSHAPES];
        for &(name, v) in self.table() {
            if let Some(k) = index_of(name) {
                w[k] = v;
            }
        }
        w
    }

    /// Dominance strength `α` and decay rate `θ` (1/s) of the coarticulation model.
    pub fn dominance(self) -> (f32, f32) {
        match self {
            Viseme::PP => (20.0, 45.0),
            Viseme::FF => (6.0, 35.0),
            Viseme::Sil => (6.0, 40.0),
            Viseme::AA | Viseme::E | Viseme::IH | Viseme::OH | Viseme::OU => (1.0, 15.0),
            Viseme::CH | Viseme::SS | Viseme::RR => (1.5, 25.0),
            _ => (0.8, 25.0),
        }
    }
}

/// One timed phone.
#[derive(Debug, Clone, PartialEq)]
pub struct TimedPhone {
    /// Start, seconds.
    pub start: f32,
    /// End, seconds.
    pub end: f32,
    /// ARPAbet label.
    pub phone: String,
}

/// Dominance of a phone with no viseme (`HH`, noise): it barely pulls, towards a half-open mouth.
const NEUTRAL_DOMINANCE: (f32, f32) = (0.15, 25.0);

/// The coarticulated blendshape track of timed phones at `fps`, frames `0..n_frames` (frame `t`
/// at `t / fps` seconds). Time before the first phone and after the last counts as silence.
pub fn phone_track(phones: &[TimedPhone], fps: f32, n_frames: usize) -> Vec<[f32; N_BLENDSHAPES]> {
    let segments: Vec<([f32; N_BLENDSHAPES], f32, f32, f32, f32)> = phones
        .iter()
        .filter(|p| p.end > p.start && p.start.is_finite() && p.end.is_finite())
        .map(|p| match viseme_of(&p.phone) {
            Some(v) => {
                let (a, th) = v.dominance();
                (v.weights(), a, th, p.start, p.end)
            }
            None => {
                let mut w = [0.0; N_BLENDSHAPES];
                if let Some(k) = index_of("jawOpen") {
                    w[k] = 0.35;
                }
                (w, NEUTRAL_DOMINANCE.0, NEUTRAL_DOMINANCE.1, p.start, p.end)
            }
        })
        .collect();
    let (first, last) = segments.iter().fold((f32::INFINITY, f32::NEG_INFINITY), |(a, b), s| (a.min(s.3), b.max(s.4)));
    let (sil_a, sil_th) = Viseme::Sil.dominance();
    (0..n_frames)
        .map(|f| {
            let t = f as f32 / fps;
            let mut acc = [0.0f32; N_BLENDSHAPES];
            let mut total = 0.0f32;
            // Silence before the first phone and after the last: regions (−∞, first] and
            // [last, ∞), at distance t − first and last − t.
            for d in [t - first, last - t] {
                if d.is_finite() {
                    total += sil_a * (-sil_th * d.max(0.0)).exp();
                }
            }
            for (w, a, th, start, end) in &segments {
                let d = if t < *start {
                    start - t
                } else if t > *end {
                    t - end
                } else {
                    0.0
                };
                let dom = a * (-th * d).exp();
                if dom > 1e-6 {
                    acc.iter_mut().zip(w).for_each(|(acc, w)| *acc += dom * w);
                    total += dom;
                }
            }
            if total > 0.0 { acc.map(|v| v / total) } else { acc }
        })
        .collect()
}

/// A speaking face under an emotion: the speech track's frame `speech` combined with the emotion's
/// face `emotion` (for example [`crate::emotion::EmotionEmbedding::blendshape_weights`]).
///
/// Each weight is the probabilistic union `1 − (1 − s)(1 − e)`, so both stay visible and the
/// result stays in [0, 1]; the jaw opens as the union too, but the lip seal keeps its share of
/// the jaw (`mouthClose / jawOpen` as in the speech frame), so bilabials stay sealed under an
/// emotion that opens the mouth (surprise, fear), and the emotion's lip-parting shapes
/// ([`LIP_PARTING`]) fade by the seal (held 2.5 times as strongly: coarticulation softens it).
pub fn with_emotion(speech: &[f32; N_BLENDSHAPES], emotion: &[f32; N_BLENDSHAPES]) -> [f32; N_BLENDSHAPES] {
    let mut out: [f32; N_BLENDSHAPES] =
        std::array::from_fn(|k| 1.0 - (1.0 - speech[k].clamp(0.0, 1.0)) * (1.0 - emotion[k].clamp(0.0, 1.0)));
    if let (Some(jaw), Some(close)) = (index_of("jawOpen"), index_of("mouthClose")) {
        let seal = if speech[jaw] > 1e-4 { (speech[close] / speech[jaw]).clamp(0.0, 1.0) } else { 0.0 };
        out[close] = seal * out[jaw];
        // The seal also holds the lips against an emotion that parts them (the raised upper
        // lip of a broad smile or of disgust): a bilabial closes whatever the emotion.
        // Coarticulation softens the seal around a bilabial's peak; the lips hold it longer.
        let lip_seal = (2.5 * seal).min(1.0);
        for name in LIP_PARTING {
            if let Some(k) = index_of(name) {
                let e = emotion[k].clamp(0.0, 1.0) * (1.0 - lip_seal);
                out[k] = 1.0 - (1.0 - speech[k].clamp(0.0, 1.0)) * (1.0 - e);
            }
        }
    }
    out
}

/// Emotion shapes that part the lips without the jaw; a bilabial's seal overrides them.
pub const LIP_PARTING: [&str; 4] =
    ["mouthUpperUpLeft", "mouthUpperUpRight", "mouthLowerDownLeft", "mouthLowerDownRight"];

/// What is wrong with a phone alignment TSV ([`read_phones_tsv`]). Every variant names the
/// 1-based line of the text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PhonesTsvError {
    /// A line has fewer than three tab-separated fields.
    #[error("line {line}: expected start, end and phone")]
    MissingFields {
        /// 1-based line of the text.
        line: usize,
    },
    /// The start or end time is not a number.
    #[error("line {line}: {field} \"{value}\" is not a number")]
    NotANumber {
        /// 1-based line of the text.
        line: usize,
        /// The field: `start` or `end`.
        field: &'static str,
        /// The text found there.
        value: String,
    },
}

/// Reads a phone alignment TSV (`start_s  end_s  phone  [word]`, with a header line).
pub fn read_phones_tsv(text: &str) -> Result<Vec<TimedPhone>, PhonesTsvError> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if line.trim().is_empty() {
            continue;
        }
        let (Some(s), Some(e), Some(p)) = (f.first(), f.get(1), f.get(2)) else {
            return Err(PhonesTsvError::MissingFields { line: i + 1 });
        };
        let num = |field: &'static str, v: &str| {
            v.trim().parse::<f32>().map_err(|_| PhonesTsvError::NotANumber { line: i + 1, field, value: v.to_string() })
        };
        out.push(TimedPhone { start: num("start", s)?, end: num("end", e)?, phone: p.trim().to_string() });
    }
    Ok(out)
}

/// The mouth aperture implied by blendshape weights, as `tools/lipsync/score.py` computes it:
/// `clip(jawOpen − mouthClose + 0.25·(lowerDown + upperUp) + 0.1·funnel − 0.25·pucker, 0, 1)`.
pub fn aperture(w: &[f32; N_BLENDSHAPES]) -> f32 {
    let g = |n: &str| index_of(n).map_or(0.0, |k| w[k]);
    let ld = (g("mouthLowerDownLeft") + g("mouthLowerDownRight")) / 2.0;
    let uu = (g("mouthUpperUpLeft") + g("mouthUpperUpRight")) / 2.0;
    (g("jawOpen") - g("mouthClose") + 0.25 * (ld + uu) + 0.1 * g("mouthFunnel") - 0.25 * g("mouthPucker"))
        .clamp(0.0, 1.0)
}
