//! Train, validation and test splits, and the oversampling of rare
//! compounds (SPEC 5).
//!
//! Splits are by event, so the stints of one race, which share weather,
//! asphalt and tire allocation, never sit on both sides of a split. The
//! hash split is written so that any language reproduces it from the text
//! `"{seed}:{season}:{round}"` alone: SHA-256, the first 8 bytes as a
//! big-endian unsigned integer, modulo 10000, and fixed bucket limits.
//!
//! The temporal split tests on the latest season (or a configured first
//! test season and all later ones), validates on the latest season present
//! in the data before it (the season before, unless the data has a gap),
//! and trains on the rest.
//!
//! Oversampling repeats training samples of a compound that has fewer than
//! `min_share_of_largest` times as many samples as the most common
//! compound, until it has `ceil(min_share_of_largest * largest)`. Every
//! sample is repeated the same number of whole times first; the remaining
//! copies go to the samples that come first when ordered by a SHA-256 of
//! `"{seed}:{season}:{round}:{driver}:{stint}:{k}"` (first 8 bytes, big
//! endian; ties keep sample order). That is deterministic by seed and, like
//! the split, reproducible without any particular random generator.

use sha2::{Digest, Sha256};
use tiredeg_config::{OversampleConfig, SplitConfig, SplitMethod};
use tiredeg_laps::Compound;

use crate::sample::{Sample, Split};

/// Number of hash buckets.
pub const BUCKETS: u64 = 10_000;

fn sha256_prefix(text: &str) -> u64 {
    let digest = Sha256::digest(text.as_bytes());
    let mut prefix = [0u8; 8];
    prefix.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(prefix)
}

/// The hash bucket of an event, in `0..10000`.
pub fn hash_bucket(seed: u64, season: i32, round: u32) -> u64 {
    sha256_prefix(&format!("{seed}:{season}:{round}")) % BUCKETS
}

/// The split of an event under the hash rule.
pub fn hash_split(season: i32, round: u32, config: &SplitConfig) -> Split {
    let bucket = hash_bucket(config.seed, season, round);
    if bucket < config.train_below {
        Split::Train
    } else if bucket < config.validation_below {
        Split::Validation
    } else {
        Split::Test
    }
}

/// The seasons a temporal split chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TemporalSeasons {
    /// First test season.
    pub test_from: i32,
    /// Validation season, when the data has one before the test seasons.
    pub validation: Option<i32>,
}

/// The temporal split's seasons for events of these seasons; `None` when
/// there are no seasons and no configured test season.
pub fn temporal_seasons(seasons: &[i32], config: &SplitConfig) -> Option<TemporalSeasons> {
    let test_from = config
        .test_from_season
        .or_else(|| seasons.iter().copied().max())?;
    let validation = seasons.iter().copied().filter(|&s| s < test_from).max();
    Some(TemporalSeasons {
        test_from,
        validation,
    })
}

/// The split of an event of `season` under a temporal split.
pub fn temporal_split(season: i32, seasons: TemporalSeasons) -> Split {
    if season >= seasons.test_from {
        Split::Test
    } else if Some(season) == seasons.validation {
        Split::Validation
    } else {
        Split::Train
    }
}

/// The split of each event, by the configured method.
pub fn assign_splits(events: &[(i32, u32)], config: &SplitConfig) -> Vec<Split> {
    match config.method {
        SplitMethod::Hash => events
            .iter()
            .map(|&(season, round)| hash_split(season, round, config))
            .collect(),
        SplitMethod::Temporal => {
            let seasons: Vec<i32> = events.iter().map(|e| e.0).collect();
            match temporal_seasons(&seasons, config) {
                Some(chosen) => events.iter().map(|e| temporal_split(e.0, chosen)).collect(),
                None => Vec::new(),
            }
        }
    }
}

fn compound_slot(compound: Compound) -> Option<usize> {
    Compound::SLICKS.iter().position(|&c| c == compound)
}

/// The extra copies that balance the training samples among `samples`,
/// marked `oversampled`, in sample order. Other splits are never touched.
pub fn oversample(samples: &[Sample], config: &OversampleConfig) -> Vec<Sample> {
    if !config.enabled {
        return Vec::new();
    }
    let mut by_compound: [Vec<usize>; 3] = Default::default();
    for (index, sample) in samples.iter().enumerate() {
        if sample.split != Split::Train || sample.oversampled {
            continue;
        }
        if let Some(slot) = compound_slot(sample.compound) {
            by_compound[slot].push(index);
        }
    }
    let largest = by_compound.iter().map(Vec::len).max().unwrap_or(0);
    let target = (config.min_share_of_largest * largest as f64).ceil() as usize;

    // (sample index, number of copies)
    let mut copies: Vec<(usize, usize)> = Vec::new();
    for members in &by_compound {
        let count = members.len();
        if count == 0 || count >= target {
            continue;
        }
        let missing = target - count;
        let whole = missing / count;
        let extra = missing % count;

        let mut ranked: Vec<(u64, usize)> = members
            .iter()
            .enumerate()
            .map(|(rank, &index)| (oversample_key(&samples[index], config.seed), rank))
            .collect();
        ranked.sort_unstable();
        let mut repeats = vec![whole; count];
        for &(_, rank) in ranked.iter().take(extra) {
            repeats[rank] += 1;
        }
        copies.extend(
            members
                .iter()
                .zip(repeats)
                .filter(|(_, r)| *r > 0)
                .map(|(&i, r)| (i, r)),
        );
    }
    copies.sort_unstable();

    let mut extra = Vec::with_capacity(copies.iter().map(|c| c.1).sum());
    for (index, repeats) in copies {
        for _ in 0..repeats {
            let mut copy = samples[index].clone();
            copy.oversampled = true;
            extra.push(copy);
        }
    }
    extra
}

