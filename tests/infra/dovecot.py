"""A private Dovecot IMAP server for one test session: own config, port, state and mail folders.

Dovecot (Debian ``dovecot-imapd``) runs in the foreground from a config written here, with a
``passwd-file`` of its own holding a pool of accounts written before the server starts (Dovecot
re-reads a changed file only when it notices the change, which a test cannot rely on); each
test takes an unused one. Mail is stored as Maildir under the session's tmp folder, owned by the ``dovecot``
system user that the accounts map to (Dovecot refuses root as a mail user). Only loopback, no
TLS, plaintext login allowed -- as ezd's ``--security none`` allows only to 127.0.0.1.
"""

from __future__ import annotations

import os
import pwd
import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tests.infra.procs import ServiceProcess, ServiceStartError, free_ports, port_open, start_with_retry

CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = ezd-test-{port}
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:~/Maildir
default_login_user = dovenull
default_internal_user = dovecot
first_valid_uid = 1
passdb {{
  driver = passwd-file
  args = scheme=PLAIN {root}/passwd
}}
userdb {{
  driver = passwd-file
  args = {root}/passwd
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
  chroot =
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-reader {{
    mode = 0666
  }}
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""


POOL = 32


def dovecot_binary() -> str | None:
    return shutil.which("dovecot") or ("/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None)


@dataclass(frozen=True)
class ImapAccount:
    host: str
    port: int
    user: str
    password: str


@dataclass
class DovecotServer:
    root: Path
    port: int
    process: ServiceProcess
    pool: list[ImapAccount]

    def add_account(self) -> ImapAccount:
        """A fresh mailbox of the pool (random name and password), never given out twice."""
        if not self.pool:
            raise RuntimeError(f"all {POOL} IMAP test accounts are taken; raise POOL")
        return self.pool.pop()

    def stop(self, *, remove: bool = True) -> None:
        self.process.stop(timeout=30)
        if remove:
            shutil.rmtree(self.root, ignore_errors=True)

    def restart(self) -> None:
        """Stop the server and start it again on the same port (the mail stays)."""
        self.stop(remove=False)
        (self.root / "run" / "master.pid").unlink(missing_ok=True)
        self.process = _launch(self.root, self.port)


def _launch(root: Path, port: int) -> ServiceProcess:
    binary = dovecot_binary()
    if binary is None:
        raise ServiceStartError("dovecot is not installed (Debian package dovecot-imapd)")
    conf = root / "dovecot.conf"
    conf.write_text(CONFIG.format(root=root, port=port), encoding="utf-8")
    proc = ServiceProcess("dovecot", [binary, "-F", "-c", str(conf)], root / "stdout.log")
    proc.wait_ready(lambda: port_open(port), timeout=60)
    return proc


def start_dovecot() -> DovecotServer:
    """Start the server in a folder of its own under /tmp: pytest's tmp folders are private to
    root (0700), and Dovecot's mail processes run as the ``dovecot`` user."""
    root = Path(tempfile.mkdtemp(prefix="ezd-dovecot-"))
    for sub in ("run", "state", "mail"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    mail_user = pwd.getpwnam("dovecot")
    accounts: list[tuple[str, str]] = []
    lines = []
    for _ in range(POOL):
        user, password = "u" + secrets.token_hex(6), secrets.token_urlsafe(16)
        home = root / "mail" / user
        home.mkdir(parents=True)
        os.chown(home, mail_user.pw_uid, mail_user.pw_gid)
        lines.append(f"{user}:{{PLAIN}}{password}:{mail_user.pw_uid}:{mail_user.pw_gid}::{home}\n")
        accounts.append((user, password))
    (root / "passwd").write_text("".join(lines), encoding="utf-8")
    # the mail folders are entered as the dovecot user
    os.chmod(root, 0o755)
    os.chmod(root / "mail", 0o755)

    def start() -> DovecotServer:
        (port,) = free_ports(1)
        pool = [ImapAccount("127.0.0.1", port, u, p) for u, p in accounts]
        return DovecotServer(root, port, _launch(root, port), pool)

    return start_with_retry(start, "dovecot")
