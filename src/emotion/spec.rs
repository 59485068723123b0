//! Parsing what writers type as an emotion: the structure, not yet the meaning.
//!
//! ```text
//! spec      := term (separator term)*
//! separator := "," | "+" | "and"
//! term      := [percent "%"] word+ [":" intensity]
//! word      := letter (letter | "'" | "-")*
//! percent   := number in (0, 100]      intensity := number in [0, 3]
//! ```
//!
//! Case and spacing do not matter. Examples: `happy`, `happy:2.5`, `sadly surprised`,
//! `a bit annoyed`, `extremely surprised`, `not happy`, `happy+surprised`, `happy and sad`,
//! `50% angry, 50% sad`. Either every term has a percentage (they must add up to 100) or none
//! does (the terms weigh the same). The words of a term are kept in order; what they mean
//! (an adverb such as "sadly", an intensifier such as "very", a negation) is the lexicon's job.
//!
//! Errors say what was expected, what was found, and where (a character index and a caret line).

use std::fmt;
use std::ops::Range;

/// Longest accepted text, in characters.
pub const MAX_LEN: usize = 256;
/// Highest intensity (the MEAD levels run from 1 to 3; 0 is no expression).
pub const MAX_INTENSITY: f32 = 3.0;

/// One word of a term, lower-cased, with where it was (character indices).
#[derive(Debug, Clone, PartialEq)]
pub struct SpecWord {
    /// The word, lower case.
    pub text: String,
    /// Its characters in the input.
    pub span: Range<usize>,
}

/// One part of a spec: words, an optional share and an optional intensity.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecTerm {
    /// The words, in order (`["sadly", "surprised"]`).
    pub words: Vec<SpecWord>,
    /// Its share of the blend in [0, 1]: the percentage given, or an equal share.
    pub weight: f32,
    /// The intensity given after `:`, if any.
    pub intensity: Option<f32>,
    /// Its characters in the input.
    pub span: Range<usize>,
}

impl SpecTerm {
    /// The words joined by spaces (`"sadly surprised"`).
    pub fn phrase(&self) -> String {
        self.words.iter().map(|w| w.text.as_str()).collect::<Vec<_>>().join(" ")
    }
}

/// A parsed spec: one or more weighted terms.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSpec {
    /// The terms, in order; their weights add up to 1.
    pub terms: Vec<SpecTerm>,
}

/// A malformed spec: what was expected, what was found, and where.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub struct SpecError {
    /// The text as given.
    pub input: String,
    /// Character index of the problem (the input's length when it is at the end).
    pub position: usize,
    /// What would have been right there.
    pub expected: String,
    /// What was there.
    pub found: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "emotion \"{}\": expected {}, found {} at character {}",
            self.input,
            self.expected,
            self.found,
            self.position + 1
        )?;
        writeln!(f, "  {}", self.input)?;
        write!(f, "  {}^", " ".repeat(self.position))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Number(f32),
    Percent,
    Colon,
    Sep(char),
    End,
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

impl Lexer {
    fn skip_space(&mut self) {
        while self.chars.get(self.pos).is_some_and(|c| c.is_whitespace()) {
            self.pos += 1;
        }
    }

    /// The next token and its span; `Err(index)` for a character that starts no token.
    fn next(&mut self) -> Result<(Tok, Range<usize>), usize> {
        self.skip_space();
        let start = self.pos;
        let Some(&c) = self.chars.get(start) else { return Ok((Tok::End, start..start)) };
        let tok = if c.is_alphabetic() {
            while self.chars.get(self.pos).is_some_and(|c| c.is_alphabetic() || *c == '\'' || *c == '-') {
                self.pos += 1;
            }
            let word: String = self.chars[start..self.pos].iter().collect::<String>().to_lowercase();
            if word == "and" { Tok::Sep('&') } else { Tok::Word(word) }
        } else if c.is_ascii_digit() || c == '.' {
            while self.chars.get(self.pos).is_some_and(|c| c.is_ascii_digit() || *c == '.') {
                self.pos += 1;
            }
            let text: String = self.chars[start..self.pos].iter().collect();
            Tok::Number(text.parse().map_err(|_| start)?)
        } else {
            self.pos += 1;
            match c {
                '%' => Tok::Percent,
                ':' => Tok::Colon,
                ',' | '+' => Tok::Sep(c),
                _ => return Err(start),
            }
        };
        Ok((tok, start..self.pos))
    }
}

