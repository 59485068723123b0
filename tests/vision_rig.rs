//! Auto-rigging: rigs found in bare images (photos, bundled NPCs, posed and rendered frames),
//! real detector output with a closed mouth's crossed inner lips or a smile's inner-lip corner
//! outside the outer lips, faces that fill the frame, and bad images.

use std::path::{Path, PathBuf};

use burn::backend::Flex;
use emotalk::face::import::{close_crossed_inner_lips, import_rig_reporting, tuck_inner_lip_corners};
use emotalk::face::{BlendshapeBasis, EmotionPreset, HeadPose, PortraitRig, PreparedPortrait, RigError, npc};
use emotalk::vision::autorig::read_image;
use emotalk::vision::perceive::nme;
use emotalk::vision::{DetectOptions, FacePerception, VisionError};
use image::RgbaImage;

fn perception() -> FacePerception<Flex> {
    FacePerception::shipped(&Default::default()).unwrap()
}

fn shared(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/portraits").join(name)
}

#[test]
fn bare_portraits_get_valid_rigs_close_to_the_truth() {
    let p = perception();
    let opts = DetectOptions::default();
    for (name, png, rig) in [
        ("npc_3", emotalk::bundled::NPC_3_PNG, emotalk::bundled::NPC_3_RIG),
        ("npc_7", emotalk::bundled::NPC_7_PNG, emotalk::bundled::NPC_7_RIG),
    ] {
        let img = image::load_from_memory(png).unwrap().to_rgba8();
        let truth = PortraitRig::from_json(rig, Path::new(name)).unwrap();
        let found = p.rig(&img, Path::new(name), &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
        found.rig.validate(Path::new(name)).unwrap();
        let e = nme(&found.rig.landmarks, &truth.landmarks);
        eprintln!("{name}: NME {e:.4}, found at {} sizes", found.reading.sizes_found);
        assert!(e < 0.12, "{name}: NME {e}");
        // Usable: the portrait prepares and renders with the detected rig.
        PreparedPortrait::new(img, &found.rig, BlendshapeBasis::default_basis()).unwrap();
    }
    let photo = read_image(&shared("astronaut.png")).unwrap();
    let found = p.rig(&photo, Path::new("astronaut.png"), &opts).unwrap();
    assert_eq!(found.faces, 1);
    assert_eq!(found.rig.image.as_deref(), Some("astronaut.png"));
}

#[test]
fn posed_and_rendered_frames_are_found_and_rigged() {
    // The detector is not scale- or expression-invariant: a face it finds in the neutral
    // portrait must still be found when it talks, emotes and turns.
    let p = perception();
    let basis = BlendshapeBasis::default_basis();
    let opts = DetectOptions::default();
    for seed in [11u64, 23] {
        let n = npc::generate(seed, 512);
        let prepared = PreparedPortrait::new(n.image.clone(), &n.rig, basis).unwrap();
        for (emotion, yaw) in
            [(EmotionPreset::Happy, 0.0), (EmotionPreset::Surprised, 12.0), (EmotionPreset::Angry, -12.0)]
        {
            let mut w = emotion.weights(2.5);
            w[emotalk::face::blendshapes::index_of("jawOpen").unwrap()] = 0.4;
            let frame = prepared.render(&w, &HeadPose { yaw, ..Default::default() }, basis);
            let found =
                p.rig(&frame, Path::new("frame"), &opts).unwrap_or_else(|e| panic!("seed {seed} {emotion:?}: {e}"));
            let truth: Vec<[f32; 2]> = prepared.fit().landmarks_with(&w, basis).iter().map(|v| [v.x, v.y]).collect();
            if yaw == 0.0 {
                let e = nme(&found.rig.landmarks, &truth);
                assert!(e < 0.15, "seed {seed} {emotion:?}: NME {e}");
            }
        }
    }
}

/// The astronaut's hand-made landmarks (`../shared/data/portraits/astronaut.landmarks68.json`).
fn astronaut_truth() -> Vec<[f32; 2]> {
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shared("astronaut.landmarks68.json")).unwrap()).unwrap();
    v["landmarks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| [p[0].as_f64().unwrap() as f32, p[1].as_f64().unwrap() as f32])
        .collect()
}

