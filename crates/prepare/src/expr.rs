//! User features: arithmetic over existing features, and features in code.
//!
//! A data scientist adds a feature in the training configuration without
//! touching Rust, e.g. `{name: age_sq, expr: "tire_age_start ^ 2"}`. The
//! language is deliberately tiny: numbers (`2`, `0.5`, `1e-3`), feature
//! names, `+ - * / ^`, unary minus and parentheses. Precedence is the
//! usual one: `^` binds tightest and is right-associative (`2 ^ 3 ^ 2` is
//! 512), then unary minus (`-x ^ 2` is `-(x ^ 2)`), then `* /`, then
//! `+ -`, each left-associative. Names are resolved once, when the
//! expression is compiled against the feature schema, so a misspelt name
//! fails the preparation before any work is done, naming the feature, the
//! expression and the unknown name.
//!
//! Evaluation follows IEEE arithmetic, so a missing (NaN) input makes the
//! result missing. A result that is not finite (`1 / 0`) is also missing:
//! gradient-boosted libraries treat infinities as values, not as gaps.
//!
//! Features that need more than arithmetic (a look at the observed laps,
//! a lookup in the user's own table) implement [`CustomFeature`] and are
//! registered in the preparation options.

use std::fmt;

use tiredeg_laps::{Compound, Lap};

use crate::sample::{FeatureKind, FeatureSchema};
use crate::stint::CleanLap;

/// What a code-defined feature can see of a stint: its keys, the stint's
/// first lap, the clean laps observed so far and the features computed
/// before it.
///
/// Only the first `k` clean laps are exposed, because a feature must not
/// see laps that a model predicting at k would not know yet.
#[derive(Debug, Clone, Copy)]
pub struct StintContext<'a> {
    /// Championship year.
    pub season: i32,
    /// Round within the season.
    pub round: u32,
    /// Event name.
    pub event: &'a str,
    /// Circuit id.
    pub track: &'a str,
    /// Driver code.
    pub driver: &'a str,
    /// Stint number.
    pub stint: u32,
    /// Compound.
    pub compound: Compound,
    /// Clean laps observed (0 before the stint).
    pub k: usize,
    /// The stint's first lap, as read. Its lap time is not known before
    /// the stint; a feature for k = 0 should use only its context fields.
    pub first_lap: &'a Lap,
    /// The first k clean laps, in lap-number order.
    pub observed: &'a [CleanLap],
    names: &'a [String],
    values: &'a [f64],
}

impl<'a> StintContext<'a> {
    /// A context whose computed features are `values`, named by the first
    /// `values.len()` names of `names`.
    pub(crate) fn new(
        record: &'a crate::stint::StintRecord,
        k: usize,
        first_lap: &'a Lap,
        names: &'a [String],
        values: &'a [f64],
    ) -> Self {
        let observed = &record.clean_laps[..k.min(record.clean_laps.len())];
        StintContext {
            season: record.season,
            round: record.round,
            event: &record.event,
            track: &record.track,
            driver: &record.driver,
            stint: record.stint,
            compound: record.compound,
            k,
            first_lap,
            observed,
            names,
            values,
        }
    }

    /// The value of a feature computed before this one; `None` for a name
    /// that is unknown or comes later in the schema.
    pub fn feature(&self, name: &str) -> Option<f64> {
        let index = self.names.iter().position(|n| n == name)?;
        self.values.get(index).copied()
    }
}

/// A feature defined in code. `compute` returns NaN for a missing value.
pub trait CustomFeature: Send + Sync {
    /// Column name; must not clash with another feature.
    fn name(&self) -> &str;

    /// The feature's value for one sample.
    fn compute(&self, context: &StintContext<'_>) -> f64;
}

/// Why an expression could not be compiled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExpressionError {
    /// The text is not a valid expression.
    Syntax {
        /// Byte offset of the problem.
        position: usize,
        /// What was expected or found.
        message: String,
    },
    /// A name that is no feature before this one.
    UnknownName(String),
    /// A categorical feature, whose values are category indices, not
    /// quantities.
    Categorical(String),
}

impl fmt::Display for ExpressionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExpressionError::Syntax { position, message } => {
                write!(f, "{message} at position {position}")
            }
            ExpressionError::UnknownName(name) => write!(f, "unknown feature name {name:?}"),
            ExpressionError::Categorical(name) => {
                write!(
                    f,
                    "feature {name:?} is categorical and cannot be used in arithmetic"
                )
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Operator {
    Add,
    Subtract,
    Multiply,
    Divide,
    Power,
}

#[derive(Debug, Clone, PartialEq)]
enum Node {
    Number(f64),
    Feature(usize),
    Negate(Box<Node>),
    Binary(Operator, Box<Node>, Box<Node>),
}

/// An expression compiled against a feature schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Expression {
    root: Node,
}

