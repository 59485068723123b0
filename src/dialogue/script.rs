//! The dialogue script format and its parser (pure Rust; see `docs/dialogue.md` for the format
//! with worked examples).
//!
//! ```text
//! # A comment runs to the end of the line (outside quotes).
//! speaker ada portrait "portraits/ada.png" rig "portraits/ada.rig.json"
//! speaker tom portrait "portraits/tom.png"
//!
//! ada [happy] "Tom! You came back." <lines/ada_01.ogg>
//! tom [sadly surprised:2] "You lost it? {furious @1.2s}You LOST it?" <lines/tom_01.ogg>
//! pause 0.8s
//! ada "No tag: the voice decides." <lines/ada_02.ogg>
//! ```
//!
//! [`parse`] never fails and never panics: it returns the script it could read and every
//! [`Diagnostic`] (file, line, column, what was expected, what was found), so a writer sees all
//! problems at once and a fuzzer can drive it with any text.

use std::fmt;
use std::path::PathBuf;

use crate::emotion::{Lexicon, parse_spec, read_spec};

/// A whole script.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Script {
    /// The speakers, in the order they were declared.
    pub speakers: Vec<Speaker>,
    /// The lines and pauses, in order.
    pub items: Vec<Item>,
}

/// A speaker bound to a portrait.
#[derive(Debug, Clone, PartialEq)]
pub struct Speaker {
    /// The name lines use.
    pub name: String,
    /// The portrait image.
    pub portrait: PathBuf,
    /// Its rig, if not beside the image.
    pub rig: Option<PathBuf>,
    /// Where it was declared (1-based line).
    pub line: usize,
}

/// One step of a script.
#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    /// A spoken line.
    Line(Line),
    /// Silence, in seconds.
    Pause {
        /// Its length in seconds.
        seconds: f32,
        /// Its line (1-based).
        line: usize,
    },
}

/// A spoken line.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    /// Who speaks.
    pub speaker: String,
    /// The emotion at the start, as AME text (`None`: the voice's own).
    pub emotion: Option<String>,
    /// The subtitle, without the timed tags.
    pub text: String,
    /// The audio file.
    pub audio: PathBuf,
    /// Emotion changes during the line, in time order.
    pub changes: Vec<EmotionChange>,
    /// Its line in the file (1-based).
    pub line: usize,
}

/// An emotion change inside a line: `{angry @1.2s}`.
#[derive(Debug, Clone, PartialEq)]
pub struct EmotionChange {
    /// Seconds from the start of the line's audio.
    pub at: f32,
    /// The emotion, as AME text.
    pub emotion: String,
    /// Where in the subtitle it stands (a character index), for highlighting.
    pub text_offset: usize,
}

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Severity {
    /// The script cannot be played as written.
    Error,
    /// It plays, but probably not as meant (an emotion word the lexicon does not know).
    Warning,
}

/// A problem at a place in a script.
#[derive(Debug, Clone, PartialEq)]
pub struct Diagnostic {
    /// The file (as given to [`parse`]).
    pub file: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column, in characters.
    pub column: usize,
    /// Error or warning.
    pub severity: Severity,
    /// What would have been right there.
    pub expected: String,
    /// What was there.
    pub found: String,
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}:{}: {kind}: expected {}, found {}",
            self.file, self.line, self.column, self.expected, self.found
        )
    }
}

/// A cursor over one line's characters.
struct Cursor<'a> {
    chars: Vec<char>,
    pos: usize,
    line: usize,
    file: &'a str,
    out: &'a mut Vec<Diagnostic>,
}

