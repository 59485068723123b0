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
    let e = evaluate(&model.net, model.config.size as u32, 2, &device);
    println!("{e:?}");
    assert_eq!(e.pairs, 16);
    assert!(e.hef_mouth_psnr > e.warp_mouth_psnr + 1.0, "{e:?}");
    assert!(e.hef_psnr > e.warp_psnr - 0.1, "{e:?}");
}
