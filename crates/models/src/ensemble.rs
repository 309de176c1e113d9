//! Choices made on the validation split after the heads are trained: the
//! blend weight of each head and the cliff threshold (SPEC 7).
//!
//! A blended head predicts `w * xgboost + (1 - w) * lightgbm`. The weight
//! is searched on the grid 0, step, 2 step, ... and always includes both
//! ends, so the blend can never do worse on validation than the better of
//! the two libraries alone; among equal losses the smallest weight wins.
//!
//! The cliff flag is `probability >= threshold`, with the threshold taken
//! from the configured grid (0.05 to 0.95 by 0.05 by default) where F1 is
//! highest, the smallest threshold on a tie, and the configured fallback
//! when no threshold gives an F1 above 0 (no cliff predicted correctly).

use serde::{Deserialize, Serialize};

use crate::error::ModelError;
use crate::head::Objective;
use crate::loss::f1_at;

/// Grids are computed as `i * step` and rounded to this many decimals, so
/// that 0.15 is written 0.15 and not 0.15000000000000002.
const GRID_DECIMALS: f64 = 1e12;

fn tidy(value: f64) -> f64 {
    (value * GRID_DECIMALS).round() / GRID_DECIMALS
}

/// Weights 0, step, 2 step, ... up to 1, with 1 always included.
pub fn weight_grid(step: f64) -> Result<Vec<f64>, ModelError> {
    if !(step.is_finite() && step > 0.0 && step <= 1.0) {
        return Err(ModelError::invalid(
            "training.ensemble_weight_step",
            step,
            "must be within (0, 1]",
        ));
    }
    let count = (1.0 / step + 1e-9).floor() as usize;
    let mut grid: Vec<f64> = (0..=count)
        .map(|i| tidy(i as f64 * step).min(1.0))
        .collect();
    if grid.last().is_some_and(|&last| last < 1.0) {
        grid.push(1.0);
    }
    Ok(grid)
}

/// The blend of two predictions with XGBoost weight `weight`.
pub fn blend(weight: f64, xgboost: &[f64], lightgbm: &[f64]) -> Vec<f64> {
    xgboost
        .iter()
        .zip(lightgbm)
        .map(|(x, l)| weight * x + (1.0 - weight) * l)
        .collect()
}

/// The chosen blend weight of one head and the losses behind the choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WeightChoice {
    /// Weight of XGBoost; LightGBM gets `1 - weight`.
    pub weight: f64,
    /// The head's loss of the blend on validation.
    pub loss: f64,
    /// Every weight tried and its loss.
    pub search: Vec<(f64, f64)>,
}

/// Searches the weight grid for the smallest validation loss.
pub fn choose_weight(
    objective: Objective,
    xgboost: &[f64],
    lightgbm: &[f64],
    truth: &[f64],
    step: f64,
) -> Result<WeightChoice, ModelError> {
    if xgboost.len() != truth.len() || lightgbm.len() != truth.len() || truth.is_empty() {
        return Err(ModelError::Shape(format!(
            "weight search needs equal non-empty predictions and truth, got {}, {} and {}",
            xgboost.len(),
            lightgbm.len(),
            truth.len()
        )));
    }
    let mut search = Vec::new();
    let mut best: Option<(f64, f64)> = None;
    for weight in weight_grid(step)? {
        let loss = objective.loss(&blend(weight, xgboost, lightgbm), truth);
        search.push((weight, loss));
        if best.is_none_or(|(_, best_loss)| loss < best_loss) {
            best = Some((weight, loss));
        }
    }
    let (weight, loss) = best.unwrap_or((0.0, f64::NAN));
    Ok(WeightChoice {
        weight,
        loss,
        search,
    })
}

/// Thresholds `from, from + step, ...` up to `to`.
pub fn threshold_grid(grid: [f64; 3]) -> Result<Vec<f64>, ModelError> {
    let [from, to, step] = grid;
    if !(from > 0.0 && to < 1.0 && from <= to && step > 0.0) {
        return Err(ModelError::invalid(
            "training.cliff_threshold_grid",
            format!("{grid:?}"),
            "must be [from, to, step] with 0 < from <= to < 1 and step > 0",
        ));
    }
    let count = ((to - from) / step + 1e-9).floor() as usize;
    Ok((0..=count).map(|i| tidy(from + i as f64 * step)).collect())
}

/// The chosen cliff threshold and its quality on validation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ThresholdChoice {
    /// Flag a cliff when the probability is at least this.
    pub threshold: f64,
    /// F1 on validation at the threshold.
    pub f1: f64,
    /// Precision on validation at the threshold.
    pub precision: f64,
    /// Recall on validation at the threshold.
    pub recall: f64,
    /// True when no grid threshold gave an F1 above 0 and the fallback
    /// was used.
    pub fallback: bool,
}

