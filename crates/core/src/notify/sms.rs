//! SMS through an HTTP gateway: a URL template with `{phone}` and `{text}` (percent-encoded
//! into it), sent as GET, or as POST with the same template for the body.

use super::{Outgoing, SendFuture, Sender};

/// An HTTP SMS gateway.
#[derive(Clone, Debug)]
pub struct SmsGateway {
    client: reqwest::Client,
    url: String,
    body: Option<String>,
}

impl SmsGateway {
    /// A gateway called with GET on `url` (e.g. `http://gw/send?to={phone}&text={text}`), or,
    /// when `body` is given, with POST of `body` (the same placeholders) as a form.
    pub fn new(url: &str, body: Option<&str>) -> Result<Self, String> {
        if !url.starts_with("http://") && !url.starts_with("https://") {
            return Err(format!(
                "SMS gateway URL {url:?}: it must start with http:// or https://"
            ));
        }
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(20))
            .build()
            .map_err(|e| format!("HTTP client: {e}"))?;
        Ok(Self {
            client,
            url: url.to_owned(),
            body: body.map(str::to_owned),
        })
    }
}

/// Percent-encodes everything but unreserved characters (RFC 3986).
fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn fill(template: &str, m: &Outgoing) -> String {
    template
        .replace("{phone}", &encode(&m.recipient))
        .replace("{text}", &encode(&m.body))
}

impl Sender for SmsGateway {
    fn name(&self) -> &'static str {
        "sms-http"
    }

    fn send<'a>(&'a self, m: &'a Outgoing) -> SendFuture<'a> {
        Box::pin(async move {
            let url = fill(&self.url, m);
            let request = match &self.body {
                None => self.client.get(url),
                Some(body) => self
                    .client
                    .post(url)
                    .header("content-type", "application/x-www-form-urlencoded")
                    .body(fill(body, m)),
            };
            let response = request
                .send()
                .await
                .map_err(|e| format!("SMS gateway: {}", e.without_url()))?;
            let status = response.status();
            if status.is_success() {
                Ok(())
            } else {
                Err(format!("SMS gateway answered {status}"))
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fills_the_template() {
        let m = Outgoing {
            recipient: "+79990001122".into(),
            subject: String::new(),
            body: "Код: 123456".into(),
        };
        assert_eq!(
            fill("http://gw/send?to={phone}&text={text}", &m),
            "http://gw/send?to=%2B79990001122&text=%D0%9A%D0%BE%D0%B4%3A%20123456"
        );
        assert!(SmsGateway::new("ftp://x", None).is_err());
    }
}
