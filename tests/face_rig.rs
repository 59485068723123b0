//! Portrait rigs on the real photo: import in every accepted format, round trip, and a table of
//! malformed rigs, each rejected with an error that names the landmark.

use std::path::{Path, PathBuf};

use emotalk::face::import::{import_rig, parse_landmarks};
use emotalk::face::{FaceMesh, PortraitRig, RigError};

fn shared(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/portraits").join(p)
}

fn astronaut() -> PortraitRig {
    import_rig(&shared("astronaut.png"), &shared("astronaut.landmarks68.json")).unwrap()
}

#[test]
fn the_astronaut_imports_from_every_format_and_round_trips() {
    let rig = astronaut();
    assert_eq!((rig.width, rig.height, rig.landmarks.len()), (512, 512, 68));
    assert_eq!(rig.image.as_deref(), Some("astronaut.png"));
    assert_eq!(rig.face_box, Some([168.0, 69.0, 263.0, 164.0]));
    assert_eq!(rig.landmarks[0], [179.0, 105.0]);

    let dir = tempfile::tempdir().unwrap();
    // Plain list.
    let list = dir.path().join("plain.json");
    std::fs::write(&list, serde_json::to_string(&rig.landmarks).unwrap()).unwrap();
    // iBUG .pts.
    let pts = dir.path().join("astronaut.pts");
    let body: Vec<String> = rig.landmarks.iter().map(|[x, y]| format!("{x} {y}")).collect();
    std::fs::write(&pts, format!("version: 1\nn_points:  68\n{{\n{}\n}}\n", body.join("\n"))).unwrap();
    for file in [&list, &pts] {
        let other = import_rig(&shared("astronaut.png"), file).unwrap();
        assert_eq!(other.landmarks, rig.landmarks, "{}", file.display());
    }
    // JSON round trip through the rig format.
    let path = dir.path().join("astronaut.rig.json");
    std::fs::write(&path, rig.to_json()).unwrap();
    assert_eq!(PortraitRig::load(&path).unwrap(), rig);
    // The mesh placed on the rig keeps every triangle the right way round.
    let placed = emotalk::face::MeshDeformer::get().place(&rig.points()).unwrap();
    assert_eq!(placed.len(), FaceMesh::get().n_vertices());
}

/// Expects `f(error)` to hold and the message to contain each of `words`.
fn expect(
    result: Result<PortraitRig, RigError>,
    case: &str,
    words: &[&str],
    f: impl Fn(&RigError) -> bool,
) -> Option<String> {
    match result {
        Ok(_) => Some(format!("{case}: accepted")),
        Err(e) if !f(&e) => Some(format!("{case}: wrong error {e:?}")),
        Err(e) => {
            let msg = e.to_string();
            words.iter().find(|w| !msg.contains(*w)).map(|w| format!("{case}: message lacks `{w}`: {msg}"))
        }
    }
}

