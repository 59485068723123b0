//! User files never panic the face model: thousands of seeded mutations of a valid rig, landmark
//! file and blendshape basis each give a value or a typed error; every mutated rig that is
//! accepted also prepares and renders.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use emotalk::face::blendshapes::DEFAULT_BASIS_JSON;
use emotalk::face::import::parse_landmarks;
use emotalk::face::{BlendshapeBasis, HeadPose, PortraitRig, PreparedPortrait, RigError};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// One random edit: delete, insert, replace a digit, duplicate a span, or truncate.
fn mutate(text: &str, r: &mut ChaCha8Rng) -> String {
    let mut b: Vec<u8> = text.as_bytes().to_vec();
    let n = b.len().max(1);
    match r.random_range(0..5) {
        0 => {
            b.remove(r.random_range(0..n).min(b.len().saturating_sub(1)));
        }
        1 => b.insert(r.random_range(0..=b.len()), b"-9e.,[]{}\" 0x"[r.random_range(0..13)]),
        2 => {
            if let Some(i) = (0..8).map(|_| r.random_range(0..n)).find(|&i| b.get(i).is_some_and(u8::is_ascii_digit)) {
                b[i] = b"0123456789-"[r.random_range(0..11)];
            }
        }
        3 => {
            let (i, len) = (r.random_range(0..n), r.random_range(1..40));
            let span: Vec<u8> = b[i.min(b.len())..(i + len).min(b.len())].to_vec();
            let at = r.random_range(0..=b.len());
            b.splice(at..at, span);
        }
        _ => b.truncate(r.random_range(0..n)),
    }
    String::from_utf8_lossy(&b).into_owned()
}

fn no_panic<T>(what: &str, input: &str, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| panic!("{what} panicked on:\n{input}"))
}

#[test]
fn mutated_rigs_and_landmark_files_never_panic() {
    let rig = PortraitRig::from_json(emotalk::bundled::NPC_3_RIG, Path::new("npc_3.rig.json")).unwrap();
    let image = image::load_from_memory(emotalk::bundled::NPC_3_PNG).unwrap().to_rgba8();
    let basis = BlendshapeBasis::default_basis();
    let pts = format!(
        "version: 1\nn_points: 68\n{{\n{}\n}}\n",
        rig.landmarks.iter().map(|[x, y]| format!("{x} {y}")).collect::<Vec<_>>().join("\n")
    );
    let mut r = ChaCha8Rng::seed_from_u64(2026);
    let (mut accepted, mut rendered) = (0, 0);
    for _ in 0..3000 {
        let mut text = emotalk::bundled::NPC_3_RIG.to_string();
        for _ in 0..r.random_range(1..4) {
            text = mutate(&text, &mut r);
        }
        let parsed =
            no_panic("PortraitRig::from_json", &text, || PortraitRig::from_json(&text, Path::new("m.rig.json")));
        if let Ok(m) = parsed {
            accepted += 1;
            // An accepted rig of another size is refused against this image, not mis-rendered.
            let prepared = no_panic("PreparedPortrait::new", &text, || PreparedPortrait::new(image.clone(), &m, basis));
            if let Ok(p) = prepared
                && rendered < 40
            {
                rendered += 1;
                no_panic("render", &text, || {
                    p.render(&p.fit().weights, &HeadPose { yaw: 5.0, ..Default::default() }, basis)
                });
            }
        }
        let lm = mutate(&pts, &mut r);
        no_panic("parse_landmarks (.pts)", &lm, || parse_landmarks(&lm, Path::new("m.pts")).ok());
        let list = mutate(&serde_json::to_string(&rig.landmarks).unwrap(), &mut r);
        no_panic("parse_landmarks (json)", &list, || parse_landmarks(&list, Path::new("m.json")).ok());
    }
    assert!(accepted > 100, "the mutations were too destructive to test acceptance ({accepted})");
    assert!(rendered > 10);
}

#[test]
fn mutated_bases_never_panic() {
    let mut r = ChaCha8Rng::seed_from_u64(7);
    for _ in 0..150 {
        let text = mutate(DEFAULT_BASIS_JSON, &mut r);
        if let Ok(b) = no_panic("BlendshapeBasis::from_json", &text, || BlendshapeBasis::from_json(&text, "m.json")) {
            no_panic("displacements", &text, || b.displacements(&[1.0; 52]));
        }
    }
}

#[test]
fn a_rig_for_another_image_size_is_refused() {
    let rig = PortraitRig::from_json(emotalk::bundled::NPC_3_RIG, Path::new("npc_3.rig.json")).unwrap();
    let small = image::RgbaImage::new(256, 256);
    let e = PreparedPortrait::new(small, &rig, BlendshapeBasis::default_basis()).err().expect("refused");
    assert!(matches!(e, RigError::ImageMismatch { rig_width: 512, width: 256, .. }), "{e:?}");
    assert!(e.to_string().contains("512×512") && e.to_string().contains("256×256"));
}
