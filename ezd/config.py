"""Settings from the environment (prefix ``EZD_``).

Every setting has an embedded default: with nothing set, ezd runs on SQLite, a local object
store and the in-process SpiffWorkflow engine under ``EZD_HOME``.  Setting the URL settings
switches a component to its distributed counterpart.
"""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

# The BPMN definitions ship inside the package (ezd/bpmn; in a checkout a link to ../bpmn).
PACKAGE_BPMN = Path(__file__).resolve().parent / "bpmn"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EZD_", env_file=None, extra="ignore")

    home: Path = Field(
        default=Path("./.ezd"), description="Folder of the embedded default: database, objects, keys"
    )
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; default sqlite:///$EZD_HOME/ezd.sqlite3"
    )
    sqlite_synchronous: Literal["OFF", "NORMAL", "FULL"] = Field(
        default="FULL", description="SQLite durability; FULL survives power loss after commit"
    )
    bpmn_dir: Path = Field(default=PACKAGE_BPMN, description="Folder with the BPMN process definitions")

    engine_cache_size: int = Field(
        default=256,
        ge=0,
        description="Embedded engine: recently used process instances kept deserialized in memory (0 = none)",
    )
    engine_url: str | None = Field(
        default=None, description="Operaton REST URL (…/engine-rest); unset = embedded"
    )
    engine_user: str = "ezd"
    engine_password: SecretStr = SecretStr("ezd-dev")
    engine_tenant: str | None = Field(
        default=None,
        description="Operaton tenant id of this installation; keeps installations sharing one engine apart",
    )
    case_reminder_after: str | None = Field(
        default=None,
        description="ISO 8601 duration after which the deadline reminder of a new case fires; default P23D",
    )

    broker_url: str | None = Field(
        default=None, description="RabbitMQ AMQP URL for Celery; unset = run tasks in-process"
    )
    celery_queue_prefix: str = Field(
        default="ezd", description="Prefix of the Celery queue names (<prefix>.heavy, .periodic, .dead)"
    )

    s3_endpoint: str | None = Field(default=None, description="S3 host:port; unset = local object store")
    s3_access_key: SecretStr | None = None
    s3_secret_key: SecretStr | None = None
    s3_secure: bool = False
    s3_bucket_prefix: str = "ezd"
    s3_read_cache_mb: int = Field(
        default=32,
        ge=0,
        description="Memory per process for objects recently read from or written to S3 "
        "(storage.cache: fixity checks always re-read the store); 0 = off",
    )
    object_fsync: bool = Field(default=True, description="fsync each object written to the local store")

    max_upload_bytes: int = Field(default=20 * 1024 * 1024, description="Largest accepted incoming file")
    signing_key: Path | None = Field(
        default=None, description="PKCS#12 file with the office e-seal; default $EZD_HOME/keys"
    )
    signing_password: SecretStr = SecretStr("")
    signing_pkcs11_lib: Path | None = Field(default=None, description="PKCS#11 module; set = key in a token")
    signing_pkcs11_token: str = Field(default="", description="PKCS#11 token label holding the e-seal key")
    signing_pkcs11_pin: SecretStr = Field(default=SecretStr(""), description="PKCS#11 user PIN")
    signing_pkcs11_key_label: str = Field(default="eseal", description="CKA_LABEL of the e-seal private key")
    trust_dir: Path | None = Field(default=None, description="Folder of trusted CA certificates (PEM)")

    # dispatch adapters (ezd/channels/factory.py); unset = the local outbox folder for that channel
    epuap_url: str | None = Field(default=None, description="ePUAP skrytka SOAP endpoint; unset = outbox")
    epuap_podmiot: str | None = Field(default=None, description="our ePUAP subject identifier")
    epuap_reply_box: str | None = Field(default=None, description="our ePUAP reply box (/urzad/skrytka)")
    epuap_cert_p12: Path | None = Field(default=None, description="PKCS#12 cert. signing ePUAP requests")
    epuap_cert_password: SecretStr = SecretStr("")
    edoreczenia_url: str | None = Field(default=None, description="e-Doręczenia REST base URL; unset=outbox")
    edoreczenia_token_url: str | None = None
    edoreczenia_client_id: str | None = None
    edoreczenia_client_secret: SecretStr | None = None
    edoreczenia_sender: str | None = Field(default=None, description="our ADE address AE:PL-…")
    post_dir: Path | None = Field(default=None, description="folder for envelopes + książka nadawcza")

    # notifications by e-mail (ezd/mailer.py); unset host = in-app inbox only
    smtp_host: str | None = Field(default=None, description="SMTP server for notification e-mails")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_user: str | None = None
    smtp_password: SecretStr = SecretStr("")
    smtp_from: str = Field(default="ezd@localhost", description="From address of notification e-mails")
    smtp_starttls: bool = Field(default=False, description="STARTTLS before authenticating")
    smtp_digest: bool = Field(
        default=False, description="one daily digest per person instead of an e-mail per notification"
    )

    secret_key: SecretStr | None = Field(
        default=None, description="Web session secret; default generated in $EZD_HOME"
    )
    system_admins: str = Field(
        default="",
        description="Comma-separated logins of system administrators: on the web they create offices "
        "and their first administrators (the command line's operator always may)",
    )
    oidc_issuer: str | None = Field(
        default=None, description="OpenID Connect issuer URL; unset = local accounts only"
    )
    oidc_client_id: str | None = None
    oidc_client_secret: SecretStr = SecretStr("")
    oidc_login_claim: str = Field(
        default="preferred_username", description="ID-token claim naming the local login"
    )

    @cached_property
    def resolved_home(self) -> Path:
        return self.home.expanduser().resolve()

    @property
    def system_admin_logins(self) -> frozenset[str]:
        return frozenset(x.strip() for x in self.system_admins.split(",") if x.strip())

    @property
    def db_url(self) -> str:
        return self.database_url or f"sqlite:///{self.resolved_home / 'ezd.sqlite3'}"

    @property
    def objects_dir(self) -> Path:
        return self.resolved_home / "objects"

    @property
    def keys_dir(self) -> Path:
        return self.resolved_home / "keys"

    @property
    def is_embedded(self) -> bool:
        return self.engine_url is None
