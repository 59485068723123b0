//! `emotalk render`: a portrait speaking a line, rendered offline through the plugin's GPU path
//! (Bevy, no window: a GPU or lavapipe), as PNG frames, the track and a preview GIF.

use std::path::PathBuf;

use emotalk::face::cpu_render::HeadPose;
use emotalk::face::rig::PortraitRig;
use emotalk::plugin::Portrait;
use emotalk::plugin::offline::OfflineRenderer;
use emotalk::render::{FaceRenderer, HefNetwork};

use super::BoxError;
use super::coeffs_cmd::{LineArgs, LineTrack, line_track};

/// Longest side of the preview GIF, pixels.
const PREVIEW_SIZE: u32 = 256;
/// The preview's frame rate at most (GIF delays are whole centiseconds).
const PREVIEW_FPS: f64 = 12.5;

/// What `emotalk render` was given.
pub struct RenderArgs {
    /// None: the bundled NPC.
    pub portrait: Option<PathBuf>,
    pub rig: Option<PathBuf>,
    pub size: Option<u32>,
    /// `--expressiveness`.
    pub expressiveness: f32,
    /// The line.
    pub line: LineArgs,
    pub out: PathBuf,
    /// `--renderer`, `--hef-weights`.
    pub renderer: super::renderer_cmd::RendererArgs,
}

/// The portrait scaled so that its longer side is `size` (landmarks with it).
fn scaled(image: image::RgbaImage, rig: PortraitRig, size: u32) -> (image::RgbaImage, PortraitRig) {
    let (w, h) = image.dimensions();
    let s = size as f32 / w.max(h) as f32;
    if (s - 1.0).abs() < 1e-6 {
        return (image, rig);
    }
    let (nw, nh) = (((w as f32 * s).round() as u32).max(1), ((h as f32 * s).round() as u32).max(1));
    let image = image::imageops::resize(&image, nw, nh, image::imageops::FilterType::Triangle);
    let rig = PortraitRig {
        width: nw,
        height: nh,
        landmarks: rig.landmarks.iter().map(|[x, y]| [x * s, y * s]).collect(),
        face_box: rig.face_box.map(|b| b.map(|v| v * s)),
        ..rig
    };
    (image, rig)
}

pub fn render(args: RenderArgs) -> Result<(), BoxError> {
    let RenderArgs { portrait, rig, size, expressiveness, line, out, renderer: choice } = args;
    let gain = super::portrait_cmd::check_expressiveness(expressiveness)?;
    if let Some(s) = size
        && !(16..=4096).contains(&s)
    {
        return Err(format!("--size must be between 16 and 4096, got {s}").into());
    }
    if portrait.is_none() && rig.is_some() {
        return Err("--rig needs --portrait (without it the bundled portrait and its own rig are used)".into());
    }
    let (image, rig, label) = match portrait {
        None => {
            let rig = PortraitRig::from_json(emotalk::bundled::NPC_3_RIG, std::path::Path::new("npc_3.rig.json"))?;
            let image = image::load_from_memory(emotalk::bundled::NPC_3_PNG)?.to_rgba8();
            (image, rig, "the bundled portrait".to_string())
        }
        Some(portrait) => {
            let rig_path = rig.clone().unwrap_or_else(|| PortraitRig::path_beside(&portrait));
            let image = image::open(&portrait).map_err(|e| format!("{}: {e}", portrait.display()))?.to_rgba8();
            let rig = crate::vision_cmd::portrait_rig(&portrait, &image, rig.as_deref())?;
            (image, rig, format!("{} with {}", rig_path.display(), portrait.display()))
        }
    };
    let (image, rig) = match size {
        Some(s) => scaled(image, rig, s),
        None => (image, rig),
    };
    let portrait = Portrait::new(image, &rig).map_err(|e| format!("{label}: {e}"))?;
    let LineTrack { track, pose, resolved } = line_track(&line)?;
    std::fs::create_dir_all(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    let mut renderer = OfflineRenderer::new(portrait);
    if choice.wants_hef(renderer.hardware_gpu()) {
        // HEF heads of the render part: the face shader adds HEF's change to the warp.
        let model = std::sync::Arc::new(choice.model()?);
        renderer.app_mut().world_mut().insert_resource(HefNetwork(Some(model)));
        renderer.set_renderer(FaceRenderer::Hef);
        eprintln!("renderer: HEF (its network on the CPU, its change added by the face shader)");
    }
    let fps = line.fps;
    let step = (fps / PREVIEW_FPS).ceil().max(1.0) as usize;
    let mut preview = Vec::new();
    for (f, weights) in track.frames.iter().enumerate() {
        let [pitch, yaw, roll] = pose.get(f).copied().unwrap_or_default().map(f32::to_degrees);
        let weights: [f32; emotalk::face::N_BLENDSHAPES] = std::array::from_fn(|k| weights[k] * gain);
        let head = HeadPose { pitch, yaw, roll, ..Default::default() };
        let frame = renderer.render(&weights, &head)?;
        let path = out.join(format!("frame_{:05}.png", f + 1));
        frame.save(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        if f % step == 0 {
            preview.push(frame);
        }
    }
    let csv = out.join("track.csv");
    emotalk::io::write_atomically(&csv, |w| track.write_csv_with_pose(w, &pose))?;
    let gif = out.join("preview.gif");
    let delay = (100.0 * step as f64 / fps).round() as u16;
    emotalk::io::write_atomically(&gif, |w| write_gif(w, &preview, delay))?;
    eprintln!(
        "wrote {} frames, track.csv and preview.gif to {} ({:.2} s at {fps} fps; emotion {} at intensity {:.2})",
        track.frames.len(),
        out.display(),
        track.duration(),
        resolved.embedding.dominant().name(),
        resolved.intensity
    );
    Ok(())
}

/// An animated GIF of the frames (scaled to at most [`PREVIEW_SIZE`]), looping.
fn write_gif(w: &mut dyn std::io::Write, frames: &[image::RgbaImage], delay_cs: u16) -> std::io::Result<()> {
    let Some(first) = frames.first() else { return Ok(()) };
    let s = (PREVIEW_SIZE as f32 / first.width().max(first.height()) as f32).min(1.0);
    let (pw, ph) = (((first.width() as f32 * s) as u32).max(1), ((first.height() as f32 * s) as u32).max(1));
    let mut encoder = gif::Encoder::new(w, pw as u16, ph as u16, &[]).map_err(std::io::Error::other)?;
    encoder.set_repeat(gif::Repeat::Infinite).map_err(std::io::Error::other)?;
    for frame in frames {
        let small = image::imageops::resize(frame, pw, ph, image::imageops::FilterType::Triangle);
        let mut pixels = small.into_raw();
        let mut f = gif::Frame::from_rgba_speed(pw as u16, ph as u16, &mut pixels, 10);
        f.delay = delay_cs;
        encoder.write_frame(&f).map_err(std::io::Error::other)?;
    }
    Ok(())
}
