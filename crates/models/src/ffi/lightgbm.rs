//! LightGBM's C API: datasets, round-by-round training and prediction.

use std::ffi::{c_char, c_void};
use std::marker::PhantomData;
use std::ptr;

use lightgbm3_sys as lgb;

use super::{c_string, last_error_message, to_i32};

/// LightGBM's element type code for `f32` (`C_API_DTYPE_FLOAT32`).
const LGB_FLOAT32: i32 = 0;
/// LightGBM's "normal prediction, with the objective's transform".
const LGB_PREDICT_NORMAL: i32 = 0;
/// Split counts as feature importance in saved models, LightGBM's default.
const LGB_IMPORTANCE_SPLIT: i32 = 0;

/// The message of LightGBM's last error on this thread.
fn lightgbm_error() -> String {
    // SAFETY: LGBM_GetLastError has no preconditions; it returns a pointer
    // to a thread-local buffer, copied out at once.
    last_error_message(unsafe { lgb::LGBM_GetLastError() })
}

fn lightgbm_check(code: i32) -> Result<(), String> {
    if code == 0 {
        Ok(())
    } else {
        Err(lightgbm_error())
    }
}

/// A LightGBM dataset: the binned copy of a dense `f32` matrix and its
/// labels.
pub(crate) struct LgbDataset {
    handle: lgb::DatasetHandle,
}

impl LgbDataset {
    /// Bins a row-major matrix. `parameters` decide the binning, among them
    /// `categorical_feature`; a validation set passes the training set as
    /// `reference` so that both use the same bins.
    pub(crate) fn from_rows(
        values: &[f32],
        n_rows: usize,
        n_cols: usize,
        parameters: &str,
        reference: Option<&LgbDataset>,
    ) -> Result<Self, String> {
        if n_rows == 0 || n_cols == 0 || values.len() != n_rows * n_cols {
            return Err(format!(
                "a dataset needs rows and columns, got {n_rows} x {n_cols} with {} values",
                values.len()
            ));
        }
        let rows = to_i32(n_rows, "row count")?;
        let cols = to_i32(n_cols, "column count")?;
        let parameters = c_string(parameters)?;
        let reference = reference.map_or(ptr::null_mut(), |r| r.handle);
        let mut handle = ptr::null_mut();
        // SAFETY: `values` holds rows * cols f32 in row-major order (checked
        // above) and LightGBM copies them into its bins before returning;
        // `parameters` is NUL-terminated; `reference` is null or a live
        // dataset handle borrowed for the call.
        let code = unsafe {
            lgb::LGBM_DatasetCreateFromMat(
                values.as_ptr().cast::<c_void>(),
                LGB_FLOAT32,
                rows,
                cols,
                1,
                parameters.as_ptr(),
                reference,
                &mut handle,
            )
        };
        lightgbm_check(code)?;
        Ok(LgbDataset { handle })
    }

    /// Sets the label of every row.
    pub(crate) fn set_labels(&mut self, labels: &[f32]) -> Result<(), String> {
        let count = to_i32(labels.len(), "label count")?;
        let field = c_string("label")?;
        // SAFETY: LightGBM copies `count` f32 from `labels`, checking the
        // count against the dataset's rows itself.
        let code = unsafe {
            lgb::LGBM_DatasetSetField(
                self.handle,
                field.as_ptr(),
                labels.as_ptr().cast::<c_void>(),
                count,
                LGB_FLOAT32,
            )
        };
        lightgbm_check(code)
    }

    /// Names the columns, so that the saved model lists feature names.
    pub(crate) fn set_feature_names(&mut self, names: &[String]) -> Result<(), String> {
        let owned = names
            .iter()
            .map(|name| c_string(name))
            .collect::<Result<Vec<_>, _>>()?;
        let mut pointers: Vec<*const c_char> = owned.iter().map(|name| name.as_ptr()).collect();
        let count = to_i32(names.len(), "feature count")?;
        // SAFETY: `pointers` holds `count` NUL-terminated strings that
        // outlive the call (owned by `owned`); LightGBM copies them.
        let code =
            unsafe { lgb::LGBM_DatasetSetFeatureNames(self.handle, pointers.as_mut_ptr(), count) };
        lightgbm_check(code)
    }
}

