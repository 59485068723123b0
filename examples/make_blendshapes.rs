//! Writes `models/face/blendshapes.json` from the authoring rules in `src/face/authoring.rs`.
//!
//! `cargo run --example make_blendshapes`

fn main() -> std::io::Result<()> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/models/face/blendshapes.json");
    std::fs::write(path, emotalk::face::authoring::author_basis().to_json())?;
    println!("wrote {path}");
    Ok(())
}
