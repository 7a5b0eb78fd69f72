"""Bad configuration and bad command lines: one clear message and exit 2, never a traceback.

mkdocs.yml is read as MkDocs reads it (its !ENV and !relative tags, INHERIT), the environment
variables we read are checked like options, and `disclose serve` checks its address before it
checks the records or builds anything.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
from collections.abc import Iterator

import pytest
from conftest import Project

from generator.settings import load_settings
from generator.urls import site_urls

AS_OF = "2022-07-01"


def _replace_plugin_options(project: Project, entry: str) -> None:
    """Put `entry` in place of the whole `- disclose:` item (and its options) of mkdocs.yml."""
    config = project.root / "mkdocs.yml"
    text, count = re.subn(
        r"  - disclose:\n(?:      .*\n)+", lambda _: entry, config.read_text(encoding="utf-8")
    )
    assert count == 1
    config.write_text(text, encoding="utf-8")


# -- SOURCE_DATE_EPOCH --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "phrase"),
    [
        ("99999999999999999999", "seconds is past the year 9999"),
        ("253402300800", "seconds is past the year 9999"),  # 10000-01-01
        ("-99999999999", "is not a whole number of seconds since 1970-01-01"),
        ("abc", "is not a whole number of seconds since 1970-01-01"),
        ("1_000", "is not a whole number of seconds"),
        (" 12", "is not a whole number of seconds"),
        ("١٢", "is not a whole number of seconds"),  # Arabic-Indic digits: int() would take them
        ("12\x1b[2J", "is not a whole number of seconds"),
    ],
    ids=["huge", "year-10000", "very-negative", "word", "underscore", "space", "arabic-digits", "escape"],
)
def test_a_bad_source_date_epoch_is_a_usage_error(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch, value: str, phrase: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = minimal_project.cli("validate")
    assert result.code == 2, result.err
    assert result.err.startswith("disclose: SOURCE_DATE_EPOCH: '") and phrase in result.err, result.err
    assert result.err.isprintable() or result.err.rstrip("\n").isprintable(), repr(result.err)
    assert "Traceback" not in result.err


def test_source_date_epoch_zero_is_1970(minimal_project: Project, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    result = minimal_project.cli("validate")
    # 1970 is before every record's dates: fine, and the dates after it are warnings, not a crash.
    assert result.code == 0, result.err


# -- plugin options that are not a mapping --------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "shown"),
    [("  - disclose: en\n", "'en'"), ("  - disclose: [a]\n", "['a']"), ("  - disclose: 42\n", "42")],
    ids=["text", "list", "number"],
)
def test_plugin_options_that_are_not_a_mapping_are_a_usage_error(
    minimal_project: Project, entry: str, shown: str
) -> None:
    _replace_plugin_options(minimal_project, entry)
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 2
    assert result.err == (
        f"disclose: {minimal_project.root / 'mkdocs.yml'}: plugins: disclose: expected its options as"
        f" `key: value` lines under it (e.g. `language: en`), not {shown}\n"
    )


def test_a_yaml_error_in_mkdocs_yml_names_the_line_on_one_line(minimal_project: Project) -> None:
    config = minimal_project.root / "mkdocs.yml"
    config.write_text("site_name: x\nplugins: [\n", encoding="utf-8")
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 2
    assert result.err.startswith(f"disclose: {config}:3:1: cannot read the configuration: "), result.err
    assert result.err.count("\n") == 1


# -- MkDocs' own tags --------------------------------------------------------------------------------------


def _set_top_level(project: Project, key: str, value: str) -> None:
    config = project.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(rf"(?m)^{key}:.*\n", "", text)
    config.write_text(f"{key}: {value}\n{text}", encoding="utf-8")


def test_env_tags_in_site_name_and_site_url_are_read_as_mkdocs_reads_them(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    _set_top_level(minimal_project, "site_name", "!ENV [DISCLOSE_TEST_NAME, Fallback name]")
    _set_top_level(minimal_project, "site_url", "!ENV [DISCLOSE_TEST_URL, 'https://fallback.example.org/']")
    settings = load_settings(minimal_project.root / "mkdocs.yml")
    assert settings.site_name == "Fallback name"
    assert site_urls(settings).base == "https://fallback.example.org/"
    monkeypatch.setenv("DISCLOSE_TEST_NAME", "名称 from the environment")
    monkeypatch.setenv("DISCLOSE_TEST_URL", "https://disclosure.example.org/sub")
    settings = load_settings(minimal_project.root / "mkdocs.yml")
    assert settings.site_name == "名称 from the environment"
    assert site_urls(settings).base == "https://disclosure.example.org/sub/"
    out = minimal_project.root / "md"
    assert minimal_project.cli("-q", "render", "--out", str(out), "--as-of", AS_OF).code == 0
    assert "https://disclosure.example.org/sub/findings/F-1/" in (out / "feeds" / "changes.xml").read_text()
    assert "https://disclosure.example.org/sub/findings/F-1/" in (out / "data" / "findings.csv").read_text(
        encoding="utf-8-sig"
    )


def test_an_unset_env_tag_without_a_default_means_no_site_url(minimal_project: Project) -> None:
    _set_top_level(minimal_project, "site_url", "!ENV DISCLOSE_TEST_UNSET_URL")
    assert site_urls(load_settings(minimal_project.root / "mkdocs.yml")).base is None


def test_relative_and_python_tags_do_not_trouble_the_reader(minimal_project: Project) -> None:
    config = minimal_project.root / "mkdocs.yml"
    extensions = (
        "markdown_extensions:\n"
        "  - pymdownx.snippets:\n      base_path: !relative $config_dir\n"
        "  - pymdownx.emoji:\n      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
        "  - pymdownx.superfences:\n      custom_fences: [{name: x, class: x, format: !relative }]\n"
    )
    text = config.read_text(encoding="utf-8")
    assert text.count("markdown_extensions:\n") == 1
    config.write_text(text.replace("markdown_extensions:\n", extensions), encoding="utf-8")
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 0, result.err


def test_inherit_is_followed_as_mkdocs_follows_it(minimal_project: Project) -> None:
    """Plugin options (and site_dir) may sit in the file mkdocs.yml INHERITs."""
    config = minimal_project.root / "mkdocs.yml"
    base = minimal_project.root / "base.yml"
    base.write_text(
        config.read_text(encoding="utf-8").replace("language: en", "language: zh"), encoding="utf-8"
    )
    config.write_text("INHERIT: base.yml\nsite_name: Child\n", encoding="utf-8")
    settings = load_settings(config)
    assert (settings.language, settings.site_name) == ("zh", "Child")
    base.write_text(base.read_text(encoding="utf-8").replace(".build/without-disclose", "site/public"))
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    # The site is in Chinese now (the inherited language): so is what the tool says of it.
    assert result.code == 2 and "site_dir: site/public 就是 site/public，那里发布的是公开网站" in result.err
    config.write_text("INHERIT: mkdocs.yml\n", encoding="utf-8")
    looped = minimal_project.cli("validate", "--as-of", AS_OF)
    assert looped.code == 2 and "INHERIT" in looped.err and "Traceback" not in looped.err


# -- the environment variables the plugin reads ------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize(
    ("variable", "value", "phrase"),
    [
        ("DISCLOSE_AUDIENCE", "publc", "DISCLOSE_AUDIENCE: unknown audience 'publc': use public or internal"),
        ("DISCLOSE_AS_OF", "yesterday", "DISCLOSE_AS_OF: 'yesterday' is not a date YYYY-MM-DD"),
    ],
)
def test_a_bad_variable_of_mkdocs_build_is_named(
    minimal_project: Project, variable: str, value: str, phrase: str
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DISCLOSE_")}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--quiet"],
        cwd=minimal_project.root,
        env={**env, variable: value},
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 1
    assert phrase in result.stderr and "Traceback" not in result.stderr, result.stderr


# -- `disclose serve`: its address, before anything starts -------------------------------------------------


@pytest.fixture
def busy_port() -> Iterator[int]:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        yield int(listener.getsockname()[1])


def _serve_fails_at_once(project: Project, address: str) -> str:
    # A broken record: had the records been checked first, the exit code would be 1.
    project.write("content/units/U-1.yaml", "name: One\nteam: [oops\n")
    result = project.cli("serve", "--as-of", AS_OF, "--dev-addr", address)
    assert result.code == 2, result.err
    assert "Traceback" not in result.err and not (project.root / ".build").exists()
    return result.err


def test_serve_on_a_busy_port_is_a_usage_error(minimal_project: Project, busy_port: int) -> None:
    err = _serve_fails_at_once(minimal_project, f"127.0.0.1:{busy_port}")
    assert err == (
        f"disclose: --dev-addr: 127.0.0.1:{busy_port} is in use (another preview?): stop it, or give another"
        f" port, e.g. --dev-addr 127.0.0.1:{busy_port + 1}\n"
    )


@pytest.mark.parametrize(
    ("address", "phrase"),
    [
        ("127.0.0.1:70000", "port '70000' is not a port from 1 to 65535"),
        ("127.0.0.1:0", "port '0' is not a port from 1 to 65535"),
        ("127.0.0.1:-1", "port '-1' is not a port from 1 to 65535"),
        ("127.0.0.1:abc", "port 'abc' is not a port from 1 to 65535"),
        ("127.0.0.1", "'127.0.0.1' is not IP:PORT"),
        (":8000", "':8000' is not IP:PORT"),
        ("999.1.1.1:8000", "'999.1.1.1' is not an IP address or localhost"),
        ("example.org:8000", "'example.org' is not an IP address or localhost"),
        ("192.0.2.1:8000", "cannot listen on 192.0.2.1:8000"),  # TEST-NET-1: no address of this machine
        ("127.0.0.1:80\x1b[2J", "port '80\\x1b[2J' is not a port"),
    ],
)
def test_a_bad_dev_addr_is_a_usage_error(minimal_project: Project, address: str, phrase: str) -> None:
    err = _serve_fails_at_once(minimal_project, address)
    assert err.startswith("disclose: --dev-addr: ") and phrase in err, err
    assert err.rstrip("\n").isprintable()


def test_an_ipv6_dev_addr_is_taken(minimal_project: Project) -> None:
    from generator.cli import dev_address

    assert dev_address("[::1]:8000") == ("[::1]", 8000)
    assert dev_address("localhost:8001") == ("localhost", 8001)


@pytest.mark.parametrize(
    ("option", "said"),
    [
        ("build_dir: 5", "plugins.disclose.build_dir: give text, not 5"),
        ("language: [en]", "plugins.disclose.language: give text, not ['en']"),
        ("site_dir: {a: b}", "plugins.disclose.site_dir: give text, not {'a': 'b'}"),
        ("search: true", "plugins.disclose.search: give text, not True"),
        ('"bad\\e[2Jkey": 1', "unknown option(s) 'bad\\x1b[2Jkey'"),
    ],
)
def test_plugin_options_of_the_wrong_type_are_a_usage_error(
    minimal_project: Project, option: str, said: str
) -> None:
    _replace_plugin_options(minimal_project, f"  - disclose:\n      {option}\n")
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 2 and said in result.err, result.err


def test_an_option_set_to_nothing_takes_its_default_as_mkdocs_does(minimal_project: Project) -> None:
    """`build_dir:` with no value would otherwise build into a folder named None."""
    _replace_plugin_options(minimal_project, "  - disclose:\n      build_dir:\n      language:\n")
    assert minimal_project.cli("-q", "build", "--as-of", AS_OF).code == 0
    assert (minimal_project.root / ".build" / "public" / "docs").is_dir()
    assert not (minimal_project.root / "None").exists()


@pytest.mark.parametrize("value", ["abc", "99999999999999999999"])
def test_a_bad_source_date_epoch_is_refused_even_with_as_of(
    minimal_project: Project, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    """MkDocs reads SOURCE_DATE_EPOCH for its build date: a bad one must stop us first, clearly."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", value)
    result = minimal_project.cli("-q", "build", "--as-of", AS_OF)
    assert result.code == 2 and result.err.startswith("disclose: SOURCE_DATE_EPOCH: "), result.err
    assert not (minimal_project.root / "site").exists()


