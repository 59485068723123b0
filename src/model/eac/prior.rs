//! EAC's emotion prior ([`super::EacConfig::emotion_prior`]): the emotion's face composed onto
//! the network's output in the forward pass, by the rule the training targets are made with.
//!
//! The targets of a synthesised clip are `visemes::with_emotion(speech, face)`: the speech
//! visemes and the emotion's face ([`EmotionEmbedding::blendshape_weights`]) at the clip's
//! intensity, combined channel by channel as `1 − (1 − s)(1 − e)`, with a bilabial's seal
//! holding the lips against an emotion that parts them. A network that predicts the whole of it
//! has to learn every preset from the emotion vector, and under-learns them: after #14's fifth
//! pass the shipped weights spoke "surprised" with a smile (0.49) and disgust with hardly a raised
//! lip, and the judged talking faces read as intended on 44 % of frames against 58 % for the
//! targets themselves. With the prior, the network predicts the speech part `s` (and anything
//! the emotion changes in it, through its emotion and intensity inputs), and the emotion's face
//! is exact by construction, except for the jaw, which the network still predicts whole
//! ([`prior_face`]).
//!
//! [`EmotionEmbedding::blendshape_weights`]: crate::emotion::space::EmotionEmbedding::blendshape_weights

use burn::prelude::Backend;
use burn::tensor::{Tensor, TensorData};

use crate::emotion::space::N_CLASSES;
use crate::face::EmotionPreset;
use crate::face::blendshapes::{N_BLENDSHAPES, index_of};
use crate::face::compound::{self, FaceRegion};
use crate::face::presets::{INTENSITY_GAMMA, MAX_INTENSITY};
use crate::face::visemes::LIP_PARTING;

/// The emotion's face for a batch, `[batch, 52]`: the class mixture (the first [`N_CLASSES`]
/// numbers of `z_emo`, `[batch, 11]`) dealt out region by region ([`region_shares`]) times the
/// presets at `intensity` (`[batch]`, 0–3), each weight clamped to [0, 1]; the tensor form of
/// [`EmotionEmbedding::blendshape_weights`](crate::emotion::space::EmotionEmbedding::blendshape_weights).
pub fn emotion_face<B: Backend>(z_emo: Tensor<B, 2>, intensity: Tensor<B, 1>) -> Tensor<B, 2> {
    let [batch, _] = z_emo.dims();
    let device = z_emo.device();
    // Every preset weight is in [0, 1], so a preset at intensity mu is its full-strength table
    // times the intensity curve of `EmotionPreset::weights`.
    let table: Vec<f32> = EmotionPreset::ALL.iter().flat_map(|p| p.weights(MAX_INTENSITY)).collect();
    let table = Tensor::<B, 2>::from_data(TensorData::new(table, [N_CLASSES, N_BLENDSHAPES]), &device);
    let mixture = z_emo.narrow(1, 0, N_CLASSES).clamp_min(0.0);
    let scale = intensity.clamp(0.0, MAX_INTENSITY).div_scalar(MAX_INTENSITY).powf_scalar(INTENSITY_GAMMA);
    let mut face = Tensor::<B, 2>::zeros([batch, N_BLENDSHAPES], &device);
    for region in FaceRegion::ALL {
        let mask = mask::<B>((0..N_BLENDSHAPES).filter(|&k| FaceRegion::of(k) == region), N_BLENDSHAPES, &device);
        face = face + region_shares(mixture.clone(), region).matmul(table.clone()) * mask;
    }
    (face * scale.reshape([batch, 1])).clamp(0.0, 1.0)
}

/// The classes' shares of one region of the face, `[batch, 8]` from a mixture `[batch, 8]`
/// (non-negative): the tensor form of [`compound::region_shares`].
pub fn region_shares<B: Backend>(mixture: Tensor<B, 2>, region: FaceRegion) -> Tensor<B, 2> {
    let [_, n] = mixture.dims();
    let device = mixture.device();
    let neutral = mask::<B>([EmotionPreset::Neutral.index()], n, &device);
    let mut out = mixture.clone() * neutral.clone();
    let mut left = (mixture.clone() * (neutral.neg() + 1.0)).sum_dim(1);
    for group in compound::rank_groups(region) {
        let members = mixture.clone() * mask::<B>(group, n, &device);
        let g = members.clone().sum_dim(1);
        let taken = left.clone().min_pair(g.clone() * compound::LEAD_GAIN);
        // A group with no share takes nothing (`taken` is 0 and so is `members`).
        out = out + members * (taken.clone() / g.clamp_min(f32::MIN_POSITIVE));
        left = left - taken;
    }
    out
}

