//! Comparing the feature schema of input data with a model's.
//!
//! A model reads columns by position, so data laid out differently from
//! the training data would be predicted silently wrong. Every difference
//! is listed by name instead: columns missing or extra, a kind or
//! category list that changed (a category index means nothing under
//! another encoding), or the same columns in another order.

use std::collections::{HashMap, HashSet};

use tiredeg_prepare::{FeatureKind, FeatureSchema};

use crate::error::ModelError;

fn describe(kind: &FeatureKind) -> String {
    match kind {
        FeatureKind::Numeric => "numeric".to_string(),
        FeatureKind::Categorical(categories) => {
            format!("categorical [{}]", categories.join(", "))
        }
    }
}

/// Every way `input` differs from `model`; empty when they are equal.
pub fn schema_differences(model: &FeatureSchema, input: &FeatureSchema) -> Vec<String> {
    let mut differences = Vec::new();
    if input.names.len() != input.kinds.len() {
        differences.push(format!(
            "the input schema has {} names but {} kinds",
            input.names.len(),
            input.kinds.len()
        ));
        return differences;
    }
    let mut seen = HashSet::new();
    for name in &input.names {
        if !seen.insert(name.as_str()) {
            differences.push(format!("duplicate column {name}"));
        }
    }

    let input_columns: HashMap<&str, (usize, &FeatureKind)> = input
        .names
        .iter()
        .zip(&input.kinds)
        .enumerate()
        .map(|(index, (name, kind))| (name.as_str(), (index, kind)))
        .collect();
    let model_names: HashSet<&str> = model.names.iter().map(String::as_str).collect();

    for (name, kind) in model.names.iter().zip(&model.kinds) {
        match input_columns.get(name.as_str()) {
            None => differences.push(format!("missing column {name}")),
            Some((_, input_kind)) if *input_kind != kind => differences.push(format!(
                "column {name} is {} in the model but {} in the input",
                describe(kind),
                describe(input_kind)
            )),
            Some(_) => {}
        }
    }
    for name in &input.names {
        if !model_names.contains(name.as_str()) {
            differences.push(format!("extra column {name}"));
        }
    }

    if differences.is_empty() {
        if let Some((position, (expected, found))) = model
            .names
            .iter()
            .zip(&input.names)
            .enumerate()
            .find(|(_, (a, b))| a != b)
        {
            differences.push(format!(
                "column order differs: position {position} is {expected} in the model \
                 but {found} in the input"
            ));
        }
    }
    differences
}

/// An error naming every difference, or `Ok` when the schemas are equal.
pub fn check_schema(model: &FeatureSchema, input: &FeatureSchema) -> Result<(), ModelError> {
    let differences = schema_differences(model, input);
    if differences.is_empty() {
        Ok(())
    } else {
        Err(ModelError::SchemaMismatch { differences })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compound() -> FeatureKind {
        FeatureKind::Categorical(vec!["SOFT".into(), "MEDIUM".into(), "HARD".into()])
    }

    fn model() -> FeatureSchema {
        FeatureSchema {
            names: vec!["compound".into(), "tire_age_start".into(), "k".into()],
            kinds: vec![compound(), FeatureKind::Numeric, FeatureKind::Numeric],
        }
    }

    #[test]
    fn equal_schemas_pass() {
        check_schema(&model(), &model()).unwrap();
    }

    #[test]
    fn missing_and_extra_columns_are_named() {
        let mut input = model();
        input.names[2] = "laps_remaining".into();
        let error = check_schema(&model(), &input).unwrap_err().to_string();
        assert!(error.contains("missing column k"), "{error}");
        assert!(error.contains("extra column laps_remaining"), "{error}");
    }

    #[test]
    fn kind_and_category_changes_are_named() {
        let mut input = model();
        input.kinds[0] =
            FeatureKind::Categorical(vec!["HARD".into(), "MEDIUM".into(), "SOFT".into()]);
        input.kinds[1] = compound();
        let differences = schema_differences(&model(), &input);
        assert_eq!(differences.len(), 2, "{differences:?}");
        assert!(differences[0].starts_with("column compound is categorical [SOFT, MEDIUM, HARD]"));
        assert!(differences[1].starts_with("column tire_age_start is numeric"));
    }

    #[test]
    fn order_is_checked_last() {
        let mut input = model();
        input.names.swap(1, 2);
        input.kinds.swap(1, 2);
        let differences = schema_differences(&model(), &input);
        assert_eq!(
            differences,
            vec!["column order differs: position 1 is tire_age_start in the model but k in the input"]
        );
    }
}
