//! XGBoost's in-place prediction on a booster of our own.

use std::ffi::c_void;
use std::ptr;
use std::sync::{Mutex, PoisonError};

use xgboost_sys as xgbsys;

use super::{c_string, last_error_message};

/// The message of XGBoost's last error on this thread.
fn xgboost_error() -> String {
    // SAFETY: XGBGetLastError has no preconditions; it returns a pointer to
    // a thread-local string, copied out at once.
    last_error_message(unsafe { xgbsys::XGBGetLastError() })
}

fn xgboost_check(code: i32) -> Result<(), String> {
    if code == 0 {
        Ok(())
    } else {
        Err(xgboost_error())
    }
}

/// An XGBoost proxy matrix: the holder in-place prediction reads a dense
/// array through.
struct Proxy(xgbsys::DMatrixHandle);

// SAFETY: the proxy is only used behind a Mutex, by one thread at a time.
unsafe impl Send for Proxy {}

impl Drop for Proxy {
    fn drop(&mut self) {
        // SAFETY: the handle came from XGProxyDMatrixCreate, freed once.
        unsafe {
            let _ = xgbsys::XGDMatrixFree(self.0);
        }
    }
}

/// An XGBoost booster used only for in-place prediction.
pub(crate) struct XgbPredictor {
    handle: xgbsys::BoosterHandle,
    n_features: usize,
    // XGBoost builds a new proxy for every call made without one, and each
    // new proxy reads the cgroup CPU quota from /sys: tens of microseconds,
    // more than the trees of one row cost. Single rows therefore reuse this
    // one, one call at a time; batches still get their own.
    row_proxy: Mutex<Proxy>,
}

// SAFETY: the booster owns its model (loaded from a buffer, no matrices
// attached). It is only ever used for XGBoosterPredictFromDense after the
// warm-up call in `from_json` has configured it; XGBoost documents
// in-place prediction as safe and lock free from several threads (results
// go to per-thread buffers of the learner). No parameter is set after
// construction.
unsafe impl Send for XgbPredictor {}
// SAFETY: see Send.
unsafe impl Sync for XgbPredictor {}

impl XgbPredictor {
    /// Loads an XGBoost JSON model to predict with `threads` threads (0 =
    /// all cores).
    pub(crate) fn from_json(
        bytes: &[u8],
        n_features: usize,
        threads: usize,
    ) -> Result<Self, String> {
        let mut proxy = ptr::null_mut();
        // SAFETY: XGBoost writes the new proxy's handle.
        xgboost_check(unsafe { xgbsys::XGProxyDMatrixCreate(&mut proxy) })?;
        let row_proxy = Mutex::new(Proxy(proxy));
        let mut handle = ptr::null_mut();
        // SAFETY: no matrices are passed (null, 0); XGBoost writes the handle.
        xgboost_check(unsafe { xgbsys::XGBoosterCreate(ptr::null(), 0, &mut handle) })?;
        let predictor = XgbPredictor {
            handle,
            n_features,
            row_proxy,
        };
        // SAFETY: live handle; XGBoost copies `bytes` during the call.
        xgboost_check(unsafe {
            xgbsys::XGBoosterLoadModelFromBuffer(
                predictor.handle,
                bytes.as_ptr().cast::<c_void>(),
                bytes.len() as xgbsys::bst_ulong,
            )
        })?;
        let name = c_string("nthread")?;
        let value = c_string(&threads.to_string())?;
        // SAFETY: live handle; both strings are NUL-terminated and copied.
        xgboost_check(unsafe {
            xgbsys::XGBoosterSetParam(predictor.handle, name.as_ptr(), value.as_ptr())
        })?;
        // XGBoost configures a booster lazily on first use; doing it here,
        // before the predictor can be shared, keeps later calls read-only.
        predictor.predict(&vec![f32::NAN; n_features], 1)?;
        Ok(predictor)
    }

    /// Predicts a row-major `f32` matrix of `n_features` columns; NaN is
    /// missing.
    pub(crate) fn predict(&self, values: &[f32], n_rows: usize) -> Result<Vec<f32>, String> {
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
        // The array interface protocol: the address of the data, read only.
        let array = c_string(&format!(
            r#"{{"data":[{},true],"shape":[{n_rows},{}],"strides":null,"typestr":"<f4","version":3}}"#,
            values.as_ptr() as usize,
            self.n_features
        ))?;
        let config = c_string(
            r#"{"type":0,"training":false,"iteration_begin":0,"iteration_end":0,"strict_shape":false,"missing":NaN}"#,
        )?;
        let mut shape: *const xgbsys::bst_ulong = ptr::null();
        let mut dimensions: xgbsys::bst_ulong = 0;
        let mut result: *const f32 = ptr::null();
        let row_proxy = if n_rows == 1 {
            Some(
                self.row_proxy
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner),
            )
        } else {
            None
        };
        let proxy = row_proxy.as_ref().map_or(ptr::null_mut(), |proxy| proxy.0);
        // SAFETY: `array` describes `values` (n_rows x n_features f32,
        // checked above), which stays borrowed and unchanged for the call;
        // `proxy` is null or the locked row proxy, which XGBoost points at
        // `values` for this call only. XGBoost writes pointers to its own
        // shape and result buffers, valid until the next prediction on this
        // thread; they are copied below.
        xgboost_check(unsafe {
            xgbsys::XGBoosterPredictFromDense(
                self.handle,
                array.as_ptr(),
                config.as_ptr(),
                proxy,
                &mut shape,
                &mut dimensions,
                &mut result,
            )
        })?;
        if shape.is_null() || result.is_null() {
            return Err("prediction returned no buffer".to_string());
        }
        let dimensions = usize::try_from(dimensions).map_err(|_| "shape too large".to_string())?;
        // SAFETY: XGBoost's shape buffer holds `dimensions` entries.
        let shape = unsafe { std::slice::from_raw_parts(shape, dimensions) };
        let count: u64 = shape.iter().product();
        if count != n_rows as u64 {
            return Err(format!("got {count} predictions for {n_rows} rows"));
        }
        // SAFETY: the result buffer holds the product of the shape, which
        // was just checked to be n_rows.
        Ok(unsafe { std::slice::from_raw_parts(result, n_rows) }.to_vec())
    }
}

impl Drop for XgbPredictor {
    fn drop(&mut self) {
        // SAFETY: the handle came from XGBoosterCreate and is freed once;
        // &mut self means no prediction is running.
        unsafe {
            let _ = xgbsys::XGBoosterFree(self.handle);
        }
    }
}
