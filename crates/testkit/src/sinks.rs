//! Real loopback servers standing in for the outside world: a small SMTP server that accepts
//! and keeps every message, and an HTTP server that keeps every request (an SMS gateway). Both
//! write into one shared log, which the HTTP server also lists at `GET /__sink/received` as
//! JSON, so a browser test in another process can read the codes sent.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One message or request a sink received.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Received {
    /// `smtp` or `http`.
    pub channel: &'static str,
    /// The SMTP recipient, or the HTTP request target (path and query).
    pub to: String,
    /// The message body (decoded) or the request's method and body.
    pub text: String,
}

impl Received {
    /// The first six-digit word in the target or text: the one-time code it carries. Digits
    /// that run on into letters (a hexadecimal serial number or id in a notice) are not one.
    pub fn code(&self) -> Option<String> {
        let all = format!(
            "{} {}",
            percent_decode(&self.to),
            percent_decode(&self.text)
        );
        all.split(|c: char| !c.is_ascii_alphanumeric())
            .find(|word| word.len() == 6 && word.bytes().all(|b| b.is_ascii_digit()))
            .map(str::to_owned)
    }
}

/// Decodes `%XX` (URLs, with `+` for a space) or `=XX` (quoted-printable) escapes.
fn unescape(s: &str, marker: u8) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = (b[i] == marker && i + 2 < b.len())
            .then(|| {
                s.get(i + 1..i + 3)
                    .and_then(|h| u8::from_str_radix(h, 16).ok())
            })
            .flatten();
        match (hex, b[i]) {
            (Some(v), _) => {
                out.push(v);
                i += 3;
                continue;
            }
            (None, b'+') if marker == b'%' => out.push(b' '),
            (None, c) => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn percent_decode(s: &str) -> String {
    unescape(s, b'%')
}

/// The log both sinks write to.
#[derive(Clone, Default)]
struct Log(Arc<Mutex<Vec<Received>>>);

impl Log {
    fn push(&self, r: Received) {
        self.0.lock().expect("sink log").push(r);
    }
    fn all(&self) -> Vec<Received> {
        self.0.lock().expect("sink log").clone()
    }
}

/// Waits until `pick` finds something in what arrived, for up to ten seconds.
async fn wait_for<T>(log: &Log, mut pick: impl FnMut(&[Received]) -> Option<T>) -> T {
    for _ in 0..200 {
        if let Some(found) = pick(&log.all()) {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!(
        "nothing matching arrived at the sink within 10 s; it holds {:?}",
        log.all()
    );
}

/// An SMTP server on loopback that accepts every message.
pub struct SmtpSink {
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    log: Log,
    stalled: Arc<Mutex<bool>>,
}

impl SmtpSink {
    /// Starts one on a free port.
    pub async fn start() -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind SMTP sink");
        let port = listener.local_addr().expect("address").port();
        let log = Log::default();
        let stalled = Arc::new(Mutex::new(false));
        let (l, s) = (log.clone(), stalled.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (l, s) = (l.clone(), s.clone());
                tokio::spawn(async move {
                    let _ = smtp_session(stream, l, s).await;
                });
            }
        });
        Self { port, log, stalled }
    }

    /// While stalled, the sink takes connections but never answers (a mail server that hangs),
    /// so a sender is caught between claiming a message and delivering it.
    pub fn set_stalled(&self, stalled: bool) {
        *self.stalled.lock().expect("flag") = stalled;
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.log.all()
    }

    /// Waits for a message to `recipient` and returns it.
    pub async fn wait_for(&self, recipient: &str) -> Received {
        wait_for(&self.log, |all| {
            all.iter().rev().find(|r| r.to == recipient).cloned()
        })
        .await
    }
}

async fn smtp_session(
    stream: TcpStream,
    log: Log,
    stalled: Arc<Mutex<bool>>,
) -> std::io::Result<()> {
    if *stalled.lock().expect("flag") {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        return Ok(());
    }
    let (read, mut write) = stream.into_split();
    let mut lines = BufReader::new(read);
    write.write_all(b"220 sink ESMTP\r\n").await?;
    let mut recipients = Vec::new();
    let mut line = String::new();
    loop {
        line.clear();
        if lines.read_line(&mut line).await? == 0 {
            return Ok(());
        }
        let command = line.trim_end().to_ascii_uppercase();
        if command.starts_with("EHLO") || command.starts_with("HELO") {
            write.write_all(b"250-sink\r\n250 8BITMIME\r\n").await?;
        } else if command.starts_with("MAIL FROM") {
            recipients.clear();
            write.write_all(b"250 OK\r\n").await?;
        } else if command.starts_with("RCPT TO") {
            let to = line.trim_end()[8..]
                .trim()
                .trim_start_matches('<')
                .trim_end_matches('>');
            recipients.push(to.to_owned());
            write.write_all(b"250 OK\r\n").await?;
        } else if command == "DATA" {
            write.write_all(b"354 go on\r\n").await?;
            let mut data = String::new();
            loop {
                line.clear();
                if lines.read_line(&mut line).await? == 0 {
                    return Ok(());
                }
                if line == ".\r\n" || line == ".\n" {
                    break;
                }
                data.push_str(
                    line.strip_prefix('.')
                        .filter(|_| line.starts_with(".."))
                        .unwrap_or(&line),
                );
            }
            for to in &recipients {
                log.push(Received {
                    channel: "smtp",
                    to: to.clone(),
                    text: decode_mail(&data),
                });
            }
            write.write_all(b"250 queued\r\n").await?;
        } else if command == "QUIT" {
            write.write_all(b"221 bye\r\n").await?;
            return Ok(());
        } else {
            write.write_all(b"250 OK\r\n").await?;
        }
    }
}

