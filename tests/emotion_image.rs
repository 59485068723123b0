//! Emotion read off a reference face: the smiling astronaut comes out happy, and faces drawn
//! with a known emotion come back as that emotion.

use std::path::PathBuf;

use emotalk::emotion::encode_face;
use emotalk::face::import::import_rig;
use emotalk::face::{BlendshapeBasis, EmotionPreset, mean_face};
use glam::Vec2;

#[test]
fn the_smiling_astronaut_comes_out_happy() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/portraits");
    let rig = import_rig(&dir.join("astronaut.png"), &dir.join("astronaut.landmarks68.json")).unwrap();
    let e = encode_face(&rig.points(), BlendshapeBasis::default_basis()).unwrap();
    let m = e.embedding.mixture();
    println!(
        "astronaut: mixture {m:?}, valence {:.2}, arousal {:.2}, intensity {:.2}",
        e.embedding.valence(),
        e.embedding.arousal(),
        e.intensity
    );
    assert_eq!(e.embedding.dominant(), EmotionPreset::Happy);
    // Happy leads clearly; the rest (angry, disgusted) comes from brow and upper-lip shapes the
    // single-image fit cannot tell apart from her identity.
    assert!(m[emotalk::emotion::space::class_index(EmotionPreset::Happy)] > 0.45, "{m:?}");
    assert!(e.embedding.valence() > 0.0, "a smile is pleasant");
    assert!(e.intensity > 1.0);
}

#[test]
fn synthetic_faces_come_back_as_the_emotion_they_show() {
    let basis = BlendshapeBasis::default_basis();
    let m = mean_face();
    for p in EmotionPreset::ALL[1..].iter().copied() {
        let d = basis.displacements(&p.weights(2.5));
        let lm: [Vec2; 68] = std::array::from_fn(|i| (m[i] + d[i]).truncate() * 150.0 + Vec2::new(256.0, 220.0));
        let e = encode_face(&lm, basis).unwrap();
        assert_eq!(e.embedding.dominant(), p, "{}: mixture {:?}", p.name(), e.embedding.mixture());
    }
    let neutral: [Vec2; 68] = std::array::from_fn(|i| m[i].truncate() * 150.0 + Vec2::new(256.0, 220.0));
    let e = encode_face(&neutral, basis).unwrap();
    assert_eq!(e.embedding.dominant(), EmotionPreset::Neutral);
    assert!(e.intensity < 0.2);
}
