//! Model heads placeholder.
