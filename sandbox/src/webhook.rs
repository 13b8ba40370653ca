//! Signed webhook notifications, as Prove delivers them: a JSON body, `X-Prove-Authorization:
//! Bearer <JWT>` (HS256 over the shared secret, with a SHA-256 of the exact body in the claims)
//! and `X-Correlation-ID`.
use std::time::Duration;

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use hmac::{Hmac, Mac};
use hyper::body::Bytes;
use hyper::header::{CONTENT_TYPE, HOST};
use hyper_util::rt::TokioIo;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::clock::rfc3339;
use crate::fields::{FieldError, Fields};
use crate::http::Body;

/// The `iss` claim of every webhook token.
pub const ISSUER: &str = "Prove Identity";
/// Default token lifetime (`exp - iat`), in seconds.
pub const DEFAULT_EXPIRES_IN: u64 = 300;
/// Largest `expiresIn` a control request may ask for: 100 years, in seconds.
pub const MAX_EXPIRES_IN: u64 = 100 * 365 * 86_400;
/// Largest `iat` a control request may give: 9999-12-31T23:59:59Z.
pub const MAX_IAT: u64 = 253_402_300_799;
/// How long a delivery may take.
const DELIVERY_TIMEOUT: Duration = Duration::from_secs(10);

/// Sign a webhook body: an HS256 JWT with claims `iss`, `iat`, `exp`, `jti` and `body_sha256`
/// (lowercase hex SHA-256 of `body`), keyed with the UTF-8 bytes of `secret`.
pub fn sign(secret: &str, body: &[u8], iat: u64, exp: u64, jti: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
    let claims = json!({
        "iss": ISSUER,
        "iat": iat,
        "exp": exp,
        "jti": jti,
        "body_sha256": hex(&Sha256::digest(body)),
    });
    let claims = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{header}.{claims}");
    // HMAC accepts keys of any length.
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(secret.as_bytes()).expect("HMAC takes any key length");
    mac.update(signing_input.as_bytes());
    let sig = URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes());
    format!("{signing_input}.{sig}")
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Human-readable text for an event type.
fn describe(event_type: &str) -> &'static str {
    match event_type {
        "PHONE_NUMBER_CHANGE" => "Phone number changed",
        "DISCONNECT" => "Phone number disconnected",
        "PORT" => "Phone number ported to another carrier",
        "LINE_TYPE_CHANGE" => "Line type changed",
        "MOVED_OUT_OF_COVERAGE" => "Moved out of coverage",
        _ => "Identity event",
    }
}

/// A parsed `/sandbox/webhook/sign` or `/sandbox/webhook/deliver` request.
pub(crate) struct Request {
    pub url: Option<String>,
    secret: String,
    /// The exact body, when the caller gave `payload`.
    payload: Option<String>,
    notifications: Option<Value>,
    event_type: String,
    expires_in: u64,
    iat: Option<u64>,
    client_customer_id: Option<String>,
    identity_id: Option<String>,
}

/// A signed notification, ready to send.
pub(crate) struct Signed {
    pub token: String,
    pub body: String,
    pub correlation_id: String,
}

impl Signed {
    /// `{"authorization": "Bearer …", "token", "body", "correlationId", "headers": {…}}`.
    pub fn to_json(&self) -> Value {
        json!({
            "authorization": format!("Bearer {}", self.token),
            "token": self.token,
            "body": self.body,
            "correlationId": self.correlation_id,
            "headers": {
                "Content-Type": "application/json",
                "X-Prove-Authorization": format!("Bearer {}", self.token),
                "X-Correlation-ID": self.correlation_id,
            },
        })
    }
}

impl Request {
    /// Parse `{secret, payload? | notifications?, eventType?, expiresIn?, iat?, clientCustomerId?,
    /// identityId?, url (deliver only)}`. A missing `secret` (or `url`) is code 1001; a value of the
    /// wrong type or out of range (`expiresIn` 0 to [`MAX_EXPIRES_IN`], `iat` 0 to [`MAX_IAT`],
    /// whole seconds) is code 8001 naming the field.
    pub(crate) fn from_json(v: &Value, need_url: bool) -> Result<Request, FieldError> {
        let f = Fields::of(v)?;
        let secret = f.req_str("secret")?.to_owned();
        let url = f.opt_str("url")?.map(str::to_owned);
        if need_url && url.as_deref().is_none_or(str::is_empty) {
            return Err(FieldError::missing("url"));
        }
        let payload = match f.get("payload") {
            None => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(other) => Some(other.to_string()),
        };
        let notifications = match f.get("notifications") {
            None => None,
            Some(n @ Value::Array(_)) => Some(n.clone()),
            Some(_) => return Err(FieldError::invalid("field 'notifications' must be an array")),
        };
        Ok(Request {
            url,
            secret,
            payload,
            notifications,
            event_type: f.opt_str("eventType")?.unwrap_or("PHONE_NUMBER_CHANGE").to_owned(),
            expires_in: f.opt_whole("expiresIn", MAX_EXPIRES_IN)?.unwrap_or(DEFAULT_EXPIRES_IN),
            iat: f.opt_whole("iat", MAX_IAT)?,
            client_customer_id: f.opt_str("clientCustomerId")?.map(str::to_owned),
            identity_id: f.opt_str("identityId")?.map(str::to_owned),
        })
    }

