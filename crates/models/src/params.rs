//! From the checked training configuration to each library's parameters.
//!
//! The configuration crate validates ranges once; [`validate`] runs that
//! check again at the head (a head can be trained from a hand-made
//! configuration) and adds the limits only the libraries impose, such as
//! LightGBM's 32-bit seed. Parameters then go to each library under its
//! own names, written out in full so that a saved model's parameter list
//! reads the same as the configuration that made it:
//!
//! | configuration | XGBoost | LightGBM |
//! |---|---|---|
//! | learning_rate | eta | learning_rate |
//! | xgboost.max_depth / lightgbm.max_depth | max_depth | max_depth |
//! | lightgbm.num_leaves | | num_leaves |
//! | xgboost.min_child_weight | min_child_weight | |
//! | lightgbm.min_child_samples | | min_data_in_leaf |
//! | subsample | subsample | bagging_fraction, bagging_freq = 1 when < 1 |
//! | colsample_bytree | colsample_bytree | feature_fraction |
//! | xgboost.gamma | gamma | |
//! | reg_alpha / reg_lambda | alpha / lambda | lambda_l1 / lambda_l2 |
//! | seed | seed | seed, deterministic = true, force_row_wise = true |
//! | threads (0 = library default) | nthread | num_threads |
//!
//! On a machine whose cores are busy with other work, `threads: 0` (every
//! core) can be many times slower than `threads: 1`: both libraries'
//! OpenMP threads wait for each other at every step of a round, and one of
//! them being descheduled stalls the rest. The same-seed guarantee holds
//! for a fixed thread count.

use tiredeg_config::TrainingConfig;
use tiredeg_prepare::FeatureSchema;

use crate::error::ModelError;
use crate::head::Target;
use crate::matrix::categorical_columns;

/// Largest seed both libraries accept (LightGBM reads a 32-bit int).
const MAX_SEED: u64 = i32::MAX as u64;
/// Largest number of rounds (both libraries count rounds in a 32-bit int).
const MAX_ROUNDS: usize = 1_000_000;
/// Largest thread count passed on.
const MAX_THREADS: usize = 4096;

/// Checks the whole configuration, then the limits of the libraries.
pub fn validate(config: &TrainingConfig) -> Result<(), ModelError> {
    config.validate()?;
    let t = &config.training;
    if t.seed > MAX_SEED {
        return Err(ModelError::invalid(
            "training.seed",
            t.seed,
            &format!("must be at most {MAX_SEED} (LightGBM takes a 32-bit seed)"),
        ));
    }
    if t.n_estimators > MAX_ROUNDS {
        return Err(ModelError::invalid(
            "training.n_estimators",
            t.n_estimators,
            &format!("must be at most {MAX_ROUNDS}"),
        ));
    }
    if t.threads > MAX_THREADS {
        return Err(ModelError::invalid(
            "training.threads",
            t.threads,
            &format!("must be at most {MAX_THREADS} (0 lets the libraries choose)"),
        ));
    }
    if i32::try_from(t.lightgbm.min_child_samples).is_err() {
        return Err(ModelError::invalid(
            "training.lightgbm.min_child_samples",
            t.lightgbm.min_child_samples,
            "must fit a 32-bit signed integer",
        ));
    }
    Ok(())
}

/// XGBoost parameters of a head, as (name, value) pairs. `base_score` is
/// the starting prediction (see `xgboost::base_score`).
pub(crate) fn xgboost(
    target: Target,
    schema: &FeatureSchema,
    config: &TrainingConfig,
    base_score: f64,
) -> Result<Vec<(&'static str, String)>, ModelError> {
    let t = &config.training;
    let x = &t.xgboost;
    if x.tree_method == "exact" && !categorical_columns(schema).is_empty() {
        return Err(ModelError::invalid(
            "training.xgboost.tree_method",
            &x.tree_method,
            "categorical columns need hist or approx",
        ));
    }
    let objective = target.objective();
    Ok(vec![
        ("booster", "gbtree".to_string()),
        ("objective", objective.xgboost_name().to_string()),
        ("eval_metric", objective.metric_name().to_string()),
        ("base_score", base_score.to_string()),
        ("tree_method", x.tree_method.clone()),
        ("eta", t.learning_rate.to_string()),
        ("max_depth", x.max_depth.to_string()),
        ("min_child_weight", x.min_child_weight.to_string()),
        ("subsample", x.subsample.to_string()),
        ("colsample_bytree", x.colsample_bytree.to_string()),
        ("gamma", x.gamma.to_string()),
        ("alpha", x.reg_alpha.to_string()),
        ("lambda", x.reg_lambda.to_string()),
        ("seed", t.seed.to_string()),
        ("nthread", t.threads.to_string()),
        ("verbosity", "0".to_string()),
    ])
}

