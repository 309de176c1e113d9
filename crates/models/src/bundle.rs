//! The model bundle: three heads, everything needed to use them, and the
//! record of how they were made.
//!
//! On disk a bundle is a directory holding `bundle.json` (the
//! [`BundleManifest`]) and one native model file per head and library:
//! `degradation_rate.xgb.json`, `degradation_rate.lgb.txt`,
//! `usable_life.xgb.json`, ... The native files are exactly what each
//! library writes, so the Python packages of the same versions load them
//! and predict the same numbers; the manifest says how to combine them
//! (blend weights, the cliff threshold) and which feature layout they read.
//!
//! A bundle is written into a fresh temporary directory beside the target
//! and renamed into place, so a reader never finds half a bundle. Loading
//! checks the format version, the presence and SHA-256 of every native
//! file, and that each model holds the rounds the manifest says; every
//! error names the file.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tiredeg_config::TrainingConfig;
use tiredeg_prepare::{FeatureKind, FeatureSchema, SampleSet};

use crate::ensemble::{blend, ThresholdChoice};
use crate::error::ModelError;
use crate::head::{load_head, Backend, Head, HeadInfo, Target};
use crate::matrix::{check_against_schema, check_category, Matrix};
use crate::model_type::ModelType;
use crate::schema::check_schema;

/// The manifest format this build writes and reads.
pub const BUNDLE_FORMAT_VERSION: u32 = 1;
/// Name of the manifest inside a bundle directory.
pub const MANIFEST_FILE: &str = "bundle.json";

/// One value per target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Heads<T> {
    /// The degradation_rate head.
    pub degradation_rate: T,
    /// The usable_life head.
    pub usable_life: T,
    /// The cliff head.
    pub cliff: T,
}

impl<T> Heads<T> {
    /// The value of one target.
    pub fn get(&self, target: Target) -> &T {
        match target {
            Target::DegradationRate => &self.degradation_rate,
            Target::UsableLife => &self.usable_life,
            Target::Cliff => &self.cliff,
        }
    }

    /// Builds one value per target, failing on the first error.
    pub fn try_build<E>(mut make: impl FnMut(Target) -> Result<T, E>) -> Result<Self, E> {
        Ok(Heads {
            degradation_rate: make(Target::DegradationRate)?,
            usable_life: make(Target::UsableLife)?,
            cliff: make(Target::Cliff)?,
        })
    }
}

/// One library's model of one head, as recorded in the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct MemberEntry {
    /// The library.
    pub backend: Backend,
    /// The native model file, relative to the bundle directory.
    pub file: String,
    /// SHA-256 of the native file, hex.
    pub sha256: String,
    /// How it was trained: best iteration, validation curve, ...
    pub training: HeadInfo,
    /// The head's own loss of this model alone on validation.
    pub validation_loss: f64,
}

/// One head of the bundle: its members and how they are blended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct HeadEntry {
    /// The target.
    pub target: Target,
    /// The loss the weight was chosen by (`mse`, `mae`, `logloss`).
    pub loss: String,
    /// Weight of XGBoost in the blend; LightGBM gets `1 - weight`. 1 for
    /// an XGBoost bundle, 0 for a LightGBM one.
    pub xgboost_weight: f64,
    /// The head's loss of the blend on validation.
    pub validation_loss: f64,
    /// Weights tried and their losses (ensembles only).
    pub weight_search: Vec<(f64, f64)>,
    /// One entry per library, XGBoost first.
    pub members: Vec<MemberEntry>,
}

/// Versions of the code that made the bundle.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LibraryVersions {
    /// XGBoost, as reported by the linked library.
    pub xgboost: String,
    /// LightGBM, as in the compiled sources.
    pub lightgbm: String,
    /// This crate.
    pub tiredeg_models: String,
}

impl LibraryVersions {
    /// The versions linked into this build.
    pub fn current() -> Self {
        LibraryVersions {
            xgboost: crate::ffi::xgboost_version(),
            lightgbm: env!("TIREDEG_LIGHTGBM_VERSION").to_string(),
            tiredeg_models: env!("CARGO_PKG_VERSION").to_string(),
        }
    }
}

