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
    assert!(e.hef_mouth_psnr > e.warp_mouth_psnr + 1.0, "{e:?}");
    assert!(e.hef_psnr > e.warp_psnr - 0.1, "{e:?}");
}

#[test]
fn per_region_the_shipped_weights_gain_in_the_mouth_lose_nothing_elsewhere_and_keep_the_source() {
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
    assert!(presets.mouth.hef_psnr > presets.mouth.warp_psnr + 2.0, "{presets:?}");
    assert!(presets.mouth.hef_ssim > presets.mouth.warp_ssim, "{presets:?}");
    for g in &groups {
        assert!(g.rest.hef_psnr > g.rest.warp_psnr - 0.3, "rest of the face: {g:?}");
        assert!(g.eyes.hef_psnr > g.eyes.warp_psnr - 0.3, "eyes: {g:?}");
    }
    let own = groups.iter().find(|g| g.name == "own expression").unwrap();
    assert!(own.frame.hef_psnr >= 35.0, "{own:?}");
}
