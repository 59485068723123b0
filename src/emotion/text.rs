//! The text encoder: what a writer's words mean in the emotion space.
//!
//! A parsed spec ([`super::spec`]) is a list of weighted terms. Each term's words are read left
//! to right, longest lexicon phrase first, into:
//!
//! - **emotion words**: lexicon keys, or words found through morphology and near spellings
//!   ([`Lexicon::find`]), or, when a [`SemanticEncoder`] is configured, the nearest keys in its
//!   space;
//! - **modifiers**, which move the intensity: diminishers (`slightly`, `a bit`, `somewhat`) and
//!   intensifiers (`very`, `really`, `extremely`, `utterly`), see [`MODIFIERS`];
//! - **negations** (`not`, `never`, `isn't`, `not at all`) and negating prefixes (`unafraid`,
//!   `displeased`), which act on everything after them in the term;
//! - **fillers** (`feeling`, `looking`, `I'm`), which mean nothing here.
//!
//! **Compounds.** Several emotion words in one term (`sadly surprised`, `angry sad`) make a
//! compound: the weighted mean of the words' embeddings, the last word (the head) weighing
//! [`HEAD_WEIGHT`] and the others sharing the rest, so a compound lies between its parts, nearer
//! its head, as the paper's compound styles are means of their parts' embeddings. Its face takes
//! each region from the part that leads it there ([`crate::face::compound`]): a "sadly
//! surprised" face has sadness's brows over surprise's dropped jaw.
//!
//! **Intensity** (0–3): the words' own intensities (mixed like the embeddings) moved in logit
//! space, `mu = 3·σ(logit(mu0/3) + Σ shift)`, so modifiers stack, never leave (0, 3) and keep
//! their order: `slightly` (−1.2) < plain < `very` (+0.9) < `extremely` (+1.6). An explicit
//! `:x` in the spec replaces it.
//!
//! **Negation** follows the asymmetry sentiment analysis finds (Taboada et al. 2011,
//! "Lexicon-based methods for sentiment analysis"): a negated positive word reads as mildly
//! negative ("not happy" is 55 % sad, 45 % neutral), a negated negative word as calm, not as its
//! opposite ("not angry" is neutral and a little pleasant, not happy). The result is weaker than
//! the word (−0.8 in logit), and modifiers under a negation act the other way round ("not very
//! happy" is milder than "not happy"), except the strengthening `not at all`.
//!
//! **Unknown words** are listed in the result's warnings by name; a term with no emotion word is
//! neutral at intensity 0, so text never fails to resolve once it parses.

use std::ops::Range;

use super::lexicon::{Lexicon, LexiconMatch, normalise_key};
use super::space::{EmotionEmbedding, N_CLASSES, class_index};
use super::spec::{ParsedSpec, SpecTerm};
use crate::face::EmotionPreset;

/// Weight of a compound's last emotion word (the others share the rest).
pub const HEAD_WEIGHT: f32 = 0.6;
/// Logit shift of a negation.
const NEGATION_SHIFT: f32 = -0.8;

/// Words and phrases that move intensity, with their logit shift.
pub const MODIFIERS: &[(&str, f32)] = &[
    ("barely", -1.8),
    ("hardly", -1.8),
    ("a tiny bit", -1.4),
    ("marginally", -1.4),
    ("faintly", -1.3),
    ("vaguely", -1.3),
    ("slightly", -1.2),
    ("subtly", -1.2),
    ("a touch", -1.1),
    ("a tad", -1.1),
    ("a little bit", -1.1),
    ("a bit", -1.0),
    ("a little", -1.0),
    ("little", -1.0),
    ("mildly", -1.0),
    ("lightly", -1.0),
    ("partly", -0.8),
    ("somewhat", -0.7),
    ("kind of", -0.7),
    ("kinda", -0.7),
    ("sort of", -0.7),
    ("sorta", -0.7),
    ("moderately", -0.4),
    ("almost", -0.4),
    ("fairly", -0.3),
    ("rather", -0.2),
    ("pretty", 0.2),
    ("quite", 0.3),
    ("genuinely", 0.6),
    ("particularly", 0.7),
    ("especially", 0.7),
    ("properly", 0.7),
    ("darn", 0.8),
    ("very", 0.9),
    ("really", 0.9),
    ("real", 0.9),
    ("so", 0.9),
    ("too", 0.9),
    ("truly", 0.9),
    ("highly", 0.9),
    ("seriously", 0.9),
    ("deeply", 1.0),
    ("damn", 1.0),
    ("dead", 1.0),
    ("super", 1.1),
    ("terribly", 1.1),
    ("awfully", 1.1),
    ("dreadfully", 1.1),
    ("frightfully", 1.1),
    ("horribly", 1.2),
    ("bloody", 1.2),
    ("most", 1.2),
    ("thoroughly", 1.3),
    ("painfully", 1.3),
    ("incredibly", 1.4),
    ("intensely", 1.4),
    ("profoundly", 1.4),
    ("hugely", 1.4),
    ("massively", 1.4),
    ("ridiculously", 1.4),
    ("desperately", 1.4),
    ("completely", 1.5),
    ("totally", 1.5),
    ("entirely", 1.5),
    ("immensely", 1.5),
    ("enormously", 1.5),
    ("exceedingly", 1.5),
    ("wildly", 1.5),
    ("extremely", 1.6),
    ("insanely", 1.6),
    ("unbelievably", 1.6),
    ("beyond", 1.6),
    ("utterly", 1.7),
    ("absolutely", 1.7),
    ("overwhelmingly", 1.8),
];

