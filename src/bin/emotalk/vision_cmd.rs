//! `emotalk rig detect`, `emotalk judge expression`, and finding a portrait's rig (the file
//! given, the one beside the image, or one detected).

use std::path::{Path, PathBuf};

use emotalk::face::{self, PortraitRig};
use emotalk::vision::judge::Judge;
use emotalk::vision::{AutoRig, DetectOptions, FacePerception, autorig::read_image};

use crate::BoxError;
use crate::emotion_cmd::Cpu;

/// The rig of `portrait`: `rig` when given, else `NAME.rig.json` beside it, else one detected
/// (stderr says so).
pub fn portrait_rig(portrait: &Path, rig: Option<&Path>) -> Result<PortraitRig, BoxError> {
    if let Some(r) = rig {
        return Ok(PortraitRig::load(r)?);
    }
    let beside = PortraitRig::path_beside(portrait);
    if beside.is_file() {
        return Ok(PortraitRig::load(&beside)?);
    }
    let found = detect(portrait)?;
    eprintln!(
        "{}: no rig file ({} is missing): detected the face (score {:.2}, box {:?})",
        portrait.display(),
        beside.display(),
        found.reading.detection.score,
        found.rig.face_box(),
    );
    Ok(found.rig)
}

fn detect(image: &Path) -> Result<AutoRig, BoxError> {
    let img = read_image(image)?;
    let perception = FacePerception::<Cpu>::shipped(&Default::default())?;
    let found = perception.rig(&img, image, &DetectOptions::default())?;
    for w in &found.warnings {
        eprintln!("warning: {w}");
    }
    Ok(found)
}

/// `emotalk rig detect --image P.png --out P.rig.json [--preview mesh.png]`.
pub fn rig_detect(image: &Path, out: &Path, preview: Option<&Path>) -> Result<(), BoxError> {
    let found = detect(image)?;
    crate::write_atomically(out, |w| w.write_all(found.rig.to_json().as_bytes()))?;
    if let Some(preview) = preview {
        let mut img = read_image(image)?;
        let mesh = face::FaceMesh::get();
        let placed = mesh.place(&found.rig.points()).ok_or("the landmarks are degenerate")?;
        face::overlay::draw_mesh(&mut img, mesh, &placed);
        img.save(preview).map_err(|e| format!("{}: cannot write: {e}", preview.display()))?;
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

/// `emotalk judge expression DIR_OR_PNG…`: one JSON line per image, then the summary.
pub fn judge_expression(paths: &[PathBuf], summary_out: Option<&Path>) -> Result<(), BoxError> {
    if paths.is_empty() {
        return Err("give PNG files or folders of them".into());
    }
    let judge = Judge::<Cpu>::shipped(&Default::default())?;
    let (judged, summary) = judge.judge_paths(paths);
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
