//! The emotion lexicon: words and phrases with their place in `z_emo` and their usual intensity,
//! and how a word that is not a key is still found (morphology, then near spellings).
//!
//! The built-in lexicon is `models/emotion/lexicon.txt`, written by this project (its header
//! gives the format and the psychological models it follows); [`Lexicon::builtin`] embeds it.
//! Games can add their own words with [`Lexicon::parse`] and [`Lexicon::extend`].
//!
//! Looking a word up ([`Lexicon::find`]) tries, in order:
//! 1. the key itself, and hyphen variants (`heart-broken` → `heartbroken`, `heart broken`);
//! 2. morphology: a suffix is taken off and endings tried on the stem, at most twice
//!    (`angrily` → `angry`, `happiness` → `happy`, `annoyance` → `annoyed`, `irritation` →
//!    `irritated`, `terrifying` → `terrified`, `curiosity` → `curious`, `sadder` → `sad`);
//!    a comparative (`-er`) reads stronger and a superlative (`-est`) stronger still, `-ish`
//!    weaker;
//! 3. a near spelling: the key with the smallest Damerau–Levenshtein distance, at most 1 for
//!    words of 5–7 letters and 2 from 8 letters (shorter words are never corrected, as too many
//!    English words lie one letter from a short emotion word).
//!
//! Negating prefixes (`unafraid`, `displeased`) are the resolver's business
//! ([`crate::emotion::text`]), which calls [`Lexicon::find`] on the rest of the word.

use std::collections::HashMap;
use std::sync::OnceLock;

use super::space::{EmotionEmbedding, N_CLASSES};
use crate::face::EmotionPreset;

/// The built-in lexicon's text.
pub const BUILTIN_LEXICON: &str = include_str!("../../models/emotion/lexicon.txt");

/// One lexicon entry.
#[derive(Debug, Clone, PartialEq)]
pub struct LexiconEntry {
    /// The word or phrase, lower case, words separated by one space.
    pub key: String,
    /// Where it lies in the emotion space.
    pub embedding: EmotionEmbedding,
    /// How strongly the plain word is felt, 0–3.
    pub intensity: f32,
    /// Its line in the lexicon file (1-based).
    pub line: usize,
}

/// How a word was found in the lexicon.
#[derive(Debug, Clone, PartialEq)]
pub enum LexiconMatch {
    /// The word is a key.
    Exact,
    /// The word is an inflection or derivation of the key.
    Morphology {
        /// Intensity change in logit units (comparative +0.6, superlative +1.2, `-ish` −0.8).
        intensity_shift: f32,
    },
    /// The word looks like a misspelling of the key.
    Spelling {
        /// Damerau–Levenshtein distance to the key.
        distance: usize,
    },
}

/// A lexicon line that could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{source_name}:{line}: {message}")]
pub struct LexiconError {
    /// The file (or a description of the text) being read.
    pub source_name: String,
    /// The line (1-based).
    pub line: usize,
    /// What was wrong.
    pub message: String,
}

/// A set of emotion words and phrases (see the module docs).
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    entries: Vec<LexiconEntry>,
    index: HashMap<String, usize>,
    longest_phrase: usize,
}

