//! The trainer's command lines (`emotalk-train`), run as a user runs them: its tools report,
//! its dependency graph, and short runs of each network's training.

use std::path::PathBuf;
use std::process::Command;

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

#[cfg(feature = "train")]
#[test]
fn trainer_trains_the_audio_emotion_network_from_a_manifest() {
    let dir = tempfile::tempdir().unwrap();
    let speech = std::fs::canonicalize("../shared/data/speech").unwrap();
    let clips: Vec<_> = std::fs::read_dir(&speech)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    assert!(clips.len() >= 2);
    // Labels are arbitrary here: this checks the command, not what it learns.
    let lines: Vec<String> = clips
        .iter()
        .enumerate()
        .map(|(i, p)| format!(r#"{{"audio": "{}", "emotion": "{}"}}"#, p.display(), ["happy", "sad:1"][i % 2]))
        .collect();
    let manifest = dir.path().join("clips.jsonl");
    std::fs::write(&manifest, lines.join("\n")).unwrap();
    let out = dir.path().join("audio_emotion");
    let r = Command::new(env!("CARGO_BIN_EXE_emotalk-train"))
        .args(["audio-emotion", "--manifest", manifest.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .args(["--steps", "50"])
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let metrics: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics["options"]["steps"], 50);
    // emotalk finds and uses it through EMOTALK_MODELS.
    let r = Command::new(env!("CARGO_BIN_EXE_emotalk"))
        .env("EMOTALK_MODELS", dir.path())
        .args(["emotion", "--audio", clips[0].to_str().unwrap()])
        .output()
        .unwrap();
    let j: serde_json::Value = serde_json::from_slice(&r.stdout).unwrap();
    assert!(j["voice"]["status"].as_str().unwrap().contains("estimated by"), "{j}");
    assert!(!j["voice"]["estimate"].is_null());
    // A bad manifest line is named.
    std::fs::write(&manifest, "{\"audio\": \"x.wav\", \"emotion\": \"happy\"}\n{\"audio\": 3}").unwrap();
    let r = Command::new(env!("CARGO_BIN_EXE_emotalk-train"))
        .args(["audio-emotion", "--manifest", manifest.to_str().unwrap(), "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(r.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&r.stderr).contains("clips.jsonl:1"), "{}", String::from_utf8_lossy(&r.stderr));
}

#[cfg(feature = "train")]
#[test]
fn trainer_synth_and_eac_refuse_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("corpus");
    let trainer = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_emotalk-train")).args(args).output().unwrap();
    let run = trainer(&["synth", "--out", out.to_str().unwrap(), "--voices", "flite:nobody"]);
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(stderr.contains("flite:nobody") && stderr.contains("flite:slt"), "{stderr}");
    // A missing program is named with the package that provides it.
    let run = Command::new(env!("CARGO_BIN_EXE_emotalk-train"))
        .args(["synth", "--out", out.to_str().unwrap(), "--voices", "festival:kal_diphone"])
        .env("PATH", "")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.code() == Some(1) && stderr.contains("apt-get install -y festival"), "{stderr}");
    let run = trainer(&["eac", "--manifest", "no/such.jsonl", "--out", out.to_str().unwrap()]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.code() == Some(1) && stderr.contains("no/such.jsonl"), "{stderr}");
    let run = trainer(&["eval", "--model", "no/such/model"]);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.code() == Some(1) && stderr.contains("no/such/model"), "{stderr}");
}

#[cfg(feature = "train")]
#[test]
fn trainer_trains_hef_and_scores_it_on_held_out_characters() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("hef");
    let train = |extra: &[&str]| {
        let mut args = vec!["hef", "--out", out.to_str().unwrap(), "--size", "64", "--batch", "1", "--eval-seeds", "1"];
        args.extend_from_slice(extra);
        Command::new(env!("CARGO_BIN_EXE_emotalk-train")).args(&args).output().unwrap()
    };
    let run = train(&["--steps", "2", "--checkpoint-every", "1"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    for f in ["config.json", "model.mpk", "metrics.json", "loss.png", "checkpoint/state.json"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let metrics: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics["steps"], 2);
    assert_eq!(metrics["held_out"]["pairs"], 8);
    assert!(metrics["held_out"]["warp_mouth_psnr"].as_f64().unwrap() > 10.0, "{metrics}");
    // Resumed, it goes on from step 2.
    let run = train(&["--steps", "3", "--resume"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let metrics: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("metrics.json")).unwrap()).unwrap();
    assert_eq!(metrics["steps"], 3);
    let run = train(&["--steps", "1", "--size", "40"]);
    assert!(!run.status.success() && String::from_utf8_lossy(&run.stderr).contains("--size"));
}
