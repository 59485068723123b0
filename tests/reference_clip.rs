//! Reference clips (issue #18): a clip rendered by the project from a real photo with known yaw,
//! pitch and roll curves, tracked back (detector once, landmarks, the mean face fitted, One-Euro
//! smoothing) from PNG frames and from the same frames as an H.264 MP4; lost frames hold the last
//! pose and are reported; clips of expressions read as those emotions; a posed head moves without
//! the picture around it; bad clips are typed errors.

use std::path::{Path, PathBuf};

use emotalk::face::import::import_rig;
use emotalk::face::{BlendshapeBasis, EmotionPreset, HeadPose, PreparedPortrait};
use emotalk::vision::FacePerception;
use emotalk::vision::clip::track::{TrackOptions, track_clip};
use emotalk::emotion::{EmotionEncoders, EmotionSpec};
use emotalk::vision::clip::video::write_mp4;
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
    let video = dir.path().join("clip.mp4");
    write_mp4(&video, &frames, 25).unwrap();
    let perception = FacePerception::<B>::shipped(&Default::default()).unwrap();
    // The renderer projects orthographically.
    let options = TrackOptions { camera: Some(Camera::Orthographic), ..TrackOptions::default() };
    // The photo's own head is not square to the camera: the truth is its rest pose (the fit of a
    // render at pose 0) plus the rendered angles.
    let rest_img = emotalk::vision::RgbF32::from_rgba(&p.render(&weights, &HeadPose::default(), basis));
    let face = perception.analyse(&rest_img, &options.detect).into_iter().next().expect("the rest face");
    let rest = emotalk::vision::headpose::fit_head_pose(&face.landmarks, Camera::Orthographic).unwrap().pose;
    println!("the photo's own pose: yaw {:.2}°, pitch {:.2}°, roll {:.2}°", rest.yaw, rest.pitch, rest.roll);
    // The frames as PNG files, and the same frames through H.264 in an MP4.
    for clip in [Clip::open(dir.path(), 25.0).unwrap(), Clip::open(&video, 1.0).unwrap()] {
        println!("{}:", clip.path().display());
        assert_eq!(clip.len(), n);
        assert_eq!(clip.fps(), 25.0, "a directory plays at the rate given, a video at its own");
        check_pose_track(&clip, &perception, &options, rest);
    }
}

