//! Which libraries a bundle is made of.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::head::Backend;

/// XGBoost alone, LightGBM alone, or both blended per head.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ModelType {
    /// XGBoost heads only.
    Xgboost,
    /// LightGBM heads only.
    Lightgbm,
    /// Both, each head a weighted mean of the two chosen on validation.
    Ensemble,
}

impl ModelType {
    /// All model types, as listed in messages.
    pub const ALL: [ModelType; 3] = [ModelType::Xgboost, ModelType::Lightgbm, ModelType::Ensemble];

    /// Lower-case name, as written in files and on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            ModelType::Xgboost => "xgboost",
            ModelType::Lightgbm => "lightgbm",
            ModelType::Ensemble => "ensemble",
        }
    }

    /// The libraries trained for every head, XGBoost first.
    pub fn backends(self) -> &'static [Backend] {
        match self {
            ModelType::Xgboost => &[Backend::Xgboost],
            ModelType::Lightgbm => &[Backend::Lightgbm],
            ModelType::Ensemble => &[Backend::Xgboost, Backend::Lightgbm],
        }
    }
}

impl fmt::Display for ModelType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A model type name that is not one of [`ModelType::ALL`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown model type {given:?}: expected one of xgboost, lightgbm, ensemble")]
pub struct ParseModelTypeError {
    /// The text given.
    pub given: String,
}

impl FromStr for ModelType {
    type Err = ParseModelTypeError;

    /// Parses a name, ignoring case and surrounding spaces.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let wanted = text.trim().to_ascii_lowercase();
        ModelType::ALL
            .into_iter()
            .find(|model_type| model_type.as_str() == wanted)
            .ok_or_else(|| ParseModelTypeError {
                given: text.to_string(),
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_text_and_serde() {
        for model_type in ModelType::ALL {
            assert_eq!(
                model_type.as_str().parse::<ModelType>().unwrap(),
                model_type
            );
            let json = serde_json::to_string(&model_type).unwrap();
            assert_eq!(json, format!("\"{}\"", model_type.as_str()));
        }
        assert_eq!(
            " XGBoost ".parse::<ModelType>().unwrap(),
            ModelType::Xgboost
        );
    }

    #[test]
    fn unknown_name_lists_the_valid_ones() {
        let error = "catboost".parse::<ModelType>().unwrap_err().to_string();
        assert!(error.contains("\"catboost\""), "{error}");
        assert!(error.contains("xgboost, lightgbm, ensemble"), "{error}");
    }
}
