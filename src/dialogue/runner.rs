//! The dialogue runner (feature `bevy`): plays a `.talk` script ([`super::script`]) on talking
//! heads.
//!
//! Load a script as a [`DialogueScript`] asset and put a [`DialogueRunner`] on an entity. The
//! runner binds each speaker to a [`TalkingHead`] (one the game names with
//! [`DialogueRunner::with_speaker`], or one it spawns from the speaker's portrait, in a row), then
//! plays the items in order: for a line it sets the speaker's [`Emotion`] (the tag, or the voice's
//! own without one), starts its [`Speech`], fires the timed emotion changes at their playback
//! times, and moves on when the line's audio ends; a pause waits. In
//! [`Advance::OnDemand`] mode it waits for [`DialogueRunner::next`] after each item.
//! [`DialogueRunner::skip`], [`pause`](DialogueRunner::pause) and
//! [`resume`](DialogueRunner::resume) act on the current item. Messages: [`LineStarted`],
//! [`EmotionCue`], [`LineFinished`], [`DialogueFinished`]. The current subtitle is on the
//! runner's [`Subtitle`] and is copied into every `Text` marked [`SubtitleText`] for it.
//!
//! A script edited while the game runs (with Bevy's file watcher on) restarts at the item it was
//! playing; a script with errors fails to load with every diagnostic in the load failure.

use std::collections::HashMap;
use std::path::PathBuf;

use bevy::app::{App, Plugin, Update};
use bevy::asset::io::Reader;
use bevy::asset::{Asset, AssetApp, AssetEvent, AssetId, AssetLoader, AssetServer, Assets, Handle, LoadContext, LoadState};
use bevy::ecs::prelude::*;
use bevy::math::Vec3;
use bevy::reflect::TypePath;
use bevy::time::Time;
use bevy::transform::components::Transform;

use super::script::{Diagnostic, Item, Script, Severity, parse};
use crate::emotion::EmotionSpec;
use crate::face::rig::PortraitRig;
use crate::talk::{EmoTalkSystems, Emotion, Portrait, Speech, SpeechClip, SpeechFinished, TalkingHead, ensure_core};

/// Horizontal distance between heads the runner spawns, in world units (portrait pixels).
const SPEAKER_SPACING: f32 = 560.0;

/// A parsed dialogue script (warnings kept; a script with errors does not load).
#[derive(Asset, TypePath, Clone, Debug)]
pub struct DialogueScript {
    /// The script.
    pub script: Script,
    /// Its warnings (unknown emotion words, …).
    pub warnings: Vec<Diagnostic>,
}

/// Why a script did not load.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScriptLoadError {
    /// The file could not be read.
    #[error("{path}: {message}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        message: String,
    },
    /// The script has errors; every diagnostic, one per line (`file:line:column: error: …`).
    #[error("{count} error(s) in the script:\n{listing}")]
    Invalid {
        /// How many errors.
        count: usize,
        /// Every diagnostic.
        listing: String,
    },
}

/// Loads [`DialogueScript`]s (`*.talk`).
#[derive(Default, TypePath)]
pub struct DialogueScriptLoader;

impl AssetLoader for DialogueScriptLoader {
    type Asset = DialogueScript;
    type Settings = ();
    type Error = ScriptLoadError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        load_context: &mut LoadContext<'_>,
    ) -> Result<DialogueScript, ScriptLoadError> {
        let path = load_context.path().path().to_path_buf();
        let text = crate::talk::read_text(reader)
            .await
            .map_err(|message| ScriptLoadError::Read { path: path.clone(), message })?;
        let (script, diagnostics) = parse(&text, &path.display().to_string());
        let (errors, warnings): (Vec<_>, Vec<_>) = diagnostics.into_iter().partition(|d| d.severity == Severity::Error);
        if !errors.is_empty() {
            let listing = errors.iter().map(|d| d.to_string()).collect::<Vec<_>>().join("\n");
            return Err(ScriptLoadError::Invalid { count: errors.len(), listing });
        }
        Ok(DialogueScript { script, warnings })
    }

    fn extensions(&self) -> &[&str] {
        &["talk"]
    }
}

/// When the runner moves to the next item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Advance {
    /// As soon as the current one ends.
    #[default]
    Auto,
    /// When the game calls [`DialogueRunner::next`].
    OnDemand,
}

