//! The shipped HEF weights (`models/hef`, trained by `emotalk-train hef`) load and beat the warp
//! on held-out characters the trainer never saw (seeds 200 and 201, eight presets each).
#![cfg(feature = "train")]

use std::path::Path;

use emotalk::model::hef::saved::HefModel;
use emotalk::train::hef::evaluate;

type B = burn::backend::Flex;

#[test]
fn the_shipped_weights_improve_the_warp_on_held_out_characters() {
    let device = Default::default();
    let model =
        HefModel::<B>::load(Path::new(env!("CARGO_MANIFEST_DIR")).join("models/hef").as_path(), &device).unwrap();
    assert_eq!(model.net.parameter_count(), 400_324);
    let size = model.config.size as u32;
    let e = evaluate(&model.net, size, size, 2, &device);
    println!("{e:?}");
    assert_eq!(e.pairs, 16);
    // Since #14's eighth pass the warp's procedural teeth take the portrait's sclera colour, its
    // lower teeth are shaded less and anger's mouth corners go down: here the warp's mouth went
    // 23.50 -> 23.71 dB (23.86 with the teeth alone) and HEF's, trained on the old warp, 24.72
    // -> 24.46, so its gain in the mouth fell from 1.21 to 0.75 dB. Retraining HEF on the new
    // warp is left to its own issue.
    assert!(e.hef_mouth_psnr > e.warp_mouth_psnr + 0.5, "{e:?}");
    assert!(e.hef_psnr > e.warp_psnr - 0.1, "{e:?}");
}

#[test]
fn per_region_the_shipped_weights_gain_in_the_eyes_lose_little_elsewhere_and_keep_the_source() {
    use emotalk::train::hef::eval::report;
    let device = Default::default();
    let model = HefModel::<B>::shipped(&device).unwrap();
    let size = model.config.size as u32;
    let groups = report(&model.net, size, 4 * size, 2, &device);
    for g in &groups {
        println!("{g:?}");
    }
    let presets = &groups[0];
    assert_eq!((presets.name, presets.pairs), ("8 presets at 2.5", 16));
    // Since issue #14's second pass the warp draws teeth behind the NPCs' painted lip seam (it
    // drew none before, and HEF learnt to add them: +3.2 dB in the mouth over 50 characters).
    // Against that warp the shipped weights no longer gain in the mouth (23.87 vs 23.71 dB here
    // then, SSIM 0.720 vs 0.756; 23.62 vs 23.51, SSIM 0.719 vs 0.750 since the eighth pass's teeth
    // and anger) but still gain in the eyes (+1.5 dB) and the frame; retraining HEF on the new
    // warp is left to its own issue. What holds: eyes and frame better, mouth not worse in PSNR
    // by more than a few tenths.
    assert!(presets.eyes.hef_psnr > presets.eyes.warp_psnr + 1.0, "{presets:?}");
    assert!(presets.frame.hef_psnr > presets.frame.warp_psnr, "{presets:?}");
    assert!(presets.mouth.hef_psnr > presets.mouth.warp_psnr - 0.3, "{presets:?}");
    for g in &groups {
        assert!(g.rest.hef_psnr > g.rest.warp_psnr - 0.3, "rest of the face: {g:?}");
        assert!(g.eyes.hef_psnr > g.eyes.warp_psnr - 0.3, "eyes: {g:?}");
    }
    let own = groups.iter().find(|g| g.name == "own expression").unwrap();
    assert!(own.frame.hef_psnr >= 35.0, "{own:?}");
}
