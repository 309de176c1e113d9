//! Early stopping: when to stop boosting and which round to keep.
//!
//! Both libraries' training loops feed this the validation metric after
//! every round. A round counts as better only when its metric is strictly
//! lower than the best so far, so on a tie the earlier (smaller) model
//! wins. Training stops once `patience` rounds in a row brought no
//! improvement, and the kept model is the prefix of rounds up to the best
//! one. The best round is reported counted from 1, which is the number of
//! boosting rounds the kept model holds (XGBoost's Python `best_iteration`
//! is the same round counted from 0).

/// Tracks the validation curve of one training run.
#[derive(Debug, Clone)]
pub(crate) struct EarlyStopping {
    patience: usize,
    curve: Vec<f64>,
    best: Option<(usize, f64)>,
}

impl EarlyStopping {
    /// Stops after `patience` rounds without improvement (at least 1).
    pub(crate) fn new(patience: usize) -> Self {
        EarlyStopping {
            patience: patience.max(1),
            curve: Vec::new(),
            best: None,
        }
    }

    /// Records the metric after the next round; true when the round is the
    /// new best. A NaN metric never improves.
    pub(crate) fn record(&mut self, metric: f64) -> bool {
        self.curve.push(metric);
        let round = self.curve.len();
        let improved = match self.best {
            None => !metric.is_nan(),
            Some((_, best)) => metric < best,
        };
        if improved {
            self.best = Some((round, metric));
        }
        improved
    }

    /// Whether `patience` rounds have passed since the best one.
    pub(crate) fn should_stop(&self) -> bool {
        let since_best = match self.best {
            Some((round, _)) => self.curve.len() - round,
            None => self.curve.len(),
        };
        since_best >= self.patience
    }

    /// The best round, counted from 1; `None` when no metric was a number.
    pub(crate) fn best_iteration(&self) -> Option<usize> {
        self.best.map(|(round, _)| round)
    }

    /// The metric after each round so far.
    pub(crate) fn into_curve(self) -> Vec<f64> {
        self.curve
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_first_minimum_and_stops_after_patience() {
        let mut stopper = EarlyStopping::new(3);
        let curve = [5.0, 4.0, 3.0, 3.0, 3.5, 3.2];
        let mut stopped_at = None;
        for (index, &value) in curve.iter().enumerate() {
            stopper.record(value);
            if stopper.should_stop() {
                stopped_at = Some(index + 1);
                break;
            }
        }
        assert_eq!(stopped_at, Some(6));
        assert_eq!(stopper.best_iteration(), Some(3));
        assert_eq!(stopper.into_curve().len(), 6);
    }

    #[test]
    fn nan_never_improves() {
        let mut stopper = EarlyStopping::new(2);
        assert!(!stopper.record(f64::NAN));
        assert_eq!(stopper.best_iteration(), None);
        assert!(stopper.record(1.0));
        assert!(!stopper.record(f64::NAN));
        assert_eq!(stopper.best_iteration(), Some(2));
        assert!(!stopper.should_stop());
        stopper.record(2.0);
        assert!(stopper.should_stop());
    }
}
