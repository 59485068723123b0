//! The external programs the synthetic-corpus generator drives, and how to get them.
//!
//! Text-to-speech engines are called as separate programs, never linked: espeak-ng is GPL-3 and
//! must stay outside the crate (see `shared/docs/DATA.md`).

use std::path::{Path, PathBuf};

/// An external program the trainer can use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExternalTool {
    /// The executable's name, looked up on `PATH`.
    pub program: &'static str,
    /// The Debian package that provides it.
    pub package: &'static str,
    /// What the trainer uses it for.
    pub purpose: &'static str,
}

/// The text-to-speech programs of the synthetic corpus (voices with exact phone timings).
pub const TTS_TOOLS: [ExternalTool; 3] = [
    ExternalTool {
        program: "flite",
        package: "flite",
        purpose: "TTS voices kal, awb, rms, slt with phone end times (-psdur)",
    },
    ExternalTool {
        program: "festival",
        package: "festival festvox-kallpc16k festvox-us-slt-hts festlex-cmu",
        purpose: "festival voices with segment timings (utt.save.segs)",
    },
    ExternalTool {
        program: "espeak-ng",
        package: "espeak-ng",
        purpose: "many voices and languages with phoneme events",
    },
];

/// Where `program` is on `PATH`, if anywhere.
pub fn find_program(program: &str) -> Option<PathBuf> {
    find_in(program, std::env::var_os("PATH")?.as_os_str())
}

fn find_in(program: &str, path_var: &std::ffi::OsStr) -> Option<PathBuf> {
    std::env::split_paths(path_var).map(|dir| dir.join(program)).find(|p| is_executable(p))
}

fn is_executable(p: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        p.metadata().is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
    }
    #[cfg(not(unix))]
    {
        p.is_file()
    }
}

/// Each tool with its location, or `None` when it is missing.
pub fn check(tools: &[ExternalTool]) -> Vec<(ExternalTool, Option<PathBuf>)> {
    tools.iter().map(|t| (*t, find_program(t.program))).collect()
}

/// The command that installs the missing tools, or `None` when nothing is missing.
pub fn install_command(report: &[(ExternalTool, Option<PathBuf>)]) -> Option<String> {
    let packages: Vec<&str> =
        report.iter().filter(|(_, found)| found.is_none()).flat_map(|(t, _)| t.package.split(' ')).collect();
    (!packages.is_empty()).then(|| format!("apt-get install -y {}", packages.join(" ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_executables_and_names_missing_packages() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("flite");
        std::fs::write(&exe, "#!/bin/sh\n").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&exe, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        let path_var = std::env::join_paths([dir.path()]).unwrap();
        assert_eq!(find_in("flite", &path_var), Some(exe.clone()));
        assert_eq!(find_in("espeak-ng", &path_var), None);
        let report = vec![(TTS_TOOLS[0], Some(exe)), (TTS_TOOLS[1], None), (TTS_TOOLS[2], None)];
        assert_eq!(
            install_command(&report).as_deref(),
            Some("apt-get install -y festival festvox-kallpc16k festvox-us-slt-hts festlex-cmu espeak-ng")
        );
        assert_eq!(install_command(&report[..1]), None);
    }
}
