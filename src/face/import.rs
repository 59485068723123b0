//! Importing landmarks from other tools into a [`PortraitRig`].
//!
//! Accepted landmark files (68 points, iBUG order, pixels):
//! * a JSON list of `[x, y]` pairs;
//! * a JSON object with a `landmarks` field holding that list (optionally `face_box` as
//!   `[x0, y0, x1, y1]`), as written by this repository's test data and many detectors;
//! * the iBUG `.pts` format (`version: 1`, `n_points: 68`, then `{`, one `x y` line per point, `}`).

use std::path::Path;

use super::rig::{PortraitRig, RIG_VERSION, RigError, RigHints};

/// Landmarks read from a file, before they are checked against an image.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedLandmarks {
    /// The points, in file order.
    pub points: Vec<[f32; 2]>,
    /// A face box, when the file gave one.
    pub face_box: Option<[f32; 4]>,
}

/// Parses a landmark file's text (format chosen by content; `path` names it in errors).
pub fn parse_landmarks(text: &str, path: &Path) -> Result<ImportedLandmarks, RigError> {
    let bad = |line: Option<usize>, message: String| RigError::Landmarks { path: path.to_path_buf(), line, message };
    let trimmed = text.trim_start();
    if trimmed.starts_with("version") || path.extension().is_some_and(|e| e.eq_ignore_ascii_case("pts")) {
        return parse_pts(text, path);
    }
    let value: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| bad(Some(e.line()), format!("not JSON: {}", super::json_message(&e))))?;
    let (list, face_box) = match &value {
        serde_json::Value::Array(_) => (&value, None),
        serde_json::Value::Object(map) => {
            let list =
                map.get("landmarks").ok_or_else(|| bad(None, "a JSON object needs a `landmarks` field".into()))?;
            let face_box = match map.get("face_box") {
                None | Some(serde_json::Value::Null) => None,
                Some(b) => Some(
                    serde_json::from_value::<[f32; 4]>(b.clone())
                        .map_err(|_| bad(None, "`face_box` must be [x0, y0, x1, y1]".into()))?,
                ),
            };
            (list, face_box)
        }
        _ => return Err(bad(None, "expected a list of [x, y] points or an object with `landmarks`".into())),
    };
    let items = list.as_array().ok_or_else(|| bad(None, "`landmarks` must be a list of [x, y] points".into()))?;
    let points = items
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let xy = p
                .as_array()
                .filter(|a| a.len() == 2)
                .and_then(|a| Some([a[0].as_f64()? as f32, a[1].as_f64()? as f32]));
            xy.ok_or_else(|| bad(None, format!("landmark {i} must be [x, y] with two numbers, found {p}")))
        })
        .collect::<Result<_, _>>()?;
    Ok(ImportedLandmarks { points, face_box })
}

fn parse_pts(text: &str, path: &Path) -> Result<ImportedLandmarks, RigError> {
    let bad =
        |line: usize, message: String| RigError::Landmarks { path: path.to_path_buf(), line: Some(line), message };
    let mut declared = None;
    let mut points = Vec::new();
    let mut inside = false;
    let mut closed = false;
    for (n, raw) in text.lines().enumerate() {
        let (line_no, line) = (n + 1, raw.trim());
        if line.is_empty() || closed {
            continue;
        }
        if !inside {
            if let Some(v) = line.strip_prefix("n_points:") {
                declared = Some(
                    v.trim()
                        .parse::<usize>()
                        .map_err(|_| bad(line_no, format!("`n_points:` needs a count, found `{}`", v.trim())))?,
                );
            } else if line == "{" {
                inside = true;
            } else if !line.starts_with("version:") {
                return Err(bad(line_no, format!("expected `version:`, `n_points:` or `{{`, found `{line}`")));
            }
            continue;
        }
        if line == "}" {
            closed = true;
            continue;
        }
        let mut it = line.split_whitespace().map(str::parse::<f32>);
        match (it.next(), it.next(), it.next()) {
            (Some(Ok(x)), Some(Ok(y)), None) => points.push([x, y]),
            _ => return Err(bad(line_no, format!("expected `x y` (two numbers), found `{line}`"))),
        }
    }
    if !closed {
        return Err(bad(text.lines().count().max(1), "the point list is not closed with `}`".into()));
    }
    if let Some(d) = declared.filter(|&d| d != points.len()) {
        return Err(bad(1, format!("`n_points: {d}` but {} points follow", points.len())));
    }
    Ok(ImportedLandmarks { points, face_box: None })
}

/// Builds and validates the rig of `image` from the landmark file `landmarks`.
pub fn import_rig(image: &Path, landmarks: &Path) -> Result<PortraitRig, RigError> {
    let (width, height) = image::image_dimensions(image)
        .map_err(|e| RigError::Image { path: image.to_path_buf(), message: e.to_string() })?;
    let text =
        std::fs::read_to_string(landmarks).map_err(|source| RigError::Io { path: landmarks.to_path_buf(), source })?;
    let imported = parse_landmarks(&text, landmarks)?;
    let rig = PortraitRig {
        version: RIG_VERSION,
        image: image.file_name().map(|n| n.to_string_lossy().into_owned()),
        width,
        height,
        landmarks: imported.points,
        face_box: imported.face_box,
        hints: RigHints::default(),
    };
    rig.validate(landmarks)?;
    Ok(rig)
}
