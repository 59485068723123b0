//! The dialogue script format: worked examples, round trips, a table of malformed scripts with
//! their diagnostics, and random input that must never panic.

use emotalk::dialogue::{Item, Severity, parse, to_source};
use rand::{Rng, SeedableRng};

const HEADER: &str = "speaker ada portrait \"portraits/ada.png\" rig \"portraits/ada.rig.json\"\nspeaker tom portrait \"portraits/tom.png\"\n";

const EXAMPLE: &str = r#"# Two old friends at the gate.
speaker ada portrait "portraits/ada.png" rig "portraits/ada.rig.json"
speaker tom portrait "portraits/tom.png"   # rig beside the image

ada [happy] "Tom! You came back." <lines/ada_01.ogg>
tom [sadly surprised:2] "You lost it? {furious @1.2s}You LOST it?" <lines/tom_01.ogg>
pause 0.8s
ada "No tag: the voice decides. {{braces}} and a \"quote\" # not a comment" <lines/ada_02.ogg>
tom [a bit annoyed] "Fine. {calm @500ms}Fine. {very happy @2s}Let's go." <lines/tom_02.ogg>
"#;

#[test]
fn the_worked_example_reads_as_written() {
    let (script, diagnostics) = parse(EXAMPLE, "gate.talk");
    assert!(diagnostics.is_empty(), "{diagnostics:#?}");
    assert_eq!(script.speakers.len(), 2);
    assert_eq!(script.speakers[0].rig.as_deref(), Some("portraits/ada.rig.json".as_ref()));
    assert_eq!(script.speakers[1].rig, None);
    assert_eq!(script.items.len(), 5);
    let Item::Line(tom) = &script.items[1] else { panic!() };
    assert_eq!(tom.emotion.as_deref(), Some("sadly surprised:2"));
    assert_eq!(tom.text, "You lost it? You LOST it?");
    assert_eq!(tom.changes.len(), 1);
    assert_eq!((tom.changes[0].emotion.as_str(), tom.changes[0].at, tom.changes[0].text_offset), ("furious", 1.2, 13));
    assert_eq!(tom.line, 6);
    assert!(matches!(script.items[2], Item::Pause { seconds, line: 7 } if (seconds - 0.8).abs() < 1e-6));
    let Item::Line(ada) = &script.items[3] else { panic!() };
    assert_eq!(ada.emotion, None);
    assert_eq!(ada.text, "No tag: the voice decides. {braces} and a \"quote\" # not a comment");
    let Item::Line(last) = &script.items[4] else { panic!() };
    assert_eq!(last.changes.iter().map(|c| c.at).collect::<Vec<_>>(), [0.5, 2.0]);
}

#[test]
fn scripts_round_trip_through_their_source() {
    let (script, _) = parse(EXAMPLE, "gate.talk");
    let written = to_source(&script);
    let (again, diagnostics) = parse(&written, "written.talk");
    assert!(diagnostics.is_empty(), "{written}\n{diagnostics:#?}");
    assert_eq!(to_source(&again), written);
    assert_eq!(again.speakers.len(), script.speakers.len());
    for (a, b) in again.items.iter().zip(&script.items) {
        match (a, b) {
            (Item::Line(a), Item::Line(b)) => {
                assert_eq!(
                    (&a.speaker, &a.emotion, &a.text, &a.audio, &a.changes),
                    (&b.speaker, &b.emotion, &b.text, &b.audio, &b.changes)
                );
            }
            (Item::Pause { seconds: a, .. }, Item::Pause { seconds: b, .. }) => assert_eq!(a, b),
            _ => panic!("{a:?} vs {b:?}"),
        }
    }
}

