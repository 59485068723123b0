//! `emotalk rig detect`, `emotalk judge expression`, and finding a portrait's rig (the file
//! given, the one beside the image, or one detected).

use std::path::{Path, PathBuf};

use emotalk::face::{self, PortraitRig};
use emotalk::vision::judge::{Judge, JudgeNet};
use emotalk::vision::{AutoRig, DetectOptions, FacePerception, autorig::read_image};
use image::RgbaImage;

use crate::BoxError;
use crate::emotion_cmd::Cpu;

/// The rig of `portrait` (already decoded as `image`): `rig` when given, else `NAME.rig.json`
/// beside it, else one detected in `image` (stderr says so).
pub fn portrait_rig(portrait: &Path, image: &RgbaImage, rig: Option<&Path>) -> Result<PortraitRig, BoxError> {
    if let Some(r) = rig {
        return Ok(PortraitRig::load(r)?);
    }
    let beside = PortraitRig::path_beside(portrait);
    if beside.is_file() {
        return Ok(PortraitRig::load(&beside)?);
    }
    let found = detect(portrait, image)?;
    eprintln!(
        "{}: no rig file ({} is missing): detected the face (score {:.2}, box {:?})",
        portrait.display(),
        beside.display(),
        found.reading.detection.score,
        found.rig.face_box(),
    );
    Ok(found.rig)
}

fn detect(label: &Path, image: &RgbaImage) -> Result<AutoRig, BoxError> {
    let perception = FacePerception::<Cpu>::shipped(&Default::default())?;
    let found = perception.rig(image, label, &DetectOptions::default())?;
    for w in &found.warnings {
        eprintln!("warning: {w}");
    }
    Ok(found)
}

/// `emotalk rig detect --image P.png --out P.rig.json [--preview mesh.png]`.
pub fn rig_detect(image: &Path, out: &Path, preview: Option<&Path>) -> Result<(), BoxError> {
    let img = read_image(image)?;
    let found = detect(image, &img)?;
    crate::write_atomically(out, |w| w.write_all(found.rig.to_json().as_bytes()))?;
    if let Some(preview) = preview {
        write_mesh_preview(img, &found.rig, preview)?;
    }
    let (class, p) = found.reading.top_expression();
    eprintln!(
        "{}: face {:?} (score {:.2}, found at {} detector sizes, {} face(s) in the image), expression {} ({:.2}) -> {}",
        image.display(),
        found.rig.face_box(),
        found.reading.detection.score,
        found.reading.sizes_found,
        found.faces,
        class.name(),
        p,
        out.display()
    );
    Ok(())
}

/// Writes `image` with the face mesh of `rig` drawn over it (`--preview` of `rig import` and
/// `rig detect`).
pub fn write_mesh_preview(mut image: RgbaImage, rig: &PortraitRig, path: &Path) -> Result<(), BoxError> {
    let mesh = face::FaceMesh::get();
    let placed = face::MeshDeformer::get().place(&rig.points()).ok_or("the landmarks are degenerate")?;
    face::overlay::draw_mesh(&mut image, mesh, &placed);
    image.save(path).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    Ok(())
}

/// `emotalk judge expression [--net NET] DIR_OR_PNG…`: one JSON line per image, then the summary.
pub fn judge_expression(paths: &[PathBuf], summary_out: Option<&Path>, net: &str) -> Result<(), BoxError> {
    if paths.is_empty() {
        return Err("give PNG files or folders of them".into());
    }
    let net =
        JudgeNet::from_name(net).ok_or_else(|| format!("--net: unknown expression net `{net}` (face-api or fer)"))?;
    let judge = Judge::<Cpu>::shipped(&Default::default())?;
    let (judged, summary) = judge.judge_paths_by(net, paths);
    for j in &judged {
        println!("{}", serde_json::to_string(j)?);
    }
    let text = serde_json::to_string_pretty(&summary)?;
    println!("{text}");
    if let Some(p) = summary_out {
        crate::write_atomically(p, |w| w.write_all(text.as_bytes()))?;
    }
    for (file, why) in &summary.failed {
        eprintln!("warning: {file}: {why}");
    }
    if summary.judged == 0 {
        return Err(format!("no face judged in {} image(s)", summary.images).into());
    }
    Ok(())
}
