//! The few statistics the targets and features are built from.
//!
//! SPEC 3 defines the targets with a Theil-Sen slope (robust to the odd
//! lap lost in traffic), ordinary least squares lines (for the cliff) and
//! medians; SPEC 4 adds a population standard deviation. They are written
//! here once, with the exact conventions of the spec, so that every caller
//! gets the same numbers an independent implementation would:
//!
//! - a median of an even count is the mean of the two middle values;
//! - Theil-Sen takes every pair with `x_j > x_i`, so pairs tied in x are
//!   skipped, and is NaN when no pair is left;
//! - a standard deviation divides by n, not n - 1.
//!
//! Medians use `select_nth_unstable_by` (linear time) on a caller's buffer,
//! because preparation computes one Theil-Sen median over about a thousand
//! pairwise slopes for each of several thousand stints.
//!
//! The cliff scan of SPEC 3 fits two lines for every split of a stint.
//! [`PrefixSums`] makes each fit O(1), so the scan is linear in the number
//! of laps. The sums are taken over data centred on the means of the whole
//! stint: lap times near 90 s would otherwise give sums of squares near
//! 10^5 per lap, and the squared errors of a good fit (tenths of a second
//! squared) would drown in rounding.

/// The median of `values`, or NaN when there are none.
///
/// The slice is reordered. NaN values are ordered after every number, as
/// `f64::total_cmp` does; callers pass finite values.
pub fn median_in_place(values: &mut [f64]) -> f64 {
    let count = values.len();
    if count == 0 {
        return f64::NAN;
    }
    let middle = count / 2;
    let (lower, upper, _) = values.select_nth_unstable_by(middle, f64::total_cmp);
    let upper = *upper;
    if count % 2 == 1 {
        return upper;
    }
    // After the selection every value left of `middle` is at most `upper`;
    // the largest of them is the other middle value.
    let lower = lower.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    (lower + upper) / 2.0
}

/// The median of `values`, copied into `buffer` first so `values` keeps its
/// order.
pub fn median(values: &[f64], buffer: &mut Vec<f64>) -> f64 {
    buffer.clear();
    buffer.extend_from_slice(values);
    median_in_place(buffer)
}

/// The Theil-Sen slope of `y` on `x`: the median of `(y_j - y_i) / (x_j -
/// x_i)` over all pairs with `x_j > x_i`.
///
/// Pairs tied in x give no slope. NaN when no pair is left (fewer than two
/// distinct x). `buffer` holds the pairwise slopes; passing the same
/// buffer to every call saves an allocation per stint.
///
/// The two slices must have the same length; extra values of the longer
/// one are ignored.
pub fn theil_sen_slope(x: &[f64], y: &[f64], buffer: &mut Vec<f64>) -> f64 {
    let count = x.len().min(y.len());
    let (x, y) = (&x[..count], &y[..count]);
    buffer.clear();
    buffer.resize(count * count.saturating_sub(1) / 2, 0.0);
    let mut pairs = 0;
    for i in 0..count {
        let (xi, yi) = (x[i], y[i]);
        for (xj, yj) in x[i + 1..].iter().zip(&y[i + 1..]) {
            // The pair counts once whichever of the two has the larger x,
            // and the slope is the same value either way round.
            let dx = xj - xi;
            if dx != 0.0 {
                buffer[pairs] = (yj - yi) / dx;
                pairs += 1;
            }
        }
    }
    buffer.truncate(pairs);
    median_in_place(buffer)
}

/// The arithmetic mean, or NaN when there are no values.
pub fn mean(values: &[f64]) -> f64 {
    if values.is_empty() {
        return f64::NAN;
    }
    values.iter().sum::<f64>() / values.len() as f64
}

/// The population standard deviation (divided by n), or NaN when there are
/// no values.
pub fn population_std(values: &[f64]) -> f64 {
    let centre = mean(values);
    if centre.is_nan() {
        return f64::NAN;
    }
    let sum_sq: f64 = values.iter().map(|v| (v - centre) * (v - centre)).sum();
    (sum_sq / values.len() as f64).sqrt()
}

/// An ordinary least squares line and its squared error.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineFit {
    /// Number of points fitted.
    pub count: usize,
    /// Slope of y on x.
    pub slope: f64,
    /// Sum of squared residuals.
    pub squared_error: f64,
}

/// Cumulative sums of x, y, x², xy and y² over points in a fixed order,
/// so that the least squares line of any run of consecutive points costs
/// O(1).
#[derive(Debug, Clone, Default)]
pub struct PrefixSums {
    // Entry i holds the sums over the first i points (entry 0 is zeros).
    sums: Vec<[f64; 5]>,
}

