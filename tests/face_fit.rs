//! Fitting the face model to the real photo: the smiling astronaut comes out smiling, the rest
//! pose reproduces her landmarks, and asking for `neutral` takes the smile away.

use std::path::PathBuf;

use emotalk::face::blendshapes::{NAMES, index_of};
use emotalk::face::import::import_rig;
use emotalk::face::{BlendshapeBasis, EmotionPreset, FaceFit};

fn astronaut_fit() -> (FaceFit, [glam::Vec2; 68]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/portraits");
    let rig = import_rig(&dir.join("astronaut.png"), &dir.join("astronaut.landmarks68.json")).unwrap();
    let lm = rig.points();
    (FaceFit::fit(&lm, BlendshapeBasis::default_basis()).unwrap(), lm)
}

#[test]
fn the_smiling_astronaut_fits_as_smiling_and_neutral_removes_it() {
    let basis = BlendshapeBasis::default_basis();
    let (fit, lm) = astronaut_fit();
    let shown: Vec<String> =
        NAMES.iter().zip(fit.weights).filter(|(_, w)| *w > 0.05).map(|(n, w)| format!("{n} {w:.2}")).collect();
    println!(
        "astronaut: {} (scale {:.1} px/IOD, residual {:.4})",
        shown.join(", "),
        fit.similarity.scale(),
        fit.residual_rms
    );
    let smile =
        (fit.weights[index_of("mouthSmileLeft").unwrap()] + fit.weights[index_of("mouthSmileRight").unwrap()]) / 2.0;
    assert!(smile > 0.3, "the astronaut smiles: mouthSmile {smile}");
    // The rest pose is the photo.
    let rest = fit.rest_landmarks();
    assert!(rest.iter().zip(&lm).all(|(a, b)| a.distance(*b) < 0.05));
    // Neutral: the mouth corners come down (image y grows) by at least a pixel, and the lips
    // she holds apart over her teeth (6 px) close.
    let neutral = fit.landmarks_with(&EmotionPreset::Neutral.weights(1.0), basis);
    assert!(lm[66].y - lm[62].y > 5.0, "her teeth show");
    assert!(neutral[66].y - neutral[62].y < 1.5, "neutral closes the lips: {}", neutral[66].y - neutral[62].y);
    for c in [48, 54] {
        assert!(neutral[c].y - lm[c].y > 1.0, "corner {c}: {} -> {}", lm[c].y, neutral[c].y);
    }
    // Neutral brings the corners level with the middle of the lips, as the mean face has them,
    // rather than keeping the curve of her smile (they rose 0.14 and 0.12 IOD above it; the
    // fitted smile alone left 0.05 and 0.04).
    let iod = fit.similarity.scale();
    let rise = |l: &[glam::Vec2; 68], c: usize, scale: f32| ((l[51].y + l[57].y) / 2.0 - l[c].y) / scale;
    let mean = emotalk::face::mean::mean_face_2d();
    for c in [48, 54] {
        let (at_neutral, in_mean) = (rise(&neutral, c, iod), rise(&mean, c, 1.0));
        assert!(
            (at_neutral - in_mean).abs() < 0.02,
            "corner {c}: {at_neutral:.3} IOD above the mid-lip at neutral, the mean face {in_mean:.3}"
        );
        assert!(rise(&lm, c, iod) - at_neutral > 0.09, "corner {c}");
    }
    // Sad goes further down than neutral; happy at full intensity keeps them up.
    let sad = fit.landmarks_with(&EmotionPreset::Sad.weights(3.0), basis);
    assert!(sad[48].y > neutral[48].y && sad[54].y > neutral[54].y);
    let happy = fit.landmarks_with(&EmotionPreset::Happy.weights(3.0), basis);
    assert!(happy[48].y < neutral[48].y - 1.0 && happy[54].y < neutral[54].y - 1.0);
}
