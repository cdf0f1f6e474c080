"""Load and validate the YAML config with errors that name the file, the entry and the key."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any, Protocol, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from config.errors import ConfigError, entry_label, format_validation_error, suggest
from config.models import (
    COMMON_SOURCE_KEYS,
    Settings,
    SourceConfig,
    SubscriptionConfig,
    TypeSpec,
    WebSettings,
)
from config.secrets import REDACTOR, mask_url

_ENV_REF = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")


def substitute_env(value: Any, where: str) -> Any:
    """Replace `${VAR}` in every string with the environment's value; a missing one is an error."""
    if isinstance(value, str):

        def _sub(match: re.Match[str]) -> str:
            var = match.group(1)
            if var not in os.environ:
                raise ConfigError(f"{where}: environment variable ${{{var}}} is not set")
            REDACTOR.add({os.environ[var]} if len(os.environ[var]) >= 4 else set())  # a secret
            return os.environ[var]

        return _ENV_REF.sub(_sub, value)
    if isinstance(value, list):
        return [substitute_env(v, where) for v in value]
    if isinstance(value, dict):
        return {k: substitute_env(v, where) for k, v in value.items()}
    return value


#: libyaml's safe loader when PyYAML was built with it: 10x faster on a long sources.yaml
_SAFE_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _DuplicateKey(yaml.YAMLError):
    def __init__(self, key: object, line: int, first: int) -> None:
        super().__init__(f"key {key!r} written twice")
        self.key, self.line, self.first = key, line, first


class _StrictLoader(_SAFE_LOADER):  # type: ignore[valid-type,misc]
    """The safe loader, refusing a key written twice in one mapping (YAML says keys are
    unique; PyYAML keeps the last one silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[object, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            key = self.construct_object(key_node, deep=True)
            line = key_node.start_mark.line + 1
            if key in seen:
                raise _DuplicateKey(key, line, seen[key])
            seen[key] = line
        return super().construct_mapping(node, deep=deep)  # type: ignore[no-any-return]


def _duplicate_error(path: Path, text: str, top_key: str | None, dup: _DuplicateKey) -> ConfigError:
    """`file: entry: key 'k' written twice (lines 4 and 7)`, naming the list entry it is in."""
    where = str(path)
    if top_key is not None:
        tree = yaml.compose(text, Loader=_SAFE_LOADER)
        data = yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader (last key wins)
        section = tree.value if isinstance(tree, yaml.MappingNode) else []
        for key_node, value in section:
            if key_node.value != top_key or not isinstance(value, yaml.SequenceNode):
                continue
            for index, item in enumerate(value.value):
                if item.start_mark.line < dup.line <= item.end_mark.line + 1:
                    where += ": " + entry_label(top_key, index, data[top_key][index])
    return ConfigError(
        f"{where}: key '{dup.key}' written twice (lines {dup.first} and {dup.line}); keep one"
    )


def read_yaml(path: Path, top_key: str | None) -> Any:
    """The parsed YAML document; with `top_key`, the list under that key."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from exc
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # noqa: S506 - a safe loader
    except _DuplicateKey as dup:
        raise _duplicate_error(path, text, top_key, dup) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or "invalid YAML"
        raise ConfigError(f"{path}: invalid YAML{at}: {problem}") from exc
    if top_key is None:
        return data if data is not None else {}
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) - {top_key}:
        extra = sorted(set(data) - {top_key}) if isinstance(data, dict) else []
        if extra:
            raise ConfigError(
                f"{path}: unknown top-level key '{extra[0]}'{suggest(extra[0], [top_key])}"
            )
        raise ConfigError(f"{path}: expected a mapping with the key '{top_key}'")
    items = data.get(top_key) or []
    if not isinstance(items, list):
        raise ConfigError(f"{path}: '{top_key}' must be a list")
    return items


def load_sources(path: Path, types: Mapping[str, TypeSpec]) -> list[SourceConfig]:
    """Parse sources.yaml; `types` maps each known source type to the keys it takes."""
    entries = read_yaml(path, "sources")
    return _parse_entries(path, "sources", entries, lambda raw, where: _parse_source(raw, where, types))


class _Named(Protocol):
    name: str


_Entry = TypeVar("_Entry", bound=_Named)


def _parse_entries(
    path: Path, section: str, entries: list[Any], parse: Callable[[Any, str], _Entry]
) -> list[_Entry]:
    """Parse every entry, collecting all errors (one line each) and duplicate names."""
    parsed: list[_Entry] = []
    errors: list[str] = []
    seen: set[str] = set()
    for index, raw in enumerate(entries):
        where = f"{path}: {entry_label(section, index, raw)}"
        try:
            entry = parse(raw, where)
        except ConfigError as exc:
            errors.append(str(exc))
            continue
        if entry.name in seen:
            errors.append(f"{where}: duplicate name '{entry.name}'")
        seen.add(entry.name)
        parsed.append(entry)
    if errors:
        raise ConfigError("\n".join(errors))
    return parsed


