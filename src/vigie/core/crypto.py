"""Encryption at rest of identifying fields, with the keys kept outside the database.

What is used, and why
    Values are encrypted with AES-256-GCM (``cryptography``'s ``AESGCM``): a 256-bit key, a random
    96-bit nonce per value, and an authentication tag, so a value changed in the database fails to
    decrypt instead of decrypting to something else. Fernet was the other candidate; it was not
    chosen because it is AES-128 (CBC with an HMAC) and its tokens do not say which key made them,
    so ``MultiFernet`` has to try every key. Here each value names its key, which lets an error
    name the missing key and lets `vigie keys status` count what each key still protects.

    A stored value reads ``vgc1:<key id>:<base64 of nonce + ciphertext + tag>``; the header
    (``vgc1:<key id>``) is authenticated too. The column holds nothing else: no plaintext length
    beyond the ciphertext's own, no hint.

    Exact search on an encrypted name goes through a *blind index*: HMAC-SHA256, under a second key
    of its own, of the normalised value (case, accents and punctuation removed, by
    ``vigie.core.text.normalize_name``). Equal names give equal digests, so the index answers
    "who is called exactly this" and nothing else; without the key a digest cannot be tested
    against a guessed name. A search looks the name up under every index key of the keyring
    (``blind_digests``): one key, except during a key rotation, when records indexed under the old
    key and under the new one are both found.

Where the keys live
    In a keyring file, ``keyring.json``, in the directory ``VIGIE_KEYS_DIR`` (default
    ``VIGIE_HOME/keys``): the directory is created 0700 and the file 0600; a keyring readable by
    other users is refused. The keyring holds, for data and for the index, the current key (used to
    encrypt) and any older keys still needed to decrypt until a rotation has finished. In
    development and tests the keyring is created on first use; in production it must exist
    (`vigie keys init` creates it once; it is then backed up apart from the database).

Rotation
    ``rotate_keys()`` adds new keys, re-encrypts every encrypted field of every model (see
    ``protected_models()``) and recomputes every blind index, in one transaction, then removes the
    old keys from the keyring. `vigie keys rotate` runs it. Interrupted at any step, reading and
    searching keep working (the old keys stay in the keyring until the end), `vigie keys status`
    reports the unfinished rotation (``rotation_status``), and `vigie keys rotate` finishes it.

Models
    ``EncryptedTextField``, ``EncryptedJSONField`` and ``BlindIndexField`` are model fields. A
    change-logged model that has encrypted fields either mixes in ``EncryptedSnapshotMixin`` (its
    change log snapshots then carry ``"<encrypted ...>"`` markers that change when the value
    changes, never the value) or lists those fields in ``changelog_exclude``; anything else is
    refused when the model class is built.

Nothing here logs a value; messages name keys, models and fields only.
"""

from __future__ import annotations

import base64
import contextlib
import datetime
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django import forms
from django.core.exceptions import FieldError, ImproperlyConfigured
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, transaction
from django.db.models.signals import class_prepared

from .files import private_dir
from .text import normalize_name

logger = logging.getLogger(__name__)

FORMAT = "vgc1"
KEYRING_FILE = "keyring.json"
KEY_BYTES = 32  # AES-256 and HMAC-SHA256 keys
NONCE_BYTES = 12
DATA, INDEX = "data", "index"

# normalize_name keeps an in-memory cache; names of victims must not linger in it.
_normalize = getattr(normalize_name, "__wrapped__", normalize_name)


class KeyringError(RuntimeError):
    """The keyring is missing, unreadable, too widely readable or malformed."""


class DecryptionError(RuntimeError):
    """A stored value does not decrypt. The message names the key and the field, never the value."""

    def __init__(self, message: str, key_id: str | None = None, where: str = "") -> None:
        super().__init__(message)
        self.key_id = key_id
        self.where = where


# --------------------------------------------------------------------------------------------
# The keyring


@dataclass(frozen=True)
class KeySet:
    """The keys of one purpose (data or index): the current one and older ones kept to decrypt."""

    current: str
    keys: dict[str, bytes]
    created: dict[str, str]

    def retired(self) -> KeySet:
        return KeySet(
            self.current,
            {self.current: self.keys[self.current]},
            {self.current: self.created.get(self.current, "")},
        )

    def with_new_key(self) -> KeySet:
        key_id = _new_key_id(self.keys)
        return KeySet(
            key_id,
            {**self.keys, key_id: AESGCM.generate_key(bit_length=256)},
            {**self.created, key_id: _now()},
        )


