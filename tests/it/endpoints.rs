//! Which endpoint `cyi` talks to, and what it says when that is not what was meant.

use std::io::{Read, Write};
use std::net::TcpListener;

use crate::support::Sandbox;

#[test]
fn a_shadowed_aws_endpoint_variable_is_noted_once() {
    let sandbox = Sandbox::start();
    sandbox.write_config(&format!(
        "default_env = \"sandbox\"\n[env.sandbox]\nendpoint_url = \"{}\"\n",
        sandbox.endpoint()
    ));
    let out = sandbox
        .cyi()
        .env("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
        .arg("clusters")
        .assert()
        .success();
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).into_owned();
    let expected = format!(
        "note: AWS_ENDPOINT_URL is set but environment 'sandbox' sets endpoint_url; using {}",
        sandbox.endpoint()
    );
    assert_eq!(stderr.matches(&expected).count(), 1, "{stderr}");
    assert!(!sandbox.calls_of("ListClusters").is_empty());

    // The same variable with the same value shadows nothing.
    let out = sandbox.cyi().arg("clusters").assert().success();
    assert!(!String::from_utf8_lossy(&out.get_output().stderr).contains("note:"));
}

/// A web server that answers every request with one fixed page; bounded by the test.
fn page_server(status: &'static str, content_type: &'static str) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(50) {
            let Ok(mut stream) = stream else { continue };
            let mut request = Vec::new();
            let mut buf = [0u8; 4096];
            while let Ok(n) = stream.read(&mut buf) {
                if n == 0 {
                    break;
                }
                request.extend_from_slice(&buf[..n]);
                let text = String::from_utf8_lossy(&request);
                if let Some(head_end) = text.find("\r\n\r\n") {
                    let length = text[..head_end]
                        .lines()
                        .find_map(|l| {
                            let (name, value) = l.split_once(':')?;
                            name.eq_ignore_ascii_case("content-length")
                                .then(|| value.trim().parse::<usize>().ok())?
                        })
                        .unwrap_or(0);
                    if request.len() >= head_end + 4 + length {
                        break;
                    }
                }
            }
            let body = "<html><body><h1>Not here</h1></body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    port
}

#[test]
fn an_answer_that_is_not_from_aws_names_status_and_content_type() {
    let sandbox = Sandbox::start();
    for (status, code) in [("404 Not Found", "404"), ("200 OK", "200")] {
        let port = page_server(status, "text/html");
        let out = sandbox
            .cyi()
            .args(["clusters", "--endpoint-url"])
            .arg(format!("http://127.0.0.1:{port}"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{stderr}");
        assert!(
            stderr.contains(&format!("the endpoint answered HTTP {code} (text/html)")),
            "{stderr}"
        );
        assert!(
            stderr.contains("hint: the endpoint may not be an AWS API"),
            "{stderr}"
        );
        assert!(!stderr.contains("UnknownError"), "{stderr}");
    }
}