impl Cursor<'_> {
    fn skip_space(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn at_end(&mut self) -> bool {
        self.skip_space();
        self.pos >= self.chars.len()
    }

    fn describe(&self) -> String {
        match self.peek() {
            None => "the end of the line".into(),
            Some(c) => format!("'{c}'"),
        }
    }

    fn error_at(&mut self, column: usize, expected: &str, found: String) {
        self.diagnose(column, Severity::Error, expected, found);
    }

    fn diagnose(&mut self, column: usize, severity: Severity, expected: &str, found: String) {
        let d = Diagnostic {
            file: self.file.into(),
            line: self.line,
            column: column + 1,
            severity,
            expected: expected.into(),
            found,
        };
        self.out.push(d);
    }

    fn error(&mut self, expected: &str) {
        let found = self.describe();
        self.error_at(self.pos, expected, found);
    }

    /// A word of letters, digits, `_` and `-`.
    fn word(&mut self) -> Option<String> {
        self.skip_space();
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_alphanumeric() || c == '_' || c == '-') {
            self.pos += 1;
        }
        (self.pos > start).then(|| self.chars[start..self.pos].iter().collect())
    }

    /// A `"quoted"` string (`\"` and `\\` escape); `None` after a diagnostic.
    fn quoted(&mut self, what: &str) -> Option<(String, usize)> {
        self.skip_space();
        if self.peek() != Some('"') {
            self.error(what);
            return None;
        }
        let open = self.pos;
        self.pos += 1;
        let mut s = String::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                '"' => return Some((s, open + 1)),
                '\\' => match self.peek() {
                    Some(e @ ('"' | '\\')) => {
                        s.push(e);
                        self.pos += 1;
                    }
                    _ => s.push('\\'),
                },
                c => s.push(c),
            }
        }
        self.error_at(open, "a closing '\"'", "the end of the line".into());
        None
    }
}

/// Splits off a `#` comment that is outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quoted = false;
    let mut escaped = false;
    for (i, c) in line.char_indices() {
        match c {
            '\\' if quoted && !escaped => {
                escaped = true;
                continue;
            }
            '"' if !escaped => quoted = !quoted,
            '#' if !quoted => return &line[..i],
            _ => {}
        }
        escaped = false;
    }
    line
}

/// Reads a duration: `1.2s`, `800ms`.
fn duration(text: &str) -> Option<f32> {
    let (number, scale) =
        if let Some(n) = text.strip_suffix("ms") { (n, 0.001) } else { (text.strip_suffix('s')?, 1.0) };
    let v: f32 = number.parse().ok()?;
    (v.is_finite() && v >= 0.0 && number.chars().all(|c| c.is_ascii_digit() || c == '.')).then_some(v * scale)
}

/// Checks AME text at `column` (of its first character) and reports its errors and unknown words.
fn check_emotion(c: &mut Cursor<'_>, text: &str, column: usize) {
    match parse_spec(text) {
        Err(e) => c.error_at(column + e.position, &format!("an emotion ({})", e.expected), e.found),
        Ok(spec) => {
            for w in read_spec(&spec, Lexicon::builtin(), None).warnings {
                let expected = "an emotion word the lexicon knows (an unknown one counts as neutral)";
                c.diagnose(column + w.span.start, Severity::Warning, expected, format!("`{}`", w.word));
            }
        }
    }
}

/// Parses a script. `file` names it in diagnostics.
pub fn parse(source: &str, file: &str) -> (Script, Vec<Diagnostic>) {
    let mut script = Script::default();
    let mut out = Vec::new();
    for (n, raw) in source.lines().enumerate() {
        let text = strip_comment(raw);
        let mut c = Cursor { chars: text.chars().collect(), pos: 0, line: n + 1, file, out: &mut out };
        if c.at_end() {
            continue;
        }
        let start = c.pos;
        let Some(head) = c.word() else {
            c.error("`speaker`, `pause` or a speaker's name");
            continue;
        };
        match head.as_str() {
            "speaker" => speaker_decl(&mut c, &mut script),
            "pause" => pause(&mut c, &mut script),
            _ => spoken_line(&mut c, &mut script, head, start),
        }
    }
    (script, out)
}