/// Everything in `bundle.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BundleManifest {
    /// [`BUNDLE_FORMAT_VERSION`] of the writer.
    pub format_version: u32,
    /// Which libraries make the heads.
    pub model_type: ModelType,
    /// The feature layout every input must have, with the category
    /// encodings.
    pub schema: FeatureSchema,
    /// The three heads.
    pub heads: Heads<HeadEntry>,
    /// The cliff flag threshold chosen on validation.
    pub cliff_threshold: ThresholdChoice,
    /// The configuration training ran with.
    pub training_config: TrainingConfig,
    /// SHA-256 of the training and validation samples (see
    /// `fingerprint`).
    pub data_fingerprint: String,
    /// Evaluation results, set by the caller.
    pub metrics: serde_json::Value,
    /// Anything else the caller keeps with the model (the feature store
    /// history, for one).
    pub extra: BTreeMap<String, serde_json::Value>,
    /// Library versions.
    pub library_versions: LibraryVersions,
    /// When training finished, RFC 3339 UTC.
    pub created_at: String,
}

/// The members of one head, ready to predict.
pub(crate) struct HeadModels {
    pub(crate) xgboost: Option<Box<dyn Head>>,
    pub(crate) lightgbm: Option<Box<dyn Head>>,
    pub(crate) xgboost_weight: f64,
}

impl HeadModels {
    fn combine(&self, xgboost: Option<Vec<f64>>, lightgbm: Option<Vec<f64>>) -> Vec<f64> {
        match (xgboost, lightgbm) {
            (Some(x), Some(l)) => blend(self.xgboost_weight, &x, &l),
            (Some(only), None) | (None, Some(only)) => only,
            (None, None) => Vec::new(),
        }
    }

    pub(crate) fn predict(&self, x: &Matrix) -> Result<Vec<f64>, ModelError> {
        let xgboost = self.xgboost.as_ref().map(|h| h.predict(x)).transpose()?;
        let lightgbm = self.lightgbm.as_ref().map(|h| h.predict(x)).transpose()?;
        Ok(self.combine(xgboost, lightgbm))
    }

    fn predict_row(&self, row: &[f32]) -> Result<f64, ModelError> {
        let xgboost = self
            .xgboost
            .as_ref()
            .map(|h| h.predict_row(row))
            .transpose()?;
        let lightgbm = self
            .lightgbm
            .as_ref()
            .map(|h| h.predict_row(row))
            .transpose()?;
        Ok(match (xgboost, lightgbm) {
            (Some(x), Some(l)) => self.xgboost_weight * x + (1.0 - self.xgboost_weight) * l,
            (Some(only), None) | (None, Some(only)) => only,
            (None, None) => f64::NAN,
        })
    }

    fn members(&self) -> impl Iterator<Item = &dyn Head> {
        self.xgboost
            .iter()
            .chain(self.lightgbm.iter())
            .map(|h| h.as_ref())
    }
}

/// Predictions for many rows.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
pub struct Predictions {
    /// Seconds per lap.
    pub degradation_rate: Vec<f64>,
    /// Laps of tire age.
    pub usable_life: Vec<f64>,
    /// Probability of a cliff.
    pub cliff_probability: Vec<f64>,
    /// `cliff_probability >= threshold`.
    pub cliff: Vec<bool>,
}

/// Predictions for one row.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RowPrediction {
    /// Seconds per lap.
    pub degradation_rate: f64,
    /// Laps of tire age.
    pub usable_life: f64,
    /// Probability of a cliff.
    pub cliff_probability: f64,
    /// `cliff_probability >= threshold`.
    pub cliff: bool,
}

/// A trained model: manifest plus loaded heads.
pub struct ModelBundle {
    manifest: BundleManifest,
    heads: Heads<HeadModels>,
    // Category counts by column, for the single-row check.
    categories: Vec<Option<usize>>,
}

impl std::fmt::Debug for ModelBundle {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelBundle")
            .field("manifest", &self.manifest)
            .finish_non_exhaustive()
    }
}

fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// File name of a head's native model.
pub(crate) fn member_file(target: Target, backend: Backend) -> String {
    format!("{}.{}", target.as_str(), backend.file_suffix())
}

/// A member entry for a freshly trained head.
pub(crate) fn member_entry(
    head: &dyn Head,
    training: HeadInfo,
    validation_loss: f64,
) -> Result<MemberEntry, ModelError> {
    let bytes = head.to_native_bytes()?;
    Ok(MemberEntry {
        backend: head.backend(),
        file: member_file(training.target, head.backend()),
        sha256: sha256_hex(&bytes),
        training,
        validation_loss,
    })
}