/// Negating words and phrases; `true` for the strengthening "not at all" kind.
const NEGATIONS: &[(&str, bool)] = &[
    ("not at all", true),
    ("not remotely", true),
    ("not in the least", true),
    ("not one bit", true),
    ("not", false),
    ("never", false),
    ("no", false),
    ("no longer", false),
    ("isn't", false),
    ("aren't", false),
    ("wasn't", false),
    ("weren't", false),
    ("ain't", false),
    ("don't", false),
    ("doesn't", false),
    ("didn't", false),
    ("won't", false),
    ("nor", false),
    ("without", false),
];

/// Words that carry no emotion of their own.
const FILLERS: &[&str] = &[
    "a",
    "an",
    "the",
    "i",
    "i'm",
    "im",
    "me",
    "my",
    "you",
    "you're",
    "he",
    "she",
    "he's",
    "she's",
    "it",
    "it's",
    "they",
    "they're",
    "we",
    "we're",
    "am",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "feel",
    "feels",
    "feeling",
    "felt",
    "look",
    "looks",
    "looking",
    "looked",
    "seem",
    "seems",
    "seeming",
    "seemed",
    "sound",
    "sounds",
    "sounding",
    "act",
    "acting",
    "get",
    "getting",
    "got",
    "become",
    "becoming",
    "grow",
    "growing",
    "with",
    "of",
    "in",
    "at",
    "about",
    "by",
    "mood",
    "face",
    "expression",
    "tone",
    "voice",
    "but",
    "yet",
    "still",
    "more",
    "than",
    "bit",
    "kind",
    "sort",
    "way",
    "manner",
    "somehow",
    "just",
    "all",
    "now",
    "then",
    "also",
    "emotion",
    "emotional",
    "emotionally",
    "feelings",
    "state",
];

/// Prefixes that negate the rest of a word (`unafraid`, `displeased`, `non-violent`).
const NEGATING_PREFIXES: &[&str] = &["non-", "non", "un", "dis", "in"];

/// The error of a [`SemanticEncoder`]: whatever error the implementation has, boxed, so that
/// third-party encoders can return their own types (the crate's CLIP encoder, `onnx::ClipEncoder`
/// with the `onnx` feature, returns its `OnnxError`; downcast to get it back). The text reader
/// treats a failing encoder as one that knows no nearest keys.
pub type EncoderError = Box<dyn std::error::Error + Send + Sync>;

/// An encoder that places text in a space of its own (a CLIP text tower, say), used to find the
/// nearest lexicon keys of a word the lexicon does not know.
pub trait SemanticEncoder: Send + Sync {
    /// A short name for reports.
    fn name(&self) -> &str;
    /// The embedding of a word or phrase (any length, compared by cosine similarity).
    fn embed_text(&self, text: &str) -> Result<Vec<f32>, EncoderError>;
    /// The embeddings of the lexicon keys, cached by the implementation (same order as
    /// `lexicon.entries()`).
    fn key_embeddings(&self, lexicon: &Lexicon) -> Result<std::sync::Arc<Vec<Vec<f32>>>, EncoderError>;
}

