//! The one error type of `cyi`, and how it maps to an exit code.

use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code: the operation failed or a safety check refused it.
pub const EXIT_FAILED: u8 = 1;
/// Exit code: invalid input or usage (the same code clap uses for a bad flag).
pub const EXIT_USAGE: u8 = 2;
/// Exit code: stopped by Ctrl-C (128 + SIGINT, as shells report it).
pub const EXIT_INTERRUPTED: u8 = 130;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Input that can never work: a bad value, a conflicting flag, a missing setting.
    #[error("{message}")]
    Usage {
        message: String,
        hint: Option<String>,
    },

    /// The configuration file is unreadable or wrong.
    #[error("{}: {message}", path.display())]
    Config { path: PathBuf, message: String },

    /// A destructive action needs a confirmation that cannot be asked for here.
    #[error("{message}")]
    NotConfirmed { message: String },

    /// The operator answered no at the prompt.
    #[error("cancelled at the prompt; nothing was changed")]
    Declined,

    /// A safety check refused the operation.
    #[error("{message}")]
    Refused {
        message: String,
        hint: Option<String>,
    },

    /// An AWS call failed.
    #[error("{operation} failed: {message}")]
    Aws {
        operation: &'static str,
        message: String,
        hint: Option<String>,
    },

    /// A local file could not be read or written.
    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    /// Anything else that makes the operation fail.
    #[error("{0}")]
    Failed(String),
}

impl Error {
    pub fn usage(message: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: None,
        }
    }

    pub fn usage_hint(message: impl Into<String>, hint: impl Into<String>) -> Self {
        Error::Usage {
            message: message.into(),
            hint: Some(hint.into()),
        }
    }

    pub fn refused(message: impl Into<String>, hint: Option<String>) -> Self {
        Error::Refused {
            message: message.into(),
            hint,
        }
    }

    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io {
            context: context.into(),
            source,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Usage { .. } | Error::Config { .. } | Error::NotConfirmed { .. } => EXIT_USAGE,
            Error::Declined
            | Error::Refused { .. }
            | Error::Aws { .. }
            | Error::Io { .. }
            | Error::Failed(_) => EXIT_FAILED,
        }
    }

    pub fn hint(&self) -> Option<&str> {
        match self {
            Error::Usage { hint, .. } | Error::Refused { hint, .. } | Error::Aws { hint, .. } => {
                hint.as_deref()
            }
            _ => None,
        }
    }

    pub fn to_exit_code(&self) -> ExitCode {
        ExitCode::from(self.exit_code())
    }

    /// A failure in the middle of a change: the one line also says what was and was not
    /// done, and the hint (when given) what to do now.
    pub fn with_outcome(self, outcome: &str, next: Option<String>) -> Self {
        match self {
            Error::Aws {
                operation,
                message,
                hint,
            } => Error::Aws {
                operation,
                message: format!("{message}; {outcome}"),
                hint: next.or(hint),
            },
            other => Error::Refused {
                message: format!("{other}; {outcome}"),
                hint: next,
            },
        }
    }
}