@dataclass(frozen=True)
class Keyring:
    path: Path
    data: KeySet
    index: KeySet
    _ciphers: dict[str, AESGCM] = field(default_factory=dict, compare=False, repr=False)

    def cipher(self, key_id: str) -> AESGCM | None:
        cipher = self._ciphers.get(key_id)
        if cipher is None and key_id in self.data.keys:
            cipher = self._ciphers[key_id] = AESGCM(self.data.keys[key_id])
        return cipher

    def to_json(self) -> str:
        def keyset(keys: KeySet) -> dict:
            return {
                "current": keys.current,
                "keys": {
                    key_id: {
                        "key": base64.b64encode(key).decode(),
                        "created": keys.created.get(key_id, ""),
                    }
                    for key_id, key in keys.keys.items()
                },
            }

        return (
            json.dumps({"format": 1, DATA: keyset(self.data), INDEX: keyset(self.index)}, indent=2)
            + "\n"
        )


def _now() -> str:
    return datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")


def _new_key_id(existing) -> str:
    while True:
        key_id = secrets.token_hex(4)
        if key_id not in existing:
            return key_id


def keys_dir() -> Path:
    from django.conf import settings

    return Path(settings.VIGIE_KEYS_DIR)


def keyring_path() -> Path:
    return keys_dir() / KEYRING_FILE


def may_create_keyring() -> bool:
    """Development and tests create a keyring on first use; production must be given one."""
    from django.conf import settings

    explicit = getattr(settings, "VIGIE_KEYS_CREATE", None)
    if explicit is not None:
        return bool(explicit)
    return not str(getattr(settings, "SETTINGS_MODULE", "") or "").endswith("production")


_cache: dict[Path, tuple[tuple, Keyring]] = {}
_cache_lock = threading.Lock()


def _signature(path: Path) -> tuple:
    info = path.stat()
    return (info.st_ino, info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_mode)


def load_keyring(create: bool | None = None) -> Keyring:
    """The keyring in VIGIE_KEYS_DIR, re-read when the file changes (another process rotated it)."""
    path = keyring_path()
    try:
        signature = _signature(path)
    except FileNotFoundError:
        if not (may_create_keyring() if create is None else create):
            raise KeyringError(
                f"no keyring at {path}. In production the keys are created once with `vigie keys init` "
                "(then backed up apart from the database) or restored from their backup; set VIGIE_KEYS_DIR "
                "if they are kept elsewhere."
            ) from None
        create_keyring(exist_ok=True)
        signature = _signature(path)
    with _cache_lock:
        cached = _cache.get(path)
        if cached is not None and cached[0] == signature:
            return cached[1]
    keyring = _read_keyring(path)
    with _cache_lock:
        _cache[path] = (signature, keyring)
    return keyring


def _check_private(path: Path, mode_bits: int) -> None:
    if os.name == "nt":
        return
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise KeyringError(
            f"{path} can be read by other users (mode {mode:04o}); run: chmod {mode_bits:o} {path}"
        )


def _read_keyring(path: Path) -> Keyring:
    _check_private(path.parent, 0o700)
    _check_private(path, 0o600)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        sets = {}
        for purpose in (DATA, INDEX):
            part = document[purpose]
            keys = {
                key_id: base64.b64decode(entry["key"], validate=True)
                for key_id, entry in part["keys"].items()
            }
            created = {key_id: entry.get("created", "") for key_id, entry in part["keys"].items()}
            if part["current"] not in keys:
                raise ValueError(
                    f"the current {purpose} key {part['current']!r} is not among its keys"
                )
            if any(len(key) != KEY_BYTES or ":" in key_id for key_id, key in keys.items()):
                raise ValueError(f"a {purpose} key is not {KEY_BYTES} bytes or has a malformed id")
            sets[purpose] = KeySet(part["current"], keys, created)
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise KeyringError(f"the keyring {path} cannot be read: {error}") from None
    return Keyring(path, sets[DATA], sets[INDEX])


