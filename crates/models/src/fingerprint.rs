//! The data fingerprint saved in every bundle.
//!
//! It answers "was this model trained on exactly this data?" in any
//! language: a SHA-256 over a byte string that is fully specified here.
//! The samples that shape a model are hashed: the training split
//! (oversampled copies included, since they change the fit) and the
//! validation split (it picks the best round, the weights and the
//! threshold). Test samples are left out, so adding a test season does not
//! change the fingerprint of a model that never saw it.
//!
//! Byte layout, all integers little-endian, text as UTF-8 preceded by its
//! byte length as `u64`, floats as the IEEE-754 bits of an `f64` as `u64`
//! with every NaN written as `0x7ff8000000000000`:
//!
//! 1. the text `tiredeg-fingerprint-v1`;
//! 2. the schema: column count `u64`, then per column its name and a kind
//!    byte (0 numeric, 1 categorical); a categorical column follows with
//!    its category count `u64` and each category name;
//! 3. the sample count `u64`, then per sample, in the set's order: season
//!    `i32`, round `u32`, event, track, driver, stint `u32`, compound (its
//!    upper-case name), k `u64`, split byte (0 train, 1 validation),
//!    oversampled byte (0 or 1), feature count `u64` and each feature as a
//!    float, degradation_rate and usable_life as floats, cliff byte.

use sha2::{Digest, Sha256};
use tiredeg_prepare::{FeatureKind, FeatureSchema, Sample, Split};

const CANONICAL_NAN: u64 = 0x7ff8_0000_0000_0000;

struct Writer(Sha256);

impl Writer {
    fn bytes(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    fn count(&mut self, value: usize) {
        self.bytes(&(value as u64).to_le_bytes());
    }

    fn text(&mut self, text: &str) {
        self.count(text.len());
        self.bytes(text.as_bytes());
    }

    fn float(&mut self, value: f64) {
        let bits = if value.is_nan() {
            CANONICAL_NAN
        } else {
            value.to_bits()
        };
        self.bytes(&bits.to_le_bytes());
    }
}

/// Hex SHA-256 of the schema and of the training and validation samples,
/// in the byte layout of the module documentation.
pub fn data_fingerprint<'a>(
    schema: &FeatureSchema,
    samples: impl IntoIterator<Item = &'a Sample>,
) -> String {
    let mut writer = Writer(Sha256::new());
    writer.bytes(b"tiredeg-fingerprint-v1");

    writer.count(schema.names.len());
    for (name, kind) in schema.names.iter().zip(&schema.kinds) {
        writer.text(name);
        match kind {
            FeatureKind::Numeric => writer.bytes(&[0]),
            FeatureKind::Categorical(categories) => {
                writer.bytes(&[1]);
                writer.count(categories.len());
                for category in categories {
                    writer.text(category);
                }
            }
        }
    }

    let fitted: Vec<&Sample> = samples
        .into_iter()
        .filter(|s| matches!(s.split, Split::Train | Split::Validation))
        .collect();
    writer.count(fitted.len());
    for sample in fitted {
        writer.bytes(&sample.season.to_le_bytes());
        writer.bytes(&sample.round.to_le_bytes());
        writer.text(&sample.event);
        writer.text(&sample.track);
        writer.text(&sample.driver);
        writer.bytes(&sample.stint.to_le_bytes());
        writer.text(sample.compound.as_str());
        writer.count(sample.k);
        writer.bytes(&[if sample.split == Split::Train { 0 } else { 1 }]);
        writer.bytes(&[u8::from(sample.oversampled)]);
        writer.count(sample.features.len());
        for &value in &sample.features {
            writer.float(value);
        }
        writer.float(sample.degradation_rate);
        writer.float(sample.usable_life);
        writer.bytes(&[u8::from(sample.cliff)]);
    }

    let digest = writer.0.finalize();
    digest.iter().map(|byte| format!("{byte:02x}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiredeg_laps::Compound;

    fn sample(split: Split, feature: f64) -> Sample {
        Sample {
            season: 2023,
            round: 1,
            event: "Bahrain Grand Prix".into(),
            track: "bahrain".into(),
            driver: "VER".into(),
            stint: 1,
            compound: Compound::Soft,
            k: 0,
            split,
            oversampled: false,
            features: vec![feature, f64::NAN],
            degradation_rate: 0.08,
            usable_life: 25.0,
            cliff: false,
        }
    }

    fn schema() -> FeatureSchema {
        FeatureSchema {
            names: vec!["tire_age_start".into(), "compound".into()],
            kinds: vec![
                FeatureKind::Numeric,
                FeatureKind::Categorical(vec!["SOFT".into()]),
            ],
        }
    }

    #[test]
    fn fingerprint_follows_training_data_only() {
        let base = vec![sample(Split::Train, 1.0), sample(Split::Validation, 2.0)];
        let a = data_fingerprint(&schema(), &base);
        assert_eq!(a.len(), 64);
        assert_eq!(a, data_fingerprint(&schema(), &base));

        let mut with_test = base.clone();
        with_test.push(sample(Split::Test, 3.0));
        assert_eq!(a, data_fingerprint(&schema(), &with_test));

        let mut changed = base.clone();
        changed[1].features[0] = 2.5;
        assert_ne!(a, data_fingerprint(&schema(), &changed));

        let mut other_nan = base.clone();
        other_nan[0].features[1] = -f64::NAN;
        assert_eq!(a, data_fingerprint(&schema(), &other_nan));
    }

    #[test]
    fn fingerprint_of_nothing_is_the_hash_of_the_header() {
        let empty = FeatureSchema::default();
        let mut expected = Sha256::new();
        expected.update(b"tiredeg-fingerprint-v1");
        expected.update(0u64.to_le_bytes());
        expected.update(0u64.to_le_bytes());
        let expected: String = expected
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(data_fingerprint(&empty, &[]), expected);
    }
}
