"""Secret-looking strings are redacted from prompts, and ordinary code is left exactly as it was."""

import base64
import json
import random
import string
import uuid
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fim_lsp.privacy.redaction import PLACEHOLDER, looks_random, redact

# Every secret here is made up from a seeded generator, so nothing in this file is a real key
# and no scanner finds a literal token in the source.
_RNG = random.Random(20240611)
ALNUM = string.ascii_letters + string.digits
UPPER = string.ascii_uppercase + string.digits
B64URL = ALNUM + "-_"


def _fake(alphabet: str, n: int) -> str:
    return "".join(_RNG.choice(alphabet) for _ in range(n))


def _b64url(data: dict[str, object]) -> str:
    return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")


JWT = ".".join(
    (
        _b64url({"alg": "HS256", "typ": "JWT"}),
        _b64url({"sub": "1234567890", "name": "Jane Doe", "iat": 1716239022}),
        _fake(B64URL, 43),
    )
)

# secrets recognised by their format, whatever the name they are given
FORMATTED = {
    "aws_access_key_id": "AKIA" + _fake(UPPER, 16),
    "aws_session_key_id": "ASIA" + _fake(UPPER, 16),
    "github_classic": "ghp_" + _fake(ALNUM, 36),
    "github_oauth": "gho_" + _fake(ALNUM, 36),
    "github_app": "ghs_" + _fake(ALNUM, 36),
    "github_fine_grained": "github_pat_" + _fake(ALNUM, 22) + "_" + _fake(ALNUM, 59),
    "gitlab": "glpat-" + _fake(B64URL, 20),
    "slack_bot": f"xoxb-{_fake(string.digits, 12)}-{_fake(string.digits, 13)}-{_fake(ALNUM, 24)}",
    "stripe_live": "sk_live_" + _fake(ALNUM, 24),
    "stripe_restricted": "rk_live_" + _fake(ALNUM, 24),
    "openai_legacy": "sk-" + _fake(ALNUM, 48),
    "openai_project": "sk-proj-" + _fake(B64URL, 120),
    "anthropic": "sk-ant-api03-" + _fake(B64URL, 93) + "AA",
    "google_api_key": "AIza" + _fake(B64URL, 35),
    "jwt": JWT,
}
# secrets recognised only because the name they are assigned to says what they are
UNFORMATTED = {
    "aws_secret_access_key": _fake(ALNUM + "/+", 40),
    "hex_40": _fake("0123456789abcdef", 40),
    "base64_32_bytes": base64.b64encode(_RNG.randbytes(32)).decode(),
    "uuid": str(uuid.UUID(int=_RNG.getrandbits(128))),
    "password_symbols": "h7Rk!2pQz%9wLm",
    "password_leet": "Tr0ub4dor&3x",
    "alnum_mixed_case": "qWeRtZuIoPaSdFgH",
}
SECRETS = {**FORMATTED, **UNFORMATTED}

# (syntax, template): {s} is the secret; each name suggests a secret
NAMED = [
    ("python", 'API_KEY = "{s}"\nclient = Client(API_KEY)\n'),
    ("python_kwarg", 'client = Client(api_key="{s}", timeout=3.0)'),
    ("python_annotated", "        self.token: str = '{s}'"),
    ("python_subscript", 'os.environ["OPENAI_API_KEY"] = "{s}"'),
    ("python_compare", 'if password == "{s}":'),
    ("javascript", 'const apiKey = "{s}";'),
    ("typescript", "export const authToken: string = `{s}`;"),
    ("js_object", "  headers: { 'x-api-key': '{s}' },"),
    ("yaml", "database:\n  password: {s}\n  port: 5432\n"),
    ("yaml_quoted", 'secret_key: "{s}"  # rotated monthly'),
    ("dotenv", "DB_PASSWORD={s}\nDB_HOST=localhost\n"),
    ("json", '{"client_secret": "{s}", "port": 5432}'),
    ("shell", "export GITHUB_TOKEN='{s}'\n"),
    ("go", '\tapiKey := "{s}"\n'),
    ("go_const", 'const stripeKey = "{s}"'),
    ("java", '    private static final String SECRET = "{s}";'),
    ("php", "    'password' => '{s}',"),
    ("ruby", '  auth_token: "{s}",'),
    ("ini", "[default]\naws_secret_access_key = {s}\n"),
    ("cli_flag", "mysql --password={s} app"),
    ("xml", "<db><password>{s}</password></db>"),
    ("k8s_env", 'env:\n  - name: DB_PASSWORD\n    value: "{s}"\n  - name: PORT\n'),
    ("ecs_json", '[{"name": "API_TOKEN", "value": "{s}"}]'),
    ("dotnet_config", '<add key="PaymentApiKey" value="{s}" />'),
]
# names that say nothing about secrets
NEUTRAL = [
    ("python", 'value = "{s}"'),
    ("javascript", "const x = '{s}';"),
    ("yaml", "data: {s}\n"),
    ("call", 'print("{s}")'),
    ("comment", "# rotate {s} next week\n"),
    ("shell", "curl -s https://api.example.com/v1?k={s} >/dev/null"),
]


