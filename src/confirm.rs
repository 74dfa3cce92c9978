//! The confirmation and protected-environment rules shared by every destructive command.
//!
//! [`gate`] is the pure decision; [`confirm`] carries it out, asking on the terminal
//! when there is one and failing at once when there is not (never waiting for input
//! that cannot come).

use std::io::IsTerminal;

use crate::error::{Error, Result};
use crate::prompt::{self, Reply};
use crate::settings::Settings;
use crate::text::display_text;
use crate::text::escape::escape;
use crate::text::one_line;

/// What must happen before a destructive action may go ahead.
#[derive(Debug, PartialEq, Eq)]
pub enum Gate {
    Proceed,
    /// Ask "proceed? [y/N]".
    AskYesNo,
    /// Ask the operator to type the environment's name.
    AskEnvName,
    /// Cannot ask, and the flags do not suffice: fail with this message.
    Refuse(String),
}

/// Facts the decision depends on.
#[derive(Debug, Clone, Copy)]
pub struct Situation<'a> {
    pub env_name: &'a str,
    pub protected: bool,
    pub yes: bool,
    /// `--confirm-env` was given (settings already checked that it names this environment).
    pub env_confirmed: bool,
    pub interactive: bool,
}

pub fn gate(s: Situation<'_>) -> Gate {
    let name_ok = !s.protected || s.env_confirmed;
    match (s.yes, name_ok, s.interactive) {
        (true, true, _) => Gate::Proceed,
        (_, false, true) => Gate::AskEnvName,
        (false, true, true) => Gate::AskYesNo,
        (true, false, false) => Gate::Refuse(format!(
            "'{env}' is a protected environment: --yes alone is not enough; re-run with --yes --confirm-env {env}",
            env = s.env_name
        )),
        (false, _, false) => {
            let extra = if name_ok {
                String::new()
            } else {
                format!(" --confirm-env {}", s.env_name)
            };
            Gate::Refuse(format!(
                "this needs confirmation and there is no terminal to ask on; re-run with --yes{extra} (or --dry-run to see the plan)"
            ))
        }
    }
}

/// True when a person can answer: stdin and stderr are terminals.
pub fn interactive() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The terminal as [`confirm`] uses it, so that what each answer leads to is
/// unit-tested with scripted answers.
pub trait Prompt {
    /// Whether a person can answer at all.
    fn interactive(&self) -> bool;
    /// Shows `question` and reads one line; Ctrl-C is [`Error::Cancelled`].
    fn ask(&mut self, question: &str) -> Result<String>;
}

/// The real terminal: the question on stderr, the answer from stdin.
pub struct Terminal;

impl Prompt for Terminal {
    fn interactive(&self) -> bool {
        interactive()
    }

    fn ask(&mut self, question: &str) -> Result<String> {
        let mut tty = std::io::stderr();
        match prompt::ask(question, &mut tty) {
            Ok(Reply::Line(line)) => Ok(line),
            Ok(Reply::Cancelled) => Err(Error::Cancelled),
            Err(err) => Err(Error::io("cannot read the answer from the terminal", err)),
        }
    }
}

/// Asks for (or checks) confirmation of `action`, e.g. "terminate 3 clusters".
/// Returns Ok only when the action may go ahead.
pub fn confirm(settings: &Settings, action: &str) -> Result<()> {
    let facts = Situation {
        env_name: &settings.env_name,
        protected: settings.protected,
        yes: settings.yes,
        env_confirmed: settings.confirm_env.is_some(),
        interactive: false,
    };
    confirm_on(&mut Terminal, facts, action)
}

/// [`confirm`] on a given terminal; whether it is interactive is the terminal's say,
/// not `facts.interactive`.
pub fn confirm_on(prompt: &mut dyn Prompt, facts: Situation<'_>, action: &str) -> Result<()> {
    let env = facts.env_name;
    let situation = Situation {
        interactive: prompt.interactive(),
        ..facts
    };
    // The questions quote the action and the environment's name: shown escaped, like
    // every other line a person reads.
    match gate(situation) {
        Gate::Proceed => Ok(()),
        Gate::Refuse(message) => Err(Error::NotConfirmed { message }),
        Gate::AskYesNo => {
            let answer = prompt.ask(&one_line(&escape(&format!("{action} in {env}? [y/N] "))))?;
            if prompt::is_yes(&answer) {
                Ok(())
            } else {
                Err(Error::Declined)
            }
        }
        Gate::AskEnvName => {
            let typed = prompt.ask(&one_line(&escape(&env_name_question(env, action))))?;
            check_typed_name(&typed, env)
        }
    }
}