impl ModelBundle {
    /// Puts a manifest and its heads together (used by the trainer).
    pub(crate) fn assemble(manifest: BundleManifest, heads: Heads<HeadModels>) -> Self {
        let categories = manifest
            .schema
            .kinds
            .iter()
            .map(|kind| match kind {
                FeatureKind::Numeric => None,
                FeatureKind::Categorical(names) => Some(names.len()),
            })
            .collect();
        ModelBundle {
            manifest,
            heads,
            categories,
        }
    }

    /// The manifest.
    pub fn manifest(&self) -> &BundleManifest {
        &self.manifest
    }

    /// The feature layout inputs must have.
    pub fn schema(&self) -> &FeatureSchema {
        &self.manifest.schema
    }

    /// Sets the evaluation results saved with the bundle.
    pub fn set_metrics(&mut self, metrics: serde_json::Value) {
        self.manifest.metrics = metrics;
    }

    /// Free entries saved with the bundle.
    pub fn extra_mut(&mut self) -> &mut BTreeMap<String, serde_json::Value> {
        &mut self.manifest.extra
    }

    /// The loaded model of one head and library, if the bundle has it.
    pub fn head(&self, target: Target, backend: Backend) -> Option<&dyn Head> {
        let models = self.heads.get(target);
        match backend {
            Backend::Xgboost => models.xgboost.as_deref(),
            Backend::Lightgbm => models.lightgbm.as_deref(),
        }
    }

    /// Predicts a prepared sample set, whose schema must equal the
    /// bundle's.
    pub fn predict(&self, samples: &SampleSet) -> Result<Predictions, ModelError> {
        check_schema(&self.manifest.schema, &samples.schema)?;
        let rows: Vec<&[f64]> = samples
            .samples
            .iter()
            .map(|s| s.features.as_slice())
            .collect();
        let x = Matrix::from_rows(self.manifest.schema.len(), &rows)?;
        self.predict_checked(&x)
    }

    /// Predicts a matrix laid out by `schema`, which must equal the
    /// bundle's.
    pub fn predict_matrix(
        &self,
        schema: &FeatureSchema,
        x: &Matrix,
    ) -> Result<Predictions, ModelError> {
        check_schema(&self.manifest.schema, schema)?;
        self.predict_checked(x)
    }

    fn predict_checked(&self, x: &Matrix) -> Result<Predictions, ModelError> {
        check_against_schema(x, &self.manifest.schema)?;
        let degradation_rate = self.heads.degradation_rate.predict(x)?;
        let usable_life = self.heads.usable_life.predict(x)?;
        let cliff_probability = self.heads.cliff.predict(x)?;
        let threshold = self.manifest.cliff_threshold.threshold;
        let cliff = cliff_probability.iter().map(|&p| p >= threshold).collect();
        Ok(Predictions {
            degradation_rate,
            usable_life,
            cliff_probability,
            cliff,
        })
    }

    /// Predicts one row laid out by the bundle's schema, on the calling
    /// thread: the serving path.
    pub fn predict_row(&self, features: &[f64]) -> Result<RowPrediction, ModelError> {
        if features.len() != self.categories.len() {
            return Err(ModelError::Shape(format!(
                "the row has {} features, the model expects {} ({})",
                features.len(),
                self.categories.len(),
                self.manifest.schema.names.join(", ")
            )));
        }
        let row: Vec<f32> = features.iter().map(|&v| v as f32).collect();
        for (column, count) in self.categories.iter().enumerate() {
            if let Some(count) = count {
                check_category(row[column], *count, &self.manifest.schema.names[column], 0)?;
            }
        }
        let cliff_probability = self.heads.cliff.predict_row(&row)?;
        Ok(RowPrediction {
            degradation_rate: self.heads.degradation_rate.predict_row(&row)?,
            usable_life: self.heads.usable_life.predict_row(&row)?,
            cliff_probability,
            cliff: cliff_probability >= self.manifest.cliff_threshold.threshold,
        })
    }

    /// Writes the bundle to `dir`, replacing a bundle already there.
    ///
    /// Everything is written into a new directory beside `dir` and renamed
    /// into place. Replacing takes two renames (old bundle aside, new one
    /// in); between them `dir` is briefly absent, never half written.
    pub fn save(&self, dir: &Path) -> Result<(), ModelError> {
        let parent = match dir.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
            _ => PathBuf::from("."),
        };
        fs::create_dir_all(&parent)
            .map_err(|e| ModelError::file(&parent, format!("cannot create directory: {e}")))?;
        let staging = tempfile::Builder::new()
            .prefix(".tiredeg-bundle-")
            .tempdir_in(&parent)
            .map_err(|e| {
                ModelError::file(&parent, format!("cannot create a temporary directory: {e}"))
            })?;

