//! Writing files safely.

use std::io::Write;
use std::path::Path;

/// Writes `path` through a temporary file in the same folder, renamed into place at the end: a
/// failed run never leaves a half-written file, nor destroys the previous one. The file is made
/// readable by everyone (0644), like any ordinary output. Errors name the path.
pub fn write_atomically(path: &Path, write: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<()> {
    let fail = |what: &str, e: std::io::Error| {
        std::io::Error::new(e.kind(), format!("{}: cannot {what}: {e}", path.display()))
    };
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    // tempfile creates 0600 files; outputs are ordinary files.
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o644));
    let mut tmp = builder.tempfile_in(dir).map_err(|e| fail("create", e))?;
    {
        let mut w = std::io::BufWriter::new(tmp.as_file_mut());
        write(&mut w).map_err(|e| fail("write", e))?;
        w.flush().map_err(|e| fail("write", e))?;
    }
    tmp.persist(path).map_err(|e| fail("write", e.error))?;
    Ok(())
}
