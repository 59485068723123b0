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
