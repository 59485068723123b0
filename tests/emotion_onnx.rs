//! The `onnx` CLIP path, on the stand-in models of `tests/reference/make_clip_standin.py` (not
//! CLIP: random weights of the same signature; see that script). Outputs must match what
//! onnxruntime's Python API computed for the same inputs.
#![cfg(feature = "onnx")]

use std::path::{Path, PathBuf};

use emotalk::emotion::onnx::{ClipConfig, ClipEncoder, OnnxError, Projection};
use emotalk::emotion::space::{EmotionEmbedding, N_CLASSES};
use emotalk::emotion::{Lexicon, parse_spec, read_spec};
use emotalk::face::EmotionPreset;
use serde_json::Value;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/clip_standin").join(name)
}

fn encoder() -> ClipEncoder {
    let config = ClipConfig::load(&fixture("clip.json")).unwrap();
    ClipEncoder::load(config, Lexicon::builtin()).unwrap_or_else(|e| {
        panic!("{e}\n(the onnx tests need ONNX Runtime 1.31: `pip install onnxruntime==1.31.1`, as .ci/run does)")
    })
}

fn golden() -> Value {
    serde_json::from_str(&std::fs::read_to_string(fixture("golden.json")).unwrap()).unwrap()
}

fn close(a: &[f32], b: &Value, tol: f32) -> bool {
    let b: Vec<f32> = b.as_array().unwrap().iter().map(|v| v.as_f64().unwrap() as f32).collect();
    a.len() == b.len() && a.iter().zip(&b).all(|(x, y)| (x - y).abs() <= tol)
}

