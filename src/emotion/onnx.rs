//! CLIP-style text and image encoders through ONNX Runtime (feature `onnx`), with a learned
//! projection into `z_emo`: the paper's AME encoders, when the user has CLIP.
//!
//! **No CLIP weights ship with emotalk, and none can be had where it is built.** Everything here
//! is tested with a stand-in of the same signature made by `tests/reference/make_clip_standin.py`
//! (random weights: it checks the code path, not emotion understanding). To use real CLIP,
//! export its two towers to ONNX (e.g. with Hugging Face `optimum`) and write a config:
//!
//! ```json
//! { "text_model": "text.onnx", "image_model": "image.onnx", "tokenizer": "tokenizer.json",
//!   "max_tokens": 77, "onnxruntime": "/path/to/libonnxruntime.so" }
//! ```
//!
//! Paths are relative to the config file. Signatures (Hugging Face naming):
//! `input_ids`, `attention_mask` (int64 `[batch, seq]`) → `text_embeds` (float `[batch, D]`);
//! `pixel_values` (float `[batch, 3, 224, 224]`, CLIP-normalised RGB) → `image_embeds`.
//! `image_model` is optional.
//!
//! ONNX Runtime is loaded at run time (ort's `load-dynamic`, nothing downloaded): from the
//! config's `onnxruntime`, else `$ORT_DYLIB_PATH`, else the library of the Python `onnxruntime`
//! package if `python3` can import it ([`find_onnxruntime`]). It must be version 1.31 or later.
//!
//! **Projection.** `z_emo = W·e + b`, fitted by ridge regression from the text embeddings of
//! every lexicon key to that key's `z_emo` when the encoder is loaded ([`ClipEncoder::load`]).
//! Because CLIP puts images and text in one space, the same projection reads images. As a
//! [`SemanticEncoder`], the encoder also gives the text reader the nearest lexicon keys of a
//! word the lexicon does not know.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use ort::session::Session;
use ort::value::Tensor;

use super::lexicon::Lexicon;
use super::space::{EmotionEmbedding, Z_DIM};
use super::text::{EncoderError, SemanticEncoder};

/// Ridge penalty of the projection fit (per unit of squared embedding norm).
const PROJECTION_RIDGE: f64 = 1e-2;
/// CLIP's input size and normalisation.
const IMAGE_SIZE: u32 = 224;
const CLIP_MEAN: [f32; 3] = [0.481_454_66, 0.457_827_5, 0.408_210_73];
const CLIP_STD: [f32; 3] = [0.268_629_54, 0.261_302_58, 0.275_777_11];

/// Something wrong with the ONNX models, their config, or the runtime.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum OnnxError {
    /// The config file cannot be read or is not valid.
    #[error("{path}: {message}")]
    Config {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// ONNX Runtime cannot be found or loaded.
    #[error("ONNX Runtime: {0}")]
    Runtime(String),
    /// A model cannot be loaded or run.
    #[error("{path}: {message}")]
    Model {
        /// The model file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The tokenizer cannot be loaded or fails on the text.
    #[error("{path}: {message}")]
    Tokenizer {
        /// The tokenizer file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// No image model is configured.
    #[error("no image_model in the CLIP config")]
    NoImageModel,
}

/// The config file (see the module docs).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClipConfig {
    /// The text tower.
    pub text_model: PathBuf,
    /// The image tower, if any.
    #[serde(default)]
    pub image_model: Option<PathBuf>,
    /// The tokenizer (a Hugging Face `tokenizer.json`).
    pub tokenizer: PathBuf,
    /// Longest token sequence the text tower takes (CLIP: 77).
    #[serde(default = "default_max_tokens")]
    pub max_tokens: usize,
    /// The ONNX Runtime shared library.
    #[serde(default)]
    pub onnxruntime: Option<PathBuf>,
}

fn default_max_tokens() -> usize {
    77
}

impl ClipConfig {
    /// Reads a config; its relative paths become relative to its folder.
    pub fn load(path: &Path) -> Result<Self, OnnxError> {
        let err = |message: String| OnnxError::Config { path: path.to_path_buf(), message };
        let text = std::fs::read_to_string(path).map_err(|e| err(e.to_string()))?;
        let mut c: ClipConfig = serde_json::from_str(&text).map_err(|e| err(e.to_string()))?;
        if !(2..=4096).contains(&c.max_tokens) {
            return Err(err(format!("max_tokens must be 2..=4096, found {}", c.max_tokens)));
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        c.text_model = dir.join(&c.text_model);
        c.tokenizer = dir.join(&c.tokenizer);
        c.image_model = c.image_model.map(|p| dir.join(p));
        c.onnxruntime = c.onnxruntime.map(|p| dir.join(p));
        Ok(c)
    }
}

/// Where ONNX Runtime's shared library is: `$ORT_DYLIB_PATH`, else the one inside the Python
/// `onnxruntime` package (asks `python3`).
pub fn find_onnxruntime() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("ORT_DYLIB_PATH").map(PathBuf::from).filter(|p| p.is_file()) {
        return Some(p);
    }
    let out = std::process::Command::new("python3")
        .args(["-c", "import onnxruntime, os; print(os.path.join(os.path.dirname(onnxruntime.__file__), 'capi'))"])
        .output()
        .ok()?;
    let dir = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    let mut libs: Vec<PathBuf> = std::fs::read_dir(&dir)
        .ok()?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("libonnxruntime.so")))
        .collect();
    libs.sort();
    libs.pop()
}

