//! `train`, `evaluate`, `compare`, `cv` and `predict`: the model commands.
//!
//! They share one shape: resolve the data to prepared samples, train or
//! load a bundle, predict, and score the predictions against the SPEC
//! baselines with `tiredeg-eval`, so every report has the same JSON shape
//! and the same honesty about baselines.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Instant;

use anyhow::{anyhow, bail, Context, Result};
use indicatif::ProgressBar;
use serde_json::json;
use tiredeg_config::TrainingConfig;
use tiredeg_eval::{
    comparison_table, evaluate as score, evaluate_with_medians, event_folds, summarize_folds,
    write_comparison_html, write_report_html, CompoundMedians, EvaluationReport, Predicted,
};
use tiredeg_models::{train_bundle_with, ModelBundle, ModelType, Progress, TrainOptions};
use tiredeg_prepare::{History, Sample, SampleSet, Split};
use tiredeg_registry::{RegisterRequest, Registry};

use super::{say, write_json};
use crate::args::{CompareArgs, CvArgs, EvalScope, EvaluateArgs, PredictArgs, TrainArgs};
use crate::data::{load_config, load_dataset, Dataset};
use crate::progress;

/// Bundle `extra` key of the point-in-time history the model knew.
const EXTRA_HISTORY: &str = "history";
/// Bundle `extra` key of the events the model was fitted or tuned on.
const EXTRA_EVENTS: &str = "training_events";
/// Bundle `extra` key of the compound_median baseline of the training data.
const EXTRA_MEDIANS: &str = "baseline_medians";

fn parse_model_type(text: &str) -> Result<ModelType> {
    ModelType::from_str(text).map_err(|e| anyhow!("--model-type: {e}"))
}

/// A progress callback showing one bar per head.
fn training_progress(label: String) -> impl FnMut(Progress) {
    let mut bar: Option<ProgressBar> = None;
    move |event| match event {
        Progress::HeadStarted {
            target,
            backend,
            max_rounds,
        } => {
            bar = Some(progress::bar(
                max_rounds as u64,
                &format!("{label}{target} {backend}"),
            ));
        }
        Progress::Round { round, .. } => {
            if let Some(bar) = &bar {
                bar.set_position(round as u64);
            }
        }
        Progress::HeadFinished {
            target,
            backend,
            best_iteration,
            rounds_trained,
            validation_metric,
        } => {
            if let Some(bar) = bar.take() {
                bar.finish_and_clear();
            }
            tracing::info!(
                "{label}{target} {backend}: best round {best_iteration} of {rounds_trained}, validation {validation_metric:.4}"
            );
        }
    }
}

/// The samples of one split, as a set of their own.
fn subset(set: &SampleSet, keep: impl Fn(&Sample) -> bool) -> SampleSet {
    SampleSet {
        schema: set.schema.clone(),
        samples: set.samples.iter().filter(|s| keep(s)).cloned().collect(),
    }
}

fn predicted_of(bundle: &ModelBundle, set: &SampleSet) -> Result<Predicted> {
    let predictions = bundle.predict(set)?;
    Ok(Predicted {
        degradation_rate: predictions.degradation_rate,
        usable_life: predictions.usable_life,
        cliff_probability: predictions.cliff_probability,
        cliff: predictions.cliff,
    })
}