@pytest.mark.parametrize("syntax, template", NAMED, ids=[s for s, _ in NAMED])
@pytest.mark.parametrize("secret", SECRETS.values(), ids=SECRETS.keys())
def test_a_secret_assigned_to_a_secret_name_is_redacted_and_the_code_kept(
    syntax: str, template: str, secret: str
) -> None:
    text = template.replace("{s}", secret)
    assert redact(text) == (template.replace("{s}", PLACEHOLDER), 1)


@pytest.mark.parametrize("syntax, template", NEUTRAL, ids=[s for s, _ in NEUTRAL])
@pytest.mark.parametrize("secret", FORMATTED.values(), ids=FORMATTED.keys())
def test_a_secret_with_a_known_format_is_redacted_under_any_name(
    syntax: str, template: str, secret: str
) -> None:
    text = template.replace("{s}", secret)
    assert redact(text) == (template.replace("{s}", PLACEHOLDER), 1)


@pytest.mark.parametrize("secret", UNFORMATTED.values(), ids=UNFORMATTED.keys())
def test_a_random_string_without_a_secret_name_is_kept(secret: str) -> None:
    text = f'value = "{secret}"\nrequest_id: {secret}\n'
    assert redact(text) == (text, 0)


AWS_DOCS_EXAMPLE = "AKIA" + "IOSFODNN7EXAMPLE"
NEAR_MISSES = [
    "for key, value in sorted(mapping.items()):\n    print(key, value)\n",
    "password = input('Password: ')",
    "password = getpass.getpass()",
    "token = tokens[0]",
    "api_key = os.environ['API_KEY']",
    'api_key = os.environ.get("API_KEY", "")',
    "api_key = os.getenv('API_KEY')",
    "const token = process.env.GITHUB_TOKEN;",
    "password: ${DB_PASSWORD}",
    "api_key: ${{ secrets.OPENAI_API_KEY }}",
    'password: "{{ vault_db_password }}"',
    'password = ""',
    "password = ''",
    'password = "changeme"',
    'DB_PASSWORD = "change_me_in_production"',
    "API_KEY=<your-api-key>",
    'API_KEY = "your_api_key_here"',
    'OPENAI_API_KEY = "sk-xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"',
    'aws_access_key_id = "' + AWS_DOCS_EXAMPLE + '"',
    'token = "***************"',
    "token: str",
    "def login(username: str, password: str) -> Token:",
    "token: Optional[str] = None",
    "max_tokens = 4096",
    'token_type = "bearer"',
    'TOKEN_URL = "https://oauth2.googleapis.com/token"',
    'authorization_url = "https://github.com/login/oauth/authorize"',
    'SECRET_KEY_FILE = "/etc/app/secret-2024.key"',
    'secret_name = "prod/db/credentials"',
    "if password == confirm_password:",
    "password_hash = hash_password(password, salt)",
    'tokenizer = AutoTokenizer.from_pretrained("gpt2")',
    "self.auth = HTTPBasicAuth(user, password)",
    'headers = {"Authorization": f"Bearer {token}"}',
    'headers["Authorization"] = "Bearer " + token',
    "Send the token as a Bearer header.",
    "password_min_length = 12",
    'PASSWORD_REGEX = r"^(?=.*[A-Z])(?=.*\\d).{12,}$"',
    'auth_header = "X-Api-Key"',
    'cache_key = f"user:{user_id}:profile"',
    'sort_key = "created_at"',
    'KEY_BINDINGS = {"ctrl+s": "save", "ctrl+q": "quit"}',
    'TOKEN_EXPIRY = "2024-01-01T00:00:00Z"',
    'expect(screen.getByLabelText("Password")).toBeInTheDocument()',
    "# Set OPENAI_API_KEY in your environment before running.",
    "password: !vault |",
    "token = secrets.token_urlsafe(32)",
    "SECRET_KEY = get_random_secret_key()",
    "password=settings.DB_PASSWORD",
    "api_key=api_key,",
    'passport_number = "X12345678"',
    "bypass_cache = True",
    "const { token } = await login(user, password);",
    'Token string `json:"token"`',
    "task-runner-for-the-nightly-background-jobs-2",
    'request_id = "' + str(uuid.UUID(int=_RNG.getrandbits(128))) + '"',
    'commit = "' + _fake("0123456789abcdef", 40) + '"',
    "  - repo: https://github.com/astral-sh/ruff-pre-commit\n    rev: "
    + _fake("0123456789abcdef", 40)
    + "\n",
    '<img src="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4'
    '2mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">',
    "postgres://user:password@localhost:5432/app",
    "postgres://localhost:5432/app",
    "redis://${REDIS_USER}:${REDIS_PASSWORD}@cache:6379/0",
    "git@github.com:org/repo.git",
    "ssh://git@github.com:22/org/repo.git",
    "http://[::1]:8080/healthz",
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" + _fake(ALNUM, 40) + "\n"
    "-----END PUBLIC KEY-----\n",
    'PEM_END = "-----END RSA PRIVATE KEY-----"',
    "-----BEGIN PRIVATE KEY-----\n",
    '<add key="Theme" value="dark-v2x9k3" />',
    "env:\n  - name: LOG_LEVEL\n    value: debug-2x9-k3\n",
    "<token>{{ access_token }}</token>",
    "R.ProgressType=R.ProgressToken=R.createMessageConnection=void 0;",  # minified JavaScript
]