/// Loads ONNX Runtime once per process and returns its environment (later calls return the
/// first result, whatever path they name).
fn runtime(configured: Option<&Path>) -> Result<&'static ort::environment::Environment, OnnxError> {
    static ENV: OnceLock<Result<ort::environment::Environment, String>> = OnceLock::new();
    ENV.get_or_init(|| {
        let path = configured.map(Path::to_path_buf).or_else(find_onnxruntime).ok_or_else(|| {
            "libonnxruntime.so not found: set \"onnxruntime\" in the CLIP config or ORT_DYLIB_PATH, or \
             `pip install onnxruntime==1.31.1`"
                .to_string()
        })?;
        let builder = ort::init_from(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        builder.with_name("emotalk").build().map_err(|e| format!("{}: {e}", path.display()))
    })
    .as_ref()
    .map_err(|e| OnnxError::Runtime(e.clone()))
}

/// A linear map from a CLIP space into `z_emo`.
#[derive(Debug, Clone, PartialEq)]
pub struct Projection {
    /// `D × Z_DIM`, row-major.
    weights: Vec<f32>,
    bias: [f32; Z_DIM],
}

impl Projection {
    /// Ridge regression from embeddings (`n × D`) to their targets.
    pub fn fit(embeddings: &[Vec<f32>], targets: &[EmotionEmbedding]) -> Option<Self> {
        let d = embeddings.first()?.len();
        if d == 0 || embeddings.len() != targets.len() || embeddings.iter().any(|e| e.len() != d) {
            return None;
        }
        let n = embeddings.len() as f64;
        // Centre both sides, so the bias is the targets' mean and is not penalised.
        let mean_x: Vec<f64> = (0..d).map(|j| embeddings.iter().map(|e| e[j] as f64).sum::<f64>() / n).collect();
        let ys: Vec<[f32; Z_DIM]> = targets.iter().map(|t| t.as_array()).collect();
        let mean_y: Vec<f64> = (0..Z_DIM).map(|k| ys.iter().map(|y| y[k] as f64).sum::<f64>() / n).collect();
        let mut a = vec![0.0f64; d * d];
        let mut b = vec![0.0f64; d * Z_DIM];
        for (e, y) in embeddings.iter().zip(&ys) {
            let x: Vec<f64> = (0..d).map(|j| e[j] as f64 - mean_x[j]).collect();
            for i in 0..d {
                for j in 0..d {
                    a[i * d + j] += x[i] * x[j];
                }
                for k in 0..Z_DIM {
                    b[i * Z_DIM + k] += x[i] * (y[k] as f64 - mean_y[k]);
                }
            }
        }
        let scale = (0..d).map(|i| a[i * d + i]).sum::<f64>() / d as f64;
        for i in 0..d {
            a[i * d + i] += PROJECTION_RIDGE * scale.max(1e-12);
        }
        let w = crate::face::deform::solve_many(&mut a, &mut b, d, Z_DIM);
        let bias =
            std::array::from_fn(|k| (mean_y[k] - (0..d).map(|j| mean_x[j] * w[j * Z_DIM + k]).sum::<f64>()) as f32);
        Some(Self { weights: w.iter().map(|&v| v as f32).collect(), bias })
    }