# -- the issuer, its contact and the evaluation (issue #13) ----------------------------------------


def test_the_issuer_contact_and_evaluation_are_read_from_the_plugin_options(minimal_project: Project) -> None:
    from fractions import Fraction

    _replace_plugin_options(
        minimal_project,
        "  - disclose:\n"
        "      issuer: '  市纪委监委派驻  纪检监察组 '\n"
        "      contact:\n"
        "        phone: 12388\n"
        "        email: jw@example.gov.cn\n"
        "        website: https://www.12388.gov.cn/\n"
        "      evaluation:\n"
        "        rate: satisfied-or-basic\n"
        "        rate_below: 80\n"
        "        score_below: 0\n"
        "        flag_note: '  低于标准的，对主要负责人进行约谈。 '\n",
    )
    settings = load_settings(minimal_project.root / "mkdocs.yml")
    assert settings.evaluation.flag_note == "低于标准的，对主要负责人进行约谈。"
    assert settings.issuer == "市纪委监委派驻 纪检监察组"
    assert (settings.contact.phone, settings.contact.email, settings.contact.address) == (
        "12388",
        "jw@example.gov.cn",
        None,
    )
    assert settings.evaluation.rate == "satisfied-or-basic"
    assert (settings.evaluation.rate_below, settings.evaluation.score_below) == (Fraction(4, 5), None)