#[derive(Debug, Clone, PartialEq)]
enum Phase {
    /// Script or speakers not ready.
    Loading,
    /// Waiting for the line's audio to load.
    Starting,
    /// The line plays; `fired` timed changes done.
    Speaking { head: Entity, clip: AssetId<SpeechClip>, fired: usize, started: bool },
    /// A pause with this many seconds left.
    Pausing(f32),
    /// Waiting for [`DialogueRunner::next`].
    Waiting,
    /// The end.
    Finished,
}

/// Plays a [`DialogueScript`] (see the module docs).
#[derive(Component, Debug, Clone)]
pub struct DialogueRunner {
    /// The script.
    pub script: Handle<DialogueScript>,
    /// When to move on.
    pub advance: Advance,
    speakers: HashMap<String, Entity>,
    /// The audio of the line about to start (held so that it keeps loading).
    loading: Option<Handle<SpeechClip>>,
    index: usize,
    phase: Phase,
    paused: bool,
    next: bool,
    skip: bool,
}

impl DialogueRunner {
    /// A runner for `script`, advancing automatically.
    pub fn new(script: Handle<DialogueScript>) -> Self {
        Self {
            script,
            advance: Advance::Auto,
            speakers: HashMap::new(),
            loading: None,
            index: 0,
            phase: Phase::Loading,
            paused: false,
            next: false,
            skip: false,
        }
    }

    /// Waits for [`next`](Self::next) after each item.
    pub fn on_demand(mut self) -> Self {
        self.advance = Advance::OnDemand;
        self
    }

    /// Speaker `name` is this existing [`TalkingHead`] (its portrait is the game's choice).
    pub fn with_speaker(mut self, name: impl Into<String>, head: Entity) -> Self {
        self.speakers.insert(name.into(), head);
        self
    }

    /// The head bound to a speaker (after the script loaded).
    pub fn speaker(&self, name: &str) -> Option<Entity> {
        self.speakers.get(name).copied()
    }

    /// The item being played (0-based).
    pub fn index(&self) -> usize {
        self.index
    }

    /// Whether the script has played to its end.
    pub fn finished(&self) -> bool {
        self.phase == Phase::Finished
    }

    /// In [`Advance::OnDemand`] mode, moves on once the current item has ended.
    pub fn next(&mut self) {
        self.next = true;
    }

    /// Ends the current line (or pause) now.
    pub fn skip(&mut self) {
        self.skip = true;
    }

    /// Pauses the current line (its audio and face) or pause.
    pub fn pause(&mut self) {
        self.paused = true;
    }

    /// Resumes after [`pause`](Self::pause).
    pub fn resume(&mut self) {
        self.paused = false;
    }
}

/// The current subtitle of a [`DialogueRunner`] (empty between lines).
#[derive(Component, Debug, Clone, Default, PartialEq)]
pub struct Subtitle {
    /// Who speaks.
    pub speaker: String,
    /// What they say.
    pub text: String,
}

/// Marks a `Text` that shows a runner's subtitle (`speaker: text`).
#[derive(Component, Debug, Clone, Copy)]
pub struct SubtitleText {
    /// The runner.
    pub runner: Entity,
}

/// A line started.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct LineStarted {
    /// The runner.
    pub runner: Entity,
    /// The item's index.
    pub index: usize,
    /// Who speaks, and their head.
    pub speaker: String,
    /// The speaker's head.
    pub head: Entity,
    /// The emotion tag (`None`: the voice's own).
    pub emotion: Option<String>,
    /// The subtitle.
    pub text: String,
}

/// A timed emotion change inside a line fired.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct EmotionCue {
    /// The runner.
    pub runner: Entity,
    /// The item's index.
    pub index: usize,
    /// Who speaks.
    pub speaker: String,
    /// The new emotion.
    pub emotion: String,
}

/// A line ended.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct LineFinished {
    /// The runner.
    pub runner: Entity,
    /// The item's index.
    pub index: usize,
    /// Who spoke.
    pub speaker: String,
    /// Whether it was skipped (or its audio could not be used) rather than played to the end.
    pub skipped: bool,
}

/// The script played to its end.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct DialogueFinished {
    /// The runner.
    pub runner: Entity,
}

