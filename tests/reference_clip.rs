//! Reference clips (issue #18): a clip rendered by the project from a real photo with known yaw,
//! pitch and roll curves, tracked back (detector once, landmarks, the mean face fitted, One-Euro
//! smoothing); lost frames hold the last pose and are reported; bad clips are typed errors.

use std::path::{Path, PathBuf};

use emotalk::face::import::import_rig;
use emotalk::face::{BlendshapeBasis, EmotionPreset, HeadPose, PreparedPortrait};
use emotalk::vision::FacePerception;
use emotalk::vision::clip::track::{TrackOptions, track_clip};
use emotalk::vision::clip::{Clip, ClipError};
use emotalk::vision::headpose::Camera;

type B = burn::backend::Flex;

fn astronaut() -> PreparedPortrait {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/portraits");
    let rig = import_rig(&dir.join("astronaut.png"), &dir.join("astronaut.landmarks68.json")).unwrap();
    let img = image::open(dir.join("astronaut.png")).unwrap().to_rgba8();
    PreparedPortrait::new(img, &rig, BlendshapeBasis::default_basis()).unwrap()
}

/// Known head angles at frame `i` of 40 (25 fps): yaw ±15°, pitch ±8°, roll ±6°, at different
/// rates so that the axes are not confounded.
fn truth(i: usize) -> (f32, f32, f32) {
    let t = i as f32 / 25.0;
    let s = |hz: f32, phase: f32| (std::f32::consts::TAU * hz * t + phase).sin();
    (15.0 * s(0.6, 0.0), 8.0 * s(0.9, 1.0), 6.0 * s(0.45, 2.0))
}

fn pearson(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len() as f32;
    let (ma, mb) = (a.iter().sum::<f32>() / n, b.iter().sum::<f32>() / n);
    let cov: f32 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f32 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f32 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

fn write_frames(dir: &Path, frames: &[image::RgbaImage]) {
    for (i, f) in frames.iter().enumerate() {
        f.save(dir.join(format!("{i:04}.png"))).unwrap();
    }
}

#[test]
fn a_rendered_clip_gives_back_its_head_pose() {
    let p = astronaut();
    let basis = BlendshapeBasis::default_basis();
    let weights = EmotionPreset::Neutral.weights(1.0);
    let n = 40;
    let mut frames: Vec<image::RgbaImage> = (0..n)
        .map(|i| {
            let (yaw, pitch, roll) = truth(i);
            p.render(&weights, &HeadPose { yaw, pitch, roll, ..HeadPose::default() }, basis)
        })
        .collect();
    // Frames 30–32: the face is gone (a grey card), as when a subject leaves the frame.
    for f in &mut frames[30..33] {
        *f = image::RgbaImage::from_pixel(f.width(), f.height(), image::Rgba([128, 128, 128, 255]));
    }
    let dir = tempfile::tempdir().unwrap();
    write_frames(dir.path(), &frames);
    let clip = Clip::open(dir.path(), 25.0).unwrap();
    assert_eq!(clip.len(), n);
    let perception = FacePerception::<B>::shipped(&Default::default()).unwrap();
    // The renderer projects orthographically.
    let options = TrackOptions { camera: Some(Camera::Orthographic), ..TrackOptions::default() };
    let track = track_clip(&clip, &perception, &options).unwrap();
    assert_eq!(track.gaps(), vec![30..33], "the lost frames are reported");
    // Detected once at the start and once after the gap; tracked in between.
    assert_eq!(track.detections(), 2);
    let poses = track.poses().unwrap();
    // The photo's own head is not square to the camera: the truth is its rest pose (the fit of a
    // render at pose 0) plus the rendered angles.
    let rest_img = emotalk::vision::RgbF32::from_rgba(&p.render(&weights, &HeadPose::default(), basis));
    let face = perception.analyse(&rest_img, &options.detect).into_iter().next().expect("the rest face");
    let rest = emotalk::vision::headpose::fit_head_pose(&face.landmarks, Camera::Orthographic).unwrap().pose;
    println!("the photo's own pose: yaw {:.2}°, pitch {:.2}°, roll {:.2}°", rest.yaw, rest.pitch, rest.roll);
    assert_eq!(poses[31], poses[29], "a gap holds the last pose");
    let seen: Vec<usize> = (0..n).filter(|i| !(30..33).contains(i)).collect();
    for (axis, get) in [
        ("yaw", (|p: &HeadPose| p.yaw) as fn(&HeadPose) -> f32),
        ("pitch", |p: &HeadPose| p.pitch),
        ("roll", |p: &HeadPose| p.roll),
    ] {
        let want: Vec<f32> = seen
            .iter()
            .map(|&i| {
                let t = truth(i);
                get(&HeadPose { yaw: t.0 + rest.yaw, pitch: t.1 + rest.pitch, roll: t.2 + rest.roll, ..HeadPose::default() })
            })
            .collect();
        let got: Vec<f32> = seen.iter().map(|&i| get(&poses[i])).collect();
        let mae = want.iter().zip(&got).map(|(a, b)| (a - b).abs()).sum::<f32>() / want.len() as f32;
        let r = pearson(&want, &got);
        let raw: Vec<f32> = seen.iter().map(|&i| get(&track.frames[i].as_ref().unwrap().fit.pose)).collect();
        let raw_mae = want.iter().zip(&raw).map(|(a, b)| (a - b).abs()).sum::<f32>() / want.len() as f32;
        let bias = want.iter().zip(&raw).map(|(a, b)| b - a).sum::<f32>() / want.len() as f32;
        println!("{axis}: MAE {mae:.2}°, r {r:.3} (unsmoothed: MAE {raw_mae:.2}°, bias {bias:+.2}°)");
        assert!(mae <= 3.0 && r >= 0.9, "{axis}: MAE {mae:.2}°, r {r:.3}");
    }
}

#[test]
fn bad_clips_are_typed_errors_naming_the_file() {
    let empty = tempfile::tempdir().unwrap();
    let e = Clip::open(empty.path(), 25.0).unwrap_err();
    assert!(matches!(e, ClipError::Empty { .. }) && e.to_string().contains(&empty.path().display().to_string()));
    assert!(matches!(Clip::open("no/such/clip", 25.0), Err(ClipError::Io { .. })));
    assert!(matches!(Clip::open(empty.path(), 0.0), Err(ClipError::BadFps { .. })));
    assert!(matches!(Clip::open("README.md", 25.0), Err(ClipError::Unsupported { .. })));
    // A frame that is not an image, and a clip without any face.
    let dir = tempfile::tempdir().unwrap();
    let grey = image::RgbaImage::from_pixel(160, 120, image::Rgba([90, 90, 90, 255]));
    write_frames(dir.path(), &[grey.clone(), grey]);
    std::fs::write(dir.path().join("0002.png"), b"not a png").unwrap();
    let clip = Clip::open(dir.path(), 25.0).unwrap();
    let perception = FacePerception::<B>::shipped(&Default::default()).unwrap();
    let e = track_clip(&clip, &perception, &TrackOptions::default()).unwrap_err();
    assert!(matches!(e, ClipError::Frame { index: 2, .. }) && e.to_string().contains("0002.png"), "{e}");
    std::fs::remove_file(dir.path().join("0002.png")).unwrap();
    let clip = Clip::open(dir.path(), 25.0).unwrap();
    let e = track_clip(&clip, &perception, &TrackOptions::default()).unwrap_err();
    assert!(matches!(e, ClipError::NoFace { frames: 2, .. }), "{e}");
}