        for target in Target::ALL {
            for member in &self.heads.get(target).members().collect::<Vec<_>>() {
                let file = member_file(target, member.backend());
                write_synced(&staging.path().join(&file), &member.to_native_bytes()?)?;
            }
        }
        let manifest = serde_json::to_vec_pretty(&self.manifest)
            .map_err(|e| ModelError::file(&dir.join(MANIFEST_FILE), e))?;
        write_synced(&staging.path().join(MANIFEST_FILE), &manifest)?;

        let staged = staging.keep();
        let result = move_into_place(&staged, dir);
        if result.is_err() {
            let _ = fs::remove_dir_all(&staged);
        }
        result
    }

    /// Reads a bundle written by [`ModelBundle::save`].
    pub fn load(dir: &Path) -> Result<Self, ModelError> {
        let manifest_path = dir.join(MANIFEST_FILE);
        let text = fs::read(&manifest_path)
            .map_err(|e| ModelError::file(&manifest_path, format!("cannot read: {e}")))?;
        let raw: serde_json::Value = serde_json::from_slice(&text)
            .map_err(|e| ModelError::file(&manifest_path, format!("not valid JSON: {e}")))?;
        let version = raw["format_version"].as_u64();
        if version != Some(u64::from(BUNDLE_FORMAT_VERSION)) {
            return Err(ModelError::file(
                &manifest_path,
                format!(
                    "format version {} is not supported (this build reads {BUNDLE_FORMAT_VERSION})",
                    version.map_or("missing".to_string(), |v| v.to_string())
                ),
            ));
        }
        let manifest: BundleManifest = serde_json::from_value(raw)
            .map_err(|e| ModelError::file(&manifest_path, format!("invalid manifest: {e}")))?;

        let threads = manifest.training_config.training.threads;
        let heads = Heads::try_build(|target| {
            load_members(dir, &manifest_path, &manifest, target, threads)
        })?;
        Ok(ModelBundle::assemble(manifest, heads))
    }
}

fn load_members(
    dir: &Path,
    manifest_path: &Path,
    manifest: &BundleManifest,
    target: Target,
    threads: usize,
) -> Result<HeadModels, ModelError> {
    let entry = manifest.heads.get(target);
    let expected: Vec<Backend> = manifest.model_type.backends().to_vec();
    let found: Vec<Backend> = entry.members.iter().map(|m| m.backend).collect();
    if entry.target != target || found != expected {
        return Err(ModelError::file(
            manifest_path,
            format!(
                "head {target} of a {} bundle lists models {found:?}, expected {expected:?}",
                manifest.model_type
            ),
        ));
    }
    if !(0.0..=1.0).contains(&entry.xgboost_weight) {
        return Err(ModelError::file(
            manifest_path,
            format!(
                "head {target} has weight {}, outside [0, 1]",
                entry.xgboost_weight
            ),
        ));
    }

    let mut models = HeadModels {
        xgboost: None,
        lightgbm: None,
        xgboost_weight: entry.xgboost_weight,
    };
    for member in &entry.members {
        let plain = Path::new(&member.file)
            .file_name()
            .map(|n| n == member.file.as_str());
        if plain != Some(true) {
            return Err(ModelError::file(
                manifest_path,
                format!(
                    "model file name {:?} must be a plain file name",
                    member.file
                ),
            ));
        }
        let path = dir.join(&member.file);
        let bytes = fs::read(&path)
            .map_err(|e| ModelError::file(&path, format!("cannot read model file: {e}")))?;
        let digest = sha256_hex(&bytes);
        if digest != member.sha256 {
            return Err(ModelError::file(
                &path,
                format!("SHA-256 is {digest}, the manifest says {}", member.sha256),
            ));
        }
        let head = load_head(member.backend, &bytes, &manifest.schema, threads)
            .map_err(|e| ModelError::file(&path, e))?;
        if head.best_iteration() != member.training.best_iteration {
            return Err(ModelError::file(
                &path,
                format!(
                    "holds {} boosting rounds, the manifest says {}",
                    head.best_iteration(),
                    member.training.best_iteration
                ),
            ));
        }
        match member.backend {
            Backend::Xgboost => models.xgboost = Some(head),
            Backend::Lightgbm => models.lightgbm = Some(head),
        }
    }
    Ok(models)
}

