//! The command lines, run as a user runs them.

use std::path::Path;
use std::process::Output;

mod common;
use common::{emotalk, read_csv};

const PORTRAITS: &str = "../shared/data/portraits";

/// `emotalk rig import` of the astronaut photo with `landmarks`, writing `out`, plus `extra`.
fn import_astronaut(landmarks: &str, out: &Path, extra: &[&str]) -> Output {
    let image = format!("{PORTRAITS}/astronaut.png");
    let mut args = vec!["rig", "import", "--image", &image, "--landmarks", landmarks, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    emotalk(&args)
}

#[test]
fn features_of_the_bundled_line_by_default() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mel.csv");
    let run = emotalk(&["features", "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (header, rows) = read_csv(&out);
    assert_eq!(header.len(), 80);
    assert_eq!((header[0].as_str(), header[79].as_str()), ("mel_00", "mel_79"));
    // 4.94 s at 16 kHz = 79 040 samples -> 1 + 79 040 / 160 frames.
    assert_eq!(rows.len(), 1 + 79_040 / 160);
    assert!(rows.iter().all(|r| r.len() == 80 && r.iter().all(|v| v.is_finite())));
    // The CSV holds the library's numbers exactly.
    let line = emotalk::audio::load_bytes(emotalk::bundled::GREETING_OGG, "greeting.ogg").unwrap();
    let mel = emotalk::audio::log_mel(&line.samples, &Default::default()).unwrap();
    assert_eq!(rows.concat(), mel.as_slice());
}

#[test]
fn mfcc_of_a_real_clip() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("mfcc.csv");
    let run = emotalk(&[
        "features",
        "--audio",
        "../shared/data/speech/cards_001.wav",
        "--mfcc",
        "13",
        "--out",
        out.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (header, rows) = read_csv(&out);
    assert_eq!(header.len(), 13);
    assert_eq!(header[0], "mfcc_00");
    assert_eq!(rows.len(), 1 + 17_526 / 160); // cards_001.wav holds 17 526 samples
}

#[test]
fn errors_go_to_stderr_with_a_failing_exit_code() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.csv");
    let missing = emotalk(&["features", "--audio", "no/such/line.wav", "--out", out.to_str().unwrap()]);
    assert_eq!(missing.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&missing.stderr);
    assert!(stderr.contains("no/such/line.wav") && stderr.starts_with("error:"), "{stderr}");
    assert!(missing.stdout.is_empty() && !out.exists());

    let not_audio = emotalk(&["features", "--audio", "README.md", "--out", out.to_str().unwrap()]);
    assert_eq!(not_audio.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&not_audio.stderr).contains("README.md: not a supported audio file"));

    let unwritable = emotalk(&["features", "--out", "/no/such/dir/x.csv"]);
    assert_eq!(unwritable.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unwritable.stderr).contains("/no/such/dir/x.csv"));

    let bad_mfcc = emotalk(&["features", "--mfcc", "81", "--out", out.to_str().unwrap()]);
    assert_eq!(bad_mfcc.status.code(), Some(1));
    assert_eq!(emotalk(&["features"]).status.code(), Some(2), "clap usage errors exit with 2");
}

