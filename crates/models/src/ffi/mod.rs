//! The only module that calls C: LightGBM's C API and a few XGBoost calls.
//!
//! The lightgbm3 crate's safe types cannot do what training here needs: a
//! dataset built with parameters (that is where LightGBM learns which
//! columns are categorical), one boosting round at a time with the scores
//! it keeps for the validation set, a model saved with a chosen number of
//! iterations, and a booster that several threads may share for
//! prediction. So [`lightgbm`] wraps the few C functions involved in small
//! safe types.
//!
//! The xgb crate covers XGBoost training. Prediction goes through
//! XGBoost's in-place prediction on a booster of our own ([`xgboost`]):
//! it reads a dense array directly, with no matrix object per call, and
//! XGBoost documents it as safe to call from several threads at once,
//! which the xgb booster is not. The library version and the log callback
//! also come from the sys crate.
//!
//! Every `unsafe` block is a call into one of the two libraries; the
//! SAFETY comments say what the call reads and writes and why the pointers
//! are valid for that long.

#![allow(unsafe_code)]

pub(crate) mod lightgbm;
pub(crate) mod xgboost;

use std::cell::Cell;
use std::ffi::{c_char, CStr, CString};

use lightgbm3_sys as lgb;
use xgboost_sys as xgbsys;

pub(crate) use lightgbm::{LgbDataset, LgbModel, LgbTrainer};
pub(crate) use xgboost::XgbPredictor;

pub(super) fn c_string(text: &str) -> Result<CString, String> {
    CString::new(text).map_err(|_| format!("text {text:?} contains a NUL byte"))
}

/// Copies a library's last-error message out of its thread-local buffer.
///
/// Both libraries return a NUL-terminated string that stays valid until
/// the next failing call on the same thread; it is copied at once.
pub(super) fn last_error_message(message: *const c_char) -> String {
    if message.is_null() {
        return "unknown error".to_string();
    }
    // SAFETY: non-null and NUL-terminated (see above), read before any
    // other call into the library on this thread.
    unsafe { CStr::from_ptr(message) }
        .to_string_lossy()
        .into_owned()
}

pub(super) fn to_i32(value: usize, what: &str) -> Result<i32, String> {
    i32::try_from(value).map_err(|_| format!("{what} {value} exceeds the C API's 32-bit range"))
}

/// Forwards a native library's log line to `tracing`, so that a library
/// crate prints nothing itself and the binary decides what is shown.
fn forward_log(library: &'static str, message: *const c_char) {
    if message.is_null() {
        return;
    }
    // SAFETY: both libraries call back with a NUL-terminated string that
    // is valid for the duration of the callback.
    let text = unsafe { CStr::from_ptr(message) }.to_string_lossy();
    let text = text.trim();
    if text.is_empty() {
        return;
    }
    if text.contains("Warning") || text.contains("WARNING") {
        tracing::warn!(target: "tiredeg_models::native", library, "{text}");
    } else {
        tracing::debug!(target: "tiredeg_models::native", library, "{text}");
    }
}

unsafe extern "C" fn lightgbm_log(message: *const c_char) {
    forward_log("lightgbm", message);
}

unsafe extern "C" fn xgboost_log(message: *const c_char) {
    forward_log("xgboost", message);
}

thread_local! {
    static LOGS_ROUTED: Cell<bool> = const { Cell::new(false) };
}

/// Routes both libraries' console output on the calling thread to
/// `tracing`. Both keep their log callback per thread, so every entry point
/// that calls into them calls this first; it is cheap after the first time.
///
/// Shortcoming: a message logged from inside an OpenMP worker thread still
/// goes to the console; both libraries log from the calling thread in
/// practice, and with verbosity at its lowest they log almost nothing.
pub(crate) fn route_native_logs() {
    if LOGS_ROUTED.with(Cell::get) {
        return;
    }
    // SAFETY: registers function pointers with 'static lifetime for this
    // thread; the callbacks only read the string they are given. A failure
    // leaves the default console logging in place, which is harmless.
    unsafe {
        let _ = lgb::LGBM_RegisterLogCallback(Some(lightgbm_log));
        let _ = xgbsys::XGBRegisterLogCallback(Some(xgboost_log));
    }
    LOGS_ROUTED.with(|routed| routed.set(true));
}

/// The linked XGBoost's version as `major.minor.patch`.
pub(crate) fn xgboost_version() -> String {
    let (mut major, mut minor, mut patch) = (0, 0, 0);
    // SAFETY: XGBoostVersion writes three ints through valid pointers.
    unsafe { xgbsys::XGBoostVersion(&mut major, &mut minor, &mut patch) };
    format!("{major}.{minor}.{patch}")
}