impl Drop for LgbDataset {
    fn drop(&mut self) {
        // SAFETY: the handle came from LGBM_DatasetCreateFromMat and is
        // freed once; any booster that borrowed it has been dropped first
        // (LgbTrainer holds the borrow).
        unsafe {
            let _ = lgb::LGBM_DatasetFree(self.handle);
        }
    }
}

/// A LightGBM booster being trained on borrowed datasets.
///
/// LightGBM keeps raw pointers to the training and validation datasets,
/// so the lifetime ties the booster to both.
pub(crate) struct LgbTrainer<'d> {
    handle: lgb::BoosterHandle,
    validation_rows: usize,
    _data: PhantomData<&'d LgbDataset>,
}

impl<'d> LgbTrainer<'d> {
    /// A booster on `train` whose scores on `validation` are kept up to date.
    pub(crate) fn new(
        train: &'d LgbDataset,
        validation: &'d LgbDataset,
        validation_rows: usize,
        parameters: &str,
    ) -> Result<Self, String> {
        let parameters = c_string(parameters)?;
        let mut handle = ptr::null_mut();
        // SAFETY: `train.handle` is a live dataset that outlives the booster
        // ('d); `parameters` is NUL-terminated and read during the call.
        let code =
            unsafe { lgb::LGBM_BoosterCreate(train.handle, parameters.as_ptr(), &mut handle) };
        lightgbm_check(code)?;
        let trainer = LgbTrainer {
            handle,
            validation_rows,
            _data: PhantomData,
        };
        // SAFETY: both handles are live; the validation dataset outlives
        // the booster ('d).
        let code = unsafe { lgb::LGBM_BoosterAddValidData(trainer.handle, validation.handle) };
        lightgbm_check(code)?;
        Ok(trainer)
    }

    /// Runs one boosting round; true when the round could not split at all.
    pub(crate) fn update(&mut self) -> Result<bool, String> {
        let mut finished = 0;
        // SAFETY: the handle is live and exclusively borrowed; LightGBM
        // writes one int.
        let code = unsafe { lgb::LGBM_BoosterUpdateOneIter(self.handle, &mut finished) };
        lightgbm_check(code)?;
        Ok(finished != 0)
    }

    /// Number of boosting iterations the booster holds.
    pub(crate) fn iterations(&self) -> Result<usize, String> {
        let mut iterations = 0;
        // SAFETY: the handle is live; LightGBM writes one int.
        let code = unsafe { lgb::LGBM_BoosterGetCurrentIteration(self.handle, &mut iterations) };
        lightgbm_check(code)?;
        Ok(usize::try_from(iterations).unwrap_or(0))
    }

    /// The current predictions (after the objective's transform) for the
    /// validation rows, as LightGBM maintains them round by round.
    pub(crate) fn validation_predictions(&self, out: &mut Vec<f64>) -> Result<(), String> {
        out.clear();
        out.resize(self.validation_rows, 0.0);
        let mut written: i64 = 0;
        // SAFETY: one model per iteration (no multiclass here), so LightGBM
        // writes exactly `validation_rows` doubles into `out`, which has
        // that length; data index 1 is the first validation set.
        let code =
            unsafe { lgb::LGBM_BoosterGetPredict(self.handle, 1, &mut written, out.as_mut_ptr()) };
        lightgbm_check(code)?;
        if usize::try_from(written).ok() != Some(self.validation_rows) {
            return Err(format!(
                "validation predictions: got {written}, expected {}",
                self.validation_rows
            ));
        }
        Ok(())
    }

    /// The model text holding the first `iterations` rounds only.
    pub(crate) fn model_string(&self, iterations: usize) -> Result<String, String> {
        save_model_string(self.handle, to_i32(iterations, "iteration count")?)
    }
}