/// A `[1, n]` row of ones at `ks`, zeros elsewhere.
fn mask<B: Backend>(ks: impl IntoIterator<Item = usize>, n: usize, device: &B::Device) -> Tensor<B, 2> {
    let mut v = vec![0.0f32; n];
    ks.into_iter().filter(|&k| k < n).for_each(|k| v[k] = 1.0);
    Tensor::<B, 2>::from_data(TensorData::new(v, [1, n]), device)
}

/// [`emotion_face`] less the jaw, which the network keeps: what the prior composes. The jaw is
/// the one articulator speech and emotion share in time: at rest it shows the emotion's drop,
/// while speaking the articulation closes it for every consonant, and a rule applied frame by
/// frame cannot tell a pause from a closure. Composed with it, a surprised line's jaw sat on
/// surprise's 0.53 and moved over the rest only: on `goforward.wav` at 2.5 the aperture's r
/// against the neutral line fell from 0.82 to 0.72. The network sees the audio around the
/// frame and keeps articulating.
pub fn prior_face<B: Backend>(z_emo: Tensor<B, 2>, intensity: Tensor<B, 1>) -> Tensor<B, 2> {
    let face = emotion_face(z_emo, intensity);
    match index_of("jawOpen") {
        Some(jaw) => {
            let [_, n] = face.dims();
            let jaw = mask::<B>([jaw], n, &face.device());
            face.clone() - face * jaw
        }
        None => face,
    }
}

