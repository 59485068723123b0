//! Text to speech with exact phone timings, through external programs (never linked; see
//! [`super::tools`]): flite (`-psdur` prints `phone:end_time`) and festival (a Scheme script
//! saving the utterance's segments). Both use the CMU lexicon's ARPAbet-style phones in lower
//! case (`pau` for pauses, `ax` for schwa), which [`crate::face::visemes::viseme_of`] reads.
//!
//! espeak-ng is listed by `emotalk-train tools` but not used here: its command line gives phone
//! timings only with mbrola voices, which are non-free (see `shared/docs/DATA.md`).

use std::path::Path;
use std::process::Command;

use crate::face::visemes::TimedPhone;

/// A synthetic voice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Voice {
    /// flite's built-in voice of this name (`kal16`, `awb`, `rms`, `slt`, `kal`).
    Flite(&'static str),
    /// A festival voice (`kal_diphone`, `cmu_us_slt_arctic_hts`).
    Festival(&'static str),
}

/// Every voice the generator knows.
pub const ALL_VOICES: [Voice; 6] = [
    Voice::Flite("kal16"),
    Voice::Flite("awb"),
    Voice::Flite("slt"),
    Voice::Flite("rms"),
    Voice::Festival("kal_diphone"),
    Voice::Festival("cmu_us_slt_arctic_hts"),
];

impl Voice {
    /// `flite:slt`, `festival:kal_diphone`.
    pub fn label(self) -> String {
        match self {
            Voice::Flite(v) => format!("flite:{v}"),
            Voice::Festival(v) => format!("festival:{v}"),
        }
    }

    /// The voice a label names (see [`Voice::label`]), among [`ALL_VOICES`].
    pub fn from_label(label: &str) -> Option<Voice> {
        ALL_VOICES.iter().copied().find(|v| v.label() == label.trim())
    }

    /// The program this voice needs.
    pub fn program(self) -> &'static str {
        match self {
            Voice::Flite(_) => "flite",
            Voice::Festival(_) => "festival",
        }
    }
}

/// Why synthesis failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum TtsError {
    /// The program could not be started.
    #[error("cannot run {program}: {source} (install it: `emotalk-train tools` says how)")]
    Spawn {
        /// The program.
        program: &'static str,
        /// Why.
        source: std::io::Error,
    },
    /// The program ran and failed.
    #[error("{program} failed on {text:?}: {message}")]
    Failed {
        /// The program.
        program: &'static str,
        /// The text.
        text: String,
        /// Its error output, or what was wrong with its output.
        message: String,
    },
    /// The program ran but its phone timings cannot be read.
    #[error("{program} failed on {text:?}: {source}")]
    Timings {
        /// The program.
        program: &'static str,
        /// The text.
        text: String,
        /// What was wrong with the timings.
        #[source]
        source: TimingError,
    },
}

/// What is wrong with a TTS program's phone timings ([`parse_psdur`], [`parse_segs`]). Lines are
/// 1-based lines of the program's output.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum TimingError {
    /// An item of flite's output is not `phone:time`.
    #[error("line {line}: `{item}` is not phone:time")]
    NotPhoneTime {
        /// The line.
        line: usize,
        /// The item.
        item: String,
    },
    /// festival's segments have no `#` line ending the header.
    #[error("no `#` line ending the header")]
    NoHeaderEnd,
    /// A line of festival's segments is not `end colour phone`.
    #[error("line {line}: `{text}` is not `end colour phone`")]
    NotSegment {
        /// The line.
        line: usize,
        /// Its text.
        text: String,
    },
    /// A time is not a number.
    #[error("line {line}: `{item}`: `{time}` is not a time")]
    NotATime {
        /// The line.
        line: usize,
        /// The item (flite) or the line (festival) that holds it.
        item: String,
        /// The text that should be a time.
        time: String,
    },
    /// The output holds no phones.
    #[error("no phones in the output")]
    NoPhones,
    /// A phone ends before it starts (the end times are not increasing).
    #[error("phone {phone} ends at {end}, before its start {start}")]
    EndsBeforeStart {
        /// The phone.
        phone: String,
        /// Its end time in seconds.
        end: f32,
        /// Its start time (the previous phone's end) in seconds.
        start: f32,
    },
}

