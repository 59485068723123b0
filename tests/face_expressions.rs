//! The expression basis and the emotion presets do what their FACS action units say, on the
//! mean face, and never tear the mesh.

use std::path::Path;

use emotalk::face::blendshapes::{BlendshapeBasis, DEFAULT_BASIS_JSON, NAMES, index_of};
use emotalk::face::{EmotionPreset, FaceMesh, MeshDeformer, PortraitRig, authoring, mean_face};
use glam::{Vec2, Vec3};

fn basis() -> &'static BlendshapeBasis {
    BlendshapeBasis::default_basis()
}

/// Landmarks (normalised frame) of the mean face with these weights.
fn expression(weights: &[f32]) -> [Vec3; 68] {
    let d = basis().displacements(weights);
    let m = mean_face();
    std::array::from_fn(|i| m[i] + d[i])
}

fn weights(pairs: &[(&str, f32)]) -> Vec<f32> {
    let mut w = vec![0.0; NAMES.len()];
    for (n, v) in pairs {
        w[index_of(n).unwrap()] = *v;
    }
    w
}

/// The landmarks drawn at 200 px per unit in an 800 × 800 portrait, validated as a rig.
fn as_rig(p: &[Vec3; 68]) -> Result<PortraitRig, String> {
    let px: [Vec2; 68] = std::array::from_fn(|i| p[i].truncate() * 200.0 + Vec2::new(400.0, 330.0));
    let rig = PortraitRig::new(800, 800, &px);
    rig.validate(Path::new("expression")).map(|_| rig).map_err(|e| e.to_string())
}

/// How the renderer moves the mesh: the rest mesh plus the harmonic deformation. Returns the
/// worst triangle's area ratio against the rest (negative = folded).
fn worst_triangle(weights: &[f32]) -> f32 {
    let mesh = FaceMesh::get();
    let d = MeshDeformer::get().deform(&basis().displacements(weights));
    let moved: Vec<Vec2> = mesh.rest.iter().zip(&d).map(|(p, d)| *p + d.truncate()).collect();
    mesh.triangles
        .iter()
        .map(|t| {
            let [a, b, c] = t.map(|i| moved[i as usize]);
            let [ra, rb, rc] = t.map(|i| mesh.rest[i as usize]);
            (b - a).perp_dot(c - a) / (rb - ra).perp_dot(rc - ra)
        })
        .fold(f32::MAX, f32::min)
}

#[test]
fn the_shipped_basis_is_the_authored_one_and_complete() {
    assert_eq!(
        authoring::author_basis().to_json(),
        DEFAULT_BASIS_JSON,
        "models/face/blendshapes.json is stale: run `cargo run --example make_blendshapes`"
    );
    let b = basis();
    assert_eq!(b.shapes.len(), 52);
    for (s, name) in b.shapes.iter().zip(NAMES) {
        assert_eq!(s.name, name);
        assert!(!s.facs.is_empty() && s.facs.iter().all(|a| a.starts_with("AU")), "{name}: {:?}", s.facs);
        assert!(s.displacements.iter().any(|d| d.length() > 1e-3), "{name} moves nothing");
    }
}

