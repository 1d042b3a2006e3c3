"""Key pair cryptography: fingerprints of imported keys and new key pairs.

Follows upstream's formats: an SSH key's fingerprint is the MD5 digest of
its base64-decoded key blob and an X.509 certificate's the SHA-1 digest of
its DER form, both as colon-separated lower-case hex pairs. Generated SSH
keys are 2048-bit RSA (upstream before 2.92), the private key in
traditional OpenSSL PEM form, the public key in OpenSSH form with the
comment "Generated-by-Nova".
"""

import base64
import binascii
import datetime
import hashlib

from cryptography import exceptions as cryptography_exc
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID, ObjectIdentifier

from nova import exception

RSA_BITS = 2048
#: Comment appended to generated public keys, as upstream.
GENERATED_COMMENT = "Generated-by-Nova"
#: Microsoft's User Principal Name, the otherName WinRM certificates carry.
_UPN_OID = ObjectIdentifier("1.3.6.1.4.1.311.20.2.3")
#: Lifetime of a generated certificate (upstream: ten years).
CERT_DAYS = 3650


def _colon_hex(digest):
    text = binascii.hexlify(digest).decode()
    return ":".join(text[i:i + 2] for i in range(0, len(text), 2))


def ssh_fingerprint(public_key):
    """Return the MD5 fingerprint ("aa:bb:...") of an OpenSSH public key line.

    :param public_key: str such as "ssh-rsa AAAA... comment".
    :raises nova.exception.InvalidKeypair: not a key OpenSSH would load.
    """
    try:
        serialization.load_ssh_public_key(public_key.strip().encode())
        blob = base64.b64decode(public_key.split()[1])
    except (ValueError, IndexError, TypeError, binascii.Error,
            cryptography_exc.UnsupportedAlgorithm) as exc:
        raise exception.InvalidKeypair(reason="failed to generate fingerprint") from exc
    return _colon_hex(hashlib.md5(blob, usedforsecurity=False).digest())


def x509_fingerprint(certificate):
    """Return the SHA-1 fingerprint of a PEM X.509 certificate.

    :raises nova.exception.InvalidKeypair: not a PEM certificate.
    """
    try:
        cert = x509.load_pem_x509_certificate(certificate.encode())
    except (ValueError, TypeError) as exc:
        raise exception.InvalidKeypair(reason="failed to generate X509 fingerprint") from exc
    return _colon_hex(cert.fingerprint(hashes.SHA1()))  # noqa: S303 (upstream's format)


def _new_rsa_key():
    return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)


def _private_pem(key):
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL,
        serialization.NoEncryption()).decode()


def generate_ssh_key_pair():
    """Return (private_key PEM, public_key OpenSSH line, fingerprint) of a new RSA key."""
    key = _new_rsa_key()
    public = key.public_key().public_bytes(
        serialization.Encoding.OpenSSH, serialization.PublicFormat.OpenSSH).decode()
    public = f"{public} {GENERATED_COMMENT}"
    return _private_pem(key), public, ssh_fingerprint(public)


def _der_utf8_string(text):
    data = text.encode()
    if len(data) < 0x80:
        length = bytes([len(data)])
    else:
        size = (len(data).bit_length() + 7) // 8
        length = bytes([0x80 | size]) + len(data).to_bytes(size, "big")
    return b"\x0c" + length + data


def generate_x509_key_pair(user_id):
    """Return (private_key PEM, certificate PEM, fingerprint) for WinRM logins.

    Like upstream's: a self-signed client-authentication certificate for
    CN=<user_id> whose subjectAltName carries the UPN <user_id>@localhost,
    valid for CERT_DAYS days.
    """
    key = _new_rsa_key()
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, user_id)])
    now = datetime.datetime.now(datetime.UTC)
    upn = x509.OtherName(_UPN_OID, _der_utf8_string(f"{user_id}@localhost"))
    cert = (x509.CertificateBuilder()
            .subject_name(name).issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now)
            .not_valid_after(now + datetime.timedelta(days=CERT_DAYS))
            .add_extension(x509.SubjectAlternativeName([upn]), critical=False)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.CLIENT_AUTH]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    return _private_pem(key), pem, x509_fingerprint(pem)