#[test]
fn a_face_that_fills_the_frame_is_found_and_rigged() {
    // The astronaut cropped to a square `scale` times her landmarks' span, centred on them: at
    // 1.0 the frame cuts along her jaw and brows, at 0.9 into them. Before the second look with
    // the edges carried on, the first was refused (the mesh collapsed) and the second found no
    // face (`examples/tight_crops.rs`).
    let p = perception();
    let photo = read_image(&shared("astronaut.png")).unwrap();
    let truth = astronaut_truth();
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    for &[x, y] in &truth {
        (x0, y0, x1, y1) = (x0.min(x), y0.min(y), x1.max(x), y1.max(y));
    }
    let (cx, cy, span) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0, (x1 - x0).max(y1 - y0));
    // Detected on the whole photograph, her landmarks are this far from the hand-made ones.
    let whole = p.rig(&photo, Path::new("astronaut.png"), &DetectOptions::default()).unwrap();
    assert!(whole.warnings.is_empty(), "{:?}", whole.warnings);
    let whole_nme = nme(&whole.rig.landmarks, &truth);
    for scale in [1.0f32, 0.9] {
        let side = (span * scale).round() as u32;
        let (left, top) = ((cx - side as f32 / 2.0).round() as u32, (cy - side as f32 / 2.0).round() as u32);
        let crop = image::imageops::crop_imm(&photo, left, top, side, side).to_image();
        let label = format!("astronaut@{scale}");
        let found =
            p.rig(&crop, Path::new(&label), &DetectOptions::default()).unwrap_or_else(|e| panic!("{label}: {e}"));
        eprintln!("{label}: {:?}", found.warnings);
        // Cut along her brows and jaw, some points lie beyond the frame: the rig says so.
        let beyond = found.warnings.iter().any(|w| w.contains("reaches beyond the image's"));
        assert_eq!(beyond, scale < 1.0, "{label}: {:?}", found.warnings);
        assert!(found.warnings.iter().any(|w| w.contains("edge pixels carried on")), "{label}: {:?}", found.warnings);
        let shifted: Vec<[f32; 2]> = truth.iter().map(|&[x, y]| [x - left as f32, y - top as f32]).collect();
        let e = nme(&found.rig.landmarks, &shifted);
        eprintln!("{label}: {side} px, NME {e:.4} against the annotation (the whole photograph: {whole_nme:.4})");
        assert!(e < whole_nme + 0.03, "{label}: NME {e} (whole photograph {whole_nme})");
        PreparedPortrait::new(crop, &found.rig, BlendshapeBasis::default_basis()).unwrap();
    }
    // A frame through the eyes, or through the mouth, leaves no face to rig: a typed error that
    // says which edge cuts it, never a rig of guesses.
    for (y0, y1, edge) in [(105u32, 190u32, "top"), (70, 150, "bottom")] {
        let cut = image::imageops::crop_imm(&photo, 170, y0, 112, y1 - y0).to_image();
        let Err(e) = p.rig(&cut, Path::new("cut.png"), &DetectOptions::default()) else {
            panic!("cut at the {edge}: rigged");
        };
        let VisionError::FaceCut { edges, points, .. } = &e else { panic!("cut at the {edge}: {e}") };
        assert!(*edges == format!("{edge} edge") && *points >= 6, "{e}");
        assert!(e.to_string().contains(&format!("cut off by the image's {edge} edge")), "{e}");
    }
}

fn crossed_astronaut(cross_px: f32) -> Vec<[f32; 2]> {
    let mut pts = astronaut_truth();
    // Close the mouth onto one line, then push the lower inner lip above the upper one.
    for (u, l) in [(61, 67), (62, 66), (63, 65)] {
        let y = (pts[u][1] + pts[l][1]) / 2.0;
        pts[u][1] = y + cross_px / 2.0;
        pts[l][1] = y - cross_px / 2.0;
    }
    pts
}

#[test]
fn crossed_inner_lips_of_a_closed_mouth_are_closed_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    let lm = dir.path().join("crossed.json");
    std::fs::write(&lm, serde_json::to_string(&crossed_astronaut(2.0)).unwrap()).unwrap();
    let (rig, warnings) = import_rig_reporting(&shared("astronaut.png"), &lm).unwrap();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("inner lips cross by 2.0 px"), "{warnings:?}");
    for (u, l) in [(61, 67), (62, 66), (63, 65)] {
        assert_eq!(rig.landmarks[u], rig.landmarks[l]);
    }
    // Without the mend the same points are refused: the mend is what lets them in.
    let raw = PortraitRig::new(512, 512, &std::array::from_fn(|i| glam::Vec2::from(crossed_astronaut(2.0)[i])));
    assert!(raw.validate(Path::new("raw")).is_err(), "a crossed inner lip is refused before the mend");
    // An open, untouched mouth is left alone.
    let mut open = crossed_astronaut(-8.0);
    assert_eq!(close_crossed_inner_lips(&mut open), None);
}