fn describe(t: &Tok) -> String {
    match t {
        Tok::Word(w) => format!("the word \"{w}\""),
        Tok::Number(n) => format!("the number {n}"),
        Tok::Percent => "'%'".into(),
        Tok::Colon => "':'".into(),
        Tok::Sep('&') => "\"and\"".into(),
        Tok::Sep(c) => format!("'{c}'"),
        Tok::End => "the end of the text".into(),
    }
}

/// Parses an emotion spec (see the module docs).
pub fn parse_spec(text: &str) -> Result<ParsedSpec, SpecError> {
    let err = |position: usize, expected: &str, found: String| SpecError {
        input: text.to_string(),
        position,
        expected: expected.to_string(),
        found,
    };
    let n_chars = text.chars().count();
    if n_chars > MAX_LEN {
        return Err(err(MAX_LEN, &format!("at most {MAX_LEN} characters"), format!("{n_chars} characters")));
    }
    let mut lx = Lexer { chars: text.chars().collect(), pos: 0 };
    let next = |lx: &mut Lexer| {
        lx.next().map_err(|i| {
            let c: char = text.chars().nth(i).unwrap_or(' ');
            err(i, "a word, a number, '%', ':', ',', '+' or \"and\"", format!("'{c}'"))
        })
    };
    let mut terms: Vec<(SpecTerm, Option<(f32, Range<usize>)>)> = Vec::new();
    let (mut tok, mut span) = next(&mut lx)?;
    loop {
        let start = span.start;
        // Optional percentage.
        let mut share = None;
        if let Tok::Number(v) = tok {
            let (t2, s2) = next(&mut lx)?;
            if t2 != Tok::Percent {
                return Err(err(s2.start, "'%' after a share (or an emotion word)", describe(&t2)));
            }
            if !(v > 0.0 && v <= 100.0) {
                return Err(err(span.start, "a percentage above 0 and at most 100", format!("{v}")));
            }
            share = Some((v, span.clone()));
            (tok, span) = next(&mut lx)?;
        }
        // Words.
        let mut words = Vec::new();
        while let Tok::Word(w) = &tok {
            words.push(SpecWord { text: w.clone(), span: span.clone() });
            (tok, span) = next(&mut lx)?;
        }
        if words.is_empty() {
            let what = if terms.is_empty() {
                "an emotion (a word such as \"happy\")"
            } else {
                "an emotion after the separator"
            };
            return Err(err(span.start, what, describe(&tok)));
        }
        // Optional intensity.
        let mut intensity = None;
        if tok == Tok::Colon {
            let (t2, s2) = next(&mut lx)?;
            let Tok::Number(v) = t2 else {
                return Err(err(s2.start, "an intensity from 0 to 3 after ':'", describe(&t2)));
            };
            if !(0.0..=MAX_INTENSITY).contains(&v) {
                return Err(err(s2.start, "an intensity from 0 to 3", format!("{v}")));
            }
            intensity = Some(v);
            (tok, span) = next(&mut lx)?;
        }
        let end = words.last().map_or(start, |w| w.span.end).max(lx.pos.min(span.start));
        terms.push((SpecTerm { words, weight: 0.0, intensity, span: start..end }, share));
        match tok {
            Tok::End => break,
            Tok::Sep(_) => (tok, span) = next(&mut lx)?,
            other => return Err(err(span.start, "',', '+', \"and\" or the end after an emotion", describe(&other))),
        }
    }
    // Shares: all or none, adding up to 100.
    let given = terms.iter().filter(|(_, s)| s.is_some()).count();
    if given == 0 {
        let w = 1.0 / terms.len() as f32;
        return Ok(ParsedSpec { terms: terms.into_iter().map(|(t, _)| SpecTerm { weight: w, ..t }).collect() });
    }
    if let Some((t, _)) = terms.iter().find(|(_, s)| s.is_none()) {
        return Err(err(
            t.span.start,
            "a percentage here too (give every part one, or none)",
            format!("\"{}\"", t.phrase()),
        ));
    }
    let total: f32 = terms.iter().filter_map(|(_, s)| s.as_ref().map(|s| s.0)).sum();
    if (total - 100.0).abs() > 0.5 {
        let last = terms.last().and_then(|(_, s)| s.as_ref()).map_or(0, |s| s.1.start);
        return Err(err(last, "percentages adding up to 100", format!("a total of {total}")));
    }
    Ok(ParsedSpec {
        terms: terms.into_iter().map(|(t, s)| SpecTerm { weight: s.map_or(0.0, |s| s.0 / total), ..t }).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phrases(text: &str) -> Vec<(String, f32, Option<f32>)> {
        parse_spec(text)
            .unwrap()
            .terms
            .iter()
            .map(|t| (t.phrase(), (t.weight * 1e4).round() / 1e4, t.intensity))
            .collect()
    }

    #[test]
    fn what_writers_type_parses() {
        let p = |s: &str, w, i| (s.to_string(), w, i);
        assert_eq!(phrases("happy"), vec![p("happy", 1.0, None)]);
        assert_eq!(phrases("  Happy:2.5 "), vec![p("happy", 1.0, Some(2.5))]);
        assert_eq!(phrases("sadly surprised"), vec![p("sadly surprised", 1.0, None)]);
        assert_eq!(phrases("a bit annoyed"), vec![p("a bit annoyed", 1.0, None)]);
        assert_eq!(phrases("extremely surprised"), vec![p("extremely surprised", 1.0, None)]);
        assert_eq!(phrases("not happy"), vec![p("not happy", 1.0, None)]);
        assert_eq!(phrases("happy+surprised"), vec![p("happy", 0.5, None), p("surprised", 0.5, None)]);
        assert_eq!(phrases("happy and sad:1"), vec![p("happy", 0.5, None), p("sad", 0.5, Some(1.0))]);
        assert_eq!(phrases("50% angry, 50% sad"), vec![p("angry", 0.5, None), p("sad", 0.5, None)]);
        assert_eq!(
            phrases("25% smug, 75% very tired:3"),
            vec![p("smug", 0.25, None), p("very tired", 0.75, Some(3.0))]
        );
        assert_eq!(phrases("bitter-sweet"), vec![p("bitter-sweet", 1.0, None)]);
        assert_eq!(phrases("can't believe it"), vec![p("can't believe it", 1.0, None)]);
        assert_eq!(phrases("überrascht"), vec![p("überrascht", 1.0, None)]);
        let t = &parse_spec("  sadly surprised").unwrap().terms[0];
        assert_eq!((t.words[1].span.clone(), t.span.clone()), (8..17, 2..17));
    }

    #[test]
    fn malformed_specs_point_at_the_offending_character() {
        // (input, character index, a fragment of the message)
        let cases = [
            ("", 0, "expected an emotion"),
            ("   ", 3, "expected an emotion"),
            ("happy:", 6, "an intensity from 0 to 3 after ':'"),
            ("happy:x", 6, "an intensity from 0 to 3 after ':'"),
            ("happy:4", 6, "found 4"),
            ("happy:1:2", 7, "',', '+', \"and\" or the end"),
            ("happy,", 6, "an emotion after the separator"),
            ("happy++sad", 6, "an emotion after the separator"),
            ("happy #sad", 6, "found '#'"),
            ("50 angry", 3, "'%' after a share"),
            ("150% angry", 0, "at most 100"),
            ("50% angry, sad", 11, "a percentage here too"),
            ("50% angry, 60% sad", 11, "adding up to 100"),
            ("%angry", 0, "expected an emotion"),
            ("happy 2", 6, "',', '+', \"and\" or the end"),
            ("1.2.3% joy", 0, "found '1'"),
            ("and happy", 0, "expected an emotion"),
        ];
        for (input, at, fragment) in cases {
            let e = parse_spec(input).unwrap_err();
            assert_eq!(e.position, at, "{input:?}: {e}");
            let msg = e.to_string();
            assert!(msg.contains(fragment), "{input:?}: {msg}");
            // The caret line puts '^' under the offending character.
            let caret = msg.lines().last().unwrap();
            assert_eq!(caret.find('^'), Some(2 + at), "{input:?}:\n{msg}");
        }
        let long = "happy ".repeat(60);
        assert!(parse_spec(&long).unwrap_err().to_string().contains("at most 256 characters"));
    }
}

#[cfg(test)]
mod never_panics {
    use rand::{Rng, SeedableRng};

    #[test]
    fn random_text_gives_a_spec_or_an_error() {
        let alphabet: Vec<char> = "happy sad ,+:%.0123456789 and not ü'-#\t\n😀".chars().collect();
        let mut r = rand_chacha::ChaCha8Rng::seed_from_u64(11);
        for _ in 0..20_000 {
            let len = r.random_range(0..40);
            let text: String = (0..len).map(|_| alphabet[r.random_range(0..alphabet.len())]).collect();
            match super::parse_spec(&text) {
                Ok(spec) => {
                    let total: f32 = spec.terms.iter().map(|t| t.weight).sum();
                    assert!((total - 1.0).abs() < 1e-4, "{text:?}: weights sum to {total}");
                }
                Err(e) => assert!(e.position <= text.chars().count(), "{text:?}: position {}", e.position),
            }
        }
    }
}