/// Picks the grid threshold with the highest F1 (smallest on a tie).
pub fn choose_cliff_threshold(
    probabilities: &[f64],
    truth: &[bool],
    grid: [f64; 3],
    fallback: f64,
) -> Result<ThresholdChoice, ModelError> {
    if probabilities.len() != truth.len() {
        return Err(ModelError::Shape(format!(
            "{} probabilities for {} cliff labels",
            probabilities.len(),
            truth.len()
        )));
    }
    let mut best: Option<(f64, crate::loss::F1)> = None;
    for threshold in threshold_grid(grid)? {
        let score = f1_at(probabilities, truth, threshold);
        if best.is_none_or(|(_, best_score)| score.f1 > best_score.f1) {
            best = Some((threshold, score));
        }
    }
    match best {
        Some((threshold, score)) if score.f1 > 0.0 => Ok(ThresholdChoice {
            threshold,
            f1: score.f1,
            precision: score.precision,
            recall: score.recall,
            fallback: false,
        }),
        _ => {
            let score = f1_at(probabilities, truth, fallback);
            Ok(ThresholdChoice {
                threshold: fallback,
                f1: score.f1,
                precision: score.precision,
                recall: score.recall,
                fallback: true,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weight_grid_spans_zero_to_one() {
        let grid = weight_grid(0.05).unwrap();
        assert_eq!(grid.len(), 21);
        assert_eq!(grid[0], 0.0);
        assert_eq!(grid[3], 0.15);
        assert_eq!(grid[20], 1.0);
        assert_eq!(weight_grid(0.3).unwrap(), vec![0.0, 0.3, 0.6, 0.9, 1.0]);
        assert!(weight_grid(0.0).is_err());
    }

    #[test]
    fn weight_search_finds_the_best_mix_and_prefers_small_weights() {
        // XGBoost is 1 too high, LightGBM 1 too low: the half-half blend is
        // exact.
        let truth = [1.0, 2.0, 3.0];
        let xgboost: Vec<f64> = truth.iter().map(|t| t + 1.0).collect();
        let lightgbm: Vec<f64> = truth.iter().map(|t| t - 1.0).collect();
        let choice =
            choose_weight(Objective::SquaredError, &xgboost, &lightgbm, &truth, 0.05).unwrap();
        assert_eq!(choice.weight, 0.5);
        assert!(choice.loss < 1e-20, "{}", choice.loss);
        assert_eq!(choice.search.len(), 21);

        // Identical predictions whose blend is exact tie everywhere: weight
        // 0 wins.
        let zeros = [0.0; 3];
        let same = choose_weight(Objective::AbsoluteError, &zeros, &zeros, &truth, 0.05).unwrap();
        assert!(same.search.iter().all(|&(_, loss)| loss == 2.0));
        assert_eq!(same.weight, 0.0);
    }

    #[test]
    fn threshold_grid_follows_the_configuration() {
        let grid = threshold_grid([0.05, 0.95, 0.05]).unwrap();
        assert_eq!(grid.len(), 19);
        assert_eq!(grid[0], 0.05);
        assert_eq!(grid[2], 0.15);
        assert_eq!(grid[18], 0.95);
        assert!(threshold_grid([0.5, 0.2, 0.1]).is_err());
    }

    #[test]
    fn cliff_threshold_maximises_f1_with_ties_to_the_smallest() {
        // Cliffs at 0.7 and 0.8; non-cliffs at 0.1, 0.3 and 0.6. Any
        // threshold in (0.6, 0.7] separates them perfectly: 0.65 is the
        // smallest grid value there.
        let probabilities = [0.1, 0.3, 0.6, 0.7, 0.8];
        let truth = [false, false, false, true, true];
        let choice =
            choose_cliff_threshold(&probabilities, &truth, [0.05, 0.95, 0.05], 0.5).unwrap();
        assert_eq!(choice.threshold, 0.65);
        assert_eq!(choice.f1, 1.0);
        assert!(!choice.fallback);
    }

    #[test]
    fn cliff_threshold_falls_back_without_any_true_positive() {
        let probabilities = [0.9, 0.8, 0.01];
        let truth = [false, false, true];
        let choice =
            choose_cliff_threshold(&probabilities, &truth, [0.05, 0.95, 0.05], 0.5).unwrap();
        assert_eq!(choice.threshold, 0.5);
        assert!(choice.fallback);
        assert_eq!(choice.f1, 0.0);
    }
}