    /// Build the body and sign it at `now_ms` (the sandbox clock) unless `iat` was given.
    pub fn sign(&self, now_ms: u64) -> Signed {
        let body = match (&self.payload, &self.notifications) {
            (Some(p), _) => p.clone(),
            (None, Some(n)) => json!({ "notifications": n }).to_string(),
            (None, None) => json!({
                "notifications": [{
                    "eventId": uuid::Uuid::new_v4().to_string(),
                    "event": describe(&self.event_type),
                    "eventType": self.event_type,
                    "eventTimestamp": rfc3339(now_ms),
                    "clientCustomerId": self.client_customer_id.clone().unwrap_or_else(|| "sandbox-customer".to_owned()),
                    "identityId": self.identity_id.clone().unwrap_or_else(|| uuid::Uuid::new_v4().to_string()),
                }]
            })
            .to_string(),
        };
        let iat = self.iat.unwrap_or(now_ms / 1000);
        let token = sign(
            &self.secret,
            body.as_bytes(),
            iat,
            iat.saturating_add(self.expires_in),
            &uuid::Uuid::new_v4().to_string(),
        );
        Signed { token, body, correlation_id: uuid::Uuid::new_v4().to_string() }
    }
}

/// POST a signed notification to a plain-http `url`; returns the receiver's status.
pub(crate) async fn deliver(url: &str, signed: &Signed) -> Result<u16, String> {
    tokio::time::timeout(DELIVERY_TIMEOUT, deliver_inner(url, signed)).await.map_err(|_| "timed out".to_owned())?
}

async fn deliver_inner(url: &str, signed: &Signed) -> Result<u16, String> {
    let uri: hyper::Uri = url.parse().map_err(|_| "invalid url".to_owned())?;
    if uri.scheme_str() != Some("http") {
        return Err("only http:// urls are supported".into());
    }
    let authority = uri.authority().ok_or("url has no host")?.clone();
    let host = authority.host().trim_start_matches('[').trim_end_matches(']').to_owned();
    let port = authority.port_u16().unwrap_or(80);
    let stream = tokio::net::TcpStream::connect((host.as_str(), port)).await.map_err(|e| format!("connect: {e}"))?;
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(TokioIo::new(stream)).await.map_err(|e| format!("handshake: {e}"))?;
    tokio::spawn(conn);
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let req = hyper::Request::post(path)
        .header(HOST, authority.as_str())
        .header(CONTENT_TYPE, "application/json")
        .header("x-prove-authorization", format!("Bearer {}", signed.token))
        .header("x-correlation-id", &signed.correlation_id)
        .body(Body::Full(Some(Bytes::from(signed.body.clone()))))
        .map_err(|e| format!("request: {e}"))?;
    let res = sender.send_request(req).await.map_err(|e| format!("send: {e}"))?;
    Ok(res.status().as_u16())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_hs256() {
        let t = sign("s3cret", b"{}", 1_700_000_000, 1_700_000_300, "jti-1");
        let parts: Vec<&str> = t.split('.').collect();
        assert_eq!(parts.len(), 3);
        let claims: Value = serde_json::from_slice(&URL_SAFE_NO_PAD.decode(parts[1]).expect("b64")).expect("json");
        assert_eq!(claims["iss"], ISSUER);
        assert_eq!(claims["exp"], 1_700_000_300);
        assert_eq!(claims["body_sha256"], "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(b"s3cret").expect("key");
        mac.update(format!("{}.{}", parts[0], parts[1]).as_bytes());
        let sig = URL_SAFE_NO_PAD.decode(parts[2]).expect("b64");
        assert!(mac.verify_slice(&sig).is_ok());
    }
}
