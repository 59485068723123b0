use burn::tensor::{Distribution, Tensor, TensorData, Tolerance};

use super::layers::{StyleConvConfig, upsample2, warp};
use super::*;

type B = burn::backend::Flex;

fn small() -> HefConfig {
    HefConfig::new().with_size(32).with_channels(vec![8, 12, 16])
}

fn input(config: &HefConfig, batch: usize) -> HefInput<B> {
    let device = Default::default();
    let s = config.size;
    let uniform = Distribution::Uniform(0.0, 1.0);
    HefInput {
        source: Tensor::random([batch, 3, s, s], uniform, &device),
        warped: Tensor::random([batch, 3, s, s], uniform, &device),
        geometry: Tensor::random([batch, config.geometry_channels, s, s], uniform, &device),
        flow: Tensor::random([batch, 2, s, s], Distribution::Uniform(-0.1, 0.1), &device),
        style: Tensor::random([batch, STYLE_INPUTS], uniform, &device),
    }
}

#[test]
fn the_untrained_network_is_exactly_the_warp() {
    let config = small();
    let hef = config.init::<B>(&Default::default());
    let x = input(&config, 2);
    let warped = x.warped.clone();
    let out = hef.forward(x);
    assert_eq!(out.image.dims(), [2, 3, 32, 32]);
    out.image.into_data().assert_approx_eq::<f32>(&warped.into_data(), Tolerance::absolute(1e-5));
    assert_eq!(out.flow.abs().max().into_scalar(), 0.0);
}

#[test]
fn the_style_convolution_is_a_per_sample_modulated_demodulated_convolution() {
    let device = Default::default();
    let conv = StyleConvConfig::new(3, 4, 5).init::<B>(&device);
    let x = Tensor::<B, 4>::random([2, 3, 6, 6], Distribution::Normal(0.0, 1.0), &device);
    let z = Tensor::<B, 2>::random([2, 5], Distribution::Normal(0.0, 3.0), &device);
    let got = conv.forward(x.clone(), z.clone());
    // Reference: StyleGAN2's per-sample weights W'_{o,i} = W_{o,i} s_i / sqrt(Σ_{i,k} (W s)²).
    let s = conv.affine.forward(z) + 1.0;
    for n in 0..2 {
        let sn = s.clone().narrow(0, n, 1).reshape([1, 3, 1, 1]);
        let w = conv.weight.val() * sn;
        let norm = (w.clone() * w.clone()).sum_dim(3).sum_dim(2).sum_dim(1).sqrt().recip(); // [4,1,1,1]
        let w = w * norm;
        let y = burn::tensor::module::conv2d(
            x.clone().narrow(0, n, 1),
            w,
            Some(conv.bias.val()),
            burn::tensor::ops::ConvOptions::new([1, 1], [1, 1], [1, 1], 1),
        );
        let y = burn::tensor::activation::leaky_relu(y, layers::LEAK);
        got.clone().narrow(0, n, 1).into_data().assert_approx_eq::<f32>(&y.into_data(), Tolerance::absolute(1e-4));
    }
}

#[test]
fn warping_moves_by_the_flow_and_upsampling_keeps_constants() {
    let device = Default::default();
    let img = Tensor::<B, 4>::from_data(
        TensorData::new((0..64).map(|v| v as f32).collect::<Vec<_>>(), [1, 1, 8, 8]),
        &device,
    );
    // One pixel to the right in normalised units is 2/8: output (x, y) shows input (x + 1, y).
    let flow =
        Tensor::<B, 4>::cat(vec![Tensor::full([1, 1, 8, 8], 0.25, &device), Tensor::zeros([1, 1, 8, 8], &device)], 1);
    let moved: Vec<f32> = warp(img, flow).into_data().to_vec().unwrap();
    for y in 0..8 {
        for x in 0..7 {
            assert!((moved[y * 8 + x] - (y * 8 + x + 1) as f32).abs() < 1e-4, "({x}, {y}): {}", moved[y * 8 + x]);
        }
    }
    let constant = upsample2(Tensor::<B, 4>::full([1, 2, 4, 4], 0.3, &device));
    assert_eq!(constant.dims(), [1, 2, 8, 8]);
    let v: Vec<f32> = constant.into_data().to_vec().unwrap();
    assert!(v.iter().all(|x| (x - 0.3).abs() < 1e-6));
}