fn write_synced(path: &Path, bytes: &[u8]) -> Result<(), ModelError> {
    let mut file = fs::File::create(path)
        .map_err(|e| ModelError::file(path, format!("cannot create: {e}")))?;
    file.write_all(bytes)
        .and_then(|()| file.sync_all())
        .map_err(|e| ModelError::file(path, format!("cannot write: {e}")))
}

fn move_into_place(staged: &Path, dir: &Path) -> Result<(), ModelError> {
    if !dir.exists() {
        return fs::rename(staged, dir)
            .map_err(|e| ModelError::file(dir, format!("cannot move the new bundle in: {e}")));
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "bundle".to_string());
    let aside = staged.with_file_name(format!(
        ".{name}.old-{}",
        staged
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    ));
    fs::rename(dir, &aside)
        .map_err(|e| ModelError::file(dir, format!("cannot move the old bundle aside: {e}")))?;
    if let Err(error) = fs::rename(staged, dir) {
        let _ = fs::rename(&aside, dir);
        return Err(ModelError::file(
            dir,
            format!("cannot move the new bundle in: {error}"),
        ));
    }
    fs::remove_dir_all(&aside)
        .map_err(|e| ModelError::file(&aside, format!("cannot remove the old bundle: {e}")))
}

#[cfg(test)]
mod tests {
    use std::sync::OnceLock;

    use super::*;
    use crate::fingerprint::data_fingerprint;
    use crate::testdata::{fast_config, sample_set};
    use crate::train::{train_bundle_with, TrainOptions};