/// Advances every [`DialogueRunner`].
#[allow(clippy::too_many_arguments)]
pub fn run_dialogues(
    mut commands: Commands,
    time: Res<Time>,
    server: Res<AssetServer>,
    scripts: Res<Assets<DialogueScript>>,
    clips: Res<Assets<SpeechClip>>,
    mut reloaded: MessageReader<AssetEvent<DialogueScript>>,
    mut finished_speech: MessageReader<SpeechFinished>,
    mut runners: Query<(Entity, &mut DialogueRunner, Option<&mut Subtitle>)>,
    mut speech: Query<&mut Speech>,
    mut out: (
        MessageWriter<LineStarted>,
        MessageWriter<EmotionCue>,
        MessageWriter<LineFinished>,
        MessageWriter<DialogueFinished>,
    ),
) {
    let reloaded: Vec<AssetId<DialogueScript>> =
        reloaded.read().filter_map(|e| if let AssetEvent::Modified { id } = e { Some(*id) } else { None }).collect();
    let ended: Vec<(Entity, AssetId<SpeechClip>)> = finished_speech.read().map(|m| (m.entity, m.clip)).collect();
    let dt = time.delta_secs();
    for (runner_entity, mut runner, subtitle) in &mut runners {
        let runner = &mut *runner;
        let Some(script) = scripts.get(&runner.script) else { continue };
        let script = &script.script;
        if subtitle.is_none() {
            commands.entity(runner_entity).insert(Subtitle::default());
        }
        // Hot reload: stop the current line and play the item again from the new text.
        if reloaded.contains(&runner.script.id()) && !matches!(runner.phase, Phase::Loading | Phase::Finished) {
            if let Phase::Speaking { head, .. } = runner.phase {
                commands.entity(head).remove::<Speech>();
            }
            runner.index = runner.index.min(script.items.len());
            runner.phase = Phase::Starting;
        }
        if runner.phase == Phase::Loading {
            for (i, speaker) in script.speakers.iter().enumerate() {
                if runner.speakers.contains_key(&speaker.name) {
                    continue;
                }
                let rig = speaker.rig.clone().unwrap_or_else(|| PortraitRig::path_beside(&speaker.portrait));
                let portrait: Handle<Portrait> = server.load(rig.to_string_lossy().replace('\\', "/"));
                let x = (i as f32 - (script.speakers.len() as f32 - 1.0) / 2.0) * SPEAKER_SPACING;
                let head = commands
                    .spawn((
                        TalkingHead::new(portrait).with_seed(i as u64 + 1),
                        Transform::from_translation(Vec3::new(x, 0.0, 0.0)),
                    ))
                    .id();
                runner.speakers.insert(speaker.name.clone(), head);
            }
            runner.phase = Phase::Starting;
        }
        let (started, cue, line_finished, all_finished) = &mut out;
        let mut item_done = false;
        match runner.phase.clone() {
            Phase::Loading | Phase::Finished => {}
            Phase::Waiting => {
                if std::mem::take(&mut runner.next) {
                    runner.index += 1;
                    runner.phase = Phase::Starting;
                }
            }
            Phase::Starting => match script.items.get(runner.index) {
                None => {
                    runner.phase = Phase::Finished;
                    all_finished.write(DialogueFinished { runner: runner_entity });
                }
                Some(Item::Pause { seconds, .. }) => runner.phase = Phase::Pausing(*seconds),
                Some(Item::Line(line)) => {
                    let Some(&head) = runner.speakers.get(&line.speaker) else {
                        continue_line_failed(line_finished, runner_entity, runner.index, &line.speaker);
                        runner.phase = Phase::Waiting;
                        runner.next = runner.advance == Advance::Auto;
                        continue;
                    };
                    let clip: Handle<SpeechClip> = runner
                        .loading
                        .get_or_insert_with(|| server.load(line.audio.to_string_lossy().replace('\\', "/")))
                        .clone();
                    let Some(samples) = clips.get(&clip).map(|c| c.samples.clone()) else {
                        if matches!(server.load_state(&clip), LoadState::Failed(_)) {
                            bevy::log::warn!("emotalk: {}: the line's audio did not load", line.audio.display());
                            runner.loading = None;
                            continue_line_failed(line_finished, runner_entity, runner.index, &line.speaker);
                            runner.phase = Phase::Waiting;
                            runner.next = runner.advance == Advance::Auto;
                        }
                        continue;
                    };
                    let spec = match &line.emotion {
                        Some(text) => EmotionSpec::text(text.clone()),
                        None => EmotionSpec::voice(samples),
                    };
                    runner.loading = None;
                    let mut s = Speech::new(clip.clone());
                    if runner.paused {
                        s.pause();
                    }
                    commands.entity(head).insert((Emotion { spec }, s));
                    started.write(LineStarted {
                        runner: runner_entity,
                        index: runner.index,
                        speaker: line.speaker.clone(),
                        head,
                        emotion: line.emotion.clone(),
                        text: line.text.clone(),
                    });
                    commands
                        .entity(runner_entity)
                        .insert(Subtitle { speaker: line.speaker.clone(), text: line.text.clone() });
                    runner.phase = Phase::Speaking { head, clip: clip.id(), fired: 0, started: false };
                }
            },
            Phase::Pausing(left) => {
                let left = if runner.paused { left } else { left - dt };
                if left <= 0.0 || std::mem::take(&mut runner.skip) {
                    item_done = true;
                } else {
                    runner.phase = Phase::Pausing(left);
                }
            }
            Phase::Speaking { head, clip, mut fired, mut started } => {
                let Some(Item::Line(line)) = script.items.get(runner.index) else {
                    runner.phase = Phase::Starting;
                    continue;
                };
                let ended_now = ended.contains(&(head, clip));
                if let Ok(mut s) = speech.get_mut(head) {
                    started |= s.started();
                    if runner.paused != s.is_paused() {
                        if runner.paused { s.pause() } else { s.resume() }
                    }
                    while let Some(change) = line.changes.get(fired)
                        && s.started()
                        && s.position() >= change.at as f64
                    {
                        commands.entity(head).insert(Emotion::text(change.emotion.clone()));
                        cue.write(EmotionCue {
                            runner: runner_entity,
                            index: runner.index,
                            speaker: line.speaker.clone(),
                            emotion: change.emotion.clone(),
                        });
                        fired += 1;
                    }
                }
                let skipped = std::mem::take(&mut runner.skip);
                if skipped {
                    commands.entity(head).remove::<Speech>();
                }
                if ended_now || skipped {
                    line_finished.write(LineFinished {
                        runner: runner_entity,
                        index: runner.index,
                        speaker: line.speaker.clone(),
                        skipped: skipped || !started,
                    });
                    commands.entity(runner_entity).insert(Subtitle::default());
                    item_done = true;
                } else {
                    runner.phase = Phase::Speaking { head, clip, fired, started };
                }
            }
        }
        if item_done {
            if runner.advance == Advance::Auto {
                runner.index += 1;
                runner.phase = Phase::Starting;
            } else {
                runner.phase = Phase::Waiting;
            }
        }
    }
}