#[test]
fn no_shape_or_preset_tears_the_mesh() {
    let mut failures = Vec::new();
    // Each shape alone, each preset, and combinations that stress the mouth: both the renderer's
    // deformed mesh and the rig check (as if a portrait showed the expression) must hold.
    let mut all: Vec<(String, Vec<f32>)> = NAMES.iter().map(|n| (format!("{n} at 1"), weights(&[(n, 1.0)]))).collect();
    all.extend(EmotionPreset::ALL.iter().map(|p| (format!("{} at mu 3", p.name()), p.weights(3.0).to_vec())));
    for (what, w) in &all {
        let worst = worst_triangle(w);
        if worst < 0.05 {
            failures.push(format!("{what}: a triangle shrinks to {worst:.3} of its area"));
        }
        if let Err(e) = as_rig(&expression(w)) {
            failures.push(format!("{what}: {e}"));
        }
    }
    for combo in [
        &[("jawOpen", 1.0), ("mouthClose", 1.0)][..],
        &[("jawOpen", 1.0), ("mouthSmileLeft", 1.0), ("mouthSmileRight", 1.0)],
        &[("jawOpen", 1.0), ("mouthPucker", 1.0)],
    ] {
        if let Err(e) = as_rig(&expression(&weights(combo))) {
            failures.push(format!("{combo:?}: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn jaw_open_parts_the_inner_lips_by_the_authored_distance() {
    let gap = |w: f32| {
        let p = expression(&weights(&[("jawOpen", w)]));
        p[66].y - p[62].y
    };
    let rest = gap(0.0);
    for w in [0.25, 0.5, 1.0] {
        // The lower inner lip rides with the jaw (0.26 at weight 1); the upper one stays.
        assert!((gap(w) - rest - 0.26 * w).abs() < 1e-4, "w {w}: gap {}", gap(w));
    }
    // 0.26 IOD ≈ 23 mm at full weight; jawOpen + mouthClose brings the lips back together.
    let closed = expression(&weights(&[("jawOpen", 1.0), ("mouthClose", 1.0)]));
    assert!((closed[66].y - closed[62].y).abs() < 0.04);
    // The upper lip and its support vertices stay where they were.
    let d = MeshDeformer::get().deform(&basis().displacements(&weights(&[("jawOpen", 1.0)])));
    assert!((61..=63).all(|i| d[i] == Vec3::ZERO));
    let mesh = FaceMesh::get();
    let philtrum = (0..mesh.n_vertices()).find(|&i| mesh.rest[i] == Vec2::new(0.0, 0.58)).unwrap();
    assert!(d[philtrum].length() < 0.1 * d[8].length(), "philtrum moves {} with the chin at {}", d[philtrum], d[8]);
}

#[test]
fn a_blink_closes_the_eye_and_only_that_eye() {
    let p = expression(&weights(&[("eyeBlinkLeft", 1.0)]));
    let m = mean_face();
    for (u, l) in [(43, 47), (44, 46)] {
        assert!((p[l].y - p[u].y).abs() < 1e-4, "left lids {u}/{l} still apart");
    }
    for i in 36..42 {
        assert_eq!(p[i], m[i], "the right eye moved");
    }
    let r = expression(&weights(&[("eyeBlinkRight", 1.0)]));
    assert!((r[40].y - r[38].y).abs() < 1e-4 && (r[41].y - r[37].y).abs() < 1e-4);
}

#[test]
fn presets_move_what_their_action_units_say() {
    let m = mean_face();
    let at = |p: EmotionPreset| expression(&p.weights(3.0));
    let dy = |p: &[Vec3; 68], i: usize| p[i].y - m[i].y; // negative = up
    let corners_up = |p: &[Vec3; 68]| (dy(p, 48) + dy(p, 54)) / 2.0;
    let brows_up = |p: &[Vec3; 68], r: std::ops::RangeInclusive<usize>| {
        r.clone().map(|i| dy(p, i)).sum::<f32>() / r.count() as f32
    };

    let happy = at(EmotionPreset::Happy);
    assert!(corners_up(&happy) < -0.04, "happy: mouth corners up (AU12)");
    // A posed, broad smile shows most of the upper incisors' 10 mm crowns (Tjan, Miller & The
    // 1984): the lips part 7 to 10 mm, the upper lip rising further than the lower one drops.
    let gap = (happy[66].y - happy[62].y) - (m[66].y - m[62].y);
    assert!((0.075..0.11).contains(&gap), "happy: the lips part {gap} IOD (AU10 + AU12 + AU25)");
    assert!(-dy(&happy, 62) > dy(&happy, 66), "happy: the upper lip rises further than the lower drops");
    assert!(dy(&happy, 46) < -0.01 && dy(&happy, 41) < -0.01, "happy: cheeks push the lower lids up (AU6)");

    let surprised = at(EmotionPreset::Surprised);
    assert!(brows_up(&surprised, 17..=26) < -0.04, "surprised: brows up (AU1+AU2)");
    assert!(dy(&surprised, 44) < -0.02, "surprised: upper lid up (AU5)");
    assert!(dy(&surprised, 8) > 0.08, "surprised: jaw drops (AU26)");

    let sad = at(EmotionPreset::Sad);
    assert!(dy(&sad, 21) < -0.02 && dy(&sad, 22) < -0.02, "sad: inner brows up (AU1)");
    assert!(corners_up(&sad) > 0.02, "sad: mouth corners down (AU15)");

    let angry = at(EmotionPreset::Angry);
    assert!(brows_up(&angry, 17..=26) > 0.03, "angry: brows down (AU4)");
    assert!(angry[22].x - angry[21].x < m[22].x - m[21].x - 0.02, "angry: brows draw together (AU4)");
    assert!(dy(&angry, 51) < -0.02 && dy(&angry, 57) > 0.04, "angry: upper lip up, lower lip down (AU10+AU16)");
    assert!(angry[66].y - angry[62].y > m[66].y - m[62].y + 0.06, "angry: lips apart, the teeth bared (AU25/26)");
    assert!(dy(&angry, 44) > -0.005, "angry: no raised upper lid (AU5 left out)");
    // The dropped jaw takes the corners down on its own; AU15 0.3 adds 0.02.
    let jaw = EmotionPreset::Angry.weights(3.0)[emotalk::face::blendshapes::index_of("jawOpen").unwrap()];
    let jaw_alone = expression(&weights(&[("jawOpen", jaw)]));
    assert!(
        corners_up(&angry) > corners_up(&jaw_alone) + 0.015,
        "angry: the open mouth's corners down, squarish (AU15): {} vs {} by the jaw",
        corners_up(&angry),
        corners_up(&jaw_alone)
    );

    let disgusted = at(EmotionPreset::Disgusted);
    assert!(dy(&disgusted, 31) < -0.02 && dy(&disgusted, 35) < -0.02, "disgusted: nostrils up (AU9)");
    assert!(dy(&disgusted, 51) < -0.02, "disgusted: upper lip up (AU10)");
    assert!(
        disgusted[66].y - disgusted[62].y < m[66].y - m[62].y + 0.05,
        "disgusted: the lower lip stays up (no AU16)"
    );

    let fear = at(EmotionPreset::Fear);
    assert!(brows_up(&fear, 17..=26) < -0.02 && dy(&fear, 44) < -0.02, "fear: brows and lids up (AU1+2+5)");
    assert!(fear[54].x - fear[48].x > m[54].x - m[48].x + 0.05, "fear: lips stretched (AU20)");

    let contempt = at(EmotionPreset::Contempt);
    assert!(
        dy(&contempt, 54) < -0.015 && contempt[54].z < m[54].z,
        "contempt: left corner up and tightened (AU12+AU14)"
    );
    assert_eq!(contempt[48], m[48], "contempt: one-sided");

    assert_eq!(at(EmotionPreset::Neutral), m);
    // Intensity: a stronger emotion moves further.
    let smile = |mu: f32| corners_up(&expression(&EmotionPreset::Happy.weights(mu)));
    assert!(smile(1.0) > smile(2.0) && smile(2.0) > smile(3.0));
}

#[test]
fn a_broken_basis_file_is_rejected_with_the_place_named() {
    let good = DEFAULT_BASIS_JSON;
    let cases = [
        (good.replacen("\"jawOpen\"", "\"jawOpn\"", 1), "`jawOpn` is not an ARKit blendshape name"),
        (good.replacen("\"jawOpen\"", "\"jawForward\"", 1), "`jawForward` is defined twice"),
        (good.replacen("\"8\": [", "\"68\": [", 1), "landmark 68: there are only 68 landmarks"),
        (good.replacen("\"version\"", "\"versoin\"", 1), "basis.json:2:"),
    ];
    for (text, want) in cases {
        let e = BlendshapeBasis::from_json(&text, "basis.json").unwrap_err().to_string();
        assert!(e.contains(want), "want `{want}`, got: {e}");
    }
    let e = BlendshapeBasis::load("no/such/basis.json").unwrap_err().to_string();
    assert!(e.contains("no/such/basis.json"));
}
