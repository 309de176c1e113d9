//! Gradient-boosted models of tire degradation: the XGBoost and LightGBM
//! heads, their ensemble and the model bundle (SPEC 7).
//!
//! A bundle predicts three things for a stint sample: the degradation rate
//! (s/lap, squared error), the usable life (laps, absolute error) and
//! whether a cliff comes (probability, logistic loss, flagged at a
//! threshold chosen on validation). Each of the three heads is an XGBoost
//! model, a LightGBM model, or a weighted blend of both ([`ModelType`]).
//!
//! The layers, from the bottom:
//!
//! - [`Matrix`]: the dense `f32` layout both libraries read; NaN is
//!   missing and categorical columns (the compound) hold category indices
//!   that go in as native categoricals.
//! - [`Head`] and [`train_head`]: one target learned by one library, with
//!   early stopping on the validation split and the model cut back to its
//!   best round.
//! - [`ensemble`]: blend weights and the cliff threshold.
//! - [`ModelBundle`]: the three heads with their schema, configuration,
//!   data fingerprint and library versions, saved as `bundle.json` plus
//!   the libraries' own model files, and predicting sample sets or single
//!   rows.
//! - [`train_bundle`]: the whole training from a prepared sample set.
//!
//! The crate prints nothing: native library messages are forwarded to
//! `tracing` (target `tiredeg_models::native`), progress goes to the
//! caller's callback, and failures are [`ModelError`]s naming what and
//! where.

mod bundle;
mod early_stop;
pub mod ensemble;
mod error;
mod ffi;
mod fingerprint;
mod head;
mod lightgbm;
pub mod loss;
mod matrix;
mod model_type;
mod params;
mod schema;
mod train;
mod xgboost;

pub use bundle::{
    BundleManifest, HeadEntry, Heads, LibraryVersions, MemberEntry, ModelBundle, Predictions,
    RowPrediction, BUNDLE_FORMAT_VERSION, MANIFEST_FILE,
};
pub use error::ModelError;
pub use fingerprint::data_fingerprint;
pub use head::{
    load_head, train_head, Backend, Head, HeadData, HeadInfo, HeadSpec, Objective, Progress,
    Target, TrainedHead,
};
pub use lightgbm::LightgbmHead;
pub use matrix::{check_against_schema, Matrix};
pub use model_type::{ModelType, ParseModelTypeError};
pub use params::validate as validate_config;
pub use schema::{check_schema, schema_differences};
pub use train::{train_bundle, train_bundle_with, TrainOptions};
pub use xgboost::XgboostHead;

#[cfg(test)]
mod testdata;