/// The message body as a person reads it: quoted-printable or Base64 decoded well enough to
/// find a code in it.
fn decode_mail(data: &str) -> String {
    let (headers, body) = data.split_once("\r\n\r\n").unwrap_or((data, ""));
    let lower = headers.to_ascii_lowercase();
    if lower.contains("content-transfer-encoding: quoted-printable") {
        unescape(&body.replace("=\r\n", ""), b'=')
    } else if lower.contains("content-transfer-encoding: base64") {
        base64_decode(&body.replace(['\r', '\n'], ""))
    } else {
        body.to_owned()
    }
}

fn base64_decode(s: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes() {
        let Some(v) = ALPHABET.iter().position(|&a| a == c) else {
            continue;
        };
        acc = (acc << 6) | v as u32;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// An HTTP server on loopback that answers every request with 200 (or a chosen status) and keeps
/// it; it also lists what all sinks sharing its log received at `GET /__sink/received`.
pub struct HttpSink {
    /// The port it listens on (127.0.0.1).
    pub port: u16,
    log: Log,
    failures: Arc<Mutex<u32>>,
}

impl HttpSink {
    /// Starts one on a free port.
    pub async fn start() -> Self {
        Self::start_with(Log::default()).await
    }

    /// Starts one that shares the SMTP sink's log, so `/__sink/received` lists both.
    pub async fn start_beside(smtp: &SmtpSink) -> Self {
        Self::start_with(smtp.log.clone()).await
    }

    async fn start_with(log: Log) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind HTTP sink");
        let port = listener.local_addr().expect("address").port();
        let failures = Arc::new(Mutex::new(0));
        let (l, f) = (log.clone(), failures.clone());
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (l, f) = (l.clone(), f.clone());
                tokio::spawn(async move {
                    let _ = http_session(stream, l, f).await;
                });
            }
        });
        Self {
            port,
            log,
            failures,
        }
    }

    /// The next `n` requests are answered `503 Service Unavailable` (and still kept).
    pub fn fail_next(&self, n: u32) {
        *self.failures.lock().expect("counter") = n;
    }

    /// The base URL, `http://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Everything received so far.
    pub fn received(&self) -> Vec<Received> {
        self.log.all()
    }

    /// Waits for a request whose target or body contains `needle` and returns the newest.
    pub async fn wait_for(&self, needle: &str) -> Received {
        wait_for(&self.log, |all| {
            all.iter()
                .rev()
                .find(|r| {
                    r.channel == "http"
                        && (percent_decode(&r.to).contains(needle) || r.text.contains(needle))
                })
                .cloned()
        })
        .await
    }
}

async fn http_session(
    stream: TcpStream,
    log: Log,
    failures: Arc<Mutex<u32>>,
) -> std::io::Result<()> {
    let (read, mut write) = stream.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut request_line = String::new();
        if reader.read_line(&mut request_line).await? == 0 {
            return Ok(());
        }
        let mut parts = request_line.split_whitespace();
        let method = parts.next().unwrap_or_default().to_owned();
        let target = parts.next().unwrap_or_default().to_owned();
        let mut length = 0usize;
        loop {
            let mut header = String::new();
            reader.read_line(&mut header).await?;
            let header = header.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':')
                && name.eq_ignore_ascii_case("content-length")
            {
                length = value.trim().parse().unwrap_or(0);
            }
        }
        let mut body = vec![0u8; length];
        reader.read_exact(&mut body).await?;
        let (status, reply) = if method == "GET" && target == "/__sink/received" {
            ("200 OK", listing(&log.all()))
        } else {
            log.push(Received {
                channel: "http",
                to: target.clone(),
                text: format!("{method} {}", String::from_utf8_lossy(&body)),
            });
            let mut left = failures.lock().expect("counter");
            if *left > 0 {
                *left -= 1;
                ("503 Service Unavailable", "try later".to_owned())
            } else {
                ("200 OK", "OK".to_owned())
            }
        };
        let head = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            reply.len()
        );
        write.write_all(head.as_bytes()).await?;
        write.write_all(reply.as_bytes()).await?;
    }
}

/// `[{"channel": …, "to": …, "code": …}]`, for a test in another process.
fn listing(all: &[Received]) -> String {
    let escape = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let items: Vec<String> = all
        .iter()
        .map(|r| {
            format!(
                r#"{{"channel":"{}","to":"{}","code":"{}"}}"#,
                r.channel,
                escape(&percent_decode(&r.to)),
                r.code().unwrap_or_default()
            )
        })
        .collect();
    format!("[{}]", items.join(","))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_code() {
        let r = Received {
            channel: "http",
            to: "/send?to=%2B79990001122&text=Code%3A+123456".into(),
            text: String::new(),
        };
        assert_eq!(r.code().as_deref(), Some("123456"));
        let r = Received {
            channel: "smtp",
            to: "a@b".into(),
            text: "your code 654321, 5 minutes".into(),
        };
        assert_eq!(r.code().as_deref(), Some("654321"));
        let r = Received {
            channel: "smtp",
            to: "a@b".into(),
            text: "phone 79990001122".into(),
        };
        assert_eq!(r.code(), None);
        // A certificate's hexadecimal serial number holds digit runs that are not codes.
        let r = Received {
            channel: "http",
            to: "/send?text=serial+7f123456ab%2C+1234567+a654321".into(),
            text: "POST text=code%20246810.".into(),
        };
        assert_eq!(r.code().as_deref(), Some("246810"));
    }
}