/// What one word (or phrase) of the text was read as.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct WordReading {
    /// The words, as typed (lower case).
    pub text: String,
    /// Their characters in the spec.
    pub span: Range<usize>,
    /// What they were read as.
    pub role: WordRole,
}

/// The role of a word in a term.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[serde(tag = "role", rename_all = "snake_case")]
pub enum WordRole {
    /// An emotion word; `key` is the lexicon entry it was read as.
    Emotion {
        /// The lexicon key.
        key: String,
        /// How it was found: `"lexicon"`, `"morphology"`, `"spelling"`, `"semantic"`.
        via: &'static str,
        /// Whether a negating prefix was taken off (`unafraid` → `afraid`, negated).
        negated_prefix: bool,
    },
    /// An intensity modifier with its logit shift.
    Modifier {
        /// The shift.
        shift: f32,
    },
    /// A negation.
    Negation,
    /// A word with no emotional meaning here.
    Filler,
    /// A word that was not understood.
    Unknown,
}

/// A word that was not understood, or was guessed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct TextWarning {
    /// The word.
    pub word: String,
    /// Its characters in the spec.
    pub span: Range<usize>,
    /// What happened.
    pub message: String,
}

/// The meaning of one term.
#[derive(Debug, Clone, PartialEq)]
pub struct TermReading {
    /// The term's phrase.
    pub phrase: String,
    /// Its share of the spec.
    pub weight: f32,
    /// Where it lies.
    pub embedding: EmotionEmbedding,
    /// Its intensity, 0–3.
    pub intensity: f32,
    /// How each word was read.
    pub words: Vec<WordReading>,
}

/// The meaning of a whole text spec.
#[derive(Debug, Clone, PartialEq)]
pub struct TextReading {
    /// The blend of the terms.
    pub embedding: EmotionEmbedding,
    /// The weighted mean of the terms' intensities.
    pub intensity: f32,
    /// Each term.
    pub terms: Vec<TermReading>,
    /// Words that were not understood or were guessed.
    pub warnings: Vec<TextWarning>,
}

/// Reads a parsed spec with a lexicon and, optionally, a semantic encoder for unknown words.
pub fn read_spec(spec: &ParsedSpec, lexicon: &Lexicon, semantic: Option<&dyn SemanticEncoder>) -> TextReading {
    let mut warnings = Vec::new();
    let terms: Vec<TermReading> = spec.terms.iter().map(|t| read_term(t, lexicon, semantic, &mut warnings)).collect();
    let embedding = EmotionEmbedding::blend(&terms.iter().map(|t| (t.embedding, t.weight)).collect::<Vec<_>>());
    let intensity = terms.iter().map(|t| t.weight * t.intensity).sum::<f32>().clamp(0.0, 3.0);
    TextReading { embedding, intensity, terms, warnings }
}

#[derive(Clone)]
enum Item {
    Emotion { embedding: EmotionEmbedding, intensity: f32, shift: f32, negated: bool },
    Modifier(f32),
    Negation { strong: bool },
    Other,
}

fn read_term(
    term: &SpecTerm,
    lexicon: &Lexicon,
    semantic: Option<&dyn SemanticEncoder>,
    warnings: &mut Vec<TextWarning>,
) -> TermReading {
    let words: Vec<String> = term.words.iter().map(|w| normalise_key(&w.text)).collect();
    let mut items = Vec::new();
    let mut readings = Vec::new();
    let mut i = 0;
    while i < words.len() {
        let (n, item, role) = read_at(&words[i..], lexicon, semantic);
        let span = term.words[i].span.start..term.words[i + n - 1].span.end;
        let text = words[i..i + n].join(" ");
        match &role {
            WordRole::Unknown => warnings.push(TextWarning {
                word: text.clone(),
                span: span.clone(),
                message: format!("\"{text}\" is not an emotion word emotalk knows; it was ignored"),
            }),
            WordRole::Emotion { key, via: via @ ("spelling" | "semantic"), .. } => warnings.push(TextWarning {
                word: text.clone(),
                span: span.clone(),
                message: format!("\"{text}\" is not in the lexicon; read as \"{key}\" ({via})"),
            }),
            _ => {}
        }
        items.push(item);
        readings.push(WordReading { text, span, role });
        i += n;
    }
    let (embedding, intensity) = combine(&items);
    TermReading {
        phrase: term.phrase(),
        weight: term.weight,
        embedding,
        intensity: term.intensity.unwrap_or(intensity),
        words: readings,
    }
}