def _write_keyring(keyring: Keyring, exclusive: bool = False) -> None:
    """Write the keyring atomically (temporary file, fsync, rename); ``exclusive`` fails if one exists."""
    directory = private_dir(keyring.path.parent)
    if os.name != "nt":
        os.chmod(directory, 0o700)
    temporary = directory / f".{KEYRING_FILE}.{secrets.token_hex(6)}.tmp"
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(keyring.to_json())
            handle.flush()
            os.fsync(handle.fileno())
        if exclusive:
            os.link(temporary, keyring.path)  # fails if another process created it first
            temporary.unlink()
        else:
            os.replace(temporary, keyring.path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temporary.unlink()
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    with _cache_lock:
        _cache.pop(keyring.path, None)


def create_keyring(exist_ok: bool = False) -> Keyring:
    """Create a keyring with one data key and one index key; refuse to replace an existing one."""
    path = keyring_path()
    empty = KeySet("", {}, {})
    keyring = Keyring(path, empty.with_new_key(), empty.with_new_key())
    try:
        _write_keyring(keyring, exclusive=True)
    except FileExistsError:
        if not exist_ok:
            raise KeyringError(
                f"a keyring already exists at {path}; it is never replaced"
            ) from None
        return load_keyring(create=False)
    logger.info(
        "created the keyring %s (data key %s, index key %s)",
        path,
        keyring.data.current,
        keyring.index.current,
    )
    return keyring


# --------------------------------------------------------------------------------------------
# Values


def encrypt(plaintext: str, keyring: Keyring | None = None) -> str:
    keyring = keyring or load_keyring()
    key_id = keyring.data.current
    header = f"{FORMAT}:{key_id}"
    nonce = secrets.token_bytes(NONCE_BYTES)
    sealed = keyring.cipher(key_id).encrypt(nonce, plaintext.encode("utf-8"), header.encode())
    return f"{header}:{base64.b64encode(nonce + sealed).decode()}"


def key_id_of(token: str) -> str | None:
    """The key a stored value was encrypted with (None when it is not Vigie ciphertext)."""
    parts = token.split(":", 2)
    return parts[1] if len(parts) == 3 and parts[0] == FORMAT else None


def decrypt(token: str, where: str = "a value", keyring: Keyring | None = None) -> str:
    """Decrypt a stored value; ``where`` (e.g. "victims.Victim.name") goes into the error message."""
    key_id = key_id_of(token)
    if key_id is None:
        raise DecryptionError(
            f"{where} holds a value that is not Vigie ciphertext (written outside Vigie, or damaged)",
            None,
            where,
        )
    keyring = keyring or load_keyring()
    cipher = keyring.cipher(key_id)
    if cipher is None:
        raise DecryptionError(
            f"{where} was encrypted with key {key_id!r}, which is not in the keyring {keyring.path}: "
            "restore the keyring from the backup made with this database (keys are never stored in it)",
            key_id,
            where,
        )
    try:
        raw = base64.b64decode(token.split(":", 2)[2], validate=True)
        plaintext = cipher.decrypt(
            raw[:NONCE_BYTES], raw[NONCE_BYTES:], f"{FORMAT}:{key_id}".encode()
        )
    except (InvalidTag, ValueError) as error:
        raise DecryptionError(
            f"{where} does not decrypt with key {key_id!r}: the stored value was altered, or the key "
            "with this id is not the one it was encrypted with",
            key_id,
            where,
        ) from error
    return plaintext.decode("utf-8")


def blind_index(value, scope: str = "name", keyring: Keyring | None = None) -> str | None:
    """The keyed digest of a normalised value under the current index key, as stored (None for an
    empty value). To search, use ``blind_digests`` or ``blind_search``."""
    if value is None:
        return None
    normalised = _normalize(str(value))
    if not normalised:
        return None
    keyring = keyring or load_keyring()
    return _digest(keyring.index.keys[keyring.index.current], scope, normalised)


def blind_digests(value, scope: str = "name", keyring: Keyring | None = None) -> list[str]:
    """The digests to look ``value`` up with: under the current index key first, then under any older
    index key still in the keyring (a rotation not finished: records not re-indexed yet are found
    too). Empty for an empty value."""
    if value is None:
        return []
    normalised = _normalize(str(value))
    if not normalised:
        return []
    keyring = keyring or load_keyring()
    order = [keyring.index.current, *sorted(set(keyring.index.keys) - {keyring.index.current})]
    return [_digest(keyring.index.keys[key_id], scope, normalised) for key_id in order]


def _digest(key: bytes, scope: str, normalised: str) -> str:
    return hmac.new(key, f"{scope}\x00{normalised}".encode(), hashlib.sha256).hexdigest()


def change_marker(instance, model_field) -> str | None:
    """What the change log keeps of an encrypted value: a keyed fingerprint that changes with it.

    The fingerprint covers the record's id, so equal values in two records do not look equal.
    """
    value = model_field.value_from_object(instance)
    if value is None or value == "":
        return None
    text = (
        value
        if isinstance(value, str)
        else json.dumps(value, sort_keys=True, cls=DjangoJSONEncoder)
    )
    keyring = load_keyring()
    key = keyring.index.keys[keyring.index.current]
    message = f"changelog\x00{model_field.model._meta.label}\x00{model_field.name}\x00{instance.pk}\x00{text}"
    return f"<encrypted {hmac.new(key, message.encode(), hashlib.sha256).hexdigest()[:16]}>"


# --------------------------------------------------------------------------------------------
# Model fields


class EncryptedFieldMixin:
    """Encrypts on the way to the database, decrypts on the way back. Only `isnull` can be queried."""

    encrypted = True

    def where(self) -> str:
        model = getattr(self, "model", None)
        return f"{model._meta.label}.{self.name}" if model is not None else f"field {self.name}"

    def get_lookup(self, lookup_name):
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        raise FieldError(
            f"{self.where()} is encrypted and cannot be searched with {lookup_name!r}; "
            "search through its blind index (vigie.core.crypto.blind_search)"
        )

    def get_transform(self, lookup_name):
        return None


class EncryptedTextField(EncryptedFieldMixin, models.TextField):
    """Text encrypted at rest (AES-256-GCM). None and "" are stored as they are."""

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value, self.where())


