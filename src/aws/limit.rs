//! How many calls to one service are in flight at once: at most [`MAX_IN_FLIGHT`], halved
//! each time the service throttles, and grown back by one for each full window of calls
//! answered without throttling (additive increase, multiplicative decrease: grown back
//! by one per answer, the window would be full again before the service had recovered,
//! and the SDK's retry quota would run out in a throttling storm). The SDK still retries a throttled call with backoff; the limit
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

/// How many calls to one service a run starts with in flight at once: enough to hide a
/// 50–150 ms round trip behind one another, few enough not to set off a service's rate
/// limit at the first burst.
pub const START_IN_FLIGHT: usize = 16;

/// The most, once that many calls have been answered without throttling: the window
/// grows by one per full window answered, so the 200 DescribeClusters of a 200-cluster
/// stop have grown it past 20 by the time its 20 TerminateJobFlows batches go, which
/// then go in one round trip. Halved at each throttle.
pub const MAX_IN_FLIGHT: usize = 32;

/// The pure part: the current limit and the calls in flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Window {
    limit: usize,
    max: usize,
    in_flight: usize,
    /// Answers without throttling since the limit last changed.
    calm: usize,
}

impl Window {
    /// A window that starts at its maximum.
    pub fn new(max: usize) -> Window {
        Window::starting(max, max)
    }

    /// A window that starts at `start` and may grow to `max`.
    pub fn starting(start: usize, max: usize) -> Window {
        let max = max.max(1);
        Window {
            limit: start.clamp(1, max),
            max,
            in_flight: 0,
            calm: 0,
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
        self.calm = 0;
    }

    /// A call was answered without throttling: once a whole window of them has been,
    /// one more place, up to the maximum.
    pub fn answered(&mut self) {
        self.calm += 1;
        if self.calm >= self.limit && self.limit < self.max {
            self.limit += 1;
            self.calm = 0;
        }
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
        Limiter::with(Window::starting(START_IN_FLIGHT, MAX_IN_FLIGHT))
    }
}

impl Limiter {
    pub fn new(max: usize) -> Limiter {
        Limiter::with(Window::new(max))
    }

    fn with(window: Window) -> Limiter {
        Limiter {
            window: Mutex::new(window),
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
        // One more place per full window answered: 1 answer at 1, then 2 at 2, 3 at 3.
        for _ in 0..(1 + 2 + 3) {
            w.answered();
        }
        assert_eq!(w.limit(), 4);
        for _ in 0..3 {
            w.answered();
        }
        assert_eq!(w.limit(), 4, "not before a whole window of 4");
        w.answered();
        assert_eq!(w.limit(), 5);
        w.throttled();
        assert_eq!(w.limit(), 2);
        w.answered();
        assert_eq!(w.limit(), 2, "a throttle starts the count again");
        for _ in 0..1000 {
            w.answered();
        }
        assert_eq!(w.limit(), 16, "never above the maximum");
    }

    #[test]
    fn a_runs_window_starts_at_16_and_grows_to_32_without_throttling() {
        let mut w = Window::starting(START_IN_FLIGHT, MAX_IN_FLIGHT);
        assert_eq!(w.limit(), 16);
        // 16 + 17 + 18 + 19 answers: four more places, as a 200-cluster stop's
        // describes give before its batches go.
        for _ in 0..(16 + 17 + 18 + 19) {
            w.answered();
        }
        assert_eq!(w.limit(), 20);
        for _ in 0..10_000 {
            w.answered();
        }
        assert_eq!(w.limit(), 32);
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