@pytest.mark.parametrize("text", NEAR_MISSES)
def test_ordinary_code_is_unchanged(text: str) -> None:
    assert redact(text) == (text, 0)


SOURCES = sorted((Path(__file__).parents[3] / "server" / "fim_lsp").rglob("*.py"))


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_this_projects_own_source_is_unchanged(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert redact(text)[1] == 0


KEY_BODY = "\n".join(_fake(ALNUM + "+/", 64) for _ in range(6)) + "\n" + _fake(ALNUM, 20) + "=="


@pytest.mark.parametrize(
    "kind",
    [
        "RSA PRIVATE KEY",
        "OPENSSH PRIVATE KEY",
        "EC PRIVATE KEY",
        "PRIVATE KEY",
        "ENCRYPTED PRIVATE KEY",
        "DSA PRIVATE KEY",
        "PGP PRIVATE KEY BLOCK",
    ],
)
def test_a_private_key_block_keeps_its_begin_and_end_lines(kind: str) -> None:
    begin, end = f"-----BEGIN {kind}-----", f"-----END {kind}-----"
    text = f'KEY = """{begin}\n{KEY_BODY}\n{end}\n"""\nsign(KEY)\n'
    assert redact(text) == (f'KEY = """{begin}\n{PLACEHOLDER}\n{end}\n"""\nsign(KEY)\n', 1)


def test_an_encrypted_pem_loses_its_headers_too() -> None:
    text = (
        "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
        f"DEK-Info: AES-128-CBC,{_fake('0123456789ABCDEF', 32)}\n\n{KEY_BODY}\n"
        "-----END RSA PRIVATE KEY-----\n"
    )
    expected = f"-----BEGIN RSA PRIVATE KEY-----\n{PLACEHOLDER}\n-----END RSA PRIVATE KEY-----\n"
    assert redact(text) == (expected, 1)


def test_a_key_cut_by_the_cursor_is_redacted_on_both_sides() -> None:
    lines = KEY_BODY.split("\n")
    prefix = "key = '''-----BEGIN OPENSSH PRIVATE KEY-----\n" + "\n".join(lines[:3]) + "\nb3Bl"
    suffix = "bnNz" + "\n".join(lines[3:]) + "\n-----END OPENSSH PRIVATE KEY-----\n'''\n"
    assert redact(prefix) == (f"key = '''-----BEGIN OPENSSH PRIVATE KEY-----\n{PLACEHOLDER}", 1)
    assert redact(suffix) == (f"{PLACEHOLDER}\n-----END OPENSSH PRIVATE KEY-----\n'''\n", 1)


def test_a_key_in_a_json_string_is_redacted() -> None:
    body = "\\n".join(KEY_BODY.split("\n"))
    text = (
        '{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----\\n'
        + body
        + '\\n-----END PRIVATE KEY-----\\n", "client_email": "ci@proj.iam.gserviceaccount.com"}'
    )
    out, count = redact(text)
    assert count == 1
    assert KEY_BODY.split("\n")[0] not in out
    assert out.startswith('{"type": "service_account", "private_key": "-----BEGIN PRIVATE KEY-----')
    assert out.endswith(
        '-----END PRIVATE KEY-----\\n", "client_email": "ci@proj.iam.gserviceaccount.com"}'
    )


PASSWORD = "Zq8" + _fake(ALNUM, 13)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            f"DATABASE_URL=postgres://app:{PASSWORD}@db.internal:5432/app",
            f"DATABASE_URL=postgres://app:{PLACEHOLDER}@db.internal:5432/app",
        ),
        (
            f'REDIS = "redis://:{PASSWORD}@cache:6379/0"',
            f'REDIS = "redis://:{PLACEHOLDER}@cache:6379/0"',
        ),
        (
            f"git clone https://jdoe:{FORMATTED['github_classic']}@github.com/org/repo.git",
            f"git clone https://jdoe:{PLACEHOLDER}@github.com/org/repo.git",
        ),
        (
            f'curl -H "Authorization: Bearer {JWT}" https://api.example.com/v1/me',
            f'curl -H "Authorization: Bearer {PLACEHOLDER}" https://api.example.com/v1/me',
        ),
        (
            "Authorization: Basic " + base64.b64encode(f"jdoe:{PASSWORD}".encode()).decode(),
            f"Authorization: Basic {PLACEHOLDER}",
        ),
        (
            f'headers = {{"Authorization": "Token {SECRETS["hex_40"]}"}}',
            f'headers = {{"Authorization": "Token {PLACEHOLDER}"}}',
        ),
        (
            f"req.set_header('authorization', 'bearer {_fake(ALNUM, 32)}')",
            f"req.set_header('authorization', 'bearer {PLACEHOLDER}')",
        ),
    ],
)
def test_credentials_in_urls_and_headers_are_redacted(text: str, expected: str) -> None:
    assert redact(text) == (expected, 1)


