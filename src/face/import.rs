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

/// Builds and validates the rig of `image` from the landmark file `landmarks` (warnings, such as
/// a closed mouth's crossed inner lips being closed, are dropped: see [`import_rig_reporting`]).
pub fn import_rig(image: &Path, landmarks: &Path) -> Result<PortraitRig, RigError> {
    import_rig_reporting(image, landmarks).map(|(rig, _)| rig)
}

/// [`import_rig`], also returning what was mended on the way, one sentence each (a closed
/// mouth's crossed inner lips closed, [`close_crossed_inner_lips`]; a smile's inner-lip corners
/// tucked in, [`tuck_inner_lip_corners`]).
pub fn import_rig_reporting(image: &Path, landmarks: &Path) -> Result<(PortraitRig, Vec<String>), RigError> {
    let (width, height) = image::image_dimensions(image)
        .map_err(|e| RigError::Image { path: image.to_path_buf(), message: e.to_string() })?;
    let text =
        std::fs::read_to_string(landmarks).map_err(|source| RigError::Io { path: landmarks.to_path_buf(), source })?;
    let mut imported = parse_landmarks(&text, landmarks)?;
    let mut warnings: Vec<String> = close_crossed_inner_lips(&mut imported.points).into_iter().collect();
    let mut rig = PortraitRig {
        version: RIG_VERSION,
        image: image.file_name().map(|n| n.to_string_lossy().into_owned()),
        width,
        height,
        landmarks: imported.points,
        face_box: imported.face_box,
        hints: RigHints::default(),
    };
    warnings.extend(tuck_inner_lip_corners(&mut rig, landmarks));
    rig.validate(landmarks)?;
    Ok((rig, warnings))
}

/// Inner-lip pairs, upper point then the lower point under it (iBUG: 61–67, 62–66, 63–65).
const INNER_LIP_PAIRS: [(usize, usize); 3] = [(61, 67), (62, 66), (63, 65)];

/// How far (a fraction of the mouth's width, 60 to 64) a lower inner-lip point may sit above its
/// upper one and still count as a closed mouth: real detectors put a closed mouth's inner lips
/// 1–2 px across each other (on a 40–60 px mouth); more than this is disorder, left for
/// [`PortraitRig::validate`] to report.
pub const INNER_LIP_CROSSING_TOLERANCE: f32 = 0.12;

/// Closes a closed mouth whose inner lips touch or cross by a few pixels, as real 68-point
/// detectors output it: every upper/lower inner-lip pair closer than the tolerance (or crossed)
/// moves to its midpoint, so the inner lips lie on one line. Returns a warning when it changed
/// anything; leaves gross disorder (crossings beyond [`INNER_LIP_CROSSING_TOLERANCE`]) and
/// anything that is not 68 finite points alone.
pub fn close_crossed_inner_lips(points: &mut [[f32; 2]]) -> Option<String> {
    if points.len() != super::N_LANDMARKS || points.iter().flatten().any(|v| !v.is_finite()) {
        return None;
    }
    let at = |pts: &[[f32; 2]], i: usize| glam::Vec2::new(pts[i][0], pts[i][1]);
    let p = |i: usize| at(points, i);
    let axis = p(64) - p(60);
    let width = axis.length();
    if width <= f32::EPSILON {
        return None;
    }
    // "Down" across the mouth: the side of the mouth axis away from the eyes.
    let mut down = axis.perp() / width;
    let eyes = (36..48).map(p).sum::<glam::Vec2>() / 12.0;
    if down.dot((p(60) + p(64)) / 2.0 - eyes) < 0.0 {
        down = -down;
    }
    let gaps = INNER_LIP_PAIRS.map(|(u, l)| (p(l) - p(u)).dot(down));
    let worst = gaps.iter().copied().fold(f32::INFINITY, f32::min);
    let tolerance = INNER_LIP_CROSSING_TOLERANCE * width;
    if worst >= 0.0 || -worst > tolerance {
        return None;
    }
    for ((u, l), gap) in INNER_LIP_PAIRS.into_iter().zip(gaps) {
        if gap < tolerance {
            let mid = (at(points, u) + at(points, l)) / 2.0;
            points[u] = [mid.x, mid.y];
            points[l] = [mid.x, mid.y];
        }
    }
    Some(format!(
        "the inner lips cross by {:.1} px ({:.0} % of the mouth's width): closed onto one line (landmarks 61–67)",
        -worst,
        -worst / width * 100.0
    ))
}

/// How far [`tuck_inner_lip_corners`] may move an inner-lip corner, as a fraction of the mouth's
/// width (48 to 54): a detector's corner a few pixels out is mended, a corner a tenth of the mouth
/// away is disorder, left for [`PortraitRig::validate`] to report.
pub const INNER_CORNER_MAX_TUCK: f32 = 0.1;

/// Tucks in the inner lips' corners (landmarks 60 and 64) that real 68-point detectors place a
/// pixel or two outside the outer lips' corner in a wide or open smile, where they fold the face
/// mesh over. While `rig` does not validate because the mesh folds over at an inner-lip corner,
/// that corner moves towards the middle of the outer lips' corner (the centroid of 48, 49 and 59
/// for landmark 60; of 53, 54 and 55 for 64), where an inner corner lies, in steps of a tenth of
/// the way, by at most [`INNER_CORNER_MAX_TUCK`] of the mouth's width. Returns a sentence per
/// corner moved; a rig that validates, or whose fault is anything else (or is not mended within
/// that reach: gross disorder), is left as it was.
pub fn tuck_inner_lip_corners(rig: &mut PortraitRig, path: &Path) -> Vec<String> {
    let mut said = Vec::new();
    if rig.landmarks.len() != super::N_LANDMARKS || rig.landmarks.iter().flatten().any(|v| !v.is_finite()) {
        return said;
    }
    let corner_at_fault = |rig: &PortraitRig| match rig.validate(path) {
        Err(RigError::Folded { how: "folds over", landmark, around, .. }) => {
            [60, 64].into_iter().find(|c| landmark == *c || around.contains(c))
        }
        _ => None,
    };
    let mut moved = [false; 2];
    while let Some(corner) = corner_at_fault(rig) {
        let slot = usize::from(corner == 64);
        if moved[slot] {
            break;
        }
        moved[slot] = true;
        let outer = if corner == 60 { [48, 49, 59] } else { [53, 54, 55] };
        let to = outer
            .iter()
            .fold([0.0f32; 2], |a, &i| [a[0] + rig.landmarks[i][0] / 3.0, a[1] + rig.landmarks[i][1] / 3.0]);
        let from = rig.landmarks[corner];
        let (a, b) = (rig.landmarks[48], rig.landmarks[54]);
        let reach = INNER_CORNER_MAX_TUCK * (b[0] - a[0]).hypot(b[1] - a[1]);
        let way = (to[0] - from[0]).hypot(to[1] - from[1]);
        let fixed = (1..=10).map(|k| k as f32 / 10.0).take_while(|t| t * way <= reach).find(|&t| {
            rig.landmarks[corner] = [from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t];
            corner_at_fault(rig) != Some(corner)
        });
        match fixed {
            Some(t) => said.push(format!(
                "the inner lips' corner (landmark {corner}) lay outside the outer lips' corner, folding the face mesh: moved {:.1} px inwards",
                t * way
            )),
            None => {
                rig.landmarks[corner] = from;
                break;
            }
        }
    }
    said
}