    fn samples() -> &'static SampleSet {
        static SAMPLES: OnceLock<SampleSet> = OnceLock::new();
        SAMPLES.get_or_init(|| sample_set(300, 31))
    }

    /// One ensemble trained once and shared by the tests below.
    fn ensemble() -> &'static ModelBundle {
        static BUNDLE: OnceLock<ModelBundle> = OnceLock::new();
        BUNDLE.get_or_init(|| {
            let config = fast_config(80, 10);
            train_bundle_with(
                samples(),
                ModelType::Ensemble,
                &config,
                &TrainOptions { allow_small: true },
                &mut |_| {},
            )
            .unwrap()
        })
    }

    fn bits(values: &[f64]) -> Vec<u64> {
        values.iter().map(|v| v.to_bits()).collect()
    }

    #[test]
    fn ensemble_weights_never_lose_to_a_single_library() {
        let manifest = ensemble().manifest();
        for target in Target::ALL {
            let entry = manifest.heads.get(target);
            assert!((0.0..=1.0).contains(&entry.xgboost_weight), "{entry:?}");
            assert_eq!(entry.members.len(), 2);
            assert_eq!(entry.weight_search.len(), 21);
            for member in &entry.members {
                assert!(
                    entry.validation_loss <= member.validation_loss,
                    "{target}: blend {} vs {} alone {}",
                    entry.validation_loss,
                    member.backend,
                    member.validation_loss
                );
            }
            // The two ends of the search are the single libraries.
            assert_eq!(entry.weight_search[0].1, entry.members[1].validation_loss);
            assert_eq!(entry.weight_search[20].1, entry.members[0].validation_loss);
        }
    }

    #[test]
    fn manifest_records_what_made_the_model() {
        let manifest = ensemble().manifest();
        assert_eq!(manifest.format_version, BUNDLE_FORMAT_VERSION);
        assert_eq!(manifest.model_type, ModelType::Ensemble);
        assert_eq!(&manifest.schema, &samples().schema);
        assert_eq!(manifest.training_config, fast_config(80, 10));
        assert_eq!(
            manifest.data_fingerprint,
            data_fingerprint(&samples().schema, &samples().samples)
        );
        assert!(
            manifest.library_versions.xgboost.starts_with("3."),
            "{:?}",
            manifest.library_versions
        );
        assert!(
            manifest.library_versions.lightgbm.starts_with("4."),
            "{:?}",
            manifest.library_versions
        );
        let threshold = manifest.cliff_threshold.threshold;
        let on_grid =
            ((threshold - 0.05) / 0.05 - ((threshold - 0.05) / 0.05).round()).abs() < 1e-9;
        assert!(manifest.cliff_threshold.fallback || on_grid, "{threshold}");
        let member = &manifest.heads.usable_life.members[1];
        assert_eq!(member.file, "usable_life.lgb.txt");
        assert_eq!(member.training.metric, "mae");
    }

    #[test]
    fn saved_and_reloaded_bundle_predicts_bit_for_bit() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model");
        ensemble().save(&path).unwrap();
        let mut files: Vec<String> = fs::read_dir(&path)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        files.sort();
        assert_eq!(
            files,
            [
                "bundle.json",
                "cliff.lgb.txt",
                "cliff.xgb.json",
                "degradation_rate.lgb.txt",
                "degradation_rate.xgb.json",
                "usable_life.lgb.txt",
                "usable_life.xgb.json"
            ]
        );

        let mut loaded = ModelBundle::load(&path).unwrap();
        assert_eq!(loaded.manifest(), ensemble().manifest());
        let before = ensemble().predict(samples()).unwrap();
        let after = loaded.predict(samples()).unwrap();
        assert_eq!(
            bits(&before.degradation_rate),
            bits(&after.degradation_rate)
        );
        assert_eq!(bits(&before.usable_life), bits(&after.usable_life));
        assert_eq!(
            bits(&before.cliff_probability),
            bits(&after.cliff_probability)
        );
        assert_eq!(before.cliff, after.cliff);
        assert_eq!(before.degradation_rate.len(), samples().samples.len());

        // Saving again replaces the bundle, keeps what the caller added
        // and leaves nothing behind.
        loaded.set_metrics(serde_json::json!({"degradation_rate": {"rmse": 0.01}}));
        loaded
            .extra_mut()
            .insert("feature_store".into(), serde_json::json!({"events": 20}));
        loaded.save(&path).unwrap();
        let leftovers: Vec<_> = fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(leftovers.len(), 1);
        let again = ModelBundle::load(&path).unwrap();
        assert_eq!(again.manifest().metrics["degradation_rate"]["rmse"], 0.01);
        assert_eq!(again.manifest().extra["feature_store"]["events"], 20);
    }

    #[test]
    fn single_row_path_matches_the_batch() {
        let bundle = ensemble();
        let batch = bundle.predict(samples()).unwrap();
        for index in [0, 1, 2, 100, 500] {
            let row = bundle
                .predict_row(&samples().samples[index].features)
                .unwrap();
            assert_eq!(
                row.degradation_rate.to_bits(),
                batch.degradation_rate[index].to_bits()
            );
            assert_eq!(
                row.usable_life.to_bits(),
                batch.usable_life[index].to_bits()
            );
            assert_eq!(
                row.cliff_probability.to_bits(),
                batch.cliff_probability[index].to_bits()
            );
            assert_eq!(row.cliff, batch.cliff[index]);
        }
        let error = bundle.predict_row(&[1.0]).unwrap_err().to_string();
        assert!(
            error.contains("the row has 1 features, the model expects 5"),
            "{error}"
        );
        let mut bad = samples().samples[0].features.clone();
        bad[0] = 7.0;
        let error = bundle.predict_row(&bad).unwrap_err().to_string();
        assert!(error.contains("column compound"), "{error}");
    }

    #[test]
    fn input_with_another_schema_is_refused_by_name() {
        let mut renamed = samples().clone();
        renamed.schema.names[2] = "air_temp_c".into();
        let error = ensemble().predict(&renamed).unwrap_err().to_string();
        assert!(error.contains("missing column track_temp_c"), "{error}");
        assert!(error.contains("extra column air_temp_c"), "{error}");
    }

    #[test]
    fn damaged_bundles_name_the_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("model");
        ensemble().save(&path).unwrap();

        let model_file = path.join("cliff.xgb.json");
        let original = fs::read(&model_file).unwrap();
        fs::write(&model_file, b"{}").unwrap();
        let error = ModelBundle::load(&path).unwrap_err().to_string();
        assert!(
            error.contains("cliff.xgb.json") && error.contains("SHA-256"),
            "{error}"
        );

        fs::remove_file(&model_file).unwrap();
        let error = ModelBundle::load(&path).unwrap_err().to_string();
        assert!(
            error.contains("cliff.xgb.json") && error.contains("cannot read"),
            "{error}"
        );
        fs::write(&model_file, original).unwrap();
        ModelBundle::load(&path).unwrap();

        let manifest_path = path.join(MANIFEST_FILE);
        let text = fs::read_to_string(&manifest_path).unwrap();
        fs::write(
            &manifest_path,
            text.replace("\"format_version\": 1", "\"format_version\": 9"),
        )
        .unwrap();
        let error = ModelBundle::load(&path).unwrap_err().to_string();
        assert!(
            error.contains("bundle.json") && error.contains("format version 9"),
            "{error}"
        );

        let error = ModelBundle::load(&dir.path().join("absent"))
            .unwrap_err()
            .to_string();
        assert!(error.contains("absent/bundle.json"), "{error}");
    }
}