impl Lexicon {
    /// The built-in lexicon (parsed once).
    pub fn builtin() -> &'static Lexicon {
        static BUILTIN: OnceLock<Lexicon> = OnceLock::new();
        BUILTIN.get_or_init(|| {
            Lexicon::parse(BUILTIN_LEXICON, "models/emotion/lexicon.txt")
                .unwrap_or_else(|e| panic!("the built-in lexicon is checked by tests: {e}"))
        })
    }

    /// Reads a lexicon in the format of `models/emotion/lexicon.txt`; `source_name` names it in
    /// errors. A key given twice is an error.
    pub fn parse(text: &str, source_name: &str) -> Result<Lexicon, LexiconError> {
        let mut lexicon = Lexicon::default();
        for (i, raw) in text.lines().enumerate() {
            let line = i + 1;
            let err = |message: String| LexiconError { source_name: source_name.to_string(), line, message };
            let content = raw.split('#').next().unwrap_or("").trim();
            if content.is_empty() {
                continue;
            }
            let fields: Vec<&str> = content.split('|').map(str::trim).collect();
            let [key, mixture, vad, intensity] = fields[..] else {
                return Err(err(format!(
                    "expected 4 fields separated by '|' (key | mixture | v a d | intensity), found {}",
                    fields.len()
                )));
            };
            let key = normalise_key(key);
            if key.is_empty() {
                return Err(err("the key is empty".into()));
            }
            let mixture = parse_mixture(mixture).map_err(err)?;
            let vad = parse_numbers::<3>(vad, "valence arousal dominance").map_err(err)?;
            if let Some(v) = vad.iter().find(|v| v.abs() > 1.0) {
                return Err(err(format!("valence, arousal and dominance lie in [-1, 1], found {v}")));
            }
            let [intensity] = parse_numbers::<1>(intensity, "intensity").map_err(err)?;
            if !(0.0..=3.0).contains(&intensity) {
                return Err(err(format!("the intensity lies in [0, 3], found {intensity}")));
            }
            if let Some(&first) = lexicon.index.get(&key) {
                let first_line = lexicon.entries[first].line;
                return Err(err(format!("\"{key}\" is already defined on line {first_line}")));
            }
            lexicon.insert(LexiconEntry {
                key,
                embedding: EmotionEmbedding::from_parts(mixture, vad),
                intensity,
                line,
            });
        }
        Ok(lexicon)
    }

    fn insert(&mut self, entry: LexiconEntry) {
        self.longest_phrase = self.longest_phrase.max(entry.key.split(' ').count());
        match self.index.get(&entry.key) {
            Some(&i) => self.entries[i] = entry,
            None => {
                self.index.insert(entry.key.clone(), self.entries.len());
                self.entries.push(entry);
            }
        }
    }

    /// Adds `other`'s entries; where both have a key, `other`'s wins.
    pub fn extend(&mut self, other: Lexicon) {
        other.entries.into_iter().for_each(|e| self.insert(e));
    }

    /// Every entry, in file order.
    pub fn entries(&self) -> &[LexiconEntry] {
        &self.entries
    }

    /// The entry with exactly this key (lower case, single spaces).
    pub fn get(&self, key: &str) -> Option<&LexiconEntry> {
        self.index.get(key).map(|&i| &self.entries[i])
    }

    /// The most words in any key (phrases are matched longest first).
    pub fn longest_phrase(&self) -> usize {
        self.longest_phrase
    }

    /// Finds a single word: the key, an inflection of a key, or a near spelling of one (see the
    /// module docs).
    pub fn find(&self, word: &str) -> Option<(&LexiconEntry, LexiconMatch)> {
        self.find_exact_or_inflected(word).or_else(|| self.find_near_spelling(word))
    }

    /// [`find`](Self::find) without the near spellings: the key, a hyphen variant, or an
    /// inflection.
    pub fn find_exact_or_inflected(&self, word: &str) -> Option<(&LexiconEntry, LexiconMatch)> {
        let word = word.trim().to_lowercase().replace('’', "'");
        if let Some(e) = self.get(&word) {
            return Some((e, LexiconMatch::Exact));
        }
        for variant in [word.replace('-', ""), word.replace('-', " ")] {
            if let Some(e) = self.get(&variant) {
                return Some((e, LexiconMatch::Exact));
            }
        }
        self.find_by_morphology(&word, 2).map(|(e, shift)| (e, LexiconMatch::Morphology { intensity_shift: shift }))
    }

    /// The key nearest in spelling (see the module docs), for a word that is not a key.
    pub fn find_near_spelling(&self, word: &str) -> Option<(&LexiconEntry, LexiconMatch)> {
        let word = word.trim().to_lowercase().replace('’', "'");
        self.find_by_spelling(&word).map(|(e, distance)| (e, LexiconMatch::Spelling { distance }))
    }

    fn find_by_morphology(&self, word: &str, depth: usize) -> Option<(&LexiconEntry, f32)> {
        if depth == 0 {
            return None;
        }
        for &(suffix, endings, shift) in SUFFIXES {
            let Some(stem) = word.strip_suffix(suffix) else { continue };
            if stem.chars().count() < 2 {
                continue;
            }
            let undoubled = undouble(stem);
            for stem in std::iter::once(stem).chain(undoubled.as_deref()) {
                for ending in endings {
                    let candidate = format!("{stem}{ending}");
                    if let Some(e) = self.get(&candidate) {
                        return Some((e, shift));
                    }
                }
                if let Some((e, s)) = self.find_by_morphology(stem, depth - 1) {
                    return Some((e, shift + s));
                }
            }
        }
        None
    }

    fn find_by_spelling(&self, word: &str) -> Option<(&LexiconEntry, usize)> {
        let len = word.chars().count();
        let limit = match len {
            0..=4 => return None,
            5..=7 => 1,
            _ => 2,
        };
        self.entries
            .iter()
            .filter(|e| !e.key.contains(' '))
            .map(|e| (e, strsim::damerau_levenshtein(word, &e.key)))
            .filter(|&(_, d)| d <= limit)
            // Closest first; among equals, one starting with the same letter, then file order.
            .min_by_key(|&(e, d)| (d, e.key.chars().next() != word.chars().next()))
    }
}