    /// `W·e + b`, read back as an embedding (mixture re-normalised, VAD clamped).
    pub fn apply(&self, e: &[f32]) -> EmotionEmbedding {
        let mut z = self.bias;
        for (j, v) in e.iter().enumerate().take(self.weights.len() / Z_DIM) {
            for (k, z) in z.iter_mut().enumerate() {
                *z += v * self.weights[j * Z_DIM + k];
            }
        }
        EmotionEmbedding::from_array(z)
    }
}

/// CLIP's towers through ONNX Runtime, projected into `z_emo` (see the module docs).
pub struct ClipEncoder {
    config: ClipConfig,
    text: Mutex<Session>,
    image: Option<Mutex<Session>>,
    tokenizer: tokenizers::Tokenizer,
    projection: Projection,
    /// The key embeddings of the last lexicon asked about, with its keys (a game may extend
    /// the lexicon after loading).
    keys: Mutex<Option<(Vec<String>, Arc<Vec<Vec<f32>>>)>>,
}

impl std::fmt::Debug for ClipEncoder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClipEncoder").field("config", &self.config).finish_non_exhaustive()
    }
}

fn session(env: &ort::environment::Environment, path: &Path) -> Result<Session, OnnxError> {
    let err = |e: ort::Error| OnnxError::Model { path: path.to_path_buf(), message: e.to_string() };
    if !path.is_file() {
        return Err(OnnxError::Model { path: path.to_path_buf(), message: "no such file".into() });
    }
    Session::builder(env).map_err(err)?.commit_from_file(path).map_err(err)
}

impl ClipEncoder {
    /// Loads the runtime, the towers and the tokenizer, and fits the projection on `lexicon`.
    pub fn load(config: ClipConfig, lexicon: &Lexicon) -> Result<Self, OnnxError> {
        let env = runtime(config.onnxruntime.as_deref())?;
        let tokenizer = tokenizers::Tokenizer::from_file(&config.tokenizer)
            .map_err(|e| OnnxError::Tokenizer { path: config.tokenizer.clone(), message: e.to_string() })?;
        let text = Mutex::new(session(env, &config.text_model)?);
        let image = config.image_model.as_deref().map(|p| session(env, p)).transpose()?.map(Mutex::new);
        let placeholder = Projection { weights: Vec::new(), bias: [0.0; Z_DIM] };
        let mut enc = Self { config, text, image, tokenizer, projection: placeholder, keys: Mutex::new(None) };
        let keys = enc.key_embeddings_checked(lexicon)?;
        let targets: Vec<EmotionEmbedding> = lexicon.entries().iter().map(|e| e.embedding).collect();
        enc.projection = Projection::fit(&keys, &targets).ok_or_else(|| OnnxError::Model {
            path: enc.config.text_model.clone(),
            message: "its embeddings cannot be projected (empty or of varying size)".into(),
        })?;
        Ok(enc)
    }

    /// The projection into `z_emo`.
    pub fn projection(&self) -> &Projection {
        &self.projection
    }

    /// The text tower's embedding of `text` (truncated to `max_tokens` tokens).
    pub fn embed(&self, text: &str) -> Result<Vec<f32>, OnnxError> {
        let tok_err = |message: String| OnnxError::Tokenizer { path: self.config.tokenizer.clone(), message };
        let encoding = self.tokenizer.encode(text, true).map_err(|e| tok_err(e.to_string()))?;
        let mut ids: Vec<i64> = encoding.get_ids().iter().map(|&i| i as i64).collect();
        ids.truncate(self.config.max_tokens);
        if ids.is_empty() {
            return Err(tok_err(format!("\"{text}\" gives no tokens")));
        }
        let n = ids.len();
        let path = &self.config.text_model;
        let run = || -> Result<Vec<f32>, ort::Error> {
            let inputs = ort::inputs![
                "input_ids" => Tensor::from_array(([1usize, n], ids.clone()))?,
                "attention_mask" => Tensor::from_array(([1usize, n], vec![1i64; n]))?,
            ];
            let mut session = self.text.lock().unwrap_or_else(|p| p.into_inner());
            let outputs = session.run(inputs)?;
            let (_, data) = outputs["text_embeds"].try_extract_tensor::<f32>()?;
            Ok(data.to_vec())
        };
        run().map_err(|e| OnnxError::Model { path: path.clone(), message: e.to_string() })
    }