# Evasions: a value after a secret-looking name, written with the characters and syntax that
# once got it through. `caught` says what redaction does with it; the ones it knowingly lets
# through are listed in SECURITY.md. {s} is a password with `#` and `$` in it.
SYMBOLS = "Xk9#mP2$vL8qR4"
EVASIONS = [
    # (case, template, caught)
    ("dotenv", "PASSWORD={s}", True),
    ("shell_comment", "export PASSWORD={s}  # rotated", True),
    ("yaml", "password: Xk9#mP2vL8qR4\nport: 5432", True),
    ("yaml_comment", "password: Xk9#mP2vL8qR4  # old one", True),
    ("ini_comment", "password = {s} ; prod", True),
    ("compose_list", "      - DB_PASSWORD={s}", True),
    ("cli_flag", "mysql --password={s} app", True),
    ("connection_string", "Server=db;Password=Xk9#mP2$vL8;Database=app", True),
    ("url", "DATABASE_URL=postgres://admin:Xk9#mP2vL8qR4@db.internal:5432/app", True),
    ("url_dollar", "redis://:{s}@cache:6379/0", True),
    ("url_at", "postgres://admin:Xk9@mP2vL8@db:5432/app", True),
    ("properties_brackets", "db.password=Xk9#mP2(vL8)qR4", True),
    ("line_end_symbols", "PASSWORD=Xk9(mP2]vL8>qR4", True),
    ("line_end_more", "api_secret=Xk9:mP2=vL8?qR4|z\\w", True),
    ("yaml_doubled_quote", "password: 'Xk9''mP2#vL8qR4'", True),
    ("shell_ansi_c", "PASSWORD=$'Xk9\\'mP2vL8qR4'", True),
    ("python_triple_quotes", 'PASSWORD = """{s}"""', True),
    ("quoted", 'password = "{s}"', True),
    ("xml", "<password>{s}</password>", True),
    # knowingly let through: each reads as something else as well
    ("words_only", "PASSWORD=correcthorsebatterystaple", False),
    ("starts_with_hash", "PASSWORD=#Xk9mP2vL8qR4", False),  # a comment
    ("starts_with_dollar", "PASSWORD=$Xk9mP2vL8qR4", False),  # a variable
    ("bare_with_quote", "PASSWORD=Xk9'mP2#vL8qR4", False),  # a quoted piece
    ("pieces", "PASSWORD='Xk9#'\"mP2$vL8qR4\"", False),  # quoted pieces glued together
    ("with_spaces", "password: Xk9 mP2 vL8 qR4", False),  # prose
    ("line_end_no_digits", "PASSWORD=Xkq(mPw]vLz>qRt", False),  # code and prose end lines too
    ("line_end_call_shape", "PASSWORD=Xk9mP2(vL8qR4)", False),  # a call
    ("angle_brackets", "PASSWORD=Xk9<mP2>vL8qR4", False),  # a <placeholder>
    ("braces", "PASSWORD=Xk9{mP2}vL8qR4", False),  # a {template}
    ("mid_line_symbols", "mysql --password=Xk9(mP2)vL8 app", False),  # code goes on after it
    ("url_question_mark", "postgres://admin:Xk9?mP2vL8@db", False),  # ? starts the query
    ("ordinary_name", 'value = "{s}"', False),
]