#[test]
fn gradients_reach_the_zero_heads_and_one_step_learns() {
    use burn::backend::Autodiff;
    use burn::optim::{AdamConfig, GradientsParams, Optimizer};
    type A = Autodiff<B>;
    let config = small();
    let device = Default::default();
    <A as burn::prelude::Backend>::seed(&device, 7);
    let mut hef = config.init::<A>(&device);
    let x = input(&config, 2);
    let lift = |t: Tensor<B, 4>| Tensor::<A, 4>::from_inner(t);
    let target = lift(x.warped.clone().add_scalar(0.05));
    let x = HefInput {
        source: lift(x.source),
        warped: lift(x.warped),
        geometry: lift(x.geometry),
        flow: lift(x.flow),
        style: Tensor::<A, 2>::from_inner(x.style),
    };
    let loss_of = |hef: &Hef<A>| (hef.forward(x.clone()).image - target.clone()).abs().mean();
    let before = loss_of(&hef).into_scalar();
    let mut optim = AdamConfig::new().init();
    let mut losses = vec![before];
    for _ in 0..8 {
        let loss = loss_of(&hef);
        let grads = GradientsParams::from_grads(loss.backward(), &hef);
        // The heads start at zero: their gradients are what moves the output at first.
        let head = grads.get::<B, 4>(hef.blocks[0].to_rgb.weight.id).expect("a gradient on the RGB head");
        assert!(head.abs().max().into_scalar() > 0.0);
        hef = optim.step(1e-2, hef, grads);
        losses.push(loss_of(&hef).into_scalar());
    }
    println!("L1: {losses:?}");
    let after = *losses.last().unwrap();
    assert!(after < 0.85 * before, "L1 {before} -> {after}");
}

#[test]
fn the_default_network_fits_the_weight_budget() {
    let config = HefConfig::new();
    let hef = config.init::<B>(&Default::default());
    let (params, flops) = (hef.parameter_count(), config.flops_per_frame());
    println!(
        "HEF at 256 px: {params} parameters ({:.2} MB f32), {:.2} GFLOPs per frame",
        params as f64 * 4e-6,
        flops as f64 * 1e-9
    );
    assert!(params * 4 <= 5_000_000, "{params} parameters");
    // A 256 px frame runs through it.
    let out = hef.forward(input(&config, 1));
    assert_eq!(out.image.dims(), [1, 3, 256, 256]);
}

#[test]
fn a_rendered_frame_gives_the_network_its_warp() {
    use crate::face::{BlendshapeBasis, HeadPose, PreparedPortrait, npc};
    let basis = BlendshapeBasis::default_basis();
    let n = npc::generate(3, 128);
    let p = PreparedPortrait::new(n.image, &n.rig, basis).unwrap();
    let mut w = [0.0f32; 52];
    w[crate::face::blendshapes::index_of("jawOpen").unwrap()] = 0.5;
    let pose = HeadPose { yaw: 10.0, roll: 4.0, ..HeadPose::default() };
    let f = frame::hef_frame(&p, &w, &pose, 2.0, basis).unwrap();
    let x = frame::batch::<B>(&[f.clone()], &Default::default());
    assert_eq!(x.geometry.dims(), [1, 5, 128, 128]);
    // The flow is the warp: the source sampled by it is the warped frame on the skin.
    let resampled: Vec<f32> = warp(x.source, x.flow).into_data().to_vec().unwrap();
    let warped: Vec<f32> = x.warped.into_data().to_vec().unwrap();
    let skin = crate::face::geometry::GeometryLabel::Skin as u8 * crate::face::geometry::LABEL_STEP;
    let (mut se, mut count) = (0.0f64, 0usize);
    for (i, px) in f.geometry.pixels().enumerate() {
        if px.0[0] == skin {
            for c in 0..3 {
                let k = c * 128 * 128 + i;
                se += ((resampled[k] - warped[k]) as f64 * 255.0).powi(2);
                count += 1;
            }
        }
    }
    let psnr = 10.0 * (255.0f64.powi(2) / (se / count as f64)).log10();
    println!("warp flow reproduces the warped skin at {psnr:.1} dB over {} pixels", count / 3);
    assert!(count > 3000 && psnr > 35.0, "{psnr} dB over {count}");
    assert_eq!(f.style[52..], [10f32.to_radians(), 0.0, 4f32.to_radians(), 2.0 / 3.0]);
}
