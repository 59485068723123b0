//! Writes the shipped procedural head, `assets/heads/emotalk_head.glb`: the face model's mean
//! face with its 52 blendshapes as named morph targets (see `emotalk::face::head3d`).
//!
//! ```sh
//! cargo run --example make_head
//! ```

fn main() -> std::io::Result<()> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/heads/emotalk_head.glb");
    std::fs::create_dir_all(path.parent().expect("a folder"))?;
    let head = emotalk::face::head3d::default_head();
    std::fs::write(&path, emotalk::face::head3d::to_glb(&head, "emotalk_head"))?;
    println!(
        "wrote {} ({} vertices, {} triangles, {} morph targets)",
        path.display(),
        head.positions.len(),
        head.indices.len() / 3,
        head.targets.len()
    );
    Ok(())
}
