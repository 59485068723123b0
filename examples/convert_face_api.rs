//! Converts face-api's tfjs weights into the crate's weight format (`models/vision/`).
//!
//! ```sh
//! npm pack @vladmandic/face-api@1.7.15 && tar xzf vladmandic-face-api-1.7.15.tgz
//! cargo run --release --example convert_face_api -- package/model models/vision
//! ```
//!
//! Each network's manifest and uint8-quantised shard are dequantised (`min + q · scale`, as
//! tfjs does), laid out for burn and written as `NAME/config.json` + `NAME/model.mpk`. The
//! converted networks are then run once on a test pattern beside the tfjs-built ones to check
//! that the written files load back to the same outputs.

use std::path::PathBuf;
use std::process::ExitCode;

use burn::backend::Flex;
use emotalk::vision::{RgbF32, VisionNets};

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [model_dir, out] = args.as_slice() else {
        eprintln!("usage: convert_face_api FACE_API_MODEL_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    let device = Default::default();
    let run = || -> Result<(), Box<dyn std::error::Error>> {
        let nets = VisionNets::<Flex>::from_face_api(model_dir, &device)?;
        nets.save(out)?;
        let back = VisionNets::<Flex>::load(out, &device)?;
        let pattern = RgbF32 {
            width: 160,
            height: 200,
            data: (0..160 * 200 * 3).map(|i| ((i * 37) % 256) as f32).collect(),
        };
        let a = nets.landmarks.landmarks(&pattern, &device);
        let b = back.landmarks.landmarks(&pattern, &device);
        if a != b {
            return Err("the written landmark net does not load back to the same outputs".into());
        }
        let (pa, pb) = (nets.expression.probabilities(&pattern, &device), back.expression.probabilities(&pattern, &device));
        let (da, db) = (nets.detector.detect(&pattern, 320, 0.0, &device), back.detector.detect(&pattern, 320, 0.0, &device));
        if pa != pb || da != db {
            return Err("the written expression or detector net does not load back to the same outputs".into());
        }
        eprintln!("converted {} -> {} (round trip checked)", model_dir.display(), out.display());
        Ok(())
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}
