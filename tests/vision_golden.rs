//! The burn port of face-api against face-api itself: golden outputs written by
//! `tools/face-api-golden/golden.mjs` (face-api 1.7.15 on tfjs 4.22's pure-JS CPU backend, in
//! Node) for the shared astronaut photo and the two bundled NPC portraits.
//!
//! Bars (issue 13): boxes IoU ≥ 0.95, landmarks within 0.5 px, probabilities within 1e-3. Each
//! stage is fed face-api's own input from the stage before (its box for the landmarks, its
//! landmarks for the expression crop), so a mismatch points at one stage.

use std::path::{Path, PathBuf};

use burn::backend::Flex;
use emotalk::vision::perceive::nme;
use emotalk::vision::{Expression, FacePerception, Rect, RgbF32};
use serde_json::Value;

type B = Flex;

fn golden() -> Value {
    let text = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/vision/face_api_golden.json"))
        .expect("golden file");
    serde_json::from_str(&text).expect("golden JSON")
}

fn image_path(file: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if file == "astronaut.png" { root.join("../shared/data/portraits/astronaut.png") } else { root.join("assets/portraits").join(file) }
}

fn load(file: &str) -> RgbF32 {
    RgbF32::from_rgba(&image::open(image_path(file)).expect("image").to_rgba8())
}

fn rect(v: &Value) -> Rect {
    let f = |k: &str| v[k].as_f64().unwrap() as f32;
    Rect { x: f("x"), y: f("y"), width: f("width"), height: f("height") }
}

fn points(v: &Value) -> [[f32; 2]; 68] {
    let a = v.as_array().unwrap();
    std::array::from_fn(|i| [a[i][0].as_f64().unwrap() as f32, a[i][1].as_f64().unwrap() as f32])
}

fn perception() -> FacePerception<B> {
    FacePerception::<B>::shipped(&Default::default()).expect("shipped vision weights")
}

#[test]
fn detector_matches_face_api_at_every_size() {
    let g = golden();
    let p = perception();
    for im in g["images"].as_array().unwrap() {
        let file = im["file"].as_str().unwrap();
        let img = load(file);
        // The raw grid at 416 (face-api's is NHWC, ours NCHW).
        let raw = &im["raw_detector_416"];
        let want: Vec<f32> = raw["data"].as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
        let input = img.to_square(416, false).to_tensor::<B>(emotalk::vision::detector::MEAN_RGB, &p.device);
        let ours = p.nets.detector.forward(input).into_data().into_vec::<f32>().unwrap();
        let cells = 13;
        let mut worst = 0.0f32;
        for r in 0..cells {
            for c in 0..cells {
                for ch in 0..25 {
                    let a = ours[(ch * cells + r) * cells + c];
                    let b = want[(r * cells + c) * 25 + ch];
                    worst = worst.max((a - b).abs());
                }
            }
        }
        eprintln!("{file}: raw detector grid at 416 within {worst:.2e} of face-api");
        assert!(worst < 2e-3, "{file}: raw detector output differs by {worst}");
        for (size, dets) in im["detections"].as_object().unwrap() {
            let size: usize = size.parse().unwrap();
            let want = dets.as_array().unwrap();
            let found = p.detect_at(&img, size, 0.5);
            assert_eq!(found.len(), want.len(), "{file} at {size}: {found:?} vs {want:?}");
            for (d, w) in found.iter().zip(want) {
                let iou = d.rect.iou(&rect(w));
                eprintln!("{file} at {size}: IoU {iou:.5}");
                assert!(iou >= 0.95, "{file} at {size}: IoU {iou}");
                let ds = (d.score - w["score"].as_f64().unwrap() as f32).abs();
                assert!(ds < 1e-3, "{file} at {size}: score differs by {ds}");
            }
        }
    }
}

#[test]
fn landmarks_and_expressions_match_face_api() {
    let g = golden();
    let p = perception();
    for im in g["images"].as_array().unwrap() {
        let file = im["file"].as_str().unwrap();
        let img = load(file);
        for face in im["faces"].as_array().unwrap() {
            let det = rect(&face["detection"]);
            let ours = p.landmarks(&img, &det, false).expect("landmarks");
            let want = points(&face["landmarks"]);
            let worst = ours.iter().zip(&want).map(|(a, b)| (a[0] - b[0]).hypot(a[1] - b[1])).fold(0.0f32, f32::max);
            eprintln!("{file}: landmarks within {worst:.4} px of face-api");
            assert!(worst <= 0.5, "{file}: landmarks differ by up to {worst} px");
            // The expression net on the crop face-api took (its own landmarks).
            let (b, probs) = p.expressions(&img, &want).expect("expression crop");
            assert!(b.iou(&rect(&face["expression_box"])) > 0.999, "{file}: expression box {b:?}");
            let worst_p = Expression::ALL
                .iter()
                .zip(&probs)
                .map(|(c, &v)| (v - face["expressions"][c.name()].as_f64().unwrap() as f32).abs())
                .fold(0.0f32, f32::max);
            eprintln!("{file}: expression probabilities within {worst_p:.2e} of face-api");
            for (c, &v) in Expression::ALL.iter().zip(&probs) {
                let w = face["expressions"][c.name()].as_f64().unwrap() as f32;
                assert!((v - w).abs() <= 1e-3, "{file}: P({}) = {v}, face-api {w}", c.name());
            }
        }
    }
}


#[test]
fn astronaut_landmarks_land_near_the_reference_annotation() {
    let reference: Value = serde_json::from_str(
        &std::fs::read_to_string(image_path("astronaut.png").with_file_name("astronaut.landmarks68.json")).unwrap(),
    )
    .unwrap();
    let reference = points(&reference["landmarks"]);
    let p = perception();
    let img = load("astronaut.png");
    let face = &p.detect(&img, &Default::default())[0].0;
    let plain = p.landmarks(&img, &face.rect, false).unwrap();
    let refined = p.landmarks(&img, &face.rect, true).unwrap();
    let (e0, e1) = (nme(&plain, &reference), nme(&refined, &reference));
    eprintln!("astronaut NME: {e0:.4} one pass, {e1:.4} refined");
    assert!(e0 < 0.035, "NME {e0}");
    assert!(e1 < 0.035, "NME {e1}");
}
