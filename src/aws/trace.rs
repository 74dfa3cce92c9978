//! `--verbose`: one line on stderr per AWS call attempt, and one per answer. It prints
//! the service and operation only, never a request body, so no secret can leak here.

use std::io::Write;
use std::time::Instant;

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::{
    BeforeTransmitInterceptorContextRef, FinalizerInterceptorContextRef,
};
use aws_smithy_runtime_api::client::orchestrator::Metadata;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::{ConfigBag, Storable, StoreReplace};

use crate::text::SharedWriter;

/// Writes through the same stderr writer as the command's messages, so the lines of
/// both come out in order (and tests can capture them).
pub struct Trace {
    service: &'static str,
    log: SharedWriter,
}

impl std::fmt::Debug for Trace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Trace")
            .field("service", &self.service)
            .finish()
    }
}

impl Trace {
    pub fn new(krate: &'static str, log: SharedWriter) -> Self {
        Trace {
            service: krate.trim_start_matches("aws_sdk_"),
            log,
        }
    }

    /// A trace line that cannot be written is dropped: tracing never fails a call.
    fn line(&self, text: std::fmt::Arguments<'_>) {
        let mut log = self.log.clone();
        // Operation names, URIs and answers can carry outside text: escaped, one line.
        let text = text.to_string();
        let text = crate::text::escape::escape(&text);
        let _ = writeln!(log, "{}", crate::text::one_line(&text));
    }
}

#[derive(Debug, Clone)]
struct AttemptStarted(Instant);

impl Storable for AttemptStarted {
    type Storer = StoreReplace<Self>;
}

fn operation(cfg: &ConfigBag) -> String {
    cfg.load::<Metadata>()
        .map(|m| m.name().to_owned())
        .unwrap_or_else(|| "?".into())
}

impl Intercept for Trace {
    fn name(&self) -> &'static str {
        "cyi-trace"
    }

    fn read_before_transmit(
        &self,
        context: &BeforeTransmitInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let request = context.request();
        self.line(format_args!(
            "aws → {}:{} {} {}",
            self.service,
            operation(cfg),
            request.method(),
            crate::text::display_text(request.uri().split('?').next().unwrap_or_default())
        ));
        cfg.interceptor_state()
            .store_put(AttemptStarted(Instant::now()));
        Ok(())
    }

    fn read_after_attempt(
        &self,
        context: &FinalizerInterceptorContextRef<'_>,
        _runtime_components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        let elapsed = cfg
            .load::<AttemptStarted>()
            .map(|s| s.0.elapsed().as_millis())
            .unwrap_or_default();
        let outcome = match context.response() {
            Some(response) => response.status().as_u16().to_string(),
            None => "no answer".to_owned(),
        };
        self.line(format_args!(
            "aws ← {}:{} {outcome} in {elapsed} ms",
            self.service,
            operation(cfg)
        ));
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::{Arc, Mutex};

    struct Buffer(Arc<Mutex<Vec<u8>>>);

    impl Write for Buffer {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn lines_go_to_the_writer_it_was_given() {
        let buffer = Arc::new(Mutex::new(Vec::new()));
        let log = SharedWriter::new(Buffer(buffer.clone()));
        let trace = Trace::new("aws_sdk_emr", log.clone());
        trace.line(format_args!("aws → {}:ListClusters", trace.service));
        let mut other = log;
        writeln!(other, "a message").unwrap();
        let text = String::from_utf8(buffer.lock().unwrap().clone()).unwrap();
        assert_eq!(text, "aws → emr:ListClusters\na message\n");
    }
}
