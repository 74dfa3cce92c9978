//! How many calls to one service are in flight at once: at most [`MAX_IN_FLIGHT`], halved
//! each time the service throttles, and grown back by one for each call answered
//! without throttling. The SDK still retries a throttled call with backoff; the limit
//! keeps the calls behind it from making the throttling worse (200 DescribeClusters
//! must not become a throttling storm).
//!
//! The service says "throttled" through [`ThrottleSignal`], a retry classifier that
//! only watches: it never changes the SDK's retry decision.

use std::future::Future;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use aws_runtime::retries::classifiers::THROTTLING_ERRORS;
use aws_smithy_runtime_api::client::interceptors::context::InterceptorContext;
use aws_smithy_runtime_api::client::orchestrator::OrchestratorError;
use aws_smithy_runtime_api::client::retries::classifiers::{ClassifyRetry, RetryAction};
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use tokio::sync::Notify;

/// The most calls to one service in flight at once: enough to hide a 50–150 ms round
/// trip behind one another and to send the 20 TerminateJobFlows batches of a 200-cluster
/// stop in one round trip, few enough to stay under the services' rate limits (and
/// halved at the first throttle).
pub const MAX_IN_FLIGHT: usize = 32;

/// The pure part: the current limit and the calls in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    limit: usize,
    max: usize,
    in_flight: usize,
}

impl Window {
    pub fn new(max: usize) -> Window {
        let max = max.max(1);
        Window {
            limit: max,
            max,
            in_flight: 0,
        }
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// Takes a place if one is free.
    pub fn try_start(&mut self) -> bool {
        if self.in_flight < self.limit {
            self.in_flight += 1;
            true
        } else {
            false
        }
    }

    /// A call has ended (answered, failed or dropped) and gives its place back.
    pub fn finish(&mut self) {
        self.in_flight = self.in_flight.saturating_sub(1);
    }

    /// The service throttled: half as many calls from now on (never fewer than one).
    pub fn throttled(&mut self) {
        self.limit = (self.limit / 2).max(1);
    }

    /// A call was answered without throttling: one more place, up to the maximum.
    pub fn answered(&mut self) {
        self.limit = (self.limit + 1).min(self.max);
    }
}

/// A [`Window`] shared by every call to one service in this run.
#[derive(Debug)]
pub struct Limiter {
    window: Mutex<Window>,
    freed: Notify,
}

impl Default for Limiter {
    fn default() -> Self {
        Limiter::new(MAX_IN_FLIGHT)
    }
}

impl Limiter {
    pub fn new(max: usize) -> Limiter {
        Limiter {
            window: Mutex::new(Window::new(max)),
            freed: Notify::new(),
        }
    }

    fn window(&self) -> MutexGuard<'_, Window> {
        // A panic elsewhere cannot leave the counters half-updated: each update is one
        // assignment, so a poisoned lock still holds a usable window.
        self.window.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub fn limit(&self) -> usize {
        self.window().limit()
    }

    pub fn throttled(&self) {
        self.window().throttled();
    }

    /// Runs `call` once a place is free; the place is given back when the call ends or
    /// is dropped (Ctrl-C), and an answer that was not throttled grows the limit.
    pub async fn run<F: Future>(&self, call: F) -> F::Output {
        loop {
            let freed = self.freed.notified();
            if self.window().try_start() {
                break;
            }
            freed.await;
        }
        let place = Place { limiter: self };
        let output = call.await;
        self.window().answered();
        drop(place);
        output
    }
}

struct Place<'a> {
    limiter: &'a Limiter,
}

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.limiter.window().finish();
        self.limiter.freed.notify_waiters();
    }
}

/// A retry classifier that tells a [`Limiter`] when the service answered with a
/// throttling error code, and otherwise has no opinion: the SDK's own classifiers still
/// decide whether to retry.
#[derive(Debug)]
pub struct ThrottleSignal<E> {
    limiter: Arc<Limiter>,
    _error: std::marker::PhantomData<fn() -> E>,
}

impl<E> ThrottleSignal<E> {
    pub fn new(limiter: Arc<Limiter>) -> Self {
        ThrottleSignal {
            limiter,
            _error: std::marker::PhantomData,
        }
    }
}

/// True for the error codes AWS uses for throttling (the SDK's own list).
pub fn is_throttling_code(code: &str) -> bool {
    THROTTLING_ERRORS.contains(&code)
}

impl<E> ClassifyRetry for ThrottleSignal<E>
where
    E: std::error::Error + ProvideErrorMetadata + Send + Sync + 'static,
{
    fn classify_retry(&self, ctx: &InterceptorContext) -> RetryAction {
        let code = match ctx.output_or_error() {
            Some(Err(err)) => OrchestratorError::as_operation_error(err)
                .and_then(|e| e.downcast_ref::<E>())
                .and_then(ProvideErrorMetadata::code),
            _ => None,
        };
        if code.is_some_and(is_throttling_code) {
            self.limiter.throttled();
        }
        RetryAction::NoActionIndicated
    }

    fn name(&self) -> &'static str {
        "cyi throttle signal"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_more_than_the_limit_start() {
        let mut w = Window::new(3);
        assert!(w.try_start() && w.try_start() && w.try_start());
        assert!(!w.try_start());
        w.finish();
        assert!(w.try_start());
    }

    #[test]
    fn throttling_halves_the_limit_and_answers_grow_it_back_to_the_maximum() {
        let mut w = Window::new(16);
        w.throttled();
        assert_eq!(w.limit(), 8);
        for _ in 0..10 {
            w.throttled();
        }
        assert_eq!(w.limit(), 1, "never below one call");
        for _ in 0..5 {
            w.answered();
        }
        assert_eq!(w.limit(), 6);
        for _ in 0..100 {
            w.answered();
        }
        assert_eq!(w.limit(), 16, "never above the maximum");
    }

    #[test]
    fn a_halved_limit_holds_back_new_calls_until_enough_have_ended() {
        let mut w = Window::new(4);
        for _ in 0..4 {
            assert!(w.try_start());
        }
        w.throttled();
        w.finish();
        w.finish();
        assert!(!w.try_start(), "2 in flight, limit 2");
        w.finish();
        assert!(w.try_start());
    }

    #[test]
    fn the_sdks_throttling_codes_are_recognised() {
        for code in [
            "ThrottlingException",
            "Throttling",
            "SlowDown",
            "RequestLimitExceeded",
        ] {
            assert!(is_throttling_code(code), "{code}");
        }
        assert!(!is_throttling_code("InvalidRequestException"));
    }

    #[tokio::test]
    async fn the_limiter_never_runs_more_calls_than_its_limit() {
        let limiter = Limiter::new(3);
        let now = std::cell::Cell::new(0usize);
        let peak = std::cell::Cell::new(0usize);
        let calls = (0..20).map(|_| {
            limiter.run(async {
                now.set(now.get() + 1);
                peak.set(peak.get().max(now.get()));
                tokio::task::yield_now().await;
                now.set(now.get() - 1);
            })
        });
        futures_util::future::join_all(calls).await;
        assert_eq!(peak.get(), 3);
    }
}
