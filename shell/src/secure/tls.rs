//! TLS 1.3 only, with an ephemeral self-signed certificate per session.
//!
//! The certificate proves nothing by itself (nobody can know it in advance); the peer is
//! authenticated by the code proof in `pake`, which is bound to this TLS channel through the
//! exporter. That is why the viewer's verifier accepts any certificate — and why it lives
//! under a `dangerous` name: on its own it would be no authentication at all.

use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer, ServerName};
use rustls::{ClientConfig, ServerConfig};

use super::AuthError;

/// The name in the ephemeral certificate and in the viewer's SNI; it names no real host.
pub(crate) const SERVER_NAME: &str = "meekijk.invalid";

/// ALPN protocol id: the only protocol either side speaks.
const ALPN: &[u8] = b"meekijk/1";

/// Label for the TLS exporter secret that binds the code proof to this channel (RFC 8446 §7.5).
pub(crate) const EXPORTER_LABEL: &[u8] = b"EXPORTER-meekijk-pake-v1";

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A server configuration with a fresh certificate and key, TLS 1.3 only.
///
/// # Errors
/// [`AuthError::Certificate`] if the key or certificate cannot be made, [`AuthError::Tls`] if
/// rustls rejects the configuration.
pub(crate) fn server_config() -> Result<Arc<ServerConfig>, AuthError> {
    let certified = rcgen::generate_simple_self_signed(vec![SERVER_NAME.to_string()])
        .map_err(|e| AuthError::Certificate(e.to_string()))?;
    let cert: CertificateDer<'static> = certified.cert.der().clone();
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(
        certified.signing_key.serialize_der(),
    ));
    let mut config = ServerConfig::builder_with_provider(provider())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .with_no_client_auth()
        .with_single_cert(vec![cert], key)?;
    config.alpn_protocols = vec![ALPN.to_vec()];
    // No resumption: every connection is a full handshake with fresh keys (one-shot sessions).
    config.session_storage = Arc::new(rustls::server::NoServerSessionStorage {});
    config.send_tls13_tickets = 0;
    Ok(Arc::new(config))
}

/// A client configuration for the viewer, TLS 1.3 only, that accepts any server certificate.
///
/// # Errors
/// [`AuthError::Tls`] if rustls rejects the configuration.
pub(crate) fn client_config() -> Result<Arc<ClientConfig>, AuthError> {
    let provider = provider();
    let mut config = ClientConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(dangerous::AnyServerCertificate { provider }))
        .with_no_client_auth();
    config.alpn_protocols = vec![ALPN.to_vec()];
    config.resumption = rustls::client::Resumption::disabled();
    Ok(Arc::new(config))
}

/// The server name the viewer sends.
pub(crate) fn server_name() -> ServerName<'static> {
    ServerName::DnsName(
        rustls::pki_types::DnsName::try_from_str(SERVER_NAME).unwrap_or_else(
            // SERVER_NAME is a constant valid DNS name; this branch exists only to avoid a panic.
            |_| unreachable!("{SERVER_NAME} is a DNS name"),
        ),
    )
}

/// 32 bytes of the connection's TLS exporter under [`EXPORTER_LABEL`]: the same on both ends of
/// one TLS channel, different on every other channel.
///
/// # Errors
/// [`AuthError::Tls`] before the handshake has completed.
pub(crate) fn exporter<Data>(conn: &rustls::ConnectionCommon<Data>) -> Result<[u8; 32], AuthError> {
    Ok(conn.export_keying_material([0u8; 32], EXPORTER_LABEL, None)?)
}

/// Certificate handling that is only safe together with the channel-bound code proof.
pub(crate) mod dangerous {
    use std::sync::Arc;

    use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
    use rustls::crypto::CryptoProvider;
    use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
    use rustls::{DigitallySignedStruct, Error, SignatureScheme};

    /// Accepts any certificate, but still checks the TLS 1.3 handshake signature, so the server
    /// holds the certificate's key. Authentication happens afterwards: the code proof covers the
    /// TLS exporter secret, which a man in the middle cannot make equal on both of his legs.
    #[derive(Debug)]
    pub(crate) struct AnyServerCertificate {
        pub(crate) provider: Arc<CryptoProvider>,
    }

    impl ServerCertVerifier for AnyServerCertificate {
        fn verify_server_cert(
            &self,
            _end_entity: &CertificateDer<'_>,
            _intermediates: &[CertificateDer<'_>],
            _server_name: &ServerName<'_>,
            _ocsp_response: &[u8],
            _now: UnixTime,
        ) -> Result<ServerCertVerified, Error> {
            Ok(ServerCertVerified::assertion())
        }

        fn verify_tls12_signature(
            &self,
            _message: &[u8],
            _cert: &CertificateDer<'_>,
            _dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            // Unreachable with a TLS 1.3-only configuration; refuse rather than trust.
            Err(Error::PeerIncompatible(
                rustls::PeerIncompatible::Tls12NotOffered,
            ))
        }

        fn verify_tls13_signature(
            &self,
            message: &[u8],
            cert: &CertificateDer<'_>,
            dss: &DigitallySignedStruct,
        ) -> Result<HandshakeSignatureValid, Error> {
            rustls::crypto::verify_tls13_signature(
                message,
                cert,
                dss,
                &self.provider.signature_verification_algorithms,
            )
        }

        fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
            self.provider
                .signature_verification_algorithms
                .supported_schemes()
        }
    }
}