/// The protected-environment prompt. Actions are written as sentences ("Terminate 3
/// clusters"); in the middle of this one the action starts in lower case.
fn env_name_question(env_name: &str, action: &str) -> String {
    let mut chars = action.chars();
    let action = chars.next().map_or(String::new(), |first| {
        first.to_lowercase().chain(chars).collect()
    });
    format!("'{env_name}' is a protected environment. To {action}, type its name: ")
}

/// The typed name must be the environment's, surrounding spaces ignored.
fn check_typed_name(typed: &str, env_name: &str) -> Result<()> {
    if typed.trim() == env_name {
        return Ok(());
    }
    Err(Error::refused(
        format!(
            "'{}' is not '{env_name}'; nothing was changed",
            display_text(typed.trim())
        ),
        None,
    ))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;

    fn situation(protected: bool, yes: bool, env_confirmed: bool, interactive: bool) -> Gate {
        gate(Situation {
            env_name: "production",
            protected,
            yes,
            env_confirmed,
            interactive,
        })
    }

    #[test]
    fn the_typed_name_must_match_once_trimmed() {
        assert!(check_typed_name("production", "production").is_ok());
        assert!(check_typed_name("  production \t", "production").is_ok());
        for wrong in ["", "prod", "Production", "production2", "dev"] {
            let err = check_typed_name(wrong, "production").unwrap_err();
            assert_eq!(err.exit_code(), 1, "{wrong}");
            assert!(err.to_string().ends_with("nothing was changed"), "{err}");
        }
        let err = check_typed_name("\u{1b}[2J", "production").unwrap_err();
        assert!(!err.to_string().contains('\u{1b}'), "{err}");
    }

    #[test]
    fn the_protected_prompt_puts_the_action_in_lower_case() {
        assert_eq!(
            env_name_question("production", "Launch cluster 'cyi'"),
            "'production' is a protected environment. To launch cluster 'cyi', type its name: "
        );
        assert_eq!(
            env_name_question("production", "terminate 1 cluster"),
            "'production' is a protected environment. To terminate 1 cluster, type its name: "
        );
        assert_eq!(
            env_name_question("p", ""),
            "'p' is a protected environment. To , type its name: "
        );
    }

    #[test]
    fn unprotected() {
        assert_eq!(situation(false, true, false, false), Gate::Proceed);
        assert_eq!(situation(false, true, false, true), Gate::Proceed);
        assert_eq!(situation(false, false, false, true), Gate::AskYesNo);
        let Gate::Refuse(message) = situation(false, false, false, false) else {
            panic!("a non-interactive run without --yes must be refused");
        };
        assert!(message.contains("re-run with --yes"), "{message}");
        assert!(!message.contains("--confirm-env"), "{message}");
    }

    #[test]
    fn protected_needs_the_name_as_well_as_yes() {
        assert_eq!(situation(true, true, true, false), Gate::Proceed);
        assert_eq!(situation(true, true, false, true), Gate::AskEnvName);
        assert_eq!(situation(true, false, false, true), Gate::AskEnvName);
        assert_eq!(situation(true, false, true, true), Gate::AskYesNo);
        for (yes, confirmed) in [(true, false), (false, false), (false, true)] {
            let Gate::Refuse(message) = situation(true, yes, confirmed, false) else {
                panic!("protected, yes={yes}, confirmed={confirmed}: must be refused");
            };
            assert!(message.contains("--yes"), "{message}");
            if !confirmed {
                assert!(message.contains("--confirm-env production"), "{message}");
            }
        }
    }

    /// Answers from a script, recording the questions.
    struct Scripted {
        interactive: bool,
        answer: Result<&'static str>,
        asked: Vec<String>,
    }

    impl Prompt for Scripted {
        fn interactive(&self) -> bool {
            self.interactive
        }
        fn ask(&mut self, question: &str) -> Result<String> {
            self.asked.push(question.to_owned());
            match &self.answer {
                Ok(line) => Ok((*line).to_owned()),
                Err(_) => Err(Error::Cancelled),
            }
        }
    }

    fn scripted(interactive: bool, answer: &'static str) -> Scripted {
        Scripted {
            interactive,
            answer: Ok(answer),
            asked: Vec::new(),
        }
    }

    fn facts(protected: bool, yes: bool, env_confirmed: bool) -> Situation<'static> {
        Situation {
            env_name: "production",
            protected,
            yes,
            env_confirmed,
            // The prompt's own answer counts, never this.
            interactive: true,
        }
    }

    #[test]
    fn confirm_on_the_real_terminal_refuses_when_nobody_can_answer() {
        // Under CI and cargo-mutants stdin is not a terminal; run from a terminal,
        // there is nothing to check here without a person to answer.
        if interactive() {
            return;
        }
        let global = crate::cli::Cli::try_parse_from(["cyi", "clusters"])
            .unwrap()
            .global;
        let vars = std::collections::BTreeMap::<&str, &str>::new();
        let settings = Settings::resolve(&global, &vars, None, false).unwrap();
        let err = confirm(&settings, "clear the row").unwrap_err();
        assert!(matches!(err, Error::NotConfirmed { .. }), "{err:?}");
    }

    #[test]
    fn without_a_terminal_nothing_is_asked_and_nothing_confirmed() {
        let mut prompt = scripted(false, "production");
        let err = confirm_on(&mut prompt, facts(false, false, false), "clear").unwrap_err();
        assert!(matches!(err, Error::NotConfirmed { .. }), "{err:?}");
        let err = confirm_on(&mut prompt, facts(true, true, false), "clear").unwrap_err();
        assert!(matches!(err, Error::NotConfirmed { .. }), "{err:?}");
        assert!(prompt.asked.is_empty(), "{:?}", prompt.asked);
        confirm_on(&mut prompt, facts(true, true, true), "clear").unwrap();
        confirm_on(&mut prompt, facts(false, true, false), "clear").unwrap();
    }

    #[test]
    fn a_question_is_asked_and_its_answer_decides() {
        let mut no = scripted(true, "n");
        let err = confirm_on(&mut no, facts(false, false, false), "terminate 2 clusters");
        assert!(matches!(err, Err(Error::Declined)), "{err:?}");
        assert_eq!(no.asked, ["terminate 2 clusters in production? [y/N] "]);
        let mut yes = scripted(true, "y");
        confirm_on(&mut yes, facts(false, false, false), "terminate 2 clusters").unwrap();
        assert_eq!(yes.asked.len(), 1);
        let mut cancelled = Scripted {
            answer: Err(Error::Cancelled),
            ..scripted(true, "")
        };
        let err = confirm_on(&mut cancelled, facts(false, false, false), "x");
        assert!(matches!(err, Err(Error::Cancelled)), "{err:?}");
        // --yes on an unprotected environment asks nothing.
        let mut unasked = scripted(true, "n");
        confirm_on(&mut unasked, facts(false, true, false), "x").unwrap();
        assert!(unasked.asked.is_empty());
    }

    #[test]
    fn a_protected_environment_needs_its_name_typed() {
        for (typed, ok) in [
            ("production", true),
            ("  production \t", true),
            ("y", false),
            ("Production", false),
            ("", false),
        ] {
            let mut prompt = scripted(true, typed);
            let result = confirm_on(&mut prompt, facts(true, true, false), "clear the row");
            assert_eq!(result.is_ok(), ok, "typed {typed:?}: {result:?}");
            assert_eq!(
                prompt.asked,
                ["'production' is a protected environment. To clear the row, type its name: "]
            );
        }
    }

    #[test]
    fn questions_show_outside_text_escaped() {
        let mut prompt = scripted(true, "y");
        let facts = Situation {
            env_name: "dev\u{1b}[2J",
            ..facts(false, false, false)
        };
        confirm_on(&mut prompt, facts, "clear run\u{9b}1").unwrap();
        assert_eq!(prompt.asked, ["clear run\\u{9b}1 in dev\\x1b[2J? [y/N] "]);
    }
}
