"""Test certificates made with certtool (gnutls-bin), in the layouts
libvirt and QEMU read them from.

    pki = Pki(tmpdir)                       # a CA
    pki.server(root, "hostA")               # ROOT/pki/... for virtmigd --root
    pki.client(dir, "client1")              # DIR/{cacert,clientcert,clientkey}.pem
    pki.qemu(dir, "hostA")                  # DIR/ca-cert.pem, server-*.pem, client-*.pem
"""

import os
import shutil
import subprocess
import sys

CERTTOOL = shutil.which("certtool")
ORG = "virtmig tests"


def require_certtool():
    if not CERTTOOL:
        print("SKIP: certtool (gnutls-bin) is not installed")
        sys.exit(77)


def _run(*args):
    subprocess.run([CERTTOOL] + list(args), check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as f:
        f.write(text)
    os.chmod(path, mode)
    return path


class Pki:
    """A certificate authority in @workdir; its certificates sign the
    certificates made by the methods below."""

    def __init__(self, workdir, name="virtmig test CA"):
        self.dir = workdir
        os.makedirs(workdir, exist_ok=True)
        self.key = os.path.join(workdir, "cakey-%s.pem" % id(self))
        self.cert = os.path.join(workdir, "cacert-%s.pem" % id(self))
        tmpl = _write(os.path.join(workdir, "ca.info"),
                      'cn = "%s"\norganization = "%s"\nca\n'
                      'cert_signing_key\nexpiration_days = 30\n' % (name, ORG))
        _run("--generate-privkey", "--outfile", self.key)
        _run("--generate-self-signed", "--load-privkey", self.key,
             "--template", tmpl, "--outfile", self.cert)
        self.n = 0

    def issue(self, cn, server, keyfile, certfile, expired=False,
              ips=("127.0.0.1",)):
        """Makes a key (mode 0600) and a certificate for @cn."""
        self.n += 1
        lines = ['organization = "%s"' % ORG, 'cn = "%s"' % cn,
                 "signing_key", "encryption_key",
                 "tls_www_server" if server else "tls_www_client"]
        if server:
            lines += ['ip_address = "%s"' % ip for ip in ips]
            lines.append('dns_name = "localhost"')
        if expired:
            lines += ['activation_date = "2020-01-01 00:00:00 UTC"',
                      'expiration_date = "2020-02-01 00:00:00 UTC"']
        else:
            lines.append("expiration_days = 30")
        tmpl = _write(os.path.join(self.dir, "cert%d.info" % self.n),
                      "\n".join(lines) + "\n")
        os.makedirs(os.path.dirname(keyfile), exist_ok=True)
        os.makedirs(os.path.dirname(certfile), exist_ok=True)
        _run("--generate-privkey", "--outfile", keyfile)
        os.chmod(keyfile, 0o600)
        _run("--generate-certificate", "--load-privkey", keyfile,
             "--load-ca-certificate", self.cert,
             "--load-ca-privkey", self.key, "--template", tmpl,
             "--outfile", certfile)
        return certfile

    def server(self, root, cn, expired=False, ips=("127.0.0.1",)):
        """libvirt's server layout under ROOT/pki (virtmigd --root ROOT),
        plus the client side the daemon uses as a p2p source."""
        pki = os.path.join(root, "pki")
        shutil.copy(self.cert, _ensure(os.path.join(pki, "CA", "cacert.pem")))
        lib = os.path.join(pki, "libvirt")
        self.issue(cn, True, os.path.join(lib, "private", "serverkey.pem"),
                   os.path.join(lib, "servercert.pem"), expired, ips)
        self.issue(cn, False, os.path.join(lib, "private", "clientkey.pem"),
                   os.path.join(lib, "clientcert.pem"))
        return pki

    def client(self, directory, cn):
        """A ?pkipath= directory: cacert.pem, clientcert.pem, clientkey.pem."""
        shutil.copy(self.cert, _ensure(os.path.join(directory, "cacert.pem")))
        self.issue(cn, False, os.path.join(directory, "clientkey.pem"),
                   os.path.join(directory, "clientcert.pem"))
        return directory

    def qemu(self, directory, cn, ips=("127.0.0.1",)):
        """QEMU's tls-creds-x509 directory (migrate_tls_x509_cert_dir)."""
        shutil.copy(self.cert, _ensure(os.path.join(directory, "ca-cert.pem")))
        self.issue(cn, True, os.path.join(directory, "server-key.pem"),
                   os.path.join(directory, "server-cert.pem"), ips=ips)
        self.issue(cn, False, os.path.join(directory, "client-key.pem"),
                   os.path.join(directory, "client-cert.pem"))
        return directory


def _ensure(path):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    return path