def test_without_them_there_is_no_issuer_no_contact_and_the_default_evaluation(
    minimal_project: Project,
) -> None:
    from fractions import Fraction

    _replace_plugin_options(minimal_project, "  - disclose:\n      language: en\n")
    settings = load_settings(minimal_project.root / "mkdocs.yml")
    assert settings.issuer is None and not settings.contact
    assert (settings.evaluation.rate, settings.evaluation.rate_below, settings.evaluation.score_below) == (
        "satisfied",
        Fraction(2, 3),
        Fraction(70),
    )


@pytest.mark.parametrize(
    ("options", "said"),
    [
        (
            "contact: 025-123",
            "plugins.disclose.contact: give `key: value` lines under it (such as `phone: 010-12345678`)",
        ),
        (
            "contact: {fax: 1}",
            "plugins.disclose.contact: unknown option(s) 'fax' (known: phone, email, address, website)",
        ),
        ("contact: {phone: [1, 2]}", "plugins.disclose.contact.phone: give text, not [1, 2]"),
        (
            "contact: {email: 'a b@c.d'}",
            "plugins.disclose.contact.email: 'a b@c.d' is not one e-mail address",
        ),
        ("contact: {email: a@b}", "plugins.disclose.contact.email: 'a@b' is not one e-mail address"),
        (
            "contact: {website: 'javascript:alert(1)'}",
            "plugins.disclose.contact.website: 'javascript:alert(1)' is not a web address",
        ),
        (
            "evaluation: {rate: basic}",
            "plugins.disclose.evaluation.rate must be one of satisfied, satisfied-or-basic, not 'basic'",
        ),
        (
            "evaluation: {rate_below: 120}",
            "plugins.disclose.evaluation.rate_below: give a percentage from 0 to 100, or a fraction such as 2/3",
        ),
        ("evaluation: {rate_below: 3/2}", "plugins.disclose.evaluation.rate_below: give a percentage"),
        (
            "evaluation: {score_below: 2/3}",
            "plugins.disclose.evaluation.score_below: give a score from 0 to 100",
        ),
        (
            "evaluation: {score_below: true}",
            "plugins.disclose.evaluation.score_below: give a score from 0 to 100 (0 or false: flag nothing), not True",
        ),
        ("evaluation: {rank: score}", "plugins.disclose.evaluation: unknown option(s) 'rank'"),
        ("evaluation: {flag_note: [a]}", "plugins.disclose.evaluation.flag_note: give text"),
        ("issuer: [a]", "plugins.disclose.issuer: give text, not ['a']"),
    ],
)
def test_a_bad_issuer_contact_or_evaluation_is_a_usage_error(
    minimal_project: Project, options: str, said: str
) -> None:
    _replace_plugin_options(minimal_project, f"  - disclose:\n      {options}\n")
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 2 and said in result.err, result.err
    assert "Traceback" not in result.err


