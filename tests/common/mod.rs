//! Helpers shared by the command-line tests (`tests/cli*.rs`).
#![allow(dead_code)] // each test file uses its own share

use std::path::Path;
use std::process::{Command, Output};

/// Runs `emotalk` with `args` in the crate's folder, as a user would.
pub fn emotalk(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_emotalk")).args(args).current_dir(env!("CARGO_MANIFEST_DIR")).output().unwrap()
}

/// A CSV written by `emotalk`: its header and its rows as numbers.
pub fn read_csv(path: &Path) -> (Vec<String>, Vec<Vec<f32>>) {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap().split(',').map(str::to_owned).collect();
    let rows = lines.map(|l| l.split(',').map(|v| v.parse().unwrap()).collect()).collect();
    (header, rows)
}
