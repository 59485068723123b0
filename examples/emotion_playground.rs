//! Type any emotion, pick an intensity, and watch the bundled NPC speak with it: live bars of the
//! strongest blendshapes, and the expression track plotted under the line's waveform with a playhead.
//! `cargo run --release --features egui --example emotion_playground`

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPlugin, EguiPrimaryContextPass, egui};
use emotalk::emotion::EmotionSpec;
use emotalk::face::BLENDSHAPE_NAMES;
use emotalk::plugin::FaceRuntime;
use emotalk::plugin::{
    EmoTalkPlugin, Emotion, FaceState, ResolvedFaceEmotion, Speech, SpeechClip, SpeechFinished, TalkingHead,
};

#[path = "common/screenshot.rs"]
mod screenshot;

const ASSETS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/assets");
/// Channels drawn in the track plot, with their colours.
const PLOTTED: [(&str, egui::Color32); 4] = [
    ("jawOpen", egui::Color32::from_rgb(230, 90, 70)),
    ("mouthSmileLeft", egui::Color32::from_rgb(90, 200, 90)),
    ("browInnerUp", egui::Color32::from_rgb(90, 140, 240)),
    ("browDownLeft", egui::Color32::from_rgb(220, 200, 60)),
];

#[derive(Resource)]
struct Ui {
    text: String,
    intensity: f32,
    /// Whether the slider was moved (until then it shows the intensity the words imply).
    touched: bool,
    line: Handle<SpeechClip>,
}

fn main() {
    App::new()
        .add_plugins((
            DefaultPlugins.set(AssetPlugin { file_path: ASSETS.into(), ..default() }),
            EguiPlugin::default(),
            EmoTalkPlugin::default(),
        ))
        .add_systems(Startup, setup)
        .add_systems(Update, speak_again)
        .add_plugins(screenshot::ScreenshotOnRequest(3.0))
        .add_systems(EguiPrimaryContextPass, panel)
        .run();
}

fn setup(mut commands: Commands, assets: Res<AssetServer>) {
    commands.spawn(Camera2d);
    let line = assets.load("lines/greeting.ogg");
    commands.spawn((
        TalkingHead::new(assets.load("portraits/npc_3.rig.json")),
        Emotion::text("sadly surprised"),
        Speech::new(line.clone()),
        Transform::from_xyz(-220.0, 0.0, 0.0),
    ));
    commands.insert_resource(Ui { text: "sadly surprised".into(), intensity: 1.0, touched: false, line });
}

fn speak_again(mut finished: MessageReader<SpeechFinished>, mut commands: Commands, ui: Res<Ui>) {
    for m in finished.read() {
        commands.entity(m.entity).insert(Speech::new(ui.line.clone()));
    }
}

fn panel(
    mut contexts: EguiContexts,
    mut ui_state: ResMut<Ui>,
    clips: Res<Assets<SpeechClip>>,
    mut heads: Query<(&FaceState, &mut Emotion, Option<&Speech>, &FaceRuntime, Option<&ResolvedFaceEmotion>)>,
) -> Result {
    let Ok((state, mut emotion, speech, runtime, resolved)) = heads.single_mut() else { return Ok(()) };
    egui::Window::new("Emotion").default_width(420.0).anchor(egui::Align2::RIGHT_TOP, [-10.0, 10.0]).show(
        contexts.ctx_mut()?,
        |ui| {
            ui.heading("Emotion");
            let typed = ui.text_edit_singleline(&mut ui_state.text);
            if let (false, Some(ResolvedFaceEmotion(r))) = (ui_state.touched, resolved) {
                ui_state.intensity = r.intensity;
            }
            let slid = ui.add(egui::Slider::new(&mut ui_state.intensity, 0.0..=3.0).text("intensity"));
            ui_state.touched |= slid.changed();
            if (typed.lost_focus() || slid.changed() || ui.button("Apply").clicked())
                && !ui_state.text.trim().is_empty()
            {
                let spec = EmotionSpec::text(ui_state.text.clone());
                *emotion =
                    Emotion { spec: if ui_state.touched { spec.with_intensity(ui_state.intensity) } else { spec } };
            }
            if let Some(ResolvedFaceEmotion(r)) = resolved {
                ui.label(format!("reads as {} at {:.2}", r.embedding.dominant().name(), r.intensity));
                for w in &r.warnings {
                    ui.colored_label(egui::Color32::YELLOW, w);
                }
            }
            if runtime.inferring() {
                ui.label("inferring…");
            }
            ui.separator();
            ui.heading("Track");
            let (rect, _) = ui.allocate_exact_size(egui::vec2(ui.available_width(), 180.0), egui::Sense::hover());
            let painter = ui.painter_at(rect);
            painter.rect_filled(rect, 2.0, egui::Color32::from_gray(24));
            let wave = egui::Rect::from_min_size(rect.min, egui::vec2(rect.width(), 60.0));
            let plot = egui::Rect::from_min_max(egui::pos2(rect.min.x, wave.max.y + 6.0), rect.max);
            let clip = speech.and_then(|s| clips.get(&s.clip));
            if let Some(clip) = clip {
                let n = clip.samples.len().max(1);
                let cols = wave.width().max(1.0) as usize;
                for c in 0..cols {
                    let chunk = &clip.samples[c * n / cols..((c + 1) * n / cols).max(c * n / cols + 1).min(n)];
                    let peak = chunk.iter().fold(0.0f32, |m, s| m.max(s.abs())).min(1.0);
                    let x = wave.min.x + c as f32;
                    let y = wave.center().y;
                    let h = peak * wave.height() / 2.0;
                    painter.line_segment(
                        [egui::pos2(x, y - h), egui::pos2(x, y + h)],
                        (1.0, egui::Color32::from_gray(150)),
                    );
                }
            }
            if let Some(track) = runtime.current_track() {
                let duration = track.duration().max(1e-3);
                for (name, colour) in PLOTTED {
                    let Some(k) = BLENDSHAPE_NAMES.iter().position(|n| *n == name) else { continue };
                    let points: Vec<egui::Pos2> = track
                        .frames
                        .iter()
                        .enumerate()
                        .map(|(f, w)| {
                            let x = plot.min.x + plot.width() * (f as f64 / track.fps / duration) as f32;
                            egui::pos2(x, plot.max.y - plot.height() * w[k].clamp(0.0, 1.0))
                        })
                        .collect();
                    painter.add(egui::Shape::line(points, (1.5, colour)));
                }
                if let Some(s) = speech {
                    let x = rect.min.x + rect.width() * (s.position() / duration) as f32;
                    painter.line_segment(
                        [egui::pos2(x, rect.min.y), egui::pos2(x, rect.max.y)],
                        (1.0, egui::Color32::WHITE),
                    );
                }
            }
            ui.horizontal_wrapped(|ui| {
                for (name, colour) in PLOTTED {
                    ui.colored_label(colour, name);
                }
            });
            ui.separator();
            ui.heading("Strongest blendshapes");
            let mut live: Vec<(&str, f32)> = BLENDSHAPE_NAMES.iter().copied().zip(state.weights).collect();
            live.sort_by(|a, b| b.1.total_cmp(&a.1));
            for (name, w) in live.into_iter().take(12) {
                ui.horizontal(|ui| {
                    ui.add_sized([150.0, 14.0], egui::Label::new(name));
                    ui.add(egui::ProgressBar::new(w.clamp(0.0, 1.0)).desired_width(200.0).text(format!("{w:.2}")));
                });
            }
        },
    );
    Ok(())
}