fn speaker_decl(c: &mut Cursor<'_>, script: &mut Script) {
    let at = {
        c.skip_space();
        c.pos
    };
    let Some(name) = c.word() else { return c.error("a speaker's name") };
    if ["speaker", "pause"].contains(&name.as_str()) {
        return c.error_at(at, "a speaker's name", format!("the keyword `{name}`"));
    }
    if script.speakers.iter().any(|s| s.name == name) {
        return c.error_at(at, "a new speaker's name", format!("`{name}`, declared before"));
    }
    let (mut portrait, mut rig) = (None, None);
    while !c.at_end() {
        let key_at = c.pos;
        match c.word().as_deref() {
            Some("portrait") if portrait.is_none() => match c.quoted("a quoted portrait path") {
                Some((p, _)) => portrait = Some(PathBuf::from(p)),
                None => return,
            },
            Some("rig") if rig.is_none() => match c.quoted("a quoted rig path") {
                Some((p, _)) => rig = Some(PathBuf::from(p)),
                None => return,
            },
            Some(other) => {
                return c.error_at(key_at, "`portrait \"…\"` or `rig \"…\"` (each once)", format!("`{other}`"));
            }
            None => return c.error("`portrait \"…\"` or `rig \"…\"`"),
        }
    }
    match portrait {
        Some(portrait) => script.speakers.push(Speaker { name, portrait, rig, line: c.line }),
        None => c.error("`portrait \"…\"`"),
    }
}

fn pause(c: &mut Cursor<'_>, script: &mut Script) {
    c.skip_space();
    let at = c.pos;
    let token: String = c.chars[c.pos..].iter().take_while(|ch| !ch.is_whitespace()).collect();
    c.pos += token.chars().count();
    match duration(&token) {
        Some(seconds) if c.at_end() => script.items.push(Item::Pause { seconds, line: c.line }),
        Some(_) => c.error("the end of the line"),
        None => c.error_at(
            at,
            "a duration such as `0.8s` or `500ms`",
            if token.is_empty() { "the end of the line".into() } else { format!("`{token}`") },
        ),
    }
}

fn spoken_line(c: &mut Cursor<'_>, script: &mut Script, speaker: String, start: usize) {
    if !script.speakers.iter().any(|s| s.name == speaker) {
        let known: Vec<&str> = script.speakers.iter().map(|s| s.name.as_str()).collect();
        let expected = if known.is_empty() {
            "`speaker`, `pause`, or a speaker declared above".to_string()
        } else {
            format!("`speaker`, `pause`, or a declared speaker ({})", known.join(", "))
        };
        c.error_at(start, &expected, format!("`{speaker}`"));
        return;
    }
    c.skip_space();
    let mut emotion = None;
    if c.peek() == Some('[') {
        let open = c.pos;
        let close = c.chars[open..].iter().position(|&ch| ch == ']').map(|k| open + k);
        let Some(close) = close else { return c.error_at(open, "a closing ']'", "the end of the line".into()) };
        let tag: String = c.chars[open + 1..close].iter().collect();
        if tag.trim().is_empty() {
            return c.error_at(open + 1, "an emotion inside '[ ]'", "nothing".into());
        }
        check_emotion(c, &tag, open + 1);
        emotion = Some(tag.trim().to_string());
        c.pos = close + 1;
    }
    let Some((quoted, text_col)) = c.quoted("a quoted subtitle (\"…\")") else { return };
    let Some((text, changes)) = subtitle(c, &quoted, text_col) else { return };
    c.skip_space();
    if c.peek() != Some('<') {
        return c.error("an audio file in '< >'");
    }
    let open = c.pos;
    let Some(close) = c.chars[open..].iter().position(|&ch| ch == '>').map(|k| open + k) else {
        return c.error_at(open, "a closing '>'", "the end of the line".into());
    };
    let audio: String = c.chars[open + 1..close].iter().collect::<String>().trim().to_string();
    if audio.is_empty() {
        return c.error_at(open + 1, "an audio file path", "nothing".into());
    }
    c.pos = close + 1;
    if !c.at_end() {
        return c.error("the end of the line");
    }
    script.items.push(Item::Line(Line { speaker, emotion, text, audio: PathBuf::from(audio), changes, line: c.line }));
}

