//! A line streamed in bounded memory ([`LineStream`], what `emotalk coeffs` runs) gives the track
//! of the whole-line pipeline: EAC over the whole line resampled to the output rate, blinks, and
//! the head motion of the whole line's syllable nuclei; a line longer than a prosody block keeps
//! its nods; the rows come out while the audio is still going in.

use emotalk::anim::motion::{self, BlinkConfig, HeadMotionConfig};
use emotalk::anim::stream::{LineOptions, LineStream, PROSODY_BLOCK_SECONDS, TrackRow};
use emotalk::audio::{self, MelConfig, log_mel};
use emotalk::emotion::space::EmotionEmbedding;
use emotalk::face::EmotionPreset;
use emotalk::face::blendshapes::index_of;
use emotalk::model::eac::saved::EacModel;

type B = burn::backend::Flex;

/// The 11 real clips of ../shared/data/speech one after another (20.7 s).
fn speech() -> Vec<f32> {
    let mut paths: Vec<_> = std::fs::read_dir("../shared/data/speech")
        .expect("shared speech")
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "wav"))
        .collect();
    paths.sort();
    paths.iter().flat_map(|p| audio::load(p).expect("a clip").samples).collect()
}

/// Streams `samples` in decoder-sized chunks; also returns how many rows had come out before
/// `finish`.
fn stream(model: &EacModel<B>, samples: &[f32], options: LineOptions) -> (Vec<TrackRow>, usize) {
    let happy = EmotionEmbedding::preset(EmotionPreset::Happy);
    let mut s = LineStream::new(model, happy, 2.0, options, &Default::default()).expect("a stream");
    let mut rows = Vec::new();
    for chunk in samples.chunks(1152) {
        s.push(chunk, &mut rows);
    }
    let before_finish = rows.len();
    s.finish(&mut rows);
    (rows, before_finish)
}

#[test]
fn a_streamed_line_equals_the_whole_line_pipeline() {
    let model = EacModel::<B>::shipped(&Default::default()).expect("shipped EAC");
    let samples = speech();
    let options = LineOptions { fps: 30.0, seed: 3, ..LineOptions::default() };
    let (rows, _) = stream(&model, &samples, options);

    // The whole-line pipeline, as `emotalk coeffs` computed it before it streamed.
    let happy = EmotionEmbedding::preset(EmotionPreset::Happy);
    let mel = log_mel(&samples, &MelConfig::default()).unwrap();
    let mut track = model.infer(&mel, &happy, 2.0, &Default::default()).resampled(30.0);
    let blinks = motion::blink_times(track.duration() as f32, &BlinkConfig::default(), 3);
    for (f, frame) in track.frames.iter_mut().enumerate() {
        let b = motion::blink_weight((f as f64 / 30.0) as f32, &blinks, &BlinkConfig::default());
        for k in [index_of("eyeBlinkLeft"), index_of("eyeBlinkRight")].into_iter().flatten() {
            frame[k] = frame[k].max(b);
        }
    }
    let nuclei = audio::prosody::prosody_with_mel(&samples, &mel).nuclei;
    assert!(nuclei.len() > 10, "real speech has syllables: {}", nuclei.len());
    let pose = motion::head_motion(&nuclei, track.frames.len(), 30.0, &HeadMotionConfig::default(), 3);

    assert_eq!(rows.len(), track.frames.len());
    let mut worst = 0.0f32;
    for (f, row) in rows.iter().enumerate() {
        assert_eq!(row.frame, f);
        for (a, b) in row.weights.iter().zip(&track.frames[f]) {
            worst = worst.max((a - b).abs());
        }
        assert_eq!(row.pose, pose[f], "frame {f}: the head motion is the whole line's");
    }
    assert!(worst < 1e-4, "weights differ by {worst}");
    assert!(rows.iter().any(|r| r.weights[index_of("eyeBlinkLeft").unwrap()] > 0.99), "it blinks");

    // Still: EAC alone, the pose at rest, and every row out before the end of the audio bar
    // EAC's look-ahead and last block.
    let (still, _) = stream(&model, &samples, LineOptions { still: true, ..options });
    assert!(still.iter().all(|r| r.pose == [0.0; 3]));
    let eac = model.infer(&mel, &happy, 2.0, &Default::default()).resampled(30.0);
    let worst = still
        .iter()
        .zip(&eac.frames)
        .flat_map(|(r, e)| r.weights.iter().zip(e).map(|(a, b)| (a - b).abs()))
        .fold(0.0f32, f32::max);
    assert!(worst < 1e-4, "still weights differ by {worst}");
}

#[test]
fn a_line_longer_than_a_prosody_block_streams_with_its_nods() {
    let model = EacModel::<B>::shipped(&Default::default()).expect("shipped EAC");
    let one = speech();
    // Two and a half blocks of speech: the same sentence over and over.
    let n = (PROSODY_BLOCK_SECONDS as f32 * 2.5 * 16_000.0) as usize;
    let samples: Vec<f32> = one.iter().cycle().take(n).copied().collect();
    let options = LineOptions { fps: 25.0, seed: 5, ..LineOptions::default() };
    let (rows, before_finish) = stream(&model, &samples, options);
    let expected = ((n - 1) as f64 / 16_000.0 * 25.0).floor() as usize + 1;
    assert!(rows.len().abs_diff(expected) <= 1, "{} rows for {expected} frames", rows.len());
    assert!(rows.windows(2).all(|w| w[1].frame == w[0].frame + 1));
    // Rows come out as the audio goes in: all but the last block's were out before the end.
    assert!(
        before_finish as f64 >= 2.0 * PROSODY_BLOCK_SECONDS as f64 * 25.0,
        "{before_finish} rows out before finish"
    );
    // Nods follow the speech in every block, as on the whole line: the nodding (pitch beyond the
    // sway) per block is within a third of the whole-line analysis's.
    let whole = audio::prosody(&samples).nuclei;
    let pose = motion::head_motion(&whole, rows.len(), 25.0, &HeadMotionConfig::default(), 5);
    let block_frames = PROSODY_BLOCK_SECONDS * 25;
    for (b, (got, want)) in rows.chunks(block_frames).zip(pose.chunks(block_frames)).enumerate() {
        let g: f32 = got.iter().map(|r| r.pose[0].abs()).sum();
        let w: f32 = want.iter().map(|p| p[0].abs()).sum();
        assert!((g - w).abs() <= w / 3.0, "block {b}: |pitch| sums {g} streamed vs {w} whole");
    }
}
