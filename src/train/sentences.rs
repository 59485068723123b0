//! Seeded English sentences for the synthetic corpus.
//!
//! A small grammar (subject, verb, object, adjuncts, questions, exclamations, lists and numbers)
//! over a hand-picked vocabulary of about 400 common words, chosen so that every English phone
//! occurs often and bilabials (`M B P`), labiodentals (`F V`), rounded and open vowels meet
//! each other in many contexts. The same seed gives the same sentences.

use rand::Rng;
use rand::seq::IndexedRandom;

const NAMES: &[&str] = &[
    "Bob", "Mary", "Peter", "Emma", "Paul", "Maya", "Victor", "Fiona", "Bill", "Molly", "Tom", "Olivia", "George",
    "Sophie", "Hugo", "Ruth", "Bobby", "Amber", "Philip", "Megan", "Oscar", "Judith", "Walter", "Yuki",
];

const NOUNS: &[&str] = &[
    "map", "boat", "apple", "book", "pipe", "window", "mountain", "beach", "bridge", "village", "market", "moon",
    "puppy", "monkey", "bottle", "basket", "bread", "butter", "picture", "paper", "member", "problem", "number",
    "machine", "mirror", "garden", "forest", "river", "ocean", "farmer", "family", "father", "mother", "baby",
    "brother", "people", "money", "letter", "flower", "fire", "voice", "valley", "village", "office", "coffee",
    "phone", "fish", "van", "wolf", "wheel", "watch", "water", "window", "youth", "yard", "zebra", "thumb", "theatre",
    "thread", "shoe", "ship", "chair", "cheese", "judge", "jacket", "juice", "king", "queen", "cat", "dog", "goat",
    "horse", "house", "kitchen", "lamp", "ladder", "night", "noon", "road", "rope", "room", "song", "sun", "soup",
    "table", "teacher", "tower", "tooth", "owl", "oak", "engine", "island", "umbrella", "echo", "army", "idea",
    "ocean", "hour", "voyage", "pumpkin", "pebble", "bubble", "pepper", "mop", "bomb", "beam", "palm", "plum", "lamb",
    "camp", "stamp", "lip", "cup", "bob", "web", "tub", "robe", "soap", "wool", "cloud",
];

const ADJECTIVES: &[&str] = &[
    "big", "small", "bright", "brown", "purple", "blue", "pale", "happy", "broken", "empty", "famous", "foolish",
    "heavy", "humble", "odd", "old", "open", "awful", "amazing", "proper", "public", "simple", "rough", "smooth",
    "soft", "warm", "cool", "wild", "yellow", "wooden", "golden", "frozen", "modern", "ancient", "pretty", "tiny",
    "huge", "quiet", "loud", "gentle", "bitter", "sweet", "sharp", "thick", "thin", "cheap", "fresh", "muddy",
];

const VERBS_PAST: &[&str] = &[
    "bought",
    "brought",
    "found",
    "moved",
    "opened",
    "painted",
    "pushed",
    "pulled",
    "mapped",
    "bumped",
    "pumped",
    "dropped",
    "grabbed",
    "hid",
    "kept",
    "lost",
    "made",
    "met",
    "missed",
    "passed",
    "picked",
    "played",
    "saw",
    "showed",
    "stopped",
    "took",
    "threw",
    "touched",
    "visited",
    "washed",
    "watched",
    "wanted",
    "fixed",
    "followed",
    "borrowed",
    "believed",
    "loved",
    "carried",
    "cooked",
    "measured",
    "pointed at",
    "looked at",
    "talked about",
];

const VERBS_BASE: &[&str] = &[
    "buy", "bring", "find", "move", "open", "paint", "push", "pull", "map", "drop", "grab", "keep", "make", "meet",
    "miss", "pass", "pick", "play", "see", "show", "stop", "take", "throw", "touch", "visit", "wash", "watch", "fix",
    "follow", "borrow", "carry", "cook", "measure",
];