#[test]
fn info_reports_version_features_and_models() {
    let text = emotalk(&["info"]);
    assert!(text.status.success());
    let stdout = String::from_utf8_lossy(&text.stdout);
    assert!(stdout.starts_with(&format!("emotalk {}", env!("CARGO_PKG_VERSION"))), "{stdout}");
    assert!(stdout.contains("eac") && stdout.contains("searched:"));

    let json = emotalk(&["info", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let features: Vec<&str> = v["features"].as_array().unwrap().iter().map(|f| f.as_str().unwrap()).collect();
    assert_eq!(features.contains(&"bevy"), cfg!(feature = "bevy"));
    assert_eq!(v["backend"].as_str(), emotalk::build::backends().first().copied());
    assert_eq!(v["audio"]["n_mels"], 80);
    assert_eq!(v["models"].as_array().unwrap().len(), 3);
}

#[test]
fn rig_import_writes_a_valid_rig_and_a_preview() {
    let dir = tempfile::tempdir().unwrap();
    let (rig, preview) = (dir.path().join("astronaut.rig.json"), dir.path().join("preview.png"));
    let landmarks = format!("{PORTRAITS}/astronaut.landmarks68.json");
    let run = import_astronaut(&landmarks, &rig, &["--preview", preview.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let loaded = emotalk::face::PortraitRig::load(&rig).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&rig).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode & 0o044, 0o044, "outputs are readable by everyone, got {mode:o}");
    }
    assert_eq!(loaded.landmarks.len(), 68);
    let png = image::open(&preview).unwrap().to_rgba8();
    let original = image::open(format!("{}/{PORTRAITS}/astronaut.png", env!("CARGO_MANIFEST_DIR"))).unwrap().to_rgba8();
    assert_eq!(png.dimensions(), (512, 512));
    let changed = png.pixels().zip(original.pixels()).filter(|(a, b)| a != b).count();
    assert!(changed > 2000, "the mesh is drawn ({changed} pixels changed)");

    // A bad landmark file: error on stderr, exit 1, nothing written.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[[1, 2], [3, 4]]").unwrap();
    let out = dir.path().join("bad.rig.json");
    let run = import_astronaut(bad.to_str().unwrap(), &out, &[]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("expected 68 landmarks"));
    assert!(!out.exists());
}

#[test]
fn pose_renders_and_rejects_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let rig = dir.path().join("a.rig.json");
    let imported = import_astronaut(&format!("{PORTRAITS}/astronaut.landmarks68.json"), &rig, &[]);
    assert!(imported.status.success());
    let (out, portrait) = (dir.path().join("x.png"), format!("{PORTRAITS}/astronaut.png"));
    let pose = |extra: &[&str]| {
        let mut a =
            vec!["pose", "--portrait", &portrait, "--rig", rig.to_str().unwrap(), "--out", out.to_str().unwrap()];
        a.extend_from_slice(extra);
        emotalk(&a)
    };
    let ok = pose(&["--emotion", "surprised", "--intensity", "2", "--set", "jawOpen=0.6", "--yaw", "-10"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(image::open(&out).unwrap().to_rgba8().dimensions(), (512, 512));
    // --expressiveness scales the expression: 0 leaves the portrait's own face (its own
    // expression undone, nothing added) whatever the emotion.
    let neutral_out = dir.path().join("n.png");
    let n = emotalk(&[
        "pose",
        "--portrait",
        &portrait,
        "--rig",
        rig.to_str().unwrap(),
        "--out",
        neutral_out.to_str().unwrap(),
    ]);
    assert!(n.status.success());
    let zero = pose(&["--emotion", "furious", "--expressiveness", "0"]);
    assert!(zero.status.success(), "{}", String::from_utf8_lossy(&zero.stderr));
    assert_eq!(image::open(&out).unwrap().to_rgba8(), image::open(&neutral_out).unwrap().to_rgba8());
    for (extra, want) in [
        (&["--emotion", "furious #1"][..], "expected a word, a number"),
        (&["--set", "jawOpn=0.5"], "`jawOpn` is not an ARKit blendshape name"),
        (&["--set", "jawOpen=1.5"], "outside 0..=1"),
        (&["--set", "jawOpen"], "not name=value"),
        (&["--intensity", "4"], "between 0 and 3"),
        (&["--expressiveness", "7"], "--expressiveness must be between 0 and 3"),
    ] {
        let r = pose(extra);
        assert_eq!(r.status.code(), Some(1), "{extra:?}");
        let e = String::from_utf8_lossy(&r.stderr);
        assert!(e.contains(want), "{extra:?}: {e}");
    }
}

#[test]
fn npc_and_sheet_write_what_they_say() {
    let dir = tempfile::tempdir().unwrap();
    let run = emotalk;
    let d = dir.path().to_str().unwrap();
    assert!(run(&["npc", "--seed", "5", "--out", d]).status.success());
    let rig = dir.path().join("npc_5.rig.json");
    emotalk::face::PortraitRig::load(&rig).unwrap();
    assert_eq!(image::open(dir.path().join("npc_5.png")).unwrap().to_rgba8().dimensions(), (512, 512));
    let sheet = dir.path().join("sheet.png");
    let png = dir.path().join("npc_5.png");
    let ok = run(&[
        "sheet",
        "--portrait",
        png.to_str().unwrap(),
        "--rig",
        rig.to_str().unwrap(),
        "--npc",
        "6",
        "--cell",
        "64",
        "--out",
        sheet.to_str().unwrap(),
    ]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(image::open(&sheet).unwrap().to_rgba8().dimensions(), (17 * 64, 2 * 64));
    let bad = run(&["sheet", "--portrait", png.to_str().unwrap(), "--out", sheet.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("one --rig per --portrait"));
}

fn emotion_json(args: &[&str]) -> serde_json::Value {
    let mut a = vec!["emotion"];
    a.extend_from_slice(args);
    let out = emotalk(&a);
    assert!(out.status.success(), "{args:?}: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn emotion_prints_where_text_faces_and_voices_land() {
    let j = emotion_json(&["sadly surprised"]);
    assert_eq!(j["dominant"], "surprised");
    assert_eq!(j["mixture"]["sad"], 0.4);
    assert_eq!(j["z_emo"].as_array().unwrap().len(), 11);
    assert_eq!(j["warnings"].as_array().unwrap().len(), 0);
    assert_eq!(j["terms"][0]["words"][0]["role"]["key"], "sad");
    assert_eq!(j["terms"][0]["words"][0]["role"]["via"], "morphology");

    let j = emotion_json(&["very furious", "--intensity", "1.5"]);
    assert_eq!((j["dominant"].as_str(), j["intensity"].as_f64()), (Some("angry"), Some(1.5)));
    let j = emotion_json(&["blorf"]);
    assert_eq!(j["dominant"], "neutral");
    assert!(j["warnings"][0].as_str().unwrap().contains("\"blorf\""));

    // A reference face: the smiling astronaut.
    let dir = tempfile::tempdir().unwrap();
    let rig = dir.path().join("astronaut.rig.json");
    assert!(import_astronaut("../shared/data/portraits/astronaut.landmarks68.json", &rig, &[]).status.success());
    let j = emotion_json(&["--image", rig.to_str().unwrap()]);
    assert_eq!(j["dominant"], "happy");

    // A voice, with no trained audio network: measured, not estimated, and said so.
    let j = emotion_json(&["--audio", "../shared/data/speech/alsa_Front_Center.wav"]);
    assert!(j["voice"]["status"].as_str().unwrap().starts_with("untrained"), "{j}");
    assert!(j["voice"]["estimate"].is_null());
    assert!(j["voice"]["prosody"]["f0_median_hz"].as_f64().unwrap() > 60.0);

    // A user lexicon adds words.
    let lex = dir.path().join("mine.txt");
    std::fs::write(&lex, "hangry | angry .6 sad .4 | -0.6 0.6 0.0 | 2\n").unwrap();
    assert_eq!(emotion_json(&["hangry", "--lexicon", lex.to_str().unwrap()])["dominant"], "angry");

    for (args, want) in [
        (&["happy #"][..], "^"),
        (&[][..], "give an emotion"),
        (&["happy", "--intensity", "5"], "between 0 and 3"),
        (&["--image", "nope.rig.json"], "nope.rig.json"),
        (&["--audio", "nope.wav"], "nope.wav"),
    ] {
        let mut a = vec!["emotion"];
        a.extend_from_slice(args);
        let r = emotalk(&a);
        assert_eq!(r.status.code(), Some(1), "{args:?}");
        let e = String::from_utf8_lossy(&r.stderr);
        assert!(e.contains(want), "{args:?}: {e}");
    }
}

#[test]
fn coeffs_writes_the_track_of_the_contract() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("track.csv");
    let o = out.to_str().unwrap();
    // The bundled line by default, 30 fps: header t, 52 ARKit names, the head pose.
    let run = emotalk(&["coeffs", "--emotion", "very happy", "--out", o]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (header, rows) = read_csv(&out);
    assert_eq!(header.len(), 1 + 52 + 3);
    assert_eq!((header[0].as_str(), header[1].as_str()), ("t", "eyeBlinkLeft"));
    assert!(
        header.contains(&"jawOpen".to_string())
            && header.ends_with(&["headPitch".into(), "headYaw".into(), "headRoll".into()])
    );
    // 4.94 s at 30 fps.
    assert!((rows.len() as f64 / 30.0 - 4.94).abs() < 0.1, "{}", rows.len());
    assert!((rows[1][0] - 1.0 / 30.0).abs() < 1e-4);
    assert!(rows.iter().flat_map(|r| &r[1..53]).all(|v| (0.0..=1.0).contains(v)));
    let smile = header.iter().position(|h| h == "mouthSmileLeft").unwrap();
    let mean_smile = rows.iter().map(|r| r[smile]).sum::<f32>() / rows.len() as f32;
    assert!(mean_smile > 0.3, "a very happy line smiles: {mean_smile}");
    // Procedural blinks and head motion fill the blink and pose columns; --still leaves them out.
    let blink = header.iter().position(|h| h == "eyeBlinkLeft").unwrap();
    assert!(rows.iter().any(|r| r[blink] > 0.9), "nobody blinks in 5 s");
    assert!(rows.iter().any(|r| r[53].abs() > 0.01) && rows.iter().all(|r| r[53].abs() < 0.2), "pitch");
    let still = dir.path().join("still.csv");
    let run = emotalk(&["coeffs", "--emotion", "very happy", "--still", "--out", still.to_str().unwrap()]);
    assert!(run.status.success());
    let (_, still_rows) = read_csv(&still);
    assert!(still_rows.iter().all(|r| r[53..].iter().all(|v| *v == 0.0)));
    // Another rate and a file.
    let run = emotalk(&["coeffs", "--audio", "../shared/data/speech/goforward.wav", "--fps", "60", "--out", o]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let (_, rows) = read_csv(&out);
    assert!((rows[1][0] - 1.0 / 60.0).abs() < 1e-4);
    // Bad input: a typed error naming what was wrong, and no file written.
    let fresh = dir.path().join("never.csv");
    let f = fresh.to_str().unwrap();
    for (args, needle) in [
        (vec!["coeffs", "--audio", "no/such.wav", "--out", f], "no/such.wav"),
        (vec!["coeffs", "--audio", "README.md", "--out", f], "not a supported audio file"),
        (vec!["coeffs", "--fps", "0", "--out", f], "--fps"),
        (vec!["coeffs", "--emotion", "happy", "--intensity", "7", "--out", f], "--intensity"),
        (vec!["coeffs", "--emotion", "happy (", "--out", f], "happy ("),
    ] {
        let run = emotalk(&args);
        let stderr = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
        assert!(!fresh.exists());
    }
    // Unknown words warn and fall back to neutral rather than fail.
    let run = emotalk(&["coeffs", "--emotion", "flibbertigibbet", "--out", o]);
    assert!(run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("flibbertigibbet"));
}

#[test]
fn script_check_lints_a_script() {
    let clean = emotalk(&["script", "check", "assets/scripts/gate.talk"]);
    assert!(clean.status.success(), "{}", String::from_utf8_lossy(&clean.stdout));
    assert!(String::from_utf8_lossy(&clean.stdout).contains("ok (2 speakers, 5 items"));
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.talk");
    std::fs::write(&bad, "speaker ada portrait \"a.png\"\nada [happy:7] \"Hi\" <a.ogg>\nbob \"x\" <b.ogg>\nada [flibbertigibbet] \"Hm\" <c.ogg>\n").unwrap();
    let run = emotalk(&["script", "check", bad.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&run.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{stdout}");
    assert!(
        lines[0].ends_with("bad.talk:2:12: error: expected an emotion (an intensity from 0 to 3), found 7"),
        "{stdout}"
    );
    assert!(lines[1].contains("bad.talk:3:1: error:") && lines[2].contains("bad.talk:4:6: warning:"), "{stdout}");
    assert!(String::from_utf8_lossy(&run.stderr).contains("2 error(s)"));
    // Warnings alone pass.
    std::fs::write(&bad, "speaker ada portrait \"a.png\"\nada [flibbertigibbet] \"Hm\" <c.ogg>\n").unwrap();
    assert!(emotalk(&["script", "check", bad.to_str().unwrap()]).status.success());
    let missing = emotalk(&["script", "check", "no/such.talk"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("no/such.talk"));
}

/// `emotalk render` on the embedded defaults: the CLI contract's files, through the GPU path
/// (lavapipe in CI).
#[cfg(feature = "bevy")]
#[test]
fn render_writes_frames_track_and_preview() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("out");
    let run =
        emotalk(&["render", "--emotion", "happy", "--size", "128", "--fps", "10", "--out", out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let frames: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().to_string()))
        .filter(|n| n.starts_with("frame_"))
        .collect();
    // 4.94 s at 10 fps: frames at 0, 0.1, …, 4.9 s.
    assert_eq!(frames.len(), 50, "{frames:?}");
    let first = image::open(out.join("frame_00001.png")).unwrap();
    assert_eq!((first.width(), first.height()), (128, 128));
    let csv = std::fs::read_to_string(out.join("track.csv")).unwrap();
    assert_eq!(csv.lines().count(), 51);
    assert!(csv.starts_with("t,") && csv.lines().next().unwrap().ends_with("headPitch,headYaw,headRoll"));
    let gif = std::fs::read(out.join("preview.gif")).unwrap();
    assert!(gif.starts_with(b"GIF89a"));
    // The frames differ (the face moves).
    let last = image::open(out.join("frame_00025.png")).unwrap();
    assert_ne!(first.to_rgba8().into_raw(), last.to_rgba8().into_raw());
    // A missing portrait is an error naming it, not a panic.
    let bad = emotalk(&["render", "--portrait", "nope.png", "--out", out.to_str().unwrap()]);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("nope"), "{}", String::from_utf8_lossy(&bad.stderr));
}

#[test]
fn rig_detect_judge_and_a_pose_without_a_rig_file() {
    let dir = tempfile::tempdir().unwrap();
    let photo = dir.path().join("photo.png");
    std::fs::copy(format!("{PORTRAITS}/astronaut.png"), &photo).unwrap();
    let rig = dir.path().join("found.rig.json");
    let preview = dir.path().join("mesh.png");
    let run = emotalk(&[
        "rig",
        "detect",
        "--image",
        photo.to_str().unwrap(),
        "--out",
        rig.to_str().unwrap(),
        "--preview",
        preview.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let found = emotalk::face::PortraitRig::load(&rig).unwrap();
    assert_eq!((found.width, found.height, found.landmarks.len()), (512, 512, 68));
    assert!(preview.is_file());
    // No rig beside the photo: pose detects one and says so.
    let out = dir.path().join("sad.png");
    let run =
        emotalk(&["pose", "--portrait", photo.to_str().unwrap(), "--emotion", "sad", "--out", out.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success() && err.contains("detected the face"), "{err}");
    // The judge reads both images and prints a summary.
    let run = emotalk(&["judge", "expression", photo.to_str().unwrap(), out.to_str().unwrap()]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let text = String::from_utf8_lossy(&run.stdout);
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!(first["top"], "happy", "the smiling astronaut reads happy: {first}");
    assert!(text.contains("\"judged\": 2"), "{text}");
    // The second judge reads the photo too, and an unknown net is refused by name.
    let run = emotalk(&["judge", "expression", "--net", "fer", photo.to_str().unwrap()]);
    let text = String::from_utf8_lossy(&run.stdout);
    let first: serde_json::Value = serde_json::from_str(text.lines().next().unwrap()).unwrap();
    assert_eq!((&first["net"], &first["top"]), (&"fer".into(), &"happy".into()), "{first}");
    let run = emotalk(&["judge", "expression", "--net", "clip", photo.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success() && err.contains("`clip`"), "{err}");
    // A file with no face is an error naming it.
    let wall = dir.path().join("wall.png");
    image::RgbaImage::from_pixel(64, 64, image::Rgba([80, 80, 80, 255])).save(&wall).unwrap();
    let run = emotalk(&["rig", "detect", "--image", wall.to_str().unwrap(), "--out", rig.to_str().unwrap()]);
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success() && err.contains("wall.png") && err.contains("no face"), "{err}");
}

#[test]
fn live_plays_a_file_at_real_time_pace_and_reports_the_latency() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("live.csv");
    let o = out.to_str().unwrap();
    let wav = "../shared/data/speech/alsa_Front_Center.wav";
    // With the model's whole look-ahead the live track is the offline one: `coeffs --still` at
    // the model's own 25 fps.
    let run = emotalk(&["live", "--audio", wav, "--emotion", "happy", "--lookahead-ms", "140", "--out", o]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let offline = dir.path().join("offline.csv");
    let run = emotalk(&[
        "coeffs",
        "--audio",
        wav,
        "--emotion",
        "happy",
        "--fps",
        "25",
        "--still",
        "--out",
        offline.to_str().unwrap(),
    ]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let ((h1, live), (h2, off)) = (read_csv(&out), read_csv(&offline));
    assert_eq!(h1, h2);
    assert_eq!(live.len(), off.len());
    let d = live.iter().flatten().zip(off.iter().flatten()).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
    assert!(d < 1e-3, "live vs offline CSV: {d}");
    // The latency report: every frame measured, none before its look-ahead could be heard.
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("live.latency.json")).unwrap()).unwrap();
    assert_eq!(report["frames"].as_u64(), Some(live.len() as u64));
    assert_eq!(report["paced"].as_bool(), Some(true));
    assert!(report["latency"]["median_ms"].as_f64().unwrap() > 50.0, "{report}");
    assert_eq!(report["lookahead_ms"].as_f64(), Some(140.0));
    // By default live input looks one frame less ahead: 100 ms, frames 40 ms sooner.
    let run = emotalk(&["live", "--audio", wav, "--emotion", "happy", "--out", o]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let short: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("live.latency.json")).unwrap()).unwrap();
    assert_eq!(short["lookahead_ms"].as_f64(), Some(100.0));
    let (_, short_rows) = read_csv(&out);
    assert_eq!(short_rows.len(), off.len());
    let run = emotalk(&["live", "--audio", wav, "--lookahead-ms", "30", "--out", o]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(!run.status.success() && stderr.contains("--lookahead-ms") && stderr.contains("60 ms"), "{stderr}");
    // Bad settings are errors that say which.
    let run = emotalk(&["live", "--audio", wav, "--chunk-ms", "0", "--out", o]);
    assert!(!run.status.success() && String::from_utf8_lossy(&run.stderr).contains("--chunk-ms"));
}

#[test]
fn npc_paints_its_character_at_an_expression() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().to_str().unwrap();
    let run =
        emotalk(&["npc", "--seed", "3", "--size", "256", "--emotion", "surprised", "--intensity", "3", "--out", out]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let neutral = image::open(dir.path().join("npc_3.png")).unwrap().to_rgba8();
    let target = image::open(dir.path().join("target.png")).unwrap().to_rgba8();
    assert_eq!(neutral.dimensions(), target.dimensions());
    assert_ne!(neutral, target);
    // Its rig holds the landmarks at the expression: the jaw dropped.
    let (a, b) = (
        emotalk::face::PortraitRig::load(dir.path().join("npc_3.rig.json")).unwrap().points(),
        emotalk::face::PortraitRig::load(dir.path().join("target.rig.json")).unwrap().points(),
    );
    assert!(b[8].y - a[8].y > 3.0, "chin {} -> {}", a[8].y, b[8].y);
    // Weights by name, and mistakes named.
    let run = emotalk(&["npc", "--seed", "3", "--size", "128", "--set", "jawOpen=0.5,eyeBlinkLeft=1", "--out", out]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let run = emotalk(&["npc", "--seed", "3", "--set", "jawOpen=2", "--out", out]);
    assert!(!run.status.success() && String::from_utf8_lossy(&run.stderr).contains("jawOpen"));
    let run = emotalk(&["npc", "--seed", "3", "--intensity", "2", "--out", out]);
    assert!(!run.status.success() && String::from_utf8_lossy(&run.stderr).contains("--emotion"));
}
