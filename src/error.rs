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

    /// Ctrl-C at a prompt, before anything was changed.
    #[error("cancelled; nothing was changed")]
    Cancelled,

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
            Error::Cancelled => EXIT_INTERRUPTED,
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

    /// A stable name for the kind of error, for the JSON error document.
    pub fn code(&self) -> &'static str {
        match self {
            Error::Usage { .. } => "usage",
            Error::Config { .. } => "config",
            Error::NotConfirmed { .. } => "not_confirmed",
            Error::Declined => "declined",
            Error::Cancelled => "cancelled",
            Error::Refused { .. } => "refused",
            Error::Aws { .. } => "aws",
            Error::Io { .. } => "io",
            Error::Failed(_) => "failed",
        }
    }

    /// `{"error": {"code", "message", "hint", "exit_code"}}`: what `--output json`
    /// prints on stdout for a failure, so a script never parses an empty stdout.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "error": {
                "code": self.code(),
                "message": self.to_string(),
                "hint": self.hint(),
                "exit_code": self.exit_code(),
            }
        })
    }

    /// The reader of stdout went away (`cyi … | head -1`): not a failure of the command.
    pub fn is_broken_pipe(&self) -> bool {
        matches!(self, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::BrokenPipe)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_document_names_code_message_and_hint() {
        let doc = Error::usage_hint("bad --region", "e.g. eu-west-2").to_json();
        assert_eq!(doc["error"]["code"], "usage");
        assert_eq!(doc["error"]["message"], "bad --region");
        assert_eq!(doc["error"]["hint"], "e.g. eu-west-2");
        assert_eq!(doc["error"]["exit_code"], 2);
        let doc = Error::Declined.to_json();
        assert!(doc["error"]["hint"].is_null());
        assert_eq!(doc["error"]["exit_code"], 1);
    }

    #[test]
    fn cancelled_is_130_and_a_closed_pipe_is_recognised() {
        assert_eq!(Error::Cancelled.exit_code(), EXIT_INTERRUPTED);
        assert_eq!(
            Error::Cancelled.to_string(),
            "cancelled; nothing was changed"
        );
        let pipe = Error::io("x", std::io::Error::from(std::io::ErrorKind::BrokenPipe));
        assert!(pipe.is_broken_pipe());
        assert!(!Error::Failed("x".into()).is_broken_pipe());
    }
}
