//! `--renderer warp|hef|auto` and `--hef-weights` on `emotalk pose` and `emotalk render`, run as
//! a user runs them.

#![cfg(feature = "bevy")]

use std::path::Path;
use std::process::Output;

use emotalk::face::cpu_render::psnr;

mod common;
use common::emotalk;

fn pose(out: &Path, extra: &[&str]) -> Output {
    let mut args = vec![
        "pose",
        "--portrait",
        "assets/portraits/npc_7.png",
        "--emotion",
        "surprised",
        "--intensity",
        "2.5",
        "--out",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    emotalk(&args)
}

#[test]
fn pose_draws_with_the_renderer_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let [auto, warp, hef] = ["auto", "warp", "hef"].map(|n| dir.path().join(format!("{n}.png")));
    let run = pose(&auto, &[]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    // The CPU renderer is no hardware GPU: auto draws the warp, and says so.
    assert!(String::from_utf8_lossy(&run.stderr).contains("renderer: the warp"));
    assert!(pose(&warp, &["--renderer", "warp"]).status.success());
    let run = pose(&hef, &["--renderer", "hef"]);
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    assert!(String::from_utf8_lossy(&run.stderr).contains("renderer: HEF"));
    let [auto, warp, hef] = [auto, warp, hef].map(|p| image::open(p).unwrap().to_rgba8());
    assert_eq!(auto, warp);
    let db = psnr(&hef, &warp);
    assert!(db > 25.0 && db < 45.0, "HEF refines the warp without replacing it: {db:.2} dB");
    // Weights named explicitly give the same frame as the default ones.
    let named = dir.path().join("named.png");
    assert!(pose(&named, &["--renderer", "hef", "--hef-weights", "models/hef"]).status.success());
    assert_eq!(image::open(&named).unwrap().to_rgba8(), hef);
}

#[test]
fn bad_hef_weights_are_an_error_naming_them() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.png");
    let run = pose(&out, &["--renderer", "hef", "--hef-weights", "no/such/folder"]);
    assert!(!run.status.success());
    assert!(
        String::from_utf8_lossy(&run.stderr).contains("no/such/folder"),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(!out.exists());
    // Weights of another network are refused, not loaded into HEF.
    let run = pose(&out, &["--renderer", "hef", "--hef-weights", "models/eac"]);
    assert!(!run.status.success());
    assert!(String::from_utf8_lossy(&run.stderr).contains("models/eac"), "{}", String::from_utf8_lossy(&run.stderr));
    let run = pose(&out, &["--renderer", "gan"]);
    assert!(!run.status.success());
}

#[test]
fn render_draws_hef_heads_through_the_render_part() {
    let dir = tempfile::tempdir().unwrap();
    let (warp, hef) = (dir.path().join("warp"), dir.path().join("hef"));
    let args = |out: &Path, r: &str| {
        let out = out.to_str().unwrap().to_owned();
        vec![
            "render".to_owned(),
            "--emotion".into(),
            "surprised".into(),
            "--intensity".into(),
            "2.5".into(),
            "--size".into(),
            "256".into(),
            "--fps".into(),
            "5".into(),
            "--renderer".into(),
            r.into(),
            "--out".into(),
            out,
        ]
    };
    for (out, r) in [(&warp, "warp"), (&hef, "hef")] {
        let a = args(out, r);
        let run = emotalk(&a.iter().map(String::as_str).collect::<Vec<_>>());
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    }
    let frame = |d: &Path| image::open(d.join("frame_00010.png")).unwrap().to_rgba8();
    let db = psnr(&frame(&hef), &frame(&warp));
    assert!(db > 25.0 && db < 48.0, "HEF's frame differs from the warp's and is still the face: {db:.2} dB");
}