class EncryptedJSONField(EncryptedFieldMixin, models.TextField):
    """A JSON value (list, dict...) encrypted at rest as one ciphertext. None is stored as NULL."""

    def to_python(self, value):
        return value

    def get_prep_value(self, value):
        if value is None:
            return None
        return encrypt(json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder))

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return None
        return json.loads(decrypt(value, self.where()))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj), cls=DjangoJSONEncoder)

    def formfield(self, **kwargs):
        return models.Field.formfield(
            self, **{"form_class": forms.JSONField, "encoder": DjangoJSONEncoder, **kwargs}
        )


class BlindIndexField(models.CharField):
    """The blind index of another field (``source``), set on every save; search with ``blind_search``.

    ``scope`` separates indexes of different kinds of value (a name, a phone number); fields with the
    same scope can be searched with one digest. Not set by ``QuerySet.update`` or ``bulk_update``.
    """

    def __init__(self, *args, source: str = "", scope: str = "name", **kwargs):
        self.source, self.scope = source, scope
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("null", True)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        if self.scope != "name":
            kwargs["scope"] = self.scope
        for key, default in (
            ("max_length", 64),
            ("editable", False),
            ("null", True),
            ("blank", True),
            ("db_index", True),
        ):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        return name, path, args, kwargs

    def digest(self, value) -> str | None:
        return blind_index(value, self.scope)

    def pre_save(self, model_instance, add):
        value = self.digest(getattr(model_instance, self.source))
        setattr(model_instance, self.attname, value)
        return value


def blind_search(queryset, field_name: str, value):
    """Records of ``queryset`` whose blind index ``field_name`` matches ``value`` exactly (normalised),
    under any index key of the keyring."""
    index_field = queryset.model._meta.get_field(field_name)
    digests = blind_digests(value, index_field.scope)
    return queryset.filter(**{f"{field_name}__in": digests}) if digests else queryset.none()


def is_encrypted(model_field) -> bool:
    return getattr(model_field, "encrypted", False) is True


