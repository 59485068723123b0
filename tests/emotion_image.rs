//! Emotion read off a reference face: the smiling astronaut comes out happy, and faces drawn
//! with a known emotion come back as that emotion.

use std::path::{Path, PathBuf};

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

#[test]
fn a_bare_photo_gives_an_emotion_with_face_perception() {
    // No rig beside the copy: the face is found, fitted and read by the expression net too.
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("smile.png");
    std::fs::copy(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/portraits/astronaut.png"), &photo).unwrap();
    let encoders = emotalk::emotion::EmotionEncoders::<burn::backend::Flex>::builtin();
    let r = emotalk::emotion::EmotionSpec::image(&photo).resolve(&encoders).unwrap();
    assert_eq!(r.embedding.dominant(), emotalk::face::EmotionPreset::Happy, "{:?}", r.embedding.mixture());
    assert!(r.intensity > 1.5, "{}", r.intensity);
    // An image with no face is an error naming it, not a panic.
    let wall = dir.path().join("wall.png");
    image::RgbaImage::from_pixel(64, 64, image::Rgba([50, 50, 50, 255])).save(&wall).unwrap();
    let e = emotalk::emotion::EmotionSpec::image(&wall).resolve(&encoders).unwrap_err();
    assert!(e.to_string().contains("wall.png"), "{e}");
}
