//! Shared by the windowed examples (not an example itself): with `EMOTALK_SCREENSHOT=shot.png`,
//! save a screenshot of the window `EMOTALK_SCREENSHOT_AT` seconds in (default: the example's
//! own moment), then exit. How the pictures in `docs/img/` were taken (under Xvfb).

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, save_to_disk};

/// Adds the screenshot system; `default_seconds` is when to take it unless
/// `EMOTALK_SCREENSHOT_AT` says otherwise.
pub struct ScreenshotOnRequest(pub f32);

#[derive(Resource)]
struct When {
    path: String,
    at: f32,
    taken: bool,
}

impl Plugin for ScreenshotOnRequest {
    fn build(&self, app: &mut App) {
        let Ok(path) = std::env::var("EMOTALK_SCREENSHOT") else { return };
        let at = std::env::var("EMOTALK_SCREENSHOT_AT").ok().and_then(|s| s.parse().ok()).unwrap_or(self.0);
        app.insert_resource(When { path, at, taken: false }).add_systems(Update, screenshot);
    }
}

fn screenshot(mut commands: Commands, time: Res<Time>, mut when: ResMut<When>, mut exit: MessageWriter<AppExit>) {
    if !when.taken && time.elapsed_secs() > when.at {
        commands.spawn(Screenshot::primary_window()).observe(save_to_disk(when.path.clone()));
        when.taken = true;
    } else if when.taken && time.elapsed_secs() > when.at + 1.0 {
        exit.write(AppExit::Success);
    }
}
