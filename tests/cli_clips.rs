//! Reference clips on the command line: head motion from one clip, emotion from another (PNG
//! frames or an H.264 MP4), run as a user runs them.

use std::path::Path;

mod common;
use common::{emotalk, read_csv};

/// The astronaut photo with its rig, ready to render.
fn astronaut() -> emotalk::face::PreparedPortrait {
    let portraits = Path::new("../shared/data/portraits");
    let rig = emotalk::face::import::import_rig(
        &portraits.join("astronaut.png"),
        &portraits.join("astronaut.landmarks68.json"),
    )
    .unwrap();
    let img = image::open(portraits.join("astronaut.png")).unwrap().to_rgba8();
    emotalk::face::PreparedPortrait::new(img, &rig, emotalk::face::BlendshapeBasis::default_basis()).unwrap()
}

#[test]
fn coeffs_takes_its_head_motion_from_a_reference_clip() {
    use emotalk::face::{BlendshapeBasis, EmotionPreset, HeadPose};
    // A clip of the astronaut turning her head: yaw 0 → 16° → 0 over 24 frames (25 fps).
    let basis = BlendshapeBasis::default_basis();
    let p = astronaut();
    let clip = tempfile::tempdir().unwrap();
    let yaw = |i: usize| 16.0 * (std::f32::consts::PI * i as f32 / 23.0).sin();
    for i in 0..24 {
        let pose = HeadPose { yaw: yaw(i), ..HeadPose::default() };
        p.render(&EmotionPreset::Neutral.weights(1.0), &pose, basis)
            .save(clip.path().join(format!("{i:03}.png")))
            .unwrap();
    }
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("track.csv");
    let (c, o) = (clip.path().to_str().unwrap(), out.to_str().unwrap());
    let run = emotalk(&[
        "coeffs",
        "--emotion",
        "happy",
        "--pose-ref",
        c,
        "--pose-retime",
        "stretch",
        "--fps",
        "25",
        "--out",
        o,
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (header, rows) = read_csv(&out);
    let col = header.iter().position(|h| h == "headYaw").unwrap();
    // Stretched over the 4.94 s line: up and back down once, about the clip's mean.
    let got: Vec<f32> = rows.iter().map(|r| r[col].to_degrees()).collect();
    let (lo, hi) = got.iter().fold((f32::MAX, f32::MIN), |(a, b), &v| (a.min(v), b.max(v)));
    let peak = got.iter().enumerate().max_by(|a, b| a.1.total_cmp(b.1)).unwrap().0;
    assert!(hi - lo > 8.0 && hi - lo < 20.0, "yaw spans {lo:.1}..{hi:.1}°");
    assert!(
        (peak as f32 / rows.len() as f32 - 0.5).abs() < 0.2,
        "the turn peaks mid-line: frame {peak} of {}",
        rows.len()
    );
    assert!(got[0] < lo + 3.0 && got[rows.len() - 1] < lo + 3.0, "it starts and ends turned back");
    // A clip without a face, and one that is not there: errors naming it.
    let blank = tempfile::tempdir().unwrap();
    image::RgbaImage::from_pixel(64, 64, image::Rgba([90, 90, 90, 255])).save(blank.path().join("0.png")).unwrap();
    for (clip, needle) in [(blank.path().to_str().unwrap(), "no face"), ("no/such/clip", "no/such/clip")] {
        let run = emotalk(&["coeffs", "--pose-ref", clip, "--out", o]);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{stderr}");
        assert!(stderr.contains(needle), "{stderr}");
    }
}

#[test]
fn pose_from_one_clip_and_emotion_from_another() {
    use emotalk::face::{BlendshapeBasis, EmotionPreset, HeadPose, PreparedPortrait};
    let basis = BlendshapeBasis::default_basis();
    // Clip A, an MP4: the astronaut turning her head (yaw 0 → 16° → 0 over 24 frames at 25 fps).
    let p = astronaut();
    let turning: Vec<image::RgbaImage> = (0..24)
        .map(|i| {
            let pose = HeadPose { yaw: 16.0 * (std::f32::consts::PI * i as f32 / 23.0).sin(), ..HeadPose::default() };
            p.render(&EmotionPreset::Neutral.weights(1.0), &pose, basis)
        })
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let video = dir.path().join("turning.mp4");
    emotalk::vision::clip::video::write_mp4(&video, &turning, 25).unwrap();
    // Clip B, PNG frames: NPC 3 going from rest to surprised.
    let npc = emotalk::face::npc::generate(3, 256);
    let q = PreparedPortrait::new(npc.image, &npc.rig, basis).unwrap();
    let frames = dir.path().join("surprised");
    std::fs::create_dir(&frames).unwrap();
    for i in 0..16 {
        let w = EmotionPreset::Surprised.weights(2.5 * (i as f32 / 6.0).min(1.0));
        q.render(&w, &HeadPose::default(), basis).save(frames.join(format!("{i:03}.png"))).unwrap();
    }
    let (v, f) = (video.to_str().unwrap(), frames.to_str().unwrap());
    // The emotion of clip B.
    let run = emotalk(&["emotion", "--clip", f]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let json: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(json["dominant"], "surprised", "{json}");
    // Both at once: the head turns as in A, the face is surprised as in B.
    let track = |extra: &[&str], name: &str| {
        let out = dir.path().join(name);
        let mut args = vec!["coeffs", "--pose-ref", v, "--pose-retime", "stretch", "--fps", "25", "--seed", "3"];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["--out", out.to_str().unwrap()]);
        let run = emotalk(&args);
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        read_csv(&out)
    };
    let (header, surprised) = track(&["--emotion-ref", f], "surprised.csv");
    let (_, neutral) = track(&["--emotion", "neutral"], "neutral.csv");
    let col = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mean = |rows: &[Vec<f32>], c: usize| rows.iter().map(|r| r[c]).sum::<f32>() / rows.len() as f32;
    let (brow, yaw) = (col("browInnerUp"), col("headYaw"));
    println!("browInnerUp: {:.3} from the surprised clip, {:.3} neutral", mean(&surprised, brow), mean(&neutral, brow));
    assert!(mean(&surprised, brow) > mean(&neutral, brow) + 0.2, "the clip's surprise raises the brows");
    let spans = |rows: &[Vec<f32>]| {
        let got: Vec<f32> = rows.iter().map(|r| r[yaw].to_degrees()).collect();
        got.iter().cloned().fold(f32::MIN, f32::max) - got.iter().cloned().fold(f32::MAX, f32::min)
    };
    assert!(spans(&surprised) > 8.0 && spans(&surprised) < 20.0, "yaw spans {}", spans(&surprised));
    // A damaged video is an error naming it.
    let bytes = std::fs::read(&video).unwrap();
    let cut = dir.path().join("cut.mp4");
    std::fs::write(&cut, &bytes[..bytes.len() / 3]).unwrap();
    let run =
        emotalk(&["coeffs", "--pose-ref", cut.to_str().unwrap(), "--out", dir.path().join("x.csv").to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert_eq!(run.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("cut.mp4"), "{stderr}");
}
