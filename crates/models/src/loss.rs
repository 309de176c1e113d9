//! The losses each head is judged by on the validation split.
//!
//! The same functions serve early stopping (the metric that matches the
//! head's objective: RMSE, MAE, log loss) and the ensemble weight search
//! (the loss itself: MSE, MAE, log loss), for both libraries alike, so the
//! numbers are computed here in `f64` rather than taken from each
//! library's own evaluation printout.

/// Probabilities are clipped this far from 0 and 1 before taking logs, so
/// that one confident mistake gives a large but finite loss.
const PROBABILITY_EPSILON: f64 = 1e-15;

/// Mean squared error; NaN for no rows.
pub fn mean_squared_error(predictions: &[f64], truth: &[f64]) -> f64 {
    mean(
        predictions
            .iter()
            .zip(truth)
            .map(|(p, t)| (p - t) * (p - t)),
    )
}

/// Root mean squared error; NaN for no rows.
pub fn root_mean_squared_error(predictions: &[f64], truth: &[f64]) -> f64 {
    mean_squared_error(predictions, truth).sqrt()
}

/// Mean absolute error; NaN for no rows.
pub fn mean_absolute_error(predictions: &[f64], truth: &[f64]) -> f64 {
    mean(predictions.iter().zip(truth).map(|(p, t)| (p - t).abs()))
}

/// Mean binary log loss of probabilities against 0/1 truth; NaN for no
/// rows.
pub fn log_loss(probabilities: &[f64], truth: &[f64]) -> f64 {
    mean(probabilities.iter().zip(truth).map(|(&p, &t)| {
        let p = p.clamp(PROBABILITY_EPSILON, 1.0 - PROBABILITY_EPSILON);
        -(t * p.ln() + (1.0 - t) * (1.0 - p).ln())
    }))
}

fn mean(values: impl Iterator<Item = f64>) -> f64 {
    let (sum, count) = values.fold((0.0, 0usize), |(sum, count), v| (sum + v, count + 1));
    if count == 0 {
        f64::NAN
    } else {
        sum / count as f64
    }
}

/// Precision, recall and F1 of the flag `probability >= threshold`.
pub fn f1_at(probabilities: &[f64], truth: &[bool], threshold: f64) -> F1 {
    let (mut tp, mut fp, mut fn_) = (0usize, 0usize, 0usize);
    for (&p, &t) in probabilities.iter().zip(truth) {
        match (p >= threshold, t) {
            (true, true) => tp += 1,
            (true, false) => fp += 1,
            (false, true) => fn_ += 1,
            (false, false) => {}
        }
    }
    let ratio = |a: usize, b: usize| if b == 0 { 0.0 } else { a as f64 / b as f64 };
    let precision = ratio(tp, tp + fp);
    let recall = ratio(tp, tp + fn_);
    let f1 = ratio(2 * tp, 2 * tp + fp + fn_);
    F1 {
        precision,
        recall,
        f1,
    }
}

/// Classification quality of a threshold.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct F1 {
    /// True positives over predicted positives (0 when none predicted).
    pub precision: f64,
    /// True positives over actual positives (0 when none).
    pub recall: f64,
    /// Harmonic mean of the two (0 when there is no true positive).
    pub f1: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regression_losses() {
        let p = [1.0, 2.0, 4.0];
        let t = [1.0, 3.0, 2.0];
        assert!((mean_squared_error(&p, &t) - 5.0 / 3.0).abs() < 1e-12);
        assert!((root_mean_squared_error(&p, &t) - (5.0f64 / 3.0).sqrt()).abs() < 1e-12);
        assert!((mean_absolute_error(&p, &t) - 1.0).abs() < 1e-12);
        assert!(mean_squared_error(&[], &[]).is_nan());
    }

    #[test]
    fn log_loss_is_finite_for_certain_mistakes() {
        let loss = log_loss(&[0.5, 0.5], &[1.0, 0.0]);
        assert!((loss - std::f64::consts::LN_2).abs() < 1e-12);
        let wrong = log_loss(&[0.0], &[1.0]);
        assert!(wrong.is_finite() && wrong > 30.0, "{wrong}");
    }

    #[test]
    fn f1_counts_flags_at_or_above_the_threshold() {
        let p = [0.9, 0.6, 0.4, 0.2];
        let t = [true, false, true, false];
        let at = f1_at(&p, &t, 0.6);
        assert_eq!(at.precision, 0.5);
        assert_eq!(at.recall, 0.5);
        assert_eq!(at.f1, 0.5);
        assert_eq!(f1_at(&p, &t, 0.95).f1, 0.0);
    }
}