    /// The image tower's embedding of an RGB image (resized so its short side is 224, centre
    /// crop, CLIP normalisation).
    pub fn embed_image(&self, image: &image::RgbImage) -> Result<Vec<f32>, OnnxError> {
        let session = self.image.as_ref().ok_or(OnnxError::NoImageModel)?;
        let path = self.config.image_model.clone().unwrap_or_default();
        let pixels = clip_pixels(image);
        let run = || -> Result<Vec<f32>, ort::Error> {
            let s = IMAGE_SIZE as usize;
            let input = Tensor::from_array(([1usize, 3, s, s], pixels))?;
            let mut session = session.lock().unwrap_or_else(|p| p.into_inner());
            let outputs = session.run(ort::inputs!["pixel_values" => input])?;
            let (_, data) = outputs["image_embeds"].try_extract_tensor::<f32>()?;
            Ok(data.to_vec())
        };
        run().map_err(|e| OnnxError::Model { path, message: e.to_string() })
    }

    /// Text → `z_emo` through the projection.
    pub fn encode_text(&self, text: &str) -> Result<EmotionEmbedding, OnnxError> {
        Ok(self.projection.apply(&self.embed(text)?))
    }

    /// Image → `z_emo` through the projection.
    pub fn encode_image(&self, image: &image::RgbImage) -> Result<EmotionEmbedding, OnnxError> {
        Ok(self.projection.apply(&self.embed_image(image)?))
    }

    fn key_embeddings_checked(&self, lexicon: &Lexicon) -> Result<Arc<Vec<Vec<f32>>>, OnnxError> {
        let names: Vec<String> = lexicon.entries().iter().map(|e| e.key.clone()).collect();
        let mut cache = self.keys.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((_, keys)) = cache.as_ref().filter(|(cached, _)| *cached == names) {
            return Ok(keys.clone());
        }
        let keys: Vec<Vec<f32>> = names.iter().map(|k| self.embed(k)).collect::<Result<_, _>>()?;
        let keys = Arc::new(keys);
        *cache = Some((names, keys.clone()));
        Ok(keys)
    }
}

impl SemanticEncoder for ClipEncoder {
    fn name(&self) -> &str {
        "clip (onnx)"
    }

    fn embed_text(&self, text: &str) -> Result<Vec<f32>, EncoderError> {
        Ok(self.embed(text)?)
    }

    fn key_embeddings(&self, lexicon: &Lexicon) -> Result<Arc<Vec<Vec<f32>>>, EncoderError> {
        Ok(self.key_embeddings_checked(lexicon)?)
    }
}

/// CLIP pre-processing: short side to 224 (Catmull–Rom), centre crop, `(x − mean) / std`, NCHW.
pub fn clip_pixels(image: &image::RgbImage) -> Vec<f32> {
    let (w, h) = image.dimensions();
    let s = IMAGE_SIZE;
    let scale = s as f32 / w.min(h).max(1) as f32;
    let (nw, nh) = (((w as f32 * scale).round() as u32).max(s), ((h as f32 * scale).round() as u32).max(s));
    let resized = image::imageops::resize(image, nw, nh, image::imageops::FilterType::CatmullRom);
    let (x0, y0) = ((nw - s) / 2, (nh - s) / 2);
    let plane = (s * s) as usize;
    let mut out = vec![0.0f32; 3 * plane];
    for y in 0..s {
        for x in 0..s {
            let p = resized.get_pixel(x0 + x, y0 + y).0;
            for c in 0..3 {
                out[c * plane + (y * s + x) as usize] = (p[c] as f32 / 255.0 - CLIP_MEAN[c]) / CLIP_STD[c];
            }
        }
    }
    out
}