class EncryptedSnapshotMixin:
    """For a ChangeLoggedModel: encrypted fields appear in the change log only as change markers.

    Put it before ChangeLoggedModel in the bases. Blind indexes are left out of the snapshot.
    """

    def snapshot(self) -> dict:
        data = super().snapshot()
        for model_field in self._meta.concrete_fields:
            if is_encrypted(model_field):
                data[model_field.attname] = change_marker(self, model_field)
            elif isinstance(model_field, BlindIndexField):
                data.pop(model_field.attname, None)
        return data


def _refuse_plaintext_snapshots(sender, **kwargs) -> None:
    """A change-logged model may not copy an encrypted value into the change log."""
    from .models import ChangeLoggedModel

    if not issubclass(sender, ChangeLoggedModel) or issubclass(sender, EncryptedSnapshotMixin):
        return
    leaking = [
        f.name
        for f in sender._meta.concrete_fields
        if (is_encrypted(f) or isinstance(f, BlindIndexField))
        and f.name not in sender.changelog_exclude
    ]
    if leaking:
        raise ImproperlyConfigured(
            f"{sender._meta.label}: the encrypted field(s) {', '.join(leaking)} would be copied in clear into the "
            "change log; mix in vigie.core.crypto.EncryptedSnapshotMixin or list them in changelog_exclude"
        )


class_prepared.connect(_refuse_plaintext_snapshots, dispatch_uid="vigie.core.crypto.snapshots")


# --------------------------------------------------------------------------------------------
# The registry of encrypted fields, status and rotation


@dataclass(frozen=True)
class ProtectedModel:
    model: type
    encrypted: tuple
    indexes: tuple

    @property
    def label(self) -> str:
        return self.model._meta.label


def protected_models() -> list[ProtectedModel]:
    """Every installed model with encrypted fields or blind indexes (each table once)."""
    from django.apps import apps

    found = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        encrypted = tuple(f for f in meta.local_concrete_fields if is_encrypted(f))
        indexes = tuple(f for f in meta.local_concrete_fields if isinstance(f, BlindIndexField))
        if encrypted or indexes:
            found.append(ProtectedModel(model, encrypted, indexes))
    return found


def _rows(
    protected: ProtectedModel, columns: list[str], using: str, batch: int = 500
) -> Iterator[list[tuple]]:
    """Raw rows (primary key first), bypassing managers (withdrawn records too) and decryption."""
    model = protected.model
    connection = connections[using]
    quote = connection.ops.quote_name
    pk = model._meta.pk.column
    select = ", ".join(quote(c) for c in [pk, *columns])
    table = quote(model._meta.db_table)
    last = None
    while True:
        where, params = (f"WHERE {quote(pk)} > %s ", [last]) if last is not None else ("", [])
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {select} FROM {table} {where}ORDER BY {quote(pk)} LIMIT {int(batch)}",
                params,
            )
            rows = cursor.fetchall()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def key_usage(using: str = "default") -> dict[str, dict[str, int]]:
    """For each encrypted field ("app.Model.field"), how many values each key id protects."""
    usage: dict[str, dict[str, int]] = {}
    for protected in protected_models():
        for model_field in protected.encrypted:
            counts = usage.setdefault(f"{protected.label}.{model_field.name}", {})
            for rows in _rows(protected, [model_field.column], using):
                for _pk, value in rows:
                    if value:
                        key_id = key_id_of(value) or "(not Vigie ciphertext)"
                        counts[key_id] = counts.get(key_id, 0) + 1
    return usage


@dataclass
class RotationResult:
    new_data_key: str | None = None
    new_index_key: str | None = None
    retired_data_keys: list[str] = field(default_factory=list)
    retired_index_keys: list[str] = field(default_factory=list)
    values: dict[str, int] = field(default_factory=dict)  # "app.Model.field" -> values re-encrypted
    indexes: dict[str, int] = field(default_factory=dict)  # "app.Model.field" -> digests recomputed
    resumed: bool = False  # finished a rotation interrupted earlier instead of starting one

    @property
    def total_values(self) -> int:
        return sum(self.values.values())

    @property
    def total_indexes(self) -> int:
        return sum(self.indexes.values())


