//! `emotalk emotion`: an emotion spec resolved into the emotion space, printed as JSON.

use std::path::PathBuf;

use emotalk::emotion::{EmotionEncoders, EmotionSource, EmotionSpec, Lexicon, ResolvedEmotion};
use emotalk::face::EmotionPreset;
use serde_json::{Value, json};

use super::BoxError;

/// The compute backend of the CLI's small networks.
pub type Cpu = burn::backend::Flex;

/// What `emotalk emotion` was given.
pub struct EmotionArgs {
    pub text: Option<String>,
    pub image: Option<PathBuf>,
    pub audio: Option<PathBuf>,
    pub clip: Option<PathBuf>,
    pub clip_fps: f64,
    pub intensity: Option<f32>,
    pub lexicon: Option<PathBuf>,
}

/// The encoders the CLI uses: the built-in lexicon (plus `--lexicon`), and the audio network
/// when one is installed.
pub fn encoders(extra_lexicon: Option<&PathBuf>) -> Result<EmotionEncoders<Cpu>, BoxError> {
    let mut enc = EmotionEncoders::<Cpu>::discover(&Default::default())?;
    if let Some(path) = extra_lexicon {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        enc.lexicon.extend(Lexicon::parse(&text, &path.display().to_string())?);
    }
    Ok(enc)
}

/// Resolves `--emotion TEXT` for the other commands (pose, coeffs and render).
pub fn resolve_text(text: &str, intensity: Option<f32>) -> Result<ResolvedEmotion, BoxError> {
    resolve_spec(EmotionSpec::text(text), intensity)
}

/// Resolves a spec at `--intensity` for the other commands, its warnings on stderr.
pub fn resolve_spec(mut spec: EmotionSpec, intensity: Option<f32>) -> Result<ResolvedEmotion, BoxError> {
    if let Some(mu) = intensity {
        check_intensity(mu)?;
        spec = spec.with_intensity(mu);
    }
    let resolved = spec.resolve(&encoders(None)?)?;
    for w in &resolved.warnings {
        eprintln!("warning: {w}");
    }
    Ok(resolved)
}

pub fn check_intensity(mu: f32) -> Result<(), BoxError> {
    if !(0.0..=3.0).contains(&mu) {
        return Err(format!("--intensity must be between 0 and 3, got {mu}").into());
    }
    Ok(())
}

pub fn emotion(args: EmotionArgs) -> Result<(), BoxError> {
    let EmotionArgs { text, image, audio, clip, clip_fps, intensity, lexicon } = args;
    let mut parts: Vec<(EmotionSpec, f32)> = Vec::new();
    if let Some(t) = &text {
        parts.push((EmotionSpec::text(t.clone()), 1.0));
    }
    if let Some(p) = &image {
        parts.push((EmotionSpec::image(p.clone()), 1.0));
    }
    if let Some(p) = &audio {
        parts.push((EmotionSpec { source: EmotionSource::VoiceFile(p.clone()), intensity: None }, 1.0));
    }
    if let Some(p) = &clip {
        parts.push((EmotionSpec::clip_at(p.clone(), clip_fps), 1.0));
    }
    let mut spec = match parts.len() {
        0 => return Err("give an emotion: TEXT (\"sadly surprised\"), --image RIG.json, --audio FILE or --clip CLIP".into()),
        1 => parts.pop().map(|(s, _)| s).unwrap_or_else(|| EmotionSpec::preset(EmotionPreset::Neutral)),
        _ => EmotionSpec::blend(parts),
    };
    if let Some(mu) = intensity {
        check_intensity(mu)?;
        spec = spec.with_intensity(mu);
    }
    let r = spec.resolve(&encoders(lexicon.as_ref())?)?;
    let out = report(&r, text.as_deref());
    println!("{}", serde_json::to_string_pretty(&out)?);
    Ok(())
}

fn round(v: f32) -> f64 {
    (v as f64 * 1e4).round() / 1e4
}

fn mixture_json(m: [f32; 8]) -> Value {
    let map: serde_json::Map<String, Value> =
        EmotionPreset::ALL.iter().zip(m).map(|(p, v)| (p.name().to_string(), json!(round(v)))).collect();
    Value::Object(map)
}

fn report(r: &ResolvedEmotion, text: Option<&str>) -> Value {
    let e = &r.embedding;
    let mut out = json!({
        "input": text,
        "dominant": e.dominant().name(),
        "mixture": mixture_json(e.mixture()),
        "valence": round(e.valence()),
        "arousal": round(e.arousal()),
        "dominance": round(e.dominance()),
        "intensity": round(r.intensity),
        "z_emo": e.as_array().map(round),
        "warnings": r.warnings,
    });
    if let Some(t) = &r.text {
        out["terms"] = t
            .terms
            .iter()
            .map(|term| {
                json!({
                    "phrase": term.phrase,
                    "weight": round(term.weight),
                    "dominant": term.embedding.dominant().name(),
                    "intensity": round(term.intensity),
                    "words": term.words,
                })
            })
            .collect();
    }
    if let Some(v) = &r.voice {
        out["voice"] = json!({
            "status": v.status,
            "prosody": v.summary,
            "estimate": v.estimate.map(|e| json!({
                "dominant": e.dominant().name(),
                "mixture": mixture_json(e.mixture()),
                "valence": round(e.valence()),
                "arousal": round(e.arousal()),
            })),
        });
    }
    out
}
