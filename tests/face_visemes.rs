//! Phones → visemes → coarticulated blendshapes, checked on the real clips' forced alignments
//! against their reference aperture curves (`../shared/data/speech`, made by
//! `tools/lipsync/truth.py` from the same phones with its own table: agreement shows that our
//! table and coarticulation open and close the mouth where speech does).

use emotalk::face::visemes::{PhonesTsvError, aperture, phone_track, read_phones_tsv, viseme_of};

const SPEECH: &str = "../shared/data/speech";

fn clips() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(SPEECH)
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().to_str()?.strip_suffix(".phones.tsv").map(String::from))
        .collect();
    ids.sort();
    ids
}

fn pearson(a: &[f32], b: &[f32]) -> f32 {
    let n = a.len() as f32;
    let (ma, mb) = (a.iter().sum::<f32>() / n, b.iter().sum::<f32>() / n);
    let cov: f32 = a.iter().zip(b).map(|(x, y)| (x - ma) * (y - mb)).sum();
    let va: f32 = a.iter().map(|x| (x - ma).powi(2)).sum();
    let vb: f32 = b.iter().map(|y| (y - mb).powi(2)).sum();
    cov / (va * vb).sqrt()
}

#[test]
fn real_alignments_open_and_close_the_mouth_where_speech_does() {
    let (mut ours, mut theirs) = (Vec::new(), Vec::new());
    let (mut bilabials, mut closed) = (0, 0);
    let (mut vowel_frames, mut vowel_open) = (0, 0);
    let (mut silent_frames, mut silent_closed) = (0, 0);
    for id in clips() {
        let phones = read_phones_tsv(&std::fs::read_to_string(format!("{SPEECH}/{id}.phones.tsv")).unwrap()).unwrap();
        for p in &phones {
            assert!(
                viseme_of(&p.phone).is_some() || ["HH", "+NOISE+", "+BREATH+"].contains(&p.phone.as_str()),
                "{}",
                p.phone
            );
        }
        let reference: Vec<f32> = std::fs::read_to_string(format!("{SPEECH}/{id}.aperture.csv"))
            .unwrap()
            .lines()
            .skip(1)
            .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
            .collect();
        let track = phone_track(&phones, 30.0, reference.len());
        let ap: Vec<f32> = track.iter().map(aperture).collect();
        let mut p95 = ap.clone();
        p95.sort_by(f32::total_cmp);
        let nearly_closed = 0.15 * p95[(0.95 * (p95.len() - 1) as f32) as usize];
        for p in &phones {
            let frames =
                ((p.start - 1.0 / 60.0) * 30.0).ceil().max(0.0) as usize..=((p.end + 1.0 / 60.0) * 30.0) as usize;
            if ["M", "B", "P"].contains(&p.phone.as_str()) {
                bilabials += 1;
                closed += frames.clone().any(|f| ap.get(f).is_some_and(|&a| a <= nearly_closed)) as usize;
            }
            if ["AA", "AE", "AW", "AY", "AO", "AH", "OY", "EH", "EY", "IH", "OW"].contains(&p.phone.as_str()) {
                for f in (p.start * 30.0).ceil() as usize..=(p.end * 30.0) as usize {
                    if f < ap.len() && (f as f32 / 30.0) < p.end {
                        vowel_frames += 1;
                        vowel_open += (ap[f] > nearly_closed) as usize;
                    }
                }
            }
        }
        // Silence frames at least 60 ms from any speech phone (score.py's definition).
        let speech: Vec<(f32, f32)> = phones
            .iter()
            .filter(|p| !["SIL", "SP", "PAU", "+NOISE+", "+BREATH+"].contains(&p.phone.as_str()))
            .map(|p| (p.start, p.end))
            .collect();
        for p in phones.iter().filter(|p| p.phone == "SIL") {
            for f in (p.start * 30.0).ceil() as usize..=(p.end * 30.0) as usize {
                let t = f as f32 / 30.0;
                let far = speech.iter().all(|&(a, b)| t < a - 0.06 || t > b + 0.06);
                if f < ap.len() && t <= p.end && far {
                    silent_frames += 1;
                    silent_closed += (ap[f] <= nearly_closed) as usize;
                }
            }
        }
        ours.extend(ap);
        theirs.extend(reference);
    }
    let r = pearson(&ours, &theirs);
    let closure = closed as f32 / bilabials as f32;
    let open = vowel_open as f32 / vowel_frames as f32;
    eprintln!(
        "pooled r {r:.3}; bilabials closed {closed}/{bilabials}; open-vowel frames open {vowel_open}/{vowel_frames}; \
         silence frames closed {silent_closed}/{silent_frames}"
    );
    // A sanity bound, not a target: the table must not be tuned on these clips (evaluation only).
    assert!(r > 0.8, "{r}");
    assert!(closure >= 0.95, "{closure}");
    assert!(open >= 0.95, "{open}");
    assert!(silent_closed as f32 >= 0.95 * silent_frames as f32, "{silent_closed}/{silent_frames}");
}

#[test]
fn coarticulation_is_smooth_and_silence_is_closed() {
    let phones =
        read_phones_tsv("start_s\tend_s\tphone\n0.5\t0.6\tM\n0.6\t0.8\tAA\n0.8\t0.86\tP\n0.86\t1.1\tAA\n").unwrap();
    let track = phone_track(&phones, 100.0, 200);
    let ap: Vec<f32> = track.iter().map(aperture).collect();
    assert!(ap[0] < 1e-3, "silence long before speech is closed: {}", ap[0]);
    assert!(ap[190] < 0.01, "and after it");
    assert!(ap[70] > 0.6, "open vowel opens: {}", ap[70]);
    assert!(ap[83] < 0.12, "a 60 ms /p/ between open vowels still closes: {}", ap[83]);
    let jump = ap.windows(2).map(|w| (w[1] - w[0]).abs()).fold(0.0, f32::max);
    assert!(jump < 0.25, "no jumps at 100 fps: {jump}");
    let e = read_phones_tsv("h\n0.1\tx\tAA").unwrap_err();
    assert!(e.to_string().contains("line 2"), "{e}");
    assert_eq!(e, PhonesTsvError::NotANumber { line: 2, field: "end", value: "x".into() });
    assert_eq!(read_phones_tsv("h\n0.1\t0.2").unwrap_err(), PhonesTsvError::MissingFields { line: 2 });
}
