//! A bare-bones viewer for hostile tests: real TCP, real TLS 1.3 (rustls), and an independent
//! implementation of the code proof written from its description in `src/secure/pake.rs`, so
//! a test can authenticate properly and then misbehave on purpose.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::Duration;

use hmac::{Hmac, Mac};
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConnection, DigitallySignedStruct, SignatureScheme, StreamOwned};
use sha2::{Digest, Sha256};
use spake2::{Ed25519Group, Identity, Password, Spake2};

/// A TLS connection to the host.
pub type Tls = StreamOwned<ClientConnection, TcpStream>;

#[derive(Debug)]
struct AnyCertificate(Arc<CryptoProvider>);

impl ServerCertVerifier for AnyCertificate {
    fn verify_server_cert(
        &self,
        _: &CertificateDer<'_>,
        _: &[CertificateDer<'_>],
        _: &ServerName<'_>,
        _: &[u8],
        _: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        _: &[u8],
        _: &CertificateDer<'_>,
        _: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        Err(rustls::Error::General("TLS 1.2 is not expected".into()))
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// Opens TCP and TLS 1.3 to `addr`.
pub fn connect(addr: &str) -> Tls {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap()
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(AnyCertificate(provider)))
        .with_no_client_auth();
    let name = ServerName::try_from("meekijk.invalid").unwrap();
    let conn = ClientConnection::new(Arc::new(config), name).unwrap();
    let tcp = TcpStream::connect(addr).unwrap();
    tcp.set_read_timeout(Some(super::PATIENCE)).unwrap();
    let mut tls = StreamOwned::new(conn, tcp);
    while tls.conn.is_handshaking() {
        tls.conn.complete_io(&mut tls.sock).unwrap();
    }
    tls
}

fn confirmation(key: &[u8], role: &[u8], transcript: &[u8]) -> Hmac<Sha256> {
    let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
    mac.update(role);
    mac.update(transcript);
    mac
}

/// Runs the viewer's side of the code proof. `Ok(())` when both sides proved the code;
/// `Err(verdict)` with the host's verdict byte otherwise (1 busy, 2 ended, 3 wrong code).
pub fn prove(tls: &mut Tls, code: &str, name: &str) -> Result<(), u8> {
    let digits: String = code.chars().filter(char::is_ascii_digit).collect();
    let exporter = tls
        .conn
        .export_keying_material([0u8; 32], b"EXPORTER-meekijk-pake-v1", None)
        .unwrap();
    let (spake, viewer_msg) = Spake2::<Ed25519Group>::start_a(
        &Password::new(digits.as_bytes()),
        &Identity::new(b"meekijk-viewer"),
        &Identity::new(b"meekijk-host"),
    );
    let mut hello = b"MKJ1".to_vec();
    hello.push(name.len() as u8);
    hello.extend_from_slice(name.as_bytes());
    hello.extend_from_slice(&viewer_msg);
    tls.write_all(&hello).unwrap();
    tls.flush().unwrap();
    let mut verdict = [0u8; 1];
    tls.read_exact(&mut verdict).unwrap();
    if verdict[0] != 0 {
        return Err(verdict[0]);
    }
    let mut host_msg = [0u8; 33];
    tls.read_exact(&mut host_msg).unwrap();
    let key = spake.finish(&host_msg).unwrap();
    let mut transcript = Sha256::new();
    transcript.update(b"meekijk-pake-v1");
    transcript.update(exporter);
    transcript.update([name.len() as u8]);
    transcript.update(name.as_bytes());
    transcript.update(&viewer_msg);
    transcript.update(host_msg);
    let transcript = transcript.finalize();
    let mac = confirmation(&key, b"meekijk viewer confirms", &transcript).finalize();
    tls.write_all(&mac.into_bytes()).unwrap();
    tls.flush().unwrap();
    tls.read_exact(&mut verdict).unwrap();
    if verdict[0] != 0 {
        return Err(verdict[0]);
    }
    let mut host_mac = [0u8; 32];
    tls.read_exact(&mut host_mac).unwrap();
    confirmation(&key, b"meekijk host confirms", &transcript)
        .verify_slice(&host_mac)
        .expect("the host proves the same code");
    Ok(())
}

/// Reads whatever arrives for `wait`, returning how many bytes came (0 after a close).
pub fn drain(tls: &mut Tls, wait: Duration) -> usize {
    tls.sock.set_read_timeout(Some(wait)).unwrap();
    let mut total = 0;
    let mut chunk = [0u8; 65536];
    while let Ok(n) = tls.read(&mut chunk) {
        if n == 0 {
            break;
        }
        total += n;
    }
    total
}
