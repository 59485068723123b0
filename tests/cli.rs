//! The command lines, run as a user runs them.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn emotalk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_emotalk")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<f32>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(str::to_owned).collect();
    let rows = lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    (header, rows)
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

#[cfg(feature = "train")]
#[test]
fn trainer_reports_its_tools() {
    // Runs with an empty PATH: every tool is missing and the install command is printed.
    let run = Command::new(env!("CARGO_BIN_EXE_emotalk-train")).arg("tools").env("PATH", "").output().unwrap();
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("apt-get install -y flite festival"), "{stderr}");
}

/// The trainer must build without Bevy: its dependency graph holds burn's autodiff and no Bevy.
#[test]
fn trainer_dependency_graph_has_no_bevy() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    let tree = |features: &str| {
        let out = Command::new(env!("CARGO"))
            .args(["tree", "--offline", "--no-default-features", "--features", features])
            .args(["-e", "normal", "--prefix", "none", "--format", "{p}", "--manifest-path"])
            .arg(&manifest)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stdout).unwrap()
    };
    let trainer = tree("train,flex");
    assert!(trainer.lines().any(|l| l.starts_with("burn-autodiff ")), "not the training graph");
    let bevy: Vec<&str> = trainer.lines().filter(|l| l.starts_with("bevy")).collect();
    assert!(bevy.is_empty(), "the trainer pulls in {bevy:?}");
    assert!(tree("bevy,flex").lines().any(|l| l.starts_with("bevy ")), "sanity: the bevy feature does");
}

#[test]
fn rig_import_writes_a_valid_rig_and_a_preview() {
    let dir = tempfile::tempdir().unwrap();
    let (rig, preview) = (dir.path().join("astronaut.rig.json"), dir.path().join("preview.png"));
    let portraits = "../shared/data/portraits";
    let run = emotalk(&[
        "rig",
        "import",
        "--image",
        &format!("{portraits}/astronaut.png"),
        "--landmarks",
        &format!("{portraits}/astronaut.landmarks68.json"),
        "--out",
        rig.to_str().unwrap(),
        "--preview",
        preview.to_str().unwrap(),
    ]);
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
    let original = image::open(format!("{}/{portraits}/astronaut.png", env!("CARGO_MANIFEST_DIR"))).unwrap().to_rgba8();
    assert_eq!(png.dimensions(), (512, 512));
    let changed = png.pixels().zip(original.pixels()).filter(|(a, b)| a != b).count();
    assert!(changed > 2000, "the mesh is drawn ({changed} pixels changed)");

    // A bad landmark file: error on stderr, exit 1, nothing written.
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "[[1, 2], [3, 4]]").unwrap();
    let out = dir.path().join("bad.rig.json");
    let run = emotalk(&[
        "rig",
        "import",
        "--image",
        &format!("{portraits}/astronaut.png"),
        "--landmarks",
        bad.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(run.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&run.stderr).contains("expected 68 landmarks"));
    assert!(!out.exists());
}