def _parse_source(raw: Any, where: str, types: Mapping[str, TypeSpec]) -> SourceConfig:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping of keys, got {type(raw).__name__}")
    raw = substitute_env(raw, where)
    type_name = raw.get("type")
    if not isinstance(type_name, str):
        raise ConfigError(f"{where}: missing key 'type' (one of: {', '.join(sorted(types))})")
    spec = types.get(type_name)
    if spec is None:
        raise ConfigError(
            f"{where}: unknown type '{type_name}'{suggest(type_name, types)}"
            f" (known: {', '.join(sorted(types))})"
        )
    own_keys = spec.required + spec.optional
    allowed = set(COMMON_SOURCE_KEYS) | set(own_keys)
    for key in raw:
        if key not in allowed:
            raise ConfigError(
                f"{where}: unknown key '{key}'{suggest(str(key), sorted(allowed))}"
                f" for type '{type_name}'"
            )
    for key in spec.required:
        if key not in raw and not (key != "url" and "url" in raw):
            raise ConfigError(f"{where}: type '{type_name}' needs the key '{key}'")
    if spec.needs_url and "url" not in raw:
        raise ConfigError(f"{where}: type '{type_name}' needs the key 'url'")
    if spec.needs_company and not raw.get("company"):
        raise ConfigError(f"{where}: type '{type_name}' needs the key 'company'")
    if isinstance(raw.get("url"), str):
        REDACTOR.add_source_url(raw["url"])  # ?api_key=... never printed nor stored
    common = {k: v for k, v in raw.items() if k in COMMON_SOURCE_KEYS}
    options = {k: v for k, v in raw.items() if k not in COMMON_SOURCE_KEYS}
    try:
        return SourceConfig(**common, options=options)
    except ValidationError as exc:
        raise ConfigError(
            format_validation_error(where, exc, {(): COMMON_SOURCE_KEYS + own_keys})
        ) from exc


def load_subscriptions(path: Path, filter_model: type[BaseModel]) -> list[SubscriptionConfig]:
    """Parse subscriptions.yaml; each `filter` is validated with `filter_model` (alerts room)."""
    if not path.exists():
        return []
    entries = read_yaml(path, "subscriptions")
    return _parse_entries(
        path, "subscriptions", entries, lambda raw, where: parse_subscription(raw, where, filter_model)
    )


def parse_subscription(raw: Any, where: str, filter_model: type[BaseModel]) -> SubscriptionConfig:
    """Validate one subscription mapping (from YAML, JSON lines or the CLI)."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping of keys, got {type(raw).__name__}")
    raw = substitute_env(raw, where)
    for url in raw.get("notify") or []:
        if isinstance(url, str):
            REDACTOR.add_url(url)
    try:
        sub = SubscriptionConfig(**raw)
    except ValidationError as exc:
        known: dict[tuple[str | int, ...], Iterable[str]] = {(): list(SubscriptionConfig.model_fields)}
        raise ConfigError(REDACTOR.redact(format_validation_error(where, exc, known))) from exc
    except TypeError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    try:
        filter_model.model_validate(sub.filter)
    except ValidationError as exc:
        filter_keys: dict[tuple[str | int, ...], Iterable[str]] = {(): list(filter_model.model_fields)}
        message = format_validation_error(f"{where}: filter", exc, filter_keys)
        raise ConfigError(message.replace(": filter: ", ": filter.", 1)) from exc
    check_notify_urls(sub.notify, where)
    return sub


def check_notify_urls(urls: list[str], where: str) -> None:
    """Every URL must be one apprise can parse; the error shows the URL masked."""
    if not urls:
        return  # apprise costs ~0.15 s to import; a crawl without operator channels needs none
    import apprise

    for index, url in enumerate(urls):
        REDACTOR.add_url(url)
        plugin = apprise.Apprise.instantiate(url, suppress_exceptions=True)
        if plugin is None:
            raise ConfigError(
                f"{where}: notify[{index}]: apprise cannot use the URL {mask_url(url)}"
                " (check the scheme and the parts it needs, see apprise's wiki)"
            )


def load_settings(config_dir: Path) -> Settings:
    """settings.yaml if present, then the environment variables of SPEC §3."""
    path = config_dir / "settings.yaml"
    data: dict[str, Any] = {}
    if path.exists():
        loaded = read_yaml(path, None)
        if not isinstance(loaded, dict):
            raise ConfigError(f"{path}: expected a mapping of settings")
        data = substitute_env(loaded, str(path))
    env_map = {"INTERNWATCH_USER_AGENT": "user_agent", "INTERNWATCH_MAX_DIGEST": "max_digest"}
    for env, key in env_map.items():
        if os.environ.get(env):
            data[key] = os.environ[env]
    try:
        settings = Settings(**data)
    except ValidationError as exc:
        known: dict[tuple[str | int, ...], Iterable[str]] = {
            (): list(Settings.model_fields),
            ("web",): list(WebSettings.model_fields),
        }
        raise ConfigError(format_validation_error(str(path), exc, known)) from exc
    check_notify_urls(settings.operator_notify, f"{path}: operator_notify")
    if settings.web.mail:
        check_notify_urls([settings.web.mail], f"{path}: web.mail")
    if settings.web.public_url and not os.environ.get("INTERNWATCH_SECRET"):
        raise ConfigError(
            f"{path}: web.public_url is set, so INTERNWATCH_SECRET must be set too (it signs"
            " the links in messages): export INTERNWATCH_SECRET=<a long random string>"
        )
    return settings


def read_subscriptions_file(path: Path, filter_model: type[BaseModel]) -> list[SubscriptionConfig]:
    """Subscriptions to import: JSON lines (`.jsonl`, `.ndjson`, `.json`) or YAML like
    subscriptions.yaml; every entry validated like the file's."""
    if not path.exists():
        raise ConfigError(f"{path}: file not found")
    if path.suffix not in (".jsonl", ".ndjson", ".json"):
        return load_subscriptions(path, filter_model)
    subs = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: line {number}: not JSON ({exc.msg})") from exc
        subs.append(parse_subscription(raw, f"{path}: line {number}", filter_model))
    return subs