/// Trains `model_type` on the data's training split and scores it on its
/// test split.
fn train_and_score(
    samples: &SampleSet,
    model_type: ModelType,
    config: &TrainingConfig,
    allow_small: bool,
    version: Option<&str>,
    label: &str,
) -> Result<(ModelBundle, EvaluationReport, SampleSet, Predicted)> {
    let started = Instant::now();
    let options = TrainOptions { allow_small };
    let mut progress = training_progress(label.to_string());
    let bundle = train_bundle_with(samples, model_type, config, &options, &mut progress)
        .with_context(|| format!("training {model_type}"))?;
    tracing::info!(
        "{label}trained {model_type} in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let test = subset(samples, |s| s.split == Split::Test && !s.oversampled);
    if test.samples.is_empty() {
        bail!("the test split is empty: no metrics can be reported");
    }
    let predicted = predicted_of(&bundle, &test)?;
    let train: Vec<&Sample> = samples
        .samples
        .iter()
        .filter(|s| s.split == Split::Train)
        .collect();
    let eval: Vec<&Sample> = test.samples.iter().collect();
    let report = score(
        model_type.as_str(),
        version,
        "test",
        &train,
        &eval,
        &predicted,
        &samples.schema,
    )?;
    Ok((bundle, report, test, predicted))
}

/// The HTML report path beside a JSON report path.
fn html_beside(json: &Path) -> PathBuf {
    json.with_extension("html")
}

fn split_counts(samples: &SampleSet) -> serde_json::Value {
    let mut counts = serde_json::Map::new();
    for split in Split::ALL {
        let n = samples
            .samples
            .iter()
            .filter(|s| s.split == split && !s.oversampled)
            .count();
        counts.insert(split.as_str().to_string(), json!(n));
    }
    serde_json::Value::Object(counts)
}

fn print_report(report: &EvaluationReport) {
    say(&comparison_table(std::slice::from_ref(report)));
    if report.verdicts.is_empty() {
        say("the model beats every baseline on every metric compared");
    } else {
        for verdict in &report.verdicts {
            say(&format!("note: {verdict}"));
        }
    }
}

/// `tiredeg train`.
pub fn train(args: &TrainArgs) -> Result<()> {
    let model_type = parse_model_type(&args.model_type)?;
    let version = semver::Version::parse(&args.version).map_err(|e| {
        anyhow!(
            "--version {:?} is not a semantic version (e.g. 1.0.0): {e}",
            args.version
        )
    })?;
    let registry = Registry::open(&args.registry)?;
    if registry.get(&version.to_string()).is_ok() {
        bail!(
            "version {version} is already registered in {}; choose a new version",
            args.registry.display()
        );
    }
    if !args.no_optimize {
        tracing::warn!(
            "hyperparameter search is not part of this build; training with the configured hyperparameters (pass --no-optimize to silence this)"
        );
    }

    let config = load_config(&args.data)?;
    let data = load_dataset(&args.data_path, &args.data, &config, None)?;
    tracing::info!("data: {}", data.description);

    let (mut bundle, report, test, predicted) = train_and_score(
        &data.samples,
        model_type,
        &config,
        args.allow_small,
        Some(&version.to_string()),
        "",
    )?;
    let report_json = serde_json::to_value(&report)?;
    bundle.set_metrics(report_json.clone());
    attach_history(&mut bundle, &data)?;

    let staging = tempfile::Builder::new()
        .prefix("tiredeg-bundle-")
        .tempdir()
        .context("creating a temporary directory for the bundle")?;
    let bundle_dir = staging.path().join("bundle");
    bundle.save(&bundle_dir)?;
    let n_stints = data
        .samples
        .samples
        .iter()
        .map(|s| (s.season, s.round, s.driver.as_str(), s.stint))
        .collect::<BTreeSet<_>>()
        .len();
    let metadata = json!({
        "trained_at": chrono::Utc::now().to_rfc3339(),
        "data": data.description,
        "data_fingerprint": bundle.manifest().data_fingerprint,
        "n_stints": n_stints,
        "n_samples": split_counts(&data.samples),
        "metrics": report_json["metrics"],
        "beats_baselines": report.beats_baselines,
    });
    let record = registry.register(
        &bundle_dir,
        RegisterRequest {
            version: version.to_string(),
            model_type: model_type.as_str().to_string(),
            metadata,
            aliases: args.alias.clone(),
            actor: std::env::var("USER").ok(),
            reason: Some("tiredeg train".to_string()),
        },
    )?;

    print_report(&report);
    if let Some(path) = &args.report {
        write_json(path, &report)?;
        write_report_html(
            &report,
            &test.samples.iter().collect::<Vec<_>>(),
            &predicted,
            &html_beside(path),
        )?;
        say(&format!(
            "report: {} and {}",
            path.display(),
            html_beside(path).display()
        ));
    }
    let aliases = if record.aliases.is_empty() {
        String::new()
    } else {
        format!(" as {}", record.aliases.join(", "))
    };
    say(&format!(
        "registered {model_type} {}{aliases} in {}",
        record.version,
        args.registry.display()
    ));
    Ok(())
}

/// Saves what evaluating new data later needs: the history the model knew
/// and the events it was fitted and tuned on.
fn attach_history(bundle: &mut ModelBundle, data: &Dataset) -> Result<()> {
    let events: BTreeSet<(i32, u32)> = data
        .samples
        .samples
        .iter()
        .filter(|s| s.split != Split::Test)
        .map(|s| (s.season, s.round))
        .collect();
    let train: Vec<&Sample> = data
        .samples
        .samples
        .iter()
        .filter(|s| s.split == Split::Train && !s.oversampled)
        .collect();
    let medians = CompoundMedians::fit(&train)?;
    let extra = bundle.extra_mut();
    extra.insert(EXTRA_EVENTS.to_string(), serde_json::to_value(&events)?);
    extra.insert(EXTRA_MEDIANS.to_string(), serde_json::to_value(&medians)?);
    if let Some(history) = &data.history {
        extra.insert(EXTRA_HISTORY.to_string(), serde_json::to_value(history)?);
    }
    if let Some(report) = &data.report {
        extra.insert("prepare_report".to_string(), serde_json::to_value(report)?);
    }
    Ok(())
}

/// A registered bundle, by version or alias.
fn load_registered(registry_dir: &Path, version: &str) -> Result<(ModelBundle, String)> {
    let registry = Registry::open(registry_dir)?;
    let record = registry.get(version)?;
    let bundle = ModelBundle::load(&registry.bundle_path(&record))
        .with_context(|| format!("loading model {}", record.version))?;
    Ok((bundle, record.version.to_string()))
}

fn bundle_history(bundle: &ModelBundle) -> Result<Option<History>> {
    match bundle.manifest().extra.get(EXTRA_HISTORY) {
        Some(value) => Ok(Some(
            serde_json::from_value(value.clone()).context("reading the model's history")?,
        )),
        None => Ok(None),
    }
}

/// The data for a registered model: prepared with the model's own
/// configuration and the history it knew.
fn data_for_model(
    bundle: &ModelBundle,
    paths: &[String],
    args: &crate::args::DataArgs,
) -> Result<(Dataset, TrainingConfig)> {
    let mut config = bundle.manifest().training_config.clone();
    if args.config.is_some() {
        tracing::warn!("--config is ignored: data is prepared with the model's own configuration");
    }
    let overrides = load_config(&crate::args::DataArgs {
        config: None,
        ..args.clone()
    })?;
    config.split = if args.split.is_some() {
        overrides.split
    } else {
        config.split
    };
    let history = bundle_history(bundle)?;
    let data = load_dataset(paths, args, &config, history.as_ref())?;
    Ok((data, config))
}

/// `tiredeg evaluate`.
pub fn evaluate(args: &EvaluateArgs) -> Result<()> {
    let (bundle, version) = load_registered(&args.registry, &args.version)?;
    let (data, _) = data_for_model(&bundle, &args.data_path, &args.data)?;
    tracing::info!("data: {}", data.description);

    let known: BTreeSet<(i32, u32)> = bundle
        .manifest()
        .extra
        .get(EXTRA_EVENTS)
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default();
    let overlaps = data
        .samples
        .samples
        .iter()
        .any(|s| known.contains(&(s.season, s.round)));
    let only_test = match args.on {
        EvalScope::Test => true,
        EvalScope::All => false,
        EvalScope::Auto => overlaps,
    };
    if !only_test && overlaps {
        tracing::warn!("scoring every sample, including events the model was trained on");
    }
    let eval_set = subset(&data.samples, |s| {
        !s.oversampled && (!only_test || s.split == Split::Test)
    });
    if eval_set.samples.is_empty() {
        bail!(
            "no samples to evaluate (scope: {})",
            if only_test { "test split" } else { "all" }
        );
    }
    let predicted = predicted_of(&bundle, &eval_set)?;
    let eval: Vec<&Sample> = eval_set.samples.iter().collect();
    let split_name = if only_test { "test" } else { "all" };
    let model_type = bundle.manifest().model_type.as_str();
    let saved_medians: Option<CompoundMedians> = bundle
        .manifest()
        .extra
        .get(EXTRA_MEDIANS)
        .map(|v| serde_json::from_value(v.clone()))
        .transpose()
        .context("reading the model's baseline medians")?;
    // The compound_median baseline is the median of the model's own
    // training data, saved with it; a bundle without it falls back to the
    // training split of the data given.
    let report = match saved_medians {
        Some(medians) => evaluate_with_medians(
            model_type,
            Some(&version),
            split_name,
            &medians,
            &eval,
            &predicted,
            &data.samples.schema,
        )?,
        None => {
            let train: Vec<&Sample> = data
                .samples
                .samples
                .iter()
                .filter(|s| s.split == Split::Train)
                .collect();
            if train.is_empty() {
                bail!("the model carries no baseline medians and the data has no training split");
            }
            score(
                model_type,
                Some(&version),
                split_name,
                &train,
                &eval,
                &predicted,
                &data.samples.schema,
            )?
        }
    };
    print_report(&report);
    if let Some(path) = &args.output {
        write_json(path, &report)?;
        write_report_html(&report, &eval, &predicted, &html_beside(path))?;
        say(&format!(
            "report: {} and {}",
            path.display(),
            html_beside(path).display()
        ));
    }
    Ok(())
}

/// `tiredeg compare`.
pub fn compare(args: &CompareArgs) -> Result<()> {
    let types: Vec<ModelType> = args
        .model_type
        .iter()
        .map(|t| parse_model_type(t))
        .collect::<Result<_>>()?;
    let config = load_config(&args.data)?;
    let data = load_dataset(&args.data_path, &args.data, &config, None)?;
    tracing::info!("data: {}", data.description);

    let mut reports = Vec::new();
    for model_type in types {
        let label = format!("{model_type}: ");
        let (_, report, _, _) = train_and_score(
            &data.samples,
            model_type,
            &config,
            args.allow_small,
            None,
            &label,
        )?;
        reports.push(report);
    }
    say(&comparison_table(&reports));
    for report in &reports {
        for verdict in &report.verdicts {
            say(&format!("note: {}: {verdict}", report.model_type));
        }
    }
    if let Some(path) = &args.output {
        write_json(path, &reports)?;
        write_comparison_html(&reports, &html_beside(path))?;
        say(&format!(
            "report: {} and {}",
            path.display(),
            html_beside(path).display()
        ));
    }
    Ok(())
}

/// `tiredeg cv`: folds grouped by event. In fold f the events of fold f
/// are the test split; of the others, the events of the prepared
/// validation split stay validation (for early stopping) and the rest
/// train. Oversampled copies stay with their training events only.
pub fn cross_validate(args: &CvArgs) -> Result<()> {
    let model_type = parse_model_type(&args.model_type)?;
    if args.folds < 2 {
        bail!("--folds {} must be at least 2", args.folds);
    }
    let config = load_config(&args.data)?;
    let data = load_dataset(&args.data_path, &args.data, &config, None)?;
    let folds = event_folds(&data.samples.samples, args.folds, config.split.seed);

    let mut reports = Vec::new();
    for fold in 0..args.folds {
        let mut set = SampleSet {
            schema: data.samples.schema.clone(),
            samples: Vec::new(),
        };
        for (sample, &sample_fold) in data.samples.samples.iter().zip(&folds) {
            let mut sample = sample.clone();
            if sample_fold == fold {
                if sample.oversampled {
                    continue;
                }
                sample.split = Split::Test;
            } else if sample.split == Split::Validation {
                if sample.oversampled {
                    continue;
                }
            } else {
                sample.split = Split::Train;
            }
            set.samples.push(sample);
        }
        let label = format!("fold {}/{}: ", fold + 1, args.folds);
        let (_, mut report, _, _) =
            train_and_score(&set, model_type, &config, args.allow_small, None, &label)?;
        report.split = format!("fold {}", fold + 1);
        reports.push(report);
    }
    say(&comparison_table(&reports));
    let summary = summarize_folds(&reports);
    say(&serde_json::to_string_pretty(&summary)?);
    if let Some(path) = &args.output {
        write_json(path, &json!({"folds": reports, "summary": summary}))?;
        say(&format!("summary: {}", path.display()));
    }
    Ok(())
}

/// `tiredeg predict`.
pub fn predict(args: &PredictArgs) -> Result<()> {
    let (bundle, version) = load_registered(&args.registry, &args.version)?;
    let (data, _) = data_for_model(&bundle, &args.data_path, &args.data)?;
    let set = subset(&data.samples, |s| !s.oversampled);
    let started = Instant::now();
    let predictions = bundle.predict(&set)?;
    tracing::info!(
        "model {version}: {} predictions in {:.1} ms",
        set.samples.len(),
        started.elapsed().as_secs_f64() * 1e3
    );

    let mut text = String::from(
        "season,round,event,driver,stint,compound,k,degradation_rate,usable_life,cliff_probability,cliff\n",
    );
    for (i, s) in set.samples.iter().enumerate() {
        text.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{}\n",
            s.season,
            s.round,
            csv_field(&s.event),
            csv_field(&s.driver),
            s.stint,
            s.compound,
            s.k,
            predictions.degradation_rate[i],
            predictions.usable_life[i],
            predictions.cliff_probability[i],
            predictions.cliff[i]
        ));
    }
    match &args.output {
        Some(path) => {
            std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))?;
            say(&format!(
                "{} predictions written to {}",
                set.samples.len(),
                path.display()
            ));
        }
        None => say(text.trim_end()),
    }
    Ok(())
}

fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}
