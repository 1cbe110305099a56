//! Attacks on the marketplace's controls (issue 14): doors.