@pytest.mark.parametrize(
    ("options", "said"),
    [
        ("contact: {email: a@b}", "plugins.disclose.contact.email: 'a@b' 不是一个电子邮箱地址"),
        (
            "contact: {fax: 1}",
            "plugins.disclose.contact: 未知的选项 'fax'（可用的选项：phone、email、address、website）",
        ),
        (
            "evaluation: {rate_below: 120}",
            "evaluation.rate_below: 请给出 0 到 100 之间的百分数，或 2/3 这样的分数",
        ),
        (
            "evaluation: {rate: basic}",
            "evaluation.rate 必须是 satisfied、satisfied-or-basic 之一，而不是 'basic'",
        ),
        ("progress_notice: {titel: x}", "progress_notice: 请为 title、document_number"),
        ("order: {units: [U-1, U-1]}", "plugins.disclose.order.units: 'U-1' 列出了两次"),
    ],
)
def test_a_chinese_site_is_told_of_its_bad_settings_in_chinese(
    minimal_project: Project, options: str, said: str
) -> None:
    """The settings of the official pages, notices and Chinese text were refused in English only."""
    _replace_plugin_options(minimal_project, f"  - disclose:\n      language: zh\n      {options}\n")
    result = minimal_project.cli("validate", "--as-of", AS_OF)
    assert result.code == 2 and said in result.err, result.err