/// (line after the two speaker declarations, expected line:column, a piece of the expectation,
/// a piece of what was found).
const MALFORMED: &[(&str, &str, &str, &str)] = &[
    ("ada [happy \"Hi\" <a.ogg>", "3:5", "closing ']'", "end of the line"),
    ("ada [] \"Hi\" <a.ogg>", "3:6", "an emotion", "nothing"),
    ("ada [happy:7] \"Hi\" <a.ogg>", "3:12", "intensity", "7"),
    ("ada [happy (] \"Hi\" <a.ogg>", "3:12", "an emotion", "'('"),
    ("ada [happy] Hi <a.ogg>", "3:13", "quoted subtitle", "'H'"),
    ("ada [happy] \"Hi <a.ogg>", "3:13", "closing '\"'", "end of the line"),
    ("ada [happy] \"Hi\"", "3:17", "audio file", "end of the line"),
    ("ada [happy] \"Hi\" <a.ogg", "3:18", "closing '>'", "end of the line"),
    ("ada [happy] \"Hi\" <>", "3:19", "audio file path", "nothing"),
    ("ada [happy] \"Hi\" <a.ogg> extra", "3:26", "end of the line", "'e'"),
    ("bob [happy] \"Hi\" <a.ogg>", "3:1", "declared speaker (ada, tom)", "`bob`"),
    ("ada \"Hi {angry 1.2s}there\" <a.ogg>", "3:10", "{emotion @time}", "angry 1.2s"),
    ("ada \"Hi {angry @soon}there\" <a.ogg>", "3:17", "a time", "`soon`"),
    ("ada \"Hi {angry @1.2s there\" <a.ogg>", "3:9", "closing '}'", "end of the subtitle"),
    ("ada \"Hi } there\" <a.ogg>", "3:9", "literal brace", "'}'"),
    ("ada \"A {angry @2s}b {calm @1s}c\" <a.ogg>", "3:28", "later time", "1s, after a change at 2s"),
    ("ada \"Hi {@1s}there\" <a.ogg>", "3:10", "an emotion before '@'", "nothing"),
    ("pause", "3:6", "duration", "end of the line"),
    ("pause soon", "3:7", "duration", "`soon`"),
    ("pause -1s", "3:7", "duration", "`-1s`"),
    ("pause 1s more", "3:10", "end of the line", "'m'"),
    ("speaker ada portrait \"x.png\"", "3:9", "new speaker's name", "declared before"),
    ("speaker eve", "3:12", "`portrait \"…\"`", "end of the line"),
    ("speaker eve portrait x.png", "3:22", "quoted portrait path", "'x'"),
    ("speaker eve portrait \"x.png\" hat \"y\"", "3:30", "`rig", "`hat`"),
    ("speaker pause portrait \"x.png\"", "3:9", "speaker's name", "keyword `pause`"),
    ("!!!", "3:1", "`speaker`, `pause`", "'!'"),
];

#[test]
fn every_malformed_line_gets_its_diagnostic() {
    assert!(MALFORMED.len() >= 20);
    for (line, at, expected, found) in MALFORMED {
        let source = format!("{HEADER}{line}\n");
        let (_, diagnostics) = parse(&source, "bad.talk");
        let errors: Vec<_> = diagnostics.iter().filter(|d| d.severity == Severity::Error).collect();
        assert_eq!(errors.len(), 1, "{line}: {diagnostics:#?}");
        let d = errors[0];
        assert_eq!(format!("{}:{}", d.line, d.column), *at, "{line}: {d}");
        assert!(d.expected.contains(expected), "{line}: expected `{}`", d.expected);
        assert!(d.found.contains(found), "{line}: found `{}`", d.found);
        assert!(d.to_string().starts_with(&format!("bad.talk:{at}: error: expected ")), "{d}");
    }
}

#[test]
fn unknown_emotion_words_warn_and_all_problems_are_reported_at_once() {
    let source = format!("{HEADER}ada [flibbertigibbet] \"Hi\" <a.ogg>\nbob \"x\" <b.ogg>\npause nope\n");
    let (script, diagnostics) = parse(&source, "many.talk");
    // The line with the unknown word still plays (neutral), with a warning at the word.
    assert_eq!(script.items.len(), 1);
    let warning = diagnostics.iter().find(|d| d.severity == Severity::Warning).unwrap();
    assert_eq!((warning.line, warning.column), (3, 6));
    assert!(warning.found.contains("flibbertigibbet"));
    let lines: Vec<usize> = diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.line).collect();
    assert_eq!(lines, [4, 5]);
}

#[test]
fn random_text_never_panics() {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(42);
    let alphabet: Vec<char> = "speakr pau ad[]{}<>\"\\@:#.0123456789smé\n\t ".chars().collect();
    for _ in 0..3000 {
        let n = rng.random_range(0..120);
        let tail: String = (0..n).map(|_| alphabet[rng.random_range(0..alphabet.len())]).collect();
        let (script, diagnostics) = parse(&format!("{HEADER}{tail}"), "fuzz.talk");
        for d in &diagnostics {
            assert!(d.line >= 1 && d.column >= 1, "{d}");
        }
        // Whatever was read writes back to a script that reads without errors.
        let (_, again) = parse(&to_source(&script), "again.talk");
        assert!(again.iter().all(|d| d.severity == Severity::Warning), "{:?}\n{again:#?}", to_source(&script));
    }
}