/// Speech `[batch, frames, 52]` (in [0, 1]) with the emotion's face `[batch, 52]`: the tensor
/// form of [`visemes::with_emotion`](crate::face::visemes::with_emotion), frame by frame.
pub fn compose<B: Backend>(speech: Tensor<B, 3>, face: Tensor<B, 2>) -> Tensor<B, 3> {
    let [batch, _, n] = speech.dims();
    let device = speech.device();
    let s = speech.clamp(0.0, 1.0);
    let e = face.clamp(0.0, 1.0).reshape([batch, 1, n]);
    let either = |s: Tensor<B, 3>, e: Tensor<B, 3>| ((s.neg() + 1.0) * (e.neg() + 1.0)).neg() + 1.0;
    let (Some(jaw), Some(close)) = (index_of("jawOpen"), index_of("mouthClose")) else {
        return either(s, e);
    };
    let one_hot = |ks: &[usize]| mask::<B>(ks.iter().copied(), n, &device).reshape([1, 1, n]);
    let s_jaw = s.clone().narrow(2, jaw, 1);
    let s_close = s.clone().narrow(2, close, 1);
    // The speech's seal: how much of its jaw opening the lips close (0 where the jaw is shut).
    let open = s_jaw.clone().greater_elem(1e-4).float();
    let seal = (s_close / s_jaw.clamp_min(1e-4)).clamp(0.0, 1.0) * open;
    let lip_seal = (seal.clone() * 2.5).clamp_max(1.0);
    let lips: Vec<usize> = LIP_PARTING.iter().filter_map(|name| index_of(name)).collect();
    // The seal holds the lips against an emotion that parts them.
    let e = e.clone() - e * one_hot(&lips) * lip_seal;
    let out = either(s, e);
    let close_mask = one_hot(&[close]);
    let sealed = seal * out.clone().narrow(2, jaw, 1);
    out.clone() - out * close_mask.clone() + sealed * close_mask
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emotion::space::EmotionEmbedding;
    use crate::face::visemes::{Viseme, with_emotion};
    use burn::backend::Flex;
    use rand::{Rng, SeedableRng};

    type B = Flex;

    fn to_rows(t: Tensor<B, 3>) -> Vec<[f32; N_BLENDSHAPES]> {
        let v = t.into_data().to_vec::<f32>().unwrap();
        v.chunks_exact(N_BLENDSHAPES).map(|c| std::array::from_fn(|k| c[k])).collect()
    }

    #[test]
    fn the_face_is_the_embeddings_at_every_intensity() {
        let device = Default::default();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(3);
        let mut zs = Vec::new();
        let mut mus = Vec::new();
        for k in 0..12 {
            // Pure classes, then random mixtures.
            let mix: [f32; N_CLASSES] = if k < N_CLASSES {
                std::array::from_fn(|c| (c == k) as u8 as f32)
            } else {
                std::array::from_fn(|_| rng.random::<f32>().powi(3))
            };
            zs.push(EmotionEmbedding::from_mixture(mix));
            mus.push([0.0, 0.7, 1.0, 2.5, 3.0, 3.0][k % 6]);
        }
        // Two-class compounds, where regions are dealt out whole or nearly (classes in
        // `EmotionPreset::ALL` order: neutral, angry, contempt, disgusted, fear, happy, sad, surprised).
        for (a, b, x) in [(6, 7, 0.4), (5, 3, 0.5), (1, 5, 0.1), (0, 4, 0.3), (1, 7, 0.6)] {
            let mut mix = [0.0; N_CLASSES];
            mix[a] = x;
            mix[b] = 1.0 - x;
            zs.push(EmotionEmbedding::from_mixture(mix));
            mus.push(2.5);
        }
        let z: Vec<f32> = zs.iter().flat_map(|z| z.as_array()).collect();
        let z = Tensor::<B, 2>::from_data(TensorData::new(z, [zs.len(), zs[0].as_array().len()]), &device);
        let mu = Tensor::<B, 1>::from_data(TensorData::new(mus.clone(), [mus.len()]), &device);
        let face = emotion_face(z, mu).into_data().to_vec::<f32>().unwrap();
        for (i, (z, mu)) in zs.iter().zip(&mus).enumerate() {
            let want = z.blendshape_weights(*mu);
            for k in 0..N_BLENDSHAPES {
                assert!((face[i * N_BLENDSHAPES + k] - want[k]).abs() < 1e-5, "row {i} channel {k}");
            }
        }
        // A strong emotion differs from neutral (the comparison above is not of zeros).
        assert!(zs[2].blendshape_weights(3.0).iter().sum::<f32>() > 1.0);
        // The prior's face is the same less the jaw.
        let z =
            Tensor::<B, 2>::from_data(TensorData::new(zs[7].as_array().to_vec(), [1, zs[7].as_array().len()]), &device);
        let mu = Tensor::<B, 1>::from_data(TensorData::new(vec![2.5f32], [1]), &device);
        let prior = prior_face(z, mu).into_data().to_vec::<f32>().unwrap();
        let want = zs[7].blendshape_weights(2.5);
        let jaw = index_of("jawOpen").unwrap();
        assert!(want[jaw] > 0.3, "surprise drops the jaw");
        for k in 0..N_BLENDSHAPES {
            let w = if k == jaw { 0.0 } else { want[k] };
            assert!((prior[k] - w).abs() < 1e-5, "channel {k}");
        }
    }

    #[test]
    fn composing_is_with_emotion_frame_by_frame() {
        let device = Default::default();
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(5);
        // Real viseme frames (bilabials with their seal, open vowels, rest) and random ones.
        let mut frames: Vec<[f32; N_BLENDSHAPES]> =
            [Viseme::PP, Viseme::AA, Viseme::Sil, Viseme::FF, Viseme::CH].iter().map(|v| v.weights()).collect();
        frames.push([0.0; N_BLENDSHAPES]);
        for _ in 0..6 {
            frames.push(std::array::from_fn(|_| rng.random::<f32>() * 0.8));
        }
        let faces = [
            EmotionPreset::Disgusted.weights(2.5),
            EmotionPreset::Happy.weights(3.0),
            EmotionPreset::Angry.weights(1.0),
        ];
        let n = frames.len();
        let speech: Vec<f32> = faces.iter().flat_map(|_| frames.iter().flatten().copied()).collect();
        let speech = Tensor::<B, 3>::from_data(TensorData::new(speech, [faces.len(), n, N_BLENDSHAPES]), &device);
        let face: Vec<f32> = faces.iter().flatten().copied().collect();
        let face = Tensor::<B, 2>::from_data(TensorData::new(face, [faces.len(), N_BLENDSHAPES]), &device);
        let got = to_rows(compose(speech, face));
        let mut sealed = 0;
        for (b, e) in faces.iter().enumerate() {
            for (t, s) in frames.iter().enumerate() {
                let want = with_emotion(s, e);
                let row = &got[b * n + t];
                for k in 0..N_BLENDSHAPES {
                    assert!(
                        (row[k] - want[k]).abs() < 1e-5,
                        "face {b} frame {t} channel {k}: {} vs {}",
                        row[k],
                        want[k]
                    );
                }
                sealed += (want != std::array::from_fn::<f32, N_BLENDSHAPES, _>(|k| 1.0 - (1.0 - s[k]) * (1.0 - e[k])))
                    as usize;
            }
        }
        // The seal rule was exercised, not only the plain product.
        assert!(sealed > 0);
    }
}