/// Reads the item starting at `words[0]`; returns how many words it took.
fn read_at(words: &[String], lexicon: &Lexicon, semantic: Option<&dyn SemanticEncoder>) -> (usize, Item, WordRole) {
    let longest = lexicon.longest_phrase().max(4).min(words.len());
    for n in (1..=longest).rev() {
        let phrase = words[..n].join(" ");
        if let Some(&(_, strong)) = NEGATIONS.iter().find(|(k, _)| *k == phrase) {
            return (n, Item::Negation { strong }, WordRole::Negation);
        }
        if let Some(&(_, shift)) = MODIFIERS.iter().find(|(k, _)| *k == phrase) {
            return (n, Item::Modifier(shift), WordRole::Modifier { shift });
        }
        if let Some(e) = lexicon.get(&phrase) {
            let role = WordRole::Emotion { key: e.key.clone(), via: "lexicon", negated_prefix: false };
            return (n, emotion_item(e.embedding, e.intensity, 0.0, false), role);
        }
    }
    let word = words[0].as_str();
    if FILLERS.contains(&word) {
        return (1, Item::Other, WordRole::Filler);
    }
    let found = |e: &super::lexicon::LexiconEntry, how: LexiconMatch, negated: bool| {
        let (via, shift) = match how {
            LexiconMatch::Exact => ("lexicon", 0.0),
            LexiconMatch::Morphology { intensity_shift } => ("morphology", intensity_shift),
            LexiconMatch::Spelling { .. } => ("spelling", 0.0),
        };
        let via = if negated { "morphology" } else { via };
        let role = WordRole::Emotion { key: e.key.clone(), via, negated_prefix: negated };
        (1, emotion_item(e.embedding, e.intensity, shift, negated), role)
    };
    if let Some((e, how)) = lexicon.find_exact_or_inflected(word) {
        return found(e, how, false);
    }
    // A negating prefix on a known word (`unafraid`, `displeased`), before near spellings so
    // that "unafraid" is not read as a misspelt "afraid".
    for prefix in NEGATING_PREFIXES {
        let Some(rest) = word.strip_prefix(prefix) else { continue };
        if rest.chars().count() < 4 {
            continue;
        }
        if let Some((e, how)) = lexicon.find_exact_or_inflected(rest) {
            return found(e, how, true);
        }
    }
    if let Some((e, how)) = lexicon.find_near_spelling(word) {
        return found(e, how, false);
    }
    if let Some((embedding, intensity, key)) = semantic.and_then(|s| nearest_keys(s, lexicon, word)) {
        let role = WordRole::Emotion { key, via: "semantic", negated_prefix: false };
        return (1, emotion_item(embedding, intensity, 0.0, false), role);
    }
    (1, Item::Other, WordRole::Unknown)
}

fn emotion_item(embedding: EmotionEmbedding, intensity: f32, shift: f32, negated: bool) -> Item {
    Item::Emotion { embedding, intensity, shift, negated }
}

/// The similarity-weighted mean of the 3 nearest lexicon keys in the encoder's space (cosine
/// similarity above 0.5 only); the name is the nearest key.
fn nearest_keys(s: &dyn SemanticEncoder, lexicon: &Lexicon, word: &str) -> Option<(EmotionEmbedding, f32, String)> {
    let q = s.embed_text(word).ok()?;
    let keys = s.key_embeddings(lexicon).ok()?;
    let mut scored: Vec<(f32, usize)> = keys.iter().enumerate().map(|(i, k)| (cosine(&q, k), i)).collect();
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let top: Vec<(f32, usize)> = scored.into_iter().take(3).filter(|(c, _)| *c > 0.5).collect();
    let first = top.first()?.1;
    let entries = lexicon.entries();
    let parts: Vec<(EmotionEmbedding, f32)> = top.iter().map(|&(c, i)| (entries[i].embedding, c)).collect();
    let total: f32 = top.iter().map(|(c, _)| c).sum();
    let intensity = top.iter().map(|&(c, i)| c * entries[i].intensity).sum::<f32>() / total;
    Some((EmotionEmbedding::blend(&parts), intensity, entries[first].key.clone()))
}

