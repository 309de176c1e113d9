//! Small synthetic data sets with known answers, for the tests.
//!
//! A seeded SplitMix64 stream keeps them identical on every machine
//! without a dependency.

use tiredeg_config::TrainingConfig;
use tiredeg_laps::Compound;
use tiredeg_prepare::{FeatureKind, FeatureSchema, Sample, SampleSet, Split};

use crate::error::ModelError;
use crate::head::{train_head, Backend, HeadData, HeadSpec, Target, TrainedHead};
use crate::matrix::Matrix;

/// A seeded stream of uniform and normal numbers.
pub(crate) struct Stream(u64);

impl Stream {
    pub(crate) fn new(seed: u64) -> Self {
        Stream(seed)
    }

    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in [low, high).
    pub(crate) fn uniform(&mut self, low: f64, high: f64) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        low + (high - low) * unit
    }

    /// Standard normal (Box-Muller).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = self.uniform(f64::MIN_POSITIVE, 1.0);
        let u2 = self.uniform(0.0, 1.0);
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }

    /// An integer in 0..n.
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.uniform(0.0, n as f64) as usize).min(n - 1)
    }
}

/// Rows and labels for a head.
pub(crate) struct Table {
    pub(crate) x: Matrix,
    pub(crate) y: Vec<f32>,
}

/// Two numeric columns and a label from `label(x0, x1, stream)`.
pub(crate) fn numeric_table(
    rows: usize,
    seed: u64,
    label: impl Fn(f64, f64, &mut Stream) -> f64,
) -> Table {
    let mut stream = Stream::new(seed);
    let mut values = Vec::with_capacity(rows * 2);
    let mut y = Vec::with_capacity(rows);
    for _ in 0..rows {
        let x0 = stream.uniform(-2.0, 2.0);
        let x1 = stream.uniform(-3.0, 3.0);
        y.push(label(x0, x1, &mut stream) as f32);
        values.push(x0 as f32);
        values.push(x1 as f32);
    }
    Table {
        x: Matrix::new(rows, 2, values).expect("shape"),
        y,
    }
}

/// Schema of [`numeric_table`].
pub(crate) fn numeric_schema() -> FeatureSchema {
    FeatureSchema {
        names: vec!["x0".into(), "x1".into()],
        kinds: vec![FeatureKind::Numeric, FeatureKind::Numeric],
    }
}

/// The compound categories in schema order.
pub(crate) fn compound_kind() -> FeatureKind {
    FeatureKind::Categorical(vec!["SOFT".into(), "MEDIUM".into(), "HARD".into()])
}

/// A 3-category column (a tenth missing) and a noise column; the label
/// is the category's effect plus noise.
pub(crate) fn categorical_table(rows: usize, seed: u64, effects: [f64; 3]) -> Table {
    let mut stream = Stream::new(seed);
    let mut values = Vec::with_capacity(rows * 2);
    let mut y = Vec::with_capacity(rows);
    for _ in 0..rows {
        let category = stream.below(3);
        let missing = stream.uniform(0.0, 1.0) < 0.1;
        let noise = stream.uniform(-1.0, 1.0);
        let effect = if missing { 0.0 } else { effects[category] };
        y.push((effect + 0.05 * stream.normal()) as f32);
        values.push(if missing { f32::NAN } else { category as f32 });
        values.push(noise as f32);
    }
    Table {
        x: Matrix::new(rows, 2, values).expect("shape"),
        y,
    }
}

/// Schema of [`categorical_table`].
pub(crate) fn categorical_schema() -> FeatureSchema {
    FeatureSchema {
        names: vec!["compound".into(), "noise".into()],
        kinds: vec![compound_kind(), FeatureKind::Numeric],
    }
}

/// A configuration for fast tests: few rounds, a high learning rate.
pub(crate) fn fast_config(rounds: usize, patience: usize) -> TrainingConfig {
    let mut config = TrainingConfig::default();
    config.training.n_estimators = rounds;
    config.training.early_stopping_rounds = patience;
    config.training.learning_rate = 0.1;
    config.training.min_stints = 10;
    config
}

/// Stint samples whose targets follow the features: softer compounds and
/// hotter tracks wear faster, and old tires on soft compounds have cliffs.
/// Events are split 60/20/20 by round.
pub(crate) fn sample_set(stints: usize, seed: u64) -> SampleSet {
    let mut stream = Stream::new(seed);
    let schema = FeatureSchema {
        names: vec![
            "compound".into(),
            "tire_age_start".into(),
            "track_temp_c".into(),
            "k".into(),
            "observed_slope".into(),
        ],
        kinds: vec![
            compound_kind(),
            FeatureKind::Numeric,
            FeatureKind::Numeric,
            FeatureKind::Numeric,
            FeatureKind::Numeric,
        ],
    };
    let mut samples = Vec::new();
    for index in 0..stints {
        let round = (index % 20) as u32 + 1;
        let split = match round % 5 {
            0 => Split::Test,
            1 => Split::Validation,
            _ => Split::Train,
        };
        let compound_index = stream.below(3);
        let compound = Compound::SLICKS[compound_index];
        let tire_age = stream.below(15) as f64 + 1.0;
        let temp = stream.uniform(20.0, 50.0);
        let rate =
            0.12 - 0.03 * compound_index as f64 + 0.001 * (temp - 35.0) + 0.01 * stream.normal();
        let cliff_score = 0.4 * tire_age - 3.0 * compound_index as f64 - 2.0 + stream.normal();
        let cliff = cliff_score > 0.0;
        let life = (2.0 / rate.max(0.005)).clamp(1.0, 80.0);
        for k in [0usize, 3, 5] {
            let observed = if k == 0 {
                f64::NAN
            } else {
                rate + 0.02 * stream.normal()
            };
            samples.push(Sample {
                season: 2023,
                round,
                event: format!("Event {round}"),
                track: format!("track{round}"),
                driver: format!("D{:02}", index / 20),
                stint: 1,
                compound,
                k,
                split,
                oversampled: false,
                features: vec![compound_index as f64, tire_age, temp, k as f64, observed],
                degradation_rate: rate,
                usable_life: life,
                cliff,
            });
        }
    }
    SampleSet { schema, samples }
}

/// Trains one head on two tables, without progress reporting.
pub(crate) fn train_table(
    backend: Backend,
    target: Target,
    schema: &FeatureSchema,
    config: &TrainingConfig,
    train: &Table,
    validation: &Table,
) -> Result<TrainedHead, ModelError> {
    let spec = HeadSpec {
        target,
        schema,
        config,
    };
    train_head(
        backend,
        &spec,
        HeadData {
            x: &train.x,
            y: &train.y,
        },
        HeadData {
            x: &validation.x,
            y: &validation.y,
        },
        &mut |_| {},
    )
}
