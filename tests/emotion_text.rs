//! The text encoder: what writers type lands in the right family, compounds between their parts,
//! intensity words in order, negation and unknown words handled.

use emotalk::emotion::text::{EncoderError, SemanticEncoder, WordRole};
use emotalk::emotion::{EmotionEncoders, EmotionSpec, Lexicon, ResolvedEmotion, parse_spec, read_spec};
use emotalk::face::EmotionPreset::{self, *};

type B = burn::backend::Flex;

fn resolve(text: &str) -> ResolvedEmotion {
    EmotionSpec::text(text).resolve(&EmotionEncoders::<B>::builtin()).unwrap_or_else(|e| panic!("{text}: {e}"))
}

#[test]
fn every_mead_class_resolves_to_itself() {
    for p in EmotionPreset::ALL {
        let r = resolve(p.name());
        assert_eq!(r.embedding.dominant(), p, "{}", p.name());
        assert_eq!(r.embedding.mixture()[emotalk::emotion::space::class_index(p)], 1.0, "{}", p.name());
        assert!(r.warnings.is_empty());
        assert_eq!(EmotionSpec::preset(p).resolve(&EmotionEncoders::<B>::builtin()).unwrap().embedding.dominant(), p);
    }
}

/// Words and phrases that are not lexicon keys: inflections, derivations, misspellings,
/// compounds, fillers, negated prefixes.
const NOT_KEYS: &[(&str, EmotionPreset)] = &[
    // adverbs
    ("angrily", Angry),
    ("furiously", Angry),
    ("irritably", Angry),
    ("happily", Happy),
    ("gleefully", Happy),
    ("joyfully", Happy),
    ("cheerfully", Happy),
    ("fearfully", Fear),
    ("nervously", Fear),
    ("anxiously", Fear),
    ("sorrowfully", Sad),
    ("miserably", Sad),
    ("gloomily", Sad),
    ("disgustedly", Disgusted),
    ("contemptuously", Contempt),
    ("scornfully", Contempt),
    ("sarcastically", Contempt),
    ("surprisingly", Surprised),
    ("amazedly", Surprised),
    // nouns
    ("cheerfulness", Happy),
    ("gloominess", Sad),
    ("loneliness", Sad),
    ("annoyance", Angry),
    ("irritation", Angry),
    ("frustration", Angry),
    ("exasperation", Angry),
    ("indignation", Angry),
    ("resentment", Angry),
    ("amusement", Happy),
    ("excitement", Happy),
    ("elation", Happy),
    ("contentment", Happy),
    ("amazement", Surprised),
    ("astonishment", Surprised),
    ("bewilderment", Surprised),
    ("nervousness", Fear),
    ("jealousy", Angry),
    ("bitterness", Angry),
    ("depression", Sad),
    ("desperation", Fear),
    ("humiliation", Sad),
    ("revoltingly", Disgusted),
    // comparatives, participles
    ("angrier", Angry),
    ("happier", Happy),
    ("sadder", Sad),
    ("gloomiest", Sad),
    ("terrifying", Fear),
    ("frightening", Fear),
    ("horrifying", Fear),
    ("infuriating", Angry),
    ("annoying", Angry),
    ("depressing", Sad),
    ("disgusting", Disgusted),
    ("saddened", Sad),
    ("angered", Angry),
    // misspellings
    ("suprised", Surprised),
    ("disgsted", Disgusted),
    ("furios", Angry),
    ("terified", Fear),
    ("exstatic", Happy),
    ("embarassed", Sad),
    ("dissapointed", Sad),
    ("greatful", Happy),
    // phrases and compounds
    ("sadly surprised", Surprised),
    ("happily surprised", Surprised),
    ("angrily disgusted", Disgusted),
    ("fearfully sad", Sad),
    ("feeling blue", Sad),
    ("looking worried", Fear),
    ("a bit down", Sad),
    ("really quite cross", Angry),
    ("totally freaked out", Fear),
    ("I'm so happy", Happy),
    ("not happy", Sad),
    ("not at all pleased", Sad),
    ("unamused", Sad),
    ("displeased", Sad),
    ("unafraid", Neutral),
    ("not angry", Neutral),
    ("never scared", Neutral),
    ("heart-broken", Sad),
    ("extremely pissed off", Angry),
];