/// LightGBM parameters of a head, as one `key=value key=value` string;
/// the same string builds the datasets and the booster, so binning and
/// training agree on the categorical columns and the seed.
pub(crate) fn lightgbm(target: Target, schema: &FeatureSchema, config: &TrainingConfig) -> String {
    let t = &config.training;
    let l = &t.lightgbm;
    let objective = target.objective();
    let bagging_freq = if l.subsample < 1.0 { 1 } else { 0 };
    let mut pairs = vec![
        ("objective", objective.lightgbm_name().to_string()),
        ("metric", objective.lightgbm_metric_name().to_string()),
        ("boosting", "gbdt".to_string()),
        ("learning_rate", t.learning_rate.to_string()),
        ("num_iterations", t.n_estimators.to_string()),
        ("num_leaves", l.num_leaves.to_string()),
        ("max_depth", l.max_depth.to_string()),
        ("min_data_in_leaf", l.min_child_samples.to_string()),
        ("bagging_fraction", l.subsample.to_string()),
        ("bagging_freq", bagging_freq.to_string()),
        ("feature_fraction", l.colsample_bytree.to_string()),
        ("lambda_l1", l.reg_alpha.to_string()),
        ("lambda_l2", l.reg_lambda.to_string()),
        ("seed", t.seed.to_string()),
        ("deterministic", "true".to_string()),
        ("force_row_wise", "true".to_string()),
        ("num_threads", t.threads.to_string()),
        ("verbosity", "-1".to_string()),
    ];
    let categorical = categorical_columns(schema);
    if !categorical.is_empty() {
        let list: Vec<String> = categorical.iter().map(usize::to_string).collect();
        pairs.push(("categorical_feature", list.join(",")));
    }
    pairs
        .iter()
        .map(|(key, value)| format!("{key}={value}"))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use tiredeg_prepare::FeatureKind;

    fn schema() -> FeatureSchema {
        FeatureSchema {
            names: vec!["tire_age_start".into(), "compound".into()],
            kinds: vec![
                FeatureKind::Numeric,
                FeatureKind::Categorical(vec!["SOFT".into(), "MEDIUM".into(), "HARD".into()]),
            ],
        }
    }

    #[test]
    fn invalid_values_are_named_with_their_value() {
        let mut config = TrainingConfig::default();
        config.training.xgboost.max_depth = 0;
        let error = validate(&config).unwrap_err().to_string();
        assert!(error.contains("training.xgboost.max_depth = 0"), "{error}");

        let mut config = TrainingConfig::default();
        config.training.lightgbm.subsample = 1.5;
        let error = validate(&config).unwrap_err().to_string();
        assert!(
            error.contains("training.lightgbm.subsample = 1.5"),
            "{error}"
        );

        let mut config = TrainingConfig::default();
        config.training.seed = 1 << 40;
        let error = validate(&config).unwrap_err().to_string();
        assert!(error.contains("training.seed = 1099511627776"), "{error}");
    }

    #[test]
    fn exact_tree_method_is_refused_for_categorical_columns() {
        let mut config = TrainingConfig::default();
        config.training.xgboost.tree_method = "exact".into();
        let error = xgboost(Target::Cliff, &schema(), &config, 0.5)
            .unwrap_err()
            .to_string();
        assert!(
            error.contains("training.xgboost.tree_method = exact"),
            "{error}"
        );
    }

    #[test]
    fn names_follow_each_library() {
        let mut config = TrainingConfig::default();
        config.training.lightgbm.subsample = 0.8;
        config.training.threads = 2;
        let text = lightgbm(Target::UsableLife, &schema(), &config);
        for expected in [
            "objective=regression_l1",
            "metric=l1",
            "bagging_fraction=0.8",
            "bagging_freq=1",
            "min_data_in_leaf=20",
            "categorical_feature=1",
            "deterministic=true",
            "num_threads=2",
            "seed=42",
        ] {
            assert!(
                text.split(' ').any(|pair| pair == expected),
                "{expected} in {text}"
            );
        }
        let pairs = xgboost(Target::DegradationRate, &schema(), &config, 0.1).unwrap();
        let get = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == key)
                .map(|(_, v)| v.clone())
        };
        assert_eq!(get("objective").as_deref(), Some("reg:squarederror"));
        assert_eq!(get("eta").as_deref(), Some("0.05"));
        assert_eq!(get("tree_method").as_deref(), Some("hist"));
        assert_eq!(get("nthread").as_deref(), Some("2"));
    }
}