/// face-api's 68 landmarks of a real face (a wide, open smile, the head tilted: the first face of
/// `package/demo/sample2.jpg` in face-api's npm package, which is not shipped here, cropped to 512
/// px): the inner lips' right corner (64) lies a pixel above the outer lips' corner, which folds
/// the face mesh over.
#[rustfmt::skip]
const OPEN_SMILE: [[f32; 2]; 68] = [
    [210.2, 196.9], [211.3, 210.1], [214.8, 223.9], [218.6, 236.7], [227.3, 248.3], [236.5, 257.3],
    [247.0, 264.5], [259.1, 272.2], [271.8, 273.2], [282.0, 266.4], [287.8, 257.1], [294.1, 249.2],
    [300.2, 237.9], [306.8, 228.3], [311.1, 218.1], [311.4, 207.1], [312.1, 194.3], [223.9, 195.1],
    [232.1, 190.6], [242.7, 190.9], [251.9, 193.3], [260.4, 195.7], [283.0, 192.6], [291.7, 188.0],
    [299.4, 184.8], [307.8, 183.1], [313.4, 184.6], [272.0, 207.1], [274.4, 219.1], [276.0, 230.3],
    [277.3, 240.7], [262.8, 241.6], [268.6, 244.5], [274.8, 245.6], [279.9, 242.6], [284.0, 238.8],
    [234.7, 205.0], [241.2, 203.5], [249.2, 203.2], [255.1, 206.4], [249.3, 208.6], [241.2, 208.6],
    [284.7, 202.9], [291.7, 198.4], [299.6, 197.2], [304.2, 198.4], [299.9, 202.5], [292.3, 203.1],
    [248.2, 248.8], [258.9, 251.4], [268.1, 252.4], [273.0, 252.6], [278.4, 250.4], [285.0, 247.8],
    [290.7, 243.8], [284.8, 255.0], [278.6, 260.6], [272.2, 262.9], [266.3, 262.4], [257.7, 259.1],
    [250.5, 250.5], [266.5, 253.5], [273.2, 253.8], [278.8, 252.1], [287.9, 244.8], [278.5, 254.9],
    [272.7, 256.6], [266.5, 256.2]
];

#[test]
fn a_smiles_inner_lip_corner_outside_the_outer_lips_is_tucked_in() {
    let to_rig = |pts: &[[f32; 2]; 68]| PortraitRig::new(512, 512, &pts.map(glam::Vec2::from));
    let raw = to_rig(&OPEN_SMILE);
    let err = raw.validate(Path::new("raw")).unwrap_err();
    assert!(matches!(err, RigError::Folded { landmark: 64, .. }), "{err}");
    let mut rig = raw.clone();
    let said = tuck_inner_lip_corners(&mut rig, Path::new("smile"));
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(said[0].contains("landmark 64"), "{said:?}");
    rig.validate(Path::new("smile")).unwrap();
    let moved = |a: [f32; 2], b: [f32; 2]| (a[0] - b[0]).hypot(a[1] - b[1]);
    assert!((0..68).filter(|&i| i != 64).all(|i| rig.landmarks[i] == raw.landmarks[i]), "only the corner moves");
    let d = moved(rig.landmarks[64], raw.landmarks[64]);
    assert!(d > 0.0 && d < 2.0, "moved {d} px");
    // Imported from a file, the same points make a rig, with the warning.
    let dir = tempfile::tempdir().unwrap();
    let (png, lm) = (dir.path().join("smile.png"), dir.path().join("smile.json"));
    RgbaImage::new(512, 512).save(&png).unwrap();
    std::fs::write(&lm, serde_json::to_string(&OPEN_SMILE.to_vec()).unwrap()).unwrap();
    let (imported, warnings) = import_rig_reporting(&png, &lm).unwrap();
    assert_eq!(imported.landmarks, rig.landmarks);
    assert!(warnings.iter().any(|w| w.contains("landmark 64")), "{warnings:?}");
    // A corner 8 px out (a fifth of the mouth's width) is disorder: left alone, still an error.
    let mut far = OPEN_SMILE;
    far[64] = [far[64][0] + 6.0, far[64][1] - 5.0];
    let mut rig = to_rig(&far);
    assert!(tuck_inner_lip_corners(&mut rig, Path::new("far")).is_empty());
    assert_eq!(rig.landmarks, to_rig(&far).landmarks);
    assert!(rig.validate(Path::new("far")).is_err());
    // A rig that validates is untouched.
    let astronaut =
        emotalk::face::import::import_rig(&shared("astronaut.png"), &shared("astronaut.landmarks68.json")).unwrap();
    let mut same = astronaut.clone();
    assert!(tuck_inner_lip_corners(&mut same, Path::new("astronaut")).is_empty());
    assert_eq!(same, astronaut);
}