fn check_pose_track(clip: &Clip, perception: &FacePerception<B>, options: &TrackOptions, rest: HeadPose) {
    let n = clip.len();
    let track = track_clip(clip, perception, options).unwrap();
    assert_eq!(track.gaps(), vec![30..33], "the lost frames are reported");
    // Detected once at the start and once after the gap; tracked in between.
    assert_eq!(track.detections(), 2);
    let poses = track.poses().unwrap();
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
    // A file named as a video that is none, and a video cut short: typed errors naming the file.
    let not_video = empty.path().join("clip.mp4");
    std::fs::write(&not_video, b"not a video at all").unwrap();
    let e = Clip::open(&not_video, 25.0).unwrap_err();
    assert!(matches!(e, ClipError::Video(_)) && e.to_string().contains("clip.mp4"), "{e}");
    let frames: Vec<image::RgbaImage> = (0..8).map(|i| image::RgbaImage::from_pixel(64, 48, image::Rgba([i * 30, 90, 90, 255]))).collect();
    let whole = empty.path().join("whole.mp4");
    write_mp4(&whole, &frames, 25).unwrap();
    let bytes = std::fs::read(&whole).unwrap();
    let cut = empty.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
    let e = match Clip::open(&cut, 25.0) {
        Err(e) => e,
        Ok(clip) => clip.frames().unwrap().find_map(Result::err).expect("a cut video fails somewhere"),
    };
    assert!(e.to_string().contains("cut.mp4"), "{e}");
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

/// A clip of the portrait going from rest to `emotion` at intensity 2.5 and holding it (16 frames).
fn expression_clip(p: &PreparedPortrait, emotion: EmotionPreset, dir: &Path) {
    let basis = BlendshapeBasis::default_basis();
    let frames: Vec<image::RgbaImage> = (0..16)
        .map(|i| {
            let mu = 2.5 * (i as f32 / 6.0).min(1.0);
            p.render(&emotion.weights(mu), &HeadPose::default(), basis)
        })
        .collect();
    write_frames(dir, &frames);
}

#[test]
fn a_clip_of_an_expression_reads_as_that_emotion() {
    let encoders = EmotionEncoders::<B>::builtin();
    let basis = BlendshapeBasis::default_basis();
    let npc = |seed| {
        let n = emotalk::face::npc::generate(seed, 256);
        PreparedPortrait::new(n.image, &n.rig, basis).unwrap()
    };
    let (npc3, npc7) = (npc(3), npc(7));
    for (who, p, emotion) in [
        ("astronaut", &astronaut(), EmotionPreset::Surprised),
        ("NPC 3", &npc3, EmotionPreset::Surprised),
        ("NPC 7", &npc7, EmotionPreset::Surprised),
        ("NPC 3", &npc3, EmotionPreset::Disgusted),
        ("NPC 7", &npc7, EmotionPreset::Fear),
    ] {
        let dir = tempfile::tempdir().unwrap();
        expression_clip(p, emotion, dir.path());
        let r = EmotionSpec::clip(dir.path()).resolve(&encoders).unwrap();
        let m = r.embedding.mixture();
        println!("{who} {emotion:?} clip: {:?} at {:.2}, mixture {m:.2?}", r.embedding.dominant(), r.intensity);
        assert_eq!(r.embedding.dominant(), emotion, "{who}: {m:?}");
        assert!(r.intensity > 1.0, "{who}: intensity {}", r.intensity);
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
    }
}

#[test]
fn a_posed_head_moves_not_the_picture() {
    let p = astronaut();
    let basis = BlendshapeBasis::default_basis();
    let weights = EmotionPreset::Neutral.weights(1.0);
    let rest = p.render(&weights, &HeadPose::default(), basis);
    let lm = p.rest();
    let iod = lm[36].distance(lm[45]);
    let (chin, eyes) = (lm[8], (lm[36] + lm[45]) / 2.0);
    let (w, h) = rest.dimensions();
    // PSNR of the posed render against the rest render over the pixels `keep` selects.
    let psnr_where = |a: &image::RgbaImage, keep: &dyn Fn(f32, f32) -> bool| {
        let (mut se, mut n) = (0.0f64, 0usize);
        for (x, y, px) in a.enumerate_pixels() {
            if keep(x as f32 + 0.5, y as f32 + 0.5) {
                let q = rest.get_pixel(x, y);
                se += (0..3).map(|c| (px.0[c] as f64 - q.0[c] as f64).powi(2)).sum::<f64>();
                n += 3;
            }
        }
        if se == 0.0 { f64::INFINITY } else { 10.0 * (255.0f64.powi(2) / (se / n as f64)).log10() }
    };
    // The shoulders and the collar: below the chin by 0.6 to 2 IOD; the top edge; the face.
    let body = |_x: f32, y: f32| y > chin.y + 0.6 * iod && y < chin.y + 2.0 * iod;
    let top = |_x: f32, y: f32| y < 0.02 * h as f32;
    let face = |x: f32, y: f32| (x - eyes.x).abs() < 0.6 * iod && y > eyes.y - 0.3 * iod && y < chin.y;
    for (yaw, pitch, roll) in [(0.0, 0.0, 10.0), (20.0, 0.0, 0.0), (0.0, 10.0, 0.0), (-20.0, -10.0, -10.0)] {
        let posed = p.render(&weights, &HeadPose { yaw, pitch, roll, ..HeadPose::default() }, basis);
        let (b, t, f) = (psnr_where(&posed, &body), psnr_where(&posed, &top), psnr_where(&posed, &face));
        println!("yaw {yaw}, pitch {pitch}, roll {roll}: body {b:.1} dB, top edge {t:.1} dB, face {f:.1} dB ({w}x{h})");
        assert!(f < 22.0, "the head turns: face {f:.1} dB");
        // With the whole head's surroundings turning (as before this test), 34.9–40.7 dB.
        assert!(b >= 38.5, "the body stays: {b:.1} dB");
        assert!(t >= 35.0, "the top edge stays: {t:.1} dB");
    }
}

#[test]
fn a_directory_of_jpeg_frames_is_a_clip() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..3u8 {
        let img = image::RgbImage::from_pixel(40, 30, image::Rgb([40 * i, 90, 200]));
        img.save(dir.path().join(format!("f{i}.jpg"))).unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "not a frame").unwrap();
    let clip = Clip::open(dir.path(), 30.0).unwrap();
    assert_eq!((clip.len(), clip.fps(), clip.is_video()), (3, 30.0, false));
    let frames: Vec<image::RgbaImage> = clip.frames().unwrap().map(Result::unwrap).collect();
    assert_eq!(frames.len(), 3);
    let px = frames[2].get_pixel(20, 15).0;
    assert!((px[0] as i32 - 80).abs() < 6 && (px[2] as i32 - 200).abs() < 6, "{px:?}");
}
