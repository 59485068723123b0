//! The dialogue runner in a headless app: the example script (`assets/scripts/gate.talk`) plays
//! in order, with the emotions its tags direct, on the voice lines shipped for it.

#![cfg(feature = "bevy")]

use std::time::Duration;

use bevy::asset::AssetPlugin;
use bevy::prelude::*;
use bevy::time::TimeUpdateStrategy;
use emotalk::dialogue::runner::{
    DialogueFinished, DialogueRunner, DialogueScript, EmotionCue, LineFinished, LineStarted, Subtitle,
};
use emotalk::emotion::{EmotionEncoders, EmotionSpec};
use emotalk::plugin::{EmoTalkPlugin, EmotionChanged, Speech};

#[derive(Resource, Default)]
struct Log(Vec<String>);

fn record(
    mut log: ResMut<Log>,
    mut started: MessageReader<LineStarted>,
    mut cues: MessageReader<EmotionCue>,
    mut finished: MessageReader<LineFinished>,
    mut done: MessageReader<DialogueFinished>,
    mut changed: MessageReader<EmotionChanged>,
    runners: Query<&DialogueRunner>,
) {
    let name = |e: Entity| {
        runners.iter().find_map(|r| ["ada", "tom"].into_iter().find(|n| r.speaker(n) == Some(e))).unwrap_or("?")
    };
    for m in started.read() {
        log.0.push(format!("start {} {}", m.index, m.speaker));
    }
    for m in cues.read() {
        log.0.push(format!("cue {} {}", m.speaker, m.emotion));
    }
    for m in changed.read() {
        log.0.push(format!("emotion {} {}", name(m.entity), m.dominant));
    }
    for m in finished.read() {
        log.0.push(format!("end {} {}{}", m.index, m.speaker, if m.skipped { " skipped" } else { "" }));
    }
    for _ in done.read() {
        log.0.push("done".into());
    }
}

fn app() -> App {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        AssetPlugin { file_path: concat!(env!("CARGO_MANIFEST_DIR"), "/assets").into(), ..Default::default() },
        EmoTalkPlugin::headless(),
    ))
    .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(20)))
    .init_resource::<Log>()
    .add_systems(PostUpdate, record);
    app
}

fn dominant(text: &str) -> &'static str {
    let r = EmotionSpec::text(text).resolve(&EmotionEncoders::<burn::backend::Flex>::builtin()).unwrap();
    r.embedding.dominant().name()
}

fn run(app: &mut App, until: &str, max: usize) {
    for _ in 0..max {
        app.update();
        if app.world().resource::<Log>().0.iter().any(|l| l == until) {
            return;
        }
        // Loading and inference run on worker threads; the manual clock waits for them.
        std::thread::sleep(Duration::from_millis(2));
    }
    panic!("no {until:?} in {max} updates: {:?}", app.world().resource::<Log>().0);
}

#[test]
fn the_gate_script_plays_in_order_with_its_emotions() {
    let mut app = app();
    let script: Handle<DialogueScript> = app.world().resource::<AssetServer>().load("scripts/gate.talk");
    let runner = app.world_mut().spawn(DialogueRunner::new(script)).id();
    run(&mut app, "done", 6000);
    let log = app.world().resource::<Log>().0.clone();
    // The runner's own messages, in order.
    let flow: Vec<&str> = log.iter().filter(|l| !l.starts_with("emotion")).map(|s| s.as_str()).collect();
    assert_eq!(
        flow,
        [
            "start 0 ada",
            "end 0 ada",
            "start 1 tom",
            "cue tom furious",
            "end 1 tom",
            "start 3 ada",
            "cue ada calm",
            "end 3 ada",
            "start 4 tom",
            "end 4 tom",
            "done"
        ],
        "{log:?}"
    );
    // The emotions each head took, in order: what the tags say, as the resolver reads them (after
    // the neutral face a spawned head starts with, announced unless the first line's emotion
    // superseded it before it resolved).
    for (who, tags) in
        [("ada", vec!["happy", "a bit annoyed", "calm"]), ("tom", vec!["sadly surprised:2", "furious", "not happy"])]
    {
        let got: Vec<&str> = log.iter().filter_map(|l| l.strip_prefix(&format!("emotion {who} "))).collect();
        let got = if got.first() == Some(&"neutral") && got.len() == tags.len() + 1 { &got[1..] } else { &got[..] };
        let want: Vec<&str> = tags.iter().map(|t| dominant(t)).collect();
        assert_eq!(got, want, "{who}: {log:?}");
    }
    // The cue fired inside the line, after its time: the furious change is at 1.2 s of 2.19 s.
    let subtitle = app.world().get::<Subtitle>(runner).unwrap();
    assert_eq!(subtitle, &Subtitle::default(), "no subtitle after the end");
    assert!(app.world().get::<DialogueRunner>(runner).unwrap().finished());
}