#[test]
fn words_outside_the_lexicon_land_in_their_family() {
    let lex = Lexicon::builtin();
    assert!(NOT_KEYS.len() >= 60, "{}", NOT_KEYS.len());
    let mut wrong = Vec::new();
    for &(text, family) in NOT_KEYS {
        assert!(lex.get(&text.to_lowercase()).is_none(), "\"{text}\" is a lexicon key; pick another");
        let r = resolve(text);
        let misspelt = r.warnings.iter().all(|w| w.contains("read as"));
        if r.embedding.dominant() != family || !misspelt {
            wrong.push(format!("{text}: {:?} {:?}, expected {family:?}", r.embedding.dominant(), r.warnings));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

#[test]
fn compounds_lie_between_their_parts_nearer_the_head() {
    for (compound, adverb, head) in [
        ("sadly surprised", "sad", "surprised"),
        ("happily surprised", "happy", "surprised"),
        ("angrily sad", "angry", "sad"),
        ("fearfully angry", "fear", "angry"),
        ("disgustedly surprised", "disgusted", "surprised"),
        ("contemptuously happy", "contempt", "happy"),
    ] {
        let (c, a, h) = (resolve(compound).embedding, resolve(adverb).embedding, resolve(head).embedding);
        let (da, dh, dah) = (c.distance(&a), c.distance(&h), a.distance(&h));
        assert!((da + dh - dah).abs() < 1e-4, "{compound}: not on the segment ({da} + {dh} vs {dah})");
        assert!(dh < da, "{compound}: nearer the head word");
        assert!(c.valence() > a.valence().min(h.valence()) && c.valence() < a.valence().max(h.valence()));
    }
    // The parser's blends are equal means.
    let (c, a, h) = (resolve("happy+surprised").embedding, resolve("happy").embedding, resolve("surprised").embedding);
    assert!((c.distance(&a) - c.distance(&h)).abs() < 1e-5);
}

#[test]
fn intensity_words_order_correctly() {
    for word in
        ["happy", "sad", "angry", "surprised", "afraid", "disgusted", "annoyed", "furious", "calm", "contemptuous"]
    {
        let mu = |text: String| resolve(&text).intensity;
        let ladder = [
            mu(format!("barely {word}")),
            mu(format!("slightly {word}")),
            mu(format!("a bit {word}")),
            mu(format!("somewhat {word}")),
            mu(word.to_string()),
            mu(format!("very {word}")),
            mu(format!("extremely {word}")),
            mu(format!("absolutely {word}")),
        ];
        assert!(ladder.windows(2).all(|w| w[0] < w[1]), "{word}: {ladder:?}");
        assert!(ladder.iter().all(|m| (0.0..=3.0).contains(m)));
        // Modifiers do not change which emotion it is.
        assert_eq!(resolve(&format!("extremely {word}")).embedding, resolve(word).embedding);
    }
    // Words carry their own strength.
    assert!(resolve("annoyed").intensity < resolve("angry").intensity);
    assert!(resolve("angry").intensity < resolve("furious").intensity);
    assert!(resolve("angrier").intensity > resolve("angry").intensity);
    assert!(resolve("angriest").intensity > resolve("angrier").intensity);
    // An explicit intensity wins.
    assert_eq!(resolve("very happy:1.5").intensity, 1.5);
    assert_eq!(
        EmotionSpec::text("furious").with_intensity(1.0).resolve(&EmotionEncoders::<B>::builtin()).unwrap().intensity,
        1.0
    );
}

#[test]
fn negation_is_milder_and_asymmetric() {
    let happy = resolve("happy");
    let not_happy = resolve("not happy");
    assert!(not_happy.embedding.valence() < 0.0 && not_happy.intensity < happy.intensity);
    let not_angry = resolve("not angry");
    assert_eq!(not_angry.embedding.dominant(), Neutral);
    assert!(not_angry.embedding.valence() > 0.0 && not_angry.embedding.arousal() < 0.0, "not angry is calm");
    assert!(resolve("not very happy").intensity < not_happy.intensity, "milder");
    assert!(resolve("not at all happy").intensity > not_happy.intensity, "stronger");
    assert_eq!(resolve("isn't happy").embedding, not_happy.embedding);
    assert_eq!(resolve("unafraid").embedding, resolve("not afraid").embedding);
}

#[test]
fn unknown_words_are_named_and_never_fail() {
    let r = resolve("blorf");
    assert_eq!(r.embedding.dominant(), Neutral);
    assert_eq!(r.intensity, 0.0);
    assert_eq!(r.warnings.len(), 1);
    assert!(r.warnings[0].contains("\"blorf\""), "{:?}", r.warnings);
    let r = resolve("zxq happy wibble");
    assert_eq!(r.embedding.dominant(), Happy);
    assert_eq!(r.warnings.len(), 2);
    let t = r.text.unwrap();
    let roles: Vec<&WordRole> = t.terms[0].words.iter().map(|w| &w.role).collect();
    assert!(matches!(roles[..], [WordRole::Unknown, WordRole::Emotion { .. }, WordRole::Unknown]));
    assert_eq!(t.warnings[1].span, 10..16);
    // A guessed spelling is said too.
    assert!(resolve("suprised").warnings[0].contains("read as \"surprised\""));
}

#[test]
fn malformed_specs_are_errors_that_point_at_the_character() {
    let enc = EmotionEncoders::<B>::builtin();
    for (text, at) in [("happy:9", 6), ("happy, ", 7), ("50% angry, 40% sad", 11), ("sad ! angry", 4)] {
        let e = EmotionSpec::text(text).resolve(&enc).unwrap_err();
        let emotalk::emotion::EmotionError::Spec(s) = &e else { panic!("{text}: {e}") };
        assert_eq!(s.position, at, "{text}");
        assert!(e.to_string().lines().last().unwrap().find('^') == Some(2 + at), "{e}");
    }
}

/// A stand-in semantic encoder: letter-trigram counts (so it knows spelling, not meaning). It
/// shows that the nearest-neighbour path works; a CLIP text tower (feature `onnx`) is the real one.
struct Trigrams(std::sync::OnceLock<std::sync::Arc<Vec<Vec<f32>>>>);

impl Trigrams {
    fn vector(text: &str) -> Vec<f32> {
        let chars: Vec<char> = format!("  {text} ").chars().collect();
        let mut v = vec![0.0; 512];
        for w in chars.windows(3) {
            let h = w.iter().fold(7u32, |h, c| h.wrapping_mul(31).wrapping_add(*c as u32));
            v[(h % 512) as usize] += 1.0;
        }
        v
    }
}

impl SemanticEncoder for Trigrams {
    fn name(&self) -> &str {
        "trigrams"
    }
    fn embed_text(&self, text: &str) -> Result<Vec<f32>, EncoderError> {
        Ok(Self::vector(text))
    }
    fn key_embeddings(&self, lexicon: &Lexicon) -> Result<std::sync::Arc<Vec<Vec<f32>>>, EncoderError> {
        Ok(self
            .0
            .get_or_init(|| std::sync::Arc::new(lexicon.entries().iter().map(|e| Self::vector(&e.key)).collect()))
            .clone())
    }
}

#[test]
fn a_semantic_encoder_reads_what_the_lexicon_cannot() {
    let lex = Lexicon::builtin();
    let spec = parse_spec("despairful").unwrap();
    assert!(read_spec(&spec, lex, None).warnings[0].message.contains("not an emotion word"));
    let enc = Trigrams(Default::default());
    let r = read_spec(&spec, lex, Some(&enc));
    assert_eq!(r.embedding.dominant(), Sad, "{:?}", r.terms[0].words);
    assert!(r.warnings[0].message.contains("(semantic)"), "{:?}", r.warnings);
    // Words the encoder finds nothing near stay unknown.
    let r = read_spec(&parse_spec("qqqq").unwrap(), lex, Some(&enc));
    assert!(r.warnings[0].message.contains("not an emotion word"));
}