fn continue_line_failed(out: &mut MessageWriter<LineFinished>, runner: Entity, index: usize, speaker: &str) {
    out.write(LineFinished { runner, index, speaker: speaker.to_string(), skipped: true });
}

/// Copies each runner's [`Subtitle`] into the `Text`s marked [`SubtitleText`] for it.
pub fn show_subtitles(
    runners: Query<&Subtitle, Changed<Subtitle>>,
    mut texts: Query<(&SubtitleText, &mut bevy::ui::widget::Text)>,
) {
    for (marker, mut text) in &mut texts {
        if let Ok(subtitle) = runners.get(marker.runner) {
            text.0 = if subtitle.text.is_empty() {
                String::new()
            } else {
                format!("{}: {}", subtitle.speaker, subtitle.text)
            };
        }
    }
}

/// The dialogue part: [`DialogueScript`] assets (with hot reload) played by [`DialogueRunner`]s
/// on talking heads, their messages, and subtitles. Runs in [`EmoTalkSystems::Ingest`], before
/// inference, so that a line it starts is requested in the same frame.
#[derive(Debug, Clone, Copy, Default)]
pub struct DialoguePlugin;

impl Plugin for DialoguePlugin {
    fn build(&self, app: &mut App) {
        ensure_core(app);
        app.init_asset::<DialogueScript>()
            .register_asset_loader(DialogueScriptLoader)
            .add_message::<LineStarted>()
            .add_message::<EmotionCue>()
            .add_message::<LineFinished>()
            .add_message::<DialogueFinished>()
            .add_systems(
                Update,
                (
                    run_dialogues.in_set(EmoTalkSystems::Ingest).before(crate::talk::request_inference),
                    show_subtitles.after(EmoTalkSystems::Ingest),
                ),
            );
    }
}
