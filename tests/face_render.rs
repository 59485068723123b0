//! The reference CPU renderer on the real photo.

use std::path::PathBuf;

use emotalk::face::blendshapes::index_of;
use emotalk::face::import::import_rig;
use emotalk::face::render::psnr;
use emotalk::face::{BlendshapeBasis, EmotionPreset, HeadPose, PreparedPortrait};

fn astronaut() -> PreparedPortrait {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/portraits");
    let rig = import_rig(&dir.join("astronaut.png"), &dir.join("astronaut.landmarks68.json")).unwrap();
    let img = image::open(dir.join("astronaut.png")).unwrap().to_rgba8();
    PreparedPortrait::new(img, &rig, BlendshapeBasis::default_basis()).unwrap()
}

/// Mean absolute RGB difference over a rectangle.
fn diff(a: &image::RgbaImage, b: &image::RgbaImage, x0: u32, y0: u32, x1: u32, y1: u32) -> f64 {
    let mut sum = 0.0;
    for y in y0..y1 {
        for x in x0..x1 {
            let (p, q) = (a.get_pixel(x, y).0, b.get_pixel(x, y).0);
            sum += (0..3).map(|i| (p[i] as f64 - q[i] as f64).abs()).sum::<f64>() / 3.0;
        }
    }
    sum / ((x1 - x0) * (y1 - y0)) as f64
}

#[test]
fn the_rest_pose_reproduces_the_portrait() {
    let p = astronaut();
    let basis = BlendshapeBasis::default_basis();
    let rest = p.render(&p.fit().weights, &HeadPose::default(), basis);
    let db = psnr(&rest, p.image());
    assert!(db >= 40.0, "rest pose PSNR {db} dB");
}

#[test]
fn expressions_change_the_face_and_leave_the_background_alone() {
    let p = astronaut();
    let basis = BlendshapeBasis::default_basis();
    let mut w = [0.0; 52];
    w[index_of("jawOpen").unwrap()] = 0.8;
    let open = p.render(&w, &HeadPose::default(), basis);
    // The mouth region (face box 168..263 × 69..164; mouth around y 135-160) changes a lot…
    assert!(diff(&open, p.image(), 195, 135, 235, 165) > 8.0);
    // …the flag and the shuttle, far outside the outer ring, not at all.
    assert_eq!(diff(&open, p.image(), 0, 0, 60, 200), 0.0);
    assert_eq!(diff(&open, p.image(), 380, 0, 512, 250), 0.0);
    // A head turn moves the face, and still not the background.
    let turned = p.render(&EmotionPreset::Neutral.weights(1.0), &HeadPose { yaw: 15.0, ..Default::default() }, basis);
    let still = p.render(&EmotionPreset::Neutral.weights(1.0), &HeadPose::default(), basis);
    assert!(diff(&turned, &still, 180, 80, 250, 160) > 5.0, "yaw moved nothing");
    assert_eq!(diff(&turned, p.image(), 380, 0, 512, 250), 0.0);
}