#[test]
fn grossly_disordered_inner_lips_stay_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let lm = dir.path().join("swapped.json");
    std::fs::write(&lm, serde_json::to_string(&crossed_astronaut(14.0)).unwrap()).unwrap();
    let mut pts = crossed_astronaut(14.0);
    assert_eq!(close_crossed_inner_lips(&mut pts), None, "a 14 px crossing is not a closed mouth");
    let err = import_rig_reporting(&shared("astronaut.png"), &lm).unwrap_err();
    assert!(matches!(err, RigError::Order { .. } | RigError::Folded { .. }), "{err}");
}

#[test]
fn bad_images_are_typed_errors_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let p = perception();
    let opts = DetectOptions::default();
    // Not an image.
    let text = dir.path().join("notes.png");
    std::fs::write(&text, "hello").unwrap();
    let e = read_image(&text).unwrap_err();
    assert!(matches!(e, VisionError::Image { .. }) && e.to_string().contains("notes.png"), "{e}");
    // 1 × 1.
    let tiny = dir.path().join("tiny.png");
    RgbaImage::new(1, 1).save(&tiny).unwrap();
    let e = read_image(&tiny).unwrap_err();
    assert!(matches!(e, VisionError::ImageSize { .. }) && e.to_string().contains("tiny.png"), "{e}");
    // A header claiming 20000 × 20000: refused before any pixel is decoded.
    let huge = dir.path().join("huge.png");
    std::fs::write(&huge, png_header(20000, 20000)).unwrap();
    let e = read_image(&huge).unwrap_err();
    assert!(matches!(e, VisionError::ImageSize { .. }) && e.to_string().contains("huge.png"), "{e}");
    // A grey 16-bit PNG decodes; a flat grey image has no face.
    let grey = dir.path().join("grey16.png");
    image::ImageBuffer::<image::Luma<u16>, Vec<u16>>::from_pixel(96, 80, image::Luma([30000])).save(&grey).unwrap();
    let img = read_image(&grey).unwrap();
    let e = p.rig(&img, &grey, &opts).unwrap_err();
    assert!(matches!(e, VisionError::NoFace { .. }) && e.to_string().contains("grey16.png"), "{e}");
    // A grey (luma) rendering of a real face still rigs.
    let luma = image::DynamicImage::ImageRgba8(read_image(&shared("astronaut.png")).unwrap()).to_luma16();
    let luma_path = dir.path().join("astronaut16.png");
    luma.save(&luma_path).unwrap();
    p.rig(&read_image(&luma_path).unwrap(), &luma_path, &opts).unwrap();
    // A face too small to rig.
    let astro = read_image(&shared("astronaut.png")).unwrap();
    let small = image::imageops::resize(&astro, 96, 96, image::imageops::FilterType::Triangle);
    let mut canvas = RgbaImage::from_pixel(400, 400, image::Rgba([128, 128, 128, 255]));
    image::imageops::overlay(&mut canvas, &small, 150, 150);
    match p.rig(&canvas, Path::new("small.png"), &opts) {
        Err(VisionError::FaceTooSmall { path, .. } | VisionError::NoFace { path, .. }) => {
            assert_eq!(path, Path::new("small.png"))
        }
        other => panic!("a 20 px face: {other:?}"),
    }
}

/// The PNG signature, an IHDR chunk for a `w × h` RGB image, an empty IDAT and IEND: a header
/// that promises pixels it does not have.
fn png_header(w: u32, h: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend(w.to_be_bytes());
    ihdr.extend(h.to_be_bytes());
    ihdr.extend([8, 2, 0, 0, 0]);
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0d, 0x0a, 0x1a, 0x0a];
    for (kind, data) in [(b"IHDR", ihdr), (b"IDAT", Vec::new()), (b"IEND", Vec::new())] {
        out.extend((data.len() as u32).to_be_bytes());
        let mut body = kind.to_vec();
        body.extend(data);
        out.extend(&body);
        out.extend(crc32(&body).to_be_bytes());
    }
    out
}

fn crc32(data: &[u8]) -> u32 {
    let mut c = 0xffff_ffffu32;
    for &b in data {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xedb8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}
