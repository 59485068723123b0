//! Prosody on real speech: pitch in the human range, and speaking rate against the vowels of
//! the forced alignments in ../shared/data/speech.

use std::path::PathBuf;

use emotalk::audio::{self, prosody};

const VOWELS: [&str; 15] = ["AA", "AE", "AH", "AO", "AW", "AY", "EH", "ER", "EY", "IH", "IY", "OW", "OY", "UH", "UW"];

/// (clip, vowels per second of non-silent alignment, our syllables per second, f0, voiced)
fn measure() -> Vec<(String, f32, f32, f32, f32)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared/data/speech");
    let clips = std::fs::read_to_string(dir.join("clips.tsv")).unwrap();
    clips
        .lines()
        .skip(1)
        .map(|line| {
            let clip = line.split('\t').next().unwrap().to_string();
            let phones = std::fs::read_to_string(dir.join(format!("{clip}.phones.tsv"))).unwrap();
            let (mut vowels, mut speech) = (0usize, 0.0f32);
            for row in phones.lines().skip(1) {
                let f: Vec<&str> = row.split('\t').collect();
                let (s, e): (f32, f32) = (f[0].parse().unwrap(), f[1].parse().unwrap());
                if f[2] != "SIL" {
                    speech += e - s;
                }
                vowels += VOWELS.contains(&f[2]) as usize;
            }
            let a = audio::load(dir.join(format!("{clip}.wav"))).unwrap();
            let p = prosody(&a.samples);
            (clip, vowels as f32 / speech, p.syllables_per_second, p.f0_median_hz, p.voiced_fraction)
        })
        .collect()
}

#[test]
fn real_speech_has_human_pitch_and_its_syllable_rate() {
    let rows = measure();
    for (clip, truth, ours, f0, voiced) in &rows {
        println!("{clip:18} vowels/s {truth:5.2}  ours {ours:5.2}  f0 {f0:6.1} Hz  voiced {voiced:.2}");
    }
    let n = rows.len() as f32;
    let (mt, mo) = (rows.iter().map(|r| r.1).sum::<f32>() / n, rows.iter().map(|r| r.2).sum::<f32>() / n);
    let cov: f32 = rows.iter().map(|r| (r.1 - mt) * (r.2 - mo)).sum();
    let (vt, vo): (f32, f32) =
        (rows.iter().map(|r| (r.1 - mt).powi(2)).sum(), rows.iter().map(|r| (r.2 - mo).powi(2)).sum());
    let r = cov / (vt * vo).sqrt();
    let mare = rows.iter().map(|r| ((r.2 - r.1) / r.1).abs()).sum::<f32>() / n;
    println!("rate: pearson r {r:.2}, mean |relative error| {mare:.2}");
    // Measured when written: r 0.49, error 0.24. A constant or broken estimator fails both.
    assert!(r > 0.35, "speaking rate follows the alignments: r {r}");
    assert!(mare < 0.32, "speaking rate within a third: {mare}");
    for (clip, _, _, f0, voiced) in &rows {
        // The CMU recordings are male voices, the alsa channel test a female one.
        let (lo, hi) = if clip.starts_with("alsa") { (160.0, 250.0) } else { (85.0, 150.0) };
        assert!((lo..=hi).contains(f0), "{clip}: median f0 {f0} Hz");
        assert!((0.2..=0.9).contains(voiced), "{clip}: voiced fraction {voiced}");
    }
}

#[test]
fn the_bundled_female_voice_is_pitched_like_one() {
    let line = audio::load_bytes(emotalk::bundled::GREETING_OGG, "greeting.ogg").unwrap();
    let p = prosody(&line.samples);
    println!(
        "greeting: f0 {:.1} Hz, range {:.1} st, tilt {:.1} dB/oct, {:.2} syll/s",
        p.f0_median_hz, p.f0_range_semitones, p.spectral_tilt_db_per_octave, p.syllables_per_second
    );
    assert!((140.0..=280.0).contains(&p.f0_median_hz), "flite slt: {} Hz", p.f0_median_hz);
    assert!(p.spectral_tilt_db_per_octave < 0.0, "speech falls off towards high frequencies");
    // 18 syllables: Well hel-lo there tra-vel-ler, you look like some-one with a sto-ry to tell.
    // Fluent synthetic speech has shallow dips between syllables: measured 3.05/s against 4.57/s.
    let expected = 18.0 / p.speech_seconds;
    assert!((p.syllables_per_second - expected).abs() / expected < 0.35, "{} vs {expected}", p.syllables_per_second);
}