impl Drop for LgbTrainer<'_> {
    fn drop(&mut self) {
        // SAFETY: the handle came from LGBM_BoosterCreate and is freed once,
        // before the datasets it borrows (enforced by 'd).
        unsafe {
            let _ = lgb::LGBM_BoosterFree(self.handle);
        }
    }
}

/// Writes a booster's model text; `iterations <= 0` means all of them.
fn save_model_string(handle: lgb::BoosterHandle, iterations: i32) -> Result<String, String> {
    let mut needed: i64 = 0;
    // SAFETY: a zero-length buffer only asks for the needed size.
    let code = unsafe {
        lgb::LGBM_BoosterSaveModelToString(
            handle,
            0,
            iterations,
            LGB_IMPORTANCE_SPLIT,
            0,
            &mut needed,
            ptr::null_mut(),
        )
    };
    lightgbm_check(code)?;
    let size = usize::try_from(needed).map_err(|_| format!("model size {needed}"))?;
    let mut buffer = vec![0u8; size];
    // SAFETY: `buffer` has `needed` bytes, which LightGBM fills with the
    // NUL-terminated model text.
    let code = unsafe {
        lgb::LGBM_BoosterSaveModelToString(
            handle,
            0,
            iterations,
            LGB_IMPORTANCE_SPLIT,
            needed,
            &mut needed,
            buffer.as_mut_ptr().cast::<c_char>(),
        )
    };
    lightgbm_check(code)?;
    let end = buffer.iter().position(|&b| b == 0).unwrap_or(buffer.len());
    buffer.truncate(end);
    String::from_utf8(buffer).map_err(|_| "model text is not UTF-8".to_string())
}

/// A trained LightGBM model loaded from its text, used for prediction.
pub(crate) struct LgbModel {
    handle: lgb::BoosterHandle,
    // The single-row predictor, set up once so that a row costs no
    // parameter parsing; null until `from_string` has made it.
    single_row: lgb::FastConfigHandle,
    iterations: usize,
    n_features: usize,
}

// SAFETY: a booster loaded from text owns all of its memory (no borrowed
// datasets). LightGBM's C API guards every booster call with the booster's
// own shared mutex (prediction takes it shared), and the single-row
// predictor (FastConfig) locks its own mutex around each prediction, so the
// handles may move between threads and be used from several at once.
unsafe impl Send for LgbModel {}
// SAFETY: see Send; only prediction and saving are exposed through &self.
unsafe impl Sync for LgbModel {}

impl LgbModel {
    /// Parses a model text. `parameters` (e.g. `num_threads=2`) set up the
    /// single-row predictor; pass the ones batch prediction uses, since
    /// LightGBM keeps its thread count in one process-wide setting that
    /// each of these calls overwrites.
    pub(crate) fn from_string(text: &str, parameters: &str) -> Result<Self, String> {
        let text = c_string(text)?;
        let mut iterations = 0;
        let mut handle = ptr::null_mut();
        // SAFETY: `text` is NUL-terminated and only read; LightGBM writes
        // the handle and the iteration count.
        let code = unsafe {
            lgb::LGBM_BoosterLoadModelFromString(text.as_ptr(), &mut iterations, &mut handle)
        };
        lightgbm_check(code)?;
        let mut model = LgbModel {
            handle,
            single_row: ptr::null_mut(),
            iterations: usize::try_from(iterations).unwrap_or(0),
            n_features: 0,
        };
        let mut n_features = 0;
        // SAFETY: live handle; LightGBM writes one int.
        let code = unsafe { lgb::LGBM_BoosterGetNumFeature(model.handle, &mut n_features) };
        lightgbm_check(code)?;
        model.n_features = usize::try_from(n_features).unwrap_or(0);

        let parameters = c_string(parameters)?;
        let mut single_row = ptr::null_mut();
        // SAFETY: live handle; `parameters` is NUL-terminated and parsed
        // during the call; LightGBM writes the new FastConfig handle, which
        // refers to the booster and is freed before it (Drop).
        let code = unsafe {
            lgb::LGBM_BoosterPredictForMatSingleRowFastInit(
                model.handle,
                LGB_PREDICT_NORMAL,
                0,
                -1,
                LGB_FLOAT32,
                n_features,
                parameters.as_ptr(),
                &mut single_row,
            )
        };
        lightgbm_check(code)?;
        model.single_row = single_row;
        Ok(model)
    }