fn cosine(a: &[f32], b: &[f32]) -> f32 {
    let dot: f32 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f32>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f32>().sqrt();
    if na > 0.0 && nb > 0.0 { dot / (na * nb) } else { 0.0 }
}

/// Combines a term's items (see the module docs).
fn combine(items: &[Item]) -> (EmotionEmbedding, f32) {
    // A negation acts on everything after it: split at the first one and recurse.
    let negation = items.iter().enumerate().find_map(|(i, item)| match item {
        Item::Negation { strong } => Some((i, *strong)),
        _ => None,
    });
    if let Some((at, strong)) = negation {
        let before = &items[..at];
        let Some((inner, inner_mu)) = combine_scope(&items[at + 1..], true) else {
            // "not" with no emotion after it: ignore the negation.
            let rest: Vec<Item> = before.iter().chain(&items[at + 1..]).cloned().collect();
            return combine(&rest);
        };
        let (negated, mut mu) = negate(inner, inner_mu);
        if strong {
            mu = shift_intensity(mu, 0.9);
        }
        let shift: f32 = before.iter().map(|i| if let Item::Modifier(s) = i { *s } else { 0.0 }).sum();
        return (negated, shift_intensity(mu, shift));
    }
    combine_scope(items, false).unwrap_or((EmotionEmbedding::preset(EmotionPreset::Neutral), 0.0))
}

/// The compound and intensity of items with no negation word; `None` when there is no emotion
/// word. Inside a negation's scope (`negated_scope`), modifiers act the other way round.
fn combine_scope(items: &[Item], negated_scope: bool) -> Option<(EmotionEmbedding, f32)> {
    let emotions: Vec<(EmotionEmbedding, f32)> = items
        .iter()
        .filter_map(|i| match i {
            Item::Emotion { embedding, intensity, shift, negated } => {
                let mu = shift_intensity(*intensity, *shift);
                Some(if *negated { negate(*embedding, mu) } else { (*embedding, mu) })
            }
            _ => None,
        })
        .collect();
    if emotions.is_empty() {
        return None;
    }
    let n = emotions.len();
    let weights: Vec<f32> = (0..n)
        .map(|k| {
            if n == 1 {
                1.0
            } else if k == n - 1 {
                HEAD_WEIGHT
            } else {
                (1.0 - HEAD_WEIGHT) / (n - 1) as f32
            }
        })
        .collect();
    let embedding =
        EmotionEmbedding::blend(&emotions.iter().zip(&weights).map(|((e, _), w)| (*e, *w)).collect::<Vec<_>>());
    let mu0: f32 = emotions.iter().zip(&weights).map(|((_, mu), w)| mu * w).sum();
    let sign = if negated_scope { -1.0 } else { 1.0 };
    let shift: f32 = items.iter().map(|i| if let Item::Modifier(s) = i { sign * s } else { 0.0 }).sum();
    Some((embedding, shift_intensity(mu0, shift)))
}

/// Moves an intensity in logit space: `3·σ(logit(mu/3) + shift)`.
pub fn shift_intensity(mu: f32, shift: f32) -> f32 {
    if shift == 0.0 {
        return mu;
    }
    let p = (mu / 3.0).clamp(1e-4, 1.0 - 1e-4);
    let logit = (p / (1.0 - p)).ln() + shift;
    3.0 / (1.0 + (-logit).exp())
}

/// "not X": see the module docs.
fn negate(e: EmotionEmbedding, mu: f32) -> (EmotionEmbedding, f32) {
    let (v, a, d) = (e.valence(), e.arousal(), e.dominance());
    let mut mixture = [0.0; N_CLASSES];
    let negated = if v > 0.1 {
        mixture[class_index(EmotionPreset::Neutral)] = 0.45;
        mixture[class_index(EmotionPreset::Sad)] = 0.55;
        EmotionEmbedding::from_parts(mixture, [-0.5 * v, 0.5 * a - 0.2, -0.5 * d.abs()])
    } else {
        mixture[class_index(EmotionPreset::Neutral)] = 1.0;
        EmotionEmbedding::from_parts(mixture, [(0.1 - 0.3 * v).min(0.4), (-0.5 * a.abs()).min(-0.2), 0.1])
    };
    (negated, shift_intensity(mu, NEGATION_SHIFT))
}