/// `(suffix, endings tried on the stem, intensity shift)`, longest suffixes first.
const SUFFIXES: &[(&str, &[&str], f32)] = &[
    ("fully", &["ful"], 0.0),
    ("iness", &["y"], 0.0),
    ("osity", &["ous"], 0.0),
    ("ation", &["ated", "ed", "ant", "e", ""], 0.0),
    ("ement", &["ed", "e", ""], 0.0),
    ("ingly", &["ed", "e", "", "ing"], 0.0),
    ("iest", &["y"], 1.2),
    ("ness", &["", "ed"], 0.0),
    ("ment", &["ed", "d", "", "ful"], 0.0),
    ("ally", &["", "al"], 0.0),
    ("ance", &["ed", "", "ant"], 0.0),
    ("ened", &["", "e"], 0.0),
    ("ence", &["ent", "ed", ""], 0.0),
    ("ying", &["ied", "y"], 0.0),
    ("ily", &["y"], 0.0),
    ("ier", &["y"], 0.6),
    ("ied", &["y"], 0.0),
    ("ies", &["y"], 0.0),
    ("ity", &["", "e", "ous"], 0.0),
    ("ion", &["ed", "e", ""], 0.0),
    ("ing", &["ed", "d", "e", ""], 0.0),
    ("est", &["", "e"], 1.2),
    ("ish", &["", "y"], -0.8),
    ("ly", &["", "e"], 0.0),
    ("ed", &["", "e"], 0.0),
    ("er", &["", "e"], 0.6),
    ("y", &["", "e"], 0.0),
    ("s", &[""], 0.0),
];

/// `sadd` → `sad` (a doubled final consonant before `-er`, `-est`, `-en`).
fn undouble(stem: &str) -> Option<String> {
    let mut chars = stem.chars().rev();
    let (a, b) = (chars.next()?, chars.next()?);
    (a == b && !"aeiou".contains(a)).then(|| stem[..stem.len() - a.len_utf8()].to_string())
}

/// Lower case, `’` as `'`, single spaces.
pub(crate) fn normalise_key(key: &str) -> String {
    key.to_lowercase().replace('’', "'").split_whitespace().collect::<Vec<_>>().join(" ")
}

fn parse_numbers<const N: usize>(text: &str, what: &str) -> Result<[f32; N], String> {
    let values: Vec<f32> = text
        .split_whitespace()
        .map(|t| t.parse::<f32>().map_err(|_| format!("{what}: \"{t}\" is not a number")))
        .collect::<Result<_, _>>()?;
    if values.iter().any(|v| !v.is_finite()) {
        return Err(format!("{what}: numbers must be finite"));
    }
    values.try_into().map_err(|v: Vec<f32>| format!("{what}: expected {N} numbers, found {}", v.len()))
}