def _reencrypt_pass(keyring: Keyring, result: RotationResult, everything: bool, using: str) -> None:
    """Re-encrypt values not under the current key (all when ``everything``); fix stale blind indexes."""
    for protected in protected_models():
        model = protected.model
        connection = connections[using]
        quote = connection.ops.quote_name
        by_name = {f.name: f for f in model._meta.local_concrete_fields}
        sources = {f.source: by_name[f.source] for f in protected.indexes}
        read = list(dict.fromkeys([*protected.encrypted, *sources.values()]))
        written = [*protected.encrypted, *protected.indexes]
        positions = {f.name: i + 1 for i, f in enumerate(read)}
        assignments = ", ".join(f"{quote(f.column)} = %s" for f in written)
        update = (
            f"UPDATE {quote(model._meta.db_table)} SET {assignments} "
            f"WHERE {quote(model._meta.pk.column)} = %s"
        )
        for rows in _rows(
            protected, [f.column for f in read] + [f.column for f in protected.indexes], using
        ):
            changes = []
            for row in rows:
                pk, changed = row[0], False
                plain = {}
                new_values = []
                for model_field in protected.encrypted:
                    stored = row[positions[model_field.name]]
                    if stored is None or stored == "":
                        new_values.append(stored)
                        continue
                    where = f"{protected.label}.{model_field.name} (id {pk})"
                    text = decrypt(stored, where, keyring)
                    plain[model_field.name] = text
                    if everything or key_id_of(stored) != keyring.data.current:
                        new_values.append(encrypt(text, keyring))
                        result.values[f"{protected.label}.{model_field.name}"] = (
                            result.values.get(f"{protected.label}.{model_field.name}", 0) + 1
                        )
                        changed = True
                    else:
                        new_values.append(stored)
                for offset, index_field in enumerate(protected.indexes):
                    stored = row[len(read) + 1 + offset]
                    source = sources[index_field.source]
                    if is_encrypted(source):
                        value = plain.get(source.name)
                        if value is not None and isinstance(source, EncryptedJSONField):
                            value = json.loads(value)
                    else:
                        value = row[positions[source.name]]
                    digest = blind_index(value, index_field.scope, keyring)
                    new_values.append(digest)
                    if digest != stored:
                        result.indexes[f"{protected.label}.{index_field.name}"] = (
                            result.indexes.get(f"{protected.label}.{index_field.name}", 0) + 1
                        )
                        changed = True
                if changed:
                    changes.append([*new_values, pk])
            if changes:
                with connection.cursor() as cursor:
                    cursor.executemany(update, changes)


ROTATION_LOCK = ".rotation.lock"