const ADVERBS: &[&str] = &[
    "maybe",
    "probably",
    "quickly",
    "slowly",
    "happily",
    "barely",
    "briefly",
    "openly",
    "quietly",
    "loudly",
    "often",
    "always",
    "never",
    "perhaps",
    "obviously",
    "simply",
    "finally",
    "early",
    "away",
    "above",
    "beneath",
];

const PLACES: &[&str] = &[
    "by the bridge",
    "at the market",
    "on the beach",
    "in the morning",
    "near the mountain",
    "under the moon",
    "before dinner",
    "after the storm",
    "behind the barn",
    "in the palace",
    "at the bottom of the pool",
    "over the hill",
    "through the window",
    "across the room",
    "beyond the valley",
    "inside the museum",
];

const INTERJECTIONS: &[&str] =
    &["Oh", "Wow", "Hmm", "Well", "Look", "Oh my", "Hey", "Please", "Ah", "Ouch", "Bravo", "Whoa", "Yes", "No"];

const NUMBERS: &[&str] = &[
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "fifty",
    "ninety",
    "a hundred",
    "a thousand",
    "zero",
];

fn pick<'a, R: Rng>(rng: &mut R, words: &[&'a str]) -> &'a str {
    words.choose(rng).copied().unwrap_or("map")
}

fn noun_phrase<R: Rng>(rng: &mut R) -> String {
    match rng.random_range(0..5) {
        0 => pick(rng, NAMES).to_string(),
        1 => format!("the {}", pick(rng, NOUNS)),
        2 => format!("the {} {}", pick(rng, ADJECTIVES), pick(rng, NOUNS)),
        3 => format!("my {}", pick(rng, NOUNS)),
        _ => format!("{} {}s", pick(rng, NUMBERS), pick(rng, NOUNS)),
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// One sentence of 4 to about 20 words.
pub fn sentence<R: Rng>(rng: &mut R) -> String {
    let s = match rng.random_range(0..8) {
        0 | 1 => format!("{} {} {}.", noun_phrase(rng), pick(rng, VERBS_PAST), noun_phrase(rng)),
        2 => format!(
            "{} {} {} {} {}.",
            noun_phrase(rng),
            pick(rng, ADVERBS),
            pick(rng, VERBS_PAST),
            noun_phrase(rng),
            pick(rng, PLACES)
        ),
        3 => format!("did {} {} {} {}?", noun_phrase(rng), pick(rng, VERBS_BASE), noun_phrase(rng), pick(rng, PLACES)),
        4 => format!(
            "{}, {} {} {}!",
            pick(rng, INTERJECTIONS),
            noun_phrase(rng),
            pick(rng, VERBS_PAST),
            noun_phrase(rng)
        ),
        5 => format!("{} {}, {} and {}.", pick(rng, VERBS_BASE), noun_phrase(rng), noun_phrase(rng), noun_phrase(rng)),
        6 => format!(
            "{} said that {} {} {}.",
            pick(rng, NAMES),
            noun_phrase(rng),
            pick(rng, VERBS_PAST),
            noun_phrase(rng)
        ),
        _ => format!(
            "{} {} {}, but {} {} {}.",
            noun_phrase(rng),
            pick(rng, VERBS_PAST),
            noun_phrase(rng),
            noun_phrase(rng),
            pick(rng, VERBS_PAST),
            noun_phrase(rng)
        ),
    };
    capitalise(&s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;

    #[test]
    fn seeded_and_varied() {
        let make = |seed| {
            let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
            (0..50).map(|_| sentence(&mut rng)).collect::<Vec<_>>()
        };
        let a = make(3);
        assert_eq!(a, make(3));
        assert_ne!(a, make(4));
        let distinct: std::collections::HashSet<_> = a.iter().collect();
        assert!(distinct.len() >= 48, "{distinct:?}");
        for s in &a {
            let words = s.split_whitespace().count();
            assert!((3..=24).contains(&words), "{s}");
            assert!(s.chars().next().is_some_and(char::is_uppercase), "{s}");
        }
    }
}
