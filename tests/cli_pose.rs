//! `emotalk pose`, run as a user runs it.

use std::process::Command;

#[test]
fn pose_renders_and_rejects_bad_arguments() {
    let dir = tempfile::tempdir().unwrap();
    let bin = env!("CARGO_BIN_EXE_emotalk");
    let root = env!("CARGO_MANIFEST_DIR");
    let portraits = format!("{root}/../shared/data/portraits");
    let rig = dir.path().join("a.rig.json");
    let run = |args: &[&str]| Command::new(bin).args(args).current_dir(root).output().unwrap();
    let imported = run(&[
        "rig",
        "import",
        "--image",
        &format!("{portraits}/astronaut.png"),
        "--landmarks",
        &format!("{portraits}/astronaut.landmarks68.json"),
        "--out",
        rig.to_str().unwrap(),
    ]);
    assert!(imported.status.success());
    let (out, portrait) = (dir.path().join("x.png"), format!("{portraits}/astronaut.png"));
    let pose = |extra: &[&str]| {
        let mut a =
            vec!["pose", "--portrait", &portrait, "--rig", rig.to_str().unwrap(), "--out", out.to_str().unwrap()];
        a.extend_from_slice(extra);
        run(&a)
    };
    let ok = pose(&["--emotion", "surprised", "--intensity", "2", "--set", "jawOpen=0.6", "--yaw", "-10"]);
    assert!(ok.status.success(), "{}", String::from_utf8_lossy(&ok.stderr));
    assert_eq!(image::open(&out).unwrap().to_rgba8().dimensions(), (512, 512));
    for (extra, want) in [
        (&["--emotion", "furious"][..], "unknown emotion `furious`"),
        (&["--set", "jawOpn=0.5"], "`jawOpn` is not an ARKit blendshape name"),
        (&["--set", "jawOpen=1.5"], "outside 0..=1"),
        (&["--set", "jawOpen"], "not name=value"),
        (&["--intensity", "4"], "between 0 and 3"),
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
    let bin = env!("CARGO_BIN_EXE_emotalk");
    let run = |args: &[&str]| Command::new(bin).args(args).output().unwrap();
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