#[test]
fn malformed_rigs_are_rejected_with_the_landmark_named() {
    let good = astronaut();
    let json = |rig: &PortraitRig| rig.to_json();
    let from = |text: String| PortraitRig::from_json(&text, Path::new("npc.rig.json"));
    let with = |edit: &dyn Fn(&mut PortraitRig)| {
        let mut r = good.clone();
        edit(&mut r);
        r
    };
    let mut failures = Vec::new();
    let mut check = |case: &str, result, words: &[&str], f: &dyn Fn(&RigError) -> bool| {
        failures.extend(expect(result, case, words, f));
    };

    check(
        "67 landmarks",
        from(json(&with(&|r| {
            r.landmarks.pop();
        }))),
        &["npc.rig.json", "found 67"],
        &|e| matches!(e, RigError::LandmarkCount { found: 67, .. }),
    );
    let nan = with(&|r| r.landmarks[40][1] = f32::NAN);
    check("NaN", nan.validate(Path::new("npc.rig.json")).map(|_| nan.clone()), &["landmark 40", "right eye"], &|e| {
        matches!(e, RigError::NonFinite { landmark: 40, .. })
    });
    check(
        "outside",
        from(json(&with(&|r| r.landmarks[16] = [600.0, 100.0]))),
        &["landmark 16", "jaw", "512×512"],
        &|e| matches!(e, RigError::OutsideImage { landmark: 16, .. }),
    );
    check("negative", from(json(&with(&|r| r.landmarks[8] = [200.0, -1.0]))), &["landmark 8"], &|e| {
        matches!(e, RigError::OutsideImage { landmark: 8, .. })
    });
    // Upper and lower lid swapped: the eye's contour runs the wrong way round.
    check(
        "eyelids swapped",
        from(json(&with(&|r| {
            r.landmarks.swap(37, 41);
            r.landmarks.swap(38, 40);
        }))),
        &["right eye landmarks 36–41 are out of order"],
        &|e| matches!(e, RigError::Order { region: "right eye", .. }),
    );
    // Left and right brows exchanged: each still runs left to right, but the forehead folds.
    check(
        "brows swapped",
        from(json(&with(&|r| {
            for k in 0..5 {
                r.landmarks.swap(17 + k, 22 + k);
            }
        }))),
        &["folds over", "brow"],
        &|e| matches!(e, RigError::Folded { how: "folds over", .. }),
    );
    check(
        "nose tip above the eyes",
        from(json(&with(&|r| r.landmarks[30] = [r.landmarks[27][0], r.landmarks[27][1] - 25.0]))),
        &["nose bridge landmarks 27–30 are out of order"],
        &|e| matches!(e, RigError::Order { region: "nose bridge", .. }),
    );
    // Every contour in order, but the chin pulled up to the upper lip: the mesh folds there.
    check("chin above the lips", from(json(&with(&|r| r.landmarks[8] = r.landmarks[51]))), &["folds over"], &|e| {
        matches!(e, RigError::Folded { how: "folds over", .. })
    });
    check(
        "all in one point",
        from(json(&with(&|r| r.landmarks.iter_mut().for_each(|p| *p = [100.0, 100.0])))),
        &["degenerate"],
        &|e| matches!(e, RigError::Degenerate { .. }),
    );
    check(
        "bad face box",
        from(json(&with(&|r| r.face_box = Some([300.0, 69.0, 263.0, 164.0])))),
        &["face_box"],
        &|e| matches!(e, RigError::FaceBox { .. }),
    );
    check("empty image", from(json(&with(&|r| r.width = 0))), &["0×512"], &|e| {
        matches!(e, RigError::ImageSize { .. })
    });
    check("newer version", from(json(&with(&|r| r.version = 2))), &["version 2"], &|e| {
        matches!(e, RigError::Version { found: 2, .. })
    });
    check(
        "typo in a field",
        from(json(&good).replace("\"landmarks\"", "\"landmark\"")),
        &["npc.rig.json:", "landmark"],
        &|e| matches!(e, RigError::Json { .. }),
    );
    check("not JSON", from("{ \"version\": 1,\n  \"width\": 512,\n  oops }".into()), &["npc.rig.json:3:"], &|e| {
        matches!(e, RigError::Json { line: 3, .. })
    });
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn landmark_files_with_mistakes_give_line_numbers() {
    let p = Path::new("face.pts");
    let cases = [
        ("version: 1\nn_points: 68\n{\n1 2\n3 four\n}\n", "face.pts:5:"),
        ("version: 1\nn_points: 3\n{\n1 2\n3 4\n}\n", "n_points: 3"),
        ("version: 1\nn_points: 2\n{\n1 2\n3 4\n", "not closed"),
        ("hello\n", "face.pts:1:"),
    ];
    for (text, want) in cases {
        let e = parse_landmarks(text, p).unwrap_err().to_string();
        assert!(e.contains(want), "{text:?}: {e}");
    }
    let j = Path::new("lm.json");
    assert!(parse_landmarks("{\"points\": []}", j).unwrap_err().to_string().contains("`landmarks` field"));
    assert!(parse_landmarks("[[1, 2], [3]]", j).unwrap_err().to_string().contains("landmark 1 must be [x, y]"));
    assert_eq!(parse_landmarks("[[1, 2], [3, 4.5]]", j).unwrap().points, vec![[1.0, 2.0], [3.0, 4.5]]);
}