@contextlib.contextmanager
def _rotation_lock(directory: Path) -> Iterator[None]:
    """One rotation at a time on this machine."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory lock
        yield
        return
    private_dir(directory)
    fd = os.open(directory / ROTATION_LOCK, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def rotation_running(directory: Path | None = None) -> bool:
    """True while a rotation holds the lock (in any process of this machine)."""
    try:
        import fcntl
    except ImportError:
        return False
    path = (directory or keys_dir()) / ROTATION_LOCK
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


NO_KEY = "(no key)"
UNREADABLE = "(unreadable)"


def index_usage(
    keyring: Keyring | None = None, using: str = "default"
) -> dict[str, dict[str, int]]:
    """For each blind index ("app.Model.field"), how many digests each index key made. A digest that
    its value gives under no key of the keyring counts under NO_KEY (exact search cannot find that
    record); one whose value does not decrypt, under UNREADABLE."""
    keyring = keyring or load_keyring()
    usage: dict[str, dict[str, int]] = {}
    for protected in protected_models():
        by_name = {f.name: f for f in protected.model._meta.local_concrete_fields}
        for index_field in protected.indexes:
            source = by_name[index_field.source]
            counts = usage.setdefault(f"{protected.label}.{index_field.name}", {})
            for rows in _rows(protected, [source.column, index_field.column], using):
                for pk, stored, digest in rows:
                    try:
                        value = _plain_source(protected, source, stored, pk, keyring)
                    except DecryptionError:
                        counts[UNREADABLE] = counts.get(UNREADABLE, 0) + 1
                        continue
                    normalised = _normalize(str(value)) if value is not None else ""
                    if not normalised and not digest:
                        continue  # nothing to index
                    found = NO_KEY
                    if normalised:
                        found = next(
                            (
                                key_id
                                for key_id, key in keyring.index.keys.items()
                                if _digest(key, index_field.scope, normalised) == digest
                            ),
                            NO_KEY,
                        )
                    counts[found] = counts.get(found, 0) + 1
    return usage


def _plain_source(protected: ProtectedModel, source, stored, pk, keyring: Keyring):
    """The value a blind index is made from, as the model sees it."""
    if not is_encrypted(source) or stored is None or stored == "":
        return stored
    text = decrypt(stored, f"{protected.label}.{source.name} (id {pk})", keyring)
    return json.loads(text) if isinstance(source, EncryptedJSONField) else text


@dataclass
class RotationStatus:
    """What is left of a key rotation that has not finished (nothing, normally)."""

    old_data_keys: list[str]
    old_index_keys: list[str]
    values_under_old_keys: int
    digests_under_old_keys: int
    running: bool

    @property
    def unfinished(self) -> bool:
        return bool(self.old_data_keys or self.old_index_keys)


def rotation_status(
    keyring: Keyring, values: dict[str, dict[str, int]], indexes: dict[str, dict[str, int]]
) -> RotationStatus:
    """From ``key_usage()`` and ``index_usage()``: old keys still in the keyring and what they hold."""
    old_data = sorted(set(keyring.data.keys) - {keyring.data.current})
    old_index = sorted(set(keyring.index.keys) - {keyring.index.current})
    return RotationStatus(
        old_data,
        old_index,
        sum(
            count
            for counts in values.values()
            for key_id, count in counts.items()
            if key_id in old_data
        ),
        sum(
            count
            for counts in indexes.values()
            for key_id, count in counts.items()
            if key_id in old_index
        ),
        rotation_running(keyring.path.parent),
    )


def rotate_keys(data: bool = True, index: bool = True, using: str = "default") -> RotationResult:
    """New keys; every encrypted value re-encrypted and every blind index recomputed; old keys removed.

    Steps: (1) the new keys are added to the keyring as current, the old ones kept: new values are
    written under the new keys, old ones still decrypt, and search looks a name up under both index
    keys; (2) one transaction re-encrypts and re-indexes everything; (3) a second pass catches values
    another process wrote under an old key meanwhile; (4) the old keys are removed from the keyring.
    Interrupted anywhere, nothing is lost and search still works; the keyring keeps its old keys, which
    `vigie keys status` reports. Called again then, it finishes that rotation (``resumed``) without
    making new keys, whatever ``data`` and ``index`` say; call it once more for a new rotation.
    """
    result = RotationResult()
    keyring = load_keyring()
    with _rotation_lock(keyring.path.parent):
        keyring = load_keyring()
        data_keys, index_keys = keyring.data, keyring.index
        if len(data_keys.keys) > 1 or len(index_keys.keys) > 1:
            result.resumed = True
            everything = False
            logger.info(
                "key rotation: finishing the rotation to data key %s, index key %s",
                data_keys.current,
                index_keys.current,
            )
        else:
            data_keys = data_keys.with_new_key() if data else data_keys
            index_keys = index_keys.with_new_key() if index else index_keys
            keyring = Keyring(keyring.path, data_keys, index_keys)
            _write_keyring(keyring)
            everything = data
        result.new_data_key = data_keys.current if len(data_keys.keys) > 1 else None
        result.new_index_key = index_keys.current if len(index_keys.keys) > 1 else None
        logger.info(
            "key rotation: new data key %s, new index key %s",
            result.new_data_key,
            result.new_index_key,
        )
        with transaction.atomic(using=using):
            _reencrypt_pass(keyring, result, everything=everything, using=using)
        with transaction.atomic(using=using):
            _reencrypt_pass(keyring, result, everything=False, using=using)
        result.retired_data_keys = sorted(set(data_keys.keys) - {data_keys.current})
        result.retired_index_keys = sorted(set(index_keys.keys) - {index_keys.current})
        _write_keyring(Keyring(keyring.path, data_keys.retired(), index_keys.retired()))
        logger.info(
            "key rotation done: %d values re-encrypted, %d index digests recomputed; retired %s",
            result.total_values,
            result.total_indexes,
            ", ".join(result.retired_data_keys + result.retired_index_keys) or "no key",
        )
    return result