@pytest.mark.parametrize(("case", "template", "caught"), EVASIONS, ids=[e[0] for e in EVASIONS])
def test_evasions_table(case: str, template: str, caught: bool) -> None:
    text = template.replace("{s}", SYMBOLS)
    out, count = redact(text)
    assert (count == 1 and PLACEHOLDER in out) is caught, out
    if caught:  # no part of the secret is left
        assert "Xk9" not in out and "mP2" not in out and "vL8" not in out
    else:
        assert out == text


CODE_AT_LINE_END = [
    "token=getToken()",
    "auth = HTTPBasicAuth(user,password)",
    "  password: process.env.DB_PASSWORD,",
    "key=this.key||defaultKey",
    "$password-color: #ff0000;",
    "  apiKey: Record<string,string>;",
    "secret=hashlib.sha256(pw).hexdigest()",
    "char *password=argv[1];",
    "AUTH_FLAGS=-Wl,-rpath=$(LIB)",
    "secret_v2=item.values[0].get(k2)",
    "password=pw1.strip().lower()",
    "tokens=tokens2[::-1]",
    "creds=load(p2)#noqa",
    "token=h2o.H2OFrame(df)",
    "# token: see docs/auth.md#tokens-2",
    "KEY_F1=\\e[11~",
]


@pytest.mark.parametrize("text", CODE_AT_LINE_END)
def test_code_that_ends_a_line_after_a_secret_name_is_unchanged(text: str) -> None:
    assert redact(text) == (text, 0)


@pytest.mark.parametrize(
    "before",
    [
        "şehir = 'İstanbul İzmir'\n",
        "# 秘密の鍵 🔑\n",
        "Σ = 'ΣΑΣ'  # final sigma\n",
        "x = 'ß' * 3\n",
    ],
)
def test_secrets_after_non_ascii_text_are_cut_at_the_right_place(before: str) -> None:
    secret = FORMATTED["openai_project"]
    text = f'{before}OPENAI_API_KEY = "{secret}"\nAuthorization: Bearer {JWT}\n'
    expected = f'{before}OPENAI_API_KEY = "{PLACEHOLDER}"\nAuthorization: Bearer {PLACEHOLDER}\n'
    assert redact(text) == (expected, 2)


def test_known_values_are_redacted_wherever_they_occur() -> None:
    key = _fake(ALNUM, 32)
    text = f"# the key is {key}\nlog.debug('using %s', '{key}')\n"
    assert redact(text, known=[key]) == (
        f"# the key is {PLACEHOLDER}\nlog.debug('using %s', '{PLACEHOLDER}')\n",
        2,
    )


def test_short_and_empty_known_values_are_ignored() -> None:
    text = "def run(abc):\n    return abc\n"
    assert redact(text, known=["", "abc", "run(abc"]) == (text, 0)


def test_a_known_value_inside_a_formatted_secret_counts_once() -> None:
    secret = FORMATTED["github_classic"]
    text = f'GITHUB_TOKEN = "{secret}"'
    assert redact(text, known=[secret[4:20]]) == (f'GITHUB_TOKEN = "{PLACEHOLDER}"', 1)


def test_each_secret_is_counted() -> None:
    text = "\n".join(f'{name} = "{secret}"' for name, secret in FORMATTED.items())
    out, count = redact(text)
    assert count == len(FORMATTED)
    assert out == "\n".join(f'{name} = "{PLACEHOLDER}"' for name in FORMATTED)