#[test]
fn on_demand_runners_wait_and_skip_ends_a_line() {
    let mut app = app();
    let script: Handle<DialogueScript> = app.world().resource::<AssetServer>().load("scripts/gate.talk");
    let runner = app.world_mut().spawn(DialogueRunner::new(script).on_demand()).id();
    run(&mut app, "start 0 ada", 6000);
    let ada = app.world().get::<DialogueRunner>(runner).unwrap().speaker("ada").unwrap();
    assert_eq!(
        app.world().get::<Subtitle>(runner).unwrap(),
        &Subtitle { speaker: "ada".into(), text: "Tom! You came back.".into() }
    );
    run(&mut app, "end 0 ada", 6000);
    // Waiting: nothing starts until next().
    for _ in 0..100 {
        app.update();
    }
    assert!(!app.world().resource::<Log>().0.iter().any(|l| l.starts_with("start 1")));
    app.world_mut().get_mut::<DialogueRunner>(runner).unwrap().next();
    run(&mut app, "start 1 tom", 6000);
    let tom = app.world().get::<DialogueRunner>(runner).unwrap().speaker("tom").unwrap();
    assert_ne!(ada, tom);
    app.world_mut().get_mut::<DialogueRunner>(runner).unwrap().skip();
    run(&mut app, "end 1 tom skipped", 100);
    app.update();
    assert!(app.world().get::<Speech>(tom).is_none(), "skipping stops the audio");
}

#[test]
fn a_script_with_errors_fails_to_load_with_its_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.talk"), "speaker ada portrait \"a.png\"\nbob [happy] \"Hi\" <hi.ogg>\n")
        .unwrap();
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        AssetPlugin { file_path: dir.path().to_string_lossy().into(), ..Default::default() },
        EmoTalkPlugin::headless(),
    ));
    let handle: Handle<DialogueScript> = app.world().resource::<AssetServer>().load("bad.talk");
    for _ in 0..500 {
        app.update();
        if let bevy::asset::LoadState::Failed(e) = app.world().resource::<AssetServer>().load_state(&handle) {
            let message = e.to_string();
            assert!(message.contains("bad.talk:2:1") && message.contains("bob"), "{message}");
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    panic!("the broken script did not fail");
}

/// A script edited on disk while it plays is read again (Bevy's file watcher) and the current
/// line starts over with the new text.
#[test]
fn an_edited_script_reloads_and_restarts_the_current_line() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets");
    for f in ["portraits/npc_3.png", "portraits/npc_3.rig.json", "lines/ada_02.ogg"] {
        std::fs::create_dir_all(dir.path().join(f).parent().unwrap()).unwrap();
        std::fs::copy(root.join(f), dir.path().join(f)).unwrap();
    }
    let script = |text: &str| {
        format!("speaker ada portrait \"portraits/npc_3.png\"\nada [calm] \"{text}\" <lines/ada_02.ogg>\n")
    };
    std::fs::write(dir.path().join("s.talk"), script("First draft.")).unwrap();
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        AssetPlugin {
            file_path: dir.path().to_string_lossy().into(),
            watch_for_changes_override: Some(true),
            ..Default::default()
        },
        EmoTalkPlugin::headless(),
    ))
    .insert_resource(TimeUpdateStrategy::ManualDuration(Duration::from_millis(20)))
    .init_resource::<Log>()
    .add_systems(PostUpdate, record);
    let handle: Handle<DialogueScript> = app.world().resource::<AssetServer>().load("s.talk");
    // On demand: the runner stays on the line after it ends, as a game waiting for a key press.
    let runner = app.world_mut().spawn(DialogueRunner::new(handle).on_demand()).id();
    run(&mut app, "start 0 ada", 6000);
    let subtitle = |app: &App| app.world().get::<Subtitle>(runner).unwrap().text.clone();
    assert_eq!(subtitle(&app), "First draft.");
    std::fs::write(dir.path().join("s.talk"), script("Second draft.")).unwrap();
    for _ in 0..5000 {
        app.update();
        if subtitle(&app) == "Second draft." {
            return;
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    panic!("the edit was not picked up: {:?}", app.world().resource::<Log>().0);
}
