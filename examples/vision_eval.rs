//! Face perception on painted characters and photos: detection rate and landmark error (NME,
//! the mean point error over the inner 51 points divided by the outer-eye-corner distance) on
//! procedural NPC seeds, whose rigs are exact, and on the astronaut photo (against its shared
//! annotation), with and without the refinement pass. Also times one portrait's detection,
//! landmarks and expression on this machine.
//!
//! ```sh
//! cargo run --release --example vision_eval -- [FIRST_SEED] [COUNT]   # default 100 50
//! ```
//!
//! The refinement crop (`vision::perceive::refinement_box`) was placed using seeds 0–49 only
//! (`--calibrate` prints the detector's box around the landmarks there); seeds from 100 on are
//! held out.

use std::time::Instant;

use burn::backend::Flex;
use emotalk::face::npc;
use emotalk::vision::perceive::{aligned_box, nme};
use emotalk::vision::{DetectOptions, FacePerception, RgbF32};


fn mean(v: &[f32]) -> f32 {
    v.iter().sum::<f32>() / v.len().max(1) as f32
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let calibrate = args.iter().any(|a| a == "--calibrate");
    let nums: Vec<u64> = args.iter().filter_map(|a| a.parse().ok()).collect();
    let first = nums.first().copied().unwrap_or(if calibrate { 0 } else { 100 });
    let count = nums.get(1).copied().unwrap_or(50);
    let p = FacePerception::<Flex>::shipped(&Default::default()).expect("shipped weights");
    let opts = DetectOptions { refine: false, ..Default::default() };
    let (mut found, mut e_plain, mut e_ref, mut per_size) = (0, Vec::new(), Vec::new(), vec![0usize; opts.sizes.len()]);
    let mut calib = Vec::new();
    for seed in first..first + count {
        let n = npc::generate(seed, 512);
        let img = RgbF32::from_rgba(&n.image);
        let truth: [[f32; 2]; 68] = n.rig.points().map(|v| [v.x, v.y]);
        for (k, &s) in opts.sizes.iter().enumerate() {
            per_size[k] += usize::from(!p.detect_at(&img, s, opts.threshold).is_empty());
        }
        let Some((det, _)) = p.detect(&img, &opts).into_iter().next() else {
            eprintln!("seed {seed}: no face");
            continue;
        };
        found += 1;
        let plain = p.landmarks(&img, &det.rect, false).unwrap();
        let refined = p.landmarks(&img, &det.rect, true).unwrap();
        e_plain.push(nme(&plain, &truth));
        e_ref.push(nme(&refined, &truth));
        let a = aligned_box(&truth);
        let (w, h) = (a.width / 1.2, a.height / 1.2);
        let (cx, cy) = (a.x + a.width / 2.0, a.y + a.height / 2.0);
        let r = det.rect;
        calib.push([r.width / w, r.height / h, (cy - (r.y + r.height / 2.0)) / r.height, (r.x + r.width / 2.0 - cx) / r.width]);
    }
    println!("NPC seeds {first}..{}: detected {found}/{count}", first + count);
    for (k, &s) in opts.sizes.iter().enumerate() {
        println!("  found at size {s}: {}/{count}", per_size[k]);
    }
    let med = |v: &mut Vec<f32>| {
        v.sort_by(f32::total_cmp);
        v.get(v.len() / 2).copied().unwrap_or(f32::NAN)
    };
    println!(
        "  NME one pass: mean {:.4}, median {:.4}; refined: mean {:.4}, median {:.4}",
        mean(&e_plain),
        med(&mut e_plain.clone()),
        mean(&e_ref),
        med(&mut e_ref.clone())
    );
    if calibrate {
        let c = |i: usize| mean(&calib.iter().map(|v| v[i]).collect::<Vec<_>>());
        println!("  detector box / landmark span: width {:.3}, height {:.3}; box centre above span centre by {:.3} of its height; right by {:.3} of width", c(0), c(1), c(2), c(3));
    }
    // The astronaut (a real photo) against its shared annotation.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/portraits");
    if let (Ok(img), Ok(text)) = (image::open(root.join("astronaut.png")), std::fs::read_to_string(root.join("astronaut.landmarks68.json"))) {
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        let a = v["landmarks"].as_array().unwrap();
        let truth: [[f32; 2]; 68] = std::array::from_fn(|i| [a[i][0].as_f64().unwrap() as f32, a[i][1].as_f64().unwrap() as f32]);
        let img = RgbF32::from_rgba(&img.to_rgba8());
        let t0 = Instant::now();
        let faces = p.detect(&img, &opts);
        let t_det = t0.elapsed();
        let det = faces[0].0;
        let t1 = Instant::now();
        let plain = p.landmarks(&img, &det.rect, false).unwrap();
        let t_lm = t1.elapsed();
        let refined = p.landmarks(&img, &det.rect, true).unwrap();
        let t2 = Instant::now();
        let _ = p.expressions(&img, &plain);
        let t_ex = t2.elapsed();
        let t3 = Instant::now();
        let _ = p.detect_at(&img, 416, 0.5);
        let t_416 = t3.elapsed();
        println!("astronaut: NME one pass {:.4}, refined {:.4}", nme(&plain, &truth), nme(&refined, &truth));
        println!(
            "timing (ms): detection at 4 sizes {:.1} (at 416 alone {:.1}), landmarks {:.1}, expression {:.1}",
            t_det.as_secs_f64() * 1e3,
            t_416.as_secs_f64() * 1e3,
            t_lm.as_secs_f64() * 1e3,
            t_ex.as_secs_f64() * 1e3
        );
    }
}
