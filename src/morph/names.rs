//! Morph target names to the face model's 52 ARKit blendshapes: ARKit's own names in the
//! spellings exporters use, and the expression presets of VRM 0.x and 1.0 as mixes of them.

use crate::face::blendshapes::{N_BLENDSHAPES, NAMES, index_of};

/// How one morph target follows [`crate::talk::FaceState`]: its weight is
/// `clamp(Σ coefficient · weights[index], 0, 1)`. Empty: a known name that stays at 0 (VRM's
/// `neutral`).
pub type TargetMix = Vec<(usize, f32)>;

/// `name` in lower case with everything but letters and digits removed, and any namespace before
/// the last `.` dropped (`"blendShape1.eyeBlink_L"` → `"eyeblinkl"`).
fn normalise(name: &str) -> String {
    let tail = name.rsplit('.').next().unwrap_or(name);
    tail.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect()
}

/// The ARKit blendshape `name` stands for: exact names, any case and separators
/// (`EyeBlinkLeft`, `eye_blink_left`), a namespace prefix (`blendShape1.jawOpen`, Apple and
/// Reallusion exports), and `_L`/`_R` for `Left`/`Right` (`eyeBlink_L`).
pub fn arkit_index(name: &str) -> Option<usize> {
    let n = normalise(name);
    let find = |n: &str| (0..N_BLENDSHAPES).find(|&k| normalise(NAMES[k]) == n);
    find(&n).or_else(|| {
        let (stem, side) = n.split_at(n.len().checked_sub(1)?);
        match side {
            "l" => find(&format!("{stem}left")),
            "r" => find(&format!("{stem}right")),
            _ => None,
        }
    })
}

/// An ARKit mix by name.
type Mix = &'static [(&'static str, f32)];

/// VRM 1.0 expression presets (and, in the second column, the VRM 0.x blend shape preset of the
/// same meaning), with the ARKit mix that drives each.
const VRM: [(&str, &str, Mix); 18] = [
    ("aa", "a", &[("jawOpen", 1.0)]),
    ("ih", "i", &[("mouthStretchLeft", 0.5), ("mouthStretchRight", 0.5), ("jawOpen", 0.2)]),
    ("ou", "u", &[("mouthPucker", 1.0)]),
    ("ee", "e", &[("mouthStretchLeft", 0.3), ("mouthStretchRight", 0.3), ("jawOpen", 0.4)]),
    ("oh", "o", &[("mouthFunnel", 1.0), ("jawOpen", 0.3)]),
    ("blink", "blink", &[("eyeBlinkLeft", 0.5), ("eyeBlinkRight", 0.5)]),
    ("blinkleft", "blinkl", &[("eyeBlinkLeft", 1.0)]),
    ("blinkright", "blinkr", &[("eyeBlinkRight", 1.0)]),
    ("happy", "joy", &[("mouthSmileLeft", 0.5), ("mouthSmileRight", 0.5)]),
    ("angry", "angry", &[("browDownLeft", 0.5), ("browDownRight", 0.5)]),
    ("sad", "sorrow", &[("mouthFrownLeft", 0.35), ("mouthFrownRight", 0.35), ("browInnerUp", 0.3)]),
    (
        "relaxed",
        "fun",
        &[("mouthSmileLeft", 0.25), ("mouthSmileRight", 0.25), ("eyeSquintLeft", 0.25), ("eyeSquintRight", 0.25)],
    ),
    ("surprised", "surprised", &[("eyeWideLeft", 0.3), ("eyeWideRight", 0.3), ("browInnerUp", 0.2), ("jawOpen", 0.2)]),
    ("lookup", "lookup", &[("eyeLookUpLeft", 0.5), ("eyeLookUpRight", 0.5)]),
    ("lookdown", "lookdown", &[("eyeLookDownLeft", 0.5), ("eyeLookDownRight", 0.5)]),
    ("lookleft", "lookleft", &[("eyeLookOutLeft", 0.5), ("eyeLookInRight", 0.5)]),
    ("lookright", "lookright", &[("eyeLookInLeft", 0.5), ("eyeLookOutRight", 0.5)]),
    ("neutral", "neutral", &[]),
];

/// The mix a morph target named `name` follows: an ARKit blendshape (weight 1), else a VRM 1.0
/// or 0.x expression preset; `None` for a name neither knows.
pub fn target_mix(name: &str) -> Option<TargetMix> {
    if let Some(k) = arkit_index(name) {
        return Some(vec![(k, 1.0)]);
    }
    let n = normalise(name);
    let (_, _, mix) = VRM.iter().find(|(v1, v0, _)| *v1 == n || *v0 == n)?;
    Some(mix.iter().filter_map(|(arkit, c)| index_of(arkit).map(|k| (k, *c))).collect())
}

/// The weight of a target following `mix`, from the 52 ARKit weights.
pub fn mix_weight(mix: &[(usize, f32)], weights: &[f32; N_BLENDSHAPES]) -> f32 {
    let w: f32 = mix.iter().map(|(k, c)| c * weights[*k]).sum();
    if w.is_finite() { w.clamp(0.0, 1.0) } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arkit_names_are_found_in_every_common_spelling() {
        let blink = index_of("eyeBlinkLeft").unwrap();
        for name in
            ["eyeBlinkLeft", "EyeBlinkLeft", "eye_blink_left", "blendShape1.eyeBlinkLeft", "eyeBlink_L", "EYEBLINKLEFT"]
        {
            assert_eq!(arkit_index(name), Some(blink), "{name}");
        }
        assert_eq!(arkit_index("mouthLeft"), index_of("mouthLeft"));
        assert_eq!(arkit_index("cheekPuff"), index_of("cheekPuff"));
        assert_eq!(arkit_index("Fcl_ALL_Joy"), None);
        // Every ARKit name maps to itself.
        for (k, name) in NAMES.iter().enumerate() {
            assert_eq!(arkit_index(name), Some(k));
        }
    }

    #[test]
    fn vrm_presets_mix_the_arkit_weights() {
        let mut w = [0.0; N_BLENDSHAPES];
        w[index_of("mouthSmileLeft").unwrap()] = 0.8;
        w[index_of("mouthSmileRight").unwrap()] = 0.6;
        w[index_of("eyeBlinkRight").unwrap()] = 1.0;
        let happy = target_mix("happy").unwrap();
        assert!((mix_weight(&happy, &w) - 0.7).abs() < 1e-6);
        assert_eq!(target_mix("Joy"), Some(happy), "VRM 0.x names the same preset Joy");
        assert_eq!(mix_weight(&target_mix("Blink_R").unwrap(), &w), 1.0);
        assert_eq!(mix_weight(&target_mix("blinkLeft").unwrap(), &w), 0.0);
        assert_eq!(target_mix("neutral"), Some(vec![]));
        assert_eq!(target_mix("Fcl_MTH_Large"), None);
    }
}
