//! The diff engine: sentence alignment plus word-level diffs, and its renderings.