/// Speaks `text` with `voice` into the WAV file `wav`, `stretch` times slower than normal
/// (duration stretch; 1 is the voice's own rate), and returns the timed phones.
pub fn synthesize(voice: Voice, text: &str, stretch: f32, wav: &Path) -> Result<Vec<TimedPhone>, TtsError> {
    let text = text.replace(['"', '\\', '\n'], " ");
    match voice {
        Voice::Flite(name) => {
            let out = Command::new("flite")
                .args(["-voice", name, "--setf", &format!("duration_stretch={stretch}"), "-psdur", "-t", &text, "-o"])
                .arg(wav)
                .output()
                .map_err(|source| TtsError::Spawn { program: "flite", source })?;
            let failed = |message: String| TtsError::Failed { program: "flite", text: text.clone(), message };
            if !out.status.success() {
                return Err(failed(String::from_utf8_lossy(&out.stderr).into_owned()));
            }
            parse_psdur(&String::from_utf8_lossy(&out.stdout)).map_err(|source| TtsError::Timings {
                program: "flite",
                text: text.clone(),
                source,
            })
        }
        Voice::Festival(name) => {
            let segs = wav.with_extension("segs");
            let script = format!(
                "(voice_{name})\n(Parameter.set 'Duration_Stretch {stretch})\n(set! utt (Utterance Text \"{text}\"))\n\
                 (utt.synth utt)\n(utt.save.wave utt \"{}\" 'riff)\n(utt.save.segs utt \"{}\")\n",
                wav.display(),
                segs.display()
            );
            let scm = wav.with_extension("scm");
            let failed = |message: String| TtsError::Failed { program: "festival", text: text.clone(), message };
            std::fs::write(&scm, script).map_err(|e| failed(format!("{}: {e}", scm.display())))?;
            let out = Command::new("festival")
                .arg("-b")
                .arg(&scm)
                .output()
                .map_err(|source| TtsError::Spawn { program: "festival", source })?;
            let _ = std::fs::remove_file(&scm);
            let segs_text = std::fs::read_to_string(&segs);
            let _ = std::fs::remove_file(&segs);
            if !out.status.success() || segs_text.is_err() {
                return Err(failed(String::from_utf8_lossy(&out.stderr).into_owned()));
            }
            parse_segs(&segs_text.unwrap_or_default()).map_err(|source| TtsError::Timings {
                program: "festival",
                text: text.clone(),
                source,
            })
        }
    }
}

fn timed(ends: Vec<(f32, String)>) -> Result<Vec<TimedPhone>, TimingError> {
    if ends.is_empty() {
        return Err(TimingError::NoPhones);
    }
    let mut start = 0.0;
    let mut phones = Vec::with_capacity(ends.len());
    for (end, phone) in ends {
        if !(end.is_finite() && end >= start) {
            return Err(TimingError::EndsBeforeStart { phone, end, start });
        }
        phones.push(TimedPhone { start, end, phone });
        start = end;
    }
    Ok(phones)
}

/// flite's `-psdur` output: `pau:0.193 b:0.217 …` (phone and end time in seconds).
pub fn parse_psdur(text: &str) -> Result<Vec<TimedPhone>, TimingError> {
    let mut ends = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for item in line.split_whitespace() {
            let (phone, end) = item
                .rsplit_once(':')
                .ok_or_else(|| TimingError::NotPhoneTime { line: i + 1, item: item.to_string() })?;
            let end: f32 = end.parse().map_err(|_| TimingError::NotATime {
                line: i + 1,
                item: item.to_string(),
                time: end.to_string(),
            })?;
            ends.push((end, phone.to_string()));
        }
    }
    timed(ends)
}

/// festival's `utt.save.segs` file: a header, `#`, then `end_time colour phone` lines.
pub fn parse_segs(text: &str) -> Result<Vec<TimedPhone>, TimingError> {
    let mut lines = text.lines().enumerate();
    lines.by_ref().find(|(_, l)| l.trim() == "#").ok_or(TimingError::NoHeaderEnd)?;
    let mut ends = Vec::new();
    for (i, line) in lines.filter(|(_, l)| !l.trim().is_empty()) {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let [end, _, phone] = fields[..] else {
            return Err(TimingError::NotSegment { line: i + 1, text: line.to_string() });
        };
        let end: f32 = end.parse().map_err(|_| TimingError::NotATime {
            line: i + 1,
            item: line.to_string(),
            time: end.to_string(),
        })?;
        ends.push((end, phone.to_string()));
    }
    timed(ends)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_both_timing_formats() {
        let p = parse_psdur("pau:0.193 b:0.217 aa:0.428 pau:0.6\n").unwrap();
        assert_eq!(p.len(), 4);
        assert_eq!((p[1].phone.as_str(), p[1].start, p[1].end), ("b", 0.193, 0.217));
        assert!(parse_psdur("pau:0.2 b:0.1").unwrap_err().to_string().contains("before its start"));
        assert!(parse_psdur("pau0.2").unwrap_err().to_string().contains("phone:time"));
        assert_eq!(
            parse_psdur("pau:0.2\nb:x").unwrap_err(),
            TimingError::NotATime { line: 2, item: "b:x".into(), time: "x".into() }
        );
        assert!(parse_psdur("").is_err());
        let s = parse_segs("EST_File Track\n#\n0.1750 100 pau\n0.2600 100 p\n").unwrap();
        assert_eq!((s[1].phone.as_str(), s[1].start, s[1].end), ("p", 0.175, 0.26));
        assert!(parse_segs("0.1 100 pau\n").is_err());
        let e = parse_segs("#\n0.1 pau\n").unwrap_err();
        assert!(
            matches!(e, TimingError::NotSegment { line: 2, .. }) && e.to_string().contains("end colour phone"),
            "{e}"
        );
    }

    #[test]
    fn labels_round_trip() {
        for v in ALL_VOICES {
            assert_eq!(Voice::from_label(&v.label()), Some(v));
        }
        assert_eq!(Voice::from_label("flite:nobody"), None);
    }
}