@pytest.mark.parametrize(
    ("value", "random_looking"),
    [
        ("s3cr3t-p4ss", True),
        ("P@ssw0rd!", True),
        ("qWeRtZuIoPaS", True),
        ("bcdfghjklmnpqrstvwxz", True),
        ("oauth2_token", False),
        ("sha256WithRSAEncryption", False),
        ("getUserPasswordHash", False),
        ("correcthorsebatterystaple", False),  # words only: the trade-off
        ("/var/run/secrets/kubernetes.io/serviceaccount/token", False),
        ("2024-01-01", False),
        ("short1a", False),
        ("has space 123abc", False),
    ],
)
def test_looks_random(value: str, random_looking: bool) -> None:
    assert looks_random(value) is random_looking


def test_redacting_is_idempotent_on_real_secrets() -> None:
    text = "\n".join(
        t.replace("{s}", s) for (_, t), s in zip(NAMED, SECRETS.values(), strict=False)
    )
    once, count = redact(text)
    assert count > 0
    assert redact(once) == (once, 0)


ADVERSARIAL = [
    "password=" * 20_000,
    'token = "' * 20_000,
    "key: " + "a" * 200_000,
    "a" * 200_000,
    "-----BEGIN PRIVATE KEY-----" * 5_000,
    "-----END PRIVATE KEY-----\n" + ("A" * 64 + "\n-----END PRIVATE KEY-----\n") * 2_000,
    "://" + ":" * 100_000 + "@",
    "://a:" * 30_000,
    "ghp_" * 30_000,
    "Bearer " * 30_000,
    "Authorization: " * 20_000,
    "eyJ" + "a" * 100_000 + ".eyJ" * 10_000,
    "sk-" + "-" * 100_000,
    "token: str" + " |" * 50_000 + "=",
    "1a" * 100_000,
    "name: a value: " * 20_000,
    "<password>" * 20_000,
    'key="' * 30_000,
]


@pytest.mark.parametrize("text", ADVERSARIAL, ids=lambda t: repr(t[:16]))
def test_pathological_input_finishes(text: str) -> None:
    """Each would take minutes if any pattern backtracked; linear patterns take milliseconds."""
    out, _ = redact(text)
    assert redact(out)[0] == out


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_text_is_redacted_idempotently(text: str) -> None:
    once, _ = redact(text)
    assert redact(once) == (once, 0)


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Z"]), max_size=400))
def test_any_code_like_text_is_redacted_idempotently(text: str) -> None:
    once, _ = redact(text)
    assert redact(once) == (once, 0)


# Without the letters of any secret word or format prefix, and without @, nothing can match.
SAFE_ALPHABET = (
    string.digits + string.punctuation.replace("@", "") + " \t\n" + "bdfhijlmnoquvwzBDFHJLMOQUVWZ"
)


FRAGMENTS = [
    *("password", "token", "api_key", "Key", "AUTH", "secret", "name", "value", "Bearer "),
    *(" = ", "=", ": ", ":", '"', "'", "`", "<", ">", "</", "\n", " ", "[", "]", "://", "@", "."),
    *(
        "-----BEGIN PRIVATE KEY-----",
        "-----END PRIVATE KEY-----",
        "-----BEGIN RSA PRIVATE KEY-----",
    ),
    *("AKIA", "ghp_", "sk-", "sk_live_", "eyJ", "AIza", "xoxb-", "glpat-", "Authorization: "),
    *("a1B2c3D4e5F6g7H8", "ABCDEFGHIJKLMNOP", "0123456789", "s3cr3t", PLACEHOLDER, "$", "{", "}"),
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join))
def test_text_made_of_secret_fragments_is_redacted_idempotently(text: str) -> None:
    once, _ = redact(text)
    assert redact(once) == (once, 0)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(SAFE_ALPHABET)))
def test_text_without_secret_words_is_unchanged(text: str) -> None:
    assert redact(text) == (text, 0)


@settings(max_examples=300, deadline=None)
@given(
    before=st.text(max_size=200),
    after=st.text(max_size=200),
    secret=st.sampled_from(list(SECRETS.values())),
    template=st.sampled_from([t for _, t in NAMED]),
)
def test_an_embedded_secret_never_survives(
    before: str, after: str, secret: str, template: str
) -> None:
    text = before + "\n" + template.replace("{s}", secret) + "\n" + after
    out, count = redact(text)
    assert secret not in out
    assert count >= 1


@settings(max_examples=200, deadline=None)
@given(text=st.text(max_size=300), key=st.text(min_size=8, max_size=40))
def test_a_known_value_never_survives(text: str, key: str) -> None:
    out, _ = redact(text + key + text, known=[key])
    assert key not in out or PLACEHOLDER in key
