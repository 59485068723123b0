//! Live voice: the streaming EAC thread fed by an input, on real speech. The frames equal the
//! offline track, an emotion change applies from the frames computed after it, and an input
//! that is lost is reported after the frames its audio completed.

use std::time::Duration;

use emotalk::audio::{self, MelConfig, log_mel};
use emotalk::emotion::space::EmotionEmbedding;
use emotalk::face::EmotionPreset;
use emotalk::live::{AudioChunk, LiveFrame, LivePipeline, Pace, PipelineEvent, SourceEvent, VirtualInput, EAC_RATE};
use emotalk::model::eac::saved::EacModel;

type B = burn::backend::Flex;

fn speech() -> Vec<f32> {
    audio::load("../shared/data/speech/alsa_Front_Center.wav").expect("shared speech").samples
}

fn model() -> EacModel<B> {
    EacModel::<B>::shipped(&Default::default()).expect("shipped EAC")
}

fn max_diff(a: &[[f32; 52]], b: &[[f32; 52]]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().flatten().zip(b.iter().flatten()).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

/// Every event until the pipeline says the input is over.
fn drain(pipeline: &LivePipeline) -> (Vec<LiveFrame>, PipelineEvent) {
    let mut frames = Vec::new();
    loop {
        match pipeline.recv_timeout(Duration::from_secs(60)).expect("the pipeline answers") {
            PipelineEvent::Frame(f) => frames.push(f),
            end => return (frames, end),
        }
    }
}

#[test]
fn live_frames_equal_the_offline_track() {
    let samples = speech();
    let emotion = EmotionEmbedding::preset(EmotionPreset::Happy);
    let offline = model().infer(&log_mel(&samples, &MelConfig::default()).unwrap(), &emotion, 2.0, &Default::default());
    let (tx, rx) = crossbeam_channel::unbounded();
    let pipeline = LivePipeline::spawn(model(), emotion, 2.0, Default::default(), rx);
    let _input = VirtualInput::play(samples, EAC_RATE, Duration::from_millis(10), Pace::Unpaced, tx);
    let (frames, end) = drain(&pipeline);
    assert!(matches!(end, PipelineEvent::Ended), "{end:?}");
    assert!(frames.iter().enumerate().all(|(k, f)| f.index == k && f.heard <= f.ready));
    let live: Vec<[f32; 52]> = frames.iter().map(|f| f.weights).collect();
    let d = max_diff(&live, &offline.frames);
    assert!(d < 1e-4, "live vs offline: max difference {d}");
    pipeline.join().unwrap();
}

#[test]
fn a_shortened_look_ahead_streams_its_own_offline_track() {
    // One frame ahead instead of two: 40 ms sooner, and live still equals offline (the
    // shortened network's), while it differs from the full one's.
    let samples = speech();
    let emotion = EmotionEmbedding::preset(EmotionPreset::Happy);
    let short = model().with_band_ahead(1).unwrap();
    assert_eq!(short.config.lookahead_ms() + 40.0, model().config.lookahead_ms());
    let mel = log_mel(&samples, &MelConfig::default()).unwrap();
    let offline = short.infer(&mel, &emotion, 2.0, &Default::default());
    let full = model().infer(&mel, &emotion, 2.0, &Default::default());
    let (tx, rx) = crossbeam_channel::unbounded();
    let pipeline = LivePipeline::spawn(short, emotion, 2.0, Default::default(), rx);
    let _input = VirtualInput::play(samples, EAC_RATE, Duration::from_millis(10), Pace::Unpaced, tx);
    let (frames, end) = drain(&pipeline);
    assert!(matches!(end, PipelineEvent::Ended), "{end:?}");
    let live: Vec<[f32; 52]> = frames.iter().map(|f| f.weights).collect();
    let d = max_diff(&live, &offline.frames);
    assert!(d < 1e-4, "live vs the shortened offline: max difference {d}");
    assert!(max_diff(&live, &full.frames) > 1e-3, "the shortened network is another function");
    pipeline.join().unwrap();
}

#[test]
fn an_emotion_change_applies_from_the_next_frames() {
    let samples = speech();
    let happy = EmotionEmbedding::preset(EmotionPreset::Happy);
    let angry = EmotionEmbedding::preset(EmotionPreset::Angry);
    let mel = log_mel(&samples, &MelConfig::default()).unwrap();
    let (as_happy, as_angry) =
        (model().infer(&mel, &happy, 3.0, &Default::default()), model().infer(&mel, &angry, 3.0, &Default::default()));
    let (tx, rx) = crossbeam_channel::unbounded();
    let pipeline = LivePipeline::spawn(model(), happy, 3.0, Default::default(), rx);
    let half = samples.len() / 2;
    let chunk = |s: &[f32]| SourceEvent::Audio(AudioChunk { samples: s.to_vec(), rate: EAC_RATE, heard: std::time::Instant::now() });
    tx.send(chunk(&samples[..half])).unwrap();
    // The frames the first half completes, then the change, then the rest of the line.
    let mut frames = Vec::new();
    while let Some(PipelineEvent::Frame(f)) = pipeline.recv_timeout(Duration::from_millis(500)) {
        frames.push(f);
    }
    let before = frames.len();
    assert!(before > 5, "the first half completes frames ({before})");
    pipeline.set_emotion(angry, 3.0);
    std::thread::sleep(Duration::from_millis(100));
    tx.send(chunk(&samples[half..])).unwrap();
    tx.send(SourceEvent::Ended).unwrap();
    let (rest, _) = drain(&pipeline);
    frames.extend(rest);
    let live: Vec<[f32; 52]> = frames.iter().map(|f| f.weights).collect();
    assert_eq!(live.len(), as_happy.frames.len());
    assert!(max_diff(&live[..before], &as_happy.frames[..before]) < 1e-4, "before the change: happy");
    assert!(max_diff(&live[before..], &as_angry.frames[before..]) < 1e-4, "after it: angry");
    assert!(max_diff(&as_happy.frames[before..], &as_angry.frames[before..]) > 0.05, "the two emotions differ");
}

#[test]
fn a_lost_input_is_reported_after_its_last_frames() {
    let samples = speech();
    let (tx, rx) = crossbeam_channel::unbounded();
    let emotion = EmotionEmbedding::preset(EmotionPreset::Neutral);
    let pipeline = LivePipeline::spawn(model(), emotion, 1.0, Default::default(), rx);
    let part = &samples[..samples.len() / 2];
    tx.send(SourceEvent::Audio(AudioChunk { samples: part.to_vec(), rate: EAC_RATE, heard: std::time::Instant::now() }))
        .unwrap();
    tx.send(SourceEvent::Lost("device unplugged".into())).unwrap();
    let (frames, end) = drain(&pipeline);
    match end {
        PipelineEvent::SourceLost(reason) => assert_eq!(reason, "device unplugged"),
        other => panic!("expected the loss, got {other:?}"),
    }
    // The audio that did arrive is all in frames (0.7 s at the model's rate).
    let expected = (part.len() as f64 / EAC_RATE as f64 * pipeline.fps()).floor() as usize;
    assert!(frames.len().abs_diff(expected) <= 1, "{} frames for {expected}", frames.len());
    pipeline.join().unwrap();
}
