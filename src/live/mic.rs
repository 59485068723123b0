//! A microphone as a live input (feature `mic`): cpal's default input device, or one by name,
//! delivering mono chunks to a [`super::LivePipeline`] from cpal's callback thread.

use crossbeam_channel::Sender;
use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};
use cpal::{FromSample, SizedSample};

use super::{AudioChunk, LiveError, SourceEvent};

/// An open, running microphone. Dropping it stops the capture (and the pipeline then ends).
///
/// cpal's stream is not `Send` on every platform: keep the `Microphone` on the thread that opened
/// it (in Bevy, a non-send resource).
pub struct Microphone {
    _stream: cpal::Stream,
    /// The device's name.
    pub name: String,
    /// Its sample rate in Hz (the pipeline resamples to 16 kHz).
    pub rate: u32,
    /// Its channel count (mixed to mono).
    pub channels: u16,
}

impl Microphone {
    /// Opens the default input device, or the one called `name`, and starts capturing into `tx`.
    /// A device lost later reports [`SourceEvent::Lost`] through `tx`.
    pub fn open(name: Option<&str>, tx: Sender<SourceEvent>) -> Result<Self, LiveError> {
        let host = cpal::default_host();
        let host_name = format!("{:?}", host.id());
        let device = match name {
            None => host.default_input_device().ok_or(LiveError::NoInputDevice { host: host_name })?,
            Some(wanted) => {
                let devices: Vec<cpal::Device> = host
                    .input_devices()
                    .map_err(|e| LiveError::Device { device: wanted.into(), message: e.to_string() })?
                    .collect();
                let names: Vec<String> = devices.iter().map(|d| d.to_string()).collect();
                match devices.into_iter().zip(&names).find(|(_, n)| n.as_str() == wanted) {
                    Some((d, _)) => d,
                    None => {
                        let available = if names.is_empty() { "none".into() } else { names.join(", ") };
                        return Err(LiveError::NoSuchDevice { name: wanted.into(), available });
                    }
                }
            }
        };
        let label = device.to_string();
        let fail = |e: &dyn std::fmt::Display| LiveError::Device { device: label.clone(), message: e.to_string() };
        let supported = device.default_input_config().map_err(|e| fail(&e))?;
        let config = supported.config();
        let (rate, channels) = (config.sample_rate, config.channels);
        let stream = match supported.sample_format() {
            cpal::SampleFormat::F32 => build::<f32>(&device, config, tx),
            cpal::SampleFormat::I16 => build::<i16>(&device, config, tx),
            cpal::SampleFormat::U16 => build::<u16>(&device, config, tx),
            cpal::SampleFormat::I32 => build::<i32>(&device, config, tx),
            other => return Err(fail(&format!("sample format {other:?} is not supported"))),
        }
        .map_err(|e| fail(&e))?;
        stream.play().map_err(|e| fail(&e))?;
        Ok(Self { _stream: stream, name: label, rate, channels })
    }
}

fn build<T>(device: &cpal::Device, config: cpal::StreamConfig, tx: Sender<SourceEvent>) -> Result<cpal::Stream, cpal::Error>
where
    T: SizedSample + Send + 'static,
    f32: FromSample<T>,
{
    let (rate, channels) = (config.sample_rate, config.channels.max(1) as usize);
    let errors = tx.clone();
    device.build_input_stream(
        config,
        move |data: &[T], _: &cpal::InputCallbackInfo| {
            let heard = std::time::Instant::now();
            let samples: Vec<f32> = data
                .chunks(channels)
                .map(|frame| frame.iter().map(|&s| s.to_sample::<f32>()).sum::<f32>() / channels as f32)
                .collect();
            let _ = tx.send(SourceEvent::Audio(AudioChunk { samples, rate, heard }));
        },
        move |err| {
            let _ = errors.send(SourceEvent::Lost(err.to_string()));
        },
        None,
    )
}
