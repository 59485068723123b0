//! HEF against the warp on held-out characters, per face region and case
//! (`emotalk::train::hef::eval::report`): PSNR and SSIM against the native painting, as JSON
//! and as the Markdown table BENCHMARKS.md shows.
//!
//! `cargo run --release --features train --example hef_report -- MODEL_DIR [SEEDS] [PAINT] [OUT.json]`
//! (`MODEL_DIR`: a folder written by `emotalk-train hef`, e.g. `models/hef`; 50 seeds and
//! characters painted at 4× the network's size by default).

use emotalk::model::hef::saved::HefModel;
use emotalk::train::hef::eval::report;

type B = burn::backend::Flex;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let Some(model) = args.next() else {
        return Err("usage: hef_report MODEL_DIR [SEEDS] [PAINT] [OUT.json]".into());
    };
    let seeds: usize = args.next().map(|s| s.parse()).transpose()?.unwrap_or(50);
    let paint: Option<u32> = args.next().map(|s| s.parse()).transpose()?;
    let out = args.next();
    let device = Default::default();
    let hef = HefModel::<B>::load(std::path::Path::new(&model), &device)?;
    let size = hef.config.size as u32;
    let paint = paint.unwrap_or(size * 4);
    let start = std::time::Instant::now();
    let groups = report(&hef.net, size, paint, seeds, &device);
    eprintln!("{seeds} held-out characters painted at {paint} px scored in {:.0} s", start.elapsed().as_secs_f64());
    println!("| case | pairs | region | HEF PSNR | warp PSNR | HEF SSIM | warp SSIM |");
    println!("|---|---|---|---|---|---|---|");
    for g in &groups {
        for (name, r) in
            [("frame", g.frame), ("face", g.face), ("mouth", g.mouth), ("eyes", g.eyes), ("rest of face", g.rest)]
        {
            println!(
                "| {} | {} | {name} | {:.2} dB | {:.2} dB | {:.4} | {:.4} |",
                g.name, g.pairs, r.hef_psnr, r.warp_psnr, r.hef_ssim, r.warp_ssim
            );
        }
    }
    if let Some(path) = out {
        std::fs::write(&path, serde_json::to_string_pretty(&groups)?)?;
        eprintln!("wrote {path}");
    }
    Ok(())
}