impl PrefixSums {
    /// Sums over the points `(x[i], y[i])` in the given order.
    pub fn new(x: &[f64], y: &[f64]) -> Self {
        let count = x.len().min(y.len());
        let centre_x = mean(&x[..count]);
        let centre_y = mean(&y[..count]);
        let mut sums = Vec::with_capacity(count + 1);
        let mut running = [0.0; 5];
        sums.push(running);
        for i in 0..count {
            let dx = x[i] - centre_x;
            let dy = y[i] - centre_y;
            running[0] += dx;
            running[1] += dy;
            running[2] += dx * dx;
            running[3] += dx * dy;
            running[4] += dy * dy;
            sums.push(running);
        }
        PrefixSums { sums }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.sums.len().saturating_sub(1)
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The least squares line through points `start..end`.
    ///
    /// When every x of the run is the same the slope is undefined; the fit
    /// is then the flat line through the mean (slope 0, squared error the
    /// spread of y), so a degenerate run can never look like a good fit.
    /// An empty or out-of-range run fits nothing: count 0, slope NaN.
    pub fn fit(&self, start: usize, end: usize) -> LineFit {
        if start >= end || end > self.len() {
            return LineFit {
                count: 0,
                slope: f64::NAN,
                squared_error: f64::NAN,
            };
        }
        let a = self.sums[start];
        let b = self.sums[end];
        let count = (end - start) as f64;
        let sx = b[0] - a[0];
        let sy = b[1] - a[1];
        let sxx = (b[2] - a[2]) - sx * sx / count;
        let sxy = (b[3] - a[3]) - sx * sy / count;
        let syy = (b[4] - a[4]) - sy * sy / count;
        // Rounding can leave a tiny negative spread; a squared error is
        // never below zero.
        let syy = syy.max(0.0);
        if sxx <= 0.0 {
            return LineFit {
                count: end - start,
                slope: 0.0,
                squared_error: syy,
            };
        }
        let slope = sxy / sxx;
        LineFit {
            count: end - start,
            slope,
            squared_error: (syy - slope * sxy).max(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn median_of_odd_and_even_counts() {
        assert_eq!(median_in_place(&mut [3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median_in_place(&mut [4.0, 1.0, 3.0, 2.0]), 2.5);
        assert_eq!(median_in_place(&mut [7.0]), 7.0);
        assert!(median_in_place(&mut []).is_nan());
    }

    #[test]
    fn median_keeps_the_input_order_when_asked() {
        let values = [5.0, 1.0, 4.0];
        let mut buffer = Vec::new();
        assert_eq!(median(&values, &mut buffer), 4.0);
        assert_eq!(values, [5.0, 1.0, 4.0]);
    }

    #[test]
    fn theil_sen_odd_number_of_pairs() {
        // Pairs: (0,1) 1, (0,2) 2, (1,2) 3 → median 2.
        let x = [0.0, 1.0, 2.0];
        let y = [0.0, 1.0, 4.0];
        assert_eq!(theil_sen_slope(&x, &y, &mut Vec::new()), 2.0);
    }

    #[test]
    fn theil_sen_even_number_of_pairs_takes_the_mean_of_the_middle() {
        // Six pairs: 1, 2, 6, 3, 8.5, 14 → sorted 1 2 3 6 8.5 14 → (3 + 6) / 2.
        let x = [0.0, 1.0, 2.0, 3.0];
        let y = [0.0, 1.0, 4.0, 18.0];
        let slope = theil_sen_slope(&x, &y, &mut Vec::new());
        assert_eq!(slope, 4.5);
    }

    #[test]
    fn theil_sen_skips_pairs_tied_in_x() {
        // The tied pair (x = 1, 1) would give an infinite slope if counted.
        // Left: (0,1) 1, (0,1') 3, (0,2) 2, (1,2) 3, (1',2) 1 → median 2.
        let x = [0.0, 1.0, 1.0, 2.0];
        let y = [0.0, 1.0, 3.0, 4.0];
        assert_eq!(theil_sen_slope(&x, &y, &mut Vec::new()), 2.0);
    }

    #[test]
    fn theil_sen_counts_pairs_whatever_the_input_order() {
        let x = [2.0, 0.0, 1.0];
        let y = [4.0, 0.0, 1.0];
        assert_eq!(theil_sen_slope(&x, &y, &mut Vec::new()), 2.0);
    }

    #[test]
    fn theil_sen_without_distinct_x_is_nan() {
        assert!(theil_sen_slope(&[3.0, 3.0], &[1.0, 2.0], &mut Vec::new()).is_nan());
        assert!(theil_sen_slope(&[], &[], &mut Vec::new()).is_nan());
    }

    #[test]
    fn population_std_divides_by_n() {
        // Mean 5, squared deviations 9 1 1 1 0 0 4 16 → 32 / 8 = 4.
        let values = [2.0, 4.0, 4.0, 4.0, 5.0, 5.0, 7.0, 9.0];
        assert!(close(population_std(&values), 2.0));
        assert!(population_std(&[]).is_nan());
    }

    #[test]
    fn prefix_fit_matches_a_direct_least_squares_fit() {
        let x = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0];
        let y = [90.1, 90.3, 90.2, 90.6, 90.9, 91.4];
        let sums = PrefixSums::new(&x, &y);

        // Direct fit of points 1..5 by the textbook formulas.
        let (xs, ys) = (&x[1..5], &y[1..5]);
        let mx = mean(xs);
        let my = mean(ys);
        let sxy: f64 = xs.iter().zip(ys).map(|(a, b)| (a - mx) * (b - my)).sum();
        let sxx: f64 = xs.iter().map(|a| (a - mx) * (a - mx)).sum();
        let slope = sxy / sxx;
        let sse: f64 = xs
            .iter()
            .zip(ys)
            .map(|(a, b)| {
                let r = b - (my + slope * (a - mx));
                r * r
            })
            .sum();

        let fit = sums.fit(1, 5);
        assert_eq!(fit.count, 4);
        assert!(close(fit.slope, slope), "{} vs {slope}", fit.slope);
        assert!(
            close(fit.squared_error, sse),
            "{} vs {sse}",
            fit.squared_error
        );
    }

    #[test]
    fn prefix_fit_of_a_run_tied_in_x_is_flat() {
        let sums = PrefixSums::new(&[4.0, 4.0, 4.0], &[1.0, 2.0, 3.0]);
        let fit = sums.fit(0, 3);
        assert_eq!(fit.slope, 0.0);
        assert!(close(fit.squared_error, 2.0));
        assert_eq!(sums.fit(2, 2).count, 0);
        assert_eq!(sums.fit(0, 4).count, 0);
    }
}