fn oversample_key(sample: &Sample, seed: u64) -> u64 {
    sha256_prefix(&format!(
        "{seed}:{}:{}:{}:{}:{}",
        sample.season, sample.round, sample.driver, sample.stint, sample.k
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_is_the_first_eight_bytes_of_sha256_mod_10000() {
        // Computed independently of `hash_bucket`.
        let digest = Sha256::digest(b"42:2019:1");
        let first = u64::from_be_bytes(digest[..8].try_into().unwrap());
        assert_eq!(hash_bucket(42, 2019, 1), first % 10_000);
    }

    #[test]
    fn buckets_match_sha256sum() {
        // From `printf '42:2019:1' | sha256sum` and so on: the first 16 hex
        // digits, as an integer, modulo 10000.
        let known = [
            // fcaa9399504bba56...
            ((2019, 1), 934),
            // 34e0bac50cae97c7...
            ((2019, 2), 1975),
            // cfec69a795f9eaca...
            ((2022, 5), 6234),
        ];
        for ((season, round), bucket) in known {
            assert_eq!(hash_bucket(42, season, round), bucket, "{season}:{round}");
        }
    }

    #[test]
    fn buckets_below_7000_train_and_below_8500_validate() {
        let config = SplitConfig::default();
        let mut seen = [false; 3];
        for round in 1..60 {
            let bucket = hash_bucket(42, 2019, round);
            let split = hash_split(2019, round, &config);
            let expected = if bucket < 7000 {
                Split::Train
            } else if bucket < 8500 {
                Split::Validation
            } else {
                Split::Test
            };
            assert_eq!(split, expected);
            seen[Split::ALL.iter().position(|&s| s == split).unwrap()] = true;
        }
        assert_eq!(seen, [true; 3], "59 events should reach every split");
    }

    #[test]
    fn temporal_split_tests_on_the_latest_season() {
        let config = SplitConfig {
            method: SplitMethod::Temporal,
            ..SplitConfig::default()
        };
        let events = [(2018, 1), (2019, 1), (2020, 3), (2021, 1), (2021, 2)];
        let splits = assign_splits(&events, &config);
        use Split::*;
        assert_eq!(splits, vec![Train, Train, Validation, Test, Test]);

        let from_2020 = SplitConfig {
            test_from_season: Some(2020),
            ..config.clone()
        };
        assert_eq!(
            assign_splits(&events, &from_2020),
            vec![Train, Validation, Test, Test, Test]
        );

        // A gap: the validation season is the latest one before the test.
        let gap = [(2017, 1), (2019, 1), (2022, 1)];
        assert_eq!(assign_splits(&gap, &config), vec![Train, Validation, Test]);
    }

    fn sample(compound: Compound, split: Split, stint: u32) -> Sample {
        Sample {
            season: 2019,
            round: 1,
            event: "E".into(),
            track: "T".into(),
            driver: "HAM".into(),
            stint,
            compound,
            k: 0,
            split,
            oversampled: false,
            features: vec![stint as f64],
            degradation_rate: 0.1,
            usable_life: 20.0,
            cliff: false,
        }
    }

    #[test]
    fn oversampling_lifts_rare_training_compounds_to_half() {
        let mut samples = Vec::new();
        for i in 0..20 {
            samples.push(sample(Compound::Medium, Split::Train, i));
        }
        for i in 20..23 {
            samples.push(sample(Compound::Soft, Split::Train, i));
        }
        for i in 23..34 {
            samples.push(sample(Compound::Hard, Split::Train, i));
        }
        for i in 34..36 {
            samples.push(sample(Compound::Soft, Split::Test, i));
        }
        let config = OversampleConfig::default();
        let copies = oversample(&samples, &config);

        // SOFT: 3 → 10 (half of 20), 7 copies; HARD 11 ≥ 10 untouched.
        assert_eq!(copies.len(), 7);
        assert!(copies
            .iter()
            .all(|c| c.oversampled && c.split == Split::Train));
        assert!(copies.iter().all(|c| c.compound == Compound::Soft));
        // 7 = 2 whole rounds of 3 plus 1 extra.
        let per_stint: Vec<usize> = (20..23)
            .map(|s| copies.iter().filter(|c| c.stint == s).count())
            .collect();
        assert_eq!(per_stint.iter().sum::<usize>(), 7);
        assert!(per_stint.iter().all(|&n| n == 2 || n == 3));

        // The same seed picks the same extra copy.
        assert_eq!(oversample(&samples, &config), copies);
        let off = OversampleConfig {
            enabled: false,
            ..config
        };
        assert!(oversample(&samples, &off).is_empty());
    }
}