    /// Predicts one row of `n_features` values with the prepared
    /// single-row predictor.
    pub(crate) fn predict_row(&self, row: &[f32]) -> Result<f64, String> {
        if row.len() != self.n_features {
            return Err(format!(
                "the row has {} values, the model {} features",
                row.len(),
                self.n_features
            ));
        }
        let mut out = [0.0f64; 1];
        let mut written: i64 = 0;
        // SAFETY: `single_row` is a live FastConfig for this booster set up
        // for `n_features` f32 columns; `row` has that many values, read
        // during the call; a single-output model writes one double.
        let code = unsafe {
            lgb::LGBM_BoosterPredictForMatSingleRowFast(
                self.single_row,
                row.as_ptr().cast::<c_void>(),
                &mut written,
                out.as_mut_ptr(),
            )
        };
        lightgbm_check(code)?;
        if written != 1 {
            return Err(format!("got {written} outputs for one row"));
        }
        Ok(out[0])
    }

    /// Boosting iterations in the model.
    pub(crate) fn iterations(&self) -> usize {
        self.iterations
    }

    /// Columns the model expects.
    pub(crate) fn n_features(&self) -> usize {
        self.n_features
    }

    /// Predicts a row-major `f32` matrix of `n_features` columns.
    /// `parameters` may set `num_threads`.
    pub(crate) fn predict(
        &self,
        values: &[f32],
        n_rows: usize,
        parameters: &str,
    ) -> Result<Vec<f64>, String> {
        if values.len() != n_rows * self.n_features {
            return Err(format!(
                "{} values do not make {n_rows} rows of {} columns",
                values.len(),
                self.n_features
            ));
        }
        if n_rows == 0 {
            return Ok(Vec::new());
        }
        let rows = to_i32(n_rows, "row count")?;
        let cols = to_i32(self.n_features, "column count")?;
        let parameters = c_string(parameters)?;
        let mut out = vec![0.0f64; n_rows];
        let mut written: i64 = 0;
        // SAFETY: `values` holds rows * cols f32 (checked above) read during
        // the call; a single-output model writes `n_rows` doubles into
        // `out`, which has that length.
        let code = unsafe {
            if n_rows == 1 {
                lgb::LGBM_BoosterPredictForMatSingleRow(
                    self.handle,
                    values.as_ptr().cast::<c_void>(),
                    LGB_FLOAT32,
                    cols,
                    1,
                    LGB_PREDICT_NORMAL,
                    0,
                    -1,
                    parameters.as_ptr(),
                    &mut written,
                    out.as_mut_ptr(),
                )
            } else {
                lgb::LGBM_BoosterPredictForMat(
                    self.handle,
                    values.as_ptr().cast::<c_void>(),
                    LGB_FLOAT32,
                    rows,
                    cols,
                    1,
                    LGB_PREDICT_NORMAL,
                    0,
                    -1,
                    parameters.as_ptr(),
                    &mut written,
                    out.as_mut_ptr(),
                )
            }
        };
        lightgbm_check(code)?;
        if usize::try_from(written).ok() != Some(n_rows) {
            return Err(format!("got {written} predictions for {n_rows} rows"));
        }
        Ok(out)
    }
}

impl Drop for LgbModel {
    fn drop(&mut self) {
        // SAFETY: both handles are freed once, the FastConfig (which refers
        // to the booster) first; &mut self means no prediction is running.
        unsafe {
            if !self.single_row.is_null() {
                let _ = lgb::LGBM_FastConfigFree(self.single_row);
            }
            let _ = lgb::LGBM_BoosterFree(self.handle);
        }
    }
}