/// `"happy .7 surprised .3"` or `"angry"` → class weights.
fn parse_mixture(text: &str) -> Result<[f32; N_CLASSES], String> {
    let tokens: Vec<&str> = text.split_whitespace().collect();
    if tokens.is_empty() {
        return Err(
            "the mixture is empty (name a class: neutral, angry, contempt, disgusted, fear, happy, sad, surprised)"
                .into(),
        );
    }
    let mut mixture = [0.0; N_CLASSES];
    let mut i = 0;
    while i < tokens.len() {
        let Some(class) = EmotionPreset::from_name(tokens[i]) else {
            return Err(format!(
                "\"{}\" is not a class (neutral, angry, contempt, disgusted, fear, happy, sad, surprised)",
                tokens[i]
            ));
        };
        let weight = match tokens.get(i + 1).map(|t| t.parse::<f32>()) {
            Some(Ok(w)) => {
                i += 2;
                w
            }
            _ if tokens.len() == 1 => {
                i += 1;
                1.0
            }
            _ => return Err(format!("a weight must follow \"{}\" when the mixture names several classes", tokens[i])),
        };
        if !(weight > 0.0 && weight <= 1.0) {
            return Err(format!("the weight of \"{}\" must be in (0, 1], found {weight}", tokens[i - 2]));
        }
        let k = super::space::class_index(class);
        if mixture[k] > 0.0 {
            return Err(format!("\"{}\" appears twice in the mixture", class.name()));
        }
        mixture[k] = weight;
    }
    let total: f32 = mixture.iter().sum();
    if (total - 1.0).abs() > 0.011 {
        return Err(format!("the mixture weights add up to {total}, not 1"));
    }
    Ok(mixture)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builtin_lexicon_reads_and_is_large() {
        let lex = Lexicon::builtin();
        assert!(lex.entries().len() >= 400, "{} entries", lex.entries().len());
        assert!(lex.longest_phrase() >= 4);
        for p in EmotionPreset::ALL {
            let key = if p == EmotionPreset::Fear { "afraid" } else { p.name() };
            let e = lex.get(key).unwrap_or_else(|| panic!("{key}"));
            assert_eq!(e.embedding.dominant(), p, "{key}");
        }
    }

    #[test]
    fn morphology_and_spelling_find_the_base_word() {
        let lex = Lexicon::builtin();
        let cases = [
            ("angrily", "angry"),
            ("happily", "happy"),
            ("sadly", "sad"),
            ("fearfully", "fearful"),
            ("cheerfulness", "cheerful"),
            ("gloominess", "gloomy"),
            ("loneliness", "lonely"),
            ("annoyance", "annoyed"),
            ("irritation", "irritated"),
            ("frustration", "frustrated"),
            ("amusement", "amused"),
            ("excitement", "excited"),
            ("terrifying", "terrified"),
            ("worrying", "worried"),
            ("curiosity", "curious"),
            ("surprisingly", "surprised"),
            ("sadder", "sad"),
            ("angriest", "angry"),
            ("saddened", "sad"),
            ("nervousness", "nervous"),
            ("jealousy", "jealous"),
            ("heart-broken", "heartbroken"),
            ("suprised", "surprised"),
            ("angyr", "angry"),
            ("disgsted", "disgusted"),
            ("furios", "furious"),
        ];
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(word, key)| lex.find(word).map(|e| e.0.key.as_str()) != Some(*key))
            .map(|(word, key)| format!("{word}: {:?}, expected {key}", lex.find(word).map(|e| e.0.key.clone())))
            .collect();
        assert!(wrong.is_empty(), "{wrong:#?}");
        assert!(
            matches!(lex.find("angriest"), Some((_, LexiconMatch::Morphology { intensity_shift })) if intensity_shift > 1.0)
        );
        for nonsense in ["table", "xyz", "sod", "the", "walked", "banana"] {
            assert!(lex.find(nonsense).is_none(), "{nonsense} -> {:?}", lex.find(nonsense).map(|e| &e.0.key));
        }
    }

    #[test]
    fn bad_lexicon_lines_name_the_line() {
        let cases = [
            ("joy | happy | 0.5 0.5 0.5", 1, "4 fields"),
            ("\n\njoy | hapy | 0.5 0.5 0.5 | 2", 3, "\"hapy\" is not a class"),
            ("joy | happy .5 sad | 0.5 0.5 0.5 | 2", 1, "a weight must follow \"sad\""),
            ("joy | happy .5 sad .2 | 0.5 0.5 0.5 | 2", 1, "add up to 0.7"),
            ("joy | happy | 0.5 0.5 | 2", 1, "expected 3 numbers, found 2"),
            ("joy | happy | 0.5 x 0.5 | 2", 1, "\"x\" is not a number"),
            ("joy | happy | 1.5 0 0 | 2", 1, "[-1, 1]"),
            ("joy | happy | 0 0 0 | 4", 1, "[0, 3]"),
            ("joy | happy | 0 0 0 | 2\nJoy | sad | 0 0 0 | 2", 2, "already defined on line 1"),
            (" | happy | 0 0 0 | 2", 1, "the key is empty"),
            ("joy | happy happy | 0 0 0 | 2", 1, "weight must follow"),
        ];
        for (text, line, fragment) in cases {
            let e = Lexicon::parse(text, "mine.txt").unwrap_err();
            assert_eq!(e.line, line, "{text:?}: {e}");
            assert!(e.to_string().starts_with(&format!("mine.txt:{line}: ")), "{e}");
            assert!(e.message.contains(fragment), "{text:?}: {e}");
        }
    }

    #[test]
    fn extending_overrides_and_adds() {
        let mut lex = Lexicon::builtin().clone();
        let n = lex.entries().len();
        let mine =
            Lexicon::parse("happy | sad | -0.5 -0.2 -0.3 | 1\nhangry | angry .6 sad .4 | -0.6 0.6 0 | 2", "x").unwrap();
        lex.extend(mine);
        assert_eq!(lex.entries().len(), n + 1);
        assert_eq!(lex.get("happy").unwrap().embedding.dominant(), EmotionPreset::Sad);
        assert_eq!(lex.find("hangry").unwrap().0.embedding.dominant(), EmotionPreset::Angry);
    }
}
