//! Streams the bundled voice line through the front-end chunk by chunk, as a live source would
//! arrive, and prints the loudest mel band of every 100 ms.
//!
//! `cargo run --example stream_features`

use emotalk::audio::{AudioReader, FeatureMatrix, MelConfig, MelExtractor};
use emotalk::bundled;

fn main() -> Result<(), emotalk::audio::AudioError> {
    let mut reader = AudioReader::from_bytes(bundled::GREETING_OGG, bundled::GREETING_LABEL)?;
    let mut mel = MelExtractor::new(&MelConfig::default())?;
    let (mut chunk, mut frames) = (Vec::new(), FeatureMatrix::new(80));
    let mut more = true;
    while more {
        more = reader.read_chunk(&mut chunk)?; // one decoded packet, resampled to 16 kHz mono
        mel.push(&chunk, &mut frames); // frames come out 40 ms after their centre
        chunk.clear();
    }
    mel.finish(&mut frames);
    for (t, row) in frames.rows().enumerate().step_by(10) {
        let (band, level) = row.iter().enumerate().fold((0, f32::MIN), |b, (i, &v)| if v > b.1 { (i, v) } else { b });
        println!("{:5.2} s  loudest band {band:2}  ({level:6.2} ln power)", t as f32 / 100.0);
    }
    Ok(())
}