/// Splits a subtitle into its text and timed changes (`{angry @1.2s}`; `{{` and `}}` are
/// literal braces). `column` is the subtitle's first character in the line.
fn subtitle(c: &mut Cursor<'_>, raw: &str, column: usize) -> Option<(String, Vec<EmotionChange>)> {
    let chars: Vec<char> = raw.chars().collect();
    let (mut text, mut changes) = (String::new(), Vec::<EmotionChange>::new());
    let mut i = 0;
    while i < chars.len() {
        match (chars[i], chars.get(i + 1)) {
            ('{', Some('{')) | ('}', Some('}')) => {
                text.push(chars[i]);
                i += 2;
            }
            ('}', _) => {
                c.error_at(column + i, "text, or '}}' for a literal brace", "'}'".into());
                return None;
            }
            ('{', _) => {
                let Some(len) = chars[i..].iter().position(|&ch| ch == '}') else {
                    c.error_at(column + i, "a closing '}'", "the end of the subtitle".into());
                    return None;
                };
                let inner: String = chars[i + 1..i + len].iter().collect();
                let Some((emotion, time)) = inner.rsplit_once('@') else {
                    c.error_at(column + i + 1, "`{emotion @time}`, such as `{angry @1.2s}`", format!("`{{{inner}}}`"));
                    return None;
                };
                let time_col = column + i + 1 + emotion.chars().count() + 1;
                let Some(at) = duration(time.trim()) else {
                    c.error_at(time_col, "a time such as `1.2s` or `800ms`", format!("`{}`", time.trim()));
                    return None;
                };
                if emotion.trim().is_empty() {
                    c.error_at(column + i + 1, "an emotion before '@'", "nothing".into());
                    return None;
                }
                if let Some(prev) = changes.last().filter(|p| p.at >= at) {
                    let found = format!("{}s, after a change at {}s", at, prev.at);
                    c.error_at(time_col, "a later time than the change before", found);
                    return None;
                }
                check_emotion(c, emotion, column + i + 1);
                changes.push(EmotionChange {
                    at,
                    emotion: emotion.trim().to_string(),
                    text_offset: text.chars().count(),
                });
                i += len + 1;
            }
            (ch, _) => {
                text.push(ch);
                i += 1;
            }
        }
    }
    Some((text, changes))
}

/// Writes a script back as source ([`parse`] of the result gives the same script).
pub fn to_source(script: &Script) -> String {
    let quote = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = String::new();
    for s in &script.speakers {
        out.push_str(&format!("speaker {} portrait {}", s.name, quote(&s.portrait.to_string_lossy())));
        if let Some(rig) = &s.rig {
            out.push_str(&format!(" rig {}", quote(&rig.to_string_lossy())));
        }
        out.push('\n');
    }
    for item in &script.items {
        match item {
            Item::Pause { seconds, .. } => out.push_str(&format!("pause {seconds}s\n")),
            Item::Line(l) => {
                out.push_str(&l.speaker);
                if let Some(e) = &l.emotion {
                    out.push_str(&format!(" [{e}]"));
                }
                let mut text = String::new();
                let mut changes = l.changes.iter().peekable();
                let chars: Vec<char> = l.text.chars().collect();
                for k in 0..=chars.len() {
                    while let Some(change) = changes.next_if(|c| c.text_offset <= k) {
                        text.push_str(&format!("{{{} @{}s}}", change.emotion, change.at));
                    }
                    match chars.get(k) {
                        None => {}
                        Some(&ch @ ('{' | '}')) => {
                            text.push(ch);
                            text.push(ch);
                        }
                        Some(&ch) => text.push(ch),
                    }
                }
                out.push_str(&format!(" {} <{}>\n", quote(&text), l.audio.to_string_lossy()));
            }
        }
    }
    out
}
