//! `emotalk-train hef`.

use std::path::PathBuf;

use emotalk::model::hef::HefConfig;
use emotalk::model::hef::saved::HefModel;
use emotalk::train::hef::{HELD_OUT_SEEDS, HefStepLoss, HefTrainOptions, evaluate, train};
use emotalk::train::plot;

type Error = Box<dyn std::error::Error>;

/// What `emotalk-train hef` was asked.
pub struct HefArgs {
    pub out: PathBuf,
    pub size: usize,
    pub options: HefTrainOptions,
    pub resume: bool,
    pub checkpoint_every: usize,
    pub eval_seeds: usize,
    /// `--init DIR|shipped`.
    pub init: Option<String>,
}

/// Trains HEF, then writes OUT/{config.json, model.mpk, metrics.json, loss.png}.
pub fn train_hef<B: burn::tensor::backend::AutodiffBackend>(args: HefArgs) -> Result<(), Error> {
    let HefArgs { out, size, options, resume, checkpoint_every, eval_seeds, init } = args;
    if size < 64 || size % 16 != 0 || size > 1024 {
        return Err(format!("--size must be a multiple of 16 from 64 to 1024, got {size}").into());
    }
    if options.steps == 0 || options.batch == 0 {
        return Err("--steps and --batch must be at least 1".into());
    }
    if options.paint_scales.is_empty() || options.paint_scales.iter().any(|s| !(1..=8).contains(s)) {
        return Err(format!("--paint-scales must be 1 to 8 each, got {:?}", options.paint_scales).into());
    }
    let device = B::Device::default();
    let init = match init.as_deref() {
        None => None,
        Some("shipped") => Some(HefModel::<B>::shipped(&device)?),
        Some(dir) => Some(HefModel::<B>::load(std::path::Path::new(dir), &device)?),
    };
    let config = match &init {
        Some(m) if m.config.size != size => {
            return Err(format!("--init weights are {} px, --size is {size}", m.config.size).into());
        }
        Some(m) => m.config.clone(),
        None => HefConfig::new().with_size(size),
    };
    let bar = super::eac_cmd::progress_bar(options.steps as u64, "{bar:40} {pos}/{len} steps, loss {msg} ({eta} left)");
    let started = std::time::Instant::now();
    let (net, state) =
        train::<B>(&config, &options, &out, resume, init.map(|m| m.net), checkpoint_every, &device, |s| {
            bar.set_position(s.step as u64);
            if let Some(l) = s.losses.last() {
                bar.set_message(format!("{:.4}", l.total));
            }
        })?;
    bar.finish();
    let seconds = started.elapsed().as_secs_f64();
    HefModel { config: config.clone(), net: net.clone() }.save(&out)?;
    let inner = Default::default();
    let eval = evaluate::<B::InnerBackend>(&net, size as u32, size as u32, eval_seeds, &inner);
    let eval_large = evaluate::<B::InnerBackend>(&net, size as u32, 4 * size as u32, eval_seeds, &inner);
    let series = |f: fn(&HefStepLoss) -> f32| state.losses.iter().map(f).collect::<Vec<f32>>();
    plot::loss_curve_png(
        &out.join("loss.png"),
        &[
            ("total", [20, 20, 20], series(|l| l.total)),
            ("L1", [200, 60, 40], series(|l| l.l1)),
            ("1-SSIM", [40, 110, 200], series(|l| l.ssim)),
            ("mouth+eyes L1", [230, 150, 20], series(|l| l.region)),
        ],
        800,
        400,
    )?;
    let metrics = serde_json::json!({
        "config": config,
        "options": options,
        "parameters": net.parameter_count(),
        "flops_per_frame": config.flops_per_frame(),
        "steps": state.step,
        "train_seconds_this_run": seconds,
        "held_out_seeds": format!("{}..{} (first {eval_seeds}), 8 presets at intensity 2.5", HELD_OUT_SEEDS.start, HELD_OUT_SEEDS.end),
        "held_out": eval,
        "held_out_painted_at_4x": eval_large,
        "final_losses": state.losses.last(),
        "loss_every_10_steps": state.losses.iter().step_by(10).collect::<Vec<_>>(),
    });
    let path = out.join("metrics.json");
    emotalk::io::write_atomically(&path, |w| w.write_all(serde_json::to_string_pretty(&metrics)?.as_bytes()))?;
    for (at, e) in [(size, &eval), (4 * size, &eval_large)] {
        println!(
            "{}: held-out characters painted at {at} px: PSNR HEF {:.2} dB vs warp {:.2} dB (mouth {:.2} vs {:.2}) over {} pairs",
            out.display(),
            e.hef_psnr,
            e.warp_psnr,
            e.hef_mouth_psnr,
            e.warp_mouth_psnr,
            e.pairs
        );
    }
    Ok(())
}