#[test]
fn text_and_image_embeddings_match_onnxruntime_in_python() {
    let enc = encoder();
    let g = golden();
    for (phrase, want) in g["text"].as_object().unwrap() {
        let got = enc.embed(phrase).unwrap();
        assert!(close(&got, &want["embeds"], 1e-5), "{phrase}: {:?}", &got[..4]);
    }
    for (name, want) in g["image"].as_object().unwrap() {
        let rgb: Vec<u8> = want["rgb"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap() as u8).collect();
        // Any size: pre-processing resizes and crops to 224 × 224.
        let image = image::RgbImage::from_pixel(300, 250, image::Rgb([rgb[0], rgb[1], rgb[2]]));
        let got = enc.embed_image(&image).unwrap();
        assert!(close(&got, &want["embeds"], 1e-4), "{name}: {:?}", &got[..4]);
        let z = enc.encode_image(&image).unwrap();
        assert!((z.mixture().iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
}

#[test]
fn the_projection_is_learnt_from_the_lexicon() {
    let enc = encoder();
    let lex = Lexicon::builtin();
    // Fitted on every key: it explains most of the variance of z_emo over the keys.
    let (mut err, mut var) = (0.0f32, 0.0f32);
    let mean: Vec<f32> = (0..11)
        .map(|k| lex.entries().iter().map(|e| e.embedding.as_array()[k]).sum::<f32>() / lex.entries().len() as f32)
        .collect();
    for e in lex.entries() {
        let (z, t) = (enc.encode_text(&e.key).unwrap().as_array(), e.embedding.as_array());
        err += z.iter().zip(t).map(|(a, b)| (a - b).powi(2)).sum::<f32>();
        var += t.iter().zip(&mean).map(|(a, b)| (a - b).powi(2)).sum::<f32>();
    }
    let r2 = 1.0 - err / var;
    eprintln!("projection R² over the lexicon keys: {r2}");
    assert!(r2 > 0.5, "R² over the lexicon {r2}");
    // As a semantic encoder, it finds the neighbours of a word the lexicon does not know.
    // ("superfurious": neither morphology nor spelling finds it; the stand-in's tokens do.)
    let spec = parse_spec("superfurious").unwrap();
    assert!(read_spec(&spec, lex, None).warnings[0].message.contains("not an emotion word"));
    let r = read_spec(&spec, lex, Some(&enc));
    assert_eq!(r.embedding.dominant(), EmotionPreset::Angry, "{:?}", r.terms[0].words);
    assert!(r.warnings[0].message.contains("(semantic)"), "{:?}", r.warnings);
    // Another lexicon (a game's own) gets its own key embeddings, not the first one's.
    let small =
        Lexicon::parse("furious | angry | -0.75 0.9 0.45 | 2.8\ncalm | neutral | 0.3 -0.6 0.2 | 2", "small").unwrap();
    let r = read_spec(&spec, &small, Some(&enc));
    assert_eq!(r.embedding.dominant(), EmotionPreset::Angry, "{:?}", r.terms[0].words);
}

#[test]
fn projection_fit_recovers_a_linear_map() {
    // Targets made by a known map from 5-d inputs.
    let mut xs = Vec::new();
    let mut ts = Vec::new();
    for i in 0..60 {
        let x: Vec<f32> = (0..5).map(|j| ((i * 7 + j * 3) % 11) as f32 / 11.0 - 0.5).collect();
        let mut m = [0.01f32; N_CLASSES];
        m[i % N_CLASSES] = 1.0;
        let t = EmotionEmbedding::from_parts(m, [x[0] * 0.8, x[1] * 0.5 - x[2] * 0.3, 0.1]);
        xs.push(x);
        ts.push(t);
    }
    let p = Projection::fit(&xs, &ts).unwrap();
    let worst_vad = xs
        .iter()
        .zip(&ts)
        .map(|(x, t)| {
            let z = p.apply(x);
            (z.valence() - t.valence()).abs().max((z.arousal() - t.arousal()).abs()).max((z.dominance() - 0.1).abs())
        })
        .fold(0.0f32, f32::max);
    assert!(worst_vad < 0.02, "{worst_vad}");
    assert!(Projection::fit(&[], &[]).is_none());
    assert!(Projection::fit(&[vec![1.0], vec![1.0, 2.0]], &ts[..2]).is_none());
}

#[test]
fn bad_configs_and_models_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &[u8]| {
        let p = dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    };
    let load = |config: &Path| ClipConfig::load(config).and_then(|c| ClipEncoder::load(c, Lexicon::builtin()));
    let e = load(&dir.path().join("missing.json")).unwrap_err();
    assert!(matches!(e, OnnxError::Config { .. }) && e.to_string().contains("missing.json"), "{e}");
    let e = load(&write("bad.json", b"{\"text_model\": 3}")).unwrap_err();
    assert!(matches!(e, OnnxError::Config { .. }), "{e}");
    let e = load(&write("unknown.json", b"{\"text_model\": \"t\", \"tokenizer\": \"t\", \"colour\": 1}")).unwrap_err();
    assert!(e.to_string().contains("colour"), "{e}");
    // Real files but a broken model.
    let tokenizer = fixture("tokenizer.json");
    let garbage = write("garbage.onnx", b"this is not a model");
    let config = format!(r#"{{"text_model": "{}", "tokenizer": "{}"}}"#, garbage.display(), tokenizer.display());
    let e = load(&write("garbage.json", config.as_bytes())).unwrap_err();
    assert!(matches!(&e, OnnxError::Model { path, .. } if path.ends_with("garbage.onnx")), "{e}");
    let config =
        format!(r#"{{"text_model": "{}", "tokenizer": "{}"}}"#, fixture("text.onnx").display(), garbage.display());
    let e = load(&write("badtok.json", config.as_bytes())).unwrap_err();
    assert!(matches!(e, OnnxError::Tokenizer { .. }), "{e}");
    // No image tower configured.
    let config =
        format!(r#"{{"text_model": "{}", "tokenizer": "{}"}}"#, fixture("text.onnx").display(), tokenizer.display());
    let enc = load(&write("textonly.json", config.as_bytes())).unwrap();
    assert!(matches!(enc.embed_image(&image::RgbImage::new(10, 10)), Err(OnnxError::NoImageModel)));
}