impl Expression {
    /// Compiles `text`, resolving names among the first `visible` features
    /// of `schema`.
    pub fn compile(
        text: &str,
        schema: &FeatureSchema,
        visible: usize,
    ) -> Result<Self, ExpressionError> {
        let tokens = tokenize(text)?;
        let mut parser = Parser {
            tokens: &tokens,
            next: 0,
            end: text.len(),
            schema,
            visible,
        };
        let root = parser.sum()?;
        if let Some(token) = parser.tokens.get(parser.next) {
            return Err(ExpressionError::Syntax {
                position: token.position,
                message: "unexpected text after the expression".to_string(),
            });
        }
        Ok(Expression { root })
    }

    /// The value over a feature vector; NaN when missing or not finite.
    pub fn evaluate(&self, values: &[f64]) -> f64 {
        let value = evaluate(&self.root, values);
        if value.is_finite() {
            value
        } else {
            f64::NAN
        }
    }
}

fn evaluate(node: &Node, values: &[f64]) -> f64 {
    match node {
        Node::Number(value) => *value,
        Node::Feature(index) => values.get(*index).copied().unwrap_or(f64::NAN),
        Node::Negate(inner) => -evaluate(inner, values),
        Node::Binary(operator, left, right) => {
            let a = evaluate(left, values);
            let b = evaluate(right, values);
            match operator {
                Operator::Add => a + b,
                Operator::Subtract => a - b,
                Operator::Multiply => a * b,
                Operator::Divide => a / b,
                Operator::Power => a.powf(b),
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum TokenKind {
    Number(f64),
    Name(String),
    Symbol(char),
}

#[derive(Debug, Clone, PartialEq)]
struct Token {
    kind: TokenKind,
    position: usize,
}

fn tokenize(text: &str) -> Result<Vec<Token>, ExpressionError> {
    let bytes = text.as_bytes();
    let mut tokens = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let c = bytes[at];
        let start = at;
        if c.is_ascii_whitespace() {
            at += 1;
        } else if c.is_ascii_digit() || c == b'.' {
            while at < bytes.len() && (bytes[at].is_ascii_digit() || bytes[at] == b'.') {
                at += 1;
            }
            // An exponent: e or E, an optional sign, digits.
            if at < bytes.len() && (bytes[at] == b'e' || bytes[at] == b'E') {
                let mut end = at + 1;
                if end < bytes.len() && (bytes[end] == b'+' || bytes[end] == b'-') {
                    end += 1;
                }
                if end < bytes.len() && bytes[end].is_ascii_digit() {
                    while end < bytes.len() && bytes[end].is_ascii_digit() {
                        end += 1;
                    }
                    at = end;
                }
            }
            let literal = &text[start..at];
            let value = literal
                .parse::<f64>()
                .map_err(|_| ExpressionError::Syntax {
                    position: start,
                    message: format!("malformed number {literal:?}"),
                })?;
            tokens.push(Token {
                kind: TokenKind::Number(value),
                position: start,
            });
        } else if c.is_ascii_alphabetic() || c == b'_' {
            while at < bytes.len() && (bytes[at].is_ascii_alphanumeric() || bytes[at] == b'_') {
                at += 1;
            }
            tokens.push(Token {
                kind: TokenKind::Name(text[start..at].to_string()),
                position: start,
            });
        } else if b"+-*/^()".contains(&c) {
            tokens.push(Token {
                kind: TokenKind::Symbol(c as char),
                position: start,
            });
            at += 1;
        } else {
            let found = text[start..].chars().next().unwrap_or('?');
            return Err(ExpressionError::Syntax {
                position: start,
                message: format!("unexpected character {found:?}"),
            });
        }
    }
    Ok(tokens)
}

struct Parser<'a> {
    tokens: &'a [Token],
    next: usize,
    end: usize,
    schema: &'a FeatureSchema,
    visible: usize,
}

impl Parser<'_> {
    fn peek_symbol(&self) -> Option<char> {
        match self.tokens.get(self.next) {
            Some(Token {
                kind: TokenKind::Symbol(c),
                ..
            }) => Some(*c),
            _ => None,
        }
    }

    fn position(&self) -> usize {
        self.tokens.get(self.next).map_or(self.end, |t| t.position)
    }

    // sum := product (('+' | '-') product)*
    fn sum(&mut self) -> Result<Node, ExpressionError> {
        let mut node = self.product()?;
        while let Some(symbol @ ('+' | '-')) = self.peek_symbol() {
            self.next += 1;
            let right = self.product()?;
            let operator = if symbol == '+' {
                Operator::Add
            } else {
                Operator::Subtract
            };
            node = Node::Binary(operator, Box::new(node), Box::new(right));
        }
        Ok(node)
    }

    // product := unary (('*' | '/') unary)*
    fn product(&mut self) -> Result<Node, ExpressionError> {
        let mut node = self.unary()?;
        while let Some(symbol @ ('*' | '/')) = self.peek_symbol() {
            self.next += 1;
            let right = self.unary()?;
            let operator = if symbol == '*' {
                Operator::Multiply
            } else {
                Operator::Divide
            };
            node = Node::Binary(operator, Box::new(node), Box::new(right));
        }
        Ok(node)
    }

    // unary := '-' unary | power
    fn unary(&mut self) -> Result<Node, ExpressionError> {
        if self.peek_symbol() == Some('-') {
            self.next += 1;
            return Ok(Node::Negate(Box::new(self.unary()?)));
        }
        self.power()
    }

    // power := primary ('^' unary)?, right-associative through unary.
    fn power(&mut self) -> Result<Node, ExpressionError> {
        let base = self.primary()?;
        if self.peek_symbol() == Some('^') {
            self.next += 1;
            let exponent = self.unary()?;
            return Ok(Node::Binary(
                Operator::Power,
                Box::new(base),
                Box::new(exponent),
            ));
        }
        Ok(base)
    }

    // primary := number | name | '(' sum ')'
    fn primary(&mut self) -> Result<Node, ExpressionError> {
        let position = self.position();
        let Some(token) = self.tokens.get(self.next) else {
            return Err(ExpressionError::Syntax {
                position,
                message: "expression ends too early".to_string(),
            });
        };
        self.next += 1;
        match &token.kind {
            TokenKind::Number(value) => Ok(Node::Number(*value)),
            TokenKind::Name(name) => {
                let index = self
                    .schema
                    .names
                    .iter()
                    .take(self.visible)
                    .position(|n| n == name)
                    .ok_or_else(|| ExpressionError::UnknownName(name.clone()))?;
                if matches!(
                    self.schema.kinds.get(index),
                    Some(FeatureKind::Categorical(_))
                ) {
                    return Err(ExpressionError::Categorical(name.clone()));
                }
                Ok(Node::Feature(index))
            }
            TokenKind::Symbol('(') => {
                let inner = self.sum()?;
                if self.peek_symbol() != Some(')') {
                    return Err(ExpressionError::Syntax {
                        position: self.position(),
                        message: "expected ')'".to_string(),
                    });
                }
                self.next += 1;
                Ok(inner)
            }
            TokenKind::Symbol(c) => Err(ExpressionError::Syntax {
                position,
                message: format!("unexpected {c:?}"),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schema() -> FeatureSchema {
        FeatureSchema {
            names: vec![
                "compound".into(),
                "tire_age_start".into(),
                "lap_start".into(),
                "later".into(),
            ],
            kinds: vec![
                FeatureKind::Categorical(vec!["SOFT".into(), "MEDIUM".into(), "HARD".into()]),
                FeatureKind::Numeric,
                FeatureKind::Numeric,
                FeatureKind::Numeric,
            ],
        }
    }

    fn value(text: &str, values: &[f64]) -> f64 {
        Expression::compile(text, &schema(), 3)
            .unwrap()
            .evaluate(values)
    }

    #[test]
    fn a_square_of_a_feature() {
        assert_eq!(value("tire_age_start ^ 2", &[0.0, 7.0, 3.0]), 49.0);
    }

    #[test]
    fn a_product_of_two_features() {
        assert_eq!(value("tire_age_start * lap_start", &[0.0, 7.0, 3.0]), 21.0);
    }

    #[test]
    fn precedence_and_associativity() {
        let v = [0.0, 2.0, 3.0];
        assert_eq!(value("1 + 2 * 3", &v), 7.0);
        assert_eq!(value("(1 + 2) * 3", &v), 9.0);
        assert_eq!(value("2 ^ 3 ^ 2", &v), 512.0);
        assert_eq!(value("-tire_age_start ^ 2", &v), -4.0);
        assert_eq!(value("2 ^ -1", &v), 0.5);
        assert_eq!(value("10 - 4 - 3", &v), 3.0);
        assert_eq!(value("12 / 3 / 2", &v), 2.0);
        assert_eq!(value("lap_start * -2", &v), -6.0);
        assert_eq!(value("1.5e1 + .5", &v), 15.5);
    }

    #[test]
    fn missing_values_propagate_and_infinities_are_missing() {
        assert!(value("tire_age_start + 1", &[0.0, f64::NAN, 3.0]).is_nan());
        assert!(value("lap_start / 0", &[0.0, 1.0, 3.0]).is_nan());
    }

    #[test]
    fn an_unknown_name_is_named() {
        let error = Expression::compile("tire_age ^ 2", &schema(), 3).unwrap_err();
        assert_eq!(error, ExpressionError::UnknownName("tire_age".to_string()));
        // A feature that comes later in the schema is not visible yet.
        let error = Expression::compile("later + 1", &schema(), 3).unwrap_err();
        assert_eq!(error, ExpressionError::UnknownName("later".to_string()));
    }

    #[test]
    fn categorical_features_and_bad_syntax_are_refused() {
        let error = Expression::compile("compound * 2", &schema(), 3).unwrap_err();
        assert_eq!(error, ExpressionError::Categorical("compound".to_string()));
        for text in ["", "1 +", "(1 + 2", "1 2", "3 $ 4", "1..2", "* 2"] {
            let error = Expression::compile(text, &schema(), 3).unwrap_err();
            assert!(
                matches!(error, ExpressionError::Syntax { .. }),
                "{text:?}: {error:?}"
            );
        }
    }
}
