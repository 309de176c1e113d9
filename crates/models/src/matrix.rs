//! The dense feature matrix both libraries read.
//!
//! XGBoost and LightGBM both take a row-major block of `f32` with NaN for a
//! missing value, so that is the one layout used here: prepared samples are
//! copied into it once per split, and single rows for serving are the same
//! thing with one row. Category columns hold the index of the category
//! (0.0, 1.0, ...) as [`FeatureKind::Categorical`] defines it; the
//! libraries are told separately which columns those are.
//!
//! Values are narrowed from the samples' `f64` to `f32`, the precision
//! XGBoost works in anyway; LightGBM is given the same `f32` values at
//! training and at prediction, so the two always see identical inputs.

use tiredeg_prepare::{FeatureKind, FeatureSchema};

use crate::error::ModelError;

/// A dense row-major matrix of features; NaN is missing.
#[derive(Debug, Clone, PartialEq)]
pub struct Matrix {
    n_rows: usize,
    n_cols: usize,
    values: Vec<f32>,
}

impl Matrix {
    /// A matrix from row-major values; `values.len()` must be
    /// `n_rows * n_cols`.
    pub fn new(n_rows: usize, n_cols: usize, values: Vec<f32>) -> Result<Self, ModelError> {
        if n_rows.checked_mul(n_cols) != Some(values.len()) {
            return Err(ModelError::Shape(format!(
                "{} values do not make {n_rows} rows of {n_cols} columns",
                values.len()
            )));
        }
        Ok(Matrix {
            n_rows,
            n_cols,
            values,
        })
    }

    /// A matrix from rows of `f64` features, each of `n_cols` values.
    pub fn from_rows<R: AsRef<[f64]>>(n_cols: usize, rows: &[R]) -> Result<Self, ModelError> {
        let mut values = Vec::with_capacity(rows.len() * n_cols);
        for (index, row) in rows.iter().enumerate() {
            let row = row.as_ref();
            if row.len() != n_cols {
                return Err(ModelError::Shape(format!(
                    "row {index} has {} features, expected {n_cols}",
                    row.len()
                )));
            }
            values.extend(row.iter().map(|&v| v as f32));
        }
        Matrix::new(rows.len(), n_cols, values)
    }

    /// Number of rows.
    pub fn n_rows(&self) -> usize {
        self.n_rows
    }

    /// Number of columns.
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }

    /// All values, row after row.
    pub fn values(&self) -> &[f32] {
        &self.values
    }

    /// One row, or `None` past the last.
    pub fn row(&self, index: usize) -> Option<&[f32]> {
        let start = index.checked_mul(self.n_cols)?;
        self.values.get(start..start.checked_add(self.n_cols)?)
    }

    /// The rows at the given indices, in that order.
    pub fn select_rows(&self, indices: &[usize]) -> Result<Matrix, ModelError> {
        let mut values = Vec::with_capacity(indices.len() * self.n_cols);
        for &index in indices {
            let row = self
                .row(index)
                .filter(|_| index < self.n_rows)
                .ok_or_else(|| {
                    ModelError::Shape(format!(
                        "row {index} is out of range for {} rows",
                        self.n_rows
                    ))
                })?;
            values.extend_from_slice(row);
        }
        Matrix::new(indices.len(), self.n_cols, values)
    }
}

/// Checks that a matrix has the schema's columns and that every value of a
/// categorical column is missing or a category index.
pub fn check_against_schema(x: &Matrix, schema: &FeatureSchema) -> Result<(), ModelError> {
    if x.n_cols() != schema.len() || schema.kinds.len() != schema.names.len() {
        return Err(ModelError::Shape(format!(
            "matrix has {} columns, the feature schema {} names and {} kinds",
            x.n_cols(),
            schema.names.len(),
            schema.kinds.len()
        )));
    }
    for (column, kind) in schema.kinds.iter().enumerate() {
        if let FeatureKind::Categorical(categories) = kind {
            for row in 0..x.n_rows() {
                check_category(
                    x.values()[row * x.n_cols() + column],
                    categories.len(),
                    &schema.names[column],
                    row,
                )?;
            }
        }
    }
    Ok(())
}

/// One categorical value: NaN, or an integer in `0..count`.
pub(crate) fn check_category(
    value: f32,
    count: usize,
    column: &str,
    row: usize,
) -> Result<(), ModelError> {
    let valid =
        value.is_nan() || (value >= 0.0 && value.fract() == 0.0 && (value as usize) < count);
    if valid {
        Ok(())
    } else {
        Err(ModelError::Category {
            column: column.to_string(),
            row,
            value: f64::from(value),
            count,
        })
    }
}

/// Indices of the categorical columns.
pub(crate) fn categorical_columns(schema: &FeatureSchema) -> Vec<usize> {
    schema
        .kinds
        .iter()
        .enumerate()
        .filter(|(_, kind)| matches!(kind, FeatureKind::Categorical(_)))
        .map(|(index, _)| index)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> FeatureSchema {
        FeatureSchema {
            names: vec!["compound".into(), "tire_age_start".into()],
            kinds: vec![
                FeatureKind::Categorical(vec!["SOFT".into(), "MEDIUM".into(), "HARD".into()]),
                FeatureKind::Numeric,
            ],
        }
    }

    #[test]
    fn shape_is_checked() {
        let error = Matrix::new(2, 3, vec![0.0; 5]).unwrap_err().to_string();
        assert!(error.contains("5 values"), "{error}");
        let error = Matrix::from_rows(2, &[vec![1.0, 2.0], vec![3.0]])
            .unwrap_err()
            .to_string();
        assert!(error.contains("row 1 has 1 features"), "{error}");
    }

    #[test]
    fn rows_keep_their_order_and_nan() {
        let x = Matrix::from_rows(2, &[vec![1.0, f64::NAN], vec![2.0, 5.5]]).unwrap();
        assert_eq!(x.row(1), Some(&[2.0f32, 5.5][..]));
        assert!(x.row(0).unwrap()[1].is_nan());
        assert_eq!(x.row(2), None);
        let picked = x.select_rows(&[1, 0]).unwrap();
        assert_eq!(picked.row(0), Some(&[2.0f32, 5.5][..]));
        assert!(x.select_rows(&[2]).is_err());
    }

    #[test]
    fn category_codes_are_checked_by_column() {
        let good = Matrix::from_rows(2, &[vec![2.0, 1.0], vec![f64::NAN, 3.0]]).unwrap();
        check_against_schema(&good, &schema()).unwrap();
        for bad in [3.0, -1.0, 0.5] {
            let x = Matrix::from_rows(2, &[vec![0.0, 1.0], vec![bad, 3.0]]).unwrap();
            let error = check_against_schema(&x, &schema()).unwrap_err().to_string();
            assert!(error.contains("column compound, row 1"), "{error}");
            assert!(error.contains(&format!("value {bad}")), "{error}");
        }
        assert_eq!(categorical_columns(&schema()), vec![0]);
    }
}
